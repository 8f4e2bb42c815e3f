#ifndef PANELS_LOGS_H
#define PANELS_LOGS_H
/* panels/logs: the log pane's view-model, and the console-less `logs` / `logcheck`.
 *
 * A logs view owns a core/logbuf ring, a core/logview over it and a kube/logmux that
 * fills it from the target's pods.  It renders into rows of attributed segments (tag in
 * the pod's colour, optional time, text with highlight and search spans) that the screen
 * only places: every byte of log text goes through tui/text here.  Following: the view
 * sticks to the newest line unless scrolled up or paused, when it keeps receiving and
 * the status says "N new lines".  The status line also names dropped lines ("N older
 * lines dropped"), filters, and lag when ingest runs ahead of the display.
 *
 * Contract: notify(ud) is called from network callbacks; it must only mark dirty.  No
 * curses here.  logs_run_print / logs_run_check drive the loop themselves until done
 * (or, following, until loop_stop), print plain sanitised text and return an exit code.
 */
#include "core/commands.h"
#include "core/logbuf.h"
#include "core/logcheck.h"
#include "core/logview.h"
#include "core/model.h"
#include "kube/http.h"
#include "kube/logmux.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Attributes of a rendered segment; the screen maps them to curses attributes. */
enum logs_attr {
	LOGS_ATTR_TEXT,
	LOGS_ATTR_TAG,      /* pod tag: colour = segment's colour (0..LOGBUF_NCOLOURS-1) */
	LOGS_ATTR_TIME,
	LOGS_ATTR_MARKER,   /* "--- container restarted ---", truncation mark */
	LOGS_ATTR_RULE,     /* highlight rule match (Error, panic...) */
	LOGS_ATTR_SEARCH,   /* search match */
	LOGS_ATTR_GONE,     /* tag of a pod that went away */
};

enum { LOGS_MAX_SEGS = 24, LOGS_ROW_BYTES = 4096 };

struct logs_seg {
	unsigned short off, len;  /* bytes in row->text */
	unsigned char attr;       /* enum logs_attr */
	unsigned char colour;
};

/* One screen row: sanitised UTF-8, at most `width` columns. */
struct logs_row {
	char text[LOGS_ROW_BYTES];
	struct logs_seg seg[LOGS_MAX_SEGS];
	size_t nseg;
	bool match;               /* an include match (context lines are not) */
};

struct logs_view_config {
	const char *server;
	struct http_opts opts;    /* copied; strings must outlive the view */
	const char *default_ns;   /* the console's namespace, NULL: all (look names up) */
	size_t max_lines, max_bytes;  /* ring caps, 0: defaults */
};

typedef void (*logs_view_notify_fn)(void *ud);

struct logs_view {
	struct logs_args args;
	struct logtarget target;
	char title[700];          /* "logs deployment/ns/name" (raw) */
	struct logbuf *lb;
	struct logview *view;
	struct logmux *mux;
	const struct model *model;
	unsigned long pods_version;   /* model->pods_version at the last sync */
	uint64_t top_seq;         /* first line shown while not following (a sequence
				   * number: stable while the ring drops old lines) */
	bool follow;              /* stick to the newest line */
	bool wrap;
	bool timestamps;
	size_t hscroll;           /* columns skipped when not wrapping */
	uint64_t cursor_seq;      /* current search match, UINT64_MAX none */
	bool paused;              /* explicitly paused (not merely scrolled up) */
	struct logcheck_spec *check;  /* a live log check (the logcheck command), or NULL */
	uint64_t check_seq;       /* ring position the verdict was computed at */
	long long check_ms;
	char verdict[300];        /* "PASS: 1 pod matching (expected 1)" */
	logs_view_notify_fn notify;
	void *ud;
};

/* Opens a view for `args` ("TARGET [--tail N] [--since D] [--grep RE] [-c C] [-p]
 * [--timestamps]").  NULL with err when the arguments are wrong.  Streams start at once
 * for the pods already in the model; call logs_view_sync when the model changes. */
struct logs_view *logs_view_open(struct loop *loop, struct http_client *http, const struct model *model,
				 const struct logs_view_config *cfg, const char *args,
				 logs_view_notify_fn notify, void *ud, char *err, size_t errcap);
/* `logcheck ARGS` in the console: a view of the target's lines matching the check's
 * regex (whole logs), whose status carries the live verdict. */
struct logs_view *logs_view_open_check(struct loop *loop, struct http_client *http,
				       const struct model *model, const struct logs_view_config *cfg,
				       const char *args, logs_view_notify_fn notify, void *ud, char *err,
				       size_t errcap);
void logs_view_free(struct logs_view *v);

/* What a command did to the view. */
enum logs_exec { LOGS_EXEC_NOT_MINE, LOGS_EXEC_DONE, LOGS_EXEC_CLOSE };
/* Runs a command of the command table on the view (movement, pause, search, grep,
 * exclude, context, wrap, timestamps, horizontal scroll, save, filter = grep,
 * quit/cancel = close).  page is the number of rows shown.  *msg gets a one-line
 * message ("" none; raw), *error whether it is one. */
enum logs_exec logs_view_exec(struct logs_view *v, enum cmd_id cmd, const char *arg, int page,
			      char *msg, size_t msgcap, bool *error);
/* Follows model changes (new pods, gone pods, restarts); cheap when nothing changed. */
void logs_view_sync(struct logs_view *v);

/* Renders the `height` rows that end at the current position into rows; returns how many
 * rows were filled (fewer when the view is short). */
size_t logs_view_render(struct logs_view *v, int width, int height, struct logs_row *rows);
/* Status text: "12,345 lines, 4,000 older lines dropped | 3 pods, 3 streams | PAUSED,
 * 120 new lines | grep ERR | lag 3s" (raw; sanitise before drawing). */
void logs_view_status(struct logs_view *v, char *out, size_t cap);

/* Movement: positive = towards newer lines.  Scrolling up leaves follow mode. */
void logs_view_scroll(struct logs_view *v, long delta, int height);
void logs_view_top(struct logs_view *v);
void logs_view_bottom(struct logs_view *v);   /* back to following */
void logs_view_toggle_pause(struct logs_view *v);
void logs_view_hscroll(struct logs_view *v, long delta);
/* Search: sets the pattern ("" clears) and jumps to the newest match; next/prev move.
 * 0, or -1 with err (bad regex or no match). */
int logs_view_search(struct logs_view *v, const char *re, int height, char *err, size_t errcap);
int logs_view_search_next(struct logs_view *v, int dir, int height, char *err, size_t errcap);
/* Filters: "" clears.  0, or -1 with err. */
int logs_view_grep(struct logs_view *v, const char *re, char *err, size_t errcap);
int logs_view_exclude(struct logs_view *v, const char *re, char *err, size_t errcap);
/* Writes the filtered view (or the whole buffer when not filtered) to path; returns the
 * lines written or -1 with err. */
long logs_view_save(struct logs_view *v, const char *path, char *err, size_t errcap);

/* `warroom run 'logs ARGS'`: the model must hold pods (and workloads for workload
 * targets).  Prints lines (tagged "[pod/container] " when several sources) until every
 * stream ended, or with --follow until loop_stop().  Returns 0, or 2 with a message on
 * err_out. */
int logs_run_print(struct loop *loop, struct http_client *http, const struct model *model,
		   const struct logs_view_config *cfg, const char *args, FILE *out, FILE *err_out);
/* `warroom run 'logcheck ARGS'`: prints the report; 0 pass, 1 fail, 2 error. */
int logs_run_check(struct loop *loop, struct http_client *http, const struct model *model,
		   const struct logs_view_config *cfg, const char *args, FILE *out, FILE *err_out);

/* Fills in the namespace of a target without one when the console follows all
 * namespaces: the one namespace holding a pod/workload of that name.  0, or -1 with err
 * (none or several). */
int logs_resolve_ns(const struct model *model, struct logtarget *t, char *err, size_t errcap);

#endif
