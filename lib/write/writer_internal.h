/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared state of the writer's phases:
 *
 *   write_plan.c   order inodes, choose timestamps, forms and layouts,
 *                  share xattrs, size directories
 *   write_data.c   stream file data through the compression threads into
 *                  the data area, in plan order
 *   write_meta.c   pack inode records into metadata blocks, write them,
 *                  the directories, the shared xattrs and the superblock
 *
 * Image layout (block numbers relative to the image start):
 *
 *   [superblock block: superblock, root inode, small inode records]
 *   [shared xattrs][file data][inode records][directory blocks]
 *
 * meta_blkaddr is 0, so a nid is simply the byte offset of the inode / 32,
 * and the root (whose nid must fit 16 bits) lives in the first block.
 */
#ifndef INITEROFS_WRITER_INTERNAL_H
#define INITEROFS_WRITER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initerofs/error.h"
#include "initerofs/tree.h"
#include "initerofs/writer.h"
#include "initerofs/zmap.h"
#include "util/map.h"

/* One shared xattr: an entry stored once, referenced by id. */
struct wxattr_shared {
	const struct ie_xattr *xattr;	/* first inode's copy */
	uint32_t id;			/* offset in the shared area / 4 */
};

/* Writer state of one inode (found through writer.placed). */
struct wnode {
	struct ie_inode *inode;
	uint32_t ino;			/* 32-bit number, in plan order */
	uint64_t nid;			/* where its record went */
	uint32_t uid, gid;		/* after --all-root */
	int64_t mtime;			/* after -T / SOURCE_DATE_EPOCH */
	uint32_t mtime_nsec;
	bool extended;
	unsigned int layout;		/* EROFS_LAYOUT_* */
	uint64_t size;			/* i_size */

	/* xattrs: sorted, shared ones by id, the rest inline */
	const struct ie_xattr **xattrs;
	uint32_t *shared_ids;		/* id or UINT32_MAX for inline, per xattr */
	size_t nr_xattrs;
	uint32_t xattr_size;		/* inline area bytes, 0 without xattrs */

	/* data */
	bool compress;			/* candidate for compression */
	bool tail_inline;		/* flat: last partial block after inode */
	uint32_t blkaddr;		/* first data block or EROFS_NULL_ADDR */
	uint32_t blocks;		/* data blocks (compressed: pclusters) */
	uint32_t tail_len;
	int tail_fd;			/* the tail spool, or the caller's fd */
	uint64_t tail_off;		/* in tail_fd */
	struct ie_zextent *ext;		/* compressed: extents */
	size_t nr_ext, ext_cap;

	/* directories: children sorted by name */
	struct ie_dentry **sorted;
	size_t nr_sorted;

	/* metadata placement */
	uint64_t pos;			/* byte offset of the inode in the image */
	uint32_t rec_size;		/* inode + xattrs + index or tail */
};

struct writer {
	const struct ie_write_options *opts;
	struct ie_tree *tree;
	int fd;
	uint64_t base;			/* image start in @fd */
	unsigned int blkszbits;
	uint32_t blksz;
	uint32_t pclustersize;
	bool big_pcluster;

	struct wnode *nodes;		/* plan order; nodes[0] is the root */

	struct ie_map placed;		/* inode -> 1 + index in nodes */
	size_t nr_nodes;

	uint64_t build_time;
	uint32_t build_time_nsec;

	struct wxattr_shared *shared;	/* in id order */
	size_t nr_shared;
	uint32_t shared_bytes;
	uint32_t xattr_blkaddr;

	uint32_t head_blocks;		/* blocks before the shared xattrs */
	uint32_t head_used;		/* superblock block bytes in use */
	uint32_t data_blkaddr;		/* first data block */
	uint32_t data_end;		/* first block after file data */
	uint64_t dirty_end;		/* bytes written past data_end */
	int spool_fd;			/* inline tails, in plan order */
	uint64_t spool_size;

	uint32_t meta_end;		/* first block after inode records */
	uint32_t total_blocks;
	uint8_t *head;			/* the superblock block(s) */

	uint64_t hash[2];		/* of the metadata, for the default UUID */
	struct ie_write_stats stats;
	struct ie_error *err;		/* the caller's, or none */
	struct ie_error none;
};

/* Record the first failure in the caller's error record, return @code. */
__attribute__((format(printf, 3, 4)))
int wr_fail(struct writer *w, int code, const char *fmt, ...);

/* pwrite() all of @buf at image offset @off. Return: 0 or -errno. */
int wr_pwrite(struct writer *w, const void *buf, size_t len, uint64_t off);

/*
 * The writer's side table: the node of an inode of the tree (every inode
 * reachable from the root has one once the plan is made).
 */
static inline struct wnode *wnode_of(const struct writer *w,
				     const struct ie_inode *inode)
{
	uint32_t *slot = ie_map_find(&w->placed, ie_map_ptr_key(inode));

	return &w->nodes[*slot - 1];
}

static inline uint64_t wr_blocks_of(const struct writer *w, uint64_t bytes)
{
	return (bytes + w->blksz - 1) >> w->blkszbits;
}

/* Bytes of the inode and its inline xattrs. */
static inline uint32_t wnode_ibody(const struct wnode *n)
{
	return (n->extended ? 64 : 32) + n->xattr_size;
}

/* Entries of a directory in on-disk order: "." and ".." among the names. */
struct wr_dir_iter {
	const struct writer *w;
	const struct wnode *dir;
	size_t child;
	unsigned int dots;
};

struct ie_dirent_in;
bool wr_dir_next(struct wr_dir_iter *it, struct ie_dirent_in *e);

int wr_plan(struct writer *w);
void wr_plan_free(struct writer *w);
int wr_write_data(struct writer *w);
int wr_write_meta(struct writer *w);

/* Metadata hash feeding the default UUID. */
void wr_hash(struct writer *w, const void *buf, size_t len);

#endif /* INITEROFS_WRITER_INTERNAL_H */
