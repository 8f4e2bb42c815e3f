/* Unit tests for core/utf8: encoding at every length boundary, refusal of surrogates and
 * values beyond U+10FFFF, and decoding of well-formed and ill-formed units (how many
 * bytes an ill-formed unit takes matters to the sanitiser, which shows one U+FFFD each). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/utf8.h"

/* Encodes cp and checks the bytes, then decodes them back to cp. */
static void round_trip(uint32_t cp, const char *want)
{
	char out[UTF8_MAX_BYTES + 1];
	memset(out, 'Z', sizeof(out));
	size_t n = utf8_encode(cp, out);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	assert_int_equal(out[n], 'Z'); /* nothing written past the sequence */
	uint32_t back = 0;
	assert_int_equal(utf8_decode((const unsigned char *)out, n, &back), n);
	assert_int_equal(back, cp);
}

static void test_encode_boundaries(void **state)
{
	(void)state;
	round_trip(0x41, "A");
	round_trip(0x7F, "\x7F");
	round_trip(0x80, "\xC2\x80");
	round_trip(0x7FF, "\xDF\xBF");
	round_trip(0x800, "\xE0\xA0\x80");
	round_trip(0xD7FF, "\xED\x9F\xBF");
	round_trip(0xE000, "\xEE\x80\x80");
	round_trip(0xFFFD, "\xEF\xBF\xBD");
	round_trip(0xFFFF, "\xEF\xBF\xBF");
	round_trip(0x10000, "\xF0\x90\x80\x80");
	round_trip(0x10FFFF, "\xF4\x8F\xBF\xBF");
	/* U+0000 is a scalar value: one NUL byte. */
	char out[UTF8_MAX_BYTES] = { 'Z' };
	assert_int_equal(utf8_encode(0, out), 1);
	assert_int_equal(out[0], 0);
}

static void test_encode_refuses_non_scalars(void **state)
{
	(void)state;
	static const uint32_t bad[] = { 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x110000, 0x7FFFFFFF,
					UTF8_INVALID };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char out[UTF8_MAX_BYTES] = { 'Z', 'Z', 'Z', 'Z' };
		assert_int_equal(utf8_encode(bad[i], out), 0);
		assert_memory_equal(out, "ZZZZ", 4);
	}
}

/* Decodes the bytes of in (len) and checks the bytes consumed and the value. */
static void expect_decode(const char *in, size_t len, size_t want_n, uint32_t want_cp)
{
	uint32_t cp = 0;
	size_t n = utf8_decode((const unsigned char *)in, len, &cp);
	if (n != want_n || cp != want_cp)
		print_error("decoding %zu bytes starting 0x%02X: got %zu bytes, 0x%X; want %zu, 0x%X\n",
			    len, (unsigned char)in[0], n, (unsigned)cp, want_n, (unsigned)want_cp);
	assert_int_equal(n, want_n);
	assert_int_equal(cp, want_cp);
}

static void test_decode_well_formed(void **state)
{
	(void)state;
	expect_decode("A", 1, 1, 0x41);
	expect_decode("\x7F" "x", 2, 1, 0x7F);
	expect_decode("\xC2\x80" "x", 3, 2, 0x80);
	expect_decode("\xDF\xBF", 2, 2, 0x7FF);
	expect_decode("\xE0\xA0\x80", 3, 3, 0x800);
	expect_decode("\xEF\xBF\xBF", 3, 3, 0xFFFF);
	expect_decode("\xF0\x90\x80\x80", 4, 4, 0x10000);
	expect_decode("\xF4\x8F\xBF\xBF" "\x80", 5, 4, 0x10FFFF); /* stops after 4 */
}

static void test_decode_overlong(void **state)
{
	(void)state;
	expect_decode("\xC0\x80", 2, 2, UTF8_INVALID);         /* U+0000 in 2 bytes */
	expect_decode("\xC1\xBF", 2, 2, UTF8_INVALID);         /* U+007F in 2 bytes */
	expect_decode("\xE0\x9F\xBF", 3, 3, UTF8_INVALID);     /* U+07FF in 3 bytes */
	expect_decode("\xF0\x8F\xBF\xBF", 4, 4, UTF8_INVALID); /* U+FFFF in 4 bytes */
}

static void test_decode_surrogates_and_range(void **state)
{
	(void)state;
	expect_decode("\xED\xA0\x80", 3, 3, UTF8_INVALID);     /* U+D800 */
	expect_decode("\xED\xBF\xBF", 3, 3, UTF8_INVALID);     /* U+DFFF */
	expect_decode("\xED\x9F\xBF", 3, 3, 0xD7FF);           /* just below */
	expect_decode("\xF4\x90\x80\x80", 4, 4, UTF8_INVALID); /* U+110000 */
	expect_decode("\xF7\xBF\xBF\xBF", 4, 4, UTF8_INVALID); /* U+1FFFFF */
}

/* An ill-formed unit is consumed as one piece: never less than one byte, never the byte
 * that broke it. */
static void test_decode_ill_formed_units(void **state)
{
	(void)state;
	expect_decode("\x80", 1, 1, UTF8_INVALID);               /* lone continuation */
	expect_decode("\xBF\xBF", 2, 1, UTF8_INVALID);
	expect_decode("\xC2", 1, 1, UTF8_INVALID);               /* cut by the end */
	expect_decode("\xE2\x82", 2, 2, UTF8_INVALID);
	expect_decode("\xF0\x90\x80", 3, 3, UTF8_INVALID);
	expect_decode("\xE2" "A", 2, 1, UTF8_INVALID);           /* cut by ASCII */
	expect_decode("\xF0\x90" "A", 3, 2, UTF8_INVALID);
	expect_decode("\xF8\x88\x80\x80\x80", 5, 4, UTF8_INVALID); /* 5-byte form: lead + 3 */
	expect_decode("\xFF" "A", 2, 1, UTF8_INVALID);
	/* len bounds the read even when more continuation bytes follow in memory. */
	expect_decode("\xE2\x82\xAC", 2, 2, UTF8_INVALID);
	expect_decode("\xE2\x82\xAC", 3, 3, 0x20AC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_boundaries),
		cmocka_unit_test(test_encode_refuses_non_scalars),
		cmocka_unit_test(test_decode_well_formed),
		cmocka_unit_test(test_decode_overlong),
		cmocka_unit_test(test_decode_surrogates_and_range),
		cmocka_unit_test(test_decode_ill_formed_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
