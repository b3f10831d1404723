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
 * metric ratio_convert_direct takes, per case and repetition index i, the
 * ratio ns_per_page(convert, i) / ns_per_page(direct, i) within one run, so
 * machine-wide drift between BASE and NEW cancels.
 *
 * Left out: tests across more than two runs, effect sizes other than the
 * median change.  Timings of two runs made at different times or on
 * different machines differ for reasons other than the code: the CI gate
 * judges timing with `pfnbench ab` (ab.c) instead, which alternates the
 * two builds in one run.
 */
#include "compare.h"
#include "report_stats.h"

#include <errno.h>
#include <ini.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define RATIO_METRIC "ratio_convert_direct"

/* Messages quote case names from the files: one line (report_data.h). */
#define seterr rdata_errorf

void cmp_thresholds_default(struct cmp_thresholds *t)
{
	static const struct cmp_metric_conf defaults[] = {
		{ "ns_per_page", 0, 5.0, CMP_WORSE_HIGHER },
		{ "instructions_per_page", 0, 2.0, CMP_WORSE_HIGHER },
		{ "callgrind_ir_per_page", 1, 2.0, CMP_WORSE_HIGHER },
		{ "bytes_alloc_per_page", 1, 0.0, CMP_WORSE_HIGHER },
		{ "bytes_persistent_per_page", 1, 0.0, CMP_WORSE_HIGHER },
		{ RATIO_METRIC, 1, 40.0, CMP_WORSE_HIGHER },
	};

	memset(t, 0, sizeof(*t));
	t->alpha = 0.05;
	snprintf(t->ab_metric, sizeof(t->ab_metric), "task_clock_ns_per_page");
	t->ab_threshold_pct = 5.0;
	t->ab_alpha = 0.05;
	t->ab_rounds = 10;
	t->ab_min_ns_per_call = 6.0;
	t->nr_metrics = sizeof(defaults) / sizeof(defaults[0]);
	memcpy(t->metrics, defaults, sizeof(defaults));
}

/* ---- thresholds file ---------------------------------------------- */

struct ini_ctx {
	struct cmp_thresholds *t;
	char why[256];		/* first error's reason */
};

static int parse_num(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v))
		return -EINVAL;
	*out = v;
	return 0;
}

/* [ab]: the A/B timing gate's settings. */
static int ab_key(struct ini_ctx *ic, const char *name, const char *value)
{
	struct cmp_thresholds *t = ic->t;
	double v;

	if (!strcmp(name, "metric")) {
		size_t l = strlen(value);

		if (l < 9 || l >= sizeof(t->ab_metric) || strcmp(value + l - 9, "_per_page"))
			snprintf(ic->why, sizeof(ic->why), "metric must be a results.csv column ending in _per_page "
				 "(task_clock_ns_per_page, ns_per_page), not '%s'", value);
		else
			snprintf(t->ab_metric, sizeof(t->ab_metric), "%s", value);
	} else if (!strcmp(name, "threshold_pct")) {
		if (parse_num(value, &v) || v < 0)
			snprintf(ic->why, sizeof(ic->why), "threshold_pct must be a number >= 0, not '%s'", value);
		else
			t->ab_threshold_pct = v;
	} else if (!strcmp(name, "alpha")) {
		if (parse_num(value, &v) || v <= 0 || v >= 1)
			snprintf(ic->why, sizeof(ic->why), "alpha must be a number in (0, 1), not '%s'", value);
		else
			t->ab_alpha = v;
	} else if (!strcmp(name, "min_ns_per_call")) {
		if (parse_num(value, &v) || v < 0)
			snprintf(ic->why, sizeof(ic->why), "min_ns_per_call must be a number >= 0, not '%s'", value);
		else
			t->ab_min_ns_per_call = v;
	} else if (!strcmp(name, "rounds")) {
		if (parse_num(value, &v) || v < 2 || v > 1000 || v != floor(v))
			snprintf(ic->why, sizeof(ic->why), "rounds must be a whole number from 2 to 1000, not '%s'",
				 value);
		else
			t->ab_rounds = (unsigned)v;
	} else {
		snprintf(ic->why, sizeof(ic->why), "unknown key '%s' in [ab] (metric, threshold_pct, alpha, rounds, "
			 "min_ns_per_call)",
			 name);
	}
	return *ic->why ? 0 : 1;
}

static int thresholds_ini_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct ini_ctx *ic = user;
	struct cmp_thresholds *t = ic->t;
	struct cmp_metric_conf *m = NULL;
	double v;

	if (*ic->why)
		return 0;	/* keep the first reason */
	if (!strcmp(section, "ab"))
		return ab_key(ic, name, value);
	if (!strcmp(section, "compare")) {
		if (strcmp(name, "alpha")) {
			snprintf(ic->why, sizeof(ic->why),
				 "unknown key '%s' in [compare]", name);
			return 0;
		}
		if (parse_num(value, &v) || v <= 0 || v >= 1) {
			snprintf(ic->why, sizeof(ic->why),
				 "alpha must be a number in (0, 1), not '%s'",
				 value);
			return 0;
		}
		t->alpha = v;
		return 1;
	}
	for (size_t i = 0; i < t->nr_metrics; i++)
		if (!strcmp(t->metrics[i].name, section))
			m = &t->metrics[i];
	if (!m) {
		snprintf(ic->why, sizeof(ic->why),
			 "unknown section [%s]: expected [compare], [ab] or a metric "
			 "(ns_per_page, instructions_per_page, "
			 "callgrind_ir_per_page, bytes_alloc_per_page, "
			 "bytes_persistent_per_page, " RATIO_METRIC ")",
			 section);
		return 0;
	}
	if (!strcmp(name, "gate")) {
		if (!strcasecmp(value, "yes") || !strcmp(value, "1") ||
		    !strcasecmp(value, "true"))
			m->gated = 1;
		else if (!strcasecmp(value, "no") || !strcmp(value, "0") ||
			 !strcasecmp(value, "false"))
			m->gated = 0;
		else
			snprintf(ic->why, sizeof(ic->why),
				 "gate must be yes or no, not '%s'", value);
	} else if (!strcmp(name, "threshold_pct")) {
		if (parse_num(value, &v) || v < 0)
			snprintf(ic->why, sizeof(ic->why),
				 "threshold_pct must be a number >= 0, not '%s'",
				 value);
		else
			m->threshold_pct = v;
	} else if (!strcmp(name, "worse_if")) {
		if (!strcmp(value, "higher"))
			m->worse_if = CMP_WORSE_HIGHER;
		else if (!strcmp(value, "lower"))
			m->worse_if = CMP_WORSE_LOWER;
		else if (!strcmp(value, "either"))
			m->worse_if = CMP_WORSE_EITHER;
		else
			snprintf(ic->why, sizeof(ic->why),
				 "worse_if must be higher, lower or either, not '%s'",
				 value);
	} else {
		snprintf(ic->why, sizeof(ic->why),
			 "unknown key '%s' in [%s] (gate, threshold_pct, worse_if)",
			 name, section);
	}
	return *ic->why ? 0 : 1;
}

int cmp_thresholds_load(const char *path, struct cmp_thresholds *t,
			char *err, size_t err_len)
{
	struct ini_ctx ic = { .t = t };
	FILE *f = fopen(path, "r");
	int line, e;

	struct stat sb;

	if (!f) {
		e = errno;
		seterr(err, err_len, "%s: %s (check the path and permissions)",
		       path, strerror(e));
		return -e;
	}
	if (!fstat(fileno(f), &sb) && S_ISDIR(sb.st_mode)) {
		fclose(f);
		seterr(err, err_len, "%s: is a directory (give a thresholds "
		       "file, e.g. configs/thresholds.conf)", path);
		return -EISDIR;
	}
	errno = 0;
	line = ini_parse_file(f, thresholds_ini_handler, &ic);
	if (!line && ferror(f)) {
		e = errno ? errno : EIO;
		fclose(f);
		seterr(err, err_len, "%s: %s (the read failed; check the path "
		       "and the disk)", path, strerror(e));
		return -e;
	}
	fclose(f);
	if (line) {
		seterr(err, err_len, "%s:%d: %s", path, line,
		       *ic.why ? ic.why : "syntax error (expected 'key = "
		       "value' or '[section]')");
		return -EINVAL;
	}
	return 0;
}

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
	int cs = rdata_col(t, "status");

	k->t = t;
	k->col = rdata_col(t, col);
	k->n = 0;
	k->rows = malloc((t->nr_rows ? t->nr_rows : 1) * sizeof(size_t));
	if (!k->rows)
		return -ENOMEM;
	for (size_t r = 0; r < t->nr_rows; r++)
		if (!strcmp(rdata_get(t, r, cs), "ok"))
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
 * Per-repetition ratios convert/direct of ns_per_page for case @key
 * (rows [lo, hi) of the by-case index).  *@n = 0 when either is missing.
 */
static int gather_ratio(const struct keyed *k, size_t lo, size_t hi,
			double *v, size_t *n, char *err, size_t err_len)
{
	int cb = rdata_col(k->t, "backend"), cr = rdata_col(k->t, "repetition");
	int cn = rdata_col(k->t, "ns_per_page");

	*n = 0;
	for (size_t i = lo; i < hi; i++) {
		size_t ri = k->rows[i];
		double num, den;
		int ret;

		if (strcmp(rdata_get(k->t, ri, cb), "convert"))
			continue;
		for (size_t j = lo; j < hi; j++) {
			size_t rj = k->rows[j];

			if (strcmp(rdata_get(k->t, rj, cb), "direct") ||
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
	static const char *const need[] = {
		"name", "case", "backend", "status", "repetition",
		"ns_per_page", NULL,
	};
	int ret = rdata_require(t, need, err, err_len);

	for (size_t i = 0; !ret && i < th->nr_metrics; i++) {
		const char *one[2] = { th->metrics[i].name, NULL };

		if (strcmp(one[0], RATIO_METRIC))
			ret = rdata_require(t, one, err, err_len);
	}
	return ret;
}

int cmp_run(const struct rdata *base, const struct rdata *new_,
	    const struct cmp_thresholds *th, struct cmp_result **out,
	    char *err, size_t err_len)
{
	struct keyed kb = { 0 }, kn = { 0 }, cb = { 0 }, cn = { 0 };
	struct backend_tally *bk = NULL;
	size_t nr_bk = 0;
	int bcol = rdata_col(base, "backend");
	struct cmp_result *r;
	double *vb = NULL, *vn = NULL;
	size_t cap = 0;
	int ret;

	ret = check_columns(base, th, err, err_len);
	if (!ret)
		ret = check_columns(new_, th, err, err_len);
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	vb = malloc((base->nr_rows + 1) * sizeof(double));
	vn = malloc((new_->nr_rows + 1) * sizeof(double));
	if (!r || !vb || !vn) {
		ret = -ENOMEM;
		goto out;
	}
	ret = keyed_build(&kb, base, "name");
	if (!ret)
		ret = keyed_build(&kn, new_, "name");
	if (!ret)
		ret = keyed_build(&cb, base, "case");
	if (!ret)
		ret = keyed_build(&cn, new_, "case");
	if (ret)
		goto out;

	/* per name (backend/case) and column metric */
	for (size_t i = 0; i < kb.n;) {
		const char *key = rdata_get(base, kb.rows[i], kb.col);
		size_t blo, bhi, nlo, nhi;

		keyed_find(&kb, key, &blo, &bhi);
		i = bhi;
		ret = backend_count(&bk, &nr_bk, rdata_get(base, kb.rows[blo], bcol), 0);
		if (ret)
			goto out;
		if (keyed_find(&kn, key, &nlo, &nhi)) {
			r->nr_only_base++;
			ret = backend_count(&bk, &nr_bk, rdata_get(base, kb.rows[blo], bcol), 1);
			if (!ret)
				ret = add_missing(r, "%s: in BASE, not in NEW", key);
			if (ret)
				goto out;
			continue;
		}
		r->nr_common++;
		for (size_t m = 0; m < th->nr_metrics; m++) {
			const struct cmp_metric_conf *mc = &th->metrics[m];
			size_t nb, nn;

			if (!strcmp(mc->name, RATIO_METRIC))
				continue;
			ret = gather(&kb, blo, bhi, mc->name, vb, &nb, err,
				     err_len);
			if (!ret)
				ret = gather(&kn, nlo, nhi, mc->name, vn, &nn,
					     err, err_len);
			if (ret)
				goto out;
			if (!nb && !nn)
				continue;	/* not measured in either run */
			ret = push_decided(r, key, mc, &cap, vb, nb, vn, nn);
			if (ret)
				goto out;
		}
	}
	for (size_t i = 0; i < kn.n;) {
		const char *key = rdata_get(new_, kn.rows[i], kn.col);
		size_t lo, hi;

		keyed_find(&kn, key, &lo, &hi);
		i = hi;
		if (keyed_find(&kb, key, &lo, &hi))
			r->nr_only_new++;
	}
	if (!r->nr_common) {
		seterr(err, err_len,
		       "%s and %s have no case name in common: different "
		       "configurations cannot be compared (compare two runs of "
		       "one config)",
		       base->path, new_->path);
		ret = -EINVAL;
		goto out;
	}

	/* derived: convert/direct within each run, per case */
	for (size_t m = 0; m < th->nr_metrics; m++) {
		const struct cmp_metric_conf *mc = &th->metrics[m];

		if (strcmp(mc->name, RATIO_METRIC))
			continue;
		for (size_t i = 0; i < cb.n;) {
			const char *key = rdata_get(base, cb.rows[i], cb.col);
			size_t blo, bhi, nlo, nhi, nb, nn;

			keyed_find(&cb, key, &blo, &bhi);
			i = bhi;
			if (keyed_find(&cn, key, &nlo, &nhi))
				continue;
			ret = gather_ratio(&cb, blo, bhi, vb, &nb, err, err_len);
			if (!ret)
				ret = gather_ratio(&cn, nlo, nhi, vn, &nn, err,
						   err_len);
			if (ret)
				goto out;
			if (!nb && !nn)
				continue;
			ret = push_decided(r, key, mc, &cap, vb, nb, vn, nn);
			if (ret)
				goto out;
		}
	}
	for (size_t i = 0; i < nr_bk && !ret; i++)
		if (bk[i].missing == bk[i].total)
			ret = add_missing(r, "backend %s: none of its %zu case(s) in BASE is in NEW", bk[i].name,
					  bk[i].total);
	for (size_t i = 0; i < r->nr_rows && !ret; i++)
		if (r->rows[i].verdict == CMP_MISSING)
			ret = add_missing(r, "%s: %s measured in BASE, not in NEW", r->rows[i].key,
					  r->rows[i].metric->name);
	if (!ret)
		ret = verdicts(r, th);
	if (ret)
		goto out;
	for (size_t i = 0; i < r->nr_rows; i++) {
		r->nr_failures += r->rows[i].fails && r->rows[i].verdict != CMP_MISSING;
		r->nr_untestable += r->rows[i].untestable;
	}
	/* each missing case, backend and metric is one failure */
	if (!th->allow_missing)
		r->nr_failures += r->nr_missing;
	*out = r;
	r = NULL;
out:
	free(bk);
	free(kb.rows);
	free(kn.rows);
	free(cb.rows);
	free(cn.rows);
	free(vb);
	free(vn);
	cmp_result_free(r);
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

/* ---- what else differs: meta.json, kinds, values ------------------- */

static void meta_str(json_t *meta, const char *obj, const char *key, char *buf, size_t len)
{
	json_t *o = obj ? json_object_get(meta, obj) : meta;
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	snprintf(buf, len, "%s", json_is_string(v) ? json_string_value(v) : "");
	rdata_oneline(buf);
}

int cmp_meta_load(const char *dir, struct cmp_meta *m, char *err, size_t err_len)
{
	char path[PATH_MAX + 16];
	json_error_t je;
	json_t *meta, *v, *cfg;

	memset(m, 0, sizeof(*m));
	m->dirty = -1;
	m->repetitions = -1;
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (access(path, F_OK))
		return 0;
	meta = json_load_file(path, 0, &je);
	if (!meta || !json_is_object(meta)) {
		seterr(err, err_len, "%s:%d: %s (the file is damaged or cut short: rerun, or delete it to compare "
		       "results.csv alone)", path, meta ? 1 : je.line, meta ? "expected a JSON object" : je.text);
		json_decref(meta);
		return -EINVAL;
	}
	m->present = 1;
	meta_str(meta, NULL, "kind", m->kind, sizeof(m->kind));
	meta_str(meta, "pfnbench", "git_commit", m->commit, sizeof(m->commit));
	v = json_object_get(json_object_get(meta, "pfnbench"), "git_dirty");
	m->dirty = json_is_boolean(v) ? json_is_true(v) : -1;
	meta_str(meta, "machine", "kernel", m->kernel, sizeof(m->kernel));
	meta_str(meta, "machine", "cpu_model", m->cpu_model, sizeof(m->cpu_model));
	meta_str(meta, "machine", "hostname", m->hostname, sizeof(m->hostname));
	meta_str(meta, "machine", "thp_enabled", m->thp, sizeof(m->thp));
	meta_str(meta, "build", "build_type", m->build_type, sizeof(m->build_type));
	meta_str(meta, "build", "compiler", m->compiler, sizeof(m->compiler));
	meta_str(meta, "build", "libc", m->libc, sizeof(m->libc));
	meta_str(meta, "build", "valgrind", m->valgrind, sizeof(m->valgrind));
	meta_str(meta, "config", "file", m->config_file, sizeof(m->config_file));
	cfg = json_object_get(meta, "config");
	v = json_object_get(cfg, "repetitions");
	m->repetitions = json_is_integer(v) ? (long)json_integer_value(v) : -1;
	v = json_object_get(cfg, "text");
	if (json_is_string(v)) {
		/* FNV-1a of the config text: "same config" without keeping it */
		unsigned long h = 1469598103934665603UL;

		for (const char *c = json_string_value(v); *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211UL;
		m->config_hash = h ? h : 1;
	}
	if (!m->kind[0]) {
		/* results written before meta.json said its kind */
		json_t *counters = json_object_get(meta, "counters");

		if (json_is_object(counters) && json_object_get(counters, "callgrind_ir"))
			snprintf(m->kind, sizeof(m->kind), "callgrind");
	}
	json_decref(meta);
	return 0;
}

const char *cmp_kind(const struct rdata *t, const struct cmp_meta *m)
{
	int cs = rdata_col(t, "status"), cn = rdata_col(t, "ns_per_page");
	int cc = rdata_col(t, "callgrind_ir_per_page");
	size_t timed = 0, counted = 0;

	if (m && m->kind[0])
		return m->kind;
	for (size_t r = 0; r < t->nr_rows; r++) {
		if (strcmp(rdata_get(t, r, cs), "ok"))
			continue;
		timed += rdata_get(t, r, cn)[0] != '\0';
		counted += rdata_get(t, r, cc)[0] != '\0';
	}
	if (timed)
		return "timing";
	return counted ? "callgrind" : "";
}

/* Is the cell a whole number >= @min?  (Empty is not.) */
static int whole_at_least(const char *s, long min)
{
	char *end;
	long v;

	if (!*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	return !errno && !*end && v >= min;
}

/* The (case, backend, repetition) key of a row, for the duplicate check. */
static const struct rdata *dup_table;

static int cmp_dup(const void *a, const void *b)
{
	static const char *const cols[] = { "case", "backend", "repetition" };
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	for (size_t i = 0; i < 3; i++) {
		int c = rdata_col(dup_table, cols[i]);
		int d = strcmp(rdata_get(dup_table, x, c), rdata_get(dup_table, y, c));

		if (d)
			return d;
	}
	return (x > y) - (x < y);
}

int cmp_check_values(const struct rdata *t, char *err, size_t err_len)
{
	int cs = rdata_col(t, "status"), cns = rdata_col(t, "ns_per_page");
	int cnp = rdata_col(t, "npages"), cb = rdata_col(t, "batch"), cr = rdata_col(t, "repetition");
	size_t *idx, n = 0;
	int ret = 0;

	for (size_t r = 0; r < t->nr_rows && !ret; r++) {
		if (strcmp(rdata_get(t, r, cs), "ok"))
			continue;
		if (cnp >= 0 && !whole_at_least(rdata_get(t, r, cnp), 1)) {
			seterr(err, err_len, "%s:%u: npages '%s' is not a whole number >= 1 (fix or delete the row)",
			       t->path, t->lines[r], rdata_get(t, r, cnp));
			return -EINVAL;
		}
		if (cb >= 0 && !whole_at_least(rdata_get(t, r, cb), 1)) {
			seterr(err, err_len, "%s:%u: batch '%s' is not a whole number >= 1 (fix or delete the row)",
			       t->path, t->lines[r], rdata_get(t, r, cb));
			return -EINVAL;
		}
		if (cr >= 0 && !whole_at_least(rdata_get(t, r, cr), 0)) {
			seterr(err, err_len, "%s:%u: repetition '%s' is not a whole number >= 0 (fix or delete the row)",
			       t->path, t->lines[r], rdata_get(t, r, cr));
			return -EINVAL;
		}
		for (size_t c = 0; c < t->nr_cols; c++) {
			const char *name = t->cols[c], *cell = rdata_get(t, r, (int)c);
			size_t l = strlen(name);
			char *end;
			double v;

			if (!*cell || l < 9 || strcmp(name + l - 9, "_per_page"))
				continue;
			v = strtod(cell, &end);
			if (*end || end == cell) {
				seterr(err, err_len, "%s:%u: column '%s': '%s' is not a number (fix or delete the row)",
				       t->path, t->lines[r], name, cell);
				return -EINVAL;
			}
			if (isnan(v) || isinf(v) || v < 0 || ((int)c == cns && v == 0)) {
				seterr(err, err_len, "%s:%u: column '%s': '%s' is impossible (%s; fix or delete the row)",
				       t->path, t->lines[r], name, cell,
				       (int)c == cns ? "a time per page must be a finite number > 0"
						     : "a count per page must be a finite number >= 0");
				return -EINVAL;
			}
		}
		n++;
	}
	/* two ok rows for one (case, backend, repetition): a merged or edited file */
	idx = malloc((n + 1) * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	n = 0;
	for (size_t r = 0; r < t->nr_rows; r++)
		if (!strcmp(rdata_get(t, r, cs), "ok"))
			idx[n++] = r;
	dup_table = t;
	qsort(idx, n, sizeof(*idx), cmp_dup);
	for (size_t i = 1; i < n && !ret; i++) {
		size_t a = idx[i - 1], b = idx[i];

		if (!strcmp(rdata_get(t, a, rdata_col(t, "case")), rdata_get(t, b, rdata_col(t, "case"))) &&
		    !strcmp(rdata_get(t, a, rdata_col(t, "backend")), rdata_get(t, b, rdata_col(t, "backend"))) &&
		    !strcmp(rdata_get(t, a, cr), rdata_get(t, b, cr))) {
			seterr(err, err_len, "%s:%u: case %s, backend %s, repetition %s again (first at line %u; "
			       "one row per repetition: was the file merged or edited?)", t->path,
			       t->lines[b > a ? b : a], rdata_get(t, b, rdata_col(t, "case")),
			       rdata_get(t, b, rdata_col(t, "backend")), rdata_get(t, b, cr), t->lines[b > a ? a : b]);
			ret = -EINVAL;
		}
	}
	free(idx);
	return ret;
}

int cmp_toolchain_differs(const struct cmp_meta *a, const struct cmp_meta *b, char *why, size_t why_len)
{
	static const struct { const char *name; size_t off; } f[] = {
		{ "compiler", offsetof(struct cmp_meta, compiler) },
		{ "libc", offsetof(struct cmp_meta, libc) },
		{ "valgrind", offsetof(struct cmp_meta, valgrind) },
	};
	size_t used = 0;
	int differs = 0;

	if (why_len)
		why[0] = '\0';
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *x = (const char *)a + f[i].off, *y = (const char *)b + f[i].off;

		if (!*x && !*y)
			continue;	/* not a field of this kind of results */
		if (!*x || !*y)
			return 0;	/* recorded on one side only: cannot say */
		if (!strcmp(x, y))
			continue;
		differs = 1;
		if (used < why_len)
			used += (size_t)snprintf(why + used, why_len - used, "%s%s %s (BASE) vs %s (NEW)",
						 used ? ", " : "", f[i].name, x, y);
	}
	return differs;
}
