/*
 * memmap.c - the sparse virtual memmap (SPARSEMEM_VMEMMAP in miniature).
 *
 * emu_memmap_init() reserves address space for pfn_limit struct pages with
 * PROT_NONE and MAP_NORESERVE: nothing is committed.  emu_memmap_populate()
 * makes the 2 MiB of memmap of each section read/write (calling the
 * placement hook first, so the harness can bind it to a node before it is
 * touched) and marks the section present.  Unpopulated sections fault if
 * touched, as an unbacked vmemmap would oops, which catches emulator bugs.
 * The reservation is 2 MiB aligned and advised MADV_HUGEPAGE, so each
 * section's 2 MiB can be one huge page, as x86-64's vmemmap_populate() maps
 * it with PMDs (the harness checks what the kernel gave: hugepages.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm.h"
#include "page.h"

int emu_memmap_init(struct emu_memmap *mm, unsigned long pfn_limit, const struct emu_mem_ops *mem)
{
	size_t bytes;
	void *p;

	if (pfn_limit == 0 || pfn_limit > EMU_PFN_MAX)
		return -EINVAL;
	pfn_limit = (pfn_limit + PAGES_PER_SECTION - 1) & ~(PAGES_PER_SECTION - 1);
	mm->nr_sections = pfn_limit / PAGES_PER_SECTION;
	mm->section_present = calloc(mm->nr_sections, 1);
	mm->dirty = NULL;
	mm->nr_dirty = mm->cap_dirty = 0;
	mm->dirty_overflow = false;
	if (!mm->section_present)
		return -ENOMEM;
	bytes = pfn_limit * sizeof(struct page);
	/* 2 MiB aligned and MADV_HUGEPAGE: each section is one huge page, as vmemmap_populate() maps it */
	p = emu_map_huge(bytes, PROT_NONE, MAP_PRIVATE | MAP_NORESERVE);
	if (!p) {
		free(mm->section_present);
		free(mm->dirty);
		mm->section_present = NULL;
		mm->dirty = NULL;
		return -ENOMEM;
	}
	mm->vmemmap = p;
	mm->pfn_limit = pfn_limit;
	mm->nr_present = 0;
	mm->present_secs = NULL;
	mm->mem = mem;
	return 0;
}

void emu_memmap_destroy(struct emu_memmap *mm)
{
	if (mm->vmemmap)
		munmap(mm->vmemmap, mm->pfn_limit * sizeof(struct page));
	free(mm->section_present);
	free(mm->present_secs);
	free(mm->dirty);
	mm->present_secs = NULL;
	mm->dirty = NULL;
	mm->vmemmap = NULL;
	mm->section_present = NULL;
}

#define DIRTY_LIST_MAX (1UL << 24) /* 128 MiB of list; past it, clear whole sections */

void emu_memmap_dirty_slow(struct emu_memmap *mm, unsigned long pfn)
{
	if (!mm->dirty_overflow && mm->cap_dirty < DIRTY_LIST_MAX) {
		unsigned long cap = mm->cap_dirty ? 2 * mm->cap_dirty : 4096;
		unsigned long *n = realloc(mm->dirty, cap * sizeof(*n));

		if (n) {
			mm->dirty = n;
			mm->cap_dirty = cap;
			mm->dirty[mm->nr_dirty++] = pfn;
			return;
		}
	}
	mm->dirty_overflow = true;
}

void emu_memmap_clear(struct emu_memmap *mm)
{
	if (mm->dirty_overflow) {
		for (unsigned long k = 0; k < mm->nr_present; k++)
			memset(mm->vmemmap + mm->present_secs[k] * PAGES_PER_SECTION, 0,
			       PAGES_PER_SECTION * sizeof(struct page));
		mm->dirty_overflow = false;
	} else {
		for (unsigned long i = 0; i < mm->nr_dirty; i++)
			memset(&mm->vmemmap[mm->dirty[i]], 0, sizeof(struct page));
	}
	mm->nr_dirty = 0;
}

int emu_memmap_populate(struct emu_memmap *mm, unsigned long pfn, unsigned long nr)
{
	unsigned long sec, last;

	if (nr == 0)
		return 0;
	if (pfn >= mm->pfn_limit || nr > mm->pfn_limit - pfn)
		return -ERANGE;
	last = (pfn + nr - 1) / PAGES_PER_SECTION;
	for (sec = pfn / PAGES_PER_SECTION; sec <= last; sec++) {
		void *addr;
		size_t len = PAGES_PER_SECTION * sizeof(struct page);

		if (mm->section_present[sec])
			continue;
		/* grow the list at 1, 2, 4, ... entries */
		if (!(mm->nr_present & (mm->nr_present - 1))) {
			unsigned long *n = realloc(mm->present_secs,
						   (mm->nr_present ? 2 * mm->nr_present : 1) * sizeof(*n));
			if (!n)
				return -ENOMEM;
			mm->present_secs = n;
		}
		addr = mm->vmemmap + sec * PAGES_PER_SECTION;
		if (mprotect(addr, len, PROT_READ | PROT_WRITE))
			return -errno;
		if (mm->mem && mm->mem->place) {
			int ret = mm->mem->place(mm->mem->ctx, addr, len, EMU_MEM_MEMMAP);
			if (ret)
				return ret;
		}
		mm->section_present[sec] = 1;
		mm->present_secs[mm->nr_present++] = sec;
	}
	return 0;
}
