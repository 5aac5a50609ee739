#!/bin/bash
# The shape of the kernel series, as a maintainer would receive it, without
# building anything (scripts/build-kernel --series-check builds and runs
# checkpatch): kernel/patches/ holds a cover letter and numbered
# `git format-patch` patches and nothing of the comparison designs, which
# live in kernel/compare/NAME/ for the design-NAME.config that needs them.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/tap.sh

mapfile -t series < <(find kernel/patches -maxdepth 1 -name '*.patch' ! -name '0000-*' | LC_ALL=C sort)
n=${#series[@]}
cmp_num "$n" -gt 0 "the series has patches"

cover=kernel/patches/0000-cover-letter.patch
if [ -f "$cover" ]; then
	ok 0 "the series has a cover letter"
	c=$(cat "$cover")
	like "$c" "^Subject: \[PATCH 0/$n\] " "cover letter numbered 0/$n"
	unlike "$c" '\*\*\* (SUBJECT|BLURB) HERE \*\*\*' "cover letter filled in"
	unlike "$c" '^diff --git ' "cover letter carries no diff (build-kernel does not apply it)"
	for section in 'Numbers' 'Since the first public attempt' 'What this version does not do yet' 'Questions'; do
		like "$c" "^$section\$" "cover letter has a '$section' section"
	done
	like "$c" 'VFS and MM' "cover letter asks VFS and MM"
	like "$c" 'in-memory' "cover letter describes the in-memory EROFS source"
else
	ok 1 "the series has a cover letter ($cover)"
fi

i=0
for p in "${series[@]}"; do
	i=$((i + 1))
	name=${p##*/}
	is "${name%%-*}" "$(printf '%04d' "$i")" "$name: numbered in order"
	like "$(cat "$p")" "^Subject: \[PATCH $i/$n\] " "$name: subject numbered $i/$n"
	like "$(cat "$p")" '^Signed-off-by: ' "$name: signed off"
	like "$(cat "$p")" '^diff --git ' "$name: carries a diff"
done

# What the comparison designs add never reaches the series.
all=$(cat "${series[@]}")
unlike "$all" '^\+\+\+ b/init/initerofs_bdev\.c' "the series does not add the block device backend"
unlike "$all" '^\+config INITEROFS_BDEV' "the series does not define CONFIG_INITEROFS_BDEV"

# Issue 11: EROFS mounts the image from memory itself. No ramfs file with
# swapped operations in init/, no EROFS headers included from init/ (EROFS
# validates the superblock), and the EROFS patch comes before its user.
unlike "$all" '^\+\+\+ b/init/initerofs_file\.c' "the series has no ramfs file shim (init/initerofs_file.c)"
unlike "$all" '^\+#include "\.\./fs/erofs/' "init/ includes no EROFS internal header"
unlike "$all" '^\+.*crc32c\(' "init/ computes no superblock checksum"
mem=$(grep -l '^+++ b/fs/erofs/mem\.c' "${series[@]}" | head -n 1)
user=$(grep -l '^+++ b/init/initerofs_mem\.c' "${series[@]}" | head -n 1)
if [ -n "$mem" ] && [ -n "$user" ]; then
	ok 0 "the series adds the EROFS memory source and its init user"
	cmp_num "$(basename "$mem" | cut -c1-4 | sed 's/^0*//')" -lt "$(basename "$user" | cut -c1-4 | sed 's/^0*//')" \
		"the EROFS memory source comes before init uses it"
else
	ok 1 "the series adds fs/erofs/mem.c and init/initerofs_mem.c"
fi

# Every symbol a design fragment asks for is defined by the series or by
# the design's own patches (kernel/compare/NAME/).
for frag in kernel/config/design-*.config; do
	[ -f "$frag" ] || continue
	design=${frag##*/design-}
	design=${design%.config}
	while read -r sym; do
		short=${sym#CONFIG_}
		if grep -q "^+config $short\$" "${series[@]}"; then
			ok 0 "design $design: $sym defined by the series"
			continue
		fi
		defined=1
		for p in kernel/compare/"$design"/*.patch; do
			[ -f "$p" ] && grep -q "^+config $short\$" "$p" && defined=0
		done
		ok $defined "design $design: $sym defined by kernel/compare/$design/"
	done < <(sed -n 's/^\(CONFIG_INITEROFS[A-Z0-9_]*\)=.*/\1/p' "$frag")
done

done_testing
