/* Unit tests for panels/wall: the headline rules (OK / DEGRADED / DOWN / STALE, the worst
 * applies, stale wins), the summary strip with and without matrix and hosts, the host
 * counts and problem lines (failing hosts, disks over warn/crit), and the block letters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "panels/wall.h"

#include <stdio.h>
#include <string.h>

static struct wall_counts healthy(void)
{
	struct wall_counts c;
	memset(&c, 0, sizeof(c));
	c.nodes_ready = c.nodes_total = 3;
	c.pods_total = 40;
	c.workloads_total = 12;
	return c;
}

static void test_state_ok(void **state)
{
	(void)state;
	struct wall_counts c = healthy();
	assert_int_equal(wall_state_of(&c, false), WALL_OK);
	assert_string_equal(wall_state_word(WALL_OK), "OK");
	/* An empty cluster is not unhealthy. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(wall_state_of(&c, false), WALL_OK);
}

static void test_state_down(void **state)
{
	(void)state;
	struct wall_counts c = healthy();
	c.nodes_ready = 2;
	assert_int_equal(wall_state_of(&c, false), WALL_DOWN);
	c = healthy();
	c.workloads_degraded = c.workloads_down = 1;
	assert_int_equal(wall_state_of(&c, false), WALL_DOWN);
	c = healthy();
	c.have_matrix = true;
	c.services_total = 5;
	c.services_down = 1;
	assert_int_equal(wall_state_of(&c, false), WALL_DOWN);
	/* The worst applies: down beats degraded. */
	c.pods_unhealthy = 4;
	c.services_degraded = 2;
	assert_int_equal(wall_state_of(&c, false), WALL_DOWN);
	assert_string_equal(wall_state_word(WALL_DOWN), "DOWN");
}

static void test_state_degraded(void **state)
{
	(void)state;
	struct wall_counts c = healthy();
	c.pods_unhealthy = 1;
	assert_int_equal(wall_state_of(&c, false), WALL_DEGRADED);
	c = healthy();
	c.workloads_degraded = 1; /* below desired, not at zero */
	assert_int_equal(wall_state_of(&c, false), WALL_DEGRADED);
	c = healthy();
	c.services_degraded = 1;
	assert_int_equal(wall_state_of(&c, false), WALL_DEGRADED);
	assert_string_equal(wall_state_word(WALL_DEGRADED), "DEGRADED");
}

static void test_state_hosts(void **state)
{
	(void)state;
	struct wall_counts c = healthy();
	c.have_hosts = true;
	c.hosts_total = 3;
	c.hosts_disk_over = 1; /* at warn only: shown in the strip, headline stays OK */
	assert_int_equal(wall_state_of(&c, false), WALL_OK);
	c.hosts_disk_crit = 1;
	assert_int_equal(wall_state_of(&c, false), WALL_DEGRADED);
	c.hosts_disk_crit = 0;
	c.hosts_failing = 1;
	assert_int_equal(wall_state_of(&c, false), WALL_DEGRADED);
	/* Hosts are shared by every context: never DOWN on their own. */
	c.hosts_failing = c.hosts_disk_crit = c.hosts_disk_over = 3;
	assert_int_equal(wall_state_of(&c, false), WALL_DEGRADED);
}

static void test_state_stale_wins(void **state)
{
	(void)state;
	struct wall_counts c = healthy();
	assert_int_equal(wall_state_of(&c, true), WALL_STALE);
	c.nodes_ready = 0;
	assert_int_equal(wall_state_of(&c, true), WALL_STALE);
	assert_string_equal(wall_state_word(WALL_STALE), "STALE");
}

static void test_strip(void **state)
{
	(void)state;
	char out[256];
	struct wall_counts c = healthy();
	c.pods_unhealthy = 2;
	c.workloads_degraded = 1;
	wall_format_strip(&c, out, sizeof(out));
	assert_string_equal(out, "nodes 3/3 ready  pods 2/40 unhealthy  workloads 1/12 degraded");
	c.have_matrix = true;
	c.services_total = 5;
	wall_format_strip(&c, out, sizeof(out));
	assert_string_equal(out, "nodes 3/3 ready  pods 2/40 unhealthy  workloads 1/12 degraded  services 0/5 down");
	c.have_hosts = true;
	c.hosts_total = 3;
	c.hosts_disk_over = 1;
	wall_format_strip(&c, out, sizeof(out));
	assert_non_null(strstr(out, "services 0/5 down  hosts 1/3 over disk"));
	assert_null(strstr(out, "failing"));
	c.hosts_failing = 2;
	wall_format_strip(&c, out, sizeof(out));
	assert_non_null(strstr(out, "  hosts 1/3 over disk, 2 failing"));
	/* Cut short but terminated. */
	char small[12];
	wall_format_strip(&c, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static struct config_host cfg_build = { .name = "build-server" };

/* A polled host with the given df use% and levels. */
static void host_with_disks(struct host_status *st, struct df_mount *m, enum disk_level *lv, size_t n)
{
	memset(st, 0, sizeof(*st));
	st->cfg = &cfg_build;
	st->polled = true;
	st->fail = SSH_OK;
	st->have_df = true;
	st->df.v = m;
	st->df.n = n;
	st->disk = lv;
}

static void test_host_counts_and_problems(void **state)
{
	(void)state;
	struct df_mount m[3] = {
		{ .mount = "/", .use_pct = 40 },
		{ .mount = "/var/lib/docker", .use_pct = 97 },
		{ .mount = "/srv", .use_pct = 88 },
	};
	enum disk_level lv[3] = { DISK_OK, DISK_OK, DISK_OK };
	struct host_status st;
	struct wall_problem p;
	struct wall_counts c;
	memset(&c, 0, sizeof(c));

	host_with_disks(&st, m, lv, 3);
	assert_int_equal(wall_host_disk(&st), DISK_OK);
	assert_false(wall_host_failing(&st));
	assert_false(wall_host_problem(&st, &p));
	wall_count_host(&st, &c);
	assert_int_equal(c.hosts_total, 1);
	assert_int_equal(c.hosts_disk_over, 0);

	lv[2] = DISK_WARN;
	assert_int_equal(wall_host_disk(&st), DISK_WARN);
	assert_false(wall_host_problem(&st, &p)); /* warn: counted, not a problem line */
	wall_count_host(&st, &c);
	assert_int_equal(c.hosts_disk_over, 1);
	assert_int_equal(c.hosts_disk_crit, 0);

	lv[1] = DISK_CRIT;
	assert_int_equal(wall_host_disk(&st), DISK_CRIT);
	assert_true(wall_host_problem(&st, &p));
	assert_int_equal(p.sev, SEV_BAD);
	assert_string_equal(p.text, "host build-server disk /var/lib/docker 97% used");
	wall_count_host(&st, &c);
	assert_int_equal(c.hosts_total, 3);
	assert_int_equal(c.hosts_disk_over, 2);
	assert_int_equal(c.hosts_disk_crit, 1);
	assert_int_equal(c.hosts_failing, 0);

	/* Not polled yet: nothing but the total, whatever stale fields say. */
	st.polled = false;
	assert_int_equal(wall_host_disk(&st), DISK_OK);
	assert_false(wall_host_problem(&st, &p));
}

static void test_host_failing(void **state)
{
	(void)state;
	struct host_status st;
	struct wall_problem p;
	struct wall_counts c;
	memset(&c, 0, sizeof(c));
	host_with_disks(&st, NULL, NULL, 0);
	st.have_df = false;
	st.fail = SSH_FAIL_REFUSED;
	snprintf(st.message, sizeof(st.message), "connect 127.0.0.1:9: Connection refused\x1b[2J");
	assert_true(wall_host_failing(&st));
	assert_true(wall_host_problem(&st, &p));
	/* Remote/OS text is sanitised: no escape reaches the screen. */
	assert_null(strchr(p.text, '\x1b'));
	assert_non_null(strstr(p.text, "host build-server connection refused: connect 127.0.0.1:9"));
	wall_count_host(&st, &c);
	assert_int_equal(c.hosts_failing, 1);

	st.fail = SSH_FAIL_HOSTKEY_UNKNOWN;
	assert_true(wall_host_failing(&st));
	assert_true(wall_host_problem(&st, &p));
	assert_non_null(strstr(p.text, "host key unknown"));

	/* A failed check (pm2 missing) leaves the host reachable: not failing. */
	st.fail = SSH_FAIL_COMMAND;
	assert_false(wall_host_failing(&st));
	assert_false(wall_host_problem(&st, &p));
}

static void test_big_letters(void **state)
{
	(void)state;
	char rows[WALL_BIG_ROWS][WALL_BIG_BYTES];
	/* O and K are 4 columns, one column between. */
	assert_int_equal(wall_big_width("OK"), 9);
	assert_int_equal(wall_big_render("OK", false, rows), 9);
	assert_string_equal(rows[0], " ##  #  #");
	assert_string_equal(rows[4], " ##  #  #");
	for (int r = 0; r < WALL_BIG_ROWS; r++)
		for (const char *p = rows[r]; *p; p++)
			assert_true(*p == '#' || *p == ' ');
	/* Every headline word has glyphs; UTF-8 uses the full block. */
	const char *words[] = { "OK", "DEGRADED", "DOWN", "STALE" };
	for (size_t i = 0; i < 4; i++) {
		assert_true(wall_big_render(words[i], true, rows) > 0);
		assert_non_null(strstr(rows[0], "\xe2\x96\x88"));
	}
	/* A character without a glyph: 0, nothing drawn. */
	assert_int_equal(wall_big_width("OK?"), 0);
	assert_int_equal(wall_big_render("x", false, rows), 0);
}

/* The problem list: worst first, and each pod line says when its age text changes so the
 * idle wall can sleep until then (nodes and workloads have no age: never). */
static void test_problems_and_when_they_change(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	time_t now = 1700000000;
	struct model_node n = { .name = "n1", .ready = false };
	snprintf(n.status, sizeof(n.status), "NotReady");
	model_node_upsert(&m, &n);
	struct model_pod young = { .ns = "a", .name = "crash", .node = "n1", .ip = "", .ready = 0, .total = 1,
				   .restarts = 4, .created = now - 30 };
	snprintf(young.status, sizeof(young.status), "CrashLoopBackOff");
	model_pod_upsert(&m, &young);
	struct model_pod old = { .ns = "a", .name = "pending", .node = "", .ip = "", .ready = 0, .total = 1,
				 .created = now - 3 * 3600 - 125 };
	snprintf(old.status, sizeof(old.status), "Pending");
	model_pod_upsert(&m, &old);
	struct model_pod fine = { .ns = "a", .name = "ok", .node = "n1", .ip = "", .ready = 1, .total = 1,
				  .healthy = true, .created = now - 5 };
	snprintf(fine.status, sizeof(fine.status), "Running");
	model_pod_upsert(&m, &fine);

	struct wall_problem p[8];
	size_t total = 0;
	size_t np = wall_problems(&m, now, p, 8, &total);
	assert_int_equal(np, 3);
	assert_int_equal(total, 3);
	assert_string_equal(p[0].text, "node n1 NotReady");
	assert_int_equal(p[0].changes_at, 0);
	assert_string_equal(p[1].text, "pod a/crash CrashLoopBackOff 0/1 restarts 4 age 30s");
	assert_int_equal(p[1].changes_at, now + 1);       /* seconds shown */
	assert_string_equal(p[2].text, "pod a/pending Pending 0/1 restarts 0 age 3h2m");
	assert_int_equal(p[2].changes_at, now + 55);      /* at 3h3m */
	assert_int_equal(p[2].sev, SEV_WARN);
	/* Cut at max: the total still counts everything. */
	assert_int_equal(wall_problems(&m, now, p, 1, &total), 1);
	assert_int_equal(total, 3);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_ok),
		cmocka_unit_test(test_state_down),
		cmocka_unit_test(test_state_degraded),
		cmocka_unit_test(test_state_hosts),
		cmocka_unit_test(test_state_stale_wins),
		cmocka_unit_test(test_strip),
		cmocka_unit_test(test_host_counts_and_problems),
		cmocka_unit_test(test_host_failing),
		cmocka_unit_test(test_big_letters),
		cmocka_unit_test(test_problems_and_when_they_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
