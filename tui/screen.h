#ifndef TUI_SCREEN_H
#define TUI_SCREEN_H
/* tui/screen: the terminal.  Layout (status line, dashboard of panes, bottom line),
 * the '/' filter and ':' command prompts, the '?' help screen generated from the command
 * table and keymap, key dispatch through the keymap, and command execution.
 *
 * Drawing happens only in the loop's before-sleep hook and only when something is dirty:
 * after a key at once, otherwise paced (10 a second; a burst at start-up); network callbacks call screen_mark_dirty() and nothing
 * else.  Input is drained with non-blocking wget_wch until ERR whenever the tty is
 * readable.  SIGWINCH, SIGINT, SIGTERM and SIGHUP arrive through a signalfd watched by the
 * loop (so no signal handler and no global flag exist).
 * Contract: screen_start returns -1 with a message (no curses state left) when the
 * terminal cannot run the console; after a successful start, screen_stop restores the
 * terminal whatever happened.
 */
#include "core/commands.h"
#include "tui/app.h"

#include <stddef.h>

int screen_start(struct app *app, char *err, size_t errcap);
void screen_stop(struct app *app);

/* Something changed (model, connection state): redraw at the next before-sleep. */
void screen_mark_dirty(struct app *app);

/* Runs a command; user-facing errors ("unknown namespace name ...") go to the message
 * line.  Works without a screen too (batch/run modes ignore view commands). */
void screen_exec(struct app *app, const struct command_call *call);
/* Parses and runs a command line; returns -1 (message shown) when it does not parse. */
int screen_run_line(struct app *app, const char *line);

#endif
