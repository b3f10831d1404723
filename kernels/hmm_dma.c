/*
 * hmm_dma.c - hmm_dma_map_alloc(), hmm_dma_map_free(), hmm_dma_map_pfn()
 * and hmm_dma_unmap_pfn() of v6.16's mm/hmm.c, over the emulated IOMMU's
 * two-step DMA API (iommu.c); see hmm_dma.h for what is modelled and what
 * is left out.  hmm_dma_map_range() is the per-page loop an ODP driver
 * runs over them.
 */
#include <errno.h>
#include <string.h>

#include "hmm_dma.h"

/* dma_need_unmap(): true behind an IOMMU, false for dma-direct without sync */
static inline bool dma_need_unmap(const struct hmm_dma_dev *dev)
{
	return dev->iommu != NULL;
}

int hmm_dma_map_alloc(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t nr_entries,
		      size_t dma_entry_size)
{
	bool use_iova;

	memset(map, 0, sizeof(*map));
	if (!dma_entry_size || !(nr_entries * PAGE_SIZE / dma_entry_size))
		return -EINVAL;
	if (dma_entry_size != PAGE_SIZE)
		return -EINVAL;	/* the model: 4 KiB entries only (hmm_dma.h) */
	/* dma_need_sync || dma_addressing_limited: -EOPNOTSUPP; never for this device */
	map->dma_entry_size = dma_entry_size;
	map->pfn_list = emu_mem_alloc(dev->mem, nr_entries * sizeof(*map->pfn_list), EMU_MEM_HMM_ARRAY);
	if (!map->pfn_list)
		return -ENOMEM;
	map->nr_entries = nr_entries;
	use_iova = emu_dma_iova_try_alloc(dev->iommu, &map->state, nr_entries * PAGE_SIZE);
	if (!use_iova && dma_need_unmap(dev)) {
		map->dma_list = emu_mem_alloc(dev->mem, nr_entries * sizeof(*map->dma_list), EMU_MEM_DRIVER_ARRAY);
		if (!map->dma_list)
			goto err_dma;
	}
	return 0;

err_dma:
	emu_mem_free(dev->mem, map->pfn_list, nr_entries * sizeof(*map->pfn_list), EMU_MEM_HMM_ARRAY);
	memset(map, 0, sizeof(*map));
	return -ENOMEM;
}

void hmm_dma_map_free(const struct hmm_dma_dev *dev, struct hmm_dma_map *map)
{
	if (emu_dma_use_iova(&map->state))
		emu_dma_iova_free(dev->iommu, &map->state);
	emu_mem_free(dev->mem, map->pfn_list, map->nr_entries * sizeof(*map->pfn_list), EMU_MEM_HMM_ARRAY);
	if (map->dma_list)
		emu_mem_free(dev->mem, map->dma_list, map->nr_entries * sizeof(*map->dma_list), EMU_MEM_DRIVER_ARRAY);
	memset(map, 0, sizeof(*map));
}

/*
 * pci_p2pdma_state() with CONFIG_PCI_P2PDMA=y: is_pci_p2pdma_page() reads
 * page->flags and, for ZONE_DEVICE, page->pgmap->type.  There is no P2PDMA
 * memory in the emulator: the answer is always "not P2P" (hmm_dma.h).
 */
static inline bool pci_p2pdma_page(const struct hmm_dma_dev *dev, const struct page *page)
{
	return dev->p2pdma && is_zone_device_page(page) && page->pgmap->type == MEMORY_DEVICE_PCI_P2PDMA;
}

uint64_t hmm_dma_map_pfn(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t idx)
{
	struct emu_dma_iova_state *state = &map->state;
	uint64_t *dma_addrs = map->dma_list;
	uint64_t *pfns = map->pfn_list;
	unsigned long pfn = hmm_pfn_v616_to_pfn(pfns[idx]);
	const struct page *page = emu_pfn_to_page(dev->memmap, pfn);	/* hmm_pfn_to_page() */
	uint64_t paddr = (uint64_t)pfn << PAGE_SHIFT;			/* hmm_pfn_to_phys() */
	uint64_t offset = idx * map->dma_entry_size;
	uint64_t dma_addr;
	int ret;

	if ((pfns[idx] & HMM_PFN_DMA_MAPPED) && !(pfns[idx] & HMM_PFN_P2PDMA_BUS)) {
		/*
		 * Already programmed to the hardware, e.g. linked by a
		 * prefetch with READ and now asked again for WRITE: no
		 * unlink and relink just to resync the flags.
		 */
		if (emu_dma_use_iova(state))
			return state->addr + offset;
		if (dma_need_unmap(dev))
			return dma_addrs[idx];
		/* without dma_need_unmap() the mapping is stateless: map again */
	}
	if (pci_p2pdma_page(dev, page)) {
		/* PCI_P2PDMA_MAP_THRU_HOST_BRIDGE / BUS_ADDR: no such memory here */
		return DMA_MAPPING_ERROR;
	}
	if (emu_dma_use_iova(state)) {
		ret = emu_dma_iova_link(dev->iommu, state, paddr, offset, map->dma_entry_size, true);
		if (ret)
			goto error;
		ret = emu_dma_iova_sync(dev->iommu, state, offset, map->dma_entry_size);
		if (ret) {
			emu_dma_iova_unlink(dev->iommu, state, offset, map->dma_entry_size);
			goto error;
		}
		dma_addr = state->addr + offset;
	} else {
		if (dma_need_unmap(dev) && !dma_addrs)
			goto error;
		/* dma_map_page(dev, page, 0, dma_entry_size, DMA_BIDIRECTIONAL) */
		if (dev->iommu) {
			if (emu_dma_map_page(dev->iommu, paddr, true, &dma_addr))
				goto error;
		} else {
			dma_addr = paddr;	/* dma-direct */
		}
		if (dma_need_unmap(dev))
			dma_addrs[idx] = dma_addr;
	}
	pfns[idx] |= HMM_PFN_DMA_MAPPED;
	return dma_addr;
error:
	pfns[idx] &= ~HMM_PFN_P2PDMA;
	return DMA_MAPPING_ERROR;
}

bool hmm_dma_unmap_pfn(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t idx)
{
	const uint64_t valid_dma = HMM_PFN_VALID | HMM_PFN_DMA_MAPPED;
	struct emu_dma_iova_state *state = &map->state;
	uint64_t *pfns = map->pfn_list;

	if ((pfns[idx] & valid_dma) != valid_dma)
		return false;
	if (pfns[idx] & HMM_PFN_P2PDMA_BUS)
		; /* no need to unmap bus address P2P mappings */
	else if (emu_dma_use_iova(state))
		emu_dma_iova_unlink(dev->iommu, state, idx * map->dma_entry_size, map->dma_entry_size);
	else if (dma_need_unmap(dev))
		emu_dma_unmap_page(dev->iommu, map->dma_list[idx]);
	pfns[idx] &= ~(HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS);
	return true;
}

int hmm_dma_map_range(const struct hmm_dma_dev *dev, struct hmm_dma_map *map, size_t first, size_t n,
		      uint64_t *dma_out)
{
	if (first > map->nr_entries || n > map->nr_entries - first)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t dma;

		if (!(map->pfn_list[first + i] & HMM_PFN_VALID)) {
			dma_out[i] = 0;
			continue;
		}
		dma = hmm_dma_map_pfn(dev, map, first + i);
		if (dma == DMA_MAPPING_ERROR)
			return -ENOSPC;
		dma_out[i] = dma;
	}
	return 0;
}
