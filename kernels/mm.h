/*
 * mm.h - the emulated address space: VMAs, page table, memmap, frames,
 * device-private memory, and the fault handler (handle_mm_fault).
 *
 * An emu_mm is what a process's mm_struct is to hmm_range_fault(): a sorted
 * set of VMAs, a 4-level page table, and the physical memory behind it.
 * Physical memory is pfns with struct pages (page.h); system pages come from
 * a frame allocator, the shared zero page is pfn EMU_ZERO_PFN, and two
 * emulated devices own private memory at EMU_DEV_PFN_FIRST + vram page:
 * device 0 is "this device" (the one doing the fault, its dev_private_owner
 * is emu_mm_owner(mm)), device 1 is "another device".
 *
 * Whether a fault also clears (or, for copy-on-write, copies) a 4 KiB data
 * frame is a parameter.  Data frames come from a pool (params.data_pool_bytes,
 * default 64 MiB, larger than a last-level cache) indexed by pfn modulo its
 * size, so a run that includes the clear pays for a real 4 KiB store stream
 * to memory that is not hot, without holding gigabytes.
 *
 * All memory the emulator allocates goes through emu_mem_ops, so that the
 * harness can place each kind (page table, memmap, HMM array, driver array,
 * data) on a NUMA node without this code knowing what NUMA is.
 *
 * Left out on purpose: locks, rmap, reclaim, the maple tree (VMAs are a
 * sorted array searched by bisection), huge PUDs, and the mmu notifier
 * callbacks: the fault handler logs its invalidations (emu_mmu_notify())
 * for a backend to read, it calls nobody.
 */
#ifndef PFNBENCH_MM_H
#define PFNBENCH_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "page.h"
#include "pgtable.h"

#define EMU_ZERO_PFN 0x1000UL
#define EMU_DEV_PFN_FIRST 0x10000000UL
#define EMU_DEV_PFN_NR 0x1000000UL /* vram pages 0 .. 0xffffff */
#define EMU_PFN_MAX (1UL << 40)     /* page files name pfns below this */
#define EMU_DEFAULT_BASE 0x7f0000000000UL
/* The frame allocator hands out pfns from here up, skipping pfns in use. */
#define EMU_FRAME_FIRST 0x100000UL

enum emu_mem_kind {
	EMU_MEM_PGTABLE,       /* page-table pages */
	EMU_MEM_MEMMAP,        /* struct page sections */
	EMU_MEM_HMM_ARRAY,     /* the array hmm_range_fault() writes */
	EMU_MEM_DRIVER_ARRAY,  /* the driver's second array (convert) */
	EMU_MEM_DATA,          /* data frames cleared by faults */
	EMU_MEM_NR_KINDS
};

/*
 * Memory hooks.  alloc returns page-aligned zeroed memory or NULL; free
 * releases it; place, if set, is called on memory the emulator reserved
 * itself (memmap sections) before it is first touched, and returns 0 or
 * -errno.  A NULL emu_mem_ops means anonymous mmap and no placement.
 */
struct emu_mem_ops {
	void *(*alloc)(void *ctx, size_t size_bytes, enum emu_mem_kind kind);
	void (*free)(void *ctx, void *p, size_t size_bytes, enum emu_mem_kind kind);
	int (*place)(void *ctx, void *p, size_t size_bytes, enum emu_mem_kind kind);
	void *ctx;
};
void *emu_mem_alloc(const struct emu_mem_ops *mem, size_t size_bytes, enum emu_mem_kind kind);
void emu_mem_free(const struct emu_mem_ops *mem, void *p, size_t size_bytes, enum emu_mem_kind kind);

/*
 * Huge pages.  x86-64 maps the vmemmap with 2 MiB pages and reaches
 * page-table pages through the direct map (1 GiB pages where the CPU has
 * them), so the kernel's struct page and page-table loads miss the TLB as
 * huge-page loads do.  The emulator's memmap and page-table chunks
 * (emu_mem_kind_huge()) are therefore 2 MiB aligned and advised
 * MADV_HUGEPAGE (transparent huge pages, which THP "madvise" and "always"
 * grant).  hugetlb pages are not used: the vmemmap is reserved up front and
 * backed as sections come into use, and a hugetlb pool that runs out
 * mid-run is a SIGBUS.  Whether the kernel really gave huge pages is for
 * the harness to check (it reads /proc; this code does not).
 */
#define EMU_HUGE_SIZE (2UL << 20)
static inline bool emu_mem_kind_huge(enum emu_mem_kind kind)
{
	return kind == EMU_MEM_PGTABLE || kind == EMU_MEM_MEMMAP;
}
/*
 * mmap(NULL, size_bytes, prot, flags | MAP_ANONYMOUS, -1, 0) at a 2 MiB
 * boundary, advised MADV_HUGEPAGE (an advice the kernel refuses is
 * ignored: the memory is then on 4 KiB pages).  munmap(p, size_bytes)
 * frees it.  NULL when mmap fails (errno set).
 */
void *emu_map_huge(size_t size_bytes, int prot, int flags);
/*
 * Zeroed read/write anonymous memory for kind, page-rounded: through
 * emu_map_huge() when the kind is huge and size_bytes a multiple of 2 MiB,
 * plain mmap otherwise.  The default hook and the harness's placement use
 * it.  munmap(p, size_bytes) frees it; NULL when mmap fails.
 */
void *emu_mem_map(size_t size_bytes, enum emu_mem_kind kind);

/* vm_flags */
#define VM_READ (1UL << 0)
#define VM_WRITE (1UL << 1)
#define VM_EXEC (1UL << 2)
#define VM_SHARED (1UL << 3)
#define VM_IO (1UL << 14)
#define VM_PFNMAP (1UL << 10)
#define VM_MIXEDMAP (1UL << 28)
#define VM_HUGEPAGE (1UL << 29)
#define VM_SPECIAL (VM_IO | VM_PFNMAP | VM_MIXEDMAP)

struct emu_vma {
	unsigned long vm_start, vm_end; /* [start, end) */
	unsigned long vm_flags;
};

/* The page states of docs/page-file.md. */
enum emu_page_state {
	EMU_PAGE_NONE,      /* anonymous rw VMA, pte_none */
	EMU_PAGE_RO,        /* present read-only in a writable VMA (shared: COW) */
	EMU_PAGE_RW,        /* present writable */
	EMU_PAGE_ROVMA,     /* present in a VMA without VM_WRITE */
	EMU_PAGE_ZERO,      /* the shared zero page */
	EMU_PAGE_SWAP,      /* swap entry */
	EMU_PAGE_THP_RO,    /* slot of a read-only PMD-mapped THP */
	EMU_PAGE_THP_RW,    /* slot of a writable PMD-mapped THP */
	EMU_PAGE_DEV,       /* device-private of this device, writable entry */
	EMU_PAGE_DEV_RO,    /* device-private of this device, read-only entry */
	EMU_PAGE_DEV_OTHER, /* device-private of another device */
	EMU_PAGE_SPECIAL,   /* special pte without struct page */
	EMU_PAGE_NOVMA,     /* no VMA */
	EMU_PAGE_NOREAD,    /* PROT_NONE VMA */
	EMU_PAGE_PFNMAP,    /* VM_IO | VM_PFNMAP VMA */
	EMU_PAGE_NR_STATES
};

/* Per-page fault request. */
enum emu_req {
	EMU_REQ_NONE = 0,  /* snapshot */
	EMU_REQ_READ = 1,
	EMU_REQ_WRITE = 2,
	EMU_REQ_DEFAULT = 3, /* in a page description: use the call's default */
};

/* One page of an address-space description (a page-file line). */
struct emu_page_desc {
	uint8_t state;     /* enum emu_page_state */
	uint8_t req;       /* enum emu_req */
	uint64_t arg;      /* pfn, or vram page for dev states; 0 otherwise */
};

/* Names as in page files ("none", "thp-ro", ...); NULL for bad values. */
const char *emu_page_state_name(enum emu_page_state s);
/* -1 when the name is unknown. */
int emu_page_state_from_name(const char *name);
/* Does this state take an ARG (pfn or vram page)? */
bool emu_page_state_has_arg(enum emu_page_state s);

struct emu_mm_params {
	unsigned long pfn_limit;       /* memmap covers [0, pfn_limit); 0: EMU_PFN_MAX */
	bool clear_data;               /* faults clear/copy a data frame */
	size_t data_pool_bytes;        /* 0: 64 MiB */
	const struct emu_mem_ops *mem; /* NULL: plain mmap */
	/*
	 * hmm_vma_fault() faults every page of [addr, end) of the walk step,
	 * so this device's own private pages after the first faulting page
	 * reach do_swap_page() too, and the driver's migrate_to_ram() migrates
	 * them back, as lib/test_hmm's dmirror does in 6.1 (./run.sh kcheck
	 * --full saw it).  true keeps them on the device instead: the old
	 * page-file contract ("dev pages are never faulted"), for comparison.
	 */
	bool decline_own_remote_faults;
};

struct emu_mm_stats {
	unsigned long faults;          /* handle_mm_fault calls */
	unsigned long faults_failed;
	unsigned long pages_allocated; /* new system pages */
	unsigned long pages_copied;    /* COW and migrations */
	unsigned long pages_cleared;
	unsigned long pgtable_pages;
	unsigned long changes;         /* faults that changed a pte or pmd (progress) */
};

/*
 * MMU notifier events (enum mmu_notifier_event) the fault handler raises
 * where the kernel calls mmu_notifier_invalidate_range_start(): a
 * copy-on-write replacing a present pte (wp_page_copy(), CLEAR, one page),
 * a THP split (__split_huge_pmd(), CLEAR, 2 MiB), a device-private page
 * migrated back (migrate_vma_setup() in migrate_to_ram(), MIGRATE, owner =
 * the page's pgmap owner); emu_mm_clear() raises UNMAP over everything (the
 * address space torn down).  Each event gets the next notifier_seq and a
 * slot in a ring of the last EMU_MMU_NOTIFY_LOG events, [seq % LOG], so a
 * driver that mirrors state (NVIDIA UVM's va_blocks) can apply what its
 * interval notifier would have been told; one that is more than
 * EMU_MMU_NOTIFY_LOG behind must assume everything was invalidated.
 * Nothing else reads them.
 */
enum emu_mmu_event { EMU_MMU_NOTIFY_UNMAP, EMU_MMU_NOTIFY_CLEAR, EMU_MMU_NOTIFY_MIGRATE };
#define EMU_MMU_NOTIFY_LOG 1024

struct emu_mmu_notify {
	unsigned long start, end;  /* [start, end) */
	const void *owner;         /* MIGRATE: range->owner */
	unsigned event;            /* enum emu_mmu_event */
};

/* A device that owns private memory. */
struct emu_device {
	struct dev_pagemap pgmap;
	int id;
};

struct emu_mm {
	pgd_t *pgd;
	struct emu_vma *vmas;          /* sorted, non-overlapping */
	unsigned long nr_vmas, cap_vmas;
	struct emu_memmap memmap;
	struct emu_device devices[2];  /* [0] this device, [1] another */
	/* frame allocator */
	unsigned long next_pfn;        /* bump cursor */
	unsigned long free_list;       /* pfn + 1 of the first freed page, 0: empty */
	/* page-table page slab */
	uint8_t *pt_chunk;
	size_t pt_chunk_used, pt_chunk_size;
	void **pt_chunks;              /* every chunk, for teardown */
	unsigned long nr_pt_chunks, cap_pt_chunks;
	/* data frames */
	uint8_t *data_pool;
	size_t data_pool_bytes;
	unsigned long next_swap_slot;  /* swap offsets handed out by populate */
	uint64_t notifier_seq;         /* MMU notifier events so far (never reset) */
	struct emu_mmu_notify *notify_log; /* the last EMU_MMU_NOTIFY_LOG events, [seq % LOG] */
	struct emu_mm_params params;
	struct emu_mm_stats stats;
};

/* Where emu_mm_populate() found a bad description: page index and why. */
struct emu_build_error {
	unsigned long index;
	const char *what;
};

/* Returns 0 or -ENOMEM / -EINVAL; *out is NULL on error. */
int emu_mm_create(const struct emu_mm_params *params, struct emu_mm **out);
void emu_mm_destroy(struct emu_mm *mm);
/* Drop every VMA, mapping and allocated frame; keeps the memmap reservation. */
void emu_mm_clear(struct emu_mm *mm);
/*
 * Has anything changed the space since the last emu_mm_clear() (and so
 * emu_mm_populate())?  After them only emu_handle_mm_fault() calls the
 * writers (emu_pte_alloc(), emu_alloc_frame(), emu_mmu_notify(), the VMA
 * and frame functions), and it counts every call, failed ones too (a
 * fault that fails may still have allocated a page-table page); a new
 * caller of them after populate must count itself in stats.faults.  A
 * harness need not repopulate a space whose last populate succeeded and
 * that has not changed: it is what the description built.  (A populate
 * that failed leaves the space cleared, and this false.)
 */
static inline bool emu_mm_changed(const struct emu_mm *mm)
{
	return mm->stats.faults != 0;
}
/* Raise an MMU notifier event over [start, end) (see enum emu_mmu_event). */
static inline void emu_mmu_notify(struct emu_mm *mm, unsigned long start, unsigned long end, unsigned event,
				  const void *owner)
{
	struct emu_mmu_notify *n = &mm->notify_log[++mm->notifier_seq % EMU_MMU_NOTIFY_LOG];

	n->start = start;
	n->end = end;
	n->owner = owner;
	n->event = event;
}

/* dev_private_owner of this device. */
static inline const void *emu_mm_owner(const struct emu_mm *mm) { return mm->devices[0].pgmap.owner; }

/*
 * Build the address space that pages[0..npages) describe, starting at base
 * (4 KiB aligned).  Adjacent pages of compatible kinds share one VMA.
 * Returns 0, -EINVAL (err says which page and why: misaligned or partial
 * huge page, pfn out of range or reserved, vram page out of range, base
 * misaligned or range past TASK_SIZE), -EEXIST (a pfn used twice; err says
 * where) or -ENOMEM.  On error the mm is left cleared.
 */
int emu_mm_populate(struct emu_mm *mm, unsigned long base, const struct emu_page_desc *pages,
		    unsigned long npages, struct emu_build_error *err);

/*
 * Add a VMA [start, end) with vm_flags above every VMA the mm has (a page
 * table source other than the emulated one, e.g. the real kernel's
 * mapping, describes its VMAs so that a driver's VMA clipping sees them).
 * 0, -EINVAL (out of order or empty), -ENOMEM.
 */
int emu_mm_add_vma(struct emu_mm *mm, unsigned long start, unsigned long end, unsigned long vm_flags);

/* VMA lookup: the VMA containing addr, or NULL. */
struct emu_vma *emu_find_vma(struct emu_mm *mm, unsigned long addr);
/* The first VMA that ends above addr, or NULL (find_vma() of the kernel). */
struct emu_vma *emu_find_vma_after(struct emu_mm *mm, unsigned long addr);

/* Page-table access used by the walker and the fault handler. */
pte_t *emu_pte_lookup(struct emu_mm *mm, unsigned long addr);           /* NULL if no pte table */
pmd_t *emu_pmd_lookup(struct emu_mm *mm, unsigned long addr);           /* NULL if no pmd table */
/* Allocate the levels down to the pte; NULL on -ENOMEM.  Splits nothing. */
pte_t *emu_pte_alloc(struct emu_mm *mm, unsigned long addr);
pmd_t *emu_pmd_alloc(struct emu_mm *mm, unsigned long addr);
/* One zeroed page-table page from the mm's slab, or NULL. */
void *emu_pt_page_alloc(struct emu_mm *mm);

/* Frame allocator: a free system pfn with refcount 1, or 0 when out. */
unsigned long emu_alloc_frame(struct emu_mm *mm);
void emu_free_frame(struct emu_mm *mm, unsigned long pfn);

/*
 * The fault handler, modelling handle_mm_fault() for a user fault at addr
 * (FAULT_FLAG_REMOTE from HMM).  Returns 0 on success, or VM_FAULT_* error
 * bits: VM_FAULT_SIGSEGV (no VMA, no permission), VM_FAULT_SIGBUS (a special
 * or PFNMAP page it cannot fault), VM_FAULT_OOM.
 */
#define FAULT_FLAG_WRITE (1U << 0)
#define FAULT_FLAG_REMOTE (1U << 7)
#define VM_FAULT_OOM (1U << 0)
#define VM_FAULT_SIGBUS (1U << 1)
#define VM_FAULT_SIGSEGV (1U << 6)
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)
unsigned emu_handle_mm_fault(struct emu_mm *mm, struct emu_vma *vma, unsigned long addr, unsigned flags);

/*
 * The data frame of a pfn (only when params.clear_data); the pool is
 * allocated on first use, so NULL means out of memory.
 */
void *emu_data_frame(struct emu_mm *mm, unsigned long pfn);

#endif
