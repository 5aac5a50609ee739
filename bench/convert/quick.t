#!/bin/bash
# The convert benchmark's quick mode, run by the test suite so that the
# benchmark never rots: bench/convert/run --quick converts a small zstd
# initramfs with initerofs convert and with extract + mkfs.erofs, and must
# produce its table with a number in every cell. Timings are not judged.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/tap.sh

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP extract + mkfs.erofs needs root"
	exit 0
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/convert-bench-quick.XXXXXX")
trap 'rm -rf "$out"' EXIT

bench/convert/run --quick --out "$out/run" >"$out/stdout" 2>"$out/stderr"
ok $? "bench/convert/run --quick finished" || diag "$(tail -n 20 "$out/stderr")"
is "$(tail -n 1 "$out/stdout")" "$out/run" "it printed its results directory last"
results=$out/run/results.md
for c in read convert-none extract-mkfs-none convert-lz4hc extract-mkfs-lz4hc; do
	like "$(grep "^| $c |" "$results" 2>/dev/null)" \
		"^\| $c \| [0-9]+\.[0-9]{3} \| [0-9]+\.[0-9]{3} \| [0-9]+\.[0-9]{2}x \| [0-9-]+ \|$" \
		"the table has a row of numbers for $c"
done
is "$(awk -F'\t' 'NR > 1' "$out/run/times.tsv" | wc -l)" 5 "times.tsv has one row per case and run"
like "$(cat "$results")" 'none: convert takes .*x the time of reading' "the targets are summarised"
done_testing
