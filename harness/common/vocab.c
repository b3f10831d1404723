/*
 * vocab.c - the counter and stage lists of vocab.h as data.
 */
#include <string.h>

#include "vocab.h"

#define COUNTER_INFO(ID, name, label, alias, group, lead, figure, type, config)                          \
	[PC_##ID] = { #name, PFN_COUNTER_COLUMN(name), label, alias, PC_GROUP_##group, lead, figure },
const struct pfn_counter_info pfn_counter_info[PC_NR] = { PFN_COUNTERS(COUNTER_INFO) };
#undef COUNTER_INFO

#define STAGE_INFO(ID, name, short_label, figure_label, conversion)                                      \
	[PFN_STAGE_##ID] = { #name, PFN_STAGE_COLUMN(name), short_label, figure_label, conversion },
const struct pfn_stage_info pfn_stage_info[PFN_STAGE_NR] = { PFN_STAGES(STAGE_INFO) };
#undef STAGE_INFO

/*
 * The list names every stage of the kernel model, no more, no fewer, in the
 * enum's order (results.csv's stage columns are in list order and indexed
 * by enum pfn_stage).
 */
#define STAGE_POS(ID, name, short_label, figure_label, conversion) VOCAB_POS_##ID,
enum { PFN_STAGES(STAGE_POS) VOCAB_POS_NR };
#undef STAGE_POS
#define STAGE_CHECK(ID, name, short_label, figure_label, conversion)                                    \
	_Static_assert((int)VOCAB_POS_##ID == (int)PFN_STAGE_##ID, "PFN_STAGES(): " #ID " out of order");
PFN_STAGES(STAGE_CHECK)
#undef STAGE_CHECK
_Static_assert((int)VOCAB_POS_NR == (int)PFN_STAGE_NR, "PFN_STAGES() must list every enum pfn_stage");

int pfn_counter_find(const char *name, bool aliases)
{
	for (int c = 0; name && c < PC_NR; c++)
		if (!strcmp(pfn_counter_info[c].name, name) ||
		    (aliases && pfn_counter_info[c].alias && !strcmp(pfn_counter_info[c].alias, name)))
			return c;
	return -1;
}

unsigned pfn_counter_group_mask(enum pfn_counter_group g)
{
	unsigned mask = 0;

	for (int c = 0; c < PC_NR; c++)
		if (pfn_counter_info[c].group == g)
			mask |= PC_MASK(c);
	return mask;
}

const char *const config_cache_words[CONFIG_NR_CACHES] = { "warm", "cold" };
const char *const config_source_words[CONFIG_NR_SOURCES] = { "emulated", "kernel" };
const char *const config_request_words[CONFIG_NR_REQUESTS] = { "default", "none", "read", "write" };
const char *const config_stages_words[CONFIG_NR_STAGES_MODES] = { "no", "yes", "separate" };

const char *config_cache_name(enum config_cache c)
{
	return (unsigned)c < CONFIG_NR_CACHES ? config_cache_words[c] : "?";
}

const char *config_source_name(enum config_source s)
{
	return (unsigned)s < CONFIG_NR_SOURCES ? config_source_words[s] : "?";
}

const char *config_request_name(enum config_request r)
{
	return (unsigned)r < CONFIG_NR_REQUESTS ? config_request_words[r] : "?";
}

