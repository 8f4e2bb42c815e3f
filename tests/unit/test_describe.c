/* Unit tests for kube/describe: target parsing, API paths, and the describe text of
 * real simulator objects (tests/fixtures/describe_*.json): a CrashLoopBackOff pod whose
 * last termination message must be shown, an image-pull pod, a NotReady node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "kube/describe.h"
#include "kube/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Index of the first line containing needle at or after `from`, -1 if none. */
static long find_line(const struct describe *d, const char *needle, size_t from)
{
	for (size_t i = from; i < d->n; i++)
		if (strstr(d->lines[i].text, needle))
			return (long)i;
	return -1;
}

static void build(struct describe *d, enum describe_kind kind, const char *obj, const char *events, time_t now)
{
	size_t olen, elen = 0;
	char *o = fixture_read(obj, &olen);
	char *e = events ? fixture_read(events, &elen) : NULL;
	char err[300] = "";
	describe_init(d);
	int rc = describe_build(d, kind, o, olen, e, elen, events ? NULL : "GET /x: HTTP 403", now, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "describe_build: %s\n", err);
	assert_int_equal(rc, 0);
	free(o);
	free(e);
}

static void test_parse_target(void **state)
{
	(void)state;
	struct describe_target t;
	char err[300];
	assert_int_equal(describe_parse_target("pod/web-1", "ingest", &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, DESCRIBE_POD);
	assert_string_equal(t.ns, "ingest");
	assert_string_equal(t.name, "web-1");
	assert_int_equal(describe_parse_target("po/kube-system/coredns-1", NULL, &t, err, sizeof(err)), 0);
	assert_string_equal(t.ns, "kube-system");
	assert_string_equal(t.name, "coredns-1");
	assert_int_equal(describe_parse_target("node/ip-10-0-0-1.ec2.internal", NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, DESCRIBE_NODE);
	assert_string_equal(t.name, "ip-10-0-0-1.ec2.internal");

	assert_int_equal(describe_parse_target("pod/web-1", NULL, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "pod/NAMESPACE/NAME"));
	assert_int_equal(describe_parse_target("web-1", "x", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "KIND/NAME"));
	assert_int_equal(describe_parse_target("svc/web", "x", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown kind 'svc'"));
	assert_int_equal(describe_parse_target("pod/a&b=c", "x", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a pod name"));
	assert_int_equal(describe_parse_target("pod/BAD_NS/a", NULL, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a namespace"));
	assert_int_equal(describe_parse_target("node/x/y", NULL, &t, err, sizeof(err)), -1);
	assert_int_equal(describe_parse_target("pod/", "x", &t, err, sizeof(err)), -1);
}

static void test_paths(void **state)
{
	(void)state;
	struct describe_target t;
	char err[300], path[1024];
	assert_int_equal(describe_parse_target("pod/ingest/broker-1", NULL, &t, err, sizeof(err)), 0);
	describe_object_path(&t, path, sizeof(path));
	assert_string_equal(path, "/api/v1/namespaces/ingest/pods/broker-1");
	describe_events_path(&t, path, sizeof(path));
	assert_string_equal(path, "/api/v1/namespaces/ingest/events?fieldSelector=involvedObject.name%3Dbroker-1,"
				  "involvedObject.namespace%3Dingest");
	assert_int_equal(describe_parse_target("node/n1", NULL, &t, err, sizeof(err)), 0);
	describe_object_path(&t, path, sizeof(path));
	assert_string_equal(path, "/api/v1/nodes/n1");
}

static void test_crashloop_pod_shows_last_termination(void **state)
{
	(void)state;
	struct describe d;
	time_t now = decode_time("2026-11-21T10:12:39Z");
	build(&d, DESCRIBE_POD, "describe_pod_crashloop.json", "describe_events_crashloop.json", now);
	assert_true(find_line(&d, "Name:", 0) == 0);
	assert_true(strstr(d.lines[0].text, "ingest-broker-56f7f9cbb8-6m2tx") != NULL);
	assert_true(find_line(&d, "Namespace:      ingest", 0) >= 0);
	assert_true(find_line(&d, "ip-172-20-110-97.ec2.internal/172.20.110.97", 0) >= 0);
	assert_true(find_line(&d, "IP:             100.96.216.167", 0) >= 0);
	long status = find_line(&d, "Status:", 0);
	assert_true(status >= 0);
	assert_non_null(strstr(d.lines[status].text, "CrashLoopBackOff"));
	assert_int_equal(d.lines[status].sev, SEV_BAD);
	/* Container: state, then the last state with reason, message, exit code, times. */
	long c = find_line(&d, "  ingest-broker:", 0);
	assert_true(c > status);
	assert_true(find_line(&d, "Image:          quay.io/ingest/broker:0.9.3", (size_t)c) > c);
	long st = find_line(&d, "State:          Waiting", (size_t)c);
	assert_true(st > c);
	assert_true(find_line(&d, "Reason:       CrashLoopBackOff", (size_t)st) == st + 1);
	long last = find_line(&d, "Last State:     Terminated", (size_t)st);
	assert_true(last > st);
	assert_int_equal(d.lines[last].sev, SEV_BAD);
	assert_int_equal(find_line(&d, "Reason:       Error", (size_t)last), last + 1);
	long msg = find_line(&d, "Message:      panic: bad config", (size_t)last);
	assert_int_equal(msg, last + 2);
	/* The second line of the message is its own line, aligned under the first. */
	assert_string_equal(d.lines[msg + 1].text, "                    line2");
	assert_true(find_line(&d, "Exit Code:    1", (size_t)last) > msg);
	assert_true(find_line(&d, "Started:      2026-11-21T10:09:38Z (3m1s ago)", (size_t)last) > msg);
	assert_true(find_line(&d, "Finished:     2026-11-21T10:09:39Z (3m ago)", (size_t)last) > msg);
	assert_true(find_line(&d, "Restart Count:  2", (size_t)last) > msg);
	assert_true(find_line(&d, "Controlled By:  ReplicaSet/ingest-broker-56f7f9cbb8", 0) > 0);
	/* Conditions table, Ready False highlighted. */
	long cond = find_line(&d, "Conditions:", 0);
	assert_true(cond > last);
	long ready = find_line(&d, "  Ready ", (size_t)cond);
	assert_true(ready > cond);
	assert_non_null(strstr(d.lines[ready].text, "False"));
	assert_non_null(strstr(d.lines[ready].text, "ContainersNotReady"));
	assert_int_equal(d.lines[ready].sev, SEV_WARN);
	/* Events: Warning first, with count. */
	long ev = find_line(&d, "Events:", 0);
	assert_true(ev > cond);
	assert_true(find_line(&d, "Type", (size_t)ev) == ev + 1);
	assert_non_null(strstr(d.lines[ev + 2].text, "Warning"));
	long backoff = find_line(&d, "  Warning  BackOff", (size_t)ev);
	assert_true(backoff > ev);
	assert_non_null(strstr(d.lines[backoff].text, "(x3 over"));
	assert_int_equal(d.lines[backoff].sev, SEV_BAD);
	assert_true(find_line(&d, "Normal", (size_t)ev) > backoff);
	/* No raw newline ever reaches a line. */
	for (size_t i = 0; i < d.n; i++)
		assert_null(strchr(d.lines[i].text, '\n'));
	describe_free(&d);
}

static void test_imagepull_pod(void **state)
{
	(void)state;
	struct describe d;
	time_t now = decode_time("2026-11-21T10:15:00Z");
	build(&d, DESCRIBE_POD, "describe_pod_imagepull.json", "describe_events_imagepull.json", now);
	long st = find_line(&d, "State:          Waiting", 0);
	assert_true(st > 0);
	assert_non_null(strstr(d.lines[st + 1].text, "ImagePull"));
	assert_int_equal(d.lines[st + 1].sev, SEV_BAD);
	assert_true(find_line(&d, "Image:          quay.io/ingest/core:9.9.9-missing", 0) > 0);
	/* Annotations under their title as kubectl shows them; a multi-line value: its first line. */
	long an = find_line(&d, "Annotations:    kubectl.kubernetes.io/restartedAt=2026-11-21T10:00:00Z", 0);
	assert_true(an > 0);
	assert_non_null(strstr(d.lines[an + 1].text, "note=first line"));
	assert_int_equal(find_line(&d, "second line", 0), -1);
	long ev = find_line(&d, "Events:", 0);
	long failed = find_line(&d, "Failed to pull image", (size_t)ev);
	assert_true(failed > ev);
	assert_non_null(strstr(d.lines[ev + 2].text, "Warning"));
	/* Warnings come before Normal events. */
	long normal = find_line(&d, "  Normal", (size_t)ev);
	assert_true(normal > failed);
	describe_free(&d);
}

static void test_notready_node(void **state)
{
	(void)state;
	struct describe d;
	time_t now = decode_time("2026-11-21T10:15:00Z");
	build(&d, DESCRIBE_NODE, "describe_node_notready.json", NULL, now);
	assert_non_null(strstr(d.lines[0].text, "ip-172-20-110-97.ec2.internal"));
	long st = find_line(&d, "Status:", 0);
	assert_true(st > 0);
	assert_non_null(strstr(d.lines[st].text, "NotReady"));
	assert_int_equal(d.lines[st].sev, SEV_BAD);
	long mem = find_line(&d, "  MemoryPressure", 0);
	assert_true(mem > 0);
	assert_non_null(strstr(d.lines[mem].text, "Unknown"));
	assert_int_equal(d.lines[mem].sev, SEV_BAD);
	long ready = find_line(&d, "  Ready ", 0);
	assert_non_null(strstr(d.lines[ready].text, "NodeStatusUnknown"));
	assert_int_equal(d.lines[ready].sev, SEV_BAD);
	assert_true(find_line(&d, "Kubelet Version:", 0) > 0);
	/* Events unavailable: said so, not fatal. */
	assert_true(find_line(&d, "events could not be fetched: GET /x: HTTP 403", 0) > 0);
	describe_free(&d);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct describe d;
	char err[300];
	describe_init(&d);
	assert_int_equal(describe_build(&d, DESCRIBE_POD, "{nope", 5, NULL, 0, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not JSON"));
	const char *status = "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" not found\",\"code\":404}";
	assert_int_equal(describe_build(&d, DESCRIBE_POD, status, strlen(status), NULL, 0, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not found"));
	const char *node = "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"}}";
	assert_int_equal(describe_build(&d, DESCRIBE_POD, node, strlen(node), NULL, 0, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected a Pod"));
	/* Garbage field types and a garbage event list never crash. */
	const char *odd = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":7},\"spec\":{\"containers\":[1,{\"name\":3}]},"
			  "\"status\":{\"containerStatuses\":\"x\",\"conditions\":[null,{\"type\":5}]}}";
	const char *evs = "{\"items\":[7,{\"type\":\"Warning\",\"count\":\"x\"}]}";
	assert_int_equal(describe_build(&d, DESCRIBE_POD, odd, strlen(odd), evs, strlen(evs), NULL, 0, err, sizeof(err)), 0);
	assert_true(d.n > 5);
	describe_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_target),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_crashloop_pod_shows_last_termination),
		cmocka_unit_test(test_imagepull_pod),
		cmocka_unit_test(test_notready_node),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
