// SPDX-License-Identifier: GPL-2.0
/*
 * Inode encoding: both forms round-trip, fields sit at the kernel's
 * offsets, the compact form is chosen only when nothing is lost, device
 * numbers use the kernel's new_encode_dev() layout.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "initerofs/erofs_format.h"
#include "initerofs/inode.h"

static struct ie_disk_inode sample(bool extended)
{
	struct ie_disk_inode d = {
		.extended = extended,
		.datalayout = EROFS_LAYOUT_FLAT_INLINE,
		.xattr_icount = 5,
		.mode = S_IFREG | 04755,
		.nlink = 3,
		.size = 123456,
		.i_u = 77,
		.ino = 9,
		.uid = 1000,
		.gid = 100,
		.mtime = 1700000000,
		.mtime_nsec = 999,
	};
	return d;
}

static void test_compact_round_trip(void **state)
{
	struct ie_disk_inode in = sample(false), out;
	uint8_t buf[64];

	(void)state;
	assert_int_equal(ie_inode_encode(&in, buf), 32);
	/* i_format: version bit 0, layout in bits 1-3. */
	assert_int_equal(ie_get_le16(buf), EROFS_LAYOUT_FLAT_INLINE << 1);
	assert_int_equal(ie_get_le16(buf + 4), S_IFREG | 04755);
	assert_int_equal(ie_get_le32(buf + 8), 123456);
	assert_int_equal(ie_get_le32(buf + 16), 77);
	assert_int_equal(ie_get_le16(buf + 24), 1000);
	assert_int_equal(ie_inode_decode(buf, 32, 42, 7, &out), 0);
	assert_false(out.extended);
	assert_int_equal(out.size, 123456);
	assert_int_equal(out.nlink, 3);
	assert_int_equal(out.uid, 1000);
	assert_int_equal(out.gid, 100);
	/* Compact inodes show the superblock's build time. */
	assert_int_equal(out.mtime, 42);
	assert_int_equal(out.mtime_nsec, 7);
	assert_int_equal(out.xattr_icount, 5);
}

static void test_extended_round_trip(void **state)
{
	struct ie_disk_inode in = sample(true), out;
	uint8_t buf[64];

	(void)state;
	in.size = 5ull << 32;
	in.uid = 70000;
	in.nlink = 70000;
	assert_int_equal(ie_inode_encode(&in, buf), 64);
	assert_int_equal(ie_get_le16(buf) & 1, 1);
	assert_int_equal(ie_get_le64(buf + 8), 5ull << 32);
	assert_int_equal(ie_get_le64(buf + 32), 1700000000);
	assert_int_equal(ie_get_le32(buf + 40), 999);
	assert_int_equal(ie_get_le32(buf + 44), 70000);
	assert_int_equal(ie_inode_decode(buf, 64, 0, 0, &out), 0);
	assert_true(out.extended);
	assert_int_equal(out.size, 5ull << 32);
	assert_int_equal(out.uid, 70000);
	assert_int_equal(out.nlink, 70000);
	assert_int_equal(out.mtime, 1700000000);
	assert_int_equal(out.mtime_nsec, 999);
}

static void test_fits_compact(void **state)
{
	struct ie_disk_inode d = sample(false);

	(void)state;
	assert_true(ie_inode_fits_compact(&d, 1700000000, 999));
	assert_false(ie_inode_fits_compact(&d, 1700000000, 0));
	assert_false(ie_inode_fits_compact(&d, 1700000001, 999));
	d.size = 1ull << 32;
	assert_false(ie_inode_fits_compact(&d, 1700000000, 999));
	d = sample(false);
	d.gid = 65536;
	assert_false(ie_inode_fits_compact(&d, 1700000000, 999));
	d = sample(false);
	d.nlink = 65536;
	assert_false(ie_inode_fits_compact(&d, 1700000000, 999));
}

static void test_decode_rejects(void **state)
{
	struct ie_disk_inode d = sample(true), out;
	uint8_t buf[64];

	(void)state;
	ie_inode_encode(&d, buf);
	assert_int_equal(ie_inode_decode(buf, 63, 0, 0, &out), -EUCLEAN);
	assert_int_equal(ie_inode_decode(buf, 16, 0, 0, &out), -EUCLEAN);
	ie_put_le16(buf, 0x10 | 1);		/* a format bit nobody knows */
	assert_int_equal(ie_inode_decode(buf, 64, 0, 0, &out), -EOPNOTSUPP);
	ie_put_le16(buf, 5 << 1);		/* data layout 5 */
	assert_int_equal(ie_inode_decode(buf, 64, 0, 0, &out), -EOPNOTSUPP);
}

static void test_devices(void **state)
{
	uint32_t maj, min;

	(void)state;
	assert_int_equal(ie_encode_dev(5, 1), 0x501);
	assert_int_equal(ie_encode_dev(8, 0x12345), (0x45 | 8 << 8 | 0x12300 << 12));
	ie_decode_dev(ie_encode_dev(4095, 0xfffff), &maj, &min);
	assert_int_equal(maj, 4095);
	assert_int_equal(min, 0xfffff);
	ie_decode_dev(ie_encode_dev(259, 7), &maj, &min);
	assert_int_equal(maj, 259);
	assert_int_equal(min, 7);
}

static void test_ftypes(void **state)
{
	(void)state;
	assert_int_equal(ie_mode_to_ftype(S_IFREG | 0644), EROFS_FT_REG_FILE);
	assert_int_equal(ie_mode_to_ftype(S_IFDIR), EROFS_FT_DIR);
	assert_int_equal(ie_mode_to_ftype(S_IFLNK), EROFS_FT_SYMLINK);
	assert_int_equal(ie_mode_to_ftype(S_IFCHR), EROFS_FT_CHRDEV);
	assert_int_equal(ie_mode_to_ftype(S_IFBLK), EROFS_FT_BLKDEV);
	assert_int_equal(ie_mode_to_ftype(S_IFIFO), EROFS_FT_FIFO);
	assert_int_equal(ie_mode_to_ftype(S_IFSOCK), EROFS_FT_SOCK);
	assert_int_equal(ie_mode_to_ftype(0), EROFS_FT_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_round_trip),
		cmocka_unit_test(test_extended_round_trip),
		cmocka_unit_test(test_fits_compact),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_ftypes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
