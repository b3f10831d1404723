/*
 * case.h - the case runner: one backend on one address space, set up,
 * passed over, rebuilt and freed.  The Google Benchmark driver
 * (sweep_gbench.c) and the callgrind driver (sweep_callgrind.c) time or
 * count its passes; `pfnbench encode` builds its one call's address space
 * and backend with it.
 *
 *   case_run_setup()     placement and binding, the address space of the
 *                        case's workload (emulated, or the real page table
 *                        through kernel_source.h), the backend, the DMA
 *                        model, perf counters and the cache flush buffer
 *   case_run_space_pages() + case_run_backend()
 *                        the same from a page description (encode)
 *   case_run_pass()      one pass over the range, one call per batch: the
 *                        measured unit (see sweep_gbench.c for the timed
 *                        region, sweep_callgrind.c for the counted one)
 *   case_run_rebuild()   put the address space back after a pass faulted
 *   case_run_cache_flush()  cache = cold: evict the caches (untimed)
 *   case_run_free()      everything the run holds
 *
 * Left out on purpose: timing, counters, results (the drivers' business),
 * and verify, which runs every backend on one shared emulated mm of 2^40
 * pfns (one such memmap reservation fits, one per backend would not).
 */
#ifndef PFNBENCH_CASE_H
#define PFNBENCH_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "backend.h"
#include "config.h"
#include "iommu.h"
#include "mm.h"
#include "results.h"

struct topo;
struct placement_ctx;
struct kernel_source;
struct perf_counters;

/* pfns of workloads stay below 2^28; the device range ends at 0x11000000 */
#define CASE_PFN_LIMIT (EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR)

/* One case: everything but the backend. */
struct case_desc {
	enum config_source source;
	const char *workload;
	unsigned long npages;
	unsigned long batch;          /* effective: <= npages */
	enum config_cache cache;
	const char *placement;        /* spec as written */
	unsigned threads;
	bool may_fault;               /* its requests can fault (not a snapshot) */
	char key[RESULT_STR_LONG];    /* the "case" column */
};

/* What a case's setup takes from the sweep. */
struct case_env {
	const struct sweep_config *cfg;  /* seed, migrated_share, clear_data, request, dma, counters */
	struct topo *topo;
	size_t llc_bytes;                /* 0: unknown (the flush buffer assumes 32 MiB) */
};

/*
 * An emulated address space kept from one setup to the next of the same
 * case (sweep_gbench.c keeps one, for thread 0 of the cases that run one
 * thread, and empties it after every round).  The backends of a case then
 * run one after the other on the same memory, repopulated from the
 * description (untimed) before each that follows a pass that changed it
 * (a fault: emu_mm_changed()); one that did not change it is what the
 * description built.  A paired difference no longer carries the layouts
 * of two builds (where the page tables and memmap landed), and a round
 * builds each case once, not once per backend.
 */
struct case_keep {
	const struct case_desc *sc;     /* the case it holds; NULL: empty */
	struct placement_ctx *place;
	struct emu_mm *mm;
	struct emu_page_desc *pages;    /* owned */
	unsigned long base, mm_npages;
	enum emu_req req;               /* the workload's request */
	unsigned long builds, reuses;   /* how often setup built a space, and took this one */
	unsigned long refills;          /* ... of the reuses, those it repopulated (emu_mm_changed()) */
};

/* Free what k holds; k is empty after (its counts stay). */
void case_keep_release(struct case_keep *k);

/* What one thread running one case with one backend holds. */
struct case_run {
	struct placement_ctx *place;
	struct emu_mm *mm;
	struct pfn_backend *b;
	struct emu_iommu *io;         /* dma = yes: the DMA-map stage */
	struct kernel_source *ks;     /* source = kernel */
	struct perf_counters *pc;     /* counters != none */
	struct emu_page_desc *pages;  /* the description rebuild() repopulates from */
	bool own_pages;               /* pages is ours to free */
	unsigned long base, mm_npages;
	enum emu_req req;             /* the request of every page */
	uint8_t *flush_buf;           /* cache = cold */
	size_t flush_bytes;
	/*
	 * Set by the caller before case_run_setup(), or NULL: for an
	 * emulated space, setup takes it from *keep when keep holds this
	 * case (repopulated if a fault changed it), and case_run_free() puts
	 * it back there (not after a rebuild that failed).
	 */
	struct case_keep *keep;
	enum emu_req space_req;       /* the workload's request, before the backend's own */
	bool from_keep;               /* the space goes back to keep when freed */
};

/* CLOCK_MONOTONIC in ns: the clock of the timed region and of the stages
 * (inline: reading it is part of what the timed region costs). */
static inline uint64_t case_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The start of the reason a struct page consumer is not timed on hidden pfns. */
#define CASE_PFNS_HIDDEN "pagemap hides pfns (no CAP_SYS_ADMIN)"

/*
 * Can the machine hold case sc now (its estimated memory against
 * MemAvailable, less a tenth)?  0, or -ENOMEM with why "needs about N MiB
 * of memory, the machine has M MiB available (lower npages or threads)".
 * case_run_setup() checks it again before every setup; the sweep checks
 * every case before anything runs (sweep_check.c).
 */
int case_memory_check(const struct case_desc *sc, const struct sweep_config *cfg, char *why, size_t whylen);

/*
 * Set up t (zeroed by the caller) for case sc with backend ops on thread
 * thread_index of the benchmark.  Returns 0, or -errno with why filled:
 * -ENOMEM (the machine cannot hold the case, or an allocation failed),
 * -ENODEV (a NUMA node this machine lacks), -ENOTSUP (the real kernel
 * cannot shape the workload here), -EACCES (source = kernel without
 * CAP_SYS_ADMIN and a backend whose pass reads struct page: why starts
 * with CASE_PFNS_HIDDEN), or the -errno of what failed.  Free t with
 * case_run_free() either way.  With t->keep set (emulated source), the
 * space is the kept one when it holds sc, else a new one (what keep held
 * is freed first).
 */
int case_run_setup(struct case_run *t, const struct case_desc *sc, const struct pfn_backend_ops *ops,
		   const struct case_env *env, int thread_index, char *why, size_t whylen);

/*
 * The address space of a page description that the caller keeps (encode's
 * page file): an emulated mm with params mp, populated from pages.
 * Returns 0, or the -errno of emu_mm_create()/emu_mm_populate() with *berr
 * saying which page (berr may be NULL).
 */
int case_run_space_pages(struct case_run *t, const struct emu_mm_params *mp, unsigned long base,
			 struct emu_page_desc *pages, unsigned long npages, struct emu_build_error *berr);

/*
 * Backend ops over t's space, for calls of up to max_npages, mapping its
 * words through t->io when set.  0 or -errno.
 */
int case_run_backend(struct case_run *t, const struct pfn_backend_ops *ops, unsigned long max_npages);

/*
 * The request a backend makes for a case whose pages ask req: req, except
 * that a driver that cannot take a snapshot (amdgpu always faults) makes
 * its own write request instead of none.
 */
enum emu_req case_backend_request(const struct pfn_backend_ops *ops, enum emu_req req);

/*
 * One pass over sc's range, one call per batch (each call in the driver's
 * windows, with its DMA map when dma = yes); with staged, the stages are
 * timed into stage_ns[].  *faults and *walks grow by the calls' counts.
 * Returns the first call's error, or 0.
 */
int case_run_pass(struct case_run *t, const struct case_desc *sc, bool staged, uint64_t stage_ns[PFN_STAGE_NR],
		  unsigned long *faults, unsigned long *walks);

/* Put the address space back as it was set up.  0 or -errno. */
int case_run_rebuild(struct case_run *t);

/* Evict the caches: write then read a buffer twice the LLC. */
void case_run_cache_flush(struct case_run *t);

/* Free everything t holds; t may be partly set up. */
void case_run_free(struct case_run *t);

/*
 * Does a pass of this workload fault?  Decided by an untimed dry run of the
 * 6.1 walk on the first min(npages, 4096) pages of the workload with its
 * request, and, with own_write_request (a listed driver that cannot take a
 * snapshot makes its own write request), with a write request too.  When
 * in doubt (it cannot be set up): true.
 */
bool case_may_fault(const struct sweep_config *cfg, const char *workload, unsigned long npages,
		    bool own_write_request);

#endif
