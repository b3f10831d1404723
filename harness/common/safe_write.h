/*
 * safe_write.h - every file pfnbench writes: never through a link, never
 * half-written under its final name.
 *
 * A file NAME in a directory is written as a new file with a unique
 * temporary name, NAME.XXXXXXXX.tmp (8 random hex digits), created with
 * O_CREAT | O_EXCL | O_NOFOLLOW relative to the directory's descriptor: a
 * link someone left at either name is never followed, and two processes
 * writing the same NAME never share a temporary file.  sw_commit() flushes,
 * fsyncs, closes, renames the temporary file over NAME (replacing a link
 * there, not writing through it) and fsyncs the directory; any failure
 * removes the temporary file and leaves an earlier NAME as it was.
 *
 * Directories: sw_dir_open() opens the directory a person named (a link
 * there is that person's choice and is followed); sw_subdir() opens or
 * creates a directory pfnbench names itself (plotdata/) and refuses a link.
 *
 * Errors are -errno; sw_strerror() words them for messages ("no space left
 * on device" for ENOSPC, as the file-system full case is usually worded).
 *
 * Left out on purpose: appending (results.csv's writer opens its file with
 * O_EXCL itself) and locking (each writer has its own temporary file; the
 * last rename wins, and every version it replaces was complete).
 */
#ifndef PFNBENCH_SAFE_WRITE_H
#define PFNBENCH_SAFE_WRITE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Open DIR as a directory (O_DIRECTORY | O_CLOEXEC).  The fd or -errno. */
int sw_dir_open(const char *dir);

/*
 * Open (creating it with mode 0755 when missing) the directory NAME inside
 * dirfd, refusing a link there (-ELOOP) or anything that is not a
 * directory (-ENOTDIR).  The fd or -errno.
 */
int sw_subdir(int dirfd, const char *name);

/* One file being written. */
struct sw_file {
	int dirfd;                  /* not owned */
	int fd;                     /* -1 once closed */
	FILE *f;                    /* sw_stream(), or NULL */
	char name[NAME_MAX + 1];    /* the final name */
	char tmp[NAME_MAX + 1];     /* the temporary name */
};

/*
 * Create the temporary file for NAME in dirfd (mode 0644).  0 or -errno:
 * -ENAMETOOLONG (NAME too long for a temporary name), -EINVAL (NAME holds
 * a '/' or is empty), or open's -errno.  On error nothing is left open.
 */
int sw_create(struct sw_file *sw, int dirfd, const char *name);

/* A stdio stream over the file (kept in sw->f); NULL with errno set. */
FILE *sw_stream(struct sw_file *sw);

/* Write all of buf (with the stream's buffer flushed first).  0 or -errno. */
int sw_write(struct sw_file *sw, const void *buf, size_t len);

/*
 * Make the file NAME: flush, fsync, close, rename, fsync the directory.
 * 0 or -errno (-ENOSPC, -EDQUOT, -EFBIG, -EIO, ...); the temporary file is
 * removed on error.  sw is closed either way.
 */
int sw_commit(struct sw_file *sw);

/* Close and remove the temporary file (NULL-safe, idempotent). */
void sw_abort(struct sw_file *sw);

/*
 * DIR/NAME with the contents buf[0..len): sw_dir_open(), sw_create(),
 * sw_write(), sw_commit().  0 or -errno.
 */
int sw_write_file(const char *dir, const char *name, const void *buf, size_t len);

/*
 * strerror() for messages about writing files: "no space left on device"
 * for ENOSPC, "disk quota exceeded" for EDQUOT, "file too large (a file
 * size limit: ulimit -f)" for EFBIG, "read-only file system" for EROFS,
 * "is a symbolic link (not followed)" for ELOOP; strerror() otherwise.
 * err is a positive or negative errno.
 */
const char *sw_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif
