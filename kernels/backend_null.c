/*
 * backend_null.c - does no fault work (fio's null engine): its time is the
 * harness's own cost per call (timing, the call through the ops struct),
 * to subtract or compare against.  It writes no words.
 */
#include "backend.h"

static void null_meaning(const struct pfn_backend *b, uint64_t word, struct pfn_meaning *m)
{
	(void)b;
	(void)word;
	*m = (struct pfn_meaning){ .kind = PFN_M_NONE, .write = -1 };
}

const struct pfn_backend_ops pfn_backend_null = {
	.name = "null",
	.description = "no fault work: measures the harness itself",
	.driver = "-",
	.kernel = "-",
	.era = PFN_ERA_NONE,
	.window = 0,
	.caps = 0,
	.meaning = null_meaning,
};
