/* Unit tests for core/logbuf (the bounded ring) and core/logview (filters, context,
 * search, highlights, pause, incremental updates). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/logbuf.h"
#include "core/logview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t add(struct logbuf *lb, unsigned src, const char *text)
{
	return logbuf_append(lb, src, 0, 0, text, strlen(text));
}

static const char *text_of(const struct logbuf *lb, uint64_t seq)
{
	struct logbuf_line l;
	return logbuf_get(lb, seq, &l) ? l.text : NULL;
}

static void test_ring_bounds_lines_and_counts_drops(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(&(struct logbuf_config){.max_lines = 100});
	char line[64];
	for (int i = 0; i < 250; i++) {
		snprintf(line, sizeof(line), "line %d", i);
		assert_int_equal(add(lb, 0, line), (uint64_t)i);
	}
	assert_int_equal(logbuf_count(lb), 100);
	assert_int_equal(logbuf_dropped(lb), 150);
	assert_int_equal(logbuf_first_seq(lb), 150);
	assert_int_equal(logbuf_next_seq(lb), 250);
	assert_null(text_of(lb, 149));
	assert_string_equal(text_of(lb, 150), "line 150");
	assert_string_equal(text_of(lb, 249), "line 249");
	assert_null(text_of(lb, 250));
	logbuf_free(lb);
}

static void test_ring_bounds_bytes(void **state)
{
	(void)state;
	/* 4 KiB of text: 100-byte lines, so about 40 fit (each also takes its NUL). */
	struct logbuf *lb = logbuf_new(&(struct logbuf_config){.max_lines = 100000, .max_bytes = 4096});
	char line[101];
	memset(line, 'x', 100);
	line[100] = '\0';
	for (int i = 0; i < 1000; i++) {
		snprintf(line, 10, "%08d", i);
		line[8] = 'x';
		add(lb, 0, line);
		assert_true(logbuf_bytes(lb) + logbuf_count(lb) <= 4096);
		assert_true(logbuf_footprint(lb) <= 4096 + 1024 * 40);
	}
	assert_true(logbuf_count(lb) >= 30 && logbuf_count(lb) <= 40);
	assert_int_equal(logbuf_dropped(lb) + logbuf_count(lb), 1000);
	/* The newest lines are intact and in order. */
	for (uint64_t s = logbuf_first_seq(lb); s < logbuf_next_seq(lb); s++) {
		char want[16];
		snprintf(want, sizeof(want), "%08d", (int)s);
		assert_memory_equal(text_of(lb, s), want, 8);
		assert_int_equal(strlen(text_of(lb, s)), 100);
	}
	logbuf_free(lb);
}

static void test_ring_mixed_sizes_stay_consistent(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(&(struct logbuf_config){.max_lines = 500, .max_bytes = 20000});
	char buf[2000];
	unsigned r = 7;
	for (int i = 0; i < 20000; i++) {
		r = r * 1103515245 + 12345;
		size_t len = 8 + (r >> 8) % 1500;
		snprintf(buf, sizeof(buf), "%08d", i);
		memset(buf + 8, 'a' + i % 26, len - 8);
		logbuf_append(lb, 0, i, 0, buf, len);
		assert_true(logbuf_count(lb) <= 500);
		assert_true(logbuf_bytes(lb) + logbuf_count(lb) <= 20000);
	}
	for (uint64_t s = logbuf_first_seq(lb); s < logbuf_next_seq(lb); s++) {
		struct logbuf_line l;
		assert_true(logbuf_get(lb, s, &l));
		char want[16];
		snprintf(want, sizeof(want), "%08d", (int)s);
		assert_memory_equal(l.text, want, 8);
		assert_int_equal(l.text[8], 'a' + (int)(s % 26));
		assert_int_equal(l.text[l.len], '\0');
		assert_int_equal(l.ts_ns, (int64_t)s);
	}
	assert_int_equal(logbuf_dropped(lb) + logbuf_count(lb), 20000);
	logbuf_free(lb);
}

static void test_long_line_truncated_and_marked(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(&(struct logbuf_config){.max_line = 16});
	uint64_t s = add(lb, 0, "0123456789abcdefXYZ");
	struct logbuf_line l;
	assert_true(logbuf_get(lb, s, &l));
	assert_int_equal(l.len, 16);
	assert_string_equal(l.text, "0123456789abcdef");
	assert_true(l.flags & LOGBUF_TRUNCATED);
	s = add(lb, 0, "short");
	assert_true(logbuf_get(lb, s, &l));
	assert_false(l.flags & LOGBUF_TRUNCATED);
	logbuf_free(lb);
}

static void test_sources_keep_colour_per_pod(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(NULL);
	unsigned a = logbuf_source(lb, "ns", "web-1", "app");
	unsigned b = logbuf_source(lb, "ns", "web-2", "app");
	unsigned a2 = logbuf_source(lb, "ns", "web-1", "sidecar");
	assert_int_not_equal(a, b);
	assert_int_not_equal(a, a2);
	assert_int_equal(logbuf_source(lb, "ns", "web-1", "app"), a);
	assert_int_equal(logbuf_source_get(lb, a)->colour, logbuf_source_get(lb, a2)->colour);
	assert_int_not_equal(logbuf_source_get(lb, a)->colour, logbuf_source_get(lb, b)->colour);
	char tag[64];
	logbuf_format_tag(lb, a2, tag, sizeof(tag));
	assert_string_equal(tag, "web-1/sidecar");
	logbuf_source_set_gone(lb, b, true);
	assert_true(logbuf_source_get(lb, b)->gone);
	logbuf_free(lb);
}

static void test_format_ts(void **state)
{
	(void)state;
	char buf[64];
	logbuf_format_ts(1795254780123456789LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-21T09:53:00.123456789Z");
}

static size_t view_texts(struct logview *v, struct logbuf *lb, char out[][32], size_t max)
{
	logview_update(v);
	size_t n = logview_count(v);
	for (size_t i = 0; i < n && i < max; i++)
		snprintf(out[i], 32, "%s", text_of(lb, logview_seq(v, i)));
	return n;
}

static void test_view_include_exclude_context(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(NULL);
	struct logview *v = logview_new(lb);
	const char *lines[] = {"a0", "a1", "ERROR x", "a3", "a4", "a5", "a6", "error y", "a8", "noise z"};
	for (size_t i = 0; i < 10; i++)
		add(lb, 0, lines[i]);
	char got[16][32], err[256];
	assert_int_equal(view_texts(v, lb, got, 16), 10);
	assert_int_equal(logview_set_include(v, "error", true, err, sizeof(err)), 0);
	assert_int_equal(view_texts(v, lb, got, 16), 2);
	assert_string_equal(got[0], "ERROR x");
	assert_string_equal(got[1], "error y");
	assert_true(logview_is_match(v, 0));
	logview_set_context(v, 1);
	assert_int_equal(view_texts(v, lb, got, 16), 6);
	const char *want[] = {"a1", "ERROR x", "a3", "a6", "error y", "a8"};
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(got[i], want[i]);
	assert_false(logview_is_match(v, 0));
	/* Exclude hides lines even as context. */
	assert_int_equal(logview_set_exclude(v, "^a[13]$", false, err, sizeof(err)), 0);
	assert_int_equal(view_texts(v, lb, got, 16), 4);
	assert_string_equal(got[0], "ERROR x");
	/* Case-sensitive include. */
	assert_int_equal(logview_set_include(v, "error", false, err, sizeof(err)), 0);
	logview_set_context(v, 0);
	assert_int_equal(view_texts(v, lb, got, 16), 1);
	assert_string_equal(got[0], "error y");
	/* Trailing context reaches lines appended later. */
	logview_set_context(v, 2);
	logview_set_exclude(v, NULL, false, err, sizeof(err));
	assert_int_equal(view_texts(v, lb, got, 16), 5);
	add(lb, 0, "late");
	assert_int_equal(view_texts(v, lb, got, 16), 5); /* "late" is 3 after the match */
	assert_int_equal(logview_set_include(v, "(", false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "include regex '('"));
	assert_string_equal(logview_include(v), "error");
	logview_free(v);
	logbuf_free(lb);
}

static void test_view_search_and_spans(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(NULL);
	struct logview *v = logview_new(lb);
	const char *lines[] = {"start", "needle one", "hay", "Needle two", "FATAL crash Exception"};
	for (size_t i = 0; i < 5; i++)
		add(lb, 0, lines[i]);
	logview_update(v);
	char err[256];
	assert_int_equal(logview_find(v, -1, 1), -1); /* no search yet */
	assert_int_equal(logview_set_search(v, "needle", true, err, sizeof(err)), 0);
	assert_int_equal(logview_find(v, -1, 1), 1);
	assert_int_equal(logview_find(v, 1, 1), 3);
	assert_int_equal(logview_find(v, 3, 1), 1); /* wraps */
	assert_int_equal(logview_find(v, 1, -1), 3);
	struct logview_span sp[8];
	size_t n = logview_spans(v, lines[4], strlen(lines[4]), sp, 8);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].start, 0);
	assert_int_equal(sp[0].end, 5);
	assert_int_equal(sp[0].kind, LOGVIEW_SPAN_RULE);
	assert_int_equal(sp[1].start, 12);
	n = logview_spans(v, lines[3], strlen(lines[3]), sp, 8);
	assert_int_equal(n, 1);
	assert_int_equal(sp[0].kind, LOGVIEW_SPAN_SEARCH);
	const char *rules[] = {"crash"};
	assert_int_equal(logview_set_highlights(v, rules, 1, err, sizeof(err)), 0);
	n = logview_spans(v, lines[4], strlen(lines[4]), sp, 8);
	assert_int_equal(n, 1);
	assert_int_equal(sp[0].start, 6);
	const char *bad[] = {"ok", "[z-a]"};
	assert_int_equal(logview_set_highlights(v, bad, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[z-a]"));
	logview_free(v);
	logbuf_free(lb);
}

static void test_view_pause_counts_new_lines(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(NULL);
	struct logview *v = logview_new(lb);
	add(lb, 0, "one");
	logview_update(v);
	logview_pause(v, true);
	assert_int_equal(logview_new_lines(v), 0);
	add(lb, 0, "two");
	add(lb, 0, "three");
	logview_update(v);
	assert_int_equal(logview_new_lines(v), 2);
	logview_pause(v, false);
	assert_int_equal(logview_new_lines(v), 0);
	logview_free(v);
	logbuf_free(lb);
}

/* A million appends with the view updated after each one: must be linear, and the view
 * must follow the ring's drops. */
static void test_view_incremental_under_a_million_appends(void **state)
{
	(void)state;
	struct logbuf *lb = logbuf_new(&(struct logbuf_config){.max_lines = 10000});
	struct logview *v = logview_new(lb);
	char err[128], line[64];
	assert_int_equal(logview_set_include(v, "7$", false, err, sizeof(err)), 0);
	clock_t t0 = clock();
	for (int i = 0; i < 1000000; i++) {
		int len = snprintf(line, sizeof(line), "request %d done", i);
		if (i % 10 == 7)
			len = snprintf(line, sizeof(line), "request %d 7", i);
		logbuf_append(lb, 0, i, 0, line, (size_t)len);
		logview_update(v);
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(logbuf_count(lb), 10000);
	assert_int_equal(logbuf_dropped(lb), 990000);
	assert_int_equal(logview_count(v), 1000);
	assert_int_equal(logview_seq(v, 0), 990007);
	assert_int_equal(logview_seq(v, 999), 999997);
	/* A rescan per append would be 1e10 regex runs; linear work is well under this. */
	assert_true(secs < 20.0);
	logview_free(v);
	logbuf_free(lb);
}

static void test_save_whole_buffer_and_view_atomically(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_logbuf.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], err[512];
	snprintf(path, sizeof(path), "%s/out.log", dir);
	struct logbuf *lb = logbuf_new(NULL);
	unsigned s = logbuf_source(lb, "ns", "web-1", "");
	logbuf_append(lb, s, 1795254780000000000LL, 0, "alpha", 5);
	logbuf_append(lb, s, 1795254781000000000LL, 0, "beta\x1b[31m", 9);
	assert_int_equal(logbuf_save(lb, NULL, 0, LOGBUF_FMT_TAG | LOGBUF_FMT_TIME, path, err, sizeof(err)), 2);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[256] = {0};
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, "[web-1] 2026-11-21T09:53:00.000000000Z alpha\n"
				 "[web-1] 2026-11-21T09:53:01.000000000Z beta\x1b[31m\n");
	struct logview *v = logview_new(lb);
	assert_int_equal(logview_set_include(v, "beta", false, err, sizeof(err)), 0);
	logview_update(v);
	assert_int_equal(logbuf_save(lb, logview_seqs(v), logview_count(v), 0, path, err, sizeof(err)), 1);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, "beta\x1b[31m\n");
	/* No temporary file left behind. */
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "test $(ls %s | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	/* Errors name the file. */
	char bad[300];
	snprintf(bad, sizeof(bad), "%s/missing-dir/out.log", dir);
	assert_int_equal(logbuf_save(lb, NULL, 0, 0, bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, bad));
	unlink(path);
	rmdir(dir);
	logview_free(v);
	logbuf_free(lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_bounds_lines_and_counts_drops),
		cmocka_unit_test(test_ring_bounds_bytes),
		cmocka_unit_test(test_ring_mixed_sizes_stay_consistent),
		cmocka_unit_test(test_long_line_truncated_and_marked),
		cmocka_unit_test(test_sources_keep_colour_per_pod),
		cmocka_unit_test(test_format_ts),
		cmocka_unit_test(test_view_include_exclude_context),
		cmocka_unit_test(test_view_search_and_spans),
		cmocka_unit_test(test_view_pause_counts_new_lines),
		cmocka_unit_test(test_view_incremental_under_a_million_appends),
		cmocka_unit_test(test_save_whole_buffer_and_view_atomically),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
