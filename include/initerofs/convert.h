/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ie_convert(): a cpio initramfs (any mix of compressed and uncompressed
 * segments) into an EROFS initrd, the pipeline behind `initerofs convert`.
 *
 * The output is [early archives][zero padding to 4 KiB][EROFS image]: the
 * leading uncompressed archives that only feed the kernel's early loaders
 * (CPU microcode, ACPI tables) are copied byte for byte, because those
 * loaders look for them at the start of the initrd; everything else is
 * merged with the kernel's own unpacking rules (import_cpio.h) and written
 * as one image, page-aligned so the kernel can use it in place.
 *
 * Data path: input fd -> ie_stream -> ie_initrd_scan_limited() (segments,
 * decompressors) -> ie_cpio_import_ops (entries into the tree, file bodies
 * into an unlinked spool beside the output) -> optional caller step on the
 * tree -> ie_write_image_fd() at the aligned base. Memory holds metadata
 * only. The output appears under its name only when complete.
 */
#ifndef INITEROFS_CONVERT_H
#define INITEROFS_CONVERT_H

#include "error.h"

#include <stdbool.h>
#include <stdint.h>

#include "initrd.h"
#include "tree.h"
#include "writer.h"

/** Where the EROFS image starts in the output: a multiple of this. */
#define IE_CONVERT_ALIGN	4096

struct ie_convert_options {
	const char *input;		/* path, or "-" for standard input */
	const char *output;		/* replaced only when complete */
	bool no_early;			/* early archives' files go in the image */
	struct ie_decompress_limits limits;
	struct ie_write_options *image;	/* may carry a progress callback */
	int64_t default_mtime;		/* of directories no entry describes */
	void *ctx;			/* for the callbacks below */
	/* An entry dropped as the kernel drops it; @nr counts them so far. */
	void (*warn)(void *ctx, const char *msg, unsigned long nr);
	/* A segment found (may be NULL). */
	void (*segment)(void *ctx, const struct ie_segment *seg);
	/*
	 * Called on the complete tree before it is written (may be NULL);
	 * non-zero fails the conversion: the callback reported why.
	 */
	int (*prepare)(void *ctx, struct ie_tree *tree);
};

struct ie_convert_result {
	unsigned long segments, entries, dropped;
	uint64_t prefix_len;		/* early archives copied */
	uint64_t base;			/* offset of the EROFS image */
	bool written;			/* the image was written (stats valid) */
	struct ie_write_stats stats;
};

/**
 * ie_convert() - convert @opts->input into @opts->output.
 * @res:	filled in as far as the conversion went, on failure too
 * @err:	on failure, the message (naming the input or output), or an
 *		empty string when @opts->prepare already reported
 * Return: 0, or a negative errno.
 */
int ie_convert(const struct ie_convert_options *opts,
	       struct ie_convert_result *res, struct ie_error *err);

#endif /* INITEROFS_CONVERT_H */
