#!/bin/bash
# debian_root PACKAGE...: a Debian 12 root tree with PACKAGE... installed,
# made once by mmdebstrap and cached under out/debian-root/KEY (KEY: a hash
# of this file and the package list); prints its path. Tests must not write
# into it: mount an overlay on top (debian_root_overlay) or copy it.
# Package files come from the host's apt cache when it has them (the
# kernel image is large), from Debian's archive otherwise.
# Needs root (mmdebstrap's root mode keeps owners and device nodes).

debian_root() {
	local top key dir tmp
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
	key=$( { cat "${BASH_SOURCE[0]}"; printf '%s\n' "$@"; } | sha256sum | cut -c1-16)
	dir=$top/out/debian-root/$key
	if [ ! -f "$dir/.complete" ]; then
		mkdir -p "$top/out/debian-root"
		tmp=$(mktemp -d "$top/out/debian-root/.new-XXXXXX") || return 1
		chmod 0755 "$tmp"
		# MODULES=list keeps the initrds (and the tests) small; every
		# update-initramfs in the root, the packages' own included, uses it.
		if ! mmdebstrap --mode=root --variant=minbase \
			--include="$(IFS=,; echo "$*")" \
			--setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/var/cache/apt/archives"' \
			--setup-hook='echo MODULES=list >"$1/etc/initramfs-tools/conf.d/zz-test-modules.conf"' \
			--setup-hook='for f in /var/cache/apt/archives/*.deb; do [ -f "$f" ] && ln -f "$f" "$1/var/cache/apt/archives/" 2>/dev/null || cp "$f" "$1/var/cache/apt/archives/" 2>/dev/null; done; true' \
			bookworm "$tmp" \
			"deb http://deb.debian.org/debian bookworm main" \
			"deb http://deb.debian.org/debian bookworm-updates main" \
			"deb http://deb.debian.org/debian-security bookworm-security main" \
			>"$tmp.log" 2>&1; then
			echo "debian_root: mmdebstrap failed; see $tmp.log" >&2
			rm -rf "$tmp"
			return 1
		fi
		rm -f "$tmp.log"
		touch "$tmp/.complete"
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	echo "$dir"
}

# debian_root_overlay LOWER WORKDIR: mount a writable overlay of LOWER at
# WORKDIR/root (upper layer in WORKDIR) with /proc, /sys and /dev inside.
# Call it in a private mount namespace (unshare -m) so that everything is
# unmounted when the test ends, however it ends. Prints the root's path.
debian_root_overlay() {
	local lower=$1 work=$2
	mkdir -p "$work/upper" "$work/ovl-work" "$work/root" || return 1
	mount -t overlay overlay \
		-o "lowerdir=$lower,upperdir=$work/upper,workdir=$work/ovl-work" \
		"$work/root" || return 1
	mount -t proc proc "$work/root/proc" &&
		mount --rbind /sys "$work/root/sys" &&
		mount --rbind /dev "$work/root/dev" || return 1
	echo "$work/root"
}
