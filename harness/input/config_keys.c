/*
 * config_keys.c - every key of a sweep config, as one table (config.h's
 * struct config_key), and what works from the table alone: `pfnbench
 * list keys`, meta.json's "config" object and freeing a value.  The help of each key is the one sentence that the
 * shipped configs' comments and the README's key table repeat (test_config
 * checks both against this table).
 *
 * Adding a key: one entry here (its place in the list is its place in
 * meta.json and in the shipped configs), its member in struct sweep_config,
 * its comment in the shipped configs and its row in the README (`pfnbench list
 * keys --markdown` prints the row), and its use in the sweep.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

#define AT(member) offsetof(struct sweep_config, member)
#define WORDS(w, nr) .words = w, .nr_words = nr

const struct config_key config_keys[] = {
	{ "sweep", "backends", CONFIG_T_NAMES, AT(backends), AT(nr_backends), .check = CONFIG_CHECK_BACKEND,
	  .help = "the fault paths compared, a list (pfnbench list backends)" },
	{ "sweep", "workloads", CONFIG_T_NAMES, AT(workloads), AT(nr_workloads), .check = CONFIG_CHECK_WORKLOAD,
	  .help = "the CPU-side state of the range before the calls, a list (pfnbench list workloads)" },
	{ "sweep", "npages", CONFIG_T_NUMBERS, AT(npages), AT(nr_npages), 1, CONFIG_NPAGES_MAX,
	  .help = "pages per range, 1 .. 2^24; a list, with ranges A..B (the powers of two), A..B*F and A..B+S" },
	{ "sweep", "batch", CONFIG_T_NUMBERS, AT(batch), AT(nr_batch), 1, CONFIG_NPAGES_MAX, .extra_word = "whole",
	  .dflt = "whole",
	  .help = "pages per harness call, a list; whole = the whole range in one call; a batch larger than a "
		  "case's npages is clamped to npages; each backend splits a call into its driver's windows" },
	{ "sweep", "repetitions", CONFIG_T_UINT, AT(repetitions), 0, 1, 1000000, .dflt = "3",
	  .hint = "give a whole number >= 1",
	  .help = "independent repetitions of every case, 1 .. 1000000, run in rounds: each round runs every "
		  "backend of every case once, the cases in a random order and the backends of a case one after "
		  "the other on one address space (results.csv keeps one row per repetition); with precision, the "
		  "fewest before the target is checked, and a backend whose comparisons settled sits out the "
		  "case's later rounds" },
	{ "sweep", "precision", CONFIG_T_DOUBLE, AT(precision_ns), 0, 0, 1e6, .dflt = "none", .extra_word = "none",
	  .unit = "ns/page", .hint = "ns per page, e.g. 0.05, or none",
	  .help = "the wanted 95% CI half-width, in ns per page, of every paired difference of a case (each "
		  "declared comparison whose two backends ran); rounds go on for the cases that have not reached "
		  "it until max_time, without the backends whose comparisons reached it or are out of reach (after "
		  "12 rounds, or twice repetitions if more, needing over 4 times the rounds max_time allows); none "
		  "= exactly repetitions rounds" },
	{ "sweep", "max_time", CONFIG_T_DOUBLE, AT(max_time_s), 0, 0, 86400, .dflt = "10", .unit = "seconds",
	  .json = "max_time_s",
	  .hint = "seconds, e.g. 10",
	  .help = "with precision: the most seconds one case (every backend and repetition, set-up included) "
		  "may take; a case still short of the target then stops, marked in the report" },
	{ "sweep", "min_time", CONFIG_T_DOUBLE, AT(min_time_s), 0, 0, 3600, .dflt = "0.05", .unit = "seconds",
	  .hint = "seconds, e.g. 0.05", .json = "min_time_s",
	  .help = "minimum seconds of timed iterations per repetition, 0 < seconds <= 3600" },
	{ "sweep", "cache", CONFIG_T_ENUMS, AT(caches), AT(nr_caches), WORDS(config_cache_words, CONFIG_NR_CACHES),
	  .dflt = "warm",
	  .help = "warm, or cold: before every timed iteration a buffer twice the last-level cache is written "
		  "and read (untimed); an iteration of a case that does not fault holds several passes (at least "
		  "4096 pages), and only its first pass starts cold; a list runs both" },
	{ "sweep", "clear_data", CONFIG_T_BOOL, AT(clear_data), .dflt = "yes",
	  .help = "emulated faults clear (or copy, for copy-on-write) a 4 KiB data frame, as "
		  "do_anonymous_page() does" },
	{ "sweep", "placement", CONFIG_T_SPECS, AT(placements), AT(nr_placements), .dflt = CONFIG_PLACEMENT_LOCAL,
	  .help = "where each kind of memory lives: specs separated by spaces, each local or key=node pairs "
		  "joined by commas (keys cpu pt memmap hmm drv data)" },
	{ "sweep", "threads", CONFIG_T_NUMBERS, AT(threads), AT(nr_threads), 1, 1024, .dflt = "1",
	  .help = "workers running the same case at once, each with its own address space, 1 .. 1024; a list" },
	{ "sweep", "counters", CONFIG_T_COUNTERS, AT(counters), .dflt = "all",
	  .help = "all, none, or a list of counter names (pfnbench list counters); counters the machine cannot "
		  "count are recorded as unavailable" },
	{ "sweep", "seed", CONFIG_T_U64, AT(seed), .dflt = "1", .hint = "decimal or 0x hex",
	  .help = "seed of the workload generators (uint64)" },
	{ "sweep", "source", CONFIG_T_ENUMS, AT(sources), AT(nr_sources), WORDS(config_source_words, CONFIG_NR_SOURCES),
	  .dflt = "emulated",
	  .help = "the page table walked: emulated (the user-space emulator) or kernel (the real page table of "
		  "this process); a list runs both" },
	{ "sweep", "stages", CONFIG_T_ENUM, AT(stages), WORDS(config_stages_words, CONFIG_NR_STAGES_MODES),
	  .dflt = "no",
	  .help = "time each stage of the path (pfnbench list stages): no; yes, in the measured passes (their "
		  "ns_per_page then pays the clock reads); or separate, in extra passes after the measured ones "
		  "of each of the first repetitions rounds; needs threads = 1" },
	{ "sweep", "dma", CONFIG_T_BOOL, AT(dma), .dflt = "no",
	  .help = "include the modelled DMA map of every host page (gp100_vmm_pgt_pfn)" },
	{ "sweep", "request", CONFIG_T_ENUM, AT(request), WORDS(config_request_words, CONFIG_NR_REQUESTS),
	  .dflt = "default",
	  .help = "default (the workload's own request), none (a snapshot, no faults), read or write for every "
		  "page" },
	{ "workload", "migrated_share", CONFIG_T_DOUBLE, AT(migrated_share), 0, 0, 1, .dflt = "0.5",
	  .unit = "share", .hint = "a share, 0 < share <= 1",
	  .help = "share of the migrated workload's range already in this device's memory, 0 < share <= 1" },
};
const size_t config_nr_keys = ARRAY_SIZE(config_keys);

const char *config_key_default_text(const struct config_key *k, char *buf, size_t len)
{
	if (k->dflt)
		snprintf(buf, len, "[%s]", k->dflt);
	else
		snprintf(buf, len, "(required)");
	return buf;
}

int config_keys_print(FILE *f, bool markdown)
{
	char d[64];

	if (markdown)
		fprintf(f, "| section | key | default | meaning |\n|---|---|---|---|\n");
	for (size_t i = 0; i < config_nr_keys; i++) {
		const struct config_key *k = &config_keys[i];

		if (markdown)
			fprintf(f, "| `[%s]` | `%s` | %s | %s |\n", k->section, k->name,
				k->dflt ? k->dflt : "required", k->help);
		else
			fprintf(f, "[%s] %s\t%s\t%s\n", k->section, k->name, config_key_default_text(k, d, sizeof(d)),
				k->help);
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- JSON and free, by type -------------------------------------------- */

static json_t *json_words(const int *v, size_t n, const struct config_key *k)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string((unsigned)v[i] < k->nr_words ? k->words[v[i]] : "?"))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *json_names(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *json_numbers(const unsigned long *v, size_t n, const struct config_key *k)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, k->extra_word && v[i] == CONFIG_BATCH_WHOLE
						     ? json_string(k->extra_word)
						     : json_integer((json_int_t)v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *json_counters(unsigned mask)
{
	json_t *a = json_array();

	for (int c = 0; a && c < PC_NR; c++)
		if ((mask & PC_MASK(c)) && json_array_append_new(a, json_string(pfn_counter_info[c].name))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *config_value_json(const struct config_key *k, const struct sweep_config *cfg)
{
	const void *p = (const char *)cfg + k->offset;
	size_t n = config_key_is_list(k) && k->type != CONFIG_T_COUNTERS
			   ? *(const size_t *)((const char *)cfg + k->nr_offset)
			   : 0;
	char seed[32];

	switch (k->type) {
	case CONFIG_T_NAMES:
	case CONFIG_T_SPECS:
		return json_names(*(char *const *const *)p, n);
	case CONFIG_T_NUMBERS:
		return json_numbers(*(const unsigned long *const *)p, n, k);
	case CONFIG_T_UINT:
		return json_integer(*(const unsigned *)p);
	case CONFIG_T_U64:
		/* a uint64 may not fit json_int_t: keep it exact as a string */
		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)*(const uint64_t *)p);
		return json_string(seed);
	case CONFIG_T_DOUBLE:
		if (k->extra_word && *(const double *)p == 0)
			return json_string(k->extra_word);
		return json_real(*(const double *)p);
	case CONFIG_T_BOOL:
		return json_boolean(*(const bool *)p);
	case CONFIG_T_ENUMS:
		return json_words(*(const int *const *)p, n, k);
	case CONFIG_T_ENUM:
		return json_string((unsigned)*(const int *)p < k->nr_words ? k->words[*(const int *)p] : "?");
	case CONFIG_T_COUNTERS:
		return json_counters(*(const unsigned *)p);
	}
	return NULL;
}

void config_value_free(const struct config_key *k, struct sweep_config *cfg)
{
	size_t *nr = config_key_is_list(k) && k->type != CONFIG_T_COUNTERS
			     ? CFG_MEMBER(size_t, cfg, k->nr_offset)
			     : NULL;

	switch (k->type) {
	case CONFIG_T_NAMES:
	case CONFIG_T_SPECS: {
		char **v = *CFG_MEMBER(char **, cfg, k->offset);

		for (size_t i = 0; v && i < *nr; i++)
			free(v[i]);
		free(v);
		break;
	}
	case CONFIG_T_NUMBERS:
	case CONFIG_T_ENUMS:
		free(*CFG_MEMBER(void *, cfg, k->offset));
		break;
	default:
		break;
	}
	if (nr) {
		*CFG_MEMBER(void *, cfg, k->offset) = NULL;
		*nr = 0;
	}
}
