// SPDX-License-Identifier: GPL-2.0
/*
 * Import a manifest in the format of the kernel's usr/gen_init_cpio:
 *
 *   file  NAME SOURCE MODE UID GID [HARDLINK ...]
 *   dir   NAME MODE UID GID
 *   nod   NAME MODE UID GID c|b MAJOR MINOR
 *   slink NAME TARGET MODE UID GID
 *   pipe  NAME MODE UID GID
 *   sock  NAME MODE UID GID
 *
 * MODE is octal permission bits; '#' starts a comment line. This is how an
 * initramfs is described without root: ownership and device nodes come from
 * the manifest, not from the files on disk.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/erofs_format.h"
#include "initerofs/importer.h"
#include "initerofs/reader.h"
#include "util/map.h"

#define MAX_FIELDS	64

struct manifest {
	struct ie_tree *tree;
	const char *path;
	char *dir;			/* the manifest's folder */
	unsigned long line;
	struct ie_error *err;
	/* Inodes a line named (not just made as a parent) -> that line. */
	struct ie_map named;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct manifest *m, int code, const char *fmt, ...)
{
	char where[64];
	va_list ap;

	va_start(ap, fmt);
	code = ie_vfail(m->err, code, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof(where), ":%lu", m->line);
	if (m->err && m->err->msg[0]) {
		char path[IE_ERR_MAX];

		snprintf(path, sizeof(path), "%s%s", m->path, where);
		ie_error_prefix(m->err, path);
	}
	return code;
}

/* ---- fields ---------------------------------------------------------------- */

static int parse_mode(struct manifest *m, const char *s, mode_t *mode)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end || end == s || v > 07777)
		return fail(m, -EINVAL, "bad mode '%s' (octal, at most 7777)", s);
	*mode = (mode_t)v;
	return 0;
}

static int parse_u32(struct manifest *m, const char *s, const char *what,
		     uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s || s[0] == '-' || v > UINT32_MAX)
		return fail(m, -EINVAL, "bad %s '%s'", what, s);
	*out = (uint32_t)v;
	return 0;
}

/* MODE UID GID at fields[i], [i+1], [i+2]. */
static int parse_owner(struct manifest *m, char **f, struct ie_inode *inode,
		       mode_t type)
{
	mode_t perm = 0;
	int ret;

	ret = parse_mode(m, f[0], &perm);
	if (!ret)
		ret = parse_u32(m, f[1], "uid", &inode->uid);
	if (!ret)
		ret = parse_u32(m, f[2], "gid", &inode->gid);
	inode->mode = type | perm;
	return ret;
}

/* Replace ${VAR} with the environment's value, as gen_init_cpio does. */
static char *expand_env(const char *s)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = malloc(cap);

	while (out && *s) {
		const char *add = s, *close;
		size_t n = 1;
		char *name = NULL;

		if (s[0] == '$' && s[1] == '{' && (close = strchr(s + 2, '}'))) {
			name = strndup(s + 2, (size_t)(close - s - 2));
			add = name ? getenv(name) : NULL;
			n = add ? strlen(add) : 0;
			s = close + 1;
		} else {
			s++;
		}
		free(name);
		if (len + n + 1 > cap) {
			char *bigger;

			cap = 2 * (len + n + 1);
			bigger = realloc(out, cap);
			if (!bigger) {
				free(out);
				return NULL;
			}
			out = bigger;
		}
		if (n)
			memcpy(out + len, add, n);
		len += n;
	}
	if (out)
		out[len] = '\0';
	return out;
}

/* ---- placing entries ---------------------------------------------------- */

/* A ".." component would climb out of where the line says it goes. */
static bool has_dotdot(const char *name)
{
	const char *p = name;

	while ((p = strstr(p, "..")) != NULL) {
		if ((p == name || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
		p += 2;
	}
	return false;
}

/* Split @name into its parent directory (created if missing) and last part. */
static int parent_of(struct manifest *m, const char *name,
		     struct ie_inode **dir, const char **base)
{
	char *copy, *slash;

	if (has_dotdot(name))
		return fail(m, -EINVAL, "'%s': a '..' component is not allowed",
			    name);

	while (*name == '/')
		name++;
	copy = strdup(name);
	if (!copy)
		return fail(m, -ENOMEM, "out of memory");
	while ((slash = strrchr(copy, '/')) && !slash[1])
		*slash = '\0';	/* "a/b/" names "a/b" */
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		*dir = ie_tree_mkdir_p(m->tree, copy, 0);
		*base = name + (slash - copy) + 1;
	} else {
		*dir = m->tree->root;
		*base = name;
	}
	if (!*dir) {
		int err = errno;

		free(copy);
		return fail(m, -err, "cannot create the parent of '%s': %s",
			    name, err == ENOTDIR ? "a parent is not a directory" :
			    strerror(err));
	}
	free(copy);
	return 0;
}

/* Remember that the current line named @inode. */
static int mark_named(struct manifest *m, struct ie_inode *inode)
{
	uint32_t *slot;
	bool added;

	slot = ie_map_slot(&m->named, ie_map_ptr_key(inode), &added);
	if (!slot)
		return fail(m, -ENOMEM, "out of memory");
	if (added)
		*slot = m->line > UINT32_MAX ? UINT32_MAX : (uint32_t)m->line;
	return 0;
}

/*
 * Later entries silently replacing earlier ones (the cpio rule) is how a
 * typo loses a file or a whole directory: a manifest names each path once.
 */
static int check_new_name(struct manifest *m, struct ie_inode *dir,
			  const char *clean, const char *name)
{
	struct ie_dentry *old = ie_dir_lookup(dir, clean);
	uint32_t *line;

	if (!old)
		return 0;
	line = ie_map_find(&m->named, ie_map_ptr_key(old->inode));
	if (line)
		return fail(m, -EEXIST, "'%s' was already given at line %u",
			    name, *line);
	/* Only parents are made without a line of their own. */
	return fail(m, -EEXIST,
		    "'%s' is already a directory (the parent of earlier entries): it cannot be replaced",
		    name);
}

static int link_entry(struct manifest *m, const char *name,
		      struct ie_inode *inode)
{
	struct ie_inode *dir;
	const char *base = NULL;
	char clean[NAME_MAX + 2];
	size_t len;
	int ret;

	ret = parent_of(m, name, &dir, &base);
	if (ret)
		return ret;
	len = strcspn(base, "/");
	if (len > NAME_MAX)
		return fail(m, -ENAMETOOLONG, "name '%s' is over %d bytes", base,
			    NAME_MAX);
	memcpy(clean, base, len);
	clean[len] = '\0';
	ret = check_new_name(m, dir, clean, name);
	if (ret)
		return ret;
	ret = ie_dir_link(dir, clean, inode);
	if (ret == -EINVAL)
		return fail(m, ret, "name '%s' is not allowed here", name);
	if (ret)
		return fail(m, ret, "out of memory");
	return mark_named(m, inode);
}

/* "dir" for an existing directory updates it in place (keeps children). */
static int add_dir(struct manifest *m, char **f, int nf)
{
	struct ie_inode tmp = { 0 }, *inode;
	int ret;

	if (nf != 5)
		return fail(m, -EINVAL, "expected: dir NAME MODE UID GID");
	ret = parse_owner(m, f + 2, &tmp, S_IFDIR);
	if (ret)
		return ret;
	if (has_dotdot(f[1]))
		return fail(m, -EINVAL, "'%s': a '..' component is not allowed",
			    f[1]);
	inode = ie_tree_lookup(m->tree, f[1]);
	if (inode && S_ISDIR(inode->mode)) {
		/*
		 * As the kernel does for a directory entry that exists
		 * (lists are often concatenated, each with "dir /dev").
		 */
		inode->mode = tmp.mode;
		inode->uid = tmp.uid;
		inode->gid = tmp.gid;
		return mark_named(m, inode);
	}
	inode = ie_inode_new(tmp.mode);
	if (!inode)
		return fail(m, -ENOMEM, "out of memory");
	inode->uid = tmp.uid;
	inode->gid = tmp.gid;
	ret = link_entry(m, f[1], inode);
	if (ret)
		ie_inode_free(inode);
	return ret;
}

static int add_special(struct manifest *m, char **f, int nf, mode_t type)
{
	struct ie_inode *inode = ie_inode_new(type);
	int ret;

	if (!inode)
		return fail(m, -ENOMEM, "out of memory");
	if (type == S_IFLNK) {
		ret = nf == 6 ? parse_owner(m, f + 3, inode, type) :
		      fail(m, -EINVAL, "expected: slink NAME TARGET MODE UID GID");
		if (!ret && strlen(f[2]) > IE_MAX_SYMLINK)
			ret = fail(m, -ENAMETOOLONG,
				   "symlink target of %zu bytes: the kernel reads at most %u",
				   strlen(f[2]), IE_MAX_SYMLINK);
		inode->symlink = ret ? NULL : strdup(f[2]);
		if (!ret && !inode->symlink)
			ret = fail(m, -ENOMEM, "out of memory");
		if (!ret)
			inode->size = strlen(f[2]);
	} else if (type == S_IFCHR) {
		ret = nf == 8 ? parse_owner(m, f + 2, inode, type) :
		      fail(m, -EINVAL, "expected: nod NAME MODE UID GID c|b MAJOR MINOR");
		if (!ret && strcmp(f[5], "c") && strcmp(f[5], "b"))
			ret = fail(m, -EINVAL, "device type '%s' is not c or b", f[5]);
		if (!ret && !strcmp(f[5], "b"))
			inode->mode = S_IFBLK | (inode->mode & 07777);
		if (!ret)
			ret = parse_u32(m, f[6], "major", &inode->rdev_major);
		if (!ret)
			ret = parse_u32(m, f[7], "minor", &inode->rdev_minor);
	} else {
		ret = nf == 5 ? parse_owner(m, f + 2, inode, type) :
		      fail(m, -EINVAL, "expected: %s NAME MODE UID GID", f[0]);
	}
	if (!ret)
		ret = link_entry(m, f[1], inode);
	if (ret)
		ie_inode_free(inode);
	return ret;
}

static int file_source(struct manifest *m, const char *location,
		       struct ie_inode *inode)
{
	char *expanded = expand_env(location), *path = NULL;
	struct stat st;
	int ret = 0;

	if (!expanded)
		return fail(m, -ENOMEM, "out of memory");
	if (expanded[0] == '/')
		path = expanded;
	else if (asprintf(&path, "%s/%s", m->dir, expanded) < 0)
		path = NULL;
	if (path != expanded)
		free(expanded);
	if (!path)
		return fail(m, -ENOMEM, "out of memory");
	if (stat(path, &st))
		ret = fail(m, -errno, "source %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		ret = fail(m, -EINVAL, "source %s is not a regular file", path);
	if (ret) {
		free(path);
		return ret;
	}
	inode->size = (uint64_t)st.st_size;
	inode->mtime = st.st_mtim.tv_sec;
	if (inode->size) {
		inode->data.kind = IE_DATA_PATH;
		inode->data.path = path;
	} else {
		free(path);
	}
	return 0;
}

static int add_file(struct manifest *m, char **f, int nf)
{
	struct ie_inode *inode;
	int ret, i;

	if (nf < 6)
		return fail(m, -EINVAL,
			    "expected: file NAME SOURCE MODE UID GID [HARDLINK...]");
	inode = ie_inode_new(S_IFREG);
	if (!inode)
		return fail(m, -ENOMEM, "out of memory");
	ret = parse_owner(m, f + 3, inode, S_IFREG);
	if (!ret)
		ret = file_source(m, f[2], inode);
	if (!ret)
		ret = link_entry(m, f[1], inode);
	if (ret) {
		ie_inode_free(inode);
		return ret;
	}
	/* Now the tree owns the inode; hardlinks just add names. */
	for (i = 6; !ret && i < nf; i++)
		ret = link_entry(m, f[i], inode);
	return ret;
}

/* ---- lines ------------------------------------------------------------------ */

static int split_fields(char *line, char **f)
{
	int n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && n < MAX_FIELDS;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		f[n++] = tok;
	return tok ? -1 : n;
}

static int parse_line(struct manifest *m, char *line)
{
	char *f[MAX_FIELDS];
	int nf;

	if (line[0] == '#')
		return 0;
	nf = split_fields(line, f);
	if (nf < 0)
		return fail(m, -E2BIG, "more than %d fields", MAX_FIELDS);
	if (!nf)
		return 0;
	if (nf < 2)
		return fail(m, -EINVAL, "'%s' without a name", f[0]);
	if (!strcmp(f[0], "file"))
		return add_file(m, f, nf);
	if (!strcmp(f[0], "dir"))
		return add_dir(m, f, nf);
	if (!strcmp(f[0], "nod"))
		return add_special(m, f, nf, S_IFCHR);
	if (!strcmp(f[0], "slink"))
		return add_special(m, f, nf, S_IFLNK);
	if (!strcmp(f[0], "pipe"))
		return add_special(m, f, nf, S_IFIFO);
	if (!strcmp(f[0], "sock"))
		return add_special(m, f, nf, S_IFSOCK);
	return fail(m, -EINVAL,
		    "unknown entry type '%s' (file, dir, nod, slink, pipe, sock)",
		    f[0]);
}

int ie_import_manifest(struct ie_tree *tree, const char *path,
		       struct ie_error *err)
{
	struct manifest m = { .tree = tree, .path = path, .err = err };
	char *line = NULL, *slash;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;
	int ret = 0;

	fp = fopen(path, "re");
	if (!fp)
		return fail(&m, -errno, "cannot open: %s", strerror(errno));
	m.dir = strdup(path);
	if (!m.dir) {
		fclose(fp);
		return fail(&m, -ENOMEM, "out of memory");
	}
	slash = strrchr(m.dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(m.dir, ".");
	while (!ret && (len = getline(&line, &cap, fp)) >= 0) {
		m.line++;
		if (memchr(line, '\0', (size_t)len))
			ret = fail(&m, -EINVAL, "NUL byte in line");
		else
			ret = parse_line(&m, line);
	}
	if (!ret && ferror(fp))
		ret = fail(&m, -EIO, "read error");
	free(line);
	free(m.dir);
	ie_map_free(&m.named);
	fclose(fp);
	return ret;
}
