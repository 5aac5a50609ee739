#!/bin/bash
# Scenario 3: rdinit= picks another init on the EROFS root (and, as a
# baseline, on a cpio root).
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

boot_case rdinit-erofs erofs.lz4 rdinit=/sbin/alt-init
expect_clean_kernel
expect_init /sbin/alt-init
expect_root_erofs_overlay
expect_hashes

boot_case rdinit-cpio cpio.gz rdinit=/sbin/alt-init
expect_init /sbin/alt-init
expect_root_rootfs
done_testing
