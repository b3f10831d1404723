/*
 * pagewalk.h - mm/pagewalk.c's walk over one range of one VMA, written
 * once for every walk of the emulator: walk_pgd_range() -> walk_pud_range()
 * -> walk_pmd_range(), calling the walker's pte_hole for an empty pgd, pud
 * or pmd and its pmd_entry for a present pmd (the same shape from v4.16,
 * where hmm_vma_get_pfns() and hmm_vma_fault() called walk_page_range(),
 * to 6.1).  The walkers differ only in their callbacks, so the loop is a
 * macro that defines an always-inline function per walker: each expansion
 * calls its callbacks directly, as the kernel's indirect calls are not
 * what these walks measure.
 *
 * PAGEWALK_DEFINE(fn, walk_type, hole, pmd_entry) defines
 *   int fn(walk_type *w, unsigned long addr, unsigned long end)
 * with  int hole(walk_type *w, unsigned long addr, unsigned long next)
 * and   int pmd_entry(walk_type *w, pmd_t *pmdp, unsigned long addr, unsigned long next):
 * 0 to go on, anything else ends the walk and is returned.
 */
#ifndef PFNBENCH_PAGEWALK_H
#define PFNBENCH_PAGEWALK_H

#include "mm.h"

#define PAGEWALK_DEFINE(fn, walk_type, hole, pmd_entry)                                                 \
	static inline __attribute__((always_inline)) int fn(walk_type *w, unsigned long addr,           \
							     unsigned long end)                          \
	{                                                                                               \
		struct emu_mm *mm = w->range->mm;                                                       \
		unsigned long next, pnext, mnext;                                                       \
		int err;                                                                                \
                                                                                                        \
		for (; addr < end; addr = next) {                                                       \
			pgd_t pgd = mm->pgd[pgd_index(addr)];                                           \
			pud_t *pudp;                                                                    \
                                                                                                        \
			next = pgd_addr_end(addr, end);                                                 \
			if (pgd_none(pgd)) {                                                            \
				err = hole(w, addr, next);                                              \
				if (err)                                                                \
					return err;                                                     \
				continue;                                                               \
			}                                                                               \
			pudp = pgd_table(pgd) + pud_index(addr);                                        \
			for (unsigned long a = addr; a < next; a = pnext, pudp++) {                     \
				pmd_t *pmdp;                                                            \
                                                                                                        \
				pnext = pud_addr_end(a, next);                                          \
				if (pud_none(*pudp)) {                                                  \
					err = hole(w, a, pnext);                                        \
					if (err)                                                        \
						return err;                                             \
					continue;                                                       \
				}                                                                       \
				pmdp = pud_table(*pudp) + pmd_index(a);                                 \
				for (unsigned long b = a; b < pnext; b = mnext, pmdp++) {               \
					mnext = pmd_addr_end(b, pnext);                                 \
					if (pmd_none(*pmdp))                                            \
						err = hole(w, b, mnext);                                \
					else                                                            \
						err = pmd_entry(w, pmdp, b, mnext);                     \
					if (err)                                                        \
						return err;                                             \
				}                                                                       \
			}                                                                               \
		}                                                                                       \
		return 0;                                                                               \
	}

#endif
