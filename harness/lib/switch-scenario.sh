# shellcheck shell=bash
# Root-switching scenario helpers for tests/boot/1*-switch-root*.t, on top
# of scenario.sh (sourced after cd to the project root). The early root is
# the test rootfs with the switching tools (mkrootfs --switch-tools); the
# real root is the ext4 image of harness/mkrealroot on a virtio disk, which
# QEMU's -snapshot keeps unchanged; guest/switch-root.sh switches with the
# method named by harness.switch= and guest/switch-newroot-init reports as
# `new.*` keys.

. "$(dirname "${BASH_SOURCE[0]}")/scenario.sh"

REALROOT=
# Early-root steps before the switch: the mounts it has, then the hook.
SWITCH_STEPS=mounts,hooks,kmsg

# switch_setup [mkrootfs options...]: the kernel, the early rootfs with the
# switching tools (and the options given), the real root's disk image.
switch_setup() {
	scenario_setup
	ROOTFS=$("$HARNESS_DIR/mkrootfs" --switch-tools "$@" | tail -n 1)
	REALROOT=$("$HARNESS_DIR/mkrealroot" | tail -n 1)
	if [ ! -d "$ROOTFS" ] || [ ! -f "$REALROOT" ]; then
		ok 1 "early rootfs with switching tools ('$ROOTFS') and ext4 real root ('$REALROOT') built"
		done_testing
	fi
	diag "early rootfs: $ROOTFS" "real root: $REALROOT"
}

switch_append() {
	local method=$1 steps=${2:-$SWITCH_STEPS}
	echo "harness.steps=$steps harness.switch=$method"
}

# switch_case NAME LAYOUT METHOD [STEPS]: boot LAYOUT with the real root's
# disk and switch with METHOD; one TAP line (the new root, or the early
# /init after a refusal, reported to the end and powered off).
switch_case() {
	boot_case "$1" "$2" "$(switch_append "$3" "${4:-}")" --disk "$REALROOT" -- -snapshot
}

# switch_case_dies NAME LAYOUT METHOD: the same for a method that is
# expected to kill PID 1 (a tool exec'ed by /init that refuses the root):
# the one TAP line says the guest ended before its timeout, by itself.
switch_case_dies() {
	local name=$1 layout=$2 method=$3 rc=0
	CASE=$name
	LOG=$LOG_DIR/$name.log
	rm -f "$LOG" "$LOG.meta" "$LOG.stderr"
	if ! INITRD=$("$HARNESS_DIR/mkinitrd" -r "$ROOTFS" "$layout" | tail -n 1) || [ ! -f "$INITRD" ]; then
		ok 1 "$name: build initrd '$layout'"
		done_testing
	fi
	"$HARNESS_DIR/boot" -k "$KERNEL" -i "$INITRD" -a "$(switch_append "$method")" -l "$LOG" \
		-t "${BOOT_TIMEOUT:-90}" --disk "$REALROOT" -- -snapshot >/dev/null || rc=$?
	[ "$rc" -ne 124 ] && [ -s "$LOG" ]
	ok $? "$name: the guest ended by itself (${INITRD##*/}, harness.switch=$method)" ||
		diag "harness/boot status $rc; log $LOG"
}

# expect_switched LABEL: the new root's init ran as PID 1 on the ext4 disk,
# entered by the method LABEL, with /dev, /proc and /sys brought along.
expect_switched() {
	is "$(report new.pid)" 1 "$CASE: the new root's init runs as PID 1"
	is "$(report new.argv)" "$1" "$CASE: entered by $1"
	is "$(report new.marker)" ext4-realroot "$CASE: / is the real root (its marker file)"
	is "$(report new.root.fstype)" ext4 "$CASE: / is ext4"
	is "$(report new.brought)" "/proc /sys /dev " "$CASE: /proc, /sys and /dev came along mounted"
}

# The early root is no longer mounted anywhere and its EROFS instance has
# been released (the condition for its memory to come back).
expect_old_root_released() {
	is "$(report new.oldroot)" gone "$CASE: /oldroot is not a mount point any more"
	unlike "$(report_all new.mount)" ' (overlay|erofs|rootfs) ' "$CASE: no early-root filesystem in /proc/mounts"
	is "$(report new.erofs.instances)" '' "$CASE: no EROFS instance left (/sys/fs/erofs)"
}

# No new root reached: the early /init went on after the refusal.
expect_not_switched() {
	is "$(report new.init)" '' "$CASE: no new init ran"
	is "$(report end)" ok "$CASE: the early /init went on to its end after the refusal"
}
