/*
 * ab.c - two builds timed against each other in one run (see ab.h).
 *
 * The directory it writes (a new <UTC>-<host> under the results parent):
 *
 *   bin/A/pfnbench, bin/B/pfnbench   copies of BASE and NEW (same path length)
 *   config.conf                      the config both ran
 *   runs/A-01/ ... runs/B-NN/        each process's own results directory,
 *                                    its stdout (.out) and stderr (.log)
 *   ab.csv                           per round, side and case: the median
 *                                    of the metric over the repetitions
 *   meta.json                        kind "ab", both sides, the machine
 *
 * The verdict text (ab.txt) is the command's: cmd_ab.c writes it.
 *
 * The processes and the two sides (binaries, revisions built on the way)
 * are in ab_sides.c.  Column names and the status word come from results.h.
 */
#include "ab_priv.h"
#include "bounded_read.h"
#include "report_data.h"
#include "report_stats.h"
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define seterr rdata_errorf
/* A results.csv column's name (results.h's list). */
#define COL(id) result_columns[RCOL_##id].name

/* ---- the rounds ---------------------------------------------------- */

/* Per case: the medians of every round, per side (NAN when absent). */
struct ab_case {
	char name[256];
	double pages_per_call;  /* the batch column */
	double *v[2];           /* [side][round] */
};

struct ab_table {
	struct ab_case *cases;
	size_t n, cap;
	unsigned rounds;
};

static struct ab_case *table_get(struct ab_table *t, const char *name)
{
	struct ab_case *c;

	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->cases[i].name, name))
			return &t->cases[i];
	if (t->n == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 64;
		struct ab_case *p = realloc(t->cases, nc * sizeof(*p));

		if (!p)
			return NULL;
		t->cases = p;
		t->cap = nc;
	}
	c = &t->cases[t->n];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	for (int s = 0; s < 2; s++) {
		c->v[s] = malloc(t->rounds * sizeof(double));
		if (!c->v[s]) {
			free(c->v[0]);
			return NULL;
		}
		for (unsigned r = 0; r < t->rounds; r++)
			c->v[s][r] = NAN;
	}
	t->n++;
	return c;
}

static void table_free(struct ab_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->cases[i].v[0]);
		free(t->cases[i].v[1]);
	}
	free(t->cases);
}

/* Does any ok row of @t carry column @col? */
static int column_measured(const struct rdata *t, const char *col)
{
	int c = rdata_col(t, col), cs = rdata_col(t, COL(STATUS));

	for (size_t r = 0; c >= 0 && r < t->nr_rows; r++)
		if (!strcmp(rdata_get(t, r, cs), RESULT_STATUS_OK) && rdata_get(t, r, c)[0])
			return 1;
	return 0;
}

/* The medians of @metric per name over the repetitions of run @t. */
static int collect(struct ab_table *tab, const struct rdata *t, const char *metric, int side, unsigned round,
		   char *err, size_t err_len)
{
	int cn = rdata_col(t, COL(NAME)), cs = rdata_col(t, COL(STATUS)), cm = rdata_col(t, metric);
	int cb = rdata_col(t, "batch");
	double *v = malloc((t->nr_rows + 1) * sizeof(*v));
	int ret = 0;

	if (!v)
		return -ENOMEM;
	for (size_t r = 0; r < t->nr_rows && !ret; r++) {
		const char *name = rdata_get(t, r, cn);
		struct ab_case *c;
		size_t k = 0;
		int seen = 0;

		if (strcmp(rdata_get(t, r, cs), RESULT_STATUS_OK))
			continue;
		/* first ok row of this name: gather all of its repetitions */
		for (size_t q = 0; q < r && !seen; q++)
			seen = !strcmp(rdata_get(t, q, cs), RESULT_STATUS_OK) && !strcmp(rdata_get(t, q, cn), name);
		if (seen)
			continue;
		for (size_t q = r; q < t->nr_rows && !ret; q++) {
			if (strcmp(rdata_get(t, q, cs), RESULT_STATUS_OK) || strcmp(rdata_get(t, q, cn), name))
				continue;
			ret = rdata_double(t, q, cm, &v[k], err, err_len);
			if (ret == -ENODATA) {
				ret = 0;
				continue;
			}
			k += !ret;
		}
		if (ret || !k)
			continue;
		c = table_get(tab, name);
		if (!c) {
			ret = -ENOMEM;
			break;
		}
		if (rdata_double(t, r, cb, &c->pages_per_call, NULL, 0))
			c->pages_per_call = 1;
		ret = rstats_median(v, k, &c->v[side][round]);
	}
	free(v);
	return ret;
}

/* One process of one side: `BIN run|callgrind --config CFG --out DIR`. */
static int run_side(const struct ab_options *o, const char *dir, const char *bin, const char *label, int side,
		    unsigned round, char *results_dir, size_t results_len, char *err, size_t err_len)
{
	char out[PATH_MAX], stdout_path[PATH_MAX + 8], log[PATH_MAX + 8], last[512], cfg[PATH_MAX + 16];
	char *argv[] = { (char *)bin, o->callgrind ? "callgrind" : "run", "--config", cfg, "--out", out, NULL };
	int status = 0, ret;

	if (ab_pathf(cfg, sizeof(cfg), "%s/config-%c.conf", dir, side ? 'B' : 'A') ||
	    ab_pathf(out, sizeof(out), "%s/runs/%c-%02u", dir, side ? 'B' : 'A', round + 1) ||
	    ab_pathf(stdout_path, sizeof(stdout_path), "%s.out", out) || ab_pathf(log, sizeof(log), "%s.log", out)) {
		seterr(err, err_len, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	ret = ab_spawn(argv, stdout_path, log, NULL, !o->aslr, &status);
	if (ret) {
		seterr(err, err_len, "cannot run %s: %s", bin, strerror(-ret));
		return ret;
	}
	ab_last_line(log, last, sizeof(last));
	if (status) {
		seterr(err, err_len, "round %u, %s (%s): `pfnbench %s` exited %d: %s (log: %s)", round + 1, label, bin,
		       argv[1], status, last[0] ? last : "no message", log);
		return -EINVAL;
	}
	ab_first_line(stdout_path, results_dir, results_len);
	if (!results_dir[0]) {
		seterr(err, err_len, "round %u, %s: `pfnbench %s` printed no results directory (log: %s)", round + 1,
		       label, argv[1], log);
		return -EINVAL;
	}
	return 0;
}

/* Copy @from to @to (mode 0755). */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out, ret = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0755);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			ret = errno ? -errno : -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	if (close(out) && !ret)
		ret = -errno;
	close(in);
	return ret;
}

/* The commit and dirty flag a run's meta.json names (what built it). */
static void run_commit(const char *results_dir, char *buf, size_t len)
{
	char path[PATH_MAX + 16], where[512];
	json_t *m = NULL, *p;

	snprintf(path, sizeof(path), "%s/meta.json", results_dir);
	snprintf(buf, len, "unknown");
	(void)meta_load(path, &m, where, sizeof(where));
	p = json_object_get(m, "pfnbench");
	if (json_is_string(json_object_get(p, "git_commit")))
		snprintf(buf, len, "%s%s", json_string_value(json_object_get(p, "git_commit")),
			 json_is_true(json_object_get(p, "git_dirty")) ? " (dirty)" : "");
	json_decref(m);
}

/* Verdicts per case: paired t on log ratios over rounds, Holm over cases. */
static int decide(struct ab_result *res, const struct ab_table *tab, const struct cmp_thresholds *th)
{
	double *num = malloc((tab->rounds + 1) * sizeof(double)), *den = malloc((tab->rounds + 1) * sizeof(double));
	double *p = NULL, *adj = NULL;
	int ret = 0;

	res->rows = calloc(tab->n + 1, sizeof(*res->rows));
	p = malloc((tab->n + 1) * sizeof(*p));
	adj = malloc((tab->n + 1) * sizeof(*adj));
	if (!num || !den || !res->rows || !p || !adj) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < tab->n; i++) {
		const struct ab_case *c = &tab->cases[i];
		struct ab_row *row = &res->rows[res->nr_rows];
		size_t in_base = 0, in_new = 0, k = 0;
		struct rstats_paired pr;

		for (unsigned r = 0; r < tab->rounds; r++) {
			in_base += !isnan(c->v[0][r]);
			in_new += !isnan(c->v[1][r]);
			if (!isnan(c->v[0][r]) && !isnan(c->v[1][r])) {
				den[k] = c->v[0][r];
				num[k++] = c->v[1][r];
			}
		}
		if (in_base && !in_new) {
			char line[400], **m = realloc(res->missing, (res->nr_missing + 1) * sizeof(*m));

			if (!m) {
				ret = -ENOMEM;
				goto out;
			}
			res->missing = m;
			snprintf(line, sizeof(line), "%s: in BASE's runs, not in NEW's", c->name);
			if (!(m[res->nr_missing] = strdup(line))) {
				ret = -ENOMEM;
				goto out;
			}
			res->nr_missing++;
			continue;
		}
		if (!in_base) {
			res->nr_only_new++;
			continue;
		}
		snprintf(row->name, sizeof(row->name), "%s", c->name);
		row->rounds = k;
		row->pages_per_call = c->pages_per_call;
		row->p = row->p_adj = NAN;
		row->verdict = CMP_NA;
		if (k >= 1) {
			rstats_median(den, k, &row->base_median);
			rstats_median(num, k, &row->new_median);
			row->change_ns_per_call = (row->new_median - row->base_median) * row->pages_per_call;
		}
		if (k >= 2 && !rstats_paired_log(num, den, k, &pr)) {
			row->change_pct = (pr.ratio - 1) * 100;
			row->lo_pct = (pr.lo - 1) * 100;
			row->hi_pct = (pr.hi - 1) * 100;
			row->p = pr.p;
		}
		p[res->nr_rows] = row->p;
		res->nr_rows++;
	}
	ret = rstats_holm(p, res->nr_rows, adj);
	for (size_t i = 0; i < res->nr_rows && !ret; i++) {
		struct ab_row *row = &res->rows[i];

		row->p_adj = adj[i];
		if (isnan(row->p))
			continue;	/* fewer than 2 rounds with both sides: n/a */
		if (!(fabs(row->change_pct) > th->ab_threshold_pct) ||
		    !(fabs(row->change_ns_per_call) > th->ab_min_ns_per_call))
			row->verdict = CMP_SAME;
		else if (row->p_adj < th->ab_alpha)
			row->verdict = row->change_pct > 0 ? CMP_WORSE : CMP_BETTER;
		else
			row->verdict = CMP_NOISY;
		row->fails = row->verdict == CMP_WORSE;
		res->nr_failures += row->fails;
	}
	if (!th->allow_missing)
		res->nr_failures += res->nr_missing;
out:
	free(num);
	free(den);
	free(p);
	free(adj);
	return ret;
}

static int write_csv(const char *dir, const struct ab_table *tab, const char *metric)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	fprintf(f, "round,side,order,name,metric,median,pages_per_call\n");
	for (unsigned r = 0; r < tab->rounds; r++)
		for (int s = 0; s < 2; s++)
			for (size_t i = 0; i < tab->n; i++) {
				double v = tab->cases[i].v[s][r];

				if (isnan(v))
					continue;
				/* round r runs BASE first when r is even (ABBA) */
				fprintf(f, "%u,%s,%d,%s,%s,%.17g,%.17g\n", r + 1, s ? "new" : "base",
					(r % 2 == 0) == (s == 0) ? 1 : 2, tab->cases[i].name, metric, v,
					tab->cases[i].pages_per_call);
			}
	if (fclose(f))
		return -ENOMEM;
	ret = results_write_atomic(dir, "ab.csv", buf, len);
	free(buf);
	return ret;
}

static json_t *side_json(const struct ab_side *s, const char *copy, const char *first_run)
{
	char commit[64];

	run_commit(first_run, commit, sizeof(commit));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "spec", s->spec, "binary", s->binary, "ran_as", copy,
			 "revision", s->commit, "git_commit", commit, "built_here", s->built);
}

static int write_meta(const struct ab_options *o, const struct ab_result *res, time_t started,
		      const char *first_run[2])
{
	json_t *meta = json_object(), *m = json_object(), *gate;
	char ts[32], copy[2][PATH_MAX + 16];
	int ret;

	if (!meta || !m)
		return -ENOMEM;
	snprintf(copy[0], sizeof(copy[0]), "%s/bin/A/pfnbench", res->dir);
	snprintf(copy[1], sizeof(copy[1]), "%s/bin/B/pfnbench", res->dir);
	json_object_set_new(meta, "kind", json_string("ab"));
	json_object_set_new(meta, "base", side_json(&res->base, copy[0], first_run[0]));
	json_object_set_new(meta, "new", side_json(&res->new_, copy[1], first_run[1]));
	json_object_set_new(meta, "config", json_string(o->config));
	json_object_set_new(meta, "mode", json_string(o->callgrind ? "callgrind" : "timing"));
	json_object_set_new(meta, "rounds", json_integer(o->callgrind ? 1 : o->rounds));
	json_object_set_new(meta, "order", json_string(o->callgrind ? "BASE then NEW"
								 : "ABBA: odd rounds BASE first, even rounds NEW first"));
	json_object_set_new(meta, "aslr", json_string("off in every run (personality ADDR_NO_RANDOMIZE)"));
	json_object_set_new(meta, "metric", json_string(res->metric));
	json_object_set_new(meta, "metric_fallback", json_boolean(res->metric_fallback));
	gate = json_pack("{s:s, s:f, s:f, s:f, s:b}", "test",
			 "paired t-test on log(NEW/BASE) of the per-round medians, Holm-adjusted over all cases",
			 "alpha", o->th->ab_alpha, "threshold_pct", o->th->ab_threshold_pct, "min_ns_per_call",
			 o->th->ab_min_ns_per_call, "allow_missing", o->th->allow_missing);
	json_object_set_new(meta, "gate", gate);
	meta_collect_machine(m);
	json_object_set_new(meta, "machine", m);
	meta_utc_timestamp(started, ts, sizeof(ts));
	json_object_set_new(meta, "started_utc", json_string(ts));
	meta_utc_timestamp(time(NULL), ts, sizeof(ts));
	json_object_set_new(meta, "finished_utc", json_string(ts));
	ret = meta_write(res->dir, meta);
	json_decref(meta);
	return ret;
}

/*
 * The config's text, read once so that both sides run the same (at most
 * 1 MiB, text: the limit and head check of config_load()).  0 or -errno,
 * err filled.
 */
static int read_config(const struct ab_options *o, char **text, size_t *text_len, char *err, size_t err_len)
{
	static const struct br_limits lim = { .max_bytes = 1 << 20, .head_bytes = 65536, .head = br_head_text };
	char why[512];
	int ret = br_read(o->config, &lim, text, text_len, why, sizeof(why));

	if (ret == -EINVAL) /* "line N: ..." */
		seterr(err, err_len, "%s:%s (the file must be text; is this a config file?)", o->config,
		       !strncmp(why, "line ", 5) ? why + 5 : why);
	else if (ret)
		seterr(err, err_len, "%s: cannot read: %s", o->config, why);
	return ret;
}

/* The results directory: the config, the copies of both binaries, runs/.  0 or -errno, err filled. */
static int prepare_dir(const struct ab_options *o, struct ab_result *res, const struct ab_side *const sides[2],
		       char bin[2][PATH_MAX + 16], const char *text, size_t text_len, char *err, size_t err_len)
{
	char path[PATH_MAX + 32];
	int ret = results_dir_create(o->out_dir, res->dir, sizeof(res->dir));

	if (ret) {
		seterr(err, err_len, "%s: cannot create a results directory: %s", o->out_dir, strerror(-ret));
		return ret;
	}
	ret = results_write_atomic(res->dir, "config.conf", text, text_len);
	for (int s = 0; s < 2 && !ret; s++) {
		/* same-length paths: argv and the environment leave the stack alike */
		ret = ab_pathf(path, sizeof(path), "%s/bin/%c", res->dir, s ? 'B' : 'A');
		if (!ret)
			ret = ab_pathf(bin[s], sizeof(bin[s]), "%s/pfnbench", path);
		if (!ret)
			ret = ab_mkdir_p(path);
		if (!ret)
			ret = copy_file(sides[s]->binary, bin[s]);
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/runs", res->dir);
		ret = ab_mkdir_p(path);
	}
	if (ret) {
		seterr(err, err_len, "%s: %s", res->dir, strerror(-ret));
		return ret;
	}
	for (int s = 0; s < 2 && !ret; s++) {
		char left[1024];

		ret = ab_side_config(bin[s], res->dir, s ? 'B' : 'A', text, text_len, left, sizeof(left), err,
				     err_len);
		if (!ret && *left)
			ab_say(o, "%s does not know backend(s) %s: left out of its runs, their cases missing on that "
				  "side", s ? "NEW" : "BASE", left);
	}
	return ret;
}

/* Round r: both sides in ABBA order, their medians into tab.  0 or -errno, err filled. */
static int run_round(const struct ab_options *o, struct ab_result *res, struct ab_table *tab,
		     char bin[2][PATH_MAX + 16], unsigned r, char first_run[2][PATH_MAX], char *err, size_t err_len)
{
	static const char *const labels[2] = { "BASE", "NEW" };
	struct rdata *t[2] = { NULL, NULL };
	int ret = 0;

	for (int k = 0; k < 2 && !ret; k++) {
		int s = (r % 2 == 0) ? k : 1 - k;	/* ABBA */
		char csv[PATH_MAX + 16];

		ab_say(o, "round %u/%u: %s", r + 1, tab->rounds, labels[s]);
		ret = run_side(o, res->dir, bin[s], labels[s], s, r, res->run_dir[s], sizeof(res->run_dir[s]), err,
			       err_len);
		if (ret)
			break;
		if (r == 0)
			snprintf(first_run[s], PATH_MAX, "%s", res->run_dir[s]);
		snprintf(csv, sizeof(csv), "%s/results.csv", res->run_dir[s]);
		ret = rdata_load(csv, &t[s], err, err_len);
		if (!ret)
			ret = cmp_check_values(t[s], err, err_len);
	}
	if (!ret && r == 0 && !o->callgrind &&
	    (!column_measured(t[0], res->metric) || !column_measured(t[1], res->metric))) {
		/* e.g. no perf_event_open on one side: the wall clock is all there is */
		res->metric_fallback = 1;
		snprintf(res->metric, sizeof(res->metric), "%s", COL(NS_PER_PAGE));
	}
	for (int s = 0; s < 2 && !ret; s++)
		ret = collect(tab, t[s], res->metric, s, r, err, err_len);
	rdata_free(t[0]);
	rdata_free(t[1]);
	return ret;
}

int ab_run(const struct ab_options *o, const struct ab_side *base, const struct ab_side *new_,
	   struct ab_result **out, char *err, size_t err_len)
{
	const struct ab_side *const sides[2] = { base, new_ };
	char bin[2][PATH_MAX + 16], first_run[2][PATH_MAX] = { "", "" };
	const char *first[2] = { first_run[0], first_run[1] };
	struct ab_table tab = { .rounds = o->callgrind ? 1 : o->rounds };
	struct ab_result *res = calloc(1, sizeof(*res));
	time_t started = time(NULL);
	char *text = NULL;
	size_t text_len = 0;
	int ret;

	*out = NULL;
	if (!res)
		return -ENOMEM;
	res->base = *base;
	res->new_ = *new_;
	if (!o->callgrind && o->rounds < 2) {
		seterr(err, err_len, "--rounds must be at least 2 (a paired test needs pairs)");
		ret = -EINVAL;
		goto out;
	}
	ret = read_config(o, &text, &text_len, err, err_len);
	if (!ret)
		ret = prepare_dir(o, res, sides, bin, text, text_len, err, err_len);
	if (ret)
		goto out;
	snprintf(res->metric, sizeof(res->metric), "%s", o->callgrind ? COL(CALLGRIND_IR_PER_PAGE) : o->th->ab_metric);
	for (unsigned r = 0; r < tab.rounds && !ret; r++)
		ret = run_round(o, res, &tab, bin, r, first_run, err, err_len);
	if (ret)
		goto out;
	/* exact counts: cmd_ab compares the two runs as `pfnbench compare` does */
	if (!o->callgrind)
		ret = decide(res, &tab, o->th);
	if (!ret && !o->callgrind)
		ret = write_csv(res->dir, &tab, res->metric);
	if (!ret)
		ret = write_meta(o, res, started, first);
	if (ret) {
		seterr(err, err_len, o->callgrind ? "%s: cannot write meta.json: %s" : "%s: cannot write the results: %s",
		       res->dir, strerror(-ret));
		goto out;
	}
	*out = res;
	res = NULL;
out:
	free(text);
	table_free(&tab);
	ab_result_free(res);
	return ret;
}

void ab_result_free(struct ab_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr_missing; i++)
		free(r->missing[i]);
	free(r->missing);
	free(r->rows);
	free(r);
}
