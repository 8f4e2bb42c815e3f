#ifndef PANELS_DRIFT_H
#define PANELS_DRIFT_H
/* panels/drift: deployment drift (kube/drift) printed for `warroom --batch --panel drift`
 * with zero, one or several (up to DRIFT_MAX_SIDES) --context: per deployment/statefulset
 * the spec images and the images its pods run, side by side for several contexts,
 * DIFFERS when the specs differ or a side lacks the workload, ROLLOUT when pods run other
 * images than their spec; then the Helm releases of each context (newest revision,
 * FAILED / PENDING flagged, last deploy time).  Each context gets its own connection
 * (kubeconfig, credentials) and one-shot informers; only Helm's Secrets (labelSelector
 * owner=helm) are listed, and only their labels are read.
 * Contract: the exit status is 0, or 2 with one line on stderr naming the context and
 * what failed; every string from a server is sanitised before printing.
 */
#include "core/commands.h"
#include "kube/drift.h"

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct app;

int drift_run_panel(struct app *app, const char *const *contexts, size_t n);

/* The console's drift view (`drift`, key 8), live: the connected context's workloads from
 * the app's model and, when the console was given several --context, the others side by
 * side (each with its own connection and watching informers), every difference marked
 * ('!' leads the line, '*' marks the side departing from the first, DIFFERS/ROLLOUT in
 * the last column) for the screen to colour; then each context's Helm releases, watched
 * (kube/helm), failed / pending ones marked '!'.  With one context: that context alone.
 * drift_console_follow starts following every context (idempotent; the timeline's
 * recorder calls it at start-up so Helm changes are recorded while the view is closed).
 * lines: the view's text (sanitised), caller frees each and the array.  exec: movement
 * scrolls, cancel/quit/drift close; true when it took the command.  top: the first line
 * to show for `rows` rows (clamped). */
bool drift_console_shown(const struct app *app);
void drift_console_show(struct app *app, bool on);
void drift_console_follow(struct app *app);
void drift_console_free(struct app *app);
size_t drift_console_lines(struct app *app, char ***lines);
bool drift_console_exec(struct app *app, const struct command_call *call, size_t page);
size_t drift_console_top(const struct app *app, size_t nlines, size_t rows);

/* Context i of the console (0: the connected one, then every further --context), for the
 * timeline's recorder.  false when there is no such context.  For i > 0, model is NULL
 * when the context could not be loaded (error says why), synced is true once pods,
 * nodes, deployments and statefulsets have each been listed, lost while its pods'
 * connection is down.  helm is NULL until its releases were listed.  Pointers are valid
 * until the loop runs again. */
struct drift_context {
	const char *name;
	const struct model *model;
	bool synced, lost;
	const char *lost_why;   /* while lost: its pods informer's error, else "" */
	const char *error;
	const struct helm_list *helm;
};
size_t drift_console_ncontexts(const struct app *app);
bool drift_console_context(struct app *app, size_t i, struct drift_context *out);

/* The tables, for tests: labels[s] names side s. */
void drift_print_report(const struct drift_report *r, const char *const *labels, FILE *out);
void drift_print_helm(const struct helm_list *h, const char *label, time_t now, FILE *out);

#endif
