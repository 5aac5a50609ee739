#!/bin/bash
# Random damage: many seeds of random bit flips over a whole image (with the
# superblock checksum left wrong, and recomputed so that the damage is
# judged on its own). check, info, ls -lR, cat and extract must each exit 0
# or 1 (a report): never crash, never hang (timeout), never trip AddressSanitizer,
# UndefinedBehaviorSanitizer or LeakSanitizer in the sanitized build.
#
# FUZZ_SEEDS (default 100) and FUZZ_ASAN_SEEDS (default 40) set the effort.
. "$(dirname "$0")/roundtrip-lib.sh"
rt_setup
seeds=${FUZZ_SEEDS:-100}
asan_seeds=${FUZZ_ASAN_SEEDS:-40}

src=$RT_TMP/src
mkdir -p "$src/a/b" "$src/many"
gen_text 200000 big > "$src/big.txt"
perl -e 'srand(7); print pack("C*", map { int rand 256 } 1 .. 30000); print "q" x 40000' > "$src/mixed"
for i in $(seq 1 150); do echo "$i" > "$src/many/file-$i"; done
echo deep > "$src/a/b/file"
ln -s a/b/file "$src/sym"
mkfifo "$src/fifo"

imgs=()
mkfs.erofs -zlz4hc -T0 "$RT_TMP/mkfs.img" "$src" >/dev/null 2>&1 && imgs+=("$RT_TMP/mkfs.img")
"$INITEROFS" build -z lz4hc -T 0 -o "$RT_TMP/ours.img" "$src" >/dev/null 2>&1 &&
	imgs+=("$RT_TMP/ours.img")
assert "there are images to damage" test "${#imgs[@]}" -gt 0

export ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:exitcode=98
# run_all TOOL IMAGE: every command on IMAGE; prints "COMMAND:EXIT" for
# each exit that is neither 0 nor 1 (a crash, a timeout, a sanitizer).
run_all() {
	local tool=$1 img=$2 out=$RT_TMP/x rc
	rm -rf "$out"
	for cmd in "check $img" "info $img" "ls -lR $img" "cat $img /big.txt" \
		   "cat $img /mixed" "extract -q $img $out"; do
		# shellcheck disable=SC2086
		timeout 60 "$tool" $cmd >/dev/null 2>"$RT_TMP/err"
		rc=$?
		if [ "$rc" -gt 1 ]; then
			echo "$cmd: exit $rc"
			grep -m3 -E 'ERROR|runtime error|SUMMARY' "$RT_TMP/err"
		fi
	done
	rm -rf "$out"
}

# fuzz TOOL COUNT FLIPS: random flips over each image; prints failures.
fuzz() {
	local tool=$1 count=$2 flips=$3 img seed size fix
	for img in "${imgs[@]}"; do
		size=$(stat -c %s "$img")
		for seed in $(seq 1 "$count"); do
			for fix in no yes; do
				cp "$img" "$RT_TMP/damaged.img"
				"$RT_TMP/corruptor" flip "$RT_TMP/damaged.img" 0 "$size" \
					"$seed" "$flips" >/dev/null
				[ "$fix" = yes ] && "$RT_TMP/corruptor" fixsum "$RT_TMP/damaged.img" 2>/dev/null
				run_all "$tool" "$RT_TMP/damaged.img" |
					sed "s|^|$(basename "$img") seed $seed flips $flips fixsum $fix: |"
			done
		done
	done
}

fuzz "$INITEROFS" "$seeds" 8 > "$RT_TMP/fuzz.out"
if [ -s "$RT_TMP/fuzz.out" ]; then
	not_ok "$seeds seeds x 8 random bit flips: every command exits 0 or 1"
	diag "$(head -n 30 "$RT_TMP/fuzz.out")"
else
	ok "$seeds seeds x 8 random bit flips: every command exits 0 or 1"
fi

if rt_build_asan 2>"$RT_TMP/asan-build.err"; then
	ok "the ASan + UBSan build of initerofs compiles"
	for img in "${imgs[@]}"; do
		run_all "$RT_TMP/asan/initerofs" "$img"
	done > "$RT_TMP/asan-clean.out"
	assert "the sanitized build reads the undamaged images cleanly" \
		test ! -s "$RT_TMP/asan-clean.out"
	fuzz "$RT_TMP/asan/initerofs" "$asan_seeds" 4 > "$RT_TMP/asan.out"
	if [ -s "$RT_TMP/asan.out" ]; then
		not_ok "$asan_seeds seeds under ASan + UBSan + LSan: no error, no crash"
		diag "$(head -n 30 "$RT_TMP/asan.out")"
	else
		ok "$asan_seeds seeds under ASan + UBSan + LSan: no error, no crash"
	fi
else
	not_ok "the ASan + UBSan build of initerofs compiles"
	diag "$(head -n 20 "$RT_TMP/asan-build.err")"
fi
rt_done
