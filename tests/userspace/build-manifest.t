#!/bin/bash
# `initerofs build` from a gen_init_cpio manifest, run as an unprivileged
# user: owners, modes (setuid/setgid/sticky), device nodes, FIFOs, sockets,
# symlinks and hardlinks come from the manifest, not from the files on disk.
# Checked with erofs-utils (dump.erofs for metadata, fsck.erofs --extract
# as root for content) and with the kernel's own gen_init_cpio semantics for
# sources: relative to the manifest, ${VAR} expanded.
. "$(dirname "$0")/build-lib.sh"
build_setup
chmod 755 "$WORK"
mkdir -p "$WORK/m/files" "$WORK/out"
chmod -R 755 "$WORK/m"
chmod 777 "$WORK/out"
printf '#!/bin/sh\necho hi\n' >"$WORK/m/files/init"
yes "busybox-like payload" | head -c 200000 >"$WORK/m/files/busybox"
: >"$WORK/m/files/empty"
chmod 644 "$WORK/m/files/"*
cat >"$WORK/m/initramfs.list" <<'LIST'
# the kernel's usr/gen_init_cpio format
dir /dev 0755 0 0
nod /dev/console 0600 0 5 c 5 1
nod /dev/sda 0660 0 6 b 8 0
dir /bin 0755 0 0
file /init files/init 0755 0 0
file /bin/busybox ${PAYLOAD_DIR}/busybox 04755 0 0 /bin/sh /bin/ls
slink /bin/link busybox 0777 0 0
file /etc/empty files/empty 0600 1000 1000
dir /tmp 01777 0 0
dir /srv/deep/er 02750 33 33
pipe /run/fifo 0640 0 0
sock /run/sock 0600 0 0
dir /dev 0700 0 0
LIST

for z in none lz4hc; do
	if can_be_nobody; then
		PAYLOAD_DIR=files as_nobody \
			"$NOBODY_INITEROFS" build -z "$z" -o "$WORK/out/m-$z.img" "$WORK/m/initramfs.list"
		ok $? "-z $z: builds from the manifest as nobody"
	else
		PAYLOAD_DIR=files "$INITEROFS" build -z "$z" -o "$WORK/out/m-$z.img" "$WORK/m/initramfs.list"
		ok $? "-z $z: builds from the manifest without root"
	fi
	fsck_clean "$WORK/out/m-$z.img"
	ok $? "-z $z: fsck.erofs finds no errors"
	"$INITEROFS" check "$WORK/out/m-$z.img" >/dev/null 2>&1
	ok $? "-z $z: initerofs check passes"
done
img=$WORK/out/m-lz4hc.img

# meta PATH: "mode uid gid links" as dump.erofs reports them (it shows
# permission bits only, so setuid/setgid/sticky come from initerofs ls).
meta() {
	dump.erofs --path="$1" "$img" | awk '
		/Links:/ { links = $4 }
		/^Uid:/ { uid = $2; gid = $4; split($6, m, "/"); mode = m[1] }
		END { print mode, uid, gid, links }'
}
lsmode() { "$INITEROFS" ls -l "$img" "$(dirname "$1")" | awk -v n="$(basename "$1")" '$NF == n && $1 !~ /^l/ { print $1 }'; }
is "$(meta /dev/console)" "0600 0 5 1" "console: mode and owner from the manifest"
is "$(meta /bin/busybox)" "0755 0 0 3" "busybox: three names"
is "$(lsmode /bin/busybox)" "-rwsr-xr-x" "busybox: setuid"
is "$(meta /etc/empty)" "0600 1000 1000 1" "empty file: owner 1000"
is "$(lsmode /tmp)" "drwxrwxrwt" "tmp: sticky"
is "$(meta /srv/deep/er)" "0750 33 33 2" "directory from the manifest, parents created"
is "$(lsmode /srv/deep/er)" "drwxr-s---" "setgid directory"
is "$(meta /srv)" "0755 0 0 3" "implicit parent: 0755 root"
is "$(meta /dev)" "0700 0 0 2" "a later dir line updates the directory"
is "$(meta /run/fifo)" "0640 0 0 1" "FIFO"

if [ "$(id -u)" -eq 0 ]; then
	rm -rf "$WORK/x"
	fsck.erofs --extract="$WORK/x" "$img" >/dev/null 2>&1
	ok $? "fsck.erofs extracts the image"
	is "$(stat -c '%F %t:%T' "$WORK/x/dev/console")" "character special file 5:1" \
		"console is character device 5:1"
	is "$(stat -c '%F %t:%T' "$WORK/x/dev/sda")" "block special file 8:0" \
		"sda is block device 8:0"
	is "$(stat -c '%F' "$WORK/x/run/sock")" "socket" "socket"
	is "$(stat -c '%F' "$WORK/x/run/fifo")" "fifo" "fifo"
	is "$(readlink "$WORK/x/bin/link")" "busybox" "symlink target"
	cmp -s "$WORK/x/bin/sh" "$WORK/m/files/busybox"
	ok $? "hardlink content"
	is "$(dump.erofs --path=/bin/sh "$img" | sed -n 's/^NID: *\([0-9]*\).*/\1/p')" \
		"$(dump.erofs --path=/bin/ls "$img" | sed -n 's/^NID: *\([0-9]*\).*/\1/p')" \
		"hardlinks are one inode"
	cmp -s "$WORK/x/init" "$WORK/m/files/init"
	ok $? "/init content"
	is "$(stat -c '%u:%g' "$WORK/x/etc/empty")" "1000:1000" "owners extracted"
else
	skip "extraction with device nodes needs root"
fi

# File entries keep the source's mtime; others get 0 unless -T says otherwise.
mt() { dump.erofs --path="$1" "$2" | sed -n 's/^Timestamp: //p'; }
touch -d '2021-03-04 05:06:07 UTC' "$WORK/m/files/init"
PAYLOAD_DIR=files "$INITEROFS" build -o "$WORK/out/t.img" "$WORK/m/initramfs.list"
like "$(mt /init "$WORK/out/t.img")" "^2021-03-04" "a file entry keeps its source's mtime"
PAYLOAD_DIR=files "$INITEROFS" build -T 1700000000 -o "$WORK/out/t.img" "$WORK/m/initramfs.list"
like "$(mt /init "$WORK/out/t.img")" "^2023-11-14" "-T sets every mtime"
done_testing
