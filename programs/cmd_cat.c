// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs cat IMAGE PATH: write a file of an image to standard output,
 * decompressing as needed. Symlinks are followed inside the image.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "read_common.h"
#include "initerofs/io.h"
#include "initerofs/reader.h"

#define CAT_CHUNK	(256 * 1024)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: initerofs cat IMAGE PATH\n"
		"Write the regular file PATH of the EROFS image IMAGE to standard\n"
		"output. Symbolic links are followed inside the image.\n\n"
		"  -h, --help   show this help\n");
}

static int copy_out(struct ie_image *img, const struct ie_rinode *ino,
		    const char *path)
{
	struct ie_file *f;
	uint8_t *buf;
	ssize_t got;
	int ret;

	if (ie_file_open(img, ino, &f)) {
		fprintf(stderr, "initerofs cat: %s: %s\n", path, ie_image_error(img));
		return 1;
	}
	buf = malloc(CAT_CHUNK);
	ret = buf ? 0 : 1;
	while (buf && (got = ie_file_read(f, buf, CAT_CHUNK)) != 0) {
		if (got < 0) {
			fprintf(stderr, "initerofs cat: %s: %s\n", path,
				ie_image_error(img));
			ret = 1;
			break;
		}
		ret = ie_write_full(STDOUT_FILENO, buf, (size_t)got);
		if (ret) {
			fprintf(stderr, "initerofs cat: write: %s\n", strerror(-ret));
			ret = 1;
			break;
		}
	}
	free(buf);
	ie_file_close(f);
	return ret;
}

int cmd_cat(int argc, char **argv)
{
	struct ie_image *img;
	struct ie_rinode ino;
	int ret;

	ret = read_help_only(argc, argv, usage);
	if (ret == READ_GO_ON)
		ret = read_want_args(argc, 2, 2, usage);
	if (ret != READ_GO_ON)
		return ret;
	img = read_open("initerofs cat", argv[optind], 0);
	if (!img)
		return READ_FAILED;
	if (ie_path_resolve(img, argv[optind + 1], true, &ino)) {
		fprintf(stderr, "initerofs cat: %s: %s\n", argv[optind + 1],
			ie_image_error(img));
		ret = READ_FAILED;
	} else if (!S_ISREG(ino.mode)) {
		fprintf(stderr, "initerofs cat: %s: not a regular file\n",
			argv[optind + 1]);
		ret = READ_FAILED;
	} else {
		ret = copy_out(img, &ino, argv[optind + 1]);
	}
	ie_image_close(img);
	return ret;
}
