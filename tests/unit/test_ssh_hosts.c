/* Unit tests for ssh/hosts' judgement of pm2 lists: restarts rising between polls or
 * high, expected processes missing (absent or not online) or duplicated. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ssh/hosts.h"

static void set_proc(struct pm2_proc *p, const char *name, long long id, const char *status,
		     long long restarts)
{
	p->name = strdup(name);
	p->pm_id = id;
	p->status = strdup(status);
	p->restarts = restarts;
}

static void free_status(struct host_status *st)
{
	checks_free_pm2(&st->pm2);
	free(st->pm2_flags);
	for (size_t i = 0; i < st->nmissing; i++)
		free(st->missing[i]);
	free(st->missing);
	for (size_t i = 0; i < st->nduplicated; i++)
		free(st->duplicated[i]);
	free(st->duplicated);
}

static void test_flags(void **state)
{
	(void)state;
	char *expect[] = { "api", "deploy-start", "daemon", "worker" };
	struct config_host cfg = { .name = "h", .expect_pm2 = expect, .nexpect = 4 };
	struct pm2_list prev = { .v = calloc(2, sizeof(struct pm2_proc)), .n = 2 };
	set_proc(&prev.v[0], "api", 0, "online", 2);
	set_proc(&prev.v[1], "worker", 3, "online", 40);

	struct host_status st = { .cfg = &cfg };
	st.pm2.n = 5;
	st.pm2.v = calloc(5, sizeof(struct pm2_proc));
	set_proc(&st.pm2.v[0], "api", 0, "online", 3);       /* rising 2 -> 3 */
	set_proc(&st.pm2.v[1], "daemon", 1, "online", 0);    /* runbook 002: two daemons */
	set_proc(&st.pm2.v[2], "daemon", 2, "online", 0);
	set_proc(&st.pm2.v[3], "worker", 3, "stopped", 40);  /* high, not rising, not online */
	set_proc(&st.pm2.v[4], "new", 4, "online", 0);
	hosts_flag_pm2(&st, &prev, NULL);

	assert_true(st.pm2_flags[0].restarts_rising);
	assert_int_equal(st.pm2_flags[0].restarts_before, 2);
	assert_int_equal(st.pm2_flags[0].restarts_first, 2); /* no earlier flags: the previous count */
	assert_false(st.pm2_flags[0].restarts_high);
	assert_false(st.pm2_flags[1].restarts_rising);
	assert_int_equal(st.pm2_flags[1].restarts_before, -1);
	assert_false(st.pm2_flags[3].restarts_rising);
	assert_true(st.pm2_flags[3].restarts_high);
	assert_int_equal(st.nmissing, 2);
	assert_string_equal(st.missing[0], "deploy-start");
	assert_string_equal(st.missing[1], "worker");
	assert_int_equal(st.nduplicated, 1);
	assert_string_equal(st.duplicated[0], "daemon");
	free_status(&st);

	/* The first poll has nothing to compare with: nothing rises. */
	struct host_status first = { .cfg = &cfg };
	first.pm2.n = 1;
	first.pm2.v = calloc(1, sizeof(struct pm2_proc));
	set_proc(&first.pm2.v[0], "api", 0, "online", 5);
	hosts_flag_pm2(&first, NULL, NULL);
	assert_false(first.pm2_flags[0].restarts_rising);
	assert_int_equal(first.pm2_flags[0].restarts_first, 5);
	assert_int_equal(first.nmissing, 3);

	/* The first count is carried from poll to poll: 5 at the first, 7 now. */
	struct host_status next = { .cfg = &cfg };
	next.pm2.n = 2;
	next.pm2.v = calloc(2, sizeof(struct pm2_proc));
	set_proc(&next.pm2.v[0], "api", 0, "online", 7);
	set_proc(&next.pm2.v[1], "late", 9, "online", 2);
	struct pm2_list seen = { .v = calloc(1, sizeof(struct pm2_proc)), .n = 1 };
	set_proc(&seen.v[0], "api", 0, "online", 6);
	hosts_flag_pm2(&next, &seen, first.pm2_flags);
	assert_int_equal(next.pm2_flags[0].restarts_first, 5);
	assert_int_equal(next.pm2_flags[0].restarts_before, 6);
	assert_int_equal(next.pm2_flags[1].restarts_first, 2);  /* first seen now */
	free_status(&next);
	checks_free_pm2(&seen);
	free_status(&first);
	checks_free_pm2(&prev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
