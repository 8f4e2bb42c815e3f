/* kube/describe: see describe.h. */
#include "kube/describe.h"

#include "core/xalloc.h"
#include "kube/decode.h"
#include "kube/podstatus.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DESCRIBE_MAX_EVENTS = 200 };

/* ---- target and paths ---------------------------------------------------------- */

static bool describe_name_ok(const char *s, size_t len, size_t max)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return s[0] != '-' && s[0] != '.' && s[len - 1] != '-' && s[len - 1] != '.';
}

static bool describe_ns_ok(const char *s, size_t len)
{
	return describe_name_ok(s, len, 63) && memchr(s, '.', len) == NULL;
}

int describe_parse_target(const char *arg, const char *default_ns, struct describe_target *out,
			  char *err, size_t errcap)
{
	memset(out, 0, sizeof(*out));
	const char *slash = strchr(arg, '/');
	if (!slash) {
		snprintf(err, errcap, "describe: expected KIND/NAME (pod/NAME, pod/NS/NAME or node/NAME), "
			 "got '%.60s'", arg);
		return -1;
	}
	size_t klen = (size_t)(slash - arg);
	static const char *const pods[] = { "pod", "pods", "po" }, *const nodes[] = { "node", "nodes", "no" };
	bool is_pod = false, is_node = false;
	for (size_t i = 0; i < 3; i++) {
		if (strlen(pods[i]) == klen && strncmp(arg, pods[i], klen) == 0)
			is_pod = true;
		if (strlen(nodes[i]) == klen && strncmp(arg, nodes[i], klen) == 0)
			is_node = true;
	}
	if (!is_pod && !is_node) {
		snprintf(err, errcap, "describe: unknown kind '%.*s' (pod or node)", (int)(klen > 40 ? 40 : klen), arg);
		return -1;
	}
	const char *rest = slash + 1;
	const char *second = strchr(rest, '/');
	const char *name = rest;
	if (second) {
		if (is_node) {
			snprintf(err, errcap, "describe: nodes have no namespace: use node/NAME");
			return -1;
		}
		size_t nslen = (size_t)(second - rest);
		if (!describe_ns_ok(rest, nslen)) {
			snprintf(err, errcap, "describe: '%.*s' is not a namespace name", (int)(nslen > 63 ? 63 : nslen), rest);
			return -1;
		}
		memcpy(out->ns, rest, nslen);
		out->ns[nslen] = '\0';
		name = second + 1;
	} else if (is_pod) {
		if (!default_ns) {
			snprintf(err, errcap, "describe: which namespace? use pod/NAMESPACE/NAME (or :ns NAME first)");
			return -1;
		}
		if (!describe_ns_ok(default_ns, strlen(default_ns))) {
			snprintf(err, errcap, "describe: '%.63s' is not a namespace name", default_ns);
			return -1;
		}
		snprintf(out->ns, sizeof(out->ns), "%s", default_ns);
	}
	size_t nlen = strlen(name);
	if (!describe_name_ok(name, nlen, sizeof(out->name) - 1)) {
		snprintf(err, errcap, "describe: '%.80s' is not a %s name (a-z, 0-9, '-', '.')", name,
			 is_pod ? "pod" : "node");
		return -1;
	}
	memcpy(out->name, name, nlen + 1);
	out->kind = is_pod ? DESCRIBE_POD : DESCRIBE_NODE;
	return 0;
}

void describe_object_path(const struct describe_target *t, char *out, size_t cap)
{
	if (t->kind == DESCRIBE_POD)
		snprintf(out, cap, "/api/v1/namespaces/%s/pods/%s", t->ns, t->name);
	else
		snprintf(out, cap, "/api/v1/nodes/%s", t->name);
}

void describe_events_path(const struct describe_target *t, char *out, size_t cap)
{
	/* Names were validated (no '&', ',', '=' or spaces): safe inside the selector. */
	if (t->kind == DESCRIBE_POD)
		snprintf(out, cap, "/api/v1/namespaces/%s/events?fieldSelector=involvedObject.name%%3D%s,"
			 "involvedObject.namespace%%3D%s", t->ns, t->name, t->ns);
	else
		snprintf(out, cap, "/api/v1/events?fieldSelector=involvedObject.name%%3D%s,"
			 "involvedObject.kind%%3DNode", t->name);
}

/* ---- lines ---------------------------------------------------------------------- */

void describe_init(struct describe *d)
{
	memset(d, 0, sizeof(*d));
}

void describe_free(struct describe *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i].text);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

static void describe_push(struct describe *d, enum model_severity sev, const char *text, size_t len)
{
	d->lines = xgrow(d->lines, &d->cap, d->n + 1, sizeof(*d->lines));
	d->lines[d->n].text = xstrndup(text, len);
	d->lines[d->n].sev = sev;
	d->n++;
}

void describe_add(struct describe *d, enum model_severity sev, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Continuation lines line up under the first line's text after its label. */
	const char *nl = strchr(buf, '\n');
	if (!nl) {
		describe_push(d, sev, buf, strlen(buf));
		return;
	}
	size_t indent = 0;
	const char *colon = strstr(buf, ":  ");
	if (colon && colon < nl) {
		indent = (size_t)(colon - buf) + 1;
		while (buf[indent] == ' ')
			indent++;
	} else {
		while (buf[indent] == ' ')
			indent++;
		indent += 2;
	}
	if (indent > 40)
		indent = 40;
	describe_push(d, sev, buf, (size_t)(nl - buf));
	const char *p = nl + 1;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		char line[4200];
		snprintf(line, sizeof(line), "%*s%.*s", (int)indent, "", (int)len, p);
		describe_push(d, sev, line, strlen(line));
		if (!e)
			break;
		p = e + 1;
	}
}

/* ---- JSON helpers --------------------------------------------------------------- */

static const char *describe_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static const char *describe_or_none(const char *s)
{
	return s && s[0] ? s : "<none>";
}

static void describe_kv(struct describe *d, enum model_severity sev, int indent, int keyw, const char *key,
			const char *value)
{
	char label[128];
	snprintf(label, sizeof(label), "%s:", key);
	describe_add(d, sev, "%*s%-*s  %s", indent, "", keyw, label, describe_or_none(value));
}

/* "2026-11-21T10:09:35Z (3m ago)" */
static void describe_time(const char *ts, time_t now, char *out, size_t cap)
{
	time_t t = decode_time(ts);
	if (!t) {
		snprintf(out, cap, "%s", describe_or_none(ts));
		return;
	}
	char age[32];
	model_format_age(t, now, age, sizeof(age));
	snprintf(out, cap, "%s (%s ago)", ts, age);
}

/* metadata.labels or metadata.annotations ("field"), one key=value a line under `title`
 * as kubectl describe shows them; values are raw server text (sanitised by the caller). */
static void describe_map(struct describe *d, int keyw, const json_t *meta, const char *field,
			 const char *title)
{
	const json_t *map = json_object_get(meta, field);
	const char *k;
	const json_t *v;
	bool first = true;
	json_object_foreach((json_t *)map, k, v) {
		char kv[600];
		snprintf(kv, sizeof(kv), "%s=%s", k, json_string_value(v) ? json_string_value(v) : "");
		/* A multi-line annotation (a JSON blob, a script) shows its first line only. */
		kv[strcspn(kv, "\r\n")] = '\0';
		if (first)
			describe_kv(d, SEV_OK, 0, keyw, title, kv);
		else
			describe_add(d, SEV_OK, "%*s  %s", keyw, "", kv);
		first = false;
	}
	if (first)
		describe_kv(d, SEV_OK, 0, keyw, title, NULL);
}

static void describe_labels(struct describe *d, int keyw, const json_t *meta)
{
	describe_map(d, keyw, meta, "labels", "Labels");
	describe_map(d, keyw, meta, "annotations", "Annotations");
}

/* Conditions as a small table; a condition in its bad state is highlighted (for nodes
 * the pressure conditions are bad when True, Ready when not True). */
static void describe_conditions(struct describe *d, const json_t *conds, bool node)
{
	describe_add(d, SEV_OK, "Conditions:");
	if (!json_is_array(conds) || json_array_size(conds) == 0) {
		describe_add(d, SEV_OK, "  <none>");
		return;
	}
	describe_add(d, SEV_OK, "  %-28s %-8s %-26s %s", "Type", "Status", "Reason", "Message");
	size_t i;
	const json_t *c;
	json_array_foreach(conds, i, c) {
		const char *type = describe_str(c, "type"), *st = describe_str(c, "status");
		bool ready_kind = strcmp(type, "Ready") == 0 || strcmp(type, "ContainersReady") == 0 ||
				  strcmp(type, "PodScheduled") == 0 || strcmp(type, "Initialized") == 0;
		enum model_severity sev = SEV_OK;
		if (node && !ready_kind)
			sev = strcmp(st, "False") == 0 ? SEV_OK : SEV_BAD;
		else if (ready_kind && strcmp(st, "True") != 0)
			sev = node ? SEV_BAD : SEV_WARN;
		describe_add(d, sev, "  %-28s %-8s %-26s %s", type, describe_or_none(st),
			     describe_str(c, "reason"), describe_str(c, "message"));
	}
}

/* One container state ("state" or "lastState") under label. */
static void describe_state(struct describe *d, const char *label, const json_t *state, time_t now,
			   bool last)
{
	const json_t *w = json_object_get(state, "waiting");
	const json_t *r = json_object_get(state, "running");
	const json_t *t = json_object_get(state, "terminated");
	char when[128];
	if (json_is_object(w)) {
		const char *reason = describe_str(w, "reason");
		bool bad = strstr(reason, "BackOff") || strstr(reason, "Err") || strstr(reason, "Invalid");
		describe_kv(d, bad ? SEV_BAD : SEV_WARN, 4, 14, label, "Waiting");
		describe_kv(d, bad ? SEV_BAD : SEV_WARN, 6, 12, "Reason", reason);
		if (describe_str(w, "message")[0])
			describe_kv(d, SEV_OK, 6, 12, "Message", describe_str(w, "message"));
	} else if (json_is_object(r)) {
		describe_kv(d, SEV_OK, 4, 14, label, "Running");
		describe_time(describe_str(r, "startedAt"), now, when, sizeof(when));
		describe_kv(d, SEV_OK, 6, 12, "Started", when);
	} else if (json_is_object(t)) {
		json_int_t code = json_integer_value(json_object_get(t, "exitCode"));
		enum model_severity sev = code != 0 ? SEV_BAD : SEV_OK;
		char codes[32];
		snprintf(codes, sizeof(codes), "%lld", (long long)code);
		describe_kv(d, sev, 4, 14, label, "Terminated");
		describe_kv(d, sev, 6, 12, "Reason", describe_str(t, "reason"));
		/* The container's last words: why it crashed (runbook 001). */
		if (describe_str(t, "message")[0])
			describe_kv(d, sev, 6, 12, "Message", describe_str(t, "message"));
		describe_kv(d, sev, 6, 12, "Exit Code", codes);
		if (json_is_integer(json_object_get(t, "signal"))) {
			snprintf(codes, sizeof(codes), "%lld", (long long)json_integer_value(json_object_get(t, "signal")));
			describe_kv(d, sev, 6, 12, "Signal", codes);
		}
		describe_time(describe_str(t, "startedAt"), now, when, sizeof(when));
		describe_kv(d, SEV_OK, 6, 12, "Started", when);
		describe_time(describe_str(t, "finishedAt"), now, when, sizeof(when));
		describe_kv(d, SEV_OK, 6, 12, "Finished", when);
	} else {
		describe_kv(d, SEV_OK, 4, 14, label, last ? NULL : "<unknown>");
	}
}

static const json_t *describe_find_status(const json_t *statuses, const char *name)
{
	size_t i;
	const json_t *s;
	json_array_foreach(statuses, i, s)
		if (strcmp(describe_str(s, "name"), name) == 0)
			return s;
	return NULL;
}

static void describe_containers(struct describe *d, const char *title, const json_t *specs,
				const json_t *statuses, time_t now)
{
	if (!json_is_array(specs) || json_array_size(specs) == 0)
		return;
	describe_add(d, SEV_OK, "%s:", title);
	size_t i;
	const json_t *c;
	json_array_foreach(specs, i, c) {
		const char *name = describe_str(c, "name");
		const json_t *st = describe_find_status(statuses, name);
		describe_add(d, SEV_OK, "  %s:", describe_or_none(name));
		describe_kv(d, SEV_OK, 4, 14, "Image", describe_str(c, "image"));
		if (!st) {
			describe_kv(d, SEV_WARN, 4, 14, "State", "<no status yet>");
			continue;
		}
		describe_state(d, "State", json_object_get(st, "state"), now, false);
		const json_t *last = json_object_get(st, "lastState");
		if (json_object_size(last) > 0)
			describe_state(d, "Last State", last, now, true);
		bool ready = json_is_true(json_object_get(st, "ready"));
		describe_kv(d, ready ? SEV_OK : SEV_WARN, 4, 14, "Ready", ready ? "True" : "False");
		char n[32];
		json_int_t rc = json_integer_value(json_object_get(st, "restartCount"));
		snprintf(n, sizeof(n), "%lld", (long long)rc);
		describe_kv(d, rc > 0 ? SEV_WARN : SEV_OK, 4, 14, "Restart Count", n);
	}
}

/* ---- events --------------------------------------------------------------------- */

struct describe_event {
	const json_t *ev;
	bool warning;
	time_t last, first;
	long long count;
};

static int describe_event_cmp(const void *a, const void *b)
{
	const struct describe_event *x = a, *y = b;
	if (x->warning != y->warning)
		return x->warning ? -1 : 1;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	return 0;
}

static time_t describe_event_time(const json_t *ev, const char *key)
{
	time_t t = decode_time(describe_str(ev, key));
	if (!t)
		t = decode_time(describe_str(ev, "eventTime"));
	if (!t)
		t = decode_time(describe_str(json_object_get(ev, "metadata"), "creationTimestamp"));
	return t;
}

static void describe_events(struct describe *d, const char *events, size_t evlen, const char *events_err,
			    time_t now)
{
	describe_add(d, SEV_OK, "Events:");
	if (!events) {
		describe_add(d, SEV_WARN, "  (events could not be fetched: %s)", events_err ? events_err : "unknown error");
		return;
	}
	json_error_t jerr;
	json_t *root = json_loadb(events, evlen, 0, &jerr);
	const json_t *items = json_object_get(root, "items");
	if (!root || !json_is_array(items)) {
		describe_add(d, SEV_WARN, "  (events: the server's answer is not an EventList)");
		json_decref(root);
		return;
	}
	size_t n = json_array_size(items);
	if (n == 0) {
		describe_add(d, SEV_OK, "  <none>");
		json_decref(root);
		return;
	}
	if (n > DESCRIBE_MAX_EVENTS)
		n = DESCRIBE_MAX_EVENTS;
	struct describe_event *evs = xcalloc(n, sizeof(*evs));
	for (size_t i = 0; i < n; i++) {
		const json_t *ev = json_array_get(items, i);
		evs[i].ev = ev;
		evs[i].warning = strcmp(describe_str(ev, "type"), "Warning") == 0;
		evs[i].last = describe_event_time(ev, "lastTimestamp");
		evs[i].first = describe_event_time(ev, "firstTimestamp");
		evs[i].count = json_integer_value(json_object_get(ev, "count"));
	}
	qsort(evs, n, sizeof(*evs), describe_event_cmp);
	describe_add(d, SEV_OK, "  %-8s %-22s %-18s %-18s %s", "Type", "Reason", "Age", "From", "Message");
	for (size_t i = 0; i < n; i++) {
		char age[128], last[32], first[32];
		model_format_age(evs[i].last, now, last, sizeof(last));
		if (evs[i].count > 1) {
			model_format_age(evs[i].first, now, first, sizeof(first));
			snprintf(age, sizeof(age), "%s (x%lld over %s)", last, evs[i].count, first);
		} else {
			snprintf(age, sizeof(age), "%s", last);
		}
		const json_t *src = json_object_get(evs[i].ev, "source");
		const char *from = describe_str(src, "component");
		if (!from[0])
			from = describe_str(evs[i].ev, "reportingComponent");
		describe_add(d, evs[i].warning ? SEV_BAD : SEV_OK, "  %-8s %-22s %-18s %-18s %s",
			     describe_or_none(describe_str(evs[i].ev, "type")),
			     describe_str(evs[i].ev, "reason"), age, describe_or_none(from),
			     describe_str(evs[i].ev, "message"));
	}
	free(evs);
	json_decref(root);
}

/* ---- objects -------------------------------------------------------------------- */

static void describe_pod(struct describe *d, const json_t *pod, time_t now)
{
	const json_t *meta = json_object_get(pod, "metadata");
	const json_t *spec = json_object_get(pod, "spec");
	const json_t *status = json_object_get(pod, "status");
	struct kube_pod_status ps;
	kube_pod_status(pod, &ps);
	enum { W = 14 };
	describe_kv(d, SEV_OK, 0, W, "Name", describe_str(meta, "name"));
	describe_kv(d, SEV_OK, 0, W, "Namespace", describe_str(meta, "namespace"));
	char node[600];
	const char *nn = describe_str(spec, "nodeName"), *hip = describe_str(status, "hostIP");
	if (nn[0] && hip[0])
		snprintf(node, sizeof(node), "%s/%s", nn, hip);
	else
		snprintf(node, sizeof(node), "%s", nn);
	describe_kv(d, SEV_OK, 0, W, "Node", node);
	char when[128];
	describe_time(describe_str(status, "startTime"), now, when, sizeof(when));
	describe_kv(d, SEV_OK, 0, W, "Start Time", when);
	describe_labels(d, W, meta);
	char st[200];
	snprintf(st, sizeof(st), "%s (phase %s, ready %d/%d)", ps.status,
		 describe_or_none(describe_str(status, "phase")), ps.ready, ps.total);
	describe_kv(d, ps.healthy ? SEV_OK : SEV_BAD, 0, W, "Status", st);
	if (describe_str(status, "reason")[0])
		describe_kv(d, SEV_WARN, 0, W, "Reason", describe_str(status, "reason"));
	if (describe_str(status, "message")[0])
		describe_kv(d, SEV_WARN, 0, W, "Message", describe_str(status, "message"));
	describe_kv(d, SEV_OK, 0, W, "IP", describe_str(status, "podIP"));
	const json_t *owners = json_object_get(meta, "ownerReferences");
	size_t i;
	const json_t *o;
	json_array_foreach(owners, i, o) {
		if (json_is_true(json_object_get(o, "controller"))) {
			char by[600];
			snprintf(by, sizeof(by), "%s/%s", describe_str(o, "kind"), describe_str(o, "name"));
			describe_kv(d, SEV_OK, 0, W, "Controlled By", by);
		}
	}
	describe_containers(d, "Init Containers", json_object_get(spec, "initContainers"),
			    json_object_get(status, "initContainerStatuses"), now);
	describe_containers(d, "Containers", json_object_get(spec, "containers"),
			    json_object_get(status, "containerStatuses"), now);
	describe_conditions(d, json_object_get(status, "conditions"), false);
}

static void describe_node(struct describe *d, const json_t *node, time_t now)
{
	const json_t *meta = json_object_get(node, "metadata");
	const json_t *spec = json_object_get(node, "spec");
	const json_t *status = json_object_get(node, "status");
	struct model_node mn;
	memset(&mn, 0, sizeof(mn));
	bool decoded = decode_node(node, &mn) == 0;
	enum { W = 18 };
	describe_kv(d, SEV_OK, 0, W, "Name", describe_str(meta, "name"));
	if (decoded) {
		describe_kv(d, SEV_OK, 0, W, "Roles", mn.roles);
		describe_kv(d, model_node_severity(&mn) == SEV_OK ? SEV_OK : SEV_BAD, 0, W, "Status", mn.status);
	}
	describe_labels(d, W, meta);
	char when[128];
	describe_time(describe_str(meta, "creationTimestamp"), now, when, sizeof(when));
	describe_kv(d, SEV_OK, 0, W, "CreationTimestamp", when);
	describe_kv(d, json_is_true(json_object_get(spec, "unschedulable")) ? SEV_WARN : SEV_OK, 0, W,
		    "Unschedulable", json_is_true(json_object_get(spec, "unschedulable")) ? "true" : "false");
	const json_t *taints = json_object_get(spec, "taints");
	size_t i;
	const json_t *t;
	bool any = false;
	json_array_foreach(taints, i, t) {
		char tt[600];
		const char *v = describe_str(t, "value");
		snprintf(tt, sizeof(tt), "%s%s%s:%s", describe_str(t, "key"), v[0] ? "=" : "", v, describe_str(t, "effect"));
		if (!any)
			describe_kv(d, SEV_WARN, 0, W, "Taints", tt);
		else
			describe_add(d, SEV_WARN, "%*s  %s", W, "", tt);
		any = true;
	}
	if (!any)
		describe_kv(d, SEV_OK, 0, W, "Taints", NULL);
	describe_conditions(d, json_object_get(status, "conditions"), true);
	describe_add(d, SEV_OK, "Addresses:");
	json_array_foreach(json_object_get(status, "addresses"), i, t)
		describe_add(d, SEV_OK, "  %s: %s", describe_str(t, "type"), describe_str(t, "address"));
	const json_t *info = json_object_get(status, "nodeInfo");
	if (json_is_object(info)) {
		describe_add(d, SEV_OK, "System Info:");
		describe_kv(d, SEV_OK, 2, 26, "Kernel Version", describe_str(info, "kernelVersion"));
		describe_kv(d, SEV_OK, 2, 26, "OS Image", describe_str(info, "osImage"));
		describe_kv(d, SEV_OK, 2, 26, "Container Runtime Version", describe_str(info, "containerRuntimeVersion"));
		describe_kv(d, SEV_OK, 2, 26, "Kubelet Version", describe_str(info, "kubeletVersion"));
	}
}

int describe_build(struct describe *d, enum describe_kind kind, const char *obj, size_t objlen,
		   const char *events, size_t evlen, const char *events_err, time_t now,
		   char *err, size_t errcap)
{
	json_error_t jerr;
	json_t *root = json_loadb(obj, objlen, 0, &jerr);
	if (!root) {
		snprintf(err, errcap, "not JSON at line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		return -1;
	}
	const char *want = kind == DESCRIBE_POD ? "Pod" : "Node";
	const char *got = describe_str(root, "kind");
	const json_t *meta = json_object_get(root, "metadata");
	if (!json_is_object(root) || (got[0] && strcmp(got, want) != 0) || !describe_str(meta, "name")[0]) {
		char msg[300];
		decode_status_message(obj, objlen, msg, sizeof(msg));
		snprintf(err, errcap, "expected a %s, got %s%s%.200s", want, got[0] ? got : "an object without a name",
			 strcmp(got, "Status") == 0 ? ": " : "", strcmp(got, "Status") == 0 ? msg : "");
		json_decref(root);
		return -1;
	}
	if (kind == DESCRIBE_POD)
		describe_pod(d, root, now);
	else
		describe_node(d, root, now);
	json_decref(root);
	describe_events(d, events, evlen, events_err, now);
	return 0;
}
