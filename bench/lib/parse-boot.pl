#!/usr/bin/perl
# One benchmark boot's serial log (and harness/boot's LOG.meta) as one TSV
# row of boots.tsv; `--header` prints the column names.
#
#   parse-boot.pl --header
#   parse-boot.pl LOG PAYLOAD FORMAT DESIGN MODE RUN IMAGE_BYTES
#
# Times are seconds on the guest's kernel clock (instruction-counted in
# mode icount, the host's clock in mode wall); memory is kB as /proc/meminfo
# says. A value that was not reported is "-".
use strict;
use warnings;

my @MEM_POINTS = qw(init read10 read100 switched);
my @MEM_FIELDS = qw(MemTotal MemFree MemAvailable Cached Shmem PcpFree);
my @COLUMNS = (qw(payload format design mode run status image_bytes
	t_run_init t_init t_read0 t_read10 t_read100 t_switched populate_ms
	qemu_wall_s root_fstype switch_method switch_umount erofs_after),
	map { my $p = $_; map { "mem_${p}_$_" } @MEM_FIELDS } @MEM_POINTS);

if (@ARGV == 1 && $ARGV[0] eq '--header') {
	print join("\t", @COLUMNS), "\n";
	exit 0;
}
@ARGV == 7 or die "usage: parse-boot.pl LOG PAYLOAD FORMAT DESIGN MODE RUN IMAGE_BYTES\n";
my ($log, $payload, $format, $design, $mode, $run, $image_bytes) = @ARGV;

my (%report, @console);
if (open(my $fh, '<', $log)) {
	while (my $line = <$fh>) {
		chomp $line;
		if ($line =~ /^IEROFS ([^=]+)=(.*)$/) {
			$report{$1} //= $2;
		} elsif ($line =~ /^\[\s*([0-9.]+)\] (.*)$/) {
			push @console, [$1, $2];
		}
	}
	close($fh);
}
my %meta;
if (open(my $fh, '<', "$log.meta")) {
	while (<$fh>) {
		$meta{$1} = $2 if /^(\w+)=(.*)$/;
	}
	close($fh);
}

# First (or last) console line matching RE before /init ran: [ts, text].
sub console_line {
	my ($re, $last) = @_;
	my @hits;
	for my $l (@console) {
		last if $l->[1] =~ /^Run .* as init process/;
		push @hits, $l if $l->[1] =~ $re;
	}
	return $last ? $hits[-1] : $hits[0];
}

# Time the kernel spent putting the root in place, in ms. An initerofs boot
# says how long its mount took on its own `initerofs:` line (its detection
# and its mount are separate initcalls, with other drivers' in between, so
# the span of its lines would not do). A cpio boot (or a fallback to one)
# logs "Unpacking initramfs..." when it starts and "Freeing initrd memory"
# when it is done.
sub populate_ms {
	my $mounted = console_line(qr/^initerofs: mounted .*\bin ([0-9.]+) ?(us|µs|ms|ns)\b/);
	if ($mounted && $mounted->[1] =~ /\bin ([0-9.]+) ?(us|µs|ms|ns)\b/) {
		my ($v, $unit) = ($1, $2);
		return sprintf('%.3f', $unit eq 'ms' ? $v : $unit eq 'ns' ? $v / 1e6 : $v / 1e3);
	}
	my $start = console_line(qr/^Unpacking initramfs/);
	my $end = console_line(qr/^Freeing initrd memory/);
	return '-' unless $start && $end && $end->[0] >= $start->[0];
	return sprintf('%.3f', ($end->[0] - $start->[0]) * 1000);
}

sub value {
	my ($key) = @_;
	my $v = $report{$key};
	return defined $v && $v ne '' ? $v : '-';
}

sub status {
	return 'timeout' if ($meta{exit} // '') eq '124';
	return "qemu-exit-$meta{exit}" if ($meta{exit} // '0') ne '0';
	return 'no-report' unless ($report{end} // '') eq 'ok';
	# An EROFS image the kernel did not boot from is not a result.
	return 'not-erofs-root' if $format =~ /erofs/ && value('root.fstype') ne 'overlay';
	return 'ok';
}

my %row = (
	payload => $payload, format => $format, design => $design, mode => $mode,
	run => $run, status => status(), image_bytes => $image_bytes,
	t_run_init => value('t.run_init'), t_init => value('t.init'),
	t_read0 => value('t.read0'), t_read10 => value('t.read10'),
	t_read100 => value('t.read100'), t_switched => value('t.switched'),
	populate_ms => populate_ms(), qemu_wall_s => $meta{wall_seconds} // '-',
	root_fstype => value('root.fstype'), switch_method => value('switch.method'),
	switch_umount => value('switch.umount'),
);
my $after = $report{'switch.erofs.instances'};
$row{erofs_after} = !defined $after ? '-' : $after =~ /\S/ ? 'mounted' : 'none';
for my $p (@MEM_POINTS) {
	$row{"mem_${p}_$_"} = value("mem.$p.$_") for @MEM_FIELDS;
}
print join("\t", map { my $v = $row{$_}; $v =~ s/[\t\n]/ /g; $v } @COLUMNS), "\n";
