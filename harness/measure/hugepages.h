/*
 * hugepages.h - how much of the emulator's page tables and memmap the
 * kernel really put on 2 MiB pages.
 *
 * x86-64 maps the vmemmap with 2 MiB pages and reaches page-table pages
 * through the direct map's huge pages, so kernels/ asks for huge pages for
 * both (kernels/mm.h: 2 MiB-aligned ranges advised MADV_HUGEPAGE).  Whether
 * the kernel granted them depends on the THP mode, fragmentation and the
 * policy of the node: this module looks, after a case ran, at every
 * page-table chunk (CPU and I/O page tables) and every backed memmap
 * section of the case's emu_mm, and counts the bytes resident and the bytes
 * on PMD-mapped huge pages:
 *
 *   PAGEMAP_SCAN  the /proc/self/pagemap ioctl (Linux 6.7+) with
 *                 PAGE_IS_PRESENT | PAGE_IS_HUGE: exact per 4 KiB page,
 *                 no privilege needed
 *   smaps         otherwise /proc/self/smaps: Rss and AnonHugePages of each
 *                 mapping that overlaps the ranges, in proportion to the
 *                 overlap (exact when a mapping lies inside the ranges)
 *
 * PFNBENCH_HUGEPAGES_METHOD=smaps forces the second (tests compare both).
 * The sweep adds each case's numbers to meta.json's "hugepages"
 * (hugepages_tally()), which the report's header prints.
 *
 * Left out: the HMM and driver arrays and the data frames (4 KiB pages, as
 * the stacks and kvmalloc()s they stand for may be), and hugetlb pages
 * (kernels/mm.h says why they are not used).
 */
#ifndef PFNBENCH_HUGEPAGES_H
#define PFNBENCH_HUGEPAGES_H

#include <stdint.h>

#include <jansson.h>

#include "iommu.h"
#include "mm.h"

enum hugepages_kind { HUGEPAGES_PGTABLE, HUGEPAGES_MEMMAP, HUGEPAGES_NR };

struct hugepages_usage {
	uint64_t resident[HUGEPAGES_NR]; /* bytes present */
	uint64_t huge[HUGEPAGES_NR];     /* of which on PMD-mapped huge pages */
	const char *method;              /* "PAGEMAP_SCAN PAGE_IS_HUGE" or "smaps AnonHugePages" */
};

/* meta.json's names of the kinds: "pgtable", "memmap". */
extern const char *const hugepages_kind_name[HUGEPAGES_NR];

/*
 * Count mm's page-table chunks and backed memmap sections, and io's I/O
 * page-table chunks (io may be NULL).  Returns 0, -ENOMEM, or -errno of
 * opening /proc/self/pagemap or smaps.
 */
int hugepages_measure(const struct emu_mm *mm, const struct emu_iommu *io, struct hugepages_usage *u);

/*
 * Add u, measured after a run of case case_name, to meta.json's
 * "hugepages" object obj: per kind ("pgtable", "memmap") resident_bytes
 * and huge_bytes summed over the runs, huge_share, and the run with the
 * smallest share (lowest_share, lowest_case); "method", "advice" and
 * "checks" (runs counted).  0 or -ENOMEM.
 */
int hugepages_tally(json_t *obj, const char *case_name, const struct hugepages_usage *u);

#endif
