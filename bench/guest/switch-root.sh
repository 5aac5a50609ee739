# Benchmark hook, sourced by the harness's /init (step `hooks`) when the
# benchmark ships it in /etc/harness/hooks/. With `bench.switch=1` on the
# kernel command line it leaves the early root for a new root, the way a
# distribution's initrd does, so that the new root's /sbin/init can measure
# the memory left once the early root is gone. It never returns when the
# switch succeeds.
#
# The new root is a small tmpfs holding busybox and the second init
# (/usr/share/bench/newroot-init): the same ~2 MB in every case. A disk
# would be more like a real system, but probing it adds I/O waits before
# /init that instruction counting turns into tens of milliseconds of
# arbitrary guest time, equal for all cases yet distorting every ratio.
#
# How, by the type of the early root:
#   rootfs/tmpfs/ramfs (a cpio boot): busybox switch_root, which deletes the
#       unpacked files (their memory returns) and chroots; the classic path.
#   anything else (the initerofs overlay): pivot_root, then the new init
#       unmounts the old root lazily (umount -l), as systemd and util-linux
#       switch_root do. If pivot_root is refused, the new root is moved over
#       the old one instead (mount --move + chroot): the old root stays
#       mounted underneath, and the new init reports that.

bench_root_fstype() {
	awk '$2 == "/" { t = $3 } END { print t }' /proc/mounts
}

BENCH_NEWROOT_APPLETS="sh mount umount sleep ls grep sed awk tr cat dmesg poweroff chroot"

bench_fill_newroot() {
	local root=$1 d a
	for d in bin sbin dev proc sys oldroot; do
		mkdir -p "$root/$d" || return 1
	done
	cp /bin/busybox "$root/bin/busybox" || return 1
	for a in $BENCH_NEWROOT_APPLETS; do
		ln -s busybox "$root/bin/$a" || return 1
	done
	cp /usr/share/bench/newroot-init "$root/sbin/init" && chmod 0755 "$root/sbin/init"
}

bench_switch() {
	local fstype
	fstype=$(bench_root_fstype)
	say switch.from "$fstype"
	mkdir -p /newroot
	if ! mount -t tmpfs -o size=16m,mode=0755 newroot /newroot || ! bench_fill_newroot /newroot; then
		say switch.error "cannot build the new root in a tmpfs on /newroot"
		return
	fi
	mark switch
	case $fstype in
	rootfs | tmpfs | ramfs)
		exec switch_root /newroot /sbin/init switch_root
		;;
	esac
	cd /newroot || return
	mount --move /dev dev && mount --move /proc proc && mount --move /sys sys
	if pivot_root . oldroot; then
		exec chroot . /sbin/init pivot_root
	fi
	say switch.pivot_root refused
	mount --move . / && exec chroot . /sbin/init move
	say switch.error "mount --move of the new root failed"
}

[ "$(cmdline_value bench.switch)" = 1 ] && bench_switch
