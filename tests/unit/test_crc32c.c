// SPDX-License-Identifier: GPL-2.0
/*
 * CRC32C against published check values, and the raw-register convention
 * the kernel's crc32c() uses for the EROFS superblock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "initerofs/crc32c.h"

/* The CRC-32C check value: "123456789" -> 0xE3069283. */
static void test_check_value(void **state)
{
	(void)state;
	assert_int_equal(~ie_crc32c(~0u, "123456789", 9), 0xE3069283u);
}

/* RFC 3720 (iSCSI) B.4: 32 bytes of zeros and of 0xff. */
static void test_rfc3720_vectors(void **state)
{
	uint8_t buf[32];

	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(~ie_crc32c(~0u, buf, sizeof(buf)), 0x8A9136AAu);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(~ie_crc32c(~0u, buf, sizeof(buf)), 0x62A8AB43u);
}

/* Splitting the input anywhere gives the same register (slicing path). */
static void test_incremental(void **state)
{
	uint8_t buf[100];
	uint32_t whole;
	size_t i, cut;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	whole = ie_crc32c(~0u, buf, sizeof(buf));
	for (cut = 0; cut <= sizeof(buf); cut++)
		assert_int_equal(ie_crc32c(ie_crc32c(~0u, buf, cut), buf + cut,
					   sizeof(buf) - cut), whole);
}

/* No input leaves the register alone. */
static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(ie_crc32c(0x12345678u, "", 0), 0x12345678u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_rfc3720_vectors),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
