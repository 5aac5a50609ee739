# shellcheck shell=bash
# Boot-scenario helpers for tests/boot/*.t (sourced after cd to the project
# root). A test builds an initrd layout, boots it, then asserts on what the
# guest /init reported (IEROFS key=value lines) and on the kernel log. Every
# expect_* prints TAP lines; none exits, so one failed boot shows all its
# problems. Do not use `set -e` in tests: a failed check returns non-zero.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
. "$HARNESS_DIR/lib/tap.sh"

TEST_NAME=$(basename "$0" .t)
# One directory per run, so that two runs of the same test at once (two
# checkouts' suites, or a test run by hand beside CI) never share a log;
# "latest" points at the newest.
LOG_ROOT=$HARNESS_OUT/logs/$TEST_NAME
LOG_DIR=$LOG_ROOT/$(date -u +%Y%m%dT%H%M%S)-$$
KERNEL=
ROOTFS=
LOG=
CASE=
INITRD=

# The kernel under test: $INITEROFS_BZIMAGE (scripts/test sets it) or what
# scripts/build-kernel builds. Without one the script fails at once.
scenario_setup() {
	mkdir -p "$LOG_DIR"
	ln -sfn "$(basename "$LOG_DIR")" "$LOG_ROOT/latest"
	prune_old_logs
	if [ -n "${INITEROFS_BZIMAGE:-}" ]; then
		KERNEL=$INITEROFS_BZIMAGE
	elif [ -x "$PROJECT_ROOT/scripts/build-kernel" ]; then
		KERNEL=$("$PROJECT_ROOT/scripts/build-kernel" | tail -n 1)
	fi
	if [ -z "$KERNEL" ] || [ ! -f "$KERNEL" ]; then
		ok 1 "kernel to boot (INITEROFS_BZIMAGE or scripts/build-kernel): '${KERNEL}'"
		done_testing
	fi
	ROOTFS=$("$HARNESS_DIR/mkrootfs" | tail -n 1)
	if [ ! -d "$ROOTFS" ]; then
		ok 1 "test rootfs built"
		done_testing
	fi
	diag "kernel: $KERNEL" "rootfs: $ROOTFS"
}

# Keep the logs (and initrds) of the last few runs of this test only.
prune_old_logs() {
	local keep=5 old
	while IFS= read -r old; do
		rm -rf "$LOG_ROOT/$old"
	done < <(cd "$LOG_ROOT" && ls -1d -- [0-9]*T[0-9]*-[0-9]* 2>/dev/null | sort -r | tail -n +$((keep + 1)))
}

# boot_case NAME LAYOUT [APPEND [harness/boot options...]]
# Builds the initrd ($INITRD), boots it, leaves the serial log in $LOG. One TAP line:
# the guest ran to the end of /init's report and powered off. Returns
# non-zero when it did not; the checks that follow still say what went wrong.
boot_case() {
	local name=$1 layout=$2 append=${3:-}
	shift 3 2>/dev/null || shift $#
	# A layout that cannot be built is a harness bug: nothing after it means
	# anything, so the script ends here, failed.
	if ! INITRD=$("$HARNESS_DIR/mkinitrd" -r "$ROOTFS" "$layout" | tail -n 1) || [ ! -f "$INITRD" ]; then
		ok 1 "$name: build initrd '$layout'"
		done_testing
	fi
	boot_initrd "$name" "$INITRD" "$append" "$@"
}

# boot_initrd NAME INITRD [APPEND [harness/boot options...]]: boot_case for an
# initrd made elsewhere (e.g. by initerofs convert). A guest gets
# $BOOT_TIMEOUT seconds (default 90; the test rootfs boots in a few).
boot_initrd() {
	local name=$1 append=${3:-} rc=0
	INITRD=$2
	shift 3 2>/dev/null || shift $#
	CASE=$name
	LOG=$LOG_DIR/$name.log
	rm -f "$LOG" "$LOG.meta" "$LOG.stderr"
	"$HARNESS_DIR/boot" -k "$KERNEL" -i "$INITRD" -a "$append" -l "$LOG" -t "${BOOT_TIMEOUT:-90}" "$@" >/dev/null || rc=$?
	[ "$rc" -eq 0 ] && [ "$(report end)" = ok ]
	ok $? "$name: /init reported to the end and the guest powered off (${INITRD##*/}, ${append:-no extra append})" ||
		diag "QEMU status $rc; log $LOG; last lines:" "$(tail -n 25 "$LOG" 2>/dev/null)"
}

# report KEY: the first value /init reported for KEY in the current log.
report() {
	report_all "$1" | head -n 1
}

report_all() {
	awk -v k="IEROFS $1=" 'index($0, k) == 1 { print substr($0, length(k) + 1) }' "$LOG" 2>/dev/null
}

# Kernel lines from the console before /init silenced it, and from dmesg
# as /init dumped it at the end: together the whole story.
kernel_log() {
	{
		grep -v '^IEROFS ' "$LOG"
		report_all kmsg
	} 2>/dev/null
}

initerofs_lines() {
	kernel_log | grep -F 'initerofs:' | sed 's/^\[ *[0-9.]*\] //' | awk '!seen[$0]++'
}

expect_clean_kernel() {
	unlike "$(kernel_log)" 'Oops|BUG:|Call Trace|general protection fault|WARNING: CPU|Kernel panic|Unable to handle' \
		"$CASE: no oops, BUG, warning or panic in the kernel log"
}

expect_root_erofs_overlay() {
	is "$(report root.fstype)" overlay "$CASE: / is an overlay"
	local mounted instances
	mounted=$(report_all mount | awk '$3 == "erofs"')
	instances=$(report erofs.instances)
	[ -n "$mounted$instances" ]
	ok $? "$CASE: an EROFS filesystem is mounted (/proc/mounts or /sys/fs/erofs)" ||
		diag "mounts:" "$(report_all mount)"
}

expect_root_rootfs() {
	is "$(report root.fstype)" rootfs "$CASE: / is the usual rootfs"
	unlike "$(report_all mount)" ' (erofs|overlay) ' "$CASE: no EROFS or overlay mounted"
}

expect_hashes() {
	local listed
	listed=$(grep -c . "$ROOTFS/etc/harness/sha256.list")
	is "$(report hash.listed)" "$listed" "$CASE: the guest sees the host's list of $listed files"
	is "$(report hash.ok)" "$listed" "$CASE: every file's sha256 matches the host's"
	is "$(report hash.bad)" 0 "$CASE: no file missing or different" ||
		diag "$(report_all hash.fail | head -n 10)"
}

expect_writes() {
	is "$(report write.etc)" ok "$CASE: /etc/x written and read back"
	is "$(report write.tmp)" ok "$CASE: /tmp/y written and read back"
	is "$(report write.copyup)" ok "$CASE: a lower-layer file changed in place (copy-up)"
	is "$(report delete.lower)" ok "$CASE: a lower-layer file deleted"
}

expect_init() {
	is "$(report init)" "$1" "$CASE: the init that ran is $1"
}

# expect_initerofs REGEX WHAT: some initerofs: kernel line matches.
expect_initerofs() {
	like "$(initerofs_lines)" "$1" "$CASE: initerofs: log line $2" ||
		diag "initerofs lines:" "$(initerofs_lines)"
}

expect_no_initerofs() {
	unlike "$(initerofs_lines)" "$1" "$CASE: no initerofs: log line $2"
}

# The unpacked files sit in the rootfs tmpfs (Shmem) on a cpio boot and
# must not on an EROFS boot: a copy in RAM is what initerofs avoids.
expect_shmem_at_init() {
	local op=$1 kb=$2 words
	case $op in
	-ge) words="at least" ;;
	-lt) words="below" ;;
	*) words=$op ;;
	esac
	cmp_num "$(report mem.init.Shmem)" "$op" "$kb" "$CASE: Shmem (files in tmpfs) at /init $words $kb kB"
}

rootfs_kb() {
	cat "$(dirname "$ROOTFS")/size-kb"
}

# Byte offset of the EROFS image in an initrd file: the first 4-byte-aligned
# position whose superblock (1024 bytes further) carries the EROFS magic.
erofs_offset() {
	perl -e '
		open(my $fh, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
		my $data = do { local $/; <$fh> };
		my $magic = pack("V", 0xE0F5E1E2);
		for (my $at = index($data, $magic); $at >= 0; $at = index($data, $magic, $at + 1)) {
			my $offset = $at - 1024;
			if ($offset >= 0 && $offset % 4 == 0) { print "$offset\n"; exit 0 }
		}
		print "-1\n";
	' "$1"
}

# Kilobytes the kernel logged as "Freeing initrd memory: NK", each line
# once (the console and the kmsg report can both carry it).
initrd_freed_kb() {
	kernel_log | grep -o '^\[ *[0-9.]*\] Freeing initrd memory: [0-9]*K' | awk '!seen[$0]++' |
		sed 's/.*: \([0-9]*\)K$/\1/' | awk '{ n += $1 } END { print n + 0 }'
}

# The initrd's size in whole pages, in kB: what freeing all of it gives
# back (QEMU loads it on a page boundary).
initrd_pages_kb() {
	echo $((($(stat -c %s "$1") + 4095) / 4096 * 4))
}

# Memory-debugging reports that must never appear.
expect_no_bad_page() {
	unlike "$(kernel_log)" 'Bad page state|BUG: KASAN|KASAN:|page dumped because|list_(add|del) corruption' \
		"$CASE: no bad page state, KASAN or list corruption report"
}

# expect_initrd_freed EXACT|AT_MOST: the "Freeing initrd memory" lines add up
# to the initrd's pages (or to no more than them). A debug_pagealloc kernel
# unmaps instead of freeing: then there is nothing to add up.
expect_initrd_freed() {
	local pages freed
	pages=$(initrd_pages_kb "$INITRD")
	freed=$(initrd_freed_kb)
	if grep -q 'debug: unmapping init' "$LOG"; then
		skip "$CASE: freed initrd memory adds up: debug_pagealloc unmaps it instead"
		return
	fi
	case $1 in
	EXACT) is "$freed" "$pages" "$CASE: 'Freeing initrd memory' adds up to the initrd's $pages kB" ;;
	AT_MOST) cmp_num "$freed" -le "$pages" "$CASE: 'Freeing initrd memory' adds up to no more than the initrd's $pages kB ($freed kB)" ;;
	esac
}
