/*
 * hmm_eraA.c - HMM's mirror walk of v4.16 (era A): hmm_vma_get_pfns() and
 * hmm_vma_fault(), HMM's own hmm_pfn_t words (pfn << 7 | flags).
 *
 * This follows mm/hmm.c of v4.16 function by function: hmm_vma_do_fault,
 * hmm_pfns_special, hmm_pfns_bad, hmm_pfns_clear, hmm_vma_walk_hole,
 * hmm_vma_walk_clear, hmm_vma_walk_pmd, hmm_vma_get_pfns and hmm_vma_fault,
 * over a walk_page_range() of v4.16's mm/pagewalk.c (pte_hole for a missing
 * pgd, pud or pmd, pmd_entry for the rest).  The text is v4.14's (the walk
 * functions of da4c3c735ea4 / 74eee180b935) with Ralph Campbell's
 * 8d63e4cd62b2 ("mm/hmm: fix uninitialized use of 'entry' in
 * hmm_vma_walk_pmd()", 2018-01-31, after v4.15), so device-private entries
 * are reported as v4.16 reports them: pfn | VALID | (WRITE) |
 * DEVICE_UNADDRESSABLE | READ, with no owner check.  (v4.14 and v4.15 read
 * an uninitialised swp_entry_t there and, by Glisse's reading, handled
 * device pages as ordinary swap entries: 0, or migrated back when
 * faulting.  Not modelled.)
 *
 * What era A does that later eras do not, all kept here:
 *
 *  - one call per VMA: the caller passes the VMA, and a range not inside
 *    it is -EINVAL, the array untouched;
 *  - no requests in the array: hmm_vma_fault() takes one `write` bool for
 *    the whole range; a present page needs a fault only for a write to a
 *    read-only pte (or read-only device entry);
 *  - a pte that needs a fault makes hmm_vma_walk_clear() fault every page
 *    of the pmd callback's [start, end) (up to 512 pages), present or not,
 *    then -EAGAIN, and hmm_vma_fault() re-walks from `last` until the walk
 *    returns anything else; holes are faulted page by page the same way;
 *  - a failed fault writes ERROR, then hmm_vma_fault() clears every entry
 *    from `last` to the end to 0, the ERROR word included;
 *  - a VM_SPECIAL VMA (VM_IO, VM_PFNMAP, VM_MIXEDMAP) fills SPECIAL over
 *    the range: hmm_vma_get_pfns() returns -EINVAL, hmm_vma_fault() 0
 *    (855ce7d2525c made both -EINVAL in v4.17);
 *  - READ is the VMA's VM_READ, not the pte's; no VM_READ or VM_WRITE
 *    check before faulting (v4.17 added the VM_READ one, "Fail early on
 *    vma without read permission").
 *
 * Modelling decisions (the research marks the v4.16 outcome "not
 * verified"; docs/backends.md lists them too):
 *
 *  - A write fault in a VMA without VM_WRITE (rovma) and any fault in a
 *    VMA without VM_READ (noread): v4.16 calls handle_mm_fault() with
 *    FAULT_FLAG_REMOTE and no permission check; by reading the source,
 *    the write would never make the pte writable and the walk would fault
 *    it again forever, and the read would map a PROT_NONE zero page
 *    (0x80001).  The emulator's handle_mm_fault() checks the VMA's
 *    permission, as the CPU fault path and GUP do, and returns
 *    VM_FAULT_SIGSEGV: hmm_vma_do_fault()'s VM_FAULT_ERROR path then makes
 *    the call -EFAULT with the entries from `last` on cleared, which is
 *    also what v5.6 returned for the same calls.
 *  - A fault that makes no progress: when a re-walk asks for a fault in
 *    the same chunk as the pass before (`last` unchanged after -EAGAIN)
 *    and that pass's faults changed no pte (emu_mm_stats.changes),
 *    v4.16 would loop in hmm_vma_fault() forever.  In the emulator this
 *    can happen for a write fault on a read-only device-private page of
 *    this device (dev-ro), which v4.16 faults ("else if (write_fault) goto
 *    fault") to migrate it back, when the emulated device is set to
 *    decline remote faults on its own pages
 *    (emu_mm_params.decline_own_remote_faults; by default it migrates, as
 *    v4.16 expected, and the page comes back as a new writable page).  The
 *    model ends such a loop with -EFAULT and the entries from `last` on
 *    cleared.
 *
 * Left out: hmm_register() and the mirror check, the range list
 * (list_add_rcu under hmm->lock, hmm_vma_range_done()), hugetlb VMAs and
 * protnone/devmap PMDs (the emulator makes none), VM_FAULT_RETRY (-EBUSY;
 * the emulator's fault handler never drops the lock) and migration entries
 * (the emulator makes none: in a snapshot they would read 0).
 */
#include <errno.h>

#include "hmm.h"
#include "pagewalk.h"

#define hmm_inline static inline __attribute__((always_inline))

struct hmm_a_walk {
	struct hmm_range *range;
	/*
	 * NULL: the v4.16 hmm_pfn_t format, folded into the code by the
	 * always-inline walk; else the driver's tables, loaded at run time.
	 */
	const struct hmm_encoding *enc;
	struct emu_vma *vma;	/* walk->vma: always set, the call is per VMA */
	unsigned long last;
	bool fault;
	bool write;
};

/* The words of the format: HMM_A_PFN_* or the driver's tables (VALID: a_from_pfn()). */
hmm_inline uint64_t a_read(const struct hmm_a_walk *w)
{
	return w->enc ? 0 : HMM_A_PFN_READ;	/* no slot in the tables */
}
hmm_inline uint64_t a_write(const struct hmm_a_walk *w)
{
	return w->enc ? w->enc->flags[HMM_PFN_FLAG_WRITE] : HMM_A_PFN_WRITE;
}
hmm_inline uint64_t a_device(const struct hmm_a_walk *w)
{
	return w->enc ? w->enc->flags[HMM_PFN_FLAG_DEVICE_PRIVATE] : HMM_A_PFN_DEVICE_UNADDRESSABLE;
}
hmm_inline uint64_t a_error(const struct hmm_a_walk *w)
{
	return w->enc ? w->enc->values[HMM_PFN_VALUE_ERROR] : HMM_A_PFN_ERROR;
}
hmm_inline uint64_t a_empty(const struct hmm_a_walk *w)
{
	return w->enc ? w->enc->values[HMM_PFN_VALUE_NONE] : HMM_A_PFN_EMPTY;
}
/* the word hmm_pfns_clear() and the pte loop's "pfns[i] = 0" write */
hmm_inline uint64_t a_clear(const struct hmm_a_walk *w)
{
	return w->enc ? w->enc->values[HMM_PFN_VALUE_NONE] : 0;
}
hmm_inline uint64_t a_special(const struct hmm_a_walk *w)
{
	return w->enc ? w->enc->values[HMM_PFN_VALUE_SPECIAL] : HMM_A_PFN_SPECIAL;
}
/* hmm_pfn_t_from_pfn(): pfn << HMM_PFN_SHIFT | HMM_PFN_VALID */
hmm_inline uint64_t a_from_pfn(const struct hmm_a_walk *w, unsigned long pfn)
{
	if (w->enc)
		return ((uint64_t)pfn << w->enc->pfn_shift) | w->enc->flags[HMM_PFN_FLAG_VALID];
	return ((uint64_t)pfn << HMM_A_PFN_SHIFT) | HMM_A_PFN_VALID;
}
hmm_inline uint64_t a_from_device_pfn(const struct hmm_a_walk *w, unsigned long pfn)
{
	return a_from_pfn(w, w->enc ? pfn - w->enc->dev_pfn_offset : pfn);
}

hmm_inline uint64_t *a_slot(const struct hmm_a_walk *w, unsigned long addr)
{
	return &w->range->hmm_pfns[(addr - w->range->start) >> PAGE_SHIFT];
}

/* hmm_vma_do_fault(): -EAGAIN after a fault, -EFAULT (and ERROR) when it failed */
hmm_inline int hmm_vma_do_fault(struct hmm_a_walk *w, unsigned long addr, uint64_t *pfn)
{
	unsigned flags = FAULT_FLAG_REMOTE | (w->write ? FAULT_FLAG_WRITE : 0);
	unsigned r;

	w->range->nr_faults++;
	r = emu_handle_mm_fault(w->range->mm, w->vma, addr, flags);
	if (r & VM_FAULT_ERROR) {
		*pfn = a_error(w);
		return -EFAULT;
	}
	return -EAGAIN;
}

/* hmm_pfns_special(), hmm_pfns_bad(), hmm_pfns_clear() */
hmm_inline void hmm_a_fill(const struct hmm_a_walk *w, unsigned long addr, unsigned long end, uint64_t word)
{
	uint64_t *pfns = a_slot(w, addr);

	for (; addr < end; addr += PAGE_SIZE, pfns++)
		*pfns = word;
}

/* hmm_vma_walk_hole() (word EMPTY) and hmm_vma_walk_clear() (word 0) */
hmm_inline int hmm_a_walk_fill_fault(struct hmm_a_walk *w, unsigned long addr, unsigned long end, uint64_t word)
{
	uint64_t *pfns = a_slot(w, addr);

	w->last = addr;
	for (; addr < end; addr += PAGE_SIZE, pfns++) {
		*pfns = word;
		if (w->fault) {
			int ret = hmm_vma_do_fault(w, addr, pfns);

			if (ret != -EAGAIN)
				return ret;
		}
	}
	return w->fault ? -EAGAIN : 0;
}

hmm_inline int hmm_a_walk_hole(struct hmm_a_walk *w, unsigned long addr, unsigned long end)
{
	return hmm_a_walk_fill_fault(w, addr, end, a_empty(w));
}

hmm_inline int hmm_a_walk_clear(struct hmm_a_walk *w, unsigned long addr, unsigned long end)
{
	return hmm_a_walk_fill_fault(w, addr, end, a_clear(w));
}

/* hmm_vma_walk_pmd() of v4.16 */
hmm_inline int hmm_a_walk_pmd(struct hmm_a_walk *w, pmd_t *pmdp, unsigned long start, unsigned long end)
{
	uint64_t *pfns = a_slot(w, start);
	unsigned long addr = start;
	bool write_fault = w->fault && w->write;
	uint64_t flag = (w->vma->vm_flags & VM_READ) ? a_read(w) : 0;
	pmd_t pmd = *pmdp;
	pte_t *ptep;

	if (pmd_none(pmd))
		return hmm_a_walk_hole(w, start, end);
	if (pmd_trans_huge(pmd)) {
		unsigned long pfn;

		if (write_fault && !pmd_write(pmd))
			return hmm_a_walk_clear(w, start, end);
		pfn = pmd_pfn(pmd) + pte_index(addr);
		flag |= pmd_write(pmd) ? a_write(w) : 0;
		for (; addr < end; addr += PAGE_SIZE, pfns++, pfn++)
			*pfns = a_from_pfn(w, pfn) | flag;
		return 0;
	}
	if (pmd_bad(pmd)) {
		/* hmm_pfns_bad() */
		hmm_a_fill(w, start, end, a_error(w));
		return 0;
	}
	ptep = pmd_table(pmd) + pte_index(addr);
	for (; addr < end; addr += PAGE_SIZE, ptep++, pfns++) {
		pte_t pte = *ptep;

		*pfns = a_clear(w);
		if (pte_none(pte)) {
			*pfns = a_empty(w);
			if (w->fault)
				goto fault;
			continue;
		}
		if (!pte_present(pte)) {
			swp_entry_t entry = pte_to_swp_entry(pte);

			if (!non_swap_entry(entry)) {
				if (w->fault)
					goto fault;
				continue;
			}
			/* This is a special swap entry, ignore migration, use device */
			if (is_device_private_entry(entry)) {
				*pfns = a_from_device_pfn(w, swp_offset(entry));
				if (is_writable_device_private_entry(entry))
					*pfns |= a_write(w);
				else if (write_fault)
					goto fault;
				*pfns |= a_device(w);
				*pfns |= flag;
			} else if (!is_migration_entry(entry)) {
				/* Report error for everything else */
				*pfns = a_error(w);
			}
			continue;
		}
		if (write_fault && !pte_write(pte))
			goto fault;
		*pfns = a_from_pfn(w, pte_pfn(pte)) | flag;
		*pfns |= pte_write(pte) ? a_write(w) : 0;
		continue;
fault:
		/* Fault all pages in range */
		return hmm_a_walk_clear(w, start, end);
	}
	return 0;
}

/* walk_page_range() of v4.16 over one VMA: pte_hole for missing directories (pagewalk.h). */
PAGEWALK_DEFINE(hmm_a_walk_range, struct hmm_a_walk, hmm_a_walk_hole, hmm_a_walk_pmd)

/* The model's argument checks: what the kernel got from its caller by construction. */
hmm_inline bool hmm_a_range_ok(const struct hmm_range *range)
{
	return range->mm && range->hmm_pfns && range->start < range->end &&
	       !((range->start | range->end) & ~PAGE_MASK) && range->end <= TASK_SIZE_MAX;
}

/* "Sanity check, this really should not happen !" */
hmm_inline bool hmm_a_in_vma(const struct emu_vma *vma, const struct hmm_range *range)
{
	if (range->start < vma->vm_start || range->start >= vma->vm_end)
		return false;
	if (range->end < vma->vm_start || range->end > vma->vm_end)
		return false;
	return true;
}

hmm_inline int hmm_a_get_pfns(struct emu_vma *vma, struct hmm_range *range, const struct hmm_encoding *enc)
{
	struct hmm_a_walk w = { .range = range, .enc = enc, .vma = vma, .fault = false };

	range->nr_walks = 0;
	range->nr_faults = 0;
	if (!vma || !hmm_a_range_ok(range))
		return -EINVAL;
	/*
	 * hugetlb VMAs: v4.16 mm/hmm.c left them unsupported at this point (its
	 * comment asks for hugetlb fs support); the emulator makes none.
	 */
	if (vma->vm_flags & VM_SPECIAL) {
		hmm_a_fill(&w, range->start, range->end, a_special(&w));
		return -EINVAL;
	}
	if (!hmm_a_in_vma(vma, range))
		return -EINVAL;
	range->nr_walks = 1;
	/* walk_page_range()'s return is ignored */
	hmm_a_walk_range(&w, range->start, range->end);
	return 0;
}

hmm_inline int hmm_a_fault(struct emu_vma *vma, struct hmm_range *range, bool write,
			   const struct hmm_encoding *enc)
{
	struct hmm_a_walk w = { .range = range, .enc = enc, .vma = vma, .fault = true, .write = write };
	unsigned long start, again_at = 0, changes = range->mm->stats.changes;
	int ret;

	range->nr_walks = 0;
	range->nr_faults = 0;
	if (!vma || !hmm_a_range_ok(range) || !hmm_a_in_vma(vma, range))
		return -EINVAL;
	/*
	 * hugetlb VMAs: v4.16 mm/hmm.c left them unsupported at this point (its
	 * comment asks for hugetlb fs support); the emulator makes none.
	 */
	if (vma->vm_flags & VM_SPECIAL) {
		hmm_a_fill(&w, range->start, range->end, a_special(&w));
		return 0;
	}
	w.last = range->start;
	start = range->start;
	do {
		range->nr_walks++;
		ret = hmm_a_walk_range(&w, start, range->end);
		start = w.last;
		if (ret == -EAGAIN) {
			/*
			 * The model's end of a livelock (file head): the same
			 * chunk needs a fault again and the faults of the pass
			 * before changed nothing, so v4.16 would loop here
			 * forever.  (A read-only page migrated back by one
			 * pass and made writable by the next is progress.)
			 */
			if (range->nr_walks > 1 && w.last == again_at && range->mm->stats.changes == changes)
				ret = -EFAULT;
			again_at = w.last;
			changes = range->mm->stats.changes;
		}
	} while (ret == -EAGAIN);
	if (ret) {
		/* hmm_pfns_clear(&pfns[i], hmm_vma_walk.last, end) */
		hmm_a_fill(&w, w.last, range->end, a_clear(&w));
	}
	return ret;
}

int hmm_vma_get_pfns_v416(struct emu_vma *vma, struct hmm_range *range)
{
	return hmm_a_get_pfns(vma, range, NULL);
}

int hmm_vma_fault_v416(struct emu_vma *vma, struct hmm_range *range, bool write)
{
	return hmm_a_fault(vma, range, write, NULL);
}

int hmm_vma_get_pfns_v416_encoded(struct emu_vma *vma, struct hmm_range *range)
{
	if (!range->encoding)
		return -EINVAL;
	return hmm_a_get_pfns(vma, range, range->encoding);
}

int hmm_vma_fault_v416_encoded(struct emu_vma *vma, struct hmm_range *range, bool write)
{
	if (!range->encoding)
		return -EINVAL;
	return hmm_a_fault(vma, range, write, range->encoding);
}
