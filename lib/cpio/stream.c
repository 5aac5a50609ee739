// SPDX-License-Identifier: GPL-2.0
/*
 * Buffered pull streams: a file or pipe at the bottom, decompressors on top.
 * See include/initerofs/stream.h for why they look like this.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "initerofs/stream.h"

struct mem_source {
	const unsigned char *data;
	size_t len, off;
};

int ie_stream_init(struct ie_stream *s, size_t cap, ie_stream_fill_fn fill,
		   void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(cap);
	if (!s->buf)
		return -ENOMEM;
	s->cap = cap;
	s->fill = fill;
	s->ctx = ctx;
	return 0;
}

static ssize_t fd_fill(struct ie_stream *s, unsigned char *dst, size_t room)
{
	int fd = (int)(intptr_t)s->ctx;
	ssize_t n;

	do {
		n = read(fd, dst, room);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return ie_fail_at(&s->err, -errno, s->pos, "read error: %s",
				  strerror(errno));
	return n;
}

int ie_stream_init_fd(struct ie_stream *s, int fd, size_t cap)
{
	return ie_stream_init(s, cap, fd_fill, (void *)(intptr_t)fd);
}

static ssize_t mem_fill(struct ie_stream *s, unsigned char *dst, size_t room)
{
	struct mem_source *src = s->ctx;
	size_t n = src->len - src->off;

	if (n > room)
		n = room;
	memcpy(dst, src->data + src->off, n);
	src->off += n;
	return (ssize_t)n;
}

int ie_stream_init_mem(struct ie_stream *s, const void *data, size_t len)
{
	struct mem_source *src = malloc(sizeof(*src));
	int ret;

	if (!src)
		return -ENOMEM;
	src->data = data;
	src->len = len;
	src->off = 0;
	ret = ie_stream_init(s, 64 * 1024, mem_fill, src);
	if (ret) {
		free(src);
		return ret;
	}
	return 0;
}

void ie_stream_fini(struct ie_stream *s)
{
	if (s->fill == mem_fill)
		free(s->ctx);
	free(s->buf);
	s->buf = NULL;
}

/* Move the bytes still needed to the front, growing the buffer if @n won't fit. */
static int make_room(struct ie_stream *s, size_t n)
{
	size_t keep = s->marked ? s->mark : s->head;
	size_t used = s->tail - keep;

	if (used + n > s->cap) {
		size_t cap = s->cap * 2;
		unsigned char *buf;

		while (cap < used + n)
			cap *= 2;
		buf = malloc(cap);
		if (!buf)
			return ie_fail(&s->err, -ENOMEM, "out of memory");
		memcpy(buf, s->buf + keep, used);
		free(s->buf);
		s->buf = buf;
		s->cap = cap;
	} else if (keep) {
		memmove(s->buf, s->buf + keep, used);
	}
	s->head -= keep;
	s->tail -= keep;
	if (s->marked)
		s->mark -= keep;
	return 0;
}

ssize_t ie_stream_need(struct ie_stream *s, size_t n)
{
	if (s->failed)
		return s->err.err;
	while (ie_stream_avail(s) < n && !s->eof) {
		ssize_t got;

		if (s->cap - s->tail < n - ie_stream_avail(s) || s->tail == s->cap)
			if (make_room(s, n - ie_stream_avail(s)) < 0)
				goto fail;
		got = s->fill(s, s->buf + s->tail, s->cap - s->tail);
		if (got < 0)
			goto fail;
		if (got == 0)
			s->eof = true;
		s->tail += (size_t)got;
	}
	return (ssize_t)ie_stream_avail(s);
fail:
	s->failed = true;
	if (s->err.err >= 0)	/* a fill function that set no errno */
		s->err.err = -EIO;
	return s->err.err;
}

void ie_stream_consume(struct ie_stream *s, size_t n)
{
	s->head += n;
	s->pos += n;
}

int64_t ie_stream_skip(struct ie_stream *s, uint64_t n)
{
	uint64_t done = 0;

	while (done < n) {
		size_t step;

		if (!ie_stream_avail(s)) {
			ssize_t got = ie_stream_need(s, 1);

			if (got < 0)
				return got;
			if (got == 0)
				break;
		}
		step = ie_stream_avail(s);
		if (step > n - done)
			step = (size_t)(n - done);
		ie_stream_consume(s, step);
		done += step;
	}
	return (int64_t)done;
}

int ie_stream_at_end(struct ie_stream *s)
{
	ssize_t got = ie_stream_need(s, 1);

	if (got < 0)
		return (int)got;
	return got == 0;
}

void ie_stream_mark(struct ie_stream *s)
{
	s->marked = true;
	s->mark = s->head;
}

void ie_stream_rewind(struct ie_stream *s)
{
	/* Nothing from the mark on was discarded, so pos moves back as head. */
	s->pos -= s->head - s->mark;
	s->head = s->mark;
	s->marked = false;
}

void ie_stream_unmark(struct ie_stream *s)
{
	s->marked = false;
}
