// SPDX-License-Identifier: GPL-2.0
/*
 * The consistency check behind `initerofs check`.
 *
 * It walks the tree from the root (ie_walk() enters each directory once,
 * so cycles end the walk instead of looping), checks every inode the first
 * time it is reached, every directory block and every extent, decompresses
 * all data, and then checks what only the whole picture shows: link
 * counts, the inode count, and storage claimed by two owners.
 *
 * Every problem is reported and the check goes on; nothing in the image
 * can make it read outside the mapping or loop longer than the image is
 * large.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/check.h"
#include "initerofs/dirent.h"
#include "initerofs/inode.h"
#include "initerofs/reader.h"
#include "reader_internal.h"
#include "util/map.h"

#define NO_NID		UINT64_MAX	/* owner of the superblock range */
#define MAX_DUP_CHECK	256		/* xattr names compared per inode */
#define MAX_SYMLINK	IE_MAX_SYMLINK
#define NSEC_PER_SEC	1000000000u

struct inode_rec {
	uint32_t nlink, refs;
	uint16_t mode;
	size_t path_off;		/* first path, in the path arena */
};

/* A byte range of the image and what it belongs to. */
struct owned_range {
	uint64_t start, end;
	uint64_t nid;
	bool data;			/* file data rather than metadata */
	bool shareable;			/* deduplicated chunks may coincide */
};

struct checker {
	struct ie_image *img;
	struct ie_report *rep;
	struct ie_check_stats st;
	struct ie_map index;		/* nid -> 1 + index in recs */
	struct inode_rec *recs;
	size_t nrecs, recs_cap;
	char *paths;
	size_t paths_len, paths_cap;
	struct owned_range *ranges;
	size_t nranges, ranges_cap;
	uint8_t *buf;			/* one decoded extent */
	size_t buf_cap;
	unsigned int flags;
	bool out_of_memory;
};

static void no_memory(struct checker *c)
{
	if (!c->out_of_memory)
		ie_report(c->rep, "check: out of memory, results are incomplete");
	c->out_of_memory = true;
}

static const char *rec_path(const struct checker *c, const struct inode_rec *r)
{
	return c->paths + r->path_off;
}

/* The record of @nid, created on its first entry with @path. */
static struct inode_rec *get_rec(struct checker *c, const struct ie_walk_entry *e)
{
	size_t len = strlen(e->path) + 1;
	struct inode_rec *r;
	uint32_t *slot;
	bool added;

	slot = ie_map_slot(&c->index, e->ino->nid, &added);
	if (!slot)
		goto oom;
	if (!added)
		return &c->recs[*slot - 1];
	if (ie_reserve((void **)&c->recs, &c->recs_cap, c->nrecs + 1, sizeof(*r)) ||
	    ie_reserve((void **)&c->paths, &c->paths_cap, c->paths_len + len, 1))
		goto oom;
	r = &c->recs[c->nrecs++];
	*slot = (uint32_t)c->nrecs;
	*r = (struct inode_rec){
		.nlink = e->ino->nlink, .mode = e->ino->mode,
		.path_off = c->paths_len,
	};
	memcpy(c->paths + c->paths_len, e->path, len);
	c->paths_len += len;
	return r;
oom:
	no_memory(c);
	return NULL;
}

static void add_range(struct checker *c, uint64_t start, uint64_t end,
		      uint64_t nid, bool data, bool shareable)
{
	if (start >= end)
		return;
	if (ie_reserve((void **)&c->ranges, &c->ranges_cap, c->nranges + 1,
		 sizeof(*c->ranges))) {
		no_memory(c);
		return;
	}
	c->ranges[c->nranges++] = (struct owned_range){
		.start = start, .end = end, .nid = nid, .data = data,
		.shareable = shareable,
	};
}

/* ---- one inode ----------------------------------------------------------- */

static void check_basics(struct checker *c, const char *path,
			 const struct ie_rinode *ino)
{
	/*
	 * A timestamp no system call accepts: extract cannot restore it.
	 * Compact inodes inherit the superblock's, reported once there.
	 */
	if (ino->mtime_nsec >= NSEC_PER_SEC &&
	    ino->mtime_nsec != ie_image_super(c->img)->sb.build_time_nsec)
		ie_report(c->rep, "%s: mtime nanoseconds %u are not below 10^9",
			  path, ino->mtime_nsec);
	if (!ino->nlink)
		ie_report(c->rep, "%s: inode %llu has a link count of 0", path,
			  (unsigned long long)ino->nid);
	switch (ino->mode & S_IFMT) {
	case S_IFDIR:
		if (!ino->size)
			ie_report(c->rep, "%s: directory of size 0 (no \".\" or \"..\")",
				  path);
		break;
	case S_IFLNK:
		if (!ino->size || ino->size > MAX_SYMLINK)
			ie_report(c->rep, "%s: symlink target of %llu bytes (must be 1 to 4095)",
				  path, (unsigned long long)ino->size);
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		if (ino->size)
			ie_report(c->rep, "%s: special file with size %llu",
				  path, (unsigned long long)ino->size);
		break;
	}
}

struct xattr_state {
	struct checker *c;
	const char *path;
	char (*names)[sizeof(((struct ie_rxattr *)0)->name)];
	size_t n;
};

static int check_one_xattr(void *data, const struct ie_rxattr *xa)
{
	struct xattr_state *xs = data;
	bool acl = !strncmp(xa->name, "system.posix_acl_", 17);
	size_t i;

	xs->c->st.xattrs++;
	if (!acl && xa->name[xa->name_len - 1] == '.')
		ie_report(xs->c->rep, "%s: xattr \"%s\" has an empty name after its prefix",
			  xs->path, xa->name);
	if (acl && strcmp(xa->name, "system.posix_acl_access") &&
	    strcmp(xa->name, "system.posix_acl_default"))
		ie_report(xs->c->rep, "%s: ACL xattr with a name suffix: \"%s\"",
			  xs->path, xa->name);
	for (i = 0; i < xs->n; i++)
		if (!strcmp(xs->names[i], xa->name))
			ie_report(xs->c->rep, "%s: xattr \"%s\" is stored twice",
				  xs->path, xa->name);
	if (xs->n < MAX_DUP_CHECK)
		memcpy(xs->names[xs->n++], xa->name, xa->name_len + 1);
	return 0;
}

static void check_xattrs(struct checker *c, const char *path,
			 const struct ie_rinode *ino)
{
	struct xattr_state xs = { .c = c, .path = path };

	if (!ino->xattr_isize)
		return;
	xs.names = malloc(MAX_DUP_CHECK * sizeof(*xs.names));
	if (!xs.names) {
		no_memory(c);
		return;
	}
	if (ie_xattr_iterate(c->img, ino, check_one_xattr, &xs) < 0)
		ie_report(c->rep, "%s: %s", path, ie_image_error(c->img));
	free(xs.names);
}

/* Produce the extent's bytes; raw extents only need to be in range. */
static int decode_extent(struct checker *c, const struct ie_extent *ext)
{
	if (ext->kind == IE_EXTENT_HOLE)
		return 0;
	if (ext->kind == IE_EXTENT_RAW)
		return ie_image_bytes(c->img, ext->pa, ext->llen) &&
		       ext->llen <= ext->plen ? 0 : -EUCLEAN;
	if (c->flags & IE_CHECK_NO_DECODE)
		return ie_image_bytes(c->img, ext->pa, ext->plen) ? 0 : -EUCLEAN;
	if (ie_reserve((void **)&c->buf, &c->buf_cap, ext->llen, 1)) {
		no_memory(c);
		return -ENOMEM;
	}
	return ie_extent_decode(c->img, ext, c->buf);
}

static void note_extent(struct checker *c, const struct ie_rinode *ino,
			const struct ie_extent *ext, uint64_t *blocks)
{
	uint32_t bs = ie_image_super(c->img)->blksz;

	if (S_ISREG(ino->mode)) {
		c->st.extents++;
		if (ext->kind != IE_EXTENT_HOLE)
			c->st.stored_bytes += ext->plen;
		if (ext->kind >= IE_EXTENT_LZ4)
			c->st.compressed_extents++;
	}
	if (ext->kind == IE_EXTENT_HOLE || ext->inline_tail)
		return;
	*blocks += (ext->plen + bs - 1) / bs;
	/* mkfs.erofs stores identical chunks once, which the format allows. */
	add_range(c, ext->pa, ext->pa + ext->plen, ino->nid, true,
		  ino->layout == EROFS_LAYOUT_CHUNK_BASED);
}

/* Walk and decode every extent; check they tile the file exactly. */
static void check_data(struct checker *c, const char *path,
		       const struct ie_rinode *ino)
{
	uint32_t bs = ie_image_super(c->img)->blksz;
	uint64_t expect = 0, blocks = 0;
	struct ie_extent ext;
	struct ie_file *f;
	int ret;

	if (ie_file_open(c->img, ino, &f)) {
		ie_report(c->rep, "%s: %s", path, ie_image_error(c->img));
		add_range(c, ino->pos, ie_inode_end(ino), ino->nid, false, false);
		return;
	}
	while ((ret = ie_file_next_extent(f, &ext)) > 0) {
		if (ext.la != expect || !ext.llen ||
		    ext.llen > ino->size - ext.la) {
			ie_report(c->rep, "%s: extent at %llu+%llu does not continue the file at %llu",
				  path, (unsigned long long)ext.la,
				  (unsigned long long)ext.llen,
				  (unsigned long long)expect);
			break;
		}
		if (!ext.inline_tail && ext.kind != IE_EXTENT_HOLE &&
		    ext.pa % bs)
			ie_report(c->rep, "%s: extent at %llu is stored at unaligned offset %llu",
				  path, (unsigned long long)ext.la,
				  (unsigned long long)ext.pa);
		if (decode_extent(c, &ext))
			ie_report(c->rep, "%s: %s", path, ie_image_error(c->img));
		note_extent(c, ino, &ext, &blocks);
		expect = ext.la + ext.llen;
	}
	if (ret < 0)
		ie_report(c->rep, "%s: %s", path, ie_image_error(c->img));
	else if (expect != ino->size)
		ie_report(c->rep, "%s: extents cover %llu of %llu bytes",
			  path, (unsigned long long)expect,
			  (unsigned long long)ino->size);
	if (!ret && erofs_layout_is_compressed(ino->layout) && blocks != ino->i_u)
		ie_report(c->rep, "%s: inode says %u compressed blocks, extents use %llu",
			  path, ino->i_u, (unsigned long long)blocks);
	add_range(c, ino->pos, ie_file_meta_end(f), ino->nid, false, false);
	ie_file_close(f);
}

static void check_symlink(struct checker *c, const char *path,
			  const struct ie_rinode *ino)
{
	char *target;

	if (ino->size > MAX_SYMLINK)
		return;
	if (ie_file_read_all(c->img, ino, MAX_SYMLINK, &target))
		return;		/* check_data() reported why */
	if (strlen(target) != ino->size)
		ie_report(c->rep, "%s: symlink target contains a NUL byte", path);
	free(target);
}

/* ---- directory blocks ---------------------------------------------------- */

struct dir_state {
	struct checker *c;
	const char *path;
	const struct ie_rinode *dir;
	uint64_t parent_nid;
	char prev[EROFS_NAME_LEN];
	unsigned int prev_len;
	bool have_prev;
	unsigned int dots, dotdots;
};

static void check_dots(struct dir_state *ds, const struct ie_rdirent *de)
{
	bool dot = de->name_len == 1;
	uint64_t want = dot ? ds->dir->nid : ds->parent_nid;

	if (dot)
		ds->dots++;
	else
		ds->dotdots++;
	if (de->nid != want)
		ie_report(ds->c->rep, "%s: \"%s\" points at inode %llu instead of %llu",
			  ds->path, dot ? "." : "..",
			  (unsigned long long)de->nid, (unsigned long long)want);
	if (de->file_type != EROFS_FT_DIR)
		ie_report(ds->c->rep, "%s: \"%s\" has file type %u, not directory",
			  ds->path, dot ? "." : "..", de->file_type);
}

static int check_dirent(void *data, const struct ie_rdirent *de)
{
	struct dir_state *ds = data;
	struct checker *c = ds->c;

	if (ds->have_prev &&
	    ie_dirent_name_cmp(ds->prev, ds->prev_len, de->name,
			       de->name_len) >= 0)
		ie_report(c->rep, "%s: block %llu entry %u \"%.*s\" is not sorted after \"%.*s\"",
			  ds->path, (unsigned long long)de->block, de->index,
			  (int)de->name_len, de->name, (int)ds->prev_len,
			  ds->prev);
	memcpy(ds->prev, de->name, de->name_len);
	ds->prev_len = de->name_len;
	ds->have_prev = true;
	if ((de->name_len == 1 && de->name[0] == '.') ||
	    (de->name_len == 2 && !memcmp(de->name, "..", 2)))
		check_dots(ds, de);
	else if (de->file_type == EROFS_FT_UNKNOWN ||
		 de->file_type >= EROFS_FT_MAX)
		ie_report(c->rep, "%s: entry \"%.*s\" has unknown file type %u",
			  ds->path, (int)de->name_len, de->name, de->file_type);
	if (de->nid >= ie_nid_max(c->img))
		ie_report(c->rep, "%s: entry \"%.*s\" points at inode %llu, outside the image",
			  ds->path, (int)de->name_len, de->name,
			  (unsigned long long)de->nid);
	return 0;
}

static void check_dir(struct checker *c, const struct ie_walk_entry *e)
{
	struct dir_state ds = {
		.c = c, .path = e->path, .dir = e->ino,
		.parent_nid = e->parent_nid,
	};

	/* A block the reader refuses was already reported by the walk. */
	if (ie_dir_iterate(c->img, e->ino, check_dirent, &ds) < 0)
		return;
	if (ds.dots != 1 || ds.dotdots != 1)
		ie_report(c->rep, "%s: %u \".\" and %u \"..\" entries (want one each)",
			  e->path, ds.dots, ds.dotdots);
}

/* ---- the walk -------------------------------------------------------------- */

static void count_type(struct checker *c, unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		c->st.dirs++;
		break;
	case S_IFREG:
		c->st.regular++;
		break;
	case S_IFLNK:
		c->st.symlinks++;
		break;
	case S_IFCHR:
	case S_IFBLK:
		c->st.devices++;
		break;
	case S_IFIFO:
		c->st.fifos++;
		break;
	default:
		c->st.sockets++;
		break;
	}
}

static void check_first_sight(struct checker *c, const struct ie_walk_entry *e)
{
	const struct ie_rinode *ino = e->ino;

	c->st.inodes++;
	count_type(c, ino->mode);
	check_basics(c, e->path, ino);
	check_xattrs(c, e->path, ino);
	if (S_ISREG(ino->mode) || S_ISDIR(ino->mode) || S_ISLNK(ino->mode)) {
		check_data(c, e->path, ino);
	} else {
		add_range(c, ino->pos, ie_inode_end(ino), ino->nid, false, false);
	}
	if (S_ISREG(ino->mode)) {
		c->st.data_bytes += ino->size;
		if (erofs_layout_is_compressed(ino->layout))
			c->st.compressed_files++;
	}
	if (S_ISLNK(ino->mode))
		check_symlink(c, e->path, ino);
	if (S_ISDIR(ino->mode))
		check_dir(c, e);
}

static int visit(void *data, const struct ie_walk_entry *e)
{
	struct checker *c = data;
	struct inode_rec *r;

	if (e->depth && e->file_type != ie_mode_to_ftype(e->ino->mode))
		ie_report(c->rep, "%s: entry's file type %u does not match the inode's mode 0%o",
			  e->path, e->file_type, e->ino->mode);
	r = get_rec(c, e);
	if (!r)
		return -ENOMEM;
	if (e->first)
		check_first_sight(c, e);
	else
		c->st.hardlinks++;
	if (++r->refs > r->nlink && !S_ISDIR(r->mode))
		ie_report(c->rep, "%s: inode %llu has link count %u but more entries point at it (first: %s)",
			  e->path, (unsigned long long)e->ino->nid, r->nlink,
			  rec_path(c, r));
	return 0;
}

/* A directory's link count is 2 plus its subdirectories, as on Linux. */
static int leave(void *data, const struct ie_walk_entry *e,
		 unsigned long nr_subdirs)
{
	struct checker *c = data;

	if (e->ino->nlink != 2 + nr_subdirs)
		ie_report(c->rep, "%s: directory link count is %u, expected %lu (2 + %lu subdirectories)",
			  e->path, e->ino->nlink, 2 + nr_subdirs, nr_subdirs);
	return 0;
}

static void walk_problem(void *data, const char *path, const char *msg)
{
	struct checker *c = data;

	ie_report(c->rep, "%s: %s", path, msg);
}

/* ---- after the walk -------------------------------------------------------- */

static void check_link_counts(struct checker *c)
{
	size_t i;

	for (i = 0; i < c->nrecs; i++) {
		const struct inode_rec *r = &c->recs[i];

		if (!S_ISDIR(r->mode) && r->refs < r->nlink)
			ie_report(c->rep, "%s: link count is %u but %u entries point at it",
				  rec_path(c, r), r->nlink, r->refs);
	}
}

static int cmp_range(const void *a, const void *b)
{
	const struct owned_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static const char *owner_name(const struct checker *c, uint64_t nid)
{
	uint32_t *slot = ie_map_find(&c->index, nid);

	if (nid == NO_NID)
		return "the superblock";
	return slot ? rec_path(c, &c->recs[*slot - 1]) : "?";
}

/* Two owners of one byte mean a writer bug or a corrupted address. */
static void check_overlaps(struct checker *c)
{
	const struct owned_range *hold = NULL;
	bool dedupe = ie_image_super(c->img)->sb.feature_incompat &
		      EROFS_INCOMPAT_DEDUPE;
	size_t i;

	qsort(c->ranges, c->nranges, sizeof(*c->ranges), cmp_range);
	for (i = 0; i < c->nranges; i++) {
		const struct owned_range *r = &c->ranges[i];

		if (hold && r->start < hold->end &&
		    !(dedupe && r->data && hold->data) &&
		    !(r->shareable && hold->shareable))
			ie_report(c->rep, "%s: bytes %llu-%llu of the image also belong to %s",
				  owner_name(c, r->nid),
				  (unsigned long long)r->start,
				  (unsigned long long)(r->end < hold->end ?
						       r->end : hold->end) - 1,
				  owner_name(c, hold->nid));
		if (!hold || r->end > hold->end)
			hold = r;
	}
}

static void check_totals(struct checker *c)
{
	const struct ie_image_info *si = ie_image_super(c->img);

	check_link_counts(c);
	if (si->sb.inos != c->st.inodes)
		ie_report(c->rep, "superblock: inode count is %llu, the tree holds %llu",
			  (unsigned long long)si->sb.inos,
			  (unsigned long long)c->st.inodes);
	check_overlaps(c);
}

unsigned long ie_check(struct ie_image *img, struct ie_report *rep,
		       unsigned int flags, struct ie_check_stats *stats)
{
	const struct ie_walk_ops ops = {
		.visit = visit, .leave = leave, .problem = walk_problem,
	};
	const struct ie_image_info *si = ie_image_super(img);
	struct checker c = { .img = img, .rep = rep, .flags = flags };
	unsigned long before = rep->problems;
	int ret;

	ie_super_verify(img, rep);
	if (si->sb.build_time_nsec >= NSEC_PER_SEC)
		ie_report(rep, "superblock: build_time_nsec %u is not below 10^9 (the mtime nanoseconds of every compact inode)",
			  si->sb.build_time_nsec);
	add_range(&c, EROFS_SUPER_OFFSET, EROFS_SUPER_OFFSET + si->sb_size,
		  NO_NID, false, false);
	ret = ie_walk(img, "/", &ops, &c);
	if (ret == -ENOMEM)
		no_memory(&c);
	else if (ret < 0)
		ie_report(rep, "root: %s", ie_image_error(img));
	else if (!c.out_of_memory)
		check_totals(&c);
	if (stats)
		*stats = c.st;
	ie_map_free(&c.index);
	free(c.recs);
	free(c.paths);
	free(c.ranges);
	free(c.buf);
	return rep->problems - before;
}
