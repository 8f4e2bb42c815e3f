/* sim/api_logs: GET /api/v1/namespaces/NS/pods/NAME/log.
 *
 * Parameters and error texts follow the API server (a multi-container pod needs
 * `container`, previous needs a previous container).  With follow=true the answer is a
 * chunked stream that waits on sim->logs for about a second at a time, hands over at
 * most LOGS_FOLLOW_CHUNK bytes per fill, and ends when the pod is deleted (or replaced by
 * a new pod of the same name), the byte limit is reached, the client leaves or the
 * simulator stops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "sim/api.h"

/* Bytes of log one fill hands to the HTTP layer at most: a follower far behind a fast
 * writer is caught up piece by piece rather than by copying seconds of backlog at once
 * under the logs lock (which would also stall the writer). */
enum { LOGS_FOLLOW_CHUNK = 1 << 20 };

struct logs_stream {
	struct api_stream base;
	struct logs_query q;
	char *ns, *pod, *container, *uid;
	uint64_t cursor;
	long remaining; /* bytes still allowed, -1 = unlimited */
	uint64_t dgen;  /* store_drop_gen at the start: `drop-watches` cuts follows too */
};

static bool logs_parse_bool(const char *v, bool *out)
{
	if (!v || !*v || !strcmp(v, "true") || !strcmp(v, "1")) {
		*out = v != NULL;
		return true;
	}
	if (!strcmp(v, "false") || !strcmp(v, "0")) {
		*out = false;
		return true;
	}
	return false;
}

/* RFC 3339: 2026-11-21T09:53:00Z, optional fraction, Z or +hh:mm / -hh:mm. */
static bool logs_parse_time(const char *s, struct timespec *out)
{
	struct tm tm = {0};
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
		return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	const char *p = s + 19;
	long nsec = 0;
	if (*p == '.') {
		long scale = 100000000;
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9') {
			nsec += (*p - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	long off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm, m = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &m) != 2 || m != 5 || hh > 23 || mm > 59)
			return false;
		off = (hh * 3600L + mm * 60L) * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		return false;
	}
	if (*p)
		return false;
	out->tv_sec = timegm(&tm) - off;
	out->tv_nsec = nsec;
	return true;
}

static void logs_reply_400(struct api_resp *rs, const char *msg)
{
	api_reply_status(rs, 400, "BadRequest", msg, NULL);
}

/* Picks the container; false after answering. */
static bool logs_pick_container(const json_t *pod, const char *want, const char *podname,
				char **out, struct api_resp *rs)
{
	json_t *spec = json_object_get(pod, "spec");
	json_t *cs = json_object_get(spec, "containers");
	struct api_buf names = {0};
	size_t i;
	json_t *c;
	const char *lists[] = {"containers", "initContainers"};
	for (int l = 0; l < 2; l++)
		json_array_foreach(json_object_get(spec, lists[l]), i, c)
		{
			const char *n = json_string_value(json_object_get(c, "name"));
			if (!n)
				continue;
			if (want && !strcmp(n, want)) {
				*out = xstrdup(n);
				free(names.p);
				return true;
			}
			if (l == 0) {
				if (names.len)
					api_buf_add(&names, " ", 1);
				api_buf_add(&names, n, strlen(n));
			}
		}
	char *msg;
	if (want)
		msg = xasprintf("container %s is not valid for pod %s", want, podname);
	else if (json_array_size(cs) == 1)
		msg = NULL;
	else if (json_array_size(cs) == 0)
		msg = xasprintf("pod %s has no containers", podname);
	else
		msg = xasprintf("a container name must be specified for pod %s, choose one of: [%s]",
				podname, names.p ? names.p : "");
	free(names.p);
	if (msg) {
		logs_reply_400(rs, msg);
		free(msg);
		return false;
	}
	*out = xstrdup(json_string_value(json_object_get(json_array_get(cs, 0), "name")));
	if (!*out) {
		logs_reply_400(rs, "the pod's container has no name");
		return false;
	}
	return true;
}

/* Appends up to the byte limit; true when the limit is now used up. */
static bool logs_add_limited(struct api_buf *out, const char *data, size_t len, long *remaining)
{
	if (*remaining >= 0 && (long)len > *remaining)
		len = (size_t)*remaining;
	api_buf_add(out, data, len);
	if (*remaining < 0)
		return false;
	*remaining -= (long)len;
	return *remaining == 0;
}

/* Still the same pod (not deleted, not re-created under the same name)?  *dropped is set
 * when a `drop-watches` fault happened since the follow began. */
static bool logs_pod_alive(struct logs_stream *ls, bool *dropped)
{
	struct sim_store *st = ls->base.sim->store;
	store_lock(st);
	*dropped = store_drop_gen(st) != ls->dgen;
	json_t *pod = store_get(st, SIM_PODS, ls->ns, ls->pod);
	const char *uid =
		json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid"));
	bool alive = pod && (!ls->uid || (uid && !strcmp(uid, ls->uid)));
	store_unlock(st);
	return alive;
}

static enum api_fill logs_fill(struct api_stream *base, struct api_buf *out)
{
	struct logs_stream *ls = (struct logs_stream *)base;
	struct sim_logs *logs = base->sim->logs;
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += 1;
	logs_wait(logs, &ls->q, ls->cursor, &dl);
	char *data = NULL;
	size_t len = 0;
	if (logs_read(logs, &ls->q, &ls->cursor, &data, &len) == 0 && len) {
		bool full = logs_add_limited(out, data, len, &ls->remaining);
		free(data);
		if (full)
			return API_FILL_END;
	} else {
		free(data);
	}
	bool dropped;
	bool alive = logs_pod_alive(ls, &dropped);
	if (dropped)
		return API_FILL_ABORT;
	return alive ? API_FILL_MORE : API_FILL_END;
}

static void logs_destroy(struct api_stream *base)
{
	struct logs_stream *ls = (struct logs_stream *)base;
	free(ls->ns);
	free(ls->pod);
	free(ls->container);
	free(ls->uid);
	free(ls);
}

void api_logs(const struct api_req *rq, const struct api_target *t, struct api_resp *rs)
{
	bool follow, timestamps, previous;
	long tail = -1, limit = -1, since_s = -1;
	const char *v;
	if (!logs_parse_bool(api_query_get(rq, "follow"), &follow) ||
	    !logs_parse_bool(api_query_get(rq, "timestamps"), &timestamps) ||
	    !logs_parse_bool(api_query_get(rq, "previous"), &previous)) {
		logs_reply_400(rs, "follow, timestamps and previous take true or false");
		return;
	}
	if ((v = api_query_get(rq, "tailLines")) && !api_parse_long(v, &tail)) {
		logs_reply_400(rs, "tailLines: expected a non-negative integer");
		return;
	}
	if ((v = api_query_get(rq, "limitBytes")) && (!api_parse_long(v, &limit) || limit < 1)) {
		logs_reply_400(rs, "limitBytes: must be greater than 0");
		return;
	}
	if ((v = api_query_get(rq, "sinceSeconds")) && (!api_parse_long(v, &since_s) || since_s < 1)) {
		logs_reply_400(rs, "sinceSeconds: must be greater than 0");
		return;
	}
	struct timespec since = {0, 0};
	const char *stv = api_query_get(rq, "sinceTime");
	if (stv && since_s >= 0) {
		logs_reply_400(rs, "at most one of sinceTime or sinceSeconds may be specified");
		return;
	}
	if (stv && !logs_parse_time(stv, &since)) {
		char *msg = xasprintf("sinceTime: invalid RFC 3339 time \"%s\"", stv);
		logs_reply_400(rs, msg);
		free(msg);
		return;
	}
	if (since_s > 0) {
		clock_gettime(CLOCK_REALTIME, &since);
		since.tv_sec -= since_s;
	}

	struct logs_stream *ls = xcalloc(1, sizeof(*ls));
	ls->base.fill = logs_fill;
	ls->base.destroy = logs_destroy;
	ls->base.sim = rq->sim;
	ls->ns = xstrdup(t->ns);
	ls->pod = xstrdup(t->name);
	struct sim_store *st = rq->sim->store;
	store_lock(st);
	json_t *pod = store_get(st, SIM_PODS, t->ns, t->name);
	bool ok = pod != NULL;
	if (!pod)
		api_reply_not_found(rs, t->r, t->name);
	else
		ok = logs_pick_container(pod, api_query_get(rq, "container"), t->name,
					 &ls->container, rs);
	if (ok)
		ls->uid = xstrdup(json_string_value(
			json_object_get(json_object_get(pod, "metadata"), "uid")));
	ls->dgen = store_drop_gen(st);
	store_unlock(st);
	if (!ok) {
		logs_destroy(&ls->base);
		return;
	}
	ls->q = (struct logs_query){.ns = ls->ns,
				    .pod = ls->pod,
				    .container = ls->container,
				    .previous = previous,
				    .timestamps = timestamps,
				    .tail_lines = tail,
				    .limit_bytes = limit,
				    .since = since,
				    /* A follower is served in pieces (the rest by logs_fill);
				     * an answer without follow is complete in one. */
				    .chunk_bytes = follow && !previous ? LOGS_FOLLOW_CHUNK : 0};
	ls->remaining = limit;
	char *data = NULL;
	size_t len = 0;
	int r = logs_read(rq->sim->logs, &ls->q, &ls->cursor, &data, &len);
	if (r < 0 && previous) {
		free(data);
		char *msg = xasprintf("previous terminated container \"%s\" in pod \"%s\" not found",
				      ls->container, ls->pod);
		logs_reply_400(rs, msg);
		free(msg);
		logs_destroy(&ls->base);
		return;
	}
	rs->code = 200;
	rs->content_type = "text/plain";
	bool full = r == 0 && logs_add_limited(&rs->body, data ? data : "", data ? len : 0,
					       &ls->remaining);
	free(data);
	/* A previous container's log is complete: nothing to follow. */
	if (!follow || previous || full) {
		if (!rs->body.p)
			api_buf_add(&rs->body, "", 0);
		logs_destroy(&ls->base);
		return;
	}
	rs->stream = &ls->base;
}
