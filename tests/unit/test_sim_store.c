/* tests/unit/test_sim_store: the simulator's object store (sim/store.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sim/store.h"

static json_t *pod(const char *ns, const char *name, int replicas)
{
	return json_pack("{s:{s:s, s:s, s:{s:s}}, s:{s:i}}", "metadata", "namespace", ns, "name",
			 name, "labels", "app", name, "spec", "replicas", replicas);
}

/* Pods "ns"/fmt(0..n-1), one replica each. */
static void put_numbered(struct sim_store *s, const char *fmt, int n)
{
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), fmt, i);
		store_put(s, SIM_PODS, pod("ns", name, 1));
	}
}

static const char *md_str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(json_object_get(o, "metadata"), k));
}

static json_int_t md_int(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(o, "metadata"), k));
}

static void test_put_get_rv_uid(void **state)
{
	(void)state;
	struct sim_store *s = store_new(100);
	store_lock(s);
	assert_int_equal(store_rv(s), 0);
	json_t *a = store_put(s, SIM_PODS, pod("ns1", "a", 1));
	assert_int_equal(store_rv(s), 1);
	assert_string_equal(md_str(a, "resourceVersion"), "1");
	assert_int_equal(md_int(a, "generation"), 1);
	const char *uid = md_str(a, "uid");
	assert_non_null(uid);
	assert_int_equal(strlen(uid), 36);
	assert_int_equal(uid[14], '4');
	assert_non_null(md_str(a, "creationTimestamp"));
	assert_string_equal(json_string_value(json_object_get(a, "kind")), "Pod");
	assert_string_equal(json_string_value(json_object_get(a, "apiVersion")), "v1");
	char *uid_copy = strdup(uid), *ts_copy = strdup(md_str(a, "creationTimestamp"));

	assert_ptr_equal(store_get(s, SIM_PODS, "ns1", "a"), a);
	assert_null(store_get(s, SIM_PODS, "ns2", "a"));
	assert_null(store_get(s, SIM_PODS, "ns1", "b"));
	assert_null(store_get(s, SIM_DEPLOYMENTS, "ns1", "a"));

	/* same spec: generation kept; uid and creationTimestamp survive a replace */
	json_t *b = pod("ns1", "a", 1);
	json_object_set_new(json_object_get(b, "metadata"), "uid", json_string("forged"));
	json_object_set_new(json_object_get(b, "metadata"), "creationTimestamp",
			    json_string("1999-01-01T00:00:00Z"));
	b = store_put(s, SIM_PODS, b);
	assert_string_equal(md_str(b, "uid"), uid_copy);
	assert_string_equal(md_str(b, "creationTimestamp"), ts_copy);
	assert_string_equal(md_str(b, "resourceVersion"), "2");
	assert_int_equal(md_int(b, "generation"), 1);

	/* spec change: generation bumps */
	json_t *c = store_put(s, SIM_PODS, pod("ns1", "a", 3));
	assert_int_equal(md_int(c, "generation"), 2);
	assert_string_equal(md_str(c, "resourceVersion"), "3");

	/* a second object gets a different uid */
	json_t *d = store_put(s, SIM_PODS, pod("ns1", "d", 1));
	assert_string_not_equal(md_str(d, "uid"), uid_copy);

	/* cluster-scoped: namespace is dropped and ignored on lookups */
	json_t *n = store_put(s, SIM_NODES, pod("junk", "node1", 0));
	assert_null(json_object_get(json_object_get(n, "metadata"), "namespace"));
	assert_ptr_equal(store_get(s, SIM_NODES, "whatever", "node1"), n);
	assert_ptr_equal(store_get(s, SIM_NODES, NULL, "node1"), n);
	store_unlock(s);
	free(uid_copy);
	free(ts_copy);
	store_free(s);
}

static void test_delete_events(void **state)
{
	(void)state;
	struct sim_store *s = store_new(100);
	store_lock(s);
	store_put(s, SIM_PODS, pod("ns1", "a", 1));
	store_put(s, SIM_PODS, pod("ns1", "a", 2));
	store_put(s, SIM_DEPLOYMENTS, pod("ns1", "dep", 1));
	store_put(s, SIM_PODS, pod("ns2", "b", 1));
	assert_int_equal(store_delete(s, SIM_PODS, "ns1", "a"), 0);
	assert_int_equal(store_delete(s, SIM_PODS, "ns1", "a"), -1);
	assert_int_equal(store_rv(s), 5);
	assert_null(store_get(s, SIM_PODS, "ns1", "a"));

	struct sim_watch_event ev[10];
	int n = store_events_since(s, SIM_PODS, NULL, 0, ev, 10);
	assert_int_equal(n, 4);
	assert_int_equal(ev[0].type, SIM_ADDED);
	assert_int_equal(ev[0].rv, 1);
	assert_int_equal(ev[1].type, SIM_MODIFIED);
	assert_int_equal(ev[2].type, SIM_ADDED);
	assert_string_equal(sim_obj_name(ev[2].obj), "b");
	assert_int_equal(ev[3].type, SIM_DELETED);
	assert_int_equal(ev[3].rv, 5);
	/* the DELETED event carries the last state with the deletion's rv */
	assert_string_equal(md_str(ev[3].obj, "resourceVersion"), "5");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ev[3].obj, "spec"),
							    "replicas")),
			 2);
	for (int i = 0; i < n; i++)
		json_decref(ev[i].obj);

	/* namespace filter, since filter, max */
	n = store_events_since(s, SIM_PODS, "ns1", 1, ev, 10);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].rv, 2);
	assert_int_equal(ev[1].rv, 5);
	json_decref(ev[0].obj);
	json_decref(ev[1].obj);
	n = store_events_since(s, SIM_PODS, NULL, 0, ev, 1);
	assert_int_equal(n, 1);
	json_decref(ev[0].obj);
	assert_int_equal(store_events_since(s, SIM_PODS, NULL, 5, ev, 10), 0);
	n = store_events_since(s, SIM_DEPLOYMENTS, NULL, 0, ev, 10);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].res, SIM_DEPLOYMENTS);
	json_decref(ev[0].obj);
	store_unlock(s);
	store_free(s);
}

static void test_history_window(void **state)
{
	(void)state;
	struct sim_store *s = store_new(4);
	store_lock(s);
	put_numbered(s, "p%d", 10);
	/* events 7..10 kept: since 6 is still complete, since 5 is not */
	struct sim_watch_event ev[10];
	int n = store_events_since(s, SIM_PODS, NULL, 6, ev, 10);
	assert_int_equal(n, 4);
	for (int i = 0; i < n; i++)
		json_decref(ev[i].obj);
	assert_int_equal(store_events_since(s, SIM_PODS, NULL, 5, ev, 10), -1);
	assert_int_equal(store_events_since(s, SIM_PODS, NULL, 0, ev, 10), -1);

	uint64_t cg = store_compact_gen(s), dg = store_drop_gen(s);
	store_compact(s);
	assert_int_equal(store_compact_gen(s), cg + 1);
	assert_int_equal(store_events_since(s, SIM_PODS, NULL, 9, ev, 10), -1);
	assert_int_equal(store_events_since(s, SIM_PODS, NULL, 10, ev, 10), 0);
	store_put(s, SIM_PODS, pod("ns", "new", 1));
	n = store_events_since(s, SIM_PODS, NULL, 10, ev, 10);
	assert_int_equal(n, 1);
	json_decref(ev[0].obj);
	store_drop_watches(s);
	assert_int_equal(store_drop_gen(s), dg + 1);
	store_unlock(s);
	store_free(s);
}

static void test_list_order_count(void **state)
{
	(void)state;
	struct sim_store *s = store_new(100);
	store_lock(s);
	/* "a-b" sorts before "a/" in a plain key compare but after "a" as a namespace */
	const char *keys[][2] = {{"b", "z"}, {"a-b", "x"}, {"a", "y"}, {"a", "b"}, {"b", "a"}};
	for (size_t i = 0; i < 5; i++)
		store_put(s, SIM_PODS, pod(keys[i][0], keys[i][1], 1));
	json_t **objs;
	size_t n = store_list(s, SIM_PODS, NULL, &objs);
	assert_int_equal(n, 5);
	const char *want[][2] = {{"a", "b"}, {"a", "y"}, {"a-b", "x"}, {"b", "a"}, {"b", "z"}};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(sim_obj_namespace(objs[i]), want[i][0]);
		assert_string_equal(sim_obj_name(objs[i]), want[i][1]);
	}
	free(objs);
	n = store_list(s, SIM_PODS, "a", &objs);
	assert_int_equal(n, 2);
	assert_string_equal(sim_obj_name(objs[1]), "y");
	free(objs);
	n = store_list(s, SIM_PODS, "nope", &objs);
	assert_int_equal(n, 0);
	free(objs);
	assert_int_equal(store_count(s, SIM_PODS, NULL), 5);
	assert_int_equal(store_count(s, SIM_PODS, "b"), 2);
	assert_int_equal(store_count(s, SIM_PODS, "a-b"), 1);
	assert_int_equal(store_count(s, SIM_NODES, NULL), 0);

	/* a replace shows the new object in the listing; a delete removes it */
	json_t *nb = store_put(s, SIM_PODS, pod("b", "a", 7));
	n = store_list(s, SIM_PODS, "b", &objs);
	assert_ptr_equal(objs[0], nb);
	free(objs);
	store_delete(s, SIM_PODS, "a", "b");
	n = store_list(s, SIM_PODS, NULL, &objs);
	assert_int_equal(n, 4);
	assert_string_equal(sim_obj_name(objs[0]), "y");
	free(objs);
	store_unlock(s);
	store_free(s);
}

static void test_many_objects(void **state)
{
	(void)state;
	struct sim_store *s = store_new(30000);
	store_lock(s);
	clock_t t0 = clock();
	for (int i = 0; i < 10000; i++) {
		char ns[16], name[32];
		snprintf(ns, sizeof(ns), "ns%d", i % 50);
		snprintf(name, sizeof(name), "pod-%05d", i);
		store_put(s, SIM_PODS, pod(ns, name, 1));
		if (i % 1000 == 0) { /* listings interleaved with loading stay cheap */
			json_t **objs;
			free((store_list(s, SIM_PODS, NULL, &objs), objs));
		}
	}
	json_t **objs;
	size_t n = store_list(s, SIM_PODS, NULL, &objs);
	assert_int_equal(n, 10000);
	for (size_t i = 1; i < n; i++) {
		int c = strcmp(sim_obj_namespace(objs[i - 1]), sim_obj_namespace(objs[i]));
		assert_true(c < 0 || (c == 0 && strcmp(sim_obj_name(objs[i - 1]),
						       sim_obj_name(objs[i])) < 0));
	}
	free(objs);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(secs < 2.0);
	store_unlock(s);
	store_free(s);
}

static void test_wait_deadline_and_helpers(void **state)
{
	(void)state;
	struct sim_store *s = store_new(10);
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 50 * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	store_lock(s);
	store_wait(s, store_rv(s), &dl); /* nothing happens: returns at the deadline */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	assert_true(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
	/* an rv already past returns at once */
	store_put(s, SIM_PODS, pod("a", "b", 1));
	dl.tv_sec += 3600;
	store_wait(s, 0, &dl);
	store_unlock(s);

	char buf[32];
	sim_format_time(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	json_t *empty = json_object();
	assert_string_equal(sim_obj_name(empty), "");
	json_decref(empty);
	json_t *o = pod("x", "y", 1);
	assert_string_equal(sim_obj_namespace(o), "x");
	json_decref(o);
	store_free(s);
}

/* Every stored object's cached text is what dumping it now gives. */
static void assert_texts_current(struct sim_store *s)
{
	json_t **objs;
	size_t n = store_list(s, SIM_PODS, NULL, &objs);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *text = store_json(s, objs[i], &len);
		char *want = json_dumps(objs[i], JSON_COMPACT);
		assert_string_equal(text, want);
		assert_int_equal(len, strlen(want));
		free(want);
	}
	free(objs);
}

static void test_json_cache(void **state)
{
	(void)state;
	struct sim_store *s = store_new(100);
	store_lock(s);
	put_numbered(s, "p%04d", 3000); /* grows the text table several times */
	assert_texts_current(s);
	json_t *a = store_get(s, SIM_PODS, "ns", "p0007");
	size_t len;
	const char *t1 = store_json(s, a, &len);
	assert_ptr_equal(store_json(s, a, &len), t1); /* made once */
	assert_non_null(strstr(t1, "\"replicas\":1"));

	/* Replacements and deletions (which shift colliding entries) keep every text true. */
	for (int i = 0; i < 3000; i += 3) {
		char name[32];
		snprintf(name, sizeof(name), "p%04d", i);
		if (i % 2)
			store_delete(s, SIM_PODS, "ns", name);
		else
			store_put(s, SIM_PODS, pod("ns", name, 5));
	}
	assert_int_equal(store_count(s, SIM_PODS, NULL), 2500);
	assert_texts_current(s);
	a = store_get(s, SIM_PODS, "ns", "p0006");
	assert_non_null(strstr(store_json(s, a, &len), "\"replicas\":5"));
	assert_null(store_get(s, SIM_PODS, "ns", "p0003"));
	/* Objects stored again after a deletion get fresh text. */
	store_put(s, SIM_PODS, pod("ns", "p0003", 9));
	assert_texts_current(s);
	store_unlock(s);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_rv_uid),
		cmocka_unit_test(test_delete_events),
		cmocka_unit_test(test_history_window),
		cmocka_unit_test(test_list_order_count),
		cmocka_unit_test(test_many_objects),
		cmocka_unit_test(test_wait_deadline_and_helpers),
		cmocka_unit_test(test_json_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
