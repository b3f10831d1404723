/*
 * vocab.h - the shared vocabularies of the harness, each written once as an
 * X-macro list: the perf counters and the stages of the fault path.  perf,
 * the config parser, the results columns, the sweep, the report and compare
 * expand these lists (and the column list of results.h, which is built from
 * them) instead of naming counters or stages one by one, so that adding a
 * counter or a stage is one line here plus its use.
 *
 * Counters
 * --------
 *   X(ID, name, label, alias, group, lead, figure, perf_type, perf_config)
 *
 *   ID          enum pfn_counter value PC_ID (the list's order is the
 *               enum's, the config's bit order and the results.csv order)
 *   name        the name in config files, meta.json "counters" and
 *               results.csv (column NAME_per_page); a bare token
 *   label       what the report's tables call it
 *   alias       an older meta.json name of the same counter, or NULL
 *   group       HW (one perf group led by a hardware event) or SW
 *   lead        1: opened first in its group, so that it leads it (perf.c
 *               says why page_faults and not task_clock leads SW)
 *   figure      1: drawn in the report's counters figure
 *   perf_type,  the perf_event_attr type and config (<linux/perf_event.h>;
 *   perf_config only perf.c expands these two)
 *
 * Stages
 * ------
 *   X(ID, name, short, figure, conversion)
 *
 *   ID          kernels/backend.h's enum pfn_stage value PFN_STAGE_ID (the
 *               kernel model owns the enum and pfn_stage_names[]; the list
 *               must name them in the same order: vocab.c checks the count
 *               at compile time, test_vocab.c the names)
 *   name        pfn_stage_names[] word; results.csv column
 *               stage_NAME_ns_per_page; a bare token
 *   short       the breakdown table's column heading (at most 5 letters)
 *   figure      the stacked stage figure's legend
 *   conversion  1: part of the conversion share of the headline (the
 *               second array and the pass over it)
 */
#ifndef PFNBENCH_VOCAB_H
#define PFNBENCH_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"

#define PFN_COUNTERS(X)                                                                              \
	X(INSTRUCTIONS, instructions, "instructions", NULL, HW, 0, 1, PERF_TYPE_HARDWARE,            \
	  PERF_COUNT_HW_INSTRUCTIONS)                                                                \
	X(CYCLES, cycles, "cycles", NULL, HW, 1, 0, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES)    \
	X(LLC_MISSES, llc_misses, "LLC misses", NULL, HW, 0, 1, PERF_TYPE_HARDWARE,                  \
	  PERF_COUNT_HW_CACHE_MISSES)                                                                \
	X(DTLB_MISSES, dtlb_misses, "dTLB misses", NULL, HW, 0, 0, PERF_TYPE_HW_CACHE,               \
	  PERF_COUNT_HW_CACHE_DTLB | (PERF_COUNT_HW_CACHE_OP_READ << 8) |                            \
		  (PERF_COUNT_HW_CACHE_RESULT_MISS << 16))                                           \
	X(BRANCH_MISSES, branch_misses, "branch misses", NULL, HW, 0, 0, PERF_TYPE_HARDWARE,         \
	  PERF_COUNT_HW_BRANCH_MISSES)                                                               \
	X(PAGE_FAULTS, page_faults, "page faults", NULL, SW, 1, 1, PERF_TYPE_SOFTWARE,               \
	  PERF_COUNT_SW_PAGE_FAULTS)                                                                 \
	X(TASK_CLOCK, task_clock_ns, "task clock ns", "task_clock", SW, 0, 0, PERF_TYPE_SOFTWARE,    \
	  PERF_COUNT_SW_TASK_CLOCK)                                                                  \
	X(CONTEXT_SWITCHES, context_switches, "context switches", NULL, SW, 0, 0, PERF_TYPE_SOFTWARE, \
	  PERF_COUNT_SW_CONTEXT_SWITCHES)

#define PFN_STAGES(X)                                    \
	X(PREPARE, prepare, "prep", "prepare", 0)        \
	X(WALK, walk, "walk", "walk+faults", 0)          \
	X(ALLOC, alloc, "alloc", "alloc", 1)             \
	X(CONVERT, convert, "conv", "conversion", 1)     \
	X(DMA, dma, "dma", "dma-map", 0)

/* ---- counters ----------------------------------------------------------- */

#define VOCAB_COUNTER_ENUM(ID, name, label, alias, group, lead, figure, type, config) PC_##ID,
enum pfn_counter { PFN_COUNTERS(VOCAB_COUNTER_ENUM) PC_NR };
#undef VOCAB_COUNTER_ENUM

/* The results.csv column of a counter and of a stage (name: a bare token). */
#define PFN_COUNTER_COLUMN(name) #name "_per_page"
#define PFN_STAGE_COLUMN(name) "stage_" #name "_ns_per_page"

#define PC_MASK(c) (1u << (c))
#define PC_MASK_ALL ((1u << PC_NR) - 1)

enum pfn_counter_group { PC_GROUP_HW, PC_GROUP_SW };

/* One counter of the list, as data. */
struct pfn_counter_info {
	const char *name;             /* config, meta.json and column word */
	const char *column;           /* results.csv column: NAME_per_page */
	const char *label;            /* report table label */
	const char *alias;            /* older meta.json name, or NULL */
	enum pfn_counter_group group;
	bool lead;                    /* opened first in its group */
	bool figure;                  /* in the report's counters figure */
};

/* Indexed by enum pfn_counter. */
extern const struct pfn_counter_info pfn_counter_info[PC_NR];

/* The counter called NAME (or, when aliases is true, with that alias);
 * -1 when there is none. */
int pfn_counter_find(const char *name, bool aliases);

/* Bits of every counter of a group. */
unsigned pfn_counter_group_mask(enum pfn_counter_group g);

/* ---- stages ------------------------------------------------------------- */

/* One stage of the list, as data. */
struct pfn_stage_info {
	const char *name;             /* pfn_stage_names[] word */
	const char *column;           /* results.csv column: stage_NAME_ns_per_page */
	const char *short_label;      /* breakdown heading */
	const char *figure_label;     /* stage figure legend */
	bool conversion;              /* counts in the conversion share */
};

/* Indexed by kernels/backend.h's enum pfn_stage. */
extern const struct pfn_stage_info pfn_stage_info[PFN_STAGE_NR];

/* ---- the words of a case's settings ------------------------------------ */

/*
 * The words config files, results.csv and case names share for a case's
 * settings, indexed by these enums.  The first word of each is the
 * default: a case name lists the settings that are not at it
 * (results_case_variant()), and so do the report's table names.
 */
enum config_cache { CONFIG_CACHE_WARM, CONFIG_CACHE_COLD, CONFIG_NR_CACHES };
enum config_source { CONFIG_SOURCE_EMULATED, CONFIG_SOURCE_KERNEL, CONFIG_NR_SOURCES };
enum config_request {
	CONFIG_REQUEST_DEFAULT,  /* what the workload asks for */
	CONFIG_REQUEST_NONE,
	CONFIG_REQUEST_READ,
	CONFIG_REQUEST_WRITE,
	CONFIG_NR_REQUESTS
};
/* stages: untimed, timed in the measured passes, or in extra passes apart from them */
enum config_stages { CONFIG_STAGES_NO, CONFIG_STAGES_YES, CONFIG_STAGES_SEPARATE, CONFIG_NR_STAGES_MODES };
extern const char *const config_cache_words[CONFIG_NR_CACHES];
extern const char *const config_source_words[CONFIG_NR_SOURCES];
extern const char *const config_request_words[CONFIG_NR_REQUESTS];
extern const char *const config_stages_words[CONFIG_NR_STAGES_MODES];
/* The placement spec that places nothing (the default). */
#define CONFIG_PLACEMENT_LOCAL "local"

/* The word of a value; "?" for a value out of range. */
const char *config_cache_name(enum config_cache c);
const char *config_source_name(enum config_source s);
const char *config_request_name(enum config_request r);

#endif
