/*
 * test_perf.c - perf counters: software counters measure real work (page
 * faults of freshly touched pages), hardware counters are either measured or
 * unavailable with a reason (on a VM without a PMU: unavailable), the
 * PFNBENCH_NO_PMU fallback, accumulation over enable/disable pairs, reset,
 * excluded brackets, and the meta.json description.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "perf.h"

#define NR_PAGES 256

/* Touch NR_PAGES fresh anonymous pages: at least one fault each. */
static void touch_fresh_pages(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, NR_PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	/* No THP: one fault per 4 KiB page, whatever the THP setting. */
	(void)madvise(p, NR_PAGES * page, MADV_NOHUGEPAGE);
	for (long i = 0; i < NR_PAGES; i++)
		((volatile char *)p)[i * page] = 1;
	munmap(p, NR_PAGES * page);
}

static void test_names(void **state)
{
	(void)state;
	const char *want[PC_NR] = {"instructions",  "cycles",      "llc_misses",    "dtlb_misses",
				   "branch_misses", "page_faults", "task_clock_ns", "context_switches"};
	for (int c = 0; c < PC_NR; c++)
		assert_string_equal(perf_counter_name(c), want[c]);
	assert_null(perf_counter_name(PC_NR));
	struct perf_counters *pc = (void *)1;
	assert_int_equal(perf_counters_open(&pc, 1u << PC_NR), -EINVAL);
	assert_null(pc);
}

static void test_software_counters(void **state)
{
	(void)state;
	struct perf_counters *pc;
	double v[PC_NR];
	bool valid[PC_NR];
	unsetenv("PFNBENCH_NO_PMU");
	assert_int_equal(perf_counters_open(&pc, PC_MASK_ALL), 0);
	for (int c = PC_PAGE_FAULTS; c <= PC_CONTEXT_SWITCHES; c++)
		assert_true(perf_counter_available(pc, c, NULL));

	/* Never enabled: nothing is a measurement, not even a 0. */
	assert_int_equal(perf_counters_read(pc, v, valid), 0);
	for (int c = 0; c < PC_NR; c++)
		assert_false(valid[c]);

	assert_int_equal(perf_counters_enable(pc), 0);
	touch_fresh_pages();
	usleep(2000); /* sleeping is a context switch */
	assert_int_equal(perf_counters_disable(pc), 0);
	assert_int_equal(perf_counters_read(pc, v, valid), 0);
	assert_true(valid[PC_PAGE_FAULTS]);
	assert_true(v[PC_PAGE_FAULTS] >= NR_PAGES);
	assert_true(v[PC_PAGE_FAULTS] < 100 * NR_PAGES);
	assert_true(valid[PC_TASK_CLOCK]);
	assert_true(v[PC_TASK_CLOCK] > 1000); /* 256 faults take well over 1 us */
	assert_true(valid[PC_CONTEXT_SWITCHES]);
	assert_true(v[PC_CONTEXT_SWITCHES] >= 1);

	/* Hardware: measured, or unavailable with a reason (this VM: no PMU). */
	for (int c = PC_INSTRUCTIONS; c <= PC_BRANCH_MISSES; c++) {
		const char *why = NULL;
		if (perf_counter_available(pc, c, &why)) {
			assert_true(valid[c]);
			if (c == PC_INSTRUCTIONS || c == PC_CYCLES)
				assert_true(v[c] > 0);
		} else {
			assert_non_null(why);
			assert_true(strlen(why) > 5);
			assert_null(strstr(why, "not requested"));
			assert_false(valid[c]);
			print_message("%s: %s\n", perf_counter_name(c), why);
		}
	}
	print_message("kernel mode counted: %d\n", perf_counters_kernel_counted(pc));
	/* We run as root here, so kernel mode is counted. */
	if (geteuid() == 0)
		assert_true(perf_counters_kernel_counted(pc));
	perf_counters_close(pc);
}

static void test_accumulate_and_reset(void **state)
{
	(void)state;
	struct perf_counters *pc;
	double v1[PC_NR], v2[PC_NR];
	bool valid[PC_NR];
	assert_int_equal(perf_counters_open(&pc, PC_MASK_SW), 0);

	assert_int_equal(perf_counters_enable(pc), 0);
	touch_fresh_pages();
	assert_int_equal(perf_counters_disable(pc), 0);
	assert_int_equal(perf_counters_read(pc, v1, valid), 0);
	assert_true(valid[PC_PAGE_FAULTS]);

	/* Not counted while disabled. */
	touch_fresh_pages();
	assert_int_equal(perf_counters_read(pc, v2, valid), 0);
	assert_true(v2[PC_PAGE_FAULTS] == v1[PC_PAGE_FAULTS]);

	/* A second pair adds to the first. */
	assert_int_equal(perf_counters_enable(pc), 0);
	touch_fresh_pages();
	usleep(2000); /* sleeping is a context switch */
	assert_int_equal(perf_counters_disable(pc), 0);
	assert_int_equal(perf_counters_read(pc, v2, valid), 0);
	assert_true(v2[PC_PAGE_FAULTS] >= v1[PC_PAGE_FAULTS] + NR_PAGES);
	assert_true(v2[PC_TASK_CLOCK] > v1[PC_TASK_CLOCK]);
	assert_true(v2[PC_CONTEXT_SWITCHES] >= v1[PC_CONTEXT_SWITCHES] + 1);

	/* Reset: back to "never ran", then counts only what follows. */
	assert_int_equal(perf_counters_reset(pc), 0);
	assert_int_equal(perf_counters_read(pc, v1, valid), 0);
	assert_false(valid[PC_PAGE_FAULTS]);
	assert_false(valid[PC_TASK_CLOCK]);
	assert_int_equal(perf_counters_enable(pc), 0);
	touch_fresh_pages();
	assert_int_equal(perf_counters_disable(pc), 0);
	assert_int_equal(perf_counters_read(pc, v1, valid), 0);
	assert_true(valid[PC_PAGE_FAULTS]);
	assert_true(v1[PC_PAGE_FAULTS] >= NR_PAGES);
	assert_true(v1[PC_PAGE_FAULTS] < v2[PC_PAGE_FAULTS]);

	/* Hardware was not requested. */
	const char *why;
	assert_false(perf_counter_available(pc, PC_CYCLES, &why));
	assert_string_equal(why, "not requested");
	perf_counters_close(pc);
}

static void touch_cb(void *arg)
{
	(void)arg;
	touch_fresh_pages();
}

/*
 * An excluded bracket: what it counts is neither in the totals nor lost:
 * it is subtracted once more as the cost of a measured bracket.  Page
 * faults make it exact: an empty bracket costs none, one that touches
 * NR_PAGES fresh pages costs at least NR_PAGES.
 */
static void test_exclude_bracket(void **state)
{
	(void)state;
	struct perf_counters *pc;
	double v1[PC_NR], v2[PC_NR], v3[PC_NR];
	bool valid[PC_NR];
	assert_int_equal(perf_counters_open(&pc, PC_MASK_SW), 0);

	/* before any bracket ran: not a measurement */
	assert_int_equal(perf_counters_exclude_bracket(pc, NULL, NULL), 0);
	assert_int_equal(perf_counters_read(pc, v1, valid), 0);
	assert_false(valid[PC_PAGE_FAULTS]);

	assert_int_equal(perf_counters_enable(pc), 0);
	touch_fresh_pages();
	touch_fresh_pages();
	assert_int_equal(perf_counters_disable(pc), 0);
	assert_int_equal(perf_counters_read(pc, v1, valid), 0);
	assert_true(valid[PC_PAGE_FAULTS] && v1[PC_PAGE_FAULTS] >= 2 * NR_PAGES);

	/* an empty bracket: no page faults, some task clock taken off */
	assert_int_equal(perf_counters_exclude_bracket(pc, NULL, NULL), 0);
	assert_int_equal(perf_counters_read(pc, v2, valid), 0);
	assert_true(valid[PC_PAGE_FAULTS]);
	assert_true(v2[PC_PAGE_FAULTS] <= v1[PC_PAGE_FAULTS] && v2[PC_PAGE_FAULTS] >= v1[PC_PAGE_FAULTS] - 2);
	assert_true(v2[PC_TASK_CLOCK] < v1[PC_TASK_CLOCK]);

	/* a bracket that faults NR_PAGES pages: they come off the totals */
	assert_int_equal(perf_counters_exclude_bracket(pc, touch_cb, NULL), 0);
	assert_int_equal(perf_counters_read(pc, v3, valid), 0);
	assert_true(valid[PC_PAGE_FAULTS]);
	assert_true(v3[PC_PAGE_FAULTS] <= v2[PC_PAGE_FAULTS] - NR_PAGES);
	assert_true(v3[PC_PAGE_FAULTS] >= NR_PAGES / 2);
	assert_true(v3[PC_TASK_CLOCK] < v2[PC_TASK_CLOCK]);

	/* reset forgets the cost too */
	assert_int_equal(perf_counters_reset(pc), 0);
	assert_int_equal(perf_counters_enable(pc), 0);
	touch_fresh_pages();
	assert_int_equal(perf_counters_disable(pc), 0);
	assert_int_equal(perf_counters_read(pc, v1, valid), 0);
	assert_true(valid[PC_PAGE_FAULTS] && v1[PC_PAGE_FAULTS] >= NR_PAGES);
	perf_counters_close(pc);
}

static void test_no_pmu(void **state)
{
	(void)state;
	struct perf_counters *pc;
	double v[PC_NR];
	bool valid[PC_NR];
	setenv("PFNBENCH_NO_PMU", "1", 1);
	assert_int_equal(perf_counters_open(&pc, PC_MASK_ALL), 0);
	unsetenv("PFNBENCH_NO_PMU");
	for (int c = PC_INSTRUCTIONS; c <= PC_BRANCH_MISSES; c++) {
		const char *why = NULL;
		assert_false(perf_counter_available(pc, c, &why));
		assert_string_equal(why, "disabled by PFNBENCH_NO_PMU");
	}
	assert_true(perf_counter_available(pc, PC_PAGE_FAULTS, NULL));
	assert_int_equal(perf_counters_enable(pc), 0);
	touch_fresh_pages();
	assert_int_equal(perf_counters_disable(pc), 0);
	assert_int_equal(perf_counters_read(pc, v, valid), 0);
	for (int c = PC_INSTRUCTIONS; c <= PC_BRANCH_MISSES; c++)
		assert_false(valid[c]);
	assert_true(valid[PC_PAGE_FAULTS] && v[PC_PAGE_FAULTS] >= NR_PAGES);

	json_t *obj = json_object();
	assert_int_equal(perf_counters_describe(pc, obj), 0);
	json_t *cyc = json_object_get(obj, "cycles");
	assert_true(json_is_false(json_object_get(cyc, "available")));
	assert_string_equal(json_string_value(json_object_get(cyc, "reason")), "disabled by PFNBENCH_NO_PMU");
	json_t *pf = json_object_get(obj, "page_faults");
	assert_true(json_is_true(json_object_get(pf, "available")));
	assert_null(json_object_get(pf, "reason"));
	assert_true(json_is_boolean(json_object_get(obj, "kernel_mode_counted")));
	assert_int_equal(json_object_size(obj), PC_NR + 1);
	json_decref(obj);
	perf_counters_close(pc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_software_counters),
		cmocka_unit_test(test_accumulate_and_reset),
		cmocka_unit_test(test_exclude_bracket),
		cmocka_unit_test(test_no_pmu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
