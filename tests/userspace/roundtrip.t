#!/bin/bash
# Round trip through `initerofs build`: a tree holding every file type, odd
# names, boundary sizes, hard links, special mode bits, owners, xattrs and
# nanosecond mtimes is built with each -z mode; `initerofs extract` and
# Debian's `fsck.erofs --extract` (an independent reader) must give the tree
# back, `dump.erofs` must agree on inode metadata, `initerofs check` must
# pass. fsck.erofs 1.5 drops setuid/setgid bits, hard links and xattrs when
# extracting, so its comparison leaves those out.
#
# Besides the -z modes, initerofs build is run with LZMA, 1 KiB and 512-byte
# blocks and 64 KiB physical clusters; erofs-utils 1.5 reads neither LZMA
# nor blocks smaller than a page, so for those only our reader is asked.
#
# RT_BUILDER=mkfs runs the same test on images from Debian's mkfs.erofs
# (roundtrip-mkfs.t does that).
. "$(dirname "$0")/roundtrip-lib.sh"
rt_setup
builder=${RT_BUILDER:-initerofs}
if [ "$builder" = mkfs ]; then
	variants=${RT_VARIANTS:-none lz4 lz4hc lz4hc:-C65536 lz4hc:-Eztailpacking none:--chunksize=8192}
else
	variants=${RT_VARIANTS:-none lz4 lz4hc lzma lz4hc:-C65536 lz4:-b1024 lz4hc:-b512}
fi

make_tree "$RT_TMP/src" "$([ "$builder" = mkfs ] && echo mkfs)"
"$RT_TMP/rtlist" "$RT_TMP/src" > "$RT_TMP/src.list"
fsck_opts=(--no-links --no-xattrs --mode-mask 01777)
"$RT_TMP/rtlist" "${fsck_opts[@]}" "$RT_TMP/src" > "$RT_TMP/src-fsck.list"

# erofs-utils' view of the image: fsck.erofs --extract and dump.erofs.
independent_reader() {
	local z=$1
	if fsck.erofs --extract="$RT_TMP/f" "$img" > "$RT_TMP/fsck.out" 2>&1; then
		ok "fsck.erofs --extract succeeds ($z)"
		compare_tree "fsck.erofs --extract gives the tree back ($z)" \
			"$RT_TMP/src-fsck.list" "$RT_TMP/f" "${fsck_opts[@]}"
	else
		not_ok "fsck.erofs --extract succeeds ($z)"
		diag "$(head -n 20 "$RT_TMP/fsck.out")"
	fi
	if dump_agrees "$img" "$RT_TMP/src" > "$RT_TMP/dump.out"; then
		ok "dump.erofs agrees on every inode's metadata ($z)"
	else
		not_ok "dump.erofs agrees on every inode's metadata ($z)"
		diag "$(head -n 20 "$RT_TMP/dump.out")"
	fi
}

# Our own reader: check, extract, ls, cat.
our_reader() {
	local z=$1
	if "$INITEROFS" check "$img" > "$RT_TMP/check.out" 2>&1; then
		ok "initerofs check passes ($z)"
	else
		not_ok "initerofs check passes ($z)"
		diag "$(head -n 20 "$RT_TMP/check.out")"
	fi
	if "$INITEROFS" extract -q "$img" "$RT_TMP/x"; then
		ok "initerofs extract succeeds ($z)"
		compare_tree "initerofs extract gives the tree back ($z)" \
			"$RT_TMP/src.list" "$RT_TMP/x"
	else
		not_ok "initerofs extract succeeds ($z)"
	fi
	"$INITEROFS" ls -R "$img" > "$RT_TMP/ls.out" 2>&1
	assert "ls -R lists every directory ($z)" \
		test "$(grep -c ':$' "$RT_TMP/ls.out")" -ge 70
	assert "cat gives a file's bytes ($z)" \
		cmp -s <("$INITEROFS" cat "$img" /sizes/mixed) "$RT_TMP/src/sizes/mixed"
	assert "cat follows symlinks inside the image ($z)" \
		cmp -s <("$INITEROFS" cat "$img" /types/symlink) "$RT_TMP/src/types/file"
}

for z in $variants; do
	img=$RT_TMP/image.img
	rm -rf "$RT_TMP/x" "$RT_TMP/f"
	if ! build_image "$builder" "$z" "$RT_TMP/src" "$img" 2>"$RT_TMP/build.err"; then
		not_ok "$builder builds the tree ($z)"
		diag "$(head -n 20 "$RT_TMP/build.err")"
		continue
	fi
	ok "$builder builds the tree ($z)"
	our_reader "$z"
	case $z in
	lzma* | *-b*) skip "erofs-utils 1.5 cannot read $z images" ;;
	*) independent_reader "$z" ;;
	esac
done
rt_done
