/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the reading subcommands (check, info, ls, cat, extract) share:
 * argument checks and opening an image with a message on failure.
 */
#ifndef INITEROFS_READ_COMMON_H
#define INITEROFS_READ_COMMON_H

#include <stdio.h>

#include "initerofs/reader.h"

/* Prints a command's usage to @out. */
typedef void (*read_usage_fn)(FILE *out);

/* Exit statuses of the reading commands. */
enum { READ_OK = 0, READ_FAILED = 1, READ_USAGE = 2 };

/* Returned by the helpers below when the command should go on. */
#define READ_GO_ON	(-1)

/**
 * read_help_only() - parse the options of a command whose only one is
 * --help (-h).
 * Return: READ_GO_ON, READ_OK after printing the help, or READ_USAGE.
 */
int read_help_only(int argc, char **argv, read_usage_fn usage);

/**
 * read_help_or_usage() - the end of a getopt switch: -h prints the help,
 * anything else the usage.
 * Return: READ_OK for -h, READ_USAGE otherwise.
 */
int read_help_or_usage(int c, read_usage_fn usage);

/**
 * read_want_args() - check that between @min and @max arguments follow the
 * options (getopt's optind).
 * Return: READ_GO_ON, or READ_USAGE after printing the usage.
 */
int read_want_args(int argc, int min, int max, read_usage_fn usage);

/**
 * read_open() - open @path for command @cmd ("initerofs ls").
 * Return: the image, or NULL after printing why.
 */
struct ie_image *read_open(const char *cmd, const char *path,
			   unsigned int flags);

/* An ie_report sink that only counts. */
void read_count_only(struct ie_report *rep, const char *msg);

#endif /* INITEROFS_READ_COMMON_H */
