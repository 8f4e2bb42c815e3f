#ifndef KUBE_INFORMER_H
#define KUBE_INFORMER_H
/* kube/informer: keeps one resource of the model (pods, nodes, deployments,
 * statefulsets, events, namespaces; one namespace or all) in step with the server, the
 * way client-go's reflector does: list, then watch.
 *
 * 1. List: paginated (limit, continue), pages upserted as they arrive so a big cluster
 *    shows up progressively; when the last page is in, objects the list did not mention
 *    are removed (a re-list leaves no ghosts).  A 410 on a continue token restarts the
 *    list from the first page.  The list's metadata.resourceVersion is remembered.
 * 2. Watch: ?watch=1&resourceVersion=RV&allowWatchBookmarks=true&timeoutSeconds=T
 *    (T random in 300..600 so many clients do not reconnect in step), streamed through
 *    kube/watch.  ADDED/MODIFIED/DELETED update the model and RV, BOOKMARK moves RV,
 *    ERROR 410 (Expired/Gone) re-lists at once, other ERRORs go to the error state.
 *    A watch that ends normally (its timeout) re-watches from the last RV at once.
 * 3. A dropped connection, transport error, non-2xx answer or garbage reconnects after a
 *    capped, jittered exponential backoff (250 ms * 2^n, at most 30 s, +-25%), reset by
 *    the next success; the model keeps its last data meanwhile, and the informer knows
 *    since when that data is stale.
 * Everything runs on the event loop through kube/http: nothing blocks.
 *
 * Contract: notify_fn is called after each list page or watch chunk that changed the
 * model and on each state change; it must only mark things dirty (no drawing, no call
 * back into this informer except the getters).  `once` informers (batch mode) list one
 * time, never watch, never retry, and then stay idle with finished() true.
 */
#include "core/model.h"
#include "kube/decode.h"
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>

enum informer_state {
	INFORMER_LISTING,       /* a list is in flight (first or re-list) */
	INFORMER_WATCHING,      /* in sync: the watch stream is open */
	INFORMER_RECONNECTING,  /* connection lost; retry timer pending */
	INFORMER_ERROR,         /* the server refused or answered garbage; retry timer pending
				 * (once informers: final) */
	INFORMER_LISTED,        /* once informers: the list is complete */
};

struct informer_config {
	const char *server;     /* "http://127.0.0.1:8080" (trailing slashes ignored) */
	const char *ns;         /* namespace of a namespaced resource, NULL for all */
	struct http_opts opts;  /* copied; timeout_ms applies to list pages (default 30 s) */
	long page_limit;        /* items per list page (default 500) */
	bool once;
	long backoff_min_ms;    /* default 250 */
	long backoff_max_ms;    /* default 30000 */
	long watch_min_s;       /* timeoutSeconds range, default 300..600 */
	long watch_max_s;
	size_t max_line;        /* longest watch event accepted, default 16 MiB */
};

struct informer;
typedef void (*informer_notify_fn)(void *ud, struct informer *inf);

struct informer *informer_new(struct loop *loop, struct http_client *http, struct model *model,
			      enum kube_resource resource, const struct informer_config *cfg,
			      informer_notify_fn notify, void *ud);
/* Cancels its requests and timers; the model keeps the data. */
void informer_free(struct informer *inf);

/* Starts (first call) or restarts now with a fresh list, cancelling what is in flight. */
void informer_start(struct informer *inf);
/* Namespaced resources only: follow namespace ns (NULL: all).  Drops the resource's
 * objects from the model and lists again. */
void informer_set_namespace(struct informer *inf, const char *ns);

enum informer_state informer_state(const struct informer *inf);
enum kube_resource informer_resource(const struct informer *inf);
/* Last error ("GET /api/v1/pods: connection refused"), "" if none. */
const char *informer_error(const struct informer *inf);
/* HTTP status of the last failure (0 for transport errors). */
long informer_error_status(const struct informer *inf);
/* Items received by the list in flight (progress), or by the last complete list. */
size_t informer_listed_items(const struct informer *inf);
/* true once a list has completed (the model holds a full snapshot, maybe stale). */
bool informer_has_synced(const struct informer *inf);
/* true once a `once` informer has finished (successfully or not). */
bool informer_finished(const struct informer *inf);
/* Resource path: "/api/v1/pods", "/apis/apps/v1/namespaces/NS/deployments", ... */
const char *informer_path(const struct informer *inf);
/* resourceVersion the next watch resumes from, "" before the first list. */
const char *informer_resource_version(const struct informer *inf);
/* Milliseconds until the next retry, 0 if none is scheduled. */
long long informer_retry_in_ms(const struct informer *inf, long long now_ms);
/* Age of the data in ms: 0 while watching (in sync), time since the stream was lost
 * while disconnected or re-listing, -1 when no list ever completed. */
long long informer_stale_ms(const struct informer *inf, long long now_ms);
/* Counters for tests and the status line. */
unsigned long informer_lists_started(const struct informer *inf);
unsigned long informer_watches_started(const struct informer *inf);

/* One short phrase for the status line, no resource name:
 *   "listing 1500"                    a list in progress (items so far)
 *   "watching"                        in sync
 *   "reconnecting 3s, stale 40s"      retry pending (stale shown once > 5 s)
 *   "re-listing 200, stale 12s"       re-list after a drop or 410
 *   "error, retry 8s, stale 40s"      the server refused; informer_error() says why
 *   "listed" / "error"                once informers
 * Always NUL-terminates buf. */
void informer_describe_state(const struct informer *inf, long long now_ms, char *buf, size_t len);

/* The status line's view of several sources (NULL entries skipped): "watching" when all
 * are in sync, else the sources that are not, worst first, e.g.
 *   "pods reconnecting 3s, stale 40s; nodes listing 200"
 * ("all reconnecting 3s" when every one of several sources is in that same state),
 * followed by the first error ("  GET /api/v1/pods: connection refused").  *bad is set
 * when any source is in error/reconnecting or its data is stale.  Raw text: sanitise
 * before drawing.  Always NUL-terminates buf. */
void informer_describe_sources(struct informer *const *infs, size_t n, long long now_ms,
			       char *buf, size_t len, bool *bad);

/* true when ns is a valid namespace name (RFC 1123 label: a-z 0-9 '-', 1..63, starting
 * and ending alphanumeric): checked before it goes into a URL. */
bool informer_namespace_valid(const char *ns);

#endif
