/* panels/events: cluster events.  Warning events first, then newest first (by last
 * seen); the server already folds repeats into `count`, shown as "x3".  OBJECT is the
 * involved object as kind/name, the way `kubectl get events` prints it. */
#include "panels/pane.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EV_NS, EV_LAST, EV_TYPE, EV_REASON, EV_OBJECT, EV_COUNT, EV_MESSAGE };

static const struct pane_column events_columns[] = {
	[EV_NS] = { "NAMESPACE", 10, 3 },
	[EV_LAST] = { "LAST SEEN", 9, 8 },
	[EV_TYPE] = { "TYPE", 7, 7 },
	[EV_REASON] = { "REASON", 12, 9 },
	[EV_OBJECT] = { "OBJECT", 20, 6 },
	[EV_COUNT] = { "COUNT", 5, 4 },
	[EV_MESSAGE] = { "MESSAGE", 20, 10 },
};

static int events_cmp(const void *a, const void *b)
{
	const struct model_event *x = *(const struct model_event *const *)a;
	const struct model_event *y = *(const struct model_event *const *)b;
	bool wx = strcmp(x->type, "Warning") == 0, wy = strcmp(y->type, "Warning") == 0;
	if (wx != wy)
		return wx ? -1 : 1;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	int c = strcmp(x->ns, y->ns);
	return c ? c : strcmp(x->name, y->name);
}

static void events_collect(struct pane *p, const struct model *m)
{
	if (!m->nevents)
		return;
	const struct model_event **tmp = xcalloc(m->nevents, sizeof(*tmp));
	memcpy(tmp, m->events, m->nevents * sizeof(*tmp));
	qsort(tmp, m->nevents, sizeof(*tmp), events_cmp);
	for (size_t i = 0; i < m->nevents; i++)
		pane_push(p, tmp[i]);
	free(tmp);
}

static void events_format(const struct pane *p, const struct model *m, const void *row, time_t now,
			  struct pane_row *out)
{
	(void)p;
	(void)m;
	const struct model_event *e = row;
	snprintf(out->cell[EV_NS], PANE_CELL, "%s", e->ns);
	model_format_age(e->last, now, out->cell[EV_LAST], PANE_CELL);
	pane_row_expires(out, model_age_changes_at(e->last, now));
	snprintf(out->cell[EV_TYPE], PANE_CELL, "%s", e->type);
	snprintf(out->cell[EV_REASON], PANE_CELL, "%s", e->reason ? e->reason : "");
	/* kubectl prints the kind in lower case: pod/web-1, deployment/web. */
	char kind[64];
	size_t k = 0;
	for (const char *s = e->obj_kind ? e->obj_kind : ""; *s && k + 1 < sizeof(kind); s++)
		kind[k++] = (char)tolower((unsigned char)*s);
	kind[k] = '\0';
	snprintf(out->cell[EV_OBJECT], PANE_CELL, "%s/%s", kind, e->obj_name ? e->obj_name : "");
	snprintf(out->cell[EV_COUNT], PANE_CELL, "x%d", e->count > 0 ? e->count : 1);
	/* Messages are one line in the pane: newlines become spaces before sanitising. */
	char *msg = out->cell[EV_MESSAGE];
	snprintf(msg, PANE_CELL, "%s", e->message ? e->message : "");
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	out->sev = strcmp(e->type, "Warning") == 0 ? SEV_WARN : SEV_OK;
	if (e->count > 1 && out->sev == SEV_WARN)
		out->hl |= 1u << EV_COUNT;
}

static unsigned long events_stamp(const void *row)
{
	return ((const struct model_event *)row)->stamp;
}

static void events_key(const void *row, char *out, size_t cap)
{
	const struct model_event *e = row;
	snprintf(out, cap, "%s/%s", e->ns, e->name);
}

const struct pane_ops pane_events_ops = {
	.name = "events",
	.title = "Events",
	.columns = events_columns,
	.ncolumns = sizeof(events_columns) / sizeof(events_columns[0]),
	.collect = events_collect,
	.format = events_format,
	.key = events_key,
	.deps = PANE_DEP_EVENTS,
	.stamp = events_stamp,
};
