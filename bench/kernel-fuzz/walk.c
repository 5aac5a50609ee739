// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side of the kernel campaign: walk a mounted (possibly hostile)
 * EROFS tree and touch every kind of metadata the kernel parses: lstat of
 * every entry, listxattr and getxattr of every name, readlink, and up to
 * 1 MiB of every regular file. Bounded: at most MAX_ENTRIES entries and
 * MAX_DEPTH levels, so a directory loop ends. Errors are expected (the
 * image is damaged) and only counted.
 *
 *   walk DIR          prints "entries=N errors=N bytes=N"
 *   walk -m IMAGE DIR mounts IMAGE (a file) on DIR as erofs, read-only,
 *                     walks it and unmounts it; exit status 1 and
 *                     "refused: ERROR" when the mount fails
 *
 * busybox mount would set up a loop device; EROFS mounts a file itself
 * (CONFIG_EROFS_FS_BACKED_BY_FILE), which the campaign's kernel has.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_ENTRIES 20000
#define MAX_DEPTH 64

static unsigned long entries, errors, bytes;
static char buf[65536];

static void touch_xattrs(const char *path)
{
	char names[8192], value[4096];
	ssize_t n = llistxattr(path, names, sizeof(names));

	if (n < 0) {
		errors++;
		return;
	}
	for (ssize_t at = 0; at < n; at += strlen(names + at) + 1)
		if (lgetxattr(path, names + at, value, sizeof(value)) < 0)
			errors++;
}

static void touch_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	ssize_t n;
	size_t total = 0;

	if (fd < 0) {
		errors++;
		return;
	}
	while (total < (1 << 20) && (n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0)
		errors++;
	bytes += total;
	close(fd);
}

static void walk(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	char path[PATH_MAX];
	struct stat st;

	if (depth > MAX_DEPTH || !(d = opendir(dir))) {
		errors++;
		return;
	}
	while (entries < MAX_ENTRIES && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		entries++;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path)) {
			errors++;
			continue;
		}
		if (lstat(path, &st) < 0) {
			errors++;
			continue;
		}
		touch_xattrs(path);
		if (S_ISDIR(st.st_mode)) {
			walk(path, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			if (readlink(path, buf, sizeof(buf)) < 0)
				errors++;
		} else if (S_ISREG(st.st_mode)) {
			touch_file(path);
		}
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	const char *dir = argv[1];

	if (argc == 4 && !strcmp(argv[1], "-m")) {
		dir = argv[3];
		if (mount(argv[2], dir, "erofs", MS_RDONLY, NULL) < 0) {
			printf("refused: %s\n", strerror(errno));
			return 1;
		}
		printf("mounted\n");
		fflush(stdout);
	} else if (argc != 2) {
		fprintf(stderr, "usage: walk DIR | walk -m IMAGE DIR\n");
		return 2;
	}
	touch_xattrs(dir);
	walk(dir, 0);
	printf("entries=%lu errors=%lu bytes=%lu\n", entries, errors, bytes);
	fflush(stdout);
	if (argc == 4 && umount2(dir, 0) < 0) {
		printf("umount: %s\n", strerror(errno));
		if (umount2(dir, MNT_DETACH) < 0)
			return 3;
	}
	return 0;
}
