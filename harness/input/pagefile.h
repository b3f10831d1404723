/*
 * pagefile.h - page files (docs/page-file.md): one address space, one 4 KiB
 * page per line, read into an emu_page_desc array and written back.
 *
 *   # comment                      blank lines and comments are skipped
 *   base 0x7f0000000000            optional, before the first page
 *   rw 0x12345 @w                  STATE [ARG] [@REQ], one page per line
 *
 * The parser checks everything the spec asks of a file (states, numbers,
 * reserved pfns, huge-page runs, duplicate pfns, the 47-bit address space)
 * and remembers the line of every page, so that errors found later by
 * emu_mm_populate() (which reports a page index) still come out as
 * FILE:LINE.  Messages say what is wrong and what to do; the functions
 * never print.
 *
 * Left out on purpose: include directives, ranges of pages on one line, and
 * any state not in the spec.
 */
#ifndef PFNBENCH_PAGEFILE_H
#define PFNBENCH_PAGEFILE_H

#include <stddef.h>
#include <stdio.h>

#include "mm.h"

struct pagefile {
	unsigned long base;          /* virtual address of pages[0] */
	struct emu_page_desc *pages; /* npages descriptions, req EMU_REQ_DEFAULT without @REQ */
	unsigned long npages;
	unsigned *lines;             /* 1-based line of each page in the file */
};

/* The longest line and the largest file pagefile_parse() reads. */
#define PAGEFILE_MAX_LINE 4096
#define PAGEFILE_MAX_BYTES (1024UL << 20)

/*
 * Parse a page file from f; name is used in messages.  Lines are read and
 * checked one at a time, each at most PAGEFILE_MAX_LINE bytes, the file at
 * most PAGEFILE_MAX_BYTES (a link to /dev/zero fails at line 1).  Returns
 * 0, -EINVAL (bad content: err holds "NAME:LINE: what (what to do)"),
 * -EISDIR, -ENOMEM, -EIO or another -errno of the read.  pf is zeroed on
 * error.
 */
int pagefile_parse(FILE *f, const char *name, struct pagefile *pf, char *err, size_t errlen);
/* pagefile_parse() of the file at path; -errno of fopen with "PATH: strerror". */
int pagefile_load(const char *path, struct pagefile *pf, char *err, size_t errlen);
/* Free what a successful parse allocated; pf is zeroed.  NULL-safe. */
void pagefile_free(struct pagefile *pf);

/*
 * The message for emu_mm_populate()'s error rc on pf's pages: "NAME:LINE:
 * what (fix this page)" for the page *be names, "NAME: out of memory ..."
 * for -ENOMEM.
 */
void pagefile_build_error(const struct pagefile *pf, const char *name, int rc, const struct emu_build_error *be,
			  char *err, size_t errlen);

/*
 * emu_mm_populate() with pf's pages, mapping a page index in the emulator's
 * error back to "NAME:LINE: what".  Returns emu_mm_populate()'s 0 or -errno.
 */
int pagefile_populate(const struct pagefile *pf, const char *name, struct emu_mm *mm, char *err,
		      size_t errlen);

/*
 * Write pages[0..n) as a page file that pagefile_parse() reads back to the
 * same base and descriptions: a base line, then one line per page (no @REQ
 * for EMU_REQ_DEFAULT).  Returns 0, -EINVAL (a state or request outside the
 * enums) or -EIO.
 */
int pagefile_write(FILE *f, unsigned long base, const struct emu_page_desc *pages, unsigned long n);

/* The page-file token of a request ("@-", "@r", "@w"); "" for EMU_REQ_DEFAULT, NULL if bad. */
const char *pagefile_req_token(enum emu_req req);

#endif
