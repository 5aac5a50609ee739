// SPDX-License-Identifier: GPL-2.0
/*
 * The command lines of klibc's and busybox's run-init and of busybox's and
 * util-linux's switch_root, as far as the switch-root program acts on them
 * (include/initerofs/switch_root.h). Built into the library for the unit
 * tests and into the static program; no global state (no getopt()), so
 * both can call it any number of times.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "initerofs/switch_root.h"

/* Capability names by number, as <linux/capability.h> numbers them. */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"kill", "setgid", "setuid", "setpcap", "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot",
	"sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
	"audit_write", "audit_control", "setfcap", "mac_override",
	"mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
	"perfmon", "bpf", "checkpoint_restore",
};

#define NR_CAP_NAMES	(sizeof(cap_names) / sizeof(cap_names[0]))

enum ie_sr_tool ie_sr_tool_of(const char *argv0)
{
	const char *base;

	if (!argv0)
		return IE_SR_UNKNOWN;
	base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	if (!strcmp(base, "run-init"))
		return IE_SR_RUN_INIT;
	if (!strcmp(base, "switch_root"))
		return IE_SR_SWITCH_ROOT;
	return IE_SR_UNKNOWN;
}

/* Options of each tool; a letter followed by ':' takes an argument. */
static const char *options_of(enum ie_sr_tool tool)
{
	return tool == IE_SR_RUN_INIT ? "c:d:np" : "c:";
}

/* Record option @opt (with @arg when it takes one) in @cmd. */
static void set_option(struct ie_sr_cmdline *cmd, char opt, const char *arg)
{
	switch (opt) {
	case 'c':
		cmd->console = arg;
		break;
	case 'd':
		cmd->drop_caps = arg;
		break;
	case 'n':
		cmd->dry_run = true;
		break;
	case 'p':
		cmd->persist = true;
		break;
	}
}

/*
 * One argument of grouped short options, "-nc" or "-c/dev/x"; an option
 * that takes an argument and ends the group takes the next argument.
 * Return: how many extra arguments were used (0 or 1), or -1.
 */
static int parse_group(struct ie_sr_cmdline *cmd, const char *opts,
		       const char *group, const char *next)
{
	const char *p;

	for (p = group + 1; *p; p++) {
		const char *spec = strchr(opts, *p);

		if (*p == ':' || !spec)
			return -1;
		if (spec[1] != ':') {
			set_option(cmd, *p, NULL);
			continue;
		}
		if (p[1]) {
			set_option(cmd, *p, p + 1);
			return 0;
		}
		if (!next)
			return -1;
		set_option(cmd, *p, next);
		return 1;
	}
	return 0;
}

int ie_sr_parse(int argc, char **argv, struct ie_sr_cmdline *cmd)
{
	const char *opts;
	int i = 1;

	memset(cmd, 0, sizeof(*cmd));
	if (argc < 1 || !argv[0])
		return -1;
	cmd->tool = ie_sr_tool_of(argv[0]);
	if (cmd->tool == IE_SR_UNKNOWN)
		return -1;
	opts = options_of(cmd->tool);
	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		int used;

		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (argv[i][1] == '-')	/* long options: --help, --version */
			return -1;
		used = parse_group(cmd, opts, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
		if (used < 0)
			return -1;
		i += 1 + used;
	}
	if (argc - i < 2 || !argv[i][0] || !argv[i + 1][0])
		return -1;
	cmd->newroot = argv[i];
	cmd->init_argv = argv + i + 1;
	return 0;
}

/* Capability @item (@len bytes): a name or a number; -1 when unknown. */
static int cap_number(const char *item, size_t len)
{
	size_t i;
	char *end;
	unsigned long n;
	char buf[32];

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, item, len);
	buf[len] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		n = strtoul(buf, &end, 10);
		return *end || n > 63 ? -1 : (int)n;
	}
	item = strncasecmp(buf, "cap_", 4) ? buf : buf + 4;
	for (i = 0; i < NR_CAP_NAMES; i++)
		if (!strcasecmp(item, cap_names[i]))
			return (int)i;
	return -1;
}

int ie_sr_parse_caps(const char *list, uint64_t *mask, const char **bad)
{
	const char *p = list;

	*mask = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		int nr = cap_number(p, len);

		if (nr < 0) {
			if (bad)
				*bad = p;
			return -1;
		}
		*mask |= 1ull << nr;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

const char *ie_sr_cap_name(unsigned int nr)
{
	return nr < NR_CAP_NAMES ? cap_names[nr] : NULL;
}
