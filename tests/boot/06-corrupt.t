#!/bin/bash
# Scenario 6: damaged EROFS images. The initrd is a full rootfs cpio plus a
# marker cpio, then the damaged image, so that the cpio fallback has
# something to boot and /init can tell it was taken. Each damage must give
# an initerofs: line saying what is wrong, no oops, and the cpio root.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

declare -A why=(
	[magic]='magic|no EROFS|not an? EROFS'
	[csum]='checksum|crc'
	[trunc]='size|truncat|exceed|beyond|larger|short'
	[blksz]='block ?size|blksz|blkszbits'
	[size]='size|exceed|beyond|larger|short|truncat|declares'
	[huge]='size|exceed|beyond|larger|short|truncat|declares|overflow|impossible'
)
for damage in magic csum trunc blksz size huge; do
	boot_case "corrupt-$damage" "cpio+marker+erofs.lz4!$damage"
	expect_clean_kernel
	expect_initerofs "${why[$damage]}" "explaining the $damage damage"
	is "$(report probe.fallback)" cpio "$CASE: the cpio fallback was taken"
	expect_root_rootfs
	expect_hashes
done
done_testing
