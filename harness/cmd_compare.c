/*
 * cmd_compare.c - `pfnbench compare BASE NEW [--thresholds FILE] [--all]`.
 *
 * BASE and NEW are results directories or results.csv files.  Prints the
 * comparisons that are not "same" (all with --all), grouped by case, then a
 * summary.  Exit 1 when a gated metric is significantly worse by more than
 * its threshold (each one is named), 0 otherwise, 2 on bad usage or bad
 * input (missing file, malformed CSV, missing column, no common case, a
 * damaged meta.json next to the CSV; an incomplete run only warns).
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
#include "report_data.h"

static void compare_usage(FILE *f)
{
	fprintf(f, "usage: pfnbench compare BASE NEW [--thresholds FILE] [--all]\n"
		"  BASE, NEW: results directories or results.csv files\n"
		"  exit 0 no gated regression, 1 gated regression, 2 bad input\n");
}

/*
 * meta.json next to the CSV, when there is one: a damaged file is bad
 * input (exit 2), and an incomplete run (interrupted, or writing failed)
 * gets a warning, since the cases it never reached only show up as "only
 * in BASE/NEW" and would pass the gate silently.
 */
static int check_meta(const char *dir)
{
	char path[4200];
	json_error_t je;
	json_t *meta, *complete, *where;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (access(path, F_OK))
		return 0;
	meta = json_load_file(path, 0, &je);
	if (!meta || !json_is_object(meta)) {
		char text[sizeof(je.text)];

		snprintf(text, sizeof(text), "%s", meta ? "expected a JSON object" : je.text);
		rdata_oneline(text);
		fprintf(stderr, "pfnbench compare: %s:%d: %s (the file is damaged or cut short: rerun, "
			"or delete it to compare results.csv alone)\n", path, meta ? 1 : je.line, text);
		json_decref(meta);
		return -EINVAL;
	}
	complete = json_object_get(meta, "complete");
	where = json_object_get(meta, "stopped_at");
	if (json_is_false(complete))
		fprintf(stderr, "pfnbench compare: warning: %s: the run is incomplete (%s): cases it did not "
			"reach are left out of the comparison\n", path,
			json_is_string(where) ? json_string_value(where) : "stopped early");
	json_decref(meta);
	return 0;
}

static int load(const char *arg, struct rdata **t)
{
	char dir[4096], csv[4200], err[1024] = "";
	int ret = rdata_paths(arg, dir, sizeof(dir), csv, sizeof(csv));

	if (ret) {
		fprintf(stderr, "pfnbench compare: %s: %s (give a results directory or its results.csv)\n",
			arg, strerror(-ret));
		return ret;
	}
	ret = rdata_load(csv, t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pfnbench compare: %s\n", *err ? err : strerror(-ret));
		return ret;
	}
	return check_meta(dir);
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
	else if (isnan(r->p))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.4f", r->p);
}

static void print_row(const struct cmp_row *r)
{
	char ch[32], p[32];

	if (r->verdict == CMP_NA) {
		printf("  %-28s measured only in %s\n", r->metric->name,
		       r->n_base ? "BASE" : "NEW");
		return;
	}
	fmt_change(ch, sizeof(ch), r->change_pct);
	fmt_p(p, sizeof(p), r);
	printf("  %-28s %11.5g %11.5g %8s %7s  %s%s\n", r->metric->name,
	       r->base_median, r->new_median, ch, p,
	       cmp_verdict_name(r->verdict),
	       r->fails ? "  GATE" : r->metric->gated ? "  (gated)" : "");
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "thresholds", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmp_thresholds th;
	struct rdata *base = NULL, *new_ = NULL;
	struct cmp_result *res = NULL;
	const char *thresholds = NULL;
	size_t counts[CMP_NA + 1] = { 0 };
	char err[1024] = "";
	int opt, all = 0, ret, status = 2;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "t:ah", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			thresholds = optarg;
			break;
		case 'a':
			all = 1;
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
	if (load(argv[optind], &base) || load(argv[optind + 1], &new_))
		goto out;
	ret = cmp_run(base, new_, &th, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pfnbench compare: %s\n", *err ? err : strerror(-ret));
		goto out;
	}

	printf("compare: BASE %s (%zu rows)\n         NEW  %s (%zu rows)\n",
	       base->path, base->nr_rows, new_->path, new_->nr_rows);
	printf("alpha %.3g (Mann-Whitney U, two-sided)\ngated:", th.alpha);
	for (size_t m = 0, any = 0; m < th.nr_metrics; m++) {
		if (!th.metrics[m].gated)
			continue;
		printf("%s %s %g%%", any++ ? "," : "", th.metrics[m].name,
		       th.metrics[m].threshold_pct);
	}
	printf("\n%zu case names in common, %zu only in BASE, %zu only in NEW\n\n",
	       res->nr_common, res->nr_only_base, res->nr_only_new);
	printf("  %-28s %11s %11s %8s %7s  %s\n", "metric", "base", "new",
	       "change", "p", "verdict");
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
	       "to tell), %zu same, %zu n/a\n", res->nr_rows, counts[CMP_WORSE],
	       counts[CMP_BETTER], counts[CMP_NOISY], counts[CMP_SAME],
	       counts[CMP_NA]);
	printf("det. = every repetition had the same value: a change beyond "
	       "the threshold\nis significant without a p-value\n");
	if (res->nr_untestable)
		printf("\nWARNING: %zu comparison(s) have too few repetitions "
		       "for any p-value below\nalpha %.3g (3 vs 3 gives at best "
		       "p = 0.1): those can only be same or noisy.\nUse at "
		       "least 4 repetitions per run for a timing gate.\n",
		       res->nr_untestable, th.alpha);
	if (res->nr_failures) {
		printf("\nFAIL: %zu gated regression(s):\n", res->nr_failures);
		for (size_t i = 0; i < res->nr_rows; i++) {
			const struct cmp_row *r = &res->rows[i];
			char ch[32], p[32];

			if (!r->fails)
				continue;
			fmt_change(ch, sizeof(ch), r->change_pct);
			fmt_p(p, sizeof(p), r);
			printf("  %s %s: %.6g -> %.6g (%s, threshold %g%%, %s%s)\n",
			       r->key, r->metric->name, r->base_median,
			       r->new_median, ch, r->metric->threshold_pct,
			       r->deterministic ? "deterministic" : "p = ",
			       r->deterministic ? "" : p);
		}
		status = 1;
	} else {
		printf("\nOK: no gated metric is significantly worse beyond its "
		       "threshold\n");
		status = 0;
	}
out:
	cmp_result_free(res);
	rdata_free(base);
	rdata_free(new_);
	return status;
}
