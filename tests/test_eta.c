/*
 * test_eta.c - the time left in a sweep of rounds (sweep_case_eta_s(),
 * harness/measure/sweep_rounds.c).
 *
 * Issue 14: early in the default sweep the progress line said "~8679s
 * left" at 41 s of a 95 s run.  With rounds each case predicts its own
 * rounds: those still owed to repetitions, and with a precision target
 * those that bring its interval down to the target (1/sqrt(rounds)), no
 * further than max_time, each as long as its last round.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sweep_priv.h"

#define assert_near(a, b) assert_true(fabs((a) - (b)) <= 1e-9)

static void test_unknown(void **state)
{
	(void)state;
	assert_true(isnan(sweep_case_eta_s(0, 5, 0, 0, NAN, 0, 7)));
}

static void test_fixed_rounds(void **state)
{
	(void)state;
	/* no target: the rounds owed to repetitions, at the last round's 0.5 s (the first took 2 s) */
	assert_near(sweep_case_eta_s(2, 5, 2.5, 0.5, NAN, 0, 7), 3 * 0.5);
	/* after the first round alone: its own time (trial runs included) */
	assert_near(sweep_case_eta_s(1, 5, 2, 2, NAN, 0, 7), 4 * 2.0);
	assert_near(sweep_case_eta_s(5, 5, 5, 1, NAN, 0, 7), 0);
}

static void test_precision(void **state)
{
	(void)state;
	/* 8 rounds, interval twice the target: 8 * (4 - 1) = 24 more rounds of 0.1 s */
	assert_near(sweep_case_eta_s(8, 5, 1, 0.1, 2e-9, 1e-9, 100), 24 * 0.1);
	/* no interval yet (too few pairs): up to max_time, 7 - 1 s in rounds of 0.1 s */
	assert_near(sweep_case_eta_s(8, 5, 1, 0.1, NAN, 1e-9, 7), 60 * 0.1);
	/* reached already: nothing */
	assert_near(sweep_case_eta_s(8, 5, 1, 0.1, 0.5e-9, 1e-9, 100), 0);
	/* still owed to repetitions, whatever the interval */
	assert_near(sweep_case_eta_s(2, 5, 0.2, 0.1, 0.5e-9, 1e-9, 100), 3 * 0.1);
	/* max_time 7 s stops it: 6 s spent, rounds of 0.5 s: 2 more */
	assert_near(sweep_case_eta_s(8, 5, 6, 0.5, 4e-9, 1e-9, 7), 2 * 0.5);
	/* past max_time: nothing */
	assert_near(sweep_case_eta_s(8, 5, 8, 0.5, 4e-9, 1e-9, 7), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_fixed_rounds),
		cmocka_unit_test(test_precision),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
