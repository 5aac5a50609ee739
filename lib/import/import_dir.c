// SPDX-License-Identifier: GPL-2.0
/*
 * Import a directory tree (lstat-based walk) into an ie_tree.
 *
 * Each directory's names are read and the directory closed before its
 * children are visited, so deep trees do not run out of file descriptors.
 * File contents are not read here: regular files record their path and size
 * and the writer streams them later (and checks they did not change).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "initerofs/importer.h"
#include "util/array.h"
#include "util/map.h"

/* A hardlinked file seen; those of one inode number chain by @next. */
struct link {
	dev_t dev;
	ino_t ino;
	struct ie_inode *inode;
	uint32_t next;			/* 1 + index in links, 0 ends */
};

struct dir_import {
	struct ie_tree *tree;
	struct link *links;
	size_t nr_links, links_cap;
	struct ie_map link_of;		/* st_ino -> 1 + index of its first */
	struct ie_error *err;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct dir_import *im, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = ie_vfail(im->err, code, fmt, ap);
	va_end(ap);
	return code;
}

/* ---- hardlinks ------------------------------------------------------------ */

/* The inode an earlier name of (@st_dev, @st_ino) created, or NULL. */
static struct ie_inode *link_find(const struct dir_import *im,
				  const struct stat *st)
{
	uint32_t *first = ie_map_find(&im->link_of, (uint64_t)st->st_ino);
	uint32_t i = first ? *first : 0;

	for (; i; i = im->links[i - 1].next)
		if (im->links[i - 1].dev == st->st_dev &&
		    im->links[i - 1].ino == st->st_ino)
			return im->links[i - 1].inode;
	return NULL;
}

static int link_add(struct dir_import *im, const struct stat *st,
		    struct ie_inode *inode)
{
	uint32_t *first;
	bool added;

	if (ie_reserve((void **)&im->links, &im->links_cap, im->nr_links + 1,
		       sizeof(*im->links)))
		return -ENOMEM;
	first = ie_map_slot(&im->link_of, (uint64_t)st->st_ino, &added);
	if (!first)
		return -ENOMEM;
	im->links[im->nr_links] = (struct link){
		.dev = st->st_dev, .ino = st->st_ino, .inode = inode,
		.next = *first,
	};
	*first = (uint32_t)++im->nr_links;
	return 0;
}

/* ---- one entry ------------------------------------------------------------ */

static bool xattr_wanted(const char *name)
{
	return !strncmp(name, "security.", 9) || !strncmp(name, "trusted.", 8) ||
	       !strncmp(name, "user.", 5);
}

static int read_xattr(struct dir_import *im, struct ie_inode *inode,
		      const char *path, const char *name)
{
	ssize_t len = lgetxattr(path, name, NULL, 0);
	void *value;
	int ret;

	if (len < 0)
		return fail(im, -errno, "%s: cannot read xattr %s: %s", path, name,
			    strerror(errno));
	value = malloc(len ? (size_t)len : 1);
	if (!value)
		return fail(im, -ENOMEM, "out of memory");
	len = lgetxattr(path, name, value, (size_t)len);
	if (len < 0) {
		ret = fail(im, -errno, "%s: xattr %s changed while read", path, name);
		free(value);
		return ret;
	}
	ret = ie_xattr_set(inode, name, value, (size_t)len);
	free(value);
	return ret ? fail(im, ret, "out of memory") : 0;
}

static int import_xattrs(struct dir_import *im, struct ie_inode *inode,
			 const char *path)
{
	ssize_t len = llistxattr(path, NULL, 0);
	char *names, *name;
	int ret = 0;

	if (len < 0 && (errno == ENOTSUP || errno == ENODATA))
		return 0;
	if (len < 0)
		return fail(im, -errno, "%s: cannot list xattrs: %s", path,
			    strerror(errno));
	if (!len)
		return 0;
	names = malloc((size_t)len);
	if (!names)
		return fail(im, -ENOMEM, "out of memory");
	len = llistxattr(path, names, (size_t)len);
	if (len < 0)
		ret = fail(im, -errno, "%s: xattrs changed while read", path);
	for (name = names; !ret && name < names + (len > 0 ? len : 0);
	     name += strlen(name) + 1)
		if (xattr_wanted(name))
			ret = read_xattr(im, inode, path, name);
	free(names);
	return ret;
}

static int read_symlink(struct dir_import *im, struct ie_inode *inode,
			const char *path, const struct stat *st)
{
	size_t cap = (size_t)st->st_size + 1;
	ssize_t len;

	inode->symlink = malloc(cap);
	if (!inode->symlink)
		return fail(im, -ENOMEM, "out of memory");
	len = readlink(path, inode->symlink, cap);
	if (len < 0)
		return fail(im, -errno, "%s: cannot read link: %s", path,
			    strerror(errno));
	if ((size_t)len >= cap)
		return fail(im, -EAGAIN, "%s: link changed during the build", path);
	inode->symlink[len] = '\0';
	inode->size = (uint64_t)len;
	return 0;
}

static void copy_attributes(struct ie_inode *inode, const struct stat *st)
{
	inode->mode = st->st_mode & (S_IFMT | 07777);
	inode->uid = st->st_uid;
	inode->gid = st->st_gid;
	inode->mtime = st->st_mtim.tv_sec;
	inode->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
}

/* A new inode for @path, or the one an earlier hardlink created. */
static int make_inode(struct dir_import *im, const char *path,
		      const struct stat *st, struct ie_inode **out)
{
	bool linked = !S_ISDIR(st->st_mode) && st->st_nlink > 1 &&
		      (uint64_t)st->st_ino != UINT64_MAX;
	struct ie_inode *inode;
	int ret;

	*out = linked ? link_find(im, st) : NULL;
	if (*out)
		return 0;
	inode = ie_inode_new(st->st_mode & S_IFMT);
	if (!inode)
		return fail(im, -ENOMEM, "out of memory");
	copy_attributes(inode, st);
	ret = import_xattrs(im, inode, path);
	if (!ret && S_ISREG(st->st_mode)) {
		inode->size = (uint64_t)st->st_size;
		inode->data.kind = inode->size ? IE_DATA_PATH : IE_DATA_NONE;
		inode->data.path = inode->size ? strdup(path) : NULL;
		if (inode->size && !inode->data.path)
			ret = fail(im, -ENOMEM, "out of memory");
	} else if (!ret && S_ISLNK(st->st_mode)) {
		ret = read_symlink(im, inode, path, st);
	} else if (!ret && (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))) {
		inode->rdev_major = major(st->st_rdev);
		inode->rdev_minor = minor(st->st_rdev);
	}
	*out = inode;
	if (!ret && linked && link_add(im, st, inode))
		ret = fail(im, -ENOMEM, "out of memory");
	return ret;
}

/* ---- directories ---------------------------------------------------------- */

struct name_list {
	char **names;
	size_t nr, cap;
};

static void names_free(struct name_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->names[i]);
	free(l->names);
}

static int read_names(struct dir_import *im, const char *path,
		      struct name_list *l)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int ret = 0;

	if (!d)
		return fail(im, -errno, "%s: cannot open directory: %s", path,
			    strerror(errno));
	while (!ret) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = fail(im, -errno, "%s: cannot read directory: %s",
					   path, strerror(errno));
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (ie_reserve((void **)&l->names, &l->cap, l->nr + 1,
			       sizeof(*l->names))) {
			ret = fail(im, -ENOMEM, "out of memory");
			break;
		}
		l->names[l->nr] = strdup(de->d_name);
		if (!l->names[l->nr])
			ret = fail(im, -ENOMEM, "out of memory");
		else
			l->nr++;
	}
	closedir(d);
	return ret;
}

static int import_tree(struct dir_import *im, struct ie_inode *dir,
		       const char *path);

static int import_entry(struct dir_import *im, struct ie_inode *dir,
			const char *dir_path, const char *name)
{
	struct ie_inode *inode;
	struct stat st;
	char *path;
	int ret;

	if (asprintf(&path, "%s/%s", dir_path, name) < 0)
		return fail(im, -ENOMEM, "out of memory");
	if (lstat(path, &st)) {
		ret = fail(im, -errno, "%s: %s", path, errno == ENOENT ?
			   "vanished during the build" : strerror(errno));
		goto out;
	}
	ret = make_inode(im, path, &st, &inode);
	if (inode && inode->nr_entries == 0 && ret) {
		ie_inode_free(inode);	/* never linked: nobody else owns it */
		inode = NULL;
	}
	if (ret)
		goto out;
	ret = ie_dir_link(dir, name, inode);
	if (ret) {
		ret = fail(im, ret, "%s: %s", path, ret == -EINVAL ?
			   "name not allowed (over 255 bytes?)" : "out of memory");
		goto out;
	}
	if (S_ISDIR(st.st_mode))
		ret = import_tree(im, inode, path);
out:
	free(path);
	return ret;
}

static int import_tree(struct dir_import *im, struct ie_inode *dir,
		       const char *path)
{
	struct name_list names = { 0 };
	size_t i;
	int ret;

	ret = read_names(im, path, &names);
	for (i = 0; !ret && i < names.nr; i++)
		ret = import_entry(im, dir, path, names.names[i]);
	names_free(&names);
	return ret;
}

int ie_import_dir(struct ie_tree *tree, const char *path,
		  struct ie_error *err)
{
	struct dir_import im = { .tree = tree, .err = err };
	struct stat st;
	int ret;

	if (stat(path, &st))
		return fail(&im, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(&im, -ENOTDIR, "%s: not a directory", path);
	copy_attributes(tree->root, &st);
	ret = import_xattrs(&im, tree->root, path);
	if (!ret)
		ret = import_tree(&im, tree->root, path);
	free(im.links);
	ie_map_free(&im.link_of);
	return ret;
}
