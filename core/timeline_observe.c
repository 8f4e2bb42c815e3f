/* core/timeline: observing the model (transitions, folding) and the Markdown export.
 * See timeline.h. */
#include "core/timeline.h"
#include "core/timeline_int.h"

#include "core/xalloc.h"
#include "tui/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One object's change seen in this pass. */
struct timeline_change {
	char *obj;       /* state key: "pod/ns/name", "node/n", "node/n#cordon", "deployment/ns/n" */
	char *group;     /* fold group: the pod's workload, else obj */
	char *from, *to; /* states, "" = normal */
	char *detail;    /* "ready 1/3" for workloads */
};

struct timeline_changes {
	struct timeline_change *v;
	size_t n, cap;
};

static void timeline_change_add(struct timeline_changes *c, const char *obj, const char *group,
				const char *from, const char *to, const char *detail)
{
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	struct timeline_change *x = &c->v[c->n++];
	x->obj = xstrdup(obj);
	x->group = xstrdup(group);
	x->from = xstrdup(from);
	x->to = xstrdup(to);
	x->detail = xstrdup(detail ? detail : "");
}

static void timeline_changes_free(struct timeline_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].obj);
		free(c->v[i].group);
		free(c->v[i].from);
		free(c->v[i].to);
		free(c->v[i].detail);
	}
	free(c->v);
}

/* The tracked state of a pod's STATUS column, "" when not tracked. */
static const char *timeline_pod_state(const struct model_pod *p)
{
	if (strstr(p->status, "CrashLoopBackOff"))
		return "CrashLoopBackOff";
	if (strstr(p->status, "ImagePullBackOff") || strstr(p->status, "ErrImagePull"))
		return "ImagePullBackOff";
	if (!strcmp(p->status, "Unknown") || !strcmp(p->status, "NodeLost"))
		return "Unknown";
	if (!strcmp(p->status, "Pending"))
		return "Pending";
	return "";
}

/* True when every "k=v" of selector is among labels (both "k=v,k2=v2"). */
static bool timeline_selector_matches(const char *selector, const char *labels)
{
	if (!selector[0] || strchr(selector, '(') || strchr(selector, '!'))
		return false;  /* expressions are not worth parsing for a fold group */
	char *sel = xstrdup(selector);
	bool ok = true;
	char *save = NULL;
	for (char *t = strtok_r(sel, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(t);
		ok = false;
		for (const char *l = labels; *l;) {
			size_t ln = strcspn(l, ",");
			if (ln == n && !strncmp(l, t, n))
				ok = true;
			l += ln;
			if (*l == ',')
				l++;
		}
	}
	free(sel);
	return ok;
}

void timeline_pod_group(const struct model *m, const struct model_pod *p, char *out, size_t cap)
{
	for (size_t i = 0; i < m->nworkloads; i++) {
		const struct model_workload *w = m->workloads[i];
		if (!strcmp(w->ns, p->ns) && p->labels && w->selector &&
		    timeline_selector_matches(w->selector, p->labels)) {
			snprintf(out, cap, "%s/%s/%s", w->kind == MODEL_DEPLOYMENT ? "deployment" : "statefulset",
				 w->ns, w->name);
			return;
		}
	}
	/* web-5d8f7c9b6-x2x4z -> web; db-0 -> db: drop the generated suffixes. */
	char name[256];
	snprintf(name, sizeof(name), "%s", p->name);
	char *dash = strrchr(name, '-');
	if (dash) {
		*dash = '\0';
		char *d2 = strrchr(name, '-');
		if (d2 && strlen(d2 + 1) >= 8 && strlen(d2 + 1) <= 10)
			*d2 = '\0';
	}
	snprintf(out, cap, "pods/%s/%s", p->ns, name);
}

/* Collects transitions of pods, nodes and workloads of ctx; `seen` gets every key present
 * in the model in an abnormal state so that vanished ones can be found. */
static void timeline_collect(struct timeline *tl, const struct model *m, const char *ctx,
			     struct timeline_changes *c)
{
	char group[600], key[600];
	for (size_t i = 0; i < m->nnodes; i++) {
		const struct model_node *n = m->nodes[i];
		snprintf(key, sizeof(key), "node/%s", n->name);
		const char *prev = timeline_state_get(tl, ctx, key);
		const char *now = n->ready ? "" : "NotReady";
		if (strcmp(prev, now))
			timeline_change_add(c, key, key, prev, now, NULL);
		char ck[620];
		snprintf(ck, sizeof(ck), "%s#cordon", key);
		prev = timeline_state_get(tl, ctx, ck);
		now = strstr(n->status, "SchedulingDisabled") ? "cordoned" : "";
		if (strcmp(prev, now))
			timeline_change_add(c, ck, ck, prev, now, NULL);
	}
	for (size_t i = 0; i < m->npods; i++) {
		const struct model_pod *p = m->pods[i];
		snprintf(key, sizeof(key), "pod/%s/%s", p->ns, p->name);
		const char *prev = timeline_state_get(tl, ctx, key), *now = timeline_pod_state(p);
		/* A crash-looping pod passes through Running and Error between back-offs: it has
		 * left its state only once it is healthy again (or gone, or in another one). */
		if (!now[0] && prev[0] && !p->healthy)
			now = prev;
		if (strcmp(prev, now)) {
			timeline_pod_group(m, p, group, sizeof(group));
			timeline_change_add(c, key, group, prev, now, NULL);
		}
	}
	for (size_t i = 0; i < m->nworkloads; i++) {
		const struct model_workload *w = m->workloads[i];
		snprintf(key, sizeof(key), "%s/%s/%s", w->kind == MODEL_DEPLOYMENT ? "deployment" : "statefulset",
			 w->ns, w->name);
		const char *prev = timeline_state_get(tl, ctx, key);
		const char *now = w->desired > 0 && w->ready < w->desired ? "degraded" : "";
		if (strcmp(prev, now)) {
			char detail[64];
			snprintf(detail, sizeof(detail), "ready %d/%d", w->ready, w->desired);
			timeline_change_add(c, key, key, prev, now, detail);
		}
	}
	/* Objects with a recorded state that the model no longer has: they left it. */
	size_t plen = strlen(ctx);
	for (size_t i = 0; i < timeline_state_count(tl); i++) {
		const char *k, *v;
		timeline_state_at(tl, i, &k, &v);
		if (strncmp(k, ctx, plen) || k[plen] != '|')
			continue;
		const char *obj = k + plen + 1;
		bool present = false;
		for (size_t j = 0; j < c->n && !present; j++)
			present = !strcmp(c->v[j].obj, obj);
		char ns[256] = "", name[256] = "";
		if (!present && !strncmp(obj, "pod/", 4) && sscanf(obj + 4, "%255[^/]/%255s", ns, name) == 2)
			present = model_pod_find(m, ns, name) != NULL;
		else if (!present && !strncmp(obj, "node/", 5)) {
			snprintf(name, sizeof(name), "%s", obj + 5);
			name[strcspn(name, "#")] = '\0';
			present = model_node_find(m, name) != NULL;
		} else if (!present && (!strncmp(obj, "deployment/", 11) || !strncmp(obj, "statefulset/", 12))) {
			const char *rest = strchr(obj, '/') + 1;
			enum model_workload_kind kind = obj[0] == 'd' ? MODEL_DEPLOYMENT : MODEL_STATEFULSET;
			present = sscanf(rest, "%255[^/]/%255s", ns, name) == 2 &&
				  model_workload_find(m, kind, ns, name) != NULL;
		} else if (!present) {
			present = true;  /* services, hosts, connections: not the model's to judge */
		}
		if (present)
			continue;
		char g[600];
		snprintf(g, sizeof(g), "%s", obj);
		if (!strncmp(obj, "pod/", 4)) {
			/* The workload is not known any more than the pod: fold by name. */
			struct model_pod fake = { .ns = ns, .name = name, .labels = (char *)"" };
			timeline_pod_group(m, &fake, g, sizeof(g));
			/* ...but a workload of that name still makes the same group as on entry. */
			const char *base = g + strlen("pods/") + strlen(ns) + 1;
			for (int wk = 0; wk < MODEL_NWORKLOAD_KINDS; wk++)
				if (model_workload_find(m, (enum model_workload_kind)wk, ns, base)) {
					char tmp[600];
					snprintf(tmp, sizeof(tmp), "%s/%s/%s", wk == MODEL_DEPLOYMENT ? "deployment"
						 : "statefulset", ns, base);
					snprintf(g, sizeof(g), "%s", tmp);
					break;
				}
		}
		timeline_change_add(c, obj, g, v, "", "gone");
	}
}

static const char *timeline_kind_word(const char *group)
{
	if (!strncmp(group, "deployment/", 11))
		return "deployment";
	if (!strncmp(group, "statefulset/", 12))
		return "statefulset";
	return "";
}

/* The event and sentence of a group's change; count members. */
static void timeline_describe(const struct timeline_change *x, int count, char *event, size_t ecap,
			      char *text, size_t tcap)
{
	const char *g = x->group;
	if (!strncmp(x->obj, "pod/", 4)) {
		const char *what = x->to[0] ? x->to : x->from;
		snprintf(event, ecap, "pods %s %s", x->to[0] ? "entered" : "left", what);
		const char *kw = timeline_kind_word(g);
		const char *gname = strchr(g, '/') ? strchr(g, '/') + 1 : g;
		const char *base = strrchr(g, '/') ? strrchr(g, '/') + 1 : g;
		if (count == 1 && kw[0])
			snprintf(text, tcap, "Pod %s (%s %s) %s %s", x->obj + 4, kw, base,
				 x->to[0] ? "entered" : "left", what);
		else if (count == 1)
			snprintf(text, tcap, "Pod %s %s %s", x->obj + 4, x->to[0] ? "entered" : "left", what);
		else
			snprintf(text, tcap, "%d pods of %s%s%s %s %s", count, kw[0] ? kw : "", kw[0] ? " " : "",
				 gname, x->to[0] ? "entered" : "left", what);
		return;
	}
	if (!strncmp(x->obj, "node/", 5)) {
		char name[256];
		snprintf(name, sizeof(name), "%s", x->obj + 5);
		bool cordon = strchr(name, '#') != NULL;
		name[strcspn(name, "#")] = '\0';
		if (cordon)
			snprintf(event, ecap, "%s", x->to[0] ? "cordoned" : "uncordoned");
		else
			snprintf(event, ecap, "%s", x->to[0] ? "NotReady" : "Ready");
		snprintf(text, tcap, "Node %s %s%s", name,
			 cordon ? event : x->to[0] ? "is NotReady" : "is Ready again",
			 !strcmp(x->detail, "gone") ? " (removed)" : "");
		return;
	}
	const char *kw = timeline_kind_word(g);
	const char *rest = strchr(x->obj, '/') ? strchr(x->obj, '/') + 1 : x->obj;
	snprintf(event, ecap, "%s", x->to[0] ? "below desired" : "recovered");
	if (!strcmp(x->detail, "gone"))
		snprintf(text, tcap, "%c%s %s removed", kw[0] ? kw[0] - 32 : 'O', kw[0] ? kw + 1 : "bject", rest);
	else
		snprintf(text, tcap, "%c%s %s %s: %s", kw[0] ? kw[0] - 32 : 'O', kw[0] ? kw + 1 : "bject", rest,
			 x->to[0] ? "dropped below desired" : "recovered", x->detail);
}

/* The newest entry that a change of group/event at `now` folds into, or NULL. */
static const struct timeline_entry *timeline_fold_target(const struct timeline *tl, const char *ctx,
							 const char *group, const char *event,
							 long long now)
{
	for (size_t i = tl->nentries; i-- > 0;) {
		const struct timeline_entry *e = tl->entries[i];
		if (e->time < now - TIMELINE_FOLD_SECONDS)
			break;
		if (!strcmp(e->kind, "observed") && !strcmp(e->ctx, ctx) && !strcmp(e->object, group) &&
		    !strcmp(e->event, event) && !strcmp(e->origin, tl->origin))
			return e;
	}
	return NULL;
}

static bool timeline_has_member(const struct timeline_entry *e, const char *obj)
{
	for (size_t i = 0; i < e->nobjects; i++)
		if (!strcmp(e->objects[i], obj))
			return true;
	return false;
}

int timeline_observe_model(struct timeline *tl, const struct model *m, const char *ctx,
			   long long now, char *err, size_t cap)
{
	struct timeline_changes c = { 0 };
	timeline_collect(tl, m, ctx, &c);
	int written = 0, rc = 0;
	bool *done = xcalloc(c.n + 1, sizeof(bool));
	for (size_t i = 0; i < c.n && rc == 0; i++) {
		if (done[i])
			continue;
		const struct timeline_change *x = &c.v[i];
		char event[200], text[800];
		timeline_describe(x, 1, event, sizeof(event), text, sizeof(text));
		const struct timeline_entry *old = timeline_fold_target(tl, ctx, x->group, event, now);
		struct timeline_entry *e;
		if (old && !strncmp(x->obj, "pod/", 4)) {
			e = timeline_entry_copy(old);
		} else {
			e = timeline_entry_new(tl, now, "observed", ctx, x->group, event, text, x->to);
			e->count = 0;
			e->objects = xcalloc(c.n + 1, sizeof(char *));
		}
		/* Members: this change and every later one of the same group and event. */
		for (size_t j = i; j < c.n; j++) {
			char ev2[200], t2[800];
			if (done[j] || strcmp(c.v[j].group, x->group))
				continue;
			timeline_describe(&c.v[j], 1, ev2, sizeof(ev2), t2, sizeof(t2));
			if (strcmp(ev2, event) || strcmp(c.v[j].to, x->to))
				continue;
			done[j] = true;
			if (timeline_has_member(e, c.v[j].obj))
				continue;
			e->objects = xrealloc(e->objects, (e->nobjects + 1) * sizeof(char *));
			e->objects[e->nobjects++] = xstrdup(c.v[j].obj);
		}
		e->count = (int)e->nobjects;
		timeline_describe(x, e->count, event, sizeof(event), text, sizeof(text));
		free(e->text);
		e->text = xstrdup(text);
		if (timeline_commit(tl, e, err, cap) < 0)
			rc = -1;
		written++;
	}
	free(done);
	timeline_changes_free(&c);
	return rc < 0 ? -1 : written;
}

int timeline_observe_state(struct timeline *tl, const char *ctx, const char *object,
			   const char *state, const char *text, long long now, char *err, size_t cap)
{
	if (!state)
		state = "";
	if (!strcmp(timeline_state_get(tl, ctx, object), state))
		return 0;
	char buf[600];
	if (!text) {
		if (state[0])
			snprintf(buf, sizeof(buf), "%s is %s", object, state);
		else
			snprintf(buf, sizeof(buf), "%s is back to normal (was %s)", object,
				 timeline_state_get(tl, ctx, object));
		text = buf;
	}
	struct timeline_entry *e = timeline_entry_new(tl, now, "observed", ctx, object,
						      state[0] ? state : "normal", text, state);
	e->objects = xcalloc(1, sizeof(char *));
	e->objects[e->nobjects++] = xstrdup(object);
	return timeline_commit(tl, e, err, cap) < 0 ? -1 : 1;
}

/* ---- export ---- */

/* True when e repeats an earlier kept entry observed by another machine. */
static bool timeline_is_duplicate(const struct timeline *tl, size_t upto, const struct timeline_entry *e)
{
	for (size_t i = upto; i-- > 0;) {
		const struct timeline_entry *k = tl->entries[i];
		if (k->time < e->time - TIMELINE_FOLD_SECONDS)
			break;
		if (strcmp(k->origin, e->origin) && !strcmp(k->ctx, e->ctx) && !strcmp(k->object, e->object) &&
		    !strcmp(k->event, e->event) && !strcmp(k->kind, e->kind))
			return true;
	}
	return false;
}

/* Markdown- and terminal-safe: a line of text never starts a heading or breaks the list,
 * and text from the cluster or a host (an Event message, a pm2 name) goes through the same
 * sanitiser as the screen, so `cat` of an export cannot run escapes (C1 controls in UTF-8,
 * BiDi overrides included). */
static void timeline_md_text(FILE *out, const char *s)
{
	size_t len = strlen(s);
	char *flat = xstrdup(s);
	for (size_t i = 0; i < len; i++)
		if (flat[i] == '\n' || flat[i] == '\r' || flat[i] == '\t')
			flat[i] = ' ';
	size_t cap = len * 4 + 1;
	char *safe = xmalloc(cap);
	text_sanitize(flat, len, safe, cap);
	fputs(safe, out);
	free(safe);
	free(flat);
}

void timeline_export_markdown(const struct timeline *tl, FILE *out)
{
	long long first = tl->nentries ? tl->entries[0]->time : tl->since;
	time_t t0 = (time_t)first;
	struct tm tm;
	localtime_r(&t0, &tm);
	char date[32], zone[64], off[16];
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	strftime(zone, sizeof(zone), "%Z", &tm);
	strftime(off, sizeof(off), "%z", &tm);
	fprintf(out, "# %s - %s\n\n", date, tl->name);
	fprintf(out, "## Summary ##\n\n_To be written: what happened, who was affected, how it was fixed._\n\n");
	fprintf(out, "## Timeline ##\n\nAll times in %s (UTC%.3s:%s)\n", zone, off, off + 3);
	char lastday[32] = "", lastmin[32] = "";
	for (size_t i = 0; i < tl->nentries; i++) {
		const struct timeline_entry *e = tl->entries[i];
		if (timeline_is_duplicate(tl, i, e))
			continue;
		time_t t = (time_t)e->time;
		localtime_r(&t, &tm);
		char day[32], hm[16], head[64];
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		strftime(hm, sizeof(hm), "%H:%M", &tm);
		if (strcmp(day, lastday)) {
			strftime(head, sizeof(head), "%B %-d %Y %H:%M", &tm);
			fprintf(out, "\n### %s ###\n\n", head);
		} else if (strcmp(hm, lastmin)) {
			fprintf(out, "\n### %s ###\n\n", hm);
		}
		snprintf(lastday, sizeof(lastday), "%s", day);
		snprintf(lastmin, sizeof(lastmin), "%s", hm);
		fputs("- ", out);
		if (e->ctx[0]) {
			fputc('[', out);
			timeline_md_text(out, e->ctx);
			fputs("] ", out);
		}
		if (!strcmp(e->kind, "action"))
			fputs("Action: ", out);
		timeline_md_text(out, e->text);
		fputc('\n', out);
	}
	fprintf(out, "\n## Actions taken ##\n\n");
	size_t nact = 0;
	for (size_t i = 0; i < tl->nentries; i++) {
		const struct timeline_entry *e = tl->entries[i];
		if (strcmp(e->kind, "action"))
			continue;
		time_t t = (time_t)e->time;
		localtime_r(&t, &tm);
		char hm[16];
		strftime(hm, sizeof(hm), "%H:%M", &tm);
		fprintf(out, "- %s ", hm);
		if (e->ctx[0]) {
			fputc('[', out);
			timeline_md_text(out, e->ctx);
			fputs("] ", out);
		}
		timeline_md_text(out, e->text);
		fputc('\n', out);
		nact++;
	}
	if (!nact)
		fprintf(out, "_None recorded._\n");
	fprintf(out, "\n## Action items ##\n\n_To be written: what to change so this does not happen again._\n");
}
