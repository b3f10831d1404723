/*
 * compare.c - match two results tables case by case and decide, per
 * metric, whether NEW is better, worse, the same, or too noisy to tell.
 *
 * Decision for one case x metric (threshold T%, significance level alpha):
 *
 *   change = (median(new) - median(base)) / |median(base)| * 100
 *   |change| <= T                      -> same
 *   deterministic, |change| > T        -> better / worse (no test needed:
 *                                         every repetition gave one value)
 *   Mann-Whitney p < alpha, |change|>T -> better / worse
 *   otherwise                          -> noisy ("too noisy to tell")
 *
 * "worse" follows the metric's worse_if (higher for all built-in metrics;
 * "either" makes any significant change beyond T a failure).  The derived
 * metric ratio_convert_direct takes, per case and repetition index i, the
 * ratio ns_per_page(convert, i) / ns_per_page(direct, i) within one run, so
 * machine-wide drift between BASE and NEW cancels.
 *
 * Left out: tests across more than two runs, effect sizes other than the
 * median change, multiple-testing correction.
 */
#include "compare.h"
#include "report_stats.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

static int thresholds_ini_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct ini_ctx *ic = user;
	struct cmp_thresholds *t = ic->t;
	struct cmp_metric_conf *m = NULL;
	double v;

	if (*ic->why)
		return 0;	/* keep the first reason */
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
			 "unknown section [%s]: expected [compare] or a metric "
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

/* Fill the statistics and verdict of @row from the two samples. */
static int decide(struct cmp_row *row, const double *b, size_t nb,
		  const double *n, size_t nn, double alpha)
{
	const struct cmp_metric_conf *m = row->metric;
	struct rstats_mwu mwu;
	int significant, worse, ret;

	row->n_base = nb;
	row->n_new = nn;
	if (!nb || !nn) {
		row->verdict = CMP_NA;
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
	if (row->deterministic) {
		significant = row->base_median != row->new_median;
	} else {
		ret = rstats_mann_whitney(n, nn, b, nb, &mwu);
		if (ret)
			return ret;
		row->p = mwu.p;
		row->exact = mwu.exact;
		significant = mwu.p < alpha;
		row->untestable = min_p(nb, nn) >= alpha;
	}
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
	return 0;
}

/* A new row for key and metric m, with its verdict from the two samples. */
static int push_decided(struct cmp_result *r, const char *key, const struct cmp_metric_conf *m, size_t *cap,
			const double *vb, size_t nb, const double *vn, size_t nn, double alpha)
{
	int ret = push_row(r, key, m, cap);

	return ret ? ret : decide(&r->rows[r->nr_rows - 1], vb, nb, vn, nn, alpha);
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
		if (keyed_find(&kn, key, &nlo, &nhi)) {
			r->nr_only_base++;
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
			ret = push_decided(r, key, mc, &cap, vb, nb, vn, nn, th->alpha);
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
			ret = push_decided(r, key, mc, &cap, vb, nb, vn, nn, th->alpha);
			if (ret)
				goto out;
		}
	}
	for (size_t i = 0; i < r->nr_rows; i++) {
		r->nr_failures += r->rows[i].fails;
		r->nr_untestable += r->rows[i].untestable;
	}
	*out = r;
	r = NULL;
out:
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
	default:
		return "n/a";
	}
}
