# Benchmark hook, sourced by the harness's /init (step `hooks`) when the
# benchmark ships it in /etc/harness/hooks/. With `bench.switch=1` on the
# kernel command line it leaves the early root for the real root on the
# read-only virtio disk /dev/vda, the way a distribution's initrd does, so
# that the new root's /sbin/init can measure the memory left once the early
# root is gone. It never returns when the switch succeeds.
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

bench_switch() {
	local fstype
	fstype=$(bench_root_fstype)
	say switch.from "$fstype"
	mkdir -p /newroot
	if ! mount -t ext4 -o ro /dev/vda /newroot; then
		say switch.error "cannot mount /dev/vda (ext4) on /newroot"
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
