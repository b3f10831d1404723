/*
 * config_priv.h - what config.c (the file, the two passes, the checks),
 * config_parse.c (one parser per value type) and config_keys.c (the key
 * table, its JSON writer and free) share.  Not for other modules.
 */
#ifndef PFNBENCH_CONFIG_PRIV_H
#define PFNBENCH_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One key as written: raw value (continuations joined by a space), line. */
struct config_entry {
	const struct config_key *key;
	char *value;
	int line;
};

/* The state of one config_load(). */
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
	struct config_entry *entries;   /* at most one per key */
	size_t nr_entries;
	const struct config_key *last_key;
	/* errors: the first one wins */
	int rc;
	int err_line;
	char *err;
	size_t errlen;
};

/* "FILE:LINE: message" (line 0: "FILE: message") into st->err unless an
 * error came first; returns st->rc (-EINVAL). */
int st_error(struct pstate *st, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "FILE: out of memory"; returns st->rc (-ENOMEM). */
int st_nomem(struct pstate *st);

/* May the key's value continue on indented lines? */
bool config_key_is_list(const struct config_key *k);

/*
 * Parse VALUE (from LINE; 0 for a default) into k's member of cfg.
 * Returns 0 or st_error()/st_nomem()'s code.
 */
int config_parse_value(struct pstate *st, const struct config_key *k, struct sweep_config *cfg, const char *value,
		       int line);

/* Decimal, 0x hexadecimal or 2^K; no sign, no spaces.  0, -EINVAL or -ERANGE. */
int config_parse_u64(const char *s, uint64_t *out);

/* Free k's member of cfg (NULL-safe members). */
void config_value_free(const struct config_key *k, struct sweep_config *cfg);

/* k's member of cfg as JSON (meta.json "config"); NULL when out of memory. */
json_t *config_value_json(const struct config_key *k, const struct sweep_config *cfg);

/* The member of cfg at offset off, of type T. */
#define CFG_MEMBER(T, cfg, off) ((T *)((char *)(cfg) + (off)))

#endif
