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

erofs=$(real_convert "$cpio" dracut-base-lz4hc -z lz4hc)
ok $? "initerofs convert -z lz4hc converts it" || diag "$(cat "$LOG_DIR/dracut-base-lz4hc.img.err")"
like "$(cat "$LOG_DIR/dracut-base-lz4hc.img.err")" 'replaced .*switch_root \(util-linux\)' \
	"convert says it replaced util-linux's switch_root"

real_boot cpio "$cpio"
expect_real_root
is "$(systemd_in_initrd)" "no (0)" "$CASE: no systemd in the initrd"
cpio_log=$LOG

real_boot erofs-lz4hc "$erofs"
expect_real_erofs
expect_real_root
expect_same_memory "$cpio_log"
done_testing
