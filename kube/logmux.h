#ifndef KUBE_LOGMUX_H
#define KUBE_LOGMUX_H
/* kube/logmux: the log streams of one target, merged into a core/logbuf ring.
 *
 * Targets (logtarget_parse):
 *   pod/NAME, pod/NS/NAME, NAME           one pod: all its containers (or -c CONTAINER)
 *   deployment/NAME, deploy/NAME, statefulset/NAME, sts/NAME (also KIND/NS/NAME)
 *                                         every pod the workload's selector matches
 *   label/SELECTOR, -l SELECTOR           every pod of the namespace matching SELECTOR
 *                                         ("app=web,tier!=db,env in (a,b),!canary")
 * Pods come from the model (kube/informer keeps it current): logmux_sync(), called when
 * the model's pods changed, starts a kube/logstream per new pod/container, marks pods
 * that went away ("--- pod gone ---", their source flagged gone), and adds a marker line
 * "--- container restarted (exit 1: message) ---" when a pod's restart count climbs.
 *
 * At most 64 containers are followed at once; more matching ones are named in
 * logmux_error() and left out.
 *
 * Merge: lines of different streams are ordered by their Kubernetes timestamps.  Each
 * stream's lines wait in a small queue; the oldest head across the queues is released
 * into the ring when every live stream has a line waiting (so nothing older can still
 * come) or when it has waited `window_ms` (default 200 ms).  At start, nothing is
 * released until every stream has answered (at most 2 s), so the initial tails of all
 * pods come out in order.  Lines are whole: never interleaved mid-line.
 *
 * Contract: runs on the loop; notify_fn (may be NULL) is called after lines were added
 * or a stream changed state, and must only mark things dirty.  Without follow, every
 * stream ends after its answer and logmux_finished() turns true once the pods known at
 * the last sync have all ended and their lines are in the ring.
 */
#include "core/logbuf.h"
#include "core/model.h"
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>

enum logtarget_kind { LOGTARGET_POD, LOGTARGET_DEPLOYMENT, LOGTARGET_STATEFULSET, LOGTARGET_SELECTOR };

struct logtarget {
	enum logtarget_kind kind;
	char ns[64];
	char name[254];          /* pod or workload name */
	char selector[512];      /* LOGTARGET_SELECTOR */
	char container[64];      /* "" : every container */
	bool ns_given;           /* the spec named the namespace (else default_ns was used) */
};

/* Parses a target (see above); default_ns is used when the spec names none ("default"
 * when NULL).  0, or -1 with err naming what is wrong. */
int logtarget_parse(const char *spec, const char *default_ns, struct logtarget *t, char *err,
		    size_t errcap);
/* "deployment/ingest/ingest-core", "pod/ingest/web-1". */
void logtarget_format(const struct logtarget *t, char *out, size_t cap);
/* True when labels ("k=v,k2=v2") satisfy selector (=, ==, !=, in, notin, exists, !). */
bool logtarget_selector_match(const char *selector, const char *labels);
/* True when pod p belongs to the target (the model provides workload selectors). */
bool logtarget_matches(const struct logtarget *t, const struct model *m, const struct model_pod *p);

struct logmux_config {
	const char *server;
	struct http_opts opts;    /* copied; strings must outlive the mux */
	bool follow;
	bool previous;
	long tail_lines;          /* -1: all */
	long since_seconds;       /* 0: none */
	long window_ms;           /* reorder window, default 200 */
	long backoff_min_ms;      /* stream reconnect backoff (defaults of kube/logstream) */
	long backoff_max_ms;
	size_t max_line;
};

struct logmux;
typedef void (*logmux_notify_fn)(void *ud);

struct logmux *logmux_new(struct loop *loop, struct http_client *http, const struct model *model,
			  struct logbuf *lb, const struct logmux_config *cfg,
			  const struct logtarget *target, logmux_notify_fn notify, void *ud);
/* Stops every stream (lines still queued are dropped). */
void logmux_free(struct logmux *mux);

/* Follows the model: starts, marks and stops streams.  Call after the pods changed. */
void logmux_sync(struct logmux *mux);
/* Releases queued lines into the ring: those the merge rule allows, or all when `all`. */
void logmux_flush(struct logmux *mux, bool all);

/* Feeds a line as if stream (ns, pod, container) had received it (tests, markers). */
void logmux_inject(struct logmux *mux, const char *ns, const char *pod, const char *container,
		   int64_t ts_ns, unsigned flags, const char *text, size_t len);

bool logmux_finished(const struct logmux *mux);
size_t logmux_pods(const struct logmux *mux);
size_t logmux_streams(const struct logmux *mux);
/* Lines waiting in the merge queues. */
size_t logmux_pending(const struct logmux *mux);
/* Last stream error or refusal ("" if none); raw text. */
const char *logmux_error(const struct logmux *mux);
const struct logtarget *logmux_target(const struct logmux *mux);
/* One phrase for the status line: "3 pods, 4 streams", "... 1 reconnecting: why". */
void logmux_describe(const struct logmux *mux, char *out, size_t cap);
/* Number of times streams reconnected (tests). */
unsigned long logmux_reconnects(const struct logmux *mux);

#endif
