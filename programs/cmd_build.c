// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs build: make an EROFS image from a directory or a manifest.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "image_options.h"
#include "progress.h"
#include "initerofs/importer.h"
#include "initerofs/writer.h"
#include "switch_root_step.h"


#define CMD		"initerofs build"

static const char usage_head[] =
"Usage: initerofs build [OPTIONS] -o IMAGE SOURCE\n"
"\n"
"Build an EROFS image from SOURCE, a directory or a manifest in the kernel's\n"
"gen_init_cpio format (file, dir, nod, slink, pipe, sock lines).\n"
"\n"
"Options:\n"
"  -o, --output IMAGE        image to write (through a temporary file)\n"
"      --switch-root         put the initerofs switch-root program in place of\n"
"                            SOURCE's run-init and switch_root, as convert does\n"
"                            (stock ones kept in /usr/lib/initerofs/stock)\n";

static const char usage_tail[] =
"  -q, --quiet               no progress line, no summary\n"
"  -v, --verbose             print what was written\n"
"  -h, --help                show this help\n"
"\n"
"Without -T, SOURCE_DATE_EPOCH (if set) caps every mtime at its value.\n"
"The same SOURCE and options always give a byte-identical image.\n";

enum { OPT_SWITCH_ROOT = IMAGE_OPT_END };

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "switch-root", no_argument, NULL, OPT_SWITCH_ROOT },
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
	bool switch_root;
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, CMD ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" CMD " --help'.\n");
	return 2;
}

/*
 * The options of build itself; image options go to image_option().
 * Return: ARGS_GO_ON, or the exit status.
 */
static int parse_option(struct build_args *a, int c, const char *arg)
{
	int ret = image_option(&a->opts, c, arg, CMD);

	if (ret != IMAGE_OPT_NOT_MINE)
		return ret ? ret : ARGS_GO_ON;
	switch (c) {
	case 'o':
		a->output = arg;
		return ARGS_GO_ON;
	case 'q':
		a->quiet = true;
		return ARGS_GO_ON;
	case 'v':
		a->verbose = true;
		return ARGS_GO_ON;
	case OPT_SWITCH_ROOT:
		a->switch_root = true;
		return ARGS_GO_ON;
	case 'h':
		fputs(usage_head, stdout);
		fputs(image_options_help, stdout);
		fputs(usage_tail, stdout);
		return 0;
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
		if (ret != ARGS_GO_ON)
			return ret;
	}
	if (!a->output)
		return bad("%s", "no output image (-o IMAGE)");
	if (optind + 1 != argc)
		return bad("%s", optind == argc ? "no SOURCE given" :
			   "more than one SOURCE given");
	a->source = argv[optind];
	return ARGS_GO_ON;
}

/*
 * A directory SOURCE must not hold IMAGE: the rename would replace an
 * input file, and the next build would pack the image into itself.
 */
static int output_in_source_dir(const char *output, const char *source,
				struct ie_error *err)
{
	char src[PATH_MAX], dir[PATH_MAX], *copy = strdup(output);
	size_t len;

	if (!copy)
		return ie_fail(err, -ENOMEM, "out of memory");
	/* Unresolvable paths fail later with their own message. */
	if (!realpath(source, src) || !realpath(dirname(copy), dir)) {
		free(copy);
		return 0;
	}
	free(copy);
	len = strlen(src);
	if (!strncmp(dir, src, len) &&
	    (dir[len] == '\0' || dir[len] == '/' || len == 1)) {
		return ie_fail(err, -EINVAL,
			       "%s: the output image is inside SOURCE %s: it would replace or become one of its files; write it elsewhere",
			       output, source);
	}
	return 0;
}

static bool same_file(const struct stat *a, const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_dev == a->st_dev &&
	       st.st_ino == a->st_ino;
}

/* The first file of the tree under @dir that is @out, or NULL. */
static const char *tree_reads(const struct ie_inode *dir,
			      const struct stat *out)
{
	size_t i;

	for (i = 0; i < dir->nr_children; i++) {
		const struct ie_inode *ino = dir->children[i].inode;
		const char *found;

		if (S_ISDIR(ino->mode)) {
			found = tree_reads(ino, out);
			if (found)
				return found;
		} else if (ino->data.kind == IE_DATA_PATH &&
			   same_file(out, ino->data.path)) {
			return ino->data.path;
		}
	}
	return NULL;
}

/* Writing an existing IMAGE must not replace the manifest or its files. */
static int output_is_input(const char *output, const char *manifest,
			   const struct ie_tree *tree, struct ie_error *err)
{
	const char *input = NULL;
	struct stat out;

	if (stat(output, &out))
		return 0;
	if (same_file(&out, manifest))
		input = manifest;
	else
		input = tree_reads(tree->root, &out);
	if (!input)
		return 0;
	return ie_fail(err, -EINVAL,
		       "%s: the output image is the input file %s: it would be replaced; write it elsewhere",
		       output, input);
}

static int import_source(struct ie_tree *tree, const char *source,
			 const char *output, struct ie_error *err)
{
	struct stat st;
	int ret;

	if (stat(source, &st))
		return ie_fail(err, -errno, "%s: %s", source, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		ret = output_in_source_dir(output, source, err);
		return ret ? ret : ie_import_dir(tree, source, err);
	}
	ret = ie_import_manifest(tree, source, err);
	return ret ? ret : output_is_input(output, source, tree, err);
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
	struct ie_error err = { 0 };
	int ret;

	ret = parse_args(&a, argc, argv);
	if (ret != ARGS_GO_ON)
		return ret;
	tree = ie_tree_new();
	if (!tree) {
		fprintf(stderr, "initerofs build: out of memory\n");
		return 1;
	}
	progress_init(&progress, CMD, a.quiet);
	ret = import_source(tree, a.source, a.output, &err);
	if (!ret && a.switch_root &&
	    switch_root_step(CMD, tree, a.opts.force_mtime || a.opts.clamp_mtime ?
			     a.opts.mtime : 0, a.source, a.quiet)) {
		ie_tree_free(tree);
		return 1;
	}
	if (!ret) {
		progress_attach(&progress, &a.opts);
		ret = ie_write_image(tree, &a.opts, a.output, &stats, &err);
		progress_end(&progress);
	}
	ie_tree_free(tree);
	if (ret) {
		ie_error_print(stderr, CMD, &err, ret);
		return 1;
	}
	if (a.verbose)
		print_stats(&a, &stats);
	progress_summary(&progress, a.output, stats.data_bytes, &stats);
	return 0;
}
