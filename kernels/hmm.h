/*
 * hmm.h - a model of hmm_range_fault(), one walk, kernel versions and output
 * encodings as parameters.
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
 * Kernel versions.  What hmm_range_fault() did per pte changed between the
 * versions the backends model; struct hmm_kver names each change, and each
 * entry point below passes a const description that the compiler folds:
 *
 *   hmm_range_fault_v56()  v5.5-v5.6, driver tables: a values[NONE] store
 *                          before every pte, the HMM_FAULT_SNAPSHOT test,
 *                          flags[DEVICE_PRIVATE] (no owner check),
 *                          VM_IO/PFNMAP/MIXEDMAP fail the call
 *   hmm_range_fault_v57()  v5.7, driver tables: owner check; another
 *                          owner's page with a fault request: -EFAULT
 *   hmm_range_fault_v58()  v5.8, fixed format without the order field
 *   hmm_range_fault()      v6.1 (v5.19 and later): order field (v5.9),
 *                          VM_MIXEDMAP per pte through vm_normal_page()
 *                          (v5.17), another owner's page faulted (v5.19)
 *   hmm_range_fault_v616() v6.16's format: order in 53-57, the DMA_MAPPED
 *                          and P2PDMA bits kept from input to output
 *   hmm_range_fault_encoded()  the 2018 patch's promise, a walk no kernel
 *                          shipped: v5.7's walk keeping flags[DEVICE_PRIVATE]
 *                          in the word, so that with a dev_pfn_offset this
 *                          device's pages come out as VRAM words
 *
 * Requests: req = (entry & pfn_flags_mask) | default_flags, where "fault"
 * is flags[VALID] and "write" flags[WRITE] of the encoding (for the fixed
 * format HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE).
 *
 * Era A (v4.14-v4.16) had another API, per VMA and without requests in the
 * array: hmm_vma_get_pfns_v416() and hmm_vma_fault_v416() below, a walk of
 * their own in kernels/hmm_eraA.c.
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

/*
 * v6.16 fixed format (include/linux/hmm.h of v6.16, "mm/hmm: provide
 * generic DMA managing logic"): VALID, WRITE, ERROR as above; DMA_MAPPED
 * 60, P2PDMA 59, P2PDMA_BUS 58, which the caller sets (hmm_dma.h) and the
 * walk keeps from input to output (HMM_PFN_INOUT_FLAGS); the order in bits
 * 53-57, the pfn in bits 0-52.
 */
#define HMM_PFN_DMA_MAPPED (1UL << 60)
#define HMM_PFN_P2PDMA (1UL << 59)
#define HMM_PFN_P2PDMA_BUS (1UL << 58)
#define HMM_PFN_INOUT_FLAGS (HMM_PFN_DMA_MAPPED | HMM_PFN_P2PDMA | HMM_PFN_P2PDMA_BUS)
#define HMM_PFN_V616_ORDER_SHIFT 53
#define HMM_PFN_V616_FLAGS (~((1UL << HMM_PFN_V616_ORDER_SHIFT) - 1))

static inline unsigned long hmm_pfn_v616_to_pfn(uint64_t e) { return e & ~HMM_PFN_V616_FLAGS; }
static inline unsigned hmm_pfn_v616_to_map_order(uint64_t e) { return (e >> HMM_PFN_V616_ORDER_SHIFT) & 0x1f; }

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

extern const struct hmm_encoding hmm_encoding_fixed;     /* v5.9-v6.15: order in 56-60 */
extern const struct hmm_encoding hmm_encoding_fixed_v58; /* v5.8: no order field */
extern const struct hmm_encoding hmm_encoding_fixed_v616;/* v6.16: order in 53-57 */

/*
 * The per-version behaviour of the walk (see the list above).  One const
 * object per modelled version; the walk tests these fields, so each entry
 * point compiles to that version's code.
 */
struct hmm_kver {
	const char *name;             /* "v5.6" */
	unsigned pte_clear_first:1;   /* v4.17-v5.6: *pfn = values[NONE] before each pte */
	unsigned snapshot_flag:1;     /* v5.4-v5.6: HMM_FAULT_SNAPSHOT tested in need_fault */
	unsigned devpriv_flag:1;      /* v4.17-v5.6: flags[DEVICE_PRIVATE] in the word and need_fault */
	unsigned owner_check:1;       /* v5.7+: only dev_private_owner's pages are reported */
	unsigned vma_fails:1;         /* v5.5-v5.6: VM_IO/PFNMAP/MIXEDMAP fails the call;
				         !VM_READ and holes outside VMAs read values[NONE] */
	unsigned no_eperm:1;          /* v5.6: a write fault in a !VM_WRITE VMA is -EFAULT */
	unsigned store_last:1;        /* v5.2-v5.7: walk->last stored after every table/PMD */
	unsigned devother_faults:1;   /* v5.19+: another owner's page is faulted (migrated) */
	unsigned mixedmap_pte:1;      /* v5.17+: VM_MIXEDMAP walked per pte, vm_normal_page() */
	uint64_t inout_flags;         /* v6.16: bits of an entry every store keeps (HMM_PFN_INOUT_FLAGS) */
};

/* hmm_kver_v416 only names era A's walk (hmm_eraA.c has its own code). */
extern const struct hmm_kver hmm_kver_v416;
extern const struct hmm_kver hmm_kver_v56, hmm_kver_v57, hmm_kver_v58, hmm_kver_v61, hmm_kver_v616,
	hmm_kver_promise;

/* hmm_range_fault_v56()'s flags: HMM_FAULT_SNAPSHOT never faults (v5.4-v5.6). */
#define HMM_FAULT_SNAPSHOT (1U << 1)

struct hmm_range {
	struct emu_mm *mm;                  /* range->notifier->mm */
	unsigned long start, end;           /* [start, end), page aligned */
	uint64_t *hmm_pfns;                 /* (end - start) >> PAGE_SHIFT words */
	uint64_t default_flags;
	uint64_t pfn_flags_mask;
	const void *dev_private_owner;
	const struct hmm_encoding *encoding;/* the driver-table entry points only */
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
 * Fill range->hmm_pfns in the v5.9+ fixed format, as 6.1 does.  Returns 0,
 * -EFAULT (a fault was requested where none is possible, or a fault
 * failed), -EPERM (write requested in a VMA without VM_WRITE), -ENOMEM,
 * -EINVAL (bad range).
 */
int hmm_range_fault(struct hmm_range *range);
/* v5.8: the fixed format without the order field.  Same returns. */
int hmm_range_fault_v58(struct hmm_range *range);
/*
 * v6.16's words: 6.1's walk writing the v6.16 layout (order in 53-57) and
 * keeping each entry's HMM_PFN_INOUT_FLAGS (DMA_MAPPED, P2PDMA,
 * P2PDMA_BUS) through every store, so that an entry the HMM DMA helpers
 * mapped (hmm_dma.h) stays tagged across walks.  Same returns.
 */
int hmm_range_fault_v616(struct hmm_range *range);
/*
 * v5.7 writing range->encoding (driver tables).  Same returns, plus
 * -EFAULT for a fault request on another owner's device-private page.
 * (v5.7 returned the number of pages up to `last` on success; the models
 * return 0.)
 */
int hmm_range_fault_v57(struct hmm_range *range);
/*
 * v5.5-v5.6 writing range->encoding; @flags 0 or HMM_FAULT_SNAPSHOT.
 * -EFAULT also for any VM_IO/VM_PFNMAP/VM_MIXEDMAP VMA in the range and any
 * special pte but the zero page, fault requested or not; a write fault in a
 * VMA without VM_WRITE is -EFAULT (the fault handler's SIGSEGV), not -EPERM.
 */
int hmm_range_fault_v56(struct hmm_range *range, unsigned flags);
/*
 * The single array the 2018 patch promised: v5.7's walk writing
 * range->encoding with flags[DEVICE_PRIVATE] in the word (and
 * dev_pfn_offset), the owner checked.  No kernel shipped it.  Same returns
 * as hmm_range_fault_v57().
 */
int hmm_range_fault_encoded(struct hmm_range *range);

/*
 * Era A: v4.14-v4.16, HMM's own hmm_pfn_t (include/linux/hmm.h of v4.16):
 * word = pfn << 7 | flags, the flags in bits 0-6.  READ comes from the
 * VMA's VM_READ, EMPTY is pte_none or a missing directory, SPECIAL fills a
 * VM_SPECIAL (or hugetlb) VMA, DEVICE_UNADDRESSABLE marks a device-private
 * page.  hmm_pfn_t_to_page() needs only VALID and the shift.
 */
#define HMM_A_PFN_VALID (1UL << 0)
#define HMM_A_PFN_READ (1UL << 1)
#define HMM_A_PFN_WRITE (1UL << 2)
#define HMM_A_PFN_ERROR (1UL << 3)
#define HMM_A_PFN_EMPTY (1UL << 4)
#define HMM_A_PFN_SPECIAL (1UL << 5)
#define HMM_A_PFN_DEVICE_UNADDRESSABLE (1UL << 6)
#define HMM_A_PFN_SHIFT 7

/* hmm_pfn_t_to_pfn(): -1UL for an entry without VALID. */
static inline unsigned long hmm_a_pfn_to_pfn(uint64_t e)
{
	return (e & HMM_A_PFN_VALID) ? (unsigned long)(e >> HMM_A_PFN_SHIFT) : -1UL;
}

/*
 * The era-A API (kernels/hmm_eraA.c), per VMA: range->start, range->end and
 * range->hmm_pfns stand for the start, end and pfns arguments of v4.16;
 * default_flags, pfn_flags_mask and dev_private_owner are not read (era A
 * had no requests in the array and no owner).  @vma is the caller's VMA
 * (find_vma()); NULL, or a range not inside it, is -EINVAL with the array
 * untouched.
 *
 * hmm_vma_get_pfns_v416(): the snapshot.  0, or -EINVAL (also for a
 * VM_SPECIAL VMA, after filling SPECIAL over the range).
 *
 * hmm_vma_fault_v416(): fault every page that needs it for a read
 * (write = false) or write access, one bool for the whole range.  0 (also
 * for a VM_SPECIAL VMA: SPECIAL filled, as v4.16 did), -EFAULT (a fault
 * failed, or made no progress: see hmm_eraA.c; the entries from `last` on
 * are cleared to 0, the ERROR word included), -EINVAL.
 *
 * The _encoded variants are not a kernel: the same v4.16 walk writing
 * range->encoding's flags[]/values[]/pfn_shift (f88a1e90c665's tables
 * applied to v4.16, as the 2018 thread's "with this patch" sketch has it):
 * VALID, WRITE and DEVICE_UNADDRESSABLE -> flags[VALID], flags[WRITE],
 * flags[DEVICE_PRIVATE]; READ -> nothing (the series removed it first);
 * EMPTY and the cleared 0 -> values[NONE]; ERROR, SPECIAL -> values[].
 * A device-private page is written as (pfn - dev_pfn_offset) << pfn_shift.
 */
int hmm_vma_get_pfns_v416(struct emu_vma *vma, struct hmm_range *range);
int hmm_vma_fault_v416(struct emu_vma *vma, struct hmm_range *range, bool write);
int hmm_vma_get_pfns_v416_encoded(struct emu_vma *vma, struct hmm_range *range);
int hmm_vma_fault_v416_encoded(struct emu_vma *vma, struct hmm_range *range, bool write);

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
