/*
 * dmirror.h - lib/test_hmm.c's mirror: its page table (an xarray of tagged
 * struct page pointers) and the snapshot's permission bytes.
 *
 * The xarray here is a radix tree of 64-slot nodes (XA_CHUNK_SHIFT 6) as
 * lib/xarray.c builds one: as many levels as the largest index needs, a
 * node allocated the first time a slot under it is stored (GFP_ATOMIC from
 * the xa_node slab there; here from calloc, once per 64 new indices), and
 * the xa_lock (a spinlock: a locked compare-exchange and a release store)
 * taken and dropped around every xa_store().
 */
#ifndef PFNBENCH_DMIRROR_H
#define PFNBENCH_DMIRROR_H

#include <stdint.h>

#include "backend.h"

#define DPT_XA_TAG_WRITE 3UL
#define DMIRROR_WINDOW 64	/* unsigned long pfns[64] on the stack */

/* lib/test_hmm_uapi.h */
#define HMM_DMIRROR_PROT_ERROR 0xFF
#define HMM_DMIRROR_PROT_NONE 0x00
#define HMM_DMIRROR_PROT_READ 0x01
#define HMM_DMIRROR_PROT_WRITE 0x02
#define HMM_DMIRROR_PROT_PMD 0x04
#define HMM_DMIRROR_PROT_PUD 0x08
#define HMM_DMIRROR_PROT_ZERO 0x10
#define HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL 0x20
#define HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE 0x30

#define XA_CHUNK_SHIFT 6
#define XA_CHUNK_SIZE (1UL << XA_CHUNK_SHIFT)

struct xa_node {
	void *slots[XA_CHUNK_SIZE];
};

struct xarray {
	int xa_lock;            /* spinlock_t */
	unsigned shift;         /* of the root node: (levels - 1) * 6 */
	void *head;             /* struct xa_node *, NULL when empty */
	unsigned long nr_nodes;
};

/* xa_store(): 0, or -ENOMEM (xa_is_err). */
int dmirror_xa_store(struct xarray *xa, unsigned long index, void *entry);
void *dmirror_xa_load(const struct xarray *xa, unsigned long index);
void dmirror_xa_destroy(struct xarray *xa);

/* struct dmirror: its page table, the snapshot bytes, the range. */
struct dmirror {
	struct hmm_range range;
	struct xarray pt;
	uint8_t *perm;          /* the snapshot's perm[64] of the last window */
	unsigned long perm_n;
	int snapshot;           /* the window ran dmirror_range_snapshot() */
	uint64_t *snap_out;     /* words_out of snapshot windows, for expand */
};

int dmirror_init(struct pfn_backend *b);
void dmirror_fini(struct pfn_backend *b);
/*
 * Output words: a fault window's page -> the xarray entry as
 * page_to_pfn << 12 | tag (3: WRITE); a snapshot window's page -> its
 * permission byte (docs/backends.md).
 */
void dmirror_expand(const struct pfn_backend *b, const struct pfn_window *w, uint64_t *out);
/* Only the window being expanded knows which kind its word is: see dmirror_expand. */
void dmirror_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m);

#endif
