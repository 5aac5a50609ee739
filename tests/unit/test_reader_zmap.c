// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's sequential walk over a compressed file's extents against
 * the kernel's random-access lookup (ie_zmap_map(), zmap.c's port of
 * fs/erofs/zmap.c); both decode records with the one lcluster decoder, but
 * the walk finds heads by going forward record by record, the lookup by
 * following delta[0] back and delta[1] on. On images the writer made
 * (small and big pclusters, LZ4 and LZMA, files mixing raw and compressed
 * pclusters) and on one from mkfs.erofs with tail packing, the extent the
 * kernel's lookup finds for the start of every lcluster must be the one
 * the reader's walk put there: that is what lets `check` vouch for what
 * the kernel will read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "initerofs/reader.h"
#include "initerofs/tree.h"
#include "initerofs/writer.h"
#include "initerofs/zmap.h"

#define FILE_SIZE	(700 * 1000 + 123)
#define MAX_EXTENTS	4096

static char tmpdir[] = "/tmp/initerofs-zmap-XXXXXX";
static char path[256];
static struct ie_error err;

/* Runs of text and of noise: compressed and raw pclusters. */
static uint8_t *make_data(void)
{
	uint64_t x = 88172645463325252ull;
	uint8_t *data = malloc(FILE_SIZE);
	size_t i;

	assert_non_null(data);
	for (i = 0; i < FILE_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (i / 100000) % 3 == 2 ? (uint8_t)(x >> 32) :
						(uint8_t)("erofs "[i % 6]);
	}
	return data;
}

static void make_image(enum ie_compr_kind kind, uint32_t pclustersize)
{
	struct ie_tree *tree = ie_tree_new();
	struct ie_write_options opts;
	struct ie_inode *f;

	assert_non_null(tree);
	f = ie_inode_new(S_IFREG | 0644);
	assert_non_null(f);
	f->size = FILE_SIZE;
	f->data.kind = IE_DATA_MEMORY;
	f->data.buf = make_data();
	assert_int_equal(ie_dir_link(tree->root, "file", f), 0);
	ie_write_options_init(&opts);
	opts.compr.kind = kind;
	opts.pclustersize = pclustersize;
	opts.jobs = 2;
	assert_int_equal(ie_write_image(tree, &opts, path, NULL, &err), 0);
	ie_tree_free(tree);
}

/* The same file through Debian's mkfs.erofs with @options; false if absent. */
static bool make_mkfs_image(const char *options)
{
	char src[300], cmd[1024];
	uint8_t *data = make_data();
	FILE *fp;

	snprintf(src, sizeof(src), "%s/src", tmpdir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", src);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/file", src);
	fp = fopen(cmd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, FILE_SIZE, fp), FILE_SIZE);
	assert_int_equal(fclose(fp), 0);
	free(data);
	if (system("command -v mkfs.erofs >/dev/null 2>&1"))
		return false;
	snprintf(cmd, sizeof(cmd), "mkfs.erofs --quiet %s '%s' '%s' >/dev/null",
		 options, path, src);
	assert_int_equal(system(cmd), 0);
	return true;
}

static size_t read_extents(struct ie_image *img, const struct ie_rinode *ino,
			   struct ie_extent *ext, uint64_t *meta_end)
{
	struct ie_file *f;
	size_t n = 0;
	int ret;

	assert_int_equal(ie_file_open(img, ino, &f), 0);
	while ((ret = ie_file_next_extent(f, &ext[n])) > 0) {
		assert_true(n + 1 < MAX_EXTENTS);
		/* Extents tile the file. */
		assert_int_equal(ext[n].la, n ? ext[n - 1].la + ext[n - 1].llen : 0);
		n++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(ext[n - 1].la + ext[n - 1].llen, ino->size);
	*meta_end = ie_file_meta_end(f);
	ie_file_close(f);
	return n;
}

static bool is_plain(enum ie_extent_kind kind)
{
	return kind == IE_EXTENT_SHIFTED || kind == IE_EXTENT_INTERLACED;
}

/* Compare the two walks on /file of the image at @path. */
static void compare_decoders(bool want_inline_tail)
{
	struct ie_extent *ext = calloc(MAX_EXTENTS, sizeof(*ext));
	const struct ie_image_info *si;
	struct ie_zmap_extent z;
	struct ie_zinode zi;
	struct ie_image *img;
	struct ie_rinode ino;
	uint64_t hdr, meta_end, la;
	size_t n, i = 0, plain = 0;

	assert_non_null(ext);
	assert_int_equal(ie_image_open(path, 0, &img, &err), 0);
	si = ie_image_super(img);
	assert_int_equal(ie_path_resolve(img, "/file", true, &ino), 0);
	assert_true(erofs_layout_is_compressed(ino.layout));
	n = read_extents(img, &ino, ext, &meta_end);

	hdr = z_erofs_map_header_pos(ie_inode_end(&ino));
	assert_int_equal(ie_zmap_inode_init(&zi, si->sb.blkszbits, ino.layout,
					    ino.size, si->sb.feature_incompat,
					    ie_image_bytes(img, hdr, meta_end - hdr),
					    hdr, meta_end - hdr, &err), 0);
	for (la = 0; la < ino.size; la += si->blksz) {
		while (la >= ext[i].la + ext[i].llen)
			i++;
		assert_int_equal(ie_zmap_map(&zi, la, &z, &err), 0);
		assert_int_equal(z.la, ext[i].la);
		assert_int_equal(z.llen, ext[i].llen);
		assert_int_equal(z.pa, ext[i].pa);
		assert_int_equal(z.plen, ext[i].plen);
		assert_int_equal(z.plain, is_plain(ext[i].kind));
		assert_int_equal(z.inline_tail, ext[i].inline_tail);
	}
	assert_int_equal(ext[n - 1].inline_tail, want_inline_tail);
	for (i = 0; i < n; i++)
		plain += is_plain(ext[i].kind);
	/* The content was chosen to need both kinds of pcluster. */
	assert_true(plain > 0 && plain < n);
	ie_image_close(img);
	free(ext);
}

static void test_lz4(void **state)
{
	(void)state;
	make_image(IE_COMPR_LZ4, 0);
	compare_decoders(false);
}

static void test_lz4hc_big_pclusters(void **state)
{
	(void)state;
	make_image(IE_COMPR_LZ4HC, 16384);
	compare_decoders(false);
}

static void test_lzma(void **state)
{
	(void)state;
	make_image(IE_COMPR_LZMA, 65536);
	compare_decoders(false);
}

/* mkfs.erofs packs the tail pcluster inline after the index. */
static void test_mkfs_ztailpacking(void **state)
{
	(void)state;
	if (!make_mkfs_image("-zlz4hc -Eztailpacking"))
		skip();
	compare_decoders(true);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/z.img", tmpdir);
	return 0;
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
		cmocka_unit_test(test_lz4),
		cmocka_unit_test(test_lz4hc_big_pclusters),
		cmocka_unit_test(test_lzma),
		cmocka_unit_test(test_mkfs_ztailpacking),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
