/*
 * kernel_source.c - hmm_range_fault() over the real page table of this
 * process, read through /proc/self/pagemap (kernel_source.h).
 *
 * The shapes (one anonymous private mapping, 2 MiB aligned, MADV_DONTFORK so
 * that a fork of the harness never write-protects it, MADV_NOHUGEPAGE
 * except where a shape asks for huge pages, so that THP=always does not
 * change a shape):
 *
 *   mirror       every page written (MADV_POPULATE_WRITE): present and
 *                writable, 4 KiB PTEs; snapshot request.  The emulated
 *                mirror's 1/8 read-only pages are left out: a real page is
 *                read-only either by its VMA (see mixed) or by COW sharing.
 *   first-touch  nothing touched (MADV_DONTNEED on reset): every PTE none;
 *                write request, so each call faults every page.
 *   thp          MADV_HUGEPAGE, then written: PMD-mapped THPs where the
 *                kernel could allocate them (describe says N of M);
 *                snapshot.  THP "never" (or no THP in the kernel) is
 *                refused with the reason.
 *   mixed        a quarter of the whole 2 MiB blocks are MADV_HUGEPAGE
 *                THPs (rw when THP is "never"); the rest is seeded runs
 *                (a run never crosses a 2 MiB boundary), per draw: 2% a
 *                hole of 1-8 pages (munmap), else a run of 1-16 pages:
 *                64% written rw, 3% written then PROT_NONE, 10% written
 *                then mprotect PROT_READ (a read-only VMA), 6%
 *                read-touched only (the shared zero page), 9% never
 *                touched, 6% written rw.  The last two stand in for the
 *                emulated mix's swapped (4 of the 9) and device pages:
 *                the source does not push pages to swap (this machine
 *                has none; describe says whether one does) and a
 *                process has no device memory.  mprotect and
 *                MADV_HUGEPAGE split VMAs, as they do in real programs.
 *   migrated     refused: device-private memory needs a ZONE_DEVICE driver.
 *
 * The walk (range_fault) mirrors kernels/hmm.c: per VMA of the shape
 * (a hole or a PROT_NONE VMA is filled with values[ERROR], or -EFAULT if a
 * fault was requested there: hmm_vma_walk_hole / hmm_vma_walk_test), per
 * PMD step, per page; hmm_pte_need_fault() decides; a fault populates
 * [addr, end of the step) with MADV_POPULATE_WRITE (-EPERM first if the
 * VMA is read-only) or MADV_POPULATE_READ, any failure is -EFAULT, and the
 * walk restarts from `last`, reading pagemap again.  Words: valid pages are
 * pfn << pfn_shift | VALID | WRITE? (| order 9 for has_order encodings on
 * a huge PMD), pages not present values[NONE].
 *
 * What pagemap does and does not reveal, and what stands in for it:
 *  - presence (bit 63), swap (62), pfn (0-54): read as the walk advances.
 *    Pfns are real with CAP_SYS_ADMIN and 0 without.
 *  - write permission is not in pagemap.  It is the VMA's protection (which
 *    this source set) and bit 56 (PM_MMAP_EXCLUSIVE): a present page of a
 *    writable private VMA is reported writable when it is mapped
 *    exclusively, so the shared zero page and COW-shared pages come out
 *    read-only, as their PTEs are.  The zero page's pfn is detected (a
 *    read-touched private page) and reported as a normal read-only page.
 *  - PMD mappings are not in pagemap either.  Which PMDs are huge is taken
 *    at create and reset (untimed) and again after every fault in a THP
 *    VMA: from the PAGEMAP_SCAN ioctl's PAGE_IS_HUGE (Linux 6.7+; the ABI
 *    comes from <linux/fs.h> or, when this build's headers predate it, from
 *    the copy below; a kernel without it answers ENOTTY/EINVAL), else from
 *    /proc/kpageflags (KPF_THP on 512 present, contiguous, aligned pfns;
 *    needs CAP_SYS_ADMIN), else unknown (never huge).  During a walk a
 *    recorded huge PMD counts only if its first page still has the
 *    recorded pfn (or, without real pfns, is still present), so a THP the
 *    kernel split or moved since is walked page by page.  A THP that
 *    khugepaged made since the last look is walked as 512 PTEs: its pfns
 *    are right, its order bits are 0.
 *  - swap entries are "not present": a requested fault populates them
 *    (swap-in), otherwise values[NONE], as hmm_vma_handle_pte does.
 *    Migration entries look the same and are faulted too (the kernel's
 *    walk would wait or fail); a shape never makes them.
 *
 * Timed per walk pass: preads of 8 bytes per page, one PMD (2 MiB of
 * address space) first and doubling from there, so that a pass that stops
 * at a fault has read about as far as it got (the kernel's walk reads only
 * what it reaches; one pread of the whole rest per pass would make a
 * first-touch call over n PMDs read n^2/2 PMDs of entries) and a pass over
 * n PMDs makes about log2(n) preads; then the per-page loop, which makes no
 * system call.  A memmap section is backed (a syscall) only for a pfn not
 * seen before, which after create or reset means after a fault.  Faults
 * cost madvise() and, in THP VMAs, one PAGEMAP_SCAN.
 *
 * Left out: VM_IO/VM_PFNMAP VMAs and special PTEs (a private anonymous
 * mapping has none), device-private entries, locking against other threads
 * (nothing else touches the mapping; an unrelated mmap of another thread
 * could land in one of mixed's holes, which this source would still report
 * as ERROR).
 */
#include "kernel_source.h"
#include "msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/fs.h>

#include "hmm.h"

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

/* Documentation/admin-guide/mm/pagemap.rst */
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define KPF_THP 22
#define KPF_ZERO_PAGE 24

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


/* ---- small readers --------------------------------------------------- */

/* The bracketed word of a sysfs THP file ("always [madvise] never"), or "". */
static void read_bracketed(const char *path, char *out, size_t len)
{
	char buf[256];
	FILE *f = fopen(path, "re");
	char *a, *b;

	out[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f) && (a = strchr(buf, '[')) && (b = strchr(a, ']'))) {
		*b = '\0';
		snprintf(out, len, "%s", a + 1);
	}
	fclose(f);
}

static long read_swap_total_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SwapTotal: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Read entries of [start, end) into ks->pm.  0 or -errno (-EIO if short). */
static int ks_pagemap_read(struct kernel_source *ks, unsigned long start, unsigned long end)
{
	char *dst = (char *)(ks->pm + ((start - ks->base) >> PAGE_SHIFT));
	size_t left = ((end - start) >> PAGE_SHIFT) * sizeof(uint64_t);
	off_t off = (off_t)((start >> PAGE_SHIFT) * sizeof(uint64_t));

	while (left) {
		ssize_t n = pread(ks->pagemap_fd, dst, left, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		dst += n;
		off += n;
		left -= (size_t)n;
	}
	return 0;
}

static int ks_kpageflags(const struct kernel_source *ks, unsigned long pfn, uint64_t *flags)
{
	if (ks->kpageflags_fd < 0)
		return -ENOENT;
	if (pread(ks->kpageflags_fd, flags, sizeof(*flags), (off_t)(pfn * sizeof(uint64_t))) != sizeof(*flags))
		return -EIO;
	return 0;
}

/* ---- memmap and huge PMDs (outside the timed loop) ------------------- */

/* Back the emulated struct page of pfn.  0, -ERANGE past pfn_limit, -ENOMEM. */
static __attribute__((noinline)) int ks_memmap_back(struct kernel_source *ks, unsigned long pfn)
{
	if (pfn >= ks->pfn_limit)
		return -ERANGE;
	return emu_memmap_populate(&ks->mm->memmap, pfn, 1);
}

/* Back the memmap of every pfn present in [base, end) (one pread). */
static int ks_memmap_back_all(struct kernel_source *ks)
{
	int ret = ks_pagemap_read(ks, ks->base, ks->end);

	for (unsigned long i = 0; !ret && i < ks->mm_npages; i++) {
		unsigned long pfn = ks->pm[i] & PM_PFN_MASK;
		if ((ks->pm[i] & PM_PRESENT) && !emu_pfn_valid(&ks->mm->memmap, pfn))
			ret = ks_memmap_back(ks, pfn);
	}
	return ret;
}

/*
 * Look at which of the 2 MiB blocks [first, last) are PMD-mapped.  Reads
 * pagemap for them too (for the head pfns).  0 or -errno.
 */
static int ks_huge_refresh(struct kernel_source *ks, unsigned long first, unsigned long last)
{
	unsigned long start = ks->base + first * KS_PMD_SIZE;
	unsigned long end = ks->base + last * KS_PMD_SIZE;
	int ret;

	if (end > ks->end)
		end = ks->end;
	memset(ks->pmd_huge + first, 0, last - first);
	if (start >= end || ks->huge_method == KS_HUGE_UNKNOWN)
		return 0;
	ret = ks_pagemap_read(ks, start, end);
	if (ret)
		return ret;
	if (ks->huge_method == KS_HUGE_SCAN) {
		struct pm_scan_arg arg = {
			.size = sizeof(arg), .start = start, .end = end, .vec = (uintptr_t)ks->vec,
			.vec_len = ks->nr_pmds + 1, .category_mask = PAGE_IS_HUGE, .return_mask = PAGE_IS_HUGE,
		};
		while (arg.start < end) {
			long n = ioctl(ks->pagemap_fd, PAGEMAP_SCAN, &arg);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			for (long r = 0; r < n; r++) {
				/* whole blocks only: a huge PMD maps all 512 pages */
				unsigned long b0 = (ks->vec[r].start - ks->base + KS_PMD_SIZE - 1) / KS_PMD_SIZE;
				unsigned long b1 = (ks->vec[r].end - ks->base) / KS_PMD_SIZE;
				for (unsigned long b = b0; b < b1; b++)
					ks->pmd_huge[b] = 1;
			}
			if (arg.walk_end <= arg.start)
				break;
			arg.start = arg.walk_end;
		}
	} else {
		/* kpageflags: 512 present, contiguous pfns from an aligned one, KPF_THP */
		for (unsigned long b = first; b < last; b++) {
			const uint64_t *e = ks->pm + b * KS_PMD_PAGES;
			unsigned long head = e[0] & PM_PFN_MASK, k;
			uint64_t kf;

			if ((b + 1) * KS_PMD_PAGES > ks->mm_npages || !(e[0] & PM_PRESENT) || head % KS_PMD_PAGES)
				continue;
			for (k = 1; k < KS_PMD_PAGES; k++)
				if (!(e[k] & PM_PRESENT) || (e[k] & PM_PFN_MASK) != head + k)
					break;
			if (k == KS_PMD_PAGES && !ks_kpageflags(ks, head, &kf) && (kf >> KPF_THP & 1))
				ks->pmd_huge[b] = 1;
		}
	}
	for (unsigned long b = first; b < last; b++)
		ks->pmd_head[b] = ks->pmd_huge[b] ? (ks->pm[b * KS_PMD_PAGES] & PM_PFN_MASK) : 0;
	return 0;
}

/* ---- the walk ---------------------------------------------------------- */

struct ks_walk {
	struct kernel_source *ks;
	struct hmm_range *range;
	const struct hmm_encoding *enc;
	unsigned long last;
	unsigned long read_end;     /* this pass has read pagemap for [last, read_end) */
	unsigned long chunk_bytes;  /* the next pread covers this much more */
};

/*
 * Make sure this pass has read pagemap up to step_end.  The preads of a
 * pass grow from one PMD (2 MiB of address space) by doubling, so a pass
 * that stops at a fault after k PMDs has read at most 2k, as the kernel's
 * walk reads only what it reaches, and a pass over n PMDs makes about
 * log2(n) preads.  0 or -errno.
 */
ks_inline int ks_pagemap_ensure(struct ks_walk *w, unsigned long addr, unsigned long step_end)
{
	unsigned long to;
	int ret;

	if (step_end <= w->read_end)
		return 0;
	if (w->read_end < addr) /* skipped a hole or a PROT_NONE VMA */
		w->read_end = addr;
	to = w->read_end + w->chunk_bytes;
	to = ((to - w->ks->base + KS_PMD_SIZE - 1) & ~(KS_PMD_SIZE - 1)) + w->ks->base;
	if (to < step_end)
		to = step_end;
	if (to > w->range->end)
		to = w->range->end;
	ret = ks_pagemap_read(w->ks, w->read_end, to);
	if (ret)
		return ret;
	w->read_end = to;
	w->chunk_bytes *= 2;
	return 0;
}

#define ENC_VALID(e) ((e)->flags[HMM_PFN_FLAG_VALID])
#define ENC_WRITE(e) ((e)->flags[HMM_PFN_FLAG_WRITE])

/* hmm_range_need_fault() of kernels/hmm.c. */
ks_inline unsigned ks_range_need_fault(const struct ks_walk *w, const uint64_t *hmm_pfns, unsigned long npages,
				       uint64_t cpu_flags)
{
	const struct hmm_range *range = w->range;
	unsigned required_fault = 0;

	if (!((range->default_flags | range->pfn_flags_mask) & ENC_VALID(w->enc)))
		return 0;
	for (unsigned long i = 0; i < npages; ++i) {
		required_fault |= hmm_pte_need_fault(range, w->enc, hmm_pfns[i], cpu_flags);
		if (required_fault == HMM_NEED_ALL_BITS)
			return required_fault;
	}
	return required_fault;
}

/* The populate of hmm_vma_fault(): -EBUSY when it worked, else -EFAULT / -errno. */
static __attribute__((noinline)) int ks_populate(struct kernel_source *ks, const struct ks_vma *vma,
						 unsigned long addr, unsigned long end, int advice)
{
	int ret;

	while ((ret = madvise((void *)addr, end - addr, advice)) && errno == EINTR)
		;
	if (ret)
		return -EFAULT;
	if (vma->thp) {
		/* the fault may have made a huge PMD: look again at this block */
		unsigned long b = (addr - ks->base) / KS_PMD_SIZE;
		ret = ks_huge_refresh(ks, b, b + 1);
		if (ret)
			return ret;
	}
	return -EBUSY;
}

/* hmm_vma_fault(): fault [addr, end), then restart from addr. */
ks_inline int ks_vma_fault(struct ks_walk *w, const struct ks_vma *vma, unsigned long addr, unsigned long end,
			   unsigned required_fault)
{
	int advice = MADV_POPULATE_READ;

	w->last = addr;
	if (required_fault & HMM_NEED_WRITE_FAULT) {
		if (vma->kind != KS_RW)
			return -EPERM;
		advice = MADV_POPULATE_WRITE;
	}
	/* one handle_mm_fault() per page, as the emulated walk counts */
	w->range->nr_faults += (end - addr) >> PAGE_SHIFT;
	return ks_populate(w->ks, vma, addr, end, advice);
}

ks_inline void ks_fill(uint64_t *hmm_pfns, unsigned long npages, uint64_t value)
{
	for (unsigned long i = 0; i < npages; i++)
		hmm_pfns[i] = value;
}

ks_inline bool ks_pfn_backed(const struct kernel_source *ks, unsigned long pfn)
{
	return emu_pfn_valid(&ks->mm->memmap, pfn);
}

/* One PMD step [addr, end) of a readable VMA: hmm_vma_walk_pmd(). */
ks_inline int ks_walk_pmd(struct ks_walk *w, const struct ks_vma *vma, unsigned long addr, unsigned long end)
{
	struct kernel_source *ks = w->ks;
	struct hmm_range *range = w->range;
	const struct hmm_encoding *enc = w->enc;
	uint64_t *hmm_pfns = &range->hmm_pfns[(addr - range->start) >> PAGE_SHIFT];
	const uint64_t *pe = &ks->pm[(addr - ks->base) >> PAGE_SHIFT];
	unsigned long npages = (end - addr) >> PAGE_SHIFT;
	unsigned long blk = (addr - ks->base) / KS_PMD_SIZE;
	uint64_t write = vma->kind == KS_RW ? ENC_WRITE(enc) : 0;
	unsigned required_fault;
	int ret;

	if (ks->pmd_huge[blk] && (pe[0] & PM_PRESENT) &&
	    (!ks->pfns_real ||
	     (pe[0] & PM_PFN_MASK) == ks->pmd_head[blk] + (((addr - ks->base) >> PAGE_SHIFT) % KS_PMD_PAGES))) {
		/* hmm_vma_handle_pmd() */
		uint64_t cpu_flags = ENC_VALID(enc) | ((pe[0] & PM_MMAP_EXCLUSIVE) ? write : 0);
		unsigned long pfn = pe[0] & PM_PFN_MASK;

		if (enc->has_order)
			cpu_flags |= (uint64_t)HPAGE_PMD_ORDER << enc->order_shift;
		required_fault = ks_range_need_fault(w, hmm_pfns, npages, cpu_flags);
		if (required_fault)
			return ks_vma_fault(w, vma, addr, end, required_fault);
		/* a 2 MiB-aligned pfn block never crosses a memmap section */
		if (!ks_pfn_backed(ks, pfn) && (ret = ks_memmap_back(ks, pfn)))
			return ret;
		/* pmd_pfn + i; without real pfns pagemap shows 0 for every page */
		const unsigned long inc = ks->pfns_real;
		for (unsigned long i = 0; i < npages; i++, pfn += inc)
			hmm_pfns[i] = ((uint64_t)pfn << enc->pfn_shift) | cpu_flags;
		return 0;
	}
	/* hmm_vma_handle_pte() per page */
	for (unsigned long i = 0; i < npages; i++) {
		uint64_t e = pe[i], cpu_flags;
		unsigned long pfn;

		if (!(e & PM_PRESENT)) {
			/* pte_none or a swap entry: fault if asked, else NONE */
			required_fault = hmm_pte_need_fault(range, enc, hmm_pfns[i], 0);
			if (required_fault)
				return ks_vma_fault(w, vma, addr + (i << PAGE_SHIFT), end, required_fault);
			hmm_pfns[i] = enc->values[HMM_PFN_VALUE_NONE];
			continue;
		}
		/* not exclusive: the zero page or a COW-shared page, mapped read-only */
		cpu_flags = ENC_VALID(enc) | ((e & PM_MMAP_EXCLUSIVE) ? write : 0);
		required_fault = hmm_pte_need_fault(range, enc, hmm_pfns[i], cpu_flags);
		if (required_fault)
			return ks_vma_fault(w, vma, addr + (i << PAGE_SHIFT), end, required_fault);
		pfn = e & PM_PFN_MASK;
		if (__builtin_expect(!ks_pfn_backed(ks, pfn), 0) && (ret = ks_memmap_back(ks, pfn)))
			return ret;
		hmm_pfns[i] = ((uint64_t)pfn << enc->pfn_shift) | cpu_flags;
	}
	return 0;
}

/* The VMA containing addr (the VMAs cover [base, end)). */
static const struct ks_vma *ks_find_vma(const struct kernel_source *ks, unsigned long addr)
{
	unsigned long lo = 0, hi = ks->nr_vmas;

	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (ks->vmas[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &ks->vmas[lo];
}

/* One walk_page_range() pass over [w->last, range->end). */
ks_inline int ks_walk_pass(struct ks_walk *w)
{
	struct kernel_source *ks = w->ks;
	struct hmm_range *range = w->range;
	unsigned long addr = w->last, end = range->end;
	const struct ks_vma *vma;
	int ret;

	w->read_end = addr;
	w->chunk_bytes = KS_PMD_SIZE;
	for (vma = ks_find_vma(ks, addr); addr < end; vma++) {
		unsigned long next = end < vma->end ? end : vma->end;

		if (vma->kind == KS_HOLE || vma->kind == KS_NOREAD) {
			/* hmm_vma_walk_hole() without a vma / hmm_vma_walk_test() */
			uint64_t *hmm_pfns = &range->hmm_pfns[(addr - range->start) >> PAGE_SHIFT];
			unsigned long npages = (next - addr) >> PAGE_SHIFT;

			if (ks_range_need_fault(w, hmm_pfns, npages, 0))
				return -EFAULT;
			ks_fill(hmm_pfns, npages, w->enc->values[HMM_PFN_VALUE_ERROR]);
			addr = next;
			continue;
		}
		while (addr < next) {
			unsigned long step = ((addr - ks->base) / KS_PMD_SIZE + 1) * KS_PMD_SIZE + ks->base;

			if (step > next)
				step = next;
			ret = ks_pagemap_ensure(w, addr, step);
			if (ret)
				return ret;
			ret = ks_walk_pmd(w, vma, addr, step);
			if (ret)
				return ret;
			addr = step;
		}
	}
	return 0;
}

ks_inline int ks_range_fault_common(struct kernel_source *ks, struct hmm_range *range,
				    const struct hmm_encoding *enc)
{
	struct ks_walk w = { .ks = ks, .range = range, .enc = enc, .last = range->start };
	unsigned long max_walks;
	int ret;

	range->nr_walks = 0;
	range->nr_faults = 0;
	if (!range->hmm_pfns || range->start >= range->end || ((range->start | range->end) & ~PAGE_MASK) ||
	    range->start < ks->base || range->end > ks->end)
		return -EINVAL;
	/* each restart follows a populate that worked; bound it anyway */
	max_walks = 2 * ((range->end - range->start) >> PAGE_SHIFT) + 8;
	do {
		if (++range->nr_walks > max_walks)
			return -EDEADLK;
		ret = ks_walk_pass(&w);
		/* entries below w.last hold outputs, from w.last on requests */
	} while (ret == -EBUSY);
	return ret;
}

/*
 * pfn_walk_source.range_fault.  The fixed format gets its own copy of the
 * walk with the table folded in, as hmm_range_fault() has; any other
 * encoding is read at run time.
 */
static int ks_range_fault(void *ctx, struct hmm_range *range, const struct hmm_encoding *enc)
{
	if (enc == &hmm_encoding_fixed)
		return ks_range_fault_common(ctx, range, &hmm_encoding_fixed);
	if (!enc)
		return -EINVAL;
	return ks_range_fault_common(ctx, range, enc);
}

/* ---- shapes ------------------------------------------------------------- */

static int ks_run_add(struct kernel_source *ks, unsigned long *cap, unsigned long first, unsigned long n,
		      uint8_t state)
{
	struct ks_run *r;

	if (ks->nr_runs && ks->runs[ks->nr_runs - 1].state == state &&
	    ks->runs[ks->nr_runs - 1].first + ks->runs[ks->nr_runs - 1].npages == first) {
		ks->runs[ks->nr_runs - 1].npages += n;
		return 0;
	}
	if (ks->nr_runs == *cap) {
		unsigned long ncap = *cap ? 2 * *cap : 16;
		r = realloc(ks->runs, ncap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		ks->runs = r;
		*cap = ncap;
	}
	ks->runs[ks->nr_runs++] = (struct ks_run){ .first = first, .npages = n, .state = state };
	return 0;
}

/* mixed: see the file header.  Same seed and npages, same layout. */
static int ks_gen_mixed(struct kernel_source *ks, uint64_t seed, bool thp_ok)
{
	uint64_t rng = seed * 0x2545f4914f6cdd1dULL + 0x6b73; /* a stream of its own */
	unsigned long n = ks->mm_npages, cap = 0;
	int ret = 0;

	for (unsigned long i = 0; i < n && !ret;) {
		unsigned long blk_end = (i / KS_PMD_PAGES + 1) * KS_PMD_PAGES, len;
		unsigned r;
		uint8_t s;

		if (blk_end > n)
			blk_end = n;
		if (i % KS_PMD_PAGES == 0 && n - i >= KS_PMD_PAGES && workload_rand_below(&rng, 4) == 0) {
			ks->nr_thp_requested++;
			if (!thp_ok)
				ks->nr_thp_refused++;
			ret = ks_run_add(ks, &cap, i, KS_PMD_PAGES, thp_ok ? EMU_PAGE_THP_RW : EMU_PAGE_RW);
			i += KS_PMD_PAGES;
			continue;
		}
		r = (unsigned)workload_rand_below(&rng, 100);
		if (r < 2) {
			s = EMU_PAGE_NOVMA;
			len = 1 + workload_rand_below(&rng, 8);
		} else {
			len = 1 + workload_rand_below(&rng, 16);
			s = r < 66 ? EMU_PAGE_RW
			  : r < 69 ? EMU_PAGE_NOREAD
			  : r < 79 ? EMU_PAGE_ROVMA
			  : r < 85 ? EMU_PAGE_ZERO
			  : r < 94 ? EMU_PAGE_NONE
				   : EMU_PAGE_RW;
		}
		if (len > blk_end - i)
			len = blk_end - i;
		if (r >= 85 && r < 89)
			ks->nr_swap_skipped += len;
		else if (r >= 94)
			ks->nr_dev_skipped += len;
		ret = ks_run_add(ks, &cap, i, len, s);
		i += len;
	}
	return ret;
}

static int ks_madvise(unsigned long addr, unsigned long len, int advice)
{
	int ret;

	while ((ret = madvise((void *)addr, len, advice)) && errno == EINTR)
		;
	return ret ? -errno : 0;
}

/* Put run r in its state (create) or back into it (reset). */
static int ks_run_apply(struct kernel_source *ks, const struct ks_run *r, bool reset, char *why, size_t whylen)
{
	unsigned long addr = ks->base + (r->first << PAGE_SHIFT), len = r->npages << PAGE_SHIFT;
	const char *call = "";
	int ret = 0;

	switch (r->state) {
	case EMU_PAGE_RW:
		call = "madvise(MADV_POPULATE_WRITE)";
		ret = ks_madvise(addr, len, MADV_POPULATE_WRITE);
		break;
	case EMU_PAGE_THP_RW:
		call = "madvise(MADV_HUGEPAGE)";
		if (!reset)
			ret = ks_madvise(addr, len, MADV_HUGEPAGE);
		if (!ret) {
			call = "madvise(MADV_POPULATE_WRITE)";
			ret = ks_madvise(addr, len, MADV_POPULATE_WRITE);
		}
		break;
	case EMU_PAGE_ZERO:
		/* a write fault may have replaced the zero page */
		call = "madvise(MADV_DONTNEED)";
		if (reset)
			ret = ks_madvise(addr, len, MADV_DONTNEED);
		if (!ret) {
			call = "madvise(MADV_POPULATE_READ)";
			ret = ks_madvise(addr, len, MADV_POPULATE_READ);
		}
		break;
	case EMU_PAGE_NONE:
		call = "madvise(MADV_DONTNEED)";
		if (reset)
			ret = ks_madvise(addr, len, MADV_DONTNEED);
		break;
	case EMU_PAGE_ROVMA:
	case EMU_PAGE_NOREAD:
		/* neither can change: a write is -EPERM, a read finds them present / is refused */
		if (reset)
			break;
		call = "madvise(MADV_POPULATE_WRITE)";
		ret = ks_madvise(addr, len, MADV_POPULATE_WRITE);
		if (!ret) {
			call = "mprotect";
			if (mprotect((void *)addr, len, r->state == EMU_PAGE_ROVMA ? PROT_READ : PROT_NONE))
				ret = -errno;
		}
		break;
	case EMU_PAGE_NOVMA:
		if (reset)
			break;
		call = "munmap";
		if (munmap((void *)addr, len))
			ret = -errno;
		break;
	default:
		ret = -EINVAL;
		call = "unknown state";
	}
	if (ret)
		msg_printf(why, whylen, "%s: %s of pages %lu-%lu (%s) failed: %s", ks->workload, call, r->first,
			r->first + r->npages - 1, emu_page_state_name(r->state), strerror(-ret));
	return ret;
}

static uint8_t ks_vma_kind_of(uint8_t state)
{
	switch (state) {
	case EMU_PAGE_NOVMA: return KS_HOLE;
	case EMU_PAGE_NOREAD: return KS_NOREAD;
	case EMU_PAGE_ROVMA: return KS_RO;
	default: return KS_RW;
	}
}

static int ks_build_vmas(struct kernel_source *ks)
{
	ks->vmas = calloc(ks->nr_runs, sizeof(*ks->vmas));
	if (!ks->vmas)
		return -ENOMEM;
	for (unsigned long i = 0; i < ks->nr_runs; i++) {
		const struct ks_run *r = &ks->runs[i];
		uint8_t kind = ks_vma_kind_of(r->state);
		bool thp = r->state == EMU_PAGE_THP_RW;
		unsigned long s = ks->base + (r->first << PAGE_SHIFT), e = s + (r->npages << PAGE_SHIFT);
		struct ks_vma *v = ks->nr_vmas ? &ks->vmas[ks->nr_vmas - 1] : NULL;

		if (v && v->kind == kind && v->thp == thp && v->end == s)
			v->end = e;
		else
			ks->vmas[ks->nr_vmas++] = (struct ks_vma){ .start = s, .end = e, .kind = kind, .thp = thp };
	}
	return 0;
}

/*
 * Probe the kernel with one read-touched private page: MADV_POPULATE_READ
 * (Linux 5.14+), the zero page's pfn, PAGEMAP_SCAN.  0 or -ENOTSUP/-errno.
 */
static int ks_probe(struct kernel_source *ks, char *why, size_t whylen)
{
	void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t e = 0, kf;
	int ret;

	if (p == MAP_FAILED) {
		msg_printf(why, whylen, "mmap of a probe page failed: %s", strerror(errno));
		return -errno;
	}
	ret = ks_madvise((unsigned long)p, PAGE_SIZE, MADV_POPULATE_READ);
	if (ret) {
		msg_printf(why, whylen, "madvise(MADV_POPULATE_READ) failed (%s): faults need Linux 5.14 or later",
			strerror(-ret));
		ret = ret == -EINVAL ? -ENOTSUP : ret;
		goto out_unmap;
	}
	if (pread(ks->pagemap_fd, &e, sizeof(e), (off_t)(((uintptr_t)p >> PAGE_SHIFT) * sizeof(e))) != sizeof(e)) {
		ret = -EIO;
		msg_printf(why, whylen, "cannot read /proc/self/pagemap");
		goto out_unmap;
	}
	ks->zero_pfn = (e & PM_PRESENT) ? (e & PM_PFN_MASK) : 0;
	ks->pfns_real = ks->zero_pfn != 0;
	ks->kpf_zero = -1;
	if (ks->pfns_real && !ks_kpageflags(ks, ks->zero_pfn, &kf))
		ks->kpf_zero = (int)(kf >> KPF_ZERO_PAGE & 1);
	{
		struct page_region reg = { 0 };
		struct pm_scan_arg arg = {
			.size = sizeof(arg), .start = (uintptr_t)p, .end = (uintptr_t)p + PAGE_SIZE,
			.vec = (uintptr_t)&reg, .vec_len = 1,
			.return_mask = PAGE_IS_PRESENT | PAGE_IS_PFNZERO | PAGE_IS_HUGE,
		};
		long n = ioctl(ks->pagemap_fd, PAGEMAP_SCAN, &arg);

		ks->scan_available = n >= 0;
		ks->scan_errno = n < 0 ? errno : 0;
		ks->scan_zero = n == 1 ? !!(reg.categories & PAGE_IS_PFNZERO) : -1;
	}
	ret = 0;
out_unmap:
	munmap(p, PAGE_SIZE);
	return ret;
}

/* ---- public ------------------------------------------------------------ */

int kernel_source_create(const char *workload, unsigned long npages, const struct workload_params *wp,
			 struct emu_mm *mm, enum emu_req *req_out, struct kernel_source **out, char *why,
			 size_t whylen)
{
	const struct workload *w;
	struct kernel_source *ks;
	bool thp_ok;
	unsigned long cap = 0;
	size_t len;
	void *map;
	int ret;

	if (out)
		*out = NULL;
	msg_printf(why, whylen, "%s", "");
	if (!out || !req_out || !mm || !workload) {
		msg_printf(why, whylen, "kernel source: missing argument");
		return -EINVAL;
	}
	w = workload_find(workload);
	if (w && w->kernel_shape == WORKLOAD_KERNEL_REFUSED) {
		msg_printf(why, whylen, "%s: %s", w->name, w->kernel_why_not);
		return -ENOTSUP;
	}
	if (w && w->kernel_shape == WORKLOAD_KERNEL_NONE) {
		msg_printf(why, whylen, "kernel source: workload \"%s\" has no real-kernel shape (see workloads.c)",
			   workload);
		return -EINVAL;
	}
	if (!w || npages == 0 || npages > KS_NPAGES_MAX) {
		msg_printf(why, whylen, "kernel source: unknown workload \"%s\" or npages %lu outside 1..2^27", workload,
			npages);
		return -EINVAL;
	}
	if (sysconf(_SC_PAGESIZE) != (long)PAGE_SIZE) {
		msg_printf(why, whylen, "kernel source: page size %ld, the walk assumes 4096", sysconf(_SC_PAGESIZE));
		return -ENOTSUP;
	}
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return -ENOMEM;
	ks->pagemap_fd = ks->kpageflags_fd = -1;
	ks->mm = mm;
	ks->pfn_limit = mm->memmap.pfn_limit;
	snprintf(ks->workload, sizeof(ks->workload), "%s", workload);
	ks->npages = npages;
	ks->mm_npages = workload_mm_npages(workload, npages);
	ks->walk = (struct pfn_walk_source){ .range_fault = ks_range_fault, .ctx = ks };
	read_bracketed("/sys/kernel/mm/transparent_hugepage/enabled", ks->thp_mode, sizeof(ks->thp_mode));
	read_bracketed("/sys/kernel/mm/transparent_hugepage/defrag", ks->thp_defrag, sizeof(ks->thp_defrag));
	thp_ok = ks->thp_mode[0] && strcmp(ks->thp_mode, "never");
	ks->swap_total_kb = read_swap_total_kb();
	if (w->kernel_shape == WORKLOAD_KERNEL_THP && !thp_ok) {
		if (ks->thp_mode[0])
			msg_printf(why, whylen, "thp: transparent hugepages are disabled "
					     "(/sys/kernel/mm/transparent_hugepage/enabled = %s)", ks->thp_mode);
		else
			msg_printf(why, whylen, "thp: this kernel has no transparent hugepages "
					     "(no /sys/kernel/mm/transparent_hugepage/enabled)");
		ret = -ENOTSUP;
		goto err;
	}

	ks->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (ks->pagemap_fd < 0) {
		ret = -errno;
		msg_printf(why, whylen, "cannot open /proc/self/pagemap: %s", strerror(errno));
		ret = ret == -ENOENT ? -ENOTSUP : ret;
		goto err;
	}
	ks->kpageflags_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC); /* root only; optional */
	ret = ks_probe(ks, why, whylen);
	if (ret)
		goto err;
	ks->huge_method = ks->scan_available ? KS_HUGE_SCAN
			: (ks->kpageflags_fd >= 0 && ks->pfns_real) ? KS_HUGE_KPAGEFLAGS
								    : KS_HUGE_UNKNOWN;

	/* the mapping: 2 MiB aligned, trimmed */
	len = ks->mm_npages << PAGE_SHIFT;
	map = mmap(NULL, len + KS_PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		msg_printf(why, whylen, "%s: mmap of %zu bytes failed: %s", workload, len, strerror(errno));
		goto err;
	}
	ks->base = ((uintptr_t)map + KS_PMD_SIZE - 1) & ~(KS_PMD_SIZE - 1);
	ks->end = ks->base + len;
	if (ks->base > (uintptr_t)map)
		munmap(map, ks->base - (uintptr_t)map);
	if ((uintptr_t)map + len + KS_PMD_SIZE > ks->end)
		munmap((void *)ks->end, (uintptr_t)map + len + KS_PMD_SIZE - ks->end);
	ret = ks_madvise(ks->base, len, MADV_DONTFORK);
	if (!ret && thp_ok)
		ret = ks_madvise(ks->base, len, MADV_NOHUGEPAGE);
	if (ret) {
		msg_printf(why, whylen, "%s: madvise(MADV_DONTFORK/MADV_NOHUGEPAGE) failed: %s", workload,
			strerror(-ret));
		goto err;
	}

	switch (w->kernel_shape) {
	case WORKLOAD_KERNEL_WRITTEN:
		ret = ks_run_add(ks, &cap, 0, ks->mm_npages, EMU_PAGE_RW);
		break;
	case WORKLOAD_KERNEL_UNTOUCHED:
		ret = ks_run_add(ks, &cap, 0, ks->mm_npages, EMU_PAGE_NONE);
		break;
	case WORKLOAD_KERNEL_THP:
		ks->nr_thp_requested = ks->mm_npages / KS_PMD_PAGES;
		ret = ks_run_add(ks, &cap, 0, ks->mm_npages, EMU_PAGE_THP_RW);
		break;
	case WORKLOAD_KERNEL_MIXED:
		ret = ks_gen_mixed(ks, wp ? wp->seed : 1, thp_ok);
		break;
	default:
		ret = -EINVAL;   /* refused above */
	}
	if (!ret)
		ret = ks_build_vmas(ks);
	if (ret) {
		msg_printf(why, whylen, "%s: out of memory describing %lu pages", workload, ks->mm_npages);
		goto err;
	}
	for (unsigned long i = 0; i < ks->nr_runs; i++) {
		ret = ks_run_apply(ks, &ks->runs[i], false, why, whylen);
		if (ret)
			goto err;
		ks->nr_applied = i + 1;
	}

	ks->nr_pmds = (ks->mm_npages + KS_PMD_PAGES - 1) / KS_PMD_PAGES;
	ks->pm = malloc(ks->mm_npages * sizeof(*ks->pm));
	ks->pmd_huge = calloc(ks->nr_pmds, 1);
	ks->pmd_head = calloc(ks->nr_pmds, sizeof(*ks->pmd_head));
	ks->vec = calloc(ks->nr_pmds + 1, sizeof(*ks->vec));
	if (!ks->pm || !ks->pmd_huge || !ks->pmd_head || !ks->vec) {
		ret = -ENOMEM;
		msg_printf(why, whylen, "%s: out of memory for the pagemap buffer of %lu pages", workload, ks->mm_npages);
		goto err;
	}
	ret = ks_huge_refresh(ks, 0, ks->nr_pmds);
	if (!ret)
		ret = ks_memmap_back_all(ks);
	if (ret) {
		if (ret == -ERANGE)
			msg_printf(why, whylen, "%s: a pfn of the mapping is above the emulated memmap's pfn_limit %#lx",
				workload, ks->pfn_limit);
		else
			msg_printf(why, whylen, "%s: reading the page table or backing the memmap failed: %s", workload,
				strerror(-ret));
		goto err;
	}
	*req_out = w->request;
	*out = ks;
	return 0;
err:
	kernel_source_destroy(ks);
	return ret;
}

const struct pfn_walk_source *kernel_source_walk(struct kernel_source *ks)
{
	return &ks->walk;
}

unsigned long kernel_source_base(const struct kernel_source *ks)
{
	return ks->base;
}

unsigned long kernel_source_npages(const struct kernel_source *ks)
{
	return ks->mm_npages;
}

int kernel_source_page_state(const struct kernel_source *ks, unsigned long i)
{
	unsigned long lo = 0, hi = ks->nr_runs;

	if (i >= ks->mm_npages || !ks->nr_runs)
		return -1;
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (ks->runs[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return ks->runs[lo].state;
}

int kernel_source_pmd_huge(const struct kernel_source *ks, unsigned long i)
{
	if (i >= ks->mm_npages || ks->huge_method == KS_HUGE_UNKNOWN)
		return -1;
	return ks->pmd_huge[i / KS_PMD_PAGES];
}

unsigned long kernel_source_zero_pfn(const struct kernel_source *ks)
{
	return ks->zero_pfn;
}

int kernel_source_reset(struct kernel_source *ks)
{
	int ret = 0;

	for (unsigned long i = 0; i < ks->nr_runs && !ret; i++)
		ret = ks_run_apply(ks, &ks->runs[i], true, NULL, 0);
	if (!ret)
		ret = ks_huge_refresh(ks, 0, ks->nr_pmds);
	/* back new pfns now, so that the timed walk does not */
	if (!ret)
		ret = ks_memmap_back_all(ks);
	return ret;
}

static const char *ks_huge_method_name(enum ks_huge_method m)
{
	switch (m) {
	case KS_HUGE_SCAN: return "PAGEMAP_SCAN PAGE_IS_HUGE";
	case KS_HUGE_KPAGEFLAGS: return "/proc/kpageflags KPF_THP on 512 contiguous aligned pfns";
	default: return "unknown (no PAGEMAP_SCAN, /proc/kpageflags unreadable): every PMD walked as PTEs";
	}
}

/* json_object_set_new() that remembers a failure. */
static void jset(json_t *obj, const char *key, json_t *v, int *ret)
{
	if (!v || json_object_set_new(obj, key, v))
		*ret = -ENOMEM;
}

static json_t *jbool_or_null(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

int kernel_source_describe(const struct kernel_source *ks, json_t *obj)
{
	unsigned long counts[EMU_PAGE_NR_STATES] = { 0 }, huge = 0, nr_vmas = 0;
	char buf[64];
	struct utsname u;
	json_t *o;
	int ret = 0;

	if (!ks || !obj)
		return -EINVAL;
	for (unsigned long i = 0; i < ks->nr_runs; i++)
		counts[ks->runs[i].state] += ks->runs[i].npages;
	for (unsigned long b = 0; b < ks->nr_pmds; b++)
		huge += ks->pmd_huge[b];
	for (unsigned long i = 0; i < ks->nr_vmas; i++)
		nr_vmas += ks->vmas[i].kind != KS_HOLE;

	jset(obj, "source", json_string("kernel"), &ret);
	jset(obj, "workload", json_string(ks->workload), &ret);
	jset(obj, "npages", json_integer((json_int_t)ks->npages), &ret);
	jset(obj, "mapped_pages", json_integer((json_int_t)ks->mm_npages), &ret);
	snprintf(buf, sizeof(buf), "%#lx", ks->base);
	jset(obj, "base", json_string(buf), &ret);
	jset(obj, "kernel", json_string(uname(&u) ? "unknown" : u.release), &ret);

	o = json_object();
	jset(obj, "interfaces", o, &ret);
	if (o) {
		json_t *s = json_object();
		jset(o, "walk", json_string("pread of /proc/self/pagemap as the walk advances (one PMD, then "
					    "doubling): presence, swap, pfn, exclusive bit"), &ret);
		jset(o, "faults", json_string("madvise MADV_POPULATE_WRITE / MADV_POPULATE_READ over [addr, end of "
					      "the PMD step), then the walk restarts from last"), &ret);
		jset(o, "pagemap_scan", s, &ret);
		if (s) {
			jset(s, "abi", json_string(KS_SCAN_ABI), &ret);
			jset(s, "available", json_boolean(ks->scan_available), &ret);
			jset(s, "error", ks->scan_available ? json_null() : json_string(strerror(ks->scan_errno)), &ret);
		}
		jset(o, "kpageflags_readable", json_boolean(ks->kpageflags_fd >= 0), &ret);
		jset(o, "huge_pmds_from", json_string(ks_huge_method_name(ks->huge_method)), &ret);
	}
	jset(obj, "pfns", json_string(ks->pfns_real ? "real"
				      : "zero: pagemap hides pfns without CAP_SYS_ADMIN, every valid word has pfn 0"),
	     &ret);
	jset(obj, "write_permission",
	     json_string("not in pagemap: the protection this source gave the VMA, and for writable VMAs the "
			 "exclusive bit (56): the zero page and COW-shared pages are read-only"), &ret);

	o = json_object();
	jset(obj, "thp", o, &ret);
	if (o) {
		jset(o, "enabled", json_string(ks->thp_mode[0] ? ks->thp_mode : "unsupported"), &ret);
		jset(o, "defrag", json_string(ks->thp_defrag[0] ? ks->thp_defrag : "unsupported"), &ret);
		jset(o, "pmds", json_integer((json_int_t)ks->nr_pmds), &ret);
		jset(o, "pmds_requested", json_integer((json_int_t)ks->nr_thp_requested), &ret);
		jset(o, "pmds_refused_thp_never", json_integer((json_int_t)ks->nr_thp_refused), &ret);
		jset(o, "pmds_huge", ks->huge_method == KS_HUGE_UNKNOWN ? json_null() : json_integer((json_int_t)huge),
		     &ret);
	}
	o = json_object();
	jset(obj, "zero_page", o, &ret);
	if (o) {
		jset(o, "pfn", ks->zero_pfn ? json_integer((json_int_t)ks->zero_pfn) : json_null(), &ret);
		jset(o, "detected_by", json_string("pagemap pfn of a read-touched private page"), &ret);
		jset(o, "kpageflags_zero_page", jbool_or_null(ks->kpf_zero), &ret);
		jset(o, "pagemap_scan_pfnzero", jbool_or_null(ks->scan_zero), &ret);
		jset(o, "reported_as", json_string("a normal read-only page"), &ret);
	}
	o = json_object();
	jset(obj, "swap", o, &ret);
	if (o) {
		jset(o, "available", json_boolean(ks->swap_total_kb > 0), &ret);
		jset(o, "swap_total_kb", ks->swap_total_kb < 0 ? json_null() : json_integer(ks->swap_total_kb), &ret);
		jset(o, "swapped_pages", json_integer(0), &ret);
		jset(o, "note", json_string(ks->swap_total_kb > 0
					    ? "this source does not push pages to swap; mixed's swap share is untouched"
					    : "this machine has no swap; mixed's swap share is untouched (none)"),
		     &ret);
	}
	o = json_object();
	jset(obj, "page_states", o, &ret);
	for (int s = 0; o && s < EMU_PAGE_NR_STATES; s++)
		if (counts[s])
			jset(o, emu_page_state_name(s), json_integer((json_int_t)counts[s]), &ret);
	jset(obj, "vmas", json_integer((json_int_t)nr_vmas), &ret);
	jset(obj, "holes", json_integer((json_int_t)(ks->nr_vmas - nr_vmas)), &ret);
	jset(obj, "mixed_swap_pages_left_untouched", json_integer((json_int_t)ks->nr_swap_skipped), &ret);
	jset(obj, "mixed_dev_pages_made_rw", json_integer((json_int_t)ks->nr_dev_skipped), &ret);
	return ret;
}

void kernel_source_destroy(struct kernel_source *ks)
{
	if (!ks)
		return;
	if (ks->base) {
		if (ks->nr_runs) {
			/* unmap our runs, never the holes: another mmap may live there now */
			for (unsigned long i = 0; i < ks->nr_runs; i++)
				if (ks->runs[i].state != EMU_PAGE_NOVMA || i >= ks->nr_applied)
					munmap((void *)(ks->base + (ks->runs[i].first << PAGE_SHIFT)),
					       ks->runs[i].npages << PAGE_SHIFT);
		} else {
			munmap((void *)ks->base, ks->end - ks->base);
		}
	}
	if (ks->pagemap_fd >= 0)
		close(ks->pagemap_fd);
	if (ks->kpageflags_fd >= 0)
		close(ks->kpageflags_fd);
	free(ks->runs);
	free(ks->vmas);
	free(ks->pm);
	free(ks->pmd_huge);
	free(ks->pmd_head);
	free(ks->vec);
	free(ks);
}
