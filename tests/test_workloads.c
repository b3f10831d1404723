/*
 * test_workloads.c - the seeded address-space generators (harness/input/workloads.c):
 * every workload builds (emu_mm_populate accepts it, pfns below 2^28),
 * has the states and request it documents, is deterministic per seed,
 * and 2^20 pages generate in well under a second; and a pass of any
 * backend that leaves emu_mm_changed() false left the space byte for byte
 * as the description built it (the sweep then skips the repopulate).
 */
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

#include "backend.h"
#include "mm.h"
#include "workloads.h"

static struct emu_mm *g_mm;

static int setup(void **state)
{
	(void)state;
	struct emu_mm_params mp = { .pfn_limit = 0x11000000UL }; /* 2^28 plus the device range */
	return emu_mm_create(&mp, &g_mm);
}

static int teardown(void **state)
{
	(void)state;
	emu_mm_destroy(g_mm);
	return 0;
}

static unsigned long count_state(const struct emu_page_desc *p, unsigned long n, int s)
{
	unsigned long c = 0;
	for (unsigned long i = 0; i < n; i++)
		c += p[i].state == s;
	return c;
}

/* Every descriptor is complete: a generator, an alignment, and how the real
 * kernel shapes it or why it cannot; the requests are the drivers'. */
static void test_descriptors(void **state)
{
	static const struct {
		const char *name;
		enum emu_req req;
		bool kernel;
	} want[] = {
		{ "mirror", EMU_REQ_NONE, true },   { "first-touch", EMU_REQ_WRITE, true },
		{ "thp", EMU_REQ_NONE, true },      { "migrated", EMU_REQ_WRITE, false },
		{ "mixed", EMU_REQ_NONE, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct workload *w = workload_find(want[i].name);
		struct emu_page_desc *p = NULL;
		unsigned long base;
		enum emu_req req = EMU_REQ_DEFAULT;

		assert_non_null(w);
		assert_ptr_equal(w, &workloads[i]);   /* the order seeds the streams */
		assert_non_null(w->generate);
		assert_true(w->align_pages >= 1);
		assert_int_equal(w->request, want[i].req);
		assert_int_equal(workload_generate(w->name, 16, NULL, &base, &p, &req), 0);
		assert_int_equal(req, want[i].req);
		free(p);
		assert_true(workload_kernel_declared(w->name));
		if (want[i].kernel) {
			assert_true(w->kernel_shape > WORKLOAD_KERNEL_REFUSED);
			assert_null(w->kernel_why_not);
		} else {
			assert_int_equal(w->kernel_shape, WORKLOAD_KERNEL_REFUSED);
			assert_non_null(w->kernel_why_not);
		}
	}
	assert_null(workloads[sizeof(want) / sizeof(want[0])].name);
	assert_null(workload_find("nosuch"));
	assert_null(workload_find(NULL));
	assert_false(workload_kernel_declared("nosuch"));
	assert_int_equal(workload_mm_npages("thp", 1), 512);
	assert_int_equal(workload_mm_npages("thp", 513), 1024);
	assert_int_equal(workload_mm_npages("mirror", 513), 513);
	assert_int_equal(workload_mm_npages("nosuch", 513), 0);
}

static void test_names(void **state)
{
	(void)state;
	int n = 0;
	for (const struct workload *wl = workloads; wl->name; wl++, n++) {
		assert_true(workload_exists(wl->name));
		assert_non_null(workload_description(wl->name));
	}
	assert_int_equal(n, 5);
	assert_false(workload_exists("nosuch"));
	assert_null(workload_description("nosuch"));
	unsigned long base;
	struct emu_page_desc *p;
	enum emu_req r;
	assert_int_equal(workload_generate("nosuch", 10, NULL, &base, &p, &r), -EINVAL);
	assert_int_equal(workload_generate("mirror", 0, NULL, &base, &p, &r), -EINVAL);
}

static void test_every_workload_builds(void **state)
{
	(void)state;
	const unsigned long sizes[] = { 1, 16, 511, 512, 1000, 65536 };
	for (const struct workload *wl = workloads; wl->name; wl++) {
		for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			struct workload_params wp = { .seed = 42, .migrated_share = 0.5 };
			unsigned long base, n = workload_mm_npages(wl->name, sizes[si]);
			struct emu_page_desc *p;
			enum emu_req req;
			struct emu_build_error be;
			assert_int_equal(workload_generate(wl->name, sizes[si], &wp, &base, &p, &req), 0);
			assert_true(n >= sizes[si]);
			assert_int_equal(base & (PMD_SIZE - 1), 0);
			int rc = emu_mm_populate(g_mm, base, p, n, &be);
			if (rc)
				print_error("%s %lu: %s at %lu\n", wl->name, sizes[si], be.what, be.index);
			assert_int_equal(rc, 0);
			for (unsigned long i = 0; i < n; i++) {
				assert_int_equal(p[i].req, EMU_REQ_DEFAULT);
				if (emu_page_state_has_arg(p[i].state) && p[i].state != EMU_PAGE_DEV)
					assert_true(p[i].arg < (1UL << 28));
			}
			/* what each one documents */
			if (!strcmp(wl->name, "mirror")) {
				assert_int_equal(req, EMU_REQ_NONE);
				assert_int_equal(count_state(p, n, EMU_PAGE_RW) + count_state(p, n, EMU_PAGE_RO), n);
			} else if (!strcmp(wl->name, "first-touch")) {
				assert_int_equal(req, EMU_REQ_WRITE);
				assert_int_equal(count_state(p, n, EMU_PAGE_NONE), n);
			} else if (!strcmp(wl->name, "thp")) {
				assert_int_equal(req, EMU_REQ_NONE);
				assert_int_equal(n % 512, 0);
				assert_int_equal(count_state(p, n, EMU_PAGE_THP_RW), n);
			} else if (!strcmp(wl->name, "migrated")) {
				assert_int_equal(req, EMU_REQ_WRITE);
				unsigned long dev = count_state(p, n, EMU_PAGE_DEV);
				assert_int_equal(dev + count_state(p, n, EMU_PAGE_RW), n);
				assert_true(dev + 1 >= n / 2 && dev <= n / 2 + 1);
			} else {
				assert_int_equal(req, EMU_REQ_NONE);
				unsigned long thp = count_state(p, n, EMU_PAGE_THP_RW) + count_state(p, n, EMU_PAGE_THP_RO);
				assert_int_equal(thp % 512, 0);
				if (n - thp >= 1000) /* "mostly rw" among the 4 KiB pages */
					assert_true(count_state(p, n, EMU_PAGE_RW) > (n - thp) / 2);
			}
			free(p);
		}
	}
}

static void test_mixed_has_its_mix(void **state)
{
	(void)state;
	struct workload_params wp = { .seed = 5 };
	unsigned long base;
	struct emu_page_desc *p;
	enum emu_req req;
	const unsigned long n = 1UL << 16;
	assert_int_equal(workload_generate("mixed", n, &wp, &base, &p, &req), 0);
	const int want[] = { EMU_PAGE_RW,     EMU_PAGE_RO,	EMU_PAGE_ZERO, EMU_PAGE_SWAP, EMU_PAGE_NONE,
			     EMU_PAGE_THP_RW, EMU_PAGE_THP_RO, EMU_PAGE_NOVMA, EMU_PAGE_DEV };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_true(count_state(p, n, want[i]) > 0);
	assert_int_equal(count_state(p, n, EMU_PAGE_SPECIAL), 0);
	free(p);
}

static void test_deterministic(void **state)
{
	(void)state;
	for (const struct workload *wl = workloads; wl->name; wl++) {
		struct workload_params a = { .seed = 7 }, b = { .seed = 8 };
		unsigned long base, n = workload_mm_npages(wl->name, 4096);
		struct emu_page_desc *p1, *p2, *p3;
		enum emu_req req;
		assert_int_equal(workload_generate(wl->name, 4096, &a, &base, &p1, &req), 0);
		assert_int_equal(workload_generate(wl->name, 4096, &a, &base, &p2, &req), 0);
		assert_int_equal(workload_generate(wl->name, 4096, &b, &base, &p3, &req), 0);
		assert_memory_equal(p1, p2, n * sizeof(*p1));
		if (strcmp(wl->name, "first-touch")) /* all none: nothing to vary */
			assert_memory_not_equal(p1, p3, n * sizeof(*p1));
		free(p1);
		free(p2);
		free(p3);
	}
}

static void test_large_is_fast(void **state)
{
	(void)state;
	for (const struct workload *wl = workloads; wl->name; wl++) {
		struct timespec t0, t1;
		struct workload_params wp = { .seed = 1 };
		unsigned long base;
		struct emu_page_desc *p;
		enum emu_req req;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(workload_generate(wl->name, 1UL << 20, &wp, &base, &p, &req), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
		assert_true(s < 1.0); /* ~20 ms on the build machine; valgrind is slower */
		free(p);
	}
}

/* FNV-1a over n bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

/* Everything a pass could change: page tables, struct pages, VMAs, allocators, notifier events. */
static uint64_t space_hash(const struct emu_mm *mm)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const struct emu_memmap *mm_map = &mm->memmap;

	for (unsigned long i = 0; i < mm->nr_pt_chunks; i++)
		h = fnv(h, mm->pt_chunks[i], mm->pt_chunk_size);
	for (unsigned long k = 0; k < mm_map->nr_present; k++)
		h = fnv(h, mm_map->vmemmap + mm_map->present_secs[k] * PAGES_PER_SECTION,
			PAGES_PER_SECTION * sizeof(struct page));
	for (unsigned long i = 0; i < mm->nr_vmas; i++)
		h = fnv(h, &mm->vmas[i], sizeof(mm->vmas[i]));
	h = fnv(h, &mm->next_pfn, sizeof(mm->next_pfn));
	h = fnv(h, &mm->free_list, sizeof(mm->free_list));
	h = fnv(h, &mm->next_swap_slot, sizeof(mm->next_swap_slot));
	return fnv(h, &mm->notifier_seq, sizeof(mm->notifier_seq));
}

/*
 * Every backend, every workload, with the workload's request and with
 * writes: where the passes left emu_mm_changed() false, the space hashes
 * as it did after emu_mm_populate().
 */
static void test_unchanged_space(void **state)
{
	const unsigned long sizes[] = { 64, 1024 };
	unsigned long clean = 0, changed = 0;

	(void)state;
	for (const struct workload *wl = workloads; wl->name; wl++) {
		for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			struct workload_params wp = { .seed = 7, .migrated_share = 0.5 };
			unsigned long base, n = workload_mm_npages(wl->name, sizes[si]);
			struct emu_page_desc *p;
			enum emu_req wreq;

			assert_int_equal(workload_generate(wl->name, sizes[si], &wp, &base, &p, &wreq), 0);
			for (size_t bi = 0; pfn_backends[bi]; bi++) {
				for (int w = 0; w < 2; w++) {
					struct pfn_backend_params bp = { .mm = g_mm, .max_npages = sizes[si],
									 .range_start = base, .range_npages = n };
					struct pfn_call c = { .start = base, .npages = sizes[si],
							      .default_req = w ? EMU_REQ_WRITE : wreq };
					struct pfn_backend *b;
					uint64_t before;
					int ret;

					assert_int_equal(emu_mm_populate(g_mm, base, p, n, NULL), 0);
					assert_false(emu_mm_changed(g_mm));
					before = space_hash(g_mm);
					ret = pfn_backend_create(pfn_backends[bi], &bp, &b);
					if (ret == -ENOTSUP)
						continue;
					assert_int_equal(ret, 0);
					for (int pass = 0; pass < 2; pass++)
						(void)pfn_backend_range_fault(b, &c);
					pfn_backend_destroy(b);
					if (emu_mm_changed(g_mm)) {
						changed++;
						continue;
					}
					clean++;
					if (space_hash(g_mm) != before)
						fail_msg("%s on %s (%lu pages, %s): the space changed, and "
							 "emu_mm_changed() says not", pfn_backends[bi]->name, wl->name,
							 sizes[si], w ? "write" : "its request");
				}
			}
			free(p);
		}
	}
	/* both kinds happened, many times */
	assert_true(clean > 50);
	assert_true(changed > 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_every_workload_builds),
		cmocka_unit_test(test_mixed_has_its_mix),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_large_is_fast),
		cmocka_unit_test(test_unchanged_space),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
