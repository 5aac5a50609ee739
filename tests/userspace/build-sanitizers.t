#!/bin/bash
# The writer and its importers under AddressSanitizer and UBSan: a build of
# the command with both, run over a tree with every file type, xattrs,
# hardlinks, files over the segment size and an incompressible one, in
# every compression mode with several threads, from a directory and from a
# manifest, and on failing input. Any sanitizer report fails the build
# (-fno-sanitize-recover); the images must equal the optimised build's.
. "$(dirname "$0")/build-lib.sh"
build_setup

asan=$WORK/initerofs-asan
# The Makefile's sanitized command (make asan), copied so that a concurrent
# make cannot change it under the test.
make -s -j2 asan >/dev/null && cp build/user/asan/initerofs "$asan"
ok $? "the command builds with ASan and UBSan" || done_testing
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

src=$WORK/src
mkdir -p "$src/d/e" "$src/big"
yes "text of a file over the segment size" | head -c 9M >"$src/big/text"
head -c 5M /dev/urandom >"$src/big/noise"
printf 'x%.0s' $(seq 5000) >"$src/d/tail"
ln "$src/d/tail" "$src/d/e/hard"
ln -s ../d/tail "$src/d/link"
mkfifo "$src/d/fifo"
mknod "$src/d/null" c 1 3 2>/dev/null || true
setfattr -n user.same -v shared "$src/d" "$src/d/e" 2>/dev/null || true
setfattr -n user.own -v "$(printf 'v%.0s' $(seq 300))" "$src/d/tail" 2>/dev/null || true
: >"$src/empty"

for z in none lz4 lz4hc lzma; do
	out=$("$asan" build -z "$z" -j3 -o "$WORK/a-$z.img" "$src" 2>&1)
	ok $? "-z $z: the sanitized build succeeds without a report" || diag "$(head -n 30 <<<"$out")"
	"$INITEROFS" build -z "$z" -j1 -o "$WORK/n-$z.img" "$src"
	cmp -s "$WORK/a-$z.img" "$WORK/n-$z.img"
	ok $? "-z $z: same image as the optimised build"
done
out=$("$asan" build -z lz4hc -C 65536 -b 4096 -o "$WORK/a-big.img" "$src" 2>&1)
ok $? "big physical clusters: no report" || diag "$(head -n 30 <<<"$out")"
out=$("$asan" build -z lz4 -b 512 -o "$WORK/a-512.img" "$src" 2>&1)
ok $? "512-byte blocks: no report" || diag "$(head -n 30 <<<"$out")"

cat >"$WORK/list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $src/d/tail 0755 0 0 /bin/init
slink /bin/sh init 0777 0 0
pipe /run/p 0600 0 0
sock /run/s 0600 0 0
LIST
out=$("$asan" build -z lz4 -o "$WORK/a-m.img" "$WORK/list" 2>&1)
ok $? "manifest: no report" || diag "$(head -n 30 <<<"$out")"
echo "bogus line" >>"$WORK/list"
out=$("$asan" build -o "$WORK/a-bad.img" "$WORK/list" 2>&1)
[ $? -eq 1 ] && ! grep -q 'Sanitizer\|runtime error' <<<"$out"
ok $? "a bad manifest fails cleanly" || diag "$(head -n 30 <<<"$out")"
out=$("$asan" build -o "$WORK/a-bad.img" "$WORK/missing" 2>&1)
[ $? -eq 1 ] && ! grep -q 'Sanitizer\|runtime error' <<<"$out"
ok $? "a missing source fails cleanly" || diag "$(head -n 30 <<<"$out")"
done_testing
