/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image options `build` and `convert` share: compression, cluster and
 * block size, ownership, timestamps, UUID, label, threads. One parser, so
 * that both commands spell and default them the same way.
 *
 * A command puts IMAGE_SHORT_OPTIONS and IMAGE_LONG_OPTIONS into its own
 * getopt_long() tables, calls image_options_init() before the loop and
 * offers every option to image_option() first.
 */
#ifndef INITEROFS_IMAGE_OPTIONS_H
#define INITEROFS_IMAGE_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "initerofs/writer.h"

/* Long-only image options; a command's own start at IMAGE_OPT_END. */
enum {
	IMAGE_OPT_ALL_ROOT = 0x100,
	IMAGE_OPT_END,
};

/*
 * The answer of build's and convert's parse_args(): ARGS_GO_ON to run the
 * command, anything else is the exit status (0 after --help, 2 after a
 * usage message).
 */
#define ARGS_GO_ON	(-1)

/* image_option()'s answer for an option that is not an image option. */
#define IMAGE_OPT_NOT_MINE	1

#define IMAGE_SHORT_OPTIONS "z:C:b:T:U:L:j:"

#define IMAGE_LONG_OPTIONS \
	{ "compress", required_argument, NULL, 'z' }, \
	{ "pcluster", required_argument, NULL, 'C' }, \
	{ "block-size", required_argument, NULL, 'b' }, \
	{ "all-root", no_argument, NULL, IMAGE_OPT_ALL_ROOT }, \
	{ "mtime", required_argument, NULL, 'T' }, \
	{ "uuid", required_argument, NULL, 'U' }, \
	{ "label", required_argument, NULL, 'L' }, \
	{ "jobs", required_argument, NULL, 'j' }

/**
 * image_options_init() - the writer's defaults, then SOURCE_DATE_EPOCH:
 * when set, every later mtime is capped at it (unless -T comes).
 * @cmd:	"initerofs build", for messages
 * Return: 0, or 2 after a message when SOURCE_DATE_EPOCH is not a number.
 */
int image_options_init(struct ie_write_options *opts, const char *cmd);

/**
 * image_option() - apply @c (a getopt_long() result) with @arg.
 * Return: 0 when applied, IMAGE_OPT_NOT_MINE when @c is not an image
 * option, 2 after a message when the value is bad.
 */
int image_option(struct ie_write_options *opts, int c, const char *arg,
		 const char *cmd);

/* The options' lines for a command's --help, in its column layout. */
extern const char image_options_help[];

#endif /* INITEROFS_IMAGE_OPTIONS_H */
