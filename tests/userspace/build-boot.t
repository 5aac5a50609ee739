#!/bin/bash
# The kernel reads what `initerofs build` writes, beyond the defaults that
# tests/boot/02-erofs.t boots: big physical clusters, LZMA, and blocks
# smaller than a page. Each image is built from the harness's test rootfs
# and booted as the initrd; the guest checks every file's sha256 against the
# host's list, and the kernel log must hold no EROFS read error.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup
make -s -j2 >/dev/null 2>&1 || bail_out "make failed"
mkdir -p "$HARNESS_OUT/build-boot"

boot_built() {
	local name=$1 img
	shift
	img=$HARNESS_OUT/build-boot/$name.img
	programs/initerofs build "$@" -o "$img" "$ROOTFS"
	ok $? "$name: initerofs build $*" || return
	boot_initrd "$name" "$img"
	expect_clean_kernel
	expect_root_erofs_overlay
	expect_hashes
	unlike "$(kernel_log)" 'erofs.*(error|corrupt|failed)' "$name: no EROFS read error"
	rm -f "$img"
}

boot_built lz4hc-64k -z lz4hc -C 65536
boot_built lz4-16k -z lz4 -C 16384
boot_built lzma -z lzma
boot_built lz4-1k-blocks -z lz4 -b 1024
boot_built plain-512-blocks -b 512
boot_built all-root-epoch --all-root -T 1700000000 -z lz4
done_testing
