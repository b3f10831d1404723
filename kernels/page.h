/*
 * page.h - struct page, the sparse virtual memmap, device pagemaps.
 *
 * Every pfn the emulator uses has a 64-byte struct page, as in the kernel.
 * The memmap is a vmemmap: one virtually contiguous array indexed by pfn,
 * reserved PROT_NONE for [0, pfn_limit) and backed (made read/write) one
 * section at a time, only where pfns are in use, as SPARSEMEM_VMEMMAP does;
 * a section's 2 MiB is one huge page where the kernel grants it (mm.h).
 * So pfn_to_page() is pointer arithmetic, and reading page->flags or
 * page->pgmap is a real memory access with the cache and TLB cost it has in
 * the kernel.
 *
 *   vmemmap ->  [ section 0: 32768 x 64 B = 2 MiB ][ unbacked ... ][ section k ]
 *               pfn 0 ...                                        device pfns
 *
 * Device-private pages (ZONE_DEVICE) point to their dev_pagemap, which says
 * MEMORY_DEVICE_PRIVATE, who owns it and where its pfn range starts; a
 * driver turns such a page into a VRAM address from the pagemap, as
 * nouveau_dmem_page_addr() does.
 *
 * Left out on purpose: compound-page metadata beyond the head pfn, lru,
 * memcg, and every lock.
 */
#ifndef PFNBENCH_PAGE_H
#define PFNBENCH_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* page->flags bits (a subset of include/linux/page-flags.h). */
#define PG_locked (1UL << 0)
#define PG_reserved (1UL << 1)   /* not handed out by the frame allocator */
#define PG_anon (1UL << 2)       /* mapped anonymous memory */
#define PG_head (1UL << 3)       /* head of a PMD-sized THP */
#define PG_tail (1UL << 4)
#define PG_swapbacked (1UL << 5)
#define PG_dirty (1UL << 6)
/* The zone sits in the high bits of page->flags, as in the kernel. */
#define ZONES_SHIFT 60
#define ZONE_NORMAL 2UL
#define ZONE_DEVICE 3UL
#define page_zonenum(page) ((page)->flags >> ZONES_SHIFT)
/* The node id sits below the zone, as in the kernel; the emulator has one node, 0. */
#define NODES_PGSHIFT 54
#define NODES_MASK 0x3fUL
#define page_to_nid(page) ((int)(((page)->flags >> NODES_PGSHIFT) & NODES_MASK))

enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_COHERENT,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
	MEMORY_DEVICE_PCI_P2PDMA,
};

/* One device's private memory: struct dev_pagemap plus nouveau's chunk. */
struct dev_pagemap {
	enum memory_type type;
	const void *owner;            /* pgmap->owner, compared to dev_private_owner */
	unsigned long range_start;    /* physical address of the first device pfn */
	unsigned long range_end;      /* exclusive */
	uint64_t vram_base;           /* nouveau chunk->bo->offset: VRAM of range_start */
};

struct page {
	uint64_t flags;                   /* PG_* and zone */
	union {
		struct dev_pagemap *pgmap; /* ZONE_DEVICE pages */
		uint64_t lru_next;         /* free list link for system pages */
	};
	uint64_t index;                   /* (unused by the walk) */
	uint64_t private_data;
	int32_t refcount;                 /* 0: free */
	int32_t mapcount;                 /* >1: shared, a write must copy */
	uint64_t compound_head;           /* pfn of the THP head, 0 otherwise */
	uint64_t memcg_data;
	uint64_t pad;
};
_Static_assert(sizeof(struct page) == 64, "struct page must be 64 bytes");

#define PAGES_PER_SECTION (1UL << 15) /* 128 MiB of memory, 2 MiB of memmap */

struct emu_mem_ops;

struct emu_memmap {
	struct page *vmemmap;            /* reserved for [0, pfn_limit) */
	unsigned long pfn_limit;
	uint8_t *section_present;        /* per section: 0 unbacked, 1 backed */
	unsigned long *dirty;            /* pfns whose struct page was written since the last clear */
	unsigned long nr_dirty, cap_dirty;
	bool dirty_overflow;             /* too many to list: clear every backed section */
	unsigned long nr_sections;
	unsigned long nr_present;        /* sections backed */
	unsigned long *present_secs;     /* the nr_present backed sections (emu_mm_clear walks these) */
	const struct emu_mem_ops *mem;   /* placement hook for sections */
};

/*
 * Reserve a vmemmap for pfns [0, pfn_limit).  Returns 0, -EINVAL (limit 0 or
 * above 2^40), or -ENOMEM when the address space cannot be reserved (under
 * valgrind, which caps mappings near 32 GiB, keep pfn_limit below 2^28).
 */
int emu_memmap_init(struct emu_memmap *mm, unsigned long pfn_limit, const struct emu_mem_ops *mem);
void emu_memmap_destroy(struct emu_memmap *mm);
/* Back the sections of [pfn, pfn + nr); 0, -ERANGE past pfn_limit, -ENOMEM. */
int emu_memmap_populate(struct emu_memmap *mm, unsigned long pfn, unsigned long nr);
/*
 * Note that pfn's struct page is about to be written, so that
 * emu_memmap_clear() zeroes it.  Listing pfns (rather than dropping whole
 * sections with MADV_DONTNEED) keeps the memmap resident: a rebuilt address
 * space must not make the next timed pass take real page faults.
 */
void emu_memmap_dirty_slow(struct emu_memmap *mm, unsigned long pfn);
static inline void emu_memmap_dirty(struct emu_memmap *mm, unsigned long pfn)
{
	if (mm->nr_dirty < mm->cap_dirty)
		mm->dirty[mm->nr_dirty++] = pfn;
	else
		emu_memmap_dirty_slow(mm, pfn);
}
/* Zero every struct page written since the last call. */
void emu_memmap_clear(struct emu_memmap *mm);
/* True when pfn has a backed struct page. */
static inline bool emu_pfn_valid(const struct emu_memmap *mm, unsigned long pfn)
{
	return pfn < mm->pfn_limit && mm->section_present[pfn / PAGES_PER_SECTION];
}
static inline struct page *emu_pfn_to_page(const struct emu_memmap *mm, unsigned long pfn)
{
	return mm->vmemmap + pfn;
}
static inline unsigned long emu_page_to_pfn(const struct emu_memmap *mm, const struct page *page)
{
	return (unsigned long)(page - mm->vmemmap);
}
static inline bool is_zone_device_page(const struct page *page)
{
	return page_zonenum(page) == ZONE_DEVICE;
}
static inline bool is_device_private_page(const struct page *page)
{
	return is_zone_device_page(page) && page->pgmap->type == MEMORY_DEVICE_PRIVATE;
}

#endif
