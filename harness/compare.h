/*
 * compare.h - `pfnbench compare`: is NEW worse than BASE?
 *
 * Cases are matched by `name` (backend/case).  For each case and metric
 * (ns_per_page, instructions_per_page, callgrind_ir_per_page,
 * bytes_alloc_per_page, bytes_persistent_per_page, and the derived
 * ratio_convert_direct, matched by `case`) it gives both medians, the
 * change in %, a two-sided Mann-Whitney U p-value over the repetitions and
 * a verdict.  A metric whose repetitions are all identical on both sides
 * (callgrind counts, bytes) is "deterministic": any change beyond the
 * threshold is significant without a p-value.  Which metrics gate, by how
 * much, and alpha come from an INI file (configs/thresholds.conf).
 * No multiple-testing correction: with many cases, expect about alpha of
 * the ungated noisy metrics to show up as changed by chance.
 */
#ifndef PFNBENCH_COMPARE_H
#define PFNBENCH_COMPARE_H

#include <stddef.h>

#include "report_data.h"

#define CMP_MAX_METRICS 16

/* Which way is worse for a metric. */
enum cmp_worse_if {
	CMP_WORSE_HIGHER,	/* more time/instructions/bytes is worse */
	CMP_WORSE_LOWER,
	CMP_WORSE_EITHER,	/* any change beyond the threshold is worse */
};

/* One metric's gate. */
struct cmp_metric_conf {
	char name[64];		/* column name or "ratio_convert_direct" */
	int gated;		/* 1: a significant worsening fails the run */
	double threshold_pct;	/* changes within +-this are "same" */
	enum cmp_worse_if worse_if;
};

struct cmp_thresholds {
	double alpha;		/* significance level for Mann-Whitney */
	size_t nr_metrics;
	struct cmp_metric_conf metrics[CMP_MAX_METRICS];
};

enum cmp_verdict {
	CMP_SAME,		/* within threshold, or not significant */
	CMP_BETTER,
	CMP_WORSE,
	CMP_NOISY,		/* beyond threshold but not significant */
	CMP_NA,			/* measured on one side only */
};

/* One case x metric comparison. */
struct cmp_row {
	char *key;		/* name (backend/case), or case for the ratio */
	const struct cmp_metric_conf *metric;
	size_t n_base, n_new;	/* samples used */
	double base_median, new_median;
	double change_pct;	/* (new - base) / base * 100; +-inf if base 0 */
	double p;		/* Mann-Whitney two-sided; NAN if not tested */
	int exact;		/* p from the exact distribution */
	int deterministic;	/* all repetitions equal on both sides */
	int untestable;		/* too few repetitions for p < alpha */
	enum cmp_verdict verdict;
	int fails;		/* gated and worse: the run fails */
};

struct cmp_result {
	size_t nr_rows;
	struct cmp_row *rows;
	size_t nr_common;	/* names present in both */
	size_t nr_only_base, nr_only_new;
	size_t nr_failures;	/* rows with fails set */
	size_t nr_untestable;	/* rows tested by Mann-Whitney whose sample
				   sizes cannot reach p < alpha without ties
				   (e.g. 3 vs 3: smallest exact p = 0.1) */
};

/* The built-in thresholds (the same as configs/thresholds.conf). */
void cmp_thresholds_default(struct cmp_thresholds *t);

/*
 * Read an INI file over the defaults in @t (call cmp_thresholds_default()
 * first).  Sections: [compare] alpha = X; [METRIC] (a metric name) with
 * gate = yes|no, threshold_pct = X, worse_if = higher|lower|either.
 * Returns 0, -errno when the file cannot be opened or read, -EISDIR for a
 * directory, -EINVAL with
 * "file:line: ..." in @err for an unknown section, key or bad value.
 */
int cmp_thresholds_load(const char *path, struct cmp_thresholds *t,
			char *err, size_t err_len);

/*
 * Compare two loaded results.csv tables.  Only rows with status "ok" are
 * used.  Returns 0 with *@out set (free with cmp_result_free());
 * -EINVAL with a message in @err when a table lacks a column
 * ("file:1: missing column"), holds a non-numeric value ("file:line"),
 * or the two share no case name (different configurations); -ENOMEM.
 */
int cmp_run(const struct rdata *base, const struct rdata *new_,
	    const struct cmp_thresholds *th, struct cmp_result **out,
	    char *err, size_t err_len);

void cmp_result_free(struct cmp_result *r);

/* "same", "better", "worse", "noisy", "n/a". */
const char *cmp_verdict_name(enum cmp_verdict v);

#endif
