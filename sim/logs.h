#ifndef SIM_LOGS_H
#define SIM_LOGS_H
/* sim/logs: container log buffers of warroom-sim, with follow support.
 *
 * Contract:
 * - A buffer is keyed by namespace, pod, container; each holds the current container's
 *   lines and, after logs_restart, the previous container's lines.  Lines are kept in a
 *   bounded ring (oldest dropped) so memory stays flat under any log rate.
 * - A line is any bytes but '\n' (escapes, invalid UTF-8 and NULs pass through untouched:
 *   the simulator is a source of hostile text on purpose); logs_append splits on '\n'.
 * - Thread-safe on its own lock (independent of the store lock); logs_wait releases it.
 * - Timestamps are wall-clock (CLOCK_REALTIME) with nanoseconds; the log endpoint prints
 *   them as RFC 3339 with nanoseconds, "2026-11-21T09:53:00.123456789Z".
 * - Storage costs no allocation per line: a ring's text lives in 64 KiB blocks freed
 *   whole once their last line is dropped, and its index holds (timestamp, text, length)
 *   per line; a line's sequence number is implicit (a ring's lines are consecutive), so
 *   a follower's cursor is found in O(1).  200,000 lines/s are appended and read back
 *   with a fraction of one core (issue 10, benchmark 4).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sim_logs;

struct sim_logs *logs_new(size_t lines_per_container);
void logs_free(struct sim_logs *l);

/* Appends text (split on '\n') stamped ts (NULL = now) to the current container. */
void logs_append(struct sim_logs *l, const char *ns, const char *pod, const char *container,
		 const struct timespec *ts, const char *text, size_t len);
/* Appends text (split on '\n'; a final '\n' ends the last line, it does not start an
 * empty one) as a steady stream: the lines' timestamps are spread evenly over (from, to],
 * as a process writing at a constant rate would have been stamped, and each is strictly
 * later than the line before it in the container (+1 ns when from..to leaves no room),
 * so sinceTime and a follower's resume by timestamp stay exact at any rate. */
void logs_append_spread(struct sim_logs *l, const char *ns, const char *pod,
			const char *container, const struct timespec *from,
			const struct timespec *to, const char *text, size_t len);
/* Raises the line bound of one container's buffer to at least `lines` (never lowers it;
 * creates the buffer if needed).  A fast writer reserves a few seconds' worth, so a
 * following client that lags a little never finds lines gone from under its cursor. */
void logs_reserve(struct sim_logs *l, const char *ns, const char *pod, const char *container,
		  size_t lines);
/* The container restarted: the current lines become "previous", a new current starts. */
void logs_restart(struct sim_logs *l, const char *ns, const char *pod, const char *container);
/* The pod is gone: forget all its containers. */
void logs_forget_pod(struct sim_logs *l, const char *ns, const char *pod);

struct logs_query {
	const char *ns, *pod, *container;
	bool previous;
	bool timestamps;          /* prefix each line with its RFC 3339 nano timestamp + ' ' */
	long tail_lines;          /* -1: all */
	long limit_bytes;         /* -1: no limit */
	struct timespec since;    /* lines stamped strictly before are skipped; {0,0}: none */
	size_t chunk_bytes;       /* > 0: one read stops after the line that reaches this
				   * many bytes (whole lines; the cursor continues there), so
				   * a follower far behind is served in pieces, not in one
				   * allocation of the whole backlog under the lock */
};

/* Reads lines for q.  On the first call *cursor must be 0: tail_lines/since select the
 * start.  On return *cursor marks the position after the last line returned, so a
 * following read with the same cursor returns only newer lines (tail_lines/since then
 * ignored).  *out is a new buffer of *outlen bytes, each line ending in '\n'.
 * Returns 0, or -1 when no buffer exists for q (and for previous when there is none). */
int logs_read(struct sim_logs *l, const struct logs_query *q, uint64_t *cursor, char **out,
	      size_t *outlen);

/* True when someone read or followed a container of this pod within the last `within_s`
 * seconds (CLOCK_MONOTONIC).  The world uses it to generate logs lazily for large
 * synthetic clusters: only pods someone looks at keep writing. */
bool logs_active(struct sim_logs *l, const char *ns, const char *pod, long within_s);

/* Waits until a line is appended to q's container after *cursor or the CLOCK_MONOTONIC
 * deadline passes. */
void logs_wait(struct sim_logs *l, const struct logs_query *q, uint64_t cursor,
	       const struct timespec *deadline);

#endif
