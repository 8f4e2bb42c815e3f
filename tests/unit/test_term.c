/* Unit tests for tui/term: terminal type fallbacks, the palette choice (NO_COLOR, the
 * config's colors), and ASCII drawing for locales that are not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/term.h"

#include <locale.h>
#include <string.h>

static void test_candidates(void **state)
{
	(void)state;
	const char *c[8];
	size_t n = term_candidates("tmux-256color", c, 8);
	assert_int_equal(n, 6);
	assert_string_equal(c[0], "tmux-256color");
	assert_string_equal(c[1], "screen-256color");
	assert_string_equal(c[2], "screen");
	assert_string_equal(c[3], "xterm-256color");
	assert_string_equal(c[5], "vt100");
	n = term_candidates("xterm", c, 8);
	assert_int_equal(n, 3); /* xterm, xterm-256color, vt100: never twice */
	assert_string_equal(c[0], "xterm");
	assert_string_equal(c[1], "xterm-256color");
	n = term_candidates(NULL, c, 8);
	assert_int_equal(n, 3);
	assert_string_equal(c[0], "xterm-256color");
	assert_int_equal(term_candidates("", c, 2), 2);
}

static void test_colors(void **state)
{
	(void)state;
	assert_int_equal(term_colors(256, CONFIG_COLORS_AUTO, false), 256);
	assert_int_equal(term_colors(88, CONFIG_COLORS_AUTO, false), 16);
	assert_int_equal(term_colors(8, CONFIG_COLORS_AUTO, false), 8);
	assert_int_equal(term_colors(0, CONFIG_COLORS_AUTO, false), 0);
	assert_int_equal(term_colors(2, CONFIG_COLORS_AUTO, false), 0);
	assert_int_equal(term_colors(256, CONFIG_COLORS_AUTO, true), 0); /* NO_COLOR */
	assert_int_equal(term_colors(256, CONFIG_COLORS_NONE, false), 0);
	assert_int_equal(term_colors(256, CONFIG_COLORS_16, false), 16);
	assert_int_equal(term_colors(256, CONFIG_COLORS_8, false), 8);
	assert_int_equal(term_colors(8, CONFIG_COLORS_256, false), 8); /* never more than it has */
	assert_int_equal(term_colors(0, CONFIG_COLORS_256, false), 0);
}

static void test_ascii(void **state)
{
	(void)state;
	char out[64];
	term_ascii("plain text", 10, out, sizeof(out));
	assert_string_equal(out, "plain text");
	/* "…" and blocks have ASCII stand-ins; other characters keep their width. */
	const char *in = "pod-\xe2\x80\xa6 \xe2\x96\x88\xe2\x96\x91 caf\xc3\xa9 \xe6\x97\xa5.";
	term_ascii(in, strlen(in), out, sizeof(out));
	assert_string_equal(out, "pod-~ #. caf? ??.");
	/* len is honoured and a character is never cut. */
	term_ascii(in, 5, out, sizeof(out));
	assert_string_equal(out, "pod-");
	term_ascii(in, strlen(in), out, 4);
	assert_string_equal(out, "pod");
	term_ascii("x\xe6\x97\xa5", 4, out, 3); /* "x??" does not fit in 3 bytes */
	assert_string_equal(out, "x");
}

static void test_locale(void **state)
{
	(void)state;
	if (setlocale(LC_CTYPE, "C"))
		assert_false(term_utf8());
	if (setlocale(LC_CTYPE, "C.UTF-8"))
		assert_true(term_utf8());
	setlocale(LC_CTYPE, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_locale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
