#!/bin/bash
# Scenario 4: the layout of distribution initrds, an uncompressed early cpio
# (CPU microcode) first, zero padding, then the EROFS image. The kernel must
# find the image behind the prefix and boot from it. A second case puts the
# image off the page grid (4-byte padding only): it must be handled and
# explained in the log, never crash or be silently ignored.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

boot_case ucode-erofs ucode+erofs.lz4
expect_clean_kernel
expect_root_erofs_overlay
expect_hashes
expect_writes
expect_initerofs '.' "reporting the layout"

boot_case ucode-erofs-unaligned ucode+erofs.lz4@4
expect_clean_kernel
expect_root_erofs_overlay
expect_hashes
expect_initerofs 'align|page|offset' "explaining the unaligned image"
done_testing
