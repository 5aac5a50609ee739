// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the gen_init_cpio manifest parser behind `build`. File
 * sources are looked up next to the manifest (/proc/self/fd, so they fail
 * or name nothing useful); what is accepted must also be writable.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "initerofs/importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ie_tree *tree = ie_tree_new();
	struct ie_error err;

	if (!tree)
		return 0;
	ie_import_manifest(tree, fuzz_as_file(data, size), &err);
	ie_tree_free(tree);
	return 0;
}
