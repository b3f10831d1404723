/*
 * test_uvm.c - the NVIDIA UVM backend (kernels/backend_uvm_575.c): what
 * hmm_make_resident_cpu() and populate_region() of driver 575.57.08 do,
 * checked through the words (the va_block's state read back from its
 * masks: pfn << 12 | 0x4 resident | 0x1 READ | 0x2 WRITE; GPU-resident:
 * vram << 12 | 0x10), the HMM words the walk wrote, the allocations made
 * in calls, and the IOMMU's counters:
 *
 *  - the request pass: REQ_FAULT | REQ_WRITE for every page of a writable
 *    VMA, the access type's otherwise; a write in a read-only VMA fails;
 *  - first population (a chunk per page, chunk storage, GPU state, a DMA
 *    map per page) against steady state (no allocation, no map);
 *  - the service region: within one 2 MiB va_block and one VMA;
 *  - device-private pages of this GPU: GPU chunks, never faulted;
 *  - the MMU notifier: a rebuilt address space drops the state (and the
 *    DMA maps); UVM's own migrations are ignored; a lost log drops all.
 *
 * Expected values are written out.
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
#include "hmm.h"
#include "iommu.h"
#include "mm.h"

#define BASE 0x7f0000000000UL /* 2 MiB aligned */
#define D(s, a) ((struct emu_page_desc){ .state = (s), .req = EMU_REQ_DEFAULT, .arg = (a) })
#define NAME "uvm-575.57.08"

static struct emu_mm *mm_make(const struct emu_page_desc *pages, unsigned long n, unsigned long base)
{
	struct emu_mm_params mp = { .pfn_limit = 0x11000000UL };
	struct emu_mm *mm;

	assert_int_equal(emu_mm_create(&mp, &mm), 0);
	assert_int_equal(emu_mm_populate(mm, base, pages, n, NULL), 0);
	return mm;
}

static struct pfn_backend *uvm_make(struct emu_mm *mm, unsigned long max_npages, struct emu_iommu *io)
{
	struct pfn_backend_params bp = { .mm = mm, .max_npages = max_npages, .iommu = io, .iommu_base = BASE };
	struct pfn_backend *b;

	assert_int_equal(pfn_backend_create(pfn_backend_find(NAME), &bp, &b), 0);
	return b;
}

static unsigned long last_nr_walks;

static int call(struct pfn_backend *b, unsigned long start, unsigned long n, enum emu_req req, const uint8_t *page_req,
		uint64_t *words, uint64_t *hmm, unsigned long *nr_windows)
{
	struct pfn_call c = { .start = start, .npages = n, .default_req = req, .page_req = page_req, .words_out = words,
			      .hmm_out = hmm };
	int rc = pfn_backend_range_fault(b, &c);

	if (nr_windows)
		*nr_windows = c.nr_windows;
	last_nr_walks = c.nr_walks;
	return rc;
}

static void test_declarations(void **state)
{
	(void)state;
	const struct pfn_backend_ops *ops = pfn_backend_find(NAME);

	assert_non_null(ops);
	assert_int_equal(ops->era, PFN_ERA_C);
	assert_null(ops->counterpart);
	assert_null(pfn_backend_counterpart(ops));
	assert_int_equal(ops->window, 512);
	assert_string_equal(ops->driver, "nvidia-uvm");
	assert_true(ops->caps & PFN_CAP_PAGE_REQ);
	assert_false(ops->caps & PFN_CAP_SNAPSHOT);
	assert_false(ops->caps & PFN_CAP_HYPOTHETICAL);
	assert_non_null(ops->mmu_notify);
}

/*
 * 16 rw pages, a read: UVM asks REQ_FAULT | REQ_WRITE of each (VM_WRITE),
 * nothing needs a fault; every page gets a chunk.  Allocations: the block
 * (block, node_state array, node state: 3), the GPU state (2), the mixed
 * storage (1), one 16-chunk array, 16 chunks.  A second call allocates and
 * maps nothing: the allocated bits are set.
 */
static void test_populate_then_steady(void **state)
{
	(void)state;
	struct emu_page_desc d[16];
	uint64_t words[16], hmm[16];
	struct emu_mm *mm;
	struct emu_iommu *io;
	struct pfn_backend *b;

	for (int i = 0; i < 16; i++)
		d[i] = D(EMU_PAGE_RW, 0x5000 + i);
	mm = mm_make(d, 16, BASE);
	assert_int_equal(emu_iommu_create(NULL, 16, &io), 0);
	b = uvm_make(mm, 16, io);
	assert_int_equal(call(b, BASE, 16, EMU_REQ_READ, NULL, words, hmm, NULL), 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(words[i], ((0x5000ULL + i) << 12) | 0x7);
		assert_int_equal(hmm[i], (0x5000ULL + i) | HMM_PFN_VALID | HMM_PFN_WRITE);
	}
	assert_int_equal(b->stats.nr_allocations, 3 + 2 + 1 + 1 + 16);
	assert_int_equal(io->stats.maps, 16);		/* uvm_cpu_chunk_map_gpu() per new page */
	assert_int_equal(emu_iommu_iova_to_phys(io, EMU_IOVA_TOP - PAGE_SIZE), 0x5000ULL << 12);
	assert_int_equal(mm->stats.faults, 0);

	assert_int_equal(call(b, BASE, 16, EMU_REQ_WRITE, NULL, words, hmm, NULL), 0);
	assert_int_equal(words[9], (0x5009ULL << 12) | 0x7);
	assert_int_equal(b->stats.nr_allocations, 23);
	assert_int_equal(io->stats.maps, 16);
	pfn_backend_destroy(b);
	assert_int_equal(io->stats.unmaps, 16);	/* the chunks go with the va_space */
	emu_iommu_destroy(io);
	emu_mm_destroy(mm);
}

/*
 * The request pass.  In a writable VMA a read becomes a write fault: none
 * gets a new writable page (not the zero page), ro and zero are copied.
 * In a read-only VMA (rovma) a read stays a read, a write is -EPERM.
 */
static void test_request_pass(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_NONE, 0), D(EMU_PAGE_RO, 0x5001), D(EMU_PAGE_ZERO, 0) };
	struct emu_page_desc r[] = { D(EMU_PAGE_ROVMA, 0x6000), D(EMU_PAGE_ROVMA, 0x6001) };
	const uint8_t reads[3] = { EMU_REQ_READ, EMU_REQ_NONE, EMU_REQ_READ };
	uint64_t words[3], hmm[3];
	struct emu_mm *mm = mm_make(d, 3, BASE);
	struct pfn_backend *b = uvm_make(mm, 3, NULL);

	assert_int_equal(call(b, BASE, 3, EMU_REQ_NONE, reads, words, hmm, NULL), 0);
	assert_int_equal(mm->stats.faults, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(words[i], ((EMU_FRAME_FIRST + i) << 12) | 0x7);
		assert_int_equal(hmm[i], (EMU_FRAME_FIRST + i) | HMM_PFN_VALID | HMM_PFN_WRITE);
	}
	/* no request and no page requests: UVM has no snapshot here */
	assert_int_equal(call(b, BASE, 3, EMU_REQ_NONE, NULL, words, hmm, NULL), -ENOTSUP);
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);

	/*
	 * The zero page in a VMA without VM_WRITE (an untouched private page
	 * after mprotect(PROT_READ)): a read is not copied, and
	 * hmm_va_block_cpu_page_populate() refuses ZERO_PAGE():
	 * NV_ERR_INVALID_ADDRESS.
	 */
	mm = mm_make(d + 2, 1, BASE);
	mm->vmas[0].vm_flags = VM_READ;
	b = uvm_make(mm, 1, NULL);
	assert_int_equal(call(b, BASE, 1, EMU_REQ_READ, NULL, words, hmm, NULL), -EFAULT);
	assert_int_equal(hmm[0], EMU_ZERO_PFN | HMM_PFN_VALID);
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);

	mm = mm_make(r, 2, BASE);
	b = uvm_make(mm, 2, NULL);
	const uint8_t rw[2] = { EMU_REQ_READ, EMU_REQ_WRITE };
	const uint8_t rn[2] = { EMU_REQ_READ, EMU_REQ_NONE };
	assert_int_equal(call(b, BASE, 2, EMU_REQ_NONE, rw, words, hmm, NULL), -EPERM);
	assert_int_equal(call(b, BASE, 2, EMU_REQ_NONE, rn, words, hmm, NULL), 0);
	assert_int_equal(words[0], (0x6000ULL << 12) | 0x5);	/* READ, not WRITE */
	assert_int_equal(words[1], (0x6001ULL << 12) | 0x5);
	assert_int_equal(hmm[1], 0x6001ULL | HMM_PFN_VALID);
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);
}

/* The service region: one 2 MiB va_block and one VMA per hmm_range_fault(). */
static void test_regions(void **state)
{
	(void)state;
	const unsigned long n = 600;
	struct emu_page_desc *d = calloc(n, sizeof(*d));
	uint64_t *words = calloc(n, sizeof(*words));
	unsigned long nr_windows;
	struct emu_mm *mm;
	struct pfn_backend *b;

	assert_non_null(d);
	assert_non_null(words);
	for (unsigned long i = 0; i < n; i++)
		d[i] = D(EMU_PAGE_RW, 0x8000 + i);
	/* from the block start: 512 + 88 */
	mm = mm_make(d, n, BASE);
	b = uvm_make(mm, n, NULL);
	assert_int_equal(call(b, BASE, n, EMU_REQ_READ, NULL, words, NULL, &nr_windows), 0);
	assert_int_equal(nr_windows, 2);
	assert_int_equal(b->stats.windows, 2);
	assert_int_equal(words[599], ((0x8000ULL + 599) << 12) | 0x7);
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);

	/* 8 pages before a block boundary: 8 + 512 + 80 */
	mm = mm_make(d, n, BASE + PMD_SIZE - 8 * PAGE_SIZE);
	b = uvm_make(mm, n, NULL);
	assert_int_equal(call(b, BASE + PMD_SIZE - 8 * PAGE_SIZE, n, EMU_REQ_READ, NULL, words, NULL, &nr_windows), 0);
	assert_int_equal(nr_windows, 3);
	assert_int_equal(words[7], ((0x8000ULL + 7) << 12) | 0x7);
	assert_int_equal(words[8], ((0x8000ULL + 8) << 12) | 0x7);
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);

	/* a VMA boundary inside a block: rw | rovma, two regions in the same block */
	d[4] = D(EMU_PAGE_ROVMA, 0x9000);
	d[5] = D(EMU_PAGE_ROVMA, 0x9001);
	mm = mm_make(d, 6, BASE);
	b = uvm_make(mm, 6, NULL);
	assert_int_equal(call(b, BASE, 6, EMU_REQ_READ, NULL, words, NULL, &nr_windows), 0);
	assert_int_equal(nr_windows, 2);
	assert_int_equal(words[3], ((0x8003ULL) << 12) | 0x7);
	assert_int_equal(words[4], ((0x9000ULL) << 12) | 0x5);
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);

	/* VMAs UVM refuses (uvm_hmm_vma_is_valid()): a fatal fault, -EFAULT */
	static const int bad[] = { EMU_PAGE_PFNMAP, EMU_PAGE_NOREAD, EMU_PAGE_NOVMA };
	for (int k = 0; k < 3; k++) {
		d[0] = D(EMU_PAGE_RW, 0x8000);
		d[1] = D(bad[k], 0);
		mm = mm_make(d, 2, BASE);
		b = uvm_make(mm, 2, NULL);
		assert_int_equal(call(b, BASE, 2, EMU_REQ_READ, NULL, words, NULL, &nr_windows), -EFAULT);
		assert_int_equal(nr_windows, 2);	/* the first region went through */
		assert_int_equal(last_nr_walks, 1);	/* the second was refused before its walk */
		assert_int_equal(mm->stats.faults, 0);
		pfn_backend_destroy(b);
		emu_mm_destroy(mm);
	}
	free(d);
	free(words);
}

/* Device-private pages of this GPU: reported by the walk, a GPU chunk each, never faulted. */
static void test_device_pages(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_DEV, 0x42), D(EMU_PAGE_DEV_RO, 0x43), D(EMU_PAGE_DEV_OTHER, 0x44),
				     D(EMU_PAGE_RW, 0x5000) };
	uint64_t words[4], hmm[4];
	struct emu_mm *mm = mm_make(d, 4, BASE);
	struct pfn_backend *b = uvm_make(mm, 4, NULL);
	uint64_t allocs;

	assert_int_equal(call(b, BASE, 4, EMU_REQ_WRITE, NULL, words, hmm, NULL), 0);
	assert_int_equal(words[0], (0x42ULL << 12) | 0x10);
	assert_int_equal(words[1], (0x43ULL << 12) | 0x10);	/* read-only entry, write asked: not faulted */
	assert_int_equal(hmm[1], (EMU_DEV_PFN_FIRST + 0x43) | HMM_PFN_VALID);
	/* another GPU's page is migrated back (6.1): a new system page */
	assert_int_equal(words[2], (EMU_FRAME_FIRST << 12) | 0x7);
	assert_int_equal(words[3], (0x5000ULL << 12) | 0x7);
	allocs = b->stats.nr_allocations;
	assert_int_equal(call(b, BASE, 4, EMU_REQ_WRITE, NULL, words, hmm, NULL), 0);
	assert_int_equal(b->stats.nr_allocations, allocs);
	assert_int_equal(words[0], (0x42ULL << 12) | 0x10);
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);
}

/*
 * The MMU notifier.  A rebuilt address space (munmap + mmap: UNMAP over
 * everything) drops UVM's chunks and their DMA maps: the next call
 * repopulates, and sees the new pfn where a stale chunk would say the old
 * one.  pfn_backend_mmu_notify() does it outside a call.  A copy-on-write
 * during the walk replaces the copied page's chunk.  UVM's own migrations
 * are ignored; a log overrun drops everything.
 */
static void test_notifier(void **state)
{
	(void)state;
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_RW, 0x5001) };
	struct emu_page_desc d2[] = { D(EMU_PAGE_RW, 0x7000), D(EMU_PAGE_RO, 0x7001) };
	uint64_t words[2];
	struct emu_mm *mm = mm_make(d, 2, BASE);
	struct emu_iommu *io;
	struct pfn_backend *b;
	uint64_t allocs;

	assert_int_equal(emu_iommu_create(NULL, 2, &io), 0);
	b = uvm_make(mm, 2, io);
	assert_int_equal(call(b, BASE, 2, EMU_REQ_READ, NULL, words, NULL, NULL), 0);
	assert_int_equal(words[1], (0x5001ULL << 12) | 0x7);
	allocs = b->stats.nr_allocations;
	assert_int_equal(io->stats.maps, 2);

	/* UVM's own migration: ignored */
	emu_mmu_notify(mm, BASE, BASE + 2 * PAGE_SIZE, EMU_MMU_NOTIFY_MIGRATE, emu_mm_owner(mm));
	pfn_backend_mmu_notify(b);
	assert_int_equal(io->stats.unmaps, 0);
	/* a CLEAR on page 0 only: its chunk goes */
	emu_mmu_notify(mm, BASE, BASE + PAGE_SIZE, EMU_MMU_NOTIFY_CLEAR, NULL);
	pfn_backend_mmu_notify(b);
	assert_int_equal(io->stats.unmaps, 1);
	assert_int_equal(call(b, BASE, 2, EMU_REQ_READ, NULL, words, NULL, NULL), 0);
	assert_int_equal(b->stats.nr_allocations, allocs + 1);	/* one chunk again */
	assert_int_equal(io->stats.maps, 3);

	/* munmap + mmap with other pages: the teardown drops both chunks, untimed */
	assert_int_equal(emu_mm_populate(mm, BASE, d2, 2, NULL), 0);
	pfn_backend_mmu_notify(b);
	assert_int_equal(io->stats.unmaps, 3);
	/* page 1 is ro in a writable VMA: the write fault copies it (CLEAR during the walk) */
	assert_int_equal(call(b, BASE, 2, EMU_REQ_READ, NULL, words, NULL, NULL), 0);
	assert_int_equal(words[0], (0x7000ULL << 12) | 0x7);
	assert_int_equal(words[1], (EMU_FRAME_FIRST << 12) | 0x7);
	allocs = b->stats.nr_allocations;
	assert_int_equal(call(b, BASE, 2, EMU_REQ_READ, NULL, words, NULL, NULL), 0);
	assert_int_equal(b->stats.nr_allocations, allocs);

	/* more events than the log holds: everything is dropped */
	for (int i = 0; i < EMU_MMU_NOTIFY_LOG + 1; i++)
		emu_mmu_notify(mm, 0x1000000UL, 0x1001000UL, EMU_MMU_NOTIFY_CLEAR, NULL);
	assert_int_equal(call(b, BASE, 2, EMU_REQ_READ, NULL, words, NULL, NULL), 0);
	/* two chunks, and the chunk storage and 16-chunk array freed with the last chunk */
	assert_int_equal(b->stats.nr_allocations, allocs + 4);
	assert_int_equal(words[1], (EMU_FRAME_FIRST << 12) | 0x7);
	pfn_backend_destroy(b);
	emu_iommu_destroy(io);
	emu_mm_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declarations),
		cmocka_unit_test(test_populate_then_steady),
		cmocka_unit_test(test_request_pass),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_device_pages),
		cmocka_unit_test(test_notifier),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
