// SPDX-License-Identifier: GPL-2.0
/*
 * Writer, third phase: metadata.
 *
 * Each inode's record (inode, inline xattrs, then its compressed index or
 * its inline tail) is packed into metadata blocks. Records that share a
 * block must not cross it (the kernel reads an inline tail from the inode's
 * block), so packing is a bin-packing problem: records are placed largest
 * first, each into the fullest block that still has room ("best fit
 * decreasing"), which wastes little space and is deterministic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initerofs/dirent.h"
#include "initerofs/erofs_format.h"
#include "initerofs/inode.h"
#include "initerofs/io.h"
#include "initerofs/superblock.h"
#include "initerofs/xattr.h"
#include "util/array.h"
#include "writer_internal.h"

/* ---- record sizes and placement ----------------------------------------- */

static uint32_t record_size(const struct writer *w, const struct wnode *n)
{
	uint64_t ibody = wnode_ibody(n), size = ibody;

	if (n->layout == EROFS_LAYOUT_COMPRESSED_COMPACT) {
		uint64_t hpos = ie_zmap_header_pos(ibody);

		size = hpos + 8 + ie_zmap_compact_size(n->size, w->blkszbits, hpos);
	} else if (n->layout == EROFS_LAYOUT_FLAT_INLINE) {
		size += n->tail_len;
	}
	return (uint32_t)((size + EROFS_ISLOT_SIZE - 1) & ~(EROFS_ISLOT_SIZE - 1));
}

/* Blocks with free room, by free 32-byte slots; each holds next-free offsets. */
struct free_space {
	uint64_t **stacks;
	size_t *count, *cap;
	size_t nr;			/* slots per block */
};

static int free_push(struct free_space *fs, uint64_t pos, uint32_t blksz)
{
	size_t slots = (blksz - (pos & (blksz - 1))) / EROFS_ISLOT_SIZE;

	if (!(pos & (blksz - 1)) || !slots)
		return 0;	/* block full */
	if (ie_reserve((void **)&fs->stacks[slots], &fs->cap[slots],
		       fs->count[slots] + 1, sizeof(*fs->stacks[slots])))
		return -ENOMEM;
	fs->stacks[slots][fs->count[slots]++] = pos;
	return 0;
}

/* Take the block with the least room that still holds @slots slots. */
static bool free_take(struct free_space *fs, size_t slots, uint64_t *pos)
{
	size_t s;

	for (s = slots; s < fs->nr; s++) {
		if (fs->count[s]) {
			*pos = fs->stacks[s][--fs->count[s]];
			return true;
		}
	}
	return false;
}

static void free_space_release(struct free_space *fs)
{
	size_t i;

	for (i = 0; i < fs->nr && fs->stacks; i++)
		free(fs->stacks[i]);
	free(fs->stacks);
	free(fs->count);
	free(fs->cap);
}

static int place_record(struct writer *w, struct free_space *fs,
			struct wnode *n)
{
	size_t slots = n->rec_size / EROFS_ISLOT_SIZE;
	uint64_t pos;

	if (n->rec_size <= w->blksz && free_take(fs, slots, &pos)) {
		n->pos = pos;
	} else {
		uint64_t blocks = wr_blocks_of(w, n->rec_size);

		if (blocks > UINT32_MAX - w->meta_end)
			return wr_fail(w, -EFBIG, "image would exceed 2^32 blocks");
		n->pos = (uint64_t)w->meta_end << w->blkszbits;
		w->meta_end += (uint32_t)blocks;
	}
	n->nid = n->pos / EROFS_ISLOT_SIZE;
	if (free_push(fs, n->pos + n->rec_size, w->blksz))
		return wr_fail(w, -ENOMEM, "out of memory packing metadata");
	return 0;
}

static int by_size_desc(const void *a, const void *b)
{
	const struct wnode *x = *(struct wnode *const *)a;
	const struct wnode *y = *(struct wnode *const *)b;

	if (x->rec_size != y->rec_size)
		return x->rec_size > y->rec_size ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int place_records(struct writer *w)
{
	struct free_space fs = { .nr = w->blksz / EROFS_ISLOT_SIZE };
	struct wnode **order;
	size_t i;
	int ret = 0;

	for (i = 0; i < w->nr_nodes; i++)
		w->nodes[i].rec_size = record_size(w, &w->nodes[i]);
	order = malloc(w->nr_nodes * sizeof(*order));
	fs.stacks = calloc(fs.nr, sizeof(*fs.stacks));
	fs.count = calloc(fs.nr, sizeof(*fs.count));
	fs.cap = calloc(fs.nr, sizeof(*fs.cap));
	if (!order || !fs.stacks || !fs.count || !fs.cap) {
		ret = wr_fail(w, -ENOMEM, "out of memory packing metadata");
		goto out;
	}
	/* The root's nid must fit 16 bits: it goes right after the superblock. */
	w->nodes[0].pos = w->head_used;
	w->nodes[0].nid = w->head_used / EROFS_ISLOT_SIZE;
	ret = free_push(&fs, w->head_used + w->nodes[0].rec_size, w->blksz) ?
	      wr_fail(w, -ENOMEM, "out of memory packing metadata") : 0;
	for (i = 1; i < w->nr_nodes; i++)
		order[i - 1] = &w->nodes[i];
	qsort(order, w->nr_nodes - 1, sizeof(*order), by_size_desc);
	w->meta_end = w->data_end;
	for (i = 0; !ret && i + 1 < w->nr_nodes; i++)
		ret = place_record(w, &fs, order[i]);
out:
	free_space_release(&fs);
	free(order);
	return ret;
}

/*
 * erofs-utils 1.5 reads a 12-byte xattr header after every inode, xattrs
 * or not; an inode in the image's last bytes would make its fsck fail.
 * The kernel does not care, but one zero block keeps both readers happy.
 */
static int pad_after_last_inode(struct writer *w)
{
	uint64_t end = (uint64_t)w->total_blocks << w->blkszbits;
	size_t i;

	for (i = 0; i < w->nr_nodes; i++)
		if (w->nodes[i].pos + wnode_ibody(&w->nodes[i]) + 12 > end)
			break;
	if (i == w->nr_nodes)
		return 0;
	if (w->total_blocks == UINT32_MAX)
		return wr_fail(w, -EFBIG, "image would exceed 2^32 blocks");
	w->total_blocks++;
	return 0;
}

/* Directories' full blocks go after the metadata, in plan order. */
static int place_dir_blocks(struct writer *w)
{
	uint64_t next = w->meta_end;
	size_t i;

	for (i = 0; i < w->nr_nodes; i++) {
		struct wnode *n = &w->nodes[i];
		uint64_t blocks;

		if (!S_ISDIR(n->inode->mode))
			continue;
		blocks = n->layout == EROFS_LAYOUT_FLAT_INLINE ?
			 n->size >> w->blkszbits : wr_blocks_of(w, n->size);
		n->blocks = (uint32_t)blocks;
		n->blkaddr = blocks ? (uint32_t)next : EROFS_NULL_ADDR;
		next += blocks;
		if (next > UINT32_MAX)
			return wr_fail(w, -EFBIG, "image would exceed 2^32 blocks");
	}
	w->total_blocks = (uint32_t)next;
	return pad_after_last_inode(w);
}

/* ---- emitting records ---------------------------------------------------- */

/* Write metadata bytes at image offset @pos (the head is kept in memory). */
static int put_meta(struct writer *w, const void *buf, size_t len,
		    uint64_t pos)
{
	uint64_t head = (uint64_t)w->head_blocks << w->blkszbits;

	wr_hash(w, buf, len);
	if (pos + len <= head) {
		memcpy(w->head + pos, buf, len);
		return 0;
	}
	return wr_pwrite(w, buf, len, pos);
}

static uint32_t inode_iu(const struct wnode *n)
{
	const struct ie_inode *inode = n->inode;

	if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode))
		return ie_encode_dev(inode->rdev_major, inode->rdev_minor);
	if (n->layout == EROFS_LAYOUT_COMPRESSED_COMPACT)
		return n->blocks;
	if (S_ISFIFO(inode->mode) || S_ISSOCK(inode->mode))
		return 0;
	return n->blkaddr;
}

static size_t encode_inode(const struct writer *w, const struct wnode *n,
			   uint8_t *out)
{
	struct ie_disk_inode d = {
		.extended = n->extended,
		.datalayout = n->layout,
		.xattr_icount = (uint16_t)ie_xattr_icount(n->xattr_size),
		.mode = (uint16_t)(n->inode->mode & (S_IFMT | 07777)),
		.nlink = n->inode->nlink,
		.size = n->size,
		.i_u = inode_iu(n),
		.ino = n->ino,
		.uid = n->uid,
		.gid = n->gid,
		.mtime = n->extended ? (uint64_t)n->mtime : w->build_time,
		.mtime_nsec = n->extended ? n->mtime_nsec : w->build_time_nsec,
	};

	return ie_inode_encode(&d, out);
}

static size_t encode_one_xattr(const struct ie_xattr *x, uint8_t *out)
{
	const char *suffix;
	unsigned int index;

	ie_xattr_prefix_split(x->name, &index, &suffix);
	return ie_xattr_entry_encode(index, suffix, strlen(suffix), x->value,
				     x->value_len, out);
}

static size_t encode_xattrs(const struct wnode *n, uint8_t *out)
{
	unsigned int shared = 0;
	size_t pos = 12, i;

	if (!n->nr_xattrs)
		return 0;
	for (i = 0; i < n->nr_xattrs; i++) {
		if (n->shared_ids[i] == UINT32_MAX)
			continue;
		ie_put_le32(out + pos, n->shared_ids[i]);
		pos += 4;
		shared++;
	}
	ie_xattr_ibody_header_encode(out, shared);
	for (i = 0; i < n->nr_xattrs; i++)
		if (n->shared_ids[i] == UINT32_MAX)
			pos += encode_one_xattr(n->xattrs[i], out + pos);
	return pos;
}

static int read_tail(struct writer *w, const struct wnode *n, uint8_t *out)
{
	int ret = ie_pread_full(n->tail_fd, out, n->tail_len, n->tail_off);

	if (ret)
		return wr_fail(w, ret, "cannot read the tail spool: %s",
			       strerror(-ret));
	return 0;
}

/*
 * Encode a directory's blocks; full ones are written at the directory's
 * blocks, the last one goes to @tail when it is inline.
 */
static int write_dir(struct writer *w, const struct wnode *n, uint8_t *tail)
{
	struct wr_dir_iter it = { .w = w, .dir = n };
	struct ie_dirent_in *ents;
	uint8_t *block;
	size_t nr = 0, done = 0, blk = 0;
	int ret = 0;

	ents = malloc((n->nr_sorted + 2) * sizeof(*ents));
	block = malloc(w->blksz);
	if (!ents || !block) {
		ret = wr_fail(w, -ENOMEM, "out of memory writing a directory");
		goto out;
	}
	while (wr_dir_next(&it, &ents[nr]))
		nr++;
	while (!ret && done < nr) {
		size_t used, count = ie_dir_block_count(ents + done, nr - done,
							w->blksz, &used);

		ie_dir_block_encode(ents + done, count, block, w->blksz);
		done += count;
		if (done == nr && n->layout == EROFS_LAYOUT_FLAT_INLINE) {
			memcpy(tail, block, used);
			wr_hash(w, block, used);
			break;
		}
		ret = put_meta(w, block, w->blksz,
			       ((uint64_t)n->blkaddr + blk++) << w->blkszbits);
	}
out:
	free(ents);
	free(block);
	return ret;
}

static int encode_index(struct writer *w, const struct wnode *n, uint8_t *rec,
			size_t ibody)
{
	uint64_t hpos = ie_zmap_header_pos(n->pos + ibody);
	int ret;

	ret = ie_zmap_compact_encode(n->ext, n->nr_ext, n->size, w->blkszbits,
				     n->blkaddr, w->big_pcluster,
				     ie_compr_disk_algorithm(w->opts->compr.kind),
				     hpos, rec + (hpos - n->pos));
	if (ret)
		return wr_fail(w, ret, "inode %u: cannot index its clusters", n->ino);
	return 0;
}

static int write_record(struct writer *w, const struct wnode *n, uint8_t *rec)
{
	size_t ibody;
	int ret = 0;

	memset(rec, 0, n->rec_size);
	ibody = encode_inode(w, n, rec);
	ibody += encode_xattrs(n, rec + ibody);
	if (n->layout == EROFS_LAYOUT_COMPRESSED_COMPACT)
		ret = encode_index(w, n, rec, ibody);
	else if (S_ISDIR(n->inode->mode))
		ret = write_dir(w, n, rec + ibody);
	else if (n->layout == EROFS_LAYOUT_FLAT_INLINE && n->tail_len)
		ret = read_tail(w, n, rec + ibody);
	if (ret)
		return ret;
	return put_meta(w, rec, n->rec_size, n->pos);
}

static int write_records(struct writer *w)
{
	uint32_t biggest = w->blksz;
	uint8_t *rec;
	size_t i;
	int ret = 0;

	for (i = 0; i < w->nr_nodes; i++)
		if (w->nodes[i].rec_size > biggest)
			biggest = w->nodes[i].rec_size;
	rec = malloc(biggest);
	if (!rec)
		return wr_fail(w, -ENOMEM, "out of memory writing metadata");
	for (i = 0; i < w->nr_nodes && !ret; i++)
		ret = write_record(w, &w->nodes[i], rec);
	free(rec);
	return ret;
}

static int write_shared_xattrs(struct writer *w)
{
	uint8_t *buf;
	size_t pos = 0, i;
	int ret;

	if (!w->shared_bytes)
		return 0;
	buf = calloc(1, w->shared_bytes);
	if (!buf)
		return wr_fail(w, -ENOMEM, "out of memory for shared xattrs");
	for (i = 0; i < w->nr_shared; i++)
		pos += encode_one_xattr(w->shared[i].xattr, buf + pos);
	ret = put_meta(w, buf, w->shared_bytes,
		       (uint64_t)w->xattr_blkaddr << w->blkszbits);
	free(buf);
	return ret;
}

/* Zero what dropped data blocks left between the data and the metadata. */
static int clear_dirty(struct writer *w)
{
	uint64_t start = (uint64_t)w->data_end << w->blkszbits;
	uint8_t *zero;
	int ret = 0;

	if (w->dirty_end <= start)
		return 0;
	zero = calloc(1, (size_t)(w->dirty_end - start));
	if (!zero)
		return wr_fail(w, -ENOMEM, "out of memory");
	ret = wr_pwrite(w, zero, (size_t)(w->dirty_end - start), start);
	free(zero);
	return ret;
}

/* ---- superblock ----------------------------------------------------------- */

/* A UUID from the metadata hash: identical inputs give identical images. */
static void derive_uuid(const struct writer *w, uint8_t uuid[16])
{
	ie_put_le64(uuid, w->hash[0]);
	ie_put_le64(uuid + 8, w->hash[1]);
	uuid[6] = (uuid[6] & 0x0f) | 0x40;	/* version 4 layout */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
}

static void fill_super(const struct writer *w, struct ie_super_info *sb)
{
	const struct ie_write_options *o = w->opts;

	memset(sb, 0, sizeof(*sb));
	sb->blkszbits = w->blkszbits;
	sb->feature_compat = EROFS_COMPAT_SB_CHKSUM | EROFS_COMPAT_MTIME;
	sb->feature_incompat = EROFS_INCOMPAT_ZERO_PADDING;
	if (w->big_pcluster || o->compr.kind == IE_COMPR_LZMA) {
		sb->feature_incompat |= EROFS_INCOMPAT_COMPR_CFGS;
		sb->available_compr_algs =
			1u << ie_compr_disk_algorithm(o->compr.kind);
		sb->lz4_max_pclusterblks = (uint16_t)(w->pclustersize >> w->blkszbits);
		sb->lzma_dict_size = ie_compr_lzma_dict_size(w->pclustersize);
	}
	sb->root_nid = (uint16_t)w->nodes[0].nid;
	sb->inos = w->nr_nodes;
	sb->build_time = w->build_time;
	sb->build_time_nsec = w->build_time_nsec;
	sb->blocks = w->total_blocks;
	sb->meta_blkaddr = 0;
	sb->xattr_blkaddr = w->xattr_blkaddr;
	memcpy(sb->volume_name, o->label, sizeof(o->label));
	sb->volume_name[15] = '\0';
}

static int write_super(struct writer *w)
{
	struct ie_super_info sb;
	uint8_t *sbpos = w->head + EROFS_SUPER_OFFSET;
	int ret;

	fill_super(w, &sb);
	ret = ie_super_encode(&sb, sbpos, w->head_used - EROFS_SUPER_OFFSET);
	if (ret < 0)
		return wr_fail(w, ret, "superblock does not fit");
	wr_hash(w, sbpos, EROFS_SUPER_SIZE);
	if (w->opts->have_uuid)
		memcpy(sbpos + 48, w->opts->uuid, 16);
	else
		derive_uuid(w, sbpos + 48);
	ie_super_set_checksum(w->head, w->blkszbits);
	return wr_pwrite(w, w->head, (size_t)w->head_blocks << w->blkszbits, 0);
}

int wr_write_meta(struct writer *w)
{
	int ret;

	ret = clear_dirty(w);
	if (!ret)
		ret = place_records(w);
	if (!ret)
		ret = place_dir_blocks(w);
	if (ret)
		return ret;
	w->head = calloc(w->head_blocks, w->blksz);
	if (!w->head)
		return wr_fail(w, -ENOMEM, "out of memory");
	ret = write_shared_xattrs(w);
	if (!ret)
		ret = write_records(w);
	if (!ret)
		ret = write_super(w);
	if (!ret && ftruncate(w->fd, (off_t)(w->base +
			((uint64_t)w->total_blocks << w->blkszbits))))
		ret = wr_fail(w, -errno, "cannot size the image: %s",
			      strerror(errno));
	w->stats.image_bytes = (uint64_t)w->total_blocks << w->blkszbits;
	return ret;
}
