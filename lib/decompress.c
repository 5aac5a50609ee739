// SPDX-License-Identifier: GPL-2.0
/*
 * Decompressor streams for initrd segments: gzip, bzip2, lzma, xz, lz4
 * legacy and zstd through their libraries. Each reads its input straight
 * from the lower stream's buffer and consumes exactly the compressed bytes,
 * so the caller finds the next segment right behind it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "initerofs/decompress.h"

#define OUT_BUFFER_SIZE	(256 * 1024)

struct decompressor {
	enum ie_compression method;
	struct ie_stream *in;
	uint64_t start;		/* input offset of the compressed stream */
	bool done;
	union {
		z_stream z;
		bz_stream bz;
		lzma_stream lzma;
		ZSTD_DStream *zstd;
		struct {
			unsigned char *chunk;	/* one decompressed chunk */
			size_t len, off;	/* its size, bytes handed out */
		} lz4;
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

bool ie_compression_supported(enum ie_compression c)
{
	return c != IE_COMPRESSION_UNKNOWN && c != IE_COMPRESSION_LZO;
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
	ie_errmsg(out->err, sizeof(out->err),
		 "%s stream at offset %llu: %s (input offset %llu)",
		 ie_compression_name(d->method), (unsigned long long)d->start,
		 what, (unsigned long long)d->in->pos);
	return -1;
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
		return lzma_stream_decoder(&d->u.lzma, UINT64_MAX, 0) ==
			LZMA_OK ? 0 : -1;
	return lzma_alone_decoder(&d->u.lzma, UINT64_MAX) == LZMA_OK ? 0 : -1;
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
	return fail(out, d, "%s (liblzma error %d)", lzma_message(ret), ret);
}

static void lzma_end_(struct decompressor *d)
{
	lzma_end(&d->u.lzma);
}

/* ---- zstd ---------------------------------------------------------------- */

static int zstd_init(struct decompressor *d)
{
	d->u.zstd = ZSTD_createDStream();
	if (!d->u.zstd)
		return -1;
	/*
	 * The kernel decodes an initramfs frame in one shot with no window
	 * limit; accept what zstd itself can produce (--long=31).
	 */
	ZSTD_DCtx_setParameter(d->u.zstd, ZSTD_d_windowLogMax, 31);
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
	if (ZSTD_isError(ret))
		return fail(out, d, "corrupt data: libzstd: %s",
			    ZSTD_getErrorName(ret));
	return ret == 0;	/* 0: the frame is decoded and flushed */
}

static void zstd_end(struct decompressor *d)
{
	ZSTD_freeDStream(d->u.zstd);
}

/* ---- lz4 legacy ---------------------------------------------------------- */

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int lz4_init(struct decompressor *d)
{
	d->u.lz4.chunk = malloc(IE_LZ4_LEGACY_CHUNK);
	d->u.lz4.len = d->u.lz4.off = 0;
	return d->u.lz4.chunk ? 0 : -1;
}

/*
 * Decode the next chunk into the staging buffer. The legacy format has no
 * end marker; like the kernel's unlz4 we stop at the end of the input, at
 * a zero chunk length (padding) or when fewer than 4 bytes are left, and
 * treat a repeated magic as the start of a concatenated frame.
 * Return: 1 when a chunk was decoded, 0 at the end, -1 on error.
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
			goto read_error;
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
	got = ie_stream_need(in, 4 + (size_t)len);
	if (got < 0)
		goto read_error;
	if ((size_t)got < 4 + (size_t)len)
		return fail(out, d, "truncated: a %u-byte chunk, %zd bytes left",
			    len, got - 4);
	made = LZ4_decompress_safe((const char *)ie_stream_data(in) + 4,
				   (char *)d->u.lz4.chunk, (int)len,
				   IE_LZ4_LEGACY_CHUNK);
	if (made < 0)
		return fail(out, d, "corrupt %u-byte chunk", len);
	ie_stream_consume(in, 4 + (size_t)len);
	d->u.lz4.len = (size_t)made;
	d->u.lz4.off = 0;
	return 1;
read_error:
	ie_errmsg(out->err, sizeof(out->err), "%s", in->err);
	return -1;
}

static ssize_t lz4_fill(struct ie_stream *out, unsigned char *dst, size_t room)
{
	struct decompressor *d = out->ctx;
	size_t n;

	while (d->u.lz4.off == d->u.lz4.len) {
		int ret;

		if (d->done)
			return 0;
		ret = lz4_next_chunk(out, d);
		if (ret < 0)
			return -1;
		if (ret == 0)
			d->done = true;
	}
	n = d->u.lz4.len - d->u.lz4.off;
	if (n > room)
		n = room;
	memcpy(dst, d->u.lz4.chunk + d->u.lz4.off, n);
	d->u.lz4.off += n;
	return (ssize_t)n;
}

static int lz4_check_magic(struct decompressor *d, char *err, size_t errlen)
{
	ssize_t got = ie_stream_need(d->in, 4);

	if (got >= 4 && get_le32(ie_stream_data(d->in)) == IE_LZ4_LEGACY_MAGIC)
		return 0;
	ie_errmsg(err, errlen,
		 "lz4 stream at offset %llu: not an lz4 legacy frame (the only lz4 format the kernel reads)",
		 (unsigned long long)d->start);
	return -1;
}

static void lz4_end(struct decompressor *d)
{
	free(d->u.lz4.chunk);
}

/* ---- the library-driven decoders share one fill loop ---------------------- */

static const struct {
	enum ie_compression method;
	int (*init)(struct decompressor *d);
	step_fn step;
	void (*end)(struct decompressor *d);
} library_decoders[] = {
	{ IE_COMPRESSION_GZIP, gzip_init, gzip_step, gzip_end },
	{ IE_COMPRESSION_BZIP2, bzip2_init, bzip2_step, bzip2_end },
	{ IE_COMPRESSION_LZMA, lzma_init, lzma_step, lzma_end_ },
	{ IE_COMPRESSION_XZ, lzma_init, lzma_step, lzma_end_ },
	{ IE_COMPRESSION_ZSTD, zstd_init, zstd_step, zstd_end },
	{ IE_COMPRESSION_LZ4, lz4_init, NULL, lz4_end },
};

#define NR_DECODERS (sizeof(library_decoders) / sizeof(library_decoders[0]))

static size_t decoder_index(enum ie_compression c)
{
	size_t i;

	for (i = 0; i < NR_DECODERS; i++)
		if (library_decoders[i].method == c)
			break;
	return i;
}

/*
 * Feed the decoder from the input buffer until it produces something, the
 * compressed stream ends, or the input runs out (a truncated stream).
 */
static ssize_t library_fill(struct ie_stream *out, unsigned char *dst,
			    size_t room)
{
	struct decompressor *d = out->ctx;
	step_fn step = library_decoders[decoder_index(d->method)].step;

	size_t want = 1;

	while (!d->done) {
		size_t used = 0, made = 0;
		ssize_t got = ie_stream_need(d->in, want);
		int ret;

		if (got < 0) {
			ie_errmsg(out->err, sizeof(out->err), "%s", d->in->err);
			return -1;
		}
		ret = step(out, d, ie_stream_data(d->in), (size_t)got, dst,
			   room, &used, &made);
		if (ret < 0)
			return -1;
		ie_stream_consume(d->in, used);
		if (ret == 1)
			d->done = true;
		if (made)
			return (ssize_t)made;
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

int ie_decompress_open(struct ie_stream *out, enum ie_compression c,
		       struct ie_stream *in, char *err, size_t errlen)
{
	struct decompressor *d;
	size_t i = decoder_index(c);

	if (i == NR_DECODERS) {
		ie_errmsg(err, errlen, "offset %llu: %s compression is not supported",
			 (unsigned long long)in->pos, ie_compression_name(c));
		return -1;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		goto nomem;
	d->method = c;
	d->in = in;
	d->start = in->pos;
	if (c == IE_COMPRESSION_LZ4 && lz4_check_magic(d, err, errlen)) {
		free(d);
		return -1;
	}
	if (library_decoders[i].init(d))
		goto nomem_free;
	if (ie_stream_init(out, OUT_BUFFER_SIZE,
			   c == IE_COMPRESSION_LZ4 ? lz4_fill : library_fill, d)) {
		library_decoders[i].end(d);
		goto nomem_free;
	}
	if (c == IE_COMPRESSION_LZ4)
		ie_stream_consume(in, 4);	/* the magic, checked above */
	return 0;
nomem_free:
	free(d);
nomem:
	ie_errmsg(err, errlen, "offset %llu: out of memory for the %s decoder",
		 (unsigned long long)in->pos, ie_compression_name(c));
	return -1;
}

void ie_decompress_close(struct ie_stream *out)
{
	struct decompressor *d = out->ctx;

	if (d) {
		library_decoders[decoder_index(d->method)].end(d);
		free(d);
	}
	ie_stream_fini(out);
}
