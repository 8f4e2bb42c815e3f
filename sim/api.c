/* sim/api: request routing and the helpers shared by the handlers; see api.h. */
#include "sim/api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void api_buf_add(struct api_buf *b, const void *data, size_t n)
{
	b->p = xgrow(b->p, &b->cap, b->len + n + 1, 1);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static int api_buf_dump_cb(const char *buf, size_t size, void *data)
{
	api_buf_add(data, buf, size);
	return 0;
}

void api_buf_add_json_line(struct api_buf *b, const json_t *j)
{
	json_dump_callback(j, api_buf_dump_cb, b, JSON_COMPACT);
	api_buf_add(b, "\n", 1);
}

const char *api_query_get(const struct api_req *rq, const char *key)
{
	for (size_t i = 0; i < rq->nquery; i++)
		if (!strcmp(rq->query[i].key, key))
			return rq->query[i].val;
	return NULL;
}

void api_reply_json(struct api_resp *rs, int code, json_t *j)
{
	rs->code = code;
	rs->content_type = "application/json";
	rs->body.len = 0;
	json_dump_callback(j, api_buf_dump_cb, &rs->body, JSON_COMPACT);
	api_buf_add(&rs->body, "\n", 1);
	json_decref(j);
}

json_t *api_status_new(int code, const char *reason, const char *message, json_t *details)
{
	json_t *st = json_pack("{s:s, s:s, s:{}, s:s, s:s, s:s, s:i}", "kind", "Status",
			       "apiVersion", "v1", "metadata", "status", "Failure", "message",
			       message, "reason", reason, "code", code);
	if (details)
		json_object_set_new(st, "details", details);
	return st;
}

void api_reply_status(struct api_resp *rs, int code, const char *reason, const char *message,
		      json_t *details)
{
	api_reply_json(rs, code, api_status_new(code, reason, message, details));
}

void api_reply_not_found(struct api_resp *rs, const struct sim_resource_info *r,
			 const char *name)
{
	/* The API server qualifies the resource with its group: deployments.apps "x". */
	char *msg = r->group[0] ? xasprintf("%s.%s \"%s\" not found", r->plural, r->group, name)
				: xasprintf("%s \"%s\" not found", r->plural, name);
	json_t *d = json_pack("{s:s, s:s}", "name", name, "kind", r->plural);
	if (r->group[0])
		json_object_set_new(d, "group", json_string(r->group));
	api_reply_status(rs, 404, "NotFound", msg, d);
	free(msg);
}

bool api_parse_long(const char *s, long *out)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool api_dry_run(const struct api_req *rq, struct api_resp *rs, bool *dry)
{
	const char *v = api_query_get(rq, "dryRun");
	*dry = false;
	if (!v || !*v)
		return true;
	if (!strcmp(v, "All")) {
		*dry = true;
		return true;
	}
	char *msg = xasprintf("Invalid dryRun value: \"%s\": supported value is \"All\"", v);
	api_reply_status(rs, 400, "BadRequest", msg, NULL);
	free(msg);
	return false;
}

static void api_reply_no_route(struct api_resp *rs)
{
	api_reply_status(rs, 404, "NotFound", "the server could not find the requested resource",
			 NULL);
}

/* Splits the part of the path after the group/version prefix into a target.
 * Shapes: [watch/] [namespaces/NS/] RES [/NAME [/SUB]], and namespaces/NS itself. */
static bool api_parse_target(const char *group, const char *version, const char *rest,
			     struct api_target *t)
{
	memset(t, 0, sizeof(*t));
	t->storage = xstrdup(rest);
	char *seg[8];
	int n = 0;
	for (char *p = t->storage; *p;) {
		if (n == 8)
			return false;
		seg[n++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
		if (!*p)
			break; /* a trailing slash is tolerated */
	}
	for (int i = 0; i < n; i++)
		if (!*seg[i])
			return false;
	int i = 0;
	if (n > 0 && !strcmp(seg[0], "watch")) {
		t->legacy_watch = true;
		i = 1;
	}
	if (n - i >= 3 && !strcmp(seg[i], "namespaces")) {
		t->ns = seg[i + 1];
		i += 2;
	}
	if (n - i < 1 || n - i > 3)
		return false;
	t->r = sim_resource_find(group, version, seg[i]);
	if (!t->r)
		return false;
	t->name = n - i >= 2 ? seg[i + 1] : NULL;
	t->sub = n - i == 3 ? seg[i + 2] : NULL;
	if (t->ns && !t->r->namespaced)
		return false;
	if (t->r->namespaced && t->name && !t->ns)
		return false;
	if (t->sub) {
		/* Only the subresources the resource table declares. */
		size_t sl = strlen(t->sub);
		const char *p = t->r->subresources;
		bool found = false;
		while (p && *p) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			if (len == sl && !strncmp(p, t->sub, len))
				found = true;
			p = comma ? comma + 1 : NULL;
		}
		if (!found || t->legacy_watch)
			return false;
	}
	return true;
}

static bool api_flag(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

static void api_dispatch(const struct api_req *rq, const struct api_target *t,
			 struct api_resp *rs)
{
	const char *m = rq->method;
	bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
	if (t->legacy_watch || (get && !t->sub && api_flag(api_query_get(rq, "watch")))) {
		if (!get) {
			api_reply_status(rs, 405, "MethodNotAllowed",
					 "the server does not allow this method on the requested resource",
					 NULL);
			return;
		}
		api_watch(rq, t, rs);
		return;
	}
	if (get && !t->name) {
		api_read_list(rq, t, rs);
		return;
	}
	if (get && !t->sub) {
		api_read_get(rq, t, rs);
		return;
	}
	if (t->sub && !strcmp(t->sub, "log")) {
		if (!get) {
			api_reply_status(rs, 405, "MethodNotAllowed",
					 "the server does not allow this method on the requested resource",
					 NULL);
			return;
		}
		api_logs(rq, t, rs);
		return;
	}
	/* --forbid NS: the Forbidden answer an RBAC-less user gets for any write there. */
	if (!get && rq->sim->forbid_ns && t->ns && !strcmp(t->ns, rq->sim->forbid_ns)) {
		const char *verb = !strcmp(m, "POST")	 ? "create"
				   : !strcmp(m, "PUT")	 ? "update"
				   : !strcmp(m, "PATCH") ? "patch"
				   : !strcmp(m, "DELETE") ? "delete"
							  : "update";
		char *msg = xasprintf("%s%s%s \"%s\" is forbidden: User \"system:anonymous\" cannot %s "
				      "resource \"%s%s%s\" in API group \"%s\" in the namespace \"%s\"",
				      t->r->plural, t->r->group[0] ? "." : "", t->r->group,
				      t->name ? t->name : "", verb, t->r->plural, t->sub ? "/" : "",
				      t->sub ? t->sub : "", t->r->group, t->ns);
		api_reply_status(rs, 403, "Forbidden", msg, NULL);
		free(msg);
		return;
	}
	api_write(rq, t, rs);
}

void api_handle(const struct api_req *rq, struct api_resp *rs)
{
	const char *p = rq->path;
	if (!strcmp(p, "/sim/v1/faults")) {
		if (strcmp(rq->method, "POST")) {
			api_reply_status(rs, 405, "MethodNotAllowed", "use POST for /sim/v1/faults",
					 NULL);
			return;
		}
		api_sim_fault(rq, rs);
		return;
	}
	if (api_discovery(rq, rs))
		return;

	char group[64] = "", version[32] = "";
	const char *rest = NULL;
	if (!strncmp(p, "/api/v1/", 8)) {
		strcpy(version, "v1");
		rest = p + 8;
	} else if (!strncmp(p, "/apis/", 6)) {
		const char *g = p + 6, *s1 = strchr(g, '/');
		const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
		if (s1 && s2 && (size_t)(s1 - g) < sizeof(group) &&
		    (size_t)(s2 - s1 - 1) < sizeof(version)) {
			memcpy(group, g, (size_t)(s1 - g));
			group[s1 - g] = '\0';
			memcpy(version, s1 + 1, (size_t)(s2 - s1 - 1));
			version[s2 - s1 - 1] = '\0';
			rest = s2 + 1;
		}
	}
	struct api_target t;
	if (!rest || !api_parse_target(group, version, rest, &t)) {
		if (rest)
			free(t.storage);
		api_reply_no_route(rs);
		return;
	}
	api_dispatch(rq, &t, rs);
	free(t.storage);
}
