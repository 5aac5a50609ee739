#!/bin/bash
# The Debian package and its generator hooks, in a Debian 12 root made by
# mmdebstrap (cached in out/debian-root/): the .deb is built from this tree
# (dpkg-buildpackage, lintian-clean; cached in out/deb/ by a hash of the
# sources: tests/userspace/lib/debian-deb.sh), installed in the root, and
# Debian's own update-initramfs and dracut run there for Debian's
# linux-image-6.12 (MODULES=list, to stay small). Asserted: installing
# changes nothing; opted in, initrds are EROFS with the early archive in
# front, byte for byte, and the image on a 4096 boundary, `initerofs check`
# passes, two runs are byte-identical (SOURCE_DATE_EPOCH); a kernel without
# CONFIG_INITEROFS=y keeps its cpio; opted out, cpio again; a /boot too
# small for the EROFS step keeps a complete initrd and says why. Debian's
# kernel is not built with the series: "a kernel with CONFIG_INITEROFS=y"
# is that kernel with the lines the series sets added to its
# /boot/config-*, which is all the hooks read. Booting initrds the hooks
# made to a real root: tests/real/24-generators.t.
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
. harness/lib/tap.sh
. tests/userspace/lib/debian-root.sh
. tests/userspace/lib/debian-packages.sh
. tests/userspace/lib/debian-deb.sh

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (mmdebstrap, chroot, mounts)"
	exit 0
fi
[ -x programs/initerofs ] || make -s -j2 >/dev/null 2>&1
for t in mmdebstrap dpkg-buildpackage lintian unshare programs/initerofs; do
	command -v $t >/dev/null || { echo "1..0 # SKIP no $t (scripts/install-deps)"; exit 0; }
done
# Every mount below dies with this private mount namespace.
if [ -z "${GENERATORS_IN_NS:-}" ]; then
	GENERATORS_IN_NS=1 exec unshare -m --propagation private "$TOP/$0" "$@"
fi

export SOURCE_DATE_EPOCH=1700000000
mkdir -p "$TOP/out"
WORK=$(mktemp -d "$TOP/out/generators.XXXXXX")
trap 'umount -R "$WORK/root" 2>/dev/null; rm -rf "$WORK"' EXIT

debdir=$(debian_deb)
ok $? "dpkg-buildpackage -us -uc -b builds initerofs_*.deb" ||
	{ diag "$(tail -n 30 "$debdir")"; done_testing; }
deb=$(debian_deb_file "$debdir")
is "$(cat "$debdir/lintian.status")" 0 "lintian --pedantic: no tags" ||
	diag "$(grep -v 'root privileges' "$debdir/lintian.log" | head -n 20)"

lower=$(debian_root "${DEBIAN_PACKAGES[@]}")
ok $? "a Debian 12 root with initramfs-tools, dracut and linux-image-6.12 (mmdebstrap)" ||
	done_testing
root=$(debian_root_overlay "$lower" "$WORK")
ok $? "an overlay of it to work in" || done_testing
kver=$(ls "$root/lib/modules" | head -n 1)
boot=$root/boot
rinitrd=/boot/initrd.img-$kver	# as seen in the root
initrd=$root$rinitrd

in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH "$@"
}
# is_erofs PATH_IN_ROOT; is_cpio_initrd HOST_PATH: a cpio initrd that
# starts with our microcode archive.
# (This tree's programs/initerofs, so that it also works once the package
# is removed.)
is_erofs() { "$TOP/programs/initerofs" check -q "$root$1" >/dev/null 2>&1; }
is_cpio_initrd() {
	! is_erofs "${1#"$root"}" && cmp -s -n "$ucode_size" "$root/root/ucode.cpio" "$1"
}
leftovers() { find "$boot" -name '*.initerofs-new*' -o -name '*.tmp-*' | wc -l; }

# An early microcode archive, prepended as intel-microcode's hook does
# (non-free-firmware is not in this archive, so the blob is a stand-in).
mkdir -p "$root/etc/initramfs-tools/hooks"
head -c 150000 /dev/urandom >"$WORK/GenuineIntel.bin"
mkdir -p "$root/root/ucode/kernel/x86/microcode"
cp "$WORK/GenuineIntel.bin" "$root/root/ucode/kernel/x86/microcode/"
(cd "$root/root/ucode" && find . | LC_ALL=C sort |
	cpio --quiet -o -H newc --reproducible) >"$root/root/ucode.cpio"
touch -d @$SOURCE_DATE_EPOCH "$root/root/ucode.cpio"
cat >"$root/etc/initramfs-tools/hooks/early-ucode" <<'HOOK'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
prepend_earlyinitramfs /root/ucode.cpio
HOOK
chmod +x "$root/etc/initramfs-tools/hooks/early-ucode"
ucode_size=$(stat -c %s "$root/root/ucode.cpio")

cp "$deb" "$root/tmp/"
out=$(in_root dpkg -i "/tmp/${deb##*/}" 2>&1)
ok $? "the package installs" || diag "$out"

# --- initramfs-tools ---------------------------------------------------
uinit() { in_root update-initramfs "$@" 2>&1; }
out=$(uinit -c -k "$kver")
ok $? "installed, not opted in: update-initramfs -c works" || diag "$out"
is_cpio_initrd "$initrd"
ok $? "...and writes a cpio initrd, starting with the microcode archive"
cp "$initrd" "$WORK/ref.cpio"

conf=$root/etc/initramfs-tools/conf.d/initerofs.conf
echo INITEROFS=yes >>"$conf"
out=$(uinit -c -k "$kver")
ok $? "opted in, Debian's kernel: update-initramfs succeeds" || diag "$out"
like "$out" "CONFIG_INITEROFS=y is not in /boot/config-" "...says the kernel lacks CONFIG_INITEROFS"
is "$(grep -c '^initerofs: ' <<<"$out")" 2 "...in two lines: the verdict, and that the cpio stays" ||
	diag "$out"
is_cpio_initrd "$initrd"
ok $? "...and keeps the cpio initrd"

# What the series' Kconfig needs, built in, as such a kernel's config says.
printf 'CONFIG_INITEROFS=y\nCONFIG_EROFS_FS=y\nCONFIG_OVERLAY_FS=y\n' >>"$boot/config-$kver"
out=$(in_root initerofs info --kernel "$kver")
ok $? "initerofs info --kernel: yes, with CONFIG_INITEROFS=y" || diag "$out"
out=$(uinit -c -k "$kver")
ok $? "opted in, kernel with CONFIG_INITEROFS=y: update-initramfs -c succeeds" || diag "$out"
out=$(in_root initerofs check "$rinitrd" 2>&1)
ok $? "the initrd is EROFS and passes initerofs check" || diag "$out"
cmp -s -n "$ucode_size" "$root/root/ucode.cpio" "$initrd"
ok $? "the microcode archive is in front, byte for byte"
start=$(in_root initerofs info "$rinitrd" | awk '/^starts at:/ { print $3 }')
cmp_num "$start" -ge "$ucode_size" "the image follows the microcode archive"
cmp_num $((start % 4096)) -eq 0 "the image starts on a 4096-byte boundary"
is "$(stat -c %a "$initrd")" 644 "the initrd keeps mkinitramfs' mode"
is "$(leftovers)" 0 "no temporary files left in /boot"
cp "$initrd" "$WORK/erofs.1"
out=$(uinit -u -k "$kver")
ok $? "update-initramfs -u, again" || diag "$out"
cmp -s "$WORK/erofs.1" "$initrd"
ok $? "two runs give byte-identical EROFS initrds (SOURCE_DATE_EPOCH)"

sed -i 's/^INITEROFS=.*/INITEROFS=lzma/' "$conf"
out=$(uinit -c -k "$kver")
ok $? "INITEROFS=lzma" || diag "$out"
in_root initerofs info "$rinitrd" | grep -q '^algorithms:.*lzma'
ok $? "...gives an lzma-compressed image"

# (The configuration files are in the initrd: a cpio made with the same
# ones is the reference.)
sed -i 's/^INITEROFS=.*/INITEROFS=none/' "$conf"
out=$(in_root env INITEROFS=no update-initramfs -c -k "$kver" 2>&1)
is_cpio_initrd "$initrd"
ok $? "INITEROFS=no in the environment: cpio for that run" || diag "$out"
cp "$initrd" "$WORK/ref.cpio"

# A /boot with room for two cpio initrds but not for the EROFS one beside
# the cpio: mkinitramfs succeeds, the EROFS step cannot.
cpio_size=$(stat -c %s "$WORK/ref.cpio")
config_size=$(stat -c %s "$boot/config-$kver")
mkdir -p "$WORK/boot.saved" && cp -a "$boot/." "$WORK/boot.saved/"
mount -t tmpfs -o size=$((2 * cpio_size + config_size + 262144)) tmpfs "$boot"
cp -a "$WORK/boot.saved/config-$kver" "$WORK/ref.cpio" "$boot/" &&
	mv "$boot/ref.cpio" "$initrd"
out=$(uinit -c -k "$kver")
status=$?
cmp_num $status -ne 0 "full /boot: update-initramfs fails" || diag "$out"
like "$out" "left as it was" "...and says the initrd is left as it was"
like "$out" "No space left on device" "...and why"
cmp -s "$WORK/ref.cpio" "$initrd"
ok $? "...and the initrd is the complete cpio initrd mkinitramfs wrote"
is "$(leftovers)" 0 "...and no temporary files are left"
umount "$boot"

sed -i 's/^INITEROFS=.*/#INITEROFS=yes/' "$conf"
out=$(uinit -c -k "$kver")
ok $? "opted out again: update-initramfs -c" || diag "$out"
is_cpio_initrd "$initrd"
ok $? "...writes a cpio initrd again"

# --- dracut --------------------------------------------------------------
mkdir -p "$root/root/acpi"
head -c 3000 /dev/urandom >"$root/root/acpi/ssdt1.aml"
printf 'acpi_override="yes"\nacpi_table_dir="/root/acpi"\nreproducible="yes"\n' \
	>"$root/etc/dracut.conf.d/10-test.conf"
dconf=$root/etc/dracut.conf.d/initerofs.conf
dimg=/boot/initramfs-dracut.img
run_dracut() {
	in_root dracut --no-hostonly --force --kver "$kver" "$@" "$dimg" 2>&1
}
for flavour in "systemd" "base"; do
	mods="base"
	[ "$flavour" = systemd ] && mods="systemd base"
	echo 'initerofs="yes"' >"$dconf"
	out=$(run_dracut -m "$mods" --add initerofs)
	ok $? "dracut ($flavour initrd), initerofs=\"yes\" and --add initerofs" ||
		{ diag "$(tail -n 20 <<<"$out")"; continue; }
	out=$(in_root initerofs check "$dimg" 2>&1)
	ok $? "...an EROFS initrd that passes initerofs check" || diag "$out"
	cpio -t --quiet <"$root$dimg" 2>/dev/null | grep -qx kernel/firmware/acpi/ssdt1.aml
	ok $? "...with dracut's early ACPI archive in front"
	start=$(in_root initerofs info "$dimg" | awk '/^starts at:/ { print $3 }')
	cmp_num $((start % 4096)) -eq 0 "...and the image on a 4096-byte boundary (at $start)"
	cp "$root$dimg" "$WORK/dracut.1"
	run_dracut -m "$mods" --add initerofs >/dev/null
	cmp -s "$WORK/dracut.1" "$root$dimg"
	ok $? "...byte-identical on a second run"
done
# The module included by the configuration alone (with -m, the documented
# add_dracutmodules line).
printf 'initerofs="lz4"\nadd_dracutmodules+=" initerofs "\n' >"$dconf"
out=$(run_dracut -m base)
is_erofs "$dimg"
ok $? "dracut with only the configuration file: EROFS" || diag "$(tail -n 20 <<<"$out")"

# No room in /boot for the EROFS initrd: dracut fails, the old one stays.
cp "$root$dimg" "$WORK/dracut.old"
mount -t tmpfs -o size=$(( $(stat -c %s "$WORK/dracut.old") + config_size + 131072 )) tmpfs "$boot"
cp -a "$WORK/boot.saved/config-$kver" "$boot/"
printf 'initerofs="none"\nadd_dracutmodules+=" initerofs "\n' >"$dconf"
cp "$WORK/dracut.old" "$root$dimg"
out=$(run_dracut -m base)
cmp_num $? -ne 0 "full /boot: dracut fails" || diag "$out"
like "$out" "the old initrd stays" "...and says why"
cmp -s "$WORK/dracut.old" "$root$dimg"
ok $? "...and the previous initrd is intact"
umount "$boot"

: >"$dconf"
out=$(run_dracut -m base)
ok $? "dracut, opted out" || diag "$(tail -n 20 <<<"$out")"
! is_erofs "$dimg" && [ "$(head -c 6 "$root$dimg")" = 070701 ]
ok $? "...writes a cpio initrd again"

# --- kernel-install ------------------------------------------------------
echo INITEROFS=yes >"$root/etc/kernel/initerofs.conf"
# The entry-token directory makes kernel-install use the bls layout.
echo 0123456789abcdef0123456789abcdef >"$root/etc/machine-id"
mkdir -p "$boot/0123456789abcdef0123456789abcdef" "$boot/loader/entries"
cp "$initrd" "$WORK/before-ki"
out=$(in_root kernel-install add "$kver" "/boot/vmlinuz-$kver" 2>&1)
ok $? "kernel-install add, opted in" || diag "$out"
installed=$(find "$boot/0123456789abcdef0123456789abcdef" -name 'initrd*' -type f | head -n 1)
[ -n "$installed" ] && is_erofs "${installed#"$root"}"
ok $? "...installs an EROFS initrd ($installed)" || diag "$out"
cmp -s "$WORK/before-ki" "$initrd" && is_cpio_initrd "$initrd"
ok $? "...without touching /boot/initrd.img-$kver"

# --- removal -------------------------------------------------------------
echo INITEROFS=yes >"$conf"
out=$(uinit -u -k "$kver")
is_erofs "$rinitrd"
ok $? "opted in again: EROFS" || diag "$out"
out=$(in_root dpkg -r initerofs 2>&1)
ok $? "dpkg -r initerofs" || diag "$out"
[ -x "$root/etc/initramfs/post-update.d/00-initerofs" ] && [ -f "$conf" ]
ok $? "...leaves the configuration files"
out=$(uinit -u -k "$kver")
ok $? "...and update-initramfs still succeeds" || diag "$out"
is_cpio_initrd "$initrd"
ok $? "...writing a cpio initrd"
out=$(in_root dpkg --purge initerofs 2>&1)
ok $? "dpkg --purge initerofs" || diag "$out"
[ ! -e "$root/etc/initramfs/post-update.d/00-initerofs" ] && [ ! -e "$conf" ] &&
	[ ! -e "$root/etc/dracut.conf.d/initerofs.conf" ] && [ ! -e "$root/etc/kernel/initerofs.conf" ]
ok $? "...removes them"
out=$(uinit -u -k "$kver")
is_cpio_initrd "$initrd"
ok $? "...and the next update writes a cpio initrd" || diag "$out"

done_testing
