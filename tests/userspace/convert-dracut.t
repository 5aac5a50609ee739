#!/bin/bash
# initerofs convert on initrds made by Debian's dracut (dracut-core 059)
# for Debian's linux-image-6.12, with dracut's own early cpio in front:
# ACPI table overrides (kernel/firmware/acpi/*.aml plus dracut's
# "early_cpio" marker). dracut's early microcode is no option here: 059
# looks for CONFIG_MICROCODE_INTEL/AMD, which Linux 6.6 folded into
# CONFIG_MICROCODE, so it disables itself for 6.12 ("kernel does not
# support it"); the ACPI override takes the same early path. The converted
# initrd must list like GNU cpio's extraction of the original.
cd "$(dirname "$0")/../.." || exit 1
. tests/userspace/lib/convert.sh
convert_setup

kver=$(cd /lib/modules 2>/dev/null && ls -d 6.12.*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kver" ] && [ -f "/lib/modules/$kver/modules.dep" ]
ok $? "modules of Debian's linux-image-6.12 are installed ($kver)" || done_testing
command -v dracut >/dev/null
ok $? "dracut (dracut-core) is installed" || done_testing

# Our own configuration, so the system's /etc/dracut.conf.d stays out.
mkdir -p "$WORK/confdir" "$WORK/acpi"
head -c 3000 /dev/urandom >"$WORK/acpi/ssdt1.aml"
head -c 777 /dev/urandom >"$WORK/acpi/ssdt2.aml"
printf 'acpi_override="yes"\nacpi_table_dir="%s"\n' "$WORK/acpi" >"$WORK/dracut.conf"

for method in zstd xz; do
	initrd=$WORK/initrd-$method
	dracut --conf "$WORK/dracut.conf" --confdir "$WORK/confdir" --no-hostonly \
		-m "base" --compress "$method" --kver "$kver" --force "$initrd" \
		>"$WORK/dracut.log" 2>&1
	ok $? "$method: dracut built an initrd for $kver" ||
		{ diag "$(tail -n 20 "$WORK/dracut.log")"; continue; }
	is "$(head -c 6 "$initrd")" 070701 "$method: the initrd starts with dracut's early cpio"
	convert_and_compare "$method" "$initrd"
	[ "$method" != zstd ] ||
		convert_switch_root "$method" "$initrd" \
			'replaced /usr/sbin/switch_root \(util-linux\) by /usr/lib/initerofs/switch-root; originals in /usr/lib/initerofs/stock$'
	cmp_num "$EARLY_OFFSET" -gt 0 "$method: the early ACPI archive stays in front of the image"
	read_back "$WORK/$method/out.img" "$WORK/$method/back"
	cmp -s "$WORK/acpi/ssdt1.aml" "$WORK/$method/back/prefix/kernel/firmware/acpi/ssdt1.aml"
	ok $? "$method: the ACPI table is in the kept prefix, where the kernel's early loader looks"
	[ ! -e "$WORK/$method/back/ours/kernel/firmware/acpi/ssdt1.aml" ]
	ok $? "$method: ...and not in the EROFS image"
	rm -rf "$initrd" "$WORK/$method"
done
done_testing
