#ifndef KUBE_LOGSTREAM_H
#define KUBE_LOGSTREAM_H
/* kube/logstream: one container's log, streamed on the event loop through kube/http:
 *   GET SERVER/api/v1/namespaces/NS/pods/POD/log?timestamps=true[&follow=true]
 *       [&tailLines=N | &sinceSeconds=S | &sinceTime=T][&container=C][&previous=true]
 *
 * - Lines are split on '\n' whatever the chunking; a line longer than max_line is cut
 *   (flag LOGBUF_TRUNCATED) and the rest of it skipped up to its '\n'.
 * - Each line starts with the kubelet's RFC 3339 (nano) timestamp and a space; it is
 *   parsed off (logstream_parse_ts).  A line without one keeps the previous timestamp.
 * - A followed stream that drops (transport error, 5xx, or an end while following)
 *   reconnects after a capped exponential backoff (250 ms doubling to 10 s, reset by
 *   data) and resumes with sinceTime = the last timestamp seen, cut to whole seconds as
 *   the API server keeps it; the replayed lines are skipped by struct logresume (older
 *   than the last timestamp, or at exactly that timestamp and already seen), so the
 *   caller gets neither a gap nor a duplicate.  A container that restarted shows up as
 *   the new container's lines after such a resume.
 * - 404 (pod gone) ends the stream (LOGSTREAM_ENDED); other 4xx fail it for good with
 *   the server's message (LOGSTREAM_FAILED), e.g. "previous terminated container "x" in
 *   pod "y" not found".  A stream without follow ends after its answer.
 * Contract: callbacks run on the loop and may free the stream (logstream_free) from
 * inside; line_fn gets raw bytes (not sanitised, not NUL-terminated).
 */
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Pure helpers (unit-tested without a network) ---- */

/* Parses a leading RFC 3339 timestamp ("2026-11-21T09:53:00.123456789Z", fraction of 0-9
 * digits, 'Z' or +hh:mm/-hh:mm) followed by one space.  Returns the bytes consumed
 * (timestamp and space) and sets *ns (since the epoch), or 0 when there is none. */
size_t logstream_parse_ts(const char *s, size_t len, int64_t *ns);
/* The same, remembering the date and second last parsed: a stream's lines mostly share
 * them, so only the fraction and zone are parsed again.  Zero the memo to start. */
struct logts_memo {
	char head[19];        /* "2026-11-21T09:53:00" */
	int64_t secs;         /* head as seconds since the epoch (before the zone offset) */
	bool valid;
};
size_t logstream_parse_ts_memo(struct logts_memo *m, const char *s, size_t len, int64_t *ns);

/* Line splitter: feed chunks, get whole lines. */
typedef void (*logsplit_fn)(void *ud, const char *line, size_t len, bool truncated);
struct logsplit {
	char *buf;
	size_t len, cap, max_line;
	bool skipping;     /* a line was cut: drop bytes up to its '\n' */
	bool cut;          /* the pending partial line has been cut */
};
void logsplit_init(struct logsplit *s, size_t max_line);
void logsplit_free(struct logsplit *s);
void logsplit_feed(struct logsplit *s, const char *data, size_t len, logsplit_fn fn, void *ud);
/* End of stream: a last line without '\n' is delivered. */
void logsplit_finish(struct logsplit *s, logsplit_fn fn, void *ud);
/* Forgets a partial line (after a dropped connection). */
void logsplit_reset(struct logsplit *s);

/* Resume de-duplication.  Record every delivered line with logresume_seen; before
 * reconnecting call logresume_begin; then logresume_keep(line) says whether a replayed
 * line is new. */
enum { LOGRESUME_MAX = 256 };
struct logresume {
	int64_t last_ts;                  /* newest timestamp delivered, 0: none */
	uint64_t hashes[LOGRESUME_MAX];   /* lines delivered at exactly last_ts */
	size_t nhash;
	bool overflow;                    /* more than LOGRESUME_MAX lines at last_ts */
	bool resuming;
	size_t matched;                   /* replayed lines at last_ts skipped so far */
	unsigned char used[LOGRESUME_MAX];
};
void logresume_init(struct logresume *r);
void logresume_seen(struct logresume *r, int64_t ts, const char *text, size_t len);
void logresume_begin(struct logresume *r);
bool logresume_keep(struct logresume *r, int64_t ts, const char *text, size_t len);

/* ---- The stream ---- */

enum logstream_event {
	LOGSTREAM_CONNECTED,   /* the first bytes of an answer arrived */
	LOGSTREAM_DROPPED,     /* the connection ended; a reconnect is scheduled (msg: why) */
	LOGSTREAM_ENDED,       /* done for good: answer complete without follow, or pod gone */
	LOGSTREAM_FAILED,      /* the server refused (msg: its reason); no retry */
};

struct logstream_config {
	const char *server;     /* "http://127.0.0.1:8080" */
	const char *ns, *pod;
	const char *container;  /* NULL: the pod's only container */
	bool follow;
	bool previous;
	long tail_lines;        /* -1: all */
	long since_seconds;     /* 0: none */
	int64_t since_ns;       /* sinceTime, 0: none */
	struct http_opts opts;  /* copied (strings must outlive the stream) */
	size_t max_line;        /* default 64 KiB */
	long backoff_min_ms;    /* default 250 */
	long backoff_max_ms;    /* default 10000 */
};

struct logstream;
typedef void (*logstream_line_fn)(void *ud, struct logstream *s, int64_t ts_ns, unsigned flags,
				  const char *text, size_t len);
typedef void (*logstream_event_fn)(void *ud, struct logstream *s, enum logstream_event ev,
				   const char *msg);

/* Validates the names (RFC 1123) and starts the request.  NULL with err when a name is
 * not valid. */
struct logstream *logstream_new(struct loop *loop, struct http_client *http,
				const struct logstream_config *cfg, logstream_line_fn line_fn,
				logstream_event_fn event_fn, void *ud, char *err, size_t errcap);
/* Cancels the request and any timer; no callback afterwards. */
void logstream_free(struct logstream *s);
/* Drops the connection now and resumes at once (tests; a restarted container). */
void logstream_reconnect(struct logstream *s);
bool logstream_live(const struct logstream *s);   /* connected or about to reconnect */
unsigned long logstream_connects(const struct logstream *s);
/* The URL of the last request (for tests and messages). */
const char *logstream_url(const struct logstream *s);

#endif
