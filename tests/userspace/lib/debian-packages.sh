# shellcheck shell=bash
# The one package list of the Debian 12 root that tests/userspace/generators.t
# works in and harness/mkdebian turns into the real root disk of tests/real/
# and bench/real/: one mmdebstrap (debian_root, tests/userspace/lib/
# debian-root.sh), one cache entry, whoever asks first.
#
# - initramfs-tools (klibc run-init: busybox is only recommended and minbase
#   leaves it out), dracut-core, Debian's linux-image-6.12 for both to make
#   their initrds for;
# - systemd-sysv: systemd is /sbin/init on the real root;
# - the rest: what the generators call (zstd, cpio, kmod, udev) or the
#   package's hooks need (liblzo2-2).
DEBIAN_PACKAGES=(initramfs-tools dracut-core linux-image-6.12-amd64 zstd cpio
	liblzo2-2 systemd systemd-sysv kmod udev)
