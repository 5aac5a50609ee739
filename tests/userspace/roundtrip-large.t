#!/bin/bash
# Round trip at scale: files of 100 MB and more (compressible, not
# compressible, all zeros), 50 000 files in one directory, a tree 1000
# directories deep. Built with initerofs build (lz4hc and uncompressed) and
# with mkfs.erofs (lz4); each image must check clean and extract back to the
# same tree, with our extract and with fsck.erofs --extract.
#
# fsck.erofs 1.5 recurses with large stack frames and overflows an 8 MiB
# stack somewhere between 600 and 800 levels (measured: it crashes on the
# deep tree of mkfs.erofs's own images too), so it runs with an unlimited
# stack here.
#
# RT_LARGE_MB (default 110) sets the size of the large files.
. "$(dirname "$0")/roundtrip-lib.sh"
rt_setup
mb=${RT_LARGE_MB:-110}

src=$RT_TMP/src
mkdir -p "$src/large" "$src/wide"
gen_text $((mb * 1024 * 1024)) large > "$src/large/text"
gen_noise $((mb * 1024 * 1024)) > "$src/large/noise"
head -c $((mb * 1024 * 1024 + 1)) /dev/zero > "$src/large/zeros"
# 50 000 entries in one directory, names of varying length.
(cd "$src/wide" && seq -f 'f%.0f' 1 50000 | xargs touch)
echo last > "$src/wide/zzzz-last"
# 1000 levels deep.
(
	cd "$src" && p=deep
	for i in $(seq 1 999); do p=$p/d; done
	mkdir -p "$p" && echo bottom > "$p/file"
)
"$RT_TMP/rtlist" "$src" > "$RT_TMP/src.list"
"$RT_TMP/rtlist" --no-links --no-xattrs --mode-mask 01777 "$src" > "$RT_TMP/src-fsck.list"

for variant in initerofs:lz4hc initerofs:none mkfs:lz4; do
	builder=${variant%%:*} z=${variant#*:} img=$RT_TMP/image.img
	rm -rf "$RT_TMP/x" "$RT_TMP/f"
	start=$SECONDS
	if ! build_image "$builder" "$z" "$src" "$img" 2>"$RT_TMP/build.err"; then
		not_ok "$builder builds the large tree with -z $z"
		diag "$(head -n 20 "$RT_TMP/build.err")"
		continue
	fi
	ok "$builder builds the large tree with -z $z ($((SECONDS - start)) s, $(($(stat -c %s "$img") / 1048576)) MiB)"
	if "$INITEROFS" check "$img" > "$RT_TMP/check.out" 2>&1; then
		ok "initerofs check passes ($variant)"
	else
		not_ok "initerofs check passes ($variant)"
		diag "$(head -n 20 "$RT_TMP/check.out")"
	fi
	if "$INITEROFS" extract -q "$img" "$RT_TMP/x"; then
		compare_tree "initerofs extract gives the tree back ($variant)" \
			"$RT_TMP/src.list" "$RT_TMP/x"
	else
		not_ok "initerofs extract gives the tree back ($variant)"
	fi
	rm -rf "$RT_TMP/x"
	assert "ls finds all 50 001 entries of the wide directory ($variant)" \
		test "$("$INITEROFS" ls "$img" /wide | wc -l)" -eq 50001
	assert "cat reads the last entry of the wide directory ($variant)" \
		test "$("$INITEROFS" cat "$img" /wide/zzzz-last)" = last
	if [ "$builder" = initerofs ] && [ "$z" = lz4hc ]; then
		if (ulimit -s unlimited && fsck.erofs --extract="$RT_TMP/f" "$img") \
			> "$RT_TMP/fsck.out" 2>&1; then
			compare_tree "fsck.erofs --extract gives the tree back ($variant)" \
				"$RT_TMP/src-fsck.list" "$RT_TMP/f" --no-links --no-xattrs --mode-mask 01777
		else
			not_ok "fsck.erofs --extract gives the tree back ($variant)"
			diag "$(head -n 20 "$RT_TMP/fsck.out")"
		fi
		rm -rf "$RT_TMP/f"
	fi
done
rt_done
