/*
 * backends.c - the one table of backends (perf bench's collections[]).
 * Listed explicitly: a static library drops objects that only register
 * themselves from constructors.  Order: by driver, then version; the
 * harness pairs them by their declarations (driver, era, counterpart).
 */
#include <stddef.h>

#include "backend.h"

extern const struct pfn_backend_ops pfn_backend_nouveau_v56;
extern const struct pfn_backend_ops pfn_backend_nouveau_v57;
extern const struct pfn_backend_ops pfn_backend_nouveau_v58;
extern const struct pfn_backend_ops pfn_backend_nouveau_v61;
extern const struct pfn_backend_ops pfn_backend_promise;
extern const struct pfn_backend_ops pfn_backend_thread2018_without;
extern const struct pfn_backend_ops pfn_backend_thread2018_with;
extern const struct pfn_backend_ops pfn_backend_amdgpu_v57;
extern const struct pfn_backend_ops pfn_backend_amdgpu_v58;
extern const struct pfn_backend_ops pfn_backend_dmirror_v57;
extern const struct pfn_backend_ops pfn_backend_dmirror_v61;
extern const struct pfn_backend_ops pfn_backend_uvm_575;
extern const struct pfn_backend_ops pfn_backend_odp_v616;
extern const struct pfn_backend_ops pfn_backend_null;

const struct pfn_backend_ops *const pfn_backends[] = {
	&pfn_backend_nouveau_v56,
	&pfn_backend_nouveau_v57,
	&pfn_backend_nouveau_v58,
	&pfn_backend_nouveau_v61,
	&pfn_backend_promise,
	&pfn_backend_thread2018_without,
	&pfn_backend_thread2018_with,
	&pfn_backend_amdgpu_v57,
	&pfn_backend_amdgpu_v58,
	&pfn_backend_dmirror_v57,
	&pfn_backend_dmirror_v61,
	&pfn_backend_uvm_575,
	&pfn_backend_odp_v616,
	&pfn_backend_null,
	NULL,
};
