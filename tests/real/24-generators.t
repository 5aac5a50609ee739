#!/bin/bash
# Issue 15 on real Debian userspace: the initrds the package's own hooks
# make boot the real root. In the Debian 12 tree of harness/mkdebian, this
# tree's .deb is installed and opted in as a user does
# (INITEROFS=lz4hc in /etc/initramfs-tools/conf.d/initerofs.conf, then
# update-initramfs -c -k VERSION; initerofs="yes" in
# /etc/dracut.conf.d/initerofs.conf, then dracut), with no `initerofs
# convert` by hand (harness/mkdebian initrd initramfs-tools-hook,
# dracut-hook, dracut-base-hook). Each EROFS initrd boots our kernel to
# systemd on the root disk: the kernel mounted it as EROFS, systemd reached
# its target on /dev/vda, nothing of the initrd is left, and the memory
# after the switch is that of the same generator's cpio initrd without the
# hook (booted as the baseline; dracut without systemd only from EROFS: its
# memory is tests/real/22's). The root disk has the package too, and a
# unit that runs `initerofs info --kernel` on the booted kernel: it must
# say yes, with no configuration of our kernel on that disk: from the
# kernel's initerofs: log lines after an EROFS boot, from /proc/kallsyms
# after a cpio boot (which prints no such line).
cd "$(dirname "$0")/../.." || exit 1
. tests/real/lib/real.sh

real_setup
DISK=$("$HARNESS_DIR/mkdebian" root package 2>"$LOG_DIR/mkdebian-root-package.err" | tail -n 1)
if [ ! -f "$DISK" ]; then
	ok 1 "the root disk with the package installed (harness/mkdebian root package)"
	diag "$(tail -n 20 "$LOG_DIR/mkdebian-root-package.err")"
	done_testing
fi
diag "root disk with the package: $DISK"

# expect_hook_initrd INITRD: EROFS made by the hook, `initerofs check`
# clean.
expect_hook_initrd() {
	local out
	out=$(programs/initerofs check "$1" 2>&1)
	ok $? "$CASE: the hook made an EROFS initrd that passes initerofs check ($(stat -c %s "$1") bytes)" ||
		diag "$out"
}

# expect_info_kernel HOW: what `initerofs info --kernel` said on the booted
# kernel: yes (exit status 0), and HOW: from the initerofs: lines of its
# log (an EROFS boot), or from /proc/kallsyms (a cpio boot prints no such
# line, and there is no configuration of our kernel on the disk).
expect_info_kernel() {
	is "$(report real.info.status)" 0 "$CASE: initerofs info --kernel in the booted root: exit status 0" ||
		diag "$(report_all real.info)"
	like "$(report_all real.info | tail -n 1)" '^yes: .* can boot an EROFS initrd' \
		"$CASE: ...and says yes"
	case $1 in
	log) like "$(report_all real.info)" 'boot log: +initerofs: ' "$CASE: ...from the kernel's initerofs: lines" ;;
	kallsyms) like "$(report_all real.info | tail -n 1)" '/proc/kallsyms lists initerofs_claim' \
		"$CASE: ...from /proc/kallsyms (no initerofs: line on a cpio boot)" ;;
	esac
}

expect_systemd_in_initrd() {
	is "$(systemd_in_initrd)" yes "$CASE: systemd ran in the initrd (InitRDTimestamp set)"
}

# hook_chain KIND BASELINE [CHECK]: the generator's cpio initrd BASELINE,
# then the hook's EROFS initrd of KIND.
hook_chain() {
	local kind=$1 cpio=$2 check=${3:-:} erofs cpio_log
	erofs=$(real_initrd "$kind")
	CASE=$kind expect_hook_initrd "$erofs"
	! programs/initerofs check -q "$cpio" >/dev/null 2>&1
	ok $? "$kind: the baseline is a cpio initrd (${cpio#"$HARNESS_OUT/"}, $(stat -c %s "$cpio") bytes)"
	real_boot "$kind-cpio" "$cpio"
	expect_real_root
	$check
	expect_info_kernel kallsyms
	cpio_log=$LOG
	real_boot "$kind" "$erofs"
	expect_real_erofs
	expect_real_root
	$check
	expect_info_kernel log
	expect_same_memory "$cpio_log"
}

# initramfs-tools: the baseline is update-initramfs' initrd made with the
# package installed and not opted in.
itools=$(real_initrd initramfs-tools-hook)
hook_chain initramfs-tools-hook "${itools%/*}/initrd-optout.img"
# dracut: opted out, dracut writes the initrd of dracut-systemd byte for
# byte (the package adds nothing unless opted in): that is the baseline.
hook_chain dracut-hook "$(real_initrd dracut-systemd)" expect_systemd_in_initrd

# Without systemd in the initrd (util-linux switch_root, replaced by
# convert inside dracut's compressor step): to the root, nothing left.
erofs=$(real_initrd dracut-base-hook)
CASE=dracut-base-hook expect_hook_initrd "$erofs"
real_boot dracut-base-hook "$erofs"
expect_real_erofs
expect_real_root
is "$(systemd_in_initrd)" "no (0)" "$CASE: no systemd in the initrd"
expect_info_kernel log
done_testing
