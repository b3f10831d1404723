/*
 * report_path.c - the whole path: the headline (each conversion backend's
 * conversion share of the sum of its stages at its driver's batch size,
 * emulated and real-kernel page table side by side) and the breakdown
 * (every stage of each compared backend as a share of their sum, per
 * workload, both sources side by side).  Shares are of the sum of the stage medians, not
 * of ns_per_page (the stage clocks add a few reads per call, backend.h);
 * a workload run on both sources is a pair of groups (report_model.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

/* ---- the breakdown ---------------------------------------------------------- */

struct np_batch {
	long npages, batch;
};

static int cmp_np_batch(const void *a, const void *b)
{
	const struct np_batch *x = a, *y = b;

	if (x->npages != y->npages)
		return x->npages < y->npages ? -1 : 1;
	return (x->batch > y->batch) - (x->batch < y->batch);
}

/* The (npages, batch) of pair p's cases where backend b has stage times, sorted.  -ENOMEM. */
static int breakdown_rows(struct report *r, const struct rpair *p, int b, struct np_batch **out, size_t *nr)
{
	struct np_batch *rows = NULL;
	size_t cap = 0;

	*nr = 0;
	for (int s = 0; s < CONFIG_NR_SOURCES; s++) {
		const struct rgroup *g = p->grp[s] < 0 ? NULL : &r->m->groups[p->grp[s]];

		for (size_t i = 0; g && i < g->nr_cases; i++) {
			const struct rcase *rc = &r->m->cases[g->cases[i]];
			double v[PFN_STAGE_NR], sum;
			size_t k;
			int ret = rmodel_stage_medians(r->m, rc, b, v, &sum);

			if (ret == -ENODATA)
				continue;
			if (ret)
				goto fail;
			for (k = 0; k < *nr; k++)
				if (rows[k].npages == rc->npages && rows[k].batch == rc->batch)
					break;
			if (k < *nr)
				continue;
			if (*nr == cap) {
				struct np_batch *q;

				cap = cap ? 2 * cap : 16;
				q = realloc(rows, cap * sizeof(*q));
				if (!q)
					goto fail;
				rows = q;
			}
			rows[(*nr)++] = (struct np_batch){ rc->npages, rc->batch };
		}
	}
	if (*nr)
		qsort(rows, *nr, sizeof(*rows), cmp_np_batch);
	*out = rows;
	return 0;
fail:
	free(rows);
	return -ENOMEM;
}

/* The stage table of backend b for pair p, both sources side by side. */
static int breakdown_table(struct report *r, const struct rpair *p, int b)
{
	FILE *f = r->out;
	struct np_batch *rows = NULL;
	size_t nr;
	int ret = breakdown_rows(r, p, b, &rows, &nr);

	if (ret || !nr)
		goto out;
	fprintf(f, "%s: %s, %% of the sum of its stage medians (ns/pg = that sum)\n", p->name,
		rmodel_backend_name(r->m, b));
	fprintf(f, "      ");
	for (int s = 0; s < CONFIG_NR_SOURCES; s++)
		rule_title(f, config_source_name(s), 37);
	fprintf(f, "\nnpages");
	for (int s = 0; s < CONFIG_NR_SOURCES; s++) {
		for (int k = 0; k < PFN_STAGE_NR; k++)
			fprintf(f, "%6s", pfn_stage_info[k].short_label);
		fprintf(f, "  ns/pg");
	}
	fprintf(f, "\n");
	for (size_t i = 0; i < nr; i++) {
		fprintf(f, "%6ld", rows[i].npages);
		for (int s = 0; s < CONFIG_NR_SOURCES; s++) {
			const struct rcase *rc = rmodel_group_case(r->m, p->grp[s], rows[i].npages, rows[i].batch);
			double v[PFN_STAGE_NR], sum = 0;
			int k = rc ? rmodel_stage_medians(r->m, rc, b, v, &sum) : -ENODATA;

			if (k && k != -ENODATA) {
				ret = k;
				goto out;
			}
			for (int st = 0; st < PFN_STAGE_NR; st++)
				cell(f, 6, "%.1f", !k && !isnan(v[st]), !k ? v[st] / sum * 100 : 0);
			cell(f, 7, sum >= 1000 ? "%.0f" : "%.1f", !k, sum);
		}
		fprintf(f, "\n");
	}
	for (int s = 0; s < CONFIG_NR_SOURCES; s++)
		if (p->grp[s] < 0)
			fprintf(f, "(no %s-source cases of %s in this run)\n", config_source_name(s), p->name);
	fprintf(f, "\n");
out:
	free(rows);
	return ret;
}

/* Is slot b a side of a comparison that ran? */
static bool compared(const struct rmodel *m, int b)
{
	for (size_t k = 0; k < m->nr_comps; k++)
		if (m->comp_b[k][0] == b || m->comp_b[k][1] == b)
			return true;
	return false;
}

/* Every compared backend per workload, when any stage was timed. */
int section_breakdown(struct report *r, const struct rgroup *g)
{
	int any = 0, ret;

	(void)g;
	for (int k = 0; k < PFN_STAGE_NR; k++)
		any |= rmodel_any_has(r->m, RCOL_STAGE(k));
	if (!any)
		return 0;
	fprintf(r->out, "Breakdown of the whole path, emulated and kernel page-table source\n"
		"-------------------------------------------------------------------\n");
	wrap(r->out, "Stages: prep = request preparation, walk = hmm_range_fault() with its faults (kernel "
	     "source: pagemap reads and MADV_POPULATE faults), alloc = what the driver allocated per call "
	     "(amdgpu's kvmalloc, the 2018 sketches' kmalloc), conv = the driver's pass after the walk "
	     "(conversion, decode or fix-up), dma = the DMA map of every host page (one per large map). "
	     "Medians over the repetitions; - = not measured.", 0, "");
	fprintf(r->out, "\n");
	for (size_t i = 0; i < r->m->nr_pairs; i++) {
		for (int b = 0; b < r->m->nr_be; b++) {
			if (!compared(r->m, b))
				continue;
			ret = breakdown_table(r, &r->m->pairs[i], b);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ---- the headline ------------------------------------------------------------ */

/*
 * The points of the headline: every conversion backend that ran beside
 * its counterpart, at its driver's batch (its declared window; 0, a
 * whole-range driver: the largest npages walked in one call), and the
 * headline comparison's conversion backend at one 2 MiB page.
 */
struct hl_point {
	int b;			/* backend slot */
	long batch;		/* -1: the largest npages in one call */
	const char *note;	/* "" or what the point is */
};
#define MAX_HL_POINTS (PFN_MAX_COMPARISONS + 1)

static size_t hl_points(const struct rmodel *m, struct hl_point *pts)
{
	size_t n = 0;

	for (size_t k = 0; k < m->nr_comps; k++) {
		int b = m->comp_b[k][0];
		size_t i;

		for (i = 0; i < n; i++)
			if (pts[i].b == b)
				break;
		if (i < n)
			continue;
		pts[n++] = (struct hl_point){ b, pfn_backends[b]->window ? (long)pfn_backends[b]->window : -1, "" };
	}
	if (m->conv >= 0)
		pts[n++] = (struct hl_point){ m->conv, 512, "2M" };
	return n;
}

static const struct {
	const char *workload, *label;
	int huge;
} hl_workloads[] = {
	{ "mirror", "mirror (4 KiB)", 0 },
	{ "first-touch", "1st-touch (4K)", 0 },
	{ "thp", "thp (2 MiB)", 1 },
};
#define NR_HL_WORKLOADS (sizeof(hl_workloads) / sizeof(hl_workloads[0]))

/* What the headline's table found, for its sentences. */
struct hl_stats {
	double lo[2][CONFIG_NR_SOURCES], hi[2][CONFIG_NR_SOURCES];	/* by huge, source */
	double vmax, vmin;
	char where[128];		/* of the largest share */
	size_t missing;			/* points not measured */
	size_t nr_points;		/* rows of the table */
	int have;			/* any point measured */
};

/* One headline value of backend slot b: 0, -ENODATA when not measured, -ENOMEM. */
static int hl_value(struct report *r, int b, size_t w, int s, long batch, double *v, long *np)
{
	const struct rpair *p = rmodel_pair(r->m, hl_workloads[w].workload);

	return p ? rmodel_conv_share(r->m, b, p->grp[s], batch, v, np) : -ENODATA;
}

/* Append "mirror 9.1% (emulated) and 5.3% (kernel)" for batch.  1 when any was measured, 0, -ENOMEM. */
static int hl_point_text(struct report *r, char *text, size_t len, long batch)
{
	int any = 0;

	for (int huge = 0; huge < 2; huge++) {
		int first = 1;

		fmt_to(text + strlen(text), len - strlen(text), "%s",
		       huge ? "; for huge pages: " : ", for 4 KiB pages: ");
		for (size_t w = 0; w < NR_HL_WORKLOADS; w++) {
			if (hl_workloads[w].huge != huge)
				continue;
			fmt_to(text + strlen(text), len - strlen(text), "%s%s", first ? "" : ", ",
			       hl_workloads[w].workload);
			first = 0;
			for (int s = 0; s < CONFIG_NR_SOURCES; s++) {
				double v;
				long np;
				int ret = hl_value(r, r->m->conv, w, s, batch, &v, &np);

				if (ret && ret != -ENODATA)
					return ret;
				if (ret) {
					fmt_to(text + strlen(text), len - strlen(text), "%snot measured (%s)",
					       s ? " and " : " ", config_source_name(s));
					continue;
				}
				any = 1;
				fmt_to(text + strlen(text), len - strlen(text), "%s%.1f%% (%s)", s ? " and " : " ", v,
				       config_source_name(s));
			}
		}
	}
	fmt_to(text + strlen(text), len - strlen(text), ".");
	return any;
}

/* Count value v of workload w, source s, npages np in the stats. */
static void hl_count(struct hl_stats *st, size_t w, int s, double v, long np)
{
	int h = hl_workloads[w].huge;

	st->have = 1;
	if (v < st->lo[h][s])
		st->lo[h][s] = v;
	if (v > st->hi[h][s])
		st->hi[h][s] = v;
	if (v > st->vmax) {
		st->vmax = v;
		fmt_to(st->where, sizeof(st->where), "%s, %s, npages %ld", hl_workloads[w].workload,
		       config_source_name(s), np);
	}
	if (v < st->vmin)
		st->vmin = v;
}

/* The table: a row per point, a column per workload and source. */
static int hl_table(struct report *r, struct hl_stats *st)
{
	struct hl_point pts[MAX_HL_POINTS];
	size_t npts = hl_points(r->m, pts);
	FILE *f = r->out;

	fprintf(f, "\n%20s%6s", "", "");
	for (size_t w = 0; w < NR_HL_WORKLOADS; w++)
		fprintf(f, "  %-16s", hl_workloads[w].label);
	fprintf(f, "\n%-20s%6s", "backend", "batch");
	for (size_t w = 0; w < NR_HL_WORKLOADS; w++)
		fprintf(f, "%10s%8s", config_source_name(CONFIG_SOURCE_EMULATED),
			config_source_name(CONFIG_SOURCE_KERNEL));
	fprintf(f, "\n");
	for (size_t i = 0; i < npts; i++) {
		long shown = pts[i].batch;
		char cells[NR_HL_WORKLOADS * CONFIG_NR_SOURCES][24];
		size_t k = 0;

		for (size_t w = 0; w < NR_HL_WORKLOADS; w++) {
			for (int s = 0; s < CONFIG_NR_SOURCES; s++, k++) {
				double v;
				long np = 0;
				int ret = hl_value(r, pts[i].b, w, s, pts[i].batch, &v, &np);

				if (ret && ret != -ENODATA)
					return ret;
				if (ret) {
					fmt_to(cells[k], sizeof(cells[k]), "-");
					st->missing++;
					continue;
				}
				if (pts[i].batch < 0 && np > shown)
					shown = np;
				fmt_to(cells[k], sizeof(cells[k]), "%.1f%%", v);
				hl_count(st, w, s, v, np);
			}
		}
		fprintf(f, "%-20.20s", rmodel_backend_name(r->m, pts[i].b));
		if (shown < 0)
			fprintf(f, "%6s", "-");
		else
			fprintf(f, "%6ld", shown);
		for (k = 0; k < NR_HL_WORKLOADS * CONFIG_NR_SOURCES; k++)
			fprintf(f, "%*s", k % 2 ? 8 : 10, cells[k]);
		fprintf(f, "\n");
	}
	st->nr_points = npts;
	fprintf(f, "\n");
	return 0;
}

/* The sentences: the two points the issue asks for, then the ranges. */
static int hl_sentences(struct report *r, const struct hl_stats *st)
{
	char text[4096];

	for (int k = 0; k < 2; k++) {
		long np = k ? 512 : 16;
		int ret;

		fmt_to(text, sizeof(text), "At npages %ld%s %s's conversion share is", np,
		       k ? " (one 2 MiB page)" : " (nouveau's v5.2-v5.8 window)", rmodel_backend_name(r->m, r->m->conv));
		ret = hl_point_text(r, text, sizeof(text), np);
		if (ret < 0)
			return ret;
		wrap(r->out, text, 0, "");
	}
	text[0] = '\0';
	for (int s = 0; s < CONFIG_NR_SOURCES; s++) {
		int said = 0;

		for (int h = 0; h < 2; h++) {
			if (st->lo[h][s] > st->hi[h][s])
				continue;
			fmt_to(text + strlen(text), sizeof(text) - strlen(text), "%s%.1f%% to %.1f%% for %s",
			       said ? " and " : *text ? "; on the kernel source " : "Over these points the share is ",
			       st->lo[h][s], st->hi[h][s], h ? "huge pages" : "4 KiB pages");
			said = 1;
		}
		if (said && s == CONFIG_SOURCE_EMULATED)
			fmt_to(text + strlen(text), sizeof(text) - strlen(text), " on the emulated source");
		if (!said)
			fmt_to(text + strlen(text), sizeof(text) - strlen(text), "%sthe %s source has no points",
			       *text ? "; " : "", config_source_name(s));
	}
	fmt_to(text + strlen(text), sizeof(text) - strlen(text),
	       ". The largest share is %.1f%% (%s), the smallest %.1f%%.", st->vmax, st->where, st->vmin);
	if (st->missing)
		fmt_to(text + strlen(text), sizeof(text) - strlen(text),
		       " %zu of the %zu points were not measured in this run (- in the table).", st->missing,
		       st->nr_points * NR_HL_WORKLOADS * CONFIG_NR_SOURCES);
	wrap(r->out, text, 0, "");
	fprintf(r->out, "\n");
	return 0;
}

/* The headline: computed from the stage medians of each conversion backend. */
int section_headline(struct report *r, const struct rgroup *g)
{
	struct hl_stats st = { .vmax = -1, .vmin = 1e300 };
	FILE *f = r->out;
	int ret;

	(void)g;
	for (int h = 0; h < 2; h++)
		for (int s = 0; s < CONFIG_NR_SOURCES; s++) {
			st.lo[h][s] = INFINITY;
			st.hi[h][s] = -INFINITY;
		}
	ret = headline_pairs(r);
	if (ret)
		return ret;
	if (!rmodel_column_any(r->m, RCOL_STAGE(PFN_STAGE_CONVERT)) &&
	    !rmodel_column_any(r->m, RCOL_STAGE(PFN_STAGE_WALK))) {
		if (!r->m->nr_comps)
			wrap(f, "No conversion backend ran beside its declared counterpart, and no stage was timed "
			     "(stages = no): there is no difference and no share to give (pfnbench list backends; "
			     "configs/default.conf runs the driver pairs with stages = separate).", 0, "");
		else
			wrap(f, "This run timed no stages (stages = no), so the shares of the conversion pass are "
			     "not known here; stages = separate (configs/default.conf) or yes (configs/kernel.conf) "
			     "times them.", 0, "");
		fprintf(f, "\n");
		return 0;
	}
	if (r->m->conv < 0) {
		wrap(f, "No conversion backend ran beside its declared counterpart, so there is no conversion "
		     "share to give (pfnbench list backends).", 0, "");
		fprintf(f, "\n");
		return 0;
	}
	wrap(f, "Each conversion backend's per-call alloc + pass after the walk, in % of the sum of all its "
	     "stage medians (prepare, walk and faults, alloc, pass, DMA map when measured), at its driver's "
	     "batch (its window; - = the whole call, the largest npages) and, for the headline backend, "
	     "one 2 MiB huge page; - = not in this run.", 0, "");
	ret = hl_table(r, &st);
	if (ret)
		return ret;
	if (!st.have) {
		wrap(f, "No conversion backend's case of mirror, first-touch or thp has stage times (stages = yes), "
		     "so the share is not known for any point.", 0, "");
		fprintf(f, "\n");
		return 0;
	}
	ret = hl_sentences(r, &st);
	/* what the share counts, and with the measured fixed costs (report_costs.c) */
	return ret ? ret : headline_costs(r);
}
