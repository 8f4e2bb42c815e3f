/* sim/world_file: scenario files (YAML, or JSON, which libyaml reads as YAML) -> the store.
 * Format: docs/scenario-format.md.  A small YAML -> jansson converter keeps the line of
 * every node so an error names FILE:LINE and the bad key; nothing is loaded past the
 * first error (warroom-sim then exits 2). */
#include "sim/world_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/xalloc.h"

struct yline {
	const json_t *node;
	int line;
};

struct yconv {
	yaml_parser_t p;
	const char *path;
	struct yline *lines;
	size_t nlines, caplines;
	char *err;
	size_t errlen;
};

static void yconv_mark(struct yconv *c, const json_t *node, const yaml_mark_t *m)
{
	c->lines = xgrow(c->lines, &c->caplines, c->nlines + 1, sizeof(*c->lines));
	c->lines[c->nlines].node = node;
	c->lines[c->nlines].line = (int)m->line + 1;
	c->nlines++;
}

static int yconv_line(const struct yconv *c, const json_t *node)
{
	for (size_t i = 0; i < c->nlines; i++)
		if (c->lines[i].node == node)
			return c->lines[i].line;
	return 0;
}

/* Plain scalars get YAML's core types; quoted ones stay strings. */
static json_t *yconv_scalar(const yaml_event_t *e)
{
	const char *v = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(v, len);
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "yes"))
		return json_true();
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "no"))
		return json_false();
	if (!len || !strcmp(v, "null") || !strcmp(v, "~"))
		return json_null();
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*end && end != v && !errno)
		return json_integer(n);
	double d = strtod(v, &end);
	if (!*end && end != v && !errno)
		return json_real(d);
	return json_stringn(v, len);
}

static int yconv_next(struct yconv *c, yaml_event_t *e)
{
	if (yaml_parser_parse(&c->p, e))
		return 0;
	snprintf(c->err, c->errlen, "%s:%zu: YAML error: %s %s", c->path,
		 c->p.problem_mark.line + 1, c->p.problem ? c->p.problem : "syntax error",
		 c->p.context ? c->p.context : "");
	return -1;
}

/* Converts the node starting with event e (consumed); NULL on error. */
static json_t *yconv_node(struct yconv *c, yaml_event_t *e, int depth)
{
	json_t *out = NULL;
	yaml_mark_t mark = e->start_mark;
	if (depth > 64) {
		snprintf(c->err, c->errlen, "%s:%zu: nested too deeply", c->path, mark.line + 1);
		yaml_event_delete(e);
		return NULL;
	}
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		out = yconv_scalar(e);
		yaml_event_delete(e);
		break;
	case YAML_ALIAS_EVENT:
		snprintf(c->err, c->errlen, "%s:%zu: YAML aliases are not supported", c->path,
			 mark.line + 1);
		yaml_event_delete(e);
		return NULL;
	case YAML_SEQUENCE_START_EVENT:
		yaml_event_delete(e);
		out = json_array();
		for (;;) {
			yaml_event_t ev;
			if (yconv_next(c, &ev) < 0)
				goto fail;
			if (ev.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&ev);
				break;
			}
			json_t *item = yconv_node(c, &ev, depth + 1);
			if (!item)
				goto fail;
			json_array_append_new(out, item);
		}
		break;
	case YAML_MAPPING_START_EVENT:
		yaml_event_delete(e);
		out = json_object();
		for (;;) {
			yaml_event_t ev;
			if (yconv_next(c, &ev) < 0)
				goto fail;
			if (ev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&ev);
				break;
			}
			if (ev.type != YAML_SCALAR_EVENT) {
				snprintf(c->err, c->errlen, "%s:%zu: mapping keys must be scalars",
					 c->path, ev.start_mark.line + 1);
				yaml_event_delete(&ev);
				goto fail;
			}
			char *key = xstrdup((const char *)ev.data.scalar.value);
			size_t kline = ev.start_mark.line + 1;
			yaml_event_delete(&ev);
			if (yconv_next(c, &ev) < 0) {
				free(key);
				goto fail;
			}
			json_t *val = yconv_node(c, &ev, depth + 1);
			if (!val) {
				free(key);
				goto fail;
			}
			if (json_object_get(out, key)) {
				snprintf(c->err, c->errlen, "%s:%zu: duplicate key \"%s\"", c->path,
					 kline, key);
				free(key);
				json_decref(val);
				goto fail;
			}
			json_object_set_new(out, key, val);
			free(key);
		}
		break;
	default:
		snprintf(c->err, c->errlen, "%s:%zu: unexpected YAML event", c->path,
			 mark.line + 1);
		yaml_event_delete(e);
		return NULL;
	}
	yconv_mark(c, out, &mark);
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* ---- validation helpers: every error names FILE:LINE and the key ---- */

struct sload {
	struct sim_world *w;
	struct yconv *c;
	char *err;
	size_t errlen;
};

static int sl_fail(struct sload *l, const json_t *at, const char *where, const char *fmt,
		   const char *a)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, a);
	snprintf(l->err, l->errlen, "%s:%d: %s: %s", l->c->path, yconv_line(l->c, at), where, msg);
	return -1;
}

/* Every key of obj must be in the comma-separated list `allowed`. */
static int sl_keys(struct sload *l, const json_t *obj, const char *where, const char *allowed)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj))
		return sl_fail(l, obj, where, "expected a mapping%s", "");
	json_object_foreach((json_t *)obj, k, v) {
		size_t kl = strlen(k);
		const char *p = allowed;
		bool ok = false;
		while (p && *p && !ok) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			ok = n == kl && !strncmp(p, k, n);
			p = comma ? comma + 1 : NULL;
		}
		if (!ok) {
			char msg[300];
			snprintf(msg, sizeof(msg), "unknown key \"%.60s\" (expected one of: %s)", k,
				 allowed);
			return sl_fail(l, v, where, "%s", msg);
		}
	}
	return 0;
}

static const char *sl_str(struct sload *l, const json_t *obj, const char *key, const char *where,
			  bool required)
{
	json_t *v = json_object_get(obj, key);
	if (!v && !required)
		return NULL;
	if (!json_is_string(v) || !json_string_length(v)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "%s string field \"%s\"", v ? "expected a non-empty" : "missing", key);
		sl_fail(l, v ? v : obj, where, "%s", msg);
		return NULL;
	}
	return json_string_value(v);
}

/* "30s", "500ms", "2m", "1h", "3d" or a plain number of seconds; < 0 on error. */
static double sl_duration(const json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	const char *s = json_string_value(v);
	if (!s)
		return -1;
	char *end;
	double d = strtod(s, &end);
	if (end == s || d < 0)
		return -1;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		return d;
	if (!strcmp(end, "ms"))
		return d / 1000;
	if (!strcmp(end, "m"))
		return d * 60;
	if (!strcmp(end, "h"))
		return d * 3600;
	if (!strcmp(end, "d"))
		return d * 86400;
	return -1;
}

/* A DNS-1123 label-ish name: what the API would accept as a name. */
static bool sl_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
			  ch == '.';
		if (!ok)
			return false;
	}
	return s[0] != '-' && s[n - 1] != '-';
}

static int sl_nodes(struct sload *l, const json_t *nodes, time_t created)
{
	struct sim_store *s = l->w->sim->store;
	if (json_is_integer(nodes)) {
		json_int_t n = json_integer_value(nodes);
		if (n < 1 || n > 5000)
			return sl_fail(l, nodes, "nodes", "a node count must be 1..5000%s", "");
		for (json_int_t i = 0; i < n; i++) {
			char name[64], ip[32];
			snprintf(ip, sizeof(ip), "172.20.%d.%d", (int)(i / 200) + 30,
				 (int)(i % 200) + 10);
			snprintf(name, sizeof(name), "ip-172-20-%d-%d.ec2.internal",
				 (int)(i / 200) + 30, (int)(i % 200) + 10);
			store_put(s, SIM_NODES, world_make_node(l->w, name, ip, (int)i, "node",
								created));
		}
		return 0;
	}
	if (!json_is_array(nodes) || !json_array_size(nodes))
		return sl_fail(l, nodes, "nodes", "expected a count or a non-empty list%s", "");
	size_t i;
	json_t *n;
	json_array_foreach(nodes, i, n) {
		char where[32];
		snprintf(where, sizeof(where), "nodes[%zu]", i);
		if (sl_keys(l, n, where, "name,ip,role,unschedulable") < 0)
			return -1;
		const char *name = sl_str(l, n, "name", where, true);
		if (!name)
			return -1;
		if (!sl_name_ok(name))
			return sl_fail(l, n, where, "invalid node name \"%.80s\"", name);
		const char *ip = sl_str(l, n, "ip", where, false);
		const char *role = sl_str(l, n, "role", where, false);
		char ipb[32];
		if (!ip) {
			snprintf(ipb, sizeof(ipb), "172.20.%zu.%zu", 40 + i / 200, 10 + i % 200);
			ip = ipb;
		}
		json_t *node = world_make_node(l->w, name, ip, (int)i, role ? role : "node",
					       created);
		if (json_is_true(json_object_get(n, "unschedulable")))
			world_set(node, "spec.unschedulable", json_true());
		store_put(s, SIM_NODES, node);
	}
	return 0;
}

static void sl_namespace(struct sload *l, const char *ns, time_t created)
{
	struct sim_store *s = l->w->sim->store;
	if (!store_get(s, SIM_NAMESPACES, NULL, ns))
		store_put(s, SIM_NAMESPACES, world_make_namespace(ns, created));
}

static int sl_workload(struct sload *l, const json_t *wl, size_t i, time_t created)
{
	char where[48];
	snprintf(where, sizeof(where), "workloads[%zu]", i);
	if (sl_keys(l, wl, where,
		    "kind,name,namespace,replicas,image,containers,labels,service,logs") < 0)
		return -1;
	const char *name = sl_str(l, wl, "name", where, true);
	if (!name)
		return -1;
	if (!sl_name_ok(name))
		return sl_fail(l, json_object_get(wl, "name"), where, "invalid name \"%.80s\"",
			       name);
	const char *kind = sl_str(l, wl, "kind", where, false);
	if (!kind && json_object_get(wl, "kind"))
		return -1;
	if (!kind)
		kind = "Deployment";
	if (strcmp(kind, "Deployment") && strcmp(kind, "StatefulSet"))
		return sl_fail(l, json_object_get(wl, "kind"), where,
			       "kind must be Deployment or StatefulSet, not \"%.40s\"", kind);
	const char *ns = json_object_get(wl, "namespace") ? sl_str(l, wl, "namespace", where, true)
							   : "default";
	if (!ns)
		return -1;
	if (!sl_name_ok(ns))
		return sl_fail(l, json_object_get(wl, "namespace"), where,
			       "invalid namespace \"%.80s\"", ns);
	json_t *rv = json_object_get(wl, "replicas");
	if (rv && (!json_is_integer(rv) || json_integer_value(rv) < 0 ||
		   json_integer_value(rv) > 1000))
		return sl_fail(l, rv, where, "\"replicas\" must be an integer 0..1000%s", "");
	int replicas = rv ? (int)json_integer_value(rv) : 1;
	const char *image = sl_str(l, wl, "image", where, false);
	if (!image && json_object_get(wl, "image"))
		return -1;
	json_t *ctrs = json_object_get(wl, "containers");
	if (ctrs) {
		if (!json_is_array(ctrs) || !json_array_size(ctrs))
			return sl_fail(l, ctrs, where, "\"containers\" must be a non-empty list%s",
				       "");
		size_t k;
		json_t *c;
		json_array_foreach(ctrs, k, c) {
			char cw[96];
			snprintf(cw, sizeof(cw), "%s.containers[%zu]", where, k);
			if (sl_keys(l, c, cw, "name,image,port") < 0 ||
			    !sl_str(l, c, "name", cw, true) || !sl_str(l, c, "image", cw, true))
				return -1;
			json_t *port = json_object_get(c, "port");
			if (port && (!json_is_integer(port) || json_integer_value(port) < 1 ||
				     json_integer_value(port) > 65535))
				return sl_fail(l, port, cw, "\"port\" must be 1..65535%s", "");
		}
	} else if (!image) {
		return sl_fail(l, wl, where, "needs \"image\" or \"containers\"%s", "");
	}
	json_t *labels = json_object_get(wl, "labels");
	if (labels) {
		const char *k;
		json_t *v;
		if (!json_is_object(labels))
			return sl_fail(l, labels, where, "\"labels\" must be a mapping%s", "");
		json_object_foreach(labels, k, v) {
			if (!json_is_string(v))
				return sl_fail(l, v, where, "label \"%.60s\" must be a string", k);
		}
	}
	struct sim_store *s = l->w->sim->store;
	enum sim_res res = strcmp(kind, "StatefulSet") ? SIM_DEPLOYMENTS : SIM_STATEFULSETS;
	if (store_get(s, SIM_DEPLOYMENTS, ns, name) || store_get(s, SIM_STATEFULSETS, ns, name))
		return sl_fail(l, wl, where, "workload \"%.80s\" is defined twice", name);
	json_t *logs = json_object_get(wl, "logs");
	if (logs) {
		char lw[64];
		snprintf(lw, sizeof(lw), "%s.logs", where);
		if (sl_keys(l, logs, lw, "rate,lines") < 0)
			return -1;
		json_t *rate = json_object_get(logs, "rate");
		if (rate && (!json_is_number(rate) || json_number_value(rate) < 0 ||
			     json_number_value(rate) > 1000000))
			return sl_fail(l, rate, lw, "\"rate\" must be a number 0..1000000%s", "");
		json_t *lines = json_object_get(logs, "lines");
		if (lines) {
			size_t k;
			json_t *t;
			if (!json_is_array(lines) || !json_array_size(lines))
				return sl_fail(l, lines, lw, "\"lines\" must be a non-empty list%s",
					       "");
			json_array_foreach(lines, k, t) {
				if (!json_is_string(t))
					return sl_fail(l, t, lw,
						       "every entry of \"lines\" must be a "
						       "string%s", "");
			}
		}
		struct world_wl *w = world_wl_get(l->w, ns, name, true);
		if (rate)
			w->log_rate = json_number_value(rate);
		if (lines)
			w->log_lines = json_incref(lines);
	}
	json_t *svc = json_object_get(wl, "service");
	if (svc && (!json_is_integer(svc) || json_integer_value(svc) < 1 ||
		    json_integer_value(svc) > 65535))
		return sl_fail(l, svc, where, "\"service\" must be a port 1..65535%s", "");
	sl_namespace(l, ns, created);
	store_put(s, res, world_make_workload(kind, ns, name, replicas, image, ctrs, labels,
					      created));
	if (svc) {
		json_t *sel = json_pack("{s:s}", "app",
					labels && json_object_get(labels, "app")
						? json_string_value(json_object_get(labels, "app"))
						: name);
		char ip[32];
		snprintf(ip, sizeof(ip), "100.64.%zu.%zu", 100 + i / 200, 10 + i % 200);
		store_put(s, SIM_SERVICES,
			  world_make_service(ns, name, sel, (int)json_integer_value(svc), ip,
					     created));
		json_decref(sel);
	}
	return 0;
}

static int sl_faults(struct sload *l, const json_t *faults)
{
	if (!json_is_array(faults))
		return sl_fail(l, faults, "faults", "expected a list%s", "");
	size_t i;
	json_t *f;
	json_array_foreach(faults, i, f) {
		char where[32];
		snprintf(where, sizeof(where), "faults[%zu]", i);
		if (!json_is_object(f))
			return sl_fail(l, f, where, "expected a mapping%s", "");
		json_t *at = json_object_get(f, "at");
		double secs = sl_duration(at);
		if (!at || secs < 0)
			return sl_fail(l, at ? at : f, where,
				       "\"at\" must be a duration like 30s, 500ms, 2m%s", "");
		const char *type = sl_str(l, f, "type", where, true);
		if (!type)
			return -1;
		static const char types[] = ",node-down,node-up,crashloop,unavailable,pending,"
					    "image-pull,log,log-rate,event,latency,drop-watches,"
					    "expire,clear,";
		char probe[80];
		snprintf(probe, sizeof(probe), ",%.60s,", type);
		if (!strstr(types, probe))
			return sl_fail(l, json_object_get(f, "type"), where,
				       "unknown fault type \"%.60s\"", type);
		json_t *body = json_deep_copy(f);
		json_object_del(body, "at");
		struct sim_world *w = l->w;
		w->timed = xgrow(w->timed, &w->captimed, w->ntimed + 1, sizeof(*w->timed));
		w->timed[w->ntimed].at = secs;
		w->timed[w->ntimed].body = body;
		w->timed[w->ntimed].done = false;
		w->ntimed++;
	}
	return 0;
}

/* helm_releases[]: {namespace, name, version (>= 1), status, age}: one Helm 3 release
 * Secret each (owner=helm labels), what warroom's drift pane reads. */
static int sl_helm_releases(struct sload *l, const json_t *list, time_t now)
{
	if (!json_is_array(list))
		return sl_fail(l, list, "helm_releases", "expected a list%s", "");
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r) {
		char where[48];
		snprintf(where, sizeof(where), "helm_releases[%zu]", i);
		if (sl_keys(l, r, where, "namespace,name,version,status,age") < 0)
			return -1;
		const char *ns = sl_str(l, r, "namespace", where, true), *name, *status;
		if (!ns || !(name = sl_str(l, r, "name", where, true)) || !(status = sl_str(l, r, "status", where, true)))
			return -1;
		if (!sl_name_ok(ns) || !sl_name_ok(name))
			return sl_fail(l, r, where, "invalid namespace or release name%s", "");
		json_t *v = json_object_get(r, "version");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000)
			return sl_fail(l, v ? v : r, where, "\"version\" must be an integer 1..1000000%s", "");
		json_t *agev = json_object_get(r, "age");
		double age = agev ? sl_duration(agev) : 3600;
		if (age < 0)
			return sl_fail(l, agev, where, "\"age\" expected a duration like 2h%s", "");
		sl_namespace(l, ns, now - (time_t)age);
		world_put_helm_release(l->w, ns, name, (int)json_integer_value(v), status, now - (time_t)age);
	}
	return 0;
}

static int sl_document(struct sload *l, const json_t *doc)
{
	if (sl_keys(l, doc, "scenario", "name,age,namespaces,nodes,workloads,faults,helm_releases") < 0)
		return -1;
	time_t now = time(NULL);
	json_t *agev = json_object_get(doc, "age");
	double age = agev ? sl_duration(agev) : 22 * 3600;
	if (age < 0)
		return sl_fail(l, agev, "age", "expected a duration like 22h or 3d%s", "");
	time_t created = now - (time_t)age;
	l->w->synthetic = false;
	l->w->daemonsets = true;
	snprintf(l->w->kube_proxy_uid, sizeof(l->w->kube_proxy_uid), "%08x-%04x-4000-a000-%08x",
		 world_rand(l->w), world_rand(l->w) & 0xffff, world_rand(l->w));
	static const char *const sys[] = {"default", "kube-system", "kube-public",
					  "kube-node-lease"};
	for (size_t i = 0; i < 4; i++)
		sl_namespace(l, sys[i], created - 30 * 86400);
	json_t *nss = json_object_get(doc, "namespaces");
	if (nss) {
		size_t i;
		json_t *n;
		if (!json_is_array(nss))
			return sl_fail(l, nss, "namespaces", "expected a list of names%s", "");
		json_array_foreach(nss, i, n) {
			if (!json_is_string(n) || !sl_name_ok(json_string_value(n)))
				return sl_fail(l, n, "namespaces", "invalid namespace name%s", "");
			sl_namespace(l, json_string_value(n), created);
		}
	}
	json_t *nodes = json_object_get(doc, "nodes");
	if (!nodes)
		return sl_fail(l, doc, "scenario", "missing \"nodes\" (a count or a list)%s", "");
	if (sl_nodes(l, nodes, created - 30 * 86400) < 0)
		return -1;
	json_t *wls = json_object_get(doc, "workloads");
	if (wls) {
		size_t i;
		json_t *wl;
		if (!json_is_array(wls))
			return sl_fail(l, wls, "workloads", "expected a list%s", "");
		json_array_foreach(wls, i, wl) {
			if (sl_workload(l, wl, i, created) < 0)
				return -1;
		}
	}
	json_t *faults = json_object_get(doc, "faults");
	if (faults && sl_faults(l, faults) < 0)
		return -1;
	json_t *helm = json_object_get(doc, "helm_releases");
	if (helm && sl_helm_releases(l, helm, now) < 0)
		return -1;
	world_settle(l->w, created + 30);
	return 0;
}

int world_load_file(struct sim_world *w, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open scenario: %s", path, strerror(errno));
		return -1;
	}
	struct yconv c = {.path = path, .err = err, .errlen = errlen};
	yaml_parser_initialize(&c.p);
	yaml_parser_set_input_file(&c.p, f);
	json_t *doc = NULL;
	int rc = -1;
	yaml_event_t e;
	/* stream start, document start, the root node */
	for (;;) {
		if (yconv_next(&c, &e) < 0)
			goto out;
		if (e.type == YAML_STREAM_START_EVENT || e.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&e);
			continue;
		}
		if (e.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&e);
			snprintf(err, errlen, "%s:1: the scenario is empty", path);
			goto out;
		}
		break;
	}
	doc = yconv_node(&c, &e, 0);
	if (!doc)
		goto out;
	struct sload l = {w, &c, err, errlen};
	store_lock(w->sim->store);
	rc = sl_document(&l, doc);
	store_unlock(w->sim->store);
out:
	json_decref(doc);
	free(c.lines);
	yaml_parser_delete(&c.p);
	fclose(f);
	return rc;
}
