// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster indexes of compressed files: the writer's compact encoder and
 * initerofs's only decoder (full and compact records, the map header, tail
 * packing, interlaced and big pclusters), which the reader walks files with.
 * The decoder follows the kernel's reading rules exactly, because an index
 * is only right if the kernel reads it the way we meant it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initerofs/error.h"
#include "initerofs/erofs_format.h"
#include "initerofs/zmap.h"

#define MAP_HEADER_SIZE		8
#define LOBITS			12	/* least bits of a compact entry's value */
#define CBLKCNT			Z_EROFS_LI_D0_CBLKCNT
#define TYPE_NONHEAD		Z_EROFS_LCLUSTER_TYPE_NONHEAD

uint64_t ie_zmap_header_pos(uint64_t inode_end)
{
	return z_erofs_map_header_pos(inode_end);
}

/* ---- compact layout, shared by encoder and decoder --------------------- */

/*
 * A compact index is three runs of packs: 4-byte-per-lcluster packs (two
 * lclusters, 8 bytes) until the next 32-byte boundary, 2-byte packs (16
 * lclusters, 32 bytes), then 4-byte packs again for the remainder.
 */
struct compact_layout {
	uint64_t total;		/* lclusters */
	uint64_t initial;	/* lclusters in the leading 4-byte run */
	uint64_t c2b;		/* lclusters in the 2-byte run */
};

static struct compact_layout compact_layout(uint64_t total, uint64_t ebase,
					    bool use_2b)
{
	struct compact_layout l;

	l.total = total;
	l.initial = ((32 - ebase % 32) / 4) & 7;
	l.c2b = 0;
	if (use_2b && l.initial < total)
		l.c2b = (total - l.initial) / 16 * 16;
	return l;
}

static uint64_t round_up2(uint64_t v)
{
	return (v + 1) & ~(uint64_t)1;
}

static size_t compact_bytes(const struct compact_layout *l)
{
	uint64_t first = l->total < l->initial ? l->total : l->initial;
	uint64_t rest = l->total - first - l->c2b;

	return (size_t)(round_up2(first) * 4 + l->c2b * 2 + round_up2(rest) * 4);
}

static uint64_t total_lclusters(uint64_t size, unsigned int blkszbits)
{
	return (size + (1ull << blkszbits) - 1) >> blkszbits;
}

size_t ie_zmap_compact_size(uint64_t size, unsigned int blkszbits,
			    uint64_t header_pos)
{
	struct compact_layout l;

	l = compact_layout(total_lclusters(size, blkszbits),
			   header_pos + MAP_HEADER_SIZE, true);
	return compact_bytes(&l);
}

/* ---- encoder ----------------------------------------------------------- */

struct zslot {
	uint8_t type;
	uint8_t marker;		/* this slot counts a pcluster's blocks */
	uint16_t lo;		/* head: cluster offset; nonhead: delta[0] */
	uint16_t delta1;	/* nonhead: distance to the next head */
	uint32_t pblk;		/* head: first block of its pcluster */
};

/* Check one extent against what the index can express. */
static int check_extent(const struct ie_zextent *e, uint64_t len,
			uint64_t head, uint64_t next_head, bool last,
			bool big, unsigned int blkszbits)
{
	if (!last && next_head <= head)
		return -EINVAL;	/* two extents start in one lcluster */
	if (next_head - head >= CBLKCNT)
		return -EINVAL;	/* deltas would collide with the flag */
	if (!e->blocks || (!big && e->blocks != 1))
		return -EINVAL;
	if (e->blocks > 1 && next_head - head < 2)
		return -EINVAL;	/* no nonhead to carry the block count */
	if (e->plain && len > ((uint64_t)e->blocks << blkszbits))
		return -EINVAL;
	/* The kernel maps a last raw extent to its lcluster's end. */
	if (e->plain && last &&
	    (e->lstart & ((1ull << blkszbits) - 1)) + len > (1ull << blkszbits))
		return -EINVAL;
	return 0;
}

static int build_slots(const struct ie_zextent *ext, size_t n, uint64_t size,
		       unsigned int blkszbits, uint32_t blkaddr, bool big,
		       struct zslot *s, uint64_t total)
{
	uint64_t mask = (1ull << blkszbits) - 1;
	uint32_t pblk = blkaddr;
	size_t k;

	if (!n || ext[0].lstart)
		return -EINVAL;
	for (k = 0; k < n; k++) {
		bool last = k + 1 == n;
		uint64_t la = ext[k].lstart;
		uint64_t next = last ? size : ext[k + 1].lstart;
		uint64_t h = la >> blkszbits;
		uint64_t nh = last ? total : next >> blkszbits;
		uint64_t j;

		if (next <= la ||
		    check_extent(&ext[k], next - la, h, nh, last, big, blkszbits))
			return -EINVAL;
		s[h].type = ext[k].plain ? Z_EROFS_LCLUSTER_TYPE_PLAIN :
					   Z_EROFS_LCLUSTER_TYPE_HEAD1;
		s[h].lo = (uint16_t)(la & mask);
		s[h].pblk = pblk;
		s[h].marker = 1;
		for (j = h + 1; j < nh; j++) {
			s[j].type = TYPE_NONHEAD;
			s[j].lo = (uint16_t)(j - h);
			s[j].delta1 = (uint16_t)(nh - j);
			s[j].marker = 0;
		}
		/* Big pclusters: the first nonhead carries the block count. */
		if (big && nh > h + 1) {
			s[h].marker = 0;
			s[h + 1].lo = (uint16_t)(CBLKCNT | ext[k].blocks);
			s[h + 1].marker = 1;
			s[h + 1].pblk = pblk;
		}
		pblk += ext[k].blocks;
	}
	return 0;
}

/* Put @v at bit offset @bit of @pack (little-endian bit order). */
static void put_bits(uint8_t *pack, unsigned int bit, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < LOBITS + 2; i++, bit++)
		if (v & (1u << i))
			pack[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/*
 * Write one pack of @vcnt lclusters starting at @first. The trailing 32-bit
 * base address is what the reader adds its pcluster count to: the first
 * pcluster whose counting slot is in this pack (minus one without big
 * pclusters, where the reader counts the head itself as well).
 */
static void encode_pack(const struct zslot *s, const uint32_t *markpblk,
			uint64_t first, unsigned int vcnt, uint64_t total,
			bool big, uint8_t *pack)
{
	unsigned int bytes = vcnt == 2 ? 8 : 32;
	unsigned int encodebits = (bytes - 4) * 8 / vcnt;
	unsigned int i;

	memset(pack, 0, bytes);
	for (i = 0; i < vcnt && first + i < total; i++) {
		const struct zslot *z = &s[first + i];
		uint32_t lo = z->lo;

		if (z->type == TYPE_NONHEAD && i + 1 == vcnt && !(lo & CBLKCNT))
			lo = z->delta1;
		put_bits(pack, i * encodebits, lo | (uint32_t)z->type << LOBITS);
	}
	ie_put_le32(pack + bytes - 4, markpblk[first] - (big ? 0 : 1));
}

/* markpblk[j]: first block of the first pcluster counted at or after j. */
static void fill_markpblk(const struct zslot *s, uint64_t total,
			  uint32_t end_pblk, uint32_t *markpblk)
{
	uint64_t j = total;

	markpblk[total] = end_pblk;
	while (j--)
		markpblk[j] = s[j].marker ? s[j].pblk : markpblk[j + 1];
}

static void encode_map_header(uint8_t *out, bool big, unsigned int algorithm)
{
	unsigned int advise = Z_EROFS_ADVISE_COMPACTED_2B;

	if (big)
		advise |= Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
			  Z_EROFS_ADVISE_BIG_PCLUSTER_2;
	memset(out, 0, MAP_HEADER_SIZE);
	ie_put_le16(out + 4, (uint16_t)advise);
	out[6] = (uint8_t)(algorithm & 15);
	out[7] = 0;	/* lcluster = block */
}

int ie_zmap_compact_encode(const struct ie_zextent *ext, size_t n,
			   uint64_t size, unsigned int blkszbits,
			   uint32_t blkaddr, bool big_pcluster,
			   unsigned int algorithm, uint64_t header_pos,
			   uint8_t *out)
{
	uint64_t total = total_lclusters(size, blkszbits), lcn;
	struct compact_layout l;
	uint32_t *markpblk = NULL, end_pblk = blkaddr;
	struct zslot *s;
	uint8_t *p;
	size_t k;
	int ret;

	if (!total)
		return -EINVAL;
	s = calloc(total, sizeof(*s));
	markpblk = malloc((total + 1) * sizeof(*markpblk));
	ret = -ENOMEM;
	if (!s || !markpblk)
		goto out;
	ret = build_slots(ext, n, size, blkszbits, blkaddr, big_pcluster,
			  s, total);
	if (ret)
		goto out;
	for (k = 0; k < n; k++)
		end_pblk += ext[k].blocks;
	fill_markpblk(s, total, end_pblk, markpblk);

	encode_map_header(out, big_pcluster, algorithm);
	l = compact_layout(total, header_pos + MAP_HEADER_SIZE, true);
	p = out + MAP_HEADER_SIZE;
	for (lcn = 0; lcn < total;) {
		unsigned int vcnt = lcn >= l.initial && lcn < l.initial + l.c2b ?
				    16 : 2;

		encode_pack(s, markpblk, lcn, vcnt, total, big_pcluster, p);
		p += vcnt == 2 ? 8 : 32;
		lcn += vcnt;
	}
	ret = (size_t)(p - out) == MAP_HEADER_SIZE + compact_bytes(&l) ?
	      0 : -EINVAL;
out:
	free(s);
	free(markpblk);
	return ret;
}

/* ---- decoder: one lcluster record ------------------------------------- */

#define MAX_LCLUSTERBITS	16

static int lfail(struct ie_error *err, uint64_t lcn, const char *what)
{
	return ie_fail(err, -EUCLEAN, "lcluster %llu: %s",
		       (unsigned long long)lcn, what);
}

static bool big_advised(const struct ie_zinode *zi)
{
	return zi->advise & (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
			     Z_EROFS_ADVISE_BIG_PCLUSTER_2);
}

static int load_full(const struct ie_zinode *zi, uint64_t lcn,
		     struct ie_zlcluster *m, struct ie_error *err)
{
	uint64_t off = MAP_HEADER_SIZE + 8 + lcn * 8;
	const uint8_t *di;

	if (off + 8 > zi->index_len)
		return lfail(err, lcn, "index record outside the image");
	di = zi->index + off;
	m->nextpackoff = zi->index_pos + off + 8;
	m->type = ie_get_le16(di) & 3;
	if (m->type != TYPE_NONHEAD) {
		m->clusterofs = ie_get_le16(di + 2);
		m->pblk = ie_get_le32(di + 4);
		return 0;
	}
	m->clusterofs = 1u << zi->lclusterbits;
	m->delta[0] = ie_get_le16(di + 4);
	m->delta[1] = ie_get_le16(di + 6);
	if (m->delta[0] & CBLKCNT) {
		if (!big_advised(zi))
			return lfail(err, lcn,
				     "block count record without big pclusters");
		m->cblks = m->delta[0] & ~CBLKCNT;
		m->delta[0] = 1;
	}
	return 0;
}

/* Item @i of a compact pack: @lobits of value, then a 2-bit type. */
static unsigned int compact_item(const uint8_t *pack, unsigned int lobits,
				 unsigned int encodebits, int i,
				 unsigned int *type)
{
	unsigned int bit = encodebits * (unsigned int)i;
	uint32_t v = ie_get_le32(pack + bit / 8) >> (bit % 8);

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
		if (type != TYPE_NONHEAD)
			return d1;
		++d1;
	} while ((unsigned int)++i < vcnt);
	/* The last item of a pack stores delta[1] itself. */
	if (!(lo & CBLKCNT))
		d1 += lo - 1;
	return d1 & 0xffff;	/* the kernel keeps it in a u16 */
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
			if (type == TYPE_NONHEAD)
				i -= (int)lo;
			if (i >= 0)
				++*nblk;
			continue;
		}
		if (type != TYPE_NONHEAD) {
			++*nblk;
			continue;
		}
		if (lo & CBLKCNT) {
			--i;
			*nblk += lo & ~CBLKCNT;
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
			    unsigned int lo, struct ie_zlcluster *m)
{
	unsigned int type;

	m->delta[1] = compact_la_distance(pack, lobits, encodebits, vcnt, i);
	if (lo & CBLKCNT) {
		m->cblks = lo & ~CBLKCNT;
		m->delta[0] = 1;
		return;
	}
	if ((unsigned int)i + 1 != vcnt) {
		m->delta[0] = lo;
		return;
	}
	/* The last item holds delta[1]: derive delta[0] from the one before. */
	lo = compact_item(pack, lobits, encodebits, i - 1, &type);
	if (type != TYPE_NONHEAD)
		lo = 0;
	else if (lo & CBLKCNT)
		lo = 1;
	m->delta[0] = lo + 1;
}

/* Image offset of lcluster @lcn's item, and its item width (1 << shift). */
static uint64_t compact_item_pos(const struct ie_zinode *zi, uint64_t lcn,
				 unsigned int *shift)
{
	uint64_t ebase = zi->index_pos + MAP_HEADER_SIZE;
	struct compact_layout l;
	uint64_t pos = ebase;

	l = compact_layout(total_lclusters(zi->size, zi->blkszbits), ebase,
			   zi->advise & Z_EROFS_ADVISE_COMPACTED_2B);
	*shift = 2;
	if (lcn >= l.initial) {
		pos += l.initial * 4;
		lcn -= l.initial;
		if (lcn < l.c2b) {
			*shift = 1;
		} else {
			pos += l.c2b * 2;
			lcn -= l.c2b;
		}
	}
	return pos + (lcn << *shift);
}

static int load_compact(const struct ie_zinode *zi, uint64_t lcn,
			struct ie_zlcluster *m, struct ie_error *err)
{
	bool big = zi->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_1;
	unsigned int shift, vcnt, packsize, lobits, encodebits, lo, nblk;
	uint64_t pos, packpos;
	const uint8_t *pack;
	int i;

	if (lcn >= total_lclusters(zi->size, zi->blkszbits) ||
	    zi->lclusterbits > 14)
		return lfail(err, lcn, "outside the compact index");
	pos = compact_item_pos(zi, lcn, &shift);
	if (shift == 2)
		vcnt = 2;
	else if (zi->lclusterbits <= 12)
		vcnt = 16;
	else
		return lfail(err, lcn,
			     "2-byte compact indexes need lclusters of at most 4 KiB");
	packsize = vcnt << shift;
	packpos = pos & ~(uint64_t)(packsize - 1);
	if (packpos < zi->index_pos ||
	    packpos - zi->index_pos + packsize > zi->index_len)
		return lfail(err, lcn, "index pack outside the image");
	pack = zi->index + (packpos - zi->index_pos);
	m->nextpackoff = packpos + packsize;
	lobits = zi->lclusterbits > LOBITS ? zi->lclusterbits : LOBITS;
	encodebits = (packsize - 4) * 8 / vcnt;
	i = (int)((pos & (packsize - 1)) >> shift);

	lo = compact_item(pack, lobits, encodebits, i, &m->type);
	if (m->type == TYPE_NONHEAD) {
		m->clusterofs = 1u << zi->lclusterbits;
		if ((lo & CBLKCNT) && !big)
			return lfail(err, lcn,
				     "block count record without big pclusters");
		compact_nonhead(pack, lobits, encodebits, vcnt, i, lo, m);
		return 0;
	}
	m->clusterofs = lo;
	if (compact_head_blocks(pack, lobits, encodebits, i, big, &nblk))
		return lfail(err, lcn,
			     "big pcluster record with a delta of 1");
	m->pblk = ie_get_le32(pack + packsize - 4) + nblk;
	return 0;
}

int ie_zmap_load_lcluster(const struct ie_zinode *zi, uint64_t lcn,
			  struct ie_zlcluster *m, struct ie_error *err)
{
	int ret;

	*m = (struct ie_zlcluster){ .lcn = lcn };
	if (zi->datalayout == EROFS_LAYOUT_COMPRESSED_COMPACT)
		ret = load_compact(zi, lcn, m, err);
	else
		ret = load_full(zi, lcn, m, err);
	if (ret)
		return ret;
	if (m->type != TYPE_NONHEAD && m->clusterofs >= 1u << zi->lclusterbits)
		return lfail(err, lcn,
			     "head's cluster offset is beyond its lcluster");
	return 0;
}

/* ---- decoder: the map header ------------------------------------------- */

static int read_map_header(struct ie_zinode *zi, struct ie_error *err)
{
	const uint8_t *h = zi->index;

	if (zi->index_len < MAP_HEADER_SIZE)
		return lfail(err, 0, "map header outside the image");
	if (h[7] >> Z_EROFS_FRAGMENT_INODE_BIT)
		return ie_fail(err, -EOPNOTSUPP,
			       "data in the packed inode (fragments) is not supported");
	zi->advise = ie_get_le16(h + 4);
	zi->algorithm[0] = h[6] & 15;
	zi->algorithm[1] = h[6] >> 4;
	zi->lclusterbits = zi->blkszbits + (h[7] & 15);
	if (zi->advise & Z_EROFS_ADVISE_FRAGMENT_PCLUSTER)
		return ie_fail(err, -EOPNOTSUPP,
			       "fragments are not supported");
	if (zi->advise & Z_EROFS_ADVISE_INLINE_PCLUSTER)
		zi->idata_size = ie_get_le16(h + 2);
	return 0;
}

static int check_map_header(const struct ie_zinode *zi, struct ie_error *err)
{
	unsigned int big = zi->advise & (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
					 Z_EROFS_ADVISE_BIG_PCLUSTER_2);

	if (zi->algorithm[0] >= Z_EROFS_COMPRESSION_MAX ||
	    zi->algorithm[1] >= Z_EROFS_COMPRESSION_MAX)
		return lfail(err, 0,
			     "unknown compression algorithm in the map header");
	if (zi->lclusterbits > MAX_LCLUSTERBITS)
		return lfail(err, 0, "lcluster size is absurd");
	if (big && !(zi->feature_incompat & EROFS_INCOMPAT_BIG_PCLUSTER))
		return lfail(err, 0,
			     "big pclusters without the superblock feature");
	if (zi->datalayout == EROFS_LAYOUT_COMPRESSED_COMPACT &&
	    big && big != (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
			   Z_EROFS_ADVISE_BIG_PCLUSTER_2))
		return lfail(err, 0,
			     "compact indexes with inconsistent big pcluster flags");
	if (zi->idata_size &&
	    !(zi->feature_incompat & EROFS_INCOMPAT_ZTAILPACKING))
		return lfail(err, 0,
			     "inline tail pcluster without the superblock feature");
	return 0;
}

/*
 * With ztailpacking the last pcluster sits right after the index record (or
 * pack) of the file's last lcluster, inside the same metadata block.
 */
static int find_inline_tail(struct ie_zinode *zi, struct ie_error *err)
{
	uint64_t bs = 1ull << zi->blkszbits;
	struct ie_zlcluster m;
	int ret;

	ret = ie_zmap_load_lcluster(zi, zi->nlcl - 1, &m, err);
	if (ret)
		return ret;
	zi->idata_pos = m.nextpackoff;
	if ((zi->idata_pos & (bs - 1)) + zi->idata_size > bs)
		return lfail(err, zi->nlcl - 1,
			     "inline tail pcluster crosses a block boundary");
	return 0;
}

int ie_zmap_inode_init(struct ie_zinode *zi, unsigned int blkszbits,
		       unsigned int datalayout, uint64_t size,
		       uint32_t feature_incompat, const uint8_t *index,
		       uint64_t index_pos, size_t index_len,
		       struct ie_error *err)
{
	int ret;

	*zi = (struct ie_zinode){
		.blkszbits = blkszbits,
		.datalayout = datalayout,
		.size = size,
		.feature_incompat = feature_incompat,
		.index = index,
		.index_pos = index_pos,
		.index_len = index_len,
	};
	ret = read_map_header(zi, err);
	if (!ret)
		ret = check_map_header(zi, err);
	if (ret)
		return ret;
	zi->nlcl = total_lclusters(size, zi->lclusterbits);
	if (zi->idata_size && zi->nlcl)
		return find_inline_tail(zi, err);
	return 0;
}

/* ---- decoder: extents --------------------------------------------------- */

/*
 * Blocks of the pcluster whose head is @head: with big pclusters, the
 * record right after the head carries them (z_erofs_get_extent_compressedlen).
 */
static int pcluster_blocks(const struct ie_zinode *zi,
			   const struct ie_zlcluster *head, uint32_t *blocks,
			   struct ie_error *err)
{
	bool big1 = zi->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_1;
	bool big2 = zi->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_2;
	uint64_t next = head->lcn + 1;
	struct ie_zlcluster m;
	int ret;

	*blocks = 1;
	if ((head->type == Z_EROFS_LCLUSTER_TYPE_HEAD1 && !big1) ||
	    (head->type != Z_EROFS_LCLUSTER_TYPE_HEAD1 && !big2) ||
	    next >= zi->nlcl)
		return 0;
	ret = ie_zmap_load_lcluster(zi, next, &m, err);
	if (ret || m.type != TYPE_NONHEAD)
		return ret;	/* a head right after: one block */
	if (m.delta[0] != 1)
		return lfail(err, next, "bogus block count record");
	if (!m.cblks)
		return lfail(err, next,
			     "big pcluster without its block count record");
	*blocks = m.cblks;
	return 0;
}

/* The kernel's refusals of an extent it has mapped. */
static int check_mapped_extent(const struct ie_zinode *zi,
			       const struct ie_zmap_extent *ext, struct ie_error *err)
{
	uint64_t lend = zi->nlcl << zi->lclusterbits;

	if (ext->plain && ext->llen > ext->plen)
		return lfail(err, ext->head_lcn,
			     "uncompressed pcluster shorter than its extent");
	/*
	 * Without tail packing the kernel maps the last extent to the end of
	 * the lcluster holding the file's last byte, not to i_size; a raw one
	 * must fit that too.
	 */
	if (ext->plain && !ext->inline_tail &&
	    ext->la + ext->llen == zi->size && lend - ext->la > ext->plen)
		return lfail(err, ext->head_lcn,
			     "raw last extent crosses an lcluster boundary (the kernel reads it as corrupted)");
	if (ext->plen > Z_EROFS_PCLUSTER_MAX_SIZE ||
	    ext->llen > Z_EROFS_PCLUSTER_MAX_DSIZE)
		return lfail(err, ext->head_lcn,
			     "extent exceeds the kernel's pcluster limits");
	return 0;
}

int ie_zmap_head_extent(const struct ie_zinode *zi,
			const struct ie_zlcluster *head, uint64_t end,
			struct ie_zmap_extent *ext, struct ie_error *err)
{
	uint32_t blocks;
	int ret;

	*ext = (struct ie_zmap_extent){
		.la = head->lcn << zi->lclusterbits | head->clusterofs,
		.head_lcn = head->lcn,
		.plain = head->type == Z_EROFS_LCLUSTER_TYPE_PLAIN,
		.algorithm = zi->algorithm[head->type ==
					   Z_EROFS_LCLUSTER_TYPE_HEAD2],
	};
	/*
	 * mkfs.erofs ends tail-packed files with a head past the end of the
	 * file in the last lcluster; the kernel clips the extent there.
	 */
	if (end > zi->size)
		end = zi->size;
	if (ext->la >= end)
		return lfail(err, head->lcn,
			     "extent head lies beyond the end of the file");
	ext->llen = end - ext->la;
	ext->inline_tail = zi->idata_size && end == zi->size;
	ext->interlaced = ext->plain && !ext->inline_tail &&
			  (zi->advise & Z_EROFS_ADVISE_INTERLACED_PCLUSTER);
	if (ext->inline_tail) {
		ext->pa = zi->idata_pos;
		ext->plen = zi->idata_size;
	} else {
		ret = pcluster_blocks(zi, head, &blocks, err);
		if (ret)
			return ret;
		ext->pa = (uint64_t)head->pblk << zi->blkszbits;
		ext->plen = (uint64_t)blocks << zi->blkszbits;
	}
	return check_mapped_extent(zi, ext, err);
}

/* Walk back from a nonhead to the head of its extent (extent_lookback). */
static int lookback(const struct ie_zinode *zi, struct ie_zlcluster *m,
		    unsigned int distance, struct ie_error *err)
{
	while (m->lcn >= distance) {
		int ret = ie_zmap_load_lcluster(zi, m->lcn - distance, m,
						err);

		if (ret)
			return ret;
		if (m->type != TYPE_NONHEAD)
			return 0;
		distance = m->delta[0];
		if (!distance)
			break;
	}
	return ie_fail(err, -EUCLEAN,
		       "lcluster %llu: bogus lookback distance %u",
		       (unsigned long long)m->lcn, distance);
}

/* Logical position of the head after the one at @headlcn, or the size. */
static int next_head_pos(const struct ie_zinode *zi, uint64_t headlcn,
			 uint64_t *end, struct ie_error *err)
{
	uint64_t lcn = headlcn + 1;
	struct ie_zlcluster m;
	int ret;

	for (; lcn < zi->nlcl; lcn += m.delta[1] ? m.delta[1] : 1) {
		ret = ie_zmap_load_lcluster(zi, lcn, &m, err);
		if (ret)
			return ret;
		if (m.type != TYPE_NONHEAD) {
			*end = lcn << zi->lclusterbits | m.clusterofs;
			return 0;
		}
	}
	*end = zi->size;
	return 0;
}

int ie_zmap_map(const struct ie_zinode *zi, uint64_t la,
		struct ie_zmap_extent *ext, struct ie_error *err)
{
	uint64_t lcn = la >> zi->lclusterbits, end;
	unsigned int endoff = la & ((1u << zi->lclusterbits) - 1);
	struct ie_zlcluster m;
	int ret;

	if (la >= zi->size)
		return ie_fail(err, -EINVAL, "offset beyond the file");
	ret = ie_zmap_load_lcluster(zi, lcn, &m, err);
	if (ret)
		return ret;
	if (m.type == TYPE_NONHEAD || endoff < m.clusterofs) {
		unsigned int distance = m.delta[0];

		if (m.type != TYPE_NONHEAD) {
			if (!m.lcn)
				return lfail(err, 0,
					     "the first lcluster must start an extent at offset 0");
			distance = 1;
		}
		ret = lookback(zi, &m, distance, err);
		if (ret)
			return ret;
	}
	ret = next_head_pos(zi, m.lcn, &end, err);
	if (ret)
		return ret;
	return ie_zmap_head_extent(zi, &m, end, ext, err);
}
