// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster indexes of compressed files: compact encode, compact and full
 * decode. The decoder follows the kernel's reading rules exactly, because
 * an index is only right if the kernel reads it the way we meant it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "initerofs/erofs_format.h"
#include "initerofs/zmap.h"

#define MAP_HEADER_SIZE		8
#define LOBITS			12	/* bits of a compact entry's value */
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

/* ---- decoder ----------------------------------------------------------- */

struct lcluster {
	uint64_t lcn;
	unsigned int type;
	unsigned int clusterofs;
	unsigned int delta[2];
	uint32_t pblk;
	uint32_t cblks;		/* from a CBLKCNT nonhead, else 0 */
};

static bool big_advised(const struct ie_zinode *zi)
{
	return zi->advise & (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
			     Z_EROFS_ADVISE_BIG_PCLUSTER_2);
}

static int load_full(const struct ie_zinode *zi, uint64_t lcn,
		     struct lcluster *m, char *err, size_t errlen)
{
	uint64_t off = MAP_HEADER_SIZE + 8 + lcn * 8;
	const uint8_t *di;
	unsigned int advise;

	if (off + 8 > zi->index_len)
		return ie_fail(err, errlen, -EUCLEAN,
			    "index of lcluster %llu beyond the inode",
			    (unsigned long long)lcn);
	di = zi->index + off;
	advise = ie_get_le16(di);
	m->lcn = lcn;
	m->type = advise & 3;
	m->cblks = 0;
	if (m->type == TYPE_NONHEAD) {
		m->clusterofs = 1u << zi->lclusterbits;
		m->delta[0] = ie_get_le16(di + 4);
		if (m->delta[0] & CBLKCNT) {
			if (!big_advised(zi))
				return ie_fail(err, errlen, -EUCLEAN,
					    "block count at lcluster %llu without big pclusters",
					    (unsigned long long)lcn);
			m->cblks = m->delta[0] & ~CBLKCNT;
			m->delta[0] = 1;
		}
		m->delta[1] = ie_get_le16(di + 6);
	} else {
		m->clusterofs = ie_get_le16(di + 2);
		m->pblk = ie_get_le32(di + 4);
	}
	return 0;
}

static unsigned int get_bits(const uint8_t *pack, unsigned int bit,
			     unsigned int *type)
{
	uint32_t v = ie_get_le32(pack + bit / 8) >> (bit % 8);

	*type = (v >> LOBITS) & 3;
	return v & ((1u << LOBITS) - 1);
}

/* How far ahead the next head is, seen from entry @i of a pack. */
static unsigned int lookahead_distance(const uint8_t *pack,
				       unsigned int encodebits,
				       unsigned int vcnt, unsigned int i)
{
	unsigned int lo = 0, d1 = 0, type;

	do {
		lo = get_bits(pack, encodebits * i, &type);
		if (type != TYPE_NONHEAD)
			return d1;
		++d1;
	} while (++i < vcnt);
	/* The pack's last nonhead stores its own distance to the next head. */
	if (!(lo & CBLKCNT))
		d1 += lo - 1;
	return d1;
}

/* The first block of the head at entry @i, counted as the kernel does. */
static int compact_head_pblk(const uint8_t *pack, unsigned int encodebits,
			     unsigned int vcnt, int i, bool big,
			     uint32_t *pblk)
{
	unsigned int lo, type, nblk = big ? 0 : 1;

	while (i > 0) {
		--i;
		lo = get_bits(pack, encodebits * (unsigned int)i, &type);
		if (!big) {
			if (type == TYPE_NONHEAD)
				i -= (int)lo;
			if (i >= 0)
				++nblk;
			continue;
		}
		if (type == TYPE_NONHEAD) {
			if (lo & CBLKCNT) {
				--i;
				nblk += lo & ~CBLKCNT;
				continue;
			}
			if (lo <= 1)
				return -EUCLEAN;
			i -= (int)lo - 2;
			continue;
		}
		++nblk;
	}
	*pblk = ie_get_le32(pack + (vcnt == 2 ? 8 : 32) - 4) + nblk;
	return 0;
}

static int load_compact(const struct ie_zinode *zi, uint64_t lcn,
			bool lookahead, struct lcluster *m,
			char *err, size_t errlen)
{
	uint64_t ebase = zi->index_pos + MAP_HEADER_SIZE;
	uint64_t total = total_lclusters(zi->size, zi->blkszbits);
	struct compact_layout l;
	unsigned int vcnt, encodebits, lo, type, packbytes, amortized;
	uint64_t pos, rel = lcn;
	const uint8_t *pack;
	int i;

	if (lcn >= total || zi->lclusterbits > 12)
		return ie_fail(err, errlen, -EUCLEAN, "lcluster %llu out of range",
			    (unsigned long long)lcn);
	l = compact_layout(total, ebase,
			   zi->advise & Z_EROFS_ADVISE_COMPACTED_2B);
	pos = ebase;
	amortized = 4;
	if (rel >= l.initial) {
		pos += l.initial * 4;
		rel -= l.initial;
		if (rel < l.c2b) {
			amortized = 2;
		} else {
			pos += l.c2b * 2;
			rel -= l.c2b;
		}
	}
	pos += rel * amortized;
	vcnt = amortized == 4 ? 2 : 16;
	packbytes = vcnt * amortized;
	encodebits = (packbytes - 4) * 8 / vcnt;
	i = (int)((pos & (packbytes - 1)) / amortized);
	pos &= ~(uint64_t)(packbytes - 1);
	if (pos < zi->index_pos || pos - zi->index_pos + packbytes > zi->index_len)
		return ie_fail(err, errlen, -EUCLEAN,
			    "index of lcluster %llu beyond the inode",
			    (unsigned long long)lcn);
	pack = zi->index + (pos - zi->index_pos);

	m->lcn = lcn;
	m->cblks = 0;
	lo = get_bits(pack, encodebits * (unsigned int)i, &type);
	m->type = type;
	if (type != TYPE_NONHEAD) {
		m->clusterofs = lo;
		m->delta[0] = 0;
		if (compact_head_pblk(pack, encodebits, vcnt, i, big_advised(zi),
				      &m->pblk))
			return ie_fail(err, errlen, -EUCLEAN,
				    "bad delta before lcluster %llu",
				    (unsigned long long)lcn);
		return 0;
	}
	m->clusterofs = 1u << zi->lclusterbits;
	if (lookahead)
		m->delta[1] = lookahead_distance(pack, encodebits, vcnt,
						 (unsigned int)i);
	if (lo & CBLKCNT) {
		if (!big_advised(zi))
			return ie_fail(err, errlen, -EUCLEAN,
				    "block count at lcluster %llu without big pclusters",
				    (unsigned long long)lcn);
		m->cblks = lo & ~CBLKCNT;
		m->delta[0] = 1;
		return 0;
	}
	if (i + 1 != (int)vcnt) {
		m->delta[0] = lo;
		return 0;
	}
	/* The last entry holds delta[1]; delta[0] follows from its neighbour. */
	lo = get_bits(pack, encodebits * (unsigned int)(i - 1), &type);
	if (type != TYPE_NONHEAD)
		lo = 0;
	else if (lo & CBLKCNT)
		lo = 1;
	m->delta[0] = lo + 1;
	return 0;
}

static int load_lcluster(const struct ie_zinode *zi, uint64_t lcn,
			 bool lookahead, struct lcluster *m,
			 char *err, size_t errlen)
{
	int ret;

	if (zi->datalayout == EROFS_LAYOUT_COMPRESSED_COMPACT)
		ret = load_compact(zi, lcn, lookahead, m, err, errlen);
	else
		ret = load_full(zi, lcn, m, err, errlen);
	if (ret)
		return ret;
	if (m->type != TYPE_NONHEAD && m->clusterofs >= (1u << zi->lclusterbits))
		return ie_fail(err, errlen, -EUCLEAN,
			    "cluster offset %u at lcluster %llu too large",
			    m->clusterofs, (unsigned long long)lcn);
	return 0;
}

int ie_zmap_inode_init(struct ie_zinode *zi, unsigned int blkszbits,
		       unsigned int datalayout, uint64_t size,
		       bool sb_big_pcluster, const uint8_t *index,
		       uint64_t index_pos, size_t index_len,
		       char *err, size_t errlen)
{
	unsigned int big;

	memset(zi, 0, sizeof(*zi));
	if (index_len < MAP_HEADER_SIZE)
		return ie_fail(err, errlen, -EUCLEAN, "map header beyond the inode");
	if (index[7] & (1u << Z_EROFS_FRAGMENT_INODE_BIT))
		return ie_fail(err, errlen, -EOPNOTSUPP,
			    "file stored in the packed inode (fragments)");
	zi->blkszbits = blkszbits;
	zi->datalayout = datalayout;
	zi->size = size;
	zi->sb_big_pcluster = sb_big_pcluster;
	zi->index = index;
	zi->index_pos = index_pos;
	zi->index_len = index_len;
	zi->advise = ie_get_le16(index + 4);
	zi->algorithm[0] = index[6] & 15;
	zi->algorithm[1] = index[6] >> 4;
	zi->lclusterbits = blkszbits + (index[7] & 15);
	if (zi->advise & (Z_EROFS_ADVISE_FRAGMENT_PCLUSTER |
			  Z_EROFS_ADVISE_INLINE_PCLUSTER |
			  Z_EROFS_ADVISE_INTERLACED_PCLUSTER))
		return ie_fail(err, errlen, -EOPNOTSUPP,
			    "tail packing, fragments or interlaced pclusters (advise 0x%x)",
			    zi->advise);
	if (zi->algorithm[0] >= Z_EROFS_COMPRESSION_MAX ||
	    zi->algorithm[1] >= Z_EROFS_COMPRESSION_MAX)
		return ie_fail(err, errlen, -EOPNOTSUPP, "unknown algorithm 0x%x",
			    index[6]);
	big = zi->advise & (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
			    Z_EROFS_ADVISE_BIG_PCLUSTER_2);
	if (big && !sb_big_pcluster)
		return ie_fail(err, errlen, -EUCLEAN,
			    "big pcluster without the superblock feature");
	if (datalayout == EROFS_LAYOUT_COMPRESSED_COMPACT &&
	    big && big != (Z_EROFS_ADVISE_BIG_PCLUSTER_1 |
			   Z_EROFS_ADVISE_BIG_PCLUSTER_2))
		return ie_fail(err, errlen, -EUCLEAN,
			    "inconsistent big pcluster flags 0x%x", zi->advise);
	if (datalayout == EROFS_LAYOUT_COMPRESSED_COMPACT &&
	    zi->lclusterbits > 12)
		return ie_fail(err, errlen, -EOPNOTSUPP,
			    "compact index with lclusters of 2^%u bytes",
			    zi->lclusterbits);
	return 0;
}

/* Walk back from a nonhead to the head of its extent. */
static int lookback(const struct ie_zinode *zi, struct lcluster *m,
		    unsigned int distance, char *err, size_t errlen)
{
	while (m->lcn >= distance) {
		int ret = load_lcluster(zi, m->lcn - distance, false, m,
					err, errlen);

		if (ret)
			return ret;
		if (m->type != TYPE_NONHEAD)
			return 0;
		distance = m->delta[0];
		if (!distance)
			break;
	}
	return ie_fail(err, errlen, -EUCLEAN, "bogus lookback distance %u at lcluster %llu",
		    distance, (unsigned long long)m->lcn);
}

/* Blocks of the pcluster whose head is @head (loaded in @m). */
static int pcluster_blocks(const struct ie_zinode *zi, const struct lcluster *head,
			   uint32_t *blocks, char *err, size_t errlen)
{
	bool big1 = zi->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_1;
	bool big2 = zi->advise & Z_EROFS_ADVISE_BIG_PCLUSTER_2;
	uint64_t next = head->lcn + 1;
	struct lcluster m;
	int ret;

	*blocks = 1;
	if ((head->type == Z_EROFS_LCLUSTER_TYPE_HEAD1 && !big1) ||
	    (head->type != Z_EROFS_LCLUSTER_TYPE_HEAD1 && !big2) ||
	    (next << zi->lclusterbits) >= zi->size)
		return 0;
	ret = load_lcluster(zi, next, false, &m, err, errlen);
	if (ret)
		return ret;
	if (m.type == TYPE_NONHEAD && m.delta[0] != 1)
		return ie_fail(err, errlen, -EUCLEAN, "bogus block count at lcluster %llu",
			    (unsigned long long)next);
	if (m.type == TYPE_NONHEAD && m.cblks)
		*blocks = m.cblks;
	return 0;
}

/* Logical end of the extent whose head is at @headlcn. */
static int extent_end(const struct ie_zinode *zi, uint64_t headlcn,
		      uint64_t *end, char *err, size_t errlen)
{
	uint64_t lcn = headlcn + 1;
	struct lcluster m;
	int ret;

	for (;;) {
		if ((lcn << zi->lclusterbits) >= zi->size) {
			*end = zi->size;
			return 0;
		}
		ret = load_lcluster(zi, lcn, true, &m, err, errlen);
		if (ret)
			return ret;
		if (m.type != TYPE_NONHEAD)
			break;
		lcn += m.delta[1] ? m.delta[1] : 1;
	}
	*end = (lcn << zi->lclusterbits) + m.clusterofs;
	return 0;
}

int ie_zmap_map(const struct ie_zinode *zi, uint64_t la,
		struct ie_zmap_extent *ext, char *err, size_t errlen)
{
	uint64_t lcn = la >> zi->lclusterbits, end;
	unsigned int endoff = la & ((1u << zi->lclusterbits) - 1);
	struct lcluster m;
	uint32_t blocks;
	int ret;

	if (la >= zi->size)
		return ie_fail(err, errlen, -EINVAL, "offset beyond the file");
	ret = load_lcluster(zi, lcn, false, &m, err, errlen);
	if (ret)
		return ret;
	if (m.type == TYPE_NONHEAD || endoff < m.clusterofs) {
		unsigned int distance = m.delta[0];

		if (m.type != TYPE_NONHEAD) {
			if (!m.lcn)
				return ie_fail(err, errlen, -EUCLEAN,
					    "lcluster 0 does not start an extent");
			distance = 1;
		}
		ret = lookback(zi, &m, distance, err, errlen);
		if (ret)
			return ret;
	}
	ext->la = (m.lcn << zi->lclusterbits) | m.clusterofs;
	ret = pcluster_blocks(zi, &m, &blocks, err, errlen);
	if (!ret)
		ret = extent_end(zi, m.lcn, &end, err, errlen);
	if (ret)
		return ret;
	if (end > zi->size)
		end = zi->size;
	if (end <= ext->la)
		return ie_fail(err, errlen, -EUCLEAN, "empty extent at %llu",
			    (unsigned long long)ext->la);
	ext->llen = end - ext->la;
	ext->pa = (uint64_t)m.pblk << zi->blkszbits;
	ext->plen = (uint64_t)blocks << zi->blkszbits;
	ext->plain = m.type == Z_EROFS_LCLUSTER_TYPE_PLAIN;
	ext->algorithm = m.type == Z_EROFS_LCLUSTER_TYPE_HEAD2 ?
			 zi->algorithm[1] : zi->algorithm[0];
	if (ext->plain && ext->llen > ext->plen)
		return ie_fail(err, errlen, -EUCLEAN,
			    "raw extent at %llu longer than its pcluster",
			    (unsigned long long)ext->la);
	/*
	 * The kernel maps the last extent to the end of the lcluster holding
	 * the file's last byte, not to i_size; a raw one must fit that too.
	 */
	if (ext->plain && end == zi->size &&
	    total_lclusters(zi->size, zi->lclusterbits) * (1ull << zi->lclusterbits) -
	    ext->la > ext->plen)
		return ie_fail(err, errlen, -EUCLEAN,
			    "raw last extent at %llu crosses an lcluster boundary (the kernel reads it as corrupted)",
			    (unsigned long long)ext->la);
	if (ext->plen > Z_EROFS_PCLUSTER_MAX_SIZE ||
	    ext->llen > Z_EROFS_PCLUSTER_MAX_DSIZE)
		return ie_fail(err, errlen, -EUCLEAN, "extent at %llu too large",
			    (unsigned long long)ext->la);
	return 0;
}
