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

#include "hmm.h"
#include "workloads.h"

#define SECTION_PFNS PAGES_PER_SECTION
#define DEV_PFN_END (EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR)
#define ENC_ERROR_WORD 0xfffffffffffffffeULL
#define VRAM_KEY (1ULL << 62)

bool verify_backend_included(const struct pfn_backend_ops *ops, const char **why)
{
	const char *w = NULL;

	if (!(ops->caps & PFN_CAP_FAULTS))
		w = "does no fault work";
	else if (ops->kver == &hmm_kver_v416)
		w = "v4.16's walk takes one VMA per call (tests/test_encode_eraA.c checks it)";
	else if (ops->caps & PFN_CAP_OWN_REQUESTS)
		w = "rewrites the requests it is given (its own test checks it)";
	if (why)
		*why = w;
	return !w;
}

static bool st_error(unsigned s)
{
	return s == EMU_PAGE_SPECIAL || s == EMU_PAGE_NOVMA || s == EMU_PAGE_NOREAD || s == EMU_PAGE_PFNMAP;
}
static bool st_dev(unsigned s)
{
	return s == EMU_PAGE_DEV || s == EMU_PAGE_DEV_RO || s == EMU_PAGE_DEV_OTHER;
}
/*
 * pfn 0 is reserved on x86 (the kernel keeps the first page for the BIOS,
 * X86_RESERVE_LOW), so no user page has it, and the words of amdgpu (the
 * bare pfn) and of dmirror's xarray (pfn << 12 | tag, read-only) could
 * not tell it from "no page".
 */
static bool pfn_reserved(unsigned long pfn)
{
	return pfn == 0 || pfn == EMU_ZERO_PFN || (pfn >= EMU_DEV_PFN_FIRST && pfn < DEV_PFN_END);
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
		if (!verify_backend_included(*o, NULL) || ctx->nr_backends == VERIFY_MAX_BACKENDS)
			continue;
		struct pfn_backend_params bp = { .mm = ctx->mm, .max_npages = n };
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
	const unsigned long edges[] = { 1, 0xfff, 0x1001, max - 1, EMU_DEV_PFN_FIRST - 1, DEV_PFN_END,
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
		.words_out = ctx->dev[k],
		.hmm_out = ctx->hmm[k],
	};
	memset(ctx->dev[k], 0, vc->npages * sizeof(uint64_t));
	memset(ctx->hmm[k], 0, vc->npages * sizeof(uint64_t));
	ctx->rc[k] = pfn_backend_range_fault(ctx->b[k], &c);
	/* a call this driver cannot make is not run, not judged */
	ctx->ran[k] = ctx->rc[k] != -ENOTSUP;
	ctx->nr_faults[k] = c.nr_faults;
	ctx->nr_walks[k] = c.nr_walks;
	return 0;
}

/* What backend k is, for the oracle. */
struct vspec {
	const struct hmm_kver *kv;
	bool v56;            /* v5.5-v5.6's walk */
	bool no_devmem;      /* amdgpu: every device page is another owner's */
	bool strict_write;   /* dmirror: a write answered read-only fails */
	bool large_maps;     /* nouveau v5.9+: one word per THP, later faults skipped */
	bool fixed;          /* era C: an ERROR entry has no VALID, a converter writes nothing */
};

static struct vspec spec_of(const struct pfn_backend_ops *ops)
{
	struct vspec v = {
		.kv = ops->kver,
		.v56 = ops->kver == &hmm_kver_v56,
		.no_devmem = ops->caps & PFN_CAP_NO_DEVMEM,
		.strict_write = ops->caps & PFN_CAP_STRICT_WRITE,
		.large_maps = ops->caps & PFN_CAP_LARGE_MAPS,
		.fixed = ops->era == PFN_ERA_C,
	};
	return v;
}

/* Is this device page another owner's, as backend sp sees it? */
static bool other_owner(const struct vspec *sp, unsigned s)
{
	return s == EMU_PAGE_DEV_OTHER || (sp->no_devmem && (s == EMU_PAGE_DEV || s == EMU_PAGE_DEV_RO));
}

/* Does page state s under request r make the walk fault (for sp)? */
static bool needs_fault(const struct vspec *sp, unsigned s, enum emu_req r)
{
	if (r == EMU_REQ_NONE || st_error(s) || other_owner(sp, s))
		return false;
	if (s == EMU_PAGE_NONE || s == EMU_PAGE_SWAP)
		return true;
	return r == EMU_REQ_WRITE && (s == EMU_PAGE_ZERO || s == EMU_PAGE_RO || s == EMU_PAGE_THP_RO);
}

/* The rcs a call can end with, as bits of expected_rcs(). */
enum { RC_OK = 1, RC_EFAULT = 2, RC_EPERM = 4 };

static int rc_of_bit(unsigned bit)
{
	return bit == RC_EFAULT ? -EFAULT : bit == RC_EPERM ? -EPERM : 0;
}

/*
 * The rcs the description allows for backend sp, from page `from` on: the
 * first page in address order whose request cannot be met decides
 * (docs/backends.md, "The walk, per kernel version").  A collateral fault
 * can change a page before the walk reaches it: hmm_vma_fault() faults
 * every page from the first faulting one to the end of its step, so a
 * dev-ro page (the strict write rule) or another owner's page (-EFAULT
 * before v5.19) after a faulting page of the same 2 MiB block may have
 * been migrated back; then its error and whatever the rest of the range
 * decides are both right.  fault_block: the 2 MiB block of the last
 * faulting page before `from`, ~0UL none.
 */
static unsigned expected_rcs(const struct vspec *sp, const struct verify_case *vc, unsigned long from,
			     unsigned long fault_block)
{
	for (unsigned long i = from; i < vc->npages; i++) {
		const unsigned s = vc->pages[i].state;
		const enum emu_req r = eff_req(vc, i);
		const unsigned long block = ((vc->base >> PAGE_SHIFT) + i) >> 9;
		const bool collateral = fault_block == block;

		if (needs_fault(sp, s, r))
			fault_block = block;	/* faulted from here to the end of the step */
		else if (!collateral)
			fault_block = ~0UL;	/* not (yet) in this 2 MiB step */

		/* v5.6: a VM_IO/PFNMAP/MIXEDMAP VMA fails the call, asked or not */
		if (sp->v56 && (s == EMU_PAGE_SPECIAL || s == EMU_PAGE_PFNMAP))
			return RC_EFAULT;
		if (r == EMU_REQ_NONE)
			continue;
		if (st_error(s))
			return RC_EFAULT;
		if (s == EMU_PAGE_ROVMA && r == EMU_REQ_WRITE)
			return sp->v56 ? RC_EFAULT : RC_EPERM;
		if ((other_owner(sp, s) && !sp->v56 && !sp->kv->devother_faults) ||
		    (sp->strict_write && s == EMU_PAGE_DEV_RO && r == EMU_REQ_WRITE)) {
			if (!collateral && !(sp->strict_write && s == EMU_PAGE_DEV_RO))
				return RC_EFAULT;
			/* migrated first (a new page, faulted like it) or not */
			return RC_EFAULT | expected_rcs(sp, vc, i + 1, block);
		}
	}
	return RC_OK;
}

/*
 * nouveau v5.9+ (PFN_CAP_LARGE_MAPS) maps a whole THP from its first fault
 * in the call and skips the later faults inside it, testing the first
 * fault's access only: a write request inside a THP mapped for a read is
 * left read-only.
 */
static bool large_map_skip(const struct verify_case *vc, unsigned long i)
{
	const unsigned s = vc->pages[i].state;
	unsigned long f = i, head = vc->pages[i].arg & ~511UL;

	if (s != EMU_PAGE_THP_RO)
		return false;
	while (f > 0 && vc->pages[f - 1].state == s && (vc->pages[f - 1].arg & ~511UL) == head)
		f--;
	return f < i && eff_req(vc, f) != EMU_REQ_WRITE;
}

/*
 * v5.2-v5.6's hmm_vma_walk_hole_() sets every entry from the faulting page
 * to the end of the step to values[NONE] while it faults them (with the
 * first page's write flag): the later pages' requests are gone when the
 * walk restarts, so a page after a faulting one in the same 2 MiB block
 * may stay read-only although it asked for write.
 */
static bool v56_request_cleared(const struct vspec *sp, const struct verify_case *vc, unsigned long i)
{
	const unsigned long block = ((vc->base >> PAGE_SHIFT) + i) >> 9;

	for (unsigned long j = i; j-- > 0 && (((vc->base >> PAGE_SHIFT) + j) >> 9) == block;)
		if (needs_fault(sp, vc->pages[j].state, eff_req(vc, j)))
			return true;
	return false;
}

/* What a word may say about page i after a successful call; NULL when fine. */
static const char *meaning_problem(struct verify_ctx *ctx, const struct vspec *sp, const struct verify_case *vc,
				   unsigned long i, const struct pfn_meaning *mn)
{
	const unsigned s = vc->pages[i].state;
	const uint64_t a = vc->pages[i].arg;
	const enum emu_req r = eff_req(vc, i);

	if (mn->kind == PFN_M_NONE) {
		if (sp->v56 && s == EMU_PAGE_DEV_OTHER)
			return NULL;	/* reported, then "Some unknown device memory": 0 */
		if (r != EMU_REQ_NONE)
			return "nothing although a fault was requested";
		if (s == EMU_PAGE_NONE || s == EMU_PAGE_SWAP || other_owner(sp, s))
			return NULL;
		if (sp->fixed && st_error(s))
			return NULL;	/* ERROR has no VALID: "no VALID -> 0" (nouveau_hmm_convert_pfn) */
		if (sp->v56 && (s == EMU_PAGE_NOVMA || s == EMU_PAGE_NOREAD))
			return NULL;	/* v5.6: values[NONE] there, not ERROR */
		return "nothing, although the page is present";
	}
	if (mn->kind == PFN_M_ERROR)
		return st_error(s) && !sp->v56 && r == EMU_REQ_NONE ? NULL : "an error word for a page without error";
	if (st_error(s))
		return "valid although the page cannot be mapped";
	if (r == EMU_REQ_WRITE && mn->write == 0 && !mn->vram && !(sp->large_maps && large_map_skip(vc, i)) &&
	    !(sp->v56 && v56_request_cleared(sp, vc, i)))
		return "write requested, not writable";
	if (mn->vram) {
		if (s != EMU_PAGE_DEV && s != EMU_PAGE_DEV_RO)
			return "device memory for a page not in this device's memory";
		if (sp->no_devmem)
			return "device memory reported to a driver without any";
		if (mn->has_addr && mn->addr != a)
			return "wrong VRAM page";
		if (mn->write >= 0 && mn->write != (s == EMU_PAGE_DEV))
			return "W differs from the device-private entry";
		return NULL;
	}
	if (!mn->has_addr) {
		/* dmirror's snapshot byte: present, zero or not, and W */
		if (mn->zero)
			return s == EMU_PAGE_ZERO ? NULL : "the zero page where it cannot be";
		if (s == EMU_PAGE_RW || s == EMU_PAGE_THP_RW)
			return mn->write == 1 ? NULL : "writable page reported read-only";
		if (s == EMU_PAGE_RO || s == EMU_PAGE_ROVMA || s == EMU_PAGE_THP_RO)
			return mn->write == 0 ? NULL : "read-only page reported writable";
		return "a present page for a state that is not";
	}
	if (emu_page_state_has_arg((enum emu_page_state)s) && !st_dev(s) && mn->addr == a) {
		if (s == EMU_PAGE_RW || s == EMU_PAGE_THP_RW)
			return mn->write != 0 ? NULL : "writable page reported read-only";
		return mn->write != 1 ? NULL : "read-only page reported writable in place";
	}
	if (mn->addr == EMU_ZERO_PFN)
		return ((s == EMU_PAGE_NONE || s == EMU_PAGE_ZERO) && mn->write != 1) ? NULL : "zero page where it cannot be";
	if (vc->snapshot)
		return "a new page although nothing faulted";
	if (!(s == EMU_PAGE_NONE || s == EMU_PAGE_ZERO || s == EMU_PAGE_RO || s == EMU_PAGE_SWAP ||
	      s == EMU_PAGE_THP_RO || st_dev(s)))
		return "a new page for a state a fault never replaces";
	if (pfn_reserved(mn->addr) || mn->addr >= ctx->mm->memmap.pfn_limit)
		return "new pfn reserved or beyond the memmap";
	if (set_has(ctx->set, ctx->set_cap, mn->addr))
		return "new pfn is one the case already names";
	if (!set_add(ctx->new_set, ctx->set_cap, mn->addr))
		return "new pfn handed out twice";
	return NULL;
}

/* Do two meanings of one page agree (where both say something)? */
static bool meanings_agree(const struct pfn_meaning *x, const struct pfn_meaning *y)
{
	if (x->kind != y->kind)
		return false;
	if (x->kind != PFN_M_VALID)
		return true;
	if (x->vram != y->vram)
		return false;
	if (x->has_addr && y->has_addr && x->addr != y->addr)
		return false;
	return x->write < 0 || y->write < 0 || x->write == y->write;
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

	for (unsigned k = 0; k < ctx->nr_backends; k++) {
		const struct vspec sp = spec_of(ctx->ops[k]);
		unsigned want, got;

		if (!ctx->ran[k])
			continue;
		want = expected_rcs(&sp, vc, 0, ~0UL);
		got = ctx->rc[k] == 0 ? RC_OK : ctx->rc[k] == -EFAULT ? RC_EFAULT : ctx->rc[k] == -EPERM ? RC_EPERM : 0;
		if (!(want & got)) {
			char list[64] = "";

			for (unsigned bit = RC_OK; bit <= RC_EPERM; bit <<= 1)
				if (want & bit)
					snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d", *list ? " or " : "",
						 rc_of_bit(bit));
			return mism(m, VERIFY_NO_PAGE, "%s (walk %s): rc=%d, but the description implies rc=%s",
				    ctx->ops[k]->name, sp.kv->name, ctx->rc[k], list);
		}
		if (ctx->rc[k])
			continue; /* only rc is part of the contract */
		if (vc->snapshot && ctx->nr_faults[k])
			return mism(m, VERIFY_NO_PAGE, "%s: a snapshot took %lu faults", ctx->ops[k]->name,
				    ctx->nr_faults[k]);
		set_clear(ctx->new_set, ctx->set_cap);
		for (unsigned long i = 0; i < n; i++) {
			struct pfn_meaning mn;
			const char *p;

			ctx->ops[k]->meaning(ctx->b[k], ctx->dev[k][i], &mn);
			p = meaning_problem(ctx, &sp, vc, i, &mn);
			if (p)
				return mism(m, i, PAGE_FMT ": %s gives %016llx: %s", PAGE_ARGS(vc, i), ctx->ops[k]->name,
					    (unsigned long long)ctx->dev[k][i], p);
		}
	}
	/*
	 * Cross-check: a snapshot faults nothing, so every backend on the same
	 * walk must say the same of every page; faults differ legitimately
	 * (each driver's window decides which pages a fault's step covers).
	 */
	if (!vc->snapshot)
		return 0;
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		for (unsigned j = k + 1; j < ctx->nr_backends; j++) {
			if (!ctx->ran[k] || !ctx->ran[j] || ctx->ops[k]->kver != ctx->ops[j]->kver)
				continue;
			if (ctx->rc[k] != ctx->rc[j])
				return mism(m, VERIFY_NO_PAGE, "rc differs on one walk: %s rc=%d, %s rc=%d",
					    ctx->ops[k]->name, ctx->rc[k], ctx->ops[j]->name, ctx->rc[j]);
			if (ctx->rc[k])
				continue;
			for (unsigned long i = 0; i < n; i++) {
				struct pfn_meaning x, y;

				ctx->ops[k]->meaning(ctx->b[k], ctx->dev[k][i], &x);
				ctx->ops[j]->meaning(ctx->b[j], ctx->dev[j][i], &y);
				/* an error entry: era C's converters write nothing, others ERROR */
				if (st_error(vc->pages[i].state) && x.kind != PFN_M_VALID && y.kind != PFN_M_VALID)
					continue;
				if (!meanings_agree(&x, &y))
					return mism(m, i, PAGE_FMT ": %s %016llx and %s %016llx say different things",
						    PAGE_ARGS(vc, i), ctx->ops[k]->name,
						    (unsigned long long)ctx->dev[k][i], ctx->ops[j]->name,
						    (unsigned long long)ctx->dev[j][i]);
			}
		}
	return 0;
}
