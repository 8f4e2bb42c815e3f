/* kube/helm: Helm release Secrets listed and watched.  See helm.h. */
#include "kube/helm.h"

#include "core/xalloc.h"
#include "kube/watch.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	HELM_MAX_BODY = 64 << 20,   /* a list bigger than this is refused, not held */
	HELM_BACKOFF_MIN_MS = 500,
	HELM_BACKOFF_MAX_MS = 30000,
};

/* One revision: the Secret's "ns/name" and what its labels say. */
struct helm_record {
	char *key;
	struct helm_release rel;
};

enum helm_phase { HELM_IDLE, HELM_LISTING, HELM_WATCHING };

struct helm_watch {
	struct loop *loop;
	struct http_client *http;
	char *base;                  /* server + secrets path, no query */
	helm_watch_fn notify;
	void *ud;

	struct helm_record *recs;    /* every revision seen, unsorted */
	size_t nrecs, caprecs;
	struct helm_list releases;   /* derived: newest revision per release */
	unsigned long version;

	enum helm_phase phase;
	struct http_request *req;
	char *body;                  /* the list being received */
	size_t len;
	struct watch_framer framer;
	char rv[64];
	bool synced, relist, stream_bad;
	long long watch_started_ms;
	unsigned long stream_events;
	unsigned attempt;
	unsigned seed;
	long long timer;
	char error[900];
};

static void helm_list_start(struct helm_watch *w);
static void helm_watch_start(struct helm_watch *w);

static void helm_rebuild(struct helm_watch *w)
{
	w->releases.n = 0;
	for (size_t i = 0; i < w->nrecs; i++)
		drift_helm_add(&w->releases, &w->recs[i].rel);
	w->version++;
}

static void helm_records_clear(struct helm_watch *w)
{
	for (size_t i = 0; i < w->nrecs; i++)
		free(w->recs[i].key);
	w->nrecs = 0;
}

/* The Secret's "ns/name", false when it has no name. */
static bool helm_key(const json_t *obj, char *out, size_t cap)
{
	const json_t *meta = json_object_get(obj, "metadata");
	const json_t *ns = json_object_get(meta, "namespace"), *name = json_object_get(meta, "name");
	if (!json_is_string(name) || !json_string_value(name)[0])
		return false;
	snprintf(out, cap, "%s/%s", json_is_string(ns) ? json_string_value(ns) : "", json_string_value(name));
	return true;
}

/* Upserts (rel non-NULL) or removes the revision `key`.  true when something changed. */
static bool helm_record_set(struct helm_watch *w, const char *key, const struct helm_release *rel)
{
	size_t i = 0;
	while (i < w->nrecs && strcmp(w->recs[i].key, key))
		i++;
	if (!rel) {
		if (i == w->nrecs)
			return false;
		free(w->recs[i].key);
		w->recs[i] = w->recs[--w->nrecs];
		return true;
	}
	if (i == w->nrecs) {
		w->recs = xgrow(w->recs, &w->caprecs, w->nrecs + 1, sizeof(*w->recs));
		w->recs[w->nrecs++].key = xstrdup(key);
	} else if (!memcmp(&w->recs[i].rel, rel, sizeof(*rel))) {
		return false;
	}
	w->recs[i].rel = *rel;
	return true;
}

static void helm_set_error(struct helm_watch *w, const char *fmt, const char *a, const char *b)
{
	snprintf(w->error, sizeof(w->error), fmt, a, b ? b : "");
}

/* ---- retry ---- */

static long helm_on_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct helm_watch *w = ud;
	w->timer = 0;
	helm_list_start(w);
	return LOOP_TIMER_STOP;
}

/* Lists again after the backoff: 500 ms doubling to 30 s, +-25 % so that many consoles
 * do not come back in step. */
static void helm_retry(struct helm_watch *w)
{
	w->phase = HELM_IDLE;
	long ms = HELM_BACKOFF_MIN_MS;
	for (unsigned i = 0; i < w->attempt && ms < HELM_BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > HELM_BACKOFF_MAX_MS)
		ms = HELM_BACKOFF_MAX_MS;
	w->seed = w->seed * 1103515245u + 12345u;
	ms = ms * 3 / 4 + (long)((w->seed >> 8) % (unsigned)(ms / 2 + 1));
	w->attempt++;
	if (!w->timer)
		w->timer = loop_add_timer(w->loop, ms, helm_on_timer, w);
	w->notify(w->ud);
}

/* ---- list ---- */

static bool helm_list_data(void *ud, const char *data, size_t len)
{
	struct helm_watch *w = ud;
	if (w->len + len > HELM_MAX_BODY) {
		helm_set_error(w, "helm releases: GET %s: the Secret list is larger than 64 MiB%s", w->base, NULL);
		w->stream_bad = true;
		return false;
	}
	w->body = xrealloc(w->body, w->len + len + 1);
	memcpy(w->body + w->len, data, len);
	w->len += len;
	w->body[w->len] = '\0';
	return true;
}

static void helm_list_done(void *ud, const struct http_result *res)
{
	struct helm_watch *w = ud;
	w->req = NULL;
	json_t *j = NULL;
	if (w->stream_bad) {
		/* the error is already said */
	} else if (res->error) {
		helm_set_error(w, "helm releases: %s%s", res->error, NULL);
	} else if (res->status != 200) {
		/* 403: not allowed to read secrets; the rest of the console is unaffected. */
		helm_set_error(w, "helm releases: %s%s", res->problem ? res->problem : "unexpected status", NULL);
	} else {
		json_error_t je;
		j = json_loadb(w->body ? w->body : "", w->len, 0, &je);
		struct helm_list tmp;
		char err[300];
		if (!j) {
			char where[64];
			snprintf(where, sizeof(where), "%d", je.line);
			helm_set_error(w, "helm releases: the Secret list is not JSON (line %s): %s", where, je.text);
		} else if (drift_helm_from_list(&tmp, j, err, sizeof(err)) < 0) {
			helm_set_error(w, "helm releases: %s%s", err, NULL);
		} else {
			drift_helm_free(&tmp);
			const json_t *rv = json_object_get(json_object_get(j, "metadata"), "resourceVersion");
			snprintf(w->rv, sizeof(w->rv), "%s", json_is_string(rv) ? json_string_value(rv) : "");
			helm_records_clear(w);
			size_t i;
			const json_t *it;
			json_array_foreach(json_object_get(j, "items"), i, it) {
				char key[600];
				struct helm_release rel;
				if (helm_key(it, key, sizeof(key)) && drift_helm_parse(it, &rel))
					helm_record_set(w, key, &rel);
			}
			helm_rebuild(w);
			w->synced = true;
			w->error[0] = '\0';
		}
	}
	json_decref(j);
	free(w->body);
	w->body = NULL;
	w->len = 0;
	if (w->error[0] || !w->synced || w->stream_bad) {
		w->stream_bad = false;
		helm_retry(w);
		return;
	}
	helm_watch_start(w);
	w->notify(w->ud);
}

static void helm_list_start(struct helm_watch *w)
{
	w->phase = HELM_LISTING;
	w->stream_bad = false;
	w->len = 0;
	char *url = xasprintf("%s?labelSelector=owner%%3Dhelm", w->base);
	struct http_opts o = { .timeout_ms = 30000, .connect_timeout_ms = 5000 };
	w->req = http_get(w->http, url, &o, helm_list_data, helm_list_done, w);
	free(url);
}

/* ---- watch ---- */

static bool helm_watch_line(void *ud, const char *line, size_t len)
{
	struct helm_watch *w = ud;
	if (len == 0)
		return true;
	json_error_t je;
	json_t *j = json_loadb(line, len, 0, &je);
	const json_t *type = json_object_get(j, "type"), *obj = json_object_get(j, "object");
	if (!j || !json_is_string(type) || !json_is_object(obj)) {
		helm_set_error(w, "helm releases: watch %s: malformed event: %s", w->base,
			       j ? "no type or object" : je.text);
		json_decref(j);
		w->stream_bad = true;
		return false;
	}
	const char *t = json_string_value(type);
	bool go = true;
	if (!strcmp(t, "ERROR")) {
		const json_t *code = json_object_get(obj, "code"), *msg = json_object_get(obj, "message");
		if (json_integer_value(code) == 410) {
			w->relist = true;  /* the resourceVersion is too old: a fresh list */
		} else {
			helm_set_error(w, "helm releases: watch %s: ERROR %s", w->base,
				       json_is_string(msg) ? json_string_value(msg) : "without a message");
			w->stream_bad = true;
		}
		go = false;
	} else {
		const json_t *rv = json_object_get(json_object_get(obj, "metadata"), "resourceVersion");
		if (json_is_string(rv))
			snprintf(w->rv, sizeof(w->rv), "%s", json_string_value(rv));
		char key[600];
		struct helm_release rel;
		bool changed = false;
		if (!strcmp(t, "BOOKMARK") || !helm_key(obj, key, sizeof(key)))
			;  /* only the resourceVersion moves */
		else if (!strcmp(t, "DELETED") || !drift_helm_parse(obj, &rel))
			changed = helm_record_set(w, key, NULL);  /* gone, or relabelled away from helm */
		else
			changed = helm_record_set(w, key, &rel);
		w->stream_events++;
		w->attempt = 0;
		if (changed) {
			helm_rebuild(w);
			w->notify(w->ud);
		}
	}
	json_decref(j);
	return go;
}

static bool helm_watch_data(void *ud, const char *data, size_t len)
{
	struct helm_watch *w = ud;
	int rc = watch_framer_feed(&w->framer, data, len, helm_watch_line, w);
	if (rc < 0) {
		helm_set_error(w, "helm releases: watch %s: an event is longer than 16 MiB%s", w->base, NULL);
		w->stream_bad = true;
	}
	return rc == 0;
}

static void helm_watch_done(void *ud, const struct http_result *res)
{
	struct helm_watch *w = ud;
	w->req = NULL;
	if (w->relist) {
		w->relist = false;
		helm_list_start(w);
		w->notify(w->ud);
		return;
	}
	if (!w->stream_bad && res->error)
		helm_set_error(w, "helm releases: %s%s", res->error, NULL);
	else if (!w->stream_bad && res->status != 200)
		helm_set_error(w, "helm releases: %s%s", res->problem ? res->problem : "unexpected status", NULL);
	if (w->stream_bad || res->error || res->status != 200) {
		helm_retry(w);
		return;
	}
	/* The server ended the watch (its timeout): watch again from where it stopped, unless
	 * it ended at once without a word, which would spin. */
	if (!w->stream_events && loop_now_ms() - w->watch_started_ms < 1000) {
		helm_retry(w);
		return;
	}
	helm_watch_start(w);
}

static void helm_watch_start(struct helm_watch *w)
{
	w->phase = HELM_WATCHING;
	w->stream_bad = false;
	w->relist = false;
	w->stream_events = 0;
	w->watch_started_ms = loop_now_ms();
	watch_framer_reset(&w->framer);
	w->seed = w->seed * 1103515245u + 12345u;
	long timeout_s = 300 + (long)((w->seed >> 8) % 300);
	char *url = xasprintf("%s?labelSelector=owner%%3Dhelm&watch=1&allowWatchBookmarks=true&resourceVersion=%s"
			      "&timeoutSeconds=%ld", w->base, w->rv, timeout_s);
	struct http_opts o = { .timeout_ms = 0, .connect_timeout_ms = 5000 };
	w->req = http_get(w->http, url, &o, helm_watch_data, helm_watch_done, w);
	free(url);
}

/* ---- public ---- */

struct helm_watch *helm_watch_new(struct loop *loop, struct http_client *http, const char *server,
				  const char *ns, helm_watch_fn notify, void *ud)
{
	struct helm_watch *w = xcalloc(1, sizeof(*w));
	w->loop = loop;
	w->http = http;
	w->notify = notify;
	w->ud = ud;
	size_t slen = strlen(server);
	while (slen > 0 && server[slen - 1] == '/')
		slen--;
	/* ns was checked where it entered (informer_namespace_valid): safe in a URL. */
	w->base = ns ? xasprintf("%.*s/api/v1/namespaces/%s/secrets", (int)slen, server, ns)
		     : xasprintf("%.*s/api/v1/secrets", (int)slen, server);
	watch_framer_init(&w->framer, WATCH_DEFAULT_MAX_LINE);
	w->seed = (unsigned)loop_now_ms() ^ ((unsigned)getpid() << 16) ^ (unsigned)(uintptr_t)w;
	helm_list_start(w);
	return w;
}

void helm_watch_free(struct helm_watch *w)
{
	if (!w)
		return;
	if (w->req)
		http_cancel(w->http, w->req);
	if (w->timer)
		loop_cancel_timer(w->loop, w->timer);
	helm_records_clear(w);
	free(w->recs);
	drift_helm_free(&w->releases);
	watch_framer_free(&w->framer);
	free(w->body);
	free(w->base);
	free(w);
}

const struct helm_list *helm_watch_releases(const struct helm_watch *w)
{
	return &w->releases;
}

bool helm_watch_synced(const struct helm_watch *w)
{
	return w->synced;
}

bool helm_watch_live(const struct helm_watch *w)
{
	return w->phase == HELM_WATCHING && !w->error[0];
}

const char *helm_watch_error(const struct helm_watch *w)
{
	return w->error;
}

unsigned long helm_watch_version(const struct helm_watch *w)
{
	return w->version;
}
