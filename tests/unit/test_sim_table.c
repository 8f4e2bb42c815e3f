/* Unit tests for sim/table: the server-side Table kubectl prints.
 * Pod cases re-express the input/expected pairs of Kubernetes' printer tests
 * (pkg/printers/internalversion/printers_test.go: TestPrintPod, TestPrintPodwide,
 * TestPrintPodWithRestartableInitContainer, TestPrintPodConditions) as JSON pods, plus cases
 * of our own for the remaining STATUS rules.  "now" is fixed at 2023-11-14T22:13:20Z so that
 * ages are exact.  JSON is written with single quotes, turned into double quotes by js(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/resources.h"
#include "sim/table.h"

#define NOW ((time_t)1700000000)
#define T10S "2023-11-14T22:13:10Z"
#define T20S "2023-11-14T22:13:00Z"
#define T2M "2023-11-14T22:11:20Z"
#define T5D "2023-11-09T22:13:20Z"
#define T10D "2023-11-04T22:13:20Z"
#define T20D "2023-10-25T22:13:20Z"

static json_t *js(const char *text)
{
	char *s = strdup(text);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t e;
	json_t *v = json_loads(s, 0, &e);
	if (!v)
		fail_msg("bad test JSON at %d: %s\n%s", e.position, e.text, s);
	free(s);
	return v;
}

/* Builds a one-row Table of resource res; returns the row's cells (the table in *table). */
static json_t *one_row(enum sim_res res, const char *obj, json_t **table)
{
	json_t *items = json_pack("[o]", js(obj));
	*table = sim_table_build(sim_resource(res), items, true, NULL, NOW);
	json_decref(items);
	assert_non_null(*table);
	json_t *row = json_array_get(json_object_get(*table, "rows"), 0);
	assert_non_null(row);
	return json_object_get(row, "cells");
}

static void assert_cell(json_t *cells, size_t i, const char *want)
{
	json_t *c = json_array_get(cells, i);
	if (!json_is_string(c) || strcmp(json_string_value(c), want)) {
		char *d = json_dumps(cells, JSON_COMPACT);
		fail_msg("cell %zu: want \"%s\" in %s", i, want, d);
	}
}

static void assert_cell_int(json_t *cells, size_t i, long long want)
{
	json_t *c = json_array_get(cells, i);
	assert_true(json_is_integer(c));
	assert_int_equal(json_integer_value(c), want);
}

/* ---- pods ----------------------------------------------------------------------------- */

struct pod_case {
	const char *name, *json, *ready, *status, *restarts;
};

#define TWO_CONTAINERS "'containers':[{'name':'a'},{'name':'b'}]"
#define ONE_CONTAINER "'containers':[{'name':'a'}]"
#define SIDECARS "'initContainers':[{'name':'restartable-init-1','restartPolicy':'Always'},{'name':'restartable-init-2','restartPolicy':'Always'}]," ONE_CONTAINER

static const struct pod_case pod_cases[] = {
	{"k8s test1: name, containers, restarts, ready",
	 "{'metadata':{'name':'test1'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'podPhase',"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'running':{}}},{'restartCount':3}]}}",
	 "1/2", "podPhase", "6"},
	{"k8s test2: container error overwrites pod phase",
	 "{'metadata':{'name':'test2'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'podPhase',"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'running':{}}},"
	 "{'restartCount':3,'state':{'waiting':{'reason':'ContainerWaitingReason'}}}]}}",
	 "1/2", "ContainerWaitingReason", "6"},
	{"k8s test3: the first container's state wins",
	 "{'metadata':{'name':'test3'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'podPhase',"
	 "'containerStatuses':[{'restartCount':3,'state':{'waiting':{'reason':'ContainerWaitingReason'}}},"
	 "{'restartCount':3,'state':{'terminated':{'reason':'ContainerTerminatedReason'}}}]}}",
	 "0/2", "ContainerWaitingReason", "6"},
	{"k8s test4: ready is not enough for running",
	 "{'metadata':{'name':'test4'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'podPhase',"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'running':{}}},{'ready':true,'restartCount':3}]}}",
	 "1/2", "podPhase", "6"},
	{"k8s test5: pod reason overrides phase",
	 "{'metadata':{'name':'test5'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'podPhase','reason':'podReason',"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'running':{}}},{'ready':true,'restartCount':3}]}}",
	 "1/2", "podReason", "6"},
	{"k8s test6: completed + running without Ready condition is NotReady",
	 "{'metadata':{'name':'test6'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'terminated':{'reason':'Completed','exitCode':0}}},"
	 "{'ready':true,'restartCount':3,'state':{'running':{}}}]}}",
	 "1/2", "NotReady", "6"},
	{"k8s test6: completed + running with Ready condition is Running",
	 "{'metadata':{'name':'test6'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'Running',"
	 "'conditions':[{'type':'Ready','status':'True'}],"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'terminated':{'reason':'Completed','exitCode':0}}},"
	 "{'ready':true,'restartCount':3,'state':{'running':{}}}]}}",
	 "1/2", "Running", "6"},
	{"k8s test7: init container restarting",
	 "{'metadata':{'name':'test7'},'spec':{'initContainers':[{'name':'i'}]," ONE_CONTAINER "},'status':{'phase':'podPhase',"
	 "'initContainerStatuses':[{'name':'i','restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T10S "'}}}],"
	 "'containerStatuses':[{'name':'a','state':{'waiting':{}}}]}}",
	 "0/1", "Init:0/1", "3 (10s ago)"},
	{"k8s test8: two init containers, first restarting",
	 "{'metadata':{'name':'test8'},'spec':{'initContainers':[{'name':'i'},{'name':'j'}]," ONE_CONTAINER "},'status':{'phase':'podPhase',"
	 "'initContainerStatuses':[{'name':'i','restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T10S "'}}},"
	 "{'name':'j','state':{'waiting':{}}}],"
	 "'containerStatuses':[{'name':'a','state':{'waiting':{}}}]}}",
	 "0/1", "Init:0/2", "3 (10s ago)"},
	{"k8s test9: first init done, second restarting",
	 "{'metadata':{'name':'test9'},'spec':{'initContainers':[{'name':'i'},{'name':'j'}]," ONE_CONTAINER "},'status':{'phase':'podPhase',"
	 "'initContainerStatuses':[{'name':'i','state':{'terminated':{}}},"
	 "{'name':'j','restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T10S "'}}}],"
	 "'containerStatuses':[{'name':'a','state':{'waiting':{}}}]}}",
	 "0/1", "Init:1/2", "3 (10s ago)"},
	{"k8s test10: restarts of both init containers add up",
	 "{'metadata':{'name':'test10'},'spec':{'initContainers':[{'name':'i'},{'name':'j'}]," ONE_CONTAINER "},'status':{'phase':'podPhase',"
	 "'initContainerStatuses':[{'name':'i','restartCount':2,'state':{'terminated':{}},'lastState':{'terminated':{'finishedAt':'" T2M "'}}},"
	 "{'name':'j','restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T10S "'}}}],"
	 "'containerStatuses':[{'name':'a','state':{'waiting':{}}}]}}",
	 "0/1", "Init:1/2", "5 (10s ago)"},
	{"k8s test11: after init only the containers' restarts count",
	 "{'metadata':{'name':'test11'},'spec':{'initContainers':[{'name':'i'}]," ONE_CONTAINER "},'status':{'phase':'Running',"
	 "'initContainerStatuses':[{'name':'i','restartCount':2,'state':{'terminated':{}},'lastState':{'terminated':{'finishedAt':'" T2M "'}}}],"
	 "'containerStatuses':[{'name':'a','restartCount':4,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T20S "'}}}]}}",
	 "0/1", "Running", "4 (20s ago)"},
	{"k8s test12: restarted 5d ago",
	 "{'metadata':{'name':'test12'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T5D "'}}}]}}",
	 "1/1", "Running", "3 (5d ago)"},
	{"k8s test13: one never restarted, one 10d ago",
	 "{'metadata':{'name':'test13'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'ready':true,'restartCount':0,'state':{'running':{}}},"
	 "{'ready':true,'restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T10D "'}}}]}}",
	 "2/2", "Running", "3 (10d ago)"},
	{"k8s test14: the latest restart wins",
	 "{'metadata':{'name':'test14'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'ready':true,'restartCount':6,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T5D "'}}},"
	 "{'ready':true,'restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T20D "'}}}]}}",
	 "2/2", "Running", "9 (5d ago)"},
	{"k8s test15: SchedulingGated",
	 "{'metadata':{'name':'test15'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'podPhase',"
	 "'conditions':[{'type':'PodScheduled','status':'False','reason':'SchedulingGated'}]}}",
	 "0/2", "SchedulingGated", "0"},
	{"k8s test16: succeeded",
	 "{'metadata':{'name':'test16'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Succeeded',"
	 "'containerStatuses':[{'state':{'terminated':{'reason':'Completed','exitCode':0}}}]}}",
	 "0/1", "Completed", "0"},
	{"k8s test17: failed",
	 "{'metadata':{'name':'test17'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Failed',"
	 "'containerStatuses':[{'state':{'terminated':{'reason':'Error','exitCode':1}}}]}}",
	 "0/1", "Error", "0"},
	{"k8s test18: succeeded pod being deleted stays Completed",
	 "{'metadata':{'name':'test18','deletionTimestamp':'" T10S "'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Succeeded',"
	 "'containerStatuses':[{'state':{'terminated':{'reason':'Completed','exitCode':0}}}]}}",
	 "0/1", "Completed", "0"},
	{"k8s test19: running pod being deleted is Terminating",
	 "{'metadata':{'name':'test19','deletionTimestamp':'" T10S "'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'state':{'running':{}}}]}}",
	 "0/1", "Terminating", "0"},
	{"k8s test20: pending pod being deleted is Terminating",
	 "{'metadata':{'name':'test20','deletionTimestamp':'" T10S "'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Pending'}}",
	 "0/1", "Terminating", "0"},
	{"k8s sidecar: first running but not started",
	 "{'metadata':{'name':'test1'},'spec':{" SIDECARS "},'status':{'phase':'Pending',"
	 "'initContainerStatuses':[{'name':'restartable-init-1','restartCount':3,'state':{'running':{}},'started':false,"
	 "'lastState':{'terminated':{'finishedAt':'" T10S "'}}},"
	 "{'name':'restartable-init-2','state':{'waiting':{}},'started':false}],"
	 "'containerStatuses':[{'state':{'waiting':{}}}],'conditions':[{'type':'Initialized','status':'False'}]}}",
	 "0/3", "Init:0/2", "3 (10s ago)"},
	{"k8s sidecar: first started, second not",
	 "{'metadata':{'name':'test1'},'spec':{" SIDECARS "},'status':{'phase':'Pending',"
	 "'initContainerStatuses':[{'name':'restartable-init-1','restartCount':3,'state':{'running':{}},'started':true,"
	 "'lastState':{'terminated':{'finishedAt':'" T10S "'}}},"
	 "{'name':'restartable-init-2','state':{'running':{}},'started':false}],"
	 "'containerStatuses':[{'state':{'waiting':{}}}],'conditions':[{'type':'Initialized','status':'False'}]}}",
	 "0/3", "Init:1/2", "3 (10s ago)"},
	{"k8s sidecar: both started, container running",
	 "{'metadata':{'name':'test2'},'spec':{" SIDECARS "},'status':{'phase':'Running',"
	 "'initContainerStatuses':[{'name':'restartable-init-1','restartCount':3,'state':{'running':{}},'started':true,"
	 "'lastState':{'terminated':{'finishedAt':'" T10S "'}}},"
	 "{'name':'restartable-init-2','state':{'running':{}},'started':true}],"
	 "'containerStatuses':[{'ready':true,'restartCount':4,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'" T20S "'}}}],"
	 "'conditions':[{'type':'Initialized','status':'True'}]}}",
	 "1/3", "Running", "7 (10s ago)"},
	{"k8s sidecar: sidecars killed, container completed",
	 "{'metadata':{'name':'test3'},'spec':{" SIDECARS "},'status':{'phase':'Succeeded',"
	 "'initContainerStatuses':[{'name':'restartable-init-1','restartCount':3,'state':{'terminated':{'reason':'Error','exitCode':137}},'started':false,"
	 "'lastState':{'terminated':{'finishedAt':'" T10S "'}}},"
	 "{'name':'restartable-init-2','state':{'terminated':{'reason':'Error','exitCode':137}},'started':false}],"
	 "'containerStatuses':[{'restartCount':4,'state':{'terminated':{'reason':'Completed','exitCode':0}},'lastState':{'terminated':{'finishedAt':'" T20S "'}}}],"
	 "'conditions':[{'type':'Initialized','status':'True'}]}}",
	 "0/3", "Completed", "7 (10s ago)"},
	{"k8s sidecar: statuses for containers not in the spec",
	 "{'metadata':{'name':'test4'},'spec':{'initContainers':[{'name':'init1','image':'initimage'},"
	 "{'name':'sidecar1','image':'sidecarimage','restartPolicy':'Always'}],'containers':[{'name':'container1'}]},"
	 "'status':{'phase':'Running','initContainerStatuses':[{'name':'initinvalid'},{'name':'init1'},{'name':'sidecar1'}],"
	 "'containerStatuses':[{'name':'containerinvalid'},{'name':'container1'}]}}",
	 "0/2", "Init:0/2", "0"},
	{"k8s conditions: succeeded pod with a running container keeps its phase",
	 "{'metadata':{'name':'test1'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'Succeeded',"
	 "'containerStatuses':[{'ready':true,'restartCount':3,'state':{'running':{}}},{'restartCount':3}]}}",
	 "1/2", "Succeeded", "6"},
	{"own: init container killed by a signal",
	 "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i'}]," ONE_CONTAINER "},'status':{'phase':'Pending',"
	 "'initContainerStatuses':[{'name':'i','state':{'terminated':{'exitCode':137,'signal':9}}}]}}",
	 "0/1", "Init:Signal:9", "0"},
	{"own: init container exit code",
	 "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i'}]," ONE_CONTAINER "},'status':{'phase':'Pending',"
	 "'initContainerStatuses':[{'name':'i','state':{'terminated':{'exitCode':3}}}]}}",
	 "0/1", "Init:ExitCode:3", "0"},
	{"own: init container terminated with a reason",
	 "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i'}]," ONE_CONTAINER "},'status':{'phase':'Pending',"
	 "'initContainerStatuses':[{'name':'i','state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}}",
	 "0/1", "Init:Error", "0"},
	{"own: init container in CrashLoopBackOff",
	 "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i'},{'name':'j'}]," ONE_CONTAINER "},'status':{'phase':'Pending',"
	 "'initContainerStatuses':[{'name':'i','state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
	 "{'name':'j','restartCount':4,'state':{'waiting':{'reason':'CrashLoopBackOff'}},'lastState':{'terminated':{'finishedAt':'" T2M "'}}}]}}",
	 "0/1", "Init:CrashLoopBackOff", "4 (2m ago)"},
	{"own: init container waiting with PodInitializing counts as not started",
	 "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i'}]," ONE_CONTAINER "},'status':{'phase':'Pending',"
	 "'initContainerStatuses':[{'name':'i','state':{'waiting':{'reason':'PodInitializing'}}}]}}",
	 "0/1", "Init:0/1", "0"},
	{"own: container killed by a signal",
	 "{'metadata':{'name':'p'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'state':{'terminated':{'exitCode':143,'signal':15}}}]}}",
	 "0/1", "Signal:15", "0"},
	{"own: container exit code",
	 "{'metadata':{'name':'p'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'state':{'terminated':{'exitCode':2}}}]}}",
	 "0/1", "ExitCode:2", "0"},
	{"own: CrashLoopBackOff with restarts",
	 "{'metadata':{'name':'p'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Running',"
	 "'containerStatuses':[{'restartCount':5,'state':{'waiting':{'reason':'CrashLoopBackOff','message':'back-off'}},"
	 "'lastState':{'terminated':{'exitCode':1,'reason':'Error','finishedAt':'" T2M "'}}}]}}",
	 "0/1", "CrashLoopBackOff", "5 (2m ago)"},
	{"own: ImagePullBackOff",
	 "{'metadata':{'name':'p'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Pending',"
	 "'containerStatuses':[{'state':{'waiting':{'reason':'ImagePullBackOff'}}}]}}",
	 "0/1", "ImagePullBackOff", "0"},
	{"own: NodeLost pod being deleted is Unknown",
	 "{'metadata':{'name':'p','deletionTimestamp':'" T10S "'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Running','reason':'NodeLost',"
	 "'containerStatuses':[{'ready':true,'state':{'running':{}}}]}}",
	 "1/1", "Unknown", "0"},
	{"own: evicted pod",
	 "{'metadata':{'name':'p'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Failed','reason':'Evicted',"
	 "'message':'The node was low on resource: memory.'}}",
	 "0/1", "Evicted", "0"},
	{"own: pending pod without statuses",
	 "{'metadata':{'name':'p'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'Pending'}}",
	 "0/2", "Pending", "0"},
	{"own: failed pod being deleted keeps its reason",
	 "{'metadata':{'name':'p','deletionTimestamp':'" T10S "'},'spec':{" ONE_CONTAINER "},'status':{'phase':'Failed',"
	 "'containerStatuses':[{'state':{'terminated':{'reason':'OOMKilled','exitCode':137}}}]}}",
	 "0/1", "OOMKilled", "0"},
	{"own: no status at all",
	 "{'metadata':{'name':'p'},'spec':{" ONE_CONTAINER "}}",
	 "0/1", "", "0"},
	{"own: fields of the wrong type are ignored",
	 "{'metadata':{'name':'p'},'spec':{'containers':'x','initContainers':7},'status':{'phase':3,"
	 "'containerStatuses':{'a':1},'initContainerStatuses':[1,'x',null]}}",
	 "0/0", "Init:0/0", "0"},
};

static void test_pod_case(void **state)
{
	const struct pod_case *c = *state;
	json_t *table;
	json_t *cells = one_row(SIM_PODS, c->json, &table);
	assert_int_equal(json_array_size(cells), 9);
	assert_cell(cells, 1, c->ready);
	assert_cell(cells, 2, c->status);
	assert_cell(cells, 3, c->restarts);
	char buf[64];
	json_t *pod = js(c->json);
	sim_table_pod_status(pod, buf, sizeof(buf));
	assert_string_equal(buf, c->status);
	json_decref(pod);
	json_decref(table);
}

static void test_pod_wide(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(
		SIM_PODS,
		"{'metadata':{'name':'test1','creationTimestamp':'" T5D "'},'spec':{" TWO_CONTAINERS ",'nodeName':'test1',"
		"'readinessGates':[{'conditionType':'condition1'},{'conditionType':'condition2'},{'conditionType':'condition3'}]},"
		"'status':{'phase':'podPhase','podIPs':[{'ip':'1.1.1.1'},{'ip':'2001:db8::'}],'nominatedNodeName':'node1',"
		"'conditions':[{'type':'condition1','status':'False'},{'type':'condition2','status':'True'}],"
		"'containerStatuses':[{'ready':true,'restartCount':3,'state':{'running':{}}},{'restartCount':3}]}}",
		&table);
	assert_cell(cells, 0, "test1");
	assert_cell(cells, 4, "5d");
	assert_cell(cells, 5, "1.1.1.1");
	assert_cell(cells, 6, "test1");
	assert_cell(cells, 7, "node1");
	assert_cell(cells, 8, "1/3");
	json_decref(table);

	cells = one_row(SIM_PODS,
			"{'metadata':{'name':'test2'},'spec':{" TWO_CONTAINERS "},'status':{'phase':'podPhase'}}",
			&table);
	assert_cell(cells, 4, "<unknown>");
	for (size_t i = 5; i < 9; i++)
		assert_cell(cells, i, "<none>");
	json_decref(table);
}

static void test_pod_row_conditions(void **state)
{
	(void)state;
	json_t *table;
	one_row(SIM_PODS, "{'metadata':{'name':'a'},'status':{'phase':'Failed'}}", &table);
	json_t *row = json_array_get(json_object_get(table, "rows"), 0);
	json_t *cond = json_array_get(json_object_get(row, "conditions"), 0);
	assert_string_equal(json_string_value(json_object_get(cond, "type")), "Completed");
	assert_string_equal(json_string_value(json_object_get(cond, "reason")), "Failed");
	assert_string_equal(json_string_value(json_object_get(cond, "message")), "The pod failed.");
	json_decref(table);
	one_row(SIM_PODS, "{'metadata':{'name':'a'},'status':{'phase':'Running'}}", &table);
	row = json_array_get(json_object_get(table, "rows"), 0);
	assert_null(json_object_get(row, "conditions"));
	json_decref(table);
}

/* ---- ages ----------------------------------------------------------------------------- */

static void test_age(void **state)
{
	(void)state;
	static const struct {
		long long secs;
		const char *want;
	} cases[] = {
		{-5, "<invalid>"}, {-1, "0s"}, {0, "0s"}, {5, "5s"}, {119, "119s"}, {120, "2m"},
		{125, "2m5s"}, {599, "9m59s"}, {600, "10m"}, {10799, "179m"}, {10800, "3h"},
		{3 * 3600 + 300, "3h5m"}, {8 * 3600 + 60, "8h"}, {47 * 3600, "47h"}, {48 * 3600, "2d"},
		{50 * 3600, "2d2h"}, {8 * 86400, "8d"}, {729 * 86400LL, "729d"}, {730 * 86400LL, "2y"},
		{800 * 86400LL, "2y70d"}, {8 * 365 * 86400LL, "8y"}, {20 * 365 * 86400LL, "20y"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[32];
		sim_table_age(NOW - (time_t)cases[i].secs, NOW, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want))
			fail_msg("age of %llds: want %s, got %s", cases[i].secs, cases[i].want, buf);
	}
}

/* ---- other resources ------------------------------------------------------------------ */

static void test_nodes(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(
		SIM_NODES,
		"{'metadata':{'name':'n1','creationTimestamp':'" T10D "','labels':{'node-role.kubernetes.io/control-plane':'',"
		"'node-role.kubernetes.io/':'x','kubernetes.io/role':'worker','other':'y'}},'spec':{'unschedulable':true},"
		"'status':{'conditions':[{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}],"
		"'addresses':[{'type':'Hostname','address':'n1'},{'type':'InternalIP','address':'10.0.0.1'}],"
		"'nodeInfo':{'kubeletVersion':'v1.30.2','osImage':'Ubuntu 22.04','kernelVersion':'6.1','containerRuntimeVersion':'containerd://1.7'}}}",
		&table);
	assert_int_equal(json_array_size(cells), 10);
	assert_cell(cells, 1, "Ready,SchedulingDisabled");
	assert_cell(cells, 2, "control-plane,worker");
	assert_cell(cells, 3, "10d");
	assert_cell(cells, 4, "v1.30.2");
	assert_cell(cells, 5, "10.0.0.1");
	assert_cell(cells, 6, "<none>");
	assert_cell(cells, 7, "Ubuntu 22.04");
	assert_cell(cells, 9, "containerd://1.7");
	json_decref(table);

	/* k8s TestPrintNodeStatus / TestPrintNodeOSImage-like cases. */
	cells = one_row(SIM_NODES, "{'metadata':{'name':'foo1'},'status':{'conditions':[{'type':'Ready','status':'False'}]}}",
			&table);
	assert_cell(cells, 1, "NotReady");
	assert_cell(cells, 2, "<none>");
	assert_cell(cells, 3, "<unknown>");
	assert_cell(cells, 7, "<unknown>");
	json_decref(table);
	cells = one_row(SIM_NODES, "{'metadata':{'name':'foo2'},'spec':{'unschedulable':true}}", &table);
	assert_cell(cells, 1, "Unknown,SchedulingDisabled");
	json_decref(table);
	cells = one_row(SIM_NODES,
			"{'metadata':{'name':'foo3'},'status':{'addresses':[{'type':'ExternalIP','address':'2.2.2.2'},"
			"{'type':'InternalIP','address':'3.3.3.3'},{'type':'ExternalIP','address':'4.4.4.4'}]}}",
			&table);
	assert_cell(cells, 5, "3.3.3.3");
	assert_cell(cells, 6, "2.2.2.2");
	json_decref(table);
}

static void test_namespaces(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(SIM_NAMESPACES,
				"{'metadata':{'name':'prod','creationTimestamp':'" T2M "'},'status':{'phase':'Active'}}",
				&table);
	assert_int_equal(json_array_size(cells), 3);
	assert_cell(cells, 0, "prod");
	assert_cell(cells, 1, "Active");
	assert_cell(cells, 2, "2m");
	json_decref(table);
}

static void test_events(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(
		SIM_EVENTS,
		"{'metadata':{'name':'web.17a'},'type':'Warning','reason':'BackOff','count':7,"
		"'firstTimestamp':'" T10D "','lastTimestamp':'" T20S "',"
		"'involvedObject':{'kind':'Pod','name':'web-1','fieldPath':'spec.containers{web}'},"
		"'source':{'component':'kubelet','host':'node-1'},'message':'  Back-off restarting failed container \\n'}",
		&table);
	assert_int_equal(json_array_size(cells), 10);
	assert_cell(cells, 0, "20s");
	assert_cell(cells, 1, "Warning");
	assert_cell(cells, 2, "BackOff");
	assert_cell(cells, 3, "pod/web-1");
	assert_cell(cells, 4, "spec.containers{web}");
	assert_cell(cells, 5, "kubelet, node-1");
	assert_cell(cells, 6, "Back-off restarting failed container");
	assert_cell(cells, 7, "10d");
	assert_cell_int(cells, 8, 7);
	assert_cell(cells, 9, "web.17a");
	json_decref(table);

	/* events.k8s.io-style event: eventTime only, no count, reporting controller. */
	cells = one_row(SIM_EVENTS,
			"{'metadata':{'name':'e'},'type':'Normal','reason':'Scheduled','eventTime':'2023-11-14T22:13:00.123456Z',"
			"'involvedObject':{'kind':'Node'},'reportingComponent':'default-scheduler','message':'ok'}",
			&table);
	assert_cell(cells, 0, "20s");
	assert_cell(cells, 3, "node");
	assert_cell(cells, 5, "default-scheduler");
	assert_cell(cells, 7, "20s");
	assert_cell_int(cells, 8, 1);
	json_decref(table);

	cells = one_row(SIM_EVENTS,
			"{'metadata':{'name':'e'},'firstTimestamp':'" T10D "','series':{'count':4,'lastObservedTime':'" T10S "'}}",
			&table);
	assert_cell(cells, 0, "10s");
	assert_cell_int(cells, 8, 4);
	json_decref(table);
}

static void test_services(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(SIM_SERVICES,
				"{'metadata':{'name':'web'},'spec':{'clusterIP':'10.96.0.10','ports':[{'port':80},"
				"{'port':53,'protocol':'UDP'}],'selector':{'b':'2','a':'1'}}}",
				&table);
	assert_int_equal(json_array_size(cells), 7);
	assert_cell(cells, 1, "ClusterIP");
	assert_cell(cells, 2, "10.96.0.10");
	assert_cell(cells, 3, "<none>");
	assert_cell(cells, 4, "80/TCP,53/UDP");
	assert_cell(cells, 6, "a=1,b=2");
	json_decref(table);

	/* k8s TestPrintServiceLoadBalancer, wide: no elision, sorted set of addresses. */
	cells = one_row(SIM_SERVICES,
			"{'metadata':{'name':'service4'},'spec':{'clusterIPs':['1.5.6.7'],'type':'LoadBalancer',"
			"'ports':[{'port':80,'protocol':'TCP'},{'port':8090,'protocol':'UDP'},{'port':8000,'protocol':'TCP'}],"
			"'selector':{'foo':'bar'}},'status':{'loadBalancer':{'ingress':[{'ip':'3.4.5.6'},{'ip':'2.3.4.5'},"
			"{'ip':'5.6.7.8','hostname':'host5678'}]}}}",
			&table);
	assert_cell(cells, 2, "1.5.6.7");
	assert_cell(cells, 3, "2.3.4.5,3.4.5.6,5.6.7.8");
	assert_cell(cells, 4, "80/TCP,8090/UDP,8000/TCP");
	assert_cell(cells, 6, "foo=bar");
	json_decref(table);

	cells = one_row(SIM_SERVICES,
			"{'metadata':{'name':'s'},'spec':{'type':'LoadBalancer','clusterIP':'1.3.4.5','ports':[{'port':80,'nodePort':30080}]}}",
			&table);
	assert_cell(cells, 3, "<pending>");
	assert_cell(cells, 4, "80:30080/TCP");
	assert_cell(cells, 6, "<none>");
	json_decref(table);

	cells = one_row(SIM_SERVICES, "{'metadata':{'name':'s'},'spec':{'type':'ExternalName','externalName':'db.example.com'}}",
			&table);
	assert_cell(cells, 2, "<none>");
	assert_cell(cells, 3, "db.example.com");
	assert_cell(cells, 4, "<none>");
	json_decref(table);
}

static void test_endpoints(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(
		SIM_ENDPOINTS,
		"{'metadata':{'name':'web'},'subsets':[{'addresses':[{'ip':'10.1.0.1'},{'ip':'10.1.0.2'}],"
		"'ports':[{'port':8080},{'port':9090}]}]}",
		&table);
	assert_cell(cells, 1, "10.1.0.1:8080,10.1.0.2:8080,10.1.0.1:9090 + 1 more...");
	json_decref(table);
	cells = one_row(SIM_ENDPOINTS, "{'metadata':{'name':'web'}}", &table);
	assert_cell(cells, 1, "<none>");
	json_decref(table);
	cells = one_row(SIM_ENDPOINTS,
			"{'metadata':{'name':'h'},'subsets':[{'addresses':[{'ip':'fd00::1'}],'ports':[{'port':80}]},"
			"{'addresses':[{'ip':'10.0.0.9'}]}]}",
			&table);
	assert_cell(cells, 1, "[fd00::1]:80,10.0.0.9");
	json_decref(table);
}

static void test_workloads(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(
		SIM_DEPLOYMENTS,
		"{'metadata':{'name':'api','creationTimestamp':'" T5D "'},'spec':{'replicas':3,"
		"'selector':{'matchLabels':{'app':'api'},'matchExpressions':[{'key':'tier','operator':'In','values':['web','be']},"
		"{'key':'app.kubernetes.io/x','operator':'Exists'}]},"
		"'template':{'spec':{'containers':[{'name':'api','image':'api:1.2'},{'name':'proxy','image':'envoy:1'}]}}},"
		"'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}}",
		&table);
	assert_int_equal(json_array_size(cells), 8);
	assert_cell(cells, 1, "2/3");
	assert_cell_int(cells, 2, 3);
	assert_cell_int(cells, 3, 2);
	assert_cell(cells, 4, "5d");
	assert_cell(cells, 5, "api,proxy");
	assert_cell(cells, 6, "api:1.2,envoy:1");
	assert_cell(cells, 7, "app=api,app.kubernetes.io/x,tier in (be,web)");
	json_decref(table);

	cells = one_row(SIM_DEPLOYMENTS, "{'metadata':{'name':'d'},'spec':{}}", &table);
	assert_cell(cells, 1, "0/1"); /* replicas defaults to 1 */
	assert_cell(cells, 7, "");
	json_decref(table);

	cells = one_row(SIM_REPLICASETS,
			"{'metadata':{'name':'api-5d4'},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'api'}}},"
			"'status':{'replicas':3,'readyReplicas':1}}",
			&table);
	assert_cell_int(cells, 1, 3);
	assert_cell_int(cells, 2, 3);
	assert_cell_int(cells, 3, 1);
	assert_cell(cells, 7, "app=api");
	json_decref(table);
	cells = one_row(SIM_REPLICASETS, "{'metadata':{'name':'rs'}}", &table);
	assert_cell(cells, 7, "<none>");
	json_decref(table);

	cells = one_row(SIM_STATEFULSETS,
			"{'metadata':{'name':'db'},'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'pg','image':'postgres:16'}]}}},"
			"'status':{'readyReplicas':3}}",
			&table);
	assert_int_equal(json_array_size(cells), 5);
	assert_cell(cells, 1, "3/3");
	assert_cell(cells, 3, "pg");
	assert_cell(cells, 4, "postgres:16");
	json_decref(table);

	cells = one_row(SIM_PDBS, "{'metadata':{'name':'p'},'spec':{'minAvailable':'50%'},'status':{'disruptionsAllowed':1}}",
			&table);
	assert_cell(cells, 1, "50%");
	assert_cell(cells, 2, "N/A");
	assert_cell_int(cells, 3, 1);
	json_decref(table);
	cells = one_row(SIM_PDBS, "{'metadata':{'name':'p'},'spec':{'maxUnavailable':1}}", &table);
	assert_cell(cells, 1, "N/A");
	assert_cell(cells, 2, "1");
	json_decref(table);
}

static void test_jobs(void **state)
{
	(void)state;
	json_t *table;
	json_t *cells = one_row(SIM_JOBS,
				"{'metadata':{'name':'rebuild'},'spec':{'completions':3,'template':{'spec':{'containers':[{'name':'c','image':'i'}]}}},"
				"'status':{'succeeded':3,'startTime':'" T10D "','completionTime':'2023-11-04T22:15:20Z',"
				"'conditions':[{'type':'Complete','status':'True'}]}}",
				&table);
	assert_int_equal(json_array_size(cells), 8);
	assert_cell(cells, 1, "Complete");
	assert_cell(cells, 2, "3/3");
	assert_cell(cells, 3, "2m");
	assert_cell(cells, 7, "<none>");
	json_decref(table);
	cells = one_row(SIM_JOBS, "{'metadata':{'name':'j'},'spec':{},'status':{'startTime':'" T20S "'}}", &table);
	assert_cell(cells, 1, "Running");
	assert_cell(cells, 2, "0/1");
	assert_cell(cells, 3, "20s");
	json_decref(table);
	cells = one_row(SIM_JOBS,
			"{'metadata':{'name':'j'},'spec':{'parallelism':4},'status':{'succeeded':1,'conditions':"
			"[{'type':'Failed','status':'True'}]}}",
			&table);
	assert_cell(cells, 1, "Failed");
	assert_cell(cells, 2, "1/1 of 4");
	assert_cell(cells, 3, "");
	json_decref(table);

	cells = one_row(SIM_CRONJOBS,
			"{'metadata':{'name':'nightly'},'spec':{'schedule':'0 3 * * *','jobTemplate':{'spec':{'template':"
			"{'spec':{'containers':[{'name':'r','image':'rebuild:2'}]}}}}},'status':{'active':[{'name':'x'}],"
			"'lastScheduleTime':'" T2M "'}}",
			&table);
	assert_int_equal(json_array_size(cells), 10);
	assert_cell(cells, 1, "0 3 * * *");
	assert_cell(cells, 2, "<none>");
	assert_cell(cells, 3, "False");
	assert_cell_int(cells, 4, 1);
	assert_cell(cells, 5, "2m");
	assert_cell(cells, 7, "r");
	json_decref(table);
}

/* ---- table structure ------------------------------------------------------------------ */

static void test_table_shape(void **state)
{
	(void)state;
	json_t *items = js("[{'metadata':{'name':'a','namespace':'prod','labels':{'x':'y'}},'spec':{'nodeName':'n'}},"
			   "{'metadata':{'name':'b','namespace':'dev'}}, 42]");
	json_t *t = sim_table_build(sim_resource(SIM_PODS), items, true, NULL, NOW);
	assert_string_equal(json_string_value(json_object_get(t, "kind")), "Table");
	assert_string_equal(json_string_value(json_object_get(t, "apiVersion")), "meta.k8s.io/v1");
	json_t *cols = json_object_get(t, "columnDefinitions");
	assert_int_equal(json_array_size(cols), 9);
	json_t *c0 = json_array_get(cols, 0);
	assert_string_equal(json_string_value(json_object_get(c0, "name")), "Name");
	assert_string_equal(json_string_value(json_object_get(c0, "format")), "name");
	assert_int_equal(json_integer_value(json_object_get(c0, "priority")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(cols, 5), "priority")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 3), "name")), "Restarts");
	json_t *rows = json_object_get(t, "rows");
	assert_int_equal(json_array_size(rows), 2); /* the non-object item is skipped */
	json_t *obj = json_object_get(json_array_get(rows, 0), "object");
	assert_string_equal(json_string_value(json_object_get(obj, "kind")), "PartialObjectMetadata");
	assert_string_equal(json_string_value(json_object_get(obj, "apiVersion")), "meta.k8s.io/v1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(obj, "metadata"), "namespace")), "prod");
	assert_null(json_object_get(obj, "spec"));
	json_decref(t);

	t = sim_table_build(sim_resource(SIM_PODS), items, false, "Object", NOW);
	assert_null(json_object_get(t, "columnDefinitions"));
	obj = json_object_get(json_array_get(json_object_get(t, "rows"), 0), "object");
	assert_string_equal(json_string_value(json_object_get(json_object_get(obj, "spec"), "nodeName")), "n");
	json_decref(t);

	t = sim_table_build(sim_resource(SIM_PODS), items, true, "None", NOW);
	assert_null(json_object_get(json_array_get(json_object_get(t, "rows"), 0), "object"));
	json_decref(t);
	json_decref(items);

	items = json_array();
	t = sim_table_build(sim_resource(SIM_EVENTS), items, true, NULL, NOW);
	assert_int_equal(json_array_size(json_object_get(t, "rows")), 0);
	assert_int_equal(json_array_size(json_object_get(t, "columnDefinitions")), 10);
	json_decref(t);
	json_decref(items);
}

static void test_columns_every_resource(void **state)
{
	(void)state;
	/* Every resource: as many cells as columns, even for an empty object. */
	json_t *items = js("[{'metadata':{'name':'x'}}]");
	for (int r = 0; r < SIM_RES_COUNT; r++) {
		json_t *t = sim_table_build(sim_resource((enum sim_res)r), items, true, "Metadata", NOW);
		size_t ncols = json_array_size(json_object_get(t, "columnDefinitions"));
		json_t *cells = json_object_get(json_array_get(json_object_get(t, "rows"), 0), "cells");
		if (ncols < 2 || ncols != json_array_size(cells))
			fail_msg("%s: %zu columns, %zu cells", sim_resource((enum sim_res)r)->plural, ncols,
				 json_array_size(cells));
		json_decref(t);
	}
	json_decref(items);
}

int main(void)
{
	enum { N_POD = sizeof(pod_cases) / sizeof(pod_cases[0]) };
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_pod_wide),
		cmocka_unit_test(test_pod_row_conditions),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_workloads),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_columns_every_resource),
	};
	enum { N_FIXED = sizeof(fixed) / sizeof(fixed[0]) };
	/* One test per pod case, so each shows as its own TAP line. */
	static struct CMUnitTest tests[N_POD + N_FIXED];
	for (size_t i = 0; i < N_POD; i++)
		tests[i] = (struct CMUnitTest){.name = pod_cases[i].name,
					       .test_func = test_pod_case,
					       .initial_state = (void *)&pod_cases[i]};
	for (size_t i = 0; i < N_FIXED; i++)
		tests[N_POD + i] = fixed[i];
	return _cmocka_run_group_tests("sim_table", tests, N_POD + N_FIXED, NULL, NULL);
}
