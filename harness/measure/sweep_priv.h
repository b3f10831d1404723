/*
 * sweep_priv.h - what the sweep's parts share: the expanded cases and
 * benchmarks, the results directory and meta.json (sweep.c), the Google
 * Benchmark driver (sweep_gbench.c) and the callgrind driver
 * (sweep_callgrind.c).  Not for other modules.
 */
#ifndef PFNBENCH_SWEEP_PRIV_H
#define PFNBENCH_SWEEP_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "case.h"
#include "comparisons.h"
#include "results.h"
#include "sweep.h"

/* passes that do not fault repeat until one iteration covers this many pages */
#define SWEEP_MIN_PAGES_PER_ITER 4096UL
/* the skip reason of cases cut short by a signal (they get no row) */
#define SWEEP_INTERRUPTED "interrupted"
/* pages faulted per repetition of a case whose workload asks for faults */
#define SWEEP_FAULT_PAGES 16384UL
/* iterations of a repetition that does not rebuild, at the least and at the most (after round 0) */
#define SWEEP_MIN_ITERATIONS 15
#define SWEEP_MAX_ITERATIONS 1000000
/* rewrite results.csv at most this often (and always at the end); rows in between are appended */
#define SWEEP_COMMIT_INTERVAL_NS 1000000000ULL
/*
 * ... and, as the files grow, no sooner than this many times as long as
 * the last rewrite took, so that rewriting stays under 2% of the run: at
 * the end of the default sweep results.csv is 6 MB and gbench.json 16 MB,
 * and rewriting them every second took a tenth of its time (perf: the
 * printing of doubles).  The same for gbench.json.  Never more than
 * SWEEP_COMMIT_MAX_NS apart, so that one stalled fsync does not leave
 * meta.json's progress stale for minutes.
 */
#define SWEEP_COMMIT_SPACING 50
#define SWEEP_COMMIT_MAX_NS 30000000000ULL

/* The wait before the next rewrite of a file whose last one took @cost_ns. */
static inline uint64_t sweep_commit_gap_ns(uint64_t cost_ns)
{
	if (cost_ns <= SWEEP_COMMIT_INTERVAL_NS / SWEEP_COMMIT_SPACING)
		return SWEEP_COMMIT_INTERVAL_NS;
	return cost_ns < SWEEP_COMMIT_MAX_NS / SWEEP_COMMIT_SPACING ? cost_ns * SWEEP_COMMIT_SPACING
								     : SWEEP_COMMIT_MAX_NS;
}

/*
 * The warm-up of cache = warm (sweep_gbench.c): after the first untimed
 * pass (itself the first unit where a unit is one pass), untimed units of
 * one iteration's passes (one pass after a rebuild where passes fault)
 * repeat until the last SWEEP_WARM_SETTLE units took within SWEEP_WARM_TOL
 * of each other, or SWEEP_WARM_MAX_UNITS units have run, or
 * SWEEP_WARM_MAX_NS has gone (checked before each unit, so the last unit
 * can run past it).  Measured here after other cases had run: at 2^18
 * pages nouveau-v5.8's passes took 16.6, 16.2, 13.8, 9.7, 7.7, 7.5, 7.5
 * ns/page (the working set settling into the last-level cache over several
 * passes), so one warm-up pass left the timed iteration anywhere between 8
 * and 18.
 */
#define SWEEP_WARM_SETTLE 3
#define SWEEP_WARM_TOL 0.05
#define SWEEP_WARM_MAX_UNITS 12
#define SWEEP_WARM_MAX_NS 50000000ULL

_Static_assert(SWEEP_WARM_SETTLE <= SWEEP_WARM_MAX_UNITS, "the caps leave room to settle");

/* Have the last SWEEP_WARM_SETTLE of n warm-up units (ns each) settled? */
static inline bool sweep_warm_settled(const uint64_t *unit_ns, unsigned n)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	if (n < SWEEP_WARM_SETTLE)
		return false;
	for (unsigned i = n - SWEEP_WARM_SETTLE; i < n; i++) {
		lo = unit_ns[i] < lo ? unit_ns[i] : lo;
		hi = unit_ns[i] > hi ? unit_ns[i] : hi;
	}
	return (double)hi <= (1.0 + SWEEP_WARM_TOL) * (double)lo;
}

/* Another warm-up unit after n units (ns each) and spent_ns of warm-up in all? */
static inline bool sweep_warm_more(const uint64_t *unit_ns, unsigned n, uint64_t spent_ns)
{
	return !sweep_warm_settled(unit_ns, n) && n < SWEEP_WARM_MAX_UNITS && spent_ns < SWEEP_WARM_MAX_NS;
}

struct sweep;

#define SWEEP_WARM_UNKNOWN 0
#define SWEEP_WARM_CLEAN 1
#define SWEEP_WARM_FAULTED 2

/* One registered benchmark: a case run by one backend. */
struct sweep_bench {
	struct sweep *sw;
	const struct case_desc *sc;
	const struct pfn_backend_ops *ops;
	char name[RESULT_STR_LONG];
	/* written by thread 0 of the benchmark function, read by the report */
	char placement_actual[RESULT_STR_LONG];
	char skip_reason[RESULT_STR_LONG];
	unsigned long pages_per_iter;
	bool skipped_recorded;
	/* the rounds (sweep_rounds.c) */
	int64_t iterations;             /* per thread, from round 0; 0 = not known yet */
	int warm;                       /* SWEEP_WARM_*: did its first (untimed) pass fault */
	bool dead;                      /* skipped: not run again */
	bool settled;                   /* every comparison it is in settled: it sits out the case's
					   later rounds (sweep_rounds.c) */
	double *vals;                   /* vals[round]: the paired metric, NAN when missing */
	size_t nr_vals;
};

/* Where one case stands in the rounds (sweep_rounds.c). */
struct sweep_case_run {
	double seconds;                 /* wall time of its benchmark calls, set-up included,
					   and its share of each round's time around them */
	double seconds_before;          /* seconds when the round began */
	double last_round_s;            /* the last round's share of seconds (the time left) */
	unsigned rounds;                /* rounds it ran */
	bool done;
	double reached;                 /* the largest 95% CI half-width of its comparisons, NAN none */
	const char *stopped;            /* why it stopped (SWEEP_STOP_*) */
	double half[PFN_MAX_COMPARISONS]; /* each declared comparison's half-width, NAN none */
	double spread[PFN_MAX_COMPARISONS]; /* its differences' paired_spread(), NAN none */
	const char *settled[PFN_MAX_COMPARISONS]; /* SWEEP_STOP_TARGET or _REACH once settled, else NULL */
};

/* One run of `pfnbench run` or `pfnbench callgrind`. */
struct sweep {
	const struct sweep_config *cfg;
	const struct sweep_options *opt;
	struct case_env env;            /* what every case's setup takes */
	struct topo *topo;
	size_t llc_bytes;
	struct case_desc *cases;
	size_t nr_cases;
	struct sweep_bench *benches;
	size_t nr_benches;
	struct results_csv *csv;
	char dir[PATH_MAX];
	size_t nr_reports;
	size_t nr_finished;             /* reports that are results (not cut short) */
	uint64_t t_start_ns, t_last_commit_ns;
	uint64_t commit_cost_ns;        /* the last rewrite of results.csv took */
	time_t started;                 /* wall clock, for meta.json */
	int commit_error;
	struct results_tail tail;      /* results.csv between rewrites: rows appended at once */
	char (*case_skip)[RESULT_STR_LONG]; /* per case: why it cannot run here (sweep_check.c) */
	size_t nr_ok;                   /* rows measured (not skipped) */
	json_t *progress;               /* meta.json "progress" while the run goes, or NULL */
	json_t *skipped;
	json_t *counters;             /* availability, from the first open */
	json_t *kernel_source;        /* per workload: what the real kernel revealed */
	json_t *bandwidth;            /* meta.json "bandwidth" (bandwidth.h), or NULL */
	json_t *hugepages;            /* meta.json "hugepages" (hugepages.h) */
	json_t *fixed_costs;          /* meta.json "fixed_costs" (fixedcost.h), or NULL */
	struct sweep_case_run *crun;    /* per case (NULL for callgrind) */
	unsigned round;                 /* the round running */
	json_t *gbench;                 /* gbench.json so far: every round's runs */
	json_t *gbench_reps;            /* registered name -> its runs in gbench */
	uint64_t t_last_json_ns;        /* gbench.json last written */
	uint64_t json_cost_ns;          /* ... and how long that took */
	struct case_keep keep;          /* the space of the case running (thread 0, threads = 1) */
	/* the warm-up (sweep_warm_settled()), thread 0's: repetitions warmed, units, and those capped */
	unsigned long warm_reps, warm_units, warm_capped;
	const char *kind;             /* meta.json "kind": "timing" or "callgrind" */
	char valgrind_version[64];    /* callgrind: `valgrind --version` */
};

/* Start sw for cfg and opt (the clock, the skipped list); free it with sweep_free(). */
void sweep_init(struct sweep *sw, const struct sweep_config *cfg, const struct sweep_options *opt);
/* Open the topology (sw->topo, llc_bytes, env).  0 or topo_open()'s -errno. */
int sweep_open_topology(struct sweep *sw);
/*
 * Expand the config into cases, every one with every backend (a clamped
 * batch can make two cases the same: one is kept).  0, -ENOMEM, or
 * -ENAMETOOLONG for a case name too long.
 */
int sweep_expand(struct sweep *sw);
void sweep_free(struct sweep *sw);

/* The benchmark called name; NULL if there is none. */
struct sweep_bench *sweep_bench_by_name(struct sweep *sw, const char *name);

/* A new row with the columns that describe sb's case (everything but the measurements). */
void sweep_row_init(struct result_row *row, const struct sweep_bench *sb);

/* A new results directory with a copy of the config; err says what failed. */
int sweep_open_results_dir(struct sweep *sw, char *dir_out, size_t dir_len, char *err, size_t errlen);

/* Write meta.json (complete or not, and where it stopped).  0 or -errno. */
int sweep_write_meta(struct sweep *sw, bool complete, const char *stopped_at);

/* ---- the rounds (sweep_rounds.c) ----------------------------------------- */

#define SWEEP_STOP_REPETITIONS "repetitions"   /* precision = none: the rounds asked for */
#define SWEEP_STOP_TARGET "precision reached"
#define SWEEP_STOP_TIME "max_time"             /* the cap, short of the target */
#define SWEEP_STOP_NO_PAIRS "no comparison"    /* no declared comparison with values */
#define SWEEP_STOP_REACH "out of reach"        /* the rounds it needs are far beyond max_time */

/* The benches of case ci: sw->benches[ci * nr_backends ...]. */
static inline struct sweep_bench *sweep_case_benches(struct sweep *sw, size_t ci)
{
	return &sw->benches[ci * sw->cfg->nr_backends];
}

/* Set up the rounds: sw->crun.  0 or -ENOMEM. */
int sweep_rounds_init(struct sweep *sw);

/* Keep value v (NAN: none) of sb for round.  0 or -ENOMEM. */
int sweep_rounds_value(struct sweep_bench *sb, unsigned round, double v);

/*
 * After a round: judge every case still running by the stopping rule
 * (enough rounds; then every declared comparison's 95% CI half-width at
 * or under precision, or max_time spent), and write the reached precision
 * into every row of each case that stopped.  Returns how many cases go on.
 */
size_t sweep_rounds_judge(struct sweep *sw);

struct gb_run_report;
/* Google Benchmark's report of one run (ctx: the sweep): its row of results.csv (sweep_rows.c). */
void sweep_report(void *ctx, const struct gb_run_report *r);
/* Rewrite results.csv and meta.json's progress, if a second has passed since the last time or force. */
void sweep_commit(struct sweep *sw, bool force);

/*
 * The order of case ci's backends in this round into border[] (indices
 * into the config's backends): the backends joined by declared
 * comparisons (nouveau v5.7, v5.8 and v6.1; each other pair) run one
 * after the other, the groups in a random order and each group's members
 * in a random order of their own, reproducible from the seed, the case
 * and the round.
 */
void sweep_rounds_order(struct sweep *sw, size_t ci, size_t *border);

/*
 * The time left of one case after ROUNDS rounds that took SECONDS, the
 * last of them LAST_ROUND_S: the rounds still owed to MIN_ROUNDS, and with
 * a precision TARGET the rounds that bring the interval REACHED down to
 * it, as 1/sqrt(rounds) (REACHED NAN, too few pairs yet: up to
 * MAX_TIME_S), no further than MAX_TIME_S; each as long as the last round
 * (the first round also carries Google Benchmark's trial runs: after it
 * alone the estimate runs high).  NAN when no round has run.
 */
double sweep_case_eta_s(unsigned rounds, unsigned min_rounds, double seconds, double last_round_s, double reached,
			double target, double max_time_s);

/* The time left of the cases still going (after sweep_rounds_judge()). */
double sweep_rounds_eta_s(const struct sweep *sw);

/* Stop every case still running with why, and what it reached. */
void sweep_rounds_stop_all(struct sweep *sw, const char *why);

/*
 * Append the runs of the round's Google Benchmark JSON at path to
 * sw->gbench (names made the registered name, repetition_index the
 * bench's count) and remove path.  0 or -errno.
 */
int sweep_rounds_merge_json(struct sweep *sw, const char *path);
/* Write sw->gbench as DIR/gbench.json, atomically.  0 or -errno. */
int sweep_rounds_write_json(struct sweep *sw);

/*
 * After a round of wall time round_s: charge each case that ran in it
 * its share of the time outside the benchmark calls (Google Benchmark,
 * the files), in proportion to none: equally, so that the cases' seconds
 * add up to the wall time of the rounds and max_time bounds the sweep.
 */
void sweep_rounds_charge(struct sweep *sw, double round_s);

/* meta.json's "precision": the target, the cap, and every case's stand. */
json_t *sweep_rounds_json(const struct sweep *sw);

/* A shuffle of n indices into v, from the seed and round (reproducible). */
void sweep_rounds_shuffle(size_t *v, size_t n, uint64_t seed, unsigned round);

#endif
