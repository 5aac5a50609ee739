#!/bin/bash
# initerofs build --switch-root: the tree's util-linux switch_root and
# klibc run-init become the switch-root program, the originals are kept
# under /usr/lib/initerofs/stock byte for byte, convert's one line says so;
# without the option the image holds the tree as it is, silently.
. "$(dirname "$0")/build-lib.sh"
build_setup

prog=$PROJECT_ROOT/build/user/switch-root/initerofs-switch-root
src=$WORK/src
mkdir -p "$src/usr/sbin" "$src/usr/lib/klibc/bin" "$src/bin"
cp /usr/sbin/switch_root "$src/usr/sbin/"
cp /usr/lib/klibc/bin/run-init "$src/usr/lib/klibc/bin/"
printf '#!/bin/sh\n' >"$src/bin/run-init"	# not a tool it knows: left

"$INITEROFS" build --switch-root -o "$WORK/sr.img" "$src" 2>"$WORK/err"
ok $? "build --switch-root succeeds"
is "$(grep "switch root" "$WORK/err")" "initerofs build: switch root: replaced /usr/lib/klibc/bin/run-init (klibc), /usr/sbin/switch_root (util-linux) by /usr/lib/initerofs/switch-root; originals in /usr/lib/initerofs/stock; left as they are: /bin/run-init" \
	"it says in one line what it replaced and what it left"
fsck_clean "$WORK/sr.img"
ok $? "fsck.erofs finds the image clean"
for p in /usr/sbin/switch_root /usr/lib/klibc/bin/run-init; do
	cmp -s <("$INITEROFS" cat "$WORK/sr.img" "$p") "$prog"
	ok $? "$p is the switch-root program"
	cmp -s <("$INITEROFS" cat "$WORK/sr.img" "/usr/lib/initerofs/stock$p") "$src$p"
	ok $? "the original $p is kept byte for byte"
done
cmp -s <("$INITEROFS" cat "$WORK/sr.img" /bin/run-init) "$src/bin/run-init"
ok $? "an unknown run-init stays"

"$INITEROFS" build -q --switch-root -o "$WORK/sr-q.img" "$src" 2>"$WORK/err"
ok $? "build -q --switch-root succeeds"
is "$(cat "$WORK/err")" "" "... silently: -q also drops the switch-root line"

"$INITEROFS" build -q -o "$WORK/plain.img" "$src" 2>"$WORK/err"
ok $? "build without --switch-root succeeds"
is "$(cat "$WORK/err")" "" "... silently (with -q: no summary)"
cmp -s <("$INITEROFS" cat "$WORK/plain.img" /usr/sbin/switch_root) "$src/usr/sbin/switch_root"
ok $? "... and keeps the tree's switch_root"
done_testing
