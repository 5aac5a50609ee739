#!/bin/bash
# Issue 16 on real Debian userspace: the initrd Debian's initramfs-tools
# makes (zstd cpio, klibc run-init), converted by `initerofs convert -z
# lz4hc` with no other step, boots the patched kernel to systemd as PID 1
# on a Debian 12 root disk (harness/mkdebian), leaves no erofs or overlay
# mount and no EROFS instance behind, and the memory after the switch is
# that of the same boot from the original cpio (MemTotal, MemAvailable
# within 1 MiB). The cpio boot is the baseline and must reach the root too.
# The rest of the matrix (dracut without systemd, busybox, uncompressed
# images, timings) is bench/real/run's.
cd "$(dirname "$0")/../.." || exit 1
. tests/real/lib/real.sh

real_setup
cpio=$(real_initrd initramfs-tools)
[ "$(head -c 6 "$cpio")" != 070701 ] && ! programs/initerofs check -q "$cpio" >/dev/null 2>&1
ok $? "initramfs-tools made a compressed cpio initrd (${cpio##*/}, $(stat -c %s "$cpio") bytes)"
real_chain "$cpio" initramfs-tools 'run-init \(klibc\)'
diag "EROFS instances went $(report real.erofs.wait_ms) ms into the report unit"
done_testing
