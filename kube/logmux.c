/* kube/logmux: see logmux.h.  Target parsing and selector matching are in
 * kube/logtarget.c. */
#include "kube/logmux.h"

#include "core/xalloc.h"
#include "kube/logstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* At most this many containers followed at once (stern's default is 50 requests): a
 * selector matching thousands of pods must not open thousands of connections. */
enum { LOGMUX_PRIME_MS = 2000, LOGMUX_TICK_MS = 50, LOGMUX_MAX_STREAMS = 64 };

struct logmux_pend {
	int64_t ts;
	long long arrived;
	size_t off;
	uint32_t len;
	uint16_t flags;
};

struct logmux_stream {
	struct logmux *mux;
	struct logstream *ls;     /* NULL for injected-only streams and after the end */
	char *ns, *pod, *container;
	unsigned src;
	int restarts;
	bool seen;                /* still in the model at the last sync */
	bool gone;                /* the pod left the model */
	bool ended;               /* its stream is over (ENDED / FAILED / gone) */
	bool primed;              /* answered at least once (or ended) */
	bool has_last;
	int64_t last_ts;          /* newest timestamp queued: nothing older can follow */
	long long created_ms;
	char failed_status[64];   /* pod status when the stream failed (retry on change) */
	struct logmux_pend *q;
	size_t qhead, qn, qcap;
	char *bytes;
	size_t blen, bcap;
};

struct logmux {
	struct loop *loop;
	struct http_client *http;
	const struct model *model;
	struct logbuf *lb;
	struct logmux_config cfg;
	struct logtarget target;
	logmux_notify_fn notify;
	void *ud;
	struct logmux_stream **s;
	size_t ns, caps;
	long long timer;
	size_t pending;
	unsigned long reconnects;
	char error[1024];
	bool synced;
};

static void logmux_notify(struct logmux *mux)
{
	if (mux->notify)
		mux->notify(mux->ud);
}

static long long logmux_now_ms(void)
{
	return loop_now_ms();
}

static int64_t logmux_wall_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void logmux_queue(struct logmux_stream *st, int64_t ts, unsigned flags, const char *text,
			 size_t len)
{
	if (st->qhead + st->qn == st->qcap && st->qhead) {
		/* Compact: the released prefix of the queue and of its bytes. */
		size_t boff = st->qn ? st->q[st->qhead].off : st->blen;
		memmove(st->bytes, st->bytes + boff, st->blen - boff);
		st->blen -= boff;
		memmove(st->q, st->q + st->qhead, st->qn * sizeof(*st->q));
		for (size_t i = 0; i < st->qn; i++)
			st->q[i].off -= boff;
		st->qhead = 0;
	}
	st->q = xgrow(st->q, &st->qcap, st->qhead + st->qn + 1, sizeof(*st->q));
	st->bytes = xgrow(st->bytes, &st->bcap, st->blen + len + 1, 1);
	memcpy(st->bytes + st->blen, text, len);
	/* arrived is stamped by the first flush that holds the line back (at once, by the
	 * caller): most lines are released by that flush and never need the clock. */
	st->q[st->qhead + st->qn] = (struct logmux_pend){.ts = ts,
							 .arrived = -1,
							 .off = st->blen,
							 .len = (uint32_t)len,
							 .flags = (uint16_t)flags};
	st->blen += len;
	st->qn++;
	if (!st->has_last || ts > st->last_ts)
		st->last_ts = ts;
	st->has_last = true;
	st->mux->pending++;
}

static void logmux_pop(struct logmux_stream *st)
{
	st->qhead++;
	st->qn--;
	st->mux->pending--;
	if (!st->qn) {
		st->qhead = 0;
		st->blen = 0;
	}
}

/* True while a stream that started recently has not answered: its initial tail may
 * still hold lines older than everything queued. */
static bool logmux_priming(const struct logmux *mux, long long now)
{
	for (size_t i = 0; i < mux->ns; i++) {
		const struct logmux_stream *st = mux->s[i];
		if (!st->primed && !st->ended && now - st->created_ms < LOGMUX_PRIME_MS)
			return true;
	}
	return false;
}

/* True while some stream has not answered yet (no clock read otherwise). */
static bool logmux_unprimed(const struct logmux *mux)
{
	for (size_t i = 0; i < mux->ns; i++)
		if (!mux->s[i]->primed && !mux->s[i]->ended)
			return true;
	return false;
}

void logmux_flush(struct logmux *mux, bool all)
{
	/* The clock is read only when a decision needs it: at 200,000 lines/s two reads a
	 * line were an eighth of the pane's ingest time. */
	long long now = -1;
	if (!all && logmux_unprimed(mux) && logmux_priming(mux, now = logmux_now_ms())) {
		/* Held back: the window of each new line counts from now, its arrival.  New
		 * lines are at the tails, so this walks only what was queued since. */
		for (size_t i = 0; i < mux->ns; i++) {
			struct logmux_stream *st = mux->s[i];
			for (size_t k = st->qn; k > 0 && st->q[st->qhead + k - 1].arrived < 0; k--)
				st->q[st->qhead + k - 1].arrived = now;
		}
		return;
	}
	bool added = false;
	for (;;) {
		struct logmux_stream *best = NULL;
		for (size_t i = 0; i < mux->ns; i++) {
			struct logmux_stream *st = mux->s[i];
			if (st->qn && (!best || st->q[st->qhead].ts < best->q[best->qhead].ts))
				best = st;
		}
		if (!best)
			break;
		struct logmux_pend *h = &best->q[best->qhead];
		/* Safe when no live stream can still deliver an older line: each either has
		 * a line waiting (not older: h is the oldest head) or already went past h
		 * (streams are ordered); else once the line has waited out the window. */
		bool ready = all;
		for (size_t i = 0; i < mux->ns && !all; i++) {
			const struct logmux_stream *st = mux->s[i];
			ready = st == best || st->ended || st->qn ||
				(st->has_last && st->last_ts >= h->ts);
			if (!ready)
				break;
		}
		if (!ready) {
			if (now < 0)
				now = logmux_now_ms();
			if (h->arrived < 0)
				h->arrived = now;
			ready = now - h->arrived >= mux->cfg.window_ms;
		}
		if (!ready)
			break;
		logbuf_append(mux->lb, best->src, h->ts, h->flags, best->bytes + h->off, h->len);
		logmux_pop(best);
		added = true;
	}
	if (added)
		logmux_notify(mux);
}

static long logmux_tick(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct logmux *mux = ud;
	logmux_flush(mux, false);
	if (mux->pending)
		return LOGMUX_TICK_MS;
	mux->timer = 0;
	return LOOP_TIMER_STOP;
}

static void logmux_arm(struct logmux *mux)
{
	if (!mux->timer && mux->pending && mux->loop)
		mux->timer = loop_add_timer(mux->loop, LOGMUX_TICK_MS, logmux_tick, mux);
}

static void logmux_on_line(void *ud, struct logstream *ls, int64_t ts, unsigned flags,
			   const char *text, size_t len)
{
	(void)ls;
	struct logmux_stream *st = ud;
	st->primed = true;
	logmux_queue(st, ts, flags, text, len);
	logmux_flush(st->mux, false);
	logmux_arm(st->mux);
}

static void logmux_marker(struct logmux_stream *st, const char *text)
{
	logmux_queue(st, logmux_wall_ns(), LOGBUF_MARKER, text, strlen(text));
	logmux_arm(st->mux);
}

static void logmux_end_stream(struct logmux_stream *st)
{
	st->ended = true;
	st->primed = true;
	if (st->ls) {
		logstream_free(st->ls);
		st->ls = NULL;
	}
}

static void logmux_on_event(void *ud, struct logstream *ls, enum logstream_event ev, const char *msg)
{
	(void)ls;
	struct logmux_stream *st = ud;
	struct logmux *mux = st->mux;
	switch (ev) {
	case LOGSTREAM_CONNECTED:
		st->primed = true;
		mux->error[0] = '\0';
		break;
	case LOGSTREAM_DROPPED:
		mux->reconnects++;
		if (st->gone) {
			logmux_end_stream(st);
		} else {
			snprintf(mux->error, sizeof(mux->error), "%s", msg ? msg : "stream dropped");
		}
		break;
	case LOGSTREAM_ENDED:
		logmux_end_stream(st);
		break;
	case LOGSTREAM_FAILED: {
		snprintf(mux->error, sizeof(mux->error), "%s/%s%s%s: %s", st->ns, st->pod,
			 *st->container ? " " : "", st->container, msg ? msg : "refused");
		const struct model_pod *p = model_pod_find(mux->model, st->ns, st->pod);
		snprintf(st->failed_status, sizeof(st->failed_status), "%s", p ? p->status : "");
		logmux_end_stream(st);
		break;
	}
	}
	logmux_flush(mux, false);
	logmux_arm(mux);
	logmux_notify(mux);
}

static struct logmux_stream *logmux_find(struct logmux *mux, const char *ns, const char *pod,
					 const char *container)
{
	for (size_t i = 0; i < mux->ns; i++) {
		struct logmux_stream *st = mux->s[i];
		if (!strcmp(st->ns, ns) && !strcmp(st->pod, pod) && !strcmp(st->container, container))
			return st;
	}
	return NULL;
}

static struct logmux_stream *logmux_add(struct logmux *mux, const char *ns, const char *pod,
					const char *container)
{
	struct logmux_stream *st = xcalloc(1, sizeof(*st));
	st->mux = mux;
	st->ns = xstrdup(ns);
	st->pod = xstrdup(pod);
	st->container = xstrdup(container ? container : "");
	st->src = logbuf_source(mux->lb, ns, pod, container);
	st->created_ms = logmux_now_ms();
	st->restarts = -1;
	mux->s = xgrow(mux->s, &mux->caps, mux->ns + 1, sizeof(*mux->s));
	mux->s[mux->ns++] = st;
	return st;
}

static void logmux_start(struct logmux_stream *st)
{
	struct logmux *mux = st->mux;
	struct logstream_config c = {.server = mux->cfg.server,
				     .ns = st->ns,
				     .pod = st->pod,
				     .container = *st->container ? st->container : NULL,
				     .follow = mux->cfg.follow && !mux->cfg.previous,
				     .previous = mux->cfg.previous,
				     .tail_lines = mux->cfg.tail_lines,
				     .since_seconds = mux->cfg.since_seconds,
				     .opts = mux->cfg.opts,
				     .max_line = mux->cfg.max_line,
				     .backoff_min_ms = mux->cfg.backoff_min_ms,
				     .backoff_max_ms = mux->cfg.backoff_max_ms};
	char err[300];
	st->ended = false;
	st->primed = false;
	st->created_ms = logmux_now_ms();
	st->failed_status[0] = '\0';
	st->ls = logstream_new(mux->loop, mux->http, &c, logmux_on_line, logmux_on_event, st, err,
			       sizeof(err));
	if (!st->ls) {
		snprintf(mux->error, sizeof(mux->error), "%s", err);
		st->ended = st->primed = true;
	}
}

static void logmux_stream_free(struct logmux_stream *st)
{
	logstream_free(st->ls);
	st->mux->pending -= st->qn;
	free(st->q);
	free(st->bytes);
	free(st->ns);
	free(st->pod);
	free(st->container);
	free(st);
}

struct logmux *logmux_new(struct loop *loop, struct http_client *http, const struct model *model,
			  struct logbuf *lb, const struct logmux_config *cfg,
			  const struct logtarget *target, logmux_notify_fn notify, void *ud)
{
	struct logmux *mux = xcalloc(1, sizeof(*mux));
	mux->loop = loop;
	mux->http = http;
	mux->model = model;
	mux->lb = lb;
	mux->cfg = *cfg;
	if (mux->cfg.window_ms <= 0)
		mux->cfg.window_ms = 200;
	mux->target = *target;
	mux->notify = notify;
	mux->ud = ud;
	return mux;
}

void logmux_free(struct logmux *mux)
{
	if (!mux)
		return;
	if (mux->timer)
		loop_cancel_timer(mux->loop, mux->timer);
	for (size_t i = 0; i < mux->ns; i++)
		logmux_stream_free(mux->s[i]);
	free(mux->s);
	free(mux);
}

/* The pod's containers to follow: the target's container, or every one it lists. */
static size_t logmux_containers(const struct logmux *mux, const struct model_pod *p,
				char names[][64], size_t max)
{
	if (*mux->target.container) {
		snprintf(names[0], 64, "%s", mux->target.container);
		return 1;
	}
	const char *c = p->containers ? p->containers : "";
	if (!*c) {
		names[0][0] = '\0'; /* unknown: let the server pick the only container */
		return 1;
	}
	size_t n = 0;
	while (*c && n < max) {
		size_t l = strcspn(c, ",");
		snprintf(names[n++], 64, "%.*s", (int)(l < 63 ? l : 63), c);
		c += l;
		if (*c == ',')
			c++;
	}
	return n;
}

static void logmux_restart_marker(struct logmux_stream *st, const struct model_pod *p)
{
	char text[700];
	if (p->last_exit && *p->last_exit)
		snprintf(text, sizeof(text), "--- container restarted (%s) ---", p->last_exit);
	else
		snprintf(text, sizeof(text), "--- container restarted ---");
	logmux_marker(st, text);
}

void logmux_sync(struct logmux *mux)
{
	for (size_t i = 0; i < mux->ns; i++)
		mux->s[i]->seen = false;
	for (size_t i = 0; i < mux->model->npods; i++) {
		const struct model_pod *p = mux->model->pods[i];
		if (!logtarget_matches(&mux->target, mux->model, p))
			continue;
		char names[16][64];
		size_t n = logmux_containers(mux, p, names, 16);
		for (size_t k = 0; k < n; k++) {
			struct logmux_stream *st = logmux_find(mux, p->ns, p->name, names[k]);
			if (!st && logmux_streams(mux) >= LOGMUX_MAX_STREAMS) {
				snprintf(mux->error, sizeof(mux->error),
					 "more than %d containers match: following the first %d only",
					 LOGMUX_MAX_STREAMS, LOGMUX_MAX_STREAMS);
				continue;
			}
			if (!st) {
				st = logmux_add(mux, p->ns, p->name, names[k]);
				st->restarts = p->restarts;
				logmux_start(st);
			} else if (st->gone) {
				/* A new pod under the same name (statefulsets): follow it afresh. */
				st->gone = false;
				logbuf_source_set_gone(mux->lb, st->src, false);
				if (!st->ls)
					logmux_start(st);
			} else if (st->ended && st->failed_status[0] &&
				   strcmp(st->failed_status, p->status) && mux->cfg.follow) {
				/* Refused while e.g. ContainerCreating: try again now it changed. */
				logmux_start(st);
			}
			st->seen = true;
			if (st->restarts >= 0 && p->restarts > st->restarts && !mux->cfg.previous) {
				logmux_restart_marker(st, p);
				/* The old container's stream ends with it on a real kubelet: resume
				 * now rather than after the backoff. */
				if (st->ls && mux->cfg.follow)
					logstream_reconnect(st->ls);
			}
			st->restarts = p->restarts;
		}
	}
	for (size_t i = 0; i < mux->ns; i++) {
		struct logmux_stream *st = mux->s[i];
		if (st->seen || st->gone)
			continue;
		st->gone = true;
		logbuf_source_set_gone(mux->lb, st->src, true);
		if (mux->cfg.follow) {
			logmux_marker(st, "--- pod gone ---");
			/* Keep reading what is still in flight; the stream ends on its own (404 or
			 * the next drop). */
		}
	}
	mux->synced = true;
	logmux_flush(mux, false);
	logmux_arm(mux);
	logmux_notify(mux);
}

void logmux_inject(struct logmux *mux, const char *ns, const char *pod, const char *container,
		   int64_t ts_ns, unsigned flags, const char *text, size_t len)
{
	struct logmux_stream *st = logmux_find(mux, ns, pod, container ? container : "");
	if (!st)
		st = logmux_add(mux, ns, pod, container);
	st->primed = true;
	logmux_queue(st, ts_ns, flags, text, len);
	logmux_flush(mux, false);
	logmux_arm(mux);
}

bool logmux_finished(const struct logmux *mux)
{
	if (!mux->synced || mux->pending)
		return false;
	for (size_t i = 0; i < mux->ns; i++)
		if (!mux->s[i]->ended)
			return false;
	return true;
}

size_t logmux_pods(const struct logmux *mux)
{
	size_t n = 0;
	for (size_t i = 0; i < mux->ns; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(mux->s[j]->ns, mux->s[i]->ns) || strcmp(mux->s[j]->pod, mux->s[i]->pod);
		n += first && !mux->s[i]->gone;
	}
	return n;
}

size_t logmux_streams(const struct logmux *mux)
{
	size_t n = 0;
	for (size_t i = 0; i < mux->ns; i++)
		n += !mux->s[i]->ended;
	return n;
}

size_t logmux_pending(const struct logmux *mux)
{
	return mux->pending;
}

const char *logmux_error(const struct logmux *mux)
{
	return mux->error;
}

const struct logtarget *logmux_target(const struct logmux *mux)
{
	return &mux->target;
}

unsigned long logmux_reconnects(const struct logmux *mux)
{
	return mux->reconnects;
}

void logmux_describe(const struct logmux *mux, char *out, size_t cap)
{
	size_t pods = logmux_pods(mux), streams = logmux_streams(mux);
	int n = snprintf(out, cap, "%zu pod%s, %zu stream%s", pods, pods == 1 ? "" : "s", streams,
			 streams == 1 ? "" : "s");
	if (n > 0 && (size_t)n < cap && mux->error[0])
		snprintf(out + n, cap - (size_t)n, "; %s", mux->error);
}
