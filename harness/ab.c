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
 * Processes are started with fork/exec so that the child can switch
 * address-space randomisation off (personality(ADDR_NO_RANDOMIZE)) before
 * exec, as `setarch -R` does for run.sh.
 */
#include "ab.h"
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

/* ---- processes ----------------------------------------------------- */

/*
 * Run argv[0] (searched in PATH) with stdout to @out_path and stderr to
 * @log_path (NULL: /dev/null), in @cwd (NULL: here), ASLR off when
 * @no_aslr.  *@status is the exit status, or 128 + signal.  Returns 0 when
 * the process ran (whatever its status), -errno when it could not start.
 */
static int spawn(char *const argv[], const char *out_path, const char *log_path, const char *cwd, int no_aslr,
		 int *status)
{
	int pipefd[2], ws, e = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return -e;
	}
	if (pid == 0) {
		int o = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
		int l = open(log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);

		if (o < 0 || l < 0 || dup2(o, 1) < 0 || dup2(l, 2) < 0 || (cwd && chdir(cwd)))
			goto fail;
		if (no_aslr && personality(ADDR_NO_RANDOMIZE) < 0)
			goto fail;
		execvp(argv[0], argv);
fail:
		e = errno;
		if (write(pipefd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	/* the exec error, if any, arrives through the pipe (closed on exec) */
	if (read(pipefd[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = 0;
	close(pipefd[0]);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (e)
		return -e;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

/* snprintf for paths: -ENAMETOOLONG instead of a cut path. */
static int pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The first line of a file into @buf ("" when empty or unreadable). */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The last non-empty line of a file (a failed command's reason). */
static void last_line(const char *path, char *buf, size_t len)
{
	char line[1024];
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n' && len) {
			size_t l = strcspn(line, "\n");

			l = l < len - 1 ? l : len - 1;
			memcpy(buf, line, l);
			buf[l] = '\0';
		}
	fclose(f);
	rdata_oneline(buf);
}

static void say(const struct ab_options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct ab_options *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->progress(o->progress_ctx, line);
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- BASE and NEW -------------------------------------------------- */

static int is_executable_file(const char *path)
{
	struct stat sb;

	return !stat(path, &sb) && S_ISREG(sb.st_mode) && !access(path, X_OK);
}

/* `git -C SRC rev-parse --verify --quiet SPEC^{commit}` into @sha. */
static int rev_parse(const char *src, const char *spec, char *sha, size_t len, const char *tmpdir)
{
	char rev[300], out[PATH_MAX];
	char *argv[] = { "git", "-C", (char *)src, "rev-parse", "--verify", "--quiet", rev, NULL };
	int status, ret;

	snprintf(rev, sizeof(rev), "%s^{commit}", spec);
	snprintf(out, sizeof(out), "%s/rev-parse.out", tmpdir);
	ret = spawn(argv, out, NULL, NULL, 0, &status);
	if (ret)
		return ret;
	first_line(out, sha, len);
	unlink(out);
	if (status || strlen(sha) != 40)
		return -ENOENT;
	return 0;
}

/* Run one build step, its output appended to @log; -EIO when it fails. */
static int build_step(char *const argv[], const char *log, const char *what, char *err, size_t err_len)
{
	char step_log[PATH_MAX + 8], last[512], cmd[1024];
	int status = 0, ret;
	FILE *in, *out;

	snprintf(step_log, sizeof(step_log), "%s.step", log);
	ret = spawn(argv, step_log, step_log, NULL, 0, &status);
	/* append the step's output to the build log */
	out = fopen(log, "ae");
	in = fopen(step_log, "re");
	if (out) {
		size_t n = 0;

		for (size_t i = 0; argv[i]; i++)
			n += (size_t)snprintf(cmd + n, n < sizeof(cmd) ? sizeof(cmd) - n : 0, "%s%s", i ? " " : "$ ",
					      argv[i]);
		fprintf(out, "%s\n", cmd);
		if (in) {
			char buf[4096];
			size_t k;

			while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
				fwrite(buf, 1, k, out);
		}
		fclose(out);
	}
	if (in)
		fclose(in);
	if (ret) {
		unlink(step_log);
		seterr(err, err_len, "cannot run %s: %s (is it installed?)", argv[0], strerror(-ret));
		return ret;
	}
	last_line(step_log, last, sizeof(last));
	unlink(step_log);
	if (status) {
		seterr(err, err_len, "%s failed (exit %d): %s; see %s", what, status, last, log);
		return -EIO;
	}
	return 0;
}

int ab_side_resolve(const struct ab_options *o, const char *spec, struct ab_side *side, char *err, size_t err_len)
{
	char dir[PATH_MAX], src[PATH_MAX + 8], bld[PATH_MAX + 8], log[PATH_MAX + 16], stamp[PATH_MAX + 32];
	char type[64], jobs[16];
	int ret;

	memset(side, 0, sizeof(*side));
	snprintf(side->spec, sizeof(side->spec), "%s", spec);
	if (strchr(spec, '/') && is_executable_file(spec)) {
		if (!realpath(spec, side->binary)) {
			ret = -errno;
			seterr(err, err_len, "%s: %s", spec, strerror(-ret));
			return ret;
		}
		return 0;
	}
	ret = mkdir_p(o->build_root);
	if (ret) {
		seterr(err, err_len, "%s: cannot create the build root: %s", o->build_root, strerror(-ret));
		return ret;
	}
	ret = rev_parse(o->source_dir, spec, side->commit, sizeof(side->commit), o->build_root);
	if (ret == -ENOENT) {
		seterr(err, err_len, "'%s' is neither an executable file nor a revision of %s (a first commit has no "
		       "parent, a shallow clone lacks history: give --base REV or --base BINARY)", spec, o->source_dir);
		return ret;
	}
	if (ret) {
		seterr(err, err_len, "cannot run git in %s: %s (install git)", o->source_dir, strerror(-ret));
		return ret;
	}
	if (pathf(dir, sizeof(dir), "%s/%s", o->build_root, side->commit) ||
	    pathf(src, sizeof(src), "%s/src", dir) || pathf(bld, sizeof(bld), "%s/build", dir) ||
	    pathf(log, sizeof(log), "%s/build.log", dir) ||
	    pathf(stamp, sizeof(stamp), "%s/build/.pfnbench-ab-built", dir) ||
	    pathf(side->binary, sizeof(side->binary), "%s/pfnbench", bld)) {
		seterr(err, err_len, "%s: path too long", o->build_root);
		return -ENAMETOOLONG;
	}
	side->built = 1;
	if (!access(stamp, F_OK) && is_executable_file(side->binary)) {
		say(o, "%s = %.12s: built before, in %s", spec, side->commit, bld);
		return 0;
	}
	say(o, "%s = %.12s: building it in %s (log: %s)", spec, side->commit, bld, log);
	{
		/* a half-made tree from an interrupted build is removed first */
		char *rm[] = { "rm", "-rf", "--", dir, NULL };
		char *clone[] = { "git", "clone", "--quiet", "--shared", "--no-checkout", (char *)o->source_dir, src, NULL };
		char *checkout[] = { "git", "-C", src, "checkout", "--quiet", "--detach", side->commit, NULL };
		char *configure[] = { "cmake", "-S", src, "-B", bld, type, "-DPFNBENCH_WERROR=OFF", NULL };
		char *build[] = { "cmake", "--build", bld, "--target", "pfnbench", "-j", jobs, NULL };
		int status;

		snprintf(type, sizeof(type), "-DCMAKE_BUILD_TYPE=%s", o->build_type);
		snprintf(jobs, sizeof(jobs), "%d", o->jobs > 0 ? o->jobs : 2);
		if ((ret = spawn(rm, NULL, NULL, NULL, 0, &status)) || (ret = mkdir_p(dir))) {
			seterr(err, err_len, "%s: %s", dir, strerror(-ret));
			return ret;
		}
		if ((ret = build_step(clone, log, "git clone", err, err_len)) ||
		    (ret = build_step(checkout, log, "git checkout", err, err_len)) ||
		    (ret = build_step(configure, log, "cmake (configure)", err, err_len)) ||
		    (ret = build_step(build, log, "cmake --build", err, err_len)))
			return ret;
	}
	if (!is_executable_file(side->binary)) {
		seterr(err, err_len, "the build of %.12s made no %s; see %s", side->commit, side->binary, log);
		return -EIO;
	}
	{
		int fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}

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
	int c = rdata_col(t, col), cs = rdata_col(t, "status");

	for (size_t r = 0; c >= 0 && r < t->nr_rows; r++)
		if (!strcmp(rdata_get(t, r, cs), "ok") && rdata_get(t, r, c)[0])
			return 1;
	return 0;
}

/* The medians of @metric per name over the repetitions of run @t. */
static int collect(struct ab_table *tab, const struct rdata *t, const char *metric, int side, unsigned round,
		   char *err, size_t err_len)
{
	int cn = rdata_col(t, "name"), cs = rdata_col(t, "status"), cm = rdata_col(t, metric);
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

		if (strcmp(rdata_get(t, r, cs), "ok"))
			continue;
		/* first ok row of this name: gather all of its repetitions */
		for (size_t q = 0; q < r && !seen; q++)
			seen = !strcmp(rdata_get(t, q, cs), "ok") && !strcmp(rdata_get(t, q, cn), name);
		if (seen)
			continue;
		for (size_t q = r; q < t->nr_rows && !ret; q++) {
			if (strcmp(rdata_get(t, q, cs), "ok") || strcmp(rdata_get(t, q, cn), name))
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

	if (pathf(cfg, sizeof(cfg), "%s/config.conf", dir) ||
	    pathf(out, sizeof(out), "%s/runs/%c-%02u", dir, side ? 'B' : 'A', round + 1) ||
	    pathf(stdout_path, sizeof(stdout_path), "%s.out", out) || pathf(log, sizeof(log), "%s.log", out)) {
		seterr(err, err_len, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	ret = spawn(argv, stdout_path, log, NULL, !o->aslr, &status);
	if (ret) {
		seterr(err, err_len, "cannot run %s: %s", bin, strerror(-ret));
		return ret;
	}
	last_line(log, last, sizeof(last));
	if (status) {
		seterr(err, err_len, "round %u, %s (%s): `pfnbench %s` exited %d: %s (log: %s)", round + 1, label, bin,
		       argv[1], status, last[0] ? last : "no message", log);
		return -EINVAL;
	}
	first_line(stdout_path, results_dir, results_len);
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
	char path[PATH_MAX + 16];
	json_t *m, *p;

	snprintf(path, sizeof(path), "%s/meta.json", results_dir);
	snprintf(buf, len, "unknown");
	m = json_load_file(path, 0, NULL);
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

int ab_run(const struct ab_options *o, const struct ab_side *base, const struct ab_side *new_,
	   struct ab_result **out, char *err, size_t err_len)
{
	const struct ab_side *sides[2] = { base, new_ };
	const char *labels[2] = { "BASE", "NEW" };
	char bin[2][PATH_MAX + 16], path[PATH_MAX + 32], first_run[2][PATH_MAX] = { "", "" };
	const char *first[2] = { first_run[0], first_run[1] };
	struct ab_table tab = { .rounds = o->callgrind ? 1 : o->rounds };
	struct ab_result *res = calloc(1, sizeof(*res));
	time_t started = time(NULL);
	char *text = NULL;
	size_t text_len = 0;
	FILE *cf;
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
	/* the config is read once, so that both sides run the same text */
	cf = fopen(o->config, "re");
	if (!cf) {
		ret = -errno;
		seterr(err, err_len, "%s: cannot read: %s", o->config, strerror(-ret));
		goto out;
	}
	{
		FILE *mem = open_memstream(&text, &text_len);
		char buf[4096];
		size_t n, total = 0;

		if (!mem) {
			fclose(cf);
			ret = -ENOMEM;
			goto out;
		}
		while ((n = fread(buf, 1, sizeof(buf), cf)) > 0 && total < (1 << 20)) {
			fwrite(buf, 1, n, mem);
			total += n;
		}
		fclose(cf);
		if (fclose(mem)) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = results_dir_create(o->out_dir, res->dir, sizeof(res->dir));
	if (ret) {
		seterr(err, err_len, "%s: cannot create a results directory: %s", o->out_dir, strerror(-ret));
		goto out;
	}
	ret = results_write_atomic(res->dir, "config.conf", text, text_len);
	for (int s = 0; s < 2 && !ret; s++) {
		/* same-length paths: argv and the environment leave the stack alike */
		ret = pathf(path, sizeof(path), "%s/bin/%c", res->dir, s ? 'B' : 'A');
		if (!ret)
			ret = pathf(bin[s], sizeof(bin[s]), "%s/pfnbench", path);
		if (!ret)
			ret = mkdir_p(path);
		if (!ret)
			ret = copy_file(sides[s]->binary, bin[s]);
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/runs", res->dir);
		ret = mkdir_p(path);
	}
	if (ret) {
		seterr(err, err_len, "%s: %s", res->dir, strerror(-ret));
		goto out;
	}
	snprintf(res->metric, sizeof(res->metric), "%s", o->callgrind ? "callgrind_ir_per_page" : o->th->ab_metric);
	for (unsigned r = 0; r < tab.rounds; r++) {
		struct rdata *t[2] = { NULL, NULL };

		for (int k = 0; k < 2 && !ret; k++) {
			int s = (r % 2 == 0) ? k : 1 - k;	/* ABBA */
			char csv[PATH_MAX + 16];

			say(o, "round %u/%u: %s", r + 1, tab.rounds, labels[s]);
			ret = run_side(o, res->dir, bin[s], labels[s], s, r, res->run_dir[s], sizeof(res->run_dir[s]),
				       err, err_len);
			if (ret)
				break;
			if (r == 0)
				snprintf(first_run[s], sizeof(first_run[s]), "%s", res->run_dir[s]);
			snprintf(csv, sizeof(csv), "%s/results.csv", res->run_dir[s]);
			ret = rdata_load(csv, &t[s], err, err_len);
			if (!ret)
				ret = cmp_check_values(t[s], err, err_len);
		}
		if (!ret && r == 0 && !o->callgrind &&
		    (!column_measured(t[0], res->metric) || !column_measured(t[1], res->metric))) {
			/* e.g. no perf_event_open on one side: the wall clock is all there is */
			res->metric_fallback = 1;
			snprintf(res->metric, sizeof(res->metric), "ns_per_page");
		}
		for (int s = 0; s < 2 && !ret; s++)
			ret = collect(&tab, t[s], res->metric, s, r, err, err_len);
		rdata_free(t[0]);
		rdata_free(t[1]);
		if (ret)
			goto out;
	}
	if (o->callgrind) {
		/* exact counts: cmd_ab compares the two runs as `pfnbench compare` does */
		ret = write_meta(o, res, started, first);
		if (ret) {
			seterr(err, err_len, "%s: cannot write meta.json: %s", res->dir, strerror(-ret));
			goto out;
		}
		*out = res;
		res = NULL;
		goto out;
	}
	ret = decide(res, &tab, o->th);
	if (!ret)
		ret = write_csv(res->dir, &tab, res->metric);
	if (!ret)
		ret = write_meta(o, res, started, first);
	if (ret) {
		seterr(err, err_len, "%s: cannot write the results: %s", res->dir, strerror(-ret));
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
