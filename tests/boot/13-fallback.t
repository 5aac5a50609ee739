#!/bin/bash
# Issue 10: an image that is found but not used must leave the boot as a
# cpio initrd would, with nothing of initerofs left behind:
# - a damaged image (bad checksum) behind a bootable cpio: the archives
#   after the image are unpacked too, since the superblock says where it ends;
# - an image EROFS refuses to mount (unknown incompatible feature, superblock
#   checks pass): the same, the private directory /.initerofs is gone, and the
#   "Freeing initrd memory" lines add up to exactly the initrd's pages;
# - a whole-image-compressed EROFS initrd (gzip of the image): refused with an
#   initerofs: line saying why, the cpio in front of it boots.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

steps=harness.steps=mounts,hash,probe,kmsg

for damage in csum incompat; do
	boot_case "trailing-$damage" "cpio+marker+erofs.lz4!$damage+layer" "$steps"
	expect_clean_kernel
	expect_no_bad_page
	expect_initerofs 'falling back' "announcing the fallback"
	expect_root_rootfs
	is "$(report probe.fallback)" cpio "$CASE: the cpio fallback was taken"
	is "$(report probe.from-raw)" cpio-raw "$CASE: the archive after the image was unpacked too"
	is "$(report initerofs.dir)" absent "$CASE: no /.initerofs left in the rootfs"
	expect_hashes
	expect_initrd_freed EXACT
done

boot_case compressed-image cpio+erofs.gz "$steps"
expect_clean_kernel
expect_initerofs 'gzip-compressed EROFS image' "refusing the gzip-compressed image"
expect_root_rootfs
expect_hashes
done_testing
