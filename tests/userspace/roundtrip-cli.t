#!/bin/bash
# The reading commands as a user meets them: --help, usage errors, missing
# images and paths, images behind an early cpio prefix (what convert
# writes), extract's all-or-nothing behaviour, extract without root, and
# extract on hostile images (names with '/', duplicate names, symlinks
# pointing out) never writing outside its directory.
. "$(dirname "$0")/roundtrip-lib.sh"
rt_setup
I=$INITEROFS
C=$RT_TMP/corruptor

src=$RT_TMP/src
mkdir -p "$src/dir/sub"
echo hello > "$src/dir/sub/file"
gen_text 100000 cli > "$src/big"
ln -s dir/sub/file "$src/link"
ln -s ../../../../outside "$src/escape"
mkdir "$src/escapf" "$src/up"
echo trap > "$src/escapf/x"
echo trap > "$src/up/x"
mkfifo "$src/fifo"
echo run > "$src/suid"
chmod 6755 "$src/suid"
is_root && mknod "$src/null" c 1 3
img=$RT_TMP/img
"$I" build -z lz4 -o "$img" "$src" > /dev/null 2>&1 ||
	mkfs.erofs -zlz4 "$img" "$src" > /dev/null 2>&1
assert "an image to read" test -s "$img"

# --help and usage errors.
for cmd in check info ls cat extract; do
	out=$("$I" "$cmd" --help 2>&1)
	assert "$cmd --help exits 0 and shows usage" \
		test $? -eq 0 -a "${out#Usage: initerofs $cmd}" != "$out"
	"$I" "$cmd" > /dev/null 2>&1
	assert "$cmd without arguments is a usage error (exit 2)" test $? -eq 2
	"$I" "$cmd" --bogus-option "$img" > /dev/null 2>&1
	assert "$cmd with an unknown option is a usage error (exit 2)" test $? -eq 2
done

# Missing images and paths.
out=$("$I" ls "$RT_TMP/no-such.img" 2>&1)
assert "ls of a missing image: exit 1 and the reason" \
	test $? -eq 1 -a "${out/No such file/}" != "$out"
out=$("$I" cat "$img" /dir/none 2>&1)
assert "cat of a missing path names it" test $? -eq 1 -a "${out/none/}" != "$out"
out=$("$I" cat "$img" /dir 2>&1)
assert "cat of a directory is refused" test $? -eq 1 -a "${out/not a regular/}" != "$out"
assert "ls of a file prints that file" test "$("$I" ls "$img" /dir/sub/file)" = file
assert "ls -l shows the symlink target" \
	test "$("$I" ls -l "$img" /link | sed 's/.* -> //')" = dir/sub/file
echo garbage > "$RT_TMP/not-erofs"
head -c 100000 /dev/zero >> "$RT_TMP/not-erofs"
out=$("$I" check "$RT_TMP/not-erofs" 2>&1)
assert "check of a file that is no image: exit 1, says so" \
	test $? -eq 1 -a "${out/no EROFS superblock/}" != "$out"

# Behind an early microcode cpio, padded to 4 KiB, as convert writes it.
mkdir -p "$RT_TMP/early/kernel/x86/microcode"
echo microcode > "$RT_TMP/early/kernel/x86/microcode/GenuineIntel.bin"
(cd "$RT_TMP/early" && find kernel | cpio -o -H newc --quiet) > "$RT_TMP/prefixed"
truncate -s %4096 "$RT_TMP/prefixed"
cat "$img" >> "$RT_TMP/prefixed"
assert "check reads an image behind a microcode cpio" "$I" check -q "$RT_TMP/prefixed"
assert "cat reads a file behind the prefix" \
	test "$("$I" cat "$RT_TMP/prefixed" /link)" = hello
assert "info says where the image starts" \
	grep -q 'starts at: *[1-9]' <("$I" info "$RT_TMP/prefixed")
"$I" extract -q "$RT_TMP/prefixed" "$RT_TMP/px"
assert "extract of the prefixed image gives the tree" \
	cmp -s "$RT_TMP/px/big" "$src/big"

# Extract is all or nothing, and never into a non-empty directory.
mkdir "$RT_TMP/full" && echo keep > "$RT_TMP/full/keep"
"$I" extract -q "$img" "$RT_TMP/full" 2> "$RT_TMP/err"
assert "extract into a non-empty directory is refused" \
	test $? -eq 1 -a "$(ls "$RT_TMP/full")" = keep
mkdir "$RT_TMP/empty"
assert "extract into an empty directory works" "$I" extract -q "$img" "$RT_TMP/empty/"
assert "...and leaves no temporary directory behind" \
	test "$(ls -d "$RT_TMP"/empty.initerofs-* 2>/dev/null | wc -l)" -eq 0
cp "$img" "$RT_TMP/broken"
"$C" flip "$RT_TMP/broken" "$(( $(stat -c %s "$img") / 2 ))" 4096 3 40 > /dev/null
"$I" extract -q "$RT_TMP/broken" "$RT_TMP/bx" 2>/dev/null
assert "a failed extract leaves neither DIR nor its temporary" \
	test $? -eq 1 -a ! -e "$RT_TMP/bx" -a \
	"$(ls -d "$RT_TMP"/bx.initerofs-* 2>/dev/null | wc -l)" -eq 0

# Without root: no chown, device nodes skipped with a warning, exit 0.
if is_root && command -v setpriv > /dev/null; then
	mkdir "$RT_TMP/user" && chmod 0777 "$RT_TMP/user"
	chmod 0755 "$RT_TMP"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$I" extract "$img" "$RT_TMP/user/x" 2> "$RT_TMP/user.err"
	assert "extract as an ordinary user succeeds" test $? -eq 0
	assert "...warns that the device node was skipped" \
		grep -q 'null: device node skipped' "$RT_TMP/user.err"
	assert "...and extracts the rest, owned by the user" \
		test "$(stat -c %u "$RT_TMP/user/x/big")" = 65534 -a -p "$RT_TMP/user/x/fifo"
else
	skip "extract as an ordinary user (needs root and setpriv to switch)"
fi

# Hostile images: nothing may land outside DIR.
mkdir -p "$RT_TMP/outside"
as_user() {	# COMMAND...: as an ordinary user (nobody), when we can switch
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
can_switch() { is_root && command -v setpriv > /dev/null; }
hostile() {	# DESCRIPTION: extract $RT_TMP/hostile, check nothing escaped
	local who
	for who in root user; do
		[ $who = user ] && ! can_switch && continue
		rm -rf "$RT_TMP/hx"
		chmod 0777 "$RT_TMP/outside"
		if [ $who = root ]; then
			timeout 30 "$I" extract -q "$RT_TMP/hostile" "$RT_TMP/hx" > /dev/null 2>&1
		else
			chmod 0777 "$RT_TMP"
			chmod 0644 "$RT_TMP/hostile"
			timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$I" extract -q "$RT_TMP/hostile" "$RT_TMP/hx" > /dev/null 2>&1
		fi
		rc=$?
		assert "$1 ($who): extract exits 0 or 1 within 30 s" test "$rc" -le 1
		assert "$1 ($who): nothing written outside DIR" \
			test -z "$(ls -A "$RT_TMP/outside")" -a ! -e "$RT_TMP/x" -a ! -e "$RT_TMP/sub"
		rm -rf "$RT_TMP/hx"
	done
	chmod 0755 "$RT_TMP"
}
le() {	# VALUE BYTES: little-endian hex
	local v=$1 n=$2 out= i
	for ((i = 0; i < n; i++)); do
		out+=$(printf '%02x' $((v & 255)))
		v=$((v >> 8))
	done
	echo "$out"
}
# "escapf" renamed to "escape": a directory with the name of the symlink
# pointing out; its file must not go through the symlink.
cp "$img" "$RT_TMP/hostile"
"$C" poke "$RT_TMP/hostile" "$("$C" locate "$img" name / escapf | cut -d' ' -f1)" 657363617065
"$C" fixsum "$RT_TMP/hostile"
hostile "a directory named like a symlink pointing out"
# A name with a '/' in it: "dir" becomes "../" + ...
cp "$img" "$RT_TMP/hostile"
"$C" poke "$RT_TMP/hostile" "$("$C" locate "$img" name /dir sub | cut -d' ' -f1)" 2e2f2e
"$C" fixsum "$RT_TMP/hostile"
hostile "a name containing '/'"
assert "check reports that name" \
	grep -q "contains '/'" <("$I" check "$RT_TMP/hostile" 2>&1)
# "up" renamed to "..": an entry that would climb out.
cp "$img" "$RT_TMP/hostile"
"$C" poke "$RT_TMP/hostile" "$("$C" locate "$img" name / up | cut -d' ' -f1)" 2e2e
"$C" fixsum "$RT_TMP/hostile"
hostile "an entry named '..'"
assert "extract refuses it rather than dropping the entry quietly" test "$rc" -eq 1
assert "check reports it" grep -q 'more than one' <("$I" check "$RT_TMP/hostile" 2>&1)
# A directory loop: /dir/sub's dirent pointing back at /dir, and at the root.
for target in /dir /; do
	cp "$img" "$RT_TMP/hostile"
	"$C" poke "$RT_TMP/hostile" "$("$C" locate "$img" dirent /dir sub | cut -d' ' -f1)" \
		"$(le "$("$C" nid "$img" "$target")" 8)"
	"$C" fixsum "$RT_TMP/hostile"
	hostile "a directory loop back to $target"
	assert "extract refuses the loop to $target" test "$rc" -eq 1
done

# Setuid/setgid bits: kept by root (owners restored), dropped without
# owners (--no-owner, or as an ordinary user): a file must never become
# setuid for whoever extracted it (issue 12).
rm -rf "$RT_TMP/sx"
"$I" extract -q "$img" "$RT_TMP/sx" && is_root &&
	test "$(stat -c %a "$RT_TMP/sx/suid")" = 6755
assert "root keeps setuid/setgid with owners" test $? -eq 0 -o "$(id -u)" -ne 0
rm -rf "$RT_TMP/sx"
"$I" extract -q --no-owner "$img" "$RT_TMP/sx"
assert "--no-owner drops setuid/setgid" test "$(stat -c %a "$RT_TMP/sx/suid")" = 755
rm -rf "$RT_TMP/sx"
if can_switch; then
	chmod 0777 "$RT_TMP"
	as_user "$I" extract -q "$img" "$RT_TMP/sx"
	assert "an ordinary user's extract drops setuid/setgid" \
		test "$(stat -c %a "$RT_TMP/sx/suid")" = 755
	chmod 0755 "$RT_TMP"
else
	skip "extract as an ordinary user (needs root and setpriv to switch)"
fi
rt_done
