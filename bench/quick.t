#!/bin/bash
# The benchmark's quick mode, run by the test suite so that the benchmark
# never rots: bench/run --quick builds the busybox payload as gzip cpio and
# as EROFS (lz4), boots each instruction-counted and wall-clock, and reports.
# Checked: every boot ran the whole workload (including the switch to the
# real root), every figure parses as a number, instruction counting is
# deterministic, and the report was made. Timings are not judged here.
cd "$(dirname "$0")/.." || exit 1
. harness/lib/tap.sh

out=$(mktemp -d "${TMPDIR:-/tmp}/bench-quick.XXXXXX")
trap 'rm -rf "$out"' EXIT

bench/run --quick --out "$out/run" >"$out/stdout" 2>"$out/stderr"
ok $? "bench/run --quick finished" || diag "$(tail -n 20 "$out/stderr")"
is "$(tail -n 1 "$out/stdout")" "$out/run" "bench/run printed its results directory last"

tsv=$out/run/boots.tsv
[ -f "$tsv" ] || { ok 1 "boots.tsv written"; done_testing; }

# vals COLUMN [FORMAT [MODE]]: the column's values, one per boot (of that
# format and mode), in file order.
vals() {
	awk -F'\t' -v name="$1" -v f="${2:-}" -v m="${3:-}" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		(f == "" || $col["format"] == f) && (m == "" || $col["mode"] == m) { print $col[name] }' "$tsv"
}

col() {
	vals "$1"
}

rows() {
	vals run "$1" "$2" | wc -l
}

for format in cpio.gz mkfs:erofs.lz4; do
	cmp_num "$(rows "$format" icount)" -ge 1 "$format: an instruction-counted boot"
	cmp_num "$(rows "$format" wall)" -ge 1 "$format: a wall-clock boot"
done
is "$(col status | sort -u | tr '\n' ' ')" "ok " "every boot ran the whole workload" ||
	diag "$(cut -f1-6 "$tsv")"

numbers_ok=0
for c in t_run_init t_init t_read0 t_read10 t_read100 t_switched populate_ms image_bytes \
	mem_init_MemAvailable mem_read10_MemAvailable mem_read100_MemAvailable \
	mem_switched_MemAvailable mem_init_Shmem mem_switched_MemFree mem_init_PcpFree \
	mem_read100_PcpFree mem_switched_PcpFree; do
	bad=$(col "$c" | grep -cvE '^[0-9]+(\.[0-9]+)?$')
	[ "$bad" -eq 0 ] || { numbers_ok=1; diag "column $c: $bad values are not numbers: $(col "$c" | tr '\n' ' ')"; }
done
ok $numbers_ok "every time, memory and size figure parses as a number"

# The cpio boot reads from tmpfs; the EROFS boot from the overlay.
is "$(vals root_fstype cpio.gz | sort -u)" rootfs "cpio boots ran from the rootfs"
is "$(vals root_fstype mkfs:erofs.lz4 | sort -u)" overlay "EROFS boots ran from an overlay"
is "$(vals switch_method cpio.gz | sort -u)" switch_root "cpio boots left the rootfs with switch_root"
like "$(vals switch_method mkfs:erofs.lz4 | sort -u)" '^(pivot_root|move)$' "EROFS boots reached the real root"

# The first case is booted twice instruction-counted: same guest times.
first=$(vals format '' icount | head -n 1)
is "$(paste <(vals t_init "$first" icount) <(vals t_read100 "$first" icount) | sort -u | wc -l)" 1 \
	"instruction-counted boots of $first repeat the same guest times"

for f in medians.tsv tables.md targets.md; do
	[ -s "$out/run/report/$f" ]
	ok $? "report/$f written"
done
like "$(cat "$out/run/report/tables.md")" '^\| mkfs:erofs\.lz4 @ default \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ ' \
	"the time table has the EROFS case with figures"
done_testing
