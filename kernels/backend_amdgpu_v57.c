/*
 * backend_amdgpu_v57.c - amdgpu's userptr path of v5.5-v5.7 (era B).
 *
 * drivers/gpu/drm/amd/amdgpu/amdgpu_ttm.c, amdgpu_ttm_tt_get_user_pages()
 * of v5.5-v5.7 (the mmu_interval_notifier form; amdgpu entered era B with
 * 899fbde14646 in v5.3): range->flags/values = hmm_range_flags/values
 * (VALID 1 << 0, WRITE 1 << 1; ERROR ~1, NONE 0, SPECIAL ~3), pfn_shift
 * PAGE_SHIFT, default_flags = flags[VALID] | flags[WRITE] (a writable BO;
 * pfn_flags_mask 0: amdgpu always faults, it cannot take a snapshot),
 * range->pfns = kvmalloc_array(ttm->num_pages, 8) on every call, one
 * hmm_range_fault() over the whole BO (v5.7's walk, hmm_range_fault_v57();
 * no dev_private_owner: amdgpu has no device-private memory here), then,
 * per page, pages[i] = hmm_device_entry_to_page(range, range->pfns[i]):
 * three compares against values[], a test of flags[VALID], a shift and
 * pfn_to_page() pointer arithmetic; no struct page is read; a NULL page
 * fails the call (-ENOMEM, "Page fault failed for pfn").  pages[] is
 * ttm->pages, held with the BO; kvfree(range->pfns) at the end.
 *
 * Output word per page: the pfn of pages[i] (docs/backends.md).  Left out:
 * kzalloc(struct hmm_range), mmget/mmput, the mmap lock, the
 * mmu_interval_read_begin/retry loop, and what the pages are then used for
 * (sg table, dma_map_sgtable: dma = yes does not apply to amdgpu).
 */
#include <errno.h>

#include "amdgpu.h"
#include <stdlib.h>

#include "backend_priv.h"

static int v57_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct amdgpu_userptr *u = b->priv;

	pfn_window_requests(b, w, &u->range, &amdgpu_encoding_eraB, false);
	u->range.dev_private_owner = NULL;
	return 0;
}

static int v57_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct amdgpu_userptr *u = b->priv;

	return pfn_window_walk(b, w, &u->range, hmm_range_fault_v57);
}

static int v57_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct amdgpu_userptr *u = b->priv;
	const struct hmm_encoding *enc = u->range.encoding;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const struct page **pages = u->pages + w->offset;

	for (unsigned long i = 0; i < w->npages; i++) {
		unsigned long pfn = hmm_device_entry_to_pfn(enc, w->hmm_pfns[i]);

		pages[i] = pfn == -1UL ? NULL : emu_pfn_to_page(memmap, pfn);
		if (!pages[i])
			return -ENOMEM;	/* pr_err("Page fault failed for pfn[%lu] = 0x%llx") */
	}
	return 0;
}

/*
 * prepare: none per page (default_flags); pass: the entry read, pages[i]
 * written (8 B + wa 8 B); the decode's compares are instructions, no
 * struct page read
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 0, .prepare_w = 0, .pass_r = 16, .pass_w = 8, .pass_page_lines = 0,
};

const struct pfn_backend_ops pfn_backend_amdgpu_v57 = {
	.name = "amdgpu-v5.7",
	.description = "v5.5-v5.7 userptr: kvmalloc'ed pfns per call, amdgpu's tables, "
		       "hmm_device_entry_to_page() into ttm->pages",
	.driver = "amdgpu",
	.kernel = "v5.5-v5.7",
	.era = PFN_ERA_B,
	.counterpart = "amdgpu-v5.8",
	.kver = &hmm_kver_v57,
	.window = 0,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_FAULT | PFN_CAP_PER_CALL_ALLOC | PFN_CAP_NO_DEVMEM,
	.traffic = &traffic,
	.init = amdgpu_userptr_init,
	.fini = amdgpu_userptr_fini,
	.alloc = amdgpu_userptr_alloc,
	.prepare = v57_prepare,
	.walk = v57_walk,
	.convert = v57_convert,
	.release = amdgpu_userptr_release,
	.meaning = amdgpu_word_meaning,
	.expand = amdgpu_userptr_expand,
};
