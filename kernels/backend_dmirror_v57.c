/*
 * backend_dmirror_v57.c - lib/test_hmm.c's dmirror as it was in hmm.git in
 * April 2020 (era B): never in a released kernel.
 *
 * The HMM test driver was written against the driver-table API and
 * converted to the fixed format in the same v5.8 pull that removed the
 * tables (Jason Gunthorpe's cover letter of 21 Apr 2020 carries the
 * conversion diff), so its first release, v5.8, is already era C.  This is
 * the pre-conversion text, on the v5.7 walk it was written for
 * (hmm_range_fault_v57()): dmirror_hmm_flags/values (VALID 1 << 0, WRITE
 * 1 << 1; NONE 0, ERROR = SPECIAL 0x10), pfn_shift PAGE_SHIFT, `uint64_t
 * pfns[64]`, .default_flags = flags[VALID] (| flags[WRITE]),
 * .pfn_flags_mask = 0, .dev_private_owner = dmirror->mdevice.
 *
 *  - fault: dmirror_do_fault() per page: WARN_ON(*pfns ==
 *    values[ERROR]), hmm_device_entry_to_page() (three compares,
 *    flags[VALID], the shift), the WRITE tag from *pfns & flags[WRITE],
 *    xa_store().
 *  - snapshot: dmirror_mkentry() per page: *pfns == values[ERROR] ->
 *    ERROR, hmm_device_entry_to_page() == NULL -> NONE, else struct page
 *    read as in era C, READ/WRITE from flags[WRITE]; no PMD bit (era B has
 *    no order).
 *
 * Output word per page: as dmirror-v6.1 (docs/backends.md).  Left out: as
 * dmirror-v6.1.
 */
#include <errno.h>

#include <stdlib.h>

#include "backend_priv.h"
#include "dmirror.h"

static int v57_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct dmirror *d = b->priv;

	pfn_window_requests(b, w, &d->range, &dmirror_encoding_eraB, false);
	d->snapshot = w->call->default_req == EMU_REQ_NONE;
	return 0;
}

static int v57_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct dmirror *d = b->priv;

	return pfn_window_walk(b, w, &d->range, hmm_range_fault_v57);
}

/* dmirror_mkentry(), era B */
static uint8_t v57_mkentry(const struct pfn_backend *b, const struct hmm_encoding *enc, uint64_t entry)
{
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const struct page *page;
	unsigned long pfn;
	uint8_t perm;

	if (entry == enc->values[HMM_PFN_VALUE_ERROR])
		return HMM_DMIRROR_PROT_ERROR;
	pfn = hmm_device_entry_to_pfn(enc, entry);
	if (pfn == -1UL)
		return HMM_DMIRROR_PROT_NONE;
	page = emu_pfn_to_page(memmap, pfn);
	if (is_device_private_page(page)) {
		if (page->pgmap->owner == emu_mm_owner(b->params.mm))
			perm = HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL;
		else
			perm = HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE;
	} else if (emu_page_to_pfn(memmap, page) == EMU_ZERO_PFN) {
		perm = HMM_DMIRROR_PROT_ZERO;
	} else {
		perm = HMM_DMIRROR_PROT_NONE;
	}
	perm |= (entry & enc->flags[HMM_PFN_FLAG_WRITE]) ? HMM_DMIRROR_PROT_WRITE : HMM_DMIRROR_PROT_READ;
	return perm;
}

static int v57_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct dmirror *d = b->priv;
	const struct hmm_encoding *enc = d->range.encoding;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const uint64_t *pfns = w->hmm_pfns;
	unsigned long pfn = w->start >> PAGE_SHIFT;

	if (d->snapshot) {
		for (unsigned long i = 0; i < w->npages; i++)
			d->perm[i] = v57_mkentry(b, enc, pfns[i]);
		return 0;
	}
	for (unsigned long i = 0; i < w->npages; i++, pfn++) {
		unsigned long ppfn;
		uintptr_t entry;

		/* WARN_ON(*pfns == range->values[HMM_PFN_ERROR]) */
		if (__builtin_expect(pfns[i] == enc->values[HMM_PFN_VALUE_ERROR], 0))
			return -EFAULT;
		ppfn = hmm_device_entry_to_pfn(enc, pfns[i]);
		if (__builtin_expect(ppfn == -1UL, 0))	/* WARN_ON(!page) */
			return -EFAULT;
		entry = (uintptr_t)emu_pfn_to_page(memmap, ppfn);
		if (pfns[i] & enc->flags[HMM_PFN_FLAG_WRITE])
			entry |= DPT_XA_TAG_WRITE;
		else if (d->range.default_flags & enc->flags[HMM_PFN_FLAG_WRITE])
			return -EFAULT;
		if (dmirror_xa_store(&d->pt, pfn, (void *)entry))
			return -ENOMEM;
	}
	return 0;
}

const struct pfn_backend_ops pfn_backend_dmirror_v57 = {
	.name = "dmirror-v5.7",
	.description = "lib/test_hmm in hmm.git, April 2020 (never released): dmirror's tables on the v5.7 "
		       "walk, decode per page, xa_store or dmirror_mkentry()",
	.driver = "dmirror",
	.kernel = "hmm.git 2020-04 (unreleased)",
	.era = PFN_ERA_B,
	.counterpart = "dmirror-v6.1",
	.kver = &hmm_kver_v57,
	.window = DMIRROR_WINDOW,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_STRICT_WRITE,
	.init = dmirror_init,
	.fini = dmirror_fini,
	.prepare = v57_prepare,
	.walk = v57_walk,
	.convert = v57_convert,
	.meaning = dmirror_word_meaning,
	.expand = dmirror_expand,
};
