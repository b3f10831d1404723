/*
 * fuzz_common.h - helpers shared by the libFuzzer targets: the parsers under
 * test take a path, so the input becomes a memfd reached through
 * /proc/self/fd/N (no disk I/O, nothing left behind).
 */
#ifndef PFNBENCH_FUZZ_COMMON_H
#define PFNBENCH_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd holding data[0..size); its path in path.  Returns the fd or -1. */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	while (size) {
		ssize_t w = write(fd, data, size);

		if (w <= 0) {
			close(fd);
			return -1;
		}
		data += w;
		size -= (size_t)w;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

/* The parsers' error messages must be one non-empty line. */
static inline void fuzz_check_message(const char *err)
{
	if (!err[0])
		abort();
	for (const char *p = err; *p; p++)
		if (*p == '\n')
			abort();
}

#endif
