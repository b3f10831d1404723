/*
 * backend_thread2018_with.c - the 2018 thread's own example, "with this
 * patch": a hypothetical sketch, as argued in the thread.  No kernel
 * shipped it in this form.
 *
 * What it models.  The second half of Jérôme Glisse's sketch in his reply
 * of Wed 21 Mar 2018 in "[PATCH 15/15] mm/hmm: use device driver encoding
 * for HMM pfn v2" (<20180321155228.GD3214@redhat.com>):
 *
 *     With this patch:
 *         int nouveau_do_fault(..., ulong addr, unsigned npages, ...)
 *         {
 *             uint64_t *nouveau_pfns;
 *
 *             nouveau_pfns = kmalloc(sizeof(uint64_t) * npages, GFP_KERNEL);
 *             hmm_vma_fault(..., nouveau_pfns, ...);
 *
 *             ...
 *         }
 *
 * followed by "Benefit from this patch is quite obvious to me."  Per call:
 * one kmalloc() of npages * 8 bytes (pfn_kvmalloc()), one hmm_vma_fault()
 * over the whole range that writes nouveau's words itself, one kfree(); no
 * pass.  The walk is v4.16's (the one hmm_vma_fault() had when the sketch
 * was written) with the patch's flags[]/values[]/pfn_shift applied to it,
 * read at run time from the driver's tables as f88a1e90c665 read them
 * (hmm_vma_fault_v416_encoded(), kernels/hmm_eraA.c).  The patch itself
 * came at the end of a series that had first removed READ and EMPTY and
 * made the write request per page (v4.17); what is compared here is the
 * sketch's claim on the walk it was made against, so the v4.16 walk keeps
 * its one `write` bool and faults as v4.16 did.  The counterpart,
 * thread-2018-without, is the same call without the patch.
 *
 * The tables are nouveau's of v5.2-v5.6 (the ones it passed when the
 * patch shipped): flags VALID = V, WRITE = W, DEVICE_PRIVATE = VRAM;
 * values ERROR = SPECIAL = ~V, NONE = 0; pfn_shift 12.  To be "directly
 * ready", as the sketch has it, this device's private pages must come out
 * as VRAM addresses with no pass: as promise-2018 does, the encoding's
 * dev_pfn_offset maps the device's pfn range linearly onto VRAM, which
 * nouveau's chunks never guaranteed.  And v4.16's walk has no owner check
 * (v5.7's 08ddddda667b added it): another device's private page comes out
 * as a VRAM word of this device, where thread-2018-without's pass (and
 * nouveau v5.2-v5.6's) checks the page's pagemap and writes 0.  That is
 * the sketch's own gap, kept, and the one word the pair does not share
 * (docs/backends.md).
 *
 * A call with no request uses hmm_vma_get_pfns() with the same tables; a
 * call with per-page requests cannot be made (era A had one `write`
 * bool); a call outside every VMA or past its VMA is -EINVAL.  The window
 * is the whole call.
 *
 * Output word per page: NVIF_VMM_PFNMAP_V0 (docs/backends.md), the same
 * word the walk wrote.  Left out: as thread-2018-without.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

struct with {
	struct hmm_range range;
	struct emu_vma *vma;		/* the caller's find_vma() */
	struct hmm_encoding enc;	/* range->flags/values/pfn_shift */
};

static int with_init(struct pfn_backend *b)
{
	const struct dev_pagemap *pgmap = &b->params.mm->devices[0].pgmap;
	struct with *t;

	if (b->params.source)
		return -ENOTSUP;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	/* loaded at run time by the walk, as range->flags/values/pfn_shift were */
	t->enc = nouveau_encoding_v56;
	t->enc.dev_pfn_offset = (pgmap->range_start >> PAGE_SHIFT) - (pgmap->vram_base >> PAGE_SHIFT);
	t->range.encoding = &t->enc;
	b->priv = t;
	return 0;
}

static void with_fini(struct pfn_backend *b)
{
	free(b->priv);
}

/* nouveau_pfns = kmalloc(sizeof(uint64_t) * npages, GFP_KERNEL); */
static int with_alloc(struct pfn_backend *b, struct pfn_window *w)
{
	w->hmm_pfns = pfn_kvmalloc(b, w->npages * sizeof(uint64_t), EMU_MEM_HMM_ARRAY);
	return w->hmm_pfns ? 0 : -ENOMEM;
}

static void with_release(struct pfn_backend *b, struct pfn_window *w)
{
	pfn_kvfree(b, w->hmm_pfns, w->npages * sizeof(uint64_t));
}

static int with_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct with *t = b->priv;

	t->vma = emu_find_vma(b->params.mm, w->start);
	t->range.mm = b->params.mm;
	t->range.start = w->start;
	t->range.end = w->start + (w->npages << PAGE_SHIFT);
	t->range.hmm_pfns = w->hmm_pfns;
	return 0;
}

static int with_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct with *t = b->priv;
	enum emu_req req = w->call->default_req;
	int ret;

	if (req == EMU_REQ_NONE)
		ret = hmm_vma_get_pfns_v416_encoded(t->vma, &t->range);
	else
		ret = hmm_vma_fault_v416_encoded(t->vma, &t->range, req == EMU_REQ_WRITE);
	w->nr_walks += t->range.nr_walks;
	w->nr_faults += t->range.nr_faults;
	/* what HMM wrote is what the ioctl gets */
	w->words = w->hmm_pfns;
	w->nr_words = w->npages;
	return ret;
}

/*
 * prepare: none per page (one write bool); no pass: the walk writes the
 * driver's words
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 0, .prepare_w = 0, .pass_r = 0, .pass_w = 0, .pass_page_lines = 0,
	.dma_map = true,
};

const struct pfn_backend_ops pfn_backend_thread2018_with = {
	.name = "thread-2018-with",
	.description = "as argued in the 2018 thread: one kmalloc per call, the v4.16 walk writing "
		       "nouveau's words through the patch's tables, no pass (no kernel shipped it)",
	.driver = "nouveau (2018 thread sketch)",
	.kernel = "none: f88a1e90c665's tables on the v4.16 walk",
	.era = PFN_ERA_B,
	.counterpart = "thread-2018-without",
	.kver = &hmm_kver_v416,
	.window = 0,
	.caps = PFN_CAP_FAULTS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_HYPOTHETICAL | PFN_CAP_PER_CALL_ALLOC,
	.traffic = &traffic,
	.init = with_init,
	.fini = with_fini,
	.alloc = with_alloc,
	.prepare = with_prepare,
	.walk = with_walk,
	.release = with_release,
	.meaning = nouveau_word_meaning,
};
