/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Temporary files that never outlive the command.
 *
 * Outputs are written under a temporary name next to their final one
 * (OUT.tmp-XXXXXX) and renamed only when complete, so OUT is either the old
 * file or the whole new one. On any error the temporary file is removed by
 * the normal unwinding; on a terminating signal (Ctrl-C, kill, a closed
 * terminal) a handler removes it, because nothing else would. Spool files
 * have no name at all, or lose it right after creation.
 */
#ifndef INITEROFS_TEMPFILE_H
#define INITEROFS_TEMPFILE_H

#include "error.h"

#include <stddef.h>

/* An output being written: @fd is open on @tmp_path until commit/abort. */
struct ie_output {
	const char *path;	/* the final name (the caller's string) */
	char *tmp_path;		/* PATH.tmp-XXXXXX, NULL when closed */
	int fd;
	int slot;		/* where the signal handler finds tmp_path */
};

/*
 * ie_output_open() - create PATH.tmp-XXXXXX (mode 0600 until commit) and
 * register it for removal on a terminating signal. @path must stay valid
 * until ie_output_commit() or ie_output_abort().
 * Return: 0, or a negative errno with a message in @err.
 */
int ie_output_open(struct ie_output *out, const char *path,
		   struct ie_error *err);

/*
 * ie_output_commit() - give the file the mode 0666 & ~umask, close it and
 * rename it over the final name. On failure the temporary file is removed.
 * Return: 0, or a negative errno with a message in @err.
 */
int ie_output_commit(struct ie_output *out, struct ie_error *err);

/* ie_output_abort() - close and remove the temporary file (if still open). */
void ie_output_abort(struct ie_output *out);

/*
 * ie_spool_open() - an unnamed read-write file in @dir for data that only
 * lives as long as the command (O_TMPFILE, or a name removed at once).
 * Return: the descriptor, or a negative errno with a message in @err.
 */
int ie_spool_open(const char *dir, struct ie_error *err);

/*
 * ie_tempfile_catch_signals() - on SIGHUP, SIGINT, SIGQUIT, SIGTERM and
 * SIGPIPE, remove every open output's temporary file, then die of the same
 * signal (the exit status still says "killed by signal N"). Signals the
 * command inherited as ignored (nohup) stay ignored. Call once, early in
 * main(); a library user that handles signals itself may skip it.
 */
void ie_tempfile_catch_signals(void);

#endif /* INITEROFS_TEMPFILE_H */
