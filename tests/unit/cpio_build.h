/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building newc/crc cpio archives in memory for the unit tests, so that
 * each test states exactly the bytes it feeds the reader.
 */
#ifndef TESTS_UNIT_CPIO_BUILD_H
#define TESTS_UNIT_CPIO_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static inline void buf_put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

static inline void buf_zeros(struct buf *b, size_t n)
{
	static const unsigned char zero[4096];

	while (n) {
		size_t step = n > sizeof(zero) ? sizeof(zero) : n;

		buf_put(b, zero, step);
		n -= step;
	}
}

static inline void buf_align(struct buf *b, size_t align)
{
	buf_zeros(b, (align - b->len % align) % align);
}

static inline void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

struct centry {
	const char *name;
	uint32_t mode, uid, gid, nlink, mtime, ino;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	const char *data;	/* regular file content or symlink target */
	bool crc;		/* 070702 with a correct checksum */
	bool bad_sum;		/* 070702 with a wrong checksum */
	int namesize_delta;	/* lie about namesize by this much */
	bool no_nul;		/* leave the NUL off the name */
};

static inline void cpio_add(struct buf *b, const struct centry *e)
{
	size_t size = e->data ? strlen(e->data) : 0;
	size_t namelen = strlen(e->name) + (e->no_nul ? 0 : 1);
	uint32_t sum = 0;
	char hdr[128];
	size_t i;

	for (i = 0; i < size; i++)
		sum += (unsigned char)e->data[i];
	if (e->bad_sum)
		sum++;
	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 e->crc || e->bad_sum ? "070702" : "070701",
		 e->ino, e->mode, e->uid, e->gid, e->nlink ? e->nlink : 1,
		 e->mtime, (uint32_t)size, e->devmajor, e->devminor, e->rdevmajor,
		 e->rdevminor, (uint32_t)(namelen + e->namesize_delta),
		 e->crc || e->bad_sum ? sum : 0);
	buf_put(b, hdr, 110);
	buf_put(b, e->name, namelen);
	buf_align(b, 4);
	buf_put(b, e->data, size);
	buf_align(b, 4);
}

static inline void cpio_trailer(struct buf *b)
{
	struct centry t = { .name = "TRAILER!!!" };

	cpio_add(b, &t);
}

#endif /* TESTS_UNIT_CPIO_BUILD_H */
