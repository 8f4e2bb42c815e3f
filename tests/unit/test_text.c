/* Unit tests for tui/text: every sanitising rule, hostile terminal input, widths,
 * buffer-capacity boundaries and text_fit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tui/text.h"

#define RE "\xEF\xBF\xBD" /* U+FFFD as UTF-8 */

/* Sanitises (in, len) into a roomy buffer and checks output and width. */
static void expect_len(const char *in, size_t len, const char *want, size_t want_width)
{
	char out[512];
	memset(out, 'Z', sizeof(out));
	size_t w = text_sanitize(in, len, out, sizeof(out));
	if (strcmp(out, want) != 0 || w != want_width)
		print_error("input of %zu bytes: got \"%s\" (width %zu), want \"%s\" (width %zu)\n",
			    len, out, w, want, want_width);
	assert_string_equal(out, want);
	assert_int_equal(w, want_width);
}

static void expect(const char *in, const char *want, size_t want_width)
{
	expect_len(in, strlen(in), want, want_width);
}

/* True when s holds no byte a terminal would act on: no C0 (TAB included), no DEL,
 * no C1 (raw or UTF-8 encoded), and is valid UTF-8. */
static int is_inert_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 || *p == 0x7F)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		int n = (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
		if (n < 0 || *p == 0xC0 || *p == 0xC1 || *p > 0xF4)
			return 0;
		if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return 0; /* C1 encoded */
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		p += n + 1;
	}
	return 1;
}

static void test_plain_text_unchanged(void **state)
{
	(void)state;
	expect("hello, world", "hello, world", 12);
	expect("", "", 0);
	expect("ingest-broker-7d9f8b6c4-x2x9k", "ingest-broker-7d9f8b6c4-x2x9k", 29);
}

static void test_csi_removed_whole(void **state)
{
	(void)state;
	expect("\x1b[2Jx", "x", 1);                          /* clear screen */
	expect("a\x1b[?1049hb", "ab", 2);                    /* alternate screen */
	expect("\x1b[38;5;196mred\x1b[0m", "red", 3);        /* colours */
	expect("\x1b[10;20H\x1b[Kmoved", "moved", 5);        /* cursor move, erase */
	expect("\x1b[>4;2m\x1b[ q.", ".", 1);                /* private params, intermediates */
}

static void test_osc_removed_whole(void **state)
{
	(void)state;
	/* clipboard write (OSC 52) ended by BEL, title ended by ESC \ */
	expect("a\x1b]52;c;ZWNobyBwd25lZA==\x07" "b", "ab", 2);
	expect("\x1b]0;pwned\x1b\\ok", "ok", 2);
	expect("\x1b]2;title\x07rest", "rest", 4);
	/* hyperlink: both halves go, the visible text stays */
	expect("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link", 4);
}

static void test_dcs_sos_pm_apc_removed(void **state)
{
	(void)state;
	expect("\x1bPq#0;2;0;0;0#0~~\x1b\\z", "z", 1);   /* DCS (sixel) */
	expect("\x1bP$qm\x1b\\z", "z", 1);                 /* DECRQSS request */
	expect("a\x1bXsos\x1b\\b", "ab", 2);
	expect("a\x1b^pm\x1b\\b", "ab", 2);
	expect("a\x1b_apc\x1b\\b", "ab", 2);
}

static void test_two_byte_and_nf_escapes(void **state)
{
	(void)state;
	expect("\x1b" "7a\x1b" "8", "a", 1);  /* save/restore cursor */
	expect("\x1b" "cx", "x", 1);          /* full reset */
	expect("\x1b(Bx", "x", 1);            /* charset designation */
	expect("\x1b#8x", "x", 1);            /* DECALN screen fill */
	expect("\x1bMx", "x", 1);             /* reverse index */
}

static void test_c1_raw_bytes(void **state)
{
	(void)state;
	expect("a\x9b" "31mb", "ab", 2);               /* 8-bit CSI */
	expect("a\x9d" "0;t\x9c" "b", "ab", 2);         /* 8-bit OSC ... ST */
	expect("a\x9d" "52;c;eA==\x07" "b", "ab", 2);   /* 8-bit OSC ... BEL */
	expect("a\x90q\x9c" "b", "ab", 2);             /* 8-bit DCS */
	expect("a\x85" "b", "a" RE "b", 3);            /* NEL: not an introducer */
	expect("\x9c", RE, 1);                         /* lone ST */
	expect("\x8e" "x", RE "x", 2);                 /* SS2 */
}

static void test_c1_utf8_encoded(void **state)
{
	(void)state;
	expect("a\xc2\x9b" "2Jb", "ab", 2);
	expect("a\xc2\x9d" "0;t\xc2\x9c" "b", "ab", 2);
	expect("a\xc2\x9f" "apc\xc2\x9c" "b", "ab", 2);
	expect("a\xc2\x85" "b", "a" RE "b", 3);
	expect("\xc2\x80", RE, 1);
	/* a 0x9C byte inside a multi-byte character does not end an OSC string */
	expect("\x1b]0;\xe2\x9c\x9c\x07ok", "ok", 2);
}

static void test_unterminated_sequences_at_end(void **state)
{
	(void)state;
	expect("ab\x1b", "ab", 2);
	expect("ab\x1b[", "ab", 2);
	expect("ab\x1b[12;", "ab", 2);
	expect("ab\x1b]0;title without end", "ab", 2);
	expect("ab\x1bP", "ab", 2);
	expect("ab\x1b(", "ab", 2);
	expect("ab\x9b", "ab", 2);
	expect("ab\x9d" "52;c;", "ab", 2);
	expect("ab\xc2", "ab" RE, 3);
}

static void test_interrupted_sequences_show_the_rest(void **state)
{
	(void)state;
	/* a control inside CSI ends it and is shown */
	expect("\x1b[1\nX", "^JX", 3);
	/* ESC inside OSC ends the string and starts a new sequence */
	expect("\x1b]0;x\x1b[2Jy", "y", 1);
	/* CAN cancels a string; it is then shown */
	expect("\x1bPabc\x18" "d", "^Xd", 3);
	/* ESC followed by a non-ASCII byte: only the ESC goes */
	expect("\x1b\xc3\xa9", "\xc3\xa9", 1);
}

static void test_c0_caret_notation(void **state)
{
	(void)state;
	expect("\a", "^G", 2);
	expect("a\r\nb", "a^M^Jb", 6);
	expect("\x7f", "^?", 2);
	expect("\x08\x0c\x1f", "^H^L^_", 6);
	expect_len("a\0b", 3, "a^@b", 4);                  /* NUL inside */
	expect_len("\0\0", 2, "^@^@", 4);
}

static void test_tab_stops(void **state)
{
	(void)state;
	expect("\tx", "        x", 9);
	expect("abc\tx", "abc     x", 9);
	expect("1234567\tx", "1234567 x", 9);
	expect("12345678\tx", "12345678        x", 17);
	expect("\t\t", "                ", 16);
	/* columns count display width, not bytes */
	expect("\xe6\x97\xa5\tx", "\xe6\x97\xa5      x", 9);
	expect("\a\tx", "^G      x", 9);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect("\xff", RE, 1);
	expect("a\xfe" "b", "a" RE "b", 3);
	expect("\xc0\xaf", RE, 1);                 /* overlong '/' */
	expect("\xe0\x80\xaf", RE, 1);             /* overlong, 3 bytes */
	expect("\xf0\x80\x80\xaf", RE, 1);         /* overlong, 4 bytes */
	expect("\xed\xa0\x80", RE, 1);             /* surrogate U+D800 */
	expect("\xed\xbf\xbf", RE, 1);             /* surrogate U+DFFF */
	expect("\xf4\x90\x80\x80", RE, 1);         /* U+110000 */
	expect("\xe2\x82" "A", RE "A", 2);         /* truncated, then ASCII */
	expect("\xe2\x82", RE, 1);                 /* truncated at end */
	expect("\xa0", RE, 1);                     /* lone continuation */
	expect("\xe2\x9b", RE, 1);                 /* a C1-valued byte inside a broken char */
}

static void test_valid_utf8_kept(void **state)
{
	(void)state;
	expect("caf\xc3\xa9", "caf\xc3\xa9", 4);
	expect("\xf4\x8f\xbf\xbd", "\xf4\x8f\xbf\xbd", 1);  /* U+10FFFD private use */
	expect("\xc2\xa0", "\xc2\xa0", 1);                  /* NBSP is not a control */
}

static void test_bidi_and_zero_width_dropped(void **state)
{
	(void)state;
	expect("a\xe2\x80\xae" "b", "ab", 2);      /* RLO U+202E */
	expect("a\xe2\x80\xaa" "b", "ab", 2);      /* LRE U+202A */
	expect("a\xe2\x81\xa6" "b\xe2\x81\xa9", "ab", 2);  /* LRI .. PDI */
	expect("a\xe2\x80\x8f" "b", "ab", 2);      /* RLM */
	expect("a\xe2\x80\x8b" "b", "ab", 2);      /* ZWSP */
	expect("a\xe2\x80\x8d" "b", "ab", 2);      /* ZWJ */
	expect("\xef\xbb\xbf" "x", "x", 1);        /* BOM */
	expect("a\xe2\x80\xa8" "b", "a" RE "b", 3); /* LINE SEPARATOR */
}

static void test_widths(void **state)
{
	(void)state;
	expect("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac", 4);   /* CJK */
	expect("e\xcc\x81", "e\xcc\x81", 1);                                 /* combining acute */
	expect("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", 2);                   /* emoji */
	expect("\xef\xbc\xa1", "\xef\xbc\xa1", 2);                           /* fullwidth A */
	expect("\xea\xb0\x80", "\xea\xb0\x80", 2);                           /* Hangul syllable */
	expect("\xe1\x84\x80\xe1\x85\xa1", "\xe1\x84\x80\xe1\x85\xa1", 2);   /* jamo L + V */
	expect("\xd7\x90", "\xd7\x90", 1);                                   /* Hebrew alef */
	expect("\xf0\xa0\x80\x80", "\xf0\xa0\x80\x80", 2);                   /* CJK ext. B */
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac" "a"), 5);
	assert_int_equal(text_width("a\xcc\x81\xcc\x82"), 1);
	assert_int_equal(text_width(RE), 1);
}

/* Output into a buffer with guard bytes behind it: nothing past cap is touched. */
static size_t sanitize_guarded(const char *in, size_t len, char *out, size_t cap)
{
	memset(out, 0x55, cap + 16);
	size_t w = text_sanitize(in, len, out, cap);
	for (size_t i = cap; i < cap + 16; i++)
		assert_int_equal((unsigned char)out[i], 0x55);
	return w;
}

static void test_capacity_boundaries(void **state)
{
	(void)state;
	char buf[64];
	/* cap 0: nothing written at all */
	assert_int_equal(sanitize_guarded("abc", 3, buf, 0), 0);
	assert_int_equal((unsigned char)buf[0], 0x55);
	/* cap 1: only the terminator */
	assert_int_equal(sanitize_guarded("abc", 3, buf, 1), 0);
	assert_string_equal(buf, "");
	/* exactly full, and one short */
	assert_int_equal(sanitize_guarded("abc", 3, buf, 4), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(sanitize_guarded("abc", 3, buf, 3), 2);
	assert_string_equal(buf, "ab");
	/* never half a character */
	assert_int_equal(sanitize_guarded("\xe6\x97\xa5\xe6\x9c\xac", 6, buf, 6), 2);
	assert_string_equal(buf, "\xe6\x97\xa5");
	assert_int_equal(sanitize_guarded("\xe6\x97\xa5", 3, buf, 3), 0);
	assert_string_equal(buf, "");
	/* never half a caret or a replacement */
	assert_int_equal(sanitize_guarded("a\a", 2, buf, 3), 1);
	assert_string_equal(buf, "a");
	assert_int_equal(sanitize_guarded("\xff", 1, buf, 3), 0);
	assert_string_equal(buf, "");
	/* tab expansion is all or nothing */
	assert_int_equal(sanitize_guarded("a\tb", 3, buf, 6), 1);
	assert_string_equal(buf, "a");
	/* a combining mark that does not fit is left out with its base kept */
	assert_int_equal(sanitize_guarded("e\xcc\x81", 3, buf, 2), 1);
	assert_string_equal(buf, "e");
	/* NULL input with room: empty */
	assert_int_equal(text_sanitize(NULL, 5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_fit(void **state)
{
	(void)state;
	char out[64];
	text_fit("hello", 8, out, sizeof(out));
	assert_string_equal(out, "hello   ");
	text_fit("hello world", 8, out, sizeof(out));
	assert_string_equal(out, "hello w\xe2\x80\xa6");
	assert_int_equal(text_width(out), 8);
	text_fit("abc", 3, out, sizeof(out));
	assert_string_equal(out, "abc");
	text_fit("abcd", 3, out, sizeof(out));
	assert_string_equal(out, "ab\xe2\x80\xa6");
	text_fit("ab", 1, out, sizeof(out));
	assert_string_equal(out, "\xe2\x80\xa6");
	text_fit("ab", 0, out, sizeof(out));
	assert_string_equal(out, "");
	text_fit("", 3, out, sizeof(out));
	assert_string_equal(out, "   ");
	/* wide characters are never split: the gap is padded */
	text_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, out, sizeof(out));
	assert_string_equal(out, "\xe6\x97\xa5\xe2\x80\xa6 ");
	assert_int_equal(text_width(out), 4);
	text_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, out, sizeof(out));
	assert_string_equal(out, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
	text_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6, out, sizeof(out));
	assert_string_equal(out, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	/* fit sanitises too */
	text_fit("\x1b[2Jab\x1b]0;t\x07", 4, out, sizeof(out));
	assert_string_equal(out, "ab  ");
	text_fit("a\tb", 4, out, sizeof(out));
	assert_string_equal(out, "a\xe2\x80\xa6  ");
	/* a small buffer truncates but stays terminated and in bounds */
	memset(out, 0x55, sizeof(out));
	text_fit("hello", 8, out, 4);
	assert_string_equal(out, "hel");
	assert_int_equal((unsigned char)out[4], 0x55);
	text_fit("hello", 8, out, 0);
	assert_int_equal((unsigned char)out[0], 'h');
}

/* Hostile bytes, deterministic pseudo-random: output is always inert UTF-8 whose width
 * matches text_width, and the buffer is never overrun. */
static void test_random_input_is_inert(void **state)
{
	(void)state;
	static const char *pieces[] = {
		"\x1b", "[", "]", "P", "\\", "\x07", "\x9b", "\x9d", "\x9c", "\xc2", "\x9b",
		"\xe2\x80\xae", "\t", "\n", "\0", "\x7f", "\xff", "\xf0\x9f", "\xe6\x97\xa5",
		"a", "1;2", "m", "\xcc\x81", "\x18",
	};
	uint32_t seed = 12345;
	char in[128], out[96];
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0;
		while (len < 100) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t n = *p ? strlen(p) : 1;
			memcpy(in + len, p, n);
			len += n;
			if ((seed >> 8) % 13 == 0)
				break;
		}
		size_t cap = (seed >> 4) % 40;
		size_t w = sanitize_guarded(in, len, out, cap);
		if (cap == 0)
			continue;
		assert_true(is_inert_utf8(out));
		assert_int_equal(w, text_width(out));
		assert_true(strlen(out) < cap);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_csi_removed_whole),
		cmocka_unit_test(test_osc_removed_whole),
		cmocka_unit_test(test_dcs_sos_pm_apc_removed),
		cmocka_unit_test(test_two_byte_and_nf_escapes),
		cmocka_unit_test(test_c1_raw_bytes),
		cmocka_unit_test(test_c1_utf8_encoded),
		cmocka_unit_test(test_unterminated_sequences_at_end),
		cmocka_unit_test(test_interrupted_sequences_show_the_rest),
		cmocka_unit_test(test_c0_caret_notation),
		cmocka_unit_test(test_tab_stops),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_bidi_and_zero_width_dropped),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_capacity_boundaries),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_random_input_is_inert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
