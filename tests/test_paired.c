/*
 * test_paired.c - the robust paired statistics (common/paired.c) against
 * known values, and the sweep's stopping rule and order of backends
 * (measure/sweep_rounds.c) on cases made by hand.
 *
 * Expected values were computed offline with an independent Python script:
 * the signed-rank null distribution by enumerating all 2^n sign patterns
 * (n <= 16) or by the subset-sum recursion (n = 20 .. 60), the Walsh
 * averages by brute force.  The table of k matches the published critical
 * values of the Wilcoxon signed-rank test (two-sided 0.05: n = 6: 0,
 * 7: 2, 8: 3, 10: 8, 20: 52; k = critical value + 1).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "config.h"
#include "paired.h"
#include "sweep_priv.h"

static void test_rank(void **state)
{
	(void)state;
	assert_int_equal(paired_hl_rank(5), 0);
	assert_int_equal(paired_hl_rank(6), 1);
	assert_int_equal(paired_hl_rank(7), 3);
	assert_int_equal(paired_hl_rank(8), 4);
	assert_int_equal(paired_hl_rank(10), 9);
	assert_int_equal(paired_hl_rank(20), 53);
	assert_int_equal(paired_hl_rank(30), 138);
	assert_int_equal(paired_hl_rank(60), 649);   /* exact */
	assert_int_equal(paired_hl_rank(61), 673);   /* normal approximation */
	assert_int_equal(paired_hl_rank(100), 1955);
}

static void test_hl_known(void **state)
{
	double d[10], six[] = { 3, -1, 4, 1, -5, 9 };
	struct paired_hl h;

	(void)state;
	for (int i = 0; i < 10; i++)
		d[i] = i + 1;
	/* 1..10: 55 Walsh averages, median 5.5; k = 9: the 9th from each end */
	assert_int_equal(paired_hl(d, 10, &h), 0);
	assert_int_equal(h.n, 10);
	assert_float_equal(h.est, 5.5, 1e-12);
	assert_float_equal(h.lo, 3.0, 1e-12);
	assert_float_equal(h.hi, 8.0, 1e-12);
	assert_float_equal(h.half, 2.5, 1e-12);
	/* n = 6: the interval is [min, max] of the Walsh averages (96.9%) */
	assert_int_equal(paired_hl(six, 6, &h), 0);
	assert_float_equal(h.lo, -5.0, 1e-12);
	assert_float_equal(h.hi, 9.0, 1e-12);
	assert_float_equal(h.est, 2.0, 1e-12);
	/* five pairs: an estimate, no interval */
	assert_int_equal(paired_hl(six, 5, &h), 0);
	assert_float_equal(h.est, 1.0, 1e-12);
	assert_true(isnan(h.lo) && isnan(h.hi) && isnan(h.half));
	assert_int_equal(paired_hl(six, 0, &h), -EINVAL);
	d[3] = NAN;
	assert_int_equal(paired_hl(d, 10, &h), -EINVAL);
}

/* 20 differences 0.90 .. 1.09, shuffled. */
static void clean20(double *d)
{
	for (int i = 0; i < 20; i++)
		d[i] = 0.90 + 0.01 * ((i * 7) % 20);
}

static void test_hl_outlier(void **state)
{
	double d[20], mean = 0;
	struct paired_hl h, o;

	(void)state;
	clean20(d);
	assert_int_equal(paired_hl(d, 20, &h), 0);
	assert_float_equal(h.est, 0.995, 1e-12);
	assert_float_equal(h.lo, 0.965, 1e-12);
	assert_float_equal(h.hi, 1.025, 1e-12);
	/* one repetition stretched 1000-fold: the estimate does not move */
	for (int i = 0; i < 20; i++)
		if (d[i] > 1.085)
			d[i] = 1000;
	for (int i = 0; i < 20; i++)
		mean += d[i] / 20;
	assert_true(mean > 50);			/* the mean went with it */
	assert_int_equal(paired_hl(d, 20, &o), 0);
	assert_float_equal(o.est, h.est, 1e-12);
	assert_float_equal(o.lo, 0.965, 1e-12);
	assert_float_equal(o.hi, 1.03, 1e-12);	/* the interval by one step */
	/* nor does one on the other side */
	clean20(d);
	d[0] = -1000;				/* was 0.90 */
	assert_int_equal(paired_hl(d, 20, &o), 0);
	assert_float_equal(o.est, h.est, 1e-12);
	assert_float_equal(o.lo, 0.96, 1e-12);
	assert_float_equal(o.hi, 1.025, 1e-12);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * paired_hl() and paired_median() pick their order statistics by
 * selection: the same values as a sort (of the Walsh averages, of the
 * values), on sizes either side of the exact/normal boundary, with ties
 * (values on a coarse grid), sorted, reversed and rising-then-falling
 * input, and one value repeated throughout; and the median of nothing is
 * NAN.
 */
static void test_hl_select(void **state)
{
	static const size_t sizes[] = { 6, 7, 8, 9, 13, 21, 60, 61, 64, 127, 250 };
	double d[250], *w = malloc(250 * 251 / 2 * sizeof(*w));
	unsigned long long x = 88172645463325252ULL;

	(void)state;
	assert_non_null(w);
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (int kind = 0; kind < 6; kind++) {
			size_t n = sizes[si], nw = n * (n + 1) / 2, m = 0, k = paired_hl_rank(n);
			struct paired_hl h;

			for (size_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				d[i] = kind == 0   ? (double)(x % 1000003) / 1000 - 500   /* spread out */
				       : kind == 1 ? (double)(x % 5) - 2		   /* heavy ties */
				       : kind == 2 ? (double)i			   /* sorted */
				       : kind == 3 ? -(double)i			   /* reversed */
				       : kind == 4 ? (double)(i < n / 2 ? i : n - i)   /* rising, falling */
						   : 0.25;			   /* all equal */
			}
			for (size_t i = 0; i < n; i++)
				for (size_t j = i; j < n; j++)
					w[m++] = (d[i] + d[j]) / 2;
			qsort(w, nw, sizeof(*w), cmp_dbl);
			assert_int_equal(paired_hl(d, n, &h), 0);
			assert_true(h.est == (nw % 2 ? w[nw / 2] : (w[nw / 2 - 1] + w[nw / 2]) / 2));
			assert_true(k > 0 && h.lo == w[k - 1] && h.hi == w[nw - k]);
			/* the median alone, of n - 1 and of n values (one count even, one odd) */
			for (size_t len = n - 1; len <= n; len++) {
				double sorted[250], med;

				memcpy(sorted, d, len * sizeof(*d));
				qsort(sorted, len, sizeof(*sorted), cmp_dbl);
				med = paired_median(d, len);
				assert_true(med == (len % 2 ? sorted[len / 2]
							    : (sorted[len / 2 - 1] + sorted[len / 2]) / 2));
			}
		}
	}
	free(w);
	assert_true(isnan(paired_median(d, 0)));
}

/* The case: a ratio of medians outside its own t-interval cannot happen here. */
static void test_compare_inside(void **state)
{
	double a[40], b[40];
	unsigned s = 12345;

	(void)state;
	for (int trial = 0; trial < 500; trial++) {
		size_t n = 6 + (size_t)trial % 30;
		struct paired_cmp c;

		for (size_t i = 0; i < n; i++) {
			s = s * 1103515245u + 12345u;
			b[i] = 10 + (s >> 16) % 1000 / 100.0;
			s = s * 1103515245u + 12345u;
			/* a few wild repetitions on either side */
			a[i] = b[i] * 1.1 + ((s >> 16) % 7 == 0 ? 50.0 : (s >> 16) % 100 / 1000.0);
		}
		assert_int_equal(paired_compare(a, b, n, &c), 0);
		assert_true(c.rlo <= c.ratio && c.ratio <= c.rhi);
		assert_true(c.diff.lo <= c.diff.est && c.diff.est <= c.diff.hi);
	}
	/* exact: a = 2b gives ratio 2 with a zero-width interval, diff = HL of b */
	for (int i = 0; i < 8; i++) {
		b[i] = i + 1;
		a[i] = 2 * b[i];
	}
	{
		struct paired_cmp c;

		assert_int_equal(paired_compare(a, b, 8, &c), 0);
		assert_float_equal(c.ratio, 2.0, 1e-12);
		assert_float_equal(c.rlo, 2.0, 1e-12);
		assert_float_equal(c.rhi, 2.0, 1e-12);
		assert_float_equal(c.diff.est, 4.5, 1e-12);
		b[2] = 0;
		assert_int_equal(paired_compare(a, b, 8, &c), 0);
		assert_true(isnan(c.ratio));		/* no log of 0 */
	}
}

/* ---- the stopping rule ------------------------------------------------------- */

#define RIG_MAX 6

struct rig {
	struct sweep_config cfg;
	struct sweep sw;
	struct case_desc cases[1];
	struct sweep_bench benches[RIG_MAX];
	char *names[RIG_MAX];
	size_t n;
};

/* One case run by the backends @names (NULL: nouveau-v5.8, its counterpart nouveau-v5.7, and null). */
static void rig_init_with(struct rig *r, double precision, double max_time, char *const *names, size_t n)
{
	static char *const three[] = { "nouveau-v5.8", "nouveau-v5.7", "null" };

	memset(r, 0, sizeof(*r));
	if (!names) {
		names = three;
		n = 3;
	}
	r->n = n;
	for (size_t i = 0; i < n; i++)
		r->names[i] = names[i];
	r->cfg.backends = r->names;
	r->cfg.nr_backends = n;
	r->cfg.repetitions = 6;
	r->cfg.precision_ns = precision;
	r->cfg.max_time_s = max_time;
	r->sw.cfg = &r->cfg;
	snprintf(r->cases[0].key, sizeof(r->cases[0].key), "mirror/npages:512/batch:512");
	r->sw.cases = r->cases;
	r->sw.nr_cases = 1;
	r->sw.benches = r->benches;
	r->sw.nr_benches = n;
	for (size_t i = 0; i < n; i++) {
		r->benches[i].sw = &r->sw;
		r->benches[i].sc = &r->cases[0];
		r->benches[i].ops = pfn_backend_find(r->names[i]);
		assert_non_null(r->benches[i].ops);
	}
	assert_int_equal(sweep_rounds_init(&r->sw), 0);
	assert_int_equal(results_csv_create(&r->sw.csv), 0);
}

static void rig_init(struct rig *r, double precision, double max_time)
{
	rig_init_with(r, precision, max_time, NULL, 0);
}

static void rig_free(struct rig *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->benches[i].vals);
	free(r->sw.crun);
	results_csv_destroy(r->sw.csv);
}

/* One round: conversion = direct + diff, with a row of the case in results.csv. */
static void rig_round(struct rig *r, double diff)
{
	unsigned k = r->sw.crun[0].rounds;
	struct result_row row;

	assert_int_equal(sweep_rounds_value(&r->benches[0], k, 10 + k * 0.1 + diff), 0);
	assert_int_equal(sweep_rounds_value(&r->benches[1], k, 10 + k * 0.1), 0);
	assert_int_equal(sweep_rounds_value(&r->benches[2], k, 0.05), 0);
	memset(&row, 0, sizeof(row));
	snprintf(row.case_name, sizeof(row.case_name), "%s", r->cases[0].key);
	assert_int_equal(results_csv_append(r->sw.csv, &row), 0);
	r->sw.crun[0].rounds++;
	r->sw.crun[0].seconds += 1;
}

static void test_stop_target(void **state)
{
	static const double diffs[] = { 0.50, 0.51, 0.49, 0.52, 0.48, 0.50, 0.51 };
	struct rig r;

	(void)state;
	rig_init(&r, 0.05, 100);
	/* fewer rounds than repetitions: on, whatever the spread */
	for (int i = 0; i < 5; i++) {
		rig_round(&r, diffs[i]);
		assert_int_equal(sweep_rounds_judge(&r.sw), 1);
	}
	assert_false(r.sw.crun[0].done);
	/* 6 pairs within 0.48 .. 0.52: the interval [0.48, 0.52], +-0.02 */
	rig_round(&r, diffs[5]);
	assert_int_equal(sweep_rounds_judge(&r.sw), 0);
	assert_true(r.sw.crun[0].done);
	assert_string_equal(r.sw.crun[0].stopped, SWEEP_STOP_TARGET);
	assert_float_equal(r.sw.crun[0].reached, 0.02, 1e-9);
	/* every row of the case carries it */
	for (size_t i = 0; i < r.sw.csv->nr_rows; i++) {
		assert_true(r.sw.csv->rows[i].precision_ns_per_page.valid);
		assert_float_equal(r.sw.csv->rows[i].precision_ns_per_page.v, 0.02, 1e-9);
	}
	rig_free(&r);
}

static void test_stop_cap_and_none(void **state)
{
	struct rig r;

	(void)state;
	/* pairs 0.1 apart never reach 0.05 in 6 rounds: on until max_time (8 s, a second a round) */
	rig_init(&r, 0.05, 8);
	for (int i = 0; i < 7; i++) {
		rig_round(&r, i % 2 ? 0.4 : 0.6);
		assert_int_equal(sweep_rounds_judge(&r.sw), 1);
		if (i < 5)
			assert_true(isnan(r.sw.crun[0].reached));	/* too few pairs */
		else
			assert_float_equal(r.sw.crun[0].reached, 0.1, 1e-9);
	}
	rig_round(&r, 0.6);
	assert_int_equal(sweep_rounds_judge(&r.sw), 0);
	assert_string_equal(r.sw.crun[0].stopped, SWEEP_STOP_TIME);
	assert_float_equal(r.sw.crun[0].reached, 0.1, 1e-9);
	rig_free(&r);

	/* precision = none: exactly `repetitions` rounds */
	rig_init(&r, 0, 8);
	for (int i = 0; i < 6; i++) {
		rig_round(&r, i % 2 ? 0.4 : 0.6);
		assert_int_equal(sweep_rounds_judge(&r.sw), i < 5 ? 1 : 0);
	}
	assert_string_equal(r.sw.crun[0].stopped, SWEEP_STOP_REPETITIONS);
	rig_free(&r);

	/* no declared comparison among the backends: stops at `repetitions` */
	rig_init(&r, 0.05, 100);
	r.benches[0].ops = pfn_backend_find("null");
	for (int i = 0; i < 6; i++)
		rig_round(&r, 0.5);
	assert_int_equal(sweep_rounds_judge(&r.sw), 0);
	assert_string_equal(r.sw.crun[0].stopped, SWEEP_STOP_NO_PAIRS);
	assert_false(r.sw.csv->rows[0].precision_ns_per_page.valid);
	rig_free(&r);
}

static void test_spread(void **state)
{
	double d[] = { 1, 2, 3, 4, 100 }, two[] = { 5, 7 };

	(void)state;
	/* median 3, absolute deviations 2 1 0 1 97: their median 1; the outlier moves nothing */
	assert_float_equal(paired_spread(d, 5), 1.4826, 1e-12);
	d[4] = 1e9;
	assert_float_equal(paired_spread(d, 5), 1.4826, 1e-12);
	assert_float_equal(paired_spread(two, 2), 1.4826, 1e-12);
	assert_true(isnan(paired_spread(d, 1)));
}

/* One round of a rig of any backends: bench i gets vals[i] (NAN: none). */
static void rig_round_vals(struct rig *r, const double *vals)
{
	unsigned k = r->sw.crun[0].rounds;

	for (size_t i = 0; i < r->n; i++)
		if (!isnan(vals[i]))
			assert_int_equal(sweep_rounds_value(&r->benches[i], k, vals[i]), 0);
	r->sw.crun[0].rounds++;
	r->sw.crun[0].seconds += 0.01;
	r->sw.crun[0].last_round_s = 0.01;
}

static void test_settle(void **state)
{
	static char *const names[] = { "nouveau-v5.8", "nouveau-v5.7", "nouveau-v6.1", "null" };
	struct rig r;

	(void)state;
	/*
	 * v5.8 - v5.7 within +-0.01 of 0.5: settled at the target after 6
	 * rounds, and v5.8 sits out; v5.7 runs on for v6.1 - v5.7, whose
	 * pairs are 0.4 or 0.6 (spread 0.148: 34 rounds would do, within
	 * reach of 100 s at 0.01 s a round): open
	 */
	rig_init_with(&r, 0.05, 100, names, 4);
	for (int i = 0; i < 6; i++) {
		double v[] = { 10.5 + (i % 3 - 1) * 0.01, 10, 20 + (i % 2 ? 0.4 : 0.6), 0.05 };

		rig_round_vals(&r, v);
		assert_int_equal(sweep_rounds_judge(&r.sw), 1);
	}
	assert_false(r.sw.crun[0].done);
	assert_true(r.benches[0].settled);
	assert_false(r.benches[1].settled);	/* in the open comparison too */
	assert_false(r.benches[2].settled);
	assert_false(r.benches[3].settled);	/* in none: runs as long as the case */
	assert_string_equal(r.sw.crun[0].settled[0], SWEEP_STOP_TARGET);
	rig_free(&r);

	/* nouveau-v5.6 without its counterpart v5.8 is in no comparison here: it runs on too */
	{
		static char *const other[] = { "nouveau-v6.1", "nouveau-v5.7", "nouveau-v5.6" };

		rig_init_with(&r, 0.05, 100, other, 3);
		for (int i = 0; i < 6; i++) {
			double v[] = { 20 + (i % 2 ? 0.4 : 0.6), 10, 12 };

			rig_round_vals(&r, v);
			assert_int_equal(sweep_rounds_judge(&r.sw), 1);
		}
		assert_false(r.benches[2].settled);
	}
	rig_free(&r);

	/*
	 * pairs 10 apart never reach +-0.05 (spread 7.4: 84000 rounds): out
	 * of reach, but not judged before round 12 (the first few are
	 * round 0 and perhaps a stretched one)
	 */
	rig_init_with(&r, 0.05, 100, names, 2);
	for (int i = 0; i < 12; i++) {
		double v[] = { 10 + (i % 2 ? 10 : 0), 10 };

		rig_round_vals(&r, v);
		assert_int_equal(sweep_rounds_judge(&r.sw), i < 11 ? 1 : 0);
	}
	assert_string_equal(r.sw.crun[0].stopped, SWEEP_STOP_REACH);
	assert_string_equal(r.sw.crun[0].settled[0], SWEEP_STOP_REACH);
	assert_true(r.sw.crun[0].reached > 0.05);
	rig_free(&r);
}

/*
 * A comparison that settled keeps its interval while both its backends run
 * on for others: v5.8 / v5.7 reaches the target in 6 rounds; v5.8 runs on
 * for v5.8 / v5.6 and v5.7 for v6.1 / v5.7, whose pairs tighten later,
 * while v5.8 - v5.7 wanders over 0.5 .. 3.5 (recomputed, an interval far
 * wider than the target).  The case stops "precision reached", each comparison
 * settled so.
 */
static void test_settle_frozen(void **state)
{
	static char *const names[] = { "nouveau-v5.8", "nouveau-v5.7", "nouveau-v5.6", "nouveau-v6.1" };
	struct rig r;
	struct pfn_comparison all[PFN_MAX_COMPARISONS];
	size_t nc = pfn_comparisons(all), settled = 0, i;

	(void)state;
	rig_init_with(&r, 0.05, 1000, names, 4);
	for (i = 0; i < 6; i++) {
		double alt = i % 2 ? 0.4 : 0.6, v[] = { 10.5 + ((double)(i % 3) - 1) * 0.01, 10, 0, 20 + alt };

		v[2] = v[0] - alt;
		rig_round_vals(&r, v);
		assert_int_equal(sweep_rounds_judge(&r.sw), 1);
	}
	assert_false(r.benches[0].settled || r.benches[1].settled);	/* each in an open comparison */
	for (; i < 200 && !r.sw.crun[0].done; i++) {
		double v[] = { 10.5 + fmod((double)i * 0.377, 3.0), 10, 0, 20.5 };

		v[2] = v[0] - 0.5;
		rig_round_vals(&r, v);
		sweep_rounds_judge(&r.sw);
	}
	assert_true(r.sw.crun[0].done);
	assert_string_equal(r.sw.crun[0].stopped, SWEEP_STOP_TARGET);
	assert_true(r.sw.crun[0].reached <= 0.05);
	for (size_t k = 0; k < nc; k++)
		if (r.sw.crun[0].settled[k]) {
			assert_string_equal(r.sw.crun[0].settled[k], SWEEP_STOP_TARGET);
			settled++;
		}
	assert_int_equal(settled, 3);
	rig_free(&r);
}

static void test_order(void **state)
{
	static char *const names[] = { "null", "nouveau-v5.8", "amdgpu-v5.7", "nouveau-v5.7", "amdgpu-v5.8",
				       "nouveau-v6.1" };
	struct rig r;
	bool differ = false;
	size_t first[RIG_MAX];

	(void)state;
	rig_init_with(&r, 0.05, 100, names, 6);
	for (unsigned round = 0; round < 20; round++) {
		size_t o[RIG_MAX], pos[RIG_MAX], seen = 0;

		r.sw.round = round;
		sweep_rounds_order(&r.sw, 0, o);
		for (size_t i = 0; i < 6; i++) {
			seen |= (size_t)1 << o[i];
			pos[o[i]] = i;
		}
		assert_int_equal(seen, 0x3f);		/* a permutation */
		/* nouveau v5.7, v5.8 and v6.1 (two comparisons) next to each other; amdgpu's two */
		assert_true((pos[1] > pos[3] ? pos[1] - pos[3] : pos[3] - pos[1]) <= 2);
		assert_true((pos[5] > pos[3] ? pos[5] - pos[3] : pos[3] - pos[5]) <= 2);
		assert_true((pos[5] > pos[1] ? pos[5] - pos[1] : pos[1] - pos[5]) <= 2);
		assert_true((pos[2] > pos[4] ? pos[2] - pos[4] : pos[4] - pos[2]) == 1);
		if (!round)
			memcpy(first, o, sizeof(first));
		else
			differ |= memcmp(first, o, sizeof(first)) != 0;
	}
	assert_true(differ);			/* each round its own draw */
	rig_free(&r);
}

static void test_shuffle(void **state)
{
	size_t a[8], b[8], seen = 0;

	(void)state;
	for (size_t i = 0; i < 8; i++)
		a[i] = b[i] = i;
	sweep_rounds_shuffle(a, 8, 1, 3);
	sweep_rounds_shuffle(b, 8, 1, 3);
	assert_memory_equal(a, b, sizeof(a));	/* reproducible */
	for (size_t i = 0; i < 8; i++)
		seen |= (size_t)1 << a[i];
	assert_int_equal(seen, 0xff);		/* a permutation */
	for (size_t i = 0; i < 8; i++)
		b[i] = i;
	sweep_rounds_shuffle(b, 8, 1, 4);
	assert_memory_not_equal(a, b, sizeof(a));	/* another round, another order */
}

/* results.csv and gbench.json: rewritten once a second, or 50 times as long as the last rewrite took, 30 s at most */
static void test_commit_gap(void **state)
{
	(void)state;
	assert_true(sweep_commit_gap_ns(0) == SWEEP_COMMIT_INTERVAL_NS);
	assert_true(sweep_commit_gap_ns(20000000ULL) == SWEEP_COMMIT_INTERVAL_NS);	/* 20 ms: 1 s */
	assert_true(sweep_commit_gap_ns(40000000ULL) == 2000000000ULL);		/* 40 ms: 2 s */
	assert_true(sweep_commit_gap_ns(300000000ULL) == 15000000000ULL);		/* 0.3 s: 15 s */
	assert_true(sweep_commit_gap_ns(3000000000ULL) == SWEEP_COMMIT_MAX_NS);		/* a 3 s stall: 30 s */
}

/* The warm-up stops when its last three units agree within 5%, not before. */
static void test_warm_settled(void **state)
{
	/* nouveau-v5.8 at 2^18 pages after other cases ran (ns/page x 1000) */
	static const uint64_t falling[] = { 16600, 16200, 13800, 9700, 7700, 7500, 7500 };
	static const uint64_t steady[] = { 77000, 76000, 78000 };
	static const uint64_t noisy[] = { 100, 110, 100, 110, 100, 110 };
	unsigned n;

	(void)state;
	for (n = 0; n <= 7 && !sweep_warm_settled(falling, n); n++)
		;
	assert_int_equal(n, 7);	/* 7700, 7500, 7500: within 2.7% */
	assert_false(sweep_warm_settled(falling, 6));	/* 9700 among the last three */
	assert_false(sweep_warm_settled(steady, 2));	/* fewer than three units */
	assert_true(sweep_warm_settled(steady, 3));	/* 78000 / 76000 = 1.026 */
	for (n = 3; n <= 6; n++)
		assert_false(sweep_warm_settled(noisy, n));	/* 10% apart: the caps end it */
}

/* ... or at a cap: SWEEP_WARM_MAX_UNITS units, or SWEEP_WARM_MAX_NS spent. */
static void test_warm_caps(void **state)
{
	uint64_t units[SWEEP_WARM_MAX_UNITS];

	(void)state;
	for (unsigned i = 0; i < SWEEP_WARM_MAX_UNITS; i++)
		units[i] = i % 2 ? 110 : 100;	/* never settles */
	assert_true(sweep_warm_more(units, 0, 0));
	assert_true(sweep_warm_more(units, SWEEP_WARM_MAX_UNITS - 1, SWEEP_WARM_MAX_NS - 1));
	assert_false(sweep_warm_more(units, SWEEP_WARM_MAX_UNITS, 0));
	assert_false(sweep_warm_more(units, 1, SWEEP_WARM_MAX_NS));
	units[0] = units[1] = units[2] = 100;	/* settled after three */
	assert_false(sweep_warm_more(units, 3, 0));
	assert_true(sweep_warm_more(units, 2, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_hl_known),
		cmocka_unit_test(test_hl_outlier),
		cmocka_unit_test(test_hl_select),
		cmocka_unit_test(test_compare_inside),
		cmocka_unit_test(test_stop_target),
		cmocka_unit_test(test_stop_cap_and_none),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_settle_frozen),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_shuffle),
		cmocka_unit_test(test_commit_gap),
		cmocka_unit_test(test_warm_settled),
		cmocka_unit_test(test_warm_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
