// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: an initrd as `convert` reads it. The early-prefix
 * classifier, the segment scanner with every decompressor behind it, and
 * the cpio importer replaying the kernel's unpacking into a tree; then the
 * in-memory image locator (the kernel's find_image()) on the same bytes.
 * Decoder memory and expansion are capped so that a bomb is a clean error,
 * not an out-of-memory report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "initerofs/import_cpio.h"
#include "initerofs/initrd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int spool_fd(void)
{
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("fuzz-spool", MFD_CLOEXEC);
		if (fd < 0)
			abort();
	}
	if (ftruncate(fd, 0))
		abort();
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ie_decompress_limits limits = {
		.memory = 32 << 20, .output = 64 << 20,
	};
	struct ie_initrd_image loc;
	struct ie_cpio_import *imp;
	struct ie_stream in;
	struct ie_tree *tree;
	struct ie_error err;
	uint64_t prefix = 0;

	ie_initrd_find_image(data, size, &loc);
	if (ie_stream_init_mem(&in, data, size))
		return 0;
	if (ie_initrd_early_prefix(&in, &prefix, &err))
		prefix = 0;
	if (prefix > size)
		abort();	/* the prefix is a part of the input */
	tree = ie_tree_new();
	imp = tree ? ie_cpio_import_new(tree, spool_fd(), 0, NULL, NULL) : NULL;
	if (imp && !ie_initrd_scan_limited(&in, &ie_cpio_import_ops, imp,
					   &limits, &err))
		ie_cpio_import_finish(imp, &err);
	ie_cpio_import_free(imp);
	ie_tree_free(tree);
	ie_stream_fini(&in);
	return 0;
}
