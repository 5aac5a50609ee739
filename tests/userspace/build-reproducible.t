#!/bin/bash
# `initerofs build` output depends only on the input and the options: the
# same tree gives byte-identical images whatever -j, whatever order the
# directories are read in (tmpfs lists entries newest first, ext4 in hash
# order), and whatever the clock says.
. "$(dirname "$0")/build-lib.sh"
build_setup

# Files over the 4 MiB segment size, compressed by several threads at once:
# noise with a little compressible data (compression does not pay as a whole,
# so the file is written again uncompressed), and text.
head -c 8M /dev/urandom >"$WORK/mixed"
head -c 8192 /dev/zero >>"$WORK/mixed"
echo tail >>"$WORK/mixed"
yes "a long compressible file over several segments" | head -c 13M >"$WORK/text"

# make_tree DIR ORDER: the same content, created in forward or reverse order.
make_tree() {
	local dir=$1 order=$2 i names
	mkdir -p "$dir"
	cp "$WORK/mixed" "$WORK/text" "$dir/"
	names=$(seq 1 120)
	[ "$order" = reverse ] && names=$(seq 120 -1 1)
	for i in $names; do
		mkdir -p "$dir/d$((i % 7))"
		yes "file $i of the reproducibility tree" | head -c $((i * 997)) >"$dir/d$((i % 7))/f$i"
		ln -s "f$i" "$dir/d$((i % 7))/l$i"
	done
	head -c 300000 /dev/zero | tr '\0' 'z' >"$dir/big"
	ln "$dir/big" "$dir/d1/big-link"
	setfattr -n user.note -v shared "$dir/d1" "$dir/d2" 2>/dev/null || true
	find "$dir" -exec touch -h -d @1600000000 {} +
}

shm=$(mktemp -d /dev/shm/initerofs-repro.XXXXXX 2>/dev/null) || shm=$WORK/shm
trap 'rm -rf "$WORK" "$shm"' EXIT
make_tree "$WORK/a" forward
make_tree "$shm/b" reverse
if [ "$(ls -U "$WORK/a/d1" | tr '\n' ' ')" = "$(ls -U "$shm/b/d1" | tr '\n' ' ')" ]; then
	diag "both copies list in the same order; the test is weaker"
fi

for z in none lz4 lz4hc; do
	"$INITEROFS" build -z "$z" -j1 -o "$WORK/a-$z-j1.img" "$WORK/a"
	ok $? "builds with -z $z -j1"
	"$INITEROFS" build -z "$z" -j4 -o "$WORK/a-$z-j4.img" "$WORK/a"
	cmp -s "$WORK/a-$z-j1.img" "$WORK/a-$z-j4.img"
	ok $? "-z $z: -j1 and -j4 give identical images"
	"$INITEROFS" build -z "$z" -o "$WORK/b-$z.img" "$shm/b"
	cmp -s "$WORK/a-$z-j1.img" "$WORK/b-$z.img"
	ok $? "-z $z: another readdir order gives an identical image"
	sleep 1
	"$INITEROFS" build -z "$z" -j3 -o "$WORK/a-$z-later.img" "$WORK/a"
	cmp -s "$WORK/a-$z-j1.img" "$WORK/a-$z-later.img"
	ok $? "-z $z: building again later gives an identical image"
done
check_image "the lz4hc image" "$WORK/a-lz4hc-j1.img" "$WORK/a"

# Content that differs only in data gives another UUID; -U sets it.
uuid() { dump.erofs -s "$1" | sed -n 's/^Filesystem UUID: *//p'; }
"$INITEROFS" build -U 01234567-89ab-cdef-0123-456789abcdef -o "$WORK/u.img" "$WORK/a"
is "$(uuid "$WORK/u.img")" "01234567-89ab-cdef-0123-456789abcdef" "-U sets the UUID"
"$INITEROFS" build -L initrd-label -o "$WORK/l.img" "$WORK/a"
like "$("$INITEROFS" info "$WORK/l.img")" "volume name: +initrd-label$" "-L sets the volume name"
"$INITEROFS" build -U random -o "$WORK/r1.img" "$WORK/a"
"$INITEROFS" build -U random -o "$WORK/r2.img" "$WORK/a"
[ "$(uuid "$WORK/r1.img")" != "$(uuid "$WORK/r2.img")" ]
ok $? "-U random gives different UUIDs"
echo changed >>"$WORK/a/d3/f3"
touch -d @1600000000 "$WORK/a/d3/f3" "$WORK/a/d3"
"$INITEROFS" build -o "$WORK/c.img" "$WORK/a"
[ "$(uuid "$WORK/c.img")" != "$(uuid "$WORK/a-none-j1.img")" ]
ok $? "a changed tree gets another derived UUID"
done_testing
