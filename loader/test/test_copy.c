/*
 * test_copy.c - text is escaped the way COPY's text format reads it back; values take the
 * binary format's send forms (PostgreSQL's documentation, COPY, "Binary Format", and each
 * type's send function: int8send, inet_send, timestamptz_send).
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

/* The bytes a binary field adds, as hex. */
static const char *
hex_of(const tm_buf *b, char *out, size_t size)
{
	size_t		i;

	out[0] = '\0';
	for (i = 0; i < b->len && 2 * i + 2 < size; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned char) b->data[i]);
	return out;
}

UNIT_TEST(binary_send_forms)
{
	tm_copy		c = {.binary = true, .error = TM_OK};
	static const uint8_t v4[4] = {10, 1, 2, 3};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	char		h[256];

	buf_init(&c.buf, 1000);
	copy_bin_row(&c, 15);
	copy_bin_int8(&c, -2);
	CHECK_STR(hex_of(&c.buf, h, sizeof(h)), "000f" "00000008" "fffffffffffffffe");
	buf_reset(&c.buf);
	copy_bin_int4(&c, 443);
	copy_bin_text(&c, "tcp");
	CHECK_STR(hex_of(&c.buf, h, sizeof(h)), "00000004" "000001bb" "00000003" "746370");
	buf_reset(&c.buf);
	copy_bin_inet(&c, 4, v4);
	CHECK_STR(hex_of(&c.buf, h, sizeof(h)), "00000008" "02200004" "0a010203");
	buf_reset(&c.buf);
	copy_bin_inet(&c, 6, v6);
	CHECK_STR(hex_of(&c.buf, h, sizeof(h)), "00000014" "03800010" "20010db8000000000000000000000001");
	buf_reset(&c.buf);
	/* timestamptz_send('2023-11-14 22:13:20.123456+00') gives these bytes (nanoseconds cut) */
	copy_bin_timestamptz(&c, 1700000000123456789LL);
	CHECK_STR(hex_of(&c.buf, h, sizeof(h)), "00000008" "0002ad22dce84240");
	buf_reset(&c.buf);
	/* 1 ns before 1970 is timestamptz_send('1969-12-31 23:59:59.999999+00') */
	copy_bin_timestamptz(&c, -1);
	CHECK_STR(hex_of(&c.buf, h, sizeof(h)), "00000008" "fffca2fec4c81fff");
	CHECK_INT(c.error, TM_OK);
	buf_free(&c.buf);
}

UNIT_MAIN(UNIT_ENTRY(escapes), UNIT_ENTRY(binary_send_forms))
