/*
 * cmd_ab.c - `pfnbench ab`: NEW against BASE, alternated in one run.
 *
 *   pfnbench ab [--base REV|BINARY] [--new REV|BINARY] --config FILE
 *               [--rounds N] [--out DIR] [--thresholds FILE] [--allow-missing]
 *               [--callgrind] [--source DIR] [--build-root DIR] [--jobs N]
 *
 * BASE defaults to HEAD^1 (HEAD's first parent) of the source tree this
 * binary was built from, NEW to this binary.  A revision is built with
 * CMake under --build-root (default: ab-builds/ next to this binary) and
 * kept there.  Timing (the default) alternates the two in --rounds ABBA
 * rounds and judges each case with a paired test (ab.h); --callgrind counts
 * each once under callgrind and compares the counts as `pfnbench compare`
 * does.  Progress goes to stderr; the verdict to stdout and to ab.txt in
 * the results directory.
 *
 * Exit status: 0 no regression; 1 a case significantly slower by more than
 * the threshold, or a case of BASE missing in NEW (unless --allow-missing);
 * 2 bad usage, a revision that does not exist or does not build, a run that
 * failed.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ab.h"
#include "commands.h"
#include "compare.h"
#include "msg.h"
#include "results.h"

#ifndef PFNBENCH_SOURCE_DIR
#define PFNBENCH_SOURCE_DIR "."
#endif
#ifndef PFNBENCH_BUILD_TYPE
#define PFNBENCH_BUILD_TYPE "RelWithDebInfo"
#endif

static void ab_usage(FILE *f)
{
	fprintf(f, "usage: pfnbench ab [--base REV|BINARY] [--new REV|BINARY] --config FILE [--rounds N]\n"
		"                   [--out DIR] [--thresholds FILE] [--allow-missing] [--callgrind]\n"
		"                   [--source DIR] [--build-root DIR] [--jobs N]\n"
		"  BASE: default HEAD^1 of the source tree; NEW: default this binary\n"
		"  exit 0 no regression, 1 regression or missing case, 2 bad input or failed build/run\n");
}

static void progress(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "pfnbench ab: %s\n", line);
}

static void describe(FILE *f, const char *label, const struct ab_side *s)
{
	if (s->built)
		fprintf(f, "  %-5s %s = %.12s, built here\n", label, s->spec, s->commit);
	else
		fprintf(f, "  %-5s %s\n", label, s->binary);
}

static int cmp_row_name(const void *a, const void *b)
{
	return strcmp(((const struct ab_row *)a)->name, ((const struct ab_row *)b)->name);
}

/* The verdict, for stdout and ab.txt. */
static void print_result(FILE *f, const struct ab_options *o, const struct ab_result *r)
{
	size_t counts[CMP_MISSING + 1] = { 0 };
	double big = 0, big_signed = 0;
	const char *big_name = NULL;

	fprintf(f, "pfnbench ab: NEW against BASE, alternated in one run on this machine\n");
	describe(f, "BASE", &r->base);
	describe(f, "NEW", &r->new_);
	fprintf(f, "  config %s; %u rounds, ABBA order, ASLR off\n", o->config, o->rounds);
	fprintf(f, "  results %s\n", r->dir);
	fprintf(f, "  metric %s%s: per run, the median over its repetitions\n", r->metric,
		!strcmp(r->metric, "task_clock_ns_per_page") ? " (CPU time per page)" : "");
	if (r->metric_fallback)
		fprintf(f, "  (%s was not measured by one side: judged on wall time, which other\n"
			"  processes on this machine move too)\n", o->th->ab_metric);
	fprintf(f, "  worse = slower by more than %g%% and by more than %g ns per call, with\n"
		"  Holm-adjusted p < %g over %zu cases (paired t-test on log(NEW/BASE), one\n"
		"  pair per round)\n\n", o->th->ab_threshold_pct, o->th->ab_min_ns_per_call, o->th->ab_alpha,
		r->nr_rows);
	fprintf(f, "%-50s %9s %9s %7s %8s %17s %7s  %s\n", "case", "BASE", "NEW", "change", "ns/call", "95% CI",
		"p(adj)", "verdict");
	for (size_t i = 0; i < r->nr_rows; i++) {
		const struct ab_row *w = &r->rows[i];
		char ci[40] = "-", p[16] = "-";

		counts[w->verdict]++;
		if (!isnan(w->p)) {
			snprintf(ci, sizeof(ci), "[%+.1f, %+.1f]", w->lo_pct, w->hi_pct);
			snprintf(p, sizeof(p), "%.4f", w->p_adj);
			if (fabs(w->change_pct) > big) {
				big = fabs(w->change_pct);
				big_signed = w->change_pct;
				big_name = w->name;
			}
		}
		fprintf(f, "%-50s %9.4g %9.4g %+6.1f%% %+8.2g %17s %7s  %s%s\n", w->name, w->base_median,
			w->new_median, w->change_pct, w->change_ns_per_call, ci, p, cmp_verdict_name(w->verdict),
			w->fails ? "  GATE" : "");
	}
	fprintf(f, "\n%zu cases: %zu worse, %zu better, %zu noisy, %zu same, %zu n/a", r->nr_rows, counts[CMP_WORSE],
		counts[CMP_BETTER], counts[CMP_NOISY], counts[CMP_SAME], counts[CMP_NA]);
	if (r->nr_only_new)
		fprintf(f, "; %zu only in NEW (new cases)", r->nr_only_new);
	fprintf(f, "\n");
	if (big_name)
		fprintf(f, "largest change: %s %+.1f%%\n", big_name, big_signed);
	if (r->nr_missing) {
		fprintf(f, "\n%s: %zu case(s) of BASE are not in NEW:\n",
			o->th->allow_missing ? "ALLOWED (--allow-missing)" : "MISSING", r->nr_missing);
		for (size_t i = 0; i < r->nr_missing; i++)
			fprintf(f, "  %s\n", r->missing[i]);
	}
	if (!r->nr_failures) {
		fprintf(f, "\nOK: no case is significantly slower by more than %g%%\n", o->th->ab_threshold_pct);
		return;
	}
	fprintf(f, "\nFAIL:");
	if (r->nr_failures > (o->th->allow_missing ? 0 : r->nr_missing)) {
		fprintf(f, " slower in NEW:\n");
		for (size_t i = 0; i < r->nr_rows; i++)
			if (r->rows[i].fails)
				fprintf(f, "  %s %s: %.6g -> %.6g (%+.1f%%, %+.3g ns per call, 95%% CI [%+.1f, "
					"%+.1f], adjusted p = %.2g)\n", r->rows[i].name, r->metric, r->rows[i].base_median,
					r->rows[i].new_median, r->rows[i].change_pct, r->rows[i].change_ns_per_call,
					r->rows[i].lo_pct, r->rows[i].hi_pct, r->rows[i].p_adj);
	}
	if (!o->th->allow_missing && r->nr_missing)
		fprintf(f, " %zu case(s) of BASE missing in NEW (listed above; --allow-missing when intended)\n",
			r->nr_missing);
}

/* ab.txt next to the results: the same text as stdout. */
static int write_text(const struct ab_options *o, const struct ab_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	print_result(f, o, r);
	if (fclose(f))
		return -ENOMEM;
	fwrite(buf, 1, len, stdout);
	ret = results_write_atomic(r->dir, "ab.txt", buf, len);
	free(buf);
	return ret;
}

/* What the command line says beyond struct ab_options. */
struct ab_args {
	const char *base_spec, *new_spec, *thresholds, *rounds_arg;
	int allow_missing;
};

/* Parse argv into *o and *a.  0, 2 (bad usage: said), or -1 after --help. */
static int ab_parse_args(int argc, char **argv, struct ab_options *o, struct ab_args *a)
{
	static const struct option longopts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "new", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "thresholds", required_argument, NULL, 't' },
		{ "allow-missing", no_argument, NULL, 'm' },
		{ "callgrind", no_argument, NULL, 'g' },
		{ "source", required_argument, NULL, 's' },
		{ "build-root", required_argument, NULL, 'R' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "aslr", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "b:n:c:r:o:t:mgs:R:j:Ah", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b': a->base_spec = optarg; break;
		case 'n': a->new_spec = optarg; break;
		case 'c': o->config = optarg; break;
		case 'r': a->rounds_arg = optarg; break;
		case 'o': o->out_dir = optarg; break;
		case 't': a->thresholds = optarg; break;
		case 'm': a->allow_missing = 1; break;
		case 'g': o->callgrind = 1; break;
		case 'A': o->aslr = 1; break;
		case 's': o->source_dir = optarg; break;
		case 'R': o->build_root = optarg; break;
		case 'j': o->jobs = atoi(optarg); break;
		case 'h':
			ab_usage(stdout);
			return -1;
		default:
			ab_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !o->config) {
		if (!o->config)
			fprintf(stderr, "pfnbench ab: --config FILE is required (e.g. configs/ab.conf)\n");
		ab_usage(stderr);
		return 2;
	}
	return 0;
}

/* The thresholds, rounds, jobs, this binary and the build root.  0 or 2 (said). */
static int ab_setup(struct ab_options *o, struct cmp_thresholds *th, const struct ab_args *a, char *self,
		    size_t self_len, char *build_root, size_t build_root_len)
{
	char self_dir[PATH_MAX], err[MSG_MAX] = "";
	ssize_t l;

	cmp_thresholds_default(th);
	if (a->thresholds && cmp_thresholds_load(a->thresholds, th, err, sizeof(err))) {
		fprintf(stderr, "pfnbench ab: %s\n", err);
		return 2;
	}
	th->allow_missing = a->allow_missing;
	o->th = th;
	o->rounds = th->ab_rounds;
	if (a->rounds_arg) {
		char *end;
		long v = strtol(a->rounds_arg, &end, 10);

		if (*end || end == a->rounds_arg || v < 2 || v > 1000) {
			fprintf(stderr, "pfnbench ab: --rounds: '%s' is not a whole number from 2 to 1000\n",
				a->rounds_arg);
			return 2;
		}
		o->rounds = (unsigned)v;
	}
	if (o->jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		o->jobs = n > 0 ? (int)n : 2;
	}
	l = readlink("/proc/self/exe", self, self_len - 1);
	if (l < 0) {
		fprintf(stderr, "pfnbench ab: cannot find this executable: %s\n", strerror(errno));
		return 2;
	}
	self[l] = '\0';
	if (!o->build_root) {
		snprintf(self_dir, sizeof(self_dir), "%s", self);
		snprintf(build_root, build_root_len, "%s/ab-builds", dirname(self_dir));
		o->build_root = build_root;
	}
	if (access(o->config, R_OK)) {
		fprintf(stderr, "pfnbench ab: %s: cannot read: %s (check the path and permissions)\n", o->config,
			strerror(errno));
		return 2;
	}
	return 0;
}

/* --callgrind: exact counts of both builds, made here, compared as `pfnbench compare` does. */
static int ab_compare_counts(const struct ab_result *res, const struct ab_side *base, const struct ab_side *new_,
			     const struct ab_args *a)
{
	char *cargv[8];
	int cargc = 0;

	cargv[cargc++] = "compare";
	cargv[cargc++] = (char *)res->run_dir[0];
	cargv[cargc++] = (char *)res->run_dir[1];
	if (a->thresholds) {
		cargv[cargc++] = "--thresholds";
		cargv[cargc++] = (char *)a->thresholds;
	}
	if (a->allow_missing)
		cargv[cargc++] = "--allow-missing";
	cargv[cargc] = NULL;
	printf("pfnbench ab --callgrind: BASE %s, NEW %s, counted here (results %s)\n", base->spec, new_->spec,
	       res->dir);
	return cmd_compare(cargc, cargv);
}

int cmd_ab(int argc, char **argv)
{
	struct ab_args a = { .base_spec = "HEAD^1" };
	char self[PATH_MAX], build_root[PATH_MAX + 16], err[MSG_MAX] = "";
	struct ab_options o = { .source_dir = PFNBENCH_SOURCE_DIR, .build_type = PFNBENCH_BUILD_TYPE,
				.out_dir = "results", .progress = progress };
	struct cmp_thresholds th;
	struct ab_side base, new_;
	struct ab_result *res = NULL;
	int ret = ab_parse_args(argc, argv, &o, &a);

	if (ret)
		return ret < 0 ? 0 : ret;
	ret = ab_setup(&o, &th, &a, self, sizeof(self), build_root, sizeof(build_root));
	if (ret)
		return ret;
	ret = ab_side_resolve(&o, a.base_spec, &base, err, sizeof(err));
	if (!ret)
		ret = ab_side_resolve(&o, a.new_spec ? a.new_spec : self, &new_, err, sizeof(err));
	if (!ret)
		ret = ab_run(&o, &base, &new_, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pfnbench ab: %s\n", *err ? err : strerror(-ret));
		return 2;
	}
	if (o.callgrind) {
		ret = ab_compare_counts(res, &base, &new_, &a);
		ab_result_free(res);
		return ret;
	}
	qsort(res->rows, res->nr_rows, sizeof(res->rows[0]), cmp_row_name);
	ret = write_text(&o, res);
	if (ret)
		fprintf(stderr, "pfnbench ab: %s/ab.txt: %s\n", res->dir, strerror(-ret));
	ret = ret ? 2 : res->nr_failures ? 1 : 0;
	ab_result_free(res);
	return ret;
}
