// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs extract IMAGE DIR: extract the whole image into DIR.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "read_common.h"
#include "initerofs/extract.h"
#include "initerofs/reader.h"

struct printer {
	struct ie_report rep;
	const char *prefix;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: initerofs extract [OPTIONS] IMAGE DIR\n"
		"Extract the EROFS image IMAGE (optionally behind an early cpio\n"
		"prefix) into DIR, which must not exist or be empty. The tree is built\n"
		"next to DIR and renamed into place only when all of it worked.\n"
		"Symbolic links are created, never followed.\n\n"
		"Run as root, it also restores ownership and creates device nodes;\n"
		"otherwise device nodes are skipped with a warning.\n\n"
		"      --no-owner    do not restore uid/gid, even as root (setuid/setgid\n"
		"                    bits and file capabilities are then dropped)\n"
		"      --no-xattrs   do not restore extended attributes\n"
		"  -q, --quiet       do not print warnings\n"
		"  -h, --help        show this help\n");
}

static void print_line(struct ie_report *rep, const char *msg)
{
	struct printer *p = (struct printer *)rep;

	fprintf(stderr, "initerofs extract: %s%s\n", p->prefix, msg);
}

/* "out/" and "out" are the same place; the temporary sits next to it. */
static char *strip_slashes(const char *path)
{
	char *p = strdup(path);
	size_t len;

	if (!p)
		return NULL;
	len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	return p;
}

int cmd_extract(int argc, char **argv)
{
	enum { OPT_NO_OWNER = 256, OPT_NO_XATTRS };
	static const struct option longopts[] = {
		{ "no-owner", no_argument, NULL, OPT_NO_OWNER },
		{ "no-xattrs", no_argument, NULL, OPT_NO_XATTRS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct printer errors = { .rep.problem = print_line, .prefix = "" };
	struct printer warns = { .rep.problem = print_line,
				 .prefix = "warning: " };
	struct ie_extract_opts opts = {
		.owner = geteuid() == 0, .devices = geteuid() == 0,
		.xattrs = true, .warn = &warns.rep,
	};
	struct ie_image *img;
	char *dest;
	unsigned long n;
	int c;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_NO_OWNER:
			opts.owner = false;
			break;
		case OPT_NO_XATTRS:
			opts.xattrs = false;
			break;
		case 'q':
			warns.rep.problem = read_count_only;
			break;
		default:
			return read_help_or_usage(c, usage);
		}
	}
	c = read_want_args(argc, 2, 2, usage);
	if (c != READ_GO_ON)
		return c;
	img = read_open("initerofs extract", argv[optind], 0);
	if (!img)
		return READ_FAILED;
	dest = strip_slashes(argv[optind + 1]);
	n = dest ? ie_extract(img, dest, &opts, &errors.rep) : 1;
	ie_image_close(img);
	free(dest);
	if (n)
		fprintf(stderr, "initerofs extract: %lu error%s, nothing extracted\n",
			n, n == 1 ? "" : "s");
	return n ? 1 : 0;
}
