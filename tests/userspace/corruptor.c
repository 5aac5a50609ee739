// SPDX-License-Identifier: GPL-2.0
/*
 * corruptor: find structures inside an EROFS image and damage them, for
 * the corruption tests. Offsets it prints and takes are FILE offsets (the
 * image may sit behind a cpio prefix).
 *
 *   corruptor locate IMAGE super                 superblock
 *   corruptor locate IMAGE inode PATH            the on-disk inode
 *   corruptor locate IMAGE dirent DIR NAME       the 12-byte dirent of NAME
 *   corruptor locate IMAGE name DIR NAME         the bytes of NAME itself
 *   corruptor locate IMAGE index PATH            a compressed file's lcluster
 *                                                indexes (after the map header)
 *   corruptor locate IMAGE data PATH             the first extent's stored bytes
 *   corruptor nid IMAGE PATH                     the nid of PATH
 *   corruptor flip FILE OFFSET LEN SEED COUNT    flip COUNT random bits in range
 *   corruptor poke FILE OFFSET HEX               overwrite bytes
 *   corruptor fixsum IMAGE                       recompute the superblock checksum
 *
 * locate prints "OFFSET LENGTH". flip prints the bits it flipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initerofs/reader.h"
#include "initerofs/superblock.h"

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "corruptor: %s: %s\n", what, why);
	return 1;
}

static struct ie_image *open_image(const char *path)
{
	struct ie_image *img;
	struct ie_error err;

	if (ie_image_open(path, IE_OPEN_LENIENT, &img, &err) < 0) {
		fail(path, err.msg);
		exit(1);
	}
	return img;
}

static int resolve(struct ie_image *img, const char *path,
		   struct ie_rinode *ino)
{
	if (ie_path_resolve(img, path, false, ino))
		return fail(path, ie_image_error(img));
	return 0;
}

static void print_range(struct ie_image *img, uint64_t pos, uint64_t len)
{
	printf("%llu %llu\n",
	       (unsigned long long)(ie_image_super(img)->base + pos),
	       (unsigned long long)len);
}

struct dirent_find {
	const char *name;
	uint64_t block;
	unsigned int index;
	bool found;
};

static int match(void *data, const struct ie_rdirent *de)
{
	struct dirent_find *df = data;

	if (de->name_len != strlen(df->name) ||
	    memcmp(de->name, df->name, de->name_len))
		return 0;
	df->block = de->block;
	df->index = de->index;
	df->found = true;
	return 1;
}

/* Where logical offset @la of a flat file or directory is stored. */
static int stored_at(struct ie_image *img, const struct ie_rinode *ino,
		     uint64_t la, uint64_t *pos)
{
	struct ie_extent ext;
	struct ie_file *f;
	int ret = 1;

	if (ie_file_open(img, ino, &f))
		return fail("open", ie_image_error(img));
	while (ie_file_next_extent(f, &ext) > 0) {
		if (la < ext.la || la >= ext.la + ext.llen)
			continue;
		if (ext.kind == IE_EXTENT_RAW) {
			*pos = ext.pa + (la - ext.la);
			ret = 0;
		}
		break;
	}
	ie_file_close(f);
	return ret ? fail("locate", "not stored uncompressed") : 0;
}

static int locate_dirent(struct ie_image *img, const char *dir,
			 const char *name, bool name_bytes)
{
	struct dirent_find df = { .name = name };
	struct ie_rinode ino;
	const uint8_t *de;
	uint64_t block, pos;

	if (resolve(img, dir, &ino))
		return 1;
	if (ie_dir_iterate(img, &ino, match, &df) < 0 || !df.found)
		return fail(name, "no such entry");
	if (stored_at(img, &ino, df.block * ie_image_super(img)->blksz, &block))
		return 1;
	pos = block + df.index * sizeof(struct erofs_dirent);
	if (!name_bytes) {
		print_range(img, pos, sizeof(struct erofs_dirent));
		return 0;
	}
	de = ie_image_bytes(img, pos, sizeof(struct erofs_dirent));
	print_range(img, block + ie_get_le16(de + 8), strlen(name));
	return 0;
}

static int locate_file(struct ie_image *img, const char *what,
		       const char *path)
{
	struct ie_extent ext;
	struct ie_rinode ino;
	struct ie_file *f;
	uint64_t start;

	if (resolve(img, path, &ino))
		return 1;
	if (!strcmp(what, "inode")) {
		print_range(img, ino.pos, ino.inode_isize);
		return 0;
	}
	if (ie_file_open(img, &ino, &f))
		return fail(path, ie_image_error(img));
	if (ie_file_next_extent(f, &ext) <= 0) {
		ie_file_close(f);
		return fail(path, "no extent");
	}
	if (!strcmp(what, "index") && !erofs_layout_is_compressed(ino.layout)) {
		ie_file_close(f);
		return fail(path, "not a compressed file");
	}
	while (!strcmp(what, "index") && ie_file_next_extent(f, &ext) > 0)
		;	/* read every index so that the end is known */
	start = z_erofs_map_header_pos(ie_inode_end(&ino)) +
		sizeof(struct z_erofs_map_header);
	if (!strcmp(what, "index"))
		print_range(img, start, ie_file_meta_end(f) - start);
	else
		print_range(img, ext.pa, ext.plen);
	ie_file_close(f);
	return 0;
}

static int cmd_locate(int argc, char **argv)
{
	struct ie_image *img;
	int ret;

	if (argc < 4)
		return fail("locate", "missing arguments");
	img = open_image(argv[2]);
	if (!strcmp(argv[3], "super"))
		ret = (print_range(img, EROFS_SUPER_OFFSET, EROFS_SUPER_SIZE), 0);
	else if (!strcmp(argv[3], "dirent") && argc == 6)
		ret = locate_dirent(img, argv[4], argv[5], false);
	else if (!strcmp(argv[3], "name") && argc == 6)
		ret = locate_dirent(img, argv[4], argv[5], true);
	else if (argc == 5)
		ret = locate_file(img, argv[3], argv[4]);
	else
		ret = fail("locate", "bad arguments");
	ie_image_close(img);
	return ret;
}

static int cmd_nid(int argc, char **argv)
{
	struct ie_image *img;
	struct ie_rinode ino;
	int ret;

	if (argc != 4)
		return fail("nid", "usage: nid IMAGE PATH");
	img = open_image(argv[2]);
	ret = resolve(img, argv[3], &ino);
	if (!ret)
		printf("%llu\n", (unsigned long long)ino.nid);
	ie_image_close(img);
	return ret;
}

static int rw_at(const char *path, uint64_t off, void *buf, size_t len,
		 bool write_back)
{
	int fd = open(path, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return fail(path, strerror(errno));
	n = write_back ? pwrite(fd, buf, len, (off_t)off) :
			 pread(fd, buf, len, (off_t)off);
	close(fd);
	return n == (ssize_t)len ? 0 : fail(path, "short read or write");
}

/* xorshift64: a seed always flips the same bits, on any machine. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmd_flip(int argc, char **argv)
{
	uint64_t off, len, seed, i, count;
	uint8_t byte;

	if (argc != 7)
		return fail("flip", "usage: flip FILE OFFSET LEN SEED COUNT");
	off = strtoull(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);
	seed = strtoull(argv[5], NULL, 0) * 2654435761u + 88172645463325252ull;
	count = strtoull(argv[6], NULL, 0);
	if (!len)
		return fail("flip", "empty range");
	for (i = 0; i < count; i++) {
		uint64_t at = off + next_random(&seed) % len;
		unsigned int bit = next_random(&seed) % 8;

		if (rw_at(argv[2], at, &byte, 1, false))
			return 1;
		byte ^= (uint8_t)(1u << bit);
		if (rw_at(argv[2], at, &byte, 1, true))
			return 1;
		printf("%llu:%u\n", (unsigned long long)at, bit);
	}
	return 0;
}

static int cmd_poke(int argc, char **argv)
{
	uint8_t bytes[256];
	size_t n = 0;
	const char *h;

	if (argc != 5 || strlen(argv[4]) % 2 || strlen(argv[4]) > 512)
		return fail("poke", "usage: poke FILE OFFSET HEXBYTES");
	for (h = argv[4]; *h; h += 2) {
		char pair[3] = { h[0], h[1], 0 };

		bytes[n++] = (uint8_t)strtoul(pair, NULL, 16);
	}
	return rw_at(argv[2], strtoull(argv[3], NULL, 0), bytes, n, true);
}

static int cmd_fixsum(int argc, char **argv)
{
	const struct ie_image_info *si;
	struct ie_image *img;
	uint8_t block[EROFS_SUPER_OFFSET + 4096];
	uint64_t base;
	size_t len;

	if (argc != 3)
		return fail("fixsum", "usage: fixsum IMAGE");
	img = open_image(argv[2]);
	si = ie_image_super(img);
	base = si->base;
	len = EROFS_SUPER_OFFSET + ie_super_checksum_len(si->sb.blkszbits);
	ie_image_close(img);
	if (rw_at(argv[2], base, block, len, false))
		return 1;
	ie_super_set_checksum(block, block[EROFS_SUPER_OFFSET + 12]);
	return rw_at(argv[2], base + EROFS_SUPER_OFFSET + 4,
		     block + EROFS_SUPER_OFFSET + 4, 4, true);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fail("usage", "locate|nid|flip|poke|fixsum ...");
	if (!strcmp(argv[1], "locate"))
		return cmd_locate(argc, argv);
	if (!strcmp(argv[1], "nid"))
		return cmd_nid(argc, argv);
	if (!strcmp(argv[1], "flip"))
		return cmd_flip(argc, argv);
	if (!strcmp(argv[1], "poke"))
		return cmd_poke(argc, argv);
	if (!strcmp(argv[1], "fixsum"))
		return cmd_fixsum(argc, argv);
	return fail(argv[1], "unknown command");
}
