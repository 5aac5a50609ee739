/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Full consistency check of an EROFS image: what `initerofs check` runs.
 */
#ifndef INITEROFS_CHECK_H
#define INITEROFS_CHECK_H

#include <stdint.h>

#include "reader.h"

/* What the check saw; also what `info` reports. */
struct ie_check_stats {
	uint64_t inodes;		/* distinct inodes reached */
	uint64_t dirs, regular, symlinks, devices, fifos, sockets;
	uint64_t hardlinks;		/* entries beyond an inode's first */
	uint64_t xattrs;
	uint64_t data_bytes;		/* logical bytes of regular files */
	uint64_t stored_bytes;		/* what they occupy in the image */
	uint64_t extents;
	uint64_t compressed_extents;
	uint64_t compressed_files;
};

/* Flags of ie_check(). */
enum ie_check_flags {
	/* Map every extent but decode none (a quick survey, for `info`). */
	IE_CHECK_NO_DECODE = 1u << 0,
};

/**
 * ie_check() - check everything the image holds and report every problem:
 * the superblock (checksum included), every inode reachable from the root,
 * every directory block (sorted names, name offsets, "." and ".."), every
 * extent (decompressing it), xattrs, link counts, the inode count, cycles,
 * addresses out of range and storage shared by two owners.
 * @flags:	enum ie_check_flags
 * @stats:	filled in (may be NULL)
 *
 * Bounded on hostile images: each directory is read once, each inode's
 * data once, and every loop stops at the image's size.
 * Return: the number of problems reported through @rep.
 */
unsigned long ie_check(struct ie_image *img, struct ie_report *rep,
		       unsigned int flags, struct ie_check_stats *stats);

#endif /* INITEROFS_CHECK_H */
