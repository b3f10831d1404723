/*
 * hmm.c - hmm_range_fault(): one walk, two output encodings.
 *
 * This follows mm/hmm.c of v5.9 function by function (hmm_vma_fault,
 * hmm_pte_need_fault, hmm_range_need_fault, hmm_vma_walk_hole,
 * hmm_vma_handle_pmd, hmm_vma_handle_pte, hmm_vma_walk_pmd,
 * hmm_vma_walk_test) plus a walk_page_range() of mm/pagewalk.c.  Where
 * v5.7 (era B) differs only in the encoding, the encoding table carries the
 * difference:
 *
 *   fixed (v5.9):  valid word = pfn | VALID | WRITE? | order << 56
 *                  none = 0, error = special = ERROR (bit 61)
 *   driver tables: valid word = pfn << pfn_shift | flags[VALID] | flags[WRITE]?
 *                  none/error/special = values[NONE/ERROR/SPECIAL]
 *
 * hmm_walk_common() is always inlined into the two entry points: with
 * &hmm_encoding_fixed (a const object defined here) every table load folds
 * into an immediate; with range->encoding every one is a load at run time,
 * as in v4.17-v5.7.  Nothing else differs.
 *
 * Special ptes: the check is v5.7/v5.8's "pte_special && !is_zero_pfn";
 * v5.9's vm_normal_page() form gives the same answer for every pte this
 * emulator creates.  VM_MIXEDMAP VMAs are rejected whole by
 * hmm_vma_walk_test() as in v5.7+.  Migration entries and huge PUDs are not
 * produced by the emulator and not handled.
 */
#include <errno.h>

#include "hmm.h"

#define hmm_inline static inline __attribute__((always_inline))

const struct hmm_encoding hmm_encoding_fixed = {
	.flags = { [HMM_PFN_FLAG_VALID] = HMM_PFN_VALID, [HMM_PFN_FLAG_WRITE] = HMM_PFN_WRITE,
		   [HMM_PFN_FLAG_DEVICE_PRIVATE] = 0 },
	.values = { [HMM_PFN_VALUE_ERROR] = HMM_PFN_ERROR, [HMM_PFN_VALUE_NONE] = 0,
		    [HMM_PFN_VALUE_SPECIAL] = HMM_PFN_ERROR },
	.pfn_shift = 0,
	.has_order = true,
	.order_shift = HMM_PFN_ORDER_SHIFT,
	.dev_pfn_offset = 0,
};

struct hmm_vma_walk {
	struct hmm_range *range;
	const struct hmm_encoding *enc;
	struct emu_vma *vma;     /* walk->vma: NULL outside every VMA */
	unsigned long last;
};

#define ENC_VALID(e) ((e)->flags[HMM_PFN_FLAG_VALID])
#define ENC_WRITE(e) ((e)->flags[HMM_PFN_FLAG_WRITE])

hmm_inline void hmm_pfns_fill(struct hmm_range *range, unsigned long addr, unsigned long end,
					  uint64_t value)
{
	unsigned long i = (addr - range->start) >> PAGE_SHIFT;

	for (; addr < end; addr += PAGE_SIZE, i++)
		range->hmm_pfns[i] = value;
}

hmm_inline int hmm_vma_fault(struct hmm_vma_walk *w, unsigned long addr, unsigned long end,
					 unsigned required_fault)
{
	struct emu_vma *vma = w->vma;
	unsigned fault_flags = FAULT_FLAG_REMOTE;

	w->last = addr;
	if (required_fault & HMM_NEED_WRITE_FAULT) {
		if (!(vma->vm_flags & VM_WRITE))
			return -EPERM;
		fault_flags |= FAULT_FLAG_WRITE;
	}
	for (; addr < end; addr += PAGE_SIZE) {
		w->range->nr_faults++;
		if (emu_handle_mm_fault(w->range->mm, vma, addr, fault_flags) & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return -EBUSY;
}

hmm_inline unsigned hmm_walk_need_fault(const struct hmm_vma_walk *w, uint64_t pfn_req_flags, uint64_t cpu_flags)
{
	return hmm_pte_need_fault(w->range, w->enc, pfn_req_flags, cpu_flags);
}

hmm_inline unsigned hmm_range_need_fault(const struct hmm_vma_walk *w, const uint64_t *hmm_pfns,
						     unsigned long npages, uint64_t cpu_flags)
{
	const struct hmm_range *range = w->range;
	unsigned required_fault = 0;

	/* v5.7: nothing can fault if neither the defaults nor the mask allow it */
	if (!((range->default_flags | range->pfn_flags_mask) & ENC_VALID(w->enc)))
		return 0;
	for (unsigned long i = 0; i < npages; ++i) {
		required_fault |= hmm_walk_need_fault(w, hmm_pfns[i], cpu_flags);
		if (required_fault == HMM_NEED_ALL_BITS)
			return required_fault;
	}
	return required_fault;
}

hmm_inline int hmm_vma_walk_hole(struct hmm_vma_walk *w, unsigned long addr, unsigned long end)
{
	struct hmm_range *range = w->range;
	unsigned long i = (addr - range->start) >> PAGE_SHIFT;
	unsigned long npages = (end - addr) >> PAGE_SHIFT;
	unsigned required_fault = hmm_range_need_fault(w, &range->hmm_pfns[i], npages, 0);

	if (!w->vma) {
		if (required_fault)
			return -EFAULT;
		hmm_pfns_fill(range, addr, end, w->enc->values[HMM_PFN_VALUE_ERROR]);
		return 0;
	}
	if (required_fault)
		return hmm_vma_fault(w, addr, end, required_fault);
	hmm_pfns_fill(range, addr, end, w->enc->values[HMM_PFN_VALUE_NONE]);
	return 0;
}

hmm_inline int hmm_vma_handle_pmd(struct hmm_vma_walk *w, unsigned long addr, unsigned long end,
					      uint64_t *hmm_pfns, pmd_t pmd)
{
	const struct hmm_encoding *enc = w->enc;
	unsigned long npages = (end - addr) >> PAGE_SHIFT;
	uint64_t cpu_flags = pmd_write(pmd) ? (ENC_VALID(enc) | ENC_WRITE(enc)) : ENC_VALID(enc);
	unsigned required_fault;
	unsigned long pfn, i;

	if (enc->has_order)
		cpu_flags |= (uint64_t)HPAGE_PMD_ORDER << enc->order_shift;
	required_fault = hmm_range_need_fault(w, hmm_pfns, npages, cpu_flags);
	if (required_fault)
		return hmm_vma_fault(w, addr, end, required_fault);
	pfn = pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	for (i = 0; addr < end; addr += PAGE_SIZE, i++, pfn++)
		hmm_pfns[i] = ((uint64_t)pfn << enc->pfn_shift) | cpu_flags;
	return 0;
}

hmm_inline bool hmm_is_device_private_entry(struct hmm_vma_walk *w, swp_entry_t entry)
{
	/* pfn_swap_entry_to_page(entry)->pgmap->owner: the walk reads struct page */
	return is_device_private_entry(entry) &&
	       emu_pfn_to_page(&w->range->mm->memmap, swp_offset(entry))->pgmap->owner ==
		       w->range->dev_private_owner;
}

hmm_inline int hmm_vma_handle_pte(struct hmm_vma_walk *w, unsigned long addr, unsigned long end,
					      pte_t *ptep, uint64_t *hmm_pfn)
{
	const struct hmm_encoding *enc = w->enc;
	unsigned required_fault;
	uint64_t cpu_flags;
	pte_t pte = *ptep;
	uint64_t pfn_req_flags = *hmm_pfn;

	if (pte_none(pte)) {
		required_fault = hmm_walk_need_fault(w, pfn_req_flags, 0);
		if (required_fault)
			goto fault;
		*hmm_pfn = enc->values[HMM_PFN_VALUE_NONE];
		return 0;
	}

	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

		/* Never fault in device private pages, but just report the PFN. */
		if (hmm_is_device_private_entry(w, entry)) {
			cpu_flags = ENC_VALID(enc) | enc->flags[HMM_PFN_FLAG_DEVICE_PRIVATE];
			if (is_writable_device_private_entry(entry))
				cpu_flags |= ENC_WRITE(enc);
			*hmm_pfn = ((uint64_t)(swp_offset(entry) - enc->dev_pfn_offset) << enc->pfn_shift) | cpu_flags;
			return 0;
		}
		required_fault = hmm_walk_need_fault(w, pfn_req_flags, 0);
		if (!required_fault) {
			*hmm_pfn = enc->values[HMM_PFN_VALUE_NONE];
			return 0;
		}
		if (!non_swap_entry(entry))
			goto fault;
		if (is_device_private_entry(entry))
			goto fault;
		/* Report error for everything else (migration entries included) */
		return -EFAULT;
	}

	cpu_flags = pte_write(pte) ? (ENC_VALID(enc) | ENC_WRITE(enc)) : ENC_VALID(enc);
	required_fault = hmm_walk_need_fault(w, pfn_req_flags, cpu_flags);
	if (required_fault)
		goto fault;

	/* The zero page is special on x86 but is reported as a normal page. */
	if (pte_special(pte) && pte_pfn(pte) != EMU_ZERO_PFN) {
		if (hmm_walk_need_fault(w, pfn_req_flags, 0))
			return -EFAULT;
		*hmm_pfn = enc->values[HMM_PFN_VALUE_SPECIAL];
		return 0;
	}
	*hmm_pfn = ((uint64_t)pte_pfn(pte) << enc->pfn_shift) | cpu_flags;
	return 0;

fault:
	/* Fault any virtual address we were asked to fault */
	return hmm_vma_fault(w, addr, end, required_fault);
}

hmm_inline int hmm_vma_walk_pmd(struct hmm_vma_walk *w, pmd_t *pmdp, unsigned long start,
					    unsigned long end)
{
	struct hmm_range *range = w->range;
	uint64_t *hmm_pfns = &range->hmm_pfns[(start - range->start) >> PAGE_SHIFT];
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	unsigned long addr = start;
	pmd_t pmd = *pmdp;
	pte_t *ptep;

	if (pmd_none(pmd))
		return hmm_vma_walk_hole(w, start, end);
	if (!pmd_present(pmd)) {
		if (hmm_range_need_fault(w, hmm_pfns, npages, 0))
			return -EFAULT;
		hmm_pfns_fill(range, start, end, w->enc->values[HMM_PFN_VALUE_ERROR]);
		return 0;
	}
	if (pmd_trans_huge(pmd))
		return hmm_vma_handle_pmd(w, addr, end, hmm_pfns, pmd);
	if (pmd_bad(pmd)) {
		if (hmm_range_need_fault(w, hmm_pfns, npages, 0))
			return -EFAULT;
		hmm_pfns_fill(range, start, end, w->enc->values[HMM_PFN_VALUE_ERROR]);
		return 0;
	}
	ptep = pmd_table(pmd) + pte_index(addr);
	for (; addr < end; addr += PAGE_SIZE, ptep++, hmm_pfns++) {
		int r = hmm_vma_handle_pte(w, addr, end, ptep, hmm_pfns);
		if (r)
			return r;
	}
	return 0;
}

/* hmm_vma_walk_test(): 0 walk the VMA, 1 skip it (filled), <0 error. */
hmm_inline int hmm_vma_walk_test(struct hmm_vma_walk *w, unsigned long start, unsigned long end)
{
	struct hmm_range *range = w->range;
	struct emu_vma *vma = w->vma;

	if (!(vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP)) && (vma->vm_flags & VM_READ))
		return 0;
	/*
	 * vma ranges that don't have struct page backing them or map I/O
	 * devices directly cannot be handled by hmm_range_fault().  If a
	 * fault is requested for an unsupported range then it is a hard
	 * failure.
	 */
	if (hmm_range_need_fault(w, range->hmm_pfns + ((start - range->start) >> PAGE_SHIFT),
				 (end - start) >> PAGE_SHIFT, 0))
		return -EFAULT;
	hmm_pfns_fill(range, start, end, w->enc->values[HMM_PFN_VALUE_ERROR]);
	return 1;
}

/* mm/pagewalk.c: walk_pgd_range() -> walk_pud_range() -> walk_pmd_range(). */
hmm_inline int walk_pgd_range(struct hmm_vma_walk *w, unsigned long addr, unsigned long end)
{
	struct emu_mm *mm = w->range->mm;
	unsigned long next, pnext, mnext;
	int err;

	for (; addr < end; addr = next) {
		pgd_t pgd = mm->pgd[pgd_index(addr)];
		pud_t *pudp;

		next = pgd_addr_end(addr, end);
		if (pgd_none(pgd)) {
			err = hmm_vma_walk_hole(w, addr, next);
			if (err)
				return err;
			continue;
		}
		pudp = pgd_table(pgd) + pud_index(addr);
		for (unsigned long a = addr; a < next; a = pnext, pudp++) {
			pmd_t *pmdp;

			pnext = pud_addr_end(a, next);
			if (pud_none(*pudp)) {
				err = hmm_vma_walk_hole(w, a, pnext);
				if (err)
					return err;
				continue;
			}
			pmdp = pud_table(*pudp) + pmd_index(a);
			for (unsigned long b = a; b < pnext; b = mnext, pmdp++) {
				mnext = pmd_addr_end(b, pnext);
				if (pmd_none(*pmdp))
					err = hmm_vma_walk_hole(w, b, mnext);
				else
					err = hmm_vma_walk_pmd(w, pmdp, b, mnext);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

hmm_inline int walk_page_range(struct hmm_vma_walk *w, unsigned long start, unsigned long end)
{
	struct emu_mm *mm = w->range->mm;
	struct emu_vma *vma = emu_find_vma_after(mm, start);
	struct emu_vma *vma_end = mm->vmas + mm->nr_vmas;
	unsigned long next;
	int err = 0;

	do {
		if (!vma) { /* after the last vma */
			w->vma = NULL;
			next = end;
			err = hmm_vma_walk_hole(w, start, next);
		} else if (start < vma->vm_start) { /* outside vma */
			w->vma = NULL;
			next = end < vma->vm_start ? end : vma->vm_start;
			err = hmm_vma_walk_hole(w, start, next);
		} else { /* inside vma */
			w->vma = vma;
			next = end < vma->vm_end ? end : vma->vm_end;
			vma = (vma + 1 < vma_end) ? vma + 1 : NULL;
			err = hmm_vma_walk_test(w, start, next);
			if (err > 0) {
				err = 0;
				continue;
			}
			if (err < 0)
				break;
			err = walk_pgd_range(w, start, next);
		}
		if (err)
			break;
	} while (start = next, start < end);
	return err;
}

hmm_inline int hmm_walk_common(struct hmm_range *range, const struct hmm_encoding *enc)
{
	struct hmm_vma_walk w = { .range = range, .enc = enc, .last = range->start };
	/* Each restart follows a fault that made progress; bound it anyway. */
	unsigned long max_walks = 2 * ((range->end - range->start) >> PAGE_SHIFT) + 8;
	int ret;

	range->nr_walks = 0;
	range->nr_faults = 0;
	if (!range->mm || !range->hmm_pfns || range->start >= range->end || (range->start | range->end) & ~PAGE_MASK ||
	    range->end > TASK_SIZE_MAX)
		return -EINVAL;
	do {
		if (++range->nr_walks > max_walks)
			return -EDEADLK; /* an emulator bug, never a kernel behaviour */
		ret = walk_page_range(&w, w.last, range->end);
		/*
		 * When -EBUSY is returned the loop restarts with w.last set to
		 * an address that has not been stored in pfns.  All entries <
		 * last in the pfn array are set to their output, and all >= are
		 * still at their input values.
		 */
	} while (ret == -EBUSY);
	return ret;
}

int hmm_range_fault(struct hmm_range *range)
{
	return hmm_walk_common(range, &hmm_encoding_fixed);
}

int hmm_range_fault_encoded(struct hmm_range *range)
{
	if (!range->encoding)
		return -EINVAL;
	return hmm_walk_common(range, range->encoding);
}
