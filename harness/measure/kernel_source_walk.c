/*
 * kernel_source_walk.c - hmm_range_fault() over the real page table of
 * this process (kernel_source.h): pagemap reads, the huge PMDs, the
 * memmap the conversion passes read, and the walk, which is what a
 * source = kernel case times.
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
 *    the copy in kernel_source_priv.h; a kernel without it answers ENOTTY/EINVAL), else from
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
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel_source_priv.h"

/* Read entries of [start, end) into ks->pm.  0 or -errno (-EIO if short). */
int ks_pagemap_read(struct kernel_source *ks, unsigned long start, unsigned long end)
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

int ks_kpageflags(const struct kernel_source *ks, unsigned long pfn, uint64_t *flags)
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
int ks_memmap_back_all(struct kernel_source *ks)
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
int ks_huge_refresh(struct kernel_source *ks, unsigned long first, unsigned long last)
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
int ks_range_fault(void *ctx, struct hmm_range *range, const struct hmm_encoding *enc)
{
	if (enc == &hmm_encoding_fixed)
		return ks_range_fault_common(ctx, range, &hmm_encoding_fixed);
	if (!enc)
		return -EINVAL;
	return ks_range_fault_common(ctx, range, enc);
}

