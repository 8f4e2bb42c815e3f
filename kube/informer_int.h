#ifndef KUBE_INFORMER_INT_H
#define KUBE_INFORMER_INT_H
/* kube/informer_int: private to kube/informer.c (state, watch, retries, status text) and
 * kube/informer_list.c (the list: first page, paging with continue tokens, the next page
 * asked for early, the snapshot's end).  Nothing else includes it.
 *
 * Contract between the two: the list side owns pages[], cur, next, stream, list_error,
 * in_snapshot, listed_items and page_base; it hands over to the watch through
 * informer_watch_start once the last page is in (or ends the list of a `once` informer),
 * and reports every failure through informer_fail, which clears the pages again. */
#include "kube/informer.h"
#include "kube/watch.h"

enum informer_phase { PHASE_IDLE, PHASE_LIST, PHASE_WATCH };

/* One list page request.  Two may be in flight: the current page, whose body streams
 * into the decoder as it arrives, and the next one, asked for as soon as the current
 * page's metadata (its continue token, which the API server sends before the items) is
 * in, so that the server prepares page N+1 while page N is still being read.  A page's
 * bytes are held here while it is not current, or when its status is not 2xx (the
 * Status message). */
struct informer_page {
	struct informer *inf;
	struct http_request *req;
	char cont[1024];             /* the continue token it asked with, "" for the first page */
	char *body;                  /* held bytes */
	size_t len, cap;
	size_t received;             /* body bytes so far, capped at INFORMER_MAX_BODY */
	bool too_big;
	bool done;                   /* finished before it became current: its result */
	long status;
	char *error, *problem;
};

struct informer {
	struct loop *loop;
	struct http_client *http;
	struct model *model;
	enum kube_resource resource;
	char *server, *ns;
	char *token, *ca_file, *accept;
	struct http_opts opts;       /* list requests */
	long page_limit, backoff_min_ms, backoff_max_ms, watch_min_s, watch_max_s;
	bool once;
	informer_notify_fn notify;
	void *ud;

	char path[512];
	enum informer_phase phase;
	struct http_request *req;

	/* list: the current page (its body streams into `stream`) and the next one */
	struct informer_page pages[2];
	struct informer_page *cur, *next;
	struct decode_stream *stream;
	char list_error[1100];       /* why we aborted the current page ourselves, "" if not */
	bool in_snapshot;
	size_t listed_items, page_base;

	/* watch */
	struct watch_framer framer;
	char rv[128];
	long watch_timeout_s;
	long long watch_started_ms;
	unsigned long stream_events;
	bool stream_relist;          /* got ERROR 410: re-list when the stream ends */
	char stream_error[2048];     /* why we aborted the stream ourselves, "" if not */
	long stream_status;
	bool consecutive_410;        /* the previous re-list came from a 410 with no event since */

	/* retry */
	long long timer_id;
	long long retry_at;
	enum informer_phase retry_phase;
	unsigned attempt;
	unsigned seed;

	enum informer_state state;
	char error[2400];
	long error_status;
	bool synced, finished;
	long long stale_since_ms;    /* start of the current stale period, 0 if none */
	unsigned long lists_started, watches_started;
};

/* ---- informer.c ---- */

/* The data stops being live now, unless it already was stale (keep the older start). */
void informer_mark_lost(struct informer *inf, long long now);
/* The request in flight (if any) is over; record why and retry later.  `transport`: the
 * connection failed or dropped (RECONNECTING) rather than the server refusing (ERROR). */
void informer_fail(struct informer *inf, bool transport, long status, const char *msg);
/* "VERB /api/v1/pods: " + the part of an http error after its URL. */
void informer_transport_msg(const struct informer *inf, const char *verb, const char *error,
			    char *out, size_t cap);
/* "VERB /api/v1/pods: " + why the server refused (its Status message, RBAC reason). */
void informer_status_msg(const struct informer *inf, const char *verb,
			 const struct http_result *res, const char *body, size_t len,
			 char *out, size_t cap);
/* Percent-encodes a query value (continue tokens, resourceVersions) into out (cap). */
void informer_escape(const char *in, char *out, size_t cap);
/* Opens the watch from inf->rv. */
void informer_watch_start(struct informer *inf);

/* ---- informer_list.c ---- */

/* Starts a list from the first page (a fresh snapshot). */
void informer_list_start(struct informer *inf);
/* Forgets both pages: requests cancelled, held bytes and results dropped. */
void informer_pages_clear(struct informer *inf);

#endif
