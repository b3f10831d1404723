/*
 * test_kernel_source.c - the real kernel as a page-table source: every
 * workload shape walked with the fixed format and nouveau's era-B tables,
 * requests that fault (with the restart they cause), the errors of
 * hmm_range_fault() (-EPERM, -EFAULT, -EINVAL), reset, describe, and the
 * three faulting backends run end to end on the real page table.
 *
 * Expected pfns come from the test's own pread of /proc/self/pagemap.  As
 * root they are real and nonzero; without CAP_SYS_ADMIN pagemap shows pfn
 * 0 and the tests say so and check only the flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend.h"
#include "hmm.h"
#include "kernel_source.h"
#include "nouveau.h"

#define NPAGES 1024UL /* 2 PMDs */
#define REQ_WRITE (HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE)

struct fixture {
	struct emu_mm *mm;
	struct kernel_source *ks;
	enum emu_req req;
	uint64_t *pfns;         /* the hmm_pfns array */
	unsigned long npages;
	char why[256];
};

static bool root(void)
{
	return geteuid() == 0;
}

static struct fixture *fixture_new(const char *workload, unsigned long npages, uint64_t seed)
{
	struct emu_mm_params mp = { .pfn_limit = 1UL << 32 };
	struct workload_params wp = { .seed = seed };
	struct fixture *f = calloc(1, sizeof(*f));
	int ret;

	assert_non_null(f);
	assert_int_equal(emu_mm_create(&mp, &f->mm), 0);
	ret = kernel_source_create(workload, npages, &wp, f->mm, &f->req, &f->ks, f->why, sizeof(f->why));
	if (ret)
		fail_msg("kernel_source_create(%s, %lu): %d %s", workload, npages, ret, f->why);
	f->npages = kernel_source_npages(f->ks);
	f->pfns = calloc(f->npages, sizeof(*f->pfns));
	assert_non_null(f->pfns);
	return f;
}

static void fixture_free(struct fixture *f)
{
	kernel_source_destroy(f->ks);
	emu_mm_destroy(f->mm);
	free(f->pfns);
	free(f);
}

/* range_fault over pages [first, first + n) with one request for all. */
static int walk(struct fixture *f, unsigned long first, unsigned long n, const struct hmm_encoding *enc,
		uint64_t default_flags, struct hmm_range *out)
{
	const struct pfn_walk_source *src = kernel_source_walk(f->ks);
	struct hmm_range r = {
		.mm = f->mm,
		.start = kernel_source_base(f->ks) + (first << PAGE_SHIFT),
		.end = kernel_source_base(f->ks) + ((first + n) << PAGE_SHIFT),
		.hmm_pfns = f->pfns + first,
		.default_flags = default_flags,
		.encoding = enc,
	};
	int ret = src->range_fault(src->ctx, &r, enc);

	if (out)
		*out = r;
	return ret;
}

/* The test's own look at the page table: pagemap entries of every page. */
static uint64_t *pagemap_now(struct fixture *f)
{
	uint64_t *e = calloc(f->npages, sizeof(*e));
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_non_null(e);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, e, f->npages * 8, (off_t)(kernel_source_base(f->ks) >> PAGE_SHIFT) * 8),
			 (ssize_t)(f->npages * 8));
	close(fd);
	return e;
}

#define PFN_OF(e) ((e) & ((1ULL << 55) - 1))
#define PRESENT(e) ((e) >> 63)

static void test_mirror(void **state)
{
	struct fixture *f = fixture_new("mirror", NPAGES, 1);
	struct hmm_range r;
	uint64_t *pm;

	(void)state;
	assert_int_equal(f->req, EMU_REQ_NONE);
	assert_int_equal(f->npages, NPAGES);
	assert_int_equal(kernel_source_base(f->ks) & ((2UL << 20) - 1), 0);
	if (!root())
		print_message("not root: pagemap hides pfns, every pfn is 0\n");
	assert_int_equal(walk(f, 0, NPAGES, &hmm_encoding_fixed, 0, &r), 0);
	assert_int_equal(r.nr_walks, 1);
	assert_int_equal(r.nr_faults, 0);
	pm = pagemap_now(f);
	for (unsigned long i = 0; i < NPAGES; i++) {
		assert_int_equal(kernel_source_page_state(f->ks, i), EMU_PAGE_RW);
		assert_true(PRESENT(pm[i]));
		assert_int_equal(f->pfns[i], HMM_PFN_VALID | HMM_PFN_WRITE | PFN_OF(pm[i]));
		if (root())
			assert_int_not_equal(hmm_pfn_to_pfn(f->pfns[i]), 0);
		/* the conversion passes will read this struct page */
		assert_true(emu_pfn_valid(&f->mm->memmap, PFN_OF(pm[i])));
	}
	/* nouveau's era-B tables: pfn << 12 | V | W */
	assert_int_equal(walk(f, 0, NPAGES, &nouveau_encoding_v57, 0, NULL), 0);
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(f->pfns[i], (PFN_OF(pm[i]) << 12) | 3);
	/* a part of the range, not PMD aligned */
	memset(f->pfns, 0xff, NPAGES * sizeof(*f->pfns));
	assert_int_equal(walk(f, 500, 30, &hmm_encoding_fixed, 0, NULL), 0);
	assert_int_equal(f->pfns[499], ~0ULL);
	assert_int_equal(f->pfns[530], ~0ULL);
	for (unsigned long i = 500; i < 530; i++)
		assert_int_equal(f->pfns[i], HMM_PFN_VALID | HMM_PFN_WRITE | PFN_OF(pm[i]));
	/* a write request on present writable pages faults nothing */
	assert_int_equal(walk(f, 0, NPAGES, &hmm_encoding_fixed, REQ_WRITE, &r), 0);
	assert_int_equal(r.nr_walks, 1);
	assert_int_equal(r.nr_faults, 0);
	free(pm);
	fixture_free(f);
}

static void test_bad_ranges(void **state)
{
	struct fixture *f = fixture_new("mirror", 16, 1);
	const struct pfn_walk_source *src = kernel_source_walk(f->ks);
	unsigned long base = kernel_source_base(f->ks);
	struct hmm_range r = { .start = base, .end = base + (17UL << PAGE_SHIFT), .hmm_pfns = f->pfns };

	(void)state;
	/* past the mapping, before it, misaligned, empty */
	assert_int_equal(src->range_fault(src->ctx, &r, &hmm_encoding_fixed), -EINVAL);
	r.start = base - PAGE_SIZE;
	r.end = base + PAGE_SIZE;
	assert_int_equal(src->range_fault(src->ctx, &r, &hmm_encoding_fixed), -EINVAL);
	r.start = base + 8;
	assert_int_equal(src->range_fault(src->ctx, &r, &hmm_encoding_fixed), -EINVAL);
	r.start = r.end = base;
	assert_int_equal(src->range_fault(src->ctx, &r, &hmm_encoding_fixed), -EINVAL);
	fixture_free(f);
}

static void test_first_touch(void **state)
{
	struct fixture *f = fixture_new("first-touch", NPAGES, 1);
	struct hmm_range r;
	unsigned long zero = kernel_source_zero_pfn(f->ks);
	uint64_t *pm;

	(void)state;
	assert_int_equal(f->req, EMU_REQ_WRITE);
	/* snapshot: nothing present */
	assert_int_equal(walk(f, 0, NPAGES, &hmm_encoding_fixed, 0, &r), 0);
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(f->pfns[i], 0);
	memset(f->pfns, 0xff, NPAGES * sizeof(*f->pfns));
	assert_int_equal(walk(f, 0, NPAGES, &nouveau_encoding_v57, 0, NULL), 0);
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(f->pfns[i], nouveau_encoding_v57.values[HMM_PFN_VALUE_NONE]);

	/* write request: one fault per PMD step, each followed by a restart */
	assert_int_equal(walk(f, 0, NPAGES, &hmm_encoding_fixed, REQ_WRITE, &r), 0);
	assert_true(r.nr_walks >= 2);
	assert_int_equal(r.nr_walks, 3);
	assert_int_equal(r.nr_faults, NPAGES);
	pm = pagemap_now(f);
	for (unsigned long i = 0; i < NPAGES; i++) {
		assert_true(PRESENT(pm[i]));
		assert_int_equal(f->pfns[i], HMM_PFN_VALID | HMM_PFN_WRITE | PFN_OF(pm[i]));
		assert_true(emu_pfn_valid(&f->mm->memmap, PFN_OF(pm[i])));
	}
	free(pm);

	/* reset: back to nothing present */
	assert_int_equal(kernel_source_reset(f->ks), 0);
	assert_int_equal(walk(f, 0, NPAGES, &hmm_encoding_fixed, 0, &r), 0);
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(f->pfns[i], 0);

	/* a read request maps the zero page: valid, read-only */
	assert_int_equal(walk(f, 0, NPAGES, &nouveau_encoding_v57, NVIF_VMM_PFNMAP_V0_V, &r), 0);
	assert_int_equal(r.nr_walks, 3);
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(f->pfns[i], ((uint64_t)zero << 12) | NVIF_VMM_PFNMAP_V0_V);
	/* then a write request copies: writable, not the zero page */
	assert_int_equal(walk(f, 0, NPAGES, &hmm_encoding_fixed, REQ_WRITE, &r), 0);
	assert_int_equal(r.nr_faults, NPAGES);
	for (unsigned long i = 0; i < NPAGES; i++) {
		assert_int_equal(f->pfns[i] & HMM_PFN_FLAGS, HMM_PFN_VALID | HMM_PFN_WRITE);
		if (root())
			assert_int_not_equal(hmm_pfn_to_pfn(f->pfns[i]), zero);
	}
	fixture_free(f);
}

static void test_thp(void **state)
{
	struct fixture *f = fixture_new("thp", NPAGES, 1);
	json_t *d = json_object();
	uint64_t *pm;

	(void)state;
	assert_int_equal(walk(f, 0, NPAGES, &hmm_encoding_fixed, 0, NULL), 0);
	pm = pagemap_now(f);
	assert_int_equal(kernel_source_describe(f->ks, d), 0);
	for (unsigned long b = 0; b < NPAGES / 512; b++) {
		int huge = kernel_source_pmd_huge(f->ks, b * 512);
		unsigned long head = PFN_OF(pm[b * 512]);

		print_message("thp: PMD %lu %s\n", b, huge == 1 ? "is PMD-mapped (order 9)"
						 : huge == 0 ? "is not huge (the kernel gave 4 KiB pages)"
							     : "unknown (no way to tell)");
		for (unsigned long k = 0; k < 512; k++) {
			uint64_t w = f->pfns[b * 512 + k];

			assert_int_equal(w & (HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_ERROR),
					 HMM_PFN_VALID | HMM_PFN_WRITE);
			assert_int_equal(hmm_pfn_to_pfn(w), PFN_OF(pm[b * 512 + k]));
			assert_int_equal(hmm_pfn_to_map_order(w), huge == 1 ? 9 : 0);
			if (huge == 1 && root())
				assert_int_equal(hmm_pfn_to_pfn(w), head + k);
		}
		if (huge == 1 && root())
			assert_int_equal(head % 512, 0);
	}
	/* era B has no order: the same words with pfn << 12 */
	assert_int_equal(walk(f, 0, NPAGES, &nouveau_encoding_v57, 0, NULL), 0);
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(f->pfns[i], (PFN_OF(pm[i]) << 12) | 3);
	/* describe agrees with the per-PMD answers */
	{
		json_t *thp = json_object_get(d, "thp");
		json_t *h = json_object_get(thp, "pmds_huge");
		long n = 0;

		for (unsigned long b = 0; b < NPAGES / 512; b++)
			n += kernel_source_pmd_huge(f->ks, b * 512) == 1;
		assert_int_equal(json_integer_value(json_object_get(thp, "pmds")), NPAGES / 512);
		assert_int_equal(json_integer_value(json_object_get(thp, "pmds_requested")), NPAGES / 512);
		if (json_is_integer(h))
			assert_int_equal(json_integer_value(h), n);
		print_message("thp: %ld of %lu PMDs huge (THP enabled=%s, defrag=%s)\n", n, NPAGES / 512,
			      json_string_value(json_object_get(thp, "enabled")),
			      json_string_value(json_object_get(thp, "defrag")));
	}
	json_decref(d);
	free(pm);
	fixture_free(f);
}

/* thp with npages below one huge page maps one whole huge page */
static void test_thp_small(void **state)
{
	struct fixture *f = fixture_new("thp", 16, 1);

	(void)state;
	assert_int_equal(f->npages, 512);
	assert_int_equal(walk(f, 0, 16, &hmm_encoding_fixed, 0, NULL), 0);
	for (unsigned long i = 0; i < 16; i++)
		assert_int_equal(hmm_pfn_to_map_order(f->pfns[i]), kernel_source_pmd_huge(f->ks, 0) == 1 ? 9 : 0);
	fixture_free(f);
}

/* First page index in state s, or -1. */
static long find_state(struct fixture *f, int s)
{
	for (unsigned long i = 0; i < f->npages; i++)
		if (kernel_source_page_state(f->ks, i) == s)
			return (long)i;
	return -1;
}

static void check_mixed_snapshot(struct fixture *f, const uint64_t *pm, unsigned long counts[EMU_PAGE_NR_STATES])
{
	unsigned long zero = kernel_source_zero_pfn(f->ks);

	for (unsigned long i = 0; i < f->npages; i++) {
		int s = kernel_source_page_state(f->ks, i);
		uint64_t w = f->pfns[i];

		counts[s]++;
		switch (s) {
		case EMU_PAGE_RW:
			assert_int_equal(w, HMM_PFN_VALID | HMM_PFN_WRITE | PFN_OF(pm[i]));
			break;
		case EMU_PAGE_THP_RW:
			assert_int_equal(w & ~HMM_PFN_ORDER_MASK, HMM_PFN_VALID | HMM_PFN_WRITE | PFN_OF(pm[i]));
			assert_int_equal(hmm_pfn_to_map_order(w), kernel_source_pmd_huge(f->ks, i) == 1 ? 9 : 0);
			break;
		case EMU_PAGE_ROVMA:
			assert_int_equal(w, HMM_PFN_VALID | PFN_OF(pm[i]));
			break;
		case EMU_PAGE_ZERO:
			assert_int_equal(w, HMM_PFN_VALID | zero);
			assert_int_equal(PFN_OF(pm[i]), zero);
			break;
		case EMU_PAGE_NONE:
			assert_int_equal(w, 0);
			break;
		case EMU_PAGE_NOREAD:
		case EMU_PAGE_NOVMA:
			assert_int_equal(w, HMM_PFN_ERROR);
			break;
		default:
			fail_msg("page %lu: unexpected state %d", i, s);
		}
	}
}

static void test_mixed(void **state)
{
	struct fixture *f = fixture_new("mixed", 4096, 1);
	unsigned long counts[EMU_PAGE_NR_STATES] = { 0 };
	unsigned long zero = kernel_source_zero_pfn(f->ks);
	long ro, hole, noread, zp, none;
	struct hmm_range r;
	uint64_t *pm;

	(void)state;
	assert_int_equal(f->req, EMU_REQ_NONE);
	if (root())
		assert_int_not_equal(zero, 0);
	print_message("mixed: zero page pfn %#lx\n", zero);
	assert_int_equal(walk(f, 0, f->npages, &hmm_encoding_fixed, 0, &r), 0);
	assert_int_equal(r.nr_faults, 0);
	pm = pagemap_now(f);
	check_mixed_snapshot(f, pm, counts);
	/* the seed gives every kind of page */
	assert_true(counts[EMU_PAGE_RW] > counts[EMU_PAGE_ROVMA]);
	assert_true(counts[EMU_PAGE_ROVMA] > 0);
	assert_true(counts[EMU_PAGE_ZERO] > 0);
	assert_true(counts[EMU_PAGE_NONE] > 0);
	assert_true(counts[EMU_PAGE_NOREAD] > 0);
	assert_true(counts[EMU_PAGE_NOVMA] > 0);
	print_message("mixed: rw %lu thp %lu ro %lu zero %lu none %lu prot_none %lu hole %lu\n",
		      counts[EMU_PAGE_RW], counts[EMU_PAGE_THP_RW], counts[EMU_PAGE_ROVMA], counts[EMU_PAGE_ZERO],
		      counts[EMU_PAGE_NONE], counts[EMU_PAGE_NOREAD], counts[EMU_PAGE_NOVMA]);

	/* era B: ERROR and NONE are values[], read-only pages have V only */
	assert_int_equal(walk(f, 0, f->npages, &nouveau_encoding_v57, 0, NULL), 0);
	for (unsigned long i = 0; i < f->npages; i++) {
		int s = kernel_source_page_state(f->ks, i);
		uint64_t w = f->pfns[i];
		if (s == EMU_PAGE_NOVMA || s == EMU_PAGE_NOREAD)
			assert_int_equal(w, nouveau_encoding_v57.values[HMM_PFN_VALUE_ERROR]);
		else if (s == EMU_PAGE_NONE)
			assert_int_equal(w, nouveau_encoding_v57.values[HMM_PFN_VALUE_NONE]);
		else if (s == EMU_PAGE_ROVMA || s == EMU_PAGE_ZERO)
			assert_int_equal(w, (PFN_OF(pm[i]) << 12) | NVIF_VMM_PFNMAP_V0_V);
		else
			assert_int_equal(w, (PFN_OF(pm[i]) << 12) | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_W);
	}

	ro = find_state(f, EMU_PAGE_ROVMA);
	hole = find_state(f, EMU_PAGE_NOVMA);
	noread = find_state(f, EMU_PAGE_NOREAD);
	zp = find_state(f, EMU_PAGE_ZERO);
	none = find_state(f, EMU_PAGE_NONE);
	/* a write request over a read-only VMA: -EPERM; a read request is fine */
	assert_int_equal(walk(f, (unsigned long)ro, 1, &hmm_encoding_fixed, REQ_WRITE, NULL), -EPERM);
	assert_int_equal(walk(f, (unsigned long)ro, 1, &hmm_encoding_fixed, HMM_PFN_REQ_FAULT, NULL), 0);
	assert_int_equal(f->pfns[ro], HMM_PFN_VALID | PFN_OF(pm[ro]));
	/* any fault request over a hole or PROT_NONE: -EFAULT */
	assert_int_equal(walk(f, (unsigned long)hole, 1, &hmm_encoding_fixed, HMM_PFN_REQ_FAULT, NULL), -EFAULT);
	assert_int_equal(walk(f, (unsigned long)noread, 1, &nouveau_encoding_v57, NVIF_VMM_PFNMAP_V0_V, NULL),
			 -EFAULT);
	/* a write request over the zero page faults it into a private page */
	assert_int_equal(walk(f, (unsigned long)zp, 1, &hmm_encoding_fixed, REQ_WRITE, &r), 0);
	assert_int_equal(r.nr_walks, 2);
	assert_int_equal(f->pfns[zp] & HMM_PFN_FLAGS, HMM_PFN_VALID | HMM_PFN_WRITE);
	if (root())
		assert_int_not_equal(hmm_pfn_to_pfn(f->pfns[zp]), zero);

	/* per-page requests: fault only the none pages, read the rest */
	assert_int_equal(kernel_source_reset(f->ks), 0);
	{
		const struct pfn_walk_source *src = kernel_source_walk(f->ks);
		struct hmm_range pr = {
			.start = kernel_source_base(f->ks), .end = kernel_source_base(f->ks) + (f->npages << PAGE_SHIFT),
			.hmm_pfns = f->pfns, .pfn_flags_mask = REQ_WRITE,
		};
		uint64_t *pm2;

		for (unsigned long i = 0; i < f->npages; i++)
			f->pfns[i] = kernel_source_page_state(f->ks, i) == EMU_PAGE_NONE ? REQ_WRITE : 0;
		assert_int_equal(src->range_fault(src->ctx, &pr, &hmm_encoding_fixed), 0);
		assert_true(pr.nr_walks >= 2);
		pm2 = pagemap_now(f);
		/*
		 * hmm_vma_fault() faults every page from the first one that
		 * needs it to the end of the PMD step (2 MiB block, clipped to
		 * the VMA), requested or not: zero pages after a none page in
		 * the same step are write-faulted too.
		 */
		bool faulted = false;
		unsigned long nr_collateral = 0;
		for (unsigned long i = 0; i < f->npages; i++) {
			int s = kernel_source_page_state(f->ks, i);
			if (i % 512 == 0 || (s != EMU_PAGE_RW && s != EMU_PAGE_ZERO && s != EMU_PAGE_NONE))
				faulted = false;
			if (s == EMU_PAGE_NONE) {
				faulted = true;
				assert_int_equal(f->pfns[i], HMM_PFN_VALID | HMM_PFN_WRITE | PFN_OF(pm2[i]));
			} else if (s == EMU_PAGE_ZERO && faulted) {
				nr_collateral++;
				assert_int_equal(f->pfns[i], HMM_PFN_VALID | HMM_PFN_WRITE | PFN_OF(pm2[i]));
				if (root())
					assert_int_not_equal(PFN_OF(pm2[i]), zero);
			} else if (s == EMU_PAGE_ZERO) {
				assert_int_equal(f->pfns[i], HMM_PFN_VALID | zero);
			}
		}
		print_message("mixed: %lu zero pages write-faulted as collateral of a requested fault\n",
			      nr_collateral);
		assert_int_equal(f->pfns[none] & HMM_PFN_FLAGS, HMM_PFN_VALID | HMM_PFN_WRITE);
		free(pm2);
	}
	/* reset restores every state: the snapshot is the first one again */
	assert_int_equal(kernel_source_reset(f->ks), 0);
	free(pm);
	pm = pagemap_now(f);
	memset(counts, 0, sizeof(counts));
	assert_int_equal(walk(f, 0, f->npages, &hmm_encoding_fixed, 0, NULL), 0);
	check_mixed_snapshot(f, pm, counts);
	free(pm);
	fixture_free(f);
}

static void test_describe(void **state)
{
	struct fixture *f = fixture_new("mixed", 2048, 3);
	json_t *d = json_object(), *zp, *ifc, *scan, *swap, *st;
	unsigned long sum = 0;
	const char *k;
	json_t *v;

	(void)state;
	assert_int_equal(kernel_source_describe(f->ks, d), 0);
	assert_string_equal(json_string_value(json_object_get(d, "source")), "kernel");
	assert_string_equal(json_string_value(json_object_get(d, "workload")), "mixed");
	assert_int_equal(json_integer_value(json_object_get(d, "npages")), 2048);
	assert_string_equal(json_string_value(json_object_get(d, "pfns")), root() ? "real" : "zero: pagemap hides "
				    "pfns without CAP_SYS_ADMIN, every valid word has pfn 0");
	zp = json_object_get(d, "zero_page");
	if (root()) {
		assert_int_equal(json_integer_value(json_object_get(zp, "pfn")), kernel_source_zero_pfn(f->ks));
		assert_true(json_is_true(json_object_get(zp, "kpageflags_zero_page")));
	}
	ifc = json_object_get(d, "interfaces");
	scan = json_object_get(ifc, "pagemap_scan");
	assert_true(json_is_boolean(json_object_get(scan, "available")));
	print_message("describe: PAGEMAP_SCAN %s (abi: %s); huge PMDs from %s; zero pfn %#lx\n",
		      json_is_true(json_object_get(scan, "available")) ? "available" : "not available",
		      json_string_value(json_object_get(scan, "abi")),
		      json_string_value(json_object_get(ifc, "huge_pmds_from")), kernel_source_zero_pfn(f->ks));
	if (json_is_true(json_object_get(scan, "available")))
		assert_true(json_is_true(json_object_get(zp, "pagemap_scan_pfnzero")));
	swap = json_object_get(d, "swap");
	assert_int_equal(json_integer_value(json_object_get(swap, "swapped_pages")), 0);
	st = json_object_get(d, "page_states");
	json_object_foreach(st, k, v)
		sum += (unsigned long)json_integer_value(v);
	assert_int_equal(sum, 2048);
	assert_true(json_integer_value(json_object_get(d, "holes")) > 0);
	assert_true(json_integer_value(json_object_get(d, "vmas")) > 1);
	json_decref(d);
	fixture_free(f);
}

static void test_refused(void **state)
{
	struct emu_mm_params mp = { .pfn_limit = 1UL << 32 };
	struct kernel_source *ks = (void *)1;
	struct emu_mm *mm;
	enum emu_req req;
	char why[256];

	(void)state;
	assert_int_equal(emu_mm_create(&mp, &mm), 0);
	assert_int_equal(kernel_source_create("migrated", 16, NULL, mm, &req, &ks, why, sizeof(why)), -ENOTSUP);
	assert_null(ks);
	assert_non_null(strstr(why, "migrated"));
	assert_int_equal(kernel_source_create("nope", 16, NULL, mm, &req, &ks, why, sizeof(why)), -EINVAL);
	assert_int_equal(kernel_source_create("mirror", 0, NULL, mm, &req, &ks, why, sizeof(why)), -EINVAL);
	assert_int_equal(kernel_source_create("mirror", 16, NULL, NULL, &req, &ks, why, sizeof(why)), -EINVAL);
	emu_mm_destroy(mm);
}

/* Run one backend over the whole range; returns its output words (malloc'd). */
static uint64_t *run_backend(struct fixture *f, const char *name, enum emu_req req, unsigned long *walks,
			     unsigned long *windows)
{
	struct pfn_backend_params bp = { .mm = f->mm, .source = kernel_source_walk(f->ks), .max_npages = f->npages };
	struct pfn_backend *b;
	uint64_t *words = malloc(f->npages * sizeof(*words));
	struct pfn_call c = { .start = kernel_source_base(f->ks), .npages = f->npages, .default_req = req,
			      .words_out = words };

	assert_non_null(words);
	assert_non_null(pfn_backend_find(name));
	assert_int_equal(pfn_backend_create(pfn_backend_find(name), &bp, &b), 0);
	assert_int_equal(pfn_backend_range_fault(b, &c), 0);
	*walks = c.nr_walks;
	*windows = c.nr_windows;
	pfn_backend_destroy(b);
	return words;
}

static void test_backends_end_to_end(void **state)
{
	/* nouveau v5.7 and v5.8 (16-page windows) and the promise, on the real page table */
	static const char *const names[] = { "nouveau-v5.8", "nouveau-v5.7", "promise-2018" };
	struct fixture *f = fixture_new("mirror", NPAGES, 1);
	uint64_t *pm = pagemap_now(f), *words[3];
	unsigned long walks, windows;

	(void)state;
	for (int b = 0; b < 3; b++) {
		words[b] = run_backend(f, names[b], f->req, &walks, &windows);
		assert_int_equal(windows, NPAGES / 16);
		assert_int_equal(walks, NPAGES / 16);	/* one walk a window: nothing faults */
	}
	for (unsigned long i = 0; i < NPAGES; i++) {
		uint64_t host = (PFN_OF(pm[i]) << PAGE_SHIFT) | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_W |
				NVIF_VMM_PFNMAP_V0_HOST;
		assert_int_equal(words[0][i], host);
		assert_int_equal(words[1][i], words[0][i]);
		assert_int_equal(words[2][i], words[0][i]);
	}
	for (int b = 0; b < 3; b++)
		free(words[b]);
	free(pm);
	fixture_free(f);

	/* first-touch: each window faults its pages and walks again; reset between backends */
	f = fixture_new("first-touch", NPAGES, 1);
	for (int b = 0; b < 3; b++) {
		words[b] = run_backend(f, names[b], f->req, &walks, &windows);
		assert_int_equal(windows, NPAGES / 16);
		assert_int_equal(walks, 2 * (NPAGES / 16));
		pm = pagemap_now(f);
		for (unsigned long i = 0; i < NPAGES; i++)
			assert_int_equal(words[b][i], (PFN_OF(pm[i]) << PAGE_SHIFT) | NVIF_VMM_PFNMAP_V0_V |
							      NVIF_VMM_PFNMAP_V0_W);
		free(pm);
		free(words[b]);
		assert_int_equal(kernel_source_reset(f->ks), 0);
	}
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirror),        cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_first_touch),   cmocka_unit_test(test_thp),
		cmocka_unit_test(test_thp_small),     cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_describe),      cmocka_unit_test(test_refused),
		cmocka_unit_test(test_backends_end_to_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
