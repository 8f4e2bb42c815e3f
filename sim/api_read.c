/* sim/api_read: list and get, as JSON or as the server-side Table.
 *
 * Paging: `limit` cuts the (namespace, name)-sorted list; the continue token is our own
 * opaque string, base64 of {"rv":N,"ns":...,"name":...} naming the last item sent, so the
 * next page starts after it.  Pages are read from the current store (there is no MVCC
 * snapshot), which is what a watch-backed cache serves too; each page reports the rv of
 * the first one.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "sim/api.h"
#include "sim/selector.h"
#include "sim/table.h"

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *api_b64_encode(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n / 3 * 4 + 5), *o = out;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		*o++ = b64chars[(v >> 18) & 63];
		*o++ = b64chars[(v >> 12) & 63];
		if (i + 1 < n)
			*o++ = b64chars[(v >> 6) & 63];
		if (i + 2 < n)
			*o++ = b64chars[v & 63];
	}
	*o = '\0';
	return out;
}

/* NULL on any character outside the URL-safe alphabet or a bad length. */
static char *api_b64_decode(const char *s)
{
	size_t n = strlen(s);
	if (n % 4 == 1)
		return NULL;
	char *out = xmalloc(n * 3 / 4 + 2), *o = out;
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = s[i] ? strchr(b64chars, s[i]) : NULL;
		if (!p) {
			free(out);
			return NULL;
		}
		v = (v << 6) | (unsigned)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (char)((v >> bits) & 0xff);
		}
	}
	*o = '\0';
	return out;
}

struct api_cont {
	json_int_t rv;
	char *ns, *name;
};

static bool api_cont_decode(const char *tok, struct api_cont *c)
{
	char *raw = api_b64_decode(tok);
	if (!raw)
		return false;
	json_t *j = json_loads(raw, 0, NULL);
	free(raw);
	json_t *rv = json_object_get(j, "rv"), *ns = json_object_get(j, "ns"),
	       *name = json_object_get(j, "name");
	bool ok = json_is_integer(rv) && json_integer_value(rv) >= 0 && json_is_string(ns) &&
		  json_is_string(name);
	if (ok) {
		c->rv = json_integer_value(rv);
		c->ns = xstrdup(json_string_value(ns));
		c->name = xstrdup(json_string_value(name));
	}
	json_decref(j);
	return ok;
}

static char *api_cont_encode(json_int_t rv, const json_t *last)
{
	json_t *j = json_pack("{s:I, s:s, s:s}", "rv", rv, "ns", sim_obj_namespace(last), "name",
			      sim_obj_name(last));
	char *raw = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char *tok = api_b64_encode(raw);
	free(raw);
	return tok;
}

bool api_wants_table(const struct api_req *rq)
{
	return strstr(rq->accept, "as=Table") != NULL;
}

const char *api_include_object(const struct api_req *rq, struct api_resp *rs)
{
	const char *v = api_query_get(rq, "includeObject");
	if (!v || !*v)
		return "Metadata";
	if (!strcmp(v, "None") || !strcmp(v, "Metadata") || !strcmp(v, "Object"))
		return v;
	char *msg = xasprintf("includeObject: Unsupported value: \"%s\": supported values: "
			      "\"None\", \"Metadata\", \"Object\"",
			      v);
	api_reply_status(rs, 400, "BadRequest", msg, NULL);
	free(msg);
	return NULL;
}

static void api_set_list_meta(json_t *doc, json_int_t rv, const char *cont, json_int_t remaining)
{
	json_t *md = json_object_get(doc, "metadata");
	if (!json_is_object(md)) {
		md = json_object();
		json_object_set_new(doc, "metadata", md);
	}
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)rv);
	json_object_set_new(md, "resourceVersion", json_string(buf));
	if (cont) {
		json_object_set_new(md, "continue", json_string(cont));
		json_object_set_new(md, "remainingItemCount", json_integer(remaining));
	}
}

static bool api_after(const json_t *o, const struct api_cont *c)
{
	int d = strcmp(sim_obj_namespace(o), c->ns);
	return d > 0 || (d == 0 && strcmp(sim_obj_name(o), c->name) > 0);
}

void api_read_list(const struct api_req *rq, const struct api_target *t, struct api_resp *rs)
{
	char err[256] = "";
	bool table = api_wants_table(rq);
	const char *incl = table ? api_include_object(rq, rs) : "Metadata";
	if (!incl)
		return;
	long limit = 0;
	const char *lv = api_query_get(rq, "limit");
	if (lv && *lv && !api_parse_long(lv, &limit)) {
		api_reply_status(rs, 400, "BadRequest", "limit: expected a non-negative integer",
				 NULL);
		return;
	}
	struct api_cont cont = {0};
	const char *cv = api_query_get(rq, "continue");
	if (cv && *cv && !api_cont_decode(cv, &cont)) {
		api_reply_status(rs, 400, "BadRequest",
				 "continue key is not valid: not a token this server issued", NULL);
		return;
	}
	struct sim_labelsel *ls = sim_labelsel_parse(api_query_get(rq, "labelSelector"), err,
						     sizeof(err));
	struct sim_fieldsel *fs =
		ls ? sim_fieldsel_parse(t->r, api_query_get(rq, "fieldSelector"), err, sizeof(err))
		   : NULL;
	if (!ls || !fs) {
		api_reply_status(rs, 400, "BadRequest", err[0] ? err : "invalid selector", NULL);
		if (ls)
			sim_labelsel_free(ls);
		free(cont.ns);
		free(cont.name);
		return;
	}

	json_t *items = json_array();
	json_int_t remaining = 0;
	json_t *last = NULL;
	struct sim_store *st = rq->sim->store;
	store_lock(st);
	json_int_t rv = cont.ns ? cont.rv : (json_int_t)store_rv(st);
	json_t **objs;
	size_t n = store_list(st, t->r->id, t->ns, &objs);
	for (size_t i = 0; i < n; i++) {
		json_t *o = objs[i];
		if (cont.ns && !api_after(o, &cont))
			continue;
		if (!sim_labelsel_match(ls, json_object_get(json_object_get(o, "metadata"),
							    "labels")) ||
		    !sim_fieldsel_match(fs, o))
			continue;
		if (limit > 0 && json_array_size(items) >= (size_t)limit) {
			remaining++;
			continue;
		}
		json_array_append(items, o); /* immutable: safe to use after unlocking */
		last = o;
	}
	free(objs);
	char *next = remaining && last ? api_cont_encode(rv, last) : NULL;
	store_unlock(st);
	sim_labelsel_free(ls);
	sim_fieldsel_free(fs);
	free(cont.ns);
	free(cont.name);

	json_t *doc;
	if (table) {
		doc = sim_table_build(t->r, items, true, incl, time(NULL));
		json_decref(items);
	} else {
		char *kind = xasprintf("%sList", t->r->kind);
		doc = json_pack("{s:s, s:s, s:{}, s:o}", "kind", kind, "apiVersion",
				sim_resource_api_version(t->r), "metadata", "items", items);
		free(kind);
	}
	api_set_list_meta(doc, rv, next, remaining);
	free(next);
	api_reply_json(rs, 200, doc);
}

void api_read_get(const struct api_req *rq, const struct api_target *t, struct api_resp *rs)
{
	bool table = api_wants_table(rq);
	const char *incl = table ? api_include_object(rq, rs) : "Metadata";
	if (!incl)
		return;
	struct sim_store *st = rq->sim->store;
	store_lock(st);
	json_t *o = json_incref(store_get(st, t->r->id, t->ns, t->name));
	store_unlock(st);
	if (!o) {
		api_reply_not_found(rs, t->r, t->name);
		return;
	}
	if (table) {
		json_t *items = json_pack("[O]", o);
		json_t *doc = sim_table_build(t->r, items, true, incl, time(NULL));
		json_decref(items);
		api_set_list_meta(doc, 0, NULL, 0);
		json_object_set_new(json_object_get(doc, "metadata"), "resourceVersion",
				    json_incref(json_object_get(json_object_get(o, "metadata"),
								"resourceVersion")));
		json_decref(o);
		api_reply_json(rs, 200, doc);
		return;
	}
	api_reply_json(rs, 200, o);
}
