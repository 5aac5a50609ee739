#!/usr/bin/perl
# Medians, tables, targets and plot data from a benchmark run.
#
#   summarize.pl RUN_DIR
#
# Reads RUN_DIR/boots.tsv (one row per boot, see parse-boot.pl) and
# RUN_DIR/payloads.tsv; writes into RUN_DIR/report/:
#   medians.tsv   the median of every column per case and mode (ok boots only)
#   tables.md     time and memory tables, every payload
#   targets.md    the issue's targets, met or not, per EROFS case
#   plots.gp      gnuplot script (+ *.dat) drawing time.png and memory.png
use strict;
use warnings;

my $run = shift or die "usage: summarize.pl RUN_DIR\n";
my $out = "$run/report";
mkdir $out;

my @PAYLOAD_ORDER = qw(tiny busybox synth16 synth64 synth256 real);
my @FORMAT_ORDER = qw(cpio cpio.gz cpio.zst cpio.lz4 cpio.xz mkfs:erofs mkfs:erofs.lz4
	mkfs:erofs.lz4hc ours:erofs ours:erofs.lz4 ours:erofs.lz4hc);

sub read_tsv {
	my ($file) = @_;
	open(my $fh, '<', $file) or die "summarize: $file: $!\n";
	chomp(my $header = <$fh>);
	my @cols = split /\t/, $header;
	my @rows;
	while (my $line = <$fh>) {
		chomp $line;
		my %r;
		@r{@cols} = split /\t/, $line, -1;
		push @rows, \%r;
	}
	close($fh);
	return (\@cols, \@rows);
}

my ($cols, $boots) = read_tsv("$run/boots.tsv");
my %payload_kb;
if (-f "$run/payloads.tsv") {
	my (undef, $p) = read_tsv("$run/payloads.tsv");
	$payload_kb{$_->{payload}} = $_->{rootfs_kb} for @$p;
}

sub rank {
	my ($list, $v) = @_;
	for my $i (0 .. $#$list) {
		return $i if $list->[$i] eq $v;
	}
	return scalar @$list;
}

sub synth_mb {
	my ($p) = @_;
	return $p =~ /^synth(\d+)$/ ? $1 : undef;
}

sub payload_rank {
	my ($p) = @_;
	my $mb = synth_mb($p);
	return defined $mb ? 2 + $mb / 1e6 : rank(\@PAYLOAD_ORDER, $p);
}

sub median {
	my @v = sort { $a <=> $b } grep { defined && /^-?[0-9.]+(?:e-?\d+)?$/ } @_;
	return undef unless @v;
	my $m = int(@v / 2);
	return @v % 2 ? $v[$m] : ($v[$m - 1] + $v[$m]) / 2;
}

# Free memory as the guest has it: MemAvailable plus the free pages parked
# on the per-CPU lists, which MemAvailable leaves out (harness/guest/init,
# pcp_free_kb); without them two readings of the same state differ by up
# to tens of MB.
my @MEM_POINTS = qw(init read10 read100 switched);
for my $b (@$boots) {
	for my $p (@MEM_POINTS) {
		my ($avail, $pcp) = ($b->{"mem_${p}_MemAvailable"} // '-', $b->{"mem_${p}_PcpFree"} // '-');
		$b->{"mem_${p}_Free"} = $avail =~ /^\d+$/ ? $avail + ($pcp =~ /^\d+$/ ? $pcp : 0) : '-';
	}
}
push @$cols, map { "mem_${_}_Free" } @MEM_POINTS;

# Group boots per case and mode.
my (%group, %cases, %all_boots);
for my $b (@$boots) {
	my $case = "$b->{payload}\t$b->{format}\t$b->{design}";
	$cases{$case} = 1;
	push @{ $all_boots{"$case\t$b->{mode}"} }, $b;
	push @{ $group{"$case\t$b->{mode}"} }, $b if $b->{status} eq 'ok';
}
my @numeric = grep { !/^(payload|format|design|mode|run|status|root_fstype|switch_method|switch_umount|erofs_after)$/ } @$cols;

my %med;	# "$case\t$mode" -> { column -> median }
for my $key (keys %all_boots) {
	my $ok = $group{$key} // [];
	my %m = (n_ok => scalar @$ok, n => scalar @{ $all_boots{$key} });
	for my $c (@numeric) {
		$m{$c} = median(map { $_->{$c} } @$ok);
	}
	for my $c (qw(switch_method switch_umount erofs_after root_fstype)) {
		my %seen = map { $_->{$c} => 1 } @$ok;
		$m{$c} = join('/', sort keys %seen);
	}
	$m{status} = join('/', sort keys %{ { map { $_->{status} => 1 } @{ $all_boots{$key} } } });
	$med{$key} = \%m;
}

sub sort_cases {
	return sort {
		my @a = split /\t/, $a;
		my @b = split /\t/, $b;
		payload_rank($a[0]) <=> payload_rank($b[0]) or $a[0] cmp $b[0]
			or rank(\@FORMAT_ORDER, $a[1]) <=> rank(\@FORMAT_ORDER, $b[1]) or $a[1] cmp $b[1]
			or ($a[2] eq 'default' ? 0 : 1) <=> ($b[2] eq 'default' ? 0 : 1) or $a[2] cmp $b[2]
	} @_;
}
my @case_list = sort_cases(keys %cases);

# medians.tsv
open(my $mf, '>', "$out/medians.tsv") or die "summarize: $out/medians.tsv: $!\n";
my @mcols = ('payload', 'format', 'design', 'mode', 'boots', 'ok', 'status', @numeric,
	qw(root_fstype switch_method switch_umount erofs_after));
print $mf join("\t", @mcols), "\n";
for my $case (@case_list) {
	for my $mode (qw(icount wall)) {
		my $m = $med{"$case\t$mode"} or next;
		my @v = (split(/\t/, $case), $mode, $m->{n}, $m->{n_ok}, $m->{status});
		push @v, map { defined $m->{$_} ? $m->{$_} : '-' } @numeric;
		push @v, map { $m->{$_} eq '' ? '-' : $m->{$_} } qw(root_fstype switch_method switch_umount erofs_after);
		print $mf join("\t", @v), "\n";
	}
}
close($mf);

sub get {
	my ($case, $mode, $col) = @_;
	my $m = $med{"$case\t$mode"} or return undef;
	return $m->{$col};
}

sub fmt {
	my ($v, $fmt, $scale) = @_;
	return '–' unless defined $v;
	return sprintf($fmt, $v * ($scale // 1));
}

sub diff_s {
	my ($case, $mode, $a, $b) = @_;
	my ($x, $y) = (get($case, $mode, $a), get($case, $mode, $b));
	return defined $x && defined $y ? $x - $y : undef;
}

sub label {
	my ($case) = @_;
	my (undef, $format, $design) = split /\t/, $case;
	return $format =~ /erofs/ ? "$format @ $design" : $format;
}

sub payload_title {
	my ($p) = @_;
	my $kb = $payload_kb{$p};
	my %what = (tiny => 'busybox and /init only', busybox => 'the harness test rootfs',
		real => 'initramfs-tools initrd for linux-image-6.12');
	my $desc = $what{$p} // (defined synth_mb($p) ? 'synthetic initrd-like mix' : $p);
	return sprintf('%s (%s%s)', $p, $desc, defined $kb ? sprintf(', %.1f MiB of files', $kb / 1024) : '');
}

sub failed_note {
	my ($case) = @_;
	my @notes;
	for my $mode (qw(icount wall)) {
		my $m = $med{"$case\t$mode"} or next;
		push @notes, "$mode: $m->{n_ok}/$m->{n} ok ($m->{status})" if $m->{n_ok} < $m->{n};
	}
	return join('; ', @notes);
}

# Memory figures come from the instruction-counted boots when there are
# any (identical on every run), else from the wall-clock ones.
sub mem_mode {
	my ($case) = @_;
	return get($case, 'icount', 'mem_init_Free') ? 'icount' : 'wall';
}

open(my $tf, '>', "$out/tables.md") or die "summarize: $out/tables.md: $!\n";
my @payloads = do { my %s; grep { !$s{$_}++ } map { (split /\t/)[0] } @case_list };

print $tf "### Time\n\n";
print $tf "Medians. *icount*: guest seconds under `-icount shift=0,sleep=off` (deterministic); ",
	"*wall*: the guest's clock without instruction counting (host time under TCG). ",
	"`/init` = the first line of `/init`; *all read* = after reading every payload file; ",
	"*read* = time spent reading all files; *root populated* = cpio unpacking or the initerofs mount, from kernel log timestamps.\n\n";
for my $p (@payloads) {
	print $tf "**", payload_title($p), "**\n\n";
	print $tf "| format @ design | image MiB | root populated ms | `/init` s (icount) | all read s (icount) | read s (icount) | `/init` s (wall) | all read s (wall) | boots ok (icount, wall) |\n";
	print $tf "|---|--:|--:|--:|--:|--:|--:|--:|:-:|\n";
	for my $case (grep { (split /\t/)[0] eq $p } @case_list) {
		my ($ni, $nw) = map { my $m = $med{"$case\t$_"}; $m ? "$m->{n_ok}/$m->{n}" : '0/0' } qw(icount wall);
		print $tf '| ', join(' | ', label($case),
			fmt(get($case, 'icount', 'image_bytes') // get($case, 'wall', 'image_bytes'), '%.1f', 1 / 1048576),
			fmt(get($case, 'icount', 'populate_ms'), '%.1f'),
			fmt(get($case, 'icount', 't_init'), '%.3f'),
			fmt(get($case, 'icount', 't_read100'), '%.3f'),
			fmt(diff_s($case, 'icount', 't_read100', 't_read0'), '%.3f'),
			fmt(get($case, 'wall', 't_init'), '%.3f'),
			fmt(get($case, 'wall', 't_read100'), '%.3f'),
			"$ni, $nw"), " |\n";
	}
	print $tf "\n";
}

print $tf "### Memory\n\n";
print $tf "MiB in the 1536 MB guest, medians of the instruction-counted boots. *Available*: `MemAvailable` plus `PcpFree`, ",
	"the free pages parked on the per-CPU lists, which `MemAvailable` leaves out (up to tens of MB after a burst of frees). ",
	"*switched*: on the real root, after the early root was left and unmounted (busybox `switch_root` for cpio, ",
	"`pivot_root` + `umount -l` for EROFS; *method* says which worked). MemTotal is shown where it differs from the tiny boot. ",
	"`MemFree`, `Cached`, `Shmem` and the rest at every point: [memory-detail.md](benchmarks/memory-detail.md).\n\n";
my $tiny_case = (grep { /^tiny\tcpio\t/ } @case_list)[0];
my $tiny_total = $tiny_case ? get($tiny_case, 'icount', 'mem_init_MemTotal') : undef;
for my $p (@payloads) {
	print $tf "**", payload_title($p), "**\n\n";
	print $tf "| format @ design | available `/init` | after 10 % read | after all read | switched | MemAvailable `/init` | PcpFree `/init` | Cached all read | Shmem `/init` | MemTotal | method |\n";
	print $tf "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n";
	for my $case (grep { (split /\t/)[0] eq $p } @case_list) {
		my $mode = mem_mode($case);
		my $total = get($case, $mode, 'mem_switched_MemTotal') // get($case, $mode, 'mem_init_MemTotal');
		my $method = get($case, $mode, 'switch_method') // '';
		my $umount = get($case, $mode, 'switch_umount') // '';
		$method .= ' (umount failed)' if $umount =~ /fail/;
		$method .= ', EROFS still mounted' if (get($case, $mode, 'erofs_after') // '') =~ /mounted/;
		print $tf '| ', join(' | ', label($case),
			(map { fmt(get($case, $mode, $_), '%.1f', 1 / 1024) }
				qw(mem_init_Free mem_read10_Free mem_read100_Free mem_switched_Free
				mem_init_MemAvailable mem_init_PcpFree mem_read100_Cached mem_init_Shmem)),
			defined $total && defined $tiny_total && $total != $tiny_total
				? sprintf('%.1f (%+.1f)', $total / 1024, ($total - $tiny_total) / 1024) : fmt($total, '%.1f', 1 / 1024),
			$method || '–'), " |\n";
	}
	print $tf "\n";
}
# Every /proc/meminfo field the benchmark records, at every point: too
# wide for the document, a page of its own (memory-detail.md).
open(my $df, '>', "$out/memory-detail.md") or die "summarize: $out/memory-detail.md: $!\n";
print $df "# Memory in detail\n\n",
	"MiB in the 1536 MB guest, medians of the instruction-counted boots, from `/proc/meminfo` ",
	"(and `PcpFree`, free pages on the per-CPU lists, from `/proc/zoneinfo`) at each point of the workload: ",
	"at `/init`, after reading 10 % of the files, after reading all of them, and on the new root after switching.\n\n";
my @points = (['init', '`/init`'], ['read10', '10 % read'], ['read100', 'all read'], ['switched', 'switched']);
my @fields = qw(MemAvailable MemFree Cached Shmem PcpFree MemTotal);
for my $p (@payloads) {
	print $df "## ", payload_title($p), "\n\n";
	print $df "| format @ design | point | ", join(' | ', @fields), " |\n";
	print $df "|---|---|", join('|', map { '--:' } @fields), "|\n";
	for my $case (grep { (split /\t/)[0] eq $p } @case_list) {
		my $mode = mem_mode($case);
		for my $pt (@points) {
			print $df '| ', join(' | ', label($case), $pt->[1],
				map { fmt(get($case, $mode, "mem_$pt->[0]_$_"), '%.1f', 1 / 1024) } @fields), " |\n";
		}
	}
	print $df "\n";
}
close($df);

my @failed = grep { failed_note($_) } @case_list;
if (@failed) {
	print $tf "### Boots that did not give a result\n\n";
	print $tf "- ", label($_), " (", (split /\t/, $_)[0], "): ", failed_note($_), "\n" for @failed;
	print $tf "\n";
}
close($tf);

# Targets (issue 6). Each EROFS case of the default design and of every
# other design is checked against the same-payload cpio boots and the tiny
# boot; a cell says met (✓) or not (✗) with the figure that decides it.
sub cpio_cases {
	my ($p) = @_;
	return grep { my @f = split /\t/; $f[0] eq $p && $f[1] =~ /^cpio/ } @case_list;
}

# best_cpio(PAYLOAD, MODE, COLUMN, WANT_MAX, COMPRESSED_ONLY): the best
# cpio figure of the payload and the case that has it.
sub best_cpio {
	my ($p, $mode, $col, $want_max, $compressed) = @_;
	my ($best, $best_case);
	for my $c (cpio_cases($p)) {
		next if $compressed && (split /\t/, $c)[1] eq 'cpio';
		my $v = get($c, $mode, $col);
		next unless defined $v;
		if (!defined $best || ($want_max ? $v > $best : $v < $best)) {
			($best, $best_case) = ($v, $c);
		}
	}
	return ($best, $best_case);
}

# check_cell(FORMAT, DESIGN, CODE): CODE(payload, case) returns [badness, ok,
# text] or undef (not applicable); the cell shows the worst payload's text.
sub check_cell {
	my ($format, $design, $code) = @_;
	my ($all_ok, $worst, $n) = (1, undef, 0);
	for my $p (@payloads) {
		next if $p eq 'tiny';
		my $case = "$p\t$format\t$design";
		next unless $cases{$case};
		my $r = $code->($p, $case) or next;
		$n++;
		$all_ok &&= $r->[1];
		$worst = [$p, @$r] if !defined $worst || $r->[0] > $worst->[1];
	}
	return '–' unless $n;
	return sprintf('%s %s (%s)', $all_ok ? '✓' : '✗', $worst->[3], $worst->[0]);
}

my @erofs_cases = do { my %s; grep { !$s{$_}++ } map { my @f = split /\t/; $f[1] =~ /erofs/ ? "$f[1]\t$f[2]" : () } @case_list };
my @targets = (
	map({ my $mode = $_; ["`/init` ≤ tiny + 1 ms ($mode)", sub {
		my ($p, $c) = @_;
		my $t = get($c, $mode, 't_init');
		my $tiny = $tiny_case && get($tiny_case, $mode, 't_init');
		return undef unless defined $t && $tiny;
		my $d = ($t - $tiny) * 1000;
		return [$d, $d <= 1, sprintf('%+.2f ms', $d)];
	}] } qw(icount wall)),
	# Against every cpio, then against the compressed ones only: the
	# brief's reference figures name lz4 the fastest cpio format, leaving
	# out the uncompressed archive, which instruction counting makes the
	# fastest by far (a copy costs little there).
	map({ my $compressed = $_; map({ my $mode = $_;
		["`/init` ≥ 6× sooner than fastest " . ($compressed ? 'compressed ' : '') . "cpio at 256 MB ($mode)", sub {
		my ($p, $c) = @_;
		return undef unless $p eq 'synth256';
		my $t = get($c, $mode, 't_init');
		my ($cp) = best_cpio($p, $mode, 't_init', 0, $compressed);
		return undef unless $t && $cp;
		my $x = $cp / $t;
		return [-$x, $x >= 6, sprintf('%.1f×', $x)];
	}] } qw(icount wall)) } (0, 1)),
	map({ my $mode = $_; ["boot + read all ≤ fastest cpio ($mode)", sub {
		my ($p, $c) = @_;
		my $t = get($c, $mode, 't_read100');
		my ($cp) = best_cpio($p, $mode, 't_read100');
		return undef unless defined $t && $cp;
		my $d = $t - $cp;
		return [$d / $cp, $d <= 0, sprintf('%+.3f s', $d)];
	}] } qw(icount wall)),
	map({ my $mode = $_; ["reading uncompressed EROFS ≤ 2× tmpfs ($mode)", sub {
		my ($p, $c) = @_;
		return undef unless (split /\t/, $c)[1] =~ /:erofs$/;
		my $t = diff_s($c, $mode, 't_read100', 't_read0');
		my ($cp, $cc) = best_cpio($p, $mode, 't_read100');
		return undef unless defined $t && $cc;
		my $tmpfs = diff_s($cc, $mode, 't_read100', 't_read0');
		return undef unless $tmpfs && $tmpfs > 0;
		my $x = $t / $tmpfs;
		return [$x, $x <= 2, sprintf('%.2f×', $x)];
	}] } qw(icount wall)),
	['memory at `/init` ≤ tiny + image + 2 MiB', sub {
		my ($p, $c) = @_;
		my $avail = get($c, 'icount', 'mem_init_Free');
		my $tiny = $tiny_case && get($tiny_case, 'icount', 'mem_init_Free');
		my $img = get($c, 'icount', 'image_bytes');
		return undef unless defined $avail && $tiny && $img;
		my $extra = ($tiny - $avail) / 1024 - $img / 1048576;
		return [$extra, $extra <= 2, sprintf('%+.1f MiB', $extra)];
	}],
	['available memory after switch within 1 MiB of cpio', sub {
		my ($p, $c) = @_;
		my $v = get($c, 'icount', 'mem_switched_Free');
		my ($cp) = best_cpio($p, 'icount', 'mem_switched_Free', 1);
		return undef unless defined $v && $cp;
		my $d = ($cp - $v) / 1024;
		return [$d, $d <= 1, sprintf('%+.1f MiB', -$d)];
	}],
);

open(my $gf, '>', "$out/targets.md") or die "summarize: $out/targets.md: $!\n";
print $gf "| target | ", join(' | ', map { my ($f, $d) = split /\t/; "$f @ $d" } @erofs_cases), " |\n";
print $gf "|---|", join('', map { ':-:|' } @erofs_cases), "\n";
for my $t (@targets) {
	print $gf "| $t->[0] | ", join(' | ', map { check_cell(split(/\t/, $_), $t->[1]) } @erofs_cases), " |\n";
}
print $gf "\nEach cell: ✓ met at every payload, ✗ not met at some; the figure is the worst payload's ",
	"(named in brackets). Time differences are against the tiny-initrd boot or the fastest cpio format ",
	"of the same payload; memory against the tiny boot (`/init`) or the best cpio boot (after switch).\n";
close($gf);

# Plots against payload size: one data block per series (format @ design)
# over the synthetic payloads, one panel per metric, two figures.
my @synth = sort { synth_mb($a) <=> synth_mb($b) } grep { defined synth_mb($_) } @payloads;
my @series = do { my %s; grep { !$s{$_}++ } map { my @f = split /\t/; "$f[1]\t$f[2]" } grep { defined synth_mb((split /\t/)[0]) } @case_list };
my @figures = (
	['time.png', 'Time to /init and to having read every file (medians; log scale)', 'seconds', 1, 'top left', [
		['init_icount', 'icount', 't_init', 1, '/init reached, instruction-counted guest time'],
		['init_wall', 'wall', 't_init', 1, '/init reached, wall clock (TCG)'],
		['read_icount', 'icount', 't_read100', 1, 'every file read, instruction-counted guest time'],
		['read_wall', 'wall', 't_read100', 1, 'every file read, wall clock (TCG)']]],
	['memory.png', 'Available memory (MemAvailable + per-CPU free pages) in a 1536 MB guest (medians, instruction-counted boots)', 'MiB', 0, 'bottom left', [
		['mem_init', 'icount', 'mem_init_Free', 1 / 1024, 'at /init'],
		['mem_read10', 'icount', 'mem_read10_Free', 1 / 1024, 'after reading 10 % of the files'],
		['mem_read100', 'icount', 'mem_read100_Free', 1 / 1024, 'after reading every file'],
		['mem_switched', 'icount', 'mem_switched_Free', 1 / 1024, 'after switching root and unmounting the early root']]],
);

# Writes NAME.dat; returns how many points have a value.
sub write_dat {
	my ($name, $mode, $col, $scale) = @_;
	my $points = 0;
	open(my $df, '>', "$out/$name.dat") or die "summarize: $out/$name.dat: $!\n";
	for my $s (@series) {
		my ($f, $d) = split /\t/, $s;
		print $df "# ", ($f =~ /erofs/ ? "$f @ $d" : $f), "\n";
		for my $p (@synth) {
			my $v = get("$p\t$s", $mode, $col);
			my $x = $payload_kb{$p} ? $payload_kb{$p} / 1024 : synth_mb($p);
			print $df "$x ", (defined $v ? $v * $scale : 'NaN'), "\n";
			$points++ if defined $v;
		}
		print $df "\n\n";
	}
	close($df);
	return $points;
}

open(my $pf, '>', "$out/plots.gp") or die "summarize: $out/plots.gp: $!\n";
unlink("$out/time.png", "$out/memory.png");
if (!@series || !@synth) {
	print $pf "# No synthetic payload in this run: nothing to plot against size.\n";
	close($pf);
	print STDERR "summarize: $out/{medians.tsv,tables.md,targets.md} (no plots: no synthetic payload)\n";
	exit 0;
}
my $n = scalar @series;
my $titles = join(', ', map { my ($f, $d) = split /\t/; '"' . ($f =~ /erofs/ ? "$f\@$d" : $f) . '"' } @series);
# Colour by compression, dashes by writer (cpio solid, mkfs.erofs dashed,
# initerofs dotted), point shape by kernel design.
my %colour = (none => '#000000', gz => '#1b9e77', zst => '#7570b3', lz4 => '#d95f02',
	xz => '#e7298a', lz4hc => '#a6761d');
my @designs = do { my %s; grep { !$s{$_}++ } map { (split /\t/)[1] } @series };
my (@lc, @dt, @pt);
for my $s (@series) {
	my ($f, $d) = split /\t/, $s;
	my ($comp) = $f =~ /\.(\w+)$/;
	push @lc, '"' . $colour{$comp // 'none'} . '"';
	push @dt, $f =~ /^mkfs:/ ? 2 : $f =~ /^ours:/ ? 3 : 1;
	push @pt, (7, 4, 6, 8)[rank(\@designs, $d) % 4];
}
print $pf <<"GP";
# Generated by bench/lib/summarize.pl; run in the report directory.
set terminal pngcairo noenhanced size 1400,1000 font ",10"
set datafile missing "NaN"
set logscale x 2
set xlabel "payload (MiB of files in the rootfs)"
set grid
array T[$n] = [$titles]
array DT[$n] = [@{[ join(', ', @dt) ]}]
array LC[$n] = [@{[ join(', ', @lc) ]}]
array PT[$n] = [@{[ join(', ', @pt) ]}]
GP
for my $fig (@figures) {
	my ($png, $title, $ylabel, $logy, $keypos, $panels) = @$fig;
	print $pf "set output \"$png\"\nset multiplot layout 2,2 title \"$title\"\nset ylabel \"$ylabel\"\n",
		$logy ? "set logscale y\n" : "unset logscale y\n";
	# One legend per figure, in its first panel.
	print $pf "set key $keypos inside box opaque font \",8\"\n";
	for my $panel (@$panels) {
		my ($name, $mode, $col, $scale, $ptitle) = @$panel;
		print $pf "set title \"$ptitle\"\n";
		# An empty panel keeps its place in the layout.
		print $pf write_dat($name, $mode, $col, $scale)
			? "plot for [i=1:$n] \"$name.dat\" index i-1 with linespoints dt DT[i] lc rgb LC[i] pt PT[i] lw 2 title T[i]\n"
			: "plot [1:2] [0.5:1] 0 title \"no data\"\n";
		print $pf "unset key\n";
	}
	print $pf "unset multiplot\n";
}
close($pf);
print STDERR "summarize: $out/{medians.tsv,tables.md,targets.md,memory-detail.md,plots.gp}\n";
