/*
 * backend_promise.c - the single array the 2018 patch promised ("mm/hmm:
 * use device driver encoding for HMM pfn v2"): a labelled hypothetical
 * upper bound for era B, no kernel shipped it.
 *
 * nouveau's fault window (16 pages, requests from the fault buffer in its
 * own encoding, as v5.2-v5.7) and v5.7's walk, with one thing no kernel
 * had: the walk writes this device's private pages as VRAM words directly,
 * through flags[DEVICE_PRIVATE] = VRAM and a dev_pfn_offset that maps the
 * device's pfn range onto VRAM (hmm_range_fault_encoded()).  That needs
 * the device's pfns to map linearly onto VRAM, which nouveau's chunks did
 * not guarantee; it is why v5.2-v5.7 nouveau needed its fix-up pass.  What
 * the walk writes is what the ioctl gets: one array, no pass at all.  It
 * is the 2018 "saving CPU cycles and memory" taken at its word, to compare
 * nouveau v5.7 and v5.8 against.
 *
 * Output word per page: NVIF_VMM_PFNMAP_V0 (docs/backends.md).
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

struct promise {
	struct hmm_range range;
	struct hmm_encoding enc;
};

static int promise_init(struct pfn_backend *b)
{
	struct promise *p = calloc(1, sizeof(*p));
	const struct dev_pagemap *pgmap = &b->params.mm->devices[0].pgmap;

	if (!p)
		return -ENOMEM;
	/* loaded at run time, as range->flags/values/pfn_shift were */
	p->enc = nouveau_encoding_v56;
	p->enc.dev_pfn_offset = (pgmap->range_start >> PAGE_SHIFT) - (pgmap->vram_base >> PAGE_SHIFT);
	b->priv = p;
	return 0;
}

static void promise_fini(struct pfn_backend *b)
{
	free(b->priv);
}

static int promise_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct promise *p = b->priv;

	nouveau_window_clip(b, w);
	pfn_window_requests(b, w, &p->range, &p->enc, true);
	return 0;
}

static int promise_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct promise *p = b->priv;
	int ret = pfn_window_walk(b, w, &p->range, hmm_range_fault_encoded);

	w->words = w->hmm_pfns;
	w->nr_words = w->npages;
	return ret;
}

/*
 * prepare: the request per page into args.phys (8 B + wa 8 B); no pass:
 * the walk's word is the ioctl's
 */
static const struct pfn_traffic traffic = {
	.prepare_r = 8, .prepare_w = 8, .pass_r = 0, .pass_w = 0, .pass_page_lines = 0,
	.dma_map = true,
};

const struct pfn_backend_ops pfn_backend_promise = {
	.name = "promise-2018",
	.description = "the 2018 patch's single array, VRAM words written by the v5.7 walk, "
		       "no pass (no kernel shipped it)",
	.driver = "nouveau",
	.kernel = "none (2018 proposal)",
	.era = PFN_ERA_B,
	.counterpart = "nouveau-v5.8",
	.kver = &hmm_kver_promise,
	.window = NOUVEAU_SVM_WINDOW,
	.caps = PFN_CAP_FAULTS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_PAGE_REQ | PFN_CAP_HYPOTHETICAL,
	.traffic = &traffic,
	.init = promise_init,
	.fini = promise_fini,
	.prepare = promise_prepare,
	.walk = promise_walk,
	.meaning = nouveau_word_meaning,
};
