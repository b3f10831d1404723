/*
 * nouveau.h - nouveau's device word (NVIF_VMM_PFNMAP_V0,
 * drivers/gpu/drm/nouveau/include/nvif/if000c.h) and its era-B HMM tables
 * (nouveau_svm.c: nouveau_svm_pfn_flags / nouveau_svm_pfn_values).
 */
#ifndef PFNBENCH_NOUVEAU_H
#define PFNBENCH_NOUVEAU_H

#include <stdint.h>

#include "backend.h"
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

/* nouveau's GPU fault window in v5.2-v5.8: args.phys[16] */
#define NOUVEAU_SVM_WINDOW 16

/*
 * range->flags/values/pfn_shift as nouveau set them: v5.2-v5.6 with
 * flags[DEVICE_PRIVATE] = VRAM; v5.7 without (17ffdc482982 removed the
 * slot).  values[] keep ERROR = SPECIAL = ~V and NONE = 0 until v5.8.
 */
extern const struct hmm_encoding nouveau_encoding_v56;
extern const struct hmm_encoding nouveau_encoding_v57;

/* nouveau_dmem_page_addr(): VRAM address of a device-private page. */
static inline uint64_t nouveau_dmem_page_addr(const struct page *page, unsigned long pfn)
{
	const struct dev_pagemap *pgmap = page->pgmap;
	return pgmap->vram_base + (((uint64_t)pfn << PAGE_SHIFT) - pgmap->range_start);
}

/*
 * What a NVIF_VMM_PFNMAP_V0 word says (ops->meaning of every nouveau
 * backend): 0 none, ~V the era-B error/special word (the device sees
 * "not valid" either way), else V with the address's aperture and W.
 */
void nouveau_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m);

/*
 * nouveau_svm_fault()'s window (v5.2-v5.8): at most 16 pages from the
 * fault, clipped to the VMA the first page is in (find_vma_intersection).
 * Shrinks w->npages; a first page outside every VMA is walked alone.
 */
void nouveau_window_clip(struct pfn_backend *b, struct pfn_window *w);

#endif
