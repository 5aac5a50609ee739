// SPDX-License-Identifier: GPL-2.0
/*
 * Regression tests for the red-team findings of issue 12: each test states
 * the hostile input that broke a reader or a writer and what must happen
 * instead. Run under ASan too (make check), which is what catches the
 * use-after-free.
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
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpio_build.h"
#include "initerofs/check.h"
#include "initerofs/extract.h"
#include "initerofs/initrd.h"
#include "initerofs/reader.h"
#include "initerofs/superblock.h"
#include "initerofs/tree.h"
#include "initerofs/writer.h"

static char tmpdir[] = "/tmp/initerofs-hostile-XXXXXX";
static struct ie_error err;

static void tmp_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tmpdir, name);
}

static struct ie_inode *add(struct ie_inode *dir, const char *name,
			    mode_t mode, const char *content)
{
	struct ie_inode *ino = ie_inode_new(mode);

	assert_non_null(ino);
	if (S_ISREG(mode) && content && *content) {
		ino->size = strlen(content);
		ino->data.kind = IE_DATA_MEMORY;
		ino->data.buf = strdup(content);
	} else if (S_ISLNK(mode)) {
		ino->symlink = strdup(content);
		ino->size = strlen(content);
	}
	assert_int_equal(ie_dir_link(dir, name, ino), 0);
	return ino;
}

static void write_tree(struct ie_tree *tree, const char *out)
{
	struct ie_write_options opts;

	ie_write_options_init(&opts);
	opts.jobs = 1;
	assert_int_equal(ie_write_image(tree, &opts, out, NULL, &err), 0);
	ie_tree_free(tree);
}

static uint8_t *slurp(const char *file, size_t *len)
{
	FILE *fp = fopen(file, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void spit(const char *file, const void *buf, size_t len)
{
	FILE *fp = fopen(file, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
}

/* ---- the walker hands leave() a path that is still alive --------------- */

struct leave_log {
	char paths[8][300];
	unsigned int n;
};

static int visit_nothing(void *ctx, const struct ie_walk_entry *e)
{
	(void)ctx, (void)e;
	return 0;
}

static int log_leave(void *ctx, const struct ie_walk_entry *e,
		     unsigned long nr_subdirs)
{
	struct leave_log *log = ctx;

	(void)nr_subdirs;
	assert_true(log->n < 8);
	snprintf(log->paths[log->n++], sizeof(log->paths[0]), "%s", e->path);
	return 0;
}

/*
 * A long child name makes the walker grow its path buffer while the
 * directory's entry still points into the old one: leave() read freed
 * memory (ASan: heap-use-after-free) and printed garbage.
 */
static void test_walk_leave_path(void **state)
{
	const struct ie_walk_ops ops = { .visit = visit_nothing,
					 .leave = log_leave };
	struct ie_tree *tree = ie_tree_new();
	struct leave_log log = { .n = 0 };
	struct ie_image *img;
	struct ie_inode *d;
	char file[300], name[251];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	d = add(tree->root, "d", S_IFDIR | 0755, NULL);
	add(d, name, S_IFREG | 0644, "x");
	tmp_path(file, sizeof(file), "walk.img");
	write_tree(tree, file);
	assert_int_equal(ie_image_open(file, 0, &img, &err), 0);
	assert_int_equal(ie_walk(img, "/", &ops, &log), 0);
	assert_int_equal(log.n, 2);
	assert_string_equal(log.paths[0], "/d");
	assert_string_equal(log.paths[1], "/");
	ie_image_close(img);
}

/* ---- the readers find the image the kernel boots ------------------------ */

/* One newc entry whose data is @len raw bytes (NULs allowed). */
static void cpio_raw(struct buf *b, const char *name, const void *data,
		     size_t len)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 1, S_IFREG | 0644, 0, 0, 1, 0, (unsigned int)len, 0, 0, 0, 0,
		 (unsigned int)strlen(name) + 1, 0);
	buf_put(b, hdr, 110);
	buf_put(b, name, strlen(name) + 1);
	buf_align(b, 4);
	buf_put(b, data, len);
	buf_align(b, 4);
}

static uint8_t *image_saying(const char *what, size_t *len)
{
	struct ie_tree *tree = ie_tree_new();
	char file[300];

	add(tree->root, "which", S_IFREG | 0644, what);
	tmp_path(file, sizeof(file), "one.img");
	write_tree(tree, file);
	return slurp(file, len);
}

static char *read_which(const char *file)
{
	struct ie_image *img;
	struct ie_rinode ino;
	char *content;

	assert_int_equal(ie_image_open(file, 0, &img, &err), 0);
	assert_int_equal(ie_path_resolve(img, "/which", true, &ino), 0);
	assert_int_equal(ie_file_read_all(img, &ino, 100, &content), 0);
	ie_image_close(img);
	return content;
}

/*
 * A first cpio archive carries, as file data, a decoy image placed so that
 * its superblock sits at byte 1024 of the initrd; the real image follows
 * the archive. The kernel walks the archive and boots the real one; the
 * readers used to try offset 1024 first and showed the decoy.
 */
static void test_locate_decoy(void **state)
{
	struct buf b = { 0 };
	uint8_t *decoy, *real;
	size_t decoy_len, real_len, data_at;
	char file[300], *which;
	int64_t where;

	(void)state;
	decoy = image_saying("decoy", &decoy_len);
	real = image_saying("real", &real_len);
	/* The entry's data starts at byte 112 (110-byte header + "x\0"). */
	data_at = 112;
	cpio_raw(&b, "x", decoy + data_at, decoy_len - data_at);
	assert_int_equal(memcmp(b.p + 1024, decoy + 1024, 4), 0);
	cpio_trailer(&b);
	buf_align(&b, 4096);
	where = (int64_t)b.len;
	buf_put(&b, real, real_len);
	assert_int_equal(ie_locate_erofs(b.p, b.len), where);
	tmp_path(file, sizeof(file), "decoy.initrd");
	spit(file, b.p, b.len);
	which = read_which(file);
	assert_string_equal(which, "real");
	free(which);
	buf_free(&b);
	free(decoy);
	free(real);
}

/*
 * What the kernel does not walk, the readers do not either: behind a
 * compressed segment the kernel unpacks the initrd as an initramfs, so an
 * image found by scanning 4 KiB boundaries there is not what boots.
 */
static void test_locate_behind_compressed(void **state)
{
	struct ie_initrd_image loc;
	struct buf b = { 0 };
	uint8_t *real;
	size_t real_len;

	(void)state;
	real = image_saying("real", &real_len);
	buf_put(&b, "\x1f\x8b\x08 garbage", 11);
	buf_align(&b, 8192);
	buf_put(&b, real, real_len);
	assert_int_equal(ie_locate_erofs(b.p, b.len), -1);
	assert_non_null(ie_initrd_find_image(b.p, b.len, &loc));
	assert_string_equal(ie_initrd_find_image(b.p, b.len, &loc), "gzip");
	assert_int_equal(loc.stop, 0);

	/* A malformed first archive: the kernel unpacks (and rejects) it. */
	b.len = 0;
	cpio_raw(&b, "x", "abc", 3);
	buf_align(&b, 4096);
	buf_put(&b, real, real_len);
	assert_int_equal(ie_locate_erofs(b.p, b.len), -1);
	assert_string_equal(ie_initrd_find_image(b.p, b.len, &loc),
			    "malformed or truncated cpio archive");

	/* Zero padding of any length, not only 4-byte units. */
	b.len = 0;
	buf_zeros(&b, 3);
	buf_put(&b, real, real_len);
	assert_null(ie_initrd_find_image(b.p, b.len, &loc));
	assert_int_equal(loc.offset, 3);
	assert_int_equal(loc.archives, 0);
	buf_free(&b);
	free(real);
}

/* ---- messages do not carry the image's control bytes ------------------- */

static char last_msg[8192];

static void keep_msg(struct ie_report *rep, const char *msg)
{
	(void)rep;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

static void test_report_escapes(void **state)
{
	struct ie_report rep = { .problem = keep_msg };

	(void)state;
	ie_report(&rep, "%s: bad", "/a\033]0;pwned\007\n\r\x7f\x9b" "b");
	assert_string_equal(last_msg,
			    "/a\\x1b]0;pwned\\x07\\x0a\\x0d\\x7f\\x9bb: bad");
	assert_int_equal(rep.problems, 1);
	ie_report(&rep, "plain é %d", 3);
	assert_string_equal(last_msg, "plain é 3");
}

/* ---- extract without owners ---------------------------------------------- */

static void count_only(struct ie_report *rep, const char *msg)
{
	(void)rep, (void)msg;
}

static void print_msg(struct ie_report *rep, const char *msg)
{
	(void)rep;
	print_message("extract: %s\n", msg);
}

/*
 * --no-owner: a setuid-1000 file must not become setuid-root, file
 * capabilities must not land on a root-owned copy. And a hard-linked device
 * node, skipped without --devices, must not fail the extraction at its
 * second name.
 */
static void test_extract_no_owner(void **state)
{
	/* VFS_CAP_REVISION_2 | EFFECTIVE, permitted CAP_NET_RAW. */
	static const uint8_t cap[20] = { 0x01, 0, 0, 0x02, 0, 0x20 };
	struct ie_extract_opts opts = { .owner = false, .devices = false,
					.xattrs = true };
	struct ie_report errors = { .problem = print_msg };
	struct ie_report warn = { .problem = count_only };
	struct ie_tree *tree = ie_tree_new();
	struct ie_inode *f, *dev;
	struct ie_image *img;
	char file[300], dest[300], out[400], val[64];
	struct stat st;

	(void)state;
	f = add(tree->root, "suid", S_IFREG | 06755, "x");
	f->uid = 1000;
	f->gid = 1000;
	assert_int_equal(ie_xattr_set(f, "security.capability", cap,
				      sizeof(cap)), 0);
	dev = add(tree->root, "dev", S_IFCHR | 0600, NULL);
	dev->rdev_major = 1;
	dev->rdev_minor = 3;
	assert_int_equal(ie_dir_link(tree->root, "dev2", dev), 0);
	add(tree->root, "sgid-dir", S_IFDIR | 02775, NULL);
	tmp_path(file, sizeof(file), "owner.img");
	write_tree(tree, file);
	tmp_path(dest, sizeof(dest), "owner.out");
	opts.warn = &warn;
	assert_int_equal(ie_image_open(file, 0, &img, &err), 0);
	assert_int_equal(ie_extract(img, dest, &opts, &errors), 0);
	ie_image_close(img);

	snprintf(out, sizeof(out), "%s/suid", dest);
	assert_int_equal(lstat(out, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lgetxattr(out, "security.capability", val,
				   sizeof(val)), -1);
	snprintf(out, sizeof(out), "%s/dev2", dest);
	assert_int_equal(lstat(out, &st), -1);
	snprintf(out, sizeof(out), "%s/sgid-dir", dest);
	assert_int_equal(lstat(out, &st), 0);
	assert_int_equal(st.st_mode & 07777, 02775);
	/* suid bits, capability, two device names. */
	assert_int_equal(warn.problems, 4);
}

/* ---- what check passes, extract can extract ----------------------------- */

static unsigned long check_file(const char *file)
{
	struct ie_report rep = { .problem = print_msg };
	struct ie_image *img;
	unsigned long n;

	assert_int_equal(ie_image_open(file, 0, &img, &err), 0);
	n = ie_check(img, &rep, 0, NULL);
	ie_image_close(img);
	return n;
}

static unsigned long extract_file(const char *file, const char *name)
{
	struct ie_extract_opts opts = { .xattrs = true };
	struct ie_report errors = { .problem = print_msg };
	struct ie_image *img;
	char dest[300];
	unsigned long n;

	tmp_path(dest, sizeof(dest), name);
	assert_int_equal(ie_image_open(file, 0, &img, &err), 0);
	n = ie_extract(img, dest, &opts, &errors);
	ie_image_close(img);
	return n;
}

/*
 * A superblock build_time_nsec of 10^9 or more (with a good checksum):
 * every compact inode gets it as mtime nanoseconds, utimensat() refuses
 * it, extract failed while check passed.
 */
static void test_check_build_time_nsec(void **state)
{
	struct ie_tree *tree = ie_tree_new();
	char file[300];
	uint8_t *img;
	size_t len;

	(void)state;
	add(tree->root, "f", S_IFREG | 0644, "x");
	tmp_path(file, sizeof(file), "nsec.img");
	write_tree(tree, file);
	assert_int_equal(check_file(file), 0);
	img = slurp(file, &len);
	/* build_time_nsec: superblock byte 32. */
	img[EROFS_SUPER_OFFSET + 32] = 0x05;
	img[EROFS_SUPER_OFFSET + 33] = 0xca;
	img[EROFS_SUPER_OFFSET + 34] = 0x9a;
	img[EROFS_SUPER_OFFSET + 35] = 0x3b;	/* 10^9 + 5 */
	ie_super_set_checksum(img, img[EROFS_SUPER_OFFSET + 12]);
	spit(file, img, len);
	free(img);
	assert_int_not_equal(extract_file(file, "nsec.out"), 0);
	assert_int_not_equal(check_file(file), 0);
}

/* ---- the writer writes nothing its readers refuse ----------------------- */

struct deepest {
	unsigned int depth;
	unsigned long problems;
};

static int note_depth(void *ctx, const struct ie_walk_entry *e)
{
	struct deepest *d = ctx;

	if (e->depth > d->depth)
		d->depth = e->depth;
	return 0;
}

static void note_problem(void *ctx, const char *path, const char *msg)
{
	struct deepest *d = ctx;

	(void)path;
	print_message("walk: %s\n", msg);
	d->problems++;
}

static struct ie_tree *chain(unsigned int levels)
{
	struct ie_tree *tree = ie_tree_new();
	struct ie_inode *dir = tree->root;
	unsigned int i;

	for (i = 0; i < levels; i++)
		dir = add(dir, "d", S_IFDIR | 0755, NULL);
	return tree;
}

/*
 * Symlink targets over 4095 bytes and trees deeper than 2048 levels came
 * out of build/convert, and then check/ls/extract refused the image. Now
 * the writer refuses them with the path, and the limit itself round-trips.
 */
static void test_writer_limits(void **state)
{
	const struct ie_walk_ops ops = { .visit = note_depth,
					 .problem = note_problem };
	struct ie_write_options opts;
	struct ie_tree *tree;
	struct ie_image *img;
	struct deepest d = { 0 };
	char file[300], *target;

	(void)state;
	ie_write_options_init(&opts);
	opts.jobs = 1;
	tmp_path(file, sizeof(file), "limits.img");

	tree = ie_tree_new();
	target = malloc(4097);
	memset(target, 't', 4096);
	target[4096] = '\0';
	add(add(tree->root, "dir", S_IFDIR | 0755, NULL), "long", S_IFLNK | 0777,
	    target);
	assert_int_not_equal(ie_write_image(tree, &opts, file, NULL, &err), 0);
	assert_non_null(strstr(err.msg, "/dir/long: symlink target of 4096 bytes"));
	ie_tree_free(tree);
	assert_int_equal(access(file, F_OK), -1);

	tree = ie_tree_new();
	target[4095] = '\0';
	add(tree->root, "long", S_IFLNK | 0777, target);
	write_tree(tree, file);
	assert_int_equal(check_file(file), 0);
	assert_int_equal(extract_file(file, "long.out"), 0);
	free(target);

	tree = chain(2049);
	assert_int_not_equal(ie_write_image(tree, &opts, file, NULL, &err), 0);
	assert_non_null(strstr(err.msg, "entry 2049 levels deep"));
	ie_tree_free(tree);

	write_tree(chain(2048), file);
	assert_int_equal(check_file(file), 0);
	assert_int_equal(ie_image_open(file, 0, &img, &err), 0);
	assert_int_equal(ie_walk(img, "/", &ops, &d), 0);
	ie_image_close(img);
	assert_int_equal(d.depth, 2048);
	assert_int_equal(d.problems, 0);
	assert_int_equal(extract_file(file, "deep.out"), 0);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_leave_path),
		cmocka_unit_test(test_locate_decoy),
		cmocka_unit_test(test_locate_behind_compressed),
		cmocka_unit_test(test_report_escapes),
		cmocka_unit_test(test_extract_no_owner),
		cmocka_unit_test(test_check_build_time_nsec),
		cmocka_unit_test(test_writer_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
