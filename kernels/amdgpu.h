/*
 * amdgpu.h - what the amdgpu userptr backends share.
 */
#ifndef PFNBENCH_AMDGPU_H
#define PFNBENCH_AMDGPU_H

#include "backend.h"

/*
 * ttm->pages: the struct page pointers amdgpu hands on, one per page of the
 * BO, held as long as the BO (the backend).  Output word per page: the pfn
 * of pages[i], or 0 for NULL (docs/backends.md).
 */
struct amdgpu_userptr {
	struct hmm_range range;
	const struct page **pages;   /* ttm->pages */
	unsigned long nr_pages;
};

int amdgpu_userptr_init(struct pfn_backend *b);
void amdgpu_userptr_fini(struct pfn_backend *b);
/* kvmalloc_array(ttm->num_pages, sizeof(*pfns)) per call */
int amdgpu_userptr_alloc(struct pfn_backend *b, struct pfn_window *w);
void amdgpu_userptr_release(struct pfn_backend *b, struct pfn_window *w);
/* words_out: page_to_pfn(pages[i]) */
void amdgpu_userptr_expand(const struct pfn_backend *b, const struct pfn_window *w, uint64_t *out);
void amdgpu_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m);

#endif
