#ifndef TUI_RUN_H
#define TUI_RUN_H
/* tui/run: the two console-less entry points, `warroom --batch --panel NAME...` and
 * `warroom run 'COMMAND'`.  Both list what they need once (informers with `once`), then
 * print plain text on stdout: panes as kubectl-like tables, `describe` as its text.
 *
 * Exit codes: 0 on success; 2 with one line on stderr ("warroom: ...") when the command
 * does not parse, does not make sense outside the console, or the server cannot be
 * reached / refuses (the line names the API path and the reason).
 * Contract: the app's loop, http client, model, panes and connection are set up by
 * main(); no screen exists.  Output never contains escape sequences (every outside
 * string goes through tui/text).
 */
#include "tui/app.h"

#include <stddef.h>

/* Pane index for a panel name ("pods", "nodes", "workloads", "events"), -1 if unknown. */
int run_pane_index(const char *name);

/* Lists once what the named panes show and prints them, separated by blank lines. */
int run_panels(struct app *app, const char *const *names, size_t n);

/* The matrix (panels/matrix) once: loads the definitions (--matrix FILEs, else the
 * shipped ones), lists pods and workloads, runs every check and prints per `mode`
 * (table, check lines, symptom lookup of arg, runbook of service arg).  Returns
 * matrix_run's status; 2 when the definitions do not load or the cluster cannot be listed. */
int run_matrix(struct app *app, enum matrix_run_mode mode, const char *arg);

/* `warroom run LINE`. */
int run_command(struct app *app, const char *line);

#endif
