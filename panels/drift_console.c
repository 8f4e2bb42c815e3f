/* panels/drift: the console's drift view, live over every context the console was given.
 * Side 0 is the connected context (the app's model, client and namespace); every further
 * --context is a drift_source with its own connection, watching informers and Helm
 * watch.  See drift.h. */
#include "panels/drift.h"
#include "panels/drift_int.h"

#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/screen.h"
#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct drift_console {
	bool shown;
	bool following;
	size_t top;
	/* side 0: the app's own context; only its Helm watch is ours (on app->http), and the
	 * server it follows, to start over when `ctx NAME` switched the connection. */
	struct helm_watch *helm0;
	char *helm0_server;
	/* sides 1..: the other --context */
	struct drift_source other[DRIFT_MAX_SIDES - 1];
	size_t nother;
	/* The workloads table: matched again only when workloads or pods change. */
	struct drift_table_cache table;
	/* The lines as last built, and what they were built from. */
	char **lines;
	size_t nlines;
	unsigned long built_sig;
	time_t built_at;
};

static struct drift_console *drift_console_get(struct app *app)
{
	if (!app->drift)
		app->drift = xcalloc(1, sizeof(*app->drift));
	return app->drift;
}

static const char *drift_console_ctx_name(const struct app *app)
{
	const struct kube_conn *kc = app->auth ? auth_conn(app->auth) : NULL;
	return kc && kc->context ? kc->context : app->server ? app->server : "";
}

/* Informers and Helm watches only mark the screen dirty. */
static void drift_console_on_helm(void *ud)
{
	screen_mark_dirty(ud);
}

static void drift_console_on_informer(void *ud, struct informer *inf)
{
	(void)inf;
	screen_mark_dirty(ud);
}

/* The app's own Helm watch follows app->server (a `ctx` switch changes it). */
static void drift_console_sync_helm0(struct app *app, struct drift_console *dc)
{
	if (!app->server || !app->http)
		return;
	if (dc->helm0 && dc->helm0_server && !strcmp(dc->helm0_server, app->server))
		return;
	helm_watch_free(dc->helm0);
	free(dc->helm0_server);
	dc->helm0_server = xstrdup(app->server);
	dc->helm0 = helm_watch_new(app->loop, app->http, app->server, app->ns, drift_console_on_helm, app);
}

void drift_console_follow(struct app *app)
{
	struct drift_console *dc = drift_console_get(app);
	drift_console_sync_helm0(app, dc);
	if (dc->following)
		return;
	dc->following = true;
	/* The first --context is the connected one; more than the report shows are not
	 * followed (the view says so). */
	for (size_t i = 1; i < app->ncontexts && dc->nother < DRIFT_MAX_SIDES - 1; i++) {
		struct drift_source *s = &dc->other[dc->nother++];
		model_init(&s->model);
		if (drift_source_connect(s, app, app->contexts[i], s->error, sizeof(s->error)) < 0)
			continue;
		drift_source_start(s, app->loop, app->ns, false, DRIFT_NINF, drift_console_on_informer,
				   drift_console_on_helm, app);
	}
}

bool drift_console_shown(const struct app *app)
{
	return app->drift && app->drift->shown && !app->describe && !app->logs;
}

void drift_console_show(struct app *app, bool on)
{
	if (!app->drift && !on)
		return;
	struct drift_console *dc = drift_console_get(app);
	dc->shown = on;
	if (on) {
		dc->top = 0;
		drift_console_follow(app);
	}
}

static void drift_console_free_lines(struct drift_console *dc)
{
	for (size_t i = 0; i < dc->nlines; i++)
		free(dc->lines[i]);
	free(dc->lines);
	dc->lines = NULL;
	dc->nlines = 0;
}

void drift_console_free(struct app *app)
{
	struct drift_console *dc = app->drift;
	if (!dc)
		return;
	helm_watch_free(dc->helm0);
	free(dc->helm0_server);
	for (size_t i = 0; i < dc->nother; i++)
		drift_source_free(&dc->other[i]);
	drift_console_free_lines(dc);
	drift_table_cache_free(&dc->table);
	free(dc);
	app->drift = NULL;
}

/* ---- contexts, for the timeline ---- */

size_t drift_console_ncontexts(const struct app *app)
{
	return 1 + (app->drift ? app->drift->nother : 0);
}

/* Every informer listed once (a forbidden one, 403, never will and is not waited for). */
static bool drift_informers_synced(struct informer *const *inf, size_t n)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!inf[i])
			continue;
		if (informer_state(inf[i]) == INFORMER_ERROR && informer_error_status(inf[i]) == 403)
			continue;
		any = true;
		if (!informer_has_synced(inf[i]))
			return false;
	}
	return any;
}

static bool drift_informer_lost(const struct informer *inf)
{
	enum informer_state st = inf ? informer_state(inf) : INFORMER_LISTING;
	return st == INFORMER_RECONNECTING || st == INFORMER_ERROR;
}

bool drift_console_context(struct app *app, size_t i, struct drift_context *out)
{
	memset(out, 0, sizeof(*out));
	struct drift_console *dc = app->drift;
	if (i == 0) {
		out->name = drift_console_ctx_name(app);
		out->model = &app->model;
		struct informer *const inf[] = { app->informers[KUBE_PODS], app->informers[KUBE_NODES],
						 app->informers[KUBE_DEPLOYMENTS], app->informers[KUBE_STATEFULSETS] };
		out->synced = drift_informers_synced(inf, 4);
		out->lost = drift_informer_lost(app->informers[KUBE_PODS]);
		out->lost_why = out->lost ? informer_error(app->informers[KUBE_PODS]) : "";
		out->error = "";
		if (dc && dc->helm0 && helm_watch_synced(dc->helm0))
			out->helm = helm_watch_releases(dc->helm0);
		return true;
	}
	if (!dc || i > dc->nother)
		return false;
	struct drift_source *s = &dc->other[i - 1];
	out->name = s->label;
	out->error = s->error;
	out->lost_why = "";
	if (s->error[0])
		return true;
	out->model = &s->model;
	out->synced = drift_informers_synced(s->inf, DRIFT_NINF);
	out->lost = drift_informer_lost(s->inf[0]);
	out->lost_why = out->lost ? informer_error(s->inf[0]) : "";
	if (s->helm && helm_watch_synced(s->helm))
		out->helm = helm_watch_releases(s->helm);
	return true;
}

/* ---- the view ---- */

/* What the view is built from: a change of any of it rebuilds the lines. */
static unsigned long drift_console_sig(const struct app *app, const struct drift_console *dc)
{
	unsigned long sig = app->model.version * 31u + (dc->helm0 ? helm_watch_version(dc->helm0) : 0);
	for (size_t i = 0; i < dc->nother; i++) {
		const struct drift_source *s = &dc->other[i];
		sig = sig * 1000003u + s->model.version;
		sig = sig * 1000003u + (s->helm ? helm_watch_version(s->helm) : 0);
		sig = sig * 31u + (s->inf[0] ? (unsigned long)informer_state(s->inf[0]) : 7u);
	}
	return sig;
}

/* One context's Helm section. */
static void drift_console_helm(FILE *out, const char *label, const struct helm_watch *h, time_t now)
{
	char l[200];
	text_sanitize(label, strlen(label), l, sizeof(l));
	const char *herr = h ? helm_watch_error(h) : "";
	if (!h || (!helm_watch_synced(h) && !herr[0])) {
		fprintf(out, "HELM RELEASES (%s)\n(reading...)\n", l);
		return;
	}
	drift_print_releases(helm_watch_releases(h), label, now, true, out);
	if (herr[0]) {
		/* 403 (no right to read secrets) or a lost watch: the last known list stays. */
		char safe[1000];
		text_sanitize(herr, strlen(herr), safe, sizeof(safe));
		fprintf(out, "(%s: %s)\n", helm_watch_synced(h) ? "not current" : "not read", safe);
	}
}

static void drift_console_build(struct app *app, struct drift_console *dc, time_t now)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return;
	const struct model *ms[DRIFT_MAX_SIDES] = { &app->model };
	const char *labels[DRIFT_MAX_SIDES] = { drift_console_ctx_name(app) };
	int n = 1;
	for (size_t i = 0; i < dc->nother; i++) {
		const struct drift_source *s = &dc->other[i];
		if (s->error[0]) {
			char safe[1000];
			text_sanitize(s->error, strlen(s->error), safe, sizeof(safe));
			fprintf(out, "! %s\n", safe);
			continue;
		}
		if (drift_informer_lost(s->inf[0])) {
			char safe[1000], l[200];
			text_sanitize(informer_error(s->inf[0]), strlen(informer_error(s->inf[0])), safe, sizeof(safe));
			text_sanitize(s->label, strlen(s->label), l, sizeof(l));
			fprintf(out, "! context %s: connection lost, its columns are stale: %s\n", l, safe);
		}
		ms[n] = &s->model;
		labels[n++] = s->label;
	}
	if (app->ncontexts > DRIFT_MAX_SIDES)
		fprintf(out, "(the first %d of %zu contexts are compared)\n", DRIFT_MAX_SIDES, app->ncontexts);
	fputs(drift_table_cached(&dc->table, ms, labels, n), out);
	fputc('\n', out);
	drift_console_helm(out, labels[0], dc->helm0, now);
	for (size_t i = 0; i < dc->nother; i++)
		if (!dc->other[i].error[0]) {
			fputc('\n', out);
			drift_console_helm(out, dc->other[i].label, dc->other[i].helm, now);
		}
	fclose(out);
	drift_console_free_lines(dc);
	size_t cap = 0;
	for (char *p = buf; p && *p;) {
		size_t l = strcspn(p, "\n");
		dc->lines = xgrow(dc->lines, &cap, dc->nlines + 1, sizeof(*dc->lines));
		dc->lines[dc->nlines++] = xstrndup(p, l);
		p += l + (p[l] == '\n');
	}
	free(buf);
}

size_t drift_console_lines(struct app *app, char ***lines_out)
{
	struct drift_console *dc = drift_console_get(app);
	drift_console_follow(app);
	time_t now = time(NULL);
	unsigned long sig = drift_console_sig(app, dc);
	/* Rebuilt when a model or a release list changed, and each second for the ages; the
	 * workloads table in it only when workloads or pods changed (drift_table_cached). */
	if (!dc->lines || sig != dc->built_sig || now != dc->built_at) {
		drift_console_build(app, dc, now);
		dc->built_sig = sig;
		dc->built_at = now;
	}
	char **lines = xcalloc(dc->nlines + 1, sizeof(*lines));
	for (size_t i = 0; i < dc->nlines; i++)
		lines[i] = xstrdup(dc->lines[i]);
	*lines_out = lines;
	return dc->nlines;
}

bool drift_console_exec(struct app *app, const struct command_call *call, size_t page)
{
	struct drift_console *dc = app->drift;
	if (!drift_console_shown(app))
		return false;
	switch (call->id) {
	case CMD_QUIT:
	case CMD_CANCEL:
	case CMD_DRIFT:
		dc->shown = false;
		return true;
	case CMD_REFRESH:
		/* The Helm watches list again; the informers re-list as usual. */
		helm_watch_free(dc->helm0);
		dc->helm0 = NULL;
		drift_console_sync_helm0(app, dc);
		return false;
	case CMD_MOVE_UP:
		dc->top = dc->top ? dc->top - 1 : 0;
		return true;
	case CMD_MOVE_DOWN:
		dc->top++;
		return true;
	case CMD_PAGE_UP:
		dc->top = dc->top > page ? dc->top - page : 0;
		return true;
	case CMD_PAGE_DOWN:
		dc->top += page;
		return true;
	case CMD_MOVE_TOP:
		dc->top = 0;
		return true;
	default:
		return false;
	}
}

size_t drift_console_top(const struct app *app, size_t nlines, size_t rows)
{
	struct drift_console *dc = app->drift;
	size_t max = nlines > rows ? nlines - rows : 0;
	if (dc->top > max)
		dc->top = max;
	return dc->top;
}
