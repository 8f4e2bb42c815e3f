/* kube/drift: see drift.h. */
#include "kube/drift.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool drift_selector_matches(const char *selector, const char *labels)
{
	if (!selector || !selector[0] || strchr(selector, '(') || strchr(selector, '!'))
		return false;
	const char *s = selector;
	while (*s) {
		size_t n = strcspn(s, ",");
		bool found = false;
		for (const char *l = labels ? labels : ""; *l && !found;) {
			size_t ln = strcspn(l, ",");
			found = ln == n && !strncmp(l, s, n);
			l += ln;
			if (*l == ',')
				l++;
		}
		if (!found)
			return false;
		s += n;
		if (*s == ',')
			s++;
	}
	return true;
}

/* Distinct image sets of the workload's pods, most pods first. */
static void drift_side_fill(struct drift_side *d, const struct model *m, const struct model_workload *w)
{
	d->present = true;
	snprintf(d->spec, sizeof(d->spec), "%s", w->images ? w->images : "");
	const char *sets[64];
	int counts[64];
	size_t nsets = 0;
	for (size_t i = 0; i < m->npods; i++) {
		const struct model_pod *p = m->pods[i];
		if (strcmp(p->ns, w->ns) || !drift_selector_matches(w->selector, p->labels))
			continue;
		const char *im = p->images ? p->images : "";
		d->pods++;
		if (strcmp(im, d->spec))
			d->stale_pods++;
		size_t k = 0;
		while (k < nsets && strcmp(sets[k], im))
			k++;
		if (k == nsets && nsets < 64) {
			sets[nsets] = im;
			counts[nsets++] = 0;
		}
		if (k < nsets)
			counts[k]++;
	}
	/* Most pods first; few sets, so a simple selection sort. */
	for (size_t i = 0; i < nsets; i++)
		for (size_t j = i + 1; j < nsets; j++)
			if (counts[j] > counts[i]) {
				const char *ts = sets[i];
				int tc = counts[i];
				sets[i] = sets[j];
				counts[i] = counts[j];
				sets[j] = ts;
				counts[j] = tc;
			}
	d->running[0] = '\0';
	size_t len = 0;
	for (size_t i = 0; i < nsets && len < sizeof(d->running) - 1; i++)
		len += (size_t)snprintf(d->running + len, sizeof(d->running) - len, "%s%s x%d", i ? "; " : "",
					sets[i][0] ? sets[i] : "?", counts[i]);
	if (!nsets)
		snprintf(d->running, sizeof(d->running), "-");
}

static int drift_row_cmp(const struct drift_row *r, enum model_workload_kind kind, const char *ns,
			 const char *name)
{
	int c = strcmp(r->ns, ns);
	if (!c)
		c = strcmp(r->name, name);
	if (!c)
		c = (int)r->kind - (int)kind;
	return c;
}

static struct drift_row *drift_row_get(struct drift_report *r, const struct model_workload *w)
{
	size_t i = 0;
	while (i < r->nrows && drift_row_cmp(&r->rows[i], w->kind, w->ns, w->name) < 0)
		i++;
	if (i < r->nrows && drift_row_cmp(&r->rows[i], w->kind, w->ns, w->name) == 0)
		return &r->rows[i];
	r->rows = xgrow(r->rows, &r->cap, r->nrows + 1, sizeof(*r->rows));
	memmove(&r->rows[i + 1], &r->rows[i], (r->nrows - i) * sizeof(*r->rows));
	struct drift_row *row = &r->rows[i];
	memset(row, 0, sizeof(*row));
	row->kind = w->kind;
	snprintf(row->ns, sizeof(row->ns), "%s", w->ns);
	snprintf(row->name, sizeof(row->name), "%s", w->name);
	r->nrows++;
	return row;
}

void drift_report_build_n(struct drift_report *r, const struct model *const *ms, int n)
{
	memset(r, 0, sizeof(*r));
	r->nsides = n < 1 ? 1 : n > DRIFT_MAX_SIDES ? DRIFT_MAX_SIDES : n;
	for (int s = 0; s < r->nsides; s++)
		for (size_t i = 0; ms[s] && i < ms[s]->nworkloads; i++) {
			const struct model_workload *w = ms[s]->workloads[i];
			drift_side_fill(&drift_row_get(r, w)->side[s], ms[s], w);
		}
	for (size_t i = 0; i < r->nrows; i++) {
		struct drift_row *row = &r->rows[i];
		for (int s = 0; s < r->nsides; s++)
			if (row->side[s].present && row->side[s].stale_pods > 0)
				row->rollout = true;
		/* Side 0 is the reference (the console's own context): each other side says
		 * whether it departs from it, and the row differs when any side does. */
		const struct drift_side *ref = &row->side[0];
		for (int s = 1; s < r->nsides; s++) {
			const struct drift_side *d = &row->side[s];
			row->side_differs[s] = ref->present != d->present ||
					       (ref->present && strcmp(ref->spec, d->spec) != 0);
			if (row->side_differs[s])
				row->differs = row->side_differs[0] = true;
		}
	}
}

void drift_report_build(struct drift_report *r, const struct model *a, const struct model *b)
{
	const struct model *ms[2] = { a, b };
	drift_report_build_n(r, ms, b ? 2 : 1);
}

void drift_report_free(struct drift_report *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

/* ---- Helm ---- */

static const char *drift_label(const json_t *labels, const char *k)
{
	const json_t *v = json_object_get(labels, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* RFC 3339 "2026-11-21T10:00:00Z" -> epoch, 0 when malformed. */
static time_t drift_parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	char z = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			 &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z' || tm.tm_year < 1970 || tm.tm_mon < 1 ||
	    tm.tm_mon > 12)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

bool drift_helm_parse(const json_t *secret, struct helm_release *out)
{
	const json_t *meta = json_object_get(secret, "metadata");
	const json_t *labels = json_object_get(meta, "labels");
	const char *owner = drift_label(labels, "owner"), *name = drift_label(labels, "name");
	const char *status = drift_label(labels, "status"), *version = drift_label(labels, "version");
	const json_t *ns = json_object_get(meta, "namespace");
	if (!owner || strcmp(owner, "helm") || !name || !name[0] || !status || !version)
		return false;  /* not a Helm release record: not ours to judge */
	char *end;
	long v = strtol(version, &end, 10);
	if (*end || v < 1 || v > 1000000)
		return false;
	memset(out, 0, sizeof(*out));
	snprintf(out->ns, sizeof(out->ns), "%s", json_is_string(ns) ? json_string_value(ns) : "");
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(out->status, sizeof(out->status), "%s", status);
	out->version = (int)v;
	const char *mod = drift_label(labels, "modifiedAt");
	long long mv = mod ? strtoll(mod, &end, 10) : 0;
	if (mod && !*end && mv > 0) {
		out->deployed = (time_t)mv;
	} else {
		const json_t *ct = json_object_get(meta, "creationTimestamp");
		out->deployed = drift_parse_time(json_is_string(ct) ? json_string_value(ct) : NULL);
	}
	out->flagged = !strcmp(status, "failed") || !strncmp(status, "pending-", 8);
	return true;
}

void drift_helm_add(struct helm_list *l, const struct helm_release *r)
{
	size_t k = 0;
	while (k < l->n && (strcmp(l->v[k].ns, r->ns) || strcmp(l->v[k].name, r->name)))
		k++;
	if (k < l->n && l->v[k].version >= r->version)
		return;
	if (k == l->n) {
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
		l->n++;
	}
	l->v[k] = *r;
}

int drift_helm_from_list(struct helm_list *out, const json_t *list, char *err, size_t cap)
{
	memset(out, 0, sizeof(*out));
	const json_t *kind = json_object_get(list, "kind");
	if (!json_is_object(list) || !json_is_string(kind) || strcmp(json_string_value(kind), "SecretList")) {
		snprintf(err, cap, "helm: expected a SecretList, got %s",
			 json_is_string(kind) ? json_string_value(kind) : "no kind");
		return -1;
	}
	const json_t *items = json_object_get(list, "items");
	if (!json_is_array(items) && !json_is_null(items) && items) {
		snprintf(err, cap, "helm: SecretList \"items\" is not an array");
		return -1;
	}
	size_t i;
	const json_t *it;
	json_array_foreach(items, i, it) {
		struct helm_release h;
		if (drift_helm_parse(it, &h))
			drift_helm_add(out, &h);
	}
	return 0;
}

void drift_helm_free(struct helm_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
