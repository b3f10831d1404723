/*
 * backend_null.c - does no fault work (fio's null engine): its time is the
 * harness's own cost per call (timing, the call through the ops struct),
 * to subtract or compare against.  Its device words are the untouched
 * array and mean nothing.
 */
#include "backend.h"

const struct pfn_backend_ops pfn_backend_null = {
	.name = "null",
	.description = "no fault work: measures the harness itself",
	.caps = 0,
};
