#ifndef KUBE_WATCH_H
#define KUBE_WATCH_H
/* kube/watch: the framing and decoding of a Kubernetes watch stream.
 *
 * A watch response is newline-delimited JSON, one event per line:
 *   {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}
 * delivered in chunks that may split a line (or a UTF-8 sequence) at any byte.
 *
 * watch_framer reassembles lines: complete lines inside a chunk are handed out without
 * copying, only the unfinished tail is buffered.  A line longer than max_line is an
 * error (the stream must then be dropped: the framer cannot resynchronise reliably).
 *
 * watch_apply_line decodes one event and applies it to the model: ADDED and MODIFIED
 * upsert (a MODIFIED of an unknown object inserts it), DELETED removes (an unknown one
 * is harmless), BOOKMARK only moves the resourceVersion, ERROR reports the Status's
 * code (410 means "re-list").  Blank lines are ignored.
 * Contract: never trusts the input; a malformed line yields -1 and a message naming what
 * was wrong, the model untouched.
 */
#include "core/model.h"
#include "kube/decode.h"

#include <stdbool.h>
#include <stddef.h>

enum { WATCH_DEFAULT_MAX_LINE = 16 * 1024 * 1024 };

struct watch_framer {
	char *buf;              /* the unfinished line */
	size_t len, cap;
	size_t max_line;
};

/* Returns false to stop feeding (the framer keeps the rest unconsumed: reset it). */
typedef bool (*watch_line_fn)(void *ud, const char *line, size_t len);

void watch_framer_init(struct watch_framer *f, size_t max_line);
void watch_framer_free(struct watch_framer *f);
/* Forgets any partial line (a new stream starts). */
void watch_framer_reset(struct watch_framer *f);
/* Feeds a chunk; calls line_fn for every complete line (without "\n" or a trailing "\r").
 * Returns 0, 1 when line_fn asked to stop, or -1 when a line exceeds max_line. */
int watch_framer_feed(struct watch_framer *f, const char *data, size_t len, watch_line_fn line_fn,
		      void *ud);
/* Bytes of the unfinished line (a stream that ends with some is truncated). */
size_t watch_framer_pending(const struct watch_framer *f);

enum watch_event_type { WATCH_NONE, WATCH_ADDED, WATCH_MODIFIED, WATCH_DELETED, WATCH_BOOKMARK,
			WATCH_ERROR };

struct watch_event {
	enum watch_event_type type;
	char rv[64];            /* object's resourceVersion ("" for ERROR and blank lines) */
	long code;              /* ERROR: Status.code (0 if absent) */
	char reason[64];        /* ERROR: Status.reason */
	char message[512];      /* ERROR: Status.message (raw) */
	bool skipped;           /* ADDED/MODIFIED/DELETED of an object without a name */
};

/* Decodes one line of resource r's watch stream and applies it to m. */
int watch_apply_line(enum kube_resource r, const char *line, size_t len, struct model *m,
		     struct watch_event *ev, char *err, size_t errcap);

#endif
