/*
 * backend_priv.h - helpers shared by the backend files; not for the harness.
 */
#ifndef PFNBENCH_BACKEND_PRIV_H
#define PFNBENCH_BACKEND_PRIV_H

#include "backend.h"

/* Per-call range: what each backend keeps between prepare and walk. */
struct pfn_backend_range {
	struct hmm_range range;
	struct hmm_encoding enc;     /* run-time tables (direct backends) */
};

/*
 * Fill range for call c in encoding enc and, for per-page requests, write
 * them into the HMM array (see backend.c).
 */
void pfn_backend_setup_range(struct pfn_backend *b, struct pfn_call *c, struct hmm_range *range,
			     const struct hmm_encoding *enc);

/*
 * The hooks of the backends whose walk writes a driver encoding (direct,
 * direct-fixup): b->priv is a struct pfn_backend_range whose enc the
 * backend's init filled; prepare and walk use it.
 */
void pfn_backend_encoded_fini(struct pfn_backend *b);
int pfn_backend_encoded_prepare(struct pfn_backend *b, struct pfn_call *c);
int pfn_backend_encoded_walk(struct pfn_backend *b, struct pfn_call *c);

#endif
