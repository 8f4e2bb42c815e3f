/* panels/workloads: deployments and statefulsets.  Rows are the model's workloads,
 * degraded first (no replica ready, then fewer ready/updated/available than desired),
 * then by namespace/name/kind; READY is ready/desired like `kubectl get deployments`. */
#include "panels/pane.h"

#include <stdio.h>
#include <string.h>

enum { WL_NS, WL_NAME, WL_KIND, WL_READY, WL_UPTODATE, WL_AVAILABLE, WL_AGE, WL_IMAGES };

static const struct pane_column workloads_columns[] = {
	[WL_NS] = { "NAMESPACE", 10, 5 },
	[WL_NAME] = { "NAME", 20, 10 },
	[WL_KIND] = { "KIND", 6, 4 },
	[WL_READY] = { "READY", 5, 9 },
	[WL_UPTODATE] = { "UP-TO-DATE", 10, 6 },
	[WL_AVAILABLE] = { "AVAILABLE", 9, 7 },
	[WL_AGE] = { "AGE", 5, 3 },
	[WL_IMAGES] = { "IMAGES", 20, 2 },
};

static const void *workloads_get(const struct model *m, size_t i, enum model_severity *sev)
{
	*sev = model_workload_severity(m->workloads[i]);
	return m->workloads[i];
}

static void workloads_collect(struct pane *p, const struct model *m)
{
	pane_push_worst_first(p, m, m->nworkloads, workloads_get);
}

static void workloads_format(const struct pane *p, const struct model *m, const void *row, time_t now,
			     struct pane_row *out)
{
	(void)p;
	(void)m;
	const struct model_workload *w = row;
	snprintf(out->cell[WL_NS], PANE_CELL, "%s", w->ns);
	snprintf(out->cell[WL_NAME], PANE_CELL, "%s", w->name);
	snprintf(out->cell[WL_KIND], PANE_CELL, "%s", model_workload_kind_name(w->kind));
	snprintf(out->cell[WL_READY], PANE_CELL, "%d/%d", w->ready, w->desired);
	snprintf(out->cell[WL_UPTODATE], PANE_CELL, "%d", w->updated);
	snprintf(out->cell[WL_AVAILABLE], PANE_CELL, "%d", w->available);
	model_format_age(w->created, now, out->cell[WL_AGE], PANE_CELL);
	pane_row_expires(out, model_age_changes_at(w->created, now));
	snprintf(out->cell[WL_IMAGES], PANE_CELL, "%s", w->images && w->images[0] ? w->images : "<none>");
	out->sev = model_workload_severity(w);
	if (w->ready < w->desired)
		out->hl |= 1u << WL_READY;
}

static unsigned long workloads_stamp(const void *row)
{
	return ((const struct model_workload *)row)->stamp;
}

static void workloads_key(const void *row, char *out, size_t cap)
{
	const struct model_workload *w = row;
	snprintf(out, cap, "%s/%s/%s", w->ns, w->name, model_workload_kind_name(w->kind));
}

const struct pane_ops pane_workloads_ops = {
	.name = "workloads",
	.title = "Workloads",
	.columns = workloads_columns,
	.ncolumns = sizeof(workloads_columns) / sizeof(workloads_columns[0]),
	.collect = workloads_collect,
	.format = workloads_format,
	.key = workloads_key,
	.deps = PANE_DEP_WORKLOADS,
	.stamp = workloads_stamp,
};
