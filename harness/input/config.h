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
 * Keys
 * ----
 * Every key is one entry of config_keys[] (config_keys.c): section, name,
 * type, the member of struct sweep_config it fills, range, default, the
 * words it takes and one line of help.  One generic parser, default filler,
 * JSON writer and free work from that table; `pfnbench list keys` prints
 * it, and test_config.c checks the shipped configs' comments and the
 * README's key table against it.  Adding a key is one table entry and its
 * member below (plus its use in the sweep).
 *
 * Errors (-EINVAL, message "FILE:LINE: what (what to do)"): unknown section,
 * unknown key, a key given twice, a bad number, a value out of range, an
 * empty list, an unknown name, an empty file, a missing required key, a line
 * that is not `key = value` or `[section]`, a line longer than
 * CONFIG_MAX_LINE, and these combinations:
 *   - stages = yes with any threads > 1 (stage timers are per thread and
 *     only a single worker's stages add up to its wall time);
 *   - counters naming all or none together with other names;
 *   - source = kernel with a workload that has no real-kernel shape (only
 *     checked when config_checks.workload_kernel_declared is set; a
 *     workload this source skips on purpose, such as migrated, passes);
 *   - more than CONFIG_MAX_CASES cases (config_nr_cases()).
 */
#ifndef PFNBENCH_CONFIG_H
#define PFNBENCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "vocab.h"

#define CONFIG_BATCH_WHOLE 0UL
#define CONFIG_NPAGES_MAX (1UL << 24)   /* 64 GiB of emulated range */
#define CONFIG_MAX_LIST 100000          /* values one key may expand to */
#define CONFIG_MAX_CASES 1000000UL
#define CONFIG_MAX_LINE 197             /* inih's 200-byte line buffer less \r\n\0 */
#define CONFIG_MAX_NODE 1023

/* The words of cache, source and request (enum config_cache, ...): vocab.h. */

/*
 * What the caller knows and this module does not.  backend_exists and
 * workload_exists are required (config_load() returns -EINVAL without
 * them);
 * and so may workload_kernel_declared (skips the source=kernel check).
 * workload_kernel_declared says whether the real-kernel source knows the
 * workload: it has a shape for it, or a reason why a process cannot have
 * it (then its cases are skipped with that reason, as cases needing a
 * missing NUMA node are); a workload it does not know is refused here.
 */
struct config_checks {
	bool (*backend_exists)(const char *name);
	bool (*workload_exists)(const char *name);
	bool (*workload_kernel_declared)(const char *name);
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
	unsigned repetitions;         /* with precision: the fewest */
	double precision_ns;          /* wanted 95% CI half-width, ns/page; 0 = none */
	double max_time_s;            /* per case, while it works towards precision */
	double min_time_s;
	enum config_cache *caches;   /* warm before cold */
	size_t nr_caches;
	bool clear_data;
	char **placements;           /* specs as written, file order, no duplicates */
	size_t nr_placements;
	unsigned long *threads;      /* ascending */
	size_t nr_threads;
	unsigned counters;           /* bits PC_MASK(enum pfn_counter) */
	uint64_t seed;
	enum config_source *sources; /* emulated before kernel */
	size_t nr_sources;
	enum config_stages stages;
	bool dma;
	enum config_request request;

	/* [workload] */
	double migrated_share;       /* struct workload_params.migrated_share */
};

/* ---- the key table ---------------------------------------------------- */

/* How a key's value is written and stored. */
enum config_type {
	CONFIG_T_NAMES,    /* list of names a config_checks hook knows: char **, file order, unique */
	CONFIG_T_SPECS,    /* placement specs separated by blanks only: char **, syntax checked */
	CONFIG_T_NUMBERS,  /* numbers and ranges in [min, max]: unsigned long *, sorted, unique */
	CONFIG_T_UINT,     /* one whole number in [min, max]: unsigned */
	CONFIG_T_U64,      /* one 64-bit number: uint64_t */
	CONFIG_T_DOUBLE,   /* one number in (min, max]: double */
	CONFIG_T_BOOL,     /* yes | no (true | false, 1 | 0): bool */
	CONFIG_T_ENUMS,    /* list of words: int-sized enum *, in the words' order */
	CONFIG_T_ENUM,     /* one word: int-sized enum */
	CONFIG_T_COUNTERS, /* all | none | counter names (vocab.h): unsigned, bits PC_MASK() */
};

/* Which config_checks hook checks a CONFIG_T_NAMES list. */
enum config_check { CONFIG_CHECK_NONE, CONFIG_CHECK_BACKEND, CONFIG_CHECK_WORKLOAD };

/* One key of a config file. */
struct config_key {
	const char *section;         /* "sweep" or "workload" */
	const char *name;
	enum config_type type;
	size_t offset;               /* offsetof(struct sweep_config, member) */
	size_t nr_offset;            /* lists: offsetof the member counting them */
	double min, max;             /* NUMBERS, UINT: [min, max]; DOUBLE: (min, max] */
	const char *const *words;    /* ENUM, ENUMS: the words, indexed by the enum */
	size_t nr_words;
	const char *extra_word;      /* DOUBLE: means 0 ("none"); ENUMS: means every word ("both"); NUMBERS:
					means CONFIG_BATCH_WHOLE, sorted last ("whole") */
	enum config_check check;     /* NAMES: the hook */
	const char *dflt;            /* the default as written in a file; NULL: required */
	const char *unit;            /* DOUBLE: the value's name in range messages */
	const char *hint;            /* UINT, U64, DOUBLE: what a bad value's message suggests */
	const char *json;            /* its name in meta.json when not name (min_time_s) */
	const char *help;            /* one line for `list keys`, the README and the configs */
};

/* Every key, in the order of the shipped configs and of config_to_json(). */
extern const struct config_key config_keys[];
extern const size_t config_nr_keys;

/* "[whole]" (the default in brackets) or "(required)", as the configs write it. */
const char *config_key_default_text(const struct config_key *k, char *buf, size_t len);

/*
 * Print the key table: one "[SECTION] NAME<TAB>DEFAULT<TAB>HELP" line per
 * key, or, with markdown, the README's table (header included).  Returns 0
 * or -EIO when writing failed.
 */
int config_keys_print(FILE *f, bool markdown);

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
 * names except min_time_s, cache, placement, source (singular, as in
 * the file).  Returns 0 or -ENOMEM; *out is NULL on error.
 */
int config_to_json(const struct sweep_config *cfg, json_t **out);

/*
 * The number of cases the config expands to, without repetitions: the
 * product of the list lengths backends x workloads x npages x batch x
 * caches x placements x threads x sources.  Every combination is
 * counted, including batch values the sweep clamps to npages; the sweep
 * may skip or merge some of them (and says so in meta.json "skipped").
 */
size_t config_nr_cases(const struct sweep_config *cfg);

/* The batch one call of a case uses: npages for whole or batch > npages. */
unsigned long config_batch_effective(unsigned long batch, unsigned long npages);

#endif
