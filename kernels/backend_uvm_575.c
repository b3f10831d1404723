/*
 * backend_uvm_575.c - NVIDIA UVM's HMM fault servicing, driver release
 * 575.57.08 (era C, the v5.8+ format, no era-B counterpart: UVM's HMM
 * support never had one).
 *
 * What it models: kernel-open/nvidia-uvm/uvm_hmm.c of open-gpu-kernel-modules
 * at commit 30e15d79de62 (version.mk: NVIDIA_VERSION = 575.57.08), the path
 * of a GPU fault on system memory, hmm_block_cpu_fault_locked() ->
 * hmm_make_resident_cpu() -> populate_region(), and the va_block state it
 * keeps (uvm_va_block.c of the same driver generation):
 *
 *   window      one service region: the call's pages inside one UVM va_block
 *               (UVM_VA_BLOCK_SIZE, 2 MiB aligned: 1 to 512 pages) and one VMA
 *               (uvm_hmm_check_context_vma_is_valid()).  The VMA must pass
 *               uvm_hmm_vma_is_valid(): present, not VM_IO | VM_PFNMAP, with
 *               VM_READ; else NV_ERR_INVALID_ADDRESS, a fatal GPU fault: the
 *               call fails with -EFAULT.  The va_block is looked up in the
 *               va_space's block tree (uvm_range_tree_find(): a sorted array
 *               searched by bisection here) or created over the whole aligned
 *               2 MiB (hmm_va_block_find_create()).
 *   prepare     hmm_make_resident_cpu()'s pass before the walk, per page of
 *               the region: hmm_pfns[i] = REQ_FAULT | REQ_WRITE when the
 *               page's access_type is WRITE or stronger or the VMA has
 *               VM_WRITE, else REQ_FAULT, into the block context's
 *               src_pfns[PAGES_PER_UVM_VA_BLOCK] at the page's index in the
 *               block; range.pfn_flags_mask = REQ_FAULT | REQ_WRITE,
 *               default_flags 0, dev_private_owner = &g_uvm_global (this
 *               device).  UVM is the one consumer here with a request in
 *               every entry, written in a pass of its own.  The call's
 *               requests are the service context's access_type[] (PREFETCH
 *               for no request, READ, WRITE), filled in this stage too.
 *               Every page is faulted: UVM has no snapshot on this path
 *               (its one-page residency query,
 *               uvm_hmm_va_block_update_residency_info(), is not modelled),
 *               so a call with no request is -ENOTSUP; and in a writable
 *               VMA a read asks for a write fault: the zero page and a
 *               shared page are copied, a none page gets a new page.
 *   walk        hmm_range_fault() of 6.1 (the fixed v5.9+ format).
 *   convert     populate_region(): uvm_va_block_gpu_state_alloc() (the
 *               block's GPU state, allocated on first use), then per entry:
 *               ERROR -> NV_ERR_INVALID_ADDRESS (-EFAULT); no VALID ->
 *               skipped; hmm_pfn_to_page(); is_device_private_page() (a
 *               struct page read) -> gpu_chunk_add(): the page's GPU chunk
 *               (uvm_pmm_devmem_page_to_chunk()) compared with
 *               gpu_state->chunks[i], set with the GPU resident bits when
 *               new; else, if the cpu.allocated bit is clear,
 *               hmm_va_block_cpu_page_populate(): the ZERO_PAGE() check,
 *               uvm_cpu_chunk_alloc_hmm() (one heap allocation per page),
 *               uvm_cpu_chunk_insert_in_block() (the node's mixed chunk
 *               storage: 32 slots of 16 chunk pointers, each array allocated
 *               on first use; the node's and the block's allocated bits),
 *               uvm_va_block_map_cpu_chunk_on_gpus() (dma_map_page() of the
 *               page for the GPU, through params.iommu when set, else its
 *               physical address) and the populated bit; then, for every
 *               system page, uvm_va_block_cpu_set_resident_page() with
 *               page_to_nid() (a struct page read; the node's and the
 *               block's resident bits, the CPU resident processor bit) and
 *               cpu_mapping_set() (the CPU mapped processor bit, the
 *               CPU_READ pte bit, CPU_WRITE set or cleared from the entry's
 *               WRITE).  Release build: UVM_ASSERT() is not evaluated, so a
 *               tracked page is not compared with the walk's (the debug
 *               build's hmm_va_block_cpu_page_is_same()).
 *
 * Per-page state is kept as UVM keeps it, in page masks (bitmaps of 512
 * bits) and processor masks, chunk storage and chunk descriptors, for the
 * backend's lifetime: a second call over pages already populated finds
 * their allocated bits set and only sets the resident and mapping bits.
 *
 * The MMU notifier.  UVM's interval notifier (hmm_invalidate()) removes
 * the CPU chunks of an invalidated range (uvm_va_block_remove_cpu_chunks():
 * pte and resident bits cleared, chunk removed, GPU DMA mapping dropped,
 * chunk freed) and, for UNMAP and CLEAR, the GPU data of the range
 * (uvm_va_block_munmap_region()); migrations by UVM itself (MIGRATE with
 * owner &g_uvm_global) are ignored.  The emulator logs those events
 * (mm.h); this backend applies them before each window and after each
 * walk (for the copies and splits its own faults made), and on
 * pfn_backend_mmu_notify(), so that a harness can do the teardown's share
 * untimed.  hmm_range_fault_begin()/hmm_range_fault_retry() and
 * hmm_range_fault()'s own mmu_interval_check_retry() are left out, as for
 * every backend: the emulated walk restarts after its faults and reads what
 * a retried service would read.
 *
 * Output word per page (docs/backends.md): the block's state of the page,
 * read back from its masks: a system page's pfn << 12 | 0x4 (CPU resident)
 * | 0x1 (CPU_READ pte bit) | 0x2 (CPU_WRITE pte bit); a page resident on
 * this GPU, its VRAM address | 0x10; 0 for a page UVM does not track.
 *
 * Left out: the GPU side of the service (uvm_va_block_service_copy(),
 * uvm_va_block_service_finish(): GPU PTEs, pushes, trackers), the locks,
 * the reverse sysmem mappings (uvm_pmm_sysmem_mappings_add_gpu_mapping()),
 * migrate_vma_*() (pages resident on the GPU are reported, not migrated:
 * the emulator's GPU never needs them back here), policies, thrashing,
 * prefetch, the atomic path (make_device_exclusive()).  One GPU is
 * registered, one NUMA node is possible.  Allocations made in calls (va_blocks, chunk storage, chunks,
 * GPU state) count in stats.nr_allocations / bytes_allocated.  The
 * va_block's types and chunk storage are in uvm_575.h (this file alone
 * includes it), so that both files stay under the 800-line limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend_priv.h"
#include "uvm_575.h"

/* uvm_va_block_munmap_region(): the GPU data of [first, outer) released */
static void uvm_va_block_munmap_region(uvm_va_block_t *block, unsigned first, unsigned outer)
{
	uvm_va_block_gpu_state_t *gpu_state = block->gpus[0];

	if (!gpu_state)
		return;
	for (unsigned i = first; i < outer; i++) {
		gpu_state->chunks[i] = NULL;
		uvm_page_mask_clear(&gpu_state->resident, i);
	}
	if (uvm_page_mask_empty(&gpu_state->resident))
		uvm_processor_mask_clear(&block->resident, UVM_ID_GPU0);
}

/* hmm_invalidate() for one event over [start, end) */
static void hmm_invalidate(struct pfn_backend *b, uvm_va_block_t *block, unsigned long start, unsigned long end,
			   unsigned event)
{
	unsigned first, outer;

	if (start < block->start)
		start = block->start;
	if (end > block->end + 1)
		end = block->end + 1;
	if (start >= end)
		return;
	block->changed++;
	first = (unsigned)((start - block->start) >> PAGE_SHIFT);
	outer = (unsigned)((end - block->start + PAGE_SIZE - 1) >> PAGE_SHIFT);
	/* GPU unmaps of the range: GPU page tables are not modelled */
	if (event == EMU_MMU_NOTIFY_UNMAP || event == EMU_MMU_NOTIFY_CLEAR)
		uvm_va_block_munmap_region(block, first, outer);
	/* Remove stale HMM struct page pointers to system memory. */
	uvm_va_block_remove_cpu_chunks(b, block, first, outer);
}

/* The first block that ends at or above addr (uvm_range_tree_iter_first()). */
static unsigned long uvm_block_index(const struct uvm *u, unsigned long addr)
{
	unsigned long lo = 0, hi = u->nr_blocks;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (u->blocks[mid]->end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The events since seen_seq, as uvm_hmm_invalidate_entry() would have had them. */
static void uvm_mmu_notify(struct pfn_backend *b)
{
	struct uvm *u = b->priv;
	const struct emu_mm *mm = b->params.mm;
	const void *self = emu_mm_owner(mm);	/* &g_uvm_global */
	uint64_t seq = mm->notifier_seq;

	if (seq == u->seen_seq)
		return;
	if (seq - u->seen_seq > EMU_MMU_NOTIFY_LOG) {
		/* events lost: everything may have changed */
		for (unsigned long k = 0; k < u->nr_blocks; k++)
			hmm_invalidate(b, u->blocks[k], 0, TASK_SIZE_MAX, EMU_MMU_NOTIFY_UNMAP);
		u->seen_seq = seq;
		return;
	}
	for (uint64_t s = u->seen_seq + 1; s <= seq; s++) {
		const struct emu_mmu_notify *n = &mm->notify_log[s % EMU_MMU_NOTIFY_LOG];

		if (n->event == EMU_MMU_NOTIFY_MIGRATE && n->owner == self)
			continue;
		for (unsigned long k = uvm_block_index(u, n->start); k < u->nr_blocks && u->blocks[k]->start < n->end; k++)
			hmm_invalidate(b, u->blocks[k], n->start, n->end, n->event);
	}
	u->seen_seq = seq;
}

/* hmm_va_block_find_create(): the block holding addr, or a new one over its 2 MiB */
static uvm_va_block_t *hmm_va_block_find_create(struct pfn_backend *b, unsigned long addr, int *ret)
{
	struct uvm *u = b->priv;
	unsigned long k = uvm_block_index(u, addr);
	uvm_va_block_t *block;

	if (k < u->nr_blocks && u->blocks[k]->start <= addr)
		return u->blocks[k];
	if (u->nr_blocks == u->cap_blocks) {
		unsigned long cap = u->cap_blocks ? 2 * u->cap_blocks : 16;
		uvm_va_block_t **n = realloc(u->blocks, cap * sizeof(*n));

		if (!n)
			goto nomem;
		u->blocks = n;
		u->cap_blocks = cap;
	}
	/* uvm_va_block_create(): the block, its node_state array and node state */
	block = uvm_alloc(b, sizeof(*block));
	if (!block)
		goto nomem;
	block->cpu.node_state = uvm_alloc(b, sizeof(*block->cpu.node_state));
	if (block->cpu.node_state)
		block->cpu.node_state[0] = uvm_alloc(b, sizeof(**block->cpu.node_state));
	if (!block->cpu.node_state || !block->cpu.node_state[0]) {
		free(block->cpu.node_state);
		free(block);
		goto nomem;
	}
	block->start = addr & ~(UVM_VA_BLOCK_SIZE - 1);
	block->end = block->start + UVM_VA_BLOCK_SIZE - 1;
	memmove(&u->blocks[k + 1], &u->blocks[k], (u->nr_blocks - k) * sizeof(*u->blocks));
	u->blocks[k] = block;
	u->nr_blocks++;
	return block;
nomem:
	*ret = -ENOMEM;
	return NULL;
}

/* uvm_va_block_gpu_state_alloc(): the GPU state of the one registered GPU */
static int uvm_va_block_gpu_state_alloc(struct pfn_backend *b, uvm_va_block_t *block)
{
	uvm_va_block_gpu_state_t *gpu_state = block->gpus[0];

	if (gpu_state)
		return 0;
	gpu_state = uvm_alloc(b, sizeof(*gpu_state));
	if (!gpu_state)
		return -ENOMEM;
	gpu_state->chunks = uvm_alloc(b, PAGES_PER_UVM_VA_BLOCK * sizeof(*gpu_state->chunks));
	if (!gpu_state->chunks) {
		free(gpu_state);
		return -ENOMEM;
	}
	block->gpus[0] = gpu_state;
	/* block_gpu_map_phys_all_cpu_pages() */
	for (unsigned i = 0; i < PAGES_PER_UVM_VA_BLOCK; i++) {
		uvm_cpu_chunk_t *chunk = uvm_cpu_chunk_get_chunk_for_page(block, 0, i);

		if (chunk && !chunk->dma_addr && uvm_cpu_chunk_map_gpu(b, chunk))
			return -ENOMEM;
	}
	return 0;
}

/* uvm_pmm_devmem_page_to_chunk(): the chunk of a device page of this GPU */
static uvm_gpu_chunk_t *uvm_pmm_devmem_page_to_chunk(struct pfn_backend *b, const struct page *page,
						     unsigned long pfn)
{
	struct uvm *u = b->priv;
	const struct dev_pagemap *pgmap = page->pgmap;	/* page->zone_device_data's neighbour */
	unsigned long vram = pfn - (pgmap->range_start >> PAGE_SHIFT);
	uvm_gpu_chunk_t *leaf;

	if (!u->pmm) {
		u->pmm = uvm_alloc(b, PMM_NR_LEAVES * sizeof(*u->pmm));
		if (!u->pmm)
			return NULL;
	}
	leaf = u->pmm[vram >> PMM_LEAF_SHIFT];
	if (!leaf) {
		/* chunks the PMM made when the pages were allocated on the GPU */
		leaf = uvm_alloc(b, PMM_LEAF_PAGES * sizeof(*leaf));
		if (!leaf)
			return NULL;
		for (unsigned long k = 0; k < PMM_LEAF_PAGES; k++)
			leaf[k].address = pgmap->vram_base + (((vram & ~(PMM_LEAF_PAGES - 1)) + k) << PAGE_SHIFT);
		u->pmm[vram >> PMM_LEAF_SHIFT] = leaf;
	}
	return &leaf[vram & (PMM_LEAF_PAGES - 1)];
}

/* gpu_chunk_add() */
static int gpu_chunk_add(struct pfn_backend *b, uvm_va_block_t *block, unsigned page_index, const struct page *page,
			 unsigned long pfn)
{
	uvm_va_block_gpu_state_t *gpu_state = block->gpus[0];
	uvm_gpu_chunk_t *gpu_chunk;
	int ret;

	if (!gpu_state) {
		ret = uvm_va_block_gpu_state_alloc(b, block);
		if (ret)
			return ret;
		gpu_state = block->gpus[0];
	}
	gpu_chunk = uvm_pmm_devmem_page_to_chunk(b, page, pfn);
	if (!gpu_chunk)
		return -ENOMEM;
	if (gpu_state->chunks[page_index] == gpu_chunk)
		return 0;
	/* uvm_mmu_chunk_map(): only SR-IOV heavy maps anything */
	uvm_processor_mask_set(&block->resident, UVM_ID_GPU0);
	uvm_page_mask_set(&gpu_state->resident, page_index);
	gpu_chunk->va_block = block;
	gpu_chunk->va_block_page_index = page_index;
	gpu_state->chunks[page_index] = gpu_chunk;
	return 0;
}

/* hmm_va_block_cpu_page_populate() */
static int hmm_va_block_cpu_page_populate(struct pfn_backend *b, uvm_va_block_t *block, unsigned page_index,
					  struct page *page)
{
	uvm_cpu_chunk_t *chunk;
	int ret;

	if (emu_page_to_pfn(&b->params.mm->memmap, page) == EMU_ZERO_PFN)	/* ZERO_PAGE() */
		return -EFAULT;						/* NV_ERR_INVALID_ADDRESS */
	/* uvm_cpu_chunk_alloc_hmm(): a chunk descriptor, no data page */
	chunk = uvm_alloc(b, sizeof(*chunk));
	if (!chunk)
		return -ENOMEM;
	chunk->type = UVM_CPU_CHUNK_TYPE_HMM;
	chunk->page = page;
	ret = uvm_cpu_chunk_insert_in_block(b, block, chunk, page_index);
	if (ret) {
		free(chunk);
		return ret;
	}
	/* uvm_va_block_map_cpu_chunk_on_gpus(): every GPU with state in the block */
	if (block->gpus[0] && uvm_cpu_chunk_map_gpu(b, chunk)) {
		uvm_cpu_chunk_remove_from_block(block, page_to_nid(page), page_index);
		free(chunk);
		return -ENOMEM;
	}
	return 0;
}

static inline void uvm_va_block_cpu_set_resident_page(uvm_va_block_t *block, int nid, unsigned page_index)
{
	uvm_va_block_cpu_node_state_t *node_state = block_node_state_get(block, nid);

	uvm_page_mask_set(&node_state->resident, page_index);
	uvm_page_mask_set(&block->cpu.resident, page_index);
	uvm_processor_mask_set(&block->resident, UVM_ID_CPU);
}

static inline void cpu_mapping_set(uvm_va_block_t *block, bool is_write, unsigned page_index)
{
	uvm_processor_mask_set(&block->mapped, UVM_ID_CPU);
	uvm_page_mask_set(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_READ], page_index);
	if (is_write)
		uvm_page_mask_set(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_WRITE], page_index);
	else
		uvm_page_mask_clear(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_WRITE], page_index);
}

/* ---- the stages ----------------------------------------------------------- */

static int uvm_init(struct pfn_backend *b)
{
	struct uvm *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	b->priv = u;
	/* the block context's src_pfns[]: preallocated, not per call */
	u->src_pfns = pfn_array_alloc(b, PAGES_PER_UVM_VA_BLOCK, EMU_MEM_HMM_ARRAY);
	u->seen_seq = b->params.mm->notifier_seq;
	return u->src_pfns ? 0 : -ENOMEM;
}

static void uvm_fini(struct pfn_backend *b)
{
	struct uvm *u = b->priv;

	if (!u)
		return;
	for (unsigned long k = 0; k < u->nr_blocks; k++) {
		uvm_va_block_t *block = u->blocks[k];

		uvm_va_block_remove_cpu_chunks(b, block, 0, PAGES_PER_UVM_VA_BLOCK);
		if (block->gpus[0]) {
			free(block->gpus[0]->chunks);
			free(block->gpus[0]);
		}
		free(block->cpu.node_state[0]);
		free(block->cpu.node_state);
		free(block);
	}
	free(u->blocks);
	if (u->pmm) {
		for (unsigned long k = 0; k < PMM_NR_LEAVES; k++)
			free(u->pmm[k]);
		free(u->pmm);
	}
	pfn_array_free(b, u->src_pfns, PAGES_PER_UVM_VA_BLOCK, EMU_MEM_HMM_ARRAY);
	free(u);
}

/* uvm_hmm_vma_is_valid(vma, addr, false) */
static inline bool uvm_hmm_vma_is_valid(const struct emu_vma *vma, unsigned long addr)
{
	return vma && addr >= vma->vm_start && !(vma->vm_flags & (VM_IO | VM_PFNMAP)) && (vma->vm_flags & VM_READ);
}

static int uvm_prepare(struct pfn_backend *b, struct pfn_window *w)
{
	static const uint8_t access[3] = {
		[EMU_REQ_NONE] = UVM_FAULT_ACCESS_TYPE_PREFETCH,
		[EMU_REQ_READ] = UVM_FAULT_ACCESS_TYPE_READ,
		[EMU_REQ_WRITE] = UVM_FAULT_ACCESS_TYPE_WRITE,
	};
	struct uvm *u = b->priv;
	struct emu_vma *vma;
	uvm_va_block_t *block;
	unsigned long end;
	int ret = 0;

	uvm_mmu_notify(b);
	vma = emu_find_vma(b->params.mm, w->start);
	if (!uvm_hmm_vma_is_valid(vma, w->start))
		return -EFAULT;	/* NV_ERR_INVALID_ADDRESS: a fatal GPU fault */
	block = hmm_va_block_find_create(b, w->start, &ret);
	if (!block)
		return ret;
	/* the service region: inside the block and the VMA */
	end = w->start + (w->npages << PAGE_SHIFT);
	if (end > block->end + 1)
		end = block->end + 1;
	if (end > vma->vm_end)
		end = vma->vm_end;
	w->npages = (end - w->start) >> PAGE_SHIFT;
	u->block = block;
	u->first = (unsigned)((w->start - block->start) >> PAGE_SHIFT);
	w->hmm_pfns = u->src_pfns + u->first;
	for (unsigned long i = 0; i < w->npages; i++)
		u->access_type[u->first + i] = access[pfn_window_req(w, i)];
	memset(&u->populated, 0, sizeof(u->populated));

	/* hmm_make_resident_cpu() */
	u->range.mm = b->params.mm;
	u->range.start = w->start;
	u->range.end = end;
	u->range.hmm_pfns = u->src_pfns + u->first;
	u->range.default_flags = 0;
	u->range.pfn_flags_mask = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
	u->range.dev_private_owner = emu_mm_owner(b->params.mm);
	u->range.encoding = &hmm_encoding_fixed;
	for (unsigned page_index = u->first; page_index < u->first + w->npages; page_index++) {
		if (u->access_type[page_index] >= UVM_FAULT_ACCESS_TYPE_WRITE || (vma->vm_flags & VM_WRITE))
			u->src_pfns[page_index] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
		else
			u->src_pfns[page_index] = HMM_PFN_REQ_FAULT;
	}
	return 0;
}

static int uvm_walk(struct pfn_backend *b, struct pfn_window *w)
{
	struct uvm *u = b->priv;
	int ret = pfn_window_walk(b, w, &u->range, hmm_range_fault);

	/* the notifier callbacks its own faults raised (copies, splits) */
	uvm_mmu_notify(b);
	return ret;
}

/* populate_region() */
static int uvm_convert(struct pfn_backend *b, struct pfn_window *w)
{
	struct uvm *u = b->priv;
	uvm_va_block_t *block = u->block;
	const struct emu_memmap *memmap = &b->params.mm->memmap;
	const uint64_t *pfns = u->src_pfns;
	unsigned outer = u->first + (unsigned)w->npages;
	int ret;

	/* Make sure GPU state is allocated or else the GPU DMA mappings to system memory won't be saved. */
	ret = uvm_va_block_gpu_state_alloc(b, block);
	if (ret)
		return ret;
	for (unsigned page_index = u->first; page_index < outer; page_index++) {
		struct page *page;
		unsigned long pfn;

		if (pfns[page_index] & HMM_PFN_ERROR)
			return -EFAULT;	/* NV_ERR_INVALID_ADDRESS */
		if (!(pfns[page_index] & HMM_PFN_VALID))
			continue;
		pfn = hmm_pfn_to_pfn(pfns[page_index]);
		page = emu_pfn_to_page(memmap, pfn);
		if (is_device_private_page(page)) {
			ret = gpu_chunk_add(b, block, page_index, page, pfn);
			if (ret)
				return ret;
			continue;
		}
		if (!uvm_page_mask_test(&block->cpu.allocated, page_index)) {
			ret = hmm_va_block_cpu_page_populate(b, block, page_index, page);
			if (ret)
				return ret;
			uvm_page_mask_set(&u->populated, page_index);
		}
		uvm_va_block_cpu_set_resident_page(block, page_to_nid(page), page_index);
		cpu_mapping_set(block, pfns[page_index] & HMM_PFN_WRITE, page_index);
	}
	return 0;
}

/* The state UVM keeps for each page of the window, as a word. */
static void uvm_expand(const struct pfn_backend *b, const struct pfn_window *w, uint64_t *out)
{
	const struct uvm *u = b->priv;
	uvm_va_block_t *block = u->block;
	const struct emu_memmap *memmap = &b->params.mm->memmap;

	for (unsigned long j = 0; j < w->handled; j++) {
		unsigned i = u->first + (unsigned)j;
		uvm_cpu_chunk_t *chunk = uvm_cpu_chunk_get_chunk_for_page(block, 0, i);
		uint64_t word = 0;

		if (block->gpus[0] && block->gpus[0]->chunks[i]) {
			word = block->gpus[0]->chunks[i]->address | UVM_WORD_GPU_RESIDENT;
		} else if (chunk) {
			word = (uint64_t)emu_page_to_pfn(memmap, chunk->page) << PAGE_SHIFT;
			if (uvm_page_mask_test(&block->cpu.resident, i))
				word |= UVM_WORD_CPU_RESIDENT;
			if (uvm_page_mask_test(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_READ], i))
				word |= UVM_WORD_CPU_READ;
			if (uvm_page_mask_test(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_WRITE], i))
				word |= UVM_WORD_CPU_WRITE;
		}
		out[j] = word;
	}
}

static void uvm_word_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m)
{
	(void)b;
	*m = (struct pfn_meaning){ .kind = PFN_M_NONE, .write = -1 };
	if (!word)
		return;
	m->kind = PFN_M_VALID;
	m->has_addr = true;
	m->addr = word >> PAGE_SHIFT;
	if (word & UVM_WORD_GPU_RESIDENT) {
		m->vram = true;	/* residency only: UVM's CPU pte bits say nothing of the GPU's */
		return;
	}
	m->write = !!(word & UVM_WORD_CPU_WRITE);
	m->zero = m->addr == EMU_ZERO_PFN;
}

const struct pfn_backend_ops pfn_backend_uvm_575 = {
	.name = "uvm-575.57.08",
	.description = "NVIDIA UVM 575.57.08 (open-gpu-kernel-modules uvm_hmm.c): a request per entry written "
		       "before the walk, 6.1 walk, populate_region() into the va_block's page masks and chunks",
	.driver = "nvidia-uvm",
	.kernel = "driver 575.57.08 on the 6.1 walk",
	.era = PFN_ERA_C,
	.counterpart = NULL,
	.kver = &hmm_kver_v61,
	.window = PAGES_PER_UVM_VA_BLOCK,
	.caps = PFN_CAP_FAULTS | PFN_CAP_PASS | PFN_CAP_FAULT | PFN_CAP_PAGE_REQ | PFN_CAP_OWN_REQUESTS |
		PFN_CAP_PAGE_READS, /* is_device_private_page(), page_to_nid() per valid entry */
	.init = uvm_init,
	.fini = uvm_fini,
	.prepare = uvm_prepare,
	.walk = uvm_walk,
	.convert = uvm_convert,
	.meaning = uvm_word_meaning,
	.expand = uvm_expand,
	.mmu_notify = uvm_mmu_notify,
};
