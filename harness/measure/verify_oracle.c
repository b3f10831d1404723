/*
 * verify_oracle.c - what a case's description implies for each backend,
 * from its declaration alone (verify_priv.h): the rcs it may end with and
 * what each of its words may say.
 *
 *   v5.6-6.1   the first page in address order whose request cannot be
 *              met decides the rc (docs/backends.md, "The walk, per kernel
 *              version"), with the collateral faults of a PMD step;
 *   v4.16      (era A, the 2018 thread's pair) another API: one VMA per
 *              call (none, or a range leaving it: -EINVAL), one request
 *              for the call, SPECIAL over a VM_SPECIAL VMA (-EINVAL from
 *              the snapshot, 0 from the fault), -EFAULT from a fault the
 *              VMA does not permit, with every entry from `last` cleared;
 *              no owner check (another device's page is a VRAM word unless
 *              a pass checks its pagemap);
 *   UVM        judged on the requests it made (verify_view()): every page
 *              faulted, for write wherever the VMA has VM_WRITE, else for
 *              read unless the page asked a write.
 *
 * The VMAs of a description are the page file's: one per run of pages of
 * the same kind (emu_mm_populate(): anonymous read/write for none, ro, rw,
 * zero, swap, the THP and device states; rovma, noread, pfnmap and special
 * each of their own; novma none).
 */
#include "verify_priv.h"

#include <errno.h>

struct vspec verify_spec_of(const struct pfn_backend_ops *ops)
{
	struct vspec v = {
		.kv = ops->kver,
		.v56 = ops->kver == &hmm_kver_v56,
		.era_a = ops->kver == &hmm_kver_v416,
		.devother_own = ops->kver == &hmm_kver_v416 && !(ops->caps & PFN_CAP_PASS),
		.no_devmem = ops->caps & PFN_CAP_NO_DEVMEM,
		.strict_write = ops->caps & PFN_CAP_STRICT_WRITE,
		.large_maps = ops->caps & PFN_CAP_LARGE_MAPS,
		.fixed = ops->era == PFN_ERA_C,
		.own_requests = ops->caps & PFN_CAP_OWN_REQUESTS,
	};
	return v;
}

unsigned verify_rc_bit(int rc)
{
	switch (rc) {
	case 0: return RC_OK;
	case -EFAULT: return RC_EFAULT;
	case -EPERM: return RC_EPERM;
	case -EINVAL: return RC_EINVAL;
	default: return 0;
	}
}

int verify_rc_of_bit(unsigned bit)
{
	return bit == RC_EFAULT ? -EFAULT : bit == RC_EPERM ? -EPERM : bit == RC_EINVAL ? -EINVAL : 0;
}

/* ---- VMAs and views ---- */

/* The kind of VMA a state lives in: pages of one kind in a row share one VMA. */
enum vma_kind { VK_NONE, VK_ANON, VK_ROVMA, VK_NOREAD, VK_PFNMAP, VK_SPECIAL };

static enum vma_kind vma_kind(unsigned s)
{
	switch (s) {
	case EMU_PAGE_NOVMA: return VK_NONE;
	case EMU_PAGE_ROVMA: return VK_ROVMA;
	case EMU_PAGE_NOREAD: return VK_NOREAD;
	case EMU_PAGE_PFNMAP: return VK_PFNMAP;
	case EMU_PAGE_SPECIAL: return VK_SPECIAL;
	default: return VK_ANON;
	}
}

static bool vma_writable(enum vma_kind k)
{
	return k == VK_ANON || k == VK_PFNMAP || k == VK_SPECIAL;
}

unsigned long verify_first_vma_pages(const struct verify_case *vc)
{
	enum vma_kind k = vma_kind(vc->pages[0].state);
	unsigned long n = 1;

	if (k == VK_NONE)
		return 0;
	while (n < vc->npages && vma_kind(vc->pages[n].state) == k)
		n++;
	return n;
}

/*
 * UVM's request per page (hmm_make_resident_cpu()): REQ_FAULT | REQ_WRITE
 * for a write access or a VMA with VM_WRITE, else REQ_FAULT, for every
 * page, a prefetch (no request) included.
 */
static enum emu_req uvm_request(unsigned s, enum emu_req r)
{
	return r == EMU_REQ_WRITE || vma_writable(vma_kind(s)) ? EMU_REQ_WRITE : EMU_REQ_READ;
}

void verify_view(const struct vspec *sp, const struct verify_case *vc, unsigned long npages,
		 struct emu_page_desc *scratch, struct verify_case *out)
{
	*out = *vc;
	out->npages = npages;
	if (sp->own_requests) {
		for (unsigned long i = 0; i < npages; i++) {
			scratch[i] = vc->pages[i];
			scratch[i].req = (uint8_t)uvm_request(vc->pages[i].state, verify_eff_req(vc, i));
		}
		out->pages = scratch;
	}
	out->has_page_req = false;
	out->snapshot = true;
	for (unsigned long i = 0; i < npages; i++) {
		if (out->pages[i].req != EMU_REQ_DEFAULT)
			out->has_page_req = true;
		if (verify_eff_req(out, i) != EMU_REQ_NONE)
			out->snapshot = false;
	}
}

/* ---- rc ---- */

/* Is this device page another owner's, as backend sp sees it? */
static bool other_owner(const struct vspec *sp, unsigned s)
{
	return s == EMU_PAGE_DEV_OTHER || (sp->no_devmem && (s == EMU_PAGE_DEV || s == EMU_PAGE_DEV_RO));
}

/* Does page state s under request r make the walk fault (for sp)? */
static bool needs_fault(const struct vspec *sp, unsigned s, enum emu_req r)
{
	if (r == EMU_REQ_NONE || verify_st_error(s) || other_owner(sp, s))
		return false;
	if (s == EMU_PAGE_NONE || s == EMU_PAGE_SWAP)
		return true;
	return r == EMU_REQ_WRITE && (s == EMU_PAGE_ZERO || s == EMU_PAGE_RO || s == EMU_PAGE_THP_RO);
}

/*
 * v4.16 (kernels/hmm_eraA.c): the call's VMA is the first page's; a range
 * that leaves it, or a first page outside every VMA, is -EINVAL.  Inside
 * one VMA: a VM_SPECIAL one gives -EINVAL from the snapshot and 0 from the
 * fault (SPECIAL everywhere); a fault the VMA does not permit (any in a
 * PROT_NONE VMA, a write in a VMA without VM_WRITE) is -EFAULT (the
 * emulator's fault handler checks, docs/backends.md); every other fault
 * succeeds.  The request is one for the call: verify runs era A only on
 * views whose pages all ask the same.
 */
static unsigned eraA_rcs(const struct verify_case *vc)
{
	enum vma_kind k = vma_kind(vc->pages[0].state);
	enum emu_req r = verify_eff_req(vc, 0);

	if (k == VK_NONE || verify_first_vma_pages(vc) != vc->npages)
		return RC_EINVAL;
	if (k == VK_PFNMAP || k == VK_SPECIAL)
		return r == EMU_REQ_NONE ? RC_EINVAL : RC_OK;
	if (r == EMU_REQ_NONE)
		return RC_OK;
	if (k == VK_NOREAD || (k == VK_ROVMA && r == EMU_REQ_WRITE))
		return RC_EFAULT;
	return RC_OK;
}

/*
 * The rcs the description allows for backend sp, from page `from` on: the
 * first page in address order whose request cannot be met decides
 * (docs/backends.md, "The walk, per kernel version").  A collateral fault
 * can change a page before the walk reaches it: hmm_vma_fault() faults
 * every page from the first faulting one to the end of its step, so a
 * dev-ro page (the strict write rule) or another owner's page (-EFAULT
 * before v5.19) after a faulting page of the same 2 MiB block may have
 * been migrated back; then its error and whatever the rest of the range
 * decides are both right.  fault_block: the 2 MiB block of the last
 * faulting page before `from`, ~0UL none.
 */
static unsigned expected_rcs_from(const struct vspec *sp, const struct verify_case *vc, unsigned long from,
				  unsigned long fault_block)
{
	for (unsigned long i = from; i < vc->npages; i++) {
		const unsigned s = vc->pages[i].state;
		const enum emu_req r = verify_eff_req(vc, i);
		const unsigned long block = ((vc->base >> PAGE_SHIFT) + i) >> 9;
		const bool collateral = fault_block == block;

		if (needs_fault(sp, s, r))
			fault_block = block;	/* faulted from here to the end of the step */
		else if (!collateral)
			fault_block = ~0UL;	/* not (yet) in this 2 MiB step */

		/* v5.6: a VM_IO/PFNMAP/MIXEDMAP VMA fails the call, asked or not */
		if (sp->v56 && (s == EMU_PAGE_SPECIAL || s == EMU_PAGE_PFNMAP))
			return RC_EFAULT;
		if (r == EMU_REQ_NONE)
			continue;
		if (verify_st_error(s))
			return RC_EFAULT;
		if (s == EMU_PAGE_ROVMA && r == EMU_REQ_WRITE)
			return sp->v56 ? RC_EFAULT : RC_EPERM;
		if ((other_owner(sp, s) && !sp->v56 && !sp->kv->devother_faults) ||
		    (sp->strict_write && s == EMU_PAGE_DEV_RO && r == EMU_REQ_WRITE)) {
			if (!collateral && !(sp->strict_write && s == EMU_PAGE_DEV_RO))
				return RC_EFAULT;
			/* migrated first (a new page, faulted like it) or not */
			return RC_EFAULT | expected_rcs_from(sp, vc, i + 1, block);
		}
	}
	return RC_OK;
}

unsigned verify_expected_rcs(const struct vspec *sp, const struct verify_case *vc)
{
	return sp->era_a ? eraA_rcs(vc) : expected_rcs_from(sp, vc, 0, ~0UL);
}

const char *verify_hmm_problem(const struct vspec *sp, const struct verify_case *vc, int rc, const uint64_t *hmm,
			       unsigned long *page)
{
	if (!sp->era_a || rc != -EFAULT)
		return NULL;
	/* hmm_pfns_clear(&pfns[i], hmm_vma_walk.last, end): last is the first page here */
	for (unsigned long i = 0; i < vc->npages; i++)
		if (hmm[i]) {
			*page = i;
			return "v4.16 clears every entry from `last` after a failed fault, but this one is not 0";
		}
	return NULL;
}

/* ---- words ---- */

/*
 * nouveau v5.9+ (PFN_CAP_LARGE_MAPS) maps a whole THP from its first fault
 * in the call and skips the later faults inside it, testing the first
 * fault's access only: a write request inside a THP mapped for a read is
 * left read-only.
 */
static bool large_map_skip(const struct verify_case *vc, unsigned long i)
{
	const unsigned s = vc->pages[i].state;
	unsigned long f = i, head = vc->pages[i].arg & ~511UL;

	if (s != EMU_PAGE_THP_RO)
		return false;
	while (f > 0 && vc->pages[f - 1].state == s && (vc->pages[f - 1].arg & ~511UL) == head)
		f--;
	return f < i && verify_eff_req(vc, f) != EMU_REQ_WRITE;
}

/*
 * v5.2-v5.6's hmm_vma_walk_hole_() sets every entry from the faulting page
 * to the end of the step to values[NONE] while it faults them (with the
 * first page's write flag): the later pages' requests are gone when the
 * walk restarts, so a page after a faulting one in the same 2 MiB block
 * may stay read-only although it asked for write.
 */
static bool v56_request_cleared(const struct vspec *sp, const struct verify_case *vc, unsigned long i)
{
	const unsigned long block = ((vc->base >> PAGE_SHIFT) + i) >> 9;

	for (unsigned long j = i; j-- > 0 && (((vc->base >> PAGE_SHIFT) + j) >> 9) == block;)
		if (needs_fault(sp, vc->pages[j].state, verify_eff_req(vc, j)))
			return true;
	return false;
}

/* A word that says nothing of page i. */
static const char *none_problem(const struct vspec *sp, unsigned s, enum emu_req r)
{
	if (sp->v56 && s == EMU_PAGE_DEV_OTHER)
		return NULL;	/* reported, then "Some unknown device memory": 0 */
	if (sp->era_a && !sp->devother_own && s == EMU_PAGE_DEV_OTHER)
		return NULL;	/* v4.16 reports it, never faults it; the pass WARNs and writes 0 */
	if (r != EMU_REQ_NONE)
		return "nothing although a fault was requested";
	if (s == EMU_PAGE_NONE || s == EMU_PAGE_SWAP || other_owner(sp, s))
		return NULL;
	if (sp->fixed && verify_st_error(s))
		return NULL;	/* ERROR has no VALID: "no VALID -> 0" (nouveau_hmm_convert_pfn) */
	if (sp->v56 && (s == EMU_PAGE_NOVMA || s == EMU_PAGE_NOREAD))
		return NULL;	/* v5.6: values[NONE] there, not ERROR */
	if (sp->era_a && s == EMU_PAGE_NOREAD)
		return NULL;	/* v4.16: EMPTY, a hole */
	return "nothing, although the page is present";
}

/* A word that says "this device's memory" for page i. */
static const char *vram_problem(const struct vspec *sp, unsigned s, uint64_t a, const struct pfn_meaning *mn)
{
	if (s != EMU_PAGE_DEV && s != EMU_PAGE_DEV_RO && !(sp->devother_own && s == EMU_PAGE_DEV_OTHER))
		return "device memory for a page not in this device's memory";
	if (sp->no_devmem)
		return "device memory reported to a driver without any";
	if (mn->has_addr && mn->addr != a)
		return "wrong VRAM page";
	if (mn->write >= 0 && mn->write != (s != EMU_PAGE_DEV_RO))
		return "W differs from the device-private entry";
	return NULL;
}

const char *verify_meaning_problem(struct verify_ctx *ctx, const struct vspec *sp, const struct verify_case *vc,
				   unsigned long i, const struct pfn_meaning *mn)
{
	const unsigned s = vc->pages[i].state;
	const uint64_t a = vc->pages[i].arg;
	const enum emu_req r = verify_eff_req(vc, i);

	if (mn->kind == PFN_M_NONE)
		return none_problem(sp, s, r);
	if (mn->kind == PFN_M_ERROR) {
		if (sp->era_a && (s == EMU_PAGE_SPECIAL || s == EMU_PAGE_PFNMAP))
			return NULL;	/* v4.16: SPECIAL over a VM_SPECIAL VMA, the fault's rc 0 */
		return verify_st_error(s) && !sp->v56 && r == EMU_REQ_NONE ? NULL : "an error word for a page without error";
	}
	if (verify_st_error(s))
		return "valid although the page cannot be mapped";
	if (r == EMU_REQ_WRITE && mn->write == 0 && !mn->vram && !(sp->large_maps && large_map_skip(vc, i)) &&
	    !(sp->v56 && v56_request_cleared(sp, vc, i)))
		return "write requested, not writable";
	if (mn->vram)
		return vram_problem(sp, s, a, mn);
	if (!mn->has_addr) {
		/* dmirror's snapshot byte: present, zero or not, and W */
		if (mn->zero)
			return s == EMU_PAGE_ZERO ? NULL : "the zero page where it cannot be";
		if (s == EMU_PAGE_RW || s == EMU_PAGE_THP_RW)
			return mn->write == 1 ? NULL : "writable page reported read-only";
		if (s == EMU_PAGE_RO || s == EMU_PAGE_ROVMA || s == EMU_PAGE_THP_RO)
			return mn->write == 0 ? NULL : "read-only page reported writable";
		return "a present page for a state that is not";
	}
	if (emu_page_state_has_arg((enum emu_page_state)s) && !verify_st_dev(s) && mn->addr == a) {
		if (s == EMU_PAGE_RW || s == EMU_PAGE_THP_RW)
			return mn->write != 0 ? NULL : "writable page reported read-only";
		return mn->write != 1 ? NULL : "read-only page reported writable in place";
	}
	if (mn->addr == EMU_ZERO_PFN)
		return ((s == EMU_PAGE_NONE || s == EMU_PAGE_ZERO) && mn->write != 1) ? NULL : "zero page where it cannot be";
	if (vc->snapshot)
		return "a new page although nothing faulted";
	if (!(s == EMU_PAGE_NONE || s == EMU_PAGE_ZERO || s == EMU_PAGE_RO || s == EMU_PAGE_SWAP ||
	      s == EMU_PAGE_THP_RO || verify_st_dev(s)))
		return "a new page for a state a fault never replaces";
	if (verify_pfn_reserved(mn->addr) || mn->addr >= ctx->mm->memmap.pfn_limit)
		return "new pfn reserved or beyond the memmap";
	if (verify_set_has(ctx->set, ctx->set_cap, mn->addr))
		return "new pfn is one the case already names";
	if (!verify_set_add(ctx->new_set, ctx->set_cap, mn->addr))
		return "new pfn handed out twice";
	return NULL;
}
