/* tui/screen_views: see screen_int.h.
 * The full-screen views over the dashboard, from the most to the least on top: describe,
 * logs, the hosts pane, the matrix (or a runbook).  Each has a command that opens it, a
 * handler that takes commands while it shows, and a drawing function; the panels/ module
 * behind each does the work and the layout, this file wires it to the app and to curses. */
#include "tui/screen.h"

#include "core/xalloc.h"
#include "panels/drift.h"
#include "panels/timeline.h"
#include "tui/screen_int.h"
#include "tui/term.h"
#include "tui/text.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A view's data changed (describe, logs, matrix callbacks): redraw. */
static void screen_on_change(void *ud)
{
	screen_mark_dirty(ud);
}

/* A view's answer to a command, when it has one, goes to the message line. */
static void screen_view_message(struct app *app, bool error, const char *msg)
{
	if (msg[0])
		screen_message(app, error, "%s", msg);
}

void screen_close_views(struct app *app)
{
	describe_view_free(app->describe);
	app->describe = NULL;
	logs_view_free(app->logs);
	app->logs = NULL;
}

bool screen_hosts_shown(const struct app *app)
{
	return app->hosts_open && app->hosts && !app->describe && !app->logs;
}

/* ---- describe -------------------------------------------------------------------- */

/* Namespace of pod `name` when no namespace is current: the one namespace that has it. */
static bool screen_pod_ns(struct app *app, const char *name, char *ns, size_t cap)
{
	size_t found = 0;
	for (size_t i = 0; i < app->model.npods; i++)
		if (strcmp(app->model.pods[i]->name, name) == 0 && found++ == 0)
			snprintf(ns, cap, "%s", app->model.pods[i]->ns);
	if (found != 1)
		screen_message(app, true, "describe: %s pod named '%.80s'; use pod/NAMESPACE/NAME",
			       found ? "more than one" : "no", name);
	return found == 1;
}

/* `describe [KIND/NAME]`: the argument, else the focused pane's selection. */
void screen_describe(struct app *app, const char *arg)
{
	struct describe_target t;
	char err[400], spec[700];
	struct pane *p = screen_focused(app);
	if (!arg[0]) {
		const void *row = p->sel < p->nrows ? p->rows[p->sel] : NULL;
		if (!row) {
			screen_message(app, true, "describe: nothing selected");
			return;
		}
		if (p->ops == &pane_pods_ops) {
			const struct model_pod *pod = row;
			snprintf(spec, sizeof(spec), "pod/%s/%s", pod->ns, pod->name);
		} else if (p->ops == &pane_nodes_ops) {
			snprintf(spec, sizeof(spec), "node/%s", ((const struct model_node *)row)->name);
		} else if (p->ops == &pane_events_ops) {
			const struct model_event *e = row;
			const char *kind = e->obj_kind ? e->obj_kind : "";
			if (strcmp(kind, "Pod") == 0)
				snprintf(spec, sizeof(spec), "pod/%s/%s", e->obj_ns && e->obj_ns[0] ? e->obj_ns : e->ns,
					 e->obj_name ? e->obj_name : "");
			else if (strcmp(kind, "Node") == 0)
				snprintf(spec, sizeof(spec), "node/%s", e->obj_name ? e->obj_name : "");
			else
				spec[0] = '\0';
		} else {
			spec[0] = '\0';
		}
		if (!spec[0]) {
			screen_message(app, true, "describe: only pods and nodes can be described (select one)");
			return;
		}
		arg = spec;
	}
	if (describe_parse_target(arg, app->ns ? app->ns : "default", &t, err, sizeof(err)) < 0) {
		screen_message(app, true, "%s", err);
		return;
	}
	/* All namespaces and no namespace typed: find the pod by name in the model. */
	const char *first = strchr(arg, '/');
	if (!app->ns && t.kind == DESCRIBE_POD && first && !strchr(first + 1, '/') &&
	    !screen_pod_ns(app, t.name, t.ns, sizeof(t.ns)))
		return;
	describe_view_free(app->describe);
	struct http_opts o = { .timeout_ms = 0 }; /* credentials: the auth provider */
	app->describe = describe_view_open(app->http, app->server, &o, &t, screen_on_change, app);
	if (app->screen)
		app->screen->message[0] = '\0';
}

/* The describe view takes the movement keys and closes on quit/cancel. */
static bool screen_describe_exec(struct app *app, const struct command_call *call)
{
	struct describe_view *v = app->describe;
	size_t page = app->screen && LINES > 4 ? (size_t)LINES - 4 : 10;
	switch (call->id) {
	case CMD_QUIT:
	case CMD_CANCEL:
		describe_view_free(v);
		app->describe = NULL;
		return true;
	case CMD_MOVE_UP: describe_view_scroll(v, -1, page); return true;
	case CMD_MOVE_DOWN: describe_view_scroll(v, 1, page); return true;
	case CMD_PAGE_UP: describe_view_scroll(v, -(long)page, page); return true;
	case CMD_PAGE_DOWN: describe_view_scroll(v, (long)page, page); return true;
	case CMD_MOVE_TOP: describe_view_scroll(v, -(long)v->text.n, page); return true;
	case CMD_MOVE_BOTTOM: describe_view_scroll(v, (long)v->text.n, page); return true;
	default:
		return false;
	}
}

/* ---- logs ------------------------------------------------------------------------ */

/* `logs [TARGET ...]` and `logcheck ARGS`: without a target, the selected pod or workload. */
void screen_logs_open(struct app *app, const char *arg, bool check)
{
	char spec[700], err[700];
	struct pane *p = screen_focused(app);
	if (!check && (!arg[0] || arg[0] == '-') && !(arg[0] == '-' && arg[1] == 'l')) {
		const void *row = p->sel < p->nrows ? p->rows[p->sel] : NULL;
		if (row && p->ops == &pane_pods_ops) {
			const struct model_pod *pod = row;
			snprintf(spec, sizeof(spec), "pod/%s/%s %.300s", pod->ns, pod->name, arg);
		} else if (row && p->ops == &pane_workloads_ops) {
			const struct model_workload *w = row;
			snprintf(spec, sizeof(spec), "%s/%s/%s %.300s",
				 w->kind == MODEL_STATEFULSET ? "statefulset" : "deployment", w->ns, w->name, arg);
		} else {
			screen_message(app, true, "logs: select a pod or a workload, or give a target (logs pod/NAME)");
			return;
		}
		arg = spec;
	}
	/* No token/CA in opts: the auth provider gives every request its credentials. */
	struct logs_view_config cfg = { .server = app->server, .default_ns = app->ns };
	struct logs_view *v = check ? logs_view_open_check(app->loop, app->http, &app->model, &cfg, arg,
							   screen_on_change, app, err, sizeof(err))
				    : logs_view_open(app->loop, app->http, &app->model, &cfg, arg, screen_on_change,
						     app, err, sizeof(err));
	if (!v) {
		screen_message(app, true, "%s: %s", check ? "logcheck" : "logs", err);
		return;
	}
	screen_close_views(app);
	app->logs = v;
	if (app->screen)
		app->screen->message[0] = '\0';
}

/* The logs view takes movement, search and its own commands; '/' searches there. */
static bool screen_logs_exec(struct app *app, const struct command_call *call)
{
	struct screen *s = app->screen;
	int page = s && LINES > 4 ? LINES - 4 : 10;
	if (call->id == CMD_PROMPT_FILTER) {
		if (s) {
			s->mode = MODE_COMMAND;
			snprintf(s->prompt, sizeof(s->prompt), "log-search ");
		}
		return true;
	}
	char msg[700];
	bool error;
	switch (logs_view_exec(app->logs, call->id, call->arg, page, msg, sizeof(msg), &error)) {
	case LOGS_EXEC_CLOSE:
		logs_view_free(app->logs);
		app->logs = NULL;
		return true;
	case LOGS_EXEC_DONE:
		screen_view_message(app, error, msg);
		return true;
	case LOGS_EXEC_NOT_MINE:
		break;
	}
	return false;
}

/* ---- hosts ----------------------------------------------------------------------- */

/* The hosts pane (panels/hosts) takes movement, refresh and closes on quit/cancel. */
static bool screen_hosts_exec(struct app *app, const struct command_call *call)
{
	char msg[700];
	bool error;
	switch (hosts_view_exec(app->hosts, call, msg, sizeof(msg), &error)) {
	case HOSTS_EXEC_CLOSE:
		app->hosts_open = false;
		return true;
	case HOSTS_EXEC_DONE:
		screen_view_message(app, error, msg);
		return true;
	case HOSTS_EXEC_NOT_MINE:
		break;
	}
	return false;
}

/* `hosts`, `ssh ...`, `ssh-cancel`: the hosts pane opens to show what happens. */
void screen_hosts_command(struct app *app, const struct command_call *call)
{
	char msg[700] = "";
	if (!app->hosts) {
		screen_message(app, true, "%s: no SSH hosts (start warroom with --config FILE, see warroom(5))",
			       commands_table[call->id].name);
		return;
	}
	int rc = 0;
	/* The gate is set up after the pane; an uninitialised one is no gate. */
	hosts_view_set_gate(app->hosts, app->gate.loop ? &app->gate : NULL, app->read_only);
	if (call->id == CMD_SSH)
		rc = hosts_view_ssh(app->hosts, call->arg, msg, sizeof(msg));
	else if (call->id == CMD_SSH_CANCEL)
		rc = hosts_view_cancel(app->hosts, msg, sizeof(msg));
	screen_close_views(app);
	app->hosts_open = true;
	screen_view_message(app, rc < 0, msg);
}

/* ---- matrix ---------------------------------------------------------------------- */

/* Shows the matrix view, loading the definitions on first use (and again after `ctx` or
 * `ns` changed what the view follows).  false (message shown) when they do not load. */
static bool screen_matrix_show(struct app *app)
{
	const struct kube_conn *kc = app->auth ? auth_conn(app->auth) : NULL;
	const char *ctx = kc ? kc->context : NULL;
	if (app->matrix && !matrix_view_follows(app->matrix, app->server, app->ns, ctx)) {
		matrix_view_free(app->matrix);
		app->matrix = NULL;
	}
	if (!app->matrix) {
		struct matrix mx;
		matrix_init(&mx);
		char *err = NULL;
		if (matrix_load_all(&mx, app->matrix_files, app->nmatrix_files, app->argv0, &err) < 0) {
			screen_message(app, true, "matrix: %s", err);
			free(err);
			matrix_free(&mx);
			return false;
		}
		struct matrix_view_config cfg = { .server = app->server, .context = ctx, .watched_ns = app->ns,
						  .opts = { .timeout_ms = 20000, .connect_timeout_ms = 5000 },
						  .periodic = true };
		app->matrix = matrix_view_new(app->loop, app->http, &app->model, &mx, &cfg, screen_on_change, app);
	}
	app->hosts_open = false;
	screen_close_views(app);
	app->matrix_open = true;
	return true;
}

/* `matrix`, `symptom TEXT`, `runbook [SERVICE]`. */
void screen_matrix_command(struct app *app, const struct command_call *call)
{
	if (!screen_matrix_show(app))
		return;
	char msg[600] = "";
	int rc = 0;
	if (call->id == CMD_SYMPTOM)
		rc = matrix_view_symptom(app->matrix, call->arg, msg, sizeof(msg));
	else if (call->id == CMD_RUNBOOK)
		rc = matrix_view_runbook(app->matrix, call->arg, msg, sizeof(msg));
	screen_view_message(app, rc < 0, msg);
}

/* The matrix view takes movement, Enter (runbook, or a step's command), Esc; in a runbook
 * the key of a command a step names runs that step. */
static bool screen_matrix_exec(struct app *app, const struct command_call *call)
{
	char line[300], msg[600];
	bool error;
	int page = LINES > 6 ? LINES - 6 : 1;
	switch (matrix_view_exec(app->matrix, call, page, line, sizeof(line), msg, sizeof(msg), &error)) {
	case MATRIX_EXEC_CLOSE:
		app->matrix_open = false;
		return true;
	case MATRIX_EXEC_DONE:
		screen_view_message(app, error, msg);
		return true;
	case MATRIX_EXEC_RUN: {
		/* As if typed at ':' (mutating commands ask first).  The view steps aside while it
		 * runs so that a step's own command is not taken as a step key again; views the
		 * step opens (logs, describe) show over the runbook, pane commands leave it. */
		struct command_call c;
		char err[300];
		bool pane = commands_parse(line, &c, err, sizeof(err)) == 0 &&
			    (c.id == CMD_PODS || c.id == CMD_NODES || c.id == CMD_WORKLOADS || c.id == CMD_EVENTS ||
			     c.id == CMD_HOSTS);
		app->matrix_open = false;
		screen_run_line(app, line);
		app->matrix_open = !pane && !app->quit;
		return true;
	}
	case MATRIX_EXEC_NOT_MINE:
		break;
	}
	return false;
}

/* ---- the open view: commands and drawing ------------------------------------------ */

bool screen_views_exec(struct app *app, const struct command_call *call)
{
	if (app->describe && screen_describe_exec(app, call))
		return true;
	if (app->logs && screen_logs_exec(app, call))
		return true;
	if (screen_hosts_shown(app) && screen_hosts_exec(app, call))
		return true;
	if (drift_console_shown(app)) {
		struct screen *s = app->screen;
		size_t page = s && s->drift_rows > 1 ? (size_t)s->drift_rows - 1 : 10;
		if (drift_console_exec(app, call, page))
			return true;
	}
	if (timeline_console_shown(app)) {
		char msg[600];
		struct screen *s = app->screen;
		size_t page = s && s->timeline_rows > 1 ? (size_t)s->timeline_rows - 1 : 10;
		bool took = timeline_console_exec(app, call, page, msg, sizeof(msg));
		if (msg[0])
			screen_message(app, true, "%s", msg);
		if (took)
			return true;
	}
	return app->matrix_open && app->matrix && !app->describe && !app->logs && screen_matrix_exec(app, call);
}

static void screen_draw_describe(struct app *app, int y, int h, int width)
{
	struct screen *s = app->screen;
	struct describe_view *v = app->describe;
	char raw[900], safe[1200];
	if (!v->done)
		snprintf(raw, sizeof(raw), " Describe %s  (loading...)  Esc closes", v->title);
	else
		snprintf(raw, sizeof(raw), " Describe %s  lines %zu-%zu of %zu  j/k PgUp/PgDn scroll, Esc closes", v->title,
			 v->text.n ? v->top + 1 : 0, v->top + (size_t)(h - 1) < v->text.n ? v->top + (size_t)(h - 1) : v->text.n,
			 v->text.n);
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	screen_put(s, y, width, safe, A_BOLD | A_UNDERLINE);
	if (v->done && v->error) {
		text_sanitize(v->error, strlen(v->error), safe, sizeof(safe));
		screen_put(s, y + 1, width, safe, screen_sev_attr(s, SEV_BAD));
		for (int r = 2; r < h; r++)
			screen_put(s, y + r, width, "", A_NORMAL);
		return;
	}
	describe_view_scroll(v, 0, (size_t)(h > 1 ? h - 1 : 1));
	char line[SCREEN_LINE];
	for (int r = 1; r < h; r++) {
		size_t i = v->top + (size_t)r - 1;
		describe_view_line(v, i, line, sizeof(line));
		screen_put(s, y + r, width, line, screen_sev_attr(s, describe_view_sev(v, i)));
	}
}

/* The logs view: a title line with its state, then the rows panels/logs laid out, each
 * segment drawn with its attribute (pod colours, highlights).  Text is sanitised there. */
static void screen_draw_logs(struct app *app, int y, int h, int width)
{
	struct screen *s = app->screen;
	struct logs_view *v = app->logs;
	logs_view_sync(v);
	char status[1600], raw[2400], safe[3000];
	logs_view_status(v, status, sizeof(status));
	snprintf(raw, sizeof(raw), " %s  %s", v->title, status);
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	screen_put(s, y, width, safe, A_BOLD | A_UNDERLINE);
	int rows_h = h - 1;
	if (rows_h < 1)
		return;
	struct logs_row *rows = xmalloc((size_t)rows_h * sizeof(*rows));
	size_t n = logs_view_render(v, width, rows_h, rows);
	for (int r = 0; r < rows_h; r++) {
		move(y + 1 + r, 0);
		clrtoeol();
		if ((size_t)r >= n)
			continue;
		const struct logs_row *row = &rows[r];
		for (size_t k = 0; k < row->nseg; k++) {
			const struct logs_seg *g = &row->seg[k];
			attr_t a = A_NORMAL;
			switch ((enum logs_attr)g->attr) {
			case LOGS_ATTR_TAG:
				a = s->colors ? (attr_t)COLOR_PAIR(PAIR_LOG0 + g->colour % LOGBUF_NCOLOURS) : A_BOLD;
				break;
			case LOGS_ATTR_GONE:
			case LOGS_ATTR_TIME: a = A_DIM; break;
			case LOGS_ATTR_MARKER: a = A_BOLD | (s->colors ? (attr_t)COLOR_PAIR(PAIR_WARN) : 0); break;
			case LOGS_ATTR_RULE: a = A_BOLD | (s->colors ? (attr_t)COLOR_PAIR(PAIR_BAD) : A_UNDERLINE); break;
			case LOGS_ATTR_SEARCH: a = s->colors ? (attr_t)COLOR_PAIR(PAIR_SEARCH) : A_REVERSE; break;
			case LOGS_ATTR_TEXT: break;
			}
			attrset(a);
			term_addnstr(row->text + g->off, g->len);
		}
		attrset(A_NORMAL);
	}
	free(rows);
}

static attr_t screen_hosts_attr(const struct screen *s, unsigned attr)
{
	switch ((enum hosts_attr)attr) {
	case HOSTS_ATTR_HEAD: return A_BOLD;
	case HOSTS_ATTR_OK: return s->colors ? (attr_t)COLOR_PAIR(PAIR_LOG0 + 1) : A_NORMAL; /* green */
	case HOSTS_ATTR_WARN: return screen_sev_attr(s, SEV_WARN) | A_BOLD;
	case HOSTS_ATTR_BAD: return screen_sev_attr(s, SEV_BAD);
	case HOSTS_ATTR_DIM: return A_DIM;
	case HOSTS_ATTR_SEL: return A_BOLD | A_REVERSE;
	case HOSTS_ATTR_PROMPT: return A_BOLD | (s->colors ? (attr_t)COLOR_PAIR(PAIR_WARN) : A_UNDERLINE);
	case HOSTS_ATTR_TEXT: break;
	}
	return A_NORMAL;
}

/* The hosts pane: a title line, then the lines panels/hosts laid out (sanitised there). */
static void screen_draw_hosts(struct app *app, int y, int h, int width, time_t now)
{
	struct screen *s = app->screen;
	char title[1200], safe[1600];
	hosts_view_title(app->hosts, title, sizeof(title));
	text_sanitize(title, strlen(title), safe, sizeof(safe));
	screen_put(s, y, width, safe, A_BOLD | A_UNDERLINE);
	if (h < 2)
		return;
	struct hosts_line *hl = xmalloc((size_t)(h - 1) * sizeof(*hl)); /* not `lines`: a term.h macro */
	size_t n = hosts_view_render(app->hosts, width, h - 1, now, hl);
	for (int r = 0; r < h - 1; r++) {
		move(y + 1 + r, 0);
		clrtoeol();
		for (size_t k = 0; (size_t)r < n && k < hl[r].nseg; k++) {
			const struct hosts_seg *g = &hl[r].seg[k];
			attrset(screen_hosts_attr(s, g->attr));
			term_addnstr(hl[r].text + g->off, g->len);
		}
		attrset(A_NORMAL);
	}
	free(hl);
}

/* The matrix or runbook view: a title line with its state, then the lines panels/matrix
 * laid out, coloured by the health of the service they describe. */
static void screen_draw_matrix(struct app *app, int y, int h, int width)
{
	struct screen *s = app->screen;
	struct matrix_view *v = app->matrix;
	/* Health is only measured once pods and workloads are listed: until then, unknown. */
	static const enum kube_resource need[] = { KUBE_PODS, KUBE_DEPLOYMENTS, KUBE_STATEFULSETS };
	bool listed = true;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		listed = listed && app->informers[need[i]] && informer_has_synced(app->informers[need[i]]);
	matrix_view_set_listed(v, listed);
	matrix_view_update(v, time(NULL));
	char title[800], safe[1200];
	matrix_view_status(v, title, sizeof(title));
	text_sanitize(title, strlen(title), safe, sizeof(safe));
	screen_put(s, y, width, safe, A_BOLD | A_UNDERLINE);
	if (h < 2)
		return;
	struct matrix_row *rows = xmalloc((size_t)(h - 1) * sizeof(*rows));
	size_t n = matrix_view_render(v, &app->keymap, width, h - 1, rows);
	for (int r = 0; r < h - 1; r++) {
		if ((size_t)r >= n) {
			screen_put(s, y + 1 + r, width, "", A_NORMAL);
			continue;
		}
		const struct matrix_row *row = &rows[r];
		attr_t a = A_NORMAL;
		if (row->heading)
			a = A_BOLD;
		else if (!row->plain && (row->state == HEALTH_DOWN || row->state == HEALTH_NOT_FOUND))
			a = screen_sev_attr(s, SEV_BAD);
		else if (!row->plain && row->state == HEALTH_DEGRADED)
			a = screen_sev_attr(s, SEV_WARN);
		else if (!row->plain && row->state == HEALTH_UNKNOWN)
			a = A_DIM;
		if (row->selected)
			a |= A_REVERSE;
		screen_put(s, y + 1 + r, width, row->text, a);
	}
	free(rows);
}

/* ---- timeline (panels/timeline) ----------------------------------------------------- */

static void screen_draw_timeline(struct app *app, int y, int h, int width, time_t now)
{
	struct screen *s = app->screen;
	struct pane *p = timeline_console_pane(app);
	timeline_pane_sync(p, &app->model, now);
	struct timeline *tl = timeline_console_timeline(app);
	char raw[900], safe[1200];
	const char *terr = timeline_console_error(app);
	snprintf(raw, sizeof(raw), " Timeline: incident %s  %zu of %zu%s%s  (:incident export, Esc closes)%s%.300s",
		 tl->name, p->nrows, p->total, p->filter[0] ? "  filter: " : "", p->filter, terr[0] ? "  ERROR: " : "",
		 terr);
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	screen_put(s, y, width, safe, A_BOLD | A_UNDERLINE);
	if (h < 2)
		return;
	int widths[PANE_MAX_COLS];
	pane_layout(p, width, widths);
	pane_format_line(p, NULL, widths, width, s->line, sizeof(s->line));
	screen_put(s, y + 1, width, s->line, A_BOLD);
	int rows = h - 2;
	s->timeline_rows = rows;
	pane_scroll(p, (size_t)(rows > 0 ? rows : 0));
	for (int r = 0; r < rows; r++) {
		size_t i = p->top + (size_t)r;
		if (i >= p->nrows) {
			screen_put(s, y + 2 + r, width, "", A_NORMAL);
			continue;
		}
		struct pane_row row;
		pane_row_fill(p, &app->model, i, now, &row);
		pane_format_line(p, &row, widths, width, s->line, sizeof(s->line));
		attr_t attr = screen_sev_attr(s, row.sev);
		if (i == p->sel)
			attr |= A_REVERSE;
		screen_put(s, y + 2 + r, width, s->line, attr);
	}
}

/* ---- drift (panels/drift) -------------------------------------------------------- */

static void screen_draw_drift(struct app *app, int y, int h, int width)
{
	struct screen *s = app->screen;
	char **lines = NULL;
	size_t n = drift_console_lines(app, &lines);
	screen_put(s, y, width, " Drift: spec images vs running pods, Helm releases  (j/k scroll, Esc closes)",
		   A_BOLD | A_UNDERLINE);
	int rows = h - 1;
	s->drift_rows = rows;
	size_t top = drift_console_top(app, n, rows > 0 ? (size_t)rows : 0);
	for (int r = 0; r < rows; r++) {
		size_t i = top + (size_t)r;
		const char *l = i < n ? lines[i] : "";
		/* Flags are what the eye should find: DIFFERS, ROLLOUT, FAILED, PENDING. */
		bool bad = strstr(l, "DIFFERS") || strstr(l, "FAILED") || strstr(l, "PENDING");
		bool warn = !bad && strstr(l, "ROLLOUT");
		bool head = !strncmp(l, "KIND", 4) || !strncmp(l, "HELM", 4) || !strncmp(l, "NAMESPACE", 9);
		screen_put(s, y + 1 + r, width, l, head ? A_BOLD : bad ? screen_sev_attr(s, SEV_BAD)
			   : warn ? screen_sev_attr(s, SEV_WARN) : A_NORMAL);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

bool screen_views_draw(struct app *app, int top, int area, int width, time_t now)
{
	if (app->describe)
		screen_draw_describe(app, top, area, width);
	else if (screen_hosts_shown(app))
		screen_draw_hosts(app, top, area, width, now);
	else if (app->logs)
		screen_draw_logs(app, top, area, width);
	else if (app->matrix_open && app->matrix)
		screen_draw_matrix(app, top, area, width);
	else if (timeline_console_shown(app))
		screen_draw_timeline(app, top, area, width, now);
	else if (drift_console_shown(app))
		screen_draw_drift(app, top, area, width);
	else
		return false;
	return true;
}
