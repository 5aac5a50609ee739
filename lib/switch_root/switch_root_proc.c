// SPDX-License-Identifier: GPL-2.0
/*
 * Which processes of the initrd the switch-root program ends before it
 * detaches the old root (docs/switch-root.md, "Processes left in the
 * initrd"): what /proc/PID/stat says, and the rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initerofs/switch_root.h"

/* include/linux/sched.h: "I am a kernel thread". */
#define PF_KTHREAD	0x00200000UL

int ie_sr_parse_stat(const char *line, struct ie_sr_proc *p)
{
	const char *open = strchr(line, '(');
	const char *close = strrchr(line, ')');
	const char *field;
	size_t len;
	int i;

	if (!open || !close || close < open || close[1] != ' ' || !close[2])
		return -1;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(p->comm))
		len = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, len);
	p->comm[len] = '\0';
	p->state = close[2];
	/* state ppid pgrp session tty_nr tpgid flags: flags is the 7th field from state. */
	field = close + 2;
	for (i = 0; i < 6; i++) {
		field = strchr(field, ' ');
		if (!field)
			return -1;
		field++;
	}
	{
		char *end;

		p->flags = strtoul(field, &end, 10);
		if (end == field || (*end != ' ' && *end != '\n' && *end != '\0'))
			return -1;
	}
	return 0;
}

bool ie_sr_proc_must_end(const struct ie_sr_proc *p, const char *argv0)
{
	if (p->flags & PF_KTHREAD)
		return false;
	if (p->state == 'Z' || p->state == 'X' || p->state == 'x')
		return false;
	return argv0[0] != '@';
}
