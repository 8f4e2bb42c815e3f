/* SSH actions: the config's `actions:` and `password_auth` keys, action planning (exact
 * remote commands, name checks, offered sets), encrypted key detection, and the hosts
 * pane's curses-free formatting helpers. */
#include "core/config.h"
#include "panels/hosts.h"
#include "ssh/actions.h"
#include "ssh/keyfile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int load(const char *text, struct config *c, char **err)
{
	return config_load_string("test.yaml", text, strlen(text), c, err);
}

static void test_config_actions(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL;
	assert_int_equal(load("hosts:\n"
			      "  - name: a\n"
			      "    password_auth: true\n"
			      "    actions:\n"
			      "      - docker-gc\n"
			      "      - name: health-start\n"
			      "        command: binder-control health start\n"
			      "        sudo: true\n"
			      "        confirm: false\n"
			      "        description: Start the health checker\n"
			      "  - name: b\n", &c, &err), 0);
	const struct config_host *a = config_find_host(&c, "a");
	assert_true(a->password_auth);
	assert_int_equal(a->nactions, 2);
	assert_true(a->actions[0].builtin);
	assert_string_equal(a->actions[1].command, "binder-control health start");
	assert_true(a->actions[1].sudo);
	assert_false(a->actions[1].confirm);
	assert_true(config_host_offers(a, "docker-gc", NULL));
	assert_false(config_host_offers(a, "pm2-restart", NULL)); /* not listed */
	const struct config_host *b = config_find_host(&c, "b");
	assert_false(b->password_auth);
	assert_true(config_host_offers(b, "pm2-restart", NULL)); /* default: every built-in */
	assert_false(config_host_offers(b, "health-start", NULL));
	config_free(&c);
}

static void test_config_action_errors(void **state)
{
	(void)state;
	static const struct { const char *yaml, *want; } cases[] = {
		{ "hosts:\n  - name: a\n    actions: [nuke]\n", "test.yaml:3: hosts[0].actions[0]: 'nuke' is not a built-in action" },
		{ "hosts:\n  - name: a\n    actions:\n      - name: x\n", "needs both 'name' and 'command'" },
		{ "hosts:\n  - name: a\n    actions:\n      - {name: df, command: ls}\n", "'df' is a built-in name" },
		{ "hosts:\n  - name: a\n    actions:\n      - {name: x, command: ls, sudo: maybe}\n", "expected true or false" },
		{ "hosts:\n  - name: a\n    actions:\n      - {name: x, command: ls, colour: red}\n", "colour: unknown key" },
		{ "hosts:\n  - name: a\n    actions: [docker-gc, docker-gc]\n", "listed twice" },
		{ "hosts:\n  - name: a\n    password_auth: yes please\n", "password_auth: expected true or false" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config c;
		char *err = NULL;
		assert_int_equal(load(cases[i].yaml, &c, &err), -1);
		assert_non_null(err);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].want);
		free(err);
	}
}

static void test_plan_builtins(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL, e[300];
	assert_int_equal(load("hosts:\n  - name: build\n", &c, &err), 0);
	const struct config_host *h = &c.hosts[0];
	struct action_plan p;
	assert_int_equal(actions_plan(h, "docker-gc", "", &p, e, sizeof(e)), 0);
	assert_string_equal(p.command, "docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/etc spotify/docker-gc");
	assert_true(p.mutates);
	assert_true(p.confirm);
	actions_plan_free(&p);
	assert_int_equal(actions_plan(h, "docker-restart", "", &p, e, sizeof(e)), 0);
	assert_string_equal(p.command, "sudo -n service docker restart");
	actions_plan_free(&p);
	assert_int_equal(actions_plan(h, "pm2-restart", "binder-api", &p, e, sizeof(e)), 0);
	assert_string_equal(p.command, "pm2 restart 'binder-api'");
	actions_plan_free(&p);
	assert_int_equal(actions_plan(h, "pm2-logs", "api@2", &p, e, sizeof(e)), 0);
	assert_false(p.mutates);
	assert_false(p.confirm);
	actions_plan_free(&p);
	/* Names never reach a shell unchecked. */
	assert_int_equal(actions_plan(h, "pm2-restart", "a'; rm -rf /", &p, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "is not a pm2 process name"));
	assert_int_equal(actions_plan(h, "pm2-restart", "-x", &p, e, sizeof(e)), -1);
	assert_int_equal(actions_plan(h, "pm2-restart", "", &p, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "needs a process NAME"));
	assert_int_equal(actions_plan(h, "docker-gc", "now", &p, e, sizeof(e)), -1);
	assert_int_equal(actions_plan(h, "rm-everything", "", &p, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "build does not offer 'rm-everything'"));
	config_free(&c);
}

static void test_plan_user_action(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL, e[300];
	assert_int_equal(load("hosts:\n  - name: web\n    actions:\n"
			      "      - {name: health-start, command: binder-control health start, sudo: true}\n",
			      &c, &err), 0);
	struct action_plan p;
	assert_int_equal(actions_plan(&c.hosts[0], "health-start", "", &p, e, sizeof(e)), 0);
	assert_string_equal(p.command, "sudo -n binder-control health start");
	assert_true(p.mutates);
	assert_true(p.confirm); /* default */
	actions_plan_free(&p);
	assert_int_equal(actions_plan(&c.hosts[0], "docker-gc", "", &p, e, sizeof(e)), -1); /* not offered */
	const char *names[8];
	assert_int_equal(actions_list(&c.hosts[0], names, 8), 1);
	assert_string_equal(names[0], "health-start");
	config_free(&c);
}

static void test_keyfile(void **state)
{
	(void)state;
	/* openssh-key-v1 with cipher "none" and with "aes256-ctr" (headers only: the parser
	 * reads no further). */
	static const char plain[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
				    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n"
				    "-----END OPENSSH PRIVATE KEY-----\n";
	static const char enc[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
				  "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABA=\n"
				  "-----END OPENSSH PRIVATE KEY-----\n";
	static const char pem[] = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
				  "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
	static const char pem_plain[] = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
	assert_int_equal(keyfile_encrypted_text(plain, strlen(plain)), 0);
	assert_int_equal(keyfile_encrypted_text(enc, strlen(enc)), 1);
	assert_int_equal(keyfile_encrypted_text(pem, strlen(pem)), 1);
	assert_int_equal(keyfile_encrypted_text(pem_plain, strlen(pem_plain)), 0);
	assert_int_equal(keyfile_encrypted_text("hello", 5), -1);
	static const char cut[] = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNz\n";
	assert_int_equal(keyfile_encrypted_text(cut, strlen(cut)), -1);
	assert_int_equal(keyfile_encrypted("/nonexistent/key"), -1);
}

static void test_pane_helpers(void **state)
{
	(void)state;
	char b[200];
	hosts_view_age(5000, b, sizeof(b));
	assert_string_equal(b, "5s");
	hosts_view_age(3 * 3600 * 1000LL + 4 * 60 * 1000, b, sizeof(b));
	assert_string_equal(b, "3h4m");
	hosts_view_age(-1000, b, sizeof(b));
	assert_string_equal(b, "?");
	hosts_view_bar(50, 4, b, sizeof(b));
	assert_string_equal(b, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x91\xe2\x96\x91");
	hosts_view_bar(1, 4, b, sizeof(b)); /* any use shows */
	assert_string_equal(b, "\xe2\x96\x88\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91");
	hosts_view_bar(250, 2, b, sizeof(b));
	assert_string_equal(b, "\xe2\x96\x88\xe2\x96\x88");
	assert_string_equal(hosts_view_key_name("ssh-ed25519"), "ED25519");
	assert_string_equal(hosts_view_key_name("ecdsa-sha2-nistp256"), "ECDSA");
	assert_string_equal(hosts_view_key_name("ssh-rsa"), "RSA");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_actions),
		cmocka_unit_test(test_config_action_errors),
		cmocka_unit_test(test_plan_builtins),
		cmocka_unit_test(test_plan_user_action),
		cmocka_unit_test(test_keyfile),
		cmocka_unit_test(test_pane_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
