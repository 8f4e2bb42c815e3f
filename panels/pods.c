/* panels/pods: the pods pane.  Rows are the model's pods, unhealthy first (broken, then
 * warning), then by namespace/name; columns as `kubectl get pods -o wide` prints them. */
#include "panels/pane.h"

#include <stdio.h>
#include <string.h>

enum { POD_NS, POD_NAME, POD_READY, POD_STATUS, POD_RESTARTS, POD_AGE, POD_IP, POD_NODE };

static const struct pane_column pods_columns[] = {
	[POD_NS] = { "NAMESPACE", 10, 5 },
	[POD_NAME] = { "NAME", 30, 9 },
	[POD_READY] = { "READY", 5, 8 },
	[POD_STATUS] = { "STATUS", 10, 10 },
	[POD_RESTARTS] = { "RESTARTS", 8, 6 },
	[POD_AGE] = { "AGE", 5, 7 },
	[POD_IP] = { "IP", 11, 1 },
	[POD_NODE] = { "NODE", 10, 3 },
};

static void pods_collect(struct pane *p, const struct model *m)
{
	/* Model order is namespace/name; three stable passes put the worst first. */
	static const enum model_severity order[] = { SEV_BAD, SEV_WARN, SEV_OK };
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (size_t i = 0; i < m->npods; i++)
			if (model_pod_severity(m->pods[i]) == order[k])
				pane_push(p, m->pods[i]);
}

static void pods_format(const struct pane *p, const struct model *m, const void *row, time_t now,
			struct pane_row *out)
{
	(void)p;
	(void)m;
	const struct model_pod *pod = row;
	snprintf(out->cell[POD_NS], PANE_CELL, "%s", pod->ns);
	snprintf(out->cell[POD_NAME], PANE_CELL, "%s", pod->name);
	snprintf(out->cell[POD_READY], PANE_CELL, "%d/%d", pod->ready, pod->total);
	snprintf(out->cell[POD_STATUS], PANE_CELL, "%s", pod->status);
	if (pod->restarts > 0 && pod->last_restart > 0) {
		char ago[32];
		model_format_age(pod->last_restart, now, ago, sizeof(ago));
		snprintf(out->cell[POD_RESTARTS], PANE_CELL, "%d (%s ago)", pod->restarts, ago);
	} else {
		snprintf(out->cell[POD_RESTARTS], PANE_CELL, "%d", pod->restarts);
	}
	model_format_age(pod->created, now, out->cell[POD_AGE], PANE_CELL);
	snprintf(out->cell[POD_IP], PANE_CELL, "%s", pod->ip[0] ? pod->ip : "<none>");
	snprintf(out->cell[POD_NODE], PANE_CELL, "%s", pod->node[0] ? pod->node : "<none>");
	out->sev = model_pod_severity(pod);
}

static void pods_key(const void *row, char *out, size_t cap)
{
	const struct model_pod *pod = row;
	snprintf(out, cap, "%s/%s", pod->ns, pod->name);
}

const struct pane_ops pane_pods_ops = {
	.name = "pods",
	.title = "Pods",
	.columns = pods_columns,
	.ncolumns = sizeof(pods_columns) / sizeof(pods_columns[0]),
	.collect = pods_collect,
	.format = pods_format,
	.key = pods_key,
};
