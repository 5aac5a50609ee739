#!/bin/bash
# Issue 5: from the early root to a real root, with the tools distributions
# use. The initrd is the test rootfs with util-linux's and klibc's switching
# tools; the real root an ext4 image on a virtio disk (harness/mkrealroot),
# whose /sbin/init reports what it sees. Each tool runs as its users run it
# (guest/switch-root.sh), first from an EROFS initrd, then from a plain cpio
# initramfs as the control.
#
# What the admin guide promises for an initerofs root (an overlay):
# - pivot_root + umount -l by hand works and releases the early root;
# - util-linux switch_root works (MS_MOVE + chroot), warns that the old root
#   is not an initramfs and leaves it mounted underneath;
# - busybox switch_root and klibc run-init refuse it (not ramfs/tmpfs); the
#   documented path for their users is pivot_root, which klibc's own tools
#   can do (the initramfs-tools flow here falls back to it).
# From a cpio initramfs the classic tools work and pivot_root is refused:
# the kernel cannot pivot the initial rootfs.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/switch-scenario.sh
switch_setup

erofs=erofs.lz4
cpio=cpio.gz

# --- from EROFS -------------------------------------------------------------

switch_case erofs-util-linux "$erofs" util-linux
expect_clean_kernel
is "$(report switch.from)" overlay "$CASE: the early root was the initerofs overlay"
expect_switched util-linux
like "$(cat "$LOG")" 'switch_root: old root filesystem is not an initramfs' \
	"$CASE: util-linux switch_root warns that the old root is not an initramfs"
unlike "$(report_all new.mount)" ' (overlay|erofs) ' "$CASE: the old root is out of sight in /proc/mounts"
left=$(report new.erofs.instances)
[ -n "$left" ]
ok $? "$CASE: as documented, the overlay stays mounted underneath (EROFS instance '$left' left)"

switch_case erofs-pivot_root "$erofs" pivot_root
expect_clean_kernel
expect_switched pivot_root
expect_old_root_released

switch_case_dies erofs-busybox "$erofs" busybox
like "$(cat "$LOG")" 'switch_root: root filesystem is not ramfs/tmpfs' \
	"$CASE: busybox switch_root refuses the overlay root, as documented"
like "$(kernel_log)" 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100' \
	"$CASE: ... and, exec'ed as PID 1, its exit is the end of the boot"
unlike "$(kernel_log)" 'Oops|BUG:|general protection fault|WARNING: CPU|Unable to handle' \
	"$CASE: no oops, BUG or warning before that"
is "$(report new.init)" '' "$CASE: no new init ran"

switch_case erofs-klibc "$erofs" klibc
expect_clean_kernel
like "$(report switch.refused)" '^/usr/lib/klibc/bin/run-init: rootfs not a ramfs or tmpfs' \
	"$CASE: run-init -n (initramfs-tools' validate_init) refuses the overlay root, as documented"
expect_switched klibc-pivot_root
expect_old_root_released

# --- from a cpio initramfs (control) ------------------------------------------

switch_case cpio-util-linux "$cpio" util-linux
expect_clean_kernel
is "$(report switch.from)" rootfs "$CASE: the early root was the initial rootfs"
expect_switched util-linux
unlike "$(cat "$LOG")" 'not an initramfs' "$CASE: no warning: the old root was an initramfs"

switch_case cpio-pivot_root "$cpio" pivot_root
expect_clean_kernel
like "$(report switch.refused)" 'Invalid argument' "$CASE: the initial rootfs cannot be pivoted (EINVAL)"
expect_not_switched

switch_case cpio-busybox "$cpio" busybox
expect_clean_kernel
expect_switched busybox

switch_case cpio-klibc "$cpio" klibc
expect_clean_kernel
is "$(report switch.refused)" '' "$CASE: run-init -n accepts the initramfs"
expect_switched klibc

done_testing
