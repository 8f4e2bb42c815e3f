/* tui/screen: see screen.h.
 * Layout, top to bottom: one status line, the dashboard (pods pane above the nodes pane,
 * or the focused pane alone when zoomed or the terminal is short), one bottom line for
 * the prompt, messages or key hints.  Curses does the cell diffing, so a frame that
 * repaints stdscr sends only what changed. */
#include "tui/screen.h"

#include "core/xalloc.h"
#include "panels/confirm.h"
#include "panels/palette.h"
#include "tui/text.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <term.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

enum screen_mode { MODE_NORMAL, MODE_FILTER, MODE_COMMAND, MODE_HELP };
enum { SCREEN_FRAME_MS = 33, SCREEN_TICK_MS = 1000 };
enum { PAIR_BAD = 1, PAIR_WARN, PAIR_BAR, PAIR_BAR_BAD, PAIR_SEARCH, PAIR_LOG0 };
/* Line buffers: a line is at most this many columns of up to 4-byte characters. */
enum { SCREEN_MAX_COLS = 1024, SCREEN_LINE = SCREEN_MAX_COLS * 4 + 8 };

struct screen {
	SCREEN *term;
	int sigfd;
	sigset_t oldmask;
	bool colors;
	enum screen_mode mode;
	char prompt[256];
	char saved_filter[256];
	char message[512];
	bool message_error;
	size_t help_top;
	bool dirty;
	long long last_frame_ms;
	long long frame_timer;
	long long tick_timer;
	int pane_rows[APP_NPANES]; /* data rows each pane showed last frame, for paging */
	int x;                     /* left column of what is being drawn (side-by-side panes) */
	char line[SCREEN_LINE];
};

static void screen_message(struct app *app, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void screen_message(struct app *app, bool error, const char *fmt, ...)
{
	char raw[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (!app->screen) {
		if (error) {
			char safe[600];
			text_sanitize(raw, strlen(raw), safe, sizeof(safe));
			fprintf(stderr, "warroom: %s\n", safe);
		}
		return;
	}
	/* Messages may quote user input: sanitised here, drawn as is later. */
	text_sanitize(raw, strlen(raw), app->screen->message, sizeof(app->screen->message));
	app->screen->message_error = error;
	app->screen->dirty = true;
}

void screen_mark_dirty(struct app *app)
{
	if (app->screen)
		app->screen->dirty = true;
}

static struct pane *screen_focused(struct app *app)
{
	return &app->panes[app->focus];
}

static void screen_sync_panes(struct app *app)
{
	time_t now = time(NULL);
	for (size_t i = 0; i < APP_NPANES; i++)
		pane_sync(&app->panes[i], &app->model, now);
}

static void screen_set_namespace(struct app *app, const char *arg)
{
	const char *ns = arg;
	if (strcmp(arg, "all") == 0 || strcmp(arg, "-A") == 0 || strcmp(arg, "*") == 0) {
		ns = NULL;
	} else if (!informer_namespace_valid(arg)) {
		screen_message(app, true, "ns: '%.64s' is not a namespace name (lowercase a-z, 0-9, '-')",
			       arg);
		return;
	}
	free(app->ns);
	app->ns = ns ? xstrdup(ns) : NULL;
	for (size_t i = 0; i < KUBE_NRESOURCES; i++)
		if (app->informers[i])
			informer_set_namespace(app->informers[i], app->ns);
	screen_message(app, false, "namespace: %s", ns ? ns : "all");
}

static void screen_on_describe(void *ud)
{
	screen_mark_dirty(ud);
}

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
static void screen_describe(struct app *app, const char *arg)
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
	app->describe = describe_view_open(app->http, app->server, &o, &t, screen_on_describe, app);
	if (app->screen)
		app->screen->message[0] = '\0';
}

static void screen_on_logs(void *ud)
{
	screen_mark_dirty(ud);
}

/* `logs [TARGET ...]` and `logcheck ARGS`: without a target, the selected pod or workload. */
static void screen_logs_open(struct app *app, const char *arg, bool check)
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
							   screen_on_logs, app, err, sizeof(err))
				    : logs_view_open(app->loop, app->http, &app->model, &cfg, arg, screen_on_logs,
						     app, err, sizeof(err));
	if (!v) {
		screen_message(app, true, "%s: %s", check ? "logcheck" : "logs", err);
		return;
	}
	logs_view_free(app->logs);
	describe_view_free(app->describe);
	app->describe = NULL;
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
		if (msg[0])
			screen_message(app, error, "%s", msg);
		return true;
	case LOGS_EXEC_NOT_MINE:
		break;
	}
	return false;
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
		if (msg[0])
			screen_message(app, error, "%s", msg);
		return true;
	case HOSTS_EXEC_NOT_MINE:
		break;
	}
	return false;
}

/* `hosts`, `ssh ...`, `ssh-cancel`: the hosts pane opens to show what happens. */
static void screen_hosts_command(struct app *app, const struct command_call *call)
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
	describe_view_free(app->describe);
	app->describe = NULL;
	logs_view_free(app->logs);
	app->logs = NULL;
	app->hosts_open = true;
	if (msg[0])
		screen_message(app, rc < 0, "%s", msg);
}

/* ---- the matrix view (panels/matrix) ---- */

static void screen_on_matrix(void *ud)
{
	screen_mark_dirty(ud);
}

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
		app->matrix = matrix_view_new(app->loop, app->http, &app->model, &mx, &cfg, screen_on_matrix, app);
	}
	app->hosts_open = false;
	describe_view_free(app->describe);
	app->describe = NULL;
	logs_view_free(app->logs);
	app->logs = NULL;
	app->matrix_open = true;
	return true;
}

/* `matrix`, `symptom TEXT`, `runbook [SERVICE]`. */
static void screen_matrix_command(struct app *app, const struct command_call *call)
{
	if (!screen_matrix_show(app))
		return;
	char msg[600] = "";
	int rc = 0;
	if (call->id == CMD_SYMPTOM)
		rc = matrix_view_symptom(app->matrix, call->arg, msg, sizeof(msg));
	else if (call->id == CMD_RUNBOOK)
		rc = matrix_view_runbook(app->matrix, call->arg, msg, sizeof(msg));
	if (msg[0])
		screen_message(app, rc < 0, "%s", msg);
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
		if (msg[0])
			screen_message(app, error, "%s", msg);
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

static void screen_focus(struct app *app, size_t idx)
{
	app->focus = idx;
	app->hosts_open = false;
	app->matrix_open = false;
	describe_view_free(app->describe);
	app->describe = NULL;
	logs_view_free(app->logs);
	app->logs = NULL;
}

void screen_exec(struct app *app, const struct command_call *call)
{
	struct screen *s = app->screen;
	struct pane *p = screen_focused(app);
	size_t page = s && s->pane_rows[app->focus] > 1 ? (size_t)s->pane_rows[app->focus] - 1 : 10;
	char err[600];
	/* Selection moves read view rows: bring the views up to date with the model first. */
	screen_sync_panes(app);
	if (app->describe && (!s || s->mode == MODE_NORMAL) && screen_describe_exec(app, call)) {
		screen_mark_dirty(app);
		return;
	}
	if (app->logs && (!s || s->mode == MODE_NORMAL) && screen_logs_exec(app, call)) {
		screen_mark_dirty(app);
		return;
	}
	if (app->hosts_open && app->hosts && !app->describe && !app->logs && (!s || s->mode == MODE_NORMAL) &&
	    screen_hosts_exec(app, call)) {
		screen_mark_dirty(app);
		return;
	}
	if (app->matrix_open && app->matrix && !app->describe && !app->logs && (!s || s->mode == MODE_NORMAL) &&
	    screen_matrix_exec(app, call)) {
		screen_mark_dirty(app);
		return;
	}
	switch (call->id) {
	case CMD_QUIT:
		app->quit = true;
		loop_stop(app->loop);
		break;
	case CMD_HELP:
		if (s) {
			s->mode = s->mode == MODE_HELP ? MODE_NORMAL : MODE_HELP;
			s->help_top = 0;
		}
		break;
	case CMD_PODS:
		screen_focus(app, APP_PANE_PODS);
		break;
	case CMD_NODES:
		screen_focus(app, APP_PANE_NODES);
		break;
	case CMD_WORKLOADS:
		screen_focus(app, APP_PANE_WORKLOADS);
		break;
	case CMD_EVENTS:
		screen_focus(app, APP_PANE_EVENTS);
		break;
	case CMD_DESCRIBE:
		screen_describe(app, call->arg);
		break;
	case CMD_SORT:
		if (pane_set_sort(p, call->arg, err, sizeof(err)) < 0)
			screen_message(app, true, "%s", err);
		else
			screen_message(app, false, "%s sorted by %s", p->ops->name, pane_sort_name(p));
		break;
	case CMD_SORT_NEXT:
		pane_sort_next(p);
		screen_message(app, false, "%s sorted by %s", p->ops->name, pane_sort_name(p));
		break;
	case CMD_CTX:
		if (!app->use_context)
			screen_message(app, true, "ctx: no kubeconfig contexts are loaded (started with --server)");
		else if (app->use_context(app, call->arg, err, sizeof(err)) < 0)
			screen_message(app, true, "ctx %.60s: %s", call->arg, err);
		else
			screen_message(app, false, "context: %s", call->arg);
		break;
	case CMD_NEXT_PANE:
		screen_focus(app, (app->focus + 1) % APP_NPANES);
		break;
	case CMD_ZOOM:
		app->zoom = !app->zoom;
		break;
	case CMD_FILTER:
		pane_set_filter(p, call->arg);
		if (p->filter_error[0])
			screen_message(app, true, "%s", p->filter_error);
		break;
	case CMD_NS:
		screen_set_namespace(app, call->arg);
		break;
	case CMD_REFRESH:
		for (size_t i = 0; i < KUBE_NRESOURCES; i++)
			if (app->informers[i])
				informer_start(app->informers[i]);
		screen_message(app, false, "refreshing");
		break;
	case CMD_MOVE_UP:
		pane_move(p, -1);
		break;
	case CMD_MOVE_DOWN:
		pane_move(p, 1);
		break;
	case CMD_PAGE_UP:
		pane_move(p, -(long)page);
		break;
	case CMD_PAGE_DOWN:
		pane_move(p, (long)page);
		break;
	case CMD_MOVE_TOP:
		pane_move_to(p, 0);
		break;
	case CMD_MOVE_BOTTOM:
		pane_move_to(p, p->nrows ? p->nrows - 1 : 0);
		break;
	case CMD_PROMPT_FILTER:
		if (s) {
			s->mode = MODE_FILTER;
			snprintf(s->saved_filter, sizeof(s->saved_filter), "%s", p->filter);
			snprintf(s->prompt, sizeof(s->prompt), "%s", p->filter);
		}
		break;
	case CMD_PROMPT_COMMAND:
		if (s) {
			s->mode = MODE_COMMAND;
			s->prompt[0] = '\0';
		}
		break;
	case CMD_CANCEL:
		if (s && s->mode == MODE_HELP)
			s->mode = MODE_NORMAL;
		else if (p->filter[0])
			pane_set_filter(p, "");
		if (s)
			s->message[0] = '\0';
		break;
	case CMD_LOGS:
	case CMD_LOGCHECK:
		screen_logs_open(app, call->arg, call->id == CMD_LOGCHECK);
		break;
	case CMD_LOG_PAUSE:
	case CMD_LOG_SEARCH:
	case CMD_SEARCH_NEXT:
	case CMD_SEARCH_PREV:
	case CMD_LOG_GREP:
	case CMD_LOG_EXCLUDE:
	case CMD_LOG_CONTEXT:
	case CMD_LOG_WRAP:
	case CMD_LOG_TIMESTAMPS:
	case CMD_SCROLL_LEFT:
	case CMD_SCROLL_RIGHT:
	case CMD_LOG_SAVE:
		screen_message(app, true, "%s: only in the logs view (open one with l or :logs TARGET)",
			       commands_table[call->id].name);
		break;
	case CMD_HOSTS:
	case CMD_SSH:
	case CMD_SSH_CANCEL:
		screen_hosts_command(app, call);
		break;
	case CMD_MATRIX:
	case CMD_SYMPTOM:
	case CMD_RUNBOOK:
		screen_matrix_command(app, call);
		break;
	case CMD_SCALE:
	case CMD_RESTART:
	case CMD_DELETE:
	case CMD_CORDON:
	case CMD_UNCORDON:
	case CMD_DRAIN:
	case CMD_RED_BUTTON:
	case CMD_RESTORE:
		/* Mutating: panels/confirm plans, asks, and hands over to the request gate. */
		confirm_start(app, call->id, call->arg);
		break;
	case CMD__COUNT:
		break;
	}
	screen_mark_dirty(app);
}

int screen_run_line(struct app *app, const char *line)
{
	struct command_call call;
	char err[300];
	if (commands_parse(line, &call, err, sizeof(err)) < 0) {
		screen_message(app, true, "%s", err);
		return -1;
	}
	screen_exec(app, &call);
	return 0;
}

/* ---- drawing ---------------------------------------------------------------------- */

static attr_t screen_sev_attr(const struct screen *s, enum model_severity sev)
{
	if (sev == SEV_BAD)
		return s->colors ? (attr_t)COLOR_PAIR(PAIR_BAD) | A_BOLD : A_BOLD;
	if (sev == SEV_WARN)
		return s->colors ? (attr_t)COLOR_PAIR(PAIR_WARN) : A_NORMAL;
	return A_NORMAL;
}

/* Draws already-sanitised text fitted to exactly `width` columns at (y, 0). */
static void screen_put(struct screen *s, int y, int width, const char *text, attr_t attr)
{
	text_fit(text, (size_t)width, s->line, sizeof(s->line));
	attrset(attr);
	mvaddstr(y, s->x, s->line);
	attrset(A_NORMAL);
}

static void screen_status_text(struct app *app, char *out, size_t cap, bool *bad)
{
	/* Connection state and data age per source come from kube/informer, so stale data
	 * never looks fresh: "watching", "pods reconnecting 3s, stale 40s  ERROR". */
	char state[1600];
	informer_describe_sources(app->informers, KUBE_NRESOURCES, loop_now_ms(), state, sizeof(state), bad);
	char raw[2048];
	const char *server = strncmp(app->server, "http://", 7) == 0 ? app->server + 7 : app->server;
	/* Connection notes (kube/auth): unverified TLS, a running or failed exec plugin. */
	char note[700] = "";
	const struct kube_conn *conn = app->auth ? auth_conn(app->auth) : NULL;
	const char *plugin = app->auth ? auth_state_text(app->auth) : "";
	if (conn && conn->insecure)
		snprintf(note, sizeof(note), "  ! insecure-skip-tls-verify");
	else if (conn && conn->nwarnings)
		snprintf(note, sizeof(note), "  ! %.300s", conn->warnings[0]);
	if (plugin[0]) {
		size_t n = strlen(note);
		snprintf(note + n, sizeof(note) - n, "  auth: %.300s", plugin);
		*bad = *bad || strcmp(plugin, "exec plugin running") != 0;
	}
	/* Most important first, so 80 columns cut only the tail: which cluster (the context,
	 * or the server when there is none), namespace, data state, notes, then the server. */
	if (conn && conn->context)
		snprintf(raw, sizeof(raw), " warroom  ctx:%.200s  ns:%s  %s%s  %s", conn->context,
			 app->ns ? app->ns : "all", state, note, server);
	else
		snprintf(raw, sizeof(raw), " warroom  %s  ns:%s  %s%s", server, app->ns ? app->ns : "all", state,
			 note);
	text_sanitize(raw, strlen(raw), out, cap);
}

static void screen_draw_status(struct app *app, int width)
{
	struct screen *s = app->screen;
	char text[SCREEN_LINE];
	bool bad;
	screen_status_text(app, text, sizeof(text), &bad);
	attr_t attr = s->colors ? (attr_t)COLOR_PAIR(bad ? PAIR_BAR_BAD : PAIR_BAR) : A_REVERSE;
	if (bad)
		attr |= A_BOLD;
	screen_put(s, 0, width, text, attr);
}

static void screen_draw_pane(struct app *app, size_t idx, int y, int h, int width, time_t now)
{
	struct screen *s = app->screen;
	struct pane *p = &app->panes[idx];
	bool focused = idx == app->focus;
	char title[600], filt[300] = "";
	if (p->filter[0])
		snprintf(filt, sizeof(filt), "  filter: %s", p->filter);
	snprintf(title, sizeof(title), " %s%s  %zu of %zu%s%s", focused ? "> " : "  ", p->ops->title,
		 p->nrows, p->total, filt, app->zoom ? "  [zoom]" : "");
	char safe[700];
	text_sanitize(title, strlen(title), safe, sizeof(safe));
	screen_put(s, y, width, safe, focused ? (A_BOLD | A_UNDERLINE) : A_UNDERLINE);
	if (h < 2)
		return;
	int widths[PANE_MAX_COLS];
	pane_layout(p, width, widths);
	pane_format_line(p, NULL, widths, width, s->line, sizeof(s->line));
	attrset(A_BOLD);
	mvaddstr(y + 1, s->x, s->line);
	attrset(A_NORMAL);
	int rows = h - 2;
	s->pane_rows[idx] = rows;
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
		if (focused && i == p->sel)
			attr |= A_REVERSE;
		attrset(attr);
		mvaddstr(y + 2 + r, s->x, s->line);
		/* Cells that must catch the eye (a climbing restart count) are redrawn bold. */
		int cx = 0;
		for (size_t c = 0; c < p->ops->ncolumns && row.hl; c++) {
			if (!widths[c])
				continue;
			if (row.hl & (1u << c) && cx + widths[c] <= width) {
				char cell[PANE_CELL * 2];
				text_fit(row.cell[c], (size_t)widths[c], cell, sizeof(cell));
				/* Replace the row's colour, never OR a second pair into it (that
				 * yields a third pair); a red row is already bold, so there the
				 * count is drawn in reverse red. */
				attr_t hl = (attr & ~(attr_t)A_COLOR) | A_BOLD;
				if (row.sev == SEV_BAD)
					hl |= A_REVERSE | (s->colors ? (attr_t)COLOR_PAIR(PAIR_BAD) : 0);
				else
					hl |= s->colors ? (attr_t)COLOR_PAIR(PAIR_WARN) : A_UNDERLINE;
				attrset(hl);
				mvaddstr(y + 2 + r, s->x + cx, cell);
			}
			cx += widths[c] + 2;
		}
		attrset(A_NORMAL);
	}
	if (p->nrows == 0 && rows > 0) {
		static const enum kube_resource src[APP_NPANES] = {
			[APP_PANE_PODS] = KUBE_PODS, [APP_PANE_NODES] = KUBE_NODES,
			[APP_PANE_WORKLOADS] = KUBE_DEPLOYMENTS, [APP_PANE_EVENTS] = KUBE_EVENTS,
		};
		struct informer *l = app->informers[src[idx]];
		char empty[400];
		if (p->total > 0)
			snprintf(empty, sizeof(empty), "  (no %s match '%s'; Esc clears the filter)",
				 p->ops->name, p->filter);
		else if (l && !informer_has_synced(l) && informer_error(l) && informer_error(l)[0])
			/* Never listed: the pane itself says why (the status line may be cut at 80 columns). */
			snprintf(empty, sizeof(empty), "  (%.380s)", informer_error(l));
		else if (l && !informer_has_synced(l))
			snprintf(empty, sizeof(empty), "  (%s...)",
				 informer_state(l) == INFORMER_LISTING ? "listing" : "waiting for the server");
		else
			snprintf(empty, sizeof(empty), "  (no %s)", p->ops->name);
		text_sanitize(empty, strlen(empty), safe, sizeof(safe));
		screen_put(s, y + 2, width, safe, A_DIM);
	}
}

static void screen_draw_help(struct app *app, int y, int h, int width)
{
	struct screen *s = app->screen;
	char helptext[CMD__COUNT + 8][300];
	size_t n = 0;
	snprintf(helptext[n++], sizeof(helptext[0]), " Help: keys and commands (Esc, q or ? closes; j/k scroll)");
	snprintf(helptext[n++], sizeof(helptext[0]), " %-16s %-24s %s", "KEYS", "COMMAND", "WHAT IT DOES");
	for (size_t i = 0; i < CMD__COUNT; i++) {
		const struct command_info *ci = &commands_table[i];
		char keys[64], name[64];
		if (ci->mutates && app->read_only)
			continue; /* read-only: the gate refuses them anyway; do not advertise them */
		keymap_keys_for(&app->keymap, ci->id, keys, sizeof(keys));
		const char *an = commands_arg_name(ci->id);
		snprintf(name, sizeof(name), "%s%s%s", ci->name, an[0] ? " " : "", an);
		snprintf(helptext[n++], sizeof(helptext[0]), " %-16.16s %-24s %s", keys[0] ? keys : "-", name,
			 ci->help);
	}
	snprintf(helptext[n++], sizeof(helptext[0]), " ");
	snprintf(helptext[n++], sizeof(helptext[0]),
		 " Type ':' then a command (Tab completes), e.g. ':ns ingest', ':filter crash'.");
	if (s->help_top + (size_t)h > n)
		s->help_top = n > (size_t)h ? n - (size_t)h : 0;
	for (int r = 0; r < h; r++) {
		size_t i = s->help_top + (size_t)r;
		if (i < n) {
			char safe[400];
			text_sanitize(helptext[i], strlen(helptext[i]), safe, sizeof(safe));
			screen_put(s, y + r, width, safe, i == 0 ? A_BOLD : (i == 1 ? A_UNDERLINE : A_NORMAL));
		} else {
			move(y + r, 0);
			clrtoeol();
		}
	}
}

static void screen_draw_bottom(struct app *app, int y, int width)
{
	struct screen *s = app->screen;
	char raw[600], safe[800];
	if (s->mode == MODE_FILTER || s->mode == MODE_COMMAND) {
		snprintf(raw, sizeof(raw), "%s%s", s->mode == MODE_FILTER ? "/" : ":", s->prompt);
		text_sanitize(raw, strlen(raw), safe, sizeof(safe));
		screen_put(s, y, width, safe, A_NORMAL);
		size_t w = text_width(safe);
		/* The palette shows what the command being typed does, after the text. */
		char hint[400], hsafe[500];
		if (s->mode == MODE_COMMAND)
			palette_hint(s->prompt, hint, sizeof(hint));
		else
			snprintf(hint, sizeof(hint), "%s", screen_focused(app)->filter_error[0]
				 ? screen_focused(app)->filter_error : "text, or ~regex (case-insensitive)");
		text_sanitize(hint, strlen(hint), hsafe, sizeof(hsafe));
		if (hint[0] && (int)w + 4 < width) {
			attrset(A_DIM);
			text_fit(hsafe, (size_t)(width - (int)w - 3), s->line, sizeof(s->line));
			mvaddstr(y, (int)w + 3, s->line);
			attrset(A_NORMAL);
		}
		move(y, (int)(w < (size_t)width ? w : (size_t)width - 1));
		curs_set(1);
		return;
	}
	curs_set(0);
	if (s->message[0]) {
		screen_put(s, y, width, s->message, s->message_error ? screen_sev_attr(s, SEV_BAD) : A_NORMAL);
		return;
	}
	char k_help[32], k_filter[32], k_cmd[32], k_next[32], k_zoom[32], k_quit[32];
	keymap_keys_for(&app->keymap, CMD_HELP, k_help, sizeof(k_help));
	keymap_keys_for(&app->keymap, CMD_PROMPT_FILTER, k_filter, sizeof(k_filter));
	keymap_keys_for(&app->keymap, CMD_PROMPT_COMMAND, k_cmd, sizeof(k_cmd));
	keymap_keys_for(&app->keymap, CMD_NEXT_PANE, k_next, sizeof(k_next));
	keymap_keys_for(&app->keymap, CMD_ZOOM, k_zoom, sizeof(k_zoom));
	keymap_keys_for(&app->keymap, CMD_QUIT, k_quit, sizeof(k_quit));
	/* Only the first key of each: the hint line is for the common keys. */
	char *lists[] = { k_help, k_filter, k_cmd, k_next, k_zoom, k_quit };
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		char *comma = strchr(lists[i], ',');
		if (comma)
			*comma = '\0';
	}
	snprintf(raw, sizeof(raw), " %s help  %s filter  %s command  %s next pane  %s zoom  %s quit",
		 k_help, k_filter, k_cmd, k_next, k_zoom, k_quit);
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	screen_put(s, y, width, safe, A_DIM);
}

/* One line standing for a pane that has no room of its own: its title, counts, and its
 * first (worst) row, so even 80x24 shows something of every pane. */
static void screen_draw_summary(struct app *app, size_t idx, int y, int width, time_t now)
{
	struct screen *s = app->screen;
	struct pane *p = &app->panes[idx];
	size_t bad = 0, warn = 0;
	for (size_t i = 0; i < p->nrows; i++) {
		struct pane_row row;
		pane_row_fill(p, &app->model, i, now, &row);
		bad += row.sev == SEV_BAD;
		warn += row.sev == SEV_WARN;
	}
	char text[SCREEN_LINE];
	size_t len = (size_t)snprintf(text, sizeof(text), " %s%s %zu", idx == app->focus ? "> " : "", p->ops->title,
				      p->nrows);
	if (bad || warn)
		len += (size_t)snprintf(text + len, sizeof(text) - len, " (%zu bad, %zu warn)", bad, warn);
	enum model_severity sev = SEV_OK;
	if (p->nrows) {
		struct pane_row row;
		pane_row_fill(p, &app->model, 0, now, &row);
		sev = row.sev;
		if (row.sev != SEV_OK) {
			len += (size_t)snprintf(text + len, sizeof(text) - len, ":");
			for (size_t c = 0; c < p->ops->ncolumns && len + 4 < sizeof(text); c++)
				len += (size_t)snprintf(text + len, sizeof(text) - len, " %s", row.cell[c]);
		}
	}
	/* Cells are sanitised already; the title and counts are ours. */
	screen_put(s, y, width, text, screen_sev_attr(s, sev));
}

/* The dashboard.  Wide terminals: pods on the left, nodes/workloads/events stacked on
 * the right.  Otherwise: pods above the focused other pane (nodes by default), one
 * summary line for each remaining pane.  Zoomed or tiny: the focused pane alone. */
static void screen_draw_dashboard(struct app *app, int top, int area, int width, time_t now)
{
	struct screen *s = app->screen;
	for (size_t i = 0; i < APP_NPANES; i++)
		s->pane_rows[i] = 0;
	s->x = 0;
	if (app->zoom || area < 8) {
		screen_draw_pane(app, app->focus, top, area, width, now);
		return;
	}
	if (width >= 180 && area >= 20) {
		int left = width * 55 / 100, right = width - left - 1;
		screen_draw_pane(app, APP_PANE_PODS, top, area, left, now);
		for (int y = top; y < top + area; y++)
			mvaddstr(y, left, " ");
		s->x = left + 1;
		int y = top, rest = area;
		static const size_t order[] = { APP_PANE_NODES, APP_PANE_WORKLOADS, APP_PANE_EVENTS };
		for (size_t k = 0; k < 3; k++) {
			const struct pane *p = &app->panes[order[k]];
			int h = rest;
			if (k < 2) {
				int want = (int)p->nrows + 2, most = area / 3;
				h = want < 4 ? 4 : (want > most ? most : want);
			}
			screen_draw_pane(app, order[k], y, h, right, now);
			y += h;
			rest -= h;
		}
		s->x = 0;
		return;
	}
	size_t second = app->focus == APP_PANE_PODS ? APP_PANE_NODES : app->focus;
	int summaries = APP_NPANES - 2;
	int main_area = area - summaries;
	int want = (int)app->panes[second].nrows + 2;
	int most = second == APP_PANE_NODES ? main_area * 2 / 5 : main_area / 2;
	int h2 = want < 4 ? 4 : (want > most ? most : want);
	screen_draw_pane(app, APP_PANE_PODS, top, main_area - h2, width, now);
	screen_draw_pane(app, second, top + main_area - h2, h2, width, now);
	int y = top + main_area;
	for (size_t i = 0; i < APP_NPANES; i++)
		if (i != APP_PANE_PODS && i != second)
			screen_draw_summary(app, i, y++, width, now);
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
		move(y + 1 + r, 0);
		for (size_t k = 0; k < row->nseg; k++) {
			const struct logs_seg *g = &row->seg[k];
			attr_t a = A_NORMAL;
			switch ((enum logs_attr)g->attr) {
			case LOGS_ATTR_TAG:
				a = s->colors ? (attr_t)COLOR_PAIR(PAIR_LOG0 + g->colour % LOGBUF_NCOLOURS) : A_BOLD;
				break;
			case LOGS_ATTR_GONE: a = A_DIM; break;
			case LOGS_ATTR_TIME: a = A_DIM; break;
			case LOGS_ATTR_MARKER: a = A_BOLD | (s->colors ? (attr_t)COLOR_PAIR(PAIR_WARN) : 0); break;
			case LOGS_ATTR_RULE: a = A_BOLD | (s->colors ? (attr_t)COLOR_PAIR(PAIR_BAD) : A_UNDERLINE); break;
			case LOGS_ATTR_SEARCH: a = s->colors ? (attr_t)COLOR_PAIR(PAIR_SEARCH) : A_REVERSE; break;
			case LOGS_ATTR_TEXT: break;
			}
			attrset(a);
			addnstr(row->text + g->off, g->len);
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
			addnstr(hl[r].text + g->off, g->len);
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

/* The action dialog or progress (panels/confirm), over the bottom of the main area. */
static void screen_draw_actions(struct app *app, int top, int area, int width)
{
	struct screen *s = app->screen;
	char dlg[24][CONFIRM_LINE];
	size_t max = area > 24 ? 24 : (size_t)area;
	size_t n = confirm_view(app, dlg, max);
	if (n == 0)
		return;
	int y = top + area - (int)n;
	for (size_t i = 0; i < n; i++) {
		char safe[CONFIRM_LINE * 2];
		text_sanitize(dlg[i], strlen(dlg[i]), safe, sizeof(safe));
		screen_put(s, y + (int)i, width, safe, i == 0 ? (A_REVERSE | A_BOLD) : A_REVERSE);
	}
}

static void screen_draw(struct app *app)
{
	struct screen *s = app->screen;
	int height = LINES, width = COLS;
	if (width > SCREEN_MAX_COLS)
		width = SCREEN_MAX_COLS;
	if (height < 1 || width < 1)
		return;
	time_t now = time(NULL);
	screen_sync_panes(app);
	screen_draw_status(app, width);
	int top = 1, area = height - 2;
	if (area > 0) {
		if (s->mode == MODE_HELP) {
			screen_draw_help(app, top, area, width);
		} else if (app->describe) {
			screen_draw_describe(app, top, area, width);
		} else if (app->hosts_open && app->hosts && !app->logs) {
			screen_draw_hosts(app, top, area, width, now);
		} else if (app->logs) {
			screen_draw_logs(app, top, area, width);
		} else if (app->matrix_open && app->matrix) {
			screen_draw_matrix(app, top, area, width);
		} else {
			screen_draw_dashboard(app, top, area, width, now);
		}
		screen_draw_actions(app, top, area, width);
	}
	if (height >= 2)
		screen_draw_bottom(app, height - 1, width);
	wnoutrefresh(stdscr);
	doupdate();
	s->dirty = false;
	s->last_frame_ms = loop_now_ms();
	app->frames++;
	if (app->exit_after_frames > 0 && app->frames >= app->exit_after_frames) {
		app->quit = true;
		loop_stop(app->loop);
	}
}

/* ---- loop hooks ----------------------------------------------------------------- */

static long screen_on_frame_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct app *app = ud;
	app->screen->frame_timer = 0;
	return LOOP_TIMER_STOP;
}

static void screen_before_sleep(struct loop *loop, void *ud)
{
	struct app *app = ud;
	struct screen *s = app->screen;
	if (!s || !s->dirty || app->quit)
		return;
	long long since = loop_now_ms() - s->last_frame_ms;
	if (since < SCREEN_FRAME_MS) {
		/* Too soon for another frame: wake up when it is time instead. */
		if (!s->frame_timer)
			s->frame_timer = loop_add_timer(loop, SCREEN_FRAME_MS - since, screen_on_frame_timer, app);
		return;
	}
	screen_draw(app);
}

static long screen_on_tick(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct app *app = ud;
	app->screen->dirty = true; /* ages and "data Ns old" move on */
	return SCREEN_TICK_MS;
}

static void screen_resize(struct app *app)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	app->screen->dirty = true;
}

static void screen_prompt_key(struct app *app, wint_t ch, bool is_key)
{
	struct screen *s = app->screen;
	size_t len = strlen(s->prompt);
	bool filter = s->mode == MODE_FILTER;
	if ((!is_key && (ch == '\n' || ch == '\r')) || (is_key && ch == KEY_ENTER)) {
		s->mode = MODE_NORMAL;
		if (!filter && s->prompt[0]) {
			char line[256];
			snprintf(line, sizeof(line), "%s", s->prompt);
			s->message[0] = '\0';
			screen_run_line(app, line);
		}
	} else if (!is_key && ch == 27) {
		if (filter)
			pane_set_filter(screen_focused(app), s->saved_filter);
		s->mode = MODE_NORMAL;
	} else if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8))) {
		/* Remove one UTF-8 character. */
		while (len > 0 && ((unsigned char)s->prompt[len - 1] & 0xC0) == 0x80)
			len--;
		if (len > 0)
			len--;
		s->prompt[len] = '\0';
	} else if (!is_key && ch == 21) { /* C-u */
		s->prompt[0] = '\0';
	} else if (!is_key && ch == '\t' && !filter) {
		struct palette_ctx ctx = { .model = &app->model, .focused = screen_focused(app), .ns = app->ns };
		char done[sizeof(s->prompt)];
		palette_complete(&ctx, s->prompt, done, sizeof(done));
		snprintf(s->prompt, sizeof(s->prompt), "%s", done);
	} else if (!is_key && ch >= 0x20 && ch != 127) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(mb, (wchar_t)ch, &st);
		if (n != (size_t)-1 && len + n < sizeof(s->prompt)) {
			memcpy(s->prompt + len, mb, n);
			s->prompt[len + n] = '\0';
		}
	}
	if (filter && s->mode == MODE_FILTER)
		pane_set_filter(screen_focused(app), s->prompt);
	s->dirty = true;
}

static void screen_help_key(struct app *app, int key)
{
	struct screen *s = app->screen;
	const struct command_call *call = keymap_lookup(&app->keymap, key);
	enum cmd_id id = call ? call->id : CMD__COUNT;
	if (id == CMD_QUIT || id == CMD_HELP || id == CMD_CANCEL)
		s->mode = MODE_NORMAL;
	else if (id == CMD_MOVE_DOWN)
		s->help_top++;
	else if (id == CMD_MOVE_UP && s->help_top > 0)
		s->help_top--;
	else if (id == CMD_PAGE_DOWN)
		s->help_top += 10;
	else if (id == CMD_PAGE_UP)
		s->help_top = s->help_top > 10 ? s->help_top - 10 : 0;
	else if (id == CMD_MOVE_TOP)
		s->help_top = 0;
	s->dirty = true;
}

static void screen_key(struct app *app, wint_t ch, bool is_key)
{
	struct screen *s = app->screen;
	if (is_key && ch == KEY_RESIZE) {
		screen_resize(app);
		return;
	}
	/* A hosts pane question (host key, passphrase) takes every key until answered. */
	if (s->mode == MODE_NORMAL && app->hosts_open && app->hosts && !app->logs && !app->describe &&
	    hosts_view_prompting(app->hosts)) {
		int hk = -1;
		if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER))
			hk = '\n';
		else if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8)))
			hk = 127;
		else if (!is_key)
			hk = (int)ch;
		hosts_view_key(app->hosts, hk);
		s->dirty = true;
		return;
	}
	if (s->mode == MODE_FILTER || s->mode == MODE_COMMAND) {
		screen_prompt_key(app, ch, is_key);
		return;
	}
	/* An action's dialog (panels/confirm) takes every key while it is open. */
	if (confirm_key(app, (int)ch, is_key)) {
		s->dirty = true;
		return;
	}
	int key = (int)ch;
	/* Raw mode with nonl(): Return arrives as CR; the keymap calls it Enter ('\n'). */
	if ((!is_key && ch == '\r') || (is_key && ch == KEY_ENTER))
		key = '\n';
	if (!is_key && ch >= 0x80)
		return; /* no bindings for non-ASCII characters */
	if (s->mode == MODE_HELP) {
		screen_help_key(app, key);
		return;
	}
	const struct command_call *call = keymap_lookup(&app->keymap, key);
	if (!call)
		return;
	s->message[0] = '\0';
	struct command_call copy = *call;
	screen_exec(app, &copy);
}

static void screen_on_tty(struct loop *loop, int fd, int revents, void *ud)
{
	(void)fd;
	struct app *app = ud;
	wint_t ch;
	int rc;
	int got = 0;
	while (!app->quit && (rc = wget_wch(stdscr, &ch)) != ERR) {
		screen_key(app, ch, rc == KEY_CODE_YES);
		got++;
	}
	/* Readable with nothing to read, or a hang-up: the terminal has gone away. */
	if (!got && (revents & LOOP_WRITE)) {
		app->quit = true;
		app->exit_code = 1;
		loop_stop(loop);
	}
}

static void screen_on_signal(struct loop *loop, int fd, int revents, void *ud)
{
	(void)revents;
	struct app *app = ud;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			screen_resize(app);
		} else {
			app->quit = true;
			app->exit_code = 128 + (int)si.ssi_signo;
			loop_stop(loop);
		}
	}
}

int screen_start(struct app *app, char *err, size_t errcap)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errcap, "the console needs a terminal on stdin and stdout (use --batch for scripts)");
		return -1;
	}
	struct screen *s = xcalloc(1, sizeof(*s));
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &mask, &s->oldmask) < 0 ||
	    (s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		snprintf(err, errcap, "signalfd: %s", strerror(errno));
		free(s);
		return -1;
	}
	s->term = newterm(NULL, stdout, stdin);
	if (!s->term) {
		const char *term = getenv("TERM");
		snprintf(err, errcap, "terminal type '%.40s' cannot run the console (use --batch, or set TERM)",
			 term ? term : "(unset)");
		close(s->sigfd);
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
		free(s);
		return -1;
	}
	set_term(s->term);
	/* A terminal without cursor addressing (TERM=dumb) cannot show a dashboard. */
	const char *cup = tigetstr("cup");
	if (!cup || cup == (const char *)-1) {
		const char *term = getenv("TERM");
		endwin();
		delscreen(s->term);
		snprintf(err, errcap, "terminal type '%.40s' cannot move the cursor; use --batch, or set TERM "
			 "(e.g. xterm)", term ? term : "(unset)");
		close(s->sigfd);
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
		free(s);
		return -1;
	}
	raw(); /* C-c is a key (bound to quit), not a signal that would skip endwin */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors() && start_color() == OK) {
		s->colors = true;
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
		init_pair(PAIR_BAD, COLOR_RED, bg);
		init_pair(PAIR_WARN, COLOR_YELLOW, bg);
		init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_BAR_BAD, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_SEARCH, COLOR_BLACK, COLOR_YELLOW);
		/* Pod tags in the logs view: a stable colour per pod. */
		static const short logcol[LOGBUF_NCOLOURS] = { COLOR_CYAN, COLOR_GREEN, COLOR_MAGENTA,
							       COLOR_BLUE, COLOR_YELLOW, COLOR_RED };
		for (short i = 0; i < LOGBUF_NCOLOURS; i++)
			init_pair((short)(PAIR_LOG0 + i), logcol[i], bg);
	}
	s->dirty = true;
	app->screen = s;
	loop_watch_fd(app->loop, STDIN_FILENO, LOOP_READ, screen_on_tty, app);
	loop_watch_fd(app->loop, s->sigfd, LOOP_READ, screen_on_signal, app);
	loop_set_before_sleep(app->loop, screen_before_sleep, app);
	s->tick_timer = loop_add_timer(app->loop, SCREEN_TICK_MS, screen_on_tick, app);
	return 0;
}

void screen_stop(struct app *app)
{
	struct screen *s = app->screen;
	if (!s)
		return;
	loop_unwatch_fd(app->loop, STDIN_FILENO);
	loop_unwatch_fd(app->loop, s->sigfd);
	loop_set_before_sleep(app->loop, NULL, NULL);
	loop_cancel_timer(app->loop, s->tick_timer);
	loop_cancel_timer(app->loop, s->frame_timer);
	curs_set(1);
	endwin();
	delscreen(s->term);
	close(s->sigfd);
	sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	free(s);
	app->screen = NULL;
}
