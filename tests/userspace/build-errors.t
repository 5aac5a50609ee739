#!/bin/bash
# Bad input to `initerofs build` gives a precise message and a non-zero
# exit, and leaves no output and no temporary file behind: manifest errors
# name the file and line; unreadable, vanishing and growing sources, sizes
# and device numbers the format cannot hold, and bad options are refused.
. "$(dirname "$0")/build-lib.sh"
build_setup
chmod 755 "$WORK"
mkdir "$WORK/out"
chmod 777 "$WORK/out"

# refuse DESCRIPTION REGEX ARGS...: build fails, says REGEX, leaves nothing.
refuse() {
	local desc=$1 re=$2 out status
	shift 2
	out=$("$INITEROFS" build -o "$WORK/out/img" "$@" 2>&1)
	status=$?
	[ $status -ne 0 ] && [ ! -e "$WORK/out/img" ] && no_leftovers "$WORK/out"
	ok $? "$desc: fails, no output left" || diag "status $status: $out" "$(ls -A "$WORK/out")"
	like "$out" "$re" "$desc: says why"
}

# ---- manifests -------------------------------------------------------------
echo data >"$WORK/src-file"
manifest() {
	printf 'dir /bin 0755 0 0\n# a comment\n\n%s\n' "$1" >"$WORK/m.txt"
}
manifest 'bogus /x 0644 0 0'
refuse "unknown entry type" "m\.txt:4: unknown entry type 'bogus'" "$WORK/m.txt"
manifest 'file /bin/x src-file 0999 0 0'
refuse "bad mode" "m\.txt:4: bad mode '0999'" "$WORK/m.txt"
manifest 'file /bin/x no-such-file 0644 0 0'
refuse "missing source" "m\.txt:4: source .*no-such-file: No such file" "$WORK/m.txt"
manifest 'dir /etc 0755 0'
refuse "missing field" "m\.txt:4: expected: dir NAME MODE UID GID" "$WORK/m.txt"
manifest 'nod /dev/x 0600 0 0 q 1 2'
refuse "bad device type" "m\.txt:4: device type 'q'" "$WORK/m.txt"
manifest "file /$(printf 'n%.0s' $(seq 256)) src-file 0644 0 0"
refuse "name over 255 bytes" "m\.txt:4: name 'n+' is over 255 bytes" "$WORK/m.txt"
manifest 'slink /bin/x/y target 0777 0 0'
printf 'file /bin/x src-file 0644 0 0\nslink /bin/x/y t 0777 0 0\n' >>"$WORK/m.txt"
refuse "file replacing an implicit parent" "m\.txt:5: '/bin/x' is already a directory" "$WORK/m.txt"
manifest 'file /bin/x src-file 0644 0 0'
echo 'slink /bin/x/y t 0777 0 0' >>"$WORK/m.txt"
refuse "entry below a file" "m\.txt:5: .*not a directory" "$WORK/m.txt"
manifest "slink /bin/long $(printf 't%.0s' $(seq 4096)) 0777 0 0"
refuse "symlink target over 4095 bytes" "m\.txt:4: symlink target of 4096 bytes: the kernel reads at most 4095" "$WORK/m.txt"
# Quirks once accepted silently (issue 12): a path given twice, '..', a
# file replacing a directory (and its children), a directory a symlink.
manifest 'dir /.. 0700 0 0'
refuse "dir /.." "m\.txt:4: '/\.\.': a '\.\.' component is not allowed" "$WORK/m.txt"
manifest 'file /bin/../x src-file 0644 0 0'
refuse "'..' inside a path" "m\.txt:4: '/bin/\.\./x': a '\.\.' component" "$WORK/m.txt"
manifest 'file /x src-file 0644 0 0'
echo 'file /x src-file 0600 0 0' >>"$WORK/m.txt"
refuse "duplicate path" "m\.txt:5: '/x' was already given at line 4" "$WORK/m.txt"
manifest 'file /d/f src-file 0644 0 0'
echo 'file /d src-file 0644 0 0' >>"$WORK/m.txt"
refuse "file replacing a parent directory" "m\.txt:5: '/d' is already a directory" "$WORK/m.txt"
manifest 'slink /l target 0777 0 0'
echo 'dir /l 0755 0 0' >>"$WORK/m.txt"
refuse "directory replacing a symlink" "m\.txt:5: '/l' was already given at line 4" "$WORK/m.txt"
manifest 'file /d/f src-file 0644 0 0'
echo 'dir /d 0700 0 0' >>"$WORK/m.txt"
"$INITEROFS" build -o "$WORK/out/img" "$WORK/m.txt" >/dev/null 2>&1 &&
	"$INITEROFS" ls -l "$WORK/out/img" / | grep -q '^drwx------ .* d$'
ok $? "a later dir line for a parent sets its mode (still allowed)"
rm -f "$WORK/out/img"
manifest 'file /bin/x src-file 0644 -1 0'
refuse "negative uid" "m\.txt:4: bad uid '-1'" "$WORK/m.txt"
manifest 'nod /dev/big 0600 0 0 c 4096 1'
refuse "device major over 4095" "device 4096:1 does not fit" "$WORK/m.txt"

# ---- directory sources -------------------------------------------------------
refuse "missing source" "no-such-dir: No such file" "$WORK/no-such-dir"
mkdir -p "$WORK/tree/sub"
echo secret >"$WORK/tree/sub/secret"
chmod 755 "$WORK/tree" "$WORK/tree/sub"
if can_be_nobody; then
	chmod 000 "$WORK/tree/sub/secret"
	out=$(as_nobody "$NOBODY_INITEROFS" build -o "$WORK/out/img" "$WORK/tree" 2>&1)
	[ $? -ne 0 ] && [ ! -e "$WORK/out/img" ] && no_leftovers "$WORK/out"
	ok $? "unreadable file: fails, no output left" || diag "$out"
	like "$out" "tree/sub/secret: cannot open for reading" "unreadable file: says which"
	chmod 644 "$WORK/tree/sub/secret"
	chmod 000 "$WORK/tree/sub"
	out=$(as_nobody "$NOBODY_INITEROFS" build -o "$WORK/out/img" "$WORK/tree" 2>&1)
	[ $? -ne 0 ] && [ ! -e "$WORK/out/img" ]
	ok $? "unreadable directory: fails, no output left" || diag "$out"
	like "$out" "tree/sub: cannot open directory: Permission denied" \
		"unreadable directory: says which"
	chmod 755 "$WORK/tree/sub"
else
	skip "unreadable sources need root to switch to nobody"
	skip "unreadable sources need root to switch to nobody"
	skip "unreadable sources need root to switch to nobody"
	skip "unreadable sources need root to switch to nobody"
fi

# A file that grows while the image is built (after a big file that keeps
# the writer busy, so it is read well after it was listed).
mkdir "$WORK/grow"
head -c 30M /dev/urandom >"$WORK/grow/a-big"
: >"$WORK/grow/z-growing"
(while [ -e "$WORK/grow/z-growing" ]; do echo more >>"$WORK/grow/z-growing"; done) &
appender=$!
sleep 0.2
refuse "file growing during the build" "z-growing: (changed size|grew|shrank) during the build" \
	-z lz4hc -j1 "$WORK/grow"
kill "$appender" 2>/dev/null
wait "$appender" 2>/dev/null

# Sizes the format cannot hold: 3 TiB of (sparse) data in 512-byte blocks.
mkdir "$WORK/huge"
truncate -s 3T "$WORK/huge/sparse"
refuse "more data than 2^32 blocks" "at most 2\^32 blocks" -b 512 "$WORK/huge"

# ---- options -----------------------------------------------------------------
bad_option() {
	local desc=$1 re=$2 out
	shift 2
	out=$("$INITEROFS" build "$@" 2>&1)
	[ $? -eq 2 ] && [ ! -e "$WORK/out/img" ]
	ok $? "$desc: usage error" || diag "$out"
	like "$out" "$re" "$desc: says why"
}
bad_option "unknown compressor" "unknown algorithm 'zip'" -z zip -o "$WORK/out/img" "$WORK/tree"
bad_option "lz4hc level out of range" "lz4hc takes a level" -z lz4hc,99 -o "$WORK/out/img" "$WORK/tree"
bad_option "block size" "bad block size '3000'" -b 3000 -o "$WORK/out/img" "$WORK/tree"
bad_option "long label" "longer than 15 bytes" -L 0123456789abcdef -o "$WORK/out/img" "$WORK/tree"
bad_option "bad UUID" "bad UUID" -U 1234 -o "$WORK/out/img" "$WORK/tree"
bad_option "bad timestamp" "bad timestamp 'soon'" -T soon -o "$WORK/out/img" "$WORK/tree"
bad_option "no output" "no output image" "$WORK/tree"
bad_option "two sources" "more than one SOURCE" -o "$WORK/out/img" "$WORK/tree" "$WORK/tree"
out=$(SOURCE_DATE_EPOCH=yesterday "$INITEROFS" build -o "$WORK/out/img" "$WORK/tree" 2>&1)
[ $? -eq 2 ]
ok $? "bad SOURCE_DATE_EPOCH: usage error" || diag "$out"
refuse "physical cluster not a block multiple" "multiple of the block size" \
	-z lz4 -C 6000 "$WORK/tree"
out=$("$INITEROFS" build -o "$WORK/no-such-dir/img" "$WORK/tree" 2>&1)
[ $? -ne 0 ]
ok $? "output folder missing: fails"
like "$out" "cannot create .*no-such-dir/img" "output folder missing: says why"

# The output must not be one of the inputs (issue 12: `build -o SRC/a SRC`
# silently replaced SRC/a): inside a directory SOURCE, even through a
# symlink or "..", or the manifest itself, or a file a manifest packs.
mkdir -p "$WORK/in/sub"
echo keep >"$WORK/in/a"
ln -s in "$WORK/in-link"
for o in "$WORK/in/a" "$WORK/in/new.img" "$WORK/in/sub/../a" "$WORK/in-link/sub/x.img"; do
	out=$("$INITEROFS" build -o "$o" "$WORK/in" 2>&1)
	[ $? -eq 1 ] && [ "$(cat "$WORK/in/a")" = keep ] && [ ! -e "$WORK/in/new.img" ] &&
		[ ! -e "$WORK/in/sub/x.img" ] && no_leftovers "$WORK/in"
	ok $? "output $o inside SOURCE: refused, input intact" || diag "$out"
	like "$out" "output image is inside SOURCE" "output $o inside SOURCE: says why"
done
printf 'file /a %s 0644 0 0\n' "$WORK/in/a" >"$WORK/in.m"
cp "$WORK/in.m" "$WORK/in.m.orig"
out=$("$INITEROFS" build -o "$WORK/in.m" "$WORK/in.m" 2>&1)
[ $? -eq 1 ] && cmp -s "$WORK/in.m" "$WORK/in.m.orig"
ok $? "output is the manifest: refused, manifest intact" || diag "$out"
out=$("$INITEROFS" build -o "$WORK/in/a" "$WORK/in.m" 2>&1)
[ $? -eq 1 ] && [ "$(cat "$WORK/in/a")" = keep ]
ok $? "output is a file the manifest packs: refused, file intact" || diag "$out"
like "$out" "output image is the input file .*in/a" "output is a packed file: says which"
"$INITEROFS" build -o "$WORK/out/next-to.img" "$WORK/in" >/dev/null 2>&1
ok $? "output next to SOURCE (not inside): built"

# A full disk is a write error with its errno, not "read error" (issue 12:
# copy_file_range()'s ENOSPC was reported as the source's read error).
mkdir "$WORK/full" "$WORK/bigsrc"
head -c 2M /dev/urandom >"$WORK/bigsrc/big"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=256k tmpfs "$WORK/full" 2>/dev/null; then
	for z in none lz4; do
		out=$("$INITEROFS" build -z $z -o "$WORK/full/img" "$WORK/bigsrc" 2>&1)
		[ $? -eq 1 ] && [ -z "$(ls -A "$WORK/full")" ]
		ok $? "full disk (-z $z): fails, nothing left" || diag "$out"
		like "$out" "cannot write the image: No space left on device" "full disk (-z $z): says so"
	done
	umount "$WORK/full"
else
	for i in 1 2 3 4; do skip "a full disk needs root to mount a small tmpfs"; done
fi

# And an existing image is left alone when a build fails.
echo old >"$WORK/out/img"
"$INITEROFS" build -o "$WORK/out/img" "$WORK/m.txt" >/dev/null 2>&1
is "$(cat "$WORK/out/img")" "old" "a failed build leaves the old image in place"
done_testing
