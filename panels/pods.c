/* panels/pods: the pods pane.  Rows are the model's pods, unhealthy first (broken, then
 * warning), then by namespace/name; columns as `kubectl get pods -o wide` prints them.
 *
 * Restart history: the pane remembers, per pod, the restart count it last saw and when
 * that count went up (or the pod's own last restart time, whichever is newer); a count
 * that climbed within PODS_CLIMB_S is highlighted, so a crash loop catches the eye even
 * while the pod briefly shows Running between crashes. */
#include "panels/pane.h"

#include "core/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { POD_NS, POD_NAME, POD_READY, POD_STATUS, POD_RESTARTS, POD_AGE, POD_IP, POD_NODE };
enum { PODS_CLIMB_S = 300 };

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

struct pods_seen {
	char *key;       /* "ns/name", NULL for an empty slot */
	int restarts;
	time_t climbed;  /* when restarts last went up, 0 if never seen climbing */
};

/* Open-addressing hash of pods_seen, rebuilt on every collect so deleted pods drop out. */
struct pods_history {
	struct pods_seen *slots;
	size_t cap, n;
};

static uint64_t pods_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct pods_seen *pods_history_slot(const struct pods_history *h, const char *key)
{
	if (!h || !h->cap)
		return NULL;
	for (size_t i = pods_hash(key) & (h->cap - 1);; i = (i + 1) & (h->cap - 1))
		if (!h->slots[i].key || strcmp(h->slots[i].key, key) == 0)
			return &h->slots[i];
}

static void pods_history_free(struct pods_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->cap; i++)
		free(h->slots[i].key);
	free(h->slots);
	free(h);
}

static void pods_destroy(struct pane *p)
{
	pods_history_free(p->priv);
	p->priv = NULL;
}

static time_t pods_climbed(const struct pane *p, const struct model_pod *pod)
{
	char key[600];
	snprintf(key, sizeof(key), "%s/%s", pod->ns, pod->name);
	const struct pods_seen *e = pods_history_slot(p->priv, key);
	time_t t = e && e->key ? e->climbed : 0;
	return pod->last_restart > t ? pod->last_restart : t;
}

/* Records this rebuild's restart counts, carrying over what was known. */
static void pods_track(struct pane *p, const struct model *m)
{
	struct pods_history *old = p->priv;
	struct pods_history *h = xcalloc(1, sizeof(*h));
	h->cap = 16;
	while (h->cap < m->npods * 2 + 2)
		h->cap *= 2;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	for (size_t i = 0; i < m->npods; i++) {
		const struct model_pod *pod = m->pods[i];
		char key[600];
		snprintf(key, sizeof(key), "%s/%s", pod->ns, pod->name);
		const struct pods_seen *prev = pods_history_slot(old, key);
		struct pods_seen *e = pods_history_slot(h, key);
		e->key = xstrdup(key);
		e->restarts = pod->restarts;
		e->climbed = prev && prev->key ? prev->climbed : 0;
		if (prev && prev->key && pod->restarts > prev->restarts)
			e->climbed = p->now;
		h->n++;
	}
	pods_history_free(old);
	p->priv = h;
}

static void pods_collect(struct pane *p, const struct model *m)
{
	pods_track(p, m);
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
	time_t climbed = pod->restarts > 0 ? pods_climbed(p, pod) : 0;
	if (climbed > 0 && now - climbed < PODS_CLIMB_S)
		out->hl |= 1u << POD_RESTARTS;
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
	.destroy = pods_destroy,
};
