#!/bin/bash
# Scenario 1: a cpio initramfs boots exactly as before the patches, gzip and
# uncompressed (an uncompressed one is also what the kernel scans for an
# EROFS image behind early cpios, so it must still be taken for what it is).
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

for layout in cpio.gz cpio; do
	boot_case "$layout" "$layout"
	expect_clean_kernel
	expect_init /init
	expect_root_rootfs
	expect_hashes
	expect_writes
	expect_no_initerofs 'mount(ed|ing)' "claiming an EROFS mount"
	expect_no_initerofs '.' "at all: a plain cpio initrd is not worth one"
	# The unpacked files are a copy in the tmpfs-backed rootfs.
	expect_shmem_at_init -ge $(($(rootfs_kb) * 9 / 10))
done
done_testing
