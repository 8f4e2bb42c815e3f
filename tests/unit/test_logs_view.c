/* Unit tests for panels/logs, the log pane's curses-free view-model: rendering into
 * attributed rows (tags, highlights, sanitised text, wrap, horizontal scroll), following
 * and pausing, search, the status line and saving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/model.h"
#include "panels/logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	struct model m;
	struct logs_view *v;
	struct logs_row rows[40];
};

static struct fixture *open_view(const char *args)
{
	struct fixture *f = calloc(1, sizeof(*f));
	model_init(&f->m);
	struct logs_view_config cfg = {.server = "http://127.0.0.1:1", .default_ns = "ns"};
	char err[256];
	f->v = logs_view_open(NULL, NULL, &f->m, &cfg, args, NULL, NULL, err, sizeof(err));
	assert_non_null(f->v);
	return f;
}

static void close_view(struct fixture *f)
{
	logs_view_free(f->v);
	model_free(&f->m);
	free(f);
}

static void line(struct fixture *f, const char *pod, int64_t ts, const char *text)
{
	logmux_inject(f->v->mux, "ns", pod, "", ts, 0, text, strlen(text));
	logmux_flush(f->v->mux, true);
}

static const struct logs_seg *seg_with(const struct logs_row *r, enum logs_attr a)
{
	for (size_t i = 0; i < r->nseg; i++)
		if (r->seg[i].attr == a)
			return &r->seg[i];
	return NULL;
}

static void test_open_rejects_bad_args(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct logs_view_config cfg = {.server = "http://x", .default_ns = "ns"};
	char err[256];
	assert_null(logs_view_open(NULL, NULL, &m, &cfg, "", NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "needs a TARGET"));
	assert_null(logs_view_open(NULL, NULL, &m, &cfg, "pod/x --grep '('", NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "include regex"));
	cfg.default_ns = NULL; /* all namespaces: the name must be found in the model */
	assert_null(logs_view_open(NULL, NULL, &m, &cfg, "deployment/web", NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "no pod of 'web' in any namespace"));
	model_free(&m);
}

static void test_render_tags_highlights_and_sanitises(void **state)
{
	(void)state;
	struct fixture *f = open_view("deployment/web");
	line(f, "web-1", 1, "hello \x1b]52;c;aGk=\x07 world");
	line(f, "web-2", 2, "boom: FATAL \x1b[31mred\x1b[0m \xe2\x80\xae end");
	size_t n = logs_view_render(f->v, 80, 10, f->rows);
	assert_int_equal(n, 2);
	assert_string_equal(f->rows[0].text, "web-1 hello  world");
	assert_string_equal(f->rows[1].text, "web-2 boom: FATAL red  end");
	for (size_t i = 0; i < n; i++)
		for (const char *p = f->rows[i].text; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	const struct logs_seg *tag0 = seg_with(&f->rows[0], LOGS_ATTR_TAG);
	const struct logs_seg *tag1 = seg_with(&f->rows[1], LOGS_ATTR_TAG);
	assert_non_null(tag0);
	assert_non_null(tag1);
	assert_int_not_equal(tag0->colour, tag1->colour);
	const struct logs_seg *rule = seg_with(&f->rows[1], LOGS_ATTR_RULE);
	assert_non_null(rule);
	assert_memory_equal(f->rows[1].text + rule->off, "FATAL", 5);
	assert_int_equal(rule->len, 5);
	close_view(f);
}

static void test_wrap_and_hscroll(void **state)
{
	(void)state;
	struct fixture *f = open_view("pod/one");
	line(f, "one", 1, "0123456789abcdefghij");
	line(f, "one", 2, "last");
	size_t n = logs_view_render(f->v, 8, 10, f->rows);
	assert_int_equal(n, 2);
	assert_string_equal(f->rows[0].text, "01234567");
	f->v->wrap = true;
	n = logs_view_render(f->v, 8, 10, f->rows);
	assert_int_equal(n, 4);
	assert_string_equal(f->rows[1].text, "89abcdef");
	assert_string_equal(f->rows[2].text, "ghij");
	assert_string_equal(f->rows[3].text, "last");
	/* Following with wrap: the bottom rows, the first line cut at the top. */
	n = logs_view_render(f->v, 8, 2, f->rows);
	assert_int_equal(n, 2);
	assert_string_equal(f->rows[0].text, "ghij");
	assert_string_equal(f->rows[1].text, "last");
	f->v->wrap = false;
	logs_view_hscroll(f->v, 5);
	n = logs_view_render(f->v, 8, 10, f->rows);
	assert_string_equal(f->rows[0].text, "56789abc");
	assert_string_equal(f->rows[1].text, "");
	logs_view_hscroll(f->v, -50);
	assert_int_equal(f->v->hscroll, 0);
	close_view(f);
}

static void test_follow_pause_and_dropped_status(void **state)
{
	(void)state;
	struct fixture *f = open_view("pod/one --max-lines 20");
	char buf[32], st[512];
	for (int i = 0; i < 30; i++) {
		snprintf(buf, sizeof(buf), "line %d", i);
		line(f, "one", i, buf);
	}
	size_t n = logs_view_render(f->v, 40, 5, f->rows);
	assert_int_equal(n, 5);
	assert_string_equal(f->rows[4].text, "line 29");
	logs_view_status(f->v, st, sizeof(st));
	assert_non_null(strstr(st, "20 lines, 10 older lines dropped"));
	logs_view_toggle_pause(f->v);
	line(f, "one", 30, "line 30");
	line(f, "one", 31, "line 31");
	n = logs_view_render(f->v, 40, 5, f->rows);
	assert_string_equal(f->rows[0].text, "line 29"); /* the screen stays put */
	logs_view_status(f->v, st, sizeof(st));
	assert_non_null(strstr(st, "PAUSED, 2 new lines"));
	logs_view_scroll(f->v, -3, 5);
	n = logs_view_render(f->v, 40, 5, f->rows);
	assert_string_equal(f->rows[0].text, "line 26");
	logs_view_bottom(f->v);
	n = logs_view_render(f->v, 40, 5, f->rows);
	assert_string_equal(f->rows[4].text, "line 31");
	logs_view_status(f->v, st, sizeof(st));
	assert_null(strstr(st, "new lines"));
	/* Scrolled up, the top line is kept by sequence number while old lines drop. */
	logs_view_scroll(f->v, -2, 5);
	n = logs_view_render(f->v, 40, 5, f->rows);
	assert_string_equal(f->rows[0].text, "line 25");
	for (int i = 32; i < 40; i++) {
		snprintf(buf, sizeof(buf), "line %d", i);
		line(f, "one", i, buf);
	}
	n = logs_view_render(f->v, 40, 5, f->rows);
	assert_string_equal(f->rows[0].text, "line 25");
	close_view(f);
}

static void test_search_grep_and_save(void **state)
{
	(void)state;
	struct fixture *f = open_view("pod/one");
	const char *texts[] = {"alpha", "needle 1", "beta", "gamma", "needle 2", "delta"};
	for (int i = 0; i < 6; i++)
		line(f, "one", i, texts[i]);
	char err[256];
	assert_int_equal(logs_view_search(f->v, "needle", 3, err, sizeof(err)), 0);
	size_t n = logs_view_render(f->v, 40, 3, f->rows);
	assert_int_equal(n, 3);
	assert_string_equal(f->rows[1].text, "needle 2"); /* newest match, centred */
	assert_non_null(seg_with(&f->rows[1], LOGS_ATTR_SEARCH));
	assert_int_equal(logs_view_search_next(f->v, -1, 3, err, sizeof(err)), 0);
	n = logs_view_render(f->v, 40, 3, f->rows);
	assert_string_equal(f->rows[1].text, "needle 1");
	assert_int_equal(logs_view_search(f->v, "nothing", 3, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no line matches 'nothing'"));
	assert_int_equal(logs_view_grep(f->v, "a$", err, sizeof(err)), 0);
	logs_view_bottom(f->v);
	n = logs_view_render(f->v, 40, 10, f->rows);
	assert_int_equal(n, 4);
	char path[] = "/tmp/test_logs_view.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(logs_view_save(f->v, path, err, sizeof(err)), 4);
	FILE *fp = fopen(path, "r");
	char got[512] = {0};
	size_t len = fread(got, 1, sizeof(got) - 1, fp);
	fclose(fp);
	got[len] = '\0';
	assert_non_null(strstr(got, "Z alpha\n"));
	assert_null(strstr(got, "needle"));
	unlink(path);
	close_view(f);
}

static void test_console_logcheck_verdict(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct logs_view_config cfg = {.server = "http://127.0.0.1:1", .default_ns = "msa"};
	char err[256], st[800];
	struct logs_view *v = logs_view_open_check(NULL, NULL, &m, &cfg,
						   "deployment/api 'Running as the leader.*ClusterManager' --expect 1",
						   NULL, NULL, err, sizeof(err));
	assert_non_null(v);
	assert_non_null(strstr(v->title, "logcheck deployment/msa/api"));
	logmux_inject(v->mux, "msa", "api-1", "", 1, 0, "Not the leader", 14);
	logmux_flush(v->mux, true);
	logs_view_status(v, st, sizeof(st));
	assert_non_null(strstr(st, "FAIL: 0 pods matching (expected 1)"));
	const char *lead = "Running as the leader and starting worker *workers.ClusterManager";
	logmux_inject(v->mux, "msa", "api-2", "", 2, 0, lead, strlen(lead));
	logmux_flush(v->mux, true);
	v->check_ms -= 2000; /* the verdict is recounted at most once a second */
	logs_view_status(v, st, sizeof(st));
	assert_non_null(strstr(st, "PASS: 1 pod matching (expected 1)"));
	/* Only the matching line is shown. */
	struct logs_row rows[4];
	assert_int_equal(logs_view_render(v, 120, 4, rows), 1);
	logs_view_free(v);
	assert_null(logs_view_open_check(NULL, NULL, &m, &cfg, "deployment/api", NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "needs TARGET and REGEX"));
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_rejects_bad_args),
		cmocka_unit_test(test_render_tags_highlights_and_sanitises),
		cmocka_unit_test(test_wrap_and_hscroll),
		cmocka_unit_test(test_follow_pause_and_dropped_status),
		cmocka_unit_test(test_search_grep_and_save),
		cmocka_unit_test(test_console_logcheck_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
