/*
 * benchmark_flags.h - the --benchmark_* flags `pfnbench run` passes to
 * Google Benchmark: each one is honoured (and recorded in meta.json
 * "benchmark_flags") or refused with its reason, never accepted and
 * ignored.
 *
 *   honoured by Google Benchmark   filter (pfnbench checks it first: a
 *                                  regular expression that selects a case)
 *   honoured by pfnbench           repetitions and min_time (they replace
 *                                  the config's values; meta.json's
 *                                  "config" has the values used),
 *                                  list_tests (list the cases the filter
 *                                  selects, create nothing)
 *   refused                        every other flag, with why
 *                                  (enable_random_interleaving too: the
 *                                  sweep orders its rounds itself)
 */
#ifndef PFNBENCH_BENCHMARK_FLAGS_H
#define PFNBENCH_BENCHMARK_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Is arg (a "--benchmark_..." argument) one pfnbench honours?  0, or
 * -EINVAL with err "--benchmark_X: REASON (what to do)".
 */
int benchmark_flag_check(const char *arg, char *err, size_t errlen);

/* Was the flag --benchmark_NAME given among argv[0..argc)? */
bool benchmark_flag_given(int argc, char **argv, const char *name);

#endif
