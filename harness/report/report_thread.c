/*
 * report_thread.c - "The 2018 thread's own example": the pair the thread
 * that started the project argued about, without and with the patch
 * ("saving CPU cycles and memory doing so"), at the npages that section
 * names: per group, the difference per page and per call (without - with,
 * the mean over the repetitions paired by index, with its 95% t-interval),
 * in wall time and, where the task clock was counted, in CPU time, and the
 * memory each allocates per call (bytes_alloc_per_page x pages per call).
 *
 * The pair is found by declaration, never by name: the declared comparison
 * whose conversion side is era A (comparisons.h).  When it did not run, the
 * section says so and names the config that runs it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"
#include "report_stats.h"

/* The configs that run the pair: the default sweep, and the pair alone at every npages below. */
#define THREAD_CONFIG_DEFAULT "configs/default.conf"
#define THREAD_CONFIG "configs/thread.conf"

/* The npages the section reports: a GPU fault window, a dmirror batch, a huge page, 1 GiB. */
static const long thread_npages[] = { 16, 64, 512, 1L << 18 };
#define NR_THREAD_NPAGES (sizeof(thread_npages) / sizeof(thread_npages[0]))

/* The declared era-A comparison: 0 with its two table slots, -ENOENT when none is declared. */
static int thread_pair(struct pfn_comparison *c, int *without, int *with)
{
	struct pfn_comparison all[PFN_MAX_COMPARISONS];
	size_t n = pfn_comparisons(all);

	for (size_t k = 0; k < n; k++) {
		if (all[k].conv->era != PFN_ERA_A)
			continue;
		*c = all[k];
		*without = pfn_backend_index(c->conv->name);
		*with = pfn_backend_index(c->direct->name);
		return *without >= 0 && *with >= 0 && *without < RM_MAX_BACKENDS && *with < RM_MAX_BACKENDS ? 0
														: -ENOENT;
	}
	return -ENOENT;
}

/* Paired differences a - b of col over the repetitions both have. */
struct pdiff {
	size_t n;
	double mean, lo, hi;	/* lo, hi: NAN below 2 pairs */
};

static int paired_diff(const struct rmodel *m, const struct rcase *rc, int a, int b, enum result_col col,
		       struct pdiff *out)
{
	double *va = calloc(rc->nr[a] + 1, sizeof(double)), *vb = calloc(rc->nr[b] + 1, sizeof(double));
	long *ra = calloc(rc->nr[a] + 1, sizeof(long)), *rb = calloc(rc->nr[b] + 1, sizeof(long));
	double sum = 0, ss = 0, *d = calloc(rc->nr[a] + 1, sizeof(double));
	size_t na, nb, n = 0;

	if (!va || !vb || !ra || !rb || !d) {
		free(va), free(vb), free(ra), free(rb), free(d);
		return -ENOMEM;
	}
	na = rmodel_samples(m, rc, a, col, va, ra);
	nb = rmodel_samples(m, rc, b, col, vb, rb);
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (ra[i] == rb[j]) {
				d[n++] = va[i] - vb[j];
				break;
			}
	for (size_t i = 0; i < n; i++)
		sum += d[i];
	*out = (struct pdiff){ .n = n, .mean = n ? sum / (double)n : NAN, .lo = NAN, .hi = NAN };
	if (n >= 2) {
		for (size_t i = 0; i < n; i++)
			ss += (d[i] - out->mean) * (d[i] - out->mean);
		double half = rstats_t975(n - 1) * sqrt(ss / (double)(n - 1) / (double)n);

		out->lo = out->mean - half;
		out->hi = out->mean + half;
	}
	free(va), free(vb), free(ra), free(rb), free(d);
	return 0;
}

/* "+2.218", "+7921", "-3.243e+07": four significant digits and a sign. */
static void snum(char *buf, size_t len, double v)
{
	fmt_to(buf, len, "%+.4g", v);
}

/* "[+1.9, +2.5] *": the interval times scale, * when it excludes 0; "(one pair)" below 2. */
static void ci_text(char *buf, size_t len, const struct pdiff *d, double scale)
{
	char lo[32], hi[32];

	if (isnan(d->lo)) {
		fmt_to(buf, len, "(%zu pair%s)", d->n, d->n == 1 ? "" : "s");
		return;
	}
	snum(lo, sizeof(lo), d->lo * scale);
	snum(hi, sizeof(hi), d->hi * scale);
	fmt_to(buf, len, "[%s, %s]%s", lo, hi, d->lo > 0 || d->hi < 0 ? " *" : "");
}

/* The case of group g with npages n, batch n preferred (the whole range per call). */
static const struct rcase *group_case(const struct rmodel *m, const struct rgroup *g, long n)
{
	const struct rcase *best = NULL;

	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];

		if (rc->npages == n && (!best || rc->batch == n))
			best = rc;
	}
	return best;
}

/*
 * The per-page table of col (ns_per_page, or the task clock's CPU time):
 * each side's median, the paired difference and its interval, into d[];
 * rcs[i] NULL where the pair did not both run.  Returns how many npages
 * were measured, or -errno.
 */
static int per_page_table(struct report *r, const struct rgroup *g, int wo, int wi, enum result_col col,
			  const char *what, const struct rcase *rcs[NR_THREAD_NPAGES], struct pdiff d[NR_THREAD_NPAGES])
{
	const struct rmodel *m = r->m;
	FILE *f = r->out;
	int measured = 0;
	char ci[64];

	fprintf(f, "  npages  %14s without       with       diff   95%% CI of the diff\n", what);
	for (size_t i = 0; i < NR_THREAD_NPAGES; i++) {
		double a, b;
		int ka, kb, ret;

		rcs[i] = group_case(m, g, thread_npages[i]);
		if (!rcs[i] || !rcs[i]->nr[wo] || !rcs[i]->nr[wi]) {
			/* in the sweep but no ok rows on a side: skipped (results.csv says why) */
			fprintf(f, "%8ld   %s\n", thread_npages[i],
				rcs[i] ? "skipped (no rows with status ok; results.csv says why)" : "not measured");
			rcs[i] = NULL;
			continue;
		}
		ka = median_cell(m, rcs[i], wo, col, &a);
		kb = median_cell(m, rcs[i], wi, col, &b);
		if (ka < 0 || kb < 0)
			return ka < 0 ? ka : kb;
		ret = paired_diff(m, rcs[i], wo, wi, col, &d[i]);
		if (ret)
			return ret;
		ci_text(ci, sizeof(ci), &d[i], 1.0);
		fprintf(f, "%8ld", thread_npages[i]);
		cell(f, 19, "%.2f", ka, a);
		cell(f, 11, "%.2f", kb, b);
		cell(f, 11, "%+.2f", d[i].n > 0, d[i].mean);
		fprintf(f, "   %s\n", ci);
		measured++;
	}
	fprintf(f, "\n");
	return measured;
}

/*
 * The per-call table from the per-page differences d[] (times each case's
 * batch); with the bytes each side allocates per call when bytes is set.
 * 0 or -errno.
 */
static int per_call_table(struct report *r, int wo, int wi, const char *what, const struct rcase *rcs[NR_THREAD_NPAGES],
			  const struct pdiff d[NR_THREAD_NPAGES], bool bytes)
{
	const struct rmodel *m = r->m;
	FILE *f = r->out;
	char ci[64], v[32];

	fprintf(f, "  npages   batch %11s   95%% CI of the diff%s\n", what, bytes ? "      B/call: without     with" : "");
	for (size_t i = 0; i < NR_THREAD_NPAGES; i++) {
		double scale, a, b;
		int ka, kb;

		if (!rcs[i])
			continue;
		scale = (double)rcs[i]->batch;
		ci_text(ci, sizeof(ci), &d[i], scale);
		if (d[i].n)
			snum(v, sizeof(v), d[i].mean * scale);
		else
			fmt_to(v, sizeof(v), "-");
		if (!bytes) {
			fprintf(f, "%8ld%8ld%12s   %s\n", thread_npages[i], rcs[i]->batch, v, ci);
			continue;
		}
		ka = median_cell(m, rcs[i], wo, RCOL_BYTES_ALLOC_PER_PAGE, &a);
		kb = median_cell(m, rcs[i], wi, RCOL_BYTES_ALLOC_PER_PAGE, &b);
		if (ka < 0 || kb < 0)
			return ka < 0 ? ka : kb;
		fprintf(f, "%8ld%8ld%12s   %-26s", thread_npages[i], rcs[i]->batch, v, ci);
		cell(f, 13, "%.0f", ka, a * scale);
		cell(f, 9, "%.0f", kb, b * scale);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	return 0;
}

/*
 * One group's tables: per page in wall time, then in CPU time where the
 * task clock was counted; per call in wall time with the bytes each side
 * allocates, then in CPU time.  0 or -errno.
 */
static int thread_group(struct report *r, const struct rgroup *g, int wo, int wi)
{
	const struct rmodel *m = r->m;
	struct pdiff d[NR_THREAD_NPAGES], dc[NR_THREAD_NPAGES];
	const struct rcase *rcs[NR_THREAD_NPAGES], *rcc[NR_THREAD_NPAGES];
	const enum result_col cpu = RCOL_COUNTER(PC_TASK_CLOCK);
	bool has_cpu = rmodel_group_has(m, g, cpu);
	int ret;

	fprintf(r->out, "== %s ==\n", g->name);
	/* wall time as the comparisons above pair it: the median iteration where recorded */
	ret = per_page_table(r, g, wo, wi, m->tcol, m->tcol == RCOL_NS_PER_PAGE_MEDIAN ? "med ns/page:" : "ns/page:",
			     rcs, d);
	if (ret <= 0)
		return ret < 0 ? ret : 0;
	if (has_cpu) {
		ret = per_page_table(r, g, wo, wi, cpu, "CPU ns/page:", rcc, dc);
		if (ret < 0)
			return ret;
	}
	ret = per_call_table(r, wo, wi, "diff/call", rcs, d, true);
	if (ret || !has_cpu)
		return ret;
	return per_call_table(r, wo, wi, "CPU/call", rcc, dc, false);
}

int section_thread2018(struct report *r, const struct rgroup *g)
{
	const struct rmodel *m = r->m;
	struct pfn_comparison c;
	char text[1536];
	int wo, wi, ret, any = 0;

	(void)g;
	if (thread_pair(&c, &wo, &wi)) {
		fprintf(r->out, "No backend of this build declares the thread's era-A example.\n\n");
		return 0;
	}
	if (!m->has[wo] || !m->has[wi]) {
		fmt_to(text, sizeof(text),
		       "The pair did not run in these results (%s: %s; %s: %s). %s runs it at npages 16, 64, "
		       "512 and 2^18; %s (./run.sh) at the same four among the drivers.",
		       c.conv->name, m->has[wo] ? "ran" : "no rows", c.direct->name, m->has[wi] ? "ran" : "no rows",
		       THREAD_CONFIG, THREAD_CONFIG_DEFAULT);
		wrap(r->out, text, 0, "");
		fprintf(r->out, "\n");
		return 0;
	}
	fmt_to(text, sizeof(text),
	       "The example of the 2018 thread (\"saving CPU cycles and memory\"), as declared: %s (era %s, %s; "
	       "two arrays per call and a pass) against %s (era %s, %s; one array the walk writes). Neither shipped "
	       "in any kernel. Differences are %s - %s: the mean over the repetitions paired by index, with its 95%% "
	       "t-interval (* = it excludes 0), beside the median of each side, in wall time (med: the median "
	       "iteration of each repetition, as the tables above pair) and, where the task "
	       "clock was counted, in CPU time (steadier on a shared machine); per call (diff/call in wall time, "
	       "CPU/call in CPU time) = per page x the pages of a call (batch). B/call: bytes "
	       "each allocates per call (bytes_alloc_per_page x batch).",
	       c.conv->name, pfn_era_name(c.conv->era), c.conv->kernel, c.direct->name, pfn_era_name(c.direct->era),
	       c.direct->kernel, c.conv->name, c.direct->name);
	wrap(r->out, text, 0, "");
	fprintf(r->out, "\n");
	for (size_t k = 0; k < m->nr_groups; k++) {
		const struct rgroup *gk = &m->groups[k];
		bool ran = false;

		for (size_t i = 0; i < gk->nr_cases && !ran; i++)
			ran = m->cases[gk->cases[i]].nr[wo] && m->cases[gk->cases[i]].nr[wi];
		if (!ran)
			continue;
		any = 1;
		ret = thread_group(r, gk, wo, wi);
		if (ret)
			return ret;
	}
	if (!any)
		fprintf(r->out, "The pair never ran on the same case.\n\n");
	return 0;
}
