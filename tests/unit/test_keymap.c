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
	assert_non_null(strstr(err, "k:2: unknown key 'NoSuchKey'"));
	assert_int_equal(keymap_parse(&km, "bind q\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: missing COMMAND after key 'q'");
	assert_int_equal(keymap_parse(&km, "press q quit\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: expected 'bind [CONTEXT] KEY COMMAND' or 'unbind [CONTEXT] KEY'");
	assert_int_equal(keymap_parse(&km, "bind n ns\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: 'ns' needs a NAME");
	assert_int_equal(keymap_parse(&km, "bind q quit\x1b\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: control character in line");
	/* fuzz_keymap: DEL was quoted raw in "unknown key '\x7f'". */
	assert_int_equal(keymap_parse(&km, "bind \x7f quit\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: control character in line");
	assert_int_equal(keymap_parse(&km, "bind pods\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: missing KEY after context 'pods'");
	assert_int_equal(keymap_parse(&km, "unbind pods x y\n", "k", err, sizeof(err)), -1);
	assert_string_equal(err, "k:1: 'unbind' takes only [CONTEXT] KEY");
	keymap_free(&km);
}

/* A bad line is reported and skipped: every good line around it still loads. */
static void test_bad_lines_do_not_stop_the_rest(void **state)
{
	(void)state;
	struct keymap km;
	char err[300];
	keymap_init(&km);
	const char *text = "bind x fly-away\nbind a pods\nbind Hyper-q quit\nbind b nodes\n";
	assert_int_equal(keymap_parse(&km, text, "u.keymap", err, sizeof(err)), -1);
	assert_int_equal(keymap_lookup(&km, 'a')->id, CMD_PODS);
	assert_int_equal(keymap_lookup(&km, 'b')->id, CMD_NODES);
	assert_null(keymap_lookup(&km, 'x'));
	assert_non_null(strstr(err, "u.keymap:1: unknown command 'fly-away'\nu.keymap:3: unknown key 'Hyper-q'"));
	/* Many bad lines: err is cut with "..." and never overflows. */
	char many[4000] = "";
	for (int i = 0; i < 100; i++)
		strcat(many, "bind q nope\n");
	strcat(many, "bind c events\n");
	char small[64];
	assert_int_equal(keymap_parse(&km, many, "m", small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(small + sizeof(small) - 4, "...");
	assert_int_equal(keymap_lookup(&km, 'c')->id, CMD_EVENTS);
	/* The help lists the problems first (the console hides what went to stderr). */
	size_t n;
	char **lines = keymap_help(&km, false, &n);
	assert_non_null(strstr(lines[0], "Problems in keymap files"));
	assert_string_equal(lines[1], "   u.keymap:1: unknown command 'fly-away'");
	keymap_help_free(lines, n);
	keymap_free(&km);
}

static void test_contexts(void **state)
{
	(void)state;
	struct keymap km;
	char err[300] = "";
	keymap_init(&km);
	assert_int_equal(keymap_parse(&km, keymap_default_text, "default.keymap", err, sizeof(err)), 0);
	const char *user = "bind pods ctrl-r restart\nbind global x zoom\nunbind nodes d\nbind logs Ctrl-T log-timestamps\n";
	assert_int_equal(keymap_parse(&km, user, "user", err, sizeof(err)), 0);
	/* Context bindings win there and only there. */
	assert_int_equal(keymap_lookup_ctx(&km, KEYMAP_CTX_PODS, 18)->id, CMD_RESTART);
	assert_int_equal(keymap_lookup_ctx(&km, KEYMAP_CTX_NODES, 18)->id, CMD_REFRESH);
	assert_int_equal(keymap_lookup(&km, 18)->id, CMD_REFRESH);
	assert_int_equal(keymap_lookup_ctx(&km, KEYMAP_CTX_EVENTS, 'x')->id, CMD_ZOOM);
	/* unbind in a context hides the global key there. */
	assert_null(keymap_lookup_ctx(&km, KEYMAP_CTX_NODES, 'd'));
	assert_int_equal(keymap_lookup_ctx(&km, KEYMAP_CTX_PODS, 'd')->id, CMD_DESCRIBE);
	assert_int_equal(keymap_lookup_ctx(&km, KEYMAP_CTX_LOGS, 20)->id, CMD_LOG_TIMESTAMPS);
	/* The default: r restarts, except in the hosts pane where it polls. */
	assert_int_equal(keymap_lookup_ctx(&km, KEYMAP_CTX_PODS, 'r')->id, CMD_RESTART);
	assert_int_equal(keymap_lookup_ctx(&km, KEYMAP_CTX_HOSTS, 'r')->id, CMD_REFRESH);
	char keys[64];
	keymap_keys_for_ctx(&km, KEYMAP_CTX_PODS, CMD_REFRESH, keys, sizeof(keys));
	assert_string_equal(keys, "F5, C-l");
	keymap_keys_for_ctx(&km, KEYMAP_CTX_PODS, CMD_RESTART, keys, sizeof(keys));
	assert_string_equal(keys, "C-r, r, R");
	keymap_keys_for(&km, CMD_RESTART, keys, sizeof(keys));
	assert_string_equal(keys, "r, R");
	keymap_keys_for_ctx(&km, KEYMAP_CTX_NODES, CMD_DESCRIBE, keys, sizeof(keys));
	assert_string_equal(keys, "Enter");
	assert_int_equal(keymap_ctx_find("matrix", 6), KEYMAP_CTX_MATRIX);
	assert_int_equal(keymap_ctx_find("pod", 3), -1);
	assert_string_equal(keymap_ctx_name(KEYMAP_CTX_DESCRIBE), "describe");
	keymap_free(&km);
}

/* Helper: whether any help line contains all of the given fragments. */
static bool help_has(char **lines, size_t n, const char *a, const char *b)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(lines[i], a) && (!b || strstr(lines[i], b)))
			return true;
	return false;
}

static void test_help_from_active_keymap(void **state)
{
	(void)state;
	struct keymap km;
	char err[300] = "";
	keymap_init(&km);
	assert_int_equal(keymap_parse(&km, keymap_default_text, "default.keymap", err, sizeof(err)), 0);
	assert_int_equal(keymap_parse(&km, "bind F9 zoom\nbind pods x delete\nunbind events j\n", "u", err, sizeof(err)), 0);
	size_t n;
	char **lines = keymap_help(&km, false, &n);
	assert_true(n > CMD__COUNT);
	assert_string_equal(lines[0], " Global keys");
	assert_true(help_has(lines, n, "z, F9", "zoom"));
	assert_true(help_has(lines, n, "C-d", "delete"));
	assert_true(help_has(lines, n, " In pods ", NULL));
	assert_true(help_has(lines, n, " x ", "delete"));
	assert_true(help_has(lines, n, " In events ", NULL));
	assert_true(help_has(lines, n, " j ", "does nothing here"));
	assert_true(help_has(lines, n, " In hosts ", NULL));
	keymap_help_free(lines, n);
	/* Read-only: mutating commands (and context bindings to them) are not shown. */
	lines = keymap_help(&km, true, &n);
	assert_false(help_has(lines, n, "delete", NULL));
	assert_false(help_has(lines, n, "Rollout restart", NULL));
	assert_false(help_has(lines, n, " In pods ", NULL));
	assert_true(help_has(lines, n, "describe", NULL));
	keymap_help_free(lines, n);
	keymap_free(&km);
}

static void test_user_path(void **state)
{
	(void)state;
	char path[256];
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("HOME", "/home/op", 1);
	assert_int_equal(keymap_user_path(path, sizeof(path)), 0);
	assert_string_equal(path, "/x/cfg/warroom/keymap");
	setenv("XDG_CONFIG_HOME", "relative", 1); /* invalid per the XDG spec: ignored */
	assert_int_equal(keymap_user_path(path, sizeof(path)), 0);
	assert_string_equal(path, "/home/op/.config/warroom/keymap");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(keymap_user_path(path, 8), -1);
	unsetenv("HOME");
	assert_int_equal(keymap_user_path(path, sizeof(path)), -1);
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
	assert_int_equal(keymap_lookup(&km, 'a')->id, CMD_PODS); /* the good line loaded */
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
	/* Other spellings: ctrl-r / Ctrl-R / C-R, names in any case, aliases. */
	assert_int_equal(keymap_key_code("ctrl-r", 6), 18);
	assert_int_equal(keymap_key_code("Ctrl-R", 6), 18);
	assert_int_equal(keymap_key_code("C-R", 3), 18);
	assert_int_equal(keymap_key_code("ctrl-1", 6), -1);
	assert_int_equal(keymap_key_code("ctrl-rr", 7), -1);
	assert_int_equal(keymap_key_code("pgdn", 4), KEY_NPAGE);
	assert_int_equal(keymap_key_code("ESC", 3), 27);
	assert_int_equal(keymap_key_code("Escape", 6), 27);
	assert_int_equal(keymap_key_code("PageUp", 6), KEY_PPAGE);
	assert_int_equal(keymap_key_code("f5", 2), KEY_F(5));
	char back[16];
	keymap_key_name(27, back, sizeof(back));
	assert_string_equal(back, "Esc"); /* aliases are never printed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_keymap_parses),
		cmocka_unit_test(test_user_overrides_and_args),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_bad_lines_do_not_stop_the_rest),
		cmocka_unit_test(test_contexts),
		cmocka_unit_test(test_help_from_active_keymap),
		cmocka_unit_test(test_user_path),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_key_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
