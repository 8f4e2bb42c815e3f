/* Unit tests for core/config: the documented example, defaults, per-mount limits, and
 * errors that name FILE:LINE and the field. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"

static const char example[] =
	"known_hosts: ~/kh\n"
	"timeout: 3\n"
	"hosts:\n"
	"  - name: build-server\n"
	"    address: build-server.internal\n"
	"    port: 22\n"
	"    user: ops\n"
	"    identity: ~/.ssh/id_ed25519\n"
	"    checks: [df, pm2]\n"
	"    expect_pm2: [api, worker]\n"
	"    disk_warn: 80\n"
	"    mounts: [{path: /data, crit: 99}]\n"
	"    probes: [\"db:5432\", \"[::1]:80\"]\n"
	"    groups: ci\n"
	"  - name: 2024\n";

static void test_example(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL;
	assert_int_equal(config_load_string("w.yaml", example, strlen(example), &c, &err), 0);
	assert_null(err);
	assert_string_equal(c.known_hosts, "~/kh");
	assert_int_equal(c.timeout_s, 3);
	assert_int_equal(c.interval_s, CONFIG_DEFAULT_INTERVAL);
	assert_int_equal(c.nhosts, 2);
	const struct config_host *h = config_find_host(&c, "build-server");
	assert_non_null(h);
	assert_string_equal(h->address, "build-server.internal");
	assert_int_equal(h->port, 22);
	assert_string_equal(h->user, "ops");
	assert_int_equal(h->checks, CONFIG_CHECK_DF | CONFIG_CHECK_PM2);
	assert_int_equal(h->nexpect, 2);
	assert_string_equal(h->expect_pm2[1], "worker");
	assert_int_equal(h->nprobes, 2);
	assert_string_equal(h->probes[0].host, "db");
	assert_int_equal(h->probes[0].port, 5432);
	assert_string_equal(h->probes[1].host, "::1");
	assert_int_equal(h->ngroups, 1);
	assert_int_equal(h->line, 4);
	int warn, crit;
	config_disk_limits(h, "/", &warn, &crit);
	assert_int_equal(warn, 80);
	assert_int_equal(crit, 95);
	config_disk_limits(h, "/data", &warn, &crit);
	assert_int_equal(warn, 80);
	assert_int_equal(crit, 99);
	/* Defaults of the second entry; a numeric name is taken as written. */
	const struct config_host *d = config_find_host(&c, "2024");
	assert_non_null(d);
	assert_null(d->address);
	assert_int_equal(d->port, 0);
	assert_int_equal(d->checks, CONFIG_CHECK_DF | CONFIG_CHECK_LOAD);
	assert_int_equal(d->disk_warn, 85);
	config_free(&c);

	char *p = config_expand_path("~/x/y", "/home/me");
	assert_string_equal(p, "/home/me/x/y");
	free(p);
	p = config_expand_path("~other/x", "/home/me");
	assert_string_equal(p, "~other/x");
	free(p);
}

static void expect_error(const char *text, const char *want)
{
	struct config c;
	char *err = NULL;
	int rc = config_load_string("w.yaml", text, strlen(text), &c, &err);
	if (rc != -1 || !err || !strstr(err, want))
		print_error("for:\n%s\ngot rc %d, error \"%s\", want \"%s\"\n", text, rc, err ? err : "(none)", want);
	assert_int_equal(rc, -1);
	assert_non_null(err);
	assert_non_null(strstr(err, want));
	free(err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("hosts:\n  - name: a\n    port: 70000\n", "w.yaml:3: hosts[0].port: expected an integer 1..65535");
	expect_error("hosts:\n  - address: x\n", "w.yaml:2: hosts[0]: missing 'name'");
	expect_error("hosts:\n  - name: a\n  - name: a\n", "w.yaml:3: hosts[1]: name 'a' already used by hosts[0] (line 2)");
	expect_error("hosts:\n  - name: a\n    checks: [df, dsk]\n", "w.yaml:3: hosts[0].checks[1]: unknown check 'dsk'");
	expect_error("hosts:\n  - name: a b\n", "w.yaml:2: hosts[0].name: contains control characters or blanks");
	expect_error("hosts:\n  - name: a\n    probes: [db]\n", "w.yaml:3: hosts[0].probes[0]: expected HOST:PORT");
	expect_error("hosts:\n  - name: a\n    disk_warn: 99\n    disk_crit: 90\n", "hosts[0]: disk_warn 99 is above disk_crit 90");
	expect_error("hosts:\n  - name: a\n    jump: b\n  - name: b\n    jump: a\n", "jump hosts form a loop");
	expect_error("hosts: {a: 1}\n", "w.yaml:1: hosts: expected a list");
	expect_error("- a\n", "expected a map with 'hosts'");
	expect_error("", "empty config");
	expect_error("hosts:\n  - name: a\n    mounts: [{path: /x, warn: 101}]\n", "hosts[0].mounts[0]: expected an integer 0..100");
	expect_error("hosts: [\n", "w.yaml:");
	struct config c;
	char *err = NULL;
	assert_int_equal(config_load_file("/nonexistent/warroom.yaml", &c, &err), -1);
	assert_non_null(strstr(err, "/nonexistent/warroom.yaml"));
	free(err);
}

/* The console-wide settings, and unknown keys: warnings with FILE:LINE, never fatal. */
static void test_settings_and_warnings(void **state)
{
	(void)state;
	static const char text[] =
		"contexts: [dev, prod]\n"
		"matrix: ~/m/shop.yaml\n"
		"thresholds: {disk_warn: 70, disk_crit: 80}\n"
		"rotate: 5\n"
		"colors: 16\n"
		"keymap: ~/my keys\n"
		"colour: red\n"
		"hosts:\n"
		"  - name: a\n"
		"    prot: 22\n"
		"  - name: b\n"
		"    disk_warn: 60\n";
	struct config c;
	char *err = NULL;
	assert_int_equal(config_load_string("w.yaml", text, strlen(text), &c, &err), 0);
	assert_null(err);
	assert_int_equal(c.ncontexts, 2);
	assert_string_equal(c.contexts[0], "dev");
	assert_string_equal(c.contexts[1], "prod");
	assert_int_equal(c.nmatrix_files, 1);
	assert_string_equal(c.matrix_files[0], "~/m/shop.yaml");
	assert_int_equal(c.rotate_s, 5);
	assert_int_equal(c.colors, CONFIG_COLORS_16);
	assert_string_equal(c.keymap, "~/my keys");
	/* Top-level thresholds are every host's defaults; a host may still override. */
	assert_int_equal(config_find_host(&c, "a")->disk_warn, 70);
	assert_int_equal(config_find_host(&c, "a")->disk_crit, 80);
	assert_int_equal(config_find_host(&c, "b")->disk_warn, 60);
	assert_int_equal(c.nwarnings, 2);
	assert_string_equal(c.warnings[0], "w.yaml:7: colour: unknown key (ignored)");
	assert_string_equal(c.warnings[1], "w.yaml:10: hosts[0].prot: unknown key (ignored)");
	config_free(&c);

	/* Defaults. */
	assert_int_equal(config_load_string("d.yaml", "hosts: []\n", 10, &c, &err), 0);
	assert_int_equal(c.ncontexts, 0);
	assert_int_equal(c.rotate_s, CONFIG_DEFAULT_ROTATE);
	assert_int_equal(c.colors, CONFIG_COLORS_AUTO);
	assert_int_equal(c.nwarnings, 0);
	assert_null(c.keymap);
	config_free(&c);

	/* In an action definition an unknown key is still an error: it runs commands. */
	expect_error("hosts:\n  - name: a\n    actions:\n      - {name: x, command: ls, sduo: true}\n",
		     "w.yaml:4: hosts[0].actions[0].sduo: unknown key");
	expect_error("colors: pink\n", "w.yaml:1: colors: expected auto, 256, 16, 8 or none");
	expect_error("thresholds: 5\n", "w.yaml:1: thresholds: expected a map");
	expect_error("thresholds: {disk_warn: 90, disk_crit: 80}\n", "thresholds: disk_warn 90 is above disk_crit 80");
	expect_error("rotate: 0\n", "w.yaml:1: rotate: expected an integer 1..3600");
	expect_error("contexts: [a, [b]]\n", "w.yaml:1: contexts[1]: expected a string");

	char path[256];
	setenv("XDG_CONFIG_HOME", "/x", 1);
	assert_int_equal(config_user_path(path, sizeof(path)), 0);
	assert_string_equal(path, "/x/warroom/config.yaml");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/h", 1);
	assert_int_equal(config_user_path(path, sizeof(path)), 0);
	assert_string_equal(path, "/h/.config/warroom/config.yaml");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_settings_and_warnings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
