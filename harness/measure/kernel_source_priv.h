/*
 * kernel_source_priv.h - what kernel_source.c (the shapes, create, reset,
 * describe) and kernel_source_walk.c (pagemap, huge PMDs, the timed walk)
 * share.  Not for other modules.
 */
#ifndef PFNBENCH_KERNEL_SOURCE_PRIV_H
#define PFNBENCH_KERNEL_SOURCE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "hmm.h"
#include "kernel_source.h"
#include "pagemap_uapi.h"

#define KS_PMD_PAGES 512UL
#define KS_PMD_SIZE (KS_PMD_PAGES << PAGE_SHIFT)
#define KS_NPAGES_MAX (1UL << 27)

#define ks_inline static inline __attribute__((always_inline))

/* What the walk sees of a VMA of the shape. */
enum ks_vma_kind {
	KS_HOLE,   /* no VMA: hmm_vma_walk_hole() without a vma */
	KS_NOREAD, /* PROT_NONE: rejected by hmm_vma_walk_test() */
	KS_RO,     /* PROT_READ */
	KS_RW,     /* PROT_READ | PROT_WRITE */
};

struct ks_vma {
	unsigned long start, end; /* [start, end) */
	uint8_t kind;             /* enum ks_vma_kind */
	bool thp;                 /* MADV_HUGEPAGE: faults may make huge PMDs */
};

/* A run of pages created in one state (enum emu_page_state). */
struct ks_run {
	unsigned long first, npages; /* page indices from base */
	uint8_t state;
};

enum ks_huge_method { KS_HUGE_UNKNOWN, KS_HUGE_SCAN, KS_HUGE_KPAGEFLAGS };

struct kernel_source {
	struct pfn_walk_source walk;    /* range_fault = ks_range_fault, ctx = this */
	struct emu_mm *mm;              /* memmap the conversion passes read */
	char workload[16];
	unsigned long npages;           /* as asked */
	unsigned long mm_npages;        /* pages mapped: workload_mm_npages() */
	unsigned long base, end;        /* [base, end), base 2 MiB aligned */
	struct ks_run *runs;            /* sorted, adjacent runs differ in state */
	unsigned long nr_runs;
	unsigned long nr_applied;       /* runs put in their state so far (create) */
	struct ks_vma *vmas;            /* sorted, cover [base, end) */
	unsigned long nr_vmas;
	uint64_t *pm;                   /* pagemap entries of [base, end), by page index */
	unsigned long nr_pmds;          /* 2 MiB blocks overlapping [base, end) */
	uint8_t *pmd_huge;              /* per block: PMD-mapped at the last look */
	uint64_t *pmd_head;             /* per huge block: pfn of its first page */
	struct page_region *vec;        /* PAGEMAP_SCAN output, nr_pmds + 1 */
	int pagemap_fd, kpageflags_fd;  /* kpageflags_fd -1: not readable */
	enum ks_huge_method huge_method;
	bool pfns_real;                 /* pagemap shows pfns (CAP_SYS_ADMIN) */
	bool scan_available;            /* PAGEMAP_SCAN answered at run time */
	int scan_errno;                 /* its errno when it did not */
	int kpf_zero;                   /* KPF_ZERO_PAGE of zero_pfn: 1, 0, -1 unknown */
	int scan_zero;                  /* PAGE_IS_PFNZERO of the probe page: 1, 0, -1 */
	unsigned long zero_pfn;         /* 0: unknown */
	unsigned long pfn_limit;        /* mm's memmap covers [0, pfn_limit) */
	char thp_mode[16], thp_defrag[32];
	long swap_total_kb;             /* -1: unknown */
	unsigned long nr_thp_requested; /* 2 MiB blocks made MADV_HUGEPAGE */
	unsigned long nr_thp_refused;   /* ... that stayed rw because THP is never */
	unsigned long nr_swap_skipped;  /* mixed pages the emulated mix swaps */
	unsigned long nr_dev_skipped;   /* mixed pages the emulated mix has in vram */
};


/* Read entries of [start, end) into ks->pm.  0 or -errno (-EIO if short). */
int ks_pagemap_read(struct kernel_source *ks, unsigned long start, unsigned long end);
/* The /proc/kpageflags word of pfn.  0, -ENOENT (not readable), -EIO. */
int ks_kpageflags(const struct kernel_source *ks, unsigned long pfn, uint64_t *flags);
/* Back the memmap of every pfn present in [base, end) (one pread).  0 or -errno. */
int ks_memmap_back_all(struct kernel_source *ks);
/* Look at which of the 2 MiB blocks [first, last) are PMD-mapped.  0 or -errno. */
int ks_huge_refresh(struct kernel_source *ks, unsigned long first, unsigned long last);
/* pfn_walk_source.range_fault: hmm_range_fault() over the real page table. */
int ks_range_fault(void *ctx, struct hmm_range *range, const struct hmm_encoding *enc);

#endif
