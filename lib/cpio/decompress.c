// SPDX-License-Identifier: GPL-2.0
/*
 * Decompressor streams for initrd segments: gzip, bzip2, lzma, xz and zstd
 * through their libraries; lz4 legacy frames and lzo (lzop files) parsed
 * here, their blocks decoded by liblz4 and liblzo2. Each reads its input
 * straight from the lower stream's buffer and consumes exactly the
 * compressed bytes, so the caller finds the next segment right behind it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd_errors.h>
#include <zstd.h>

#include "initerofs/decompress.h"

#define OUT_BUFFER_SIZE	(256 * 1024)

struct decompressor {
	enum ie_compression method;
	struct ie_stream *in;
	uint64_t start;		/* input offset of the compressed stream */
	bool done;
	struct ie_decompress_limits limits;	/* memory set, output 0: none */
	uint64_t produced;	/* decompressed bytes handed out */
	union {
		z_stream z;
		bz_stream bz;
		lzma_stream lzma;
		ZSTD_DStream *zstd;
		struct {
			unsigned char *buf;	/* one decompressed block */
			size_t len, off;	/* its size, bytes handed out */
			uint32_t flags;		/* lzop: the header's flags */
		} chunk;
	} u;
};

/*
 * One decoding step over the buffered input. Sets *@in_used and *@out_made;
 * returns 1 at the end of the compressed stream, 0 to go on, -1 on error.
 */
typedef int (*step_fn)(struct ie_stream *out, struct decompressor *d,
		       const unsigned char *src, size_t src_len,
		       unsigned char *dst, size_t room,
		       size_t *in_used, size_t *out_made);

static const struct {
	unsigned char magic[2];
	enum ie_compression method;
	const char *name;
} formats[] = {
	/* The kernel's table, lib/decompress.c, in its order. */
	{ { 0x1f, 0x8b }, IE_COMPRESSION_GZIP, "gzip" },
	{ { 0x1f, 0x9e }, IE_COMPRESSION_GZIP, "gzip" },
	{ { 0x42, 0x5a }, IE_COMPRESSION_BZIP2, "bzip2" },
	{ { 0x5d, 0x00 }, IE_COMPRESSION_LZMA, "lzma" },
	{ { 0xfd, 0x37 }, IE_COMPRESSION_XZ, "xz" },
	{ { 0x89, 0x4c }, IE_COMPRESSION_LZO, "lzo" },
	{ { 0x02, 0x21 }, IE_COMPRESSION_LZ4, "lz4" },
	{ { 0x28, 0xb5 }, IE_COMPRESSION_ZSTD, "zstd" },
};

#define NR_FORMATS (sizeof(formats) / sizeof(formats[0]))

enum ie_compression ie_compression_detect(const unsigned char *p, size_t len)
{
	size_t i;

	if (len < 2)
		return IE_COMPRESSION_UNKNOWN;
	for (i = 0; i < NR_FORMATS; i++)
		if (p[0] == formats[i].magic[0] && p[1] == formats[i].magic[1])
			return formats[i].method;
	return IE_COMPRESSION_UNKNOWN;
}

const char *ie_compression_name(enum ie_compression c)
{
	size_t i;

	for (i = 0; i < NR_FORMATS; i++)
		if (formats[i].method == c)
			return formats[i].name;
	return "unknown";
}

__attribute__((format(printf, 3, 4)))
static int fail(struct ie_stream *out, const struct decompressor *d,
		const char *fmt, ...)
{
	char what[IE_ERR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ie_fail_at(&out->err, -EINVAL, d->in->pos,
			  "%s stream at offset %llu: %s (input offset %llu)",
			  ie_compression_name(d->method),
			  (unsigned long long)d->start, what,
			  (unsigned long long)d->in->pos);
}

/* ---- gzip ---------------------------------------------------------------- */

static int gzip_init(struct decompressor *d)
{
	/* 16 + MAX_WBITS: one gzip member, header and trailer checked. */
	return inflateInit2(&d->u.z, 16 + MAX_WBITS) == Z_OK ? 0 : -1;
}

static int gzip_step(struct ie_stream *out, struct decompressor *d,
		     const unsigned char *src, size_t src_len,
		     unsigned char *dst, size_t room,
		     size_t *in_used, size_t *out_made)
{
	z_stream *z = &d->u.z;
	int ret;

	z->next_in = (unsigned char *)src;
	z->avail_in = src_len > UINT32_MAX ? UINT32_MAX : (uInt)src_len;
	z->next_out = dst;
	z->avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
	ret = inflate(z, Z_NO_FLUSH);
	*in_used = (size_t)(z->next_in - src);
	*out_made = (size_t)(z->next_out - dst);
	if (ret == Z_STREAM_END)
		return 1;
	if (ret == Z_OK || ret == Z_BUF_ERROR)
		return 0;
	return fail(out, d, "corrupt data: zlib: %s",
		    z->msg ? z->msg : "error");
}

static void gzip_end(struct decompressor *d)
{
	inflateEnd(&d->u.z);
}

/* ---- bzip2 --------------------------------------------------------------- */

static int bzip2_init(struct decompressor *d)
{
	return BZ2_bzDecompressInit(&d->u.bz, 0, 0) == BZ_OK ? 0 : -1;
}

static int bzip2_step(struct ie_stream *out, struct decompressor *d,
		      const unsigned char *src, size_t src_len,
		      unsigned char *dst, size_t room,
		      size_t *in_used, size_t *out_made)
{
	bz_stream *bz = &d->u.bz;
	int ret;

	bz->next_in = (char *)src;
	bz->avail_in = src_len > UINT32_MAX ? UINT32_MAX : (unsigned int)src_len;
	bz->next_out = (char *)dst;
	bz->avail_out = room > UINT32_MAX ? UINT32_MAX : (unsigned int)room;
	ret = BZ2_bzDecompress(bz);
	*in_used = (size_t)((unsigned char *)bz->next_in - src);
	*out_made = (size_t)((unsigned char *)bz->next_out - dst);
	if (ret == BZ_STREAM_END)
		return 1;
	if (ret == BZ_OK)
		return 0;
	return fail(out, d, "corrupt data: libbz2 error %d", ret);
}

static void bzip2_end(struct decompressor *d)
{
	BZ2_bzDecompressEnd(&d->u.bz);
}

/* ---- lzma and xz --------------------------------------------------------- */

static int lzma_init(struct decompressor *d)
{
	lzma_stream init = LZMA_STREAM_INIT;

	d->u.lzma = init;
	if (d->method == IE_COMPRESSION_XZ)
		/* No LZMA_CONCATENATED: one stream, as the kernel's unxz. */
		return lzma_stream_decoder(&d->u.lzma, d->limits.memory, 0) ==
			LZMA_OK ? 0 : -1;
	return lzma_alone_decoder(&d->u.lzma, d->limits.memory) == LZMA_OK ?
	       0 : -1;
}

static const char *lzma_message(lzma_ret ret)
{
	switch (ret) {
	case LZMA_FORMAT_ERROR:
		return "not in the expected format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_UNSUPPORTED_CHECK:
		return "unsupported integrity check";
	case LZMA_MEM_ERROR:
	case LZMA_MEMLIMIT_ERROR:
		return "out of memory";
	default:
		return "decoder error";
	}
}

static int lzma_step(struct ie_stream *out, struct decompressor *d,
		     const unsigned char *src, size_t src_len,
		     unsigned char *dst, size_t room,
		     size_t *in_used, size_t *out_made)
{
	lzma_stream *s = &d->u.lzma;
	lzma_ret ret;

	s->next_in = src;
	s->avail_in = src_len;
	s->next_out = dst;
	s->avail_out = room;
	ret = lzma_code(s, LZMA_RUN);
	*in_used = (size_t)(s->next_in - src);
	*out_made = (size_t)(s->next_out - dst);
	if (ret == LZMA_STREAM_END)
		return 1;
	if (ret == LZMA_OK || ret == LZMA_BUF_ERROR)
		return 0;
	if (ret == LZMA_MEMLIMIT_ERROR)
		return fail(out, d, "the stream asks for %llu MiB of decoder memory, over the limit of %llu MiB (a decompression bomb? the limit is --decoder-memory)",
			    (unsigned long long)(lzma_memusage(s) >> 20),
			    (unsigned long long)(d->limits.memory >> 20));
	return fail(out, d, "%s (liblzma error %d)", lzma_message(ret), ret);
}

static void lzma_end_(struct decompressor *d)
{
	lzma_end(&d->u.lzma);
}

/* ---- zstd ---------------------------------------------------------------- */

/* The largest window log whose window fits the memory limit. */
static int zstd_window_log(uint64_t memory)
{
	int log = 10;		/* ZSTD_WINDOWLOG_ABSOLUTEMIN */

	while (log < 31 && (2ULL << log) <= memory)
		log++;
	return log;
}

static int zstd_init(struct decompressor *d)
{
	d->u.zstd = ZSTD_createDStream();
	if (!d->u.zstd)
		return -1;
	/*
	 * The kernel accepts windows up to 2 GiB (--long=31); a window is
	 * memory the decoder allocates up front, so it obeys the limit.
	 */
	ZSTD_DCtx_setParameter(d->u.zstd, ZSTD_d_windowLogMax,
			       zstd_window_log(d->limits.memory));
	return 0;
}

static int zstd_step(struct ie_stream *out, struct decompressor *d,
		     const unsigned char *src, size_t src_len,
		     unsigned char *dst, size_t room,
		     size_t *in_used, size_t *out_made)
{
	ZSTD_inBuffer ib = { src, src_len, 0 };
	ZSTD_outBuffer ob = { dst, room, 0 };
	size_t ret = ZSTD_decompressStream(d->u.zstd, &ob, &ib);

	*in_used = ib.pos;
	*out_made = ob.pos;
	if (ZSTD_isError(ret) &&
	    ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge)
		return fail(out, d, "the frame asks for a window over the limit of %llu MiB of decoder memory (a decompression bomb? the limit is --decoder-memory)",
			    (unsigned long long)(d->limits.memory >> 20));
	if (ZSTD_isError(ret))
		return fail(out, d, "corrupt data: libzstd: %s",
			    ZSTD_getErrorName(ret));
	return ret == 0;	/* 0: the frame is decoded and flushed */
}

static void zstd_end(struct decompressor *d)
{
	ZSTD_freeDStream(d->u.zstd);
}

/* ---- formats parsed here, decoded a block at a time ---------------------- */

/*
 * Decode the next block of the stream into d->u.chunk.
 * Return: 1 when a block was decoded, 0 at the end, -1 on error.
 */
typedef int (*chunk_fn)(struct ie_stream *out, struct decompressor *d);

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int chunk_alloc(struct decompressor *d, size_t size)
{
	d->u.chunk.buf = malloc(size);
	d->u.chunk.len = d->u.chunk.off = 0;
	return d->u.chunk.buf ? 0 : -1;
}

static void chunk_end(struct decompressor *d)
{
	free(d->u.chunk.buf);
}

/* Make @n bytes of input available, or say why not. Return: 0 or -1. */
static int need_input(struct ie_stream *out, struct decompressor *d, size_t n,
		      const char *what)
{
	ssize_t got = ie_stream_need(d->in, n);

	if (got < 0)
		return ie_error_copy(&out->err, &d->in->err);
	if ((size_t)got < n)
		return fail(out, d, "truncated: the input ends inside %s", what);
	return 0;
}

/* ---- lz4 legacy ---- */

static int lz4_init(struct decompressor *d)
{
	return chunk_alloc(d, IE_LZ4_LEGACY_CHUNK);
}

/*
 * The legacy format has no end marker; like the kernel's unlz4 we stop at
 * the end of the input, at a zero chunk length (padding) or when fewer than
 * 4 bytes are left, and take a repeated magic as a concatenated frame.
 */
static int lz4_next_chunk(struct ie_stream *out, struct decompressor *d)
{
	struct ie_stream *in = d->in;
	uint32_t len;
	ssize_t got;
	int made;

	for (;;) {
		got = ie_stream_need(in, 4);
		if (got < 0)
			return need_input(out, d, 4, "");
		if (got < 4)
			return 0;
		len = get_le32(ie_stream_data(in));
		if (len != IE_LZ4_LEGACY_MAGIC)
			break;
		ie_stream_consume(in, 4);
	}
	if (len == 0)
		return 0;
	if (len > (uint32_t)LZ4_compressBound(IE_LZ4_LEGACY_CHUNK))
		return fail(out, d, "chunk length %u is larger than any chunk",
			    len);
	if (need_input(out, d, 4 + (size_t)len, "a chunk"))
		return -1;
	made = LZ4_decompress_safe((const char *)ie_stream_data(in) + 4,
				   (char *)d->u.chunk.buf, (int)len,
				   IE_LZ4_LEGACY_CHUNK);
	if (made < 0)
		return fail(out, d, "corrupt %u-byte chunk", len);
	ie_stream_consume(in, 4 + (size_t)len);
	d->u.chunk.len = (size_t)made;
	return 1;
}

static int lz4_open(struct ie_stream *out, struct decompressor *d)
{
	ssize_t got = ie_stream_need(d->in, 4);

	if (got < 4 || get_le32(ie_stream_data(d->in)) != IE_LZ4_LEGACY_MAGIC)
		return fail(out, d, "not an lz4 legacy frame (lz4 -l), the only lz4 format the kernel reads");
	ie_stream_consume(d->in, 4);
	return 0;
}

/* ---- lzo (lzop's file format, as the kernel's unlzo reads it) ---- */

#define LZO_BLOCK_SIZE		(256 * 1024)
#define LZOP_ADLER32_D		0x00000001u
#define LZOP_ADLER32_C		0x00000002u
#define LZOP_HAS_FILTER		0x00000800u
#define LZOP_CRC32_D		0x00000100u
#define LZOP_CRC32_C		0x00000200u
#define LZOP_HEADER_MAX		(9 + 7 + 1 + 8 + 8 + 4 + 1 + 255 + 4)

static const unsigned char lzop_magic[9] = {
	0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a
};

static int lzop_init(struct decompressor *d)
{
	if (lzo_init() != LZO_E_OK)
		return -1;
	return chunk_alloc(d, LZO_BLOCK_SIZE);
}

/*
 * The header, field for field as the kernel's parse_header() walks it. The
 * kernel skips exactly one 4-byte checksum per block, so a stream with
 * checksums of the compressed data or none at all would be misread there:
 * refuse it here rather than guess.
 */
static int lzop_open(struct ie_stream *out, struct decompressor *d)
{
	const unsigned char *p;
	size_t avail, pos;
	uint16_t version;
	uint32_t flags;
	ssize_t got = ie_stream_need(d->in, LZOP_HEADER_MAX);

	if (got < 0)
		return need_input(out, d, LZOP_HEADER_MAX, "");
	p = ie_stream_data(d->in);
	avail = (size_t)got;
	if (avail < 9 + 7 + 4 || memcmp(p, lzop_magic, 9))
		return fail(out, d, "not an lzop file header");
	version = (uint16_t)(p[9] << 8 | p[10]);
	pos = 9 + 7 + (version >= 0x0940);
	flags = get_be32(p + pos);
	pos += flags & LZOP_HAS_FILTER ? 8 : 4;
	pos += 8 + (version >= 0x0940 ? 4 : 0);		/* mode, mtime */
	if (pos + 1 > avail || pos + 1 + p[pos] + 4 > avail)
		return fail(out, d, "truncated lzop file header");
	pos += 1 + p[pos] + 4;				/* name, header checksum */
	if (!(flags & (LZOP_ADLER32_D | LZOP_CRC32_D)) ||
	    (flags & (LZOP_ADLER32_C | LZOP_CRC32_C)) ||
	    (flags & LZOP_ADLER32_D && flags & LZOP_CRC32_D))
		return fail(out, d, "lzop checksum flags 0x%x: the kernel reads exactly one checksum, of the uncompressed data, per block",
			    flags);
	d->u.chunk.flags = flags;
	ie_stream_consume(d->in, pos);
	return 0;
}

static int lzop_check(struct ie_stream *out, struct decompressor *d,
		     uint32_t want, uint32_t len)
{
	const unsigned char *buf = d->u.chunk.buf;
	uint32_t sum = d->u.chunk.flags & LZOP_ADLER32_D ?
		(uint32_t)adler32(1, buf, len) : (uint32_t)crc32(0, buf, len);

	if (sum == want)
		return 0;
	return fail(out, d, "block checksum 0x%08x, the data sums to 0x%08x",
		    want, sum);
}

/* A block: uncompressed length (0 ends), compressed length, checksum, data. */
static int lzop_next_chunk(struct ie_stream *out, struct decompressor *d)
{
	const unsigned char *p;
	uint32_t dst_len, src_len;
	lzo_uint made;

	if (need_input(out, d, 4, "a block header"))
		return -1;
	dst_len = get_be32(ie_stream_data(d->in));
	if (!dst_len) {
		ie_stream_consume(d->in, 4);
		return 0;
	}
	if (dst_len > LZO_BLOCK_SIZE)
		return fail(out, d, "block of %u bytes, more than lzop's %u",
			    dst_len, LZO_BLOCK_SIZE);
	if (need_input(out, d, 12, "a block header"))
		return -1;
	src_len = get_be32(ie_stream_data(d->in) + 4);
	if (!src_len || src_len > dst_len)
		return fail(out, d, "compressed block length %u for %u bytes",
			    src_len, dst_len);
	if (need_input(out, d, 12 + (size_t)src_len, "a block"))
		return -1;
	p = ie_stream_data(d->in);
	made = dst_len;
	if (src_len == dst_len)
		memcpy(d->u.chunk.buf, p + 12, dst_len);	/* stored */
	else if (lzo1x_decompress_safe(p + 12, src_len, d->u.chunk.buf,
				       &made, NULL) != LZO_E_OK || made != dst_len)
		return fail(out, d, "corrupt %u-byte block", src_len);
	if (lzop_check(out, d, get_be32(p + 8), dst_len))
		return -1;
	ie_stream_consume(d->in, 12 + (size_t)src_len);
	d->u.chunk.len = dst_len;
	return 1;
}

/* Hand out the current block, decoding the next one when it is used up. */
static ssize_t chunk_fill(struct ie_stream *out, unsigned char *dst,
			  size_t room);

/* ---- the table -------------------------------------------------------------- */

static const struct decoder {
	enum ie_compression method;
	int (*init)(struct decompressor *d);
	/* Check and consume the stream's own header (optional). */
	int (*open)(struct ie_stream *out, struct decompressor *d);
	step_fn step;			/* library-driven decoders */
	chunk_fn next_chunk;		/* formats parsed here */
	void (*end)(struct decompressor *d);
} decoders[] = {
	{ IE_COMPRESSION_GZIP, gzip_init, NULL, gzip_step, NULL, gzip_end },
	{ IE_COMPRESSION_BZIP2, bzip2_init, NULL, bzip2_step, NULL, bzip2_end },
	{ IE_COMPRESSION_LZMA, lzma_init, NULL, lzma_step, NULL, lzma_end_ },
	{ IE_COMPRESSION_XZ, lzma_init, NULL, lzma_step, NULL, lzma_end_ },
	{ IE_COMPRESSION_ZSTD, zstd_init, NULL, zstd_step, NULL, zstd_end },
	{ IE_COMPRESSION_LZ4, lz4_init, lz4_open, NULL, lz4_next_chunk, chunk_end },
	{ IE_COMPRESSION_LZO, lzop_init, lzop_open, NULL, lzop_next_chunk, chunk_end },
};

#define NR_DECODERS (sizeof(decoders) / sizeof(decoders[0]))

static const struct decoder *decoder_of(enum ie_compression c)
{
	size_t i;

	for (i = 0; i < NR_DECODERS; i++)
		if (decoders[i].method == c)
			return &decoders[i];
	return NULL;
}

bool ie_compression_supported(enum ie_compression c)
{
	return decoder_of(c) != NULL;
}

/* Count @n more decompressed bytes against the output limit. */
static ssize_t produced(struct ie_stream *out, struct decompressor *d,
			size_t n)
{
	d->produced += n;
	if (d->limits.output && d->produced > d->limits.output)
		return fail(out, d, "more than %llu decompressed bytes, the limit (a decompression bomb? the limit is --max-unpacked)",
			    (unsigned long long)d->limits.output);
	return (ssize_t)n;
}

static ssize_t chunk_fill(struct ie_stream *out, unsigned char *dst,
			  size_t room)
{
	struct decompressor *d = out->ctx;
	size_t n;

	while (d->u.chunk.off == d->u.chunk.len) {
		int ret;

		if (d->done)
			return 0;
		d->u.chunk.len = d->u.chunk.off = 0;
		ret = decoder_of(d->method)->next_chunk(out, d);
		if (ret < 0)
			return ret;
		if (ret == 0)
			d->done = true;
	}
	n = d->u.chunk.len - d->u.chunk.off;
	if (n > room)
		n = room;
	memcpy(dst, d->u.chunk.buf + d->u.chunk.off, n);
	d->u.chunk.off += n;
	return produced(out, d, n);
}

/*
 * Feed the decoder from the input buffer until it produces something, the
 * compressed stream ends, or the input runs out (a truncated stream).
 */
static ssize_t library_fill(struct ie_stream *out, unsigned char *dst,
			    size_t room)
{
	struct decompressor *d = out->ctx;
	step_fn step = decoder_of(d->method)->step;
	size_t want = 1;

	while (!d->done) {
		size_t used = 0, made = 0;
		ssize_t got = ie_stream_need(d->in, want);
		int ret;

		if (got < 0)
			return ie_error_copy(&out->err, &d->in->err);
		ret = step(out, d, ie_stream_data(d->in), (size_t)got, dst,
			   room, &used, &made);
		if (ret < 0)
			return ret;
		ie_stream_consume(d->in, used);
		if (ret == 1)
			d->done = true;
		if (made)
			return produced(out, d, made);
		if (used || d->done) {
			want = 1;
			continue;
		}
		/* No progress: the decoder wants more than is buffered. */
		if ((size_t)got < want)
			return fail(out, d, "truncated: the input ends inside the compressed stream");
		want = (size_t)got + 1;
	}
	return 0;
}

int ie_parse_size(const char *s, uint64_t *v)
{
	static const char units[] = "KMGT";
	unsigned long long n;
	const char *u;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		u = strchr(units, *end);
		if (!u || end[1])
			return -EINVAL;
		for (; u >= units; u--) {
			if (n > UINT64_MAX / 1024)
				return -EINVAL;
			n *= 1024;
		}
	}
	*v = n;
	return 0;
}

int ie_decompress_open(struct ie_stream *out, enum ie_compression c,
		       struct ie_stream *in, struct ie_error *err)
{
	return ie_decompress_open_limited(out, c, in, NULL, err);
}

int ie_decompress_open_limited(struct ie_stream *out, enum ie_compression c,
			       struct ie_stream *in,
			       const struct ie_decompress_limits *limits,
			       struct ie_error *err)
{
	const struct decoder *dec = decoder_of(c);
	struct decompressor *d;

	if (!dec)
		return ie_fail_at(err, -EOPNOTSUPP, in->pos,
				  "offset %llu: %s compression is not supported",
				  (unsigned long long)in->pos,
				  ie_compression_name(c));
	d = calloc(1, sizeof(*d));
	if (!d)
		goto nomem;
	d->method = c;
	d->in = in;
	d->start = in->pos;
	if (limits)
		d->limits = *limits;
	if (!d->limits.memory)
		d->limits.memory = IE_DECOMPRESS_MEMORY_DEFAULT;
	if (dec->init(d))
		goto nomem_free;
	if (ie_stream_init(out, OUT_BUFFER_SIZE,
			   dec->step ? library_fill : chunk_fill, d))
		goto nomem_end;
	if (dec->open && dec->open(out, d) < 0) {
		int ret = ie_error_copy(err, &out->err);

		ie_decompress_close(out);
		return ret;
	}
	return 0;
nomem_end:
	dec->end(d);
nomem_free:
	free(d);
nomem:
	return ie_fail_at(err, -ENOMEM, in->pos,
			  "offset %llu: out of memory for the %s decoder",
			  (unsigned long long)in->pos, ie_compression_name(c));
}

void ie_decompress_close(struct ie_stream *out)
{
	struct decompressor *d = out->ctx;

	if (d) {
		decoder_of(d->method)->end(d);
		free(d);
	}
	ie_stream_fini(out);
}
