/*
 * config.c - sweep configuration files, read with libinih.
 *
 * Two passes.  The first runs inih over the file text through a reader that
 * counts lines (Debian's libinih is built without INI_HANDLER_LINENO, so the
 * handler cannot be told the line; the reader is called once per line just
 * before the handler sees it) and records every key's raw value with its
 * line, catching unknown sections and keys, duplicates and long lines.  The
 * second pass parses the values in file order, then fills defaults and
 * checks the combinations.  The syntax and every key are documented in
 * config.h.  Left out on purpose: placement semantics (placement.c), the
 * backend and workload tables (config_checks).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#define CONFIG_MAX_FILE_BYTES (1 << 20)

static const char *const cache_names[] = { "warm", "cold" };
static const char *const array_names[] = { "per-call", "kept" };
static const char *const source_names[] = { "emulated", "kernel" };
static const char *const request_names[] = { "default", "none", "read", "write" };
static const char *const placement_keys[] = { "cpu", "pt", "memmap", "hmm", "drv", "data" };

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *config_cache_name(enum config_cache c)
{
	return (unsigned)c < ARRAY_SIZE(cache_names) ? cache_names[c] : "?";
}

const char *config_array_name(enum config_array a)
{
	return (unsigned)a < ARRAY_SIZE(array_names) ? array_names[a] : "?";
}

const char *config_source_name(enum config_source s)
{
	return (unsigned)s < ARRAY_SIZE(source_names) ? source_names[s] : "?";
}

const char *config_request_name(enum config_request r)
{
	return (unsigned)r < ARRAY_SIZE(request_names) ? request_names[r] : "?";
}

/* ---- parse state ------------------------------------------------------- */

struct pstate;
typedef int (*key_parse_fn)(struct pstate *st, struct sweep_config *cfg, const char *value, int line);

struct key {
	const char *section;
	const char *name;
	key_parse_fn parse;
	bool required;
	bool list;        /* may continue on indented lines */
};

/* One key as written: raw value (continuations joined by a space), line. */
struct entry {
	const struct key *key;
	char *value;
	int line;
};

struct pstate {
	const char *path;
	const struct config_checks *checks;
	/* reader */
	const char *text;
	size_t len, pos;
	int lineno;
	bool line_indented;
	int sweep_line;          /* line of the first [sweep] header, 0 if none */
	/* first pass */
	struct entry *entries;   /* at most one per key */
	size_t nr_entries;
	const struct key *last_key;
	/* errors: the first one wins */
	int rc;
	int err_line;
	char *err;
	size_t errlen;
};

static int st_error(struct pstate *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int st_error(struct pstate *st, int line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (st->rc)
		return st->rc;
	st->rc = -EINVAL;
	st->err_line = line;
	if (!st->err || !st->errlen)
		return st->rc;
	if (line > 0)
		n = snprintf(st->err, st->errlen, "%s:%d: ", st->path, line);
	else
		n = snprintf(st->err, st->errlen, "%s: ", st->path);
	if (n < 0 || (size_t)n >= st->errlen)
		return st->rc;
	va_start(ap, fmt);
	vsnprintf(st->err + n, st->errlen - n, fmt, ap);
	va_end(ap);
	/* quoted names and values from the file: one printable line */
	for (char *p = st->err + n; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return st->rc;
}

static int st_nomem(struct pstate *st)
{
	if (!st->rc) {
		st->rc = -ENOMEM;
		if (st->err && st->errlen)
			snprintf(st->err, st->errlen, "%s: out of memory", st->path);
	}
	return st->rc;
}

/* ---- small parsers ----------------------------------------------------- */

/* Decimal, 0x hexadecimal or 2^K; no sign, no spaces.  0 or -EINVAL/-ERANGE. */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	if (s[0] == '2' && s[1] == '^') {
		if (!isdigit((unsigned char)s[2]))
			return -EINVAL;
		errno = 0;
		v = strtoull(s + 2, &end, 10);
		if (errno || *end)
			return -EINVAL;
		if (v > 63)
			return -ERANGE;
		*out = 1ULL << v;
		return 0;
	}
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;     /* "0x" alone, "0x-1" */
		v = strtoull(s + 2, &end, 16);
	} else {
		v = strtoull(s, &end, 10);  /* no octal: 010 is ten */
	}
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Split VALUE into tokens separated by any of SEPS.  Returns the number of
 * tokens (>= 0) or -ENOMEM; *out is a NULL-terminated array of pointers into
 * one copy of value (free tokens[0]'s buffer via the returned base).
 */
struct tokens {
	char *buf;
	char **tok;
	size_t nr;
};

static void tokens_free(struct tokens *t)
{
	free(t->buf);
	free(t->tok);
	memset(t, 0, sizeof(*t));
}

static int tokens_split(const char *value, const char *seps, struct tokens *t)
{
	size_t cap = 8;
	char *save = NULL, *p;

	memset(t, 0, sizeof(*t));
	t->buf = strdup(value);
	t->tok = malloc(cap * sizeof(*t->tok));
	if (!t->buf || !t->tok) {
		tokens_free(t);
		return -ENOMEM;
	}
	for (p = strtok_r(t->buf, seps, &save); p; p = strtok_r(NULL, seps, &save)) {
		if (t->nr == cap) {
			char **n = realloc(t->tok, 2 * cap * sizeof(*n));

			if (!n) {
				tokens_free(t);
				return -ENOMEM;
			}
			t->tok = n;
			cap *= 2;
		}
		t->tok[t->nr++] = p;
	}
	return 0;
}

static int lookup(const char *const *names, size_t nr, const char *s)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Sort ascending, drop duplicates, 0 (whole) last.  Returns the new count. */
static size_t sort_unique(unsigned long *v, size_t nr)
{
	size_t out = 0, zeros = 0;

	for (size_t i = 0; i < nr; i++) {
		if (v[i] == 0)
			zeros++;
		else
			v[out++] = v[i];
	}
	qsort(v, out, sizeof(*v), cmp_ulong);
	nr = out;
	out = 0;
	for (size_t i = 0; i < nr; i++)
		if (!out || v[out - 1] != v[i])
			v[out++] = v[i];
	if (zeros)
		v[out++] = 0;
	return out;
}

/* ---- number lists ------------------------------------------------------ */

struct ulist {
	unsigned long *v;
	size_t nr, cap;
};

static int ulist_push(struct ulist *l, unsigned long x)
{
	if (l->nr == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		unsigned long *n = realloc(l->v, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->v = n;
		l->cap = cap;
	}
	l->v[l->nr++] = x;
	return 0;
}

/*
 * Parse a number list for key NAME with values in [min, max]; `whole`
 * (when allow_whole) becomes 0.  0 or the st_error/st_nomem code.
 */
static int parse_number_list(struct pstate *st, const char *name, const char *value, int line,
			     unsigned long min, unsigned long max, bool allow_whole, struct ulist *out)
{
	struct tokens t;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (tokens_split(value, ", \t", &t))
		return st_nomem(st);
	if (!t.nr) {
		rc = st_error(st, line, "'%s' is an empty list (give at least one value)", name);
		goto out_tokens;
	}
	for (size_t i = 0; i < t.nr && !rc; i++) {
		char *tok = t.tok[i], *dots, *stepc = NULL, op = 0;
		uint64_t a, b, step = 0;
		int e;

		if (allow_whole && !strcmp(tok, "whole")) {
			if (ulist_push(out, 0))
				rc = st_nomem(st);
			continue;
		}
		dots = strstr(tok, "..");
		if (!dots) {
			e = parse_u64(tok, &a);
			if (e)
				rc = st_error(st, line, "%s: '%s' is not a number (use decimal, 0x hex, 2^K%s)",
					      name, tok, allow_whole ? " or whole" : "");
			else if (a < min || a > max)
				rc = st_error(st, line, "%s: %s is out of range (%lu .. %lu)", name, tok, min,
					      max);
			else if (ulist_push(out, (unsigned long)a))
				rc = st_nomem(st);
			continue;
		}
		/* range A..B, A..B*F, A..B+S */
		*dots = '\0';
		char *bstr = dots + 2;

		stepc = strpbrk(bstr, "*+");
		if (stepc) {
			op = *stepc;
			*stepc = '\0';
		}
		if (parse_u64(tok, &a) || parse_u64(bstr, &b) ||
		    (stepc && parse_u64(stepc + 1, &step))) {
			rc = st_error(st, line,
				      "%s: bad range '%s..%s%s%s' (write A..B for powers of two, A..B*F or A..B+S)",
				      name, tok, bstr, stepc ? (op == '*' ? "*" : "+") : "",
				      stepc ? stepc + 1 : "");
			continue;
		}
		if (a > b) {
			rc = st_error(st, line, "%s: range %s..%s is backwards (write the smaller bound first)",
				      name, tok, bstr);
			continue;
		}
		if (a < min || b > max) {
			rc = st_error(st, line, "%s: range %s..%s is out of range (%lu .. %lu)", name, tok, bstr,
				      min, max);
			continue;
		}
		if ((op == '*' && step < 2) || (op == '+' && step < 1)) {
			rc = st_error(st, line, "%s: range step %c%s must be %s (e.g. %s)", name, op,
				      stepc + 1, op == '*' ? ">= 2" : ">= 1", op == '*' ? "1..64*2" : "1..64+1");
			continue;
		}
		size_t before = out->nr;

		if (!op) {
			for (uint64_t p = 1; p && p <= b && !rc; p <<= 1)
				if (p >= a && ulist_push(out, (unsigned long)p))
					rc = st_nomem(st);
		} else {
			for (uint64_t x = a; x <= b && !rc;) {
				if (out->nr >= CONFIG_MAX_LIST)
					break;
				if (ulist_push(out, (unsigned long)x))
					rc = st_nomem(st);
				uint64_t next = op == '*' ? x * step : x + step;

				if ((op == '*' && next / step != x) || next <= x)
					break;   /* overflow */
				x = next;
			}
		}
		if (!rc && out->nr == before)
			rc = st_error(st, line, "%s: range %s..%s contains no power of two (use A..B+S for a linear range)",
				      name, tok, bstr);
		if (!rc && out->nr >= CONFIG_MAX_LIST)
			rc = st_error(st, line, "%s: more than %d values (use a coarser step)", name,
				      CONFIG_MAX_LIST);
	}
	if (!rc)
		out->nr = sort_unique(out->v, out->nr);
out_tokens:
	tokens_free(&t);
	if (rc) {
		free(out->v);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

/* A list of names from TABLE; returns a bitmask in *mask. */
static int parse_enum_list(struct pstate *st, const char *name, const char *value, int line,
			   const char *const *table, size_t nr_table, const char *both, unsigned *mask)
{
	struct tokens t;
	int rc = 0;

	*mask = 0;
	if (tokens_split(value, ", \t", &t))
		return st_nomem(st);
	if (!t.nr)
		rc = st_error(st, line, "'%s' is an empty list (give at least one value)", name);
	for (size_t i = 0; i < t.nr && !rc; i++) {
		int idx = lookup(table, nr_table, t.tok[i]);

		if (both && !strcmp(t.tok[i], both)) {
			*mask |= (1U << nr_table) - 1;
			continue;
		}
		if (idx < 0) {
			char names[128] = "";

			for (size_t j = 0; j < nr_table; j++) {
				strcat(names, j ? " | " : "");
				strcat(names, table[j]);
			}
			if (both) {
				strcat(names, " | ");
				strcat(names, both);
			}
			rc = st_error(st, line, "%s: unknown value '%s' (use %s)", name, t.tok[i], names);
			break;
		}
		*mask |= 1U << idx;
	}
	tokens_free(&t);
	return rc;
}

/* Expand a bitmask of enum values into a sorted array of int-sized enums. */
static int mask_to_array(struct pstate *st, unsigned mask, size_t nr_table, int **out, size_t *nr)
{
	size_t n = (size_t)__builtin_popcount(mask), k = 0;
	int *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return st_nomem(st);
	for (size_t i = 0; i < nr_table; i++)
		if (mask & (1U << i))
			v[k++] = (int)i;
	*out = v;
	*nr = n;
	return 0;
}

static int parse_single(struct pstate *st, const char *name, const char *value, int line,
			const char *const *table, size_t nr_table, int *out)
{
	int idx = lookup(table, nr_table, value);

	if (!*value)
		return st_error(st, line, "'%s' is empty (give one value)", name);
	if (idx < 0) {
		char names[128] = "";

		for (size_t j = 0; j < nr_table; j++) {
			strcat(names, j ? " | " : "");
			strcat(names, table[j]);
		}
		return st_error(st, line, "%s: unknown value '%s' (use one of %s)", name, value, names);
	}
	*out = idx;
	return 0;
}

static int parse_bool(struct pstate *st, const char *name, const char *value, int line, bool *out)
{
	if (!strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "1"))
		*out = true;
	else if (!strcmp(value, "no") || !strcmp(value, "false") || !strcmp(value, "0"))
		*out = false;
	else
		return st_error(st, line, "%s: '%s' is not yes or no (use yes or no)", name, value);
	return 0;
}

/* A list of names, each checked by EXISTS; duplicates dropped, order kept. */
static int parse_name_list(struct pstate *st, const char *name, const char *value, int line,
			   const char *seps, bool (*exists)(const char *), const char *what,
			   int (*check)(struct pstate *, const char *, int), char ***out, size_t *nr)
{
	struct tokens t;
	char **v = NULL;
	size_t n = 0;
	int rc = 0;

	if (tokens_split(value, seps, &t))
		return st_nomem(st);
	if (!t.nr) {
		rc = st_error(st, line, "'%s' is an empty list (give at least one value)", name);
		goto out;
	}
	v = calloc(t.nr, sizeof(*v));
	if (!v) {
		rc = st_nomem(st);
		goto out;
	}
	for (size_t i = 0; i < t.nr && !rc; i++) {
		bool dup = false;

		if (exists && !exists(t.tok[i])) {
			rc = st_error(st, line, "%s: unknown %s '%s' (pfnbench list %ss shows the names)", name,
				      what, t.tok[i], what);
			break;
		}
		if (check && (rc = check(st, t.tok[i], line)))
			break;
		for (size_t j = 0; j < n; j++)
			dup |= !strcmp(v[j], t.tok[i]);
		if (dup)
			continue;
		v[n] = strdup(t.tok[i]);
		if (!v[n])
			rc = st_nomem(st);
		else
			n++;
	}
out:
	tokens_free(&t);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	*out = v;
	*nr = n;
	return 0;
}

/* `local` or key=node pairs; only the syntax, placement.c gives meaning. */
static int check_placement(struct pstate *st, const char *spec, int line)
{
	char buf[CONFIG_MAX_LINE + 1], *save = NULL, *pair;
	unsigned seen = 0;

	if (!strcmp(spec, "local"))
		return 0;
	if (strlen(spec) >= sizeof(buf) || spec[0] == ',' || spec[strlen(spec) - 1] == ',' ||
	    strstr(spec, ",,"))
		return st_error(st, line, "placement: bad spec '%s' (write local or key=node pairs joined by commas, e.g. cpu=0,hmm=1)",
				spec);
	strcpy(buf, spec);
	for (pair = strtok_r(buf, ",", &save); pair; pair = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(pair, '=');
		uint64_t node;
		int k;

		if (!eq)
			return st_error(st, line, "placement: '%s' in '%s' is not key=node (e.g. hmm=1)", pair,
					spec);
		*eq = '\0';
		k = lookup(placement_keys, ARRAY_SIZE(placement_keys), pair);
		if (k < 0)
			return st_error(st, line, "placement: unknown key '%s' in '%s' (keys: cpu pt memmap hmm drv data)",
					pair, spec);
		if (seen & (1U << k))
			return st_error(st, line, "placement: key '%s' twice in '%s' (give each key once)", pair,
					spec);
		seen |= 1U << k;
		if (parse_u64(eq + 1, &node) || (eq[1] == '0' && (eq[2] == 'x' || eq[2] == 'X')))
			return st_error(st, line, "placement: node '%s' for %s in '%s' is not a decimal number",
					eq + 1, pair, spec);
		if (node > CONFIG_MAX_NODE)
			return st_error(st, line, "placement: node %s for %s is out of range (0 .. %d)", eq + 1,
					pair, CONFIG_MAX_NODE);
	}
	return 0;
}

/* ---- key parsers ------------------------------------------------------- */

static int k_backends(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	return parse_name_list(st, "backends", value, line, ", \t", st->checks->backend_exists, "backend",
			       NULL, &cfg->backends, &cfg->nr_backends);
}

static int k_workloads(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	return parse_name_list(st, "workloads", value, line, ", \t", st->checks->workload_exists,
			       "workload", NULL, &cfg->workloads, &cfg->nr_workloads);
}

static int k_placement(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	return parse_name_list(st, "placement", value, line, " \t", NULL, NULL, check_placement,
			       &cfg->placements, &cfg->nr_placements);
}

static int k_npages(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	struct ulist l;
	int rc = parse_number_list(st, "npages", value, line, 1, CONFIG_NPAGES_MAX, false, &l);

	if (!rc) {
		cfg->npages = l.v;
		cfg->nr_npages = l.nr;
	}
	return rc;
}

static int k_batch(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	struct ulist l;
	int rc = parse_number_list(st, "batch", value, line, 1, CONFIG_NPAGES_MAX, true, &l);

	if (!rc) {
		cfg->batch = l.v;
		cfg->nr_batch = l.nr;
	}
	return rc;
}

static int k_threads(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	struct ulist l;
	int rc = parse_number_list(st, "threads", value, line, 1, 1024, false, &l);

	if (rc)
		return rc;
	cfg->threads = calloc(l.nr, sizeof(*cfg->threads));
	if (!cfg->threads) {
		free(l.v);
		return st_nomem(st);
	}
	for (size_t i = 0; i < l.nr; i++)
		cfg->threads[i] = (unsigned)l.v[i];
	cfg->nr_threads = l.nr;
	free(l.v);
	return 0;
}

static int k_repetitions(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	uint64_t v;
	int e = parse_u64(value, &v);

	if (e == -EINVAL)
		return st_error(st, line, "repetitions: '%s' is not a number (give a whole number >= 1)", value);
	if (e || v < 1 || v > 1000000)
		return st_error(st, line, "repetitions: %s is out of range (1 .. 1000000)", value);
	cfg->repetitions = (unsigned)v;
	return 0;
}

static int k_seed(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	uint64_t v;
	int e = parse_u64(value, &v);

	if (e == -ERANGE)
		return st_error(st, line, "seed: %s does not fit in 64 bits (0 .. 18446744073709551615)", value);
	if (e)
		return st_error(st, line, "seed: '%s' is not a number (decimal or 0x hex)", value);
	cfg->seed = v;
	return 0;
}

static int k_min_time(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	double v;

	if (parse_double(value, &v))
		return st_error(st, line, "min_time: '%s' is not a number (seconds, e.g. 0.05)", value);
	if (!(v > 0) || v > 3600)
		return st_error(st, line, "min_time: %s is out of range (0 < seconds <= 3600)", value);
	cfg->min_time_s = v;
	return 0;
}

static int k_migrated_share(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	double v;

	if (parse_double(value, &v))
		return st_error(st, line, "migrated_share: '%s' is not a number (a share, 0 < share <= 1)", value);
	if (!(v > 0) || v > 1)
		return st_error(st, line, "migrated_share: %s is out of range (0 < share <= 1)", value);
	cfg->migrated_share = v;
	return 0;
}

static int k_cache(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	unsigned mask;
	int rc = parse_enum_list(st, "cache", value, line, cache_names, ARRAY_SIZE(cache_names), NULL, &mask);

	return rc ? rc : mask_to_array(st, mask, ARRAY_SIZE(cache_names), (int **)&cfg->caches, &cfg->nr_caches);
}

static int k_array(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	unsigned mask;
	int rc = parse_enum_list(st, "array", value, line, array_names, ARRAY_SIZE(array_names), "both",
				 &mask);

	return rc ? rc : mask_to_array(st, mask, ARRAY_SIZE(array_names), (int **)&cfg->arrays, &cfg->nr_arrays);
}

static int k_source(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	unsigned mask;
	int rc = parse_enum_list(st, "source", value, line, source_names, ARRAY_SIZE(source_names), NULL,
				 &mask);

	return rc ? rc : mask_to_array(st, mask, ARRAY_SIZE(source_names), (int **)&cfg->sources, &cfg->nr_sources);
}

static int k_counters(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	struct tokens t;
	unsigned mask = 0;
	int rc = 0;

	if (tokens_split(value, ", \t", &t))
		return st_nomem(st);
	if (!t.nr)
		rc = st_error(st, line, "'counters' is an empty list (give all, none or counter names)");
	for (size_t i = 0; i < t.nr && !rc; i++) {
		int idx;

		if (!strcmp(t.tok[i], "all") || !strcmp(t.tok[i], "none")) {
			if (t.nr > 1)
				rc = st_error(st, line, "counters: '%s' cannot be combined with other names (give %s alone or a list of names)",
					      t.tok[i], t.tok[i]);
			mask = t.tok[i][0] == 'a' ? PC_MASK_ALL : 0;
			continue;
		}
		idx = pfn_counter_find(t.tok[i], false);
		if (idx < 0) {
			char names[256] = "";

			for (int c = 0; c < PC_NR; c++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s",
					 pfn_counter_info[c].name);
			rc = st_error(st, line, "counters: unknown counter '%s' (use all, none or%s)", t.tok[i],
				      names);
		}
		else
			mask |= 1U << idx;
	}
	tokens_free(&t);
	if (!rc)
		cfg->counters = mask;
	return rc;
}

static int k_clear_data(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	return parse_bool(st, "clear_data", value, line, &cfg->clear_data);
}

static int k_stages(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	return parse_bool(st, "stages", value, line, &cfg->stages);
}

static int k_dma(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	return parse_bool(st, "dma", value, line, &cfg->dma);
}

static int k_request(struct pstate *st, struct sweep_config *cfg, const char *value, int line)
{
	int r = 0;
	int rc = parse_single(st, "request", value, line, request_names, ARRAY_SIZE(request_names), &r);

	if (!rc)
		cfg->request = (enum config_request)r;
	return rc;
}

static const struct key keys[] = {
	{ "sweep", "backends", k_backends, true, true },
	{ "sweep", "workloads", k_workloads, true, true },
	{ "sweep", "npages", k_npages, true, true },
	{ "sweep", "batch", k_batch, false, true },
	{ "sweep", "repetitions", k_repetitions, false, false },
	{ "sweep", "min_time", k_min_time, false, false },
	{ "sweep", "cache", k_cache, false, true },
	{ "sweep", "clear_data", k_clear_data, false, false },
	{ "sweep", "array", k_array, false, true },
	{ "sweep", "placement", k_placement, false, true },
	{ "sweep", "threads", k_threads, false, true },
	{ "sweep", "counters", k_counters, false, true },
	{ "sweep", "seed", k_seed, false, false },
	{ "sweep", "source", k_source, false, true },
	{ "sweep", "stages", k_stages, false, false },
	{ "sweep", "dma", k_dma, false, false },
	{ "sweep", "request", k_request, false, false },
	{ "workload", "migrated_share", k_migrated_share, false, false },
};

/* ---- first pass: inih -------------------------------------------------- */

/* fgets-like over st->text; counts lines; flags long lines and NUL bytes. */
static char *config_reader(char *str, int num, void *stream)
{
	struct pstate *st = stream;
	const char *line, *nl;
	size_t linelen;

	if (st->pos >= st->len || num < 2)
		return NULL;
	line = st->text + st->pos;
	nl = memchr(line, '\n', st->len - st->pos);
	linelen = nl ? (size_t)(nl - line) + 1 : st->len - st->pos;
	st->pos += linelen;
	st->lineno++;
	st->line_indented = linelen && (line[0] == ' ' || line[0] == '\t');

	if (memchr(line, '\0', linelen)) {
		st_error(st, st->lineno, "NUL byte in the line (the file must be text)");
		strcpy(str, "\n");
		return str;
	}
	for (size_t i = 0; i < linelen; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7f) {
			st_error(st, st->lineno, "control character 0x%02x at column %zu (the file must be text; is this a config file?)",
				 ch, i + 1);
			strcpy(str, "\n");
			return str;
		}
	}
	if (linelen > (size_t)num - 1 || linelen - (nl ? 1 : 0) > CONFIG_MAX_LINE) {
		st_error(st, st->lineno, "line longer than %d characters (continue the list on an indented next line)",
			 CONFIG_MAX_LINE);
		strcpy(str, "\n");
		return str;
	}
	memcpy(str, line, linelen);
	str[linelen] = '\0';

	/* remember where [sweep] starts, for "missing key" messages */
	const char *p = str;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!st->sweep_line && !strncmp(p, "[sweep]", 7))
		st->sweep_line = st->lineno;
	return str;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].section, section))
			return true;
	return false;
}

/* "name =" or "name=" at the start of s, where name is any known key. */
static bool looks_like_key(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t n = strlen(keys[i].name);

		if (!strncmp(s, keys[i].name, n)) {
			const char *p = s + n;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '=')
				return true;
		}
	}
	return false;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct pstate *st = user;
	const struct key *k = NULL;
	int line = st->lineno;

	if (!*section) {
		st_error(st, line, "key '%s' before any section (put it under [sweep] or [workload])", name);
		return 0;
	}
	if (!section_known(section)) {
		st_error(st, line, "unknown section [%s] (sections are [sweep] and [workload])", section);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			k = &keys[i];
	if (!k) {
		st_error(st, line, "unknown key '%s' in [%s] (the keys are listed at the top of configs/default.conf)",
			 name, section);
		return 0;
	}
	for (size_t i = 0; i < st->nr_entries; i++) {
		struct entry *e = &st->entries[i];
		char *joined;

		if (e->key != k)
			continue;
		if (k != st->last_key || !st->line_indented) {
			st_error(st, line, "key '%s' given twice (first on line %d; keep one)", name, e->line);
			return 0;
		}
		/* an indented line continues the previous key (inih multi-line) */
		if (!k->list) {
			st_error(st, line, "indented line continues '%s', which takes one value (remove the indentation or the line)",
				 name);
			return 0;
		}
		if (looks_like_key(value)) {
			st_error(st, line, "indented line '%s' continues '%s' (remove the indentation to start a new key)",
				 value, name);
			return 0;
		}
		if (asprintf(&joined, "%s %s", e->value, value) < 0) {
			st_nomem(st);
			return 0;
		}
		free(e->value);
		e->value = joined;
		return 1;
	}
	st->entries[st->nr_entries].key = k;
	st->entries[st->nr_entries].line = line;
	st->entries[st->nr_entries].value = strdup(value);
	if (!st->entries[st->nr_entries].value) {
		st_nomem(st);
		return 0;
	}
	st->nr_entries++;
	st->last_key = k;
	return 1;
}

/* ---- loading ----------------------------------------------------------- */

static int read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	struct stat sb;
	char *buf = NULL;
	size_t n = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot read: %s (check the path and permissions)", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &sb)) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(-rc));
		goto out_close;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = -EISDIR;
		snprintf(err, errlen, "%s: is a directory (give a config file, e.g. configs/quick.conf)", path);
		goto out_close;
	}
	buf = malloc(CONFIG_MAX_FILE_BYTES + 1);
	if (!buf) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out_close;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, CONFIG_MAX_FILE_BYTES + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s: cannot read: %s (check the path and permissions)", path,
				 strerror(-rc));
			goto out_free;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CONFIG_MAX_FILE_BYTES) {
			rc = -EFBIG;
			snprintf(err, errlen, "%s: larger than 1 MiB (is this a config file?)", path);
			goto out_free;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	close(fd);
	return 0;
out_free:
	free(buf);
out_close:
	close(fd);
	return rc;
}

static int check_combinations(struct pstate *st, struct sweep_config *cfg)
{
	int stages_line = 0, threads_line = 0, array_line = 0, backends_line = 0;

	for (size_t i = 0; i < st->nr_entries; i++) {
		const char *n = st->entries[i].key->name;
		int l = st->entries[i].line;

		if (!strcmp(n, "stages"))
			stages_line = l;
		else if (!strcmp(n, "threads"))
			threads_line = l;
		else if (!strcmp(n, "array"))
			array_line = l;
		else if (!strcmp(n, "backends"))
			backends_line = l;
	}
	if (cfg->stages && cfg->threads[cfg->nr_threads - 1] > 1)
		return st_error(st, stages_line > threads_line ? stages_line : threads_line,
				"stages = yes needs threads = 1 (stage times are per worker; drop stages or the threads > 1)");
	if (st->checks->backend_has_second_array && cfg->arrays[cfg->nr_arrays - 1] == CONFIG_ARRAY_KEPT) {
		bool any = false;

		for (size_t i = 0; i < cfg->nr_backends; i++)
			any |= st->checks->backend_has_second_array(cfg->backends[i]);
		if (!any)
			return st_error(st, array_line > backends_line ? array_line : backends_line,
					"array = kept but no listed backend has a second array (add convert to backends or use array = per-call)");
	}
	if (config_nr_cases(cfg) > CONFIG_MAX_CASES)
		return st_error(st, st->sweep_line,
				"the sweep has more than %lu cases (shorten the npages, batch or placement lists)",
				CONFIG_MAX_CASES);
	return 0;
}

static int set_default_lists(struct pstate *st, struct sweep_config *cfg)
{
	if (!cfg->batch) {
		cfg->batch = calloc(1, sizeof(*cfg->batch));
		if (!cfg->batch)
			return st_nomem(st);
		cfg->batch[0] = CONFIG_BATCH_WHOLE;
		cfg->nr_batch = 1;
	}
	if (!cfg->caches) {
		cfg->caches = calloc(1, sizeof(*cfg->caches));
		if (!cfg->caches)
			return st_nomem(st);
		cfg->caches[0] = CONFIG_CACHE_WARM;
		cfg->nr_caches = 1;
	}
	if (!cfg->arrays) {
		cfg->arrays = calloc(1, sizeof(*cfg->arrays));
		if (!cfg->arrays)
			return st_nomem(st);
		cfg->arrays[0] = CONFIG_ARRAY_PER_CALL;
		cfg->nr_arrays = 1;
	}
	if (!cfg->placements) {
		cfg->placements = calloc(1, sizeof(*cfg->placements));
		if (!cfg->placements || !(cfg->placements[0] = strdup("local")))
			return st_nomem(st);
		cfg->nr_placements = 1;
	}
	if (!cfg->threads) {
		cfg->threads = calloc(1, sizeof(*cfg->threads));
		if (!cfg->threads)
			return st_nomem(st);
		cfg->threads[0] = 1;
		cfg->nr_threads = 1;
	}
	if (!cfg->sources) {
		cfg->sources = calloc(1, sizeof(*cfg->sources));
		if (!cfg->sources)
			return st_nomem(st);
		cfg->sources[0] = CONFIG_SOURCE_EMULATED;
		cfg->nr_sources = 1;
	}
	return 0;
}

int config_load(const char *path, const struct config_checks *checks, struct sweep_config *cfg,
		char *err, size_t errlen)
{
	struct entry entries[ARRAY_SIZE(keys)];
	struct pstate st = {
		.path = path, .checks = checks, .entries = entries, .err = err, .errlen = errlen,
	};
	char dummy[1];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
		st.err = err;
		st.errlen = errlen;
	}
	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	if (!path || !checks || !checks->backend_exists || !checks->workload_exists) {
		snprintf(err, errlen, "config_load: no path or no backend/workload checks");
		return -EINVAL;
	}
	cfg->path = strdup(path);
	if (!cfg->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rc = read_file(path, &cfg->text, &cfg->text_len, err, errlen);
	if (rc)
		goto out_free;

	/* defaults of the scalars (lists are filled after parsing) */
	cfg->repetitions = 3;
	cfg->min_time_s = 0.05;
	cfg->clear_data = true;
	cfg->counters = PC_MASK_ALL;
	cfg->seed = 1;
	cfg->stages = false;
	cfg->dma = false;
	cfg->request = CONFIG_REQUEST_DEFAULT;
	cfg->migrated_share = 0.5;

	st.text = cfg->text;
	st.len = cfg->text_len;
	rc = ini_parse_stream(config_reader, &st, config_handler, &st);
	if (rc > 0 && (!st.rc || rc < st.err_line)) {
		st.rc = 0;  /* a syntax error inih found before our first error */
		st_error(&st, rc, "expected 'key = value' or '[section]' (check for a missing '=' or ']')");
	} else if (rc < 0 && !st.rc)
		st_nomem(&st);
	if (st.rc)
		goto out_entries;
	if (!st.nr_entries) {
		st_error(&st, 1, "no settings (a config needs a [sweep] section with backends, workloads and npages; see configs/quick.conf)");
		goto out_entries;
	}

	/* second pass: values in file order */
	for (size_t i = 0; i < st.nr_entries && !st.rc; i++)
		st.entries[i].key->parse(&st, cfg, st.entries[i].value, st.entries[i].line);
	for (size_t i = 0; i < ARRAY_SIZE(keys) && !st.rc; i++) {
		bool given = false;

		if (!keys[i].required)
			continue;
		for (size_t j = 0; j < st.nr_entries; j++)
			given |= st.entries[j].key == &keys[i];
		if (!given)
			st_error(&st, st.sweep_line ? st.sweep_line : 1,
				 "[%s] has no '%s' (it is required; see configs/default.conf)", keys[i].section,
				 keys[i].name);
	}
	if (!st.rc)
		set_default_lists(&st, cfg);
	if (!st.rc)
		check_combinations(&st, cfg);

out_entries:
	for (size_t i = 0; i < st.nr_entries; i++)
		free(st.entries[i].value);
	rc = st.rc;
	if (!rc)
		return 0;
out_free:
	config_free(cfg);
	return rc;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void config_free(struct sweep_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->text);
	free_names(cfg->backends, cfg->nr_backends);
	free_names(cfg->workloads, cfg->nr_workloads);
	free_names(cfg->placements, cfg->nr_placements);
	free(cfg->npages);
	free(cfg->batch);
	free(cfg->caches);
	free(cfg->arrays);
	free(cfg->threads);
	free(cfg->sources);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- derived values and JSON ------------------------------------------- */

size_t config_nr_cases(const struct sweep_config *cfg)
{
	const size_t dims[] = {
		cfg->nr_backends, cfg->nr_workloads, cfg->nr_npages,    cfg->nr_batch,   cfg->nr_caches,
		cfg->nr_arrays,   cfg->nr_placements, cfg->nr_threads, cfg->nr_sources,
	};
	size_t n = 1;

	for (size_t i = 0; i < ARRAY_SIZE(dims); i++) {
		if (dims[i] && n > SIZE_MAX / dims[i])
			return SIZE_MAX;
		n *= dims[i];
	}
	return n;
}

unsigned long config_batch_effective(unsigned long batch, unsigned long npages)
{
	return batch == CONFIG_BATCH_WHOLE || batch > npages ? npages : batch;
}

static int json_set(json_t *obj, const char *key, json_t *v)
{
	return v && !json_object_set_new(obj, key, v) ? 0 : -ENOMEM;
}

static json_t *json_strings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *json_enum_names(const int *v, size_t n, const char *(*name)(int))
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(name(v[i])))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static const char *cache_name_i(int v) { return config_cache_name((enum config_cache)v); }
static const char *array_name_i(int v) { return config_array_name((enum config_array)v); }
static const char *source_name_i(int v) { return config_source_name((enum config_source)v); }

int config_to_json(const struct sweep_config *cfg, json_t **out)
{
	json_t *o = json_object(), *a;
	int rc = 0;

	*out = NULL;
	if (!o)
		return -ENOMEM;
	rc |= json_set(o, "file", json_string(cfg->path ? cfg->path : ""));
	rc |= json_set(o, "text", json_stringn(cfg->text ? cfg->text : "", cfg->text_len));
	rc |= json_set(o, "backends", json_strings(cfg->backends, cfg->nr_backends));
	rc |= json_set(o, "workloads", json_strings(cfg->workloads, cfg->nr_workloads));
	a = json_array();
	for (size_t i = 0; a && i < cfg->nr_npages; i++)
		rc |= json_array_append_new(a, json_integer((json_int_t)cfg->npages[i])) ? -ENOMEM : 0;
	rc |= json_set(o, "npages", a);
	a = json_array();
	for (size_t i = 0; a && i < cfg->nr_batch; i++)
		rc |= json_array_append_new(a, cfg->batch[i] == CONFIG_BATCH_WHOLE
						       ? json_string("whole")
						       : json_integer((json_int_t)cfg->batch[i]))
			      ? -ENOMEM
			      : 0;
	rc |= json_set(o, "batch", a);
	rc |= json_set(o, "repetitions", json_integer(cfg->repetitions));
	rc |= json_set(o, "min_time_s", json_real(cfg->min_time_s));
	rc |= json_set(o, "cache", json_enum_names((const int *)cfg->caches, cfg->nr_caches, cache_name_i));
	rc |= json_set(o, "clear_data", json_boolean(cfg->clear_data));
	rc |= json_set(o, "array", json_enum_names((const int *)cfg->arrays, cfg->nr_arrays, array_name_i));
	rc |= json_set(o, "placement", json_strings(cfg->placements, cfg->nr_placements));
	a = json_array();
	for (size_t i = 0; a && i < cfg->nr_threads; i++)
		rc |= json_array_append_new(a, json_integer(cfg->threads[i])) ? -ENOMEM : 0;
	rc |= json_set(o, "threads", a);
	a = json_array();
	for (int i = 0; a && i < PC_NR; i++)
		if (cfg->counters & PC_MASK(i))
			rc |= json_array_append_new(a, json_string(pfn_counter_info[i].name)) ? -ENOMEM : 0;
	rc |= json_set(o, "counters", a);
	/* a uint64 seed may not fit json_int_t: keep it exact as a string too */
	{
		char seed[32];

		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)cfg->seed);
		rc |= json_set(o, "seed", json_string(seed));
	}
	rc |= json_set(o, "source", json_enum_names((const int *)cfg->sources, cfg->nr_sources, source_name_i));
	rc |= json_set(o, "stages", json_boolean(cfg->stages));
	rc |= json_set(o, "dma", json_boolean(cfg->dma));
	rc |= json_set(o, "request", json_string(config_request_name(cfg->request)));
	rc |= json_set(o, "migrated_share", json_real(cfg->migrated_share));
	rc |= json_set(o, "nr_cases", json_integer((json_int_t)config_nr_cases(cfg)));
	if (rc) {
		json_decref(o);
		return -ENOMEM;
	}
	*out = o;
	return 0;
}
