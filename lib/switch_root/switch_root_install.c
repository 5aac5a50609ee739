// SPDX-License-Identifier: GPL-2.0
/*
 * Put the switch-root program in place of an initrd tree's stock
 * root-switching tools (include/initerofs/switch_root.h,
 * docs/switch-root.md). Works on the in-memory tree only: the stock files
 * are relinked, never copied or rewritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initerofs/switch_root.h"

#define MAX_FOUND	(2 * IE_SR_MAX_TOOLS)
#define MAX_LINKS	40		/* symlinks followed, as the kernel's limit */
#define SCAN_CHUNK	65536

/* An entry named like a switching tool, found by the walk. */
struct found {
	struct ie_inode *dir;
	char name[256];
	char path[256];
};

struct install {
	struct ie_tree *tree;
	struct found found[MAX_FOUND];
	size_t nr_found;
	struct ie_inode *prog;	/* added on the first replacement */
	const void *prog_bytes;
	size_t prog_len;
	int64_t mtime;
	struct ie_sr_report *rep;
	struct ie_error *err;
};

/* Paths in byte order: the report does not depend on readdir's order. */
static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->path, ((const struct found *)b)->path);
}

__attribute__((format(printf, 2, 3)))
static int fail(struct install *in, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ie_vfail(in->err, -EINVAL, fmt, ap);
	va_end(ap);
	return ret;
}

/* Collect every entry named run-init or switch_root under @dir (at @prefix). */
static int walk(struct install *in, struct ie_inode *dir, const char *prefix)
{
	size_t i;

	for (i = 0; i < dir->nr_children; i++) {
		struct ie_dentry *d = &dir->children[i];
		char path[256];

		if (snprintf(path, sizeof(path), "%s/%s", prefix, d->name) >= (int)sizeof(path))
			continue;	/* deeper than any tool lives */
		if (S_ISDIR(d->inode->mode)) {
			/* The stock tools of an image converted before stay as they are. */
			if (!strcmp(path, IE_SR_STOCK_DIR))
				continue;
			int ret = walk(in, d->inode, path);

			if (ret < 0)
				return ret;
			continue;
		}
		if (ie_sr_tool_of(d->name) == IE_SR_UNKNOWN)
			continue;
		if (in->nr_found == MAX_FOUND)
			return fail(in, "more than %s entries named run-init or switch_root", "32");
		in->found[in->nr_found].dir = dir;
		snprintf(in->found[in->nr_found].name, sizeof(in->found[0].name), "%s", d->name);
		memcpy(in->found[in->nr_found].path, path, sizeof(path));
		in->nr_found++;
	}
	return 0;
}

/*
 * The inode @path names, starting at @dir, following symlinks in the
 * tree as the kernel would once it is the root; NULL when it leads nowhere.
 */
static struct ie_inode *resolve(struct ie_tree *tree, struct ie_inode *dir,
				const char *path, int *links)
{
	struct ie_inode *cur = path[0] == '/' ? tree->root : dir;

	while (*path) {
		char name[256];
		size_t len;
		struct ie_dentry *d;

		while (*path == '/')
			path++;
		len = strcspn(path, "/");
		if (!len)
			break;
		if (len >= sizeof(name) || !S_ISDIR(cur->mode))
			return NULL;
		memcpy(name, path, len);
		name[len] = '\0';
		path += len;
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			cur = cur->parent ? cur->parent : cur;
			continue;
		}
		d = ie_dir_lookup(cur, name);
		if (!d)
			return NULL;
		if (S_ISLNK(d->inode->mode)) {
			if (++*links > MAX_LINKS)
				return NULL;
			cur = resolve(tree, cur, d->inode->symlink, links);
			if (!cur)
				return NULL;
			continue;
		}
		cur = d->inode;
	}
	return cur;
}

static struct ie_inode *resolve_path(struct ie_tree *tree, const char *path)
{
	int links = 0;

	return resolve(tree, tree->root, path, &links);
}

/* Read @len bytes at @off of a regular file's data into @buf. */
static ssize_t read_data(const struct ie_inode *inode, int path_fd, void *buf,
			 size_t len, uint64_t off)
{
	if (off >= inode->size)
		return 0;
	if (len > inode->size - off)
		len = (size_t)(inode->size - off);
	switch (inode->data.kind) {
	case IE_DATA_MEMORY:
		memcpy(buf, (const char *)inode->data.buf + off, len);
		return (ssize_t)len;
	case IE_DATA_FD:
		return pread(inode->data.fd, buf, len, (off_t)(inode->data.offset + off));
	case IE_DATA_PATH:
		return pread(path_fd, buf, len, (off_t)off);
	default:
		return 0;
	}
}

/* Which implementation a tool's bytes are, by the strings each carries. */
static enum ie_sr_impl classify(const struct ie_inode *inode)
{
	static const struct {
		const char *marker;
		enum ie_sr_impl impl;
	} markers[] = {
		{ "initerofs-switch-root", IE_SR_IMPL_OURS },
		{ "BusyBox v", IE_SR_IMPL_BUSYBOX },
		{ "/lib/klibc-", IE_SR_IMPL_KLIBC },	/* its ELF interpreter */
		{ "util-linux", IE_SR_IMPL_UTIL_LINUX },
	};
	enum { OVERLAP = 32 };
	enum ie_sr_impl found = IE_SR_IMPL_UNKNOWN;
	size_t best = sizeof(markers) / sizeof(markers[0]);
	char *buf = malloc(SCAN_CHUNK + OVERLAP);
	uint64_t off = 0;
	size_t keep = 0;
	int fd = -1;

	if (!buf)
		return IE_SR_IMPL_UNKNOWN;
	if (inode->data.kind == IE_DATA_PATH)
		fd = open(inode->data.path, O_RDONLY | O_CLOEXEC);
	for (;;) {
		ssize_t got = read_data(inode, fd, buf + keep, SCAN_CHUNK, off);
		size_t have, i;

		if (got <= 0)
			break;
		have = keep + (size_t)got;
		for (i = 0; i < best; i++) {
			size_t mlen = strlen(markers[i].marker);

			if (have >= mlen && memmem(buf, have, markers[i].marker, mlen)) {
				best = i;
				found = markers[i].impl;
				break;
			}
		}
		off += (uint64_t)got;
		keep = have < OVERLAP ? have : OVERLAP;
		memmove(buf, buf + have - keep, keep);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return found;
}

static int add_program(struct install *in)
{
	struct ie_inode *dir, *prog;
	int err;

	dir = ie_tree_mkdir_p(in->tree, "/usr/lib/initerofs", in->mtime);
	if (!dir)
		return fail(in, "cannot add /usr/lib/initerofs: %s", strerror(errno));
	prog = ie_inode_new(S_IFREG | 0755);
	if (!prog)
		return fail(in, "%s", "out of memory");
	prog->data.buf = malloc(in->prog_len);
	if (!prog->data.buf) {
		ie_inode_free(prog);
		return fail(in, "%s", "out of memory");
	}
	memcpy(prog->data.buf, in->prog_bytes, in->prog_len);
	prog->data.kind = IE_DATA_MEMORY;
	prog->size = in->prog_len;
	prog->mtime = in->mtime;
	err = ie_dir_link(dir, "switch-root", prog);
	if (err) {
		ie_inode_free(prog);
		return fail(in, "cannot add " IE_SR_PROGRAM_PATH ": %s", strerror(-err));
	}
	in->prog = prog;
	return 0;
}

/* Keep @tool's stock file under IE_SR_STOCK_DIR, then link the program in its place. */
static int replace(struct install *in, const struct found *f, struct ie_inode *stock)
{
	char dir_path[512];
	struct ie_inode *dir;
	int err;

	if (!in->prog) {
		err = add_program(in);
		if (err < 0)
			return err;
	}
	snprintf(dir_path, sizeof(dir_path), "%s%.*s", IE_SR_STOCK_DIR,
		 (int)(strlen(f->path) - strlen(f->name) - 1), f->path);
	dir = ie_tree_mkdir_p(in->tree, dir_path, in->mtime);
	if (!dir)
		return fail(in, "cannot add the stock tools' folder: %s", strerror(errno));
	err = ie_dir_link(dir, f->name, stock);
	if (!err)
		err = ie_dir_link(f->dir, f->name, in->prog);
	if (err)
		return fail(in, "cannot relink the stock tool: %s", strerror(-err));
	return 0;
}

static void note_left(struct install *in, const char *path)
{
	struct ie_sr_report *rep = in->rep;

	if (rep->nr_left < IE_SR_MAX_TOOLS)
		snprintf(rep->left[rep->nr_left++], sizeof(rep->left[0]), "%s", path);
}

static int handle(struct install *in, const struct found *f)
{
	struct ie_sr_report *rep = in->rep;
	struct ie_dentry *d = ie_dir_lookup(f->dir, f->name);
	struct ie_inode *stock;
	enum ie_sr_impl impl;
	int links = 0, ret;

	if (!d)
		return 0;
	stock = d->inode;
	if (S_ISLNK(stock->mode))
		stock = resolve(in->tree, f->dir, stock->symlink, &links);
	if (!stock || !S_ISREG(stock->mode)) {
		note_left(in, f->path);
		return 0;
	}
	impl = stock == in->prog ? IE_SR_IMPL_OURS : classify(stock);
	if (impl == IE_SR_IMPL_OURS)
		return 0;
	if (impl == IE_SR_IMPL_UNKNOWN || rep->nr_replaced == IE_SR_MAX_TOOLS) {
		note_left(in, f->path);
		return 0;
	}
	ret = replace(in, f, stock);
	if (ret < 0)
		return ret;
	snprintf(rep->replaced[rep->nr_replaced].path, sizeof(rep->replaced[0].path),
		 "%s", f->path);
	rep->replaced[rep->nr_replaced++].impl = impl;
	return 0;
}

/*
 * initramfs-tools' /init sources every file of /conf/conf.d before it defines
 * validate_init(), whose `run-init -n` a busybox sh built with
 * FEATURE_SH_STANDALONE (Debian's busybox-static) would run as its own
 * applet, bypassing the program. An alias, expanded when that function is
 * parsed, names the program's path instead. The final `exec run-init`
 * needs none: /proc is gone by then, so busybox looks run-init up in PATH.
 */
static int add_itools_conf(struct install *in)
{
	static const char *const path_dirs[] = { "/sbin", "/usr/sbin", "/bin", "/usr/bin" };
	struct ie_inode *confd = resolve_path(in->tree, "/conf/conf.d");
	struct ie_inode *functions = resolve_path(in->tree, "/scripts/functions");
	const char *target = NULL;
	struct ie_inode *conf;
	char text[1024];
	size_t i;
	int n, err;

	if (!confd || !S_ISDIR(confd->mode) || !functions || !S_ISREG(functions->mode))
		return 0;
	for (i = 0; i < sizeof(path_dirs) / sizeof(path_dirs[0]) && !target; i++) {
		char p[64];

		snprintf(p, sizeof(p), "%s/run-init", path_dirs[i]);
		if (resolve_path(in->tree, p) == in->prog)
			target = path_dirs[i];
	}
	if (!target)
		return 0;
	n = snprintf(text, sizeof(text),
		     "# Added by initerofs convert (docs/switch-root.md): run-init is the\n"
		     "# initerofs switch-root program, which a busybox sh preferring its own\n"
		     "# applets would bypass while /proc is mounted (validate_init).\n"
		     "command -v alias >/dev/null 2>&1 && alias run-init=%s/run-init\n",
		     target);
	conf = ie_inode_new(S_IFREG | 0644);
	if (!conf || !(conf->data.buf = malloc((size_t)n))) {
		if (conf)
			ie_inode_free(conf);
		return fail(in, "%s", "out of memory");
	}
	memcpy(conf->data.buf, text, (size_t)n);
	conf->data.kind = IE_DATA_MEMORY;
	conf->size = (uint64_t)n;
	conf->mtime = in->mtime;
	err = ie_dir_link(confd, strrchr(IE_SR_ITOOLS_CONF, '/') + 1, conf);
	if (err) {
		ie_inode_free(conf);
		return fail(in, "cannot add " IE_SR_ITOOLS_CONF ": %s", strerror(-err));
	}
	in->rep->itools_conf = true;
	return 0;
}

int ie_switch_root_install(struct ie_tree *tree, const void *prog,
			   size_t prog_len, int64_t mtime,
			   struct ie_sr_report *rep, struct ie_error *err)
{
	struct install *in = calloc(1, sizeof(*in));
	bool run_init = false;
	size_t i;
	int ret = 0;

	memset(rep, 0, sizeof(*rep));
	if (!in)
		return ie_fail(err, -ENOMEM, "out of memory");
	in->tree = tree;
	in->prog_bytes = prog;
	in->prog_len = prog_len;
	in->mtime = mtime;
	in->rep = rep;
	in->err = err;
	ret = walk(in, tree->root, "");
	qsort(in->found, in->nr_found, sizeof(in->found[0]), by_path);
	for (i = 0; !ret && i < in->nr_found; i++)
		ret = handle(in, &in->found[i]);
	for (i = 0; i < rep->nr_replaced; i++)
		run_init |= ie_sr_tool_of(rep->replaced[i].path) == IE_SR_RUN_INIT;
	if (!ret && run_init)
		ret = add_itools_conf(in);
	free(in);
	return ret;
}

const char *ie_sr_impl_name(enum ie_sr_impl impl)
{
	switch (impl) {
	case IE_SR_IMPL_BUSYBOX:
		return "busybox";
	case IE_SR_IMPL_KLIBC:
		return "klibc";
	case IE_SR_IMPL_UTIL_LINUX:
		return "util-linux";
	case IE_SR_IMPL_OURS:
		return "initerofs";
	default:
		return "unknown";
	}
}
