/*
 * test_gbench_bridge.c - the C bridge to Google Benchmark: flags, the timing
 * loop, counters, skips, per-repetition callbacks, the JSON file (parsed with
 * jansson, and loaded by Google Benchmark's own compare.py when python3 with
 * scipy is installed).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "gbench_bridge.h"

#define REPS 3
#define ITERS 2000
#define SKIP_REASON "no THP on this machine"

static char dir[] = "/tmp/test_gbench_bridge.XXXXXX";
static char json_path[512];

struct seen {
	int work_reports, manual_reports, skip_reports, other_reports;
	int work_reps_seen[REPS];
	double work_counter[REPS], work_plain[REPS];
	double manual_real_ns[REPS];
	char skip_msg[128];
	int64_t work_iterations;
};

static volatile uint64_t sink;

/* A function with a little real work per iteration and two counters. */
static void bench_work(struct gb_state *st, void *arg)
{
	unsigned *calls = arg;
	uint64_t x = 1;
	(*calls)++;
	while (gb_keep_running(st)) {
		for (int i = 0; i < 200; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sink = x;
	}
	/* 10 pages per iteration: total / iterations = 10 after Finish. */
	gb_counter(st, "pages_per_iter", 10.0 * (double)gb_iterations(st), GB_COUNTER_AVG_ITERATIONS);
	gb_counter(st, "plain", 7.0, GB_COUNTER_THREADS);
}

/* Manual time: every iteration "took" 1 microsecond. */
static void bench_manual(struct gb_state *st, void *arg)
{
	(void)arg;
	while (gb_keep_running(st)) {
		gb_pause(st);
		gb_resume(st);
		gb_set_iteration_time(st, 1e-6);
	}
	assert_int_equal(gb_threads(st), 1);
	assert_int_equal(gb_thread_index(st), 0);
}

static void bench_skip(struct gb_state *st, void *arg)
{
	(void)arg;
	gb_skip(st, SKIP_REASON);
	while (gb_keep_running(st))
		fail_msg("the loop must not run after gb_skip");
}

static void on_report(void *ctx, const struct gb_run_report *r)
{
	struct seen *s = ctx;
	assert_true(r->repetition_index >= 0 && r->repetition_index < REPS);
	assert_int_equal(r->repetitions, REPS);
	assert_int_equal(r->threads, 1);
	if (!strcmp(r->function_name, "c/work")) {
		s->work_reports++;
		s->work_reps_seen[r->repetition_index]++;
		assert_false(r->error_occurred);
		assert_string_equal(r->error_message, "");
		assert_int_equal(r->iterations, ITERS);
		s->work_iterations = r->iterations;
		/* 200 multiply-adds: more than 10 ns, less than 1 ms. */
		assert_true(r->real_time_ns > 10 && r->real_time_ns < 1e6);
		assert_true(r->cpu_time_ns > 10 && r->cpu_time_ns < 1e6);
		assert_string_equal(r->name, "c/work/iterations:2000/repeats:3");
		assert_int_equal(r->nr_counters, 2);
		for (size_t i = 0; i < r->nr_counters; i++) {
			if (!strcmp(r->counter_names[i], "pages_per_iter"))
				s->work_counter[r->repetition_index] = r->counter_values[i];
			else if (!strcmp(r->counter_names[i], "plain"))
				s->work_plain[r->repetition_index] = r->counter_values[i];
			else
				fail_msg("unexpected counter %s", r->counter_names[i]);
		}
	} else if (!strcmp(r->function_name, "c/manual")) {
		s->manual_reports++;
		assert_false(r->error_occurred);
		assert_string_equal(r->name, "c/manual/iterations:2000/repeats:3/manual_time");
		s->manual_real_ns[r->repetition_index] = r->real_time_ns;
	} else if (!strcmp(r->function_name, "c/skip")) {
		s->skip_reports++;
		assert_true(r->error_occurred);
		snprintf(s->skip_msg, sizeof(s->skip_msg), "%s", r->error_message);
	} else {
		s->other_reports++;
	}
}

static void test_init_flags(void **state)
{
	(void)state;
	char a0[] = "prog", a1[] = "--benchmark_enable_random_interleaving=true", a2[] = "--bogus";
	char *argv[] = {a0, a1, a2, NULL};
	int argc = 3;
	/* The gbench flag is consumed, the unknown one is left and reported. */
	assert_int_equal(gb_init(&argc, argv), -EINVAL);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "--bogus");

	char *argv2[] = {a0, a1, NULL};
	argc = 2;
	assert_int_equal(gb_init(&argc, argv2), 0);
	assert_int_equal(argc, 1);

	/* Initialize() would exit on these: we refuse them instead. */
	char h[] = "--help", f[] = "--benchmark_format=xml";
	char *argv3[] = {a0, h, NULL};
	argc = 2;
	assert_int_equal(gb_init(&argc, argv3), -EINVAL);
	assert_int_equal(argc, 2);
	char *argv4[] = {a0, f, NULL};
	assert_int_equal(gb_init(&argc, argv4), -EINVAL);
	assert_int_equal(gb_register(NULL, bench_skip, NULL, NULL), -EINVAL);
	assert_int_equal(gb_register("x", NULL, NULL, NULL), -EINVAL);
}

static const char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void test_run(void **state)
{
	(void)state;
	struct seen s;
	unsigned calls = 0;
	memset(&s, 0, sizeof(s));
	struct gb_options opt = {.repetitions = REPS, .iterations = ITERS};
	gb_clear();
	assert_int_equal(gb_register("c/work", bench_work, &calls, &opt), 0);
	opt.manual_time = true;
	assert_int_equal(gb_register("c/manual", bench_manual, NULL, &opt), 0);
	opt.manual_time = false;
	assert_int_equal(gb_register("c/skip", bench_skip, NULL, &opt), 0);

	assert_int_equal(gb_run(json_path, 0, on_report, &s), 0);

	assert_int_equal(calls, REPS);
	assert_int_equal(s.work_reports, REPS);
	assert_int_equal(s.manual_reports, REPS);
	assert_int_equal(s.other_reports, 0);
	for (int i = 0; i < REPS; i++) {
		assert_int_equal(s.work_reps_seen[i], 1);
		assert_true(fabs(s.work_counter[i] - 10.0) < 1e-9);
		assert_true(fabs(s.work_plain[i] - 7.0) < 1e-9);
		assert_true(fabs(s.manual_real_ns[i] - 1000.0) < 1e-6);
	}
	assert_true(s.skip_reports >= 1);
	assert_string_equal(s.skip_msg, SKIP_REASON);

	/* The file is complete and the .tmp is gone. */
	char tmp[600];
	struct stat sb;
	snprintf(tmp, sizeof(tmp), "%s.tmp", json_path);
	assert_int_equal(stat(tmp, &sb), -1);
	json_error_t jerr;
	json_t *root = json_load_file(json_path, 0, &jerr);
	assert_non_null(root);
	assert_true(json_is_object(json_object_get(root, "context")));
	json_t *benchmarks = json_object_get(root, "benchmarks");
	assert_true(json_is_array(benchmarks));
	int work_iter = 0, work_agg = 0, skip_err = 0;
	size_t i;
	json_t *b;
	json_array_foreach(benchmarks, i, b) {
		const char *name = json_str(b, "name");
		const char *run_type = json_str(b, "run_type");
		if (!strncmp(name, "c/skip", 6)) {
			assert_true(json_is_true(json_object_get(b, "error_occurred")));
			assert_string_equal(json_str(b, "error_message"), SKIP_REASON);
			skip_err++;
			continue;
		}
		assert_string_equal(json_str(b, "time_unit"), "ns");
		assert_true(json_is_number(json_object_get(b, "real_time")));
		assert_true(json_is_number(json_object_get(b, "cpu_time")));
		if (!strcmp(name, "c/work/iterations:2000/repeats:3") && !strcmp(run_type, "iteration")) {
			json_t *ri = json_object_get(b, "repetition_index");
			assert_true(json_is_integer(ri));
			assert_true(json_integer_value(ri) >= 0 && json_integer_value(ri) < REPS);
			assert_true(json_real_value(json_object_get(b, "real_time")) > 10);
			assert_true(fabs(json_number_value(json_object_get(b, "pages_per_iter")) - 10.0) < 1e-9);
			work_iter++;
		} else if (!strcmp(run_type, "aggregate") && !strncmp(name, "c/work", 6)) {
			work_agg++;
		}
	}
	assert_int_equal(work_iter, REPS);
	assert_true(work_agg >= 3); /* mean, median, stddev, cv */
	assert_true(skip_err >= 1);
	json_decref(root);
}

static void count_reports(void *ctx, const struct gb_run_report *r)
{
	int *n = ctx;
	assert_int_equal(r->repetition_index, *n);
	(*n)++;
}

/*
 * GB_RUN_CONSOLE prints Google Benchmark's table to stderr; with
 * console_aggregates_only it shows only the aggregates, while the callback
 * still sees every repetition.
 */
static void test_console(void **state)
{
	(void)state;
	char path[600], line[512];
	unsigned calls = 0;
	int n = 0, agg = 0, reps = 0;
	struct gb_options opt = {.repetitions = REPS, .iterations = 100, .console_aggregates_only = true};
	gb_clear();
	assert_int_equal(gb_register("c/agg", bench_work, &calls, &opt), 0);

	snprintf(path, sizeof(path), "%s/console.txt", dir);
	fflush(stderr);
	int saved = dup(2);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	dup2(fileno(f), 2);
	int ret = gb_run(NULL, GB_RUN_CONSOLE, count_reports, &n);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(f);
	assert_int_equal(ret, 0);
	assert_int_equal(n, REPS);

	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "c/agg/iterations:100/repeats:3_mean ", 36))
			agg++;
		if (!strncmp(line, "c/agg/iterations:100/repeats:3 ", 31))
			reps++;
	}
	fclose(f);
	assert_int_equal(agg, 1);
	assert_int_equal(reps, 0);
}

/* Two threads: sums, per-thread averages, thread indexes. */
static void bench_threads(struct gb_state *st, void *arg)
{
	int *seen_index = arg; /* [0], [1]: thread index seen */
	int idx = gb_thread_index(st);
	while (gb_keep_running(st))
		sink = sink + 1;
	if (idx >= 0 && idx < 2 && gb_threads(st) == 2)
		__atomic_fetch_add(&seen_index[idx], 1, __ATOMIC_RELAXED);
	gb_counter(st, "sum", 1.0, GB_COUNTER_THREADS);
	gb_counter(st, "avg", 5.0, GB_COUNTER_AVG_THREADS);
	gb_counter(st, "per_iter", 3.0 * (double)gb_iterations(st), GB_COUNTER_AVG_ITERATIONS);
	gb_counter(st, "per_iter_avg", 3.0 * (double)gb_iterations(st),
		   GB_COUNTER_AVG_THREADS | GB_COUNTER_AVG_ITERATIONS);
}

struct thread_seen {
	int reports;
	double sum, avg, per_iter, per_iter_avg;
	int threads;
	const char *name_ok;
};

static void on_thread_report(void *ctx, const struct gb_run_report *r)
{
	struct thread_seen *s = ctx;
	s->reports++;
	s->threads = r->threads;
	assert_string_equal(r->name, "c/threads/iterations:500/threads:2");
	for (size_t i = 0; i < r->nr_counters; i++) {
		if (!strcmp(r->counter_names[i], "sum"))
			s->sum = r->counter_values[i];
		else if (!strcmp(r->counter_names[i], "avg"))
			s->avg = r->counter_values[i];
		else if (!strcmp(r->counter_names[i], "per_iter"))
			s->per_iter = r->counter_values[i];
		else if (!strcmp(r->counter_names[i], "per_iter_avg"))
			s->per_iter_avg = r->counter_values[i];
	}
}

static void test_threads(void **state)
{
	(void)state;
	int seen_index[2] = {0, 0};
	struct thread_seen s;
	memset(&s, 0, sizeof(s));
	struct gb_options opt = {.iterations = 500, .threads = 2};
	gb_clear();
	assert_int_equal(gb_register("c/threads", bench_threads, seen_index, &opt), 0);
	assert_int_equal(gb_run(NULL, 0, on_thread_report, &s), 0);
	assert_int_equal(s.reports, 1);
	assert_int_equal(s.threads, 2);
	assert_int_equal(seen_index[0], 1);
	assert_int_equal(seen_index[1], 1);
	assert_true(fabs(s.sum - 2.0) < 1e-9);
	assert_true(fabs(s.avg - 5.0) < 1e-9);
	/*
	 * Each thread ran 500 iterations and set 3 per iteration.  The values
	 * are summed over threads and AVG_ITERATIONS divides by the iterations
	 * of all threads (1000): 3, the per-iteration value.  Adding
	 * AVG_THREADS would halve it again - wrong for per-page counters.
	 */
	assert_true(fabs(s.per_iter - 3.0) < 1e-9);
	assert_true(fabs(s.per_iter_avg - 1.5) < 1e-9);
}

/* Running again with a JSON path that cannot be written: -EIO, no file. */
static void test_unwritable(void **state)
{
	(void)state;
	char path[600];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/no/such/dir/gbench.json", dir);
	assert_int_equal(gb_run(path, 0, NULL, NULL), -EIO);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(gb_run("", 0, NULL, NULL), -EINVAL);

	/* Nothing registered: -ENOENT, nothing written, nothing printed. */
	gb_clear();
	snprintf(path, sizeof(path), "%s/empty.json", dir);
	assert_int_equal(gb_run(path, 0, NULL, NULL), -ENOENT);
	assert_int_equal(stat(path, &sb), -1);
	snprintf(path, sizeof(path), "%s/empty.json.tmp", dir);
	assert_int_equal(stat(path, &sb), -1);

	char a0[] = "prog", a1[] = "--benchmark_out=/x.json";
	char *argv[] = {a0, a1, NULL};
	int argc = 2;
	assert_int_equal(gb_init(&argc, argv), -EINVAL);
}

/* Google Benchmark's compare.py loads the file (needs python3-scipy). */
static void test_compare_py(void **state)
{
	(void)state;
	const char *cmp = "/usr/share/benchmark/compare.py";
	/* Debian's python3 first: python3-scipy installs there. */
	static const char *const pythons[] = {"/usr/bin/python3", "python3"};
	const char *py = NULL;
	char cmd[2048];
	for (size_t i = 0; i < 2 && !py; i++) {
		snprintf(cmd, sizeof(cmd), "%s -c 'import scipy, numpy' >/dev/null 2>&1", pythons[i]);
		if (system(cmd) == 0)
			py = pythons[i];
	}
	if (access(cmp, R_OK) != 0 || !py) {
		print_message("compare.py or python3-scipy/numpy missing: not checking compare.py\n");
		skip();
	}
	/* Comparing the file with itself: every case is found on both sides. */
	snprintf(cmd, sizeof(cmd),
		 "%s %s --no-color benchmarks %s %s > %s/compare.out 2>&1"
		 " && grep -q '^c/work/iterations:2000/repeats:3 ' %s/compare.out"
		 " && grep -q '^c/work/iterations:2000/repeats:3_pvalue ' %s/compare.out",
		 py, cmp, json_path, json_path, dir, dir, dir);
	int rc = system(cmd);
	if (rc != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s/compare.out", dir);
		(void)system(cmd);
	}
	assert_int_equal(rc, 0);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(json_path, sizeof(json_path), "%s/gbench.json", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_flags),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_compare_py),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
