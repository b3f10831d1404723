/*
 * report_tables.c - the report's tables of one group (one workload with
 * one set of settings): ns per page of convert and direct with their
 * ratio and its interval, the other backends, every measured counter per
 * page, bytes per page, and the stage shares.  Every number is a median
 * over the repetitions (report_model.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_priv.h"

/* convert vs direct, then direct-fixup and null against direct. */
int section_tables(struct report *r, const struct rgroup *g)
{
	const struct rmodel *m = r->m;
	FILE *f = r->out;
	size_t reps = 0;

	for (size_t i = 0; i < g->nr_cases; i++)
		if (rmodel_reps(&m->cases[g->cases[i]]) > reps)
			reps = rmodel_reps(&m->cases[g->cases[i]]);
	fprintf(f, "== %s ==\n", g->name);
	fprintf(f, "ns per page, median of up to %zu repetitions; * = 95%% CI of the ratio\nexcludes 1.0\n\n", reps);
	fprintf(f, "  npages   batch   convert    direct     diff  diff %%  ratio  95%% CI ratio\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];
		const struct rratio *q = &g->ratio[i];
		double c, d;
		int kc = median_cell(m, rc, RM_CONVERT, RCOL_NS_PER_PAGE, &c);
		int kd = median_cell(m, rc, RM_DIRECT, RCOL_NS_PER_PAGE, &d);

		if (kc < 0 || kd < 0)
			return kc < 0 ? kc : kd;
		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		cell(f, 10, "%.2f", kc, c);
		cell(f, 10, "%.2f", kd, d);
		cell(f, 9, "%+.2f", q->ok, q->conv - q->direct);
		cell(f, 8, "%+.1f%%", q->ok, (q->conv - q->direct) / q->direct * 100.0);
		cell(f, 7, "%.3f", q->ok, q->ratio);
		if (q->has_ci)
			fprintf(f, " [%5.3f,%5.3f]%s", q->lo, q->hi, q->sig ? " *" : "");
		else
			fprintf(f, "   (no pairs)");
		fprintf(f, "\n");
	}

	fprintf(f, "\nOther backends: direct-fixup vs direct, null = harness alone\n\n");
	fprintf(f, "  npages   batch    direct  d-fixup  fixup-direct      null  null/direct\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];
		double d, x, n;
		int kd = median_cell(m, rc, RM_DIRECT, RCOL_NS_PER_PAGE, &d);
		int kx = median_cell(m, rc, RM_FIXUP, RCOL_NS_PER_PAGE, &x);
		int kn = median_cell(m, rc, RM_NULL, RCOL_NS_PER_PAGE, &n);

		if (kd < 0 || kx < 0 || kn < 0)
			return -ENOMEM;
		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		cell(f, 10, "%.2f", kd, d);
		cell(f, 9, "%.2f", kx, x);
		cell(f, 14, "%+.1f%%", kd && kx && d > 0, (x - d) / d * 100);
		cell(f, 10, "%.2f", kn, n);
		cell(f, 13, "%.1f%%", kd && kn && d > 0, n / d * 100);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	return 0;
}

/* The title and the heading of a table with a column per backend. */
static void backend_heading(FILE *f, const char *title)
{
	fprintf(f, "%s\n\n  npages   batch", title);
	for (int b = 0; b < RM_NR_BACKENDS; b++)
		fprintf(f, "%14s", pfn_role_names[b]);
	fprintf(f, "\n");
}

/* A per-backend table of medians of col for the group. */
static int backend_table(struct report *r, const struct rgroup *g, enum result_col col, const char *title)
{
	FILE *f = r->out;

	backend_heading(f, title);
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[g->cases[i]];

		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		for (int b = 0; b < RM_NR_BACKENDS; b++) {
			char buf[32] = "-";
			double v;
			int k = median_cell(r->m, rc, b, col, &v);

			if (k < 0)
				return k;
			if (k)
				num(buf, sizeof(buf), v);
			fprintf(f, "%14s", buf);
		}
		fprintf(f, "\n");
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
	backend_heading(f, "Memory per page, bytes: allocated per call / held for the run");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[g->cases[i]];

		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		for (int b = 0; b < RM_NR_BACKENDS; b++) {
			char a[24] = "-", p[24] = "-", both[56];
			double v;
			int k = median_cell(r->m, rc, b, RCOL_BYTES_ALLOC_PER_PAGE, &v);

			if (k < 0)
				return k;
			if (k)
				fmt_to(a, sizeof(a), "%.4g", v);
			k = median_cell(r->m, rc, b, RCOL_BYTES_PERSISTENT_PER_PAGE, &v);
			if (k < 0)
				return k;
			if (k)
				fmt_to(p, sizeof(p), "%.4g", v);
			fmt_to(both, sizeof(both), "%s / %s", a, p);
			fprintf(f, "%14s", both);
		}
		fprintf(f, "\n");
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
	fprintf(f, " npages backend     ");
	for (int k = 0; k < PFN_STAGE_NR; k++)
		fprintf(f, "%8s", pfn_stage_info[k].name);
	fprintf(f, "  stage ns    all ns\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[g->cases[i]];

		for (int b = 0; b < RM_NR_BACKENDS; b++) {
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
			fprintf(f, "%7ld %-12s", rc->npages, pfn_role_names[b]);
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
