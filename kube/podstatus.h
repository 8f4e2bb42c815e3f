#ifndef KUBE_PODSTATUS_H
#define KUBE_PODSTATUS_H
/* kube/podstatus: the READY, STATUS and RESTARTS columns of a pod exactly as
 * `kubectl get pods` prints them (Running, Pending, ContainerCreating, CrashLoopBackOff,
 * ImagePullBackOff, Error, Completed, Init:0/1, Init:CrashLoopBackOff, Terminating,
 * Unknown, Evicted, OOMKilled, NodeLost, Signal:9, ExitCode:1, SchedulingGated,
 * NotReady ...), computed from the pod's JSON.
 * Contract: pure; never fails (missing fields are treated as Kubernetes treats them);
 * output strings are plain ASCII built from the pod's reason strings, truncated to fit.
 * This is warroom's own implementation: warroom-sim has a separate one, and tests check
 * that the two agree with each other and with Kubernetes' printer test cases.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct kube_pod_status {
	char status[64];        /* the STATUS column */
	int ready;              /* READY = ready/total, counting regular containers ... */
	int total;              /* ... and restartable init containers (sidecars) */
	int restarts;           /* RESTARTS count */
	time_t last_restart;    /* when the latest restart's container terminated, 0 if none
				 * (kubectl prints "5 (2m ago)") */
	bool healthy;           /* Running with every container ready, or Completed */
};

void kube_pod_status(const json_t *pod, struct kube_pod_status *out);

#endif
