/* tui/loop: see loop.h.  A watcher table rebuilt into a pollfd array each iteration
 * and a binary min-heap of timers ordered by (due time, sequence number). */
#include "tui/loop.h"

#include "core/trace.h"
#include "core/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int loop_run_once(struct loop *loop, long max_wait_ms)
{
	int ran = loop_fire_timers(loop);
	if (loop->stop)
		return ran;
	if (loop->before_sleep)
		loop->before_sleep(loop, loop->before_sleep_ud);

	size_t n = loop->nwatchers;
	loop->pfds = xgrow(loop->pfds, &loop->cappfds, n + 1, sizeof(*loop->pfds));
	for (size_t i = 0; i < n; i++) {
		loop->pfds[i].fd = loop->watchers[i].fd;
		loop->pfds[i].events = (short)(((loop->watchers[i].events & LOOP_READ) ? POLLIN : 0) |
					       ((loop->watchers[i].events & LOOP_WRITE) ? POLLOUT : 0));
		loop->pfds[i].revents = 0;
	}
	/* Timers that fired may have changed what the caller waits for (loop_run_once used
	 * by hand): collect ready fds without sleeping, so the caller can look again. */
	int rc = poll(loop->pfds, (nfds_t)n, ran > 0 ? 0 : loop_poll_timeout(loop, max_wait_ms));
	trace_mark("wake", NULL);
	if (rc < 0) {
		if (errno == EINTR && loop->on_interrupt) {
			loop->on_interrupt(loop, loop->on_interrupt_ud);
			ran++;
		}
		return ran;
	}
	for (size_t i = 0; i < n && rc > 0; i++) {
		short re = loop->pfds[i].revents;
		if (!re)
			continue;
		if (loop->pfds[i].fd == 0) /* the terminal: input latency starts here */
			trace_mark("input", NULL);
		rc--;
		/* The watcher may have been removed or replaced by an earlier callback. */
		struct loop_watcher *w = loop_find_watcher(loop, loop->pfds[i].fd);
		if (!w)
			continue;
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
			loop_unwatch_fd(loop, loop->pfds[i].fd);
		fn(loop, loop->pfds[i].fd, ev, ud);
		ran++;
	}
	return ran;
}

void loop_run(struct loop *loop)
{
	while (!loop->stop)
		loop_run_once(loop, -1);
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
