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

# systemd ran in the initrd before the root's (its InitRD timestamp is set).
expect_systemd_in_initrd() {
	is "$(systemd_in_initrd)" yes "$CASE: systemd ran in the initrd (InitRDTimestamp set)"
}
real_chain "$cpio" dracut-systemd '' expect_systemd_in_initrd
done_testing
