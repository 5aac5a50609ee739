#!/bin/bash
# initerofs convert on initrds made by Debian's initramfs-tools
# (mkinitramfs) for Debian's linux-image-6.12, with an early microcode
# archive prepended the way the intel-microcode package's hook does it
# (prepend_earlyinitramfs). Those packages are in non-free-firmware, which
# this machine's archive does not carry, so the hook builds the microcode
# archive itself, with stand-in blobs; what matters to the converter is the
# layout, which is the real one. The converted initrd must list like GNU
# cpio's extraction of the original.
cd "$(dirname "$0")/../.." || exit 1
. tests/userspace/lib/convert.sh
convert_setup

kver=$(cd /lib/modules 2>/dev/null && ls -d 6.12.*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kver" ] && [ -f "/lib/modules/$kver/modules.dep" ]
ok $? "modules of Debian's linux-image-6.12 are installed ($kver)" || done_testing
command -v mkinitramfs >/dev/null
ok $? "mkinitramfs (initramfs-tools) is installed" || done_testing

# A configuration folder of our own, so the system's stays untouched.
conf=$WORK/conf
mkdir -p "$conf/hooks" "$conf/conf.d" "$conf/scripts"
cp /etc/initramfs-tools/initramfs.conf "$conf/"
printf 'ext4\nvirtio_blk\nvirtio_pci\nerofs\noverlay\n' >"$conf/modules"
early_cpio=$WORK/early-ucode.cpio
cat >"$conf/hooks/early-ucode" <<EOF
#!/bin/sh
# Like intel-microcode's hook: an uncompressed early cpio, prepended.
[ "\$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
dir=\$(mktemp -d)
mkdir -p "\$dir/kernel/x86/microcode"
head -c 150000 /dev/urandom >"\$dir/kernel/x86/microcode/GenuineIntel.bin"
(cd "\$dir" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) >"$early_cpio"
rm -rf "\$dir"
prepend_earlyinitramfs "$early_cpio"
EOF
chmod +x "$conf/hooks/early-ucode"

# zstd is the Debian default; lz4 exercises the legacy frame (gzip and xz
# are covered by the gen_init_cpio test, which is much faster).
for method in zstd lz4; do
	sed -i -e 's/^MODULES=.*/MODULES=list/' -e "s/^COMPRESS=.*/COMPRESS=$method/" \
		"$conf/initramfs.conf"
	grep -q "^COMPRESS=$method" "$conf/initramfs.conf" ||
		echo "COMPRESS=$method" >>"$conf/initramfs.conf"
	initrd=$WORK/initrd-$method
	mkinitramfs -d "$conf" -o "$initrd" "$kver" >"$WORK/mkinitramfs.log" 2>&1
	ok $? "$method: mkinitramfs built an initrd for $kver" ||
		{ diag "$(tail -n 20 "$WORK/mkinitramfs.log")"; continue; }
	size=$(stat -c %s "$early_cpio")
	cmp -s -n "$size" "$early_cpio" "$initrd"
	ok $? "$method: the initrd starts with the hook's early microcode archive"
	convert_and_compare "$method" "$initrd"
	[ "$method" != zstd ] ||
		convert_switch_root "$method" "$initrd" \
			'replaced (/usr/sbin/switch_root \(busybox\), /usr/sbin/run-init|/usr/sbin/run-init \(busybox\), /usr/sbin/switch_root) \(busybox\) by /usr/lib/initerofs/switch-root; originals in /usr/lib/initerofs/stock; run-init alias in /conf/conf.d/zz-initerofs-switch-root$'
	cmp_num "$EARLY_OFFSET" -ge "$size" "$method: the EROFS image follows the early archive"
	cmp -s -n "$size" "$early_cpio" "$WORK/$method/out.img"
	ok $? "$method: the early archive is kept byte for byte"
	rm -rf "$initrd" "$WORK/$method"
done
done_testing
