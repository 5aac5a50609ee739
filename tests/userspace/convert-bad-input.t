#!/bin/bash
# initerofs convert on broken input: each case must fail with a message
# naming the problem and its byte offset, exit non-zero, and leave nothing
# behind (no output, no temporary file, no spool).
cd "$(dirname "$0")/../.." || exit 1
. tests/userspace/lib/convert.sh
convert_setup

# newc NAME MODE DATA [FIELD=VALUE...]: one archive entry on stdout, with
# header fields overridable (magic, filesize, namesize, check, raw_name).
newc() {
	perl -e '
		my ($name, $mode, $data, @over) = @ARGV;
		my %f = (magic => "070701", ino => 1, mode => oct($mode), uid => 0,
			 gid => 0, nlink => 1, mtime => 0, filesize => length($data),
			 devmajor => 0, devminor => 0, rdevmajor => 0, rdevminor => 0,
			 namesize => length($name) + 1, check => 0);
		my $raw_name = "$name\0";
		for (@over) {
			my ($k, $v) = split /=/, $_, 2;
			if ($k eq "raw_name") { $raw_name = $v; next }
			$f{$k} = $k eq "magic" ? $v : $v =~ /^0x/ ? hex($v) : $v;
		}
		my $hdr = $f{magic};
		for my $k (qw(ino mode uid gid nlink mtime filesize devmajor devminor
			      rdevmajor rdevminor namesize check)) {
			$hdr .= ref($f{$k}) ? ${$f{$k}} :
				$f{$k} =~ /^[0-9]+$/ ? sprintf("%08X", $f{$k}) : $f{$k};
		}
		my $out = $hdr . $raw_name;
		$out .= "\0" x ((4 - length($out) % 4) % 4);
		$out .= $data . "\0" x ((4 - length($data) % 4) % 4);
		print $out;' -- "$@"
}

trailer() {
	newc 'TRAILER!!!' 0 ''
}

# expect_failure NAME EXPECTED_REGEX INPUT: convert fails, says so, leaves nothing.
expect_failure() {
	local name=$1 re=$2 input=$3 dir=$WORK/out-$1 status=0 msg
	mkdir -p "$dir"
	msg=$("$INITEROFS" convert -q -o "$dir/out.img" "$input" 2>&1) || status=$?
	cmp_num "$status" -ne 0 "$name: exit status is non-zero"
	cmp_num "$status" -ne 139 "$name: no crash (SIGSEGV)"
	like "$msg" "$re" "$name: the message names the problem and its offset"
	is "$(ls -A "$dir")" "" "$name: nothing is left behind in the output folder"
}

# A good archive to damage: /etc/hello with "hello\n" (header at 116).
good=$WORK/good.cpio
{
	newc etc 040755 ''
	newc etc/hello 0100644 'hello
'
	trailer
} >"$good"
"$INITEROFS" convert -q -o "$WORK/good.img" "$good"
ok $? "the undamaged archive converts"
rm -f "$WORK/good.img"

# Truncated, uncompressed: cut inside the data of etc/hello.
head -c 239 "$good" >"$WORK/truncated.cpio"
expect_failure truncated 'offset 239: truncated: the input ends inside the data of the entry at offset 116' "$WORK/truncated.cpio"

# Truncated, compressed: a gzip stream cut in half.
gzip -n <"$good" | head -c 40 >"$WORK/truncated.gz"
expect_failure truncated-gzip 'gzip stream at offset 0: truncated' "$WORK/truncated.gz"

# Truncated exactly between two entries: no TRAILER!!! closes the archive.
head -c 244 "$good" | zstd -q >"$WORK/no-trailer.zst"
expect_failure no-trailer 'zstd stream at offset 0: uncompressed offset 244: truncated: the cpio archive that starts at offset 0 has no TRAILER!!!' "$WORK/no-trailer.zst"

# Garbage between two segments.
{ cat "$good"; head -c 512 /dev/zero; printf 'GARBAGE!'; cat "$good"; } >"$WORK/garbage.cpio"
expect_failure garbage 'offset 880: unknown data \(bytes 47 41\)' "$WORK/garbage.cpio"

# Junk inside a compressed segment, after a complete archive.
{ cat "$good"; printf 'junk'; } | gzip -n >"$WORK/junk.gz"
expect_failure junk-in-gzip 'gzip stream at offset 0: uncompressed offset 368: junk inside the compressed archive' "$WORK/junk.gz"

# A non-hex digit in a header field: filesize of etc/hello (at 116 + 54).
{
	newc etc 040755 ''
	newc etc/hello 0100644 'hello
' filesize=0000000g
	trailer
} >"$WORK/nonhex.cpio"
expect_failure non-hex 'offset 177: field filesize is not 8 hex digits \("0000000g"\)' "$WORK/nonhex.cpio"

# A name without its NUL (namesize counts no terminator).
{
	newc etc 040755 ''
	newc abc 0100644 '' namesize=3 raw_name=abc
	trailer
} >"$WORK/nonul.cpio"
expect_failure name-without-nul 'offset 228: name "abc" is not NUL-terminated' "$WORK/nonul.cpio"

# A name longer than PATH_MAX (4096 bytes with its NUL).
long=$(printf 'a%.0s' $(seq 1 5000))
{ newc "$long" 0100644 ''; trailer; } >"$WORK/long.cpio"
expect_failure long-name 'offset 94: namesize 5001 is out of range \(1 to PATH_MAX = 4096' "$WORK/long.cpio"

# A file size beyond the end of the input.
{ newc big 0100644 'abcd' filesize=0x100000; trailer; } >"$WORK/beyond.cpio"
expect_failure size-beyond-end 'truncated: the input ends inside the data of the entry at offset 0' "$WORK/beyond.cpio"

# A wrong checksum in the crc format: header at 124, check field at +102.
{
	newc good 0100644 'checked' magic=070702 check=$((99 + 104 + 101 + 99 + 107 + 101 + 100))
	newc bad 0100644 'checked' magic=070702 check=1
	trailer
} >"$WORK/crc.cpio"
expect_failure crc-mismatch 'offset 226: "bad": data checksum 0x000002c7 does not match the header.s 0x00000001' "$WORK/crc.cpio"

# A damaged lzo header after a good archive, and a compression nobody knows.
{ cat "$good"; printf '\x89LZO\0\r\n\x1a\n'; } >"$WORK/lzo"
expect_failure lzo-header 'lzo stream at offset 368: not an lzop file header' "$WORK/lzo"
printf 'PK\3\4 not an initramfs' >"$WORK/zip"
expect_failure unknown-compression 'offset 0: unknown data \(bytes 50 4b\): neither a cpio header nor a compression the kernel knows' "$WORK/zip"

# '..' components.
{ newc etc 040755 ''; newc 'etc/../../etc/shadow' 0100600 'x'; trailer; } >"$WORK/dotdot.cpio"
expect_failure dotdot 'offset 230: name "etc/../../etc/shadow" has a ".." component' "$WORK/dotdot.cpio"

# The old odc format the kernel refuses.
printf '070707%0104d' 0 >"$WORK/odc.cpio"
expect_failure odc 'offset 0: old portable \(odc\) cpio format' "$WORK/odc.cpio"

# An input that is already an EROFS image.
"$INITEROFS" convert -q -o "$WORK/image.img" "$good" &&
	expect_failure already-erofs 'offset 1024: EROFS superblock magic' "$WORK/image.img"

# Nothing to convert.
: >"$WORK/empty"
expect_failure empty 'no initramfs in it \(empty, or zero bytes only\)' "$WORK/empty"
head -c 4096 /dev/zero >"$WORK/zeros"
expect_failure zeros 'no initramfs in it' "$WORK/zeros"

# Unreadable input and unwritable output: clear messages, nothing left.
expect_failure missing-input 'cannot open .*/missing: No such file or directory' "$WORK/missing"
status=0
msg=$("$INITEROFS" convert -q -o /nonexistent/dir/out.img "$good" 2>&1) || status=$?
cmp_num "$status" -ne 0 "unwritable output folder: exit status is non-zero"
like "$msg" 'cannot create a temporary file for /nonexistent/dir/out.img' "unwritable output folder: says so"

# An existing output is only replaced by a complete result.
printf 'previous\n' >"$WORK/keep.img"
"$INITEROFS" convert -q -o "$WORK/keep.img" "$WORK/truncated.cpio" 2>/dev/null
is "$(cat "$WORK/keep.img")" previous "a failed conversion leaves an existing output untouched"
done_testing
