/* Unit tests for kube/decode against the JSON fixtures in tests/fixtures, plus hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void test_pod_list(void **state)
{
	(void)state;
	size_t len;
	char *buf = slurp("podlist_ingest.json", &len);
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
	char *buf = slurp("podlist_page1.json", &len);
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
	char *buf = slurp("nodelist.json", &len);
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
	char *buf = slurp("status_forbidden.json", &len);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod_list),
		cmocka_unit_test(test_pod_list_pages_and_continue),
		cmocka_unit_test(test_node_list),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_status_object),
		cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
