/*
 * fault.c - handle_mm_fault() for the page states of the emulator.
 *
 * What it models (mm/memory.c, mm/huge_memory.c):
 *
 *   pte_none, read     do_anonymous_page(): map the shared zero page
 *                      (pte_mkspecial, read-only)
 *   pte_none, write    do_anonymous_page(): a new zeroed page, writable
 *   swap entry         do_swap_page(): a new page holding the data (counted
 *                      as a copy); writable only for a write fault
 *   device-private     do_swap_page() -> pgmap->ops->migrate_to_ram(): the
 *                      data is copied to a new system page and the device
 *                      page freed; writable only if the entry was (a write
 *                      fault on a read-only one is satisfied by the next
 *                      fault: hmm_range_fault() walks again and faults it).  HMM never asks for this on pages of
 *                      its own dev_private_owner, but hmm_vma_fault() faults
 *                      every page of [addr, end), so it happens, as in the
 *                      kernel; emu_mm_params.decline_own_remote_faults
 *                      keeps such pages on the device instead.
 *   present, read      nothing to do (the accessed bit is already set)
 *   present, write     do_wp_page(): the zero page or a shared page (mapcount
 *                      > 1) is copied to a new page (wp_page_copy); an
 *                      exclusive page is reused (wp_page_reuse)
 *   huge PMD, write    do_huge_pmd_wp_page(): an exclusive THP is made
 *                      writable in place; a shared one is split into 512
 *                      ptes and the 4 KiB slot is copied
 *
 * Each of the copies, the split and the migration first raises the MMU
 * notifier event the kernel raises there (emu_mmu_notify(), mm.h).
 *
 * Errors: no VMA or no permission -> VM_FAULT_SIGSEGV; VM_IO/VM_PFNMAP (no
 * ->fault handler here) and a write to a special pte of a VM_MIXEDMAP VMA
 * (the emulator holds no data behind raw pfns) -> VM_FAULT_SIGBUS.
 *
 * With params.clear_data a new page is cleared and a copy copies 4 KiB
 * through the data-frame pool (see mm.h); without it only the page-table
 * and struct page work is done.  Faults allocate 4 KiB pages only: THP
 * allocation at fault time (do_huge_pmd_anonymous_page) is not modelled.
 */
#include <string.h>

#include "mm.h"

static int page_clear(struct emu_mm *mm, unsigned long pfn)
{
	void *p;

	if (!mm->params.clear_data)
		return 0;
	p = emu_data_frame(mm, pfn);
	if (!p)
		return -1;
	memset(p, 0, PAGE_SIZE);
	mm->stats.pages_cleared++;
	return 0;
}

/* Copy 4 KiB from src's frame (a device page's data for migrations). */
static int page_copy(struct emu_mm *mm, unsigned long dst, unsigned long src)
{
	void *d, *s;

	mm->stats.pages_copied++;
	if (!mm->params.clear_data)
		return 0;
	d = emu_data_frame(mm, dst);
	s = emu_data_frame(mm, src);
	if (!d || !s)
		return -1;
	memcpy(d, s, PAGE_SIZE);
	return 0;
}

/* Drop one mapping of a system page, freeing it with the last one. */
static void page_unmap(struct emu_mm *mm, unsigned long pfn)
{
	struct page *page = emu_pfn_to_page(&mm->memmap, pfn);

	if (pfn == EMU_ZERO_PFN || (page->flags & (PG_head | PG_tail)))
		return; /* the zero page and THP subpages stay */
	if (--page->mapcount <= 0 && --page->refcount <= 0)
		emu_free_frame(mm, pfn);
}

/* __split_huge_pmd(): 512 ptes mapping the subpages with the PMD's rights. */
static int split_huge_pmd(struct emu_mm *mm, pmd_t *pmd)
{
	pmd_t old = *pmd;
	unsigned long pfn = pmd_pfn(old);
	pte_t *table;

	table = emu_pt_page_alloc(mm);
	if (!table)
		return -1;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		table[i] = pfn_pte(pfn + i, pmd_write(old));
	pmd->pmd = mk_table_entry(table);
	return 0;
}

/* A new writable or read-only anonymous page at *pte; returns VM_FAULT_*. */
static unsigned map_new_page(struct emu_mm *mm, pte_t *pte, bool write, unsigned long copy_from)
{
	unsigned long pfn = emu_alloc_frame(mm);

	if (!pfn)
		return VM_FAULT_OOM;
	if (copy_from ? page_copy(mm, pfn, copy_from) : page_clear(mm, pfn)) {
		emu_free_frame(mm, pfn);
		return VM_FAULT_OOM;
	}
	*pte = pfn_pte(pfn, write);
	return 0;
}

unsigned emu_handle_mm_fault(struct emu_mm *mm, struct emu_vma *vma, unsigned long addr, unsigned flags)
{
	bool write = flags & FAULT_FLAG_WRITE;
	pmd_t *pmd;
	pte_t *pte, e;
	unsigned ret;

	mm->stats.faults++;
	if (!vma || addr < vma->vm_start || addr >= vma->vm_end)
		goto segv;
	if (write ? !(vma->vm_flags & VM_WRITE) : !(vma->vm_flags & VM_READ))
		goto segv;
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		goto sigbus;

	pmd = emu_pmd_alloc(mm, addr);
	if (!pmd)
		goto oom;
	if (pmd_trans_huge(*pmd)) {
		struct page *head = emu_pfn_to_page(&mm->memmap, pmd_pfn(*pmd));

		if (!write || pmd_write(*pmd))
			return 0;
		if (head->mapcount <= 1) {
			*pmd = pfn_pmd_huge(pmd_pfn(*pmd), true); /* reuse */
			mm->stats.changes++;
			return 0;
		}
		emu_mmu_notify(mm, addr & PMD_MASK, (addr & PMD_MASK) + PMD_SIZE, EMU_MMU_NOTIFY_CLEAR, NULL);
		if (split_huge_pmd(mm, pmd))
			goto oom;
	}
	pte = emu_pte_alloc(mm, addr);
	if (!pte)
		goto oom;
	e = *pte;

	if (pte_none(e)) {
		if (!write) {
			*pte = pte_mkspecial(pfn_pte(EMU_ZERO_PFN, false));
			return 0;
		}
		ret = map_new_page(mm, pte, true, 0);
		goto done;
	}
	if (!pte_present(e)) {
		swp_entry_t s = pte_to_swp_entry(e);

		if (is_device_private_entry(s)) {
			unsigned long dpfn = swp_offset(s);
			struct page *dpage = emu_pfn_to_page(&mm->memmap, dpfn);
			/*
			 * The migration entry and the new pte are writable
			 * only when the device entry was
			 * (migrate_vma_collect_pmd(), remove_migration_pte());
			 * a write fault that migrated a read-only page is not
			 * satisfied by that fault: the next one, if any,
			 * makes it writable (do_wp_page()).
			 */
			bool w = is_writable_device_private_entry(s);

			/* only when asked, this device declines remote faults on its own pages (mm.h) */
			if (dpage->pgmap == &mm->devices[0].pgmap && (flags & FAULT_FLAG_REMOTE) &&
			    mm->params.decline_own_remote_faults)
				return 0;
			/* migrate_to_ram(): the device copies the data back */
			emu_mmu_notify(mm, addr & PAGE_MASK, (addr & PAGE_MASK) + PAGE_SIZE, EMU_MMU_NOTIFY_MIGRATE,
				       dpage->pgmap->owner);
			ret = map_new_page(mm, pte, w, dpfn);
			if (!ret)
				dpage->refcount = 0;
			goto done;
		}
		if (!non_swap_entry(s)) {
			/* swap-in: the data is read into the new page (a copy) */
			ret = map_new_page(mm, pte, write, swp_offset(s));
			goto done;
		}
		goto sigbus; /* migration entries are not produced here */
	}
	/* present */
	if (!write || pte_write(e))
		return 0;
	if (pte_special(e)) {
		if (pte_pfn(e) != EMU_ZERO_PFN)
			goto sigbus;
		emu_mmu_notify(mm, addr & PAGE_MASK, (addr & PAGE_MASK) + PAGE_SIZE, EMU_MMU_NOTIFY_CLEAR, NULL);
		ret = map_new_page(mm, pte, true, 0); /* wp_page_copy from the zero page */
		goto done;
	}
	{
		unsigned long pfn = pte_pfn(e);
		struct page *page = emu_pfn_to_page(&mm->memmap, pfn);

		if (page->mapcount > 1 || (page->flags & (PG_head | PG_tail))) {
			emu_mmu_notify(mm, addr & PAGE_MASK, (addr & PAGE_MASK) + PAGE_SIZE, EMU_MMU_NOTIFY_CLEAR, NULL);
			ret = map_new_page(mm, pte, true, pfn); /* wp_page_copy */
			if (!ret)
				page_unmap(mm, pfn);
			goto done;
		}
		*pte = pfn_pte(pfn, true); /* wp_page_reuse */
		mm->stats.changes++;
		return 0;
	}
done:
	if (ret)
		mm->stats.faults_failed++;
	else
		mm->stats.changes++;
	return ret;
segv:
	mm->stats.faults_failed++;
	return VM_FAULT_SIGSEGV;
sigbus:
	mm->stats.faults_failed++;
	return VM_FAULT_SIGBUS;
oom:
	mm->stats.faults_failed++;
	return VM_FAULT_OOM;
}
