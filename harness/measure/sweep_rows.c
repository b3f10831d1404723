/*
 * sweep_rows.c - what `pfnbench run` makes of each Google Benchmark run:
 * a row of results.csv (appended at once, the whole file rewritten once a
 * second, less often as it grows: SWEEP_COMMIT_SPACING), the paired metric
 * of the rounds (sweep_rounds.c), the iterations later rounds run, and
 * meta.json's progress.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "gbench_bridge.h"
#include "msg.h"
#include "sweep_priv.h"

static bool counter_get(const struct gb_run_report *r, const char *name, double *out)
{
	for (size_t i = 0; i < r->nr_counters; i++)
		if (!strcmp(r->counter_names[i], name)) {
			*out = r->counter_values[i];
			return true;
		}
	return false;
}

static void opt_from(const struct gb_run_report *r, const char *name, struct result_opt *o)
{
	o->valid = counter_get(r, name, &o->v);
}

/*
 * The iterations of the later rounds of bench sb, from its first round r.
 * Google Benchmark settled them by min_time, except in a case whose
 * workload may fault: there the first round ran SWEEP_FAULT_PAGES pages
 * (rebuilds in between).  A backend whose passes did not fault there needs
 * no rebuilds: it runs what min_time asks, as in the cases that never
 * fault (so 15 iterations of 4096 pages at npages 4096 no longer leave its
 * median to a few iterations, and 1024 at npages 16 no longer slow its
 * rounds), SWEEP_MIN_ITERATIONS at least.  An iteration's time is the
 * first round's median one (@median_ns_per_page, one thread's), which a
 * preemption in that round does not stretch; its mean when there is none.
 */
static int64_t settled_iterations(const struct sweep_bench *sb, const struct gb_run_report *r,
				  double median_ns_per_page)
{
	int64_t n = r->iterations / (r->threads > 1 ? r->threads : 1);
	double it_ns = median_ns_per_page > 0 && sb->pages_per_iter > 0 ? median_ns_per_page * sb->pages_per_iter
									  : r->real_time_ns;
	double want;

	if (!sb->sc->may_fault || sb->warm != SWEEP_WARM_CLEAN || !(it_ns > 0))
		return n;
	want = ceil(sb->sw->cfg->min_time_s * 1e9 / it_ns);
	if (want > SWEEP_MAX_ITERATIONS)
		want = SWEEP_MAX_ITERATIONS;
	return want < SWEEP_MIN_ITERATIONS ? SWEEP_MIN_ITERATIONS : (int64_t)want;
}

/*
 * meta.json's "progress" and a "stopped_at" that says how far the run
 * got, rewritten with results.csv: the directory of a killed run says so.
 */
static void progress_meta(struct sweep *sw, uint64_t now)
{
	char ts[32] = "", where[256];
	json_t *p = json_object();

	if (!p)
		return;
	meta_utc_timestamp(time(NULL), ts, sizeof(ts));
	json_object_set_new(p, "repetitions_done", json_integer((json_int_t)sw->nr_finished));
	json_object_set_new(p, "rows_ok", json_integer((json_int_t)sw->nr_ok));
	json_object_set_new(p, "round", json_integer((json_int_t)sw->round));
	json_object_set_new(p, "elapsed_s", json_real((double)(now - sw->t_start_ns) * 1e-9));
	json_object_set_new(p, "updated_utc", json_string(ts));
	json_decref(sw->progress);
	sw->progress = p;
	msg_printf(where, sizeof(where),
		   "at least %zu case repetitions written by %s, in round %u (if no pfnbench run is still "
		   "writing here, it was killed)", sw->nr_finished, ts, sw->round);
	(void)sweep_write_meta(sw, false, where);
}

void sweep_commit(struct sweep *sw, bool force)
{
	uint64_t now = case_now_ns();
	int ret;

	if (!force && now - sw->t_last_commit_ns < sweep_commit_gap_ns(sw->commit_cost_ns))
		return;
	ret = results_csv_commit(sw->csv, sw->dir);
	if (ret && !sw->commit_error)
		sw->commit_error = ret;
	sw->t_last_commit_ns = case_now_ns();
	sw->commit_cost_ns = sw->t_last_commit_ns - now;
	if (!ret) {
		/* the rows until the next rewrite go on the end of the file just written */
		if (results_tail_open(&sw->tail, sw->dir))
			results_tail_close(&sw->tail);
		progress_meta(sw, now);
	}
}

/*
 * A new row reaches results.csv at once: appended to the file the last
 * rewrite wrote, or, once a second (or when it cannot be appended), with
 * every row in a rewrite; once a rewrite takes 20 ms, no sooner than 50
 * times as long as it took (SWEEP_COMMIT_SPACING), 30 s apart at most.  So
 * SIGKILL loses only the repetitions in flight.
 */
static void commit_row(struct sweep *sw, const struct result_row *row)
{
	/* appended first: a rewrite that fails leaves the row in the file all the same */
	int ret = results_tail_append(&sw->tail, row);

	if (ret || case_now_ns() - sw->t_last_commit_ns >= sweep_commit_gap_ns(sw->commit_cost_ns))
		sweep_commit(sw, true);
}

void sweep_report(void *ctx, const struct gb_run_report *r)
{
	struct sweep *sw = ctx;
	struct sweep_bench *sb = sweep_bench_by_name(sw, r->function_name);
	struct result_row row;

	sw->nr_reports++;
	if (!sb)
		return;
	/* a case cut short by SIGINT/SIGTERM is not a result: no row */
	if (r->error_occurred && !strncmp(r->error_message, SWEEP_INTERRUPTED, strlen(SWEEP_INTERRUPTED)))
		return;
	sw->nr_finished++;
	sweep_row_init(&row, sb);
	row.repetition = sw->round;
	if (r->error_occurred) {
		sb->dead = true;
		msg_printf(row.status, sizeof(row.status), RESULT_STATUS_SKIPPED);
		msg_printf(row.skip_reason, sizeof(row.skip_reason), "%s", r->error_message);
		if (!sb->skipped_recorded) {
			json_array_append_new(sw->skipped, json_pack("{s:s, s:s}", "case", sb->name, "reason",
								     r->error_message));
			sb->skipped_recorded = true;
		}
	} else {
		double pages_per_iter = 0, calls_per_iter = 0;

		msg_printf(row.status, sizeof(row.status), RESULT_STATUS_OK);
		sw->nr_ok++;
		counter_get(r, "pages_per_iter", &pages_per_iter);
		counter_get(r, "calls_per_iter", &calls_per_iter);
		row.iterations = (struct result_opt){ (double)r->iterations, true };
		/*
		 * With T threads Google Benchmark's time per iteration is the
		 * threads' mean time divided by T (iterations are summed over the
		 * threads), so these are aggregate: wall time per page of the
		 * machine's combined throughput, and combined pages per second.
		 */
		if (pages_per_iter > 0) {
			row.ns_per_page = (struct result_opt){ r->real_time_ns / pages_per_iter, true };
			row.pages_per_sec = (struct result_opt){
				r->real_time_ns > 0 ? pages_per_iter / (r->real_time_ns * 1e-9) : 0, r->real_time_ns > 0 };
		}
		if (calls_per_iter > 0)
			row.ns_per_call = (struct result_opt){ r->real_time_ns / calls_per_iter, true };
		/* every measurement the benchmark function handed over as a counter */
		for (int col = 0; col < RCOL_NR; col++)
			if (result_columns[col].flags & RESULT_FROM_GB)
				opt_from(r, result_columns[col].name, result_row_opt(&row, (enum result_col)col));
		/* later rounds run the iterations this first one settled on */
		if (!sb->iterations)
			sb->iterations = settled_iterations(sb, r, row.ns_per_page_median.valid ? row.ns_per_page_median.v
											: NAN);
		/* aggregate over the threads, as ns_per_page is (see above) */
		if (row.ns_per_page_median.valid && r->threads > 1)
			row.ns_per_page_median.v /= r->threads;
	}
	if (sweep_rounds_value(sb, sw->round, row.ns_per_page_median.valid ? row.ns_per_page_median.v
					      : row.ns_per_page.valid	      ? row.ns_per_page.v
									      : NAN) &&
	    !sw->commit_error)
		sw->commit_error = -ENOMEM;
	int ret = results_csv_append(sw->csv, &row);

	if (ret) {
		if (!sw->commit_error)
			sw->commit_error = ret;
		return;
	}
	commit_row(sw, &row);
}
