/*
 * workloads.h - seeded generators of address-space states: each workload is
 * a real situation a GPU driver meets when it calls hmm_range_fault(),
 * written as an emu_page_desc array that emu_mm_populate() builds.
 *
 *   mirror       every page present (rw, some ro); snapshot request.  A GPU
 *                revalidating a range after an mmu-notifier invalidation.
 *   first-touch  every page pte_none; write-fault request.  The first GPU
 *                access to freshly malloc'd memory.
 *   thp          PMD-mapped THPs (thp-rw, 2 MiB-aligned runs of 512);
 *                snapshot.  Memory the process touched with THP enabled.
 *   migrated     a share of the pages already in this device's memory
 *                (dev), the rest present rw; write request, so nothing
 *                faults.  A GPU re-faulting a range it partly migrated.
 *   mixed        a realistic mix: mostly rw, some ro, zero-page and swapped
 *                pages, THP runs where aligned, a few holes (novma) and dev
 *                pages; snapshot.
 *
 * Physical layout: system pfns come from [0x200000, 0x200000 + n) rounded
 * up to 512-pfn blocks; the blocks are visited in a seeded random order and
 * the 4 KiB pages inside a block are shuffled too (a huge page keeps its
 * block in order).  So pfns are unique, below 2^28 for every npages up to
 * 2^27 (valgrind's memmap limit), and scattered over the memmap as in a
 * process that has run for a while, which is what makes the conversion
 * pass's struct page reads cost what they cost.  Vram pages are
 * 0, 1, 2, ... in address order.
 *
 * Left out: special, pfnmap and noread pages (drivers do not ask HMM for
 * them on purpose; the page files and `verify` cover them).
 */
#ifndef PFNBENCH_WORKLOADS_H
#define PFNBENCH_WORKLOADS_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"

struct workload_params {
	uint64_t seed;          /* same seed, same npages: same description */
	double migrated_share;  /* "migrated": share of dev pages, 0..1 (0.5 if <= 0 or > 1) */
};

/*
 * How the real-kernel page-table source (kernel_source.c) shapes a workload
 * in a mapping of this process.  A workload without a shape is refused by
 * the config (source = kernel) and by kernel_source_create().
 */
enum workload_kernel_shape {
	WORKLOAD_KERNEL_NONE,      /* no shape yet: source = kernel refuses it */
	WORKLOAD_KERNEL_REFUSED,   /* a process cannot have it: kernel_why_not, cases skipped */
	WORKLOAD_KERNEL_WRITTEN,   /* every page written: present, writable */
	WORKLOAD_KERNEL_UNTOUCHED, /* nothing touched: every pte none */
	WORKLOAD_KERNEL_THP,       /* MADV_HUGEPAGE and written: PMD-mapped where the kernel could */
	WORKLOAD_KERNEL_MIXED,     /* seeded runs of states (kernel_source.c's header) */
};

/* One workload: everything the harness knows of it, in one place. */
struct workload {
	const char *name;
	const char *description;     /* one line: `pfnbench list workloads` */
	/* fill pages[0..n).state from the seeded generator rng */
	void (*generate)(struct emu_page_desc *pages, unsigned long n, uint64_t *rng,
			 const struct workload_params *wp);
	unsigned long align_pages;   /* the description covers whole multiples of this */
	enum emu_req request;        /* what the workload's driver asks for every page */
	enum workload_kernel_shape kernel_shape;
	const char *kernel_why_not;  /* WORKLOAD_KERNEL_REFUSED: why, for the skip reason */
};

/*
 * Every workload, ended by an entry whose name is NULL.  The order is part
 * of each workload's random stream (its index seeds it): append new ones.
 */
extern const struct workload workloads[];

/* The workload called name; NULL if there is none. */
const struct workload *workload_find(const char *name);

/* One-line description of a workload; NULL if the name is unknown. */
const char *workload_description(const char *name);
bool workload_exists(const char *name);
/* Does the real-kernel source know the workload (a shape, or a reason to skip it)? */
bool workload_kernel_declared(const char *name);

/*
 * Number of pages the description of `name` covers when a call asks for
 * npages: npages, except "thp", which rounds up to whole huge pages (512);
 * the call then covers the first npages of them (for npages < 512 the first
 * npages slots of one huge page).  0 if the name is unknown.
 */
unsigned long workload_mm_npages(const char *name, unsigned long npages);

/*
 * Generate the description: *pages_out is a malloc'd array of
 * workload_mm_npages(name, npages) entries (free() it), all with req
 * EMU_REQ_DEFAULT; *base_out is the address of the first page (2 MiB
 * aligned); *default_req_out the request the workload's driver passes for
 * every page.  Returns 0, -EINVAL (unknown name, npages 0 or above 2^27),
 * -ENOMEM.  Outputs are untouched on error.
 */
int workload_generate(const char *name, unsigned long npages, const struct workload_params *params,
		      unsigned long *base_out, struct emu_page_desc **pages_out, enum emu_req *default_req_out);

/* splitmix64: the generator behind every seeded choice of the harness. */
static inline uint64_t workload_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0); the modulo bias is below 2^-40 for n < 2^24. */
static inline uint64_t workload_rand_below(uint64_t *state, uint64_t n)
{
	return workload_rand(state) % n;
}

#endif
