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
#include "kube/drift.h"

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct app;

int drift_run_panel(struct app *app, const char *const *contexts, size_t n);

/* The tables, for tests: labels[s] names side s. */
void drift_print_report(const struct drift_report *r, const char *const *labels, FILE *out);
void drift_print_helm(const struct helm_list *h, const char *label, time_t now, FILE *out);

#endif
