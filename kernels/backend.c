/*
 * backend.c - what every backend shares: creation, the window loop of one
 * call with its stages, request preparation, and the per-page output words
 * for encode and verify.
 *
 * Requests.  A backend without per-page requests (amdgpu, dmirror, and
 * nouveau v5.9+ whose window is one page) sets default_flags with
 * pfn_flags_mask = 0: the array is not written before the walk.  nouveau
 * v5.2-v5.8 write each page's request into the array in the walk's encoding
 * from the GPU fault buffer, with pfn_flags_mask = -1 and default_flags = 0
 * (the v5.8 form masks to REQ_FAULT | REQ_WRITE; the result is the same).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "backend_priv.h"

const char *pfn_era_name(enum pfn_era era)
{
	switch (era) {
	case PFN_ERA_A:
		return "A";
	case PFN_ERA_B:
		return "B";
	case PFN_ERA_C:
		return "C";
	default:
		return "-";
	}
}

const struct pfn_backend_ops *pfn_backend_find(const char *name)
{
	for (const struct pfn_backend_ops *const *b = pfn_backends; *b; b++)
		if (!strcmp((*b)->name, name))
			return *b;
	return NULL;
}

const struct pfn_backend_ops *pfn_backend_counterpart(const struct pfn_backend_ops *ops)
{
	return ops && ops->counterpart ? pfn_backend_find(ops->counterpart) : NULL;
}

bool pfn_backend_reads_struct_page(const struct pfn_backend_ops *ops)
{
	return ops && ((ops->traffic && ops->traffic->pass_page_lines > 0) || (ops->caps & PFN_CAP_PAGE_READS));
}

int pfn_backend_create(const struct pfn_backend_ops *ops, const struct pfn_backend_params *params,
		       struct pfn_backend **out)
{
	struct pfn_backend *b;
	int ret;

	*out = NULL;
	if (!ops || !params || !params->mm || params->max_npages == 0 ||
	    params->max_npages > (TASK_SIZE_MAX >> PAGE_SHIFT))
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->ops = ops;
	b->params = *params;
	b->window = ops->window && ops->window < params->max_npages ? ops->window : params->max_npages;
	if (!(ops->caps & PFN_CAP_PER_CALL_ALLOC)) {
		/* the array hmm_range_fault() writes: range->pfns / range->hmm_pfns */
		b->hmm_pfns = emu_mem_alloc(params->mm->params.mem, b->window * sizeof(uint64_t), EMU_MEM_HMM_ARRAY);
		if (!b->hmm_pfns) {
			free(b);
			return -ENOMEM;
		}
		b->stats.bytes_persistent = b->window * sizeof(uint64_t);
	}
	if (ops->init) {
		ret = ops->init(b);
		if (ret) {
			pfn_backend_destroy(b);
			return ret;
		}
	}
	*out = b;
	return 0;
}

static void kv_cache_destroy(struct pfn_backend *b);

void pfn_backend_destroy(struct pfn_backend *b)
{
	if (!b)
		return;
	if (b->ops->fini)
		b->ops->fini(b);
	kv_cache_destroy(b);
	if (b->hmm_pfns)
		emu_mem_free(b->params.mm->params.mem, b->hmm_pfns, b->window * sizeof(uint64_t), EMU_MEM_HMM_ARRAY);
	free(b);
}

void pfn_backend_mmu_notify(struct pfn_backend *b)
{
	if (b->ops->mmu_notify)
		b->ops->mmu_notify(b);
}

/* Can this driver make the call's requests at all? */
static bool call_supported(const struct pfn_backend *b, const struct pfn_call *c)
{
	unsigned caps = b->ops->caps;

	if (!(caps & PFN_CAP_FAULTS))
		return true;
	if (c->page_req)
		return caps & PFN_CAP_PAGE_REQ;
	if (c->default_req == EMU_REQ_NONE)
		return caps & PFN_CAP_SNAPSHOT;
	return caps & PFN_CAP_FAULT;
}

/* The per-page words of a window for words_out: its output, expanded. */
static void window_words_out(struct pfn_backend *b, const struct pfn_window *w, uint64_t *out)
{
	if (!w->done) {
		/* the call failed here: only rc is part of the contract */
		memset(out, 0, w->handled * sizeof(uint64_t));
		return;
	}
	if (b->ops->expand) {
		b->ops->expand(b, w, out);
		return;
	}
	if (w->words)
		memcpy(out, w->words, w->handled * sizeof(uint64_t));
	else
		memset(out, 0, w->handled * sizeof(uint64_t));
}

#define STAGE(hook, stage)                                                        \
	do {                                                                      \
		if (!ret && ops->hook) {                                          \
			uint64_t t0 = timed ? now_ns() : 0;                       \
			ret = ops->hook(b, &w);                                   \
			if (timed)                                                \
				stage_ns[stage] += now_ns() - t0;                 \
		}                                                                 \
	} while (0)

/*
 * The window loop.  Always inlined into the two entry points: with
 * timed == false every clock read folds away.
 */
static inline __attribute__((always_inline)) int run_call(struct pfn_backend *b, struct pfn_call *c, bool timed,
							  uint64_t (*now_ns)(void), uint64_t *stage_ns)
{
	const struct pfn_backend_ops *ops = b->ops;
	unsigned long off = 0;
	int ret = 0;

	if (c->npages == 0 || c->npages > b->params.max_npages)
		return -EINVAL;
	if (!call_supported(b, c))
		return -ENOTSUP;
	c->nr_walks = c->nr_faults = c->nr_windows = 0;
	while (off < c->npages && !ret) {
		struct pfn_window w;

		/*
		 * Member by member, not a compound literal: with the kernel's
		 * -mno-sse, gcc zeroes a literal's 104 bytes with `rep stosq`,
		 * whose start-up cost was most of the null backend's time per
		 * call (perf annotate).
		 */
		w.start = c->start + (off << PAGE_SHIFT);
		w.npages = c->npages - off < b->window ? c->npages - off : b->window;
		w.offset = off;
		w.handled = 0;
		w.call = c;
		w.hmm_pfns = b->hmm_pfns;
		w.words = NULL;
		w.dev_shift = PAGE_SHIFT;
		w.nr_words = 0;
		w.map_start = w.start;
		w.done = false;
		w.nr_walks = w.nr_faults = 0;

		STAGE(alloc, PFN_STAGE_ALLOC);
		STAGE(prepare, PFN_STAGE_PREPARE);
		STAGE(walk, PFN_STAGE_WALK);
		STAGE(convert, PFN_STAGE_CONVERT);
		w.done = !ret;
		if (!ret && w.nr_words && (ops->map || b->params.iommu)) {
			/*
			 * the driver's own map (ops->map), or the ioctl:
			 * gp100_vmm_pgt_pfn() on the words, before they go away
			 */
			uint64_t t0 = timed ? now_ns() : 0;

			ret = ops->map ? ops->map(b, &w)
				       : emu_iommu_map_words(b->params.iommu, w.words, w.nr_words, w.dev_shift,
							     (w.map_start - b->params.iommu_base) >> PAGE_SHIFT);
			if (timed)
				stage_ns[PFN_STAGE_DMA] += now_ns() - t0;
		}
		/* encode and verify only: copies outside what the driver did */
		if (c->hmm_out && w.hmm_pfns)
			memcpy(c->hmm_out + off, w.hmm_pfns, w.npages * sizeof(uint64_t));
		if (!w.handled || w.handled > c->npages - off)
			w.handled = c->npages - off < w.npages ? c->npages - off : w.npages;
		if (c->words_out && (!ret || ret == -EFAULT || ret == -EPERM))
			window_words_out(b, &w, c->words_out + off);
		if (ops->release) {
			uint64_t t0 = timed ? now_ns() : 0;

			ops->release(b, &w);
			if (timed)
				stage_ns[PFN_STAGE_ALLOC] += now_ns() - t0;
		}
		c->nr_walks += w.nr_walks;
		c->nr_faults += w.nr_faults;
		c->nr_windows++;
		b->stats.windows++;
		off += w.handled;
	}
	if (!ret) {
		b->stats.pages += c->npages;
		b->stats.calls++;
	}
	return ret;
}

int pfn_backend_range_fault(struct pfn_backend *b, struct pfn_call *c)
{
	return run_call(b, c, false, NULL, NULL);
}

int pfn_backend_range_fault_staged(struct pfn_backend *b, struct pfn_call *c, uint64_t (*now_ns)(void),
				   uint64_t stage_ns[PFN_STAGE_NR])
{
	return run_call(b, c, true, now_ns, stage_ns);
}

const char *const pfn_stage_names[PFN_STAGE_NR] = {
	[PFN_STAGE_PREPARE] = "prepare", [PFN_STAGE_WALK] = "walk", [PFN_STAGE_ALLOC] = "alloc",
	[PFN_STAGE_CONVERT] = "convert", [PFN_STAGE_DMA] = "dma",
};

/* ---- shared helpers used by the backend files (backend_priv.h) ----- */

void pfn_window_requests(struct pfn_backend *b, struct pfn_window *w, struct hmm_range *range,
			 const struct hmm_encoding *enc, bool per_page)
{
	const struct pfn_call *c = w->call;
	uint64_t req_bits[4] = {
		[EMU_REQ_NONE] = 0,
		[EMU_REQ_READ] = enc->flags[HMM_PFN_FLAG_VALID],
		[EMU_REQ_WRITE] = enc->flags[HMM_PFN_FLAG_VALID] | enc->flags[HMM_PFN_FLAG_WRITE],
	};

	req_bits[EMU_REQ_DEFAULT] = req_bits[c->default_req & 3];
	range->mm = b->params.mm;
	range->start = w->start;
	range->end = w->start + (w->npages << PAGE_SHIFT);
	range->hmm_pfns = w->hmm_pfns;
	range->dev_private_owner = emu_mm_owner(b->params.mm);
	range->encoding = enc;
	if (!per_page) {
		range->default_flags = req_bits[c->default_req & 3];
		range->pfn_flags_mask = 0;
		return;
	}
	/* nouveau v5.2-v5.8: each page's request from the fault buffer */
	range->default_flags = 0;
	range->pfn_flags_mask = ~0UL;
	for (unsigned long i = 0; i < w->npages; i++)
		w->hmm_pfns[i] = req_bits[c->page_req ? c->page_req[w->offset + i] & 3 : c->default_req & 3];
}

int pfn_window_walk(struct pfn_backend *b, struct pfn_window *w, struct hmm_range *range,
		    int (*walk)(struct hmm_range *range))
{
	const struct pfn_walk_source *src = b->params.source;
	int ret = src ? src->range_fault(src->ctx, range, range->encoding) : walk(range);

	w->nr_walks += range->nr_walks;
	w->nr_faults += range->nr_faults;
	return ret;
}

uint64_t *pfn_array_alloc(struct pfn_backend *b, unsigned long n, enum emu_mem_kind kind)
{
	uint64_t *p = emu_mem_alloc(b->params.mm->params.mem, n * sizeof(uint64_t), kind);

	if (p)
		b->stats.bytes_persistent += n * sizeof(uint64_t);
	return p;
}

void pfn_array_free(struct pfn_backend *b, uint64_t *p, unsigned long n, enum emu_mem_kind kind)
{
	if (p)
		emu_mem_free(b->params.mm->params.mem, p, n * sizeof(uint64_t), kind);
}

/*
 * The per-call allocator: PFN_KV_SLOTS cached blocks per backend, one per
 * allocation a driver makes in a call (amdgpu: its pfn array; the 2018
 * thread's "without this patch" sketch: hmm_pfns and nouveau_pfns), each
 * the size of the largest request so far, as a slab or vmalloc's reuse of
 * a freed area would hand back.  The n-th allocation of a call takes the
 * first slot not in use, so a driver that allocates in the same order every
 * call gets the same blocks back.  The first call pays emu_mem_alloc
 * outside any fast path; the harness's warm-up pass absorbs it.
 */
#define PFN_KV_SLOTS 2

struct pfn_kv_cache {
	struct {
		void *block;
		size_t bytes;
		bool in_use;
		enum emu_mem_kind kind;
	} slot[PFN_KV_SLOTS];
};

void *pfn_kvmalloc(struct pfn_backend *b, size_t bytes, enum emu_mem_kind kind)
{
	struct pfn_kv_cache *kc = b->kv_cache;
	unsigned i;

	if (!kc) {
		kc = calloc(1, sizeof(*kc));
		if (!kc)
			return NULL;
		b->kv_cache = kc;
	}
	for (i = 0; i < PFN_KV_SLOTS && kc->slot[i].in_use; i++)
		;
	if (i == PFN_KV_SLOTS)
		return NULL;	/* more live blocks than a driver makes: a backend bug */
	if (kc->slot[i].bytes < bytes || (kc->slot[i].block && kc->slot[i].kind != kind)) {
		if (kc->slot[i].block)
			emu_mem_free(b->params.mm->params.mem, kc->slot[i].block, kc->slot[i].bytes, kc->slot[i].kind);
		kc->slot[i].bytes = 0;
		kc->slot[i].block = emu_mem_alloc(b->params.mm->params.mem, bytes, kind);
		if (!kc->slot[i].block)
			return NULL;
		kc->slot[i].bytes = bytes;
		kc->slot[i].kind = kind;
	}
	kc->slot[i].in_use = true;
	b->stats.bytes_allocated += bytes;
	b->stats.nr_allocations++;
	return kc->slot[i].block;
}

void pfn_kvfree(struct pfn_backend *b, void *p, size_t bytes)
{
	struct pfn_kv_cache *kc = b->kv_cache;

	(void)bytes;
	if (!kc || !p)
		return;
	for (unsigned i = 0; i < PFN_KV_SLOTS; i++)
		if (kc->slot[i].block == p)
			kc->slot[i].in_use = false;
}

static void kv_cache_destroy(struct pfn_backend *b)
{
	struct pfn_kv_cache *kc = b->kv_cache;

	if (!kc)
		return;
	for (unsigned i = 0; i < PFN_KV_SLOTS; i++)
		if (kc->slot[i].block)
			emu_mem_free(b->params.mm->params.mem, kc->slot[i].block, kc->slot[i].bytes, kc->slot[i].kind);
	free(kc);
	b->kv_cache = NULL;
}
