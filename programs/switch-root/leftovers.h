/* SPDX-License-Identifier: GPL-2.0 */
#ifndef INITEROFS_SWITCH_ROOT_LEFTOVERS_H
#define INITEROFS_SWITCH_ROOT_LEFTOVERS_H

#include <sys/types.h>

/**
 * sr_end_leftovers() - end the processes still running from the old root.
 * @name: argv[0] of the switch-root program, for messages
 * @newroot: the new root, where the initrd may have moved /proc already
 * @old_root_dev: the device number of the old root (the initrd's overlay)
 *
 * A process whose root is the old root keeps the overlay, and with it the
 * whole image, in memory for as long as it lives. Processes an initrd
 * asked to stop (initramfs-tools' `udevadm control --exit` returns before
 * udevd is gone) get a moment to finish; what is left then gets SIGTERM,
 * and SIGKILL after a grace period, each named on standard error.
 * Processes marked to outlive the initrd (argv[0] starting with '@', as
 * systemd's switch-root honours) and kernel threads are left alone.
 * Zombies among our children (we are PID 1) are reaped on the way.
 * Never fails: what cannot be ended is reported and the switch goes on.
 */
void sr_end_leftovers(const char *name, const char *newroot, dev_t old_root_dev);

#endif
