/*
 * test_hmm_dma.c - the v6.16 format and the HMM DMA helpers of v6.16
 * (kernels/hmm_dma.c) against the per-page map (emu_iommu_map_words()):
 *
 *  - hmm_range_fault_v616() writes the order in bits 53-57 and keeps
 *    DMA_MAPPED / P2PDMA / P2PDMA_BUS from input to output, where 6.1's
 *    walk (order in 56-60) does not;
 *  - one IOVA allocation per map, one link and one sync per page, the
 *    address state->addr + idx * 4096 translating to the page, DMA_MAPPED
 *    written back into the HMM array; a second pass over mapped entries
 *    links nothing; unmapping clears the I/O PTE and the bits;
 *  - the fallback (no IOVA range: dma_map_page() per page, dma_list) and
 *    dma-direct (no IOMMU: the physical address, no list);
 *  - pci_p2pdma_state()'s struct page read with CONFIG_PCI_P2PDMA=y;
 *  - the per-page model for contrast: one IOVA allocation per page.
 *
 * Expected values are written out; nothing is computed by the code under
 * test.
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
#include "hmm_dma.h"
#include "iommu.h"
#include "mm.h"
#include "nouveau.h"

#define BASE 0x7f0000000000UL /* 2 MiB aligned */
#define D(s, a) ((struct emu_page_desc){ .state = (s), .req = EMU_REQ_DEFAULT, .arg = (a) })

static struct emu_mm *mm_make(const struct emu_page_desc *pages, unsigned long n)
{
	struct emu_mm_params mp = { .pfn_limit = 0x11000000UL };
	struct emu_mm *mm;

	assert_int_equal(emu_mm_create(&mp, &mm), 0);
	assert_int_equal(emu_mm_populate(mm, BASE, pages, n, NULL), 0);
	return mm;
}

static struct hmm_range range_of(struct emu_mm *mm, unsigned long npages, uint64_t *pfns)
{
	struct hmm_range r = { .mm = mm, .start = BASE, .end = BASE + npages * PAGE_SIZE, .hmm_pfns = pfns,
			       .dev_private_owner = emu_mm_owner(mm) };
	return r;
}

/* v6.16 words: the order at 53, the INOUT bits kept; 6.1 has the order at 56 and keeps nothing */
static void test_v616_format(void **state)
{
	(void)state;
	struct emu_page_desc d[512 + 2];
	uint64_t pfns[512 + 2];
	struct emu_mm *mm;
	struct hmm_range r;

	for (unsigned long k = 0; k < 512; k++)
		d[k] = D(EMU_PAGE_THP_RW, 0x200000 + k);
	d[512] = D(EMU_PAGE_RO, 0x12345);
	d[513] = D(EMU_PAGE_NONE, 0);
	mm = mm_make(d, 514);
	r = range_of(mm, 514, pfns);

	memset(pfns, 0, sizeof(pfns));
	pfns[1] = HMM_PFN_DMA_MAPPED;			/* a THP slot the driver had mapped */
	pfns[512] = HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA;
	pfns[513] = HMM_PFN_DMA_MAPPED;
	assert_int_equal(hmm_range_fault_v616(&r), 0);
	assert_int_equal(pfns[0], 0xc120000000200000ULL);	/* VALID | WRITE | 9 << 53 | pfn */
	assert_int_equal(pfns[1], 0xd120000000200001ULL);	/* ... | DMA_MAPPED kept */
	assert_int_equal(pfns[511], 0xc1200000002001ffULL);
	assert_int_equal(pfns[512], 0x9800000000012345ULL);	/* VALID | DMA_MAPPED | P2PDMA | pfn */
	assert_int_equal(pfns[513], 0x1000000000000000ULL);	/* NONE = 0, DMA_MAPPED kept */
	assert_int_equal(hmm_pfn_v616_to_pfn(pfns[1]), 0x200001);
	assert_int_equal(hmm_pfn_v616_to_map_order(pfns[1]), 9);

	/* 6.1 on the same input: order at 56, bits 58-60 are order bits there and are overwritten */
	memset(pfns, 0, sizeof(pfns));
	pfns[1] = HMM_PFN_DMA_MAPPED;
	pfns[513] = HMM_PFN_DMA_MAPPED;
	assert_int_equal(hmm_range_fault(&r), 0);
	assert_int_equal(pfns[1], 0xc900000000200001ULL);
	assert_int_equal(pfns[513], 0);
	emu_mm_destroy(mm);
}

static struct emu_iommu *iommu_make(void)
{
	struct emu_iommu *io;

	assert_int_equal(emu_iommu_create(NULL, 1024, &io), 0);
	return io;
}

/*
 * 16 writable pages: one IOVA range at map_alloc, one link and one sync
 * per page, addresses state.addr + idx * 4096, DMA_MAPPED in the array.
 */
static void test_hmm_dma_map_iova(void **state)
{
	(void)state;
	struct emu_page_desc d[16];
	uint64_t dma[16], dma2[16];
	struct emu_mm *mm;
	struct emu_iommu *io = iommu_make();
	struct hmm_dma_map map;
	struct hmm_range r;

	for (int i = 0; i < 16; i++)
		d[i] = D(EMU_PAGE_RW, 0x5000 + i);
	mm = mm_make(d, 16);
	struct hmm_dma_dev dev = { .iommu = io, .memmap = &mm->memmap, .p2pdma = true };

	/* a single-page mapping first, so the IOVA cursor is not 64 KiB aligned */
	uint64_t one;
	assert_int_equal(emu_dma_map_page(io, 0x6000ULL << PAGE_SHIFT, false, &one), 0);
	assert_int_equal(one, EMU_IOVA_TOP - PAGE_SIZE);
	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 16, PAGE_SIZE), 0);
	assert_non_null(map.pfn_list);
	assert_null(map.dma_list);		/* an IOVA range: no per-page list */
	assert_int_equal(map.state.addr, EMU_IOVA_TOP - 2 * 16 * PAGE_SIZE);
	assert_true(emu_dma_use_iova(&map.state));
	assert_int_equal(map.state.size, 16 * PAGE_SIZE);
	assert_int_equal(map.state.addr & (16 * PAGE_SIZE - 1), 0);	/* size-aligned */
	assert_int_equal(io->stats.iova_ranges, 1);

	/* the walk writes straight into the map's pfn_list, as ODP's range.hmm_pfns */
	r = range_of(mm, 16, map.pfn_list);
	r.default_flags = HMM_PFN_REQ_FAULT;
	assert_int_equal(hmm_range_fault_v616(&r), 0);
	assert_int_equal(hmm_dma_map_range(&dev, &map, 0, 16, dma), 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(dma[i], map.state.addr + i * PAGE_SIZE);
		assert_int_equal(emu_iommu_iova_to_phys(io, dma[i]), (0x5000ULL + i) << PAGE_SHIFT);
		assert_int_equal(map.pfn_list[i], (0x5000ULL + i) | HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_DMA_MAPPED);
	}
	assert_int_equal(io->stats.iova_ranges, 1);
	assert_int_equal(io->stats.links, 16);
	assert_int_equal(io->stats.syncs, 16);
	assert_int_equal(io->stats.maps, 1);	/* no dma_map_page() but the one above */
	assert_int_equal(io->stats.iova_fresh + io->stats.iova_cached, 2);

	/* a second fault and map: the walk keeps DMA_MAPPED, nothing is linked again */
	assert_int_equal(hmm_range_fault_v616(&r), 0);
	assert_int_equal(map.pfn_list[7], 0x5007ULL | HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_DMA_MAPPED);
	assert_int_equal(hmm_dma_map_range(&dev, &map, 0, 16, dma2), 0);
	assert_memory_equal(dma, dma2, sizeof(dma));
	assert_int_equal(io->stats.links, 16);
	assert_int_equal(io->stats.syncs, 16);

	/* unmapping: the I/O PTE goes, the bits go, a second unmap has nothing to do */
	for (int i = 0; i < 16; i++)
		assert_true(hmm_dma_unmap_pfn(&dev, &map, i));
	assert_int_equal(io->stats.unlinks, 16);
	assert_int_equal(emu_iommu_iova_to_phys(io, dma[3]), 0);
	assert_int_equal(map.pfn_list[3], 0x5003ULL | HMM_PFN_VALID | HMM_PFN_WRITE);
	assert_false(hmm_dma_unmap_pfn(&dev, &map, 3));
	assert_int_equal(io->stats.unlinks, 16);

	/* the range goes back and the next map of that size gets it again */
	uint64_t addr = map.state.addr;
	hmm_dma_map_free(&dev, &map);
	assert_int_equal(io->stats.iova_range_frees, 1);
	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 16, PAGE_SIZE), 0);
	assert_int_equal(map.state.addr, addr);
	assert_int_equal(io->stats.iova_cached, 1);
	hmm_dma_map_free(&dev, &map);
	emu_iommu_destroy(io);
	emu_mm_destroy(mm);
}

/* The per-page model on the same 16 pages: an IOVA and an I/O PTE per page. */
static void test_per_page_contrast(void **state)
{
	(void)state;
	uint64_t words[16];
	struct emu_iommu *io = iommu_make();

	for (int i = 0; i < 16; i++)
		words[i] = ((0x5000ULL + i) << 12) | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_W;
	assert_int_equal(emu_iommu_map_words(io, words, 16, PAGE_SHIFT, 0), 0);
	assert_int_equal(io->stats.maps, 16);
	assert_int_equal(io->stats.iova_fresh + io->stats.iova_cached, 16);
	assert_int_equal(io->stats.links, 0);
	assert_int_equal(io->stats.iova_ranges, 0);
	/* mapping again unmaps first: 16 more IOVAs, from the cache */
	assert_int_equal(emu_iommu_map_words(io, words, 16, PAGE_SHIFT, 0), 0);
	assert_int_equal(io->stats.maps, 32);
	assert_int_equal(io->stats.unmaps, 16);
	assert_int_equal(io->stats.iova_cached, 16);
	emu_iommu_destroy(io);
}

/* The fallback: the IOVA space cannot hold the range; dma_map_page() per page into dma_list. */
static void test_hmm_dma_fallback(void **state)
{
	(void)state;
	struct emu_page_desc d[16];
	uint64_t dma[16], dma2[16];
	struct emu_mm *mm;
	struct emu_iommu *io = iommu_make();
	struct hmm_dma_map map;
	struct hmm_range r;

	for (int i = 0; i < 16; i++)
		d[i] = D(EMU_PAGE_RW, 0x5000 + i);
	mm = mm_make(d, 16);
	struct hmm_dma_dev dev = { .iommu = io, .memmap = &mm->memmap, .p2pdma = true };

	io->next_iova = 24 * PAGE_SIZE;	/* room for single pages, not for a size-aligned 64 KiB range */
	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 16, PAGE_SIZE), 0);
	assert_false(emu_dma_use_iova(&map.state));
	assert_non_null(map.dma_list);
	assert_int_equal(io->stats.iova_ranges, 0);
	r = range_of(mm, 16, map.pfn_list);
	assert_int_equal(hmm_range_fault_v616(&r), 0);
	assert_int_equal(hmm_dma_map_range(&dev, &map, 0, 16, dma), 0);
	assert_int_equal(io->stats.maps, 16);
	assert_int_equal(io->stats.links, 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(map.dma_list[i], dma[i]);
		assert_int_equal(emu_iommu_iova_to_phys(io, dma[i]), (0x5000ULL + i) << PAGE_SHIFT);
		assert_true(map.pfn_list[i] & HMM_PFN_DMA_MAPPED);
	}
	/* mapped entries answer from dma_list */
	assert_int_equal(hmm_dma_map_range(&dev, &map, 0, 16, dma2), 0);
	assert_memory_equal(dma, dma2, sizeof(dma));
	assert_int_equal(io->stats.maps, 16);
	assert_true(hmm_dma_unmap_pfn(&dev, &map, 5));
	assert_int_equal(io->stats.unmaps, 1);
	assert_int_equal(emu_iommu_iova_to_phys(io, dma[5]), 0);
	hmm_dma_map_free(&dev, &map);
	emu_iommu_destroy(io);
	emu_mm_destroy(mm);
}

/* dma-direct: no IOMMU, no list, the physical address, mapped again every time (stateless) */
static void test_hmm_dma_direct(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_NONE, 0) };
	uint64_t dma[2];
	struct emu_mm *mm = mm_make(d, 2);
	struct hmm_dma_dev dev = { .iommu = NULL, .memmap = &mm->memmap, .p2pdma = true };
	struct hmm_dma_map map;
	struct hmm_range r;

	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 2, PAGE_SIZE), 0);
	assert_null(map.dma_list);
	assert_false(emu_dma_use_iova(&map.state));
	r = range_of(mm, 2, map.pfn_list);
	assert_int_equal(hmm_range_fault_v616(&r), 0);
	assert_int_equal(hmm_dma_map_range(&dev, &map, 0, 2, dma), 0);
	assert_int_equal(dma[0], 0x5000000ULL);
	assert_int_equal(dma[1], 0);		/* not VALID: skipped */
	assert_int_equal(map.pfn_list[0], 0x5000ULL | HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_DMA_MAPPED);
	assert_int_equal(map.pfn_list[1], 0);
	assert_int_equal(hmm_dma_map_pfn(&dev, &map, 0), 0x5000000ULL);
	assert_true(hmm_dma_unmap_pfn(&dev, &map, 0));
	assert_int_equal(map.pfn_list[0], 0x5000ULL | HMM_PFN_VALID | HMM_PFN_WRITE);
	hmm_dma_map_free(&dev, &map);
	emu_mm_destroy(mm);
}

/*
 * pci_p2pdma_state(): with CONFIG_PCI_P2PDMA=y the page's zone and pgmap
 * type are read.  A ZONE_DEVICE page whose pagemap says PCI_P2PDMA is not
 * mapped by this model (the P2P branches are left out); with
 * CONFIG_PCI_P2PDMA=n nothing is read and it maps like any page.
 */
static void test_hmm_dma_p2pdma_read(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_DEV, 0x42) };
	struct emu_mm *mm = mm_make(d, 1);
	struct emu_iommu *io = iommu_make();
	struct hmm_dma_dev dev = { .iommu = io, .memmap = &mm->memmap, .p2pdma = true };
	struct hmm_dma_map map;

	mm->devices[0].pgmap.type = MEMORY_DEVICE_PCI_P2PDMA;
	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 1, PAGE_SIZE), 0);
	map.pfn_list[0] = (EMU_DEV_PFN_FIRST + 0x42) | HMM_PFN_VALID;
	assert_int_equal(hmm_dma_map_pfn(&dev, &map, 0), DMA_MAPPING_ERROR);
	assert_int_equal(map.pfn_list[0], (EMU_DEV_PFN_FIRST + 0x42) | HMM_PFN_VALID);
	assert_int_equal(io->stats.links, 0);
	dev.p2pdma = false;
	assert_int_equal(hmm_dma_map_pfn(&dev, &map, 0), map.state.addr);
	assert_int_equal(io->stats.links, 1);
	hmm_dma_map_free(&dev, &map);
	emu_iommu_destroy(io);
	emu_mm_destroy(mm);
}

static void test_hmm_dma_errors(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000) };
	struct emu_mm *mm = mm_make(d, 1);
	struct hmm_dma_dev dev = { .iommu = NULL, .memmap = &mm->memmap, .p2pdma = true };
	struct hmm_dma_map map;
	uint64_t dma[2];

	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 0, PAGE_SIZE), -EINVAL);
	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 1, 2 * PAGE_SIZE), -EINVAL);
	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 512, PMD_SIZE), -EINVAL);
	assert_int_equal(hmm_dma_map_alloc(&dev, &map, 1, PAGE_SIZE), 0);
	assert_int_equal(hmm_dma_map_range(&dev, &map, 0, 2, dma), -EINVAL);
	assert_int_equal(hmm_dma_map_range(&dev, &map, 2, 0, dma), -EINVAL);
	hmm_dma_map_free(&dev, &map);
	emu_mm_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v616_format),
		cmocka_unit_test(test_hmm_dma_map_iova),
		cmocka_unit_test(test_per_page_contrast),
		cmocka_unit_test(test_hmm_dma_fallback),
		cmocka_unit_test(test_hmm_dma_direct),
		cmocka_unit_test(test_hmm_dma_p2pdma_read),
		cmocka_unit_test(test_hmm_dma_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
