#!/bin/bash
# `initerofs build` at scale: files over 100 MB (compressible and not),
# 50 000 files in one directory, a deep tree; fsck.erofs --extract and
# initerofs check agree with the source. And the writer's memory does not
# grow with file data: peak RSS for 1 GiB of file data is the same as for
# 256 MiB (data is streamed; only metadata is held).
. "$(dirname "$0")/build-lib.sh"
build_setup
cc -O2 -o "$WORK/measure" bench/build/measure.c || bail_out "cannot build measure"

src=$WORK/scale
mkdir -p "$src/many" "$src/big"
yes "a compressible line of the large text file" | head -c 120M >"$src/big/text"
head -c 110M /dev/urandom >"$src/big/noise"
(cd "$src/many" && perl -e 'for (1 .. 50000) { open(my $f, ">", sprintf("f%05d", $_)) or die; print $f "file $_\n" x ($_ % 7) }')
deep=$src/deep
for i in $(seq 300); do deep=$deep/d$i; done
mkdir -p "$deep"
echo bottom >"$deep/file"

for z in none lz4; do
	"$INITEROFS" build -z "$z" -o "$WORK/scale-$z.img" "$src"
	ok $? "-z $z: builds 50 000 files, 230 MB of large files, a 300-deep tree"
	check_image "-z $z" "$WORK/scale-$z.img" "$src"
	rm -f "$WORK/scale-$z.img"
done
rm -rf "$src"

# rss SIZE: peak RSS (KiB) building a tree holding one sparse file of SIZE.
rss() {
	rm -rf "$WORK/sparse"
	mkdir "$WORK/sparse"
	truncate -s "$1" "$WORK/sparse/zeros"
	head -c 3M /dev/urandom >"$WORK/sparse/noise"
	"$WORK/measure" "$INITEROFS" build -z lz4 -o "$WORK/sparse.img" "$WORK/sparse" 2>&1 |
		tail -n 1 | awk '$3 == 0 { print $2 }'
}
small=$(rss 256M)
large=$(rss 1G)
diag "peak RSS: $small KiB with 256 MiB of data, $large KiB with 1 GiB"
cmp_num "$large" -gt 0 "the 1 GiB build succeeds"
cmp_num "$large" -le $((small + 8192)) "peak memory does not grow with file data"
cmp_num "$large" -le $((128 * 1024)) "peak memory stays under 128 MiB"
done_testing
