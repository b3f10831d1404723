/*
 * test_encode_table.c - docs/backends.md's tables, bit for bit: for every
 * backend x page state x request (none, read, write), through every request
 * path the driver has (one request for the call; per page for nouveau), the
 * return code, each page's output word (words_out) and what the walk wrote
 * (hmm_out).
 *
 * The expected values are written out here from the kernel versions' rules
 * (docs/backends.md, from mm/hmm.c of v4.16, v5.6, v5.7, v5.8 and 6.1 and
 * the drivers' passes); nothing is computed by the code under test.  First the
 * walk's verdict per version (walk_result), then each backend's words for
 * it.  Faults that must allocate a page are checked for what the spec
 * promises: a pfn that is not the page's old one, not named by the
 * description, not reserved, writable for a write fault, and the same in
 * every backend (the allocator is deterministic).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend.h"
#include "mm.h"

#define BASE 0x7f0000000000UL        /* 2 MiB aligned */
#define PFN 0x12345UL                /* the page's pfn for pfn states */
#define THP_HEAD 0x200000UL          /* multiple of 512 */
#define VRAM 0x42UL
#define ZERO_PFN 0x1000UL
#define DEV_FIRST 0x10000000UL
#define V_ 0x1ULL
#define W_ 0x2ULL
#define VRAM_APER 0x10ULL
#define ENC_ERR 0xfffffffffffffffeULL      /* nouveau's values[ERROR] = values[SPECIAL] = ~V */
#define H_VALID (1ULL << 63)
#define H_WRITE (1ULL << 62)
#define H_ERROR (1ULL << 61)
#define H_ORDER9 (9ULL << 56)
#define H616_ORDER9 (9ULL << 53)     /* v6.16: the order in 53-57 */
#define H616_DMA_MAPPED (1ULL << 60) /* v6.16: set by hmm_dma_map_pfn() */
/* era A (v4.16 hmm_pfn_t): pfn << 7 | VALID 1, READ 2, WRITE 4, EMPTY 0x10, SPECIAL 0x20, DEV 0x40 */
#define A_SHIFT 7
#define A_VR 0x3ULL
#define A_W 0x4ULL
#define A_EMPTY 0x10ULL
#define A_SPECIAL 0x20ULL
#define A_DEV 0x40ULL

/* WA: v4.16's hmm_vma_get_pfns()/hmm_vma_fault() (era A), any encoding; W616: 6.1's walk in v6.16's layout */
enum walk { W56, W57, W58, W61, WPROMISE, WA, W616 };

/* What the walk makes of one page, whatever the encoding. */
enum what {
	X_NONE,     /* values[NONE] / 0 */
	X_ERROR,    /* values[ERROR] / HMM_PFN_ERROR */
	X_PAGE,     /* the page's own pfn */
	X_ZERO,     /* the zero page, read-only */
	X_DEV,      /* this device's private page (vram) */
	X_NEW,      /* a new system page */
	X_EMPTY,    /* era A: EMPTY (pte_none, missing directory) */
	X_SPECIAL,  /* era A: SPECIAL over a VM_SPECIAL VMA */
};

struct result {
	int rc;
	enum what what;
	bool write;       /* X_PAGE/X_DEV/X_NEW: writable (X_NEW: must be, for a write fault) */
	bool thp;         /* X_PAGE of a THP slot */
	bool devpriv;     /* v5.6: the entry carries flags[DEVICE_PRIVATE] */
	bool other_owner; /* v5.6: another device's page, reported as this one's */
};

static bool is_thp(int s)
{
	return s == EMU_PAGE_THP_RO || s == EMU_PAGE_THP_RW;
}

/* The page's own arg for slot k (THP: head + k). */
static uint64_t arg_of(int s, unsigned long k)
{
	switch (s) {
	case EMU_PAGE_RO: case EMU_PAGE_RW: case EMU_PAGE_ROVMA: case EMU_PAGE_SPECIAL:
		return PFN;
	case EMU_PAGE_THP_RO: case EMU_PAGE_THP_RW:
		return THP_HEAD + k;
	case EMU_PAGE_DEV: case EMU_PAGE_DEV_RO: case EMU_PAGE_DEV_OTHER:
		return VRAM;
	default:
		return 0;
	}
}

/*
 * v4.16 (era A, kernels/hmm_eraA.c, docs/backends.md): one call per VMA,
 * one write bool, READ from VM_READ, no owner check, SPECIAL over
 * VM_SPECIAL VMAs (snapshot -EINVAL, fault 0), no permission checks (the
 * emulator's fault handler refuses, so -EFAULT), and a write fault on
 * this device's read-only page migrating it back to a new page (the
 * device's default; test_encode_eraA checks the declining device's
 * modelled end of the livelock).
 */
static struct result walk_result_eraA(int s, enum emu_req r)
{
	struct result x = { 0, X_NONE, false, false, false, false };
	bool fault = r != EMU_REQ_NONE;

	switch (s) {
	case EMU_PAGE_SPECIAL: case EMU_PAGE_PFNMAP:
		if (fault)
			x.what = X_SPECIAL;
		else
			x.rc = -EINVAL;
		return x;
	case EMU_PAGE_NOVMA:
		x.rc = -EINVAL;
		return x;
	case EMU_PAGE_NOREAD:
		if (fault)
			x.rc = -EFAULT;
		else
			x.what = X_EMPTY;
		return x;
	case EMU_PAGE_NONE:
		x.what = r == EMU_REQ_NONE ? X_EMPTY : r == EMU_REQ_READ ? X_ZERO : X_NEW;
		x.write = r == EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_ZERO:
		x.what = r == EMU_REQ_WRITE ? X_NEW : X_ZERO;
		x.write = r == EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_SWAP:
		x.what = fault ? X_NEW : X_NONE;
		x.write = r == EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_RO: case EMU_PAGE_THP_RO:
		x.what = r == EMU_REQ_WRITE ? X_NEW : X_PAGE;
		x.write = r == EMU_REQ_WRITE;
		x.thp = is_thp(s) && r != EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_RW: case EMU_PAGE_THP_RW:
		x.what = X_PAGE;
		x.write = true;
		x.thp = is_thp(s);
		return x;
	case EMU_PAGE_ROVMA:
		if (r == EMU_REQ_WRITE)
			x.rc = -EFAULT;
		else
			x.what = X_PAGE;
		return x;
	case EMU_PAGE_DEV_RO:
		if (r == EMU_REQ_WRITE) {
			/* "else if (write_fault) goto fault": migrate_to_ram(), a new page */
			x.what = X_NEW;
			x.write = true;
			return x;
		}
		x.what = X_DEV;
		x.devpriv = true;
		return x;
	case EMU_PAGE_DEV: case EMU_PAGE_DEV_OTHER:
		x.what = X_DEV;
		x.write = true;
		x.devpriv = true;
		x.other_owner = s == EMU_PAGE_DEV_OTHER;
		return x;
	}
	fail_msg("state %d", s);
	return x;
}

/*
 * The walk's verdict for state s under request r at walk version v, with
 * the caller owning device 0 (owner) or no device (amdgpu: !owner).
 */
static struct result walk_result(enum walk v, int s, enum emu_req r, bool owner)
{
	struct result x = { 0, X_NONE, false, false, false, false };
	bool fault = r != EMU_REQ_NONE, v56 = v == W56;

	if (v == WA)
		return walk_result_eraA(s, r);
	switch (s) {
	case EMU_PAGE_SPECIAL: case EMU_PAGE_PFNMAP:
		/* v5.6: a VM_IO/PFNMAP/MIXEDMAP VMA fails the call, asked or not */
		if (v56 || fault)
			x.rc = -EFAULT;
		else
			x.what = X_ERROR;
		return x;
	case EMU_PAGE_NOVMA: case EMU_PAGE_NOREAD:
		/* v5.6 reads NONE there; v5.7 (9cee0e8c6f1e, hmm_vma_walk_test) ERROR */
		if (fault)
			x.rc = -EFAULT;
		else
			x.what = v56 ? X_NONE : X_ERROR;
		return x;
	case EMU_PAGE_NONE:
		x.what = r == EMU_REQ_NONE ? X_NONE : r == EMU_REQ_READ ? X_ZERO : X_NEW;
		x.write = r == EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_ZERO:
		x.what = r == EMU_REQ_WRITE ? X_NEW : X_ZERO;
		x.write = r == EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_SWAP:
		x.what = fault ? X_NEW : X_NONE;
		x.write = r == EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_RO: case EMU_PAGE_THP_RO:
		x.what = r == EMU_REQ_WRITE ? X_NEW : X_PAGE;
		x.write = r == EMU_REQ_WRITE;
		x.thp = is_thp(s) && r != EMU_REQ_WRITE;
		return x;
	case EMU_PAGE_RW: case EMU_PAGE_THP_RW:
		x.what = X_PAGE;
		x.write = true;
		x.thp = is_thp(s);
		return x;
	case EMU_PAGE_ROVMA:
		if (r == EMU_REQ_WRITE) {
			/* v5.7+ checks VM_WRITE first (-EPERM); v5.6's fault handler says SIGSEGV */
			x.rc = v56 ? -EFAULT : -EPERM;
			return x;
		}
		x.what = X_PAGE;
		return x;
	case EMU_PAGE_DEV: case EMU_PAGE_DEV_RO:
		if (v56 || owner) {
			/* never faulted (v5.6: unless asked with flags[DEVICE_PRIVATE]) */
			x.what = X_DEV;
			x.write = s == EMU_PAGE_DEV;
			x.devpriv = v56 || v == WPROMISE;
			return x;
		}
		/* to a caller without device memory it is another owner's: */
		__attribute__((fallthrough));
	case EMU_PAGE_DEV_OTHER:
		if (v56) {
			/* no owner check: reported as a device page of this device */
			x.what = X_DEV;
			x.write = true;
			x.devpriv = true;
			x.other_owner = true;
			return x;
		}
		if (!fault) {
			x.what = X_NONE;
			return x;
		}
		/* v5.7-v5.18 -EFAULT; v5.19's 8a295dbbaf72 migrates it back */
		if (v == W61 || v == W616) {
			x.what = X_NEW;
			x.write = r == EMU_REQ_WRITE;
			return x;
		}
		x.rc = -EFAULT;
		return x;
	}
	fail_msg("state %d", s);
	return x;
}

/* The backends and what each writes for a walk result (docs/backends.md). */
enum fmt { F_NOUVEAU, F_AMDGPU, F_DMIRROR, F_UVM, F_ODP };

struct backend_case {
	const char *name;
	enum walk walk;
	enum fmt fmt;
	bool era_b;           /* words in the driver's tables (ERROR = ~V for nouveau) */
	bool owner;           /* dev_private_owner = this device */
	bool per_page;        /* takes per-page requests */
	bool snapshot;        /* can take no request */
	bool fault;           /* can fault */
	bool no_pass;         /* era A with tables: the walk's word is the output (no owner check after it) */
};

static const struct backend_case backends[] = {
	{ "nouveau-v5.6", W56, F_NOUVEAU, true, true, true, true, true, false },
	{ "nouveau-v5.7", W57, F_NOUVEAU, true, true, true, true, true, false },
	{ "nouveau-v5.8", W58, F_NOUVEAU, false, true, true, true, true, false },
	{ "nouveau-v6.1", W61, F_NOUVEAU, false, true, true, true, true, false },
	{ "promise-2018", WPROMISE, F_NOUVEAU, true, true, true, true, true, false },
	{ "amdgpu-v5.7", W57, F_AMDGPU, true, false, false, false, true, false },
	{ "amdgpu-v5.8", W58, F_AMDGPU, false, false, false, false, true, false },
	{ "dmirror-v5.7", W57, F_DMIRROR, true, true, false, true, true, false },
	{ "dmirror-v6.1", W61, F_DMIRROR, false, true, false, true, true, false },
	{ "thread-2018-without", WA, F_NOUVEAU, false, true, false, true, true, false },
	{ "thread-2018-with", WA, F_NOUVEAU, true, true, false, true, true, true },
	{ "uvm-575.57.08", W61, F_UVM, false, true, true, false, true, false },
	{ "odp-v6.16", W616, F_ODP, false, false, false, true, true, false },
};

/*
 * NVIDIA UVM's request (hmm_make_resident_cpu()): every page of the region
 * is faulted, for write when its access is a write or the VMA has
 * VM_WRITE.  Every state's VMA but rovma's (VM_READ only), noread's,
 * novma's has VM_WRITE; those three only get what was asked (no request ->
 * a read).
 */
static enum emu_req uvm_request(int s, enum emu_req r)
{
	switch (s) {
	case EMU_PAGE_ROVMA: case EMU_PAGE_NOREAD: case EMU_PAGE_NOVMA:
		return r == EMU_REQ_WRITE ? EMU_REQ_WRITE : EMU_REQ_READ;
	default:
		return EMU_REQ_WRITE;
	}
}
#define NR_BACKENDS (sizeof(backends) / sizeof(backends[0]))

/*
 * The backend's output word for a result that is not a new page, or
 * UINT64_MAX when the driver's pass fails the call (set *rc).
 */
static uint64_t dev_word(const struct backend_case *bc, const struct result *x, int s, unsigned long k,
			 enum emu_req r, int *rc)
{
	uint64_t a = arg_of(s, k);

	switch (bc->fmt) {
	case F_NOUVEAU:
		switch (x->what) {
		case X_NONE:
			return 0;
		case X_ERROR:
			return bc->era_b ? ENC_ERR : 0;
		case X_ZERO:
			return ZERO_PFN << 12 | V_;
		case X_PAGE:
			return a << 12 | V_ | (x->write ? W_ : 0);
		case X_DEV:
			/* nouveau_dmem_convert_pfn(): another driver's page is WARNed and 0 */
			if (x->other_owner && !bc->no_pass)
				return 0;
			/* thread-2018-with: no pass, the walk wrote it as this device's VRAM */
			return a << 12 | VRAM_APER | V_ | (x->write ? W_ : 0);
		case X_EMPTY:
			return 0;
		case X_SPECIAL:
			return ENC_ERR;
		default:
			break;
		}
		break;
	case F_AMDGPU:
		/* pages[i]: the page's pfn; a NULL page fails the call with -ENOMEM */
		switch (x->what) {
		case X_ZERO:
			return ZERO_PFN;
		case X_PAGE:
			return a;
		default:
			*rc = -ENOMEM;
			return UINT64_MAX;
		}
	case F_DMIRROR:
		if (r == EMU_REQ_NONE) {
			/* dmirror_mkentry(): ERROR 0xff, NONE 0, READ 1, WRITE 2, PMD 4, ZERO 0x10, local 0x20 */
			switch (x->what) {
			case X_NONE:
				return 0x00;
			case X_ERROR:
				return 0xff;
			case X_ZERO:
				return 0x11;
			case X_PAGE:
				return (x->write ? 0x02 : 0x01) | (x->thp && bc->walk == W61 ? 0x04 : 0);
			case X_DEV:
				return 0x20 | (x->write ? 0x02 : 0x01);
			default:
				break;
			}
			break;
		}
		/* dmirror_do_fault(): the xarray entry, pfn << 12 | WRITE tag 3 */
		switch (x->what) {
		case X_ZERO:
			if (r == EMU_REQ_WRITE) {
				*rc = -EFAULT;
				return UINT64_MAX;
			}
			return ZERO_PFN << 12;
		case X_PAGE:
			if (r == EMU_REQ_WRITE && !x->write) {
				*rc = -EFAULT;
				return UINT64_MAX;
			}
			return a << 12 | (x->write ? 3 : 0);
		case X_DEV:
			/* WARN_ON(range->default_flags & WRITE) on a read-only entry: -EFAULT */
			if (r == EMU_REQ_WRITE && !x->write) {
				*rc = -EFAULT;
				return UINT64_MAX;
			}
			return (DEV_FIRST + a) << 12 | (x->write ? 3 : 0);
		default:
			break;
		}
		break;
	case F_UVM:
		/* the va_block's state: pfn << 12 | CPU resident 4 | READ 1 | WRITE 2; GPU: vram << 12 | 0x10 */
		switch (x->what) {
		case X_PAGE:
			return a << 12 | 0x5 | (x->write ? 0x2 : 0);
		case X_DEV:
			return a << 12 | 0x10;
		case X_ZERO:
			/* hmm_va_block_cpu_page_populate(): ZERO_PAGE() -> NV_ERR_INVALID_ADDRESS */
			*rc = -EFAULT;
			return UINT64_MAX;
		default:
			break;
		}
		break;
	case F_ODP:
		/* the MTT entry: dma address (dma-direct: physical) | READ 1 | WRITE 2; no VALID: 0 */
		switch (x->what) {
		case X_NONE: case X_ERROR:
			return 0;
		case X_ZERO:
			return ZERO_PFN << 12 | 0x1;
		case X_PAGE:
			return a << 12 | 0x1 | (x->write ? 0x2 : 0);
		default:
			break;
		}
		break;
	}
	fail_msg("%s: no word for what %d", bc->name, x->what);
	return 0;
}

/* What the walk wrote (hmm_out) for a result that is not a new page. */
static uint64_t hmm_word(const struct backend_case *bc, const struct result *x, int s, unsigned long k,
			 uint64_t dev)
{
	uint64_t a = arg_of(s, k);

	if (bc->fmt == F_NOUVEAU && bc->era_b)
		return dev;	/* the one array: the fix-up ran in place */
	if (bc->walk == WA) {
		/* v4.16 hmm_pfn_t; every VMA with pages here has VM_READ */
		switch (x->what) {
		case X_NONE:
			return 0;
		case X_EMPTY:
			return A_EMPTY;
		case X_SPECIAL:
			return A_SPECIAL;
		case X_ZERO:
			return ZERO_PFN << A_SHIFT | A_VR;
		case X_PAGE:
			return a << A_SHIFT | A_VR | (x->write ? A_W : 0);
		case X_DEV:
			return (DEV_FIRST + a) << A_SHIFT | A_DEV | A_VR | (x->write ? A_W : 0);
		default:
			break;
		}
		fail_msg("%s: no era-A word for what %d", bc->name, x->what);
		return 0;
	}
	if (bc->era_b) {
		/* amdgpu / dmirror tables: VALID 1, WRITE 2, shift 12; NONE 0 */
		uint64_t err = bc->fmt == F_AMDGPU ? 0xfffffffffffffffeULL : 0x10;

		switch (x->what) {
		case X_NONE:
			return 0;
		case X_ERROR:
			return err;
		case X_ZERO:
			return ZERO_PFN << 12 | 1;
		case X_PAGE:
			return a << 12 | 1 | (x->write ? 2 : 0);
		case X_DEV:
			return (DEV_FIRST + a) << 12 | 1 | (x->write ? 2 : 0);
		default:
			break;
		}
	} else {
		bool order = bc->walk == W61;
		/* v6.16: the order at 53, and DMA_MAPPED once ODP mapped the entry */
		uint64_t o9 = bc->walk == W616 ? H616_ORDER9 : H_ORDER9;
		uint64_t mapped = bc->fmt == F_ODP ? H616_DMA_MAPPED : 0;

		order |= bc->walk == W616;
		switch (x->what) {
		case X_NONE:
			return 0;
		case X_ERROR:
			return H_ERROR;
		case X_ZERO:
			return ZERO_PFN | H_VALID | mapped;
		case X_PAGE:
			return a | H_VALID | (x->write ? H_WRITE : 0) | (x->thp && order ? o9 : 0) | mapped;
		case X_DEV:
			return (DEV_FIRST + a) | H_VALID | (x->write ? H_WRITE : 0);
		default:
			break;
		}
	}
	fail_msg("%s: no hmm word for what %d", bc->name, x->what);
	return 0;
}

static struct emu_mm *g_mm;

static int setup(void **state)
{
	(void)state;
	/* the device range ends at 0x11000000; stay small for valgrind */
	struct emu_mm_params mp = { .pfn_limit = 0x11000000UL };
	return emu_mm_create(&mp, &g_mm);
}

static int teardown(void **state)
{
	(void)state;
	emu_mm_destroy(g_mm);
	return 0;
}

static const char *const req_names[] = { "none", "read", "write" };

/* new pfns handed out, per (state, req, slot), to compare backends */
static uint64_t new_pfn_seen[EMU_PAGE_NR_STATES][3][512];
static unsigned long nr_checked, nr_unsupported;

/* The pfn a backend's word names for a new page, checking its form. */
static uint64_t new_page_pfn(const struct backend_case *bc, uint64_t dev, enum emu_req r, bool want_w)
{
	switch (bc->fmt) {
	case F_NOUVEAU:
		assert_int_equal(dev & 0xff0, 0);	/* host aperture */
		assert_int_equal(dev & V_, V_);
		if (want_w)
			assert_int_equal(dev & W_, W_);
		return dev >> 12;
	case F_AMDGPU:
		return dev;
	case F_DMIRROR:
		assert_true(r != EMU_REQ_NONE);
		if (want_w)
			assert_int_equal(dev & 3, 3);
		return dev >> 12;
	case F_UVM:
		/* populated, CPU resident, mapped READ (and WRITE) */
		assert_int_equal(dev & 0xfff, want_w ? 0x7 : 0x5);
		return dev >> 12;
	case F_ODP:
		/* an MTT entry: the page's dma address (dma-direct), READ (and WRITE) */
		assert_int_equal(dev & 0xffc, 0);
		assert_int_equal(dev & 0x1, 0x1);
		if (want_w)
			assert_int_equal(dev & 0x2, 0x2);
		return dev >> 12;
	}
	return 0;
}

static void check_one(const struct backend_case *bc, int s, enum emu_req req, bool per_page)
{
	const struct pfn_backend_ops *ops = pfn_backend_find(bc->name);
	const unsigned long n = is_thp(s) ? 512 : 1;
	struct emu_page_desc pages[512];
	uint8_t page_req[512];
	uint64_t words[512], hmm[512];
	struct emu_build_error be;
	struct pfn_backend *b;
	int rc;

	assert_non_null(ops);
	for (unsigned long k = 0; k < n; k++) {
		pages[k] = (struct emu_page_desc){ .state = (uint8_t)s, .req = EMU_REQ_DEFAULT, .arg = arg_of(s, k) };
		page_req[k] = (uint8_t)req;
	}
	memset(words, 0, sizeof(words));
	memset(hmm, 0, sizeof(hmm));
	assert_int_equal(emu_mm_populate(g_mm, BASE, pages, n, &be), 0);
	struct pfn_backend_params bp = { .mm = g_mm, .max_npages = n };
	assert_int_equal(pfn_backend_create(ops, &bp, &b), 0);
	struct pfn_call c = {
		.start = BASE,
		.npages = n,
		.default_req = per_page ? EMU_REQ_NONE : req,
		.page_req = per_page ? page_req : NULL,
		.words_out = words,
		.hmm_out = hmm,
	};
	rc = pfn_backend_range_fault(b, &c);
	if ((req == EMU_REQ_NONE && !per_page && !bc->snapshot) || (req != EMU_REQ_NONE && !bc->fault)) {
		/* the driver cannot make this request: refused, not guessed (UVM: no request is a prefetch) */
		assert_int_equal(rc, -ENOTSUP);
		nr_unsupported++;
		pfn_backend_destroy(b);
		return;
	}
	for (unsigned long k = 0; k < n; k++) {
		struct result x = walk_result(bc->walk, s, bc->fmt == F_UVM ? uvm_request(s, req) : req, bc->owner);
		int want_rc = x.rc;
		uint64_t want = 0, want_hmm = 0, dev = words[k];

		if (!want_rc && x.what != X_NEW) {
			want = dev_word(bc, &x, s, k, req, &want_rc);
			if (!want_rc)
				want_hmm = hmm_word(bc, &x, s, k, want);
		}
		if (rc != want_rc)
			print_error("%s %s request %s%s: rc=%d, want %d\n", emu_page_state_name(s), bc->name, req_names[req],
				    per_page ? " (per page)" : "", rc, want_rc);
		assert_int_equal(rc, want_rc);
		if (want_rc)
			break; /* only rc is part of the contract */
		nr_checked++;
		if (x.what != X_NEW) {
			/* nouveau v5.9+ walks one page of a THP and maps the rest from it */
			bool walked = !(bc->walk == W61 && bc->fmt == F_NOUVEAU && x.thp && k > 0);

			if (dev != want || (walked && hmm[k] != want_hmm))
				print_error("%s slot %lu %s request %s%s: word %016llx hmm %016llx, want %016llx %016llx\n",
					    emu_page_state_name(s), k, bc->name, req_names[req], per_page ? " (per page)" : "",
					    (unsigned long long)dev, (unsigned long long)hmm[k], (unsigned long long)want,
					    (unsigned long long)want_hmm);
			assert_int_equal(dev, want);
			if (walked)
				assert_int_equal(hmm[k], want_hmm);
			else
				assert_int_equal(hmm[k], 0);	/* covered, never walked */
			continue;
		}
		/* a new system page: valid, writable for a write fault, fresh, the same everywhere */
		uint64_t pfn = new_page_pfn(bc, dev, req, x.write);
		assert_int_not_equal(pfn, 0);
		assert_int_not_equal(pfn, ZERO_PFN);
		assert_int_not_equal(pfn, arg_of(s, k));
		assert_false(pfn >= DEV_FIRST && pfn < DEV_FIRST + 0x1000000UL);
		if (is_thp(s))
			assert_false(pfn >= THP_HEAD && pfn < THP_HEAD + 512);
		uint64_t *seen = &new_pfn_seen[s][req][k];
		if (!*seen)
			*seen = pfn;
		assert_int_equal(pfn, *seen);
	}
	pfn_backend_destroy(b);
}

static void test_table(void **state)
{
	(void)state;
	for (unsigned bi = 0; bi < NR_BACKENDS; bi++)
		for (int s = 0; s < EMU_PAGE_NR_STATES; s++)
			for (int r = EMU_REQ_NONE; r <= EMU_REQ_WRITE; r++) {
				check_one(&backends[bi], s, (enum emu_req)r, false);
				if (backends[bi].per_page)
					check_one(&backends[bi], s, (enum emu_req)r, true);
			}
	/* amdgpu and UVM cannot snapshot: 15 states x 3 backends refused */
	assert_int_equal(nr_unsupported, 15 * 3);
	assert_true(nr_checked > 15 * 3 * NR_BACKENDS);
}

/* Every backend the table holds is in pfn_backends[], and the other way round. */
static void test_table_complete(void **state)
{
	size_t n = 0;

	(void)state;
	for (const struct pfn_backend_ops *const *o = pfn_backends; *o; o++, n++) {
		bool found = !strcmp((*o)->name, "null");

		for (unsigned bi = 0; bi < NR_BACKENDS && !found; bi++)
			found = !strcmp(backends[bi].name, (*o)->name);
		if (!found)
			fail_msg("backend %s has no expectations here", (*o)->name);
	}
	assert_int_equal(n, NR_BACKENDS + 1);
}

/* A few rows spelled out as literal words, so a reader sees the formats. */
static void test_literal_rows(void **state)
{
	int rc = 0;
	struct result x;

	(void)state;
	x = walk_result(W58, EMU_PAGE_RW, EMU_REQ_NONE, true);
	assert_int_equal(dev_word(&backends[2], &x, EMU_PAGE_RW, 0, EMU_REQ_NONE, &rc), 0x12345003ULL);
	assert_int_equal(hmm_word(&backends[2], &x, EMU_PAGE_RW, 0, 0), 0xc000000000012345ULL);
	x = walk_result(W61, EMU_PAGE_THP_RO, EMU_REQ_NONE, true);
	assert_int_equal(hmm_word(&backends[3], &x, EMU_PAGE_THP_RO, 1, 0), 0x8900000000200001ULL);
	x = walk_result(W58, EMU_PAGE_THP_RO, EMU_REQ_NONE, true);
	assert_int_equal(hmm_word(&backends[2], &x, EMU_PAGE_THP_RO, 1, 0), 0x8000000000200001ULL);
	x = walk_result(W57, EMU_PAGE_DEV, EMU_REQ_NONE, true);
	assert_int_equal(dev_word(&backends[1], &x, EMU_PAGE_DEV, 0, EMU_REQ_NONE, &rc), 0x42013ULL);
	x = walk_result(W57, EMU_PAGE_PFNMAP, EMU_REQ_NONE, true);
	assert_int_equal(dev_word(&backends[1], &x, EMU_PAGE_PFNMAP, 0, EMU_REQ_NONE, &rc), 0xfffffffffffffffeULL);
	assert_int_equal(walk_result(W56, EMU_PAGE_PFNMAP, EMU_REQ_NONE, true).rc, -EFAULT);
	x = walk_result(W56, EMU_PAGE_DEV_OTHER, EMU_REQ_WRITE, true);
	assert_int_equal(dev_word(&backends[0], &x, EMU_PAGE_DEV_OTHER, 0, EMU_REQ_WRITE, &rc), 0);
	assert_int_equal(walk_result(W57, EMU_PAGE_DEV_OTHER, EMU_REQ_READ, true).rc, -EFAULT);
	assert_int_equal(walk_result(W61, EMU_PAGE_DEV_OTHER, EMU_REQ_READ, true).what, X_NEW);
	x = walk_result(W61, EMU_PAGE_THP_RW, EMU_REQ_NONE, true);
	assert_int_equal(dev_word(&backends[8], &x, EMU_PAGE_THP_RW, 0, EMU_REQ_NONE, &rc), 0x06);
	x = walk_result(W57, EMU_PAGE_THP_RW, EMU_REQ_READ, true);
	assert_int_equal(dev_word(&backends[7], &x, EMU_PAGE_THP_RW, 3, EMU_REQ_READ, &rc), 0x200003ULL << 12 | 3);
	assert_int_equal(rc, 0);
	/* era A: thread-2018-without's HMM word and device word, thread-2018-with's gap */
	assert_string_equal(backends[9].name, "thread-2018-without");
	x = walk_result(WA, EMU_PAGE_DEV, EMU_REQ_NONE, true);
	assert_int_equal(hmm_word(&backends[9], &x, EMU_PAGE_DEV, 0, 0), 0x800002147ULL);
	assert_int_equal(dev_word(&backends[9], &x, EMU_PAGE_DEV, 0, EMU_REQ_NONE, &rc), 0x42013ULL);
	x = walk_result(WA, EMU_PAGE_DEV_OTHER, EMU_REQ_NONE, true);
	assert_int_equal(dev_word(&backends[9], &x, EMU_PAGE_DEV_OTHER, 0, EMU_REQ_NONE, &rc), 0);
	assert_int_equal(dev_word(&backends[10], &x, EMU_PAGE_DEV_OTHER, 0, EMU_REQ_NONE, &rc), 0x42013ULL);
	x = walk_result(WA, EMU_PAGE_THP_RO, EMU_REQ_READ, true);
	assert_int_equal(hmm_word(&backends[9], &x, EMU_PAGE_THP_RO, 1, 0), 0x10000083ULL);
	x = walk_result(WA, EMU_PAGE_NONE, EMU_REQ_NONE, true);
	assert_int_equal(hmm_word(&backends[9], &x, EMU_PAGE_NONE, 0, 0), 0x10);
	x = walk_result(WA, EMU_PAGE_SPECIAL, EMU_REQ_WRITE, true);
	assert_int_equal(dev_word(&backends[10], &x, EMU_PAGE_SPECIAL, 0, EMU_REQ_WRITE, &rc), 0xfffffffffffffffeULL);
	assert_int_equal(walk_result(WA, EMU_PAGE_SPECIAL, EMU_REQ_NONE, true).rc, -EINVAL);
	assert_int_equal(walk_result(WA, EMU_PAGE_ROVMA, EMU_REQ_WRITE, true).rc, -EFAULT);
	/* UVM: a read in a writable VMA is a write; the page's state word */
	assert_string_equal(backends[11].name, "uvm-575.57.08");
	assert_int_equal(uvm_request(EMU_PAGE_RO, EMU_REQ_READ), EMU_REQ_WRITE);
	assert_int_equal(uvm_request(EMU_PAGE_ROVMA, EMU_REQ_NONE), EMU_REQ_READ);
	x = walk_result(W61, EMU_PAGE_RW, uvm_request(EMU_PAGE_RW, EMU_REQ_READ), true);
	assert_int_equal(dev_word(&backends[11], &x, EMU_PAGE_RW, 0, EMU_REQ_READ, &rc), 0x12345007ULL);
	x = walk_result(W61, EMU_PAGE_DEV_RO, EMU_REQ_WRITE, true);
	assert_int_equal(dev_word(&backends[11], &x, EMU_PAGE_DEV_RO, 0, EMU_REQ_WRITE, &rc), 0x42010ULL);
	/* ODP on v6.16: the MTT entry, and the walk's entry tagged DMA_MAPPED with the order at 53 */
	assert_string_equal(backends[12].name, "odp-v6.16");
	x = walk_result(W616, EMU_PAGE_THP_RW, EMU_REQ_NONE, false);
	assert_int_equal(hmm_word(&backends[12], &x, EMU_PAGE_THP_RW, 1, 0), 0xd120000000200001ULL);
	assert_int_equal(dev_word(&backends[12], &x, EMU_PAGE_THP_RW, 1, EMU_REQ_NONE, &rc), 0x200001003ULL);
	x = walk_result(W616, EMU_PAGE_DEV, EMU_REQ_NONE, false);	/* no device memory: another owner's */
	assert_int_equal(dev_word(&backends[12], &x, EMU_PAGE_DEV, 0, EMU_REQ_NONE, &rc), 0);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_rows),
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
