/*
 * report_findings.c - the report's closing sections: the text plot of the
 * ratio over npages (drawn by figure_ratio()), one findings paragraph per
 * group computed from its numbers (where the headline comparison's ratio is
 * largest and smallest, where its era-B side is slower, where the
 * difference stops being significant, what the harness alone costs, the
 * range of every other comparison's ratio), the list of figures and notes,
 * and the method.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

/* The text plot gnuplot drew into plotdata/ratio-dumb.txt, leading blank lines left out. */
int section_ratio_plot(struct report *r, const struct rgroup *g)
{
	size_t tl = 0;
	FILE *df;

	(void)g;
	if (!*r->dumb) {
		fprintf(r->out, "(no text plot: gnuplot not run or failed)\n\n");
		return 0;
	}
	df = fopen(r->dumb, "r");
	if (df) {
		char line[256];

		while (fgets(line, sizeof(line), df)) {
			if (!tl && strspn(line, " \f\n") == strlen(line))
				continue;	/* leading blank lines */
			fputs(line, r->out);
			tl++;
		}
		fclose(df);
	}
	if (!tl)
		fprintf(r->out, "(text plot empty)\n");
	fprintf(r->out, "\n");
	return 0;
}

/* ---- findings ------------------------------------------------------------- */

#define ADD(...) fmt_to(text + strlen(text), len - strlen(text), __VA_ARGS__)

/* The npages of the cases of g that pick marks, "1, 16, 512". */
static void list_npages(char *buf, size_t len, const struct report *r, const struct rgroup *g, const int *pick)
{
	buf[0] = '\0';
	for (size_t i = 0; i < g->nr_cases; i++)
		if (pick[i])
			fmt_to(buf + strlen(buf), len - strlen(buf), "%s%ld", *buf ? ", " : "",
			       r->m->cases[g->cases[i]].npages);
}

/* Where the headline ratio is largest and smallest, and where its direct side is slower. */
static void findings_ratio(struct report *r, const struct rgroup *g, char *text, size_t len, int *pick,
			   size_t imax, size_t imin)
{
	const char *cv = rmodel_backend_name(r->m, r->m->conv), *dn = rmodel_backend_name(r->m, r->m->direct);
	char list[1024];
	size_t n = g->nr_cases;

	ADD("%s/%s is largest at npages %ld (ratio %.3f, %+.2f ns/page, %+.1f%%)", cv, dn,
	    r->m->cases[g->cases[imax]].npages, g->ratio[imax].ratio, g->ratio[imax].diff,
	    (g->ratio[imax].ratio - 1) * 100);
	if (imin != imax)
		ADD(" and smallest at npages %ld (ratio %.3f, %+.2f ns/page).", r->m->cases[g->cases[imin]].npages,
		    g->ratio[imin].ratio, g->ratio[imin].diff);
	else
		ADD(".");
	/* the era-B side slower than the conversion side anywhere? */
	for (size_t i = 0; i < n; i++)
		pick[i] = g->ratio[i].ok && g->ratio[i].ratio < 1.0 && g->ratio[i].sig;
	list_npages(list, sizeof(list), r, g, pick);
	if (*list)
		ADD(" %s is significantly SLOWER than %s at npages %s.", dn, cv, list);
	for (size_t i = 0; i < n; i++)
		pick[i] = g->ratio[i].ok && g->ratio[i].ratio < 1.0 && !g->ratio[i].sig;
	list_npages(list, sizeof(list), r, g, pick);
	if (*list)
		ADD(" %s's median is slower at npages %s, but not significantly.", dn, list);
}

/* Where the difference stops being significant. */
static void findings_significance(struct report *r, const struct rgroup *g, char *text, size_t len, int *pick,
				  size_t nci, size_t nsig)
{
	char list[1024];
	size_t n = g->nr_cases, tail;
	int told_tail = 0;

	if (!nci) {
		ADD(" No case has two or more paired repetitions, so no interval is given.");
		return;
	}
	if (nsig == nci) {
		ADD(" The difference is significant at every npages measured.");
		return;
	}
	if (!nsig) {
		ADD(" At no npages is the difference significant (every interval includes 1.0).");
		return;
	}
	for (tail = n; tail > 0; tail--)
		if (g->ratio[tail - 1].sig)
			break;
	if (tail < n && tail > 0) {
		int ok_tail = 1;

		for (size_t i = tail; i < n; i++)
			if (g->ratio[i].has_ci == 0)
				ok_tail = 0;
		if (ok_tail) {
			ADD(" The last significant difference is at npages %ld; from npages %ld on it is not "
			    "significant.",
			    r->m->cases[g->cases[tail - 1]].npages, r->m->cases[g->cases[tail]].npages);
			told_tail = 1;
		}
	}
	/* non-significant cases the tail sentence did not cover */
	for (size_t i = 0; i < n; i++)
		pick[i] = g->ratio[i].has_ci && !g->ratio[i].sig && (!told_tail || i < tail);
	list_npages(list, sizeof(list), r, g, pick);
	if (*list)
		ADD(" %s at npages %s.", told_tail ? "Also not significant" : "Not significant", list);
}

/* What the harness alone (null) costs against the headline's direct side, and the other comparisons. */
static int findings_others(struct report *r, const struct rgroup *g, char *text, size_t len)
{
	const struct rmodel *m = r->m;
	size_t n = g->nr_cases, first = n, last = n;
	double d0 = 0, n0 = 0, d1 = 0, n1 = 0;

	for (size_t i = 0; m->direct >= 0 && m->null_b >= 0 && i < n; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];
		double d, z;
		int kd = median_cell(m, rc, m->direct, RCOL_NS_PER_PAGE, &d), kz;

		if (kd <= 0) {
			if (kd < 0)
				return kd;
			continue;
		}
		kz = median_cell(m, rc, m->null_b, RCOL_NS_PER_PAGE, &z);
		if (kz <= 0) {
			if (kz < 0)
				return kz;
			continue;
		}
		if (first == n) {
			first = i;
			d0 = d;
			n0 = z;
		}
		last = i;
		d1 = d;
		n1 = z;
	}
	if (first != n && d0 > 0 && d1 > 0) {
		ADD(" The harness alone (%s) takes %.3g ns/page at npages %ld (%.1f%% of %s)",
		    rmodel_backend_name(m, m->null_b), n0, m->cases[g->cases[first]].npages, n0 / d0 * 100,
		    rmodel_backend_name(m, m->direct));
		if (last != first)
			ADD(" and %.3g ns/page at npages %ld (%.1f%%)", n1, m->cases[g->cases[last]].npages,
			    n1 / d1 * 100);
		ADD(".");
		if (g->ratio[first].ok && n0 >= fabs(g->ratio[first].diff))
			ADD(" At npages %ld the harness costs more than the difference.",
			    m->cases[g->cases[first]].npages);
	}
	for (size_t k = 1; k < m->nr_comps; k++) {
		double lo = INFINITY, hi = -INFINITY;
		size_t nsig = 0, nok = 0;

		for (size_t i = 0; i < n; i++) {
			const struct rratio *q = &g->ratios[k][i];

			if (!q->ok)
				continue;
			nok++;
			nsig += q->sig;
			lo = q->ratio < lo ? q->ratio : lo;
			hi = q->ratio > hi ? q->ratio : hi;
		}
		if (!nok)
			continue;
		ADD(" %s/%s: ratio %.3f", m->comps[k].conv->name, m->comps[k].direct->name, lo);
		if (hi - lo >= 0.0005)
			ADD(" to %.3f", hi);
		ADD(" (%zu of %zu npages significant).", nsig, nok);
	}
	return 0;
}

/* The findings paragraph of one group, computed from its numbers. */
int section_findings(struct report *r, const struct rgroup *g)
{
	char text[4096] = "";
	size_t len = sizeof(text), n = g->nr_cases, imax = n, imin = n, nsig = 0, nci = 0;
	int *pick = calloc(n ? n : 1, sizeof(int));
	int ret;

	if (!pick)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct rratio *q = &g->ratio[i];

		if (!q->ok)
			continue;
		if (imax == n || q->ratio > g->ratio[imax].ratio)
			imax = i;
		if (imin == n || q->ratio < g->ratio[imin].ratio)
			imin = i;
		nci += q->has_ci;
		nsig += q->sig;
	}
	ADD("%s: ", g->name);
	if (imax == n) {
		if (r->m->conv < 0)
			ADD("no comparison: no backend ran beside its declared counterpart.");
		else
			ADD("no npages has results of both %s and %s.", rmodel_backend_name(r->m, r->m->conv),
			    rmodel_backend_name(r->m, r->m->direct));
	} else {
		findings_ratio(r, g, text, len, pick, imax, imin);
		findings_significance(r, g, text, len, pick, nci, nsig);
	}
	ret = findings_others(r, g, text, len);
	if (!ret) {
		wrap(r->out, text, 0, "");
		fprintf(r->out, "\n");
	}
	free(pick);
	return ret;
}

#undef ADD

/* ---- figures and method ------------------------------------------------------ */

/* The figures drawn, then every note (figures skipped or failed). */
int section_figures(struct report *r, const struct rgroup *g)
{
	(void)g;
	if (r->s->nr_figures) {
		char list[6144];

		fmt_to(list, sizeof(list), "%zu figures, each as .png and .svg in this directory (data in plotdata/):",
		       r->s->nr_figures);
		for (size_t i = 0; i < r->nr_figs; i++)
			fmt_to(list + strlen(list), sizeof(list) - strlen(list), " %s%s", r->figs[i],
			       i + 1 < r->nr_figs ? "," : ".");
		wrap(r->out, list, 0, "");
	}
	for (size_t i = 0; i < r->s->nr_notes; i++) {
		fprintf(r->out, "- ");
		wrap(r->out, r->s->notes[i], 2, "  ");
	}
	fprintf(r->out, "\n");
	return 0;
}

int section_method(struct report *r, const struct rgroup *g)
{
	FILE *f = r->out;

	(void)g;
	wrap(f, "Every number is the median over the repetitions of one case (rows with status other than ok are "
	     "left out). A comparison puts a conversion backend (era C, or the 2018 thread's era A) beside the "
	     "era-B backend it declares as its counterpart (pfnbench list backends); the first is the headline. "
	     "The comparisons pair ns_per_page_median (the median iteration of a repetition) where the results "
	     "have it, else ns_per_page; repetition i of the two backends ran next to each other in round i "
	     "and are paired. diff is the Hodges-Lehmann estimate of conv_i - direct_i (the median of the "
	     "averages of every two paired differences) with the Wilcoxon signed-rank 95% interval; +-CI is "
	     "half its width, the precision reached; ! marks one wider than the run's precision target. ratio "
	     "is the same estimate of log(conv_i / direct_i), transformed back, with its interval, so that it "
	     "lies inside it; * marks an interval that excludes 1.0. One outlier pair cannot move either; 6 "
	     "pairs are the fewest with an interval. Counter tables show only counters with values in "
	     "results.csv. Stage shares are "
	     "of the sum of the stage medians; the conversion share is a backend's alloc + pass stages over "
	     "that sum. Memory floor = the bytes per page the path must move (harness/analyze/costmodel.c: page-table "
	     "entries, the HMM entry, faults, DMA map, and each backend's declared traffic: requests, pass, "
	     "struct page) / the copy bandwidth "
	     "measured in this run for the case's arrays; below 2x the floor a curve counts as limited by "
	     "memory, above as limited by instructions.", 0, "");
	fprintf(f, "\nRedraw a figure:\n  gnuplot -e \"datafile='plotdata/NAME.dat'; outbase='NAME'\" "
		"plots/SCRIPT.gp\n");
	fprintf(f, "Generated by pfnbench report from %s\n", r->m->t->path);
	return 0;
}
