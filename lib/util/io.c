// SPDX-License-Identifier: GPL-2.0
/* Whole-buffer reads and writes (include/initerofs/io.h). */
#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

#include "initerofs/io.h"

/* @off < 0: write(), else pwrite() at @off. */
static int write_loop(int fd, const void *buf, size_t len, int64_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = off < 0 ? write(fd, p, len) :
				      pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

int ie_write_full(int fd, const void *buf, size_t len)
{
	return write_loop(fd, buf, len, -1);
}

int ie_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	return write_loop(fd, buf, len, (int64_t)off);
}

int ie_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}
