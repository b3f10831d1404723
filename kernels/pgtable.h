/*
 * pgtable.h - an emulated x86-64 4-level page table.
 *
 * Entries use the hardware bit layout of arch/x86/include/asm/pgtable_types.h
 * for present entries (P, RW, US, A, D, PSE, NX, pfn in bits 12-51) and the
 * kernel's software bit _PAGE_SPECIAL (bit 9, "software bit 1").  Non-present
 * entries hold swap entries in the layout of this emulator (below); the
 * kernel's real x86 swap layout is inverted and split, which costs a few more
 * ALU ops to decode and changes nothing that is compared here.
 *
 *   present:      63 NX | 51..12 pfn | 9 SPECIAL | 7 PSE | 6 D | 5 A | 2 US | 1 RW | 0 P=1
 *   swap entry:   63..59 type | 58..8 offset (51 bits) | 0 P=0, non-zero
 *   pte_none:     the whole word is 0
 *
 * Swap types follow include/linux/swap.h: real swap devices use the low
 * types; the top ones are "non-swap" entries: device-private read and write
 * (offset = device pfn), and migration (not produced by this emulator).
 *
 * Tables are 512 entries of 8 bytes, one 4 KiB page each, as on hardware:
 *
 *   pgd[PGD_INDEX(va)] -> pud page -> pmd page -> pte page -> pte
 *                                      \-> huge PMD (PSE): 2 MiB, 512 pfns
 *
 * A directory entry that points to the next level stores the table's host
 * address in bits 12-51 (tables are 4 KiB aligned), with P|RW|US|A set, so
 * that following an entry is one load and one mask, as it is for the MMU.
 * 5-level paging and huge PUDs are not emulated (no page-file state asks for
 * them).
 */
#ifndef PFNBENCH_PGTABLE_H
#define PFNBENCH_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PTRS_PER_TABLE 512
#define PMD_SHIFT 21
#define PUD_SHIFT 30
#define PGDIR_SHIFT 39
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PUD_MASK (~(PUD_SIZE - 1))
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))
#define HPAGE_PMD_ORDER (PMD_SHIFT - PAGE_SHIFT)
#define HPAGE_PMD_NR (1UL << HPAGE_PMD_ORDER)
/* 4-level user address space: 47 bits. */
#define TASK_SIZE_MAX (1UL << 47)

#define _PAGE_PRESENT (1UL << 0)
#define _PAGE_RW (1UL << 1)
#define _PAGE_USER (1UL << 2)
#define _PAGE_PWT (1UL << 3)
#define _PAGE_PCD (1UL << 4)
#define _PAGE_ACCESSED (1UL << 5)
#define _PAGE_DIRTY (1UL << 6)
#define _PAGE_PSE (1UL << 7)
#define _PAGE_GLOBAL (1UL << 8)
#define _PAGE_SPECIAL (1UL << 9)
#define _PAGE_NX (1UL << 63)
#define PTE_PFN_MASK 0x000ffffffffff000UL
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

/* Swap entries (non-present, non-zero words). */
#define SWP_TYPE_SHIFT 59
#define SWP_TYPE_BITS 5
#define SWP_OFFSET_SHIFT 8
#define SWP_OFFSET_MASK ((1UL << 51) - 1)
#define MAX_SWAPFILES 26 /* types 0..25 are real swap devices */
#define SWP_DEVICE_WRITE 26
#define SWP_DEVICE_READ 27
#define SWP_MIGRATION_READ 28
#define SWP_MIGRATION_WRITE 29

typedef struct { uint64_t pte; } pte_t;
typedef struct { uint64_t pmd; } pmd_t;
typedef struct { uint64_t pud; } pud_t;
typedef struct { uint64_t pgd; } pgd_t;
typedef struct { uint64_t val; } swp_entry_t;

static inline unsigned long pgd_index(unsigned long va) { return (va >> PGDIR_SHIFT) & 511; }
static inline unsigned long pud_index(unsigned long va) { return (va >> PUD_SHIFT) & 511; }
static inline unsigned long pmd_index(unsigned long va) { return (va >> PMD_SHIFT) & 511; }
static inline unsigned long pte_index(unsigned long va) { return (va >> PAGE_SHIFT) & 511; }

/* [addr, end) clamped to the next boundary of a level, as pXd_addr_end(). */
static inline unsigned long pgd_addr_end(unsigned long addr, unsigned long end)
{
	unsigned long b = (addr + PGDIR_SIZE) & PGDIR_MASK;
	return (b - 1 < end - 1) ? b : end;
}
static inline unsigned long pud_addr_end(unsigned long addr, unsigned long end)
{
	unsigned long b = (addr + PUD_SIZE) & PUD_MASK;
	return (b - 1 < end - 1) ? b : end;
}
static inline unsigned long pmd_addr_end(unsigned long addr, unsigned long end)
{
	unsigned long b = (addr + PMD_SIZE) & PMD_MASK;
	return (b - 1 < end - 1) ? b : end;
}

/* Directory entries. */
static inline bool pgd_none(pgd_t e) { return e.pgd == 0; }
static inline bool pud_none(pud_t e) { return e.pud == 0; }
static inline bool pmd_none(pmd_t e) { return e.pmd == 0; }
static inline bool pmd_present(pmd_t e) { return e.pmd & _PAGE_PRESENT; }
static inline bool pmd_trans_huge(pmd_t e) { return (e.pmd & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
/* A present PMD that points to a table must carry the table bits. */
static inline bool pmd_bad(pmd_t e) { return (e.pmd & ~PTE_PFN_MASK & ~_PAGE_NX) != _PAGE_TABLE; }
static inline bool pmd_write(pmd_t e) { return e.pmd & _PAGE_RW; }
static inline unsigned long pmd_pfn(pmd_t e) { return (e.pmd & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline pud_t *pgd_table(pgd_t e) { return (pud_t *)(uintptr_t)(e.pgd & PTE_PFN_MASK); }
static inline pmd_t *pud_table(pud_t e) { return (pmd_t *)(uintptr_t)(e.pud & PTE_PFN_MASK); }
static inline pte_t *pmd_table(pmd_t e) { return (pte_t *)(uintptr_t)(e.pmd & PTE_PFN_MASK); }
static inline uint64_t mk_table_entry(const void *table) { return (uint64_t)(uintptr_t)table | _PAGE_TABLE; }

/* Leaf entries. */
static inline bool pte_none(pte_t e) { return e.pte == 0; }
static inline bool pte_present(pte_t e) { return e.pte & _PAGE_PRESENT; }
static inline bool pte_write(pte_t e) { return e.pte & _PAGE_RW; }
static inline bool pte_special(pte_t e) { return e.pte & _PAGE_SPECIAL; }
static inline unsigned long pte_pfn(pte_t e) { return (e.pte & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline pte_t pfn_pte(unsigned long pfn, bool write)
{
	pte_t e = { (pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX |
		    (write ? (_PAGE_RW | _PAGE_DIRTY) : 0) };
	return e;
}
static inline pte_t pte_mkspecial(pte_t e) { e.pte |= _PAGE_SPECIAL; return e; }
static inline pmd_t pfn_pmd_huge(unsigned long pfn, bool write)
{
	pmd_t e = { (pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX |
		    _PAGE_PSE | (write ? (_PAGE_RW | _PAGE_DIRTY) : 0) };
	return e;
}

/* Swap entries. */
static inline swp_entry_t swp_entry(unsigned type, unsigned long offset)
{
	swp_entry_t s = { ((uint64_t)type << SWP_TYPE_SHIFT) | ((offset & SWP_OFFSET_MASK) << SWP_OFFSET_SHIFT) };
	return s;
}
static inline pte_t swp_entry_to_pte(swp_entry_t s) { pte_t e = { s.val }; return e; }
static inline swp_entry_t pte_to_swp_entry(pte_t e) { swp_entry_t s = { e.pte }; return s; }
static inline unsigned swp_type(swp_entry_t s) { return (unsigned)(s.val >> SWP_TYPE_SHIFT); }
static inline unsigned long swp_offset(swp_entry_t s) { return (s.val >> SWP_OFFSET_SHIFT) & SWP_OFFSET_MASK; }
static inline bool non_swap_entry(swp_entry_t s) { return swp_type(s) >= MAX_SWAPFILES; }
static inline bool is_device_private_entry(swp_entry_t s)
{
	unsigned t = swp_type(s);
	return t == SWP_DEVICE_WRITE || t == SWP_DEVICE_READ;
}
static inline bool is_writable_device_private_entry(swp_entry_t s) { return swp_type(s) == SWP_DEVICE_WRITE; }
static inline bool is_migration_entry(swp_entry_t s)
{
	unsigned t = swp_type(s);
	return t == SWP_MIGRATION_READ || t == SWP_MIGRATION_WRITE;
}

#endif
