/*
 * mm.c - the emulated address space: memory hooks, VMAs, page-table pages,
 * the frame allocator, and emu_mm_populate(), which turns a page-by-page
 * description (a page file, a workload) into VMAs, page-table entries and
 * struct pages.
 *
 * Page-table pages come from 2 MiB chunks allocated through the memory hooks
 * (kind EMU_MEM_PGTABLE), so that a run can place the page table on a node;
 * each chunk is one 2 MiB-aligned range advised MADV_HUGEPAGE (mm.h), as
 * the kernel reaches its page tables through the direct map's huge pages.
 * emu_mm_clear() zeroes the used tables and drops the memmap's contents
 * (MADV_DONTNEED), keeping the reservations, so that a workload can be
 * rebuilt between timed iterations without new mappings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm.h"

#define PT_CHUNK_SIZE (2UL << 20)
#define DATA_POOL_DEFAULT (64UL << 20)

/* ---- memory hooks ---------------------------------------------------- */

void *emu_map_huge(size_t size_bytes, int prot, int flags)
{
	size_t len = size_bytes + EMU_HUGE_SIZE;
	uint8_t *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
	uintptr_t start, end;

	if (p == MAP_FAILED)
		return NULL;
	/* trim to a 2 MiB boundary: the head and tail go back */
	start = ((uintptr_t)p + EMU_HUGE_SIZE - 1) & ~(uintptr_t)(EMU_HUGE_SIZE - 1);
	end = start + size_bytes;
	if (start > (uintptr_t)p)
		munmap(p, start - (uintptr_t)p);
	if ((uintptr_t)p + len > end)
		munmap((void *)end, (uintptr_t)p + len - end);
	(void)madvise((void *)start, size_bytes, MADV_HUGEPAGE);
	return (void *)start;
}

void *emu_mem_map(size_t size_bytes, enum emu_mem_kind kind)
{
	void *p;

	if (emu_mem_kind_huge(kind) && size_bytes && size_bytes % EMU_HUGE_SIZE == 0)
		return emu_map_huge(size_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	p = mmap(NULL, size_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void *emu_mem_alloc(const struct emu_mem_ops *mem, size_t size_bytes, enum emu_mem_kind kind)
{
	if (size_bytes == 0)
		size_bytes = 1;
	if (mem && mem->alloc)
		return mem->alloc(mem->ctx, size_bytes, kind);
	return emu_mem_map(size_bytes, kind);
}

void emu_mem_free(const struct emu_mem_ops *mem, void *p, size_t size_bytes, enum emu_mem_kind kind)
{
	if (!p)
		return;
	if (size_bytes == 0)
		size_bytes = 1;
	if (mem && mem->free)
		mem->free(mem->ctx, p, size_bytes, kind);
	else
		munmap(p, size_bytes);
}

/* ---- page states ----------------------------------------------------- */

static const char *const state_names[EMU_PAGE_NR_STATES] = {
	[EMU_PAGE_NONE] = "none",	  [EMU_PAGE_RO] = "ro",		[EMU_PAGE_RW] = "rw",
	[EMU_PAGE_ROVMA] = "rovma",	  [EMU_PAGE_ZERO] = "zero",	[EMU_PAGE_SWAP] = "swap",
	[EMU_PAGE_THP_RO] = "thp-ro",	  [EMU_PAGE_THP_RW] = "thp-rw", [EMU_PAGE_DEV] = "dev",
	[EMU_PAGE_DEV_RO] = "dev-ro",	  [EMU_PAGE_DEV_OTHER] = "dev-other",
	[EMU_PAGE_SPECIAL] = "special", [EMU_PAGE_NOVMA] = "novma",	[EMU_PAGE_NOREAD] = "noread",
	[EMU_PAGE_PFNMAP] = "pfnmap",
};

const char *emu_page_state_name(enum emu_page_state s)
{
	return (unsigned)s < EMU_PAGE_NR_STATES ? state_names[s] : NULL;
}

int emu_page_state_from_name(const char *name)
{
	for (int i = 0; i < EMU_PAGE_NR_STATES; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

bool emu_page_state_has_arg(enum emu_page_state s)
{
	switch (s) {
	case EMU_PAGE_RO: case EMU_PAGE_RW: case EMU_PAGE_ROVMA: case EMU_PAGE_THP_RO:
	case EMU_PAGE_THP_RW: case EMU_PAGE_DEV: case EMU_PAGE_DEV_RO: case EMU_PAGE_DEV_OTHER:
	case EMU_PAGE_SPECIAL:
		return true;
	default:
		return false;
	}
}

static bool state_is_pfn(enum emu_page_state s)
{
	return emu_page_state_has_arg(s) && s != EMU_PAGE_DEV && s != EMU_PAGE_DEV_RO &&
	       s != EMU_PAGE_DEV_OTHER;
}

static bool state_is_thp(enum emu_page_state s)
{
	return s == EMU_PAGE_THP_RO || s == EMU_PAGE_THP_RW;
}

/* ---- page-table pages ------------------------------------------------ */

void *emu_pt_page_alloc(struct emu_mm *mm)
{
	void *p;

	if (!mm->pt_chunk || mm->pt_chunk_used + PAGE_SIZE > mm->pt_chunk_size) {
		/* reuse a chunk kept by emu_mm_clear(), or allocate one */
		unsigned long idx = 0;
		if (mm->pt_chunk) {
			for (idx = 0; idx < mm->nr_pt_chunks; idx++)
				if (mm->pt_chunks[idx] == mm->pt_chunk)
					break;
			idx++;
		}
		if (idx < mm->nr_pt_chunks) {
			mm->pt_chunk = mm->pt_chunks[idx];
		} else {
			if (mm->nr_pt_chunks == mm->cap_pt_chunks) {
				unsigned long cap = mm->cap_pt_chunks ? mm->cap_pt_chunks * 2 : 16;
				void **n = realloc(mm->pt_chunks, cap * sizeof(*n));
				if (!n)
					return NULL;
				mm->pt_chunks = n;
				mm->cap_pt_chunks = cap;
			}
			p = emu_mem_alloc(mm->params.mem, PT_CHUNK_SIZE, EMU_MEM_PGTABLE);
			if (!p)
				return NULL;
			mm->pt_chunks[mm->nr_pt_chunks++] = p;
			mm->pt_chunk = p;
		}
		mm->pt_chunk_size = PT_CHUNK_SIZE;
		mm->pt_chunk_used = 0;
	}
	p = mm->pt_chunk + mm->pt_chunk_used;
	mm->pt_chunk_used += PAGE_SIZE;
	mm->stats.pgtable_pages++;
	return p;
}

pmd_t *emu_pmd_alloc(struct emu_mm *mm, unsigned long addr)
{
	pgd_t *pgd = &mm->pgd[pgd_index(addr)];
	pud_t *pud;

	if (pgd_none(*pgd)) {
		void *t = emu_pt_page_alloc(mm);
		if (!t)
			return NULL;
		pgd->pgd = mk_table_entry(t);
	}
	pud = &pgd_table(*pgd)[pud_index(addr)];
	if (pud_none(*pud)) {
		void *t = emu_pt_page_alloc(mm);
		if (!t)
			return NULL;
		pud->pud = mk_table_entry(t);
	}
	return &pud_table(*pud)[pmd_index(addr)];
}

pte_t *emu_pte_alloc(struct emu_mm *mm, unsigned long addr)
{
	pmd_t *pmd = emu_pmd_alloc(mm, addr);

	if (!pmd)
		return NULL;
	if (pmd_none(*pmd)) {
		void *t = emu_pt_page_alloc(mm);
		if (!t)
			return NULL;
		pmd->pmd = mk_table_entry(t);
	}
	if (pmd_trans_huge(*pmd))
		return NULL; /* callers split first */
	return &pmd_table(*pmd)[pte_index(addr)];
}

pmd_t *emu_pmd_lookup(struct emu_mm *mm, unsigned long addr)
{
	pgd_t pgd = mm->pgd[pgd_index(addr)];
	pud_t pud;

	if (pgd_none(pgd))
		return NULL;
	pud = pgd_table(pgd)[pud_index(addr)];
	if (pud_none(pud))
		return NULL;
	return &pud_table(pud)[pmd_index(addr)];
}

pte_t *emu_pte_lookup(struct emu_mm *mm, unsigned long addr)
{
	pmd_t *pmd = emu_pmd_lookup(mm, addr);

	if (!pmd || pmd_none(*pmd) || pmd_trans_huge(*pmd))
		return NULL;
	return &pmd_table(*pmd)[pte_index(addr)];
}

/* ---- frames ---------------------------------------------------------- */

static bool pfn_reserved(unsigned long pfn)
{
	return pfn == EMU_ZERO_PFN || (pfn >= EMU_DEV_PFN_FIRST && pfn < EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR);
}

unsigned long emu_alloc_frame(struct emu_mm *mm)
{
	struct page *page;
	unsigned long pfn;

	if (mm->free_list) {
		pfn = mm->free_list - 1;
		page = emu_pfn_to_page(&mm->memmap, pfn);
		mm->free_list = page->lru_next;
		goto found;
	}
	for (pfn = mm->next_pfn;; pfn++) {
		if (pfn >= mm->memmap.pfn_limit)
			return 0;
		if (pfn_reserved(pfn)) {
			pfn = (pfn == EMU_ZERO_PFN) ? pfn : EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR - 1;
			continue;
		}
		if (!emu_pfn_valid(&mm->memmap, pfn) && emu_memmap_populate(&mm->memmap, pfn, 1))
			return 0;
		page = emu_pfn_to_page(&mm->memmap, pfn);
		if (page->refcount == 0 && !(page->flags & PG_reserved))
			break;
	}
	mm->next_pfn = pfn + 1;
found:
	emu_memmap_dirty(&mm->memmap, pfn);
	memset(page, 0, sizeof(*page));
	page->flags = (ZONE_NORMAL << ZONES_SHIFT) | PG_anon | PG_swapbacked;
	page->refcount = 1;
	page->mapcount = 1;
	mm->stats.pages_allocated++;
	return pfn;
}

void emu_free_frame(struct emu_mm *mm, unsigned long pfn)
{
	struct page *page = emu_pfn_to_page(&mm->memmap, pfn);

	memset(page, 0, sizeof(*page));
	page->lru_next = mm->free_list;
	mm->free_list = pfn + 1;
}

void *emu_data_frame(struct emu_mm *mm, unsigned long pfn)
{
	size_t nframes = mm->data_pool_bytes / PAGE_SIZE;

	if (!mm->data_pool) {
		mm->data_pool = emu_mem_alloc(mm->params.mem, mm->data_pool_bytes, EMU_MEM_DATA);
		if (!mm->data_pool)
			return NULL;
	}
	return mm->data_pool + (pfn % nframes) * PAGE_SIZE;
}

/* ---- mm lifetime ----------------------------------------------------- */

static void devices_init(struct emu_mm *mm)
{
	for (int i = 0; i < 2; i++) {
		struct dev_pagemap *pg = &mm->devices[i].pgmap;

		mm->devices[i].id = i;
		pg->type = MEMORY_DEVICE_PRIVATE;
		pg->owner = &mm->devices[i];
		pg->range_start = EMU_DEV_PFN_FIRST << PAGE_SHIFT;
		pg->range_end = (EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR) << PAGE_SHIFT;
		pg->vram_base = 0;
	}
}

int emu_mm_create(const struct emu_mm_params *params, struct emu_mm **out)
{
	struct emu_mm *mm;
	int ret;

	*out = NULL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return -ENOMEM;
	if (params)
		mm->params = *params;
	if (!mm->params.pfn_limit)
		mm->params.pfn_limit = EMU_PFN_MAX;
	if (!mm->params.data_pool_bytes)
		mm->params.data_pool_bytes = DATA_POOL_DEFAULT;
	if (mm->params.pfn_limit <= EMU_FRAME_FIRST) {
		ret = -EINVAL;
		goto err_free;
	}
	ret = emu_memmap_init(&mm->memmap, mm->params.pfn_limit, mm->params.mem);
	if (ret)
		goto err_free;
	mm->pgd = emu_pt_page_alloc(mm);
	if (!mm->pgd) {
		ret = -ENOMEM;
		goto err_memmap;
	}
	/* the data pool is allocated by the first fault that clears a page */
	mm->data_pool_bytes = mm->params.data_pool_bytes & PAGE_MASK;
	if (!mm->data_pool_bytes)
		mm->data_pool_bytes = PAGE_SIZE;
	mm->notify_log = calloc(EMU_MMU_NOTIFY_LOG, sizeof(*mm->notify_log));
	if (!mm->notify_log) {
		ret = -ENOMEM;
		goto err_memmap;
	}
	devices_init(mm);
	emu_mm_clear(mm);
	*out = mm;
	return 0;

err_memmap:
	emu_memmap_destroy(&mm->memmap);
err_free:
	free(mm);
	return ret;
}

void emu_mm_destroy(struct emu_mm *mm)
{
	if (!mm)
		return;
	for (unsigned long i = 0; i < mm->nr_pt_chunks; i++)
		emu_mem_free(mm->params.mem, mm->pt_chunks[i], PT_CHUNK_SIZE, EMU_MEM_PGTABLE);
	free(mm->pt_chunks);
	emu_mem_free(mm->params.mem, mm->data_pool, mm->data_pool_bytes, EMU_MEM_DATA);
	emu_memmap_destroy(&mm->memmap);
	free(mm->notify_log);
	free(mm->vmas);
	free(mm);
}

void emu_mm_clear(struct emu_mm *mm)
{
	struct page *zero;

	/* the address space goes: every mirror hears of it */
	emu_mmu_notify(mm, 0, TASK_SIZE_MAX, EMU_MMU_NOTIFY_UNMAP, NULL);
	/* zero every table handed out; the pgd is the first page of chunk 0 */
	for (unsigned long i = 0; i < mm->nr_pt_chunks; i++) {
		size_t used = (mm->pt_chunks[i] == mm->pt_chunk) ? mm->pt_chunk_used : PT_CHUNK_SIZE;
		memset(mm->pt_chunks[i], 0, used);
		if (mm->pt_chunks[i] == mm->pt_chunk)
			break;
	}
	mm->pt_chunk = mm->nr_pt_chunks ? mm->pt_chunks[0] : NULL;
	mm->pt_chunk_used = PAGE_SIZE; /* keep the pgd */
	mm->pt_chunk_size = PT_CHUNK_SIZE;
	/* zero the struct pages written since the last clear (they stay resident) */
	emu_memmap_clear(&mm->memmap);
	mm->nr_vmas = 0;
	mm->next_pfn = EMU_FRAME_FIRST;
	mm->free_list = 0;
	mm->next_swap_slot = 1;
	memset(&mm->stats, 0, sizeof(mm->stats));
	mm->stats.pgtable_pages = 1;
	/* the shared zero page always exists */
	if (emu_memmap_populate(&mm->memmap, EMU_ZERO_PFN, 1) == 0) {
		emu_memmap_dirty(&mm->memmap, EMU_ZERO_PFN);
		zero = emu_pfn_to_page(&mm->memmap, EMU_ZERO_PFN);
		zero->flags = (ZONE_NORMAL << ZONES_SHIFT) | PG_reserved;
		zero->refcount = 1;
	}
}

/* ---- VMAs ------------------------------------------------------------ */

struct emu_vma *emu_find_vma_after(struct emu_mm *mm, unsigned long addr)
{
	unsigned long lo = 0, hi = mm->nr_vmas;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (mm->vmas[mid].vm_end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < mm->nr_vmas ? &mm->vmas[lo] : NULL;
}

struct emu_vma *emu_find_vma(struct emu_mm *mm, unsigned long addr)
{
	struct emu_vma *vma = emu_find_vma_after(mm, addr);

	return (vma && vma->vm_start <= addr) ? vma : NULL;
}

static int vma_append(struct emu_mm *mm, unsigned long start, unsigned long end, unsigned long flags)
{
	struct emu_vma *last = mm->nr_vmas ? &mm->vmas[mm->nr_vmas - 1] : NULL;

	if (last && last->vm_end > start)
		return -EINVAL; /* populate must go in address order */
	if (last && last->vm_end == start && last->vm_flags == flags) {
		last->vm_end = end;
		return 0;
	}
	if (mm->nr_vmas == mm->cap_vmas) {
		unsigned long cap = mm->cap_vmas ? mm->cap_vmas * 2 : 16;
		struct emu_vma *n = realloc(mm->vmas, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		mm->vmas = n;
		mm->cap_vmas = cap;
	}
	mm->vmas[mm->nr_vmas++] = (struct emu_vma){ start, end, flags };
	return 0;
}

int emu_mm_add_vma(struct emu_mm *mm, unsigned long start, unsigned long end, unsigned long vm_flags)
{
	if (!mm || start >= end || (start & ~PAGE_MASK) || (end & ~PAGE_MASK))
		return -EINVAL;
	return vma_append(mm, start, end, vm_flags);
}

/* The VMA a state lives in; ~0UL: no VMA. */
static unsigned long state_vm_flags(enum emu_page_state s)
{
	switch (s) {
	case EMU_PAGE_NOVMA:
		return ~0UL;
	case EMU_PAGE_ROVMA:
		return VM_READ;
	case EMU_PAGE_NOREAD:
		return 0; /* PROT_NONE */
	case EMU_PAGE_PFNMAP:
		return VM_READ | VM_WRITE | VM_IO | VM_PFNMAP;
	case EMU_PAGE_SPECIAL:
		return VM_READ | VM_WRITE | VM_MIXEDMAP;
	case EMU_PAGE_THP_RO: case EMU_PAGE_THP_RW:
		return VM_READ | VM_WRITE | VM_HUGEPAGE;
	default:
		return VM_READ | VM_WRITE;
	}
}

/* ---- populate -------------------------------------------------------- */

static int fail(struct emu_build_error *err, unsigned long index, const char *what, int ret)
{
	if (err) {
		err->index = index;
		err->what = what;
	}
	return ret;
}

/* Claim the struct page of pfn for a mapping; -EEXIST if already used. */
static int claim_page(struct emu_mm *mm, unsigned long pfn, struct page **out)
{
	struct page *page;
	int ret = emu_memmap_populate(&mm->memmap, pfn, 1);

	if (ret)
		return ret;
	page = emu_pfn_to_page(&mm->memmap, pfn);
	if (page->refcount || (page->flags & PG_reserved))
		return -EEXIST;
	emu_memmap_dirty(&mm->memmap, pfn);
	page->refcount = 1;
	*out = page;
	return 0;
}

static int populate_one(struct emu_mm *mm, unsigned long va, const struct emu_page_desc *d,
			struct emu_build_error *err, unsigned long i)
{
	enum emu_page_state s = d->state;
	struct page *page;
	pte_t *pte;
	int ret;

	switch (s) {
	case EMU_PAGE_NONE: case EMU_PAGE_NOVMA: case EMU_PAGE_NOREAD: case EMU_PAGE_PFNMAP:
		return 0;
	default:
		break;
	}
	pte = emu_pte_alloc(mm, va);
	if (!pte)
		return fail(err, i, "out of memory for page tables", -ENOMEM);
	switch (s) {
	case EMU_PAGE_RO: case EMU_PAGE_RW: case EMU_PAGE_ROVMA:
		ret = claim_page(mm, d->arg, &page);
		if (ret)
			return fail(err, i, ret == -EEXIST ? "pfn used twice" : "pfn cannot be backed", ret);
		page->flags = (ZONE_NORMAL << ZONES_SHIFT) | PG_anon | PG_swapbacked;
		/* a read-only page in a writable VMA is shared (after fork): a write copies */
		page->mapcount = (s == EMU_PAGE_RO) ? 2 : 1;
		*pte = pfn_pte(d->arg, s == EMU_PAGE_RW);
		break;
	case EMU_PAGE_ZERO:
		*pte = pte_mkspecial(pfn_pte(EMU_ZERO_PFN, false));
		break;
	case EMU_PAGE_SWAP:
		*pte = swp_entry_to_pte(swp_entry(0, mm->next_swap_slot++));
		break;
	case EMU_PAGE_DEV: case EMU_PAGE_DEV_RO: case EMU_PAGE_DEV_OTHER: {
		unsigned long pfn = EMU_DEV_PFN_FIRST + d->arg;
		ret = claim_page(mm, pfn, &page);
		if (ret)
			return fail(err, i, ret == -EEXIST ? "vram page used twice" : "device page cannot be backed", ret);
		page->flags = ZONE_DEVICE << ZONES_SHIFT;
		page->pgmap = &mm->devices[s == EMU_PAGE_DEV_OTHER ? 1 : 0].pgmap;
		*pte = swp_entry_to_pte(swp_entry(s == EMU_PAGE_DEV_RO ? SWP_DEVICE_READ : SWP_DEVICE_WRITE, pfn));
		break;
	}
	case EMU_PAGE_SPECIAL:
		/*
		 * vmf_insert_mixed() of a pfn without struct page: pte_mkspecial.
		 * Nothing reads its struct page, but the frame allocator must not
		 * hand the pfn out (spec: faults use pfns not named in the file),
		 * so it is claimed and marked reserved.
		 */
		ret = claim_page(mm, d->arg, &page);
		if (ret)
			return fail(err, i, ret == -EEXIST ? "pfn used twice" : "pfn cannot be backed", ret);
		page->flags = PG_reserved;
		*pte = pte_mkspecial(pfn_pte(d->arg, true));
		break;
	default:
		return fail(err, i, "bad page state", -EINVAL);
	}
	return 0;
}

static int populate_thp(struct emu_mm *mm, unsigned long va, const struct emu_page_desc *pages,
			unsigned long i, unsigned long npages, struct emu_build_error *err)
{
	unsigned long head = pages[i].arg;
	bool rw = pages[i].state == EMU_PAGE_THP_RW;
	pmd_t *pmd;

	if (va & ~PMD_MASK)
		return fail(err, i, "huge page not 2 MiB aligned", -EINVAL);
	if (npages - i < HPAGE_PMD_NR)
		return fail(err, i, "partial huge page (fewer than 512 slots)", -EINVAL);
	if (head % HPAGE_PMD_NR)
		return fail(err, i, "huge page head pfn not a multiple of 512", -EINVAL);
	for (unsigned long k = 0; k < HPAGE_PMD_NR; k++) {
		if (pages[i + k].state != pages[i].state)
			return fail(err, i + k, "partial huge page (slot of another state)", -EINVAL);
		if (pages[i + k].arg != head + k)
			return fail(err, i + k, "huge page pfns not consecutive from the head", -EINVAL);
	}
	if (head >= mm->memmap.pfn_limit || HPAGE_PMD_NR > mm->memmap.pfn_limit - head)
		return fail(err, i, "pfn beyond the memmap", -EINVAL);
	for (unsigned long k = 0; k < HPAGE_PMD_NR; k++) {
		struct page *page;
		int ret = claim_page(mm, head + k, &page);
		if (ret)
			return fail(err, i + k, ret == -EEXIST ? "pfn used twice" : "pfn cannot be backed", ret);
		page->flags = (ZONE_NORMAL << ZONES_SHIFT) | PG_anon | PG_swapbacked | (k ? PG_tail : PG_head);
		page->compound_head = head;
		page->mapcount = rw ? 1 : 2;
	}
	pmd = emu_pmd_alloc(mm, va);
	if (!pmd)
		return fail(err, i, "out of memory for page tables", -ENOMEM);
	*pmd = pfn_pmd_huge(head, rw);
	return 0;
}

int emu_mm_populate(struct emu_mm *mm, unsigned long base, const struct emu_page_desc *pages,
		    unsigned long npages, struct emu_build_error *err)
{
	unsigned long i, run_start = 0, run_flags = ~0UL;
	int ret = 0;

	if (err) {
		err->index = 0;
		err->what = NULL;
	}
	emu_mm_clear(mm);
	if (base & ~PAGE_MASK)
		return fail(err, 0, "base address not 4 KiB aligned", -EINVAL);
	if (npages == 0)
		return fail(err, 0, "no pages", -EINVAL);
	if (base >= TASK_SIZE_MAX || npages > (TASK_SIZE_MAX - base) >> PAGE_SHIFT || base == 0)
		return fail(err, 0, "range outside the 47-bit user address space (or at 0)", -EINVAL);

	/* check arguments first, so that a bad file touches nothing */
	for (i = 0; i < npages; i++) {
		const struct emu_page_desc *d = &pages[i];
		if (d->state >= EMU_PAGE_NR_STATES)
			return fail(err, i, "bad page state", -EINVAL);
		if (d->req > EMU_REQ_DEFAULT)
			return fail(err, i, "bad request", -EINVAL);
		if (state_is_pfn(d->state)) {
			if (d->arg >= EMU_PFN_MAX)
				return fail(err, i, "pfn not below 2^40", -EINVAL);
			if (pfn_reserved(d->arg))
				return fail(err, i, "pfn in a reserved range (zero page 0x1000, device 0x10000000-0x10ffffff)", -EINVAL);
			if (d->arg >= mm->memmap.pfn_limit)
				return fail(err, i, "pfn beyond this run's memmap (pfn_limit)", -EINVAL);
		} else if (emu_page_state_has_arg(d->state)) {
			if (d->arg >= EMU_DEV_PFN_NR)
				return fail(err, i, "vram page not below 2^24", -EINVAL);
		} else if (d->arg) {
			return fail(err, i, "this state takes no argument", -EINVAL);
		}
		if (EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR > mm->memmap.pfn_limit &&
		    (d->state == EMU_PAGE_DEV || d->state == EMU_PAGE_DEV_RO || d->state == EMU_PAGE_DEV_OTHER))
			return fail(err, i, "device pages need pfn_limit above the device range", -EINVAL);
	}

	for (i = 0; i < npages; i++) {
		unsigned long va = base + (i << PAGE_SHIFT);
		unsigned long f = state_vm_flags(pages[i].state);

		/* VMAs: one per run of pages of the same kind (THP VMAs merge with anon) */
		if (f == (VM_READ | VM_WRITE | VM_HUGEPAGE))
			f = VM_READ | VM_WRITE;
		if (f != run_flags) {
			if (run_flags != ~0UL && (ret = vma_append(mm, base + (run_start << PAGE_SHIFT), va, run_flags)))
				goto out;
			run_start = i;
			run_flags = f;
		}
		if (state_is_thp(pages[i].state)) {
			ret = populate_thp(mm, va, pages, i, npages, err);
			if (ret)
				goto out;
			i += HPAGE_PMD_NR - 1;
			continue;
		}
		ret = populate_one(mm, va, &pages[i], err, i);
		if (ret)
			goto out;
	}
	if (run_flags != ~0UL)
		ret = vma_append(mm, base + (run_start << PAGE_SHIFT), base + (npages << PAGE_SHIFT), run_flags);
out:
	if (ret) {
		if (ret == -ENOMEM && err && !err->what)
			fail(err, i, "out of memory", ret);
		emu_mm_clear(mm);
	}
	return ret;
}
