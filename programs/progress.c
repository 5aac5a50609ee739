// SPDX-License-Identifier: GPL-2.0
/*
 * The progress line and summary of build and convert; see progress.h.
 */
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

#define REDRAW_NS	100000000LL	/* at most ten lines a second */
#define MIB		(1024.0 * 1024.0)

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

void progress_init(struct progress *p, const char *cmd, bool quiet)
{
	p->cmd = cmd;
	p->quiet = quiet;
	p->live = !quiet && isatty(STDERR_FILENO);
	p->drawn = false;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

/* The writer's callback: redraw at most every REDRAW_NS, and the last. */
static void draw(void *ctx, const struct ie_write_progress *w)
{
	struct progress *p = ctx;
	struct timespec now;
	double secs;
	bool last = w->bytes_done == w->bytes_total;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && p->drawn && ns_between(&p->last, &now) < REDRAW_NS)
		return;
	p->last = now;
	secs = (double)ns_between(&p->start, &now) / 1e9;
	fprintf(stderr, "\r%s: files %llu/%llu, %.1f/%.1f MiB (%.0f%%), ratio %.2f, %.1f MiB/s\033[K",
		p->cmd, (unsigned long long)w->files_done,
		(unsigned long long)w->files_total, (double)w->bytes_done / MIB,
		(double)w->bytes_total / MIB,
		w->bytes_total ? 100.0 * (double)w->bytes_done /
				 (double)w->bytes_total : 100.0,
		w->stored_bytes ? (double)w->bytes_done / (double)w->stored_bytes : 1.0,
		secs > 0 ? (double)w->bytes_done / MIB / secs : 0.0);
	fflush(stderr);
	p->drawn = true;
}

void progress_attach(struct progress *p, struct ie_write_options *opts)
{
	if (!p->live)
		return;
	opts->progress = draw;
	opts->progress_ctx = p;
}

void progress_end(struct progress *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = false;
}

void progress_summary(struct progress *p, const char *out,
		      uint64_t file_bytes, const struct ie_write_stats *st)
{
	struct timespec now;

	progress_end(p);
	if (p->quiet)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "%s: %s: %llu bytes, ratio %.2f (%llu bytes of file data), %.1f s\n",
		p->cmd, out, (unsigned long long)st->image_bytes,
		st->image_bytes ? (double)file_bytes / (double)st->image_bytes : 0.0,
		(unsigned long long)file_bytes,
		(double)ns_between(&p->start, &now) / 1e9);
}
