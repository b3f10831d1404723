/*
 * report_stats.h - the statistics behind `pfnbench report` and
 * `pfnbench compare`: medians, a confidence interval for a paired ratio,
 * and the Mann-Whitney U test.
 *
 * Small on purpose: repetitions number 3-30, so everything copies and sorts.
 * No bootstrap (the ratio interval is a t-interval on log ratios, see
 * rstats_ratio_ci()), no multiple-testing correction (compare reports raw
 * p-values and says so).
 */
#ifndef PFNBENCH_REPORT_STATS_H
#define PFNBENCH_REPORT_STATS_H

#include <stddef.h>

/* Median of @n values (mean of the middle two when @n is even).
 * Returns 0, -EINVAL when @n is 0, -ENOMEM. */
int rstats_median(const double *v, size_t n, double *out);

/* Smallest and largest of @n values.  Returns 0 or -EINVAL when @n is 0. */
int rstats_minmax(const double *v, size_t n, double *min, double *max);

/* Two-sided 97.5% quantile of Student's t with @df degrees of freedom
 * (table for 1-30, interpolated in 1/df beyond).  @df must be >= 1. */
double rstats_t975(size_t df);

/*
 * 95% confidence interval for the ratio num/den from @n paired samples
 * (pair i of num with pair i of den): a t-interval on the mean of
 * log(num[i]/den[i]), transformed back, so *@lo <= *@geo <= *@hi with
 * *@geo the geometric mean of the pair ratios.
 * Returns 0, -EINVAL when @n < 2 or a value is not > 0.
 */
int rstats_ratio_ci(const double *num, const double *den, size_t n,
		    double *geo, double *lo, double *hi);

/* Result of rstats_mann_whitney(). */
struct rstats_mwu {
	double u1;	/* U statistic of x (what scipy returns as statistic) */
	double p;	/* two-sided p-value */
	int exact;	/* 1 exact distribution, 0 normal approximation */
};

/*
 * Mann-Whitney U test, two-sided, with scipy.stats.mannwhitneyu's
 * definitions: U1 = R1 - n1(n1+1)/2 from mid-ranks; the exact null
 * distribution when there are no ties and n1 <= 8 and n2 <= 8 (scipy's
 * method="exact"), else the normal approximation with tie correction and
 * continuity correction (scipy's method="asymptotic", use_continuity=True).
 * p = min(1, 2 * P(U >= max(U1, U2))).
 * Returns 0, -EINVAL when either sample is empty, -ENOMEM.
 */
int rstats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
			struct rstats_mwu *out);

#endif
