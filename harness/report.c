/*
 * report.c - report.txt and figures from a results directory.
 *
 * Flow: load results.csv (report_data.c) and meta.json (jansson); index the
 * ok rows by case and backend and group the cases of one workload (plus
 * variant) into one table sorted by npages; print everything into a memory
 * stream; fold any line still longer than 80 columns; write report.txt.tmp
 * and rename it.  Figures: each one is a .dat file in plotdata/ plus one
 * gnuplot run of a script in plots/ (posix_spawn, arguments passed as argv,
 * values quoted for gnuplot's single-quoted strings), drawn to NAME.tmp.png
 * / .svg and renamed when gnuplot exits 0.
 *
 * Statistics (stated again in the report's footer): every number in a table
 * is a median over the repetitions of one case; ratio = median(convert) /
 * median(direct); its 95% interval is a t-interval on log(convert_i /
 * direct_i) with repetitions paired by their index (report_stats.c); a
 * case is marked significant when the interval excludes 1.0.
 *
 * Groups are listed by name.  A workload run on both page-table sources
 * is two groups ("mirror", "mirror/kernel") that the breakdown, the
 * headline and the stage figures put side by side (struct rpair).  Stage
 * shares are of the sum of the stage medians.  The memory floor is
 * costmodel.c's bytes per page over meta.json's copy bandwidth for the
 * case's npages; measured / floor below FLOOR_NEAR reads as limited by
 * memory, above it by instructions.
 *
 * Left out: rows whose status is not "ok" (counted, listed in meta.json),
 * backends other than the four known ones, any threshold logic (that is
 * compare.c's).
 */
#include "report.h"
#include "costmodel.h"
#include "report_data.h"
#include "report_stats.h"
#include "vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PFNBENCH_SOURCE_DIR
#define PFNBENCH_SOURCE_DIR "."
#endif

extern char **environ;

#define WIDTH 80		/* hard limit for report.txt */
#define PARA 78			/* paragraphs wrap here */

/*
 * snprintf through a va_list: the same result, but without gcc's
 * -Wformat-truncation guesses about path lengths (truncation is checked
 * where it matters, by the return value).
 */
__attribute__((format(printf, 3, 4)))
static int fmt_to(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

enum { B_CONVERT, B_DIRECT, B_FIXUP, B_NULL, NR_BACKENDS };
static const char *const backend_names[NR_BACKENDS] = {
	"convert", "direct", "direct-fixup", "null",
};

#define NR_STAGES PFN_STAGE_NR

/* One case (the same for every backend) and its rows per backend. */
struct rcase {
	const char *name;	/* the case column, points into the table */
	long npages, batch;
	size_t group;		/* index into ctx.groups */
	size_t *rows[NR_BACKENDS];	/* ok rows of each backend */
	size_t nr[NR_BACKENDS];
};

/* The convert-vs-direct numbers of one case. */
struct rratio {
	int ok;			/* both medians known */
	int has_ci;		/* >= 2 pairs */
	int sig;		/* CI excludes 1.0 */
	size_t pairs;
	double conv, direct, ratio, lo, hi;
};

/* The cases of one workload (+ variant), sorted by npages and batch. */
struct rgroup {
	char *name;		/* "mirror" or "mirror/VARIANT" */
	char *file;		/* name made safe for file names */
	size_t *cases;
	size_t nr_cases;
	struct rratio *ratio;	/* per case of the group */
};

/* Page-table sources, in the order the breakdown shows them. */
enum { SRC_EMULATED, SRC_KERNEL, NR_SOURCES };
static const char *const source_names[NR_SOURCES] = { "emulated", "kernel" };

/* One workload (+ variant) with its group on each page-table source. */
struct rpair {
	char *name;		/* group name without "/kernel" */
	char *file;		/* name made safe for file names */
	long grp[NR_SOURCES];	/* index into ctx.groups, -1 when absent */
};

struct ctx {
	const struct report_opts *o;
	struct report_summary *s;
	char *err;
	size_t err_len;
	struct rdata *t;
	json_t *meta;		/* NULL when meta.json is missing */
	int col_case, col_backend, col_workload, col_npages, col_batch,
	    col_status, col_rep, col_ns;
	struct rcase *cases;
	size_t nr_cases;
	struct rgroup *groups;
	size_t nr_groups;
	struct rpair *pairs;	/* groups side by side by source */
	size_t nr_pairs;
	size_t nr_skipped, nr_unknown_backend;
	char datadir[4160];
	char plots[4096];
	char machine[200];	/* for figure subtitles */
	char dumb[4400];	/* path of the text plot, "" if none */
	FILE *out;		/* the report being composed */
	char figs[64][80];	/* names of the figures drawn */
	size_t nr_figs;
};

static void seterr(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->err || !c->err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, c->err_len, fmt, ap);
	va_end(ap);
	rdata_oneline(c->err);	/* cells and names come from the files */
}

static void note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->s->nr_notes >= REPORT_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(c->s->notes[c->s->nr_notes++], sizeof(c->s->notes[0]), fmt,
		  ap);
	va_end(ap);
}

/* ---- meta.json ---------------------------------------------------- */

static const char *mstr(struct ctx *c, const char *obj, const char *key)
{
	json_t *o = c->meta, *v;

	if (!o)
		return NULL;
	if (obj && !(o = json_object_get(o, obj)))
		return NULL;
	v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long mint(struct ctx *c, const char *obj, const char *key, long dflt)
{
	json_t *o = c->meta, *v;

	if (!o || (obj && !(o = json_object_get(o, obj))))
		return dflt;
	v = json_object_get(o, key);
	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

static int load_meta(struct ctx *c)
{
	char path[4200];
	json_error_t je;

	fmt_to(path, sizeof(path), "%s/meta.json", c->o->dir);
	if (access(path, F_OK)) {
		note(c, "meta.json missing: machine and build unknown");
		return 0;
	}
	c->meta = json_load_file(path, 0, &je);
	if (!c->meta) {
		seterr(c, "%s:%d: %s (the file is damaged or cut short: "
		       "rerun, or delete it to report without machine details)",
		       path, je.line, je.text);
		return -EINVAL;
	}
	if (!json_is_object(c->meta)) {
		seterr(c, "%s:1: expected a JSON object (not a pfnbench "
		       "meta.json: delete it or rerun)", path);
		return -EINVAL;
	}
	return 0;
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "unknown";
}

/* ---- index -------------------------------------------------------- */

static int push_idx(size_t **v, size_t *n, size_t x)
{
	size_t *p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return -ENOMEM;
	p[(*n)++] = x;
	*v = p;
	return 0;
}

static int get_long(struct ctx *c, size_t row, int col, long *out)
{
	double d;
	int ret = rdata_double(c->t, row, col, &d, c->err, c->err_len);

	if (ret == -ENODATA) {
		seterr(c, "%s:%u: column '%s' is empty", c->t->path,
		       c->t->lines[row], c->t->cols[col]);
		return -EINVAL;
	}
	if (ret)
		return ret;
	if (d < 0 || d != floor(d)) {
		seterr(c, "%s:%u: column '%s': '%s' is not a count",
		       c->t->path, c->t->lines[row], c->t->cols[col],
		       rdata_get(c->t, row, col));
		return -EINVAL;
	}
	*out = (long)d;
	return 0;
}

/* "mirror/npages:16/batch:16/cold" -> "cold" ("" without variant) */
static const char *case_variant(const char *name)
{
	const char *p = name;

	for (int slashes = 0; *p; p++) {
		if (*p == '/' && ++slashes == 3)
			return p + 1;
	}
	return "";
}

static char *safe_name(const char *s)
{
	char *f = strdup(s);

	if (!f)
		return NULL;
	for (char *p = f; *p; p++) {
		if (*p == '/')
			*p = '-';
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
			   *p == '_'))
			*p = '_';
	}
	return f;
}

static int find_group(struct ctx *c, const char *workload, const char *variant,
		      size_t *out)
{
	char name[512];
	struct rgroup *g;

	fmt_to(name, sizeof(name), "%s%s%s", workload, *variant ? "/" : "",
		 variant);
	for (size_t i = 0; i < c->nr_groups; i++) {
		if (!strcmp(c->groups[i].name, name)) {
			*out = i;
			return 0;
		}
	}
	g = realloc(c->groups, (c->nr_groups + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	c->groups = g;
	g = &c->groups[c->nr_groups];
	memset(g, 0, sizeof(*g));
	g->name = strdup(name);
	g->file = safe_name(name);
	if (!g->name || !g->file) {
		free(g->name);
		free(g->file);
		return -ENOMEM;
	}
	*out = c->nr_groups++;
	return 0;
}

static struct ctx *sort_ctx;	/* qsort has no context argument in C11 */

static int cmp_case(const void *a, const void *b)
{
	const struct rcase *x = &sort_ctx->cases[*(const size_t *)a];
	const struct rcase *y = &sort_ctx->cases[*(const size_t *)b];

	if (x->npages != y->npages)
		return x->npages < y->npages ? -1 : 1;
	if (x->batch != y->batch)
		return x->batch < y->batch ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct rgroup *)a)->name,
		      ((const struct rgroup *)b)->name);
}

static int build_index(struct ctx *c)
{
	struct rdata *t = c->t;
	int ret;

	for (size_t r = 0; r < t->nr_rows; r++) {
		const char *status = rdata_get(t, r, c->col_status);
		const char *backend = rdata_get(t, r, c->col_backend);
		const char *cname = rdata_get(t, r, c->col_case);
		struct rcase *rc = NULL;
		int b;

		if (strcmp(status, "ok")) {
			c->nr_skipped++;
			continue;
		}
		for (b = 0; b < NR_BACKENDS; b++)
			if (!strcmp(backend, backend_names[b]))
				break;
		if (b == NR_BACKENDS) {
			c->nr_unknown_backend++;
			continue;
		}
		for (size_t i = 0; i < c->nr_cases; i++) {
			if (!strcmp(c->cases[i].name, cname)) {
				rc = &c->cases[i];
				break;
			}
		}
		if (!rc) {
			struct rcase *p = realloc(c->cases, (c->nr_cases + 1) *
							    sizeof(*p));
			size_t g;

			if (!p)
				return -ENOMEM;
			c->cases = p;
			rc = &c->cases[c->nr_cases];
			memset(rc, 0, sizeof(*rc));
			rc->name = cname;
			ret = get_long(c, r, c->col_npages, &rc->npages);
			if (!ret)
				ret = get_long(c, r, c->col_batch, &rc->batch);
			if (!ret)
				ret = find_group(c, rdata_get(t, r, c->col_workload),
						 case_variant(cname), &g);
			if (ret)
				return ret;
			rc->group = g;
			ret = push_idx(&c->groups[g].cases, &c->groups[g].nr_cases,
				       c->nr_cases);
			if (ret)
				return ret;
			c->nr_cases++;
		}
		ret = push_idx(&rc->rows[b], &rc->nr[b], r);
		if (ret)
			return ret;
	}
	if (!c->nr_cases) {
		seterr(c, "%s: no rows with status ok and a known backend",
		       t->path);
		return -EINVAL;
	}
	sort_ctx = c;
	for (size_t g = 0; g < c->nr_groups; g++)
		qsort(c->groups[g].cases, c->groups[g].nr_cases,
		      sizeof(size_t), cmp_case);
	/* groups by name, not by the (interleaved) order of the rows */
	qsort(c->groups, c->nr_groups, sizeof(*c->groups), cmp_group);
	for (size_t g = 0; g < c->nr_groups; g++)
		for (size_t i = 0; i < c->groups[g].nr_cases; i++)
			c->cases[c->groups[g].cases[i]].group = g;
	return 0;
}

/*
 * Values of column @col for backend @b of @rc, empty fields skipped; @v and
 * @rep need rc->nr[b] slots.  Returns 0 or -EINVAL (non-numeric field).
 */
static int samples(struct ctx *c, const struct rcase *rc, int b, int col,
		   double *v, long *rep, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < rc->nr[b]; i++) {
		size_t r = rc->rows[b][i];
		double d;
		int ret = rdata_double(c->t, r, col, &d, c->err, c->err_len);

		if (ret == -ENODATA)
			continue;
		if (ret)
			return ret;
		if (rep) {
			ret = get_long(c, r, c->col_rep, &rep[*n]);
			if (ret)
				return ret;
		}
		v[(*n)++] = d;
	}
	return 0;
}

/*
 * The measured samples of column @col for backend @b in a new array (free
 * it): 0, -ENODATA (none), -EINVAL, -ENOMEM.
 */
static int samples_alloc(struct ctx *c, const struct rcase *rc, int b, int col, double **v, size_t *n)
{
	int ret;

	*v = NULL;
	if (col < 0 || !rc->nr[b])
		return -ENODATA;
	*v = malloc(rc->nr[b] * sizeof(**v));
	if (!*v)
		return -ENOMEM;
	ret = samples(c, rc, b, col, *v, NULL, n);
	if (!ret && !*n)
		ret = -ENODATA;
	if (ret) {
		free(*v);
		*v = NULL;
	}
	return ret;
}

/* Median of column @col for backend @b: 0, -ENODATA, -EINVAL, -ENOMEM. */
static int median_of(struct ctx *c, const struct rcase *rc, int b, int col,
		     double *out)
{
	double *v;
	size_t n;
	int ret = samples_alloc(c, rc, b, col, &v, &n);

	if (!ret)
		ret = rstats_median(v, n, out);
	free(v);
	return ret;
}

/* Smallest and largest sample: 0, -ENODATA, -EINVAL, -ENOMEM. */
static int minmax_of(struct ctx *c, const struct rcase *rc, int b, int col,
		     double *mn, double *mx)
{
	double *v;
	size_t n;
	int ret = samples_alloc(c, rc, b, col, &v, &n);

	if (!ret)
		ret = rstats_minmax(v, n, mn, mx);
	free(v);
	return ret;
}

/* Convert vs direct for one case; pairs repetitions with equal index. */
static int case_ratio(struct ctx *c, const struct rcase *rc, struct rratio *out)
{
	size_t nc = rc->nr[B_CONVERT], nd = rc->nr[B_DIRECT], n1, n2, np = 0;
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
	ret = samples(c, rc, B_CONVERT, c->col_ns, vc, rcv, &n1);
	if (!ret)
		ret = samples(c, rc, B_DIRECT, c->col_ns, vd, rdv, &n2);
	if (ret || !n1 || !n2)
		goto out;
	ret = rstats_median(vc, n1, &out->conv);
	if (!ret)
		ret = rstats_median(vd, n2, &out->direct);
	if (ret)
		goto out;
	out->ok = out->direct > 0;
	out->ratio = out->ok ? out->conv / out->direct : NAN;
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
	if (np >= 2 && !rstats_ratio_ci(pc, pd, np, &(double){ 0 }, &out->lo,
					&out->hi)) {
		out->has_ci = 1;
		out->sig = out->lo > 1.0 || out->hi < 1.0;
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

/* Column has at least one value among the ok rows of group @g. */
static int group_has(struct ctx *c, const struct rgroup *g, int col)
{
	if (col < 0)
		return 0;
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];

		for (int b = 0; b < NR_BACKENDS; b++)
			for (size_t k = 0; k < rc->nr[b]; k++)
				if (*rdata_get(c->t, rc->rows[b][k], col))
					return 1;
	}
	return 0;
}

static int any_has(struct ctx *c, int col)
{
	for (size_t g = 0; g < c->nr_groups; g++)
		if (group_has(c, &c->groups[g], col))
			return 1;
	return 0;
}

/* ---- text helpers ------------------------------------------------- */

/* Print @text as a paragraph wrapped at PARA columns, @indent on every line
 * after the first (the first line's prefix is already printed, @used long). */
static void wrap(FILE *f, const char *text, size_t used, const char *indent)
{
	const char *p = text;
	size_t col = used;
	int fresh = 1;		/* no word on this line yet */

	for (;;) {
		size_t len;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (!fresh && col + 1 + len > PARA) {
			fprintf(f, "\n%s", indent);
			col = strlen(indent);
			fresh = 1;
		}
		if (!fresh) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)len, p);
		col += len;
		fresh = 0;
		p += len;
	}
	fputc('\n', f);
}

/* A value in a fixed-width column, "-" when unknown. */
static void cell(FILE *f, int width, const char *fmt, int known, double v)
{
	char buf[64];

	if (!known) {
		fprintf(f, "%*s", width, "-");
		return;
	}
	fmt_to(buf, sizeof(buf), fmt, v);
	fprintf(f, "%*s", width, buf);
}

/* A number with about 5 significant digits in at most 11 characters. */
static void num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (a == 0)
		fmt_to(buf, len, "0");
	else if (a >= 1e6 || a < 1e-3)
		fmt_to(buf, len, "%.3e", v);
	else if (a >= 1000)
		fmt_to(buf, len, "%.1f", v);
	else if (a >= 1)
		fmt_to(buf, len, "%.3f", v);
	else
		fmt_to(buf, len, "%.5f", v);
}

/*
 * Copy @in to @f so that no line exceeds WIDTH columns: a longer line is
 * broken at its last space before the limit (or hard, if none) and
 * continued with a 4-space indent.
 */
static int fold_lines(const char *in, size_t len, FILE *f)
{
	size_t i = 0;

	while (i < len) {
		size_t e = i, start = i;
		int first = 1;

		while (e < len && in[e] != '\n')
			e++;
		/* trailing blanks and form feeds never help */
		size_t end = e;

		while (end > start && (in[end - 1] == ' ' || in[end - 1] == '\f'))
			end--;
		while (start < end && in[start] == '\f')
			start++;
		while (end - start > (size_t)(first ? WIDTH : WIDTH - 4)) {
			size_t lim = first ? WIDTH : WIDTH - 4, cut = lim;

			while (cut > 1 && in[start + cut] != ' ')
				cut--;
			if (cut <= 1)
				cut = lim;
			fprintf(f, "%s%.*s\n", first ? "" : "    ", (int)cut,
				in + start);
			start += cut;
			while (start < end && in[start] == ' ')
				start++;
			first = 0;
		}
		fprintf(f, "%s%.*s\n", first ? "" : "    ", (int)(end - start),
			in + start);
		i = e + 1;
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- gnuplot ------------------------------------------------------ */

/* Append "key='value'; " to @buf, doubling quotes (gnuplot's escape in
 * single-quoted strings).  Returns 0 or -ENAMETOOLONG. */
static int gp_set(char *buf, size_t len, const char *key, const char *val)
{
	size_t n = strlen(buf);

	n += (size_t)fmt_to(buf + n, len > n ? len - n : 0, "%s='", key);
	for (const char *p = val; *p && n + 3 < len; p++) {
		if (*p == '\'')
			buf[n++] = '\'';
		if (*p == '\n')
			continue;
		buf[n++] = *p;
	}
	if (n + 4 >= len)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	strcat(buf, "'; ");
	return 0;
}

/* Run gnuplot -e @expr plots/@script; output to plotdata/gnuplot.log.
 * Returns 0, -ENOENT (gnuplot or script missing), -EIO (gnuplot failed). */
static int run_gnuplot(struct ctx *c, const char *script, const char *expr)
{
	const char *prog = c->o->gnuplot ? c->o->gnuplot : "gnuplot";
	char spath[4200], log[4200];
	char *argv[5];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int ret, status;
	FILE *lf;

	fmt_to(spath, sizeof(spath), "%s/%s", c->plots, script);
	fmt_to(log, sizeof(log), "%s/gnuplot.log", c->datadir);
	if (access(spath, R_OK))
		return -ENOENT;
	lf = fopen(log, "a");
	if (lf) {
		fprintf(lf, "== %s -e \"%s\" %s\n", prog, expr, spath);
		fclose(lf);
	}
	argv[0] = (char *)prog;
	argv[1] = (char *)"-e";
	argv[2] = (char *)expr;
	argv[3] = spath;
	argv[4] = NULL;
	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log,
					 O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	ret = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status))
		return -EIO;
	if (WEXITSTATUS(status) == 127)
		return -ENOENT;	/* exec failed in the child */
	return WEXITSTATUS(status) ? -EIO : 0;
}

/* Draw figure @name (files @name.png/.svg in the results dir) from
 * plotdata/@name.dat with @script; @extra is more gnuplot -e text. */
static int figure(struct ctx *c, const char *script, const char *name,
		  const char *subtitle, const char *extra)
{
	char expr[8192] = "", path[4200], tmp[4200], dst[4200];
	int ret;

	fmt_to(path, sizeof(path), "%s/%s.dat", c->datadir, name);
	fmt_to(tmp, sizeof(tmp), "%s/%s.tmp", c->o->dir, name);
	ret = gp_set(expr, sizeof(expr), "datafile", path);
	if (!ret)
		ret = gp_set(expr, sizeof(expr), "outbase", tmp);
	if (!ret)
		ret = gp_set(expr, sizeof(expr), "subtitle", subtitle);
	if (ret)
		return ret;
	if (extra)
		strncat(expr, extra, sizeof(expr) - strlen(expr) - 1);
	ret = run_gnuplot(c, script, expr);
	if (ret) {
		note(c, "%s: gnuplot %s (%s); see plotdata/gnuplot.log", name,
		     ret == -ENOENT ? "or script not found" : "failed", script);
		return ret;
	}
	for (int k = 0; k < 2; k++) {
		const char *ext = k ? "svg" : "png";

		fmt_to(tmp, sizeof(tmp), "%s/%s.tmp.%s", c->o->dir, name, ext);
		fmt_to(dst, sizeof(dst), "%s/%s.%s", c->o->dir, name, ext);
		if (rename(tmp, dst)) {
			note(c, "%s.%s: not written by %s", name, ext, script);
			return -EIO;
		}
	}
	c->s->nr_figures++;
	if (c->nr_figs < sizeof(c->figs) / sizeof(c->figs[0]))
		fmt_to(c->figs[c->nr_figs++], sizeof(c->figs[0]), "%s", name);
	return 0;
}

static FILE *dat_open(struct ctx *c, const char *name)
{
	char path[4200];

	fmt_to(path, sizeof(path), "%s/%s.dat", c->datadir, name);
	return fopen(path, "w");
}

static int dat_close(FILE *f)
{
	int bad = ferror(f);

	return fclose(f) || bad ? -EIO : 0;
}

static void subtitle_for(struct ctx *c, char *buf, size_t len, const char *what)
{
	fmt_to(buf, len, "%s | %s", what, c->machine);
}

/* Figure 1: ns/page per backend, one per group. */
static int fig_ns(struct ctx *c, struct rgroup *g)
{
	char name[300], sub[400];
	FILE *f;
	int ret = 0;

	fmt_to(name, sizeof(name), "ns_per_page-%s", g->file);
	f = dat_open(c, name);
	if (!f)
		return -errno;
	for (int b = 0, blocks = 0; b < NR_BACKENDS && !ret; b++) {
		int started = 0;

		for (size_t i = 0; i < g->nr_cases && !ret; i++) {
			const struct rcase *rc = &c->cases[g->cases[i]];
			double med, mn, mx;

			ret = median_of(c, rc, b, c->col_ns, &med);
			if (!ret)
				ret = minmax_of(c, rc, b, c->col_ns, &mn, &mx);
			if (ret == -ENODATA) {
				ret = 0;
				continue;
			}
			if (ret || med <= 0)
				continue;
			if (!started)
				fprintf(f, "%s%s median min max\n",
					blocks++ ? "\n\n" : "", backend_names[b]);
			started = 1;
			fprintf(f, "%ld %.6g %.6g %.6g\n", rc->npages, med, mn, mx);
		}
	}
	if (dat_close(f) && !ret)
		ret = -EIO;
	if (ret)
		return ret;
	subtitle_for(c, sub, sizeof(sub), g->name);
	figure(c, "ns_per_page.gp", name, sub, NULL);
	return 0;
}

/* Figure 2 and the text plot: ratio with CI, one block per group. */
static int fig_ratio(struct ctx *c)
{
	char path[4200], expr[8192] = "", tmp[4200];
	FILE *f = dat_open(c, "ratio");
	int blocks = 0;

	if (!f)
		return -errno;
	for (size_t gi = 0; gi < c->nr_groups; gi++) {
		struct rgroup *g = &c->groups[gi];
		int started = 0;

		for (size_t i = 0; i < g->nr_cases; i++) {
			struct rratio *r = &g->ratio[i];

			if (!r->ok)
				continue;
			if (!started)
				fprintf(f, "%s%s ratio lo hi\n",
					blocks++ ? "\n\n" : "", g->name);
			started = 1;
			fprintf(f, "%ld %.6g %.6g %.6g\n",
				c->cases[g->cases[i]].npages, r->ratio,
				r->has_ci ? r->lo : r->ratio,
				r->has_ci ? r->hi : r->ratio);
		}
	}
	if (dat_close(f))
		return -EIO;
	if (!blocks) {
		note(c, "no case has both convert and direct: no ratio figure");
		return 0;
	}
	figure(c, "ratio.gp", "ratio", c->machine, NULL);

	/* the text plot for the report itself */
	fmt_to(path, sizeof(path), "%s/ratio.dat", c->datadir);
	fmt_to(tmp, sizeof(tmp), "%s/ratio-dumb", c->datadir);
	if (gp_set(expr, sizeof(expr), "datafile", path) ||
	    gp_set(expr, sizeof(expr), "outbase", tmp))
		return 0;
	strcat(expr, "dumb=1");
	if (!run_gnuplot(c, "ratio.gp", expr))
		fmt_to(c->dumb, sizeof(c->dumb), "%s.txt", tmp);
	return 0;
}

/* Figure 3: instructions, LLC misses, page faults per page (measured only). */
static int fig_counters(struct ctx *c, struct rgroup *g, char *which,
			size_t which_len)
{
	int cols[PC_NR];
	char name[300], sub[400], extra[300];
	size_t nr = 0;
	FILE *f;
	int ret = 0;

	which[0] = '\0';
	for (size_t k = 0; k < PC_NR; k++) {
		int col = rdata_col(c->t, pfn_counter_info[k].column);

		if (pfn_counter_info[k].figure && group_has(c, g, col)) {
			cols[nr++] = col;
			fmt_to(which + strlen(which), which_len - strlen(which),
				 "%s%s", *which ? " " : "", pfn_counter_info[k].column);
		}
	}
	if (!nr)
		return 0;
	fmt_to(name, sizeof(name), "counters-%s", g->file);
	f = dat_open(c, name);
	if (!f)
		return -errno;
	for (int b = 0, blocks = 0; b < NR_BACKENDS && !ret; b++) {
		int started = 0;

		for (size_t i = 0; i < g->nr_cases && !ret; i++) {
			const struct rcase *rc = &c->cases[g->cases[i]];
			double v[PC_NR];
			int any = 0;

			for (size_t k = 0; k < nr && !ret; k++) {
				ret = median_of(c, rc, b, cols[k], &v[k]);
				if (ret == -ENODATA) {
					v[k] = NAN;
					ret = 0;
				} else if (!ret) {
					any = 1;
				}
			}
			if (ret || !any)
				continue;
			if (!started) {
				fprintf(f, "%s%s %s\n", blocks++ ? "\n\n" : "",
					backend_names[b], which);
			}
			started = 1;
			fprintf(f, "%ld", rc->npages);
			for (size_t k = 0; k < nr; k++) {
				if (isnan(v[k]))
					fprintf(f, " NaN");
				else
					fprintf(f, " %.6g", v[k]);
			}
			fputc('\n', f);
		}
	}
	if (dat_close(f) && !ret)
		ret = -EIO;
	if (ret)
		return ret;
	subtitle_for(c, sub, sizeof(sub), g->name);
	fmt_to(extra, sizeof(extra), "counters='%s'", which);
	figure(c, "counters.gp", name, sub, extra);
	return 0;
}

/* Figure 5: bytes per page by backend at the group's largest npages. */
static int fig_memory(struct ctx *c, struct rgroup *g)
{
	int ca = rdata_col(c->t, "bytes_alloc_per_page");
	int cp = rdata_col(c->t, "bytes_persistent_per_page");
	char name[300], sub[400], what[300];
	const struct rcase *rc;
	FILE *f;
	int ret = 0;

	if (!g->nr_cases || (!group_has(c, g, ca) && !group_has(c, g, cp))) {
		note(c, "%s: no bytes_*_per_page values: no memory figure",
		     g->name);
		return 0;
	}
	rc = &c->cases[g->cases[g->nr_cases - 1]];
	fmt_to(name, sizeof(name), "memory-%s", g->file);
	f = dat_open(c, name);
	if (!f)
		return -errno;
	fprintf(f, "backend alloc persistent\n");
	for (int b = 0; b < NR_BACKENDS; b++) {
		double a, p;
		int ra = median_of(c, rc, b, ca, &a);
		int rp = median_of(c, rc, b, cp, &p);

		if ((ra && ra != -ENODATA) || (rp && rp != -ENODATA)) {
			ret = ra && ra != -ENODATA ? ra : rp;
			break;
		}
		if (ra && rp)
			continue;
		fprintf(f, "%s %.6g %.6g\n", backend_names[b], ra ? NAN : a,
			rp ? NAN : p);
	}
	if (dat_close(f) && !ret)
		ret = -EIO;
	if (ret)
		return ret;
	fmt_to(what, sizeof(what), "%s, npages %ld, batch %ld", g->name,
		 rc->npages, rc->batch);
	subtitle_for(c, sub, sizeof(sub), what);
	figure(c, "memory.gp", name, sub, NULL);
	return 0;
}

/*
 * "pt=0,memmap=0,hmm=0,drv=0,cpu=0": 1 if any structure is on a node other
 * than cpu's, 0 if all local, -1 if unknown.
 */
static int placement_remote(const char *s)
{
	long cpu = -1, nodes[16];
	size_t n = 0;
	const char *p = s;

	if (!*s || !strcmp(s, "?"))
		return -1;
	while (*p) {
		const char *eq = strchr(p, '='), *comma;
		char *end;
		long v;

		if (!eq)
			return -1;
		v = strtol(eq + 1, &end, 10);
		if (end == eq + 1)
			return -1;
		if (eq - p == 3 && !strncmp(p, "cpu", 3))
			cpu = v;
		else if (n < 16)
			nodes[n++] = v;
		comma = strchr(eq, ',');
		if (!comma)
			break;
		p = comma + 1;
	}
	if (cpu < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (nodes[i] != cpu)
			return 1;
	return 0;
}

/* Figure 4: local vs remote per backend at the largest npages run remote.
 * Returns 0 (a reason in @why when no figure) or -errno. */
static int fig_placement(struct ctx *c, char *why, size_t why_len)
{
	int col = rdata_col(c->t, "placement_actual");
	long nodes = mint(c, "machine", "numa_nodes", -1);
	long np = -1;
	double *loc, *rem;
	size_t nl, nr;
	FILE *f;
	int ret = 0;
	char sub[400], what[64];

	if (nodes == 1) {
		fmt_to(why, why_len, "single node: no placement figure");
		return 0;
	}
	if (col < 0) {
		fmt_to(why, why_len, "no placement_actual column: no placement figure");
		return 0;
	}
	for (size_t i = 0; i < c->nr_cases; i++)
		for (int b = 0; b < NR_BACKENDS; b++)
			for (size_t k = 0; k < c->cases[i].nr[b]; k++)
				if (placement_remote(rdata_get(c->t,
						c->cases[i].rows[b][k], col)) == 1 &&
				    c->cases[i].npages > np)
					np = c->cases[i].npages;
	if (np < 0) {
		fmt_to(why, why_len,
			 "%ld nodes but no case ran with remote memory: no placement figure",
			 nodes);
		return 0;
	}
	loc = malloc(c->t->nr_rows * sizeof(double));
	rem = malloc(c->t->nr_rows * sizeof(double));
	f = dat_open(c, "placement");
	if (!loc || !rem || !f) {
		ret = f ? -ENOMEM : -errno;
		goto out;
	}
	fprintf(f, "backend local remote\n");
	for (int b = 0; b < NR_BACKENDS; b++) {
		double ml = NAN, mr = NAN;

		nl = nr = 0;
		for (size_t i = 0; i < c->nr_cases; i++) {
			const struct rcase *rc = &c->cases[i];

			if (rc->npages != np)
				continue;
			for (size_t k = 0; k < rc->nr[b]; k++) {
				size_t r = rc->rows[b][k];
				int where = placement_remote(rdata_get(c->t, r, col));
				double v;

				if (where < 0 || rdata_double(c->t, r, c->col_ns, &v,
							      NULL, 0))
					continue;
				if (where)
					rem[nr++] = v;
				else
					loc[nl++] = v;
			}
		}
		if (!nl && !nr)
			continue;
		if (nl)
			rstats_median(loc, nl, &ml);
		if (nr)
			rstats_median(rem, nr, &mr);
		fprintf(f, "%s %.6g %.6g\n", backend_names[b], ml, mr);
	}
out:
	if (f && dat_close(f) && !ret)
		ret = -EIO;
	free(loc);
	free(rem);
	if (ret)
		return ret;
	fmt_to(what, sizeof(what), "npages %ld", np);
	subtitle_for(c, sub, sizeof(sub), what);
	if (figure(c, "placement.gp", "placement", sub, NULL))
		fmt_to(why, why_len, "placement figure failed (see notes)");
	return 0;
}

/* ---- report sections ---------------------------------------------- */

/* skipped cases listed one by one in the header */
#define REPORT_MAX_SKIPPED 40

/* Print a case name at column 4, broken after '/' or ',' to fit PARA. */
static void print_case(FILE *f, const char *name)
{
	size_t col = 4;

	fprintf(f, "    ");
	while (*name) {
		size_t len = strcspn(name, "/,");

		if (name[len])
			len++;		/* keep the separator on this line */
		if (col > 6 && col + len > PARA) {
			fprintf(f, "\n      ");
			col = 6;
		}
		for (size_t i = 0; i < len; i++)
			fputc((unsigned char)name[i] < 0x20 ? '?' : name[i], f);
		col += len;
		name += len;
	}
	fputc('\n', f);
}

static int cmp_skipped(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *rx = json_string_value(json_object_get(x, "reason"));
	const char *ry = json_string_value(json_object_get(y, "reason"));
	const char *cx = json_string_value(json_object_get(x, "case"));
	const char *cy = json_string_value(json_object_get(y, "case"));
	int d = strcmp(rx ? rx : "", ry ? ry : "");

	return d ? d : strcmp(cx ? cx : "", cy ? cy : "");
}

/*
 * meta.json's "skipped" (missing hardware, memory, permissions), grouped by
 * reason, every case named, at most REPORT_MAX_SKIPPED of them.
 */
static void skipped_section(FILE *f, json_t *skipped)
{
	size_t n = json_array_size(skipped), shown = 0;
	json_t **v = calloc(n, sizeof(*v));
	const char *last = NULL;
	char line[1024];

	fprintf(f, "Skipped:   %zu case(s), by reason (meta.json \"skipped\"):\n", n);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(skipped, i);
	qsort(v, n, sizeof(*v), cmp_skipped);
	for (size_t i = 0; i < n && shown < REPORT_MAX_SKIPPED; i++) {
		const char *reason = json_string_value(json_object_get(v[i], "reason"));
		const char *name = json_string_value(json_object_get(v[i], "case"));

		reason = or_unknown(reason);
		if (!last || strcmp(last, reason)) {
			fmt_to(line, sizeof(line), "%s:", reason);
			rdata_oneline(line);
			fprintf(f, "  ");
			wrap(f, line, 2, "    ");
			last = reason;
		}
		print_case(f, or_unknown(name));
		shown++;
	}
	if (n > shown)
		fprintf(f, "  ... and %zu more in meta.json\n", n - shown);
	free(v);
}

static void header(struct ctx *c)
{
	FILE *f = c->out;
	const char *s;
	json_t *counters = c->meta ? json_object_get(c->meta, "counters") : NULL;
	json_t *skipped = c->meta ? json_object_get(c->meta, "skipped") : NULL;
	json_t *complete = c->meta ? json_object_get(c->meta, "complete") : NULL;
	char line[1024];

	fprintf(f, "pfnbench report: HMM pfn handoff, convert vs direct\n");
	fprintf(f, "====================================================\n\n");
	if (!c->meta)
		fprintf(f, "meta.json: missing; machine, build and counters unknown\n");
	{
		long cpus = mint(c, "machine", "nr_cpus", -1);
		long nodes = mint(c, "machine", "numa_nodes", -1);
		char nc[32] = "?", nn[32] = "?";

		if (cpus > 0)
			fmt_to(nc, sizeof(nc), "%ld", cpus);
		if (nodes > 0)
			fmt_to(nn, sizeof(nn), "%ld", nodes);
		fmt_to(line, sizeof(line), "%s, %s CPUs, %s NUMA node%s, host %s",
		       or_unknown(mstr(c, "machine", "cpu_model")), nc, nn,
		       nodes == 1 ? "" : "s",
		       or_unknown(mstr(c, "machine", "hostname")));
	}
	fprintf(f, "Machine:   ");
	wrap(f, line, 11, "           ");
	fprintf(f, "Kernel:    ");
	wrap(f, or_unknown(mstr(c, "machine", "kernel")), 11, "           ");
	/* randomize_va_space is the system's; the sweep itself may run without */
	if (c->meta && json_is_true(json_object_get(json_object_get(c->meta, "machine"),
						    "aslr_process_disabled")))
		fmt_to(line, sizeof(line), "ASLR off");
	else
		fmt_to(line, sizeof(line), "ASLR %ld", mint(c, "machine", "aslr", -1));
	fprintf(f, "THP:       enabled=%s defrag=%s; clocksource %s; %s\n",
		or_unknown(mstr(c, "machine", "thp_enabled")),
		or_unknown(mstr(c, "machine", "thp_defrag")),
		or_unknown(mstr(c, "machine", "clocksource")), line);
	s = mstr(c, "build", "flags");
	fmt_to(line, sizeof(line), "%s, %s%s%s%s",
		 or_unknown(mstr(c, "build", "compiler")),
		 or_unknown(mstr(c, "build", "build_type")),
		 s && *s ? ", flags " : "", s && *s ? s : "",
		 c->meta && json_is_true(json_object_get(json_object_get(c->meta,
				"build"), "sanitize")) ? ", sanitizers ON" : "");
	fprintf(f, "Compiler:  ");
	wrap(f, line, 11, "           ");
	s = mstr(c, "pfnbench", "git_commit");
	fprintf(f, "Commit:    %s%s\n", or_unknown(s),
		c->meta && json_is_true(json_object_get(json_object_get(c->meta,
				"pfnbench"), "git_dirty")) ? " (dirty tree)" : "");
	if (c->meta && json_is_object(json_object_get(c->meta, "timing"))) {
		json_t *tv;
		const char *tk;

		line[0] = '\0';
		json_object_foreach(json_object_get(c->meta, "timing"), tk, tv) {
			if (json_is_string(tv))
				fmt_to(line + strlen(line),
				       sizeof(line) - strlen(line), "%s%s",
				       *line ? "; " : "", json_string_value(tv));
			else if (json_is_integer(tv))
				fmt_to(line + strlen(line),
				       sizeof(line) - strlen(line), "%s%s %lld",
				       *line ? "; " : "", tk,
				       (long long)json_integer_value(tv));
		}
		if (*line) {
			fprintf(f, "Timing:    ");
			wrap(f, line, 11, "           ");
		}
	}
	fprintf(f, "Run:       %s .. %s", or_unknown(mstr(c, NULL, "started_utc")),
		or_unknown(mstr(c, NULL, "finished_utc")));
	if (json_is_false(complete))
		fprintf(f, ", INCOMPLETE (stopped at %s)",
			or_unknown(mstr(c, NULL, "stopped_at")));
	fprintf(f, "\n");

	/* counters: what meta.json says, checked against the CSV */
	if (json_is_object(counters)) {
		char real[512] = "";
		const char *key;
		json_t *v;

		json_object_foreach(counters, key, v) {
			if (!json_is_object(v) ||
			    !json_is_true(json_object_get(v, "available")))
				continue;
			char cname[128];
			int col;

			if (!json_is_object(v))
				continue;	/* e.g. "kernel_mode_counted": true */
			/* the column is KEY_per_page; the table knows aliases */
			fmt_to(cname, sizeof(cname), "%s_per_page", key);
			col = rdata_col(c->t, cname);
			if (col < 0 && pfn_counter_find(key, true) >= 0)
				col = rdata_col(c->t, pfn_counter_info[pfn_counter_find(key, true)].column);
			/* meta.json says measured: check results.csv agrees */
			fmt_to(real + strlen(real), sizeof(real) - strlen(real),
				 "%s%s%s", *real ? ", " : "", key,
				 col >= 0 && !any_has(c, col) ?
				 " (but no values in results.csv)" : "");
		}
		fprintf(f, "Counters:  real: ");
		wrap(f, *real ? real : "none", 17, "           ");
		/* unavailable ones, grouped by reason */
		const char *k1;
		json_t *v1;
		size_t i1 = 0;

		json_object_foreach(counters, k1, v1) {
			const char *reason;
			char names[512] = "";
			const char *k2;
			json_t *v2;
			size_t i2 = 0, first = 1;

			i1++;
			if (!json_is_object(v1) ||
			    json_is_true(json_object_get(v1, "available")))
				continue;
			reason = json_string_value(json_object_get(v1, "reason"));
			if (!reason)
				reason = "no reason given";
			/* print each reason once, at its first counter */
			json_object_foreach(counters, k2, v2) {
				const char *r2;

				i2++;
				if (!json_is_object(v2) ||
				    json_is_true(json_object_get(v2, "available")))
					continue;
				r2 = json_string_value(json_object_get(v2, "reason"));
				if (strcmp(r2 ? r2 : "no reason given", reason))
					continue;
				if (i2 < i1) {
					first = 0;
					break;
				}
				fmt_to(names + strlen(names),
					 sizeof(names) - strlen(names), "%s%s",
					 *names ? ", " : "", k2);
			}
			if (!first)
				continue;
			fmt_to(line, sizeof(line), "unavailable: %s: %s", names,
				 reason);
			fprintf(f, "           ");
			wrap(f, line, 11, "             ");
		}
	} else {
		fprintf(f, "Counters:  unknown (no counters in meta.json)\n");
	}
	if (json_is_array(skipped) && json_array_size(skipped))
		skipped_section(f, skipped);
	if (c->nr_skipped || c->nr_unknown_backend)
		fprintf(f, "Rows left out: %zu not ok, %zu unknown backend\n",
			c->nr_skipped, c->nr_unknown_backend);

	/* the command, broken with shell continuations so it still pastes */
	s = mstr(c, NULL, "command");
	fprintf(f, "\nReproduce:\n");
	if (!s) {
		fprintf(f, "  (no command in meta.json)\n");
	} else {
		const char *p = s;
		size_t col = 2;

		fprintf(f, "  $ ");
		col = 4;
		while (*p) {
			size_t len = strcspn(p, " ");

			if (col > 6 && col + len + 2 > PARA) {
				fprintf(f, " \\\n      ");
				col = 6;
			}
			fprintf(f, "%.*s", (int)len, p);
			col += len;
			p += len;
			while (*p == ' ')
				p++;
			if (*p) {
				fputc(' ', f);
				col++;
			}
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

static size_t reps_of(const struct rcase *rc)
{
	size_t n = 0;

	for (int b = 0; b < NR_BACKENDS; b++)
		if (rc->nr[b] > n)
			n = rc->nr[b];
	return n;
}

static int group_tables(struct ctx *c, struct rgroup *g)
{
	FILE *f = c->out;
	size_t reps = 0;
	int ret;

	for (size_t i = 0; i < g->nr_cases; i++)
		if (reps_of(&c->cases[g->cases[i]]) > reps)
			reps = reps_of(&c->cases[g->cases[i]]);
	fprintf(f, "== %s ==\n", g->name);
	fprintf(f, "ns per page, median of up to %zu repetitions; * = 95%% CI "
		"of the ratio\nexcludes 1.0\n\n", reps);
	fprintf(f, "  npages   batch   convert    direct     diff  diff %%  "
		"ratio  95%% CI ratio\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];
		const struct rratio *r = &g->ratio[i];
		double v;

		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		ret = median_of(c, rc, B_CONVERT, c->col_ns, &v);
		if (ret && ret != -ENODATA)
			return ret;
		cell(f, 10, "%.2f", !ret, v);
		ret = median_of(c, rc, B_DIRECT, c->col_ns, &v);
		if (ret && ret != -ENODATA)
			return ret;
		cell(f, 10, "%.2f", !ret, v);
		cell(f, 9, "%+.2f", r->ok, r->conv - r->direct);
		cell(f, 8, "%+.1f%%", r->ok,
		     (r->conv - r->direct) / r->direct * 100.0);
		cell(f, 7, "%.3f", r->ok, r->ratio);
		if (r->has_ci)
			fprintf(f, " [%5.3f,%5.3f]%s", r->lo, r->hi,
				r->sig ? " *" : "");
		else
			fprintf(f, "   (no pairs)");
		fprintf(f, "\n");
	}

	fprintf(f, "\nOther backends: direct-fixup vs direct, null = harness "
		"alone\n\n");
	fprintf(f, "  npages   batch    direct  d-fixup  fixup-direct      null"
		"  null/direct\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];
		double d, x, n;
		int rd, rx, rn;

		rd = median_of(c, rc, B_DIRECT, c->col_ns, &d);
		rx = median_of(c, rc, B_FIXUP, c->col_ns, &x);
		rn = median_of(c, rc, B_NULL, c->col_ns, &n);
		if ((rd && rd != -ENODATA) || (rx && rx != -ENODATA) ||
		    (rn && rn != -ENODATA))
			return rd && rd != -ENODATA ? rd :
			       rx && rx != -ENODATA ? rx : rn;
		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		cell(f, 10, "%.2f", !rd, d);
		cell(f, 9, "%.2f", !rx, x);
		cell(f, 14, "%+.1f%%", !rd && !rx && d > 0, (x - d) / d * 100);
		cell(f, 10, "%.2f", !rn, n);
		cell(f, 13, "%.1f%%", !rd && !rn && d > 0, n / d * 100);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	return 0;
}

/* A per-backend table of medians of @col for the group. */
static int backend_table(struct ctx *c, struct rgroup *g, int col,
			 const char *title)
{
	FILE *f = c->out;

	fprintf(f, "%s\n\n  npages   batch", title);
	for (int b = 0; b < NR_BACKENDS; b++)
		fprintf(f, "%14s", backend_names[b]);
	fprintf(f, "\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];

		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		for (int b = 0; b < NR_BACKENDS; b++) {
			char buf[32];
			double v;
			int ret = median_of(c, rc, b, col, &v);

			if (ret && ret != -ENODATA)
				return ret;
			if (ret)
				fmt_to(buf, sizeof(buf), "-");
			else
				num(buf, sizeof(buf), v);
			fprintf(f, "%14s", buf);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	return 0;
}

static int group_counters(struct ctx *c, struct rgroup *g)
{
	int any = 0, ret;

	for (size_t k = 0; k < PC_NR; k++) {
		int col = rdata_col(c->t, pfn_counter_info[k].column);
		char title[128];

		if (!group_has(c, g, col))
			continue;
		if (!any)
			fprintf(c->out, "Counters per page, medians (measured "
				"counters only)\n\n");
		any = 1;
		fmt_to(title, sizeof(title), "  %s per page (%s)",
			 pfn_counter_info[k].label, pfn_counter_info[k].column);
		ret = backend_table(c, g, col, title);
		if (ret)
			return ret;
	}
	if (!any)
		fprintf(c->out, "Counters: none measured for %s\n\n", g->name);
	return 0;
}

static int group_memory(struct ctx *c, struct rgroup *g)
{
	int ca = rdata_col(c->t, "bytes_alloc_per_page");
	int cp = rdata_col(c->t, "bytes_persistent_per_page");
	FILE *f = c->out;

	if (!group_has(c, g, ca) && !group_has(c, g, cp))
		return 0;
	fprintf(f, "Memory per page, bytes: allocated per call / held for the "
		"run\n\n  npages   batch");
	for (int b = 0; b < NR_BACKENDS; b++)
		fprintf(f, "%14s", backend_names[b]);
	fprintf(f, "\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];

		fprintf(f, "%8ld%8ld", rc->npages, rc->batch);
		for (int b = 0; b < NR_BACKENDS; b++) {
			char a[24] = "-", p[24] = "-", both[56];
			double v;
			int ret = median_of(c, rc, b, ca, &v);

			if (ret && ret != -ENODATA)
				return ret;
			if (!ret)
				fmt_to(a, sizeof(a), "%.4g", v);
			ret = median_of(c, rc, b, cp, &v);
			if (ret && ret != -ENODATA)
				return ret;
			if (!ret)
				fmt_to(p, sizeof(p), "%.4g", v);
			fmt_to(both, sizeof(both), "%s / %s", a, p);
			fprintf(f, "%14s", both);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	return 0;
}

static int group_stages(struct ctx *c, struct rgroup *g)
{
	FILE *f = c->out;
	int any = 0;

	for (int k = 0; k < NR_STAGES; k++)
		any |= group_has(c, g, rdata_col(c->t, pfn_stage_info[k].column));
	if (!any)
		return 0;
	fprintf(f, "Stage shares: %% of the sum of the stage medians (sum = "
		"stage ns/page)\n\n");
	fprintf(f, " npages backend     ");
	for (int k = 0; k < NR_STAGES; k++)
		fprintf(f, "%8s", pfn_stage_info[k].name);
	fprintf(f, "  stage ns    all ns\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];

		for (int b = 0; b < NR_BACKENDS; b++) {
			double v[NR_STAGES], sum = 0, all;
			int have = 0, ret;

			for (int k = 0; k < NR_STAGES; k++) {
				ret = median_of(c, rc, b,
						rdata_col(c->t, pfn_stage_info[k].column), &v[k]);
				if (ret && ret != -ENODATA)
					return ret;
				if (ret) {
					v[k] = NAN;
					continue;
				}
				have = 1;
				sum += v[k];
			}
			if (!have)
				continue;
			fprintf(f, "%7ld %-12s", rc->npages, backend_names[b]);
			for (int k = 0; k < NR_STAGES; k++)
				cell(f, 8, "%.1f%%", !isnan(v[k]) && sum > 0,
				     v[k] / sum * 100);
			cell(f, 10, "%.2f", 1, sum);
			ret = median_of(c, rc, b, c->col_ns, &all);
			if (ret && ret != -ENODATA)
				return ret;
			cell(f, 10, "%.2f", !ret, all);
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n");
	return 0;
}

/* ---- the whole path by source, the headline, the memory floor ------- */

/*
 * Issue 5's sections.  A workload run on both page-table sources is two
 * groups ("mirror" and "mirror/kernel": the sweep marks kernel-source cases
 * with a /kernel variant); a pair puts them side by side.  The source of a
 * group is its rows' source column (the /kernel suffix when the column is
 * missing).  Shares are of the sum of the stage medians, not of ns_per_page
 * (the stage clocks add a few reads per call, backend.h).
 */

/* measured / floor below this: the curve is limited by memory traffic */
#define FLOOR_NEAR 2.0

static int group_source(struct ctx *c, const struct rgroup *g)
{
	int col = rdata_col(c->t, "source");
	size_t len = strlen(g->name);

	for (size_t i = 0; col >= 0 && i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];

		for (int b = 0; b < NR_BACKENDS; b++) {
			const char *s = rc->nr[b] ?
				rdata_get(c->t, rc->rows[b][0], col) : "";

			if (*s)
				return strcmp(s, "kernel") ? SRC_EMULATED :
							     SRC_KERNEL;
		}
	}
	return len >= 7 && !strcmp(g->name + len - 7, "/kernel") ?
	       SRC_KERNEL : SRC_EMULATED;
}

static int build_pairs(struct ctx *c)
{
	for (size_t gi = 0; gi < c->nr_groups; gi++) {
		const struct rgroup *g = &c->groups[gi];
		int src = group_source(c, g);
		char base[512];
		size_t len, k;

		fmt_to(base, sizeof(base), "%s", g->name);
		len = strlen(base);
		if (src == SRC_KERNEL && len >= 7 &&
		    !strcmp(base + len - 7, "/kernel"))
			base[len - 7] = '\0';
		for (k = 0; k < c->nr_pairs; k++)
			if (!strcmp(c->pairs[k].name, base))
				break;
		if (k == c->nr_pairs) {
			struct rpair *p = realloc(c->pairs, (k + 1) * sizeof(*p));

			if (!p)
				return -ENOMEM;
			c->pairs = p;
			p[k].name = strdup(base);
			p[k].file = safe_name(base);
			p[k].grp[SRC_EMULATED] = p[k].grp[SRC_KERNEL] = -1;
			c->nr_pairs++;
			if (!p[k].name || !p[k].file)
				return -ENOMEM;
		}
		if (c->pairs[k].grp[src] < 0)
			c->pairs[k].grp[src] = (long)gi;
	}
	return 0;
}

/*
 * Medians of the stage columns of backend @b: 0 with @v (NAN for a stage
 * without values) and *@sum, -ENODATA when no stage has a value, -EINVAL.
 */
static int stage_medians(struct ctx *c, const struct rcase *rc, int b,
			 double v[NR_STAGES], double *sum)
{
	int have = 0;

	*sum = 0;
	for (int k = 0; k < NR_STAGES; k++) {
		int ret = median_of(c, rc, b, rdata_col(c->t, pfn_stage_info[k].column),
				    &v[k]);

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

/* The case of group @gi with @npages and @batch, or NULL. */
static const struct rcase *group_case(struct ctx *c, long gi, long npages,
				      long batch)
{
	const struct rgroup *g;

	if (gi < 0)
		return NULL;
	g = &c->groups[gi];
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];

		if (rc->npages == npages && rc->batch == batch)
			return rc;
	}
	return NULL;
}

/*
 * Convert's conversion share in group @gi at a driver's batch: alloc +
 * convert over the sum of the stages, in %, of the case with batch
 * @batch (npages == batch preferred, else the largest npages); @batch < 0:
 * the largest npages walked in one call.  0, -ENODATA, -EINVAL.
 */
static int conv_share(struct ctx *c, long gi, long batch, double *share,
		      long *npages)
{
	const struct rcase *best = NULL;
	double v[NR_STAGES], sum;
	int ret;

	if (gi < 0)
		return -ENODATA;
	for (size_t i = 0; i < c->groups[gi].nr_cases; i++) {
		const struct rcase *rc = &c->cases[c->groups[gi].cases[i]];

		if (batch < 0 ? rc->batch != rc->npages : rc->batch != batch)
			continue;
		if (!best || (best->npages != batch &&
			      (rc->npages == batch || rc->npages > best->npages)))
			best = rc;
	}
	if (!best)
		return -ENODATA;
	ret = stage_medians(c, best, B_CONVERT, v, &sum);
	if (ret)
		return ret;
	{
		double conv = 0;
		int any = 0;

		for (int k = 0; k < NR_STAGES; k++)
			if (pfn_stage_info[k].conversion && !isnan(v[k])) {
				conv += v[k];
				any = 1;
			}
		if (!any)
			return -ENODATA;
		*share = conv / sum * 100;
	}
	*npages = best->npages;
	return 0;
}

/* "----- title -----" centred in @width columns after 2 spaces. */
static void rule_title(FILE *f, const char *title, int width)
{
	int len = (int)strlen(title) + 2;
	int left = (width - 2 - len) / 2, right = width - 2 - len - left;

	fprintf(f, "  ");
	for (int i = 0; i < left; i++)
		fputc('-', f);
	fprintf(f, " %s ", title);
	for (int i = 0; i < right; i++)
		fputc('-', f);
}

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

/* The stage table of backend @b for pair @p, both sources side by side. */
static int breakdown_table(struct ctx *c, const struct rpair *p, int b)
{
	FILE *f = c->out;
	struct np_batch *rows = NULL;
	size_t nr = 0, cap = 0;
	int any = 0, ret = 0;

	for (int s = 0; s < NR_SOURCES; s++) {
		const struct rgroup *g;

		if (p->grp[s] < 0)
			continue;
		g = &c->groups[p->grp[s]];
		for (size_t i = 0; i < g->nr_cases; i++) {
			const struct rcase *rc = &c->cases[g->cases[i]];
			double v[NR_STAGES], sum;
			size_t k;

			ret = stage_medians(c, rc, b, v, &sum);
			if (ret == -ENODATA)
				continue;
			if (ret)
				goto out;
			any = 1;
			for (k = 0; k < nr; k++)
				if (rows[k].npages == rc->npages &&
				    rows[k].batch == rc->batch)
					break;
			if (k < nr)
				continue;
			if (nr == cap) {
				struct np_batch *q;

				cap = cap ? 2 * cap : 16;
				q = realloc(rows, cap * sizeof(*q));
				if (!q) {
					ret = -ENOMEM;
					goto out;
				}
				rows = q;
			}
			rows[nr++] = (struct np_batch){ rc->npages, rc->batch };
		}
	}
	ret = 0;
	if (!any)
		goto out;
	qsort(rows, nr, sizeof(*rows), cmp_np_batch);
	fprintf(f, "%s: %s, %% of the sum of its stage medians (ns/pg = that "
		"sum)\n", p->name, backend_names[b]);
	fprintf(f, "      ");
	for (int s = 0; s < NR_SOURCES; s++)
		rule_title(f, source_names[s], 37);
	fprintf(f, "\nnpages");
	for (int s = 0; s < NR_SOURCES; s++) {
		for (int k = 0; k < NR_STAGES; k++)
			fprintf(f, "%6s", pfn_stage_info[k].short_label);
		fprintf(f, "  ns/pg");
	}
	fprintf(f, "\n");
	for (size_t i = 0; i < nr; i++) {
		fprintf(f, "%6ld", rows[i].npages);
		for (int s = 0; s < NR_SOURCES; s++) {
			const struct rcase *rc = group_case(c, p->grp[s],
							    rows[i].npages,
							    rows[i].batch);
			double v[NR_STAGES], sum = 0;
			int r = rc ? stage_medians(c, rc, b, v, &sum) : -ENODATA;

			if (r && r != -ENODATA) {
				ret = r;
				goto out;
			}
			for (int k = 0; k < NR_STAGES; k++)
				cell(f, 6, "%.1f", !r && !isnan(v[k]),
				     !r ? v[k] / sum * 100 : 0);
			cell(f, 7, sum >= 1000 ? "%.0f" : "%.1f", !r, sum);
		}
		fprintf(f, "\n");
	}
	for (int s = 0; s < NR_SOURCES; s++)
		if (p->grp[s] < 0)
			fprintf(f, "(no %s-source cases of %s in this run)\n",
				source_names[s], p->name);
	fprintf(f, "\n");
out:
	free(rows);
	return ret;
}

/* The breakdown section: convert and direct-fixup per workload. */
static int breakdown(struct ctx *c)
{
	int any = 0, ret;

	for (int k = 0; k < NR_STAGES; k++)
		any |= any_has(c, rdata_col(c->t, pfn_stage_info[k].column));
	if (!any)
		return 0;
	fprintf(c->out, "Breakdown of the whole path, emulated and kernel "
		"page-table source\n"
		"-----------------------------------------------------------"
		"--------\n");
	wrap(c->out, "Stages: prep = request preparation, walk = "
	     "hmm_range_fault() with its faults (kernel source: pagemap "
	     "reads and MADV_POPULATE faults), alloc = the second array's "
	     "malloc and free, conv = the conversion (convert) or fix-up "
	     "(direct-fixup) pass, dma = the DMA map of every host page. "
	     "Medians over the repetitions; - = not measured.", 0, "");
	fprintf(c->out, "\n");
	for (size_t i = 0; i < c->nr_pairs; i++) {
		ret = breakdown_table(c, &c->pairs[i], B_CONVERT);
		if (!ret)
			ret = breakdown_table(c, &c->pairs[i], B_FIXUP);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct rpair *pair_named(struct ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nr_pairs; i++)
		if (!strcmp(c->pairs[i].name, name))
			return &c->pairs[i];
	return NULL;
}

/* The points of the headline: real drivers' batches, and one huge page. */
static const struct {
	const char *who;
	long batch;		/* -1: the largest npages in one call */
} hl_points[] = {
	{ "nouveau v5.9+", 1 }, { "nouveau v5.8", 16 },
	{ "dmirror v6.16+", 32 }, { "dmirror", 64 },
	{ "one 2 MiB page", 512 }, { "amdgpu, whole", -1 },
};
#define NR_HL_POINTS (sizeof(hl_points) / sizeof(hl_points[0]))

static const struct {
	const char *workload, *label;
	int huge;
} hl_workloads[] = {
	{ "mirror", "mirror (4 KiB)", 0 },
	{ "first-touch", "1st-touch (4K)", 0 },
	{ "thp", "thp (2 MiB)", 1 },
};
#define NR_HL_WORKLOADS 3

/* One headline value: 0, or -ENODATA when not measured. */
static int hl_value(struct ctx *c, size_t w, int s, long batch, double *v,
		    long *np)
{
	const struct rpair *p = pair_named(c, hl_workloads[w].workload);

	return p ? conv_share(c, p->grp[s], batch, v, np) : -ENODATA;
}

/* Append "mirror 9.1% (emulated) and 5.3% (kernel)" for batch @batch. */
static int hl_point_text(struct ctx *c, char *text, size_t len, long batch)
{
	int any = 0;

	for (int huge = 0; huge < 2; huge++) {
		int first = 1;

		fmt_to(text + strlen(text), len - strlen(text), "%s",
		       huge ? "; for huge pages: " : ", for 4 KiB pages: ");
		for (size_t w = 0; w < NR_HL_WORKLOADS; w++) {
			if (hl_workloads[w].huge != huge)
				continue;
			fmt_to(text + strlen(text), len - strlen(text), "%s%s",
			       first ? "" : ", ", hl_workloads[w].workload);
			first = 0;
			for (int s = 0; s < NR_SOURCES; s++) {
				double v;
				long np;
				int ret = hl_value(c, w, s, batch, &v, &np);

				if (ret && ret != -ENODATA)
					return ret;
				if (ret) {
					fmt_to(text + strlen(text),
					       len - strlen(text),
					       "%snot measured (%s)",
					       s ? " and " : " ",
					       source_names[s]);
					continue;
				}
				any = 1;
				fmt_to(text + strlen(text), len - strlen(text),
				       "%s%.1f%% (%s)", s ? " and " : " ", v,
				       source_names[s]);
			}
		}
	}
	fmt_to(text + strlen(text), len - strlen(text), ".");
	return any;
}

/* The headline: computed from the stage medians of convert. */
/* Does any row have a value in column name? */
static bool column_has_value(struct ctx *c, const char *name)
{
	int k = rdata_col(c->t, name);

	for (size_t i = 0; k >= 0 && i < c->t->nr_rows; i++)
		if (c->t->cells[i][k][0])
			return true;
	return false;
}

static int headline(struct ctx *c)
{
	FILE *f = c->out;
	char text[4096], where[128];
	double lo[2][NR_SOURCES], hi[2][NR_SOURCES], vmax = -1, vmin = 1e300;
	int have = 0, ret;
	size_t missing = 0;

	for (int h = 0; h < 2; h++)
		for (int s = 0; s < NR_SOURCES; s++) {
			lo[h][s] = INFINITY;
			hi[h][s] = -INFINITY;
		}
	fprintf(f, "Headline: the conversion share of the whole path\n"
		"------------------------------------------------\n");
	if (!column_has_value(c, "stage_convert_ns_per_page") && !column_has_value(c, "stage_walk_ns_per_page")) {
		wrap(f, "This run timed no stages (stages = no), so the share of "
		     "the conversion pass in the whole path is not known here; "
		     "configs/kernel.conf times every stage, on the emulated and "
		     "the real-kernel page table.", 0, "");
		fprintf(f, "\n");
		return 0;
	}
	wrap(f, "convert's second-array alloc + conversion pass, in % of the "
	     "sum of all its stage medians (prepare, walk and faults, alloc, "
	     "conversion, DMA map when measured), at the batch sizes of real "
	     "drivers and of one 2 MiB huge page; - = not in this run.", 0,
	     "");
	fprintf(f, "\n%16s%7s", "", "");
	for (size_t w = 0; w < NR_HL_WORKLOADS; w++)
		fprintf(f, "  %-16s", hl_workloads[w].label);
	fprintf(f, "\n%-16s%7s", "driver", "batch");
	for (size_t w = 0; w < NR_HL_WORKLOADS; w++)
		fprintf(f, "%10s%8s", "emulated", "kernel");
	fprintf(f, "\n");
	for (size_t i = 0; i < NR_HL_POINTS; i++) {
		long shown = hl_points[i].batch;
		char cells[NR_HL_WORKLOADS * NR_SOURCES][24];
		size_t k = 0;

		for (size_t w = 0; w < NR_HL_WORKLOADS; w++) {
			for (int s = 0; s < NR_SOURCES; s++, k++) {
				double v;
				long np = 0;

				ret = hl_value(c, w, s, hl_points[i].batch, &v,
					       &np);
				if (ret && ret != -ENODATA)
					return ret;
				if (ret) {
					fmt_to(cells[k], sizeof(cells[k]), "-");
					missing++;
					continue;
				}
				have = 1;
				if (hl_points[i].batch < 0 && np > shown)
					shown = np;
				fmt_to(cells[k], sizeof(cells[k]), "%.1f%%", v);
				if (v < lo[hl_workloads[w].huge][s])
					lo[hl_workloads[w].huge][s] = v;
				if (v > hi[hl_workloads[w].huge][s])
					hi[hl_workloads[w].huge][s] = v;
				if (v > vmax) {
					vmax = v;
					fmt_to(where, sizeof(where), "%s, %s, "
					       "npages %ld",
					       hl_workloads[w].workload,
					       source_names[s], np);
				}
				if (v < vmin)
					vmin = v;
			}
		}
		fprintf(f, "%-16s", hl_points[i].who);
		if (shown < 0)
			fprintf(f, "%7s", "-");
		else
			fprintf(f, "%7ld", shown);
		for (k = 0; k < NR_HL_WORKLOADS * NR_SOURCES; k++)
			fprintf(f, "%*s", k % 2 ? 8 : 10, cells[k]);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	if (!have) {
		wrap(f, "No convert case of mirror, first-touch or thp has "
		     "stage times (stages = yes), so the share is not known "
		     "for any point.", 0, "");
		fprintf(f, "\n");
		return 0;
	}
	/* the two points the issue asks for, then the ranges */
	for (int k = 0; k < 2; k++) {
		long np = k ? 512 : 16;

		fmt_to(text, sizeof(text), "At npages %ld%s the conversion "
		       "share is", np, k ? " (one 2 MiB page)" :
		       " (nouveau's v5.8 window)");
		ret = hl_point_text(c, text, sizeof(text), np);
		if (ret < 0)
			return ret;
		wrap(f, text, 0, "");
	}
	text[0] = '\0';
	for (int s = 0; s < NR_SOURCES; s++) {
		int said = 0;

		for (int h = 0; h < 2; h++) {
			if (lo[h][s] > hi[h][s])
				continue;
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       "%s%.1f%% to %.1f%% for %s", said ? " and " :
			       *text ? "; on the kernel source " :
			       "Over these points the share is ",
			       lo[h][s], hi[h][s],
			       h ? "huge pages" : "4 KiB pages");
			said = 1;
		}
		if (said && s == SRC_EMULATED)
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       " on the emulated source");
		if (!said)
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       "%sthe %s source has no points",
			       *text ? "; " : "", source_names[s]);
	}
	fmt_to(text + strlen(text), sizeof(text) - strlen(text), ". The "
	       "largest share is %.1f%% (%s), the smallest %.1f%%.", vmax,
	       where, vmin);
	if (missing)
		fmt_to(text + strlen(text), sizeof(text) - strlen(text),
		       " %zu of the %zu points were not measured in this run "
		       "(- in the table).", missing,
		       NR_HL_POINTS * NR_HL_WORKLOADS * NR_SOURCES);
	wrap(f, text, 0, "");
	fprintf(f, "\n");
	return 0;
}

/* meta.json's bandwidth for @npages, or NAN. */
static double bandwidth_of(struct ctx *c, long npages)
{
	json_t *bw = c->meta ? json_object_get(c->meta, "bandwidth") : NULL;
	char key[32];
	json_t *v;

	fmt_to(key, sizeof(key), "%ld", npages);
	v = json_object_get(json_object_get(bw, key), "copy_bytes_per_s");
	return json_is_number(v) && json_number_value(v) > 0 ?
	       json_number_value(v) : NAN;
}

/* The floor table of group @g and one sentence per workload. */
static int group_floor(struct ctx *c, struct rgroup *g)
{
	static const int bs[] = { B_CONVERT, B_DIRECT, B_FIXUP };
	json_t *cfg = c->meta ? json_object_get(c->meta, "config") : NULL;
	int col_f = rdata_col(c->t, "faults_per_page");
	int src = group_source(c, g), rows = 0, nbw = 0;
	const char *workload;
	double rmin[3], rmax[3];
	char near[3][512], below[3][512], text[4096];
	FILE *f = c->out;

	if (!g->nr_cases)
		return 0;
	{
		const struct rcase *rc0 = &c->cases[g->cases[0]];
		size_t r0 = 0;

		for (int b = 0; b < NR_BACKENDS; b++)
			if (rc0->nr[b]) {
				r0 = rc0->rows[b][0];
				break;
			}
		workload = rdata_get(c->t, r0, c->col_workload);
	}
	if (!c->meta || !json_is_object(json_object_get(c->meta,
							"bandwidth"))) {
		fprintf(f, "Memory floor: not computed (meta.json has no "
			"\"bandwidth\")\n\n");
		return 0;
	}
	{
		struct costmodel_case probe = { .backend = "direct",
			.workload = workload, .npages = 1,
			.faults_per_page = -1 };
		struct costmodel_traffic t;

		if (costmodel_traffic_per_page(&probe, &t)) {
			fprintf(f, "Memory floor: no cost model for workload "
				"%s\n\n", workload);
			return 0;
		}
	}
	for (int k = 0; k < 3; k++) {
		rmin[k] = INFINITY;
		rmax[k] = -INFINITY;
		near[k][0] = below[k][0] = '\0';
	}
	fprintf(f, "Memory floor: bytes per page the path must move "
		"(harness/costmodel.c) over\nthe copy bandwidth measured for "
		"the case's arrays (meta.json \"bandwidth\")\n\n");
	fprintf(f, " npages  backend        measured ns   floor ns  "
		"measured/floor\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &c->cases[g->cases[i]];
		double bw = bandwidth_of(c, rc->npages);

		if (!isnan(bw))
			nbw++;
		for (int k = 0; k < 3; k++) {
			struct costmodel_case cm = {
				.backend = backend_names[bs[k]],
				.workload = workload,
				.npages = (unsigned long)rc->batch,
				.kernel_source = src == SRC_KERNEL,
				.dma = json_is_true(json_object_get(cfg, "dma")),
				.no_clear = json_is_false(json_object_get(cfg,
							"clear_data")),
				.faults_per_page = -1,
			};
			double meas, fl, ratio, fpp;
			int ret = median_of(c, rc, bs[k], c->col_ns, &meas);

			if (ret == -ENODATA)
				continue;
			if (ret)
				return ret;
			ret = median_of(c, rc, bs[k], col_f, &fpp);
			if (!ret)
				cm.faults_per_page = fpp;
			else if (ret != -ENODATA)
				return ret;
			fl = costmodel_floor_case(&cm, bw);
			ratio = !isnan(fl) && fl > 0 ? meas / fl : NAN;
			fprintf(f, "%7ld  %-13s", rc->npages, backend_names[bs[k]]);
			cell(f, 13, "%.2f", 1, meas);
			cell(f, 11, "%.3f", !isnan(fl), fl);
			cell(f, 16, "%.1f", !isnan(ratio), ratio);
			fprintf(f, "\n");
			rows++;
			if (isnan(ratio))
				continue;
			if (ratio < rmin[k])
				rmin[k] = ratio;
			if (ratio > rmax[k])
				rmax[k] = ratio;
			if (ratio < FLOOR_NEAR)
				fmt_to(near[k] + strlen(near[k]),
				       sizeof(near[k]) - strlen(near[k]),
				       "%s%ld", *near[k] ? ", " : "",
				       rc->npages);
			if (ratio < 1)
				fmt_to(below[k] + strlen(below[k]),
				       sizeof(below[k]) - strlen(below[k]),
				       "%s%ld", *below[k] ? ", " : "",
				       rc->npages);
		}
	}
	if (!rows)
		fprintf(f, "(no convert, direct or direct-fixup rows)\n");
	fprintf(f, "\n");
	/* the sentence */
	fmt_to(text, sizeof(text), "%s: ", g->name);
	{
		int any = 0, any_near = 0;

		for (int k = 0; k < 3; k++) {
			if (rmin[k] > rmax[k])
				continue;
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       "%s%s runs at %.*fx to %.*fx its floor",
			       any ? ", " : "", backend_names[bs[k]],
			       rmin[k] < 10 ? 1 : 0, rmin[k],
			       rmax[k] < 10 ? 1 : 0, rmax[k]);
			any = 1;
			any_near |= *near[k] != '\0';
		}
		if (!any) {
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       "no floor: %s.", nbw ? "no modelled backend "
			       "measured" : "no bandwidth measured for these "
			       "npages");
		} else if (!any_near) {
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       ". Every curve is limited by instructions, not "
			       "by memory: no ratio is below %.0f.", FLOOR_NEAR);
		} else {
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       ".");
			for (int k = 0; k < 3; k++) {
				if (rmin[k] > rmax[k])
					continue;
				if (*near[k])
					fmt_to(text + strlen(text),
					       sizeof(text) - strlen(text),
					       " %s is limited by memory "
					       "(within %.0fx of its floor) at "
					       "npages %s%s.",
					       backend_names[bs[k]], FLOOR_NEAR,
					       near[k], rmax[k] >= FLOOR_NEAR ?
					       ", by instructions elsewhere" :
					       "");
				else
					fmt_to(text + strlen(text),
					       sizeof(text) - strlen(text),
					       " %s is limited by instructions "
					       "at every npages.",
					       backend_names[bs[k]]);
			}
		}
		for (int k = 0; k < 3; k++)
			if (*below[k])
				fmt_to(text + strlen(text),
				       sizeof(text) - strlen(text),
				       " %s is BELOW its floor at npages %s: "
				       "the model counts bytes that this run "
				       "did not move there.",
				       backend_names[bs[k]], below[k]);
	}
	wrap(f, text, 0, "");
	fprintf(f, "\n");
	return 0;
}


/*
 * Stacked stage figures: per workload, for convert and direct-fixup, one
 * cluster of bars per page-table source (plots/stages.gp, blocks=N).
 */
static int fig_stages(struct ctx *c)
{
	static const int bs[] = { B_CONVERT, B_FIXUP };

	for (size_t i = 0; i < c->nr_pairs; i++) {
		const struct rpair *p = &c->pairs[i];

		for (int k = 0; k < 2; k++) {
			char name[300], sub[400], what[300], extra[600] = "";
			char key[16];
			FILE *f = NULL;
			int blocks = 0, ret = 0;

			fmt_to(name, sizeof(name), "stages-%s-%s", p->file,
			       backend_names[bs[k]]);
			for (int s = 0; s < NR_SOURCES && !ret; s++) {
				const struct rgroup *g;
				int started = 0;

				if (p->grp[s] < 0)
					continue;
				g = &c->groups[p->grp[s]];
				for (size_t j = 0; j < g->nr_cases; j++) {
					const struct rcase *rc =
						&c->cases[g->cases[j]];
					double v[NR_STAGES], sum;

					ret = stage_medians(c, rc, bs[k], v, &sum);
					if (ret == -ENODATA) {
						ret = 0;
						continue;
					}
					if (ret)
						break;
					if (!f && !(f = dat_open(c, name)))
						return -errno;
					if (!started) {
						fprintf(f, "%snpages", blocks ? "\n\n" : "");
						for (int st = 0; st < NR_STAGES; st++)
							fprintf(f, " %s", pfn_stage_info[st].figure_label);
						fprintf(f, "\n");
						fmt_to(key, sizeof(key), "block%d",
						       blocks++);
						fmt_to(what, sizeof(what), "%s source",
						       source_names[s]);
						gp_set(extra, sizeof(extra), key, what);
						started = 1;
					}
					fprintf(f, "%ld", rc->npages);
					for (int st = 0; st < NR_STAGES; st++)
						fprintf(f, " %.6g", isnan(v[st]) ?
							0 : v[st]);
					fprintf(f, "\n");
				}
			}
			if (f && dat_close(f) && !ret)
				ret = -EIO;
			if (ret)
				return ret;
			if (!f)
				continue;
			fmt_to(extra + strlen(extra),
			       sizeof(extra) - strlen(extra), "blocks=%d",
			       blocks);
			fmt_to(what, sizeof(what), "%s %s", p->name,
			       backend_names[bs[k]]);
			subtitle_for(c, sub, sizeof(sub), what);
			figure(c, "stages.gp", name, sub, extra);
		}
	}
	return 0;
}
static void list_npages(char *buf, size_t len, const struct ctx *c,
			const struct rgroup *g, const int *pick)
{
	buf[0] = '\0';
	for (size_t i = 0; i < g->nr_cases; i++)
		if (pick[i])
			fmt_to(buf + strlen(buf), len - strlen(buf), "%s%ld",
				 *buf ? ", " : "", c->cases[g->cases[i]].npages);
}

/* The findings paragraph of one group, computed from its numbers. */
static int group_findings(struct ctx *c, struct rgroup *g)
{
	char text[4096] = "", list[1024];
	size_t n = g->nr_cases, imax = n, imin = n, nsig = 0, nci = 0, tail;
	int *pick = calloc(n ? n : 1, sizeof(int));
	double fmin = INFINITY, fmax = -INFINITY;
	int ret = 0;

#define ADD(...) fmt_to(text + strlen(text), sizeof(text) - strlen(text), \
			  __VA_ARGS__)
	if (!pick)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct rratio *r = &g->ratio[i];

		if (!r->ok)
			continue;
		if (imax == n || r->ratio > g->ratio[imax].ratio)
			imax = i;
		if (imin == n || r->ratio < g->ratio[imin].ratio)
			imin = i;
		nci += r->has_ci;
		nsig += r->sig;
	}
	ADD("%s: ", g->name);
	if (imax == n) {
		ADD("no npages has both convert and direct results.");
		goto other;
	}
	ADD("convert/direct is largest at npages %ld (ratio %.3f, %+.2f "
	    "ns/page, %+.1f%%)", c->cases[g->cases[imax]].npages,
	    g->ratio[imax].ratio, g->ratio[imax].conv - g->ratio[imax].direct,
	    (g->ratio[imax].ratio - 1) * 100);
	if (imin != imax)
		ADD(" and smallest at npages %ld (ratio %.3f, %+.2f ns/page).",
		    c->cases[g->cases[imin]].npages, g->ratio[imin].ratio,
		    g->ratio[imin].conv - g->ratio[imin].direct);
	else
		ADD(".");
	/* direct slower than convert anywhere? */
	for (size_t i = 0; i < n; i++)
		pick[i] = g->ratio[i].ok && g->ratio[i].ratio < 1.0 &&
			  g->ratio[i].sig;
	list_npages(list, sizeof(list), c, g, pick);
	if (*list)
		ADD(" Direct is significantly SLOWER than convert at npages "
		    "%s.", list);
	for (size_t i = 0; i < n; i++)
		pick[i] = g->ratio[i].ok && g->ratio[i].ratio < 1.0 &&
			  !g->ratio[i].sig;
	list_npages(list, sizeof(list), c, g, pick);
	if (*list)
		ADD(" Direct's median is slower at npages %s, but not "
		    "significantly.", list);
	/* where the difference stops being significant */
	if (!nci) {
		ADD(" No case has two or more paired repetitions, so no "
		    "interval is given.");
	} else if (nsig == nci) {
		ADD(" The difference is significant at every npages "
		    "measured.");
	} else if (!nsig) {
		ADD(" At no npages is the difference significant (every "
		    "interval includes 1.0).");
	} else {
		for (tail = n; tail > 0; tail--)
			if (g->ratio[tail - 1].sig)
				break;
		int told_tail = 0;

		if (tail < n && tail > 0) {
			int ok_tail = 1;

			for (size_t i = tail; i < n; i++)
				if (g->ratio[i].has_ci == 0)
					ok_tail = 0;
			if (ok_tail) {
				ADD(" The last significant difference is at "
				    "npages %ld; from npages %ld on it is not "
				    "significant.",
				    c->cases[g->cases[tail - 1]].npages,
				    c->cases[g->cases[tail]].npages);
				told_tail = 1;
			}
		}
		/* non-significant cases the tail sentence did not cover */
		for (size_t i = 0; i < n; i++)
			pick[i] = g->ratio[i].has_ci && !g->ratio[i].sig &&
				  (!told_tail || i < tail);
		list_npages(list, sizeof(list), c, g, pick);
		if (*list)
			ADD(" %s at npages %s.", told_tail ? "Also not "
			    "significant" : "Not significant", list);
	}
other:
	/* harness overhead and direct-fixup */
	{
		size_t first = n, last = n;
		double d0 = 0, n0 = 0, d1 = 0, n1 = 0;

		for (size_t i = 0; i < n; i++) {
			const struct rcase *rc = &c->cases[g->cases[i]];
			double d, x, z;

			ret = median_of(c, rc, B_DIRECT, c->col_ns, &d);
			if (ret == -ENODATA)
				continue;
			if (ret)
				goto out;
			ret = median_of(c, rc, B_FIXUP, c->col_ns, &x);
			if (!ret && d > 0) {
				if ((x - d) / d < fmin)
					fmin = (x - d) / d;
				if ((x - d) / d > fmax)
					fmax = (x - d) / d;
			} else if (ret != -ENODATA) {
				goto out;
			}
			ret = median_of(c, rc, B_NULL, c->col_ns, &z);
			if (ret == -ENODATA)
				continue;
			if (ret)
				goto out;
			if (first == n) {
				first = i;
				d0 = d;
				n0 = z;
			}
			last = i;
			d1 = d;
			n1 = z;
		}
		ret = 0;
		if (first != n && d0 > 0 && d1 > 0) {
			ADD(" The harness alone (null) takes %.3g ns/page at "
			    "npages %ld (%.1f%% of direct)",
			    n0, c->cases[g->cases[first]].npages, n0 / d0 * 100);
			if (last != first)
				ADD(" and %.3g ns/page at npages %ld (%.1f%%)",
				    n1, c->cases[g->cases[last]].npages,
				    n1 / d1 * 100);
			ADD(".");
			if (g->ratio[first].ok &&
			    n0 >= fabs(g->ratio[first].conv -
				       g->ratio[first].direct))
				ADD(" At npages %ld the harness costs more than "
				    "the convert-direct difference.",
				    c->cases[g->cases[first]].npages);
		}
		if (fmin <= fmax) {
			if (fmin == fmax || fabs(fmax - fmin) < 0.0005)
				ADD(" direct-fixup differs from direct by "
				    "%+.1f%%.", fmin * 100);
			else
				ADD(" direct-fixup differs from direct by "
				    "%+.1f%% to %+.1f%%.", fmin * 100,
				    fmax * 100);
		}
	}
	wrap(c->out, text, 0, "");
	fprintf(c->out, "\n");
out:
	free(pick);
	return ret;
#undef ADD
}

static void footer(struct ctx *c)
{
	FILE *f = c->out;

	fprintf(f, "Method\n------\n");
	wrap(f, "Every number is the median over the repetitions of one "
	     "case (rows with status other than ok are left out). diff = "
	     "convert - direct; diff % = diff / direct. ratio = "
	     "median(convert) / median(direct). The 95% CI of the ratio is "
	     "a t-interval on the mean of log(convert_i / direct_i), "
	     "repetitions paired by index i (exp(mean +- t(n-1) * sd / "
	     "sqrt(n))); no bootstrap. * marks a CI that excludes 1.0. "
	     "Counter tables show only counters with values in "
	     "results.csv. Stage shares are of the sum of the stage "
	     "medians; the conversion share is convert's alloc + conversion "
	     "stages over that sum. Memory floor = the bytes per page the "
	     "path must move (harness/costmodel.c: page-table entries, the "
	     "HMM entry, struct page, the driver's array, faults, DMA map) / "
	     "the copy bandwidth measured in this run for the case's arrays; "
	     "below 2x the floor a curve counts as limited by memory, above "
	     "as limited by instructions.", 0, "");
	fprintf(f, "\nRedraw a figure:\n  gnuplot -e \"datafile='plotdata/"
		"NAME.dat'; outbase='NAME'\" plots/SCRIPT.gp\n");
	fprintf(f, "Generated by pfnbench report from %s\n", c->t->path);
}

static int resolve_plots(struct ctx *c)
{
	const char *env = getenv("PFNBENCH_PLOTS_DIR");
	const char *src = getenv("PFNBENCH_SOURCE_DIR");
	char probe[4200];

	if (c->o->plots_dir) {
		fmt_to(c->plots, sizeof(c->plots), "%s", c->o->plots_dir);
		return 0;
	}
	if (env) {
		fmt_to(c->plots, sizeof(c->plots), "%s", env);
		return 0;
	}
	fmt_to(probe, sizeof(probe), "%s/plots/ratio.gp", PFNBENCH_SOURCE_DIR);
	if (!access(probe, R_OK)) {
		fmt_to(c->plots, sizeof(c->plots), "%s/plots",
			 PFNBENCH_SOURCE_DIR);
		return 0;
	}
	fmt_to(c->plots, sizeof(c->plots), "%s/plots", src ? src : ".");
	return 0;
}

static int write_atomically(struct ctx *c, const char *buf, size_t len)
{
	char tmp[4200];
	FILE *f;
	int ret;

	fmt_to(c->s->report_path, sizeof(c->s->report_path),
		 "%s/report.txt", c->o->dir);
	fmt_to(tmp, sizeof(tmp), "%s/report.txt.tmp", c->o->dir);
	f = fopen(tmp, "w");
	if (!f) {
		ret = -errno;
		seterr(c, "%s: %s", tmp, strerror(errno));
		return ret;
	}
	ret = fold_lines(buf, len, f);
	if (fflush(f) || fsync(fileno(f)))
		ret = ret ? ret : -errno;
	if (fclose(f))
		ret = ret ? ret : -EIO;
	if (!ret && rename(tmp, c->s->report_path))
		ret = -errno;
	if (ret) {
		seterr(c, "%s: %s", c->s->report_path, strerror(-ret));
		unlink(tmp);
	}
	return ret;
}

static void ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->nr_cases; i++)
		for (int b = 0; b < NR_BACKENDS; b++)
			free(c->cases[i].rows[b]);
	free(c->cases);
	for (size_t g = 0; g < c->nr_groups; g++) {
		free(c->groups[g].name);
		free(c->groups[g].file);
		free(c->groups[g].cases);
		free(c->groups[g].ratio);
	}
	free(c->groups);
	for (size_t i = 0; i < c->nr_pairs; i++) {
		free(c->pairs[i].name);
		free(c->pairs[i].file);
	}
	free(c->pairs);
	json_decref(c->meta);
	rdata_free(c->t);
}

int report_write(const struct report_opts *o, struct report_summary *s,
		 char *err, size_t err_len)
{
	static const char *const need[] = {
		"case", "name", "backend", "workload", "npages", "batch",
		"status", "repetition", "ns_per_page", NULL,
	};
	struct ctx c = { .o = o, .s = s, .err = err, .err_len = err_len };
	char dir[4096], csv[4200], why[200] = "";
	char *buf = NULL;
	size_t len = 0;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = rdata_paths(o->dir, dir, sizeof(dir), csv, sizeof(csv));
	if (ret) {
		seterr(&c, "%s: %s (give a results directory or its "
		       "results.csv)", o->dir, strerror(-ret));
		return ret;
	}
	ret = rdata_load(csv, &c.t, err, err_len);
	if (ret)
		return ret;
	s->nr_rows = c.t->nr_rows;
	ret = rdata_require(c.t, need, err, err_len);
	if (ret)
		goto out;
	c.col_case = rdata_col(c.t, "case");
	c.col_backend = rdata_col(c.t, "backend");
	c.col_workload = rdata_col(c.t, "workload");
	c.col_npages = rdata_col(c.t, "npages");
	c.col_batch = rdata_col(c.t, "batch");
	c.col_status = rdata_col(c.t, "status");
	c.col_rep = rdata_col(c.t, "repetition");
	c.col_ns = rdata_col(c.t, "ns_per_page");
	ret = load_meta(&c);
	if (!ret)
		ret = build_index(&c);
	if (ret)
		goto out;
	for (size_t g = 0; g < c.nr_groups; g++) {
		struct rgroup *gr = &c.groups[g];

		gr->ratio = calloc(gr->nr_cases, sizeof(*gr->ratio));
		if (!gr->ratio) {
			ret = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < gr->nr_cases; i++) {
			ret = case_ratio(&c, &c.cases[gr->cases[i]], &gr->ratio[i]);
			if (ret)
				goto out;
		}
	}
	s->nr_groups = c.nr_groups;
	ret = build_pairs(&c);
	if (ret)
		goto out;
	fmt_to(c.machine, sizeof(c.machine), "%s, %ld NUMA node(s), kernel %.40s, THP %s",
		 or_unknown(mstr(&c, "machine", "cpu_model")),
		 mint(&c, "machine", "numa_nodes", 0),
		 or_unknown(mstr(&c, "machine", "kernel")),
		 or_unknown(mstr(&c, "machine", "thp_enabled")));
	/* kernel: keep only `uname -r`, the first word */
	{
		char *k = strstr(c.machine, "kernel ");

		if (k) {
			char *sp = strchr(k + 7, ' ');
			char *thp = strstr(c.machine, ", THP ");

			if (sp && thp && sp < thp)
				memmove(sp, thp, strlen(thp) + 1);
		}
	}

	/* figures */
	fmt_to(c.datadir, sizeof(c.datadir), "%s/plotdata", dir);
	resolve_plots(&c);
	if (!o->no_figures) {
		char which[256];

		if (mkdir(c.datadir, 0755) && errno != EEXIST) {
			ret = -errno;
			seterr(&c, "%s: %s", c.datadir, strerror(errno));
			goto out;
		}
		ret = fig_ratio(&c);
		for (size_t g = 0; g < c.nr_groups && !ret; g++) {
			ret = fig_ns(&c, &c.groups[g]);
			if (!ret)
				ret = fig_counters(&c, &c.groups[g], which,
						   sizeof(which));
			if (!ret && !*which)
				note(&c, "%s: no instructions, LLC misses or page "
				     "faults measured: no counters figure",
				     c.groups[g].name);
			if (!ret)
				ret = fig_memory(&c, &c.groups[g]);
		}
		if (!ret)
			ret = fig_stages(&c);
		if (!ret)
			ret = fig_placement(&c, why, sizeof(why));
		if (ret)
			goto out;
		if (*why)
			note(&c, "%s", why);
	} else {
		note(&c, "figures not drawn (--no-figures)");
	}

	/* the report */
	c.out = open_memstream(&buf, &len);
	if (!c.out) {
		ret = -ENOMEM;
		goto out;
	}
	header(&c);
	ret = headline(&c);
	for (size_t g = 0; g < c.nr_groups && !ret; g++) {
		ret = group_tables(&c, &c.groups[g]);
		if (!ret)
			ret = group_counters(&c, &c.groups[g]);
		if (!ret)
			ret = group_memory(&c, &c.groups[g]);
		if (!ret)
			ret = group_stages(&c, &c.groups[g]);
		if (!ret)
			ret = group_floor(&c, &c.groups[g]);
	}
	if (!ret)
		ret = breakdown(&c);
	if (ret)
		goto out_stream;
	fprintf(c.out, "Ratio convert/direct over npages\n"
		"--------------------------------\n");
	if (*c.dumb) {
		size_t tl = 0;
		FILE *df = fopen(c.dumb, "r");

		if (df) {
			char line[256];

			while (fgets(line, sizeof(line), df)) {
				if (!tl && strspn(line, " \f\n") == strlen(line))
					continue;	/* leading blank lines */
				fputs(line, c.out);
				tl++;
			}
			fclose(df);
		}
		if (!tl)
			fprintf(c.out, "(text plot empty)\n");
	} else {
		fprintf(c.out, "(no text plot: gnuplot not run or failed)\n");
	}
	fprintf(c.out, "\nFindings\n--------\n");
	for (size_t g = 0; g < c.nr_groups && !ret; g++)
		ret = group_findings(&c, &c.groups[g]);
	if (ret)
		goto out_stream;
	fprintf(c.out, "Figures\n-------\n");
	if (s->nr_figures) {
		char list[6144];

		fmt_to(list, sizeof(list), "%zu figures, each as .png and .svg "
		       "in this directory (data in plotdata/):", s->nr_figures);
		for (size_t i = 0; i < c.nr_figs; i++)
			fmt_to(list + strlen(list), sizeof(list) - strlen(list),
			       " %s%s", c.figs[i], i + 1 < c.nr_figs ? "," : ".");
		wrap(c.out, list, 0, "");
	}
	for (size_t i = 0; i < s->nr_notes; i++) {
		fprintf(c.out, "- ");
		wrap(c.out, s->notes[i], 2, "  ");
	}
	fprintf(c.out, "\n");
	footer(&c);
	if (fclose(c.out)) {
		c.out = NULL;
		ret = -ENOMEM;
		goto out;
	}
	c.out = NULL;
	ret = write_atomically(&c, buf, len);
	goto out;
out_stream:
	fclose(c.out);
out:
	free(buf);
	ctx_free(&c);
	return ret;
}
