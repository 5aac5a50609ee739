#!/bin/bash
# Issue 16 on real Debian userspace: a dracut initrd without systemd
# (dracut --no-kernel -o systemd ..., made in the Debian 12 tree of
# harness/mkdebian), whose /init ends in util-linux switch_root, converted
# by `initerofs convert -z lz4hc` with no other step: the switch-root
# program stands in for switch_root and reaches systemd on the Debian root
# disk, nothing of the initrd stays mounted, and the memory after the
# switch is that of the same boot from the original cpio (MemTotal,
# MemAvailable within 1 MiB).
cd "$(dirname "$0")/../.." || exit 1
. tests/real/lib/real.sh

real_setup
cpio=$(real_initrd dracut-base)
ok 0 "dracut made an initrd without systemd (${cpio##*/}, $(stat -c %s "$cpio") bytes)"

expect_no_systemd_in_initrd() {
	is "$(systemd_in_initrd)" "no (0)" "$CASE: no systemd in the initrd"
}
real_chain "$cpio" dracut-base 'switch_root \(util-linux\)' expect_no_systemd_in_initrd
done_testing
