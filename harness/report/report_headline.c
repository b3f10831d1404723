/*
 * report_headline.c - the headline's sentences per driver pair: for each
 * declared comparison that ran (comps in report_model.h), at its
 * conversion driver's batch (its declared window; 0, a whole-range driver:
 * the largest npages walked in one call), the paired difference per page
 * with its 95% CI on every workload, how many of those intervals reached
 * the precision target, and the conversion pass's share of the whole path
 * where stages were timed.  Every word that carries a number is computed
 * from the numbers: "more", "less" or "the same time within its interval"
 * follow the interval, not the estimate.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_priv.h"

#define ADD(...) fmt_to(text + strlen(text), sizeof(text) - strlen(text), __VA_ARGS__)

/* The groups the headline speaks of: every pair's emulated group, then its kernel group. */
static long hl_group(const struct rmodel *m, size_t i, int *src)
{
	size_t p = i % (m->nr_pairs ? m->nr_pairs : 1);

	*src = i < m->nr_pairs ? CONFIG_SOURCE_EMULATED : CONFIG_SOURCE_KERNEL;
	return i < 2 * m->nr_pairs ? m->pairs[p].grp[*src] : -1;
}

/* What one pair found over the workloads. */
struct hl_pair {
	size_t shown, within, nci;	/* workloads with a number, CIs within the target, CIs */
	double widest;
	char widest_at[96];
	long np;			/* npages of the first workload shown */
};

/* "+0.93 ns/page more on mirror (95% CI +0.88 to +0.98)" and its precision. */
static void pair_workload(const struct rmodel *m, const struct rgroup *g, int src, const struct rratio *q,
			  long np, struct hl_pair *hp, char *text, size_t len)
{
	char where[96];
	size_t at = strlen(text);

	fmt_to(where, sizeof(where), "%s%s", g->pair_name, src == CONFIG_SOURCE_KERNEL ? " (kernel source)" : "");
	if (hp->shown && np != hp->np)
		fmt_to(where + strlen(where), sizeof(where) - strlen(where), " at %ld pages", np);
	if (!hp->shown)
		hp->np = np;
	fmt_to(text + at, len - at, "%s", hp->shown ? "; " : "");
	at = strlen(text);
	if (!q->has_ci)
		fmt_to(text + at, len - at, "%.2f ns/page %s on %s (%zu pairs, too few for an interval)",
		       fabs(q->diff), q->diff < 0 ? "less" : "more", where, q->pairs);
	else if (q->dlo > 0 || q->dhi < 0)
		fmt_to(text + at, len - at, "%.2f ns/page %s on %s (95%% CI %+.2f to %+.2f)", fabs(q->diff),
		       q->dlo > 0 ? "more" : "less", where, q->dlo, q->dhi);
	else
		fmt_to(text + at, len - at, "the same time within its interval on %s (%+.2f ns/page, 95%% CI "
		       "%+.2f to %+.2f)", where, q->diff, q->dlo, q->dhi);
	hp->shown++;
	if (!q->has_ci)
		return;
	hp->nci++;
	hp->within += !isnan(m->target) && q->half <= m->target;
	if (q->half > hp->widest || hp->nci == 1) {
		hp->widest = q->half;
		fmt_to(hp->widest_at, sizeof(hp->widest_at), "%s", where);
	}
}

/* The conversion share at the driver's batch on each workload with stage times. */
static int pair_shares(struct report *r, int b, long batch, char *text, size_t len)
{
	const struct rmodel *m = r->m;
	size_t n = 0, at;

	for (size_t i = 0; i < 2 * m->nr_pairs; i++) {
		int src;
		long gi = hl_group(m, i, &src), np;
		double share;
		int ret = rmodel_conv_share(m, b, gi, batch, &share, &np);

		if (ret == -ENODATA)
			continue;
		if (ret)
			return ret;
		at = strlen(text);
		fmt_to(text + at, len - at, "%s%.1f%%%s on %s%s", n ? ", " : " Its conversion pass (alloc + the pass "
		       "after the walk) is ", share, n ? "" : " of the whole path", m->pairs[i % m->nr_pairs].name,
		       src == CONFIG_SOURCE_KERNEL ? " (kernel source)" : "");
		n++;
	}
	at = strlen(text);
	if (n)
		fmt_to(text + at, len - at, " (stage medians).");
	else
		fmt_to(text + at, len - at, " Its share of the whole path is not known here: no case at this batch "
		       "timed its stages (stages = separate or yes).");
	return 0;
}

/* One paragraph per declared comparison that ran. */
int headline_pairs(struct report *r)
{
	const struct rmodel *m = r->m;
	char text[8192];

	for (size_t k = 0; k < m->nr_comps; k++) {
		int bc = m->comp_b[k][0];
		unsigned w = pfn_backends[bc]->window;
		long batch = w ? (long)w : -1;
		struct hl_pair hp = { 0 };
		long np = -1;
		int ret;

		for (size_t i = 0; i < 2 * m->nr_pairs && np < 0; i++) {
			int src;
			long gi = hl_group(m, i, &src), at = rmodel_driver_case(m, gi, batch);

			if (at >= 0 && m->groups[gi].ratios[k][at].ok)
				np = m->cases[m->groups[gi].cases[at]].npages;
		}
		fmt_to(text, sizeof(text), "%s against %s, at %s's batch (%s, %ld %s): the conversion path takes ",
		       m->comps[k].conv->name, m->comps[k].direct->name, m->comps[k].conv->name,
		       w ? "its window" : "the whole range in one call, here the largest npages", np,
		       np == 1 ? "page" : "pages");
		for (size_t i = 0; i < 2 * m->nr_pairs; i++) {
			int src;
			long gi = hl_group(m, i, &src), at = rmodel_driver_case(m, gi, batch);

			if (at < 0 || !m->groups[gi].ratios[k][at].ok)
				continue;
			pair_workload(m, &m->groups[gi], src, &m->groups[gi].ratios[k][at],
				      m->cases[m->groups[gi].cases[at]].npages, &hp, text, sizeof(text));
		}
		if (!hp.shown) {
			fmt_to(text, sizeof(text), "%s against %s: no case at %s's batch (%s) in this run.",
			       m->comps[k].conv->name, m->comps[k].direct->name, m->comps[k].conv->name,
			       w ? "its window" : "a whole range in one call");
			wrap(r->out, text, 0, "");
			fprintf(r->out, "\n");
			continue;
		}
		ADD(".");
		if (hp.nci && !isnan(m->target))
			ADD(" %zu of these %zu intervals %s within the +-%.2f ns/page target; the widest is +-%.2f "
			    "(%s).", hp.within, hp.nci, hp.within == 1 ? "is" : "are", m->target, hp.widest,
			    hp.widest_at);
		else if (hp.nci)
			ADD(" The widest interval is +-%.2f ns/page (%s).", hp.widest, hp.widest_at);
		ret = pair_shares(r, bc, batch, text, sizeof(text));
		if (ret)
			return ret;
		wrap(r->out, text, 0, "");
		fprintf(r->out, "\n");
	}
	return 0;
}
