#!/bin/bash
# The boot scenarios are only as good as their fixtures: check, without
# booting anything, that the test rootfs and every initrd layout they use are
# what they claim to be, with tools independent of the harness (GNU cpio,
# erofs-utils' fsck.erofs and dump.erofs, gzip).
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ROOTFS=$(harness/mkrootfs | tail -n 1)
[ -d "$ROOTFS" ]
ok $? "mkrootfs builds the test rootfs" || done_testing

(cd "$ROOTFS" && sha256sum --quiet -c etc/harness/sha256.list) >/dev/null 2>&1
ok $? "the rootfs matches its own sha256 list"
[ "$(stat -c %i "$ROOTFS/init")" = "$(stat -c %i "$ROOTFS/sbin/alt-init")" ]
ok $? "/sbin/alt-init is a hardlink of /init"
[ -c "$ROOTFS/dev/console" ]
ok $? "/dev/console is a character device"

initrd() {
	harness/mkinitrd -r "$ROOTFS" "$1" | tail -n 1
}

# image_at INITRD OFFSET OUT: the EROFS image starting at OFFSET, to its end
# as its superblock declares it (or the end of the file).
image_at() {
	tail -c +$(($2 + 1)) "$1" >"$3"
}

sb_u32() { # IMAGE FIELD_OFFSET
	od -An -tu4 -j $((1024 + $2)) -N4 "$1" | tr -d ' '
}

# Plain images: fsck.erofs accepts them and extracts the very rootfs.
for layout in erofs erofs.lz4 erofs.lz4hc; do
	img=$(initrd "$layout")
	fsck.erofs "$img" >/dev/null 2>&1
	ok $? "$layout: fsck.erofs accepts the image"
	rm -rf "$work/x"
	fsck.erofs --extract="$work/x" "$img" >/dev/null 2>&1 &&
		(cd "$work/x" && sha256sum --quiet -c etc/harness/sha256.list) >/dev/null 2>&1
	ok $? "$layout: fsck.erofs --extract gives files matching the host list"
done

# Microcode prefix: a newc cpio at byte 0, the image on the page grid or,
# with @4, deliberately off it.
img=$(initrd ucode+erofs.lz4)
is "$(head -c 6 "$img")" 070701 "ucode+erofs.lz4: starts with an uncompressed newc cpio"
like "$(cpio -it --quiet <"$img" 2>/dev/null)" '^kernel/x86/microcode/GenuineIntel.bin$' \
	"ucode+erofs.lz4: the cpio holds kernel/x86/microcode/GenuineIntel.bin"
off=$(erofs_offset "$img")
cmp_num $((off % 4096)) -eq 0 "ucode+erofs.lz4: image at a page boundary (offset $off)"
img=$(initrd ucode+erofs.lz4@4)
off=$(erofs_offset "$img")
cmp_num $((off % 4096)) -ne 0 "ucode+erofs.lz4@4: image off the page grid (offset $off)"
cmp_num $((off % 4)) -eq 0 "ucode+erofs.lz4@4: ... but 4-byte aligned"

# Trailing cpios: image, zero padding, a gzip stream, padding, a newc cpio.
img=$(initrd erofs.lz4+layer.gz+layer)
image_at "$img" 0 "$work/image"
end=$(($(sb_u32 "$work/image" 36) * 4096))
gz_at=$(((end + 3) / 4 * 4))
is "$(od -An -tx1 -j "$gz_at" -N2 "$img" | tr -d ' ')" 1f8b "erofs+layer.gz+layer: gzip stream right after the image"
tail -c +$((gz_at + 1)) "$img" | gzip -dc 2>/dev/null | cpio -it --quiet 2>/dev/null >"$work/gz-list"
like "$(cat "$work/gz-list")" '^probe/from-gz$' "erofs+layer.gz+layer: the gzip cpio holds probe/from-gz"
raw_at=$(perl -e 'open(F,"<:raw",$ARGV[0]); local $/; $d=<F>; print index($d, "070701", $ARGV[1])' "$img" "$gz_at")
cmp_num $((raw_at % 4)) -eq 0 "erofs+layer.gz+layer: the uncompressed cpio is 4-byte aligned (at $raw_at)"
like "$(tail -c +$((raw_at + 1)) "$img" | cpio -it --quiet 2>/dev/null)" '^probe/from-raw$' \
	"erofs+layer.gz+layer: the uncompressed cpio holds probe/from-raw"

# Damages: each is exactly the one it names.
damaged() { # DAMAGE -> the damaged image alone, in $work/image
	local img off
	img=$(initrd "cpio+marker+erofs.lz4!$1")
	off=$(erofs_offset "$img")
	[ "$1" = magic ] && off=$(perl -e 'open(F,"<:raw",$ARGV[0]); local $/; $d=<F>;
		$o = index($d, pack("V", 0xE0F5E1E3)); print $o - 1024' "$img")
	image_at "$img" "$off" "$work/image"
	# GNU cpio lists only the first archive; the marker is the second.
	is "$(head -c 6 "$img")" 070701 "$1: the fallback cpio is in front"
	head -c "$off" "$img" | grep -aq 'probe/fallback'
	ok $? "$1: ... followed by the marker archive"
}
damaged magic
like "$(fsck.erofs "$work/image" 2>&1)" 'cannot find valid erofs superblock' "magic: fsck.erofs finds no superblock"
damaged csum
like "$(fsck.erofs "$work/image" 2>&1)" "chksum doesn't match" "csum: fsck.erofs reports the checksum"
damaged trunc
cmp_num "$(stat -c %s "$work/image")" -lt $(($(sb_u32 "$work/image" 36) * 4096)) \
	"trunc: fewer bytes than the superblock declares"
damaged blksz
like "$(fsck.erofs "$work/image" 2>&1)" 'blksize 1073741824' "blksz: block size 2^30"
damaged size
cmp_num $(($(sb_u32 "$work/image" 36) * 4096)) -gt "$(stat -c %s "$work/image")" \
	"size: declared size beyond the end of the initrd"
unlike "$(fsck.erofs "$work/image" 2>&1)" 'chksum' "size: checksum still valid, only the size is wrong"
damaged huge
is "$(sb_u32 "$work/image" 36)" 4294967295 "huge: declared block count 0xffffffff"
unlike "$(fsck.erofs "$work/image" 2>&1)" 'chksum' "huge: checksum still valid"

done_testing
