/* sim/api_watch: watch streams (`?watch=true` and the legacy /watch/ paths).
 *
 * A stream remembers the resourceVersion it has delivered up to (`pos`) and, in each
 * fill, copies the store's history after pos, filters it and writes newline-delimited
 * {"type","object"} events; when there is nothing it waits on the store for up to a
 * second so http.c can notice a departed client.  The `expire` fault (compact_gen) ends
 * the stream with a 410 ERROR event, as an API server whose etcd compacted does; the
 * `drop-watches` fault (drop_gen) cuts it without a clean end.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "sim/api.h"
#include "sim/selector.h"
#include "sim/table.h"

enum { WATCH_BATCH = 256, WATCH_BOOKMARK_S = 5, WATCH_DEFAULT_TIMEOUT_S = 1800 };

struct watch_stream {
	struct api_stream base;
	const struct sim_resource_info *r;
	char *ns;
	struct sim_labelsel *ls;
	struct sim_fieldsel *fs;
	bool table, columns_sent, bookmarks, gone;
	const char *incl;
	uint64_t pos, cgen, dgen;
	struct timespec end, last_sent;
};

static const char *const watch_type_names[] = {"ADDED", "MODIFIED", "DELETED"};

static double watch_secs(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static bool watch_match(const struct watch_stream *w, const json_t *o)
{
	return sim_labelsel_match(w->ls, json_object_get(json_object_get(o, "metadata"), "labels")) &&
	       sim_fieldsel_match(w->fs, o);
}

static void watch_emit(struct watch_stream *w, struct api_buf *out, const char *type,
		       json_t *obj)
{
	json_t *ev;
	if (w->table) {
		json_t *items = json_pack("[O]", obj);
		json_t *tab = sim_table_build(w->r, items, !w->columns_sent, w->incl, time(NULL));
		json_decref(items);
		w->columns_sent = true;
		ev = json_pack("{s:s, s:o}", "type", type, "object", tab);
	} else {
		ev = json_pack("{s:s, s:O}", "type", type, "object", obj);
	}
	api_buf_add_json_line(out, ev);
	json_decref(ev);
	clock_gettime(CLOCK_MONOTONIC, &w->last_sent);
}

static void watch_emit_gone(struct watch_stream *w, struct api_buf *out, uint64_t since,
			    uint64_t now_rv)
{
	char *msg = xasprintf("too old resource version: %llu (%llu)", (unsigned long long)since,
			      (unsigned long long)now_rv);
	json_t *ev = json_pack("{s:s, s:o}", "type", "ERROR", "object",
			       api_status_new(410, "Expired", msg, NULL));
	free(msg);
	api_buf_add_json_line(out, ev);
	json_decref(ev);
	w->gone = true;
}

static void watch_emit_bookmark(struct watch_stream *w, struct api_buf *out)
{
	char rv[32];
	snprintf(rv, sizeof(rv), "%llu", (unsigned long long)w->pos);
	json_t *ev = json_pack("{s:s, s:{s:s, s:s, s:{s:s}}}", "type", "BOOKMARK", "object", "kind",
			       w->r->kind, "apiVersion", sim_resource_api_version(w->r), "metadata",
			       "resourceVersion", rv);
	api_buf_add_json_line(out, ev);
	json_decref(ev);
	clock_gettime(CLOCK_MONOTONIC, &w->last_sent);
}

static enum api_fill watch_fill(struct api_stream *base, struct api_buf *out)
{
	struct watch_stream *w = (struct watch_stream *)base;
	struct sim_store *st = base->sim->store;
	if (w->gone)
		return API_FILL_END;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (watch_secs(&now) >= watch_secs(&w->end))
		return API_FILL_END;

	struct sim_watch_event ev[WATCH_BATCH];
	store_lock(st);
	if (store_drop_gen(st) != w->dgen) {
		store_unlock(st);
		return API_FILL_ABORT;
	}
	int n = store_compact_gen(st) != w->cgen
			? -1
			: store_events_since(st, w->r->id, w->ns, w->pos, ev, WATCH_BATCH);
	if (n < 0) {
		uint64_t now_rv = store_rv(st);
		store_unlock(st);
		watch_emit_gone(w, out, w->pos, now_rv);
		return API_FILL_END;
	}
	/* Everything of ours up to the current rv is in hand unless the batch filled up. */
	w->pos = n == WATCH_BATCH ? ev[n - 1].rv : store_rv(st);
	bool want_wait = n == 0;
	if (want_wait) {
		/* Wait for a change, the next bookmark, the timeout or one second. */
		double until = watch_secs(&now) + 1.0;
		if (watch_secs(&w->end) < until)
			until = watch_secs(&w->end);
		if (w->bookmarks && watch_secs(&w->last_sent) + WATCH_BOOKMARK_S < until)
			until = watch_secs(&w->last_sent) + WATCH_BOOKMARK_S;
		struct timespec dl = {(time_t)until, (long)((until - (double)(time_t)until) * 1e9)};
		if (dl.tv_nsec >= 1000000000L)
			dl.tv_nsec = 999999999L;
		store_wait(st, w->pos, &dl);
	}
	store_unlock(st);

	for (int i = 0; i < n; i++) {
		if (watch_match(w, ev[i].obj))
			watch_emit(w, out, watch_type_names[ev[i].type], ev[i].obj);
		json_decref(ev[i].obj);
	}
	if (w->bookmarks) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (watch_secs(&now) >= watch_secs(&w->last_sent) + WATCH_BOOKMARK_S)
			watch_emit_bookmark(w, out);
	}
	return API_FILL_MORE;
}

static void watch_destroy(struct api_stream *base)
{
	struct watch_stream *w = (struct watch_stream *)base;
	if (w->ls)
		sim_labelsel_free(w->ls);
	if (w->fs)
		sim_fieldsel_free(w->fs);
	free(w->ns);
	free(w);
}

static bool watch_flag(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

void api_watch(const struct api_req *rq, const struct api_target *t, struct api_resp *rs)
{
	char err[256] = "";
	struct watch_stream *w = xcalloc(1, sizeof(*w));
	w->base.fill = watch_fill;
	w->base.destroy = watch_destroy;
	w->base.sim = rq->sim;
	w->r = t->r;
	w->ns = t->r->namespaced ? xstrdup(t->ns) : NULL;
	w->table = api_wants_table(rq);
	w->incl = w->table ? api_include_object(rq, rs) : "Metadata";
	w->bookmarks = watch_flag(api_query_get(rq, "allowWatchBookmarks"));
	if (!w->incl) {
		watch_destroy(&w->base);
		return;
	}
	long timeout = WATCH_DEFAULT_TIMEOUT_S;
	const char *tv = api_query_get(rq, "timeoutSeconds");
	if (tv && *tv && !api_parse_long(tv, &timeout)) {
		api_reply_status(rs, 400, "BadRequest", "timeoutSeconds: expected a non-negative integer",
				 NULL);
		watch_destroy(&w->base);
		return;
	}
	const char *rvs = api_query_get(rq, "resourceVersion");
	long since = 0;
	bool initial = !rvs || !*rvs || !strcmp(rvs, "0");
	if (!initial && !api_parse_long(rvs, &since)) {
		char *msg = xasprintf("resourceVersion: Invalid value: \"%s\": must be an integer", rvs);
		api_reply_status(rs, 400, "BadRequest", msg, NULL);
		free(msg);
		watch_destroy(&w->base);
		return;
	}
	w->ls = sim_labelsel_parse(api_query_get(rq, "labelSelector"), err, sizeof(err));
	if (w->ls)
		w->fs = sim_fieldsel_parse(t->r, api_query_get(rq, "fieldSelector"), err, sizeof(err));
	if (!w->ls || !w->fs) {
		api_reply_status(rs, 400, "BadRequest", err[0] ? err : "invalid selector", NULL);
		watch_destroy(&w->base);
		return;
	}
	/* A named watch (/watch/namespaces/NS/pods/NAME) is a metadata.name selector. */
	if (t->name) {
		char *sel = xasprintf("metadata.name=%s", t->name);
		sim_fieldsel_free(w->fs);
		w->fs = sim_fieldsel_parse(t->r, sel, err, sizeof(err));
		free(sel);
		if (!w->fs) {
			api_reply_status(rs, 400, "BadRequest", err, NULL);
			watch_destroy(&w->base);
			return;
		}
	}
	if (!initial) {
		/* A resourceVersion from the future (a client that watched another incarnation
		 * of this server): the API server's watch cache answers 504 "Too large resource
		 * version" rather than streaming from a point it never reached. */
		store_lock(rq->sim->store);
		uint64_t now_rv = store_rv(rq->sim->store);
		store_unlock(rq->sim->store);
		if ((uint64_t)since > now_rv) {
			char *msg = xasprintf("Too large resource version: %ld, current: %llu", since,
					      (unsigned long long)now_rv);
			api_reply_status(rs, 504, "Timeout", msg, NULL);
			free(msg);
			watch_destroy(&w->base);
			return;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &w->last_sent);
	w->end = w->last_sent;
	w->end.tv_sec += timeout > 0 ? timeout : WATCH_DEFAULT_TIMEOUT_S;

	rs->code = 200;
	rs->content_type = "application/json";
	rs->stream = &w->base;
	struct sim_store *st = rq->sim->store;
	json_t *initial_objs = json_array();
	store_lock(st);
	w->cgen = store_compact_gen(st);
	w->dgen = store_drop_gen(st);
	if (initial) {
		json_t **objs;
		size_t n = store_list(st, t->r->id, w->ns, &objs);
		for (size_t i = 0; i < n; i++)
			if (watch_match(w, objs[i]))
				json_array_append(initial_objs, objs[i]);
		free(objs);
		w->pos = store_rv(st);
	} else {
		w->pos = (uint64_t)since;
		struct sim_watch_event none;
		if (store_events_since(st, t->r->id, w->ns, w->pos, &none, 0) < 0) {
			uint64_t now_rv = store_rv(st);
			store_unlock(st);
			json_decref(initial_objs);
			watch_emit_gone(w, &rs->body, w->pos, now_rv);
			return;
		}
	}
	store_unlock(st);
	size_t i;
	json_t *o;
	json_array_foreach(initial_objs, i, o) watch_emit(w, &rs->body, "ADDED", o);
	json_decref(initial_objs);
}
