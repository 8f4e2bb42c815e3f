#ifndef TUI_SCREEN_INT_H
#define TUI_SCREEN_INT_H
/* tui/screen_int: what the parts of the screen module share; nothing outside tui/screen*.c
 * includes it (tui/screen.h is the public contract).
 *   screen.c        lifecycle, loop hooks (frame pacing, tick, tty, signals), key input
 *                   and the '/' ':' prompts, the message line
 *   screen_exec.c   command dispatch: a command_call run against the app
 *   screen_draw.c   one frame: status line, dashboard of panes, help, bottom line, dialog
 *   screen_views.c  the full-screen views (describe, logs, hosts, matrix): opening them,
 *                   their keys and commands, drawing them
 * Contract: the struct screen exists only between screen_start and screen_stop
 * (app->screen is NULL otherwise); every function here tolerates app->screen == NULL
 * except the drawing ones, which only the before-sleep hook calls.
 */
#include "core/commands.h"
#include "core/model.h"
#include "tui/app.h"
#include "tui/pace.h"

#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum screen_mode { MODE_NORMAL, MODE_FILTER, MODE_COMMAND, MODE_HELP };
enum { PAIR_BAD = 1, PAIR_WARN, PAIR_BAR, PAIR_BAR_BAD, PAIR_SEARCH, PAIR_LOG0 };
/* Line buffers: a line is at most this many columns of up to 4-byte characters. */
enum { SCREEN_MAX_COLS = 1024, SCREEN_LINE = SCREEN_MAX_COLS * 4 + 8 };
/* The smallest terminal the dashboard is drawn on; below it a message says so. */
enum { SCREEN_MIN_COLS = 80, SCREEN_MIN_ROWS = 24 };

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
	bool urgent;               /* a key was handled: draw now, not at the frame budget */
	bool drawing_urgent;       /* the frame being drawn answers a key (for the trace) */
	struct pace pace;       /* when the next model frame may be drawn (tui/pace) */
	long long frame_timer;
	long long tick_timer;
	/* A lone Escape is answered at once; bytes that follow it within esc_ms and
	 * with it spell a key (an escape sequence split by the link) are decoded here
	 * (tui/screen.c, screen_on_tty). */
	char esc_seq[16];          /* ESC and the bytes after it, while they may be a key */
	size_t esc_len;            /* 0: no Escape pending */
	long long esc_at;          /* when the Escape came (monotonic ms) */
	long esc_ms;               /* how long bytes after it may still make a key */
	long long esc_timer;       /* flushes held bytes when no key completes them */
	int pane_rows[APP_NPANES]; /* data rows each pane showed last frame, for paging */
	int timeline_rows;         /* likewise for the timeline view (panels/timeline) */
	int drift_rows;            /* ... and the drift view (panels/drift) */
	int x;                     /* left column of what is being drawn (side-by-side panes) */
	char line[SCREEN_LINE];
};

/* screen.c */
/* Sets the message line (sanitised here: messages may quote user input); without a
 * screen, errors go to stderr and the rest is dropped. */
void screen_message(struct app *app, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct pane *screen_focused(struct app *app);
/* Brings the pane views up to date with the model; returns how many were rebuilt. */
int screen_sync_panes(struct app *app);

/* screen_draw.c */
void screen_draw(struct app *app);
/* Draws already-sanitised text fitted to exactly `width` columns at (y, s->x). */
void screen_put(struct screen *s, int y, int width, const char *text, attr_t attr);
attr_t screen_sev_attr(const struct screen *s, enum model_severity sev);

/* screen_views.c */
/* The hosts pane is what shows (open, and no describe or logs view over it). */
bool screen_hosts_shown(const struct app *app);
/* Closes the describe and logs views (those that show over everything else). */
void screen_close_views(struct app *app);
/* `describe [KIND/NAME]`, `logs`/`logcheck`, `hosts`/`ssh`/`ssh-cancel`,
 * `matrix`/`symptom`/`runbook`: open (and act in) their view. */
void screen_describe(struct app *app, const char *arg);
void screen_logs_open(struct app *app, const char *arg, bool check);
void screen_hosts_command(struct app *app, const struct command_call *call);
void screen_matrix_command(struct app *app, const struct command_call *call);
/* The open view takes the command first: true when it did (nothing else runs it). */
bool screen_views_exec(struct app *app, const struct command_call *call);
/* Draws the open full-screen view over rows [top, top + area); false when none is open
 * (the dashboard shows). */
bool screen_views_draw(struct app *app, int top, int area, int width, time_t now);

#endif
