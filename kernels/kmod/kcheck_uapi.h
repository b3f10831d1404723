/*
 * kcheck_uapi.h - the interface of the pfn_kcheck module (pfn_kcheck.c),
 * shared by the module and the guest program (kcheck/guest/kguest.c).
 *
 * /dev/pfn_kcheck offers:
 *   KC_IOC_INFO     the guest kernel's release, its zero pfn and HMM's bits
 *   KC_IOC_FAULT    hmm_range_fault() over [start, start + npages pages) of
 *                   the caller's mm, with the caller's hmm_pfns input
 *                   (requests), default_flags and pfn_flags_mask; the words
 *                   HMM wrote come back in the same array
 *   KC_IOC_INSPECT  what the page table holds for each page, read by walking
 *                   it (no fault): pte kind, pfn, write bit, huge PMD, VMA flags
 *   mmap            offset 0: a VM_IO | VM_PFNMAP mapping (remap_pfn_range of
 *                   pages the module owns); offset 1 page: a VM_MIXEDMAP
 *                   mapping whose every pte is a special pte
 *                   (vmf_insert_mixed)
 */
#ifndef PFN_KCHECK_UAPI_H
#define PFN_KCHECK_UAPI_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <stdint.h>
#include <sys/ioctl.h>
typedef uint64_t __u64;
typedef int64_t __s64;
typedef uint32_t __u32;
#endif

#define KC_DEVICE "/dev/pfn_kcheck"
#define KC_MMAP_PFNMAP 0          /* mmap offset (bytes) of the VM_PFNMAP kind */
#define KC_MMAP_MIXEDMAP 4096     /* ... of the VM_MIXEDMAP kind */

struct kc_info {
	char release[65];        /* utsname()->release */
	char pad[7];
	__u64 zero_pfn;          /* pfn of the shared zero page */
	__u64 hmm_pfn_valid;     /* HMM_PFN_VALID */
	__u64 hmm_pfn_write;     /* HMM_PFN_WRITE */
	__u64 hmm_pfn_error;     /* HMM_PFN_ERROR */
	__u64 hmm_order_shift;   /* HMM_PFN_ORDER_SHIFT */
};

struct kc_fault {
	__u64 start;             /* page aligned */
	__u64 npages;            /* at most KC_MAX_PAGES */
	__u64 default_flags;     /* range.default_flags */
	__u64 pfn_flags_mask;    /* range.pfn_flags_mask */
	__u64 owner_addr;        /* 0: dev_private_owner = NULL; else the owner of
				    the device-private page mapped there */
	__u64 words;             /* user pointer to npages __u64: in requests, out words */
	__s64 rc;                /* out: hmm_range_fault()'s final return */
	__u64 nr_busy;           /* out: -EBUSY retries (mmu notifier invalidations) */
};

enum kc_kind {
	KC_NOVMA = 0,            /* no VMA covers the page */
	KC_NONE = 1,             /* pte_none or no page table */
	KC_PRESENT = 2,          /* present pte */
	KC_SWAP = 3,             /* swap entry (a real one: !non_swap_entry) */
	KC_DEVPRIV = 4,          /* device-private entry */
	KC_OTHER = 5,            /* another non-present entry (migration, ...) */
	KC_HUGE = 6,             /* PMD-mapped huge page */
};

#define KC_F_WRITE     0x01u     /* pte/pmd (or device-private entry) writable */
#define KC_F_SPECIAL   0x02u     /* pte_special */
#define KC_F_ZERO      0x04u     /* the zero page (or huge zero page) */
#define KC_F_OWNER     0x08u     /* device-private page of the owner at owner_addr */
#define KC_F_VM_READ   0x10u
#define KC_F_VM_WRITE  0x20u
#define KC_F_VM_PFNMAP 0x40u     /* VM_PFNMAP or VM_IO */
#define KC_F_VM_MIXED  0x80u     /* VM_MIXEDMAP */
#define KC_F_VM_HUGE   0x100u    /* VM_HUGEPAGE */

struct kc_pte {
	__u64 pfn;               /* present/huge: the pfn; device-private: its pfn */
	__u32 kind;              /* enum kc_kind */
	__u32 flags;             /* KC_F_* */
};

struct kc_inspect {
	__u64 start;
	__u64 npages;            /* at most KC_MAX_PAGES */
	__u64 owner_addr;        /* as in kc_fault, for KC_F_OWNER */
	__u64 out;               /* user pointer to npages struct kc_pte */
};

#define KC_MAX_PAGES (1UL << 20)

#define KC_IOC_INFO    _IOR('K', 0x40, struct kc_info)
#define KC_IOC_FAULT   _IOWR('K', 0x41, struct kc_fault)
#define KC_IOC_INSPECT _IOW('K', 0x42, struct kc_inspect)

#endif
