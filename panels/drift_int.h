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

#endif
