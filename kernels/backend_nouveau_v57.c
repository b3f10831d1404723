/*
 * backend_nouveau_v57.c - nouveau's GPU fault path of v5.7 (era B, the
 * last version before the format was removed).
 *
 * drivers/gpu/drm/nouveau/nouveau_svm.c of v5.7: the same fault window as
 * v5.2-v5.6 (at most 16 pages, clipped to the VMA, requests from the fault
 * buffer written into args.phys[16] = range.pfns with default_flags = 0 and
 * pfn_flags_mask = -1), the tables without the DEVICE_PRIVATE slot
 * (17ffdc482982, "mm: simplify device private page handling in
 * hmm_range_fault"), .dev_private_owner = drm->dev (ed710a6ed797, v5.7.11;
 * v5.7.0-v5.7.10 forgot it and faulted their own VRAM pages), and
 * hmm_range_fault() of v5.7 (hmm_range_fault_v57()).  Then
 * nouveau_dmem_convert_pfn() of v5.7 in place, per entry:
 * hmm_device_entry_to_page() (three compares, flags[VALID], the shift);
 * then is_device_private_page(page) for every valid entry: a struct page
 * read (page->flags, and page->pgmap->type for ZONE_DEVICE) per page, the
 * load 17ffdc482982 added; device pages get their VRAM address and the VRAM
 * aperture bit.
 *
 * Output word per page: NVIF_VMM_PFNMAP_V0 (docs/backends.md).  Left out:
 * as nouveau-v5.6.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

static int v57_init(struct pfn_backend *b)
{
	struct hmm_range *range = calloc(1, sizeof(*range));

	if (!range)
		return -ENOMEM;
	b->priv = range;
	return 0;
}

static void v57_fini(struct pfn_backend *b)
{
	free(b->priv);
}

static int v57_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	nouveau_window_clip(b, w);
	pfn_window_requests(b, w, b->priv, &nouveau_encoding_v57, true);
	return 0;
}

static int v57_walk(struct pfn_backend *b, struct pfn_window *w)
{
	return pfn_window_walk(b, w, b->priv, hmm_range_fault_v57);
}

/* nouveau_dmem_convert_pfn(), v5.7 */
static int v57_convert(struct pfn_backend *b, struct pfn_window *w)
{
	const struct hmm_range *range = b->priv;
	const struct hmm_encoding *enc = range->encoding;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	uint64_t *pfns = w->hmm_pfns;

	for (unsigned long i = 0; i < w->npages; ++i) {
		const struct page *page;
		unsigned long pfn = hmm_device_entry_to_pfn(enc, pfns[i]);
		uint64_t addr;

		if (pfn == -1UL)	/* hmm_device_entry_to_page() == NULL */
			continue;
		page = emu_pfn_to_page(memmap, pfn);
		if (!is_device_private_page(page))
			continue;
		addr = nouveau_dmem_page_addr(page, pfn);
		pfns[i] &= ((1UL << enc->pfn_shift) - 1);
		pfns[i] |= (addr >> PAGE_SHIFT) << enc->pfn_shift;
		pfns[i] |= NVIF_VMM_PFNMAP_V0_VRAM;
	}
	w->words = pfns;
	w->nr_words = w->npages;
	return 0;
}

/*
 * prepare: the request per page into args.phys (8 B + wa 8 B); pass: the
 * entry read and one struct page line per valid entry (17ffdc482982), host
 * entries not rewritten
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 8, .prepare_w = 8, .pass_r = 8, .pass_w = 0, .pass_page_lines = 1,
	.dma_map = true,
};

const struct pfn_backend_ops pfn_backend_nouveau_v57 = {
	.name = "nouveau-v5.7",
	.description = "v5.7: nouveau's tables, v5.7 walk, nouveau_dmem_convert_pfn() reading struct page "
		       "for every valid entry",
	.driver = "nouveau",
	.kernel = "v5.7",
	.era = PFN_ERA_B,
	.counterpart = "nouveau-v5.8",
	.kver = &hmm_kver_v57,
	.window = NOUVEAU_SVM_WINDOW,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_PAGE_REQ,
	.traffic = &traffic,
	.init = v57_init,
	.fini = v57_fini,
	.prepare = v57_prepare,
	.walk = v57_walk,
	.convert = v57_convert,
	.meaning = nouveau_word_meaning,
};
