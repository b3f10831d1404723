/*
 * fuzz_pagefile.c - libFuzzer target for pagefile_parse() through
 * fmemopen().  A file that parses is written back with pagefile_write() and
 * must parse again to the same base and pages (the round trip the encode
 * and verify commands rely on); a file that does not parse must give a
 * one-line message.  Seeds: the page files in tests/data.
 */
#include <string.h>

#include "fuzz_common.h"
#include "pagefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pagefile pf, again;
	char err[1024] = "";
	char *buf = NULL;
	size_t len = 0;
	FILE *f, *out;
	int rc;

	/* fmemopen() refuses a zero-sized buffer in some glibc versions */
	f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!f)
		return 0;
	rc = pagefile_parse(f, "fuzz.page", &pf, err, sizeof(err));
	fclose(f);
	if (rc) {
		fuzz_check_message(err);
		return 0;
	}
	out = open_memstream(&buf, &len);
	if (!out)
		abort();
	if (pagefile_write(out, pf.base, pf.pages, pf.npages))
		abort();
	fclose(out);
	f = len ? fmemopen(buf, len, "r") : fopen("/dev/null", "r");
	if (!f)
		abort();
	rc = pagefile_parse(f, "again.page", &again, err, sizeof(err));
	fclose(f);
	if (rc) {
		fprintf(stderr, "round trip failed: %s\n%s", err, buf);
		abort();
	}
	if (again.base != pf.base || again.npages != pf.npages ||
	    (pf.npages && memcmp(again.pages, pf.pages, pf.npages * sizeof(*pf.pages)))) {
		fprintf(stderr, "round trip differs:\n%s", buf);
		abort();
	}
	pagefile_free(&again);
	pagefile_free(&pf);
	free(buf);
	return 0;
}
