// SPDX-License-Identifier: GPL-2.0
/*
 * Temporary files that never outlive the command: the output written under
 * a temporary name and renamed when complete, the unnamed spool, and the
 * signal handler that removes what the normal unwinding cannot reach.
 *
 * The handler may run in any thread (the writer compresses in workers) at
 * any moment, so it only reads a table of atomic pointers to names that
 * were fully formatted before they were published, calls unlink() on them,
 * and re-raises the signal with its default action. Nothing it touches is
 * ever freed while it may be reading it: a name is unpublished first, and
 * freed only if no handler has started (if one has, the process is about to
 * die and the few bytes are left to the kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initerofs/error.h"
#include "initerofs/tempfile.h"

/*
 * Outputs open at once whose names the handler can find. The commands open
 * one; an output beyond this still works, it is just not removed on a
 * signal.
 */
#define MAX_PENDING	16

_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2,
	       "the signal handler needs lock-free atomic pointers");

static _Atomic(char *) pending[MAX_PENDING];
static atomic_int handlers_running;

/* The signals whose default action ends the process without our say. */
static const int fatal_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static void fatal_signal_set(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < N_FATAL; i++)
		sigaddset(set, fatal_signals[i]);
}

/*
 * Hold the fatal signals in this thread across a window where a file has a
 * name nobody would remove; they are delivered when @old is restored.
 */
static void hold_fatal_signals(sigset_t *old)
{
	sigset_t set;

	fatal_signal_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

static void release_fatal_signals(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Publish @path to the handler; the slot, or -1 if the table is full. */
static int publish(char *path)
{
	int i;

	for (i = 0; i < MAX_PENDING; i++) {
		char *expected = NULL;

		if (atomic_compare_exchange_strong(&pending[i], &expected, path))
			return i;
	}
	return -1;
}

/* Unpublish and free the temporary name (see the top of the file). */
static void forget(struct ie_output *out)
{
	if (out->slot >= 0)
		atomic_store(&pending[out->slot], NULL);
	out->slot = -1;
	if (!atomic_load(&handlers_running))
		free(out->tmp_path);
	out->tmp_path = NULL;
}

static void remove_pending_and_die(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int i;

	atomic_fetch_add(&handlers_running, 1);
	for (i = 0; i < MAX_PENDING; i++) {
		char *path = atomic_load(&pending[i]);

		if (path)
			unlink(path);
	}
	/* Pending until this handler returns, then fatal: the status says so. */
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

void ie_tempfile_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = remove_pending_and_die };
	size_t i;

	/* One handler at a time: a second signal waits, then kills. */
	fatal_signal_set(&sa.sa_mask);
	for (i = 0; i < N_FATAL; i++) {
		struct sigaction old;

		if (sigaction(fatal_signals[i], NULL, &old) ||
		    old.sa_handler == SIG_IGN)
			continue;	/* nohup and the like meant it */
		sigaction(fatal_signals[i], &sa, NULL);
	}
}

int ie_output_open(struct ie_output *out, const char *path,
		   struct ie_error *err)
{
	sigset_t old;
	int ret = 0;

	out->path = path;
	out->fd = -1;
	out->slot = -1;
	if (asprintf(&out->tmp_path, "%s.tmp-XXXXXX", path) < 0) {
		out->tmp_path = NULL;
		return ie_fail(err, -ENOMEM, "out of memory");
	}
	hold_fatal_signals(&old);
	out->fd = mkostemp(out->tmp_path, O_CLOEXEC);
	if (out->fd < 0)
		ret = -errno;
	else
		out->slot = publish(out->tmp_path);
	release_fatal_signals(&old);
	if (ret) {
		ie_fail(err, ret, "cannot create a temporary file for %s: %s",
			path, strerror(-ret));
		free(out->tmp_path);
		out->tmp_path = NULL;
	}
	return ret;
}

int ie_output_commit(struct ie_output *out, struct ie_error *err)
{
	mode_t mask = umask(0);
	int fd = out->fd, ret = 0;

	umask(mask);
	out->fd = -1;
	if (fchmod(fd, 0666 & ~mask))
		ret = ie_fail(err, -errno, "cannot set the mode of %s: %s",
			      out->tmp_path, strerror(errno));
	if (close(fd) && !ret)
		ret = ie_fail(err, -errno, "cannot write %s: %s",
			      out->tmp_path, strerror(errno));
	if (!ret && rename(out->tmp_path, out->path))
		ret = ie_fail(err, -errno, "cannot rename %s to %s: %s",
			      out->tmp_path, out->path, strerror(errno));
	if (ret)
		unlink(out->tmp_path);
	forget(out);
	return ret;
}

void ie_output_abort(struct ie_output *out)
{
	if (!out->tmp_path)
		return;		/* never opened, or already committed */
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
	unlink(out->tmp_path);
	forget(out);
}

int ie_spool_open(const char *dir, struct ie_error *err)
{
	sigset_t old;
	char *path;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* No O_TMPFILE here: a named file that loses its name at once. */
	if (asprintf(&path, "%s/.initerofs-spool-XXXXXX", dir) < 0)
		return ie_fail(err, -ENOMEM, "out of memory");
	hold_fatal_signals(&old);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	else
		fd = -errno;
	release_fatal_signals(&old);
	free(path);
	if (fd < 0)
		ie_fail(err, fd, "cannot create a temporary file in %s: %s",
			dir, strerror(-fd));
	return fd;
}
