/*
 * backend_convert.c - the v5.8+ fault path: a fixed-format array and a
 * conversion pass into a second array.
 *
 * hmm_range_fault() writes range->hmm_pfns in the v5.9 fixed format (its
 * encoding folded at compile time).  nouveau then converts every entry into
 * an NVIF_VMM_PFNMAP_V0 word in a second array (nouveau_hmm_convert_pfn(),
 * v5.8): entries without VALID become 0; for valid entries it looks up the
 * struct page (hmm_pfn_to_page) and asks is_device_private_page(), which
 * reads page->flags and, for ZONE_DEVICE pages, page->pgmap->type, to choose
 * the VRAM aperture (nouveau_dmem_page_addr()) or the host aperture
 * (page_to_phys()); WRITE becomes W.
 *
 * The second array is allocated per call (kmalloc_array in nouveau, malloc
 * here) unless params.keep_array asks for one preallocated array (as
 * later nouveau kept args on the stack or in its fault buffer).
 *
 * PFNBENCH_EXTRA_WORK_CONVERT (a build option for the CI gate's own test)
 * adds reads of page->refcount and page->mapcount per valid entry.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"
#include "nouveau.h"

static int convert_init(struct pfn_backend *b)
{
	struct pfn_backend_range *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	b->priv = r;
	if (b->params.keep_array) {
		b->drv_pfns = emu_mem_alloc(b->params.mm->params.mem, b->params.max_npages * sizeof(uint64_t),
					    EMU_MEM_DRIVER_ARRAY);
		if (!b->drv_pfns) {
			free(r);
			return -ENOMEM;
		}
		b->stats.bytes_persistent += b->params.max_npages * sizeof(uint64_t);
	}
	return 0;
}

static void convert_fini(struct pfn_backend *b)
{
	if (b->drv_pfns)
		emu_mem_free(b->params.mm->params.mem, b->drv_pfns, b->params.max_npages * sizeof(uint64_t),
			     EMU_MEM_DRIVER_ARRAY);
	free(b->priv);
}

static int convert_prepare(struct pfn_backend *b, struct pfn_call *c)
{
	struct pfn_backend_range *r = b->priv;

	pfn_backend_setup_range(b, c, &r->range, &hmm_encoding_fixed);
	return 0;
}

static int convert_walk(struct pfn_backend *b, struct pfn_call *c)
{
	struct pfn_backend_range *r = b->priv;
	const struct pfn_walk_source *src = b->params.source;
	int ret = src ? src->range_fault(src->ctx, &r->range, &hmm_encoding_fixed) : hmm_range_fault(&r->range);

	c->nr_walks = r->range.nr_walks;
	c->nr_faults = r->range.nr_faults;
	return ret;
}

static int convert_alloc(struct pfn_backend *b, struct pfn_call *c)
{
	if (b->drv_pfns) {
		c->dev_words = b->drv_pfns;
		return 0;
	}
	b->call_array = malloc(c->npages * sizeof(uint64_t));
	if (!b->call_array)
		return -ENOMEM;
	b->stats.bytes_allocated += c->npages * sizeof(uint64_t);
	b->stats.nr_allocations++;
	c->dev_words = b->call_array;
	return 0;
}

static int convert_convert(struct pfn_backend *b, struct pfn_call *c)
{
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const uint64_t *hmm_pfns = c->hmm_pfns;
	uint64_t *ioctl_addr = c->dev_words;

	for (unsigned long i = 0; i < c->npages; ++i) {
		const struct page *page;
		unsigned long pfn;
		uint64_t e = hmm_pfns[i];

		if (!(e & HMM_PFN_VALID)) {
			ioctl_addr[i] = 0;
			continue;
		}
		pfn = hmm_pfn_to_pfn(e);
		page = emu_pfn_to_page(memmap, pfn);
		if (is_device_private_page(page))
			ioctl_addr[i] = nouveau_dmem_page_addr(page, pfn) | NVIF_VMM_PFNMAP_V0_V |
					NVIF_VMM_PFNMAP_V0_VRAM;
		else
			ioctl_addr[i] = ((uint64_t)emu_page_to_pfn(memmap, page) << PAGE_SHIFT) |
					NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_HOST;
		if (e & HMM_PFN_WRITE)
			ioctl_addr[i] |= NVIF_VMM_PFNMAP_V0_W;
#ifdef PFNBENCH_EXTRA_WORK_CONVERT
		/*
		 * Deliberate regression for the CI gate's test: two more loads
		 * and a compare per valid entry (page_count() and
		 * page_mapcount() of a driver that checks them): about +10% CPU
		 * time at mirror npages 512, +9% instructions.
		 */
		ioctl_addr[i] |= (uint64_t)(*(volatile const int32_t *)&page->refcount <
					    *(volatile const int32_t *)&page->mapcount);
#endif
	}
	return 0;
}

static void convert_release(struct pfn_backend *b, struct pfn_call *c)
{
	(void)c;
	free(b->call_array);
	b->call_array = NULL;
}

const struct pfn_backend_ops pfn_backend_convert = {
	.name = "convert",
	.description = "v5.8+: fixed-format hmm_pfns[], then nouveau_hmm_convert_pfn() into a second array",
	.caps = PFN_CAP_FAULTS | PFN_CAP_SECOND_ARRAY | PFN_CAP_PASS,
	.init = convert_init,
	.fini = convert_fini,
	.prepare = convert_prepare,
	.walk = convert_walk,
	.alloc = convert_alloc,
	.convert = convert_convert,
	.release = convert_release,
};
