// SPDX-License-Identifier: GPL-2.0
/*
 * The EROFS superblock: encode, decode, checksum.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "initerofs/error.h"
#include "initerofs/crc32c.h"
#include "initerofs/erofs_format.h"
#include "initerofs/superblock.h"

#define SB_CHECKSUM_OFFSET	4	/* of the checksum field in the sb */
#define CFG_RECORD_SIZE		14	/* every record we know is 14 bytes */

size_t ie_super_checksum_len(unsigned int blkszbits)
{
	size_t len = (size_t)1 << blkszbits;

	/* The kernel skips the first 1024 bytes only when the block has them. */
	return len > EROFS_SUPER_OFFSET ? len - EROFS_SUPER_OFFSET : len;
}

uint32_t ie_super_checksum(const uint8_t *image, unsigned int blkszbits)
{
	const uint8_t *sb = image + EROFS_SUPER_OFFSET;
	size_t len = ie_super_checksum_len(blkszbits);
	static const uint8_t zero[4];
	uint32_t crc;

	crc = ie_crc32c(~0u, sb, SB_CHECKSUM_OFFSET);
	crc = ie_crc32c(crc, zero, sizeof(zero));
	return ie_crc32c(crc, sb + SB_CHECKSUM_OFFSET + 4,
			 len - SB_CHECKSUM_OFFSET - 4);
}

void ie_super_set_checksum(uint8_t *image, unsigned int blkszbits)
{
	ie_put_le32(image + EROFS_SUPER_OFFSET + SB_CHECKSUM_OFFSET,
		    ie_super_checksum(image, blkszbits));
}

/* Append one configuration record: 16-bit length, then the payload. */
static uint8_t *put_cfg_record(uint8_t *p, const void *payload)
{
	ie_put_le16(p, CFG_RECORD_SIZE);
	memcpy(p + 2, payload, CFG_RECORD_SIZE);
	return p + 2 + CFG_RECORD_SIZE;
}

static size_t cfgs_size(const struct ie_super_info *sb)
{
	size_t size = 0;
	unsigned int alg;

	if (!(sb->feature_incompat & EROFS_INCOMPAT_COMPR_CFGS))
		return 0;
	for (alg = 0; alg < Z_EROFS_COMPRESSION_MAX; alg++)
		if (sb->available_compr_algs & (1u << alg))
			size += 2 + CFG_RECORD_SIZE;
	return size;
}

int ie_super_encode(const struct ie_super_info *sb, uint8_t *out, size_t len)
{
	size_t need = EROFS_SUPER_SIZE + sb->extslots * 16 + cfgs_size(sb);
	struct erofs_super d;
	uint8_t *p;

	if (len < need)
		return -ENOSPC;
	memset(&d, 0, sizeof(d));
	d.magic = ie_le32(EROFS_MAGIC);
	d.feature_compat = ie_le32(sb->feature_compat);
	d.blkszbits = (uint8_t)sb->blkszbits;
	d.sb_extslots = (uint8_t)sb->extslots;
	d.root_nid = ie_le16(sb->root_nid);
	d.inos = ie_le64(sb->inos);
	d.build_time = ie_le64(sb->build_time);
	d.build_time_nsec = ie_le32(sb->build_time_nsec);
	d.blocks = ie_le32(sb->blocks);
	d.meta_blkaddr = ie_le32(sb->meta_blkaddr);
	d.xattr_blkaddr = ie_le32(sb->xattr_blkaddr);
	memcpy(d.uuid, sb->uuid, sizeof(d.uuid));
	/* The kernel wants the name NUL-terminated inside its 16 bytes. */
	memcpy(d.volume_name, sb->volume_name,
	       strnlen(sb->volume_name, sizeof(d.volume_name) - 1));
	d.feature_incompat = ie_le32(sb->feature_incompat);
	d.compr_algs_or_lz4_distance = ie_le16(
		(sb->feature_incompat & EROFS_INCOMPAT_COMPR_CFGS) ?
		sb->available_compr_algs : sb->lz4_max_distance);
	memcpy(out, &d, sizeof(d));
	memset(out + sizeof(d), 0, need - sizeof(d));

	p = out + EROFS_SUPER_SIZE + sb->extslots * 16;
	if (cfgs_size(sb)) {
		if (sb->available_compr_algs & (1u << Z_EROFS_COMPRESSION_LZ4)) {
			struct z_erofs_lz4_cfgs lz4 = { 0 };

			lz4.max_distance = ie_le16(sb->lz4_max_distance);
			lz4.max_pclusterblks = ie_le16(sb->lz4_max_pclusterblks);
			p = put_cfg_record(p, &lz4);
		}
		if (sb->available_compr_algs & (1u << Z_EROFS_COMPRESSION_LZMA)) {
			struct z_erofs_lzma_cfgs lzma = { 0 };

			lzma.dict_size = ie_le32(sb->lzma_dict_size);
			p = put_cfg_record(p, &lzma);
		}
	}
	return (int)(p - out);
}

/* Parse the configuration records that follow the superblock. */
static int decode_cfgs(const uint8_t *image, size_t len,
		       struct ie_super_info *sb, struct ie_error *err)
{
	size_t pos = EROFS_SUPER_OFFSET + EROFS_SUPER_SIZE + sb->extslots * 16;
	size_t start = pos;
	unsigned int alg;

	sb->lz4_max_pclusterblks = 1;
	if (!(sb->feature_incompat & EROFS_INCOMPAT_COMPR_CFGS))
		return 0;
	if (sb->available_compr_algs & ~((1u << Z_EROFS_COMPRESSION_MAX) - 1))
		return ie_fail(err, -EOPNOTSUPP,
			    "superblock: unknown compression algorithms 0x%x",
			    sb->available_compr_algs);
	for (alg = 0; alg < Z_EROFS_COMPRESSION_MAX; alg++) {
		unsigned int rlen;

		if (!(sb->available_compr_algs & (1u << alg)))
			continue;
		if (pos + 2 > len)
			return ie_fail(err, -EUCLEAN,
				    "superblock: compression record %u truncated", alg);
		rlen = ie_get_le16(image + pos);
		if (!rlen)
			rlen = 65536;
		if (pos + 2 + rlen > len)
			return ie_fail(err, -EUCLEAN,
				    "superblock: compression record %u truncated", alg);
		if (alg == Z_EROFS_COMPRESSION_LZ4) {
			if (rlen < CFG_RECORD_SIZE)
				return ie_fail(err, -EUCLEAN,
					    "superblock: lz4 record of %u bytes", rlen);
			sb->lz4_max_distance = ie_get_le16(image + pos + 2);
			sb->lz4_max_pclusterblks = ie_get_le16(image + pos + 4);
			if (!sb->lz4_max_pclusterblks)
				sb->lz4_max_pclusterblks = 1;
			if (sb->lz4_max_pclusterblks >
			    (Z_EROFS_PCLUSTER_MAX_SIZE >> sb->blkszbits))
				return ie_fail(err, -EUCLEAN,
					    "superblock: lz4 pcluster of %u blocks too large",
					    sb->lz4_max_pclusterblks);
		} else if (alg == Z_EROFS_COMPRESSION_LZMA) {
			if (rlen < CFG_RECORD_SIZE)
				return ie_fail(err, -EUCLEAN,
					    "superblock: lzma record of %u bytes", rlen);
			sb->lzma_dict_size = ie_get_le32(image + pos + 2);
			if (sb->lzma_dict_size > Z_EROFS_LZMA_MAX_DICT_SIZE)
				return ie_fail(err, -EUCLEAN,
					    "superblock: lzma dictionary %u too large",
					    sb->lzma_dict_size);
		}
		pos += 2 + rlen;
	}
	sb->cfgs_size = (unsigned int)(pos - start);
	return 0;
}

int ie_super_decode(const uint8_t *image, size_t len,
		    struct ie_super_info *sb, struct ie_error *err)
{
	struct erofs_super d;
	uint32_t crc;

	memset(sb, 0, sizeof(*sb));
	if (len < EROFS_SUPER_OFFSET + EROFS_SUPER_SIZE)
		return ie_fail(err, -EUCLEAN,
			    "superblock: image of %zu bytes is too short", len);
	memcpy(&d, image + EROFS_SUPER_OFFSET, sizeof(d));
	if (ie_get_le32(&d.magic) != EROFS_MAGIC)
		return ie_fail(err, -EUCLEAN,
			    "superblock: bad magic 0x%08x", ie_get_le32(&d.magic));
	sb->blkszbits = d.blkszbits;
	if (sb->blkszbits < EROFS_MIN_BLKSZBITS ||
	    sb->blkszbits > EROFS_MAX_BLKSZBITS)
		return ie_fail(err, -EUCLEAN,
			    "superblock: unsupported block size 2^%u",
			    sb->blkszbits);
	if (d.dirblkbits)
		return ie_fail(err, -EUCLEAN,
			    "superblock: unsupported dirblkbits %u", d.dirblkbits);
	if (len < EROFS_SUPER_OFFSET + ie_super_checksum_len(sb->blkszbits))
		return ie_fail(err, -EUCLEAN,
			    "superblock: image shorter than its first block");
	sb->feature_compat = ie_get_le32(&d.feature_compat);
	sb->checksum = ie_get_le32(&d.checksum);
	if (sb->feature_compat & EROFS_COMPAT_SB_CHKSUM) {
		crc = ie_super_checksum(image, sb->blkszbits);
		if (crc != sb->checksum)
			return ie_fail(err, -EBADMSG,
				    "superblock: bad checksum 0x%08x, expected 0x%08x",
				    sb->checksum, crc);
	}
	sb->feature_incompat = ie_get_le32(&d.feature_incompat);
	if (sb->feature_incompat & ~EROFS_INCOMPAT_ALL)
		return ie_fail(err, -EOPNOTSUPP,
			    "superblock: unknown incompatible features 0x%x",
			    sb->feature_incompat & ~EROFS_INCOMPAT_ALL);
	sb->extslots = d.sb_extslots;
	if (EROFS_SUPER_SIZE + sb->extslots * 16 > 4096 - EROFS_SUPER_OFFSET)
		return ie_fail(err, -EUCLEAN,
			    "superblock: %u extension slots do not fit",
			    sb->extslots);
	sb->root_nid = ie_get_le16(&d.root_nid);
	sb->inos = ie_get_le64(&d.inos);
	sb->build_time = ie_get_le64(&d.build_time);
	sb->build_time_nsec = ie_get_le32(&d.build_time_nsec);
	sb->blocks = ie_get_le32(&d.blocks);
	sb->meta_blkaddr = ie_get_le32(&d.meta_blkaddr);
	sb->xattr_blkaddr = ie_get_le32(&d.xattr_blkaddr);
	memcpy(sb->uuid, d.uuid, sizeof(sb->uuid));
	if (!memchr(d.volume_name, 0, sizeof(d.volume_name)))
		return ie_fail(err, -EUCLEAN,
			    "superblock: volume name is not NUL-terminated");
	memcpy(sb->volume_name, d.volume_name, sizeof(d.volume_name));
	sb->volume_name[16] = '\0';
	if (sb->feature_incompat & EROFS_INCOMPAT_COMPR_CFGS)
		sb->available_compr_algs = ie_get_le16(&d.compr_algs_or_lz4_distance);
	else
		sb->lz4_max_distance = ie_get_le16(&d.compr_algs_or_lz4_distance);
	return decode_cfgs(image, len, sb, err);
}
