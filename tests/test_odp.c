/*
 * test_odp.c - the RDMA ODP backend on v6.16's HMM DMA helpers
 * (kernels/backend_odp_v616.c), against the IOMMU's counters and the
 * words:
 *
 *  - its declaration: era C on the v6.16 walk, no counterpart, its own map;
 *  - registration: one IOVA range for the whole MR, nothing linked yet;
 *  - the first call links and syncs every page into the range (no
 *    dma_map_page()); the MTT words are IOVAs in it | READ | WRITE that
 *    translate to the pages; the walk's entries carry DMA_MAPPED;
 *  - a second call over the same pages links nothing (DMA_MAPPED), where
 *    the per-page map (nouveau v5.8) unmaps and maps every page again;
 *  - the notifier: a rebuilt address space unlinks every page and clears
 *    the entries; a copy-on-write in its own walk unlinks the old page and
 *    links the new one;
 *  - without an IOMMU, dma-direct: the physical address.
 *
 * Expected values are written out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backend.h"
#include "hmm.h"
#include "iommu.h"
#include "mm.h"

#define BASE 0x7f0000000000UL /* 2 MiB aligned */
#define N 16
#define D(s, a) ((struct emu_page_desc){ .state = (s), .req = EMU_REQ_DEFAULT, .arg = (a) })
#define NAME "odp-v6.16"

struct rig {
	struct emu_mm *mm;
	struct emu_iommu *io;
	struct pfn_backend *b;
	struct emu_page_desc d[N];
	uint64_t words[N], hmm[N];
};

static void rig_make(struct rig *r, int state, bool iommu, const char *name)
{
	struct emu_mm_params mp = { .pfn_limit = 0x11000000UL };

	memset(r, 0, sizeof(*r));
	for (unsigned long k = 0; k < N; k++)
		r->d[k] = D(state, 0x5000 + k);
	assert_int_equal(emu_mm_create(&mp, &r->mm), 0);
	assert_int_equal(emu_mm_populate(r->mm, BASE, r->d, N, NULL), 0);
	if (iommu)
		assert_int_equal(emu_iommu_create(NULL, N, &r->io), 0);
	struct pfn_backend_params bp = { .mm = r->mm, .max_npages = N, .iommu = r->io, .iommu_base = BASE,
					 .range_start = BASE, .range_npages = N };
	assert_int_equal(pfn_backend_create(pfn_backend_find(name), &bp, &r->b), 0);
}

static void rig_free(struct rig *r)
{
	pfn_backend_destroy(r->b);
	emu_iommu_destroy(r->io);
	emu_mm_destroy(r->mm);
}

static int rig_call(struct rig *r, enum emu_req req)
{
	struct pfn_call c = { .start = BASE, .npages = N, .default_req = req, .words_out = r->words, .hmm_out = r->hmm };

	return pfn_backend_range_fault(r->b, &c);
}

static void test_declaration(void **state)
{
	(void)state;
	const struct pfn_backend_ops *o = pfn_backend_find(NAME);

	assert_non_null(o);
	assert_int_equal(o->era, PFN_ERA_C);
	assert_ptr_equal(o->kver, &hmm_kver_v616);
	assert_null(o->counterpart);
	assert_non_null(o->map);
	assert_non_null(o->mmu_notify);
	assert_true(o->caps & PFN_CAP_SNAPSHOT);
	assert_true(o->caps & PFN_CAP_NO_DEVMEM);
	assert_false(o->caps & PFN_CAP_PAGE_REQ);
}

static void test_map_once(void **state)
{
	(void)state;
	struct rig r;
	uint64_t first[N];

	rig_make(&r, EMU_PAGE_RW, true, NAME);
	/* registration: one IOVA range of N pages, nothing linked */
	assert_int_equal(r.io->stats.iova_ranges, 1);
	assert_int_equal(r.io->stats.links, 0);
	assert_int_equal(rig_call(&r, EMU_REQ_NONE), 0);
	assert_int_equal(r.io->stats.links, N);
	assert_int_equal(r.io->stats.syncs, N);
	assert_int_equal(r.io->stats.maps, 0);
	for (unsigned long k = 0; k < N; k++) {
		uint64_t iova = r.words[k] & ~0xfffULL;

		assert_int_equal(r.words[k] & 0xfff, 0x3);	/* READ | WRITE */
		assert_int_equal(emu_iommu_iova_to_phys(r.io, iova), (0x5000 + k) << 12);
		assert_int_equal(iova, (r.words[0] & ~0xfffULL) + k * 4096);	/* one range, in order */
		assert_int_equal(r.hmm[k], 0xd000000000000000ULL | (0x5000 + k));	/* VALID | WRITE | DMA_MAPPED */
	}
	/* the same pages again: every entry DMA_MAPPED, nothing linked, the same words */
	memcpy(first, r.words, sizeof(first));
	assert_int_equal(rig_call(&r, EMU_REQ_NONE), 0);
	assert_int_equal(r.io->stats.links, N);
	assert_int_equal(r.io->stats.unlinks, 0);
	assert_memory_equal(first, r.words, sizeof(first));
	rig_free(&r);

	/* the per-page map for contrast: every call unmaps and maps every page */
	rig_make(&r, EMU_PAGE_RW, true, "nouveau-v5.8");
	assert_int_equal(rig_call(&r, EMU_REQ_NONE), 0);
	assert_int_equal(rig_call(&r, EMU_REQ_NONE), 0);
	assert_int_equal(r.io->stats.maps, 2 * N);
	assert_int_equal(r.io->stats.unmaps, N);
	assert_int_equal(r.io->stats.links, 0);
	rig_free(&r);
}

static void test_notifier(void **state)
{
	(void)state;
	struct rig r;

	rig_make(&r, EMU_PAGE_RO, true, NAME);
	assert_int_equal(rig_call(&r, EMU_REQ_READ), 0);
	assert_int_equal(r.io->stats.links, N);
	for (unsigned long k = 0; k < N; k++)
		assert_int_equal(r.words[k] & 0xfff, 0x1);	/* READ only: a read-only MR */
	/* a rebuilt address space: the teardown unlinks every page, untimed */
	assert_int_equal(emu_mm_populate(r.mm, BASE, r.d, N, NULL), 0);
	pfn_backend_mmu_notify(r.b);
	assert_int_equal(r.io->stats.unlinks, N);
	/* a writable MR: every page copied in the walk, the old link dropped, the new page linked */
	assert_int_equal(rig_call(&r, EMU_REQ_READ), 0);
	assert_int_equal(r.io->stats.links, 2 * N);
	assert_int_equal(rig_call(&r, EMU_REQ_WRITE), 0);
	assert_int_equal(r.io->stats.unlinks, 2 * N);
	assert_int_equal(r.io->stats.links, 3 * N);
	for (unsigned long k = 0; k < N; k++) {
		uint64_t phys = emu_iommu_iova_to_phys(r.io, r.words[k] & ~0xfffULL);

		assert_int_equal(r.words[k] & 0xfff, 0x3);
		assert_int_not_equal(phys, 0);
		assert_int_not_equal(phys >> 12, 0x5000 + k);	/* the copy, not the old page */
		assert_int_equal(phys >> 12, r.hmm[k] & ((1ULL << 53) - 1));
	}
	rig_free(&r);
}

static void test_dma_direct(void **state)
{
	(void)state;
	struct rig r;

	rig_make(&r, EMU_PAGE_RW, false, NAME);
	assert_int_equal(rig_call(&r, EMU_REQ_WRITE), 0);
	for (unsigned long k = 0; k < N; k++)
		assert_int_equal(r.words[k], (0x5000 + k) << 12 | 0x3);
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declaration),
		cmocka_unit_test(test_map_once),
		cmocka_unit_test(test_notifier),
		cmocka_unit_test(test_dma_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
