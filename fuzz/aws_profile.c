/*
 * aws_profile.c - fuzz the reading of the AWS CLI's credentials and config files
 * (aws_profile_parse in loader/src/aws_credentials.c, with libinih): any text, with lines
 * longer than libinih's buffer, as either kind of file, for two profile names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/src/aws_credentials.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"default", "prod"};
	aws_profile p;
	char	   *text;
	size_t		i;

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < 4; i++)
	{
		aws_profile_parse(text, i & 1, names[i >> 1], &p);
		aws_profile_free(&p);
	}
	free(text);
	return 0;
}
