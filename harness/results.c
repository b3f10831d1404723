/*
 * results.c - results directory, atomic files, results.csv, meta.json.
 *
 * results.csv is described once, by results.h's RESULT_COLUMNS() list,
 * which takes one column per counter and stage from vocab.h: the writer,
 * the reader and result_columns[] all come from it, so a new column is one
 * line.  The CSV dialect is RFC 4180 without line breaks
 * inside fields: a field is quoted when it holds a comma or a double quote,
 * and a quote inside is doubled.  Numbers are printed with the fewest
 * digits that read back to the same double (%.15g, else %.17g).  An
 * optional number that was not measured is an empty field.
 *
 * Left out on purpose: anything about how the numbers were measured; the
 * sweep's parts of meta.json.
 */
#include "report_data.h"
#include "results.h"
#include "build_info.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gnu/libc-version.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef PFNBENCH_COMPILER
#define PFNBENCH_COMPILER "unknown"
#endif
#ifndef PFNBENCH_C_FLAGS
#define PFNBENCH_C_FLAGS "unknown"
#endif
#ifndef PFNBENCH_BUILD_TYPE
#define PFNBENCH_BUILD_TYPE "unknown"
#endif
#ifndef PFNBENCH_SANITIZE
#define PFNBENCH_SANITIZE 0
#endif

/* ---- directory ----------------------------------------------------------- */

/* mkdir -p: 0 or -errno. */
static int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (!len)
		return -ENOENT;
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			break;
	}
	struct stat sb;

	if (stat(path, &sb))
		return -errno;
	return S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
}

/* The hostname up to the first dot, with anything but [A-Za-z0-9_-] as _. */
static void short_hostname(char *out, size_t len)
{
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) || !host[0])
		strcpy(host, "unknown");
	host[strcspn(host, ".")] = '\0';
	for (char *p = host; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '_';
	snprintf(out, len, "%s", host[0] ? host : "unknown");
}

int results_dir_create_at(const char *parent, time_t when, char *out, size_t outlen)
{
	char stamp[32], host[64];
	struct tm tm;
	int rc;

	rc = mkdir_parents(parent);
	if (rc)
		return rc;
	if (!gmtime_r(&when, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EINVAL;
	short_hostname(host, sizeof(host));
	for (int n = 1; n < 1000; n++) {
		int w = n == 1 ? snprintf(out, outlen, "%s/%s-%s", parent, stamp, host)
			       : snprintf(out, outlen, "%s/%s-%s-%d", parent, stamp, host, n);

		if (w < 0 || (size_t)w >= outlen)
			return -ENAMETOOLONG;
		if (!mkdir(out, 0755))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int results_dir_create(const char *parent, char *out, size_t outlen)
{
	return results_dir_create_at(parent, time(NULL), out, outlen);
}

/* ---- atomic write -------------------------------------------------------- */

int results_write_atomic(const char *dir, const char *name, const void *buf, size_t len)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	const char *p = buf;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name) >= (int)sizeof(tmp) ||
	    snprintf(final, sizeof(final), "%s/%s", dir, name) >= (int)sizeof(final))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = -errno;
			goto out_unlink;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd)) {
		rc = -errno;
		goto out_unlink;
	}
	if (close(fd)) {
		fd = -1;
		rc = -errno;
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, final)) {
		rc = -errno;
		goto out_unlink;
	}
	/* make the rename durable; best effort (some filesystems refuse) */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;

out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

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
	{ &config_array_words[CONFIG_ARRAY_PER_CALL], "array:" },
	{ &(const char *const){ CONFIG_PLACEMENT_LOCAL }, "place:" },
	{ &config_source_words[CONFIG_SOURCE_EMULATED], "" },
};

int results_case_variant(char *buf, size_t len, const char *cache, const char *array, const char *placement,
			 const char *source, unsigned long threads)
{
	const char *value[] = { cache, array, placement, source };
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

int results_csv_append(struct results_csv *csv, const struct result_row *row)
{
	for (size_t i = 0; i < NR_COLS; i++) {
		const char *s = (const char *)row + result_columns[i].off;

		if (result_columns[i].type != RESULT_STR)
			continue;
		if (!memchr(s, '\0', result_columns[i].size) || strpbrk(s, "\r\n"))
			return -EINVAL;
	}
	return csv_push(csv, row);
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
	FILE *f;

	*buf = NULL;
	*len = 0;
	f = open_memstream(buf, len);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < NR_COLS; i++) {
		fputs(result_columns[i].name, f);
		fputc(i + 1 < NR_COLS ? ',' : '\n', f);
	}
	for (size_t r = 0; r < csv->nr_rows; r++)
		for (size_t i = 0; i < NR_COLS; i++) {
			put_field(f, &result_columns[i], &csv->rows[r]);
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

/* ---- meta.json ----------------------------------------------------------- */

/* First line of a small file, trailing whitespace removed.  0 or -errno. */
static int read_line_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_set_new(obj, key, v) ? -ENOMEM : 0;
}

static int set_str(json_t *obj, const char *key, const char *s)
{
	return set_new(obj, key, json_string(s ? s : "unavailable"));
}

/* An integer file (e.g. /proc/sys/...): the number, or null. */
static int set_int_file(json_t *obj, const char *key, const char *path)
{
	char buf[64], *end;
	long v;

	if (read_line_file(path, buf, sizeof(buf)))
		return set_new(obj, key, json_null());
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return set_new(obj, key, json_null());
	return set_new(obj, key, json_integer(v));
}

/* "always [madvise] never" -> "madvise"; "unavailable" without the file. */
static int set_bracketed(json_t *obj, const char *key, const char *path)
{
	char buf[256], *open, *close;

	if (read_line_file(path, buf, sizeof(buf)))
		return set_str(obj, key, NULL);
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!open || !close)
		return set_str(obj, key, buf);
	*close = '\0';
	return set_str(obj, key, open + 1);
}

/* A "Key:   N kB" line of /proc/meminfo in bytes, or -1. */
static long long meminfo_bytes(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoll(line + klen + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return v;
}

static int set_bytes(json_t *obj, const char *key, long long v)
{
	return set_new(obj, key, v >= 0 ? json_integer(v) : json_null());
}

/* Size of cpu0's highest-level data or unified cache, or -1. */
static long long llc_bytes(void)
{
	long long best = -1;
	int best_level = 0;

	for (int i = 0; i < 16; i++) {
		char path[128], buf[64], *end;
		int level;
		long long size;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		if (read_line_file(path, buf, sizeof(buf)))
			continue;
		if (!strcmp(buf, "Instruction"))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		if (read_line_file(path, buf, sizeof(buf)))
			continue;
		level = atoi(buf);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (read_line_file(path, buf, sizeof(buf)))
			continue;
		size = strtoll(buf, &end, 10);
		if (*end == 'K')
			size *= 1024;
		else if (*end == 'M')
			size *= 1024 * 1024;
		if (level > best_level && size > 0) {
			best_level = level;
			best = size;
		}
	}
	return best;
}

static int cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "re");
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon;

		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

int meta_collect_machine(json_t *machine)
{
	char buf[512], host[256] = "";
	struct utsname un;
	long nr_cpus;
	int pers, rc = 0;

	if (!json_is_object(machine))
		return -EINVAL;
	rc |= set_str(machine, "hostname", gethostname(host, sizeof(host) - 1) ? NULL : host);
	rc |= set_str(machine, "cpu_model", cpu_model(buf, sizeof(buf)) ? NULL : buf);
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	rc |= set_new(machine, "nr_cpus", nr_cpus > 0 ? json_integer(nr_cpus) : json_null());
	rc |= set_bytes(machine, "mem_total_bytes", meminfo_bytes("MemTotal"));
	rc |= set_bytes(machine, "swap_total_bytes", meminfo_bytes("SwapTotal"));
	rc |= set_bytes(machine, "llc_bytes", llc_bytes());
	if (!uname(&un)) {
		snprintf(buf, sizeof(buf), "%s %s", un.release, un.version);
		rc |= set_str(machine, "kernel", buf);
	} else {
		rc |= set_str(machine, "kernel", NULL);
	}
	rc |= set_bracketed(machine, "thp_enabled", "/sys/kernel/mm/transparent_hugepage/enabled");
	rc |= set_bracketed(machine, "thp_defrag", "/sys/kernel/mm/transparent_hugepage/defrag");
	rc |= set_str(machine, "clocksource",
		      read_line_file("/sys/devices/system/clocksource/clocksource0/current_clocksource", buf,
				     sizeof(buf))
			      ? NULL
			      : buf);
	rc |= set_int_file(machine, "aslr", "/proc/sys/kernel/randomize_va_space");
	pers = personality(0xffffffff);
	rc |= set_new(machine, "aslr_process_disabled",
		      pers < 0 ? json_null() : json_boolean(pers & ADDR_NO_RANDOMIZE));
	rc |= set_int_file(machine, "perf_event_paranoid", "/proc/sys/kernel/perf_event_paranoid");
	return rc ? -ENOMEM : 0;
}

int meta_collect_build(json_t *build)
{
	char flags[1024];
	const char *p = PFNBENCH_C_FLAGS;
	size_t n;
	int rc = 0;

	if (!json_is_object(build))
		return -EINVAL;
	/* CMake joins CMAKE_C_FLAGS and the per-type flags with a space */
	while (*p == ' ')
		p++;
	snprintf(flags, sizeof(flags), "%s", p);
	n = strlen(flags);
	while (n && flags[n - 1] == ' ')
		flags[--n] = '\0';
	rc |= set_str(build, "compiler", PFNBENCH_COMPILER);
	rc |= set_str(build, "flags", flags);
	rc |= set_str(build, "build_type", PFNBENCH_BUILD_TYPE);
	/* the C library's code runs inside the measured passes (malloc, memset) */
	snprintf(flags, sizeof(flags), "glibc %s", gnu_get_libc_version());
	rc |= set_str(build, "libc", flags);
	rc |= set_new(build, "sanitize", json_boolean(PFNBENCH_SANITIZE));
	return rc ? -ENOMEM : 0;
}

int meta_collect_pfnbench(json_t *pfnbench)
{
	int rc = 0;

	if (!json_is_object(pfnbench))
		return -EINVAL;
	/* fixed when the binary was built (build_info.h), not read from the tree now */
	rc |= set_str(pfnbench, "version", pfnbench_version);
	rc |= set_str(pfnbench, "git_commit", pfnbench_build_commit);
	rc |= set_new(pfnbench, "git_dirty",
		      pfnbench_build_dirty < 0 ? json_null() : json_boolean(pfnbench_build_dirty));
	return rc ? -ENOMEM : 0;
}

int meta_utc_timestamp(time_t when, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&when, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -ENAMETOOLONG;
	return 0;
}

int meta_write(const char *dir, const json_t *meta)
{
	char *text = json_dumps(meta, JSON_INDENT(2));
	size_t len;
	int rc;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	/* end the file with a newline, as every text file */
	char *nl = realloc(text, len + 2);

	if (!nl) {
		free(text);
		return -ENOMEM;
	}
	text = nl;
	text[len++] = '\n';
	text[len] = '\0';
	rc = results_write_atomic(dir, "meta.json", text, len);
	free(text);
	return rc;
}
