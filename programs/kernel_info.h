/* SPDX-License-Identifier: GPL-2.0 */
/*
 * initerofs info --kernel [VERSION]: can this kernel boot an EROFS initrd?
 */
#ifndef INITEROFS_KERNEL_INFO_H
#define INITEROFS_KERNEL_INFO_H

#include <stdbool.h>

/* True when @argv (a command's arguments) asks for --kernel. */
bool info_wants_kernel(int argc, char **argv);

/**
 * info_kernel() - `initerofs info --kernel [-z ALG] [--config FILE] [VERSION]`.
 * Reads VERSION's configuration (/proc/config.gz for the running kernel,
 * /boot/config-VERSION, /lib/modules/VERSION/config, or FILE) and, for the
 * running kernel, its "initerofs:" log lines and /proc/kallsyms; prints
 * what it found and a last line starting "yes:" or "no:".
 * Return: 0 when VERSION can boot an EROFS initrd (compressed with ALG, if
 * given), 1 when it cannot or nothing tells, 2 on a usage error.
 */
int info_kernel(int argc, char **argv);

#endif /* INITEROFS_KERNEL_INFO_H */
