# Helpers of the `initerofs convert` tests (sourced after cd to the project
# root). The oracle is always an independent tool: GNU cpio extracts the
# input as root, erofs-utils' fsck.erofs extracts our output, and the two
# trees must list the same (tests/userspace/lib/tree-listing.pl).

. harness/lib/tap.sh

PROJECT_ROOT=$PWD
INITEROFS=$PROJECT_ROOT/programs/initerofs
LISTING=$PROJECT_ROOT/tests/userspace/lib/tree-listing.pl
CONVERT_OUT=${CONVERT_OUT:-$PROJECT_ROOT/out/convert}

# A scratch folder for this script, removed at exit.
convert_setup() {
	mkdir -p "$CONVERT_OUT"
	WORK=$(mktemp -d "$CONVERT_OUT/$(basename "$0" .t).XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	if [ ! -x "$INITEROFS" ]; then
		make -s -j2 >/dev/null 2>&1 || true
	fi
	if [ ! -x "$INITEROFS" ]; then
		ok 1 "programs/initerofs is built (make)"
		done_testing
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP the cpio oracle extracts as root (device nodes, owners)"
		exit 0
	fi
}

# The kernel's usr/gen_init_cpio, compiled from Debian's linux-source-6.12.
# Cached in out/convert/; the path is printed.
gen_init_cpio() {
	local bin=$CONVERT_OUT/gen_init_cpio tarball=/usr/src/linux-source-6.12.tar.xz
	local src
	if [ ! -x "$bin" ]; then
		[ -f "$tarball" ] || { echo "missing $tarball (scripts/install-deps)" >&2; return 1; }
		src=$(mktemp -d "$CONVERT_OUT/gen_init_cpio.XXXXXX")
		tar -xJf "$tarball" -C "$src" --wildcards '*/usr/gen_init_cpio.c' &&
			gcc -O2 -o "$bin.tmp" "$src"/*/usr/gen_init_cpio.c &&
			mv "$bin.tmp" "$bin"
		rm -rf "$src"
	fi
	[ -x "$bin" ] && echo "$bin"
}

# compress_with METHOD < IN > OUT, as a generator would.
compress_with() {
	case $1 in
	none) cat ;;
	gzip) gzip -9 -n ;;
	bzip2) bzip2 -9 ;;
	xz) xz --check=crc32 -T1 ;;
	lzma) xz --format=lzma ;;
	lz4) lz4 -l -9 -q ;;
	lzo) lzop -c -9 ;;
	zstd) zstd -q -19 -T1 ;;
	*) echo "compress_with: unknown method $1" >&2; return 1 ;;
	esac
}

# The byte offset of the first non-zero byte at or after OFFSET in FILE
# (the size of FILE when there is none).
skip_zeros() {
	perl -e '
		open(my $fh, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
		my $pos = $ARGV[1];
		seek($fh, $pos, 0);
		while (read($fh, my $buf, 65536)) {
			if ($buf =~ /[^\0]/g) { print $pos + pos($buf) - 1; exit }
			$pos += length($buf);
		}
		print $pos;' "$1" "$2"
}

# extract_with_cpio INITRD DIR: unpack every segment of INITRD into DIR,
# in order, with GNU cpio (as root: owners, device nodes) and the standard
# decompressors, the way lsinitramfs/unmkinitramfs walk an initrd:
# uncompressed archives one by one (cpio reports the 512-byte blocks it
# read), then one compressed segment to the end of the file.
extract_with_cpio() {
	local initrd=$1 dir=$2 size offset=0 magic blocks
	size=$(stat -c %s "$initrd")
	mkdir -p "$dir"
	while [ "$offset" -lt "$size" ]; do
		magic=$(od -An -tx1 -N6 -j "$offset" "$initrd" | tr -d ' \n')
		case $magic in
		303730373031 | 303730373032)
			blocks=$(tail -c +$((offset + 1)) "$initrd" |
				(cd "$dir" && cpio -idmu --no-absolute-filenames 2>&1 >/dev/null) |
				awk '/ blocks?$/ { print $1 }')
			[ -n "$blocks" ] || return 1
			offset=$(skip_zeros "$initrd" $((offset + blocks * 512)))
			;;
		*)
			local dec
			case $magic in
			1f8b*) dec="gzip -dc" ;;
			425a*) dec="bzip2 -dc" ;;
			5d00* | fd37*) dec="xz -dc" ;;
			0221*) dec="lz4 -dc" ;;
			894c*) dec="lzop -dc" ;;
			28b5*) dec="zstd -dc" ;;
			*) echo "extract_with_cpio: unknown segment at $offset: $magic" >&2; return 1 ;;
			esac
			tail -c +$((offset + 1)) "$initrd" | $dec |
				(cd "$dir" && cpio -idmu --no-absolute-filenames --quiet) || return 1
			return 0
			;;
		esac
	done
}

# erofs_offset FILE: where the EROFS image starts in a converted initrd
# (a multiple of 4096 whose superblock carries the magic), or nothing.
erofs_offset() {
	perl -e '
		open(my $fh, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
		my $size = -s $fh;
		for (my $off = 0; $off + 1028 <= $size; $off += 4096) {
			seek($fh, $off + 1024, 0);
			read($fh, my $magic, 4);
			if ($magic eq "\xe2\xe1\xf5\xe0") { print $off; exit }
		}' "$1"
}

# read_back OUTPUT DIR: what the kernel would see from a converted initrd:
# the early cpio prefix extracted by GNU cpio into DIR/prefix, the EROFS
# image by erofs-utils' fsck.erofs into DIR/erofs (independent, but 1.5
# drops setuid bits and hardlinks) and by `initerofs extract` into DIR/ours
# (which keeps them).
read_back() {
	local out=$1 dir=$2 base
	base=$(erofs_offset "$out")
	[ -n "$base" ] || { echo "read_back: no EROFS image in $out" >&2; return 1; }
	mkdir -p "$dir/prefix"
	if [ "$base" -gt 0 ]; then
		head -c "$base" "$out" >"$dir/prefix.cpio"
		extract_with_cpio "$dir/prefix.cpio" "$dir/prefix" || return 1
	fi
	tail -c +$((base + 1)) "$out" >"$dir/image.erofs"
	fsck.erofs --extract="$dir/erofs" "$dir/image.erofs" >"$dir/fsck.log" 2>&1 ||
		{ cat "$dir/fsck.log" >&2; return 1; }
	"$INITEROFS" extract -q "$out" "$dir/ours" || return 1
	rm -f "$dir/image.erofs" "$dir/prefix.cpio"
}

# same_as_cpio NAME CPIO_DIRS BACK_DIR WHAT: the trees read back from a
# converted initrd (see read_back) list like the cpio extraction.
same_as_cpio() {
	local name=$1 want=$2 back=$3 what=$4
	same_listing "$want" "$back/prefix $back/erofs" \
		"$name: $what lists like the cpio extraction (fsck.erofs)" --no-suid --no-links
	same_listing "$want" "$back/prefix $back/ours" \
		"$name: $what lists like the cpio extraction, setuid and hardlinks too (initerofs extract)"
}

# same_listing EXPECTED_DIRS GOT_DIRS DESCRIPTION [listing options]:
# compare the listings of two sets of trees (each a quoted, space-separated
# list of folders overlaid in order); on a difference show its first lines.
same_listing() {
	local want=$1 got=$2 what=$3
	shift 3
	# shellcheck disable=SC2086
	# GNU cpio leaves directory mtimes at the time files were made in them.
	"$LISTING" --no-dir-mtime "$@" $want >"$WORK/want.list" &&
		"$LISTING" --no-dir-mtime "$@" $got >"$WORK/got.list" &&
		cmp -s "$WORK/want.list" "$WORK/got.list"
	ok $? "$what" || diag "$(diff "$WORK/want.list" "$WORK/got.list" | head -n 20)"
}

# convert_and_compare NAME INITRD [convert options...]: convert INITRD
# both ways (default layout and --no-early) and check each against the
# cpio extraction of INITRD, path for path.
convert_and_compare() {
	local name=$1 initrd=$2 d=$WORK/$1 prefix_len
	shift 2
	mkdir -p "$d"
	extract_with_cpio "$initrd" "$d/cpio"
	ok $? "$name: GNU cpio extracts the input"
	"$INITEROFS" convert -q --keep-switch-root "$@" -o "$d/out.img" "$initrd"
	ok $? "$name: initerofs convert succeeds" || return 1
	read_back "$d/out.img" "$d/back"
	ok $? "$name: fsck.erofs extracts the converted image" || return 1
	same_as_cpio "$name" "$d/cpio" "$d/back" "the converted initrd"
	# The reader commands find the image behind the prefix.
	is "$("$INITEROFS" info "$d/out.img" | awk '/^starts at:/ { print $3 }')" \
		"$(erofs_offset "$d/out.img")" "$name: initerofs info finds the image where it is"
	"$INITEROFS" check "$d/out.img" >/dev/null
	ok $? "$name: initerofs check finds the converted initrd clean"
	is "$("$INITEROFS" ls "$d/out.img" / | LC_ALL=C sort)" "$(ls -A "$d/back/erofs" | LC_ALL=C sort)" \
		"$name: initerofs ls lists the image's root"
	"$INITEROFS" convert -q --keep-switch-root --no-early "$@" -o "$d/all.img" "$initrd"
	ok $? "$name: initerofs convert --no-early succeeds" || return 1
	is "$(erofs_offset "$d/all.img")" 0 "$name: --no-early puts the image at offset 0"
	read_back "$d/all.img" "$d/all"
	ok $? "$name: the --no-early image reads back" || return 1
	same_as_cpio "$name" "$d/cpio" "$d/all" "the --no-early image"
	prefix_len=$(erofs_offset "$d/out.img")
	EARLY_OFFSET=$prefix_len
	rm -rf "$d/cpio" "$d/back" "$d/all"
}

# convert_switch_root NAME INITRD PATTERN: without --keep-switch-root,
# convert replaces the initrd's root-switching tools (docs/switch-root.md):
# its one line about it matches PATTERN, every path it names as replaced
# holds the switch-root program, the original stays byte for byte at the
# same path under /usr/lib/initerofs/stock, and nothing else changes.
convert_switch_root() {
	local name=$1 initrd=$2 pattern=$3 d=$WORK/$1-sr line paths p prog
	prog=$PROJECT_ROOT/build/user/switch-root/initerofs-switch-root
	mkdir -p "$d"
	# Without -q: the switch-root report is part of what convert says
	# (-q silences it with the rest: tests/userspace/build-switch-root.t).
	"$INITEROFS" convert -o "$d/keep.img" --keep-switch-root "$initrd" 2>"$d/keep.err" &&
		"$INITEROFS" convert -o "$d/out.img" "$initrd" 2>"$d/err"
	ok $? "$name: initerofs convert succeeds with and without --keep-switch-root" || return 1
	line=$(grep 'switch root:' "$d/err")
	like "$line" "$pattern" "$name: convert says in one line what it replaced"
	is "$(grep -v -e 'switch root:' -e '^initerofs convert: .*: [0-9]* bytes' "$d/err")" '' \
		"$name: ... and nothing else but its summary line"
	is "$(grep -c 'switch root' "$d/keep.err")" 0 "$name: --keep-switch-root leaves the tools alone, silently"
	paths=$(sed -n 's/.*replaced \(.*\) by .*/\1/p' <<<"$line" | sed 's/ ([^)]*)//g; s/, / /g')
	[ -n "$paths" ]
	ok $? "$name: convert names the paths it replaced ($paths)" || return 1
	for p in $paths; do
		cmp -s <("$INITEROFS" cat "$d/out.img" "$p") "$prog"
		ok $? "$name: $p is the switch-root program"
		cmp -s <("$INITEROFS" cat "$d/out.img" "/usr/lib/initerofs/stock$p") \
			<("$INITEROFS" cat "$d/keep.img" "$p")
		ok $? "$name: the original $p is kept in /usr/lib/initerofs/stock$p"
	done
	"$INITEROFS" extract "$d/keep.img" "$d/keep" && "$INITEROFS" extract "$d/out.img" "$d/out"
	ok $? "$name: both images extract" || return 1
	# What may differ: the replaced tools, the program and the stock
	# tools' folder, initramfs-tools' alias file.
	diff -rq --no-dereference "$d/keep" "$d/out" 2>&1 | sed "s|$d/||g" >"$d/diff"
	is "$(grep -Ev "^Only in out/usr/lib: initerofs$|^Only in out/conf/conf.d: zz-initerofs-switch-root$|^(Files|File) keep($(tr ' ' '|' <<<"$paths")) (and|is a symbolic link while file) out($(tr ' ' '|' <<<"$paths")) (differ|is a regular file)$" "$d/diff")" "" \
		"$name: nothing else differs from the --keep-switch-root image"
	rm -rf "$d"
}
