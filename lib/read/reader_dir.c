// SPDX-License-Identifier: GPL-2.0
/*
 * Directories: iterating the dirent blocks, looking up names, resolving
 * paths inside the image.
 *
 * A directory's data is a run of blocks, read through the same data path
 * as files (so any layout works). Each block starts with 12-byte dirents;
 * the first one's nameoff says how many there are; each name runs to the
 * next entry's nameoff, the last one to a NUL or the end of the block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/dirent.h"
#include "initerofs/reader.h"
#include "reader_internal.h"

#define DIRENT_SIZE	sizeof(struct erofs_dirent)
#define MAX_SYMLINKS	40
#define MAX_SYMLINK_LEN	IE_MAX_SYMLINK

static int bogus_block(struct ie_image *img, const struct ie_rinode *dir,
		       uint64_t block, const char *what)
{
	return ie_image_set_error(img, -EUCLEAN,
				  "directory inode %llu: block %llu: %s",
				  (unsigned long long)dir->nid,
				  (unsigned long long)block, what);
}

/* A block of b bytes holds at most b / 13 entries (12 + a 1-byte name). */
static size_t max_entries(uint32_t blksz)
{
	return blksz / (DIRENT_SIZE + 1);
}

/* Validate and emit the entries of one directory block of @size bytes. */
static int walk_block(struct ie_image *img, const struct ie_rinode *dir,
		      const uint8_t *blk, unsigned int size, uint64_t block,
		      struct ie_dirent_view *views, ie_dir_actor actor,
		      void *ctx)
{
	struct ie_error why;
	int n, i, ret;

	n = ie_dir_block_decode(blk, size, img->si.blksz, views,
				max_entries(img->si.blksz), &why);
	if (n < 0)
		return bogus_block(img, dir, block, why.msg);
	for (i = 0; i < n; i++) {
		struct ie_rdirent de = {
			.nid = views[i].nid,
			.file_type = views[i].file_type,
			.name = views[i].name,
			.name_len = views[i].namelen,
			.block = block,
			.index = (unsigned int)i,
		};

		ret = actor(ctx, &de);
		if (ret)
			return ret;
	}
	return 0;
}

int ie_dir_iterate(struct ie_image *img, const struct ie_rinode *dir,
		   ie_dir_actor actor, void *ctx)
{
	uint32_t bs = img->si.blksz;
	struct ie_dirent_view *views;
	struct ie_file *f;
	uint8_t *blk;
	uint64_t block;
	int ret = 0;

	if (!S_ISDIR(dir->mode))
		return ie_image_set_error(img, -ENOTDIR, "inode %llu: not a directory",
					  (unsigned long long)dir->nid);
	ret = ie_file_open(img, dir, &f);
	if (ret)
		return ret;
	blk = malloc(bs);
	views = calloc(max_entries(bs), sizeof(*views));
	if (!blk || !views) {
		ret = ie_image_set_error(img, -ENOMEM, "reader: out of memory");
		goto out;
	}
	for (block = 0; block * bs < dir->size; block++) {
		uint64_t left = dir->size - block * bs;
		unsigned int maxsize = left < bs ? (unsigned int)left : bs;
		ssize_t got = ie_file_read(f, blk, maxsize);

		if (got < 0) {
			ret = (int)got;
			break;
		}
		if ((size_t)got != maxsize) {
			ret = bogus_block(img, dir, block, "short read");
			break;
		}
		ret = walk_block(img, dir, blk, maxsize, block, views, actor,
				 ctx);
		if (ret)
			break;
	}
out:
	free(views);
	free(blk);
	ie_file_close(f);
	return ret;
}

struct lookup_ctx {
	const char *name;
	size_t len;
	uint64_t nid;
};

static int match_name(void *data, const struct ie_rdirent *de)
{
	struct lookup_ctx *lc = data;

	if (de->name_len != lc->len || memcmp(de->name, lc->name, lc->len))
		return 0;
	lc->nid = de->nid;
	return 1;
}

int ie_dir_find(struct ie_image *img, const struct ie_rinode *dir,
		  const char *name, size_t name_len, uint64_t *nid)
{
	struct lookup_ctx lc = { .name = name, .len = name_len };
	int ret = ie_dir_iterate(img, dir, match_name, &lc);

	if (ret < 0)
		return ret;
	if (!ret)
		return ie_image_set_error(img, -ENOENT, "'%.*s': no such file or directory",
					  (int)name_len, name);
	*nid = lc.nid;
	return 0;
}

/*
 * Path resolution keeps the directories it went through, so that ".." and
 * relative symlink targets work without trusting the image's ".." entries.
 */
struct walk {
	struct ie_image *img;
	struct ie_rinode *stack;	/* stack[0] is the root */
	size_t depth, cap;
	unsigned int links;
};

static int push_dir(struct walk *w, const struct ie_rinode *ino)
{
	if (ie_reserve((void **)&w->stack, &w->cap, w->depth + 1,
		       sizeof(*w->stack)))
		return ie_image_set_error(w->img, -ENOMEM, "reader: out of memory");
	w->stack[w->depth++] = *ino;
	return 0;
}

static int walk_path(struct walk *w, const char *path, bool follow_last,
		     struct ie_rinode *out);

static int follow_symlink(struct walk *w, const struct ie_rinode *link,
			  bool follow_last, struct ie_rinode *out)
{
	char *target;
	int ret;

	if (++w->links > MAX_SYMLINKS)
		return ie_image_set_error(w->img, -ELOOP, "too many levels of symbolic links");
	ret = ie_file_read_all(w->img, link, MAX_SYMLINK_LEN, &target);
	if (ret)
		return ret;
	if (target[0] == '/')
		w->depth = 1;
	ret = walk_path(w, target, follow_last, out);
	free(target);
	return ret;
}

/* Resolve one component inside the directory on top of the stack. */
static int step(struct walk *w, const char *name, size_t len, bool last,
		bool follow_last, struct ie_rinode *out)
{
	struct ie_rinode *dir = &w->stack[w->depth - 1];
	struct ie_rinode ino;
	uint64_t nid;
	int ret;

	if (len == 1 && name[0] == '.') {
		*out = *dir;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (w->depth > 1)
			w->depth--;
		*out = w->stack[w->depth - 1];
		return 0;
	}
	if (!S_ISDIR(dir->mode))
		return ie_image_set_error(w->img, -ENOTDIR, "'%.*s': parent is not a directory",
					  (int)len, name);
	ret = ie_dir_find(w->img, dir, name, len, &nid);
	if (!ret)
		ret = ie_inode_read(w->img, nid, &ino);
	if (ret)
		return ret;
	if (S_ISLNK(ino.mode) && (!last || follow_last)) {
		ret = follow_symlink(w, &ino, true, &ino);
		if (ret)
			return ret;
	}
	*out = ino;
	if (!last)
		return S_ISDIR(ino.mode) ? push_dir(w, &ino) :
			ie_image_set_error(w->img, -ENOTDIR, "'%.*s': not a directory",
					   (int)len, name);
	return 0;
}

static int walk_path(struct walk *w, const char *path, bool follow_last,
		     struct ie_rinode *out)
{
	const char *p = path;
	int ret;

	*out = w->stack[w->depth - 1];
	for (;;) {
		const char *end;
		size_t len;
		bool last;

		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		last = !p[len] || !p[len + strspn(p + len, "/")];
		ret = step(w, p, len, last, follow_last, out);
		if (ret)
			return ret;
		if (last)
			return 0;
		p += len;
	}
}

int ie_path_resolve(struct ie_image *img, const char *path, bool follow_last,
		    struct ie_rinode *ino)
{
	struct walk w = { .img = img };
	struct ie_rinode root;
	int ret;

	ret = ie_inode_read(img, img->si.sb.root_nid, &root);
	if (ret)
		return ret;
	if (!S_ISDIR(root.mode))
		return ie_image_set_error(img, -EUCLEAN, "root inode %llu is not a directory",
					  (unsigned long long)root.nid);
	ret = push_dir(&w, &root);
	if (!ret)
		ret = walk_path(&w, path, follow_last, ino);
	free(w.stack);
	return ret;
}
