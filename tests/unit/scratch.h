/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the public-API unit tests (writer, importers, check,
 * extract): a scratch folder removed afterwards, whole-file reads, and a
 * small tree built through include/initerofs/tree.h.
 */
#ifndef TESTS_UNIT_SCRATCH_H
#define TESTS_UNIT_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/tree.h"

struct scratch {
	char dir[64];
};

static inline int scratch_setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/ie-unit.XXXXXX");
	if (!mkdtemp(s->dir)) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static inline int scratch_teardown(void **state)
{
	struct scratch *s = *state;
	char cmd[128];
	int ret;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	ret = system(cmd);
	free(s);
	return ret ? -1 : 0;
}

/* @s->dir/@name into @out (@len bytes). */
static inline const char *scratch_path(const struct scratch *s,
				       const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", s->dir, name);
	return out;
}

/* The whole of @path in a new buffer (*@len bytes); NULL when unreadable. */
static inline unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	long size;

	if (!fp)
		return NULL;
	if (!fseek(fp, 0, SEEK_END) && (size = ftell(fp)) >= 0 &&
	    !fseek(fp, 0, SEEK_SET)) {
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, fp) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			*len = (size_t)size;
	}
	fclose(fp);
	return buf;
}

/* A regular file holding @len bytes of @data (copied), or NULL. */
static inline struct ie_inode *mem_file(mode_t perm, const void *data,
					size_t len)
{
	struct ie_inode *inode = ie_inode_new(S_IFREG | perm);

	if (!inode)
		return NULL;
	inode->size = len;
	if (len) {
		inode->data.kind = IE_DATA_MEMORY;
		inode->data.buf = malloc(len);
		if (!inode->data.buf) {
			ie_inode_free(inode);
			return NULL;
		}
		memcpy(inode->data.buf, data, len);
	}
	return inode;
}

#endif /* TESTS_UNIT_SCRATCH_H */
