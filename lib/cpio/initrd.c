// SPDX-License-Identifier: GPL-2.0
/*
 * The initrd segment scanner and the early-prefix classifier. The control
 * flow mirrors unpack_to_rootfs(), flush_buffer() and do_reset() in the
 * kernel's init/initramfs.c so that a converted initrd holds what the
 * kernel would have unpacked; see include/initerofs/initrd.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initerofs/initrd.h"

#define EROFS_MAGIC_LE	"\xe2\xe1\xf5\xe0"
#define EROFS_SB_OFFSET	1024

struct scan {
	const struct ie_initrd_ops *ops;
	const struct ie_decompress_limits *limits;
	void *ctx;
	struct ie_error *err;
	struct ie_segment seg;
	bool in_archive;		/* entries seen since the last trailer */
	uint64_t archive_start;		/* stream offset of its first header */
	struct ie_cpio_reader r;
};

/* Read one entry (the stream is on its header), hand it out, finish it. */
static int scan_entry(struct scan *sc)
{
	struct ie_cpio_reader *r = &sc->r;
	int ret;

	if (ie_cpio_read_header(r) < 0)
		return ie_error_copy(sc->err, &sc->r.err);
	if (!sc->in_archive) {
		sc->in_archive = true;
		sc->archive_start = r->offset;
	}
	ret = sc->ops->entry(sc->ctx, &sc->seg, r);
	if (ret < 0)
		return ie_error_copy(sc->err, &sc->r.err);
	if (ret)
		return ret;
	if (ie_cpio_skip_data(r) < 0)
		return ie_error_copy(sc->err, &sc->r.err);
	if (!ie_cpio_is_trailer(r))
		return 0;
	sc->in_archive = false;
	if (!sc->ops->trailer)
		return 0;
	ret = sc->ops->trailer(sc->ctx, &sc->seg, r->s->pos, r);
	return ret < 0 ? ie_error_copy(sc->err, &sc->r.err) : ret;
}

/*
 * Drop zero bytes. Return: 1 when a non-zero byte follows, 0 at the end of
 * the stream, a negative errno on a read error (message in s->err).
 */
static int skip_zeros(struct ie_stream *s)
{
	for (;;) {
		ssize_t got = ie_stream_need(s, 1);
		const unsigned char *p;
		size_t i;

		if (got <= 0)
			return (int)got;
		p = ie_stream_data(s);
		for (i = 0; i < (size_t)got && !p[i]; i++)
			;
		ie_stream_consume(s, i);
		if (i < (size_t)got)
			return 1;
	}
}

/* An archive must be closed by its trailer before its segment ends. */
static int check_closed(struct scan *sc, struct ie_stream *s, bool at_end)
{
	if (!sc->in_archive)
		return 0;
	return ie_fail_at(sc->err, -EINVAL, s->pos,
			  "%soffset %llu: truncated: the cpio archive that starts at offset %llu has no TRAILER!!! %s",
			  sc->r.origin, (unsigned long long)s->pos,
			  (unsigned long long)sc->archive_start,
			  at_end ? "before the end of the input" :
				   "before the next segment");
}

/*
 * The cpio content of one segment. In a compressed stream anything but a
 * header or zero padding between entries is junk; in uncompressed data a
 * byte that is not '0' starts the next segment. Either way the kernel wants
 * whatever follows zero padding on a 4-byte boundary ("broken padding").
 */
static int scan_archives(struct scan *sc, struct ie_stream *s, bool compressed)
{
	for (;;) {
		int more = skip_zeros(s), ret;

		if (more < 0)
			return ie_error_copy(sc->err, &s->err);
		if (!more)
			return check_closed(sc, s, true);
		if (s->pos % 4)
			return ie_fail_at(sc->err, -EINVAL, s->pos,
					  "%soffset %llu: broken padding: data after a cpio entry does not start on a 4-byte boundary",
					  sc->r.origin, (unsigned long long)s->pos);
		if (ie_stream_data(s)[0] != '0') {
			if (!compressed)
				return check_closed(sc, s, false);
			return ie_fail_at(sc->err, -EINVAL, s->pos,
					  "%soffset %llu: junk inside the compressed archive (byte 0x%02x where a cpio header or zero padding belongs)",
					  sc->r.origin, (unsigned long long)s->pos,
					  ie_stream_data(s)[0]);
		}
		ret = scan_entry(sc);
		if (ret)
			return ret;
	}
}

/* Say as precisely as we can what the bytes at an unknown segment are. */
static int unknown_segment(struct scan *sc, struct ie_stream *in)
{
	const unsigned char *p = ie_stream_data(in);
	size_t n = ie_stream_avail(in);
	unsigned long long off = in->pos;

	if (p[0] == '0')
		return ie_fail_at(sc->err, -EINVAL, off,
				  "offset %llu: cpio header not on a 4-byte boundary (the kernel reads it as an invalid compression magic)",
				  off);
	if (n >= 4 && !memcmp(p, EROFS_MAGIC_LE, 4) && off >= EROFS_SB_OFFSET)
		return ie_fail_at(sc->err, -EINVAL, off,
				  "offset %llu: EROFS superblock magic: an EROFS image starting at offset %llu is not a cpio initramfs (already converted?)",
				  off, off - EROFS_SB_OFFSET);
	return ie_fail_at(sc->err, -EINVAL, off,
			  "offset %llu: unknown data (bytes %02x %02x): neither a cpio header nor a compression the kernel knows",
			  off, p[0], n > 1 ? p[1] : 0);
}

static int begin_segment(struct scan *sc, enum ie_compression c, uint64_t pos)
{
	sc->seg.compression = c;
	sc->seg.offset = pos;
	if (!sc->ops->segment)
		return 0;
	return sc->ops->segment(sc->ctx, &sc->seg, sc->err);
}

static int scan_compressed(struct scan *sc, struct ie_stream *in)
{
	enum ie_compression c;
	struct ie_stream out;
	char origin[sizeof(sc->r.origin)];
	ssize_t got = ie_stream_need(in, 8);
	int ret;

	if (got < 0)
		return ie_error_copy(sc->err, &in->err);
	c = ie_compression_detect(ie_stream_data(in), (size_t)got);
	if (c == IE_COMPRESSION_UNKNOWN)
		return unknown_segment(sc, in);
	if (!ie_compression_supported(c))
		return ie_fail_at(sc->err, -EOPNOTSUPP, in->pos,
				  "offset %llu: %s compression is not supported (decompress this segment first)",
				  (unsigned long long)in->pos,
				  ie_compression_name(c));
	ret = begin_segment(sc, c, in->pos);
	if (ret)
		return ret;
	ret = ie_decompress_open_limited(&out, c, in, sc->limits, sc->err);
	if (ret < 0)
		return ret;
	snprintf(origin, sizeof(origin), "%s stream at offset %llu: uncompressed ",
		 ie_compression_name(c), (unsigned long long)sc->seg.offset);
	ie_cpio_reader_init(&sc->r, &out, origin);
	ret = scan_archives(sc, &out, true);
	ie_decompress_close(&out);
	return ret;
}

int ie_initrd_scan(struct ie_stream *in, const struct ie_initrd_ops *ops,
		   void *ctx, struct ie_error *err)
{
	return ie_initrd_scan_limited(in, ops, ctx, NULL, err);
}

int ie_initrd_scan_limited(struct ie_stream *in,
			   const struct ie_initrd_ops *ops, void *ctx,
			   const struct ie_decompress_limits *limits,
			   struct ie_error *err)
{
	struct scan *sc = calloc(1, sizeof(*sc));
	int ret = 0;

	if (!sc)
		return ie_fail(err, -ENOMEM, "out of memory");
	sc->ops = ops;
	sc->limits = limits;
	sc->ctx = ctx;
	sc->err = err;
	while (!ret) {
		int more = skip_zeros(in);

		if (more <= 0) {
			ret = more < 0 ? ie_error_copy(sc->err, &in->err) : 0;
			break;
		}
		if (ie_stream_data(in)[0] == '0' && in->pos % 4 == 0) {
			ret = begin_segment(sc, IE_COMPRESSION_UNKNOWN, in->pos);
			if (ret)
				break;
			ie_cpio_reader_init(&sc->r, in, "");
			ret = scan_archives(sc, in, false);
		} else {
			ret = scan_compressed(sc, in);
		}
	}
	free(sc);
	return ret;
}

/* ---- the early prefix ----------------------------------------------------- */

/* Is @path (no leading "./" or "/") @dir or inside it? */
static bool path_in(const char *path, const char *dir, bool *inside)
{
	size_t len = strlen(dir);

	if (strncmp(path, dir, len))
		return false;
	if (path[len] == '\0' || !strcmp(path + len, "/")) {
		*inside = false;
		return true;
	}
	if (path[len] != '/')
		return false;
	*inside = true;
	return true;
}

bool ie_cpio_path_is_early(const char *name, bool *loader_file)
{
	static const char *const loader_dirs[] = {
		"kernel/x86/microcode", "kernel/firmware/acpi",
	};
	static const char *const way_dirs[] = {
		"", ".", "early_cpio", "kernel", "kernel/x86", "kernel/firmware",
	};
	size_t i;
	bool inside;

	*loader_file = false;
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			break;
	}
	for (i = 0; i < sizeof(way_dirs) / sizeof(way_dirs[0]); i++)
		if (!strcmp(name, way_dirs[i]))
			return true;
	for (i = 0; i < sizeof(loader_dirs) / sizeof(loader_dirs[0]); i++) {
		if (path_in(name, loader_dirs[i], &inside)) {
			*loader_file = inside;
			return true;
		}
	}
	return false;
}

struct early {
	uint64_t end;		/* end of the last early archive */
	bool loader_file;	/* the current archive has one */
};

static int early_segment(void *ctx, const struct ie_segment *seg,
			 struct ie_error *err)
{
	(void)ctx, (void)err;
	return seg->compression == IE_COMPRESSION_UNKNOWN ? 0 : IE_SCAN_STOP;
}

static int early_entry(void *ctx, const struct ie_segment *seg,
		       struct ie_cpio_reader *r)
{
	struct early *e = ctx;
	bool loader_file;

	(void)seg;
	if (ie_cpio_is_trailer(r))
		return 0;
	if (!ie_cpio_path_is_early(r->name, &loader_file))
		return IE_SCAN_STOP;
	e->loader_file |= loader_file;
	return 0;
}

static int early_trailer(void *ctx, const struct ie_segment *seg,
			 uint64_t end, struct ie_cpio_reader *r)
{
	struct early *e = ctx;

	(void)seg, (void)r;
	if (!e->loader_file)
		return IE_SCAN_STOP;
	e->end = end;
	e->loader_file = false;
	return 0;
}

int ie_initrd_early_prefix(struct ie_stream *in, uint64_t *len,
			   struct ie_error *err)
{
	static const struct ie_initrd_ops ops = {
		.segment = early_segment,
		.entry = early_entry,
		.trailer = early_trailer,
	};
	uint64_t start = in->pos;
	struct early e = { .end = start };
	int ret;

	ie_stream_mark(in);
	ret = ie_initrd_scan(in, &ops, &e, err);
	ie_stream_rewind(in);
	if (ret < 0)
		return ret;
	*len = e.end - start;
	return 0;
}
