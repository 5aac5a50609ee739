/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cluster indexes of compressed files: encode (compact form) and decode
 * (compact and full form), following Linux 6.12's fs/erofs/zmap.c.
 *
 * A compressed file is cut into variable-length extents, each stored in a
 * physical cluster (pcluster) of whole blocks, either compressed or raw
 * ("plain"). The index has one entry per logical cluster (lcluster, one
 * block here): HEAD where an extent starts (with the offset inside the
 * lcluster), NONHEAD otherwise (with distances to the heads around it).
 * Compact indexes do not store every block address: the reader counts
 * pclusters, so pclusters must be laid out back to back in file order.
 */
#ifndef INITEROFS_ZMAP_H
#define INITEROFS_ZMAP_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One extent as the writer produced it. */
struct ie_zextent {
	uint64_t lstart;		/* logical start in the file */
	uint32_t blocks;		/* blocks of its pcluster */
	uint32_t plain;			/* 1: stored raw, 0: compressed */
};

/* Longest extent the writer produces: keeps index deltas far below 2048. */
#define IE_ZEXTENT_MAX_LEN	(1024 * 1024)

/* ie_zmap_header_pos() - where the map header goes for an inode ending at
 * @inode_end (inode plus inline xattrs): rounded up to 8 bytes.
 */
uint64_t ie_zmap_header_pos(uint64_t inode_end);

/*
 * ie_zmap_compact_size() - bytes of compact index after the 8-byte map
 * header at @header_pos, for a file of @size bytes. COMPACTED_2B is always
 * used when the block size allows it.
 */
size_t ie_zmap_compact_size(uint64_t size, unsigned int blkszbits,
			    uint64_t header_pos);

/*
 * ie_zmap_compact_encode() - write the map header and the compact index for
 * @n extents (sorted, the first starting at 0) of a @size-byte file whose
 * pclusters start at block @blkaddr, to @out (8 + ie_zmap_compact_size()
 * bytes). @big_pcluster allows pclusters of more than one block (the image
 * must then have the BIG_PCLUSTER feature). @algorithm is the on-disk
 * algorithm of compressed extents.
 * Return: 0, or -EINVAL when the extents cannot be indexed.
 */
int ie_zmap_compact_encode(const struct ie_zextent *ext, size_t n,
			   uint64_t size, unsigned int blkszbits,
			   uint32_t blkaddr, bool big_pcluster,
			   unsigned int algorithm, uint64_t header_pos,
			   uint8_t *out);

/* ---- decode ----------------------------------------------------------- */

/*
 * The decoder is the only one in initerofs: the reader walks files with it
 * (lib/reader_zmap.c), the tests check the encoder with it. It reads every
 * lcluster record the way Linux 6.12's fs/erofs/zmap.c does, bit for bit,
 * because an index is only right if the kernel reads it the way we meant.
 * Errors are -EUCLEAN (corrupted) or -EOPNOTSUPP (fragments), with a
 * one-line reason in the caller's @err ("lcluster N: ..." where one is at
 * fault); callers add which inode.
 */
struct ie_zinode {
	unsigned int blkszbits;
	unsigned int lclusterbits;
	unsigned int datalayout;	/* EROFS_LAYOUT_COMPRESSED_* */
	unsigned int advise;		/* Z_EROFS_ADVISE_* */
	unsigned int algorithm[2];	/* HEAD1, HEAD2 */
	uint64_t size;			/* the file's i_size */
	uint64_t nlcl;			/* lclusters covering the file */
	uint32_t feature_incompat;	/* the superblock's */
	const uint8_t *index;		/* the map header and what follows */
	uint64_t index_pos;		/* image offset of the map header */
	size_t index_len;		/* bytes readable from @index */
	unsigned int idata_size;	/* inline tail pcluster (ztailpacking) */
	uint64_t idata_pos;		/* its image offset */
};

/*
 * ie_zmap_inode_init() - read and check the map header at @index (image
 * offset @index_pos, @index_len bytes readable: pass what remains of the
 * image) for a file of @size > 0 bytes, and find its inline tail pcluster.
 * Return: 0 or a negative errno, reason in @err.
 */
int ie_zmap_inode_init(struct ie_zinode *zi, unsigned int blkszbits,
		       unsigned int datalayout, uint64_t size,
		       uint32_t feature_incompat, const uint8_t *index,
		       uint64_t index_pos, size_t index_len,
		       struct ie_error *err);

/* One decoded lcluster record. */
struct ie_zlcluster {
	uint64_t lcn;
	unsigned int type;		/* Z_EROFS_LCLUSTER_TYPE_* */
	unsigned int clusterofs;	/* heads; lcluster size for NONHEAD */
	unsigned int delta[2];		/* NONHEAD: back to / on to a head */
	uint32_t pblk;			/* heads: first block of the pcluster */
	uint32_t cblks;			/* NONHEAD with a block count, else 0 */
	uint64_t nextpackoff;		/* image offset after its record/pack */
};

/* ie_zmap_load_lcluster() - decode the record of lcluster @lcn. */
int ie_zmap_load_lcluster(const struct ie_zinode *zi, uint64_t lcn,
			  struct ie_zlcluster *m, struct ie_error *err);

struct ie_zmap_extent {
	uint64_t la;			/* logical start of the extent */
	uint64_t llen;			/* its length, up to the file's end */
	uint64_t pa;			/* image offset of its pcluster */
	uint64_t plen;			/* pcluster bytes */
	uint64_t head_lcn;		/* lcluster of its head record */
	bool plain;			/* stored raw */
	bool interlaced;		/* raw, rotated (INTERLACED_PCLUSTER) */
	bool inline_tail;		/* the tail pcluster, in the metadata */
	unsigned int algorithm;		/* for compressed extents */
};

/*
 * ie_zmap_head_extent() - the extent whose head record is @head and whose
 * next head is at logical offset @end (or @end >= size for the last): its
 * pcluster, and the kernel's checks on it.
 */
int ie_zmap_head_extent(const struct ie_zinode *zi,
			const struct ie_zlcluster *head, uint64_t end,
			struct ie_zmap_extent *ext, struct ie_error *err);

/*
 * ie_zmap_map() - find the extent holding logical offset @la (< size) as
 * the kernel does: load its lcluster, look back to the head with delta[0],
 * look ahead to the next head with delta[1].
 */
int ie_zmap_map(const struct ie_zinode *zi, uint64_t la,
		struct ie_zmap_extent *ext, struct ie_error *err);

#endif /* INITEROFS_ZMAP_H */
