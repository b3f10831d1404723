/*
 * compare.c - match two results tables case by case and decide, per
 * metric, whether NEW is better, worse, the same, or too noisy to tell.
 *
 * Decision for one case x metric (threshold T%, family-wise level alpha):
 *
 *   change = (median(new) - median(base)) / |median(base)| * 100
 *   |change| <= T                      -> same
 *   deterministic, |change| > T        -> better / worse (no test needed:
 *                                         every repetition gave one value)
 *   Holm-adjusted Mann-Whitney p < alpha, |change| > T -> better / worse
 *   otherwise                          -> noisy ("too noisy to tell")
 *   gated, in BASE, not in NEW         -> missing (fails)
 *
 * The p-values of all comparisons are computed first; Holm's adjustment
 * then runs over each family (gated, reported-only) before any verdict.
 *
 * "worse" follows the metric's worse_if (higher for all built-in metrics;
 * "either" makes any significant change beyond T a failure).  The derived
 * metric ratio takes, per case, declared comparison (comparisons.h) and
 * repetition index i, ns_per_page(conv, i) / ns_per_page(direct, i) within
 * one run, so machine-wide drift between BASE and NEW cancels.
 *
 * The thresholds and their file are in compare_thresholds.c; what else
 * differs between two results (meta.json, kinds, impossible values) in
 * compare_inputs.c.  Column names and the status word come from the
 * shared lists (results.h, vocab.h), the ratio's backends from their
 * declarations.
 *
 * Left out: tests across more than two runs, effect sizes other than the
 * median change.  Timings of two runs made at different times or on
 * different machines differ for reasons other than the code: the CI gate
 * judges timing with `pfnbench ab` (ab.c) instead, which alternates the
 * two builds in one run.
 */
#include "compare.h"
#include "comparisons.h"
#include "report_stats.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

/* Messages quote case names from the files: one line (report_data.h). */
#define seterr rdata_errorf
/* A results.csv column's name (results.h's list). */
#define COL(id) result_columns[RCOL_##id].name

/* ---- comparing ---------------------------------------------------- */

/* The ok rows of one table grouped by a key column. */
struct keyed {
	const struct rdata *t;
	int col;		/* key column */
	size_t *rows;		/* ok rows sorted by key */
	size_t n;
};

static const struct rdata *sort_table;
static int sort_col;

static int cmp_rows(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(rdata_get(sort_table, x, sort_col),
		       rdata_get(sort_table, y, sort_col));

	return c ? c : (x > y) - (x < y);
}

static int keyed_build(struct keyed *k, const struct rdata *t, const char *col)
{
	int cs = rdata_col(t, COL(STATUS));

	k->t = t;
	k->col = rdata_col(t, col);
	k->n = 0;
	k->rows = malloc((t->nr_rows ? t->nr_rows : 1) * sizeof(size_t));
	if (!k->rows)
		return -ENOMEM;
	for (size_t r = 0; r < t->nr_rows; r++)
		if (!strcmp(rdata_get(t, r, cs), RESULT_STATUS_OK))
			k->rows[k->n++] = r;
	sort_table = t;
	sort_col = k->col;
	qsort(k->rows, k->n, sizeof(size_t), cmp_rows);
	return 0;
}

/* Range [*lo, *hi) of k->rows with key @key; 0 if found, -ENOENT if not. */
static int keyed_find(const struct keyed *k, const char *key, size_t *lo,
		      size_t *hi)
{
	size_t a = 0, b = k->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (strcmp(rdata_get(k->t, k->rows[m], k->col), key) < 0)
			a = m + 1;
		else
			b = m;
	}
	if (a == k->n || strcmp(rdata_get(k->t, k->rows[a], k->col), key))
		return -ENOENT;
	*lo = a;
	for (b = a; b < k->n && !strcmp(rdata_get(k->t, k->rows[b], k->col),
					key); b++)
		;
	*hi = b;
	return 0;
}

/* Values of @col over rows [lo, hi) of @k, empty fields skipped. */
static int gather(const struct keyed *k, size_t lo, size_t hi, const char *col,
		  double *v, size_t *n, char *err, size_t err_len)
{
	int c = rdata_col(k->t, col);

	*n = 0;
	for (size_t i = lo; i < hi; i++) {
		int ret = rdata_double(k->t, k->rows[i], c, &v[*n], err, err_len);

		if (ret == -ENODATA)
			continue;
		if (ret)
			return ret;
		(*n)++;
	}
	return 0;
}

/*
 * Per-repetition ratios conv/direct of ns_per_page for case @key (rows
 * [lo, hi) of the by-case index) of one declared comparison.  *@n = 0 when
 * either is missing.
 */
static int gather_ratio(const struct keyed *k, size_t lo, size_t hi, const struct pfn_comparison *cmp,
			double *v, size_t *n, char *err, size_t err_len)
{
	int cb = rdata_col(k->t, COL(BACKEND)), cr = rdata_col(k->t, COL(REPETITION));
	int cn = rdata_col(k->t, COL(NS_PER_PAGE));

	*n = 0;
	for (size_t i = lo; i < hi; i++) {
		size_t ri = k->rows[i];
		double num, den;
		int ret;

		if (strcmp(rdata_get(k->t, ri, cb), cmp->conv->name))
			continue;
		for (size_t j = lo; j < hi; j++) {
			size_t rj = k->rows[j];

			if (strcmp(rdata_get(k->t, rj, cb), cmp->direct->name) ||
			    strcmp(rdata_get(k->t, rj, cr),
				   rdata_get(k->t, ri, cr)))
				continue;
			ret = rdata_double(k->t, ri, cn, &num, err, err_len);
			if (!ret)
				ret = rdata_double(k->t, rj, cn, &den, err,
						   err_len);
			if (ret == -ENODATA)
				break;
			if (ret)
				return ret;
			if (den > 0)
				v[(*n)++] = num / den;
			break;
		}
	}
	return 0;
}

/* The smallest two-sided p-value samples of sizes @a and @b can give:
 * 2 / C(a + b, a) (complete separation, no ties). */
static double min_p(size_t a, size_t b)
{
	double c = 1;

	for (size_t i = 1; i <= a; i++)
		c = c * (double)(b + i) / (double)i;
	return 2.0 / c;
}

static int all_equal(const double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

static int push_row(struct cmp_result *r, const char *key,
		    const struct cmp_metric_conf *m, size_t *cap)
{
	struct cmp_row *row;

	if (r->nr_rows == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct cmp_row *p = realloc(r->rows, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->rows = p;
		*cap = nc;
	}
	row = &r->rows[r->nr_rows];
	memset(row, 0, sizeof(*row));
	row->key = strdup(key);
	if (!row->key)
		return -ENOMEM;
	row->metric = m;
	row->p = NAN;
	r->nr_rows++;
	return 0;
}

/* Fill the statistics of @row from the two samples; the verdict comes
 * later (verdicts()), once every p-value is known. */
static int decide(struct cmp_row *row, const double *b, size_t nb,
		  const double *n, size_t nn)
{
	struct rstats_mwu mwu;
	int ret;

	row->n_base = nb;
	row->n_new = nn;
	row->p_adj = NAN;
	if (!nb || !nn) {
		row->verdict = nb && row->metric->gated ? CMP_MISSING : CMP_NA;
		return 0;
	}
	ret = rstats_median(b, nb, &row->base_median);
	if (!ret)
		ret = rstats_median(n, nn, &row->new_median);
	if (ret)
		return ret;
	if (row->base_median != 0)
		row->change_pct = (row->new_median - row->base_median) /
				  fabs(row->base_median) * 100.0;
	else if (row->new_median == 0)
		row->change_pct = 0;
	else
		row->change_pct = row->new_median > 0 ? INFINITY : -INFINITY;

	row->deterministic = all_equal(b, nb) && all_equal(n, nn);
	if (!row->deterministic) {
		ret = rstats_mann_whitney(n, nn, b, nb, &mwu);
		if (ret)
			return ret;
		row->p = mwu.p;
		row->exact = mwu.exact;
	}
	return 0;
}

/*
 * Holm within each family (reported-only, gated), then the verdicts.
 * A comparison is untestable when even complete separation of its samples
 * (min_p) could not reach alpha after the adjustment.
 */
static int verdicts(struct cmp_result *r, const struct cmp_thresholds *th)
{
	double *p = malloc((r->nr_rows + 1) * sizeof(*p)), *adj = malloc((r->nr_rows + 1) * sizeof(*adj));
	int ret = 0;

	if (!p || !adj) {
		ret = -ENOMEM;
		goto out;
	}
	for (int gated = 0; gated <= 1 && !ret; gated++) {
		size_t m = 0;

		for (size_t i = 0; i < r->nr_rows; i++) {
			const struct cmp_row *row = &r->rows[i];

			p[i] = !!row->metric->gated == gated ? row->p : NAN;
			m += !isnan(p[i]);
		}
		r->nr_tested[gated] = m;
		ret = rstats_holm(p, r->nr_rows, adj);
		for (size_t i = 0; i < r->nr_rows && !ret; i++) {
			struct cmp_row *row = &r->rows[i];

			if (!!row->metric->gated != gated || isnan(row->p))
				continue;
			row->p_adj = adj[i];
			row->untestable = min_p(row->n_base, row->n_new) * (double)m >= th->alpha;
		}
	}
	for (size_t i = 0; i < r->nr_rows && !ret; i++) {
		struct cmp_row *row = &r->rows[i];
		const struct cmp_metric_conf *m = row->metric;
		int significant, worse;

		if (row->verdict == CMP_NA || row->verdict == CMP_MISSING) {
			row->fails = row->verdict == CMP_MISSING && !th->allow_missing;
			continue;
		}
		significant = row->deterministic ? row->base_median != row->new_median : row->p_adj < th->alpha;
		switch (m->worse_if) {
		case CMP_WORSE_LOWER:
			worse = row->change_pct < 0;
			break;
		case CMP_WORSE_EITHER:
			worse = row->change_pct != 0;
			break;
		default:
			worse = row->change_pct > 0;
		}
		if (!(fabs(row->change_pct) > m->threshold_pct))
			row->verdict = CMP_SAME;
		else if (significant)
			row->verdict = worse ? CMP_WORSE : CMP_BETTER;
		else
			row->verdict = CMP_NOISY;
		row->fails = m->gated && row->verdict == CMP_WORSE;
	}
out:
	free(p);
	free(adj);
	return ret;
}

/* A new row for key and metric m, with its verdict from the two samples. */
static int push_decided(struct cmp_result *r, const char *key, const struct cmp_metric_conf *m, size_t *cap,
			const double *vb, size_t nb, const double *vn, size_t nn)
{
	int ret = push_row(r, key, m, cap);

	return ret ? ret : decide(&r->rows[r->nr_rows - 1], vb, nb, vn, nn);
}

/* One line of cmp_result.missing. */
static int add_missing(struct cmp_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_missing(struct cmp_result *r, const char *fmt, ...)
{
	char buf[1024], **p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rdata_oneline(buf);
	p = realloc(r->missing, (r->nr_missing + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	r->missing = p;
	if (!(p[r->nr_missing] = strdup(buf)))
		return -ENOMEM;
	r->nr_missing++;
	return 0;
}

/* Cases of one backend in BASE, and how many of them NEW lacks. */
struct backend_tally {
	char name[64];
	size_t total, missing;
};

/* Count one BASE case of @backend (@missing: and NEW lacks it). */
static int backend_count(struct backend_tally **v, size_t *n, const char *backend, int missing)
{
	struct backend_tally *p;
	size_t i;

	for (i = 0; i < *n && strcmp((*v)[i].name, backend); i++)
		;
	if (i == *n) {
		p = realloc(*v, (*n + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*v = p;
		memset(&p[i], 0, sizeof(p[i]));
		snprintf(p[i].name, sizeof(p[i].name), "%s", backend);
		(*n)++;
	}
	if (missing)
		(*v)[i].missing++;
	else
		(*v)[i].total++;
	return 0;
}

static int check_columns(const struct rdata *t, const struct cmp_thresholds *th,
			 char *err, size_t err_len)
{
	static const enum result_col need_cols[] = {
		RCOL_NAME, RCOL_CASE, RCOL_BACKEND, RCOL_STATUS, RCOL_REPETITION, RCOL_NS_PER_PAGE,
	};
	const char *need[sizeof(need_cols) / sizeof(need_cols[0]) + 1];
	int ret;

	for (size_t i = 0; i < sizeof(need_cols) / sizeof(need_cols[0]); i++)
		need[i] = result_columns[need_cols[i]].name;
	need[sizeof(need_cols) / sizeof(need_cols[0])] = NULL;
	ret = rdata_require(t, need, err, err_len);
	for (size_t i = 0; !ret && i < th->nr_metrics; i++) {
		const char *one[2] = { th->metrics[i].name, NULL };

		if (strcmp(one[0], CMP_RATIO_METRIC))
			ret = rdata_require(t, one, err, err_len);
	}
	return ret;
}

/* What one cmp_run() works with. */
struct cmp_ctx {
	const struct rdata *base, *new_;
	const struct cmp_thresholds *th;
	struct keyed kb, kn;		/* ok rows by name (backend/case) */
	struct keyed cb, cn;		/* ok rows by case */
	struct backend_tally *bk;	/* BASE's cases per backend */
	size_t nr_bk;
	struct cmp_result *r;
	double *vb, *vn;		/* samples, as many as rows */
	size_t cap;			/* of r->rows */
	char *err;
	size_t err_len;
};

/* The column metrics of one name present in both tables (rows [blo, bhi) and [nlo, nhi)). */
static int cmp_name(struct cmp_ctx *x, const char *key, size_t blo, size_t bhi, size_t nlo, size_t nhi)
{
	for (size_t m = 0; m < x->th->nr_metrics; m++) {
		const struct cmp_metric_conf *mc = &x->th->metrics[m];
		size_t nb, nn;
		int ret;

		if (!strcmp(mc->name, CMP_RATIO_METRIC))
			continue;
		ret = gather(&x->kb, blo, bhi, mc->name, x->vb, &nb, x->err, x->err_len);
		if (!ret)
			ret = gather(&x->kn, nlo, nhi, mc->name, x->vn, &nn, x->err, x->err_len);
		if (!ret && (nb || nn))	/* not measured in either run: nothing to say */
			ret = push_decided(x->r, key, mc, &x->cap, x->vb, nb, x->vn, nn);
		if (ret)
			return ret;
	}
	return 0;
}

/* Per name (backend/case): the column metrics, or what NEW lacks; then what only NEW has. */
static int cmp_names(struct cmp_ctx *x)
{
	int bcol = rdata_col(x->base, COL(BACKEND)), ret;

	for (size_t i = 0; i < x->kb.n;) {
		const char *key = rdata_get(x->base, x->kb.rows[i], x->kb.col);
		const char *backend;
		size_t blo, bhi, nlo, nhi;

		keyed_find(&x->kb, key, &blo, &bhi);
		i = bhi;
		backend = rdata_get(x->base, x->kb.rows[blo], bcol);
		ret = backend_count(&x->bk, &x->nr_bk, backend, 0);
		if (!ret && keyed_find(&x->kn, key, &nlo, &nhi)) {
			x->r->nr_only_base++;
			ret = backend_count(&x->bk, &x->nr_bk, backend, 1);
			if (!ret)
				ret = add_missing(x->r, "%s: in BASE, not in NEW", key);
			if (ret)
				return ret;
			continue;
		}
		if (ret)
			return ret;
		x->r->nr_common++;
		ret = cmp_name(x, key, blo, bhi, nlo, nhi);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < x->kn.n;) {
		const char *key = rdata_get(x->new_, x->kn.rows[i], x->kn.col);
		size_t lo, hi;

		keyed_find(&x->kn, key, &lo, &hi);
		i = hi;
		if (keyed_find(&x->kb, key, &lo, &hi))
			x->r->nr_only_new++;
	}
	return 0;
}

/*
 * The derived metric: conv/direct within each run, per case and declared
 * comparison (comparisons.h), keyed "CASE CONV/DIRECT".
 */
static int cmp_ratios(struct cmp_ctx *x)
{
	struct pfn_comparison comps[PFN_MAX_COMPARISONS];
	size_t nr_comps = pfn_comparisons(comps);

	for (size_t m = 0; m < x->th->nr_metrics; m++) {
		const struct cmp_metric_conf *mc = &x->th->metrics[m];

		if (strcmp(mc->name, CMP_RATIO_METRIC))
			continue;
		for (size_t i = 0; i < x->cb.n;) {
			const char *key = rdata_get(x->base, x->cb.rows[i], x->cb.col);
			size_t blo, bhi, nlo, nhi, nb, nn;

			keyed_find(&x->cb, key, &blo, &bhi);
			i = bhi;
			if (keyed_find(&x->cn, key, &nlo, &nhi))
				continue;
			for (size_t k = 0; k < nr_comps; k++) {
				char rkey[1024];
				int ret;

				ret = gather_ratio(&x->cb, blo, bhi, &comps[k], x->vb, &nb, x->err, x->err_len);
				if (!ret)
					ret = gather_ratio(&x->cn, nlo, nhi, &comps[k], x->vn, &nn, x->err,
							   x->err_len);
				if (!ret && (nb || nn)) {
					snprintf(rkey, sizeof(rkey), "%s %s/%s", key, comps[k].conv->name,
						 comps[k].direct->name);
					ret = push_decided(x->r, rkey, mc, &x->cap, x->vb, nb, x->vn, nn);
				}
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/* What is missing (whole backends, metrics), the verdicts, and the counts. */
static int cmp_finish(struct cmp_ctx *x)
{
	struct cmp_result *r = x->r;
	int ret = 0;

	for (size_t i = 0; i < x->nr_bk && !ret; i++)
		if (x->bk[i].missing == x->bk[i].total)
			ret = add_missing(r, "backend %s: none of its %zu case(s) in BASE is in NEW", x->bk[i].name,
					  x->bk[i].total);
	for (size_t i = 0; i < r->nr_rows && !ret; i++)
		if (r->rows[i].verdict == CMP_MISSING)
			ret = add_missing(r, "%s: %s measured in BASE, not in NEW", r->rows[i].key,
					  r->rows[i].metric->name);
	if (!ret)
		ret = verdicts(r, x->th);
	if (ret)
		return ret;
	for (size_t i = 0; i < r->nr_rows; i++) {
		r->nr_failures += r->rows[i].fails && r->rows[i].verdict != CMP_MISSING;
		r->nr_untestable += r->rows[i].untestable;
	}
	/* each missing case, backend and metric is one failure */
	if (!x->th->allow_missing)
		r->nr_failures += r->nr_missing;
	return 0;
}

int cmp_run(const struct rdata *base, const struct rdata *new_,
	    const struct cmp_thresholds *th, struct cmp_result **out,
	    char *err, size_t err_len)
{
	struct cmp_ctx x = { .base = base, .new_ = new_, .th = th, .err = err, .err_len = err_len };
	int ret;

	ret = check_columns(base, th, err, err_len);
	if (!ret)
		ret = check_columns(new_, th, err, err_len);
	if (ret)
		return ret;
	x.r = calloc(1, sizeof(*x.r));
	x.vb = malloc((base->nr_rows + 1) * sizeof(double));
	x.vn = malloc((new_->nr_rows + 1) * sizeof(double));
	ret = !x.r || !x.vb || !x.vn ? -ENOMEM : 0;
	if (!ret)
		ret = keyed_build(&x.kb, base, COL(NAME));
	if (!ret)
		ret = keyed_build(&x.kn, new_, COL(NAME));
	if (!ret)
		ret = keyed_build(&x.cb, base, COL(CASE));
	if (!ret)
		ret = keyed_build(&x.cn, new_, COL(CASE));
	if (!ret)
		ret = cmp_names(&x);
	if (!ret && !x.r->nr_common) {
		seterr(err, err_len,
		       "%s and %s have no case name in common: different "
		       "configurations cannot be compared (compare two runs of "
		       "one config)",
		       base->path, new_->path);
		ret = -EINVAL;
	}
	if (!ret)
		ret = cmp_ratios(&x);
	if (!ret)
		ret = cmp_finish(&x);
	if (!ret) {
		*out = x.r;
		x.r = NULL;
	}
	free(x.bk);
	free(x.kb.rows);
	free(x.kn.rows);
	free(x.cb.rows);
	free(x.cn.rows);
	free(x.vb);
	free(x.vn);
	cmp_result_free(x.r);
	return ret;
}

void cmp_result_free(struct cmp_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr_missing; i++)
		free(r->missing[i]);
	free(r->missing);
	for (size_t i = 0; i < r->nr_rows; i++)
		free(r->rows[i].key);
	free(r->rows);
	free(r);
}

const char *cmp_verdict_name(enum cmp_verdict v)
{
	switch (v) {
	case CMP_SAME:
		return "same";
	case CMP_BETTER:
		return "better";
	case CMP_WORSE:
		return "worse";
	case CMP_NOISY:
		return "noisy";
	case CMP_MISSING:
		return "missing";
	default:
		return "n/a";
	}
}

