/* Unit tests for keymaps/keymap: the compiled-in default, user files, errors with
 * FILE:LINE, key names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "keymaps/keymap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_default_keymap_parses(void **state)
{
	(void)state;
	struct keymap km;
	char err[300] = "";
	keymap_init(&km);
	assert_int_equal(keymap_parse(&km, keymap_default_text, "default.keymap", err, sizeof(err)), 0);
	const struct command_call *c = keymap_lookup(&km, 'q');
	assert_non_null(c);
	assert_int_equal(c->id, CMD_QUIT);
	assert_int_equal(keymap_lookup(&km, '\t')->id, CMD_NEXT_PANE);
	assert_int_equal(keymap_lookup(&km, '/')->id, CMD_PROMPT_FILTER);
	assert_int_equal(keymap_lookup(&km, ':')->id, CMD_PROMPT_COMMAND);
	assert_int_equal(keymap_lookup(&km, '?')->id, CMD_HELP);
	assert_int_equal(keymap_lookup(&km, 'z')->id, CMD_ZOOM);
	assert_int_equal(keymap_lookup(&km, KEY_DOWN)->id, CMD_MOVE_DOWN);
	assert_int_equal(keymap_lookup(&km, 'j')->id, CMD_MOVE_DOWN);
	assert_int_equal(keymap_lookup(&km, KEY_NPAGE)->id, CMD_PAGE_DOWN);
	assert_int_equal(keymap_lookup(&km, 3)->id, CMD_QUIT); /* C-c */
	assert_null(keymap_lookup(&km, 'x'));
	keymap_free(&km);
}

static void test_user_overrides_and_args(void **state)
{
	(void)state;
	struct keymap km;
	char err[300];
	keymap_init(&km);
	assert_int_equal(keymap_parse(&km, keymap_default_text, "default.keymap", err, sizeof(err)), 0);
	const char *user = "# mine\n\n  bind x   filter Crash \r\nbind q help\nunbind z\nbind F5 refresh\n";
	assert_int_equal(keymap_parse(&km, user, "user.keymap", err, sizeof(err)), 0);
	const struct command_call *c = keymap_lookup(&km, 'x');
	assert_non_null(c);
	assert_int_equal(c->id, CMD_FILTER);
	assert_string_equal(c->arg, "Crash");
	assert_int_equal(keymap_lookup(&km, 'q')->id, CMD_HELP);
	assert_null(keymap_lookup(&km, 'z'));
	assert_int_equal(keymap_lookup(&km, KEY_F(5))->id, CMD_REFRESH);
	char keys[64];
	keymap_keys_for(&km, CMD_QUIT, keys, sizeof(keys));
	assert_string_equal(keys, "C-c");
	keymap_free(&km);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	struct keymap km;
	char err[300];
	keymap_init(&km);
	assert_int_equal(keymap_parse(&km, "bind q quit\n# ok\nbind w fly-away\n", "my.keymap", err, sizeof(err)), -1);
	assert_string_equal(err, "my.keymap:3: unknown command 'fly-away'");
	assert_non_null(keymap_lookup(&km, 'q')); /* lines before the error are kept */
	assert_int_equal(keymap_parse(&km, "bind\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: missing KEY");
	assert_int_equal(keymap_parse(&km, "\nbind NoSuchKey quit\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:2: unknown key 'NoSuchKey'");
	assert_int_equal(keymap_parse(&km, "bind q\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: missing COMMAND after key 'q'");
	assert_int_equal(keymap_parse(&km, "press q quit\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: expected 'bind KEY COMMAND' or 'unbind KEY'");
	assert_int_equal(keymap_parse(&km, "bind n ns\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: 'ns' needs a NAME");
	assert_int_equal(keymap_parse(&km, "bind q quit\x1b\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: control character in line");
	keymap_free(&km);
}

static void test_load_file(void **state)
{
	(void)state;
	char path[] = "/tmp/test_keymap.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "bind a pods\nbind b bogus\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct keymap km;
	char err[400], want[400];
	keymap_init(&km);
	assert_int_equal(keymap_load_file(&km, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: unknown command 'bogus'", path);
	assert_string_equal(err, want);
	unlink(path);
	assert_int_equal(keymap_load_file(&km, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	keymap_free(&km);
}

static void test_key_names_round_trip(void **state)
{
	(void)state;
	const char *names[] = { "q", "?", "Tab", "BTab", "Enter", "Esc", "Space", "Up", "PgDn", "C-c", "F1", "F12", "Home" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int code = keymap_key_code(names[i], strlen(names[i]));
		assert_true(code >= 0);
		char back[16];
		keymap_key_name(code, back, sizeof(back));
		assert_string_equal(back, names[i]);
	}
	assert_int_equal(keymap_key_code("F13", 3), -1);
	assert_int_equal(keymap_key_code("C-1", 3), -1);
	assert_int_equal(keymap_key_code("qq", 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_keymap_parses),
		cmocka_unit_test(test_user_overrides_and_args),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_key_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
