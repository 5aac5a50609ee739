// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs: build, check and inspect EROFS initrd images.
 *
 * This file only dispatches; every subcommand lives in its own cmd_*.c
 * and all format knowledge lives in lib/.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "initerofs/tempfile.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "build", cmd_build, "build an EROFS image from a directory or a manifest" },
	{ "convert", cmd_convert, "convert a cpio initramfs into an EROFS initrd" },
	{ "check", cmd_check, "check an image for consistency" },
	{ "info", cmd_info, "show superblock, features and sizes" },
	{ "ls", cmd_ls, "list a directory of an image" },
	{ "cat", cmd_cat, "write a file of an image to standard output" },
	{ "extract", cmd_extract, "extract an image into a directory" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: initerofs COMMAND [OPTIONS] ...\n\nCommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nRun 'initerofs COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* An interrupted build or convert leaves no OUT.tmp-* behind. */
	ie_tempfile_catch_signals();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "initerofs: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
