/*
 * test_pagefile.c - the page-file parser and writer (harness/input/pagefile.c).
 *
 * Data-driven: every tests/data/pagefile-invalid/NAME.page starts with
 * "# expect: TEXT" and must fail with a message containing TEXT (which
 * names the line); every tests/data/pagefile-valid/NAME.page must parse and
 * survive a write/parse round trip.  Plus exact checks of two valid files,
 * directories and missing files, errors found by emu_mm_populate() mapped
 * back to lines, and a 2^20-line file.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pagefile.h"
#include "workloads.h"

#define DIR_INVALID TEST_DATA_DIR "/pagefile-invalid"
#define DIR_VALID TEST_DATA_DIR "/pagefile-valid"

static int list_pages(const char *dir, char names[][256], int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".page"))
			assert_true(snprintf(names[n++], 256, "%s/%s", dir, e->d_name) < 256);
	}
	closedir(d);
	return n;
}

static void assert_descs_equal(const struct pagefile *a, const struct pagefile *b)
{
	assert_int_equal(a->base, b->base);
	assert_int_equal(a->npages, b->npages);
	for (unsigned long i = 0; i < a->npages; i++) {
		assert_int_equal(a->pages[i].state, b->pages[i].state);
		assert_int_equal(a->pages[i].req, b->pages[i].req);
		assert_int_equal(a->pages[i].arg, b->pages[i].arg);
	}
}

/* write pf, parse it back, compare */
static void round_trip(const struct pagefile *pf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(pagefile_write(f, pf->base, pf->pages, pf->npages), 0);
	fclose(f);
	f = fmemopen(buf, len, "r");
	assert_non_null(f);
	struct pagefile back;
	char err[512] = "";
	int rc = pagefile_parse(f, "round-trip", &back, err, sizeof(err));
	if (rc)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	fclose(f);
	assert_descs_equal(pf, &back);
	pagefile_free(&back);
	free(buf);
}

static void test_invalid_files(void **state)
{
	(void)state;
	static char names[128][256];
	int n = list_pages(DIR_INVALID, names, 128);
	assert_true(n >= 30);
	for (int i = 0; i < n; i++) {
		char line[512] = "", err[1024] = "";
		FILE *f = fopen(names[i], "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		assert_memory_equal(line, "# expect: ", 10);
		line[strcspn(line, "\n")] = 0;
		const char *expect = line + 10;

		struct pagefile pf;
		int rc = pagefile_load(names[i], &pf, err, sizeof(err));
		if (rc != -EINVAL || !strstr(err, expect))
			print_error("%s: rc=%d\n  got:    %s\n  expect: %s\n", names[i], rc, err, expect);
		assert_int_equal(rc, -EINVAL);
		assert_non_null(strstr(err, expect));
		/* every message says what to do, in parentheses */
		assert_non_null(strchr(err, '('));
		assert_null(pf.pages);
		assert_int_equal(pf.npages, 0);
	}
}

static void test_valid_files_round_trip(void **state)
{
	(void)state;
	static char names[64][256];
	int n = list_pages(DIR_VALID, names, 64);
	assert_true(n >= 4);
	for (int i = 0; i < n; i++) {
		struct pagefile pf;
		char err[512] = "";
		int rc = pagefile_load(names[i], &pf, err, sizeof(err));
		if (rc)
			print_error("%s: %s\n", names[i], err);
		assert_int_equal(rc, 0);
		assert_true(pf.npages > 0);
		round_trip(&pf);
		pagefile_free(&pf);
	}
}

static void test_all_states_exact(void **state)
{
	(void)state;
	static const struct emu_page_desc want[] = {
		{ EMU_PAGE_NONE, EMU_REQ_DEFAULT, 0 },		{ EMU_PAGE_RO, EMU_REQ_DEFAULT, 0x5000 },
		{ EMU_PAGE_RW, EMU_REQ_DEFAULT, 0x5001 },	{ EMU_PAGE_ROVMA, EMU_REQ_DEFAULT, 0x5002 },
		{ EMU_PAGE_ZERO, EMU_REQ_DEFAULT, 0 },		{ EMU_PAGE_SWAP, EMU_REQ_DEFAULT, 0 },
		{ EMU_PAGE_DEV, EMU_REQ_DEFAULT, 0 },		{ EMU_PAGE_DEV_RO, EMU_REQ_DEFAULT, 0xffffff },
		{ EMU_PAGE_DEV_OTHER, EMU_REQ_DEFAULT, 0x10 }, { EMU_PAGE_SPECIAL, EMU_REQ_DEFAULT, 0x6000 },
		{ EMU_PAGE_NOVMA, EMU_REQ_DEFAULT, 0 },		{ EMU_PAGE_NOREAD, EMU_REQ_DEFAULT, 0 },
		{ EMU_PAGE_PFNMAP, EMU_REQ_DEFAULT, 0 },
	};
	struct pagefile pf;
	char err[512];
	assert_int_equal(pagefile_load(DIR_VALID "/all-states.page", &pf, err, sizeof(err)), 0);
	assert_int_equal(pf.base, 0x7f0000000000UL);
	assert_int_equal(pf.npages, 13);
	for (unsigned i = 0; i < 13; i++) {
		assert_int_equal(pf.pages[i].state, want[i].state);
		assert_int_equal(pf.pages[i].req, want[i].req);
		assert_int_equal(pf.pages[i].arg, want[i].arg);
		assert_int_equal(pf.lines[i], i + 2);
	}
	pagefile_free(&pf);
}

static void test_requests_exact(void **state)
{
	(void)state;
	struct pagefile pf;
	char err[512];
	assert_int_equal(pagefile_load(DIR_VALID "/requests-comments.page", &pf, err, sizeof(err)), 0);
	assert_int_equal(pf.base, 0x7f0000200000UL);
	assert_int_equal(pf.npages, 5);
	static const uint8_t reqs[] = { EMU_REQ_WRITE, EMU_REQ_READ, EMU_REQ_NONE, EMU_REQ_WRITE, EMU_REQ_DEFAULT };
	static const unsigned lines[] = { 3, 4, 5, 6, 8 };
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(pf.pages[i].req, reqs[i]);
		assert_int_equal(pf.lines[i], lines[i]);
	}
	assert_int_equal(pf.pages[2].arg, 0xabcdef);
	pagefile_free(&pf);
}

static void test_directory_and_missing(void **state)
{
	(void)state;
	struct pagefile pf;
	char err[512] = "";
	assert_int_equal(pagefile_load(DIR_VALID, &pf, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, DIR_VALID ": is a directory"));
	assert_int_equal(pagefile_load(DIR_VALID "/no-such-file.page", &pf, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no-such-file.page: No such file or directory"));
}

/* emu_mm_populate() errors come back as FILE:LINE through lines[] */
static void test_populate_error_has_line(void **state)
{
	(void)state;
	const char text[] = "# a pfn above this mm's memmap\nbase 0x7f0000000000\nrw 0x5000\n\nrw 0x5000000\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct pagefile pf;
	char err[512] = "";
	assert_int_equal(pagefile_parse(f, "small.page", &pf, err, sizeof(err)), 0);
	fclose(f);
	struct emu_mm *mm;
	struct emu_mm_params mp = { .pfn_limit = 0x200000 };
	assert_int_equal(emu_mm_create(&mp, &mm), 0);
	assert_int_equal(pagefile_populate(&pf, "small.page", mm, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "small.page:5: "));
	emu_mm_destroy(mm);
	pagefile_free(&pf);
}

/* generated descriptions with every request survive write + parse */
static void test_round_trip_workloads(void **state)
{
	(void)state;
	for (const struct workload *wl = workloads; wl->name; wl++) {
		struct workload_params wp = { .seed = 3, .migrated_share = 0.5 };
		struct pagefile pf = { 0 };
		enum emu_req def;
		assert_int_equal(workload_generate(wl->name, 3000, &wp, &pf.base, &pf.pages, &def), 0);
		pf.npages = workload_mm_npages(wl->name, 3000);
		uint64_t rng = 9;
		for (unsigned long i = 0; i < pf.npages; i++)
			pf.pages[i].req = (uint8_t)workload_rand_below(&rng, 4);
		round_trip(&pf);
		free(pf.pages);
	}
}

/*
 * 2^20 lines parse, and a duplicate at the end is found.  How long it
 * takes is not asserted: a timed test flakes on a shared machine (it took
 * 5.4 s under load in the ASan tree against a 3 s bound).
 */
static void test_large_file(void **state)
{
	(void)state;
	const unsigned long n = 1UL << 20;
	struct workload_params wp = { .seed = 1 };
	struct emu_page_desc *pages;
	unsigned long base;
	enum emu_req def;
	assert_int_equal(workload_generate("mixed", n, &wp, &base, &pages, &def), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(pagefile_write(f, base, pages, n), 0);
	/* a page naming the first pfn the description uses */
	unsigned long dup = 0;
	for (unsigned long i = 0; i < n && !dup; i++)
		if (pages[i].state == EMU_PAGE_RW)
			dup = i;
	fprintf(f, "ro 0x%llx\n", (unsigned long long)pages[dup].arg);
	fclose(f);

	struct pagefile pf;
	char err[512] = "";
	f = fmemopen(buf, len, "r");
	int rc = pagefile_parse(f, "big.page", &pf, err, sizeof(err));
	fclose(f);
	assert_int_equal(rc, -EINVAL);
	char want[128];
	snprintf(want, sizeof(want), "big.page:%lu: pfn 0x%llx is already used on line %lu", n + 2,
		 (unsigned long long)pages[dup].arg, dup + 2);
	if (!strstr(err, want))
		print_error("got %s\nwant %s\n", err, want);
	assert_non_null(strstr(err, want));

	free(buf);
	free(pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_files),
		cmocka_unit_test(test_valid_files_round_trip),
		cmocka_unit_test(test_all_states_exact),
		cmocka_unit_test(test_requests_exact),
		cmocka_unit_test(test_directory_and_missing),
		cmocka_unit_test(test_populate_error_has_line),
		cmocka_unit_test(test_round_trip_workloads),
		cmocka_unit_test(test_large_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
