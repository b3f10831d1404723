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

const struct pfn_backend_ops pfn_backend_direct = {
	.name = "direct",
	.description = "2018 promise: driver encoding written by the walk, VRAM addresses included; one array, no pass",
	.caps = PFN_CAP_FAULTS | PFN_CAP_ENCODED,
	.init = direct_init,
	.fini = pfn_backend_encoded_fini,
	.prepare = pfn_backend_encoded_prepare,
	.walk = pfn_backend_encoded_walk,
};
