#!/bin/bash
# Scenario 2: an EROFS initrd, uncompressed, lz4 and lz4hc. /init runs from
# EROFS; / is an overlay over it with a writable tmpfs upper layer; every file
# matches the host's sha256 list; writes, copy-up and deletion work. Images
# come from Debian's mkfs.erofs and, once it exists, from initerofs build.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

erofs_case() {
	local tool=$1 layout=$2
	IMAGE_TOOL=$tool boot_case "$tool-$layout" "$layout"
	expect_clean_kernel
	expect_init /init
	expect_root_erofs_overlay
	expect_hashes
	expect_writes
	expect_initerofs '.' "reporting what it found and did"
	# Nothing was unpacked into RAM-backed tmpfs before /init.
	expect_shmem_at_init -lt 1024
}

for layout in erofs erofs.lz4 erofs.lz4hc; do
	erofs_case mkfs.erofs "$layout"
done
# The same images from the project's own writer, once it can build them.
if programs/initerofs build --help >/dev/null 2>&1; then
	for layout in erofs erofs.lz4 erofs.lz4hc; do
		erofs_case initerofs "$layout"
	done
else
	skip "programs/initerofs build not available yet"
fi
done_testing
