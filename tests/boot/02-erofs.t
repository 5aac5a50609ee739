#!/bin/bash
# Scenario 2: an EROFS initrd, uncompressed, lz4 and lz4hc. /init runs from
# EROFS; / is an overlay over it with a writable tmpfs upper layer; every file
# matches the host's sha256 list; writes, copy-up and deletion work.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

for layout in erofs erofs.lz4 erofs.lz4hc; do
	boot_case "$layout" "$layout"
	expect_clean_kernel
	expect_init /init
	expect_root_erofs_overlay
	expect_hashes
	expect_writes
	expect_initerofs '.' "reporting what it found and did"
	# Nothing was unpacked into RAM-backed tmpfs before /init.
	expect_shmem_at_init -lt 1024
done
done_testing
