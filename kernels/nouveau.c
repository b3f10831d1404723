/*
 * nouveau.c - what the nouveau backends share: the meaning of a
 * NVIF_VMM_PFNMAP_V0 word and the fault window of v5.2-v5.8.
 */
#include "nouveau.h"

void nouveau_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m)
{
	const struct dev_pagemap *pgmap = &b->params.mm->devices[0].pgmap;

	*m = (struct pfn_meaning){ .kind = PFN_M_NONE, .write = -1 };
	if (word == NVIF_VMM_PFNMAP_V0_NONE)
		return;
	if (!(word & NVIF_VMM_PFNMAP_V0_V)) {
		m->kind = PFN_M_ERROR;	/* era B's values[ERROR] = values[SPECIAL] = ~V */
		return;
	}
	m->kind = PFN_M_VALID;
	m->has_addr = true;
	m->write = !!(word & NVIF_VMM_PFNMAP_V0_W);
	m->vram = (word & NVIF_VMM_PFNMAP_V0_APER) == NVIF_VMM_PFNMAP_V0_VRAM;
	m->addr = m->vram ? ((word & NVIF_VMM_PFNMAP_V0_ADDR) - pgmap->vram_base) >> PAGE_SHIFT
			  : (word & NVIF_VMM_PFNMAP_V0_ADDR) >> PAGE_SHIFT;
}

void nouveau_window_clip(struct pfn_backend *b, struct pfn_window *w)
{
	/* find_vma_intersection(mm, start, limit); limit = min(limit, vma->vm_end) */
	struct emu_vma *vma = emu_find_vma(b->params.mm, w->start);

	if (vma && vma->vm_end < w->start + (w->npages << PAGE_SHIFT))
		w->npages = (vma->vm_end - w->start) >> PAGE_SHIFT;
	else if (!vma)
		w->npages = 1;
}
