/*
 * dmirror.c - lib/test_hmm.c's per-mirror state for the dmirror backends:
 * the xarray page table (lib/xarray.c's xa_store(), reduced to the radix
 * tree it walks and the lock it takes) and dmirror_mkentry()'s bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend_priv.h"
#include "dmirror.h"

static inline void xa_lock(struct xarray *xa)
{
	int unlocked = 0;

	/* spin_lock(): uncontended, one locked compare-exchange */
	while (!__atomic_compare_exchange_n(&xa->xa_lock, &unlocked, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		unlocked = 0;
}

static inline void xa_unlock(struct xarray *xa)
{
	__atomic_store_n(&xa->xa_lock, 0, __ATOMIC_RELEASE);
}

/* Grow the tree until index fits under the root (xas_expand()). */
static int xa_expand(struct xarray *xa, unsigned long index)
{
	while (xa->head && (index >> xa->shift) >= XA_CHUNK_SIZE) {
		struct xa_node *n = calloc(1, sizeof(*n));

		if (!n)
			return -ENOMEM;
		n->slots[0] = xa->head;
		xa->head = n;
		xa->shift += XA_CHUNK_SHIFT;
		xa->nr_nodes++;
	}
	if (!xa->head) {
		struct xa_node *n = calloc(1, sizeof(*n));

		if (!n)
			return -ENOMEM;
		xa->head = n;
		xa->nr_nodes++;
		xa->shift = 0;
		while ((index >> xa->shift) >= XA_CHUNK_SIZE)
			xa->shift += XA_CHUNK_SHIFT;
		/* a root covering index from the start: nodes below it come as needed */
	}
	return 0;
}

int dmirror_xa_store(struct xarray *xa, unsigned long index, void *entry)
{
	struct xa_node *node;
	int ret = 0;

	xa_lock(xa);
	if (!xa->head || (index >> xa->shift) >= XA_CHUNK_SIZE)
		ret = xa_expand(xa, index);
	node = xa->head;
	for (unsigned shift = xa->shift; !ret && shift; shift -= XA_CHUNK_SHIFT) {
		void **slot = &node->slots[(index >> shift) & (XA_CHUNK_SIZE - 1)];

		if (!*slot) {
			*slot = calloc(1, sizeof(struct xa_node));	/* GFP_ATOMIC */
			if (!*slot) {
				ret = -ENOMEM;
				break;
			}
			xa->nr_nodes++;
		}
		node = *slot;
	}
	if (!ret)
		node->slots[index & (XA_CHUNK_SIZE - 1)] = entry;
	xa_unlock(xa);
	return ret;
}

void *dmirror_xa_load(const struct xarray *xa, unsigned long index)
{
	const struct xa_node *node = xa->head;

	if (!node || (index >> xa->shift) >= XA_CHUNK_SIZE)
		return NULL;
	for (unsigned shift = xa->shift; shift; shift -= XA_CHUNK_SHIFT) {
		node = node->slots[(index >> shift) & (XA_CHUNK_SIZE - 1)];
		if (!node)
			return NULL;
	}
	return node->slots[index & (XA_CHUNK_SIZE - 1)];
}

static void xa_free_node(struct xa_node *n, unsigned shift)
{
	if (!n)
		return;
	if (shift)
		for (unsigned long i = 0; i < XA_CHUNK_SIZE; i++)
			xa_free_node(n->slots[i], shift - XA_CHUNK_SHIFT);
	free(n);
}

void dmirror_xa_destroy(struct xarray *xa)
{
	xa_free_node(xa->head, xa->shift);
	memset(xa, 0, sizeof(*xa));
}

int dmirror_init(struct pfn_backend *b)
{
	struct dmirror *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	b->priv = d;
	d->perm = calloc(DMIRROR_WINDOW, 1);	/* unsigned char perm[64] on the stack */
	return d->perm ? 0 : -ENOMEM;
}

void dmirror_fini(struct pfn_backend *b)
{
	struct dmirror *d = b->priv;

	if (!d)
		return;
	dmirror_xa_destroy(&d->pt);
	free(d->perm);
	free(d);
}

void dmirror_expand(const struct pfn_backend *b, const struct pfn_window *w, uint64_t *out)
{
	const struct dmirror *d = b->priv;
	const struct emu_memmap *memmap = &b->params.mm->memmap;

	for (unsigned long i = 0; i < w->handled; i++) {
		if (d->snapshot) {
			out[i] = d->perm[i];	/* copy_to_user(uptr, perm, n) */
		} else {
			uintptr_t e = (uintptr_t)dmirror_xa_load(&d->pt, (w->start >> PAGE_SHIFT) + i);
			const struct page *p = (const struct page *)(e & ~DPT_XA_TAG_WRITE);

			out[i] = p ? ((uint64_t)emu_page_to_pfn(memmap, p) << PAGE_SHIFT) | (e & DPT_XA_TAG_WRITE) : 0;
		}
	}
}

void dmirror_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m)
{
	(void)b;
	*m = (struct pfn_meaning){ .kind = PFN_M_NONE, .write = -1 };
	if (word <= 0xff) {
		/* a snapshot byte: no pfn in it */
		if (word == HMM_DMIRROR_PROT_ERROR) {
			m->kind = PFN_M_ERROR;
			return;
		}
		if (!(word & (HMM_DMIRROR_PROT_READ | HMM_DMIRROR_PROT_WRITE)))
			return;
		m->kind = PFN_M_VALID;
		m->write = !!(word & HMM_DMIRROR_PROT_WRITE);
		m->zero = (word & 0xf0) == HMM_DMIRROR_PROT_ZERO;
		m->vram = (word & 0xf0) == HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL;
		return;
	}
	/* an xarray entry: struct page | WRITE tag */
	m->kind = PFN_M_VALID;
	m->has_addr = true;
	m->write = (word & DPT_XA_TAG_WRITE) == DPT_XA_TAG_WRITE;
	word >>= PAGE_SHIFT;
	m->vram = word >= EMU_DEV_PFN_FIRST && word < EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR;
	m->addr = m->vram ? word - EMU_DEV_PFN_FIRST : word;
	m->zero = word == EMU_ZERO_PFN;
}
