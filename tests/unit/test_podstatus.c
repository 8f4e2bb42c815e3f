/* Unit tests for kube/podstatus: READY/STATUS/RESTARTS as `kubectl get pods` prints them.
 *
 * The first group re-expresses, as pod JSON, the input/expected pairs of Kubernetes'
 * own printer tests (pkg/printers/internalversion/printers_test.go: TestPrintPod,
 * TestPrintPodWithRestartableInitContainer, TestPrintPodwide, TestPrintPodConditions,
 * TestPrintNonTerminatedPod).  "Now" there is time.Now(); here it is fixed at
 * 2024-05-01T12:00:00Z and "3 (10s ago)" becomes restarts 3 with last_restart = T-10.
 * The second group covers the runbook states and real-world shapes, the third hostile
 * or malformed input.
 *
 * JSON is written with single quotes for legibility; they become double quotes before
 * parsing (no case needs a literal single quote).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kube/podstatus.h"

enum { T = 1714564800 }; /* 2024-05-01T12:00:00Z */

struct pod_case {
	const char *name;
	const char *json;
	int ready, total;
	const char *status;
	int restarts;
	long long last_restart; /* epoch seconds, 0 for none */
	bool healthy;
};

/* Shorthands for the pieces the cases repeat. */
#define C2 "'spec':{'containers':[{'name':'a'},{'name':'b'}]}"
#define C1 "'spec':{'containers':[{'name':'a'}]}"
#define RUN_READY "{'ready':true,'restartCount':3,'state':{'running':{}}}"
#define T10S "'2024-05-01T11:59:50Z'"
#define T20S "'2024-05-01T11:59:40Z'"
#define T2M "'2024-05-01T11:58:00Z'"
#define DEL "'metadata':{'name':'p','deletionTimestamp':'2024-05-01T11:59:50Z'}"

static const struct pod_case cases[] = {
	/* ---- TestPrintPod ---- */
	{ "k8s test1: phase, ready count, restarts",
	  "{" C2 ",'status':{'phase':'podPhase','containerStatuses':[" RUN_READY ",{'restartCount':3}]}}",
	  1, 2, "podPhase", 6, 0, false },
	{ "k8s test2: container waiting reason overrides phase",
	  "{" C2 ",'status':{'phase':'podPhase','containerStatuses':[" RUN_READY
	  ",{'state':{'waiting':{'reason':'ContainerWaitingReason'}},'restartCount':3}]}}",
	  1, 2, "ContainerWaitingReason", 6, 0, false },
	{ "k8s test3: the first container's reason wins",
	  "{" C2 ",'status':{'phase':'podPhase','containerStatuses':["
	  "{'state':{'waiting':{'reason':'ContainerWaitingReason'}},'restartCount':3},"
	  "{'state':{'terminated':{'reason':'ContainerTerminatedReason'}},'restartCount':3}]}}",
	  0, 2, "ContainerWaitingReason", 6, 0, false },
	{ "k8s test4: ready without running is not counted",
	  "{" C2 ",'status':{'phase':'podPhase','containerStatuses':[" RUN_READY
	  ",{'ready':true,'restartCount':3}]}}",
	  1, 2, "podPhase", 6, 0, false },
	{ "k8s test5: status.reason overrides phase",
	  "{" C2 ",'status':{'reason':'podReason','phase':'podPhase','containerStatuses':[" RUN_READY
	  ",{'ready':true,'restartCount':3}]}}",
	  1, 2, "podReason", 6, 0, false },
	{ "k8s test6: Completed plus running without Ready condition is NotReady",
	  "{" C2 ",'status':{'phase':'Running','reason':'','containerStatuses':["
	  "{'ready':true,'restartCount':3,'state':{'terminated':{'reason':'Completed','exitCode':0}}},"
	  RUN_READY "]}}",
	  1, 2, "NotReady", 6, 0, false },
	{ "k8s test6b: Completed plus running with Ready condition is Running",
	  "{" C2 ",'status':{'phase':'Running','reason':'','containerStatuses':["
	  "{'ready':true,'restartCount':3,'state':{'terminated':{'reason':'Completed','exitCode':0}}},"
	  RUN_READY "],'conditions':[{'type':'Ready','status':'True'}]}}",
	  1, 2, "Running", 6, 0, false },
	{ "k8s test7: init container restarting",
	  "{'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},"
	  "'status':{'phase':'podPhase','initContainerStatuses':[{'ready':false,'restartCount':3,"
	  "'state':{'running':{}},'lastState':{'terminated':{'finishedAt':" T10S "}}}],"
	  "'containerStatuses':[{'ready':false,'restartCount':0,'state':{'waiting':{}}}]}}",
	  0, 1, "Init:0/1", 3, T - 10, false },
	{ "k8s test8: two init containers, first restarting",
	  "{'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],'containers':[{'name':'a'}]},"
	  "'status':{'phase':'podPhase','initContainerStatuses':["
	  "{'ready':false,'restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':" T10S "}}},"
	  "{'ready':false,'state':{'waiting':{}}}],"
	  "'containerStatuses':[{'ready':false,'state':{'waiting':{}}}]}}",
	  0, 1, "Init:0/2", 3, T - 10, false },
	{ "k8s test9: first init done, second restarting",
	  "{'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],'containers':[{'name':'a'}]},"
	  "'status':{'phase':'podPhase','initContainerStatuses':["
	  "{'ready':false,'state':{'terminated':{}}},"
	  "{'ready':false,'restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':" T10S "}}}],"
	  "'containerStatuses':[{'ready':false,'state':{'waiting':{}}}]}}",
	  0, 1, "Init:1/2", 3, T - 10, false },
	{ "k8s test10: restarts of a finished init container count",
	  "{'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],'containers':[{'name':'a'}]},"
	  "'status':{'phase':'podPhase','initContainerStatuses':["
	  "{'ready':false,'restartCount':2,'state':{'terminated':{}},'lastState':{'terminated':{'finishedAt':" T2M "}}},"
	  "{'ready':false,'restartCount':3,'state':{'running':{}},'lastState':{'terminated':{'finishedAt':" T10S "}}}],"
	  "'containerStatuses':[{'ready':false,'state':{'waiting':{}}}]}}",
	  0, 1, "Init:1/2", 5, T - 10, false },
	{ "k8s test11: after init only regular containers' restarts count",
	  "{'spec':{'initContainers':[{'name':'i1'}],'containers':[{'name':'a'}]},"
	  "'status':{'phase':'Running','initContainerStatuses':["
	  "{'ready':false,'restartCount':2,'state':{'terminated':{}},'lastState':{'terminated':{'finishedAt':" T2M "}}}],"
	  "'containerStatuses':[{'ready':false,'restartCount':4,'state':{'running':{}},"
	  "'lastState':{'terminated':{'finishedAt':" T20S "}}}]}}",
	  0, 1, "Running", 4, T - 20, false },
	{ "k8s test12: restarted 5d ago",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':true,'restartCount':3,"
	  "'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'2024-04-26T12:00:00Z'}}}]}}",
	  1, 1, "Running", 3, T - 5 * 86400, true },
	{ "k8s test13: one never restarted, one 10d ago",
	  "{" C2 ",'status':{'phase':'Running','containerStatuses':["
	  "{'ready':true,'restartCount':0,'state':{'running':{}}},"
	  "{'ready':true,'restartCount':3,'state':{'running':{}},"
	  "'lastState':{'terminated':{'finishedAt':'2024-04-21T12:00:00Z'}}}]}}",
	  2, 2, "Running", 3, T - 10 * 86400, true },
	{ "k8s test14: latest of two restart times",
	  "{" C2 ",'status':{'phase':'Running','containerStatuses':["
	  "{'ready':true,'restartCount':6,'state':{'running':{}},"
	  "'lastState':{'terminated':{'finishedAt':'2024-04-26T12:00:00Z'}}},"
	  "{'ready':true,'restartCount':3,'state':{'running':{}},"
	  "'lastState':{'terminated':{'finishedAt':'2024-04-11T12:00:00Z'}}}]}}",
	  2, 2, "Running", 9, T - 5 * 86400, true },
	{ "k8s test15: SchedulingGated",
	  "{" C2 ",'status':{'phase':'podPhase','conditions':[{'type':'PodScheduled','status':'False',"
	  "'reason':'SchedulingGated'}]}}",
	  0, 2, "SchedulingGated", 0, 0, false },
	{ "k8s test16: Succeeded shows Completed",
	  "{" C1 ",'status':{'phase':'Succeeded','containerStatuses':[{'ready':false,'restartCount':0,"
	  "'state':{'terminated':{'reason':'Completed','exitCode':0}}}]}}",
	  0, 1, "Completed", 0, 0, true },
	{ "k8s test17: Failed shows Error",
	  "{" C1 ",'status':{'phase':'Failed','containerStatuses':[{'ready':false,'restartCount':0,"
	  "'state':{'terminated':{'reason':'Error','exitCode':1}}}]}}",
	  0, 1, "Error", 0, 0, false },
	{ "k8s test18: deleting a Succeeded pod still shows Completed",
	  "{" DEL "," C1 ",'status':{'phase':'Succeeded','containerStatuses':[{'ready':false,"
	  "'state':{'terminated':{'reason':'Completed','exitCode':0}}}]}}",
	  0, 1, "Completed", 0, 0, true },
	{ "k8s test19: deleting a Running pod shows Terminating",
	  "{" DEL "," C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':false,"
	  "'state':{'running':{}}}]}}",
	  0, 1, "Terminating", 0, 0, false },
	{ "k8s test20: deleting a Pending pod shows Terminating",
	  "{" DEL "," C1 ",'status':{'phase':'Pending'}}",
	  0, 1, "Terminating", 0, 0, false },
	/* ---- TestPrintPodWithRestartableInitContainer ---- */
	{ "k8s sidecar test1: first sidecar running but not started",
	  "{'spec':{'initContainers':[{'name':'s1','restartPolicy':'Always'},{'name':'s2','restartPolicy':'Always'}],"
	  "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':["
	  "{'name':'s1','ready':false,'restartCount':3,'state':{'running':{}},'started':false,"
	  "'lastState':{'terminated':{'finishedAt':" T10S "}}},"
	  "{'name':'s2','ready':false,'state':{'waiting':{}},'started':false}],"
	  "'containerStatuses':[{'ready':false,'restartCount':0,'state':{'waiting':{}}}],"
	  "'conditions':[{'type':'Initialized','status':'False'}]}}",
	  0, 3, "Init:0/2", 3, T - 10, false },
	{ "k8s sidecar test1b: first started, second not",
	  "{'spec':{'initContainers':[{'name':'s1','restartPolicy':'Always'},{'name':'s2','restartPolicy':'Always'}],"
	  "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':["
	  "{'name':'s1','ready':false,'restartCount':3,'state':{'running':{}},'started':true,"
	  "'lastState':{'terminated':{'finishedAt':" T10S "}}},"
	  "{'name':'s2','ready':false,'state':{'running':{}},'started':false}],"
	  "'containerStatuses':[{'ready':false,'restartCount':0,'state':{'waiting':{}}}],"
	  "'conditions':[{'type':'Initialized','status':'False'}]}}",
	  0, 3, "Init:1/2", 3, T - 10, false },
	{ "k8s sidecar test2: sidecars started, container running",
	  "{'spec':{'initContainers':[{'name':'s1','restartPolicy':'Always'},{'name':'s2','restartPolicy':'Always'}],"
	  "'containers':[{'name':'a'}]},'status':{'phase':'Running','initContainerStatuses':["
	  "{'name':'s1','ready':false,'restartCount':3,'state':{'running':{}},'started':true,"
	  "'lastState':{'terminated':{'finishedAt':" T10S "}}},"
	  "{'name':'s2','ready':false,'state':{'running':{}},'started':true}],"
	  "'containerStatuses':[{'ready':true,'restartCount':4,'state':{'running':{}},"
	  "'lastState':{'terminated':{'finishedAt':" T20S "}}}],"
	  "'conditions':[{'type':'Initialized','status':'True'}]}}",
	  1, 3, "Running", 7, T - 10, false },
	{ "k8s sidecar test3: sidecars failed, container completed",
	  "{'spec':{'initContainers':[{'name':'s1','restartPolicy':'Always'},{'name':'s2','restartPolicy':'Always'}],"
	  "'containers':[{'name':'a'}]},'status':{'phase':'Succeeded','initContainerStatuses':["
	  "{'name':'s1','ready':false,'restartCount':3,'state':{'terminated':{'reason':'Error','exitCode':137}},"
	  "'started':false,'lastState':{'terminated':{'finishedAt':" T10S "}}},"
	  "{'name':'s2','ready':false,'state':{'terminated':{'reason':'Error','exitCode':137}},'started':false}],"
	  "'containerStatuses':[{'ready':false,'restartCount':4,'state':{'terminated':{'reason':'Completed','exitCode':0}},"
	  "'lastState':{'terminated':{'finishedAt':" T20S "}}}],"
	  "'conditions':[{'type':'Initialized','status':'True'}]}}",
	  0, 3, "Completed", 7, T - 10, true },
	{ "k8s sidecar test4: statuses for containers not in the spec",
	  "{'spec':{'initContainers':[{'name':'init1','image':'initimage'},"
	  "{'name':'sidecar1','image':'sidecarimage','restartPolicy':'Always'}],"
	  "'containers':[{'name':'container1','image':'containerimage'}]},"
	  "'status':{'phase':'Running','initContainerStatuses':[{'name':'initinvalid'},{'name':'init1'},"
	  "{'name':'sidecar1'}],'containerStatuses':[{'name':'containerinvalid'},{'name':'container1'}]}}",
	  0, 2, "Init:0/2", 0, 0, false },
	/* ---- TestPrintPodwide (the wide columns do not change these) ---- */
	{ "k8s wide test1: node, IPs and readiness gates ignored",
	  "{'spec':{'containers':[{'name':'a'},{'name':'b'}],'nodeName':'test1','readinessGates':["
	  "{'conditionType':'condition1'},{'conditionType':'condition2'},{'conditionType':'condition3'}]},"
	  "'status':{'conditions':[{'type':'condition1','status':'False'},{'type':'condition2','status':'True'}],"
	  "'phase':'podPhase','podIPs':[{'ip':'1.1.1.1'},{'ip':'2001:db8::'}],'containerStatuses':["
	  RUN_READY ",{'restartCount':3}],'nominatedNodeName':'node1'}}",
	  1, 2, "podPhase", 6, 0, false },
	{ "k8s wide test2: no node, no IP",
	  "{'spec':{'containers':[{'name':'a'},{'name':'b'}],'nodeName':''},'status':{'phase':'podPhase',"
	  "'containerStatuses':[" RUN_READY ",{'state':{'waiting':{'reason':'ContainerWaitingReason'}},"
	  "'restartCount':3}]}}",
	  1, 2, "ContainerWaitingReason", 6, 0, false },
	/* ---- TestPrintPodConditions / TestPrintNonTerminatedPod ---- */
	{ "k8s conditions: running, one of two ready",
	  "{" C2 ",'status':{'phase':'Running','containerStatuses':[" RUN_READY ",{'restartCount':3}]}}",
	  1, 2, "Running", 6, 0, false },
	{ "k8s conditions: Succeeded phase printed as is",
	  "{" C2 ",'status':{'phase':'Succeeded','containerStatuses':[" RUN_READY ",{'restartCount':3}]}}",
	  1, 2, "Succeeded", 6, 0, true },
	{ "k8s conditions: Failed phase printed as is",
	  "{" C2 ",'status':{'phase':'Failed','containerStatuses':[" RUN_READY ",{'restartCount':3}]}}",
	  1, 2, "Failed", 6, 0, false },
	{ "k8s non-terminated: Pending",
	  "{" C2 ",'status':{'phase':'Pending','containerStatuses':[" RUN_READY ",{'restartCount':3}]}}",
	  1, 2, "Pending", 6, 0, false },
	{ "k8s non-terminated: Unknown",
	  "{" C2 ",'status':{'phase':'Unknown','containerStatuses':[" RUN_READY ",{'restartCount':3}]}}",
	  1, 2, "Unknown", 6, 0, false },
	{ "k8s non-terminated: Failed with a ready non-running container",
	  "{" C2 ",'status':{'phase':'Failed','containerStatuses':[" RUN_READY
	  ",{'ready':true,'restartCount':3}]}}",
	  1, 2, "Failed", 6, 0, false },

	/* ---- runbook states and real-world shapes ---- */
	{ "healthy Running pod",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':true,"
	  "'restartCount':0,'state':{'running':{'startedAt':'2024-05-01T10:00:00Z'}}}],"
	  "'conditions':[{'type':'Ready','status':'True'}]}}",
	  1, 1, "Running", 0, 0, true },
	{ "CrashLoopBackOff with climbing restarts",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':false,"
	  "'restartCount':17,'state':{'waiting':{'reason':'CrashLoopBackOff','message':'back-off 5m0s'}},"
	  "'lastState':{'terminated':{'reason':'Error','exitCode':1,'finishedAt':" T2M "}}}]}}",
	  0, 1, "CrashLoopBackOff", 17, T - 120, false },
	{ "ImagePullBackOff",
	  "{" C1 ",'status':{'phase':'Pending','containerStatuses':[{'name':'a','ready':false,"
	  "'restartCount':0,'state':{'waiting':{'reason':'ImagePullBackOff'}}}]}}",
	  0, 1, "ImagePullBackOff", 0, 0, false },
	{ "ErrImagePull",
	  "{" C1 ",'status':{'phase':'Pending','containerStatuses':[{'name':'a','ready':false,"
	  "'restartCount':0,'state':{'waiting':{'reason':'ErrImagePull'}}}]}}",
	  0, 1, "ErrImagePull", 0, 0, false },
	{ "OOMKilled",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':false,"
	  "'restartCount':2,'state':{'terminated':{'reason':'OOMKilled','exitCode':137}},"
	  "'lastState':{'terminated':{'reason':'OOMKilled','exitCode':137,'finishedAt':" T20S "}}}]}}",
	  0, 1, "OOMKilled", 2, T - 20, false },
	{ "ContainerCreating",
	  "{" C1 ",'status':{'phase':'Pending','containerStatuses':[{'name':'a','ready':false,"
	  "'restartCount':0,'state':{'waiting':{'reason':'ContainerCreating'}}}]}}",
	  0, 1, "ContainerCreating", 0, 0, false },
	{ "Pending and unschedulable",
	  "{" C1 ",'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
	  "'reason':'Unschedulable'}]}}",
	  0, 1, "Pending", 0, 0, false },
	{ "Error in a Running pod",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':false,"
	  "'restartCount':1,'state':{'terminated':{'reason':'Error','exitCode':2}}}]}}",
	  0, 1, "Error", 1, 0, false },
	{ "Evicted",
	  "{" C1 ",'status':{'phase':'Failed','reason':'Evicted',"
	  "'message':'The node was low on resource: memory.'}}",
	  0, 1, "Evicted", 0, 0, false },
	{ "NodeLost while deleting shows Unknown",
	  "{" DEL "," C1 ",'status':{'phase':'Running','reason':'NodeLost','containerStatuses':["
	  "{'name':'a','ready':false,'state':{'running':{}}}]}}",
	  0, 1, "Unknown", 0, 0, false },
	{ "NodeLost without deletion keeps the reason",
	  "{" C1 ",'status':{'phase':'Running','reason':'NodeLost'}}",
	  0, 1, "NodeLost", 0, 0, false },
	{ "deleting a Failed pod keeps its reason",
	  "{" DEL "," C1 ",'status':{'phase':'Failed','containerStatuses':[{'ready':false,"
	  "'state':{'terminated':{'reason':'Error','exitCode':1}}}]}}",
	  0, 1, "Error", 0, 0, false },
	{ "Signal:9 without a reason",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':false,"
	  "'state':{'terminated':{'signal':9,'exitCode':137}}}]}}",
	  0, 1, "Signal:9", 0, 0, false },
	{ "ExitCode:2 without a reason",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':false,"
	  "'state':{'terminated':{'exitCode':2}}}]}}",
	  0, 1, "ExitCode:2", 0, 0, false },
	{ "Init:Signal:15",
	  "{'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},'status':{'phase':'Pending',"
	  "'initContainerStatuses':[{'name':'i','state':{'terminated':{'signal':15,'exitCode':143}}}]}}",
	  0, 1, "Init:Signal:15", 0, 0, false },
	{ "Init:ExitCode:1",
	  "{'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},'status':{'phase':'Pending',"
	  "'initContainerStatuses':[{'name':'i','state':{'terminated':{'exitCode':1}}}]}}",
	  0, 1, "Init:ExitCode:1", 0, 0, false },
	{ "Init:Error with its reason",
	  "{'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},'status':{'phase':'Pending',"
	  "'initContainerStatuses':[{'name':'i','restartCount':1,'state':{'terminated':{'reason':'Error','exitCode':1}}}]}}",
	  0, 1, "Init:Error", 1, 0, false },
	{ "Init:CrashLoopBackOff",
	  "{'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},'status':{'phase':'Pending',"
	  "'initContainerStatuses':[{'name':'i','restartCount':4,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
	  "'lastState':{'terminated':{'exitCode':1,'finishedAt':" T20S "}}}],"
	  "'containerStatuses':[{'name':'a','state':{'waiting':{'reason':'PodInitializing'}}}]}}",
	  0, 1, "Init:CrashLoopBackOff", 4, T - 20, false },
	{ "waiting PodInitializing counts as Init:N/M",
	  "{'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},'status':{'phase':'Pending',"
	  "'initContainerStatuses':[{'name':'i','state':{'waiting':{'reason':'PodInitializing'}}}]}}",
	  0, 1, "Init:0/1", 0, 0, false },
	{ "sidecar started and ready counts in READY",
	  "{'spec':{'initContainers':[{'name':'s','restartPolicy':'Always'}],'containers':[{'name':'a'}]},"
	  "'status':{'phase':'Running','initContainerStatuses':[{'name':'s','ready':true,'started':true,"
	  "'state':{'running':{}}}],'containerStatuses':[{'name':'a','ready':true,'state':{'running':{}}}],"
	  "'conditions':[{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}]}}",
	  2, 2, "Running", 0, 0, true },
	{ "all containers Completed in a Running pod",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':false,"
	  "'state':{'terminated':{'reason':'Completed','exitCode':0}}}]}}",
	  0, 1, "Completed", 0, 0, false },
	{ "finishedAt with fraction and offset",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':true,'restartCount':1,"
	  "'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'2024-05-01T13:59:50.123456+02:00'}}}]}}",
	  1, 1, "Running", 1, T - 10, true },
	{ "restart time without restarts is not reported",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':true,'restartCount':0,"
	  "'state':{'running':{}},'lastState':{'terminated':{'finishedAt':" T10S "}}}]}}",
	  1, 1, "Running", 0, 0, true },

	/* ---- hostile and malformed input ---- */
	{ "empty object",
	  "{}", 0, 0, "", 0, 0, false },
	{ "not an object", "[1,2,3]", 0, 0, "", 0, 0, false },
	{ "wrong types everywhere",
	  "{'metadata':7,'spec':{'containers':'x','initContainers':{}},'status':{'phase':5,"
	  "'reason':[],'conditions':'c','containerStatuses':{'a':1},'initContainerStatuses':3}}",
	  0, 0, "", 0, 0, false },
	{ "mistyped container status fields",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':'yes','restartCount':'9',"
	  "'state':{'waiting':'CrashLoopBackOff','terminated':[]},'lastState':{'terminated':{'finishedAt':42}}},"
	  "7,null]}}",
	  0, 1, "Running", 0, 0, false },
	{ "garbage timestamps read as no time",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':true,'restartCount':2,"
	  "'state':{'running':{}},'lastState':{'terminated':{'finishedAt':'2024-13-45T99:00:00Z'}}}]}}",
	  1, 1, "Running", 2, 0, true },
	{ "escape sequences in a reason become plain ASCII",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':false,"
	  "'state':{'waiting':{'reason':'\\u001b[2J\\u001b]0;x\\u0007Bad\\u00e9'}}}]}}",
	  0, 1, "?[2J?]0;x?Bad??", 0, 0, false },
	{ "a very long reason is truncated",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'ready':false,'state':{'waiting':{'reason':"
	  "'AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDDEEEEEEEEEEFFFFFFFFFFGGGGGGGGGGHHHHHHHHHH'}}}]}}",
	  0, 1, "AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDDEEEEEEEEEEFFFFFFFFFFGGG", 0, 0, false },
	{ "restart counts saturate instead of overflowing",
	  "{" C2 ",'status':{'phase':'Running','containerStatuses':[{'ready':true,'restartCount':2147483647,"
	  "'state':{'running':{}}},{'ready':true,'restartCount':99999999999,'state':{'running':{}}},"
	  "{'restartCount':-5}]}}",
	  2, 2, "Running", INT_MAX, 0, true },
	{ "huge exit code and negative signal",
	  "{" C1 ",'status':{'phase':'Running','containerStatuses':[{'state':{'terminated':"
	  "{'signal':-9223372036854775807}}}]}}",
	  0, 1, "Signal:-9223372036854775807", 0, 0, false },
	{ "null deletionTimestamp is not a deletion",
	  "{'metadata':{'deletionTimestamp':null}," C1 ",'status':{'phase':'Pending'}}",
	  0, 1, "Pending", 0, 0, false },
};

static json_t *parse_case(const char *sq)
{
	char *dq = strdup(sq);
	assert_non_null(dq);
	for (char *p = dq; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t err;
	json_t *j = json_loads(dq, JSON_DECODE_ANY, &err);
	if (!j)
		print_error("case JSON does not parse: %s at column %d\n%s\n", err.text, err.column, dq);
	free(dq);
	assert_non_null(j);
	return j;
}

static void run_case(void **state)
{
	const struct pod_case *c = *state;
	json_t *pod = parse_case(c->json);
	struct kube_pod_status st;
	memset(&st, 0x5a, sizeof(st));
	kube_pod_status(pod, &st);
	json_decref(pod);
	if (strcmp(st.status, c->status) != 0 || st.ready != c->ready || st.total != c->total ||
	    st.restarts != c->restarts || (long long)st.last_restart != c->last_restart ||
	    st.healthy != c->healthy)
		print_error("%s:\n  got  %d/%d '%s' restarts %d last %lld healthy %d\n"
			    "  want %d/%d '%s' restarts %d last %lld healthy %d\n",
			    c->name, st.ready, st.total, st.status, st.restarts,
			    (long long)st.last_restart, st.healthy, c->ready, c->total, c->status,
			    c->restarts, c->last_restart, c->healthy);
	assert_string_equal(st.status, c->status);
	assert_int_equal(st.ready, c->ready);
	assert_int_equal(st.total, c->total);
	assert_int_equal(st.restarts, c->restarts);
	assert_int_equal((long long)st.last_restart, c->last_restart);
	assert_int_equal(st.healthy, c->healthy);
}

static void test_null_pod(void **state)
{
	(void)state;
	struct kube_pod_status st;
	memset(&st, 0x5a, sizeof(st));
	kube_pod_status(NULL, &st);
	assert_string_equal(st.status, "");
	assert_int_equal(st.total, 0);
	assert_int_equal(st.restarts, 0);
	assert_false(st.healthy);
}

/* The status is always a terminated, printable ASCII string whatever the reason. */
static void test_status_always_printable_ascii(void **state)
{
	(void)state;
	for (int b = 1; b < 256; b++) {
		char reason[200];
		for (size_t i = 0; i < sizeof(reason) - 1; i++)
			reason[i] = (char)(i % 3 ? b : 'x');
		reason[sizeof(reason) - 1] = '\0';
		json_t *pod = json_pack("{s:{s:s,s:[{s:{s:{s:s}}}]}}", "status", "phase", "Running",
					"containerStatuses", "state", "waiting", "reason", reason);
		if (!pod)
			continue; /* jansson refuses invalid UTF-8: nothing to test for this byte */
		struct kube_pod_status st;
		kube_pod_status(pod, &st);
		json_decref(pod);
		size_t n = strnlen(st.status, sizeof(st.status));
		assert_true(n < sizeof(st.status));
		for (size_t i = 0; i < n; i++)
			assert_true(st.status[i] >= 0x20 && st.status[i] < 0x7f);
	}
}

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	struct CMUnitTest tests[N_CASES + 2];
	for (size_t i = 0; i < N_CASES; i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(run_case, (void *)&cases[i]);
		tests[i].name = cases[i].name;
	}
	tests[N_CASES] = (struct CMUnitTest)cmocka_unit_test(test_null_pod);
	tests[N_CASES + 1] = (struct CMUnitTest)cmocka_unit_test(test_status_always_printable_ascii);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
