#!/bin/bash
# A converted initrd boots: the harness's busybox test rootfs as a gzip cpio
# behind a microcode-style early archive (what distributions ship), turned
# into an EROFS initrd by `initerofs convert`, must boot from EROFS with the
# early archive kept in front; and the same with --no-early from a zstd
# cpio. The guest checks every file's sha256 against the host's list.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

[ -x programs/initerofs ] || make -s -j2 >/dev/null 2>&1
[ -x programs/initerofs ]
ok $? "programs/initerofs is built" || done_testing

# boot_converted NAME LAYOUT [convert options...]: build LAYOUT with the
# harness, convert it, boot the result ($LOG, $INITRD as boot_case sets).
boot_converted() {
	local name=$1 layout=$2 src rc=0
	shift 2
	CASE=$name
	LOG=$LOG_DIR/$name.log
	INITRD=$LOG_DIR/$name.img
	rm -f "$LOG" "$LOG.meta" "$LOG.stderr" "$INITRD"
	src=$("$HARNESS_DIR/mkinitrd" -r "$ROOTFS" "$layout" | tail -n 1)
	programs/initerofs convert -q "$@" -o "$INITRD" "$src"
	ok $? "$name: initerofs convert $* of the $layout initrd" || return 1
	"$HARNESS_DIR/boot" -k "$KERNEL" -i "$INITRD" -l "$LOG" -t 180 >/dev/null || rc=$?
	[ "$rc" -eq 0 ] && [ "$(report end)" = ok ]
	ok $? "$name: /init reported to the end and the guest powered off" ||
		diag "QEMU status $rc; log $LOG; last lines:" "$(tail -n 25 "$LOG" 2>/dev/null)"
}

boot_converted converted-ucode ucode+cpio.gz -z lz4hc
is "$(head -c 6 "$INITRD")" 070701 "converted-ucode: the early archive is still in front"
cmp_num "$(erofs_offset "$INITRD")" -ge 4096 "converted-ucode: the EROFS image follows it on a page boundary"
expect_clean_kernel
expect_root_erofs_overlay
expect_hashes
expect_writes

boot_converted converted-no-early ucode+cpio.zst --no-early -z lz4
is "$(erofs_offset "$INITRD")" 0 "converted-no-early: the EROFS image is the whole initrd"
expect_clean_kernel
expect_root_erofs_overlay
expect_hashes
done_testing
