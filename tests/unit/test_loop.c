/* Unit tests for tui/loop: timer order, re-arming and cancelling, fd watchers, the
 * before-sleep hook, coalescing of bursts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/loop.h"

#include <string.h>
#include <unistd.h>

struct rec {
	char log[256];
	int fires;
	long again;        /* what the timer callback returns */
	long long cancel;  /* timer id to cancel from inside the callback */
};

static void rec_add(struct rec *r, const char *s)
{
	strncat(r->log, s, sizeof(r->log) - strlen(r->log) - 1);
}

static long timer_a(struct loop *l, long long id, void *ud) { (void)l; (void)id; rec_add(ud, "a"); return LOOP_TIMER_STOP; }
static long timer_b(struct loop *l, long long id, void *ud) { (void)l; (void)id; rec_add(ud, "b"); return LOOP_TIMER_STOP; }
static long timer_c(struct loop *l, long long id, void *ud) { (void)l; (void)id; rec_add(ud, "c"); return LOOP_TIMER_STOP; }

static void run_until(struct loop *loop, long ms)
{
	long long end = loop_now_ms() + ms;
	while (loop_now_ms() < end)
		loop_run_once(loop, end - loop_now_ms());
}

static void test_timers_fire_in_due_order(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	loop_add_timer(loop, 60, timer_c, &r);
	loop_add_timer(loop, 10, timer_a, &r);
	loop_add_timer(loop, 30, timer_b, &r);
	run_until(loop, 120);
	assert_string_equal(r.log, "abc");
	loop_free(loop);
}

static void test_same_time_timers_fire_in_insertion_order(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	loop_add_timer(loop, 0, timer_b, &r);
	loop_add_timer(loop, 0, timer_a, &r);
	loop_add_timer(loop, 0, timer_c, &r);
	loop_run_once(loop, 0);
	assert_string_equal(r.log, "bac");
	loop_free(loop);
}

static long timer_repeat(struct loop *l, long long id, void *ud)
{
	(void)l;
	(void)id;
	struct rec *r = ud;
	r->fires++;
	return r->fires < 3 ? r->again : LOOP_TIMER_STOP;
}

static void test_timer_rearms_with_returned_interval(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { .again = 5 };
	long long t0 = loop_now_ms();
	loop_add_timer(loop, 5, timer_repeat, &r);
	run_until(loop, 100);
	assert_int_equal(r.fires, 3);
	assert_true(loop_now_ms() - t0 >= 15);
	loop_free(loop);
}

static void test_cancel_timer(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	long long id = loop_add_timer(loop, 10, timer_a, &r);
	loop_add_timer(loop, 20, timer_b, &r);
	loop_cancel_timer(loop, id);
	loop_cancel_timer(loop, 9999); /* unknown ids are ignored */
	run_until(loop, 60);
	assert_string_equal(r.log, "b");
	loop_free(loop);
}

static long timer_self_cancel(struct loop *l, long long id, void *ud)
{
	struct rec *r = ud;
	r->fires++;
	loop_cancel_timer(l, id); /* cancelling itself wins over the returned interval */
	return 1;
}

static void test_timer_cancels_itself(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	loop_add_timer(loop, 0, timer_self_cancel, &r);
	run_until(loop, 30);
	assert_int_equal(r.fires, 1);
	loop_free(loop);
}

static void on_read(struct loop *l, int fd, int revents, void *ud)
{
	(void)l;
	struct rec *r = ud;
	char buf[16];
	assert_true(revents & LOOP_READ);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		rec_add(r, buf);
	}
	r->fires++;
}

static void test_fd_watcher_called_when_readable(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	int p[2];
	assert_int_equal(pipe(p), 0);
	loop_watch_fd(loop, p[0], LOOP_READ, on_read, &r);
	loop_run_once(loop, 0);
	assert_int_equal(r.fires, 0); /* nothing to read: not called */
	assert_int_equal(write(p[1], "hi", 2), 2);
	loop_run_once(loop, 1000);
	assert_int_equal(r.fires, 1);
	assert_string_equal(r.log, "hi");
	loop_unwatch_fd(loop, p[0]);
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_run_once(loop, 10);
	assert_int_equal(r.fires, 1); /* unwatched */
	close(p[0]);
	close(p[1]);
	loop_free(loop);
}

static void hook(struct loop *l, void *ud)
{
	(void)l;
	rec_add(ud, "H");
}

static long timer_stop(struct loop *l, long long id, void *ud)
{
	(void)id;
	rec_add(ud, "t");
	loop_stop(l);
	return LOOP_TIMER_STOP;
}

static void test_before_sleep_runs_after_timers_and_before_poll(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	loop_set_before_sleep(loop, hook, &r);
	loop_add_timer(loop, 0, timer_a, &r);
	loop_run_once(loop, 0);
	assert_string_equal(r.log, "aH");
	loop_add_timer(loop, 5, timer_stop, &r);
	loop_run(loop);   /* returns once the timer stops the loop */
	assert_false(loop_stopped(loop)); /* the stop was consumed */
	assert_int_equal(r.log[strlen(r.log) - 1], 't');
	loop_free(loop);
}

/* loop_run can be called again after a stop (batch mode waits on one loop several
 * times), and a stop requested before the call is not lost. */
static void test_loop_run_is_reusable(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	loop_add_timer(loop, 5, timer_stop, &r);
	loop_run(loop);
	assert_string_equal(r.log, "t");
	loop_add_timer(loop, 5, timer_a, &r);
	loop_add_timer(loop, 20, timer_stop, &r);
	loop_run(loop);   /* runs again: both timers fire, the second one stops it */
	assert_string_equal(r.log, "tat");
	assert_false(loop_stopped(loop));
	loop_stop(loop);  /* requested before the run: returns without sleeping */
	assert_true(loop_stopped(loop));
	long long t0 = loop_now_ms();
	loop_add_timer(loop, 1000, timer_a, &r);
	loop_run(loop);
	assert_true(loop_now_ms() - t0 < 500);
	assert_string_equal(r.log, "tat");
	assert_false(loop_stopped(loop));
	loop_free(loop);
}

static void test_idle_loop_sleeps_until_timer(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 };
	loop_set_before_sleep(loop, hook, &r);
	loop_add_timer(loop, 50, timer_a, &r);
	long long t0 = loop_now_ms();
	loop_run_once(loop, -1); /* sleeps in poll until the timer is due */
	assert_true(loop_now_ms() - t0 >= 45);
	loop_run_once(loop, 0);
	/* one hook per iteration, not a busy loop */
	assert_string_equal(r.log, "HaH");
	loop_free(loop);
}

/* Coalescing: a second wake-up by the same (holdable) fd soon after the first holds it
 * out of poll for the window; what arrives meanwhile is read in one iteration at the end,
 * while an urgent fd is still served at once. */
static void test_coalesce_holds_bursts_not_urgent_fds(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec net = { 0 }, tty = { 0 };
	int a[2], b[2];
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	loop_watch_fd(loop, a[0], LOOP_READ, on_read, &net);
	loop_watch_fd(loop, b[0], LOOP_READ | LOOP_URGENT, on_read, &tty);
	loop_set_coalesce(loop, 150);
	/* An isolated event is read at once. */
	assert_int_equal(write(a[1], "1", 1), 1);
	assert_int_equal(loop_run_once(loop, 1000), 1);
	assert_string_equal(net.log, "1");
	/* A second one soon after is still read at once, but starts a hold. */
	assert_int_equal(write(a[1], "2", 1), 1);
	assert_int_equal(loop_run_once(loop, 1000), 1);
	assert_string_equal(net.log, "12");
	long long t0 = loop_now_ms();
	assert_int_equal(write(a[1], "3", 1), 1);
	assert_int_equal(write(b[1], "k", 1), 1);
	loop_run_once(loop, 1000);
	assert_string_equal(tty.log, "k");    /* the key did not wait */
	assert_string_equal(net.log, "12");   /* the burst did */
	assert_true(loop_now_ms() - t0 < 100);
	assert_int_equal(write(a[1], "4", 1), 1);
	while (strlen(net.log) < 3 && loop_now_ms() - t0 < 2000)
		loop_run_once(loop, 1000);
	assert_true(loop_now_ms() - t0 >= 140);
	assert_string_equal(net.log, "1234"); /* what piled up, in one read */
	assert_int_equal(net.fires, 3);
	/* Off again: every event at once. */
	loop_set_coalesce(loop, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(write(a[1], "x", 1), 1);
		t0 = loop_now_ms();
		assert_int_equal(loop_run_once(loop, 1000), 1);
		assert_true(loop_now_ms() - t0 < 100);
	}
	assert_int_equal(net.fires, 6);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	loop_free(loop);
}

/* A writer is never held: a socket waiting to send is not part of a burst. */
static void on_write(struct loop *l, int fd, int revents, void *ud)
{
	(void)l;
	(void)fd;
	struct rec *r = ud;
	assert_true(revents & LOOP_WRITE);
	r->fires++;
}

static void test_coalesce_never_holds_writers(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec net = { 0 }, out = { 0 };
	int a[2];
	assert_int_equal(pipe(a), 0);
	loop_set_coalesce(loop, 500);
	loop_watch_fd(loop, a[0], LOOP_READ, on_read, &net);
	for (int i = 0; i < 2; i++) { /* two wake-ups in a row: a hold starts */
		assert_int_equal(write(a[1], "r", 1), 1);
		loop_run_once(loop, 1000);
	}
	assert_int_equal(net.fires, 2);
	loop_watch_fd(loop, a[1], LOOP_WRITE, on_write, &out);
	long long t0 = loop_now_ms();
	loop_run_once(loop, 1000);
	assert_int_equal(out.fires, 1);
	assert_true(loop_now_ms() - t0 < 250);
	close(a[0]);
	close(a[1]);
	loop_free(loop);
}

/* loop_run sleeps right after timers fire (one poll per wake-up), loop_run_once by hand
 * first collects ready fds without sleeping so the caller can look. */
static long timer_count_then_stop(struct loop *l, long long id, void *ud)
{
	(void)id;
	struct rec *r = ud;
	if (++r->fires == 3) {
		loop_stop(l);
		return LOOP_TIMER_STOP;
	}
	return 20;
}

static void test_loop_run_sleeps_after_timers(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 }, h = { 0 };
	loop_set_before_sleep(loop, hook, &h);
	loop_add_timer(loop, 20, timer_count_then_stop, &r);
	loop_run(loop);
	assert_int_equal(r.fires, 3);
	/* One before-sleep per wake-up: the first iteration, then one after each of the two
	 * timers that re-armed (the third stops the loop before the hook). */
	assert_string_equal(h.log, "HHH");
	loop_free(loop);
}

/* A slow callback: reads like on_read, then keeps the loop busy for 20 ms. */
static void on_read_slow(struct loop *l, int fd, int revents, void *ud)
{
	on_read(l, fd, revents, ud);
	long long t0 = loop_now_ms();
	while (loop_now_ms() - t0 < 20) {
	}
}

/* One iteration calls fds for a bounded slice: urgent ones first, then the others until
 * the slice is used up; the rest are called in the next iteration (after the before-sleep
 * hook, which is where a key's frame is drawn), starting where the slice stopped. */
static void test_callbacks_are_sliced_urgent_first(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct rec r = { 0 }, h = { 0 };
	int a[2], b[2], u[2];
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(pipe(u), 0);
	loop_watch_fd(loop, a[0], LOOP_READ, on_read_slow, &r);
	loop_watch_fd(loop, b[0], LOOP_READ, on_read, &r);
	loop_watch_fd(loop, u[0], LOOP_READ | LOOP_URGENT, on_read, &r);
	loop_set_before_sleep(loop, hook, &h);
	assert_int_equal(write(a[1], "a", 1), 1);
	assert_int_equal(write(b[1], "b", 1), 1);
	assert_int_equal(write(u[1], "u", 1), 1);
	assert_int_equal(loop_run_once(loop, 1000), 2);
	assert_string_equal(r.log, "ua");   /* b waits: the slow one used the slice */
	assert_int_equal(loop_run_once(loop, 1000), 1);
	assert_string_equal(r.log, "uab");
	assert_string_equal(h.log, "HH");    /* the hook ran in between */
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	close(u[0]);
	close(u[1]);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_due_order),
		cmocka_unit_test(test_same_time_timers_fire_in_insertion_order),
		cmocka_unit_test(test_timer_rearms_with_returned_interval),
		cmocka_unit_test(test_cancel_timer),
		cmocka_unit_test(test_timer_cancels_itself),
		cmocka_unit_test(test_fd_watcher_called_when_readable),
		cmocka_unit_test(test_before_sleep_runs_after_timers_and_before_poll),
		cmocka_unit_test(test_idle_loop_sleeps_until_timer),
		cmocka_unit_test(test_loop_run_is_reusable),
		cmocka_unit_test(test_coalesce_holds_bursts_not_urgent_fds),
		cmocka_unit_test(test_coalesce_never_holds_writers),
		cmocka_unit_test(test_loop_run_sleeps_after_timers),
		cmocka_unit_test(test_callbacks_are_sliced_urgent_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
