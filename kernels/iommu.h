/*
 * iommu.h - the stage after the device words exist: nouveau's
 * gp100_vmm_pgt_pfn() programs one GPU PTE per word and, for every valid
 * host-aperture word, maps the page for DMA (dma_map_page() per 4 KiB page),
 * which through an IOMMU means an IOVA allocation and an I/O page-table
 * update.  VRAM words need no mapping.
 *
 *   word (V, HOST) -> pfn_to_page -> alloc_iova_fast -> iommu_map (4-level
 *                     I/O page table, allocated on demand) -> GPU PTE = iova
 *   word (V, VRAM) -> GPU PTE = VRAM address
 *   word without V -> GPU PTE cleared (and its old mapping unmapped)
 *
 * A GPU PTE that already holds a DMA mapping is unmapped first (the IOVA
 * goes back to the per-CPU cache, the I/O PTE is cleared), so mapping the
 * same range again models a revalidation, and repeated passes do not grow.
 *
 * IOVAs come from a per-CPU cache of freed single-page IOVAs (the kernel's
 * iova rcache) and otherwise top-down from the end of a 48-bit space (the
 * kernel's rbtree allocator without the tree).  Left out: the rbtree,
 * IOTLB flushes (deferred in the kernel's default lazy mode), swiotlb.
 */
#ifndef PFNBENCH_IOMMU_H
#define PFNBENCH_IOMMU_H

#include <stdint.h>

#include "mm.h"

#define EMU_IOVA_TOP (1UL << 48)
#define EMU_IOPTE_R (1UL << 0)
#define EMU_IOPTE_W (1UL << 1)

struct emu_iommu_stats {
	uint64_t maps, unmaps, iova_cached, iova_fresh, iopt_pages;
};

struct emu_iommu {
	uint64_t *iopgd;                 /* level-4 table */
	const struct emu_mem_ops *mem;
	uint8_t **chunks;                /* I/O page-table pages, 2 MiB chunks */
	unsigned long nr_chunks, cap_chunks;
	size_t chunk_used;
	uint64_t next_iova;              /* top-down cursor */
	uint64_t *rcache;                /* freed IOVAs */
	unsigned long rcache_n, rcache_cap;
	uint64_t *rcache2m;              /* freed 2 MiB IOVAs */
	unsigned long rcache2m_n, rcache2m_cap;
	uint64_t *gpu_pte;               /* the GPU page table of the mirrored range */
	unsigned long nr_gpu_pte;
	struct emu_iommu_stats stats;
};

/* nr_gpu_pte: pages of the GPU range.  0, -EINVAL, -ENOMEM. */
int emu_iommu_create(const struct emu_mem_ops *mem, unsigned long nr_gpu_pte, struct emu_iommu **out);
void emu_iommu_destroy(struct emu_iommu *io);
/*
 * gp100_vmm_pgt_pfn() for words[0..n) at GPU PTE index first, each word
 * mapping 1 << shift bytes: shift 12, one 4 KiB page per word (one
 * dma_map_page() per host page); shift 21 (nouveau v5.9+, a THP),
 * gp100_vmm_pd0_pfn(): one 2 MiB dma_map_page() per word, a 2 MiB IOVA and
 * one large I/O PTE, one GPU PDE (kept in the GPU PTE slot of the first
 * 4 KiB page; the other 511 are cleared).  Returns 0, -EINVAL (range past
 * nr_gpu_pte, another shift), -ENOMEM (I/O page table), -ENOSPC (IOVA space
 * exhausted).
 */
int emu_iommu_map_words(struct emu_iommu *io, const uint64_t *words, unsigned long n, unsigned shift,
			unsigned long first);
/* The physical address iova translates to (iommu_iova_to_phys), or 0. */
uint64_t emu_iommu_iova_to_phys(const struct emu_iommu *io, uint64_t iova);

#endif
