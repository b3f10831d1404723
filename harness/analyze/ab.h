/*
 * ab.h - `pfnbench ab`: two builds timed against each other in one run.
 *
 * A timing measured yesterday, or on another CPU, says little about one
 * measured today: the machine's load, its caches and its clock move the
 * numbers by more than the effects that matter.  So the two builds being
 * compared (BASE, e.g. HEAD's first parent, and NEW, e.g. this binary) run
 * here, now, alternately, on the same config and seeds:
 *
 *   round 1: BASE NEW    round 2: NEW BASE    round 3: BASE NEW ...
 *
 * Each run is one `pfnbench run` process (its own repetitions interleaved by
 * Google Benchmark).  The ABBA order makes a linear drift of the machine
 * hit both sides alike.  Both binaries are copied to paths of the same
 * length and run with the same environment and ASLR off, so that neither
 * gets another stack or heap alignment.
 *
 * Per round and case, the median over the run's repetitions of the metric
 * (CPU time per page, task_clock_ns_per_page, by default: a process that
 * another process pushes off the CPU loses wall time, not CPU time) is one
 * sample.  Per case, the rounds are pairs: a paired t-test on
 * log(NEW / BASE) gives the change, its 95% interval and a p-value; Holm's
 * method adjusts the p-values over all cases.  A case is worse when its
 * adjusted p is below alpha AND it is slower by more than the threshold
 * AND by more than a floor in ns per HMM call (6 by default): two builds
 * whose code differs only in layout moved unchanged cases by up to a few
 * ns per call (the null backend by about 1 ns, 10% of it at 16 pages).
 *
 * With callgrind = 1 each side is counted once under callgrind instead
 * (`pfnbench callgrind`), and the two counts are compared as `pfnbench
 * compare` does: instructions are exact, so one round is enough, and both
 * sides use this machine's toolchain.
 *
 * BASE and NEW are each a binary or a git revision.  A revision is cloned
 * from the source tree (git clone --shared) and built with CMake into
 * build_root/<commit>/, reused on later runs.
 */
#ifndef PFNBENCH_AB_H
#define PFNBENCH_AB_H

#include <stddef.h>

#include "compare.h"

/* One side: a binary, or a git revision to build. */
struct ab_side {
	char spec[256];         /* as given: a path or a revision */
	char binary[4096];      /* the binary that runs (after a build) */
	char commit[48];        /* the revision's commit, "" for a binary */
	int built;              /* 1: built by ab from a revision */
};

struct ab_options {
	const char *config;     /* sweep config both sides run */
	const char *source_dir; /* git tree that revisions are built from */
	const char *build_root; /* where revisions are built */
	const char *build_type; /* CMAKE_BUILD_TYPE for revisions */
	const char *out_dir;    /* results parent: out_dir/ab-<UTC>-<host>/ */
	unsigned rounds;        /* ABBA rounds (>= 2) */
	int callgrind;          /* count instructions instead of timing */
	int aslr;               /* 1: leave address-space randomisation on */
	int jobs;               /* build parallelism */
	const struct cmp_thresholds *th; /* [ab] metric, threshold, alpha */
	/* progress lines for a person (may be NULL) */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
};

/* One case's verdict. */
struct ab_row {
	char name[256];         /* backend/case */
	size_t rounds;          /* pairs used */
	double base_median, new_median; /* medians over rounds */
	double change_pct;      /* (geometric mean ratio - 1) * 100 */
	double pages_per_call;  /* the case's batch */
	double change_ns_per_call; /* (NEW - BASE medians) * pages_per_call */
	double lo_pct, hi_pct;  /* its 95% interval */
	double p, p_adj;        /* paired t, and after Holm */
	enum cmp_verdict verdict;
	int fails;
};

struct ab_result {
	char dir[4096];         /* the results directory written */
	char metric[64];        /* the metric judged */
	int metric_fallback;    /* 1: the configured metric was not measured */
	size_t nr_rows;
	struct ab_row *rows;
	size_t nr_missing;      /* cases in BASE's runs and not in NEW's */
	char **missing;
	size_t nr_only_new;
	size_t nr_failures;     /* worse rows, plus missing unless allowed */
	struct ab_side base, new_;
	char run_dir[2][4096];  /* the last run of BASE [0] and NEW [1] */
};

/*
 * Resolve @spec into @side: an executable file is used as it is; anything
 * else is a git revision of @o->source_dir, built (or found built) under
 * @o->build_root.  Returns 0, -ENOENT (no such revision: a first commit or
 * a shallow clone), -EIO (the build failed; @err names its log), -errno.
 */
int ab_side_resolve(const struct ab_options *o, const char *spec, struct ab_side *side, char *err,
		    size_t err_len);

/*
 * Run the comparison of @base against @new_ and write its results
 * directory (ab.csv, ab.txt is the caller's, meta.json, runs/).  *@out is
 * set on success (free with ab_result_free()).  With o->callgrind, rows
 * are not filled: run_dir[] names the two counts, for compare.  Returns 0, -EINVAL (a run
 * failed: bad config for one side, a crash; @err says which and where its
 * log is), -ENOMEM, -errno.
 */
int ab_run(const struct ab_options *o, const struct ab_side *base, const struct ab_side *new_,
	   struct ab_result **out, char *err, size_t err_len);

void ab_result_free(struct ab_result *r);

#endif
