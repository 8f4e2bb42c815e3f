/* tui/loop: see loop.h.  A watcher table rebuilt into a pollfd array each iteration
 * and a binary min-heap of timers ordered by (due time, sequence number). */
#include "tui/loop.h"

#include "core/trace.h"
#include "core/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long one iteration calls fd callbacks before it lets the before-sleep hook draw. */
enum { LOOP_SLICE_MS = 8 };

struct loop_watcher {
	int fd;
	int events;
	loop_fd_fn fn;
	void *ud;
};

struct loop_timer {
	long long due;  /* monotonic ms */
	long long seq;  /* tie-break: insertion order */
	long long id;
	loop_timer_fn fn;
	void *ud;
};

struct loop {
	struct loop_watcher *watchers;
	size_t nwatchers, capwatchers;
	struct loop_timer *heap;
	size_t nheap, capheap;
	struct pollfd *pfds;
	size_t cappfds;
	long long next_id, next_seq;
	long long firing_id;       /* id of the timer whose callback is running, 0 if none */
	bool firing_cancelled;     /* loop_cancel_timer was called for it */
	loop_hook_fn before_sleep;
	void *before_sleep_ud;
	loop_hook_fn on_interrupt;
	void *on_interrupt_ud;
	bool stop;
	long coalesce_ms;          /* 0: off (loop_set_coalesce) */
	long long hold_until;      /* held fds stay out of poll() until then (monotonic ms) */
	long long last_held_wake;  /* when fds that may be held last woke the loop */
	size_t next_start;         /* where the next slice starts calling fds (pollfd index) */
	bool input_pending;        /* the terminal's readiness is marked, its callback not run */
	long long woke_us;         /* WARROOM_TRACE only: when poll last returned (monotonic us) */
};

long long loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *loop = xcalloc(1, sizeof(*loop));
	loop->next_id = 1;
	return loop;
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	free(loop->watchers);
	free(loop->heap);
	free(loop->pfds);
	free(loop);
}

static struct loop_watcher *loop_find_watcher(struct loop *loop, int fd)
{
	for (size_t i = 0; i < loop->nwatchers; i++)
		if (loop->watchers[i].fd == fd)
			return &loop->watchers[i];
	return NULL;
}

void loop_watch_fd(struct loop *loop, int fd, int events, loop_fd_fn fn, void *ud)
{
	struct loop_watcher *w = loop_find_watcher(loop, fd);
	if (!w) {
		loop->watchers = xgrow(loop->watchers, &loop->capwatchers, loop->nwatchers + 1,
				       sizeof(*loop->watchers));
		w = &loop->watchers[loop->nwatchers++];
	}
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->ud = ud;
}

void loop_unwatch_fd(struct loop *loop, int fd)
{
	if (fd == 0)
		loop->input_pending = false;
	struct loop_watcher *w = loop_find_watcher(loop, fd);
	if (!w)
		return;
	*w = loop->watchers[--loop->nwatchers];
}

static bool loop_timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void loop_heap_up(struct loop *loop, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!loop_timer_before(&loop->heap[i], &loop->heap[parent]))
			break;
		struct loop_timer t = loop->heap[i];
		loop->heap[i] = loop->heap[parent];
		loop->heap[parent] = t;
		i = parent;
	}
}

static void loop_heap_down(struct loop *loop, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < loop->nheap && loop_timer_before(&loop->heap[l], &loop->heap[m]))
			m = l;
		if (r < loop->nheap && loop_timer_before(&loop->heap[r], &loop->heap[m]))
			m = r;
		if (m == i)
			return;
		struct loop_timer t = loop->heap[i];
		loop->heap[i] = loop->heap[m];
		loop->heap[m] = t;
		i = m;
	}
}

static void loop_heap_push(struct loop *loop, struct loop_timer t)
{
	loop->heap = xgrow(loop->heap, &loop->capheap, loop->nheap + 1, sizeof(*loop->heap));
	loop->heap[loop->nheap] = t;
	loop_heap_up(loop, loop->nheap++);
}

static void loop_heap_remove(struct loop *loop, size_t i)
{
	loop->heap[i] = loop->heap[--loop->nheap];
	if (i < loop->nheap) {
		loop_heap_up(loop, i);
		loop_heap_down(loop, i);
	}
}

long long loop_add_timer(struct loop *loop, long ms, loop_timer_fn fn, void *ud)
{
	struct loop_timer t = {
		.due = loop_now_ms() + (ms > 0 ? ms : 0),
		.seq = loop->next_seq++,
		.id = loop->next_id++,
		.fn = fn,
		.ud = ud,
	};
	loop_heap_push(loop, t);
	return t.id;
}

void loop_cancel_timer(struct loop *loop, long long id)
{
	if (id <= 0)
		return;
	if (id == loop->firing_id) {
		loop->firing_cancelled = true;
		return;
	}
	/* Linear: a console has a handful of timers. */
	for (size_t i = 0; i < loop->nheap; i++) {
		if (loop->heap[i].id == id) {
			loop_heap_remove(loop, i);
			return;
		}
	}
}

void loop_set_before_sleep(struct loop *loop, loop_hook_fn fn, void *ud)
{
	loop->before_sleep = fn;
	loop->before_sleep_ud = ud;
}

void loop_set_coalesce(struct loop *loop, long ms)
{
	loop->coalesce_ms = ms > 0 ? ms : 0;
	if (!loop->coalesce_ms)
		loop->hold_until = 0;
}

void loop_set_interrupt_hook(struct loop *loop, loop_hook_fn fn, void *ud)
{
	loop->on_interrupt = fn;
	loop->on_interrupt_ud = ud;
}

/* Fires every timer due now; a timer re-armed with delay 0 waits for the next iteration
 * so that a zero-interval timer cannot starve the fds. */
static int loop_fire_timers(struct loop *loop)
{
	long long now = loop_now_ms();
	long long limit_seq = loop->next_seq;
	int ran = 0;
	while (loop->nheap > 0 && loop->heap[0].due <= now && loop->heap[0].seq < limit_seq) {
		struct loop_timer t = loop->heap[0];
		loop_heap_remove(loop, 0);
		loop->firing_id = t.id;
		loop->firing_cancelled = false;
		long next = t.fn(loop, t.id, t.ud);
		ran++;
		loop->firing_id = 0;
		if (next >= 0 && !loop->firing_cancelled) {
			t.due = loop_now_ms() + next;
			t.seq = loop->next_seq++;
			loop_heap_push(loop, t);
		}
	}
	return ran;
}

static int loop_poll_timeout(struct loop *loop, long max_wait_ms)
{
	long long wait = max_wait_ms;
	if (loop->nheap > 0) {
		long long until = loop->heap[0].due - loop_now_ms();
		if (until < 0)
			until = 0;
		if (wait < 0 || until < wait)
			wait = until;
	}
	if (wait > 24LL * 3600 * 1000)
		wait = 24LL * 3600 * 1000;
	return (int)wait;
}

/* Monotonic clock in microseconds, for the trace's durations. */
static long long loop_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The trace's "input" mark: the terminal became readable.  Its detail says how long
 * poll() slept before that ("slept MS") and how long the loop worked since the poll
 * before ("busy MS": timers, the before-sleep hook, callbacks).  A key that found the
 * loop busy shows as slept ~0: it may have waited up to `busy` before poll saw it, time
 * the input -> frame latency does not include. */
static void loop_trace_input(const struct loop *loop, long long polled_us, long long prev_woke_us)
{
	if (!trace_enabled() || !polled_us)
		return;
	char detail[64];
	snprintf(detail, sizeof(detail), "slept %.3f busy %.3f", (double)(loop->woke_us - polled_us) / 1000.0,
		 prev_woke_us ? (double)(polled_us - prev_woke_us) / 1000.0 : 0.0);
	trace_mark("input", detail);
}

/* The trace's "wake" mark says why poll returned: "N fds", "timeout" or "signal". */
static void loop_trace_wake(int rc, int timeout)
{
	if (!trace_enabled())
		return;
	char why[32];
	if (rc > 0)
		snprintf(why, sizeof(why), "%d fd%s", rc, rc == 1 ? "" : "s");
	else
		snprintf(why, sizeof(why), "%s", rc == 0 ? (timeout == 0 ? "poll0" : "timeout") : "signal");
	trace_mark("wake", why);
}

/* LOOP_URGENT, or fd 0: the terminal, whose keys must never wait behind network work. */
static bool loop_watcher_urgent(const struct loop_watcher *w)
{
	return (w->events & LOOP_URGENT) || w->fd == 0;
}

/* Whether a hold may keep w out of poll(): readers only, and never an urgent fd (a socket
 * waiting to send is not part of a burst of arriving events). */
static bool loop_watcher_holdable(const struct loop_watcher *w)
{
	return !loop_watcher_urgent(w) && !(w->events & LOOP_WRITE);
}

/* The pollfd array for this iteration, without the holdable fds when hold; returns its
 * length. */
static size_t loop_fill_pfds(struct loop *loop, bool hold)
{
	size_t n = 0;
	loop->pfds = xgrow(loop->pfds, &loop->cappfds, loop->nwatchers + 1, sizeof(*loop->pfds));
	for (size_t i = 0; i < loop->nwatchers; i++) {
		const struct loop_watcher *w = &loop->watchers[i];
		if (hold && loop_watcher_holdable(w))
			continue;
		loop->pfds[n].fd = w->fd;
		loop->pfds[n].events = (short)(((w->events & LOOP_READ) ? POLLIN : 0) |
					       ((w->events & LOOP_WRITE) ? POLLOUT : 0));
		loop->pfds[n].revents = 0;
		n++;
	}
	return n;
}

/* After a wake-up: a second one soon after the last caused by holdable fds alone is a
 * burst (watch streams' bookmarks sent in the same instant, a rollout's pod events):
 * hold them so the rest of it piles up and is read in one wake-up. */
static void loop_note_wake(struct loop *loop, bool held_ready, bool other_ready)
{
	if (!loop->coalesce_ms || !held_ready || other_ready)
		return;
	long long now = loop_now_ms();
	if (now - loop->last_held_wake < loop->coalesce_ms)
		loop->hold_until = now + loop->coalesce_ms;
	loop->last_held_wake = now;
}

/* Calls w (the watcher of pfd, NULL when an earlier callback removed it) for what poll
 * reported; returns 1 when a callback ran. */
static int loop_dispatch(struct loop *loop, struct pollfd *pfd, struct loop_watcher *w, bool *held_ready,
			 bool *other_ready)
{
	short re = pfd->revents;
	pfd->revents = 0;
	if (pfd->fd == 0)
		loop->input_pending = false;
	if (!w)
		return 0;
	if (loop_watcher_holdable(w))
		*held_ready = true;
	else
		*other_ready = true;
	int ev = 0;
	if (re & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
		ev |= LOOP_READ;
	if (re & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
		ev |= LOOP_WRITE;
	ev &= w->events ? w->events : ev;
	if (re & (POLLHUP | POLLERR | POLLNVAL))
		ev = LOOP_READ | LOOP_WRITE;
	loop_fd_fn fn = w->fn;
	void *ud = w->ud;
	/* A closed fd would make every poll return at once: drop it. */
	if (re & POLLNVAL)
		loop_unwatch_fd(loop, pfd->fd);
	fn(loop, pfd->fd, ev, ud);
	return 1;
}

/* One iteration; by_hand: a loop_run_once caller looks at its state after it. */
static int loop_iterate(struct loop *loop, long max_wait_ms, bool by_hand)
{
	int ran = loop_fire_timers(loop);
	if (loop->stop)
		return ran;
	if (loop->before_sleep)
		loop->before_sleep(loop, loop->before_sleep_ud);

	long long now = loop_now_ms();
	bool hold = loop->coalesce_ms > 0 && now < loop->hold_until;
	size_t n = loop_fill_pfds(loop, hold);
	/* Timers that fired may have changed what a caller iterating by hand waits for:
	 * collect ready fds without sleeping, so it can look again.  loop_run has nobody
	 * looking between iterations, and a second poll there would be one more wake-up per
	 * timer (the wall screen's idle budget counts them). */
	int timeout = ran > 0 && by_hand ? 0 : loop_poll_timeout(loop, max_wait_ms);
	if (hold && (timeout < 0 || timeout > loop->hold_until - now))
		timeout = (int)(loop->hold_until - now);
	long long prev_woke_us = loop->woke_us;
	long long polled_us = trace_enabled() ? loop_now_us() : 0;
	int rc = poll(loop->pfds, (nfds_t)n, timeout);
	if (hold && rc == 0 && loop_now_ms() >= loop->hold_until) {
		/* The hold is over: what piled up is read in this same wake-up, without
		 * sleeping again. */
		n = loop_fill_pfds(loop, false);
		rc = poll(loop->pfds, (nfds_t)n, 0);
	}
	loop_trace_wake(rc, timeout);
	if (polled_us)
		loop->woke_us = loop_now_us();
	bool held_ready = false, other_ready = false;
	if (rc < 0) {
		if (errno == EINTR && loop->on_interrupt) {
			loop->on_interrupt(loop, loop->on_interrupt_ud);
			ran++;
		}
		return ran;
	}
	for (size_t i = 0; i < n; i++) {
		/* The terminal: input latency starts here, once per byte burst even when its
		 * callback waits for the next slice. */
		if (loop->pfds[i].fd == 0 && loop->pfds[i].revents && !loop->input_pending) {
			loop->input_pending = true;
			loop_trace_input(loop, polled_us, prev_woke_us);
		}
	}
	/* Urgent fds first, then the others from where the last slice stopped, for at most
	 * LOOP_SLICE_MS: the rest stay ready (poll is level-triggered) and are called in the
	 * next iteration, after the before-sleep hook has drawn, so a burst of work (a
	 * hundred SSH handshakes) cannot keep a key's frame waiting. */
	long long slice_end = loop_now_ms() + LOOP_SLICE_MS;
	size_t start = loop->next_start < n ? loop->next_start : 0;
	loop->next_start = 0;
	for (size_t i = 0; i < n; i++) {
		struct loop_watcher *w = loop->pfds[i].revents ? loop_find_watcher(loop, loop->pfds[i].fd) : NULL;
		if (w && loop_watcher_urgent(w))
			ran += loop_dispatch(loop, &loop->pfds[i], w, &held_ready, &other_ready);
	}
	bool called = false;
	for (size_t k = 0; k < n; k++) {
		size_t i = (start + k) % n;
		if (!loop->pfds[i].revents)
			continue;
		if (called && loop_now_ms() >= slice_end) {
			loop->next_start = i;
			break;
		}
		called = true;
		ran += loop_dispatch(loop, &loop->pfds[i], loop_find_watcher(loop, loop->pfds[i].fd), &held_ready,
				     &other_ready);
	}
	loop_note_wake(loop, held_ready, other_ready);
	return ran;
}

int loop_run_once(struct loop *loop, long max_wait_ms)
{
	return loop_iterate(loop, max_wait_ms, true);
}

void loop_run(struct loop *loop)
{
	while (!loop->stop)
		loop_iterate(loop, -1, false);
	/* The stop request is consumed, so a later loop_run (batch mode waits several times
	 * on one loop) runs again. */
	loop->stop = false;
}

void loop_stop(struct loop *loop)
{
	loop->stop = true;
}

bool loop_stopped(const struct loop *loop)
{
	return loop->stop;
}
