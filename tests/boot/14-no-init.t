#!/bin/bash
# Issue 10: the image becomes the root only if it (with the cpio archives
# around it) holds the init to run. Without one the kernel must behave as
# for a cpio initrd without /init: go on to root=, and give the whole
# initrd back. The real root is harness/mkrealroot's ext4 disk, whose
# /sbin/init reports.
# - a checksum-valid image with no /init (the tiny 512-byte-block image);
# - a full image with rdinit= naming a program it does not have: MemTotal on
#   the real root is that of a boot whose initrd was a tiny cpio (within
#   1 MiB), so no page of the image stays pinned, and the "Freeing initrd
#   memory" lines add up to exactly the initrd's pages.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/switch-scenario.sh
switch_setup

rootdisk() {
	boot_case "$1" "$2" "root=/dev/vda $3" --disk "$REALROOT" -- -snapshot
}

expect_real_root() {
	is "$(report new.marker)" ext4-realroot "$CASE: the kernel mounted root= and ran its init"
	is "$(report new.root.fstype)" ext4 "$CASE: / is ext4"
	unlike "$(report_all new.mount)" ' (overlay|erofs) ' "$CASE: no overlay or EROFS mounted"
}

rootdisk marker-only marker
expect_clean_kernel
expect_real_root
baseline=$(report mem.switched.MemTotal)

rootdisk tiny-no-init erofs.tiny
expect_clean_kernel
expect_no_bad_page
expect_initerofs 'no executable /init' "saying the image has no /init"
expect_real_root

rootdisk rdinit-missing erofs rdinit=/sbin/no-such-init
expect_clean_kernel
expect_no_bad_page
expect_initerofs 'no executable /sbin/no-such-init' "saying the image lacks the rdinit= program"
expect_real_root
total=$(report mem.switched.MemTotal)
image_kb=$(($(stat -c %s "$INITRD") / 1024))
if grep -q 'debug: unmapping init' "$LOG"; then
	skip "$CASE: MemTotal as without the image: debug_pagealloc unmaps init memory, frees none"
else
	delta=$((${baseline:-0} - ${total:-0}))
	cmp_num "${delta#-}" -le 1024 \
		"$CASE: MemTotal within 1 MiB of the tiny-initrd boot's (${total:-?} against ${baseline:-?} kB; image ${image_kb} kB)"
fi
expect_initrd_freed EXACT
done_testing
