/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EROFS superblock: encode, decode and checksum.
 *
 * The superblock sits at byte 1024 of the image. With big physical clusters
 * (or any non-default compression setting) the COMPR_CFGS feature is set and
 * per-algorithm configuration records follow it; they are part of the
 * superblock concept and handled here.
 */
#ifndef INITEROFS_SUPERBLOCK_H
#define INITEROFS_SUPERBLOCK_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ie_super_info {
	unsigned int blkszbits;
	uint32_t feature_compat;
	uint32_t feature_incompat;
	uint16_t root_nid;
	uint64_t inos;
	uint64_t build_time;
	uint32_t build_time_nsec;
	uint32_t blocks;
	uint32_t meta_blkaddr;
	uint32_t xattr_blkaddr;
	uint8_t uuid[16];
	char volume_name[17];		/* NUL-terminated, at most 15 bytes used */
	/* COMPR_CFGS: which algorithms have records; else 0. */
	uint16_t available_compr_algs;
	uint16_t lz4_max_distance;	/* without COMPR_CFGS; 0 = 64 KiB */
	uint16_t lz4_max_pclusterblks;	/* from the LZ4 record; 1 without */
	uint32_t lzma_dict_size;	/* from the LZMA record */
	uint32_t checksum;		/* as stored */
	unsigned int extslots;		/* 16-byte slots after the 128 bytes */
	unsigned int cfgs_size;		/* bytes of configuration records */
};

/*
 * ie_super_encode() - write the superblock and its configuration records
 * into @out, which corresponds to image offset 1024 and holds @len bytes.
 * The checksum field is left 0; see ie_super_set_checksum().
 * Return: bytes written (128 plus records), or -ENOSPC.
 */
int ie_super_encode(const struct ie_super_info *sb, uint8_t *out, size_t len);

/*
 * ie_super_checksum() - the checksum the kernel expects for @image, the
 * start of an image holding at least 1024 + one block of bytes. The stored
 * checksum field is treated as 0.
 */
uint32_t ie_super_checksum(const uint8_t *image, unsigned int blkszbits);

/* ie_super_set_checksum() - compute and store the superblock checksum. */
void ie_super_set_checksum(uint8_t *image, unsigned int blkszbits);

/* Bytes of the image the checksum covers: from 1024 on, one block's worth. */
size_t ie_super_checksum_len(unsigned int blkszbits);

/*
 * ie_super_decode() - parse and validate the superblock of @image (@len
 * bytes from the image start) the way Linux 6.12 does: magic, block size,
 * dirblkbits, unknown incompat features, extslots, volume name, compression
 * records and, when SB_CHKSUM is set, the checksum.
 * Return: 0, or a negative errno with a one-line reason in @err.
 */
int ie_super_decode(const uint8_t *image, size_t len,
		    struct ie_super_info *sb, struct ie_error *err);

#endif /* INITEROFS_SUPERBLOCK_H */
