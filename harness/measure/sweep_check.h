/*
 * sweep_check.h - what this machine cannot give a case, known before
 * anything runs: the NUMA nodes its placement names (in the topology and
 * to libnuma), CPUs for its threads (thread k is bound to the k-th CPU of
 * the cpu node, node 0 for local; the CPUs this process may run on), and
 * the memory it needs (case_memory_check()).
 *
 * `pfnbench run` refuses a sweep none of whose cases can run, with the
 * reasons and without creating anything (exit 2); a case that cannot run
 * in a sweep that has others is skipped with its reason in its first
 * round, without setting it up (sweep_gbench.c), and its row says so.
 */
#ifndef PFNBENCH_SWEEP_CHECK_H
#define PFNBENCH_SWEEP_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep_priv.h"

/* Check every case of sw (sw->case_skip).  0 or -ENOMEM. */
int sweep_check_cases(struct sweep *sw);

/* How many cases can run here (after sweep_check_cases()). */
size_t sweep_nr_can_run(const struct sweep *sw);

/* Why case sc cannot run here, or NULL when it can. */
const char *sweep_case_skip(const struct sweep *sw, const struct case_desc *sc);

/*
 * The reasons of the cases that cannot run, "CASE: REASON (and N more
 * cases); ...", each reason once; only cases with matched[i] when matched
 * is not NULL.
 */
void sweep_check_summary(const struct sweep *sw, const bool *matched, char *buf, size_t len);

/*
 * --benchmark_filter checked before anything is created, and
 * --benchmark_list_tests: the names it selects printed.  0, or -EINVAL
 * (not a regular expression), -ESRCH (no name matches) with err.
 */
int sweep_filter(const struct sweep *sw, char *err, size_t errlen);

/* A run whose every row was skipped: -ENODATA, err with each reason once. */
int sweep_nothing_measured(const struct sweep *sw, char *err, size_t errlen);

#endif
