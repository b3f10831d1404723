/*
 * bandwidth.c - the streaming bandwidth a sweep measures before its cases
 * (bandwidth.h), for the report's memory floor (costmodel.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bandwidth.h"

#define BW_RUNS 5
#define BW_MIN_BYTES_PER_RUN (32UL << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Keep the compiler from dropping stores to or loads from @p. */
static inline void clobber(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static volatile uint64_t bw_sink;

int bandwidth_measure(size_t bytes, double *copy_bytes_per_s, double *read_bytes_per_s)
{
	size_t reps, words;
	uint64_t *src = NULL, *dst = NULL;
	double best_copy = 0, best_read = 0;

	if (bytes < 64 || !copy_bytes_per_s || !read_bytes_per_s)
		return -EINVAL;
	bytes &= ~(size_t)63;
	words = bytes / sizeof(uint64_t);
	if (posix_memalign((void **)&src, 4096, bytes) || posix_memalign((void **)&dst, 4096, bytes)) {
		free(src);
		return -ENOMEM;
	}
	/* touch both: the timed runs measure copies, not first faults */
	for (size_t i = 0; i < words; i++)
		src[i] = i * 0x9e3779b97f4a7c15ULL;
	memset(dst, 0, bytes);
	reps = (BW_MIN_BYTES_PER_RUN + bytes - 1) / bytes;
	for (int run = 0; run < BW_RUNS; run++) {
		double t0 = now_s(), dt;

		for (size_t k = 0; k < reps; k++) {
			memcpy(dst, src, bytes);
			clobber(dst);
		}
		dt = now_s() - t0;
		if (dt > 0 && 2.0 * (double)bytes * (double)reps / dt > best_copy)
			best_copy = 2.0 * (double)bytes * (double)reps / dt;

		t0 = now_s();
		for (size_t k = 0; k < reps; k++) {
			uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;

			clobber(src);
			for (size_t i = 0; i + 3 < words; i += 4) {
				s0 += src[i];
				s1 += src[i + 1];
				s2 += src[i + 2];
				s3 += src[i + 3];
			}
			bw_sink = s0 + s1 + s2 + s3;
		}
		dt = now_s() - t0;
		if (dt > 0 && (double)bytes * (double)reps / dt > best_read)
			best_read = (double)bytes * (double)reps / dt;
	}
	bw_sink += dst[words - 1];
	free(src);
	free(dst);
	*copy_bytes_per_s = best_copy;
	*read_bytes_per_s = best_read;
	return best_copy > 0 && best_read > 0 ? 0 : -EIO;
}

int bandwidth_json(const unsigned long *npages, size_t nr, json_t **out)
{
	json_t *o = json_object();
	int rc = 0;

	*out = NULL;
	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < nr && !rc; i++) {
		char key[32];
		size_t bytes;
		double copy, read;
		json_t *e;
		int ret;

		snprintf(key, sizeof(key), "%lu", npages[i]);
		if (json_object_get(o, key))
			continue;
		if (npages[i] > BANDWIDTH_MAX_BYTES / sizeof(uint64_t)) {
			e = json_pack("{s:s}", "skipped", "arrays larger than 256 MiB: not measured");
		} else {
			bytes = npages[i] * sizeof(uint64_t);
			if (bytes < BANDWIDTH_MIN_BYTES)
				bytes = BANDWIDTH_MIN_BYTES;
			ret = bandwidth_measure(bytes, &copy, &read);
			if (ret)
				e = json_pack("{s:I, s:s}", "bytes", (json_int_t)bytes, "skipped", strerror(-ret));
			else
				e = json_pack("{s:I, s:f, s:f}", "bytes", (json_int_t)bytes, "copy_bytes_per_s", copy,
					      "read_bytes_per_s", read);
		}
		rc = e && !json_object_set_new(o, key, e) ? 0 : -ENOMEM;
	}
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}
