/*
 * amdgpu.c - what the amdgpu userptr backends share: ttm->pages, the
 * per-call pfn array, and the meaning of an output word.
 */
#include <errno.h>
#include <stdlib.h>

#include "amdgpu.h"
#include "backend_priv.h"

int amdgpu_userptr_init(struct pfn_backend *b)
{
	struct amdgpu_userptr *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	b->priv = u;
	u->nr_pages = b->params.max_npages;
	/* ttm->pages: allocated with the BO, not per call */
	u->pages = (const struct page **)pfn_array_alloc(b, u->nr_pages, EMU_MEM_DRIVER_ARRAY);
	return u->pages ? 0 : -ENOMEM;
}

void amdgpu_userptr_fini(struct pfn_backend *b)
{
	struct amdgpu_userptr *u = b->priv;

	if (!u)
		return;
	pfn_array_free(b, (uint64_t *)u->pages, u->nr_pages, EMU_MEM_DRIVER_ARRAY);
	free(u);
}

int amdgpu_userptr_alloc(struct pfn_backend *b, struct pfn_window *w)
{
	w->hmm_pfns = pfn_kvmalloc(b, w->npages * sizeof(uint64_t), EMU_MEM_HMM_ARRAY);
	return w->hmm_pfns ? 0 : -ENOMEM;
}

void amdgpu_userptr_release(struct pfn_backend *b, struct pfn_window *w)
{
	pfn_kvfree(b, w->hmm_pfns, w->npages * sizeof(uint64_t));
}

void amdgpu_userptr_expand(const struct pfn_backend *b, const struct pfn_window *w, uint64_t *out)
{
	const struct amdgpu_userptr *u = b->priv;
	const struct emu_memmap *memmap = &b->params.mm->memmap;

	for (unsigned long i = 0; i < w->handled; i++) {
		const struct page *p = u->pages[w->offset + i];

		out[i] = p ? emu_page_to_pfn(memmap, p) : 0;
	}
}

void amdgpu_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m)
{
	(void)b;
	*m = (struct pfn_meaning){ .kind = PFN_M_NONE, .write = -1 };
	if (!word)
		return;
	/* a struct page: the BO's write permission is not per page */
	m->kind = PFN_M_VALID;
	m->has_addr = true;
	m->vram = word >= EMU_DEV_PFN_FIRST && word < EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR;
	m->addr = m->vram ? word - EMU_DEV_PFN_FIRST : word;
}
