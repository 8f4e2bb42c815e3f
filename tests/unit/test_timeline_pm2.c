/* Unit tests for the console recorder's pm2 check (panels/timeline, timeline_observe_pm2):
 * the host poller and the 1 s timeline tick run on their own clocks, so the tick may see
 * only the last of several polls.  A restart jump must then be recorded exactly once,
 * measured from the count last recorded, whether or not the last poll still flags it as
 * rising.  (tests/e2e/timeline_sources.sh covers the same with a real pm2 and sshd.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "panels/timeline.h"
#include "ssh/hosts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { T0 = 1700000000 };

struct fx {
	char dir[64];
	struct timeline tl;
	long long now;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tl-pm2-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	char err[300];
	assert_int_equal(timeline_open(&f->tl, f->dir, NULL, T0, err, sizeof(err)), 0);
	f->now = T0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	timeline_close(&f->tl);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	int rc = system(cmd) == 0 ? 0 : -1;
	free(f);
	return rc;
}

/* What a poll leaves behind: the count now and the previous poll's. */
struct poll {
	struct pm2_proc proc;
	struct host_pm2_flags flags;
};

static struct poll poll_first(long long first, long long before, long long now)
{
	struct poll p = { .proc = { .name = (char *)"api", .status = (char *)"online", .restarts = now },
			  .flags = { .restarts_rising = before >= 0 && now > before, .restarts_before = before,
				     .restarts_first = first } };
	return p;
}

/* Without the host's first count (-1): only what was recorded and the rising flag count. */
static struct poll poll_of(long long before, long long now)
{
	return poll_first(-1, before, now);
}

/* One tick of the recorder over the poll it sees; returns timeline_observe_pm2's result. */
static int tick(struct fx *f, const struct poll *p)
{
	char err[300] = "";
	f->now++;
	int rc = timeline_observe_pm2(&f->tl, "vm1", &p->proc, &p->flags, f->now, err, sizeof(err));
	if (rc < 0)
		fail_msg("timeline_observe_pm2: %s", err);
	return rc;
}

static size_t count_text(const struct timeline *tl, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; i < tl->nentries; i++)
		if (strstr(tl->entries[i]->text, needle))
			n++;
	return n;
}

static size_t count_jumps(const struct timeline *tl)
{
	return count_text(tl, "pm2 api restarts jumped");
}

/* A tick over the poll that went from `before` to `now` restarts. */
static int tick_poll(struct fx *f, long long before, long long now)
{
	struct poll p = poll_of(before, now);
	return tick(f, &p);
}

static void test_jump_seen_by_the_tick(void **state)
{
	struct fx *f = *state;
	assert_int_equal(tick_poll(f, 3, 3), 0); /* no jump, nothing recorded */
	assert_int_equal(count_jumps(&f->tl), 0);
	assert_int_equal(tick_poll(f, 3, 4), 1);
	assert_int_equal(count_text(&f->tl, "Host vm1: pm2 api restarts jumped from 3 to 4"), 1);
	/* The next tick sees the same poll, still flagged rising: not again. */
	assert_int_equal(tick_poll(f, 3, 4), 0);
	assert_int_equal(count_jumps(&f->tl), 1);
	assert_string_equal(timeline_state_get(&f->tl, "vm1", "host/vm1/pm2/api"), "restarts 4");
}

/* The flake behind 63c8d2e: a poll flags 4 -> 5 and the next poll (5 -> 5, not rising)
 * lands before the tick, which sees only the second.  The jump is still recorded, once. */
static void test_two_polls_between_ticks(void **state)
{
	struct fx *f = *state;
	assert_int_equal(tick_poll(f, 3, 4), 1);
	assert_false(poll_of(5, 5).flags.restarts_rising);
	for (int i = 0; i < 3; i++)
		assert_int_equal(tick_poll(f, 5, 5), i == 0 ? 1 : 0);
	assert_int_equal(count_text(&f->tl, "jumped from 4 to 5"), 1);
	assert_int_equal(count_jumps(&f->tl), 2);
}

/* Two rising polls between ticks (5 -> 6, then 6 -> 8): one entry spanning both jumps. */
static void test_two_rising_polls_between_ticks(void **state)
{
	struct fx *f = *state;
	assert_int_equal(tick_poll(f, 4, 5), 1);
	for (int i = 0; i < 2; i++)
		assert_int_equal(tick_poll(f, 6, 8), i == 0 ? 1 : 0);
	assert_int_equal(count_text(&f->tl, "jumped from 5 to 8"), 1);
	assert_int_equal(count_jumps(&f->tl), 2);
}

/* The count going down (pm2's daemon restarted, counters reset) is no jump; the next rise
 * is one, from the poll's previous count. */
static void test_reset_then_rise(void **state)
{
	struct fx *f = *state;
	assert_int_equal(tick_poll(f, 7, 8), 1);
	assert_int_equal(tick_poll(f, 8, 0), 0);
	assert_int_equal(tick_poll(f, 0, 1), 1);
	assert_int_equal(count_text(&f->tl, "jumped from 0 to 1"), 1);
	assert_int_equal(count_jumps(&f->tl), 2);
}

/* The very first jump of a process: nothing recorded yet, and the tick sees only the poll
 * after the rising one (4 -> 4).  The count the host's first poll saw (3) is the baseline. */
static void test_first_jump_between_ticks(void **state)
{
	struct fx *f = *state;
	struct poll p = poll_first(3, 3, 3);
	assert_int_equal(tick(f, &p), 0);  /* the baseline itself is no entry */
	p = poll_first(3, 4, 4);
	assert_false(p.flags.restarts_rising);
	assert_int_equal(tick(f, &p), 1);
	assert_int_equal(tick(f, &p), 0);
	assert_int_equal(count_text(&f->tl, "Host vm1: pm2 api restarts jumped from 3 to 4"), 1);
	assert_int_equal(count_jumps(&f->tl), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jump_seen_by_the_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_polls_between_ticks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_rising_polls_between_ticks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_then_rise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_jump_between_ticks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
