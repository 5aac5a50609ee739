# shellcheck shell=bash
# Root-switching scenario helpers for tests/boot/1*-switch-root*.t, on top
# of scenario.sh (sourced after cd to the project root). The early root is
# the test rootfs with the switching tools (mkrootfs --switch-tools); the
# real root is the ext4 image of harness/mkrealroot on a virtio disk, which
# QEMU's -snapshot keeps unchanged; guest/switch-root.sh switches with the
# method named by harness.switch= and guest/switch-newroot-init reports as
# `new.*` keys.

. "$(dirname "${BASH_SOURCE[0]}")/scenario.sh"

REALROOT=
# Early-root steps before the switch: the mounts it has, then the hook.
SWITCH_STEPS=mounts,hooks,kmsg

# switch_setup [mkrootfs options...]: the kernel, the early rootfs with the
# switching tools (and the options given), the real root's disk image.
switch_setup() {
	scenario_setup
	ROOTFS=$("$HARNESS_DIR/mkrootfs" --switch-tools "$@" | tail -n 1)
	REALROOT=$("$HARNESS_DIR/mkrealroot" | tail -n 1)
	if [ ! -d "$ROOTFS" ] || [ ! -f "$REALROOT" ]; then
		ok 1 "early rootfs with switching tools ('$ROOTFS') and ext4 real root ('$REALROOT') built"
		done_testing
	fi
	diag "early rootfs: $ROOTFS" "real root: $REALROOT"
}

# switch_append METHOD [STEPS [APPEND]]: the kernel command line's part.
switch_append() {
	local method=$1 steps=${2:-$SWITCH_STEPS} append=${3:-}
	echo "harness.steps=$steps harness.switch=$method${append:+ $append}"
}

# switch_case NAME LAYOUT METHOD [STEPS [APPEND]]: boot LAYOUT with the real
# root's disk and switch with METHOD after the early-root STEPS (default
# $SWITCH_STEPS; `hooks` is the one that switches); one TAP line (the new
# root, or the early /init after a refusal, reported to the end and powered
# off).
switch_case() {
	boot_case "$1" "$2" "$(switch_append "$3" "${4:-}" "${5:-}")" --disk "$REALROOT" -- -snapshot
}

# converted_initrd LAYOUT [convert options...]: the cpio LAYOUT of $ROOTFS
# (harness/mkinitrd) turned into an EROFS initrd by `initerofs convert`, as
# a distribution's initrd would be, with the root-switching tools replaced
# by the switch-root program; the path is printed, convert's messages are
# next to it (.err). Made in $LOG_DIR, once per LAYOUT and options.
converted_initrd() {
	local layout=$1 src out
	shift
	out=$LOG_DIR/converted-$(echo "$layout $*" | tr -c 'A-Za-z0-9.\n' _).img
	if [ ! -f "$out" ]; then
		src=$("$HARNESS_DIR/mkinitrd" -r "$ROOTFS" "$layout" | tail -n 1) &&
			"$PROJECT_ROOT/programs/initerofs" convert "$@" -o "$out" "$src" 2>"$out.err" ||
			return 1
	fi
	echo "$out"
}

# extracted_rootfs IMAGE: IMAGE's tree extracted (initerofs extract) into
# $LOG_DIR, for a cpio of a converted tree; the path is printed.
extracted_rootfs() {
	local dir=$LOG_DIR/tree-${1##*/}
	[ -d "$dir" ] || "$PROJECT_ROOT/programs/initerofs" extract "$1" "$dir" >/dev/null || return 1
	echo "$dir"
}

# switch_initrd NAME INITRD METHOD [STEPS [APPEND]]: switch_case for an
# initrd made elsewhere (converted_initrd).
switch_initrd() {
	boot_initrd "$1" "$2" "$(switch_append "$3" "${4:-}" "${5:-}")" --disk "$REALROOT" -- -snapshot
}

# switch_case_dies NAME LAYOUT METHOD [APPEND]: the same for a method that is
# expected to kill PID 1 (a tool exec'ed by /init that refuses the root):
# the one TAP line says the guest ended before its timeout, by itself.
# LAYOUT may also be the path of an initrd file (converted_initrd).
switch_case_dies() {
	local name=$1 layout=$2 method=$3 append=${4:-} rc=0
	CASE=$name
	LOG=$LOG_DIR/$name.log
	rm -f "$LOG" "$LOG.meta" "$LOG.stderr"
	if [ -f "$layout" ]; then
		INITRD=$layout
	elif ! INITRD=$("$HARNESS_DIR/mkinitrd" -r "$ROOTFS" "$layout" | tail -n 1) || [ ! -f "$INITRD" ]; then
		ok 1 "$name: build initrd '$layout'"
		done_testing
	fi
	"$HARNESS_DIR/boot" -k "$KERNEL" -i "$INITRD" -a "$(switch_append "$method" "" "$append")" -l "$LOG" \
		-t "${BOOT_TIMEOUT:-90}" --disk "$REALROOT" -- -snapshot >/dev/null || rc=$?
	[ "$rc" -ne 124 ] && [ -s "$LOG" ]
	ok $? "$name: the guest ended by itself (${INITRD##*/}, harness.switch=$method)" ||
		diag "harness/boot status $rc; log $LOG"
}

# expect_switched LABEL: the new root's init ran as PID 1 on the ext4 disk,
# entered by the method LABEL, with /dev, /proc and /sys brought along.
expect_switched() {
	is "$(report new.pid)" 1 "$CASE: the new root's init runs as PID 1"
	is "$(report new.argv)" "$1" "$CASE: entered by $1"
	is "$(report new.marker)" ext4-realroot "$CASE: / is the real root (its marker file)"
	is "$(report new.root.fstype)" ext4 "$CASE: / is ext4"
	is "$(report new.brought)" "/proc /sys /dev " "$CASE: /proc, /sys and /dev came along mounted"
}

# The early root is no longer mounted anywhere and its EROFS instance has
# been released (the condition for its memory to come back).
expect_old_root_released() {
	is "$(report new.oldroot)" gone "$CASE: /oldroot is not a mount point any more"
	unlike "$(report_all new.mount)" ' (overlay|erofs|rootfs) ' "$CASE: no early-root filesystem in /proc/mounts"
	is "$(report new.erofs.instances)" '' "$CASE: no EROFS instance left (/sys/fs/erofs)"
}

# No new root reached: the early /init went on after the refusal.
expect_not_switched() {
	is "$(report new.init)" '' "$CASE: no new init ran"
	is "$(report end)" ok "$CASE: the early /init went on to its end after the refusal"
}

# switch_payload MB: a directory of MB files of 1 MiB each, cached in
# out/harness/switch/; the last line of output is its path. The bytes are
# a fixed pseudo-random sequence (incompressible, every file different):
# memory tests use uncompressed images, where only the size matters, and
# the same bytes on every run keep image sizes and figures comparable.
switch_payload() {
	local mb=$1 dir=$HARNESS_OUT/switch/payload-${1}m
	if [ ! -d "$dir" ]; then
		mkdir -p "$HARNESS_OUT/switch"
		rm -rf "$dir.tmp"
		perl -MDigest::SHA=sha256 -e '
			my ($dir, $mb) = @ARGV;
			mkdir "$dir" or die "$dir: $!\n";
			# 1 MiB of a sha256 chain, then each file a rotation of it
			# by a different odd amount, so no two files share blocks.
			my ($block, $h) = ("", "initerofs switch payload");
			while (length($block) < 1 << 20) { $h = sha256($h); $block .= $h }
			for my $i (1 .. $mb) {
				my $cut = ($i * 40961) % (1 << 20);
				open(my $fh, ">:raw", sprintf("%s/bulk-%03d.bin", $dir, $i)) or die "$dir: $!\n";
				print $fh substr($block, $cut), substr($block, 0, $cut);
				close($fh) or die "$dir: $!\n";
			}
		' "$dir.tmp" "$mb" && mv -T "$dir.tmp" "$dir"
	fi
	echo "$dir"
}
