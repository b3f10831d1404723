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

/*
 * Regularized incomplete beta I_x(a, b) by its continued fraction
 * (modified Lentz), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where
 * the fraction converges slowly.  Accurate to about 1e-12 for the a, b of
 * Student's t with df <= 10^6.
 */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (int m = 1; m <= 500; m++) {
		double m2 = 2.0 * m, aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)), del;

		d = 1.0 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1.0 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1.0 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < eps)
			break;
	}
	return h;
}

static double betai(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * betacf(a, b, x) / a;
	return 1.0 - front * betacf(b, a, 1.0 - x) / b;
}

double rstats_t_p2(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	return betai(df / 2.0, 0.5, df / (df + t * t));
}

int rstats_paired_log(const double *num, const double *den, size_t n, struct rstats_paired *out)
{
	double sum = 0, ss = 0;

	memset(out, 0, sizeof(*out));
	if (n < 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!(num[i] > 0) || !(den[i] > 0) || !isfinite(num[i]) || !isfinite(den[i]))
			return -EINVAL;
		sum += log(num[i] / den[i]);
	}
	out->n = n;
	out->mean_log = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = log(num[i] / den[i]) - out->mean_log;

		ss += d * d;
	}
	out->sd_log = sqrt(ss / (double)(n - 1));
	out->ratio = exp(out->mean_log);
	if (out->sd_log == 0) {
		/* every pair gave the same ratio: no spread to test against */
		out->t = out->mean_log == 0 ? 0 : copysign(INFINITY, out->mean_log);
		out->p = out->mean_log == 0 ? 1 : 0;
		out->lo = out->hi = out->ratio;
		return 0;
	}
	out->t = out->mean_log / (out->sd_log / sqrt((double)n));
	out->p = rstats_t_p2(out->t, (double)(n - 1));
	out->lo = exp(out->mean_log - rstats_t975(n - 1) * out->sd_log / sqrt((double)n));
	out->hi = exp(out->mean_log + rstats_t975(n - 1) * out->sd_log / sqrt((double)n));
	return 0;
}

int rstats_holm(const double *p, size_t n, double *adj)
{
	size_t *order, m = 0;
	double run = 0;

	for (size_t i = 0; i < n; i++)
		m += !isnan(p[i]);
	if (!n)
		return 0;
	order = malloc(n * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort by p, NaN last: n is a few hundred at most */
	for (size_t i = 1; i < n; i++) {
		size_t k = order[i], j = i;

		while (j > 0 && (isnan(p[order[j - 1]]) ? !isnan(p[k]) : p[order[j - 1]] > p[k])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	for (size_t r = 0; r < n; r++) {
		double v = p[order[r]];

		if (isnan(v)) {
			adj[order[r]] = NAN;
			continue;
		}
		v *= (double)(m - r);	/* NaN sort last: r < m here */
		run = v > run ? v : run;	/* step-down: never below an earlier one */
		adj[order[r]] = run > 1 ? 1 : run;
	}
	free(order);
	return 0;
}
