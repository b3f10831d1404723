/*
 * report_data.c - read results.csv into a table of strings.
 *
 * The parser is a small state machine over the whole file held in memory:
 * fields are separated by ',', records by '\n' (a '\r' before it is
 * dropped), a field that starts with '"' runs to the next lone '"' and ""
 * inside it is one quote.  Blank lines are skipped.  A record with a field
 * count different from the header's, a quote left open at end of file, and
 * a last record without its newline are errors: those are what a truncated
 * or hand-damaged file looks like.  No type checking happens at load time;
 * rdata_double() checks a field when it is used, so an error names the
 * column that was actually needed.
 */
#include "report_data.h"
#include "bounded_read.h"
#include "msg.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void rdata_errorf(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(err, err_len, fmt, ap);
	va_end(ap);
	if (err && err_len)
		rdata_oneline(err);
}

void rdata_oneline(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/*
 * The header first: line 1 must end within RDATA_HEAD_BYTES and be
 * printable ASCII (column names), before the rest of the file is read.  why gets
 * "1: what (what to do)".
 */
static int head_check(const char *buf, size_t len, bool eof, char *why, size_t whylen)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : len;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && !(c == '\r' && i + 1 == n)) || c >= 0x7f) {
			msg_printf(why, whylen, "1: byte 0x%02x at column %zu of the header line is not printable "
				   "text (not a CSV file; is this a results.csv?)", c, i + 1);
			return -EINVAL;
		}
	}
	if (!nl && !eof) {
		msg_printf(why, whylen, "1: the header line is longer than %zu bytes (not a results.csv?)", len);
		return -EINVAL;
	}
	return 0;
}

static int read_all(const char *path, char **buf, size_t *len, char *err, size_t err_len)
{
	static const struct br_limits lim = { .max_bytes = RDATA_MAX_BYTES, .head_bytes = RDATA_HEAD_BYTES,
					      .head = head_check };
	char why[512];
	int ret = br_read(path, &lim, buf, len, why, sizeof(why));

	if (ret == -EINVAL)
		rdata_errorf(err, err_len, "%s:%s", path, why);
	else if (ret == -EFBIG)
		rdata_errorf(err, err_len, "%s: %s (is this a results.csv?)", path, why);
	else if (ret)
		rdata_errorf(err, err_len, "%s: %s (give a results directory or its results.csv)", path,
			     strerror(-ret));
	return ret;
}

/* A growable array of pointers. */
struct ptrvec {
	void **v;
	size_t n, cap;
};

static int ptrvec_push(struct ptrvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 16;
		void **v = realloc(pv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = p;
	return 0;
}

static void free_record(char **rec, size_t n)
{
	if (!rec)
		return;
	for (size_t i = 0; i < n; i++)
		free(rec[i]);
	free(rec);
}

/* Append ch to the field f[n] of capacity cap (keeping room for a NUL). */
static int field_putc(char **f, size_t *n, size_t *cap, char ch)
{
	if (*n + 2 > *cap) {
		char *g = realloc(*f, *cap * 2);

		if (!g)
			return -ENOMEM;
		*f = g;
		*cap *= 2;
	}
	(*f)[(*n)++] = ch;
	return 0;
}

/*
 * Parse one record starting at *pos.  On success returns 0 with the fields
 * in @fields (strings owned by the caller) and *pos after the newline.
 * *line is advanced past newlines inside quoted fields too.
 */
static int parse_record(const char *buf, size_t len, size_t *pos,
			unsigned *line, struct ptrvec *fields, const char *path,
			char *err, size_t err_len)
{
	size_t i = *pos;
	unsigned start_line = *line;

	for (;;) {
		size_t cap = 32, n = 0;
		char *f = malloc(cap);

		if (!f)
			return -ENOMEM;
		if (i < len && buf[i] == '"') {
			i++;
			for (;;) {
				if (i >= len) {
					free(f);
					rdata_errorf(err, err_len,
					       "%s:%u: quoted field not closed before end of file (the file is cut short or damaged; rerun or fix the row)",
					       path, start_line);
					return -EINVAL;
				}
				if (buf[i] == '"') {
					if (i + 1 < len && buf[i + 1] == '"') {
						i++;
					} else {
						i++;
						break;
					}
				}
				if (buf[i] == '\n')
					(*line)++;
				if (field_putc(&f, &n, &cap, buf[i++])) {
					free(f);
					return -ENOMEM;
				}
			}
			if (i < len && buf[i] != ',' && buf[i] != '\n' &&
			    buf[i] != '\r') {
				free(f);
				rdata_errorf(err, err_len,
				       "%s:%u: text after a closing quote (the row is damaged; fix or delete it)", path,
				       *line);
				return -EINVAL;
			}
		} else {
			while (i < len && buf[i] != ',' && buf[i] != '\n') {
				if (buf[i] == '\r' && i + 1 < len &&
				    buf[i + 1] == '\n') {
					i++;
					continue;
				}
				if (field_putc(&f, &n, &cap, buf[i++])) {
					free(f);
					return -ENOMEM;
				}
			}
		}
		if (i < len && buf[i] == '\r')
			i++;
		f[n] = '\0';
		if (ptrvec_push(fields, f)) {
			free(f);
			return -ENOMEM;
		}
		if (i >= len) {
			rdata_errorf(err, err_len,
			       "%s:%u: no newline at end of file (truncated? delete the cut last line or rerun)",
			       path, *line);
			return -EINVAL;
		}
		if (buf[i] == '\n') {
			i++;
			(*line)++;
			break;
		}
		i++;		/* ',' */
	}
	*pos = i;
	return 0;
}

int rdata_load(const char *path, struct rdata **out, char *err, size_t err_len)
{
	struct ptrvec fields = { 0 }, rows = { 0 }, lines = { 0 };
	struct rdata *t;
	size_t len = 0, pos = 0;
	unsigned line = 1;
	char *buf = NULL;
	int ret;

	ret = read_all(path, &buf, &len, err, err_len);
	if (ret)
		return ret;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->path = strdup(path))) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (len == 0) {
		rdata_errorf(err, err_len, "%s:1: empty file, expected a header line (the run wrote no results; rerun it)",
		       path);
		ret = -EINVAL;
		goto out_free;
	}
	ret = parse_record(buf, len, &pos, &line, &fields, path, err, err_len);
	if (ret)
		goto out_free;
	t->nr_cols = fields.n;
	t->cols = (char **)fields.v;
	fields = (struct ptrvec){ 0 };
	for (size_t a = 0; a < t->nr_cols; a++) {
		for (size_t b = a + 1; b < t->nr_cols; b++) {
			if (!strcmp(t->cols[a], t->cols[b])) {
				rdata_errorf(err, err_len,
				       "%s:1: column '%s' appears twice (keep one)", path,
				       t->cols[a]);
				ret = -EINVAL;
				goto out_free;
			}
		}
	}
	while (pos < len) {
		unsigned start = line;

		if (buf[pos] == '\n' || (buf[pos] == '\r' && pos + 1 < len &&
					 buf[pos + 1] == '\n')) {
			pos += buf[pos] == '\r' ? 2 : 1;
			line++;
			continue;
		}
		ret = parse_record(buf, len, &pos, &line, &fields, path, err,
				   err_len);
		if (ret)
			goto out_free;
		if (fields.n != t->nr_cols) {
			rdata_errorf(err, err_len,
			       "%s:%u: %zu fields, the header has %zu (truncated or malformed line; fix or delete it)",
			       path, start, fields.n, t->nr_cols);
			ret = -EINVAL;
			goto out_free;
		}
		if (ptrvec_push(&rows, fields.v) ||
		    ptrvec_push(&lines, (void *)(uintptr_t)start)) {
			ret = -ENOMEM;
			goto out_free;
		}
		fields = (struct ptrvec){ 0 };
	}
	t->nr_rows = rows.n;
	t->cells = (char ***)rows.v;
	rows = (struct ptrvec){ 0 };
	t->lines = calloc(t->nr_rows ? t->nr_rows : 1, sizeof(*t->lines));
	if (!t->lines) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (size_t r = 0; r < t->nr_rows; r++)
		t->lines[r] = (unsigned)(uintptr_t)lines.v[r];
	free(lines.v);
	free(buf);
	*out = t;
	return 0;

out_free:
	free_record((char **)fields.v, fields.n);
	for (size_t r = 0; r < rows.n; r++)
		free_record(rows.v[r], t ? t->nr_cols : 0);
	free(rows.v);
	free(lines.v);
	rdata_free(t);
	free(buf);
	return ret;
}

void rdata_free(struct rdata *t)
{
	if (!t)
		return;
	if (t->cells)
		for (size_t r = 0; r < t->nr_rows; r++)
			free_record(t->cells[r], t->nr_cols);
	free(t->cells);
	free_record(t->cols, t->nr_cols);
	free(t->lines);
	free(t->path);
	free(t);
}

int rdata_col(const struct rdata *t, const char *name)
{
	for (size_t c = 0; c < t->nr_cols; c++)
		if (!strcmp(t->cols[c], name))
			return (int)c;
	return -ENOENT;
}

int rdata_require(const struct rdata *t, const char *const *names,
		  char *err, size_t err_len)
{
	for (; *names; names++) {
		if (rdata_col(t, *names) < 0) {
			rdata_errorf(err, err_len, "%s:1: missing column '%s' (not a pfnbench results.csv, or from another version)",
			       t->path, *names);
			return -EINVAL;
		}
	}
	return 0;
}

const char *rdata_get(const struct rdata *t, size_t row, int col)
{
	if (col < 0 || row >= t->nr_rows || (size_t)col >= t->nr_cols)
		return "";
	return t->cells[row][col];
}

int rdata_double(const struct rdata *t, size_t row, int col, double *out,
		 char *err, size_t err_len)
{
	const char *s = rdata_get(t, row, col);
	char *end;
	double v;

	if (!*s)
		return -ENODATA;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(v)) {
		rdata_errorf(err, err_len, "%s:%u: column '%s': '%s' is not a number (fix or delete the row)",
		       t->path, t->lines[row], t->cols[col], s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int rdata_paths(const char *arg, char *dir, size_t dir_len,
		char *csv, size_t csv_len)
{
	struct stat st;
	int n;

	if (stat(arg, &st))
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		n = snprintf(dir, dir_len, "%s", arg);
		if (n < 0 || (size_t)n >= dir_len)
			return -ENAMETOOLONG;
		n = snprintf(csv, csv_len, "%s/results.csv", arg);
		if (n < 0 || (size_t)n >= csv_len)
			return -ENAMETOOLONG;
		return 0;
	}
	n = snprintf(csv, csv_len, "%s", arg);
	if (n < 0 || (size_t)n >= csv_len)
		return -ENAMETOOLONG;
	const char *slash = strrchr(arg, '/');

	if (!slash)
		n = snprintf(dir, dir_len, ".");
	else
		n = snprintf(dir, dir_len, "%.*s", (int)(slash - arg), arg);
	if (n < 0 || (size_t)n >= dir_len)
		return -ENAMETOOLONG;
	if (!*dir)
		snprintf(dir, dir_len, "/");
	return 0;
}
