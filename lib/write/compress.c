// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed-output compression (LZ4, LZ4HC, MicroLZMA) and decompression.
 */
#include <errno.h>
#include <limits.h>
#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initerofs/compress.h"
#include "initerofs/erofs_format.h"

#define LZ4HC_DEFAULT_LEVEL	9	/* as mkfs.erofs */
#define LZMA_DEFAULT_LEVEL	6
#define LZMA_MIN_DICT		(32 * 1024)
#define LZMA_MAX_DICT		(1024 * 1024)

/* Below this, LZ4's fast mode uses its 16-bit position table. */
#define LZ4_SMALL_INPUT		65536
#define LZ4_MIN_OFFER		(128 * 1024)
/* LZ4 tries both tables on one cluster in this many, keeps the winner. */
#define LZ4_PROBE_EVERY		8
/* ...in pieces of at least this much: small files use the large table. */
#define LZ4_PROBE_MIN_PIECE	(256 * 1024)

struct ie_compressor {
	struct ie_compr_opts opts;
	void *lz4hc_state;
	char *lz4_alt;			/* second output for LZ4's two tries */
	size_t alt_size;
	unsigned int lz4_clusters;	/* since ie_compressor_reset() */
	bool lz4_small_wins;		/* the last probe's winner */
	bool lz4_probe;			/* the piece is worth probing */
	lzma_stream lzma;
	lzma_options_lzma lzma_opts;
};

struct compr_name {
	enum ie_compr_kind kind;
	const char *name;
	int min_level, max_level;
};

static const struct compr_name compr_names[] = {
	{ IE_COMPR_NONE, "none", 0, 0 },
	{ IE_COMPR_LZ4, "lz4", 0, 0 },
	{ IE_COMPR_LZ4HC, "lz4hc", LZ4HC_CLEVEL_MIN, LZ4HC_CLEVEL_MAX },
	{ IE_COMPR_LZMA, "lzma", 0, 9 },
};

int ie_compr_parse(const char *arg, struct ie_compr_opts *opts,
		   struct ie_error *err)
{
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg), i;

	for (i = 0; i < sizeof(compr_names) / sizeof(compr_names[0]); i++) {
		const struct compr_name *c = &compr_names[i];
		char *end;
		long level;

		if (strlen(c->name) != len || strncmp(arg, c->name, len))
			continue;
		opts->kind = c->kind;
		opts->level = 0;
		if (!comma)
			return 0;
		level = strtol(comma + 1, &end, 10);
		if (c->min_level == c->max_level || *end || end == comma + 1 ||
		    level < c->min_level || level > c->max_level) {
			return ie_fail(err, -EINVAL,
				       "compression: %s takes %s", c->name,
				       c->min_level == c->max_level ?
				       "no level" : "a level in its range");
		}
		opts->level = (int)level;
		return 0;
	}
	return ie_fail(err, -EINVAL,
		       "compression: unknown algorithm '%.*s' (none, lz4, lz4hc, lzma)",
		       (int)len, arg);
}

const char *ie_compr_name(enum ie_compr_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(compr_names) / sizeof(compr_names[0]); i++)
		if (compr_names[i].kind == kind)
			return compr_names[i].name;
	return "?";
}

unsigned int ie_compr_disk_algorithm(enum ie_compr_kind kind)
{
	return kind == IE_COMPR_LZMA ? Z_EROFS_COMPRESSION_LZMA :
				       Z_EROFS_COMPRESSION_LZ4;
}

uint32_t ie_compr_lzma_dict_size(size_t pclustersize)
{
	size_t dict = pclustersize * 8;

	if (dict < LZMA_MIN_DICT)
		dict = LZMA_MIN_DICT;
	if (dict > LZMA_MAX_DICT)
		dict = LZMA_MAX_DICT;
	return (uint32_t)dict;
}

struct ie_compressor *ie_compressor_new(const struct ie_compr_opts *opts,
					size_t pclustersize)
{
	struct ie_compressor *c;

	if (opts->kind == IE_COMPR_NONE)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->opts = *opts;
	if (opts->kind == IE_COMPR_LZ4) {
		c->alt_size = pclustersize;
		c->lz4_alt = malloc(pclustersize);
		if (!c->lz4_alt)
			goto fail;
	} else if (opts->kind == IE_COMPR_LZ4HC) {
		c->lz4hc_state = malloc((size_t)LZ4_sizeofStateHC());
		if (!c->lz4hc_state)
			goto fail;
		if (!c->opts.level)
			c->opts.level = LZ4HC_DEFAULT_LEVEL;
	} else if (opts->kind == IE_COMPR_LZMA) {
		if (lzma_lzma_preset(&c->lzma_opts, (uint32_t)(opts->level ?
				     opts->level : LZMA_DEFAULT_LEVEL)))
			goto fail;
		c->lzma_opts.dict_size = ie_compr_lzma_dict_size(pclustersize);
		c->lzma = (lzma_stream)LZMA_STREAM_INIT;
	}
	return c;
fail:
	ie_compressor_free(c);
	return NULL;
}

void ie_compressor_free(struct ie_compressor *c)
{
	if (!c)
		return;
	if (c->opts.kind == IE_COMPR_LZMA)
		lzma_end(&c->lzma);
	free(c->lz4hc_state);
	free(c->lz4_alt);
	free(c);
}

static int compress_lzma(struct ie_compressor *c, const void *src,
			 size_t *srclen, void *dst, size_t dstcap)
{
	lzma_ret r;

	if (lzma_microlzma_encoder(&c->lzma, &c->lzma_opts) != LZMA_OK)
		return -ENOMEM;
	c->lzma.next_in = src;
	c->lzma.avail_in = *srclen;
	c->lzma.next_out = dst;
	c->lzma.avail_out = dstcap;
	r = lzma_code(&c->lzma, LZMA_FINISH);
	if (r != LZMA_STREAM_END)
		return -EIO;
	*srclen = (size_t)c->lzma.total_in;
	return (int)c->lzma.total_out;
}

void ie_compressor_reset(struct ie_compressor *c, uint64_t piece_len)
{
	c->lz4_clusters = 0;
	c->lz4_small_wins = false;
	c->lz4_probe = piece_len >= LZ4_PROBE_MIN_PIECE;
}

/*
 * LZ4's fast mode compresses with a 16-bit position table below 64 KiB of
 * input and a 32-bit one above, and neither wins everywhere: the small
 * table packs ELF code about 1% tighter, the large one text about 7%. One
 * cluster in LZ4_PROBE_EVERY is compressed both ways and the winner is used
 * for the following ones: 1.2% smaller than the large table alone on ELF,
 * for an eighth more time (trying both every time gains 0.3% more at twice
 * the time). Pieces under 256 KiB are not probed: most of their clusters
 * would be probes, for little gain.
 */
static int compress_lz4(struct ie_compressor *c, const void *src, int *in,
			void *dst, size_t dstcap)
{
	int small_in = *in < LZ4_SMALL_INPUT ? *in : LZ4_SMALL_INPUT;
	int big_in = *in, big_out, small_out;
	bool probe = c->lz4_clusters++ % LZ4_PROBE_EVERY == 0;

	if (!c->lz4_probe || *in <= LZ4_SMALL_INPUT || dstcap > c->alt_size)
		probe = false;
	else if (!probe && c->lz4_small_wins)
		big_in = small_in;	/* use the small table only */
	big_out = LZ4_compress_destSize(src, dst, &big_in, (int)dstcap);
	if (!probe || big_in >= small_in) {
		if (probe)
			c->lz4_small_wins = false;
		*in = big_in;
		return big_out;
	}
	small_out = LZ4_compress_destSize(src, c->lz4_alt, &small_in,
					  (int)dstcap);
	c->lz4_small_wins = small_out > 0 && small_in > big_in &&
			    small_in < LZ4_SMALL_INPUT;
	if (c->lz4_small_wins) {
		memcpy(dst, c->lz4_alt, (size_t)small_out);
		*in = small_in;
		return small_out;
	}
	*in = big_in;
	return big_out;
}

int ie_compress_destsize(struct ie_compressor *c, const void *src,
			 size_t *srclen, void *dst, size_t dstcap)
{
	int in = *srclen > INT_MAX ? INT_MAX : (int)*srclen, out;

	switch (c->opts.kind) {
	case IE_COMPR_LZ4:
		out = compress_lz4(c, src, &in, dst, dstcap);
		break;
	case IE_COMPR_LZ4HC:
		out = LZ4_compress_HC_destSize(c->lz4hc_state, src, dst, &in,
					       (int)dstcap, c->opts.level);
		break;
	case IE_COMPR_LZMA:
		return compress_lzma(c, src, srclen, dst, dstcap);
	default:
		return -EINVAL;
	}
	if (out <= 0)
		return -EIO;
	*srclen = (size_t)in;
	return out;
}

size_t ie_compressor_min_offer(const struct ie_compressor *c)
{
	return c->opts.kind == IE_COMPR_LZ4 ? LZ4_MIN_OFFER : 0;
}

int ie_zero_padding(const void *pcluster, size_t len, size_t blksz)
{
	const unsigned char *p = pcluster;
	size_t i, limit = len < blksz ? len : blksz;

	for (i = 0; i < limit; i++)
		if (p[i])
			return (int)i;
	return -EUCLEAN;
}

static int decompress_lzma(const void *src, size_t srclen, void *dst,
			   size_t dstlen, uint32_t dict_size)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint64_t dict = dict_size ? dict_size : LZMA_MAX_DICT;
	lzma_ret r;

	/*
	 * One extent is decoded in one go: no match reaches further back
	 * than the output so far, so a dictionary of the output's size is
	 * enough. Taking the image's word for it let a hostile superblock
	 * make liblzma allocate 4 GiB per extent.
	 */
	if (dict > dstlen)
		dict = dstlen < 4096 ? 4096 : dstlen;
	if (lzma_microlzma_decoder(&s, srclen, dstlen, 1, (uint32_t)dict) !=
	    LZMA_OK)
		return -ENOMEM;
	s.next_in = src;
	s.avail_in = srclen;
	s.next_out = dst;
	s.avail_out = dstlen;
	r = lzma_code(&s, LZMA_FINISH);
	lzma_end(&s);
	return r == LZMA_STREAM_END && s.total_out == dstlen ? 0 : -EUCLEAN;
}

int ie_decompress(unsigned int algorithm, const void *src, size_t srclen,
		  void *dst, size_t dstlen, uint32_t lzma_dict_size)
{
	int got;

	switch (algorithm) {
	case Z_EROFS_COMPRESSION_LZ4:
		if (srclen > INT_MAX || dstlen > INT_MAX)
			return -EUCLEAN;
		got = LZ4_decompress_safe(src, dst, (int)srclen, (int)dstlen);
		return got == (int)dstlen ? 0 : -EUCLEAN;
	case Z_EROFS_COMPRESSION_LZMA:
		return decompress_lzma(src, srclen, dst, dstlen, lzma_dict_size);
	default:
		return -EOPNOTSUPP;
	}
}
