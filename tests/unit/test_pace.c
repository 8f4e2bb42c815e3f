/* Unit tests for tui/pace: the frame pacer of the console and the wall. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/pace.h"

/* The console's settings: 33 ms apart, one token per 100 ms, a start-up burst of 6. */
static void test_start_burst_then_refill(void **state)
{
	(void)state;
	struct pace p;
	pace_init(&p, 33, 100, 6);
	long long t = 1000;
	/* The burst: six frames, each only the gap after the one before. */
	for (int i = 0; i < 6; i++) {
		assert_int_equal(pace_wait(&p, t), 0);
		pace_drawn(&p, t, true);
		if (i < 5)
			assert_int_equal(pace_wait(&p, t + 10), 23); /* the gap, tokens left */
		t += 33;
	}
	/* Bucket empty: the next token is a refill period away, not the gap. */
	long long w = pace_wait(&p, t);
	assert_true(w > 33 && w <= 101);
	assert_int_equal(pace_wait(&p, t + w), 0);
	pace_drawn(&p, t + w, true);
	/* Steady state: one frame per refill period. */
	long long next = t + w, frames = 0;
	for (long long now = next; now < next + 1000; now++) {
		if (pace_wait(&p, now) == 0) {
			pace_drawn(&p, now, true);
			frames++;
		}
	}
	assert_true(frames >= 9 && frames <= 10);
}

/* A frame that answers a key takes no token, but the next paced one keeps the gap. */
static void test_unpaced_frames_take_no_token(void **state)
{
	(void)state;
	struct pace p;
	pace_init(&p, 33, 100, 1);
	assert_int_equal(pace_wait(&p, 500), 0);
	pace_drawn(&p, 500, true);       /* the one token */
	for (int i = 1; i <= 5; i++)
		pace_drawn(&p, 500 + i * 5, false);  /* keys: drawn at once */
	/* Refilled at 601 at the latest, keys or not. */
	assert_true(pace_wait(&p, 560) > 0);
	assert_int_equal(pace_wait(&p, 601), 0);
}

/* After a quiet spell a change shows at once; the bucket never holds more than one. */
static void test_quiet_spell(void **state)
{
	(void)state;
	struct pace p;
	pace_init(&p, 33, 100, 6);
	for (int i = 0; i < 6; i++)
		pace_drawn(&p, 100 + i * 40, true);
	assert_int_equal(pace_wait(&p, 10000), 0);
	pace_drawn(&p, 10000, true);
	assert_true(pace_wait(&p, 10040) > 0);  /* one held, not a hundred */
}

/* The wall's settings: a plain minimum gap of 250 ms. */
static void test_min_gap(void **state)
{
	(void)state;
	struct pace p;
	pace_init(&p, 250, 250, 1);
	assert_int_equal(pace_wait(&p, 1), 0);
	pace_drawn(&p, 1, true);
	assert_true(pace_wait(&p, 100) >= 151);
	assert_true(pace_wait(&p, 249) > 0);
	assert_int_equal(pace_wait(&p, 252), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_burst_then_refill),
		cmocka_unit_test(test_unpaced_frames_take_no_token),
		cmocka_unit_test(test_quiet_spell),
		cmocka_unit_test(test_min_gap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
