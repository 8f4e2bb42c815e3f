/* kube/informer: see informer.h. */
#include "kube/informer.h"
#include "kube/informer_int.h"

#include "core/trace.h"
#include "core/xalloc.h"
#include "kube/watch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A watch open this long (or one that delivered data) was healthy: its loss starts a
 * new stale period and its end needs no backoff. */
enum { INFORMER_HEALTHY_MS = 1000 };
/* Staleness below this is not worth mentioning in the status line. */
enum { INFORMER_STALE_SHOWN_MS = 5000 };

static void informer_build_path(struct informer *inf)
{
	const char *prefix = decode_resource_prefix(inf->resource);
	const char *name = decode_resource_name(inf->resource);
	if (inf->ns)
		snprintf(inf->path, sizeof(inf->path), "%s/namespaces/%s/%s", prefix, inf->ns, name);
	else
		snprintf(inf->path, sizeof(inf->path), "%s/%s", prefix, name);
}

struct informer *informer_new(struct loop *loop, struct http_client *http, struct model *model,
			      enum kube_resource resource, const struct informer_config *cfg,
			      informer_notify_fn notify, void *ud)
{
	struct informer *inf = xcalloc(1, sizeof(*inf));
	inf->loop = loop;
	inf->http = http;
	inf->model = model;
	inf->resource = resource;
	size_t slen = strlen(cfg->server);
	while (slen > 0 && cfg->server[slen - 1] == '/')
		slen--;
	inf->server = xstrndup(cfg->server, slen);
	inf->ns = decode_resource_namespaced(resource) && cfg->ns ? xstrdup(cfg->ns) : NULL;
	inf->opts = cfg->opts;
	inf->token = cfg->opts.token ? xstrdup(cfg->opts.token) : NULL;
	inf->ca_file = cfg->opts.ca_file ? xstrdup(cfg->opts.ca_file) : NULL;
	inf->accept = cfg->opts.accept ? xstrdup(cfg->opts.accept) : NULL;
	inf->opts.token = inf->token;
	inf->opts.ca_file = inf->ca_file;
	inf->opts.accept = inf->accept;
	if (inf->opts.timeout_ms <= 0)
		inf->opts.timeout_ms = 30000;
	inf->page_limit = cfg->page_limit > 0 ? cfg->page_limit : 500;
	inf->once = cfg->once;
	inf->backoff_min_ms = cfg->backoff_min_ms > 0 ? cfg->backoff_min_ms : 250;
	inf->backoff_max_ms = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 30000;
	inf->watch_min_s = cfg->watch_min_s > 0 ? cfg->watch_min_s : 300;
	inf->watch_max_s = cfg->watch_max_s >= inf->watch_min_s ? cfg->watch_max_s : inf->watch_min_s + 300;
	watch_framer_init(&inf->framer, cfg->max_line);
	for (int i = 0; i < 2; i++)
		inf->pages[i].inf = inf;
	inf->cur = &inf->pages[0];
	inf->next = &inf->pages[1];
	inf->notify = notify;
	inf->ud = ud;
	inf->state = INFORMER_LISTING;
	/* Jitter only needs to differ between processes and informers, not be secret. */
	inf->seed = (unsigned)loop_now_ms() ^ ((unsigned)getpid() << 16) ^ (unsigned)(uintptr_t)inf;
	informer_build_path(inf);
	return inf;
}

static void informer_stop(struct informer *inf)
{
	if (inf->req) {
		http_cancel(inf->http, inf->req);
		inf->req = NULL;
	}
	if (inf->timer_id) {
		loop_cancel_timer(inf->loop, inf->timer_id);
		inf->timer_id = 0;
	}
	inf->retry_at = 0;
	informer_pages_clear(inf);
	inf->phase = PHASE_IDLE;
	watch_framer_reset(&inf->framer);
}

void informer_free(struct informer *inf)
{
	if (!inf)
		return;
	informer_stop(inf);
	if (inf->token) {
		memset(inf->token, 0, strlen(inf->token));
		free(inf->token);
	}
	free(inf->ca_file);
	free(inf->accept);
	for (int i = 0; i < 2; i++)
		free(inf->pages[i].body);
	decode_stream_free(inf->stream);
	free(inf->server);
	free(inf->ns);
	watch_framer_free(&inf->framer);
	free(inf);
}

/* ---- staleness and retries ---- */

/* A watch that is open and has proven itself (data, or open long enough). */
static bool informer_watch_healthy(const struct informer *inf, long long now)
{
	return inf->phase == PHASE_WATCH && inf->state == INFORMER_WATCHING &&
	       (inf->stream_events > 0 || now - inf->watch_started_ms >= INFORMER_HEALTHY_MS);
}

/* The data stops being live now, unless it already was stale (keep the older start). */
void informer_mark_lost(struct informer *inf, long long now)
{
	if (!inf->synced)
		return;
	if (inf->stale_since_ms == 0 || informer_watch_healthy(inf, now))
		inf->stale_since_ms = now;
}

static long informer_backoff_ms(struct informer *inf)
{
	long long d = inf->backoff_min_ms;
	for (unsigned i = 0; i < inf->attempt && d < inf->backoff_max_ms; i++)
		d *= 2;
	if (d > inf->backoff_max_ms)
		d = inf->backoff_max_ms;
	if (inf->attempt < 64)
		inf->attempt++;
	/* +-25%: many clients dropped at once by one server restart must not return in step. */
	double r = (double)rand_r(&inf->seed) / ((double)RAND_MAX + 1.0);
	return (long)((double)d * (0.75 + 0.5 * r));
}

static long informer_on_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct informer *inf = ud;
	inf->timer_id = 0;
	inf->retry_at = 0;
	if (inf->retry_phase == PHASE_WATCH && inf->rv[0])
		informer_watch_start(inf);
	else
		informer_list_start(inf);
	inf->notify(inf->ud, inf);
	return LOOP_TIMER_STOP;
}

static void informer_schedule(struct informer *inf, enum informer_phase phase, long ms)
{
	if (inf->timer_id)
		loop_cancel_timer(inf->loop, inf->timer_id);
	inf->retry_phase = phase;
	inf->retry_at = loop_now_ms() + ms;
	inf->timer_id = loop_add_timer(inf->loop, ms, informer_on_timer, inf);
}

/* The request in flight (if any) is over; record why and retry later.  `transport`: the
 * connection failed or dropped (RECONNECTING) rather than the server refusing (ERROR). */
void informer_fail(struct informer *inf, bool transport, long status, const char *msg)
{
	long long now = loop_now_ms();
	enum informer_phase phase = inf->phase;
	informer_mark_lost(inf, now);
	if (inf->req) {
		http_cancel(inf->http, inf->req);
		inf->req = NULL;
	}
	informer_pages_clear(inf);
	inf->phase = PHASE_IDLE;
	inf->in_snapshot = false;
	watch_framer_reset(&inf->framer);
	snprintf(inf->error, sizeof(inf->error), "%s", msg);
	inf->error_status = status;
	inf->state = transport ? INFORMER_RECONNECTING : INFORMER_ERROR;
	if (inf->once) {
		inf->state = INFORMER_ERROR;
		inf->finished = true;
	} else {
		informer_schedule(inf, phase, informer_backoff_ms(inf));
	}
	inf->notify(inf->ud, inf);
}

/* "GET /api/v1/pods: " + the part of an http error after its URL. */
void informer_transport_msg(const struct informer *inf, const char *verb, const char *error,
			    char *out, size_t cap)
{
	/* http errors read "GET URL: why"; the status line wants the API path, not the URL. */
	const char *why = strstr(error, ": ");
	snprintf(out, cap, "%s %s: %s", verb, inf->path, why ? why + 2 : error);
}

void informer_status_msg(const struct informer *inf, const char *verb,
			 const struct http_result *res, const char *body, size_t len,
			 char *out, size_t cap)
{
	char detail[1100];
	if (res->problem && res->problem[0] && res->status == 403) {
		/* Like kubectl, the server's reason too: it names the user and the RBAC rule. */
		char sm[400];
		decode_status_message(body, len, sm, sizeof(sm));
		snprintf(detail, sizeof(detail), "%s%s%s%s", res->problem, sm[0] ? " (" : "", sm, sm[0] ? ")" : "");
	} else if (res->problem && res->problem[0]) {
		snprintf(detail, sizeof(detail), "%s", res->problem);
	} else {
		char sm[400];
		decode_status_message(body, len, sm, sizeof(sm));
		snprintf(detail, sizeof(detail), "HTTP %ld: %s", res->status, sm);
	}
	snprintf(out, cap, "%s %s: %s", verb, inf->path, detail);
}

/* Percent-encodes a query value (continue tokens are opaque base64-ish strings). */
void informer_escape(const char *in, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && k + 4 < cap; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			out[k++] = (char)*p;
		} else {
			out[k++] = '%';
			out[k++] = hex[*p >> 4];
			out[k++] = hex[*p & 15];
		}
	}
	out[k] = '\0';
}

/* ---- watch ---- */

static bool informer_watch_line(void *ud, const char *line, size_t len)
{
	struct informer *inf = ud;
	struct watch_event ev;
	char err[600];
	if (watch_apply_line(inf->resource, line, len, inf->model, &ev, err, sizeof(err)) < 0) {
		snprintf(inf->stream_error, sizeof(inf->stream_error), "watch %s: %s", inf->path, err);
		return false;
	}
	switch (ev.type) {
	case WATCH_ADDED:
	case WATCH_MODIFIED:
	case WATCH_DELETED:
	case WATCH_BOOKMARK:
		if (ev.type != WATCH_BOOKMARK)
			trace_mark("event", ev.rv[0] ? ev.rv : NULL);
		if (ev.rv[0])
			snprintf(inf->rv, sizeof(inf->rv), "%s", ev.rv);
		inf->stream_events++;
		inf->consecutive_410 = false;
		inf->attempt = 0;
		return true;
	case WATCH_ERROR:
		if (ev.code == 410 || strcmp(ev.reason, "Expired") == 0 || strcmp(ev.reason, "Gone") == 0) {
			inf->stream_relist = true;
		} else {
			snprintf(inf->stream_error, sizeof(inf->stream_error), "watch %s: ERROR %ld %s: %s",
				 inf->path, ev.code, ev.reason, ev.message);
			inf->stream_status = ev.code;
		}
		return false;
	default:
		return true;
	}
}

static bool informer_watch_data(void *ud, const char *data, size_t len)
{
	struct informer *inf = ud;
	unsigned long version = inf->model->version;
	int rc = watch_framer_feed(&inf->framer, data, len, informer_watch_line, inf);
	if (rc < 0) {
		size_t max = inf->framer.max_line;
		bool mib = max >= 1024 * 1024;
		snprintf(inf->stream_error, sizeof(inf->stream_error), "watch %s: event longer than %zu %s",
			 inf->path, mib ? max >> 20 : max, mib ? "MiB" : "bytes");
	}
	if (inf->model->version != version)
		inf->notify(inf->ud, inf);
	return rc == 0;
}

static void informer_watch_done(void *ud, const struct http_result *res)
{
	struct informer *inf = ud;
	inf->req = NULL;
	long long now = loop_now_ms();
	char msg[2400];
	if (inf->stream_relist || (!res->error && res->status == 410)) {
		/* The server no longer has history from our RV: a fresh snapshot is the only
		 * way back in sync.  Twice in a row without progress means something is off:
		 * back off rather than hammer the server with lists. */
		bool again = inf->consecutive_410;
		informer_mark_lost(inf, now);
		inf->phase = PHASE_IDLE;
		inf->consecutive_410 = true;
		if (again) {
			snprintf(msg, sizeof(msg), "watch %s: resourceVersion %s expired again", inf->path,
				 inf->rv);
			informer_fail(inf, false, 410, msg);
			inf->retry_phase = PHASE_LIST;
			return;
		}
		informer_list_start(inf);
		inf->notify(inf->ud, inf);
		return;
	}
	if (res->status >= 300) {
		/* Checked before the stream's own error: the body of a refusal is a Status,
		 * which the framer took for a malformed event.  The server refused to resume
		 * from our resourceVersion (504 "Too large resource version" from a restarted
		 * or replaced server, 5xx from a proxy): only a fresh list is known to be in
		 * sync; resuming would keep ghosts. */
		informer_status_msg(inf, "watch", res, "", 0, msg, sizeof(msg));
		informer_fail(inf, false, res->status, msg);
		inf->retry_phase = PHASE_LIST;
		return;
	}
	if (inf->stream_error[0]) {
		snprintf(msg, sizeof(msg), "%s", inf->stream_error);
		informer_fail(inf, false, inf->stream_status, msg);
		return;
	}
	if (res->error) {
		informer_transport_msg(inf, "watch", res->error, msg, sizeof(msg));
		informer_fail(inf, true, 0, msg);
		return;
	}
	long long lived = now - inf->watch_started_ms;
	if (watch_framer_pending(&inf->framer) == 0 && lived >= inf->watch_timeout_s * 1000 - 2000) {
		/* The normal end of a watch: its timeout.  Resume from where it stopped. */
		informer_watch_start(inf);
		inf->notify(inf->ud, inf);
		return;
	}
	snprintf(msg, sizeof(msg), "watch %s: stream closed by the server after %llds%s", inf->path,
		 lived / 1000, watch_framer_pending(&inf->framer) ? " (in the middle of an event)" : "");
	informer_fail(inf, true, 0, msg);
}

void informer_watch_start(struct informer *inf)
{
	if (inf->req) {
		http_cancel(inf->http, inf->req);
		inf->req = NULL;
	}
	inf->phase = PHASE_WATCH;
	inf->state = INFORMER_WATCHING;
	watch_framer_reset(&inf->framer);
	inf->stream_events = 0;
	inf->stream_relist = false;
	inf->stream_error[0] = '\0';
	inf->stream_status = 0;
	long span = inf->watch_max_s - inf->watch_min_s + 1;
	inf->watch_timeout_s = inf->watch_min_s + (long)(rand_r(&inf->seed) % (unsigned)span);
	inf->watch_started_ms = loop_now_ms();
	inf->watches_started++;
	struct http_opts wopts = inf->opts;
	/* The server ends the stream at timeoutSeconds; a stream silent well past that is
	 * dead (a half-open connection) and must not hang forever. */
	wopts.timeout_ms = (inf->watch_timeout_s + 30) * 1000;
	char rvq[200] = "";
	if (inf->rv[0]) {
		char esc[160];
		informer_escape(inf->rv, esc, sizeof(esc));
		snprintf(rvq, sizeof(rvq), "&resourceVersion=%s", esc);
	}
	char *url = xasprintf("%s%s?watch=1%s&allowWatchBookmarks=true&timeoutSeconds=%ld", inf->server,
			      inf->path, rvq, inf->watch_timeout_s);
	inf->req = http_get(inf->http, url, &wopts, informer_watch_data, informer_watch_done, inf);
	free(url);
}

/* ---- control and state ---- */

void informer_start(struct informer *inf)
{
	informer_stop(inf);
	inf->attempt = 0;
	inf->finished = false;
	inf->consecutive_410 = false;
	informer_list_start(inf);
}

void informer_set_namespace(struct informer *inf, const char *ns)
{
	if (!decode_resource_namespaced(inf->resource))
		return;
	informer_stop(inf);
	free(inf->ns);
	inf->ns = ns ? xstrdup(ns) : NULL;
	informer_build_path(inf);
	/* An empty snapshot removes every object of this resource. */
	decode_begin_snapshot(inf->resource, inf->model);
	decode_end_snapshot(inf->resource, inf->model, NULL);
	inf->synced = false;
	inf->stale_since_ms = 0;
	inf->rv[0] = '\0';
	inf->error[0] = '\0';
	inf->error_status = 0;
	informer_start(inf);
	inf->notify(inf->ud, inf);
}

enum informer_state informer_state(const struct informer *inf)
{
	return inf->state;
}

enum kube_resource informer_resource(const struct informer *inf)
{
	return inf->resource;
}

const char *informer_error(const struct informer *inf)
{
	return inf->error;
}

long informer_error_status(const struct informer *inf)
{
	return inf->error_status;
}

size_t informer_listed_items(const struct informer *inf)
{
	return inf->listed_items;
}

bool informer_has_synced(const struct informer *inf)
{
	return inf->synced;
}

bool informer_finished(const struct informer *inf)
{
	return inf->finished;
}

const char *informer_path(const struct informer *inf)
{
	return inf->path;
}

const char *informer_resource_version(const struct informer *inf)
{
	return inf->rv;
}

unsigned long informer_lists_started(const struct informer *inf)
{
	return inf->lists_started;
}

unsigned long informer_watches_started(const struct informer *inf)
{
	return inf->watches_started;
}

long long informer_retry_in_ms(const struct informer *inf, long long now_ms)
{
	if (!inf->retry_at)
		return 0;
	long long ms = inf->retry_at - now_ms;
	return ms > 0 ? ms : 0;
}

long long informer_stale_ms(const struct informer *inf, long long now_ms)
{
	if (!inf->synced)
		return -1;
	if (inf->stale_since_ms == 0 || informer_watch_healthy(inf, now_ms) ||
	    inf->state == INFORMER_LISTED)
		return 0;
	long long d = now_ms - inf->stale_since_ms;
	return d > 0 ? d : 0;
}

/* "12s", "3m", "2h": coarse on purpose, the status line is narrow. */
static void informer_secs(long long ms, char *out, size_t cap)
{
	long long s = ms / 1000;
	if (s < 120)
		snprintf(out, cap, "%llds", s);
	else if (s < 2 * 3600)
		snprintf(out, cap, "%lldm", s / 60);
	else
		snprintf(out, cap, "%lldh", s / 3600);
}

/* What one source or a group of sources in the same state reads as. */
struct informer_phrase {
	enum informer_state state;
	bool synced, retrying;
	size_t items;         /* listing: items so far */
	long long stale_ms;   /* the oldest data of the group */
	long long retry_ms;   /* the soonest retry of the group */
};

static void informer_phrase_of(const struct informer *inf, long long now_ms,
			       struct informer_phrase *ph)
{
	ph->state = inf->state;
	ph->synced = inf->synced;
	ph->retrying = !inf->once && inf->retry_at;
	ph->items = inf->listed_items;
	ph->stale_ms = informer_stale_ms(inf, now_ms);
	ph->retry_ms = informer_retry_in_ms(inf, now_ms);
}

static void informer_phrase_format(const struct informer_phrase *ph, char *buf, size_t len)
{
	char stale[48] = "", retry[32] = "";
	if (ph->stale_ms >= INFORMER_STALE_SHOWN_MS) {
		char t[24];
		informer_secs(ph->stale_ms, t, sizeof(t));
		snprintf(stale, sizeof(stale), ", stale %s", t);
	}
	/* Round up: "reconnecting 0s" would read as "never". */
	informer_secs(ph->retry_ms + 999, retry, sizeof(retry));
	switch (ph->state) {
	case INFORMER_LISTING:
		snprintf(buf, len, "%s %zu%s", ph->synced ? "re-listing" : "listing", ph->items, stale);
		break;
	case INFORMER_WATCHING:
		if (ph->stale_ms > 0 && stale[0])
			snprintf(buf, len, "connecting%s", stale);
		else
			snprintf(buf, len, "watching");
		break;
	case INFORMER_RECONNECTING:
		snprintf(buf, len, "reconnecting %s%s", retry, stale);
		break;
	case INFORMER_ERROR:
		if (!ph->retrying)
			snprintf(buf, len, "error%s", stale);
		else
			snprintf(buf, len, "error, retry %s%s", retry, stale);
		break;
	case INFORMER_LISTED:
		snprintf(buf, len, "listed");
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
}

void informer_describe_state(const struct informer *inf, long long now_ms, char *buf, size_t len)
{
	if (!len)
		return;
	struct informer_phrase ph;
	informer_phrase_of(inf, now_ms, &ph);
	informer_phrase_format(&ph, buf, len);
}

/* Order in the status line: what needs attention first. */
static int informer_rank(const struct informer *inf)
{
	switch (inf->state) {
	case INFORMER_ERROR: return 0;
	case INFORMER_RECONNECTING: return 1;
	case INFORMER_LISTING: return 2;
	default: return 3;
	}
}

void informer_describe_sources(struct informer *const *infs, size_t n, long long now_ms,
			       char *buf, size_t len, bool *bad)
{
	if (!len)
		return;
	buf[0] = '\0';
	*bad = false;
	/* Sources in the same state share one phrase with the soonest retry and the oldest
	 * data of the group ("pods,nodes reconnecting 3s"; more than two are counted, "4 of 6
	 * reconnecting 3s", and every one is "all"), so the state fits an 80-column status
	 * line while the sources notice a lost server one by one. */
	const struct informer *shown[KUBE_NRESOURCES];
	size_t nshown = 0, nsources = 0;
	const char *error = NULL;
	for (int rank = 0; rank <= 3; rank++) {
		for (size_t i = 0; i < n; i++) {
			const struct informer *inf = infs[i];
			if (!inf || informer_rank(inf) != rank)
				continue;
			nsources++;
			long long st = informer_stale_ms(inf, now_ms);
			bool trouble = inf->state == INFORMER_ERROR || inf->state == INFORMER_RECONNECTING;
			if (trouble || st >= INFORMER_STALE_SHOWN_MS)
				*bad = true;
			if (!error && inf->error[0] && trouble)
				error = inf->error;
			bool live = (inf->state == INFORMER_WATCHING || inf->state == INFORMER_LISTED) &&
				    st < INFORMER_STALE_SHOWN_MS;
			if (!live && nshown < KUBE_NRESOURCES)
				shown[nshown++] = inf;
		}
	}
	size_t used = 0;
	bool done[KUBE_NRESOURCES] = {false};
	for (size_t i = 0; i < nshown; i++) {
		if (done[i])
			continue;
		struct informer_phrase ph;
		informer_phrase_of(shown[i], now_ms, &ph);
		char names[128] = "";
		size_t nl = 0, members = 0;
		for (size_t j = i; j < nshown; j++) {
			if (shown[j]->state != shown[i]->state)
				continue;
			done[j] = true;
			members++;
			if (j != i) {
				struct informer_phrase other;
				informer_phrase_of(shown[j], now_ms, &other);
				if (other.stale_ms > ph.stale_ms)
					ph.stale_ms = other.stale_ms;
				if (other.retry_ms < ph.retry_ms)
					ph.retry_ms = other.retry_ms;
				ph.items += other.items;
				ph.retrying = ph.retrying || other.retrying;
			}
			int w = snprintf(names + nl, sizeof(names) - nl, "%s%s", nl ? "," : "",
					 decode_resource_name(shown[j]->resource));
			if (w > 0 && (size_t)w < sizeof(names) - nl)
				nl += (size_t)w;
		}
		if (members == nsources && nsources > 1)
			snprintf(names, sizeof(names), "all");
		else if (members > 2)
			snprintf(names, sizeof(names), "%zu of %zu", members, nsources);
		char desc[128];
		informer_phrase_format(&ph, desc, sizeof(desc));
		int w = snprintf(buf + used, len - used, "%s%s %s", used ? "; " : "", names, desc);
		if (w < 0 || (size_t)w >= len - used) {
			used = strlen(buf);
			break;
		}
		used += (size_t)w;
	}
	if (used == 0)
		snprintf(buf, len, "watching");
	if (error) {
		size_t l = strlen(buf);
		if (l + 3 < len)
			snprintf(buf + l, len - l, "  %s", error);
	}
}

bool informer_namespace_valid(const char *ns)
{
	size_t n = strlen(ns);
	if (n == 0 || n > 63 || ns[0] == '-' || ns[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((ns[i] >= 'a' && ns[i] <= 'z') || (ns[i] >= '0' && ns[i] <= '9') || ns[i] == '-'))
			return false;
	return true;
}
