// SPDX-License-Identifier: GPL-2.0
/*
 * Extracting an image into a directory.
 *
 * Safety comes from never resolving a path through anything the image
 * made: every directory is created here and then held open, and every
 * object is created relative to its parent's descriptor with O_NOFOLLOW or
 * an *at() call that does not follow the last component. The walker has
 * already refused names with '/' and the "." and ".." entries.
 *
 * Metadata is applied in the order that keeps it: owner first (chown
 * clears setuid/setgid and file capabilities), then mode, then xattrs,
 * then times; directories only after their children, so that a read-only
 * directory can still be filled and its mtime is not touched afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "initerofs/extract.h"
#include "initerofs/io.h"
#include "initerofs/reader.h"
#include "reader_internal.h"
#include "util/map.h"

#define COPY_CHUNK	(1024 * 1024)
#define MAX_SYMLINK	IE_MAX_SYMLINK

struct extractor {
	struct ie_image *img;
	const struct ie_extract_opts *opts;
	struct ie_report *errors;
	int *dirfds;			/* dirfds[d]: open directory at depth d */
	size_t ndirfds;
	struct ie_map links;		/* nid -> 1 + offset in link_paths */
	char *link_paths;		/* first relative path of hard links */
	size_t link_len, link_cap;
	uint8_t *buf;
};

static void error_at(struct extractor *x, const char *path, const char *what)
{
	ie_report(x->errors, "%s: %s: %s", path, what, strerror(errno));
}

static void warn_at(struct extractor *x, const char *path, const char *what)
{
	if (x->opts->warn)
		ie_report(x->opts->warn, "%s: %s", path, what);
}

/* "/proc/self/fd/N/name" reaches an object relative to a directory fd
 * for the calls that have no *at() form (the xattr ones). */
static void proc_path(char *out, size_t len, int dirfd, const char *name)
{
	snprintf(out, len, "/proc/self/fd/%d/%s", dirfd, name);
}

struct xattr_target {
	struct extractor *x;
	const char *path;		/* for messages */
	int fd;				/* or -1 to use @lpath */
	const char *lpath;
};

static int set_one_xattr(void *data, const struct ie_rxattr *xa)
{
	struct xattr_target *t = data;
	int ret;

	/*
	 * File capabilities were granted for the image's owner; on a file
	 * left to whoever extracts (root, usually) they would be a gift.
	 */
	if (!t->x->opts->owner && !strcmp(xa->name, "security.capability")) {
		warn_at(t->x, t->path,
			"xattr security.capability not set (owners are not restored)");
		return 0;
	}
	if (t->fd >= 0)
		ret = fsetxattr(t->fd, xa->name, xa->value, xa->value_len, 0);
	else
		ret = lsetxattr(t->lpath, xa->name, xa->value, xa->value_len, 0);
	if (ret && (errno == EPERM || errno == ENOTSUP)) {
		char msg[400];

		snprintf(msg, sizeof(msg), "xattr %s not set: %s", xa->name,
			 strerror(errno));
		warn_at(t->x, t->path, msg);
	} else if (ret) {
		error_at(t->x, t->path, xa->name);
	}
	return 0;
}

static void set_xattrs(struct extractor *x, const struct ie_walk_entry *e,
		       int fd, int dirfd)
{
	char lpath[PATH_MAX];
	struct xattr_target t = { .x = x, .path = e->path, .fd = fd };

	if (!x->opts->xattrs || !e->ino->xattr_isize)
		return;
	if (fd < 0) {
		proc_path(lpath, sizeof(lpath), dirfd, e->name);
		t.lpath = lpath;
	}
	if (ie_xattr_iterate(x->img, e->ino, set_one_xattr, &t) < 0)
		ie_report(x->errors, "%s: %s", e->path, ie_image_error(x->img));
}

/*
 * Owner, mode, xattrs, times of one object: through @fd when it is open,
 * else by name in @dirfd without following a symlink.
 */
static void set_metadata(struct extractor *x, const struct ie_walk_entry *e,
			 int fd, int dirfd)
{
	const struct ie_rinode *ino = e->ino;
	struct timespec ts[2] = {
		{ .tv_sec = ino->mtime, .tv_nsec = ino->mtime_nsec },
		{ .tv_sec = ino->mtime, .tv_nsec = ino->mtime_nsec },
	};
	bool link = S_ISLNK(ino->mode);
	mode_t mode = ino->mode & 07777;

	/*
	 * Without the image's owner a setuid/setgid file would run as
	 * whoever extracted it (root: a setuid-root file). tar drops the
	 * bits too. A setgid directory only passes its group on: kept.
	 */
	if (!x->opts->owner && !S_ISDIR(ino->mode) && mode & (S_ISUID | S_ISGID)) {
		mode &= ~(mode_t)(S_ISUID | S_ISGID);
		warn_at(x, e->path, "setuid/setgid bits dropped (owners are not restored)");
	}
	if (x->opts->owner &&
	    (fd >= 0 ? fchown(fd, ino->uid, ino->gid) :
	     fchownat(dirfd, e->name, ino->uid, ino->gid, AT_SYMLINK_NOFOLLOW)))
		error_at(x, e->path, "chown");
	if (!link && (fd >= 0 ? fchmod(fd, mode) :
		      fchmodat(dirfd, e->name, mode, 0)))
		error_at(x, e->path, "chmod");
	set_xattrs(x, e, fd, dirfd);
	if (fd >= 0 ? futimens(fd, ts) :
	    utimensat(dirfd, e->name, ts, AT_SYMLINK_NOFOLLOW))
		error_at(x, e->path, "set times");
}

static void copy_data(struct extractor *x, const struct ie_walk_entry *e,
		      int fd)
{
	struct ie_file *f;
	ssize_t got;

	if (ie_file_open(x->img, e->ino, &f)) {
		ie_report(x->errors, "%s: %s", e->path, ie_image_error(x->img));
		return;
	}
	while ((got = ie_file_read(f, x->buf, COPY_CHUNK)) > 0) {
		int ret = ie_write_full(fd, x->buf, (size_t)got);

		if (ret) {
			errno = -ret;
			error_at(x, e->path, "write");
			break;
		}
	}
	if (got < 0)
		ie_report(x->errors, "%s: %s", e->path, ie_image_error(x->img));
	ie_file_close(f);
}

/* Hard links: remember where the first entry went, link the others. */
static bool link_again(struct extractor *x, const struct ie_walk_entry *e,
		       int dirfd)
{
	uint32_t *slot = ie_map_find(&x->links, e->ino->nid);

	if (e->first || !slot)
		return false;
	if (linkat(x->dirfds[0], x->link_paths + *slot - 1, dirfd, e->name, 0))
		error_at(x, e->path, "link");
	return true;
}

static void remember_link(struct extractor *x, const struct ie_walk_entry *e)
{
	size_t len = strlen(e->path + 1) + 1;
	uint32_t *slot;
	bool added;

	if (e->ino->nlink < 2 || S_ISDIR(e->ino->mode))
		return;
	if (x->link_len + len > UINT32_MAX ||
	    ie_reserve((void **)&x->link_paths, &x->link_cap,
		       x->link_len + len, 1)) {
		ie_report(x->errors, "%s: out of memory for hard links", e->path);
		return;
	}
	slot = ie_map_slot(&x->links, e->ino->nid, &added);
	if (!slot) {
		ie_report(x->errors, "%s: out of memory for hard links", e->path);
		return;
	}
	memcpy(x->link_paths + x->link_len, e->path + 1, len);
	*slot = (uint32_t)(x->link_len + 1);
	x->link_len += len;
}

/* The make_*() functions return whether the object now exists. */
static bool make_regular(struct extractor *x, const struct ie_walk_entry *e,
			 int dirfd)
{
	int fd = openat(dirfd, e->name,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0600);

	if (fd < 0) {
		error_at(x, e->path, "create");
		return false;
	}
	copy_data(x, e, fd);
	set_metadata(x, e, fd, dirfd);
	if (close(fd))
		error_at(x, e->path, "close");
	return true;
}

static bool make_symlink(struct extractor *x, const struct ie_walk_entry *e,
			 int dirfd)
{
	bool made = false;
	char *target;

	if (ie_file_read_all(x->img, e->ino, MAX_SYMLINK, &target)) {
		ie_report(x->errors, "%s: %s", e->path, ie_image_error(x->img));
		return false;
	}
	if (symlinkat(target, dirfd, e->name)) {
		error_at(x, e->path, "symlink");
	} else {
		set_metadata(x, e, -1, dirfd);
		made = true;
	}
	free(target);
	return made;
}

static bool make_special(struct extractor *x, const struct ie_walk_entry *e,
			 int dirfd)
{
	const struct ie_rinode *ino = e->ino;
	dev_t dev = 0;

	if (S_ISCHR(ino->mode) || S_ISBLK(ino->mode)) {
		if (!x->opts->devices) {
			warn_at(x, e->path, "device node skipped (needs root)");
			return false;
		}
		dev = makedev(ino->rdev_major, ino->rdev_minor);
	}
	if (mknodat(dirfd, e->name, (ino->mode & S_IFMT) | 0600, dev)) {
		error_at(x, e->path, "mknod");
		return false;
	}
	set_metadata(x, e, -1, dirfd);
	return true;
}

static int push_dirfd(struct extractor *x, unsigned int depth, int fd)
{
	if (ie_reserve((void **)&x->dirfds, &x->ndirfds, (size_t)depth + 1,
		       sizeof(*x->dirfds)))
		return -ENOMEM;
	x->dirfds[depth] = fd;
	return 0;
}

static int make_dir(struct extractor *x, const struct ie_walk_entry *e,
		    int dirfd)
{
	int fd;

	if (mkdirat(dirfd, e->name, 0700)) {
		error_at(x, e->path, "mkdir");
		return IE_WALK_SKIP;
	}
	fd = openat(dirfd, e->name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		error_at(x, e->path, "open directory");
		return IE_WALK_SKIP;
	}
	if (push_dirfd(x, e->depth, fd)) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

static int visit(void *data, const struct ie_walk_entry *e)
{
	struct extractor *x = data;
	bool made;
	int dirfd;

	if (!e->depth)
		return 0;	/* the root is the directory made up front */
	dirfd = x->dirfds[e->depth - 1];
	if (S_ISDIR(e->ino->mode))
		return make_dir(x, e, dirfd);
	if (link_again(x, e, dirfd))
		return 0;
	if (S_ISREG(e->ino->mode))
		made = make_regular(x, e, dirfd);
	else if (S_ISLNK(e->ino->mode))
		made = make_symlink(x, e, dirfd);
	else
		made = make_special(x, e, dirfd);
	/*
	 * Only what exists can be linked to: a device node skipped without
	 * root is skipped again at its other names, not linked to nothing.
	 */
	if (made)
		remember_link(x, e);
	return 0;
}

static int leave(void *data, const struct ie_walk_entry *e,
		 unsigned long nr_subdirs)
{
	struct extractor *x = data;
	int fd = x->dirfds[e->depth];

	(void)nr_subdirs;
	set_metadata(x, e, fd, -1);
	if (e->depth)
		close(fd);
	return 0;
}

static void walk_problem(void *data, const char *path, const char *msg)
{
	struct extractor *x = data;

	ie_report(x->errors, "%s: %s", path, msg);
}

/* ---- the temporary directory ------------------------------------------- */

static int make_writable(const char *path, const struct stat *st, int type,
			 struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_D && !(st->st_mode & S_IWUSR))
		chmod(path, 0700);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, make_writable, 64, FTW_PHYS);
	nftw(path, remove_one, 64, FTW_PHYS | FTW_DEPTH);
}

/* @dest may not exist yet, or be an empty directory. */
static int check_dest(const char *dest, struct ie_report *errors)
{
	struct stat st;
	int fd, entries = 0;
	DIR *d;

	if (lstat(dest, &st)) {
		if (errno == ENOENT)
			return 0;
		ie_report(errors, "%s: %s", dest, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		ie_report(errors, "%s: exists and is not a directory", dest);
		return -1;
	}
	fd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		ie_report(errors, "%s: %s", dest, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (readdir(d))
		entries++;
	closedir(d);
	if (entries > 2) {
		ie_report(errors, "%s: exists and is not empty", dest);
		return -1;
	}
	return 0;
}

/* A deep tree holds one descriptor per level: allow as many as we may. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int extract_into(struct extractor *x, const char *tmp)
{
	const struct ie_walk_ops ops = {
		.visit = visit, .leave = leave, .problem = walk_problem,
	};
	int fd, ret;

	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || push_dirfd(x, 0, fd)) {
		ie_report(x->errors, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ret = ie_walk(x->img, "/", &ops, x);
	if (ret < 0 && ret != -ENOMEM)
		ie_report(x->errors, "/: %s", ie_image_error(x->img));
	else if (ret < 0)
		ie_report(x->errors, "out of memory");
	close(fd);
	return ret;
}

unsigned long ie_extract(struct ie_image *img, const char *dest,
			 const struct ie_extract_opts *opts,
			 struct ie_report *errors)
{
	struct extractor x = { .img = img, .opts = opts, .errors = errors };
	unsigned long before = errors->problems;
	char *tmp;

	if (check_dest(dest, errors))
		return errors->problems - before;
	if (asprintf(&tmp, "%s.initerofs-XXXXXX", dest) < 0) {
		ie_report(errors, "out of memory");
		return errors->problems - before;
	}
	x.buf = malloc(COPY_CHUNK);
	if (!x.buf || !mkdtemp(tmp)) {
		ie_report(errors, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	raise_fd_limit();
	extract_into(&x, tmp);
	if (errors->problems == before && rename(tmp, dest))
		ie_report(errors, "rename %s to %s: %s", tmp, dest,
			  strerror(errno));
	if (errors->problems != before)
		remove_tree(tmp);
out:
	ie_map_free(&x.links);
	free(x.link_paths);
	free(x.dirfds);
	free(x.buf);
	free(tmp);
	return errors->problems - before;
}
