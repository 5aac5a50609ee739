// SPDX-License-Identifier: GPL-2.0
/*
 * The image reader: images are made in-process by the writer from trees the
 * tests describe, then read back through the reader's API: locating the
 * image behind a cpio prefix, superblock problems one by one, inodes,
 * directories, path resolution (symlinks, "..", loops), xattrs, file data
 * of every size around a block, and the nid map.
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
#include <unistd.h>
#include <cmocka.h>

#include "cpio_build.h"
#include "initerofs/reader.h"
#include "initerofs/superblock.h"
#include "initerofs/tree.h"
#include "initerofs/writer.h"

static char tmpdir[] = "/tmp/initerofs-reader-XXXXXX";
static char path[256];
static struct ie_error err;

/* ---- making images ---------------------------------------------------- */

static struct ie_inode *add(struct ie_inode *dir, const char *name,
			    mode_t mode, const char *content)
{
	struct ie_inode *ino = ie_inode_new(mode);

	assert_non_null(ino);
	ino->mtime = 1600000000;
	if (S_ISREG(mode) && content) {
		ino->size = strlen(content);
		ino->data.kind = ino->size ? IE_DATA_MEMORY : IE_DATA_NONE;
		ino->data.buf = ino->size ? strdup(content) : NULL;
	} else if (S_ISLNK(mode)) {
		ino->symlink = strdup(content);
		ino->size = strlen(content);
	}
	assert_int_equal(ie_dir_link(dir, name, ino), 0);
	return ino;
}

static struct ie_inode *add_bytes(struct ie_inode *dir, const char *name,
				  const uint8_t *bytes, size_t len)
{
	struct ie_inode *ino = ie_inode_new(S_IFREG | 0644);

	assert_non_null(ino);
	ino->size = len;
	if (len) {
		ino->data.kind = IE_DATA_MEMORY;
		ino->data.buf = malloc(len);
		assert_non_null(ino->data.buf);
		memcpy(ino->data.buf, bytes, len);
	}
	assert_int_equal(ie_dir_link(dir, name, ino), 0);
	return ino;
}

static void write_tree(struct ie_tree *tree, enum ie_compr_kind kind,
		       const char *out)
{
	struct ie_write_options opts;

	ie_write_options_init(&opts);
	opts.compr.kind = kind;
	opts.jobs = 1;
	assert_int_equal(ie_write_image(tree, &opts, out, NULL, &err), 0);
	ie_tree_free(tree);
}

/* A small tree exercising names, links, devices, xattrs and owners. */
static void make_sample(const char *out, enum ie_compr_kind kind)
{
	struct ie_tree *tree = ie_tree_new();
	struct ie_inode *root, *dir, *sub, *f, *dev;

	assert_non_null(tree);
	root = tree->root;
	add(root, "b", S_IFREG | 0644, "bee\n");
	add(root, "a", S_IFREG | 0644, "ay\n");
	add(root, "c", S_IFREG | 0644, "");
	dir = add(root, "dir", S_IFDIR | 0755, NULL);
	sub = add(dir, "sub", S_IFDIR | 0700, NULL);
	add(sub, "deep", S_IFREG | 0600, "deep file\n");
	add(root, "rel", S_IFLNK | 0777, "dir/sub/deep");
	add(dir, "up", S_IFLNK | 0777, "../a");
	add(dir, "abs", S_IFLNK | 0777, "/dir/sub");
	add(root, "loop1", S_IFLNK | 0777, "loop2");
	add(root, "loop2", S_IFLNK | 0777, "loop1");
	f = add(root, "suid", S_IFREG | 04755, "x");
	f->uid = 70000;
	f->gid = 80000;
	f->mtime = 1234567890;
	f->mtime_nsec = 123456789;
	assert_int_equal(ie_xattr_set(f, "user.one", "1", 1), 0);
	assert_int_equal(ie_xattr_set(f, "security.two", "22", 2), 0);
	dev = add(root, "dev", S_IFCHR | 0600, NULL);
	dev->rdev_major = 300;
	dev->rdev_minor = 70000;
	write_tree(tree, kind, out);
}

static struct ie_image *open_ok(const char *file)
{
	struct ie_image *img;

	assert_int_equal(ie_image_open(file, 0, &img, &err), 0);
	return img;
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

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/sample.img", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* ---- locating the image ------------------------------------------------ */

static void test_locate(void **state)
{
	struct centry ucode = { .name = "kernel/x86/microcode/GenuineIntel.bin",
				.mode = S_IFREG | 0644, .data = "microcode" };
	struct buf b = { 0 };
	uint8_t *img;
	size_t len;

	(void)state;
	make_sample(path, IE_COMPR_NONE);
	img = slurp(path, &len);
	assert_int_equal(ie_locate_erofs(img, len), 0);

	/* [cpio][padding to 4 bytes][EROFS]: found right after the padding. */
	cpio_add(&b, &ucode);
	cpio_trailer(&b);
	buf_zeros(&b, 8);
	assert_int_equal(b.len % 4, 0);
	buf_put(&b, img, len);
	assert_int_equal(ie_locate_erofs(b.p, b.len), (int64_t)(b.len - len));

	/* [two cpio archives][padding to 4096][EROFS]. */
	b.len = 0;
	cpio_add(&b, &ucode);
	cpio_trailer(&b);
	cpio_add(&b, &ucode);
	cpio_trailer(&b);
	buf_align(&b, 4096);
	buf_put(&b, img, len);
	assert_int_equal(ie_locate_erofs(b.p, b.len), 4096);

	/*
	 * A compressed segment in front: the kernel unpacks the initrd
	 * instead of looking further, so there is no image to show.
	 */
	b.len = 0;
	buf_put(&b, "\x1f\x8b garbage", 10);
	buf_align(&b, 8192);
	buf_put(&b, img, len);
	assert_int_equal(ie_locate_erofs(b.p, b.len), -1);

	/* No image at all. */
	b.len = 0;
	cpio_add(&b, &ucode);
	cpio_trailer(&b);
	buf_zeros(&b, 20000);
	assert_int_equal(ie_locate_erofs(b.p, b.len), -1);
	buf_free(&b);
	free(img);
}

static void test_open_behind_prefix(void **state)
{
	struct centry ucode = { .name = "kernel/x86/microcode/AuthenticAMD.bin",
				.mode = S_IFREG | 0644, .data = "amd" };
	struct buf b = { 0 };
	struct ie_image *img;
	struct ie_rinode ino;
	char prefixed[300], *content;
	uint8_t *raw;
	size_t len;

	(void)state;
	make_sample(path, IE_COMPR_LZ4);
	raw = slurp(path, &len);
	cpio_add(&b, &ucode);
	cpio_trailer(&b);
	buf_align(&b, 4096);
	buf_put(&b, raw, len);
	snprintf(prefixed, sizeof(prefixed), "%s/prefixed.img", tmpdir);
	spit(prefixed, b.p, b.len);
	img = open_ok(prefixed);
	assert_int_equal(ie_image_super(img)->base, 4096);
	assert_int_equal(ie_path_resolve(img, "/dir/sub/deep", true, &ino), 0);
	assert_int_equal(ie_file_read_all(img, &ino, 100, &content), 0);
	assert_string_equal(content, "deep file\n");
	free(content);
	ie_image_close(img);
	buf_free(&b);
	free(raw);
}

/* ---- the superblock, one problem at a time ------------------------------ */

struct collect {
	struct ie_report rep;
	char last[512];
};

static void keep_last(struct ie_report *rep, const char *msg)
{
	snprintf(((struct collect *)rep)->last, 512, "%s", msg);
}

/* Damage one superblock byte range, optionally fix the checksum, verify. */
static void expect_super_problem(const uint8_t *img, size_t len, size_t off,
				 const void *bytes, size_t n, bool fixsum,
				 const char *needle)
{
	struct collect c = { .rep.problem = keep_last };
	char damaged[300];
	struct ie_image *image;
	uint8_t *copy = malloc(len);

	assert_non_null(copy);
	memcpy(copy, img, len);
	memcpy(copy + EROFS_SUPER_OFFSET + off, bytes, n);
	if (fixsum)
		ie_super_set_checksum(copy, copy[EROFS_SUPER_OFFSET + 12]);
	snprintf(damaged, sizeof(damaged), "%s/damaged.img", tmpdir);
	spit(damaged, copy, len);
	free(copy);
	/* Strict open refuses; lenient open lets verify name the problem. */
	assert_int_not_equal(ie_image_open(damaged, 0, &image, &err), 0);
	assert_int_equal(ie_image_open(damaged, IE_OPEN_LENIENT, &image, &err), 0);
	assert_true(ie_super_verify(image, &c.rep) >= 1);
	if (!strstr(c.last, needle) && !strstr(err.msg, needle))
		fail_msg("wanted '%s', got '%s'", needle, c.last);
	ie_image_close(image);
}

static void test_super_problems(void **state)
{
	struct collect c = { .rep.problem = keep_last };
	static const uint8_t ff32[4] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t unknown_feature[4] = { 0, 0, 0, 0x80 };
	static const uint8_t one = 1, big_root[2] = { 0xff, 0xff };
	struct ie_image *img;
	uint8_t *raw;
	size_t len;

	(void)state;
	make_sample(path, IE_COMPR_NONE);
	img = open_ok(path);
	assert_int_equal(ie_super_verify(img, &c.rep), 0);
	assert_int_equal(ie_image_super(img)->blksz, 4096);
	ie_image_close(img);

	raw = slurp(path, &len);
	expect_super_problem(raw, len, 4, ff32, 4, false, "checksum");
	expect_super_problem(raw, len, 80, unknown_feature, 4, true,
			     "unknown incompatible");
	expect_super_problem(raw, len, 90, &one, 1, true, "dirblkbits");
	expect_super_problem(raw, len, 36, ff32, 4, true, "declares");
	expect_super_problem(raw, len, 14, big_root, 2, true, "root nid");
	free(raw);
}

static void test_too_small_and_missing(void **state)
{
	struct ie_image *img;
	char small[300];

	(void)state;
	snprintf(small, sizeof(small), "%s/small.img", tmpdir);
	spit(small, "tiny", 4);
	assert_int_equal(ie_image_open(small, 0, &img, &err), -EUCLEAN);
	assert_non_null(strstr(err.msg, "too small"));
	assert_int_equal(ie_image_open("/nonexistent/x.img", 0, &img, &err), -ENOENT);
	assert_null(img);
}

/* ---- inodes, directories, paths ------------------------------------------ */

static void test_inode_fields(void **state)
{
	struct ie_image *img;
	struct ie_rinode ino;

	(void)state;
	make_sample(path, IE_COMPR_NONE);
	img = open_ok(path);
	assert_int_equal(ie_path_resolve(img, "/suid", true, &ino), 0);
	assert_int_equal(ino.mode, S_IFREG | 04755);
	assert_int_equal(ino.uid, 70000);
	assert_int_equal(ino.gid, 80000);
	assert_int_equal(ino.version, EROFS_INODE_EXTENDED);
	assert_int_equal(ino.mtime, 1234567890);
	assert_int_equal(ino.mtime_nsec, 123456789);
	assert_int_equal(ino.nlink, 1);
	assert_int_equal(ie_path_resolve(img, "/dev", true, &ino), 0);
	assert_true(S_ISCHR(ino.mode));
	assert_int_equal(ino.rdev_major, 300);
	assert_int_equal(ino.rdev_minor, 70000);
	assert_int_equal(ie_inode_read(img, ie_nid_max(img), &ino), -EUCLEAN);
	assert_non_null(strstr(ie_image_error(img), "outside"));
	ie_image_close(img);
}

struct names {
	char list[512];
};

static int append_name(void *data, const struct ie_rdirent *de)
{
	struct names *n = data;
	size_t len = strlen(n->list);

	snprintf(n->list + len, sizeof(n->list) - len, "%s%.*s",
		 len ? "," : "", (int)de->name_len, de->name);
	return 0;
}

static void test_dir_order_and_find(void **state)
{
	struct names n = { .list = "" };
	struct ie_image *img;
	struct ie_rinode root;
	uint64_t nid;

	(void)state;
	make_sample(path, IE_COMPR_NONE);
	img = open_ok(path);
	assert_int_equal(ie_path_resolve(img, "/", true, &root), 0);
	assert_int_equal(ie_dir_iterate(img, &root, append_name, &n), 0);
	assert_string_equal(n.list,
			    ".,..,a,b,c,dev,dir,loop1,loop2,rel,suid");
	assert_int_equal(ie_dir_find(img, &root, "dir", 3, &nid), 0);
	assert_int_equal(ie_dir_find(img, &root, "nope", 4, &nid), -ENOENT);
	assert_int_equal(ie_dir_find(img, &root, "di", 2, &nid), -ENOENT);
	ie_image_close(img);
}

static void expect_file(struct ie_image *img, const char *p, bool follow,
			const char *content)
{
	struct ie_rinode ino;
	char *got;

	assert_int_equal(ie_path_resolve(img, p, follow, &ino), 0);
	assert_int_equal(ie_file_read_all(img, &ino, 4096, &got), 0);
	assert_string_equal(got, content);
	free(got);
}

static void test_path_resolution(void **state)
{
	struct ie_image *img;
	struct ie_rinode ino;

	(void)state;
	make_sample(path, IE_COMPR_NONE);
	img = open_ok(path);
	expect_file(img, "/rel", true, "deep file\n");
	expect_file(img, "/rel", false, "dir/sub/deep");
	expect_file(img, "dir/up", true, "ay\n");
	expect_file(img, "/dir/abs/deep", true, "deep file\n");
	expect_file(img, "/dir/./sub/../sub//deep", true, "deep file\n");
	/* ".." at the root stays at the root, as in a chroot. */
	expect_file(img, "/../../a", true, "ay\n");
	assert_int_equal(ie_path_resolve(img, "/loop1", true, &ino), -ELOOP);
	assert_int_equal(ie_path_resolve(img, "/loop1", false, &ino), 0);
	assert_int_equal(ie_path_resolve(img, "/a/x", true, &ino), -ENOTDIR);
	assert_int_equal(ie_path_resolve(img, "/missing", true, &ino), -ENOENT);
	assert_non_null(strstr(ie_image_error(img), "missing"));
	ie_image_close(img);
}

struct xattrs {
	int found;
};

static int check_xattr(void *data, const struct ie_rxattr *xa)
{
	struct xattrs *x = data;

	if (!strcmp(xa->name, "user.one")) {
		assert_int_equal(xa->value_len, 1);
		assert_memory_equal(xa->value, "1", 1);
		x->found |= 1;
	} else if (!strcmp(xa->name, "security.two")) {
		assert_int_equal(xa->value_len, 2);
		assert_memory_equal(xa->value, "22", 2);
		x->found |= 2;
	} else {
		fail_msg("unexpected xattr %s", xa->name);
	}
	return 0;
}

static void test_xattrs(void **state)
{
	struct xattrs x = { 0 };
	struct ie_image *img;
	struct ie_rinode ino;

	(void)state;
	make_sample(path, IE_COMPR_NONE);
	img = open_ok(path);
	assert_int_equal(ie_path_resolve(img, "/suid", true, &ino), 0);
	assert_int_equal(ie_xattr_iterate(img, &ino, check_xattr, &x), 0);
	assert_int_equal(x.found, 3);
	ie_image_close(img);
}

/* ---- file data ---------------------------------------------------------- */

static void test_file_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 8191, 8192,
					8193, 65537, 300001 };
	static const enum ie_compr_kind kinds[] = {
		IE_COMPR_NONE, IE_COMPR_LZ4, IE_COMPR_LZ4HC, IE_COMPR_LZMA,
	};
	size_t i, k, max = 300001;
	uint8_t *data = malloc(max), *got = malloc(max + 1);
	char name[32];

	(void)state;
	assert_non_null(data);
	assert_non_null(got);
	/* Half text, half noise: both compressed and raw pclusters. */
	for (i = 0; i < max; i++)
		data[i] = (i / 5000) % 2 ? (uint8_t)(i * 2654435761u >> 13) :
					   (uint8_t)('a' + i % 7);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct ie_tree *tree = ie_tree_new();
		struct ie_image *img;

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			snprintf(name, sizeof(name), "f%zu", sizes[i]);
			add_bytes(tree->root, name, data, sizes[i]);
		}
		write_tree(tree, kinds[k], path);
		img = open_ok(path);
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct ie_rinode ino;
			struct ie_file *f;
			ssize_t n, total = 0;

			snprintf(name, sizeof(name), "/f%zu", sizes[i]);
			assert_int_equal(ie_path_resolve(img, name, true, &ino), 0);
			assert_int_equal(ino.size, sizes[i]);
			assert_int_equal(ie_file_open(img, &ino, &f), 0);
			/* Odd read sizes cross every extent boundary. */
			while ((n = ie_file_read(f, got + total, 777)) > 0)
				total += n;
			assert_int_equal(n, 0);
			assert_int_equal(total, sizes[i]);
			assert_memory_equal(got, data, sizes[i]);
			ie_file_close(f);
		}
		ie_image_close(img);
	}
	free(data);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_open_behind_prefix),
		cmocka_unit_test(test_super_problems),
		cmocka_unit_test(test_too_small_and_missing),
		cmocka_unit_test(test_inode_fields),
		cmocka_unit_test(test_dir_order_and_find),
		cmocka_unit_test(test_path_resolution),
		cmocka_unit_test(test_xattrs),
		cmocka_unit_test(test_file_sizes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
