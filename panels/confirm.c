/* panels/confirm: see confirm.h. */
#include "panels/confirm.h"

#include "core/xalloc.h"
#include "kube/actions.h"
#include "tui/app.h"
#include "tui/screen.h"
#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CONFIRM_LOG = 200 };

struct actions_ui {
	struct app *app;
	struct request_ui_ops ops;
	struct request_op *op;          /* waiting for the operator's answer */
	char typed[128];                /* red-button: the namespace as typed */
	bool asking_n;                  /* scale: the dialog asks for the count */
	char n_text[16];
	char n_arg[620];                /* scale's argument without N */
	bool offer_force;               /* delete of a stuck pod: f forces */
	char force_arg[620];
	char log[CONFIRM_LOG][CONFIRM_LINE];
	size_t nlog;
	int running;                    /* actions between confirm and finished */
	bool show_log;
	bool run_mode;
	int run_rc;
	bool run_done;
};

static void confirm_log(struct actions_ui *u, const char *line)
{
	if (u->nlog == CONFIRM_LOG) {
		memmove(u->log[0], u->log[1], sizeof(u->log[0]) * (CONFIRM_LOG - 1));
		u->nlog--;
	}
	snprintf(u->log[u->nlog++], CONFIRM_LINE, "%s", line);
	u->show_log = true;
}

/* ---- console hooks ---- */

static void confirm_on_confirm(void *ud, struct request_op *op)
{
	struct actions_ui *u = ud;
	if (u->op) /* one dialog at a time: a second request is declined, not queued silently */
		request_decide(u->op, false);
	u->op = op;
	u->typed[0] = '\0';
	screen_mark_dirty(u->app);
}

static void confirm_on_progress(void *ud, struct request_op *op, const char *line)
{
	(void)op;
	struct actions_ui *u = ud;
	confirm_log(u, line);
	screen_mark_dirty(u->app);
}

static void confirm_on_finished(void *ud, struct request_op *op)
{
	struct actions_ui *u = ud;
	const struct request_action *a = request_op_action(op);
	const char *res = request_op_result(op);
	const char *err = request_op_error(op);
	char line[CONFIRM_LINE];
	snprintf(line, sizeof(line), "%s: %s%s%s%s", a->command, res, err ? ": " : "", err ? err : "",
		 request_op_dry_run(op) && strcmp(res, "refused") ? " (dry run)" : "");
	confirm_log(u, line);
	if (u->op == op)
		u->op = NULL;
	if (u->running > 0 && strcmp(res, "cancelled") && strcmp(res, "refused"))
		u->running--;
	screen_mark_dirty(u->app);
}

void confirm_console_init(struct app *app)
{
	struct actions_ui *u = xcalloc(1, sizeof(*u));
	u->app = app;
	u->ops.confirm = confirm_on_confirm;
	u->ops.progress = confirm_on_progress;
	u->ops.finished = confirm_on_finished;
	app->actions = u;
	app->gate.ui = &u->ops;
	app->gate.ui_ud = u;
}

void confirm_free(struct app *app)
{
	struct actions_ui *u = app->actions;
	if (!u)
		return;
	if (u->op)
		request_decide(u->op, false);
	app->gate.ui = NULL;
	free(u);
	app->actions = NULL;
}

/* The gate follows the connection (`ctx` may have changed it). */
static void confirm_sync_gate(struct app *app)
{
	app->gate.server = app->server;
	const struct kube_conn *c = app->auth ? auth_conn(app->auth) : NULL;
	if (c && app->audit.path) {
		free(app->audit.context);
		free(app->audit.kube_user);
		app->audit.context = xstrdup(c->context ? c->context : "");
		app->audit.kube_user = xstrdup(c->user ? c->user : "");
		free(app->audit.server);
		app->audit.server = xstrdup(app->server ? app->server : "");
	}
}

/* Target of the selected row for command id, "" when the focused pane has none. */
static void confirm_selection(struct app *app, enum cmd_id id, char *out, size_t cap)
{
	out[0] = '\0';
	struct pane *p = &app->panes[app->focus];
	const void *row = p->sel < p->nrows ? p->rows[p->sel] : NULL;
	if (!row)
		return;
	bool node_cmd = id == CMD_CORDON || id == CMD_UNCORDON || id == CMD_DRAIN;
	if (p->ops == &pane_pods_ops) {
		const struct model_pod *pod = row;
		if (node_cmd && pod->node[0])
			snprintf(out, cap, "%s", pod->node);
		else if (id == CMD_DELETE)
			snprintf(out, cap, "-n %s pod/%s", pod->ns, pod->name);
	} else if (p->ops == &pane_nodes_ops) {
		if (node_cmd)
			snprintf(out, cap, "%s", ((const struct model_node *)row)->name);
	} else if (p->ops == &pane_workloads_ops) {
		const struct model_workload *w = row;
		if (id == CMD_SCALE || id == CMD_RESTART)
			snprintf(out, cap, "-n %s %s/%s", w->ns, w->kind == MODEL_STATEFULSET ? "statefulset" : "deployment",
				 w->name);
	}
}

/* Positional words of an argument (not options, not -n's value). */
static int confirm_count_words(const char *arg)
{
	int n = 0;
	bool skip = false;
	const char *p = arg;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, " ");
		if (skip)
			skip = false;
		else if ((len == 2 && strncmp(p, "-n", 2) == 0) || (len == 11 && strncmp(p, "--namespace", 11) == 0))
			skip = true;
		else if (p[0] != '-')
			n++;
		p += len;
	}
	return n;
}

/* A pod stuck on a NotReady node (runbook 000): the force delete is worth offering. */
static bool confirm_pod_stuck(const struct app *app, const char *arg)
{
	const char *slash = strstr(arg, "pod/");
	const char *nsf = strstr(arg, "-n ");
	if (!slash || !nsf)
		return false;
	char ns[128], name[300];
	if (sscanf(nsf + 3, "%127s", ns) != 1 || sscanf(slash + 4, "%299s", name) != 1)
		return false;
	const struct model_pod *pod = model_pod_find(&app->model, ns, name);
	if (!pod || (strcmp(pod->status, "Unknown") != 0 && strcmp(pod->status, "Terminating") != 0))
		return false;
	const struct model_node *node = pod->node[0] ? model_node_find(&app->model, pod->node) : NULL;
	return node && !node->ready;
}

void confirm_start(struct app *app, enum cmd_id id, const char *arg)
{
	struct actions_ui *u = app->actions;
	confirm_sync_gate(app);
	char full[600];
	snprintf(full, sizeof(full), "%s", arg);
	bool needs_target = id != CMD_RED_BUTTON && id != CMD_RESTORE;
	/* Read-only still takes the selection, so the refusal's audit line names the object
	 * the key was pressed on; with nothing selected it is refused all the same. */
	if (needs_target && confirm_count_words(arg) == 0) {
		char sel[400];
		confirm_selection(app, id, sel, sizeof(sel));
		if (!sel[0] && !app->gate.read_only) {
			char msg[300];
			snprintf(msg, sizeof(msg), "%s: select a %s first, or type ':%s %s'", commands_table[id].name,
				 id == CMD_DELETE ? "pod" : id == CMD_SCALE || id == CMD_RESTART ? "workload" : "node or pod",
				 commands_table[id].name, commands_arg_name(id));
			request_fail_early(&app->gate, commands_table[id].name, app->ns, msg);
			return;
		}
		snprintf(full, sizeof(full), "%s%s%s", sel, arg[0] ? " " : "", arg);
	}
	if (u && id == CMD_SCALE && confirm_count_words(full) == 1 && !app->gate.read_only) {
		u->asking_n = true;
		u->n_text[0] = '\0';
		snprintf(u->n_arg, sizeof(u->n_arg), "%s", full);
		screen_mark_dirty(app);
		return;
	}
	if (u) {
		u->offer_force = id == CMD_DELETE && !strstr(full, "--force") && confirm_pod_stuck(app, full);
		if (u->offer_force)
			snprintf(u->force_arg, sizeof(u->force_arg), "%s --force", full);
		u->running++;
	}
	actions_start(&app->gate, id, full, app->ns);
}

bool confirm_key(struct app *app, int ch, bool is_key)
{
	struct actions_ui *u = app->actions;
	if (!u)
		return false;
	bool enter = (!is_key && (ch == '\n' || ch == '\r')) || (is_key && ch == 0527 /* KEY_ENTER */);
	bool esc = !is_key && ch == 27;
	bool backspace = (!is_key && (ch == 127 || ch == 8)) || (is_key && ch == 0407 /* KEY_BACKSPACE */);
	if (u->asking_n) {
		size_t len = strlen(u->n_text);
		if (esc) {
			u->asking_n = false;
		} else if (backspace && len) {
			u->n_text[len - 1] = '\0';
		} else if (!is_key && ch >= '0' && ch <= '9' && len + 1 < sizeof(u->n_text)) {
			u->n_text[len] = (char)ch;
			u->n_text[len + 1] = '\0';
		} else if (enter && len) {
			u->asking_n = false;
			char arg[660];
			snprintf(arg, sizeof(arg), "%s %s", u->n_arg, u->n_text);
			confirm_start(app, CMD_SCALE, arg);
		}
		screen_mark_dirty(app);
		return true;
	}
	if (u->op) {
		struct request_op *op = u->op;
		const char *word = request_op_action(op)->confirm_word;
		size_t len = strlen(u->typed);
		if (esc || (!word && !is_key && (ch == 'n' || ch == 'N'))) {
			u->op = NULL;
			request_decide(op, false);
		} else if (!word && !is_key && (ch == 'y' || ch == 'Y')) {
			u->op = NULL;
			request_decide(op, true);
		} else if (!word && enter) {
			u->op = NULL;
			request_decide(op, true);
		} else if (!word && u->offer_force && !is_key && ch == 'f') {
			u->op = NULL;
			u->offer_force = false;
			request_decide(op, false);
			confirm_start(app, CMD_DELETE, u->force_arg);
		} else if (word && enter) {
			if (strcmp(u->typed, word) == 0) {
				u->op = NULL;
				request_decide(op, true);
			} else {
				u->typed[0] = '\0'; /* wrong: start again, nothing happens */
			}
		} else if (word && backspace && len) {
			u->typed[len - 1] = '\0';
		} else if (word && !is_key && ch > 0x20 && ch < 0x7f && len + 1 < sizeof(u->typed)) {
			u->typed[len] = (char)ch;
			u->typed[len + 1] = '\0';
		}
		screen_mark_dirty(app);
		return true;
	}
	if (u->show_log && u->running == 0) {
		/* The result stays until the next key, which then does its own job too. */
		u->show_log = false;
		screen_mark_dirty(app);
		return esc;
	}
	return false;
}

size_t confirm_view(const struct app *app, char (*lines)[CONFIRM_LINE], size_t max)
{
	const struct actions_ui *u = app->actions;
	size_t n = 0;
	if (!u || max < 4)
		return 0;
	if (u->asking_n) {
		snprintf(lines[n++], CONFIRM_LINE, " scale %.400s", u->n_arg);
		snprintf(lines[n++], CONFIRM_LINE, " replicas: %s_", u->n_text);
		snprintf(lines[n++], CONFIRM_LINE, " type the new replica count, Enter to continue, Esc to cancel");
		return n;
	}
	if (u->op) {
		const struct request_action *a = request_op_action(u->op);
		snprintf(lines[n++], CONFIRM_LINE, " %s%s%s: %zu object%s%s", a->command, a->ns ? " in " : "",
			 a->ns ? a->ns : "", a->nplan, a->nplan == 1 ? "" : "s",
			 app->gate.dry_run ? " (DRY RUN: the server only checks)" : "");
		size_t room = max > 6 ? max - 5 : 1;
		for (size_t i = 0; i < a->nplan && n < room; i++)
			snprintf(lines[n++], CONFIRM_LINE, "   %s", a->plan[i]);
		if (a->nplan > room - 1 && n == room)
			snprintf(lines[n - 1], CONFIRM_LINE, "   ... and %zu more", a->nplan - (room - 2));
		snprintf(lines[n++], CONFIRM_LINE, " same as: %s", a->equivalent);
		if (u->offer_force)
			snprintf(lines[n++], CONFIRM_LINE,
				 " this pod is stuck on a NotReady node: f force-deletes it (grace 0) instead");
		if (a->confirm_word)
			snprintf(lines[n++], CONFIRM_LINE, " type the namespace name '%s' and Enter to confirm, Esc cancels: %s_",
				 a->confirm_word, u->typed);
		else
			snprintf(lines[n++], CONFIRM_LINE, " y/Enter: do it   n/Esc: cancel");
		return n;
	}
	if (u->show_log && u->nlog) {
		size_t show = u->nlog < max - 1 ? u->nlog : max - 1;
		snprintf(lines[n++], CONFIRM_LINE, " actions%s (any key closes)", u->running ? " running" : "");
		for (size_t i = u->nlog - show; i < u->nlog; i++)
			snprintf(lines[n++], CONFIRM_LINE, " %s", u->log[i]);
	}
	return n;
}

/* ---- warroom run ---- */

static void confirm_run_print(FILE *f, const char *s)
{
	char safe[CONFIRM_LINE * 2];
	text_sanitize(s, strlen(s), safe, sizeof(safe));
	fprintf(f, "%s\n", safe);
	fflush(f);
}

static void confirm_run_on_confirm(void *ud, struct request_op *op)
{
	struct actions_ui *u = ud;
	const struct request_action *a = request_op_action(op);
	char line[CONFIRM_LINE * 2];
	snprintf(line, sizeof(line), "%s%s%s:", a->command, a->ns ? " in namespace " : "", a->ns ? a->ns : "");
	confirm_run_print(stdout, line);
	for (size_t i = 0; i < a->nplan; i++) {
		snprintf(line, sizeof(line), "  %s", a->plan[i]);
		confirm_run_print(stdout, line);
	}
	snprintf(line, sizeof(line), "same as: %s", a->equivalent);
	confirm_run_print(stdout, line);
	if (!isatty(STDIN_FILENO)) {
		confirm_run_print(stderr, "warroom: not confirmed: no terminal to ask on (add --yes)");
		request_decide(op, false);
		return;
	}
	if (a->confirm_word)
		printf("type the namespace name '%s' to confirm: ", a->confirm_word);
	else
		printf("proceed? [y/N] ");
	fflush(stdout);
	/* run mode has nothing else to do meanwhile: reading the answer may block. */
	char ans[200] = "";
	if (!fgets(ans, sizeof(ans), stdin))
		ans[0] = '\0';
	ans[strcspn(ans, "\r\n")] = '\0';
	bool yes = a->confirm_word ? strcmp(ans, a->confirm_word) == 0
				   : (strcmp(ans, "y") == 0 || strcmp(ans, "yes") == 0);
	(void)u;
	request_decide(op, yes);
}

static void confirm_run_on_progress(void *ud, struct request_op *op, const char *line)
{
	(void)ud;
	(void)op;
	confirm_run_print(stdout, line);
}

static void confirm_run_on_finished(void *ud, struct request_op *op)
{
	struct actions_ui *u = ud;
	const char *res = request_op_result(op);
	const char *err = request_op_error(op);
	char line[CONFIRM_LINE * 2];
	bool ok = strcmp(res, "ok") == 0;
	snprintf(line, sizeof(line), "%s%s: %s%s%s%s", ok ? "" : "warroom: ", request_op_action(op)->command, res,
		 err ? ": " : "", err ? err : "", request_op_dry_run(op) && ok ? " (dry run: nothing changed)" : "");
	confirm_run_print(ok ? stdout : stderr, line);
	u->run_rc = ok ? 0 : 1;
	u->run_done = true;
	loop_stop(u->app->loop);
}

int confirm_run_action(struct app *app, enum cmd_id id, const char *arg)
{
	struct actions_ui *u = xcalloc(1, sizeof(*u));
	u->app = app;
	u->run_mode = true;
	u->ops.confirm = confirm_run_on_confirm;
	u->ops.progress = confirm_run_on_progress;
	u->ops.finished = confirm_run_on_finished;
	app->gate.ui = &u->ops;
	app->gate.ui_ud = u;
	app->gate.assume_yes = app->assume_yes;
	confirm_sync_gate(app);
	if (confirm_count_words(arg) == 0 && id != CMD_RED_BUTTON && id != CMD_RESTORE) {
		fprintf(stderr, "warroom: run: %s needs %s outside the console\n", commands_table[id].name,
			commands_arg_name(id));
		free(u);
		app->gate.ui = NULL;
		return 2;
	}
	actions_start(&app->gate, id, arg, app->ns);
	while (!u->run_done)
		loop_run(app->loop);
	/* Events posted after the last write: let them go out before exiting. */
	for (int i = 0; i < 200 && http_pending(app->http) > 0; i++)
		loop_run_once(app->loop, 50);
	int rc = u->run_rc;
	app->gate.ui = NULL;
	free(u);
	return rc;
}
