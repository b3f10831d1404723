/*
 * test_hugepages.c - the emulator's page tables and memmap on 2 MiB pages:
 * emu_map_huge() returns 2 MiB-aligned memory; with THP allowed (madvise or
 * always) every resident byte of a populated mm's page-table chunks and
 * memmap sections is on huge pages, by PAGEMAP_SCAN and by smaps alike;
 * with THP disabled for the process (PR_SET_THP_DISABLE) none is; and
 * hugepages_tally() sums, shares and names the worst case.
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
#include <sys/prctl.h>

#include <cmocka.h>

#include "hugepages.h"
#include "mm.h"
#include "workloads.h"

#define NPAGES 4096UL

/* Is THP on for madvised memory (enabled = madvise or always)? */
static bool thp_allowed(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[madvise]") || strstr(buf, "[always]");
}

/* A mirror workload of NPAGES on a fresh mm. */
static struct emu_mm *mm_new(void)
{
	struct emu_mm_params mp = { .pfn_limit = 1UL << 30 };
	struct workload_params wp = { .seed = 1 };
	struct emu_page_desc *pages = NULL;
	struct emu_mm *mm = NULL;
	unsigned long base;
	enum emu_req req;

	assert_int_equal(workload_generate("mirror", NPAGES, &wp, &base, &pages, &req), 0);
	assert_int_equal(emu_mm_create(&mp, &mm), 0);
	assert_int_equal(emu_mm_populate(mm, base, pages, NPAGES, NULL), 0);
	free(pages);
	return mm;
}

static void measure_both(const struct emu_mm *mm, struct hugepages_usage *scan, struct hugepages_usage *smaps)
{
	assert_int_equal(unsetenv("PFNBENCH_HUGEPAGES_METHOD"), 0);
	assert_int_equal(hugepages_measure(mm, NULL, scan), 0);
	assert_int_equal(setenv("PFNBENCH_HUGEPAGES_METHOD", "smaps", 1), 0);
	assert_int_equal(hugepages_measure(mm, NULL, smaps), 0);
	assert_int_equal(unsetenv("PFNBENCH_HUGEPAGES_METHOD"), 0);
	assert_string_equal(smaps->method, "smaps AnonHugePages");
}

static void test_map_huge_aligned(void **state)
{
	void *p = emu_map_huge(3 * EMU_HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	void *q = emu_mem_map(EMU_HUGE_SIZE, EMU_MEM_PGTABLE);

	(void)state;
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal((uintptr_t)p % EMU_HUGE_SIZE, 0);
	assert_int_equal((uintptr_t)q % EMU_HUGE_SIZE, 0);
	memset(p, 1, 3 * EMU_HUGE_SIZE); /* all of it is ours */
	assert_int_equal(munmap(p, 3 * EMU_HUGE_SIZE), 0);
	assert_int_equal(munmap(q, EMU_HUGE_SIZE), 0);
	assert_true(emu_mem_kind_huge(EMU_MEM_MEMMAP) && emu_mem_kind_huge(EMU_MEM_PGTABLE));
	assert_false(emu_mem_kind_huge(EMU_MEM_HMM_ARRAY) || emu_mem_kind_huge(EMU_MEM_DATA));
}

static void test_populated_mm_is_huge(void **state)
{
	struct emu_mm *mm = mm_new();
	struct hugepages_usage scan, smaps;

	(void)state;
	measure_both(mm, &scan, &smaps);
	if (strcmp(scan.method, "PAGEMAP_SCAN PAGE_IS_HUGE"))
		print_message("note: no PAGEMAP_SCAN here, both counts came from smaps\n");
	for (int k = 0; k < HUGEPAGES_NR; k++) {
		/* at least one touched 4 KiB page of each: the pgd, the struct pages of the workload */
		assert_true(scan.resident[k] >= 4096);
		assert_int_equal(smaps.resident[k], scan.resident[k]);
		assert_int_equal(smaps.huge[k], scan.huge[k]);
		if (thp_allowed()) {
			/* every section and chunk touched is one 2 MiB page */
			assert_int_equal(scan.huge[k], scan.resident[k]);
			assert_int_equal(scan.resident[k] % EMU_HUGE_SIZE, 0);
		} else {
			print_message("note: THP is never here: no huge page expected\n");
			assert_int_equal(scan.huge[k], 0);
		}
	}
	emu_mm_destroy(mm);
}

static void test_thp_disabled_is_small(void **state)
{
	struct emu_mm *mm;
	struct hugepages_usage scan, smaps;

	(void)state;
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), 0);
	mm = mm_new();
	measure_both(mm, &scan, &smaps);
	for (int k = 0; k < HUGEPAGES_NR; k++) {
		assert_true(scan.resident[k] >= 4096);
		assert_true(scan.resident[k] < EMU_HUGE_SIZE * 4); /* 4 KiB pages: only what was touched */
		assert_int_equal(scan.huge[k], 0);
		assert_int_equal(smaps.huge[k], 0);
	}
	emu_mm_destroy(mm);
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
}

static void test_tally(void **state)
{
	json_t *o = json_object(), *pt, *mm;
	struct hugepages_usage a = { .resident = { 4 << 20, 6 << 20 }, .huge = { 4 << 20, 6 << 20 }, .method = "x" };
	struct hugepages_usage b = { .resident = { 2 << 20, 4096 }, .huge = { 0, 4096 }, .method = "x" };

	(void)state;
	assert_int_equal(hugepages_tally(o, "A/mirror", &a), 0);
	assert_int_equal(hugepages_tally(o, "B/mirror", &b), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "checks")), 2);
	assert_string_equal(json_string_value(json_object_get(o, "method")), "x");
	pt = json_object_get(o, "pgtable");
	mm = json_object_get(o, "memmap");
	assert_int_equal(json_integer_value(json_object_get(pt, "resident_bytes")), 6 << 20);
	assert_int_equal(json_integer_value(json_object_get(pt, "huge_bytes")), 4 << 20);
	assert_true(json_real_value(json_object_get(pt, "huge_share")) > 0.666 &&
		    json_real_value(json_object_get(pt, "huge_share")) < 0.667);
	assert_true(json_real_value(json_object_get(pt, "lowest_share")) == 0.0);
	assert_string_equal(json_string_value(json_object_get(pt, "lowest_case")), "B/mirror");
	assert_true(json_real_value(json_object_get(mm, "huge_share")) == 1.0);
	assert_string_equal(json_string_value(json_object_get(mm, "lowest_case")), "A/mirror");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_huge_aligned),
		cmocka_unit_test(test_populated_mm_is_huge),
		cmocka_unit_test(test_thp_disabled_is_small),
		cmocka_unit_test(test_tally),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
