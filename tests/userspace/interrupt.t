#!/bin/bash
# An interrupted `initerofs build` or `initerofs convert` leaves nothing
# behind. Each run is stopped by SIGINT, SIGTERM or SIGHUP once its
# temporary output exists (right after it appears, or once compressed data
# is being written into it by the worker threads), and then:
#  - the command died of that signal (status 128+N), not a normal exit;
#  - no OUT.tmp-* and no spool file is left, in the output's folder or in
#    TMPDIR;
#  - the previous OUT is untouched, byte for byte;
#  - the inputs are unmodified.
# A signal the command inherited as ignored (nohup) stays ignored: the run
# completes and replaces OUT. An interrupted extract leaves its partial tree
# aside, never under the destination's name, as its man page says.
. "$(dirname "$0")/build-lib.sh"
build_setup
command -v cpio >/dev/null || bail_out "cpio missing: run scripts/install-deps"

OUT=$WORK/out
SPOOL=$WORK/tmpdir
mkdir "$OUT" "$SPOOL" "$WORK/src" "$WORK/small"
export TMPDIR=$SPOOL

# Compressible text that lz4hc at level 12 needs seconds for, so every
# signal lands while the command works.
seq 1 1000000 >"$WORK/src/numbers"
mkdir "$WORK/src/sub"
seq 1000000 -1 1 >"$WORK/src/sub/backwards"
ln -s ../numbers "$WORK/src/sub/link"
(cd "$WORK/src" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$WORK/initrd.cpio" ||
	bail_out "cannot make the input cpio"

# The previous output: a real image, so "untouched" means something.
echo hello >"$WORK/small/hello"
"$INITEROFS" build -o "$WORK/prev.img" "$WORK/small" ||
	bail_out "cannot build the previous image"

# Everything about the inputs that a stray write could change.
inputs_state() {
	(cd "$WORK" && find src initrd.cpio -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort &&
		find src initrd.cpio -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
INPUTS=$(inputs_state)

# wait_for_tmp PID WHEN: until OUT/img.tmp-* exists (WHEN=created) or holds
# data (WHEN=writing). Fails if PID exits first or after 60 s.
wait_for_tmp() {
	local pid=$1 when=$2 deadline=$((SECONDS + 60)) tmp
	while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
		for tmp in "$OUT"/img.tmp-*; do
			[ -e "$tmp" ] || continue
			[ "$when" = created ] || [ -s "$tmp" ] || continue
			return 0
		done
		sleep 0.01
	done
	return 1
}

# leftovers: every file in OUT and TMPDIR but OUT/img, one a line.
leftovers() {
	local f
	for f in "$OUT"/* "$OUT"/.[!.]* "$SPOOL"/* "$SPOOL"/.[!.]*; do
		if [ -e "$f" ] || [ -L "$f" ]; then
			[ "$f" = "$OUT/img" ] || echo "${f#"$WORK"/}"
		fi
	done
}

# interrupt DESCRIPTION SIGNAL WHEN COMMAND...: run COMMAND in the
# background with SIGNAL at its default action (a non-interactive shell
# would start it with SIGINT ignored), send SIGNAL at WHEN, check the rest.
interrupt() {
	local desc=$1 sig=$2 when=$3 pid status
	shift 3
	cp "$WORK/prev.img" "$OUT/img"
	env --default-signal="$sig" "$@" 2>"$WORK/stderr" &
	pid=$!
	if ! wait_for_tmp "$pid" "$when"; then
		wait "$pid"
		ok 1 "$desc: the temporary output appeared while it ran" ||
			diag "exit status $?" "$(cat "$WORK/stderr")"
		return
	fi
	kill -s "$sig" "$pid"
	wait "$pid" 2>/dev/null
	status=$?
	is "$status" "$((128 + $(kill -l "$sig")))" "$desc: killed by SIG$sig"
	is "$(leftovers)" "" "$desc: no temporary or spool file left"
	# What a failure left must not make the next run look started.
	rm -rf "${OUT:?}"/img.tmp-* "${SPOOL:?}"/* "${SPOOL:?}"/.[!.]*
	cmp -s "$WORK/prev.img" "$OUT/img"
	ok $? "$desc: the previous output is untouched"
	is "$(inputs_state)" "$INPUTS" "$desc: the inputs are unmodified"
}

BUILD=("$INITEROFS" build -z "lz4hc,12" -o "$OUT/img" "$WORK/src")
CONVERT=("$INITEROFS" convert -z "lz4hc,12" -o "$OUT/img" "$WORK/initrd.cpio")

interrupt "build, SIGINT once created" INT created "${BUILD[@]}"
interrupt "build, SIGTERM while writing" TERM writing "${BUILD[@]}"
interrupt "build, SIGHUP while writing" HUP writing "${BUILD[@]}"
interrupt "convert, SIGINT while writing" INT writing "${CONVERT[@]}"
interrupt "convert, SIGTERM while importing" TERM created "${CONVERT[@]}"
interrupt "convert, SIGHUP while writing" HUP writing "${CONVERT[@]}"

# nohup: an ignored SIGHUP stays ignored, the build completes.
cp "$WORK/prev.img" "$OUT/img"
env --ignore-signal=HUP "${BUILD[@]}" 2>"$WORK/stderr" &
pid=$!
if wait_for_tmp "$pid" writing; then
	kill -s HUP "$pid"
	wait "$pid" 2>/dev/null
	is "$?" 0 "ignored SIGHUP: the build completes" || diag "$(cat "$WORK/stderr")"
	is "$(leftovers)" "" "ignored SIGHUP: no temporary file left"
	"$INITEROFS" check "$OUT/img" >/dev/null 2>&1 && ! cmp -s "$WORK/prev.img" "$OUT/img"
	ok $? "ignored SIGHUP: the new image replaced the old one"
else
	wait "$pid" 2>/dev/null
	ok 1 "ignored SIGHUP: the temporary output appeared while it ran" ||
		diag "$(cat "$WORK/stderr")"
fi

# extract, by design (initerofs(1)): DIR never appears incomplete; what was
# extracted so far stays in DIR.initerofs-XXXXXX, which a signal handler
# cannot safely remove.
env --default-signal=TERM "$INITEROFS" extract "$OUT/img" "$WORK/x" 2>"$WORK/stderr" &
pid=$!
while kill -0 "$pid" 2>/dev/null && ! compgen -G "$WORK/x.initerofs-*" >/dev/null; do
	sleep 0.01
done
if kill -s TERM "$pid" 2>/dev/null; then
	wait "$pid" 2>/dev/null
	status=$?
	if [ $status -eq 0 ]; then
		skip "extract finished before SIGTERM reached it"
	else
		is "$status" 143 "extract, SIGTERM: killed by SIGTERM"
		[ ! -e "$WORK/x" ] && compgen -G "$WORK/x.initerofs-*" >/dev/null
		ok $? "extract, SIGTERM: DIR absent, the partial tree kept aside as documented"
	fi
else
	wait "$pid"
	skip "extract finished before SIGTERM reached it (status $?)"
fi
done_testing
