// SPDX-License-Identifier: GPL-2.0
/*
 * The writer, the checker and the extractor through the public API only
 * (include/initerofs/): a tree built in memory is written with each
 * compression, read back through the reader, found clean by ie_check(),
 * extracted by ie_extract(); the same tree gives the same bytes; a
 * corrupted image is reported; failures come back as a negative errno
 * with a message in the error record.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "initerofs/check.h"
#include "initerofs/extract.h"
#include "initerofs/reader.h"
#include "initerofs/writer.h"
#include "scratch.h"

#define BIG_LEN		(3 * 4096 + 123)	/* full blocks and a tail */

static unsigned char big[BIG_LEN];

/*
 * /etc/motd ("hello\n", 0644, xattr user.note), /bin/big (BIG_LEN bytes of
 * text), /bin/again (a hardlink to it), /bin/sh -> big, /dev/null (c 1:3),
 * /empty/ (an empty directory), everything owned by 1000:100, mtime fixed.
 */
static struct ie_tree *sample_tree(void)
{
	struct ie_tree *tree = ie_tree_new();
	struct ie_inode *etc, *bin, *dev, *empty, *motd, *file, *link, *null;
	size_t i;

	assert_non_null(tree);
	for (i = 0; i < BIG_LEN; i++)
		big[i] = (unsigned char)("compressible text "[i % 18] + i / 4096);
	etc = ie_tree_mkdir_p(tree, "/etc", 1600000000);
	bin = ie_tree_mkdir_p(tree, "/bin", 1600000000);
	dev = ie_tree_mkdir_p(tree, "/dev", 1600000000);
	empty = ie_tree_mkdir_p(tree, "/empty", 1600000000);
	assert_true(etc && bin && dev && empty);
	motd = mem_file(0644, "hello\n", 6);
	file = mem_file(0755, big, BIG_LEN);
	link = ie_inode_new(S_IFLNK | 0777);
	null = ie_inode_new(S_IFCHR | 0666);
	assert_true(motd && file && link && null);
	link->symlink = strdup("big");
	assert_non_null(link->symlink);
	link->size = 3;
	null->rdev_major = 1;
	null->rdev_minor = 3;
	assert_int_equal(ie_xattr_set(motd, "user.note", "kept", 4), 0);
	assert_int_equal(ie_dir_link(etc, "motd", motd), 0);
	assert_int_equal(ie_dir_link(bin, "big", file), 0);
	assert_int_equal(ie_dir_link(bin, "again", file), 0);
	assert_int_equal(ie_dir_link(bin, "sh", link), 0);
	assert_int_equal(ie_dir_link(dev, "null", null), 0);
	return tree;
}

static void write_sample(const char *path, enum ie_compr_kind kind)
{
	struct ie_tree *tree = sample_tree();
	struct ie_write_options opts;
	struct ie_write_stats stats;
	struct ie_error err;

	ie_write_options_init(&opts);
	opts.compr.kind = kind;
	opts.jobs = 2;
	opts.all_root = false;
	opts.force_mtime = true;
	opts.mtime = 1600000000;
	if (ie_write_image(tree, &opts, path, &stats, &err))
		fail_msg("ie_write_image: %s", err.msg);
	assert_int_equal(stats.inodes, 9);	/* / etc bin dev empty motd big sh null */
	assert_true(stats.image_bytes > 0);
	ie_tree_free(tree);
}

static struct ie_image *open_ok(const char *path, unsigned int flags)
{
	struct ie_image *img;
	struct ie_error err;

	if (ie_image_open(path, flags, &img, &err))
		fail_msg("ie_image_open: %s", err.msg);
	return img;
}

static void assert_file(struct ie_image *img, const char *path,
			const void *want, size_t len)
{
	struct ie_rinode ino;
	char *got;

	assert_int_equal(ie_path_resolve(img, path, true, &ino), 0);
	assert_int_equal(ino.size, len);
	assert_int_equal(ie_file_read_all(img, &ino, 1 << 20, &got), 0);
	assert_memory_equal(got, want, len);
	free(got);
}

/* Each compression: what was written reads back, and check finds nothing. */
static void test_write_read_check(void **state)
{
	static const enum ie_compr_kind kinds[] = {
		IE_COMPR_NONE, IE_COMPR_LZ4, IE_COMPR_LZ4HC,
	};
	struct scratch *s = *state;
	struct ie_check_stats cs;
	struct ie_report rep = { 0 };
	struct ie_rinode ino, again;
	char path[128];
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct ie_image *img;

		scratch_path(s, "w.img", path, sizeof(path));
		write_sample(path, kinds[k]);
		img = open_ok(path, 0);
		assert_file(img, "/etc/motd", "hello\n", 6);
		assert_file(img, "/bin/big", big, BIG_LEN);
		assert_file(img, "/bin/sh", big, BIG_LEN);	/* followed */
		assert_int_equal(ie_path_resolve(img, "/bin/big", false, &ino), 0);
		assert_int_equal(ie_path_resolve(img, "/bin/again", false, &again), 0);
		assert_int_equal(ino.nid, again.nid);		/* one inode */
		assert_int_equal(ino.nlink, 2);
		assert_int_equal(ino.mode, S_IFREG | 0755);
		assert_int_equal(ie_path_resolve(img, "/dev/null", false, &ino), 0);
		assert_int_equal(ino.rdev_major, 1);
		assert_int_equal(ino.rdev_minor, 3);
		assert_int_equal(ino.mtime, 1600000000);
		assert_int_equal(ie_check(img, &rep, 0, &cs), 0);
		assert_int_equal(cs.inodes, 9);
		assert_int_equal(cs.hardlinks, 1);
		assert_int_equal(cs.data_bytes, 6 + BIG_LEN);
		if (kinds[k] != IE_COMPR_NONE)
			assert_int_equal(cs.compressed_files, 1);
		ie_image_close(img);
	}
}

/* The same tree and options give the same bytes, whatever -j. */
static void test_reproducible(void **state)
{
	struct scratch *s = *state;
	char a[128], b[128];
	unsigned char *x, *y;
	size_t xl, yl;

	write_sample(scratch_path(s, "a.img", a, sizeof(a)), IE_COMPR_LZ4HC);
	write_sample(scratch_path(s, "b.img", b, sizeof(b)), IE_COMPR_LZ4HC);
	x = slurp(a, &xl);
	y = slurp(b, &yl);
	assert_true(x && y);
	assert_int_equal(xl, yl);
	assert_memory_equal(x, y, xl);
	free(x);
	free(y);
}

/* Failures: a negative errno and a message naming what failed. */
static void test_write_errors(void **state)
{
	struct scratch *s = *state;
	struct ie_tree *tree = sample_tree();
	struct ie_write_options opts;
	struct ie_error err;
	char path[128];

	ie_write_options_init(&opts);
	scratch_path(s, "missing/x.img", path, sizeof(path));
	assert_int_equal(ie_write_image(tree, &opts, path, NULL, &err), -ENOENT);
	assert_int_equal(err.err, -ENOENT);
	assert_non_null(strstr(err.msg, "missing/x.img"));
	/* A pcluster that is not a multiple of the block size. */
	opts.compr.kind = IE_COMPR_LZ4;
	opts.pclustersize = 4096 + 512;
	scratch_path(s, "p.img", path, sizeof(path));
	assert_true(ie_write_image(tree, &opts, path, NULL, &err) < 0);
	assert_true(err.err < 0);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(access(path, F_OK), -1);	/* nothing left behind */
	/* No record wanted: still the errno. */
	assert_true(ie_write_image(tree, &opts, path, NULL, NULL) < 0);
	ie_tree_free(tree);
}

/* Every problem reported, one a line. */
struct problems {
	struct ie_report rep;
	char all[4096];
};

static void note_problem(struct ie_report *rep, const char *msg)
{
	struct problems *p = (struct problems *)rep;
	size_t used = strlen(p->all);

	snprintf(p->all + used, sizeof(p->all) - used, "%s\n", msg);
}

/* A damaged inode is reported by ie_check(), with where it is. */
static void test_check_finds_damage(void **state)
{
	struct scratch *s = *state;
	struct problems p = { .rep = { .problem = note_problem } };
	struct ie_image *img;
	struct ie_rinode ino;
	char path[128];
	uint64_t pos;
	int fd;

	scratch_path(s, "c.img", path, sizeof(path));
	write_sample(path, IE_COMPR_NONE);
	img = open_ok(path, 0);
	assert_int_equal(ie_path_resolve(img, "/etc/motd", false, &ino), 0);
	pos = ino.pos;
	ie_image_close(img);
	/* i_format 0xffff: an unknown version and layout (and a bad crc). */
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\xff\xff", 2, (off_t)pos), 2);
	assert_int_equal(close(fd), 0);
	img = open_ok(path, IE_OPEN_LENIENT);
	assert_true(ie_check(img, &p.rep, 0, NULL) > 0);
	assert_true(p.rep.problems > 0);
	if (!strstr(p.all, "checksum") || !strstr(p.all, "motd"))
		fail_msg("problems: %s", p.all);
	ie_image_close(img);
}

/* ie_extract() gives the tree back: contents, links, modes, mtimes. */
static void test_extract(void **state)
{
	struct scratch *s = *state;
	struct ie_extract_opts opts = { .xattrs = false };
	struct problems errors = { .rep = { .problem = note_problem } };
	char path[128], dest[128], f[192], target[16];
	struct stat a, b;
	struct ie_image *img;
	unsigned char *got;
	size_t len;

	scratch_path(s, "x.img", path, sizeof(path));
	write_sample(path, IE_COMPR_LZ4);
	img = open_ok(path, 0);
	scratch_path(s, "out", dest, sizeof(dest));
	assert_int_equal(ie_extract(img, dest, &opts, &errors.rep), 0);
	snprintf(f, sizeof(f), "%s/bin/big", dest);
	got = slurp(f, &len);
	assert_non_null(got);
	assert_int_equal(len, BIG_LEN);
	assert_memory_equal(got, big, BIG_LEN);
	free(got);
	assert_int_equal(lstat(f, &a), 0);
	assert_int_equal(a.st_mode, S_IFREG | 0755);
	assert_int_equal(a.st_mtime, 1600000000);
	snprintf(f, sizeof(f), "%s/bin/again", dest);
	assert_int_equal(lstat(f, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	snprintf(f, sizeof(f), "%s/bin/sh", dest);
	assert_int_equal(readlink(f, target, sizeof(target)), 3);
	assert_memory_equal(target, "big", 3);
	snprintf(f, sizeof(f), "%s/empty", dest);
	assert_int_equal(lstat(f, &a), 0);
	assert_true(S_ISDIR(a.st_mode));
	/* A destination that is not empty is refused, and left alone. */
	snprintf(f, sizeof(f), "%s/etc/motd", dest);
	assert_true(ie_extract(img, dest, &opts, &errors.rep) > 0);
	got = slurp(f, &len);
	assert_non_null(got);
	assert_int_equal(len, 6);
	free(got);
	ie_image_close(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read_check,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_reproducible,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_write_errors,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_check_finds_damage,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_extract,
						scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
