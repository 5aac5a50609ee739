/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming decompression of initrd segments.
 *
 * Detection follows the kernel's decompress_method() (lib/decompress.c):
 * the first two bytes of a segment name its compression, and the kernel
 * tries nothing else. Each decompressor stops at the end of *one*
 * compressed stream (one gzip member, one xz stream, one zstd frame, one
 * run of lz4 legacy chunks) and leaves its input on the first byte after
 * it, as the kernel does, so that what follows is scanned as the next
 * segment. Decompression goes through the usual libraries (zlib, libbz2,
 * liblzma, liblz4, liblzo2, libzstd); nothing is run as a subprocess. The
 * lz4 legacy and lzop containers are parsed here, the way the kernel's
 * unlz4 and unlzo parse them.
 */
#ifndef INITEROFS_DECOMPRESS_H
#define INITEROFS_DECOMPRESS_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream.h"

enum ie_compression {
	IE_COMPRESSION_UNKNOWN = 0,
	IE_COMPRESSION_GZIP,
	IE_COMPRESSION_BZIP2,
	IE_COMPRESSION_LZMA,
	IE_COMPRESSION_XZ,
	IE_COMPRESSION_LZO,
	IE_COMPRESSION_LZ4,
	IE_COMPRESSION_ZSTD,
};

/* The lz4 "legacy" frame the kernel's unlz4 reads (lz4 -l). */
#define IE_LZ4_LEGACY_MAGIC		0x184C2102u
/* Its fixed uncompressed chunk size, and so the biggest chunk it makes. */
#define IE_LZ4_LEGACY_CHUNK		(8u << 20)

/**
 * ie_compression_detect() - the kernel's view of what @p starts with.
 * Return: the compression named by the two magic bytes, or
 * IE_COMPRESSION_UNKNOWN (also when @len < 2).
 */
enum ie_compression ie_compression_detect(const unsigned char *p, size_t len);

/** ie_compression_name() - "gzip", "xz", ... ("unknown" for UNKNOWN). */
const char *ie_compression_name(enum ie_compression c);

/** ie_compression_supported() - whether ie_decompress_open() can read it. */
bool ie_compression_supported(enum ie_compression c);

/*
 * What one compressed stream may cost, against decompression bombs: a
 * 188-byte lzma header can ask for a 4 GiB dictionary, a zstd frame for a
 * 2 GiB window, and a few kilobytes of gzip expand to gigabytes.
 */
struct ie_decompress_limits {
	/* Decoder memory (lzma/xz dictionary, zstd window); 0: the default. */
	uint64_t memory;
	/* Decompressed bytes per stream; 0: no limit. */
	uint64_t output;
};

/*
 * Far above what real initramfs compressors use (xz -9: 64 MiB, zstd -19:
 * 8 MiB, zstd --long: 128 MiB) and what the zstd tool accepts without
 * being told (128 MiB).
 */
#define IE_DECOMPRESS_MEMORY_DEFAULT	(256ULL << 20)

/**
 * ie_parse_size() - parse "123", "64K", "256M", "2G", "1T" (powers of 1024).
 * Return: 0, or -EINVAL for anything else or an overflow.
 */
int ie_parse_size(const char *s, uint64_t *v);

/**
 * ie_decompress_open() - make @out the stream of bytes decompressed from @in,
 * within the default limits (ie_decompress_open_limited()).
 * @out:	uninitialised stream; on success it must be closed with
 *		ie_decompress_close()
 * @c:		the compression, as detected at @in's current position
 * @in:		positioned on the first byte of the compressed stream; it
 *		must outlive @out
 * @err:	the error record for failures
 *
 * Reading @out past the end of the compressed stream returns the end; @in
 * is then on the first byte after the compressed stream. Corrupt or
 * truncated data fails the read with a message naming the compression, the
 * offset where its stream started and the input offset of the problem.
 * Return: 0, or -EOPNOTSUPP, -ENOMEM or -EINVAL (a bad stream header)
 * with @err filled in.
 */
int ie_decompress_open(struct ie_stream *out, enum ie_compression c,
		       struct ie_stream *in, struct ie_error *err);

/**
 * ie_decompress_open_limited() - ie_decompress_open() within @limits (NULL:
 * the defaults). A stream over a limit fails its read with a message that
 * names the limit and the amount asked for.
 */
int ie_decompress_open_limited(struct ie_stream *out, enum ie_compression c,
			       struct ie_stream *in,
			       const struct ie_decompress_limits *limits,
			       struct ie_error *err);

/** ie_decompress_close() - free the decompressor and @out's buffer. */
void ie_decompress_close(struct ie_stream *out);

#endif /* INITEROFS_DECOMPRESS_H */
