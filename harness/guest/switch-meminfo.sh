# shellcheck shell=dash
# Memory report shared by both sides of a root switch (sourced by
# guest/switch-root.sh in the early root and guest/switch-newroot-init in
# the real root; both define `say`).
#
# switch_report_meminfo LABEL: mem.LABEL.FIELD for MemTotal, MemFree,
# MemAvailable, Cached and Shmem (kB, /proc/meminfo), and PcpFree: free
# pages parked on the per-CPU lists (kB, the `count:` lines of
# /proc/zoneinfo). Those are free but counted in neither MemFree nor
# MemAvailable, and after a burst of frees (an initramfs deleted, an image
# given back) the kernel may keep tens of MB there for a while, which would
# make two readings of the same state differ by that much.
switch_report_meminfo() {
	local label=$1 field
	for field in MemTotal MemFree MemAvailable Cached Shmem; do
		say "mem.$label.$field" "$(sed -n "s/^$field: *\([0-9]*\) kB/\1/p" /proc/meminfo)"
	done
	say "mem.$label.PcpFree" "$(awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo)"
}
