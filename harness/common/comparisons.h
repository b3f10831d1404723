/*
 * comparisons.h - the era comparisons the analysis makes, from what each
 * backend declares (kernels/backend.h: era, counterpart), never from names.
 *
 * A comparison puts a conversion path (era C, the v5.8+ fixed format the
 * driver converts; or era A, the 2018 thread's two arrays) beside the era-B
 * path that wrote the driver's own words (flags[]/values[]/pfn_shift).
 * Every backend naming a counterpart yields one: an era-B backend with its
 * counterpart as the conversion side, an era-A or era-C backend with its
 * era-B counterpart as the direct side; the same two backends once.
 *
 * Mutual comparisons (each side names the other: nouveau v5.7 and v5.8,
 * amdgpu v5.7 and v5.8, dmirror v5.7 and v6.1, the 2018 thread's with and
 * without) come first, in the table's order of their era-B side: each is a
 * driver's last era-B version against its first conversion version.  The
 * one-sided ones (nouveau v5.6, the 2018 promise, nouveau v6.1, each
 * against its declared counterpart) follow.  The first comparison is the
 * headline: the report's and the gate's "ratio" is conversion / direct of
 * it, which with today's table is nouveau v5.8 against v5.7, the change of
 * 2733ea144dcc.
 */
#ifndef PFNBENCH_COMPARISONS_H
#define PFNBENCH_COMPARISONS_H

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"

struct pfn_comparison {
	const struct pfn_backend_ops *conv;   /* era C (or A): the conversion pass */
	const struct pfn_backend_ops *direct; /* era B: the driver's own words */
	bool mutual;                          /* each names the other */
};

#define PFN_MAX_COMPARISONS 32

/* Every declared comparison, in the order above.  Returns how many. */
size_t pfn_comparisons(struct pfn_comparison out[PFN_MAX_COMPARISONS]);

/* "nouveau-v5.8/nouveau-v5.7": the comparison's name in files and metrics. */
void pfn_comparison_name(const struct pfn_comparison *c, char *buf, size_t len);

/* The table's index of a backend (pfn_backends[]), or -1. */
int pfn_backend_index(const char *name);

#endif
