/*
 * cmd_compare.c - `pfnbench compare BASE NEW [--thresholds FILE] [--all]`.
 *
 * BASE and NEW are results directories or results.csv files.  Prints what
 * differs between the two besides the code (commit, machine, kernel,
 * config, build, repetitions), then the comparisons that are not "same"
 * (all with --all), grouped by case, then a summary.
 *
 * Exit status:
 *   0  no gated regression
 *   1  a gated metric significantly worse by more than its threshold, or a
 *      case, backend or gated metric of BASE missing in NEW (each one is
 *      named; --allow-missing lets missing ones pass)
 *   2  bad usage or bad input: missing file, malformed CSV, missing column,
 *      impossible values, duplicate rows, no common case, results of
 *      different kinds (callgrind counts against timings), a damaged
 *      meta.json next to the CSV
 *   3  nothing gated was worse, but instruction counts could not be
 *      compared: BASE and NEW were counted with different toolchains
 *      (compiler, libc, valgrind), named in the output
 * Without --thresholds the built-in defaults apply; they are the values in
 * configs/thresholds.conf.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "compare.h"
#include "msg.h"
#include "report_data.h"
#include "results.h"

static void compare_usage(FILE *f)
{
	fprintf(f, "usage: pfnbench compare BASE NEW [--thresholds FILE] [--all] [--allow-missing]\n"
		"  BASE, NEW: results directories or results.csv files\n"
		"  exit 0 no gated regression, 1 gated regression or missing case,\n"
		"  2 bad input, 3 instruction counts not comparable (toolchains differ)\n");
}

/*
 * meta.json next to the CSV, when there is one: a damaged file is bad
 * input (exit 2), and an incomplete run (interrupted, or writing failed)
 * gets a warning: the cases it never reached show up as missing.
 */
static int check_meta(const char *dir)
{
	char path[4200], text[512];
	json_t *meta, *complete, *where;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (access(path, F_OK))
		return 0;
	if (meta_load(path, &meta, text, sizeof(text))) {
		rdata_oneline(text);
		fprintf(stderr, "pfnbench compare: %s%s (the file is damaged or cut short: rerun, "
			"or delete it to compare results.csv alone)\n", path, text);
		return -EINVAL;
	}
	complete = json_object_get(meta, "complete");
	where = json_object_get(meta, "stopped_at");
	if (json_is_false(complete))
		fprintf(stderr, "pfnbench compare: warning: %s: the run is incomplete (%s): cases it did not "
			"reach are not compared (missing in NEW, they fail unless --allow-missing)\n", path,
			json_is_string(where) ? json_string_value(where) : "stopped early");
	json_decref(meta);
	return 0;
}

static int load(const char *arg, struct rdata **t, struct cmp_meta *m)
{
	char dir[4096], csv[4200], err[MSG_MAX] = "";
	int ret = rdata_paths(arg, dir, sizeof(dir), csv, sizeof(csv));

	if (ret) {
		fprintf(stderr, "pfnbench compare: %s: %s (give a results directory or its results.csv)\n",
			arg, strerror(-ret));
		return ret;
	}
	ret = rdata_load(csv, t, err, sizeof(err));
	if (!ret)
		ret = cmp_check_values(*t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pfnbench compare: %s\n", *err ? err : strerror(-ret));
		return ret;
	}
	ret = check_meta(dir);
	if (!ret && (ret = cmp_meta_load(dir, m, err, sizeof(err))))
		fprintf(stderr, "pfnbench compare: %s\n", *err ? err : strerror(-ret));
	return ret;
}

static void short_commit(char *buf, size_t len, const struct cmp_meta *m)
{
	if (!m->commit[0])
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%.12s%s", m->commit,
			 m->dirty > 0 ? " (dirty)" : m->dirty == 0 ? " (clean)" : "");
}

/*
 * What differs between BASE and NEW besides the code: each field, BASE's
 * value, and NEW's or "same".  Anything other than the commit that differs
 * is a reason, other than the code, for a difference in the numbers.
 */
static void print_meta_diff(const struct cmp_meta *a, const struct cmp_meta *b)
{
	char ca[64], cb[64], ra[32], rb[32], fa[300], fb[300];
	const char *fields[][3] = {
		{ "kind", a->kind, b->kind },
		{ "commit", ca, cb },
		{ "host", a->hostname, b->hostname },
		{ "cpu model", a->cpu_model, b->cpu_model },
		{ "kernel", a->kernel, b->kernel },
		{ "thp", a->thp, b->thp },
		{ "config", fa, fb },
		{ "build type", a->build_type, b->build_type },
		{ "compiler", a->compiler, b->compiler },
		{ "libc", a->libc, b->libc },
		{ "valgrind", a->valgrind, b->valgrind },
		{ "repetitions", ra, rb },
	};
	size_t nr_diff = 0;

	if (!a->present && !b->present) {
		printf("no meta.json on either side: what else differs is not known\n\n");
		return;
	}
	short_commit(ca, sizeof(ca), a);
	short_commit(cb, sizeof(cb), b);
	snprintf(ra, sizeof(ra), a->repetitions < 0 ? "?" : "%ld", a->repetitions);
	snprintf(rb, sizeof(rb), b->repetitions < 0 ? "?" : "%ld", b->repetitions);
	snprintf(fa, sizeof(fa), "%s", a->config_file[0] ? a->config_file : "?");
	if (a->config_hash && a->config_hash == b->config_hash)
		snprintf(fb, sizeof(fb), "%s", fa);	/* same text: same config whatever the path */
	else
		snprintf(fb, sizeof(fb), "%s%s", b->config_file[0] ? b->config_file : "?",
			 a->config_hash && b->config_hash ? " (other text)" : "");
	printf("  %-12s %-32s %s\n", "", "BASE", "NEW");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *x = fields[i][1][0] ? fields[i][1] : "?", *y = fields[i][2][0] ? fields[i][2] : "?";
		int same = !strcmp(x, y);

		if (!fields[i][1][0] && !fields[i][2][0])
			continue;
		nr_diff += !same && i != 1;
		printf("  %-12s %-32.32s %s%s\n", fields[i][0], x, same ? "same" : y,
		       same || i == 1 ? "" : "   <- differs");
	}
	if (!a->present || !b->present)
		printf("  (no meta.json for %s: its side is unknown)\n", a->present ? "NEW" : "BASE");
	printf(nr_diff ? "%zu difference(s) besides the code: the numbers may differ for those reasons too\n\n"
		       : "nothing differs besides the code\n\n", nr_diff);
}

static void fmt_change(char *buf, size_t len, double pct)
{
	if (isinf(pct))
		snprintf(buf, len, "%s", pct > 0 ? "+inf%" : "-inf%");
	else
		snprintf(buf, len, "%+.1f%%", pct);
}

static void fmt_p(char *buf, size_t len, const struct cmp_row *r)
{
	if (r->deterministic)
		snprintf(buf, len, "det.");
	else if (isnan(r->p_adj))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.4f", r->p_adj);
}

static void print_row(const struct cmp_row *r)
{
	char ch[32], p[32];

	if (r->verdict == CMP_NA || r->verdict == CMP_MISSING) {
		printf("  %-28s measured only in %s%s\n", r->metric->name, r->n_base ? "BASE" : "NEW",
		       r->fails ? "  GATE" : "");
		return;
	}
	fmt_change(ch, sizeof(ch), r->change_pct);
	fmt_p(p, sizeof(p), r);
	printf("  %-28s %11.5g %11.5g %8s %7s  %s%s\n", r->metric->name,
	       r->base_median, r->new_median, ch, p,
	       cmp_verdict_name(r->verdict),
	       r->fails ? "  GATE" : r->metric->gated ? "  (gated)" : "");
}

/* Drop metric @name from the thresholds (it will not be compared). */
static void drop_metric(struct cmp_thresholds *th, const char *name)
{
	for (size_t i = 0; i < th->nr_metrics; i++)
		if (!strcmp(th->metrics[i].name, name)) {
			memmove(&th->metrics[i], &th->metrics[i + 1], (th->nr_metrics - i - 1) * sizeof(th->metrics[0]));
			th->nr_metrics--;
			return;
		}
}

/* What was compared, and the rows (with --all the same ones too); counts per verdict. */
static void print_table(const struct cmp_result *res, const struct cmp_thresholds *th, const struct rdata *base,
			const struct rdata *new_, const struct cmp_meta *mb, const struct cmp_meta *mn, int all)
{
	size_t counts[CMP_MISSING + 1] = { 0 };

	printf("compare: BASE %s (%zu rows)\n         NEW  %s (%zu rows)\n",
	       base->path, base->nr_rows, new_->path, new_->nr_rows);
	print_meta_diff(mb, mn);
	printf("alpha %.3g family-wise (Mann-Whitney U, two-sided, Holm-adjusted over %zu gated and %zu "
	       "reported-only comparisons)\ngated:", th->alpha, res->nr_tested[1], res->nr_tested[0]);
	for (size_t m = 0, any = 0; m < th->nr_metrics; m++) {
		if (!th->metrics[m].gated)
			continue;
		printf("%s %s %g%%", any++ ? "," : "", th->metrics[m].name,
		       th->metrics[m].threshold_pct);
	}
	printf("\n%zu case names in common, %zu only in BASE, %zu only in NEW\n\n",
	       res->nr_common, res->nr_only_base, res->nr_only_new);
	printf("  %-28s %11s %11s %8s %7s  %s\n", "metric", "base", "new",
	       "change", "p(adj)", "verdict");
	for (size_t i = 0; i < res->nr_rows; i++) {
		const struct cmp_row *r = &res->rows[i];

		counts[r->verdict]++;
		if (!all && r->verdict == CMP_SAME)
			continue;
		if (i == 0 || strcmp(res->rows[i - 1].key, r->key) ||
		    (!all && res->rows[i - 1].verdict == CMP_SAME))
			printf("%s\n", r->key);
		print_row(r);
	}
	printf("\n%zu comparisons: %zu worse, %zu better, %zu noisy (too noisy "
	       "to tell), %zu same, %zu n/a, %zu missing\n", res->nr_rows, counts[CMP_WORSE],
	       counts[CMP_BETTER], counts[CMP_NOISY], counts[CMP_SAME],
	       counts[CMP_NA], counts[CMP_MISSING]);
	printf("det. = every repetition had the same value: a change beyond "
	       "the threshold\nis significant without a p-value\n");
}

/* The warnings, what is missing, the failures and the verdict; returns the exit status. */
static int print_verdict(const struct cmp_result *res, const struct cmp_thresholds *th, const char *toolchain,
			 int allow_missing)
{
	int status;

	if (res->nr_untestable)
		printf("\nWARNING: %zu comparison(s) have too few repetitions "
		       "for any adjusted p-value\nbelow alpha %.3g (3 vs 3 gives at best "
		       "p = 0.1 before the adjustment):\nthose can only be same or noisy. "
		       "Judge timings with `pfnbench ab`, which\nalternates the two builds in one run.\n",
		       res->nr_untestable, th->alpha);
	if (toolchain[0])
		printf("\nNOT COMPARED: callgrind_ir_per_page: the toolchains differ (%s);\n"
		       "instruction counts of different toolchains are different numbers, not a\n"
		       "regression.  Count both builds here instead: pfnbench ab --callgrind\n", toolchain);
	if (res->nr_missing)
		printf("\n%s: %zu case(s), backend(s) or metric(s) of BASE are not in NEW:\n",
		       allow_missing ? "ALLOWED (--allow-missing)" : "MISSING", res->nr_missing);
	for (size_t i = 0; i < res->nr_missing; i++)
		printf("  %s\n", res->missing[i]);
	if (res->nr_failures) {
		size_t nr_worse = res->nr_failures - (allow_missing ? 0 : res->nr_missing);

		if (nr_worse)
			printf("\nFAIL: %zu gated regression(s):\n", nr_worse);
		for (size_t i = 0; i < res->nr_rows; i++) {
			const struct cmp_row *r = &res->rows[i];
			char ch[32], p[32];

			if (!r->fails || r->verdict == CMP_MISSING)
				continue;
			fmt_change(ch, sizeof(ch), r->change_pct);
			fmt_p(p, sizeof(p), r);
			printf("  %s %s: %.6g -> %.6g (%s, threshold %g%%, %s%s)\n",
			       r->key, r->metric->name, r->base_median,
			       r->new_median, ch, r->metric->threshold_pct,
			       r->deterministic ? "deterministic" : "adjusted p = ",
			       r->deterministic ? "" : p);
		}
		if (!allow_missing && res->nr_missing)
			printf("\nFAIL: %zu case(s), backend(s) or gated metric(s) of BASE missing in NEW (listed "
			       "above;\n--allow-missing when that is intended)\n", res->nr_missing);
		status = 1;
	} else if (toolchain[0]) {
		printf("\nNOT COMPARABLE: no gated metric is worse, but instruction counts were not\n"
		       "compared (toolchains differ): exit 3\n");
		status = 3;
	} else {
		printf("\nOK: no gated metric is significantly worse beyond its "
		       "threshold\n");
		status = 0;
	}
	return status;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "thresholds", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "allow-missing", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmp_thresholds th;
	struct cmp_meta mb, mn;
	struct rdata *base = NULL, *new_ = NULL;
	struct cmp_result *res = NULL;
	const char *thresholds = NULL, *kb, *kn;
	char err[MSG_MAX] = "", toolchain[512] = "";
	int opt, all = 0, allow_missing = 0, ret, status = 2;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "t:amh", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			thresholds = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'm':
			allow_missing = 1;
			break;
		case 'h':
			compare_usage(stdout);
			return 0;
		default:
			compare_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 2) {
		compare_usage(stderr);
		return 2;
	}
	cmp_thresholds_default(&th);
	if (thresholds && cmp_thresholds_load(thresholds, &th, err, sizeof(err))) {
		fprintf(stderr, "pfnbench compare: %s\n", err);
		return 2;
	}
	th.allow_missing = allow_missing;
	if (load(argv[optind], &base, &mb) || load(argv[optind + 1], &new_, &mn))
		goto out;
	kb = cmp_kind(base, &mb);
	kn = cmp_kind(new_, &mn);
	if (*kb && *kn && strcmp(kb, kn)) {
		fprintf(stderr, "pfnbench compare: %s holds %s results and %s holds %s results: results of different "
			"kinds cannot be compared (compare a callgrind count with a callgrind baseline, a timing run "
			"with a timing run)\n", base->path, kb, new_->path, kn);
		goto out;
	}
	/* counts from another compiler, libc or valgrind are other numbers, not a regression */
	if (cmp_toolchain_differs(&mb, &mn, toolchain, sizeof(toolchain)))
		drop_metric(&th, result_columns[RCOL_CALLGRIND_IR_PER_PAGE].name);
	ret = cmp_run(base, new_, &th, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pfnbench compare: %s\n", *err ? err : strerror(-ret));
		goto out;
	}

	print_table(res, &th, base, new_, &mb, &mn, all);
	status = print_verdict(res, &th, toolchain, allow_missing);
out:
	cmp_result_free(res);
	rdata_free(base);
	rdata_free(new_);
	return status;
}
