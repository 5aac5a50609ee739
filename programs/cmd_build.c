// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs build: make an EROFS image from a directory or a manifest.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "commands.h"
#include "initerofs/importer.h"
#include "initerofs/writer.h"

#define ERR_MAX		1024

static const char usage_text[] =
"Usage: initerofs build [OPTIONS] -o IMAGE SOURCE\n"
"\n"
"Build an EROFS image from SOURCE, a directory or a manifest in the kernel's\n"
"gen_init_cpio format (file, dir, nod, slink, pipe, sock lines).\n"
"\n"
"Options:\n"
"  -o, --output IMAGE        image to write (through a temporary file)\n"
"  -z, --compress ALG        none (default), lz4, lz4hc[,LEVEL 1-12], lzma[,LEVEL 0-9]\n"
"  -C, --pcluster SIZE       physical cluster size in bytes (default: block size)\n"
"  -b, --block-size SIZE     block size: 512, 1024, 2048 or 4096 (default)\n"
"      --all-root            make every file owned by 0:0\n"
"  -T, --mtime EPOCH         set every mtime to EPOCH (seconds)\n"
"  -U, --uuid UUID|random    volume UUID (default: derived from the content)\n"
"  -L, --label LABEL         volume label, at most 15 bytes\n"
"  -j, --jobs N              compression threads (default: number of CPUs)\n"
"  -v, --verbose             print what was written\n"
"  -h, --help                show this help\n"
"\n"
"Without -T, SOURCE_DATE_EPOCH (if set) caps every mtime at its value.\n"
"The same SOURCE and options always give a byte-identical image.\n";

enum { OPT_ALL_ROOT = 256 };

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "compress", required_argument, NULL, 'z' },
	{ "pcluster", required_argument, NULL, 'C' },
	{ "block-size", required_argument, NULL, 'b' },
	{ "all-root", no_argument, NULL, OPT_ALL_ROOT },
	{ "mtime", required_argument, NULL, 'T' },
	{ "uuid", required_argument, NULL, 'U' },
	{ "label", required_argument, NULL, 'L' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct build_args {
	struct ie_write_options opts;
	const char *output;
	const char *source;
	bool verbose;
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "initerofs build: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'initerofs build --help'.\n");
	return 2;
}

static int parse_number(const char *s, long long min, long long max,
			long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || *end || end == s || *out < min || *out > max ? -1 : 0;
}

static int parse_block_size(const char *s, unsigned int *bits)
{
	long long v;

	if (parse_number(s, 512, 4096, &v) || (v & (v - 1)))
		return -1;
	for (*bits = 9; (1ll << *bits) < v; (*bits)++)
		;
	return 0;
}

static int parse_option(struct build_args *a, int c, const char *arg)
{
	char err[ERR_MAX];
	long long v;

	switch (c) {
	case 'o':
		a->output = arg;
		return 0;
	case 'z':
		if (ie_compr_parse(arg, &a->opts.compr, err, sizeof(err)))
			return bad("%s", err);
		return 0;
	case 'C':
		if (parse_number(arg, 512, 1 << 20, &v))
			return bad("bad physical cluster size '%s'", arg);
		a->opts.pclustersize = (uint32_t)v;
		return 0;
	case 'b':
		if (parse_block_size(arg, &a->opts.blkszbits))
			return bad("bad block size '%s' (512, 1024, 2048, 4096)", arg);
		return 0;
	case OPT_ALL_ROOT:
		a->opts.all_root = true;
		return 0;
	case 'T':
		if (parse_number(arg, 0, INT64_MAX, &v))
			return bad("bad timestamp '%s'", arg);
		a->opts.force_mtime = true;
		a->opts.clamp_mtime = false;
		a->opts.mtime = v;
		return 0;
	case 'U':
		if (!strcmp(arg, "random")) {
			if (getrandom(a->opts.uuid, 16, 0) != 16)
				return bad("%s", "cannot get random bytes");
			a->opts.uuid[6] = (a->opts.uuid[6] & 0x0f) | 0x40;
			a->opts.uuid[8] = (a->opts.uuid[8] & 0x3f) | 0x80;
		} else if (ie_parse_uuid(arg, a->opts.uuid)) {
			return bad("bad UUID '%s'", arg);
		}
		a->opts.have_uuid = true;
		return 0;
	case 'L':
		if (strlen(arg) > 15)
			return bad("label '%s' is longer than 15 bytes", arg);
		memset(a->opts.label, 0, sizeof(a->opts.label));
		memcpy(a->opts.label, arg, strlen(arg));
		return 0;
	case 'j':
		if (parse_number(arg, 1, 1024, &v))
			return bad("bad job count '%s'", arg);
		a->opts.jobs = (unsigned int)v;
		return 0;
	case 'v':
		a->verbose = true;
		return 0;
	case 'h':
		fputs(usage_text, stdout);
		return -1;
	default:
		fprintf(stderr, "Try 'initerofs build --help'.\n");
		return 2;
	}
}

static int parse_args(struct build_args *a, int argc, char **argv)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long v;
	int c, ret;

	ie_write_options_init(&a->opts);
	if (sde && *sde) {
		if (parse_number(sde, 0, INT64_MAX, &v))
			return bad("bad SOURCE_DATE_EPOCH '%s'", sde);
		a->opts.clamp_mtime = true;
		a->opts.mtime = v;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:z:C:b:T:U:L:j:vh", long_options,
				NULL)) != -1) {
		ret = parse_option(a, c, optarg);
		if (ret)
			return ret;
	}
	if (!a->output)
		return bad("%s", "no output image (-o IMAGE)");
	if (optind + 1 != argc)
		return bad("%s", optind == argc ? "no SOURCE given" :
			   "more than one SOURCE given");
	a->source = argv[optind];
	return 0;
}

static int import_source(struct ie_tree *tree, const char *source,
			 char *err, size_t errlen)
{
	struct stat st;

	if (stat(source, &st)) {
		snprintf(err, errlen, "%s: %s", source, strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode))
		return ie_import_dir(tree, source, err, errlen);
	return ie_import_manifest(tree, source, err, errlen);
}

static void print_stats(const struct build_args *a,
			const struct ie_write_stats *s)
{
	printf("%s: %llu bytes, %llu inodes (%llu extended), %llu bytes of file data in %llu blocks, %llu files compressed (%s), %llu shared xattrs\n",
	       a->output, (unsigned long long)s->image_bytes,
	       (unsigned long long)s->inodes,
	       (unsigned long long)s->extended_inodes,
	       (unsigned long long)s->data_bytes,
	       (unsigned long long)s->data_blocks,
	       (unsigned long long)s->compressed_files,
	       ie_compr_name(a->opts.compr.kind),
	       (unsigned long long)s->shared_xattrs);
}

int cmd_build(int argc, char **argv)
{
	struct build_args a = { 0 };
	struct ie_write_stats stats;
	struct ie_tree *tree;
	char err[ERR_MAX] = "";
	int ret;

	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret;
	tree = ie_tree_new();
	if (!tree) {
		fprintf(stderr, "initerofs build: out of memory\n");
		return 1;
	}
	ret = import_source(tree, a.source, err, sizeof(err));
	if (!ret)
		ret = ie_write_image(tree, &a.opts, a.output, &stats, err,
				     sizeof(err));
	ie_tree_free(tree);
	if (ret) {
		fprintf(stderr, "initerofs build: %s\n",
			err[0] ? err : strerror(-ret));
		return 1;
	}
	if (a.verbose)
		print_stats(&a, &stats);
	return 0;
}
