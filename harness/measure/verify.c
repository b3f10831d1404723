/*
 * verify.c - random cases, every faulting backend on each, cross-checks and
 * an oracle computed from the description alone (see verify.h).
 *
 * Case generation: the case's own generator is seeded from (run seed, case
 * number) through splitmix64.  A case has 1..2048 pages in runs of one
 * state (weights below), 512-page THP runs where the address is 2 MiB
 * aligned, a base that is sometimes 2 MiB aligned and sometimes just below
 * a 1 GiB or 512 GiB boundary (so the walk crosses PUD and PGD tables),
 * and one of three request modes: snapshot (no page faults), random
 * requests that stay clear of pages where a fault must fail (rc 0 with
 * faults), and random requests anywhere (rc -EFAULT / -EPERM).
 *
 * Pfns come from VERIFY_REGIONS sections chosen once per run (the lowest,
 * the one the frame allocator starts in, the highest below max_pfn, the
 * ones next to the device range, and random ones), so that a run of 10000
 * cases backs a bounded memmap while still naming pfns up to 2^40 - 1.
 *
 * Left out: OOM (the memmap is large), huge PUDs, migration entries.
 */
#include "verify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nouveau.h"
#include "workloads.h"

#define SECTION_PFNS PAGES_PER_SECTION
#define DEV_PFN_END (EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR)
#define ENC_ERROR_WORD 0xfffffffffffffffeULL
#define VRAM_KEY (1ULL << 62)

static bool st_error(unsigned s)
{
	return s == EMU_PAGE_SPECIAL || s == EMU_PAGE_NOVMA || s == EMU_PAGE_NOREAD || s == EMU_PAGE_PFNMAP;
}
static bool st_dev(unsigned s)
{
	return s == EMU_PAGE_DEV || s == EMU_PAGE_DEV_RO || s == EMU_PAGE_DEV_OTHER;
}
static bool pfn_reserved(unsigned long pfn)
{
	return pfn == EMU_ZERO_PFN || (pfn >= EMU_DEV_PFN_FIRST && pfn < DEV_PFN_END);
}
static const char *st_name(unsigned s)
{
	return emu_page_state_name((enum emu_page_state)s);
}
static enum emu_req eff_req(const struct verify_case *vc, unsigned long i)
{
	unsigned r = vc->pages[i].req;
	return r == EMU_REQ_DEFAULT ? vc->default_req : (enum emu_req)r;
}
static const char *req_name(enum emu_req r)
{
	static const char *const n[] = { "none", "read", "write", "default" };
	return (unsigned)r < 4 ? n[r] : "?";
}

/* ---- a small set of 64-bit keys, cleared per case ---- */

static void set_clear(uint64_t *set, unsigned long cap)
{
	memset(set, 0, cap * sizeof(*set));
}
/* true if inserted, false if present */
static bool set_add(uint64_t *set, unsigned long cap, uint64_t key)
{
	uint64_t h = (key + 1) * 0x9e3779b97f4a7c15ULL;
	unsigned long j = (unsigned long)(h ^ (h >> 31)) & (cap - 1);
	while (set[j]) {
		if (set[j] == key + 1)
			return false;
		j = (j + 1) & (cap - 1);
	}
	set[j] = key + 1;
	return true;
}
static bool set_has(const uint64_t *set, unsigned long cap, uint64_t key)
{
	uint64_t h = (key + 1) * 0x9e3779b97f4a7c15ULL;
	unsigned long j = (unsigned long)(h ^ (h >> 31)) & (cap - 1);
	while (set[j]) {
		if (set[j] == key + 1)
			return true;
		j = (j + 1) & (cap - 1);
	}
	return false;
}

/* ---- context ---- */

static void region_set(struct verify_ctx *ctx, unsigned r, unsigned long first)
{
	unsigned long max = ctx->params.max_pfn;
	first &= ~(SECTION_PFNS - 1);
	if (first >= max)
		first = (max - 1) & ~(SECTION_PFNS - 1);
	ctx->region_first[r] = first;
	ctx->region_len[r] = (max - first < SECTION_PFNS) ? max - first : SECTION_PFNS;
}

int verify_ctx_create(const struct verify_params *params, struct verify_ctx **out)
{
	struct verify_ctx *ctx;
	int ret;

	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->params = *params;
	if (!ctx->params.max_pfn)
		ctx->params.max_pfn = EMU_PFN_MAX;
	if (!ctx->params.max_npages)
		ctx->params.max_npages = 2048;
	if (ctx->params.max_pfn < 0x10000 || ctx->params.max_pfn > EMU_PFN_MAX || ctx->params.max_npages > (1UL << 20)) {
		free(ctx);
		return -EINVAL;
	}
	unsigned long n = ctx->params.max_npages;

	struct emu_mm_params mp = {
		.pfn_limit = ctx->params.max_pfn > DEV_PFN_END ? ctx->params.max_pfn : DEV_PFN_END,
		.clear_data = false,
	};
	ret = emu_mm_create(&mp, &ctx->mm);
	if (ret)
		goto err;
	for (const struct pfn_backend_ops *const *o = pfn_backends; *o; o++) {
		if (!((*o)->caps & PFN_CAP_FAULTS) || ctx->nr_backends == VERIFY_MAX_BACKENDS)
			continue;
		struct pfn_backend_params bp = { .mm = ctx->mm, .max_npages = n, .keep_array = false };
		unsigned k = ctx->nr_backends;
		ret = pfn_backend_create(*o, &bp, &ctx->b[k]);
		if (ret)
			goto err;
		ctx->ops[k] = *o;
		ctx->nr_backends++;
		ctx->dev[k] = malloc(n * sizeof(uint64_t));
		ctx->hmm[k] = malloc(n * sizeof(uint64_t));
		if (!ctx->dev[k] || !ctx->hmm[k]) {
			ret = -ENOMEM;
			goto err;
		}
	}
	ctx->set_cap = 1;
	while (ctx->set_cap < 4 * n)
		ctx->set_cap <<= 1;
	ctx->pages = calloc(n, sizeof(*ctx->pages));
	ctx->page_req = malloc(n);
	ctx->set = malloc(ctx->set_cap * sizeof(uint64_t));
	ctx->new_set = malloc(ctx->set_cap * sizeof(uint64_t));
	if (!ctx->pages || !ctx->page_req || !ctx->set || !ctx->new_set) {
		ret = -ENOMEM;
		goto err;
	}

	/* the pfn regions of this run */
	uint64_t rng = ctx->params.seed ^ 0x5851f42d4c957f2dULL;
	unsigned long max = ctx->params.max_pfn;
	region_set(ctx, 0, 0);
	region_set(ctx, 1, EMU_FRAME_FIRST);
	region_set(ctx, 2, max - 1);
	region_set(ctx, 3, EMU_DEV_PFN_FIRST - SECTION_PFNS);
	region_set(ctx, 4, DEV_PFN_END);
	for (unsigned r = 5; r < VERIFY_REGIONS; r++) {
		unsigned long pfn;
		do
			pfn = workload_rand_below(&rng, max);
		while (pfn >= (EMU_DEV_PFN_FIRST & ~(SECTION_PFNS - 1)) && pfn < DEV_PFN_END + SECTION_PFNS);
		region_set(ctx, r, pfn);
	}
	*out = ctx;
	return 0;
err:
	verify_ctx_destroy(ctx);
	return ret;
}

void verify_ctx_destroy(struct verify_ctx *ctx)
{
	if (!ctx)
		return;
	for (unsigned k = 0; k < ctx->nr_backends; k++) {
		pfn_backend_destroy(ctx->b[k]);
		free(ctx->dev[k]);
		free(ctx->hmm[k]);
	}
	emu_mm_destroy(ctx->mm);
	free(ctx->pages);
	free(ctx->page_req);
	free(ctx->set);
	free(ctx->new_set);
	free(ctx);
}

/* ---- case generation ---- */

static const struct {
	uint8_t state;
	unsigned weight;
} state_weights[] = {
	{ EMU_PAGE_NONE, 12 },	{ EMU_PAGE_RO, 10 },	  { EMU_PAGE_RW, 14 },	   { EMU_PAGE_ROVMA, 6 },
	{ EMU_PAGE_ZERO, 8 },	{ EMU_PAGE_SWAP, 7 },	  { EMU_PAGE_DEV, 6 },	   { EMU_PAGE_DEV_RO, 5 },
	{ EMU_PAGE_DEV_OTHER, 5 }, { EMU_PAGE_SPECIAL, 5 }, { EMU_PAGE_NOVMA, 6 }, { EMU_PAGE_NOREAD, 5 },
	{ EMU_PAGE_PFNMAP, 5 },
};

static uint8_t pick_state(uint64_t *rng)
{
	unsigned total = 0;
	for (size_t i = 0; i < sizeof(state_weights) / sizeof(state_weights[0]); i++)
		total += state_weights[i].weight;
	unsigned r = (unsigned)workload_rand_below(rng, total);
	for (size_t i = 0; i < sizeof(state_weights) / sizeof(state_weights[0]); i++) {
		if (r < state_weights[i].weight)
			return state_weights[i].state;
		r -= state_weights[i].weight;
	}
	return EMU_PAGE_NONE;
}

static unsigned long pick_pfn(struct verify_ctx *ctx, uint64_t *rng)
{
	const unsigned long max = ctx->params.max_pfn;
	const unsigned long edges[] = { 0, 0xfff, 0x1001, max - 1, EMU_DEV_PFN_FIRST - 1, DEV_PFN_END,
					EMU_FRAME_FIRST, EMU_FRAME_FIRST + 1 };
	for (;;) {
		unsigned long pfn;
		if (workload_rand_below(rng, 64) == 0) {
			pfn = edges[workload_rand_below(rng, sizeof(edges) / sizeof(edges[0]))];
		} else {
			unsigned r = (unsigned)workload_rand_below(rng, VERIFY_REGIONS);
			pfn = ctx->region_first[r] + workload_rand_below(rng, ctx->region_len[r]);
		}
		if (pfn >= max || pfn_reserved(pfn) || set_has(ctx->set, ctx->set_cap, pfn))
			continue;
		set_add(ctx->set, ctx->set_cap, pfn);
		return pfn;
	}
}

/* A free 512-aligned block for a huge page, or -1UL after a few tries. */
static unsigned long pick_thp_head(struct verify_ctx *ctx, uint64_t *rng)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned r = (unsigned)workload_rand_below(rng, VERIFY_REGIONS);
		if (ctx->region_len[r] < HPAGE_PMD_NR)
			continue;
		unsigned long head = ctx->region_first[r] +
				     workload_rand_below(rng, ctx->region_len[r] / HPAGE_PMD_NR) * HPAGE_PMD_NR;
		bool ok = head + HPAGE_PMD_NR <= ctx->params.max_pfn;
		for (unsigned long k = 0; ok && k < HPAGE_PMD_NR; k++)
			ok = !pfn_reserved(head + k) && !set_has(ctx->set, ctx->set_cap, head + k);
		if (!ok)
			continue;
		for (unsigned long k = 0; k < HPAGE_PMD_NR; k++)
			set_add(ctx->set, ctx->set_cap, head + k);
		return head;
	}
	return -1UL;
}

static unsigned long pick_vram(struct verify_ctx *ctx, uint64_t *rng)
{
	for (;;) {
		unsigned long v;
		unsigned r = (unsigned)workload_rand_below(rng, 64);
		if (r == 0)
			v = 0;
		else if (r == 1)
			v = EMU_DEV_PFN_NR - 1;
		else if (r < 32)
			v = workload_rand_below(rng, SECTION_PFNS);
		else
			v = workload_rand_below(rng, EMU_DEV_PFN_NR);
		if (set_add(ctx->set, ctx->set_cap, VRAM_KEY | v))
			return v;
	}
}

static unsigned long pick_npages(struct verify_ctx *ctx, uint64_t *rng)
{
	unsigned long max = ctx->params.max_npages;
	unsigned long lim[] = { 16, 128, 1024, max };
	unsigned long n = 1 + workload_rand_below(rng, lim[workload_rand_below(rng, 4)]);
	return n > max ? max : n;
}

static unsigned long pick_base(uint64_t *rng, unsigned long npages)
{
	const unsigned long top = TASK_SIZE_MAX - (npages << PAGE_SHIFT) - PMD_SIZE;
	switch (workload_rand_below(rng, 8)) {
	case 0: case 1: case 2: case 3: /* 2 MiB aligned: huge pages fit */
		return (1 + workload_rand_below(rng, (top >> PMD_SHIFT) - 1)) << PMD_SHIFT;
	case 4: { /* just below a 1 GiB boundary */
		unsigned long b = (1 + workload_rand_below(rng, (top >> PUD_SHIFT) - 1)) << PUD_SHIFT;
		return b - ((1 + workload_rand_below(rng, npages)) << PAGE_SHIFT);
	}
	case 5: { /* just below a 512 GiB boundary */
		unsigned long b = (1 + workload_rand_below(rng, (top >> PGDIR_SHIFT) - 1)) << PGDIR_SHIFT;
		return b - ((1 + workload_rand_below(rng, npages)) << PAGE_SHIFT);
	}
	default:
		return (1 + workload_rand_below(rng, (top >> PAGE_SHIFT) - 1)) << PAGE_SHIFT;
	}
}

void verify_case_generate(struct verify_ctx *ctx, unsigned long index, struct verify_case *vc)
{
	uint64_t seed_state = ctx->params.seed;
	uint64_t rng = workload_rand(&seed_state) ^ (index * 0xd1342543de82ef95ULL);
	workload_rand(&rng);

	struct emu_page_desc *pages = ctx->pages;
	unsigned long n = pick_npages(ctx, &rng);
	unsigned long base = pick_base(&rng, n);

	set_clear(ctx->set, ctx->set_cap);
	/* states and args, in runs */
	for (unsigned long i = 0; i < n;) {
		unsigned long va = base + (i << PAGE_SHIFT);
		if (!(va & ~PMD_MASK) && n - i >= HPAGE_PMD_NR && workload_rand_below(&rng, 3) == 0) {
			unsigned long head = pick_thp_head(ctx, &rng);
			if (head != -1UL) {
				uint8_t s = workload_rand_below(&rng, 2) ? EMU_PAGE_THP_RW : EMU_PAGE_THP_RO;
				for (unsigned long k = 0; k < HPAGE_PMD_NR; k++)
					pages[i + k] = (struct emu_page_desc){ .state = s, .req = EMU_REQ_DEFAULT, .arg = head + k };
				i += HPAGE_PMD_NR;
				continue;
			}
		}
		uint8_t s = pick_state(&rng);
		unsigned long len = 1 + workload_rand_below(&rng, workload_rand_below(&rng, 16) ? 8 : 64);
		for (unsigned long first = i; len && i < n; len--, i++) {
			va = base + (i << PAGE_SHIFT);
			if (!(va & ~PMD_MASK) && i != first)
				break; /* give the next 2 MiB block its chance to be a huge page */
			pages[i] = (struct emu_page_desc){ .state = s, .req = EMU_REQ_DEFAULT, .arg = 0 };
			if (st_dev(s))
				pages[i].arg = pick_vram(ctx, &rng);
			else if (emu_page_state_has_arg((enum emu_page_state)s))
				pages[i].arg = pick_pfn(ctx, &rng);
		}
	}

	/* requests */
	enum emu_req def = (enum emu_req)workload_rand_below(&rng, 3);
	unsigned mode = (unsigned)workload_rand_below(&rng, 10);
	bool careful = workload_rand_below(&rng, 5) != 0;
	if (mode < 3) {                 /* snapshot */
		def = EMU_REQ_NONE;
		for (unsigned long i = 0; i < n; i++)
			pages[i].req = workload_rand_below(&rng, 4) ? EMU_REQ_DEFAULT : EMU_REQ_NONE;
	} else if (mode < 5) {          /* default only: page_req NULL, mask 0 */
		if (def == EMU_REQ_NONE)
			def = EMU_REQ_READ;
		/* careful: turn the pages where a fault fails into ones where it works */
		for (unsigned long i = 0; careful && i < n; i++) {
			if (st_error(pages[i].state)) {
				pages[i].state = EMU_PAGE_NONE;
				pages[i].arg = 0;
			} else if (pages[i].state == EMU_PAGE_ROVMA && def == EMU_REQ_WRITE) {
				pages[i].state = EMU_PAGE_RO;
			}
		}
	} else {                        /* random per-page requests */
		for (unsigned long i = 0; i < n; i++) {
			unsigned r = (unsigned)workload_rand_below(&rng, 5);
			pages[i].req = r < 2 ? EMU_REQ_DEFAULT : (uint8_t)(r - 2);
			if (careful && st_error(pages[i].state))
				pages[i].req = EMU_REQ_NONE;
		}
	}
	vc->index = index;
	vc->base = base;
	vc->npages = n;
	vc->pages = pages;
	vc->default_req = def;
	/* careful cases: no write on a read-only VMA either */
	if (mode >= 5 && careful)
		for (unsigned long i = 0; i < n; i++)
			if (pages[i].state == EMU_PAGE_ROVMA &&
			    (pages[i].req == EMU_REQ_WRITE || (pages[i].req == EMU_REQ_DEFAULT && def == EMU_REQ_WRITE)))
				pages[i].req = EMU_REQ_READ;
	/* the pfns the final description names (careful mode may have dropped some) */
	set_clear(ctx->set, ctx->set_cap);
	for (unsigned long i = 0; i < n; i++)
		if (emu_page_state_has_arg((enum emu_page_state)pages[i].state))
			set_add(ctx->set, ctx->set_cap, (st_dev(pages[i].state) ? VRAM_KEY : 0) | pages[i].arg);
	vc->has_page_req = false;
	vc->snapshot = true;
	for (unsigned long i = 0; i < n; i++) {
		if (pages[i].req != EMU_REQ_DEFAULT)
			vc->has_page_req = true;
		if (eff_req(vc, i) != EMU_REQ_NONE)
			vc->snapshot = false;
	}
}

/* ---- running and checking ---- */

static int mism(struct verify_mismatch *m, unsigned long page, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int mism(struct verify_mismatch *m, unsigned long page, const char *fmt, ...)
{
	va_list ap;
	m->page = page;
	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
	return 1;
}

static int run_backend(struct verify_ctx *ctx, unsigned k, const struct verify_case *vc, struct verify_mismatch *m)
{
	struct emu_build_error be = { 0, NULL };
	int ret = emu_mm_populate(ctx->mm, vc->base, vc->pages, vc->npages, &be);
	if (ret) {
		mism(m, be.index, "emu_mm_populate failed for %s: %s (%d)", ctx->ops[k]->name,
		     be.what ? be.what : "?", ret);
		return ret;
	}
	struct pfn_call c = {
		.start = vc->base,
		.npages = vc->npages,
		.default_req = vc->default_req,
		.page_req = vc->has_page_req ? ctx->page_req : NULL,
	};
	ctx->rc[k] = pfn_backend_range_fault(ctx->b[k], &c);
	const uint64_t *dev = c.dev_words ? c.dev_words : c.hmm_pfns;
	memcpy(ctx->dev[k], dev, vc->npages * sizeof(uint64_t));
	memcpy(ctx->hmm[k], c.hmm_pfns, vc->npages * sizeof(uint64_t));
	ctx->nr_faults[k] = c.nr_faults;
	ctx->nr_walks[k] = c.nr_walks;
	pfn_backend_call_done(ctx->b[k], &c);
	return 0;
}

/* The rc the description implies: the first page whose request cannot be met. */
static int expected_rc(const struct verify_case *vc)
{
	for (unsigned long i = 0; i < vc->npages; i++) {
		enum emu_req r = eff_req(vc, i);
		if (r == EMU_REQ_NONE)
			continue;
		if (st_error(vc->pages[i].state))
			return -EFAULT;
		if (vc->pages[i].state == EMU_PAGE_ROVMA && r == EMU_REQ_WRITE)
			return -EPERM;
	}
	return 0;
}

/* spec/page-file.md, "Expected device words with no fault requested". */
static uint64_t expected_dev_word(unsigned s, uint64_t a, bool encoded)
{
	switch (s) {
	case EMU_PAGE_NONE: case EMU_PAGE_SWAP: case EMU_PAGE_DEV_OTHER:
		return 0;
	case EMU_PAGE_RO: case EMU_PAGE_ROVMA: case EMU_PAGE_THP_RO:
		return a << 12 | 0x1;
	case EMU_PAGE_RW: case EMU_PAGE_THP_RW:
		return a << 12 | 0x3;
	case EMU_PAGE_ZERO:
		return EMU_ZERO_PFN << 12 | 0x1;
	case EMU_PAGE_DEV:
		return a << 12 | 0x13;
	case EMU_PAGE_DEV_RO:
		return a << 12 | 0x11;
	default:
		return encoded ? ENC_ERROR_WORD : 0;
	}
}

/* The same table's HMM stage of the conversion path (v5.9 layout). */
static uint64_t expected_hmm_word(unsigned s, uint64_t a)
{
	const uint64_t V = 1ULL << 63, W = 1ULL << 62, ORDER9 = 9ULL << 56;
	switch (s) {
	case EMU_PAGE_NONE: case EMU_PAGE_SWAP: case EMU_PAGE_DEV_OTHER:
		return 0;
	case EMU_PAGE_RO: case EMU_PAGE_ROVMA:
		return a | V;
	case EMU_PAGE_RW:
		return a | V | W;
	case EMU_PAGE_THP_RO:
		return a | V | ORDER9;
	case EMU_PAGE_THP_RW:
		return a | V | W | ORDER9;
	case EMU_PAGE_ZERO:
		return EMU_ZERO_PFN | V;
	case EMU_PAGE_DEV:
		return (EMU_DEV_PFN_FIRST + a) | V | W;
	case EMU_PAGE_DEV_RO:
		return (EMU_DEV_PFN_FIRST + a) | V;
	default:
		return 1ULL << 61;
	}
}

/* What a device word may be after a successful call; NULL when it is fine. */
static const char *word_problem(struct verify_ctx *ctx, const struct verify_case *vc, unsigned long i, uint64_t w,
				bool encoded)
{
	const unsigned s = vc->pages[i].state;
	const uint64_t a = vc->pages[i].arg;
	const enum emu_req r = eff_req(vc, i);

	if (st_error(s))
		return w == (encoded ? ENC_ERROR_WORD : 0) ? NULL : "not the error word of this encoding";
	if (w == 0)
		return (r == EMU_REQ_NONE && (s == EMU_PAGE_NONE || s == EMU_PAGE_SWAP || s == EMU_PAGE_DEV_OTHER))
			       ? NULL
			       : "not valid although present or requested";
	if (!(w & NVIF_VMM_PFNMAP_V0_V))
		return "no V bit";
	if (w & ~(NVIF_VMM_PFNMAP_V0_ADDR | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_W | NVIF_VMM_PFNMAP_V0_APER))
		return "bits outside ADDR|APER|W|V";
	const bool wr = w & NVIF_VMM_PFNMAP_V0_W;
	const uint64_t aper = w & NVIF_VMM_PFNMAP_V0_APER;
	if (aper == NVIF_VMM_PFNMAP_V0_VRAM) {
		if (s != EMU_PAGE_DEV && s != EMU_PAGE_DEV_RO)
			return "VRAM word for a page not in this device's memory";
		if ((w & NVIF_VMM_PFNMAP_V0_ADDR) != a << 12)
			return "wrong VRAM address";
		if (wr != (s == EMU_PAGE_DEV))
			return "W differs from the device-private entry";
		return NULL;
	}
	if (aper != NVIF_VMM_PFNMAP_V0_HOST)
		return "unknown aperture";
	const unsigned long pfn = w >> 12;
	if (r == EMU_REQ_WRITE && !wr)
		return "write requested, not writable";
	if (!st_dev(s) && emu_page_state_has_arg((enum emu_page_state)s) && pfn == a) {
		if (s == EMU_PAGE_RW || s == EMU_PAGE_THP_RW)
			return wr ? NULL : "writable page reported read-only";
		return wr ? "read-only page reported writable in place" : NULL;
	}
	if (pfn == EMU_ZERO_PFN)
		return ((s == EMU_PAGE_NONE || s == EMU_PAGE_ZERO) && !wr) ? NULL : "zero page where it cannot be";
	if (!(s == EMU_PAGE_NONE || s == EMU_PAGE_ZERO || s == EMU_PAGE_RO || s == EMU_PAGE_SWAP ||
	      s == EMU_PAGE_THP_RO || st_dev(s)))
		return "a new page for a state a fault never replaces";
	if (pfn_reserved(pfn) || pfn >= ctx->mm->memmap.pfn_limit)
		return "new pfn reserved or beyond the memmap";
	if (set_has(ctx->set, ctx->set_cap, pfn))
		return "new pfn is one the case already names";
	if (!set_add(ctx->new_set, ctx->set_cap, pfn))
		return "new pfn handed out twice";
	return NULL;
}

#define PAGE_FMT "page %lu (%s 0x%llx, request %s)"
#define PAGE_ARGS(vc, i) (i), st_name((vc)->pages[i].state), (unsigned long long)(vc)->pages[i].arg, \
	req_name(eff_req(vc, i))

int verify_case_run(struct verify_ctx *ctx, const struct verify_case *vc, struct verify_mismatch *m)
{
	const unsigned long n = vc->npages;
	int ret;

	m->page = VERIFY_NO_PAGE;
	m->what[0] = 0;
	for (unsigned long i = 0; i < n; i++)
		ctx->page_req[i] = vc->pages[i].req;
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		if ((ret = run_backend(ctx, k, vc, m)))
			return ret;

	/* cross-check */
	for (unsigned k = 1; k < ctx->nr_backends; k++) {
		if (ctx->rc[k] != ctx->rc[0])
			return mism(m, VERIFY_NO_PAGE, "rc differs: %s rc=%d, %s rc=%d", ctx->ops[0]->name, ctx->rc[0],
				    ctx->ops[k]->name, ctx->rc[k]);
		if (ctx->nr_faults[k] != ctx->nr_faults[0] || ctx->nr_walks[k] != ctx->nr_walks[0])
			return mism(m, VERIFY_NO_PAGE, "fault/walk counts differ: %s %lu/%lu, %s %lu/%lu",
				    ctx->ops[0]->name, ctx->nr_faults[0], ctx->nr_walks[0], ctx->ops[k]->name,
				    ctx->nr_faults[k], ctx->nr_walks[k]);
	}
	int want = expected_rc(vc);
	if (ctx->rc[0] != want)
		return mism(m, VERIFY_NO_PAGE, "rc=%d, but the description implies rc=%d", ctx->rc[0], want);
	if (ctx->rc[0])
		return 0; /* only rc is part of the contract */

	for (unsigned k = 0; k < ctx->nr_backends; k++) {
		const bool enc_k = ctx->ops[k]->caps & PFN_CAP_ENCODED;
		const bool enc_0 = ctx->ops[0]->caps & PFN_CAP_ENCODED;
		for (unsigned long i = 0; i < n; i++) {
			uint64_t w0 = ctx->dev[0][i], wk = ctx->dev[k][i];
			if (!(ctx->ops[k]->caps & PFN_CAP_SECOND_ARRAY) && ctx->hmm[k][i] != wk)
				return mism(m, i, PAGE_FMT ": %s leaves %016llx in its one array but gives the device %016llx",
					    PAGE_ARGS(vc, i), ctx->ops[k]->name, (unsigned long long)ctx->hmm[k][i],
					    (unsigned long long)wk);
			bool same = w0 == wk;
			if (!same && enc_k != enc_0 && st_error(vc->pages[i].state))
				same = (enc_k ? wk : w0) == ENC_ERROR_WORD && (enc_k ? w0 : wk) == 0;
			if (!same)
				return mism(m, i, PAGE_FMT ": device words differ: %s %016llx, %s %016llx",
					    PAGE_ARGS(vc, i), ctx->ops[0]->name, (unsigned long long)w0,
					    ctx->ops[k]->name, (unsigned long long)wk);
		}
		set_clear(ctx->new_set, ctx->set_cap);
		for (unsigned long i = 0; i < n; i++) {
			const char *p = word_problem(ctx, vc, i, ctx->dev[k][i], enc_k);
			if (p)
				return mism(m, i, PAGE_FMT ": %s gives %016llx: %s", PAGE_ARGS(vc, i), ctx->ops[k]->name,
					    (unsigned long long)ctx->dev[k][i], p);
		}
		if (!vc->snapshot)
			continue;
		/* the exact table of spec/page-file.md */
		if (ctx->nr_faults[k] || ctx->nr_walks[k] != 1)
			return mism(m, VERIFY_NO_PAGE, "%s: snapshot took %lu faults and %lu walks", ctx->ops[k]->name,
				    ctx->nr_faults[k], ctx->nr_walks[k]);
		for (unsigned long i = 0; i < n; i++) {
			const unsigned s = vc->pages[i].state;
			const uint64_t a = vc->pages[i].arg;
			uint64_t want_dev = expected_dev_word(s, a, enc_k);
			if (ctx->dev[k][i] != want_dev)
				return mism(m, i, PAGE_FMT ": %s device word %016llx, spec says %016llx", PAGE_ARGS(vc, i),
					    ctx->ops[k]->name, (unsigned long long)ctx->dev[k][i],
					    (unsigned long long)want_dev);
			if (!enc_k && (ctx->ops[k]->caps & PFN_CAP_SECOND_ARRAY) &&
			    ctx->hmm[k][i] != expected_hmm_word(s, a))
				return mism(m, i, PAGE_FMT ": %s HMM word %016llx, spec says %016llx", PAGE_ARGS(vc, i),
					    ctx->ops[k]->name, (unsigned long long)ctx->hmm[k][i],
					    (unsigned long long)expected_hmm_word(s, a));
		}
	}
	return 0;
}
