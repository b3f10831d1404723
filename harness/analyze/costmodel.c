/*
 * costmodel.c - bytes per page of each fault path, and the streaming
 * bandwidth that turns them into a floor in ns per page.
 *
 * Traffic is counted at 8-byte words and 64-byte lines, per 4 KiB page of
 * the range, for one call of @npages pages.  Every load and store of data
 * counts each time it happens (a re-read of a word still in L1 counts
 * again: the bandwidth measured for buffers of the arrays' size is the
 * bandwidth of the cache level they live in).  An ordinary store to a line
 * the path has not read first costs a write-allocate read of that line's
 * bytes as well (marked "+ wa").  Terms, per page:
 *
 *   walk (every backend but null)
 *     page table   pgd + pud once per call (16 B / npages), the pmd once
 *                  per 512 pages, the pte 8 B; thp: no pte, the pmd covers
 *                  512 pages (8 B / min(npages, 512))
 *     hmm entry    the walk reads the request from the entry (8 B) and
 *                  writes the output over it (8 B, no wa: just read)
 *     pagemap      source = kernel: the kernel writes one 8 B pagemap
 *                  entry per page into the user buffer (8 B + wa 8 B),
 *                  the walk reads it back (8 B); the pte read is the
 *                  kernel's instead of ours (same bytes)
 *   faults (per fault taken: first-touch 1 per page)
 *     struct page  the new page's 64 B line initialised (64 B + wa 64 B)
 *     data frame   cleared: 4096 B written (clear_page streams without
 *                  wa; clear_data = no in the emulator: 0)
 *     pte          written (8 B; its line was read by the walk)
 *     restart      the walk restarts at `last` and reads the request and
 *                  the new pte again (16 B); kernel source: the pagemap
 *                  entry again (8 B + wa 8 B written, 8 B read)
 *   pass
 *     convert      reads the hmm entry (8 B) and struct page (one 64 B
 *                  line) per valid entry, writes the driver word into the
 *                  second array (8 B + wa 8 B: malloc'ed per call)
 *     direct-fixup reads the entry (8 B) and struct page (64 B) per valid
 *                  entry; writes only device-private entries (none in
 *                  the modelled workloads)
 *     direct       no pass
 *   dma (dma = yes, per valid host page: gp100_vmm_pgt_pfn)
 *     word         the device word read (8 B)
 *     GPU PTE      read (is it mapped?) and written (8 + 8 B)
 *     map          IOVA popped from the per-CPU cache (8 B), I/O PTE
 *                  written (8 B + wa 8 B); upper I/O table levels are
 *                  per call and assumed cached (not counted)
 *     unmap        only when the range was mapped by the previous pass
 *                  (no faults: revalidation): IOVA pushed back (8 B + wa
 *                  8 B), old I/O PTE cleared (8 B read + 8 B written)
 *   null           nothing per page: floor 0
 *
 * Left out: malloc/free metadata of the second array, the hmm_range and
 * other per-call structures, struct vm_area_struct, instruction fetch,
 * TLB walks.  Every page of mirror, first-touch (after its fault) and thp
 * is a valid host page.
 */
#include "costmodel.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE 64.0
#define WORD 8.0
#define PAGE_BYTES 4096.0
#define PTRS_PER_PMD 512UL

enum cm_backend { CM_CONVERT, CM_DIRECT, CM_FIXUP, CM_NULL };
enum cm_workload { CM_MIRROR, CM_FIRST_TOUCH, CM_THP };

static int lookup(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int costmodel_traffic_per_page(const struct costmodel_case *c, struct costmodel_traffic *out)
{
	static const char *const backends[] = { "convert", "direct", "direct-fixup", "null" };
	static const char *const workloads[] = { "mirror", "first-touch", "thp" };
	int b = lookup(c->backend, backends, 4), w = lookup(c->workload, workloads, 3);
	double n = (double)c->npages, r = 0, wr = 0, faults;

	if (b < 0 || w < 0 || !c->npages || !out)
		return -EINVAL;
	faults = c->faults_per_page >= 0 ? c->faults_per_page : (w == CM_FIRST_TOUCH ? 1.0 : 0.0);
	if (b == CM_NULL) {
		*out = (struct costmodel_traffic){ 0, 0 };
		return 0;
	}
	/* walk: page table */
	r += 2 * WORD / n;                                      /* pgd, pud per call */
	if (w == CM_THP) {
		r += WORD / (double)(c->npages < PTRS_PER_PMD ? c->npages : PTRS_PER_PMD);
	} else {
		r += WORD * (double)((c->npages + PTRS_PER_PMD - 1) / PTRS_PER_PMD) / n;
		r += WORD;                                      /* pte */
	}
	/* walk: the hmm entry, request in, output out */
	r += WORD;
	wr += WORD;
	if (c->kernel_source) {                                 /* pagemap buffer */
		r += WORD + WORD;                               /* wa + read back */
		wr += WORD;
	}
	/* faults */
	if (faults > 0) {
		double fr = LINE + 2 * WORD, fw = LINE + WORD;  /* struct page, restart; struct page, pte */

		if (!c->no_clear || c->kernel_source)
			fw += PAGE_BYTES;
		if (c->kernel_source) {
			fr += 2 * WORD;
			fw += WORD;
		}
		r += faults * fr;
		wr += faults * fw;
	}
	/* the pass */
	if (b == CM_CONVERT) {
		r += WORD + LINE + WORD;                        /* entry, struct page, wa */
		wr += WORD;
	} else if (b == CM_FIXUP) {
		r += WORD + LINE;
	}
	/* DMA map */
	if (c->dma) {
		r += WORD + WORD + WORD + WORD;                 /* word, GPU PTE, IOVA pop, I/O PTE wa */
		wr += WORD + WORD;                              /* GPU PTE, I/O PTE */
		if (faults <= 0) {
			r += WORD + WORD;                       /* IOVA push wa, old I/O PTE */
			wr += WORD + WORD;
		}
	}
	out->read_bytes = r;
	out->write_bytes = wr;
	return 0;
}

double costmodel_floor_case(const struct costmodel_case *c, double bytes_per_s)
{
	struct costmodel_traffic t;

	if (!(bytes_per_s > 0) || costmodel_traffic_per_page(c, &t))
		return NAN;
	return (t.read_bytes + t.write_bytes) / bytes_per_s * 1e9;
}

double costmodel_floor_ns_per_page(const char *backend, const char *workload, unsigned long npages,
				   double bytes_per_s)
{
	struct costmodel_case c = {
		.backend = backend, .workload = workload, .npages = npages, .faults_per_page = -1,
	};

	return costmodel_floor_case(&c, bytes_per_s);
}
