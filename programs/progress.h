/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `build` and `convert` say at the terminal: one progress line,
 * redrawn in place on standard error while the image is written (only when
 * standard error is a terminal), and a summary line at the end. -q
 * silences both.
 *
 * Use: progress_init() before writing; progress_attach() puts the callback
 * into the writer's options; progress_end() clears the line; then
 * progress_summary() on success.
 */
#ifndef INITEROFS_PROGRESS_H
#define INITEROFS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "initerofs/writer.h"

struct progress {
	const char *cmd;		/* "initerofs build", for the lines */
	bool quiet;
	bool live;			/* redraw a line: stderr is a TTY */
	bool drawn;			/* a line is on the screen */
	struct timespec start, last;
};

/* progress_init() - start the clock; @quiet: say nothing at all. */
void progress_init(struct progress *p, const char *cmd, bool quiet);

/* progress_attach() - report into @p while @opts writes (if live). */
void progress_attach(struct progress *p, struct ie_write_options *opts);

/* progress_end() - remove the progress line, before any other message. */
void progress_end(struct progress *p);

/*
 * progress_summary() - "CMD: OUT: N bytes, ratio R (D bytes of file
 * data), T s" on standard error, unless quiet.
 */
void progress_summary(struct progress *p, const char *out,
		      uint64_t file_bytes, const struct ie_write_stats *st);

#endif /* INITEROFS_PROGRESS_H */
