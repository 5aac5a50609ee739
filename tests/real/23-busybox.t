#!/bin/bash
# Issue 16 on real Debian userspace: a busybox initrd (Debian's
# busybox-static and an /init of a few lines, harness/guest/busybox-initrd-init)
# that mounts root= and ends in busybox switch_root, converted by `initerofs
# convert -z lz4hc` with no other step: it reaches systemd on the Debian
# root disk, nothing of the initrd stays mounted, and the memory after the
# switch is that of the same boot from the original cpio (MemTotal,
# MemAvailable within 1 MiB).
cd "$(dirname "$0")/../.." || exit 1
. tests/real/lib/real.sh

real_setup
cpio=$(real_initrd busybox)
ok 0 "the busybox initrd (${cpio##*/}, $(stat -c %s "$cpio") bytes)"
real_chain "$cpio" busybox 'switch_root \(busybox\)'
done_testing
