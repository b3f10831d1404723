/*
 * verify_priv.h - what verify.c (cases, runs, the cross-check) and
 * verify_oracle.c (what a case's description implies for each backend)
 * share.  Not for other modules.
 *
 * The oracle judges a backend's call on a view of the case: the pages the
 * call covered (all of them, or the first VMA's for an era-A slot) with
 * the requests the driver really made (UVM rewrites them: every page
 * faulted, a write wherever the VMA is writable).  Everything else about
 * a backend comes from its declaration (struct vspec).
 */
#ifndef PFNBENCH_VERIFY_PRIV_H
#define PFNBENCH_VERIFY_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "verify.h"

#define VERIFY_DEV_PFN_END (EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR)

/* What backend k is, for the oracle, from its declaration. */
struct vspec {
	const struct hmm_kver *kv;
	bool v56;            /* v5.5-v5.6's walk */
	bool era_a;          /* v4.16's API: one VMA per call, one `write` bool */
	bool devother_own;   /* v4.16's walk without a pass: another device's page is a VRAM word */
	bool no_devmem;      /* amdgpu: every device page is another owner's */
	bool strict_write;   /* dmirror: a write answered read-only fails */
	bool large_maps;     /* nouveau v5.9+: one word per THP, later faults skipped */
	bool fixed;          /* era C: an ERROR entry has no VALID, a converter writes nothing */
	bool own_requests;   /* rewrites its requests (UVM): judged on the rewritten view */
};

struct vspec verify_spec_of(const struct pfn_backend_ops *ops);

/* The rcs a call can end with, as bits. */
enum { RC_OK = 1, RC_EFAULT = 2, RC_EPERM = 4, RC_EINVAL = 8 };
#define RC_ALL (RC_OK | RC_EFAULT | RC_EPERM | RC_EINVAL)

/* The bit of an rc (0 for any other), and back. */
unsigned verify_rc_bit(int rc);
int verify_rc_of_bit(unsigned bit);

/*
 * The view of case vc that backend sp's call over its first npages pages
 * is judged on: the same case cut to npages, with, for a backend that
 * rewrites its requests, the requests it made written into scratch (npages
 * entries) and used instead.  snapshot and has_page_req are those of the
 * view.
 */
void verify_view(const struct vspec *sp, const struct verify_case *vc, unsigned long npages,
		 struct emu_page_desc *scratch, struct verify_case *out);

/* The pages of vc's first VMA (0: the first page has none), from the description alone. */
unsigned long verify_first_vma_pages(const struct verify_case *vc);

/* The rcs the view allows for backend sp (RC_* bits). */
unsigned verify_expected_rcs(const struct vspec *sp, const struct verify_case *vc);

/* What a word may say about page i after a successful call; NULL when fine. */
const char *verify_meaning_problem(struct verify_ctx *ctx, const struct vspec *sp, const struct verify_case *vc,
				   unsigned long i, const struct pfn_meaning *mn);

/*
 * What the walk's array must hold after a failed call, where the version
 * says (v4.16: -EFAULT clears every entry from `last`, which for the calls
 * verify makes is the first page: every word 0).  NULL when fine, else
 * the problem, with *page the first page that shows it.
 */
const char *verify_hmm_problem(const struct vspec *sp, const struct verify_case *vc, int rc, const uint64_t *hmm,
			       unsigned long *page);

/* ---- shared helpers ---- */

static inline bool verify_st_error(unsigned s)
{
	return s == EMU_PAGE_SPECIAL || s == EMU_PAGE_NOVMA || s == EMU_PAGE_NOREAD || s == EMU_PAGE_PFNMAP;
}

static inline bool verify_st_dev(unsigned s)
{
	return s == EMU_PAGE_DEV || s == EMU_PAGE_DEV_RO || s == EMU_PAGE_DEV_OTHER;
}

/*
 * pfn 0 is reserved on x86 (the kernel keeps the first page for the BIOS,
 * X86_RESERVE_LOW), so no user page has it, and the words of amdgpu (the
 * bare pfn) and of dmirror's xarray (pfn << 12 | tag, read-only) could
 * not tell it from "no page".
 */
static inline bool verify_pfn_reserved(unsigned long pfn)
{
	return pfn == 0 || pfn == EMU_ZERO_PFN || (pfn >= EMU_DEV_PFN_FIRST && pfn < VERIFY_DEV_PFN_END);
}

static inline enum emu_req verify_eff_req(const struct verify_case *vc, unsigned long i)
{
	unsigned r = vc->pages[i].req;

	return r == EMU_REQ_DEFAULT ? vc->default_req : (enum emu_req)r;
}

/* ---- a small set of 64-bit keys, cleared per case (open addressing, key + 1) ---- */

static inline void verify_set_clear(uint64_t *set, unsigned long cap)
{
	memset(set, 0, cap * sizeof(*set));
}

static inline unsigned long verify_set_slot(uint64_t key, unsigned long cap)
{
	uint64_t h = (key + 1) * 0x9e3779b97f4a7c15ULL;

	return (unsigned long)(h ^ (h >> 31)) & (cap - 1);
}

/* true if inserted, false if present */
static inline bool verify_set_add(uint64_t *set, unsigned long cap, uint64_t key)
{
	unsigned long j = verify_set_slot(key, cap);

	while (set[j]) {
		if (set[j] == key + 1)
			return false;
		j = (j + 1) & (cap - 1);
	}
	set[j] = key + 1;
	return true;
}

static inline bool verify_set_has(const uint64_t *set, unsigned long cap, uint64_t key)
{
	unsigned long j = verify_set_slot(key, cap);

	while (set[j]) {
		if (set[j] == key + 1)
			return true;
		j = (j + 1) & (cap - 1);
	}
	return false;
}

#endif
