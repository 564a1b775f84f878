/*
 * test_utf8.c - UTF-8 validation accepts exactly the well-formed sequences.
 */
#include "unit.h"

#include "../src/utf8.h"

#define VALID(s) utf8_valid((s), sizeof(s) - 1)

UNIT_TEST(well_formed)
{
	CHECK(VALID("plain ascii"));
	CHECK(VALID("Z\xc3\xbcrich"));			/* ü */
	CHECK(VALID("\xe2\x82\xac"));			/* € */
	CHECK(VALID("\xf0\x9f\x98\x80"));		/* U+1F600 */
	CHECK(VALID("\xf4\x8f\xbf\xbf"));		/* U+10FFFF */
	CHECK(VALID(""));
}

UNIT_TEST(ill_formed)
{
	CHECK(!VALID("\xc0\xaf"));				/* overlong / */
	CHECK(!VALID("\xe0\x80\xaf"));			/* overlong */
	CHECK(!VALID("\xed\xa0\x80"));			/* surrogate U+D800 */
	CHECK(!VALID("\xf4\x90\x80\x80"));		/* beyond U+10FFFF */
	CHECK(!VALID("\xc3"));					/* cut short */
	CHECK(!VALID("\x80"));					/* lone continuation */
	CHECK(!VALID("a\0b"));					/* NUL */
	CHECK(!VALID("\xff"));
}

UNIT_MAIN(UNIT_ENTRY(well_formed), UNIT_ENTRY(ill_formed))
