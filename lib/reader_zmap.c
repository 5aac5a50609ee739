// SPDX-License-Identifier: GPL-2.0
/*
 * Compressed files: decoding the logical cluster (lcluster) indexes into
 * extents.
 *
 * A compressed file is cut into lclusters of 2^lclusterbits bytes. Each has
 * an index record: a HEAD (or PLAIN, for a pcluster stored uncompressed)
 * where a new extent starts at `clusterofs` inside it, or a NONHEAD that
 * continues the extent before it. The records come in two encodings: full
 * (8 bytes each) and compact (packs of 2 x 4 bytes or 16 x 2 bytes with a
 * shared block address). Decoding one record follows Linux 6.12's
 * z_erofs_load_full_lcluster()/z_erofs_load_compact_lcluster() exactly,
 * bit for bit, because the kernel is the reader that matters.
 *
 * We walk the records in order. The kernel reads at random offsets and
 * walks *backwards* with delta[0] and forwards with delta[1], so those are
 * checked here too: an image whose deltas lie reads fine sequentially but
 * returns wrong bytes to the kernel.
 */
#include <errno.h>
#include <stdlib.h>

#include "initerofs/reader.h"
#include "reader_internal.h"

#define MAP_HEADER_SIZE		sizeof(struct z_erofs_map_header)
#define FULL_INDEX_SIZE		sizeof(struct z_erofs_lcluster_index)
/* ilog2(Z_EROFS_LI_D0_CBLKCNT) + 1: the narrowest "lo" field. */
#define CBLKCNT_BITS		12
#define MAX_LCLUSTERBITS	16

/* One decoded lcluster record. */
struct lrec {
	uint64_t lcn;
	unsigned int type;		/* Z_EROFS_LCLUSTER_TYPE_* */
	unsigned int clusterofs;
	unsigned int delta0, delta1;
	uint32_t pblk;			/* heads: first physical block */
	unsigned int cblkcnt;		/* NONHEAD with D0_CBLKCNT: blocks */
	uint64_t nextpackoff;		/* end of the pack holding it */
};

struct ie_zmap {
	struct ie_image *img;
	struct ie_rinode ino;
	unsigned int advise;
	unsigned int lclusterbits;
	unsigned int algs[2];		/* HEAD1 and HEAD2 algorithms */
	unsigned int idata_size;	/* tail pcluster inline (ztailpacking) */
	uint64_t ebase;			/* first index byte after the header */
	uint64_t nlcl;			/* lclusters covering the file */
	uint64_t totalidx;		/* compact: the kernel's count (blocks) */
	unsigned int compact_4b_initial;
	uint64_t compact_2b;
	uint64_t inline_pos;		/* where the tail pcluster is stored */

	struct lrec head;		/* head of the next extent */
	bool have_head;
	uint64_t meta_end;		/* end of the index bytes read so far */
};

static int zerr(struct ie_zmap *z, uint64_t lcn, const char *what)
{
	return ie_image_set_error(z->img, -EUCLEAN,
				  "inode %llu: lcluster %llu: %s",
				  (unsigned long long)z->ino.nid,
				  (unsigned long long)lcn, what);
}

static bool big_pcluster(const struct ie_zmap *z, unsigned int type)
{
	if (type == Z_EROFS_LCLUSTER_TYPE_HEAD1)
		return z->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_1;
	return z->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_2;
}

static int load_full(struct ie_zmap *z, uint64_t lcn, struct lrec *r)
{
	uint64_t pos = z->ebase + 8 + lcn * FULL_INDEX_SIZE;
	const uint8_t *di = ie_image_bytes(z->img, pos, FULL_INDEX_SIZE);
	unsigned int advise;

	if (!di)
		return zerr(z, lcn, "index record outside the image");
	r->nextpackoff = pos + FULL_INDEX_SIZE;
	advise = ie_get_le16(di);
	r->type = advise & 3;
	if (r->type != Z_EROFS_LCLUSTER_TYPE_NONHEAD) {
		r->clusterofs = ie_get_le16(di + 2);
		r->pblk = ie_get_le32(di + 4);
		return 0;
	}
	r->clusterofs = 1u << z->lclusterbits;
	r->delta0 = ie_get_le16(di + 4);
	r->delta1 = ie_get_le16(di + 6);
	if (r->delta0 & Z_EROFS_LI_D0_CBLKCNT) {
		if (!(z->advise & (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
				   Z_EROFS_ADVISE_BIG_PCLUSTER_2)))
			return zerr(z, lcn, "block count record without big pclusters");
		r->cblkcnt = r->delta0 & ~Z_EROFS_LI_D0_CBLKCNT;
		r->delta0 = 1;
	}
	return 0;
}

/* Item @i of a compact pack: @lobits of value, then a 2-bit type. */
static unsigned int compact_item(const uint8_t *pack, unsigned int lobits,
				 unsigned int encodebits, int i,
				 unsigned int *type)
{
	unsigned int bit = encodebits * (unsigned int)i;
	uint32_t v = ie_get_le32(pack + bit / 8) >> (bit & 7);

	*type = (v >> lobits) & 3;
	return v & ((1u << lobits) - 1);
}

/* get_compacted_la_distance(): how far the next head is, for delta[1]. */
static unsigned int compact_la_distance(const uint8_t *pack,
					unsigned int lobits,
					unsigned int encodebits,
					unsigned int vcnt, int i)
{
	unsigned int lo = 0, d1 = 0, type;

	do {
		lo = compact_item(pack, lobits, encodebits, i, &type);
		if (type != Z_EROFS_LCLUSTER_TYPE_NONHEAD)
			return d1;
		++d1;
	} while ((unsigned int)++i < vcnt);
	/* The last item of a pack stores delta[1] itself. */
	if (!(lo & Z_EROFS_LI_D0_CBLKCNT))
		d1 += lo - 1;
	return d1 & 0xffff;
}

/* Count the blocks of the heads before item @i to find its pblk. */
static int compact_head_blocks(const uint8_t *pack, unsigned int lobits,
			       unsigned int encodebits, int i, bool big,
			       unsigned int *nblk)
{
	unsigned int lo, type;

	*nblk = big ? 0 : 1;
	while (i > 0) {
		--i;
		lo = compact_item(pack, lobits, encodebits, i, &type);
		if (!big) {
			if (type == Z_EROFS_LCLUSTER_TYPE_NONHEAD)
				i -= (int)lo;
			if (i >= 0)
				++*nblk;
			continue;
		}
		if (type != Z_EROFS_LCLUSTER_TYPE_NONHEAD) {
			++*nblk;
			continue;
		}
		if (lo & Z_EROFS_LI_D0_CBLKCNT) {
			--i;
			*nblk += lo & ~Z_EROFS_LI_D0_CBLKCNT;
			continue;
		}
		/* Big pclusters never have a plain delta[0] of 1. */
		if (lo <= 1)
			return -EUCLEAN;
		i -= (int)lo - 2;
	}
	return 0;
}

static void compact_nonhead(const uint8_t *pack, unsigned int lobits,
			    unsigned int encodebits, unsigned int vcnt, int i,
			    unsigned int lo, struct lrec *r)
{
	unsigned int type;

	r->delta1 = compact_la_distance(pack, lobits, encodebits, vcnt, i);
	if (lo & Z_EROFS_LI_D0_CBLKCNT) {
		r->cblkcnt = lo & ~Z_EROFS_LI_D0_CBLKCNT;
		r->delta0 = 1;
		return;
	}
	if ((unsigned int)i + 1 != vcnt) {
		r->delta0 = lo;
		return;
	}
	/* The last item holds delta[1]: derive delta[0] from the one before. */
	lo = compact_item(pack, lobits, encodebits, i - 1, &type);
	if (type != Z_EROFS_LCLUSTER_TYPE_NONHEAD)
		lo = 0;
	else if (lo & Z_EROFS_LI_D0_CBLKCNT)
		lo = 1;
	r->delta0 = lo + 1;
}

static int load_compact(struct ie_zmap *z, uint64_t lcn, struct lrec *r)
{
	bool big = z->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_1;
	unsigned int shift = 2, vcnt, packsize, lobits, encodebits, lo, nblk;
	uint64_t pos = z->ebase, idx = lcn;
	const uint8_t *pack;
	int i;

	if (lcn >= z->totalidx || z->lclusterbits > 14)
		return zerr(z, lcn, "outside the compact index");
	if (idx >= z->compact_4b_initial) {
		pos += z->compact_4b_initial * 4;
		idx -= z->compact_4b_initial;
		if (idx < z->compact_2b) {
			shift = 1;
		} else {
			pos += z->compact_2b * 2;
			idx -= z->compact_2b;
		}
	}
	pos += idx << shift;
	if (shift == 2)
		vcnt = 2;
	else if (z->lclusterbits <= 12)
		vcnt = 16;
	else
		return zerr(z, lcn, "2-byte compact indexes need lclusters of at most 4 KiB");
	packsize = vcnt << shift;
	pack = ie_image_bytes(z->img, pos & ~(uint64_t)(packsize - 1), packsize);
	if (!pack)
		return zerr(z, lcn, "index pack outside the image");
	r->nextpackoff = (pos & ~(uint64_t)(packsize - 1)) + packsize;
	lobits = z->lclusterbits > CBLKCNT_BITS ? z->lclusterbits : CBLKCNT_BITS;
	encodebits = (packsize - 4) * 8 / vcnt;
	i = (int)((pos & (packsize - 1)) >> shift);

	lo = compact_item(pack, lobits, encodebits, i, &r->type);
	if (r->type == Z_EROFS_LCLUSTER_TYPE_NONHEAD) {
		r->clusterofs = 1u << z->lclusterbits;
		if ((lo & Z_EROFS_LI_D0_CBLKCNT) && !big)
			return zerr(z, lcn, "block count record without big pclusters");
		compact_nonhead(pack, lobits, encodebits, vcnt, i, lo, r);
		return 0;
	}
	r->clusterofs = lo;
	if (compact_head_blocks(pack, lobits, encodebits, i, big, &nblk))
		return zerr(z, lcn, "big pcluster record with a delta of 1");
	r->pblk = ie_get_le32(pack + packsize - 4) + nblk;
	return 0;
}

static int load_lcluster(struct ie_zmap *z, uint64_t lcn, struct lrec *r)
{
	int ret;

	*r = (struct lrec){ .lcn = lcn };
	if (z->ino.layout == EROFS_LAYOUT_COMPRESSED_COMPACT)
		ret = load_compact(z, lcn, r);
	else
		ret = load_full(z, lcn, r);
	if (ret)
		return ret;
	if (r->nextpackoff > z->meta_end)
		z->meta_end = r->nextpackoff;
	if (r->type != Z_EROFS_LCLUSTER_TYPE_NONHEAD &&
	    r->clusterofs >= 1u << z->lclusterbits)
		return zerr(z, lcn, "head's cluster offset is beyond its lcluster");
	return 0;
}

static int read_map_header(struct ie_zmap *z)
{
	const struct ie_image_info *si = ie_image_super(z->img);
	uint64_t pos = z_erofs_map_header_pos(ie_inode_end(&z->ino));
	const uint8_t *h = ie_image_bytes(z->img, pos, MAP_HEADER_SIZE);

	if (!h)
		return zerr(z, 0, "map header outside the image");
	if (h[7] >> Z_EROFS_FRAGMENT_INODE_BIT)
		return ie_image_set_error(z->img, -EOPNOTSUPP,
					  "inode %llu: data in the packed inode (fragments) is not supported",
					  (unsigned long long)z->ino.nid);
	z->advise = ie_get_le16(h + 4);
	z->algs[0] = h[6] & 15;
	z->algs[1] = h[6] >> 4;
	z->lclusterbits = si->sb.blkszbits + (h[7] & 15);
	z->ebase = pos + MAP_HEADER_SIZE;
	if (z->advise & Z_EROFS_ADVISE_FRAGMENT_PCLUSTER)
		return ie_image_set_error(z->img, -EOPNOTSUPP,
					  "inode %llu: fragments are not supported",
					  (unsigned long long)z->ino.nid);
	if (z->advise & Z_EROFS_ADVISE_INLINE_PCLUSTER)
		z->idata_size = ie_get_le16(h + 2);
	return 0;
}

static int check_map_header(struct ie_zmap *z)
{
	const struct ie_image_info *si = ie_image_super(z->img);
	unsigned int big = z->advise & (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
					Z_EROFS_ADVISE_BIG_PCLUSTER_2);

	if (z->algs[0] >= Z_EROFS_COMPRESSION_MAX ||
	    z->algs[1] >= Z_EROFS_COMPRESSION_MAX)
		return zerr(z, 0, "unknown compression algorithm in the map header");
	if (z->lclusterbits > MAX_LCLUSTERBITS)
		return zerr(z, 0, "lcluster size is absurd");
	if (big && !(si->sb.feature_incompat & EROFS_INCOMPAT_BIG_PCLUSTER))
		return zerr(z, 0, "big pclusters without the superblock feature");
	if (z->ino.layout == EROFS_LAYOUT_COMPRESSED_COMPACT &&
	    big && big != (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
			   Z_EROFS_ADVISE_BIG_PCLUSTER_2))
		return zerr(z, 0, "compact indexes with inconsistent big pcluster flags");
	if (z->idata_size &&
	    !(si->sb.feature_incompat & EROFS_INCOMPAT_ZTAILPACKING))
		return zerr(z, 0, "inline tail pcluster without the superblock feature");
	return 0;
}

/* The kernel's compact index layout: 4-byte packs, 2-byte packs, 4-byte. */
static void init_compact_layout(struct ie_zmap *z)
{
	uint32_t bs = ie_image_super(z->img)->blksz;

	z->totalidx = z->ino.size / bs + !!(z->ino.size % bs);
	z->compact_4b_initial = ((32 - z->ebase % 32) / 4) & 7;
	z->compact_2b = 0;
	if ((z->advise & Z_EROFS_ADVISE_COMPACTED_2B) &&
	    z->compact_4b_initial < z->totalidx)
		z->compact_2b = (z->totalidx - z->compact_4b_initial) & ~15ull;
}

/*
 * With ztailpacking the last pcluster sits right after the index pack of
 * the file's last lcluster, inside the same metadata block.
 */
static int find_inline_tail(struct ie_zmap *z)
{
	struct lrec r;
	uint32_t bs = ie_image_super(z->img)->blksz;
	int ret;

	ret = load_lcluster(z, z->nlcl - 1, &r);
	if (ret)
		return ret;
	z->inline_pos = r.nextpackoff;
	z->meta_end = z->inline_pos + z->idata_size;
	if ((z->inline_pos & (bs - 1)) + z->idata_size > bs)
		return zerr(z, z->nlcl - 1, "inline tail pcluster crosses a block boundary");
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
	ret = read_map_header(z);
	if (!ret)
		ret = check_map_header(z);
	if (ret)
		goto fail;
	z->nlcl = ((ino->size - 1) >> z->lclusterbits) + 1;
	init_compact_layout(z);
	if (z->idata_size) {
		ret = find_inline_tail(z);
		if (ret)
			goto fail;
	}
	ret = load_lcluster(z, 0, &z->head);
	if (ret)
		goto fail;
	if (z->head.type == Z_EROFS_LCLUSTER_TYPE_NONHEAD || z->head.clusterofs)
		ret = zerr(z, 0, "the first lcluster must start an extent at offset 0");
	if (ret)
		goto fail;
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
static int check_nonhead(struct ie_zmap *z, const struct lrec *r,
			 uint64_t *reach)
{
	if (!r->delta0 || r->delta0 > r->lcn - z->head.lcn)
		return zerr(z, r->lcn, "delta[0] does not lead back to the extent's head");
	if (r->cblkcnt && r->lcn != z->head.lcn + 1)
		return zerr(z, r->lcn, "block count record is not right after its head");
	if (!r->delta1)
		return zerr(z, r->lcn, "delta[1] is 0");
	if (r->lcn + r->delta1 > *reach)
		*reach = r->lcn + r->delta1;
	return 0;
}

/* Walk from the current head to the next one; @next gets it if found. */
static int scan_extent(struct ie_zmap *z, struct lrec *next, bool *found,
		       unsigned int *cblks)
{
	uint64_t lcn, reach = 0;
	int ret;

	*found = false;
	*cblks = 0;
	for (lcn = z->head.lcn + 1; lcn < z->nlcl; lcn++) {
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
		if (next->cblkcnt)
			*cblks = next->cblkcnt;
	}
	if (*found && reach > lcn)
		return zerr(z, lcn - 1, "delta[1] jumps over the next head");
	return 0;
}

static enum ie_extent_kind head_kind(struct ie_zmap *z, unsigned int type,
				     bool inline_tail)
{
	static const enum ie_extent_kind by_alg[Z_EROFS_COMPRESSION_MAX] = {
		[Z_EROFS_COMPRESSION_LZ4] = IE_EXTENT_LZ4,
		[Z_EROFS_COMPRESSION_LZMA] = IE_EXTENT_LZMA,
		[Z_EROFS_COMPRESSION_DEFLATE] = IE_EXTENT_DEFLATE,
		[Z_EROFS_COMPRESSION_ZSTD] = IE_EXTENT_ZSTD,
	};

	if (type == Z_EROFS_LCLUSTER_TYPE_PLAIN)
		return (z->advise & Z_EROFS_ADVISE_INTERLACED_PCLUSTER) &&
		       !inline_tail ? IE_EXTENT_INTERLACED : IE_EXTENT_SHIFTED;
	return by_alg[z->algs[type == Z_EROFS_LCLUSTER_TYPE_HEAD2]];
}

static int place_extent(struct ie_zmap *z, struct ie_extent *ext, bool last,
			unsigned int cblks)
{
	const struct ie_image_info *si = ie_image_super(z->img);
	unsigned int alg;

	ext->inline_tail = last && z->idata_size;
	if (ext->inline_tail) {
		ext->pa = z->inline_pos;
		ext->plen = z->idata_size;
	} else {
		/* Without a block count record a pcluster is one block. */
		if (!big_pcluster(z, z->head.type) || !cblks)
			cblks = 1;
		ext->pa = ie_blkpos(z->img, z->head.pblk);
		ext->plen = (uint64_t)cblks << si->sb.blkszbits;
	}
	ext->kind = head_kind(z, z->head.type, ext->inline_tail);
	if (z->head.type != Z_EROFS_LCLUSTER_TYPE_PLAIN) {
		alg = z->algs[z->head.type == Z_EROFS_LCLUSTER_TYPE_HEAD2];
		if (!(si->compr_algs & (1u << alg)))
			return zerr(z, z->head.lcn, "algorithm not enabled in the superblock");
	} else if (ext->llen > ext->plen) {
		return zerr(z, z->head.lcn, "uncompressed pcluster shorter than its extent");
	}
	if (ext->plen > Z_EROFS_PCLUSTER_MAX_SIZE ||
	    ext->llen > Z_EROFS_PCLUSTER_MAX_DSIZE)
		return zerr(z, z->head.lcn, "extent exceeds the kernel's pcluster limits");
	return 0;
}

int ie_zmap_next_extent(struct ie_zmap *z, struct ie_extent *ext)
{
	uint64_t size = z->ino.size, la, end;
	unsigned int cblks;
	struct lrec next;
	bool found;
	int ret;

	if (!z->have_head)
		return 0;
	la = z->head.lcn << z->lclusterbits | z->head.clusterofs;
	if (la >= size)
		return zerr(z, z->head.lcn, "extent head lies beyond the end of the file");
	ret = scan_extent(z, &next, &found, &cblks);
	if (ret)
		return ret;
	end = found ? next.lcn << z->lclusterbits | next.clusterofs : size;
	/*
	 * mkfs.erofs ends tail-packed files with a head past the end of the
	 * file in the last lcluster; the kernel clips the extent there.
	 */
	if (end >= size) {
		end = size;
		found = false;
	}
	*ext = (struct ie_extent){
		.la = la,
		.llen = end - la,
		.head_lcn = z->head.lcn,
	};
	ret = place_extent(z, ext, !found, cblks);
	if (ret)
		return ret;
	z->head = next;
	z->have_head = found;
	return 1;
}
