#!/bin/bash
# Random damage: many seeds of random bit flips over a whole image (with the
# superblock checksum left wrong, and recomputed so that the damage is
# judged on its own). check, info, ls -lR, cat and extract must each exit 0
# or 1 (a report): never crash, never hang (timeout), never trip AddressSanitizer,
# UndefinedBehaviorSanitizer or LeakSanitizer in the sanitized build.
# The checker differential (issue 12; bench/fuzz/differential runs it at
# length, with fsck.erofs): on every damaged image check passes, info,
# ls -lR, cat (of every file outside /many, and one in ten there) and
# extract must succeed and agree (the extracted tree holds what ls lists,
# each file what cat printed); the structure-aware damage of
# bench/kernel-fuzz/mutate.py (superblock checksum recomputed) is judged
# the same way.
#
# FUZZ_SEEDS (default 60), FUZZ_MUTATE_SEEDS (default 15 per image) and
# FUZZ_ASAN_SEEDS (default 40) set the effort.
. "$(dirname "$0")/roundtrip-lib.sh"
rt_setup
seeds=${FUZZ_SEEDS:-60}
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
# ls_names KIND: "/dir/name" of every entry (KIND all) or regular file
# (KIND files) of the ls -lR output in $RT_TMP/ls.out; names may hold spaces.
ls_names() {
	awk -v kind="$1" '/^\/.*:$/ { d = substr($0, 1, length($0) - 1); sub(/\/$/, "", d); next }
		NF && (kind == "all" || /^-/) {
			n = $0
			sub(/^[^ ]+ +[0-9]+ +[0-9]+ +[0-9]+ +([0-9]+, +)?[0-9]+ ([0-9-]+ [0-9:]+|@-?[0-9]+) /, "", n)
			if ($0 ~ /^l/) sub(/ -> .*$/, "", n)
			print d "/" n
		}' "$RT_TMP/ls.out"
}

# run_all TOOL IMAGE: every command on IMAGE; prints "COMMAND:EXIT" for
# each exit that is neither 0 nor 1 (a crash, a timeout, a sanitizer), and
# "differential: ..." when check passed what another command refused or
# the commands disagree.
run_all() {
	local tool=$1 img=$2 out=$RT_TMP/x rc check_rc= refused= f
	rm -rf "$out"
	for cmd in "check $img" "info $img" "ls -lR $img" "extract -q $img $out"; do
		# shellcheck disable=SC2086
		timeout 60 "$tool" $cmd >"$RT_TMP/${cmd%% *}.out" 2>"$RT_TMP/err"
		rc=$?
		[ -z "$check_rc" ] && check_rc=$rc
		[ "$rc" -ne 0 ] && [ "${cmd%% *}" != check ] && refused="$refused ${cmd%% *}"
		if [ "$rc" -gt 1 ]; then
			echo "$cmd: exit $rc"
			grep -m3 -E 'ERROR|runtime error|SUMMARY' "$RT_TMP/err"
		fi
	done
	# cat: the two big files always (the crash rule); where check passed,
	# every file ls lists but for nine in ten of /many's 150 one-line files
	# (bench/fuzz/differential cats every file, at length)
	{
		echo /big.txt; echo /mixed
		[ "$check_rc" -eq 0 ] && [ "$tool" = "$INITEROFS" ] &&
			ls_names files | awk '!/^\/many\// || ++n % 10 == 1'
	} | sort -u > "$RT_TMP/files"
	while IFS= read -r f; do
		timeout 60 "$tool" cat "$img" "$f" >"$RT_TMP/cat.out" 2>"$RT_TMP/err"
		rc=$?
		if [ "$rc" -gt 1 ]; then
			echo "cat $img $f: exit $rc"
			grep -m3 -E 'ERROR|runtime error|SUMMARY' "$RT_TMP/err"
		fi
		[ "$check_rc" -eq 0 ] || continue
		if [ "$rc" -ne 0 ]; then
			refused="$refused cat:$f"
		elif ! cmp -s "$RT_TMP/cat.out" "$out$f"; then
			echo "differential: cat $f and extract disagree"
		fi
	done < "$RT_TMP/files"
	if [ "$check_rc" -eq 0 ] && [ "$tool" = "$INITEROFS" ]; then
		echo "$img" >> "$RT_TMP/clean.list"
		[ -n "$refused" ] && echo "differential: check passed, refused by$refused"
		# the extracted tree holds exactly what ls -lR lists
		if [ -z "$refused" ]; then
			ls_names all | sort > "$RT_TMP/ls.names"
			(cd "$out" && find . -mindepth 1 | sed 's|^\.||' | sort) > "$RT_TMP/x.names"
			cmp -s "$RT_TMP/ls.names" "$RT_TMP/x.names" ||
				echo "differential: ls -lR and extract list different entries"
		fi
	fi
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

# the undamaged images: check passes them, and the others agree
: > "$RT_TMP/clean.list"
for img in "${imgs[@]}"; do run_all "$INITEROFS" "$img"; done > "$RT_TMP/base.out"
assert "the undamaged images pass check, and ls, cat, extract agree" \
	test ! -s "$RT_TMP/base.out" -a "$(wc -l < "$RT_TMP/clean.list")" -eq "${#imgs[@]}"
[ -s "$RT_TMP/base.out" ] && diag "$(cat "$RT_TMP/base.out")"

: > "$RT_TMP/clean.list"
# judge OUT WHAT: a test point, failed by any line in OUT
judge() {
	if [ -s "$1" ]; then
		not_ok "$2: every command exits 0 or 1, check passes nothing the others refuse"
		diag "$(head -n 30 "$1")"
	else
		ok "$2: every command exits 0 or 1, check passes nothing the others refuse"
	fi
	diag "check passed $(wc -l < "$RT_TMP/clean.list") of them (each then read whole)"
}

fuzz "$INITEROFS" "$seeds" 8 > "$RT_TMP/fuzz.out"
judge "$RT_TMP/fuzz.out" "$seeds seeds x 8 random bit flips"

# Structure-aware damage with the superblock checksum recomputed: inodes,
# dirents, xattrs, compressed indexes, truncations.
mseeds=${FUZZ_MUTATE_SEEDS:-15}
: > "$RT_TMP/clean.list"
for img in "${imgs[@]}"; do
	for seed in $(seq 1 "$mseeds"); do
		desc=$(python3 "$RT_ROOT/bench/kernel-fuzz/mutate.py" -s "$seed" "$img" \
			"$RT_TMP/damaged.img") || { echo "mutate.py failed on $img"; continue; }
		run_all "$INITEROFS" "$RT_TMP/damaged.img" |
			sed "s|^|$(basename "$img") mutate.py seed $seed ($desc): |"
	done
done > "$RT_TMP/mutate.out"
judge "$RT_TMP/mutate.out" "$mseeds structure-aware damages per image"

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
