/*
 * sweep_gbench.c - the Google Benchmark driver behind `pfnbench run`: one
 * benchmark per case and backend, named BACKEND/CASE, run in rounds
 * (sweep_rounds.c): each round registers one repetition of every backend
 * of every case still running, the cases in a random order and the
 * backends of a case one after the other, and Google Benchmark runs them
 * in that order; so both backends of a case are measured side by side on
 * the same address space: built once per case and round from the seeded
 * description, repopulated from it (untimed) before each backend that
 * finds it changed by a fault since its last populate (case.h's struct
 * case_keep, emu_mm_changed()); a case of several threads builds one per
 * backend and thread).  Between rounds the stopping rule decides which
 * cases go on (precision, max_time) and which backends of a case sit out
 * (their comparisons settled, sweep_rounds.c).
 *
 * What one timed iteration is (sweep_bench_fn):
 *
 *   [untimed]  rebuild the address space if the last pass faulted (a
 *              workload that asks for faults changes it); for cache = cold,
 *              write and read a buffer of twice the last-level cache
 *   [timed]    `inner` passes over the range, each pass one call per batch
 *              (case_run_pass()): requests, hmm_range_fault(), the second
 *              array and the conversion pass where the backend has them,
 *              with dma = yes the DMA mapping of every host page
 *              (iommu.h), the free
 *   [untimed]  perf counters stop when untimed work follows, the
 *              iteration time goes to Google Benchmark (manual time)
 *
 * For workloads that never fault, `inner` passes of the same range make one
 * iteration last at least SWEEP_MIN_PAGES_PER_ITER pages, so that reading
 * the clock is a small share of the time even at npages = 1; workloads that
 * fault run one pass per rebuild.  The cache flush of cache = cold runs
 * once per iteration, so with inner > 1 only the first pass of an
 * iteration starts cold (the config's help says so).  One untimed pass
 * precedes the loop; with cache = warm, untimed units of one iteration's
 * passes (one pass after a rebuild where passes fault) follow until their
 * times settle (bench_warm_up()).  Each iteration's time is kept:
 * ns_per_page_median is their median (ns_per_page, Google Benchmark's,
 * their mean).  With stages = separate, staged passes follow the timed
 * loop in the first `repetitions` rounds (bench_stages_apart()).
 *
 * The perf counters bracket the timed region: enabled just before the
 * first clock read, disabled just after the second whenever untimed work
 * (a rebuild, a cache flush) follows, and otherwise left running into the
 * next iteration (only Google Benchmark's loop bookkeeping and the store of
 * the iteration's time run between two timed regions, tens of ns against
 * at least SWEEP_MIN_PAGES_PER_ITER pages of work; only null, whose 4096
 * pages take ~100 ns, shows it).  What a bracket itself costs (the ioctls,
 * the two clock reads) is measured after each one by an empty bracket
 * while the clock is stopped, and subtracted
 * (perf_counters_exclude_bracket()): without that, the task clock of a
 * one-page first-touch pass was 5-9x its wall time (tests/cli_counters.sh
 * checks the two agree).
 *
 * The time of the null backend, which does no fault work, is this loop's
 * own cost per page: the report shows it next to the others.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "bandwidth.h"
#include "fixedcost.h"
#include "gbench_bridge.h"
#include "hugepages.h"
#include "kernel_source.h"
#include "msg.h"
#include "paired.h"
#include "perf.h"
#include "placement.h"
#include "sweep_check.h"
#include "sweep_priv.h"

/* One thread's run of one benchmark. */
struct bench_state {
	struct sweep_bench *sb;
	const struct case_desc *sc;
	struct case_run t;
	char why[RESULT_STR_LONG];
	uint64_t stage_ns[PFN_STAGE_NR];
	double stage_pages;		/* the pages stage_ns covers */
	int warm;			/* SWEEP_WARM_*: did the first (untimed) pass fault */
	unsigned long faults, walks, calls_per_pass, inner;
	uint64_t iters;
	double *it_ns;			/* each timed iteration's time */
	size_t nr_it, cap_it;
	double ctr_total[PC_NR];
	bool ctr_valid[PC_NR];
	bool thread0;
};

/* Skip the case with bs->why; thread 0 keeps the reason for the report. */
static void bench_skip(struct gb_state *st, struct bench_state *bs)
{
	if (bs->thread0)
		msg_printf(bs->sb->skip_reason, sizeof(bs->sb->skip_reason), "%s", bs->why);
	gb_skip(st, bs->why);
}

/* Why a pass failed, into bs->why. */
static void bench_pass_failed(struct bench_state *bs, int ret)
{
	snprintf(bs->why, sizeof(bs->why), "backend %s returned %d (%s) on workload %s", bs->sb->ops->name, ret,
		 strerror(-ret), bs->sc->workload);
}

/*
 * cache = warm: untimed units of `inner` passes (one iteration's; one pass
 * after a rebuild where passes fault) until their times settle or a cap
 * (sweep_priv.h's sweep_warm_more()).  The first pass, first_ns long, is
 * the first unit where a unit is one pass.  0, or -errno with bs->why.
 */
static int bench_warm_up(struct bench_state *bs, uint64_t first_ns)
{
	struct sweep *sw = bs->sb->sw;
	uint64_t unit_ns[SWEEP_WARM_MAX_UNITS], spent = first_ns;
	unsigned n = 0;
	int ret = 0;

	if (bs->inner == 1)
		unit_ns[n++] = first_ns;
	while (sweep_warm_more(unit_ns, n, spent)) {
		uint64_t t0 = case_now_ns(), t1;

		/* a pass that faulted is followed by a rebuild, as in the timed loop */
		ret = bs->faults > 0 ? case_run_rebuild(&bs->t) : 0;
		if (ret) {
			snprintf(bs->why, sizeof(bs->why), "rebuilding the address space failed: %s", strerror(-ret));
			return ret;
		}
		t1 = case_now_ns();
		for (unsigned long k = 0; k < bs->inner && !ret; k++)
			ret = case_run_pass(&bs->t, bs->sc, false, bs->stage_ns, &bs->faults, &bs->walks);
		if (ret) {
			bench_pass_failed(bs, ret);
			return ret;
		}
		unit_ns[n++] = case_now_ns() - t1;
		spent += case_now_ns() - t0;
	}
	memset(bs->stage_ns, 0, sizeof(bs->stage_ns));
	if (bs->thread0) {
		sw->warm_reps++;
		sw->warm_units += n;
		sw->warm_capped += !sweep_warm_settled(unit_ns, n);
	}
	return 0;
}

/* Set up, then the untimed warm-up (bench_warm_up()).  0, or -errno after gb_skip(). */
static int bench_start(struct gb_state *st, struct bench_state *bs)
{
	struct sweep_bench *sb = bs->sb;
	const struct case_desc *sc = bs->sc;
	int ret = case_run_setup(&bs->t, sc, sb->ops, &sb->sw->env, gb_thread_index(st), bs->why, sizeof(bs->why));
	uint64_t first_ns;

	if (ret) {
		bench_skip(st, bs);
		return ret;
	}
	bs->calls_per_pass = (sc->npages + sc->batch - 1) / sc->batch;

	/* the first pass, untimed: fills caches and TLBs, checks the path works */
	first_ns = case_now_ns();
	ret = case_run_pass(&bs->t, sc, false, bs->stage_ns, &bs->faults, &bs->walks);
	first_ns = case_now_ns() - first_ns;
	if (ret) {
		bench_pass_failed(bs, ret);
		bench_skip(st, bs);
		return ret;
	}
	memset(bs->stage_ns, 0, sizeof(bs->stage_ns));
	/*
	 * A pass that faulted changed the address space: it is rebuilt
	 * (untimed) before the next one, and such passes run one per
	 * iteration; passes that do not fault leave the space as it was and
	 * repeat `inner` times.
	 */
	bs->inner = bs->faults > 0 ? 1 : (SWEEP_MIN_PAGES_PER_ITER + sc->npages - 1) / sc->npages;
	bs->warm = bs->faults > 0 ? SWEEP_WARM_FAULTED : SWEEP_WARM_CLEAN;
	if (!bs->t.flush_buf) {
		ret = bench_warm_up(bs, first_ns);
		if (ret) {
			bench_skip(st, bs);
			return ret;
		}
	}
	return 0;
}

/* What a bracket holds besides the passes: the two clock reads. */
static void clock_pair(void *sink)
{
	uint64_t t0 = case_now_ns();

	*(volatile uint64_t *)sink = case_now_ns() - t0;
}

/* Measure what one bracket costs, to subtract it (perf.h). */
static void counters_exclude(struct case_run *t)
{
	uint64_t sink;

	perf_counters_exclude_bracket(t->pc, clock_pair, &sink);
}

/* Start the counters just before a timed region. */
static void counters_start(struct case_run *t, bool *counting)
{
	if (!t->pc || *counting)
		return;
	perf_counters_enable(t->pc);
	*counting = true;
}

/*
 * Stop the counters after a timed region, then measure an empty bracket.
 * Measured here (its cost ~770 ns of task clock, stable to 1-2% over
 * repetitions), an empty bracket right after the real one left
 * task_clock/wall at 0.92-0.98 at first-touch npages 1 and 1.02-1.05 at
 * npages 16; one right before the next enable, 0.83-0.89 and 1.02-1.05.
 */
static void counters_stop(struct case_run *t, bool *counting)
{
	if (!*counting)
		return;
	perf_counters_disable(t->pc);
	*counting = false;
	counters_exclude(t);
}

/* The timed iterations. */
static void bench_loop(struct gb_state *st, struct bench_state *bs)
{
	struct case_run *t = &bs->t;
	const struct case_desc *sc = bs->sc;
	const struct sweep *sw = bs->sb->sw;
	bool dirty = bs->faults > 0, counting = false;
	int ret;

	bs->faults = bs->walks = 0;
	if (t->pc)
		perf_counters_reset(t->pc);
	while (gb_keep_running(st)) {
		uint64_t t0, t1;
		unsigned long faults_before = bs->faults;

		if (sw->opt->stop && *sw->opt->stop) {
			gb_skip(st, SWEEP_INTERRUPTED " while this case ran");
			break;
		}
		if (dirty && case_run_rebuild(t)) {
			gb_skip(st, "rebuilding the address space failed");
			break;
		}
		if (t->flush_buf)
			case_run_cache_flush(t);
		counters_start(t, &counting);
		t0 = case_now_ns();
		ret = 0;
		for (unsigned long k = 0; k < bs->inner && !ret; k++)
			ret = case_run_pass(t, sc, sw->cfg->stages == CONFIG_STAGES_YES, bs->stage_ns, &bs->faults,
					    &bs->walks);
		t1 = case_now_ns();
		dirty = bs->faults > faults_before;
		/* untimed work comes next: the counters stop with the clock */
		if (dirty || t->flush_buf)
			counters_stop(t, &counting);
		if (ret) {
			snprintf(bs->why, sizeof(bs->why), "backend %s returned %d (%s)", bs->sb->ops->name, ret,
				 strerror(-ret));
			gb_skip(st, bs->why);
			break;
		}
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
		bs->iters++;
		if (bs->nr_it == bs->cap_it) {
			size_t cap = bs->cap_it ? 2 * bs->cap_it : 1024;
			double *p = realloc(bs->it_ns, cap * sizeof(*p));

			if (!p) {
				gb_skip(st, "out of memory for the iteration times");
				break;
			}
			bs->it_ns = p;
			bs->cap_it = cap;
		}
		bs->it_ns[bs->nr_it++] = (double)(t1 - t0);
	}
	if (sw->cfg->stages == CONFIG_STAGES_YES)
		bs->stage_pages = (double)bs->iters * bs->inner * sc->npages;
	if (t->pc) {
		double v[PC_NR];
		bool valid[PC_NR];

		counters_stop(t, &counting);
		if (!perf_counters_read(t->pc, v, valid))
			for (int i = 0; i < PC_NR; i++) {
				bs->ctr_total[i] = v[i];
				bs->ctr_valid[i] = valid[i];
			}
	}
}

/*
 * stages = separate: the stages timed in extra passes after the timed
 * iterations, on the first `repetitions` rounds only, so that the timed
 * passes carry no clock reads.  At least SWEEP_MIN_PAGES_PER_ITER pages,
 * the space rebuilt (untimed) after a pass that faulted.  0 or -errno.
 */
static int bench_stages_apart(struct bench_state *bs)
{
	const struct case_desc *sc = bs->sc;
	const struct sweep *sw = bs->sb->sw;
	unsigned long faults = 0, walks = 0, passes = (SWEEP_MIN_PAGES_PER_ITER + sc->npages - 1) / sc->npages;
	int ret = 0;

	if (sw->cfg->stages != CONFIG_STAGES_SEPARATE || sw->round >= sw->cfg->repetitions)
		return 0;
	for (unsigned long k = 0; k < passes && !ret; k++) {
		unsigned long before = faults;

		ret = case_run_pass(&bs->t, sc, true, bs->stage_ns, &faults, &walks);
		if (!ret && faults > before)
			ret = case_run_rebuild(&bs->t);
	}
	bs->stage_pages = (double)passes * sc->npages;
	return ret;
}

/* The measurements, as Google Benchmark counters named after their columns. */
static void bench_counters(struct gb_state *st, const struct bench_state *bs)
{
	const struct case_desc *sc = bs->sc;
	double pages = (double)bs->iters * bs->inner * sc->npages;
	double calls = (double)bs->iters * bs->inner * bs->calls_per_pass;
	const struct pfn_backend_stats *stats = &bs->t.b->stats;

	gb_counter(st, "pages_per_iter", (double)bs->inner * sc->npages, GB_COUNTER_AVG_THREADS);
	if (bs->nr_it) {
		/* the median iteration, per page: a preemption stretches a few iterations, not this */
		size_t n = bs->nr_it;
		double med;

		/* by selection: null runs 2 x 10^5 iterations, whose sort took longer than they did */
		med = paired_median(bs->it_ns, n);
		gb_counter(st, result_columns[RCOL_NS_PER_PAGE_MEDIAN].name, med / ((double)bs->inner * sc->npages),
			   GB_COUNTER_AVG_THREADS);
	}
	gb_counter(st, "calls_per_iter", (double)bs->inner * bs->calls_per_pass, GB_COUNTER_AVG_THREADS);
	gb_counter(st, result_columns[RCOL_FAULTS_PER_PAGE].name, bs->faults / pages, GB_COUNTER_AVG_THREADS);
	gb_counter(st, result_columns[RCOL_WALKS_PER_CALL].name, bs->walks / calls, GB_COUNTER_AVG_THREADS);
	gb_counter(st, result_columns[RCOL_BYTES_ALLOC_PER_PAGE].name,
		   stats->pages ? (double)stats->bytes_allocated / stats->pages : 0, GB_COUNTER_AVG_THREADS);
	gb_counter(st, result_columns[RCOL_BYTES_PERSISTENT_PER_PAGE].name,
		   (double)stats->bytes_persistent / sc->batch, GB_COUNTER_AVG_THREADS);
	for (int i = 0; i < PC_NR; i++)
		if (bs->ctr_valid[i])
			gb_counter(st, result_columns[RCOL_COUNTER(i)].name, bs->ctr_total[i] / pages,
				   GB_COUNTER_AVG_THREADS);
	if (bs->stage_pages > 0)
		for (int s = 0; s < PFN_STAGE_NR; s++)
			gb_counter(st, result_columns[RCOL_STAGE(s)].name, bs->stage_ns[s] / bs->stage_pages,
				   GB_COUNTER_AVG_THREADS);
}

/* Thread 0: where memory landed, what the real kernel revealed, which counters ran. */
static void bench_record(struct bench_state *bs)
{
	struct sweep_bench *sb = bs->sb;
	struct sweep *sw = sb->sw;
	int actual[EMU_MEM_NR_KINDS];

	sb->pages_per_iter = bs->inner * bs->sc->npages;
	sb->warm = bs->warm;
	if (placement_verify(bs->t.place, actual) == 0) {
		/* per-call arrays come from the placed memory too (pfn_kvmalloc) */
		placement_format_actual(actual, sb->placement_actual, sizeof(sb->placement_actual));
	} else {
		msg_printf(sb->placement_actual, sizeof(sb->placement_actual), "?");
	}
	if (bs->t.ks && !json_object_get(sw->kernel_source, bs->sc->workload)) {
		json_t *o = json_object();

		if (o && kernel_source_describe(bs->t.ks, o) == 0)
			json_object_set_new(sw->kernel_source, bs->sc->workload, o);
		else
			json_decref(o);
	}
	{
		/* how much of the page tables and memmap the kernel put on 2 MiB pages */
		struct hugepages_usage hu;

		if (hugepages_measure(bs->t.mm, bs->t.io, &hu) == 0)
			hugepages_tally(sw->hugepages, sb->name, &hu);
	}
	/* pages the last pass allocated, for the report's real fault costs (fixedcost.h) */
	if (sw->fixed_costs && !bs->t.ks && bs->iters)
		fixedcost_record_case(sw->fixed_costs, sb->name, bs->t.mm, bs->sc->npages);
	if (bs->t.pc && !sw->counters) {
		json_t *c = json_object();

		if (c && perf_counters_describe(bs->t.pc, c) == 0)
			sw->counters = c;
		else
			json_decref(c);
	}
}

static void sweep_bench_fn(struct gb_state *st, void *arg)
{
	struct sweep_bench *sb = arg;
	struct bench_state bs = { .sb = sb, .sc = sb->sc, .thread0 = gb_thread_index(st) == 0 };
	uint64_t t0 = case_now_ns();
	const char *cannot = sweep_case_skip(sb->sw, sb->sc);

	if (sb->sw->opt->stop && *sb->sw->opt->stop) {
		gb_skip(st, SWEEP_INTERRUPTED " before this case started");
		return;
	}
	if (cannot) {
		/* found before the run (sweep_check.h): no setup */
		gb_skip(st, cannot);
		return;
	}
	/*
	 * One thread: the backends of the case share its space this round
	 * (case.h).  Several: each builds its own, and the space of the
	 * case before goes first (thread 0; the others do not touch it).
	 */
	if (sb->sc->threads <= 1)
		bs.t.keep = &sb->sw->keep;
	else if (bs.thread0)
		case_keep_release(&sb->sw->keep);
	if (bench_start(st, &bs) == 0) {
		bench_loop(st, &bs);
		if (bs.iters) {
			if (bench_stages_apart(&bs))
				bs.stage_pages = 0;   /* no stage columns rather than wrong ones */
			bench_counters(st, &bs);
		}
		if (bs.thread0)
			bench_record(&bs);
	}
	placement_reset_thread_policy();
	case_run_free(&bs.t);
	free(bs.it_ns);
	/* the case's time, for max_time: every call of every backend, set-up included */
	if (bs.thread0)
		sb->sw->crun[sb->sc - sb->sw->cases].seconds += (double)(case_now_ns() - t0) * 1e-9;
}

/* ---- the rounds ---------------------------------------------------------- */

/*
 * Register one repetition of every backend of every case still running:
 * the cases in this round's random order, the backends of a case one
 * after the other in an order of their own.  Google Benchmark runs them in
 * registration order (no random interleaving).  Returns how many, or -errno.
 */
static int register_round(struct sweep *sw, size_t *order, size_t *border)
{
	const struct sweep_config *cfg = sw->cfg;
	int n = 0;

	for (size_t i = 0; i < sw->nr_cases; i++)
		order[i] = i;
	sweep_rounds_shuffle(order, sw->nr_cases, cfg->seed, sw->round);
	for (size_t i = 0; i < sw->nr_cases; i++) {
		size_t ci = order[i];
		struct sweep_bench *b = sweep_case_benches(sw, ci);

		if (sw->crun[ci].done)
			continue;
		sweep_rounds_order(sw, ci, border);
		for (size_t k = 0; k < cfg->nr_backends; k++) {
			struct sweep_bench *sb = &b[border[k]];
			const struct case_desc *sc = sb->sc;
			struct gb_options gbo = { .repetitions = 1, .min_time_s = cfg->min_time_s, .manual_time = true,
						  .threads = sc->threads > 1 ? (int)sc->threads : 0 };
			int ret;

			if (sb->dead || sb->settled)
				continue;
			/*
			 * Cases that fault rebuild the space (untimed) before
			 * every iteration: a fixed count of SWEEP_FAULT_PAGES
			 * pages per repetition instead of min_time, which would
			 * take ~10^5 rebuilds at npages = 1.  The others run the
			 * iterations their first round settled on.
			 */
			gbo.iterations = sc->may_fault ? (int64_t)((SWEEP_FAULT_PAGES + sc->npages - 1) / sc->npages)
							: sb->iterations;
			/*
			 * A backend whose passes did not fault in a case that may
			 * (another backend's request does) needs no rebuilds:
			 * after its first round it runs what min_time asks
			 * (settled_iterations()), SWEEP_MIN_ITERATIONS at least,
			 * so that the median iteration is one a preemption did
			 * not stretch.
			 */
			if (sc->may_fault && sb->warm == SWEEP_WARM_CLEAN && sb->iterations)
				gbo.iterations = sb->iterations;
			ret = gb_register(sb->name, sweep_bench_fn, sb, &gbo);
			if (ret)
				return ret;
			n++;
		}
		sw->crun[ci].rounds++;
	}
	return n;
}

/* Round after round until every case has stopped.  0, -ESRCH (nothing matched the filter), -errno. */
static int run_rounds(struct sweep *sw, char *err, size_t errlen)
{
	size_t *order = calloc(sw->nr_cases + 1, sizeof(*order)), *border = calloc(sw->cfg->nr_backends + 1,
										      sizeof(*border));
	char path[PATH_MAX + 32];
	int ret = -ENOMEM;

	if (!order || !border)
		goto out;
	snprintf(path, sizeof(path), "%s/gbench-round.json", sw->dir);
	for (sw->round = 0;; sw->round++) {
		size_t before = sw->nr_reports, going;
		uint64_t t0 = case_now_ns();

		ret = register_round(sw, order, border);
		if (ret <= 0) {
			if (ret < 0)
				snprintf(err, errlen, "cannot register round %u: %s", sw->round, strerror(-ret));
			break;
		}
		ret = gb_run(path, sw->opt->console ? GB_RUN_CONSOLE : 0, sweep_report, sw);
		gb_clear();
		case_keep_release(&sw->keep);   /* every round builds its spaces anew */
		if (ret == -ENOENT && sw->nr_reports == before) {
			if (!sw->round) {
				snprintf(err, errlen, "no case matched --benchmark_filter: nothing was run");
				ret = -ESRCH;
				break;
			}
			/* the filter left nothing of this round: the cases it drops stop */
			sweep_rounds_stop_all(sw, SWEEP_STOP_REPETITIONS);
			ret = 0;
			break;
		}
		if (!ret)
			ret = sweep_rounds_merge_json(sw, path);
		if (!ret && case_now_ns() - sw->t_last_json_ns >= sweep_commit_gap_ns(sw->json_cost_ns)) {
			uint64_t t1 = case_now_ns();

			ret = sweep_rounds_write_json(sw);
			sw->t_last_json_ns = case_now_ns();
			sw->json_cost_ns = sw->t_last_json_ns - t1;
		}
		if (ret)
			break;
		if (sw->opt->stop && *sw->opt->stop) {
			sweep_rounds_stop_all(sw, "interrupted");
			break;
		}
		sweep_rounds_charge(sw, (double)(case_now_ns() - t0) * 1e-9);
		going = sweep_rounds_judge(sw);
		sweep_commit(sw, false);
		fprintf(stderr, "[round %u] %zu runs, %zu of %zu cases go on, %.1fs elapsed, ~%.0fs left\n",
			sw->round + 1, sw->nr_reports - before, going, sw->nr_cases,
			(case_now_ns() - sw->t_start_ns) * 1e-9, sweep_rounds_eta_s(sw));
		if (!going)
			break;
	}
	sw->round++;
	if (!ret)
		ret = sweep_rounds_write_json(sw);
out:
	free(order);
	free(border);
	return ret < 0 ? ret : 0;
}

int sweep_run(const struct sweep_config *cfg, const struct sweep_options *opt, char *dir_out, size_t dir_len,
	      char *err, size_t errlen)
{
	struct sweep sw;
	int ret;

	sweep_init(&sw, cfg, opt);
	sw.kernel_source = json_object();
	ret = sweep_open_topology(&sw);
	if (ret) {
		snprintf(err, errlen, "hwloc: cannot read the topology: %s", strerror(-ret));
		goto out;
	}
	ret = sweep_expand(&sw);
	if (ret) {
		snprintf(err, errlen, "%s: cannot expand the sweep: %s", cfg->path, strerror(-ret));
		goto out;
	}
	/* what this machine cannot give a case: nodes, CPUs, memory (sweep_check.h) */
	ret = sweep_check_cases(&sw);
	if (!ret)
		ret = sweep_filter(&sw, err, errlen);
	if (ret || opt->list)
		goto out;
	if (!sweep_nr_can_run(&sw)) {
		char why[2048];

		sweep_check_summary(&sw, NULL, why, sizeof(why));
		snprintf(err, errlen, "%s: no case can run on this machine, nothing was run: %s", cfg->path, why);
		ret = -ENODEV;
		goto out;
	}
	/* ---- begin bandwidth block (bandwidth.h) ----
	 * The streaming bandwidth for each npages's arrays, measured in this
	 * run before any case, for the report's floor under every curve.
	 * Not fatal: without it the report says the floor is unknown. */
	if (bandwidth_json(cfg->npages, cfg->nr_npages, &sw.bandwidth))
		sw.bandwidth = NULL;
	/* ---- end bandwidth block ---- */
	/* the real path's fixed costs on this kernel, for the headline (fixedcost.h); not fatal */
	if (fixedcost_json(&sw.fixed_costs))
		sw.fixed_costs = NULL;
	ret = results_csv_create(&sw.csv);
	if (ret)
		goto out;
	ret = sweep_open_results_dir(&sw, dir_out, dir_len, err, errlen);
	if (ret)
		goto out;
	ret = sweep_write_meta(&sw, false, "not started");
	if (ret) {
		snprintf(err, errlen, "%s: cannot write meta.json: %s", sw.dir, strerror(-ret));
		goto out;
	}
	ret = sweep_rounds_init(&sw);
	if (ret)
		goto out;
	fprintf(stderr, "pfnbench: %zu cases x %zu backends, %s -> %s\n", sw.nr_cases, cfg->nr_backends,
		cfg->precision_ns > 0 ? "rounds until the precision target or max_time" : "rounds", sw.dir);
	ret = run_rounds(&sw, err, errlen);
	sweep_commit(&sw, true);
	if (ret == -ESRCH) {
		sweep_write_meta(&sw, false, "no case matched --benchmark_filter");
		goto out;
	}
	if (ret || sw.commit_error) {
		if (ret)
			snprintf(err + strlen(err), errlen - strlen(err), "%s%s/gbench.json: cannot write Google "
				 "Benchmark's JSON: %s", *err ? "; " : "", sw.dir, strerror(-ret));
		else
			snprintf(err, errlen, "%s/results.csv: cannot write: %s", sw.dir, strerror(-sw.commit_error));
		ret = ret ? ret : sw.commit_error;
		sweep_write_meta(&sw, false, "writing results failed");
		goto out;
	}
	if (opt->stop && *opt->stop) {
		char where[128];

		snprintf(where, sizeof(where), "interrupted in round %u, after %zu case repetitions", sw.round,
			 sw.nr_finished);
		ret = sweep_write_meta(&sw, false, where);
		if (!ret)
			ret = -EINTR;
		goto out;
	}
	ret = sweep_write_meta(&sw, true, NULL);
	if (ret)
		snprintf(err, errlen, "%s: cannot write meta.json: %s", sw.dir, strerror(-ret));
	else if (!sw.nr_ok)
		ret = sweep_nothing_measured(&sw, err, errlen);
out:
	sweep_free(&sw);
	return ret;
}

