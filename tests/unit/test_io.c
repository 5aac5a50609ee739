// SPDX-License-Identifier: GPL-2.0
/* ie_write_full(), ie_pwrite_full(), ie_pread_full(): util/io.c. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "initerofs/io.h"

static void test_round_trip(void **state)
{
	char path[] = "/tmp/ie-test-io.XXXXXX", got[16];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ie_write_full(fd, "hello ", 6), 0);
	assert_int_equal(ie_pwrite_full(fd, "world", 5, 6), 0);
	assert_int_equal(ie_pread_full(fd, got, 11, 0), 0);
	assert_memory_equal(got, "hello world", 11);
	/* Past the end: the file is shorter than asked. */
	assert_int_equal(ie_pread_full(fd, got, 12, 0), -ENODATA);
	close(fd);
}

static void test_errors(void **state)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	int pipefd[2];

	(void)state;
	if (fd >= 0) {
		assert_int_equal(ie_write_full(fd, "x", 1), -ENOSPC);
		close(fd);
	}
	assert_int_equal(ie_write_full(-1, "x", 1), -EBADF);
	assert_int_equal(ie_pread_full(-1, pipefd, 1, 0), -EBADF);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(ie_pwrite_full(pipefd[1], "x", 1, 0), -ESPIPE);
	close(pipefd[0]);
	close(pipefd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
