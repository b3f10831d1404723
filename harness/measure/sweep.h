/*
 * sweep.h - `pfnbench run`: expand a sweep config into cases, register one
 * Google Benchmark per case and backend, run them in rounds (sweep_rounds.c), and write
 * the results directory (docs/results-format.md).
 */
#ifndef PFNBENCH_SWEEP_H
#define PFNBENCH_SWEEP_H

#include <signal.h>
#include <stddef.h>

#include "config.h"

struct sweep_options {
	const char *config_path;
	const char *out_parent;      /* results/ */
	const char *command_line;    /* for meta.json */
	bool console;                /* Google Benchmark's own table on stderr */
	volatile sig_atomic_t *stop; /* set by a signal handler: finish early */
	const char *filter;          /* --benchmark_filter's value, or NULL */
	bool list;                   /* --benchmark_list_tests: print the names, create nothing */
	char **benchmark_flags;      /* the --benchmark_* flags given, for meta.json */
	size_t nr_benchmark_flags;
};

/*
 * Run the sweep of cfg.  dir_out receives the results directory.  Returns 0
 * when every case ran or was skipped with a reason, -EINTR when *stop was
 * set (what finished is written, meta.json says incomplete), or -errno when
 * the results could not be written (err says what).
 */
int sweep_run(const struct sweep_config *cfg, const struct sweep_options *opt, char *dir_out,
	      size_t dir_len, char *err, size_t errlen);

/*
 * `pfnbench callgrind`: the cases of cfg counted under valgrind's callgrind
 * (exact instructions per page of the measured passes only) into a new
 * results directory whose results.csv has callgrind_ir_per_page and the
 * bytes per page.  Starts valgrind on this executable with inside_dir set;
 * that run (inside_dir != NULL) counts and writes counted.tsv.  Returns 0 or
 * -errno with err filled.
 */
int sweep_count(const struct sweep_config *cfg, const struct sweep_options *opt, const char *inside_dir,
		char *dir_out, size_t dir_len, char *err, size_t errlen);

/*
 * `pfnbench run --perf-record CASE` (sweep_perf.c): can case_name of cfg be
 * profiled here?  0 with the event `perf record` will sample (why: the
 * reason it is not "cycles", or ""), or -errno with why saying what is
 * missing: no such case, no perf binary, no event perf may sample.
 */
int sweep_perf_check(const struct sweep_config *cfg, const char *case_name, char *event, size_t event_len,
		     char *why, size_t whylen);
/*
 * Profile case_name of cfg with `perf record` on this executable (which
 * runs sweep_perf_inside()) into dir: perf.data, perf-report.txt,
 * perf-folded.txt, perf-summary.txt.  0 or -errno with err filled.
 */
int sweep_perf_record(const struct sweep_config *cfg, const char *case_name, double seconds, const char *dir,
		      char *err, size_t errlen);
/*
 * Inside perf: run case_name's timed iterations until its passes took
 * seconds (or 10x that in wall time) and write opt->out_parent/perf-inside.txt.
 * 0 or -errno with err filled.
 */
int sweep_perf_inside(const struct sweep_config *cfg, const struct sweep_options *opt, const char *case_name,
		      double seconds, char *err, size_t errlen);

/* config_checks with the real backend and workload tables. */
extern const struct config_checks sweep_config_checks;

#endif
