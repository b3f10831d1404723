/*
 * backend_priv.h - helpers shared by the backend files; not for the harness.
 */
#ifndef PFNBENCH_BACKEND_PRIV_H
#define PFNBENCH_BACKEND_PRIV_H

#include <stdbool.h>

#include "backend.h"

extern const struct hmm_encoding amdgpu_encoding_eraB;
extern const struct hmm_encoding dmirror_encoding_eraB;

/*
 * Fill @range for window @w in encoding @enc.  per_page: write each page's
 * request into w->hmm_pfns with pfn_flags_mask = ~0 and default_flags = 0
 * (nouveau v5.2-v5.8, from its GPU fault buffer); else default_flags from
 * the call's request with pfn_flags_mask = 0.  dev_private_owner is this
 * device's (emu_mm_owner): a driver without device memory sets it to NULL
 * afterwards.
 */
void pfn_window_requests(struct pfn_backend *b, struct pfn_window *w, struct hmm_range *range,
			 const struct hmm_encoding *enc, bool per_page);

/*
 * Run @walk on @range (or params.source when set) and count its walks and
 * faults into @w.  Returns the walk's 0 or -errno.
 */
int pfn_window_walk(struct pfn_backend *b, struct pfn_window *w, struct hmm_range *range,
		    int (*walk)(struct hmm_range *range));

/*
 * The request of page @i of window @w: the call's per-page one, else its
 * default (enum emu_req).
 */
static inline unsigned pfn_window_req(const struct pfn_window *w, unsigned long i)
{
	const struct pfn_call *c = w->call;
	unsigned r = c->page_req ? c->page_req[w->offset + i] & 3 : EMU_REQ_DEFAULT;

	return r == EMU_REQ_DEFAULT ? (unsigned)c->default_req : r;
}

/*
 * A page-aligned array of @n words of @kind from the mm's placed memory
 * (stack arrays of the kernel: nouveau's args.phys[16]); freed with
 * pfn_array_free().  NULL on -ENOMEM.
 */
uint64_t *pfn_array_alloc(struct pfn_backend *b, unsigned long n, enum emu_mem_kind kind);
void pfn_array_free(struct pfn_backend *b, uint64_t *p, unsigned long n, enum emu_mem_kind kind);

/*
 * kmalloc()/kvmalloc_array() and kfree()/kvfree() of a driver that
 * allocates per call (amdgpu's pfn array; the 2018 thread's sketches, up to
 * two arrays): a block from a per-backend cache of two slots, refilled from
 * the placed memory of @kind, so that the per-call array lands where
 * placement asks and costs what the allocator's fast path costs (a cached
 * object reused), a lower bound on kmalloc and kvmalloc.  Each call is
 * counted in stats (bytes_allocated, nr_allocations).  NULL on -ENOMEM, or
 * when both slots are already in use (a backend that frees nothing).
 */
void *pfn_kvmalloc(struct pfn_backend *b, size_t bytes, enum emu_mem_kind kind);
void pfn_kvfree(struct pfn_backend *b, void *p, size_t bytes);

#endif
