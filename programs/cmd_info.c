// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs info IMAGE: superblock, features, sizes and compression ratio.
 *
 * The sizes come from a survey of the whole tree (every extent mapped,
 * nothing decompressed), so they describe what the kernel would see.
 */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "kernel_info.h"
#include "read_common.h"
#include "initerofs/check.h"
#include "initerofs/reader.h"

struct feature {
	uint32_t bit;
	const char *name;
};

static const struct feature compat_features[] = {
	{ EROFS_COMPAT_SB_CHKSUM, "sb_csum" },
	{ EROFS_COMPAT_MTIME, "mtime" },
	{ EROFS_COMPAT_XATTR_FILTER, "xattr_filter" },
};

/* Bits the format reuses carry both names. */
static const struct feature incompat_features[] = {
	{ EROFS_INCOMPAT_ZERO_PADDING, "0padding" },
	{ EROFS_INCOMPAT_COMPR_CFGS, "compr_cfgs+big_pcluster" },
	{ EROFS_INCOMPAT_CHUNKED_FILE, "chunked_file" },
	{ EROFS_INCOMPAT_DEVICE_TABLE, "device_table+compr_head2" },
	{ EROFS_INCOMPAT_ZTAILPACKING, "ztailpacking" },
	{ EROFS_INCOMPAT_FRAGMENTS, "fragments+dedupe" },
	{ EROFS_INCOMPAT_XATTR_PREFIXES, "xattr_prefixes" },
};

static const char *const algorithm_names[] = { "lz4", "lzma", "deflate", "zstd" };

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: initerofs info IMAGE\n"
		"Show the superblock, features, sizes and compression ratio of the\n"
		"EROFS image IMAGE (optionally behind an early cpio prefix).\n"
		"       initerofs info --kernel [VERSION]\n"
		"Tell whether a kernel can boot an EROFS initrd (see --kernel --help).\n\n"
		"  -h, --help   show this help\n");
}

static void print_features(const char *label, uint32_t bits,
			   const struct feature *f, size_t n)
{
	size_t i;

	printf("%-20s", label);
	for (i = 0; i < n; i++) {
		if (bits & f[i].bit)
			printf(" %s", f[i].name);
		bits &= ~f[i].bit;
	}
	if (bits)
		printf(" unknown(0x%x)", bits);
	putchar('\n');
}

static void print_super(const char *path, const struct ie_image_info *si,
			uint64_t size)
{
	const struct erofs_super *sb = &si->sb;
	time_t t = (time_t)sb->build_time;
	char when[64] = "?";
	struct tm tm;
	unsigned int i;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("%-20s %s\n", "image:", path);
	printf("%-20s %llu of %llu bytes\n", "starts at:",
	       (unsigned long long)si->base, (unsigned long long)si->file_size);
	printf("%-20s %llu bytes (%u blocks of %u)\n", "image size:",
	       (unsigned long long)size, sb->blocks, si->blksz);
	printf("%-20s ", "uuid:");
	for (i = 0; i < 16; i++)
		printf("%02x%s", sb->uuid[i],
		       i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
	printf("\n%-20s %s\n", "volume name:", si->volume_name);
	printf("%-20s %s (%llu.%09u)\n", "build time:", when,
	       (unsigned long long)sb->build_time, sb->build_time_nsec);
	print_features("compat features:", sb->feature_compat, compat_features,
		       sizeof(compat_features) / sizeof(compat_features[0]));
	print_features("incompat features:", sb->feature_incompat,
		       incompat_features,
		       sizeof(incompat_features) / sizeof(incompat_features[0]));
	if (sb->feature_compat & EROFS_COMPAT_SB_CHKSUM)
		printf("%-20s 0x%08x (%s)\n", "checksum:", sb->checksum,
		       sb->checksum == si->crc_computed ? "ok" : "MISMATCH");
	printf("%-20s", "algorithms:");
	for (i = 0; i < 4; i++)
		if (si->compr_algs & (1u << i))
			printf(" %s", algorithm_names[i]);
	printf(" (pclusters up to %u blocks)\n", si->lz4_max_pclusterblks);
	printf("%-20s %u (inodes from block %u, shared xattrs from block %u)\n",
	       "root nid:", sb->root_nid, sb->meta_blkaddr, sb->xattr_blkaddr);
}

static void print_stats(const struct ie_check_stats *st, uint64_t size,
			unsigned long problems)
{
	printf("%-20s %llu (%llu directories, %llu files, %llu symlinks, %llu devices, %llu fifos, %llu sockets)\n",
	       "inodes:", (unsigned long long)st->inodes,
	       (unsigned long long)st->dirs, (unsigned long long)st->regular,
	       (unsigned long long)st->symlinks,
	       (unsigned long long)st->devices, (unsigned long long)st->fifos,
	       (unsigned long long)st->sockets);
	printf("%-20s %llu\n", "extra hard links:",
	       (unsigned long long)st->hardlinks);
	printf("%-20s %llu\n", "xattrs:", (unsigned long long)st->xattrs);
	printf("%-20s %llu bytes in %llu extents (%llu compressed, in %llu files)\n",
	       "file data:", (unsigned long long)st->data_bytes,
	       (unsigned long long)st->extents,
	       (unsigned long long)st->compressed_extents,
	       (unsigned long long)st->compressed_files);
	printf("%-20s %llu bytes\n", "stored as:",
	       (unsigned long long)st->stored_bytes);
	if (st->stored_bytes)
		printf("%-20s %.3f (data / stored), image is %.1f%% of the data\n",
		       "compression ratio:",
		       (double)st->data_bytes / (double)st->stored_bytes,
		       st->data_bytes ? 100.0 * (double)size /
					(double)st->data_bytes : 0.0);
	if (problems)
		printf("%-20s %lu found while surveying; run 'initerofs check'\n",
		       "problems:", problems);
}

int cmd_info(int argc, char **argv)
{
	struct ie_report survey = { .problem = read_count_only };
	struct ie_check_stats st = { 0 };
	struct ie_image *img;
	int ret;

	if (info_wants_kernel(argc, argv))
		return info_kernel(argc, argv);
	ret = read_help_only(argc, argv, usage);
	if (ret == READ_GO_ON)
		ret = read_want_args(argc, 1, 1, usage);
	if (ret != READ_GO_ON)
		return ret;
	img = read_open("initerofs info", argv[optind], IE_OPEN_LENIENT);
	if (!img)
		return READ_FAILED;
	print_super(argv[optind], ie_image_super(img), ie_image_size(img));
	ie_check(img, &survey, IE_CHECK_NO_DECODE, &st);
	print_stats(&st, ie_image_size(img), survey.problems);
	ie_image_close(img);
	return READ_OK;
}
