/* sim/api_read: list and get, as JSON or as the server-side Table.
 *
 * Paging: `limit` cuts the (namespace, name)-sorted list; the continue token is our own
 * opaque string, base64 of {"rv":N,"ns":...,"name":...} naming the last item sent, so the
 * next page starts after it.  Pages are read from the current store (there is no MVCC
 * snapshot), which is what a watch-backed cache serves too; each page reports the rv of
 * the first one.
 *
 * A JSON list is written by concatenating the store's cached text of each item
 * (store_json) inside the envelope, byte for byte what dumping the assembled document
 * gave, without a tree or a serialisation per request; a Table is still built as a tree.
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

/* First index of the (namespace, name)-sorted objs after the continue position: later
 * pages of a big list skip the items before it without looking at each. */
static size_t api_cont_start(json_t **objs, size_t n, const struct api_cont *c)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (api_after(objs[mid], c))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* What a list request selects, read once before the store is locked. */
struct api_list_sel {
	long limit;
	struct api_cont cont;
	struct sim_labelsel *ls;
	struct sim_fieldsel *fs;
};

/* The matching items of one page: borrowed objects in `items` (a Table needs them) or
 * their cached JSON joined by commas in `text`, both under the store lock. */
struct api_page {
	json_t *items;
	struct api_buf text;
	json_int_t rv, remaining;
	char *next;
};

static void api_list_collect(struct sim_store *st, const struct api_target *t,
			     const struct api_list_sel *sel, struct api_page *pg)
{
	size_t count = 0;
	json_t *last = NULL;
	store_lock(st);
	pg->rv = sel->cont.ns ? sel->cont.rv : (json_int_t)store_rv(st);
	json_t **objs;
	size_t n = store_list(st, t->r->id, t->ns, &objs);
	for (size_t i = sel->cont.ns ? api_cont_start(objs, n, &sel->cont) : 0; i < n; i++) {
		json_t *o = objs[i];
		if (!sim_labelsel_match(sel->ls, json_object_get(json_object_get(o, "metadata"),
								"labels")) ||
		    !sim_fieldsel_match(sel->fs, o))
			continue;
		if (sel->limit > 0 && count >= (size_t)sel->limit) {
			pg->remaining++;
			continue;
		}
		if (pg->items) {
			json_array_append(pg->items, o); /* immutable: safe after unlocking */
		} else {
			size_t len;
			const char *text = store_json(st, o, &len);
			if (count)
				api_buf_add(&pg->text, ",", 1);
			api_buf_add(&pg->text, text, len);
		}
		count++;
		last = o;
	}
	free(objs);
	pg->next = pg->remaining && last ? api_cont_encode(pg->rv, last) : NULL;
	store_unlock(st);
}

/* Writes {"kind":..,"apiVersion":..,"metadata":{..},"items":[TEXT]} and a newline, as
 * dumping the document with its items would. */
static void api_reply_list_text(struct api_resp *rs, const struct sim_resource_info *r,
				 struct api_page *pg)
{
	char *kind = xasprintf("%sList", r->kind);
	json_t *doc = json_pack("{s:s, s:s, s:{}}", "kind", kind, "apiVersion",
				sim_resource_api_version(r), "metadata");
	free(kind);
	api_set_list_meta(doc, pg->rv, pg->next, pg->remaining);
	api_reply_json(rs, 200, doc);
	/* The envelope ends in "}\n": reopen it for the items. */
	rs->body.len -= 2;
	static const char items_open[] = ",\"items\":[", items_close[] = "]}\n";
	api_buf_add(&rs->body, items_open, sizeof(items_open) - 1);
	if (pg->text.len)
		api_buf_add(&rs->body, pg->text.p, pg->text.len);
	api_buf_add(&rs->body, items_close, sizeof(items_close) - 1);
}

void api_read_list(const struct api_req *rq, const struct api_target *t, struct api_resp *rs)
{
	char err[256] = "";
	bool table = api_wants_table(rq);
	const char *incl = table ? api_include_object(rq, rs) : "Metadata";
	if (!incl)
		return;
	struct api_list_sel sel = {0};
	const char *lv = api_query_get(rq, "limit");
	if (lv && *lv && !api_parse_long(lv, &sel.limit)) {
		api_reply_status(rs, 400, "BadRequest", "limit: expected a non-negative integer",
				 NULL);
		return;
	}
	const char *cv = api_query_get(rq, "continue");
	if (cv && *cv && !api_cont_decode(cv, &sel.cont)) {
		api_reply_status(rs, 400, "BadRequest",
				 "continue key is not valid: not a token this server issued", NULL);
		return;
	}
	sel.ls = sim_labelsel_parse(api_query_get(rq, "labelSelector"), err, sizeof(err));
	sel.fs = sel.ls ? sim_fieldsel_parse(t->r, api_query_get(rq, "fieldSelector"), err,
					     sizeof(err))
			: NULL;
	if (!sel.ls || !sel.fs) {
		api_reply_status(rs, 400, "BadRequest", err[0] ? err : "invalid selector", NULL);
		if (sel.ls)
			sim_labelsel_free(sel.ls);
		free(sel.cont.ns);
		free(sel.cont.name);
		return;
	}

	struct api_page pg = {.items = table ? json_array() : NULL};
	api_list_collect(rq->sim->store, t, &sel, &pg);
	sim_labelsel_free(sel.ls);
	sim_fieldsel_free(sel.fs);
	free(sel.cont.ns);
	free(sel.cont.name);

	if (table) {
		json_t *doc = sim_table_build(t->r, pg.items, true, incl, time(NULL));
		json_decref(pg.items);
		api_set_list_meta(doc, pg.rv, pg.next, pg.remaining);
		api_reply_json(rs, 200, doc);
	} else {
		api_reply_list_text(rs, t->r, &pg);
	}
	free(pg.next);
	free(pg.text.p);
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
