#ifndef CORE_LOGVIEW_H
#define CORE_LOGVIEW_H
/* core/logview: what the log pane shows of a core/logbuf ring: the lines that pass the
 * include/exclude filters (with optional context lines around include matches), search
 * with next/previous match, highlight rules for error patterns, and pause.
 *
 * Views are incremental: logview_update() looks only at lines appended since the last
 * call (and forgets entries the ring dropped), so following a fast stream costs O(new
 * lines), never a rescan of the buffer.  Changing a filter rescans once.
 *
 * Filters and search are POSIX extended regexes matched against the raw line bytes,
 * case-insensitive unless asked otherwise.  An exclude match hides a line even as
 * context.  Context N shows up to N lines before and after every include match.
 *
 * Pause: the view keeps receiving; logview_new_lines() says how many lines arrived
 * since the pause (for the pane's "N new lines").
 *
 * Contract: indexes are positions in the current view (0 = oldest shown) and are valid
 * until the next logview_update.  Regex errors return -1 with a message naming the
 * pattern; the previous filter is then kept.  No curses, no I/O.
 */
#include "core/logbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct logview;

struct logview *logview_new(struct logbuf *lb);
void logview_free(struct logview *v);

/* Include / exclude filters; NULL or "" removes.  0, or -1 with err. */
int logview_set_include(struct logview *v, const char *re, bool icase, char *err, size_t errcap);
int logview_set_exclude(struct logview *v, const char *re, bool icase, char *err, size_t errcap);
void logview_set_context(struct logview *v, unsigned lines);
unsigned logview_context(const struct logview *v);
/* True when an include or exclude filter is active. */
bool logview_filtered(const struct logview *v);
const char *logview_include(const struct logview *v);
const char *logview_exclude(const struct logview *v);

/* Brings the view up to date with the ring. */
void logview_update(struct logview *v);
size_t logview_count(const struct logview *v);
/* Sequence number of view entry i (i < logview_count). */
uint64_t logview_seq(const struct logview *v, size_t i);
/* The view's sequence numbers (logview_count of them), e.g. for logbuf_save. */
const uint64_t *logview_seqs(const struct logview *v);
/* True when entry i is an include match (not a context line). */
bool logview_is_match(const struct logview *v, size_t i);

/* Search pattern; NULL or "" clears.  0, or -1 with err. */
int logview_set_search(struct logview *v, const char *re, bool icase, char *err, size_t errcap);
const char *logview_search(const struct logview *v);
/* Index of the next entry after `from` (dir > 0) or before it (dir < 0) whose line
 * matches the search, wrapping around; -1 when none matches or no search is set.
 * from may be -1 / count to start at an end. */
long logview_find(const struct logview *v, long from, int dir);

/* Highlight rules: each pattern marks its matches in every line shown.  The default list
 * is Error, Exception, panic, FATAL, Traceback (case-sensitive, as those words are
 * written).  0, or -1 with err naming the bad pattern (the old list is kept). */
int logview_set_highlights(struct logview *v, const char *const *patterns, size_t n, char *err,
			   size_t errcap);

enum logview_span_kind { LOGVIEW_SPAN_RULE, LOGVIEW_SPAN_SEARCH };
struct logview_span {
	size_t start, end;          /* byte offsets into the raw line */
	enum logview_span_kind kind;
};
/* Matches of the highlight rules and the search in text[0..len), sorted by start, not
 * overlapping (search wins); returns how many were written (at most max). */
size_t logview_spans(const struct logview *v, const char *text, size_t len,
		     struct logview_span *spans, size_t max);

void logview_pause(struct logview *v, bool paused);
bool logview_paused(const struct logview *v);
/* Lines added to the view since the pause (0 when not paused). */
uint64_t logview_new_lines(const struct logview *v);

#endif
