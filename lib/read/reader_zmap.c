// SPDX-License-Identifier: GPL-2.0
/*
 * Compressed files for the reader: their extents in file order.
 *
 * The records are decoded by the one lcluster decoder (zmap.c, the
 * kernel's rules). What is the reader's own is the walk: we go through the
 * records in order, while the kernel reads at random offsets and walks
 * *backwards* with delta[0] and forwards with delta[1]. So those deltas are
 * checked here against the walk: an image whose deltas lie reads fine
 * sequentially but returns wrong bytes to the kernel.
 */
#include <errno.h>
#include <stdlib.h>

#include "initerofs/reader.h"
#include "initerofs/zmap.h"
#include "reader_internal.h"

struct ie_zmap {
	struct ie_image *img;
	struct ie_rinode ino;
	struct ie_zinode zi;
	struct ie_zlcluster head;	/* head of the next extent */
	bool have_head;
	uint64_t meta_end;		/* end of the index bytes read so far */
	struct ie_error err;		/* the decoder's reason */
};

/* Report what the decoder found, naming the inode. */
static int zfail(struct ie_zmap *z, int ret)
{
	return ie_image_set_error(z->img, ret, "inode %llu: %s",
				  (unsigned long long)z->ino.nid, z->err.msg);
}

static int zerr(struct ie_zmap *z, uint64_t lcn, const char *what)
{
	return ie_image_set_error(z->img, -EUCLEAN,
				  "inode %llu: lcluster %llu: %s",
				  (unsigned long long)z->ino.nid,
				  (unsigned long long)lcn, what);
}

static int load_lcluster(struct ie_zmap *z, uint64_t lcn,
			 struct ie_zlcluster *m)
{
	int ret = ie_zmap_load_lcluster(&z->zi, lcn, m, &z->err);

	if (ret)
		return zfail(z, ret);
	if (m->nextpackoff > z->meta_end)
		z->meta_end = m->nextpackoff;
	return 0;
}

/* The map header sits after the inode; the index runs to the image end. */
static int init_zinode(struct ie_zmap *z)
{
	const struct ie_image_info *si = ie_image_super(z->img);
	uint64_t pos = z_erofs_map_header_pos(ie_inode_end(&z->ino));
	uint64_t len = pos < z->img->size ? z->img->size - pos : 0;
	const uint8_t *index = len ? z->img->data + pos : NULL;
	int ret;

	ret = ie_zmap_inode_init(&z->zi, si->sb.blkszbits, z->ino.layout,
				 z->ino.size, si->sb.feature_incompat, index,
				 pos, (size_t)len, &z->err);
	if (ret)
		return zfail(z, ret);
	if (z->zi.idata_size &&
	    z->zi.idata_pos + z->zi.idata_size > z->meta_end)
		z->meta_end = z->zi.idata_pos + z->zi.idata_size;
	return 0;
}

int ie_zmap_open(struct ie_image *img, const struct ie_rinode *ino,
		 struct ie_zmap **zp)
{
	struct ie_zmap *z;
	int ret;

	*zp = NULL;
	z = calloc(1, sizeof(*z));
	if (!z)
		return ie_image_set_error(img, -ENOMEM, "reader: out of memory");
	z->img = img;
	z->ino = *ino;
	z->meta_end = ie_inode_end(ino);
	if (!ino->size)
		goto out;
	ret = init_zinode(z);
	if (!ret)
		ret = load_lcluster(z, 0, &z->head);
	if (ret)
		goto fail;
	if (z->head.type == Z_EROFS_LCLUSTER_TYPE_NONHEAD || z->head.clusterofs) {
		ret = zerr(z, 0, "the first lcluster must start an extent at offset 0");
		goto fail;
	}
	z->have_head = true;
out:
	*zp = z;
	return 0;
fail:
	free(z);
	return ret;
}

uint64_t ie_zmap_meta_end(const struct ie_zmap *z)
{
	return z->meta_end;
}

void ie_zmap_close(struct ie_zmap *z)
{
	free(z);
}

/*
 * A NONHEAD's delta[0] must lead back to its own head (the kernel follows
 * it to find where a read in the middle of an extent starts), and its
 * delta[1] must not jump over the next head.
 */
static int check_nonhead(struct ie_zmap *z, const struct ie_zlcluster *m,
			 uint64_t *reach)
{
	if (!m->delta[0] || m->delta[0] > m->lcn - z->head.lcn)
		return zerr(z, m->lcn, "delta[0] does not lead back to the extent's head");
	if (m->cblks && m->lcn != z->head.lcn + 1)
		return zerr(z, m->lcn, "block count record is not right after its head");
	if (!m->delta[1])
		return zerr(z, m->lcn, "delta[1] is 0");
	if (m->lcn + m->delta[1] > *reach)
		*reach = m->lcn + m->delta[1];
	return 0;
}

/* Walk from the current head to the next one; @next gets it if found. */
static int scan_extent(struct ie_zmap *z, struct ie_zlcluster *next,
		       bool *found)
{
	uint64_t lcn, reach = 0;
	int ret;

	*found = false;
	for (lcn = z->head.lcn + 1; lcn < z->zi.nlcl; lcn++) {
		ret = load_lcluster(z, lcn, next);
		if (ret)
			return ret;
		if (next->type != Z_EROFS_LCLUSTER_TYPE_NONHEAD) {
			*found = true;
			break;
		}
		ret = check_nonhead(z, next, &reach);
		if (ret)
			return ret;
	}
	if (*found && reach > lcn)
		return zerr(z, lcn - 1, "delta[1] jumps over the next head");
	return 0;
}

/* The decoder's extent as the reader's: its kind, which we must decode. */
static int reader_extent(struct ie_zmap *z, const struct ie_zmap_extent *ze,
			 struct ie_extent *ext)
{
	static const enum ie_extent_kind by_alg[Z_EROFS_COMPRESSION_MAX] = {
		[Z_EROFS_COMPRESSION_LZ4] = IE_EXTENT_LZ4,
		[Z_EROFS_COMPRESSION_LZMA] = IE_EXTENT_LZMA,
		[Z_EROFS_COMPRESSION_DEFLATE] = IE_EXTENT_DEFLATE,
		[Z_EROFS_COMPRESSION_ZSTD] = IE_EXTENT_ZSTD,
	};

	*ext = (struct ie_extent){
		.la = ze->la,
		.llen = ze->llen,
		.pa = ze->pa,
		.plen = ze->plen,
		.inline_tail = ze->inline_tail,
		.head_lcn = ze->head_lcn,
	};
	if (ze->plain) {
		ext->kind = ze->interlaced ? IE_EXTENT_INTERLACED :
					     IE_EXTENT_SHIFTED;
		return 0;
	}
	if (!(ie_image_super(z->img)->compr_algs & (1u << ze->algorithm)))
		return zerr(z, ze->head_lcn, "algorithm not enabled in the superblock");
	ext->kind = by_alg[ze->algorithm];
	return 0;
}

int ie_zmap_next_extent(struct ie_zmap *z, struct ie_extent *ext)
{
	struct ie_zmap_extent ze;
	struct ie_zlcluster next;
	uint64_t end;
	bool found;
	int ret;

	if (!z->have_head)
		return 0;
	ret = scan_extent(z, &next, &found);
	if (ret)
		return ret;
	end = found ? next.lcn << z->zi.lclusterbits | next.clusterofs :
		      z->ino.size;
	ret = ie_zmap_head_extent(&z->zi, &z->head, end, &ze, &z->err);
	if (ret)
		return zfail(z, ret);
	ret = reader_extent(z, &ze, ext);
	if (ret)
		return ret;
	z->head = next;
	/* A head at or past the end of the file ends the walk (tail packing). */
	z->have_head = found && end < z->ino.size;
	return 1;
}
