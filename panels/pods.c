/* panels/pods: the pods pane.  Rows are the model's pods, unhealthy first (broken, then
 * warning), then by namespace/name; columns as `kubectl get pods -o wide` prints them.
 *
 * Restart history: the pane remembers, per pod, the restart count it last saw and when
 * that count went up (or the pod's own last restart time, whichever is newer); a count
 * that climbed within PODS_CLIMB_S is highlighted, so a crash loop catches the eye even
 * while the pod briefly shows Running between crashes.  The history follows changes only:
 * pods_observe runs for each pod version the pane has not seen (the row cache's misses). */
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
	unsigned long stamp; /* the pod version last observed */
};

/* Open-addressing hash of pods_seen by "ns/name", updated only for pods whose stamp the
 * pane has not seen (pods_observe) and pruned of deleted pods when it has grown to twice
 * the model's pods. */
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

static struct pods_history *pods_history_new(size_t n)
{
	struct pods_history *h = xcalloc(1, sizeof(*h));
	h->cap = 16;
	while (h->cap < n * 2 + 2)
		h->cap *= 2;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	return h;
}

/* Moves entry e (its key included) into h. */
static void pods_history_put(struct pods_history *h, const struct pods_seen *e)
{
	*pods_history_slot(h, e->key) = *e;
	h->n++;
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

static void pods_key(const void *row, char *out, size_t cap)
{
	const struct model_pod *pod = row;
	snprintf(out, cap, "%s/%s", pod->ns, pod->name);
}

static time_t pods_climbed(const struct pane *p, const struct model_pod *pod)
{
	char key[600];
	pods_key(pod, key, sizeof(key));
	const struct pods_seen *e = pods_history_slot(p->priv, key);
	time_t t = e && e->key ? e->climbed : 0;
	return pod->last_restart > t ? pod->last_restart : t;
}

/* A new version of a pod (or a pod new to the pane): did its restart count climb? */
static void pods_observe(struct pane *p, const void *row)
{
	const struct model_pod *pod = row;
	struct pods_history *h = p->priv;
	if (!h)
		p->priv = h = pods_history_new(64);
	if ((h->n + 1) * 2 > h->cap) {
		struct pods_history *bigger = pods_history_new(h->n * 2);
		for (size_t i = 0; i < h->cap; i++)
			if (h->slots[i].key)
				pods_history_put(bigger, &h->slots[i]);
		free(h->slots);
		free(h);
		p->priv = h = bigger;
	}
	char key[600];
	pods_key(pod, key, sizeof(key));
	struct pods_seen *e = pods_history_slot(h, key);
	if (!e->key) {
		*e = (struct pods_seen){ .key = xstrdup(key), .restarts = pod->restarts, .stamp = pod->stamp };
		h->n++;
		return;
	}
	if (e->stamp == pod->stamp)
		return;
	if (pod->restarts > e->restarts)
		e->climbed = p->now;
	e->restarts = pod->restarts;
	e->stamp = pod->stamp;
}

/* Forgets deleted pods once they make up half the history (amortised: one pass per as
 * many deletions as there are pods). */
static void pods_history_prune(struct pane *p, const struct model *m)
{
	struct pods_history *old = p->priv;
	if (!old || old->n <= 2 * m->npods + 64)
		return;
	struct pods_history *h = pods_history_new(m->npods);
	for (size_t i = 0; i < m->npods; i++) {
		char key[600];
		pods_key(m->pods[i], key, sizeof(key));
		const struct pods_seen *e = pods_history_slot(old, key);
		if (e && e->key)
			pods_history_put(h, e); /* h takes the key */
	}
	/* Free the keys h did not take (old stays intact until here: no holes in its chains). */
	for (size_t i = 0; i < old->cap; i++) {
		char *key = old->slots[i].key;
		if (key && pods_history_slot(h, key)->key != key)
			free(key);
	}
	free(old->slots);
	free(old);
	p->priv = h;
}

static const void *pods_get(const struct model *m, size_t i, enum model_severity *sev)
{
	*sev = model_pod_severity(m->pods[i]);
	return m->pods[i];
}

static void pods_collect(struct pane *p, const struct model *m)
{
	pods_history_prune(p, m);
	/* Model order is namespace/name: the worst first, then that order. */
	pane_push_worst_first(p, m, m->npods, pods_get);
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
		pane_row_expires(out, model_age_changes_at(pod->last_restart, now));
	} else {
		snprintf(out->cell[POD_RESTARTS], PANE_CELL, "%d", pod->restarts);
	}
	model_format_age(pod->created, now, out->cell[POD_AGE], PANE_CELL);
	pane_row_expires(out, model_age_changes_at(pod->created, now));
	snprintf(out->cell[POD_IP], PANE_CELL, "%s", pod->ip[0] ? pod->ip : "<none>");
	snprintf(out->cell[POD_NODE], PANE_CELL, "%s", pod->node[0] ? pod->node : "<none>");
	out->sev = model_pod_severity(pod);
	time_t climbed = pod->restarts > 0 ? pods_climbed(p, pod) : 0;
	if (climbed > 0 && now - climbed < PODS_CLIMB_S) {
		out->hl |= 1u << POD_RESTARTS;
		pane_row_expires(out, climbed + PODS_CLIMB_S); /* calm again then */
	}
}

static unsigned long pods_stamp(const void *row)
{
	return ((const struct model_pod *)row)->stamp;
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
	.deps = PANE_DEP_PODS,
	.stamp = pods_stamp,
	.observe = pods_observe,
};
