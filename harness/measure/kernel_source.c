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
 * The walk itself (range_fault, timed) and what pagemap does and does
 * not reveal are described in kernel_source_walk.c.
 *
 * Left out: VM_IO/VM_PFNMAP VMAs and special PTEs (a private anonymous
 * mapping has none), device-private entries, locking against other threads
 * (nothing else touches the mapping; an unrelated mmap of another thread
 * could land in one of mixed's holes, which this source would still report
 * as ERROR).
 */
#include "kernel_source_priv.h"
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

/* /proc/self/pagemap, /proc/kpageflags when readable, and what the kernel offers.  0 or -errno, why filled. */
static int ks_open_pagemap(struct kernel_source *ks, char *why, size_t whylen)
{
	int ret;

	ks->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (ks->pagemap_fd < 0) {
		ret = -errno;
		msg_printf(why, whylen, "cannot open /proc/self/pagemap: %s", strerror(errno));
		return ret == -ENOENT ? -ENOTSUP : ret;
	}
	ks->kpageflags_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC); /* root only; optional */
	ret = ks_probe(ks, why, whylen);
	if (ret)
		return ret;
	ks->huge_method = ks->scan_available ? KS_HUGE_SCAN
			: (ks->kpageflags_fd >= 0 && ks->pfns_real) ? KS_HUGE_KPAGEFLAGS
								    : KS_HUGE_UNKNOWN;
	return 0;
}

/* The mapping: 2 MiB aligned, trimmed, never inherited, no THP unless a shape asks.  0 or -errno. */
static int ks_map(struct kernel_source *ks, bool thp_ok, char *why, size_t whylen)
{
	size_t len = ks->mm_npages << PAGE_SHIFT;
	void *map = mmap(NULL, len + KS_PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0);
	int ret;

	if (map == MAP_FAILED) {
		ret = -errno;
		msg_printf(why, whylen, "%s: mmap of %zu bytes failed: %s", ks->workload, len, strerror(errno));
		return ret;
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
	if (ret)
		msg_printf(why, whylen, "%s: madvise(MADV_DONTFORK/MADV_NOHUGEPAGE) failed: %s", ks->workload,
			   strerror(-ret));
	return ret;
}

/* Describe the workload's shape as runs and VMAs and put every run in its state.  0 or -errno. */
static int ks_shape(struct kernel_source *ks, const struct workload *w, uint64_t seed, bool thp_ok, char *why,
		    size_t whylen)
{
	unsigned long cap = 0;
	int ret;

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
		ret = ks_gen_mixed(ks, seed, thp_ok);
		break;
	default:
		ret = -EINVAL;   /* refused by kernel_source_create() */
	}
	if (!ret)
		ret = ks_build_vmas(ks);
	/* the same VMAs in the emulated mm (once), for the drivers that clip their windows to one */
	for (unsigned long i = 0, mirror = ks->mm->nr_vmas == 0; !ret && mirror && i < ks->nr_vmas; i++) {
		static const unsigned long flags[] = { [KS_NOREAD] = 0, [KS_RO] = VM_READ, [KS_RW] = VM_READ | VM_WRITE };
		const struct ks_vma *v = &ks->vmas[i];

		if (v->kind != KS_HOLE)
			ret = emu_mm_add_vma(ks->mm, v->start, v->end, flags[v->kind] | (v->thp ? VM_HUGEPAGE : 0));
	}
	if (ret) {
		msg_printf(why, whylen, "%s: out of memory describing %lu pages", ks->workload, ks->mm_npages);
		return ret;
	}
	for (unsigned long i = 0; i < ks->nr_runs; i++) {
		ret = ks_run_apply(ks, &ks->runs[i], false, why, whylen);
		if (ret)
			return ret;
		ks->nr_applied = i + 1;
	}
	return 0;
}

/* The pagemap buffers, the first look at the huge PMDs, the memmap of every present pfn.  0 or -errno. */
static int ks_look(struct kernel_source *ks, char *why, size_t whylen)
{
	int ret;

	ks->nr_pmds = (ks->mm_npages + KS_PMD_PAGES - 1) / KS_PMD_PAGES;
	ks->pm = malloc(ks->mm_npages * sizeof(*ks->pm));
	ks->pmd_huge = calloc(ks->nr_pmds, 1);
	ks->pmd_head = calloc(ks->nr_pmds, sizeof(*ks->pmd_head));
	ks->vec = calloc(ks->nr_pmds + 1, sizeof(*ks->vec));
	if (!ks->pm || !ks->pmd_huge || !ks->pmd_head || !ks->vec) {
		msg_printf(why, whylen, "%s: out of memory for the pagemap buffer of %lu pages", ks->workload,
			   ks->mm_npages);
		return -ENOMEM;
	}
	ret = ks_huge_refresh(ks, 0, ks->nr_pmds);
	if (!ret)
		ret = ks_memmap_back_all(ks);
	if (ret == -ERANGE)
		msg_printf(why, whylen, "%s: a pfn of the mapping is above the emulated memmap's pfn_limit %#lx",
			   ks->workload, ks->pfn_limit);
	else if (ret)
		msg_printf(why, whylen, "%s: reading the page table or backing the memmap failed: %s", ks->workload,
			   strerror(-ret));
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

	ret = ks_open_pagemap(ks, why, whylen);
	if (!ret)
		ret = ks_map(ks, thp_ok, why, whylen);
	if (!ret)
		ret = ks_shape(ks, w, wp ? wp->seed : 1, thp_ok, why, whylen);
	if (!ret)
		ret = ks_look(ks, why, whylen);
	if (ret)
		goto err;
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

bool kernel_source_pfns_real(const struct kernel_source *ks)
{
	return ks && ks->pfns_real;
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
