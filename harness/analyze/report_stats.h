/*
 * report_stats.h - the statistics behind `pfnbench report` and
 * `pfnbench compare`: medians, Student's t, a paired t-test on log ratios (ab),
 * and the Mann-Whitney U test.
 *
 * Small on purpose: repetitions number 3-30, so everything copies and sorts.
 * The report's paired difference and ratio are common/paired.h's
 * (Hodges-Lehmann, signed-rank interval).  Many comparisons at once
 * (compare, ab) are corrected with Holm's step-down method, rstats_holm().
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

/*
 * Two-sided p-value of Student's t statistic @t with @df degrees of
 * freedom: P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2).  NAN when @t is NaN
 * or @df <= 0; 0 for an infinite @t.
 */
double rstats_t_p2(double t, double df);

/* A paired comparison on the log scale (rstats_paired_log()). */
struct rstats_paired {
	size_t n;		/* pairs */
	double mean_log;	/* mean of log(num[i] / den[i]) */
	double sd_log;		/* their sample standard deviation */
	double ratio;		/* exp(mean_log): the geometric mean ratio */
	double lo, hi;		/* 95% t-interval of the ratio */
	double t;		/* mean_log / (sd_log / sqrt(n)) */
	double p;		/* two-sided p of t with n - 1 df */
};

/*
 * Paired t-test on log ratios: pair i is num[i] against den[i] (for the A/B
 * gate, one round's NEW against the same round's BASE).  Pairs whose ratio
 * is identical give sd 0: p = 1 when that ratio is 1, else 0.  Returns 0,
 * -EINVAL when @n < 2 or a value is not finite and > 0.
 */
int rstats_paired_log(const double *num, const double *den, size_t n, struct rstats_paired *out);

/*
 * Holm's step-down adjustment of @n p-values (NaN entries are left out of
 * the count and stay NaN): adj[i] = min(1, max over the j ranked at or
 * before i of (m - rank_j) * p_j), with m the number of non-NaN p-values.
 * Rejecting where adj < alpha keeps the chance of any false alarm among
 * the m tests at most alpha, whatever their dependence.  0 or -ENOMEM.
 */
int rstats_holm(const double *p, size_t n, double *adj);

#endif
