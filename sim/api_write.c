/* sim/api_write: create (POST), replace (PUT), patch (PATCH), delete (DELETE), the scale
 * and status subresources and pods/eviction.
 *
 * Every write holds the store lock from reading the current object to store_put, so two
 * writers never lose each other's change; a stored object is never modified in place (we
 * deep-copy or patch into a new one).  `dryRun=All` runs the same path and skips the put.
 * Pods deleted with a grace period are only marked (deletionTimestamp); the controller
 * (sim/world) removes them, as the kubelet would.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "sim/api.h"
#include "sim/patch.h"
#include "sim/selector.h"

/* Everything one write needs; `st` is locked between write_begin and write_end. */
struct write_ctx {
	const struct api_req *rq;
	const struct api_target *t;
	struct api_resp *rs;
	struct sim_store *st;
	bool dry;
};

/* ---- errors ---- */

static char *write_qualified_kind(const struct sim_resource_info *r)
{
	return r->group[0] ? xasprintf("%s.%s", r->kind, r->group) : xstrdup(r->kind);
}

static char *write_qualified_plural(const struct sim_resource_info *r)
{
	return r->group[0] ? xasprintf("%s.%s", r->plural, r->group) : xstrdup(r->plural);
}

static json_t *write_details(const struct sim_resource_info *r, const char *name)
{
	json_t *d = json_pack("{s:s, s:s}", "name", name ? name : "", "kind", r->plural);
	if (r->group[0])
		json_object_set_new(d, "group", json_string(r->group));
	return d;
}

/* 422 Invalid naming the field, as the API server words it. */
static void write_invalid(struct api_resp *rs, const struct sim_resource_info *r,
			  const char *name, const char *field, const char *what)
{
	char *qk = write_qualified_kind(r);
	char *msg = xasprintf("%s \"%s\" is invalid: %s: %s", qk, name ? name : "", field, what);
	json_t *d = write_details(r, name);
	json_object_set_new(d, "kind", json_string(r->kind));
	json_object_set_new(d, "causes", json_pack("[{s:s, s:s, s:s}]", "reason",
						   "FieldValueInvalid", "message", what, "field",
						   field));
	api_reply_status(rs, 422, "Invalid", msg, d);
	free(msg);
	free(qk);
}

static void write_conflict(struct api_resp *rs, const struct sim_resource_info *r,
			   const char *name)
{
	char *qp = write_qualified_plural(r);
	char *msg = xasprintf("Operation cannot be fulfilled on %s \"%s\": the object has been "
			      "modified; please apply your changes to the latest version and try again",
			      qp, name);
	api_reply_status(rs, 409, "Conflict", msg, write_details(r, name));
	free(msg);
	free(qp);
}

static void write_method_not_allowed(struct api_resp *rs)
{
	api_reply_status(rs, 405, "MethodNotAllowed",
			 "the server does not allow this method on the requested resource", NULL);
}

/* Parses the request body as JSON; NULL after a 400 in rs. */
static json_t *write_parse_body(const struct api_req *rq, struct api_resp *rs, bool want_array)
{
	json_error_t e;
	json_t *j = json_loadb(rq->body, rq->body_len, 0, &e);
	if (!j) {
		char *msg = xasprintf("the request body is not valid JSON: %s (line %d, column %d)",
				      e.text, e.line, e.column);
		api_reply_status(rs, 400, "BadRequest", msg, NULL);
		free(msg);
		return NULL;
	}
	if (want_array ? !json_is_array(j) : !json_is_object(j)) {
		json_decref(j);
		api_reply_status(rs, 400, "BadRequest",
				 want_array ? "the request body must be a JSON array"
					    : "the request body must be a JSON object",
				 NULL);
		return NULL;
	}
	return j;
}

/* ---- validation ---- */

static bool write_dns_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && !((c == '-' || c == '.') && i > 0 && i + 1 < n))
			return false;
	}
	return true;
}

static bool write_has_replicas(const struct sim_resource_info *r)
{
	return r->id == SIM_DEPLOYMENTS || r->id == SIM_REPLICASETS || r->id == SIM_STATEFULSETS;
}

/* Checks what the API server would reject with 422; false after answering. */
static bool write_validate(struct api_resp *rs, const struct sim_resource_info *r,
			   const json_t *obj)
{
	const char *name = sim_obj_name(obj);
	if (!name[0]) {
		write_invalid(rs, r, name, "metadata.name",
			      "Required value: name or generateName is required");
		return false;
	}
	if (!write_dns_name_ok(name)) {
		char *what = xasprintf("Invalid value: \"%s\": a lowercase RFC 1123 subdomain must "
				       "consist of lower case alphanumeric characters, '-' or '.'",
				       name);
		write_invalid(rs, r, name, "metadata.name", what);
		free(what);
		return false;
	}
	json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");
	if (labels && !json_is_null(labels)) {
		const char *k;
		json_t *v;
		bool ok = json_is_object(labels);
		if (ok)
			json_object_foreach(labels, k, v) ok &= json_is_string(v);
		if (!ok) {
			write_invalid(rs, r, name, "metadata.labels",
				      "Invalid value: labels must map strings to strings");
			return false;
		}
	}
	json_t *spec = json_object_get(obj, "spec");
	if (spec && !json_is_object(spec)) {
		write_invalid(rs, r, name, "spec", "Invalid value: must be an object");
		return false;
	}
	json_t *rep = json_object_get(spec, "replicas");
	if (write_has_replicas(r) && rep && !json_is_null(rep)) {
		if (!json_is_integer(rep) || json_integer_value(rep) < 0) {
			char *d = json_dumps(rep, JSON_ENCODE_ANY);
			char *what = xasprintf("Invalid value: %s: must be greater than or equal to 0",
					       d ? d : "?");
			write_invalid(rs, r, name, "spec.replicas", what);
			free(what);
			free(d);
			return false;
		}
	}
	return true;
}

/* ---- small helpers ---- */

static json_t *write_meta(json_t *obj)
{
	json_t *md = json_object_get(obj, "metadata");
	if (!json_is_object(md)) {
		md = json_object();
		json_object_set_new(obj, "metadata", md);
	}
	return md;
}

static const char *write_rv(const json_t *obj)
{
	const char *v = json_string_value(json_object_get(json_object_get(obj, "metadata"),
							  "resourceVersion"));
	return v ? v : "";
}

/* Stores obj (owned) unless dry-running; returns a new reference to what to answer. */
static json_t *write_commit(struct write_ctx *w, json_t *obj)
{
	if (w->dry)
		return obj;
	return json_incref(store_put(w->st, w->t->r->id, obj));
}

/* The namespace an object sent to path t must carry; false after a 400. */
static bool write_check_namespace(struct write_ctx *w, json_t *obj)
{
	if (!w->t->r->namespaced)
		return true;
	json_t *md = write_meta(obj);
	const char *ns = sim_obj_namespace(obj);
	if (ns[0] && strcmp(ns, w->t->ns)) {
		api_reply_status(w->rs, 400, "BadRequest",
				 "the namespace of the provided object does not match the namespace "
				 "sent on the request",
				 NULL);
		return false;
	}
	json_object_set_new(md, "namespace", json_string(w->t->ns));
	return true;
}

static bool write_check_kind(struct write_ctx *w, const json_t *obj, const char *want)
{
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (kind && strcmp(kind, want)) {
		char *msg = xasprintf("the kind in the body (%s) does not match the expected kind (%s)",
				      kind, want);
		api_reply_status(w->rs, 400, "BadRequest", msg, NULL);
		free(msg);
		return false;
	}
	return true;
}

/* ---- create ---- */

static void write_create(struct write_ctx *w)
{
	const struct sim_resource_info *r = w->t->r;
	if (r->namespaced && !w->t->ns) {
		write_method_not_allowed(w->rs);
		return;
	}
	json_t *obj = write_parse_body(w->rq, w->rs, false);
	if (!obj)
		return;
	if (!write_check_kind(w, obj, r->kind) || !write_check_namespace(w, obj)) {
		json_decref(obj);
		return;
	}
	json_t *md = write_meta(obj);
	const char *gen = json_string_value(json_object_get(md, "generateName"));
	if (!sim_obj_name(obj)[0] && gen && gen[0]) {
		static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
		char suffix[6];
		unsigned seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)obj ^ w->rq->sim->seed;
		for (int i = 0; i < 5; i++) {
			seed = seed * 1103515245u + 12345u;
			suffix[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		suffix[5] = '\0';
		char *name = xasprintf("%s%s", gen, suffix);
		json_object_set_new(md, "name", json_string(name));
		free(name);
	}
	/* Server-owned fields are the server's to fill. */
	json_object_del(md, "resourceVersion");
	json_object_del(md, "uid");
	json_object_del(md, "creationTimestamp");
	json_object_del(md, "deletionTimestamp");
	json_object_del(md, "generation");
	if (r->id == SIM_PODS && !json_is_object(json_object_get(obj, "status")))
		json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Pending"));
	if (!write_validate(w->rs, r, obj)) {
		json_decref(obj);
		return;
	}
	const char *name = sim_obj_name(obj);
	if (r->namespaced && store_count(w->st, SIM_NAMESPACES, NULL) > 0 &&
	    !store_get(w->st, SIM_NAMESPACES, NULL, w->t->ns)) {
		api_reply_not_found(w->rs, sim_resource(SIM_NAMESPACES), w->t->ns);
		json_decref(obj);
		return;
	}
	if (store_get(w->st, r->id, w->t->ns, name)) {
		char *qp = write_qualified_plural(r);
		char *msg = xasprintf("%s \"%s\" already exists", qp, name);
		api_reply_status(w->rs, 409, "AlreadyExists", msg, write_details(r, name));
		free(msg);
		free(qp);
		json_decref(obj);
		return;
	}
	api_reply_json(w->rs, 201, write_commit(w, obj));
}

/* ---- replace / patch (whole object or status) ---- */

/* Applies the request (PUT body or PATCH) to cur; returns the new object or NULL after
 * answering.  The result has the path's name/namespace checked. */
static json_t *write_new_version(struct write_ctx *w, const json_t *cur, const char *kind)
{
	const struct api_req *rq = w->rq;
	json_t *next = NULL;
	if (!strcmp(rq->method, "PUT")) {
		next = write_parse_body(rq, w->rs, false);
		if (!next)
			return NULL;
	} else {
		char ct[96];
		size_t n = strcspn(rq->content_type, ";");
		snprintf(ct, sizeof(ct), "%.*s", (int)(n < sizeof(ct) - 1 ? n : sizeof(ct) - 1),
			 rq->content_type);
		char err[256] = "";
		bool is_json_patch = !strcmp(ct, "application/json-patch+json");
		if (!is_json_patch && strcmp(ct, "application/merge-patch+json") &&
		    strcmp(ct, "application/strategic-merge-patch+json")) {
			char *msg = xasprintf("the body of the request was in an unknown format - "
					      "accepted media types include: application/json-patch+json, "
					      "application/merge-patch+json, "
					      "application/strategic-merge-patch+json (got \"%s\")",
					      ct);
			api_reply_status(w->rs, 415, "UnsupportedMediaType", msg, NULL);
			free(msg);
			return NULL;
		}
		json_t *patch = write_parse_body(rq, w->rs, is_json_patch);
		if (!patch)
			return NULL;
		if (is_json_patch)
			next = sim_patch_json(cur, patch, err, sizeof(err));
		else if (!strcmp(ct, "application/merge-patch+json"))
			next = sim_patch_merge(cur, patch, err, sizeof(err));
		else
			next = sim_patch_strategic(cur, patch, err, sizeof(err));
		json_decref(patch);
		if (!next || !json_is_object(next)) {
			json_decref(next);
			api_reply_status(w->rs, 422, "Invalid",
					 err[0] ? err : "the patch did not produce an object", NULL);
			return NULL;
		}
	}
	if (!write_check_kind(w, next, kind)) {
		json_decref(next);
		return NULL;
	}
	json_t *md = write_meta(next);
	const char *name = sim_obj_name(next);
	if (!name[0]) {
		json_object_set_new(md, "name", json_string(w->t->name));
	} else if (strcmp(name, w->t->name)) {
		char *what = xasprintf("Invalid value: \"%s\": the name of the object does not match "
				       "the name on the URL (%s)",
				       name, w->t->name);
		write_invalid(w->rs, w->t->r, w->t->name, "metadata.name", what);
		free(what);
		json_decref(next);
		return NULL;
	}
	if (w->t->r->namespaced && !write_check_namespace(w, next)) {
		json_decref(next);
		return NULL;
	}
	/* Optimistic concurrency: a resourceVersion sent must be the current one. */
	const char *rv = write_rv(next);
	if (rv[0] && strcmp(rv, write_rv(cur))) {
		write_conflict(w->rs, w->t->r, w->t->name);
		json_decref(next);
		return NULL;
	}
	return next;
}

static void write_update(struct write_ctx *w, bool status_only)
{
	const struct sim_resource_info *r = w->t->r;
	json_t *cur = store_get(w->st, r->id, w->t->ns, w->t->name);
	if (!cur) {
		api_reply_not_found(w->rs, r, w->t->name);
		return;
	}
	json_t *next = write_new_version(w, cur, r->kind);
	if (!next)
		return;
	if (status_only) {
		/* Only status changes through /status, as on a real server. */
		json_t *full = json_deep_copy(cur);
		json_object_set(full, "status", json_object_get(next, "status"));
		json_decref(next);
		next = full;
	} else {
		/* ... and status does not change through the main resource. */
		json_t *st = json_object_get(cur, "status");
		if (st)
			json_object_set(next, "status", st);
		else
			json_object_del(next, "status");
	}
	if (!write_validate(w->rs, r, next)) {
		json_decref(next);
		return;
	}
	api_reply_json(w->rs, 200, write_commit(w, next));
}

/* ---- scale ---- */

static json_t *write_scale_of(const json_t *obj)
{
	json_t *md = json_object_get(obj, "metadata");
	json_t *spec = json_object_get(obj, "spec");
	json_t *rep = json_object_get(spec, "replicas");
	json_int_t want = json_is_integer(rep) ? json_integer_value(rep) : 1;
	json_int_t have = json_integer_value(json_object_get(json_object_get(obj, "status"),
							     "replicas"));
	/* status.selector is the label selector in its string form. */
	struct api_buf sel = {0};
	const char *k;
	json_t *v;
	json_t *ml = json_object_get(json_object_get(spec, "selector"), "matchLabels");
	json_object_foreach(ml, k, v)
	{
		if (sel.len)
			api_buf_add(&sel, ",", 1);
		api_buf_add(&sel, k, strlen(k));
		api_buf_add(&sel, "=", 1);
		const char *s = json_string_value(v);
		api_buf_add(&sel, s ? s : "", s ? strlen(s) : 0);
	}
	json_t *scale = json_pack(
		"{s:s, s:s, s:{s:O*, s:O*, s:O*, s:O*, s:O*}, s:{s:I}, s:{s:I, s:s}}", "kind",
		"Scale", "apiVersion", "autoscaling/v1", "metadata", "name",
		json_object_get(md, "name"), "namespace", json_object_get(md, "namespace"), "uid",
		json_object_get(md, "uid"), "resourceVersion", json_object_get(md, "resourceVersion"),
		"creationTimestamp", json_object_get(md, "creationTimestamp"), "spec", "replicas",
		want, "status", "replicas", have, "selector", sel.p ? sel.p : "");
	free(sel.p);
	return scale;
}

static void write_scale(struct write_ctx *w)
{
	const struct sim_resource_info *r = w->t->r;
	json_t *cur = store_get(w->st, r->id, w->t->ns, w->t->name);
	if (!cur) {
		api_reply_not_found(w->rs, r, w->t->name);
		return;
	}
	json_t *scale = write_scale_of(cur);
	if (!strcmp(w->rq->method, "GET")) {
		api_reply_json(w->rs, 200, scale);
		return;
	}
	json_t *next = write_new_version(w, scale, "Scale");
	json_decref(scale);
	if (!next)
		return;
	json_t *rep = json_object_get(json_object_get(next, "spec"), "replicas");
	if (!json_is_integer(rep) || json_integer_value(rep) < 0) {
		char *d = rep ? json_dumps(rep, JSON_ENCODE_ANY) : NULL;
		char *what = xasprintf("Invalid value: %s: must be greater than or equal to 0",
				       d ? d : "null");
		write_invalid(w->rs, r, w->t->name, "spec.replicas", what);
		free(what);
		free(d);
		json_decref(next);
		return;
	}
	json_t *obj = json_deep_copy(cur);
	json_t *spec = json_object_get(obj, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	json_object_set(spec, "replicas", rep);
	json_decref(next);
	json_t *stored = write_commit(w, obj);
	api_reply_json(w->rs, 200, write_scale_of(stored));
	json_decref(stored);
}

/* ---- delete ---- */

/* DeleteOptions.dryRun: absent, [] or ["All"]; sets w->dry; false after a 400. */
static bool write_body_dry_run(struct write_ctx *w, const json_t *dr)
{
	if (!dr || json_is_null(dr))
		return true;
	size_t i;
	json_t *v;
	bool ok = json_is_array(dr);
	json_array_foreach(dr, i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), "All"))
			w->dry = true;
		else
			ok = false;
	}
	if (!ok)
		api_reply_status(w->rs, 400, "BadRequest",
				 "dryRun: Unsupported value: supported value is [\"All\"]", NULL);
	return ok;
}

/* gracePeriodSeconds from the query, else the DeleteOptions body; -1 when neither. */
static bool write_delete_options(struct write_ctx *w, long *grace, bool *orphan,
				 json_t **opts_out)
{
	*grace = -1;
	*orphan = false;
	*opts_out = NULL;
	json_t *opts = NULL;
	if (w->rq->body_len) {
		opts = write_parse_body(w->rq, w->rs, false);
		if (!opts)
			return false;
	}
	const char *gq = api_query_get(w->rq, "gracePeriodSeconds");
	json_t *gb = json_object_get(opts, "gracePeriodSeconds");
	if (gq) {
		if (!api_parse_long(gq, grace)) {
			api_reply_status(w->rs, 400, "BadRequest",
					 "gracePeriodSeconds: expected a non-negative integer", NULL);
			json_decref(opts);
			return false;
		}
	} else if (gb && !json_is_null(gb)) {
		if (!json_is_integer(gb) || json_integer_value(gb) < 0) {
			api_reply_status(w->rs, 400, "BadRequest",
					 "gracePeriodSeconds: expected a non-negative integer", NULL);
			json_decref(opts);
			return false;
		}
		*grace = (long)json_integer_value(gb);
	}
	/* kubectl sends dryRun for DELETE in the DeleteOptions body, not the query. */
	if (!write_body_dry_run(w, json_object_get(opts, "dryRun"))) {
		json_decref(opts);
		return false;
	}
	const char *pq = api_query_get(w->rq, "propagationPolicy");
	const char *pb = json_string_value(json_object_get(opts, "propagationPolicy"));
	*orphan = (pq && !strcmp(pq, "Orphan")) || (pb && !strcmp(pb, "Orphan")) ||
		  json_is_true(json_object_get(opts, "orphanDependents"));
	*opts_out = opts;
	return true;
}

static bool write_owned_by(const json_t *obj, const char *uid)
{
	size_t i;
	json_t *ref;
	json_array_foreach(json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), i,
			   ref)
	{
		const char *u = json_string_value(json_object_get(ref, "uid"));
		if (u && !strcmp(u, uid))
			return true;
	}
	return false;
}

static void write_remove(struct write_ctx *w, enum sim_res res, const char *ns,
			 const char *name);

/* Garbage collection in the foreground: dependents (by ownerReferences uid) go too. */
static void write_cascade(struct write_ctx *w, const char *ns, const char *uid)
{
	static const enum sim_res dependents[] = {SIM_REPLICASETS, SIM_JOBS, SIM_PODS};
	for (size_t d = 0; d < sizeof(dependents) / sizeof(dependents[0]); d++) {
		json_t **objs;
		size_t n = store_list(w->st, dependents[d], ns, &objs);
		char **names = xcalloc(n + 1, sizeof(*names));
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (write_owned_by(objs[i], uid))
				names[k++] = xstrdup(sim_obj_name(objs[i]));
		free(objs);
		for (size_t i = 0; i < k; i++) {
			write_remove(w, dependents[d], ns, names[i]);
			free(names[i]);
		}
		free(names);
	}
}

static void write_remove(struct write_ctx *w, enum sim_res res, const char *ns,
			 const char *name)
{
	json_t *obj = store_get(w->st, res, ns, name);
	if (!obj)
		return;
	char *uid = xstrdup(json_string_value(json_object_get(json_object_get(obj, "metadata"),
							      "uid")));
	store_delete(w->st, res, ns, name);
	if (res == SIM_PODS)
		logs_forget_pod(w->rq->sim->logs, ns, name); /* lock order: store, then logs */
	if (uid)
		write_cascade(w, ns, uid);
	free(uid);
}

/* Deletes (or, for a pod with grace > 0, marks) one object; returns what to answer. */
static json_t *write_delete_one(struct write_ctx *w, const struct sim_resource_info *r,
				json_t *cur, long grace, bool orphan)
{
	const char *ns = r->namespaced ? sim_obj_namespace(cur) : NULL;
	char *name = xstrdup(sim_obj_name(cur));
	json_t *answer;
	if (r->id == SIM_PODS) {
		if (grace < 0) {
			json_t *tg = json_object_get(json_object_get(cur, "spec"),
						     "terminationGracePeriodSeconds");
			grace = json_is_integer(tg) ? (long)json_integer_value(tg) : 30;
		}
		json_t *md = json_object_get(cur, "metadata");
		if (grace > 0 && !json_object_get(md, "deletionTimestamp")) {
			json_t *next = json_deep_copy(cur);
			json_t *nmd = write_meta(next);
			char ts[32];
			sim_format_time(time(NULL) + grace, ts, sizeof(ts));
			json_object_set_new(nmd, "deletionTimestamp", json_string(ts));
			json_object_set_new(nmd, "deletionGracePeriodSeconds", json_integer(grace));
			answer = write_commit(w, next);
		} else if (grace > 0) {
			answer = json_incref(cur); /* already terminating */
		} else {
			answer = json_deep_copy(cur);
			if (!w->dry)
				write_remove(w, r->id, ns, name);
		}
		free(name);
		return answer;
	}
	json_t *md = json_object_get(cur, "metadata");
	answer = json_pack("{s:s, s:s, s:{}, s:s, s:{s:s, s:s, s:O*}}", "kind", "Status",
			   "apiVersion", "v1", "metadata", "status", "Success", "details", "name",
			   name, "kind", r->plural, "uid", json_object_get(md, "uid"));
	if (!w->dry) {
		if (orphan) {
			store_delete(w->st, r->id, ns, name);
		} else {
			write_remove(w, r->id, ns, name);
		}
	}
	free(name);
	return answer;
}

static void write_delete(struct write_ctx *w)
{
	const struct sim_resource_info *r = w->t->r;
	long grace;
	bool orphan;
	json_t *opts;
	if (!write_delete_options(w, &grace, &orphan, &opts))
		return;
	if (w->t->name) {
		json_t *cur = store_get(w->st, r->id, w->t->ns, w->t->name);
		if (!cur) {
			api_reply_not_found(w->rs, r, w->t->name);
		} else {
			const char *want_uid = json_string_value(
				json_object_get(json_object_get(opts, "preconditions"), "uid"));
			const char *uid = json_string_value(
				json_object_get(json_object_get(cur, "metadata"), "uid"));
			if (want_uid && (!uid || strcmp(want_uid, uid)))
				write_conflict(w->rs, r, w->t->name);
			else
				api_reply_json(w->rs, 200, write_delete_one(w, r, cur, grace, orphan));
		}
		json_decref(opts);
		return;
	}
	/* deletecollection, honouring the selectors; never across all namespaces at once */
	if (r->namespaced && !w->t->ns) {
		write_method_not_allowed(w->rs);
		json_decref(opts);
		return;
	}
	char err[256] = "";
	struct sim_labelsel *ls =
		sim_labelsel_parse(api_query_get(w->rq, "labelSelector"), err, sizeof(err));
	struct sim_fieldsel *fs =
		ls ? sim_fieldsel_parse(r, api_query_get(w->rq, "fieldSelector"), err, sizeof(err))
		   : NULL;
	if (!ls || !fs) {
		api_reply_status(w->rs, 400, "BadRequest", err[0] ? err : "invalid selector", NULL);
		if (ls)
			sim_labelsel_free(ls);
		json_decref(opts);
		return;
	}
	json_t **objs;
	size_t n = store_list(w->st, r->id, w->t->ns, &objs);
	json_t *victims = json_array();
	for (size_t i = 0; i < n; i++)
		if (sim_labelsel_match(ls, json_object_get(json_object_get(objs[i], "metadata"),
							   "labels")) &&
		    sim_fieldsel_match(fs, objs[i]))
			json_array_append(victims, objs[i]);
	free(objs);
	json_t *items = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(victims, i, v)
	{
		json_t *a = write_delete_one(w, r, v, grace, orphan);
		if (r->id == SIM_PODS)
			json_array_append_new(items, a);
		else
			json_decref(a);
		if (r->id != SIM_PODS)
			json_array_append(items, v);
	}
	json_decref(victims);
	sim_labelsel_free(ls);
	sim_fieldsel_free(fs);
	json_decref(opts);
	char *kind = xasprintf("%sList", r->kind);
	api_reply_json(w->rs, 200, json_pack("{s:s, s:s, s:{}, s:o}", "kind", kind, "apiVersion",
					     sim_resource_api_version(r), "metadata", "items",
					     items));
	free(kind);
}

/* ---- eviction ---- */

static bool write_pdb_blocks(struct write_ctx *w, const json_t *pod, char **pdb_name)
{
	json_t **pdbs;
	size_t n = store_list(w->st, SIM_PDBS, sim_obj_namespace(pod), &pdbs);
	json_t *labels = json_object_get(json_object_get(pod, "metadata"), "labels");
	bool blocked = false;
	for (size_t i = 0; i < n && !blocked; i++) {
		json_t *ml = json_object_get(json_object_get(json_object_get(pdbs[i], "spec"),
							     "selector"),
					     "matchLabels");
		if (!json_is_object(ml) || !json_object_size(ml))
			continue;
		bool match = true;
		const char *k;
		json_t *v;
		json_object_foreach(ml, k, v) match &= json_equal(json_object_get(labels, k), v);
		json_t *allowed =
			json_object_get(json_object_get(pdbs[i], "status"), "disruptionsAllowed");
		if (match && json_is_integer(allowed) && json_integer_value(allowed) <= 0) {
			blocked = true;
			*pdb_name = xstrdup(sim_obj_name(pdbs[i]));
		}
	}
	free(pdbs);
	return blocked;
}

static void write_evict(struct write_ctx *w)
{
	json_t *ev = write_parse_body(w->rq, w->rs, false);
	if (!ev)
		return;
	const char *bname = sim_obj_name(ev);
	if (bname[0] && strcmp(bname, w->t->name)) {
		api_reply_status(w->rs, 400, "BadRequest",
				 "name in URL does not match name in Eviction object", NULL);
		json_decref(ev);
		return;
	}
	const struct sim_resource_info *r = w->t->r;
	json_t *pod = store_get(w->st, SIM_PODS, w->t->ns, w->t->name);
	if (!pod) {
		api_reply_not_found(w->rs, r, w->t->name);
		json_decref(ev);
		return;
	}
	char *pdb = NULL;
	if (write_pdb_blocks(w, pod, &pdb)) {
		char *cause = xasprintf("The disruption budget %s does not allow more disruptions", pdb);
		json_t *d = write_details(r, w->t->name);
		json_object_set_new(d, "causes", json_pack("[{s:s, s:s}]", "reason",
							   "DisruptionBudget", "message", cause));
		api_reply_status(w->rs, 429, "TooManyRequests",
				 "Cannot evict pod as it would violate the pod's disruption budget.", d);
		free(cause);
		free(pdb);
		json_decref(ev);
		return;
	}
	if (!write_body_dry_run(w, json_object_get(json_object_get(ev, "deleteOptions"), "dryRun"))) {
		json_decref(ev);
		return;
	}
	json_t *g = json_object_get(json_object_get(ev, "deleteOptions"), "gracePeriodSeconds");
	long grace = json_is_integer(g) && json_integer_value(g) >= 0 ? (long)json_integer_value(g)
								     : -1;
	json_decref(write_delete_one(w, r, pod, grace, false));
	json_decref(ev);
	api_reply_json(w->rs, 201,
		       json_pack("{s:s, s:s, s:{}, s:s, s:i}", "kind", "Status", "apiVersion", "v1",
				 "metadata", "status", "Success", "code", 201));
}

/* ---- dispatch ---- */

void api_write(const struct api_req *rq, const struct api_target *t, struct api_resp *rs)
{
	struct write_ctx w = {.rq = rq, .t = t, .rs = rs, .st = rq->sim->store};
	if (!api_dry_run(rq, rs, &w.dry))
		return;
	const char *m = rq->method;
	const char *sub = t->sub ? t->sub : "";
	bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
	bool post = !strcmp(m, "POST"), put = !strcmp(m, "PUT"), patch = !strcmp(m, "PATCH"),
	     del = !strcmp(m, "DELETE");
	store_lock(w.st);
	if (post && !t->name)
		write_create(&w);
	else if (post && !strcmp(sub, "eviction"))
		write_evict(&w);
	else if ((put || patch) && t->name && !t->sub)
		write_update(&w, false);
	else if ((put || patch) && t->name && !strcmp(sub, "status"))
		write_update(&w, true);
	else if (get && !strcmp(sub, "status")) {
		json_t *cur = store_get(w.st, t->r->id, t->ns, t->name);
		if (cur)
			api_reply_json(rs, 200, json_incref(cur));
		else
			api_reply_not_found(rs, t->r, t->name);
	} else if ((get || put || patch) && !strcmp(sub, "scale"))
		write_scale(&w);
	else if (del && !t->sub)
		write_delete(&w);
	else
		write_method_not_allowed(rs);
	store_unlock(w.st);
}
