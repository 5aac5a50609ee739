#!/bin/bash
# initerofs convert on archives made by the kernel's own usr/gen_init_cpio
# (compiled from Debian's linux-source-6.12): every file type, owners,
# setuid, hardlinks, empty and multi-megabyte files, the crc format, an
# early microcode prefix, every compression the kernel reads, and a
# GRUB-style concatenation of several segments. Each converted initrd is
# read back by fsck.erofs and must list exactly like GNU cpio's extraction
# of the input, path for path.
cd "$(dirname "$0")/../.." || exit 1
. tests/userspace/lib/convert.sh
convert_setup

GEN=$(gen_init_cpio)
ok $? "gen_init_cpio compiled from the kernel source" || done_testing

# The source files the manifests point at.
src=$WORK/src
mkdir -p "$src"
printf '#!/bin/sh\necho hello\n' >"$src/init"
: >"$src/empty"
head -c 3000000 /dev/urandom >"$src/random"
seq 1 400000 >"$src/text"
printf 'shared by three names\n' >"$src/linked"
head -c 4096 /dev/urandom >"$src/block"
printf 'ucode\0\1\2' >"$src/GenuineIntel.bin"
head -c 70000 /dev/urandom >"$src/AuthenticAMD.bin"

cat >"$WORK/main.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/sda1 0660 0 6 b 8 1
nod /dev/big 0600 0 0 c 4095 1048575
pipe /dev/initctl 0600 0 0
sock /dev/log 0666 0 0
dir /bin 0755 0 0
file /init $src/init 0755 0 0
file /bin/su $src/init 4755 0 0
file /bin/wall $src/init 2755 0 5
dir /tmp 1777 0 0
dir /home 0755 0 0
dir /home/user 0700 1000 1000
file /home/user/empty $src/empty 0600 1000 1000
file /home/user/random $src/random 0644 1000 100
file /home/user/text $src/text 0444 65534 65534
file /home/user/block $src/block 0640 1000 1000
file /bin/one $src/linked 0755 0 0 /bin/two /home/user/three
slink /bin/sh busybox 0777 0 0
slink /home/user/abs /bin/su 0777 1000 1000
slink /home/user/dangling ../nowhere/at/all 0777 0 0
dir /deep 0755 0 0
dir /deep/a 0755 0 0
dir /deep/a/b 0755 0 0
dir /deep/a/b/c 0711 2 3
file /deep/a/b/c/leaf $src/init 0400 0 0
EOF
cat >"$WORK/early.list" <<EOF
dir /kernel 0755 0 0
dir /kernel/x86 0755 0 0
dir /kernel/x86/microcode 0755 0 0
file /kernel/x86/microcode/GenuineIntel.bin $src/GenuineIntel.bin 0644 0 0
file /kernel/x86/microcode/AuthenticAMD.bin $src/AuthenticAMD.bin 0644 0 0
EOF

"$GEN" -t 1700000000 "$WORK/main.list" >"$WORK/main.cpio"
ok $? "gen_init_cpio made the main archive"
"$GEN" -t 1700000000 "$WORK/early.list" >"$WORK/early.cpio"
ok $? "gen_init_cpio made the early microcode archive"
"$GEN" -c -t 1700000000 "$WORK/main.list" >"$WORK/main-crc.cpio"
ok $? "gen_init_cpio -c made a crc (070702) archive"
is "$(head -c 6 "$WORK/main-crc.cpio")" 070702 "the crc archive has the 070702 magic"

early_size=$(stat -c %s "$WORK/early.cpio")
image_offset=$(((early_size + 4095) / 4096 * 4096))
for method in none gzip bzip2 xz lzma lz4 lzo zstd; do
	initrd=$WORK/initrd-$method
	{ cat "$WORK/early.cpio"; compress_with "$method" <"$WORK/main.cpio"; } >"$initrd"
	convert_and_compare "$method" "$initrd"
	is "$EARLY_OFFSET" "$image_offset" "$method: the EROFS image starts at the first page boundary after the prefix"
	# gen_init_cpio pads its archives with zeros to 512 bytes, as we pad to 4096.
	cmp -s -n "$image_offset" <(cat "$WORK/early.cpio" /dev/zero) "$WORK/$method/out.img"
	ok $? "$method: the early microcode archive is copied byte for byte, then zeros"
	rm -f "$initrd" "$WORK/$method"/*.img
done

# The crc format, compressed, without a prefix: the image is at offset 0.
compress_with gzip <"$WORK/main-crc.cpio" >"$WORK/initrd-crc"
convert_and_compare crc "$WORK/initrd-crc"
is "$EARLY_OFFSET" 0 "crc: no early archive, the image starts at offset 0"

# Standard input works the same as a file.
"$INITEROFS" convert -q -o "$WORK/stdin.img" - <"$WORK/initrd-crc"
ok $? "convert reads standard input ('-')"
"$INITEROFS" convert -q -o "$WORK/file.img" "$WORK/initrd-crc"
cmp -s "$WORK/stdin.img" "$WORK/file.img"
ok $? "the image from standard input is byte-identical to the one from the file"

# Reproducible: the same input and options give the same bytes.
"$INITEROFS" convert -q -z lz4hc -o "$WORK/r1.img" "$WORK/initrd-crc" &&
	"$INITEROFS" convert -q -z lz4hc -j 1 -o "$WORK/r2.img" "$WORK/initrd-crc" &&
	cmp -s "$WORK/r1.img" "$WORK/r2.img"
ok $? "converting twice (-z lz4hc, -j default and 1) gives byte-identical images"
rm -f "$WORK"/*.img

# A bootloader's concatenation: early prefix, main gzip, then an
# uncompressed and a zstd cpio (4-byte padding, as GRUB and systemd-stub)
# that add files and replace one of the main archive's.
printf 'from the overlay\n' >"$src/overlay-init"
cat >"$WORK/layer1.list" <<EOF
dir /etc 0755 0 0
file /etc/credential $src/text 0600 0 0
EOF
cat >"$WORK/layer2.list" <<EOF
file /init $src/overlay-init 0700 0 0
slink /bin/sh /init 0777 0 0
EOF
"$GEN" "$WORK/layer1.list" >"$WORK/layer1.cpio"
"$GEN" "$WORK/layer2.list" | compress_with zstd >"$WORK/layer2.cpio.zst"
pad4() { head -c $(((4 - $(stat -c %s "$1") % 4) % 4)) /dev/zero; }
{
	cat "$WORK/early.cpio"
	gzip -n <"$WORK/main.cpio" >"$WORK/main.cpio.gz"
	cat "$WORK/main.cpio.gz"; pad4 "$WORK/main.cpio.gz"
	cat "$WORK/layer1.cpio"
	cat "$WORK/layer2.cpio.zst"
} >"$WORK/initrd-layers"
mkdir -p "$WORK/layers/want"
for piece in early.cpio main.cpio layer1.cpio; do
	extract_with_cpio "$WORK/$piece" "$WORK/layers/want"
done
zstd -dc <"$WORK/layer2.cpio.zst" >"$WORK/layer2.cpio"
extract_with_cpio "$WORK/layer2.cpio" "$WORK/layers/want"
"$INITEROFS" convert -q -o "$WORK/layers/out.img" "$WORK/initrd-layers"
ok $? "layers: a four-segment initrd converts"
read_back "$WORK/layers/out.img" "$WORK/layers/back"
ok $? "layers: fsck.erofs extracts it"
same_as_cpio layers "$WORK/layers/want" "$WORK/layers/back" "the merge of all segments"
is "$(cat "$WORK/layers/back/erofs/init")" "from the overlay" "layers: a later segment's /init replaces the main one"
done_testing
