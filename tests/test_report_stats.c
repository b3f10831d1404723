/*
 * test_report_stats.c - medians, Student's t and the
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

/*
 * Student's t p-values against scipy 1.10 (Debian 12's python3-scipy):
 * 2 * scipy.stats.t.sf(abs(t), df).
 */
static void test_t_p2(void **state)
{
	static const struct { double t, df, p; } v[] = {
		{ 2.0, 4, 0.1161165235168155 },
		{ 0.5, 9, 0.6290712998260264 },
		{ 15.7, 5, 1.905947291056672e-05 },
		{ 3.0, 1, 0.20483276469913345 },
		{ -2.2, 30, 0.03564843999683578 },
		{ 8.0, 100, 2.2728648077280803e-12 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(fabs(rstats_t_p2(v[i].t, v[i].df) - v[i].p) <= 1e-9 * (v[i].p > 1e-3 ? 1 : v[i].p * 1e3));
	assert_float_equal(rstats_t_p2(0, 7), 1.0, 1e-12);
	assert_float_equal(rstats_t_p2(INFINITY, 7), 0.0, 0);
	assert_true(isnan(rstats_t_p2(1, 0)));
	assert_true(isnan(rstats_t_p2(NAN, 3)));
}

/*
 * Paired log-ratio t-test against scipy: d = log(num/den);
 * scipy.stats.ttest_1samp(d, 0) -> statistic 56.52039292735242,
 * pvalue 3.279612347690924e-08; d.mean() 0.09950029448489185,
 * d.std(ddof=1) 0.004312159525463954.
 */
static void test_paired_log(void **state)
{
	double num[] = { 1.10, 1.12, 1.09, 1.11, 1.13, 1.10 }, den[] = { 1.0, 1.01, 0.99, 1.0, 1.02, 1.0 };
	double same[] = { 2, 4, 8 }, twice[] = { 4, 8, 16 }, bad[] = { 1, 0, 1 };
	struct rstats_paired r;

	(void)state;
	assert_int_equal(rstats_paired_log(num, den, 6, &r), 0);
	assert_int_equal(r.n, 6);
	assert_float_equal(r.mean_log, 0.09950029448489185, 1e-12);
	assert_float_equal(r.sd_log, 0.004312159525463954, 1e-12);
	assert_float_equal(r.t, 56.52039292735242, 1e-8);
	assert_float_equal(r.p, 3.279612347690924e-08, 1e-13);
	assert_float_equal(r.ratio, exp(0.09950029448489185), 1e-12);
	assert_true(r.lo < r.ratio && r.ratio < r.hi);
	/* t975(5) = 2.5706: the interval's half-width on the log scale */
	assert_float_equal(log(r.hi) - r.mean_log, 2.5706 * 0.004312159525463954 / sqrt(6.0), 1e-6);
	/* every pair the same ratio: nothing to test against */
	assert_int_equal(rstats_paired_log(twice, same, 3, &r), 0);
	assert_float_equal(r.ratio, 2.0, 1e-12);
	assert_float_equal(r.p, 0.0, 0);
	assert_int_equal(rstats_paired_log(same, same, 3, &r), 0);
	assert_float_equal(r.p, 1.0, 0);
	assert_int_equal(rstats_paired_log(num, den, 1, &r), -EINVAL);
	assert_int_equal(rstats_paired_log(bad, same, 3, &r), -EINVAL);
}

/*
 * Holm by hand: m = 4 (the NaN is not a test); sorted 0.005, 0.01, 0.03,
 * 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> step-down maxima 0.02,
 * 0.03, 0.06, 0.06.
 */
static void test_holm(void **state)
{
	double p[] = { 0.01, 0.04, 0.03, 0.005, NAN }, adj[5];
	double big[] = { 0.5, 0.9 }, adj2[2];

	(void)state;
	assert_int_equal(rstats_holm(p, 5, adj), 0);
	assert_float_equal(adj[0], 0.03, 1e-15);
	assert_float_equal(adj[1], 0.06, 1e-15);
	assert_float_equal(adj[2], 0.06, 1e-15);
	assert_float_equal(adj[3], 0.02, 1e-15);
	assert_true(isnan(adj[4]));
	/* capped at 1 */
	assert_int_equal(rstats_holm(big, 2, adj2), 0);
	assert_float_equal(adj2[0], 1.0, 0);
	assert_float_equal(adj2[1], 1.0, 0);
	assert_int_equal(rstats_holm(p, 0, adj), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_minmax),
		cmocka_unit_test(test_t975),
		cmocka_unit_test(test_mwu_exact),
		cmocka_unit_test(test_mwu_ties),
		cmocka_unit_test(test_t_p2),
		cmocka_unit_test(test_paired_log),
		cmocka_unit_test(test_holm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
