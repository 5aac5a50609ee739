#!/bin/bash
# Scenario 7: the retain_initerofs boot parameter keeps the initrd memory.
# The initrd here has a 6 MiB early-microcode cpio in front of the EROFS
# image, as distribution initrds do, so what a normal boot gives back (the
# pages around the image) is big enough to see in MemTotal. With the parameter the kernel consumes it (it is
# not handed to /init), says so, keeps the initrd byte for byte (readable in
# /sys/firmware/initrd) and MemTotal is lower by what is not freed; an
# unaligned image is then read in place whole, with no copy of its edges.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

layout=ucode-big+erofs.lz4
steps=harness.steps=mounts,hash,initrd,kmsg

boot_case no-retain "$layout" "$steps"
expect_clean_kernel
expect_root_erofs_overlay
expect_no_initerofs 'retain' "about retaining when not asked to"
is "$(report initrd.size)" none "$CASE: /sys/firmware/initrd absent (initrd given back)"
total_freed=$(report mem.init.MemTotal)

boot_case retain "$layout" "retain_initerofs $steps"
expect_clean_kernel
expect_root_erofs_overlay
expect_hashes
unlike "$(report argv)" retain_initerofs "$CASE: the kernel consumed retain_initerofs (not passed to /init)"
unlike "$(kernel_log | grep 'Unknown kernel command line')" retain_initerofs \
	"$CASE: retain_initerofs is not an unknown parameter"
expect_initerofs 'retain' "acknowledging retain_initerofs"
is "$(report initrd.size)" "$(stat -c %s "$INITRD")" "$CASE: /sys/firmware/initrd holds the whole initrd"
is "$(report initrd.sha256)" "$(sha256sum <"$INITRD" | cut -d' ' -f1)" \
	"$CASE: /sys/firmware/initrd is the initrd byte for byte"

# The part of the initrd in front of the image (the microcode cpio and its
# padding) is what a normal boot frees and retain keeps.
# A kernel with debug_pagealloc (the debug variant, kernel/config/debug.config)
# never frees init memory on x86: it unmaps it instead, to catch late users,
# so MemTotal cannot show the difference there.
prefix_kb=$(($(erofs_offset "$INITRD") / 1024))
if grep -q 'debug: unmapping init' "$LOG"; then
	skip "$CASE: MemTotal lower by the part before the image: debug_pagealloc unmaps init memory, frees none"
	skip "$CASE: ... and not by much more: the same"
else
	total_kept=$(report mem.init.MemTotal)
	kept_kb=$((${total_freed:-0} - ${total_kept:-0}))
	cmp_num "$kept_kb" -ge $((prefix_kb - 8)) "$CASE: MemTotal lower by at least the ${prefix_kb} kB before the image"
	cmp_num "$kept_kb" -le $((prefix_kb + 1024)) "$CASE: ... and not by much more (kept ${kept_kb} kB)"
fi

# An image off the page grid shares its edge pages with the rest of the
# initrd; they are copied only so that those pages can be freed. A retained
# initrd is never freed: no copy (which the first version made, and leaked).
boot_case retain-unaligned ucode+erofs.lz4@4 "retain_initerofs $steps"
expect_clean_kernel
expect_root_erofs_overlay
expect_hashes
expect_no_initerofs 'page boundaries|not page-aligned' "about copying the image's edges (nothing to copy when retained)"
is "$(report initrd.size)" "$(stat -c %s "$INITRD")" "$CASE: /sys/firmware/initrd holds the whole initrd"
done_testing
