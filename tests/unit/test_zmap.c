// SPDX-License-Identifier: GPL-2.0
/*
 * Compact cluster indexes: what the encoder writes must decode, by the
 * kernel's rules (ie_zmap_map() follows fs/erofs/zmap.c), to exactly the
 * extents it was given, for every lcluster, every alignment of the index
 * after the inode, with and without big pclusters. What the encoder never
 * writes (tail packing, interlaced pclusters, bad headers) is written by
 * hand. Damaged indexes must be refused or decoded to something, never read
 * out of bounds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "initerofs/erofs_format.h"
#include "initerofs/zmap.h"

#define BITS		12
#define BLK		4096u
#define BLKADDR		1000u
#define MAX_EXT		4096

static uint32_t rng = 1;
static struct ie_error err;

static uint32_t next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* Extents shaped like the writer's: raw blocks or compressed runs. */
static size_t make_extents(struct ie_zextent *ext, uint64_t size, bool big)
{
	uint64_t pos = 0;
	size_t n = 0;

	while (pos < size) {
		uint64_t left = size - pos, len;
		uint32_t blocks = 1;

		ext[n].lstart = pos;
		ext[n].plain = next_rand() % 3 == 0;
		if (ext[n].plain) {
			len = left < BLK ? left : BLK;
			/* As the writer: the last raw block ends in its lcluster. */
			if (len == left && pos % BLK + len > BLK)
				len = BLK - pos % BLK;
		} else {
			if (big)
				blocks = 1 + next_rand() % 4;
			len = (uint64_t)blocks * BLK + 1 +
			      next_rand() % (4 * BLK * blocks);
			if (len > IE_ZEXTENT_MAX_LEN)
				len = IE_ZEXTENT_MAX_LEN;
			if (len >= left) {
				len = left;
				/* As the writer: a compressed extent is longer
				 * than its blocks, or it would be stored raw. */
				while (blocks > 1 && len <= (uint64_t)blocks * BLK)
					blocks--;
			}
		}
		ext[n].blocks = blocks;
		pos += len;
		n++;
	}
	return n;
}

struct encoded {
	uint8_t *buf;
	struct ie_zinode zi;
};

static void encode(struct encoded *e, const struct ie_zextent *ext, size_t n,
		   uint64_t size, bool big, uint64_t hpos)
{
	size_t len = 8 + ie_zmap_compact_size(size, BITS, hpos);

	e->buf = calloc(1, len);
	assert_non_null(e->buf);
	assert_int_equal(ie_zmap_compact_encode(ext, n, size, BITS, BLKADDR, big,
						Z_EROFS_COMPRESSION_LZ4, hpos,
						e->buf), 0);
	assert_int_equal(ie_zmap_inode_init(&e->zi, BITS,
					    EROFS_LAYOUT_COMPRESSED_COMPACT, size,
					    big ? EROFS_INCOMPAT_BIG_PCLUSTER : 0,
					    e->buf, hpos, len, &err), 0);
}

/* Every lcluster's first and last byte maps to the extent holding it. */
static void check_all(const struct ie_zextent *ext, size_t n, uint64_t size,
		      bool big, uint64_t hpos)
{
	struct encoded e;
	uint64_t pblk = BLKADDR;
	size_t k;

	encode(&e, ext, n, size, big, hpos);
	for (k = 0; k < n; k++) {
		uint64_t end = k + 1 < n ? ext[k + 1].lstart : size;
		uint64_t probes[4] = { ext[k].lstart, end - 1,
				       (ext[k].lstart + end) / 2,
				       (ext[k].lstart | (BLK - 1)) };
		int p;

		for (p = 0; p < 4; p++) {
			struct ie_zmap_extent m;

			if (probes[p] >= end)
				continue;
			assert_int_equal(ie_zmap_map(&e.zi, probes[p], &m, &err), 0);
			assert_int_equal(m.la, ext[k].lstart);
			assert_int_equal(m.llen, end - ext[k].lstart);
			assert_int_equal(m.pa, pblk * BLK);
			assert_int_equal(m.plen, (uint64_t)ext[k].blocks * BLK);
			assert_int_equal(m.plain, ext[k].plain);
		}
		pblk += ext[k].blocks;
	}
	free(e.buf);
}

static void run_random(bool big)
{
	static struct ie_zextent ext[MAX_EXT];
	uint64_t sizes[] = { 4097, 8192, 12345, 65536 + 17, 1 << 20,
			     5 * (1 << 20) + 3 };
	unsigned int round, align, s;

	for (round = 0; round < 8; round++)
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (align = 0; align < 4; align++) {
				size_t n = make_extents(ext, sizes[s], big);

				check_all(ext, n, sizes[s], big,
					  1000 * 32 + align * 8);
			}
}

static void test_random_small_pclusters(void **state)
{
	(void)state;
	run_random(false);
}

static void test_random_big_pclusters(void **state)
{
	(void)state;
	run_random(true);
}

/* One compressed extent over 3 lclusters, index right after a 32-byte inode. */
static void test_known_layout(void **state)
{
	struct ie_zextent ext[1] = { { 0, 1, 0 } };
	struct encoded e;

	(void)state;
	/* Header at 32: ebase 40, so 3 4-byte entries before the 32-byte mark. */
	assert_int_equal(ie_zmap_compact_size(3 * BLK, BITS, 32), 16);
	encode(&e, ext, 1, 3 * BLK, false, 32);
	assert_int_equal(ie_get_le16(e.buf + 4), Z_EROFS_ADVISE_COMPACTED_2B);
	assert_int_equal(e.buf[6], Z_EROFS_COMPRESSION_LZ4);
	/* First pack: HEAD1 at offset 0, then NONHEAD delta[1] = 2 (last slot). */
	assert_int_equal(ie_get_le16(e.buf + 8), 1 << 12);
	assert_int_equal(ie_get_le16(e.buf + 10), (2 << 12) | 2);
	/* Base address: one before the head (the reader counts the head). */
	assert_int_equal(ie_get_le32(e.buf + 12), BLKADDR - 1);
	free(e.buf);
}

static void test_rejects_bad_extents(void **state)
{
	struct ie_zextent two_heads[2] = { { 0, 1, 0 }, { 100, 1, 0 } };
	struct ie_zextent long_plain[1] = { { 0, 1, 1 } };
	struct ie_zextent big_without[1] = { { 0, 2, 0 } };
	struct ie_zextent not_at_zero[1] = { { 5, 1, 0 } };
	struct ie_zextent raw_tail[2] = { { 0, 1, 0 }, { 8495, 1, 1 } };
	uint8_t buf[256];

	(void)state;
	assert_int_equal(ie_zmap_compact_encode(two_heads, 2, 3 * BLK, BITS, 0,
						false, 0, 32, buf), -EINVAL);
	assert_int_equal(ie_zmap_compact_encode(long_plain, 1, BLK + 1, BITS, 0,
						false, 0, 32, buf), -EINVAL);
	assert_int_equal(ie_zmap_compact_encode(big_without, 1, 9 * BLK, BITS, 0,
						false, 0, 32, buf), -EINVAL);
	assert_int_equal(ie_zmap_compact_encode(not_at_zero, 1, 3 * BLK, BITS, 0,
						false, 0, 32, buf), -EINVAL);
	/* A raw last extent crossing into the file's last lcluster: Linux
	 * maps it to that lcluster's end, beyond its block, and refuses it. */
	assert_int_equal(ie_zmap_compact_encode(raw_tail, 2, 12289, BITS, 0,
						false, 0, 32, buf), -EINVAL);
}

/* The same index written by hand: the decoder refuses it like the kernel. */
static void test_raw_tail_refused(void **state)
{
	uint8_t idx[32] = {
		0, 0, 0, 0, 1, 0, 0, 0,		/* map header: COMPACTED_2B */
		0x00, 0x10, 0x01, 0x20, 0x70, 0x01, 0, 0, /* HEAD1@0, NONHEAD */
		0x2f, 0x01, 0x01, 0x20, 0x71, 0x01, 0, 0, /* PLAIN@303, NONHEAD */
	};
	struct ie_zmap_extent m;
	struct ie_zinode zi;

	(void)state;
	assert_int_equal(ie_zmap_inode_init(&zi, BITS, 3, 12289, 0, idx, 64,
					    sizeof(idx), &err), 0);
	assert_int_equal(ie_zmap_map(&zi, 0, &m, &err), 0);
	assert_int_equal(m.llen, 8495);
	assert_int_equal(ie_zmap_map(&zi, 12288, &m, &err), -EUCLEAN);
	assert_non_null(strstr(err.msg, "lcluster boundary"));
}

static int header_init(const uint8_t *hdr, size_t len, uint32_t features)
{
	struct ie_zinode zi;

	return ie_zmap_inode_init(&zi, BITS, EROFS_LAYOUT_COMPRESSED_COMPACT,
				  9000, features, hdr, 0, len, &err);
}

/* The map header's checks, each with its own reason. */
static void test_header_checks(void **state)
{
	uint8_t hdr[16] = { 0 };

	(void)state;
	hdr[7] = 0x80;		/* whole file in the packed inode */
	assert_int_equal(header_init(hdr, 16, 0), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "packed inode"));
	hdr[7] = 0;
	ie_put_le16(hdr + 4, Z_EROFS_ADVISE_FRAGMENT_PCLUSTER);
	assert_int_equal(header_init(hdr, 16, 0), -EOPNOTSUPP);
	ie_put_le16(hdr + 4, Z_EROFS_ADVISE_BIG_PCLUSTER_1);
	assert_int_equal(header_init(hdr, 16, 0), -EUCLEAN);
	assert_string_equal(err.msg, "lcluster 0: big pclusters without the superblock feature");
	assert_int_equal(header_init(hdr, 16, EROFS_INCOMPAT_BIG_PCLUSTER),
			 -EUCLEAN);
	assert_non_null(strstr(err.msg, "inconsistent big pcluster flags"));
	ie_put_le16(hdr + 4, 0);
	hdr[6] = 9;		/* unknown algorithm */
	assert_int_equal(header_init(hdr, 16, 0), -EUCLEAN);
	assert_non_null(strstr(err.msg, "unknown compression algorithm"));
	hdr[6] = 0;
	hdr[7] = 5;		/* lclusters of 2^17 bytes */
	assert_int_equal(header_init(hdr, 16, 0), -EUCLEAN);
	assert_non_null(strstr(err.msg, "absurd"));
	hdr[7] = 0;
	ie_put_le16(hdr + 2, 100);
	ie_put_le16(hdr + 4, Z_EROFS_ADVISE_INLINE_PCLUSTER);
	assert_int_equal(header_init(hdr, 16, 0), -EUCLEAN);
	assert_non_null(strstr(err.msg, "inline tail pcluster without"));
	assert_int_equal(header_init(hdr, 4, 0), -EUCLEAN);
	assert_string_equal(err.msg, "lcluster 0: map header outside the image");
}

/*
 * A full index by hand, with tail packing: an LZ4 extent over [0, 4500)
 * in block 100, then the raw tail [4500, 5000) inline, right after the
 * last record.
 */
static void make_tail_packed(uint8_t *idx, unsigned int advise)
{
	memset(idx, 0, 600);
	ie_put_le16(idx + 2, 500);			/* h_idata_size */
	ie_put_le16(idx + 4, Z_EROFS_ADVISE_INLINE_PCLUSTER | advise);
	ie_put_le16(idx + 16, Z_EROFS_LCLUSTER_TYPE_HEAD1);
	ie_put_le32(idx + 20, 100);			/* its pblk */
	ie_put_le16(idx + 24, Z_EROFS_LCLUSTER_TYPE_PLAIN);
	ie_put_le16(idx + 26, 404);			/* 4096 + 404 */
}

static void test_inline_tail(void **state)
{
	uint32_t features = EROFS_INCOMPAT_ZTAILPACKING;
	struct ie_zmap_extent m;
	struct ie_zinode zi;
	uint8_t idx[600];

	(void)state;
	make_tail_packed(idx, Z_EROFS_ADVISE_INTERLACED_PCLUSTER);
	assert_int_equal(ie_zmap_inode_init(&zi, BITS, EROFS_LAYOUT_COMPRESSED_FULL,
					    5000, features, idx, 64, sizeof(idx),
					    &err), 0);
	assert_int_equal(zi.idata_pos, 64 + 32);
	assert_int_equal(ie_zmap_map(&zi, 4499, &m, &err), 0);
	assert_int_equal(m.la, 0);
	assert_int_equal(m.llen, 4500);
	assert_int_equal(m.pa, 100 * BLK);
	assert_false(m.inline_tail);
	assert_int_equal(ie_zmap_map(&zi, 4999, &m, &err), 0);
	assert_int_equal(m.la, 4500);
	assert_int_equal(m.llen, 500);
	assert_int_equal(m.pa, 64 + 32);
	assert_int_equal(m.plen, 500);
	assert_true(m.inline_tail && m.plain);
	/* Interlacing is for whole blocks, never the inline tail. */
	assert_false(m.interlaced);

	/* The tail may not cross into the next block. */
	assert_int_equal(ie_zmap_inode_init(&zi, BITS, EROFS_LAYOUT_COMPRESSED_FULL,
					    5000, features, idx, BLK - 96,
					    sizeof(idx), &err),
			 -EUCLEAN);
	assert_string_equal(err.msg, "lcluster 1: inline tail pcluster crosses a block boundary");
}

/* Without tail packing, a raw pcluster of an interlaced file is interlaced. */
static void test_interlaced(void **state)
{
	uint8_t idx[32] = { 0 };
	struct ie_zmap_extent m;
	struct ie_zinode zi;

	(void)state;
	ie_put_le16(idx + 4, Z_EROFS_ADVISE_INTERLACED_PCLUSTER);
	ie_put_le16(idx + 16, Z_EROFS_LCLUSTER_TYPE_PLAIN);
	ie_put_le16(idx + 18, 0);
	ie_put_le32(idx + 20, 7);
	assert_int_equal(ie_zmap_inode_init(&zi, BITS, EROFS_LAYOUT_COMPRESSED_FULL,
					    BLK, 0, idx, 0, sizeof(idx), &err), 0);
	assert_int_equal(ie_zmap_map(&zi, 10, &m, &err), 0);
	assert_true(m.plain && m.interlaced && !m.inline_tail);
	assert_int_equal(m.pa, 7 * BLK);
	/* A record past the buffer: refused, not read. */
	assert_int_equal(ie_zmap_inode_init(&zi, BITS, EROFS_LAYOUT_COMPRESSED_FULL,
					    BLK + 1, 0, idx, 0, 24, &err), 0);
	assert_int_equal(ie_zmap_map(&zi, BLK, &m, &err), -EUCLEAN);
	assert_string_equal(err.msg, "lcluster 1: index record outside the image");
}

/* Flipped bits: a result or an error, never a crash (ASan watches). */
static void test_damaged_indexes(void **state)
{
	static struct ie_zextent ext[MAX_EXT];
	uint64_t size = 3 * (1 << 20) + 77, la;
	size_t n, len, round;
	struct encoded e;

	(void)state;
	for (round = 0; round < 200; round++) {
		bool big = round & 1;

		n = make_extents(ext, size, big);
		encode(&e, ext, n, size, big, 64 + (round % 4) * 8);
		len = e.zi.index_len;
		e.buf[8 + next_rand() % (len - 8)] ^= (uint8_t)(1u << (next_rand() % 8));
		for (la = 0; la < size; la += BLK * 7 + 13) {
			struct ie_zmap_extent m;
			int ret = ie_zmap_map(&e.zi, la, &m, &err);

			assert_true(ret == 0 || ret == -EUCLEAN);
			if (!ret) {
				assert_true(m.llen > 0);
				assert_true(m.la + m.llen <= size);
			}
		}
		free(e.buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_small_pclusters),
		cmocka_unit_test(test_random_big_pclusters),
		cmocka_unit_test(test_known_layout),
		cmocka_unit_test(test_rejects_bad_extents),
		cmocka_unit_test(test_raw_tail_refused),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_inline_tail),
		cmocka_unit_test(test_interlaced),
		cmocka_unit_test(test_damaged_indexes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
