/*
 * paired.h - robust statistics of paired samples: the Hodges-Lehmann
 * estimate of their centre and its distribution-free 95% interval from the
 * Wilcoxon signed-rank test.  Shared by the sweep's stopping rule
 * (measure/sweep_gbench.c: has every paired difference of a case reached
 * the precision target?) and the report (analyze/report_model.c: the
 * difference and ratio of every declared comparison), so that both judge a
 * case by the same numbers.
 *
 * Why not the mean and a t-interval: on a shared machine one repetition in
 * ten is stretched by a preemption or another process's burst, and one such
 * pair moves a mean, and widens a t-interval, by as much as the effect
 * measured.  The Hodges-Lehmann estimate is the median of the n(n+1)/2
 * Walsh averages (d_i + d_j) / 2, i <= j: a single outlier, however large,
 * changes only the n averages it is part of and moves the median by at most
 * a few places among them; up to 29% of the pairs may be wild before the
 * estimate goes with them.  Its interval is [W_(k), W_(N+1-k)] of the N
 * sorted Walsh averages, k the largest count with P(T+ <= k - 1) <= 0.025
 * under the signed-rank null distribution, exact for n <= PAIRED_EXACT_MAX
 * and from its normal approximation (with continuity correction) beyond:
 * at least 95% coverage for any continuous distribution symmetric about its
 * centre, and an estimate that always lies inside its own interval.  Under
 * normal noise it is as tight as the t-interval (efficiency 0.955).
 *
 * Six pairs are the fewest with a 95% interval (n = 6: [min, max] of the
 * Walsh averages, 96.9%); fewer give the estimate only.
 *
 * Left out: ties in the null distribution (the times are continuous), other
 * levels than 95%.
 */
#ifndef PFNBENCH_PAIRED_H
#define PFNBENCH_PAIRED_H

#include <stddef.h>

/* the fewest pairs with a 95% interval */
#define PAIRED_MIN_CI 6
/* the exact signed-rank distribution up to this many pairs, normal beyond */
#define PAIRED_EXACT_MAX 60

/* The Hodges-Lehmann estimate of @n values and its 95% interval. */
struct paired_hl {
	size_t n;
	double est;		/* median of the Walsh averages */
	double lo, hi;		/* 95% interval; NAN when n < PAIRED_MIN_CI */
	double half;		/* (hi - lo) / 2; NAN without an interval */
};

/*
 * The Hodges-Lehmann estimate of the values d[0..n) (e.g. paired
 * differences) with its signed-rank interval.  Returns 0 (lo, hi and half
 * NAN when n < PAIRED_MIN_CI), -EINVAL when n is 0 or a value is not
 * finite, -ENOMEM.
 */
int paired_hl(const double *d, size_t n, struct paired_hl *out);

/*
 * A standard deviation of d[0..n) that one outlier cannot move: 1.4826
 * times the median absolute deviation from the median (the factor makes it
 * the standard deviation of normal noise).  The sweep's stopping rule
 * projects from it how many pairs an interval of a given half-width needs,
 * about (1.96 * spread / half)^2; the interval itself is too wide at a
 * few pairs ([min, max] at six) to project from.  NAN when n < 2 or out of
 * memory.
 */
double paired_spread(const double *d, size_t n);

/*
 * The median of v[0..n) by selection (expected linear time, O(n log n) at
 * worst, no sort); v is reordered: v[n / 2] is the upper median, nothing
 * before it larger and nothing after it smaller.  NAN when n is 0.
 */
double paired_median(double *v, size_t n);

/*
 * k for n pairs: the interval is the k-th smallest and k-th largest Walsh
 * average; 0 when n < PAIRED_MIN_CI.  Exposed for the tests.
 */
size_t paired_hl_rank(size_t n);

/* A comparison of two paired samples (paired_compare()). */
struct paired_cmp {
	size_t n;		/* pairs */
	struct paired_hl diff;	/* of a[i] - b[i], in a's unit */
	double ratio;		/* exp(HL of log(a[i] / b[i])) */
	double rlo, rhi;	/* its 95% interval (NAN without one) */
};

/*
 * a[i] against b[i] for i < n: the difference from a[i] - b[i] and the
 * ratio from log(a[i] / b[i]), each by paired_hl() (so the ratio lies
 * inside its interval: exp is monotonic).  The ratio is NAN when a value
 * is not > 0.  Returns 0, -EINVAL (n = 0, a value not finite), -ENOMEM.
 */
int paired_compare(const double *a, const double *b, size_t n, struct paired_cmp *out);

#endif
