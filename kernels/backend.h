/*
 * backend.h - the fault paths being compared: real drivers at real kernel
 * versions, behind one ops struct.
 *
 * A backend is the driver side of one GPU fault path as one driver shipped
 * it in one range of kernel versions (or, flagged PFN_CAP_HYPOTHETICAL, a
 * design no kernel shipped).  Its file's head names the kernel functions
 * and versions it models.  It declares what it is: driver, kernel versions,
 * era (A: v4.14-v4.16 HMM-owned low bits, B: v4.17-v5.7 driver tables,
 * C: v5.8+ fixed format) and its counterpart, the same driver's backend in
 * the other era, so that the harness pairs backends by declaration and never
 * by name.
 *
 * One harness call (struct pfn_call) asks a backend to mirror npages pages
 * from start.  The backend handles them the way its driver did, in windows
 * of at most `window` pages per hmm_range_fault() call (nouveau v5.2-v5.8
 * 16, v5.9+ 1, dmirror 64, NVIDIA UVM 512 within one 2 MiB va_block; 0:
 * one window of the whole call, as amdgpu and the 2018 thread's sketches).  Per
 * window the stages run in order, each a hook (NULL: the driver has no such
 * stage):
 *
 *   prepare   write the requests into the array the walk reads
 *   walk      hmm_range_fault() (including every fault it takes)
 *   alloc     allocate what the driver allocated per call (amdgpu's
 *             kvmalloc'ed pfn array; the 2018 thread's sketches: two
 *             kmalloc'ed arrays without the patch, one with it)
 *   convert   the driver's pass over the entries, into what it hands on
 *             (the ioctl words, a struct page array, an xarray)
 *   release   free what alloc allocated
 *
 * and, when params.iommu is set, the downstream map (gp100_vmm_pgt_pfn():
 * dma_map_page() per 4 KiB host page, or once per large page) between
 * convert and release, as nouveau's ioctl ran before the arrays went away;
 * a driver whose words are DMA addresses maps them itself there (ops->map:
 * v6.16's HMM DMA helpers, RDMA ODP).
 * A window may cover more pages than it walked: nouveau v5.9+ maps a whole
 * THP from one fault and skips the buffered faults inside it (w->handled).
 *
 * Output.  Each backend's own output word per page is documented in its
 * file and in docs/backends.md; pfn_call.words_out (optional, for encode
 * and verify) receives it, and ops->meaning() decodes a word into what it
 * says about the page, so that verify compares backends by meaning.  The
 * timed path writes only what the driver wrote.
 */
#ifndef PFNBENCH_BACKEND_H
#define PFNBENCH_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmm.h"
#include "iommu.h"
#include "mm.h"

#define PFN_CAP_FAULTS (1U << 0)       /* does fault work (all but null) */
#define PFN_CAP_PASS (1U << 2)         /* has a pass over the entries after the walk */
#define PFN_CAP_SNAPSHOT (1U << 4)     /* can mirror without faulting (request none) */
#define PFN_CAP_FAULT (1U << 5)        /* can fault for read/write requests */
#define PFN_CAP_PAGE_REQ (1U << 6)     /* takes a request per page (nouveau's fault buffer) */
#define PFN_CAP_HYPOTHETICAL (1U << 7) /* no kernel shipped it: a labelled bound */
#define PFN_CAP_PER_CALL_ALLOC (1U << 8) /* allocates per call (amdgpu's kvmalloc, the 2018 sketches' kmalloc) */
#define PFN_CAP_LARGE_MAPS (1U << 9)   /* maps a THP with one word (nouveau v5.9+) */
#define PFN_CAP_NO_DEVMEM (1U << 10)   /* no device memory: dev_private_owner NULL (amdgpu) */
#define PFN_CAP_STRICT_WRITE (1U << 11) /* a write request answered read-only fails the call (dmirror) */
#define PFN_CAP_OWN_REQUESTS (1U << 12) /* rewrites the requests it is given (UVM's request pass) */
#define PFN_CAP_PAGE_READS (1U << 13) /* its pass reads struct page per valid entry, declared where
					* traffic is not modelled (UVM); else traffic->pass_page_lines */

/* Era of the HMM pfn format a backend consumes (hmm-pfn.md). */
enum pfn_era {
	PFN_ERA_NONE,	/* null: no HMM at all */
	PFN_ERA_A,	/* v4.14-v4.16: HMM-owned low bits, pfn << 7 */
	PFN_ERA_B,	/* v4.17-v5.7: flags[]/values[]/pfn_shift, the driver's own words */
	PFN_ERA_C,	/* v5.8+: fixed high bits, the driver converts */
};

/* "A", "B", "C", "-". */
const char *pfn_era_name(enum pfn_era era);

struct pfn_backend;

/*
 * A page-table source other than the emulated walk, e.g. the real kernel
 * read through /proc/self/pagemap (harness/measure/kernel_source.c).  range_fault
 * fills range->hmm_pfns for [range->start, range->end) in encoding enc with
 * hmm_range_fault()'s semantics (requests, restart after faults) and
 * returns as it does.  Struct pages of the pfns it reports must exist in
 * params.mm's memmap, since the conversion passes read them.  Backends
 * whose walk differs by kernel version (everything but the 6.1 walk) use it
 * with that version's encoding only.
 */
struct pfn_walk_source {
	int (*range_fault)(void *ctx, struct hmm_range *range, const struct hmm_encoding *enc);
	void *ctx;
};

struct pfn_backend_params {
	struct emu_mm *mm;
	const struct pfn_walk_source *source; /* NULL: the emulated hmm_range_fault() */
	unsigned long max_npages;   /* largest call the harness will make */
	struct emu_iommu *iommu;    /* downstream DMA map per window (NULL: none) */
	unsigned long iommu_base;   /* the address GPU PTE 0 of iommu maps */
	/*
	 * The range the calls fall in (a GPU's mirrored range, an RDMA MR),
	 * for a driver that registers it once (RDMA ODP's umem).  0 pages:
	 * not known; such a driver registers what its first call covers.
	 */
	unsigned long range_start, range_npages;
};

/* One harness call: npages pages from start. */
struct pfn_call {
	unsigned long start;        /* virtual address of the first page */
	unsigned long npages;       /* <= params.max_npages */
	enum emu_req default_req;   /* NONE, READ or WRITE for every page */
	const uint8_t *page_req;    /* optional per-page enum emu_req (DEFAULT: use default_req) */
	uint64_t *words_out;        /* optional: npages output words (encode, verify) */
	uint64_t *hmm_out;          /* optional: npages HMM-stage words (encode --stage hmm) */
	/* outputs */
	unsigned long nr_walks, nr_faults, nr_windows;
};

/* One window of a call, as the hooks see it. */
struct pfn_window {
	unsigned long start;        /* first page's address */
	unsigned long npages;       /* pages walked (<= window) */
	unsigned long offset;       /* index of the first page in the call */
	unsigned long handled;      /* pages covered: npages, or more (a large mapping) */
	const struct pfn_call *call;
	uint64_t *hmm_pfns;         /* the array the walk writes */
	uint64_t *words;            /* where convert put the output words (dev_shift per word) */
	unsigned dev_shift;         /* page shift of each output word: 12, or 21 for a THP */
	unsigned long nr_words;     /* output words of this window */
	unsigned long map_start;    /* the address words[0] maps (a THP: aligned down) */
	bool done;                  /* every stage up to convert returned 0 */
	unsigned long nr_walks, nr_faults;
};

struct pfn_backend_stats {
	uint64_t bytes_persistent;    /* arrays held for the backend's lifetime */
	uint64_t bytes_allocated;     /* sum of allocations made in calls (per call; UVM: per new page) */
	uint64_t nr_allocations;      /* allocations made in calls */
	uint64_t pages;               /* pages handled */
	uint64_t calls;
	uint64_t windows;             /* hmm_range_fault() calls */
};

/* What an output word says about its page (ops->meaning). */
struct pfn_meaning {
	enum { PFN_M_NONE, PFN_M_ERROR, PFN_M_VALID } kind;
	bool vram;                    /* the page is in this device's memory */
	bool has_addr;                /* addr below is known (dmirror's snapshot byte has none) */
	uint64_t addr;                /* pfn for host pages, vram page for VRAM */
	int write;                    /* 1 writable, 0 read-only, -1 the word does not say */
	bool zero;                    /* the word says "zero page" (dmirror) */
};

/*
 * The memory traffic of a driver's own stages, per page, for the cost
 * model's floor (harness/analyze/costmodel.c counts the walk, the faults
 * and the DMA map itself, from the era, window and caps).  Bytes read
 * include write-allocate reads: an ordinary store to a line the stage has
 * not read first reads the line.  Each backend's file explains its
 * numbers.
 */
struct pfn_traffic {
	unsigned char prepare_r, prepare_w; /* the request written into the entry */
	unsigned char pass_r, pass_w;       /* the pass: entries read, words written */
	unsigned char pass_page_lines;      /* struct page lines the pass reads per valid entry */
	bool dma_map;                       /* its words go to the downstream map (params.iommu) */
};

struct pfn_backend_ops {
	const char *name;             /* "nouveau-v5.8" */
	const char *description;
	const char *driver;           /* "nouveau", "amdgpu", "dmirror", "nvidia-uvm", "nouveau (2018 thread sketch)", "-" */
	const char *kernel;           /* versions modelled: "v5.8", "v5.9-6.1" */
	enum pfn_era era;
	const char *counterpart;      /* same driver in the other era, or NULL */
	const struct hmm_kver *kver;  /* the walk it runs (hmm.h), NULL for null */
	unsigned window;              /* pages per hmm_range_fault() call, 0: the whole call */
	unsigned caps;
	const struct pfn_traffic *traffic; /* NULL: not modelled (an xarray, UVM's per-page state) */
	int (*init)(struct pfn_backend *b);
	void (*fini)(struct pfn_backend *b);
	int (*prepare)(struct pfn_backend *b, struct pfn_window *w);
	int (*walk)(struct pfn_backend *b, struct pfn_window *w);
	int (*alloc)(struct pfn_backend *b, struct pfn_window *w);
	int (*convert)(struct pfn_backend *b, struct pfn_window *w);
	void (*release)(struct pfn_backend *b, struct pfn_window *w);
	/*
	 * The driver's own map of the window's words for the device, in place
	 * of gp100_vmm_pgt_pfn()'s per-page one (emu_iommu_map_words(), which
	 * runs only when params.iommu is set): run after convert for every
	 * window with words, through params.iommu or dma-direct without one,
	 * and timed as the dma stage (RDMA ODP's populate_mtt(): v6.16's
	 * hmm_dma_map_pfn() per entry).  NULL: the per-page map.
	 */
	int (*map)(struct pfn_backend *b, struct pfn_window *w);
	/* decode one output word (words_out) */
	void (*meaning)(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m);
	/*
	 * words_out for a window whose output is not one word per page (a
	 * large mapping): one word per page of w->handled.  NULL: words[]
	 * copied as they are.  Untimed: encode and verify only.
	 */
	void (*expand)(const struct pfn_backend *b, const struct pfn_window *w, uint64_t *out);
	/*
	 * A driver that keeps per-page state across calls (NVIDIA UVM):
	 * apply the MMU notifier events the address space raised since it
	 * last looked (mm.h, emu_mmu_notify()), as its interval notifier's
	 * invalidate callback would have.  Every call does it first; see
	 * pfn_backend_mmu_notify().  NULL: no state to keep in step.
	 */
	void (*mmu_notify)(struct pfn_backend *b);
};

struct pfn_backend {
	const struct pfn_backend_ops *ops;
	struct pfn_backend_params params;
	unsigned long window;       /* effective pages per window */
	uint64_t *hmm_pfns;         /* the array the walk writes (window pages) */
	struct pfn_backend_stats stats;
	void *priv;                 /* the backend's own state (init/fini) */
	void *kv_cache;             /* pfn_kvmalloc()'s cached blocks (two slots) */
};

/* NULL-terminated table of every backend. */
extern const struct pfn_backend_ops *const pfn_backends[];
/* NULL when no backend has that name. */
const struct pfn_backend_ops *pfn_backend_find(const char *name);
/* The counterpart's ops, or NULL. */
const struct pfn_backend_ops *pfn_backend_counterpart(const struct pfn_backend_ops *ops);
/*
 * Does the backend's pass load struct page for every valid entry (its
 * declared traffic->pass_page_lines > 0, or PFN_CAP_PAGE_READS)?  Such a
 * pass costs what the pfns' struct pages cost to reach, so it means
 * nothing on pfns that are all 0 (source = kernel without CAP_SYS_ADMIN).
 */
bool pfn_backend_reads_struct_page(const struct pfn_backend_ops *ops);

/* 0, -EINVAL (no mm, max_npages 0), -ENOMEM.  *out NULL on error. */
int pfn_backend_create(const struct pfn_backend_ops *ops, const struct pfn_backend_params *params,
		       struct pfn_backend **out);
void pfn_backend_destroy(struct pfn_backend *b);

/*
 * Apply the address space's pending MMU notifier events to the backend's
 * state (ops->mmu_notify; nothing for a backend without one).  The kernel
 * runs these callbacks when the address space changes (munmap, a rebuilt
 * address space), not in the fault path: a harness that rebuilds the
 * address space between timed calls calls this untimed after the rebuild,
 * or the next call does the work in its prepare stage.
 */
void pfn_backend_mmu_notify(struct pfn_backend *b);

/*
 * Run a call: every window, every stage.  Returns 0 or the first -errno of
 * a window (-EFAULT, -EPERM, -ENOMEM from the walk, -ENOSPC from the
 * downstream map), or -EINVAL for a call larger than max_npages, -ENOTSUP
 * for a request the driver cannot make (ops->caps).  words_out and hmm_out,
 * when given, hold npages words each afterwards (on error, up to where the
 * call stopped).
 */
int pfn_backend_range_fault(struct pfn_backend *b, struct pfn_call *c);

/* Stages of the whole path, for the breakdown. */
enum pfn_stage {
	PFN_STAGE_PREPARE,  /* request preparation */
	PFN_STAGE_WALK,     /* hmm_range_fault(), faults included */
	PFN_STAGE_ALLOC,    /* per-call allocation and free */
	PFN_STAGE_CONVERT,  /* the driver's pass after the walk */
	PFN_STAGE_DMA,      /* downstream map (params.iommu) */
	PFN_STAGE_NR
};
extern const char *const pfn_stage_names[PFN_STAGE_NR];

/*
 * pfn_backend_range_fault() with a clock read around each stage of each
 * window, added to stage_ns[].  The clock reads cost time of their own, so
 * the sum of the stages exceeds an untimed call: use it for shares, not for
 * the headline time.  Same returns.
 */
int pfn_backend_range_fault_staged(struct pfn_backend *b, struct pfn_call *c, uint64_t (*now_ns)(void),
				   uint64_t stage_ns[PFN_STAGE_NR]);

#endif
