/*
 * workloads.c - the seeded address-space generators of workloads.h.
 *
 * Each generator runs in two passes: the first picks the state of every
 * page (and where huge pages go), the second hands out pfns from a pool of
 * 512-pfn blocks visited in seeded random order (see workloads.h), so that
 * the pool is sized exactly and 2^20 pages take a few milliseconds.
 *
 * Left out: per-page requests (every page uses the workload's default).
 */
#include "workloads.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PFN_POOL_FIRST 0x200000UL
#define BLOCK_NR 512UL
#define NPAGES_MAX (1UL << 27)

/* A workload's index in workloads[]; -1 when unknown. */
static int workload_index(const char *name)
{
	for (int i = 0; name && workloads[i].name; i++)
		if (!strcmp(name, workloads[i].name))
			return i;
	return -1;
}

const struct workload *workload_find(const char *name)
{
	int i = workload_index(name);

	return i < 0 ? NULL : &workloads[i];
}

const char *workload_description(const char *name)
{
	const struct workload *w = workload_find(name);

	return w ? w->description : NULL;
}

bool workload_exists(const char *name)
{
	return workload_find(name) != NULL;
}

bool workload_kernel_declared(const char *name)
{
	const struct workload *w = workload_find(name);

	return w && w->kernel_shape != WORKLOAD_KERNEL_NONE;
}

unsigned long workload_mm_npages(const char *name, unsigned long npages)
{
	const struct workload *w = workload_find(name);

	if (!w)
		return 0;
	return (npages + w->align_pages - 1) / w->align_pages * w->align_pages;
}

/* ---- pfn pool ---- */

struct pfn_pool {
	uint32_t *blocks;        /* block numbers in visiting order */
	unsigned long nblocks, next;
	uint16_t offs[BLOCK_NR]; /* shuffled offsets of the current 4 KiB block */
	unsigned long cur_block, cur_used;
	uint64_t *rng;
};

static int pool_init(struct pfn_pool *p, unsigned long nblocks, uint64_t *rng)
{
	memset(p, 0, sizeof(*p));
	p->blocks = malloc((nblocks ? nblocks : 1) * sizeof(*p->blocks));
	if (!p->blocks)
		return -ENOMEM;
	for (unsigned long i = 0; i < nblocks; i++)
		p->blocks[i] = (uint32_t)i;
	for (unsigned long i = nblocks; i > 1; i--) {
		unsigned long j = workload_rand_below(rng, i);
		uint32_t t = p->blocks[i - 1];
		p->blocks[i - 1] = p->blocks[j];
		p->blocks[j] = t;
	}
	p->nblocks = nblocks;
	p->cur_used = BLOCK_NR;
	p->rng = rng;
	return 0;
}

static unsigned long pool_take_block(struct pfn_pool *p)
{
	/* sized exactly by the caller: never runs out */
	return PFN_POOL_FIRST + (unsigned long)p->blocks[p->next++] * BLOCK_NR;
}

static unsigned long pool_4k(struct pfn_pool *p)
{
	if (p->cur_used == BLOCK_NR) {
		p->cur_block = pool_take_block(p);
		for (unsigned i = 0; i < BLOCK_NR; i++)
			p->offs[i] = (uint16_t)i;
		for (unsigned long i = BLOCK_NR; i > 1; i--) {
			unsigned long j = workload_rand_below(p->rng, i);
			uint16_t t = p->offs[i - 1];
			p->offs[i - 1] = p->offs[j];
			p->offs[j] = t;
		}
		p->cur_used = 0;
	}
	return p->cur_block + p->offs[p->cur_used++];
}

/* Hand out args to every page of pages[0..n) whose state needs one. */
static int assign_args(struct emu_page_desc *pages, unsigned long n, uint64_t *rng)
{
	unsigned long n4k = 0, nthp = 0, vram = 0;
	struct pfn_pool pool;

	for (unsigned long i = 0; i < n; i++) {
		uint8_t s = pages[i].state;
		if (s == EMU_PAGE_THP_RO || s == EMU_PAGE_THP_RW) {
			nthp++;
			i += BLOCK_NR - 1;
		} else if (s == EMU_PAGE_RO || s == EMU_PAGE_RW || s == EMU_PAGE_ROVMA || s == EMU_PAGE_SPECIAL) {
			n4k++;
		}
	}
	if (pool_init(&pool, (n4k + BLOCK_NR - 1) / BLOCK_NR + nthp, rng))
		return -ENOMEM;
	for (unsigned long i = 0; i < n; i++) {
		uint8_t s = pages[i].state;
		if (s == EMU_PAGE_THP_RO || s == EMU_PAGE_THP_RW) {
			unsigned long head = pool_take_block(&pool);
			for (unsigned long k = 0; k < BLOCK_NR; k++)
				pages[i + k].arg = head + k;
			i += BLOCK_NR - 1;
		} else if (s == EMU_PAGE_RO || s == EMU_PAGE_RW || s == EMU_PAGE_ROVMA || s == EMU_PAGE_SPECIAL) {
			pages[i].arg = pool_4k(&pool);
		} else if (s == EMU_PAGE_DEV || s == EMU_PAGE_DEV_RO || s == EMU_PAGE_DEV_OTHER) {
			pages[i].arg = vram++;
		}
	}
	free(pool.blocks);
	return 0;
}

static void fill_thp(struct emu_page_desc *pages, unsigned long i, uint8_t state)
{
	for (unsigned long k = 0; k < BLOCK_NR; k++)
		pages[i + k].state = state;
}

/* ---- generators: states only ---- */

static void gen_mirror(struct emu_page_desc *pages, unsigned long n, uint64_t *rng,
			       const struct workload_params *wp)
{
	(void)wp;
	for (unsigned long i = 0; i < n; i++)
		pages[i].state = workload_rand_below(rng, 8) ? EMU_PAGE_RW : EMU_PAGE_RO;
}

static void gen_first_touch(struct emu_page_desc *pages, unsigned long n, uint64_t *rng,
				    const struct workload_params *wp)
{
	(void)rng;
	(void)wp;
	for (unsigned long i = 0; i < n; i++)
		pages[i].state = EMU_PAGE_NONE;
}

static void gen_thp(struct emu_page_desc *pages, unsigned long n, uint64_t *rng,
			    const struct workload_params *wp)
{
	(void)rng;
	(void)wp;
	for (unsigned long i = 0; i < n; i += BLOCK_NR)
		fill_thp(pages, i, EMU_PAGE_THP_RW);
}

static void gen_migrated(struct emu_page_desc *pages, unsigned long n, uint64_t *rng,
				 const struct workload_params *wp)
{
	double share = wp->migrated_share;
	if (!(share > 0.0 && share <= 1.0))
		share = 0.5;
	/* selection sampling (Knuth's algorithm S): exactly k dev pages, uniformly placed */
	unsigned long k = (unsigned long)llround(share * (double)n);
	for (unsigned long i = 0; i < n; i++) {
		if (workload_rand_below(rng, n - i) < k) {
			pages[i].state = EMU_PAGE_DEV;
			k--;
		} else {
			pages[i].state = EMU_PAGE_RW;
		}
	}
}

static void gen_mixed(struct emu_page_desc *pages, unsigned long n, uint64_t *rng,
			      const struct workload_params *wp)
{
	(void)wp;
	for (unsigned long i = 0; i < n;) {
		/* a quarter of the aligned 2 MiB blocks are huge pages (1 in 4 of them read-only) */
		if (i % BLOCK_NR == 0 && n - i >= BLOCK_NR && workload_rand_below(rng, 4) == 0) {
			fill_thp(pages, i, workload_rand_below(rng, 4) ? EMU_PAGE_THP_RW : EMU_PAGE_THP_RO);
			i += BLOCK_NR;
			continue;
		}
		unsigned r = (unsigned)workload_rand_below(rng, 100);
		if (r < 2) {
			/* a hole of 1-8 pages between two mappings */
			unsigned long len = 1 + workload_rand_below(rng, 8);
			for (; len && i < n; len--)
				pages[i++].state = EMU_PAGE_NOVMA;
			continue;
		}
		pages[i++].state = r < 69 ? EMU_PAGE_RW
				 : r < 79 ? EMU_PAGE_RO
				 : r < 85 ? EMU_PAGE_ZERO
				 : r < 89 ? EMU_PAGE_SWAP
				 : r < 94 ? EMU_PAGE_NONE
					  : EMU_PAGE_DEV;
	}
}

const struct workload workloads[] = {
	{ "mirror",
	  "every page present (7/8 rw, 1/8 ro), snapshot request: a GPU revalidating a range after an invalidation",
	  gen_mirror, 1, EMU_REQ_NONE, WORKLOAD_KERNEL_WRITTEN, NULL },
	{ "first-touch", "every page pte_none, write-fault request: the first GPU access to freshly malloc'd memory",
	  gen_first_touch, 1, EMU_REQ_WRITE, WORKLOAD_KERNEL_UNTOUCHED, NULL },
	{ "thp", "writable PMD-mapped THPs in 2 MiB-aligned runs, snapshot request: memory touched with THP enabled",
	  gen_thp, BLOCK_NR, EMU_REQ_NONE, WORKLOAD_KERNEL_THP, NULL },
	{ "migrated",
	  "a share (default 0.5) of the pages in this device's memory, the rest rw, write request (nothing "
	  "faults): a GPU re-faulting a range it partly migrated",
	  gen_migrated, 1, EMU_REQ_WRITE, WORKLOAD_KERNEL_REFUSED,
	  "device-private memory needs a ZONE_DEVICE driver (nouveau, lib/test_hmm's dmirror); this process has "
	  "none" },
	{ "mixed",
	  "mostly rw, some ro, zero-page, swapped and untouched pages, THP runs where aligned, a few holes and dev "
	  "pages, snapshot request: a long-running process",
	  gen_mixed, 1, EMU_REQ_NONE, WORKLOAD_KERNEL_MIXED, NULL },
	{ NULL, NULL, NULL, 0, EMU_REQ_NONE, WORKLOAD_KERNEL_NONE, NULL },
};

int workload_generate(const char *name, unsigned long npages, const struct workload_params *params,
		      unsigned long *base_out, struct emu_page_desc **pages_out, enum emu_req *default_req_out)
{
	int w = workload_index(name);
	struct workload_params wp = { 0, 0.5 };
	if (w < 0 || npages == 0 || npages > NPAGES_MAX)
		return -EINVAL;
	if (params)
		wp = *params;
	unsigned long n = workload_mm_npages(name, npages);
	struct emu_page_desc *pages = calloc(n, sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	/* one stream per workload and seed, so workloads do not share choices */
	uint64_t rng = wp.seed * 0x2545f4914f6cdd1dULL + (uint64_t)w + 1;
	workloads[w].generate(pages, n, &rng, &wp);
	for (unsigned long i = 0; i < n; i++)
		pages[i].req = EMU_REQ_DEFAULT;
	if (assign_args(pages, n, &rng)) {
		free(pages);
		return -ENOMEM;
	}
	*base_out = EMU_DEFAULT_BASE;
	*pages_out = pages;
	*default_req_out = workloads[w].request;
	return 0;
}
