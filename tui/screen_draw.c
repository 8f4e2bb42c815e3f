/* tui/screen_draw: see screen_int.h.
 * One frame, top to bottom: the status line, the main area (help, an open view from
 * screen_views.c, or the dashboard of panes), the action dialog over its bottom, then one
 * bottom line for the prompt, messages or key hints.  Curses does the cell diffing, so a
 * frame that repaints stdscr sends only what changed. */
#include "tui/screen.h"

#include "core/trace.h"

#include "panels/confirm.h"
#include "panels/palette.h"
#include "tui/screen_int.h"
#include "tui/term.h"
#include "tui/text.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

attr_t screen_sev_attr(const struct screen *s, enum model_severity sev)
{
	if (sev == SEV_BAD)
		return s->colors ? (attr_t)COLOR_PAIR(PAIR_BAD) | A_BOLD : A_BOLD;
	if (sev == SEV_WARN)
		return s->colors ? (attr_t)COLOR_PAIR(PAIR_WARN) : A_NORMAL;
	return A_NORMAL;
}

void screen_put(struct screen *s, int y, int width, const char *text, attr_t attr)
{
	text_fit(text, (size_t)width, s->line, sizeof(s->line));
	attrset(attr);
	term_mvaddstr(y, s->x, s->line);
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
	term_mvaddstr(y + 1, s->x, s->line);
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
		term_mvaddstr(y + 2 + r, s->x, s->line);
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
				term_mvaddstr(y + 2 + r, s->x + cx, cell);
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
	/* Generated from the active keymap (keymaps/keymap): never out of date. */
	size_t n;
	char **lines = keymap_help(&app->keymap, app->read_only, &n);
	static const char *const head = " Help: keys and commands (Esc, q or ? closes; j/k/g/G scroll)";
	static const char *const tail = " Type ':' then a command (Tab completes), e.g. ':ns ingest', ':filter crash'.";
	size_t total = n + 3;
	if (s->help_top + (size_t)h > total)
		s->help_top = total > (size_t)h ? total - (size_t)h : 0;
	for (int r = 0; r < h; r++) {
		size_t i = s->help_top + (size_t)r;
		const char *text = i == 0 ? head : i <= n ? lines[i - 1] : i == n + 2 ? tail : i == n + 1 ? " " : NULL;
		if (text) {
			char safe[400];
			text_sanitize(text, strlen(text), safe, sizeof(safe));
			/* keymap_help's shapes: section titles, the column header, and the
			 * problems (indented by three blanks; key rows start with one). */
			attr_t a = A_NORMAL;
			if (i == 0 || strncmp(text, " Global keys", 12) == 0 || strncmp(text, " In ", 4) == 0 ||
			    strncmp(text, " Problems", 9) == 0)
				a = A_BOLD;
			else if (strncmp(text, " KEYS ", 6) == 0)
				a = A_UNDERLINE;
			else if (strncmp(text, "   ", 3) == 0)
				a = screen_sev_attr(s, SEV_BAD);
			screen_put(s, y + r, width, safe, a);
		} else {
			move(y + r, 0);
			clrtoeol();
		}
	}
	keymap_help_free(lines, n);
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
			term_mvaddstr(y, (int)w + 3, s->line);
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
	size_t bad = p->nbad, warn = p->nwarn;
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

/* Below 80x24 the panes would be cut to nonsense: say so, plainly, and keep running
 * (keys still work; a resize brings the dashboard back). */
static void screen_draw_too_small(int height, int width)
{
	char msg[160];
	snprintf(msg, sizeof(msg), "warroom needs at least %dx%d; this terminal is %dx%d. Enlarge it, or q quits.",
		 SCREEN_MIN_COLS, SCREEN_MIN_ROWS, COLS, LINES);
	erase();
	int len = (int)strlen(msg);
	int x = len < width ? (width - len) / 2 : 0;
	attrset(A_BOLD);
	mvaddnstr(height / 2, x, msg, width - x);
	attrset(A_NORMAL);
}

void screen_draw(struct app *app)
{
	struct screen *s = app->screen;
	int height = LINES, width = COLS;
	if (width > SCREEN_MAX_COLS)
		width = SCREEN_MAX_COLS;
	if (height < 1 || width < 1)
		return;
	if (height < SCREEN_MIN_ROWS || width < SCREEN_MIN_COLS) {
		screen_draw_too_small(height, width);
		goto drawn;
	}
	time_t now = time(NULL);
	/* WARROOM_TRACE: a frame's parts (draw -> rebuilt -> drawn -> frame), for bench/latency.py. */
	trace_mark("draw", s->drawing_urgent ? "key" : "model");
	int rebuilt = screen_sync_panes(app);
	if (trace_enabled()) {
		char n[24];
		snprintf(n, sizeof(n), "%d", rebuilt);
		trace_mark("rebuilt", n);
	}
	screen_draw_status(app, width);
	int top = 1, area = height - 2;
	if (area > 0) {
		if (s->mode == MODE_HELP)
			screen_draw_help(app, top, area, width);
		else if (!screen_views_draw(app, top, area, width, now))
			screen_draw_dashboard(app, top, area, width, now);
		screen_draw_actions(app, top, area, width);
	}
	if (height >= 2)
		screen_draw_bottom(app, height - 1, width);
drawn:
	wnoutrefresh(stdscr);
	trace_mark("drawn", NULL);
	doupdate();
	trace_mark("frame", NULL); /* WARROOM_TRACE: input/change -> frame latency */
	s->dirty = false;
	app->frames++;
	if (app->exit_after_frames > 0 && app->frames >= app->exit_after_frames) {
		app->quit = true;
		loop_stop(app->loop);
	}
}
