/*
 * report_stats.c - medians, a paired ratio interval, Mann-Whitney U.
 *
 * Mann-Whitney's exact null distribution is the coefficient list of the
 * Gaussian binomial [n1+n2 choose n1]_q: the number of arrangements of the
 * two samples with U = k is the coefficient of q^k.  It is built as the
 * product over i = 1..n1 of (1 - q^(n2+i)) / (1 - q^i), in doubles (exact
 * while the counts stay below 2^53, which holds for n1, n2 <= 8).
 */
#include "report_stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int rstats_median(const double *v, size_t n, double *out)
{
	double *s;

	if (!n)
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	*out = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
	free(s);
	return 0;
}

int rstats_minmax(const double *v, size_t n, double *min, double *max)
{
	if (!n)
		return -EINVAL;
	*min = *max = v[0];
	for (size_t i = 1; i < n; i++) {
		if (v[i] < *min)
			*min = v[i];
		if (v[i] > *max)
			*max = v[i];
	}
	return 0;
}

double rstats_t975(size_t df)
{
	static const double t[31] = {
		0, 12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646,
		2.3060, 2.2622, 2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314,
		2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
		2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
	};

	if (df < 1)
		df = 1;
	if (df <= 30)
		return t[df];
	/* t(df) ~ z + c/df; c fitted so that t(30) matches the table. */
	return 1.95996 + (2.0423 - 1.95996) * 30.0 / (double)df;
}

int rstats_ratio_ci(const double *num, const double *den, size_t n,
		    double *geo, double *lo, double *hi)
{
	double sum = 0, ss = 0, mean, sd, half;

	if (n < 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!(num[i] > 0) || !(den[i] > 0))
			return -EINVAL;
		sum += log(num[i] / den[i]);
	}
	mean = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = log(num[i] / den[i]) - mean;

		ss += d * d;
	}
	sd = sqrt(ss / (double)(n - 1));
	half = rstats_t975(n - 1) * sd / sqrt((double)n);
	*geo = exp(mean);
	*lo = exp(mean - half);
	*hi = exp(mean + half);
	return 0;
}

/* A value of the pooled sample and which sample it came from. */
struct tagged {
	double v;
	int from_x;
};

static int cmp_tagged(const void *a, const void *b)
{
	return cmp_double(&((const struct tagged *)a)->v,
			  &((const struct tagged *)b)->v);
}

/* P(U >= u) under the null for sample sizes m, n without ties. */
static int mwu_exact_sf(size_t m, size_t n, double u, double *p)
{
	size_t top = m * n, k;
	double *c = calloc(top + 1, sizeof(*c));
	double total = 0, tail = 0;

	if (!c)
		return -ENOMEM;
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		size_t a = n + i;

		/* multiply by (1 - q^a) */
		for (k = top; k >= a; k--) {
			c[k] -= c[k - a];
			if (k == a)
				break;
		}
		/* divide by (1 - q^i) */
		for (k = i; k <= top; k++)
			c[k] += c[k - i];
	}
	for (k = 0; k <= top; k++) {
		total += c[k];
		if ((double)k >= u - 1e-9)
			tail += c[k];
	}
	free(c);
	*p = tail / total;
	return 0;
}

int rstats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
			struct rstats_mwu *out)
{
	size_t n = nx + ny, i, j;
	struct tagged *s;
	double r1 = 0, tie_term = 0, u1, u2, u, p;
	int ret = 0;

	if (!nx || !ny)
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < nx; i++)
		s[i] = (struct tagged){ x[i], 1 };
	for (i = 0; i < ny; i++)
		s[nx + i] = (struct tagged){ y[i], 0 };
	qsort(s, n, sizeof(*s), cmp_tagged);
	/* mid-ranks; tie_term = sum of (t^3 - t) over groups of t ties */
	for (i = 0; i < n; i = j) {
		double rank, t;

		for (j = i + 1; j < n && s[j].v == s[i].v; j++)
			;
		rank = ((double)(i + 1) + (double)j) / 2.0;	/* mid-rank */
		t = (double)(j - i);
		tie_term += t * t * t - t;
		for (size_t k = i; k < j; k++)
			if (s[k].from_x)
				r1 += rank;
	}
	free(s);
	u1 = r1 - (double)nx * (double)(nx + 1) / 2.0;
	u2 = (double)nx * (double)ny - u1;
	u = u1 > u2 ? u1 : u2;
	out->u1 = u1;
	if (tie_term == 0 && nx <= 8 && ny <= 8) {
		ret = mwu_exact_sf(nx, ny, u, &p);
		if (ret)
			return ret;
		out->exact = 1;
	} else {
		double nn = (double)n, mu = (double)nx * (double)ny / 2.0;
		double var = (double)nx * (double)ny / 12.0 *
			     ((nn + 1.0) - tie_term / (nn * (nn - 1.0)));
		double z;

		if (var <= 0) {
			p = 1.0;	/* every value tied: no evidence */
		} else {
			z = (u - mu - 0.5) / sqrt(var);
			p = 0.5 * erfc(z / sqrt(2.0));
		}
		out->exact = 0;
	}
	p *= 2.0;
	out->p = p > 1.0 ? 1.0 : p;
	return 0;
}
