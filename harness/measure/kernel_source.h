/*
 * kernel_source.h - the real kernel as a page-table source: the backends'
 * walk run over an anonymous mapping of this process, read through
 * /proc/self/pagemap, instead of over the emulated address space.
 *
 * A kernel_source shapes a 2 MiB-aligned anonymous mapping like one of the
 * workloads (workloads.h) and implements struct pfn_walk_source
 * (kernels/backend.h): range_fault() is hmm_range_fault() with the real
 * page table as its input.  Preads of /proc/self/pagemap (a few per walk
 * pass, none per page) give presence and pfns; the per-page decisions use
 * hmm_pte_need_fault()
 * (kernels/hmm.h), faults are MADV_POPULATE_READ / MADV_POPULATE_WRITE over
 * [addr, end of the PMD step), and a fault makes the walk restart from
 * `last`, as hmm_walk_common() does.  kernel_source.c's header lists what
 * the kernel does and does not reveal this way.
 *
 * The pfns reported are real (with CAP_SYS_ADMIN; pfn 0 without).  The
 * backends' conversion passes read the emulated struct page of every pfn, so
 * the source backs the emulated memmap section of every pfn it reports; a
 * zero-filled struct page reads as an ordinary system page, which is what a
 * page of real RAM is.
 *
 * Left out: device-private memory (a process has none without a ZONE_DEVICE
 * driver, so "migrated" is refused), swap (see kernel_source.c), mmu
 * notifiers and every lock: nothing else changes the mapping while a walk
 * runs, except the kernel itself (khugepaged, compaction), which the walk
 * sees as it would.
 */
#ifndef PFNBENCH_KERNEL_SOURCE_H
#define PFNBENCH_KERNEL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "backend.h"
#include "mm.h"
#include "workloads.h"

struct kernel_source;

/*
 * Shape a real anonymous mapping of this process like workload `workload`
 * (mirror, first-touch, thp, mixed) over workload_mm_npages(workload,
 * npages) pages, 2 MiB aligned, and fill *req_out with the workload's
 * request (mirror, thp, mixed: EMU_REQ_NONE; first-touch: EMU_REQ_WRITE).
 * wp->seed chooses mixed's layout (wp may be NULL: seed 1).  mm is the
 * emulated mm whose memmap the conversion passes read; the source backs the
 * memmap sections of the pfns it reports and must not outlive mm.
 * Returns 0, -EINVAL (unknown workload, npages 0 or above 2^27, no mm),
 * -ENOTSUP (why says what: "migrated", THP disabled for "thp", no
 * MADV_POPULATE_* before Linux 5.14, a page size other than 4 KiB, no
 * /proc/self/pagemap), -ENOMEM, -ERANGE (a pfn above mm's pfn_limit) or
 * another -errno of mmap/madvise/mprotect/pread (why names the call).
 * *out is NULL on error.
 */
int kernel_source_create(const char *workload, unsigned long npages, const struct workload_params *wp,
			 struct emu_mm *mm, enum emu_req *req_out, struct kernel_source **out, char *why,
			 size_t whylen);

/* The pfn_walk_source to put in pfn_backend_params.source; valid until destroy. */
const struct pfn_walk_source *kernel_source_walk(struct kernel_source *ks);

/* Address of the first page (2 MiB aligned). */
unsigned long kernel_source_base(const struct kernel_source *ks);

/* Pages of the mapping: workload_mm_npages(workload, npages). */
unsigned long kernel_source_npages(const struct kernel_source *ks);

/*
 * The state page i (0 .. kernel_source_npages() - 1) was created in, as an
 * enum emu_page_state: EMU_PAGE_RW (written), EMU_PAGE_ROVMA (written, then
 * mprotect PROT_READ), EMU_PAGE_ZERO (read-touched only: the zero page),
 * EMU_PAGE_NONE (never touched), EMU_PAGE_NOREAD (PROT_NONE),
 * EMU_PAGE_NOVMA (unmapped hole), EMU_PAGE_THP_RW (MADV_HUGEPAGE, written:
 * PMD-mapped if the kernel could, see kernel_source_pmd_huge()).
 * Returns -1 for i out of range.
 */
int kernel_source_page_state(const struct kernel_source *ks, unsigned long i);

/*
 * Whether the PMD holding page i was found PMD-mapped (THP) when the
 * source was created or last reset: 1 yes, 0 no, -1 unknown (neither
 * PAGEMAP_SCAN nor /proc/kpageflags could tell) or i out of range.
 */
int kernel_source_pmd_huge(const struct kernel_source *ks, unsigned long i);

/*
 * The pfn of the kernel's shared zero page as pagemap reports it for a
 * read-touched private page; 0 when unknown (no CAP_SYS_ADMIN: pagemap
 * shows pfn 0 for every page).
 */
unsigned long kernel_source_zero_pfn(const struct kernel_source *ks);

/*
 * Does pagemap show real pfns (CAP_SYS_ADMIN)?  false: every valid word has
 * pfn 0, so a pass that loads struct page per entry loads one line over and
 * over (case.c refuses to time such backends, with the reason).
 */
bool kernel_source_pfns_real(const struct kernel_source *ks);

/*
 * Untimed: restore the created states after a pass faulted (first-touch:
 * MADV_DONTNEED; mirror, thp: populate again; mixed: both, per run) and
 * look again at which PMDs are huge.  Returns 0, or -errno of the madvise
 * that failed.
 */
int kernel_source_reset(struct kernel_source *ks);

/*
 * Add to obj what the kernel did and did not reveal: interfaces used
 * (pagemap pread; PAGEMAP_SCAN compiled/available; kpageflags), whether
 * pfns are real, where write permission comes from, THP mode and the huge
 * PMDs achieved, the zero page pfn, swap, page-state counts, VMAs.
 * Returns 0 or -ENOMEM.
 */
int kernel_source_describe(const struct kernel_source *ks, json_t *obj);

/* Unmap what the source mapped (never its holes) and free it.  NULL-safe. */
void kernel_source_destroy(struct kernel_source *ks);

#endif
