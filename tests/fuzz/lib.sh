# shellcheck shell=bash
# Shared by tests/fuzz/*.t (sourced): build the libFuzzer targets, make the
# seed corpus, and run one target over its seeds and regression entries
# (tests/fuzz/regress/TARGET/: every crash ever found, kept forever) and then
# for a few seconds of new exploration. Any crash, sanitizer report, leak or
# input slower than FUZZ_TIMEOUT seconds (10: instrumented, on a loaded
# machine) fails the test.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. harness/lib/tap.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}

fuzz_setup() {
	command -v clang >/dev/null || bail_out "clang missing: run scripts/install-deps"
	make -s -j2 >/dev/null 2>&1 && make -s fuzz >/dev/null 2>&1 ||
		bail_out "make fuzz failed"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/initerofs-fuzz.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	tests/fuzz/make-corpus "$WORK/seeds" >/dev/null 2>&1 ||
		bail_out "tests/fuzz/make-corpus failed"
}

# fuzz_target NAME: the regression run, then the short exploration.
fuzz_target() {
	local t=$1 bin=build/fuzz/fuzz_$1 regress=tests/fuzz/regress/$1 out n
	local opts=(-timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2048 -detect_leaks=1
		    -artifact_prefix="out/fuzz/$t-")
	mkdir -p out/fuzz
	n=$(find "$WORK/seeds/$t" "$regress" -type f 2>/dev/null | wc -l)
	out=$("$bin" "${opts[@]}" -runs=0 "$WORK/seeds/$t" $( [ -d "$regress" ] && echo "$regress") 2>&1)
	ok $? "$t: $n seed and regression inputs run clean" || diag "$(tail -n 30 <<<"$out")"
	mkdir "$WORK/$t-corpus"
	out=$("$bin" "${opts[@]}" -dict="tests/fuzz/$t.dict" -max_total_time="$FUZZ_SECONDS" \
		-print_final_stats=1 "$WORK/$t-corpus" "$WORK/seeds/$t" 2>&1)
	ok $? "$t: ${FUZZ_SECONDS}s of fuzzing, no crash, leak or slow input" ||
		diag "$(tail -n 30 <<<"$out")" "crash input kept in out/fuzz/ (fix it, then add it to $regress/)"
	diag "$t: $(grep -o 'stat::number_of_executed_units: [0-9]*' <<<"$out" | grep -o '[0-9]*$') executions"
}
