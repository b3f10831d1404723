/*
 * safe_write.c - files written without following links, under a unique
 * temporary name, then renamed (safe_write.h).
 */
#include "safe_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int sw_dir_open(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int sw_subdir(int dirfd, const char *name)
{
	struct stat st;
	int fd;

	if (mkdirat(dirfd, name, 0755) && errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	/* O_DIRECTORY | O_NOFOLLOW on a link gives ENOTDIR or ELOOP: say which */
	if (!fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
		return -ELOOP;
	return -errno;
}

/* 32 random bits: getrandom(), else the clock and the pid. */
static uint32_t random32(void)
{
	static uint32_t counter;
	uint32_t r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec * 2654435761u ^ (uint32_t)getpid() << 16 ^ ++counter;
}

int sw_create(struct sw_file *sw, int dirfd, const char *name)
{
	size_t len = strlen(name);

	memset(sw, 0, sizeof(*sw));
	sw->fd = -1;
	sw->dirfd = dirfd;
	if (!len || strchr(name, '/'))
		return -EINVAL;
	if (len + 14 > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(sw->name, name, len + 1);
	for (int tries = 0; tries < 100; tries++) {
		snprintf(sw->tmp, sizeof(sw->tmp), "%s.%08x.tmp", name, random32());
		sw->fd = openat(dirfd, sw->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (sw->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	sw->tmp[0] = '\0';
	return -errno;
}

FILE *sw_stream(struct sw_file *sw)
{
	if (!sw->f && sw->fd >= 0)
		sw->f = fdopen(sw->fd, "w");
	return sw->f;
}

static int write_fd(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sw_write(struct sw_file *sw, const void *buf, size_t len)
{
	if (sw->fd < 0)
		return -EBADF;
	if (sw->f) {
		if (len && fwrite(buf, 1, len, sw->f) != len)
			return errno ? -errno : -EIO;
		return 0;
	}
	return write_fd(sw->fd, buf, len);
}

/* Close the stream or the fd; 0 or the first -errno. */
static int sw_close(struct sw_file *sw)
{
	int ret = 0;

	if (sw->f) {
		errno = 0;
		if (fflush(sw->f) || ferror(sw->f))
			ret = errno ? -errno : -EIO;
		if (!ret && fsync(fileno(sw->f)))
			ret = -errno;
		if (fclose(sw->f) && !ret)
			ret = errno ? -errno : -EIO;
	} else if (sw->fd >= 0) {
		if (fsync(sw->fd))
			ret = -errno;
		if (close(sw->fd) && !ret)
			ret = -errno;
	}
	sw->f = NULL;
	sw->fd = -1;
	return ret;
}

void sw_abort(struct sw_file *sw)
{
	if (!sw)
		return;
	if (sw->f)
		fclose(sw->f);
	else if (sw->fd >= 0)
		close(sw->fd);
	sw->f = NULL;
	sw->fd = -1;
	if (sw->tmp[0])
		unlinkat(sw->dirfd, sw->tmp, 0);
	sw->tmp[0] = '\0';
}

int sw_commit(struct sw_file *sw)
{
	int ret = sw_close(sw);

	if (!ret && renameat(sw->dirfd, sw->tmp, sw->dirfd, sw->name))
		ret = -errno;
	if (ret) {
		sw_abort(sw);
		return ret;
	}
	sw->tmp[0] = '\0';
	/* make the rename durable; best effort (some file systems refuse) */
	(void)fsync(sw->dirfd);
	return 0;
}

int sw_write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	struct sw_file sw;
	int dirfd = sw_dir_open(dir), ret;

	if (dirfd < 0)
		return dirfd;
	ret = sw_create(&sw, dirfd, name);
	if (!ret) {
		ret = sw_write(&sw, buf, len);
		if (ret)
			sw_abort(&sw);
		else
			ret = sw_commit(&sw);
	}
	close(dirfd);
	return ret;
}

const char *sw_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENOSPC: return "no space left on device";
	case EDQUOT: return "disk quota exceeded";
	case EFBIG: return "file too large (a file size limit: ulimit -f)";
	case EROFS: return "read-only file system";
	case ELOOP: return "is a symbolic link (not followed)";
	default: return strerror(err);
	}
}
