/*
 * config_parse.c - one parser per config value type (enum config_type):
 * numbers and ranges, single numbers, yes/no, words of a table, names a
 * config_checks hook knows, placement specs, counters.  config.c calls
 * config_parse_value() for every key given and for the default of every
 * key not given; the table entry (config_keys.c) says where the value goes
 * and what it may be.  Every message names the key and says what to write
 * instead.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

static const char *const placement_keys[] = { "cpu", "pt", "memmap", "hmm", "drv", "data" };

int config_parse_u64(const char *s, uint64_t *out)
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
			e = config_parse_u64(tok, &a);
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
		if (config_parse_u64(tok, &a) || config_parse_u64(bstr, &b) ||
		    (stepc && config_parse_u64(stepc + 1, &step))) {
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

	if (!strcmp(spec, CONFIG_PLACEMENT_LOCAL))
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
		if (config_parse_u64(eq + 1, &node) || (eq[1] == '0' && (eq[2] == 'x' || eq[2] == 'X')))
			return st_error(st, line, "placement: node '%s' for %s in '%s' is not a decimal number",
					eq + 1, pair, spec);
		if (node > CONFIG_MAX_NODE)
			return st_error(st, line, "placement: node %s for %s is out of range (0 .. %d)", eq + 1,
					pair, CONFIG_MAX_NODE);
	}
	return 0;
}

static int parse_counters(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
			  int line)
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
		*CFG_MEMBER(unsigned, cfg, k->offset) = mask;
	return rc;
}

/* ---- one parser per type ----------------------------------------------- */

static int parse_numbers(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
			 int line)
{
	struct ulist l;
	int rc = parse_number_list(st, k->name, value, line, (unsigned long)k->min, (unsigned long)k->max,
				   k->extra_word != NULL, &l);

	if (!rc) {
		*CFG_MEMBER(unsigned long *, cfg, k->offset) = l.v;
		*CFG_MEMBER(size_t, cfg, k->nr_offset) = l.nr;
	}
	return rc;
}

static int parse_uint(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
		      int line)
{
	uint64_t v;
	int e = config_parse_u64(value, &v);

	if (e == -EINVAL)
		return st_error(st, line, "%s: '%s' is not a number (%s)", k->name, value, k->hint);
	if (e || v < k->min || v > k->max)
		return st_error(st, line, "%s: %s is out of range (%.0f .. %.0f)", k->name, value, k->min, k->max);
	*CFG_MEMBER(unsigned, cfg, k->offset) = (unsigned)v;
	return 0;
}

static int parse_u64_key(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
			 int line)
{
	uint64_t v;
	int e = config_parse_u64(value, &v);

	if (e == -ERANGE)
		return st_error(st, line, "%s: %s does not fit in 64 bits (0 .. 18446744073709551615)", k->name,
				value);
	if (e)
		return st_error(st, line, "%s: '%s' is not a number (%s)", k->name, value, k->hint);
	*CFG_MEMBER(uint64_t, cfg, k->offset) = v;
	return 0;
}

static int parse_double_key(struct pstate *st, const struct config_key *k, struct sweep_config *cfg,
			    const char *value, int line)
{
	double v;

	if (k->extra_word && !strcmp(value, k->extra_word)) {
		*CFG_MEMBER(double, cfg, k->offset) = 0;
		return 0;
	}
	if (parse_double(value, &v))
		return st_error(st, line, "%s: '%s' is not a number (%s)", k->name, value, k->hint);
	if (!(v > k->min) || v > k->max)
		return st_error(st, line, "%s: %s is out of range (%g < %s <= %g)", k->name, value, k->min, k->unit,
				k->max);
	*CFG_MEMBER(double, cfg, k->offset) = v;
	return 0;
}

static int parse_enums(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
		       int line)
{
	unsigned mask;
	int rc = parse_enum_list(st, k->name, value, line, k->words, k->nr_words, k->extra_word, &mask);

	return rc ? rc : mask_to_array(st, mask, k->nr_words, CFG_MEMBER(int *, cfg, k->offset),
				       CFG_MEMBER(size_t, cfg, k->nr_offset));
}

static int parse_enum(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
		      int line)
{
	return parse_single(st, k->name, value, line, k->words, k->nr_words, CFG_MEMBER(int, cfg, k->offset));
}

static int parse_names(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
		       int line)
{
	bool (*exists)(const char *) = k->check == CONFIG_CHECK_BACKEND    ? st->checks->backend_exists
				       : k->check == CONFIG_CHECK_WORKLOAD ? st->checks->workload_exists
									   : NULL;
	const char *what = k->check == CONFIG_CHECK_BACKEND ? "backend" : "workload";

	if (k->type == CONFIG_T_SPECS)
		return parse_name_list(st, k->name, value, line, " \t", NULL, NULL, check_placement,
				       CFG_MEMBER(char **, cfg, k->offset), CFG_MEMBER(size_t, cfg, k->nr_offset));
	return parse_name_list(st, k->name, value, line, ", \t", exists, what, NULL,
			       CFG_MEMBER(char **, cfg, k->offset), CFG_MEMBER(size_t, cfg, k->nr_offset));
}

int config_parse_value(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
		       int line)
{
	switch (k->type) {
	case CONFIG_T_NAMES:
	case CONFIG_T_SPECS:
		return parse_names(st, k, cfg, value, line);
	case CONFIG_T_NUMBERS:
		return parse_numbers(st, k, cfg, value, line);
	case CONFIG_T_UINT:
		return parse_uint(st, k, cfg, value, line);
	case CONFIG_T_U64:
		return parse_u64_key(st, k, cfg, value, line);
	case CONFIG_T_DOUBLE:
		return parse_double_key(st, k, cfg, value, line);
	case CONFIG_T_BOOL:
		return parse_bool(st, k->name, value, line, CFG_MEMBER(bool, cfg, k->offset));
	case CONFIG_T_ENUMS:
		return parse_enums(st, k, cfg, value, line);
	case CONFIG_T_ENUM:
		return parse_enum(st, k, cfg, value, line);
	case CONFIG_T_COUNTERS:
		return parse_counters(st, k, cfg, value, line);
	}
	return st_error(st, line, "%s: no parser for this key (a bug: see config_keys.c)", k->name);
}

bool config_key_is_list(const struct config_key *k)
{
	return k->type == CONFIG_T_NAMES || k->type == CONFIG_T_SPECS || k->type == CONFIG_T_NUMBERS ||
	       k->type == CONFIG_T_ENUMS || k->type == CONFIG_T_COUNTERS;
}
