// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory tree shared by every importer and the writer.
 *
 * Directories keep their children in an array (insertion order) and, once
 * they grow past a few dozen entries, an index of the names in the
 * library's hash table (util/map.h) so that importing 50 000 files into
 * one directory stays linear.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/tree.h"
#include "util/map.h"

/* Below this many children a linear scan beats maintaining an index. */
#define DIR_INDEX_MIN	32

/* Names by their hash; children of one hash chain by next[]. */
struct ie_dir_index {
	struct ie_map first;	/* name hash -> 1 + child index */
	uint32_t *next;		/* per child: 1 + index of the next, 0 ends */
};

static uint64_t name_hash(const char *name)
{
	return ie_map_hash_key(ie_hash_bytes(IE_HASH_INIT, name, strlen(name)));
}

static void dir_index_free(struct ie_inode *dir)
{
	if (!dir->index)
		return;
	ie_map_free(&dir->index->first);
	free(dir->index->next);
	free(dir->index);
	dir->index = NULL;
}

/* Index child @child of @dir (below children_cap); -ENOMEM drops the index. */
static int dir_index_insert(struct ie_inode *dir, size_t child)
{
	struct ie_dir_index *index = dir->index;
	uint32_t *first;
	bool added;

	first = ie_map_slot(&index->first, name_hash(dir->children[child].name),
			    &added);
	if (!first) {
		dir_index_free(dir);	/* rebuilt on the next lookup */
		return -ENOMEM;
	}
	index->next[child] = *first;
	*first = (uint32_t)child + 1;
	return 0;
}

/* (Re)build the index of @dir, with room for its capacity. */
static int dir_index_build(struct ie_inode *dir)
{
	size_t i;

	dir_index_free(dir);
	dir->index = calloc(1, sizeof(*dir->index));
	if (dir->index)
		dir->index->next = calloc(dir->children_cap,
					  sizeof(*dir->index->next));
	if (!dir->index || !dir->index->next) {
		free(dir->index);
		dir->index = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < dir->nr_children; i++)
		if (dir_index_insert(dir, i))
			return -ENOMEM;
	return 0;
}

static struct ie_dentry *dir_index_lookup(struct ie_inode *dir,
					  const char *name)
{
	struct ie_dir_index *index = dir->index;
	uint32_t *first = ie_map_find(&index->first, name_hash(name));
	uint32_t i;

	for (i = first ? *first : 0; i; i = index->next[i - 1])
		if (!strcmp(dir->children[i - 1].name, name))
			return &dir->children[i - 1];
	return NULL;
}

struct ie_inode *ie_inode_new(mode_t mode)
{
	struct ie_inode *inode = calloc(1, sizeof(*inode));

	if (!inode)
		return NULL;
	inode->mode = mode;
	inode->data.fd = -1;
	return inode;
}

void ie_inode_free(struct ie_inode *inode)
{
	size_t i;

	free(inode->data.path);
	free(inode->data.buf);
	free(inode->symlink);
	for (i = 0; i < inode->nr_xattrs; i++) {
		free(inode->xattrs[i].name);
		free(inode->xattrs[i].value);
	}
	free(inode->xattrs);
	free(inode->children);
	dir_index_free(inode);
	free(inode);
}

/*
 * Forget one entry naming @inode (whose parent directory is @dir): fix the
 * link counts and free the inode, with everything below it, when nothing
 * names it any longer.
 */
static void entry_drop(struct ie_inode *dir, struct ie_dentry *d)
{
	struct ie_inode *inode = d->inode;
	size_t i;

	free(d->name);
	d->name = NULL;
	inode->nr_entries--;
	if (inode->nlink)
		inode->nlink--;
	if (S_ISDIR(inode->mode) && dir->nlink)
		dir->nlink--;	/* the child's ".." no longer points here */
	if (inode->nr_entries)
		return;
	if (S_ISDIR(inode->mode))
		for (i = 0; i < inode->nr_children; i++)
			entry_drop(inode, &inode->children[i]);
	ie_inode_free(inode);
}

struct ie_tree *ie_tree_new(void)
{
	struct ie_tree *tree = calloc(1, sizeof(*tree));

	if (!tree)
		return NULL;
	tree->root = ie_inode_new(S_IFDIR | 0755);
	if (!tree->root) {
		free(tree);
		return NULL;
	}
	tree->root->nlink = 2;	/* "." and ".." both name the root */
	tree->root->parent = tree->root;
	return tree;
}

void ie_tree_free(struct ie_tree *tree)
{
	struct ie_inode *root;
	size_t i;

	if (!tree)
		return;
	root = tree->root;
	for (i = 0; i < root->nr_children; i++)
		entry_drop(root, &root->children[i]);
	ie_inode_free(root);
	free(tree);
}

static int name_valid(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > 255 || strchr(name, '/'))
		return 0;
	return strcmp(name, ".") && strcmp(name, "..");
}

struct ie_dentry *ie_dir_lookup(struct ie_inode *dir, const char *name)
{
	size_t i;

	if (!S_ISDIR(dir->mode))
		return NULL;
	if (dir->nr_children >= DIR_INDEX_MIN &&
	    (dir->index || !dir_index_build(dir)))
		return dir_index_lookup(dir, name);
	for (i = 0; i < dir->nr_children; i++)
		if (!strcmp(dir->children[i].name, name))
			return &dir->children[i];
	return NULL;
}

static int dir_grow(struct ie_inode *dir)
{
	size_t cap = dir->children_cap ? 2 * dir->children_cap : 8;
	struct ie_dentry *children;

	children = realloc(dir->children, cap * sizeof(*children));
	if (!children)
		return -ENOMEM;
	dir->children = children;
	dir->children_cap = cap;
	/* The index was sized for the old capacity; rebuild on next lookup. */
	dir_index_free(dir);
	return 0;
}

static void entry_take(struct ie_inode *dir, struct ie_inode *inode)
{
	inode->nr_entries++;
	inode->nlink++;
	if (S_ISDIR(inode->mode)) {
		inode->nlink++;		/* its own "." */
		inode->parent = dir;
		dir->nlink++;		/* its ".." */
	}
}

int ie_dir_link(struct ie_inode *dir, const char *name, struct ie_inode *inode)
{
	struct ie_dentry *old;
	char *copy;

	if (!S_ISDIR(dir->mode) || !name_valid(name))
		return -EINVAL;
	/* A directory has exactly one parent: no directory hardlinks. */
	if (S_ISDIR(inode->mode) && inode->nr_entries)
		return -EINVAL;
	old = ie_dir_lookup(dir, name);
	if (old && old->inode == inode)
		return 0;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	if (old) {
		/* Later entries win: drop the old inode, reuse the slot. */
		entry_drop(dir, old);
		old->name = copy;
		old->inode = inode;
		entry_take(dir, inode);
		return 0;
	}
	if (dir->nr_children == dir->children_cap && dir_grow(dir)) {
		free(copy);
		return -ENOMEM;
	}
	dir->children[dir->nr_children].name = copy;
	dir->children[dir->nr_children].inode = inode;
	if (dir->index)
		dir_index_insert(dir, dir->nr_children);
	dir->nr_children++;
	entry_take(dir, inode);
	return 0;
}

int ie_dir_unlink(struct ie_inode *dir, const char *name)
{
	struct ie_dentry *d = ie_dir_lookup(dir, name);
	size_t pos;

	if (!d)
		return -ENOENT;
	pos = (size_t)(d - dir->children);
	entry_drop(dir, d);
	memmove(&dir->children[pos], &dir->children[pos + 1],
		(dir->nr_children - pos - 1) * sizeof(*d));
	dir->nr_children--;
	/* Indexes after @pos shifted; rebuild lazily. */
	dir_index_free(dir);
	return 0;
}

/*
 * Copy the next path component of *@path into @buf (at least 256 bytes)
 * and advance past it. Return: its length, 0 at the end, -1 if too long.
 */
static int next_component(const char **path, char *buf)
{
	const char *p = *path, *start;
	size_t len;

	while (*p == '/')
		p++;
	start = p;
	while (*p && *p != '/')
		p++;
	len = (size_t)(p - start);
	*path = p;
	if (len > 255)
		return -1;
	memcpy(buf, start, len);
	buf[len] = '\0';
	return (int)len;
}

struct ie_inode *ie_tree_lookup(struct ie_tree *tree, const char *path)
{
	struct ie_inode *cur = tree->root;
	char name[256];
	int len;

	while ((len = next_component(&path, name)) != 0) {
		struct ie_dentry *d;

		if (len < 0)
			return NULL;
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			cur = cur->parent;
			continue;
		}
		d = ie_dir_lookup(cur, name);
		if (!d)
			return NULL;
		cur = d->inode;
	}
	return cur;
}

struct ie_inode *ie_tree_mkdir_p(struct ie_tree *tree, const char *path,
				 int64_t mtime)
{
	struct ie_inode *cur = tree->root;
	char name[256];
	int len, err;

	while ((len = next_component(&path, name)) != 0) {
		struct ie_inode *dir;
		struct ie_dentry *d;

		if (len < 0 || !strcmp(name, "..")) {
			errno = EINVAL;
			return NULL;
		}
		if (!strcmp(name, "."))
			continue;
		d = ie_dir_lookup(cur, name);
		if (d) {
			if (!S_ISDIR(d->inode->mode)) {
				errno = ENOTDIR;
				return NULL;
			}
			cur = d->inode;
			continue;
		}
		dir = ie_inode_new(S_IFDIR | 0755);
		if (!dir) {
			errno = ENOMEM;
			return NULL;
		}
		dir->mtime = mtime;
		err = ie_dir_link(cur, name, dir);
		if (err) {
			free(dir);
			errno = -err;
			return NULL;
		}
		cur = dir;
	}
	return cur;
}

int ie_xattr_set(struct ie_inode *inode, const char *name, const void *value,
		 size_t len)
{
	struct ie_xattr *xattrs, *x = NULL;
	void *copy;
	size_t i;

	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, value, len);
	for (i = 0; i < inode->nr_xattrs; i++)
		if (!strcmp(inode->xattrs[i].name, name))
			x = &inode->xattrs[i];
	if (x) {
		free(x->value);
		x->value = copy;
		x->value_len = len;
		return 0;
	}
	xattrs = realloc(inode->xattrs, (inode->nr_xattrs + 1) * sizeof(*xattrs));
	if (!xattrs)
		goto fail;
	inode->xattrs = xattrs;
	x = &xattrs[inode->nr_xattrs];
	x->name = strdup(name);
	if (!x->name)
		goto fail;
	x->value = copy;
	x->value_len = len;
	inode->nr_xattrs++;
	return 0;
fail:
	free(copy);
	return -ENOMEM;
}
