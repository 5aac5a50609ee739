#!/bin/bash
# Issue 10: an EROFS image off the page grid that lies wholly inside one
# page (512-byte blocks, 1536 bytes, right after a 1536-byte early cpio).
# The page it shares with the rest of the initrd must be freed exactly
# once: the "Freeing initrd memory" lines add up to the initrd's pages,
# never more, and (on the debug kernel) no bad page state or KASAN report.
# The image holds no /init; the rootfs comes from a gzip cpio after it, so
# the boot also shows the image mounted and layered.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

boot_case tiny-unaligned ucode-small+erofs.tiny@1536+cpio.gz 'harness.steps=mounts,hash,probe,kmsg'
expect_clean_kernel
expect_no_bad_page
offset=$(erofs_offset "$INITRD")
is "$offset" 1536 "$CASE: the image starts 1536 bytes into the initrd's first page"
expect_root_erofs_overlay
is "$(report probe.tiny)" erofs-tiny "$CASE: the tiny image's file is visible"
expect_hashes
expect_initrd_freed EXACT
done_testing
