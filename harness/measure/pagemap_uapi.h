/*
 * pagemap_uapi.h - /proc/self/pagemap as the kernel documents it
 * (Documentation/admin-guide/mm/pagemap.rst): the entry bits, the
 * kpageflags bits used here, and the PAGEMAP_SCAN ioctl of Linux 6.7+
 * (from <linux/fs.h>, or a copy of that UAPI when this build's headers are
 * older).  Shared by kernel_source*.c and hugepages.c.
 */
#ifndef PFNBENCH_PAGEMAP_UAPI_H
#define PFNBENCH_PAGEMAP_UAPI_H

#include <stdint.h>
#include <sys/ioctl.h>

#include <linux/fs.h>

/* ---- PAGEMAP_SCAN: <linux/fs.h> of Linux 6.7+, or a copy of that UAPI ---- */
#ifdef PAGEMAP_SCAN
#define KS_SCAN_ABI "linux/fs.h"
#else
#define KS_SCAN_ABI "pfnbench's copy of the Linux 6.7 UAPI (this build's <linux/fs.h> has no PAGEMAP_SCAN)"
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_PFNZERO (1 << 5)
#define PAGE_IS_HUGE (1 << 6)
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif

/* entry bits */
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define KPF_THP 22
#define KPF_ZERO_PAGE 24

#endif
