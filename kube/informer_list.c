/* kube/informer_list: the list half of an informer (contract in informer.h, split from
 * informer.c in informer_int.h): the first page, paging with continue tokens, the next
 * page asked for while the current one is read, a 410 on a continue token restarting
 * the snapshot, and the hand-over to the watch. */
#include "kube/informer_int.h"

#include "core/trace.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A list page larger than this is not something we can show: refuse it. */
/* A page of at most page_limit (500) objects is a few MiB in real clusters; a bigger one
 * is hostile or broken.  The cap bounds memory and, above all, the time the event loop
 * spends parsing one page: at 256 MiB a 100 MB answer to each of the six lists froze
 * the keys for seconds (tests/e2e/chaos_api.sh, "100 MB response"). */
enum { INFORMER_MAX_BODY = 64 * 1024 * 1024 };

/* Forgets a page: its request cancelled, held bytes and result dropped. */
static void informer_page_clear(struct informer *inf, struct informer_page *pg)
{
	if (pg->req)
		http_cancel(inf->http, pg->req);
	pg->req = NULL;
	pg->cont[0] = '\0';
	if (pg->cap > 4 * 1024 * 1024) {
		/* One huge page is no reason to keep its buffer for the informer's lifetime. */
		free(pg->body);
		pg->body = NULL;
		pg->cap = 0;
	}
	pg->len = pg->received = 0;
	pg->too_big = pg->done = false;
	pg->status = 0;
	free(pg->error);
	free(pg->problem);
	pg->error = pg->problem = NULL;
}

void informer_pages_clear(struct informer *inf)
{
	informer_page_clear(inf, inf->cur);
	informer_page_clear(inf, inf->next);
	inf->list_error[0] = '\0';
}

static bool informer_status_2xx(long status)
{
	return status >= 200 && status <= 299;
}

static void informer_list_fetch(struct informer *inf, struct informer_page *pg, const char *cont);

/* Asks for the next page as soon as the current one has told its continue token. */
static void informer_prefetch(struct informer *inf)
{
	const struct decode_meta *meta = decode_stream_meta(inf->stream);
	if (!meta || !meta->cont[0] || inf->next->req || inf->next->done)
		return;
	informer_list_fetch(inf, inf->next, meta->cont);
}

/* Decodes bytes of the current page; false (and list_error) when they are bad. */
static bool informer_page_feed(struct informer *inf, const char *data, size_t len)
{
	if (!inf->in_snapshot) {
		decode_begin_snapshot(inf->resource, inf->model);
		inf->in_snapshot = true;
	}
	char err[512];
	int rc = decode_stream_feed(inf->stream, data, len, err, sizeof(err));
	inf->listed_items = inf->page_base + decode_stream_items(inf->stream);
	if (rc < 0) {
		snprintf(inf->list_error, sizeof(inf->list_error), "GET %s: %s", inf->path, err);
		return false;
	}
	informer_prefetch(inf);
	return true;
}

static bool informer_list_data(void *ud, const char *data, size_t len)
{
	struct informer_page *pg = ud;
	struct informer *inf = pg->inf;
	pg->received += len;
	if (pg->received > INFORMER_MAX_BODY) {
		pg->too_big = true;
		return false;
	}
	if (pg == inf->cur && informer_status_2xx(http_status(pg->req)))
		return informer_page_feed(inf, data, len);
	pg->body = xgrow(pg->body, &pg->cap, pg->len + len + 1, 1);
	memcpy(pg->body + pg->len, data, len);
	pg->len += len;
	return true;
}

static void informer_page_finish(struct informer *inf, long status, const char *error, const char *problem);

/* The next page becomes the current one: its held bytes are decoded, and if it already
 * finished, its end is handled now. */
static void informer_page_promote(struct informer *inf)
{
	struct informer_page *pg = inf->next;
	inf->next = inf->cur;
	inf->cur = pg;
	informer_page_clear(inf, inf->next);
	decode_stream_reset(inf->stream);
	inf->page_base = inf->listed_items;
	long status = pg->done ? pg->status : http_status(pg->req);
	if (pg->len && informer_status_2xx(status)) {
		size_t n = pg->len;
		pg->len = 0;
		if (!informer_page_feed(inf, pg->body, n)) {
			char msg[sizeof(inf->list_error)];
			snprintf(msg, sizeof(msg), "%s", inf->list_error);
			informer_fail(inf, false, status, msg);
			return;
		}
	}
	if (pg->done)
		informer_page_finish(inf, pg->status, pg->error, pg->problem);
}

static void informer_list_done(void *ud, const struct http_result *res)
{
	struct informer_page *pg = ud;
	struct informer *inf = pg->inf;
	pg->req = NULL;
	if (pg != inf->cur) {
		/* The next page finished first: keep its result until it is current. */
		pg->done = true;
		pg->status = res->status;
		pg->error = res->error ? xstrdup(res->error) : NULL;
		pg->problem = res->problem ? xstrdup(res->problem) : NULL;
		return;
	}
	informer_page_finish(inf, res->status, res->error, res->problem);
}

/* The current page ended (status, transport error or NULL, problem text or NULL). */
static void informer_page_finish(struct informer *inf, long status, const char *error, const char *problem)
{
	struct informer_page *pg = inf->cur;
	char msg[2400];
	if (pg->too_big) {
		snprintf(msg, sizeof(msg), "GET %s: list page larger than %d MiB", inf->path,
			 INFORMER_MAX_BODY >> 20);
		informer_fail(inf, false, 0, msg);
		return;
	}
	if (inf->list_error[0]) {
		/* We stopped it: the body was not a list we can read. */
		snprintf(msg, sizeof(msg), "%s", inf->list_error);
		informer_fail(inf, false, status, msg);
		return;
	}
	if (error) {
		informer_transport_msg(inf, "GET", error, msg, sizeof(msg));
		informer_fail(inf, true, 0, msg);
		return;
	}
	if (status == 410 && pg->cont[0]) {
		/* The continue token expired: take the snapshot again from the first page. */
		informer_pages_clear(inf);
		inf->in_snapshot = false;
		inf->listed_items = 0;
		informer_list_fetch(inf, inf->cur, "");
		return;
	}
	if (!informer_status_2xx(status)) {
		struct http_result res = { .status = status, .problem = problem };
		informer_status_msg(inf, "GET", &res, pg->body ? pg->body : "", pg->len, msg, sizeof(msg));
		informer_fail(inf, false, status, msg);
		return;
	}
	if (!inf->in_snapshot) {
		decode_begin_snapshot(inf->resource, inf->model);
		inf->in_snapshot = true;
	}
	struct decode_meta meta;
	char err[512];
	int rc = decode_stream_finish(inf->stream, &meta, err, sizeof(err));
	inf->listed_items = inf->page_base + decode_stream_items(inf->stream);
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "GET %s: %s", inf->path, err);
		informer_fail(inf, false, status, msg);
		return;
	}
	if (meta.cont[0]) {
		if ((inf->next->req || inf->next->done) && strcmp(inf->next->cont, meta.cont) == 0) {
			informer_page_promote(inf);
		} else {
			informer_page_clear(inf, inf->next);
			informer_list_fetch(inf, inf->cur, meta.cont);
		}
		inf->notify(inf->ud, inf);
		return;
	}
	informer_pages_clear(inf);
	decode_end_snapshot(inf->resource, inf->model, inf->ns);
	inf->in_snapshot = false;
	snprintf(inf->rv, sizeof(inf->rv), "%s", meta.resource_version);
	trace_mark("synced", inf->path);
	inf->synced = true;
	inf->stale_since_ms = 0;
	inf->error[0] = '\0';
	inf->error_status = 0;
	inf->attempt = 0;
	inf->phase = PHASE_IDLE;
	if (inf->once) {
		inf->state = INFORMER_LISTED;
		inf->finished = true;
	} else {
		informer_watch_start(inf);
	}
	inf->notify(inf->ud, inf);
}

/* Asks for a page (cont "" for the first) into slot pg.  The current slot starts a new
 * page of the stream; the next slot only holds its bytes until it is promoted. */
static void informer_list_fetch(struct informer *inf, struct informer_page *pg, const char *cont)
{
	char token[sizeof(pg->cont)];
	snprintf(token, sizeof(token), "%s", cont);
	informer_page_clear(inf, pg);
	snprintf(pg->cont, sizeof(pg->cont), "%s", token);
	if (pg == inf->cur) {
		if (!inf->stream)
			inf->stream = decode_stream_new(inf->resource, inf->model);
		decode_stream_reset(inf->stream);
		inf->list_error[0] = '\0';
		inf->page_base = inf->listed_items;
	}
	char query[3200] = "";
	if (token[0]) {
		char esc[3100];
		informer_escape(token, esc, sizeof(esc));
		snprintf(query, sizeof(query), "&continue=%s", esc);
	}
	char *url = xasprintf("%s%s?limit=%ld%s", inf->server, inf->path, inf->page_limit, query);
	pg->req = http_get(inf->http, url, &inf->opts, informer_list_data, informer_list_done, pg);
	free(url);
}

void informer_list_start(struct informer *inf)
{
	informer_mark_lost(inf, loop_now_ms());
	inf->phase = PHASE_LIST;
	inf->state = INFORMER_LISTING;
	informer_pages_clear(inf);
	inf->in_snapshot = false;
	inf->listed_items = 0;
	inf->lists_started++;
	informer_list_fetch(inf, inf->cur, "");
}

