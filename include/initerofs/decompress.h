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

#include <stdbool.h>
#include <stddef.h>

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

/**
 * ie_decompress_open() - make @out the stream of bytes decompressed from @in.
 * @out:	uninitialised stream; on success it must be closed with
 *		ie_decompress_close()
 * @c:		the compression, as detected at @in's current position
 * @in:		positioned on the first byte of the compressed stream; it
 *		must outlive @out
 * @err:	message buffer for failures
 * @errlen:	its size
 *
 * Reading @out past the end of the compressed stream returns the end; @in
 * is then on the first byte after the compressed stream. Corrupt or
 * truncated data fails the read with a message naming the compression, the
 * offset where its stream started and the input offset of the problem.
 * Return: 0, or -1 with @err filled in (unsupported or out of memory).
 */
int ie_decompress_open(struct ie_stream *out, enum ie_compression c,
		       struct ie_stream *in, char *err, size_t errlen);

/** ie_decompress_close() - free the decompressor and @out's buffer. */
void ie_decompress_close(struct ie_stream *out);

#endif /* INITEROFS_DECOMPRESS_H */
