// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the decompressor front-end. The first byte picks the
 * compression (gzip, bzip2, lzma, xz, lz4 legacy, lzo, zstd), the rest is
 * the stream; everything it decompresses is read out. Limits as convert's
 * defaults, smaller, so that bombs end in an error, not a report.
 */
#include <stdint.h>
#include <stdlib.h>

#include "initerofs/decompress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ie_compression methods[] = {
		IE_COMPRESSION_GZIP, IE_COMPRESSION_BZIP2, IE_COMPRESSION_LZMA,
		IE_COMPRESSION_XZ, IE_COMPRESSION_LZ4, IE_COMPRESSION_LZO,
		IE_COMPRESSION_ZSTD,
	};
	const struct ie_decompress_limits limits = {
		.memory = 32 << 20, .output = 64 << 20,
	};
	struct ie_stream in, out;
	struct ie_error err;
	enum ie_compression c;

	if (!size)
		return 0;
	c = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	if (ie_stream_init_mem(&in, data + 1, size - 1))
		return 0;
	if (!ie_decompress_open_limited(&out, c, &in, &limits, &err)) {
		for (;;) {
			ssize_t got = ie_stream_need(&out, 1);

			if (got <= 0)
				break;
			ie_stream_consume(&out, (size_t)got);
		}
		ie_decompress_close(&out);
	}
	ie_stream_fini(&in);
	return 0;
}
