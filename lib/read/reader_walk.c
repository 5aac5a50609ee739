// SPDX-License-Identifier: GPL-2.0
/*
 * Walking an image's tree: what `ls -R`, `info`, `extract` and `check`
 * share. The image decides the shape of the tree, so the walk defends
 * itself: each directory is entered once (a second entry means a cycle or a
 * hard-linked directory), depth is capped, and names that could escape a
 * directory when extracted ("..", "a/b") are refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/inode.h"
#include "initerofs/reader.h"
#include "reader_internal.h"
#include "util/map.h"

#define MAX_DEPTH	IE_MAX_DEPTH

struct child {
	size_t name_off, name_len;	/* in the walk's name arena */
	uint64_t nid;
	unsigned int file_type;
};

struct children {
	struct child *v;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	unsigned int dots, dotdots;	/* "." and ".." entries seen */
};

struct walker {
	struct ie_image *img;
	uint64_t ancestors[MAX_DEPTH + 1];	/* nids of the open directories */
	const struct ie_walk_ops *ops;
	void *ctx;
	struct ie_map seen;
	char *path;
	size_t path_len, path_cap;
};

static void problem(struct walker *w, const char *msg)
{
	if (w->ops->problem)
		w->ops->problem(w->ctx, w->path_len ? w->path : "/", msg);
}

/* The root path is "/"; children are appended as "/name". */
static int push_name(struct walker *w, const char *name, size_t len)
{
	if (ie_reserve((void **)&w->path, &w->path_cap, w->path_len + len + 2, 1))
		return -ENOMEM;
	w->path[w->path_len++] = '/';
	memcpy(w->path + w->path_len, name, len);
	w->path_len += len;
	w->path[w->path_len] = '\0';
	return 0;
}

static const char *bad_name(const char *name, size_t len)
{
	if (memchr(name, '/', len))
		return "entry name contains '/'";
	if (memchr(name, '\0', len))
		return "entry name contains a NUL byte";
	return NULL;
}

static int collect(void *data, const struct ie_rdirent *de)
{
	struct children *c = data;
	struct child *ch;

	if (de->name_len == 1 && de->name[0] == '.') {
		c->dots++;
		return 0;
	}
	if (de->name_len == 2 && !memcmp(de->name, "..", 2)) {
		c->dotdots++;
		return 0;
	}
	if (ie_reserve((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)) ||
	    ie_reserve((void **)&c->names, &c->names_cap,
		    c->names_len + de->name_len + 1, 1))
		return -ENOMEM;
	ch = &c->v[c->n++];
	ch->name_off = c->names_len;
	ch->name_len = de->name_len;
	ch->nid = de->nid;
	ch->file_type = de->file_type;
	memcpy(c->names + c->names_len, de->name, de->name_len);
	c->names_len += de->name_len;
	c->names[c->names_len++] = '\0';
	return 0;
}

static int walk_dir(struct walker *w, const struct ie_walk_entry *dir);

static bool is_ancestor(const struct walker *w, unsigned int depth,
			uint64_t nid)
{
	unsigned int i;

	for (i = 0; i <= depth; i++)
		if (w->ancestors[i] == nid)
			return true;
	return false;
}

/* Read, visit and (for a directory) descend into one child. */
static int walk_child(struct walker *w, const struct ie_walk_entry *dir,
		      const struct child *ch, const char *name,
		      unsigned long *nr_subdirs)
{
	struct ie_rinode ino;
	struct ie_walk_entry e;
	const char *why = bad_name(name, ch->name_len);
	uint32_t *slot;
	bool added;
	int ret;

	/* Entries may be 2048 levels deep, no deeper (the writer's limit). */
	if (dir->depth >= MAX_DEPTH)
		why = "entry deeper than 2048 levels: skipped";
	if (why) {
		problem(w, why);
		return 0;
	}
	if (ie_inode_read(w->img, ch->nid, &ino)) {
		problem(w, ie_image_error(w->img));
		return 0;
	}
	slot = ie_map_slot(&w->seen, ch->nid, &added);
	if (!slot)
		return -ENOMEM;
	if (S_ISDIR(ino.mode)) {
		if (!added && is_ancestor(w, dir->depth, ch->nid)) {
			problem(w, "directory cycle: this entry leads back to a directory above it");
			return 0;
		}
		if (!added) {
			problem(w, "directory reached a second time (a hard-linked directory)");
			return 0;
		}
		++*nr_subdirs;
	}
	e = (struct ie_walk_entry){
		.path = w->path, .name = name, .ino = &ino,
		.parent_nid = dir->ino->nid, .file_type = ch->file_type,
		.depth = dir->depth + 1, .first = added,
	};
	ret = w->ops->visit(w->ctx, &e);
	if (ret < 0 || ret == IE_WALK_SKIP || !S_ISDIR(ino.mode))
		return ret < 0 ? ret : 0;
	return walk_dir(w, &e);
}

static int walk_dir(struct walker *w, const struct ie_walk_entry *dir)
{
	struct children c = { 0 };
	unsigned long nr_subdirs = 0;
	size_t i, saved = w->path_len;
	int ret;

	w->ancestors[dir->depth] = dir->ino->nid;
	ret = ie_dir_iterate(w->img, dir->ino, collect, &c);
	if (ret == -ENOMEM)
		goto out;
	if (ret)
		problem(w, ie_image_error(w->img));
	/* Extra "." or ".." entries stand for children we cannot name. */
	if (c.dots > 1 || c.dotdots > 1)
		problem(w, "more than one \".\" or \"..\" entry: those entries are skipped");
	ret = 0;
	for (i = 0; i < c.n && ret >= 0; i++) {
		const char *name = c.names + c.v[i].name_off;

		ret = push_name(w, name, c.v[i].name_len);
		if (!ret)
			ret = walk_child(w, dir, &c.v[i], name, &nr_subdirs);
		w->path_len = saved;
		w->path[saved] = '\0';
	}
	if (ret >= 0 && w->ops->leave) {
		/*
		 * dir->path pointed into w->path, which pushing a child's
		 * name may have moved: hand out the buffer as it is now,
		 * holding this directory's path again.
		 */
		struct ie_walk_entry here = *dir;

		if (saved)
			here.path = w->path;
		ret = w->ops->leave(w->ctx, &here, nr_subdirs);
	}
out:
	free(c.v);
	free(c.names);
	return ret;
}

int ie_walk(struct ie_image *img, const char *path,
	    const struct ie_walk_ops *ops, void *ctx)
{
	struct ie_walk_entry e;
	struct ie_rinode ino;
	struct walker *w;
	bool added;
	int ret;

	ret = ie_path_resolve(img, path, true, &ino);
	if (ret)
		return ret;
	/* The ancestor table is large: keep it off the stack. */
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct walker){ .img = img, .ops = ops, .ctx = ctx };
	if (!ie_map_slot(&w->seen, ino.nid, &added) ||
	    ie_reserve((void **)&w->path, &w->path_cap, 2, 1)) {
		ret = -ENOMEM;
		goto out;
	}
	w->path[0] = '\0';
	e = (struct ie_walk_entry){
		.path = "/", .name = "", .ino = &ino, .parent_nid = ino.nid,
		.file_type = ie_mode_to_ftype(ino.mode), .first = true,
	};
	ret = ops->visit(ctx, &e);
	if (ret >= 0 && ret != IE_WALK_SKIP && S_ISDIR(ino.mode))
		ret = walk_dir(w, &e);
	if (ret > 0)
		ret = 0;
out:
	ie_map_free(&w->seen);
	free(w->path);
	free(w);
	return ret;
}
