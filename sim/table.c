/* sim/table: the server-side Table (meta.k8s.io/v1); see table.h.
 *
 * The API server builds its Tables with the wide printer options, so every row carries the
 * priority-1 cells too and kubectl drops them unless asked for `-o wide`.  Columns, cell
 * types and texts follow the Kubernetes printers (pkg/printers/internalversion) for the
 * resources warroom-sim serves; descriptions are our own words (kubectl does not show them).
 * Objects are read as the API server would see them after defaulting, so a missing
 * spec.replicas reads as 1 and a missing Service type as ClusterIP.
 */
#include "sim/table.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sim/table_int.h"

/* ---- formatting shared by several resources ------------------------------------------- */

static int tbl_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and joins strings with sep; frees them; empty_text when there are none. */
static char *tbl_join_sorted(char **v, size_t n, const char *sep, const char *empty_text)
{
	if (!n)
		return xstrdup(empty_text);
	qsort(v, n, sizeof(*v), tbl_cmp_str);
	struct tbl_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (i)
			tbl_buf_add(&b, sep);
		tbl_buf_add(&b, v[i]);
		free(v[i]);
	}
	return tbl_buf_take(&b);
}

/* labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty. */
static char *tbl_format_labels(const json_t *map)
{
	size_t n = json_object_size(map), i = 0;
	char **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *k;
	json_t *val;
	json_object_foreach((json_t *)map, k, val)
		v[i++] = xasprintf("%s=%s", k, json_is_string(val) ? json_string_value(val) : "");
	char *s = tbl_join_sorted(v, i, ",", "<none>");
	free(v);
	return s;
}

/* Orders two printed requirements ("k=v", "k in (..)", "k", "!k") by their keys. */
static int tbl_cmp_requirement(const char *a, const char *b)
{
	a += *a == '!';
	b += *b == '!';
	size_t na = strcspn(a, "= "), nb = strcspn(b, "= ");
	int c = strncmp(a, b, na < nb ? na : nb);
	if (c)
		return c;
	return na < nb ? -1 : na > nb ? 1 : 0;
}

/* A label selector ({matchLabels, matchExpressions}) in selector syntax, requirements
 * sorted by key as the API server prints them; "" for an empty or missing selector. */
static char *tbl_format_selector(const json_t *sel)
{
	json_t *ml = json_object_get(sel, "matchLabels");
	json_t *me = json_object_get(sel, "matchExpressions");
	size_t n = json_object_size(ml) + json_array_size(me), i = 0;
	char **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *k;
	json_t *val;
	json_object_foreach(ml, k, val)
		v[i++] = xasprintf("%s=%s", k, json_is_string(val) ? json_string_value(val) : "");
	size_t j;
	json_t *e;
	json_array_foreach(me, j, e) {
		const char *key = tbl_str(e, "key");
		const char *op = tbl_str(e, "operator");
		if (!strcmp(op, "Exists")) {
			v[i++] = xstrdup(key);
			continue;
		}
		if (!strcmp(op, "DoesNotExist")) {
			v[i++] = xasprintf("!%s", key);
			continue;
		}
		json_t *vals = json_object_get(e, "values");
		size_t nv = json_array_size(vals), x;
		char **sv = xcalloc(nv ? nv : 1, sizeof(*sv));
		json_t *s;
		size_t m = 0;
		json_array_foreach(vals, x, s)
			sv[m++] = xstrdup(json_is_string(s) ? json_string_value(s) : "");
		char *set = tbl_join_sorted(sv, m, ",", "");
		free(sv);
		v[i++] = xasprintf("%s %s (%s)", key, !strcmp(op, "NotIn") ? "notin" : "in", set);
		free(set);
	}
	/* Requirements sort by key (stable, so matchLabels stay first for equal keys). */
	char *s;
	for (size_t a = 1; a < i; a++) {
		char *cur = v[a];
		size_t b = a;
		while (b > 0 && tbl_cmp_requirement(v[b - 1], cur) > 0) {
			v[b] = v[b - 1];
			b--;
		}
		v[b] = cur;
	}
	struct tbl_buf buf = {0};
	for (size_t a = 0; a < i; a++) {
		if (a)
			tbl_buf_add(&buf, ",");
		tbl_buf_add(&buf, v[a]);
		free(v[a]);
	}
	free(v);
	s = tbl_buf_take(&buf);
	return s;
}

/* metav1.FormatLabelSelector: as above, "<none>" when empty. */
static char *tbl_format_selector_none(const json_t *sel)
{
	char *s = tbl_format_selector(sel);
	if (!*s) {
		free(s);
		return xstrdup("<none>");
	}
	return s;
}

/* Container names and images of a pod template, comma-separated. */
static void tbl_containers(const json_t *spec, json_t *cells)
{
	struct tbl_buf names = {0}, images = {0};
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(spec, "containers"), i, c) {
		if (i) {
			tbl_buf_add(&names, ",");
			tbl_buf_add(&images, ",");
		}
		tbl_buf_add(&names, tbl_str(c, "name"));
		tbl_buf_add(&images, tbl_str(c, "image"));
	}
	char *n = tbl_buf_take(&names), *im = tbl_buf_take(&images);
	json_array_append_new(cells, json_string(n));
	json_array_append_new(cells, json_string(im));
	free(n);
	free(im);
}

/* Appends a string cell and frees it. */
static void tbl_cell_take(json_t *cells, char *s)
{
	json_array_append_new(cells, json_string(s));
	free(s);
}

static void tbl_cell(json_t *cells, const char *s)
{
	json_array_append_new(cells, json_string(s));
}

static void tbl_cell_int(json_t *cells, long long v)
{
	json_array_append_new(cells, json_integer(v));
}

/* An IntOrString field ("50%" or 2) as text, or "N/A" when absent. */
static char *tbl_int_or_string(const json_t *v)
{
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	return xstrdup("N/A");
}

/* ---- rows per resource ---------------------------------------------------------------- */

static void tbl_row_namespace(const json_t *o, time_t now, json_t *cells)
{
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell(cells, tbl_str(o, "status.phase"));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
}

static char *tbl_node_roles(const json_t *labels)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	size_t n = json_object_size(labels), i = 0;
	char **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *k;
	json_t *val;
	json_object_foreach((json_t *)labels, k, val) {
		const char *role = NULL;
		if (!strncmp(k, prefix, sizeof(prefix) - 1) && k[sizeof(prefix) - 1])
			role = k + sizeof(prefix) - 1;
		else if (!strcmp(k, "kubernetes.io/role") && json_is_string(val) &&
			 *json_string_value(val))
			role = json_string_value(val);
		if (!role)
			continue;
		bool dup = false; /* a set: both label forms may name the same role */
		for (size_t j = 0; j < i; j++)
			dup = dup || !strcmp(v[j], role);
		if (!dup)
			v[i++] = xstrdup(role);
	}
	char *s = tbl_join_sorted(v, i, ",", "<none>");
	free(v);
	return s;
}

static const char *tbl_node_address(const json_t *o, const char *type)
{
	size_t i;
	json_t *a;
	json_array_foreach(tbl_get(o, "status.addresses"), i, a)
		if (!strcmp(tbl_str(a, "type"), type))
			return tbl_str(a, "address");
	return "<none>";
}

static const char *tbl_or_unknown(const char *s)
{
	return *s ? s : "<unknown>";
}

static void tbl_row_node(const json_t *o, time_t now, json_t *cells)
{
	const char *ready = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(tbl_get(o, "status.conditions"), i, c)
		if (!strcmp(tbl_str(c, "type"), "Ready"))
			ready = tbl_str(c, "status"); /* the last one wins, as in a map */
	const char *status = !ready ? "Unknown" : !strcmp(ready, "True") ? "Ready" : "NotReady";
	bool cordoned = json_is_true(tbl_get(o, "spec.unschedulable"));
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell_take(cells, xasprintf("%s%s", status, cordoned ? ",SchedulingDisabled" : ""));
	tbl_cell_take(cells, tbl_node_roles(tbl_get(o, "metadata.labels")));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
	tbl_cell(cells, tbl_str(o, "status.nodeInfo.kubeletVersion"));
	tbl_cell(cells, tbl_node_address(o, "InternalIP"));
	tbl_cell(cells, tbl_node_address(o, "ExternalIP"));
	tbl_cell(cells, tbl_or_unknown(tbl_str(o, "status.nodeInfo.osImage")));
	tbl_cell(cells, tbl_or_unknown(tbl_str(o, "status.nodeInfo.kernelVersion")));
	tbl_cell(cells, tbl_or_unknown(tbl_str(o, "status.nodeInfo.containerRuntimeVersion")));
}

/* Trims blanks at both ends (the printer's strings.TrimSpace on messages). */
static char *tbl_trim(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static char *tbl_lower(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

static void tbl_row_event(const json_t *o, time_t now, json_t *cells)
{
	char *first = tbl_time(o, "firstTimestamp", &(time_t){0})
			      ? tbl_since(o, "firstTimestamp", now)
			      : tbl_since(o, "eventTime", now);
	char *last = tbl_time(o, "lastTimestamp", &(time_t){0}) ? tbl_since(o, "lastTimestamp", now)
								 : xstrdup(first);
	long long count = tbl_int(o, "count", 0);
	json_t *series = json_object_get(o, "series");
	if (json_is_object(series)) {
		free(last);
		last = tbl_since(series, "lastObservedTime", now);
		count = tbl_int(series, "count", 0);
	} else if (count == 0) {
		count = 1; /* singleton events of the events.k8s.io API carry no count */
	}
	char *kind = tbl_lower(tbl_str(o, "involvedObject.kind"));
	const char *name = tbl_str(o, "involvedObject.name");
	char *target = *name ? xasprintf("%s/%s", kind, name) : xstrdup(kind);
	free(kind);
	const char *comp = tbl_str(o, "source.component");
	if (!*comp)
		comp = tbl_str(o, "reportingComponent");
	const char *host = tbl_str(o, "source.host");
	if (!*host)
		host = tbl_str(o, "reportingInstance");
	char *source = *host ? xasprintf("%s, %s", comp, host) : xstrdup(comp);

	tbl_cell_take(cells, last);
	tbl_cell(cells, tbl_str(o, "type"));
	tbl_cell(cells, tbl_str(o, "reason"));
	tbl_cell_take(cells, target);
	tbl_cell(cells, tbl_str(o, "involvedObject.fieldPath"));
	tbl_cell_take(cells, source);
	tbl_cell_take(cells, tbl_trim(tbl_str(o, "message")));
	tbl_cell_take(cells, first);
	tbl_cell_int(cells, count);
	tbl_cell(cells, tbl_str(o, "metadata.name"));
}

/* The External-IP cell of a Service. */
static char *tbl_service_external(const json_t *o, const char *type)
{
	json_t *ext = tbl_get(o, "spec.externalIPs");
	struct tbl_buf b = {0};
	size_t i;
	json_t *v;
	if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
		json_array_foreach(ext, i, v) {
			if (i)
				tbl_buf_add(&b, ",");
			tbl_buf_add(&b, json_is_string(v) ? json_string_value(v) : "");
		}
		char *s = tbl_buf_take(&b);
		if (!*s) {
			free(s);
			return xstrdup("<none>");
		}
		return s;
	}
	if (!strcmp(type, "LoadBalancer")) {
		/* Load balancer addresses as a sorted set, then the external IPs. */
		json_t *ing = tbl_get(o, "status.loadBalancer.ingress");
		size_t n = json_array_size(ing), m = 0;
		char **lb = xcalloc(n ? n : 1, sizeof(*lb));
		json_array_foreach(ing, i, v) {
			const char *a = *tbl_str(v, "ip") ? tbl_str(v, "ip") : tbl_str(v, "hostname");
			bool dup = false;
			for (size_t j = 0; j < m; j++)
				dup = dup || !strcmp(lb[j], a);
			if (*a && !dup)
				lb[m++] = xstrdup(a);
		}
		char *s = tbl_join_sorted(lb, m, ",", "");
		free(lb);
		tbl_buf_add(&b, s);
		free(s);
		json_array_foreach(ext, i, v) {
			if (b.n)
				tbl_buf_add(&b, ",");
			tbl_buf_add(&b, json_is_string(v) ? json_string_value(v) : "");
		}
		s = tbl_buf_take(&b);
		if (!*s) {
			free(s);
			return xstrdup("<pending>");
		}
		return s;
	}
	if (!strcmp(type, "ExternalName"))
		return xstrdup(tbl_str(o, "spec.externalName"));
	return xstrdup("<unknown>");
}

static void tbl_row_service(const json_t *o, time_t now, json_t *cells)
{
	const char *type = *tbl_str(o, "spec.type") ? tbl_str(o, "spec.type") : "ClusterIP";
	const char *ip = tbl_str(o, "spec.clusterIP");
	if (!*ip)
		ip = json_string_value(json_array_get(tbl_get(o, "spec.clusterIPs"), 0));
	struct tbl_buf ports = {0};
	size_t i;
	json_t *p;
	json_array_foreach(tbl_get(o, "spec.ports"), i, p) {
		const char *proto = *tbl_str(p, "protocol") ? tbl_str(p, "protocol") : "TCP";
		long long node_port = tbl_int(p, "nodePort", 0);
		char *piece = node_port > 0 ? xasprintf("%lld:%lld/%s", tbl_int(p, "port", 0),
							 node_port, proto)
					    : xasprintf("%lld/%s", tbl_int(p, "port", 0), proto);
		if (i)
			tbl_buf_add(&ports, ",");
		tbl_buf_add(&ports, piece);
		free(piece);
	}
	char *port_s = tbl_buf_take(&ports);
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell(cells, type);
	tbl_cell(cells, ip && *ip ? ip : "<none>");
	tbl_cell_take(cells, tbl_service_external(o, type));
	tbl_cell(cells, *port_s ? port_s : "<none>");
	free(port_s);
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
	tbl_cell_take(cells, tbl_format_labels(tbl_get(o, "spec.selector")));
}

/* formatEndpoints: up to three "ip:port" (or bare IPs for port-less subsets). */
static char *tbl_endpoints(const json_t *o)
{
	json_t *subsets = json_object_get(o, "subsets");
	if (!json_array_size(subsets))
		return xstrdup("<none>");
	struct tbl_buf b = {0};
	size_t shown = 0, count = 0, i, j, k;
	json_t *ss, *port, *addr;
	json_array_foreach(subsets, i, ss) {
		json_t *addrs = json_object_get(ss, "addresses");
		json_t *ports = json_object_get(ss, "ports");
		if (!json_array_size(ports)) {
			count += json_array_size(addrs);
			json_array_foreach(addrs, k, addr) {
				if (shown == 3)
					break;
				tbl_buf_add(&b, shown++ ? "," : "");
				tbl_buf_add(&b, tbl_str(addr, "ip"));
			}
			continue;
		}
		json_array_foreach(ports, j, port) {
			count += json_array_size(addrs);
			json_array_foreach(addrs, k, addr) {
				if (shown == 3)
					break;
				const char *ip = tbl_str(addr, "ip");
				char *hp = strchr(ip, ':')
						   ? xasprintf("[%s]:%lld", ip, tbl_int(port, "port", 0))
						   : xasprintf("%s:%lld", ip, tbl_int(port, "port", 0));
				tbl_buf_add(&b, shown++ ? "," : "");
				tbl_buf_add(&b, hp);
				free(hp);
			}
		}
	}
	char *s = tbl_buf_take(&b);
	if (count > 3) {
		char *more = xasprintf("%s + %zu more...", s, count - 3);
		free(s);
		return more;
	}
	return s;
}

static void tbl_row_endpoints(const json_t *o, time_t now, json_t *cells)
{
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell_take(cells, tbl_endpoints(o));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
}

static void tbl_row_deployment(const json_t *o, time_t now, json_t *cells)
{
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell_take(cells, xasprintf("%lld/%lld", tbl_int(o, "status.readyReplicas", 0),
				       tbl_int(o, "spec.replicas", 1)));
	tbl_cell_int(cells, tbl_int(o, "status.updatedReplicas", 0));
	tbl_cell_int(cells, tbl_int(o, "status.availableReplicas", 0));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
	tbl_containers(tbl_get(o, "spec.template.spec"), cells);
	tbl_cell_take(cells, tbl_format_selector(tbl_get(o, "spec.selector")));
}

static void tbl_row_replicaset(const json_t *o, time_t now, json_t *cells)
{
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell_int(cells, tbl_int(o, "spec.replicas", 1));
	tbl_cell_int(cells, tbl_int(o, "status.replicas", 0));
	tbl_cell_int(cells, tbl_int(o, "status.readyReplicas", 0));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
	tbl_containers(tbl_get(o, "spec.template.spec"), cells);
	tbl_cell_take(cells, tbl_format_selector_none(tbl_get(o, "spec.selector")));
}

static void tbl_row_statefulset(const json_t *o, time_t now, json_t *cells)
{
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell_take(cells, xasprintf("%lld/%lld", tbl_int(o, "status.readyReplicas", 0),
				       tbl_int(o, "spec.replicas", 1)));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
	tbl_containers(tbl_get(o, "spec.template.spec"), cells);
}

/* hasJobCondition: the first condition of that type decides. */
static bool tbl_job_condition(const json_t *o, const char *type)
{
	size_t i;
	json_t *c;
	json_array_foreach(tbl_get(o, "status.conditions"), i, c)
		if (!strcmp(tbl_str(c, "type"), type))
			return !strcmp(tbl_str(c, "status"), "True");
	return false;
}

static void tbl_row_job(const json_t *o, time_t now, json_t *cells)
{
	long long succeeded = tbl_int(o, "status.succeeded", 0);
	json_t *completions = tbl_get(o, "spec.completions");
	json_t *parallelism = tbl_get(o, "spec.parallelism");
	char *compl;
	if (json_is_integer(completions) || (!completions && !parallelism))
		/* Defaulting sets completions=1 when neither field is given. */
		compl = xasprintf("%lld/%lld", succeeded, tbl_int(o, "spec.completions", 1));
	else if (tbl_int(o, "spec.parallelism", 0) > 1)
		compl = xasprintf("%lld/1 of %lld", succeeded, tbl_int(o, "spec.parallelism", 0));
	else
		compl = xasprintf("%lld/1", succeeded);
	time_t start, end;
	char dur[32] = "";
	if (tbl_time(o, "status.startTime", &start)) {
		if (!tbl_time(o, "status.completionTime", &end))
			end = now;
		sim_table_age(start, end, dur, sizeof(dur));
	}
	const char *status = "Running";
	bool deleting = tbl_get(o, "metadata.deletionTimestamp") &&
			!json_is_null(tbl_get(o, "metadata.deletionTimestamp"));
	if (tbl_job_condition(o, "Complete"))
		status = "Complete";
	else if (tbl_job_condition(o, "Failed"))
		status = "Failed";
	else if (deleting)
		status = "Terminating";
	else if (tbl_job_condition(o, "Suspended"))
		status = "Suspended";
	else if (tbl_job_condition(o, "FailureTarget"))
		status = "FailureTarget";
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell(cells, status);
	tbl_cell_take(cells, compl);
	tbl_cell(cells, dur);
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
	tbl_containers(tbl_get(o, "spec.template.spec"), cells);
	tbl_cell_take(cells, tbl_format_selector_none(tbl_get(o, "spec.selector")));
}

static void tbl_row_cronjob(const json_t *o, time_t now, json_t *cells)
{
	const char *tz = tbl_str(o, "spec.timeZone");
	json_t *suspend = tbl_get(o, "spec.suspend");
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell(cells, tbl_str(o, "spec.schedule"));
	tbl_cell(cells, *tz ? tz : "<none>");
	/* Defaulting sets suspend=false, so a missing field prints False. */
	tbl_cell(cells, json_is_true(suspend) ? "True" : "False");
	tbl_cell_int(cells, (long long)json_array_size(tbl_get(o, "status.active")));
	tbl_cell_take(cells, tbl_time(o, "status.lastScheduleTime", &(time_t){0})
				     ? tbl_since(o, "status.lastScheduleTime", now)
				     : xstrdup("<none>"));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
	tbl_containers(tbl_get(o, "spec.jobTemplate.spec.template.spec"), cells);
	tbl_cell_take(cells, tbl_format_selector_none(tbl_get(o, "spec.jobTemplate.spec.selector")));
}

static void tbl_row_pdb(const json_t *o, time_t now, json_t *cells)
{
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell_take(cells, tbl_int_or_string(tbl_get(o, "spec.minAvailable")));
	tbl_cell_take(cells, tbl_int_or_string(tbl_get(o, "spec.maxUnavailable")));
	tbl_cell_int(cells, tbl_int(o, "status.disruptionsAllowed", 0));
	tbl_cell_take(cells, tbl_since(o, "metadata.creationTimestamp", now));
}

/* ---- columns -------------------------------------------------------------------------- */

struct tbl_col {
	const char *name, *type, *format, *description;
	int priority;
};

#define TBL_AGE {"Age", "string", "", "Time since the object was created.", 0}
#define TBL_NAME {"Name", "string", "name", "Name of the object, unique in its namespace.", 0}
#define TBL_CONTAINERS {"Containers", "string", "", "Names of each container in the template.", 1}
#define TBL_IMAGES {"Images", "string", "", "Images referenced by each container in the template.", 1}

static const struct tbl_col cols_pods[] = {
	TBL_NAME,
	{"Ready", "string", "", "Ready containers of all containers in the pod.", 0},
	{"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
	{"Restarts", "string", "", "Container restarts, and how long ago the last one was.", 0},
	TBL_AGE,
	{"IP", "string", "", "The pod's IP address.", 1},
	{"Node", "string", "", "The node the pod is scheduled to.", 1},
	{"Nominated Node", "string", "", "The node the scheduler nominated by preemption.", 1},
	{"Readiness Gates", "string", "", "True readiness gates of all gates.", 1},
	{0},
};
static const struct tbl_col cols_nodes[] = {
	TBL_NAME,
	{"Status", "string", "", "The status of the node", 0},
	{"Roles", "string", "", "The roles of the node", 0},
	TBL_AGE,
	{"Version", "string", "", "Kubelet version reported by the node.", 0},
	{"Internal-IP", "string", "", "The node's first InternalIP address.", 1},
	{"External-IP", "string", "", "The node's first ExternalIP address.", 1},
	{"OS-Image", "string", "", "OS image reported by the node.", 1},
	{"Kernel-Version", "string", "", "Kernel version reported by the node.", 1},
	{"Container-Runtime", "string", "", "Container runtime version reported by the node.", 1},
	{0},
};
static const struct tbl_col cols_namespaces[] = {
	TBL_NAME,
	{"Status", "string", "", "The status of the namespace", 0},
	TBL_AGE,
	{0},
};
static const struct tbl_col cols_events[] = {
	{"Last Seen", "string", "", "Time since the event was last seen.", 0},
	{"Type", "string", "", "Type of the event (Normal, Warning).", 0},
	{"Reason", "string", "", "Short machine-readable reason for the event.", 0},
	{"Object", "string", "", "The object the event is about.", 0},
	{"Subobject", "string", "", "The part of the object the event is about.", 1},
	{"Source", "string", "", "The component that reported the event.", 1},
	{"Message", "string", "", "Human-readable description of the event.", 0},
	{"First Seen", "string", "", "Time since the event was first seen.", 1},
	{"Count", "string", "", "How many times the event occurred.", 1},
	{"Name", "string", "name", "Name of the event object.", 1},
	{0},
};
static const struct tbl_col cols_services[] = {
	TBL_NAME,
	{"Type", "string", "", "How the service is exposed.", 0},
	{"Cluster-IP", "string", "", "The service's cluster IP address.", 0},
	{"External-IP", "string", "", "External addresses of the service.", 0},
	{"Port(s)", "string", "", "Ports the service exposes.", 0},
	TBL_AGE,
	{"Selector", "string", "", "Labels of the pods the service routes to.", 1},
	{0},
};
static const struct tbl_col cols_endpoints[] = {
	TBL_NAME,
	{"Endpoints", "string", "", "Addresses and ports of the endpoints.", 0},
	TBL_AGE,
	{0},
};
static const struct tbl_col cols_deployments[] = {
	TBL_NAME,
	{"Ready", "string", "", "Number of the pod with ready state", 0},
	{"Up-to-date", "string", "", "Replicas updated to the current template.", 0},
	{"Available", "string", "", "Replicas available to users.", 0},
	TBL_AGE,
	TBL_CONTAINERS,
	TBL_IMAGES,
	{"Selector", "string", "", "Label selector of the deployment's pods.", 1},
	{0},
};
static const struct tbl_col cols_replicasets[] = {
	TBL_NAME,
	{"Desired", "integer", "", "Desired number of replicas.", 0},
	{"Current", "integer", "", "Number of replicas observed.", 0},
	{"Ready", "integer", "", "Number of ready replicas.", 0},
	TBL_AGE,
	TBL_CONTAINERS,
	TBL_IMAGES,
	{"Selector", "string", "", "Label selector of the replica set's pods.", 1},
	{0},
};
static const struct tbl_col cols_statefulsets[] = {
	TBL_NAME,
	{"Ready", "string", "", "Number of the pod with ready state", 0},
	TBL_AGE,
	TBL_CONTAINERS,
	TBL_IMAGES,
	{0},
};
static const struct tbl_col cols_jobs[] = {
	TBL_NAME,
	{"Status", "string", "", "Status of the job.", 0},
	{"Completions", "string", "", "Succeeded pods of the completions wanted.", 0},
	{"Duration", "string", "", "Time required to complete the job.", 0},
	TBL_AGE,
	TBL_CONTAINERS,
	TBL_IMAGES,
	{"Selector", "string", "", "Label selector of the job's pods.", 1},
	{0},
};
static const struct tbl_col cols_cronjobs[] = {
	TBL_NAME,
	{"Schedule", "string", "", "The cron schedule.", 0},
	{"Timezone", "string", "", "Time zone of the schedule.", 0},
	{"Suspend", "boolean", "", "Whether new runs are suspended.", 0},
	{"Active", "integer", "", "Number of running jobs.", 0},
	{"Last Schedule", "string", "", "Time since a job was last scheduled.", 0},
	TBL_AGE,
	TBL_CONTAINERS,
	TBL_IMAGES,
	{"Selector", "string", "", "Label selector of the jobs' pods.", 1},
	{0},
};
static const struct tbl_col cols_pdbs[] = {
	TBL_NAME,
	{"Min Available", "string", "", "The minimum number of pods that must be available.", 0},
	{"Max Unavailable", "string", "", "The maximum number of pods that may be unavailable.", 0},
	{"Allowed Disruptions", "integer", "",
	 "Calculated number of pods that may be disrupted at this time.", 0},
	TBL_AGE,
	{0},
};

typedef void (*tbl_row_fn)(const json_t *o, time_t now, json_t *cells);

static void tbl_row_pod(const json_t *o, time_t now, json_t *cells)
{
	json_t *unused;
	tbl_pod_row(o, now, cells, &unused);
	json_decref(unused);
}

static const struct {
	const struct tbl_col *cols;
	tbl_row_fn row;
} tbl_printers[SIM_RES_COUNT] = {
	[SIM_NAMESPACES] = {cols_namespaces, tbl_row_namespace},
	[SIM_NODES] = {cols_nodes, tbl_row_node},
	[SIM_PODS] = {cols_pods, tbl_row_pod},
	[SIM_EVENTS] = {cols_events, tbl_row_event},
	[SIM_SERVICES] = {cols_services, tbl_row_service},
	[SIM_ENDPOINTS] = {cols_endpoints, tbl_row_endpoints},
	[SIM_DEPLOYMENTS] = {cols_deployments, tbl_row_deployment},
	[SIM_REPLICASETS] = {cols_replicasets, tbl_row_replicaset},
	[SIM_STATEFULSETS] = {cols_statefulsets, tbl_row_statefulset},
	[SIM_JOBS] = {cols_jobs, tbl_row_job},
	[SIM_CRONJOBS] = {cols_cronjobs, tbl_row_cronjob},
	[SIM_PDBS] = {cols_pdbs, tbl_row_pdb},
};

/* Resources without a printer get the API server's default Table: Name and Created At. */
static const struct tbl_col cols_default[] = {
	TBL_NAME,
	{"Created At", "date", "", "Time the object was created.", 0},
	{0},
};

static void tbl_row_default(const json_t *o, time_t now, json_t *cells)
{
	(void)now;
	tbl_cell(cells, tbl_str(o, "metadata.name"));
	tbl_cell(cells, tbl_str(o, "metadata.creationTimestamp"));
}

static json_t *tbl_columns(const struct tbl_col *cols)
{
	json_t *defs = json_array();
	for (const struct tbl_col *c = cols; c->name; c++)
		json_array_append_new(defs, json_pack("{s:s, s:s, s:s, s:s, s:i}", "name", c->name,
						      "type", c->type, "format", c->format,
						      "description", c->description, "priority",
						      c->priority));
	return defs;
}

/* row.object for include_object: NULL (None), the metadata only, or the whole object. */
static json_t *tbl_row_object(const json_t *o, const char *include_object)
{
	if (include_object && !strcmp(include_object, "None"))
		return NULL;
	if (include_object && !strcmp(include_object, "Object"))
		return json_deep_copy(o);
	json_t *md = json_object_get(o, "metadata");
	return json_pack("{s:s, s:s, s:o}", "kind", "PartialObjectMetadata", "apiVersion",
			 "meta.k8s.io/v1", "metadata",
			 json_is_object(md) ? json_deep_copy(md) : json_object());
}

json_t *sim_table_build(const struct sim_resource_info *r, json_t *items, bool with_columns,
			const char *include_object, time_t now)
{
	const struct tbl_col *cols = cols_default;
	tbl_row_fn row_fn = tbl_row_default;
	if (r && r->id < SIM_RES_COUNT && tbl_printers[r->id].cols) {
		cols = tbl_printers[r->id].cols;
		row_fn = tbl_printers[r->id].row;
	}
	json_t *table = json_pack("{s:s, s:s, s:{}}", "kind", "Table", "apiVersion",
				  "meta.k8s.io/v1", "metadata");
	if (with_columns)
		json_object_set_new(table, "columnDefinitions", tbl_columns(cols));
	json_t *rows = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		if (!json_is_object(o))
			continue;
		json_t *cells = json_array();
		json_t *conditions = NULL;
		if (r && r->id == SIM_PODS)
			tbl_pod_row(o, now, cells, &conditions);
		else
			row_fn(o, now, cells);
		json_t *row = json_pack("{s:o}", "cells", cells);
		if (conditions)
			json_object_set_new(row, "conditions", conditions);
		json_t *obj = tbl_row_object(o, include_object);
		if (obj)
			json_object_set_new(row, "object", obj);
		json_array_append_new(rows, row);
	}
	json_object_set_new(table, "rows", rows);
	return table;
}
