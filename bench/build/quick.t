#!/bin/bash
# Quick mode of the build benchmark: a small generated tree, lz4hc, both
# tools. Checks that the benchmark runs and reports both tools with sane
# figures (and that fsck.erofs accepts our image, which run itself checks);
# it does not judge timings, which need an idle machine.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/tap.sh

out=$(bench/build/run --quick 2>&1)
ok $? "bench/build/run --quick completes" || diag "$(tail -n 20 <<<"$out")"
row=$(grep '^| mix-24MB | lz4hc |' <<<"$out")
like "$row" '^\| mix-24MB \| lz4hc \| [0-9]+ \| [0-9]+ \| [-+][0-9.]+% \| [0-9.]+ \| [0-9.]+ \| [0-9.]+x \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \| [0-9]+ \|$' \
	"the table has a complete row for the mix"
ours=$(awk -F'|' '{ gsub(/ /, "", $5); print $5 }' <<<"$row")
theirs=$(awk -F'|' '{ gsub(/ /, "", $4); print $4 }' <<<"$row")
cmp_num "$ours" -gt 0 "initerofs made an image"
# A size regression of more than 1% against mkfs.erofs is a bug.
cmp_num "$((ours * 100))" -le "$((theirs * 101))" "the image is within 1% of mkfs.erofs's"
done_testing
