/* panels/timeline: see timeline.h. */
#include "panels/timeline.h"

#include "core/xalloc.h"
#include "kube/informer.h"
#include "tui/app.h"
#include "tui/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the pane ---- */

struct timeline_pane_priv {
	struct timeline *tl;
	unsigned long built_tl_version;
};

static const struct pane_column timeline_columns[] = {
	{ "TIME", 5, 9 }, { "CONTEXT", 4, 5 }, { "KIND", 4, 3 },
	{ "OBJECT", 8, 6 }, { "COUNT", 3, 2 }, { "WHAT", 20, 8 },
};

static void timeline_pane_collect(struct pane *p, const struct model *m)
{
	(void)m;
	struct timeline_pane_priv *pv = p->priv;
	if (!pv || !pv->tl)
		return;
	/* Newest last: the order of the timeline itself. */
	for (size_t i = 0; i < pv->tl->nentries; i++)
		pane_push(p, pv->tl->entries[i]);
}

static void timeline_pane_format(const struct pane *p, const struct model *m, const void *row, time_t now,
				 struct pane_row *out)
{
	(void)p;
	(void)m;
	(void)now;
	const struct timeline_entry *e = row;
	time_t t = (time_t)e->time;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out->cell[0], PANE_CELL, "%m-%d %H:%M:%S", &tm);
	snprintf(out->cell[1], PANE_CELL, "%s", e->ctx[0] ? e->ctx : "-");
	snprintf(out->cell[2], PANE_CELL, "%s", e->kind);
	snprintf(out->cell[3], PANE_CELL, "%s", e->object[0] ? e->object : "-");
	snprintf(out->cell[4], PANE_CELL, "%d", e->count);
	snprintf(out->cell[5], PANE_CELL, "%s", e->text);
	/* Entering a bad state is what the eye should find; recoveries and notes are plain. */
	out->sev = !strcmp(e->kind, "action") ? SEV_WARN : e->state[0] ? SEV_BAD : SEV_OK;
}

static void timeline_pane_key(const void *row, char *out, size_t cap)
{
	const struct timeline_entry *e = row;
	snprintf(out, cap, "%s", e->id);
}

static void timeline_pane_destroy(struct pane *p)
{
	free(p->priv);
	p->priv = NULL;
}

const struct pane_ops pane_timeline_ops = {
	.name = "timeline",
	.title = "Timeline",
	.columns = timeline_columns,
	.ncolumns = sizeof(timeline_columns) / sizeof(timeline_columns[0]),
	.collect = timeline_pane_collect,
	.format = timeline_pane_format,
	.key = timeline_pane_key,
	.destroy = timeline_pane_destroy,
};

void timeline_pane_attach(struct pane *p, struct timeline *tl)
{
	if (!p->priv)
		p->priv = xcalloc(1, sizeof(struct timeline_pane_priv));
	struct timeline_pane_priv *pv = p->priv;
	pv->tl = tl;
	pv->built_tl_version = (unsigned long)-1;
}

bool timeline_pane_sync(struct pane *p, const struct model *m, time_t now)
{
	struct timeline_pane_priv *pv = p->priv;
	if (pv && pv->tl && pv->built_tl_version != pv->tl->version) {
		/* The rows point into the timeline, not the model: its version decides. */
		p->built = false;
		pv->built_tl_version = pv->tl->version;
	}
	return pane_sync(p, m, now);
}

/* ---- the incident command ---- */

int timeline_incident_command(struct timeline *tl, const char *arg, long long now, FILE *out,
			      char *err, size_t cap)
{
	char verb[32] = "", rest[256] = "";
	while (*arg == ' ')
		arg++;
	size_t vlen = strcspn(arg, " ");
	if (vlen >= sizeof(verb)) {
		snprintf(err, cap, "incident: unknown verb '%.31s...' (start NAME, end, export [FILE], merge FILE)", arg);
		return -1;
	}
	memcpy(verb, arg, vlen);
	const char *r = arg + vlen;
	while (*r == ' ')
		r++;
	snprintf(rest, sizeof(rest), "%s", r);
	size_t rl = strlen(rest);
	while (rl > 0 && rest[rl - 1] == ' ')
		rest[--rl] = '\0';
	if (!verb[0]) {
		fprintf(out, "incident %s: %zu entries in %s\n", tl->name, tl->nentries, tl->path);
		return 0;
	}
	if (!strcmp(verb, "start")) {
		if (!rest[0]) {
			snprintf(err, cap, "incident start needs a NAME");
			return -1;
		}
		if (timeline_incident_start(tl, rest, now, err, cap) < 0)
			return -1;
		fprintf(out, "incident %s started: %s\n", tl->name, tl->path);
		return 0;
	}
	if (!strcmp(verb, "end")) {
		if (rest[0]) {
			snprintf(err, cap, "incident end takes no argument (got '%.60s')", rest);
			return -1;
		}
		char old[80];
		snprintf(old, sizeof(old), "%s", tl->name);
		if (timeline_incident_end(tl, now, err, cap) < 0)
			return -1;
		fprintf(out, "incident %s ended; recording into %s\n", old, tl->name);
		return 0;
	}
	if (!strcmp(verb, "export")) {
		if (!rest[0]) {
			timeline_export_markdown(tl, out);
			return 0;
		}
		FILE *f = fopen(rest, "w");
		if (!f) {
			snprintf(err, cap, "incident export: cannot write %.200s: %s", rest, strerror(errno));
			return -1;
		}
		timeline_export_markdown(tl, f);
		if (fclose(f) != 0) {
			snprintf(err, cap, "incident export: cannot write %.200s: %s", rest, strerror(errno));
			return -1;
		}
		fprintf(out, "incident %s exported to %s (%zu entries)\n", tl->name, rest, tl->nentries);
		return 0;
	}
	if (!strcmp(verb, "merge")) {
		if (!rest[0]) {
			snprintf(err, cap, "incident merge needs a FILE (another machine's .jsonl)");
			return -1;
		}
		int n = timeline_merge_file(tl, rest, err, cap);
		if (n < 0)
			return -1;
		fprintf(out, "incident %s: %d entries merged from %s\n", tl->name, n, rest);
		return 0;
	}
	snprintf(err, cap, "incident: unknown verb '%s' (start NAME, end, export [FILE], merge FILE)", verb);
	return -1;
}

/* ---- the console's recorder ---- */

struct timeline_console {
	struct timeline tl;
	struct pane pane;
	long long timer;
	unsigned long observed_version;
	char last_error[300];
};

static const char *timeline_ctx_name(const struct app *app)
{
	const struct kube_conn *kc = app->auth ? auth_conn(app->auth) : NULL;
	if (kc && kc->context)
		return kc->context;
	return app->server ? app->server : "";
}

static bool timeline_sources_synced(const struct app *app)
{
	bool any = false;
	for (size_t r = 0; r < KUBE_NRESOURCES; r++) {
		if (!app->informers[r])
			continue;
		any = true;
		if (!informer_has_synced(app->informers[r]))
			return false;
	}
	return any;
}

static void timeline_console_note_error(struct timeline_console *tc, int rc, const char *err)
{
	/* Disk full or a vanished directory: said once on stderr's log, not per second. */
	if (rc < 0 && strcmp(tc->last_error, err)) {
		snprintf(tc->last_error, sizeof(tc->last_error), "%s", err);
	}
}

static long timeline_console_tick(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct app *app = ud;
	struct timeline_console *tc = app->timeline;
	if (!tc)
		return LOOP_TIMER_STOP;
	long long now = (long long)time(NULL);
	char err[400] = "";
	const char *ctx = timeline_ctx_name(app);
	int rc = timeline_ingest_audit(&tc->tl, err, sizeof(err));
	timeline_console_note_error(tc, rc, err);
	struct informer *pods = app->informers[KUBE_PODS];
	if (pods) {
		enum informer_state st = informer_state(pods);
		char obj[300];
		snprintf(obj, sizeof(obj), "connection/%s", ctx);
		if (st == INFORMER_RECONNECTING || st == INFORMER_ERROR) {
			rc = timeline_observe_state(&tc->tl, ctx, obj, "lost", NULL, now, err, sizeof(err));
		} else if (st == INFORMER_WATCHING) {
			char text[400];
			snprintf(text, sizeof(text), "Connection to %s regained", ctx);
			rc = timeline_observe_state(&tc->tl, ctx, obj, "", text, now, err, sizeof(err));
		}
		timeline_console_note_error(tc, rc, err);
	}
	if (tc->observed_version != app->model.version && timeline_sources_synced(app)) {
		rc = timeline_observe_model(&tc->tl, &app->model, ctx, now, err, sizeof(err));
		timeline_console_note_error(tc, rc, err);
		tc->observed_version = app->model.version;
	}
	return 1000;
}

int timeline_console_start(struct app *app, char *err, size_t cap)
{
	char *dir = timeline_default_dir(NULL, err, cap);
	if (!dir)
		return -1;
	struct timeline_console *tc = xcalloc(1, sizeof(*tc));
	int rc = timeline_open(&tc->tl, dir, app->audit.path, (long long)time(NULL), err, cap);
	free(dir);
	if (rc < 0) {
		timeline_close(&tc->tl);
		free(tc);
		return -1;
	}
	pane_init(&tc->pane, &pane_timeline_ops);
	timeline_pane_attach(&tc->pane, &tc->tl);
	tc->observed_version = (unsigned long)-1;
	app->timeline = tc;
	tc->timer = loop_add_timer(app->loop, 200, timeline_console_tick, app);
	return 0;
}

void timeline_console_stop(struct app *app)
{
	struct timeline_console *tc = app->timeline;
	if (!tc)
		return;
	loop_cancel_timer(app->loop, tc->timer);
	pane_free(&tc->pane);
	timeline_close(&tc->tl);
	free(tc);
	app->timeline = NULL;
}

struct timeline *timeline_console_timeline(struct app *app)
{
	return app->timeline ? &app->timeline->tl : NULL;
}

struct pane *timeline_console_pane(struct app *app)
{
	return app->timeline ? &app->timeline->pane : NULL;
}

/* ---- run mode ---- */

static int timeline_run_open(struct timeline *tl)
{
	char err[600];
	char *dir = timeline_default_dir(NULL, err, sizeof(err));
	if (!dir) {
		fprintf(stderr, "warroom: %s\n", err);
		return 2;
	}
	char *audit = audit_default_path(err, sizeof(err));
	int rc = timeline_open(tl, dir, audit, (long long)time(NULL), err, sizeof(err));
	free(dir);
	free(audit);
	/* Actions taken by `warroom run` while no console was recording. */
	if (rc == 0 && timeline_ingest_audit(tl, err, sizeof(err)) < 0)
		rc = -1;
	if (rc < 0) {
		char safe[800];
		text_sanitize(err, strlen(err), safe, sizeof(safe));
		fprintf(stderr, "warroom: %s\n", safe);
		timeline_close(tl);
		return 2;
	}
	return 0;
}

int timeline_run_incident(struct app *app, const char *arg)
{
	(void)app;
	struct timeline tl;
	int rc = timeline_run_open(&tl);
	if (rc)
		return rc;
	char err[600];
	if (timeline_incident_command(&tl, arg, (long long)time(NULL), stdout, err, sizeof(err)) < 0) {
		char safe[800];
		text_sanitize(err, strlen(err), safe, sizeof(safe));
		fprintf(stderr, "warroom: %s\n", safe);
		rc = 2;
	}
	timeline_close(&tl);
	return fflush(stdout) == 0 ? rc : 2;
}

int timeline_run_panel(struct app *app)
{
	struct timeline tl;
	int rc = timeline_run_open(&tl);
	if (rc)
		return rc;
	struct pane p;
	pane_init(&p, &pane_timeline_ops);
	timeline_pane_attach(&p, &tl);
	time_t now = time(NULL);
	timeline_pane_sync(&p, &app->model, now);
	pane_print_table(&p, &app->model, now, stdout);
	pane_free(&p);
	timeline_close(&tl);
	return fflush(stdout) == 0 ? 0 : 2;
}
