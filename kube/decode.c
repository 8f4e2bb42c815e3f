/* kube/decode: see decode.h. */
#include "kube/decode.h"

#include "kube/podstatus.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *decode_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
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
	out->name = (char *)decode_str(meta, "name");
	if (!out->name[0])
		return -1;
	out->ns = (char *)decode_str(meta, "namespace");
	out->node = (char *)decode_str(spec, "nodeName");
	out->ip = (char *)decode_str(status, "podIP");
	out->created = decode_time(decode_str(meta, "creationTimestamp"));
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

/* Appends "sep+text" to out (capacity cap), cutting rather than overflowing. */
static void decode_append(char *out, size_t cap, const char *sep, const char *text)
{
	size_t n = strlen(out);
	if (n + 1 >= cap)
		return;
	snprintf(out + n, cap - n, "%s%s", n ? sep : "", text);
}

void decode_pod_extra(const json_t *pod, struct model_pod *out, char *labels, size_t lcap,
		      char *containers, size_t ccap, char *last_exit, size_t ecap)
{
	labels[0] = containers[0] = last_exit[0] = '\0';
	const char *key;
	json_t *val;
	json_object_foreach(json_object_get(json_object_get(pod, "metadata"), "labels"), key, val) {
		if (!json_is_string(val))
			continue;
		char kv[600];
		snprintf(kv, sizeof(kv), "%.250s=%.300s", key, json_string_value(val));
		decode_append(labels, lcap, ",", kv);
	}
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c)
		decode_append(containers, ccap, ",", decode_str(c, "name"));
	const char *newest = NULL;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "containerStatuses"), i, c) {
		const json_t *t = json_object_get(json_object_get(c, "lastState"), "terminated");
		const char *fin = decode_str(t, "finishedAt");
		if (!t || (newest && strcmp(fin, newest) <= 0))
			continue;
		newest = fin;
		const char *msg = decode_str(t, "message");
		if (!*msg)
			msg = decode_str(t, "reason");
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
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c)
		decode_append(images, icap, ",", decode_str(c, "image"));
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
	out->name = (char *)decode_str(meta, "name");
	if (!out->name[0])
		return -1;
	out->created = decode_time(decode_str(meta, "creationTimestamp"));
	const char *ready = "Unknown";
	size_t i;
	json_t *cond;
	json_array_foreach(json_object_get(status, "conditions"), i, cond) {
		const char *type = decode_str(cond, "type");
		bool is_true = strcmp(decode_str(cond, "status"), "True") == 0;
		if (is_true && strcmp(type, "MemoryPressure") == 0)
			out->pressure |= MODEL_PRESSURE_MEMORY;
		else if (is_true && strcmp(type, "DiskPressure") == 0)
			out->pressure |= MODEL_PRESSURE_DISK;
		else if (is_true && strcmp(type, "PIDPressure") == 0)
			out->pressure |= MODEL_PRESSURE_PID;
		if (strcmp(type, "Ready") != 0)
			continue;
		const char *s = decode_str(cond, "status");
		/* As kubectl prints it: any Ready status but True (False, Unknown) is NotReady;
		 * "Unknown" is only for a node without a Ready condition. */
		ready = strcmp(s, "True") == 0 ? "Ready" : "NotReady";
	}
	out->ready = strcmp(ready, "Ready") == 0;
	bool unsched = json_is_true(json_object_get(json_object_get(node, "spec"), "unschedulable"));
	snprintf(out->status, sizeof(out->status), "%s%s", ready, unsched ? ",SchedulingDisabled" : "");
	decode_node_roles(json_object_get(meta, "labels"), out->roles, sizeof(out->roles));
	snprintf(out->version, sizeof(out->version), "%s",
		 decode_str(json_object_get(status, "nodeInfo"), "kubeletVersion"));
	return 0;
}

/* Parses buf, checks kind, fills meta; returns the items array (borrowed from *root). */
static json_t *decode_list_open(const char *buf, size_t len, const char *kind, json_t **root,
				struct decode_meta *meta, char *err, size_t errcap)
{
	memset(meta, 0, sizeof(*meta));
	json_error_t je;
	*root = json_loadb(buf, len, 0, &je);
	if (!*root) {
		snprintf(err, errcap, "not JSON at line %d column %d: %s", je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(*root)) {
		snprintf(err, errcap, "expected a %s object, got another JSON value", kind);
		return NULL;
	}
	const char *got = decode_str(*root, "kind");
	if (strcmp(got, "Status") == 0) {
		char msg[256];
		decode_status_message(buf, len, msg, sizeof(msg));
		snprintf(err, errcap, "expected %s, got Status: %s", kind, msg);
		return NULL;
	}
	/* kind may be absent in some proxies' answers; when present it must match. */
	if (got[0] && strcmp(got, kind) != 0) {
		snprintf(err, errcap, "expected %s, got kind '%.40s'", kind, got);
		return NULL;
	}
	json_t *items = json_object_get(*root, "items");
	if (!json_is_array(items) && !json_is_null(items) && items) {
		snprintf(err, errcap, "%s.items is not an array", kind);
		return NULL;
	}
	const json_t *lm = json_object_get(*root, "metadata");
	snprintf(meta->cont, sizeof(meta->cont), "%s", decode_str(lm, "continue"));
	snprintf(meta->resource_version, sizeof(meta->resource_version), "%s",
		 decode_str(lm, "resourceVersion"));
	return items ? items : json_null();
}

int decode_list(enum kube_resource r, const char *buf, size_t len, struct model *m,
		struct decode_meta *meta, char *err, size_t errcap)
{
	json_t *root;
	json_t *items = decode_list_open(buf, len, decode_resource_list_kind(r), &root, meta, err, errcap);
	if (!items) {
		json_decref(root);
		return -1;
	}
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		if (decode_apply(r, item, false, m, NULL, 0) < 0) {
			meta->skipped++;
			continue;
		}
		meta->items++;
	}
	json_decref(root);
	return 0;
}

int decode_pod_list(const char *buf, size_t len, struct model *m, struct decode_meta *meta,
		    char *err, size_t errcap)
{
	return decode_list(KUBE_PODS, buf, len, m, meta, err, errcap);
}

int decode_node_list(const char *buf, size_t len, struct model *m, struct decode_meta *meta,
		     char *err, size_t errcap)
{
	return decode_list(KUBE_NODES, buf, len, m, meta, err, errcap);
}

void decode_status_message(const char *buf, size_t len, char *out, size_t cap)
{
	if (len == 0) {
		snprintf(out, cap, "empty body");
		return;
	}
	json_t *root = json_loadb(buf, len, 0, NULL);
	if (!root) {
		snprintf(out, cap, "non-JSON body (%zu bytes)", len);
		return;
	}
	const char *msg = decode_str(root, "message");
	if (!msg[0])
		msg = decode_str(root, "reason");
	if (msg[0])
		snprintf(out, cap, "%s", msg);
	else
		snprintf(out, cap, "JSON body without a message (%zu bytes)", len);
	json_decref(root);
}
