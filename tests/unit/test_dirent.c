// SPDX-License-Identifier: GPL-2.0
/*
 * Directory blocks: byte-wise order, greedy packing, encode/decode round
 * trip, and the corruptions the decoder must refuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "initerofs/dirent.h"
#include "initerofs/erofs_format.h"

static struct ie_error err;

static void test_name_order(void **state)
{
	(void)state;
	assert_true(ie_dirent_name_cmp("a", 1, "b", 1) < 0);
	assert_true(ie_dirent_name_cmp("ab", 2, "a", 1) > 0);
	assert_true(ie_dirent_name_cmp("a", 1, "ab", 2) < 0);
	assert_int_equal(ie_dirent_name_cmp("same", 4, "same", 4), 0);
	/* Bytes compare unsigned: UTF-8 sorts after ASCII. */
	assert_true(ie_dirent_name_cmp("\xc3\xa9", 2, "z", 1) > 0);
	/* "-" (0x2d) sorts before "." (0x2e): dots are not always first. */
	assert_true(ie_dirent_name_cmp("-x", 2, ".", 1) < 0);
}

static void test_round_trip(void **state)
{
	struct ie_dirent_in in[3] = {
		{ ".", 1, 36, EROFS_FT_DIR },
		{ "..", 2, 36, EROFS_FT_DIR },
		{ "hello", 5, 1234567890123ull, EROFS_FT_REG_FILE },
	};
	struct ie_dirent_view out[8];
	uint8_t block[4096];
	size_t used;

	(void)state;
	assert_int_equal(ie_dir_block_count(in, 3, 4096, &used), 3);
	assert_int_equal(used, 3 * 12 + 8);
	assert_int_equal(ie_dir_size(in, 3, 4096), used);
	ie_dir_block_encode(in, 3, block, 4096);
	assert_int_equal(ie_get_le16(block + 8), 36);	/* nameoff0 */
	assert_int_equal(block[10], EROFS_FT_DIR);
	assert_int_equal(ie_dir_block_decode(block, used, 4096, out, 8, &err), 3);
	assert_int_equal(out[2].nid, 1234567890123ull);
	assert_int_equal(out[2].namelen, 5);
	assert_memory_equal(out[2].name, "hello", 5);
	assert_int_equal(out[1].namelen, 2);
	/* A full block decodes the same: the last name ends at the padding. */
	assert_int_equal(ie_dir_block_decode(block, 4096, 4096, out, 8, &err), 3);
	assert_int_equal(out[2].namelen, 5);
}

/* 255-byte names: 15 per 4 KiB block, the directory spans blocks. */
static void test_spanning(void **state)
{
	static char names[40][256];
	struct ie_dirent_in in[40];
	struct ie_dirent_view out[320];
	uint8_t block[4096];
	size_t used, i, done = 0, blocks = 0;

	(void)state;
	for (i = 0; i < 40; i++) {
		memset(names[i], 'a', 255);
		snprintf(names[i], sizeof(names[i]), "%03zu", i);
		names[i][3] = 'a';
		in[i].name = names[i];
		in[i].namelen = 255;
		in[i].nid = i + 100;
		in[i].file_type = EROFS_FT_REG_FILE;
	}
	assert_int_equal(ie_dir_block_count(in, 40, 4096, &used), 15);
	assert_int_equal(ie_dir_size(in, 40, 4096),
			 2 * 4096 + 10 * (12 + 255));
	while (done < 40) {
		size_t count = ie_dir_block_count(in + done, 40 - done, 4096, &used);
		int got;

		ie_dir_block_encode(in + done, count, block, 4096);
		got = ie_dir_block_decode(block, done + count == 40 ? used : 4096,
					  4096, out, 320, &err);
		assert_int_equal(got, (int)count);
		assert_int_equal(out[0].nid, done + 100);
		assert_int_equal(out[count - 1].namelen, 255);
		done += count;
		blocks++;
	}
	assert_int_equal(blocks, 3);
}

static void corrupt(uint8_t *block, size_t used, int expect_ok)
{
	struct ie_dirent_view out[8];
	int got = ie_dir_block_decode(block, used, 4096, out, 8, &err);

	if (expect_ok)
		assert_true(got > 0);
	else
		assert_int_equal(got, -EUCLEAN);
}

static void test_corruptions(void **state)
{
	struct ie_dirent_in in[2] = {
		{ "a", 1, 1, 1 }, { "bb", 2, 2, 1 },
	};
	uint8_t block[4096];
	size_t used;

	(void)state;
	ie_dir_block_count(in, 2, 4096, &used);
	ie_dir_block_encode(in, 2, block, 4096);
	corrupt(block, used, 1);
	ie_put_le16(block + 8, 13);		/* not a multiple of 12 */
	corrupt(block, used, 0);
	ie_put_le16(block + 8, 0);
	corrupt(block, used, 0);
	ie_put_le16(block + 8, 24);
	ie_put_le16(block + 20, 4000);		/* second name out of range */
	corrupt(block, used, 0);
	ie_put_le16(block + 20, 23);		/* names overlap entries */
	corrupt(block, used, 0);
	ie_put_le16(block + 20, 25);
	ie_put_le16(block + 8, 96);		/* more entries than the block */
	corrupt(block, used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_order),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_spanning),
		cmocka_unit_test(test_corruptions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
