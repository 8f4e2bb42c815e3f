/* Unit tests for sim/logs: append/read, tail, since, cursor follow, previous after a
 * restart, the ring bound, bytes (escapes, NUL) passed through untouched, timestamps
 * spread over a span, and the block storage under a long follow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/logs.h"

static char *read_all(struct sim_logs *l, struct logs_query *q, uint64_t *cur, int *rc)
{
	char *out;
	size_t n;
	*rc = logs_read(l, q, cur, &out, &n);
	return out;
}

static struct logs_query query(const char *pod)
{
	struct logs_query q = {.ns = "ns", .pod = pod, .container = "c", .tail_lines = -1,
			       .limit_bytes = -1};
	return q;
}

static void test_append_read(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(100);
	logs_append(l, "ns", "p", "c", NULL, "one\ntwo\n", 8);
	logs_append(l, "ns", "p", "c", NULL, "three", 5);
	struct logs_query q = query("p");
	uint64_t cur = 0;
	int rc;
	char *s = read_all(l, &q, &cur, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "one\ntwo\nthree\n");
	free(s);
	/* unknown pod / container */
	struct logs_query bad = query("nope");
	cur = 0;
	s = read_all(l, &bad, &cur, &rc);
	assert_int_equal(rc, -1);
	free(s);
	/* default container = the first */
	q.container = NULL;
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "one\ntwo\nthree\n");
	free(s);
	logs_free(l);
}

static void test_tail_since_timestamps(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(100);
	struct timespec t1 = {1000, 5}, t2 = {2000, 123456789};
	logs_append(l, "ns", "p", "c", &t1, "old", 3);
	logs_append(l, "ns", "p", "c", &t2, "new1\nnew2", 9);
	struct logs_query q = query("p");
	uint64_t cur = 0;
	int rc;
	q.tail_lines = 2;
	char *s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "new1\nnew2\n");
	free(s);
	q.tail_lines = -1;
	q.since = (struct timespec){1500, 0};
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "new1\nnew2\n");
	free(s);
	q.since = (struct timespec){0, 0};
	q.timestamps = true;
	q.tail_lines = 1;
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "1970-01-01T00:33:20.123456789Z new2\n");
	free(s);
	q.timestamps = false;
	q.tail_lines = -1;
	q.limit_bytes = 5;
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "old\nn");
	free(s);
	logs_free(l);
}

static void test_cursor_follow(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(100);
	struct logs_query q = query("p");
	uint64_t cur = 0;
	int rc;
	logs_append(l, "ns", "p", "c", NULL, "a", 1);
	char *s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "a\n");
	free(s);
	assert_true(cur != 0);
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "");
	free(s);
	logs_append(l, "ns", "p", "c", NULL, "b\nc", 3);
	/* logs_wait returns at once when a line is there */
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += 5;
	logs_wait(l, &q, cur, &dl);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	assert_true(now.tv_sec < dl.tv_sec);
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "b\nc\n");
	free(s);
	/* and times out when none comes */
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 100 * 1000 * 1000;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	logs_wait(l, &q, cur, &dl);
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "");
	free(s);
	assert_true(logs_active(l, "ns", "p", 60));
	assert_false(logs_active(l, "ns", "other", 60));
	logs_free(l);
}

static void test_previous(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(100);
	struct logs_query q = query("p");
	uint64_t cur = 0;
	int rc;
	logs_append(l, "ns", "p", "c", NULL, "first run\npanic: boom", 21);
	q.previous = true;
	char *s = read_all(l, &q, &cur, &rc);
	assert_int_equal(rc, -1); /* no previous container yet */
	free(s);
	logs_restart(l, "ns", "p", "c");
	logs_append(l, "ns", "p", "c", NULL, "second run", 10);
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "first run\npanic: boom\n");
	free(s);
	q.previous = false;
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "second run\n");
	free(s);
	logs_forget_pod(l, "ns", "p");
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_int_equal(rc, -1);
	free(s);
	logs_free(l);
}

static void test_ring_bound(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(10);
	char line[32];
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(line, sizeof(line), "line %d", i);
		logs_append(l, "ns", "p", "c", NULL, line, (size_t)n);
	}
	struct logs_query q = query("p");
	uint64_t cur = 0;
	int rc;
	char *s = read_all(l, &q, &cur, &rc);
	assert_non_null(strstr(s, "line 990\n"));
	assert_null(strstr(s, "line 989\n"));
	assert_int_equal(strlen(s), 10 * strlen("line 990\n"));
	free(s);
	/* a follower that fell behind resumes at the oldest line still kept */
	uint64_t old = 5;
	s = read_all(l, &q, &old, &rc);
	assert_true(!strncmp(s, "line 990\n", 9));
	free(s);
	logs_free(l);
}

/* A reserved bound applies to a ring that already wrapped: nothing is lost or reordered. */
static void test_reserve_after_wrap(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(4);
	logs_append(l, "ns", "p", "c", NULL, "1\n2\n3\n4\n5\n6", 11); /* keeps 3..6 */
	logs_reserve(l, "ns", "p", "c", 8);
	logs_append(l, "ns", "p", "c", NULL, "7\n8\n9\n10", 8);
	struct logs_query q = query("p");
	uint64_t cur = 0;
	int rc;
	char *s = read_all(l, &q, &cur, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "3\n4\n5\n6\n7\n8\n9\n10\n");
	free(s);
	logs_append(l, "ns", "p", "c", NULL, "11", 2); /* now at the new bound: drops 3 */
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "11\n");
	free(s);
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "4\n5\n6\n7\n8\n9\n10\n11\n");
	free(s);
	logs_reserve(l, "ns", "p", "c", 2); /* never lowers */
	logs_append(l, "ns", "p", "c", NULL, "12", 2);
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "5\n6\n7\n8\n9\n10\n11\n12\n");
	free(s);
	logs_free(l);
}

static void test_bytes_preserved(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(10);
	const char raw[] = "\x1b[31mred\x1b[0m \x00nul \xff\xfe bad utf8\r";
	logs_append(l, "ns", "p", "c", NULL, raw, sizeof(raw) - 1);
	struct logs_query q = query("p");
	uint64_t cur = 0;
	char *out;
	size_t n;
	assert_int_equal(logs_read(l, &q, &cur, &out, &n), 0);
	assert_int_equal(n, sizeof(raw));
	assert_memory_equal(out, raw, sizeof(raw) - 1);
	assert_int_equal(out[n - 1], '\n');
	free(out);
	logs_free(l);
}

/* logs_append_spread: timestamps evenly over (from, to], strictly growing even when the
 * next span overlaps the last one, and sinceTime selects by them exactly. */
static void test_spread_timestamps(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(100);
	struct timespec from = {1000, 0}, to = {1000, 400};
	logs_append_spread(l, "ns", "p", "c", &from, &to, "a\nb\nc\nd\n", 8);
	/* overlaps: squeezed into what is left after d (1000.000000400) */
	struct timespec f2 = {1000, 200}, t2 = {1000, 600};
	logs_append_spread(l, "ns", "p", "c", &f2, &t2, "e\nf", 3);
	/* no room at all: one nanosecond apart */
	logs_append_spread(l, "ns", "p", "c", &f2, &f2, "g\nh", 3);
	struct logs_query q = query("p");
	q.timestamps = true;
	uint64_t cur = 0;
	int rc;
	char *s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "1970-01-01T00:16:40.000000100Z a\n"
			       "1970-01-01T00:16:40.000000200Z b\n"
			       "1970-01-01T00:16:40.000000300Z c\n"
			       "1970-01-01T00:16:40.000000400Z d\n"
			       "1970-01-01T00:16:40.000000500Z e\n"
			       "1970-01-01T00:16:40.000000600Z f\n"
			       "1970-01-01T00:16:40.000000601Z g\n"
			       "1970-01-01T00:16:40.000000602Z h\n");
	free(s);
	q.since = (struct timespec){1000, 301};
	q.timestamps = false;
	cur = 0;
	s = read_all(l, &q, &cur, &rc);
	assert_string_equal(s, "d\ne\nf\ng\nh\n");
	free(s);
	logs_free(l);
}

/* Many lines of every length (empty, and longer than a storage block) through a small
 * ring, read by a follower between appends: each line exactly once, in order, bytes
 * intact, while the ring drops and frees behind it. */
static void test_blocks_follow(void **state)
{
	(void)state;
	struct sim_logs *l = logs_new(300);
	struct logs_query q = query("p");
	uint64_t cur = 0;
	size_t big = 150000, want = 0, got = 0;
	char *line = malloc(big + 1);
	int rc;
	logs_append(l, "ns", "p", "c", NULL, "start", 5);
	free(read_all(l, &q, &cur, &rc));
	for (size_t i = 0; i < 20000; i++) {
		size_t n = i % 997 == 0 ? big : (i * 7919) % 300;
		for (size_t k = 0; k < n; k++)
			line[k] = (char)('a' + (i + k) % 26);
		logs_append(l, "ns", "p", "c", NULL, line, n);
		want += n + 1;
		if (i % 50 != 49)
			continue;
		char *out;
		size_t len;
		assert_int_equal(logs_read(l, &q, &cur, &out, &len), 0);
		/* the 50 lines just written, each checked */
		size_t off = 0;
		for (size_t j = i - 49; j <= i; j++) {
			size_t m = j % 997 == 0 ? big : (j * 7919) % 300;
			assert_true(off + m < len);
			for (size_t k = 0; k < m; k++)
				assert_int_equal(out[off + k], (char)('a' + (j + k) % 26));
			assert_int_equal(out[off + m], '\n');
			off += m + 1;
		}
		assert_int_equal(off, len);
		got += len;
		free(out);
	}
	assert_int_equal(got, want);
	/* tail of the ring after all that: the last 300 lines */
	q.tail_lines = -1;
	uint64_t fresh = 0;
	char *out;
	size_t len;
	assert_int_equal(logs_read(l, &q, &fresh, &out, &len), 0);
	size_t lines = 0;
	for (size_t k = 0; k < len; k++)
		lines += out[k] == '\n';
	assert_int_equal(lines, 300);
	free(out);
	free(line);
	logs_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_read),
		cmocka_unit_test(test_tail_since_timestamps),
		cmocka_unit_test(test_cursor_follow),
		cmocka_unit_test(test_previous),
		cmocka_unit_test(test_ring_bound),
		cmocka_unit_test(test_reserve_after_wrap),
		cmocka_unit_test(test_bytes_preserved),
		cmocka_unit_test(test_spread_timestamps),
		cmocka_unit_test(test_blocks_follow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
