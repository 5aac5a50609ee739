// SPDX-License-Identifier: GPL-2.0
/*
 * Turning one extent's stored bytes into file bytes, with the same rules
 * as Linux 6.12's decompressors: zero padding in front of compressed data,
 * exact output length (the algorithms themselves are in compress.c), and
 * the two ways uncompressed pclusters are laid out (shifted, interlaced).
 */
#include <errno.h>
#include <string.h>

#include "initerofs/compress.h"
#include "initerofs/reader.h"
#include "reader_internal.h"

const char *ie_extent_kind_name(enum ie_extent_kind kind)
{
	static const char *const names[] = {
		[IE_EXTENT_HOLE] = "hole",
		[IE_EXTENT_RAW] = "raw",
		[IE_EXTENT_SHIFTED] = "plain",
		[IE_EXTENT_INTERLACED] = "interlaced",
		[IE_EXTENT_LZ4] = "lz4",
		[IE_EXTENT_LZMA] = "lzma",
		[IE_EXTENT_DEFLATE] = "deflate",
		[IE_EXTENT_ZSTD] = "zstd",
	};

	if ((unsigned int)kind < sizeof(names) / sizeof(names[0]))
		return names[kind];
	return "unknown";
}

static int corrupt(struct ie_image *img, const struct ie_extent *ext,
		   const char *what)
{
	return ie_image_set_error(img, -EUCLEAN,
				  "%s extent at file offset %llu (%llu bytes from %llu stored bytes at %llu): %s",
				  ie_extent_kind_name(ext->kind),
				  (unsigned long long)ext->la,
				  (unsigned long long)ext->llen,
				  (unsigned long long)ext->plen,
				  (unsigned long long)ext->pa, what);
}

/*
 * Compressed data is aligned to the end of its pcluster behind zero
 * padding; the kernel looks for its first byte only in the pcluster's
 * first block (which, for a tail-packed pcluster, starts mid-block).
 */
static int decode_compressed(struct ie_image *img, const struct ie_extent *ext,
			     const uint8_t *in, uint8_t *out)
{
	uint32_t bs = img->si.blksz;
	unsigned int alg;
	int margin, ret;

	alg = ext->kind == IE_EXTENT_LZMA ? Z_EROFS_COMPRESSION_LZMA :
					    Z_EROFS_COMPRESSION_LZ4;
	margin = ie_zero_padding(in, ext->plen, bs - (ext->pa & (bs - 1)));
	if (margin < 0)
		return corrupt(img, ext, "first block holds only zero padding");
	ret = ie_decompress(alg, in + margin, ext->plen - (size_t)margin, out,
			    ext->llen, img->si.lzma_dict_size);
	if (ret == -EOPNOTSUPP)
		return corrupt(img, ext, "algorithm not supported by this build");
	if (ret)
		return corrupt(img, ext, "compressed data does not decode to exactly the extent's length");
	return 0;
}

/*
 * An interlaced pcluster is stored rotated so that each block lands at its
 * page offset: the first (blksz - la % blksz) output bytes are the last
 * ones stored.
 */
static void decode_interlaced(struct ie_image *img, const struct ie_extent *ext,
			      const uint8_t *in, uint8_t *out)
{
	uint32_t bs = img->si.blksz;
	uint64_t first = bs - (ext->la & (bs - 1));

	if (first > ext->llen)
		first = ext->llen;
	memcpy(out, in + ext->plen - first, first);
	memcpy(out + first, in, ext->llen - first);
}

int ie_extent_decompress(struct ie_image *img, const struct ie_extent *ext,
		  const uint8_t *in, uint8_t *out)
{
	switch (ext->kind) {
	case IE_EXTENT_HOLE:
		memset(out, 0, ext->llen);
		return 0;
	case IE_EXTENT_RAW:
	case IE_EXTENT_SHIFTED:
	case IE_EXTENT_INTERLACED:
		if (ext->llen > ext->plen)
			return corrupt(img, ext,
				       "uncompressed data longer than its storage");
		if (ext->kind == IE_EXTENT_INTERLACED)
			decode_interlaced(img, ext, in, out);
		else
			memcpy(out, in, ext->llen);
		return 0;
	case IE_EXTENT_LZ4:
	case IE_EXTENT_LZMA:
		return decode_compressed(img, ext, in, out);
	default:
		return ie_image_set_error(img, -EOPNOTSUPP,
					  "%s extent at file offset %llu: algorithm not supported by this reader",
					  ie_extent_kind_name(ext->kind),
					  (unsigned long long)ext->la);
	}
}

int ie_extent_decode(struct ie_image *img, const struct ie_extent *ext,
		     uint8_t *out)
{
	const uint8_t *in = NULL;

	if (ext->kind != IE_EXTENT_HOLE) {
		in = ie_image_bytes(img, ext->pa, ext->plen);
		if (!in)
			return corrupt(img, ext, "stored bytes lie outside the image");
	}
	return ie_extent_decompress(img, ext, in, out);
}
