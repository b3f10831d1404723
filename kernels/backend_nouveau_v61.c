/*
 * backend_nouveau_v61.c - nouveau's GPU fault path of v5.9 to 6.1 (era C,
 * one page per call, large pages).
 *
 * drivers/gpu/drm/nouveau/nouveau_svm.c since v5.9 ("nouveau/hmm: fault
 * one page at a time", "nouveau/hmm: support mapping large sysmem pages"),
 * unchanged in what is modelled through 6.1: nouveau_svm_fault() takes the
 * next buffered fault, sets hmm_flags from its access (READ ->
 * HMM_PFN_REQ_FAULT, PREFETCH -> 0, others -> REQ_FAULT | REQ_WRITE),
 * args.p.addr = the page, size 4 KiB; nouveau_range_fault() runs
 * hmm_range_fault() of 6.1 on that one page (`unsigned long hmm_pfns[1]`
 * on the stack, .default_flags = hmm_flags, .dev_private_owner =
 * drm->dev); nouveau_hmm_convert_pfn() makes one word: no VALID -> 0;
 * else hmm_pfn_to_page(), and if hmm_pfn_to_map_order() is not 0 the whole
 * large page: args.p.page = order + 12, size = 1 << page, addr aligned
 * down, page -= the offset (the head page); is_device_private_page(page),
 * VRAM address or page_to_phys(page), | V | aperture, | W.  Back in
 * nouveau_svm_fault(), the loop over the following buffered faults skips
 * every one below addr + size whose access the word satisfies (so a THP
 * costs one walk, one word and, downstream, one 2 MiB dma_map_page in
 * gp100_vmm_pd0_pfn(), 4725c6b82a48).
 *
 * The buffered faults are the call's pages in address order, each with its
 * request as its access.  The skip loop tests, as 6.1 does, the first
 * fault's access (fault[fi]) against the word, not each skipped fault's
 * own: a later write fault inside a read-only large mapping is skipped (and
 * replayed by the GPU later, outside this model).  Output word per page: the window's
 * word expanded to the page (docs/backends.md).  Left out: as nouveau-v5.6,
 * plus the atomic path (nouveau_atomic_range_fault, v5.14).
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

struct v61 {
	struct hmm_range range;
	uint64_t phys[1];	/* args.p.phys[1] */
	uint64_t addr, size;	/* args.p.addr, args.p.size */
	unsigned page;		/* args.p.page */
};

static int v61_init(struct pfn_backend *b)
{
	struct v61 *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	b->priv = v;
	return 0;
}

static void v61_fini(struct pfn_backend *b)
{
	free(b->priv);
}

static int v61_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	static const uint64_t hmm_flags[3] = {
		[EMU_REQ_NONE] = 0,		/* PREFETCH */
		[EMU_REQ_READ] = HMM_PFN_REQ_FAULT,
		[EMU_REQ_WRITE] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
	};
	struct v61 *v = b->priv;

	pfn_window_requests(b, w, &v->range, &hmm_encoding_fixed, false);
	v->range.default_flags = hmm_flags[pfn_window_req(w, 0)];
	v->addr = w->start;
	v->size = PAGE_SIZE;
	v->page = PAGE_SHIFT;
	return 0;
}

static int v61_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct v61 *v = b->priv;

	return pfn_window_walk(b, w, &v->range, hmm_range_fault);
}

/* nouveau_hmm_convert_pfn() of v5.9-6.1, then nouveau_svm_fault()'s skip loop */
static int v61_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct v61 *v = b->priv;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	uint64_t e = w->hmm_pfns[0], limit;
	unsigned access = pfn_window_req(w, 0);
	const struct page *page;
	unsigned long pfn, fn, remaining;

	w->words = v->phys;
	w->nr_words = 1;
	w->map_start = v->addr;
	if (!(e & HMM_PFN_VALID)) {
		v->phys[0] = 0;
	} else {
		pfn = hmm_pfn_to_pfn(e);
		page = emu_pfn_to_page(memmap, pfn);
		if (hmm_pfn_to_map_order(e)) {
			unsigned long addr = v->addr;

			v->page = hmm_pfn_to_map_order(e) + PAGE_SHIFT;
			v->size = 1UL << v->page;
			v->addr &= ~(v->size - 1);
			page -= (addr - v->addr) >> PAGE_SHIFT;
		}
		pfn = emu_page_to_pfn(memmap, page);
		if (is_device_private_page(page))
			v->phys[0] = nouveau_dmem_page_addr(page, pfn) | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_VRAM;
		else
			v->phys[0] = ((uint64_t)pfn << PAGE_SHIFT) | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_HOST;
		if (e & HMM_PFN_WRITE)
			v->phys[0] |= NVIF_VMM_PFNMAP_V0_W;
		w->map_start = v->addr;
		w->dev_shift = v->page;
	}
	/* the following buffered faults inside the mapping are already handled */
	limit = v->addr + v->size;
	remaining = w->call->npages - w->offset;
	for (fn = 1; fn < remaining; fn++) {
		if (w->start + (fn << PAGE_SHIFT) >= limit ||
		    (access == EMU_REQ_READ && !(v->phys[0] & NVIF_VMM_PFNMAP_V0_V)) ||
		    (access == EMU_REQ_WRITE && !(v->phys[0] & NVIF_VMM_PFNMAP_V0_W)))
			break;
	}
	w->handled = fn;
	return 0;
}

/* The window's one word, per page it covers. */
static void v61_expand(const struct pfn_backend *b, const struct pfn_window *w, uint64_t *out)
{
	uint64_t word = w->words[0];

	(void)b;
	for (unsigned long j = 0; j < w->handled; j++) {
		unsigned long a = w->start + (j << PAGE_SHIFT);

		if (!(word & NVIF_VMM_PFNMAP_V0_V))
			out[j] = word;
		else
			out[j] = (word & ~NVIF_VMM_PFNMAP_V0_ADDR) | ((word & NVIF_VMM_PFNMAP_V0_ADDR) + (a - w->map_start));
	}
}

/*
 * prepare: none per page (default_flags); pass: the entry read, one struct
 * page line, args.p.phys[0] written (8 B + wa 8 B)
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 0, .prepare_w = 0, .pass_r = 16, .pass_w = 8, .pass_page_lines = 1,
	.dma_map = true,
};

const struct pfn_backend_ops pfn_backend_nouveau_v61 = {
	.name = "nouveau-v6.1",
	.description = "v5.9-6.1: one page per hmm_range_fault(), order-aware: one word and one DMA map per THP, "
		       "buffered faults inside it skipped",
	.driver = "nouveau",
	.kernel = "v5.9-6.1",
	.era = PFN_ERA_C,
	.counterpart = "nouveau-v5.7",
	.kver = &hmm_kver_v61,
	.window = 1,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_PAGE_REQ |
		PFN_CAP_LARGE_MAPS,
	.traffic = &traffic,
	.init = v61_init,
	.fini = v61_fini,
	.prepare = v61_prepare,
	.walk = v61_walk,
	.convert = v61_convert,
	.meaning = nouveau_word_meaning,
	.expand = v61_expand,
};
