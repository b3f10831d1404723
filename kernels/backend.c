/*
 * backend.c - what every backend shares: creation, the HMM array, running
 * the stages of one call, and request preparation.
 *
 * Requests.  A call without per-page requests uses default_flags with
 * pfn_flags_mask = 0 (nouveau v5.9+, amdgpu, dmirror): the array is not
 * written before the walk.  A call with per-page requests writes each
 * page's request into the array in the walk's encoding and sets the mask to
 * the request bits (nouveau v5.2-v5.8 filled the array from its GPU fault
 * buffer this way).  Both encodings do the same work here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

const struct pfn_backend_ops *pfn_backend_find(const char *name)
{
	for (const struct pfn_backend_ops *const *b = pfn_backends; *b; b++)
		if (!strcmp((*b)->name, name))
			return *b;
	return NULL;
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
	/* the array hmm_range_fault() writes: range->hmm_pfns / range->pfns */
	b->hmm_pfns = emu_mem_alloc(params->mm->params.mem, params->max_npages * sizeof(uint64_t),
				    EMU_MEM_HMM_ARRAY);
	if (!b->hmm_pfns) {
		free(b);
		return -ENOMEM;
	}
	b->stats.bytes_persistent = params->max_npages * sizeof(uint64_t);
	if (ops->init) {
		ret = ops->init(b);
		if (ret) {
			emu_mem_free(params->mm->params.mem, b->hmm_pfns, params->max_npages * sizeof(uint64_t),
				     EMU_MEM_HMM_ARRAY);
			free(b);
			return ret;
		}
	}
	*out = b;
	return 0;
}

void pfn_backend_destroy(struct pfn_backend *b)
{
	if (!b)
		return;
	if (b->call_array && b->ops->release)
		b->ops->release(b, NULL);
	if (b->ops->fini)
		b->ops->fini(b);
	emu_mem_free(b->params.mm->params.mem, b->hmm_pfns, b->params.max_npages * sizeof(uint64_t),
		     EMU_MEM_HMM_ARRAY);
	free(b);
}

int pfn_backend_range_fault(struct pfn_backend *b, struct pfn_call *c)
{
	int ret;

	if (c->npages == 0 || c->npages > b->params.max_npages)
		return -EINVAL;
	c->hmm_pfns = b->hmm_pfns;
	c->dev_words = b->hmm_pfns;
	c->nr_walks = c->nr_faults = 0;
	if (b->ops->prepare && (ret = b->ops->prepare(b, c)))
		return ret;
	if (b->ops->walk && (ret = b->ops->walk(b, c)))
		return ret;
	if (b->ops->alloc && (ret = b->ops->alloc(b, c)))
		return ret;
	if (b->ops->convert && (ret = b->ops->convert(b, c)))
		return ret;
	b->stats.pages += c->npages;
	b->stats.calls++;
	return 0;
}

void pfn_backend_call_done(struct pfn_backend *b, struct pfn_call *c)
{
	if (b->ops->release)
		b->ops->release(b, c);
}

const char *const pfn_stage_names[PFN_STAGE_NR] = {
	[PFN_STAGE_PREPARE] = "prepare", [PFN_STAGE_WALK] = "walk", [PFN_STAGE_ALLOC] = "alloc",
	[PFN_STAGE_CONVERT] = "convert", [PFN_STAGE_DMA] = "dma",
};

#define TIMED_STAGE(hook, stage)                                      \
	do {                                                          \
		if (b->ops->hook) {                                   \
			uint64_t t0 = now_ns();                       \
			ret = b->ops->hook(b, c);                     \
			stage_ns[stage] += now_ns() - t0;             \
			if (ret)                                      \
				return ret;                           \
		}                                                     \
	} while (0)

int pfn_backend_range_fault_staged(struct pfn_backend *b, struct pfn_call *c, uint64_t (*now_ns)(void),
				   uint64_t stage_ns[PFN_STAGE_NR])
{
	int ret = 0;

	if (c->npages == 0 || c->npages > b->params.max_npages)
		return -EINVAL;
	c->hmm_pfns = b->hmm_pfns;
	c->dev_words = b->hmm_pfns;
	c->nr_walks = c->nr_faults = 0;
	TIMED_STAGE(prepare, PFN_STAGE_PREPARE);
	TIMED_STAGE(walk, PFN_STAGE_WALK);
	TIMED_STAGE(alloc, PFN_STAGE_ALLOC);
	TIMED_STAGE(convert, PFN_STAGE_CONVERT);
	b->stats.pages += c->npages;
	b->stats.calls++;
	return ret;
}

void pfn_backend_call_done_staged(struct pfn_backend *b, struct pfn_call *c, uint64_t (*now_ns)(void),
				  uint64_t stage_ns[PFN_STAGE_NR])
{
	if (b->ops->release) {
		uint64_t t0 = now_ns();
		b->ops->release(b, c);
		stage_ns[PFN_STAGE_ALLOC] += now_ns() - t0;
	}
}

/* ---- shared helpers used by the backend files (backend_priv.h) ----- */

#include "backend_priv.h"

void pfn_backend_setup_range(struct pfn_backend *b, struct pfn_call *c, struct hmm_range *range,
			     const struct hmm_encoding *enc)
{
	uint64_t req_bits[4] = {
		[EMU_REQ_NONE] = 0,
		[EMU_REQ_READ] = enc->flags[HMM_PFN_FLAG_VALID],
		[EMU_REQ_WRITE] = enc->flags[HMM_PFN_FLAG_VALID] | enc->flags[HMM_PFN_FLAG_WRITE],
	};

	req_bits[EMU_REQ_DEFAULT] = req_bits[c->default_req & 3];
	range->mm = b->params.mm;
	range->start = c->start;
	range->end = c->start + (c->npages << PAGE_SHIFT);
	range->hmm_pfns = b->hmm_pfns;
	range->dev_private_owner = emu_mm_owner(b->params.mm);
	range->encoding = enc;
	if (!c->page_req) {
		range->default_flags = req_bits[c->default_req & 3];
		range->pfn_flags_mask = 0;
		return;
	}
	range->default_flags = 0;
	range->pfn_flags_mask = enc->flags[HMM_PFN_FLAG_VALID] | enc->flags[HMM_PFN_FLAG_WRITE];
	for (unsigned long i = 0; i < c->npages; i++)
		b->hmm_pfns[i] = req_bits[c->page_req[i] & 3];
}

void pfn_backend_encoded_fini(struct pfn_backend *b)
{
	free(b->priv);
}

int pfn_backend_encoded_prepare(struct pfn_backend *b, struct pfn_call *c)
{
	struct pfn_backend_range *r = b->priv;

	pfn_backend_setup_range(b, c, &r->range, &r->enc);
	return 0;
}

int pfn_backend_encoded_walk(struct pfn_backend *b, struct pfn_call *c)
{
	struct pfn_backend_range *r = b->priv;
	const struct pfn_walk_source *src = b->params.source;
	int ret = src ? src->range_fault(src->ctx, &r->range, &r->enc) : hmm_range_fault_encoded(&r->range);

	c->nr_walks = r->range.nr_walks;
	c->nr_faults = r->range.nr_faults;
	return ret;
}
