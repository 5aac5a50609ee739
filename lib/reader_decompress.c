// SPDX-License-Identifier: GPL-2.0
/*
 * Turning one extent's stored bytes into file bytes, with the same rules
 * as Linux 6.12's decompressors: zero padding in front of LZ4 and LZMA
 * data, exact output length, and the two ways uncompressed pclusters are
 * laid out (shifted and interlaced).
 */
#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <string.h>

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
 * Compressed data is aligned to the end of its pcluster; the zeros in
 * front are padding. The kernel only looks for the first nonzero byte in
 * the pcluster's first block.
 */
static int skip_zero_padding(struct ie_image *img, const struct ie_extent *ext,
			     const uint8_t *in, size_t *margin)
{
	uint32_t bs = img->si.blksz;
	size_t limit = ext->plen, i;

	if (limit > bs - (ext->pa & (bs - 1)))
		limit = bs - (ext->pa & (bs - 1));
	for (i = 0; i < limit; i++)
		if (in[i])
			break;
	if (i == limit)
		return corrupt(img, ext, "first block holds only zero padding");
	*margin = i;
	return 0;
}

static int decode_lz4(struct ie_image *img, const struct ie_extent *ext,
		      const uint8_t *in, uint8_t *out)
{
	bool zero_padding = img->si.sb.feature_incompat &
			    EROFS_INCOMPAT_ZERO_PADDING;
	size_t margin = 0;
	int got;

	if (zero_padding && skip_zero_padding(img, ext, in, &margin))
		return -EUCLEAN;
	/* Without zero padding a pcluster may hold more than the extent. */
	if (zero_padding)
		got = LZ4_decompress_safe((const char *)in + margin, (char *)out,
					  (int)(ext->plen - margin),
					  (int)ext->llen);
	else
		got = LZ4_decompress_safe_partial((const char *)in, (char *)out,
						  (int)ext->plen,
						  (int)ext->llen,
						  (int)ext->llen);
	if (got < 0)
		return corrupt(img, ext, "LZ4 data is malformed");
	if ((uint64_t)got != ext->llen)
		return corrupt(img, ext, "LZ4 data decodes to the wrong length");
	return 0;
}

/* MicroLZMA: an LZMA stream without header, sizes known from the map. */
static int decode_lzma(struct ie_image *img, const struct ie_extent *ext,
		       const uint8_t *in, uint8_t *out)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	uint32_t dict = img->si.lzma_dict_size;
	size_t margin = 0;
	lzma_ret lr;
	int ret = 0;

	if (skip_zero_padding(img, ext, in, &margin))
		return -EUCLEAN;
	if (dict < 4096)
		dict = Z_EROFS_LZMA_MAX_DICT_SIZE;
	lr = lzma_microlzma_decoder(&strm, ext->plen - margin, ext->llen, true,
				    dict);
	if (lr != LZMA_OK)
		return ie_image_set_error(img, -ENOMEM,
					  "reader: cannot start the LZMA decoder (%d)",
					  (int)lr);
	strm.next_in = in + margin;
	strm.avail_in = ext->plen - margin;
	strm.next_out = out;
	strm.avail_out = ext->llen;
	lr = lzma_code(&strm, LZMA_FINISH);
	if ((lr != LZMA_STREAM_END && lr != LZMA_OK) || strm.avail_out)
		ret = corrupt(img, ext, "LZMA data is malformed");
	lzma_end(&strm);
	return ret;
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
		return decode_lz4(img, ext, in, out);
	case IE_EXTENT_LZMA:
		return decode_lzma(img, ext, in, out);
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
