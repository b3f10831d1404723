/*
 * backend_nouveau_v58.c - nouveau's GPU fault path of v5.8 (era C, the
 * conversion pass).
 *
 * drivers/gpu/drm/nouveau/nouveau_svm.c of v5.8 (2733ea144dcc, "mm/hmm:
 * remove the customizable pfn format from hmm_range_fault"):
 * nouveau_svm_fault() builds the same window of at most 16 pages, clipped to
 * the VMA, and writes each page's request into `unsigned long
 * hmm_pfns[16]` on the stack (READ -> HMM_PFN_REQ_FAULT, PREFETCH -> 0,
 * others -> REQ_FAULT | REQ_WRITE); nouveau_range_fault() sets
 * .pfn_flags_mask = REQ_FAULT | REQ_WRITE, .hmm_pfns = hmm_pfns,
 * .dev_private_owner = drm->dev and calls hmm_range_fault() of v5.8 (the
 * fixed format without the order field, hmm_range_fault_v58()).  Then
 * nouveau_hmm_convert_pfn() converts every entry into the ioctl's
 * args.phys[16], also on the stack: no VALID -> 0; else hmm_pfn_to_page(),
 * is_device_private_page() (a struct page read per valid entry), VRAM
 * address | V | VRAM or page_to_phys() | V | HOST, | W if WRITE.  No
 * allocation: both arrays are 16 words on the stack (here: two 16-word
 * arrays that live as long as the backend).
 *
 * Output word per page: NVIF_VMM_PFNMAP_V0 (docs/backends.md).  Left out:
 * as nouveau-v5.6.
 *
 * PFNBENCH_EXTRA_WORK_CONVERT (a build option for the CI gate's own test)
 * adds reads of page->refcount and page->mapcount per valid entry.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

struct v58 {
	struct hmm_range range;
	uint64_t *phys;		/* args.phys[16] */
};

static int v58_init(struct pfn_backend *b)
{
	struct v58 *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	b->priv = v;
	v->phys = pfn_array_alloc(b, NOUVEAU_SVM_WINDOW, EMU_MEM_DRIVER_ARRAY);
	return v->phys ? 0 : -ENOMEM;
}

static void v58_fini(struct pfn_backend *b)
{
	struct v58 *v = b->priv;

	if (!v)
		return;
	pfn_array_free(b, v->phys, NOUVEAU_SVM_WINDOW, EMU_MEM_DRIVER_ARRAY);
	free(v);
}

static int v58_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct v58 *v = b->priv;

	nouveau_window_clip(b, w);
	pfn_window_requests(b, w, &v->range, &hmm_encoding_fixed_v58, true);
	v->range.pfn_flags_mask = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	return 0;
}

static int v58_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct v58 *v = b->priv;

	return pfn_window_walk(b, w, &v->range, hmm_range_fault_v58);
}

/* nouveau_hmm_convert_pfn(), v5.8 */
static int v58_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct v58 *v = b->priv;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const uint64_t *hmm_pfns = w->hmm_pfns;
	uint64_t *ioctl_addr = v->phys;

	for (unsigned long i = 0; i < w->npages; ++i) {
		const struct page *page;
		unsigned long pfn;

		if (!(hmm_pfns[i] & HMM_PFN_VALID)) {
			ioctl_addr[i] = 0;
			continue;
		}
		/* hmm_pfn_to_page() of v5.8: the pfn is bits 0-60 */
		pfn = hmm_pfns[i] & ~(HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_ERROR);
		page = emu_pfn_to_page(memmap, pfn);
		if (is_device_private_page(page))
			ioctl_addr[i] = nouveau_dmem_page_addr(page, pfn) | NVIF_VMM_PFNMAP_V0_V |
					NVIF_VMM_PFNMAP_V0_VRAM;
		else
			ioctl_addr[i] = ((uint64_t)emu_page_to_pfn(memmap, page) << PAGE_SHIFT) |
					NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_HOST;
		if (hmm_pfns[i] & HMM_PFN_WRITE)
			ioctl_addr[i] |= NVIF_VMM_PFNMAP_V0_W;
#ifdef PFNBENCH_EXTRA_WORK_CONVERT
		/*
		 * Deliberate regression for the CI gate's test: two more loads
		 * and a compare per valid entry (page_count() and
		 * page_mapcount() of a driver that checks them).
		 */
		ioctl_addr[i] |= (uint64_t)(*(volatile const int32_t *)&page->refcount <
					    *(volatile const int32_t *)&page->mapcount);
#endif
	}
	w->words = ioctl_addr;
	w->nr_words = w->npages;
	return 0;
}

/*
 * prepare: the request per page into hmm_pfns[16] (8 B + wa 8 B); pass:
 * the entry read, one struct page line per valid entry, the word written
 * into args.phys[16] (8 B + wa 8 B)
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 8, .prepare_w = 8, .pass_r = 16, .pass_w = 8, .pass_page_lines = 1,
	.dma_map = true,
};

const struct pfn_backend_ops pfn_backend_nouveau_v58 = {
	.name = "nouveau-v5.8",
	.description = "v5.8: fixed format into hmm_pfns[16], nouveau_hmm_convert_pfn() into args.phys[16] "
		       "(both on the stack)",
	.driver = "nouveau",
	.kernel = "v5.8",
	.era = PFN_ERA_C,
	.counterpart = "nouveau-v5.7",
	.kver = &hmm_kver_v58,
	.window = NOUVEAU_SVM_WINDOW,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_PAGE_REQ,
	.traffic = &traffic,
	.init = v58_init,
	.fini = v58_fini,
	.prepare = v58_prepare,
	.walk = v58_walk,
	.convert = v58_convert,
	.meaning = nouveau_word_meaning,
};
