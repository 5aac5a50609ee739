#!/bin/bash
# Issue 16 on real Debian userspace: a dracut initrd with systemd in it
# (dracut --no-kernel -m "systemd systemd-initrd dracut-systemd ...", made in
# the Debian 12 tree of harness/mkdebian), converted by `initerofs convert
# -z lz4hc` with no other step: systemd's switch-root leaves the EROFS root
# and reaches systemd on the Debian root disk, nothing of the initrd stays
# mounted, and the memory after the switch is that of the same boot from
# the original cpio (MemTotal, MemAvailable within 1 MiB).
cd "$(dirname "$0")/../.." || exit 1
. tests/real/lib/real.sh

real_setup
cpio=$(real_initrd dracut-systemd)
ok 0 "dracut made a systemd initrd (${cpio##*/}, $(stat -c %s "$cpio") bytes)"

erofs=$(real_convert "$cpio" dracut-systemd-lz4hc -z lz4hc)
ok $? "initerofs convert -z lz4hc converts it" || diag "$(cat "$LOG_DIR/dracut-systemd-lz4hc.img.err")"

real_boot cpio "$cpio"
expect_real_root
is "$(systemd_in_initrd)" yes "$CASE: systemd ran in the initrd (InitRDTimestamp set)"
cpio_log=$LOG

real_boot erofs-lz4hc "$erofs"
expect_real_erofs
expect_real_root
is "$(systemd_in_initrd)" yes "$CASE: systemd ran in the initrd (InitRDTimestamp set)"
expect_same_memory "$cpio_log"
done_testing
