/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EROFS image writer: turns an in-memory tree into an image.
 *
 * The output depends only on the tree and the options: children are sorted
 * by name, file data is compressed by worker threads but laid out in one
 * fixed order, and nothing is taken from the clock or a random source unless
 * the options ask for it. File data is streamed from its sources; memory
 * grows with the number of inodes, not with the bytes they hold.
 */
#ifndef INITEROFS_WRITER_H
#define INITEROFS_WRITER_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compress.h"
#include "tree.h"

/*
 * How far the file data is, for a progress display: files with data and
 * their bytes laid out so far (of the totals), and the bytes of blocks
 * they took in the image.
 */
struct ie_write_progress {
	uint64_t files_done, files_total;
	uint64_t bytes_done, bytes_total;
	uint64_t stored_bytes;
};

struct ie_write_options {
	unsigned int blkszbits;		/* 9..12; 12 (4096) by default */
	struct ie_compr_opts compr;	/* IE_COMPR_NONE: no compression */
	uint32_t pclustersize;		/* physical cluster bytes; 0 = block */
	unsigned int jobs;		/* compression threads; 0 = CPUs */

	bool all_root;			/* every uid and gid becomes 0 */
	bool force_mtime;		/* every mtime becomes @mtime (-T) */
	bool clamp_mtime;		/* mtimes later than @mtime become it */
	int64_t mtime;

	bool have_uuid;			/* else derived from the metadata */
	uint8_t uuid[16];
	char label[16];			/* volume name, at most 15 bytes */

	/*
	 * Optional: called by the writing thread once before the file data
	 * and after each piece of it is laid out (every few MiB), and once
	 * at the end; it must be quick and must not call the writer.
	 */
	void (*progress)(void *ctx, const struct ie_write_progress *p);
	void *progress_ctx;
};

/* What the writer produced, for messages and benchmarks. */
struct ie_write_stats {
	uint64_t image_bytes;
	uint64_t inodes;
	uint64_t data_bytes;		/* file bytes read from the sources */
	uint64_t data_blocks;		/* blocks holding file data */
	uint64_t compressed_files;
	uint64_t extended_inodes;
	uint64_t shared_xattrs;
};

/* ie_write_options_init() - the defaults: 4 KiB blocks, no compression. */
void ie_write_options_init(struct ie_write_options *opts);

/*
 * ie_write_image() - write @tree as an EROFS image to @path, through a
 * temporary file in the same folder that is renamed over @path at the end
 * and removed on any failure, or on a signal once the program called
 * ie_tempfile_catch_signals() (tempfile.h).
 * Return: 0, or a negative errno with a message in @err.
 */
int ie_write_image(struct ie_tree *tree, const struct ie_write_options *opts,
		   const char *path, struct ie_write_stats *stats,
		   struct ie_error *err);

/*
 * ie_write_image_fd() - write @tree as an EROFS image into @fd starting at
 * byte @base (a multiple of the block size), for callers that put something
 * in front of the image (initerofs convert). Nothing before @base is
 * touched; the file is extended to the image's end.
 * Return: 0, or a negative errno with a message in @err.
 */
int ie_write_image_fd(struct ie_tree *tree, const struct ie_write_options *opts,
		      int fd, uint64_t base, struct ie_write_stats *stats,
		      struct ie_error *err);

/*
 * ie_parse_uuid() - parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
 * Return: 0 or -EINVAL.
 */
int ie_parse_uuid(const char *s, uint8_t uuid[16]);

#endif /* INITEROFS_WRITER_H */
