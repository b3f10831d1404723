/*
 * backend_direct_fixup.c - era-B nouveau as it shipped (v5.2-v5.6).
 *
 * The walk writes nouveau's words through its era-B tables into the one
 * array (device-private pages come out as device pfn << 12 | V | VRAM | W?),
 * then nouveau_dmem_convert_pfn() runs over every entry in place: decode it
 * with hmm_device_entry_to_page() (three compares against values[], a test
 * of flags[VALID], a shift, pfn_to_page), skip system pages after reading
 * page->flags, and for device-private pages replace the address bits with
 * the VRAM address (nouveau_dmem_page_addr()).
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

static int fixup_init(struct pfn_backend *b)
{
	struct pfn_backend_range *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->enc = nouveau_encoding_eraB;
	b->priv = r;
	return 0;
}

static int fixup_convert(struct pfn_backend *b, struct pfn_call *c)
{
	struct pfn_backend_range *r = b->priv;
	const struct hmm_encoding *enc = r->range.encoding;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	uint64_t *pfns = c->hmm_pfns;

	for (unsigned long i = 0; i < c->npages; ++i) {
		const struct page *page;
		unsigned long pfn = hmm_device_entry_to_pfn(enc, pfns[i]);
		uint64_t addr;

		if (pfn == -1UL)
			continue;
		page = emu_pfn_to_page(memmap, pfn);
		if (!is_device_private_page(page))
			continue;
		addr = nouveau_dmem_page_addr(page, pfn);
		pfns[i] &= ((1UL << enc->pfn_shift) - 1);
		pfns[i] |= (addr >> PAGE_SHIFT) << enc->pfn_shift;
	}
	return 0;
}

const struct pfn_backend_ops pfn_backend_direct_fixup = {
	.name = "direct-fixup",
	.description = "v5.2-v5.6 nouveau as shipped: driver encoding, then nouveau_dmem_convert_pfn() in place",
	.caps = PFN_CAP_FAULTS | PFN_CAP_ENCODED | PFN_CAP_PASS,
	.init = fixup_init,
	.fini = pfn_backend_encoded_fini,
	.prepare = pfn_backend_encoded_prepare,
	.walk = pfn_backend_encoded_walk,
	.convert = fixup_convert,
};
