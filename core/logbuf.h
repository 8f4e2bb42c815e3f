#ifndef CORE_LOGBUF_H
#define CORE_LOGBUF_H
/* core/logbuf: the bounded ring of log lines behind the log pane, `logs` and `logcheck`.
 *
 * Every line carries its Kubernetes timestamp (ns since the epoch, 0 when unknown), a
 * source (index into a small table of ns/pod/container, each pod with a stable colour
 * index), a global sequence number (0, 1, 2... in append order, never reused) and its raw
 * bytes: lines are stored as received and sanitised only when drawn (tui/text).
 *
 * Memory is bounded twice: at most max_lines lines and max_bytes bytes of text (both
 * configurable; defaults 100,000 / 64 MiB).  Appending past either cap drops the oldest
 * lines and counts them (logbuf_dropped).  A line longer than max_line bytes is kept cut
 * to max_line and flagged LOGBUF_TRUNCATED.  Storage is one byte ring plus one index
 * ring, both grown by doubling up to the caps: no allocation per line, and memory that
 * follows what is held rather than the caps.
 *
 * Contract: a line is addressed by its sequence number; logbuf_get fails for a line that
 * was dropped.  Pointers returned by logbuf_get stay valid until the next append.  Pure:
 * no I/O except logbuf_save.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	LOGBUF_TRUNCATED = 1, /* the line was longer than max_line and was cut */
	LOGBUF_MARKER = 2,    /* written by warroom ("--- container restarted ---"), not the pod */
};

/* Colours pods cycle through (the pane maps an index to a curses pair). */
enum { LOGBUF_NCOLOURS = 6 };

struct logbuf_config {
	size_t max_lines;     /* 0: 100,000 */
	size_t max_bytes;     /* 0: 64 MiB */
	size_t max_line;      /* 0: 64 KiB */
};

struct logbuf_source {
	char *ns, *pod, *container;
	unsigned colour;      /* stable per pod: the same pod keeps its colour */
	bool gone;            /* the pod went away (its stream ended for good) */
};

/* One line as stored.  text is NUL-terminated after len bytes (it may contain NULs). */
struct logbuf_line {
	uint64_t seq;
	int64_t ts_ns;
	unsigned src;
	unsigned flags;
	const char *text;
	size_t len;
};

struct logbuf;

struct logbuf *logbuf_new(const struct logbuf_config *cfg);
void logbuf_free(struct logbuf *lb);

/* Index of source ns/pod/container (container may be NULL or ""), added when new. */
unsigned logbuf_source(struct logbuf *lb, const char *ns, const char *pod, const char *container);
const struct logbuf_source *logbuf_source_get(const struct logbuf *lb, unsigned src);
size_t logbuf_nsources(const struct logbuf *lb);
void logbuf_source_set_gone(struct logbuf *lb, unsigned src, bool gone);

/* Appends one line (without its '\n'); returns its sequence number. */
uint64_t logbuf_append(struct logbuf *lb, unsigned src, int64_t ts_ns, unsigned flags,
		       const char *text, size_t len);
/* Lines held are [first_seq, next_seq). */
uint64_t logbuf_first_seq(const struct logbuf *lb);
uint64_t logbuf_next_seq(const struct logbuf *lb);
size_t logbuf_count(const struct logbuf *lb);
/* Bytes of text held (without the NULs). */
size_t logbuf_bytes(const struct logbuf *lb);
/* Lines dropped from the old end so far. */
uint64_t logbuf_dropped(const struct logbuf *lb);
/* Bytes allocated for the two rings (what the caps bound). */
size_t logbuf_footprint(const struct logbuf *lb);
/* Timestamp of the newest line, 0 when empty. */
int64_t logbuf_newest_ts(const struct logbuf *lb);
/* Fills *out with line seq; false when seq is dropped or not written yet. */
bool logbuf_get(const struct logbuf *lb, uint64_t seq, struct logbuf_line *out);
/* Drops every line and source (counters kept, sequence numbers continue). */
void logbuf_clear(struct logbuf *lb);

/* How a line is written by logbuf_save and `warroom run 'logs'`:
 * "[pod/container] 2026-11-21T09:53:00.123456789Z text" (tag and time optional). */
enum { LOGBUF_FMT_TAG = 1, LOGBUF_FMT_TIME = 2 };
/* Formats ts_ns as RFC 3339 with nanoseconds, UTC ("2026-11-21T09:53:00.123456789Z"). */
void logbuf_format_ts(int64_t ts_ns, char *out, size_t cap);
/* Writes the tag "pod" or "pod/container" of src into out. */
void logbuf_format_tag(const struct logbuf *lb, unsigned src, char *out, size_t cap);

/* Writes the given lines (seqs, n of them; NULL: every line held) to path, raw bytes, one
 * per line, atomically (a temporary file in the same directory, then rename).  Returns
 * the number of lines written, or -1 with err naming the file and the reason. */
long logbuf_save(const struct logbuf *lb, const uint64_t *seqs, size_t n, unsigned fmt,
		 const char *path, char *err, size_t errcap);

#endif
