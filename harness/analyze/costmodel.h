/*
 * costmodel.h - the memory floor under each backend's curve: the bytes a
 * fault path must read and write per page, divided by the bandwidth this
 * machine measured in the same run.
 *
 * The bandwidth comes from meta.json's "bandwidth", which the sweep
 * measured in the same run (bandwidth.h).
 *
 * The model counts only data the path cannot avoid touching (page-table
 * entries, the HMM array, struct page, the driver's array, fault and DMA
 * structures), one cache line per struct page, and write-allocate reads
 * (a store to a line not in the cache reads the line first) for ordinary
 * stores.  Instructions, branch misses, TLB misses, locks and the
 * allocator's metadata are left out, so the floor is what the memory
 * system allows, not a prediction: measured / floor near 1 means the path
 * is limited by memory traffic, far above 1 means by instructions (or
 * latency the model does not count).  costmodel.c documents every term.
 *
 * Workloads modelled: mirror, first-touch, thp.  migrated and mixed depend
 * on the share of each page state and are not modelled (-EINVAL / NAN).
 */
#ifndef PFNBENCH_COSTMODEL_H
#define PFNBENCH_COSTMODEL_H

#include <stdbool.h>
#include <stddef.h>


/* One case as the model sees it. */
struct costmodel_case {
	const char *backend;     /* a backend's name (its declared traffic, kernels/backend.h) */
	const char *workload;    /* mirror, first-touch, thp */
	unsigned long npages;    /* pages per call (the batch) */
	bool kernel_source;      /* walk reads /proc/self/pagemap (source = kernel) */
	bool dma;                /* the DMA-map stage is in the timed path (dma = yes) */
	bool no_clear;           /* emulated faults do not clear a data frame (clear_data = no) */
	double faults_per_page;  /* < 0: the workload's own (first-touch 1, else 0) */
};

/* Bytes per page, read (including write-allocate reads) and written. */
struct costmodel_traffic {
	double read_bytes;
	double write_bytes;
};

/*
 * Bytes per page the case must move.  Returns 0, or -EINVAL for an
 * unknown backend or workload, a backend that declares no traffic
 * (dmirror, UVM), a workload the model leaves out (migrated, mixed) or
 * npages 0.
 */
int costmodel_traffic_per_page(const struct costmodel_case *c, struct costmodel_traffic *out);

/*
 * Floor of case @c in ns per page: (read + write bytes) / @bytes_per_s.
 * Returns NAN when costmodel_traffic_per_page() fails or @bytes_per_s is
 * not > 0.  null moves no bytes per page: its floor is 0.
 */
double costmodel_floor_case(const struct costmodel_case *c, double bytes_per_s);

/*
 * The same for the emulated source, without the DMA stage, faults clearing
 * their frame, the workload's own faults.  NAN as above.
 */
double costmodel_floor_ns_per_page(const char *backend, const char *workload, unsigned long npages,
				   double bytes_per_s);

#endif
