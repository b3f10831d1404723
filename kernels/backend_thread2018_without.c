/*
 * backend_thread2018_without.c - the 2018 thread's own example, "without
 * this patch": a hypothetical sketch, as argued in the thread.  No kernel
 * shipped it in this form.
 *
 * What it models.  Jérôme Glisse's reply of Wed 21 Mar 2018 in "[PATCH
 * 15/15] mm/hmm: use device driver encoding for HMM pfn v2"
 * (<20180321155228.GD3214@redhat.com>), answering John Hubbard, sketched
 * nouveau's fault path on the HMM of the day (v4.14-v4.16, era A):
 *
 *     Without this patch:
 *         int nouveau_do_fault(..., ulong addr, unsigned npages, ...)
 *         {
 *             uint64_t *hmm_pfns, *nouveau_pfns;
 *
 *             hmm_pfns = kmalloc(sizeof(uint64_t) * npages, GFP_KERNEL);
 *             nouveau_pfns = kmalloc(sizeof(uint64_t) * npages, GFP_KERNEL);
 *             hmm_vma_fault(..., hmm_pfns, ...);
 *
 *             for (i = 0; i < npages; ++i) {
 *                 nouveau_pfns[i] = nouveau_pfn_from_hmm_pfn(hmm_pfns[i]);
 *             }
 *             ...
 *         }
 *
 * and argued that the patch saves the second array and the loop ("saving
 * CPU cycles and memory doing so").  Its counterpart, thread-2018-with, is
 * the "with this patch" half.  This backend is those lines taken as they
 * are: per call, the two kmalloc()s of npages * 8 bytes (pfn_kvmalloc(),
 * two slots), one hmm_vma_fault() of v4.16 over the whole range
 * (hmm_vma_fault_v416(), kernels/hmm_eraA.c: HMM's own words, pfn << 7 |
 * VALID/READ/WRITE/ERROR/EMPTY/SPECIAL/DEVICE_UNADDRESSABLE, one `write`
 * bool for the range), the loop of nouveau_pfn_from_hmm_pfn() into
 * nouveau_pfns, and the two kfree()s.  The window is the whole call: the
 * sketch takes addr and npages and makes one call.
 *
 * Choices the sketch leaves open, made here and listed in
 * docs/backends.md:
 *
 *  - nouveau_pfn_from_hmm_pfn() has no body in the thread.  Its output is
 *    taken to be what the counterpart's tables make HMM write, so that the
 *    pair hands the ioctl the same words: nouveau's NVIF_VMM_PFNMAP_V0
 *    words with its v5.2-v5.6 tables (VALID -> V, WRITE -> W, ERROR and
 *    SPECIAL -> ~V, EMPTY and 0 -> 0).  (The RFC nouveau of March 2018,
 *    "[RFC PATCH 08/13] drm/nouveau: special mapping method for HMM (user
 *    interface)", had a format of its own, pfn_shift 8; NVIF_VMM_PFNMAP_V0
 *    is the one nouveau shipped and the one the downstream map reads.)  A
 *    device-private entry (DEVICE_UNADDRESSABLE) is resolved as v5.2-v5.6's
 *    nouveau_dmem_convert_pfn() resolved it: pfn_to_page(), the page's
 *    pagemap checked to be this device's (a struct page read; v4.16's walk
 *    had no owner check), the VRAM address | V | VRAM; another device's
 *    page is WARNed and 0.  Other entries read no struct page.
 *  - A call with no request (a prefetch) uses hmm_vma_get_pfns(), era A's
 *    snapshot; the sketch shows only the fault path.  A call with
 *    per-page requests cannot be made: era A had one `write` bool.
 *  - The era-A API takes a VMA: find_vma() of the first page, and a call
 *    outside every VMA, or reaching past the VMA's end, is -EINVAL.
 *
 * Output word per page: NVIF_VMM_PFNMAP_V0 (docs/backends.md); what the
 * walk wrote (encode --stage hmm) is the era-A word.  Left out: the mmap
 * lock, the hmm_mirror registration and hmm_vma_range_done(), the ioctl.
 * A real-kernel page-table source (params.source) is refused: it has no
 * era-A semantics.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

struct without {
	struct hmm_range range;
	struct emu_vma *vma;	/* the caller's find_vma() */
	uint64_t *nouveau_pfns;	/* this call's second array */
};

static int without_init(struct pfn_backend *b)
{
	struct without *t;

	if (b->params.source)
		return -ENOTSUP;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	b->priv = t;
	return 0;
}

static void without_fini(struct pfn_backend *b)
{
	free(b->priv);
}

/* hmm_pfns = kmalloc(...); nouveau_pfns = kmalloc(...); */
static int without_alloc(struct pfn_backend *b, struct pfn_window *w)
{
	struct without *t = b->priv;

	w->hmm_pfns = pfn_kvmalloc(b, w->npages * sizeof(uint64_t), EMU_MEM_HMM_ARRAY);
	t->nouveau_pfns = pfn_kvmalloc(b, w->npages * sizeof(uint64_t), EMU_MEM_DRIVER_ARRAY);
	return w->hmm_pfns && t->nouveau_pfns ? 0 : -ENOMEM;
}

static void without_release(struct pfn_backend *b, struct pfn_window *w)
{
	struct without *t = b->priv;

	pfn_kvfree(b, t->nouveau_pfns, w->npages * sizeof(uint64_t));
	pfn_kvfree(b, w->hmm_pfns, w->npages * sizeof(uint64_t));
	t->nouveau_pfns = NULL;
}

static int without_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct without *t = b->priv;

	t->vma = emu_find_vma(b->params.mm, w->start);
	t->range.mm = b->params.mm;
	t->range.start = w->start;
	t->range.end = w->start + (w->npages << PAGE_SHIFT);
	t->range.hmm_pfns = w->hmm_pfns;
	return 0;
}

static int without_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct without *t = b->priv;
	enum emu_req req = w->call->default_req;
	int ret;

	if (req == EMU_REQ_NONE)
		ret = hmm_vma_get_pfns_v416(t->vma, &t->range);
	else
		ret = hmm_vma_fault_v416(t->vma, &t->range, req == EMU_REQ_WRITE);
	w->nr_walks += t->range.nr_walks;
	w->nr_faults += t->range.nr_faults;
	return ret;
}

/* nouveau_pfn_from_hmm_pfn(): one era-A entry into one NVIF_VMM_PFNMAP_V0 word */
static inline uint64_t nouveau_pfn_from_hmm_pfn(const struct emu_memmap *memmap, const void *dmem,
						uint64_t hmm_pfn)
{
	const struct page *page;
	unsigned long pfn;
	uint64_t word;

	if (!(hmm_pfn & HMM_A_PFN_VALID))
		return (hmm_pfn & (HMM_A_PFN_ERROR | HMM_A_PFN_SPECIAL)) ? ~NVIF_VMM_PFNMAP_V0_V
									  : NVIF_VMM_PFNMAP_V0_NONE;
	pfn = hmm_pfn >> HMM_A_PFN_SHIFT;
	if (hmm_pfn & HMM_A_PFN_DEVICE_UNADDRESSABLE) {
		page = emu_pfn_to_page(memmap, pfn);
		/* nouveau_dmem_page(): is_device_private_page() && drm->dmem == page_to_dmem(page) */
		if (!is_device_private_page(page) || page->pgmap->owner != dmem)
			return 0;	/* WARN(1, "Some unknown device memory !\n") */
		word = nouveau_dmem_page_addr(page, pfn) | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_VRAM;
	} else {
		word = ((uint64_t)pfn << NVIF_VMM_PFNMAP_V0_ADDR_SHIFT) | NVIF_VMM_PFNMAP_V0_V |
		       NVIF_VMM_PFNMAP_V0_HOST;
	}
	if (hmm_pfn & HMM_A_PFN_WRITE)
		word |= NVIF_VMM_PFNMAP_V0_W;
	return word;
}

static int without_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct without *t = b->priv;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const void *dmem = emu_mm_owner(b->params.mm);
	const uint64_t *hmm_pfns = w->hmm_pfns;
	uint64_t *nouveau_pfns = t->nouveau_pfns;

	for (unsigned long i = 0; i < w->npages; ++i)
		nouveau_pfns[i] = nouveau_pfn_from_hmm_pfn(memmap, dmem, hmm_pfns[i]);
	w->words = nouveau_pfns;
	w->nr_words = w->npages;
	return 0;
}

/*
 * prepare: none per page (one write bool); pass: the era-A entry read, the
 * word written into the second kmalloc'ed array (8 B + wa 8 B), struct
 * page only for device entries
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 0, .prepare_w = 0, .pass_r = 16, .pass_w = 8, .pass_page_lines = 0,
	.dma_map = true,
};

const struct pfn_backend_ops pfn_backend_thread2018_without = {
	.name = "thread-2018-without",
	.description = "as argued in the 2018 thread: two kmallocs per call, hmm_vma_fault() of v4.16 "
		       "(era-A words), nouveau_pfn_from_hmm_pfn() per entry (no kernel shipped it)",
	.driver = "nouveau (2018 thread sketch)",
	.kernel = "none: the 2018 thread's sketch on the v4.16 walk",
	.era = PFN_ERA_A,
	.counterpart = "thread-2018-with",
	.kver = &hmm_kver_v416,
	.window = 0,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_HYPOTHETICAL |
		PFN_CAP_PER_CALL_ALLOC,
	.traffic = &traffic,
	.init = without_init,
	.fini = without_fini,
	.alloc = without_alloc,
	.prepare = without_prepare,
	.walk = without_walk,
	.convert = without_convert,
	.release = without_release,
	.meaning = nouveau_word_meaning,
};
