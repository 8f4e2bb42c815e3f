/* tui/screen_exec: see screen.h (screen_exec, screen_run_line) and screen_int.h.
 * Command dispatch: an open view (screen_views.c) takes a command first; everything else
 * acts on the dashboard, the namespace, the context or the informers here.  Runs without
 * a screen too (batch/run modes), so every use of app->screen is guarded. */
#include "tui/screen.h"

#include "core/xalloc.h"
#include "panels/confirm.h"
#include "panels/drift.h"
#include "panels/timeline.h"
#include "tui/screen_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void screen_focus(struct app *app, size_t idx)
{
	app->focus = idx;
	app->hosts_open = false;
	app->matrix_open = false;
	timeline_console_show(app, false);
	drift_console_show(app, false);
	screen_close_views(app);
}

void screen_exec(struct app *app, const struct command_call *call)
{
	struct screen *s = app->screen;
	struct pane *p = screen_focused(app);
	size_t page = s && s->pane_rows[app->focus] > 1 ? (size_t)s->pane_rows[app->focus] - 1 : 10;
	char err[600];
	/* Selection moves read view rows: bring the views up to date with the model first. */
	screen_sync_panes(app);
	if ((!s || s->mode == MODE_NORMAL) && screen_views_exec(app, call)) {
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
	case CMD_SORT_NEXT:
		if (call->id == CMD_SORT_NEXT) {
			pane_sort_next(p);
		} else if (pane_set_sort(p, call->arg, err, sizeof(err)) < 0) {
			screen_message(app, true, "%s", err);
			break;
		}
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
	case CMD_INCIDENT:
		if (timeline_console_incident(app, call->arg, err, sizeof(err)) < 0)
			screen_message(app, true, "%s", err);
		else
			screen_message(app, false, "%s", err);
		break;
	case CMD_TIMELINE:
		if (!timeline_console_pane(app)) {
			screen_message(app, true, "timeline: off (no state directory: set XDG_STATE_HOME or HOME)");
			break;
		}
		screen_close_views(app);
		app->hosts_open = false;
		app->matrix_open = false;
		drift_console_show(app, false);
		timeline_console_show(app, true);
		break;
	case CMD_DRIFT:
		screen_close_views(app);
		app->hosts_open = false;
		app->matrix_open = false;
		timeline_console_show(app, false);
		drift_console_show(app, true);
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
