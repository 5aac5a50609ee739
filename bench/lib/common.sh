# Shared helpers of the benchmark scripts (sourced, not run). The boot
# harness does the work (harness/mkrootfs, mkinitrd, boot); this adds the
# benchmark's payloads, the switch to a new root, and the kernels of each
# design. Everything built is cached in out/bench/, keyed on its inputs.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$BENCH_DIR/../harness/lib/common.sh"
BENCH_OUT=${BENCH_OUT:-$PROJECT_ROOT/out/bench}

# Every payload the benchmark knows, in the order tables list them.
BENCH_PAYLOADS="tiny busybox synth16 synth64 synth256 real"

# Payload size in MiB of a synthetic payload name (synth64 -> 64).
synth_size() {
	local mb=${1#synth}
	[[ $mb =~ ^[1-9][0-9]*$ ]] || die "bad synthetic payload name '$1' (synthN, N in MiB)"
	echo "$mb"
}

# Directory holding a payload tree (empty for tiny and busybox, whose
# content is the harness's own). Cached; the last line of output is its path.
payload_tree() {
	local name=$1
	case $name in
	tiny | busybox) echo "" ;;
	synth*) synth_tree "$(synth_size "$name")" ;;
	real) "$BENCH_DIR/lib/real-initrd" | tail -n 1 ;;
	*) die "unknown payload '$name' (known: $BENCH_PAYLOADS, or synthN)" ;;
	esac
}

# cached KIND NAME KEY BUILDER ARGS...: the directory $BENCH_OUT/KIND/NAME-KEY,
# made once by `BUILDER ARGS... DIR` under a lock (BUILDER returns at once
# when DIR exists); prints DIR.
cached() {
	local kind=$1 name=$2 key=$3 dest
	shift 3
	dest=$BENCH_OUT/$kind/$name-$key
	mkdir -p "$BENCH_OUT/$kind"
	with_lock "$BENCH_OUT/$kind/.locks/$name-$key" "$@" "$dest"
	echo "$dest"
}

synth_tree() {
	local mb=$1 key
	key=$({
		sha256sum "$BENCH_DIR/lib/gen-synth.pl" | cut -d' ' -f1
		echo "size=$mb"
	} | cache_key)
	echo "$(cached payload "synth$mb" "$key" build_synth "$mb")/tree"
}

build_synth() {
	local mb=$1 final=$2 tmp
	[ -d "$final" ] && return
	tmp=$(mktemp -d "$final.tmp.XXXXXX")
	note "generating the synthetic ${mb} MiB payload (seed $mb)"
	perl "$BENCH_DIR/lib/gen-synth.pl" --size-mb "$mb" --seed "$mb" \
		--manifest "$tmp/elf-sources.txt" "$tmp/tree" || { rm -rf "$tmp"; die "gen-synth failed"; }
	publish "$tmp" "$final"
}

# The test rootfs for a payload, plus the benchmark's switch-root hook in
# /etc/harness/hooks and the new root's init. harness/mkrootfs builds (and
# caches) the rootfs; the benchmark adds its files to a copy (a real one:
# hardlinks to the harness's files would raise every link count, which cpio
# archives and EROFS record).
bench_rootfs() {
	local name=$1 tree base key
	local -a args=()
	tree=$(payload_tree "$name" | tail -n 1)
	case $name in
	tiny) args=(--no-test-payload) ;;
	busybox) ;;
	*) args=(--no-test-payload --payload "$tree") ;;
	esac
	base=$("$HARNESS_DIR/mkrootfs" "${args[@]}" | tail -n 1)
	[ -d "$base" ] || die "harness/mkrootfs gave no rootfs for payload '$name'"
	key=$({
		echo "$base"
		sha256sum "$BENCH_DIR/guest/switch-root.sh" "$BENCH_DIR/guest/newroot-init" | cut -d' ' -f1
	} | cache_key)
	echo "$(cached rootfs "$name" "$key" build_bench_rootfs "$base")/root"
}

build_bench_rootfs() {
	local base=$1 final=$2 tmp
	[ -d "$final" ] && return
	tmp=$(mktemp -d "$final.tmp.XXXXXX")
	cp -a "$base" "$tmp/root"
	install -m 0644 "$BENCH_DIR/guest/switch-root.sh" "$tmp/root/etc/harness/hooks/50-bench-switch.sh"
	install -D -m 0755 "$BENCH_DIR/guest/newroot-init" "$tmp/root/usr/share/bench/newroot-init"
	cp "$(dirname "$base")/size-kb" "$tmp/size-kb"
	publish "$tmp" "$final"
}

# Kernel designs: "default" (scripts/build-kernel) and every alternative
# backend the tree can build (kernel/config/design-NAME.config).
available_designs() {
	local f
	echo default
	for f in "$PROJECT_ROOT"/kernel/config/design-*.config; do
		[ -f "$f" ] || continue
		f=${f##*/design-}
		echo "${f%.config}"
	done
}

# bzImage of a design; INITEROFS_BZIMAGE stands for the default design.
design_kernel() {
	local design=$1
	if [ "$design" = default ]; then
		if [ -n "${INITEROFS_BZIMAGE:-}" ]; then
			echo "$INITEROFS_BZIMAGE"
			return
		fi
		"$PROJECT_ROOT/scripts/build-kernel" | tail -n 1
	else
		"$PROJECT_ROOT/scripts/build-kernel" --design="$design" | tail -n 1
	fi
}

# FORMAT is a harness layout (cpio.gz) or TOOL:LAYOUT for an EROFS image
# (mkfs:erofs.lz4 = Debian's mkfs.erofs, ours:erofs.lz4 = initerofs build).
format_tool() {
	case $1 in
	mkfs:*) echo mkfs.erofs ;;
	ours:*) echo initerofs ;;
	cpio*) echo mkfs.erofs ;; # unused for cpio; keeps the initrd cache shared
	*) die "unknown format '$1'" ;;
	esac
}

format_layout() {
	echo "${1#*:}"
}

is_erofs_format() {
	case $1 in
	*:erofs*) return 0 ;;
	*) return 1 ;;
	esac
}
