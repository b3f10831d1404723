/*
 * test_encode_eraA.c - the v4.16 walk (kernels/hmm_eraA.c) and the 2018
 * thread's pair of backends, word for word.
 *
 *  - every page state's era-A word from hmm_vma_get_pfns() and
 *    hmm_vma_fault() (read, write), written out as literals from
 *    docs/backends.md and the research table of v4.16's mm/hmm.c (pfn << 7
 *    | VALID 1, READ 2, WRITE 4, ERROR 8, EMPTY 0x10, SPECIAL 0x20,
 *    DEVICE_UNADDRESSABLE 0x40; zero pfn 0x1000, device pfn 0x10000000 +
 *    vram page);
 *  - what only era A does: one call per VMA (-EINVAL), SPECIAL over a
 *    VM_SPECIAL VMA with -EINVAL from the snapshot and 0 from the fault,
 *    every page of the pmd chunk faulted, the entries from `last` on
 *    cleared to 0 after a failed fault (ERROR included), the modelled end
 *    of the dev-ro write livelock, and the migration v4.16 does when the
 *    device lets it (by default; decline_own_remote_faults refuses);
 *  - the same walk through the driver's tables (the "with this patch"
 *    half);
 *  - the pair's per-call allocations (two arrays against one), their
 *    shared words (all but dev-other, the sketch's gap), and the calls
 *    they refuse.
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

#include "backend.h"
#include "hmm.h"
#include "mm.h"
#include "nouveau.h"

#define BASE 0x7f0000000000UL /* 2 MiB aligned */
#define D(s, a) ((struct emu_page_desc){ .state = (s), .req = EMU_REQ_DEFAULT, .arg = (a) })
#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

static struct emu_mm *mm_make(const struct emu_mm_params *mp, const struct emu_page_desc *pages, unsigned long n,
			      unsigned long base)
{
	struct emu_mm *mm;
	struct emu_build_error be;
	int rc;

	assert_int_equal(emu_mm_create(mp, &mm), 0);
	rc = emu_mm_populate(mm, base, pages, n, &be);
	if (rc)
		print_error("populate: %s at %lu\n", be.what, be.index);
	assert_int_equal(rc, 0);
	return mm;
}

static struct hmm_range range_of(struct emu_mm *mm, unsigned long start, unsigned long npages, uint64_t *pfns)
{
	struct hmm_range r = { .mm = mm, .start = start, .end = start + npages * PAGE_SIZE, .hmm_pfns = pfns };
	return r;
}

/* One row: a state, its arg, and the era-A word of its first and last slot per mode. */
struct row {
	int state;
	uint64_t arg;
	int rc[3];          /* snapshot, read fault, write fault */
	uint64_t w0[3];     /* slot 0 */
	uint64_t wl[3];     /* last slot (THP: 511) */
};
#define NEWP 0xffffffffffffffffULL /* a new system page: checked for form, not value */

/*
 * The table, literally.  0x12345 << 7 = 0x91a280; 0x1000 << 7 = 0x80000;
 * 0x200000 << 7 = 0x10000000, 0x2001ff << 7 = 0x1000ff80;
 * (0x10000000 + 0x42) << 7 = 0x800002100.
 */
static const struct row rows[] = {
	{ EMU_PAGE_NONE, 0, { 0, 0, 0 }, { 0x10, 0x80003, NEWP }, { 0x10, 0x80003, NEWP } },
	{ EMU_PAGE_RO, 0x12345, { 0, 0, 0 }, { 0x91a283, 0x91a283, NEWP }, { 0x91a283, 0x91a283, NEWP } },
	{ EMU_PAGE_RW, 0x12345, { 0, 0, 0 }, { 0x91a287, 0x91a287, 0x91a287 }, { 0x91a287, 0x91a287, 0x91a287 } },
	{ EMU_PAGE_ROVMA, 0x12345, { 0, 0, -EFAULT }, { 0x91a283, 0x91a283, 0 }, { 0x91a283, 0x91a283, 0 } },
	{ EMU_PAGE_ZERO, 0, { 0, 0, 0 }, { 0x80003, 0x80003, NEWP }, { 0x80003, 0x80003, NEWP } },
	{ EMU_PAGE_SWAP, 0, { 0, 0, 0 }, { 0, NEWP, NEWP }, { 0, NEWP, NEWP } },
	{ EMU_PAGE_THP_RO, 0x200000, { 0, 0, 0 }, { 0x10000003, 0x10000003, NEWP }, { 0x1000ff83, 0x1000ff83, NEWP } },
	{ EMU_PAGE_THP_RW, 0x200000, { 0, 0, 0 }, { 0x10000007, 0x10000007, 0x10000007 },
	  { 0x1000ff87, 0x1000ff87, 0x1000ff87 } },
	{ EMU_PAGE_DEV, 0x42, { 0, 0, 0 }, { 0x800002147, 0x800002147, 0x800002147 },
	  { 0x800002147, 0x800002147, 0x800002147 } },
	{ EMU_PAGE_DEV_RO, 0x42, { 0, 0, 0 }, { 0x800002143, 0x800002143, NEWP }, { 0x800002143, 0x800002143, NEWP } },
	{ EMU_PAGE_DEV_OTHER, 0x42, { 0, 0, 0 }, { 0x800002147, 0x800002147, 0x800002147 },
	  { 0x800002147, 0x800002147, 0x800002147 } },
	{ EMU_PAGE_SPECIAL, 0x12345, { -EINVAL, 0, 0 }, { 0x20, 0x20, 0x20 }, { 0x20, 0x20, 0x20 } },
	{ EMU_PAGE_PFNMAP, 0, { -EINVAL, 0, 0 }, { 0x20, 0x20, 0x20 }, { 0x20, 0x20, 0x20 } },
	{ EMU_PAGE_NOREAD, 0, { 0, -EFAULT, -EFAULT }, { 0x10, 0, 0 }, { 0x10, 0, 0 } },
};

static const struct emu_mm_params big = { .pfn_limit = 0x11000000UL };

/* The states of one row, n pages (THP: 512, consecutive pfns). */
static unsigned long row_pages(const struct row *r, struct emu_page_desc *d)
{
	unsigned long n = (r->state == EMU_PAGE_THP_RO || r->state == EMU_PAGE_THP_RW) ? 512 : 2;

	for (unsigned long k = 0; k < n; k++) {
		uint64_t arg = r->arg;

		if (n == 512)
			arg += k;
		else if (k && r->arg && r->state != EMU_PAGE_SPECIAL)
			arg += (r->state == EMU_PAGE_DEV || r->state == EMU_PAGE_DEV_RO ||
				r->state == EMU_PAGE_DEV_OTHER) ? 0x100 : 0x10000;
		else if (k && r->state == EMU_PAGE_SPECIAL)
			arg += 0x10000;
		d[k] = D(r->state, arg);
	}
	return n;
}

/* The last slot's literal for the 2-page rows: its arg differs (see row_pages). */
static uint64_t last_literal(const struct row *r, int mode)
{
	uint64_t w = r->wl[mode];

	if (w == NEWP || w == 0 || w == 0x10 || w == 0x20 || w == 0x80003 || r->state == EMU_PAGE_THP_RO ||
	    r->state == EMU_PAGE_THP_RW)
		return w;
	if (r->state == EMU_PAGE_DEV || r->state == EMU_PAGE_DEV_RO || r->state == EMU_PAGE_DEV_OTHER)
		return w + (0x100ULL << 7);
	return w + (0x10000ULL << 7);
}

static void test_eraA_words(void **state)
{
	(void)state;
	struct emu_page_desc d[512];
	uint64_t pfns[512];
	unsigned long nrows = sizeof(rows) / sizeof(rows[0]);

	for (unsigned long ri = 0; ri < nrows; ri++) {
		const struct row *r = &rows[ri];

		for (int mode = 0; mode < 3; mode++) {
			unsigned long n = row_pages(r, d);
			struct emu_mm *mm = mm_make(&big, d, n, BASE);
			struct hmm_range range = range_of(mm, BASE, n, pfns);
			struct emu_vma *vma = emu_find_vma(mm, BASE);
			int rc;

			for (unsigned long k = 0; k < n; k++)
				pfns[k] = SENTINEL;
			rc = mode == 0 ? hmm_vma_get_pfns_v416(vma, &range)
				       : hmm_vma_fault_v416(vma, &range, mode == 2);
			if (rc != r->rc[mode])
				print_error("%s mode %d: rc %d, want %d\n", emu_page_state_name(r->state), mode, rc,
					    r->rc[mode]);
			assert_int_equal(rc, r->rc[mode]);
			for (unsigned long k = 0; k < n; k += n - 1) {
				uint64_t want = k ? last_literal(r, mode) : r->w0[mode];

				if (want == NEWP) {
					/* a new page: not the old one, VALID | READ | WRITE for a write */
					assert_int_not_equal(pfns[k] >> 7, r->arg + k);
					assert_true((pfns[k] >> 7) >= EMU_FRAME_FIRST);
					assert_int_equal(pfns[k] & 0x7f, mode == 2 ? 0x7 : 0x3);
					continue;
				}
				if (pfns[k] != want)
					print_error("%s mode %d slot %lu: %#llx, want %#llx\n", emu_page_state_name(r->state),
						    mode, k, (unsigned long long)pfns[k], (unsigned long long)want);
				assert_int_equal(pfns[k], want);
			}
			emu_mm_destroy(mm);
		}
	}
}

/* novma: the API takes a VMA; none, or a range not inside it, is -EINVAL with the array untouched */
static void test_eraA_per_vma(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_ROVMA, 0x5001), D(EMU_PAGE_NOVMA, 0),
				     D(EMU_PAGE_RW, 0x5002) };
	struct emu_mm *mm = mm_make(&big, d, 4, BASE);
	uint64_t pfns[4] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };
	struct hmm_range r = range_of(mm, BASE, 2, pfns);
	struct emu_vma *vma = emu_find_vma(mm, BASE);

	/* [rw, rovma]: two VMAs */
	assert_int_equal(hmm_vma_get_pfns_v416(vma, &r), -EINVAL);
	assert_int_equal(hmm_vma_fault_v416(vma, &r, false), -EINVAL);
	/* the novma page: no VMA to pass */
	r = range_of(mm, BASE + 2 * PAGE_SIZE, 1, pfns);
	assert_null(emu_find_vma(mm, BASE + 2 * PAGE_SIZE));
	assert_int_equal(hmm_vma_get_pfns_v416(NULL, &r), -EINVAL);
	assert_int_equal(hmm_vma_fault_v416(NULL, &r, true), -EINVAL);
	/* a VMA that does not hold the range */
	assert_int_equal(hmm_vma_fault_v416(vma, &r, false), -EINVAL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pfns[i], SENTINEL);
	/* one page of the first VMA: fine */
	r = range_of(mm, BASE, 1, pfns);
	assert_int_equal(hmm_vma_fault_v416(vma, &r, false), 0);
	assert_int_equal(pfns[0], 0x5000ULL << 7 | 0x7);
	emu_mm_destroy(mm);
}

/*
 * One none page at index 5 of 8 in a pmd chunk: v4.16 faults every page of
 * the chunk from its start (8 handle_mm_fault calls), then re-walks.  A
 * hole is faulted page by page from the hole's start.
 */
static void test_eraA_whole_chunk(void **state)
{
	(void)state;
	struct emu_page_desc d[8];
	uint64_t pfns[8];
	struct emu_mm *mm;
	struct hmm_range r;

	for (int i = 0; i < 8; i++)
		d[i] = i == 5 ? D(EMU_PAGE_NONE, 0) : D(EMU_PAGE_RW, 0x5000 + i);
	mm = mm_make(&big, d, 8, BASE);
	r = range_of(mm, BASE, 8, pfns);
	assert_int_equal(hmm_vma_fault_v416(emu_find_vma(mm, BASE), &r, false), 0);
	assert_int_equal(r.nr_faults, 8);
	assert_int_equal(r.nr_walks, 2);
	for (int i = 0; i < 8; i++)
		assert_int_equal(pfns[i], i == 5 ? 0x80003ULL : ((0x5000ULL + i) << 7 | 0x7));
	/* a snapshot does not fault */
	assert_int_equal(hmm_vma_get_pfns_v416(emu_find_vma(mm, BASE), &r), 0);
	assert_int_equal(r.nr_faults, 0);
	assert_int_equal(r.nr_walks, 1);
	emu_mm_destroy(mm);

	/* all none: no page table at all, a hole: every page faulted, then one re-walk */
	for (int i = 0; i < 8; i++)
		d[i] = D(EMU_PAGE_NONE, 0);
	mm = mm_make(&big, d, 8, BASE);
	r = range_of(mm, BASE, 8, pfns);
	assert_int_equal(hmm_vma_fault_v416(emu_find_vma(mm, BASE), &r, true), 0);
	assert_int_equal(r.nr_faults, 8);
	assert_int_equal(r.nr_walks, 2);
	for (int i = 0; i < 8; i++)
		assert_int_equal(pfns[i], (EMU_FRAME_FIRST + i) << 7 | 0x7);
	emu_mm_destroy(mm);
}

/*
 * A fault that fails in the second pmd chunk: the memmap ends at
 * EMU_FRAME_FIRST + one section and every free pfn but two is taken, so the
 * first chunk's two none pages get the last frames and the second chunk's
 * first fault fails (OOM).  v4.16 writes ERROR, returns -EFAULT, and
 * hmm_vma_fault() clears the entries from `last` (the second chunk's start)
 * to the end: the ERROR word is gone; entries below `last` keep outputs.
 */
static void test_eraA_clear_from_last(void **state)
{
	(void)state;
	const unsigned long limit = EMU_FRAME_FIRST + PAGES_PER_SECTION;
	const unsigned long taken = PAGES_PER_SECTION - 2;  /* rw pages using EMU_FRAME_FIRST + i */
	const unsigned long n = taken + 2 + 3;             /* then none, none | none, none, none */
	const unsigned long first = taken - 2;              /* the call: 2 rw, 2 none | 3 none */
	struct emu_mm_params mp = { .pfn_limit = limit };
	struct emu_page_desc *d = calloc(n, sizeof(*d));
	uint64_t pfns[7];
	struct emu_mm *mm;
	struct hmm_range r;

	assert_non_null(d);
	for (unsigned long i = 0; i < n; i++)
		d[i] = i < taken ? D(EMU_PAGE_RW, EMU_FRAME_FIRST + i) : D(EMU_PAGE_NONE, 0);
	/* pages taken and taken + 1 end the 64th pmd: the call crosses into the 65th */
	assert_int_equal((BASE + (taken + 2) * PAGE_SIZE) & ~PMD_MASK, 0);
	mm = mm_make(&mp, d, n, BASE);
	r = range_of(mm, BASE + first * PAGE_SIZE, 7, pfns);
	assert_int_equal(hmm_vma_fault_v416(emu_find_vma(mm, BASE), &r, true), -EFAULT);
	assert_int_equal(r.nr_walks, 2);
	assert_int_equal(r.nr_faults, 4 + 1);
	assert_int_equal(pfns[0], (EMU_FRAME_FIRST + first) << 7 | 0x7);
	assert_int_equal(pfns[1], (EMU_FRAME_FIRST + first + 1) << 7 | 0x7);
	assert_int_equal(pfns[2], (limit - 2) << 7 | 0x7);
	assert_int_equal(pfns[3], (limit - 1) << 7 | 0x7);
	assert_int_equal(pfns[4], 0);	/* the ERROR (0x8) written here was cleared */
	assert_int_equal(pfns[5], 0);
	assert_int_equal(pfns[6], 0);
	emu_mm_destroy(mm);
	free(d);
}

/*
 * dev-ro under a write fault: v4.16 faults it to migrate it back.  A
 * device set to decline (decline_own_remote_faults) makes the second pass
 * ask for the same chunk's fault again with nothing changed, and the model
 * stops there (-EFAULT, cleared).  By default the device migrates, as
 * v4.16 expected: a new read-only page (the device entry was read-only),
 * which the next pass's write fault makes writable.
 */
static void test_eraA_devro_write(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_DEV_RO, 0x42) };
	struct emu_mm_params mp = big;
	uint64_t pfns[2];
	struct emu_mm *mm;
	struct hmm_range r;

	mp.decline_own_remote_faults = true;
	mm = mm_make(&mp, d, 2, BASE);
	r = range_of(mm, BASE, 2, pfns);
	assert_int_equal(hmm_vma_fault_v416(emu_find_vma(mm, BASE), &r, true), -EFAULT);
	assert_int_equal(r.nr_walks, 2);
	assert_int_equal(r.nr_faults, 4);
	assert_int_equal(pfns[0], 0);
	assert_int_equal(pfns[1], 0);
	emu_mm_destroy(mm);

	mp.decline_own_remote_faults = false;
	mm = mm_make(&mp, d, 2, BASE);
	r = range_of(mm, BASE, 2, pfns);
	assert_int_equal(hmm_vma_fault_v416(emu_find_vma(mm, BASE), &r, true), 0);
	/* pass 1 migrates it back read-only (as the device entry was), pass 2 write-faults it, pass 3 reads it */
	assert_int_equal(r.nr_walks, 3);
	assert_int_equal(pfns[0], 0x5000ULL << 7 | 0x7);
	assert_int_equal(pfns[1], EMU_FRAME_FIRST << 7 | 0x7);
	/* a read fault leaves it alone: it is reported, not faulted */
	emu_mm_populate(mm, BASE, d, 2, NULL);
	assert_int_equal(hmm_vma_fault_v416(emu_find_vma(mm, BASE), &r, false), 0);
	assert_int_equal(r.nr_faults, 0);
	assert_int_equal(pfns[1], 0x800002143ULL);
	emu_mm_destroy(mm);
}

/* The same walk through nouveau's tables (flags V/W/VRAM, values ~V/0/~V, shift 12). */
static void test_eraA_encoded(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x12345), D(EMU_PAGE_RO, 0x12346), D(EMU_PAGE_NONE, 0),
				     D(EMU_PAGE_SWAP, 0), D(EMU_PAGE_DEV, 0x42), D(EMU_PAGE_DEV_OTHER, 0x43),
				     D(EMU_PAGE_ZERO, 0) };
	struct emu_page_desc sp[] = { D(EMU_PAGE_SPECIAL, 0x12345) };
	struct hmm_encoding enc = nouveau_encoding_v56;
	uint64_t pfns[7];
	struct emu_mm *mm = mm_make(&big, d, 7, BASE);
	struct hmm_range r = range_of(mm, BASE, 7, pfns);

	enc.dev_pfn_offset = EMU_DEV_PFN_FIRST;
	r.encoding = &enc;
	assert_int_equal(hmm_vma_get_pfns_v416_encoded(emu_find_vma(mm, BASE), &r), 0);
	assert_int_equal(pfns[0], 0x12345003ULL);
	assert_int_equal(pfns[1], 0x12346001ULL);
	assert_int_equal(pfns[2], 0);		/* EMPTY -> values[NONE] */
	assert_int_equal(pfns[3], 0);
	assert_int_equal(pfns[4], 0x42013ULL);	/* VRAM word, V | W | VRAM */
	assert_int_equal(pfns[5], 0x43013ULL);	/* no owner check: another device's page as this one's */
	assert_int_equal(pfns[6], 0x1000001ULL);
	/* no tables: refused */
	r.encoding = NULL;
	assert_int_equal(hmm_vma_get_pfns_v416_encoded(emu_find_vma(mm, BASE), &r), -EINVAL);
	assert_int_equal(hmm_vma_fault_v416_encoded(emu_find_vma(mm, BASE), &r, false), -EINVAL);
	emu_mm_destroy(mm);

	mm = mm_make(&big, sp, 1, BASE);
	r = range_of(mm, BASE, 1, pfns);
	r.encoding = &enc;
	assert_int_equal(hmm_vma_get_pfns_v416_encoded(emu_find_vma(mm, BASE), &r), -EINVAL);
	assert_int_equal(pfns[0], 0xfffffffffffffffeULL);
	pfns[0] = 0;
	assert_int_equal(hmm_vma_fault_v416_encoded(emu_find_vma(mm, BASE), &r, true), 0);
	assert_int_equal(pfns[0], 0xfffffffffffffffeULL);
	emu_mm_destroy(mm);
}

/* ---- the pair of backends ------------------------------------------ */

static int run(const char *name, struct emu_mm *mm, unsigned long npages, enum emu_req req, uint64_t *words,
	       struct pfn_backend_stats *stats, int ncalls)
{
	const struct pfn_backend_ops *ops = pfn_backend_find(name);
	struct pfn_backend_params bp = { .mm = mm, .max_npages = npages };
	struct pfn_backend *b;
	int rc = 0;

	assert_non_null(ops);
	assert_int_equal(pfn_backend_create(ops, &bp, &b), 0);
	for (int i = 0; i < ncalls && !rc; i++) {
		struct pfn_call c = { .start = BASE, .npages = npages, .default_req = req, .words_out = words };

		rc = pfn_backend_range_fault(b, &c);
	}
	if (stats)
		*stats = b->stats;
	pfn_backend_destroy(b);
	return rc;
}

/* Two arrays of npages * 8 bytes per call without the patch, one with it. */
static void test_pair_allocations(void **state)
{
	(void)state;
	struct emu_page_desc d[16];
	uint64_t words[16];
	struct pfn_backend_stats st;
	struct emu_mm *mm;

	for (int i = 0; i < 16; i++)
		d[i] = D(EMU_PAGE_RW, 0x5000 + i);
	mm = mm_make(&big, d, 16, BASE);
	assert_int_equal(run("thread-2018-without", mm, 16, EMU_REQ_READ, words, &st, 3), 0);
	assert_int_equal(st.nr_allocations, 6);
	assert_int_equal(st.bytes_allocated, 3 * 2 * 16 * 8);
	assert_int_equal(st.bytes_persistent, 0);
	assert_int_equal(st.calls, 3);
	assert_int_equal(st.windows, 3);
	assert_int_equal(words[15], (0x500fULL << 12) | 0x3);
	assert_int_equal(run("thread-2018-with", mm, 16, EMU_REQ_READ, words, &st, 3), 0);
	assert_int_equal(st.nr_allocations, 3);
	assert_int_equal(st.bytes_allocated, 3 * 16 * 8);
	assert_int_equal(st.bytes_persistent, 0);
	assert_int_equal(words[15], (0x500fULL << 12) | 0x3);
	emu_mm_destroy(mm);
}

/* The pair hands the ioctl the same words, state by state, but for dev-other. */
static void test_pair_same_words(void **state)
{
	(void)state;
	static const int states[] = { EMU_PAGE_NONE, EMU_PAGE_RO, EMU_PAGE_RW, EMU_PAGE_ZERO, EMU_PAGE_SWAP,
				      EMU_PAGE_DEV, EMU_PAGE_DEV_RO, EMU_PAGE_DEV_OTHER, EMU_PAGE_SPECIAL,
				      EMU_PAGE_PFNMAP, EMU_PAGE_NOREAD, EMU_PAGE_ROVMA };
	/* snapshot words (NVIF_VMM_PFNMAP_V0), literally */
	static const uint64_t want[] = { 0, 0x12345001, 0x12345003, 0x1000001, 0, 0x42013, 0x42011, 0, 0, 0, 0,
					 0x12345001 };
	static const int want_rc[] = { 0, 0, 0, 0, 0, 0, 0, 0, -EINVAL, -EINVAL, 0, 0 };

	for (unsigned i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		uint64_t arg = (states[i] == EMU_PAGE_DEV || states[i] == EMU_PAGE_DEV_RO || states[i] == EMU_PAGE_DEV_OTHER)
				       ? 0x42
				       : emu_page_state_has_arg(states[i]) ? 0x12345 : 0;
		struct emu_page_desc d[] = { D(states[i], arg) };
		struct emu_mm *mm = mm_make(&big, d, 1, BASE);
		uint64_t w_without = SENTINEL, w_with = SENTINEL;

		assert_int_equal(run("thread-2018-without", mm, 1, EMU_REQ_NONE, &w_without, NULL, 1), want_rc[i]);
		assert_int_equal(run("thread-2018-with", mm, 1, EMU_REQ_NONE, &w_with, NULL, 1), want_rc[i]);
		if (!want_rc[i]) {
			assert_int_equal(w_without, want[i]);
			if (states[i] == EMU_PAGE_DEV_OTHER)
				assert_int_equal(w_with, 0x42013);	/* the single array's gap */
			else
				assert_int_equal(w_with, want[i]);
		}
		emu_mm_destroy(mm);
	}
}

/* Calls the era-A API cannot make: per-page requests, two VMAs, a real-kernel source. */
static void test_pair_refusals(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_ROVMA, 0x5001) };
	struct emu_mm *mm = mm_make(&big, d, 2, BASE);
	static const char *const names[] = { "thread-2018-without", "thread-2018-with" };

	for (int i = 0; i < 2; i++) {
		const struct pfn_backend_ops *ops = pfn_backend_find(names[i]);
		struct pfn_walk_source src = { 0 };
		struct pfn_backend_params bp = { .mm = mm, .max_npages = 2 };
		uint8_t page_req[2] = { EMU_REQ_READ, EMU_REQ_WRITE };
		struct pfn_backend *b;
		struct pfn_call c = { .start = BASE, .npages = 2, .page_req = page_req };

		assert_non_null(ops);
		assert_true(ops->caps & PFN_CAP_HYPOTHETICAL);
		assert_true(ops->caps & PFN_CAP_PER_CALL_ALLOC);
		assert_string_equal(ops->counterpart, names[1 - i]);
		assert_string_equal(ops->driver, pfn_backend_find(names[1 - i])->driver);
		assert_int_equal(ops->era, i ? PFN_ERA_B : PFN_ERA_A);
		assert_int_equal(ops->window, 0);
		assert_int_equal(pfn_backend_create(ops, &bp, &b), 0);
		assert_int_equal(pfn_backend_range_fault(b, &c), -ENOTSUP);
		c.page_req = NULL;
		c.default_req = EMU_REQ_READ;
		assert_int_equal(pfn_backend_range_fault(b, &c), -EINVAL);	/* two VMAs */
		c.npages = 1;
		assert_int_equal(pfn_backend_range_fault(b, &c), 0);
		pfn_backend_destroy(b);
		bp.source = &src;
		assert_int_equal(pfn_backend_create(ops, &bp, &b), -ENOTSUP);
		assert_null(b);
	}
	emu_mm_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eraA_words),
		cmocka_unit_test(test_eraA_per_vma),
		cmocka_unit_test(test_eraA_whole_chunk),
		cmocka_unit_test(test_eraA_clear_from_last),
		cmocka_unit_test(test_eraA_devro_write),
		cmocka_unit_test(test_eraA_encoded),
		cmocka_unit_test(test_pair_allocations),
		cmocka_unit_test(test_pair_same_words),
		cmocka_unit_test(test_pair_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
