// SPDX-License-Identifier: GPL-2.0
/*
 * Ending the initrd's processes before the switch-root program detaches the
 * old root (leftovers.h; docs/switch-root.md, "Processes left in the
 * initrd"). A cpio initramfs hides such a process: its files are deleted
 * by run-init and only its own memory stays. On an initerofs root it pins
 * the overlay, the EROFS mount and every page of the image.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "initerofs/switch_root.h"
#include "leftovers.h"

/* How long each stage waits for the processes to go, in milliseconds. */
#define WAIT_EXITING_MS	1000	/* already told to stop by the initrd */
#define WAIT_TERM_MS	3000	/* after SIGTERM */
#define WAIT_KILL_MS	1000	/* after SIGKILL: only D state holds it up */
#define POLL_MS		10
#define PROC_SUPER_MAGIC	0x9fa0

/* What the scans work on. */
struct leftovers {
	const char *name;	/* argv[0], for messages */
	dev_t old_root_dev;
	int proc;		/* a directory of a proc filesystem */
};

/* Read up to @size - 1 bytes of @path (under @dirfd) into @buf, NUL-terminated; -1 if unreadable. */
static ssize_t read_small(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/*
 * The initrd's proc filesystem: at /proc, or already moved into the new
 * root (initramfs-tools and the busybox recipes move /proc before they
 * call run-init or switch_root). Return: a directory fd, or -1.
 */
static int open_proc(const char *newroot)
{
	char moved[4096];
	const char *where[] = { "/proc", moved };
	size_t i;

	snprintf(moved, sizeof(moved), "%s/proc", newroot);
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		struct statfs st;
		int fd = open(where[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (!fstatfs(fd, &st) && (unsigned long)st.f_type == PROC_SUPER_MAGIC)
			return fd;
		close(fd);
	}
	return -1;
}

/*
 * Whether process @pid must end before the switch: it runs from the old
 * root (its root directory is on the old root's device) and the rule of
 * ie_sr_proc_must_end() applies. Its name goes to @p.
 */
static bool must_end(const struct leftovers *lo, pid_t pid, struct ie_sr_proc *p)
{
	char path[64], stat_line[1024], argv0[256];
	struct stat root;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if (read_small(lo->proc, path, stat_line, sizeof(stat_line)) < 0 ||
	    ie_sr_parse_stat(stat_line, p))
		return false;
	snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	if (read_small(lo->proc, path, argv0, sizeof(argv0)) < 0)
		argv0[0] = '\0';
	if (!ie_sr_proc_must_end(p, argv0))
		return false;
	snprintf(path, sizeof(path), "%d/root", (int)pid);
	return !fstatat(lo->proc, path, &root, 0) && root.st_dev == lo->old_root_dev;
}

/*
 * Call @act (if any) on every process that must end; return how many there
 * are. @act gets the signal @sig to send.
 */
static unsigned int each_leftover(const struct leftovers *lo,
				  void (*act)(const char *, pid_t,
					      const struct ie_sr_proc *, int),
				  int sig)
{
	pid_t self = getpid();
	unsigned int n = 0;
	struct dirent *de;
	DIR *proc;
	int fd;

	/* A new open file each time: a dup() would share the offset at the end. */
	fd = openat(lo->proc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	proc = fdopendir(fd);
	if (!proc) {
		close(fd);
		return 0;
	}
	while ((de = readdir(proc))) {
		struct ie_sr_proc p;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == self || !must_end(lo, (pid_t)pid, &p))
			continue;
		n++;
		if (act)
			act(lo->name, (pid_t)pid, &p, sig);
	}
	closedir(proc);
	return n;
}

static void signal_one(const char *name, pid_t pid, const struct ie_sr_proc *p, int sig)
{
	fprintf(stderr, "%s: process %d (%s) still runs from the initrd and would keep "
		"it in memory: sending %s\n", name, (int)pid, p->comm,
		sig == SIGKILL ? "SIGKILL" : "SIGTERM");
	kill(pid, sig);
}

static void report_stuck(const char *name, pid_t pid, const struct ie_sr_proc *p,
			 int sig)
{
	(void)sig;
	fprintf(stderr, "%s: process %d (%s) did not end: the initrd stays in memory\n",
		name, (int)pid, p->comm);
}

/* Reap our exited children (as PID 1, the orphans of the initrd are ours). */
static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Wait up to @ms for the leftovers to go; return how many are left. */
static unsigned int wait_gone(const struct leftovers *lo, unsigned int ms)
{
	const struct timespec tick = { 0, POLL_MS * 1000000L };
	unsigned int waited = 0, left;

	for (;;) {
		reap();
		left = each_leftover(lo, NULL, 0);
		if (!left || waited >= ms)
			return left;
		nanosleep(&tick, NULL);
		waited += POLL_MS;
	}
}

void sr_end_leftovers(const char *name, const char *newroot, dev_t old_root_dev)
{
	struct leftovers lo = { name, old_root_dev, open_proc(newroot) };

	if (lo.proc < 0) {
		fprintf(stderr, "%s: no /proc: cannot end the initrd's processes\n", name);
		return;
	}
	if (!wait_gone(&lo, WAIT_EXITING_MS))
		goto out;
	each_leftover(&lo, signal_one, SIGTERM);
	if (!wait_gone(&lo, WAIT_TERM_MS))
		goto out;
	each_leftover(&lo, signal_one, SIGKILL);
	if (wait_gone(&lo, WAIT_KILL_MS))
		each_leftover(&lo, report_stuck, 0);
out:
	close(lo.proc);
}
