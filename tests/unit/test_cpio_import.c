// SPDX-License-Identifier: GPL-2.0
/*
 * The cpio importer replays the kernel's unpacking: these tests pin the
 * rules listed in include/initerofs/import_cpio.h, each with an archive
 * whose kernel outcome follows from init/initramfs.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "initerofs/import_cpio.h"
#include "cpio_build.h"

struct fixture {
	struct ie_tree *tree;
	FILE *spool;
	unsigned long warnings;
	char last_warning[IE_ERR_MAX];
	struct ie_error err;
};

static void record_warning(void *ctx, const char *msg)
{
	struct fixture *f = ctx;

	snprintf(f->last_warning, sizeof(f->last_warning), "%s", msg);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->tree = ie_tree_new();
	f->spool = tmpfile();
	*state = f;
	return f->tree && f->spool ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ie_tree_free(f->tree);
	fclose(f->spool);
	free(f);
	return 0;
}

/* Import @b into the fixture's tree; return the scan's result. */
static int import(struct fixture *f, const struct buf *b)
{
	struct ie_cpio_import *imp;
	struct ie_stream in;
	int ret;

	imp = ie_cpio_import_new(f->tree, fileno(f->spool), 1000,
				 record_warning, f);
	assert_non_null(imp);
	assert_int_equal(ie_stream_init_mem(&in, b->p, b->len), 0);
	ret = ie_initrd_scan(&in, &ie_cpio_import_ops, imp, &f->err);
	if (!ret)
		ret = ie_cpio_import_finish(imp, &f->err);
	f->warnings = ie_cpio_import_warnings(imp);
	ie_cpio_import_free(imp);
	ie_stream_fini(&in);
	return ret;
}

static void import_ok(struct fixture *f, const struct buf *b)
{
	if (import(f, b))
		fail_msg("import failed: %s", f->err);
}

static struct ie_inode *get(struct fixture *f, const char *path)
{
	struct ie_inode *inode = ie_tree_lookup(f->tree, path);

	if (!inode)
		fail_msg("%s is missing", path);
	return inode;
}

static void assert_content(struct fixture *f, const char *path,
			   const char *expect)
{
	struct ie_inode *inode = get(f, path);
	size_t len = strlen(expect);
	char buf[256];

	assert_true(S_ISREG(inode->mode));
	assert_int_equal(inode->size, len);
	if (!len) {
		assert_int_equal(inode->data.kind, IE_DATA_NONE);
		return;
	}
	assert_int_equal(inode->data.kind, IE_DATA_FD);
	assert_int_equal(pread(inode->data.fd, buf, len, (off_t)inode->data.offset),
			 (ssize_t)len);
	assert_memory_equal(buf, expect, len);
}

static void add_all(struct buf *b, const struct centry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cpio_add(b, &e[i]);
	cpio_trailer(b);
}

#define ADD_ALL(b, e) add_all(b, e, sizeof(e) / sizeof((e)[0]))

static void test_file_types_and_attributes(void **state)
{
	struct fixture *f = *state;
	struct centry e[] = {
		{ .name = ".", .mode = S_IFDIR | 0700, .mtime = 5 },
		{ .name = "bin", .mode = S_IFDIR | 0755, .uid = 1, .gid = 2, .mtime = 77 },
		{ .name = "bin/su", .mode = S_IFREG | 04755, .uid = 0, .gid = 0,
		  .mtime = 1234567890, .data = "#!/bin/sh\n" },
		{ .name = "bin/sh", .mode = S_IFLNK | 0777, .uid = 3, .gid = 4,
		  .mtime = 9, .data = "busybox" },
		{ .name = "dev", .mode = S_IFDIR | 0755 },
		{ .name = "dev/console", .mode = S_IFCHR | 0600, .rdevmajor = 5,
		  .rdevminor = 1, .mtime = 11 },
		{ .name = "dev/sda", .mode = S_IFBLK | 0660, .gid = 6,
		  .rdevmajor = 8, .rdevminor = 0x12345 },
		{ .name = "dev/fifo", .mode = S_IFIFO | 0644 },
		{ .name = "dev/sock", .mode = S_IFSOCK | 0755 },
		{ .name = "/abs", .mode = S_IFREG | 01644, .data = "" },
	};
	struct buf b = { 0 };
	struct ie_inode *i;

	ADD_ALL(&b, e);
	import_ok(f, &b);
	assert_int_equal(f->warnings, 0);
	i = f->tree->root;
	assert_int_equal(i->mode, S_IFDIR | 0700);
	assert_int_equal(i->mtime, 5);
	i = get(f, "bin");
	assert_int_equal(i->mode, S_IFDIR | 0755);
	assert_int_equal(i->uid, 1);
	assert_int_equal(i->gid, 2);
	assert_int_equal(i->mtime, 77);
	i = get(f, "bin/su");
	assert_int_equal(i->mode, S_IFREG | 04755);
	assert_int_equal(i->mtime, 1234567890);
	assert_content(f, "bin/su", "#!/bin/sh\n");
	i = get(f, "bin/sh");
	assert_int_equal(i->mode, S_IFLNK | 0777);
	assert_string_equal(i->symlink, "busybox");
	assert_int_equal(i->size, 7);
	assert_int_equal(i->uid, 3);
	assert_int_equal(i->mtime, 9);
	i = get(f, "dev/console");
	assert_int_equal(i->mode, S_IFCHR | 0600);
	assert_int_equal(i->rdev_major, 5);
	assert_int_equal(i->rdev_minor, 1);
	assert_int_equal(i->mtime, 11);
	i = get(f, "dev/sda");
	assert_int_equal(i->mode, S_IFBLK | 0660);
	assert_int_equal(i->rdev_major, 8);
	assert_int_equal(i->rdev_minor, 0x12345);
	assert_int_equal(get(f, "dev/fifo")->mode, S_IFIFO | 0644);
	assert_int_equal(get(f, "dev/sock")->mode, S_IFSOCK | 0755);
	assert_int_equal(get(f, "abs")->mode, S_IFREG | 01644);
	assert_content(f, "abs", "");
	buf_free(&b);
}

static void test_later_entries_replace(void **state)
{
	struct fixture *f = *state;
	struct centry e[] = {
		{ .name = "a", .mode = S_IFREG | 0644, .data = "file" },
		{ .name = "a", .mode = S_IFLNK | 0777, .data = "target" },
		{ .name = "b", .mode = S_IFLNK | 0777, .data = "x" },
		{ .name = "b", .mode = S_IFREG | 0600, .data = "now a file" },
		{ .name = "empty", .mode = S_IFDIR | 0755 },
		{ .name = "empty", .mode = S_IFREG | 0644, .data = "was a dir" },
		{ .name = "full", .mode = S_IFDIR | 0755 },
		{ .name = "full/x", .mode = S_IFREG | 0644, .data = "kept" },
		/* rmdir fails on a non-empty directory: the file is dropped. */
		{ .name = "full", .mode = S_IFREG | 0644, .data = "lost" },
		{ .name = "c", .mode = S_IFREG | 0644, .data = "first, longer" },
		{ .name = "c", .mode = S_IFREG | 0640, .uid = 9, .data = "second" },
	};
	struct buf b = { 0 };

	ADD_ALL(&b, e);
	import_ok(f, &b);
	assert_string_equal(get(f, "a")->symlink, "target");
	assert_content(f, "b", "now a file");
	assert_int_equal(get(f, "b")->mode, S_IFREG | 0600);
	assert_content(f, "empty", "was a dir");
	assert_true(S_ISDIR(get(f, "full")->mode));
	assert_content(f, "full/x", "kept");
	assert_int_equal(f->warnings, 1);
	assert_non_null(strstr(f->last_warning, "\"full\" not created"));
	assert_content(f, "c", "second");
	assert_int_equal(get(f, "c")->mode, S_IFREG | 0640);
	assert_int_equal(get(f, "c")->uid, 9);
	buf_free(&b);
}

static void test_hardlinks(void **state)
{
	struct fixture *f = *state;
	/* GNU cpio's newc: the data comes with the last name of the inode. */
	struct centry e[] = {
		{ .name = "x", .mode = S_IFREG | 0755, .ino = 7, .nlink = 3 },
		{ .name = "y", .mode = S_IFREG | 0755, .ino = 7, .nlink = 3 },
		{ .name = "z", .mode = S_IFREG | 0755, .ino = 7, .nlink = 3,
		  .data = "shared" },
		/* Same ino, other device: another file. */
		{ .name = "other", .mode = S_IFREG | 0644, .ino = 7, .nlink = 2,
		  .devminor = 1, .data = "other" },
		{ .name = "n1", .mode = S_IFCHR | 0600, .ino = 8, .nlink = 2,
		  .rdevmajor = 1, .rdevminor = 3 },
		{ .name = "n2", .mode = S_IFCHR | 0600, .ino = 8, .nlink = 2,
		  .rdevmajor = 1, .rdevminor = 3 },
	};
	struct centry later[] = {
		/* A new archive: the table is cleared, ino 7 is a new file... */
		{ .name = "w", .mode = S_IFREG | 0644, .ino = 7, .nlink = 2,
		  .data = "fresh" },
		/* ...and rewriting x in place changes y and z too. */
		{ .name = "x", .mode = S_IFREG | 0700, .ino = 99, .data = "rewritten" },
	};
	struct buf b = { 0 };

	ADD_ALL(&b, e);
	ADD_ALL(&b, later);
	import_ok(f, &b);
	assert_ptr_equal(get(f, "x"), get(f, "y"));
	assert_ptr_equal(get(f, "x"), get(f, "z"));
	assert_int_equal(get(f, "x")->nlink, 3);
	assert_content(f, "z", "rewritten");
	assert_int_equal(get(f, "y")->mode, S_IFREG | 0700);
	assert_ptr_not_equal(get(f, "other"), get(f, "x"));
	assert_content(f, "other", "other");
	assert_ptr_equal(get(f, "n1"), get(f, "n2"));
	assert_ptr_not_equal(get(f, "w"), get(f, "x"));
	assert_content(f, "w", "fresh");
	buf_free(&b);
}

static void test_missing_parent_is_not_created(void **state)
{
	struct fixture *f = *state;
	struct centry e[] = {
		{ .name = "usr/bin/env", .mode = S_IFREG | 0755, .data = "x" },
		{ .name = "file", .mode = S_IFREG | 0644, .data = "y" },
		{ .name = "file/below", .mode = S_IFREG | 0644, .data = "z" },
	};
	struct buf b = { 0 };

	ADD_ALL(&b, e);
	import_ok(f, &b);
	assert_null(ie_tree_lookup(f->tree, "usr"));
	assert_int_equal(f->warnings, 2);
	assert_non_null(strstr(f->last_warning, "a parent is not a directory"));
	assert_content(f, "file", "y");
	buf_free(&b);
}

static void test_symlinks_followed_mid_path(void **state)
{
	struct fixture *f = *state;
	struct centry e[] = {
		{ .name = "usr", .mode = S_IFDIR | 0755 },
		{ .name = "usr/lib", .mode = S_IFDIR | 0755 },
		{ .name = "lib", .mode = S_IFLNK | 0777, .data = "usr/lib" },
		{ .name = "lib64", .mode = S_IFLNK | 0777, .data = "/lib/../lib" },
		{ .name = "lib/libc.so", .mode = S_IFREG | 0644, .data = "libc" },
		{ .name = "lib64/ld.so", .mode = S_IFREG | 0644, .data = "ld" },
		{ .name = "loop", .mode = S_IFLNK | 0777, .data = "loop" },
		{ .name = "loop/x", .mode = S_IFREG | 0644, .data = "never" },
	};
	struct buf b = { 0 };

	ADD_ALL(&b, e);
	import_ok(f, &b);
	assert_content(f, "usr/lib/libc.so", "libc");
	assert_content(f, "usr/lib/ld.so", "ld");
	assert_true(S_ISLNK(get(f, "lib")->mode));
	assert_int_equal(f->warnings, 1);
	assert_non_null(strstr(f->last_warning, "too many levels of symbolic links"));
	buf_free(&b);
}

static void test_directory_rules(void **state)
{
	struct fixture *f = *state;
	struct centry e[] = {
		{ .name = "d", .mode = S_IFDIR | 0755, .mtime = 100 },
		{ .name = "d/f", .mode = S_IFREG | 0644, .mtime = 300, .data = "f" },
		/* Again: owner and mode change, content stays; mtime stays 100. */
		{ .name = "d", .mode = S_IFDIR | 0700, .uid = 5, .mtime = 200 },
		{ .name = "e", .mode = S_IFDIR | 0755, .mtime = 400 },
		{ .name = "e/", .mode = S_IFDIR | 0711, .mtime = 500 },
		/* A directory entry with data is skipped by the kernel. */
		{ .name = "g", .mode = S_IFDIR | 0755, .data = "junk" },
		{ .name = "dev", .mode = S_IFDIR | 0755 },
		{ .name = "dev/null", .mode = S_IFCHR | 0666, .rdevmajor = 1, .rdevminor = 3 },
		/* mknod fails on the existing node; chmod and chown still happen. */
		{ .name = "dev/null", .mode = S_IFCHR | 0600, .uid = 4, .rdevmajor = 9 },
	};
	struct buf b = { 0 };
	struct ie_inode *d;

	ADD_ALL(&b, e);
	import_ok(f, &b);
	d = get(f, "d");
	assert_int_equal(d->mode, S_IFDIR | 0700);
	assert_int_equal(d->uid, 5);
	assert_int_equal(d->mtime, 100);
	assert_content(f, "d/f", "f");
	assert_int_equal(get(f, "e")->mode, S_IFDIR | 0711);
	assert_int_equal(get(f, "e")->mtime, 400);
	assert_null(ie_tree_lookup(f->tree, "g"));
	assert_int_equal(f->warnings, 1);
	assert_int_equal(get(f, "dev/null")->mode, S_IFCHR | 0600);
	assert_int_equal(get(f, "dev/null")->uid, 4);
	assert_int_equal(get(f, "dev/null")->rdev_major, 1);
	/* No "." entry: the root keeps the importer's default mtime. */
	assert_int_equal(f->tree->root->mtime, 1000);
	buf_free(&b);
}

static void test_bad_file_type(void **state)
{
	struct fixture *f = *state;
	struct centry e[] = {
		{ .name = "weird", .mode = 0170644 },
	};
	struct buf b = { 0 };

	ADD_ALL(&b, e);
	assert_int_equal(import(f, &b), -EINVAL);
	assert_non_null(strstr(f->err.msg, "offset 14: \"weird\": mode 0170644 has no valid file type"));
	buf_free(&b);
}

static void test_big_file_streams_to_spool(void **state)
{
	struct fixture *f = *state;
	size_t size = 3 * 1024 * 1024 + 5;
	char *data = malloc(size + 1), *back = malloc(size);
	struct centry e[] = {
		{ .name = "small", .mode = S_IFREG | 0644, .data = "s" },
		{ .name = "big", .mode = S_IFREG | 0644, .data = data },
	};
	struct buf b = { 0 };
	struct ie_inode *i;
	size_t k;

	for (k = 0; k < size; k++)
		data[k] = (char)('a' + k % 23);
	data[size] = '\0';
	ADD_ALL(&b, e);
	import_ok(f, &b);
	i = get(f, "big");
	assert_int_equal(i->size, size);
	assert_int_equal(pread(i->data.fd, back, size, (off_t)i->data.offset),
			 (ssize_t)size);
	assert_memory_equal(back, data, size);
	assert_content(f, "small", "s");
	free(data);
	free(back);
	buf_free(&b);
}

/*
 * A symlink target over 4095 bytes: symlink(2) fails, the kernel makes no
 * link; the importer used to keep it and the writer then emitted an image
 * its own readers refuse (issue 12).
 */
static void test_symlink_target_too_long(void **state)
{
	struct fixture *f = *state;
	char *target = malloc(4097);
	struct buf b = { 0 };

	memset(target, 't', 4096);
	target[4096] = '\0';
	{
		struct centry e[] = {
			{ .name = "long", .mode = S_IFLNK | 0777, .data = target },
			{ .name = "ok", .mode = S_IFLNK | 0777, .data = target + 1 },
		};

		add_all(&b, e, 2);
	}
	cpio_trailer(&b);
	import_ok(f, &b);
	assert_null(ie_tree_lookup(f->tree, "/long"));
	assert_int_equal(get(f, "/ok")->size, 4095);
	assert_int_equal(f->warnings, 1);
	assert_non_null(strstr(f->last_warning, "over 4095 bytes"));
	buf_free(&b);
	free(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_types_and_attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_entries_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hardlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_parent_is_not_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks_followed_mid_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_file_streams_to_spool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_target_too_long, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
