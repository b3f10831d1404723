/*
 * report_tables.c - the report's tables of one group (one workload with
 * one set of settings): ns per page of each declared comparison's two
 * backends with their ratio and its interval, every backend against null,
 * every measured counter per page, bytes per page, and the stage shares.  Every number is a median
 * over the repetitions (report_model.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

/* One comparison's table: conversion vs direct per case. */
static void comp_table(struct report *r, const struct rgroup *g, size_t k)
{
	const struct rmodel *m = r->m;
	const struct pfn_comparison *c = &m->comps[k];
	FILE *f = r->out;

	fprintf(f, "%s (era %s, %s)\n  vs %s (era %s, %s)\n", c->conv->name, pfn_era_name(c->conv->era),
		c->conv->kernel, c->direct->name, pfn_era_name(c->direct->era), c->direct->kernel);
	fprintf(f, "  npages   batch     conv   direct       diff   +-CI   ratio  95%% CI ratio\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];
		const struct rratio *q = &g->ratios[k][i];

		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		cell(f, 9, "%.2f", q->ok, q->conv);
		cell(f, 9, "%.2f", q->ok, q->direct);
		cell(f, 11, "%+.2f", q->ok, q->diff);
		cell(f, 7, "%.2f", q->has_ci, q->half);
		fprintf(f, "%s", q->has_ci && q->half > m->target ? "!" : " ");
		cell(f, 7, "%.3f", q->ok, q->ratio);
		if (q->has_ci)
			fprintf(f, " [%5.3f,%5.3f]%s", q->lo, q->hi, q->sig ? " *" : "");
		else
			fprintf(f, "  (%zu pairs)", q->pairs);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

/* Comparing doubles for qsort(). */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The distribution-free interval of a median from n values (sorted here):
 * [x(j), x(n+1-j)] with the largest j whose coverage, 1 - 2 P(Bin(n, 1/2)
 * < j), is at least 95%.  Below 6 values none is, and [min, max] is given
 * with its coverage (n = 5: 93.8%).  Returns the coverage in %, 0 for n < 2.
 */
static double median_interval(double *v, size_t n, double *lo, double *hi)
{
	double tail = 0, p = ldexp(1.0, -(int)(n < 1000 ? n : 1000)), cover = 0;
	size_t j = 0;

	if (n < 2)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	/* tail = P(Bin(n, 1/2) <= i), p = P(... = i) */
	for (size_t i = 0; i < n / 2; i++) {
		tail += p;
		if (1 - 2 * tail < 0.95 && j)
			break;
		j = i + 1;
		cover = 1 - 2 * tail;
		p = p * (double)(n - i) / (double)(i + 1);
	}
	*lo = v[j - 1];
	*hi = v[n - j];
	return cover * 100;
}

/* null's row: in the "minus null" column, the interval of its median. */
static int null_interval_cell(struct report *r, const struct rcase *rc, double *cover)
{
	const struct rmodel *m = r->m;
	double *v = malloc((rc->nr[m->null_b] + 1) * sizeof(*v)), lo = 0, hi = 0;
	char buf[40];

	if (!v)
		return -ENOMEM;
	*cover = median_interval(v, rmodel_samples(m, rc, m->null_b, m->tcol, v, NULL), &lo, &hi);
	free(v);
	if (*cover <= 0) {
		fprintf(r->out, "%12s", "-");
		return 0;
	}
	fmt_to(buf, sizeof(buf), "[%.3g,%.3g]", lo, hi);
	fprintf(r->out, " %11s", buf);
	return 0;
}

/* "null costs A to B ns per call here": its median ns/page times the batch. */
static int null_per_call(struct report *r, const struct rgroup *g, double cover_min)
{
	const struct rmodel *m = r->m;
	double lo = INFINITY, hi = -INFINITY;
	char text[400];
	size_t n;

	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];
		double v;
		int k = median_cell(m, rc, m->null_b, m->tcol, &v);

		if (k < 0)
			return k;
		v *= (double)rc->batch;
		if (k) {
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	}
	if (lo > hi)
		return 0;
	n = (size_t)fmt_to(text, sizeof(text), "null costs %.3g", lo);
	if (hi >= lo * 1.005)
		n += (size_t)fmt_to(text + n, sizeof(text) - n, " to %.3g", hi);
	n += (size_t)fmt_to(text + n, sizeof(text) - n, " ns per call here (median ns/page x batch).");
	if (cover_min > 0 && cover_min < 95)
		fmt_to(text + n, sizeof(text) - n,
		       " Its intervals are [min, max], which cover %.1f%%: with fewer than 6 repetitions no "
		       "order statistic reaches 95%%.", cover_min);
	wrap(r->out, text, 0, "");
	fprintf(r->out, "\n");
	return 0;
}

/*
 * Every declared comparison whose backends ran (the first is the
 * headline), then every backend's ns per page against null.
 */
int section_tables(struct report *r, const struct rgroup *g)
{
	const struct rmodel *m = r->m;
	FILE *f = r->out;
	size_t reps = 0;
	double cover_min = 100;

	for (size_t i = 0; i < g->nr_cases; i++)
		if (rmodel_reps(&m->cases[g->cases[i]]) > reps)
			reps = rmodel_reps(&m->cases[g->cases[i]]);
	fprintf(f, "== %s ==\n", g->name);
	{
		char text[512];

		fmt_to(text, sizeof(text), "%s per page, median of up to %zu repetitions. diff and ratio: "
		       "Hodges-Lehmann estimates of the repetitions paired by index; +-CI = half-width of the "
		       "diff's 95%% CI (ns/page)%s; * = the ratio's 95%% CI excludes 1.0.",
		       m->tcol == RCOL_NS_PER_PAGE_MEDIAN ? "Median-iteration ns" : "ns", reps,
		       isnan(m->target) ? "" : ", ! = wider than the precision target");
		wrap(f, text, 0, "");
		fprintf(f, "\n");
	}
	if (!m->nr_comps)
		fprintf(f, "No comparison: no backend ran with its declared counterpart\n(pfnbench list backends).\n\n");
	for (size_t k = 0; k < m->nr_comps; k++)
		comp_table(r, g, k);

	fprintf(f, "Every backend (window: pages per hmm_range_fault() call, 0 = the whole\n"
		   "call); null = the harness alone: the timing loop, the call through the ops\n"
		   "struct and one window's bookkeeping, which every backend pays too.  minus\n"
		   "null = the backend's median less null's at the same npages and batch; in\n"
		   "null's own row, the 95%% interval of its median: the uncertainty of what\n"
		   "is subtracted%s.\n\n",
		m->tcol == RCOL_NS_PER_PAGE_MEDIAN ? ".  ns/page: the median iteration, as above" : "");
	fprintf(f, "  npages   batch backend              era window    ns/page  minus null\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];
		double n = NAN;
		int kn = m->null_b >= 0 ? median_cell(m, rc, m->null_b, m->tcol, &n) : 0;

		if (kn < 0)
			return kn;
		for (int b = 0; b < m->nr_be; b++) {
			double v;
			int kv;

			if (!rc->nr[b])
				continue;
			kv = median_cell(m, rc, b, m->tcol, &v);
			if (kv < 0)
				return kv;
			fprintf(f, "%8ld%8ld %-20s %3s %6u", rc->npages, rc->batch, rmodel_backend_name(m, b),
				pfn_era_name(pfn_backends[b]->era), pfn_backends[b]->window);
			cell(f, 11, "%.2f", kv, v);
			if (b == m->null_b) {
				double cover;
				int ret = null_interval_cell(r, rc, &cover);

				if (ret)
					return ret;
				if (cover > 0 && cover < cover_min)
					cover_min = cover;
			} else {
				cell(f, 12, "%+.2f", kv && kn, v - n);
			}
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n");
	return m->null_b >= 0 ? null_per_call(r, g, cover_min) : 0;
}

/* A table of medians of col for the group: a row per case and backend. */
static int backend_table(struct report *r, const struct rgroup *g, enum result_col col, const char *title)
{
	FILE *f = r->out;

	fprintf(f, "%s\n\n  npages   batch backend                   median\n", title);
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[g->cases[i]];

		for (int b = 0; b < r->m->nr_be; b++) {
			char buf[32] = "-";
			double v;
			int k;

			if (!rc->nr[b])
				continue;
			k = median_cell(r->m, rc, b, col, &v);
			if (k < 0)
				return k;
			if (k)
				num(buf, sizeof(buf), v);
			fprintf(f, "%8ld%8ld %-20s %11s\n", rc->npages, rc->batch, rmodel_backend_name(r->m, b), buf);
		}
	}
	fprintf(f, "\n");
	return 0;
}

/* One table per counter of the list that has values in this group. */
int section_counters(struct report *r, const struct rgroup *g)
{
	int any = 0, ret;

	for (int k = 0; k < PC_NR; k++) {
		char title[128];

		if (!rmodel_group_has(r->m, g, RCOL_COUNTER(k)))
			continue;
		if (!any)
			fprintf(r->out, "Counters per page, medians (measured counters only)\n\n");
		any = 1;
		fmt_to(title, sizeof(title), "  %s per page (%s)", pfn_counter_info[k].label, pfn_counter_info[k].column);
		ret = backend_table(r, g, RCOL_COUNTER(k), title);
		if (ret)
			return ret;
	}
	if (!any)
		fprintf(r->out, "Counters: none measured for %s\n\n", g->name);
	return 0;
}

/* Bytes allocated per call and held for the run, per page. */
int section_memory(struct report *r, const struct rgroup *g)
{
	FILE *f = r->out;

	if (!rmodel_group_has(r->m, g, RCOL_BYTES_ALLOC_PER_PAGE) &&
	    !rmodel_group_has(r->m, g, RCOL_BYTES_PERSISTENT_PER_PAGE))
		return 0;
	fprintf(f, "Memory per page, bytes: allocated per call / held for the run\n\n"
		"  npages   batch backend              alloc / held\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[g->cases[i]];

		for (int b = 0; b < r->m->nr_be; b++) {
			char a[24] = "-", p[24] = "-";
			double v;
			int k;

			if (!rc->nr[b])
				continue;
			k = median_cell(r->m, rc, b, RCOL_BYTES_ALLOC_PER_PAGE, &v);

			if (k < 0)
				return k;
			if (k)
				fmt_to(a, sizeof(a), "%.4g", v);
			k = median_cell(r->m, rc, b, RCOL_BYTES_PERSISTENT_PER_PAGE, &v);
			if (k < 0)
				return k;
			if (k)
				fmt_to(p, sizeof(p), "%.4g", v);
			fprintf(f, "%8ld%8ld %-20s %s / %s\n", rc->npages, rc->batch, rmodel_backend_name(r->m, b), a, p);
		}
	}
	fprintf(f, "\n");
	return 0;
}

/* Each backend's stages as shares of their sum, with the sum and the whole ns/page. */
int section_stages(struct report *r, const struct rgroup *g)
{
	FILE *f = r->out;
	int any = 0;

	for (int k = 0; k < PFN_STAGE_NR; k++)
		any |= rmodel_group_has(r->m, g, RCOL_STAGE(k));
	if (!any)
		return 0;
	fprintf(f, "Stage shares: %% of the sum of the stage medians (sum = stage ns/page)\n\n");
	fprintf(f, " npages backend\n%19s", "");
	for (int k = 0; k < PFN_STAGE_NR; k++)
		fprintf(f, "%8s", pfn_stage_info[k].name);
	fprintf(f, "  stage ns    all ns\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[g->cases[i]];

		for (int b = 0; b < r->m->nr_be; b++) {
			double v[PFN_STAGE_NR], sum = 0, all;
			int have = 0, k;

			for (int s = 0; s < PFN_STAGE_NR; s++) {
				k = median_cell(r->m, rc, b, RCOL_STAGE(s), &v[s]);
				if (k < 0)
					return k;
				if (!k) {
					v[s] = NAN;
					continue;
				}
				have = 1;
				sum += v[s];
			}
			if (!have)
				continue;
			fprintf(f, "%7ld %s\n%19s", rc->npages, rmodel_backend_name(r->m, b), "");
			for (int s = 0; s < PFN_STAGE_NR; s++)
				cell(f, 8, "%.1f%%", !isnan(v[s]) && sum > 0, v[s] / sum * 100);
			cell(f, 10, "%.2f", 1, sum);
			k = median_cell(r->m, rc, b, RCOL_NS_PER_PAGE, &all);
			if (k < 0)
				return k;
			cell(f, 10, "%.2f", k, all);
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n");
	return 0;
}
