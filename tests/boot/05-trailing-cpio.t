#!/bin/bash
# Scenario 5: EROFS followed by two cpios, as GRUB and systemd-stub append
# them (gzip, then uncompressed, 4-byte padding). Their files appear on top
# of the EROFS root; the later archive wins over the earlier one, both win
# over EROFS.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

for layout in erofs.lz4+layer.gz+layer erofs+layer.gz+layer; do
	boot_case "$layout" "$layout"
	expect_clean_kernel
	expect_root_erofs_overlay
	expect_hashes
	expect_writes
	is "$(report probe.from-gz)" cpio-gz "$CASE: a file only in the gzip cpio is visible"
	is "$(report probe.from-raw)" cpio-raw "$CASE: a file only in the uncompressed cpio is visible"
	is "$(report probe.shadow-gz)" cpio-gz "$CASE: the gzip cpio's file wins over EROFS's"
	is "$(report probe.shadow-raw)" cpio-raw "$CASE: the later cpio wins over the earlier one"
	is "$(report probe.lower-only)" erofs "$CASE: EROFS files not in a cpio are untouched"
done

# An init that only a trailing archive provides runs at once after the
# archive is unpacked: every file must be complete and closed by then.
boot_case layer-init erofs.lz4+layer.gz+layer rdinit=/sbin/layer-init
expect_clean_kernel
expect_init /sbin/layer-init
expect_root_erofs_overlay

# The image need not end 4-byte-aligned relative to the initrd's start:
# here it starts 2 bytes past a page, after an early cpio. Whoever
# appends archives pads them to 4 bytes from the start of the initrd (as
# cat of cpio archives does, and as the stock unpacker counts), so the
# archives after it start at the image's end rounded up to 4, not at the
# image's end (which lost them: "invalid magic at start of compressed
# archive").
pad4() {
	truncate -s $((($(stat -c %s "$1") + 3) / 4 * 4)) "$1"
}
odd=$LOG_DIR/odd-offset.img
if ucode=$(harness/mkinitrd -r "$ROOTFS" ucode | tail -n 1) &&
	image=$(harness/mkinitrd -r "$ROOTFS" erofs | tail -n 1) &&
	gz=$(harness/mkinitrd -r "$ROOTFS" layer.gz | tail -n 1) &&
	raw=$(harness/mkinitrd -r "$ROOTFS" layer | tail -n 1); then
	cp "$ucode" "$odd"
	truncate -s 4098 "$odd"
	cat "$image" >>"$odd"
	pad4 "$odd"
	cat "$gz" >>"$odd"
	pad4 "$odd"
	cat "$raw" >>"$odd"
else
	ok 1 "build the pieces of the odd-offset initrd"
	done_testing
fi
boot_initrd odd-offset "$odd"
expect_clean_kernel
like "$(initerofs_lines)" 'EROFS image found at offset 4098 ' "$CASE: the image is found 2 bytes past the first page"
expect_root_erofs_overlay
expect_hashes
unlike "$(kernel_log)" 'cpio archives after the image' "$CASE: the archives after the image unpack without error"
is "$(report probe.from-gz)" cpio-gz "$CASE: a file only in the gzip cpio after the image is visible"
is "$(report probe.from-raw)" cpio-raw "$CASE: a file only in the uncompressed cpio after the image is visible"
is "$(report probe.shadow-raw)" cpio-raw "$CASE: the later cpio wins over the earlier one"
done_testing
