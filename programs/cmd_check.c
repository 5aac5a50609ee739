// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs check IMAGE: full consistency check. Problems go to standard
 * error, one per line; the summary to standard output. Exit status 0 only
 * for a clean image.
 */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "read_common.h"
#include "initerofs/check.h"
#include "initerofs/reader.h"

/* Beyond this many lines a broken image only floods the terminal. */
#define MAX_PRINTED	1000

struct printer {
	struct ie_report rep;
	const char *image;
	bool quiet;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: initerofs check [-q] IMAGE\n"
		"Check the EROFS image IMAGE (optionally behind an early cpio prefix):\n"
		"superblock and checksum, every inode, directory block, extent and\n"
		"xattr, link counts, cycles, addresses; every file is decompressed.\n"
		"Each problem is printed on standard error; exit status 0 means clean,\n"
		"1 means problems were found, 2 a usage error.\n\n"
		"  -q, --quiet   print nothing, only set the exit status\n"
		"  -h, --help    show this help\n");
}

static void print_problem(struct ie_report *rep, const char *msg)
{
	struct printer *p = (struct printer *)rep;

	if (p->quiet || rep->problems > MAX_PRINTED)
		return;
	fprintf(stderr, "%s: %s\n", p->image, msg);
}

static void print_summary(const struct printer *p,
			  const struct ie_check_stats *st)
{
	if (p->quiet)
		return;
	if (p->rep.problems > MAX_PRINTED)
		fprintf(stderr, "%s: ... %lu more problems not shown\n", p->image,
			p->rep.problems - MAX_PRINTED);
	if (p->rep.problems) {
		printf("%s: %lu problem%s found\n", p->image, p->rep.problems,
		       p->rep.problems == 1 ? "" : "s");
		return;
	}
	printf("%s: clean, %llu inodes (%llu directories, %llu files, %llu symlinks, %llu special), %llu bytes of file data in %llu extents\n",
	       p->image, (unsigned long long)st->inodes,
	       (unsigned long long)st->dirs, (unsigned long long)st->regular,
	       (unsigned long long)st->symlinks,
	       (unsigned long long)(st->devices + st->fifos + st->sockets),
	       (unsigned long long)st->data_bytes,
	       (unsigned long long)st->extents);
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct printer p = { .rep.problem = print_problem };
	struct ie_check_stats st = { 0 };
	struct ie_image *img;
	struct ie_error err;
	int c;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			p.quiet = true;
			break;
		default:
			return read_help_or_usage(c, usage);
		}
	}
	c = read_want_args(argc, 1, 1, usage);
	if (c != READ_GO_ON)
		return c;
	p.image = argv[optind];
	if (ie_image_open(p.image, IE_OPEN_LENIENT, &img, &err) < 0) {
		ie_report(&p.rep, "%s", err.msg);
		print_summary(&p, &st);
		return 1;
	}
	ie_check(img, &p.rep, 0, &st);
	ie_image_close(img);
	print_summary(&p, &st);
	return p.rep.problems ? 1 : 0;
}
