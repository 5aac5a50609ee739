// SPDX-License-Identifier: GPL-2.0
/*
 * roundtrip-list: print a canonical listing of a directory tree, one line
 * per object, sorted by path bytes, so that two trees can be compared with
 * diff. It is the round-trip tests' ruler: what it prints is what "the same
 * tree" means.
 *
 *   roundtrip-list [--no-owner] [--no-xattrs] [--no-links]
 *                  [--mode-mask OCTAL] [--mtime SECONDS] DIR
 *
 * Each line: path, type, mode, uid, gid, size, mtime (sec.nsec), hard link
 * group (the first path of the inode), payload (sha256 of a file's bytes,
 * a symlink's target, a device's major,minor), xattrs (name=hex, sorted).
 * Bytes outside printable ASCII, '%' and '\' are written as %XX so that
 * names with newlines stay on one line. Directory sizes depend on the
 * filesystem and are printed as 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdbool.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <fcntl.h>

struct entry {
	char *path;		/* relative, "" for the root */
	struct stat st;
};

static struct entry *entries;
static size_t nentries, cap;
static size_t root_len;
static bool no_owner, no_xattrs, no_links;
static unsigned int mode_mask = 07777;
static long long fixed_mtime = -1;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "roundtrip-list: %s: %s: %s\n", what, path,
		strerror(errno));
	exit(2);
}

static int collect(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	if (nentries == cap) {
		cap = cap ? cap * 2 : 1024;
		entries = realloc(entries, cap * sizeof(*entries));
		if (!entries)
			die("out of memory", path);
	}
	entries[nentries].path = strdup(path + root_len + (path[root_len] == '/'));
	entries[nentries].st = *st;
	nentries++;
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
		      ((const struct entry *)b)->path);
}

static void put_escaped(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c > '~' || c == '%' || c == '\\')
			printf("%%%02X", c);
		else
			putchar(c);
	}
}

static void put_sha256(const char *path)
{
	unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || !ctx)
		die("open", path);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	if (n < 0)
		die("read", path);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	close(fd);
	for (i = 0; i < mdlen; i++)
		printf("%02x", md[i]);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put_xattrs(const char *path)
{
	char list[65536], *names[4096], value[65536];
	ssize_t len = llistxattr(path, list, sizeof(list)), vlen;
	size_t n = 0, i, j;
	char *p;

	if (len < 0)
		die("llistxattr", path);
	for (p = list; p < list + len && n < 4096; p += strlen(p) + 1)
		names[n++] = p;
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		vlen = lgetxattr(path, names[i], value, sizeof(value));
		if (vlen < 0)
			die("lgetxattr", path);
		printf("%s%s=", i ? "," : "", names[i]);
		for (j = 0; j < (size_t)vlen; j++)
			printf("%02x", (unsigned char)value[j]);
	}
	if (!n)
		putchar('-');
}

static char type_char(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	default: return '?';
	}
}

/*
 * The first path (in sorted order) with the same inode: a linear search,
 * paid only by the few entries with more than one link.
 */
static const char *link_group(size_t idx)
{
	const struct stat *st = &entries[idx].st;
	size_t i;

	if (no_links || S_ISDIR(st->st_mode) || st->st_nlink < 2)
		return NULL;
	for (i = 0; i < nentries; i++)
		if (entries[i].st.st_ino == st->st_ino &&
		    entries[i].st.st_dev == st->st_dev)
			return entries[i].path;
	return NULL;
}

static void put_entry(const char *root, size_t idx)
{
	const struct entry *e = &entries[idx];
	const struct stat *st = &e->st;
	char full[8192], target[8192];
	const char *group;
	ssize_t tlen;

	snprintf(full, sizeof(full), "%s/%s", root, e->path);
	put_escaped("/", 1);
	put_escaped(e->path, strlen(e->path));
	printf(" %c %04o %u %u %lld ", type_char(st->st_mode),
	       st->st_mode & mode_mask, no_owner ? 0 : st->st_uid,
	       no_owner ? 0 : st->st_gid,
	       S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size);
	if (fixed_mtime >= 0)
		printf("%lld.000000000 ", fixed_mtime);
	else
		printf("%lld.%09ld ", (long long)st->st_mtim.tv_sec,
		       st->st_mtim.tv_nsec);
	group = link_group(idx);
	if (group)
		put_escaped(group, strlen(group));
	else
		putchar('-');
	putchar(' ');
	if (S_ISREG(st->st_mode)) {
		put_sha256(full);
	} else if (S_ISLNK(st->st_mode)) {
		tlen = readlink(full, target, sizeof(target));
		if (tlen < 0)
			die("readlink", full);
		put_escaped(target, (size_t)tlen);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		printf("%u,%u", major(st->st_rdev), minor(st->st_rdev));
	} else {
		putchar('-');
	}
	putchar(' ');
	if (no_xattrs)
		putchar('-');
	else
		put_xattrs(full);
	putchar('\n');
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-owner", no_argument, NULL, 'o' },
		{ "no-xattrs", no_argument, NULL, 'x' },
		{ "no-links", no_argument, NULL, 'l' },
		{ "mode-mask", required_argument, NULL, 'm' },
		{ "mtime", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': no_owner = true; break;
		case 'x': no_xattrs = true; break;
		case 'l': no_links = true; break;
		case 'm': mode_mask = (unsigned int)strtoul(optarg, NULL, 8); break;
		case 't': fixed_mtime = strtoll(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: roundtrip-list [options] DIR\n");
		return 2;
	}
	root_len = strlen(argv[optind]);
	if (nftw(argv[optind], collect, 64, FTW_PHYS))
		die("walk", argv[optind]);
	qsort(entries, nentries, sizeof(*entries), by_path);
	for (i = 0; i < nentries; i++)
		put_entry(argv[optind], i);
	return fflush(stdout) ? 2 : 0;
}
