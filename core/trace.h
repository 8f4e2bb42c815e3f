#ifndef CORE_TRACE_H
#define CORE_TRACE_H
/* core/trace: the built-in performance trace, for bench/ and for anyone asking "why was
 * that frame late".
 *
 * When the environment variable WARROOM_TRACE names a file, every trace_mark() appends
 * one line "SECONDS.NANOSECONDS KIND DETAIL" (CLOCK_REALTIME, so it can be compared with
 * stamps taken by other processes on the same machine, e.g. the simulator's clients) to
 * it.  Kinds written today: "input" (the terminal became readable; DETAIL "slept MS busy
 * MS": how long poll() slept before, and how long the loop worked since the poll before,
 * tui/loop.c), "key" (the terminal's keys handled; DETAIL how many), "event" (a watch
 * event applied to the model; DETAIL is its resourceVersion), "synced" (an initial list
 * done), "wake" (poll() returned; DETAIL why), and a console frame's parts in order:
 * "draw" (begun; DETAIL "key" when it answers a key, else "model"), "rebuilt" (pane views
 * up to date; DETAIL how many were rebuilt), "drawn" (wnoutrefresh done), "frame"
 * (doupdate() done).  bench/latency.py splits input -> frame latencies by these marks.
 * Without WARROOM_TRACE every call is one branch on a cached flag: no system call, no
 * allocation.
 * The file is opened on the first mark, appended to, flushed at every frame (so a killed
 * process loses at most one frame's worth) and at exit.  A file that cannot be opened
 * is reported once on stderr and tracing stays off.
 */

/* Appends one line; detail may be NULL. */
void trace_mark(const char *kind, const char *detail);
/* True when tracing is on (checks the environment on the first call). */
int trace_enabled(void);

#endif
