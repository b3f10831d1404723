/*
 * test_vocab.c - the shared vocabularies (harness/common/vocab.h) and the results
 * column list built from them (harness/results/results.h).
 *
 * The stage list must name the kernel model's stages in its order
 * (pfn_stage_names[] of kernels/backend.c); every counter, stage and column
 * name is unique; each counter and stage has its results.csv column at
 * RCOL_COUNTER() / RCOL_STAGE(), filled from Google Benchmark; the
 * fixtures' results.csv headers are the column list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backend.h"
#include "perf.h"
#include "results.h"
#include "comparisons.h"
#include "vocab.h"

static void test_stages_match_kernel_model(void **state)
{
	(void)state;
	for (int s = 0; s < PFN_STAGE_NR; s++) {
		char column[64];

		assert_string_equal(pfn_stage_info[s].name, pfn_stage_names[s]);
		snprintf(column, sizeof(column), "stage_%s_ns_per_page", pfn_stage_names[s]);
		assert_string_equal(pfn_stage_info[s].column, column);
		assert_string_equal(result_columns[RCOL_STAGE(s)].name, column);
		assert_true(result_columns[RCOL_STAGE(s)].flags & RESULT_FROM_GB);
		assert_true(strlen(pfn_stage_info[s].short_label) <= 5);
	}
	/* the conversion share: the second array and the pass over it */
	assert_true(pfn_stage_info[PFN_STAGE_ALLOC].conversion);
	assert_true(pfn_stage_info[PFN_STAGE_CONVERT].conversion);
	assert_false(pfn_stage_info[PFN_STAGE_WALK].conversion);
	assert_false(pfn_stage_info[PFN_STAGE_PREPARE].conversion);
	assert_false(pfn_stage_info[PFN_STAGE_DMA].conversion);
}

static void test_counters(void **state)
{
	unsigned hw = 0, sw = 0;
	int leads[2] = { 0, 0 };

	(void)state;
	for (int c = 0; c < PC_NR; c++) {
		const struct pfn_counter_info *ci = &pfn_counter_info[c];
		char column[64];

		snprintf(column, sizeof(column), "%s_per_page", ci->name);
		assert_string_equal(ci->column, column);
		assert_string_equal(result_columns[RCOL_COUNTER(c)].name, column);
		assert_int_equal(result_columns[RCOL_COUNTER(c)].type, RESULT_OPT);
		assert_int_equal(pfn_counter_find(ci->name, false), c);
		if (ci->alias) {
			assert_int_equal(pfn_counter_find(ci->alias, true), c);
			assert_int_equal(pfn_counter_find(ci->alias, false), -1);
		}
		assert_string_equal(perf_counter_name(c), ci->name);
		leads[ci->group] += ci->lead;
		if (ci->group == PC_GROUP_HW)
			hw |= PC_MASK(c);
		else
			sw |= PC_MASK(c);
		for (int d = 0; d < c; d++)
			assert_string_not_equal(pfn_counter_info[d].name, ci->name);
	}
	/* one lead per group, the groups cover every counter */
	assert_int_equal(leads[PC_GROUP_HW], 1);
	assert_int_equal(leads[PC_GROUP_SW], 1);
	assert_int_equal(hw, PC_MASK_HW);
	assert_int_equal(sw, PC_MASK_SW);
	assert_int_equal(hw | sw, PC_MASK_ALL);
	assert_int_equal(hw & sw, 0);
	/* the meta.json name of old results */
	assert_int_equal(pfn_counter_find("task_clock", true), PC_TASK_CLOCK);
	assert_int_equal(pfn_counter_find("nosuch", true), -1);
	assert_int_equal(pfn_counter_find(NULL, true), -1);
}

static void test_columns(void **state)
{
	struct result_row row;

	(void)state;
	for (int i = 0; i < RCOL_NR; i++) {
		assert_non_null(result_columns[i].name);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(result_columns[i].name, result_columns[j].name);
		if (result_columns[i].type == RESULT_OPT)
			assert_non_null(result_row_opt(&row, (enum result_col)i));
		else
			assert_null(result_row_opt(&row, (enum result_col)i));
	}
	assert_string_equal(result_columns[0].name, "case");
	assert_string_equal(result_columns[RCOL_NS_PER_PAGE].name, "ns_per_page");
	assert_string_equal(result_columns[RCOL_NR - 1].name, "precision_ns_per_page");
	assert_string_equal(result_columns[RCOL_NS_PER_PAGE + 1].name, "ns_per_page_median");
	assert_ptr_equal(result_row_opt(&row, RCOL_COUNTER(PC_CYCLES)), &row.counter[PC_CYCLES]);
	assert_ptr_equal(result_row_opt(&row, RCOL_STAGE(PFN_STAGE_DMA)), &row.stage[PFN_STAGE_DMA]);
	assert_ptr_equal(result_row_opt(&row, RCOL_NS_PER_PAGE), &row.ns_per_page);
	assert_null(result_row_opt(&row, RCOL_NR));
}

/*
 * The comparisons follow the declarations: every pair is conversion (era A
 * or C) against era B, each counterpart name resolves, the mutual pairs
 * (each driver's last era-B against its first conversion version) come
 * first with nouveau v5.8 / v5.7 the headline, no pair twice.
 */
static void test_comparisons(void **state)
{
	static const char *const want[][2] = {
		{ "nouveau-v5.8", "nouveau-v5.7" },	   { "thread-2018-without", "thread-2018-with" },
		{ "amdgpu-v5.8", "amdgpu-v5.7" },	   { "dmirror-v6.1", "dmirror-v5.7" },
		{ "nouveau-v5.8", "nouveau-v5.6" },	   { "nouveau-v6.1", "nouveau-v5.7" },
		{ "nouveau-v5.8", "promise-2018" },
	};
	struct pfn_comparison c[PFN_MAX_COMPARISONS];
	size_t n = pfn_comparisons(c);
	char name[128];

	(void)state;
	for (const struct pfn_backend_ops *const *b = pfn_backends; *b; b++)
		if ((*b)->counterpart)
			assert_non_null(pfn_backend_counterpart(*b));
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(c[i].conv->name, want[i][0]);
		assert_string_equal(c[i].direct->name, want[i][1]);
		assert_int_equal(c[i].direct->era, PFN_ERA_B);
		assert_true(c[i].conv->era == PFN_ERA_A || c[i].conv->era == PFN_ERA_C);
		assert_int_equal(c[i].mutual, i < 4);
		for (size_t j = 0; j < i; j++)
			assert_false(c[j].conv == c[i].conv && c[j].direct == c[i].direct);
	}
	pfn_comparison_name(&c[0], name, sizeof(name));
	assert_string_equal(name, "nouveau-v5.8/nouveau-v5.7");
	assert_int_equal(pfn_backend_index("nouveau-v5.6"), 0);
	assert_int_equal(pfn_backend_index("no-such-backend"), -1);
}

/* The fixtures' results.csv have exactly the harness's columns, in order
 * (their make_fixture.py take them from `pfnbench list columns`). */
static void test_fixture_headers(void **state)
{
	static const char *const fixtures[] = { TEST_DATA_DIR "/results-fixture/results.csv",
						TEST_DATA_DIR "/results-fixture-sources/results.csv" };

	(void)state;
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		char line[4096], want[4096] = "";
		FILE *fp = fopen(fixtures[f], "r");

		assert_non_null(fp);
		assert_non_null(fgets(line, sizeof(line), fp));
		fclose(fp);
		for (int i = 0; i < RCOL_NR; i++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", i ? "," : "",
				 result_columns[i].name);
		strcat(want, "\n");
		assert_string_equal(line, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stages_match_kernel_model),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_fixture_headers),
		cmocka_unit_test(test_comparisons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
