# shellcheck shell=bash
# Shared helpers of the boot harness scripts (sourced, not run).
# Every tool prints its result path as the last line of standard output and
# its progress on standard error, so callers can use `$(tool | tail -n 1)`.

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT_ROOT=$(cd "$HARNESS_DIR/.." && pwd)
# Everything the harness builds lives here, keyed on its inputs.
HARNESS_OUT=${HARNESS_OUT:-$PROJECT_ROOT/out/harness}

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

note() {
	echo "${0##*/}: $*" >&2
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found; run scripts/install-deps"
	done
}

# Short content hash of stdin, used as a cache key.
cache_key() {
	sha256sum | cut -c1-16
}

# Content hash of files given as arguments (names do not matter, order does).
files_key() {
	cat -- "$@" | cache_key
}

# Move a finished temporary path into place; losing a race to a concurrent
# builder of the same key is fine, their result is identical.
publish() {
	local tmp=$1 final=$2
	if ! mv -T -- "$tmp" "$final" 2>/dev/null; then
		rm -rf -- "$tmp"
		[ -e "$final" ] || die "cannot create $final"
	fi
}

# Serialise builders of the same cached object across processes.
with_lock() {
	local lock=$1
	shift
	mkdir -p "$(dirname "$lock")"
	(
		flock 9
		"$@"
	) 9>"$lock"
}

# install_busybox ROOT BUSYBOX: BUSYBOX as ROOT/bin/busybox and a symlink to
# it for every applet (test rootfs and real root alike). Not sbin/init nor
# linuxrc: busybox init would wait for a key press on the console when the
# kernel falls back to it; the trees have a reporting /sbin/init instead.
install_busybox() {
	local root=$1 busybox=$2 applet
	install -D -m 0755 "$busybox" "$root/bin/busybox"
	"$busybox" --list-full | while read -r applet; do
		case $applet in sbin/init | linuxrc) continue ;; esac
		[ -e "$root/$applet" ] || [ -L "$root/$applet" ] && continue
		mkdir -p "$root/$(dirname "$applet")"
		ln -s /bin/busybox "$root/$applet"
	done
}
