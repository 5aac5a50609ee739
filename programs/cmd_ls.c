// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs ls [-l] [-R] IMAGE [PATH]: list a directory of an image.
 *
 * Names are printed as they are stored (bytes, one per line), in on-disk
 * order, which is byte order. Times are UTC so that listings of the same
 * image compare equal on any machine.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "read_common.h"
#include "initerofs/reader.h"

struct ls_opts {
	bool longfmt;
	bool recursive;
	int errors;
};

struct listing {
	struct ie_image *img;
	struct ls_opts *opts;
	const char *dir_path;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: initerofs ls [-l] [-R] IMAGE [PATH]\n"
		"List the directory PATH (default /) of the EROFS image IMAGE, or\n"
		"PATH itself when it is not a directory. IMAGE may be behind an\n"
		"early cpio prefix.\n\n"
		"  -l, --long        mode, links, uid, gid, size (or device numbers),\n"
		"                    mtime (UTC) and symlink targets\n"
		"  -R, --recursive   list subdirectories too, each under a 'PATH:' header\n"
		"  -h, --help        show this help\n");
}

static void print_long(struct ie_image *img, const struct ie_rinode *ino,
		       const char *name, size_t name_len)
{
	char mode[11], when[32], size[48];
	time_t t = (time_t)ino->mtime;
	struct tm tm;

	ie_mode_string(ino->mode, mode);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	else
		snprintf(when, sizeof(when), "@%lld", (long long)ino->mtime);
	if (S_ISCHR(ino->mode) || S_ISBLK(ino->mode))
		snprintf(size, sizeof(size), "%u, %u", ino->rdev_major,
			 ino->rdev_minor);
	else
		snprintf(size, sizeof(size), "%llu",
			 (unsigned long long)ino->size);
	printf("%s %3u %5u %5u %10s %s %.*s", mode, ino->nlink, ino->uid,
	       ino->gid, size, when, (int)name_len, name);
	if (S_ISLNK(ino->mode)) {
		char *target;

		if (!ie_file_read_all(img, ino, IE_MAX_SYMLINK, &target)) {
			printf(" -> %s", target);
			free(target);
		} else {
			printf(" -> ?");
		}
	}
	putchar('\n');
}

static int print_entry(void *data, const struct ie_rdirent *de)
{
	struct listing *l = data;
	struct ie_rinode ino;

	if ((de->name_len == 1 && de->name[0] == '.') ||
	    (de->name_len == 2 && !memcmp(de->name, "..", 2)))
		return 0;
	if (!l->opts->longfmt) {
		printf("%.*s\n", (int)de->name_len, de->name);
		return 0;
	}
	if (ie_inode_read(l->img, de->nid, &ino)) {
		fprintf(stderr, "initerofs ls: %s/%.*s: %s\n", l->dir_path,
			(int)de->name_len, de->name, ie_image_error(l->img));
		l->opts->errors++;
		return 0;
	}
	print_long(l->img, &ino, de->name, de->name_len);
	return 0;
}

static void list_dir(struct ie_image *img, struct ls_opts *opts,
		     const char *path, const struct ie_rinode *dir)
{
	struct listing l = { .img = img, .opts = opts, .dir_path = path };

	if (ie_dir_iterate(img, dir, print_entry, &l) < 0) {
		fprintf(stderr, "initerofs ls: %s: %s\n", path,
			ie_image_error(img));
		opts->errors++;
	}
}

struct recursion {
	struct ie_image *img;
	struct ls_opts *opts;
	bool first;
};

static int list_visited_dir(void *data, const struct ie_walk_entry *e)
{
	struct recursion *r = data;

	if (!S_ISDIR(e->ino->mode))
		return 0;
	printf("%s%s:\n", r->first ? "" : "\n", e->path);
	r->first = false;
	list_dir(r->img, r->opts, e->path, e->ino);
	return 0;
}

static void walk_problem(void *data, const char *path, const char *msg)
{
	struct recursion *r = data;

	fprintf(stderr, "initerofs ls: %s: %s\n", path, msg);
	r->opts->errors++;
}

static int list_path(struct ie_image *img, struct ls_opts *opts,
		     const char *path)
{
	struct ie_rinode ino;
	const char *slash;

	if (ie_path_resolve(img, path, false, &ino)) {
		fprintf(stderr, "initerofs ls: %s: %s\n", path,
			ie_image_error(img));
		return 1;
	}
	if (S_ISLNK(ino.mode) && !opts->longfmt)
		ie_path_resolve(img, path, true, &ino);
	if (!S_ISDIR(ino.mode)) {
		slash = strrchr(path, '/');
		slash = slash ? slash + 1 : path;
		if (opts->longfmt)
			print_long(img, &ino, slash, strlen(slash));
		else
			printf("%s\n", slash);
		return 0;
	}
	if (opts->recursive) {
		struct recursion r = { .img = img, .opts = opts, .first = true };
		struct ie_walk_ops ops = {
			.visit = list_visited_dir,
			.problem = walk_problem,
		};

		if (ie_walk(img, path, &ops, &r) < 0) {
			fprintf(stderr, "initerofs ls: %s: %s\n", path,
				ie_image_error(img));
			return 1;
		}
	} else {
		list_dir(img, opts, path, &ino);
	}
	return opts->errors ? 1 : 0;
}

int cmd_ls(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "long", no_argument, NULL, 'l' },
		{ "recursive", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ls_opts opts = { 0 };
	struct ie_image *img;
	int c, ret;

	while ((c = getopt_long(argc, argv, "lRh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			opts.longfmt = true;
			break;
		case 'R':
			opts.recursive = true;
			break;
		default:
			return read_help_or_usage(c, usage);
		}
	}
	c = read_want_args(argc, 1, 2, usage);
	if (c != READ_GO_ON)
		return c;
	img = read_open("initerofs ls", argv[optind], 0);
	if (!img)
		return READ_FAILED;
	ret = list_path(img, &opts, optind + 1 < argc ? argv[optind + 1] : "/");
	ie_image_close(img);
	if (fflush(stdout) || ferror(stdout)) {
		perror("initerofs ls: write");
		return 1;
	}
	return ret;
}
