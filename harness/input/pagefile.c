/*
 * pagefile.c - read and write page files (docs/page-file.md).
 *
 * One pass over the lines (read_line(), bounded): every line is checked for bytes a
 * text file cannot hold, split into at most three tokens, and turned into an
 * emu_page_desc.  The checks that span lines are done during the same pass:
 *
 *  - huge pages: a thp-* line either continues the current run (same state,
 *    pfn head + slot) or starts one (2 MiB-aligned address, head a multiple
 *    of 512); a run that stops before 512 slots is an error on the line
 *    where it stops (or on the last line at end of file);
 *  - duplicates: an open-addressing hash set of every pfn and vram page
 *    named so far, with the line that named it, so that 2^20 lines stay
 *    linear;
 *  - the address of each page must stay below the 47-bit TASK_SIZE.
 *
 * Left out: the emulator's own limits (memmap size, etc.), which
 * emu_mm_populate() reports and pagefile_populate() maps back to a line.
 */
#include "pagefile.h"
#include "msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VRAM_PAGES_MAX (1UL << 24)
#define THP_NR 512UL

/* ---- duplicate set: key -> first line ---- */

struct pfn_set {
	uint64_t *keys;     /* key + 1; 0 is an empty slot */
	unsigned *lines;
	size_t cap, used;   /* cap is a power of two */
};

static size_t pfn_set_slot(const struct pfn_set *s, uint64_t key)
{
	uint64_t h = (key + 1) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	return (size_t)h & (s->cap - 1);
}

static int pfn_set_grow(struct pfn_set *s)
{
	struct pfn_set n = { .cap = s->cap ? s->cap * 2 : 4096 };
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.lines = malloc(n.cap * sizeof(*n.lines));
	if (!n.keys || !n.lines) {
		free(n.keys);
		free(n.lines);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->keys[i])
			continue;
		size_t j = pfn_set_slot(&n, s->keys[i] - 1);
		while (n.keys[j])
			j = (j + 1) & (n.cap - 1);
		n.keys[j] = s->keys[i];
		n.lines[j] = s->lines[i];
	}
	n.used = s->used;
	free(s->keys);
	free(s->lines);
	*s = n;
	return 0;
}

/* 0 when inserted, 1 when already there (*line_out: its line), -ENOMEM. */
static int pfn_set_insert(struct pfn_set *s, uint64_t key, unsigned line, unsigned *line_out)
{
	if ((s->used + 1) * 2 > s->cap) {
		int rc = pfn_set_grow(s);
		if (rc)
			return rc;
	}
	size_t j = pfn_set_slot(s, key);
	while (s->keys[j]) {
		if (s->keys[j] == key + 1) {
			*line_out = s->lines[j];
			return 1;
		}
		j = (j + 1) & (s->cap - 1);
	}
	s->keys[j] = key + 1;
	s->lines[j] = line;
	s->used++;
	return 0;
}

static void pfn_set_free(struct pfn_set *s)
{
	free(s->keys);
	free(s->lines);
	memset(s, 0, sizeof(*s));
}

/* ---- helpers ---- */


/* Hexadecimal with or without 0x: 0, -EINVAL (not a number), -ERANGE (> 64 bits). */
static int parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | (uint64_t)d;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool state_is_dev(int s)
{
	return s == EMU_PAGE_DEV || s == EMU_PAGE_DEV_RO || s == EMU_PAGE_DEV_OTHER;
}

static bool state_is_thp(int s)
{
	return s == EMU_PAGE_THP_RO || s == EMU_PAGE_THP_RW;
}

const char *pagefile_req_token(enum emu_req req)
{
	switch (req) {
	case EMU_REQ_NONE: return "@-";
	case EMU_REQ_READ: return "@r";
	case EMU_REQ_WRITE: return "@w";
	case EMU_REQ_DEFAULT: return "";
	}
	return NULL;
}

static void state_list(char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	for (int s = 0; s < EMU_PAGE_NR_STATES && off < len; s++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", s ? " " : "",
					emu_page_state_name((enum emu_page_state)s));
}

/* ---- the parser ---- */

struct parser {
	const char *name;
	char *err;
	size_t errlen;
	unsigned line;
	bool have_base;
	unsigned long base;
	struct emu_page_desc *pages;
	unsigned *lines;
	unsigned long npages, cap;
	struct pfn_set seen;
	/* current huge-page run */
	int thp_state;              /* -1: none */
	uint64_t thp_head;
	unsigned long thp_slots;
	unsigned thp_line;
};

#define PERR(p, ...) (msg_printf((p)->err, (p)->errlen, __VA_ARGS__), -EINVAL)

static int check_chars(struct parser *p, const char *s, size_t len, size_t *content_len)
{
	size_t comment = len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			return PERR(p, "%s:%u: NUL byte at column %zu (a page file is ASCII text; is this the right file?)",
				    p->name, p->line, i + 1);
		if (c == '\n' && i == len - 1)
			break;
		if (c == '#' && comment == len)
			comment = i;
		if (c == '\t' || c == '\r')
			continue;
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && comment == len))
			return PERR(p, "%s:%u: invalid byte 0x%02x at column %zu (a page file is ASCII text; is this the right file?)",
				    p->name, p->line, c, i + 1);
	}
	*content_len = comment;
	return 0;
}

static int add_page(struct parser *p, const struct emu_page_desc *d)
{
	if (p->npages == p->cap) {
		unsigned long ncap = p->cap ? p->cap * 2 : 1024;
		struct emu_page_desc *np = realloc(p->pages, ncap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		p->pages = np;
		unsigned *nl = realloc(p->lines, ncap * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		p->lines = nl;
		p->cap = ncap;
	}
	p->pages[p->npages] = *d;
	p->lines[p->npages] = p->line;
	p->npages++;
	return 0;
}

static int parse_base(struct parser *p, char **tok, int ntok)
{
	uint64_t v;
	if (p->npages)
		return PERR(p, "%s:%u: 'base' after the first page (move it before every page line)", p->name, p->line);
	if (p->have_base)
		return PERR(p, "%s:%u: 'base' given twice (keep one)", p->name, p->line);
	if (ntok < 2)
		return PERR(p, "%s:%u: 'base' without an address (write base 0xADDR)", p->name, p->line);
	if (ntok > 2)
		return PERR(p, "%s:%u: extra text '%s' after the base address (write base 0xADDR)", p->name, p->line, tok[2]);
	int rc = parse_hex(tok[1], &v);
	if (rc)
		return PERR(p, "%s:%u: bad base address '%s' (write a hexadecimal address such as 0x7f0000000000)",
			    p->name, p->line, tok[1]);
	if (v & (PAGE_SIZE - 1))
		return PERR(p, "%s:%u: base 0x%llx is not 4 KiB aligned (use a multiple of 0x1000)", p->name, p->line,
			    (unsigned long long)v);
	if (v == 0)
		return PERR(p, "%s:%u: base 0 is not a user address (use an address such as 0x7f0000000000)", p->name,
			    p->line);
	if (v >= TASK_SIZE_MAX)
		return PERR(p, "%s:%u: base 0x%llx is past the 47-bit user address space (use an address below 0x%lx)",
			    p->name, p->line, (unsigned long long)v, TASK_SIZE_MAX);
	p->have_base = true;
	p->base = v;
	return 0;
}

static int check_thp(struct parser *p, const struct emu_page_desc *d, unsigned long addr)
{
	if (p->thp_state >= 0) {
		uint64_t want = p->thp_head + p->thp_slots;
		if (d->state != p->thp_state || d->arg != want)
			return PERR(p, "%s:%u: partial huge page: the %s run started on line %u has %lu of 512 slots, "
				    "this line should be '%s 0x%llx' (a huge page is 512 lines with pfns head+0..head+511)",
				    p->name, p->line, emu_page_state_name((enum emu_page_state)p->thp_state), p->thp_line,
				    p->thp_slots, emu_page_state_name((enum emu_page_state)p->thp_state),
				    (unsigned long long)want);
		if (++p->thp_slots == THP_NR)
			p->thp_state = -1;
		return 0;
	}
	if (!state_is_thp(d->state))
		return 0;
	if (addr & (PMD_SIZE - 1))
		return PERR(p, "%s:%u: huge page starts at 0x%lx, which is not 2 MiB aligned "
			    "(a huge page starts at a 2 MiB boundary: check base and the number of lines before)",
			    p->name, p->line, addr);
	if (d->arg & (THP_NR - 1))
		return PERR(p, "%s:%u: huge page head pfn 0x%llx is not a multiple of 512 (use a head pfn ending in 0x200 steps)",
			    p->name, p->line, (unsigned long long)d->arg);
	p->thp_state = d->state;
	p->thp_head = d->arg;
	p->thp_slots = 1;
	p->thp_line = p->line;
	return 0;
}

static int parse_page(struct parser *p, char **tok, int ntok)
{
	struct emu_page_desc d = { .req = EMU_REQ_DEFAULT };
	int state = emu_page_state_from_name(tok[0]);
	int i = 1;

	if (state < 0) {
		char list[256];
		state_list(list, sizeof(list));
		return PERR(p, "%s:%u: unknown state '%s' (use one of: %s)", p->name, p->line, tok[0], list);
	}
	d.state = (uint8_t)state;
	const char *what = state_is_dev(state) ? "vram page" : "pfn";
	if (emu_page_state_has_arg((enum emu_page_state)state)) {
		if (i >= ntok || tok[i][0] == '@')
			return PERR(p, "%s:%u: '%s' needs a %s (write %s 0xNUMBER)", p->name, p->line, tok[0], what, tok[0]);
		uint64_t v;
		int rc = parse_hex(tok[i], &v);
		if (rc == -ERANGE)
			return PERR(p, "%s:%u: %s '%s' does not fit in 64 bits (a %s is below 2^%d)", p->name, p->line,
				    what, tok[i], what, state_is_dev(state) ? 24 : 40);
		if (rc)
			return PERR(p, "%s:%u: bad %s '%s' (write a hexadecimal number, with or without 0x)", p->name,
				    p->line, what, tok[i]);
		if (state_is_dev(state)) {
			if (v >= VRAM_PAGES_MAX)
				return PERR(p, "%s:%u: vram page 0x%llx is not below 2^24 (use 0..0xffffff)", p->name,
					    p->line, (unsigned long long)v);
		} else {
			if (v >= EMU_PFN_MAX)
				return PERR(p, "%s:%u: pfn 0x%llx is not below 2^40 (use a smaller pfn)", p->name, p->line,
					    (unsigned long long)v);
			if (v == EMU_ZERO_PFN)
				return PERR(p, "%s:%u: pfn 0x%llx is the zero page's, which is reserved "
					    "(use 'zero' for the zero page, or another pfn)",
					    p->name, p->line, (unsigned long long)v);
			if (v >= EMU_DEV_PFN_FIRST && v < EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR)
				return PERR(p, "%s:%u: pfn 0x%llx is in the reserved device-private range 0x%lx-0x%lx "
					    "(use dev, dev-ro or dev-other with a vram page, or another pfn)",
					    p->name, p->line, (unsigned long long)v, EMU_DEV_PFN_FIRST,
					    EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR - 1);
		}
		d.arg = v;
		i++;
	}
	if (i < ntok && tok[i][0] == '@') {
		if (!strcmp(tok[i], "@-"))
			d.req = EMU_REQ_NONE;
		else if (!strcmp(tok[i], "@r"))
			d.req = EMU_REQ_READ;
		else if (!strcmp(tok[i], "@w"))
			d.req = EMU_REQ_WRITE;
		else
			return PERR(p, "%s:%u: bad request '%s' (use @- for none, @r for read or @w for write)", p->name,
				    p->line, tok[i]);
		i++;
	}
	if (i < ntok) {
		if (!emu_page_state_has_arg((enum emu_page_state)state) && i == 1 && tok[i][0] != '@')
			return PERR(p, "%s:%u: '%s' takes no number, got '%s' (remove it)", p->name, p->line, tok[0],
				    tok[i]);
		return PERR(p, "%s:%u: extra text '%s' (a page line is STATE [ARG] [@REQ])", p->name, p->line, tok[i]);
	}

	/* address: pages are consecutive from base */
	unsigned long base = p->have_base ? p->base : EMU_DEFAULT_BASE;
	if (p->npages >= (TASK_SIZE_MAX - base) >> PAGE_SHIFT)
		return PERR(p, "%s:%u: this page would be at 0x%lx, past the 47-bit user address space "
			    "(use a lower base or fewer pages)",
			    p->name, p->line, base + p->npages * PAGE_SIZE);
	unsigned long addr = base + p->npages * PAGE_SIZE;

	int rc = check_thp(p, &d, addr);
	if (rc)
		return rc;

	if (emu_page_state_has_arg((enum emu_page_state)state)) {
		uint64_t key = state_is_dev(state) ? (1ULL << 63) | d.arg : d.arg;
		unsigned first = 0;
		rc = pfn_set_insert(&p->seen, key, p->line, &first);
		if (rc < 0)
			return rc;
		if (rc)
			return PERR(p, "%s:%u: %s 0x%llx is already used on line %u (every page needs its own %s)",
				    p->name, p->line, what, (unsigned long long)d.arg, first, what);
	}
	return add_page(p, &d);
}

static int parse_line(struct parser *p, char *s, size_t len)
{
	size_t content;
	int rc = check_chars(p, s, len, &content);
	if (rc)
		return rc;
	s[content] = 0;

	char *tok[4];
	int ntok = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t\r\n", &save); t && ntok < 4; t = strtok_r(NULL, " \t\r\n", &save))
		tok[ntok++] = t;
	if (!ntok)
		return 0;
	if (!strcmp(tok[0], "base"))
		return parse_base(p, tok, ntok);
	return parse_page(p, tok, ntok);
}

/*
 * The next line of f into buf (at most PAGEFILE_MAX_LINE bytes and its
 * newline): its length, 0 at end of file, -E2BIG when the line is longer
 * (the file is not read further), -errno of the read.
 */
static long read_line(FILE *f, char *buf, size_t cap)
{
	size_t n = 0;
	int c;

	errno = 0;
	while ((c = getc_unlocked(f)) != EOF) {
		if (n + 1 >= cap)
			return -E2BIG;
		buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (c == EOF && ferror(f))
		return errno ? -errno : -EIO;
	buf[n] = '\0';
	return (long)n;
}

int pagefile_parse(FILE *f, const char *name, struct pagefile *pf, char *err, size_t errlen)
{
	struct parser p = { .name = name, .err = err, .errlen = errlen, .thp_state = -1 };
	struct stat st;
	char *buf = malloc(PAGEFILE_MAX_LINE + 2);
	size_t total = 0;
	long len;
	int rc = 0;

	memset(pf, 0, sizeof(*pf));
	if (!buf) {
		msg_printf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		msg_printf(err, errlen, "%s: is a directory (give a page file)", name);
		free(buf);
		return -EISDIR;
	}
	/* line by line, each line checked as it comes: a file that is not one fails at its first line */
	while ((len = read_line(f, buf, PAGEFILE_MAX_LINE + 2)) > 0) {
		p.line++;
		total += (size_t)len;
		if (total > PAGEFILE_MAX_BYTES) {
			rc = PERR(&p, "%s:%u: the file is larger than %lu MiB, the limit for a page file", name, p.line,
				  PAGEFILE_MAX_BYTES >> 20);
			goto out_free;
		}
		rc = parse_line(&p, buf, (size_t)len);
		if (rc) {
			if (rc == -ENOMEM)
				msg_printf(err, errlen, "%s:%u: out of memory", name, p.line);
			goto out_free;
		}
	}
	if (len == -E2BIG) {
		rc = PERR(&p, "%s:%u: line longer than %d bytes (is this a page file?)", name, p.line + 1,
			  PAGEFILE_MAX_LINE);
		goto out_free;
	}
	if (len < 0) {
		rc = (int)len;
		msg_printf(err, errlen, "%s: %s (the read failed; check the path and the disk)", name, strerror(-rc));
		goto out_free;
	}
	if (p.thp_state >= 0) {
		rc = PERR(&p, "%s:%u: partial huge page: the file ends after %lu of 512 slots of the %s run started "
			  "on line %u (a huge page is 512 lines with pfns head+0..head+511)",
			  name, p.lines[p.npages - 1], p.thp_slots,
			  emu_page_state_name((enum emu_page_state)p.thp_state), p.thp_line);
		goto out_free;
	}
	if (!p.npages) {
		rc = PERR(&p, "%s: no pages (write one line per page, STATE [ARG] [@REQ]; see docs/page-file.md)", name);
		goto out_free;
	}
	pf->base = p.have_base ? p.base : EMU_DEFAULT_BASE;
	pf->pages = p.pages;
	pf->lines = p.lines;
	pf->npages = p.npages;
	p.pages = NULL;
	p.lines = NULL;
out_free:
	free(buf);
	free(p.pages);
	free(p.lines);
	pfn_set_free(&p.seen);
	return rc;
}

int pagefile_load(const char *path, struct pagefile *pf, char *err, size_t errlen)
{
	memset(pf, 0, sizeof(*pf));
	FILE *f = fopen(path, "r");
	if (!f) {
		int rc = -errno;
		msg_printf(err, errlen, "%s: %s (check the path and permissions)", path, strerror(errno));
		return rc;
	}
	int rc = pagefile_parse(f, path, pf, err, errlen);
	fclose(f);
	return rc;
}

void pagefile_free(struct pagefile *pf)
{
	if (!pf)
		return;
	free(pf->pages);
	free(pf->lines);
	memset(pf, 0, sizeof(*pf));
}

void pagefile_build_error(const struct pagefile *pf, const char *name, int rc, const struct emu_build_error *be,
			  char *err, size_t errlen)
{
	if (rc == -ENOMEM)
		msg_printf(err, errlen, "%s: out of memory building the address space (%s)", name,
			   be->what ? be->what : "try fewer pages or lower pfns");
	else if (be->index < pf->npages)
		msg_printf(err, errlen, "%s:%u: %s (fix this page)", name, pf->lines[be->index],
			   be->what ? be->what : strerror(-rc));
	else
		msg_printf(err, errlen, "%s: %s", name, be->what ? be->what : strerror(-rc));
}

int pagefile_populate(const struct pagefile *pf, const char *name, struct emu_mm *mm, char *err, size_t errlen)
{
	struct emu_build_error be = { 0, NULL };
	int rc = emu_mm_populate(mm, pf->base, pf->pages, pf->npages, &be);

	if (rc)
		pagefile_build_error(pf, name, rc, &be, err, errlen);
	return rc;
}

int pagefile_write(FILE *f, unsigned long base, const struct emu_page_desc *pages, unsigned long n)
{
	if (fprintf(f, "base 0x%lx\n", base) < 0)
		return -EIO;
	for (unsigned long i = 0; i < n; i++) {
		const char *name = emu_page_state_name((enum emu_page_state)pages[i].state);
		const char *req = pagefile_req_token((enum emu_req)pages[i].req);
		if (!name || !req)
			return -EINVAL;
		int w;
		if (emu_page_state_has_arg((enum emu_page_state)pages[i].state))
			w = fprintf(f, "%s 0x%llx%s%s\n", name, (unsigned long long)pages[i].arg, *req ? " " : "", req);
		else
			w = fprintf(f, "%s%s%s\n", name, *req ? " " : "", req);
		if (w < 0)
			return -EIO;
	}
	return ferror(f) ? -EIO : 0;
}
