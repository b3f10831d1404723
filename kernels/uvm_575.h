/*
 * uvm_575.h - the va_block state of NVIDIA UVM 575.57.08 as
 * backend_uvm_575.c models it: the page and processor masks, the CPU
 * chunk storage of uvm_va_block.c (64 KiB slots of 4 KiB chunks), the GPU
 * chunks of the PMM, the va_block, the backend's own state, and the chunk
 * storage functions (insert, look up, remove, map for the GPU, remove a
 * range).  Everything is static and for backend_uvm_575.c alone, which
 * includes it once: the functions compile into that file as if written
 * there (the file head of backend_uvm_575.c says what is modelled).
 */
#ifndef PFNBENCH_UVM_575_H
#define PFNBENCH_UVM_575_H

#include <errno.h>
#include <stdlib.h>

#include "backend_priv.h"

#define UVM_VA_BLOCK_SIZE PMD_SIZE
#define PAGES_PER_UVM_VA_BLOCK (UVM_VA_BLOCK_SIZE / PAGE_SIZE)
#define UVM_PAGE_MASK_LONGS (PAGES_PER_UVM_VA_BLOCK / 64)
/* UVM_MIN_BIG_PAGE_SIZE (64 KiB) / PAGE_SIZE and the 2 MiB block's 64 KiB slots */
#define MAX_SMALL_CHUNKS_PER_BIG_SLOT 16
#define MAX_BIG_CPU_CHUNK_SLOTS_PER_UVM_VA_BLOCK 32
#define UVM_CPU_CHUNK_STORAGE_MIXED 1UL
#define UVM_CPU_CHUNK_STORAGE_MASK 1UL
#define UVM_CPU_CHUNK_TYPE_HMM 2

/* uvm_processor_id_t: the CPU and the one registered GPU */
enum { UVM_ID_CPU = 0, UVM_ID_GPU0 = 1 };
enum { UVM_PTE_BITS_CPU_READ, UVM_PTE_BITS_CPU_WRITE, UVM_PTE_BITS_CPU_MAX };
/* uvm_fault_access_type_t */
enum { UVM_FAULT_ACCESS_TYPE_PREFETCH, UVM_FAULT_ACCESS_TYPE_READ, UVM_FAULT_ACCESS_TYPE_WRITE,
       UVM_FAULT_ACCESS_TYPE_ATOMIC_WEAK, UVM_FAULT_ACCESS_TYPE_ATOMIC_STRONG };

/* The output word's bits (this model's, docs/backends.md) */
#define UVM_WORD_CPU_READ 0x1UL
#define UVM_WORD_CPU_WRITE 0x2UL
#define UVM_WORD_CPU_RESIDENT 0x4UL
#define UVM_WORD_GPU_RESIDENT 0x10UL

typedef struct {
	unsigned long bitmap[UVM_PAGE_MASK_LONGS];
} uvm_page_mask_t;

/* uvm_page_mask_*(): __set_bit() and friends, not atomic */
static inline bool uvm_page_mask_test(const uvm_page_mask_t *m, unsigned i)
{
	return (m->bitmap[i / 64] >> (i % 64)) & 1;
}
static inline void uvm_page_mask_set(uvm_page_mask_t *m, unsigned i)
{
	m->bitmap[i / 64] |= 1UL << (i % 64);
}
static inline void uvm_page_mask_clear(uvm_page_mask_t *m, unsigned i)
{
	m->bitmap[i / 64] &= ~(1UL << (i % 64));
}
static inline bool uvm_page_mask_empty(const uvm_page_mask_t *m)
{
	for (unsigned k = 0; k < UVM_PAGE_MASK_LONGS; k++)
		if (m->bitmap[k])
			return false;
	return true;
}
static inline void uvm_processor_mask_set(unsigned long *m, unsigned id)
{
	*m |= 1UL << id;
}
static inline void uvm_processor_mask_clear(unsigned long *m, unsigned id)
{
	*m &= ~(1UL << id);
}

/* uvm_cpu_chunk_t of an HMM page: no data allocated, the page is Linux's */
typedef struct {
	unsigned type;
	struct page *page;
	uint64_t dma_addr;	/* the GPU's mapping of the page (uvm_cpu_chunk_map_gpu()), 0: none */
} uvm_cpu_chunk_t;

/* uvm_cpu_chunk_storage_mixed_t: 64 KiB slots, each an array of 16 4 KiB chunks */
typedef struct {
	unsigned long big_chunks[1];
	void *slots[MAX_BIG_CPU_CHUNK_SLOTS_PER_UVM_VA_BLOCK];
} uvm_cpu_chunk_storage_mixed_t;

typedef struct {
	uintptr_t chunks;	/* storage | UVM_CPU_CHUNK_STORAGE_MIXED, 0 when empty */
	uvm_page_mask_t allocated;
	uvm_page_mask_t resident;
} uvm_va_block_cpu_node_state_t;

struct uvm_va_block;

/* uvm_gpu_chunk_t of a device-private page (PMM) */
typedef struct {
	struct uvm_va_block *va_block;
	unsigned va_block_page_index;
	uint64_t address;	/* VRAM address */
} uvm_gpu_chunk_t;

typedef struct {
	uvm_page_mask_t resident;
	uvm_gpu_chunk_t **chunks;	/* one per page of the block */
} uvm_va_block_gpu_state_t;

typedef struct uvm_va_block {
	unsigned long start, end;	/* [start, end], inclusive as in UVM */
	uint64_t changed;		/* hmm.changed: invalidations seen */
	unsigned long resident;		/* uvm_processor_mask_t */
	unsigned long mapped;
	struct {
		uvm_page_mask_t allocated;
		uvm_page_mask_t resident;
		uvm_page_mask_t pte_bits[UVM_PTE_BITS_CPU_MAX];
		uvm_va_block_cpu_node_state_t **node_state;	/* one possible node */
	} cpu;
	uvm_va_block_gpu_state_t *gpus[1];
} uvm_va_block_t;

/* The GPU's PMM for device memory: a chunk per VRAM page, tables made on first use. */
#define PMM_LEAF_SHIFT 12
#define PMM_LEAF_PAGES (1UL << PMM_LEAF_SHIFT)
#define PMM_NR_LEAVES (EMU_DEV_PFN_NR >> PMM_LEAF_SHIFT)

struct uvm {
	struct hmm_range range;
	uint64_t *src_pfns;		/* block_context->hmm.src_pfns[PAGES_PER_UVM_VA_BLOCK] */
	uint8_t access_type[PAGES_PER_UVM_VA_BLOCK];	/* service_context->access_type */
	uvm_page_mask_t populated;	/* hmm_block_cpu_fault_locked()'s same_devmem_page_mask */
	uvm_va_block_t **blocks;	/* va_space->hmm.blocks, sorted by start */
	unsigned long nr_blocks, cap_blocks;
	uvm_gpu_chunk_t **pmm;		/* PMM_NR_LEAVES leaves of PMM_LEAF_PAGES chunks */
	uint64_t seen_seq;		/* the last MMU notifier event applied */
	/* the window being serviced */
	uvm_va_block_t *block;
	unsigned first;			/* region.first */
};

static void *uvm_alloc(struct pfn_backend *b, size_t bytes)
{
	void *p = calloc(1, bytes);

	if (p) {
		b->stats.nr_allocations++;
		b->stats.bytes_allocated += bytes;
	}
	return p;
}

/* ---- chunk storage (uvm_va_block.c) ------------------------------------ */

/* node_to_index(): __nodes_weight(&node_possible_map, nid); one node, 0 */
static inline uvm_va_block_cpu_node_state_t *block_node_state_get(uvm_va_block_t *block, int nid)
{
	return block->cpu.node_state[nid];
}

static inline unsigned compute_page_prefix(const uvm_va_block_t *block)
{
	return (unsigned)((((block->start + 0xffffUL) & ~0xffffUL) - block->start) / PAGE_SIZE);
}

static inline unsigned compute_slot_index(const uvm_va_block_t *block, unsigned page_index)
{
	unsigned prefix = compute_page_prefix(block);

	if (page_index < prefix)
		return 0;
	return (page_index - prefix) / MAX_SMALL_CHUNKS_PER_BIG_SLOT + !!prefix;
}

static inline unsigned compute_small_index(const uvm_va_block_t *block, unsigned page_index)
{
	unsigned prefix = compute_page_prefix(block);

	if (page_index < prefix)
		return page_index;
	return (page_index - prefix) % MAX_SMALL_CHUNKS_PER_BIG_SLOT;
}

static int uvm_cpu_chunk_insert_in_block(struct pfn_backend *b, uvm_va_block_t *block, uvm_cpu_chunk_t *chunk,
					 unsigned page_index)
{
	uvm_va_block_cpu_node_state_t *node_state = block_node_state_get(block, page_to_nid(chunk->page));
	uvm_cpu_chunk_storage_mixed_t *mixed;
	uvm_cpu_chunk_t **chunks;
	unsigned slot_index;

	if (!node_state->chunks) {
		mixed = uvm_alloc(b, sizeof(*mixed));
		if (!mixed)
			return -ENOMEM;
		node_state->chunks = (uintptr_t)mixed | UVM_CPU_CHUNK_STORAGE_MIXED;
	}
	mixed = (uvm_cpu_chunk_storage_mixed_t *)(node_state->chunks & ~UVM_CPU_CHUNK_STORAGE_MASK);
	slot_index = compute_slot_index(block, page_index);
	chunks = mixed->slots[slot_index];
	if (!chunks) {
		chunks = uvm_alloc(b, sizeof(*chunks) * MAX_SMALL_CHUNKS_PER_BIG_SLOT);
		if (!chunks)
			return -ENOMEM;
		mixed->slots[slot_index] = chunks;
	}
	chunks[compute_small_index(block, page_index)] = chunk;
	uvm_page_mask_set(&node_state->allocated, page_index);
	uvm_page_mask_set(&block->cpu.allocated, page_index);
	return 0;
}

static uvm_cpu_chunk_t *uvm_cpu_chunk_get_chunk_for_page(uvm_va_block_t *block, int nid, unsigned page_index)
{
	uvm_va_block_cpu_node_state_t *node_state = block_node_state_get(block, nid);
	uvm_cpu_chunk_storage_mixed_t *mixed;
	uvm_cpu_chunk_t **chunks;

	if (!uvm_page_mask_test(&node_state->allocated, page_index))
		return NULL;
	mixed = (uvm_cpu_chunk_storage_mixed_t *)(node_state->chunks & ~UVM_CPU_CHUNK_STORAGE_MASK);
	chunks = mixed->slots[compute_slot_index(block, page_index)];
	return chunks[compute_small_index(block, page_index)];
}

static void uvm_cpu_chunk_remove_from_block(uvm_va_block_t *block, int nid, unsigned page_index)
{
	uvm_va_block_cpu_node_state_t *node_state = block_node_state_get(block, nid);
	uvm_cpu_chunk_storage_mixed_t *mixed =
		(uvm_cpu_chunk_storage_mixed_t *)(node_state->chunks & ~UVM_CPU_CHUNK_STORAGE_MASK);
	unsigned slot_index = compute_slot_index(block, page_index);
	uvm_cpu_chunk_t **chunks = mixed->slots[slot_index];
	unsigned small_index;

	chunks[compute_small_index(block, page_index)] = NULL;
	for (small_index = 0; small_index < MAX_SMALL_CHUNKS_PER_BIG_SLOT; small_index++)
		if (chunks[small_index])
			break;
	if (small_index == MAX_SMALL_CHUNKS_PER_BIG_SLOT) {
		free(chunks);
		mixed->slots[slot_index] = NULL;
	}
	uvm_page_mask_clear(&node_state->allocated, page_index);
	uvm_page_mask_clear(&block->cpu.allocated, page_index);	/* one node: the OR of one mask */
	if (uvm_page_mask_empty(&node_state->allocated)) {
		free(mixed);
		node_state->chunks = 0;
	}
}

/* uvm_cpu_chunk_map_gpu(): dma_map_page() of the page for the GPU */
static int uvm_cpu_chunk_map_gpu(struct pfn_backend *b, uvm_cpu_chunk_t *chunk)
{
	uint64_t phys = (uint64_t)emu_page_to_pfn(&b->params.mm->memmap, chunk->page) << PAGE_SHIFT;

	if (!b->params.iommu) {
		chunk->dma_addr = phys;	/* dma-direct */
		return 0;
	}
	return emu_dma_map_page(b->params.iommu, phys, true, &chunk->dma_addr);
}

static void uvm_cpu_chunk_unmap_gpu(struct pfn_backend *b, uvm_cpu_chunk_t *chunk)
{
	if (chunk->dma_addr && b->params.iommu)
		emu_dma_unmap_page(b->params.iommu, chunk->dma_addr);
	chunk->dma_addr = 0;
}

/* uvm_va_block_remove_cpu_chunks() over [first, outer) */
static void uvm_va_block_remove_cpu_chunks(struct pfn_backend *b, uvm_va_block_t *block, unsigned first,
					   unsigned outer)
{
	const int nid = 0;	/* for_each_possible_uvm_node() */
	uvm_va_block_cpu_node_state_t *node_state = block_node_state_get(block, nid);

	for (unsigned i = first; i < outer; i++) {
		uvm_cpu_chunk_t *chunk;

		if (!uvm_page_mask_test(&node_state->allocated, i))
			continue;
		chunk = uvm_cpu_chunk_get_chunk_for_page(block, nid, i);
		uvm_page_mask_clear(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_READ], i);
		uvm_page_mask_clear(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_WRITE], i);
		uvm_page_mask_clear(&node_state->resident, i);	/* uvm_va_block_cpu_clear_resident_region() */
		uvm_page_mask_clear(&block->cpu.resident, i);
		uvm_cpu_chunk_remove_from_block(block, nid, i);
		uvm_cpu_chunk_unmap_gpu(b, chunk);		/* uvm_va_block_unmap_cpu_chunk_on_gpus() */
		free(chunk);					/* uvm_cpu_chunk_free() */
	}
	if (uvm_page_mask_empty(&block->cpu.pte_bits[UVM_PTE_BITS_CPU_READ]))
		uvm_processor_mask_clear(&block->mapped, UVM_ID_CPU);
	if (uvm_page_mask_empty(&block->cpu.resident))
		uvm_processor_mask_clear(&block->resident, UVM_ID_CPU);
}

#endif
