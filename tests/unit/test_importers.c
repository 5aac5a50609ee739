// SPDX-License-Identifier: GPL-2.0
/*
 * The importers through the public API only (include/initerofs/): a
 * directory (hardlinks, symlinks, xattrs, modes), a gen_init_cpio
 * manifest (its entry types, "FILE:LINE:" failures) and cpio archives
 * through the scanner and ie_cpio_import_ops, each then written and read
 * back, so the wiring the commands ship is what runs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpio_build.h"
#include "initerofs/import_cpio.h"
#include "initerofs/importer.h"
#include "initerofs/initrd.h"
#include "initerofs/reader.h"
#include "initerofs/stream.h"
#include "initerofs/writer.h"
#include "scratch.h"

static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* Write @tree to @s/NAME and open it. */
static struct ie_image *write_and_open(const struct scratch *s,
				       struct ie_tree *tree, const char *name)
{
	struct ie_write_options opts;
	struct ie_image *img;
	struct ie_error err;
	char path[128];

	ie_write_options_init(&opts);
	opts.compr.kind = IE_COMPR_LZ4;
	scratch_path(s, name, path, sizeof(path));
	if (ie_write_image(tree, &opts, path, NULL, &err))
		fail_msg("ie_write_image: %s", err.msg);
	if (ie_image_open(path, 0, &img, &err))
		fail_msg("ie_image_open: %s", err.msg);
	return img;
}

static void assert_content(struct ie_image *img, const char *path,
			   const char *want)
{
	struct ie_rinode ino;
	char *got;

	assert_int_equal(ie_path_resolve(img, path, true, &ino), 0);
	assert_int_equal(ie_file_read_all(img, &ino, 1 << 20, &got), 0);
	assert_string_equal(got, want);
	free(got);
}

/* ---- directories ------------------------------------------------------------ */

static void test_dir(void **state)
{
	struct scratch *s = *state;
	char src[128], p[192], q[192];
	struct ie_tree *tree = ie_tree_new();
	struct ie_inode *a, *b, *l;
	struct ie_image *img;
	struct ie_rinode x, y;
	struct ie_error err;

	assert_non_null(tree);
	scratch_path(s, "src", src, sizeof(src));
	assert_int_equal(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub", src);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/sub/a", src);
	put_file(p, "first\n");
	assert_int_equal(chmod(p, 04755), 0);
	snprintf(q, sizeof(q), "%s/b", src);
	assert_int_equal(link(p, q), 0);
	snprintf(q, sizeof(q), "%s/l", src);
	assert_int_equal(symlink("sub/a", q), 0);
	/* user.* xattrs are kept (tmpfs and ext4 take them). */
	snprintf(p, sizeof(p), "%s/sub/a", src);
	assert_int_equal(setxattr(p, "user.k", "v", 1, 0), 0);

	if (ie_import_dir(tree, src, &err))
		fail_msg("ie_import_dir: %s", err.msg);
	a = ie_tree_lookup(tree, "/sub/a");
	b = ie_tree_lookup(tree, "/b");
	l = ie_tree_lookup(tree, "/l");
	assert_true(a && b && l);
	assert_ptr_equal(a, b);			/* one inode, two names */
	assert_int_equal(a->nlink, 2);
	assert_int_equal(a->mode, S_IFREG | 04755);
	assert_int_equal(a->nr_xattrs, 1);
	assert_string_equal(a->xattrs[0].name, "user.k");
	assert_string_equal(l->symlink, "sub/a");
	assert_int_equal(ie_tree_lookup(tree, "/sub")->mode, S_IFDIR | 0700);

	img = write_and_open(s, tree, "dir.img");
	assert_content(img, "/b", "first\n");
	assert_content(img, "/l", "first\n");
	assert_int_equal(ie_path_resolve(img, "/b", false, &x), 0);
	assert_int_equal(ie_path_resolve(img, "/sub/a", false, &y), 0);
	assert_int_equal(x.nid, y.nid);
	ie_image_close(img);
	ie_tree_free(tree);
}

static void test_dir_missing(void **state)
{
	struct scratch *s = *state;
	struct ie_tree *tree = ie_tree_new();
	struct ie_error err;
	char src[128];

	assert_non_null(tree);
	scratch_path(s, "nowhere", src, sizeof(src));
	assert_int_equal(ie_import_dir(tree, src, &err), -ENOENT);
	assert_int_equal(err.err, -ENOENT);
	assert_non_null(strstr(err.msg, src));
	ie_tree_free(tree);
}

/* ---- manifests -------------------------------------------------------------- */

static void test_manifest(void **state)
{
	struct scratch *s = *state;
	struct ie_tree *tree = ie_tree_new();
	struct ie_inode *f, *dev, *sock, *pipe, *sh;
	char m[128], data[128], text[512];
	struct ie_image *img;
	struct ie_error err;

	assert_non_null(tree);
	scratch_path(s, "data", data, sizeof(data));
	put_file(data, "from the manifest\n");
	scratch_path(s, "m.list", m, sizeof(m));
	snprintf(text, sizeof(text),
		 "# a comment\n"
		 "dir /etc 0755 0 0\n"
		 "file /etc/data %s 0640 1 2 /etc/data2\n"
		 "nod /dev/console 0600 0 5 c 5 1\n"
		 "slink /bin/sh busybox 0777 0 0\n"
		 "pipe /run/fifo 0600 0 0\n"
		 "sock /run/sock 0600 0 0\n", data);
	put_file(m, text);
	if (ie_import_manifest(tree, m, &err))
		fail_msg("ie_import_manifest: %s", err.msg);
	f = ie_tree_lookup(tree, "/etc/data");
	assert_non_null(f);
	assert_ptr_equal(f, ie_tree_lookup(tree, "/etc/data2"));
	assert_int_equal(f->mode, S_IFREG | 0640);
	assert_int_equal(f->uid, 1);
	assert_int_equal(f->gid, 2);
	dev = ie_tree_lookup(tree, "/dev/console");
	assert_non_null(dev);
	assert_true(S_ISCHR(dev->mode));
	assert_int_equal(dev->rdev_major, 5);
	assert_int_equal(dev->rdev_minor, 1);
	assert_int_equal(dev->gid, 5);
	sh = ie_tree_lookup(tree, "/bin/sh");
	assert_non_null(sh);
	assert_string_equal(sh->symlink, "busybox");
	pipe = ie_tree_lookup(tree, "/run/fifo");
	sock = ie_tree_lookup(tree, "/run/sock");
	assert_true(pipe && S_ISFIFO(pipe->mode));
	assert_true(sock && S_ISSOCK(sock->mode));

	img = write_and_open(s, tree, "m.img");
	assert_content(img, "/etc/data2", "from the manifest\n");
	ie_image_close(img);
	ie_tree_free(tree);
}

/* A bad line: "FILE:LINE: reason", a negative errno, nothing half-done. */
static void test_manifest_errors(void **state)
{
	static const struct {
		const char *text, *where, *what;
	} cases[] = {
		{ "dir /a 0755 0 0\nfrob /b\n", ":2: ", "unknown entry type 'frob'" },
		{ "dir /a 0999 0 0\n", ":1: ", "" },
		{ "file /x /no/such/file 0644 0 0\n", ":1: ", "/no/such/file" },
		{ "nod /dev/x 0600 0 0 q 1 1\n", ":1: ", "" },
	};
	struct scratch *s = *state;
	char m[128];
	size_t i;

	scratch_path(s, "bad.list", m, sizeof(m));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ie_tree *tree = ie_tree_new();
		struct ie_error err;
		char where[160];

		assert_non_null(tree);
		put_file(m, cases[i].text);
		assert_true(ie_import_manifest(tree, m, &err) < 0);
		assert_true(err.err < 0);
		snprintf(where, sizeof(where), "%s%s", m, cases[i].where);
		if (strncmp(err.msg, where, strlen(where)) ||
		    !strstr(err.msg, cases[i].what))
			fail_msg("case %zu: \"%s\"", i, err.msg);
		ie_tree_free(tree);
	}
}

/* ---- cpio archives ------------------------------------------------------------ */

/* Two archives: the second replaces a file and hardlinks another. */
static void test_cpio(void **state)
{
	struct scratch *s = *state;
	struct ie_tree *tree = ie_tree_new();
	struct centry e[] = {
		{ .name = "etc", .mode = S_IFDIR | 0755, .nlink = 2 },
		{ .name = "etc/motd", .mode = S_IFREG | 0644, .nlink = 1,
		  .data = "old\n" },
		{ .name = "bin", .mode = S_IFDIR | 0755, .nlink = 2 },
		{ .name = "bin/a", .mode = S_IFREG | 0755, .nlink = 2, .ino = 7,
		  .data = "tool\n" },
		{ .name = "bin/b", .mode = S_IFREG | 0755, .nlink = 2, .ino = 7 },
	};
	struct centry later = { .name = "etc/motd", .mode = S_IFREG | 0600,
				.nlink = 1, .data = "new\n" };
	struct ie_cpio_import *imp;
	struct ie_stream in;
	struct ie_error err;
	struct ie_image *img;
	struct ie_rinode x, y;
	struct buf b = { 0 };
	char spool[128];
	FILE *sp;
	size_t i;

	assert_non_null(tree);
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		cpio_add(&b, &e[i]);
	cpio_trailer(&b);
	cpio_add(&b, &later);
	cpio_trailer(&b);
	scratch_path(s, "spool", spool, sizeof(spool));
	sp = fopen(spool, "w+");
	assert_non_null(sp);
	imp = ie_cpio_import_new(tree, fileno(sp), 1600000000, NULL, NULL);
	assert_non_null(imp);
	assert_int_equal(ie_stream_init_mem(&in, b.p, b.len), 0);
	if (ie_initrd_scan(&in, &ie_cpio_import_ops, imp, &err) ||
	    ie_cpio_import_finish(imp, &err))
		fail_msg("import: %s", err.msg);
	assert_int_equal(ie_cpio_import_warnings(imp), 0);
	ie_cpio_import_free(imp);
	ie_stream_fini(&in);
	assert_int_equal(ie_tree_lookup(tree, "/etc/motd")->mode,
			 S_IFREG | 0600);
	assert_ptr_equal(ie_tree_lookup(tree, "/bin/a"),
			 ie_tree_lookup(tree, "/bin/b"));

	img = write_and_open(s, tree, "cpio.img");
	assert_content(img, "/etc/motd", "new\n");
	assert_content(img, "/bin/b", "tool\n");
	assert_int_equal(ie_path_resolve(img, "/bin/a", false, &x), 0);
	assert_int_equal(ie_path_resolve(img, "/bin/b", false, &y), 0);
	assert_int_equal(x.nid, y.nid);
	ie_image_close(img);
	ie_tree_free(tree);
	fclose(sp);
	buf_free(&b);
}

/* A truncated archive: -EINVAL, and the offset in the message and record. */
static void test_cpio_truncated(void **state)
{
	struct ie_tree *tree = ie_tree_new();
	struct centry e = { .name = "f", .mode = S_IFREG | 0644, .nlink = 1,
			    .data = "0123456789" };
	struct ie_cpio_import *imp;
	struct ie_stream in;
	struct ie_error err;
	struct buf b = { 0 };
	FILE *sp = tmpfile();

	(void)state;
	assert_true(tree && sp);
	cpio_add(&b, &e);
	imp = ie_cpio_import_new(tree, fileno(sp), 0, NULL, NULL);
	assert_non_null(imp);
	assert_int_equal(ie_stream_init_mem(&in, b.p, b.len - 8), 0);
	assert_int_equal(ie_initrd_scan(&in, &ie_cpio_import_ops, imp, &err),
			 -EINVAL);
	assert_int_equal(err.err, -EINVAL);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, b.len - 8);
	assert_non_null(strstr(err.msg, "truncated"));
	ie_cpio_import_free(imp);
	ie_stream_fini(&in);
	ie_tree_free(tree);
	fclose(sp);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dir, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_dir_missing, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_manifest, scratch_setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_errors,
						scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_cpio, scratch_setup,
						scratch_teardown),
		cmocka_unit_test(test_cpio_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
