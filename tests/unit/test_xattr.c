// SPDX-License-Identifier: GPL-2.0
/*
 * Xattr prefixes and entries: the kernel's prefix indexes, 4-byte aligned
 * entries, decode bounds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "initerofs/erofs_format.h"
#include "initerofs/xattr.h"

static void test_prefixes(void **state)
{
	const char *suffix;
	unsigned int index;

	(void)state;
	assert_int_equal(ie_xattr_prefix_split("user.mime", &index, &suffix), 0);
	assert_int_equal(index, EROFS_XATTR_INDEX_USER);
	assert_string_equal(suffix, "mime");
	assert_int_equal(ie_xattr_prefix_split("security.capability", &index,
					       &suffix), 0);
	assert_int_equal(index, EROFS_XATTR_INDEX_SECURITY);
	assert_int_equal(ie_xattr_prefix_split("trusted.overlay.opaque", &index,
					       &suffix), 0);
	assert_int_equal(index, EROFS_XATTR_INDEX_TRUSTED);
	assert_string_equal(suffix, "overlay.opaque");
	assert_int_equal(ie_xattr_prefix_split("system.posix_acl_access", &index,
					       &suffix), 0);
	assert_int_equal(index, EROFS_XATTR_INDEX_POSIX_ACL_ACCESS);
	assert_string_equal(suffix, "");
	assert_int_equal(ie_xattr_prefix_split("system.posix_acl_accessX",
					       &index, &suffix), -EOPNOTSUPP);
	assert_int_equal(ie_xattr_prefix_split("system.other", &index, &suffix),
			 -EOPNOTSUPP);
	assert_string_equal(ie_xattr_prefix(EROFS_XATTR_INDEX_SECURITY),
			    "security.");
	assert_null(ie_xattr_prefix(99));
}

static void test_entry_round_trip(void **state)
{
	struct ie_xattr_view v;
	uint8_t buf[64];
	size_t len;

	(void)state;
	assert_int_equal(ie_xattr_entry_size(4, 3), 12);
	assert_int_equal(ie_xattr_entry_size(4, 4), 12);
	assert_int_equal(ie_xattr_entry_size(4, 5), 16);
	memset(buf, 0xee, sizeof(buf));
	len = ie_xattr_entry_encode(EROFS_XATTR_INDEX_USER, "mime", 4, "abc", 3,
				    buf);
	assert_int_equal(len, 12);
	assert_int_equal(buf[0], 4);
	assert_int_equal(buf[1], EROFS_XATTR_INDEX_USER);
	assert_int_equal(ie_get_le16(buf + 2), 3);
	assert_int_equal(buf[11], 0);		/* padding is zeroed */
	assert_int_equal(ie_xattr_entry_decode(buf, 12, &v), 12);
	assert_int_equal(v.suffix_len, 4);
	assert_memory_equal(v.suffix, "mime", 4);
	assert_int_equal(v.value_len, 3);
	assert_memory_equal(v.value, "abc", 3);
	assert_int_equal(ie_xattr_entry_decode(buf, 11, &v), -EUCLEAN);
	assert_int_equal(ie_xattr_entry_decode(buf, 3, &v), -EUCLEAN);
}

static void test_ibody(void **state)
{
	uint8_t hdr[12];

	(void)state;
	memset(hdr, 0xee, sizeof(hdr));
	ie_xattr_ibody_header_encode(hdr, 3);
	assert_int_equal(hdr[4], 3);
	assert_int_equal(ie_get_le32(hdr), 0);
	assert_int_equal(ie_xattr_icount(0), 0);
	assert_int_equal(ie_xattr_icount(12), 1);
	assert_int_equal(ie_xattr_icount(12 + 4 * 3 + 12), 7);
	assert_int_equal(erofs_xattr_ibody_size(7), 12 + 4 * 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_entry_round_trip),
		cmocka_unit_test(test_ibody),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
