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
 *
 * Below the GPU PTE programming sit the two DMA APIs the models use:
 *
 *  - dma_map_page()/dma_unmap_page() of one 4 KiB page
 *    (emu_dma_map_page(): an IOVA and one I/O PTE per call), what
 *    gp100_vmm_pgt_pfn() and NVIDIA UVM's per-page GPU mappings do;
 *  - the two-step API of v6.16 (drivers/iommu/dma-iommu.c,
 *    "dma-mapping: Implement link/unlink ranges API"): dma_iova_try_alloc()
 *    reserves one IOVA range for a whole range of pages, dma_iova_link()
 *    maps one page at an offset into it (iommu_map_nosync(): the I/O PTE,
 *    no IOVA allocation), dma_iova_sync() syncs the IOTLB for what was
 *    linked (iommu_sync_map(); counted, the flush itself left out as every
 *    IOTLB flush here), dma_iova_unlink() and dma_iova_free() undo them.
 *    The HMM helpers of v6.16 (hmm_dma.h) are built on it.
 *
 * A range IOVA is size-aligned (alloc_iova_fast(..., size_aligned =
 * true): aligned to the size rounded up to a power of two) and comes from
 * a cache of freed ranges of the same size, else top-down.
 */
#ifndef PFNBENCH_IOMMU_H
#define PFNBENCH_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"

#define EMU_IOVA_TOP (1UL << 48)
#define EMU_IOPTE_R (1UL << 0)
#define EMU_IOPTE_W (1UL << 1)

struct emu_iommu_stats {
	uint64_t maps, unmaps, iova_cached, iova_fresh, iopt_pages;
	uint64_t iova_ranges;   /* dma_iova_try_alloc() that got a range */
	uint64_t iova_range_frees;
	uint64_t links, unlinks;/* dma_iova_link()/unlink() pages */
	uint64_t syncs;         /* dma_iova_sync() calls (iommu_sync_map) */
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
	struct { uint64_t iova, size; } *rcache_range; /* freed range IOVAs */
	unsigned long rcache_range_n, rcache_range_cap;
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

/*
 * dma_map_page() of the 4 KiB page at phys through the IOMMU: an IOVA
 * (cached or fresh) and one I/O PTE, readable, writable if @write.  0 and
 * *dma_addr, or -ENOSPC (IOVA space), -ENOMEM (I/O page table).
 */
int emu_dma_map_page(struct emu_iommu *io, uint64_t phys, bool write, uint64_t *dma_addr);
/* dma_unmap_page(): the I/O PTE cleared, the IOVA cached.  0 or -ENOMEM. */
int emu_dma_unmap_page(struct emu_iommu *io, uint64_t dma_addr);

/* struct dma_iova_state: addr 0 means no IOVA range (dma_use_iova() false). */
struct emu_dma_iova_state {
	uint64_t addr;
	uint64_t size;
};

static inline bool emu_dma_use_iova(const struct emu_dma_iova_state *state)
{
	return state->size != 0;
}

/*
 * dma_iova_try_alloc(): one IOVA range of @size bytes (a multiple of 4
 * KiB).  true and state filled, or false (no IOMMU, IOVA space exhausted)
 * with state cleared: the caller falls back to dma_map_page() per page.
 */
bool emu_dma_iova_try_alloc(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t size);
/* dma_iova_free(): the range back to the cache; state cleared. */
void emu_dma_iova_free(struct emu_iommu *io, struct emu_dma_iova_state *state);
/*
 * dma_iova_link(): map [offset, offset + size) of the range to phys, one
 * I/O PTE per 4 KiB page.  0, -EINVAL (outside the range, unaligned),
 * -ENOMEM (I/O page table).
 */
int emu_dma_iova_link(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t phys, uint64_t offset,
		      uint64_t size, bool write);
/* dma_iova_sync(): iommu_sync_map() for [offset, offset + size).  0. */
int emu_dma_iova_sync(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t offset, uint64_t size);
/* dma_iova_unlink(): the I/O PTEs of [offset, offset + size) cleared. */
void emu_dma_iova_unlink(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t offset, uint64_t size);

#endif
