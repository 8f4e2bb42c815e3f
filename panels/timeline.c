/* panels/timeline: see timeline.h. */
#include "panels/timeline.h"

#include "core/xalloc.h"
#include "kube/informer.h"
#include "panels/drift.h"
#include "ssh/hosts.h"
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
	bool shown;           /* the console shows the timeline view */
	unsigned long observed_version[DRIFT_MAX_SIDES]; /* per context (panels/drift order) */
	/* Per context: the Helm releases of its last synced list and the context's name then,
	 * to tell a release uninstalled (gone from the next list) from a context switch. */
	struct helm_list helm_seen[DRIFT_MAX_SIDES];
	char *helm_seen_ctx[DRIFT_MAX_SIDES];
	char last_error[600];  /* the last write/read error, shown in the view's title */
};

static void timeline_console_forget_versions(struct timeline_console *tc)
{
	for (size_t i = 0; i < DRIFT_MAX_SIDES; i++)
		tc->observed_version[i] = (unsigned long)-1;
}

static const char *timeline_ctx_name(const struct app *app)
{
	const struct kube_conn *kc = app->auth ? auth_conn(app->auth) : NULL;
	if (kc && kc->context)
		return kc->context;
	return app->server ? app->server : "";
}

/* The sources the timeline compares have each completed a list (a forbidden one, 403,
 * never will and is not waited for: its objects are simply not observed). */
static bool timeline_sources_synced(const struct app *app)
{
	static const enum kube_resource need[] = { KUBE_PODS, KUBE_NODES, KUBE_DEPLOYMENTS, KUBE_STATEFULSETS };
	bool any = false;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		struct informer *inf = app->informers[need[i]];
		if (!inf)
			continue;
		if (informer_state(inf) == INFORMER_ERROR && informer_error_status(inf) == 403)
			continue;
		any = true;
		if (!informer_has_synced(inf))
			return false;
	}
	return any;
}

static void timeline_console_note_error(struct timeline_console *tc, int rc, const char *err)
{
	/* Disk full or a vanished directory: kept for the view's title (curses owns the
	 * terminal); cleared by nothing but a restart, so it is not missed. */
	if (rc < 0)
		snprintf(tc->last_error, sizeof(tc->last_error), "%.500s", err);
}

/* Matrix services (core/health via panels/matrix, once the matrix was loaded): down,
 * degraded or not found, and back.  Unknown is no news. */
static void timeline_observe_matrix(struct app *app, struct timeline_console *tc, const char *ctx,
				    long long now)
{
	const struct matrix *mx = matrix_view_matrix(app->matrix);
	for (size_t i = 0; mx && i < mx->nservices; i++) {
		const struct health_result *r = matrix_view_result(app->matrix, i);
		if (!r || r->state == HEALTH_UNKNOWN)
			continue;
		char obj[300], text[800], err[400];
		snprintf(obj, sizeof(obj), "service/%s", mx->services[i].name);
		const char *state = r->state == HEALTH_OK ? "" : health_state_name(r->state);
		if (state[0])
			snprintf(text, sizeof(text), "Service %s is %s%s%s", mx->services[i].name, state,
				 r->why[0] ? ": " : "", r->why);
		else
			snprintf(text, sizeof(text), "Service %s recovered", mx->services[i].name);
		timeline_console_note_error(tc, timeline_observe_state(&tc->tl, ctx, obj, state, text, now, err,
								       sizeof(err)), err);
	}
}

int timeline_observe_pm2(struct timeline *tl, const char *host, const struct pm2_proc *pp,
			 const struct host_pm2_flags *flags, long long now, char *err, size_t cap)
{
	char obj[300], state[64], text[900];
	snprintf(obj, sizeof(obj), "host/%s/pm2/%s", host, pp->name);
	/* The count is the state: every further jump is a new entry.  Compared with the count
	 * last recorded, else with the count the host's first poll saw, not only with the
	 * previous poll's (restarts_rising): this tick and the polls run on their own clocks,
	 * and a poll flagged as rising can be followed by another before the tick sees it. */
	long long before = -1;
	if (sscanf(timeline_state_get(tl, host, obj), "restarts %lld", &before) != 1)
		before = flags->restarts_first;
	if (!(before >= 0 && pp->restarts > before) && !flags->restarts_rising)
		return 0;
	long long from = before >= 0 && before < pp->restarts ? before : flags->restarts_before;
	snprintf(state, sizeof(state), "restarts %lld", pp->restarts);
	snprintf(text, sizeof(text), "Host %s: pm2 %s restarts jumped from %lld to %lld", host, pp->name,
		 from, pp->restarts);
	return timeline_observe_state(tl, host, obj, state, text, now, err, cap);
}

/* SSH hosts (ssh/hosts via panels/hosts): unreachable and back, the worst disk level, and
 * pm2 restart counts that jumped since the previous poll. */
static void timeline_observe_hosts(struct app *app, struct timeline_console *tc, long long now)
{
	struct hosts *h = hosts_view_hosts(app->hosts);
	for (size_t i = 0; h && i < hosts_count(h); i++) {
		const struct host_status *st = hosts_status(h, i);
		if (!st || !st->polled || !st->cfg)
			continue;
		const char *name = st->cfg->name;
		char obj[300], text[900], err[400], state[200];
		snprintf(obj, sizeof(obj), "host/%s", name);
		snprintf(text, sizeof(text), st->fail != SSH_OK ? "Connection to host %s lost: %s"
			 : "Connection to host %s regained", name, st->message);
		timeline_console_note_error(tc, timeline_observe_state(&tc->tl, name, obj, st->fail != SSH_OK ?
								       "unreachable" : "", text, now, err, sizeof(err)), err);
		if (st->fail != SSH_OK)
			continue;
		if (st->have_df) {
			int worst = DISK_OK, pct = 0;
			const char *mount = "";
			for (size_t k = 0; k < st->df.n; k++)
				if (st->disk && (int)st->disk[k] > worst) {
					worst = (int)st->disk[k];
					pct = st->df.v[k].use_pct;
					mount = st->df.v[k].mount;
				}
			snprintf(obj, sizeof(obj), "host/%s/disk", name);
			snprintf(state, sizeof(state), "%s", worst == DISK_CRIT ? "disk critical" : worst == DISK_WARN ?
				 "disk warning" : "");
			if (state[0])
				snprintf(text, sizeof(text), "Host %s crossed the %s threshold: %d%% used on %s", name,
					 worst == DISK_CRIT ? "critical" : "warning", pct, mount);
			else
				snprintf(text, sizeof(text), "Host %s disk use back under its thresholds", name);
			timeline_console_note_error(tc, timeline_observe_state(&tc->tl, name, obj, state, text, now,
									       err, sizeof(err)), err);
		}
		for (size_t k = 0; st->have_pm2 && st->pm2_flags && k < st->pm2.n; k++)
			timeline_console_note_error(tc, timeline_observe_pm2(&tc->tl, name, &st->pm2.v[k],
									     &st->pm2_flags[k], now, err,
									     sizeof(err)), err);
	}
}

static bool timeline_helm_has(const struct helm_list *h, const struct helm_release *r)
{
	for (size_t i = 0; h && i < h->n; i++)
		if (!strcmp(h->v[i].ns, r->ns) && !strcmp(h->v[i].name, r->name))
			return true;
	return false;
}

/* Helm releases (kube/helm via panels/drift) of context i, named ctx: failed or
 * pending-* and back, installed again, and uninstalled (gone from a synced list that
 * followed one that had it, in the same context).  A release uninstalled while no
 * warroom ran is not noticed: nothing remembers it. */
static void timeline_observe_helm(struct timeline_console *tc, size_t i, const char *ctx,
				  const struct helm_list *h, long long now)
{
	if (!h)
		return;  /* not (yet) listed: nothing is known gone */
	char obj[600], text[900], err[400];
	struct helm_list *seen = &tc->helm_seen[i];
	bool same_ctx = tc->helm_seen_ctx[i] && !strcmp(tc->helm_seen_ctx[i], ctx);
	for (size_t k = 0; same_ctx && k < seen->n; k++) {
		const struct helm_release *r = &seen->v[k];
		if (timeline_helm_has(h, r))
			continue;
		snprintf(obj, sizeof(obj), "helm/%s/%s", r->ns, r->name);
		snprintf(text, sizeof(text), "Helm release %s/%s uninstalled (its last revision %d was %s)", r->ns,
			 r->name, r->version, r->status);
		timeline_console_note_error(tc, timeline_observe_state(&tc->tl, ctx, obj, "uninstalled", text, now,
								       err, sizeof(err)), err);
	}
	for (size_t k = 0; k < h->n; k++) {
		const struct helm_release *r = &h->v[k];
		snprintf(obj, sizeof(obj), "helm/%s/%s", r->ns, r->name);
		bool again = !strcmp(timeline_state_get(&tc->tl, ctx, obj), "uninstalled");
		if (r->flagged)
			snprintf(text, sizeof(text), "Helm release %s/%s revision %d is %s", r->ns, r->name, r->version,
				 r->status);
		else
			snprintf(text, sizeof(text), "Helm release %s/%s %s: revision %d is %s", r->ns, r->name,
				 again ? "installed again" : "recovered", r->version, r->status);
		timeline_console_note_error(tc, timeline_observe_state(&tc->tl, ctx, obj, r->flagged ? r->status : "",
								       text, now, err, sizeof(err)), err);
	}
	/* Remember this list (the releases' fixed-size records are copied whole). */
	if (seen->cap < h->n) {
		seen->v = xrealloc(seen->v, h->n * sizeof(*seen->v));
		seen->cap = h->n;
	}
	if (h->n)
		memcpy(seen->v, h->v, h->n * sizeof(*seen->v));
	seen->n = h->n;
	if (!same_ctx) {
		free(tc->helm_seen_ctx[i]);
		tc->helm_seen_ctx[i] = xstrdup(ctx);
	}
}

/* Context i (panels/drift: 0 the connected one, then every further --context): its
 * connection lost and regained, its model's transitions once in sync, its Helm releases. */
static void timeline_observe_context(struct app *app, struct timeline_console *tc, size_t i, long long now)
{
	struct drift_context dcx;
	if (!drift_console_context(app, i, &dcx) || !dcx.model)
		return;
	const char *ctx = i == 0 ? timeline_ctx_name(app) : dcx.name;
	char err[400] = "", obj[300];
	int rc = 0;
	struct informer *pods = app->informers[KUBE_PODS];
	bool known = i > 0 || pods;
	bool live = i == 0 ? pods && informer_state(pods) == INFORMER_WATCHING : dcx.synced && !dcx.lost;
	snprintf(obj, sizeof(obj), "connection/%s", ctx);
	if (known && dcx.lost) {
		char text[900];
		snprintf(text, sizeof(text), "Connection to %s lost%s%.700s", ctx, dcx.lost_why[0] ? ": " : "",
			 dcx.lost_why);
		rc = timeline_observe_state(&tc->tl, ctx, obj, "lost", text, now, err, sizeof(err));
	} else if (known && live) {
		char text[400];
		snprintf(text, sizeof(text), "Connection to %s regained", ctx);
		rc = timeline_observe_state(&tc->tl, ctx, obj, "", text, now, err, sizeof(err));
	}
	timeline_console_note_error(tc, rc, err);
	bool synced = i == 0 ? timeline_sources_synced(app) : dcx.synced;
	unsigned long *seen = &tc->observed_version[i];
	if (*seen != dcx.model->version && synced) {
		rc = timeline_observe_model(&tc->tl, dcx.model, ctx, now, err, sizeof(err));
		timeline_console_note_error(tc, rc, err);
		*seen = dcx.model->version;
	}
	timeline_observe_helm(tc, i, ctx, dcx.helm, now);
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
	/* Another warroom started or ended an incident, or midnight began a new day. */
	int rc = timeline_follow(&tc->tl, now, err, sizeof(err));
	timeline_console_note_error(tc, rc, err);
	if (rc > 0)
		timeline_console_forget_versions(tc);  /* compare the models with the new file */
	rc = timeline_ingest_audit(&tc->tl, err, sizeof(err));
	timeline_console_note_error(tc, rc, err);
	size_t nctx = drift_console_ncontexts(app);
	for (size_t i = 0; i < nctx && i < DRIFT_MAX_SIDES; i++)
		timeline_observe_context(app, tc, i, now);
	if (app->matrix)
		timeline_observe_matrix(app, tc, timeline_ctx_name(app), now);
	if (app->hosts)
		timeline_observe_hosts(app, tc, now);
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
	timeline_console_forget_versions(tc);
	app->timeline = tc;
	/* The other contexts and the Helm releases are followed from start-up, not only
	 * once the drift view opens: their changes belong in the timeline. */
	drift_console_follow(app);
	tc->timer = loop_add_timer(app->loop, 200, timeline_console_tick, app);
	return 0;
}

void timeline_console_stop(struct app *app)
{
	struct timeline_console *tc = app->timeline;
	if (!tc)
		return;
	loop_cancel_timer(app->loop, tc->timer);
	for (size_t i = 0; i < DRIFT_MAX_SIDES; i++) {
		free(tc->helm_seen[i].v);
		free(tc->helm_seen_ctx[i]);
	}
	pane_free(&tc->pane);
	timeline_close(&tc->tl);
	free(tc);
	app->timeline = NULL;
}

const char *timeline_console_error(const struct app *app)
{
	return app->timeline ? app->timeline->last_error : "";
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

/* ---- the console's view ---- */

bool timeline_console_shown(const struct app *app)
{
	return app->timeline && app->timeline->shown && !app->describe && !app->logs;
}

void timeline_console_show(struct app *app, bool on)
{
	struct timeline_console *tc = app->timeline;
	if (!tc)
		return;
	tc->shown = on;
	if (on) {
		/* Newest last, and the newest is what one opens the timeline for. */
		timeline_pane_sync(&tc->pane, &app->model, time(NULL));
		pane_move_to(&tc->pane, tc->pane.nrows ? tc->pane.nrows - 1 : 0);
	}
}

bool timeline_console_exec(struct app *app, const struct command_call *call, size_t page, char *msg,
			   size_t cap)
{
	struct timeline_console *tc = app->timeline;
	msg[0] = '\0';
	if (!timeline_console_shown(app))
		return false;
	struct pane *p = &tc->pane;
	timeline_pane_sync(p, &app->model, time(NULL));
	switch (call->id) {
	case CMD_QUIT:
	case CMD_TIMELINE:
		tc->shown = false;
		return true;
	case CMD_CANCEL:
		if (p->filter[0])
			pane_set_filter(p, "");
		else
			tc->shown = false;
		return true;
	case CMD_FILTER:
		pane_set_filter(p, call->arg);
		if (p->filter_error[0])
			snprintf(msg, cap, "%s", p->filter_error);
		return true;
	case CMD_MOVE_UP:
		pane_move(p, -1);
		return true;
	case CMD_MOVE_DOWN:
		pane_move(p, 1);
		return true;
	case CMD_PAGE_UP:
		pane_move(p, -(long)page);
		return true;
	case CMD_PAGE_DOWN:
		pane_move(p, (long)page);
		return true;
	case CMD_MOVE_TOP:
		pane_move_to(p, 0);
		return true;
	case CMD_MOVE_BOTTOM:
		pane_move_to(p, p->nrows ? p->nrows - 1 : 0);
		return true;
	default:
		return false;
	}
}

int timeline_console_incident(struct app *app, const char *arg, char *msg, size_t cap)
{
	struct timeline_console *tc = app->timeline;
	if (!tc) {
		snprintf(msg, cap, "incident: the timeline is off (%s)",
			 "no state directory: set XDG_STATE_HOME or HOME");
		return -1;
	}
	/* In the console, `incident export` without FILE writes next to the timeline. */
	char buf[700];
	while (*arg == ' ')
		arg++;
	if (!strcmp(arg, "export")) {
		snprintf(buf, sizeof(buf), "export %s/%s.md", tc->tl.dir, tc->tl.name);
		arg = buf;
	}
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f) {
		snprintf(msg, cap, "incident: out of memory");
		return -1;
	}
	char err[600];
	int rc = timeline_incident_command(&tc->tl, arg, (long long)time(NULL), f, err, sizeof(err));
	fclose(f);
	if (rc < 0)
		snprintf(msg, cap, "%s", err);
	else
		snprintf(msg, cap, "%.*s", (int)strcspn(out, "\n"), out);
	free(out);
	return rc;
}
