/*
 * hmm_dma.h - the HMM DMA mapping helpers of v6.16 (mm/hmm.c,
 * "mm/hmm: provide generic DMA managing logic", Leon Romanovsky, merged
 * for v6.16 with the RDMA ODP conversion 1efe8c0670d6): a second model of
 * the stage after the walk, beside gp100_vmm_pgt_pfn()'s dma_map_page()
 * per page (iommu.h, emu_iommu_map_words()).
 *
 *   hmm_dma_map_alloc()   once per mirrored range (ODP: per umem, at
 *                         registration): the pfn list the walk writes into
 *                         (kvcalloc), one IOVA range for all of it
 *                         (dma_iova_try_alloc()), and, only when that fails
 *                         on a device that needs unmapping, a dma_list
 *   hmm_dma_map_pfn()     per page: an entry already DMA_MAPPED returns its
 *                         address (state->addr + offset) with no work;
 *                         else pci_p2pdma_state() (see below), then
 *                         dma_iova_link() + dma_iova_sync() of that one
 *                         page (or, in the fallback, dma_map_page() and the
 *                         address kept in dma_list[idx]), and DMA_MAPPED
 *                         written back into the HMM array
 *   hmm_dma_unmap_pfn()   per page: dma_iova_unlink() (or dma_unmap_page()),
 *                         DMA_MAPPED / P2PDMA / P2PDMA_BUS cleared
 *   hmm_dma_map_free()    the IOVA range and the lists
 *
 * The HMM array is also the driver's state: the walk of v6.16
 * (hmm_range_fault_v616()) keeps DMA_MAPPED through its stores, so a
 * second fault over a mapped page finds it tagged and maps nothing.
 *
 * P2PDMA.  With CONFIG_PCI_P2PDMA=y (Debian's and the common distribution
 * kernels' setting, the default of struct hmm_dma_dev.p2pdma here) every
 * hmm_dma_map_pfn() that reaches the mapping calls pci_p2pdma_state(),
 * whose is_pci_p2pdma_page() reads page->flags (the zone) and, for a
 * ZONE_DEVICE page, page->pgmap->type.  Modelled: that read.  The emulator
 * has no PCI P2PDMA memory (no MEMORY_DEVICE_PCI_P2PDMA pagemap), so the
 * state is always PCI_P2PDMA_MAP_NONE; the THRU_HOST_BRIDGE and BUS_ADDR
 * branches (P2PDMA, P2PDMA_BUS) are left out.  p2pdma = false models
 * CONFIG_PCI_P2PDMA=n: no struct page read.
 *
 * The device is coherent, 64-bit and needs no sync (dma_need_sync() false,
 * dma_addressing_limited() false: the -EOPNOTSUPP checks of
 * hmm_dma_map_alloc() always pass); with an IOMMU it needs unmapping
 * (dma_need_unmap() true), without one (dma-direct) it does not and
 * dma_map_page() returns the physical address.  dma_entry_size is one 4
 * KiB page (ODP with 4 KiB umem pages).
 */
#ifndef PFNBENCH_HMM_DMA_H
#define PFNBENCH_HMM_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmm.h"
#include "iommu.h"
#include "mm.h"

#define DMA_MAPPING_ERROR (~(uint64_t)0)

/* The device a map is for. */
struct hmm_dma_dev {
	struct emu_iommu *iommu;         /* NULL: dma-direct (no IOMMU) */
	const struct emu_memmap *memmap; /* the struct pages pci_p2pdma_state() reads */
	const struct emu_mem_ops *mem;   /* where pfn_list and dma_list go */
	bool p2pdma;                     /* CONFIG_PCI_P2PDMA=y */
};

/* struct hmm_dma_map */
struct hmm_dma_map {
	struct emu_dma_iova_state state;
	uint64_t *pfn_list;     /* the HMM array (v6.16 format), nr_entries words */
	uint64_t *dma_list;     /* fallback with dma_need_unmap() only, else NULL */
	size_t dma_entry_size;
	size_t nr_entries;
};

/*
 * 0, -EINVAL (no entries, an entry size other than 4 KiB), -ENOMEM.  With
 * an IOMMU: one IOVA range of nr_entries pages (iommu stats: iova_ranges +1)
 * or, when the IOVA space cannot hold it, the fallback with a dma_list.
 */
int hmm_dma_map_alloc(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t nr_entries,
		      size_t dma_entry_size);
void hmm_dma_map_free(const struct hmm_dma_dev *dev, struct hmm_dma_map *map);
/*
 * Map entry idx (VALID, in the v6.16 format): its DMA address, or
 * DMA_MAPPING_ERROR (the link or the fallback map failed).
 */
uint64_t hmm_dma_map_pfn(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t idx);
/* false when the entry was not VALID and DMA_MAPPED; else unmapped, true. */
bool hmm_dma_unmap_pfn(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t idx);

/*
 * The v6.16 model of the downstream stage over entries [first, first + n)
 * of the map, for a harness that times it next to emu_iommu_map_words():
 * hmm_dma_map_pfn() for every VALID entry, as an ODP driver's MTT pass
 * (mlx5 populate_mtt()) calls it, the addresses into dma_out[0..n) (0 for
 * entries without VALID).  0, -EINVAL (outside the map), or -ENOSPC at the
 * first entry that could not be mapped.
 */
int hmm_dma_map_range(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t first, size_t n,
		      uint64_t *dma_out);

#endif
