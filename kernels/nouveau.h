/*
 * nouveau.h - nouveau's device word (NVIF_VMM_PFNMAP_V0, nvif/if000c.h) and
 * its era-B HMM tables (nouveau_svm.c, v5.2-v5.7).
 */
#ifndef PFNBENCH_NOUVEAU_H
#define PFNBENCH_NOUVEAU_H

#include <stdint.h>

#include "hmm.h"

#define NVIF_VMM_PFNMAP_V0_V 0x1UL
#define NVIF_VMM_PFNMAP_V0_W 0x2UL
#define NVIF_VMM_PFNMAP_V0_A 0x4UL
#define NVIF_VMM_PFNMAP_V0_APER 0xf0UL
#define NVIF_VMM_PFNMAP_V0_HOST 0x00UL
#define NVIF_VMM_PFNMAP_V0_VRAM 0x10UL
#define NVIF_VMM_PFNMAP_V0_NONE 0x0UL
#define NVIF_VMM_PFNMAP_V0_ADDR 0xfffffffffffff000UL
#define NVIF_VMM_PFNMAP_V0_ADDR_SHIFT 12

/* nouveau's range->flags/values/pfn_shift of v5.2-v5.6 (flags[DEVICE_PRIVATE] = VRAM). */
extern const struct hmm_encoding nouveau_encoding_eraB;

/* nouveau_dmem_page_addr(): VRAM address of a device-private page. */
static inline uint64_t nouveau_dmem_page_addr(const struct page *page, unsigned long pfn)
{
	const struct dev_pagemap *pgmap = page->pgmap;
	return pgmap->vram_base + (((uint64_t)pfn << PAGE_SHIFT) - pgmap->range_start);
}

#endif
