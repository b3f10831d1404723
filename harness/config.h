/*
 * config.h - sweep configuration files: what `pfnbench run` measures.
 *
 * A sweep config is an INI file read with libinih.  config_load() reads the
 * whole file (the text is kept for meta.json and config.conf), parses it,
 * checks every value and the combinations, and fills a struct sweep_config
 * whose lists are sorted and free of duplicates.  Every error names
 * FILE:LINE and says what to do.  Left out on purpose: running the sweep,
 * parsing placement specs beyond their key=int syntax (placement.c does
 * that), knowing the backend and workload tables (the caller passes
 * config_checks so that this module does not depend on the emulator).
 *
 * File syntax
 * -----------
 *   # comment   (a whole line; ';' also works, also after a space at the
 *               end of a line)
 *   [sweep]
 *   key = value
 *       more values     (an indented line continues the previous key's
 *                        list: inih's multi-line values; lines are at most
 *                        CONFIG_MAX_LINE characters)
 *
 * Lists are separated by commas and/or spaces, except placement, whose
 * specs contain commas and are separated by spaces only.
 * Numbers are decimal, 0x hexadecimal or 2^K.  A number list (npages,
 * batch) also takes ranges:
 *   A..B     every power of two p with A <= p <= B
 *   A..B*F   A, A*F, A*F^2, ... up to B (F >= 2)
 *   A..B+S   A, A+S, A+2S, ... up to B (S >= 1)
 * Number lists are sorted ascending and de-duplicated; `whole` in batch
 * (stored as CONFIG_BATCH_WHOLE = 0) sorts last.
 *
 * Keys, [sweep] section (default in brackets; "required" has none)
 * ----------------------
 *   backends     required. list of backend names (pfnbench list backends),
 *                e.g. convert, direct, direct-fixup, null
 *   workloads    required. list of mirror, first-touch, thp, migrated, mixed
 *   npages       required. pages per range (1 .. CONFIG_NPAGES_MAX), list
 *                and ranges
 *   batch        [whole] pages per HMM call; list and ranges; `whole` = the
 *                whole range in one call.  A batch larger than a case's
 *                npages is clamped to npages by the sweep
 *                (config_batch_effective()), which makes it the same case
 *                as `whole`.
 *   repetitions  [3] repetitions of every case, 1 .. 1000000
 *   min_time     [0.05] minimum seconds per repetition, 0 < t <= 3600
 *   cache        [warm] warm | cold, list allowed
 *   clear_data   [yes] yes | no: faults clear (copy for COW) a 4 KiB data
 *                frame, as do_anonymous_page() does
 *   array        [per-call] per-call | kept | both: convert's second array
 *                allocated per call (as nouveau does) or kept for the run;
 *                a list (per-call, kept) is the same as both
 *   placement    [local] list of placement specs separated by spaces; a
 *                spec is `local` or comma-separated key=node pairs with
 *                keys cpu, pt, memmap, hmm, drv, data (each at most once,
 *                node 0 .. 1023), e.g. cpu=0,pt=0,memmap=0,hmm=1,drv=1,data=0
 *   threads      [1] workers, 1 .. 1024, list allowed
 *   counters     [all] all | none | list of instructions cycles llc_misses
 *                dtlb_misses branch_misses page_faults task_clock_ns
 *                context_switches
 *   seed         [1] uint64 seed for workload generators
 *   source       [emulated] emulated | kernel, list allowed
 *   stages       [no] yes | no: time each stage (prepare, walk, alloc,
 *                convert, dma) separately
 *   dma          [no] yes | no: include the modelled DMA map stage
 *   request      [default] default | none | read | write: override the
 *                workload's own fault request for every page
 *
 * Keys, [workload] section (parameters of the workload generators)
 * ------------------------
 *   migrated_share  [0.5] share of the `migrated` range that is
 *                   device-private memory of this device, 0 < share <= 1
 *                   (workloads.c treats 0 as "use the default", so 0 is
 *                   refused here rather than silently becoming 0.5)
 *
 * Errors (-EINVAL, message "FILE:LINE: what (what to do)"): unknown section,
 * unknown key, a key given twice, a bad number, a value out of range, an
 * empty list, an unknown name, an empty file, a missing required key, a line
 * that is not `key = value` or `[section]`, a line longer than
 * CONFIG_MAX_LINE, and these combinations:
 *   - stages = yes with any threads > 1 (stage timers are per thread and
 *     only a single worker's stages add up to its wall time);
 *   - array containing kept when no listed backend has a second array (only
 *     checked when config_checks.backend_has_second_array is set);
 *   - counters naming all or none together with other names;
 *   - more than CONFIG_MAX_CASES cases (config_nr_cases()).
 */
#ifndef PFNBENCH_CONFIG_H
#define PFNBENCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vocab.h"

#define CONFIG_BATCH_WHOLE 0UL
#define CONFIG_NPAGES_MAX (1UL << 24)   /* 64 GiB of emulated range */
#define CONFIG_MAX_LIST 100000          /* values one key may expand to */
#define CONFIG_MAX_CASES 1000000UL
#define CONFIG_MAX_LINE 197             /* inih's 200-byte line buffer less \r\n\0 */
#define CONFIG_MAX_NODE 1023

enum config_cache { CONFIG_CACHE_WARM, CONFIG_CACHE_COLD };
enum config_array { CONFIG_ARRAY_PER_CALL, CONFIG_ARRAY_KEPT };
enum config_source { CONFIG_SOURCE_EMULATED, CONFIG_SOURCE_KERNEL };
enum config_request {
	CONFIG_REQUEST_DEFAULT,  /* what the workload asks for */
	CONFIG_REQUEST_NONE,
	CONFIG_REQUEST_READ,
	CONFIG_REQUEST_WRITE,
};

/* Names of the enums above, as written in config files and JSON. */
const char *config_cache_name(enum config_cache c);
const char *config_array_name(enum config_array a);
const char *config_source_name(enum config_source s);
const char *config_request_name(enum config_request r);

/*
 * What the caller knows and this module does not.  backend_exists and
 * workload_exists are required (config_load() returns -EINVAL without
 * them); backend_has_second_array may be NULL (skips the array=kept check).
 */
struct config_checks {
	bool (*backend_exists)(const char *name);
	bool (*workload_exists)(const char *name);
	bool (*backend_has_second_array)(const char *name);
};

struct sweep_config {
	char *path;                  /* the file as given to config_load() */
	char *text;                  /* the whole file, NUL-terminated */
	size_t text_len;             /* bytes of text without the NUL */

	/* [sweep]: lists in file order (names) or sorted (numbers, enums) */
	char **backends;             /* names, file order, no duplicates */
	size_t nr_backends;
	char **workloads;
	size_t nr_workloads;
	unsigned long *npages;       /* ascending */
	size_t nr_npages;
	unsigned long *batch;        /* ascending, CONFIG_BATCH_WHOLE last */
	size_t nr_batch;
	unsigned repetitions;
	double min_time_s;
	enum config_cache *caches;   /* warm before cold */
	size_t nr_caches;
	bool clear_data;
	enum config_array *arrays;   /* per-call before kept */
	size_t nr_arrays;
	char **placements;           /* specs as written, file order, no duplicates */
	size_t nr_placements;
	unsigned *threads;           /* ascending */
	size_t nr_threads;
	unsigned counters;           /* bits PC_MASK(enum pfn_counter) */
	uint64_t seed;
	enum config_source *sources; /* emulated before kernel */
	size_t nr_sources;
	bool stages;
	bool dma;
	enum config_request request;

	/* [workload] */
	double migrated_share;       /* struct workload_params.migrated_share */
};

/*
 * Read and check PATH.  On success returns 0 and fills *cfg (release it with
 * config_free()).  On error *cfg is left empty (config_free() is safe) and
 * err holds a one-line message:
 *   -EINVAL  "FILE:LINE: message (what to do)" for any bad content, and for
 *            checks without backend_exists/workload_exists ("config_load: ...")
 *   -EISDIR  "FILE: is a directory ..."
 *   -ENOENT, -EACCES, other -errno from open/read: "FILE: cannot read: ..."
 *   -EFBIG   "FILE: larger than 1 MiB ..."
 *   -ENOMEM  "FILE: out of memory"
 */
int config_load(const char *path, const struct config_checks *checks, struct sweep_config *cfg,
		char *err, size_t errlen);
/* Free everything config_load() allocated; leaves *cfg zeroed.  NULL-safe. */
void config_free(struct sweep_config *cfg);

/*
 * A new JSON object with every setting (lists as arrays, batch `whole` as the
 * string "whole", counters as an array of names, seed as a decimal string
 * because a uint64 does not fit JSON's int64), plus "file", "text" (the raw
 * file) and "nr_cases" - meta.json's "config".  Keys are the struct member
 * names except min_time_s, cache, array, placement, source (singular, as in
 * the file).  Returns 0 or -ENOMEM; *out is NULL on error.
 */
int config_to_json(const struct sweep_config *cfg, json_t **out);

/*
 * The number of cases the config expands to, without repetitions: the
 * product of the list lengths backends x workloads x npages x batch x
 * caches x arrays x placements x threads x sources.  Every combination is
 * counted, including batch values the sweep clamps to npages and arrays
 * that make no difference for backends without a second array; the sweep
 * may skip or merge some of them (and says so in meta.json "skipped").
 */
size_t config_nr_cases(const struct sweep_config *cfg);

/* The batch one call of a case uses: npages for whole or batch > npages. */
unsigned long config_batch_effective(unsigned long batch, unsigned long npages);

#endif
