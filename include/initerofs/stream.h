/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A buffered, pull-driven byte stream.
 *
 * `initerofs convert` reads an initrd as a chain of streams: a file (or a
 * pipe) at the bottom, a decompressor stream on top of it for each
 * compressed segment, and the cpio reader pulling from whichever is on top.
 * A decompressor consumes its input straight out of the lower stream's
 * buffer, so when a compressed stream ends the lower stream is positioned
 * exactly on the first byte after it: that is how concatenated segments are
 * found without knowing their lengths in advance.
 *
 * A stream can be marked and rewound to the mark; while marked, nothing
 * from the mark on is discarded. This lets convert look at the leading
 * uncompressed archives (to decide whether they are early microcode)
 * and then read them again, even from a pipe.
 */
#ifndef INITEROFS_STREAM_H
#define INITEROFS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "initerofs/error.h"

struct ie_stream;

/*
 * Produce up to @room bytes at @dst. Return the number produced (> 0),
 * 0 at the end of the stream, or a negative errno with the stream's err
 * filled in (by ie_fail()).
 */
typedef ssize_t (*ie_stream_fill_fn)(struct ie_stream *s, unsigned char *dst,
				     size_t room);

struct ie_stream {
	unsigned char *buf;
	size_t cap;
	size_t head;		/* next unread byte */
	size_t tail;		/* one past the last buffered byte */
	uint64_t pos;		/* stream offset of buf[head] */
	bool marked;
	size_t mark;		/* buffer index of the mark, when marked */
	bool eof;		/* fill reported the end */
	bool failed;		/* fill reported an error (in err) */
	ie_stream_fill_fn fill;
	void *ctx;		/* the fill function's state */
	struct ie_error err;
};

/**
 * ie_stream_init() - set up @s with a buffer of @cap bytes and a source.
 * Return: 0 or -ENOMEM.
 */
int ie_stream_init(struct ie_stream *s, size_t cap, ie_stream_fill_fn fill,
		   void *ctx);

/** ie_stream_init_fd() - a stream reading @fd (not owned) with read(2). */
int ie_stream_init_fd(struct ie_stream *s, int fd, size_t cap);

/**
 * ie_stream_init_mem() - a stream over @len bytes at @data (not copied,
 * must outlive the stream). For tests and small inputs.
 */
int ie_stream_init_mem(struct ie_stream *s, const void *data, size_t len);

/** ie_stream_fini() - free the buffer (the source is not touched). */
void ie_stream_fini(struct ie_stream *s);

/**
 * ie_stream_need() - make at least @n bytes available at ie_stream_data().
 * Return: the number of bytes available, which is less than @n only at the
 * end of the stream, or a negative errno (message in s->err).
 */
ssize_t ie_stream_need(struct ie_stream *s, size_t n);

/** ie_stream_data() - the buffered, unread bytes. */
static inline const unsigned char *ie_stream_data(const struct ie_stream *s)
{
	return s->buf + s->head;
}

/** ie_stream_avail() - how many unread bytes are buffered. */
static inline size_t ie_stream_avail(const struct ie_stream *s)
{
	return s->tail - s->head;
}

/** ie_stream_consume() - drop @n buffered bytes (@n <= avail). */
void ie_stream_consume(struct ie_stream *s, size_t n);

/**
 * ie_stream_skip() - drop @n bytes, reading them as needed.
 * Return: the number of bytes dropped, less than @n only at the end of the
 * stream, or a negative errno.
 */
int64_t ie_stream_skip(struct ie_stream *s, uint64_t n);

/**
 * ie_stream_at_end() - true when no byte is left (reads to find out).
 * Return: 1 at the end, 0 when a byte is there, or a negative errno.
 */
int ie_stream_at_end(struct ie_stream *s);

/** ie_stream_mark() - remember the current position for a rewind. */
void ie_stream_mark(struct ie_stream *s);

/** ie_stream_rewind() - go back to the mark and forget it. */
void ie_stream_rewind(struct ie_stream *s);

/** ie_stream_unmark() - forget the mark (its bytes may be discarded). */
void ie_stream_unmark(struct ie_stream *s);

#endif /* INITEROFS_STREAM_H */
