#ifndef TUI_LOOP_H
#define TUI_LOOP_H
/* tui/loop: the single-threaded event loop (shaped like redis's ae.c).
 *
 * One poll() per iteration over a table of fd watchers, a min-heap of monotonic timers
 * and a before-sleep hook.  Order of one iteration (loop_run_once):
 *   1. due timers fire, earliest first; timers due at the same instant fire in the order
 *      they were added;
 *   2. the before-sleep hook runs (the only place the console draws);
 *   3. poll() sleeps until the next timer, a ready fd, or a signal (under loop_run_once,
 *      an iteration in which timers fired only collects ready fds without sleeping, so
 *      the caller can look at what the timers changed; loop_run sleeps at once);
 *   4. watchers whose fd became ready are called (still registered ones only): urgent ones
 *      first, then the others for at most a slice of LOOP_SLICE_MS (8 ms; at least one
 *      is called), starting where the last slice stopped; the rest stay ready (poll is
 *      level-triggered) and are called in the next iteration, after the before-sleep
 *      hook, so a burst of network work cannot keep a key's frame waiting.
 * With WARROOM_TRACE every wake-up is a "wake" mark saying why poll() returned ("N fds",
 * "timeout", "poll0" for a poll that was not allowed to sleep, "signal"); the second,
 * non-sleeping poll that ends a hold (loop_set_coalesce) is part of the same wake-up.
 * A timer callback returns the delay in ms until it should fire again, or LOOP_TIMER_STOP.
 * Watchers and timers may be added, replaced or removed from inside any callback.
 * Contract: never blocks except in poll(); never calls exit; all times are CLOCK_MONOTONIC
 * milliseconds.
 */
#include <stdbool.h>

/* LOOP_URGENT (with LOOP_READ): called before the other ready fds of an iteration and
 * never held back by loop_set_coalesce (the terminal, signals).  fd 0, the terminal, is
 * always urgent. */
enum { LOOP_READ = 1, LOOP_WRITE = 2, LOOP_URGENT = 4 };
enum { LOOP_TIMER_STOP = -1 };

struct loop;

/* revents is LOOP_READ/LOOP_WRITE; errors and hang-ups are reported as both. */
typedef void (*loop_fd_fn)(struct loop *loop, int fd, int revents, void *ud);
typedef long (*loop_timer_fn)(struct loop *loop, long long id, void *ud);
typedef void (*loop_hook_fn)(struct loop *loop, void *ud);

struct loop *loop_new(void);
void loop_free(struct loop *loop);

/* Watches fd for `events` (LOOP_READ|LOOP_WRITE); replaces an existing watcher of fd. */
void loop_watch_fd(struct loop *loop, int fd, int events, loop_fd_fn fn, void *ud);
/* Stops watching fd (no-op if not watched). */
void loop_unwatch_fd(struct loop *loop, int fd);

/* Adds a timer firing after `ms` (>= 0); returns its id (> 0). */
long long loop_add_timer(struct loop *loop, long ms, loop_timer_fn fn, void *ud);
/* Cancels a pending (or currently firing) timer; unknown ids are ignored. */
void loop_cancel_timer(struct loop *loop, long long id);

void loop_set_before_sleep(struct loop *loop, loop_hook_fn fn, void *ud);
/* Coalescing of bursts (the wall screen; 0, the default, turns it off).  When fds that
 * only wait to read and are not LOOP_URGENT wake the loop twice within ms, they are left
 * out of poll() for the next ms ("held"): what arrives on them meanwhile piles up in the
 * kernel and is read in the one wake-up that ends the hold, so a burst of k events costs
 * three wake-ups instead of k.  Timers and urgent fds keep waking the loop at once; an
 * isolated event is read at once.  Only for steady trickles (watch streams): a bulk
 * transfer or a request/response exchange would be slowed to one read per ms. */
void loop_set_coalesce(struct loop *loop, long ms);
/* Called after poll() was interrupted by a signal (e.g. to drain input after SIGWINCH). */
void loop_set_interrupt_hook(struct loop *loop, loop_hook_fn fn, void *ud);

/* One iteration; poll waits at most max_wait_ms (-1: until a timer or fd). Returns the
 * number of callbacks run. */
int loop_run_once(struct loop *loop, long max_wait_ms);
/* Iterates until loop_stop() is called (from any callback; a stop requested before the
 * call makes it return after at most one iteration's due timers).  On return the stop
 * request is consumed: loop_stopped() is false again and loop_run can be called again. */
void loop_run(struct loop *loop);
/* Asks loop_run to return; while set, loop_run_once only fires due timers. */
void loop_stop(struct loop *loop);
/* A stop is requested and not yet consumed by loop_run (for callers iterating by hand
 * with loop_run_once). */
bool loop_stopped(const struct loop *loop);

/* Monotonic clock in ms. */
long long loop_now_ms(void);

#endif
