/* panels/nodes: the nodes pane.  Rows are the model's nodes, not-ready first, then by
 * name; PODS counts the pods the model has bound to each node; PRESSURE names the
 * Memory/Disk/PID pressure conditions that are True ("-" for none).  PODS reads the pods:
 * the pane depends on them, and the model gives a node a new stamp when its count moves. */
#include "panels/pane.h"

#include <stdio.h>
#include <string.h>

enum { NODE_NAME, NODE_STATUS, NODE_ROLES, NODE_AGE, NODE_VERSION, NODE_PODS, NODE_PRESSURE };

static const struct pane_column nodes_columns[] = {
	[NODE_NAME] = { "NAME", 20, 10 },
	[NODE_STATUS] = { "STATUS", 8, 9 },
	[NODE_ROLES] = { "ROLES", 8, 4 },
	[NODE_AGE] = { "AGE", 5, 6 },
	[NODE_VERSION] = { "VERSION", 8, 3 },
	[NODE_PODS] = { "PODS", 4, 5 },
	/* Kept before VERSION and ROLES at 80 columns: pressure explains a sick node. */
	[NODE_PRESSURE] = { "PRESSURE", 8, 7 },
};

static const void *nodes_get(const struct model *m, size_t i, enum model_severity *sev)
{
	*sev = model_node_severity(m->nodes[i]);
	return m->nodes[i];
}

static void nodes_collect(struct pane *p, const struct model *m)
{
	pane_push_worst_first(p, m, m->nnodes, nodes_get);
}

static void nodes_format(const struct pane *p, const struct model *m, const void *row, time_t now,
			 struct pane_row *out)
{
	(void)p;
	const struct model_node *n = row;
	snprintf(out->cell[NODE_NAME], PANE_CELL, "%s", n->name);
	snprintf(out->cell[NODE_STATUS], PANE_CELL, "%s", n->status);
	snprintf(out->cell[NODE_ROLES], PANE_CELL, "%s", n->roles);
	model_format_age(n->created, now, out->cell[NODE_AGE], PANE_CELL);
	pane_row_expires(out, model_age_changes_at(n->created, now));
	snprintf(out->cell[NODE_VERSION], PANE_CELL, "%s", n->version[0] ? n->version : "<unknown>");
	snprintf(out->cell[NODE_PODS], PANE_CELL, "%zu", model_node_pod_count(m, n->name));
	model_format_pressure(n->pressure, out->cell[NODE_PRESSURE], PANE_CELL);
	out->sev = model_node_severity(n);
}

static unsigned long nodes_stamp(const void *row)
{
	return ((const struct model_node *)row)->stamp;
}

static void nodes_key(const void *row, char *out, size_t cap)
{
	snprintf(out, cap, "%s", ((const struct model_node *)row)->name);
}

const struct pane_ops pane_nodes_ops = {
	.name = "nodes",
	.title = "Nodes",
	.columns = nodes_columns,
	.ncolumns = sizeof(nodes_columns) / sizeof(nodes_columns[0]),
	.collect = nodes_collect,
	.format = nodes_format,
	.key = nodes_key,
	.deps = PANE_DEP_NODES | PANE_DEP_PODS,
	.stamp = nodes_stamp,
};
