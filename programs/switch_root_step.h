/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The switch-root step `convert` (by default) and `build --switch-root`
 * share: put the static switch-root program in place of a tree's stock
 * run-init and switch_root (docs/switch-root.md) and say so in one line.
 */
#ifndef INITEROFS_SWITCH_ROOT_STEP_H
#define INITEROFS_SWITCH_ROOT_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "initerofs/tree.h"

/* The static switch-root program's bytes (programs/switch-root/blob.S). */
extern const unsigned char ie_switch_root_prog[];
extern const unsigned char ie_switch_root_prog_end[];

/**
 * switch_root_step() - replace @tree's root-switching tools, then print
 * one line on standard error, "@cmd: switch root: ...", saying what was
 * replaced or that nothing was (unless @quiet: -q promises silence, errors
 * aside).
 * @mtime:	mtime of the entries added
 * @source:	the input's name, for an error message
 * @quiet:	print nothing on success
 * Return: 0, or 1 after a message.
 */
int switch_root_step(const char *cmd, struct ie_tree *tree, int64_t mtime,
		     const char *source, bool quiet);

#endif /* INITEROFS_SWITCH_ROOT_STEP_H */
