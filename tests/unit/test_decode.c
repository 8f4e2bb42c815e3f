/* Unit tests for kube/decode against the JSON fixtures in tests/fixtures, plus hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "kube/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_pod_list(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("podlist_ingest.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[256];
	model_init(&m);
	assert_int_equal(decode_pod_list(buf, len, &m, &meta, err, sizeof(err)), 0);
	assert_int_equal(meta.items, 6);
	assert_int_equal(meta.skipped, 0);
	assert_string_equal(meta.resource_version, "1234");
	assert_string_equal(meta.cont, "");
	struct model_pod *p = model_pod_find(&m, "ingest", "ingest-core-5c6d7f8b9-abcde");
	assert_non_null(p);
	assert_string_equal(p->status, "CrashLoopBackOff");
	assert_int_equal(p->ready, 0);
	assert_int_equal(p->total, 1);
	assert_int_equal(p->restarts, 7);
	assert_false(p->healthy);
	assert_string_equal(p->node, "ip-172-20-111-12.ec2.internal");
	assert_string_equal(p->ip, "100.96.2.11");
	assert_int_equal(p->created, 1714557600); /* 2024-05-01T10:00:00Z */
	p = model_pod_find(&m, "ingest", "ingest-broker-7d9f8b6c5-x2v9k");
	assert_string_equal(p->status, "Running");
	assert_true(p->healthy);
	p = model_pod_find(&m, "managed-services", "managed-services-api-6b7c8d9f-bbbbb");
	assert_string_equal(p->status, "Pending");
	assert_string_equal(p->node, "");
	model_free(&m);
	free(buf);
}

static void test_pod_list_pages_and_continue(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("podlist_page1.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[256];
	model_init(&m);
	assert_int_equal(decode_pod_list(buf, len, &m, &meta, err, sizeof(err)), 0);
	assert_string_equal(meta.cont, "tok/en+1==");
	assert_int_equal(meta.items, 3);
	free(buf);
	model_free(&m);
}

static void test_node_list(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("nodelist.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[256];
	model_init(&m);
	assert_int_equal(decode_node_list(buf, len, &m, &meta, err, sizeof(err)), 0);
	assert_int_equal(m.nnodes, 3);
	struct model_node *n = model_node_find(&m, "ip-172-20-110-97.ec2.internal");
	assert_string_equal(n->status, "Ready");
	assert_string_equal(n->roles, "control-plane,worker");
	assert_string_equal(n->version, "v1.29.3");
	assert_true(n->ready);
	n = model_node_find(&m, "ip-172-20-111-12.ec2.internal");
	assert_string_equal(n->status, "NotReady");
	assert_string_equal(n->roles, "<none>");
	assert_false(n->ready);
	n = model_node_find(&m, "ip-172-20-112-5.ec2.internal");
	assert_string_equal(n->status, "Ready,SchedulingDisabled");
	/* kubectl: Ready=Unknown prints NotReady; no Ready condition at all prints Unknown */
	const char *odd = "{\"kind\":\"NodeList\",\"items\":["
			  "{\"metadata\":{\"name\":\"lost\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}},"
			  "{\"metadata\":{\"name\":\"new\",\"labels\":{\"kubernetes.io/role\":\"master\"}},\"spec\":{\"unschedulable\":true}}]}";
	assert_int_equal(decode_node_list(odd, strlen(odd), &m, &meta, err, sizeof(err)), 0);
	assert_string_equal(model_node_find(&m, "lost")->status, "NotReady");
	assert_false(model_node_find(&m, "lost")->ready);
	assert_string_equal(model_node_find(&m, "new")->status, "Unknown,SchedulingDisabled");
	assert_string_equal(model_node_find(&m, "new")->roles, "master");
	/* pressure conditions: only those with status True count */
	assert_int_equal(model_node_find(&m, "ip-172-20-110-97.ec2.internal")->pressure, 0);
	const char *hot = "{\"kind\":\"NodeList\",\"items\":[{\"metadata\":{\"name\":\"hot\"},\"status\":{\"conditions\":["
			  "{\"type\":\"MemoryPressure\",\"status\":\"True\"},{\"type\":\"DiskPressure\",\"status\":\"Unknown\"},"
			  "{\"type\":\"PIDPressure\",\"status\":\"True\"},{\"type\":\"Ready\",\"status\":\"True\"}]}}]}";
	assert_int_equal(decode_node_list(hot, strlen(hot), &m, &meta, err, sizeof(err)), 0);
	assert_int_equal(model_node_find(&m, "hot")->pressure, MODEL_PRESSURE_MEMORY | MODEL_PRESSURE_PID);
	assert_string_equal(model_node_find(&m, "hot")->status, "Ready");
	assert_int_equal(model_node_severity(model_node_find(&m, "hot")), SEV_WARN);
	model_free(&m);
	free(buf);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct model m;
	struct decode_meta meta;
	char err[512];
	model_init(&m);
	assert_int_equal(decode_pod_list("", 0, &m, &meta, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not JSON"));
	assert_int_equal(decode_pod_list("{\"kind\":", 8, &m, &meta, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not JSON at line 1"));
	assert_int_equal(decode_pod_list("[1,2]", 5, &m, &meta, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected a PodList object"));
	const char *wrong = "{\"kind\":\"NodeList\",\"items\":[]}";
	assert_int_equal(decode_pod_list(wrong, strlen(wrong), &m, &meta, err, sizeof(err)), -1);
	assert_string_equal(err, "expected PodList, got kind 'NodeList'");
	const char *items = "{\"kind\":\"PodList\",\"items\":{}}";
	assert_int_equal(decode_pod_list(items, strlen(items), &m, &meta, err, sizeof(err)), -1);
	/* Items of the wrong shape are skipped, not fatal. */
	const char *odd = "{\"kind\":\"PodList\",\"items\":[1,{},{\"metadata\":{\"name\":7}},"
			  "{\"metadata\":{\"name\":\"ok\",\"namespace\":\"x\",\"creationTimestamp\":\"garbage\"},\"status\":[]}]}";
	assert_int_equal(decode_pod_list(odd, strlen(odd), &m, &meta, err, sizeof(err)), 0);
	assert_int_equal(meta.items, 1);
	assert_int_equal(meta.skipped, 3);
	assert_int_equal(model_pod_find(&m, "x", "ok")->created, 0);
	model_free(&m);
}

static void test_status_object(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("status_forbidden.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[512], msg[256];
	model_init(&m);
	assert_int_equal(decode_pod_list(buf, len, &m, &meta, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "got Status: pods is forbidden"));
	decode_status_message(buf, len, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot list resource \"pods\""));
	decode_status_message("<html>", 6, msg, sizeof(msg));
	assert_string_equal(msg, "non-JSON body (6 bytes)");
	decode_status_message("", 0, msg, sizeof(msg));
	assert_string_equal(msg, "empty body");
	model_free(&m);
	free(buf);
}

static void test_time(void **state)
{
	(void)state;
	assert_int_equal(decode_time("1970-01-01T00:00:10Z"), 10);
	assert_int_equal(decode_time("2024-05-01T10:00:00.123456Z"), 1714557600);
	assert_int_equal(decode_time("2024-05-01T12:00:00+02:00"), 1714557600);
	assert_int_equal(decode_time("2024-05-01 10:00:00"), 0);
	assert_int_equal(decode_time("2024-13-01T10:00:00Z"), 0);
	assert_int_equal(decode_time("2024-05-01T10:00:00Zjunk"), 0);
	assert_int_equal(decode_time(""), 0);
}

static void test_deployment_list(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("deploymentlist.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[256];
	model_init(&m);
	assert_int_equal(decode_list(KUBE_DEPLOYMENTS, buf, len, &m, &meta, err, sizeof(err)), 0);
	assert_int_equal(meta.items, 2);
	assert_string_equal(meta.resource_version, "190");
	assert_true(meta.cont[0] != '\0');
	struct model_workload *w = model_workload_find(&m, MODEL_DEPLOYMENT, "ingest", "ingest-broker");
	assert_non_null(w);
	assert_int_equal(w->desired, 1);
	assert_int_equal(w->ready, 1);
	assert_int_equal(w->updated, 1);
	assert_int_equal(w->available, 1);
	assert_string_equal(w->images, "quay.io/ingest/broker:0.9.3");
	assert_int_equal(w->generation, 1);
	assert_int_equal(w->observed_generation, 1);
	assert_true(w->created > 0);
	assert_int_equal(model_workload_severity(w), SEV_OK);
	/* A StatefulSet list is not a DeploymentList. */
	assert_int_equal(decode_list(KUBE_STATEFULSETS, buf, len, &m, &meta, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected StatefulSetList, got kind 'DeploymentList'"));
	model_free(&m);
	free(buf);
}

static void test_statefulset_list_and_odd_workloads(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("statefulsetlist.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[256];
	model_init(&m);
	assert_int_equal(decode_list(KUBE_STATEFULSETS, buf, len, &m, &meta, err, sizeof(err)), 0);
	struct model_workload *w = model_workload_find(&m, MODEL_STATEFULSET, "ingest", "mongo");
	assert_non_null(w);
	assert_string_equal(w->images, "mongo:4.4.18");
	assert_non_null(strstr(w->selector, "="));
	assert_null(model_workload_find(&m, MODEL_DEPLOYMENT, "ingest", "mongo"));
	free(buf);
	/* Defaults and a rollout in progress: replicas absent means 1, a newer generation
	 * than observed is a warning, several containers are joined, expressions rendered. */
	const char *odd = "{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"generation\":5},"
			  "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":"
			  "[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]},"
			  "\"template\":{\"spec\":{\"containers\":[{\"image\":\"nginx:1.25\"},{\"image\":\"envoy:v1\"}]}}},"
			  "\"status\":{\"observedGeneration\":4,\"readyReplicas\":1,\"updatedReplicas\":1,\"availableReplicas\":1}}";
	json_t *obj = json_loads(odd, 0, NULL);
	assert_non_null(obj);
	struct model_workload d;
	char images[64], sel[64];
	assert_int_equal(decode_workload(obj, MODEL_DEPLOYMENT, &d, images, sizeof(images), sel, sizeof(sel)), 0);
	assert_int_equal(d.desired, 1);
	assert_string_equal(d.images, "nginx:1.25,envoy:v1");
	assert_string_equal(d.selector, "app=web,tier in (a,b)");
	assert_int_equal(model_workload_severity(&d), SEV_WARN);
	d.observed_generation = 5;
	assert_int_equal(model_workload_severity(&d), SEV_OK);
	d.desired = 3;
	d.ready = 0;
	assert_int_equal(model_workload_severity(&d), SEV_BAD);
	/* Tiny buffers cut cleanly. */
	char tiny[8];
	assert_int_equal(decode_workload(obj, MODEL_DEPLOYMENT, &d, tiny, sizeof(tiny), sel, sizeof(sel)), 0);
	assert_true(strlen(d.images) < sizeof(tiny));
	json_decref(obj);
	model_free(&m);
}

static void test_event_list(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("eventlist.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[256];
	model_init(&m);
	assert_int_equal(decode_list(KUBE_EVENTS, buf, len, &m, &meta, err, sizeof(err)), 0);
	assert_int_equal(meta.items, 2);
	assert_int_equal(meta.skipped, 1);
	struct model_event *e = model_event_find(&m, "ingest", "ingest-core-5c6d7f8b9-abcde.17c1a2b3c4d5e6f7");
	assert_non_null(e);
	assert_string_equal(e->type, "Warning");
	assert_string_equal(e->reason, "BackOff");
	assert_string_equal(e->obj_kind, "Pod");
	assert_string_equal(e->obj_name, "ingest-core-5c6d7f8b9-abcde");
	assert_string_equal(e->obj_ns, "ingest");
	assert_string_equal(e->source, "kubelet");
	assert_int_equal(e->count, 42);
	assert_int_equal(e->first, 1714557600);        /* 2024-05-01T10:00:00Z */
	assert_int_equal(e->last, 1714557600 + 1800);
	/* events.k8s.io style: eventTime and series instead of count/timestamps. */
	e = model_event_find(&m, "ingest", "ingest-broker.17c1a2b3c4d5e6f8");
	assert_non_null(e);
	assert_int_equal(e->count, 3);
	assert_int_equal(e->first, 1714561200);        /* 11:00 */
	assert_int_equal(e->last, 1714561200 + 300);   /* series.lastObservedTime 11:05 */
	assert_string_equal(e->source, "deployment-controller");
	assert_string_equal(e->type, "Normal");
	model_free(&m);
	free(buf);
}

static void test_namespace_list(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("namespacelist.json", &len);
	struct model m;
	struct decode_meta meta;
	char err[256];
	model_init(&m);
	assert_int_equal(decode_list(KUBE_NAMESPACES, buf, len, &m, &meta, err, sizeof(err)), 0);
	assert_true(m.nnamespaces >= 5);
	struct model_namespace *n = model_namespace_find(&m, "kube-system");
	assert_non_null(n);
	assert_string_equal(n->phase, "Active");
	assert_string_equal(m.namespaces[0]->name, "default"); /* sorted by name */
	model_free(&m);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deployment_list),
		cmocka_unit_test(test_statefulset_list_and_odd_workloads),
		cmocka_unit_test(test_event_list),
		cmocka_unit_test(test_namespace_list),
		cmocka_unit_test(test_pod_list),
		cmocka_unit_test(test_pod_list_pages_and_continue),
		cmocka_unit_test(test_node_list),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_status_object),
		cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
