// SPDX-License-Identifier: GPL-2.0
/*
 * The switch-root program's command lines (what it acts on, what it leaves
 * to the stock tool), capability lists, and the tree side of convert:
 * which tools are replaced, where the stock ones are kept, what is left,
 * initramfs-tools' alias file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "initerofs/switch_root.h"

#define ARGC(a)	((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void test_tool_of(void **state)
{
	(void)state;
	assert_int_equal(ie_sr_tool_of("run-init"), IE_SR_RUN_INIT);
	assert_int_equal(ie_sr_tool_of("/usr/lib/klibc/bin/run-init"), IE_SR_RUN_INIT);
	assert_int_equal(ie_sr_tool_of("/sbin/switch_root"), IE_SR_SWITCH_ROOT);
	assert_int_equal(ie_sr_tool_of("switch-root"), IE_SR_UNKNOWN);
	assert_int_equal(ie_sr_tool_of("busybox"), IE_SR_UNKNOWN);
	assert_int_equal(ie_sr_tool_of(NULL), IE_SR_UNKNOWN);
}

/* initramfs-tools' two calls, as /init makes them. */
static void test_run_init(void **state)
{
	char *check[] = { "run-init", "-n", "/root", "/sbin/init", NULL };
	char *final[] = { "/sbin/run-init", "-d", "CAP_SYS_MODULE", "/root",
			  "/sbin/init", "splash", "--", NULL };
	struct ie_sr_cmdline c;

	(void)state;
	assert_int_equal(ie_sr_parse(ARGC(check), check, &c), 0);
	assert_int_equal(c.tool, IE_SR_RUN_INIT);
	assert_true(c.dry_run);
	assert_false(c.persist);
	assert_null(c.console);
	assert_string_equal(c.newroot, "/root");
	assert_string_equal(c.init_argv[0], "/sbin/init");
	assert_null(c.init_argv[1]);

	assert_int_equal(ie_sr_parse(ARGC(final), final, &c), 0);
	assert_false(c.dry_run);
	assert_string_equal(c.drop_caps, "CAP_SYS_MODULE");
	assert_string_equal(c.newroot, "/root");
	/* INIT's own arguments, "--" included, are passed on. */
	assert_string_equal(c.init_argv[1], "splash");
	assert_string_equal(c.init_argv[2], "--");
	assert_null(c.init_argv[3]);
}

static void test_grouped_and_attached(void **state)
{
	char *a[] = { "run-init", "-npc/dev/ttyS0", "/root", "/init", NULL };
	char *b[] = { "run-init", "-nc", "/dev/ttyS0", "--", "/root", "/init", NULL };
	char *d[] = { "switch_root", "-c", "/dev/console", "/newroot", "/sbin/init", "x", NULL };
	struct ie_sr_cmdline c;

	(void)state;
	assert_int_equal(ie_sr_parse(ARGC(a), a, &c), 0);
	assert_true(c.dry_run && c.persist);
	assert_string_equal(c.console, "/dev/ttyS0");
	assert_string_equal(c.newroot, "/root");
	assert_int_equal(ie_sr_parse(ARGC(b), b, &c), 0);
	assert_true(c.dry_run);
	assert_string_equal(c.console, "/dev/ttyS0");
	assert_string_equal(c.newroot, "/root");
	assert_int_equal(ie_sr_parse(ARGC(d), d, &c), 0);
	assert_int_equal(c.tool, IE_SR_SWITCH_ROOT);
	assert_string_equal(c.console, "/dev/console");
	assert_string_equal(c.init_argv[1], "x");
}

/* Options stop at the first operand: the rest is INIT's. */
static void test_options_stop_at_operand(void **state)
{
	char *a[] = { "switch_root", "/newroot", "/sbin/init", "-n", NULL };
	struct ie_sr_cmdline c;

	(void)state;
	assert_int_equal(ie_sr_parse(ARGC(a), a, &c), 0);
	assert_false(c.dry_run);
	assert_string_equal(c.init_argv[1], "-n");
}

/* Everything the program leaves to the stock tool (its usage errors, help). */
static void test_not_ours(void **state)
{
	char *unknown_tool[] = { "pivot_root", "/a", "/b", NULL };
	char *one_operand[] = { "switch_root", "/newroot", NULL };
	char *no_operand[] = { "run-init", "-n", NULL };
	char *empty_root[] = { "run-init", "", "/sbin/init", NULL };
	char *empty_init[] = { "switch_root", "/newroot", "", NULL };
	char *help[] = { "switch_root", "--help", NULL };
	char *util_linux_h[] = { "switch_root", "-h", NULL };
	char *n_for_switch_root[] = { "switch_root", "-n", "/newroot", "/sbin/init", NULL };
	char *d_for_switch_root[] = { "switch_root", "-d", "x", "/newroot", "/sbin/init", NULL };
	char *missing_arg[] = { "run-init", "/root", "/init", "-c", NULL };
	char *c_without_arg[] = { "run-init", "-c", NULL };
	char *colon[] = { "run-init", "-:", "/root", "/init", NULL };
	struct ie_sr_cmdline c;

	(void)state;
	assert_int_equal(ie_sr_parse(ARGC(unknown_tool), unknown_tool, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(one_operand), one_operand, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(no_operand), no_operand, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(empty_root), empty_root, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(empty_init), empty_init, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(help), help, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(util_linux_h), util_linux_h, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(n_for_switch_root), n_for_switch_root, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(d_for_switch_root), d_for_switch_root, &c), -1);
	/* "-c" after the operands belongs to INIT: fine. */
	assert_int_equal(ie_sr_parse(ARGC(missing_arg), missing_arg, &c), 0);
	assert_int_equal(ie_sr_parse(ARGC(c_without_arg), c_without_arg, &c), -1);
	assert_int_equal(ie_sr_parse(ARGC(colon), colon, &c), -1);
	assert_int_equal(ie_sr_parse(0, unknown_tool, &c), -1);
}

static void test_caps(void **state)
{
	uint64_t mask;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(ie_sr_parse_caps("CAP_SYS_MODULE", &mask, NULL), 0);
	assert_true(mask == 1ull << 16);
	assert_int_equal(ie_sr_parse_caps("sys_module,cap_net_raw,21", &mask, NULL), 0);
	assert_true(mask == ((1ull << 16) | (1ull << 13) | (1ull << 21)));
	assert_int_equal(ie_sr_parse_caps("Cap_Checkpoint_Restore", &mask, NULL), 0);
	assert_true(mask == 1ull << 40);
	assert_int_equal(ie_sr_parse_caps("sys_module,bogus", &mask, &bad), -1);
	assert_string_equal(bad, "bogus");
	assert_int_equal(ie_sr_parse_caps("sys_module,,net_raw", &mask, &bad), -1);
	assert_int_equal(ie_sr_parse_caps("", &mask, NULL), -1);
	assert_int_equal(ie_sr_parse_caps("64", &mask, NULL), -1);
	assert_int_equal(ie_sr_parse_caps("12x", &mask, NULL), -1);
	assert_string_equal(ie_sr_cap_name(16), "sys_module");
	assert_null(ie_sr_cap_name(200));
}

/* ---- the tree side ---------------------------------------------------------- */

static struct ie_inode *file_with(struct ie_inode *dir, const char *name,
				  const char *content)
{
	struct ie_inode *f = ie_inode_new(S_IFREG | 0755);

	assert_non_null(f);
	f->data.kind = IE_DATA_MEMORY;
	f->data.buf = strdup(content);
	f->size = strlen(content);
	assert_int_equal(ie_dir_link(dir, name, f), 0);
	return f;
}

static struct ie_inode *mkdir_p(struct ie_tree *t, const char *path)
{
	struct ie_inode *d = ie_tree_mkdir_p(t, path, 0);

	assert_non_null(d);
	return d;
}

static void symlink_to(struct ie_inode *dir, const char *name, const char *target)
{
	struct ie_inode *l = ie_inode_new(S_IFLNK | 0777);

	assert_non_null(l);
	l->symlink = strdup(target);
	l->size = strlen(target);
	assert_int_equal(ie_dir_link(dir, name, l), 0);
}

static const char prog[] = "\177ELF ... initerofs-switch-root ...";

static char *content_of(struct ie_tree *t, const char *path)
{
	struct ie_inode *i = ie_tree_lookup(t, path);

	return i && S_ISREG(i->mode) && i->data.kind == IE_DATA_MEMORY ? i->data.buf : NULL;
}

/* A Debian initramfs-tools-like tree: busybox links, klibc tools, conf.d. */
static void test_install_initramfs_tools(void **state)
{
	struct ie_tree *t = ie_tree_new();
	struct ie_inode *bin, *sbin, *busybox, *prog_inode;
	struct ie_sr_report rep;
	struct ie_error err;
	char *conf;

	(void)state;
	bin = mkdir_p(t, "/usr/bin");
	sbin = mkdir_p(t, "/usr/sbin");
	symlink_to(t->root, "sbin", "usr/sbin");
	symlink_to(t->root, "bin", "usr/bin");
	busybox = file_with(bin, "busybox", "xx BusyBox v1.35.0 xx");
	assert_int_equal(ie_dir_link(sbin, "run-init", busybox), 0);
	assert_int_equal(ie_dir_link(sbin, "switch_root", busybox), 0);
	file_with(mkdir_p(t, "/usr/lib/klibc/bin"), "run-init", "ELF /lib/klibc-XYZ.so");
	file_with(mkdir_p(t, "/opt"), "switch_root", "#!/bin/sh\necho mine\n");
	mkdir_p(t, "/conf/conf.d");
	file_with(mkdir_p(t, "/scripts"), "functions", "panic() { :; }\n");
	assert_int_equal(busybox->nlink, 3);

	assert_int_equal(ie_switch_root_install(t, prog, sizeof(prog), 0, &rep, &err), 0);
	assert_int_equal(rep.nr_replaced, 3);
	assert_int_equal(rep.nr_left, 1);
	assert_string_equal(rep.left[0], "/opt/switch_root");
	assert_true(rep.itools_conf);

	prog_inode = ie_tree_lookup(t, IE_SR_PROGRAM_PATH);
	assert_non_null(prog_inode);
	assert_int_equal(prog_inode->mode, S_IFREG | 0755);
	assert_int_equal(prog_inode->size, sizeof(prog));
	assert_memory_equal(prog_inode->data.buf, prog, sizeof(prog));
	assert_int_equal(prog_inode->nlink, 4);	/* itself + three tools */
	assert_ptr_equal(ie_tree_lookup(t, "/usr/sbin/run-init"), prog_inode);
	assert_ptr_equal(ie_tree_lookup(t, "/usr/sbin/switch_root"), prog_inode);
	assert_ptr_equal(ie_tree_lookup(t, "/usr/lib/klibc/bin/run-init"), prog_inode);
	/* The stock tools: the same inodes, relinked. */
	assert_ptr_equal(ie_tree_lookup(t, IE_SR_STOCK_DIR "/usr/sbin/run-init"), busybox);
	assert_ptr_equal(ie_tree_lookup(t, IE_SR_STOCK_DIR "/usr/sbin/switch_root"), busybox);
	assert_int_equal(busybox->nlink, 3);
	assert_string_equal(content_of(t, IE_SR_STOCK_DIR "/usr/lib/klibc/bin/run-init"),
			    "ELF /lib/klibc-XYZ.so");
	assert_string_equal(content_of(t, "/opt/switch_root"), "#!/bin/sh\necho mine\n");
	for (size_t i = 0; i < rep.nr_replaced; i++)
		if (!strcmp(rep.replaced[i].path, "/usr/lib/klibc/bin/run-init"))
			assert_int_equal(rep.replaced[i].impl, IE_SR_IMPL_KLIBC);
		else
			assert_int_equal(rep.replaced[i].impl, IE_SR_IMPL_BUSYBOX);

	/* The alias names the first replaced run-init in initramfs-tools' PATH. */
	conf = content_of(t, IE_SR_ITOOLS_CONF);
	assert_non_null(conf);
	assert_non_null(strstr(conf, "alias run-init=/sbin/run-init\n"));

	/* Converting again changes nothing: the program is recognised. */
	assert_int_equal(ie_switch_root_install(t, prog, sizeof(prog), 0, &rep, &err), 0);
	assert_int_equal(rep.nr_replaced, 0);
	assert_int_equal(prog_inode->nlink, 4);
	ie_tree_free(t);
}

/* A busybox initrd with applet symlinks; util-linux's switch_root elsewhere. */
static void test_install_symlinks(void **state)
{
	struct ie_tree *t = ie_tree_new();
	struct ie_inode *busybox, *ul, *prog_inode;
	struct ie_sr_report rep;
	struct ie_error err;

	(void)state;
	busybox = file_with(mkdir_p(t, "/bin"), "busybox", "BusyBox v1.36");
	symlink_to(mkdir_p(t, "/sbin"), "switch_root", "../bin/busybox");
	ul = file_with(mkdir_p(t, "/usr/lib/util-linux"), "switch_root", "util-linux 2.38.1");
	symlink_to(mkdir_p(t, "/usr/sbin"), "switch_root", "/nonexistent");

	assert_int_equal(ie_switch_root_install(t, prog, sizeof(prog), 7, &rep, &err), 0);
	assert_int_equal(rep.nr_replaced, 2);
	assert_false(rep.itools_conf);	/* no run-init, no conf.d */
	assert_int_equal(rep.nr_left, 1);
	assert_string_equal(rep.left[0], "/usr/sbin/switch_root");
	prog_inode = ie_tree_lookup(t, IE_SR_PROGRAM_PATH);
	assert_non_null(prog_inode);
	assert_int_equal(prog_inode->mtime, 7);
	assert_ptr_equal(ie_tree_lookup(t, "/sbin/switch_root"), prog_inode);
	assert_ptr_equal(ie_tree_lookup(t, IE_SR_STOCK_DIR "/sbin/switch_root"), busybox);
	assert_ptr_equal(ie_tree_lookup(t, IE_SR_STOCK_DIR "/usr/lib/util-linux/switch_root"), ul);
	assert_int_equal(busybox->nlink, 2);
	ie_tree_free(t);
}

/* Nothing to replace: the tree stays as it was. */
static void test_install_nothing(void **state)
{
	struct ie_tree *t = ie_tree_new();
	struct ie_sr_report rep;
	struct ie_error err;

	(void)state;
	file_with(mkdir_p(t, "/bin"), "sh", "BusyBox v1.36");
	assert_int_equal(ie_switch_root_install(t, prog, sizeof(prog), 0, &rep, &err), 0);
	assert_int_equal(rep.nr_replaced, 0);
	assert_int_equal(rep.nr_left, 0);
	assert_null(ie_tree_lookup(t, "/usr"));
	assert_int_equal(t->root->nr_children, 1);
	ie_tree_free(t);
}

/* /proc/PID/stat: a name with spaces and parentheses ends at the last ')'. */
static void test_parse_stat(void **state)
{
	struct ie_sr_proc p;

	(void)state;
	assert_int_equal(ie_sr_parse_stat("412 (systemd-udevd) S 1 412 412 0 -1 4194624 1510 "
					  "0 0 0 1 2 0 0 20 0 1 0 210\n", &p), 0);
	assert_string_equal(p.comm, "systemd-udevd");
	assert_int_equal(p.state, 'S');
	assert_int_equal(p.flags, 4194624);
	assert_int_equal(ie_sr_parse_stat("9 (a) b) (c) R 2 0 0 0 -1 2129984 0 0", &p), 0);
	assert_string_equal(p.comm, "a) b) (c");
	assert_int_equal(p.state, 'R');
	assert_int_equal(p.flags, 2129984);
	assert_int_equal(ie_sr_parse_stat("", &p), -1);
	assert_int_equal(ie_sr_parse_stat("7 (x)", &p), -1);
	assert_int_equal(ie_sr_parse_stat("7 (x) S 1 2", &p), -1);
	assert_int_equal(ie_sr_parse_stat("7 (x) S 1 2 3 4 5 flags 8", &p), -1);
}

/* Kernel threads, zombies and '@' daemons stay; every other process ends. */
static void test_must_end(void **state)
{
	struct ie_sr_proc udevd = { "systemd-udevd", 'S', 0x400040 };
	struct ie_sr_proc kthread = { "kworker/0:1", 'I', 0x04208060 };
	struct ie_sr_proc zombie = { "sh", 'Z', 0x400044 };
	struct ie_sr_proc stuck = { "mount", 'D', 0x400100 };

	(void)state;
	assert_true(ie_sr_proc_must_end(&udevd, "/lib/systemd/systemd-udevd"));
	assert_true(ie_sr_proc_must_end(&udevd, ""));
	assert_true(ie_sr_proc_must_end(&stuck, "mount"));
	assert_false(ie_sr_proc_must_end(&udevd, "@mdmon"));
	assert_false(ie_sr_proc_must_end(&kthread, ""));
	assert_false(ie_sr_proc_must_end(&zombie, "sh"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tool_of),
		cmocka_unit_test(test_run_init),
		cmocka_unit_test(test_grouped_and_attached),
		cmocka_unit_test(test_options_stop_at_operand),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_must_end),
		cmocka_unit_test(test_install_initramfs_tools),
		cmocka_unit_test(test_install_symlinks),
		cmocka_unit_test(test_install_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
