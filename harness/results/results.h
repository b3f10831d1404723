/*
 * results.h - the results directory: results.csv, meta.json, atomic writes.
 *
 * Implements docs/results-format.md: a new directory per run, named
 * <UTC YYYYmmddTHHMMSSZ>-<short host>[-N] and never reused; every file
 * written under a unique temporary name created without following links,
 * fsync'ed and renamed; results.csv appended a row at a time by a run
 * (results_append.c: every finished repetition at once, the file always
 * whole lines) or rewritten whole (callgrind); a reader for the same CSV
 * (the one report and compare use); and the machine and build parts of
 * meta.json.
 *
 * Left out on purpose: running cases, the counters, config and skipped
 * parts of meta.json (the sweep fills them), NUMA/hwloc facts (numa_nodes,
 * hwloc_summary come from the topology module), and CSV fields containing
 * line breaks (rejected, so that every row is one line and errors can name
 * FILE:LINE).
 */
#ifndef PFNBENCH_RESULTS_H
#define PFNBENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "vocab.h"

/* ---- directory and atomic files ---------------------------------------- */

/*
 * Create PARENT (and its parents) if missing, then a new directory
 * PARENT/<UTC YYYYmmddTHHMMSSZ>-<short hostname> for the current time;
 * if it exists, -2, -3, ... up to -999 are tried.  An existing directory is
 * never reused.  The path goes to out.  Returns 0, -ENAMETOOLONG (out too
 * small), -EEXIST (999 names taken), or the -errno of mkdir.
 */
int results_dir_create(const char *parent, char *out, size_t outlen);
/* The same for a given time (tests use it to force a collision). */
int results_dir_create_at(const char *parent, time_t when, char *out, size_t outlen);

/*
 * Write DIR/NAME through a unique temporary name created without following
 * links (DIR/NAME.XXXXXXXX.tmp, common/safe_write.h), fsync it, rename it
 * to DIR/NAME and fsync DIR.  Returns 0 or -errno (-ENOENT no such dir,
 * -ENOSPC, -EIO, -EFBIG, ...); on error the temporary file is removed and
 * an earlier DIR/NAME is left as it was.
 */
int results_write_atomic(const char *dir, const char *name, const void *buf, size_t len);

/* ---- results.csv -------------------------------------------------------- */

/* An optional number: written as an empty field when !valid (never 0). */
struct result_opt {
	double v;
	bool valid;
};

/* results.csv's status column: the case ran, or it was skipped (skip_reason says why). */
#define RESULT_STATUS_OK "ok"
#define RESULT_STATUS_SKIPPED "skipped"

#define RESULT_STR_SHORT 32
#define RESULT_STR_LONG 256


/* One row of results.csv: one case, one repetition (docs/results-format.md). */
struct result_row {
	char case_name[RESULT_STR_LONG];        /* column "case": WORKLOAD/npages:N/batch:B[/VARIANT] */
	char name[RESULT_STR_LONG];             /* BACKEND/ + case */
	char backend[RESULT_STR_SHORT];
	char workload[RESULT_STR_SHORT];
	char source[RESULT_STR_SHORT];          /* emulated | kernel */
	unsigned long npages;
	unsigned long batch;                    /* pages per call, after clamping */
	char cache[RESULT_STR_SHORT];           /* warm | cold */
	bool clear_data;                        /* written 1 / 0 */
	char request[RESULT_STR_SHORT];         /* the request this backend made: none | read | write */
	unsigned threads;
	char placement_req[RESULT_STR_LONG];
	char placement_actual[RESULT_STR_LONG]; /* "?" if unknown */
	char status[RESULT_STR_SHORT];          /* ok | skipped */
	char skip_reason[RESULT_STR_LONG];      /* empty when ok */
	unsigned repetition;                    /* 0-based */
	/* measurements: empty fields when not valid (e.g. skipped rows) */
	struct result_opt iterations;
	struct result_opt ns_per_page;
	struct result_opt ns_per_page_median;   /* of the repetition's iterations */
	struct result_opt ns_per_call;
	struct result_opt pages_per_sec;
	struct result_opt bytes_alloc_per_page;
	struct result_opt bytes_persistent_per_page;
	struct result_opt walks_per_call;
	struct result_opt faults_per_page;
	struct result_opt counter[PC_NR];       /* per page, by enum pfn_counter */
	struct result_opt stage[PFN_STAGE_NR];  /* ns per page, by enum pfn_stage */
	struct result_opt callgrind_ir_per_page;
	struct result_opt precision_ns_per_page; /* the case's reached 95% CI half-width */
};

/*
 * The columns of results.csv, in file order, written once:
 *
 *   X(ID, "name", TYPE, member, flags)   a column of its own
 *   XC, XS                               vocab.h's counter and stage lists
 *                                        (one column per counter and stage)
 *
 * TYPE is a result_col_type without its prefix; flags RESULT_FROM_GB marks
 * the measurements the sweep takes from the Google Benchmark counter of the
 * same name.  Expanded by results.c (the writer's and reader's table) and
 * below (enum result_col).
 */
#define RESULT_FROM_GB (1u << 0)

#define RESULT_COLUMNS(X, XC, XS)                                                        \
	X(CASE, "case", STR, case_name, 0)                                               \
	X(NAME, "name", STR, name, 0)                                                    \
	X(BACKEND, "backend", STR, backend, 0)                                           \
	X(WORKLOAD, "workload", STR, workload, 0)                                        \
	X(SOURCE, "source", STR, source, 0)                                              \
	X(NPAGES, "npages", ULONG, npages, 0)                                            \
	X(BATCH, "batch", ULONG, batch, 0)                                               \
	X(CACHE, "cache", STR, cache, 0)                                                 \
	X(CLEAR_DATA, "clear_data", BOOL, clear_data, 0)                                 \
	X(REQUEST, "request", STR, request, 0)                                           \
	X(THREADS, "threads", UINT, threads, 0)                                          \
	X(PLACEMENT_REQ, "placement_req", STR, placement_req, 0)                         \
	X(PLACEMENT_ACTUAL, "placement_actual", STR, placement_actual, 0)                \
	X(STATUS, "status", STR, status, 0)                                              \
	X(SKIP_REASON, "skip_reason", STR, skip_reason, 0)                               \
	X(REPETITION, "repetition", UINT, repetition, 0)                                 \
	X(ITERATIONS, "iterations", OPT, iterations, 0)                                  \
	X(NS_PER_PAGE, "ns_per_page", OPT, ns_per_page, 0)                               \
	X(NS_PER_PAGE_MEDIAN, "ns_per_page_median", OPT, ns_per_page_median, RESULT_FROM_GB) \
	X(NS_PER_CALL, "ns_per_call", OPT, ns_per_call, 0)                               \
	X(PAGES_PER_SEC, "pages_per_sec", OPT, pages_per_sec, 0)                         \
	X(BYTES_ALLOC_PER_PAGE, "bytes_alloc_per_page", OPT, bytes_alloc_per_page, RESULT_FROM_GB) \
	X(BYTES_PERSISTENT_PER_PAGE, "bytes_persistent_per_page", OPT, bytes_persistent_per_page, \
	  RESULT_FROM_GB)                                                                \
	X(WALKS_PER_CALL, "walks_per_call", OPT, walks_per_call, RESULT_FROM_GB)         \
	X(FAULTS_PER_PAGE, "faults_per_page", OPT, faults_per_page, RESULT_FROM_GB)      \
	PFN_COUNTERS(XC)                                                                 \
	PFN_STAGES(XS)                                                                   \
	X(CALLGRIND_IR_PER_PAGE, "callgrind_ir_per_page", OPT, callgrind_ir_per_page, 0) \
	X(PRECISION_NS_PER_PAGE, "precision_ns_per_page", OPT, precision_ns_per_page, 0)

#define RESULT_COL_ENUM(ID, name, type, member, flags) RCOL_##ID,
#define RESULT_COL_ENUM_COUNTER(ID, name, label, alias, group, lead, figure, type, config) RCOL_CTR_##ID,
#define RESULT_COL_ENUM_STAGE(ID, name, short_label, figure_label, conversion) RCOL_STAGE_##ID,
enum result_col { RESULT_COLUMNS(RESULT_COL_ENUM, RESULT_COL_ENUM_COUNTER, RESULT_COL_ENUM_STAGE) RCOL_NR };
#undef RESULT_COL_ENUM
#undef RESULT_COL_ENUM_COUNTER
#undef RESULT_COL_ENUM_STAGE

/* The column of counter c (enum pfn_counter) and of stage s (enum pfn_stage). */
#define RCOL_COUNTER(c) ((enum result_col)(RCOL_FAULTS_PER_PAGE + 1 + (int)(c)))
#define RCOL_STAGE(s) ((enum result_col)(RCOL_FAULTS_PER_PAGE + 1 + PC_NR + (int)(s)))

enum result_col_type { RESULT_STR, RESULT_ULONG, RESULT_UINT, RESULT_BOOL, RESULT_OPT };

/* One column as data. */
struct result_column {
	const char *name;
	enum result_col_type type;
	size_t off;                   /* offsetof(struct result_row, member) */
	size_t size;                  /* sizeof the member */
	unsigned flags;               /* RESULT_FROM_GB */
};

/* Indexed by enum result_col. */
extern const struct result_column result_columns[RCOL_NR];

/* The optional number of column col in row; NULL when col is not a number column. */
struct result_opt *result_row_opt(struct result_row *row, enum result_col col);

/*
 * The variant part of a case name (the "case" column is
 * WORKLOAD/npages:N/batch:B[/VARIANT]): for each setting that is not its
 * default (the first word of its vocab.h list, local, 1 thread), in this
 * order: cold, place:SPEC, kernel, threads:N, joined by "/";
 * "" when every setting is the default.  The values are the words of
 * results.csv's columns cache, placement_req and source (NULL or ""
 * counts as the default).  The sweep names its cases with it and the
 * report names its tables with it.  Returns 0 or -ENAMETOOLONG.
 */
int results_case_variant(char *buf, size_t len, const char *cache, const char *placement, const char *source,
			 unsigned long threads);

/* Rows in memory, in the order appended (or read). */
struct results_csv {
	struct result_row *rows;
	size_t nr_rows;
	size_t cap;
};

/* 0 or -ENOMEM; *out NULL on error.  Free with results_csv_destroy(). */
int results_csv_create(struct results_csv **out);
void results_csv_destroy(struct results_csv *csv);   /* NULL-safe */

/*
 * Copy ROW in.  0, -ENOMEM, or -EINVAL when a string holds a line break
 * (CR or LF) or is not NUL-terminated within its array.  A valid optional
 * number that is NaN or infinite is written as an empty field.
 */
int results_csv_append(struct results_csv *csv, const struct result_row *row);

/* The whole file (header + rows) in a malloc'ed buffer.  0 or -ENOMEM. */
int results_csv_format(const struct results_csv *csv, char **buf, size_t *len);
/* rows[0..n) as CSV lines, after the header line when header.  0 or -ENOMEM. */
int results_rows_format(const struct result_row *rows, size_t n, bool header, char **buf, size_t *len);
/* 0, or -EINVAL when a string of row holds a line break or is not NUL-terminated. */
int results_row_check(const struct result_row *row);

/* Rewrite DIR/results.csv atomically with every row.  0 or -errno. */
int results_csv_commit(const struct results_csv *csv, const char *dir);

/*
 * Rows between two rewrites: the file the last results_csv_commit() wrote,
 * opened O_APPEND (without following links), takes each new row at once
 * with one write(2), so that a kill loses no finished row; the next rewrite
 * replaces it with the same rows (and fsyncs).  A write that fails part way
 * is cut back with ftruncate() and the next rewrite replaces the file.  (A
 * SIGKILL inside a write that crosses a page can still leave half a line,
 * until a rewrite; readers refuse such a file by its missing newline.)
 */
struct results_tail {
	int fd;            /* -1: closed */
	long long size;    /* bytes of whole lines */
};
#define RESULTS_TAIL_INIT { .fd = -1, .size = 0 }
/* (Re)open DIR/results.csv for appending; closes what t held.  0 or -errno. */
int results_tail_open(struct results_tail *t, const char *dir);
/* ROW as one line at the end.  0, -EBADF when closed, or -errno. */
int results_tail_append(struct results_tail *t, const struct result_row *row);
void results_tail_close(struct results_tail *t); /* idempotent */

/*
 * Read a results.csv.  Columns may come in any order; unknown columns are
 * ignored; every column of results_csv_columns must be present.  Returns 0,
 * or with a message in err:
 *   -EINVAL "FILE:1: missing column X (...)", "FILE:LINE: column X: 'v' is
 *           not a number", wrong field count, bad quoting, a string too long
 *   -ENOENT, -EISDIR, other -errno: "FILE: cannot read: ..."
 *   -ENOMEM
 * *out is NULL on error.
 */
int results_csv_load(const char *path, struct results_csv **out, char *err, size_t errlen);

/* ---- results.csv, appended (results_append.c) ------------------------------ */

/*
 * A run's results.csv, written a row at a time: created with the header
 * (O_EXCL | O_NOFOLLOW: a new file, never through a link), each row one
 * write(2) as soon as its repetition finishes, so that a process killed
 * by any signal loses no finished row; a row that cannot be written whole
 * (disk full, file size limit) is cut off again, so the file is always
 * whole lines.  Each row is also fdatasync'ed before results_append_row()
 * returns, so a power cut loses no finished row either: one sync per
 * repetition, outside every timed region (0.2 ms here, against a
 * repetition's min_time of 5-50 ms and its setup).
 */
struct results_appender;

/* Create DIR/results.csv with its header.  0 or -errno; *out NULL on error. */
int results_append_open(const char *dir, struct results_appender **out);
/* Append one row.  0 or -errno (-EINVAL for a row results_row_check() refuses). */
int results_append_row(struct results_appender *a, const struct result_row *row);
/* Rows appended so far. */
size_t results_append_count(const struct results_appender *a);
/* Sync and close (NULL-safe).  0 or -errno of the sync or close. */
int results_append_close(struct results_appender *a);

/* ---- meta.json ---------------------------------------------------------- */

/*
 * Fill MACHINE (a JSON object) with hostname, cpu_model, nr_cpus,
 * mem_total_bytes, swap_total_bytes, llc_bytes, kernel ("release version"),
 * thp_enabled, thp_defrag (the bracketed word, "unavailable" if the file is
 * missing), clocksource, aslr (randomize_va_space, 0..2),
 * aslr_process_disabled (ADDR_NO_RANDOMIZE personality), perf_event_paranoid.
 * A value that cannot be read is "unavailable" (strings) or null (numbers).
 * Returns 0, -EINVAL (not an object) or -ENOMEM.
 */
int meta_collect_machine(json_t *machine);

/*
 * Fill BUILD with compiler, flags, kernels_flags (what kernels/ adds after
 * flags: the kernel's code generation, or "project flags" when it is built
 * with flags alone), build_type, sanitize (from the compile definitions set
 * in harness/CMakeLists.txt) and libc ("glibc 2.36", the library this
 * process runs with).  0, -EINVAL, -ENOMEM.
 */
int meta_collect_build(json_t *build);

/*
 * Fill PFNBENCH (meta.json's "pfnbench" object) with version, git_commit
 * and git_dirty as they were when this binary was built (build_info.h:
 * "unknown" commit and null dirty when the tree had no git).
 * 0, -EINVAL, -ENOMEM.
 */
int meta_collect_pfnbench(json_t *pfnbench);

/* "YYYY-mm-ddTHH:MM:SSZ" for WHEN into buf (>= 21 bytes).  0 or -ENAMETOOLONG. */
int meta_utc_timestamp(time_t when, char *buf, size_t len);

/* Write META as DIR/meta.json, indented, atomically.  0 or -errno. */
int meta_write(const char *dir, const json_t *meta);

/* The largest meta.json read (a link to /dev/zero must not fill memory). */
#define META_MAX_BYTES (64UL << 20)

/*
 * Read PATH as a meta.json: at most META_MAX_BYTES, its head checked
 * (text, and '{' first) before the rest is read, then parsed with
 * jansson.  0 with *out a JSON object (json_decref() it); else -errno with
 * where what follows PATH in a message, a line and what is wrong:
 * ":21: premature end of input near '"clo'", ":1: expected a JSON
 * object", ": larger than 64 MiB, the limit for this file", ": No such
 * file or directory".
 */
int meta_load(const char *path, json_t **out, char *where, size_t wherelen);

#endif
