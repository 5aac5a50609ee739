// SPDX-License-Identifier: GPL-2.0
/*
 * ie_convert(): the stream -> decompress -> cpio -> importer -> writer
 * pipeline of `initerofs convert` (include/initerofs/convert.h). Messages
 * name the input or the output as the command prints them.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "initerofs/convert.h"
#include "initerofs/import_cpio.h"
#include "initerofs/io.h"
#include "initerofs/tempfile.h"

#define INPUT_BUFFER	(1024 * 1024)

struct conv {
	const struct ie_convert_options *o;
	struct ie_convert_result *res;
	struct ie_error *err;

	int in_fd, spool_fd;
	struct ie_output out;		/* a temporary file until renamed */
	struct ie_stream in;
	bool in_ready;
	struct ie_tree *tree;
	struct ie_cpio_import *imp;
};

static int fail_errno(struct conv *c, const char *what, const char *path)
{
	int e = errno ? errno : EIO;

	return ie_fail(c->err, -e, "%s %s: %s", what, path, strerror(e));
}


/* The input's bytes stream through one buffer; "-" is standard input. */
static int open_input(struct conv *c)
{
	if (!strcmp(c->o->input, "-")) {
		c->in_fd = STDIN_FILENO;
	} else {
		c->in_fd = open(c->o->input, O_RDONLY | O_CLOEXEC);
		if (c->in_fd < 0)
			return fail_errno(c, "cannot open", c->o->input);
	}
	if (ie_stream_init_fd(&c->in, c->in_fd, INPUT_BUFFER))
		return ie_fail(c->err, -ENOMEM, "out of memory");
	c->in_ready = true;
	return 0;
}

static char *dir_of(const char *path)
{
	char *copy = strdup(path), *dir;

	if (!copy)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

/* The output is built under a temporary name in its own folder. */
static int open_output(struct conv *c)
{
	return ie_output_open(&c->out, c->o->output, c->err);
}

/*
 * File bodies go to an unlinked file beside the output (not /tmp, which may
 * be in memory): the disk the output needs anyway.
 */
static int open_spool(struct conv *c)
{
	char *dir = dir_of(c->o->output);

	if (!dir)
		return ie_fail(c->err, -ENOMEM, "out of memory");
	c->spool_fd = ie_spool_open(dir, c->err);
	free(dir);
	return c->spool_fd < 0 ? c->spool_fd : 0;
}

static int write_out(struct conv *c, const void *buf, size_t len)
{
	int ret = ie_write_full(c->out.fd, buf, len);

	if (!ret)
		return 0;
	errno = -ret;
	return fail_errno(c, "cannot write", c->out.tmp_path);
}

/* Copy the early archives as they are and pad to the image's alignment. */
static int copy_prefix(struct conv *c)
{
	static const unsigned char zeros[IE_CONVERT_ALIGN];
	uint64_t left = c->res->prefix_len;

	while (left) {
		ssize_t got = ie_stream_need(&c->in, 1);
		size_t n;

		if (got < 0) {
			ie_error_copy(c->err, &c->in.err);
			return ie_error_prefix(c->err, c->o->input);
		}
		if (got == 0)
			return ie_fail(c->err, -EIO,
				       "%s: input shrank while reading",
				       c->o->input);
		n = (size_t)got < left ? (size_t)got : (size_t)left;
		if (write_out(c, ie_stream_data(&c->in), n))
			return -EIO;
		ie_stream_consume(&c->in, n);
		left -= n;
	}
	c->res->base = (c->res->prefix_len + IE_CONVERT_ALIGN - 1) /
		       IE_CONVERT_ALIGN * IE_CONVERT_ALIGN;
	return write_out(c, zeros, (size_t)(c->res->base - c->res->prefix_len));
}

static void on_warning(void *ctx, const char *msg)
{
	struct conv *c = ctx;

	if (c->o->warn)
		c->o->warn(c->o->ctx, msg, ie_cpio_import_warnings(c->imp));
}

static int on_segment(void *ctx, const struct ie_segment *seg,
		      struct ie_error *err)
{
	struct conv *c = ctx;

	(void)err;
	c->res->segments++;
	if (c->o->segment)
		c->o->segment(c->o->ctx, seg);
	return 0;
}

/* Entries go through the importer's own scanner callbacks. */
static int on_entry(void *ctx, const struct ie_segment *seg,
		    struct ie_cpio_reader *r)
{
	struct conv *c = ctx;

	c->res->entries++;
	return ie_cpio_import_ops.entry(c->imp, seg, r);
}

/* Every segment after the prefix, into the tree. */
static int import_all(struct conv *c)
{
	static const struct ie_initrd_ops ops = {
		.segment = on_segment,
		.entry = on_entry,
	};

	c->tree = ie_tree_new();
	if (c->tree)
		c->imp = ie_cpio_import_new(c->tree, c->spool_fd,
					    c->o->default_mtime, on_warning, c);
	if (!c->imp)
		return ie_fail(c->err, -ENOMEM, "out of memory");
	if (ie_initrd_scan_limited(&c->in, &ops, c, &c->o->limits, c->err) < 0 ||
	    ie_cpio_import_finish(c->imp, c->err) < 0)
		return ie_error_prefix(c->err, c->o->input);
	c->res->dropped = ie_cpio_import_warnings(c->imp);
	if (!c->res->segments && !c->res->prefix_len)
		return ie_fail(c->err, -EINVAL,
			       "%s: no initramfs in it (empty, or zero bytes only)",
			       c->o->input);
	return 0;
}

static int write_image(struct conv *c)
{
	struct ie_write_stats stats;
	int ret;

	memset(&stats, 0, sizeof(stats));
	ret = ie_write_image_fd(c->tree, c->o->image, c->out.fd, c->res->base,
				&stats, c->err);
	c->res->stats = stats;
	if (ret < 0)
		return ie_error_prefix(c->err, c->o->output);
	c->res->written = true;
	return 0;
}

static int run(struct conv *c)
{
	int ret;

	ret = open_input(c);
	if (ret)
		return ret;
	if (!c->o->no_early &&
	    ie_initrd_early_prefix(&c->in, &c->res->prefix_len, c->err) < 0)
		return ie_error_prefix(c->err, c->o->input);
	ret = open_output(c);
	if (!ret)
		ret = open_spool(c);
	if (!ret)
		ret = copy_prefix(c);
	if (!ret)
		ret = import_all(c);
	if (!ret && c->o->prepare && c->o->prepare(c->o->ctx, c->tree))
		ret = ie_fail(c->err, -EINVAL, "%s", "");	/* reported */
	if (!ret)
		ret = write_image(c);
	if (!ret)
		ret = ie_output_commit(&c->out, c->err);
	return ret;
}

int ie_convert(const struct ie_convert_options *opts,
	       struct ie_convert_result *res, struct ie_error *err)
{
	struct ie_error none;	/* when the caller wants no message */
	struct conv c;
	int ret;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.o = opts;
	c.res = res;
	c.err = err ? err : &none;
	c.in_fd = c.spool_fd = -1;
	ie_error_clear(c.err);
	ret = run(&c);
	ie_cpio_import_free(c.imp);
	ie_tree_free(c.tree);
	if (c.in_ready)
		ie_stream_fini(&c.in);
	if (c.in_fd > STDIN_FILENO)
		close(c.in_fd);
	if (c.spool_fd >= 0)
		close(c.spool_fd);
	ie_output_abort(&c.out);	/* nothing is left behind on failure */
	return ret;
}
