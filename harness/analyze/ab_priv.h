/*
 * ab_priv.h - what ab.c (the rounds and the verdict) and ab_sides.c (the
 * processes, BASE and NEW) share.  Not for other modules.
 */
#ifndef PFNBENCH_AB_PRIV_H
#define PFNBENCH_AB_PRIV_H

#include <stddef.h>

#include "ab.h"

/*
 * Run argv[0] (searched in PATH) with stdout to out_path and stderr to
 * log_path (NULL: /dev/null), in cwd (NULL: here), ASLR off when no_aslr.
 * *status is the exit status, or 128 + signal.  Returns 0 when the process
 * ran (whatever its status), -errno when it could not start.
 */
int ab_spawn(char *const argv[], const char *out_path, const char *log_path, const char *cwd, int no_aslr,
	     int *status);
/* snprintf of a path: 0 or -ENAMETOOLONG. */
int ab_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The first / last line of a small file ("" when there is none). */
void ab_first_line(const char *path, char *buf, size_t len);
void ab_last_line(const char *path, char *buf, size_t len);
/* Progress on stderr ("pfnbench ab: ..."), unless quiet. */
void ab_say(const struct ab_options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* mkdir -p: 0 or -errno. */
int ab_mkdir_p(const char *path);
/*
 * The config one side can run: `BIN list backends` (kept in
 * dir/runs/backends-SIDE.txt), and dir/config-SIDE.conf written as text
 * with the [sweep] backends list cut to the backends that binary knows, so
 * that a build from before a backend was added or renamed still runs the
 * cases both know (the others are missing on that side, as compare
 * reports them).  left_out gets the names dropped ("" when none).  0, or
 * -EINVAL (the binary knows none of them, or cannot list), -errno; err
 * filled.
 */
int ab_side_config(const char *bin, const char *dir, char side, const char *text, size_t text_len,
		   char *left_out, size_t left_len, char *err, size_t err_len);

#endif
