// SPDX-License-Identifier: GPL-2.0
/*
 * cpio entries into the tree, replaying what the kernel's do_name(),
 * do_copy() and do_symlink() do to the rootfs. The comments name the
 * kernel function each step stands for; include/initerofs/import_cpio.h
 * lists the resulting rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initerofs/erofs_format.h"
#include "initerofs/import_cpio.h"
#include "initerofs/io.h"
#include "util/array.h"
#include "util/map.h"

#define NAME_MAX_BYTES	255
#define MAX_SYMLINKS	40		/* the kernel's MAXSYMLINKS */
#define SPOOL_BUFFER	(1024 * 1024)
#define SPOOL_DIRECT	(64 * 1024)	/* pieces this big skip the buffer */

/*
 * find_link()'s table: the first path seen for each hardlink key; keys of
 * one (ino, minor) chain by @next.
 */
struct link_key {
	uint32_t ino, major, minor;
	mode_t type;
	char *path;
	uint32_t next;			/* 1 + index in links, 0 ends */
};

/* dir_add()'s list, applied newest first by dir_utime(). */
struct dir_time {
	char *path;
	int64_t mtime;
};

struct ie_cpio_import {
	struct ie_tree *tree;
	int64_t default_mtime;
	ie_warn_fn warn;
	void *warn_ctx;
	unsigned long warnings;

	struct link_key *links;
	size_t nr_links, links_cap;
	struct ie_map link_of;		/* ino << 32 | minor -> 1 + index */

	struct dir_time *dirs;
	size_t nr_dirs, dirs_cap;

	int spool_fd;
	uint64_t spool_size;		/* bytes written or buffered */
	unsigned char *spool_buf;
	size_t spool_used;
};

/* Where a path leads: the directory holding its last component. */
struct path_loc {
	struct ie_inode *dir;
	char name[NAME_MAX_BYTES + 1];	/* "" when the path names @dir itself */
	bool trailing_slash;
};

struct ie_cpio_import *ie_cpio_import_new(struct ie_tree *tree, int spool_fd,
					  int64_t default_mtime,
					  ie_warn_fn warn, void *warn_ctx)
{
	struct ie_cpio_import *imp = calloc(1, sizeof(*imp));

	if (!imp)
		return NULL;
	imp->spool_buf = malloc(SPOOL_BUFFER);
	if (!imp->spool_buf) {
		free(imp);
		return NULL;
	}
	imp->tree = tree;
	imp->spool_fd = spool_fd;
	imp->default_mtime = default_mtime;
	imp->warn = warn;
	imp->warn_ctx = warn_ctx;
	tree->root->mtime = default_mtime;
	return imp;
}

static void links_clear(struct ie_cpio_import *imp)
{
	size_t i;

	for (i = 0; i < imp->nr_links; i++)
		free(imp->links[i].path);
	imp->nr_links = 0;
	ie_map_free(&imp->link_of);
}

void ie_cpio_import_free(struct ie_cpio_import *imp)
{
	size_t i;

	if (!imp)
		return;
	links_clear(imp);
	free(imp->links);
	for (i = 0; i < imp->nr_dirs; i++)
		free(imp->dirs[i].path);
	free(imp->dirs);
	free(imp->spool_buf);
	free(imp);
}

unsigned long ie_cpio_import_warnings(const struct ie_cpio_import *imp)
{
	return imp->warnings;
}

/* An entry the kernel would drop: say so and go on. */
static int drop(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
		const char *why)
{
	char msg[IE_ERR_MAX];

	imp->warnings++;
	if (!imp->warn)
		return 0;
	snprintf(msg, sizeof(msg),
		 "%soffset %llu: \"%.200s\" not created, as the kernel would not: %s",
		 r->origin, (unsigned long long)r->offset, r->name, why);
	imp->warn(imp->warn_ctx, msg);
	return 0;
}

static const char *walk_error(int err)
{
	switch (err) {
	case ENOENT:
		return "a parent directory does not exist (the kernel does not create it)";
	case ENOTDIR:
		return "a parent is not a directory";
	case ENAMETOOLONG:
		return "a name component is longer than 255 bytes";
	case ELOOP:
		return "too many levels of symbolic links";
	default:
		return strerror(err);
	}
}

/* ---- path walk ------------------------------------------------------------ */

/* Split the next component off *@rest; return its length (0 at the end). */
static size_t next_component(const char **rest, const char **start)
{
	const char *p = *rest;
	size_t len;

	while (*p == '/')
		p++;
	*start = p;
	len = strcspn(p, "/");
	*rest = p + len;
	return len;
}

static bool only_slashes(const char *p)
{
	return p[strspn(p, "/")] == '\0';
}

/* Replace the walk's remaining path by @target + "/" + @rest. */
static int expand_symlink(char **todo, const char **rest, const char *target)
{
	size_t tlen = strlen(target), rlen = strlen(*rest);
	char *next = malloc(tlen + rlen + 2);

	if (!next)
		return -ENOMEM;
	memcpy(next, target, tlen);
	next[tlen] = '/';
	memcpy(next + tlen + 1, *rest, rlen + 1);
	free(*todo);
	*todo = next;
	*rest = next;
	return 0;
}

/*
 * Resolve every component of @path but the last, following symlinks as
 * the kernel's path walk does; the last one is never followed (the kernel's
 * calls here all act on the link itself, or see it removed beforehand).
 * Return: 0 or a negative errno.
 */
static int locate(struct ie_tree *tree, const char *path, struct path_loc *loc)
{
	struct ie_inode *cur = tree->root;
	char *todo = strdup(path);
	const char *rest = todo, *comp;
	int links = 0, ret = 0;
	size_t len;

	if (!todo)
		return -ENOMEM;
	loc->name[0] = '\0';
	loc->trailing_slash = false;
	while ((len = next_component(&rest, &comp)) != 0) {
		struct ie_dentry *d;

		if (len > NAME_MAX_BYTES) {
			ret = -ENAMETOOLONG;
			break;
		}
		if (only_slashes(rest)) {
			/* The last component. */
			if (len == 1 && comp[0] == '.')
				break;
			memcpy(loc->name, comp, len);
			loc->name[len] = '\0';
			loc->trailing_slash = *rest == '/';
			break;
		}
		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && !strncmp(comp, "..", 2)) {
			cur = cur->parent;	/* only from symlink targets */
			continue;
		}
		memcpy(loc->name, comp, len);
		loc->name[len] = '\0';
		d = ie_dir_lookup(cur, loc->name);
		loc->name[0] = '\0';
		if (!d) {
			ret = -ENOENT;
			break;
		}
		if (S_ISLNK(d->inode->mode)) {
			if (++links > MAX_SYMLINKS) {
				ret = -ELOOP;
				break;
			}
			if (d->inode->symlink[0] == '/')
				cur = tree->root;
			ret = expand_symlink(&todo, &rest, d->inode->symlink);
			if (ret)
				break;
			continue;
		}
		if (!S_ISDIR(d->inode->mode)) {
			ret = -ENOTDIR;
			break;
		}
		cur = d->inode;
	}
	loc->dir = cur;
	free(todo);
	return ret;
}

/* What the located path names now, without following a final symlink. */
static struct ie_inode *loc_inode(const struct path_loc *loc)
{
	struct ie_dentry *d;

	if (!loc->name[0])
		return loc->dir;
	d = ie_dir_lookup(loc->dir, loc->name);
	return d ? d->inode : NULL;
}

/* The kernel's clean_path(): make way for a file of type @fmode. */
static void clean_path(const struct path_loc *loc, mode_t fmode)
{
	struct ie_inode *old;

	if (!loc->name[0])
		return;
	old = loc_inode(loc);
	if (!old || !((old->mode ^ fmode) & S_IFMT))
		return;
	if (S_ISDIR(old->mode) && old->nr_children)
		return;		/* rmdir fails on a non-empty directory */
	ie_dir_unlink(loc->dir, loc->name);
}

/* ---- attributes ----------------------------------------------------------- */

static uint32_t field(const struct ie_cpio_reader *r, enum ie_cpio_field f)
{
	return r->h.field[f];
}

/* chown(): the owner, as the kernel's init_chown()/vfs_fchown(). */
static void set_owner(struct ie_inode *inode, const struct ie_cpio_reader *r)
{
	inode->uid = field(r, IE_CPIO_UID);
	inode->gid = field(r, IE_CPIO_GID);
}

/* chmod(): permission bits only; the file type never changes. */
static void set_perms(struct ie_inode *inode, const struct ie_cpio_reader *r)
{
	inode->mode = (inode->mode & S_IFMT) | (ie_cpio_mode(r) & 07777);
}

static void set_mtime(struct ie_inode *inode, const struct ie_cpio_reader *r)
{
	inode->mtime = field(r, IE_CPIO_MTIME);
	inode->mtime_nsec = 0;
}

/* Create @inode at @loc; on failure the inode is freed. */
static int create(struct ie_cpio_reader *r,
		  const struct path_loc *loc, struct ie_inode *inode)
{
	int ret;

	if (!inode)
		return ie_cpio_fail(r, r->offset, "out of memory");
	ret = ie_dir_link(loc->dir, loc->name, inode);
	if (ret) {
		free(inode);
		return ie_cpio_fail(r, r->offset, "\"%.200s\": cannot add to the tree: %s",
				    r->name, strerror(-ret));
	}
	return 0;
}

/* ---- hardlinks ------------------------------------------------------------ */

/*
 * find_link(): the path first seen with this entry's key, or NULL after
 * recording this entry's path as the first.
 * Return: 0 with *@old set or NULL, or a negative errno with r->err filled in.
 */
static int find_link(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
		     const char **old)
{
	uint32_t ino = field(r, IE_CPIO_INO), major = field(r, IE_CPIO_DEVMAJOR);
	uint32_t minor = field(r, IE_CPIO_DEVMINOR);
	mode_t type = ie_cpio_mode(r) & S_IFMT;
	uint32_t *first, i;
	struct link_key *k;
	bool added;
	char *path;

	*old = NULL;
	first = ie_map_slot(&imp->link_of, (uint64_t)ino << 32 | minor, &added);
	if (!first)
		return ie_cpio_fail(r, r->offset, "out of memory");
	for (i = *first; i; i = k->next) {
		k = &imp->links[i - 1];
		if (k->ino == ino && k->major == major && k->minor == minor &&
		    k->type == type) {
			*old = k->path;
			return 0;
		}
	}
	path = strdup(r->name);
	if (!path || ie_reserve((void **)&imp->links, &imp->links_cap,
				imp->nr_links + 1, sizeof(*imp->links))) {
		free(path);
		return ie_cpio_fail(r, r->offset, "out of memory");
	}
	imp->links[imp->nr_links] = (struct link_key){
		.ino = ino, .major = major, .minor = minor, .type = type,
		.path = path, .next = *first,
	};
	*first = (uint32_t)++imp->nr_links;
	return 0;
}

/*
 * maybe_link(): for an entry with nlink >= 2 whose key was seen, replace
 * whatever is at @loc by a hardlink to the first path.
 * Return: 0 (not a repeated link), 1 (linked), 2 (the kernel's link failed:
 * entry dropped, warning given) or a negative errno with r->err filled in.
 */
static int maybe_link(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
		      const struct path_loc *loc)
{
	struct path_loc old_loc;
	struct ie_inode *old;
	const char *old_path;
	int ret;

	if (field(r, IE_CPIO_NLINK) < 2)
		return 0;
	if (find_link(imp, r, &old_path))
		return r->err.err;
	if (!old_path)
		return 0;
	clean_path(loc, 0);
	ret = locate(imp->tree, old_path, &old_loc);
	if (ret == -ENOMEM)
		return ie_cpio_fail(r, r->offset, "out of memory");
	old = ret ? NULL : loc_inode(&old_loc);
	if (!old || S_ISDIR(old->mode) || loc_inode(loc)) {
		drop(imp, r, !old ? "the file it is a hardlink to is gone" :
			     S_ISDIR(old->mode) ? "the file it is a hardlink to is now a directory" :
			     "a non-empty directory is in the way");
		return 2;
	}
	ret = ie_dir_link(loc->dir, loc->name, old);
	if (ret)
		return ie_cpio_fail(r, r->offset, "\"%.200s\": cannot link: %s",
				    r->name, strerror(-ret));
	return 1;
}

/* ---- file data ------------------------------------------------------------ */

static int spool_flush(struct ie_cpio_import *imp)
{
	int ret = ie_write_full(imp->spool_fd, imp->spool_buf, imp->spool_used);

	imp->spool_used = 0;
	if (ret)
		errno = -ret;
	return ret;
}

struct spool_ctx {
	struct ie_cpio_import *imp;
	struct ie_cpio_reader *r;
};

/*
 * Append a piece of a file's body to the spool: small pieces (small files)
 * are batched into one write, big ones written straight from the stream's
 * buffer rather than copied once more.
 */
static int spool_sink(void *ctx, const unsigned char *buf, size_t len)
{
	struct spool_ctx *sc = ctx;
	struct ie_cpio_import *imp = sc->imp;

	if ((len >= SPOOL_DIRECT || imp->spool_used + len > SPOOL_BUFFER) &&
	    spool_flush(imp))
		goto fail;
	if (len >= SPOOL_DIRECT) {
		int ret = ie_write_full(imp->spool_fd, buf, len);

		if (ret) {
			errno = -ret;
			goto fail;
		}
	} else {
		memcpy(imp->spool_buf + imp->spool_used, buf, len);
		imp->spool_used += len;
	}
	imp->spool_size += len;
	return 0;
fail:
	return ie_cpio_fail(sc->r, sc->r->s->pos, "cannot write the spool file: %s",
			    strerror(errno));
}

/* do_copy(): the body becomes @inode's content (or is just skipped). */
static int copy_body(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
		     struct ie_inode *inode, bool truncate)
{
	struct spool_ctx sc = { imp, r };
	uint64_t start = imp->spool_size;
	uint32_t size = ie_cpio_filesize(r);

	if (!size) {
		/* O_TRUNC empties a new or rewritten file; a link keeps its data. */
		if (truncate) {
			inode->size = 0;
			inode->data.kind = IE_DATA_NONE;
		}
		return ie_cpio_skip_data(r);
	}
	if (ie_cpio_read_data(r, spool_sink, &sc))
		return r->err.err;
	inode->data.kind = IE_DATA_FD;
	inode->data.fd = imp->spool_fd;
	inode->data.offset = start;
	inode->size = size;
	return 0;
}

/* ---- entries, one function per file type ---------------------------------- */

static int import_regular(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
			  const struct path_loc *loc)
{
	struct ie_inode *inode;
	int linked;

	if (!loc->name[0] || loc->trailing_slash)
		return drop(imp, r, "the name is a directory's (open fails with EISDIR)");
	clean_path(loc, ie_cpio_mode(r));
	linked = maybe_link(imp, r, loc);
	if (linked < 0)
		return r->err.err;
	if (linked == 2)
		return 0;
	inode = loc_inode(loc);
	if (inode && !S_ISREG(inode->mode))
		return drop(imp, r, inode && S_ISDIR(inode->mode) ?
			    "a non-empty directory of that name exists" :
			    "the hardlinked file is not a regular file");
	if (!inode) {
		inode = ie_inode_new(S_IFREG);
		if (create(r, loc, inode))
			return r->err.err;
	}
	set_owner(inode, r);
	set_perms(inode, r);
	if (copy_body(imp, r, inode, linked == 0))
		return r->err.err;
	set_mtime(inode, r);
	return 0;
}

/* dir_add(): remember the mtime for the end, when nothing changes it. */
static int dir_add(struct ie_cpio_import *imp, struct ie_cpio_reader *r)
{
	struct dir_time *t;

	if (ie_reserve((void **)&imp->dirs, &imp->dirs_cap, imp->nr_dirs + 1,
		       sizeof(*imp->dirs)))
		return ie_cpio_fail(r, r->offset, "out of memory");
	t = &imp->dirs[imp->nr_dirs];
	t->path = strdup(r->name);
	if (!t->path)
		return ie_cpio_fail(r, r->offset, "out of memory");
	t->mtime = field(r, IE_CPIO_MTIME);
	imp->nr_dirs++;
	return 0;
}

static int import_dir(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
		      const struct path_loc *loc)
{
	struct ie_inode *inode;

	clean_path(loc, S_IFDIR);
	inode = loc_inode(loc);
	if (!inode) {
		inode = ie_inode_new(S_IFDIR);
		if (create(r, loc, inode))
			return r->err.err;
		inode->mtime = imp->default_mtime;
	}
	/* mkdir fails on an existing directory; chown and chmod still apply. */
	set_owner(inode, r);
	set_perms(inode, r);
	return dir_add(imp, r);
}

/* The kernel's rdev: new_encode_dev(MKDEV(rdevmajor, rdevminor)). */
static void set_rdev(struct ie_inode *inode, const struct ie_cpio_reader *r)
{
	uint32_t dev = field(r, IE_CPIO_RDEVMAJOR) << 20 |
		       field(r, IE_CPIO_RDEVMINOR);

	inode->rdev_major = dev >> 20;
	inode->rdev_minor = dev & 0xfffff;
}

static int import_special(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
			  const struct path_loc *loc)
{
	struct ie_inode *inode;
	int linked;

	if (!loc->name[0] || loc->trailing_slash)
		return drop(imp, r, "the name is a directory's (mknod fails)");
	clean_path(loc, ie_cpio_mode(r));
	linked = maybe_link(imp, r, loc);
	if (linked)
		return linked < 0 ? linked : 0;
	inode = loc_inode(loc);
	if (!inode) {
		inode = ie_inode_new(ie_cpio_mode(r) & S_IFMT);
		if (create(r, loc, inode))
			return r->err.err;
		if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode))
			set_rdev(inode, r);
	}
	/* mknod fails on an existing node; chown, chmod, utime still apply. */
	set_owner(inode, r);
	set_perms(inode, r);
	set_mtime(inode, r);
	return 0;
}

/* Collects a symlink target (at most PATH_MAX bytes; over 4095 is dropped). */
struct target_buf {
	char text[IE_CPIO_PATH_MAX + 1];
	size_t len;
};

static int target_sink(void *ctx, const unsigned char *buf, size_t len)
{
	struct target_buf *t = ctx;

	memcpy(t->text + t->len, buf, len);
	t->len += len;
	return 0;
}

static int import_symlink(struct ie_cpio_import *imp, struct ie_cpio_reader *r,
			  const struct path_loc *loc)
{
	struct target_buf *t = malloc(sizeof(*t));
	struct ie_inode *inode;
	int ret;

	if (!t)
		return ie_cpio_fail(r, r->offset, "out of memory");
	t->len = 0;
	ret = ie_cpio_read_data(r, target_sink, t);
	if (ret < 0)
		goto out;
	t->text[t->len] = '\0';	/* the kernel's target ends at the first NUL */
	ret = 0;
	if (!loc->name[0] || loc->trailing_slash) {
		drop(imp, r, "the name is a directory's (symlink fails)");
		goto out;
	}
	clean_path(loc, 0);
	inode = loc_inode(loc);
	if (!inode && !t->text[0]) {
		drop(imp, r, "empty symlink target (symlink fails with ENOENT)");
		goto out;
	}
	/* symlink(2) takes at most PATH_MAX bytes with the NUL. */
	if (!inode && strlen(t->text) > IE_MAX_SYMLINK) {
		drop(imp, r, "symlink target over 4095 bytes (symlink fails with ENAMETOOLONG)");
		goto out;
	}
	if (!inode) {
		inode = ie_inode_new(S_IFLNK | 0777);
		if (inode)
			inode->symlink = strdup(t->text);
		if (inode && !inode->symlink) {
			free(inode);
			inode = NULL;
		}
		ret = create(r, loc, inode);
		if (ret)
			goto out;
		inode->size = strlen(inode->symlink);
	} else {
		drop(imp, r, "a non-empty directory of that name exists (its owner and mtime change)");
	}
	/* lchown and utime act on whatever the path names now. */
	set_owner(inode, r);
	set_mtime(inode, r);
out:
	free(t);
	return ret;
}

int ie_cpio_import_entry(struct ie_cpio_import *imp, struct ie_cpio_reader *r)
{
	mode_t mode = ie_cpio_mode(r);
	struct path_loc loc;
	int ret;

	if (ie_cpio_is_trailer(r)) {
		links_clear(imp);	/* free_hash() */
		return 0;
	}
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR: case S_IFBLK:
	case S_IFIFO: case S_IFSOCK:
		break;
	default:
		return ie_cpio_fail(r, r->offset + 6 + 8 * IE_CPIO_MODE,
				    "\"%.200s\": mode 0%o has no valid file type",
				    r->name, mode);
	}
	/* do_header(): only regular files and symlinks may carry data. */
	if (!S_ISREG(mode) && !S_ISLNK(mode) && ie_cpio_filesize(r))
		return drop(imp, r, "it has data but is neither a regular file nor a symlink (the kernel skips it)");
	ret = locate(imp->tree, r->name, &loc);
	if (ret == -ENOMEM)
		return ie_cpio_fail(r, r->offset, "out of memory");
	if (ret)
		return drop(imp, r, walk_error(-ret));
	if (strlen(loc.name) > NAME_MAX_BYTES)
		return drop(imp, r, walk_error(ENAMETOOLONG));
	if (S_ISREG(mode))
		return import_regular(imp, r, &loc);
	if (S_ISDIR(mode))
		return import_dir(imp, r, &loc);
	if (S_ISLNK(mode))
		return import_symlink(imp, r, &loc);
	return import_special(imp, r, &loc);
}

/* dir_utime(): newest entry first, so the oldest entry's mtime sticks. */
static void dir_utime(struct ie_cpio_import *imp)
{
	size_t i = imp->nr_dirs;

	while (i--) {
		struct path_loc loc;
		struct ie_inode *inode;

		if (locate(imp->tree, imp->dirs[i].path, &loc))
			continue;
		inode = loc_inode(&loc);
		if (inode) {
			inode->mtime = imp->dirs[i].mtime;
			inode->mtime_nsec = 0;
		}
	}
}

int ie_cpio_import_finish(struct ie_cpio_import *imp, struct ie_error *err)
{
	int ret = spool_flush(imp);

	if (ret < 0)
		return ie_fail(err, ret, "cannot write the spool file: %s",
			       strerror(-ret));
	dir_utime(imp);
	return 0;
}

static int ops_entry(void *ctx, const struct ie_segment *seg,
		     struct ie_cpio_reader *r)
{
	(void)seg;
	return ie_cpio_import_entry(ctx, r);
}

const struct ie_initrd_ops ie_cpio_import_ops = {
	.entry = ops_entry,
};
