/*
 * comparisons.c - the comparisons every backend's declaration implies
 * (comparisons.h).
 */
#include "comparisons.h"

#include <stdio.h>
#include <string.h>

int pfn_backend_index(const char *name)
{
	for (int i = 0; name && pfn_backends[i]; i++)
		if (!strcmp(pfn_backends[i]->name, name))
			return i;
	return -1;
}

static bool names(const struct pfn_backend_ops *a, const struct pfn_backend_ops *b)
{
	return a->counterpart && !strcmp(a->counterpart, b->name);
}

static size_t add(struct pfn_comparison *out, size_t n, const struct pfn_backend_ops *conv,
		  const struct pfn_backend_ops *direct, bool want_mutual)
{
	bool mutual;

	if (!conv || !direct || direct->era != PFN_ERA_B || conv->era == PFN_ERA_B || conv->era == PFN_ERA_NONE)
		return n;
	mutual = names(conv, direct) && names(direct, conv);
	if (mutual != want_mutual || n >= PFN_MAX_COMPARISONS)
		return n;
	for (size_t i = 0; i < n; i++)
		if (out[i].conv == conv && out[i].direct == direct)
			return n;
	out[n] = (struct pfn_comparison){ .conv = conv, .direct = direct, .mutual = mutual };
	return n + 1;
}

size_t pfn_comparisons(struct pfn_comparison out[PFN_MAX_COMPARISONS])
{
	size_t n = 0;

	for (int pass = 0; pass < 2; pass++) {
		bool want_mutual = pass == 0;

		for (const struct pfn_backend_ops *const *b = pfn_backends; *b; b++) {
			const struct pfn_backend_ops *cp = pfn_backend_counterpart(*b);

			if ((*b)->era == PFN_ERA_B)
				n = add(out, n, cp, *b, want_mutual);
			else
				n = add(out, n, *b, cp, want_mutual);
		}
	}
	return n;
}

void pfn_comparison_name(const struct pfn_comparison *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", c->conv->name, c->direct->name);
}
