/*
 * backend_direct.c - the single array the 2018 patch promised.
 *
 * The walk writes nouveau's own words through run-time flags[]/values[]/
 * pfn_shift tables (hmm_range_fault_encoded(), v4.17-v5.7) into the one
 * array, which is what the device receives: valid system pages come out as
 * pfn << 12 | V | W?, which already is NVIF_VMM_PFNMAP_V0's host word.
 *
 * Device-private pages of this device get their VRAM address during the
 * walk: the tables carry flags[DEVICE_PRIVATE] = VRAM aperture and a
 * dev_pfn_offset that maps the device's pfn range onto VRAM.  This is the
 * best case the design allowed: it assumes the driver's device pfns map
 * linearly onto VRAM (true of the emulated device, one chunk from VRAM 0);
 * nouveau as shipped instead fixed the addresses up in a second pass
 * (direct-fixup).  There is no second array and no pass after the walk.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

static int direct_init(struct pfn_backend *b)
{
	struct pfn_backend_range *r = calloc(1, sizeof(*r));
	const struct dev_pagemap *pgmap = &b->params.mm->devices[0].pgmap;

	if (!r)
		return -ENOMEM;
	/* loaded at run time, as range->flags/values/pfn_shift were */
	r->enc = nouveau_encoding_eraB;
	r->enc.dev_pfn_offset = (pgmap->range_start >> PAGE_SHIFT) - (pgmap->vram_base >> PAGE_SHIFT);
	b->priv = r;
	return 0;
}

static void direct_fini(struct pfn_backend *b)
{
	free(b->priv);
}

static int direct_prepare(struct pfn_backend *b, struct pfn_call *c)
{
	struct pfn_backend_range *r = b->priv;

	pfn_backend_setup_range(b, c, &r->range, &r->enc);
	return 0;
}

static int direct_walk(struct pfn_backend *b, struct pfn_call *c)
{
	struct pfn_backend_range *r = b->priv;
	const struct pfn_walk_source *src = b->params.source;
	int ret = src ? src->range_fault(src->ctx, &r->range, &r->enc) : hmm_range_fault_encoded(&r->range);

	c->nr_walks = r->range.nr_walks;
	c->nr_faults = r->range.nr_faults;
	return ret;
}

const struct pfn_backend_ops pfn_backend_direct = {
	.name = "direct",
	.description = "2018 promise: driver encoding written by the walk, VRAM addresses included; one array, no pass",
	.caps = PFN_CAP_FAULTS | PFN_CAP_ENCODED,
	.init = direct_init,
	.fini = direct_fini,
	.prepare = direct_prepare,
	.walk = direct_walk,
};
