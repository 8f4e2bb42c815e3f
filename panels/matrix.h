#ifndef PANELS_MATRIX_H
#define PANELS_MATRIX_H
/* panels/matrix: the service-to-symptom matrix view and its runbook view (issue 6), and
 * the console-less `--batch --panel matrix`, `warroom check` and `run 'symptom TEXT'`.
 *
 * The matrix view: one row per service, down / not found / degraded / unknown / ok (the
 * worst first, then definition order), the failing checks named, then one column per
 * symptom channel with the text cut to fit; below the table, the symptoms of the services
 * that are down or degraded: what users are reporting now.  `symptom TEXT` narrows the
 * rows to the services whose symptoms match, in rank order (core/symptom), unhealthy
 * ones marked.  Enter opens the runbook of the selected service (panels/runbook.c): its
 * checks, full symptoms, steps, escalations and links; steps that name a command are
 * selectable and Enter, or the key bound to that command (l for logs...), runs it as
 * typed in the ':' prompt, so mutating steps pass the usual confirmation.
 *
 * Contract: everything outside text goes through tui/text (sanitised) here; no curses.
 * notify(ud) is called from loop callbacks and must only mark things dirty.
 */
#include "core/commands.h"
#include "core/health.h"
#include "core/matrix.h"
#include "core/model.h"
#include "core/symptom.h"
#include "keymaps/keymap.h"
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* Loads files (or, with n == 0, every *.yaml of matrix_default_dir(argv0)).  0, or -1 with
 * *err (malloc'd). */
int matrix_load_all(struct matrix *mx, char *const *files, size_t n, const char *argv0, char **err);

struct matrix_view_config {
	const char *server;
	struct http_opts opts;      /* for log reads */
	const char *context;        /* connected context, NULL unknown */
	const char *watched_ns;     /* NULL: all namespaces */
	bool periodic;              /* console: keep checking */
};

enum { MATRIX_ROW_BYTES = 4096 };

/* One screen line of the matrix or runbook view: sanitised UTF-8 of at most `width`
 * columns, with the state that colours it. */
struct matrix_row {
	char text[MATRIX_ROW_BYTES];
	enum health_state state;
	bool heading;               /* title / column titles / section names */
	bool selected;
	bool plain;                 /* no state colour (texts of the runbook) */
};

struct matrix_view;

struct matrix_view *matrix_view_new(struct loop *loop, struct http_client *http, const struct model *model,
				    struct matrix *mx, const struct matrix_view_config *cfg,
				    void (*notify)(void *ud), void *ud);
void matrix_view_free(struct matrix_view *v);
const struct matrix *matrix_view_matrix(const struct matrix_view *v);
/* True while the view was made for this server, namespace and context (the console
 * rebuilds it after `ctx` or `ns`). */
bool matrix_view_follows(const struct matrix_view *v, const char *server, const char *watched_ns,
			 const char *context);
/* The model holds a complete list (before that every service is unknown). */
void matrix_view_set_listed(struct matrix_view *v, bool listed);
/* Re-evaluates health (cheap; call before drawing). */
void matrix_view_update(struct matrix_view *v, time_t now);
/* The health of service i after the last update. */
const struct health_result *matrix_view_result(const struct matrix_view *v, size_t i);

/* Reverse lookup; "" clears.  0, or -1 with msg (bad query).  On success msg says how
 * many services match. */
int matrix_view_symptom(struct matrix_view *v, const char *query, char *msg, size_t cap);
/* Opens the runbook of service NAME ("" : the selected one); -1 with msg when unknown. */
int matrix_view_runbook(struct matrix_view *v, const char *name, char *msg, size_t cap);
bool matrix_view_in_runbook(const struct matrix_view *v);

/* Renders `height` lines for a screen `width` columns wide; returns lines filled. */
size_t matrix_view_render(struct matrix_view *v, const struct keymap *km, int width, int height,
			  struct matrix_row *rows);
/* Status text for the bottom line (raw). */
void matrix_view_status(const struct matrix_view *v, char *out, size_t cap);

enum matrix_exec { MATRIX_EXEC_NOT_MINE, MATRIX_EXEC_DONE, MATRIX_EXEC_CLOSE, MATRIX_EXEC_RUN };
/* Runs a command on the view: movement, describe (Enter: open the runbook / run the
 * selected step), cancel/quit (close the runbook, clear the lookup, close the view), and
 * in the runbook any command a step names.  RUN: `line` holds the command line to run
 * through the console's usual path. */
enum matrix_exec matrix_view_exec(struct matrix_view *v, const struct command_call *call, int page,
				  char *line, size_t linecap, char *msg, size_t msgcap, bool *error);

/* ---- Console-less ---- */

enum matrix_run_mode { MATRIX_RUN_TABLE, MATRIX_RUN_CHECK, MATRIX_RUN_SYMPTOM, MATRIX_RUN_RUNBOOK };

/* Evaluates every service once (log checks and probes run to completion on loop) and
 * prints: the table (TABLE), one line per service (CHECK), the ranked lookup of arg
 * (SYMPTOM) or the runbook of service arg (RUNBOOK).  The model must be listed.
 * Returns the exit status: CHECK 0 all ok, 1 any down/degraded/not found, 2 any unknown
 * (cannot tell); other modes 0, or 2 with a message on err_out. */
int matrix_run(struct loop *loop, struct http_client *http, const struct model *model, struct matrix *mx,
	       const struct matrix_view_config *cfg, enum matrix_run_mode mode, const char *arg, FILE *out,
	       FILE *err_out);

/* ---- panels/runbook.c ---- */

/* Lines of service s's runbook (raw, unwrapped), for the view and for `run 'runbook X'`.
 * kind: 0 text, 1 heading, 2 step with a command (step = its index). */
struct runbook_line {
	char *text;
	int kind;
	size_t step;
	enum health_state state;    /* for check lines; HEALTH_OK otherwise */
	bool plain;
};
size_t runbook_lines(const struct matrix_service *s, const struct health_result *r,
		     const struct health_async *async, const struct keymap *km, struct runbook_line **out);
void runbook_lines_free(struct runbook_line *l, size_t n);
/* Index of the step of s whose command is command `id` (the first), or -1. */
long runbook_step_for(const struct matrix_service *s, enum cmd_id id);

#endif
