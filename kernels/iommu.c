/*
 * iommu.c - IOVA allocation, a 4-level I/O page table, the GPU PTE
 * programming of gp100_vmm_pgt_pfn(), dma_map_page() and the two-step
 * dma_iova_*() API of v6.16; see iommu.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu.h"
#include "nouveau.h"

#define IOPT_CHUNK (2UL << 20)
#define IOPTE_TABLE (1UL << 62) /* software marker: entry points to a table */
#define IOPTE_LARGE (1UL << 7)  /* a 2 MiB leaf at the PMD level (PS) */

static uint64_t *iopt_page_alloc(struct emu_iommu *io)
{
	uint8_t *p;

	if (!io->nr_chunks || io->chunk_used + PAGE_SIZE > IOPT_CHUNK) {
		if (io->nr_chunks == io->cap_chunks) {
			unsigned long cap = io->cap_chunks ? 2 * io->cap_chunks : 8;
			uint8_t **n = realloc(io->chunks, cap * sizeof(*n));
			if (!n)
				return NULL;
			io->chunks = n;
			io->cap_chunks = cap;
		}
		p = emu_mem_alloc(io->mem, IOPT_CHUNK, EMU_MEM_PGTABLE);
		if (!p)
			return NULL;
		io->chunks[io->nr_chunks++] = p;
		io->chunk_used = 0;
	}
	p = io->chunks[io->nr_chunks - 1] + io->chunk_used;
	io->chunk_used += PAGE_SIZE;
	io->stats.iopt_pages++;
	return (uint64_t *)p;
}

int emu_iommu_create(const struct emu_mem_ops *mem, unsigned long nr_gpu_pte, struct emu_iommu **out)
{
	struct emu_iommu *io;

	*out = NULL;
	if (nr_gpu_pte == 0)
		return -EINVAL;
	io = calloc(1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	io->mem = mem;
	io->next_iova = EMU_IOVA_TOP;
	/* whole 2 MiB GPU PDEs: a large mapping may reach past the range's end */
	io->nr_gpu_pte = (nr_gpu_pte + HPAGE_PMD_NR - 1) & ~(HPAGE_PMD_NR - 1);
	nr_gpu_pte = io->nr_gpu_pte;
	io->gpu_pte = calloc(nr_gpu_pte, sizeof(uint64_t));
	io->iopgd = io->gpu_pte ? iopt_page_alloc(io) : NULL;
	if (!io->iopgd) {
		emu_iommu_destroy(io);
		return -ENOMEM;
	}
	*out = io;
	return 0;
}

void emu_iommu_destroy(struct emu_iommu *io)
{
	if (!io)
		return;
	for (unsigned long i = 0; i < io->nr_chunks; i++)
		emu_mem_free(io->mem, io->chunks[i], IOPT_CHUNK, EMU_MEM_PGTABLE);
	free(io->chunks);
	free(io->rcache);
	free(io->rcache2m);
	free(io->rcache_range);
	free(io->gpu_pte);
	free(io);
}

/* The I/O PTE slot of iova at the level of leaf_shift, allocating tables when alloc. */
static uint64_t *iopte_slot_at(struct emu_iommu *io, uint64_t iova, bool alloc, int leaf_shift)
{
	uint64_t *table = io->iopgd;

	for (int shift = PGDIR_SHIFT; shift > leaf_shift; shift -= 9) {
		uint64_t *e = &table[(iova >> shift) & 511];

		if (!*e) {
			uint64_t *t;

			if (!alloc || !(t = iopt_page_alloc(io)))
				return NULL;
			*e = (uint64_t)(uintptr_t)t | IOPTE_TABLE;
		}
		table = (uint64_t *)(uintptr_t)(*e & ~IOPTE_TABLE);
	}
	return &table[(iova >> leaf_shift) & 511];
}

static uint64_t *iopte_slot(struct emu_iommu *io, uint64_t iova, bool alloc)
{
	return iopte_slot_at(io, iova, alloc, PAGE_SHIFT);
}

static int iova_alloc(struct emu_iommu *io, uint64_t *iova)
{
	if (io->rcache_n) {
		*iova = io->rcache[--io->rcache_n];
		io->stats.iova_cached++;
		return 0;
	}
	if (io->next_iova <= PAGE_SIZE)
		return -ENOSPC;
	io->next_iova -= PAGE_SIZE;
	*iova = io->next_iova;
	io->stats.iova_fresh++;
	return 0;
}

/* A 2 MiB-aligned IOVA: cached, else top-down below the 4 KiB cursor. */
static int iova_alloc_2m(struct emu_iommu *io, uint64_t *iova)
{
	if (io->rcache2m_n) {
		*iova = io->rcache2m[--io->rcache2m_n];
		io->stats.iova_cached++;
		return 0;
	}
	io->next_iova &= ~(PMD_SIZE - 1);
	if (io->next_iova <= PMD_SIZE)
		return -ENOSPC;
	io->next_iova -= PMD_SIZE;
	*iova = io->next_iova;
	io->stats.iova_fresh++;
	return 0;
}

static int iova_free_2m(struct emu_iommu *io, uint64_t iova)
{
	if (io->rcache2m_n == io->rcache2m_cap) {
		unsigned long cap = io->rcache2m_cap ? 2 * io->rcache2m_cap : 64;
		uint64_t *n = realloc(io->rcache2m, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		io->rcache2m = n;
		io->rcache2m_cap = cap;
	}
	io->rcache2m[io->rcache2m_n++] = iova;
	return 0;
}

static int iova_free(struct emu_iommu *io, uint64_t iova)
{
	if (io->rcache_n == io->rcache_cap) {
		unsigned long cap = io->rcache_cap ? 2 * io->rcache_cap : 256;
		uint64_t *n = realloc(io->rcache, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		io->rcache = n;
		io->rcache_cap = cap;
	}
	io->rcache[io->rcache_n++] = iova;
	return 0;
}

/* GPU PTE encoding here: the device word with the address replaced by the IOVA. */
#define GPU_PTE_DMA (1UL << 11) /* software: the address is an IOVA to unmap */
#define GPU_PTE_LARGE (1UL << 10) /* software: a 2 MiB PDE (gp100_vmm_pd0_pfn) */

static int gpu_pte_clear(struct emu_iommu *io, unsigned long idx)
{
	uint64_t old = io->gpu_pte[idx];

	io->gpu_pte[idx] = 0;
	if ((old & (GPU_PTE_DMA | GPU_PTE_LARGE)) == (GPU_PTE_DMA | GPU_PTE_LARGE)) {
		uint64_t iova = old & NVIF_VMM_PFNMAP_V0_ADDR;
		uint64_t *slot = iopte_slot_at(io, iova, false, PMD_SHIFT);

		if (slot)
			*slot = 0;
		io->stats.unmaps++;
		return iova_free_2m(io, iova);
	}
	if (old & GPU_PTE_DMA) {
		uint64_t iova = old & NVIF_VMM_PFNMAP_V0_ADDR;
		uint64_t *slot = iopte_slot(io, iova, false);

		if (slot)
			*slot = 0; /* iommu_unmap; the IOTLB flush is deferred */
		io->stats.unmaps++;
		return iova_free(io, iova);
	}
	return 0;
}

/* gp100_vmm_pd0_pfn(): one word for 2 MiB at GPU PTE index first. */
static int map_large(struct emu_iommu *io, uint64_t w, unsigned long first)
{
	uint64_t iova, *slot;
	int ret;

	if (first + HPAGE_PMD_NR > io->nr_gpu_pte)
		return -EINVAL;
	if (!(io->gpu_pte[first] & GPU_PTE_LARGE)) {
		/* first large mapping here: 4 KiB mappings under it go */
		for (unsigned long i = 1; i < HPAGE_PMD_NR; i++)
			if (io->gpu_pte[first + i] && (ret = gpu_pte_clear(io, first + i)))
				return ret;
	}
	ret = gpu_pte_clear(io, first);
	if (ret || !(w & NVIF_VMM_PFNMAP_V0_V))
		return ret;
	if ((w & NVIF_VMM_PFNMAP_V0_APER) != NVIF_VMM_PFNMAP_V0_HOST) {
		io->gpu_pte[first] = w | GPU_PTE_LARGE;
		return 0;
	}
	/* dma_map_page(dev, page, 0, 2 MiB): one IOVA, one large I/O PTE */
	ret = iova_alloc_2m(io, &iova);
	if (ret)
		return ret;
	slot = iopte_slot_at(io, iova, true, PMD_SHIFT);
	if (!slot)
		return -ENOMEM;
	*slot = (w & NVIF_VMM_PFNMAP_V0_ADDR) | IOPTE_LARGE | EMU_IOPTE_R | ((w & NVIF_VMM_PFNMAP_V0_W) ? EMU_IOPTE_W : 0);
	io->stats.maps++;
	io->gpu_pte[first] = iova | GPU_PTE_DMA | GPU_PTE_LARGE | (w & ~NVIF_VMM_PFNMAP_V0_ADDR);
	return 0;
}

/* dma_map_page() through the IOMMU: alloc_iova_fast() + iommu_map() of one page */
static inline int dma_map_one(struct emu_iommu *io, uint64_t phys, bool write, uint64_t *dma_addr)
{
	uint64_t iova, *slot;
	int ret = iova_alloc(io, &iova);

	if (ret)
		return ret;
	slot = iopte_slot(io, iova, true);
	if (!slot)
		return -ENOMEM;
	*slot = (phys & NVIF_VMM_PFNMAP_V0_ADDR) | EMU_IOPTE_R | (write ? EMU_IOPTE_W : 0);
	io->stats.maps++;
	*dma_addr = iova;
	return 0;
}

/* dma_unmap_page(): iommu_unmap (the IOTLB flush deferred) and the IOVA cached */
static inline int dma_unmap_one(struct emu_iommu *io, uint64_t iova)
{
	uint64_t *slot = iopte_slot(io, iova, false);

	if (slot)
		*slot = 0;
	io->stats.unmaps++;
	return iova_free(io, iova);
}

int emu_dma_map_page(struct emu_iommu *io, uint64_t phys, bool write, uint64_t *dma_addr)
{
	return dma_map_one(io, phys, write, dma_addr);
}

int emu_dma_unmap_page(struct emu_iommu *io, uint64_t dma_addr)
{
	return dma_unmap_one(io, dma_addr & ~(PAGE_SIZE - 1));
}

int emu_iommu_map_words(struct emu_iommu *io, const uint64_t *words, unsigned long n, unsigned shift,
			unsigned long first)
{
	if (shift == PMD_SHIFT) {
		for (unsigned long i = 0; i < n; i++) {
			int ret = map_large(io, words[i], first + i * HPAGE_PMD_NR);

			if (ret)
				return ret;
		}
		return 0;
	}
	if (shift != PAGE_SHIFT)
		return -EINVAL;
	if (first > io->nr_gpu_pte || n > io->nr_gpu_pte - first)
		return -EINVAL;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t w = words[i], iova;
		unsigned long idx = first + i;
		int ret = gpu_pte_clear(io, idx);

		if (ret)
			return ret;
		if (!(w & NVIF_VMM_PFNMAP_V0_V))
			continue;
		if ((w & NVIF_VMM_PFNMAP_V0_APER) != NVIF_VMM_PFNMAP_V0_HOST) {
			io->gpu_pte[idx] = w; /* VRAM: the address is already the device's */
			continue;
		}
		/* dma_map_page(): page_to_phys(pfn_to_page(w >> 12)) through the IOMMU */
		ret = dma_map_one(io, w & NVIF_VMM_PFNMAP_V0_ADDR, w & NVIF_VMM_PFNMAP_V0_W, &iova);
		if (ret)
			return ret;
		io->gpu_pte[idx] = iova | GPU_PTE_DMA | (w & ~NVIF_VMM_PFNMAP_V0_ADDR);
	}
	return 0;
}

/* ---- the two-step API (v6.16 drivers/iommu/dma-iommu.c) ------------------ */

/* iommu_dma_alloc_iova() for a range: size-aligned, a cached range of the same size first */
bool emu_dma_iova_try_alloc(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t size)
{
	uint64_t align = PAGE_SIZE;

	state->addr = 0;
	state->size = 0;
	if (!io || !size || (size & (PAGE_SIZE - 1)))
		return false;
	for (unsigned long i = io->rcache_range_n; i-- > 0;) {
		if (io->rcache_range[i].size == size) {
			state->addr = io->rcache_range[i].iova;
			io->rcache_range[i] = io->rcache_range[--io->rcache_range_n];
			state->size = size;
			io->stats.iova_cached++;
			io->stats.iova_ranges++;
			return true;
		}
	}
	while (align < size)
		align <<= 1;
	if (io->next_iova < size + align)
		return false;
	io->next_iova = (io->next_iova - size) & ~(align - 1);
	if (!io->next_iova)
		return false;
	state->addr = io->next_iova;
	state->size = size;
	io->stats.iova_fresh++;
	io->stats.iova_ranges++;
	return true;
}

void emu_dma_iova_free(struct emu_iommu *io, struct emu_dma_iova_state *state)
{
	if (!io || !emu_dma_use_iova(state))
		return;
	if (io->rcache_range_n == io->rcache_range_cap) {
		unsigned long cap = io->rcache_range_cap ? 2 * io->rcache_range_cap : 16;
		void *n = realloc(io->rcache_range, cap * sizeof(*io->rcache_range));

		if (n) {
			io->rcache_range = n;
			io->rcache_range_cap = cap;
		}
	}
	/* a range that does not fit the cache is dropped, as an rbtree free would keep it */
	if (io->rcache_range_n < io->rcache_range_cap) {
		io->rcache_range[io->rcache_range_n].iova = state->addr;
		io->rcache_range[io->rcache_range_n++].size = state->size;
	}
	io->stats.iova_range_frees++;
	state->addr = 0;
	state->size = 0;
}

int emu_dma_iova_link(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t phys, uint64_t offset,
		      uint64_t size, bool write)
{
	if (!emu_dma_use_iova(state) || ((offset | size | phys) & (PAGE_SIZE - 1)) || offset >= state->size ||
	    size > state->size - offset)
		return -EINVAL;
	/* __dma_iova_link(): coherent device, no arch sync; iommu_map_nosync() */
	for (uint64_t done = 0; done < size; done += PAGE_SIZE) {
		uint64_t *slot = iopte_slot(io, state->addr + offset + done, true);

		if (!slot)
			return -ENOMEM;
		*slot = ((phys + done) & NVIF_VMM_PFNMAP_V0_ADDR) | EMU_IOPTE_R | (write ? EMU_IOPTE_W : 0);
		io->stats.links++;
	}
	return 0;
}

int emu_dma_iova_sync(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t offset, uint64_t size)
{
	(void)state;
	(void)offset;
	(void)size;
	/* iommu_sync_map(): the IOTLB work is left out, as every IOTLB flush here */
	io->stats.syncs++;
	return 0;
}

void emu_dma_iova_unlink(struct emu_iommu *io, struct emu_dma_iova_state *state, uint64_t offset, uint64_t size)
{
	if (!emu_dma_use_iova(state) || offset >= state->size || size > state->size - offset)
		return;
	for (uint64_t done = 0; done < size; done += PAGE_SIZE) {
		uint64_t *slot = iopte_slot(io, state->addr + offset + done, false);

		if (slot)
			*slot = 0;
		io->stats.unlinks++;
	}
}

uint64_t emu_iommu_iova_to_phys(const struct emu_iommu *io, uint64_t iova)
{
	const uint64_t *table = io->iopgd;

	for (int shift = PGDIR_SHIFT; shift > PAGE_SHIFT; shift -= 9) {
		uint64_t e = table[(iova >> shift) & 511];

		if (!e)
			return 0;
		if (shift == PMD_SHIFT && !(e & IOPTE_TABLE) && (e & IOPTE_LARGE))
			return (e & NVIF_VMM_PFNMAP_V0_ADDR & ~(PMD_SIZE - 1)) + (iova & (PMD_SIZE - 1));
		table = (const uint64_t *)(uintptr_t)(e & ~IOPTE_TABLE);
	}
	return table[(iova >> PAGE_SHIFT) & 511] & NVIF_VMM_PFNMAP_V0_ADDR;
}
