/* Unit tests for ssh/ssh_config: Host pattern lists with * ? and !, first value wins,
 * IdentityFile accumulates, Key=value and quotes, Match blocks never apply, token and ~
 * expansion, errors with file:line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ssh/ssh_config.h"

static const char cfg[] =
	"# global defaults come last in practice, but lines before any Host apply to all\n"
	"User early\n"
	"\n"
	"Host build-* !build-old\n"
	"  HostName %h.internal\n"
	"  Port 2200\n"
	"  IdentityFile ~/.ssh/build_%u\n"
	"Host build-server\n"
	"  HostName ignored.example   # first value wins\n"
	"  Port=2201\n"
	"Host db?\n"
	"  hostname \"db host.example\"\n"
	"  ProxyJump bastion\n"
	"Match host build-server\n"
	"  Port 9999\n"
	"Host *\n"
	"  User ops\n"
	"  IdentityFile %d/.ssh/id_ed25519\n"
	"  ProxyJump none\n";

static void lookup(const char *host, struct ssh_host_config *c)
{
	char err[256];
	assert_int_equal(ssh_config_parse("cfg", cfg, strlen(cfg), host, "/home/me", "me", c, err,
					  sizeof(err)), 0);
}

static void test_glob(void **state)
{
	(void)state;
	assert_true(ssh_config_glob("*", "anything"));
	assert_true(ssh_config_glob("build-*", "build-server"));
	assert_true(ssh_config_glob("BUILD-?", "build-1"));
	assert_false(ssh_config_glob("build-?", "build-12"));
	assert_true(ssh_config_glob("*.internal", "a.b.internal"));
	assert_false(ssh_config_glob("*.internal", "internal"));
	assert_true(ssh_config_glob("a*b*c", "axxbyyc"));
	assert_false(ssh_config_glob("a*b*c", "axxbyy"));
	assert_true(ssh_config_glob("", ""));
}

static void test_first_value_wins(void **state)
{
	(void)state;
	struct ssh_host_config c;
	lookup("build-server", &c);
	assert_string_equal(c.hostname, "build-server.internal");
	assert_int_equal(c.port, 2200);
	assert_string_equal(c.user, "early");
	assert_int_equal(c.nidentity, 2);
	assert_string_equal(c.identity_files[0], "/home/me/.ssh/build_me");
	assert_string_equal(c.identity_files[1], "/home/me/.ssh/id_ed25519");
	assert_string_equal(c.proxy_jump, "none");
	ssh_host_config_free(&c);
}

static void test_negation_and_quotes(void **state)
{
	(void)state;
	struct ssh_host_config c;
	lookup("build-old", &c);
	assert_null(c.hostname);
	assert_int_equal(c.port, 0);
	assert_int_equal(c.nidentity, 1);
	ssh_host_config_free(&c);
	lookup("db1", &c);
	assert_string_equal(c.hostname, "db host.example");
	assert_string_equal(c.proxy_jump, "bastion");
	ssh_host_config_free(&c);
	lookup("db12", &c);
	assert_null(c.hostname);
	assert_string_equal(c.proxy_jump, "none");
	ssh_host_config_free(&c);
}

static void test_errors(void **state)
{
	(void)state;
	struct ssh_host_config c;
	char err[256];
	const char *bad = "Host x\n  Port 70000\n";
	assert_int_equal(ssh_config_parse("f", bad, strlen(bad), "x", NULL, NULL, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "f:2: Port: expected 1..65535");
	/* A bad value in a block that does not apply is still... ignored, as OpenSSH does. */
	assert_int_equal(ssh_config_parse("f", bad, strlen(bad), "y", NULL, NULL, &c, err, sizeof(err)), 0);
	ssh_host_config_free(&c);
	bad = "Host x\nHostName \"unterminated\n";
	assert_int_equal(ssh_config_parse("f", bad, strlen(bad), "x", NULL, NULL, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "f:2:"));
	bad = "User\n";
	assert_int_equal(ssh_config_parse("f", bad, strlen(bad), "x", NULL, NULL, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing value"));
	assert_int_equal(ssh_config_load("/nonexistent/ssh/config", "x", NULL, NULL, &c, err, sizeof(err)), 0);
	assert_null(c.hostname);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_first_value_wins),
		cmocka_unit_test(test_negation_and_quotes),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
