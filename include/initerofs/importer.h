/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Importers for `initerofs build`: a directory, or a manifest in the
 * kernel's usr/gen_init_cpio format. Both fill an ie_tree; neither reads
 * file contents (the writer streams them from the recorded paths).
 */
#ifndef INITEROFS_IMPORTER_H
#define INITEROFS_IMPORTER_H

#include "error.h"

#include <stddef.h>

#include "tree.h"

/*
 * ie_import_dir() - add everything below @path to @tree's root, the root
 * taking @path's own owner, mode, mtime and xattrs. The walk uses lstat
 * (symlinks are stored, not followed), keeps security.*, trusted.* and
 * user.* xattrs, and turns entries with one (st_dev, st_ino) into hardlinks.
 * Return: 0, or a negative errno with a message naming the path in @err.
 */
int ie_import_dir(struct ie_tree *tree, const char *path,
		  struct ie_error *err);

/*
 * ie_import_manifest() - add the entries of the gen_init_cpio manifest
 * @path: file, dir, nod, slink, pipe and sock lines, '#' comments. File
 * sources are relative to the manifest's folder and may use ${VAR}. Missing
 * parent directories are created (0755, root). Later entries replace
 * earlier ones of the same name.
 * Return: 0, or a negative errno with "FILE:LINE: reason" in @err.
 */
int ie_import_manifest(struct ie_tree *tree, const char *path,
		       struct ie_error *err);

#endif /* INITEROFS_IMPORTER_H */
