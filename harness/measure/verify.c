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
#include "verify_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmm.h"
#include "workloads.h"

#define SECTION_PFNS PAGES_PER_SECTION
#define DEV_PFN_END VERIFY_DEV_PFN_END
#define VRAM_KEY (1ULL << 62)

bool verify_backend_included(const struct pfn_backend_ops *ops, const char **why)
{
	const char *w = !(ops->caps & PFN_CAP_FAULTS) ? "does no fault work" : NULL;

	if (why)
		*why = w;
	return !w;
}

static const char *st_name(unsigned s)
{
	return emu_page_state_name((enum emu_page_state)s);
}
static const char *req_name(enum emu_req r)
{
	static const char *const n[] = { "none", "read", "write", "default" };
	return (unsigned)r < 4 ? n[r] : "?";
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

/* A slot: one backend, over the whole case or its first VMA.  0 or -errno. */
static int slot_add(struct verify_ctx *ctx, const struct pfn_backend_ops *ops, bool first_vma)
{
	unsigned long n = ctx->params.max_npages;
	struct pfn_backend_params bp = { .mm = ctx->mm, .max_npages = n };
	unsigned k = ctx->nr_backends;
	int ret = pfn_backend_create(ops, &bp, &ctx->b[k]);

	if (ret)
		return ret;
	ctx->ops[k] = ops;
	ctx->first_vma[k] = first_vma;
	snprintf(ctx->name[k], sizeof(ctx->name[k]), "%s%s", ops->name, first_vma ? " (first VMA)" : "");
	ctx->nr_backends++;
	ctx->dev[k] = malloc(n * sizeof(uint64_t));
	ctx->hmm[k] = malloc(n * sizeof(uint64_t));
	return ctx->dev[k] && ctx->hmm[k] ? 0 : -ENOMEM;
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
		/* era A takes one VMA per call: a second slot runs it on the case's first VMA */
		for (int first_vma = 0; first_vma <= ((*o)->kver == &hmm_kver_v416); first_vma++) {
			if (!verify_backend_included(*o, NULL) || ctx->nr_backends == VERIFY_MAX_BACKENDS)
				continue;
			ret = slot_add(ctx, *o, first_vma);
			if (ret)
				goto err;
		}
	}
	ctx->view_pages = calloc(n, sizeof(*ctx->view_pages));
	if (!ctx->view_pages) {
		ret = -ENOMEM;
		goto err;
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
	free(ctx->view_pages);
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
		if (pfn >= max || verify_pfn_reserved(pfn) || verify_set_has(ctx->set, ctx->set_cap, pfn))
			continue;
		verify_set_add(ctx->set, ctx->set_cap, pfn);
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
			ok = !verify_pfn_reserved(head + k) && !verify_set_has(ctx->set, ctx->set_cap, head + k);
		if (!ok)
			continue;
		for (unsigned long k = 0; k < HPAGE_PMD_NR; k++)
			verify_set_add(ctx->set, ctx->set_cap, head + k);
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
		if (verify_set_add(ctx->set, ctx->set_cap, VRAM_KEY | v))
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

	verify_set_clear(ctx->set, ctx->set_cap);
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
			if (verify_st_dev(s))
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
			if (verify_st_error(pages[i].state)) {
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
			if (careful && verify_st_error(pages[i].state))
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
	verify_set_clear(ctx->set, ctx->set_cap);
	for (unsigned long i = 0; i < n; i++)
		if (emu_page_state_has_arg((enum emu_page_state)pages[i].state))
			verify_set_add(ctx->set, ctx->set_cap, (verify_st_dev(pages[i].state) ? VRAM_KEY : 0) | pages[i].arg);
	vc->has_page_req = false;
	vc->snapshot = true;
	for (unsigned long i = 0; i < n; i++) {
		if (pages[i].req != EMU_REQ_DEFAULT)
			vc->has_page_req = true;
		if (verify_eff_req(vc, i) != EMU_REQ_NONE)
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

/*
 * The call of slot k on case vc: the whole case, or for a first-VMA slot
 * the pages of the case's first VMA (none when it has none, or when that is
 * the whole case: the whole-case slot ran it).  A driver without per-page
 * requests gets a call whose pages all ask the same as one request for the
 * call, the same call; otherwise it refuses it (-ENOTSUP), not run.
 */
static int run_backend(struct verify_ctx *ctx, unsigned k, const struct verify_case *vc, struct verify_mismatch *m)
{
	struct emu_build_error be = { 0, NULL };
	unsigned long n = vc->npages;
	enum emu_req def = vc->default_req;
	bool per_page = vc->has_page_req;
	int ret;

	ctx->ran[k] = false;
	ctx->npages[k] = 0;
	if (ctx->first_vma[k]) {
		n = verify_first_vma_pages(vc);
		if (n == 0 || n == vc->npages)
			return 0;
	}
	if (per_page && !(ctx->ops[k]->caps & PFN_CAP_PAGE_REQ)) {
		bool same = true;

		for (unsigned long i = 1; i < n && same; i++)
			same = verify_eff_req(vc, i) == verify_eff_req(vc, 0);
		if (same) {
			per_page = false;
			def = verify_eff_req(vc, 0);
		}
	}
	if (ctx->ops[k]->mmu_notify) {
		/*
		 * A driver that keeps state across calls (UVM's va_blocks) gets a
		 * fresh instance per case: the state of other cases' address
		 * spaces would only be torn down by the notifier, at a cost that
		 * grows with every block ever made (tests/test_uvm.c checks the
		 * notifier).
		 */
		struct pfn_backend_params bp = ctx->b[k]->params;

		pfn_backend_destroy(ctx->b[k]);
		ctx->b[k] = NULL;
		ret = pfn_backend_create(ctx->ops[k], &bp, &ctx->b[k]);
		if (ret) {
			mism(m, VERIFY_NO_PAGE, "cannot create %s: %d", ctx->name[k], ret);
			return ret;
		}
	}
	ret = emu_mm_populate(ctx->mm, vc->base, vc->pages, vc->npages, &be);
	if (ret) {
		mism(m, be.index, "emu_mm_populate failed for %s: %s (%d)", ctx->name[k], be.what ? be.what : "?", ret);
		return ret;
	}
	struct pfn_call c = {
		.start = vc->base,
		.npages = n,
		.default_req = def,
		.page_req = per_page ? ctx->page_req : NULL,
		.words_out = ctx->dev[k],
		.hmm_out = ctx->hmm[k],
	};
	memset(ctx->dev[k], 0, n * sizeof(uint64_t));
	memset(ctx->hmm[k], 0, n * sizeof(uint64_t));
	ctx->rc[k] = pfn_backend_range_fault(ctx->b[k], &c);
	/* a call this driver cannot make is not run, not judged */
	ctx->ran[k] = ctx->rc[k] != -ENOTSUP;
	ctx->npages[k] = n;
	ctx->nr_calls[k] += ctx->ran[k];
	ctx->nr_calls_ok[k] += ctx->rc[k] == 0;
	ctx->nr_faults[k] = c.nr_faults;
	ctx->nr_walks[k] = c.nr_walks;
	return 0;
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
	req_name(verify_eff_req(vc, i))

/* Slot k against the oracle, on the view of the case its call is judged on.  0 or 1 (m). */
static int check_slot(struct verify_ctx *ctx, unsigned k, const struct verify_case *vc, struct verify_mismatch *m)
{
	const struct vspec sp = verify_spec_of(ctx->ops[k]);
	struct verify_case v;
	unsigned want, got;
	unsigned long page = VERIFY_NO_PAGE;
	const char *p;

	verify_view(&sp, vc, ctx->npages[k], ctx->view_pages, &v);
	want = verify_expected_rcs(&sp, &v);
	got = verify_rc_bit(ctx->rc[k]);
	if (!(want & got)) {
		char list[64] = "";

		for (unsigned bit = RC_OK; bit & RC_ALL; bit <<= 1)
			if (want & bit)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d", *list ? " or " : "",
					 verify_rc_of_bit(bit));
		return mism(m, VERIFY_NO_PAGE, "%s (walk %s): rc=%d, but the description implies rc=%s", ctx->name[k],
			    sp.kv->name, ctx->rc[k], list);
	}
	p = verify_hmm_problem(&sp, &v, ctx->rc[k], ctx->hmm[k], &page);
	if (p)
		return mism(m, page, PAGE_FMT ": %s's walk left %016llx: %s", PAGE_ARGS(&v, page), ctx->name[k],
			    (unsigned long long)ctx->hmm[k][page], p);
	if (ctx->rc[k])
		return 0; /* the rest is not part of the contract */
	if (v.snapshot && ctx->nr_faults[k])
		return mism(m, VERIFY_NO_PAGE, "%s: a snapshot took %lu faults", ctx->name[k], ctx->nr_faults[k]);
	verify_set_clear(ctx->new_set, ctx->set_cap);
	for (unsigned long i = 0; i < v.npages; i++) {
		struct pfn_meaning mn;

		ctx->ops[k]->meaning(ctx->b[k], ctx->dev[k][i], &mn);
		p = verify_meaning_problem(ctx, &sp, &v, i, &mn);
		if (p)
			return mism(m, i, PAGE_FMT ": %s gives %016llx: %s", PAGE_ARGS(&v, i), ctx->name[k],
				    (unsigned long long)ctx->dev[k][i], p);
	}
	return 0;
}

/*
 * Cross-check of slots k and j: a snapshot faults nothing, so two slots on
 * the same walk over the same pages must say the same of every page.
 * Faults differ legitimately (each driver's window decides which pages a
 * fault's step covers), and so does a driver that faults what it was not
 * asked to (UVM).  0 or 1 (m).
 */
static int cross_check(struct verify_ctx *ctx, unsigned k, unsigned j, const struct verify_case *vc,
		       struct verify_mismatch *m)
{
	const struct vspec sk = verify_spec_of(ctx->ops[k]), sj = verify_spec_of(ctx->ops[j]);
	struct verify_case v;

	if (!ctx->ran[k] || !ctx->ran[j] || sk.kv != sj.kv || ctx->npages[k] != ctx->npages[j] || sk.own_requests ||
	    sj.own_requests)
		return 0;
	verify_view(&sk, vc, ctx->npages[k], ctx->view_pages, &v);
	if (!v.snapshot)
		return 0;
	if (ctx->rc[k] != ctx->rc[j])
		return mism(m, VERIFY_NO_PAGE, "rc differs on one walk: %s rc=%d, %s rc=%d", ctx->name[k], ctx->rc[k],
			    ctx->name[j], ctx->rc[j]);
	if (ctx->rc[k])
		return 0;
	for (unsigned long i = 0; i < v.npages; i++) {
		const unsigned s = v.pages[i].state;
		struct pfn_meaning x, y;

		ctx->ops[k]->meaning(ctx->b[k], ctx->dev[k][i], &x);
		ctx->ops[j]->meaning(ctx->b[j], ctx->dev[j][i], &y);
		/* an error entry: era C's converters write nothing, others ERROR */
		if (verify_st_error(s) && x.kind != PFN_M_VALID && y.kind != PFN_M_VALID)
			continue;
		/* v4.16 without a pass: another device's page as this one's (docs/backends.md) */
		if (s == EMU_PAGE_DEV_OTHER && (sk.devother_own || sj.devother_own))
			continue;
		if (!meanings_agree(&x, &y))
			return mism(m, i, PAGE_FMT ": %s %016llx and %s %016llx say different things", PAGE_ARGS(&v, i),
				    ctx->name[k], (unsigned long long)ctx->dev[k][i], ctx->name[j],
				    (unsigned long long)ctx->dev[j][i]);
	}
	return 0;
}

int verify_case_check(struct verify_ctx *ctx, const struct verify_case *vc, struct verify_mismatch *m)
{
	int ret;

	m->page = VERIFY_NO_PAGE;
	m->what[0] = 0;
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		if (ctx->ran[k] && (ret = check_slot(ctx, k, vc, m)))
			return ret;
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		for (unsigned j = k + 1; j < ctx->nr_backends; j++)
			if ((ret = cross_check(ctx, k, j, vc, m)))
				return ret;
	return 0;
}

int verify_case_run(struct verify_ctx *ctx, const struct verify_case *vc, struct verify_mismatch *m)
{
	int ret;

	m->page = VERIFY_NO_PAGE;
	m->what[0] = 0;
	for (unsigned long i = 0; i < vc->npages; i++)
		ctx->page_req[i] = vc->pages[i].req;
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		if ((ret = run_backend(ctx, k, vc, m)))
			return ret;
	return verify_case_check(ctx, vc, m);
}
