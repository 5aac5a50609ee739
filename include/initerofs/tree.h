/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-memory tree every importer fills and the one writer consumes.
 *
 * Importers (a directory, a gen_init_cpio manifest, a cpio stream) only
 * describe *what* the filesystem holds; they never know about EROFS. The
 * writer turns a tree into an image. Keeping this boundary narrow is what
 * lets `build` and `convert` share everything but the importer.
 *
 * Inodes and directory entries are separate objects so that hardlinks are
 * simply several entries pointing at one inode.
 */
#ifndef INITEROFS_TREE_H
#define INITEROFS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ie_inode;
struct ie_dir_index;

/* Where a regular file's bytes come from; read by the writer with pread(). */
enum ie_data_kind {
	IE_DATA_NONE = 0,	/* empty file */
	IE_DATA_PATH,		/* a file on disk, opened when the writer needs it */
	IE_DATA_FD,		/* a range of an open file (e.g. a convert spool) */
	IE_DATA_MEMORY,		/* bytes owned by the tree (small files) */
};

struct ie_data {
	enum ie_data_kind kind;
	char *path;		/* IE_DATA_PATH: owned */
	int fd;			/* IE_DATA_FD: not owned, outlives the tree */
	uint64_t offset;	/* IE_DATA_FD: start of the range */
	void *buf;		/* IE_DATA_MEMORY: owned */
};

struct ie_xattr {
	char *name;		/* full name, e.g. "security.capability" */
	void *value;
	size_t value_len;
};

struct ie_dentry {
	char *name;		/* one path component, not NUL-containing */
	struct ie_inode *inode;
};

struct ie_inode {
	mode_t mode;		/* file type and permission bits, S_IFMT included */
	uint32_t uid, gid;
	int64_t mtime;		/* seconds since the epoch */
	uint32_t mtime_nsec;
	uint32_t rdev_major, rdev_minor; /* character and block devices */
	uint64_t size;		/* regular files: data length; symlinks: target length */
	uint32_t nlink;		/* maintained by the tree: entries + subdirs */

	struct ie_data data;	/* regular files */
	char *symlink;		/* symlinks: target, owned */

	struct ie_xattr *xattrs;
	size_t nr_xattrs;

	/* Directories: children in insertion order; the writer sorts them. */
	struct ie_dentry *children;
	size_t nr_children, children_cap;
	struct ie_inode *parent;	/* directories: ".." */

	/* Tree-private fields, maintained by lib/tree.c. */
	uint32_t nr_entries;		/* dentries naming this inode */
	struct ie_dir_index *index;	/* name hash of big directories */
};

struct ie_tree {
	struct ie_inode *root;
};

/**
 * ie_tree_new() - allocate a tree holding an empty root directory (0755, 0:0).
 * Return: the tree, or NULL when out of memory.
 */
struct ie_tree *ie_tree_new(void);

/** ie_tree_free() - free a tree, every inode, entry, name and owned buffer. */
void ie_tree_free(struct ie_tree *tree);

/**
 * ie_inode_new() - allocate a detached inode of the given mode.
 * Return: the inode (nlink 0 until linked), or NULL when out of memory.
 */
struct ie_inode *ie_inode_new(mode_t mode);

/**
 * ie_inode_free() - free an inode that no entry names (nr_entries == 0),
 * with what it owns; for importers abandoning an inode they made.
 */
void ie_inode_free(struct ie_inode *inode);

/**
 * ie_tree_lookup() - find the inode at @path ("/a/b", "a/b" and "." accepted).
 * Return: the inode, or NULL when any component does not exist.
 */
struct ie_inode *ie_tree_lookup(struct ie_tree *tree, const char *path);

/**
 * ie_dir_lookup() - find the entry @name in directory @dir.
 * Return: the entry, or NULL.
 */
struct ie_dentry *ie_dir_lookup(struct ie_inode *dir, const char *name);

/**
 * ie_dir_link() - add entry @name for @inode to directory @dir.
 *
 * An existing entry of the same name is replaced (its inode unlinked, and
 * freed when no entry references it any longer): this is the kernel's
 * initramfs rule that later entries win. nlink counts are kept right.
 * Return: 0, -EINVAL for a bad name ("", ".", "..", containing '/', over
 * 255 bytes), or -ENOMEM.
 */
int ie_dir_link(struct ie_inode *dir, const char *name, struct ie_inode *inode);

/**
 * ie_dir_unlink() - remove entry @name from @dir (recursively for a directory).
 * Return: 0, or -ENOENT.
 */
int ie_dir_unlink(struct ie_inode *dir, const char *name);

/**
 * ie_tree_mkdir_p() - make sure every directory of @path exists, creating
 * missing ones with mode 0755, owner 0:0 and the given mtime, as the kernel
 * does not (it needs explicit entries) but tar-like tools do.
 * Return: the directory inode at @path, or NULL with errno set.
 */
struct ie_inode *ie_tree_mkdir_p(struct ie_tree *tree, const char *path,
				 int64_t mtime);

/**
 * ie_xattr_set() - add or replace an extended attribute on @inode.
 * Return: 0 or -ENOMEM.
 */
int ie_xattr_set(struct ie_inode *inode, const char *name, const void *value,
		 size_t len);

#endif /* INITEROFS_TREE_H */
