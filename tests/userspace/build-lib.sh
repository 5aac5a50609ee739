# shellcheck shell=bash
# Shared by tests/userspace/build-*.t (sourced, not run): TAP output, a
# scratch folder, the command, and the independent checks every image made
# by `initerofs build` must pass.

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. harness/lib/tap.sh
PROJECT_ROOT=$PWD
INITEROFS=$PROJECT_ROOT/programs/initerofs

build_setup() {
	make -s -j2 >/dev/null 2>&1 || bail_out "make failed"
	[ -x "$INITEROFS" ] || bail_out "programs/initerofs was not built"
	for tool in fsck.erofs dump.erofs mkfs.erofs; do
		command -v "$tool" >/dev/null ||
			bail_out "$tool missing: run scripts/install-deps"
	done
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/initerofs-$(basename "$0" .t).XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
}

# fsck_clean IMAGE: fsck.erofs 1.5 exits 0 even on a bad checksum, so its
# messages decide: any <E> line is a failure.
fsck_clean() {
	local out
	out=$(fsck.erofs -d3 "$1" 2>&1)
	if [ $? -ne 0 ] || grep -q '<E>' <<<"$out" || ! grep -q 'No errors found' <<<"$out"; then
		diag "$out"
		return 1
	fi
}

# same_tree DIR1 DIR2: same names, types, contents and link targets.
same_tree() {
	local out
	out=$(diff -r --no-dereference "$1" "$2" 2>&1 | grep -v ' is a fifo while file \| is a socket while file \| is a character special file while file \| is a block special file while file ')
	[ -z "$out" ] || { diag "$(head -n 20 <<<"$out")"; return 1; }
}

# check_image DESCRIPTION IMAGE SOURCE_DIR: fsck.erofs is clean, its
# extraction gives SOURCE_DIR back, and initerofs check passes.
check_image() {
	local desc=$1 img=$2 src=$3 x
	fsck_clean "$img"
	ok $? "$desc: fsck.erofs finds no errors"
	x=$(mktemp -d "$WORK/x.XXXXXX")
	rmdir "$x"
	fsck.erofs --extract="$x" "$img" >/dev/null 2>&1 && same_tree "$src" "$x"
	ok $? "$desc: fsck.erofs --extract gives the source back"
	rm -rf "$x"
	"$INITEROFS" check "$img" >"$WORK/check.out" 2>&1
	ok $? "$desc: initerofs check passes" || diag "$(head -n 10 "$WORK/check.out")"
}

# as_nobody COMMAND...: run as user nobody. The checkout may sit where
# nobody cannot reach (/root), so a copy of the command in the scratch
# folder is what nobody runs: $NOBODY_INITEROFS.
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

can_be_nobody() {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
		id nobody >/dev/null 2>&1 || return 1
	chmod 755 "$WORK"
	NOBODY_INITEROFS=$WORK/initerofs-copy
	cp "$INITEROFS" "$NOBODY_INITEROFS" && chmod 755 "$NOBODY_INITEROFS"
}

# no_leftovers DIR: no temporary files of the writer left in DIR.
no_leftovers() {
	! ls -A "$1" | grep -q '\.tmp-\|initerofs-spool'
}
