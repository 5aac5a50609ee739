// SPDX-License-Identifier: GPL-2.0
/*
 * The writer's entry points: options, the output (lib/tempfile.c), and the
 * three phases (plan, data, metadata) in order.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "initerofs/erofs_format.h"
#include "initerofs/tempfile.h"
#include "initerofs/io.h"
#include "writer_internal.h"

void ie_write_options_init(struct ie_write_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->blkszbits = 12;
	opts->compr.kind = IE_COMPR_NONE;
}

int wr_fail(struct writer *w, int code, const char *fmt, ...)
{
	va_list ap;

	/* The first failure is the one worth reporting. */
	if (!w->err->msg[0]) {
		va_start(ap, fmt);
		ie_vfail(w->err, code, fmt, ap);
		va_end(ap);
	}
	return code;
}

int wr_pwrite(struct writer *w, const void *buf, size_t len, uint64_t off)
{
	int ret = ie_pwrite_full(w->fd, buf, len, w->base + off);

	if (ret)
		return wr_fail(w, ret, "cannot write the image: %s",
			       strerror(-ret));
	return 0;
}

/* Two independent 64-bit multiply-xorshift lanes; not cryptographic. */
void wr_hash(struct writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t a = w->hash[0], b = w->hash[1];

	while (len) {
		uint64_t v = 0;
		size_t n = len < 8 ? len : 8;

		memcpy(&v, p, n);
		a = (a ^ v) * 0x9E3779B97F4A7C15ull;
		a ^= a >> 31;
		b = (b ^ (v + n)) * 0xC2B2AE3D27D4EB4Full;
		b ^= b >> 29;
		p += n;
		len -= n;
	}
	w->hash[0] = a;
	w->hash[1] = b;
}

static int check_options(struct writer *w)
{
	const struct ie_write_options *o = w->opts;

	if (o->blkszbits < EROFS_MIN_BLKSZBITS ||
	    o->blkszbits > EROFS_MAX_BLKSZBITS)
		return wr_fail(w, -EINVAL, "block size must be 512 to 4096 bytes");
	w->blkszbits = o->blkszbits;
	w->blksz = 1u << o->blkszbits;
	w->pclustersize = o->pclustersize ? o->pclustersize : w->blksz;
	if (w->pclustersize % w->blksz ||
	    w->pclustersize > Z_EROFS_PCLUSTER_MAX_SIZE)
		return wr_fail(w, -EINVAL,
			       "physical cluster size must be a multiple of the block size, at most %u",
			       Z_EROFS_PCLUSTER_MAX_SIZE);
	w->big_pcluster = o->compr.kind != IE_COMPR_NONE &&
			  w->pclustersize > w->blksz;
	if (strnlen(o->label, sizeof(o->label)) > 15)
		return wr_fail(w, -EINVAL, "volume label is longer than 15 bytes");
	if (w->base % w->blksz)
		return wr_fail(w, -EINVAL, "image offset is not block aligned");
	return 0;
}

/* Inline tails wait in an unnamed temporary file until the metadata phase. */
static int open_spool(struct writer *w, const char *dir)
{
	w->spool_fd = ie_spool_open(dir, w->err);
	return w->spool_fd < 0 ? w->spool_fd : 0;
}

static int write_image(struct writer *w, const char *spool_dir)
{
	int ret;

	ret = check_options(w);
	if (!ret)
		ret = open_spool(w, spool_dir);
	if (!ret)
		ret = wr_plan(w);
	if (!ret)
		ret = wr_write_data(w);
	if (!ret)
		ret = wr_write_meta(w);
	return ret;
}

static void writer_release(struct writer *w)
{
	if (w->nodes)
		wr_plan_free(w);
	if (w->spool_fd >= 0)
		close(w->spool_fd);
	free(w->head);
}

static int write_with(struct ie_tree *tree, const struct ie_write_options *opts,
		      int fd, uint64_t base, const char *spool_dir,
		      struct ie_write_stats *stats, struct ie_error *err)
{
	struct writer w = {
		.opts = opts, .tree = tree, .fd = fd, .base = base,
		.spool_fd = -1, .err = err,
		.hash = { 0x243F6A8885A308D3ull, 0x13198A2E03707344ull },
	};
	int ret;

	if (!w.err)
		w.err = &w.none;
	ie_error_clear(w.err);
	ret = write_image(&w, spool_dir);
	if (stats)
		*stats = w.stats;
	writer_release(&w);
	return ret;
}

int ie_write_image_fd(struct ie_tree *tree, const struct ie_write_options *opts,
		      int fd, uint64_t base, struct ie_write_stats *stats,
		      struct ie_error *err)
{
	const char *tmp = getenv("TMPDIR");

	return write_with(tree, opts, fd, base, tmp && *tmp ? tmp : "/tmp",
			  stats, err);
}

int ie_write_image(struct ie_tree *tree, const struct ie_write_options *opts,
		   const char *path, struct ie_write_stats *stats,
		   struct ie_error *err)
{
	char *dir_copy = strdup(path);
	struct ie_output out;
	int ret;

	if (!dir_copy)
		return ie_fail(err, -ENOMEM, "out of memory");
	ret = ie_output_open(&out, path, err);
	if (ret)
		goto out;
	/* The spool goes where the image goes, not to a /tmp in memory. */
	ret = write_with(tree, opts, out.fd, 0, dirname(dir_copy), stats,
			 err);
	if (ret)
		ie_output_abort(&out);
	else
		ret = ie_output_commit(&out, err);
out:
	free(dir_copy);
	return ret;
}

int ie_parse_uuid(const char *s, uint8_t uuid[16])
{
	static const int dash_at[] = { 8, 13, 18, 23 };
	size_t i, d = 0, nib = 0;

	if (strlen(s) != 36)
		return -EINVAL;
	memset(uuid, 0, 16);
	for (i = 0; i < 36; i++) {
		int v;

		if (d < 4 && (int)i == dash_at[d]) {
			if (s[i] != '-')
				return -EINVAL;
			d++;
			continue;
		}
		if (s[i] >= '0' && s[i] <= '9')
			v = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			v = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			v = s[i] - 'A' + 10;
		else
			return -EINVAL;
		uuid[nib / 2] |= (uint8_t)(nib % 2 ? v : v << 4);
		nib++;
	}
	return 0;
}
