/*
 * hosts_file.c - fuzz the hosts-file parser: any bytes either parse into hosts that each
 * name a valid host, or fail with a line number inside the text and a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/src/hosts_file.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hosts_list	l;
	hosts_error err;
	size_t		i;
	size_t		lines = 1;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (hosts_parse((const char *) data, size, &l, &err) == TM_OK)
	{
		for (i = 0; i < l.n; i++)
		{
			if (l.v[i].host[0] == '\0' || l.v[i].port < 0 || l.v[i].port > 65535 ||
				(size_t) l.v[i].line > lines)
				abort();
		}
		hosts_list_free(&l);
	}
	else if (err.msg[0] == '\0' || err.line < 0 || (size_t) err.line > lines || l.n != 0)
		abort();
	return 0;
}
