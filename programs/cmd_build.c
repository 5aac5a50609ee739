// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs build: make an EROFS image from a directory or a manifest.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "image_options.h"
#include "progress.h"
#include "initerofs/importer.h"
#include "initerofs/writer.h"

#define ERR_MAX		1024

#define CMD		"initerofs build"

static const char usage_head[] =
"Usage: initerofs build [OPTIONS] -o IMAGE SOURCE\n"
"\n"
"Build an EROFS image from SOURCE, a directory or a manifest in the kernel's\n"
"gen_init_cpio format (file, dir, nod, slink, pipe, sock lines).\n"
"\n"
"Options:\n"
"  -o, --output IMAGE        image to write (through a temporary file)\n";

static const char usage_tail[] =
"  -q, --quiet               no progress line, no summary\n"
"  -v, --verbose             print what was written\n"
"  -h, --help                show this help\n"
"\n"
"Without -T, SOURCE_DATE_EPOCH (if set) caps every mtime at its value.\n"
"The same SOURCE and options always give a byte-identical image.\n";

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	IMAGE_LONG_OPTIONS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct build_args {
	struct ie_write_options opts;
	const char *output;
	const char *source;
	bool quiet, verbose;
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, CMD ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" CMD " --help'.\n");
	return 2;
}

/* The options of build itself; image options go to image_option(). */
static int parse_option(struct build_args *a, int c, const char *arg)
{
	int ret = image_option(&a->opts, c, arg, CMD);

	if (ret != IMAGE_OPT_NOT_MINE)
		return ret;
	switch (c) {
	case 'o':
		a->output = arg;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	case 'v':
		a->verbose = true;
		return 0;
	case 'h':
		fputs(usage_head, stdout);
		fputs(image_options_help, stdout);
		fputs(usage_tail, stdout);
		return -1;
	default:
		fprintf(stderr, "Try '" CMD " --help'.\n");
		return 2;
	}
}

static int parse_args(struct build_args *a, int argc, char **argv)
{
	int c, ret;

	ret = image_options_init(&a->opts, CMD);
	if (ret)
		return ret;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qvh" IMAGE_SHORT_OPTIONS,
				long_options, NULL)) != -1) {
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
	struct progress progress;
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
	progress_init(&progress, CMD, a.quiet);
	ret = import_source(tree, a.source, err, sizeof(err));
	if (!ret) {
		progress_attach(&progress, &a.opts);
		ret = ie_write_image(tree, &a.opts, a.output, &stats, err,
				     sizeof(err));
		progress_end(&progress);
	}
	ie_tree_free(tree);
	if (ret) {
		fprintf(stderr, "initerofs build: %s\n",
			err[0] ? err : strerror(-ret));
		return 1;
	}
	if (a.verbose)
		print_stats(&a, &stats);
	progress_summary(&progress, a.output, stats.data_bytes, &stats);
	return 0;
}
