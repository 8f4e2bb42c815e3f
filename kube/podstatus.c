/* kube/podstatus: the READY, STATUS and RESTARTS columns of `kubectl get pods`.
 *
 * The rules follow kubectl's pod printer (kubernetes pkg/printers/internalversion,
 * printPod), re-expressed here over the pod's JSON:
 *   1. STATUS starts as status.phase, replaced by status.reason when set, and by
 *      "SchedulingGated" when a PodScheduled condition carries that reason.
 *   2. Init container statuses are walked in order; the first one that has not finished
 *      successfully (and is not a started sidecar) decides: Init:<terminated reason>,
 *      Init:Signal:N, Init:ExitCode:N, Init:<waiting reason> (except PodInitializing), or
 *      Init:i/N.  Started sidecars (restartPolicy Always) count towards READY.
 *   3. Unless still initialising (and the Initialized condition is not True), regular
 *      container statuses are walked from last to first, so the FIRST container's waiting
 *      or terminated reason wins; ready running containers count towards READY.
 *      "Completed" with a container still running becomes Running or NotReady depending
 *      on the PodReady condition.
 *   4. A deletionTimestamp gives "Unknown" when status.reason is NodeLost, otherwise
 *      "Terminating" unless the phase is terminal (Succeeded/Failed).
 * RESTARTS sums restartCount (init containers while initialising, else sidecars plus
 * regular containers); the last restart is the latest lastState.terminated.finishedAt of
 * the containers that were counted.
 * Missing or mistyped fields read as Go's zero values, which is what kubectl sees after
 * decoding the same JSON leniently.
 */
#include "kube/podstatus.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ---- small JSON accessors: all tolerate NULL and wrong types ---- */

static const char *ps_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static long long ps_int(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* restartCount is an int32 in the API; clamp hostile values so sums cannot overflow. */
static int ps_count(const json_t *obj, const char *key)
{
	long long v = ps_int(obj, key);
	if (v < 0)
		return 0;
	return v > INT_MAX ? INT_MAX : (int)v;
}

static int ps_add_sat(int a, int b)
{
	return a > INT_MAX - b ? INT_MAX : a + b;
}

static const json_t *ps_obj(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_object(v) ? v : NULL;
}

static const json_t *ps_arr(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_array(v) ? v : NULL;
}

/* ---- output ---- */

/* Copies src into the STATUS buffer as printable ASCII: anything else becomes '?', so a
 * hostile reason string can never carry bytes the terminal would act on. */
static void ps_set(struct kube_pod_status *out, const char *prefix, const char *src)
{
	size_t o = 0, cap = sizeof(out->status);
	const char *parts[2] = { prefix, src };
	for (int p = 0; p < 2; p++) {
		for (const char *s = parts[p]; s && *s && o + 1 < cap; s++) {
			unsigned char c = (unsigned char)*s;
			out->status[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		}
	}
	out->status[o] = '\0';
}

static void ps_set_code(struct kube_pod_status *out, const char *prefix, const char *what,
			long long n)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s%s:%lld", prefix, what, n);
	ps_set(out, "", buf);
}

/* ---- time ---- */

/* Parses an RFC 3339 timestamp ("2024-05-01T10:00:00Z", fraction and offset optional)
 * into epoch seconds; 0 when absent or malformed, like Go's zero time. */
static time_t ps_parse_time(const char *s)
{
	int Y, M, D, h, m, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &n) != 6 ||
	    n != 19)
		return 0;
	if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return 0;
	const char *p = s + n;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	long off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
			return 0;
		off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return 0;
	}
	if (*p)
		return 0;
	struct tm tm = { 0 };
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return 0;
	t -= off;
	return t > 0 ? t : 0;
}

/* Folds a container's lastState.terminated.finishedAt into *latest. */
static void ps_note_restart(const json_t *cs, time_t *latest)
{
	const json_t *term = ps_obj(ps_obj(cs, "lastState"), "terminated");
	if (!term)
		return;
	time_t t = ps_parse_time(json_string_value(json_object_get(term, "finishedAt")));
	if (t > *latest)
		*latest = t;
}

/* ---- conditions and spec lookups ---- */

/* True when the first condition of `type` has status "True". */
static bool ps_condition_true(const json_t *status, const char *type)
{
	size_t i;
	const json_t *c;
	json_array_foreach(ps_arr(status, "conditions"), i, c) {
		if (strcmp(ps_str(c, "type"), type) == 0)
			return strcmp(ps_str(c, "status"), "True") == 0;
	}
	return false;
}

/* kubectl counts a pod as Ready when any Ready condition is True. */
static bool ps_ready_condition(const json_t *status)
{
	size_t i;
	const json_t *c;
	json_array_foreach(ps_arr(status, "conditions"), i, c) {
		if (strcmp(ps_str(c, "type"), "Ready") == 0 &&
		    strcmp(ps_str(c, "status"), "True") == 0)
			return true;
	}
	return false;
}

static bool ps_is_sidecar(const json_t *c)
{
	return strcmp(ps_str(c, "restartPolicy"), "Always") == 0;
}

/* Whether the spec's init container called `name` is a sidecar; unknown names are not.
 * kubectl indexes the spec by name, so with duplicate names the last one wins. */
static bool ps_init_is_sidecar(const json_t *spec, const char *name)
{
	size_t i;
	const json_t *c;
	bool sidecar = false;
	json_array_foreach(ps_arr(spec, "initContainers"), i, c) {
		if (strcmp(ps_str(c, "name"), name) == 0)
			sidecar = ps_is_sidecar(c);
	}
	return sidecar;
}

/* ---- the walk ---- */

struct ps_walk {
	int restarts, sidecar_restarts;
	time_t last, sidecar_last;
	bool initializing;
};

/* Step 2: init containers.  Returns with out->status set when initialisation decides. */
static void ps_walk_init(const json_t *spec, const json_t *status, struct ps_walk *w,
			 struct kube_pod_status *out)
{
	size_t n_init = json_array_size(ps_arr(spec, "initContainers"));
	size_t i;
	const json_t *cs;
	json_array_foreach(ps_arr(status, "initContainerStatuses"), i, cs) {
		bool sidecar = ps_init_is_sidecar(spec, ps_str(cs, "name"));
		int rc = ps_count(cs, "restartCount");
		w->restarts = ps_add_sat(w->restarts, rc);
		ps_note_restart(cs, &w->last);
		if (sidecar) {
			w->sidecar_restarts = ps_add_sat(w->sidecar_restarts, rc);
			ps_note_restart(cs, &w->sidecar_last);
		}
		const json_t *state = ps_obj(cs, "state");
		const json_t *term = ps_obj(state, "terminated");
		const json_t *wait = ps_obj(state, "waiting");
		if (term && ps_int(term, "exitCode") == 0)
			continue;
		if (sidecar && json_is_true(json_object_get(cs, "started"))) {
			if (json_is_true(json_object_get(cs, "ready")))
				out->ready++;
			continue;
		}
		if (term) {
			const char *reason = ps_str(term, "reason");
			if (*reason)
				ps_set(out, "Init:", reason);
			else if (ps_int(term, "signal") != 0)
				ps_set_code(out, "Init:", "Signal", ps_int(term, "signal"));
			else
				ps_set_code(out, "Init:", "ExitCode", ps_int(term, "exitCode"));
		} else if (wait && *ps_str(wait, "reason") &&
			   strcmp(ps_str(wait, "reason"), "PodInitializing") != 0) {
			ps_set(out, "Init:", ps_str(wait, "reason"));
		} else {
			char buf[48];
			snprintf(buf, sizeof(buf), "Init:%zu/%zu", i, n_init);
			ps_set(out, "", buf);
		}
		w->initializing = true;
		break;
	}
}

/* Step 3: regular containers, last to first so the first container's reason wins. */
static void ps_walk_containers(const json_t *status, struct ps_walk *w,
			       struct kube_pod_status *out)
{
	const json_t *list = ps_arr(status, "containerStatuses");
	bool has_running = false;
	w->restarts = w->sidecar_restarts;
	w->last = w->sidecar_last;
	for (size_t i = json_array_size(list); i-- > 0;) {
		const json_t *cs = json_array_get(list, i);
		w->restarts = ps_add_sat(w->restarts, ps_count(cs, "restartCount"));
		ps_note_restart(cs, &w->last);
		const json_t *state = ps_obj(cs, "state");
		const json_t *term = ps_obj(state, "terminated");
		const json_t *wait = ps_obj(state, "waiting");
		if (wait && *ps_str(wait, "reason")) {
			ps_set(out, "", ps_str(wait, "reason"));
		} else if (term && *ps_str(term, "reason")) {
			ps_set(out, "", ps_str(term, "reason"));
		} else if (term) {
			if (ps_int(term, "signal") != 0)
				ps_set_code(out, "", "Signal", ps_int(term, "signal"));
			else
				ps_set_code(out, "", "ExitCode", ps_int(term, "exitCode"));
		} else if (json_is_true(json_object_get(cs, "ready")) && ps_obj(state, "running")) {
			has_running = true;
			out->ready++;
		}
	}
	if (has_running && strcmp(out->status, "Completed") == 0)
		ps_set(out, "", ps_ready_condition(status) ? "Running" : "NotReady");
}

void kube_pod_status(const json_t *pod, struct kube_pod_status *out)
{
	memset(out, 0, sizeof(*out));
	const json_t *meta = ps_obj(pod, "metadata");
	const json_t *spec = ps_obj(pod, "spec");
	const json_t *status = ps_obj(pod, "status");
	const char *phase = ps_str(status, "phase");
	const char *pod_reason = ps_str(status, "reason");

	ps_set(out, "", *pod_reason ? pod_reason : phase);
	size_t i;
	const json_t *c;
	json_array_foreach(ps_arr(status, "conditions"), i, c) {
		if (strcmp(ps_str(c, "type"), "PodScheduled") == 0 &&
		    strcmp(ps_str(c, "reason"), "SchedulingGated") == 0)
			ps_set(out, "", "SchedulingGated");
	}

	out->total = (int)json_array_size(ps_arr(spec, "containers"));
	json_array_foreach(ps_arr(spec, "initContainers"), i, c) {
		if (ps_is_sidecar(c))
			out->total++;
	}

	struct ps_walk w = { 0 };
	ps_walk_init(spec, status, &w, out);
	if (!w.initializing || ps_condition_true(status, "Initialized"))
		ps_walk_containers(status, &w, out);

	bool terminal = strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0;
	/* kubectl tests for presence (a non-nil pointer), not for a parseable value */
	bool deleting = json_object_get(meta, "deletionTimestamp") != NULL &&
			!json_is_null(json_object_get(meta, "deletionTimestamp"));
	if (deleting && strcmp(pod_reason, "NodeLost") == 0)
		ps_set(out, "", "Unknown");
	else if (deleting && !terminal)
		ps_set(out, "", "Terminating");

	out->restarts = w.restarts;
	out->last_restart = w.restarts ? w.last : 0;
	bool succeeded = strcmp(phase, "Succeeded") == 0;
	out->healthy = (strcmp(out->status, "Running") == 0 && out->ready == out->total) ||
		       (succeeded && (strcmp(out->status, "Completed") == 0 ||
				      strcmp(out->status, "Succeeded") == 0));
}
