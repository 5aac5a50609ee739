// SPDX-License-Identifier: GPL-2.0
/*
 * Writer, first phase: decide everything that does not depend on how well
 * file data compresses. Inodes are put in one fixed order (depth-first,
 * children sorted by name), which every later phase follows, so that the
 * image does not depend on the order the importer saw entries in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/dirent.h"
#include "initerofs/erofs_format.h"
#include "initerofs/inode.h"
#include "initerofs/superblock.h"
#include "initerofs/xattr.h"
#include "writer_internal.h"

#define MAX_DEV_MAJOR	0xfffu		/* what the 32-bit rdev field holds */
#define MAX_DEV_MINOR	0xfffffu

/* ---- ordering ------------------------------------------------------------ */

static int dentry_cmp(const void *a, const void *b)
{
	const struct ie_dentry *x = *(struct ie_dentry *const *)a;
	const struct ie_dentry *y = *(struct ie_dentry *const *)b;

	return ie_dirent_name_cmp(x->name, (unsigned int)strlen(x->name),
				  y->name, (unsigned int)strlen(y->name));
}

static int sort_children(struct writer *w, struct wnode *n)
{
	struct ie_inode *dir = n->inode;
	size_t i;

	n->nr_sorted = dir->nr_children;
	if (!n->nr_sorted)
		return 0;
	n->sorted = malloc(n->nr_sorted * sizeof(*n->sorted));
	if (!n->sorted)
		return wr_fail(w, -ENOMEM, "out of memory sorting a directory");
	for (i = 0; i < n->nr_sorted; i++)
		n->sorted[i] = &dir->children[i];
	qsort(n->sorted, n->nr_sorted, sizeof(*n->sorted), dentry_cmp);
	return 0;
}

/* Upper bound of the inodes reachable from the root: one per entry. */
static size_t count_entries(const struct ie_inode *dir)
{
	size_t count = 0, i;

	for (i = 0; i < dir->nr_children; i++) {
		const struct ie_inode *child = dir->children[i].inode;

		count++;
		if (S_ISDIR(child->mode) && child->parent == dir)
			count += count_entries(child);
	}
	return count;
}

/* The next node for @inode; NULL when it has one already or out of memory. */
static struct wnode *add_node(struct writer *w, struct ie_inode *inode,
			      int *ret)
{
	struct wnode *n = &w->nodes[w->nr_nodes];
	bool added;
	uint32_t *slot = ie_map_slot(&w->placed, ie_map_ptr_key(inode),
				     &added);

	*ret = slot ? 0 : wr_fail(w, -ENOMEM, "out of memory planning the image");
	if (!slot || !added)
		return NULL;
	n->inode = inode;
	n->ino = (uint32_t)++w->nr_nodes;
	*slot = n->ino;
	return n;
}

struct walk_frame {
	struct wnode *dir;
	size_t next;
};

/*
 * The path of the entry the walk is at ("/a/b"), for messages: the names
 * each frame is at, cut to @len bytes (a 2049-level path is long).
 */
static void frame_path(const struct walk_frame *stack, size_t depth,
		       char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < depth && o + 1 < len; i++) {
		const struct walk_frame *f = &stack[i];
		int n = snprintf(out + o, len - o, "/%s",
				 f->dir->sorted[f->next - 1]->name);

		if (n < 0 || (size_t)n >= len - o) {
			if (len > 4)
				memcpy(out + len - 4, "...", 4);
			return;
		}
		o += (size_t)n;
	}
}

/*
 * What the readers would refuse must not be written: a symlink target the
 * kernel cannot read, entries deeper than the walkers go.
 */
static int check_reachable(struct writer *w, const struct walk_frame *stack,
			   size_t depth, const struct ie_inode *child)
{
	size_t target = child->symlink ? strlen(child->symlink) : 0;
	char path[256];

	if (S_ISLNK(child->mode) && target > IE_MAX_SYMLINK) {
		frame_path(stack, depth, path, sizeof(path));
		return wr_fail(w, -ENAMETOOLONG,
			       "%s: symlink target of %zu bytes: the kernel reads at most %u",
			       path, target, IE_MAX_SYMLINK);
	}
	if (depth > IE_MAX_DEPTH) {
		frame_path(stack, depth, path, sizeof(path));
		return wr_fail(w, -ELOOP,
			       "%s: entry %zu levels deep: images are read at most %u levels deep",
			       path, depth, IE_MAX_DEPTH);
	}
	return 0;
}

/* Depth-first, children by name; hardlinked inodes at their first entry. */
static int collect_nodes(struct writer *w)
{
	struct walk_frame *stack;
	size_t depth = 0, cap = 64;
	int ret = 0;

	w->nodes = calloc(count_entries(w->tree->root) + 1, sizeof(*w->nodes));
	stack = malloc(cap * sizeof(*stack));
	if (!w->nodes || !stack) {
		free(stack);
		return wr_fail(w, -ENOMEM, "out of memory planning the image");
	}
	stack[depth].dir = add_node(w, w->tree->root, &ret);
	stack[depth++].next = 0;
	if (!ret)
		ret = sort_children(w, stack[0].dir);
	while (!ret && depth) {
		struct walk_frame *f = &stack[depth - 1];
		struct ie_inode *child;
		struct wnode *n;

		if (f->next == f->dir->nr_sorted) {
			depth--;
			continue;
		}
		child = f->dir->sorted[f->next++]->inode;
		ret = check_reachable(w, stack, depth, child);
		if (ret)
			break;
		n = add_node(w, child, &ret);
		if (ret)
			break;
		if (!n)
			continue;	/* another name of an inode already placed */
		if (!S_ISDIR(child->mode))
			continue;
		ret = sort_children(w, n);
		if (depth == cap) {
			struct walk_frame *bigger;

			cap *= 2;
			bigger = realloc(stack, cap * sizeof(*stack));
			if (!bigger) {
				ret = wr_fail(w, -ENOMEM, "out of memory walking the tree");
				break;
			}
			stack = bigger;
		}
		stack[depth].dir = n;
		stack[depth++].next = 0;
	}
	free(stack);
	return ret;
}

/* ---- attributes and timestamps ----------------------------------------- */

static void apply_attributes(struct writer *w)
{
	const struct ie_write_options *o = w->opts;
	size_t i;

	for (i = 0; i < w->nr_nodes; i++) {
		struct wnode *n = &w->nodes[i];
		struct ie_inode *inode = n->inode;

		n->uid = o->all_root ? 0 : inode->uid;
		n->gid = o->all_root ? 0 : inode->gid;
		n->mtime = inode->mtime;
		n->mtime_nsec = inode->mtime_nsec;
		if (o->force_mtime || (o->clamp_mtime && n->mtime > o->mtime)) {
			n->mtime = o->mtime;
			n->mtime_nsec = 0;
		}
	}
}

struct mtime_key {
	int64_t sec;
	uint32_t nsec;
};

static int mtime_cmp(const void *a, const void *b)
{
	const struct mtime_key *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->nsec < y->nsec ? -1 : x->nsec > y->nsec;
}

/*
 * Compact inodes carry no timestamp of their own: they all show the
 * superblock's build time. Choosing the most common mtime as build time
 * lets the largest number of inodes be compact. Ties go to the earliest.
 */
static int choose_build_time(struct writer *w)
{
	struct mtime_key *keys, best = { 0, 0 };
	size_t i, run = 0, best_run = 0;

	keys = malloc(w->nr_nodes * sizeof(*keys));
	if (!keys)
		return wr_fail(w, -ENOMEM, "out of memory choosing the build time");
	for (i = 0; i < w->nr_nodes; i++) {
		keys[i].sec = w->nodes[i].mtime;
		keys[i].nsec = w->nodes[i].mtime_nsec;
	}
	qsort(keys, w->nr_nodes, sizeof(*keys), mtime_cmp);
	for (i = 0; i < w->nr_nodes; i++) {
		run = i && !mtime_cmp(&keys[i], &keys[i - 1]) ? run + 1 : 1;
		if (run > best_run) {
			best_run = run;
			best = keys[i];
		}
	}
	free(keys);
	if (best.sec < 0)
		return wr_fail(w, -ERANGE, "timestamps before 1970 are not supported");
	w->build_time = (uint64_t)best.sec;
	w->build_time_nsec = best.nsec;
	return 0;
}

/* ---- xattrs -------------------------------------------------------------- */

/* A distinct name/value pair; pairs of one hash chain by @next. */
struct xattr_slot {
	const struct ie_xattr *xattr;
	size_t count;
	uint32_t shared_id;
	uint32_t next;			/* 1 + index in slots, 0 ends */
};

struct xattr_table {
	struct xattr_slot *slots;	/* room for every xattr of the tree */
	size_t nr;
	struct ie_map first;		/* hash -> 1 + index of its first */
};

static uint64_t xattr_hash(const struct ie_xattr *x)
{
	uint64_t h = ie_hash_bytes(IE_HASH_INIT, x->name, strlen(x->name));

	h = ie_hash_bytes(h, "\xff", 1);	/* no name is a prefix of another */
	return ie_map_hash_key(ie_hash_bytes(h, x->value, x->value_len));
}

static bool xattr_equal(const struct ie_xattr *a, const struct ie_xattr *b)
{
	return a->value_len == b->value_len && !strcmp(a->name, b->name) &&
	       !memcmp(a->value, b->value, a->value_len);
}

/* The slot of @x's name/value pair, added when new; NULL: out of memory. */
static struct xattr_slot *xattr_find(struct xattr_table *t,
				     const struct ie_xattr *x)
{
	bool added;
	uint32_t *first = ie_map_slot(&t->first, xattr_hash(x), &added);
	uint32_t i;

	if (!first)
		return NULL;
	for (i = *first; i; i = t->slots[i - 1].next)
		if (xattr_equal(t->slots[i - 1].xattr, x))
			return &t->slots[i - 1];
	t->slots[t->nr] = (struct xattr_slot){ .xattr = x, .next = *first };
	*first = (uint32_t)++t->nr;
	return &t->slots[t->nr - 1];
}

static int xattr_name_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct ie_xattr *const *)a)->name,
		      (*(const struct ie_xattr *const *)b)->name);
}

static int check_xattr(struct writer *w, const struct wnode *n,
		       const struct ie_xattr *x)
{
	const char *suffix;
	unsigned int index;

	if (ie_xattr_prefix_split(x->name, &index, &suffix))
		return wr_fail(w, -EOPNOTSUPP,
			       "inode %u: xattr '%s' has a prefix EROFS cannot store",
			       n->ino, x->name);
	if (strlen(suffix) > IE_XATTR_NAME_MAX ||
	    x->value_len > IE_XATTR_VALUE_MAX)
		return wr_fail(w, -E2BIG, "inode %u: xattr '%s' is too large",
			       n->ino, x->name);
	return 0;
}

/* Sort each inode's xattrs by name and count identical name/value pairs. */
static int count_xattrs(struct writer *w, struct xattr_table *t)
{
	size_t i, j;
	int ret;

	for (i = 0; i < w->nr_nodes; i++) {
		struct wnode *n = &w->nodes[i];
		struct ie_inode *inode = n->inode;

		if (!inode->nr_xattrs)
			continue;
		n->nr_xattrs = inode->nr_xattrs;
		n->xattrs = malloc(n->nr_xattrs * sizeof(*n->xattrs));
		n->shared_ids = malloc(n->nr_xattrs * sizeof(*n->shared_ids));
		if (!n->xattrs || !n->shared_ids)
			return wr_fail(w, -ENOMEM, "out of memory for xattrs");
		for (j = 0; j < n->nr_xattrs; j++) {
			struct xattr_slot *s;

			n->xattrs[j] = &inode->xattrs[j];
			ret = check_xattr(w, n, n->xattrs[j]);
			if (ret)
				return ret;
			s = xattr_find(t, n->xattrs[j]);
			if (!s)
				return wr_fail(w, -ENOMEM, "out of memory for xattrs");
			s->count++;
		}
		qsort(n->xattrs, n->nr_xattrs, sizeof(*n->xattrs),
		      xattr_name_cmp);
	}
	return 0;
}

static size_t xattr_encoded_size(const struct ie_xattr *x)
{
	const char *suffix;
	unsigned int index;

	ie_xattr_prefix_split(x->name, &index, &suffix);
	return ie_xattr_entry_size(strlen(suffix), x->value_len);
}

/*
 * A name/value pair on two or more inodes is stored once in the shared
 * area; ids are given in plan order of first use.
 */
static int share_xattrs(struct writer *w, struct xattr_table *t)
{
	size_t i, j;

	w->shared = malloc((t->nr ? t->nr : 1) * sizeof(*w->shared));
	if (!w->shared)
		return wr_fail(w, -ENOMEM, "out of memory for shared xattrs");
	for (i = 0; i < w->nr_nodes; i++) {
		struct wnode *n = &w->nodes[i];
		size_t bytes = 12;

		for (j = 0; j < n->nr_xattrs; j++) {
			struct xattr_slot *s = xattr_find(t, n->xattrs[j]);

			if (!s)
				return wr_fail(w, -ENOMEM, "out of memory for xattrs");
			if (s->count < 2) {
				n->shared_ids[j] = UINT32_MAX;
				bytes += xattr_encoded_size(n->xattrs[j]);
				continue;
			}
			if (!s->shared_id) {
				s->shared_id = w->shared_bytes / 4 + 1;
				w->shared[w->nr_shared].xattr = s->xattr;
				w->shared[w->nr_shared++].id = w->shared_bytes / 4;
				w->shared_bytes += xattr_encoded_size(s->xattr);
			}
			n->shared_ids[j] = s->shared_id - 1;
			bytes += 4;
		}
		if (n->nr_xattrs && bytes > 12 + 4 * 65534u)
			return wr_fail(w, -E2BIG, "inode %u: xattrs too large",
				       n->ino);
		n->xattr_size = n->nr_xattrs ? (uint32_t)bytes : 0;
	}
	w->stats.shared_xattrs = w->nr_shared;
	return 0;
}

static int plan_xattrs(struct writer *w)
{
	struct xattr_table t = { 0 };
	size_t total = 0, i;
	int ret;

	for (i = 0; i < w->nr_nodes; i++)
		total += w->nodes[i].inode->nr_xattrs;
	t.slots = calloc(total ? total : 1, sizeof(*t.slots));
	if (!t.slots)
		return wr_fail(w, -ENOMEM, "out of memory for xattrs");
	ret = count_xattrs(w, &t);
	if (!ret)
		ret = share_xattrs(w, &t);
	free(t.slots);
	ie_map_free(&t.first);
	return ret;
}

/* ---- forms and layouts --------------------------------------------------- */

bool wr_dir_next(struct wr_dir_iter *it, struct ie_dirent_in *e)
{
	static const char *const dots[2] = { ".", ".." };
	const struct wnode *n = it->dir;
	const struct ie_inode *target;

	if (it->dots < 2 && (it->child == n->nr_sorted ||
	    ie_dirent_name_cmp(dots[it->dots], (unsigned int)it->dots + 1,
			       n->sorted[it->child]->name,
			       (unsigned int)strlen(n->sorted[it->child]->name)) < 0)) {
		e->name = dots[it->dots];
		e->namelen = (unsigned int)it->dots + 1;
		target = it->dots++ ? n->inode->parent : n->inode;
	} else if (it->child < n->nr_sorted) {
		e->name = n->sorted[it->child]->name;
		e->namelen = (unsigned int)strlen(e->name);
		target = n->sorted[it->child++]->inode;
	} else {
		return false;
	}
	e->nid = wnode_of(it->w, target)->nid;
	e->file_type = ie_mode_to_ftype(target->mode);
	return true;
}

/* Same greedy packing as ie_dir_block_count(), without building entries. */
static uint64_t dir_size(const struct writer *w, const struct wnode *n)
{
	struct wr_dir_iter it = { .w = w, .dir = n };
	struct ie_dirent_in e;
	uint64_t size = 0;
	uint32_t used = 0;

	while (wr_dir_next(&it, &e)) {
		if (used + 12 + e.namelen > w->blksz) {
			size += w->blksz;
			used = 0;
		}
		used += 12 + e.namelen;
	}
	return size + used;
}

static int check_inode(struct writer *w, struct wnode *n)
{
	struct ie_inode *inode = n->inode;

	switch (inode->mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	case S_IFCHR:
	case S_IFBLK:
		if (inode->rdev_major > MAX_DEV_MAJOR ||
		    inode->rdev_minor > MAX_DEV_MINOR)
			return wr_fail(w, -ERANGE,
				       "inode %u: device %u:%u does not fit EROFS (major <= %u, minor <= %u)",
				       n->ino, inode->rdev_major, inode->rdev_minor,
				       MAX_DEV_MAJOR, MAX_DEV_MINOR);
		return 0;
	default:
		return wr_fail(w, -EINVAL, "inode %u: unknown file type 0%o",
			       n->ino, inode->mode & S_IFMT);
	}
}

/* Flat data: whole blocks, and the tail after the inode when it fits. */
static void plan_flat(struct writer *w, struct wnode *n, uint32_t room)
{
	uint32_t tail = (uint32_t)(n->size & (w->blksz - 1));

	n->tail_inline = tail && wnode_ibody(n) + tail <= room;
	n->tail_len = n->tail_inline ? tail : 0;
	n->layout = n->tail_inline ? EROFS_LAYOUT_FLAT_INLINE :
				     EROFS_LAYOUT_FLAT_PLAIN;
}

static void plan_form(struct writer *w, struct wnode *n)
{
	struct ie_disk_inode d = {
		.size = n->size, .nlink = n->inode->nlink,
		.uid = n->uid, .gid = n->gid,
		.mtime = (uint64_t)n->mtime, .mtime_nsec = n->mtime_nsec,
	};

	n->extended = n->mtime < 0 ||
		      !ie_inode_fits_compact(&d, w->build_time,
					     w->build_time_nsec);
	if (n->extended)
		w->stats.extended_inodes++;
}

static int plan_layouts(struct writer *w, uint32_t root_room)
{
	size_t i;
	int ret;

	for (i = 0; i < w->nr_nodes; i++) {
		struct wnode *n = &w->nodes[i];
		struct ie_inode *inode = n->inode;

		ret = check_inode(w, n);
		if (ret)
			return ret;
		n->blkaddr = EROFS_NULL_ADDR;
		n->layout = EROFS_LAYOUT_FLAT_PLAIN;
		if (S_ISREG(inode->mode))
			n->size = inode->size;
		else if (S_ISLNK(inode->mode))
			n->size = inode->symlink ? strlen(inode->symlink) : 0;
		else if (S_ISDIR(inode->mode))
			n->size = dir_size(w, n);
		plan_form(w, n);
		if (S_ISREG(inode->mode) && n->size > w->blksz &&
		    w->opts->compr.kind != IE_COMPR_NONE)
			n->compress = true;	/* decided once compressed */
		else if (S_ISLNK(inode->mode) && !n->size)
			n->layout = EROFS_LAYOUT_FLAT_INLINE;
		else if (S_ISREG(inode->mode) || S_ISLNK(inode->mode) ||
			 S_ISDIR(inode->mode))
			plan_flat(w, n, i ? w->blksz : root_room);
	}
	return 0;
}

/* ---- the head: superblock, compression records, room for the root ------ */

static uint32_t cfgs_bytes(const struct writer *w)
{
	return (w->big_pcluster || w->opts->compr.kind == IE_COMPR_LZMA) ?
	       16 : 0;
}

static void plan_head(struct writer *w)
{
	uint32_t sb_end = EROFS_SUPER_OFFSET + EROFS_SUPER_SIZE + cfgs_bytes(w);

	w->head_used = (sb_end + EROFS_ISLOT_SIZE - 1) & ~(EROFS_ISLOT_SIZE - 1);
	w->head_blocks = (sb_end + w->blksz - 1) >> w->blkszbits;
}

/*
 * Uncompressed data needs its full size in blocks; refuse up front what
 * cannot fit the format's 32-bit block numbers rather than after reading
 * terabytes. (Compressed data is checked as it is written.)
 */
static int check_capacity(struct writer *w)
{
	uint64_t blocks = w->data_blkaddr + w->nr_nodes;
	size_t i;

	if (w->opts->compr.kind != IE_COMPR_NONE)
		return 0;
	for (i = 0; i < w->nr_nodes; i++)
		blocks += wr_blocks_of(w, w->nodes[i].size);
	if (blocks > UINT32_MAX)
		return wr_fail(w, -EFBIG,
			       "the files need %llu blocks of %u bytes; EROFS addresses at most 2^32 blocks",
			       (unsigned long long)blocks, w->blksz);
	return 0;
}

int wr_plan(struct writer *w)
{
	uint32_t root_room;
	int ret;

	plan_head(w);
	root_room = w->head_blocks * w->blksz - w->head_used;
	ret = collect_nodes(w);
	if (ret)
		return ret;
	apply_attributes(w);
	ret = choose_build_time(w);
	if (!ret)
		ret = plan_xattrs(w);
	if (!ret)
		ret = plan_layouts(w, root_room);
	if (ret)
		return ret;
	if (wnode_ibody(&w->nodes[0]) + w->nodes[0].tail_len > root_room)
		return wr_fail(w, -E2BIG,
			       "the root directory's xattrs do not fit its block");
	w->xattr_blkaddr = w->shared_bytes ? w->head_blocks : 0;
	w->data_blkaddr = w->head_blocks +
			  (uint32_t)wr_blocks_of(w, w->shared_bytes);
	w->stats.inodes = w->nr_nodes;
	return check_capacity(w);
}

void wr_plan_free(struct writer *w)
{
	size_t i;

	for (i = 0; i < w->nr_nodes; i++) {
		struct wnode *n = &w->nodes[i];

		free(n->xattrs);
		free(n->shared_ids);
		free(n->ext);
		free(n->sorted);
	}
	ie_map_free(&w->placed);
	free(w->nodes);
	free(w->shared);
	w->nodes = NULL;
	w->shared = NULL;
}
