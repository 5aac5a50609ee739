# shellcheck shell=bash
# The .deb of this tree, for tests/userspace/generators.t and the
# hook-made initrds and root disk of harness/mkdebian: built once per
# content (the sources as git sees them, committed or not, but for tests,
# benchmarks, harness and kernel, which the package does not contain) by
# dpkg-buildpackage -us -uc -b, checked by lintian then, cached in
# out/deb/KEY/ (initerofs_*.deb, build.log, lintian.log, lintian.status).
#
#   debian_deb_key     KEY (a hash of the package's sources)
#   debian_deb         builds it unless cached; prints out/deb/KEY, or the
#                      build log's path and fails
#   debian_deb_file DIR  the package file in DIR (not the dbgsym one)

_debian_deb_top() {
	cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd
}

_debian_deb_sources() {
	(cd "$(_debian_deb_top)" && git ls-files -co --exclude-standard -z -- . \
		':!tests' ':!bench' ':!harness' ':!kernel' | LC_ALL=C sort -z)
}

debian_deb_key() {
	_debian_deb_sources | (cd "$(_debian_deb_top)" && xargs -0 sha256sum) |
		sha256sum | cut -c1-16
}

# (The build, under the entry's lock: two tests asking at once build once.)
_debian_deb_build() {
	local top=$1 dir=$2
	[ -f "$dir/.complete" ] && return 0
	rm -rf "$dir" && mkdir -p "$dir/src" || return 1
	_debian_deb_sources | (cd "$top" && xargs -0 cp --parents -a -t "$dir/src")
	(cd "$dir/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) \
		>"$dir/build.log" 2>&1 || return 1
	(cd "$dir" && lintian --pedantic -I --fail-on error,warning,info,pedantic \
		initerofs_*.changes) >"$dir/lintian.log" 2>&1
	echo $? >"$dir/lintian.status"
	rm -rf "$dir/src"
	touch "$dir/.complete"
}

debian_deb() {
	local top key dir
	top=$(_debian_deb_top)
	key=$(debian_deb_key)
	dir=$top/out/deb/$key
	mkdir -p "$top/out/deb"
	if ! (flock 9 && _debian_deb_build "$top" "$dir") 9>"$top/out/deb/.lock-$key"; then
		echo "$dir/build.log"
		return 1
	fi
	echo "$dir"
}

debian_deb_file() {
	local f
	for f in "$1"/initerofs_*_*.deb; do
		[ -f "$f" ] && echo "$f" && return 0
	done
	return 1
}
