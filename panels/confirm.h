#ifndef PANELS_CONFIRM_H
#define PANELS_CONFIRM_H
/* panels/confirm: the operator's side of the request gate (kube/request) for the
 * remediation commands (kube/actions).
 *
 * Console: confirm_console_init installs the gate's ui hooks.  A mutating command opens
 * a dialog (confirm_view) with the objects, from -> to, and the equivalent kubectl line;
 * y or Enter confirms, n or Esc cancels; red-button shows a field where the namespace
 * name must be typed exactly before Enter does anything.  `scale` without N asks for it
 * in the dialog; `delete` of a pod stuck Unknown/Terminating on a NotReady node offers
 * f for --force.  While an action runs, its progress (n of N, per-object result) is
 * listed; the last lines stay until a key is pressed.
 * Run mode (`warroom run`): confirm_run_action prints the plan and asks on the terminal
 * (--yes skips; no terminal and no --yes refuses), prints progress, and returns the exit
 * status: 0 ok, 1 failed/partial/cancelled/refused, 2 bad command.
 * No curses here: screen.c draws confirm_view's lines.
 */
#include "core/commands.h"

#include <stdbool.h>
#include <stddef.h>

struct app;

void confirm_console_init(struct app *app);
void confirm_free(struct app *app);

/* Runs mutating command id (console): completes a missing target from the selection of
 * the focused pane, then kube/actions takes over.  Messages go through ui hooks. */
void confirm_start(struct app *app, enum cmd_id id, const char *arg);

/* A key while the dialog or the progress list is up: true when consumed. */
bool confirm_key(struct app *app, int ch, bool is_key);

/* Lines to draw over the dashboard (dialog or progress), at most max, each NUL-terminated
 * raw text (screen sanitises).  *title_lines: how many leading lines are headings. */
enum { CONFIRM_LINE = 512 };
size_t confirm_view(const struct app *app, char (*lines)[CONFIRM_LINE], size_t max);

/* `warroom run 'COMMAND'` for a mutating command. */
int confirm_run_action(struct app *app, enum cmd_id id, const char *arg);

#endif
