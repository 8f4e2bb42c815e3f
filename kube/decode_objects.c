/* kube/decode_objects: one object of each resource (pods, nodes, workloads, events,
 * namespaces) into its model struct, and the per-resource table that lets list and watch
 * code treat every resource alike (see decode.h). */
#include "kube/decode.h"

#include "kube/podstatus.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct decode_resource_info {
	const char *name, *kind, *list_kind, *prefix;
	bool namespaced;
};

static const struct decode_resource_info decode_resources[KUBE_NRESOURCES] = {
	[KUBE_PODS] = { "pods", "Pod", "PodList", "/api/v1", true },
	[KUBE_NODES] = { "nodes", "Node", "NodeList", "/api/v1", false },
	[KUBE_DEPLOYMENTS] = { "deployments", "Deployment", "DeploymentList", "/apis/apps/v1", true },
	[KUBE_STATEFULSETS] = { "statefulsets", "StatefulSet", "StatefulSetList", "/apis/apps/v1", true },
	[KUBE_EVENTS] = { "events", "Event", "EventList", "/api/v1", true },
	[KUBE_NAMESPACES] = { "namespaces", "Namespace", "NamespaceList", "/api/v1", false },
};

static const struct decode_resource_info *decode_info(enum kube_resource r)
{
	return &decode_resources[(unsigned)r < KUBE_NRESOURCES ? r : KUBE_PODS];
}

const char *decode_resource_name(enum kube_resource r)
{
	return decode_info(r)->name;
}

const char *decode_resource_kind(enum kube_resource r)
{
	return decode_info(r)->kind;
}

const char *decode_resource_list_kind(enum kube_resource r)
{
	return decode_info(r)->list_kind;
}

const char *decode_resource_prefix(enum kube_resource r)
{
	return decode_info(r)->prefix;
}

bool decode_resource_namespaced(enum kube_resource r)
{
	return decode_info(r)->namespaced;
}

static const char *decode_s(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* An integer field clamped to int; `dflt` when absent or not an integer. */
static int decode_i(const json_t *obj, const char *key, int dflt)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		return dflt;
	json_int_t n = json_integer_value(v);
	return n < 0 ? 0 : n > 1000000000 ? 1000000000 : (int)n;
}

static long long decode_ll(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* Appends "sep"+text to out (len tracked), stopping cleanly when full. */
static void decode_append(char *out, size_t cap, size_t *len, const char *sep, const char *text)
{
	if (*len >= cap)
		return;
	int w = snprintf(out + *len, cap - *len, "%s%s", *len ? sep : "", text);
	if (w < 0)
		return;
	*len = (size_t)w >= cap - *len ? cap - 1 : *len + (size_t)w;
}

time_t decode_time(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	const char *p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	long offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2)
			return 0;
		offset = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
		p += 1 + k;
	} else {
		return 0;
	}
	if (*p)
		return 0;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	time_t t = timegm(&tm);
	return t == (time_t)-1 ? 0 : t - offset;
}

int decode_pod(const json_t *pod, struct model_pod *out)
{
	memset(out, 0, sizeof(*out));
	const json_t *meta = json_object_get(pod, "metadata");
	const json_t *spec = json_object_get(pod, "spec");
	const json_t *status = json_object_get(pod, "status");
	out->name = (char *)decode_s(meta, "name");
	if (!out->name[0])
		return -1;
	out->ns = (char *)decode_s(meta, "namespace");
	out->node = (char *)decode_s(spec, "nodeName");
	out->ip = (char *)decode_s(status, "podIP");
	out->created = decode_time(decode_s(meta, "creationTimestamp"));
	struct kube_pod_status st;
	kube_pod_status(pod, &st);
	snprintf(out->status, sizeof(out->status), "%s", st.status);
	out->ready = st.ready;
	out->total = st.total;
	out->restarts = st.restarts;
	out->last_restart = st.last_restart;
	out->healthy = st.healthy;
	return 0;
}

void decode_pod_extra(const json_t *pod, struct model_pod *out, char *labels, size_t lcap,
		      char *containers, size_t ccap, char *last_exit, size_t ecap)
{
	labels[0] = containers[0] = last_exit[0] = '\0';
	size_t llen = 0, clen = 0;
	const char *key;
	json_t *val;
	json_object_foreach(json_object_get(json_object_get(pod, "metadata"), "labels"), key, val) {
		if (!json_is_string(val))
			continue;
		char kv[600];
		snprintf(kv, sizeof(kv), "%.250s=%.300s", key, json_string_value(val));
		decode_append(labels, lcap, &llen, ",", kv);
	}
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c)
		decode_append(containers, ccap, &clen, ",", decode_s(c, "name"));
	const char *newest = NULL;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "containerStatuses"), i, c) {
		const json_t *t = json_object_get(json_object_get(c, "lastState"), "terminated");
		const char *fin = decode_s(t, "finishedAt");
		if (!t || (newest && strcmp(fin, newest) <= 0))
			continue;
		newest = fin;
		const char *msg = decode_s(t, "message");
		if (!*msg)
			msg = decode_s(t, "reason");
		snprintf(last_exit, ecap, "exit %lld%s%.400s",
			 (long long)json_integer_value(json_object_get(t, "exitCode")), *msg ? ": " : "",
			 msg);
	}
	out->labels = labels;
	out->containers = containers;
	out->last_exit = last_exit;
}

void decode_pod_images(const json_t *pod, struct model_pod *out, char *images, size_t icap)
{
	images[0] = '\0';
	size_t i, ilen = 0;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c)
		decode_append(images, icap, &ilen, ",", decode_s(c, "image"));
	out->images = images;
}

/* ROLES as kubectl prints them: node-role.kubernetes.io/ROLE labels and the older
 * kubernetes.io/role=ROLE label, sorted, comma-joined; "<none>" without any. */
static void decode_node_roles(const json_t *labels, char *out, size_t cap)
{
	const char *roles[16];
	size_t n = 0;
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)labels, key, val) {
		const char *role = NULL;
		if (strncmp(key, "node-role.kubernetes.io/", 24) == 0 && key[24])
			role = key + 24;
		else if (strcmp(key, "kubernetes.io/role") == 0 && json_string_value(val) &&
			 json_string_value(val)[0])
			role = json_string_value(val);
		if (role && n < sizeof(roles) / sizeof(roles[0]))
			roles[n++] = role;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(roles[j - 1], roles[j]) > 0; j--) {
			const char *t = roles[j];
			roles[j] = roles[j - 1];
			roles[j - 1] = t;
		}
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(roles[i], roles[i - 1]) == 0)
			continue;
		int w = snprintf(out + len, cap - len, "%s%s", len ? "," : "", roles[i]);
		if (w < 0 || (size_t)w >= cap - len)
			break;
		len += (size_t)w;
	}
	if (!out[0])
		snprintf(out, cap, "<none>");
}

int decode_node(const json_t *node, struct model_node *out)
{
	memset(out, 0, sizeof(*out));
	const json_t *meta = json_object_get(node, "metadata");
	const json_t *status = json_object_get(node, "status");
	out->name = (char *)decode_s(meta, "name");
	if (!out->name[0])
		return -1;
	out->created = decode_time(decode_s(meta, "creationTimestamp"));
	const char *ready = "Unknown";
	size_t i;
	json_t *cond;
	json_array_foreach(json_object_get(status, "conditions"), i, cond) {
		const char *type = decode_s(cond, "type");
		bool is_true = strcmp(decode_s(cond, "status"), "True") == 0;
		if (is_true && strcmp(type, "MemoryPressure") == 0)
			out->pressure |= MODEL_PRESSURE_MEMORY;
		else if (is_true && strcmp(type, "DiskPressure") == 0)
			out->pressure |= MODEL_PRESSURE_DISK;
		else if (is_true && strcmp(type, "PIDPressure") == 0)
			out->pressure |= MODEL_PRESSURE_PID;
		if (strcmp(type, "Ready") != 0)
			continue;
		const char *s = decode_s(cond, "status");
		/* As kubectl prints it: any Ready status but True (False, Unknown) is NotReady;
		 * "Unknown" is only for a node without a Ready condition. */
		ready = strcmp(s, "True") == 0 ? "Ready" : "NotReady";
	}
	out->ready = strcmp(ready, "Ready") == 0;
	bool unsched = json_is_true(json_object_get(json_object_get(node, "spec"), "unschedulable"));
	snprintf(out->status, sizeof(out->status), "%s%s", ready, unsched ? ",SchedulingDisabled" : "");
	decode_node_roles(json_object_get(meta, "labels"), out->roles, sizeof(out->roles));
	snprintf(out->version, sizeof(out->version), "%s",
		 decode_s(json_object_get(status, "nodeInfo"), "kubeletVersion"));
	return 0;
}

static void decode_selector(const json_t *sel, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)json_object_get(sel, "matchLabels"), key, val) {
		char kv[512];
		snprintf(kv, sizeof(kv), "%s=%s", key, json_string_value(val) ? json_string_value(val) : "");
		decode_append(out, cap, &len, ",", kv);
	}
	size_t i;
	json_t *expr;
	json_array_foreach(json_object_get(sel, "matchExpressions"), i, expr) {
		char vals[400] = "", kv[700];
		size_t vlen = 0, j;
		json_t *v;
		json_array_foreach(json_object_get(expr, "values"), j, v)
			if (json_is_string(v))
				decode_append(vals, sizeof(vals), &vlen, ",", json_string_value(v));
		const char *op = decode_s(expr, "operator");
		if (strcmp(op, "Exists") == 0)
			snprintf(kv, sizeof(kv), "%s", decode_s(expr, "key"));
		else if (strcmp(op, "DoesNotExist") == 0)
			snprintf(kv, sizeof(kv), "!%s", decode_s(expr, "key"));
		else
			snprintf(kv, sizeof(kv), "%s %s (%s)", decode_s(expr, "key"),
				 strcmp(op, "NotIn") == 0 ? "notin" : "in", vals);
		decode_append(out, cap, &len, ",", kv);
	}
}

int decode_workload(const json_t *obj, enum model_workload_kind kind, struct model_workload *out,
		    char *images, size_t icap, char *selector, size_t scap)
{
	memset(out, 0, sizeof(*out));
	images[0] = selector[0] = '\0';
	const json_t *meta = json_object_get(obj, "metadata");
	const json_t *spec = json_object_get(obj, "spec");
	const json_t *status = json_object_get(obj, "status");
	out->kind = kind;
	out->name = (char *)decode_s(meta, "name");
	if (!out->name[0])
		return -1;
	out->ns = (char *)decode_s(meta, "namespace");
	out->created = decode_time(decode_s(meta, "creationTimestamp"));
	out->generation = decode_ll(meta, "generation");
	out->observed_generation = decode_ll(status, "observedGeneration");
	/* The API server defaults spec.replicas to 1; an explicit null means the same. */
	out->desired = decode_i(spec, "replicas", 1);
	out->ready = decode_i(status, "readyReplicas", 0);
	out->updated = decode_i(status, "updatedReplicas", 0);
	out->available = decode_i(status, "availableReplicas", 0);
	out->current = decode_i(status, "replicas", 0);
	size_t len = 0, i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(json_object_get(spec, "template"), "spec"),
					   "containers"), i, c)
		decode_append(images, icap, &len, ",", decode_s(c, "image"));
	decode_selector(json_object_get(spec, "selector"), selector, scap);
	out->images = images;
	out->selector = selector;
	return 0;
}

int decode_event(const json_t *obj, struct model_event *out)
{
	memset(out, 0, sizeof(*out));
	const json_t *meta = json_object_get(obj, "metadata");
	const json_t *inv = json_object_get(obj, "involvedObject");
	const json_t *series = json_object_get(obj, "series");
	out->name = (char *)decode_s(meta, "name");
	if (!out->name[0])
		return -1;
	out->ns = (char *)decode_s(meta, "namespace");
	out->obj_kind = (char *)decode_s(inv, "kind");
	out->obj_name = (char *)decode_s(inv, "name");
	out->obj_ns = (char *)decode_s(inv, "namespace");
	snprintf(out->type, sizeof(out->type), "%s", decode_s(obj, "type"));
	out->reason = (char *)decode_s(obj, "reason");
	out->message = (char *)decode_s(obj, "message");
	out->source = (char *)decode_s(json_object_get(obj, "source"), "component");
	if (!out->source[0])
		out->source = (char *)decode_s(obj, "reportingComponent");
	/* Old-style events carry count/first/lastTimestamp; events.k8s.io-style ones only
	 * eventTime and a series. */
	out->count = decode_i(obj, "count", 0);
	if (out->count <= 0)
		out->count = decode_i(series, "count", 0);
	if (out->count <= 0)
		out->count = 1;
	time_t event_time = decode_time(decode_s(obj, "eventTime"));
	out->first = decode_time(decode_s(obj, "firstTimestamp"));
	if (!out->first)
		out->first = event_time;
	out->last = decode_time(decode_s(obj, "lastTimestamp"));
	if (!out->last)
		out->last = decode_time(decode_s(series, "lastObservedTime"));
	if (!out->last)
		out->last = event_time ? event_time : out->first;
	if (!out->first)
		out->first = out->last;
	return 0;
}

int decode_namespace(const json_t *obj, struct model_namespace *out)
{
	memset(out, 0, sizeof(*out));
	const json_t *meta = json_object_get(obj, "metadata");
	out->name = (char *)decode_s(meta, "name");
	if (!out->name[0])
		return -1;
	out->created = decode_time(decode_s(meta, "creationTimestamp"));
	snprintf(out->phase, sizeof(out->phase), "%s", decode_s(json_object_get(obj, "status"), "phase"));
	return 0;
}

int decode_apply(enum kube_resource r, const json_t *obj, bool deleted, struct model *m,
		 char *rv, size_t rvcap)
{
	const json_t *meta = json_object_get(obj, "metadata");
	if (rv)
		snprintf(rv, rvcap, "%s", decode_s(meta, "resourceVersion"));
	const char *name = decode_s(meta, "name"), *ns = decode_s(meta, "namespace");
	if (!json_is_object(obj) || !name[0])
		return -1;
	enum model_workload_kind wk = r == KUBE_STATEFULSETS ? MODEL_STATEFULSET : MODEL_DEPLOYMENT;
	if (deleted) {
		switch (r) {
		case KUBE_PODS: model_pod_delete(m, ns, name); break;
		case KUBE_NODES: model_node_delete(m, name); break;
		case KUBE_DEPLOYMENTS:
		case KUBE_STATEFULSETS: model_workload_delete(m, wk, ns, name); break;
		case KUBE_EVENTS: model_event_delete(m, ns, name); break;
		case KUBE_NAMESPACES: model_namespace_delete(m, name); break;
		default: return -1;
		}
		return 0;
	}
	switch (r) {
	case KUBE_PODS: {
		struct model_pod p;
		char labels[2048], containers[512], last_exit[512], images[1024];
		if (decode_pod(obj, &p) < 0)
			return -1;
		decode_pod_extra(obj, &p, labels, sizeof(labels), containers, sizeof(containers),
				 last_exit, sizeof(last_exit));
		decode_pod_images(obj, &p, images, sizeof(images));
		model_pod_upsert(m, &p);
		break;
	}
	case KUBE_NODES: {
		struct model_node n;
		if (decode_node(obj, &n) < 0)
			return -1;
		model_node_upsert(m, &n);
		break;
	}
	case KUBE_DEPLOYMENTS:
	case KUBE_STATEFULSETS: {
		struct model_workload w;
		char images[2048], selector[1024];
		if (decode_workload(obj, wk, &w, images, sizeof(images), selector, sizeof(selector)) < 0)
			return -1;
		model_workload_upsert(m, &w);
		break;
	}
	case KUBE_EVENTS: {
		struct model_event e;
		if (decode_event(obj, &e) < 0)
			return -1;
		model_event_upsert(m, &e);
		break;
	}
	case KUBE_NAMESPACES: {
		struct model_namespace n;
		if (decode_namespace(obj, &n) < 0)
			return -1;
		model_namespace_upsert(m, &n);
		break;
	}
	default:
		return -1;
	}
	return 0;
}

void decode_begin_snapshot(enum kube_resource r, struct model *m)
{
	switch (r) {
	case KUBE_PODS: model_pods_begin_snapshot(m); break;
	case KUBE_NODES: model_nodes_begin_snapshot(m); break;
	case KUBE_DEPLOYMENTS: model_workloads_begin_snapshot(m, MODEL_DEPLOYMENT); break;
	case KUBE_STATEFULSETS: model_workloads_begin_snapshot(m, MODEL_STATEFULSET); break;
	case KUBE_EVENTS: model_events_begin_snapshot(m); break;
	case KUBE_NAMESPACES: model_namespaces_begin_snapshot(m); break;
	default: break;
	}
}

void decode_end_snapshot(enum kube_resource r, struct model *m, const char *ns)
{
	switch (r) {
	case KUBE_PODS: model_pods_end_snapshot(m, ns); break;
	case KUBE_NODES: model_nodes_end_snapshot(m); break;
	case KUBE_DEPLOYMENTS: model_workloads_end_snapshot(m, MODEL_DEPLOYMENT, ns); break;
	case KUBE_STATEFULSETS: model_workloads_end_snapshot(m, MODEL_STATEFULSET, ns); break;
	case KUBE_EVENTS: model_events_end_snapshot(m, ns); break;
	case KUBE_NAMESPACES: model_namespaces_end_snapshot(m); break;
	default: break;
	}
}
