#!/bin/bash
# make install honours DESTDIR and PREFIX: every file lands under DESTDIR,
# the scripts name the installed command and helpers (PREFIX), and the
# generators' own folders stay where the generators look.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/tap.sh
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

make -s install DESTDIR="$WORK/dest" PREFIX=/opt/ie >"$WORK/log" 2>&1
ok $? "make install DESTDIR=... PREFIX=/opt/ie" || diag "$(tail -n 20 "$WORK/log")"
d=$WORK/dest
for f in /opt/ie/bin/initerofs /opt/ie/share/man/man1/initerofs.1 \
	/opt/ie/share/bash-completion/completions/initerofs \
	/opt/ie/lib/initerofs/convert-initrd /opt/ie/lib/initerofs/dracut-compress \
	/etc/initramfs/post-update.d/00-initerofs \
	/etc/initramfs-tools/conf.d/initerofs.conf /etc/dracut.conf.d/initerofs.conf \
	/etc/kernel/initerofs.conf \
	/usr/lib/dracut/modules.d/99initerofs/module-setup.sh \
	/usr/lib/kernel/install.d/86-initerofs.install; do
	[ -f "$d$f" ]
	ok $? "installed: $f"
done
for f in /opt/ie/bin/initerofs /opt/ie/lib/initerofs/convert-initrd \
	/etc/initramfs/post-update.d/00-initerofs \
	/usr/lib/kernel/install.d/86-initerofs.install; do
	[ -x "$d$f" ]
	ok $? "executable: $f"
done
! grep -rl '@BINDIR@\|@LIBEXECDIR@' "$d" >/dev/null
ok $? "no placeholder left in the installed scripts"
grep -q '^helper=/opt/ie/lib/initerofs/convert-initrd$' "$d/etc/initramfs/post-update.d/00-initerofs"
ok $? "the initramfs-tools hook calls the helper under PREFIX"
grep -q 'INITEROFS_BIN:-/opt/ie/bin/initerofs' "$d/opt/ie/lib/initerofs/convert-initrd"
ok $? "the helper runs the command under PREFIX"
for f in "$d/opt/ie/lib/initerofs/"* "$d/etc/initramfs/post-update.d/00-initerofs" \
	"$d/usr/lib/kernel/install.d/86-initerofs.install"; do
	sh -n "$f"
	ok $? "sh -n ${f#"$d"}"
done
bash -n "$d/usr/lib/dracut/modules.d/99initerofs/module-setup.sh"
ok $? "bash -n module-setup.sh"
# Not opted in: every shipped configuration only has comments.
! grep -hv '^#\|^$' "$d/etc/initramfs-tools/conf.d/initerofs.conf" \
	"$d/etc/dracut.conf.d/initerofs.conf" "$d/etc/kernel/initerofs.conf" | grep -q .
ok $? "the shipped configuration files enable nothing"
done_testing
