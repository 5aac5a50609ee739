#!/bin/bash
# Output bytes do not move: a corpus of images built and converted from
# inputs this script makes the same way every time (a tree, a manifest,
# cpio archives of it, uncompressed and compressed, with an early prefix)
# with each compression, hashed and compared with the sha256s checked in
# beside it (image-corpus.sha256). A refactoring of lib/ must leave every
# image bit-identical; a change meant to change output updates the list:
#
#   tests/userspace/image-corpus.t --update
#
# Converted images keep the initrd's switch_root (--keep-switch-root), so
# the corpus does not depend on how the static switch-root program links.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/userspace/lib/convert.sh
SUMS=$PROJECT_ROOT/tests/userspace/image-corpus.sha256
UPDATE=0
[ "${1:-}" = --update ] && UPDATE=1

make -s -j2 >/dev/null 2>&1 || true
[ -x "$INITEROFS" ] || { ok 1 "programs/initerofs is built (make)"; done_testing; }
mkdir -p "$CONVERT_OUT"
GEN=$(gen_init_cpio) || { ok 1 "gen_init_cpio is available"; done_testing; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/initerofs-corpus.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The tree: text, noise from a fixed xorshift sequence (incompressible),
# zeros, a file over one 4 MiB segment, empty files, sizes around block
# and inline-tail edges, symlinks, a hard link, user xattrs.
T=$WORK/tree
perl -e '
	use strict; use warnings; no warnings qw(portable);
	my $root = shift; my $x = 88172645463325252;
	sub noise { my $n = shift; my $s = "";
		while (length($s) < $n) {
			$x ^= ($x << 13) & 0xffffffffffffffff; $x ^= $x >> 7;
			$x ^= ($x << 17) & 0xffffffffffffffff;
			$s .= pack("Q<", $x);
		}
		return substr($s, 0, $n); }
	sub put { my ($p, $d) = @_; open(my $f, ">:raw", "$root/$p") or die "$p: $!";
		print $f $d; close $f; }
	mkdir "$root"; mkdir "$root/$_" for qw(bin etc lib lib/modules usr usr/share empty);
	put("etc/motd", "hello from the corpus\n");
	put("etc/empty", "");
	put("bin/noise", noise(300000));
	put("bin/mixed", noise(70000) . ("\0" x 70000) . ("abc" x 30000));
	put("lib/big-text", join("", map { "line $_ of a long compressible file\n" } 1 .. 160000));
	put("lib/zeros", "\0" x 200000);
	for my $i (1 .. 60) {
		put("usr/share/f$i", ("file $i " x ($i * 37)) . noise($i * 61));
	}
	for my $n (4095, 4096, 4097, 8191, 12288, 511, 1) {
		put("lib/modules/edge-$n", substr(("edge" x 4000) . noise(20000), 0, $n));
	}' "$T" || { ok 1 "the corpus tree is made"; done_testing; }
ln -s ../etc/motd "$T/bin/motd-link"
ln -s "$(printf 'a%.0s' $(seq 1 300))" "$T/usr/long-link"
ln "$T/bin/noise" "$T/usr/noise-hard"
setfattr -n user.corpus -v one "$T/etc/motd" "$T/lib"
setfattr -n user.other -v "$(printf 'v%.0s' $(seq 1 200))" "$T/bin/noise"
mkfifo "$T/usr/fifo"
find "$T" -type d -exec chmod 0755 {} +
find "$T" -type f -exec chmod 0644 {} +
chmod 4755 "$T/bin/mixed"
find "$T" -exec touch -h -d @1600000000 {} +

# The manifest: the tree again plus what a directory cannot hold unprivileged.
M=$WORK/manifest
{
	echo "dir /etc 0755 0 0"
	echo "dir /bin 0755 0 0"
	echo "dir /lib 0755 0 0"
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 5 c 5 1"
	echo "nod /dev/sda 0660 0 6 b 8 0"
	echo "file /etc/motd $T/etc/motd 0644 0 0"
	echo "file /bin/noise $T/bin/noise 0755 0 0 /bin/noise2"
	echo "file /bin/mixed $T/bin/mixed 0755 1000 1000"
	echo "file /lib/big-text $T/lib/big-text 0644 0 0"
	echo "slink /bin/sh noise 0777 0 0"
	echo "pipe /dev/pipe 0600 0 0"
	echo "sock /dev/sock 0600 0 0"
} >"$M"

# Archives: gen_init_cpio of the manifest (an early microcode archive in
# front), in each compression the generators use, and GNU cpio of the tree.
"$GEN" -t 1600000000 "$M" >"$WORK/m.cpio" || ok 1 "gen_init_cpio runs"
printf '%s\n' "dir /kernel 0755 0 0" "dir /kernel/x86 0755 0 0" \
	"dir /kernel/x86/microcode 0755 0 0" \
	"file /kernel/x86/microcode/GenuineIntel.bin $T/lib/modules/edge-4097 0644 0 0" \
	>"$WORK/early.list"
"$GEN" -t 1600000000 "$WORK/early.list" >"$WORK/early.cpio"
(cd "$T" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --reproducible) >"$WORK/t.cpio"
for c in gzip xz zstd lz4; do
	compress_with "$c" <"$WORK/t.cpio" >"$WORK/t.cpio.$c"
done
cat "$WORK/early.cpio" "$WORK/t.cpio.gzip" >"$WORK/early+gzip.cpio"
cat "$WORK/m.cpio" "$WORK/t.cpio.zstd" >"$WORK/two-segments.cpio"

got=$WORK/got.sha256
: >"$got"
# image NAME COMMAND ARGS...: run `initerofs COMMAND -q -j2 ARGS -o NAME`.
image() {
	local name=$1 cmd=$2
	shift 2
	if "$INITEROFS" "$cmd" -q -j2 -o "$WORK/$name.img" "$@" 2>"$WORK/err"; then
		(cd "$WORK" && sha256sum "$name.img") >>"$got"
	else
		ok 1 "$name: initerofs $cmd $*" || diag "$(cat "$WORK/err")"
	fi
}
for z in none lz4 lz4hc lz4hc,12 lzma; do
	n=${z//,/-}
	image "build-tree-$n" build -z "$z" --all-root -T 1600000000 "$T"
	image "build-manifest-$n" build -z "$z" -T 1600000000 "$M"
done
image build-tree-b1024-lz4-C16k build -b 1024 -z lz4 -C 16384 --all-root -T 1600000000 "$T"
image build-tree-b512 build -b 512 --all-root -T 1600000000 -L corpus "$T"
for z in none lz4 lz4hc; do
	for in in m.cpio t.cpio.gzip t.cpio.xz t.cpio.zstd t.cpio.lz4 early+gzip.cpio two-segments.cpio; do
		image "convert-${in//+/-}-$z" convert --keep-switch-root -z "$z" -T 1600000000 "$WORK/$in"
	done
done
image convert-early-no-early convert --keep-switch-root --no-early "$WORK/early+gzip.cpio"
image convert-lz4-C64k convert --keep-switch-root -z lz4 -C 65536 "$WORK/t.cpio.xz"

if [ "$UPDATE" = 1 ]; then
	cp "$got" "$SUMS"
	echo "wrote $(wc -l <"$SUMS") sums to $SUMS" >&2
fi
is "$(wc -l <"$got")" "$(wc -l <"$SUMS")" "every image of the corpus was made"
d=$(diff "$SUMS" "$got")
ok $? "every image of the corpus is bit-identical to image-corpus.sha256" || diag "$d"
done_testing
