/*
 * backend_dmirror_v61.c - lib/test_hmm.c's dmirror of v5.8-6.15 (era C):
 * the kernel's own HMM test driver.
 *
 * lib/test_hmm.c of 6.1 (the same text from v5.8 to about v6.15), two
 * paths, chosen by the call's request:
 *
 *  - fault (read or write): dmirror_fault() walks the range in chunks of
 *    `unsigned long pfns[64]` on the stack with .default_flags =
 *    HMM_PFN_REQ_FAULT (| HMM_PFN_REQ_WRITE), .pfn_flags_mask = 0,
 *    .dev_private_owner = dmirror->mdevice; dmirror_range_fault() runs
 *    hmm_range_fault() of 6.1 and dmirror_do_fault() stores, per page, the
 *    struct page pointer (hmm_pfn_to_page(), no struct page read) tagged
 *    DPT_XA_TAG_WRITE if writable into the mirror's xarray with xa_store():
 *    the xa_lock and a walk of the radix tree per page.
 *  - snapshot (no request): dmirror_snapshot() walks in chunks of 64 with no
 *    fault flags; dmirror_mkentry() turns each entry into a byte (ERROR,
 *    NONE, or READ/WRITE with ZERO, DEV_PRIVATE_LOCAL/REMOTE, PMD), reading
 *    struct page for every valid entry (is_device_private_page(),
 *    is_device_coherent_page(): page->flags and page->pgmap->type) and the
 *    zero pfn; the bytes go to user space (copy_to_user, left out).
 *
 * Output word per page: a fault window's xarray entry as page_to_pfn << 12
 * | tag, a snapshot window's byte (docs/backends.md).  Left out: the
 * interval notifier (insert/remove per snapshot chunk), mmget, the mmap
 * lock, mutex and read_retry loop.  v6.16/6.17 ("lib/test_hmm: reduce stack
 * usage") halved the chunk to 32 pages.
 */
#include <errno.h>

#include <stdlib.h>

#include "backend_priv.h"
#include "dmirror.h"

static int v61_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct dmirror *d = b->priv;

	pfn_window_requests(b, w, &d->range, &hmm_encoding_fixed, false);
	d->snapshot = w->call->default_req == EMU_REQ_NONE;
	return 0;
}

static int v61_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct dmirror *d = b->priv;

	return pfn_window_walk(b, w, &d->range, hmm_range_fault);
}

/* dmirror_mkentry() */
static uint8_t v61_mkentry(const struct pfn_backend *b, uint64_t entry)
{
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const struct page *page;
	uint8_t perm;

	if (entry & HMM_PFN_ERROR)
		return HMM_DMIRROR_PROT_ERROR;
	if (!(entry & HMM_PFN_VALID))
		return HMM_DMIRROR_PROT_NONE;
	page = emu_pfn_to_page(memmap, hmm_pfn_to_pfn(entry));
	if (is_device_private_page(page)) {
		/* Is the page migrated to this device or some other? */
		if (page->pgmap->owner == emu_mm_owner(b->params.mm))
			perm = HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL;
		else
			perm = HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE;
	} else if (is_zone_device_page(page) && page->pgmap->type != MEMORY_DEVICE_PRIVATE) {
		perm = HMM_DMIRROR_PROT_NONE;	/* is_device_coherent_page(): none here */
	} else if (emu_page_to_pfn(memmap, page) == EMU_ZERO_PFN) {
		perm = HMM_DMIRROR_PROT_ZERO;
	} else {
		perm = HMM_DMIRROR_PROT_NONE;
	}
	perm |= (entry & HMM_PFN_WRITE) ? HMM_DMIRROR_PROT_WRITE : HMM_DMIRROR_PROT_READ;
	if (hmm_pfn_to_map_order(entry) + PAGE_SHIFT == PMD_SHIFT)
		perm |= HMM_DMIRROR_PROT_PMD;
	else if (hmm_pfn_to_map_order(entry) + PAGE_SHIFT == PUD_SHIFT)
		perm |= HMM_DMIRROR_PROT_PUD;
	return perm;
}

static int v61_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct dmirror *d = b->priv;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const uint64_t *pfns = w->hmm_pfns;
	unsigned long pfn = w->start >> PAGE_SHIFT;

	if (d->snapshot) {
		for (unsigned long i = 0; i < w->npages; i++)
			d->perm[i] = v61_mkentry(b, pfns[i]);
		return 0;
	}
	/* dmirror_do_fault() */
	for (unsigned long i = 0; i < w->npages; i++, pfn++) {
		const struct page *page;
		uintptr_t entry;

		/* WARN_ON(*pfns & HMM_PFN_ERROR); WARN_ON(!(*pfns & HMM_PFN_VALID)); */
		if (__builtin_expect((pfns[i] & HMM_PFN_ERROR) || !(pfns[i] & HMM_PFN_VALID), 0))
			return -EFAULT;
		page = emu_pfn_to_page(memmap, hmm_pfn_to_pfn(pfns[i]));
		entry = (uintptr_t)page;
		if (pfns[i] & HMM_PFN_WRITE)
			entry |= DPT_XA_TAG_WRITE;	/* xa_tag_pointer() */
		else if (d->range.default_flags & HMM_PFN_REQ_WRITE)
			return -EFAULT;
		if (dmirror_xa_store(&d->pt, pfn, (void *)entry))
			return -ENOMEM;
	}
	return 0;
}

const struct pfn_backend_ops pfn_backend_dmirror_v61 = {
	.name = "dmirror-v6.1",
	.description = "lib/test_hmm v5.8-6.15: pfns[64] on the stack; fault: xa_store of the tagged "
		       "struct page per page; snapshot: dmirror_mkentry() bytes",
	.driver = "dmirror",
	.kernel = "v5.8-6.15",
	.era = PFN_ERA_C,
	.counterpart = "dmirror-v5.7",
	.kver = &hmm_kver_v61,
	.window = DMIRROR_WINDOW,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_STRICT_WRITE,
	.init = dmirror_init,
	.fini = dmirror_fini,
	.prepare = v61_prepare,
	.walk = v61_walk,
	.convert = v61_convert,
	.meaning = dmirror_word_meaning,
	.expand = dmirror_expand,
};
