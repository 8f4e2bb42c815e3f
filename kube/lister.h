#ifndef KUBE_LISTER_H
#define KUBE_LISTER_H
/* kube/lister: keeps one resource (pods or nodes) of the model in step with the server
 * by paginated lists (limit/continue), re-listed every interval.  Issue 3 replaces the
 * periodic re-list by list-then-watch; the state it reports stays the same.
 *
 * A list is a snapshot: pages are upserted into the model as they arrive (so a large
 * cluster shows up progressively), and when the last page is in, objects the server no
 * longer has are deleted.  On any error (transport, non-2xx, Status, bad JSON) the state
 * becomes LISTER_ERROR with a message naming the API path, the model keeps its last data,
 * and a new list is tried after a capped backoff (1 s doubling to 30 s).  A 410 on a
 * continue token restarts the list from the first page.
 * Contract: notify_fn is called after each page applied and on each state change; it must
 * only mark things dirty (no drawing).  `once` listers (batch mode) list one time and stop.
 */
#include "core/model.h"
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>

enum lister_kind { LISTER_PODS, LISTER_NODES };
enum lister_state { LISTER_LISTING, LISTER_OK, LISTER_ERROR };

struct lister_config {
	const char *server;     /* "http://127.0.0.1:8080" (no trailing slash needed) */
	const char *ns;         /* namespace for pods, NULL for all namespaces */
	struct http_opts opts;
	long interval_ms;       /* re-list period after a success (default 2000) */
	long page_limit;        /* items per page (default 500) */
	bool once;              /* list once (with retries off), then stay idle */
};

struct lister;
typedef void (*lister_notify_fn)(void *ud, struct lister *l);

struct lister *lister_new(struct loop *loop, struct http_client *http, struct model *model,
			  enum lister_kind kind, const struct lister_config *cfg,
			  lister_notify_fn notify, void *ud);
void lister_free(struct lister *l);

/* Starts listing now (first call) or re-lists now (later calls), cancelling a list in
 * flight. */
void lister_refresh(struct lister *l);
/* Pods only: switch namespace (NULL: all); drops the old namespace's pods and re-lists. */
void lister_set_namespace(struct lister *l, const char *ns);

enum lister_state lister_state(const struct lister *l);
/* Last error ("GET /api/v1/pods: connection refused"), "" if none. */
const char *lister_error(const struct lister *l);
/* HTTP status of the last failed list (0 for transport errors). */
long lister_error_status(const struct lister *l);
/* Monotonic ms of the last complete list, 0 if never. */
long long lister_last_ok_ms(const struct lister *l);
/* true once a `once` lister has finished (successfully or not). */
bool lister_finished(const struct lister *l);
/* Resource path without query: "/api/v1/pods", "/api/v1/namespaces/NS/pods", "/api/v1/nodes". */
const char *lister_path(const struct lister *l);
/* true when ns is a valid namespace name (RFC 1123 label: a-z 0-9 '-', 1..63, starting
 * and ending alphanumeric): checked before it goes into a URL. */
bool lister_namespace_valid(const char *ns);
/* Seconds until the next retry after an error, 0 if none is scheduled. */
long lister_retry_in_s(const struct lister *l);

#endif
