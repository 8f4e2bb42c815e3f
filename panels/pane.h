#ifndef PANELS_PANE_H
#define PANELS_PANE_H
/* panels/pane: the pane interface and the curses-free machinery every pane shares.
 *
 * A pane turns the model into a view: an ordered, filtered array of row pointers into
 * the model, plus column definitions and a function that formats one row into cells.
 * The screen (tui/screen.c) only places the formatted text; batch mode prints the same
 * cells as a plain table.  Every cell goes through tui/text (sanitised, width-fitted) in
 * pane_row_fill / pane_format_line, the only way panes produce text.
 *
 * Order: the pane's own (unhealthy first) unless a column is chosen with pane_set_sort /
 * pane_sort_next; ties keep the pane's order.  Filter: a case-insensitive substring of
 * any cell, or with a leading '~' a POSIX extended regex (case-insensitive) matched
 * against each cell; an invalid regex filters nothing and sets filter_error.
 *
 * Rebuilds: a pane whose ops name the model kinds it reads (ops->deps) rebuilds its view
 * only when one of those kinds changed (or the filter, the sort, or a cached time-dependent
 * cell such as an age); without deps, on any change of the model.
 *
 * Typing a filter (with the row cache): while the model, the sort and the ages stand still, a
 * filter that narrows the last one (it contains it) is applied to the rows shown, and the
 * views of the filters typed before are kept, so taking a character back (or Escape back
 * to a filter typed before) restores one instead of rebuilding from the model.
 *
 * Row cache: a pane whose ops give each row a stamp (ops->stamp: the model's per-object
 * change stamp) keeps every row's sanitised cells, their widths and a lower-case copy for
 * the filter, keyed by that stamp, and formats a row again only when its object changed
 * (new stamp) or a time-dependent cell would now read differently (pane_row.stale_at, set
 * by format).  A filter keystroke is then a scan of cached strings.  Keyed by stamp, never
 * by pointer: the model hands out a new stamp on every change, so freed and reused memory
 * can never be mistaken for the object it held before.
 *
 * Contract: view rows point into the model and are valid only until the next change of a
 * kind the pane depends on (ops->deps, or any kind without deps: the model's own pointer
 * contract); pane_sync() must be called before reading rows or moving the selection after
 * the model may have changed.  No curses here.
 */
#include "core/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <regex.h>
#include <stdio.h>
#include <time.h>

enum { PANE_MAX_COLS = 10, PANE_CELL = 256, PANE_IDEAL_MAX = 64 };

struct pane_column {
	const char *title;
	int min;        /* narrowest useful width (text is cut with "…" below its ideal) */
	int prio;       /* columns with the lowest prio are dropped first when space is short */
};

struct pane_row {
	char cell[PANE_MAX_COLS][PANE_CELL];
	enum model_severity sev;
	unsigned hl;    /* bit c set: cell c stands out (a restart count that climbs) */
	time_t stale_at; /* set by format (pane_row_expires): the first time any cell or hl may
			  * read differently although the object did not change (an age
			  * ticking over); 0: never.  Required of panes with ops->stamp. */
};

/* Model kinds a pane reads (pane_ops.deps). */
enum {
	PANE_DEP_PODS = 1, PANE_DEP_NODES = 2, PANE_DEP_WORKLOADS = 4, PANE_DEP_EVENTS = 8,
	PANE_DEP_NAMESPACES = 16,
};

struct pane;

struct pane_ops {
	const char *name;                      /* command/panel name: "pods" */
	const char *title;                     /* shown in the pane's title bar: "Pods" */
	const struct pane_column *columns;
	size_t ncolumns;
	/* Appends every object the pane shows, in display order, with pane_push(). */
	void (*collect)(struct pane *p, const struct model *m);
	/* Formats view row `row` (an object pointer from collect) into raw cells and severity. */
	void (*format)(const struct pane *p, const struct model *m, const void *row, time_t now,
		       struct pane_row *out);
	/* Identity of an object ("ns/name") so the selection survives rebuilds. */
	void (*key)(const void *row, char *out, size_t cap);
	/* Frees p->priv (pane-private state such as restart history); NULL when unused. */
	void (*destroy)(struct pane *p);
	/* Optional (0: every change of the model): the PANE_DEP_* kinds collect and format
	 * read.  The view is rebuilt only when one of them changed, so rows may point only
	 * into these kinds. */
	unsigned deps;
	/* Optional: the stamp of a row's object (struct model_pod.stamp...): a value that is
	 * new whenever anything format reads for that row changed, other than the time.
	 * Turns the row cache on (see the top); format must then set pane_row.stale_at. */
	unsigned long (*stamp)(const void *row);
	/* Optional, with stamp: called in pane_sync once for each row whose stamp the pane
	 * has not seen, before that row is formatted (p->now is the rebuild's time): where a
	 * pane follows changes, like the pods pane's restart history.  Must tolerate being
	 * called again with the same stamp. */
	void (*observe)(struct pane *p, const void *row);
};

struct pane {
	const struct pane_ops *ops;
	const void **rows;      /* the view */
	size_t nrows, caprows;
	size_t total;           /* objects before filtering */
	size_t nbad, nwarn;     /* rows of the view with SEV_BAD / SEV_WARN, as of the last rebuild */
	size_t sel, top;        /* selected row, first row on screen */
	char selkey[600];       /* key of the selected object, valid when selkey_valid */
	bool selkey_valid;
	char filter[256];       /* case-insensitive substring over the row's cells; "" = none;
				 * "~REGEX": extended regex */
	regex_t re;             /* compiled when filter starts with '~' and is valid */
	bool re_valid;
	char filter_error[200]; /* why the regex was rejected, "" when fine */
	int sort_col;           /* column index, -1: the pane's own order */
	time_t now;             /* time of the current rebuild, for collect() */
	void *priv;             /* pane-private state, freed by ops->destroy */
	int ideal[PANE_MAX_COLS];  /* widest cell per column (capped), from the last rebuild */
	unsigned long built_version; /* the dependency version (pane_sync) the view was built at */
	bool built, filter_changed;
	void *cache;            /* the row cache (panels/pane.c); NULL without ops->stamp */
	void *views;            /* the views of a filter being typed (panels/pane.c); NULL without
				 * ops->stamp */
	time_t stale_at;        /* earliest stale_at of the rows seen by the last rebuild; 0: none */
};

extern const struct pane_ops pane_pods_ops;
extern const struct pane_ops pane_nodes_ops;
extern const struct pane_ops pane_workloads_ops;
extern const struct pane_ops pane_events_ops;

void pane_init(struct pane *p, const struct pane_ops *ops);
void pane_free(struct pane *p);
/* For collect(): appends one object to the view. */
void pane_push(struct pane *p, const void *row);
/* For collect(): appends objects 0..n-1, get(m, i, &sev) returning each with its severity,
 * worst first (SEV_BAD, SEV_WARN, SEV_OK), in their order within a severity: one pass,
 * one severity test per object. */
void pane_push_worst_first(struct pane *p, const struct model *m, size_t n,
			   const void *(*get)(const struct model *m, size_t i, enum model_severity *sev));

/* Rebuilds the view if a kind the pane reads, the filter or the sort changed, or (with the
 * row cache) a cached cell went stale at `now`, keeping the selected object selected.
 * Returns true when it rebuilt. */
bool pane_sync(struct pane *p, const struct model *m, time_t now);
void pane_set_filter(struct pane *p, const char *filter);
/* Sorts by the column titled `column` (case-insensitive); "" or "default" restores the
 * pane's own order.  Returns -1 with a message listing the columns when unknown. */
int pane_set_sort(struct pane *p, const char *column, char *err, size_t cap);
/* Cycles: own order, first column, second column ..., own order. */
void pane_sort_next(struct pane *p);
/* Title of the sort column, or "default". */
const char *pane_sort_name(const struct pane *p);
/* Compares two cells as a person would: ages ("3m1s" < "2h"), numbers ("9" < "10",
 * "3 (2m ago)" by 3, "1/2" by 1), otherwise case-insensitive text. */
int pane_cell_compare(const char *a, const char *b);

/* Row i of the view, formatted and sanitised (from the row cache when it is fresh at now). */
void pane_row_fill(const struct pane *p, const struct model *m, size_t i, time_t now,
		   struct pane_row *out);

/* Column widths for a line of `width` columns (2 spaces between columns): widths[c] is 0
 * for a column dropped for lack of space.  Uses pane->ideal. */
void pane_layout(const struct pane *p, int width, int widths[PANE_MAX_COLS]);
/* One line of cells (or, with row NULL, the column titles) laid out in widths: exactly
 * `width` columns of UTF-8 text. */
void pane_format_line(const struct pane *p, const struct pane_row *row, const int *widths,
		      int width, char *out, size_t cap);

/* For format(): records that the row reads differently from time t on (0: never);
 * keeps the earliest. */
void pane_row_expires(struct pane_row *row, time_t t);

/* Selection movement, clamped to the view; page = visible rows. */
void pane_move(struct pane *p, long delta);
void pane_move_to(struct pane *p, size_t row);
/* Adjusts top so that sel is visible in `height` rows. */
void pane_scroll(struct pane *p, size_t height);

/* Prints the whole view as a kubectl-like plain table: titles, then one line per row,
 * columns separated by 3 spaces, no truncation beyond PANE_CELL, no escape sequences. */
void pane_print_table(struct pane *p, const struct model *m, time_t now, FILE *out);

#endif
