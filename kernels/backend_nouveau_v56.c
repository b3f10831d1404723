/*
 * backend_nouveau_v56.c - nouveau's GPU fault path of v5.5-v5.6 (era B, as
 * shipped).
 *
 * drivers/gpu/drm/nouveau/nouveau_svm.c, nouveau_svm_fault() and
 * nouveau_range_fault() of v5.5-v5.6: a window of at most 16 pages from the
 * faulting address, clipped to its VMA; the requests written into the
 * ioctl's args.phys[16] in nouveau's own encoding (READ -> V, WRITE and
 * ATOMIC -> V|W, PREFETCH -> 0) with default_flags = 0 and pfn_flags_mask =
 * -1; range.pfns = args.phys, range.flags/values = nouveau_svm_pfn_flags/
 * values (flags[DEVICE_PRIVATE] = NVIF_VMM_PFNMAP_V0_VRAM), pfn_shift 12;
 * hmm_range_fault(&range, 0) of v5.6 (hmm_range_fault_v56()).  Then
 * nouveau_dmem.c's nouveau_dmem_convert_pfn() of v5.6 in place, per entry:
 * hmm_device_entry_to_page() (three compares against values[], flags[VALID],
 * >> pfn_shift, pfn_to_page); an entry without flags[DEVICE_PRIVATE] is done
 * there, no struct page read; a device entry reads page->flags and
 * page->pgmap (nouveau_dmem_page: is_device_private_page() and the owner,
 * drm->dmem == page_to_dmem(page)); another driver's page is WARNed and set
 * to 0; this device's gets its VRAM address (nouveau_dmem_page_addr()).
 * The array is what the ioctl (gp100_vmm_pgt_pfn(), params.iommu) gets.
 *
 * Output word per page: NVIF_VMM_PFNMAP_V0 (docs/backends.md).
 * Left out: the mutex and mmu_interval_read_retry() around it, the ioctl
 * itself, the fault buffer's sorting and cancelling (README, "what is left
 * out").  v5.2-v5.4 differ in the walk (hmm_range_register/wait, a zero page
 * that fails the call), not in this pass.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

static int v56_init(struct pfn_backend *b)
{
	struct hmm_range *range = calloc(1, sizeof(*range));

	if (!range)
		return -ENOMEM;
	b->priv = range;
	return 0;
}

static void v56_fini(struct pfn_backend *b)
{
	free(b->priv);
}

static int v56_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	nouveau_window_clip(b, w);
	pfn_window_requests(b, w, b->priv, &nouveau_encoding_v56, true);
	return 0;
}

static int v56_fault(struct hmm_range *range)
{
	return hmm_range_fault_v56(range, 0);
}

static int v56_walk(struct pfn_backend *b, struct pfn_window *w)
{
	return pfn_window_walk(b, w, b->priv, v56_fault);
}

/* nouveau_dmem_convert_pfn(), v5.6 */
static int v56_convert(struct pfn_backend *b, struct pfn_window *w)
{
	const struct hmm_range *range = b->priv;
	const struct hmm_encoding *enc = range->encoding;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const void *dmem = b->params.mm->devices[0].pgmap.owner;
	uint64_t *pfns = w->hmm_pfns;

	for (unsigned long i = 0; i < w->npages; ++i) {
		const struct page *page;
		unsigned long pfn = hmm_device_entry_to_pfn(enc, pfns[i]);
		uint64_t addr;

		if (pfn == -1UL)	/* hmm_device_entry_to_page() == NULL */
			continue;
		if (!(pfns[i] & enc->flags[HMM_PFN_FLAG_DEVICE_PRIVATE]))
			continue;
		page = emu_pfn_to_page(memmap, pfn);
		/* nouveau_dmem_page(): is_device_private_page() && drm->dmem == page_to_dmem(page) */
		if (!is_device_private_page(page) || page->pgmap->owner != dmem) {
			/* WARN(1, "Some unknown device memory !\n") */
			pfns[i] = 0;
			continue;
		}
		addr = nouveau_dmem_page_addr(page, pfn);
		pfns[i] &= ((1UL << enc->pfn_shift) - 1);
		pfns[i] |= (addr >> PAGE_SHIFT) << enc->pfn_shift;
	}
	w->words = pfns;
	w->nr_words = w->npages;
	return 0;
}

/*
 * prepare: the request per page into args.phys (8 B + wa 8 B); pass: the
 * entry read, only device entries rewritten (none on host pages)
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 8, .prepare_w = 8, .pass_r = 8, .pass_w = 0, .pass_page_lines = 0,
	.dma_map = true,
};

const struct pfn_backend_ops pfn_backend_nouveau_v56 = {
	.name = "nouveau-v5.6",
	.description = "v5.5-v5.6 as shipped: nouveau's tables, v5.6 walk, nouveau_dmem_convert_pfn() "
		       "testing flags[DEVICE_PRIVATE] first",
	.driver = "nouveau",
	.kernel = "v5.5-v5.6",
	.era = PFN_ERA_B,
	.counterpart = "nouveau-v5.8",
	.kver = &hmm_kver_v56,
	.window = NOUVEAU_SVM_WINDOW,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_PAGE_REQ,
	.traffic = &traffic,
	.init = v56_init,
	.fini = v56_fini,
	.prepare = v56_prepare,
	.walk = v56_walk,
	.convert = v56_convert,
	.meaning = nouveau_word_meaning,
};
