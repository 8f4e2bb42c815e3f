/* sim/table_pod: the pod row of the server-side Table, STATUS computed the way the
 * Kubernetes pod printer does (pkg/printers/internalversion, printPod): phase or reason,
 * SchedulingGated, init containers (Init:N/M, Init:<reason>, Init:Signal:N,
 * Init:ExitCode:N), sidecars (restartable init containers count towards READY), the last
 * container's waiting/terminated reason, Completed turning back into Running/NotReady while
 * a container still runs, Terminating and Unknown (NodeLost) for pods being deleted.
 * Written from the printer's documented behaviour and its tests, not shared with warroom.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sim/table.h"
#include "sim/table_int.h"

/* Everything the pod row derives from containers and conditions. */
struct pod_summary {
	char *reason; /* the STATUS cell */
	long long ready, total, restarts;
	time_t last_restart; /* 0: never */
};

static bool pod_has_condition(const json_t *pod, const char *type, const char *status,
			      const char *reason)
{
	size_t i;
	json_t *c;
	json_array_foreach(tbl_get(pod, "status.conditions"), i, c) {
		if (strcmp(tbl_str(c, "type"), type))
			continue;
		if (status && strcmp(tbl_str(c, "status"), status))
			continue;
		if (reason && strcmp(tbl_str(c, "reason"), reason))
			continue;
		return true;
	}
	return false;
}

/* A sidecar: an init container whose own restartPolicy is Always. */
static bool pod_init_is_sidecar(const json_t *pod, const char *name)
{
	size_t i;
	json_t *c;
	json_array_foreach(tbl_get(pod, "spec.initContainers"), i, c) {
		if (!strcmp(tbl_str(c, "name"), name))
			return !strcmp(tbl_str(c, "restartPolicy"), "Always");
	}
	return false;
}

static void pod_set_reason(struct pod_summary *s, char *reason)
{
	free(s->reason);
	s->reason = reason;
}

/* Remembers the newest lastState.terminated.finishedAt of a container status. */
static void pod_note_restart(const json_t *cs, time_t *latest)
{
	time_t t;
	if (tbl_time(cs, "lastState.terminated.finishedAt", &t) && t > *latest)
		*latest = t;
}

/* The init container loop; returns true while the pod is still initialising. */
static bool pod_scan_init(const json_t *pod, struct pod_summary *s, long long *sidecar_restarts,
			  time_t *sidecar_last)
{
	json_t *statuses = tbl_get(pod, "status.initContainerStatuses");
	size_t n_init = json_array_size(tbl_get(pod, "spec.initContainers"));
	size_t i;
	json_t *cs;
	json_array_foreach(statuses, i, cs) {
		const char *name = tbl_str(cs, "name");
		bool sidecar = pod_init_is_sidecar(pod, name);
		long long rc = tbl_int(cs, "restartCount", 0);
		s->restarts += rc;
		pod_note_restart(cs, &s->last_restart);
		if (sidecar) {
			*sidecar_restarts += rc;
			pod_note_restart(cs, sidecar_last);
		}
		json_t *term = tbl_get(cs, "state.terminated");
		json_t *wait = tbl_get(cs, "state.waiting");
		if (json_is_object(term) && tbl_int(term, "exitCode", 0) == 0)
			continue;
		if (sidecar && json_is_true(json_object_get(cs, "started"))) {
			if (json_is_true(json_object_get(cs, "ready")))
				s->ready++;
			continue;
		}
		if (json_is_object(term)) {
			const char *r = tbl_str(term, "reason");
			if (*r)
				pod_set_reason(s, xasprintf("Init:%s", r));
			else if (tbl_int(term, "signal", 0) != 0)
				pod_set_reason(s, xasprintf("Init:Signal:%lld", tbl_int(term, "signal", 0)));
			else
				pod_set_reason(s, xasprintf("Init:ExitCode:%lld",
							    tbl_int(term, "exitCode", 0)));
		} else if (json_is_object(wait) && *tbl_str(wait, "reason") &&
			   strcmp(tbl_str(wait, "reason"), "PodInitializing")) {
			pod_set_reason(s, xasprintf("Init:%s", tbl_str(wait, "reason")));
		} else {
			pod_set_reason(s, xasprintf("Init:%zu/%zu", i, n_init));
		}
		return true;
	}
	return false;
}

/* The regular containers, last to first as the printer walks them (so the first
 * container's state wins). */
static void pod_scan_containers(const json_t *pod, struct pod_summary *s)
{
	json_t *statuses = tbl_get(pod, "status.containerStatuses");
	bool has_running = false;
	for (size_t i = json_array_size(statuses); i-- > 0;) {
		json_t *cs = json_array_get(statuses, i);
		s->restarts += tbl_int(cs, "restartCount", 0);
		pod_note_restart(cs, &s->last_restart);
		json_t *term = tbl_get(cs, "state.terminated");
		json_t *wait = tbl_get(cs, "state.waiting");
		if (json_is_object(wait) && *tbl_str(wait, "reason")) {
			pod_set_reason(s, xstrdup(tbl_str(wait, "reason")));
		} else if (json_is_object(term) && *tbl_str(term, "reason")) {
			pod_set_reason(s, xstrdup(tbl_str(term, "reason")));
		} else if (json_is_object(term)) {
			if (tbl_int(term, "signal", 0) != 0)
				pod_set_reason(s, xasprintf("Signal:%lld", tbl_int(term, "signal", 0)));
			else
				pod_set_reason(s, xasprintf("ExitCode:%lld", tbl_int(term, "exitCode", 0)));
		} else if (json_is_true(json_object_get(cs, "ready")) &&
			   json_is_object(tbl_get(cs, "state.running"))) {
			has_running = true;
			s->ready++;
		}
	}
	/* A pod whose containers partly completed still runs. */
	if (!strcmp(s->reason, "Completed") && has_running)
		pod_set_reason(s, xstrdup(pod_has_condition(pod, "Ready", "True", NULL) ? "Running"
										     : "NotReady"));
}

static void pod_summarise(const json_t *pod, struct pod_summary *s)
{
	memset(s, 0, sizeof(*s));
	const char *phase = tbl_str(pod, "status.phase");
	const char *reason = tbl_str(pod, "status.reason");
	s->reason = xstrdup(*reason ? reason : phase);
	if (pod_has_condition(pod, "PodScheduled", NULL, "SchedulingGated"))
		pod_set_reason(s, xstrdup("SchedulingGated"));

	s->total = (long long)json_array_size(tbl_get(pod, "spec.containers"));
	size_t i;
	json_t *ic;
	json_array_foreach(tbl_get(pod, "spec.initContainers"), i, ic)
		if (!strcmp(tbl_str(ic, "restartPolicy"), "Always"))
			s->total++;

	long long sidecar_restarts = 0;
	time_t sidecar_last = 0;
	bool initializing = pod_scan_init(pod, s, &sidecar_restarts, &sidecar_last);
	if (!initializing || pod_has_condition(pod, "Initialized", "True", NULL)) {
		/* Init containers' restarts no longer count once the pod is initialised, except
		 * the sidecars', which keep running beside the main containers. */
		s->restarts = sidecar_restarts;
		s->last_restart = sidecar_last;
		pod_scan_containers(pod, s);
	}

	bool deleting = tbl_get(pod, "metadata.deletionTimestamp") &&
			!json_is_null(tbl_get(pod, "metadata.deletionTimestamp"));
	bool terminal = !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed");
	if (deleting && !strcmp(reason, "NodeLost"))
		pod_set_reason(s, xstrdup("Unknown"));
	else if (deleting && !terminal)
		pod_set_reason(s, xstrdup("Terminating"));
}

void sim_table_pod_status(const json_t *pod, char *buf, size_t len)
{
	struct pod_summary s;
	pod_summarise(pod, &s);
	snprintf(buf, len, "%s", s.reason);
	free(s.reason);
}

/* Readiness gates: "<none>", or how many of the gates' conditions are True of how many. */
static char *pod_readiness_gates(const json_t *pod)
{
	json_t *gates = tbl_get(pod, "spec.readinessGates");
	if (!json_array_size(gates))
		return xstrdup("<none>");
	size_t n_true = 0, i, j;
	json_t *g, *c;
	json_array_foreach(gates, i, g) {
		json_array_foreach(tbl_get(pod, "status.conditions"), j, c) {
			if (!strcmp(tbl_str(c, "type"), tbl_str(g, "conditionType"))) {
				if (!strcmp(tbl_str(c, "status"), "True"))
					n_true++;
				break;
			}
		}
	}
	return xasprintf("%zu/%zu", n_true, json_array_size(gates));
}

static const char *pod_or_none(const char *s)
{
	return *s ? s : "<none>";
}

void tbl_pod_row(const json_t *pod, time_t now, json_t *cells, json_t **conditions)
{
	struct pod_summary s;
	pod_summarise(pod, &s);

	char *restarts;
	if (s.restarts != 0 && s.last_restart != 0) {
		char age[32];
		sim_table_age(s.last_restart, now, age, sizeof(age));
		restarts = xasprintf("%lld (%s ago)", s.restarts, age);
	} else {
		restarts = xasprintf("%lld", s.restarts);
	}
	char *age = tbl_since(pod, "metadata.creationTimestamp", now);

	/* The API server copies podIP into podIPs; a client may have set either. */
	const char *ip = tbl_str(pod, "status.podIP");
	if (!*ip)
		ip = tbl_str(json_array_get(tbl_get(pod, "status.podIPs"), 0), "ip");
	char *gates = pod_readiness_gates(pod);

	json_array_append_new(cells, json_string(tbl_str(pod, "metadata.name")));
	json_array_append_new(cells, json_sprintf("%lld/%lld", s.ready, s.total));
	json_array_append_new(cells, json_string(s.reason));
	json_array_append_new(cells, json_string(restarts));
	json_array_append_new(cells, json_string(age));
	json_array_append_new(cells, json_string(pod_or_none(ip)));
	json_array_append_new(cells, json_string(pod_or_none(tbl_str(pod, "spec.nodeName"))));
	json_array_append_new(cells,
			      json_string(pod_or_none(tbl_str(pod, "status.nominatedNodeName"))));
	json_array_append_new(cells, json_string(gates));
	free(restarts);
	free(age);
	free(gates);
	free(s.reason);

	const char *phase = tbl_str(pod, "status.phase");
	*conditions = NULL;
	if (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))
		*conditions = json_pack(
			"[{s:s, s:s, s:s, s:s}]", "type", "Completed", "status", "True", "reason",
			phase, "message",
			phase[0] == 'S' ? "The pod has completed successfully." : "The pod failed.");
}
