#!/bin/bash
# Issues 5 and 16: from the early root to a real root, with the tools
# distributions use. The initrd is the test rootfs with util-linux's and
# klibc's switching tools next to busybox's; the real root an ext4 image on
# a virtio disk (harness/mkrealroot), whose /sbin/init reports what it sees.
# Each tool runs as its users run it (guest/switch-root.sh).
#
# From EROFS the initrd is what a distribution gets: its cpio converted by
# `initerofs convert`, which puts the switch-root program in place of
# run-init and switch_root (docs/switch-root.md). Each of util-linux
# switch_root, busybox switch_root and klibc run-init (with initramfs-tools'
# run-init -n check first) must reach the new root's init with the early
# root released: no overlay or erofs mount, no EROFS instance left. A
# missing init fails the way the stock tool fails (PID 1 exits: the kernel
# panics; run-init -n says no), never a hang. The pivot_root recipe of the
# admin guide still works on an image made by mkfs.erofs.
#
# From a cpio initramfs (the control) the stock tools work as before, and
# so do the replaced ones: the program hands over to the stock tool.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/switch-scenario.sh
switch_setup

[ -x programs/initerofs ] || make -s -j2 >/dev/null 2>&1
converted=$(converted_initrd cpio.gz -z lz4hc)
[ -f "$converted" ]
ok $? "the cpio initrd converted to EROFS ('$converted')" || done_testing
like "$(cat "$converted.err")" \
	'switch root: replaced .*/usr/lib/klibc/bin/run-init \(klibc\).*/usr/lib/util-linux/switch_root \(util-linux\) by /usr/lib/initerofs/switch-root; originals in /usr/lib/initerofs/stock' \
	"convert replaced klibc's run-init and util-linux's switch_root"
like "$(cat "$converted.err")" '/sbin/switch_root \(busybox\)' "... and busybox's switch_root"

# expect_from_overlay_released LABEL: switched by LABEL from the initerofs
# overlay, early root gone.
expect_from_overlay_released() {
	expect_clean_kernel
	is "$(report switch.from)" overlay "$CASE: the early root was the initerofs overlay"
	expect_switched "$1"
	expect_old_root_released
}

# --- from the converted EROFS initrd ------------------------------------------

switch_initrd erofs-util-linux "$converted" util-linux
expect_from_overlay_released util-linux
unlike "$(cat "$LOG")" 'not an initramfs' "$CASE: util-linux's MS_MOVE path did not run"

switch_initrd erofs-busybox "$converted" busybox
expect_from_overlay_released busybox

switch_initrd erofs-klibc "$converted" klibc
is "$(report switch.refused)" '' "$CASE: run-init -n (initramfs-tools' validate_init) accepts the new root"
expect_from_overlay_released klibc

# Processes of the initrd still running at the switch (initramfs-tools'
# udevd is told to exit but not waited for) would keep the image in memory:
# the program ends them, SIGTERM first, SIGKILL for one that ignores it.
switch_initrd erofs-klibc-leftovers "$converted" klibc "" harness.leftover=1
expect_from_overlay_released klibc
like "$(cat "$LOG")" 'run-init: process [0-9]+ \(sleep\) still runs from the initrd and would keep it in memory: sending SIGTERM' \
	"$CASE: the leftover sleep is named and gets SIGTERM"
like "$(cat "$LOG")" 'run-init: process [0-9]+ \(sh\) still runs from the initrd and would keep it in memory: sending SIGKILL' \
	"$CASE: the shell that ignores SIGTERM gets SIGKILL"
unlike "$(cat "$LOG")" 'did not end' "$CASE: nothing was left running"

# Bad input: no such init on the new root.
switch_case_dies erofs-util-linux-no-init "$converted" util-linux harness.switch_init=/sbin/nonexistent
like "$(cat "$LOG")" 'switch_root: /newroot/sbin/nonexistent: No such file or directory' \
	"$CASE: the missing init is named"
like "$(kernel_log)" 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100' \
	"$CASE: ... and PID 1 exits 1, as the stock tool does: the kernel panics, no hang"
is "$(report new.init)" '' "$CASE: no new init ran"

switch_case_dies erofs-busybox-no-init "$converted" busybox harness.switch_init=/sbin/nonexistent
like "$(kernel_log)" 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100' \
	"$CASE: PID 1 exits 1: the kernel panics, no hang"

switch_initrd erofs-klibc-no-init "$converted" klibc "" harness.switch_init=/sbin/nonexistent
like "$(report switch.refused)" 'run-init: /newroot/sbin/nonexistent: No such file or directory' \
	"$CASE: run-init -n says no, naming the missing init (the generator's own fallback runs)"
expect_switched klibc-pivot_root

# The admin guide's recipe, on an image of mkfs.erofs.
switch_case erofs-pivot_root erofs.lz4 pivot_root
expect_from_overlay_released pivot_root

# --- from a cpio initramfs (control) ------------------------------------------

expect_from_rootfs() {
	expect_clean_kernel
	is "$(report switch.from)" rootfs "$CASE: the early root was the initial rootfs"
	expect_switched "$1"
}

switch_case cpio-util-linux cpio.gz util-linux
expect_from_rootfs util-linux
unlike "$(cat "$LOG")" 'not an initramfs' "$CASE: no warning: the old root was an initramfs"

switch_case cpio-pivot_root cpio.gz pivot_root
expect_clean_kernel
like "$(report switch.refused)" 'Invalid argument' "$CASE: the initial rootfs cannot be pivoted (EINVAL)"
expect_not_switched

switch_case cpio-busybox cpio.gz busybox
expect_from_rootfs busybox

switch_case cpio-klibc cpio.gz klibc
is "$(report switch.refused)" '' "$CASE: run-init -n accepts the initramfs"
expect_from_rootfs klibc

# The converted tree as a cpio: the program runs the stock tools.
ROOTFS=$(extracted_rootfs "$converted")
[ -d "$ROOTFS" ]
ok $? "the converted tree extracts ('$ROOTFS')" || done_testing
switch_case cpio-converted-util-linux cpio.gz util-linux
expect_from_rootfs util-linux
unlike "$(cat "$LOG")" 'not an initramfs' "$CASE: util-linux's switch_root ran, on an initramfs"

switch_case cpio-converted-klibc cpio.gz klibc
is "$(report switch.refused)" '' "$CASE: run-init -n accepts the initramfs"
expect_from_rootfs klibc

done_testing
