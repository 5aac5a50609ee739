/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filling a tree from cpio entries with the kernel's unpacking semantics.
 *
 * The kernel does not merge archives by any rule of its own: it performs
 * each entry as a sequence of system calls on the rootfs (init/initramfs.c,
 * do_name() and friends), and the result of a conflict is whatever those
 * calls do. The importer replays the same calls on the tree:
 *
 * - clean_path(): an existing entry of another file type is removed first
 *   (a directory only when empty, as rmdir would);
 * - a regular file that already exists is opened with O_TRUNC and
 *   rewritten in place, so its other hardlinks see the new content;
 * - a directory that already exists is kept with its content and gets the
 *   new owner and permissions; a device node or FIFO that already exists
 *   keeps its device number and gets the new owner, permissions and mtime;
 * - hardlinks: an entry with nlink >= 2 whose (ino, devmajor, devminor,
 *   file type) was seen before in the same archive (the table is cleared at
 *   each TRAILER!!!) becomes a link to the path first seen with that key;
 * - missing parent directories are NOT created: the kernel's mkdir/open
 *   fail with ENOENT and the entry is dropped; so is an entry whose name is
 *   too long for a component or whose parent is not a directory. Each such
 *   drop is reported through the warning callback;
 * - symlinks in the middle of a path are followed, as path lookup does;
 * - directory mtimes are applied after the last entry, in the kernel's
 *   order (so of two entries for one directory, the first one's mtime wins);
 *   a directory no entry describes (the root, usually) gets the importer's
 *   default mtime instead of the boot time the kernel would give it.
 *
 * Regular file data is copied into a spool file as it streams past, and the
 * tree refers to it (IE_DATA_FD), so memory holds only metadata.
 */
#ifndef INITEROFS_IMPORT_CPIO_H
#define INITEROFS_IMPORT_CPIO_H

#include "error.h"

#include <stdint.h>

#include "cpio.h"
#include "initrd.h"
#include "tree.h"

struct ie_cpio_import;

typedef void (*ie_warn_fn)(void *ctx, const char *msg);

/**
 * ie_cpio_import_new() - an importer adding to @tree.
 * @spool_fd:	a file open for reading and writing (usually unlinked); it
 *		must stay open as long as the tree's data is read
 * @default_mtime: mtime of directories that no entry describes
 * @warn:	receives one message per entry dropped as the kernel drops it
 *		(may be NULL)
 * Return: the importer, or NULL when out of memory.
 */
struct ie_cpio_import *ie_cpio_import_new(struct ie_tree *tree, int spool_fd,
					  int64_t default_mtime,
					  ie_warn_fn warn, void *warn_ctx);

/**
 * ie_cpio_import_entry() - perform the entry whose header @r just read,
 * consuming its body as needed.
 * Return: 0, or a negative errno with r->err filled in.
 */
int ie_cpio_import_entry(struct ie_cpio_import *imp, struct ie_cpio_reader *r);

/**
 * ie_cpio_import_finish() - flush the spool and apply directory mtimes.
 * Return: 0, or a negative errno with @err filled in.
 */
int ie_cpio_import_finish(struct ie_cpio_import *imp, struct ie_error *err);

/** ie_cpio_import_warnings() - how many entries were dropped. */
unsigned long ie_cpio_import_warnings(const struct ie_cpio_import *imp);

/** ie_cpio_import_free() - free the importer (not the tree, not the spool). */
void ie_cpio_import_free(struct ie_cpio_import *imp);

/* Scanner callbacks whose context is a struct ie_cpio_import. */
extern const struct ie_initrd_ops ie_cpio_import_ops;

#endif /* INITEROFS_IMPORT_CPIO_H */
