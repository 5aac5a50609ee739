#!/bin/bash
# Random damage to initramfs inputs: for every compression the kernel reads,
# many seeds of byte changes, insertions, deletions and truncations over an
# archive. `initerofs convert`, built with AddressSanitizer and
# UndefinedBehaviorSanitizer, must exit 0 (the damage was harmless) or 1 (a
# report), never crash, hang or trip a sanitizer, and leave nothing behind
# but a complete output.
#
# CONVERT_FUZZ_SEEDS (default 40 per compression) sets the effort.
cd "$(dirname "$0")/../.." || exit 1
. tests/userspace/lib/convert.sh
convert_setup
seeds=${CONVERT_FUZZ_SEEDS:-40}

# The sanitized command: the Makefile's (make asan), copied so that a
# concurrent make cannot change it under the test.
make -s -j2 asan >"$WORK/cc.err" 2>&1 && cp build/user/asan/initerofs "$WORK/initerofs"
ok $? "initerofs built with ASan and UBSan" || { diag "$(head -n 20 "$WORK/cc.err")"; done_testing; }
export ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:exitcode=98

# An archive with every file type and a few sizes, as the damage target.
find lib include tests/unit -type f | LC_ALL=C sort | head -n 60 >"$WORK/files"
{
	echo tests
	echo tests/unit
	cat "$WORK/files"
} | cpio --quiet -o -H newc -R 0:0 >"$WORK/base.cpio"

# mutate SEED < IN > OUT: 1 to 8 random edits, the last maybe a truncation.
mutate() {
	perl -e '
		srand($ARGV[0]);
		local $/;
		my $d = <STDIN>;
		for (1 .. 1 + int rand 8) {
			my $p = int rand length $d;
			my $k = int rand 4;
			if ($k == 0) { substr($d, $p, 1) = chr int rand 256 }
			elsif ($k == 1) { substr($d, $p, 1) = "" }
			elsif ($k == 2) { substr($d, $p, 0) = chr int rand 256 }
			else { $d = substr($d, 0, $p) }
		}
		print $d;' "$1"
}

for method in none gzip bzip2 xz lzma lz4 lzo zstd; do
	compress_with "$method" <"$WORK/base.cpio" >"$WORK/base.$method"
	bad=0 reports=0
	for seed in $(seq 1 "$seeds"); do
		mutate "$seed" <"$WORK/base.$method" >"$WORK/input"
		rm -rf "$WORK/out"
		mkdir "$WORK/out"
		status=0
		timeout 60 "$WORK/initerofs" convert -q -o "$WORK/out/img" "$WORK/input" \
			>/dev/null 2>"$WORK/stderr" || status=$?
		left=$(ls -A "$WORK/out")
		case $status in
		0) [ "$left" = img ] || { bad=$((bad + 1)); diag "$method seed $seed: success left '$left'"; } ;;
		1) reports=$((reports + 1))
		   [ -z "$left" ] || { bad=$((bad + 1)); diag "$method seed $seed: failure left '$left'"; } ;;
		*) bad=$((bad + 1))
		   diag "$method seed $seed: exit status $status" "$(head -n 12 "$WORK/stderr")"
		   cp "$WORK/input" "$CONVERT_OUT/fuzz-$method-$seed.input" ;;
		esac
	done
	is "$bad" 0 "$method: $seeds damaged inputs, $reports reported, no crash, hang, sanitizer error or leftover"
done
done_testing
