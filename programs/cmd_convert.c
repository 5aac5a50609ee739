// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs convert [options] -o OUT INITRD|-: turn a cpio initramfs (any
 * mix of compressed and uncompressed segments) into an EROFS initrd.
 *
 * The output is [early archives][zero padding to 4 KiB][EROFS image]: the
 * leading uncompressed archives that only feed the kernel's early loaders
 * (CPU microcode, ACPI tables) are copied byte for byte, because those
 * loaders look for them at the start of the initrd; everything else is
 * merged with the kernel's own unpacking rules and written as one image,
 * page-aligned so the kernel can use it in place.
 *
 * The root-switching tools of the initrd (klibc's and busybox's run-init,
 * busybox's and util-linux's switch_root) are replaced by the initerofs
 * switch-root program, which can leave an EROFS root behind
 * (docs/switch-root.md); --keep-switch-root keeps them as they are.
 *
 * Nothing is extracted and no root is needed: entries stream from the
 * decompressors into the tree, file bodies into an unlinked spool file
 * next to the output; memory holds metadata only. The output appears under
 * its name only when complete (temporary file, then rename).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "image_options.h"
#include "progress.h"
#include "initerofs/import_cpio.h"
#include "initerofs/initrd.h"
#include "initerofs/switch_root.h"
#include "switch_root_step.h"
#include "initerofs/tempfile.h"
#include "initerofs/writer.h"

#define CMD		"initerofs convert"
#define INPUT_BUFFER	(1024 * 1024)
#define IMAGE_ALIGN	4096
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

	int in_fd, spool_fd;
	struct ie_output out;		/* a temporary file until renamed */
	struct ie_stream in;
	bool in_ready;
	uint64_t prefix_len, base;
	struct ie_tree *tree;
	struct ie_cpio_import *imp;
	unsigned long segments, entries;
	struct progress progress;
	struct ie_write_stats stats;
	char err[IE_ERR_MAX];
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
		return 2;
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
	return -1;	/* go on */
}

static int fail_errno(const char *what, const char *path)
{
	fprintf(stderr, CMD ": %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

/* The input's bytes stream through one buffer; "-" is standard input. */
static int open_input(struct convert *c)
{
	if (!strcmp(c->input, "-")) {
		c->in_fd = STDIN_FILENO;
	} else {
		c->in_fd = open(c->input, O_RDONLY | O_CLOEXEC);
		if (c->in_fd < 0)
			return fail_errno("cannot open", c->input);
	}
	if (ie_stream_init_fd(&c->in, c->in_fd, INPUT_BUFFER)) {
		fprintf(stderr, CMD ": out of memory\n");
		return 1;
	}
	c->in_ready = true;
	return 0;
}

static char *dir_of(const char *path)
{
	char *copy = strdup(path), *dir;

	if (!copy)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

/* The output is built under a temporary name in its own folder. */
static int open_output(struct convert *c)
{
	if (ie_output_open(&c->out, c->output, c->err, sizeof(c->err))) {
		fprintf(stderr, CMD ": %s\n", c->err);
		return 1;
	}
	return 0;
}

/*
 * File bodies go to an unlinked file beside the output (not /tmp, which may
 * be in memory): the disk the output needs anyway.
 */
static int open_spool(struct convert *c)
{
	char *dir = dir_of(c->output);

	if (!dir) {
		fprintf(stderr, CMD ": out of memory\n");
		return 1;
	}
	c->spool_fd = ie_spool_open(dir, c->err, sizeof(c->err));
	free(dir);
	if (c->spool_fd < 0) {
		fprintf(stderr, CMD ": %s\n", c->err);
		return 1;
	}
	return 0;
}

static int write_out(struct convert *c, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = write(c->out.fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail_errno("cannot write", c->out.tmp_path);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy the early archives as they are and pad to the image's alignment. */
static int copy_prefix(struct convert *c)
{
	static const unsigned char zeros[IMAGE_ALIGN];
	uint64_t left = c->prefix_len;

	while (left) {
		ssize_t got = ie_stream_need(&c->in, 1);
		size_t n;

		if (got <= 0) {
			fprintf(stderr, CMD ": %s: %s\n", c->input,
				got < 0 ? c->in.err : "input shrank while reading");
			return 1;
		}
		n = (size_t)got < left ? (size_t)got : (size_t)left;
		if (write_out(c, ie_stream_data(&c->in), n))
			return 1;
		ie_stream_consume(&c->in, n);
		left -= n;
	}
	c->base = (c->prefix_len + IMAGE_ALIGN - 1) / IMAGE_ALIGN * IMAGE_ALIGN;
	return write_out(c, zeros, (size_t)(c->base - c->prefix_len));
}

static void print_warning(void *ctx, const char *msg)
{
	struct convert *c = ctx;

	if (c->quiet || ie_cpio_import_warnings(c->imp) > MAX_WARNINGS)
		return;
	fprintf(stderr, CMD ": warning: %s: %s\n", c->input, msg);
}

static int count_segment(void *ctx, const struct ie_segment *seg, char *err,
			 size_t errlen)
{
	struct convert *c = ctx;

	(void)err, (void)errlen;
	c->segments++;
	if (c->verbose)
		fprintf(stderr, CMD ": segment at offset %llu: %s\n",
			(unsigned long long)seg->offset,
			seg->compression == IE_COMPRESSION_UNKNOWN ?
			"uncompressed cpio" : ie_compression_name(seg->compression));
	return 0;
}

static int import_entry(void *ctx, const struct ie_segment *seg,
			struct ie_cpio_reader *r)
{
	struct convert *c = ctx;

	(void)seg;
	c->entries++;
	return ie_cpio_import_entry(c->imp, r);
}

static int64_t default_mtime(const struct convert *c)
{
	const struct ie_write_options *w = &c->image;

	return w->force_mtime || w->clamp_mtime ? w->mtime : 0;
}

/* Every segment after the prefix, into the tree. */
static int import_all(struct convert *c)
{
	static const struct ie_initrd_ops ops = {
		.segment = count_segment,
		.entry = import_entry,
	};
	unsigned long dropped;

	c->tree = ie_tree_new();
	if (c->tree)
		c->imp = ie_cpio_import_new(c->tree, c->spool_fd,
					    default_mtime(c), print_warning, c);
	if (!c->imp) {
		fprintf(stderr, CMD ": out of memory\n");
		return 1;
	}
	if (ie_initrd_scan_limited(&c->in, &ops, c, &c->limits, c->err,
				   sizeof(c->err)) ||
	    ie_cpio_import_finish(c->imp, c->err, sizeof(c->err))) {
		fprintf(stderr, CMD ": %s: %s\n", c->input, c->err);
		return 1;
	}
	if (!c->segments && !c->prefix_len) {
		fprintf(stderr, CMD ": %s: no initramfs in it (empty, or zero bytes only)\n",
			c->input);
		return 1;
	}
	dropped = ie_cpio_import_warnings(c->imp);
	if (dropped > MAX_WARNINGS && !c->quiet)
		fprintf(stderr, CMD ": warning: %s: %lu entries in all not created, as the kernel would not\n",
			c->input, dropped);
	return 0;
}

/* Replace the initrd's root-switching tools (docs/switch-root.md). */
static int install_switch_root(struct convert *c)
{
	if (c->keep_switch_root)
		return 0;
	return switch_root_step(CMD, c->tree, default_mtime(c), c->input,
				c->quiet);
}

static int write_image(struct convert *c)
{
	struct ie_write_stats stats;
	int ret;

	memset(&stats, 0, sizeof(stats));
	progress_attach(&c->progress, &c->image);
	ret = ie_write_image_fd(c->tree, &c->image, c->out.fd, c->base,
				&stats, c->err, sizeof(c->err));
	progress_end(&c->progress);
	c->stats = stats;
	if (ret) {
		fprintf(stderr, CMD ": %s: %s\n", c->output, c->err);
		return 1;
	}
	if (c->verbose)
		fprintf(stderr,
			CMD ": %lu segments, %lu entries; early prefix %llu bytes; EROFS image at %llu, %llu bytes, %llu inodes\n",
			c->segments, c->entries,
			(unsigned long long)c->prefix_len,
			(unsigned long long)c->base,
			(unsigned long long)stats.image_bytes,
			(unsigned long long)stats.inodes);
	return 0;
}

static int finish_output(struct convert *c)
{
	if (ie_output_commit(&c->out, c->err, sizeof(c->err))) {
		fprintf(stderr, CMD ": %s\n", c->err);
		return 1;
	}
	progress_summary(&c->progress, c->output, c->stats.data_bytes,
			 &c->stats);
	return 0;
}

static void cleanup(struct convert *c)
{
	ie_cpio_import_free(c->imp);
	ie_tree_free(c->tree);
	if (c->in_ready)
		ie_stream_fini(&c->in);
	if (c->in_fd > STDIN_FILENO)
		close(c->in_fd);
	if (c->spool_fd >= 0)
		close(c->spool_fd);
	ie_output_abort(&c->out);	/* nothing is left behind on failure */
}

static int convert(struct convert *c)
{
	progress_init(&c->progress, CMD, c->quiet);
	if (open_input(c))
		return 1;
	if (!c->no_early &&
	    ie_initrd_early_prefix(&c->in, &c->prefix_len, c->err,
				   sizeof(c->err))) {
		fprintf(stderr, CMD ": %s: %s\n", c->input, c->err);
		return 1;
	}
	if (open_output(c) || open_spool(c) || copy_prefix(c) ||
	    import_all(c) || install_switch_root(c) || write_image(c))
		return 1;
	return finish_output(c);
}

int cmd_convert(int argc, char **argv)
{
	struct convert c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.in_fd = c.spool_fd = -1;
	ret = parse_args(&c, argc, argv);
	if (ret >= 0)
		return ret;
	ret = convert(&c);
	cleanup(&c);
	return ret;
}
