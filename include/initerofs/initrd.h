/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking an initrd the way the kernel's unpack_to_rootfs() does.
 *
 * An initrd is a sequence of segments with zero bytes between them. A
 * segment is either uncompressed cpio (its headers on 4-byte boundaries of
 * the whole initrd) or one compressed stream, recognised by its first two
 * bytes, whose content is cpio again. Any segment may hold several
 * archives, each closed by a TRAILER!!! entry.
 *
 * Where the kernel is lenient (it stops quietly at a truncated archive and
 * ignores entries it cannot use) the scanner is strict, so that a
 * conversion never silently differs from what the kernel would unpack;
 * where the kernel is strict (misaligned headers, junk between archives,
 * unknown magic) the scanner is too, with the offset in every message.
 *
 * Leading uncompressed archives whose files are all for the kernel's early
 * loaders (CPU microcode under kernel/x86/microcode/, ACPI table overrides
 * under kernel/firmware/acpi/) are the "early" prefix: those loaders look
 * for them at the very start of the initrd, uncompressed, so `convert`
 * keeps them there byte for byte.
 */
#ifndef INITEROFS_INITRD_H
#define INITEROFS_INITRD_H

#include "error.h"

#include <stdbool.h>
#include <stdint.h>

#include "cpio.h"
#include "decompress.h"
#include "stream.h"

struct ie_segment {
	enum ie_compression compression;	/* UNKNOWN: uncompressed cpio */
	uint64_t offset;			/* input offset of its first byte */
};

/* Returned by a callback to end the scan early, successfully. */
#define IE_SCAN_STOP 1

/*
 * Callbacks; each returns 0 to go on, IE_SCAN_STOP, or a negative errno after filling
 * r->err (entry, trailer) or the scan's err (segment) with a message.
 */
struct ie_initrd_ops {
	/* A segment starts (optional). */
	int (*segment)(void *ctx, const struct ie_segment *seg,
		       struct ie_error *err);
	/*
	 * An entry's header and name were read; its body is next. The callback
	 * may read it with ie_cpio_read_data(); whatever it leaves, the
	 * scanner skips. Called for TRAILER!!! entries too.
	 */
	int (*entry)(void *ctx, const struct ie_segment *seg,
		     struct ie_cpio_reader *r);
	/*
	 * An archive ended: its TRAILER!!! and the padding after it were read.
	 * @end is the stream offset after them (an input offset when the
	 * segment is uncompressed). Optional.
	 */
	int (*trailer)(void *ctx, const struct ie_segment *seg, uint64_t end,
		       struct ie_cpio_reader *r);
};

/**
 * ie_initrd_scan() - walk every segment and entry from @in's position to
 * its end, calling @ops.
 * Return: 0 at the end of the input, IE_SCAN_STOP when a callback stopped
 * the scan, or a negative errno with @err filled in.
 */
int ie_initrd_scan(struct ie_stream *in, const struct ie_initrd_ops *ops,
		   void *ctx, struct ie_error *err);

/**
 * ie_initrd_scan_limited() - ie_initrd_scan() with every compressed segment
 * decompressed within @limits (NULL: the defaults; see decompress.h).
 */
int ie_initrd_scan_limited(struct ie_stream *in,
			   const struct ie_initrd_ops *ops, void *ctx,
			   const struct ie_decompress_limits *limits,
			   struct ie_error *err);

/**
 * ie_cpio_path_is_early() - whether an archive member named @name belongs
 * in an early-loader archive: the root, the directories on the way to the
 * loaders' folders, anything inside them, and dracut's "early_cpio" marker.
 * @loader_file is set when the entry is inside a loader folder.
 */
bool ie_cpio_path_is_early(const char *name, bool *loader_file);

/**
 * ie_initrd_early_prefix() - measure the early prefix at @in's position.
 * @len:	bytes from the current position to the end of the last
 *		leading uncompressed archive whose members all pass
 *		ie_cpio_path_is_early() and which holds a loader file; 0 when
 *		there is none
 *
 * The stream is marked and rewound, so it is left where it was and no byte
 * is lost even when it reads a pipe; the memory this takes is the size of
 * the early archives plus one header of what follows.
 * Return: 0, or a negative errno with @err filled in (malformed leading
 * archives).
 */
int ie_initrd_early_prefix(struct ie_stream *in, uint64_t *len,
			   struct ie_error *err);

/* Where ie_initrd_find_image() found the image, or stopped looking. */
struct ie_initrd_image {
	uint64_t offset;	/* of the image (its first byte, not the magic) */
	uint64_t stop;		/* where the walk stopped when nothing was found */
	unsigned int archives;	/* uncompressed cpio archives walked before */
};

/**
 * ie_initrd_find_image() - find the EROFS image in an initrd held in memory,
 * exactly as the kernel's find_image() (init/initerofs.c) does: skip zero
 * bytes, skip whole uncompressed cpio archives by their headers, then the
 * superblock magic must be either the first non-zero byte after 1024 or
 * more zero bytes, or 1024 bytes after the first non-zero byte. Anything
 * else (a compressed segment, a malformed archive, data without the magic)
 * means the kernel unpacks the initrd as an initramfs, and so no image.
 * Return: NULL when found (@loc->offset), else what was found instead (a
 * compression name, "unknown data", ...) at @loc->stop.
 */
const char *ie_initrd_find_image(const uint8_t *buf, uint64_t len,
				 struct ie_initrd_image *loc);

#endif /* INITEROFS_INITRD_H */
