/*
 * compare.h - `pfnbench compare`: is NEW worse than BASE?
 *
 * Cases are matched by `name` (backend/case).  For each case and metric
 * (ns_per_page, instructions_per_page, callgrind_ir_per_page,
 * bytes_alloc_per_page, bytes_persistent_per_page, and the derived
 * ratio of every declared comparison, matched by `case`) it gives both
 * medians, the
 * change in %, a two-sided Mann-Whitney U p-value over the repetitions and
 * a verdict.  A metric whose repetitions are all identical on both sides
 * (callgrind counts, bytes) is "deterministic": any change beyond the
 * threshold is significant without a p-value.  Which metrics gate, by how
 * much, and alpha come from an INI file (configs/thresholds.conf).
 *
 * Many comparisons at once: the p-values are Holm-adjusted
 * (rstats_holm()) within two families, the gated comparisons (whose
 * verdict can fail the run) and the reported-only ones, so that the chance
 * of any false "worse" among the gated ones stays below alpha.  A verdict
 * needs both: adjusted p < alpha and a change beyond the threshold.
 *
 * What cannot be judged fails or is refused instead of passing: a case in
 * BASE that NEW lacks, or a gated metric measured in BASE and not in NEW,
 * fails the run unless allow_missing; results of different kinds
 * (callgrind counts against timings) and impossible values are bad input.
 */
#ifndef PFNBENCH_COMPARE_H
#define PFNBENCH_COMPARE_H

#include <stddef.h>

#include "report_data.h"

/*
 * The derived metric: ns_per_page(conv, i) / ns_per_page(direct, i) within
 * one run, for each declared comparison (comparisons.h) whose two backends
 * ran; its rows are keyed "CASE CONV/DIRECT".
 */
#define CMP_RATIO_METRIC "ratio"

#define CMP_MAX_METRICS 16

/* Which way is worse for a metric. */
enum cmp_worse_if {
	CMP_WORSE_HIGHER,	/* more time/instructions/bytes is worse */
	CMP_WORSE_LOWER,
	CMP_WORSE_EITHER,	/* any change beyond the threshold is worse */
};

/* One metric's gate. */
struct cmp_metric_conf {
	char name[64];		/* column name or "ratio" */
	int gated;		/* 1: a significant worsening fails the run */
	double threshold_pct;	/* changes within +-this are "same" */
	enum cmp_worse_if worse_if;
};

struct cmp_thresholds {
	double alpha;		/* family-wise significance level (Holm) */
	int allow_missing;	/* cases/metrics in BASE and not in NEW do not fail */
	/* [ab]: the A/B timing gate of `pfnbench ab` (ab.h) */
	char ab_metric[64];	/* judged per case (task_clock_ns_per_page) */
	double ab_threshold_pct;/* slower by more than this and significant: worse */
	double ab_alpha;	/* family-wise level over the cases (Holm) */
	unsigned ab_rounds;	/* ABBA rounds when --rounds is not given */
	double ab_min_ns_per_call; /* and by more than this per HMM call */
	size_t nr_metrics;
	struct cmp_metric_conf metrics[CMP_MAX_METRICS];
};

enum cmp_verdict {
	CMP_SAME,		/* within threshold, or not significant */
	CMP_BETTER,
	CMP_WORSE,
	CMP_NOISY,		/* beyond threshold but not significant */
	CMP_NA,			/* measured in NEW only, or ungated and in BASE only */
	CMP_MISSING,		/* gated, measured in BASE, not in NEW */
};

/* One case x metric comparison. */
struct cmp_row {
	char *key;		/* name (backend/case), or case for the ratio */
	const struct cmp_metric_conf *metric;
	size_t n_base, n_new;	/* samples used */
	double base_median, new_median;
	double change_pct;	/* (new - base) / base * 100; +-inf if base 0 */
	double p;		/* Mann-Whitney two-sided; NAN if not tested */
	double p_adj;		/* p after Holm within its family; NAN if not tested */
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
	size_t nr_failures;	/* rows with fails set, plus missing cases
				   unless allow_missing */
	size_t nr_untestable;	/* rows tested by Mann-Whitney whose sample
				   sizes cannot reach an adjusted p < alpha
				   (e.g. 3 vs 3: smallest exact p = 0.1) */
	size_t nr_tested[2];	/* Holm family sizes: [0] reported, [1] gated */
	size_t nr_missing;	/* lines in missing[] */
	char **missing;		/* "NAME: in BASE, not in NEW", and per
				   backend when none of its cases is in NEW */
};

/*
 * What meta.json says of a results directory, for compare's header and its
 * checks.  Strings are "" when the file or the key is absent.
 */
struct cmp_meta {
	int present;		/* meta.json was there */
	char kind[16];		/* "timing", "callgrind", "" (older files) */
	char commit[48];
	int dirty;		/* 1, 0, -1 unknown */
	char kernel[128], cpu_model[128], hostname[64];
	char config_file[256];
	unsigned long config_hash;	/* of the config text, 0 if none */
	char build_type[32], compiler[64], libc[32], valgrind[32];
	long repetitions;	/* -1 unknown */
	char thp[32];
};

/*
 * Read DIR/meta.json into @m.  No file: 0 with m->present = 0.  Returns
 * -EINVAL with "path:line: why" in @err for a damaged file, -ENOMEM.
 */
int cmp_meta_load(const char *dir, struct cmp_meta *m, char *err, size_t err_len);

/*
 * The kind of results in @t: meta's "kind" when it says, else from the rows
 * ("callgrind" when ok rows carry callgrind_ir_per_page and no
 * ns_per_page, "timing" when they carry ns_per_page).  "" when neither.
 */
const char *cmp_kind(const struct rdata *t, const struct cmp_meta *m);

/*
 * Impossible values are bad input: in ok rows, ns_per_page that is not
 * > 0 (negative, zero, NaN, inf), any other *_per_page or ratio metric that
 * is negative or not finite, npages or batch not a whole number >= 1, a
 * repetition that is not a whole number >= 0, and two rows with the same
 * (case, backend, repetition).  Returns 0 or -EINVAL with "path:line: why".
 */
int cmp_check_values(const struct rdata *t, char *err, size_t err_len);

/*
 * Do BASE and NEW come from different toolchains (compiler, libc,
 * valgrind)?  1 with "compiler GNU 12.2.0 vs GNU 13.1.0" (each field that
 * differs) in @why; 0 when both record them and they agree, or when either
 * does not record them (older results: then nothing can be said).
 */
int cmp_toolchain_differs(const struct cmp_meta *a, const struct cmp_meta *b, char *why, size_t why_len);

/* The built-in thresholds (the same as configs/thresholds.conf). */
void cmp_thresholds_default(struct cmp_thresholds *t);

/* The largest thresholds file read. */
#define CMP_THRESHOLDS_MAX_BYTES (1UL << 20)

/*
 * Read an INI file over the defaults in @t (call cmp_thresholds_default()
 * first).  Sections: [compare] alpha = X; [METRIC] (a metric name) with
 * gate = yes|no, threshold_pct = X, worse_if = higher|lower|either;
 * [ab] metric = COLUMN, threshold_pct = X, alpha = X, rounds = N,
 * min_ns_per_call = X.  The file is read whole, at most
 * CMP_THRESHOLDS_MAX_BYTES, its first 4 KiB checked for text first.
 * Returns 0, -errno when the file cannot be opened or read, -EISDIR for a
 * directory, -EFBIG when too large, -EINVAL with
 * "file:line: ..." in @err for binary content, an unknown section, key or
 * bad value.
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

/* "same", "better", "worse", "noisy", "n/a", "missing". */
const char *cmp_verdict_name(enum cmp_verdict v);

#endif
