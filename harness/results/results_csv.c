/*
 * results_csv.c - results.csv: the column table, the case names' variant,
 * rows in memory, the writer and the typed reader.
 *
 * results.csv is described once, by results.h's RESULT_COLUMNS() list,
 * which takes one column per counter and stage from vocab.h: the writer,
 * the reader and result_columns[] all come from it, so a new column is one
 * line.  The CSV dialect is RFC 4180 without line breaks inside fields: a
 * field is quoted when it holds a comma or a double quote, and a quote
 * inside is doubled.  Numbers are printed with the fewest digits that read
 * back to the same double (%.15g, else %.17g).  An optional number that
 * was not measured is an empty field.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_data.h"
#include "results.h"

/* ---- results.csv: the column table --------------------------------------- */

#define FIELD_SIZE(f) sizeof(((struct result_row *)0)->f)
#define COL_ENTRY(ID, n, t, f, flags) [RCOL_##ID] = { n, RESULT_##t, offsetof(struct result_row, f), FIELD_SIZE(f), flags },
#define COL_COUNTER(ID, name, label, alias, group, lead, figure, type, config)                          \
	[RCOL_CTR_##ID] = { PFN_COUNTER_COLUMN(name), RESULT_OPT, offsetof(struct result_row, counter[PC_##ID]), \
			    sizeof(struct result_opt), RESULT_FROM_GB },
#define COL_STAGE(ID, name, short_label, figure_label, conversion)                                      \
	[RCOL_STAGE_##ID] = { PFN_STAGE_COLUMN(name), RESULT_OPT,                                       \
			      offsetof(struct result_row, stage[PFN_STAGE_##ID]), sizeof(struct result_opt), \
			      RESULT_FROM_GB },

const struct result_column result_columns[RCOL_NR] = { RESULT_COLUMNS(COL_ENTRY, COL_COUNTER, COL_STAGE) };
#define NR_COLS ((size_t)RCOL_NR)

/* RCOL_COUNTER() and RCOL_STAGE() count on the blocks' places in the list */
#define COL_CHECK_COUNTER(ID, name, label, alias, group, lead, figure, type, config) \
	_Static_assert(RCOL_COUNTER(PC_##ID) == RCOL_CTR_##ID, "counter columns out of order");
#define COL_CHECK_STAGE(ID, name, short_label, figure_label, conversion) \
	_Static_assert(RCOL_STAGE(PFN_STAGE_##ID) == RCOL_STAGE_##ID, "stage columns out of order");
PFN_COUNTERS(COL_CHECK_COUNTER)
PFN_STAGES(COL_CHECK_STAGE)

struct result_opt *result_row_opt(struct result_row *row, enum result_col col)
{
	if ((unsigned)col >= NR_COLS || result_columns[col].type != RESULT_OPT)
		return NULL;
	return (struct result_opt *)((char *)row + result_columns[col].off);
}

/* The settings a case name lists when they are not their default, in order. */
static const struct {
	const char *const *dflt;      /* the default word */
	const char *prefix;           /* before the value in the name */
} variant_parts[] = {
	{ &config_cache_words[CONFIG_CACHE_WARM], "" },
	{ &(const char *const){ CONFIG_PLACEMENT_LOCAL }, "place:" },
	{ &config_source_words[CONFIG_SOURCE_EMULATED], "" },
};

int results_case_variant(char *buf, size_t len, const char *cache, const char *placement, const char *source,
			 unsigned long threads)
{
	const char *value[] = { cache, placement, source };
	size_t n = 0;
	int w;

	_Static_assert(sizeof(value) / sizeof(value[0]) == sizeof(variant_parts) / sizeof(variant_parts[0]),
		       "one value per variant part");
	if (!len)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(value) / sizeof(value[0]); i++) {
		if (!value[i] || !*value[i] || !strcmp(value[i], *variant_parts[i].dflt))
			continue;
		w = snprintf(buf + n, len - n, "%s%s%s", n ? "/" : "", variant_parts[i].prefix, value[i]);
		if (w < 0 || (size_t)w >= len - n)
			return -ENAMETOOLONG;
		n += (size_t)w;
	}
	if (threads > 1) {
		w = snprintf(buf + n, len - n, "%sthreads:%lu", n ? "/" : "", threads);
		if (w < 0 || (size_t)w >= len - n)
			return -ENAMETOOLONG;
	}
	return 0;
}

int results_csv_create(struct results_csv **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void results_csv_destroy(struct results_csv *csv)
{
	if (!csv)
		return;
	free(csv->rows);
	free(csv);
}

static int csv_push(struct results_csv *csv, const struct result_row *row)
{
	if (csv->nr_rows == csv->cap) {
		size_t cap = csv->cap ? 2 * csv->cap : 64;
		struct result_row *n = realloc(csv->rows, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		csv->rows = n;
		csv->cap = cap;
	}
	csv->rows[csv->nr_rows++] = *row;
	return 0;
}

int results_row_check(const struct result_row *row)
{
	for (size_t i = 0; i < NR_COLS; i++) {
		const char *s = (const char *)row + result_columns[i].off;

		if (result_columns[i].type != RESULT_STR)
			continue;
		if (!memchr(s, '\0', result_columns[i].size) || strpbrk(s, "\r\n"))
			return -EINVAL;
	}
	return 0;
}

int results_csv_append(struct results_csv *csv, const struct result_row *row)
{
	int rc = results_row_check(row);

	return rc ? rc : csv_push(csv, row);
}

/* ---- results.csv: writing ------------------------------------------------ */

static void put_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void put_double(FILE *f, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, f);
}

static void put_field(FILE *f, const struct result_column *c, const struct result_row *row)
{
	const char *p = (const char *)row + c->off;

	switch (c->type) {
	case RESULT_STR:
		put_str(f, p);
		break;
	case RESULT_ULONG:
		fprintf(f, "%lu", *(const unsigned long *)p);
		break;
	case RESULT_UINT:
		fprintf(f, "%u", *(const unsigned *)p);
		break;
	case RESULT_BOOL:
		fputc(*(const bool *)p ? '1' : '0', f);
		break;
	case RESULT_OPT: {
		const struct result_opt *o = (const struct result_opt *)p;

		/* not measured (or not a number): an empty field, never 0 */
		if (o->valid && isfinite(o->v))
			put_double(f, o->v);
		break;
	}
	}
}

int results_csv_format(const struct results_csv *csv, char **buf, size_t *len)
{
	return results_rows_format(csv->rows, csv->nr_rows, true, buf, len);
}

int results_rows_format(const struct result_row *rows, size_t n, bool header, char **buf, size_t *len)
{
	FILE *f;

	*buf = NULL;
	*len = 0;
	f = open_memstream(buf, len);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; header && i < NR_COLS; i++) {
		fputs(result_columns[i].name, f);
		fputc(i + 1 < NR_COLS ? ',' : '\n', f);
	}
	for (size_t r = 0; r < n; r++)
		for (size_t i = 0; i < NR_COLS; i++) {
			put_field(f, &result_columns[i], &rows[r]);
			fputc(i + 1 < NR_COLS ? ',' : '\n', f);
		}
	if (ferror(f)) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	if (fclose(f)) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

int results_csv_commit(const struct results_csv *csv, const char *dir)
{
	char *buf;
	size_t len;
	int rc = results_csv_format(csv, &buf, &len);

	if (rc)
		return rc;
	rc = results_write_atomic(dir, "results.csv", buf, len);
	free(buf);
	return rc;
}

/* ---- results.csv: rows between rewrites ---------------------------------- */

void results_tail_close(struct results_tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->size = 0;
}

int results_tail_open(struct results_tail *t, const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	results_tail_close(t);
	n = snprintf(path, sizeof(path), "%s/results.csv", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	t->fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	if (fstat(t->fd, &st)) {
		int ret = -errno;

		results_tail_close(t);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		results_tail_close(t);
		return -EINVAL;
	}
	t->size = (long long)st.st_size;
	return 0;
}

int results_tail_append(struct results_tail *t, const struct result_row *row)
{
	char *buf = NULL;
	size_t len = 0, done = 0;
	int ret;

	if (t->fd < 0)
		return -EBADF;
	ret = results_row_check(row);
	if (!ret)
		ret = results_rows_format(row, 1, false, &buf, &len);
	while (!ret && done < len) {
		ssize_t w = write(t->fd, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			ret = w < 0 ? -errno : -EIO;
		else
			done += (size_t)w;
	}
	free(buf);
	if (ret) {
		/* no half row: back to the last whole line, and no more appends */
		if (done)
			(void)ftruncate(t->fd, (off_t)t->size);
		results_tail_close(t);
		return ret;
	}
	t->size += (long long)len;
	return 0;
}

/* ---- results.csv: reading ------------------------------------------------ */

struct csv_reader {
	const char *path;
	char *err;
	size_t errlen;
	int line;
};

static int rd_error(struct csv_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int rd_error(struct csv_reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, r->errlen, "%s:%d: ", r->path, r->line);
	if (n >= 0 && (size_t)n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	rdata_oneline(r->err); /* messages quote cells, which may hold newlines */
	return -EINVAL;
}

static int parse_field(struct csv_reader *r, const struct result_column *c, const char *s, struct result_row *row)
{
	char *p = (char *)row + c->off, *end;

	switch (c->type) {
	case RESULT_STR:
		if (strlen(s) >= c->size)
			return rd_error(r, "column %s is longer than %zu characters (the file is damaged or not from pfnbench)",
					c->name, c->size - 1);
		strcpy(p, s);
		return 0;
	case RESULT_ULONG:
	case RESULT_UINT: {
		unsigned long v;

		if (!*s)
			return rd_error(r, "column %s is empty (it needs a whole number)", c->name);
		errno = 0;
		v = strtoul(s, &end, 10);
		if (!isdigit((unsigned char)*s) || *end || errno ||
		    (c->type == RESULT_UINT && v > UINT_MAX))
			return rd_error(r, "column %s: '%s' is not a whole number (fix or delete the row)", c->name, s);
		if (c->type == RESULT_ULONG)
			*(unsigned long *)p = v;
		else
			*(unsigned *)p = (unsigned)v;
		return 0;
	}
	case RESULT_BOOL:
		if (strcmp(s, "0") && strcmp(s, "1"))
			return rd_error(r, "column %s: '%s' is not 0 or 1 (fix or delete the row)", c->name, s);
		*(bool *)p = s[0] == '1';
		return 0;
	case RESULT_OPT: {
		struct result_opt *o = (struct result_opt *)p;

		o->valid = false;
		o->v = 0;
		if (!*s)
			return 0;   /* not measured */
		errno = 0;
		o->v = strtod(s, &end);
		if (*end || errno || isspace((unsigned char)*s) || !isfinite(o->v))
			return rd_error(r, "column %s: '%s' is not a number (fix or delete the row)", c->name, s);
		o->valid = true;
		return 0;
	}
	}
	return -EINVAL;
}

/*
 * Typed rows from results.csv.  The file is tokenized by rdata_load(), the
 * one CSV reader of the project (report and compare use it too); this only
 * maps the columns and checks each value's type.
 */
int results_csv_load(const char *path, struct results_csv **out, char *err, size_t errlen)
{
	struct csv_reader r = { .path = path, .err = err, .errlen = errlen, .line = 1 };
	struct results_csv *csv = NULL;
	struct rdata *t = NULL;
	int map[NR_COLS];
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	rc = rdata_load(path, &t, err, errlen);
	if (rc)
		return rc;
	for (size_t c = 0; c < NR_COLS; c++) {
		map[c] = rdata_col(t, result_columns[c].name);
		if (map[c] < 0) {
			rc = rd_error(&r, "missing column %s (not a pfnbench results.csv, or from an older version)",
				      result_columns[c].name);
			goto out;
		}
	}
	rc = results_csv_create(&csv);
	if (rc)
		goto out;
	for (size_t i = 0; i < t->nr_rows; i++) {
		struct result_row row;

		memset(&row, 0, sizeof(row));
		r.line = (int)t->lines[i];
		for (size_t c = 0; c < NR_COLS; c++) {
			rc = parse_field(&r, &result_columns[c], t->cells[i][map[c]], &row);
			if (rc)
				goto out;
		}
		if (csv_push(csv, &row)) {
			rc = -ENOMEM;
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
	}
	*out = csv;
	csv = NULL;
out:
	results_csv_destroy(csv);
	rdata_free(t);
	return rc;
}

