/*
 * test_buf.c - growing buffers respect their maximum and keep contents on failure.
 */
#include "unit.h"

#include "../src/buf.h"

UNIT_TEST(grows_and_terminates)
{
	tm_buf		b;
	int			i;

	buf_init(&b, 1 << 20);
	CHECK_STR(buf_str(&b), "");
	for (i = 0; i < 1000; i++)
		CHECK_INT(buf_adds(&b, "abc"), TM_OK);
	CHECK_INT(b.len, 3000);
	CHECK_INT(b.data[3000], '\0');
	buf_reset(&b);
	CHECK_STR(buf_str(&b), "");
	CHECK_INT(buf_addf(&b, "%s-%d", "x", 42), TM_OK);
	CHECK_STR(buf_str(&b), "x-42");
	buf_free(&b);
}

UNIT_TEST(maximum_is_enforced)
{
	tm_buf		b;

	buf_init(&b, 8);
	CHECK_INT(buf_adds(&b, "12345678"), TM_OK);
	CHECK_INT(buf_addc(&b, '9'), TM_ERR_NOMEM);
	CHECK_STR(buf_str(&b), "12345678");
	CHECK_INT(buf_addf(&b, "%d", 1), TM_ERR_NOMEM);
	CHECK_INT(b.len, 8);
	buf_free(&b);
}

UNIT_TEST(binary_bytes)
{
	tm_buf		b;
	const char	bytes[4] = {'a', '\0', 'b', '\0'};

	buf_init(&b, 100);
	CHECK_INT(buf_add(&b, bytes, 4), TM_OK);
	CHECK_INT(b.len, 4);
	CHECK(memcmp(b.data, bytes, 4) == 0);
	buf_free(&b);
}

UNIT_MAIN(UNIT_ENTRY(grows_and_terminates), UNIT_ENTRY(maximum_is_enforced), UNIT_ENTRY(binary_bytes))
