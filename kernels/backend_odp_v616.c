/*
 * backend_odp_v616.c - RDMA on-demand paging (ODP, mlx5_ib) on v6.16's HMM
 * DMA helpers: the path where HMM's array is "directly ready for hardware
 * consumption", as the 2018 thread foresaw (era C, v6.16's format, no
 * era-B counterpart).
 *
 * What it models.  v6.16's mm/hmm.c "mm/hmm: provide generic DMA managing
 * logic" (kernels/hmm_dma.c: hmm_dma_map_alloc(), hmm_dma_map_pfn(),
 * hmm_dma_unmap_pfn(), hmm_dma_map_free()) as RDMA ODP, the user that
 * merged with them (1efe8c0670d6), calls them:
 *
 *   registration  ib_init_umem_odp(): hmm_dma_map_alloc() over the whole
 *                 MR (umem): its pfn list and, behind an IOMMU, one IOVA
 *                 range for all of it (dma_iova_try_alloc()).  Here the
 *                 umem is the range the harness mirrors
 *                 (params.range_start/range_npages), registered at init;
 *                 without one, what the first call covers (re-registered
 *                 when a call leaves it: verify and the unit tests).
 *   prepare       ib_umem_odp_map_dma_and_lock(): range.hmm_pfns =
 *                 &map.pfn_list[idx], default_flags REQ_FAULT (| REQ_WRITE
 *                 for a writable MR), none for a snapshot
 *                 (MLX5_PF_FLAGS_SNAPSHOT: mlx5_ib_init_odp_mr(), a
 *                 prefetch without fault), pfn_flags_mask 0, no
 *                 dev_private_owner (RDMA has no device-private memory).
 *                 The harness's request: none = a snapshot, read = a
 *                 read-only MR, write = a writable MR.
 *   walk          hmm_range_fault() of v6.16 (hmm_range_fault_v616()):
 *                 every store keeps DMA_MAPPED, so the list remembers what
 *                 is mapped from call to call.
 *   convert       ib_umem_odp_map_dma_and_lock()'s loop: the WARN_ON()s on
 *                 ERROR and !VALID, skip !VALID and DMA_MAPPED entries,
 *                 the order against the umem's page_shift (4 KiB).
 *   map (dma)     mlx5's pagefault_real_mr() -> mlx5r_umr_update_xlt() ->
 *                 populate_mtt(): per VALID entry hmm_dma_map_pfn() (an
 *                 entry already DMA_MAPPED returns its address with no
 *                 work; else pci_p2pdma_state()'s struct page read, then
 *                 dma_iova_link() + dma_iova_sync() of the page into the
 *                 umem's IOVA range, or dma-direct's physical address
 *                 without an IOMMU), the MTT word dma | MLX5_IB_MTT_READ
 *                 (| MLX5_IB_MTT_WRITE), odp->npages++.  This stage runs
 *                 whether or not the sweep's dma key is set: ODP's words
 *                 are DMA addresses; with dma = no there is no IOMMU
 *                 model and hmm_dma_map_pfn() takes dma-direct.
 *   notifier      mlx5_ib_invalidate_range() -> ib_umem_odp_unmap_dma_pages():
 *                 per page of the invalidated range hmm_dma_unmap_pfn()
 *                 (the I/O PTE unlinked, DMA_MAPPED cleared) and the
 *                 entry's flags cleared.  The emulator logs the events
 *                 (mm.h); they are applied before each call (or untimed,
 *                 pfn_backend_mmu_notify()), and after each walk for the
 *                 copies and migrations its own faults made: there only
 *                 the mapping is dropped, since in the kernel the
 *                 invalidation comes before the retried walk writes the
 *                 new page's entry.
 *
 * Source.  The driver text read for this model is a copy of
 * drivers/infiniband/core/umem_odp.c and drivers/infiniband/hw/mlx5/odp.c
 * that uses v6.16's helpers (hmm_dma_map_pfn() with its p2pdma_state
 * argument; "RDMA/core: Avoid hmm_dma_map_alloc() for virtual DMA
 * devices" applied); which release that copy is was not verified.  The
 * backend is named for the helpers' version; the ODP flow is that copy's.
 *
 * Output word per page: the MTT entry, dma address | 0x1 (READ) | 0x2
 * (WRITE), 0 for an entry without VALID (the XLT buffer is zeroed), in CPU
 * byte order (the hardware's is big-endian: populate_mtt()'s
 * cpu_to_be64(), one byte swap, left out so that encode prints it
 * readably).  The words are dma addresses: through the IOMMU an IOVA in
 * the umem's range (emu_iommu_iova_to_phys() gives the page), without one
 * the physical address.
 *
 * Left out: the UMR work request that writes the MTTs and its completion
 * (the device side, as every backend leaves out its GPU), the XLT buffer's
 * allocation per update (mlx5r_umr_alloc_xlt(): modelled as one zeroed
 * array held for the backend's life, the zeroing paid per call), implicit
 * ODP (1 GiB child MRs), the umem_mutex, mmu_interval_read_retry(),
 * page_shift above 4 KiB (hugetlb MRs), P2PDMA memory (none in the
 * emulator), set_page_dirty() on unmap, and the MTT zap on invalidation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend_priv.h"
#include "hmm_dma.h"

#define MLX5_IB_MTT_READ (1ULL << 0)
#define MLX5_IB_MTT_WRITE (1ULL << 1)

struct odp {
	struct hmm_dma_dev dev;
	struct hmm_dma_map map;		/* umem_odp->map */
	unsigned long umem_start, umem_npages; /* 0 pages: no MR registered */
	unsigned page_shift;		/* umem_odp->page_shift, read at run time */
	struct hmm_range range;
	bool fault;			/* !MLX5_PF_FLAGS_SNAPSHOT */
	uint64_t *mtt;			/* the XLT buffer: one word per page of a window */
	unsigned long npages;		/* umem_odp->npages: pages mapped for DMA */
	unsigned long warnings;		/* WARN_ON()s taken */
	uint64_t seen_seq;		/* the last MMU notifier event applied */
};

/* ib_umem_odp_unmap_dma_pages() over [start, end); clear: the entries' flags too */
static void odp_unmap_pages(struct odp *u, unsigned long start, unsigned long end, bool clear)
{
	unsigned long umem_end = u->umem_start + (u->umem_npages << PAGE_SHIFT);

	if (start < u->umem_start)
		start = u->umem_start;
	if (end > umem_end)
		end = umem_end;
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		size_t idx = (addr - u->umem_start) >> PAGE_SHIFT;

		if (hmm_dma_unmap_pfn(&u->dev, &u->map, idx))
			u->npages--;
		if (clear)
			u->map.pfn_list[idx] &= ~HMM_PFN_V616_FLAGS;
	}
}

/* mlx5_ib_invalidate_range() for the events after seen_seq */
static void odp_invalidate(struct pfn_backend *b, bool clear)
{
	struct odp *u = b->priv;
	const struct emu_mm *mm = b->params.mm;
	uint64_t seq = mm->notifier_seq;

	if (seq == u->seen_seq)
		return;
	for (uint64_t s = u->seen_seq + 1; s <= seq && u->umem_npages; s++) {
		const struct emu_mmu_notify *n = &mm->notify_log[s % EMU_MMU_NOTIFY_LOG];

		if (!u->npages)
			break;	/* "If npages is zero then umem_odp->private may not be setup yet" */
		if (seq - u->seen_seq > EMU_MMU_NOTIFY_LOG) {
			/* events lost: everything may have changed */
			odp_unmap_pages(u, 0, TASK_SIZE_MAX, clear);
			break;
		}
		odp_unmap_pages(u, n->start, n->end, clear);
	}
	u->seen_seq = seq;
}

static void odp_mmu_notify(struct pfn_backend *b)
{
	odp_invalidate(b, true);
}

/* ib_umem_odp_free(): every page unmapped, hmm_dma_map_free() */
static void odp_umem_release(struct pfn_backend *b)
{
	struct odp *u = b->priv;

	if (!u->umem_npages)
		return;
	odp_unmap_pages(u, u->umem_start, u->umem_start + (u->umem_npages << PAGE_SHIFT), true);
	b->stats.bytes_persistent -= u->umem_npages * sizeof(uint64_t);
	hmm_dma_map_free(&u->dev, &u->map);
	u->umem_npages = 0;
}

/* ib_init_umem_odp(): hmm_dma_map_alloc() over the MR.  0 or -errno. */
static int odp_umem_register(struct pfn_backend *b, unsigned long start, unsigned long npages)
{
	struct odp *u = b->priv;
	int ret = hmm_dma_map_alloc(&u->dev, &u->map, npages, 1UL << u->page_shift);

	if (ret)
		return ret;
	u->umem_start = start;
	u->umem_npages = npages;
	u->npages = 0;
	b->stats.bytes_persistent += npages * sizeof(uint64_t);
	return 0;
}

static int odp_init(struct pfn_backend *b)
{
	struct odp *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	b->priv = u;
	u->dev = (struct hmm_dma_dev){ .iommu = b->params.iommu, .memmap = &b->params.mm->memmap,
				       .mem = b->params.mm->params.mem, .p2pdma = true };
	u->page_shift = PAGE_SHIFT;
	u->seen_seq = b->params.mm->notifier_seq;
	/* the walk writes into the MR's pfn list: the per-window array is not this driver's */
	if (b->hmm_pfns) {
		emu_mem_free(b->params.mm->params.mem, b->hmm_pfns, b->window * sizeof(uint64_t), EMU_MEM_HMM_ARRAY);
		b->hmm_pfns = NULL;
		b->stats.bytes_persistent -= b->window * sizeof(uint64_t);
	}
	u->mtt = pfn_array_alloc(b, b->window, EMU_MEM_DRIVER_ARRAY);
	if (!u->mtt)
		return -ENOMEM;
	if (b->params.range_npages)
		return odp_umem_register(b, b->params.range_start & PAGE_MASK, b->params.range_npages);
	return 0;
}

static void odp_fini(struct pfn_backend *b)
{
	struct odp *u = b->priv;

	if (!u)
		return;
	odp_umem_release(b);
	pfn_array_free(b, u->mtt, b->window, EMU_MEM_DRIVER_ARRAY);
	free(u);
}

static int odp_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	struct odp *u = b->priv;
	unsigned long end = w->start + (w->npages << PAGE_SHIFT);
	enum emu_req req = w->call->default_req;
	size_t idx;
	int ret;

	/* the notifier callbacks of changes since the last call */
	odp_invalidate(b, true);
	if (!u->umem_npages || w->start < u->umem_start ||
	    end > u->umem_start + (u->umem_npages << PAGE_SHIFT)) {
		/* no MR holds the call (no range given): register what it covers */
		odp_umem_release(b);
		ret = odp_umem_register(b, w->start, w->npages);
		if (ret)
			return ret;
	}
	idx = (w->start - u->umem_start) >> PAGE_SHIFT;
	u->fault = req != EMU_REQ_NONE;
	u->range = (struct hmm_range){
		.mm = b->params.mm,
		.start = w->start,
		.end = end,
		.hmm_pfns = u->map.pfn_list + idx,
		.default_flags = !u->fault ? 0 : HMM_PFN_REQ_FAULT | (req == EMU_REQ_WRITE ? HMM_PFN_REQ_WRITE : 0),
		.pfn_flags_mask = 0,
		.dev_private_owner = NULL,
		.encoding = &hmm_encoding_fixed_v616,
	};
	w->hmm_pfns = u->range.hmm_pfns;
	return 0;
}

static int odp_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct odp *u = b->priv;
	int ret = pfn_window_walk(b, w, &u->range, hmm_range_fault_v616);

	/* what its own faults invalidated: the old mappings, not the new entries */
	odp_invalidate(b, false);
	return ret;
}

/* ib_umem_odp_map_dma_and_lock()'s loop over the walked entries */
static int odp_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct odp *u = b->priv;
	const uint64_t *pfns = w->hmm_pfns;
	int ret = 0;

	for (unsigned long i = 0; i < w->npages; i++) {
		/* Since we asked for hmm_range_fault() to populate pages it shouldn't return an error entry */
		u->warnings += u->fault && (pfns[i] & HMM_PFN_ERROR);
		u->warnings += u->fault && !(pfns[i] & HMM_PFN_VALID);
		if (!(pfns[i] & HMM_PFN_VALID))
			continue;
		if (pfns[i] & HMM_PFN_DMA_MAPPED)
			continue;
		if (hmm_pfn_v616_to_map_order(pfns[i]) + PAGE_SHIFT < u->page_shift) {
			ret = -EINVAL;
			break;
		}
	}
	w->words = u->mtt;
	w->nr_words = w->npages;
	return ret;
}

/* populate_mtt() over the window, through hmm_dma_map_pfn() */
static int odp_map(struct pfn_backend *b, struct pfn_window *w)
{
	struct odp *u = b->priv;
	size_t start = (size_t)(w->hmm_pfns - u->map.pfn_list);
	uint64_t *pas = u->mtt;

	memset(pas, 0, w->npages * sizeof(*pas));	/* the XLT buffer, __GFP_ZERO */
	for (size_t i = 0; i < w->npages; i++) {
		uint64_t pfn = u->map.pfn_list[start + i];
		uint64_t dma_addr;

		if (!(pfn & HMM_PFN_VALID))
			continue;	/* ODP initialization */
		dma_addr = hmm_dma_map_pfn(&u->dev, &u->map, start + i);
		if (dma_addr == DMA_MAPPING_ERROR)
			return -EFAULT;
		dma_addr |= MLX5_IB_MTT_READ;
		if (pfn & HMM_PFN_WRITE)
			dma_addr |= MLX5_IB_MTT_WRITE;
		pas[i] = dma_addr;
		u->npages++;
	}
	return 0;
}

static void odp_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m)
{
	uint64_t dma = word & PAGE_MASK, phys;

	*m = (struct pfn_meaning){ .kind = PFN_M_NONE, .write = -1 };
	if (!word)
		return;
	phys = b->params.iommu ? emu_iommu_iova_to_phys(b->params.iommu, dma) : dma;
	m->kind = PFN_M_VALID;
	m->has_addr = true;
	m->addr = phys >> PAGE_SHIFT;
	m->write = !!(word & MLX5_IB_MTT_WRITE);
	m->zero = m->addr == EMU_ZERO_PFN;
}

const struct pfn_backend_ops pfn_backend_odp_v616 = {
	.name = "odp-v6.16",
	.description = "RDMA ODP (mlx5_ib) on v6.16's HMM DMA helpers: the MR's pfn list kept across calls, v6.16 "
		       "walk, hmm_dma_map_pfn() per entry into one IOVA range (DMA_MAPPED entries map nothing)",
	.driver = "mlx5_ib (RDMA ODP)",
	.kernel = "v6.16 (hmm_dma_map_*)",
	.era = PFN_ERA_C,
	.counterpart = NULL,
	.kver = &hmm_kver_v616,
	.window = 0,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_SNAPSHOT | PFN_CAP_FAULT | PFN_CAP_NO_DEVMEM,
	.traffic = NULL,	/* not modelled: its map's work depends on what is already mapped */
	.init = odp_init,
	.fini = odp_fini,
	.prepare = odp_prepare,
	.walk = odp_walk,
	.convert = odp_convert,
	.map = odp_map,
	.meaning = odp_word_meaning,
	.mmu_notify = odp_mmu_notify,
};
