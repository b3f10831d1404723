/*
 * compare_inputs.c - what else differs between two results besides their
 * numbers: meta.json (kind, commit, machine, toolchain, config), the kind
 * of a table without one, impossible values and repeated rows, so that
 * compare and ab refuse to judge what cannot be compared.
 */
#include "compare.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"

/* Messages quote cells and names from the files: one line (report_data.h). */
#define seterr rdata_errorf
/* A results.csv column's name (results.h's list). */
#define COL(id) result_columns[RCOL_##id].name

static void meta_str(json_t *meta, const char *obj, const char *key, char *buf, size_t len)
{
	json_t *o = obj ? json_object_get(meta, obj) : meta;
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	snprintf(buf, len, "%s", json_is_string(v) ? json_string_value(v) : "");
	rdata_oneline(buf);
}

int cmp_meta_load(const char *dir, struct cmp_meta *m, char *err, size_t err_len)
{
	char path[PATH_MAX + 16], where[512];
	json_t *meta, *v, *cfg;

	memset(m, 0, sizeof(*m));
	m->dirty = -1;
	m->repetitions = -1;
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (access(path, F_OK))
		return 0;
	if (meta_load(path, &meta, where, sizeof(where))) {
		seterr(err, err_len, "%s%s (the file is damaged or cut short: rerun, or delete it to compare "
		       "results.csv alone)", path, where);
		return -EINVAL;
	}
	m->present = 1;
	meta_str(meta, NULL, "kind", m->kind, sizeof(m->kind));
	meta_str(meta, "pfnbench", "git_commit", m->commit, sizeof(m->commit));
	v = json_object_get(json_object_get(meta, "pfnbench"), "git_dirty");
	m->dirty = json_is_boolean(v) ? json_is_true(v) : -1;
	meta_str(meta, "machine", "kernel", m->kernel, sizeof(m->kernel));
	meta_str(meta, "machine", "cpu_model", m->cpu_model, sizeof(m->cpu_model));
	meta_str(meta, "machine", "hostname", m->hostname, sizeof(m->hostname));
	meta_str(meta, "machine", "thp_enabled", m->thp, sizeof(m->thp));
	meta_str(meta, "build", "build_type", m->build_type, sizeof(m->build_type));
	meta_str(meta, "build", "compiler", m->compiler, sizeof(m->compiler));
	meta_str(meta, "build", "libc", m->libc, sizeof(m->libc));
	meta_str(meta, "build", "valgrind", m->valgrind, sizeof(m->valgrind));
	meta_str(meta, "config", "file", m->config_file, sizeof(m->config_file));
	cfg = json_object_get(meta, "config");
	v = json_object_get(cfg, "repetitions");
	m->repetitions = json_is_integer(v) ? (long)json_integer_value(v) : -1;
	v = json_object_get(cfg, "text");
	if (json_is_string(v)) {
		/* FNV-1a of the config text: "same config" without keeping it */
		unsigned long h = 1469598103934665603UL;

		for (const char *c = json_string_value(v); *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211UL;
		m->config_hash = h ? h : 1;
	}
	if (!m->kind[0]) {
		/* results written before meta.json said its kind */
		json_t *counters = json_object_get(meta, "counters");

		if (json_is_object(counters) && json_object_get(counters, "callgrind_ir"))
			snprintf(m->kind, sizeof(m->kind), "callgrind");
	}
	json_decref(meta);
	return 0;
}

const char *cmp_kind(const struct rdata *t, const struct cmp_meta *m)
{
	int cs = rdata_col(t, COL(STATUS)), cn = rdata_col(t, COL(NS_PER_PAGE));
	int cc = rdata_col(t, COL(CALLGRIND_IR_PER_PAGE));
	size_t timed = 0, counted = 0;

	if (m && m->kind[0])
		return m->kind;
	for (size_t r = 0; r < t->nr_rows; r++) {
		if (strcmp(rdata_get(t, r, cs), RESULT_STATUS_OK))
			continue;
		timed += rdata_get(t, r, cn)[0] != '\0';
		counted += rdata_get(t, r, cc)[0] != '\0';
	}
	if (timed)
		return "timing";
	return counted ? "callgrind" : "";
}

/* Is the cell a whole number >= @min?  (Empty is not.) */
static int whole_at_least(const char *s, long min)
{
	char *end;
	long v;

	if (!*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	return !errno && !*end && v >= min;
}

/* The (case, backend, repetition) key of a row, for the duplicate check. */
static const struct rdata *dup_table;

static int cmp_dup(const void *a, const void *b)
{
	static const enum result_col cols[] = { RCOL_CASE, RCOL_BACKEND, RCOL_REPETITION };
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	for (size_t i = 0; i < 3; i++) {
		int c = rdata_col(dup_table, result_columns[cols[i]].name);
		int d = strcmp(rdata_get(dup_table, x, c), rdata_get(dup_table, y, c));

		if (d)
			return d;
	}
	return (x > y) - (x < y);
}

int cmp_check_values(const struct rdata *t, char *err, size_t err_len)
{
	int cs = rdata_col(t, COL(STATUS)), cns = rdata_col(t, COL(NS_PER_PAGE));
	int cnp = rdata_col(t, COL(NPAGES)), cb = rdata_col(t, COL(BATCH)), cr = rdata_col(t, COL(REPETITION));
	int cc = rdata_col(t, COL(CASE)), cbk = rdata_col(t, COL(BACKEND));
	size_t *idx, n = 0;
	int ret = 0;

	for (size_t r = 0; r < t->nr_rows && !ret; r++) {
		if (strcmp(rdata_get(t, r, cs), RESULT_STATUS_OK))
			continue;
		if (cnp >= 0 && !whole_at_least(rdata_get(t, r, cnp), 1)) {
			seterr(err, err_len, "%s:%u: npages '%s' is not a whole number >= 1 (fix or delete the row)",
			       t->path, t->lines[r], rdata_get(t, r, cnp));
			return -EINVAL;
		}
		if (cb >= 0 && !whole_at_least(rdata_get(t, r, cb), 1)) {
			seterr(err, err_len, "%s:%u: batch '%s' is not a whole number >= 1 (fix or delete the row)",
			       t->path, t->lines[r], rdata_get(t, r, cb));
			return -EINVAL;
		}
		if (cr >= 0 && !whole_at_least(rdata_get(t, r, cr), 0)) {
			seterr(err, err_len, "%s:%u: repetition '%s' is not a whole number >= 0 (fix or delete the row)",
			       t->path, t->lines[r], rdata_get(t, r, cr));
			return -EINVAL;
		}
		for (size_t c = 0; c < t->nr_cols; c++) {
			const char *name = t->cols[c], *cell = rdata_get(t, r, (int)c);
			size_t l = strlen(name);
			char *end;
			double v;

			if (!*cell || l < 9 || strcmp(name + l - 9, "_per_page"))
				continue;
			v = strtod(cell, &end);
			if (*end || end == cell) {
				seterr(err, err_len, "%s:%u: column '%s': '%s' is not a number (fix or delete the row)",
				       t->path, t->lines[r], name, cell);
				return -EINVAL;
			}
			if (isnan(v) || isinf(v) || v < 0 || ((int)c == cns && v == 0)) {
				seterr(err, err_len, "%s:%u: column '%s': '%s' is impossible (%s; fix or delete the row)",
				       t->path, t->lines[r], name, cell,
				       (int)c == cns ? "a time per page must be a finite number > 0"
						     : "a count per page must be a finite number >= 0");
				return -EINVAL;
			}
		}
		n++;
	}
	/* two ok rows for one (case, backend, repetition): a merged or edited file */
	idx = malloc((n + 1) * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	n = 0;
	for (size_t r = 0; r < t->nr_rows; r++)
		if (!strcmp(rdata_get(t, r, cs), RESULT_STATUS_OK))
			idx[n++] = r;
	dup_table = t;
	qsort(idx, n, sizeof(*idx), cmp_dup);
	for (size_t i = 1; i < n && !ret; i++) {
		size_t a = idx[i - 1], b = idx[i];

		if (!strcmp(rdata_get(t, a, cc), rdata_get(t, b, cc)) && !strcmp(rdata_get(t, a, cbk), rdata_get(t, b, cbk)) &&
		    !strcmp(rdata_get(t, a, cr), rdata_get(t, b, cr))) {
			seterr(err, err_len, "%s:%u: case %s, backend %s, repetition %s again (first at line %u; "
			       "one row per repetition: was the file merged or edited?)", t->path,
			       t->lines[b > a ? b : a], rdata_get(t, b, cc), rdata_get(t, b, cbk), rdata_get(t, b, cr),
			       t->lines[b > a ? a : b]);
			ret = -EINVAL;
		}
	}
	free(idx);
	return ret;
}

int cmp_toolchain_differs(const struct cmp_meta *a, const struct cmp_meta *b, char *why, size_t why_len)
{
	static const struct { const char *name; size_t off; } f[] = {
		{ "compiler", offsetof(struct cmp_meta, compiler) },
		{ "libc", offsetof(struct cmp_meta, libc) },
		{ "valgrind", offsetof(struct cmp_meta, valgrind) },
	};
	size_t used = 0;
	int differs = 0;

	if (why_len)
		why[0] = '\0';
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *x = (const char *)a + f[i].off, *y = (const char *)b + f[i].off;

		if (!*x && !*y)
			continue;	/* not a field of this kind of results */
		if (!*x || !*y)
			return 0;	/* recorded on one side only: cannot say */
		if (!strcmp(x, y))
			continue;
		differs = 1;
		if (used < why_len)
			used += (size_t)snprintf(why + used, why_len - used, "%s%s %s (BASE) vs %s (NEW)",
						 used ? ", " : "", f[i].name, x, y);
	}
	return differs;
}
