#ifndef PANELS_DRIFT_INT_H
#define PANELS_DRIFT_INT_H
/* panels/drift internals shared by drift.c (batch, the tables) and drift_console.c (the
 * console's live view).  Not for other modules. */
#include "kube/auth.h"
#include "kube/drift.h"
#include "kube/helm.h"
#include "kube/http.h"
#include "kube/informer.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

struct app;

/* What drift follows of a context: pods, deployments, statefulsets (the report) and, for
 * the console's other contexts, nodes (the timeline records them). */
enum { DRIFT_NINF_BATCH = 3, DRIFT_NINF = 4 };

/* One context: its own connection (or the app's), model, informers and Helm watch. */
struct drift_source {
	char label[128];
	char *server;
	struct kube_auth *auth;       /* owned, NULL when borrowing the app's */
	struct http_client *http;     /* owned when auth is */
	struct model model;           /* unused when borrowing the app's model */
	struct informer *inf[DRIFT_NINF];
	struct helm_watch *helm;
	char error[800];              /* the context could not be loaded */
};

/* Loads kubeconfig context `name` into s (its own auth and client).  0, or -1 with err. */
int drift_source_connect(struct drift_source *s, struct app *app, const char *name, char *err, size_t cap);
/* Starts ninf informers (once: list only) into s->model and the Helm watch; both notify. */
void drift_source_start(struct drift_source *s, struct loop *loop, const char *ns, bool once, int ninf,
			informer_notify_fn on_inf, helm_watch_fn on_helm, void *ud);
/* Stops and frees what s owns (not s itself). */
void drift_source_free(struct drift_source *s);

/* The tables; marks: the console's marker characters ('!' a difference or a flagged
 * release, '~' a rollout, '*' the side that departs from the first), so that what is
 * highlighted in colour still stands out without it. */
void drift_print_table(const struct drift_report *r, const char *const *labels, bool marks, FILE *out);
void drift_print_releases(const struct helm_list *h, const char *label, time_t now, bool marks, FILE *out);

/* The console's table (drift_report_build_n, then drift_print_table with marks) as last
 * printed, kept while no side's workloads or pods change (their per-kind versions in
 * core/model.h) and the sides and labels stay the same: matching every workload's
 * selector against every pod is the view's costly step, and the console asks for its
 * lines up to once a second (the Helm ages).  Zero-initialise; builds counts the
 * reports built (tests read it). */
struct drift_table_cache {
	char *text;
	int n;
	const struct model *ms[DRIFT_MAX_SIDES];
	unsigned long pods_version[DRIFT_MAX_SIDES], workloads_version[DRIFT_MAX_SIDES];
	char *labels[DRIFT_MAX_SIDES];
	unsigned long builds;
};
/* The table of ms[0..n) (1..DRIFT_MAX_SIDES) with labels, from c when still current;
 * valid until the next call or drift_table_cache_free. */
const char *drift_table_cached(struct drift_table_cache *c, const struct model *const *ms,
			       const char *const *labels, int n);
/* Frees the text and labels (builds is kept). */
void drift_table_cache_free(struct drift_table_cache *c);

#endif
