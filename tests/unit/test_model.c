/* Unit tests for core/model: ordering, add/update/delete, snapshots, severity, ages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/model.h"

#include <stdio.h>
#include <string.h>

static void put_pod(struct model *m, const char *ns, const char *name, const char *status, bool healthy)
{
	struct model_pod p = { .ns = (char *)ns, .name = (char *)name, .node = "n1", .ip = "10.0.0.1",
			       .healthy = healthy, .ready = 1, .total = 1 };
	snprintf(p.status, sizeof(p.status), "%s", status);
	model_pod_upsert(m, &p);
}

static void test_pods_sorted_by_namespace_then_name(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	put_pod(&m, "kube-system", "coredns", "Running", true);
	put_pod(&m, "ingest", "mongo-0", "Running", true);
	put_pod(&m, "ingest", "broker", "Running", true);
	put_pod(&m, "alpha", "z", "Running", true);
	assert_int_equal(m.npods, 4);
	const char *want[][2] = { { "alpha", "z" }, { "ingest", "broker" }, { "ingest", "mongo-0" }, { "kube-system", "coredns" } };
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(m.pods[i]->ns, want[i][0]);
		assert_string_equal(m.pods[i]->name, want[i][1]);
	}
	model_free(&m);
}

static void test_update_replaces_and_delete_removes(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	put_pod(&m, "ingest", "broker", "Running", true);
	unsigned long v = m.version;
	put_pod(&m, "ingest", "broker", "CrashLoopBackOff", false);
	assert_int_equal(m.npods, 1);
	assert_true(m.version > v);
	struct model_pod *p = model_pod_find(&m, "ingest", "broker");
	assert_non_null(p);
	assert_string_equal(p->status, "CrashLoopBackOff");
	assert_null(model_pod_find(&m, "ingest", "nope"));
	assert_false(model_pod_delete(&m, "ingest", "nope"));
	assert_true(model_pod_delete(&m, "ingest", "broker"));
	assert_int_equal(m.npods, 0);
	model_free(&m);
}

static void test_snapshot_deletes_vanished(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	put_pod(&m, "a", "1", "Running", true);
	put_pod(&m, "a", "2", "Running", true);
	put_pod(&m, "b", "1", "Running", true);
	model_pods_begin_snapshot(&m);
	put_pod(&m, "a", "2", "Running", true);
	put_pod(&m, "a", "3", "Pending", false);
	model_pods_end_snapshot(&m, "a"); /* only namespace a was listed: b stays */
	assert_int_equal(m.npods, 3);
	assert_null(model_pod_find(&m, "a", "1"));
	assert_non_null(model_pod_find(&m, "a", "3"));
	assert_non_null(model_pod_find(&m, "b", "1"));
	model_pods_begin_snapshot(&m);
	model_pods_end_snapshot(&m, NULL); /* an empty full list empties the model */
	assert_int_equal(m.npods, 0);
	model_free(&m);
}

/* model_node_pod_count() is cached per pods_version: the count must follow pods added,
 * moved and deleted, and nodes created after the last count. */
static void test_node_pod_count_follows_changes(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct model_node n = { .name = "n1" };
	model_node_upsert(&m, &n);
	assert_int_equal(model_node_pod_count(&m, "n1"), 0);
	put_pod(&m, "a", "p1", "Running", true);
	put_pod(&m, "a", "p2", "Running", true);
	assert_int_equal(model_node_pod_count(&m, "n1"), 2);
	n.name = "n2"; /* created after the count: counted on its first question */
	model_node_upsert(&m, &n);
	assert_int_equal(model_node_pod_count(&m, "n2"), 0);
	struct model_pod p = { .ns = "a", .name = "p2", .node = "n2", .ip = "10.0.0.2", .ready = 1, .total = 1 };
	snprintf(p.status, sizeof(p.status), "Running");
	model_pod_upsert(&m, &p); /* moved to n2 */
	assert_int_equal(model_node_pod_count(&m, "n1"), 1);
	assert_int_equal(model_node_pod_count(&m, "n2"), 1);
	assert_true(model_pod_delete(&m, "a", "p1"));
	assert_int_equal(model_node_pod_count(&m, "n1"), 0);
	n.name = "n1"; /* re-created node object: its count is recomputed, not reset to 0 */
	put_pod(&m, "a", "p3", "Running", true);
	model_node_upsert(&m, &n);
	assert_int_equal(model_node_pod_count(&m, "n1"), 1);
	assert_int_equal(model_node_pod_count(&m, "gone"), 0); /* not a node of the model */
	model_free(&m);
}

static void test_nodes(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct model_node n = { .name = "n2", .ready = true };
	snprintf(n.status, sizeof(n.status), "Ready");
	model_node_upsert(&m, &n);
	n.name = "n1";
	model_node_upsert(&m, &n);
	assert_string_equal(m.nodes[0]->name, "n1");
	put_pod(&m, "a", "p", "Running", true); /* on n1 */
	assert_int_equal(model_node_pod_count(&m, "n1"), 1);
	assert_int_equal(model_node_pod_count(&m, "n2"), 0);
	model_nodes_begin_snapshot(&m);
	n.name = "n2";
	model_node_upsert(&m, &n);
	model_nodes_end_snapshot(&m);
	assert_int_equal(m.nnodes, 1);
	assert_null(model_node_find(&m, "n1"));
	assert_true(model_node_delete(&m, "n2"));
	model_free(&m);
}

static void test_severity(void **state)
{
	(void)state;
	struct model_pod p = { .healthy = true };
	snprintf(p.status, sizeof(p.status), "Running");
	assert_int_equal(model_pod_severity(&p), SEV_OK);
	p.healthy = false;
	const char *bad[] = { "CrashLoopBackOff", "Error", "Unknown", "ImagePullBackOff", "Init:CrashLoopBackOff", "Signal:9", "ExitCode:1", "OOMKilled", "Evicted" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(p.status, sizeof(p.status), "%s", bad[i]);
		assert_int_equal(model_pod_severity(&p), SEV_BAD);
	}
	const char *warn[] = { "Pending", "ContainerCreating", "NotReady", "Running", "Init:0/1", "Terminating" };
	for (size_t i = 0; i < sizeof(warn) / sizeof(warn[0]); i++) {
		snprintf(p.status, sizeof(p.status), "%s", warn[i]);
		assert_int_equal(model_pod_severity(&p), SEV_WARN);
	}
	struct model_node n = { .ready = false };
	assert_int_equal(model_node_severity(&n), SEV_BAD);
	n.ready = true;
	snprintf(n.status, sizeof(n.status), "Ready,SchedulingDisabled");
	assert_int_equal(model_node_severity(&n), SEV_WARN);
}

static void test_format_pressure(void **state)
{
	(void)state;
	char out[32];
	model_format_pressure(0, out, sizeof(out));
	assert_string_equal(out, "-");
	model_format_pressure(MODEL_PRESSURE_MEMORY, out, sizeof(out));
	assert_string_equal(out, "Memory");
	model_format_pressure(MODEL_PRESSURE_DISK | MODEL_PRESSURE_PID, out, sizeof(out));
	assert_string_equal(out, "Disk,PID");
	model_format_pressure(MODEL_PRESSURE_MEMORY | MODEL_PRESSURE_PID, out, sizeof(out));
	assert_string_equal(out, "Memory,PID");
	model_format_pressure(MODEL_PRESSURE_MEMORY | MODEL_PRESSURE_DISK | MODEL_PRESSURE_PID, out, sizeof(out));
	assert_string_equal(out, "Memory,Disk,PID");
}

/* kubectl's AGE (apimachinery duration.HumanDuration) at each unit boundary. */
static void test_format_age_kubectl_boundaries(void **state)
{
	(void)state;
	char out[32];
	const struct { long d; const char *want; } cases[] = {
		{ 1, "1s" }, { 599, "9m59s" }, { 540, "9m" }, { 601, "10m" }, { 10799, "179m" },
		{ 3 * 3600 + 59, "3h" }, { 8 * 3600 - 1, "7h59m" }, { 48 * 3600 - 1, "47h" },
		{ 8 * 86400 - 1, "7d23h" }, { 730 * 86400L - 1, "729d" }, { 730 * 86400L, "2y" },
		{ 8 * 365 * 86400L - 1, "7y364d" }, { 8 * 365 * 86400L, "8y" },
	};
	time_t now = 1700000000;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		model_format_age(now - cases[i].d, now, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	model_format_age(now + 1, now, out, sizeof(out)); /* 1 s of clock skew is "now" */
	assert_string_equal(out, "0s");
}

static void test_format_age(void **state)
{
	(void)state;
	char out[32];
	const struct { long d; const char *want; } cases[] = {
		{ 0, "0s" }, { 59, "59s" }, { 119, "119s" }, { 120, "2m" }, { 150, "2m30s" },
		{ 600, "10m" }, { 179 * 60, "179m" }, { 3 * 3600, "3h" }, { 3 * 3600 + 600, "3h10m" },
		{ 8 * 3600, "8h" }, { 47 * 3600, "47h" }, { 48 * 3600, "2d" }, { 50 * 3600, "2d2h" },
		{ 8 * 86400, "8d" }, { 400 * 86400L, "400d" }, { 731 * 86400L, "2y1d" }, { 9 * 365 * 86400L, "9y" },
	};
	time_t now = 1700000000;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		model_format_age(now - cases[i].d, now, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	model_format_age(0, now, out, sizeof(out));
	assert_string_equal(out, "<unknown>");
	model_format_age(now + 100, now, out, sizeof(out));
	assert_string_equal(out, "<invalid>");
}

static void test_workloads_events_namespaces_and_kind_versions(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct model_workload d = { .kind = MODEL_DEPLOYMENT, .ns = "shop", .name = "web", .desired = 3,
				    .ready = 3, .images = "nginx:1.25" };
	struct model_workload s = { .kind = MODEL_STATEFULSET, .ns = "shop", .name = "web", .desired = 1 };
	model_workload_upsert(&m, &d);
	model_workload_upsert(&m, &s);
	assert_int_equal(m.nworkloads, 2); /* same ns/name, different kinds: two objects */
	assert_int_equal(m.workloads_version, 2);
	assert_int_equal(m.pods_version, 0);
	assert_string_equal(model_workload_find(&m, MODEL_DEPLOYMENT, "shop", "web")->images, "nginx:1.25");
	assert_string_equal(model_workload_find(&m, MODEL_STATEFULSET, "shop", "web")->images, "");
	assert_string_equal(model_workload_kind_name(MODEL_STATEFULSET), "StatefulSet");

	/* A deployments re-list that no longer has web removes it, never the statefulset. */
	model_workloads_begin_snapshot(&m, MODEL_DEPLOYMENT);
	model_workloads_end_snapshot(&m, MODEL_DEPLOYMENT, NULL);
	assert_null(model_workload_find(&m, MODEL_DEPLOYMENT, "shop", "web"));
	assert_non_null(model_workload_find(&m, MODEL_STATEFULSET, "shop", "web"));
	assert_false(model_workload_delete(&m, MODEL_DEPLOYMENT, "shop", "web"));
	assert_true(model_workload_delete(&m, MODEL_STATEFULSET, "shop", "web"));
	assert_int_equal(m.nworkloads, 0);

	unsigned long wv = m.workloads_version;
	struct model_event e = { .ns = "shop", .name = "web.1", .obj_kind = "Pod", .obj_name = "web-1",
				 .reason = "BackOff", .message = "back-off", .count = 2 };
	snprintf(e.type, sizeof(e.type), "Warning");
	model_event_upsert(&m, &e);
	e.count = 3;
	model_event_upsert(&m, &e); /* the server bumped count: same key, replaced */
	assert_int_equal(m.nevents, 1);
	assert_int_equal(model_event_find(&m, "shop", "web.1")->count, 3);
	assert_string_equal(model_event_find(&m, "shop", "web.1")->source, "");
	assert_int_equal(m.events_version, 2);
	assert_int_equal(m.workloads_version, wv);
	e.ns = "other";
	e.name = "x.2";
	model_event_upsert(&m, &e);
	/* A namespaced re-list of "shop" that is empty keeps the other namespace's event. */
	model_events_begin_snapshot(&m);
	model_events_end_snapshot(&m, "shop");
	assert_null(model_event_find(&m, "shop", "web.1"));
	assert_non_null(model_event_find(&m, "other", "x.2"));
	assert_false(model_event_delete(&m, "shop", "web.1"));

	struct model_namespace n = { .name = "shop" };
	snprintf(n.phase, sizeof(n.phase), "Active");
	model_namespace_upsert(&m, &n);
	n.name = "alpha";
	model_namespace_upsert(&m, &n);
	assert_string_equal(m.namespaces[0]->name, "alpha");
	assert_int_equal(m.namespaces_version, 2);
	model_namespaces_begin_snapshot(&m);
	n.name = "shop";
	model_namespace_upsert(&m, &n);
	model_namespaces_end_snapshot(&m);
	assert_int_equal(m.nnamespaces, 1);
	assert_non_null(model_namespace_find(&m, "shop"));
	assert_true(model_namespace_delete(&m, "shop"));
	assert_int_equal(m.nnamespaces, 0);
	model_free(&m);
}

static void test_apply_order_sequences(void **state)
{
	(void)state;
	/* What a watch does to the model, in order: add, update, delete, delete unknown,
	 * update unknown (inserts), re-list snapshot (removes ghosts). */
	struct model m;
	model_init(&m);
	put_pod(&m, "a", "p1", "Pending", false);
	put_pod(&m, "a", "p1", "Running", true);
	put_pod(&m, "a", "p2", "Running", true);
	assert_true(model_pod_delete(&m, "a", "p1"));
	assert_false(model_pod_delete(&m, "a", "p1"));
	put_pod(&m, "a", "p3", "Running", true);
	assert_int_equal(m.npods, 2);
	unsigned long pv = m.pods_version, nv = m.nodes_version;
	model_pods_begin_snapshot(&m);
	put_pod(&m, "a", "p3", "Running", true);
	put_pod(&m, "a", "p4", "Running", true);
	model_pods_end_snapshot(&m, NULL);
	assert_null(model_pod_find(&m, "a", "p2"));
	assert_non_null(model_pod_find(&m, "a", "p3"));
	assert_non_null(model_pod_find(&m, "a", "p4"));
	assert_int_equal(m.npods, 2);
	assert_true(m.pods_version > pv);
	assert_int_equal(m.nodes_version, nv);
	model_free(&m);
}

/* model_age_changes_at: the text is the same up to the second before the time it returns
 * and different at that time (ages only grow, so no text comes back), over every second
 * of the first nine days and every hour of the next twelve years. */
static void check_age_change(time_t created, time_t now)
{
	char at[32], before[32], next[32];
	time_t t = model_age_changes_at(created, now);
	assert_true(t > now);
	model_format_age(created, now, at, sizeof(at));
	model_format_age(created, t - 1, before, sizeof(before));
	model_format_age(created, t, next, sizeof(next));
	if (strcmp(at, before) != 0 || strcmp(at, next) == 0)
		fail_msg("age of %lld s: '%s' until %lld s ('%s'), then '%s'", (long long)(now - created), at,
			 (long long)(t - 1 - created), before, next);
}

static void test_age_changes_at(void **state)
{
	(void)state;
	const time_t created = 1700000000;
	for (time_t d = -5; d < 9 * 86400; d++)
		check_age_change(created, created + d);
	for (time_t d = 9 * 86400; d < 12 * 365 * 86400LL; d += 3599)
		check_age_change(created, created + d);
	assert_int_equal(model_age_changes_at(0, 5000), 0); /* "<unknown>" never changes */
}

/* Stamps: one counter for all kinds, a new stamp on every upsert; a node gets a new one
 * when its pod count moves (its PODS cell), not when other nodes' counts do. */
static void test_stamps(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct model_node n = { .name = "n1" };
	model_node_upsert(&m, &n);
	n.name = "n2";
	model_node_upsert(&m, &n);
	put_pod(&m, "a", "p1", "Running", true);
	unsigned long s1 = model_pod_find(&m, "a", "p1")->stamp;
	assert_true(s1 > model_node_find(&m, "n2")->stamp);
	put_pod(&m, "a", "p1", "Running", true); /* the same content is still a new version */
	unsigned long s2 = model_pod_find(&m, "a", "p1")->stamp;
	assert_true(s2 > s1);
	struct model_workload w = { .kind = MODEL_DEPLOYMENT, .ns = "a", .name = "w" };
	model_workload_upsert(&m, &w);
	assert_true(model_workload_find(&m, MODEL_DEPLOYMENT, "a", "w")->stamp > s2);
	assert_int_equal(model_node_pod_count(&m, "n1"), 1); /* counted: now kept by changes */
	unsigned long n1 = model_node_find(&m, "n1")->stamp, n2 = model_node_find(&m, "n2")->stamp;
	put_pod(&m, "a", "p2", "Running", true); /* one more pod on n1 */
	assert_true(model_node_find(&m, "n1")->stamp > n1);
	assert_int_equal(model_node_find(&m, "n2")->stamp, n2);
	assert_int_equal(model_node_pod_count(&m, "n1"), 2);
	n1 = model_node_find(&m, "n1")->stamp;
	put_pod(&m, "a", "p2", "Error", false); /* same node: the count stays, so does the stamp */
	assert_int_equal(model_node_find(&m, "n1")->stamp, n1);
	model_pods_begin_snapshot(&m);
	put_pod(&m, "a", "p1", "Running", true);
	model_pods_end_snapshot(&m, NULL); /* p2 vanished in a re-list */
	assert_true(model_node_find(&m, "n1")->stamp > n1);
	assert_int_equal(model_node_pod_count(&m, "n1"), 1);
	n.name = "n1"; /* a new version of the node keeps its count */
	model_node_upsert(&m, &n);
	assert_int_equal(model_node_pod_count(&m, "n1"), 1);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workloads_events_namespaces_and_kind_versions),
		cmocka_unit_test(test_apply_order_sequences),
		cmocka_unit_test(test_pods_sorted_by_namespace_then_name),
		cmocka_unit_test(test_node_pod_count_follows_changes),
		cmocka_unit_test(test_update_replaces_and_delete_removes),
		cmocka_unit_test(test_snapshot_deletes_vanished),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_format_age),
		cmocka_unit_test(test_format_pressure),
		cmocka_unit_test(test_format_age_kubectl_boundaries),
		cmocka_unit_test(test_age_changes_at),
		cmocka_unit_test(test_stamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
