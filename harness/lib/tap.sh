# shellcheck shell=bash
# Minimal TAP producer for bash test scripts (sourced). Prove reads it.
# The plan is printed at the end, because how many checks a boot yields
# depends on what it reports.

TAP_COUNT=0
TAP_FAILED=0

# Diagnostics go to standard error, as Test::More's do: prove shows them
# without -v, so a failure in CI says why.
diag() {
	printf '%s\n' "$@" | sed 's/^/# /' >&2
}

# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	local status=$1
	shift
	TAP_COUNT=$((TAP_COUNT + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $TAP_COUNT - $*"
	else
		echo "not ok $TAP_COUNT - $*"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
	return "$status"
}

# is GOT EXPECTED DESCRIPTION
is() {
	local got=$1 expected=$2
	shift 2
	[ "$got" = "$expected" ]
	ok $? "$@" || diag "got:      '$(head -n 20 <<<"$got")'" "expected: '$expected'"
}

# like GOT EXTENDED_REGEX DESCRIPTION
like() {
	local got=$1 re=$2
	shift 2
	grep -qE -- "$re" <<<"$got"
	ok $? "$@" || diag "got:      '$(head -n 20 <<<"$got")'" "expected to match: /$re/"
}

# unlike GOT EXTENDED_REGEX DESCRIPTION
unlike() {
	local got=$1 re=$2
	shift 2
	! grep -qE -- "$re" <<<"$got"
	ok $? "$@" || diag "unexpected match of /$re/ in:" "$(grep -E -- "$re" <<<"$got" | head -n 5)"
}

# cmp_num GOT OP EXPECTED DESCRIPTION, OP one of -lt -le -gt -ge -eq -ne
cmp_num() {
	local got=$1 op=$2 expected=$3
	shift 3
	[[ $got =~ ^-?[0-9]+$ ]] && test "$got" "$op" "$expected"
	ok $? "$@" || diag "got: '$got', expected $op $expected"
}

# skip REASON: one test counted as skipped.
skip() {
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok $TAP_COUNT # SKIP $*"
}

# bail_out REASON: stop this script and every later one under prove.
bail_out() {
	echo "Bail out! $*"
	exit 255
}

done_testing() {
	echo "1..$TAP_COUNT"
	[ "$TAP_FAILED" -eq 0 ]
	exit $?
}
