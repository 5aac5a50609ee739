// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs convert [options] -o OUT INITRD|-: turn a cpio initramfs (any
 * mix of compressed and uncompressed segments) into an EROFS initrd.
 *
 * The pipeline is the library's ie_convert() (include/initerofs/convert.h,
 * which explains the output's layout); this file parses the options and
 * says what happened.
 *
 * The root-switching tools of the initrd (klibc's and busybox's run-init,
 * busybox's and util-linux's switch_root) are replaced by the initerofs
 * switch-root program, which can leave an EROFS root behind
 * (docs/switch-root.md); --keep-switch-root keeps them as they are.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "image_options.h"
#include "progress.h"
#include "initerofs/convert.h"
#include "initerofs/switch_root.h"
#include "initerofs/tempfile.h"
#include "switch_root_step.h"

#define CMD		"initerofs convert"
#define MAX_WARNINGS	20	/* printed; the rest are only counted */

enum {
	OPT_NO_EARLY = IMAGE_OPT_END,
	OPT_KEEP_SWITCH_ROOT,
	OPT_DECODER_MEMORY,
	OPT_MAX_UNPACKED,
};

struct convert {
	const char *input;		/* path, or "-" */
	const char *output;
	bool no_early;
	bool keep_switch_root;
	bool quiet, verbose;
	struct ie_write_options image;
	struct ie_decompress_limits limits;

	unsigned long dropped;		/* entries not created, so far */
	struct progress progress;
	struct ie_convert_result res;
	struct ie_error err;
};

static void usage(FILE *out)
{
	fputs("Usage: " CMD " [OPTIONS] -o OUT INITRD\n"
	      "\n"
	      "Convert the initramfs INITRD ('-' for standard input) into an EROFS\n"
	      "initrd OUT. Every layout the kernel unpacks is read: uncompressed and\n"
	      "gzip, bzip2, lzma, xz, lz4 (legacy), lzo or zstd compressed cpio\n"
	      "segments, zero padding between them, several archives per segment.\n"
	      "Files merge as the kernel merges them. Leading archives for the early\n"
	      "loaders (kernel/x86/microcode/, kernel/firmware/acpi/) stay in front,\n"
	      "byte for byte; the EROFS image follows at the next 4096-byte boundary.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output OUT          the file to write (replaced only when complete)\n"
	      "      --no-early            put the early archives' files into the image too\n"
	      "      --keep-switch-root    keep the initrd's run-init and switch_root as they\n"
	      "                            are (default: replace them by a program that can\n"
	      "                            leave an EROFS root; stock ones kept in\n"
	      "                            " IE_SR_STOCK_DIR ")\n"
	      "      --decoder-memory SIZE memory one decompressor may use (default 256M)\n"
	      "      --max-unpacked SIZE   refuse a compressed segment that expands beyond\n"
	      "                            SIZE bytes (K, M, G, T suffixes; default: no limit)\n",
	      out);
	fputs(image_options_help, out);
	fputs("  -q, --quiet               no progress line, no summary, and do not list\n"
	      "                            entries the kernel would not create\n"
	      "  -v, --verbose             print segments and sizes\n"
	      "  -h, --help                show this help\n"
	      "\n"
	      "Without -T, SOURCE_DATE_EPOCH (if set) caps every mtime at its value.\n"
	      "The same INITRD and options always give a byte-identical result.\n",
	      out);
}

static int parse_args(struct convert *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-early", no_argument, NULL, OPT_NO_EARLY },
		{ "keep-switch-root", no_argument, NULL, OPT_KEEP_SWITCH_ROOT },
		{ "decoder-memory", required_argument, NULL, OPT_DECODER_MEMORY },
		{ "max-unpacked", required_argument, NULL, OPT_MAX_UNPACKED },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		IMAGE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	if (image_options_init(&c->image, CMD))
		return 2;	/* the exit status */
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:qvh" IMAGE_SHORT_OPTIONS,
				  longopts, NULL)) != -1) {
		int ret = image_option(&c->image, opt, optarg, CMD);

		if (ret != IMAGE_OPT_NOT_MINE) {
			if (ret)
				return ret;
			continue;
		}
		switch (opt) {
		case 'o':
			c->output = optarg;
			break;
		case OPT_NO_EARLY:
			c->no_early = true;
			break;
		case OPT_KEEP_SWITCH_ROOT:
			c->keep_switch_root = true;
			break;
		case OPT_DECODER_MEMORY:
		case OPT_MAX_UNPACKED:
			if (ie_parse_size(optarg, opt == OPT_MAX_UNPACKED ?
					  &c->limits.output : &c->limits.memory) ||
			    (opt == OPT_DECODER_MEMORY && !c->limits.memory)) {
				fprintf(stderr, CMD ": bad size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'v':
			c->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!c->output || optind != argc - 1) {
		fprintf(stderr, CMD ": %s\n", !c->output ?
			"an output file is needed (-o OUT)" :
			"exactly one INITRD is needed");
		usage(stderr);
		return 2;
	}
	c->input = argv[optind];
	return ARGS_GO_ON;
}

static void print_warning(void *ctx, const char *msg, unsigned long nr)
{
	struct convert *c = ctx;

	c->dropped = nr;
	if (c->quiet || nr > MAX_WARNINGS)
		return;
	fprintf(stderr, CMD ": warning: %s: %s\n", c->input, msg);
}

static void print_segment(void *ctx, const struct ie_segment *seg)
{
	struct convert *c = ctx;

	if (c->verbose)
		fprintf(stderr, CMD ": segment at offset %llu: %s\n",
			(unsigned long long)seg->offset,
			seg->compression == IE_COMPRESSION_UNKNOWN ?
			"uncompressed cpio" : ie_compression_name(seg->compression));
}

static int64_t default_mtime(const struct convert *c)
{
	const struct ie_write_options *w = &c->image;

	return w->force_mtime || w->clamp_mtime ? w->mtime : 0;
}

/*
 * The tree is complete: count what was dropped, then replace the initrd's
 * root-switching tools (docs/switch-root.md).
 */
static int prepare_tree(void *ctx, struct ie_tree *tree)
{
	struct convert *c = ctx;

	if (c->dropped > MAX_WARNINGS && !c->quiet)
		fprintf(stderr, CMD ": warning: %s: %lu entries in all not created, as the kernel would not\n",
			c->input, c->dropped);
	if (c->keep_switch_root)
		return 0;
	return switch_root_step(CMD, tree, default_mtime(c), c->input,
				c->quiet);
}

static int convert(struct convert *c)
{
	const struct ie_convert_result *r = &c->res;
	struct ie_convert_options o = {
		.input = c->input,
		.output = c->output,
		.no_early = c->no_early,
		.limits = c->limits,
		.image = &c->image,
		.default_mtime = default_mtime(c),
		.ctx = c,
		.warn = print_warning,
		.segment = print_segment,
		.prepare = prepare_tree,
	};
	int ret;

	progress_init(&c->progress, CMD, c->quiet);
	progress_attach(&c->progress, &c->image);
	ret = ie_convert(&o, &c->res, &c->err);
	progress_end(&c->progress);
	if (r->written && c->verbose)
		fprintf(stderr,
			CMD ": %lu segments, %lu entries; early prefix %llu bytes; EROFS image at %llu, %llu bytes, %llu inodes\n",
			r->segments, r->entries,
			(unsigned long long)r->prefix_len,
			(unsigned long long)r->base,
			(unsigned long long)r->stats.image_bytes,
			(unsigned long long)r->stats.inodes);
	if (ret) {
		ie_error_print(stderr, CMD, &c->err, ret);
		return 1;
	}
	progress_summary(&c->progress, c->output, r->stats.data_bytes,
			 &r->stats);
	return 0;
}

int cmd_convert(int argc, char **argv)
{
	struct convert c;
	int ret;

	memset(&c, 0, sizeof(c));
	ret = parse_args(&c, argc, argv);
	if (ret != ARGS_GO_ON)
		return ret;
	return convert(&c);
}
