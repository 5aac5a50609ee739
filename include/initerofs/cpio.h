/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the cpio formats the kernel unpacks: "newc" (magic 070701) and
 * "crc" (070702, the same plus a byte-sum of each regular file's data).
 *
 * An entry is a 110-byte header of ASCII hex fields, the NUL-terminated
 * name padded so that header + name end on a 4-byte boundary, then the
 * data (a regular file's bytes or a symlink's target) padded to 4 bytes.
 *
 * The kernel's own parser (init/initramfs.c) is lenient: simple_strtoul()
 * stops at the first non-hex character, over-long names are skipped
 * silently. This reader is strict instead, because a converter that guesses
 * produces an image that differs from what the kernel would have unpacked
 * without anybody noticing: every field must be 8 hex digits, the name must
 * be NUL-terminated, hold no other NUL, fit PATH_MAX and have no ".."
 * component, the data must be all there, and 070702 checksums must match.
 * Every error names the offset of the offending byte.
 */
#ifndef INITEROFS_CPIO_H
#define INITEROFS_CPIO_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream.h"

#define IE_CPIO_HEADER_SIZE	110
#define IE_CPIO_TRAILER		"TRAILER!!!"
/* Linux's PATH_MAX: the kernel ignores names and symlink targets longer. */
#define IE_CPIO_PATH_MAX	4096

/* The header's fields, in their on-disk order after the 6-byte magic. */
enum ie_cpio_field {
	IE_CPIO_INO, IE_CPIO_MODE, IE_CPIO_UID, IE_CPIO_GID, IE_CPIO_NLINK,
	IE_CPIO_MTIME, IE_CPIO_FILESIZE, IE_CPIO_DEVMAJOR, IE_CPIO_DEVMINOR,
	IE_CPIO_RDEVMAJOR, IE_CPIO_RDEVMINOR, IE_CPIO_NAMESIZE, IE_CPIO_CHECK,
	IE_CPIO_NR_FIELDS
};

struct ie_cpio_header {
	bool crc;			/* 070702: check is a data byte-sum */
	uint32_t field[IE_CPIO_NR_FIELDS];
};

/**
 * ie_cpio_parse_header() - decode and validate the 110 bytes at @raw.
 * @bad:	on failure, the offset within the header of the first bad byte
 *
 * Checks the magic (naming the old "odc" and binary formats the kernel
 * refuses), that every field is 8 hex digits, and that namesize is
 * between 1 and PATH_MAX.
 * Return: 0, or -EINVAL with @err filled in.
 */
int ie_cpio_parse_header(const unsigned char *raw, struct ie_cpio_header *h,
			 size_t *bad, struct ie_error *err);

/** ie_cpio_field_name() - "ino", "mode", ... for messages. */
const char *ie_cpio_field_name(enum ie_cpio_field f);

/**
 * ie_cpio_check_name() - validate a name as read from an archive.
 * @name:	@namesize bytes, the last of which should be the NUL
 * @bad:	on failure, the offset within the name of the problem
 * Return: 0, or -EINVAL with @err filled in.
 */
int ie_cpio_check_name(const char *name, uint32_t namesize, size_t *bad,
		       struct ie_error *err);

/** ie_cpio_name_pad() - padding bytes after a name of @namesize bytes. */
static inline size_t ie_cpio_name_pad(uint32_t namesize)
{
	return (4 - (IE_CPIO_HEADER_SIZE + namesize) % 4) % 4;
}

/* A cpio reader pulling entries from a stream. */
struct ie_cpio_reader {
	struct ie_stream *s;
	/* Prefix for offsets in messages, e.g. "gzip stream at offset 512: ". */
	char origin[128];
	/* The current entry. */
	struct ie_cpio_header h;
	uint64_t offset;		/* stream offset of its header */
	char name[IE_CPIO_PATH_MAX + 1];
	uint64_t data_left;		/* body bytes not yet read */
	uint32_t sum;			/* byte-sum of the body read so far */
	/* The last failure, complete with its location. */
	struct ie_error err;
};

/** ie_cpio_reader_init() - read entries from @s, @origin prefixing offsets. */
void ie_cpio_reader_init(struct ie_cpio_reader *r, struct ie_stream *s,
			 const char *origin);

/**
 * ie_cpio_read_header() - read the header and name of the next entry.
 * The stream must be on its first byte. The body is left unread.
 * Return: 0, or a negative errno with r->err filled in.
 */
int ie_cpio_read_header(struct ie_cpio_reader *r);

/* Receives the body in pieces; returns 0 or a negative errno (with r->err
 * filled in). */
typedef int (*ie_cpio_sink_fn)(void *ctx, const unsigned char *buf,
			       size_t len);

/**
 * ie_cpio_read_data() - pass the rest of the body to @sink, then consume
 * the padding after it. For a 070702 regular file the sum is checked.
 * Return: 0, or a negative errno with r->err filled in (truncated,
 * checksum, @sink).
 */
int ie_cpio_read_data(struct ie_cpio_reader *r, ie_cpio_sink_fn sink,
		      void *ctx);

/** ie_cpio_skip_data() - ie_cpio_read_data() without a sink. */
int ie_cpio_skip_data(struct ie_cpio_reader *r);

/**
 * ie_cpio_fail() - record a failure at stream offset @off in r->err.
 * Return: -EINVAL.
 */
int ie_cpio_fail(struct ie_cpio_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Accessors for the fields a caller needs most. */
static inline uint32_t ie_cpio_mode(const struct ie_cpio_reader *r)
{
	return r->h.field[IE_CPIO_MODE];
}

static inline uint32_t ie_cpio_filesize(const struct ie_cpio_reader *r)
{
	return r->h.field[IE_CPIO_FILESIZE];
}

/** ie_cpio_is_trailer() - the entry ends an archive (resets hardlinks). */
bool ie_cpio_is_trailer(const struct ie_cpio_reader *r);

#endif /* INITEROFS_CPIO_H */
