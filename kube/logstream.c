/* kube/logstream: see logstream.h. */
#include "kube/logstream.h"

#include "core/logbuf.h"
#include "core/xalloc.h"
#include "kube/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- The stream ---- */

struct logstream {
	struct loop *loop;
	struct http_client *http;
	struct http_request *req;
	long long timer;
	char *server, *ns, *pod, *container;
	bool follow, previous;
	long tail_lines, since_seconds;
	int64_t since_ns;
	struct http_opts opts;
	long backoff_min, backoff_max, backoff;
	struct logsplit split;
	struct logresume resume;
	int64_t cur_ts;
	struct logts_memo tsmemo;
	bool got_data;       /* bytes arrived on the current request */
	bool error_body;     /* the answer starts with '{': a Status, held back */
	char *held;
	size_t nheld, capheld;
	bool done;           /* ENDED or FAILED */
	unsigned long connects;
	char *url;
	logstream_line_fn line_fn;
	logstream_event_fn event_fn;
	void *ud;
	bool *freed;         /* set when freed from inside a callback */
};

/* DNS-1123 subdomain (pods) or label (namespaces, containers): what may go in a URL. */
static bool logstream_name_valid(const char *s, bool dots)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (dots && c == '.')))
			return false;
	}
	return s[0] != '-' && s[0] != '.' && s[n - 1] != '-' && s[n - 1] != '.';
}

static void logstream_line(void *ud, const char *line, size_t len, bool truncated)
{
	struct logstream *s = ud;
	int64_t ts;
	size_t skip = logstream_parse_ts_memo(&s->tsmemo, line, len, &ts);
	if (skip)
		s->cur_ts = ts;
	const char *text = line + skip;
	size_t tlen = len - skip;
	if (!logresume_keep(&s->resume, s->cur_ts, text, tlen))
		return;
	logresume_seen(&s->resume, s->cur_ts, text, tlen);
	s->line_fn(s->ud, s, s->cur_ts, truncated ? LOGBUF_TRUNCATED : 0, text, tlen);
}

/* Delivers lines; stops early when a callback freed the stream (returns false). */
static bool logstream_deliver(struct logstream *s, const char *data, size_t len, bool finish)
{
	bool freed = false;
	s->freed = &freed;
	logsplit_feed(&s->split, data, len, logstream_line, s);
	if (!freed && finish)
		logsplit_finish(&s->split, logstream_line, s);
	if (!freed)
		s->freed = NULL;
	return !freed;
}

static bool logstream_data(void *ud, const char *data, size_t len)
{
	struct logstream *s = ud;
	if (!len)
		return true;
	if (!s->got_data) {
		s->got_data = true;
		s->error_body = data[0] == '{';
		if (!s->error_body) {
			s->backoff = 0;
			bool freed = false;
			s->freed = &freed;
			s->event_fn(s->ud, s, LOGSTREAM_CONNECTED, NULL);
			if (freed)
				return false;
			s->freed = NULL;
		}
	}
	if (s->error_body) {
		/* Held until the status is known; bounded so a hostile server cannot grow it. */
		if (s->nheld + len > 1u << 20)
			return false;
		s->held = xgrow(s->held, &s->capheld, s->nheld + len, 1);
		memcpy(s->held + s->nheld, data, len);
		s->nheld += len;
		return true;
	}
	return logstream_deliver(s, data, len, false);
}

static void logstream_start(struct logstream *s);

static long logstream_retry(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct logstream *s = ud;
	s->timer = 0;
	logstream_start(s);
	return LOOP_TIMER_STOP;
}

static void logstream_schedule(struct logstream *s)
{
	s->backoff = s->backoff ? s->backoff * 2 : s->backoff_min;
	if (s->backoff > s->backoff_max)
		s->backoff = s->backoff_max;
	logsplit_reset(&s->split);
	logresume_begin(&s->resume);
	s->timer = loop_add_timer(s->loop, s->backoff, logstream_retry, s);
}

static void logstream_done(void *ud, const struct http_result *res)
{
	struct logstream *s = ud;
	s->req = NULL;
	bool ok = !res->error && res->status >= 200 && res->status <= 299;
	if (ok && s->nheld) {
		/* A 2xx answer that merely began with '{' (JSON logs without timestamps). */
		if (!logstream_deliver(s, s->held, s->nheld, false))
			return;
		s->nheld = 0;
	}
	if (ok && !s->follow) {
		if (!logstream_deliver(s, "", 0, true))
			return;
		s->done = true;
		s->event_fn(s->ud, s, LOGSTREAM_ENDED, NULL);
		return;
	}
	char msg[1600];
	if (!res->error && (res->status == 404 || (res->status >= 400 && res->status < 500 &&
						   res->status != 429))) {
		char why[1024];
		decode_status_message(s->held ? s->held : "", s->nheld, why, sizeof(why));
		snprintf(msg, sizeof(msg), "%s: %s", res->problem ? res->problem : "refused", why);
		s->nheld = 0;
		s->done = true;
		s->event_fn(s->ud, s, res->status == 404 ? LOGSTREAM_ENDED : LOGSTREAM_FAILED, msg);
		return;
	}
	s->nheld = 0;
	if (res->error)
		snprintf(msg, sizeof(msg), "%s", res->error);
	else if (!ok)
		snprintf(msg, sizeof(msg), "%s", res->problem ? res->problem : "server error");
	else
		snprintf(msg, sizeof(msg), "log stream of %s/%s ended", s->ns, s->pod);
	logstream_schedule(s);
	s->event_fn(s->ud, s, LOGSTREAM_DROPPED, msg);
}

static void logstream_start(struct logstream *s)
{
	char q[512];
	size_t n = 0;
	n += (size_t)snprintf(q + n, sizeof(q) - n, "timestamps=true%s%s",
			      s->follow ? "&follow=true" : "", s->previous ? "&previous=true" : "");
	if (s->container)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "&container=%s", s->container);
	if (s->resume.last_ts) {
		/* Resume: whole seconds, as the API server keeps sinceTime; the replay of that
		 * second is skipped by logresume. */
		char ts[64];
		logbuf_format_ts(s->resume.last_ts / 1000000000 * 1000000000, ts, sizeof(ts));
		ts[19] = '\0';
		n += (size_t)snprintf(q + n, sizeof(q) - n, "&sinceTime=%sZ", ts);
	} else if (s->since_ns) {
		char ts[64];
		logbuf_format_ts(s->since_ns / 1000000000 * 1000000000, ts, sizeof(ts));
		ts[19] = '\0';
		n += (size_t)snprintf(q + n, sizeof(q) - n, "&sinceTime=%sZ", ts);
	} else if (s->since_seconds > 0) {
		n += (size_t)snprintf(q + n, sizeof(q) - n, "&sinceSeconds=%ld", s->since_seconds);
	} else if (s->tail_lines >= 0) {
		n += (size_t)snprintf(q + n, sizeof(q) - n, "&tailLines=%ld", s->tail_lines);
	}
	(void)n;
	free(s->url);
	s->url = xasprintf("%s/api/v1/namespaces/%s/pods/%s/log?%s", s->server, s->ns, s->pod, q);
	s->got_data = false;
	s->error_body = false;
	s->nheld = 0;
	s->connects++;
	s->req = http_get(s->http, s->url, &s->opts, logstream_data, logstream_done, s);
}

struct logstream *logstream_new(struct loop *loop, struct http_client *http,
				const struct logstream_config *cfg, logstream_line_fn line_fn,
				logstream_event_fn event_fn, void *ud, char *err, size_t errcap)
{
	if (!logstream_name_valid(cfg->ns, false)) {
		snprintf(err, errcap, "invalid namespace name '%.100s'", cfg->ns ? cfg->ns : "");
		return NULL;
	}
	if (!logstream_name_valid(cfg->pod, true)) {
		snprintf(err, errcap, "invalid pod name '%.200s'", cfg->pod ? cfg->pod : "");
		return NULL;
	}
	if (cfg->container && *cfg->container && !logstream_name_valid(cfg->container, false)) {
		snprintf(err, errcap, "invalid container name '%.100s'", cfg->container);
		return NULL;
	}
	struct logstream *s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->http = http;
	s->server = xstrdup(cfg->server);
	size_t sl = strlen(s->server);
	while (sl && s->server[sl - 1] == '/')
		s->server[--sl] = '\0';
	s->ns = xstrdup(cfg->ns);
	s->pod = xstrdup(cfg->pod);
	s->container = cfg->container && *cfg->container ? xstrdup(cfg->container) : NULL;
	s->follow = cfg->follow;
	s->previous = cfg->previous;
	s->tail_lines = cfg->tail_lines;
	s->since_seconds = cfg->since_seconds;
	s->since_ns = cfg->since_ns;
	s->opts = cfg->opts;
	s->opts.timeout_ms = cfg->follow ? 0 : (cfg->opts.timeout_ms ? cfg->opts.timeout_ms : 60000);
	s->opts.accept = "*/*";
	s->backoff_min = cfg->backoff_min_ms > 0 ? cfg->backoff_min_ms : 250;
	s->backoff_max = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 10000;
	logsplit_init(&s->split, cfg->max_line);
	logresume_init(&s->resume);
	s->line_fn = line_fn;
	s->event_fn = event_fn;
	s->ud = ud;
	logstream_start(s);
	return s;
}

void logstream_free(struct logstream *s)
{
	if (!s)
		return;
	if (s->freed)
		*s->freed = true;
	if (s->req)
		http_cancel(s->http, s->req);
	if (s->timer)
		loop_cancel_timer(s->loop, s->timer);
	logsplit_free(&s->split);
	free(s->held);
	free(s->server);
	free(s->ns);
	free(s->pod);
	free(s->container);
	free(s->url);
	free(s);
}

void logstream_reconnect(struct logstream *s)
{
	if (s->done)
		return;
	if (s->req) {
		http_cancel(s->http, s->req);
		s->req = NULL;
	}
	if (s->timer) {
		loop_cancel_timer(s->loop, s->timer);
		s->timer = 0;
	}
	logsplit_reset(&s->split);
	logresume_begin(&s->resume);
	logstream_start(s);
}

bool logstream_live(const struct logstream *s)
{
	return !s->done;
}

unsigned long logstream_connects(const struct logstream *s)
{
	return s->connects;
}

const char *logstream_url(const struct logstream *s)
{
	return s->url ? s->url : "";
}
