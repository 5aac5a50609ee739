/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compression for EROFS physical clusters: fixed-output ("destination
 * size") compression, and the matching decompression.
 *
 * The writer asks a compressor to fit as much input as it can into one
 * physical cluster; the compressed bytes are then stored at the END of the
 * cluster with zeros in front (the 0PADDING feature), which is how the
 * kernel finds the exact compressed length.
 */
#ifndef INITEROFS_COMPRESS_H
#define INITEROFS_COMPRESS_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ie_compr_kind {
	IE_COMPR_NONE = 0,
	IE_COMPR_LZ4,
	IE_COMPR_LZ4HC,
	IE_COMPR_LZMA,
};

struct ie_compr_opts {
	enum ie_compr_kind kind;
	int level;			/* algorithm-specific; 0 = default */
};

/*
 * ie_compr_parse() - parse "none", "lz4", "lz4hc[,LEVEL]" or
 * "lzma[,LEVEL]". Return: 0, or -EINVAL with a message in @err.
 */
int ie_compr_parse(const char *arg, struct ie_compr_opts *opts,
		   struct ie_error *err);

/* The name of @kind as ie_compr_parse() accepts it. */
const char *ie_compr_name(enum ie_compr_kind kind);

/* The on-disk algorithm number (Z_EROFS_COMPRESSION_*) for @kind. */
unsigned int ie_compr_disk_algorithm(enum ie_compr_kind kind);

/* LZMA dictionary size used for a physical cluster size. */
uint32_t ie_compr_lzma_dict_size(size_t pclustersize);

struct ie_compressor;

/*
 * ie_compressor_new() - a compressor for one thread. @pclustersize is the
 * largest output that will be asked for.
 * Return: the compressor, or NULL when out of memory or @opts is NONE.
 */
struct ie_compressor *ie_compressor_new(const struct ie_compr_opts *opts,
					size_t pclustersize);
void ie_compressor_free(struct ie_compressor *c);

/*
 * ie_compressor_reset() - forget what earlier calls learnt about the data
 * (which LZ4 table wins). Call it at the start of every independent piece
 * of work, with the piece's length, so that output depends only on that
 * piece, not on what the same thread compressed before.
 */
void ie_compressor_reset(struct ie_compressor *c, uint64_t piece_len);

/*
 * ie_compress_destsize() - compress a prefix of @src (*@srclen bytes) into
 * at most @dstcap bytes at @dst. On return *@srclen holds how much input
 * the output represents.
 * Return: bytes of output (> 0), or a negative errno.
 */
int ie_compress_destsize(struct ie_compressor *c, const void *src,
			 size_t *srclen, void *dst, size_t dstcap);

/*
 * ie_compressor_min_offer() - the least input worth offering at once.
 * LZ4's fast mode tries two position tables, one only used above 64 KiB
 * of input, so it wants at least 128 KiB; the others have no threshold
 * (and LZ4HC pays for every byte offered).
 */
size_t ie_compressor_min_offer(const struct ie_compressor *c);

/*
 * ie_zero_padding() - number of leading zero bytes of a physical cluster
 * (looked for in its first @blksz bytes, as the kernel does).
 * Return: the count, or -EUCLEAN when the first block is all zeros.
 */
int ie_zero_padding(const void *pcluster, size_t len, size_t blksz);

/*
 * ie_decompress() - decompress @srclen bytes (padding already skipped)
 * with on-disk algorithm @algorithm into exactly @dstlen bytes.
 * @lzma_dict_size is the image's LZMA dictionary size.
 * Return: 0, -EUCLEAN when the data does not decode to exactly @dstlen
 * bytes, -EOPNOTSUPP for an algorithm this build cannot read.
 */
int ie_decompress(unsigned int algorithm, const void *src, size_t srclen,
		  void *dst, size_t dstlen, uint32_t lzma_dict_size);

#endif /* INITEROFS_COMPRESS_H */
