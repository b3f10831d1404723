/*
 * hmm.h - a model of hmm_range_fault(), one walk with two output encodings.
 *
 * The walk is mm/hmm.c's: walk_page_range() over the VMAs of [start, end),
 * hmm_vma_walk_test() rejecting VM_IO/VM_PFNMAP/VM_MIXEDMAP and unreadable
 * VMAs, holes, hmm_vma_walk_pmd() (huge PMDs fill one entry per 4 KiB slot),
 * hmm_vma_handle_pte() for present, none, swap and device-private entries,
 * and hmm_vma_fault(), which faults every page of [addr, end) of the current
 * step and returns -EBUSY so that the walk restarts from `last`.  Entries
 * below `last` hold outputs; entries from `last` on still hold requests.
 *
 * The output encoding is a parameter, struct hmm_encoding:
 *
 *  - hmm_range_fault() uses HMM_ENCODING_FIXED, the v5.9 layout (VALID 63,
 *    WRITE 62, ERROR 61, order 56-60, pfn 0-55).  The table is a compile-time
 *    constant, so the compiler folds it into the walk as v5.8+ does.
 *  - hmm_range_fault_encoded() reads range->encoding at run time: a driver's
 *    flags[] / values[] / pfn_shift, exactly as v4.17-v5.7 did through
 *    range->flags, range->values and range->pfn_shift.
 *
 * Both call the same always-inline walk; the only difference in the code
 * executed is where the encoding's constants come from.
 *
 * Requests: req = (entry & pfn_flags_mask) | default_flags, where "fault"
 * is flags[VALID] and "write" flags[WRITE] of the encoding (for the fixed
 * format HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE).
 */
#ifndef PFNBENCH_HMM_H
#define PFNBENCH_HMM_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"

/* v5.9 fixed format (include/linux/hmm.h). */
#define HMM_PFN_VALID (1UL << 63)
#define HMM_PFN_WRITE (1UL << 62)
#define HMM_PFN_ERROR (1UL << 61)
#define HMM_PFN_ORDER_SHIFT 56
#define HMM_PFN_ORDER_MASK (0x1fUL << HMM_PFN_ORDER_SHIFT)
#define HMM_PFN_REQ_FAULT HMM_PFN_VALID
#define HMM_PFN_REQ_WRITE HMM_PFN_WRITE
#define HMM_PFN_FLAGS (HMM_PFN_VALID | HMM_PFN_WRITE | HMM_PFN_ERROR | HMM_PFN_ORDER_MASK)

static inline unsigned long hmm_pfn_to_pfn(uint64_t e) { return e & ~HMM_PFN_FLAGS; }
static inline unsigned hmm_pfn_to_map_order(uint64_t e) { return (e >> HMM_PFN_ORDER_SHIFT) & 0x1f; }

/* Indices of flags[] and values[] (enum hmm_pfn_flag_e / hmm_pfn_value_e). */
enum hmm_pfn_flag_e { HMM_PFN_FLAG_VALID, HMM_PFN_FLAG_WRITE, HMM_PFN_FLAG_DEVICE_PRIVATE, HMM_PFN_FLAG_MAX };
enum hmm_pfn_value_e { HMM_PFN_VALUE_ERROR, HMM_PFN_VALUE_NONE, HMM_PFN_VALUE_SPECIAL, HMM_PFN_VALUE_MAX };

struct hmm_encoding {
	uint64_t flags[HMM_PFN_FLAG_MAX];   /* bit patterns OR-ed into a valid word */
	uint64_t values[HMM_PFN_VALUE_MAX]; /* whole words for ERROR, NONE, SPECIAL */
	unsigned pfn_shift;                 /* word = pfn << pfn_shift | flags */
	bool has_order;                     /* write the mapping order (v5.9+) */
	unsigned order_shift;
	/*
	 * Device-private pages of dev_private_owner are reported with
	 * (device pfn - dev_pfn_offset) << pfn_shift | flags[DEVICE_PRIVATE].
	 * 0 reports the device pfn itself (v5.7 and v5.8+); a driver that
	 * knows where its pfn range lands in VRAM can have the walk write the
	 * VRAM address directly (the 2018 patch's single-array promise).
	 */
	uint64_t dev_pfn_offset;
};

extern const struct hmm_encoding hmm_encoding_fixed;

struct hmm_range {
	struct emu_mm *mm;                  /* range->notifier->mm */
	unsigned long start, end;           /* [start, end), page aligned */
	uint64_t *hmm_pfns;                 /* (end - start) >> PAGE_SHIFT words */
	uint64_t default_flags;
	uint64_t pfn_flags_mask;
	const void *dev_private_owner;
	const struct hmm_encoding *encoding;/* hmm_range_fault_encoded() only */
	/* statistics of the last call, for tests and the breakdown */
	unsigned long nr_walks;             /* walk_page_range() passes (1 + restarts) */
	unsigned long nr_faults;            /* handle_mm_fault() calls */
};

/* hmm_pte_need_fault() results. */
enum {
	HMM_NEED_FAULT = 1 << 0,
	HMM_NEED_WRITE_FAULT = 1 << 1,
	HMM_NEED_ALL_BITS = HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT,
};

/*
 * hmm_pte_need_fault(): does a page whose CPU state is cpu_flags (VALID,
 * WRITE in enc's terms) need a fault for request pfn_req_flags?  The one
 * definition of the request semantics, used by the emulated walk and by
 * any other page-table source.
 */
static inline __attribute__((always_inline)) unsigned
hmm_pte_need_fault(const struct hmm_range *range, const struct hmm_encoding *enc, uint64_t pfn_req_flags,
		   uint64_t cpu_flags)
{
	pfn_req_flags &= range->pfn_flags_mask;
	pfn_req_flags |= range->default_flags;
	/* We aren't asked to do anything ... */
	if (!(pfn_req_flags & enc->flags[HMM_PFN_FLAG_VALID]))
		return 0;
	/* Need to write fault ? */
	if ((pfn_req_flags & enc->flags[HMM_PFN_FLAG_WRITE]) && !(cpu_flags & enc->flags[HMM_PFN_FLAG_WRITE]))
		return HMM_NEED_FAULT | HMM_NEED_WRITE_FAULT;
	/* If CPU page table is not valid then we need to fault */
	if (!(cpu_flags & enc->flags[HMM_PFN_FLAG_VALID]))
		return HMM_NEED_FAULT;
	return 0;
}

/*
 * Fill range->hmm_pfns in the v5.9 fixed format.  Returns 0, -EFAULT (a
 * fault was requested where none is possible, or a fault failed), -EPERM
 * (write requested in a VMA without VM_WRITE), -ENOMEM, -EINVAL (bad range).
 */
int hmm_range_fault(struct hmm_range *range);
/* The same walk writing range->encoding (v4.17-v5.7).  Same returns. */
int hmm_range_fault_encoded(struct hmm_range *range);

/*
 * Decode an era-B word back to a pfn as hmm_device_entry_to_pfn() does:
 * three compares against values[], a test of flags[VALID], a shift.
 * Returns -1UL for entries that carry no pfn.
 */
static inline unsigned long hmm_device_entry_to_pfn(const struct hmm_encoding *enc, uint64_t entry)
{
	if (entry == enc->values[HMM_PFN_VALUE_NONE])
		return -1UL;
	if (entry == enc->values[HMM_PFN_VALUE_ERROR])
		return -1UL;
	if (entry == enc->values[HMM_PFN_VALUE_SPECIAL])
		return -1UL;
	if (!(entry & enc->flags[HMM_PFN_FLAG_VALID]))
		return -1UL;
	return entry >> enc->pfn_shift;
}

#endif
