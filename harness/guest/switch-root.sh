# shellcheck shell=dash
# Root-switching hook, sourced by the harness's /init (step `hooks`) from
# /etc/harness/hooks/ when `harness/mkrootfs --switch-tools` put it there.
# With `harness.switch=METHOD` on the kernel command line it mounts the ext4
# real root (harness/mkrealroot) from the first virtio disk on /newroot and
# leaves the early root for it the way METHOD does; the new root's
# /sbin/init (guest/switch-newroot-init) then reports. Without the
# parameter it does nothing.
#
# `harness.switch_init=PATH` names the new root's init (default /sbin/init),
# for the bad-input cases.
#
# Right before switching it reports the memory as mem.before.* (with /init's
# report_meminfo, PcpFree included).
#
# `harness.leftover=1` leaves two processes of the early root running at the
# switch, as an initrd's daemons can be: `sleep`, which ends on SIGTERM, and
# a shell loop that ignores it.
#
# METHOD, each as its users run it:
#   util-linux  util-linux switch_root (moves /dev, /proc, /sys itself)
#   busybox     busybox switch_root, after moving /dev, /proc, /sys
#   klibc       Debian initramfs-tools' ending: validate with `run-init -n`,
#               then exec run-init. When run-init refuses the root, report
#               the refusal and take the pivot_root path with klibc's own
#               mount and pivot_root (the path the admin guide gives
#               initramfs-tools users)
#   pivot_root  busybox mount --move, pivot_root, then chroot into the new
#               root, umount -l the old one and exec its init
#   none        no switch: only the memory report (baselines)
# A refusal that leaves this shell alive is reported as switch.refused and
# the early /init goes on with its remaining steps; an exec'ed tool that
# fails kills PID 1, which the kernel log shows.

SWITCH_NEWROOT=/newroot
SWITCH_INIT=$(cmdline_value harness.switch_init)
SWITCH_INIT=${SWITCH_INIT:-/sbin/init}
SWITCH_DISK=/dev/vda
SWITCH_KLIBC=/usr/lib/klibc/bin
SWITCH_UTIL_LINUX=/usr/lib/util-linux/switch_root

switch_fail() {
	say switch.refused "$1"
	return 1
}

# The disk's driver may still be probing when /init starts.
switch_mount_newroot() {
	local n=0
	while [ ! -b "$SWITCH_DISK" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -b "$SWITCH_DISK" ] || switch_fail "no disk $SWITCH_DISK" || return
	# shellcheck disable=SC2015 # either failing is the same failure
	mkdir -p "$SWITCH_NEWROOT" &&
		mount -t ext4 -o ro "$SWITCH_DISK" "$SWITCH_NEWROOT" ||
		switch_fail "cannot mount $SWITCH_DISK on $SWITCH_NEWROOT"
}

# switch_move_api MOUNT FROM TO: move /dev, /proc and /sys from FROM to TO
# with MOUNT, a mount program taking `-o move` (busybox's or klibc's).
switch_move_api() {
	local mount=$1 from=$2 to=$3 m
	for m in dev proc sys; do
		"$mount" -o move "$from/$m" "$to/$m" || return
	done
}

# pivot_root, then leave the rest to the new root's own chroot, sh and
# umount: after pivot_root the early root's programs are under /oldroot.
# Nothing of the early root stays open: the console is reopened from the
# new root's /dev.
switch_pivot() {
	local mount=$1 pivot_root=$2 label=$3
	switch_move_api "$mount" "" "$SWITCH_NEWROOT" || switch_fail "cannot move /dev, /proc, /sys" || return
	cd "$SWITCH_NEWROOT" || return
	if ! "$pivot_root" . oldroot 2>/tmp/pivot_root.err; then
		cd /
		# Back where they were, so the early /init can go on reporting.
		switch_move_api "$mount" "$SWITCH_NEWROOT" ""
		switch_fail "$(cat /tmp/pivot_root.err)"
		return
	fi
	# shellcheck disable=SC2094 # the console, both ways
	exec chroot . sh -c "umount -l /oldroot; exec /sbin/init $label" \
		<dev/console >dev/console 2>&1
}

# initramfs-tools moves /dev to the new root (udev's init-bottom), checks
# the new root with `run-init -n` (validate_init), moves /sys and /proc and
# execs run-init.
switch_klibc() {
	local mount=$SWITCH_KLIBC/mount msg
	"$mount" -o move /dev "$SWITCH_NEWROOT/dev" || switch_fail "cannot move /dev" || return
	if msg=$("$SWITCH_KLIBC/run-init" -n "$SWITCH_NEWROOT" "$SWITCH_INIT" 2>&1); then
		"$mount" -o move /sys "$SWITCH_NEWROOT/sys" && "$mount" -o move /proc "$SWITCH_NEWROOT/proc" ||
			switch_fail "cannot move /sys, /proc" || return
		# shellcheck disable=SC2094 # the console, both ways
		exec "$SWITCH_KLIBC/run-init" "$SWITCH_NEWROOT" "$SWITCH_INIT" klibc \
			<"$SWITCH_NEWROOT/dev/console" >"$SWITCH_NEWROOT/dev/console" 2>&1
	fi
	"$mount" -o move "$SWITCH_NEWROOT/dev" /dev
	say switch.refused "$msg"
	switch_pivot "$mount" "$SWITCH_KLIBC/pivot_root" klibc-pivot_root
}

switch_root_to_disk() {
	local method=$1
	say switch.method "$method"
	say switch.from "$(awk '$2 == "/" { t = $3 } END { print t }' /proc/mounts)"
	report_meminfo before "$(cat /proc/meminfo)" "$(pcp_free_kb)"
	[ "$method" != none ] || return 0
	switch_mount_newroot || return
	if [ "$(cmdline_value harness.leftover)" = 1 ]; then
		sleep 3600 &
		sh -c 'trap "" TERM; while :; do sleep 1; done' &
	fi
	mark switch
	case $method in
	util-linux)
		exec "$SWITCH_UTIL_LINUX" "$SWITCH_NEWROOT" "$SWITCH_INIT" util-linux
		;;
	busybox)
		switch_move_api mount "" "$SWITCH_NEWROOT" || switch_fail "cannot move /dev, /proc, /sys" || return
		exec switch_root "$SWITCH_NEWROOT" "$SWITCH_INIT" busybox
		;;
	klibc) switch_klibc ;;
	pivot_root) switch_pivot mount pivot_root pivot_root ;;
	*) switch_fail "unknown method '$method'" ;;
	esac
}

switch_method=$(cmdline_value harness.switch)
[ -z "$switch_method" ] || switch_root_to_disk "$switch_method"
