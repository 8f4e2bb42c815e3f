/* Unit tests for kube/watch: line framing across arbitrary chunk boundaries, oversized
 * lines, and applying watch events to the model (add/update/delete/bookmark/error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lines {
	char text[8192];     /* lines received, each followed by '|' */
	int n;
	int stop_after;      /* 0: never ask to stop */
};

static bool collect(void *ud, const char *line, size_t len)
{
	struct lines *l = ud;
	size_t have = strlen(l->text);
	assert_true(have + len + 2 < sizeof(l->text));
	memcpy(l->text + have, line, len);
	l->text[have + len] = '|';
	l->text[have + len + 1] = '\0';
	l->n++;
	return !(l->stop_after && l->n >= l->stop_after);
}

static const char stream[] =
	"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"x\",\"resourceVersion\":\"11\"}}}\n"
	"{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"x\",\"resourceVersion\":\"12\"},\"status\":{\"podIP\":\"10.1.1.1\"}}}\r\n"
	"\n"
	"{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"20\"}}}\n";

static void test_split_at_every_byte_boundary(void **state)
{
	(void)state;
	size_t n = strlen(stream);
	struct lines whole = { .text = "" };
	struct watch_framer f;
	watch_framer_init(&f, 0);
	assert_int_equal(watch_framer_feed(&f, stream, n, collect, &whole), 0);
	assert_int_equal(whole.n, 4); /* the blank line is handed out too */
	assert_int_equal(watch_framer_pending(&f), 0);
	assert_null(strchr(whole.text, '\r'));
	for (size_t a = 0; a <= n; a++) {
		for (size_t b = a; b <= n; b += 7) {
			/* Three chunks: [0,a) [a,b) [b,n). */
			struct lines got = { .text = "" };
			watch_framer_reset(&f);
			assert_int_equal(watch_framer_feed(&f, stream, a, collect, &got), 0);
			assert_int_equal(watch_framer_feed(&f, stream + a, b - a, collect, &got), 0);
			assert_int_equal(watch_framer_feed(&f, stream + b, n - b, collect, &got), 0);
			assert_string_equal(got.text, whole.text);
			assert_int_equal(watch_framer_pending(&f), 0);
		}
	}
	watch_framer_free(&f);
}

static void test_one_byte_chunks_and_unfinished_tail(void **state)
{
	(void)state;
	struct watch_framer f;
	watch_framer_init(&f, 0);
	struct lines got = { .text = "" };
	const char *s = "ab\ncd\nef";
	for (size_t i = 0; s[i]; i++)
		assert_int_equal(watch_framer_feed(&f, s + i, 1, collect, &got), 0);
	assert_string_equal(got.text, "ab|cd|");
	assert_int_equal(watch_framer_pending(&f), 2); /* "ef" waits for its newline */
	watch_framer_reset(&f);
	assert_int_equal(watch_framer_pending(&f), 0);
	watch_framer_free(&f);
}

static void test_oversized_line_is_an_error(void **state)
{
	(void)state;
	struct watch_framer f;
	watch_framer_init(&f, 16);
	struct lines got = { .text = "" };
	assert_int_equal(watch_framer_feed(&f, "0123456789\n", 11, collect, &got), 0);
	/* 10 + 10 bytes of one line across two chunks: over 16 before any newline. */
	assert_int_equal(watch_framer_feed(&f, "0123456789", 10, collect, &got), 0);
	assert_int_equal(watch_framer_feed(&f, "0123456789\n", 11, collect, &got), -1);
	assert_string_equal(got.text, "0123456789|");
	/* Exactly max_line is still fine. */
	watch_framer_reset(&f);
	assert_int_equal(watch_framer_feed(&f, "0123456789abcdef\n", 17, collect, &got), 0);
	watch_framer_free(&f);
}

static void test_receiver_can_stop(void **state)
{
	(void)state;
	struct watch_framer f;
	watch_framer_init(&f, 0);
	struct lines got = { .text = "", .stop_after = 2 };
	assert_int_equal(watch_framer_feed(&f, "a\nb\nc\n", 6, collect, &got), 1);
	assert_string_equal(got.text, "a|b|");
	watch_framer_free(&f);
}

static int apply(struct model *m, enum kube_resource r, const char *line, struct watch_event *ev,
		 char *err)
{
	return watch_apply_line(r, line, strlen(line), m, ev, err, 300);
}

static void test_event_sequence_on_the_model(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct watch_event ev;
	char err[300];
	/* MODIFIED for an unknown pod inserts it (we may have missed its ADDED). */
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
				"{\"name\":\"web-1\",\"namespace\":\"shop\",\"resourceVersion\":\"5\"},"
				"\"spec\":{\"nodeName\":\"n1\"}}}", &ev, err), 0);
	assert_int_equal(ev.type, WATCH_MODIFIED);
	assert_string_equal(ev.rv, "5");
	assert_non_null(model_pod_find(&m, "shop", "web-1"));
	unsigned long pv = m.pods_version;
	/* DELETED of an unknown pod is harmless. */
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"DELETED\",\"object\":{\"metadata\":"
				"{\"name\":\"ghost\",\"namespace\":\"shop\",\"resourceVersion\":\"6\"}}}", &ev, err), 0);
	assert_int_equal(ev.type, WATCH_DELETED);
	assert_int_equal(m.npods, 1);
	assert_int_equal(m.pods_version, pv);
	/* BOOKMARK moves only the resourceVersion. */
	unsigned long v = m.version;
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
				"{\"resourceVersion\":\"99\"}}}", &ev, err), 0);
	assert_int_equal(ev.type, WATCH_BOOKMARK);
	assert_string_equal(ev.rv, "99");
	assert_int_equal(m.version, v);
	/* DELETED of the known one removes it. */
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
				"{\"name\":\"web-1\",\"namespace\":\"shop\",\"resourceVersion\":\"100\"}}}", &ev, err), 0);
	assert_int_equal(m.npods, 0);
	/* Nodes, deployments, events go to their own tables. */
	assert_int_equal(apply(&m, KUBE_NODES, "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Node\",\"metadata\":"
				"{\"name\":\"n1\",\"resourceVersion\":\"101\"}}}", &ev, err), 0);
	assert_non_null(model_node_find(&m, "n1"));
	assert_int_equal(apply(&m, KUBE_DEPLOYMENTS, "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Deployment\","
				"\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"resourceVersion\":\"102\"},"
				"\"spec\":{\"replicas\":3},\"status\":{\"readyReplicas\":2}}}", &ev, err), 0);
	struct model_workload *w = model_workload_find(&m, MODEL_DEPLOYMENT, "shop", "web");
	assert_non_null(w);
	assert_int_equal(w->desired, 3);
	assert_int_equal(w->ready, 2);
	assert_null(model_workload_find(&m, MODEL_STATEFULSET, "shop", "web"));
	model_free(&m);
}

static void test_error_and_bad_lines(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct watch_event ev;
	char err[300];
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
				"\"reason\":\"Expired\",\"message\":\"too old resource version: 5 (90)\"}}", &ev, err), 0);
	assert_int_equal(ev.type, WATCH_ERROR);
	assert_int_equal(ev.code, 410);
	assert_string_equal(ev.reason, "Expired");
	assert_string_equal(ev.message, "too old resource version: 5 (90)");
	/* A blank line is nothing. */
	assert_int_equal(apply(&m, KUBE_PODS, "  ", &ev, err), 0);
	assert_int_equal(ev.type, WATCH_NONE);
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"ADDED\",\"object\":{\"metad", &ev, err), -1);
	assert_non_null(strstr(err, "not JSON"));
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"EXPLODED\",\"object\":{}}", &ev, err), -1);
	assert_non_null(strstr(err, "unknown watch event type 'EXPLODED'"));
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"ADDED\"}", &ev, err), -1);
	assert_non_null(strstr(err, "without an object"));
	assert_int_equal(apply(&m, KUBE_PODS, "[1,2]", &ev, err), -1);
	/* A node in the pods stream is refused, not filed as a pod. */
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Node\",\"metadata\":"
				"{\"name\":\"n1\"}}}", &ev, err), -1);
	assert_non_null(strstr(err, "Node in a pods stream"));
	assert_int_equal(m.npods, 0);
	assert_int_equal(m.nnodes, 0);
	/* An object without a name is skipped, not an error. */
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"ADDED\",\"object\":{\"metadata\":{}}}", &ev, err), 0);
	assert_true(ev.skipped);
	assert_int_equal(apply(&m, KUBE_PODS, "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{}}}", &ev, err), -1);
	model_free(&m);
}

/* An event bigger than the stack arena spills to the heap and still decodes whole; every
 * outcome hands jansson its own allocator back. */
static void test_big_event_and_allocator_restored(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct watch_event ev;
	char err[300];
	json_malloc_t m0;
	json_free_t f0;
	json_get_alloc_funcs(&m0, &f0);
	/* 3,000 labels: a tree of several hundred KiB. */
	size_t cap = 256 * 1024, len = 0;
	char *line = malloc(cap);
	assert_non_null(line);
	len += (size_t)snprintf(line + len, cap - len,
				"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
				"{\"name\":\"big\",\"namespace\":\"x\",\"resourceVersion\":\"7\",\"labels\":{");
	for (int i = 0; i < 3000; i++)
		len += (size_t)snprintf(line + len, cap - len, "%s\"label-%04d\":\"value-%04d\"",
					i ? "," : "", i, i);
	len += (size_t)snprintf(line + len, cap - len, "}},\"spec\":{\"nodeName\":\"n9\"}}}");
	assert_true(len < cap - 1);
	assert_int_equal(watch_apply_line(KUBE_PODS, line, len, &m, &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, WATCH_ADDED);
	assert_string_equal(ev.rv, "7");
	const struct model_pod *p = model_pod_find(&m, "x", "big");
	assert_non_null(p);
	assert_string_equal(p->node, "n9");
	json_malloc_t m1;
	json_free_t f1;
	json_get_alloc_funcs(&m1, &f1);
	assert_ptr_equal(m1, m0);
	assert_ptr_equal(f1, f0);
	/* Cut short: an error, the allocator restored all the same. */
	assert_int_equal(watch_apply_line(KUBE_PODS, line, len / 2, &m, &ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not JSON"));
	json_get_alloc_funcs(&m1, &f1);
	assert_ptr_equal(m1, m0);
	assert_ptr_equal(f1, f0);
	free(line);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_at_every_byte_boundary),
		cmocka_unit_test(test_one_byte_chunks_and_unfinished_tail),
		cmocka_unit_test(test_oversized_line_is_an_error),
		cmocka_unit_test(test_receiver_can_stop),
		cmocka_unit_test(test_event_sequence_on_the_model),
		cmocka_unit_test(test_error_and_bad_lines),
		cmocka_unit_test(test_big_event_and_allocator_restored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
