# shellcheck shell=bash
# Real-boot helpers for tests/real/*.t and bench/real/run (sourced after cd
# to the project root): Debian 12 userspace from harness/mkdebian (a root
# disk whose systemd reports over the console, initrds made by the real
# generators), `programs/initerofs convert` as a user runs it, the patched
# kernel in QEMU with the disk attached (-snapshot: every boot starts from
# the same disk). On top of harness/lib/scenario.sh: report KEY reads the
# guest's `IEROFS key=value` lines, here from the real root's report unit
# (harness/guest/real-report, keys under real. and mem.real.).

. "$(dirname "${BASH_SOURCE[0]}")/../../../harness/lib/scenario.sh"

DISK=
# Real boots take ~30 s on an idle machine under TCG, minutes under load.
REAL_TIMEOUT=${REAL_TIMEOUT:-600}
# The same for every boot: the root, no fsck (its timing is not the
# question), systemd's status and info messages off the console, where they
# could land in the middle of a report line.
REAL_APPEND="root=/dev/vda fsck.mode=skip systemd.show_status=error systemd.log_level=notice rd.shell=0 rd.emergency=poweroff"
# Noise out of the timings (docs/benchmarks.md, "Real Debian boot chains"):
# units that do nothing for the boot but run beside it at a moment that
# differs from boot to boot (the e2scrub snapshot reaper, getty-static,
# which fails on a system without dbus and logind) and the timers whose
# jobs could start inside the measured boot.
REAL_MASK=(getty-static.service e2scrub_reap.service apt-daily.timer apt-daily-upgrade.timer
	dpkg-db-backup.timer e2scrub_all.timer fstrim.timer systemd-tmpfiles-clean.timer)
REAL_APPEND+=$(printf ' systemd.mask=%s' "${REAL_MASK[@]}")
# The guest's clock of day starts at a fixed date and follows the virtual
# clock (as bench/run's boots): the date the guest reads, the timers that
# depend on it and what the kernel seeds with it are the same on every boot.
# shellcheck disable=SC2054 # QEMU's commas
REAL_QEMU_EXTRA=(-rtc base=2024-01-01T00:00:00,clock=vm)
# QEMU options added to instruction-counted boots (REAL_BOOT_OPTS=--icount).
# Tried and dropped: -icount shift=0,sleep=on (the idle guest's clock
# following the host's, so that a disk wait costs the host's latency rather
# than a run of skipped timer ticks): on a loaded host (load 30 on 2 cores)
# each read then cost up to seconds of guest time, and the initramfs-tools
# switch moved from 3 s to 25-38 s; harness/boot's sleep=off stays
# (docs/benchmarks.md, "Designing the noise out").
REAL_ICOUNT_EXTRA=()

# real_setup: skip unless root with mmdebstrap; the kernel; the root disk.
real_setup() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root (mmdebstrap, overlay mounts, chroot)"
		exit 0
	fi
	command -v mmdebstrap >/dev/null || { echo "1..0 # SKIP no mmdebstrap (scripts/install-deps)"; exit 0; }
	[ -x programs/initerofs ] || make -s -j2 >/dev/null 2>&1
	scenario_setup
	DISK=$("$HARNESS_DIR/mkdebian" root 2>"$LOG_DIR/mkdebian-root.err" | tail -n 1)
	if [ ! -f "$DISK" ]; then
		ok 1 "the Debian 12 root disk (harness/mkdebian root)"
		diag "$(tail -n 20 "$LOG_DIR/mkdebian-root.err")"
		done_testing
	fi
	diag "root disk: $DISK"
}

# real_initrd KIND: the generator's initrd (harness/mkdebian initrd KIND);
# ends the script if it cannot be made.
real_initrd() {
	local out
	out=$("$HARNESS_DIR/mkdebian" initrd "$1" 2>"$LOG_DIR/mkdebian-$1.err" | tail -n 1)
	if [ ! -f "$out" ]; then
		ok 1 "the $1 initrd (harness/mkdebian initrd $1)"
		diag "$(tail -n 20 "$LOG_DIR/mkdebian-$1.err")"
		done_testing
	fi
	echo "$out"
}

# real_convert INITRD NAME [convert options...]: `initerofs convert`, as a
# user runs it, into $LOG_DIR/NAME.img; its messages in NAME.img.err.
real_convert() {
	local in=$1 out=$LOG_DIR/$2.img
	shift 2
	programs/initerofs convert "$@" -o "$out" "$in" 2>"$out.err" || return 1
	echo "$out"
}

# real_chain CPIO NAME TOOL [CHECK]: the generator's initrd CPIO as made and
# converted by `initerofs convert -z lz4hc` (into NAME-lz4hc.img), convert
# naming TOOL (a regex, e.g. 'run-init \(klibc\)') as replaced, or nothing
# when TOOL is empty; both booted to the root disk and expected there, with
# CHECK (a function name, optional) after each boot; the EROFS boot mounted
# as EROFS and with the memory of the cpio boot.
real_chain() {
	local cpio=$1 name=$2 tool=$3 check=${4:-:} erofs cpio_log
	erofs=$(real_convert "$cpio" "$name-lz4hc" -z lz4hc)
	ok $? "initerofs convert -z lz4hc converts it" || diag "$(cat "$LOG_DIR/$name-lz4hc.img.err")"
	[ -z "$tool" ] || like "$(cat "$LOG_DIR/$name-lz4hc.img.err")" "replaced .*$tool" \
		"convert says it replaced $tool"
	real_boot cpio "$cpio"
	expect_real_root
	$check
	cpio_log=$LOG
	real_boot erofs-lz4hc "$erofs"
	expect_real_erofs
	expect_real_root
	$check
	expect_same_memory "$cpio_log"
}

# real_boot NAME INITRD [APPEND]: boot it with the root disk; one TAP line:
# the report reached its end and the guest powered off. The serial log
# ($LOG) gets every `IEROFS ` report at the start of its own line: a
# console message written in the middle of a report line must not hide it
# (the raw log stays as $LOG.raw).
real_boot() {
	local name=$1 append=${3:-} rc=0
	local -a extra=("${REAL_QEMU_EXTRA[@]}")
	[[ " ${REAL_BOOT_OPTS:-} " == *" --icount "* ]] && extra+=("${REAL_ICOUNT_EXTRA[@]}")
	INITRD=$2
	CASE=$name
	LOG=$LOG_DIR/$name.log
	rm -f "$LOG" "$LOG.meta" "$LOG.stderr" "$LOG.raw"
	nice "$HARNESS_DIR/boot" ${REAL_BOOT_OPTS:-} -k "$KERNEL" -i "$INITRD" -a "$REAL_APPEND${append:+ $append}" -l "$LOG" \
		-t "$REAL_TIMEOUT" --disk "$DISK" -- -snapshot "${extra[@]}" >/dev/null || rc=$?
	if [ -f "$LOG" ]; then
		mv "$LOG" "$LOG.raw"
		sed 's/\(.\)IEROFS /\1\nIEROFS /g' "$LOG.raw" >"$LOG"
	fi
	[ "$rc" -eq 0 ] && [ "$(report end)" = ok ]
	ok $? "$name: the real root's report ran to its end and the guest powered off (${INITRD##*/}, $(awk -F= '/^wall_seconds=/ { print $2 }' "$LOG.meta" 2>/dev/null) s)" ||
		diag "QEMU status $rc; log $LOG; last lines:" "$(tail -n 25 "$LOG" 2>/dev/null)"
}

# expect_real_root: systemd is PID 1 on /dev/vda, reached multi-user.target,
# and nothing of the initrd is left: no erofs or overlay mount, no EROFS
# instance.
expect_real_root() {
	is "$(report real.pid1)" systemd "$CASE: PID 1 is systemd"
	is "$(report real.root)" "/dev/vda ext4" "$CASE: / is /dev/vda, ext4"
	is "$(report real.target)" active "$CASE: multi-user.target reached"
	is "$(report_all real.early)" '' "$CASE: no erofs or overlay mount left (/proc/self/mountinfo)"
	is "$(report real.erofs.instances)" '' "$CASE: no EROFS instance left (/sys/fs/erofs)"
	expect_clean_kernel
}

# expect_real_erofs: the kernel mounted the initrd's image as the early root.
expect_real_erofs() {
	like "$(initerofs_lines)" 'mounted the [0-9]*-byte image through' "$CASE: the kernel mounted the initrd as EROFS (initerofs: lines)"
}

# real_mem FIELD: mem.real.FIELD, MemFree and MemAvailable with the free
# pages on the per-CPU lists added (as tests/boot/11 counts them).
real_mem() {
	local v p
	v=$(report "mem.real.$1")
	[[ $v =~ ^[0-9]+$ ]] || return 1
	case $1 in
	MemFree | MemAvailable)
		p=$(report mem.real.PcpFree)
		[[ $p =~ ^[0-9]+$ ]] || return 1
		v=$((v + p))
		;;
	esac
	echo "$v"
}

# real_unheld: the memory no process and no kernel object holds after the
# switch: MemAvailable + PcpFree + AnonPages + KernelStack + PageTables +
# Slab. Two boots of the same cpio initrd differ by up to ~5 MB in
# MemAvailable alone, from systemd's parallel start-up (a few more
# processes alive when the report measures: AnonPages, KernelStack) and
# slab (docs/benchmarks.md, "real boot chains"); with those added back they
# agree to tens of kB. An image, its page cache or a tmpfs upper layer left
# behind would still show: they are none of those fields.
real_unheld() {
	local f v sum=0
	for f in MemAvailable AnonPages KernelStack PageTables Slab; do
		v=$(real_mem $f) || return 1
		sum=$((sum + v))
	done
	echo "$sum"
}

# expect_same_memory CPIO_LOG: after the switch, MemTotal within 1 MiB of
# the cpio boot's (the image's pages were given back), and so is the memory
# nothing holds (real_unheld); the raw MemAvailable of both is in the
# test's name.
expect_same_memory() {
	local cpio_log=$1 mine theirs avail cpio_avail
	mine=$(real_mem MemTotal)
	theirs=$(LOG=$cpio_log real_mem MemTotal)
	if [ -z "$mine" ] || [ -z "$theirs" ]; then
		ok 1 "$CASE: MemTotal reported (${mine:-?} kB; cpio ${theirs:-?} kB)"
	else
		cmp_num $((mine > theirs ? mine - theirs : theirs - mine)) -le 1024 \
			"$CASE: MemTotal within 1 MiB of the cpio boot's ($mine kB against $theirs kB)"
	fi
	avail=$(real_mem MemAvailable)
	cpio_avail=$(LOG=$cpio_log real_mem MemAvailable)
	mine=$(real_unheld)
	theirs=$(LOG=$cpio_log real_unheld)
	if [ -z "$mine" ] || [ -z "$theirs" ]; then
		ok 1 "$CASE: memory fields reported (${mine:-?} kB; cpio ${theirs:-?} kB)"
		return
	fi
	cmp_num $((mine > theirs ? mine - theirs : theirs - mine)) -le 1024 \
		"$CASE: MemAvailable + what processes and slab hold within 1 MiB of the cpio boot's ($mine kB against $theirs kB; MemAvailable ${avail:-?} against ${cpio_avail:-?} kB)"
}

# systemd_in_initrd: yes when systemd ran in the initrd before this root's
# (its InitRD timestamp is set).
systemd_in_initrd() {
	local t
	t=$(report real.initrd_us)
	if [[ $t =~ ^[0-9]+$ ]] && [ "$t" -gt 0 ]; then echo yes; else echo "no (${t:-?})"; fi
}
