// SPDX-License-Identifier: GPL-2.0
/*
 * Superblock: encode/decode round trip, the checksum as the kernel computes
 * it, and the rejections Linux 6.12 makes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "initerofs/crc32c.h"
#include "initerofs/erofs_format.h"
#include "initerofs/superblock.h"

static uint8_t image[8192];
static struct ie_error err;

static void sample(struct ie_super_info *sb, bool cfgs)
{
	memset(sb, 0, sizeof(*sb));
	sb->blkszbits = 12;
	sb->feature_compat = EROFS_COMPAT_SB_CHKSUM | EROFS_COMPAT_MTIME;
	sb->feature_incompat = EROFS_INCOMPAT_ZERO_PADDING;
	sb->root_nid = 36;
	sb->inos = 1234;
	sb->build_time = 1700000000;
	sb->build_time_nsec = 42;
	sb->blocks = 99;
	sb->xattr_blkaddr = 1;
	memset(sb->uuid, 0xab, sizeof(sb->uuid));
	strcpy(sb->volume_name, "initrd");
	if (cfgs) {
		sb->feature_incompat |= EROFS_INCOMPAT_COMPR_CFGS;
		sb->available_compr_algs = 1u << Z_EROFS_COMPRESSION_LZ4;
		sb->lz4_max_pclusterblks = 16;
	}
}

static void build(const struct ie_super_info *sb)
{
	memset(image, 0, sizeof(image));
	assert_true(ie_super_encode(sb, image + EROFS_SUPER_OFFSET,
				    sizeof(image) - EROFS_SUPER_OFFSET) > 0);
	ie_super_set_checksum(image, sb->blkszbits);
}

static void test_round_trip(void **state)
{
	struct ie_super_info in, out;

	(void)state;
	sample(&in, false);
	build(&in);
	assert_int_equal(ie_get_le32(image + 1024), EROFS_MAGIC);
	assert_int_equal(ie_super_decode(image, sizeof(image), &out, &err), 0);
	assert_int_equal(out.root_nid, 36);
	assert_int_equal(out.inos, 1234);
	assert_int_equal(out.build_time, 1700000000);
	assert_int_equal(out.build_time_nsec, 42);
	assert_int_equal(out.blocks, 99);
	assert_int_equal(out.xattr_blkaddr, 1);
	assert_string_equal(out.volume_name, "initrd");
	assert_memory_equal(out.uuid, in.uuid, 16);
	assert_int_equal(out.lz4_max_pclusterblks, 1);
}

/* Fields sit where the kernel's struct erofs_super_block has them. */
static void test_field_offsets(void **state)
{
	struct ie_super_info in;

	(void)state;
	sample(&in, false);
	build(&in);
	assert_int_equal(image[1024 + 12], 12);			/* blkszbits */
	assert_int_equal(ie_get_le16(image + 1024 + 14), 36);	/* root_nid */
	assert_int_equal(ie_get_le64(image + 1024 + 16), 1234);	/* inos */
	assert_int_equal(ie_get_le32(image + 1024 + 36), 99);	/* blocks */
	assert_int_equal(image[1024 + 48], 0xab);		/* uuid */
	assert_memory_equal(image + 1024 + 64, "initrd", 6);	/* volume */
	assert_int_equal(ie_get_le32(image + 1024 + 80),
			 EROFS_INCOMPAT_ZERO_PADDING);
}

/* The kernel's checksum: crc32c(~0) over block 0 from 1024, field zeroed. */
static void test_checksum_convention(void **state)
{
	struct ie_super_info in;
	uint8_t copy[3072];
	uint32_t stored;

	(void)state;
	sample(&in, false);
	build(&in);
	stored = ie_get_le32(image + 1028);
	memcpy(copy, image + 1024, sizeof(copy));
	memset(copy + 4, 0, 4);
	assert_int_equal(stored, ie_crc32c(~0u, copy, sizeof(copy)));
	/* Anything in the rest of block 0 is covered too. */
	image[4095] ^= 1;
	assert_int_equal(ie_super_decode(image, sizeof(image), &in, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "checksum"));
}

/* Blocks of 1 KiB or less: the checksum covers one block from 1024. */
static void test_small_block_checksum(void **state)
{
	struct ie_super_info in, out;

	(void)state;
	sample(&in, false);
	in.blkszbits = 9;
	build(&in);
	assert_int_equal(ie_super_checksum_len(9), 512);
	assert_int_equal(ie_super_decode(image, 1536, &out, &err), 0);
	image[1024 + 511] ^= 1;
	assert_int_equal(ie_super_decode(image, 1536, &out, &err),
			 -EBADMSG);
}

static void test_compression_records(void **state)
{
	struct ie_super_info in, out;
	int len;

	(void)state;
	sample(&in, true);
	memset(image, 0, sizeof(image));
	len = ie_super_encode(&in, image + 1024, 4096);
	assert_int_equal(len, 128 + 16);
	assert_int_equal(ie_get_le16(image + 1024 + 128), 14);
	assert_int_equal(ie_get_le16(image + 1024 + 132), 16);
	ie_super_set_checksum(image, 12);
	assert_int_equal(ie_super_decode(image, sizeof(image), &out, &err), 0);
	assert_int_equal(out.lz4_max_pclusterblks, 16);
	assert_int_equal(out.available_compr_algs, 1);
	assert_int_equal(out.cfgs_size, 16);
}

static void expect_reject(int (*mutate)(void), int code, const char *word)
{
	struct ie_super_info in, out;

	sample(&in, false);
	build(&in);
	mutate();
	ie_super_set_checksum(image, 12);
	assert_int_equal(ie_super_decode(image, sizeof(image), &out, &err), code);
	assert_non_null(strstr(err.msg, word));
}

static int bad_magic(void) { image[1024] ^= 0xff; return 0; }
static int bad_blkszbits(void) { image[1024 + 12] = 13; return 0; }
static int bad_dirblkbits(void) { image[1024 + 90] = 1; return 0; }
static int bad_incompat(void) { image[1024 + 80] |= 0x80; return 0; }
static int bad_name(void) { memset(image + 1024 + 64, 'x', 16); return 0; }

static void test_rejections(void **state)
{
	(void)state;
	expect_reject(bad_magic, -EUCLEAN, "magic");
	expect_reject(bad_blkszbits, -EUCLEAN, "block size");
	expect_reject(bad_dirblkbits, -EUCLEAN, "dirblkbits");
	expect_reject(bad_incompat, -EOPNOTSUPP, "incompatible");
	expect_reject(bad_name, -EUCLEAN, "volume name");
}

static void test_short_image(void **state)
{
	struct ie_super_info out;

	(void)state;
	assert_int_equal(ie_super_decode(image, 1100, &out, &err),
			 -EUCLEAN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_field_offsets),
		cmocka_unit_test(test_checksum_convention),
		cmocka_unit_test(test_small_block_checksum),
		cmocka_unit_test(test_compression_records),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_short_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
