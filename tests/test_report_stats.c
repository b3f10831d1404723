/*
 * test_report_stats.c - medians, the paired ratio interval and the
 * Mann-Whitney U test of report_stats.c against known values.
 *
 * Mann-Whitney expectations: scipy is not installed on the build machine,
 * so the values were computed offline with an independent Python script
 * that implements scipy.stats.mannwhitneyu's definitions (exact: all
 * C(n1+n2, n1) splits enumerated; asymptotic: tie-corrected variance and
 * continuity correction).  The first one is also scipy's documented
 * result: scipy.stats.mannwhitneyu([1, 2, 3], [4, 5, 6], method="exact")
 * -> statistic 0.0, pvalue 0.1.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <cmocka.h>

#include "report_stats.h"

static void test_median(void **state)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 }, m = 0;

	(void)state;
	assert_int_equal(rstats_median(odd, 3, &m), 0);
	assert_float_equal(m, 3.0, 1e-12);
	assert_int_equal(rstats_median(even, 4, &m), 0);
	assert_float_equal(m, 2.5, 1e-12);
	assert_int_equal(rstats_median(even, 0, &m), -EINVAL);
	/* the input order is left alone */
	assert_float_equal(odd[0], 5.0, 0);
}

static void test_minmax(void **state)
{
	double v[] = { 2, -1, 7, 3 }, mn, mx;

	(void)state;
	assert_int_equal(rstats_minmax(v, 4, &mn, &mx), 0);
	assert_float_equal(mn, -1, 0);
	assert_float_equal(mx, 7, 0);
	assert_int_equal(rstats_minmax(v, 0, &mn, &mx), -EINVAL);
}

static void test_t975(void **state)
{
	(void)state;
	assert_float_equal(rstats_t975(1), 12.7062, 1e-4);
	assert_float_equal(rstats_t975(4), 2.7764, 1e-4);
	assert_float_equal(rstats_t975(30), 2.0423, 1e-4);
	/* large df tends to the normal quantile */
	assert_float_equal(rstats_t975(100000), 1.96, 1e-3);
	assert_true(rstats_t975(60) > 1.96 && rstats_t975(60) < 2.0423);
}

static void test_ratio_ci(void **state)
{
	double num[] = { 2, 4 }, den[] = { 1, 1 };
	double n5[] = { 10.5, 11.0, 10.8, 11.2, 10.9 };
	double d5[] = { 10.0, 10.1, 10.3, 10.2, 10.0 };
	double same_n[] = { 1.1, 2.2, 3.3 }, same_d[] = { 1, 2, 3 };
	double bad[] = { 1, 0 };
	double geo, lo, hi;

	(void)state;
	/* exp(mean log) +- t(1) * sd / sqrt(2), computed by hand */
	assert_int_equal(rstats_ratio_ci(num, den, 2, &geo, &lo, &hi), 0);
	assert_float_equal(geo, 2.82842712474619, 1e-9);
	assert_float_equal(lo, 0.0345996199191, 1e-6);
	assert_float_equal(hi, 231.216412743895, 1e-3);

	assert_int_equal(rstats_ratio_ci(n5, d5, 5, &geo, &lo, &hi), 0);
	assert_float_equal(geo, 1.07492533274255, 1e-9);
	assert_float_equal(lo, 1.04559122791500, 1e-6);
	assert_float_equal(hi, 1.10508240708541, 1e-6);

	/* every pair has the same ratio: a zero-width interval */
	assert_int_equal(rstats_ratio_ci(same_n, same_d, 3, &geo, &lo, &hi), 0);
	assert_float_equal(lo, 1.1, 1e-12);
	assert_float_equal(hi, 1.1, 1e-12);

	assert_int_equal(rstats_ratio_ci(num, den, 1, &geo, &lo, &hi), -EINVAL);
	assert_int_equal(rstats_ratio_ci(num, bad, 2, &geo, &lo, &hi), -EINVAL);
}

static void test_mwu_exact(void **state)
{
	struct rstats_mwu r;
	double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	double c[] = { 10.1, 10.4, 9.8, 10.9, 10.2 };
	double d[] = { 10.6, 11.3, 10.8, 11.9, 11.0 };
	double e[] = { 3.1, 1.2, 5.5, 4.4, 2.0, 6.7, 7.9 };
	double f[] = { 5.0, 6.1, 8.2, 9.3 };
	double g[] = { 1, 2, 3, 4, 5 }, h[] = { 6, 7, 8, 9, 10 };

	(void)state;
	/* scipy.stats.mannwhitneyu([1,2,3], [4,5,6], method="exact") */
	assert_int_equal(rstats_mann_whitney(a, 3, b, 3, &r), 0);
	assert_true(r.exact);
	assert_float_equal(r.u1, 0.0, 0);
	assert_float_equal(r.p, 0.1, 1e-12);
	/* swapping the samples swaps U1 and U2, p stays */
	assert_int_equal(rstats_mann_whitney(b, 3, a, 3, &r), 0);
	assert_float_equal(r.u1, 9.0, 0);
	assert_float_equal(r.p, 0.1, 1e-12);

	/* scipy.stats.mannwhitneyu(c, d, method="exact"): U1 2, p 8/252 */
	assert_int_equal(rstats_mann_whitney(c, 5, d, 5, &r), 0);
	assert_float_equal(r.u1, 2.0, 0);
	assert_float_equal(r.p, 0.031746031746031744, 1e-12);

	/* unequal sizes: scipy.stats.mannwhitneyu(e, f, method="exact") */
	assert_int_equal(rstats_mann_whitney(e, 7, f, 4, &r), 0);
	assert_float_equal(r.u1, 5.0, 0);
	assert_float_equal(r.p, 0.10909090909090909, 1e-12);

	/* fully separated 5 vs 5: the smallest p, 2/252 */
	assert_int_equal(rstats_mann_whitney(g, 5, h, 5, &r), 0);
	assert_float_equal(r.p, 2.0 / 252.0, 1e-12);
}

static void test_mwu_ties(void **state)
{
	struct rstats_mwu r;
	double a[] = { 1, 2, 2, 3, 4, 4 }, b[] = { 2, 4, 5, 5, 6, 7 };
	double c[] = { 8, 8, 8, 8, 8 }, d[] = { 8.8, 8.8, 8.8, 8.8, 8.8 };
	double e[] = { 3, 3, 3 };

	(void)state;
	/* scipy.stats.mannwhitneyu(a, b, method="asymptotic") */
	assert_int_equal(rstats_mann_whitney(a, 6, b, 6, &r), 0);
	assert_false(r.exact);
	assert_float_equal(r.u1, 5.0, 0);
	assert_float_equal(r.p, 0.04196581383685266, 1e-9);

	/* two constant samples: scipy ... method="asymptotic" */
	assert_int_equal(rstats_mann_whitney(c, 5, d, 5, &r), 0);
	assert_float_equal(r.u1, 0.0, 0);
	assert_float_equal(r.p, 0.003976751709788652, 1e-9);

	/* all values tied: no evidence, p = 1 */
	assert_int_equal(rstats_mann_whitney(e, 3, e, 3, &r), 0);
	assert_float_equal(r.p, 1.0, 0);

	assert_int_equal(rstats_mann_whitney(a, 0, b, 6, &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_minmax),
		cmocka_unit_test(test_t975),
		cmocka_unit_test(test_ratio_ci),
		cmocka_unit_test(test_mwu_exact),
		cmocka_unit_test(test_mwu_ties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
