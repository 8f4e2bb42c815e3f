/* Unit tests for tui/loop: timer order, re-arming and cancelling, fd watchers, the
 * before-sleep hook. */
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
