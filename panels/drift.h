#ifndef PANELS_DRIFT_H
#define PANELS_DRIFT_H
/* panels/drift: deployment drift (kube/drift) printed for `warroom --batch --panel drift`
 * with zero, one or two --context: per deployment/statefulset the spec images and the
 * images its pods run, side by side for two contexts, DIFFERS when the specs differ or
 * one side lacks the workload, ROLLOUT when pods run other images than their spec; then
 * the Helm releases of each context (newest revision, FAILED / PENDING flagged, last
 * deploy time).  Each context gets its own connection (kubeconfig, credentials) and
 * one-shot informers; only Helm's Secrets (labelSelector owner=helm) are listed, and only
 * their labels are read.
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

/* The console's drift view (`drift`, key 8): the connected context's workloads from the
 * live model, and its Helm releases read when the view opens (and on `refresh`).
 * lines: the view's text (raw: sanitised by the printers), caller frees each and the
 * array.  exec: movement scrolls, cancel/quit/drift close; true when it took the command.
 * top: the first line to show for `rows` rows (clamped). */
bool drift_console_shown(const struct app *app);
void drift_console_show(struct app *app, bool on);
void drift_console_free(struct app *app);
size_t drift_console_lines(struct app *app, char ***lines);
bool drift_console_exec(struct app *app, const struct command_call *call, size_t page);
size_t drift_console_top(const struct app *app, size_t nlines, size_t rows);

/* The tables, for tests: labels[s] names side s. */
void drift_print_report(const struct drift_report *r, const char *const *labels, FILE *out);
void drift_print_helm(const struct helm_list *h, const char *label, time_t now, FILE *out);

#endif
