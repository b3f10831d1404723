/*
 * backends.c - the one table of backends (perf bench's collections[]).
 * Listed explicitly: a static library drops objects that only register
 * themselves from constructors.
 */
#include <stddef.h>

#include "backend.h"

extern const struct pfn_backend_ops pfn_backend_convert;
extern const struct pfn_backend_ops pfn_backend_direct;
extern const struct pfn_backend_ops pfn_backend_direct_fixup;
extern const struct pfn_backend_ops pfn_backend_null;

const struct pfn_backend_ops *const pfn_backends[] = {
	&pfn_backend_convert,
	&pfn_backend_direct,
	&pfn_backend_direct_fixup,
	&pfn_backend_null,
	NULL,
};
