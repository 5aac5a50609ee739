# Shared by tests/userspace/roundtrip*.t and corrupt*.t (sourced, not run):
# TAP output, building the library and the test helpers, the test trees,
# building images with initerofs or Debian's mkfs.erofs, comparing trees.
#
# Every test script sources this, calls rt_setup, and ends with rt_done.

set -u
RT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
INITEROFS=$RT_ROOT/programs/initerofs
RT_N=0
RT_FAILED=0

ok() { RT_N=$((RT_N + 1)); echo "ok $RT_N - $*"; }
not_ok() { RT_N=$((RT_N + 1)); RT_FAILED=$((RT_FAILED + 1)); echo "not ok $RT_N - $*"; }
skip() { RT_N=$((RT_N + 1)); echo "ok $RT_N # SKIP $*"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# assert DESCRIPTION COMMAND...: one TAP line for the command's success.
assert() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# assert_same DESCRIPTION FILE1 FILE2: listings equal, else show the diff.
assert_same() {
	if diff -u "$2" "$3" > "$RT_TMP/diff"; then
		ok "$1"
	else
		not_ok "$1"
		head -n 40 "$RT_TMP/diff" | diag "$(cat)"
	fi
}

rt_done() {
	echo "1..$RT_N"
	[ "$RT_FAILED" -eq 0 ]
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Build the library and command (quietly, incrementally), then the helpers.
rt_setup() {
	RT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/initerofs-test.XXXXXX")
	trap 'rm -rf "$RT_TMP"' EXIT
	make -s -C "$RT_ROOT" -j2 >/dev/null || { echo "Bail out! make failed"; exit 1; }
	# The helpers, built by the Makefile (make test-helpers).
	make -s -C "$RT_ROOT" -j2 test-helpers >/dev/null ||
		{ echo "Bail out! cannot build the test helpers"; exit 1; }
	cp "$RT_ROOT/build/user/tests/roundtrip-list" "$RT_TMP/rtlist" &&
		cp "$RT_ROOT/build/user/tests/corruptor" "$RT_TMP/corruptor" ||
		{ echo "Bail out! cannot copy the test helpers"; exit 1; }
	for tool in fsck.erofs dump.erofs mkfs.erofs setfattr getfattr perl; do
		command -v "$tool" >/dev/null ||
			{ echo "Bail out! $tool missing: run scripts/install-deps"; exit 1; }
	done
}

# An ASan + UBSan build of the command, for the corruption tests.
rt_build_asan() {
	mkdir -p "$RT_TMP/asan"
	make -s -C "$RT_ROOT" -j2 asan >/dev/null &&
		cp "$RT_ROOT/build/user/asan/initerofs" "$RT_TMP/asan/initerofs"
}

# ---- test trees ------------------------------------------------------------

# Bytes of a given size: compressible text (varied by $2), or noise.
gen_text() { yes "line of compressible text $2" | head -c "$1"; }
gen_noise() { head -c "$1" /dev/urandom; }

mksocket() { perl -MSocket -e 'socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die; bind($s, pack_sockaddr_un($ARGV[0])) or die "bind: $!"' "$1"; }

# make_tree DIR [mkfs]: every file type, odd names, boundary sizes, hard
# links, special mode bits, owners, xattrs, nanosecond mtimes. With "mkfs"
# the 255-byte name is left out (mkfs.erofs 1.5 cannot store it).
make_tree() {
	local d=$1 for_mkfs=${2:-} n i name
	mkdir -p "$d"/{types,names,sizes,links,modes,owners,xattrs,deep}
	# Every file type.
	echo hello > "$d/types/file"
	: > "$d/types/empty"
	mkdir "$d/types/dir" "$d/types/emptydir"
	ln -s file "$d/types/symlink"
	ln -s /etc/passwd "$d/types/symlink_absolute"
	ln -s does/not/exist "$d/types/symlink_dangling"
	ln -s ../../../../../../../../tmp "$d/types/dir/escape"
	mkfifo "$d/types/fifo"
	mksocket "$d/types/socket"
	if is_root; then
		mknod "$d/types/chardev" c 1 3
		mknod "$d/types/blockdev" b 7 0
		mknod "$d/types/bigdev" c 300 70000
	fi
	# Names: UTF-8, white space, a newline, byte order unlike locale order.
	for name in "with space" "tab	here" "new
line" "héllo-wörld-日本語" "-dash" B _x a Z é e ä .hidden ..dotdot "%percent" 'back\slash'; do
		echo "$name" > "$d/names/$name"
	done
	printf -v name 'n%.0s' $(seq 254)
	echo 254 > "$d/names/$name"
	[ "$for_mkfs" = mkfs ] || echo 255 > "$d/names/${name}x"
	# Sizes around block boundaries, compressible and not.
	for n in 1 4095 4096 4097 8191 8192 8193 12288 65535 65536 65537 1048575 1048576 1048577; do
		gen_text "$n" "$n" > "$d/sizes/text-$n"
		gen_noise "$n" "$n" > "$d/sizes/noise-$n"
	done
	: > "$d/sizes/empty"
	# Half compressible: raw and compressed pclusters in one file.
	for i in $(seq 1 32); do gen_noise 6000 "mix$i"; gen_text 6000 "mix$i"; done > "$d/sizes/mixed"
	# Hard links, also of special files and across directories.
	echo linked > "$d/links/a"
	ln "$d/links/a" "$d/links/b"
	ln "$d/links/a" "$d/types/dir/c"
	mkfifo "$d/links/fifo"
	ln "$d/links/fifo" "$d/links/fifo2"
	ln -s a "$d/links/sym"
	ln -P "$d/links/sym" "$d/links/sym2"
	# Mode bits.
	for n in 4755 2755 6755 1755 0000 0444 0700 4711; do
		echo "$n" > "$d/modes/f$n"
		chmod "$n" "$d/modes/f$n"
	done
	mkdir "$d/modes/sticky" "$d/modes/setgid_dir" "$d/modes/readonly_dir"
	echo inside > "$d/modes/readonly_dir/file"
	chmod 1777 "$d/modes/sticky"
	chmod 2775 "$d/modes/setgid_dir"
	chmod 0555 "$d/modes/readonly_dir"
	# Owners (uid/gid over 65535 need extended inodes).
	for n in 0:0 1000:1000 65534:65534 70000:80000 1:65536; do
		echo "$n" > "$d/owners/o$n"
		is_root && chown "$n" "$d/owners/o$n"
	done
	# Xattrs: user, trusted, security; one shared by several files; a
	# long value; binary values; many on one file.
	for i in 1 2 3 4 5 6; do
		echo "x$i" > "$d/xattrs/f$i"
		setfattr -n user.shared -v "the same value everywhere" "$d/xattrs/f$i"
	done
	setfattr -n user.long -v "$(gen_text 1500 x)" "$d/xattrs/f1"
	setfattr -n user.binary -v 0x00ff00fe0102 "$d/xattrs/f2"
	if is_root; then
		setfattr -n trusted.t -v trusted-value "$d/xattrs/f3"
		setfattr -n security.capability -v 0x0100000200300000000000000000000000000000 "$d/xattrs/f4"
	fi
	for i in $(seq 1 20); do setfattr -n "user.many$i" -v "value $i" "$d/xattrs/f5"; done
	setfattr -n user.dir -v on-a-directory "$d/xattrs"
	# A deep tree.
	n="$d/deep"
	for i in $(seq 1 60); do n="$n/level$i"; done
	mkdir -p "$n"
	echo bottom > "$n/file"
	set_mtimes "$d"
}

# Distinct nanosecond mtimes for everything, directories last (children
# change their parent's mtime).
set_mtimes() {
	local i=0 p
	while IFS= read -r -d '' p; do
		i=$((i + 1))
		touch -h -d "@$((1500000000 + i * 7919)).$(printf '%09d' $((i * 123457 % 1000000000)))" "$p"
	done < <(find "$1" -depth -print0)
}

# build_image BUILDER VARIANT SRC IMAGE: BUILDER is "initerofs" or "mkfs";
# VARIANT is a -z mode, optionally followed by ":" and more options of the
# builder (e.g. "lz4hc:-C65536").
build_image() {
	local builder=$1 z=${2%%:*} extra= src=$3 img=$4
	[ "$z" = "$2" ] || extra=${2#*:}
	rm -f "$img"
	if [ "$builder" = mkfs ]; then
		[ "$z" = none ] && z= || z=-z$z
		# shellcheck disable=SC2086
		mkfs.erofs --quiet $z $extra "$img" "$src" >/dev/null 2>&1
	else
		# shellcheck disable=SC2086
		"$INITEROFS" build -z "$z" $extra -o "$img" "$src"
	fi
}

# compare_tree DESCRIPTION SOURCE-LISTING DIR [rtlist options]
compare_tree() {
	local desc=$1 want=$2 dir=$3
	shift 3
	"$RT_TMP/rtlist" "$@" "$dir" > "$RT_TMP/got.list" 2>"$RT_TMP/list.err" ||
		{ not_ok "$desc (listing failed: $(cat "$RT_TMP/list.err"))"; return; }
	assert_same "$desc" "$want" "$RT_TMP/got.list"
}

# dump_agrees IMAGE SRC: dump.erofs shows the same size, links, owner,
# permission bits (it shows no others) and mtime as the source for every
# path it can be given (names with a newline cannot). Prints the
# disagreements; fails if there are any.
dump_agrees() {
	local img=$1 src=$2 p rel want got bad=0 fields
	while IFS= read -r -d '' p; do
		rel=${p#"$src"}
		[ -n "$rel" ] || rel=/
		case $rel in *$'\n'*) continue ;; esac
		fields=$(TZ=UTC dump.erofs --path="$rel" "$img" 2>&1) || {
			echo "dump.erofs failed on $rel: $fields"; bad=1; continue; }
		got=$(printf '%s\n' "$fields" | perl -ne '
			$s = $1 if /^Size: (\d+)/; $l = $1 if /Links: (\d+)/;
			($u, $g, $m) = ($1, $2, oct($3) & 0777)
				if /^Uid: (\d+)\s+Gid: (\d+)\s+Access: (\d+)/;
			$t = $1 if /^Timestamp: (.*)/;
			END { printf "%s %s %s %s %03o %s", $s, $l, $u, $g, $m, $t }')
		want=$(stat -c '%s %h %u %g %a' "$p" |
		       perl -ane 'printf "%s %s %s %s %03o", @F[0..3], oct($F[4]) & 0777')
		want="$want $(TZ=UTC date -d "@$(stat -c %Y "$p")" '+%F %T').$(stat -c %.9Y "$p" | cut -d. -f2)"
		if [ -d "$p" ]; then	# directory sizes are the filesystem's own
			got=${got#* }
			want=${want#* }
		fi
		[ "$got" = "$want" ] || { echo "$rel: dump.erofs '$got', source '$want'"; bad=1; }
	done < <(find "$src" -print0)
	return $bad
}
