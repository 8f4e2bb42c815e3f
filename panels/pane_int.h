#ifndef PANELS_PANE_INT_H
#define PANELS_PANE_INT_H
/* panels/pane_int: the row cache, shared by panels/pane.c and panels/pane_cache.c only.
 *
 * One entry is one formatted row of one object version: its sanitised cells packed in one
 * string, their widths (capped at PANE_IDEAL_MAX) and one lower-case haystack for the
 * substring filter, the severity and highlight bits, and the time span in which they read the same.
 * Entries are kept in a hash table keyed by the object's stamp (pane_ops.stamp); panes
 * without stamps get transient entries that pane_sync frees after each rebuild.
 */
#include "panels/pane.h"

#include <stdbool.h>

/* Separates the cells in a cached row's filter haystack: a C0 control, which sanitised
 * text never holds, so a substring never spans two cells. */
enum { PANE_HAY_SEP = 0x1f };

/* A cell's value for sorting, parsed once per cell instead of once per comparison. */
struct pane_sort_key {
	double age;     /* seconds of an age cell ("3m1s"), -1 when the cell is not one */
	double num;     /* leading number, when isnum */
	bool isnum;
};

struct pane_cached {
	unsigned long stamp;
	time_t from, stale_at;  /* the cells read as cached while from <= now < stale_at (0: ever) */
	enum model_severity sev;
	unsigned hl;
	unsigned short off[PANE_MAX_COLS];   /* cell c is text + off[c] */
	unsigned short hay;     /* text + hay: the cells in lower case, joined by PANE_HAY_SEP */
	unsigned char width[PANE_MAX_COLS];  /* its display width, at most PANE_IDEAL_MAX */
	int key_col;            /* column `key` was parsed from, -1 for none */
	struct pane_sort_key key;
	char *text;
};

/* A new entry for `row` formatted at now (stamp 0 when the pane has no ops->stamp). */
struct pane_cached *pane_cached_new(const struct pane *p, const struct model *m, const void *row,
				    time_t now);
void pane_cached_free(struct pane_cached *e);
/* True when e's cells are what format would give at now. */
bool pane_cached_fresh(const struct pane_cached *e, time_t now);
/* Cell c of e. */
const char *pane_cached_cell(const struct pane_cached *e, size_t c);
/* The sort key of column c (parsed on first use). */
const struct pane_sort_key *pane_cached_key(struct pane_cached *e, size_t c);
/* Compares a and b by column c as pane_cell_compare does. */
int pane_cached_compare(struct pane_cached *a, struct pane_cached *b, size_t c);

/* The cache entry of `row` for this rebuild (generation gen): looked up by stamp; when
 * missing, ops->observe runs and a new entry is formatted at now; when stale, it is
 * formatted again.  Requires ops->stamp. */
struct pane_cached *pane_cache_get(struct pane *p, const struct model *m, const void *row, time_t now,
				   unsigned gen);
/* The entry of `row` when the cache has it, else NULL (no side effects). */
struct pane_cached *pane_cache_peek(const struct pane *p, const void *row);
/* Drops the entries the rebuild `gen` did not see (objects changed or gone); `live` is how
 * many it saw, so nothing is scanned when no entry is dead. */
void pane_cache_sweep(struct pane *p, unsigned gen, size_t live);
/* The next rebuild generation. */
unsigned pane_cache_next_gen(struct pane *p);
void pane_cache_free(struct pane *p);

/* A view of the pane: its rows, their cache entries (parallel) and what a rebuild counts
 * over them, for the filter it was made with. */
struct pane_view {
	char filter[256];
	const void **rows;
	struct pane_cached **entries;
	size_t nrows, nbad, nwarn;
	int ideal[PANE_MAX_COLS];
};

/* pane->views: the entries of the rows shown (parallel to pane->rows, valid until the
 * next full rebuild, which alone frees cache entries), the filter and sort they were
 * made with, and the views of the shorter filters typed before, oldest first. */
struct pane_views {
	struct pane_cached **entries;
	size_t capentries;
	bool valid;             /* entries and filter describe pane->rows */
	char filter[256];
	int sort_col;
	struct pane_view *stack;
	size_t n, cap;
};

/* Seconds in an age like "3m1s", "22h", "5d", "2y"; -1 when s is not one. */
double pane_age_seconds(const char *s);

#endif
