/*
 * report_data.h - a minimal reader for results.csv (docs/results-format.md)
 * for `pfnbench report` and `pfnbench compare`.
 *
 * It loads the whole file into a table of strings (RFC 4180 quoting: the
 * placement columns hold commas), checks that every record has as many
 * fields as the header and that the file ends with a newline (a file cut
 * short by a crash does not), and gives typed access by column name with
 * file:line in every error message.  It does not know the meaning of any
 * column beyond the names it is asked for, and it does not write CSV (the
 * sweep's results module does; results_csv.c reads typed rows on top of
 * this reader).
 */
#ifndef PFNBENCH_REPORT_DATA_H
#define PFNBENCH_REPORT_DATA_H

#include <stddef.h>

/* One loaded results.csv. */
struct rdata {
	char *path;		/* the file read, for messages */
	size_t nr_cols;		/* fields per record */
	char **cols;		/* header names, nr_cols of them */
	size_t nr_rows;		/* records after the header */
	char ***cells;		/* cells[row][col], "" when the field is empty */
	unsigned *lines;	/* lines[row]: 1-based line where the record starts */
};

/* The largest results.csv read (a link to /dev/zero must not fill memory). */
#define RDATA_MAX_BYTES (1024UL << 20)
/* The header line must end within the first this many bytes. */
#define RDATA_HEAD_BYTES (64UL << 10)

/*
 * Read @path: its header line first (RDATA_HEAD_BYTES, printable ASCII),
 * then the rest, at most RDATA_MAX_BYTES.  On success *@out
 * owns the table (free with rdata_free()).  Returns 0, -errno from
 * open/read (-ENOENT...), -EFBIG (too large), -ENOMEM, or -EINVAL for
 * malformed input (a header that is not one, wrong field count,
 * unterminated quote, no newline at end of file, empty file, duplicate
 * header name); @err holds "path:line: what is wrong" or "path: why".
 */
int rdata_load(const char *path, struct rdata **out, char *err, size_t err_len);

void rdata_free(struct rdata *t);

/* Index of column @name, or -ENOENT. */
int rdata_col(const struct rdata *t, const char *name);

/*
 * Check that every name in the NULL-terminated @names is a column.
 * Returns 0 or -EINVAL with "path:1: missing column 'x'" in @err.
 */
int rdata_require(const struct rdata *t, const char *const *names,
		  char *err, size_t err_len);

/* Cell text of @row in column @col ("" when empty or @col < 0). */
const char *rdata_get(const struct rdata *t, size_t row, int col);

/*
 * Parse the cell as a finite double.  Returns 0, -ENODATA when the field is
 * empty or @col < 0 (a counter that was not measured), or -EINVAL with
 * "path:line: column 'x': 'text' is not a number" in @err.
 */
int rdata_double(const struct rdata *t, size_t row, int col, double *out,
		 char *err, size_t err_len);

/*
 * Turn a command-line argument naming a results directory or a results.csv
 * file into the directory (@dir) and the CSV path (@csv).  Returns 0,
 * -ENOENT when it does not exist, -ENAMETOOLONG when a buffer is too small.
 */
int rdata_paths(const char *arg, char *dir, size_t dir_len,
		char *csv, size_t csv_len);

/*
 * Make the message @s one printable line in place: every control character
 * (a newline or a tab from a quoted cell, an escape) becomes '?'.  The
 * error helpers of this module, report and compare call it, since their
 * messages quote cells and column names from the file.  NULL-safe.
 */
void rdata_oneline(char *s);

/*
 * printf into err[err_len] (nothing when err is NULL or err_len 0), then
 * rdata_oneline(): messages quote file contents and must stay one line.
 */
void rdata_errorf(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
