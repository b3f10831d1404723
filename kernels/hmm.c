/*
 * hmm.c - hmm_range_fault(): one walk, kernel versions and output encodings
 * as parameters.
 *
 * This follows mm/hmm.c function by function (hmm_vma_fault,
 * hmm_pte_need_fault, hmm_range_need_fault, hmm_vma_walk_hole,
 * hmm_vma_handle_pmd, hmm_vma_handle_pte, hmm_vma_walk_pmd,
 * hmm_vma_walk_test) plus a walk_page_range() of mm/pagewalk.c, as of the
 * versions below.  Where the versions differ, a field of struct hmm_kver
 * (hmm.h) says so and the walk tests it; each entry point passes a const
 * description, so the compiler folds every test away:
 *
 *   hmm_kver_v56   v5.5-v5.6   mm/hmm.c of v5.6 (hmm_vma_handle_pte's
 *                              "*pfn = range->values[HMM_PFN_NONE]" first,
 *                              HMM_FAULT_SNAPSHOT, the DEVICE_PRIVATE branch
 *                              of hmm_pte_need_fault, hmm_vma_walk_test
 *                              returning -EFAULT for VM_IO/PFNMAP/MIXEDMAP,
 *                              hmm_vma_walk->last stored after every pte
 *                              table)
 *   hmm_kver_v57   v5.7        08ddddda667b owner check, 17ffdc482982 no
 *                              DEVICE_PRIVATE flag, "do not unconditionally
 *                              set pfns", hmm_vma_walk_test filling ERROR
 *   hmm_kver_v58   v5.8        2733ea144dcc fixed format, no `last` stores
 *   hmm_kver_v61   6.1         3b50a6e536d2 order (v5.9), 87c01d57fa23
 *                              VM_MIXEDMAP per pte through vm_normal_page()
 *                              (v5.17), 8a295dbbaf72 another owner's page
 *                              faulted (v5.19)
 *   hmm_kver_v616  v6.16       6.1's walk with "mm/hmm: let users to tag
 *                              specific PFN with DMA mapped bit" and "mm/hmm:
 *                              provide generic DMA managing logic": every
 *                              store keeps the entry's HMM_PFN_INOUT_FLAGS,
 *                              order in bits 53-57.  The other walk changes
 *                              of 6.2-6.16 (folios, pte_none_mostly(),
 *                              device-exclusive entries gone in 6.15) change
 *                              nothing for the emulator's page states and
 *                              are not modelled.
 *   hmm_kver_promise           not a kernel: v5.7 keeping DEVICE_PRIVATE in
 *                              the word (the 2018 patch's single array)
 *
 * The encoding is the other parameter:
 *
 *   fixed (v5.8+): valid word = pfn | VALID | WRITE? (| order << 56, v5.9+)
 *                  none = 0, error = ERROR (bit 61)
 *   driver tables: valid word = pfn << pfn_shift | flags[VALID] | flags[WRITE]?
 *                  (| flags[DEVICE_PRIVATE], v5.6)
 *                  none/error/special = values[NONE/ERROR/SPECIAL]
 *
 * hmm_walk_common() is always inlined into the entry points: with a const
 * encoding object defined here every table load folds into an immediate;
 * with range->encoding every one is a load at run time, as in v4.17-v5.7.
 *
 * Left out: migration entries, device-exclusive entries, devmap ptes and
 * huge PUDs (the emulator creates none of them), locks and the mmu notifier
 * sequence check (hmm_range_fault's -EBUSY from mmu_interval_check_retry).
 */
#include <errno.h>

#include "hmm.h"
#include "pagewalk.h"

#define hmm_inline static inline __attribute__((always_inline))

/* The fixed format's bits, the same from v5.8 on: VALID, WRITE, ERROR; no shift */
#define HMM_FIXED_BITS                                                                                  \
	.flags = { [HMM_PFN_FLAG_VALID] = HMM_PFN_VALID, [HMM_PFN_FLAG_WRITE] = HMM_PFN_WRITE,          \
		   [HMM_PFN_FLAG_DEVICE_PRIVATE] = 0 },                                                   \
	.values = { [HMM_PFN_VALUE_ERROR] = HMM_PFN_ERROR, [HMM_PFN_VALUE_NONE] = 0,                    \
		    [HMM_PFN_VALUE_SPECIAL] = HMM_PFN_ERROR },                                             \
	.pfn_shift = 0

const struct hmm_encoding hmm_encoding_fixed = {
	HMM_FIXED_BITS,
	.has_order = true,
	.order_shift = HMM_PFN_ORDER_SHIFT,
	.dev_pfn_offset = 0,
};

/* v5.8: the same bits, the pfn in 0-60, no order (added by v5.9's 3b50a6e536d2). */
const struct hmm_encoding hmm_encoding_fixed_v58 = {
	HMM_FIXED_BITS,
	.has_order = false,
	.order_shift = 0,
	.dev_pfn_offset = 0,
};

/* v6.16: the order in 53-57 below DMA_MAPPED/P2PDMA/P2PDMA_BUS, the pfn in 0-52 */
const struct hmm_encoding hmm_encoding_fixed_v616 = {
	HMM_FIXED_BITS,
	.has_order = true,
	.order_shift = HMM_PFN_V616_ORDER_SHIFT,
	.dev_pfn_offset = 0,
};

const struct hmm_kver hmm_kver_v56 = {
	.name = "v5.6",
	.pte_clear_first = 1,
	.snapshot_flag = 1,
	.devpriv_flag = 1,
	.vma_fails = 1,
	.no_eperm = 1,
	.store_last = 1,
};
const struct hmm_kver hmm_kver_v416 = { .name = "v4.16" };
const struct hmm_kver hmm_kver_v57 = { .name = "v5.7", .owner_check = 1, .store_last = 1 };
const struct hmm_kver hmm_kver_v58 = { .name = "v5.8", .owner_check = 1 };
const struct hmm_kver hmm_kver_v61 = { .name = "6.1", .owner_check = 1, .devother_faults = 1, .mixedmap_pte = 1 };
const struct hmm_kver hmm_kver_v616 = {
	.name = "6.16", .owner_check = 1, .devother_faults = 1, .mixedmap_pte = 1, .inout_flags = HMM_PFN_INOUT_FLAGS,
};
/* not a kernel: v5.7 with the DEVICE_PRIVATE flag kept (the 2018 promise) */
const struct hmm_kver hmm_kver_promise = {
	.name = "v5.7+devpriv", .devpriv_flag = 1, .owner_check = 1, .store_last = 1,
};

struct hmm_vma_walk {
	struct hmm_range *range;
	const struct hmm_encoding *enc;
	const struct hmm_kver *kv;
	struct emu_vma *vma;     /* walk->vma: NULL outside every VMA */
	unsigned long last;
	unsigned flags;          /* v5.6: HMM_FAULT_SNAPSHOT */
};

#define ENC_VALID(e) ((e)->flags[HMM_PFN_FLAG_VALID])
#define ENC_WRITE(e) ((e)->flags[HMM_PFN_FLAG_WRITE])
#define ENC_DEVPRIV(e) ((e)->flags[HMM_PFN_FLAG_DEVICE_PRIVATE])

/*
 * Every store of an output word: v6.16 keeps the entry's HMM_PFN_INOUT_FLAGS
 * ("mm/hmm: let users to tag specific PFN with DMA mapped bit"); for every
 * other version kv->inout_flags is 0 and this folds to a plain store.
 */
hmm_inline void hmm_store(const struct hmm_vma_walk *w, uint64_t *p, uint64_t word)
{
	*p = w->kv->inout_flags ? ((*p & w->kv->inout_flags) | word) : word;
}

hmm_inline void hmm_pfns_fill(const struct hmm_vma_walk *w, unsigned long addr, unsigned long end, uint64_t value)
{
	struct hmm_range *range = w->range;
	unsigned long i = (addr - range->start) >> PAGE_SHIFT;

	for (; addr < end; addr += PAGE_SIZE, i++)
		hmm_store(w, &range->hmm_pfns[i], value);
}

/*
 * hmm_vma_fault() (v5.7+), hmm_vma_walk_hole_() + hmm_vma_do_fault() in
 * v5.6: fault every page of [addr, end), then -EBUSY to restart at `last`.
 */
hmm_inline int hmm_vma_fault(struct hmm_vma_walk *w, unsigned long addr, unsigned long end,
			     unsigned required_fault)
{
	struct emu_vma *vma = w->vma;
	unsigned fault_flags = FAULT_FLAG_REMOTE;

	w->last = addr;
	if (required_fault & HMM_NEED_WRITE_FAULT) {
		/* v5.7+; in v5.6 the fault handler's SIGSEGV makes it -EFAULT */
		if (!w->kv->no_eperm && !(vma->vm_flags & VM_WRITE))
			return -EPERM;
		fault_flags |= FAULT_FLAG_WRITE;
	}
	for (; addr < end; addr += PAGE_SIZE) {
		if (w->kv->pte_clear_first)
			w->range->hmm_pfns[(addr - w->range->start) >> PAGE_SHIFT] =
				w->enc->values[HMM_PFN_VALUE_NONE];
		w->range->nr_faults++;
		if (emu_handle_mm_fault(w->range->mm, vma, addr, fault_flags) & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return -EBUSY;
}

/*
 * hmm_pte_need_fault(): hmm.h's definition, plus what v5.6 did first: the
 * HMM_FAULT_SNAPSHOT test, and faulting device-private pages only when the
 * request has flags[DEVICE_PRIVATE].
 */
hmm_inline unsigned hmm_walk_need_fault(const struct hmm_vma_walk *w, uint64_t pfn_req_flags, uint64_t cpu_flags)
{
	const struct hmm_encoding *enc = w->enc;

	if (w->kv->snapshot_flag && (w->flags & HMM_FAULT_SNAPSHOT))
		return 0;
	if (w->kv->devpriv_flag && (cpu_flags & ENC_DEVPRIV(enc))) {
		uint64_t req = (pfn_req_flags & w->range->pfn_flags_mask) | w->range->default_flags;

		if (!(req & ENC_VALID(enc)) || !(req & ENC_DEVPRIV(enc)))
			return 0;
		return (req & ENC_WRITE(enc)) ? HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT : HMM_NEED_FAULT;
	}
	return hmm_pte_need_fault(w->range, enc, pfn_req_flags, cpu_flags);
}

hmm_inline unsigned hmm_range_need_fault(const struct hmm_vma_walk *w, const uint64_t *hmm_pfns,
					 unsigned long npages, uint64_t cpu_flags)
{
	const struct hmm_range *range = w->range;
	unsigned required_fault = 0;

	/* v5.7: nothing can fault if neither the defaults nor the mask allow it */
	if (!w->kv->snapshot_flag && !((range->default_flags | range->pfn_flags_mask) & ENC_VALID(w->enc)))
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
		/* v5.7's 9cee0e8c6f1e: a snapshot outside every VMA is an error */
		hmm_pfns_fill(w, addr, end,
			      w->enc->values[w->kv->vma_fails ? HMM_PFN_VALUE_NONE : HMM_PFN_VALUE_ERROR]);
		if (w->kv->store_last)
			w->last = end;
		return 0;
	}
	if (required_fault)
		return hmm_vma_fault(w, addr, end, required_fault);
	hmm_pfns_fill(w, addr, end, w->enc->values[HMM_PFN_VALUE_NONE]);
	if (w->kv->store_last)
		w->last = end;
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
		hmm_store(w, &hmm_pfns[i], ((uint64_t)pfn << enc->pfn_shift) | cpu_flags);
	if (w->kv->store_last)
		w->last = end;
	return 0;
}

/* Is this a device-private page of the caller (v5.7+), or any device's (v5.6)? */
hmm_inline bool hmm_is_device_private_entry(struct hmm_vma_walk *w, swp_entry_t entry)
{
	if (!is_device_private_entry(entry))
		return false;
	if (!w->kv->owner_check)
		return true;	/* v5.6: no owner check */
	/* pfn_swap_entry_to_page(entry)->pgmap->owner: the walk reads struct page */
	return emu_pfn_to_page(&w->range->mm->memmap, swp_offset(entry))->pgmap->owner ==
	       w->range->dev_private_owner;
}

/*
 * vm_normal_page() of 6.1 (mm/memory.c) for the ptes the emulator makes:
 * out of line, as in the kernel, since v5.17's hmm_vma_handle_pte calls it
 * for every present pte.
 */
static __attribute__((noinline)) struct page *emu_vm_normal_page(struct emu_mm *mm, struct emu_vma *vma,
								 pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);

	if (__builtin_expect(!pte_special(pte), 1)) {
		if (__builtin_expect(pfn >= mm->memmap.pfn_limit, 0))
			return NULL;	/* print_bad_pte() */
		return emu_pfn_to_page(&mm->memmap, pfn);
	}
	if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
		return NULL;
	return NULL;	/* the zero page, devmap, or print_bad_pte() */
}

hmm_inline int hmm_vma_handle_pte(struct hmm_vma_walk *w, unsigned long addr, unsigned long end,
				  pte_t *ptep, uint64_t *hmm_pfn)
{
	const struct hmm_encoding *enc = w->enc;
	const struct hmm_kver *kv = w->kv;
	unsigned required_fault;
	uint64_t cpu_flags;
	pte_t pte = *ptep;
	uint64_t pfn_req_flags = *hmm_pfn;

	if (kv->pte_clear_first)
		*hmm_pfn = enc->values[HMM_PFN_VALUE_NONE];

	if (pte_none(pte)) {
		required_fault = hmm_walk_need_fault(w, pfn_req_flags, 0);
		if (required_fault)
			goto fault;
		if (!kv->pte_clear_first)
			hmm_store(w, hmm_pfn, enc->values[HMM_PFN_VALUE_NONE]);
		return 0;
	}

	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

		/* Never fault in device private pages, but just report the PFN. */
		if (hmm_is_device_private_entry(w, entry)) {
			cpu_flags = ENC_VALID(enc) | (kv->devpriv_flag ? ENC_DEVPRIV(enc) : 0);
			if (is_writable_device_private_entry(entry))
				cpu_flags |= ENC_WRITE(enc);
			if (kv->devpriv_flag) {
				/* v5.6: faulted (migrated back) only on a DEVICE_PRIVATE request */
				required_fault = hmm_walk_need_fault(w, pfn_req_flags, cpu_flags);
				if (required_fault)
					goto fault;
			}
			hmm_store(w, hmm_pfn, ((uint64_t)(swp_offset(entry) - enc->dev_pfn_offset) << enc->pfn_shift) | cpu_flags);
			return 0;
		}
		required_fault = hmm_walk_need_fault(w, pfn_req_flags, 0);
		if (!required_fault) {
			if (!kv->pte_clear_first)
				hmm_store(w, hmm_pfn, enc->values[HMM_PFN_VALUE_NONE]);
			return 0;
		}
		if (!non_swap_entry(entry))
			goto fault;
		/* v5.19's 8a295dbbaf72: another owner's page migrates back */
		if (kv->devother_faults && is_device_private_entry(entry))
			goto fault;
		/* Report error for everything else (migration entries included) */
		return -EFAULT;
	}

	cpu_flags = pte_write(pte) ? (ENC_VALID(enc) | ENC_WRITE(enc)) : ENC_VALID(enc);
	required_fault = hmm_walk_need_fault(w, pfn_req_flags, cpu_flags);
	if (required_fault)
		goto fault;

	if (kv->mixedmap_pte) {
		/* v5.17+: !vm_normal_page() && !pte_devmap() && !is_zero_pfn() */
		if (!emu_vm_normal_page(w->range->mm, w->vma, pte) && pte_pfn(pte) != EMU_ZERO_PFN) {
			if (hmm_walk_need_fault(w, pfn_req_flags, 0))
				return -EFAULT;
			hmm_store(w, hmm_pfn, enc->values[HMM_PFN_VALUE_ERROR]);
			return 0;
		}
	} else if (pte_special(pte) && pte_pfn(pte) != EMU_ZERO_PFN) {
		/*
		 * The zero page is special on x86 but is reported as a normal
		 * page.  (v5.5-v5.6 failed the call on any other special pte;
		 * the emulator makes special ptes only in VM_MIXEDMAP VMAs,
		 * which v5.6 rejects before their ptes are read.)
		 */
		if (hmm_walk_need_fault(w, pfn_req_flags, 0))
			return -EFAULT;
		hmm_store(w, hmm_pfn, enc->values[HMM_PFN_VALUE_SPECIAL]);
		return 0;
	}
	hmm_store(w, hmm_pfn, ((uint64_t)pte_pfn(pte) << enc->pfn_shift) | cpu_flags);
	return 0;

fault:
	/* Fault any virtual address we were asked to fault */
	return hmm_vma_fault(w, addr, end, required_fault);
}

hmm_inline int hmm_vma_walk_pmd(struct hmm_vma_walk *w, pmd_t *pmdp, unsigned long start, unsigned long end)
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
		hmm_pfns_fill(w, start, end, w->enc->values[HMM_PFN_VALUE_ERROR]);
		return 0;
	}
	if (pmd_trans_huge(pmd))
		return hmm_vma_handle_pmd(w, addr, end, hmm_pfns, pmd);
	if (pmd_bad(pmd)) {
		if (hmm_range_need_fault(w, hmm_pfns, npages, 0))
			return -EFAULT;
		hmm_pfns_fill(w, start, end, w->enc->values[HMM_PFN_VALUE_ERROR]);
		return 0;
	}
	ptep = pmd_table(pmd) + pte_index(addr);
	for (; addr < end; addr += PAGE_SIZE, ptep++, hmm_pfns++) {
		int r = hmm_vma_handle_pte(w, addr, end, ptep, hmm_pfns);
		if (r)
			return r;
	}
	if (w->kv->store_last)
		w->last = addr;
	return 0;
}

/* hmm_vma_walk_test(): 0 walk the VMA, 1 skip it (filled), <0 error. */
hmm_inline int hmm_vma_walk_test(struct hmm_vma_walk *w, unsigned long start, unsigned long end)
{
	struct hmm_range *range = w->range;
	struct emu_vma *vma = w->vma;
	unsigned long special = w->kv->mixedmap_pte ? (VM_IO | VM_PFNMAP) : (VM_IO | VM_PFNMAP | VM_MIXEDMAP);

	if (w->kv->vma_fails) {
		/* v5.6: device VMAs fail the call; unreadable ones read NONE */
		if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP))
			return -EFAULT;
		if (vma->vm_flags & VM_READ)
			return 0;
		if (hmm_range_need_fault(w, range->hmm_pfns + ((start - range->start) >> PAGE_SHIFT),
					 (end - start) >> PAGE_SHIFT, 0))
			return -EFAULT;
		hmm_pfns_fill(w, start, end, w->enc->values[HMM_PFN_VALUE_NONE]);
		w->last = end;
		return 1;
	}
	if (!(vma->vm_flags & special) && (vma->vm_flags & VM_READ))
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
	hmm_pfns_fill(w, start, end, w->enc->values[HMM_PFN_VALUE_ERROR]);
	if (w->kv->store_last)
		w->last = end;
	return 1;
}

/* mm/pagewalk.c: walk_pgd_range() -> walk_pud_range() -> walk_pmd_range() (pagewalk.h). */
PAGEWALK_DEFINE(walk_pgd_range, struct hmm_vma_walk, hmm_vma_walk_hole, hmm_vma_walk_pmd)

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

hmm_inline int hmm_walk_common(struct hmm_range *range, const struct hmm_encoding *enc,
			       const struct hmm_kver *kv, unsigned flags)
{
	struct hmm_vma_walk w = { .range = range, .enc = enc, .kv = kv, .last = range->start, .flags = flags };
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
		 * still at their input values (v5.6 excepted: its values[NONE]
		 * store before each pte has already overwritten the requests of
		 * the pages it faulted).
		 */
	} while (ret == -EBUSY);
	return ret;
}

int hmm_range_fault(struct hmm_range *range)
{
	return hmm_walk_common(range, &hmm_encoding_fixed, &hmm_kver_v61, 0);
}

int hmm_range_fault_v58(struct hmm_range *range)
{
	return hmm_walk_common(range, &hmm_encoding_fixed_v58, &hmm_kver_v58, 0);
}

int hmm_range_fault_v616(struct hmm_range *range)
{
	return hmm_walk_common(range, &hmm_encoding_fixed_v616, &hmm_kver_v616, 0);
}

int hmm_range_fault_v57(struct hmm_range *range)
{
	if (!range->encoding)
		return -EINVAL;
	return hmm_walk_common(range, range->encoding, &hmm_kver_v57, 0);
}

int hmm_range_fault_v56(struct hmm_range *range, unsigned flags)
{
	if (!range->encoding)
		return -EINVAL;
	return hmm_walk_common(range, range->encoding, &hmm_kver_v56, flags);
}

int hmm_range_fault_encoded(struct hmm_range *range)
{
	if (!range->encoding)
		return -EINVAL;
	return hmm_walk_common(range, range->encoding, &hmm_kver_promise, 0);
}
