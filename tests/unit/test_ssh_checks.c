/* Unit tests for ssh/checks: df -P (spaces in mount points, 512-byte blocks, "-"
 * capacity, bad lines), pm2 jlist (chatter before the list, huge env sections that are
 * dropped, bad JSON), uptime and free -b. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ssh/checks.h"

static const char df_real[] =
	"Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
	"udev               4017124        0   4017124       0% /dev\n"
	"/dev/sda1         41152736 39095100   2057636      96% /\n"
	"/dev/sdb1        103081248 51540624  46297360      53% /mnt/my data dir\n"
	"proc                     0        0         0        - /proc\n"
	"//srv/share x     1000      500       500      50% /mnt/smb\n";

static void test_df_real(void **state)
{
	(void)state;
	struct df_table t;
	char err[256];
	assert_int_equal(checks_parse_df(df_real, strlen(df_real), &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 5);
	assert_string_equal(t.v[0].fs, "udev");
	assert_string_equal(t.v[0].mount, "/dev");
	assert_string_equal(t.v[1].mount, "/");
	assert_int_equal(t.v[1].use_pct, 96);
	assert_int_equal(t.v[1].size_kb, 41152736);
	assert_int_equal(t.v[1].used_kb, 39095100);
	assert_int_equal(t.v[1].avail_kb, 2057636);
	assert_string_equal(t.v[2].mount, "/mnt/my data dir");
	assert_int_equal(t.v[2].use_pct, 53);
	assert_int_equal(t.v[3].use_pct, -1);
	assert_string_equal(t.v[4].fs, "//srv/share x");
	assert_string_equal(t.v[4].mount, "/mnt/smb");
	checks_free_df(&t);
}

static void test_df_variants(void **state)
{
	(void)state;
	struct df_table t;
	char err[256];
	/* 512-byte blocks (POSIXLY_CORRECT), CRLF, a mount that looks numeric. */
	const char *in = "Filesystem 512-blocks Used Available Capacity Mounted on\r\n"
			 "/dev/x 2000 1000 1000 50% /a 1 2 3 4% b\r\n";
	assert_int_equal(checks_parse_df(in, strlen(in), &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].size_kb, 1000);
	assert_string_equal(t.v[0].mount, "/a 1 2 3 4% b");
	checks_free_df(&t);
	/* Header only: no mounts, not an error. */
	in = "Filesystem 1024-blocks Used Available Capacity Mounted on\n";
	assert_int_equal(checks_parse_df(in, strlen(in), &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 0);
	checks_free_df(&t);
}

static void test_df_errors(void **state)
{
	(void)state;
	struct df_table t;
	char err[256];
	assert_int_equal(checks_parse_df("", 0, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	const char *in = "bash: df: command not found\n";
	assert_int_equal(checks_parse_df(in, strlen(in), &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 1"));
	in = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/a 1 2 3 4% /\n/dev/b x y z 5% /b\n";
	assert_int_equal(checks_parse_df(in, strlen(in), &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 3"));
	assert_null(t.v);
	in = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/a 1 2 3 4%\n";
	assert_int_equal(checks_parse_df(in, strlen(in), &t, err, sizeof(err)), -1);
	in = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/a 99999999999999999999 2 3 4% /\n";
	assert_int_equal(checks_parse_df(in, strlen(in), &t, err, sizeof(err)), -1);
}

static const char pm2_two[] =
	"[PM2] Spawning PM2 daemon with pm2_home=/root/.pm2\n[PM2] PM2 Successfully daemonized\n"
	"[{\"pid\":123,\"name\":\"api\",\"pm_id\":0,\"monit\":{\"memory\":52428800,\"cpu\":1.5},"
	"\"pm2_env\":{\"status\":\"online\",\"restart_time\":3,\"pm_uptime\":1700000000000,"
	"\"env\":{\"API_KEY\":\"s3cret\"}}},"
	"{\"name\":\"worker\",\"pm_id\":1,\"pm2_env\":{\"status\":\"stopped\",\"restart_time\":0}}]\n";

static void test_pm2_basic(void **state)
{
	(void)state;
	struct pm2_list l;
	char err[256];
	assert_int_equal(checks_parse_pm2(pm2_two, strlen(pm2_two), &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "api");
	assert_int_equal(l.v[0].pm_id, 0);
	assert_string_equal(l.v[0].status, "online");
	assert_int_equal(l.v[0].restarts, 3);
	assert_int_equal(l.v[0].started_ms, 1700000000000LL);
	assert_int_equal(l.v[0].memory, 52428800);
	assert_true(l.v[0].cpu > 1.4 && l.v[0].cpu < 1.6);
	assert_string_equal(l.v[1].status, "stopped");
	assert_int_equal(l.v[1].memory, 0);
	checks_free_pm2(&l);
}

/* A 4 MiB env section: parsed past and dropped; no field of it survives. */
static void test_pm2_huge_env(void **state)
{
	(void)state;
	size_t big = 4u << 20;
	char *in = malloc(big + 512);
	size_t n = (size_t)sprintf(in, "noise [not json\n[{\"name\":\"x\",\"pm_id\":7,\"pm2_env\":{\"env\":{\"K\":\"");
	memset(in + n, 'a', big);
	n += big;
	n += (size_t)sprintf(in + n, "\"},\"status\":\"errored\",\"restart_time\":15}}]");
	struct pm2_list l;
	char err[256];
	assert_int_equal(checks_parse_pm2(in, n, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].status, "errored");
	assert_int_equal(l.v[0].restarts, 15);
	assert_int_equal(sizeof(struct pm2_proc) < 128, 1); /* compact: no place for env */
	checks_free_pm2(&l);
	free(in);
}

static void test_pm2_errors(void **state)
{
	(void)state;
	struct pm2_list l;
	char err[256];
	const char *in = "[PM2] Spawning PM2 daemon\n";
	assert_int_equal(checks_parse_pm2(in, strlen(in), &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no JSON list"));
	in = "[{\"name\":\"a\"},";
	assert_int_equal(checks_parse_pm2(in, strlen(in), &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	in = "[{\"pm_id\":1}]";
	assert_int_equal(checks_parse_pm2(in, strlen(in), &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[0]"));
	in = "[{\"name\":\"a\\u0000b\"}]";
	assert_int_equal(checks_parse_pm2(in, strlen(in), &l, err, sizeof(err)), -1);
	in = "[]";
	assert_int_equal(checks_parse_pm2(in, strlen(in), &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	checks_free_pm2(&l);
	in = "[{\"name\":\"a\",\"pm2_env\":[1],\"monit\":\"x\"}] trailing";
	assert_int_equal(checks_parse_pm2(in, strlen(in), &l, err, sizeof(err)), 0);
	assert_string_equal(l.v[0].status, "unknown");
	checks_free_pm2(&l);
}

static void test_load(void **state)
{
	(void)state;
	struct load_info li = { 0 };
	char err[256];
	const char *up = " 10:20:01 up 3 days,  2:01,  1 user,  load average: 0.52, 0.58, 12.59\n";
	assert_int_equal(checks_parse_uptime(up, strlen(up), &li, err, sizeof(err)), 0);
	assert_true(li.has_load && li.load1 > 0.51 && li.load1 < 0.53 && li.load15 > 12.5);
	up = "10:20  up 3 days, 2 users, load averages: 1.10 2.20 3.30\n";
	assert_int_equal(checks_parse_uptime(up, strlen(up), &li, err, sizeof(err)), 0);
	assert_true(li.load5 > 2.1 && li.load5 < 2.3);
	up = "load average: x";
	assert_int_equal(checks_parse_uptime(up, strlen(up), &li, err, sizeof(err)), -1);
	assert_int_equal(checks_parse_uptime("", 0, &li, err, sizeof(err)), -1);

	const char *fr = "               total        used        free      shared  buff/cache   available\n"
			 "Mem:     8000000000  3000000000  1000000000     1000  4000000000  4500000000\n"
			 "Swap:             0           0           0\n";
	assert_int_equal(checks_parse_free(fr, strlen(fr), &li, err, sizeof(err)), 0);
	assert_true(li.has_mem);
	assert_int_equal(li.mem_total, 8000000000LL);
	assert_int_equal(li.mem_used, 3000000000LL);
	assert_int_equal(li.mem_avail, 4500000000LL);
	fr = "             total       used       free     shared    buffers     cached\n"
	     "Mem:          1000        600        400          0         10         20\n";
	assert_int_equal(checks_parse_free(fr, strlen(fr), &li, err, sizeof(err)), 0);
	assert_int_equal(li.mem_avail, 400);
	fr = "Mem: a b c\n";
	assert_int_equal(checks_parse_free(fr, strlen(fr), &li, err, sizeof(err)), -1);
	assert_int_equal(checks_parse_free("x", 1, &li, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_df_real),
		cmocka_unit_test(test_df_variants),
		cmocka_unit_test(test_df_errors),
		cmocka_unit_test(test_pm2_basic),
		cmocka_unit_test(test_pm2_huge_env),
		cmocka_unit_test(test_pm2_errors),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
