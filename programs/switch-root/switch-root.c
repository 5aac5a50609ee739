// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs-switch-root: stands in for run-init and switch_root inside an
 * initrd (`initerofs convert` links it in their place and keeps each stock
 * tool under /usr/lib/initerofs/stock/; docs/switch-root.md).
 *
 * When / is not an overlay (a cpio initramfs: ramfs or tmpfs, or anything
 * else) the stock tool runs with the same arguments: nothing changes.
 *
 * When / is an overlay (the EROFS root of an initerofs boot, mounted over
 * the initial rootfs), the stock tools fail (klibc, busybox: "not
 * ramfs/tmpfs") or switch but keep the image pinned (util-linux: MS_MOVE
 * and chroot). This program instead checks NEWROOT and INIT as the stock
 * tools do, moves /dev, /proc, /sys and /run into the new root, makes it
 * the root with pivot_root(2), detaches the old root (whose memory the
 * kernel then gives back) once the initrd's processes have ended
 * (leftovers.h), reopens the console, drops capabilities (run-init
 * -d) and executes INIT. Nothing is deleted: the overlay goes as a whole.
 *
 * A command line it does not understand, or a NEWROOT the stock tool would
 * refuse, goes to the stock tool unchanged, so those errors read as before;
 * a missing INIT is reported here (the stock tool would only complain about
 * the root filesystem). Every failure exits 1, like the stock tools, so an
 * initrd's own emergency path (or the kernel's panic for PID 1) follows.
 *
 * Built static (no libraries in the image to depend on), C11.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "initerofs/switch_root.h"
#include "leftovers.h"

#define OVERLAYFS_MAGIC	0x794c7630
#define PROGRAM		"initerofs-switch-root"

/* What run-time state the switch works on, passed down explicitly. */
struct sr {
	char **argv;		/* the whole command line, for the stock tool */
	const char *name;	/* argv[0] as invoked, for messages */
	struct ie_sr_cmdline cmd;
	char stock[4096];	/* the stock tool for this invocation */
	dev_t old_root_dev;
	bool fd_on_old_root[3];
};

/* Execute the stock tool with the unchanged command line; only returns on failure. */
static int run_stock(struct sr *sr)
{
	if (!sr->stock[0]) {
		fprintf(stderr, "%s: " PROGRAM ": no stock tool known for this command\n",
			sr->name);
		return 1;
	}
	execv(sr->stock, sr->argv);
	fprintf(stderr, "%s: " PROGRAM ": cannot execute the stock tool %s: %s\n",
		sr->name, sr->stock, strerror(errno));
	return 1;
}

/*
 * The stock tool of this invocation: IE_SR_STOCK_DIR followed by the real
 * path of the file the kernel executed (AT_EXECFN, as the caller spelled it;
 * symlinked directories such as /sbin -> usr/sbin resolved). Must run
 * before any chdir().
 */
static void find_stock(struct sr *sr)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	char real[4096];

	sr->stock[0] = '\0';
	if (!execfn || !realpath(execfn, real))
		return;
	if ((size_t)snprintf(sr->stock, sizeof(sr->stock), "%s%s", IE_SR_STOCK_DIR,
			     real) >= sizeof(sr->stock))
		sr->stock[0] = '\0';
}

static bool root_is_overlay(void)
{
	struct statfs st;

	return !statfs("/", &st) && (unsigned long)st.f_type == OVERLAYFS_MAGIC;
}

/* Whether @path is the root of a mount (statx knows; else: another device than its parent). */
static bool is_mount_root(int dirfd, const char *path)
{
	struct statx sx, parent;

	if (statx(dirfd, path, AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) ||
	    !S_ISDIR(sx.stx_mode))
		return false;
	if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return sx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	{
		char up[4096];

		if ((size_t)snprintf(up, sizeof(up), "%s/..", path) >= sizeof(up) ||
		    statx(dirfd, up, AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &parent))
			return false;
		return sx.stx_dev_major != parent.stx_dev_major ||
		       sx.stx_dev_minor != parent.stx_dev_minor;
	}
}

/*
 * NEWROOT as pivot_root(2) needs it: a directory that is the root of a
 * mount, not the current root. Anything else is for the stock tool to
 * report.
 */
static bool newroot_usable(const struct sr *sr)
{
	struct stat root, nr;

	if (stat("/", &root) || stat(sr->cmd.newroot, &nr) || !S_ISDIR(nr.st_mode))
		return false;
	if (nr.st_dev == root.st_dev && nr.st_ino == root.st_ino)
		return false;
	return is_mount_root(AT_FDCWD, sr->cmd.newroot);
}

/*
 * INIT must be an executable regular file of the new root, resolved inside
 * it (Debian's /sbin/init is an absolute symlink into /lib/systemd).
 * Return: 0, or an errno value.
 */
static int check_init(const struct sr *sr)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int dirfd, fd, err = 0;

	dirfd = open(sr->cmd.newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno;
	fd = (int)syscall(SYS_openat2, dirfd, sr->cmd.init_argv[0], &how, sizeof(how));
	if (fd < 0)
		err = errno;
	else if (fstat(fd, &st))
		err = errno;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		err = EACCES;
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return err;
}

/* Which of standard input, output and error are files of the old root. */
static void note_stdio(struct sr *sr)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		struct stat st;

		sr->fd_on_old_root[fd] = !fstat(fd, &st) && st.st_dev == sr->old_root_dev;
	}
}

/*
 * Move the API filesystems the old root still has mounted to the same
 * place in the new root, as util-linux switch_root does; ones that cannot
 * go (no such directory there, or something already mounted on it) are
 * detached with the old root.
 */
static void move_api_mounts(const struct sr *sr)
{
	static const char *const api[] = { "/dev", "/proc", "/sys", "/run" };
	size_t i;

	for (i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		char target[4096];
		struct stat st;

		if (!is_mount_root(AT_FDCWD, api[i]))
			continue;
		if ((size_t)snprintf(target, sizeof(target), "%s%s", sr->cmd.newroot,
				     api[i]) >= sizeof(target) ||
		    stat(target, &st) || !S_ISDIR(st.st_mode) ||
		    is_mount_root(AT_FDCWD, target))
			continue;
		if (mount(api[i], target, NULL, MS_MOVE, NULL))
			fprintf(stderr, "%s: cannot move %s to %s: %s\n", sr->name,
				api[i], target, strerror(errno));
	}
}

/* Write @mask cleared from the bits of a usermodehelper mask file, when it exists. */
static int drop_usermodehelper(const char *file, uint64_t mask)
{
	unsigned int lo, hi;
	char buf[64];
	FILE *f = fopen(file, "r+");
	int ok;

	if (!f)
		return errno == ENOENT ? 0 : -1;
	ok = fscanf(f, "%u %u", &lo, &hi) == 2;
	if (ok) {
		lo &= ~(unsigned int)mask;
		hi &= ~(unsigned int)(mask >> 32);
		snprintf(buf, sizeof(buf), "%u %u", lo, hi);
		ok = !fseek(f, 0, SEEK_SET) && fputs(buf, f) >= 0;
	}
	if (fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/*
 * run-init -d: take the capabilities out of the bounding set, the
 * inheritable set and what usermode helpers get, as klibc and busybox do,
 * so that neither init nor anything the kernel starts can regain them.
 */
static int drop_capabilities(const struct sr *sr, uint64_t mask)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	unsigned int nr;

	if (drop_usermodehelper("/proc/sys/kernel/usermodehelper/bset", mask) ||
	    drop_usermodehelper("/proc/sys/kernel/usermodehelper/inheritable", mask)) {
		fprintf(stderr, "%s: cannot restrict usermode helpers: %s\n", sr->name,
			strerror(errno));
		return -1;
	}
	for (nr = 0; nr < 64; nr++) {
		if (!(mask & (1ull << nr)))
			continue;
		if (prctl(PR_CAPBSET_READ, nr, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, nr, 0, 0, 0)) {
			fprintf(stderr, "%s: cannot drop capability %u from the bounding set: %s\n",
				sr->name, nr, strerror(errno));
			return -1;
		}
	}
	if (syscall(SYS_capget, &hdr, data)) {
		fprintf(stderr, "%s: capget: %s\n", sr->name, strerror(errno));
		return -1;
	}
	data[0].inheritable &= ~(uint32_t)mask;
	data[1].inheritable &= ~(uint32_t)(mask >> 32);
	if (syscall(SYS_capset, &hdr, data)) {
		fprintf(stderr, "%s: capset: %s\n", sr->name, strerror(errno));
		return -1;
	}
	for (nr = 0; nr < 64; nr++)
		if (mask & (1ull << nr))
			fprintf(stderr, "%s: dropped capability: %s\n", sr->name,
				ie_sr_cap_name(nr) ? ie_sr_cap_name(nr) : "?");
	return 0;
}

/*
 * Standard input, output and error: onto CONSOLE when asked (-c); else
 * the ones that were files of the old root (a console node of the image)
 * onto the new root's /dev/console, as they would keep the old root alive.
 */
static void reopen_console(const struct sr *sr)
{
	const char *console = sr->cmd.console ? sr->cmd.console : "/dev/console";
	int fd, i;

	if (!sr->cmd.console && !sr->fd_on_old_root[0] && !sr->fd_on_old_root[1] &&
	    !sr->fd_on_old_root[2])
		return;
	fd = open(console, O_RDWR | O_NOCTTY);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open %s: %s\n", sr->name, console,
			strerror(errno));
		return;
	}
	for (i = 0; i < 3; i++)
		if (sr->cmd.console || sr->fd_on_old_root[i])
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* pivot_root(2) into NEWROOT and let go of the old root. */
static int pivot(const struct sr *sr)
{
	/* A shared root would make pivot_root and MS_MOVE fail (EINVAL). */
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	move_api_mounts(sr);
	if (chdir(sr->cmd.newroot)) {
		fprintf(stderr, "%s: cannot change directory to %s: %s\n", sr->name,
			sr->cmd.newroot, strerror(errno));
		return -1;
	}
	/* Old root stacked on top of the new one, at ".": then detached. */
	if (syscall(SYS_pivot_root, ".", ".")) {
		fprintf(stderr, "%s: pivot_root %s: %s\n", sr->name, sr->cmd.newroot,
			strerror(errno));
		return -1;
	}
	if (!sr->cmd.persist && umount2(".", MNT_DETACH))
		fprintf(stderr, "%s: cannot detach the old root: %s\n", sr->name,
			strerror(errno));
	if (chroot(".") || chdir("/")) {
		fprintf(stderr, "%s: cannot enter the new root: %s\n", sr->name,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int switch_root(struct sr *sr)
{
	const char *init = sr->cmd.init_argv[0];
	uint64_t caps = 0;
	const char *bad;
	struct stat root;
	int err;

	if (!newroot_usable(sr))
		return run_stock(sr);
	err = check_init(sr);
	if (err) {
		fprintf(stderr, "%s: %s%s: %s\n", sr->name, sr->cmd.newroot, init,
			strerror(err));
		return 1;
	}
	if (sr->cmd.drop_caps && ie_sr_parse_caps(sr->cmd.drop_caps, &caps, &bad)) {
		fprintf(stderr, "%s: unknown capability in '%s'\n", sr->name, bad);
		return 1;
	}
	if (sr->cmd.dry_run)
		return 0;
	if (stat("/", &root)) {
		fprintf(stderr, "%s: stat /: %s\n", sr->name, strerror(errno));
		return 1;
	}
	sr->old_root_dev = root.st_dev;
	if (!sr->cmd.persist)
		sr_end_leftovers(sr->name, sr->cmd.newroot, sr->old_root_dev);
	note_stdio(sr);
	if (pivot(sr))
		return 1;
	if (caps && drop_capabilities(sr, caps))
		return 1;
	reopen_console(sr);
	execv(init, sr->cmd.init_argv);
	fprintf(stderr, "%s: can't execute '%s': %s\n", sr->name, init, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sr sr;

	memset(&sr, 0, sizeof(sr));
	sr.argv = argv;
	sr.name = argc > 0 && argv[0] ? argv[0] : PROGRAM;
	find_stock(&sr);
	if (!root_is_overlay() || ie_sr_parse(argc, argv, &sr.cmd))
		return run_stock(&sr);
	return switch_root(&sr);
}
