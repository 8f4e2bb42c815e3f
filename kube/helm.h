#ifndef KUBE_HELM_H
#define KUBE_HELM_H
/* kube/helm: Helm releases of one cluster, live.  Helm 3 keeps each release revision in
 * a Secret labelled owner=helm (kube/drift reads the labels); this module lists those
 * Secrets (labelSelector owner=helm, one namespace or all) and then watches them from the
 * list's resourceVersion, the way kube/informer follows the model's kinds:
 *   list -> watch (timeoutSeconds 300..600, bookmarks) -> the watch ends: watch again
 *   from the last resourceVersion; ERROR 410 (Expired/Gone): list again at once;
 *   a transport error, a non-2xx answer or a malformed event: list again after a capped
 *   backoff (500 ms doubling to 30 s), keeping the releases last known meanwhile.
 * Why not an informer: the informers decode into core/model, which has no place for a
 * Secret; here only the labels of each revision are kept (the release payload is never
 * decoded or stored), and the release is its newest revision (kube/drift).
 *
 * Contract: everything runs on the loop through kube/http; notify is called after each
 * change of the releases or of the state and may only mark things dirty (it must not free
 * the watch).  Strings from the server are raw: sanitise to draw.
 */
#include "kube/drift.h"
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>

struct helm_watch;
typedef void (*helm_watch_fn)(void *ud);

/* server: "http://127.0.0.1:8080" (trailing slashes ignored); ns: NULL for all. */
struct helm_watch *helm_watch_new(struct loop *loop, struct http_client *http, const char *server,
				  const char *ns, helm_watch_fn notify, void *ud);
/* Cancels its requests and timer. */
void helm_watch_free(struct helm_watch *w);

/* The releases (newest revision of each), valid until the next notify. */
const struct helm_list *helm_watch_releases(const struct helm_watch *w);
/* true once a list has completed (the releases are a full snapshot, maybe stale). */
bool helm_watch_synced(const struct helm_watch *w);
/* true while the watch stream is open (in sync). */
bool helm_watch_live(const struct helm_watch *w);
/* The last failure ("helm releases: GET URL: connection refused", "403 Forbidden: ..."),
 * "" once a list or watch succeeded again. */
const char *helm_watch_error(const struct helm_watch *w);
/* Bumped on every change of the releases. */
unsigned long helm_watch_version(const struct helm_watch *w);

#endif
