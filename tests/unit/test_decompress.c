// SPDX-License-Identifier: GPL-2.0
/*
 * The decompressor streams: every format round-trips data made by its own
 * library's compressor, stops exactly at the end of the compressed stream
 * (the bytes behind it are left for the next segment), and fails with a
 * message on truncated or corrupt input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "initerofs/decompress.h"

#define PAYLOAD_SIZE	(1536 * 1024 + 123)
#define TAIL		"\0\0\0\0NEXT"
#define TAIL_LEN	8

static unsigned char *payload;

/* Compressible but not trivially: words drawn by a fixed pseudo-random walk. */
static int make_payload(void **state)
{
	static const char *const words[] = {
		"initramfs ", "erofs ", "kernel ", "microcode ", "\n", "0707",
		"\xff\x00\x12", "module.ko.xz ", "firmware ", "busybox ",
	};
	uint32_t x = 12345;
	size_t len = 0;

	(void)state;
	payload = malloc(PAYLOAD_SIZE);
	while (len < PAYLOAD_SIZE) {
		const char *w;
		size_t n;

		x = x * 1103515245 + 12345;
		w = words[(x >> 16) % 10];
		n = strlen(w) + 1;
		if (n > PAYLOAD_SIZE - len)
			n = PAYLOAD_SIZE - len;
		memcpy(payload + len, w, n);
		len += n;
	}
	return 0;
}

static int free_payload(void **state)
{
	(void)state;
	free(payload);
	return 0;
}

struct packed {
	unsigned char *p;
	size_t len;
};

static void pack_reserve(struct packed *c, size_t len)
{
	c->p = malloc(len + TAIL_LEN);
	assert_non_null(c->p);
}

static void pack_gzip(struct packed *c)
{
	z_stream z = { 0 };

	pack_reserve(c, PAYLOAD_SIZE + 4096);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = payload;
	z.avail_in = PAYLOAD_SIZE;
	z.next_out = c->p;
	z.avail_out = PAYLOAD_SIZE + 4096;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	c->len = z.total_out;
	deflateEnd(&z);
}

static void pack_bzip2(struct packed *c)
{
	unsigned int len = PAYLOAD_SIZE + 4096;

	pack_reserve(c, len);
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)c->p, &len,
						  (char *)payload, PAYLOAD_SIZE,
						  1, 0, 0), BZ_OK);
	c->len = len;
}

static void pack_lzma_common(struct packed *c, bool xz)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma opt;

	pack_reserve(c, PAYLOAD_SIZE + 4096);
	assert_false(lzma_lzma_preset(&opt, 1));
	if (xz)
		assert_int_equal(lzma_easy_encoder(&s, 1, LZMA_CHECK_CRC32), LZMA_OK);
	else
		assert_int_equal(lzma_alone_encoder(&s, &opt), LZMA_OK);
	s.next_in = payload;
	s.avail_in = PAYLOAD_SIZE;
	s.next_out = c->p;
	s.avail_out = PAYLOAD_SIZE + 4096;
	assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
	c->len = s.total_out;
	lzma_end(&s);
}

static void pack_xz(struct packed *c)
{
	pack_lzma_common(c, true);
}

static void pack_lzma(struct packed *c)
{
	pack_lzma_common(c, false);
}

static void pack_zstd(struct packed *c)
{
	size_t bound = ZSTD_compressBound(PAYLOAD_SIZE);

	pack_reserve(c, bound);
	c->len = ZSTD_compress(c->p, bound, payload, PAYLOAD_SIZE, 3);
	assert_false(ZSTD_isError(c->len));
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* lz4 -l: the magic, then (le32 length, block) per chunk of up to 8 MiB. */
static void pack_lz4_chunks(struct packed *c, size_t chunk)
{
	size_t done = 0;

	pack_reserve(c, 4 + PAYLOAD_SIZE + PAYLOAD_SIZE / 64 + 4096);
	put_le32(c->p, IE_LZ4_LEGACY_MAGIC);
	c->len = 4;
	while (done < PAYLOAD_SIZE) {
		size_t n = PAYLOAD_SIZE - done < chunk ? PAYLOAD_SIZE - done : chunk;
		int made = LZ4_compress_default((const char *)payload + done,
						(char *)c->p + c->len + 4, (int)n,
						LZ4_compressBound((int)n));

		assert_true(made > 0);
		put_le32(c->p + c->len, (uint32_t)made);
		c->len += 4 + (size_t)made;
		done += n;
	}
}

static void pack_lz4(struct packed *c)
{
	pack_lz4_chunks(c, IE_LZ4_LEGACY_CHUNK);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * An lzop file as `lzop` 1.04 writes it: magic, version 0x1040, library
 * version, version needed 0x0940, method 1 (LZO1X-1), level 5, flags
 * (adler32 of the data, Unix), mode, mtime (low, high), no name, header
 * checksum; then per 256 KiB block its lengths, the data's adler32 and the
 * data (stored when it does not shrink); a zero length ends it.
 */
static void pack_lzo(struct packed *c)
{
	static const unsigned char head[] = {
		0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a,
		0x10, 0x40, 0x20, 0xa0, 0x09, 0x40, 0x01, 0x05,
		0x03, 0x00, 0x00, 0x01, 0, 0, 0x81, 0xa4, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0, 0, 0, 0,
	};
	static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
	size_t done = 0;

	assert_int_equal(lzo_init(), LZO_E_OK);
	pack_reserve(c, sizeof(head) + PAYLOAD_SIZE + PAYLOAD_SIZE / 8 + 4096);
	memcpy(c->p, head, sizeof(head));
	c->len = sizeof(head);
	while (done < PAYLOAD_SIZE) {
		size_t n = PAYLOAD_SIZE - done < 256 * 1024 ? PAYLOAD_SIZE - done : 256 * 1024;
		unsigned char *hdr = c->p + c->len;
		lzo_uint made;

		assert_int_equal(lzo1x_1_compress(payload + done, n, hdr + 12, &made,
						  wrk), LZO_E_OK);
		if (made >= n) {
			memcpy(hdr + 12, payload + done, n);
			made = n;
		}
		put_be32(hdr, (uint32_t)n);
		put_be32(hdr + 4, (uint32_t)made);
		put_be32(hdr + 8, (uint32_t)adler32(1, payload + done, (uInt)n));
		c->len += 12 + made;
		done += n;
	}
	put_be32(c->p + c->len, 0);
	c->len += 4;
}

/* Decompress @len bytes at @p followed by TAIL; check the data and the tail. */
static void assert_round_trip(enum ie_compression c, struct packed *z)
{
	struct ie_stream in, out;
	struct ie_error err;
	size_t got = 0;

	memcpy(z->p + z->len, TAIL, TAIL_LEN);
	assert_int_equal(ie_compression_detect(z->p, z->len), c);
	assert_int_equal(ie_stream_init_mem(&in, z->p, z->len + TAIL_LEN), 0);
	assert_int_equal(ie_decompress_open(&out, c, &in, &err), 0);
	for (;;) {
		ssize_t n = ie_stream_need(&out, 1);

		if (n < 0)
			fail_msg("%s", out.err.msg);
		if (!n)
			break;
		assert_true(got + (size_t)n <= PAYLOAD_SIZE);
		assert_memory_equal(ie_stream_data(&out), payload + got, n);
		got += (size_t)n;
		ie_stream_consume(&out, (size_t)n);
	}
	assert_int_equal(got, PAYLOAD_SIZE);
	/* The input stops right behind the compressed stream. */
	assert_int_equal(in.pos, z->len);
	assert_int_equal(ie_stream_need(&in, TAIL_LEN), TAIL_LEN);
	assert_memory_equal(ie_stream_data(&in), TAIL, TAIL_LEN);
	ie_decompress_close(&out);
	ie_stream_fini(&in);
	free(z->p);
}

/* Read everything from @len bytes at @p; return the error message. */
static void assert_fails(enum ie_compression c, const unsigned char *p,
			 size_t len, const char *expect)
{
	struct ie_stream in, out;
	struct ie_error err;
	ssize_t n;

	assert_int_equal(ie_stream_init_mem(&in, p, len), 0);
	assert_int_equal(ie_decompress_open(&out, c, &in, &err), 0);
	do {
		n = ie_stream_need(&out, 1);
		if (n > 0)
			ie_stream_consume(&out, (size_t)n);
	} while (n > 0);
	assert_int_equal(n, -EINVAL);
	if (!strstr(out.err.msg, expect))
		fail_msg("expected \"%s\" in \"%s\"", expect, out.err.msg);
	ie_decompress_close(&out);
	ie_stream_fini(&in);
}

static void test_gzip(void **state)
{
	struct packed z;

	(void)state;
	pack_gzip(&z);
	assert_round_trip(IE_COMPRESSION_GZIP, &z);
}

static void test_bzip2(void **state)
{
	struct packed z;

	(void)state;
	pack_bzip2(&z);
	assert_round_trip(IE_COMPRESSION_BZIP2, &z);
}

static void test_xz(void **state)
{
	struct packed z;

	(void)state;
	pack_xz(&z);
	assert_round_trip(IE_COMPRESSION_XZ, &z);
}

static void test_lzma(void **state)
{
	struct packed z;

	(void)state;
	pack_lzma(&z);
	assert_round_trip(IE_COMPRESSION_LZMA, &z);
}

static void test_zstd(void **state)
{
	struct packed z;

	(void)state;
	pack_zstd(&z);
	assert_round_trip(IE_COMPRESSION_ZSTD, &z);
}

static void test_lz4(void **state)
{
	struct packed z;

	(void)state;
	pack_lz4(&z);
	assert_round_trip(IE_COMPRESSION_LZ4, &z);
	/* Many small chunks, as the stream crosses buffer boundaries. */
	pack_lz4_chunks(&z, 100000);
	assert_round_trip(IE_COMPRESSION_LZ4, &z);
}

static void test_lzo(void **state)
{
	struct packed z;

	(void)state;
	pack_lzo(&z);
	assert_round_trip(IE_COMPRESSION_LZO, &z);
}

static void test_lz4_concatenated(void **state)
{
	struct packed a, b;
	struct ie_stream in, out;
	unsigned char *both;
	struct ie_error err;
	size_t got = 0;
	ssize_t n;

	(void)state;
	pack_lz4_chunks(&a, 1 << 20);
	pack_lz4_chunks(&b, 1 << 20);
	/* A second frame's magic where a chunk length belongs continues. */
	both = malloc(a.len + b.len + 8);
	memcpy(both, a.p, a.len);
	memcpy(both + a.len, b.p, b.len);
	memset(both + a.len + b.len, 0, 8);
	assert_int_equal(ie_stream_init_mem(&in, both, a.len + b.len + 8), 0);
	assert_int_equal(ie_decompress_open(&out, IE_COMPRESSION_LZ4, &in, &err), 0);
	while ((n = ie_stream_need(&out, 1)) > 0) {
		assert_memory_equal(ie_stream_data(&out),
				    payload + got % PAYLOAD_SIZE,
				    (size_t)n < PAYLOAD_SIZE - got % PAYLOAD_SIZE ?
				    (size_t)n : PAYLOAD_SIZE - got % PAYLOAD_SIZE);
		got += (size_t)n;
		ie_stream_consume(&out, (size_t)n);
	}
	assert_int_equal(n, 0);
	assert_int_equal(got, 2 * PAYLOAD_SIZE);
	/* A zero length ends it, like the kernel: the zeros are not eaten. */
	assert_int_equal(in.pos, a.len + b.len);
	ie_decompress_close(&out);
	ie_stream_fini(&in);
	free(both);
	free(a.p);
	free(b.p);
}

static void test_truncated(void **state)
{
	struct {
		enum ie_compression c;
		void (*pack)(struct packed *c);
	} cases[] = {
		{ IE_COMPRESSION_GZIP, pack_gzip },
		{ IE_COMPRESSION_BZIP2, pack_bzip2 },
		{ IE_COMPRESSION_XZ, pack_xz },
		{ IE_COMPRESSION_LZMA, pack_lzma },
		{ IE_COMPRESSION_ZSTD, pack_zstd },
		{ IE_COMPRESSION_LZ4, pack_lz4 },
		{ IE_COMPRESSION_LZO, pack_lzo },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct packed z;
		char expect[64];

		cases[i].pack(&z);
		snprintf(expect, sizeof(expect), "%s stream at offset 0: ",
			 ie_compression_name(cases[i].c));
		assert_fails(cases[i].c, z.p, z.len / 2, expect);
		assert_fails(cases[i].c, z.p, z.len / 2, "truncated");
		free(z.p);
	}
}

static void test_corrupt(void **state)
{
	struct packed z;

	(void)state;
	pack_gzip(&z);
	z.p[z.len - 6] ^= 0x55;		/* inside the CRC32 trailer */
	assert_fails(IE_COMPRESSION_GZIP, z.p, z.len, "gzip stream at offset 0: corrupt data: zlib: incorrect data check");
	free(z.p);

	pack_xz(&z);
	z.p[z.len / 2] ^= 0x55;
	assert_fails(IE_COMPRESSION_XZ, z.p, z.len, "xz stream at offset 0: ");
	free(z.p);

	pack_lz4(&z);
	put_le32(z.p + 4, 0x7fffffff);
	assert_fails(IE_COMPRESSION_LZ4, z.p, z.len, "chunk length 2147483647 is larger than any chunk");
	free(z.p);

	pack_lzo(&z);
	z.p[38 + 12 + 100] ^= 0x55;	/* inside the first block's data */
	assert_fails(IE_COMPRESSION_LZO, z.p, z.len, "lzo stream at offset 0: ");
	free(z.p);
}

static void test_detect(void **state)
{
	static const struct {
		unsigned char magic[2];
		enum ie_compression c;
		const char *name;
	} cases[] = {
		{ { 0x1f, 0x8b }, IE_COMPRESSION_GZIP, "gzip" },
		{ { 0x1f, 0x9e }, IE_COMPRESSION_GZIP, "gzip" },
		{ { 'B', 'Z' }, IE_COMPRESSION_BZIP2, "bzip2" },
		{ { 0x5d, 0x00 }, IE_COMPRESSION_LZMA, "lzma" },
		{ { 0xfd, '7' }, IE_COMPRESSION_XZ, "xz" },
		{ { 0x89, 'L' }, IE_COMPRESSION_LZO, "lzo" },
		{ { 0x02, 0x21 }, IE_COMPRESSION_LZ4, "lz4" },
		{ { 0x28, 0xb5 }, IE_COMPRESSION_ZSTD, "zstd" },
		{ { '0', '7' }, IE_COMPRESSION_UNKNOWN, "unknown" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ie_compression_detect(cases[i].magic, 2), cases[i].c);
		assert_string_equal(ie_compression_name(cases[i].c), cases[i].name);
	}
	assert_int_equal(ie_compression_detect(cases[0].magic, 1),
			 IE_COMPRESSION_UNKNOWN);
	assert_false(ie_compression_supported(IE_COMPRESSION_UNKNOWN));
	assert_true(ie_compression_supported(IE_COMPRESSION_ZSTD));
	assert_true(ie_compression_supported(IE_COMPRESSION_LZO));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_bzip2),
		cmocka_unit_test(test_xz),
		cmocka_unit_test(test_lzma),
		cmocka_unit_test(test_zstd),
		cmocka_unit_test(test_lz4),
		cmocka_unit_test(test_lzo),
		cmocka_unit_test(test_lz4_concatenated),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
	};

	return cmocka_run_group_tests(tests, make_payload, free_payload);
}
