/*
 * test_copy.c - text is escaped the way COPY's text format reads it back.
 */
#include "unit.h"

#include "../src/copy.h"

UNIT_TEST(escapes)
{
	tm_buf		b;

	buf_init(&b, 1000);
	CHECK_INT(copy_escape(&b, "plain"), TM_OK);
	CHECK_STR(buf_str(&b), "plain");
	buf_reset(&b);
	CHECK_INT(copy_escape(&b, "a\tb\nc\rd\\e"), TM_OK);
	CHECK_STR(buf_str(&b), "a\\tb\\nc\\rd\\\\e");
	buf_reset(&b);
	CHECK_INT(copy_escape(&b, "\\N"), TM_OK);
	CHECK_STR(buf_str(&b), "\\\\N");
	buf_reset(&b);
	CHECK_INT(copy_escape(&b, "Zürich & \"quotes\""), TM_OK);
	CHECK_STR(buf_str(&b), "Zürich & \"quotes\"");
	buf_free(&b);
}

UNIT_MAIN(UNIT_ENTRY(escapes))
