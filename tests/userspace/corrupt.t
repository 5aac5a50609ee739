#!/bin/bash
# Corrupted images: `initerofs check` must report the damage and exit 1,
# and no command may crash or hang, whatever the damage.
#
# Targeted damage (each one a known problem the check must name):
# truncation; superblock fields; inode fields; dirents; names out of order;
# the lcluster indexes of a compressed file; directory cycles. Where the
# point is to get past the superblock checksum, the checksum is recomputed
# after the damage (corruptor fixsum), so the specific check must catch it.
#
# Images come from Debian's mkfs.erofs (lz4hc and uncompressed) and, when it
# can build, from `initerofs build`.
. "$(dirname "$0")/roundtrip-lib.sh"
rt_setup

UUID=6a1c7c8e-0b43-4f0e-9b5e-3c2d1e0f9a88
src=$RT_TMP/src
mkdir -p "$src/a/b/c" "$src/d"
gen_text 300000 big > "$src/big.txt"
perl -e 'srand(42); print pack("C*", map { int rand 256 } 1 .. 20000) for 1 .. 3;
	 print "z" x 30000' > "$src/mixed"
echo file > "$src/a/b/c/file"
for n in one two three four five; do echo "$n" > "$src/d/$n"; done
ln -s a/b/c/file "$src/sym"
ln "$src/d/one" "$src/d/one-again"
mkfifo "$src/fifo"

images=()
add_image() {	# NAME BUILD-COMMAND...
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		images+=("$name")
	else
		skip "$name: could not build the image"
	fi
}
add_image mkfs-lz4hc mkfs.erofs -zlz4hc -T0 -U "$UUID" "$RT_TMP/mkfs-lz4hc.img" "$src"
add_image mkfs-none mkfs.erofs -T0 -U "$UUID" "$RT_TMP/mkfs-none.img" "$src"
add_image initerofs-lz4 "$INITEROFS" build -z lz4 -T 0 -U "$UUID" -o "$RT_TMP/initerofs-lz4.img" "$src"

C=$RT_TMP/corruptor
run_check() {	# IMAGE: sets rc and out
	out=$(timeout 30 "$INITEROFS" check "$1" 2>&1)
	rc=$?
}

# expect_problem DESCRIPTION IMAGE PATTERN: exit 1 and a message matching.
expect_problem() {
	run_check "$2"
	if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -qiE -- "$3"; then
		ok "$1"
	else
		not_ok "$1 (exit $rc, wanted 1 and /$3/)"
		diag "$(printf '%s\n' "$out" | head -n 10)"
	fi
}

# damage NAME: a fresh copy of image NAME to damage, path in $img.
damage() {
	img=$RT_TMP/damaged.img
	cp "$RT_TMP/$1.img" "$img"
}

at() { "$C" locate "$RT_TMP/$1.img" "${@:2}" | cut -d' ' -f1; }
le() {	# VALUE BYTES: little-endian hex
	local v=$1 n=$2 i out=
	for ((i = 0; i < n; i++)); do
		out+=$(printf '%02x' $(((v >> (8 * i)) & 255)))
	done
	echo "$out"
}

for name in "${images[@]}"; do
	run_check "$RT_TMP/$name.img"
	assert "$name: the undamaged image checks clean" test "$rc" -eq 0
	size=$(stat -c %s "$RT_TMP/$name.img")
	sb=$(at "$name" super)

	# Truncation.
	for cut in 0 1000 1100 4096 $((size / 2)) $((size - 4096)) $((size - 1)); do
		damage "$name"
		truncate -s "$cut" "$img"
		expect_problem "$name: truncated to $cut bytes" "$img" \
			'too small|no EROFS|declares|outside|beyond|past'
	done

	# Superblock fields (checksum recomputed so that the field is judged).
	damage "$name"; "$C" poke "$img" "$sb" 00000000
	expect_problem "$name: superblock magic" "$img" 'no EROFS superblock'
	damage "$name"; "$C" poke "$img" $((sb + 4)) deadbeef
	expect_problem "$name: superblock checksum" "$img" 'checksum'
	damage "$name"; "$C" poke "$img" $((sb + 12)) 14; "$C" fixsum "$img" 2>/dev/null
	expect_problem "$name: block size 2^20" "$img" 'block size'
	damage "$name"; "$C" poke "$img" $((sb + 14)) ffff; "$C" fixsum "$img"
	expect_problem "$name: root nid out of range" "$img" 'root nid|outside'
	damage "$name"; "$C" poke "$img" $((sb + 36)) ffffff00; "$C" fixsum "$img"
	expect_problem "$name: declared size beyond the file" "$img" 'declares'
	damage "$name"; "$C" poke "$img" $((sb + 80)) 00000080; "$C" fixsum "$img"
	expect_problem "$name: unknown incompatible feature" "$img" 'unknown incompatible'
	damage "$name"; "$C" poke "$img" $((sb + 90)) 01; "$C" fixsum "$img"
	expect_problem "$name: dirblkbits" "$img" 'dirblkbits'
	damage "$name"; "$C" poke "$img" $((sb + 16)) 0100000000000000; "$C" fixsum "$img"
	expect_problem "$name: inode count" "$img" 'inode count'

	# Inode fields.
	ino=$(at "$name" inode /big.txt)
	damage "$name"; "$C" poke "$img" "$ino" ffff; "$C" fixsum "$img"
	expect_problem "$name: inode format bits" "$img" 'i_format'
	damage "$name"; "$C" poke "$img" $((ino + 4)) a401; "$C" fixsum "$img"
	expect_problem "$name: inode mode without a file type" "$img" 'bogus mode'
	damage "$name"; "$C" poke "$img" $((ino + 2)) 0100; "$C" fixsum "$img"
	expect_problem "$name: xattr area of a bare header" "$img" 'bare 12-byte'
	ino=$(at "$name" inode /d/two)
	damage "$name"; "$C" poke "$img" $((ino + 6)) 0500; "$C" fixsum "$img"
	expect_problem "$name: link count too high" "$img" 'link count'
	ino=$(at "$name" inode /d/one)
	damage "$name"; "$C" poke "$img" $((ino + 6)) 0100; "$C" fixsum "$img"
	expect_problem "$name: link count too low" "$img" 'link count'

	# Dirents and names.
	de=$(at "$name" dirent /d three)
	damage "$name"; "$C" poke "$img" "$de" ffffffffff000000; "$C" fixsum "$img"
	expect_problem "$name: dirent nid outside the image" "$img" 'outside the image'
	damage "$name"; "$C" poke "$img" $((de + 10)) 03; "$C" fixsum "$img"
	expect_problem "$name: dirent file type" "$img" 'file type'
	de0=$(at "$name" dirent /d .)
	damage "$name"; "$C" poke "$img" $((de0 + 8)) 0500; "$C" fixsum "$img"
	expect_problem "$name: first name offset" "$img" 'first name offset'
	nm=$(at "$name" name /d four)
	damage "$name"; "$C" poke "$img" "$nm" 7a7a; "$C" fixsum "$img"
	expect_problem "$name: names out of order" "$img" 'not sorted'
	damage "$name"; "$C" poke "$img" $((de0)) "$(le 0 8)"; "$C" fixsum "$img"
	expect_problem "$name: \".\" points elsewhere" "$img" '"\." points at'

	# Directory cycles: /a/b/c pointing back at /a, and at the root.
	de=$(at "$name" dirent /a/b c)
	damage "$name"; "$C" poke "$img" "$de" "$(le "$("$C" nid "$RT_TMP/$name.img" /a)" 8)"
	"$C" fixsum "$img"
	expect_problem "$name: directory cycle to /a" "$img" 'directory cycle'
	damage "$name"; "$C" poke "$img" "$de" "$(le "$("$C" nid "$RT_TMP/$name.img" /)" 8)"
	"$C" fixsum "$img"
	expect_problem "$name: directory cycle to the root" "$img" 'directory cycle'

	# Cluster indexes of a compressed file. Some single bit flips are
	# harmless (a delta[0] that still leads back to the same head, a bit
	# of an unused slot in the last pack): each flip must be reported, or
	# else leave the file reading back exactly as it was.
	if idx=$("$C" locate "$RT_TMP/$name.img" index /big.txt 2>/dev/null); then
		missed=0 reported=0
		for seed in $(seq 1 40); do
			damage "$name"
			"$C" flip "$img" ${idx% *} ${idx#* } "$seed" 1 >/dev/null
			"$C" fixsum "$img"
			run_check "$img"
			if [ "$rc" -eq 1 ]; then
				reported=$((reported + 1))
			elif [ "$rc" -ne 0 ] ||
			     ! cmp -s <("$INITEROFS" cat "$img" /big.txt) "$src/big.txt"; then
				missed=$((missed + 1))
				diag "seed $seed: exit $rc and the file reads differently"
			fi
		done
		assert "$name: 40 bit flips in the cluster index: each reported or harmless ($reported reported)" \
			test "$missed" -eq 0 -a "$reported" -ge 20
	fi
done
rt_done
