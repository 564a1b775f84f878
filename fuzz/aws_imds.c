/*
 * aws_imds.c - libFuzzer target: the instance metadata service's credentials document
 * (aws_imds_credentials_parse in loader/src/aws_credentials.c, with json-c) on any bytes.
 * A document it accepts yields both keys; one it refuses yields none; nothing leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/src/aws_credentials.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	aws_credentials c;
	char		code[64];
	char	   *text = malloc(size + 1);
	tm_result	r;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&c, 0, sizeof(c));
	r = aws_imds_credentials_parse(text, &c, code, sizeof(code));
	if (r == TM_OK && (c.access_key_id == NULL || c.secret_access_key == NULL))
		__builtin_trap();
	if (r != TM_OK && (c.access_key_id != NULL || c.secret_access_key != NULL))
		__builtin_trap();
	if (strlen(code) == 0)
		__builtin_trap();
	aws_credentials_free(&c);
	free(text);
	return 0;
}
