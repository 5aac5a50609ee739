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
done_testing
