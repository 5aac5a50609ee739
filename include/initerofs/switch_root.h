/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The switch-root program that `initerofs convert` puts in place of the
 * stock root-switching tools of an initrd (docs/switch-root.md).
 *
 * Two halves share this header:
 *
 * - the command line of the tools it stands in for, parsed exactly as far
 *   as the program acts on it (lib/switch_root_cmdline.c; the program in
 *   programs/switch-root/ and the unit tests use it). Anything it does not
 *   understand is the stock tool's business: the program hands the whole
 *   command line over unchanged, so usage errors read as they always did;
 * - the image side (lib/switch_root_install.c): find the stock tools in a
 *   tree, keep each under IE_SR_STOCK_DIR and link the program in its place.
 */
#ifndef INITEROFS_SWITCH_ROOT_H
#define INITEROFS_SWITCH_ROOT_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree.h"

/* The program itself, inside the image. */
#define IE_SR_PROGRAM_PATH	"/usr/lib/initerofs/switch-root"
/* The stock tool once at PATH is kept at IE_SR_STOCK_DIR PATH. */
#define IE_SR_STOCK_DIR		"/usr/lib/initerofs/stock"
/* Sourced by initramfs-tools' /init (see ie_switch_root_install()). */
#define IE_SR_ITOOLS_CONF	"/conf/conf.d/zz-initerofs-switch-root"

/* Which command line the program was called with, from argv[0]'s name. */
enum ie_sr_tool {
	IE_SR_UNKNOWN = 0,
	IE_SR_RUN_INIT,		/* klibc or busybox run-init */
	IE_SR_SWITCH_ROOT,	/* busybox or util-linux switch_root */
};

struct ie_sr_cmdline {
	enum ie_sr_tool tool;
	const char *console;	/* -c DEV, or NULL */
	const char *drop_caps;	/* run-init -d CAP,CAP..., or NULL */
	bool dry_run;		/* run-init -n: check only */
	bool persist;		/* run-init -p (klibc): keep the old root */
	const char *newroot;
	char **init_argv;	/* init and its arguments, NULL-terminated */
};

/*
 * A process as /proc/PID/stat shows it, for deciding which processes of the
 * initrd must end before the switch (their root is the old root: while one
 * lives, the image stays in memory).
 */
struct ie_sr_proc {
	char comm[64];		/* the name between the parentheses, truncated */
	char state;		/* R, S, D, Z, ... */
	unsigned long flags;	/* the kernel's PF_* flags */
};

/**
 * ie_sr_parse_stat() - parse the contents @line of /proc/PID/stat into @p.
 *
 * The name may hold spaces and parentheses: it ends at the last ')'.
 * Return: 0, or -1 when @line is not in that format.
 */
int ie_sr_parse_stat(const char *line, struct ie_sr_proc *p);

/**
 * ie_sr_proc_must_end() - whether the switch must end process @p, whose
 * argv[0] is @argv0 (empty when the process has no command line), before
 * the old root can go.
 *
 * Not kernel threads, not zombies, and not processes whose argv[0] starts
 * with '@': the convention of systemd's switch-root for root storage
 * daemons (mdmon, plymouthd, iscsid) that must outlive the initrd.
 */
bool ie_sr_proc_must_end(const struct ie_sr_proc *p, const char *argv0);

/** ie_sr_tool_of() - the tool named by @argv0 (its last path component). */
enum ie_sr_tool ie_sr_tool_of(const char *argv0);

/**
 * ie_sr_parse() - parse the command line @argv (@argc entries, argv[argc]
 * NULL) of the tool its argv[0] names.
 *
 * run-init:    [-d CAPS] [-c CONSOLE] [-n] [-p] NEWROOT INIT [ARGS...]
 * switch_root: [-c CONSOLE] NEWROOT INIT [ARGS...]
 *
 * Options come first, as the tools take them (parsing stops at the first
 * operand or after "--"); short options may be grouped and an option's
 * argument attached ("-nc/dev/console").
 * Return: 0 with @cmd filled in (pointing into @argv); -1 when the command
 * line is not one the program acts on (unknown tool or option, missing
 * argument or operand, "--help"): the stock tool must have it.
 */
int ie_sr_parse(int argc, char **argv, struct ie_sr_cmdline *cmd);

/**
 * ie_sr_parse_caps() - the capability numbers of a comma-separated list
 * as run-init -d takes it: names with or without "CAP_" in any case
 * ("CAP_SYS_MODULE", "sys_module") or numbers, up to 63.
 * Return: 0 with *@mask set (bit N = capability N); -1 when an item is
 * empty or unknown, with @bad (if not NULL) pointing at it in @list.
 */
int ie_sr_parse_caps(const char *list, uint64_t *mask, const char **bad);

/** ie_sr_cap_name() - the lowercase name of capability @nr ("sys_module"), or NULL. */
const char *ie_sr_cap_name(unsigned int nr);

/* The implementation a stock tool was recognised as. */
enum ie_sr_impl {
	IE_SR_IMPL_NONE = 0,
	IE_SR_IMPL_BUSYBOX,
	IE_SR_IMPL_KLIBC,
	IE_SR_IMPL_UTIL_LINUX,
	IE_SR_IMPL_OURS,	/* the program already (left as it is) */
	IE_SR_IMPL_UNKNOWN,	/* not one of the above (left as it is) */
};

#define IE_SR_MAX_TOOLS	16

struct ie_sr_report {
	size_t nr_replaced;
	struct {
		char path[256];		/* where the stock tool was */
		enum ie_sr_impl impl;
	} replaced[IE_SR_MAX_TOOLS];
	size_t nr_left;		/* named run-init/switch_root, not replaced */
	char left[IE_SR_MAX_TOOLS][256];
	bool itools_conf;	/* IE_SR_ITOOLS_CONF written */
};

/** ie_sr_impl_name() - "busybox", "klibc", "util-linux", ... */
const char *ie_sr_impl_name(enum ie_sr_impl impl);

/**
 * ie_switch_root_install() - put the program in place of every stock
 * root-switching tool of @tree.
 * @prog, @prog_len: the program's bytes (copied into the tree)
 * @mtime:	mtime of the entries it adds
 *
 * Every entry named "run-init" or "switch_root" (a regular file, or a
 * symlink that resolves inside the tree to one) whose content is busybox,
 * klibc's or util-linux's is replaced by a hardlink to the program, which
 * is added at IE_SR_PROGRAM_PATH; the stock file stays reachable at
 * IE_SR_STOCK_DIR followed by the entry's path (a hardlink to the same
 * inode: nothing is copied). Other entries of those names are left alone
 * and listed. When run-init was replaced and the tree is initramfs-tools'
 * (/conf/conf.d and /scripts/functions), IE_SR_ITOOLS_CONF is added: an
 * alias that sends `run-init` to the program even in a busybox shell that
 * prefers its own applets (docs/switch-root.md).
 * Nothing changes when no tool is replaced.
 * Return: 0 with @rep filled in, or a negative errno with @err set (the tree may then be
 * partly changed).
 */
int ie_switch_root_install(struct ie_tree *tree, const void *prog,
			   size_t prog_len, int64_t mtime,
			   struct ie_sr_report *rep, struct ie_error *err);

#endif /* INITEROFS_SWITCH_ROOT_H */
