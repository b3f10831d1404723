/*
 * report_model.h - the numbers of a results directory, ready for the
 * report: results.csv and meta.json loaded, every ok row of a known backend
 * parsed once, the rows indexed by case and backend, the cases grouped into
 * tables and the tables paired by page-table source, and the medians and
 * the ratios of every declared comparison computed.  Pure: no output, no figures (report.c
 * and its sections read it), so it has unit tests of its own
 * (tests/test_report_model.c on tests/data/results-fixture*).
 *
 *   case   the "case" column: one comparison of every backend
 *   group  one table: the cases of one workload with the same settings,
 *          grouped by the CSV's own columns (workload, cache, request,
 *          placement_req, source, threads), named WORKLOAD[/VARIANT] with
 *          results_case_variant(), sorted by npages and batch; groups are
 *          sorted by name
 *   pair   a workload (+ variant) with its group on each page-table source
 *          ("mirror" and "mirror/kernel"), side by side in the breakdown,
 *          the headline and the stage figures
 *
 *   backend  indexed by its place in kernels/backends.c's table
 *          (pfn_backends[]); m->has[b] says whether the results have rows
 *   comp   a declared comparison (comparisons.h) whose two backends both
 *          have rows: conversion path against era-B path; comps[0] is
 *          the headline (nouveau v5.8 / v5.7 when both ran)
 *
 * Statistics: a median is over the repetitions of one case and backend;
 * a comparison pairs the repetitions of its two backends by index (the
 * sweep ran repetition r of every backend of a case next to each other,
 * in round r) and takes the Hodges-Lehmann estimate of the paired
 * differences and of the paired log ratios, each with its signed-rank 95%
 * interval (common/paired.h: one outlier pair cannot move it); a case is
 * significant when the ratio's interval excludes 1.0.  Left out: rows whose status is not "ok" and
 * backends this build does not know (counted, not indexed).
 */
#ifndef PFNBENCH_REPORT_MODEL_H
#define PFNBENCH_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "comparisons.h"
#include "report_data.h"
#include "results.h"

/* Slots for backends: the table's index (pfn_backends[]). */
#define RM_MAX_BACKENDS 32

/* One case (the same for every backend) and its rows per backend. */
struct rcase {
	const char *name;		/* the case column, points into the table */
	long npages, batch;
	size_t group;			/* index into groups */
	size_t *rows[RM_MAX_BACKENDS];	/* ok rows of each backend */
	size_t nr[RM_MAX_BACKENDS];
};

/*
 * The conversion-vs-direct numbers of one comparison in one case, from the
 * time column m->tcol.  With pairs (repetitions of the same index), diff
 * and ratio are Hodges-Lehmann estimates of the paired differences and log
 * ratios (paired.h), each inside its own interval; without pairs, the
 * difference and ratio of the medians, with no interval.
 */
struct rratio {
	int ok;				/* both medians known */
	int has_ci;			/* >= PAIRED_MIN_CI pairs: lo, hi, dlo, dhi, half */
	int sig;			/* the ratio's CI excludes 1.0 */
	size_t pairs;
	double conv, direct;		/* medians over the repetitions */
	double diff, dlo, dhi, half;	/* conv - direct, ns/page: estimate, 95% CI, its half-width */
	double ratio, lo, hi;		/* conv / direct: estimate, 95% CI */
};

/* The cases of one workload with the same settings: one table. */
struct rgroup {
	char *name;			/* "mirror" or "mirror/VARIANT" */
	char *file;			/* name made safe for file names */
	char *pair_name;		/* the name without the source part */
	enum config_source source;
	const char *workload;		/* points into the table */
	size_t *cases;			/* sorted by npages, batch, name */
	size_t nr_cases;
	struct rratio *ratio;		/* the headline comparison's, per case */
	struct rratio **ratios;		/* ratios[k][i]: comparison k, case i */
};

/* One workload (+ variant) with its group on each page-table source. */
struct rpair {
	char *name;			/* group name without the source part */
	char *file;			/* name made safe for file names */
	long grp[CONFIG_NR_SOURCES];	/* index into groups, -1 when absent */
};

struct rmodel {
	char dir[4096];			/* the results directory */
	struct rdata *t;		/* results.csv */
	json_t *meta;			/* meta.json; NULL when missing */
	int col[RCOL_NR];		/* t's column of each results column, -1 missing */
	double *v;			/* v[row * RCOL_NR + col]: parsed numbers, NAN empty */
	struct rcase *cases;
	size_t nr_cases;
	struct rgroup *groups;
	size_t nr_groups;
	struct rpair *pairs;
	size_t nr_pairs;
	size_t nr_skipped;		/* rows whose status is not ok */
	size_t nr_unknown_backend;	/* ok rows of another backend */
	int nr_be;			/* slots in use: the table's length */
	bool has[RM_MAX_BACKENDS];	/* backend b has ok rows */
	struct pfn_comparison comps[PFN_MAX_COMPARISONS]; /* both sides have rows */
	int comp_b[PFN_MAX_COMPARISONS][2]; /* [k][0] conversion, [k][1] direct: slots */
	size_t nr_comps;
	int conv, direct;		/* slots of comps[0], -1 without one */
	int null_b;			/* slot of the backend with no HMM at all, -1 */
	enum result_col tcol;		/* the time the comparisons pair: ns_per_page_median when the
					   results have it, else ns_per_page */
	double target;			/* meta.json's precision target, ns/page; NAN: none */
};

/* The name of backend slot b. */
const char *rmodel_backend_name(const struct rmodel *m, int b);

/*
 * Load the results directory (or results.csv) arg.  Returns 0 with *out
 * (free with rmodel_free()), or with a message in err: -ENOENT (no
 * results.csv), -EINVAL ("FILE:LINE: ..." for a malformed CSV, a missing
 * column, a field that is not a number, a damaged meta.json, no ok row of
 * a known backend), -ENOMEM, or another -errno of reading.
 */
int rmodel_load(const char *arg, struct rmodel **out, char *err, size_t err_len);
void rmodel_free(struct rmodel *m);

/* The parsed value of results column col in row (NAN when empty or absent). */
double rmodel_value(const struct rmodel *m, size_t row, enum result_col col);

/*
 * The values of column col for backend b of rc, empty ones skipped, into
 * v (rc->nr[b] slots); with rep, the repetition of each.  Returns how many.
 */
size_t rmodel_samples(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double *v,
		      long *rep);

/* Median of column col for backend b of rc: 0, -ENODATA (no value), -ENOMEM. */
int rmodel_median(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double *out);

/* Smallest and largest value: 0, -ENODATA, -ENOMEM. */
int rmodel_minmax(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double *mn,
		  double *mx);

/*
 * Medians of the stage columns of backend b: 0 with v (NAN for a stage
 * without values) and *sum, -ENODATA when no stage has a value or they
 * sum to 0, -ENOMEM.
 */
int rmodel_stage_medians(const struct rmodel *m, const struct rcase *rc, int b, double v[PFN_STAGE_NR],
			 double *sum);

/* Does column col have a value among the ok rows of group g (of any group)? */
bool rmodel_group_has(const struct rmodel *m, const struct rgroup *g, enum result_col col);
bool rmodel_any_has(const struct rmodel *m, enum result_col col);

/* Does column col have a value in any row of results.csv, ok or not? */
bool rmodel_column_any(const struct rmodel *m, enum result_col col);

/* The case of group gi with npages and batch, or NULL (gi < 0: NULL). */
const struct rcase *rmodel_group_case(const struct rmodel *m, long gi, long npages, long batch);

/* The pair called name, or NULL. */
const struct rpair *rmodel_pair(const struct rmodel *m, const char *name);

/*
 * The conversion share of backend b in group gi at a driver's batch: the
 * conversion stages (vocab.h) over the sum of the stages, in %, of the case
 * with batch `batch` (npages == batch preferred, else the largest npages);
 * batch < 0: the largest npages walked in one call.  0 with *share and
 * *npages, -ENODATA, -ENOMEM.
 */
int rmodel_conv_share(const struct rmodel *m, int b, long gi, long batch, double *share, long *npages);
/* The case rmodel_conv_share() takes for group gi and batch, or NULL. */
const struct rcase *rmodel_conv_case(const struct rmodel *m, long gi, long batch);

/*
 * The case of group gi at a driver's batch (as rmodel_conv_share() picks
 * it): its index in the group, or -1.
 */
long rmodel_driver_case(const struct rmodel *m, long gi, long batch);

/* The largest number of repetitions of any backend of rc. */
size_t rmodel_reps(const struct rcase *rc);

/* meta.json: a string of object obj (NULL: the top level), or NULL. */
const char *rmodel_meta_str(const struct rmodel *m, const char *obj, const char *key);
/* meta.json: an integer of object obj, or dflt. */
long rmodel_meta_int(const struct rmodel *m, const char *obj, const char *key, long dflt);

#endif
