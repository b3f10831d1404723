/*
 * report_model.c - results.csv and meta.json as cases, groups, pairs,
 * medians and ratios (report_model.h).
 *
 * Loading: rdata_load() tokenizes results.csv; the columns the report
 * needs are checked, meta.json is read (missing is fine, damaged is not),
 * then every ok row of a known backend is indexed by its case and parsed
 * once: npages and batch of a case's first row and every row's repetition
 * must be counts, and the measurement columns the report reads must be
 * numbers or empty ("FILE:LINE: ..." otherwise).  Cases are grouped by the
 * columns that describe them (not by parsing case names), groups sorted by
 * name and their cases by npages and batch, groups paired by source, and
 * the ratio of every declared comparison (comparisons.h) whose two
 * backends have rows computed for every case.
 */
#include "report_model.h"
#include "paired.h"
#include "report_stats.h"
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Messages quote cells and names from the files: one line (report_data.h). */
#define seterr rdata_errorf

/* ---- loading ------------------------------------------------------------- */

/* The measurements the report reads, parsed at load. */
static bool col_read(enum result_col c)
{
	return c == RCOL_NS_PER_PAGE || c == RCOL_NS_PER_PAGE_MEDIAN || c == RCOL_PRECISION_NS_PER_PAGE ||
	       c == RCOL_BYTES_ALLOC_PER_PAGE || c == RCOL_BYTES_PERSISTENT_PER_PAGE || c == RCOL_FAULTS_PER_PAGE ||
	       c == RCOL_WALKS_PER_CALL || (c >= RCOL_COUNTER(0) && c < RCOL_COUNTER(PC_NR)) ||
	       (c >= RCOL_STAGE(0) && c < RCOL_STAGE(PFN_STAGE_NR));
}

static int load_meta(struct rmodel *m, char *err, size_t err_len)
{
	char path[4200], where[512];
	int ret;

	snprintf(path, sizeof(path), "%s/meta.json", m->dir);
	if (access(path, F_OK))
		return 0;
	ret = meta_load(path, &m->meta, where, sizeof(where));
	if (ret) {
		seterr(err, err_len, "%s%s (the file is damaged or cut short: "
		       "rerun, or delete it to report without machine details)", path, where);
		return ret == -ENOMEM ? ret : -EINVAL;
	}
	return 0;
}

/* A count (a whole number >= 0) in column col of row. */
static int get_long(const struct rmodel *m, size_t row, enum result_col col, long *out, char *err, size_t err_len)
{
	const struct rdata *t = m->t;
	double d;
	int ret = rdata_double(t, row, m->col[col], &d, err, err_len);

	if (ret == -ENODATA) {
		seterr(err, err_len, "%s:%u: column '%s' is empty", t->path, t->lines[row], t->cols[m->col[col]]);
		return -EINVAL;
	}
	if (ret)
		return ret;
	/* 2^53: the largest count a double holds exactly, and far below LONG_MAX */
	if (d < 0 || d != floor(d) || d > 9007199254740992.0) {
		seterr(err, err_len, "%s:%u: column '%s': '%s' is not a count", t->path, t->lines[row],
		       t->cols[m->col[col]], rdata_get(t, row, m->col[col]));
		return -EINVAL;
	}
	*out = (long)d;
	return 0;
}

/* Parse the measurements of an indexed row into m->v. */
static int parse_row(struct rmodel *m, size_t row, char *err, size_t err_len)
{
	long rep;
	int ret = get_long(m, row, RCOL_REPETITION, &rep, err, err_len);

	if (ret)
		return ret;
	m->v[row * RCOL_NR + RCOL_REPETITION] = (double)rep;
	for (int c = 0; c < RCOL_NR; c++) {
		double d;

		if (!col_read((enum result_col)c) || m->col[c] < 0)
			continue;
		ret = rdata_double(m->t, row, m->col[c], &d, err, err_len);
		if (ret == -ENODATA)
			continue;
		if (ret)
			return ret;
		m->v[row * RCOL_NR + c] = d;
	}
	return 0;
}

static int push_idx(size_t **v, size_t *n, size_t x)
{
	size_t *p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return -ENOMEM;
	p[(*n)++] = x;
	*v = p;
	return 0;
}

static char *safe_name(const char *s)
{
	char *f = strdup(s);

	if (!f)
		return NULL;
	for (char *p = f; *p; p++) {
		if (*p == '/')
			*p = '-';
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			   *p == '.' || *p == '-' || *p == '_'))
			*p = '_';
	}
	return f;
}

/* The text of column col in row ("" when the column is missing). */
static const char *cell(const struct rmodel *m, size_t row, enum result_col col)
{
	return rdata_get(m->t, row, m->col[col]);
}

/* "WORKLOAD[/VARIANT]" of row, with its source or without (for the pair). */
static void group_name(const struct rmodel *m, size_t row, bool with_source, char *buf, size_t len)
{
	char variant[1024];
	const char *threads = cell(m, row, RCOL_THREADS);

	if (results_case_variant(variant, sizeof(variant), cell(m, row, RCOL_CACHE),
				 cell(m, row, RCOL_PLACEMENT_REQ), with_source ? cell(m, row, RCOL_SOURCE) : NULL,
				 *threads ? strtoul(threads, NULL, 10) : 1))
		variant[0] = '\0';
	snprintf(buf, len, "%s%s%s", cell(m, row, RCOL_WORKLOAD), *variant ? "/" : "", variant);
}

/* The group of row's case, made when new.  0 or -ENOMEM. */
static int find_group(struct rmodel *m, size_t row, size_t *out)
{
	char name[1100], pair[1100];
	struct rgroup *g;

	group_name(m, row, true, name, sizeof(name));
	for (size_t i = 0; i < m->nr_groups; i++) {
		if (!strcmp(m->groups[i].name, name)) {
			*out = i;
			return 0;
		}
	}
	g = realloc(m->groups, (m->nr_groups + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	m->groups = g;
	g = &m->groups[m->nr_groups];
	memset(g, 0, sizeof(*g));
	group_name(m, row, false, pair, sizeof(pair));
	g->name = strdup(name);
	g->file = safe_name(name);
	g->pair_name = strdup(pair);
	g->workload = cell(m, row, RCOL_WORKLOAD);
	g->source = strcmp(cell(m, row, RCOL_SOURCE), config_source_words[CONFIG_SOURCE_KERNEL])
			    ? CONFIG_SOURCE_EMULATED
			    : CONFIG_SOURCE_KERNEL;
	*out = m->nr_groups++;   /* counted before checking: rmodel_free() frees it */
	return g->name && g->file && g->pair_name ? 0 : -ENOMEM;
}

/* The case named by row, made (with its group) when new. */
static int find_case(struct rmodel *m, size_t row, struct rcase **out, char *err, size_t err_len)
{
	const char *cname = cell(m, row, RCOL_CASE);
	struct rcase *rc, *p;
	size_t g;
	int ret;

	for (size_t i = 0; i < m->nr_cases; i++) {
		if (!strcmp(m->cases[i].name, cname)) {
			*out = &m->cases[i];
			return 0;
		}
	}
	p = realloc(m->cases, (m->nr_cases + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	m->cases = p;
	rc = &m->cases[m->nr_cases];
	memset(rc, 0, sizeof(*rc));
	rc->name = cname;
	ret = get_long(m, row, RCOL_NPAGES, &rc->npages, err, err_len);
	if (!ret)
		ret = get_long(m, row, RCOL_BATCH, &rc->batch, err, err_len);
	if (!ret)
		ret = find_group(m, row, &g);
	if (ret)
		return ret;
	rc->group = g;
	ret = push_idx(&m->groups[g].cases, &m->groups[g].nr_cases, m->nr_cases);
	if (ret)
		return ret;
	m->nr_cases++;
	*out = rc;
	return 0;
}

static int cmp_case(const void *a, const void *b, void *ctx)
{
	const struct rmodel *m = ctx;
	const struct rcase *x = &m->cases[*(const size_t *)a];
	const struct rcase *y = &m->cases[*(const size_t *)b];

	if (x->npages != y->npages)
		return x->npages < y->npages ? -1 : 1;
	if (x->batch != y->batch)
		return x->batch < y->batch ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct rgroup *)a)->name, ((const struct rgroup *)b)->name);
}

/* Index and parse the ok rows of known backends; sort cases and groups. */
static int build_index(struct rmodel *m, char *err, size_t err_len)
{
	struct rdata *t = m->t;
	int ret;

	for (size_t r = 0; r < t->nr_rows; r++) {
		const char *backend = cell(m, r, RCOL_BACKEND);
		struct rcase *rc;
		int b;

		if (strcmp(cell(m, r, RCOL_STATUS), RESULT_STATUS_OK)) {
			m->nr_skipped++;
			continue;
		}
		b = pfn_backend_index(backend);
		if (b < 0 || b >= RM_MAX_BACKENDS) {
			m->nr_unknown_backend++;
			continue;
		}
		m->has[b] = true;
		ret = find_case(m, r, &rc, err, err_len);
		if (!ret)
			ret = push_idx(&rc->rows[b], &rc->nr[b], r);
		if (!ret)
			ret = parse_row(m, r, err, err_len);
		if (ret)
			return ret;
	}
	if (!m->nr_cases) {
		seterr(err, err_len, "%s: no rows with status ok and a known backend", t->path);
		return -EINVAL;
	}
	for (size_t g = 0; g < m->nr_groups; g++)
		qsort_r(m->groups[g].cases, m->groups[g].nr_cases, sizeof(size_t), cmp_case, m);
	/* groups by name, not by the (interleaved) order of the rows */
	qsort(m->groups, m->nr_groups, sizeof(*m->groups), cmp_group);
	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t i = 0; i < m->groups[g].nr_cases; i++)
			m->cases[m->groups[g].cases[i]].group = g;
	return 0;
}

/* Pair every group with the group of the same workload and settings on the other source. */
static int build_pairs(struct rmodel *m)
{
	for (size_t gi = 0; gi < m->nr_groups; gi++) {
		const struct rgroup *g = &m->groups[gi];
		size_t k;

		for (k = 0; k < m->nr_pairs; k++)
			if (!strcmp(m->pairs[k].name, g->pair_name))
				break;
		if (k == m->nr_pairs) {
			struct rpair *p = realloc(m->pairs, (k + 1) * sizeof(*p));

			if (!p)
				return -ENOMEM;
			m->pairs = p;
			p[k].name = strdup(g->pair_name);
			p[k].file = safe_name(g->pair_name);
			for (int s = 0; s < CONFIG_NR_SOURCES; s++)
				p[k].grp[s] = -1;
			m->nr_pairs++;
			if (!p[k].name || !p[k].file)
				return -ENOMEM;
		}
		if (m->pairs[k].grp[g->source] < 0)
			m->pairs[k].grp[g->source] = (long)gi;
	}
	return 0;
}

/* Conversion vs direct (slots bc, bd) for one case; pairs repetitions with equal index. */
static int case_ratio(const struct rmodel *m, const struct rcase *rc, int bc, int bd, struct rratio *out)
{
	size_t nc = rc->nr[bc], nd = rc->nr[bd], n1, n2, np = 0;
	double *vc, *vd, *pc, *pd;
	long *rcv, *rdv;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!nc || !nd)
		return 0;
	vc = malloc(nc * sizeof(double));
	vd = malloc(nd * sizeof(double));
	pc = malloc(nc * sizeof(double));
	pd = malloc(nc * sizeof(double));
	rcv = malloc(nc * sizeof(long));
	rdv = malloc(nd * sizeof(long));
	ret = -ENOMEM;
	if (!vc || !vd || !pc || !pd || !rcv || !rdv)
		goto out;
	ret = 0;
	n1 = rmodel_samples(m, rc, bc, m->tcol, vc, rcv);
	n2 = rmodel_samples(m, rc, bd, m->tcol, vd, rdv);
	if (!n1 || !n2)
		goto out;
	ret = rstats_median(vc, n1, &out->conv);
	if (!ret)
		ret = rstats_median(vd, n2, &out->direct);
	if (ret)
		goto out;
	out->ok = out->direct > 0;
	out->ratio = out->ok ? out->conv / out->direct : NAN;
	out->diff = out->conv - out->direct;
	out->dlo = out->dhi = out->half = out->lo = out->hi = NAN;
	for (size_t i = 0; i < n1; i++) {
		for (size_t j = 0; j < n2; j++) {
			if (rcv[i] == rdv[j]) {
				pc[np] = vc[i];
				pd[np++] = vd[j];
				break;
			}
		}
	}
	out->pairs = np;
	if (np) {
		struct paired_cmp c;

		ret = paired_compare(pc, pd, np, &c);
		if (ret == -EINVAL) {
			ret = 0;	/* a value that is not finite: the medians only */
			goto out;
		}
		if (ret)
			goto out;
		out->diff = c.diff.est;
		if (!isnan(c.ratio))
			out->ratio = c.ratio;
		if (!isnan(c.diff.half) && !isnan(c.rlo)) {
			out->has_ci = 1;
			out->dlo = c.diff.lo;
			out->dhi = c.diff.hi;
			out->half = c.diff.half;
			out->lo = c.rlo;
			out->hi = c.rhi;
			out->sig = out->lo > 1.0 || out->hi < 1.0;
		}
	}
out:
	free(vc);
	free(vd);
	free(pc);
	free(pd);
	free(rcv);
	free(rdv);
	return ret;
}

/* The declared comparisons whose two backends have rows; the others' slots. */
static void build_comps(struct rmodel *m)
{
	struct pfn_comparison all[PFN_MAX_COMPARISONS];
	size_t n = pfn_comparisons(all);

	m->nr_be = 0;
	while (m->nr_be < RM_MAX_BACKENDS && pfn_backends[m->nr_be])
		m->nr_be++;
	m->conv = m->direct = m->null_b = -1;
	for (int b = 0; b < m->nr_be; b++)
		if (m->has[b] && pfn_backends[b]->era == PFN_ERA_NONE && m->null_b < 0)
			m->null_b = b;
	for (size_t k = 0; k < n; k++) {
		int bc = pfn_backend_index(all[k].conv->name), bd = pfn_backend_index(all[k].direct->name);

		if (bc < 0 || bd < 0 || bc >= RM_MAX_BACKENDS || bd >= RM_MAX_BACKENDS || !m->has[bc] || !m->has[bd])
			continue;
		m->comps[m->nr_comps] = all[k];
		m->comp_b[m->nr_comps][0] = bc;
		m->comp_b[m->nr_comps][1] = bd;
		m->nr_comps++;
	}
	if (m->nr_comps) {
		m->conv = m->comp_b[0][0];
		m->direct = m->comp_b[0][1];
	}
}

/* The time the comparisons pair, and meta.json's precision target. */
static void build_metric(struct rmodel *m)
{
	json_t *p = m->meta ? json_object_get(json_object_get(m->meta, "config"), "precision") : NULL;

	m->tcol = rmodel_column_any(m, RCOL_NS_PER_PAGE_MEDIAN) ? RCOL_NS_PER_PAGE_MEDIAN : RCOL_NS_PER_PAGE;
	m->target = json_is_number(p) && json_number_value(p) > 0 ? json_number_value(p) : NAN;
}

static int build_ratios(struct rmodel *m)
{
	build_metric(m);
	build_comps(m);
	for (size_t g = 0; g < m->nr_groups; g++) {
		struct rgroup *gr = &m->groups[g];
		size_t nk = m->nr_comps ? m->nr_comps : 1;

		gr->ratios = calloc(nk, sizeof(*gr->ratios));
		if (!gr->ratios)
			return -ENOMEM;
		for (size_t k = 0; k < nk; k++) {
			gr->ratios[k] = calloc(gr->nr_cases ? gr->nr_cases : 1, sizeof(**gr->ratios));
			if (!gr->ratios[k])
				return -ENOMEM;
			for (size_t i = 0; k < m->nr_comps && i < gr->nr_cases; i++) {
				int ret = case_ratio(m, &m->cases[gr->cases[i]], m->comp_b[k][0], m->comp_b[k][1],
						     &gr->ratios[k][i]);

				if (ret)
					return ret;
			}
		}
		gr->ratio = gr->ratios[0];
	}
	return 0;
}

int rmodel_load(const char *arg, struct rmodel **out, char *err, size_t err_len)
{
	/* the columns the report cannot do without; the others may be missing */
	static const enum result_col need_cols[] = {
		RCOL_CASE, RCOL_NAME, RCOL_BACKEND, RCOL_WORKLOAD, RCOL_NPAGES, RCOL_BATCH, RCOL_STATUS,
		RCOL_REPETITION, RCOL_NS_PER_PAGE,
	};
	const char *need[sizeof(need_cols) / sizeof(need_cols[0]) + 1];
	char csv[4200];
	struct rmodel *m = calloc(1, sizeof(*m));
	int ret;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(need_cols) / sizeof(need_cols[0]); i++)
		need[i] = result_columns[need_cols[i]].name;
	need[sizeof(need_cols) / sizeof(need_cols[0])] = NULL;
	ret = rdata_paths(arg, m->dir, sizeof(m->dir), csv, sizeof(csv));
	if (ret) {
		seterr(err, err_len, "%s: %s (give a results directory or its results.csv)", arg, strerror(-ret));
		goto fail;
	}
	ret = rdata_load(csv, &m->t, err, err_len);
	if (!ret)
		ret = rdata_require(m->t, need, err, err_len);
	if (ret)
		goto fail;
	for (int c = 0; c < RCOL_NR; c++)
		m->col[c] = rdata_col(m->t, result_columns[c].name);
	m->v = malloc((m->t->nr_rows ? m->t->nr_rows : 1) * RCOL_NR * sizeof(*m->v));
	ret = -ENOMEM;
	if (!m->v)
		goto fail;
	for (size_t i = 0; i < m->t->nr_rows * RCOL_NR; i++)
		m->v[i] = NAN;
	ret = load_meta(m, err, err_len);
	if (!ret)
		ret = build_index(m, err, err_len);
	if (!ret)
		ret = build_ratios(m);
	if (!ret)
		ret = build_pairs(m);
	if (ret)
		goto fail;
	*out = m;
	return 0;
fail:
	rmodel_free(m);
	return ret;
}

void rmodel_free(struct rmodel *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr_cases; i++)
		for (int b = 0; b < RM_MAX_BACKENDS; b++)
			free(m->cases[i].rows[b]);
	free(m->cases);
	for (size_t g = 0; g < m->nr_groups; g++) {
		free(m->groups[g].name);
		free(m->groups[g].file);
		free(m->groups[g].pair_name);
		free(m->groups[g].cases);
		for (size_t k = 0; m->groups[g].ratios && k < (m->nr_comps ? m->nr_comps : 1); k++)
			free(m->groups[g].ratios[k]);
		free(m->groups[g].ratios);
	}
	free(m->groups);
	for (size_t i = 0; i < m->nr_pairs; i++) {
		free(m->pairs[i].name);
		free(m->pairs[i].file);
	}
	free(m->pairs);
	free(m->v);
	json_decref(m->meta);
	rdata_free(m->t);
	free(m);
}

/* ---- queries -------------------------------------------------------------- */

const char *rmodel_backend_name(const struct rmodel *m, int b)
{
	return b >= 0 && b < m->nr_be ? pfn_backends[b]->name : "?";
}

double rmodel_value(const struct rmodel *m, size_t row, enum result_col col)
{
	return row < m->t->nr_rows && (unsigned)col < RCOL_NR ? m->v[row * RCOL_NR + col] : NAN;
}

size_t rmodel_samples(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double *v,
		      long *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rc->nr[b]; i++) {
		size_t r = rc->rows[b][i];
		double d = rmodel_value(m, r, col);

		if (isnan(d))
			continue;
		if (rep)
			rep[n] = (long)rmodel_value(m, r, RCOL_REPETITION);
		v[n++] = d;
	}
	return n;
}

/* The values of col for b of rc in a new array (free it): 0, -ENODATA, -ENOMEM. */
static int samples_alloc(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double **v,
			 size_t *n)
{
	*v = NULL;
	if (!rc->nr[b])
		return -ENODATA;
	*v = malloc(rc->nr[b] * sizeof(**v));
	if (!*v)
		return -ENOMEM;
	*n = rmodel_samples(m, rc, b, col, *v, NULL);
	if (*n)
		return 0;
	free(*v);
	*v = NULL;
	return -ENODATA;
}

int rmodel_median(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double *out)
{
	double *v;
	size_t n;
	int ret = samples_alloc(m, rc, b, col, &v, &n);

	if (!ret)
		ret = rstats_median(v, n, out);
	free(v);
	return ret;
}

int rmodel_minmax(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double *mn,
		  double *mx)
{
	double *v;
	size_t n;
	int ret = samples_alloc(m, rc, b, col, &v, &n);

	if (!ret)
		ret = rstats_minmax(v, n, mn, mx);
	free(v);
	return ret;
}

int rmodel_stage_medians(const struct rmodel *m, const struct rcase *rc, int b, double v[PFN_STAGE_NR],
			 double *sum)
{
	int have = 0;

	*sum = 0;
	for (int k = 0; k < PFN_STAGE_NR; k++) {
		int ret = rmodel_median(m, rc, b, RCOL_STAGE(k), &v[k]);

		if (ret == -ENODATA) {
			v[k] = NAN;
			continue;
		}
		if (ret)
			return ret;
		have = 1;
		*sum += v[k];
	}
	return have && *sum > 0 ? 0 : -ENODATA;
}

bool rmodel_group_has(const struct rmodel *m, const struct rgroup *g, enum result_col col)
{
	if (m->col[col] < 0)
		return false;
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];

		for (int b = 0; b < RM_MAX_BACKENDS; b++)
			for (size_t k = 0; k < rc->nr[b]; k++)
				if (*rdata_get(m->t, rc->rows[b][k], m->col[col]))
					return true;
	}
	return false;
}

bool rmodel_any_has(const struct rmodel *m, enum result_col col)
{
	for (size_t g = 0; g < m->nr_groups; g++)
		if (rmodel_group_has(m, &m->groups[g], col))
			return true;
	return false;
}

bool rmodel_column_any(const struct rmodel *m, enum result_col col)
{
	int k = m->col[col];

	for (size_t i = 0; k >= 0 && i < m->t->nr_rows; i++)
		if (m->t->cells[i][k][0])
			return true;
	return false;
}

const struct rcase *rmodel_group_case(const struct rmodel *m, long gi, long npages, long batch)
{
	const struct rgroup *g;

	if (gi < 0)
		return NULL;
	g = &m->groups[gi];
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &m->cases[g->cases[i]];

		if (rc->npages == npages && rc->batch == batch)
			return rc;
	}
	return NULL;
}

const struct rpair *rmodel_pair(const struct rmodel *m, const char *name)
{
	for (size_t i = 0; i < m->nr_pairs; i++)
		if (!strcmp(m->pairs[i].name, name))
			return &m->pairs[i];
	return NULL;
}

long rmodel_driver_case(const struct rmodel *m, long gi, long batch)
{
	const struct rcase *best = NULL;
	long at = -1;

	if (gi < 0)
		return -1;
	for (size_t i = 0; i < m->groups[gi].nr_cases; i++) {
		const struct rcase *rc = &m->cases[m->groups[gi].cases[i]];

		if (batch < 0 ? rc->batch != rc->npages : rc->batch != batch)
			continue;
		if (!best || (best->npages != batch && (rc->npages == batch || rc->npages > best->npages))) {
			best = rc;
			at = (long)i;
		}
	}
	return at;
}

const struct rcase *rmodel_conv_case(const struct rmodel *m, long gi, long batch)
{
	long at = rmodel_driver_case(m, gi, batch);

	return at < 0 ? NULL : &m->cases[m->groups[gi].cases[at]];
}

int rmodel_conv_share(const struct rmodel *m, int b, long gi, long batch, double *share, long *npages)
{
	const struct rcase *best;
	double v[PFN_STAGE_NR], sum, conv = 0;
	long at = rmodel_driver_case(m, gi, batch);
	int ret, any = 0;

	if (at < 0 || b < 0)
		return -ENODATA;
	best = &m->cases[m->groups[gi].cases[at]];
	ret = rmodel_stage_medians(m, best, b, v, &sum);
	if (ret)
		return ret;
	for (int k = 0; k < PFN_STAGE_NR; k++)
		if (pfn_stage_info[k].conversion && !isnan(v[k])) {
			conv += v[k];
			any = 1;
		}
	if (!any)
		return -ENODATA;
	*share = conv / sum * 100;
	*npages = best->npages;
	return 0;
}

size_t rmodel_reps(const struct rcase *rc)
{
	size_t n = 0;

	for (int b = 0; b < RM_MAX_BACKENDS; b++)
		if (rc->nr[b] > n)
			n = rc->nr[b];
	return n;
}

const char *rmodel_meta_str(const struct rmodel *m, const char *obj, const char *key)
{
	json_t *o = m->meta, *v;

	if (!o)
		return NULL;
	if (obj && !(o = json_object_get(o, obj)))
		return NULL;
	v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

long rmodel_meta_int(const struct rmodel *m, const char *obj, const char *key, long dflt)
{
	json_t *o = m->meta, *v;

	if (!o || (obj && !(o = json_object_get(o, obj))))
		return dflt;
	v = json_object_get(o, key);
	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}
