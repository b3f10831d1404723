/*
 * backend_amdgpu_v58.c - amdgpu's userptr path of v5.8 and later (era C).
 *
 * drivers/gpu/drm/amd/amdgpu/amdgpu_ttm.c, amdgpu_ttm_tt_get_user_pages()
 * of v5.8 (later amdgpu_hmm_range_get_pages(), the same work through 6.1):
 * default_flags = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE (a writable BO),
 * pfn_flags_mask 0, range->hmm_pfns = kvmalloc_array(ttm->num_pages, 8) on
 * every call, one hmm_range_fault() over the whole BO (v5.8's walk,
 * hmm_range_fault_v58(); from about v6.2 in 2 GiB chunks, not modelled),
 * then per page pages[i] = hmm_pfn_to_page(range->hmm_pfns[i]): a mask and
 * pfn_to_page() pointer arithmetic, no struct page read, no NULL check
 * (5/5 of the format-removal series: "all pages are HMM_PFN_VALID or
 * hmm_range_fault() fails").  For amdgpu the format change removed the
 * decode pass's compares.
 *
 * Output word per page: the pfn of pages[i] (docs/backends.md).  Left out:
 * as amdgpu-v5.7.
 */
#include "amdgpu.h"
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"

static int v58_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct amdgpu_userptr *u = b->priv;

	pfn_window_requests(b, w, &u->range, &hmm_encoding_fixed_v58, false);
	u->range.dev_private_owner = NULL;
	return 0;
}

static int v58_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct amdgpu_userptr *u = b->priv;

	return pfn_window_walk(b, w, &u->range, hmm_range_fault_v58);
}

static int v58_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct amdgpu_userptr *u = b->priv;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const struct page **pages = u->pages + w->offset;

	for (unsigned long i = 0; i < w->npages; i++)
		pages[i] = emu_pfn_to_page(memmap, w->hmm_pfns[i] & ~(HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_ERROR));
	return 0;
}

/*
 * prepare: none per page (default_flags); pass: the entry read, pages[i]
 * written (8 B + wa 8 B), no struct page read
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 0, .prepare_w = 0, .pass_r = 16, .pass_w = 8, .pass_page_lines = 0,
};

const struct pfn_backend_ops pfn_backend_amdgpu_v58 = {
	.name = "amdgpu-v5.8",
	.description = "v5.8+ userptr: kvmalloc'ed hmm_pfns per call, fixed format, hmm_pfn_to_page() "
		       "into ttm->pages",
	.driver = "amdgpu",
	.kernel = "v5.8-6.1",
	.era = PFN_ERA_C,
	.counterpart = "amdgpu-v5.7",
	.kver = &hmm_kver_v58,
	.window = 0,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_FAULT | PFN_CAP_PER_CALL_ALLOC | PFN_CAP_NO_DEVMEM,
	.traffic = &traffic,
	.init = amdgpu_userptr_init,
	.fini = amdgpu_userptr_fini,
	.alloc = amdgpu_userptr_alloc,
	.prepare = v58_prepare,
	.walk = v58_walk,
	.convert = v58_convert,
	.release = amdgpu_userptr_release,
	.meaning = amdgpu_word_meaning,
	.expand = amdgpu_userptr_expand,
};
