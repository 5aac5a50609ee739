// SPDX-License-Identifier: GPL-2.0
/* The switch-root step of convert and build (switch_root_step.h). */
#include <stdio.h>

#include "initerofs/error.h"
#include "initerofs/switch_root.h"
#include "switch_root_step.h"

static void print_report(const char *cmd, const struct ie_sr_report *rep)
{
	size_t i;

	fprintf(stderr, "%s: switch root: ", cmd);
	if (!rep->nr_replaced)
		fputs("no run-init or switch_root of busybox, klibc or util-linux found; image unchanged", stderr);
	for (i = 0; i < rep->nr_replaced; i++)
		fprintf(stderr, "%s%s (%s)", i ? ", " : "replaced ",
			rep->replaced[i].path, ie_sr_impl_name(rep->replaced[i].impl));
	if (rep->nr_replaced)
		fputs(" by " IE_SR_PROGRAM_PATH "; originals in " IE_SR_STOCK_DIR, stderr);
	if (rep->itools_conf)
		fputs("; run-init alias in " IE_SR_ITOOLS_CONF, stderr);
	for (i = 0; i < rep->nr_left; i++)
		fprintf(stderr, "%s%s", i ? ", " : "; left as they are: ", rep->left[i]);
	fputc('\n', stderr);
}

int switch_root_step(const char *cmd, struct ie_tree *tree, int64_t mtime,
		     const char *source, bool quiet)
{
	struct ie_sr_report rep;
	struct ie_error err;

	if (ie_switch_root_install(tree, ie_switch_root_prog,
				   (size_t)(ie_switch_root_prog_end - ie_switch_root_prog),
				   mtime, &rep, &err) < 0) {
		fprintf(stderr, "%s: %s: switch root: %s\n", cmd, source, err.msg);
		return 1;
	}
	if (!quiet)
		print_report(cmd, &rep);
	return 0;
}
