// SPDX-License-Identifier: GPL-2.0
/*
 * pfn_kcheck.c - a test module that lets a guest program ask the real
 * kernel's hmm_range_fault() for the pfns of a range of its own address
 * space, so that pfnbench's emulator (kernels/hmm.c) can be compared with
 * the kernel word for word.  Built against Debian's 6.1 kernels (stock and
 * the custom --full build); it uses the v6.1 APIs of mm/hmm.c
 * (hmm_range_fault, HMM_PFN_* of include/linux/hmm.h since v5.8) and
 * mm/mmu_notifier.c (mmu_interval_notifier_insert, mmu_interval_read_begin,
 * mmu_interval_read_retry, since v5.5), following lib/test_hmm.c's
 * dmirror_range_fault() of v6.1: notifier inserted over the range,
 * read_begin, mmap_read_lock, hmm_range_fault, and a retry from the caller's
 * requests whenever the notifier says the range changed (-EBUSY).
 *
 * It also walks the page table itself (KC_IOC_INSPECT, pgd/p4d/pud/pmd/pte
 * offsets and swap-entry helpers of v6.1) so that the guest can check that
 * the state it built is the one the page file names, and offers two kinds
 * of mmap: VM_IO|VM_PFNMAP (remap_pfn_range) and VM_MIXEDMAP whose ptes are
 * special (vmf_insert_mixed, which makes special ptes on x86).
 *
 * Nothing here is timed.
 */
#include <linux/fs.h>
#include <linux/hmm.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pfn_t.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <linux/memremap.h>

#include "kcheck_uapi.h"

#define KC_MAX_RETRIES 1000

struct kc_notifier {
	struct mmu_interval_notifier mni;
	struct mutex lock;
};

static bool kc_invalidate(struct mmu_interval_notifier *mni, const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	struct kc_notifier *n = container_of(mni, struct kc_notifier, mni);

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&n->lock);
	else if (!mutex_trylock(&n->lock))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	mutex_unlock(&n->lock);
	return true;
}

static const struct mmu_interval_notifier_ops kc_mni_ops = {
	.invalidate = kc_invalidate,
};

/* The pte of addr, read without faulting (mmap lock held). */
static void kc_walk(struct mm_struct *mm, unsigned long addr, const void *owner, struct kc_pte *out)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	out->pfn = 0;
	out->kind = KC_NOVMA;
	out->flags = 0;
	if (!vma)
		return;
	if (vma->vm_flags & VM_READ)
		out->flags |= KC_F_VM_READ;
	if (vma->vm_flags & VM_WRITE)
		out->flags |= KC_F_VM_WRITE;
	if (vma->vm_flags & (VM_PFNMAP | VM_IO))
		out->flags |= KC_F_VM_PFNMAP;
	if (vma->vm_flags & VM_MIXEDMAP)
		out->flags |= KC_F_VM_MIXED;
	if (vma->vm_flags & VM_HUGEPAGE)
		out->flags |= KC_F_VM_HUGE;
	out->kind = KC_NONE;
	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return;
	pmdp = pmd_offset(pud, addr);
	pmd = READ_ONCE(*pmdp);
	if (pmd_none(pmd))
		return;
	if (pmd_trans_huge(pmd) || pmd_devmap(pmd)) {
		out->kind = KC_HUGE;
		out->pfn = pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
		if (pmd_write(pmd))
			out->flags |= KC_F_WRITE;
		return;
	}
	if (!pmd_present(pmd) || pmd_bad(pmd)) {
		out->kind = KC_OTHER;
		return;
	}
	ptep = pte_offset_map(pmdp, addr);
	pte = READ_ONCE(*ptep);
	pte_unmap(ptep);
	if (pte_none(pte))
		return;
	if (pte_present(pte)) {
		out->kind = KC_PRESENT;
		out->pfn = pte_pfn(pte);
		if (pte_write(pte))
			out->flags |= KC_F_WRITE;
		if (pte_special(pte))
			out->flags |= KC_F_SPECIAL;
		if (is_zero_pfn(pte_pfn(pte)))
			out->flags |= KC_F_ZERO;
		return;
	}
	{
		swp_entry_t entry = pte_to_swp_entry(pte);

		if (!non_swap_entry(entry)) {
			out->kind = KC_SWAP;
			return;
		}
		if (is_device_private_entry(entry)) {
			struct page *page = pfn_swap_entry_to_page(entry);

			out->kind = KC_DEVPRIV;
			out->pfn = swp_offset_pfn(entry);
			if (is_writable_device_private_entry(entry))
				out->flags |= KC_F_WRITE;
			if (owner && page->pgmap->owner == owner)
				out->flags |= KC_F_OWNER;
			return;
		}
		out->kind = KC_OTHER;
	}
}

/* The pgmap owner of the device-private page at addr (mmap lock held). */
static int kc_owner_of(struct mm_struct *mm, unsigned long addr, void **owner)
{
	struct kc_pte p;
	struct vm_area_struct *vma;
	pte_t *ptep;
	pmd_t *pmdp;

	*owner = NULL;
	if (!addr)
		return 0;
	kc_walk(mm, addr, NULL, &p);
	if (p.kind != KC_DEVPRIV)
		return -ENOENT;
	vma = vma_lookup(mm, addr);
	pmdp = pmd_offset(pud_offset(p4d_offset(pgd_offset(mm, addr), addr), addr), addr);
	ptep = pte_offset_map(pmdp, addr);
	*owner = pfn_swap_entry_to_page(pte_to_swp_entry(READ_ONCE(*ptep)))->pgmap->owner;
	pte_unmap(ptep);
	return vma ? 0 : -ENOENT;
}

static long kc_fault(struct kc_fault __user *uarg)
{
	struct mm_struct *mm = current->mm;
	struct kc_fault a;
	struct kc_notifier *n;
	unsigned long *req = NULL, *pfns = NULL;
	struct hmm_range range = { 0 };
	size_t bytes;
	long ret;
	u64 busy = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!mm || !a.npages || a.npages > KC_MAX_PAGES || (a.start & ~PAGE_MASK) ||
	    a.start + (a.npages << PAGE_SHIFT) < a.start)
		return -EINVAL;
	bytes = a.npages * sizeof(unsigned long);
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	req = kvmalloc(bytes, GFP_KERNEL);
	pfns = kvmalloc(bytes, GFP_KERNEL);
	if (!n || !req || !pfns) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(req, u64_to_user_ptr(a.words), bytes)) {
		ret = -EFAULT;
		goto out;
	}
	mutex_init(&n->lock);
	ret = mmu_interval_notifier_insert(&n->mni, mm, a.start, a.npages << PAGE_SHIFT, &kc_mni_ops);
	if (ret)
		goto out;
	range.notifier = &n->mni;
	range.start = a.start;
	range.end = a.start + (a.npages << PAGE_SHIFT);
	range.hmm_pfns = pfns;
	range.default_flags = a.default_flags;
	range.pfn_flags_mask = a.pfn_flags_mask;
	for (;;) {
		void *owner;

		range.notifier_seq = mmu_interval_read_begin(&n->mni);
		memcpy(pfns, req, bytes); /* every try starts from the caller's requests */
		mmap_read_lock(mm);
		ret = kc_owner_of(mm, a.owner_addr, &owner);
		if (!ret) {
			range.dev_private_owner = owner;
			ret = hmm_range_fault(&range);
		}
		mmap_read_unlock(mm);
		if (ret == -EBUSY) {
			if (++busy > KC_MAX_RETRIES)
				break;
			continue;
		}
		if (ret)
			break;
		mutex_lock(&n->lock);
		if (mmu_interval_read_retry(&n->mni, range.notifier_seq)) {
			mutex_unlock(&n->lock);
			if (++busy > KC_MAX_RETRIES) {
				ret = -EBUSY;
				break;
			}
			continue;
		}
		mutex_unlock(&n->lock);
		break;
	}
	mmu_interval_notifier_remove(&n->mni);
	/* the array is output whatever ret is (only rc is compared when it is not 0) */
	if (copy_to_user(u64_to_user_ptr(a.words), pfns, bytes))
		ret = -EFAULT;
	else {
		a.rc = ret;
		a.nr_busy = busy;
		ret = copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
	}
out:
	kvfree(req);
	kvfree(pfns);
	kfree(n);
	return ret;
}

static long kc_inspect(struct kc_inspect __user *uarg)
{
	struct mm_struct *mm = current->mm;
	struct kc_inspect a;
	struct kc_pte *out;
	void *owner = NULL;
	unsigned long i;
	long ret = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!mm || !a.npages || a.npages > KC_MAX_PAGES || (a.start & ~PAGE_MASK))
		return -EINVAL;
	out = kvmalloc_array(a.npages, sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	mmap_read_lock(mm);
	if (a.owner_addr && kc_owner_of(mm, a.owner_addr, &owner))
		owner = NULL;
	for (i = 0; i < a.npages; i++)
		kc_walk(mm, a.start + (i << PAGE_SHIFT), owner, &out[i]);
	mmap_read_unlock(mm);
	if (copy_to_user(u64_to_user_ptr(a.out), out, a.npages * sizeof(*out)))
		ret = -EFAULT;
	kvfree(out);
	return ret;
}

static long kc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case KC_IOC_INFO: {
		struct kc_info info = { 0 };

		strscpy(info.release, utsname()->release, sizeof(info.release));
		info.zero_pfn = my_zero_pfn(0);
		info.hmm_pfn_valid = HMM_PFN_VALID;
		info.hmm_pfn_write = HMM_PFN_WRITE;
		info.hmm_pfn_error = HMM_PFN_ERROR;
		info.hmm_order_shift = HMM_PFN_ORDER_SHIFT;
		return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
	}
	case KC_IOC_FAULT:
		return kc_fault((struct kc_fault __user *)arg);
	case KC_IOC_INSPECT:
		return kc_inspect((struct kc_inspect __user *)arg);
	}
	return -ENOTTY;
}

/* ---- mmap: the pages behind a VM_PFNMAP or VM_MIXEDMAP mapping ---- */

struct kc_pages {
	struct kref ref;
	unsigned long n;
	struct page *pages[];
};

static void kc_pages_free(struct kref *ref)
{
	struct kc_pages *p = container_of(ref, struct kc_pages, ref);
	unsigned long i;

	for (i = 0; i < p->n; i++)
		if (p->pages[i])
			__free_page(p->pages[i]);
	kvfree(p);
}

static void kc_vma_open(struct vm_area_struct *vma)
{
	kref_get(&((struct kc_pages *)vma->vm_private_data)->ref);
}

static void kc_vma_close(struct vm_area_struct *vma)
{
	kref_put(&((struct kc_pages *)vma->vm_private_data)->ref, kc_pages_free);
}

static vm_fault_t kc_vma_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS; /* every pte is inserted at mmap time */
}

static const struct vm_operations_struct kc_vm_ops = {
	.open = kc_vma_open,
	.close = kc_vma_close,
	.fault = kc_vma_fault,
};

static int kc_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long n = vma_pages(vma), i, addr;
	bool mixed = vma->vm_pgoff == (KC_MMAP_MIXEDMAP >> PAGE_SHIFT);
	struct kc_pages *p;
	int ret = 0;

	if (!mixed && vma->vm_pgoff != (KC_MMAP_PFNMAP >> PAGE_SHIFT))
		return -EINVAL;
	p = kvzalloc(struct_size(p, pages, n), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	kref_init(&p->ref);
	p->n = n;
	for (i = 0; i < n; i++) {
		p->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!p->pages[i]) {
			kc_pages_free(&p->ref);
			return -ENOMEM;
		}
	}
	vma->vm_private_data = p;
	vma->vm_ops = &kc_vm_ops;
	if (mixed)
		vma->vm_flags |= VM_MIXEDMAP | VM_DONTEXPAND;
	for (i = 0, addr = vma->vm_start; i < n && !ret; i++, addr += PAGE_SIZE) {
		unsigned long pfn = page_to_pfn(p->pages[i]);

		if (mixed) {
			vm_fault_t vf = vmf_insert_mixed(vma, addr, pfn_to_pfn_t(pfn));

			if (vf != VM_FAULT_NOPAGE)
				ret = -EFAULT;
		} else {
			ret = remap_pfn_range(vma, addr, pfn, PAGE_SIZE, vma->vm_page_prot);
		}
	}
	/* on error the mapping is torn down by the caller, which calls close */
	return ret;
}

static const struct file_operations kc_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kc_ioctl,
	.mmap = kc_mmap,
};

static struct miscdevice kc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pfn_kcheck",
	.fops = &kc_fops,
	.mode = 0600,
};

module_misc_device(kc_misc);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pfnbench kcheck: hmm_range_fault() on a guest program's range");
