/*
 * paired.c - Hodges-Lehmann estimate and signed-rank interval (paired.h).
 *
 * The Walsh averages are all formed and sorted: the sweep checks cases of
 * at most a few hundred pairs, a few times 10^4 averages.
 */
#include "paired.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the two-sided 97.5% normal quantile */
#define Z975 1.959963984540054

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

size_t paired_hl_rank(size_t n)
{
	size_t max = n * (n + 1) / 2, k = 0;

	if (n < PAIRED_MIN_CI)
		return 0;
	if (n <= PAIRED_EXACT_MAX) {
		/* c[s]: subsets of the ranks 1..n summing to s (the null distribution of T+) */
		long double *c = calloc(max + 1, sizeof(*c)), cum = 0, all = ldexpl(1.0L, (int)n);

		if (!c)
			return 0;
		c[0] = 1;
		for (size_t r = 1; r <= n; r++)
			for (size_t s = r * (r + 1) / 2; s >= r; s--)
				c[s] += c[s - r];
		/* the largest k with P(T+ <= k - 1) <= 0.025 */
		while (k <= max && (cum + c[k]) / all <= 0.025L)
			cum += c[k++];
		free(c);
		return k;
	}
	{
		double mu = (double)n * (n + 1) / 4, sd = sqrt((double)n * (n + 1) * (2 * n + 1) / 24);

		/* P(T+ <= k - 1) ~ Phi((k - 1 + 0.5 - mu) / sd) <= 0.025 */
		k = (size_t)floor(mu - 0.5 - Z975 * sd) + 1;
	}
	return k;
}

int paired_hl(const double *d, size_t n, struct paired_hl *out)
{
	size_t nw = n * (n + 1) / 2, w = 0, k;
	double *a;

	memset(out, 0, sizeof(*out));
	out->lo = out->hi = out->half = out->est = NAN;
	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(d[i]))
			return -EINVAL;
	a = malloc(nw * sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i; j < n; j++)
			a[w++] = (d[i] + d[j]) / 2;
	qsort(a, nw, sizeof(*a), cmp_double);
	out->n = n;
	out->est = nw % 2 ? a[nw / 2] : (a[nw / 2 - 1] + a[nw / 2]) / 2;
	k = paired_hl_rank(n);
	if (k > 0 && k <= nw / 2) {
		out->lo = a[k - 1];
		out->hi = a[nw - k];
		out->half = (out->hi - out->lo) / 2;
	}
	free(a);
	return 0;
}

double paired_spread(const double *d, size_t n)
{
	double *v, med, mad;

	if (n < 2 || !(v = malloc(n * sizeof(*v))))
		return NAN;
	memcpy(v, d, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	for (size_t i = 0; i < n; i++)
		v[i] = fabs(d[i] - med);
	qsort(v, n, sizeof(*v), cmp_double);
	mad = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	free(v);
	return 1.4826 * mad;
}

int paired_compare(const double *a, const double *b, size_t n, struct paired_cmp *out)
{
	double *d;
	int ret, pos = 1;

	memset(out, 0, sizeof(*out));
	out->ratio = out->rlo = out->rhi = NAN;
	if (!n)
		return -EINVAL;
	d = malloc(n * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		d[i] = a[i] - b[i];
		pos &= a[i] > 0 && b[i] > 0;
	}
	ret = paired_hl(d, n, &out->diff);
	out->n = n;
	if (!ret && pos) {
		struct paired_hl l;

		for (size_t i = 0; i < n; i++)
			d[i] = log(a[i] / b[i]);
		ret = paired_hl(d, n, &l);
		if (!ret) {
			out->ratio = exp(l.est);
			out->rlo = exp(l.lo);
			out->rhi = exp(l.hi);
		}
	}
	free(d);
	return ret;
}
