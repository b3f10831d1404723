/*
 * backend.h - the fault paths being compared, behind one ops struct.
 *
 * A backend is the driver side of one GPU fault path: it prepares the
 * request words, calls the HMM walk, and produces the words the device
 * receives (nouveau's NVIF_VMM_PFNMAP_V0 format).  One call handles one
 * batch of npages pages, as one hmm_range_fault() call of a driver does.
 *
 * The stages are separate hooks so that the harness can time each one;
 * pfn_backend_range_fault() runs them all.  A NULL hook is a stage the
 * backend does not have.
 *
 *   prepare  write the requests into the array the walk reads
 *   walk     hmm_range_fault() (including every fault it takes)
 *   alloc    allocate the driver's second array (convert, per call)
 *   convert  the conversion or fix-up pass
 *   release  free what alloc allocated
 *
 * Backends are listed in pfn_backends[] (backends.c); each lives in one file
 * kernels/backend_NAME.c whose only exported symbol is its ops struct.  The
 * harness asks capability flags, never names.
 */
#ifndef PFNBENCH_BACKEND_H
#define PFNBENCH_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmm.h"
#include "mm.h"

#define PFN_CAP_FAULTS (1U << 0)       /* does fault work (all but null) */
#define PFN_CAP_SECOND_ARRAY (1U << 1) /* the device words are in a second array */
#define PFN_CAP_PASS (1U << 2)         /* has a pass over every entry after the walk */
#define PFN_CAP_ENCODED (1U << 3)      /* walk writes a driver encoding (era B) */

struct pfn_backend;

/*
 * A page-table source other than the emulated walk, e.g. the real kernel
 * read through /proc/self/pagemap (harness/kernel_source.c).  range_fault
 * fills range->hmm_pfns for [range->start, range->end) in encoding enc with
 * hmm_range_fault()'s semantics (requests, restart after faults) and
 * returns as it does.  Struct pages of the pfns it reports must exist in
 * params.mm's memmap, since the conversion passes read them.
 */
struct pfn_walk_source {
	int (*range_fault)(void *ctx, struct hmm_range *range, const struct hmm_encoding *enc);
	void *ctx;
};

struct pfn_backend_params {
	struct emu_mm *mm;
	const struct pfn_walk_source *source; /* NULL: the emulated hmm_range_fault() */
	unsigned long max_npages;   /* largest batch a call will ask for */
	bool keep_array;            /* convert: preallocate the second array */
};

/* One driver call: a batch of pages. */
struct pfn_call {
	unsigned long start;        /* virtual address of the first page */
	unsigned long npages;       /* <= params.max_npages */
	enum emu_req default_req;   /* NONE, READ or WRITE for every page */
	const uint8_t *page_req;    /* optional per-page enum emu_req (DEFAULT: use default_req) */
	/* outputs */
	uint64_t *hmm_pfns;         /* what the walk wrote */
	uint64_t *dev_words;        /* what the device receives */
	unsigned long nr_walks, nr_faults;
};

struct pfn_backend_stats {
	uint64_t bytes_persistent;    /* arrays held for the backend's lifetime */
	uint64_t bytes_allocated;     /* sum of per-call allocations */
	uint64_t nr_allocations;      /* per-call allocations */
	uint64_t pages;               /* pages handled */
	uint64_t calls;
};

struct pfn_backend_ops {
	const char *name;
	const char *description;
	unsigned caps;
	int (*init)(struct pfn_backend *b);
	void (*fini)(struct pfn_backend *b);
	int (*prepare)(struct pfn_backend *b, struct pfn_call *c);
	int (*walk)(struct pfn_backend *b, struct pfn_call *c);
	int (*alloc)(struct pfn_backend *b, struct pfn_call *c);
	int (*convert)(struct pfn_backend *b, struct pfn_call *c);
	void (*release)(struct pfn_backend *b, struct pfn_call *c);
};

struct pfn_backend {
	const struct pfn_backend_ops *ops;
	struct pfn_backend_params params;
	uint64_t *hmm_pfns;         /* the array the walk writes (max_npages) */
	uint64_t *drv_pfns;         /* convert's kept second array, or NULL */
	uint64_t *call_array;       /* convert's per-call array between alloc and release */
	struct pfn_backend_stats stats;
	void *priv;                 /* the backend's own state (init/fini) */
};

/* NULL-terminated table of every backend. */
extern const struct pfn_backend_ops *const pfn_backends[];
/* NULL when no backend has that name. */
const struct pfn_backend_ops *pfn_backend_find(const char *name);

/* 0, -EINVAL (no mm, max_npages 0), -ENOMEM.  *out NULL on error. */
int pfn_backend_create(const struct pfn_backend_ops *ops, const struct pfn_backend_params *params,
		       struct pfn_backend **out);
void pfn_backend_destroy(struct pfn_backend *b);

/*
 * Run every stage of one call.  Returns the walk's 0 or -errno (-EFAULT,
 * -EPERM, -ENOMEM), or -EINVAL for a call larger than max_npages.  On
 * success c->dev_words holds npages device words; they stay valid until
 * pfn_backend_call_done(), which runs the release stage (nouveau's kfree
 * after the ioctl).  A timed region includes both calls.
 */
int pfn_backend_range_fault(struct pfn_backend *b, struct pfn_call *c);
/* Free what a call allocated (convert's per-call array). */
void pfn_backend_call_done(struct pfn_backend *b, struct pfn_call *c);

/* Stages of the whole path, for the breakdown. */
enum pfn_stage {
	PFN_STAGE_PREPARE,  /* request preparation */
	PFN_STAGE_WALK,     /* hmm_range_fault(), faults included */
	PFN_STAGE_ALLOC,    /* second array: allocation and free */
	PFN_STAGE_CONVERT,  /* conversion or fix-up pass */
	PFN_STAGE_DMA,      /* DMA mapping of host pages (harness-driven, iommu.h) */
	PFN_STAGE_NR
};
extern const char *const pfn_stage_names[PFN_STAGE_NR];

/*
 * pfn_backend_range_fault() and pfn_backend_call_done() with a clock read
 * between stages: now_ns() is called before and after each hook the backend
 * has, and the difference added to stage_ns[].  The clock reads cost time of
 * their own, so the sum of the stages exceeds an untimed call by a few clock
 * reads per call: use it for shares, not for the headline time.  Same
 * returns as pfn_backend_range_fault().
 */
int pfn_backend_range_fault_staged(struct pfn_backend *b, struct pfn_call *c, uint64_t (*now_ns)(void),
				   uint64_t stage_ns[PFN_STAGE_NR]);
void pfn_backend_call_done_staged(struct pfn_backend *b, struct pfn_call *c, uint64_t (*now_ns)(void),
				  uint64_t stage_ns[PFN_STAGE_NR]);

#endif
