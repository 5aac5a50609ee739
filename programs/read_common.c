// SPDX-License-Identifier: GPL-2.0
/*
 * Argument checks and image opening shared by the reading subcommands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "read_common.h"

int read_help_or_usage(int c, read_usage_fn usage)
{
	if (c == 'h') {
		usage(stdout);
		return READ_OK;
	}
	usage(stderr);
	return READ_USAGE;
}

int read_help_only(int argc, char **argv, read_usage_fn usage)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c = getopt_long(argc, argv, "h", longopts, NULL);

	return c == -1 ? READ_GO_ON : read_help_or_usage(c, usage);
}

int read_want_args(int argc, int min, int max, read_usage_fn usage)
{
	int n = argc - optind;

	if (n >= min && n <= max)
		return READ_GO_ON;
	usage(stderr);
	return READ_USAGE;
}

struct ie_image *read_open(const char *cmd, const char *path,
			   unsigned int flags)
{
	struct ie_image *img;
	struct ie_error err;

	if (ie_image_open(path, flags, &img, &err) < 0) {
		ie_error_print(stderr, cmd, &err, -EIO);
		return NULL;
	}
	return img;
}

void read_count_only(struct ie_report *rep, const char *msg)
{
	(void)rep;
	(void)msg;
}
