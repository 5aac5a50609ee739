// SPDX-License-Identifier: GPL-2.0
/*
 * Opening an EROFS image: map the file, find the superblock, decode it and
 * check it the way Linux 6.12's erofs_read_superblock() does (and a little
 * more), so that what we accept the kernel accepts too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initerofs/initrd.h"
#include "initerofs/reader.h"
#include "initerofs/superblock.h"
#include "reader_internal.h"

const char *ie_image_error(const struct ie_image *img)
{
	return img->err.msg[0] ? img->err.msg : "reader: no error";
}

int ie_image_set_error(struct ie_image *img, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errnum = ie_vfail(&img->err, errnum, fmt, ap);
	va_end(ap);
	return errnum;
}

/*
 * Length of the valid UTF-8 sequence at @s that is not a control character
 * (C0, DEL, C1), or 0 when its first byte must be escaped.
 */
static size_t printable_seq(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (*s >= 0x20 && *s < 0x7f)
		return 1;
	if (*s >= 0xc2 && *s <= 0xdf)
		n = 2, cp = *s & 0x1f;
	else if (*s >= 0xe0 && *s <= 0xef)
		n = 3, cp = *s & 0x0f;
	else if (*s >= 0xf0 && *s <= 0xf4)
		n = 4, cp = *s & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond Unicode, C1 controls. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp < 0xa0))
		return 0;
	return n;
}

void ie_escape_controls(const char *in, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	if (!outlen)
		return;
	while (*s) {
		size_t n = printable_seq(s);

		if (n && o + n < outlen) {
			memcpy(out + o, s, n);
			o += n;
			s += n;
		} else if (!n && o + 4 < outlen) {
			snprintf(out + o, 5, "\\x%02x", *s++);
			o += 4;
		} else {
			break;
		}
	}
	out[o] = '\0';
}

void ie_report(struct ie_report *rep, const char *fmt, ...)
{
	char msg[8192];	/* room for a path as deep as the kernel allows */
	char safe[sizeof(msg) * 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ie_escape_controls(msg, safe, sizeof(safe));
	rep->problems++;
	rep->problem(rep, safe);
}

const struct ie_image_info *ie_image_super(const struct ie_image *img)
{
	return &img->si;
}

uint64_t ie_image_size(const struct ie_image *img)
{
	return img->size;
}

const uint8_t *ie_image_bytes(struct ie_image *img, uint64_t pos, uint64_t len)
{
	if (pos > img->size || len > img->size - pos) {
		ie_image_set_error(img, -EUCLEAN,
				   "reader: %llu bytes at offset %llu lie outside the %llu-byte image",
				   (unsigned long long)len,
				   (unsigned long long)pos,
				   (unsigned long long)img->size);
		return NULL;
	}
	return img->data + pos;
}

/* Field by field, so that the host's byte order and padding never matter. */
static void decode_super(const uint8_t *p, struct erofs_super *sb)
{
	sb->magic = ie_get_le32(p + 0);
	sb->checksum = ie_get_le32(p + 4);
	sb->feature_compat = ie_get_le32(p + 8);
	sb->blkszbits = p[12];
	sb->sb_extslots = p[13];
	sb->root_nid = ie_get_le16(p + 14);
	sb->inos = ie_get_le64(p + 16);
	sb->build_time = ie_get_le64(p + 24);
	sb->build_time_nsec = ie_get_le32(p + 32);
	sb->blocks = ie_get_le32(p + 36);
	sb->meta_blkaddr = ie_get_le32(p + 40);
	sb->xattr_blkaddr = ie_get_le32(p + 44);
	memcpy(sb->uuid, p + 48, 16);
	memcpy(sb->volume_name, p + 64, 16);
	sb->feature_incompat = ie_get_le32(p + 80);
	sb->compr_algs_or_lz4_distance = ie_get_le16(p + 84);
	sb->extra_devices = ie_get_le16(p + 86);
	sb->devt_slotoff = ie_get_le16(p + 88);
	sb->dirblkbits = p[90];
	sb->xattr_prefix_count = p[91];
	sb->xattr_prefix_start = ie_get_le32(p + 92);
	sb->packed_nid = ie_get_le64(p + 96);
	sb->xattr_filter_reserved = p[104];
	memcpy(sb->reserved2, p + 105, sizeof(sb->reserved2));
}

/* The checksum needs the whole of block 0 after the superblock offset. */
static uint32_t super_crc(const uint8_t *base, uint64_t avail,
			  unsigned int blkszbits)
{
	if (EROFS_SUPER_OFFSET + ie_super_checksum_len(blkszbits) > avail)
		return 0;
	return ie_super_checksum(base, blkszbits);
}

/* Read one length-prefixed record as erofs_read_metadata() does. */
static const uint8_t *read_cfg_record(struct ie_image *img, uint64_t *pos,
				      unsigned int *len)
{
	const uint8_t *p;

	*pos = (*pos + 3) & ~(uint64_t)3;
	p = ie_image_bytes(img, *pos, 2);
	if (!p)
		return NULL;
	*len = ie_get_le16(p);
	if (!*len)
		*len = 65536;
	*pos += 2;
	p = ie_image_bytes(img, *pos, *len);
	if (p)
		*pos += *len;
	return p;
}

static void parse_lz4_cfg(struct ie_image *img, const uint8_t *rec,
			  unsigned int len, struct ie_report *rep)
{
	struct ie_image_info *si = &img->si;
	uint16_t blks;

	if (len < sizeof(struct z_erofs_lz4_cfgs)) {
		ie_report(rep, "superblock: LZ4 configuration record is %u bytes, needs 14",
			  len);
		return;
	}
	blks = ie_get_le16(rec + 2);
	if (blks > Z_EROFS_PCLUSTER_MAX_SIZE / si->blksz)
		ie_report(rep, "superblock: LZ4 max_pclusterblks %u exceeds the 1 MiB physical cluster limit",
			  blks);
	si->lz4_max_pclusterblks = blks ? blks : 1;
}

static void parse_lzma_cfg(struct ie_image *img, const uint8_t *rec,
			   unsigned int len, struct ie_report *rep)
{
	uint32_t dict;

	if (len < sizeof(struct z_erofs_lzma_cfgs)) {
		ie_report(rep, "superblock: LZMA configuration record is %u bytes, needs 14",
			  len);
		return;
	}
	dict = ie_get_le32(rec);
	if (dict > Z_EROFS_LZMA_MAX_DICT_SIZE)
		ie_report(rep, "superblock: LZMA dictionary of %u bytes exceeds the 8 MiB limit",
			  dict);
	if (ie_get_le16(rec + 4))
		ie_report(rep, "superblock: unknown LZMA format %u",
			  ie_get_le16(rec + 4));
	img->si.lzma_dict_size = dict;
}

/* The records after the superblock, one per algorithm bit, in bit order. */
static void parse_compr_cfgs(struct ie_image *img, struct ie_report *rep)
{
	struct ie_image_info *si = &img->si;
	uint64_t pos = EROFS_SUPER_OFFSET + si->sb_size;
	unsigned int alg, algs = si->compr_algs, len;

	for (alg = 0; algs; alg++, algs >>= 1) {
		const uint8_t *rec;

		if (!(algs & 1))
			continue;
		rec = read_cfg_record(img, &pos, &len);
		if (!rec) {
			ie_report(rep, "superblock: configuration record of algorithm %u: %s",
				  alg, ie_image_error(img));
			return;
		}
		if (alg == Z_EROFS_COMPRESSION_LZ4)
			parse_lz4_cfg(img, rec, len, rep);
		else if (alg == Z_EROFS_COMPRESSION_LZMA)
			parse_lzma_cfg(img, rec, len, rep);
	}
}

static void verify_sizes(struct ie_image *img, struct ie_report *rep)
{
	const struct ie_image_info *si = &img->si;
	uint64_t declared = (uint64_t)si->sb.blocks * si->blksz;

	if (declared > si->avail)
		ie_report(rep, "superblock: image declares %u blocks (%llu bytes) but the file holds only %llu bytes from offset %llu",
			  si->sb.blocks, (unsigned long long)declared,
			  (unsigned long long)si->avail,
			  (unsigned long long)si->base);
	if (!si->sb.blocks)
		ie_report(rep, "superblock: image declares 0 blocks");
	if (si->sb.meta_blkaddr >= si->sb.blocks)
		ie_report(rep, "superblock: meta_blkaddr %u is beyond the image's %u blocks",
			  si->sb.meta_blkaddr, si->sb.blocks);
	if (si->sb.xattr_blkaddr > si->sb.blocks)
		ie_report(rep, "superblock: xattr_blkaddr %u is beyond the image's %u blocks",
			  si->sb.xattr_blkaddr, si->sb.blocks);
	if ((uint64_t)si->sb.root_nid >= ie_nid_max(img))
		ie_report(rep, "superblock: root nid %u is outside the image",
			  si->sb.root_nid);
	if (!si->sb.inos)
		ie_report(rep, "superblock: inode count is 0");
}

static void verify_features(struct ie_image *img, struct ie_report *rep)
{
	const struct erofs_super *sb = &img->si.sb;

	if (sb->feature_incompat & ~EROFS_INCOMPAT_ALL)
		ie_report(rep, "superblock: unknown incompatible features 0x%x",
			  sb->feature_incompat & ~EROFS_INCOMPAT_ALL);
	if (sb->extra_devices)
		ie_report(rep, "superblock: %u extra devices: multi-device images are not supported",
			  sb->extra_devices);
	if (sb->xattr_prefix_count)
		ie_report(rep, "superblock: %u long xattr name prefixes: not supported by this reader",
			  sb->xattr_prefix_count);
	if ((sb->feature_incompat & EROFS_INCOMPAT_FRAGMENTS) && sb->packed_nid)
		ie_report(rep, "superblock: packed inode (fragments) is not supported by this reader");
	if (img->si.compr_algs & ~((1u << Z_EROFS_COMPRESSION_MAX) - 1))
		ie_report(rep, "superblock: unknown compression algorithms 0x%x",
			  img->si.compr_algs);
}

unsigned long ie_super_verify(struct ie_image *img, struct ie_report *rep)
{
	const struct ie_image_info *si = &img->si;
	unsigned long before = rep->problems;

	if (si->sb.blkszbits < EROFS_MIN_BLKSZBITS ||
	    si->sb.blkszbits > EROFS_MAX_BLKSZBITS) {
		ie_report(rep, "superblock: block size 2^%u is not supported (Linux reads 512 to 4096)",
			  si->sb.blkszbits);
		return rep->problems - before;
	}
	if ((si->sb.feature_compat & EROFS_COMPAT_SB_CHKSUM) &&
	    si->crc_computed != si->sb.checksum)
		ie_report(rep, "superblock: checksum 0x%08x does not match the computed 0x%08x",
			  si->sb.checksum, si->crc_computed);
	if (si->sb.dirblkbits)
		ie_report(rep, "superblock: dirblkbits %u is not supported (must be 0)",
			  si->sb.dirblkbits);
	if (si->sb_size > 4096 - EROFS_SUPER_OFFSET)
		ie_report(rep, "superblock: %u extension slots do not fit in block 0",
			  si->sb.sb_extslots);
	if (!memchr(si->sb.volume_name, 0, sizeof(si->sb.volume_name)))
		ie_report(rep, "superblock: volume name is not NUL-terminated");
	verify_features(img, rep);
	verify_sizes(img, rep);
	if (si->sb.feature_incompat & EROFS_INCOMPAT_COMPR_CFGS)
		parse_compr_cfgs(img, rep);
	return rep->problems - before;
}

static void ignore_problem(struct ie_report *rep, const char *msg)
{
	(void)rep;
	(void)msg;
}

/* Decode what every later step relies on; verification comes after. */
static int load_super(struct ie_image *img)
{
	struct ie_image_info *si = &img->si;
	const uint8_t *base = img->file + si->base;
	struct ie_report silent = { .problem = ignore_problem };
	uint64_t declared;

	decode_super(base + EROFS_SUPER_OFFSET, &si->sb);
	if (si->sb.blkszbits < EROFS_MIN_BLKSZBITS ||
	    si->sb.blkszbits > EROFS_MAX_BLKSZBITS)
		return ie_image_set_error(img, -EUCLEAN,
					  "reader: block size 2^%u is not supported (Linux reads 512 to 4096)",
					  si->sb.blkszbits);
	si->blksz = 1u << si->sb.blkszbits;
	si->sb_size = EROFS_SUPER_SIZE + 16u * si->sb.sb_extslots;
	si->crc_computed = super_crc(base, si->avail, si->sb.blkszbits);
	memcpy(si->volume_name, si->sb.volume_name, 16);
	si->volume_name[16] = '\0';
	si->lz4_max_pclusterblks = 1;
	if (si->sb.feature_incompat & EROFS_INCOMPAT_COMPR_CFGS)
		si->compr_algs = si->sb.compr_algs_or_lz4_distance;
	else
		si->compr_algs = 1u << Z_EROFS_COMPRESSION_LZ4;

	declared = (uint64_t)si->sb.blocks * si->blksz;
	img->data = base;
	img->size = declared && declared <= si->avail ? declared : si->avail;
	if (si->sb.feature_incompat & EROFS_INCOMPAT_COMPR_CFGS)
		parse_compr_cfgs(img, &silent);
	return 0;
}

/* Collects the first problem as the open error. */
struct first_problem {
	struct ie_report rep;
	char msg[512];
};

static void keep_first(struct ie_report *rep, const char *msg)
{
	struct first_problem *fp = (struct first_problem *)rep;

	if (rep->problems == 1)
		snprintf(fp->msg, sizeof(fp->msg), "%s", msg);
}

static int map_file(struct ie_image *img, const char *path)
{
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ie_image_set_error(img, -errno, "reader: %s: %s", path,
					  strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = ie_image_set_error(img, -errno, "reader: %s: %s", path,
					 strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = ie_image_set_error(img, -EINVAL,
					 "reader: %s: not a regular file", path);
		goto out;
	}
	if (st.st_size < EROFS_SUPER_OFFSET + EROFS_SUPER_SIZE) {
		ret = ie_image_set_error(img, -EUCLEAN,
					 "reader: %s: %lld bytes is too small to hold an EROFS superblock",
					 path, (long long)st.st_size);
		goto out;
	}
	img->file_size = (uint64_t)st.st_size;
	img->file = mmap(NULL, img->file_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img->file == MAP_FAILED) {
		img->file = NULL;
		ret = ie_image_set_error(img, -errno, "reader: %s: mmap: %s",
					 path, strerror(errno));
	}
out:
	close(fd);
	return ret;
}

static int open_image(struct ie_image *img, const char *path,
		      unsigned int flags)
{
	struct first_problem fp = { .rep.problem = keep_first };
	struct ie_initrd_image loc;
	const char *why;
	int ret;

	ret = map_file(img, path);
	if (ret)
		return ret;
	why = ie_initrd_find_image(img->file, img->file_size, &loc);
	if (why)
		return ie_image_set_error(img, -EUCLEAN,
					  "reader: %s: no EROFS superblock where the kernel looks for one (magic 0x%08x at offset 1024, or after the uncompressed cpio archives): found %s at offset %llu after %u cpio archive(s); the kernel would unpack this initrd as an initramfs",
					  path, EROFS_MAGIC, why,
					  (unsigned long long)loc.stop, loc.archives);
	img->si.base = loc.offset;
	img->si.file_size = img->file_size;
	img->si.avail = img->file_size - img->si.base;
	ret = load_super(img);
	if (ret || (flags & IE_OPEN_LENIENT))
		return ret;
	if (ie_super_verify(img, &fp.rep))
		return ie_image_set_error(img, -EUCLEAN, "%s", fp.msg);
	return 0;
}

int ie_image_open(const char *path, unsigned int flags, struct ie_image **imgp,
		  struct ie_error *err)
{
	struct ie_image *img;
	int ret;

	*imgp = NULL;
	img = calloc(1, sizeof(*img));
	if (!img)
		return ie_fail(err, -ENOMEM, "reader: out of memory");
	ret = open_image(img, path, flags);
	if (ret) {
		ie_error_copy(err, &img->err);
		ie_image_close(img);
		return ret;
	}
	*imgp = img;
	return 0;
}

void ie_image_close(struct ie_image *img)
{
	if (!img)
		return;
	if (img->file)
		munmap((void *)img->file, img->file_size);
	free(img);
}
