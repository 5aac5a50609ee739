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
