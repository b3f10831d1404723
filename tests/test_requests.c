/*
 * test_requests.c - request semantics of hmm_range_fault() and
 * hmm_range_fault_v57(), called directly (no backend):
 *
 *  - req = (entry & pfn_flags_mask) | default_flags: a mask of 0 ignores
 *    what the array holds; default_flags alone faults every page;
 *  - the v5.7 short cut: nothing faults when (default_flags |
 *    pfn_flags_mask) has no VALID/REQ_FAULT bit;
 *  - the restart invariant: a fault restarts the walk (nr_walks > 1) and
 *    afterwards every entry is an output; when a fault fails mid-range,
 *    entries below `last` hold outputs and entries from `last` on still
 *    hold their requests;
 *  - every error return: -EFAULT, -EPERM, -EINVAL;
 *  - v5.6 (hmm_range_fault_v56()) stored values[NONE] into an entry before
 *    looking at its pte, so a failing fault left the request clobbered
 *    (fixed in v5.7 by "mm/hmm: do not unconditionally set pfns when
 *    returning EBUSY"), and its write faults in a read-only VMA were
 *    -EFAULT, not -EPERM.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hmm.h"
#include "mm.h"
#include "nouveau.h"

#define BASE 0x7f0000000000UL /* 2 MiB aligned */
#define D(s, a) ((struct emu_page_desc){ .state = (s), .req = EMU_REQ_DEFAULT, .arg = (a) })

static struct emu_mm *mm_make(unsigned long pfn_limit, const struct emu_page_desc *pages, unsigned long n,
			      unsigned long base)
{
	struct emu_mm *mm;
	struct emu_mm_params mp = { .pfn_limit = pfn_limit };
	struct emu_build_error be;
	assert_int_equal(emu_mm_create(&mp, &mm), 0);
	int rc = emu_mm_populate(mm, base, pages, n, &be);
	if (rc)
		print_error("populate: %s at %lu\n", be.what, be.index);
	assert_int_equal(rc, 0);
	return mm;
}

static struct hmm_range range_of(struct emu_mm *mm, unsigned long start, unsigned long npages, uint64_t *pfns)
{
	struct hmm_range r = {
		.mm = mm,
		.start = start,
		.end = start + npages * PAGE_SIZE,
		.hmm_pfns = pfns,
		.dev_private_owner = emu_mm_owner(mm),
		.encoding = &nouveau_encoding_v57,
	};
	return r;
}

/* mask 0: the array's requests are ignored; a mask lets them through */
static void test_mask_zero_ignores_entries(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_NONE, 0), D(EMU_PAGE_NONE, 0) };
	struct emu_mm *mm = mm_make(0x200000, d, 2, BASE);
	uint64_t pfns[2] = { HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE, HMM_PFN_REQ_FAULT };
	struct hmm_range r = range_of(mm, BASE, 2, pfns);

	assert_int_equal(hmm_range_fault(&r), 0);
	assert_int_equal(pfns[0], 0);
	assert_int_equal(pfns[1], 0);
	assert_int_equal(r.nr_faults, 0);
	assert_int_equal(r.nr_walks, 1);

	/* same words with the mask: page 0 write-faulted (a new page), page 1 read (zero page) */
	pfns[0] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	pfns[1] = HMM_PFN_REQ_FAULT;
	r.pfn_flags_mask = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	assert_int_equal(hmm_range_fault(&r), 0);
	/* hmm_vma_fault() faults [addr, end) with the first page's flags: both pages get written */
	assert_int_equal(pfns[0], EMU_FRAME_FIRST | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(pfns[1], (EMU_FRAME_FIRST + 1) | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(r.nr_walks, 2);
	assert_int_equal(r.nr_faults, 2);
	emu_mm_destroy(mm);
}

/* default_flags alone: every page faults as asked; the mask adds to it */
static void test_default_flags(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_NONE, 0), D(EMU_PAGE_RO, 0x5000), D(EMU_PAGE_RW, 0x5001) };
	struct emu_mm *mm = mm_make(0x200000, d, 3, BASE);
	uint64_t pfns[3] = { 0, 0, 0 };
	struct hmm_range r = range_of(mm, BASE, 3, pfns);

	r.default_flags = HMM_PFN_REQ_FAULT;
	assert_int_equal(hmm_range_fault(&r), 0);
	assert_int_equal(pfns[0], EMU_ZERO_PFN | HMM_PFN_VALID);
	assert_int_equal(pfns[1], 0x5000 | HMM_PFN_VALID);
	assert_int_equal(pfns[2], 0x5001 | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(r.nr_faults, 3); /* page 0 needed it; the rest of [addr, end) went along */

	/* default read + mask write: an entry with REQ_WRITE makes that page a write fault */
	emu_mm_populate(mm, BASE, d, 3, NULL);
	pfns[0] = 0;
	pfns[1] = HMM_PFN_REQ_WRITE;
	pfns[2] = 0;
	r.pfn_flags_mask = HMM_PFN_REQ_WRITE;
	assert_int_equal(hmm_range_fault(&r), 0);
	assert_int_equal(pfns[0], EMU_ZERO_PFN | HMM_PFN_VALID);
	/* ro is shared (copy on write): a new page, writable */
	assert_int_not_equal(hmm_pfn_to_pfn(pfns[1]), 0x5000);
	assert_int_equal(pfns[1] & (HMM_PFN_VALID | HMM_PFN_WRITE), HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(pfns[2], 0x5001 | HMM_PFN_VALID | HMM_PFN_WRITE);
	emu_mm_destroy(mm);
}

/* v5.7: (default_flags | pfn_flags_mask) without VALID: nothing faults, whatever the entries say */
static void test_v57_short_cut(void **state)
{
	(void)state;
	const struct hmm_encoding *enc = &nouveau_encoding_v57;
	struct emu_page_desc d[] = { D(EMU_PAGE_NONE, 0), D(EMU_PAGE_SWAP, 0), D(EMU_PAGE_NOVMA, 0) };
	struct emu_mm *mm = mm_make(0x200000, d, 3, BASE);
	uint64_t pfns[3];
	struct hmm_range r = range_of(mm, BASE, 3, pfns);

	for (int i = 0; i < 3; i++)
		pfns[i] = enc->flags[HMM_PFN_FLAG_VALID] | enc->flags[HMM_PFN_FLAG_WRITE];
	r.pfn_flags_mask = enc->flags[HMM_PFN_FLAG_WRITE]; /* no VALID in mask or defaults */
	assert_int_equal(hmm_range_fault_v57(&r), 0);
	assert_int_equal(pfns[0], enc->values[HMM_PFN_VALUE_NONE]);
	assert_int_equal(pfns[1], enc->values[HMM_PFN_VALUE_NONE]);
	assert_int_equal(pfns[2], enc->values[HMM_PFN_VALUE_ERROR]); /* no -EFAULT either */
	assert_int_equal(r.nr_faults, 0);

	/* with VALID in the mask the same entries fault, and the hole fails */
	for (int i = 0; i < 3; i++)
		pfns[i] = enc->flags[HMM_PFN_FLAG_VALID];
	r.pfn_flags_mask = enc->flags[HMM_PFN_FLAG_VALID];
	assert_int_equal(hmm_range_fault_v57(&r), -EFAULT);
	assert_true(r.nr_faults > 0);
	emu_mm_destroy(mm);
}

/* A fault in the middle of a range that spans two PMDs: restart, then every word is an output. */
static void test_restart_invariant_success(void **state)
{
	(void)state;
	const unsigned long base = BASE + PMD_SIZE - 2 * PAGE_SIZE; /* pages 0-1 in one PMD, 2-4 in the next */
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_RO, 0x5001), D(EMU_PAGE_RW, 0x5002),
				     D(EMU_PAGE_NONE, 0), D(EMU_PAGE_RW, 0x5003) };
	struct emu_mm *mm = mm_make(0x200000, d, 5, base);
	uint64_t pfns[5] = { 0, 0, 0, HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE, 0 };
	struct hmm_range r = range_of(mm, base, 5, pfns);

	r.pfn_flags_mask = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	assert_int_equal(hmm_range_fault(&r), 0);
	assert_true(r.nr_walks > 1);
	assert_int_equal(r.nr_walks, 2);
	assert_int_equal(r.nr_faults, 2); /* pages 3 and 4: [addr, end) of the PMD step */
	assert_int_equal(pfns[0], 0x5000 | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(pfns[1], 0x5001 | HMM_PFN_VALID);
	assert_int_equal(pfns[2], 0x5002 | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(pfns[3], EMU_FRAME_FIRST | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(pfns[4], 0x5003 | HMM_PFN_VALID | HMM_PFN_WRITE); /* exclusive: reused in place */
	emu_mm_destroy(mm);
}

/*
 * A fault that fails mid-range: the memmap ends at 0x108000 and every pfn
 * from EMU_FRAME_FIRST up is taken but one, so hmm_vma_fault() gets one
 * page for the first none page and fails (OOM -> -EFAULT) on the second.
 * last is the first none page: entries before it are outputs, entries from
 * it on still hold the requests.
 */
static void run_fail_mid_range(bool encoded)
{
	const unsigned long limit = EMU_FRAME_FIRST + PAGES_PER_SECTION;
	const unsigned long n = 512 + 63 * 512 + 511;
	struct emu_page_desc *d = calloc(n, sizeof(*d));
	unsigned long i = 0;
	assert_non_null(d);
	d[i++] = D(EMU_PAGE_RW, 0x5000);
	d[i++] = D(EMU_PAGE_RW, 0x5001);
	d[i++] = D(EMU_PAGE_NONE, 0);
	d[i++] = D(EMU_PAGE_NONE, 0);
	d[i++] = D(EMU_PAGE_NONE, 0);
	while (i < 512)
		d[i++] = D(EMU_PAGE_NOVMA, 0);
	for (unsigned long t = 0; t < 63; t++)
		for (unsigned long k = 0; k < 512; k++)
			d[i++] = D(EMU_PAGE_THP_RW, EMU_FRAME_FIRST + t * 512 + k);
	for (unsigned long p = EMU_FRAME_FIRST + 63 * 512; p < limit - 1; p++)
		d[i++] = D(EMU_PAGE_RW, p);
	assert_int_equal(i, n);
	struct emu_mm *mm = mm_make(limit, d, n, BASE);

	const struct hmm_encoding *enc = encoded ? &nouveau_encoding_v57 : &hmm_encoding_fixed;
	const uint64_t F = enc->flags[HMM_PFN_FLAG_VALID], W = enc->flags[HMM_PFN_FLAG_WRITE];
	uint64_t pfns[5] = { 0, 0, F | W, F, F };
	struct hmm_range r = range_of(mm, BASE, 5, pfns);
	r.pfn_flags_mask = F | W;
	int rc = encoded ? hmm_range_fault_v57(&r) : hmm_range_fault(&r);
	assert_int_equal(rc, -EFAULT);
	assert_int_equal(r.nr_walks, 1);
	assert_int_equal(r.nr_faults, 2); /* page 2 got the last frame, page 3 failed */
	/* below last: outputs */
	assert_int_equal(pfns[0], (0x5000UL << enc->pfn_shift) | F | W);
	assert_int_equal(pfns[1], (0x5001UL << enc->pfn_shift) | F | W);
	/* from last on: the requests, untouched */
	assert_int_equal(pfns[2], F | W);
	assert_int_equal(pfns[3], F);
	assert_int_equal(pfns[4], F);
	emu_mm_destroy(mm);
	free(d);
}

static void test_restart_invariant_failure_fixed(void **state)
{
	(void)state;
	run_fail_mid_range(false);
}

static void test_restart_invariant_failure_encoded(void **state)
{
	(void)state;
	run_fail_mid_range(true);
}

/* -EFAULT and -EPERM: entries before the failing page are outputs */
static void test_error_returns(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_ROVMA, 0x5001), D(EMU_PAGE_NOVMA, 0),
				     D(EMU_PAGE_SPECIAL, 0x5002), D(EMU_PAGE_NOREAD, 0), D(EMU_PAGE_PFNMAP, 0) };
	struct emu_mm *mm = mm_make(0x200000, d, 6, BASE);
	uint64_t pfns[6];
	struct hmm_range r = range_of(mm, BASE, 6, pfns);
	const uint64_t RF = HMM_PFN_REQ_FAULT, RW = HMM_PFN_REQ_WRITE;

	r.pfn_flags_mask = RF | RW;
	/* write on rovma: -EPERM */
	memset(pfns, 0, sizeof(pfns));
	pfns[1] = RF | RW;
	assert_int_equal(hmm_range_fault(&r), -EPERM);
	assert_int_equal(pfns[0], 0x5000 | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_int_equal(pfns[1], RF | RW);
	/* read on rovma is fine; any fault on novma, special, noread, pfnmap: -EFAULT */
	for (int bad = 2; bad < 6; bad++) {
		memset(pfns, 0, sizeof(pfns));
		pfns[1] = RF;
		pfns[bad] = RF;
		assert_int_equal(hmm_range_fault(&r), -EFAULT);
		assert_int_equal(pfns[1], 0x5001 | HMM_PFN_VALID);
		for (int k = 2; k < bad; k++)
			assert_int_equal(pfns[k], HMM_PFN_ERROR);
	}
	/* no request: every error state reads as ERROR, rc 0 */
	memset(pfns, 0, sizeof(pfns));
	assert_int_equal(hmm_range_fault(&r), 0);
	for (int k = 2; k < 6; k++)
		assert_int_equal(pfns[k], HMM_PFN_ERROR);

	/* bad ranges: -EINVAL */
	struct hmm_range bad = r;
	bad.end = bad.start;
	assert_int_equal(hmm_range_fault(&bad), -EINVAL);
	bad = r;
	bad.start += 8;
	assert_int_equal(hmm_range_fault(&bad), -EINVAL);
	bad = r;
	bad.end = TASK_SIZE_MAX + PAGE_SIZE;
	assert_int_equal(hmm_range_fault_v57(&bad), -EINVAL);
	bad = r;
	bad.hmm_pfns = NULL;
	assert_int_equal(hmm_range_fault(&bad), -EINVAL);
	bad = r;
	bad.mm = NULL;
	assert_int_equal(hmm_range_fault_v57(&bad), -EINVAL);
	emu_mm_destroy(mm);
}

/* v5.6: the request is gone before the fault fails; v5.7 keeps it */
static void test_v56_clobbers_requests(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_ROVMA, 0x5001), D(EMU_PAGE_RW, 0x5002) };
	struct emu_mm *mm = mm_make(0x200000, d, 3, BASE);
	uint64_t pfns[3];
	struct hmm_range r = range_of(mm, BASE, 3, pfns);
	const uint64_t V = NVIF_VMM_PFNMAP_V0_V, W = NVIF_VMM_PFNMAP_V0_W;

	r.encoding = &nouveau_encoding_v56;
	r.pfn_flags_mask = ~0UL;
	pfns[0] = 0;
	pfns[1] = V | W;	/* a write request on the read-only VMA */
	pfns[2] = V;
	assert_int_equal(hmm_range_fault_v56(&r, 0), -EFAULT);
	assert_int_equal(pfns[0], 0x5000UL << 12 | V | W);
	assert_int_equal(pfns[1], 0);		/* values[NONE] stored before the fault */
	assert_int_equal(pfns[2], V);		/* not reached */
	r.encoding = &nouveau_encoding_v57;
	pfns[0] = 0;
	pfns[1] = V | W;
	pfns[2] = V;
	assert_int_equal(hmm_range_fault_v57(&r), -EPERM);
	assert_int_equal(pfns[1], V | W);	/* still the request */
	/* HMM_FAULT_SNAPSHOT: v5.6 faults nothing whatever the entries ask */
	r.encoding = &nouveau_encoding_v56;
	pfns[0] = pfns[1] = pfns[2] = V | W;
	assert_int_equal(hmm_range_fault_v56(&r, HMM_FAULT_SNAPSHOT), 0);
	assert_int_equal(pfns[1], 0x5001UL << 12 | V);
	assert_int_equal(r.nr_faults, 0);
	emu_mm_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_zero_ignores_entries),
		cmocka_unit_test(test_default_flags),
		cmocka_unit_test(test_v57_short_cut),
		cmocka_unit_test(test_restart_invariant_success),
		cmocka_unit_test(test_restart_invariant_failure_fixed),
		cmocka_unit_test(test_restart_invariant_failure_encoded),
		cmocka_unit_test(test_error_returns),
		cmocka_unit_test(test_v56_clobbers_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
