/*
 * verify.h - differential checking of the backends on random address spaces.
 *
 * A case is a random page-by-page description (every page-file state, THP
 * runs, per-page requests, a default request) generated from (seed, case
 * number) alone, so any case can be regenerated.  Every backend
 * verify_backend_included() takes (all that fault) has a slot that runs
 * one call over the whole case on the same state (emu_mm is rebuilt from
 * the description before each slot, since faults change it); the era-A
 * backends (the v4.16 API takes one VMA per call) have a second slot that
 * runs them over the case's first VMA alone, when the case has more.  A
 * driver without per-page requests gets a call whose pages all ask the
 * same as one request for the call; a call a driver cannot make otherwise
 * (amdgpu without a request, era A with mixed requests) is not run.  Then,
 * per slot, by the backend's declaration (verify_oracle.c) and the meaning
 * of its words (ops->meaning), on the pages its call covered with the
 * requests it really made (UVM rewrites them):
 *
 *  - the exact rc (docs/backends.md: the first page in address order whose
 *    request cannot be met, by that version's rules; v4.16: one VMA per
 *    call, SPECIAL over VM_SPECIAL VMAs);
 *  - what every word may say (the requested access granted, a pfn that is
 *    the page's own, the zero page, this device's VRAM page, or a new page
 *    not named by the case and not reserved, unique in the case; nothing
 *    new when nothing faulted); after v4.16's failed fault, the walk's
 *    array cleared;
 *  - for snapshots, every slot on the same walk over the same pages says
 *    the same of every page.  Faulting cases differ legitimately between
 *    drivers: a driver's window decides which pages one fault's step
 *    covers; UVM faults what it was not asked to.
 *
 * Left out: timing, and backends without PFN_CAP_FAULTS (null).
 */
#ifndef PFNBENCH_VERIFY_H
#define PFNBENCH_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "mm.h"

#define VERIFY_MAX_BACKENDS 20
#define VERIFY_REGIONS 8
#define VERIFY_NO_PAGE (~0UL)

struct verify_params {
	uint64_t seed;               /* run seed: case k depends on (seed, k) only */
	unsigned long max_pfn;       /* pfns of the cases are below this; 0: 2^40 */
	unsigned long max_npages;    /* largest case; 0: 2048 */
};

/* One generated case (the arrays belong to the context). */
struct verify_case {
	unsigned long index;         /* case number */
	unsigned long base;          /* address of pages[0] */
	unsigned long npages;
	struct emu_page_desc *pages;
	enum emu_req default_req;
	bool has_page_req;           /* some page has its own request (page_req passed) */
	bool snapshot;               /* no page asks for a fault */
};

/* The first disagreement found in a case. */
struct verify_mismatch {
	unsigned long page;          /* page index, or VERIFY_NO_PAGE */
	char what[320];              /* what disagreed, with the words */
};

struct verify_ctx {
	struct verify_params params;
	struct emu_mm *mm;           /* one mm: a 2^40 memmap reservation fits once */
	unsigned nr_backends;
	const struct pfn_backend_ops *ops[VERIFY_MAX_BACKENDS];
	struct pfn_backend *b[VERIFY_MAX_BACKENDS];
	bool first_vma[VERIFY_MAX_BACKENDS]; /* the slot's call covers the case's first VMA only */
	char name[VERIFY_MAX_BACKENDS][48];  /* "thread-2018-with (first VMA)" */
	/* results of the last verify_case_run(), per slot */
	int rc[VERIFY_MAX_BACKENDS];
	unsigned long npages[VERIFY_MAX_BACKENDS];   /* pages of its call (0: not run) */
	bool ran[VERIFY_MAX_BACKENDS];       /* it had a call and could make it (not -ENOTSUP) */
	unsigned long nr_faults[VERIFY_MAX_BACKENDS], nr_walks[VERIFY_MAX_BACKENDS];
	/* over the whole run: calls each slot made, and how many returned 0 */
	unsigned long nr_calls[VERIFY_MAX_BACKENDS], nr_calls_ok[VERIFY_MAX_BACKENDS];
	uint64_t *dev[VERIFY_MAX_BACKENDS];  /* each backend's output words (words_out) */
	uint64_t *hmm[VERIFY_MAX_BACKENDS];  /* what its walk wrote (hmm_out) */
	/* pfn regions cases draw from: [first, first + len), section aligned */
	unsigned long region_first[VERIFY_REGIONS], region_len[VERIFY_REGIONS];
	/* case storage */
	struct emu_page_desc *pages;
	struct emu_page_desc *view_pages;    /* a slot's view when its driver rewrites requests */
	uint8_t *page_req;
	uint64_t *set;               /* pfns named by the current case (key + 1, open addressing) */
	uint64_t *new_set;           /* pfns the faults handed out */
	unsigned long set_cap;
};

/*
 * Is ops in verify's runs?  Every backend that faults: not null (no fault
 * work).  *why (may be NULL) says why not.
 */
bool verify_backend_included(const struct pfn_backend_ops *ops, const char **why);

/*
 * Reserve the mm and create every backend verify_backend_included() takes.  Returns 0,
 * -EINVAL (max_pfn below 0x10000 or above 2^40, max_npages 0 after
 * defaults or above 2^20), -ENOMEM.  *out is NULL on error.
 */
int verify_ctx_create(const struct verify_params *params, struct verify_ctx **out);
void verify_ctx_destroy(struct verify_ctx *ctx);

/* Generate case number index into ctx's storage (always succeeds). */
void verify_case_generate(struct verify_ctx *ctx, unsigned long index, struct verify_case *vc);

/*
 * Check the results the slots hold (rc, dev, hmm, npages, ran) for vc
 * against the oracle and each other, as verify_case_run() does after
 * running them.  Returns 0 or 1 (mismatch: *m says where and what).
 */
int verify_case_check(struct verify_ctx *ctx, const struct verify_case *vc, struct verify_mismatch *m);

/*
 * Run every slot on vc and check.  Returns 0 (all agree with each other
 * and with the oracle), 1 (mismatch: *m says where and what), or -errno
 * when the case could not be run (emu_mm_populate() or a backend failed to
 * set up: -EINVAL, -ENOMEM; m->what says which).
 */
int verify_case_run(struct verify_ctx *ctx, const struct verify_case *vc, struct verify_mismatch *m);

#endif
