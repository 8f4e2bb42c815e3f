#ifndef PANELS_DESCRIBE_H
#define PANELS_DESCRIBE_H
/* panels/describe: the describe view's data.  Fetches one pod or node and its events
 * over kube/http (two GETs on the event loop, never blocking), then builds the text with
 * kube/describe.  The console shows it as a scrollable view; `warroom run 'describe
 * pod/NAME'` prints it.
 *
 * Contract: notify(ud) is called once, when both answers are in (or failed); it must
 * only mark things dirty.  After that, `error` is NULL and `text` holds the lines, or
 * `error` says why the object could not be shown, naming the API path
 * ("GET /api/v1/namespaces/x/pods/y: 404 Not Found: pods "y" not found").  Events that
 * cannot be fetched are not an error: the text says so.  Lines are raw: sanitise them
 * (describe_view_line) before drawing or printing.  No curses here.
 */
#include "kube/describe.h"
#include "kube/http.h"

#include <stdbool.h>
#include <stddef.h>

typedef void (*describe_view_notify_fn)(void *ud);

struct describe_view_fetch;

struct describe_view {
	struct describe_target target;
	char title[400];           /* "pod ingest/web-1", "node n1" (raw) */
	bool done;
	char *error;               /* NULL, or why nothing can be shown */
	long status;               /* HTTP status of a failed object GET (0: transport) */
	struct describe text;
	size_t top;                /* first line shown (the console scrolls) */
	struct describe_view_fetch *fetch[2];
	struct http_client *http;
	describe_view_notify_fn notify;
	void *ud;
};

/* Starts fetching.  server has no trailing slash; opts are copied where needed. */
struct describe_view *describe_view_open(struct http_client *http, const char *server,
					 const struct http_opts *opts, const struct describe_target *t,
					 describe_view_notify_fn notify, void *ud);
/* Cancels what is in flight (no notify) and frees. */
void describe_view_free(struct describe_view *v);

/* Line i sanitised for the terminal into out (empty when i is past the end). */
void describe_view_line(const struct describe_view *v, size_t i, char *out, size_t cap);
/* Severity of line i (SEV_OK past the end); curses' term.h defines `lines`, so the
 * screen asks here rather than reading v->text. */
enum model_severity describe_view_sev(const struct describe_view *v, size_t i);
/* Scrolls by delta lines, clamped so that a page of `height` lines stays filled. */
void describe_view_scroll(struct describe_view *v, long delta, size_t height);

#endif
