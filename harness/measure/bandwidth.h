/*
 * bandwidth.h - how fast this machine streams the arrays of a batch:
 * memcpy and read bandwidth for buffers of a given size, measured by the
 * sweep before any case and kept in meta.json's "bandwidth", where the
 * report's memory floor (costmodel.h) divides the bytes a path must move
 * by it.  Left out: anything about what the paths move (costmodel.h).
 */
#ifndef PFNBENCH_BANDWIDTH_H
#define PFNBENCH_BANDWIDTH_H

#include <stddef.h>

#include <jansson.h>

/*
 * Streaming bandwidth for buffers of @bytes (>= 64): the best of several
 * timed runs of memcpy() between two buffers of @bytes, and of a read of
 * one buffer (8-byte loads into four sums).  Each run repeats the copy
 * until it has moved at least 32 MiB, so small buffers measure the cache
 * they fit in, as the arrays of such a batch do.  *@copy_bytes_per_s
 * counts what memcpy reads plus what it writes (2 * @bytes per copy, the
 * STREAM convention; its own write-allocate reads are not counted, so the
 * number is if anything low and the floor high); *@read_bytes_per_s counts
 * the bytes read.  Takes about 2 x 5 runs of >= 32 MiB moved.
 * Returns 0, -EINVAL (@bytes < 64 or a NULL output), -ENOMEM, -EIO (the
 * clock did not advance).
 */
int bandwidth_measure(size_t bytes, double *copy_bytes_per_s, double *read_bytes_per_s);

/* Buffers measured by bandwidth_json(): npages * 8 bytes clamped. */
#define BANDWIDTH_MIN_BYTES 4096UL
#define BANDWIDTH_MAX_BYTES (256UL << 20)

/*
 * meta.json's "bandwidth": {"<npages>": {"bytes": B, "copy_bytes_per_s": C,
 * "read_bytes_per_s": R}, ...} for each of the @nr @npages (the arrays of
 * one call: npages * 8 bytes, at least BANDWIDTH_MIN_BYTES; an npages
 * whose arrays exceed BANDWIDTH_MAX_BYTES, or whose buffers cannot be
 * allocated, gets {"skipped": "why"} instead).  Returns 0 with a new
 * object in *@out, or -ENOMEM.
 */
int bandwidth_json(const unsigned long *npages, size_t nr, json_t **out);

#endif
