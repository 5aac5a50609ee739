#!/bin/bash
# What build and convert say at the terminal (progress line on a TTY only,
# summary unless -q), `initerofs info --kernel`'s verdicts, and the bash
# completion. The TTY is a real pseudo-terminal, from script(1).
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/tap.sh
INITEROFS=$PWD/programs/initerofs
[ -x "$INITEROFS" ] || make -s -j2 >/dev/null 2>&1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/tree/bin"
for i in $(seq 1 40); do
	yes "file $i" | head -c $((i * 5000)) >"$WORK/tree/bin/f$i"
done

# --- build and convert: quiet, not a TTY, a TTY --------------------------
"$INITEROFS" build -z lz4hc -o "$WORK/a.img" "$WORK/tree" 2>"$WORK/err" >"$WORK/out"
ok $? "build succeeds"
is "$(wc -l <"$WORK/err")" 1 "not a TTY: one line on stderr" || diag "$(cat "$WORK/err")"
like "$(cat "$WORK/err")" "^initerofs build: $WORK/a.img: [0-9]+ bytes, ratio [0-9.]+ \(4100000 bytes of file data\), [0-9.]+ s$" \
	"...the summary: size, ratio, file data, time"
! grep -q $'\r' "$WORK/err"
ok $? "...and no progress line"
is "$(cat "$WORK/out")" "" "...and nothing on stdout"
"$INITEROFS" build -q -z lz4hc -o "$WORK/b.img" "$WORK/tree" >"$WORK/out" 2>"$WORK/err"
is "$(cat "$WORK/out" "$WORK/err")" "" "build -q: silent"
cmp -s "$WORK/a.img" "$WORK/b.img"
ok $? "...and the same image"

script -qec "$INITEROFS build -z lz4hc -o $WORK/c.img $WORK/tree" /dev/null >"$WORK/tty" 2>&1
ok $? "build on a TTY succeeds"
like "$(tr '\r' '\n' <"$WORK/tty")" "^initerofs build: files 40/40, 3.9/3.9 MiB \(100%\), ratio [0-9.]+, [0-9.]+ MiB/s" \
	"...its progress line reaches every file and byte"
grep -q $'\r' "$WORK/tty"
ok $? "...redrawn in place (carriage return)"
like "$(tr '\r' '\n' <"$WORK/tty")" "initerofs build: $WORK/c.img: [0-9]+ bytes" "...then the summary"
cmp -s "$WORK/a.img" "$WORK/c.img"
ok $? "...and the same image"
script -qec "$INITEROFS build -q -o $WORK/d.img $WORK/tree" /dev/null >"$WORK/tty" 2>&1
is "$(cat "$WORK/tty")" "" "build -q on a TTY: silent"

(cd "$WORK/tree" && find . | LC_ALL=C sort | cpio --quiet -o -H newc | gzip -n) >"$WORK/initrd"
"$INITEROFS" convert -o "$WORK/e.img" "$WORK/initrd" 2>"$WORK/err"
ok $? "convert succeeds"
like "$(cat "$WORK/err")" "^initerofs convert: $WORK/e.img: [0-9]+ bytes, ratio [0-9.]+ \(4100000 bytes of file data\), [0-9.]+ s$" \
	"not a TTY: only the summary"
"$INITEROFS" convert -q -o "$WORK/f.img" "$WORK/initrd" 2>"$WORK/err"
is "$(cat "$WORK/err")" "" "convert -q: silent"
script -qec "$INITEROFS convert -z lz4 -o $WORK/g.img $WORK/initrd" /dev/null >"$WORK/tty" 2>&1
like "$(tr '\r' '\n' <"$WORK/tty")" "^initerofs convert: files 40/40, 3.9/3.9 MiB \(100%\)" \
	"convert on a TTY: progress line"

# --- info --kernel -----------------------------------------------------------
printf 'CONFIG_INITEROFS=y\nCONFIG_EROFS_FS=y\nCONFIG_OVERLAY_FS=y\nCONFIG_EROFS_FS_ZIP=y\n# CONFIG_EROFS_FS_ZIP_LZMA is not set\n' >"$WORK/yes.config"
printf '# CONFIG_INITEROFS is not set\nCONFIG_EROFS_FS=m\n' >"$WORK/no.config"
out=$("$INITEROFS" info --kernel --config "$WORK/yes.config" 6.12.0-test)
ok $? "info --kernel, CONFIG_INITEROFS=y: exit 0"
like "$(tail -n 1 <<<"$out")" "^yes: 6.12.0-test can boot an EROFS initrd" "...verdict yes"
gzip -c "$WORK/yes.config" >"$WORK/config.gz"
"$INITEROFS" info --kernel --config "$WORK/config.gz" 6.12.0-test >/dev/null
ok $? "...also from a gzip configuration (/proc/config.gz)"
out=$("$INITEROFS" info --kernel -z lzma --config "$WORK/yes.config" 6.12.0-test)
is $? 1 "without CONFIG_EROFS_FS_ZIP_LZMA, -z lzma: exit 1"
like "$(tail -n 1 <<<"$out")" "^no: .*CONFIG_EROFS_FS_ZIP_LZMA=y is not in" "...says which symbol"
printf 'CONFIG_INITEROFS=y\nCONFIG_EROFS_FS=m\nCONFIG_OVERLAY_FS=y\n' >"$WORK/mod.config"
out=$("$INITEROFS" info --kernel --config "$WORK/mod.config" 6.12.0-test)
is $? 1 "EROFS as a module: exit 1"
like "$(tail -n 1 <<<"$out")" "^no: .*not EROFS and overlayfs built in" "...says why"
out=$("$INITEROFS" info --kernel --config "$WORK/no.config" 6.12.0-test)
is $? 1 "CONFIG_INITEROFS not set: exit 1"
like "$(tail -n 1 <<<"$out")" "^no: 6.12.0-test cannot boot an EROFS initrd: CONFIG_INITEROFS=y is not in" "...verdict no"
out=$("$INITEROFS" info --kernel no-such-kernel-version 2>&1)
is $? 1 "a kernel without any configuration: exit 1"
like "$(tail -n 1 <<<"$out")" "^no: cannot tell whether no-such-kernel-version" "...verdict: cannot tell"
like "$out" "/boot/config-no-such-kernel-version \(No such file or directory\)" "...naming where it looked"
"$INITEROFS" info --kernel -z zip >/dev/null 2>&1
is $? 2 "an unknown compression is a usage error"
"$INITEROFS" info --kernel ../x >/dev/null 2>&1
is $? 2 "so is a version with a slash"

# --- bash completion ---------------------------------------------------------
if [ -f /usr/share/bash-completion/bash_completion ]; then
	complete_words() {
		bash -c '. /usr/share/bash-completion/bash_completion
			. generators/bash-completion/initerofs
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_initerofs initerofs "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
			printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$@"
	}
	is "$(complete_words initerofs con)" "convert " "completion: commands"
	is "$(complete_words initerofs convert -z '')" "lz4 lz4hc lzma none " "completion: compressions"
	like "$(complete_words initerofs build --)" "--all-root .*--quiet" "completion: options"
	like "$(complete_words initerofs info --k)" "--kernel" "completion: info --kernel"
else
	skip "no bash-completion (scripts/install-deps)"
fi
done_testing
