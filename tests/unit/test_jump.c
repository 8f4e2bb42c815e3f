/* Unit tests for ssh/jump resolution: hop syntax ([user@]host[:port], ssh://, [v6]:port),
 * hops naming config hosts vs ~/.ssh/config aliases vs defaults, chains "a,b" (the last
 * hop first in the list, links back to the first), the first hop's own ProxyJump, loop
 * limit, and errors naming the spec; plus jump_target_dup copying the whole list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "ssh/jump.h"

static const char yaml[] =
	"hosts:\n"
	"  - name: bastion\n"
	"    address: 10.0.0.1\n"
	"    port: 2222\n"
	"    user: ops\n"
	"    identity: /keys/bastion\n"
	"  - name: inner-bastion\n"
	"    address: 10.1.0.1\n"
	"    jump: bastion\n"
	"  - name: web\n"
	"    jump: inner-bastion\n";

static const char sshcfg[] =
	"Host gw\n"
	"  HostName gw.example\n"
	"  User gwuser\n"
	"  Port 2022\n"
	"  IdentityFile /keys/gw\n"
	"  ProxyJump outer\n"
	"Host outer\n"
	"  HostName outer.example\n"
	"Host loop1\n"
	"  ProxyJump loop2\n"
	"Host loop2\n"
	"  ProxyJump loop1\n";

struct fixture {
	struct config cfg;
	char path[64];
	struct jump_opts o;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *err = NULL;
	assert_int_equal(config_load_string("w.yaml", yaml, strlen(yaml), &f->cfg, &err), 0);
	snprintf(f->path, sizeof(f->path), "/tmp/test_jump.XXXXXX");
	int fd = mkstemp(f->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sshcfg, strlen(sshcfg)), (int)strlen(sshcfg));
	close(fd);
	f->o = (struct jump_opts){ .cfg = &f->cfg, .ssh_config = f->path, .home = "/nonexistent",
				   .local_user = "me", .known_hosts = "/kh", .agent_socket = NULL,
				   .timeout_ms = 3000 };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unlink(f->path);
	config_free(&f->cfg);
	free(f);
	return 0;
}

static struct ssh_target *resolve_ok(struct fixture *f, const char *spec)
{
	char err[256] = "";
	struct ssh_target *t = jump_resolve(spec, &f->o, err, sizeof(err));
	if (!t)
		fail_msg("%s: %s", spec, err);
	return t;
}

static void test_config_host_hop(void **state)
{
	struct fixture *f = *state;
	struct ssh_target *t = resolve_ok(f, "bastion");
	assert_string_equal(t->name, "bastion");
	assert_string_equal(t->address, "10.0.0.1");
	assert_int_equal(t->port, 2222);
	assert_string_equal(t->user, "ops");
	assert_int_equal(t->nidentities, 1);
	assert_string_equal(t->identities[0], "/keys/bastion");
	assert_string_equal(t->known_hosts, "/kh");
	assert_int_equal(t->timeout_ms, 3000);
	assert_null(t->jump);
	jump_target_free(t);
	/* The spec's user and port win over the entry's. */
	t = resolve_ok(f, "root@bastion:22");
	assert_string_equal(t->address, "10.0.0.1");
	assert_int_equal(t->port, 22);
	assert_string_equal(t->user, "root");
	jump_target_free(t);
}

static void test_plain_and_ssh_config_hops(void **state)
{
	struct fixture *f = *state;
	struct ssh_target *t = resolve_ok(f, "ssh://alice@10.9.9.9:2200");
	assert_string_equal(t->address, "10.9.9.9");
	assert_int_equal(t->port, 2200);
	assert_string_equal(t->user, "alice");
	assert_int_equal(t->nidentities, 0); /* no default keys under /nonexistent */
	jump_target_free(t);
	t = resolve_ok(f, "[fe80::1]:2201");
	assert_string_equal(t->address, "fe80::1");
	assert_int_equal(t->port, 2201);
	assert_string_equal(t->user, "me");
	jump_target_free(t);
	t = resolve_ok(f, "fe80::2");
	assert_string_equal(t->address, "fe80::2");
	assert_int_equal(t->port, 22);
	jump_target_free(t);
	/* ~/.ssh/config alias, whose own ProxyJump is followed (first hop). */
	t = resolve_ok(f, "gw");
	assert_string_equal(t->name, "gw");
	assert_string_equal(t->address, "gw.example");
	assert_string_equal(t->user, "gwuser");
	assert_int_equal(t->port, 2022);
	assert_string_equal(t->identities[0], "/keys/gw");
	assert_non_null(t->jump);
	assert_string_equal(t->jump->address, "outer.example");
	assert_null(t->jump->jump);
	jump_target_free(t);
}

static void test_chains(void **state)
{
	struct fixture *f = *state;
	/* "a,b": the result is b, reached through a. */
	struct ssh_target *t = resolve_ok(f, "bastion,gw");
	assert_string_equal(t->name, "gw");
	assert_non_null(t->jump);
	assert_string_equal(t->jump->name, "bastion");
	assert_null(t->jump->jump); /* gw's own ProxyJump is not followed: not the first hop */
	jump_target_free(t);
	/* A config host's own jump: inner-bastion through bastion. */
	t = resolve_ok(f, "inner-bastion");
	assert_string_equal(t->address, "10.1.0.1");
	assert_non_null(t->jump);
	assert_string_equal(t->jump->address, "10.0.0.1");
	struct ssh_target *c = jump_target_dup(t);
	jump_target_free(t);
	assert_string_equal(c->address, "10.1.0.1");
	assert_string_equal(c->jump->address, "10.0.0.1");
	assert_string_equal(c->jump->identities[0], "/keys/bastion");
	jump_target_free(c);
}

static void expect_error(struct fixture *f, const char *spec, const char *want)
{
	char err[256] = "";
	struct ssh_target *t = jump_resolve(spec, &f->o, err, sizeof(err));
	assert_null(t);
	if (!strstr(err, want))
		fail_msg("%s: got \"%s\", want \"%s\"", spec, err, want);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	expect_error(f, "", "ProxyJump: empty");
	expect_error(f, "a,,b", "ProxyJump \"a,,b\": empty hop");
	expect_error(f, "bastion:0", "bad port \"0\"");
	expect_error(f, "bastion:99999", "bad port \"99999\"");
	expect_error(f, "bastion:x", "bad port \"x\"");
	expect_error(f, "@host", "empty user");
	expect_error(f, "ops@", "empty host name");
	expect_error(f, "[::1", "bad bracketed address");
	expect_error(f, "loop1", "more than 8 jump hosts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_host_hop),
		cmocka_unit_test(test_plain_and_ssh_config_hops),
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
