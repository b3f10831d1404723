/*
 * costmodel.c - bytes per page of each fault path, and the streaming
 * bandwidth that turns them into a floor in ns per page.
 *
 * Traffic is counted at 8-byte words and 64-byte lines, per 4 KiB page of
 * the range, for one call of @npages pages handled by the backend in
 * windows of its declared `window` pages (kernels/backend.h; 0: one window
 * of the whole call).  Every load and store of data counts each time it
 * happens (a re-read of a word still in L1 counts again: the bandwidth
 * measured for buffers of the arrays' size is the bandwidth of the cache
 * level they live in).  An ordinary store to a line the path has not read
 * first costs a write-allocate read of that line's bytes as well ("+ wa").
 * Terms, per page:
 *
 *   walk (every backend but null), per window of w pages
 *     page table   pgd + pud once per window (16 B / w), the pmd once per
 *                  min(w, 512) pages, the pte 8 B; thp: no pte, the pmd
 *                  covers 512 pages (8 B / min(w, 512))
 *     hmm entry    the walk reads the request from the entry (8 B; era A
 *                  does not: v4.16 only wrote) and writes the output over
 *                  it (8 B, no wa: just read)
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
 *   the driver's stages: what the backend declares (struct pfn_traffic,
 *     next to the code it describes): the request prepare writes, the
 *     bytes its pass reads and writes, and the struct page lines (64 B
 *     each) the pass reads per valid entry.  A backend that declares none
 *     (dmirror's xarray, UVM's per-page state) is not modelled (-EINVAL).
 *   large maps (PFN_CAP_LARGE_MAPS, nouveau v5.9+, on thp): one walk of
 *     one page, one word and one map cover 512 pages: every per-window
 *     term above, the entry and the driver's stages count once per 512
 *   dma (dma = yes, a backend whose words go to the map: nouveau's; per
 *     valid host page, or per large map: gp100_vmm_pgt_pfn)
 *     word         the device word read (8 B)
 *     GPU PTE      read (is it mapped?) and written (8 + 8 B)
 *     map          IOVA popped from the per-CPU cache (8 B), I/O PTE
 *                  written (8 B + wa 8 B); upper I/O table levels are
 *                  per call and assumed cached (not counted)
 *     unmap        only when the range was mapped by the previous pass
 *                  (no faults: revalidation): IOVA pushed back (8 B + wa
 *                  8 B), old I/O PTE cleared (8 B read + 8 B written)
 *   null (era none)  nothing per page: floor 0
 *
 * Left out: malloc/free metadata of per-call arrays, the hmm_range and
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

#include "backend.h"

#define LINE 64.0
#define WORD 8.0
#define PAGE_BYTES 4096.0
#define PTRS_PER_PMD 512UL

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
	static const char *const workloads[] = { "mirror", "first-touch", "thp" };
	const struct pfn_backend_ops *ops = c && c->backend ? pfn_backend_find(c->backend) : NULL;
	int w = c ? lookup(c->workload, workloads, 3) : -1;
	double n, r = 0, wr = 0, faults, win, per;
	const struct pfn_traffic *t;

	if (!ops || w < 0 || !c->npages || !out)
		return -EINVAL;
	if (ops->era == PFN_ERA_NONE) {
		*out = (struct costmodel_traffic){ 0, 0 };
		return 0;
	}
	t = ops->traffic;
	if (!t)
		return -EINVAL;
	n = (double)c->npages;
	faults = c->faults_per_page >= 0 ? c->faults_per_page : (w == CM_FIRST_TOUCH ? 1.0 : 0.0);
	/* pages per window; a large map covers 512 pages with one walk of one */
	win = ops->window && ops->window < c->npages ? (double)ops->window : n;
	per = 1.0;			/* walked entries per page */
	if (w == CM_THP && (ops->caps & PFN_CAP_LARGE_MAPS)) {
		win = n < PTRS_PER_PMD ? n : (double)PTRS_PER_PMD;
		per = 1.0 / win;
	}
	/* walk: page table */
	r += 2 * WORD / win;                                    /* pgd, pud per window */
	r += WORD / (win < PTRS_PER_PMD ? win : (double)PTRS_PER_PMD); /* pmd */
	if (w != CM_THP)
		r += WORD;                                      /* pte */
	/* walk: the hmm entry, request in (not era A), output out */
	r += (ops->era == PFN_ERA_A ? 0 : WORD) * per;
	wr += WORD * per;
	if (c->kernel_source) {                                 /* pagemap buffer */
		r += (WORD + WORD) * per;                       /* wa + read back */
		wr += WORD * per;
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
	/* the driver's own stages, as the backend declares them */
	r += (t->prepare_r + t->pass_r + t->pass_page_lines * LINE) * per;
	wr += (t->prepare_w + t->pass_w) * per;
	/* DMA map: only for a driver whose words the downstream map takes */
	if (c->dma && t->dma_map) {
		r += (WORD + WORD + WORD + WORD) * per;         /* word, GPU PTE, IOVA pop, I/O PTE wa */
		wr += (WORD + WORD) * per;                      /* GPU PTE, I/O PTE */
		if (faults <= 0) {
			r += (WORD + WORD) * per;               /* IOVA push wa, old I/O PTE */
			wr += (WORD + WORD) * per;
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
