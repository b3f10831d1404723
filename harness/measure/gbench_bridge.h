/*
 * gbench_bridge.h - a small C API over Google Benchmark 1.7.1.
 *
 * The harness is C11; Google Benchmark is C++.  This header is plain C and is
 * implemented by gbench_bridge.cc, the only C++ file of the project.  It lets
 * C code register benchmark functions, drive the timing loop, set counters,
 * skip a case with a reason, and run everything, receiving every
 * per-repetition result through a C callback while Google Benchmark writes
 * its own JSON (the file compare.py reads).
 *
 *   gb_init(&argc, argv)      --benchmark_* flags, e.g.
 *                             --benchmark_enable_random_interleaving=true
 *   gb_register("convert/mirror/npages:512/batch:64", fn, arg, &opt)
 *   gb_register("direct/mirror/npages:512/batch:64", fn, arg, &opt)
 *   gb_run("results/.../gbench.json", GB_RUN_CONSOLE, cb, ctx)
 *       -> fn(st, arg) { while (gb_keep_running(st)) { ...timed... } }
 *       -> cb(ctx, report) once per case and repetition
 *
 * Order: without --benchmark_enable_random_interleaving, Google Benchmark
 * runs the registered benchmarks in registration order, each repetition of
 * one after the other.  The sweep registers one repetition of each bench
 * per gb_run() and orders them itself (sweep_rounds.c: the cases of a round
 * shuffled, the backends of a case next to each other), so drift of the
 * machine spreads over both sides of every paired comparison.  With the
 * flag, Google Benchmark would shuffle the repetitions of all cases;
 * results are reported per case, after all of its repetitions.
 *
 * Left out on purpose: arguments/ranges (the case name carries the
 * parameters), complexity, fixtures, memory managers, CSV output.
 *
 * Threading: gb_run() and gb_register() must be called from one thread.
 * The gb_state functions are called by the benchmark function on the thread
 * Google Benchmark runs it on (several at once when threads > 1).
 */
#ifndef PFNBENCH_GBENCH_BRIDGE_H
#define PFNBENCH_GBENCH_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Parse and remove the --benchmark_* flags of argv (benchmark::Initialize).
 * argv[0] is kept; what Google Benchmark did not recognise is left in
 * argv[1..*argc).  Returns 0, or -EINVAL when arguments remain or a flag
 * value is one Google Benchmark would exit on (--help, a bad
 * --benchmark_format / --benchmark_out_format, an empty --benchmark_color)
 * or --benchmark_out=FILE (gb_run() writes the JSON; Google Benchmark's own
 * file output exits when FILE cannot be opened);
 * the caller prints argv[1..*argc) and decides.  Never exits, never prints.
 * Calling it is optional: gb_run() initialises with defaults otherwise.
 */
int gb_init(int *argc, char **argv);

/* A benchmark::State, seen from C.  Valid only inside the gb_fn call. */
struct gb_state;
typedef void (*gb_fn)(struct gb_state *st, void *arg);

struct gb_options {
	int repetitions;      /* <= 0: Google Benchmark's default (1, or the flag) */
	double min_time_s;    /* <= 0: default (0.5 s, or the flag) */
	int64_t iterations;   /* > 0: exactly this many iterations per repetition */
	int threads;          /* > 0: run on this many threads (name gets
				 "/threads:N"); <= 0: one thread, no suffix */
	bool manual_time;     /* time is what gb_set_iteration_time() says */
	/*
	 * Only the console table shows aggregates instead of repetitions; the
	 * JSON and the callback always get every repetition (compare.py's
	 * U test needs them).
	 */
	bool console_aggregates_only;
};

/*
 * Register fn(st, arg) under name, time unit ns.  name and opt are copied;
 * arg must stay valid until gb_run() returns.  opt may be NULL (defaults).
 * The Google Benchmark name that results carry is name plus suffixes for the
 * options set ("/repeats:3", "/manual_time", "/threads:2", ...).
 * Returns 0, -EINVAL (NULL name or fn, empty name) or -ENOMEM.
 */
int gb_register(const char *name, gb_fn fn, void *arg, const struct gb_options *opt);
/* Forget every registered benchmark (benchmark::ClearRegisteredBenchmarks). */
void gb_clear(void);

/* The timing loop: while (gb_keep_running(st)) { ... }.  KeepRunning(). */
bool gb_keep_running(struct gb_state *st);
/* Stop / restart the clock inside the loop (PauseTiming / ResumeTiming). */
void gb_pause(struct gb_state *st);
void gb_resume(struct gb_state *st);
/* With manual_time: the time of this iteration, in seconds. */
void gb_set_iteration_time(struct gb_state *st, double seconds);
/* Iterations completed so far by this thread. */
int64_t gb_iterations(const struct gb_state *st);
/* Planned iterations of this run (State::max_iterations). */
int64_t gb_max_iterations(const struct gb_state *st);
int gb_thread_index(const struct gb_state *st);
int gb_threads(const struct gb_state *st);

/*
 * Counters.  The value set last under a name wins (per thread); the threads'
 * values are summed, then the flags apply (benchmark::Counter::Finish):
 *   GB_COUNTER_THREADS         0: the sum over threads (the default)
 *   GB_COUNTER_RATE            divided by the run's seconds (cpu time, or
 *                              the manual time with manual_time)
 *   GB_COUNTER_AVG_THREADS     divided by the number of threads
 *   GB_COUNTER_AVG_ITERATIONS  divided by the iterations
 * GB_COUNTER_AVG_ITERATIONS divides by the iterations of ALL threads
 * together.  So a per-page counter is: each thread, after its loop, sets
 * its own total over its iterations divided by the pages of one iteration,
 * with GB_COUNTER_AVG_ITERATIONS alone, e.g.
 *     gb_counter(st, "faults_per_page", (double)faults / npages,
 *                GB_COUNTER_AVG_ITERATIONS);
 * (sum over threads / all iterations = per page of one call).  Adding
 * GB_COUNTER_AVG_THREADS would divide by the threads a second time.
 * name is copied.
 */
#define GB_COUNTER_THREADS 0u
#define GB_COUNTER_RATE (1u << 0)
#define GB_COUNTER_AVG_THREADS (1u << 1)
#define GB_COUNTER_AVG_ITERATIONS (1u << 2)
void gb_counter(struct gb_state *st, const char *name, double value, unsigned flags);

/*
 * Skip this case with a reason (1.7.1 has only SkipWithError): the run comes
 * out with error_occurred and the reason, in the JSON ("error_occurred",
 * "error_message") and in the callback.  Call it before the loop (the loop
 * then runs zero times) or inside it and then break; return right after.
 */
void gb_skip(struct gb_state *st, const char *reason);

struct gb_run_report {
	const char *name;            /* full Google Benchmark name, with suffixes */
	const char *function_name;   /* the name given to gb_register() */
	int64_t repetition_index;    /* 0-based */
	int64_t repetitions;         /* of this case */
	int64_t iterations;
	double real_time_ns;         /* per iteration (manual time if manual_time) */
	double cpu_time_ns;          /* per iteration, of the calling threads */
	bool error_occurred;         /* skipped (gb_skip) */
	const char *error_message;   /* "" when not skipped */
	int threads;
	size_t nr_counters;          /* counters as finalised by Google Benchmark */
	const char *const *counter_names;
	const double *counter_values;
};
/* Pointers in *r are valid only during the call. */
typedef void (*gb_report_fn)(void *ctx, const struct gb_run_report *r);

/* gb_run() flags. */
#define GB_RUN_CONSOLE (1u << 0) /* print Google Benchmark's table to stderr */

/*
 * Run every registered benchmark (after --benchmark_filter).  When json_path
 * is not NULL, Google Benchmark's JSONReporter writes json_path ".tmp", which
 * is renamed to json_path when complete; on failure the .tmp is removed and
 * json_path is untouched.  cb (may be NULL) gets every per-repetition run
 * (aggregates are not passed on), in the order Google Benchmark reports them.
 * Returns 0, -EINVAL (json_path empty), -ENOENT (no benchmark registered or
 * matching --benchmark_filter, or a filter that is not a valid regex; no
 * JSON is written), -EIO (the JSON could not be written), -ENOMEM, or
 * -errno of rename().  An error inside a benchmark (gb_skip) is
 * a result, not an error of gb_run().
 */
int gb_run(const char *json_path, unsigned flags, gb_report_fn cb, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
