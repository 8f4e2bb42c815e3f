/* core/model_objects: workloads, events and namespaces tables of the model (see model.h).
 * Same shape as the pod and node tables: sorted arrays of pointers on the one index of
 * model_int.h, snapshot generations for re-lists. */
#include "core/model_int.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

static char *model_dup(const char *s)
{
	return xstrdup(s ? s : "");
}

/* ---- workloads ---- */

static void model_workload_release(struct model_workload *w)
{
	free(w->ns);
	free(w->name);
	free(w->images);
	free(w->selector);
	free(w);
}

static int model_workload_key_cmp(const struct model *m, size_t i, const struct model_key *k)
{
	const struct model_workload *w = m->workloads[i];
	return model_key_compare(k, w->ns, w->name, (int)w->kind);
}

static size_t model_workload_index(const struct model *m, enum model_workload_kind kind,
				   const char *ns, const char *name, bool *found)
{
	const struct model_key k = { ns, name, (int)kind };
	return model_index_search(m, m->nworkloads, &k, model_workload_key_cmp, found);
}

static void model_workloads_changed(struct model *m)
{
	m->version++;
	m->workloads_version++;
}

void model_workload_upsert(struct model *m, const struct model_workload *w)
{
	if ((unsigned)w->kind >= MODEL_NWORKLOAD_KINDS)
		return;
	const char *ns = w->ns ? w->ns : "", *name = w->name ? w->name : "";
	bool found;
	size_t i = model_workload_index(m, w->kind, ns, name, &found);
	struct model_workload *nw = xmalloc(sizeof(*nw));
	*nw = *w;
	nw->ns = model_dup(ns);
	nw->name = model_dup(name);
	nw->images = model_dup(w->images);
	nw->selector = model_dup(w->selector);
	nw->snap = m->workload_snap[w->kind];
	nw->stamp = ++m->stamp;
	if (found) {
		model_workload_release(m->workloads[i]);
		m->workloads[i] = nw;
	} else {
		m->workloads = model_index_open(m->workloads, &m->capworkloads, &m->nworkloads, i,
						sizeof(*m->workloads));
		m->workloads[i] = nw;
	}
	model_workloads_changed(m);
}

bool model_workload_delete(struct model *m, enum model_workload_kind kind, const char *ns,
			   const char *name)
{
	bool found;
	size_t i = model_workload_index(m, kind, ns, name, &found);
	if (!found)
		return false;
	model_workload_release(m->workloads[i]);
	model_index_close(m->workloads, &m->nworkloads, i, sizeof(*m->workloads));
	model_workloads_changed(m);
	return true;
}

struct model_workload *model_workload_find(const struct model *m, enum model_workload_kind kind,
					   const char *ns, const char *name)
{
	bool found;
	size_t i = model_workload_index(m, kind, ns, name, &found);
	return found ? m->workloads[i] : NULL;
}

void model_workloads_begin_snapshot(struct model *m, enum model_workload_kind kind)
{
	if ((unsigned)kind < MODEL_NWORKLOAD_KINDS)
		m->workload_snap[kind]++;
}

void model_workloads_end_snapshot(struct model *m, enum model_workload_kind kind, const char *ns)
{
	if ((unsigned)kind >= MODEL_NWORKLOAD_KINDS)
		return;
	size_t out = 0;
	bool changed = false;
	for (size_t i = 0; i < m->nworkloads; i++) {
		struct model_workload *w = m->workloads[i];
		bool drop = w->kind == kind && (!ns || strcmp(w->ns, ns) == 0) &&
			    w->snap != m->workload_snap[kind];
		if (drop) {
			model_workload_release(w);
			changed = true;
		} else {
			m->workloads[out++] = w;
		}
	}
	m->nworkloads = out;
	if (changed)
		model_workloads_changed(m);
}

const char *model_workload_kind_name(enum model_workload_kind kind)
{
	return kind == MODEL_STATEFULSET ? "StatefulSet" : "Deployment";
}

enum model_severity model_workload_severity(const struct model_workload *w)
{
	if (w->desired > 0 && w->ready == 0)
		return SEV_BAD;
	if (w->ready < w->desired || w->updated < w->desired || w->available < w->desired ||
	    w->observed_generation < w->generation)
		return SEV_WARN;
	return SEV_OK;
}

/* ---- events ---- */

static void model_event_release(struct model_event *e)
{
	free(e->ns);
	free(e->name);
	free(e->obj_kind);
	free(e->obj_name);
	free(e->obj_ns);
	free(e->reason);
	free(e->message);
	free(e->source);
	free(e);
}

static int model_event_key_cmp(const struct model *m, size_t i, const struct model_key *k)
{
	return model_key_compare(k, m->events[i]->ns, m->events[i]->name, 0);
}

static size_t model_event_index(const struct model *m, const char *ns, const char *name, bool *found)
{
	const struct model_key k = { ns, name, 0 };
	return model_index_search(m, m->nevents, &k, model_event_key_cmp, found);
}

static void model_events_changed(struct model *m)
{
	m->version++;
	m->events_version++;
}

void model_event_upsert(struct model *m, const struct model_event *e)
{
	const char *ns = e->ns ? e->ns : "", *name = e->name ? e->name : "";
	bool found;
	size_t i = model_event_index(m, ns, name, &found);
	struct model_event *ne = xmalloc(sizeof(*ne));
	*ne = *e;
	ne->ns = model_dup(ns);
	ne->name = model_dup(name);
	ne->obj_kind = model_dup(e->obj_kind);
	ne->obj_name = model_dup(e->obj_name);
	ne->obj_ns = model_dup(e->obj_ns);
	ne->reason = model_dup(e->reason);
	ne->message = model_dup(e->message);
	ne->source = model_dup(e->source);
	ne->type[sizeof(ne->type) - 1] = '\0';
	ne->snap = m->event_snap;
	ne->stamp = ++m->stamp;
	if (found) {
		model_event_release(m->events[i]);
		m->events[i] = ne;
	} else {
		m->events = model_index_open(m->events, &m->capevents, &m->nevents, i, sizeof(*m->events));
		m->events[i] = ne;
	}
	model_events_changed(m);
}

bool model_event_delete(struct model *m, const char *ns, const char *name)
{
	bool found;
	size_t i = model_event_index(m, ns, name, &found);
	if (!found)
		return false;
	model_event_release(m->events[i]);
	model_index_close(m->events, &m->nevents, i, sizeof(*m->events));
	model_events_changed(m);
	return true;
}

struct model_event *model_event_find(const struct model *m, const char *ns, const char *name)
{
	bool found;
	size_t i = model_event_index(m, ns, name, &found);
	return found ? m->events[i] : NULL;
}

void model_events_begin_snapshot(struct model *m)
{
	m->event_snap++;
}

void model_events_end_snapshot(struct model *m, const char *ns)
{
	size_t out = 0;
	bool changed = false;
	for (size_t i = 0; i < m->nevents; i++) {
		struct model_event *e = m->events[i];
		if ((!ns || strcmp(e->ns, ns) == 0) && e->snap != m->event_snap) {
			model_event_release(e);
			changed = true;
		} else {
			m->events[out++] = e;
		}
	}
	m->nevents = out;
	if (changed)
		model_events_changed(m);
}

/* ---- namespaces ---- */

static void model_namespace_release(struct model_namespace *n)
{
	free(n->name);
	free(n);
}

static int model_namespace_key_cmp(const struct model *m, size_t i, const struct model_key *k)
{
	return model_key_compare(k, NULL, m->namespaces[i]->name, 0);
}

static size_t model_namespace_index(const struct model *m, const char *name, bool *found)
{
	const struct model_key k = { NULL, name, 0 };
	return model_index_search(m, m->nnamespaces, &k, model_namespace_key_cmp, found);
}

static void model_namespaces_changed(struct model *m)
{
	m->version++;
	m->namespaces_version++;
}

void model_namespace_upsert(struct model *m, const struct model_namespace *n)
{
	const char *name = n->name ? n->name : "";
	bool found;
	size_t i = model_namespace_index(m, name, &found);
	struct model_namespace *nn = xmalloc(sizeof(*nn));
	*nn = *n;
	nn->name = model_dup(name);
	nn->phase[sizeof(nn->phase) - 1] = '\0';
	nn->snap = m->namespace_snap;
	nn->stamp = ++m->stamp;
	if (found) {
		model_namespace_release(m->namespaces[i]);
		m->namespaces[i] = nn;
	} else {
		m->namespaces = model_index_open(m->namespaces, &m->capnamespaces, &m->nnamespaces, i,
						 sizeof(*m->namespaces));
		m->namespaces[i] = nn;
	}
	model_namespaces_changed(m);
}

bool model_namespace_delete(struct model *m, const char *name)
{
	bool found;
	size_t i = model_namespace_index(m, name, &found);
	if (!found)
		return false;
	model_namespace_release(m->namespaces[i]);
	model_index_close(m->namespaces, &m->nnamespaces, i, sizeof(*m->namespaces));
	model_namespaces_changed(m);
	return true;
}

struct model_namespace *model_namespace_find(const struct model *m, const char *name)
{
	bool found;
	size_t i = model_namespace_index(m, name, &found);
	return found ? m->namespaces[i] : NULL;
}

void model_namespaces_begin_snapshot(struct model *m)
{
	m->namespace_snap++;
}

void model_namespaces_end_snapshot(struct model *m)
{
	size_t out = 0;
	bool changed = false;
	for (size_t i = 0; i < m->nnamespaces; i++) {
		if (m->namespaces[i]->snap != m->namespace_snap) {
			model_namespace_release(m->namespaces[i]);
			changed = true;
		} else {
			m->namespaces[out++] = m->namespaces[i];
		}
	}
	m->nnamespaces = out;
	if (changed)
		model_namespaces_changed(m);
}

void model_objects_free(struct model *m)
{
	for (size_t i = 0; i < m->nworkloads; i++)
		model_workload_release(m->workloads[i]);
	for (size_t i = 0; i < m->nevents; i++)
		model_event_release(m->events[i]);
	for (size_t i = 0; i < m->nnamespaces; i++)
		model_namespace_release(m->namespaces[i]);
	free(m->workloads);
	free(m->events);
	free(m->namespaces);
}
