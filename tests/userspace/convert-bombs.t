#!/bin/bash
# Decompression bombs (issue 12): a 188-byte lzma header that asks for a
# 4 GiB dictionary, a zstd frame that asks for a 2 GiB window, and gzip that
# expands far beyond --max-unpacked must each fail at once with a message
# naming the limit, in little memory, leaving nothing behind.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/tap.sh
INITEROFS=$PWD/programs/initerofs
make -s -j2 >/dev/null 2>&1
[ -x "$INITEROFS" ] || bail_out "programs/initerofs was not built"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/initerofs-bombs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# bomb NAME REGEX INPUT [OPTIONS...]: convert fails within 1 GiB of address
# space and 20 s, says REGEX, leaves no output.
bomb() {
	local name=$1 re=$2 input=$3 out status
	shift 3
	out=$( (ulimit -v 1048576; timeout 20 "$INITEROFS" convert "$@" -o "$WORK/out" "$input") 2>&1)
	status=$?
	[ $status -eq 1 ] && [ ! -e "$WORK/out" ] && [ -z "$(ls -A "$WORK" | grep -v '^in')" ]
	ok $? "$name: refused (status $status)" || diag "$out"
	like "$out" "$re" "$name: says which limit"
}

# .lzma (lzma_alone): properties 0x5d, dictionary 0xffff0000 (the kernel's
# magic is 5d 00), unknown size,
# then 175 bytes of anything: 188 bytes.
{ printf '\x5d\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff'; head -c 175 /dev/zero; } >"$WORK/in.lzma"
is "$(stat -c %s "$WORK/in.lzma")" 188 "the lzma bomb is 188 bytes"
bomb "lzma 4 GiB dictionary" "asks for 409[0-9] MiB of decoder memory, over the limit of 256 MiB" "$WORK/in.lzma"
bomb "lzma with a lower limit" "over the limit of 1 MiB" "$WORK/in.lzma" --decoder-memory 1M

# zstd frame: window descriptor 0xa8 (2^31 bytes), one empty raw last block.
printf '\x28\xb5\x2f\xfd\x00\xa8\x01\x00\x00' >"$WORK/in.zst"
bomb "zstd 2 GiB window" "window over the limit of 256 MiB" "$WORK/in.zst"

# gzip: a cpio of 64 MiB of zeros is 64 KiB compressed.
mkdir "$WORK/tree"
head -c 64M /dev/zero >"$WORK/tree/zeros"
(cd "$WORK/tree" && echo zeros | cpio -o -H newc 2>/dev/null) | gzip -9 >"$WORK/in.gz"
rm -rf "$WORK/tree"
bomb "gzip over --max-unpacked" "more than 1048576 decompressed bytes, the limit" "$WORK/in.gz" --max-unpacked 1M
"$INITEROFS" convert --max-unpacked 65M -o "$WORK/ok.img" "$WORK/in.gz" >/dev/null 2>&1 &&
	"$INITEROFS" cat "$WORK/ok.img" /zeros | cmp -s - <(head -c 64M /dev/zero)
ok $? "gzip within --max-unpacked: converted, content intact"
rm -f "$WORK/ok.img"

out=$("$INITEROFS" convert --max-unpacked 12Q -o "$WORK/out" "$WORK/in.gz" 2>&1)
[ $? -eq 2 ]
ok $? "bad size: usage error" || diag "$out"
like "$out" "bad size '12Q'" "bad size: says which"
done_testing
