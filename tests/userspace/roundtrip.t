#!/bin/bash
# Round trip through `initerofs build`: a tree holding every file type, odd
# names, boundary sizes, hard links, special mode bits, owners, xattrs and
# nanosecond mtimes is built with each -z mode; `initerofs extract` and
# Debian's `fsck.erofs --extract` (an independent reader) must give the tree
# back, `dump.erofs` must agree on inode metadata, `initerofs check` must
# pass. fsck.erofs 1.5 drops setuid/setgid bits, hard links and xattrs when
# extracting, so its comparison leaves those out.
#
# RT_BUILDER=mkfs runs the same test on images from Debian's mkfs.erofs
# (roundtrip-mkfs.t does that).
. "$(dirname "$0")/roundtrip-lib.sh"
rt_setup
builder=${RT_BUILDER:-initerofs}
zmodes=${RT_ZMODES:-none lz4 lz4hc}

make_tree "$RT_TMP/src" "$([ "$builder" = mkfs ] && echo mkfs)"
"$RT_TMP/rtlist" "$RT_TMP/src" > "$RT_TMP/src.list"
fsck_opts=(--no-links --no-xattrs --mode-mask 01777)
"$RT_TMP/rtlist" "${fsck_opts[@]}" "$RT_TMP/src" > "$RT_TMP/src-fsck.list"

for z in $zmodes; do
	img=$RT_TMP/$z.img
	if ! build_image "$builder" "$z" "$RT_TMP/src" "$img" 2>"$RT_TMP/build.err"; then
		not_ok "$builder builds the tree with -z $z"
		diag "$(head -n 20 "$RT_TMP/build.err")"
		continue
	fi
	ok "$builder builds the tree with -z $z"
	if "$INITEROFS" check "$img" > "$RT_TMP/check.out" 2>&1; then
		ok "initerofs check passes (-z $z)"
	else
		not_ok "initerofs check passes (-z $z)"
		diag "$(head -n 20 "$RT_TMP/check.out")"
	fi
	if "$INITEROFS" extract -q "$img" "$RT_TMP/x-$z"; then
		ok "initerofs extract succeeds (-z $z)"
		compare_tree "initerofs extract gives the tree back (-z $z)" \
			"$RT_TMP/src.list" "$RT_TMP/x-$z"
	else
		not_ok "initerofs extract succeeds (-z $z)"
	fi
	if fsck.erofs --extract="$RT_TMP/f-$z" "$img" > "$RT_TMP/fsck.out" 2>&1; then
		ok "fsck.erofs --extract succeeds (-z $z)"
		compare_tree "fsck.erofs --extract gives the tree back (-z $z)" \
			"$RT_TMP/src-fsck.list" "$RT_TMP/f-$z" "${fsck_opts[@]}"
	else
		not_ok "fsck.erofs --extract succeeds (-z $z)"
		diag "$(head -n 20 "$RT_TMP/fsck.out")"
	fi
	if dump_agrees "$img" "$RT_TMP/src" > "$RT_TMP/dump.out"; then
		ok "dump.erofs agrees on every inode's metadata (-z $z)"
	else
		not_ok "dump.erofs agrees on every inode's metadata (-z $z)"
		diag "$(head -n 20 "$RT_TMP/dump.out")"
	fi
	# ls and cat read the same tree.
	"$INITEROFS" ls -R "$img" > "$RT_TMP/ls.out" 2>&1
	assert "ls -R lists every directory (-z $z)" \
		test "$(grep -c ':$' "$RT_TMP/ls.out")" -ge 70
	assert "cat gives a file's bytes (-z $z)" \
		cmp -s <("$INITEROFS" cat "$img" /sizes/mixed) "$RT_TMP/src/sizes/mixed"
	assert "cat follows symlinks inside the image (-z $z)" \
		cmp -s <("$INITEROFS" cat "$img" /types/symlink) "$RT_TMP/src/types/file"
	rm -rf "$RT_TMP/x-$z" "$RT_TMP/f-$z"
done
rt_done
