#!/usr/bin/perl
# Writes a synthetic initrd payload of about SIZE MiB into DIR, shaped like
# the content of a distribution initramfs (by bytes):
#
#   25 %  kernel modules, already compressed (.ko.xz and .ko.zst, as Debian
#         and Ubuntu ship them): ELF code compressed with xz/zstd, so the
#         bytes in the image are incompressible, as in a real initrd
#   15 %  firmware blobs: random bytes
#   30 %  ELF binaries and libraries: real files copied from /usr/lib
#   30 %  text: shell scripts and configuration files
#
# (40 % incompressible data, 30 % ELF, 30 % text: the mix of the reference
# figures in the project brief.) Files are spread over 16 top-level groups
# (g00..g15), each holding every kind, so that reading the first N % of the
# files in sorted order (the guest's read:N step) reads a representative mix.
#
# Deterministic: every choice comes from SEED. The ELF files depend on what
# is installed in /usr/lib; the list of copied files goes to MANIFEST so a
# difference between machines can be seen.
#
#   gen-synth.pl --size-mb SIZE --seed SEED [--manifest FILE] DIR
use strict;
use warnings;
use Digest::SHA qw(sha512);
use File::Find;
use File::Path qw(make_path);
use Getopt::Long;

my ($size_mb, $seed, $manifest_file);
GetOptions('size-mb=i' => \$size_mb, 'seed=s' => \$seed, 'manifest=s' => \$manifest_file)
	&& defined $size_mb && defined $seed && @ARGV == 1
	or die "usage: gen-synth.pl --size-mb SIZE --seed SEED [--manifest FILE] DIR\n";
my $dir = $ARGV[0];
$size_mb > 0 or die "gen-synth: --size-mb must be positive\n";

my $total = $size_mb << 20;
my %share = (module => 0.25, firmware => 0.15, elf => 0.30, text => 0.30);
my @kinds = sort keys %share;

# A xorshift generator seeded from SEED: perl's rand() differs between builds.
my $state = unpack('V', sha512("synth-seed:$seed")) || 1;
sub next_u32 {
	$state ^= ($state << 13) & 0xFFFFFFFF;
	$state ^= $state >> 17;
	$state ^= ($state << 5) & 0xFFFFFFFF;
	return $state;
}

# Uniform in [lo, hi] on a log scale: real file sizes span decades.
sub log_uniform {
	my ($lo, $hi) = @_;
	my $u = next_u32() / 4294967296;
	return int(exp(log($lo) + $u * (log($hi) - log($lo))));
}

my $stream_counter = 0;
sub random_bytes {
	my ($n) = @_;
	my $key = "synth-bytes:$seed:" . $stream_counter++;
	my @blocks = map { sha512("$key:$_") } 0 .. int(($n - 1) / 64);
	return substr(join('', @blocks), 0, $n);
}

# Vocabulary of shell scripts and configuration files: compresses about as
# well as the scripts in a real initramfs.
my @words = qw(if then else fi for do done case esac in echo printf local
	return exit set export read while test modprobe mount umount mkdir rm cp
	mv ln cat grep sed awk udevadm cryptsetup lvm mdadm root resume boot quiet
	splash rootfstype ext4 btrfs xfs vfat /dev /sys /proc /run /lib/modules
	/etc/fstab /usr/bin /sbin/init $1 $2 $ROOT $rootmnt ${i} "$@" || && ; |
	> 2>&1 /dev/null = == != -eq -ne -z -n -f -d -e [ ] { } ( ) options alias
	blacklist softdep install remove UUID LABEL PARTUUID defaults noatime ro rw
	0 1 2 3 4 5 6 7 8 9 10 16 32 64 128 256 512 1024 true false yes no);

sub text_bytes {
	my ($n) = @_;
	my $s = '';
	while (length($s) < $n) {
		my @idx = unpack('C*', sha512("synth-text:$seed:" . $stream_counter++));
		while (@idx) {
			my $len = 3 + (shift(@idx) % 10);
			my @line = map { $words[$_ % @words] } splice(@idx, 0, $len);
			last unless @line;
			# Commands indented as in a script body, the rest flush left.
			my $indent = $line[0] =~ /^[a-z]/ ? "\t" : '';
			$s .= $indent . join(' ', @line) . "\n";
		}
	}
	return substr($s, 0, $n);
}

# ELF files of /usr/lib to copy, in a stable order.
sub elf_candidates {
	my @found;
	my @roots = grep { -d } ('/usr/lib/x86_64-linux-gnu', '/usr/lib/gcc');
	find({ no_chdir => 1, wanted => sub {
		return unless -f $_ && !-l $_;
		my $size = -s _;
		return if $size < 16384 || $size > (8 << 20);
		open(my $fh, '<:raw', $_) or return;
		my $magic = '';
		read($fh, $magic, 4);
		close($fh);
		push @found, $_ if $magic eq "\x7fELF";
	} }, @roots);
	@found = sort @found;
	@found or die "gen-synth: no ELF files found under /usr/lib\n";
	return \@found;
}

sub slurp {
	my ($path) = @_;
	open(my $fh, '<:raw', $path) or die "gen-synth: $path: $!\n";
	local $/;
	my $data = <$fh>;
	close($fh);
	return $data;
}

sub put {
	my ($path, $data) = @_;
	my $full = "$dir/$path";
	(my $parent = $full) =~ s{/[^/]*$}{};
	make_path($parent);
	open(my $fh, '>:raw', $full) or die "gen-synth: $full: $!\n";
	print $fh $data;
	close($fh) or die "gen-synth: $full: $!\n";
	return length($data);
}

# Compress DATA with an external tool (xz or zstd, as kmod's modules are).
sub compress_with {
	my ($tool, $data) = @_;
	my $tmp = "$dir/.synth-tmp";
	open(my $fh, '>:raw', $tmp) or die "gen-synth: $tmp: $!\n";
	print $fh $data;
	close($fh);
	my @cmd = $tool eq 'xz' ? ('xz', '-q', '-c', '-2', '--check=crc32') : ('zstd', '-q', '-c', '-3');
	open(my $out, '-|', @cmd, $tmp) or die "gen-synth: cannot run $cmd[0]: $!\n";
	binmode($out);
	local $/;
	my $compressed = <$out>;
	close($out) or die "gen-synth: $cmd[0] failed\n";
	unlink($tmp);
	return $compressed;
}

my $elfs = elf_candidates();
my @elf_order = @$elfs;
# Seeded shuffle (Fisher-Yates) of the candidates.
for (my $i = $#elf_order; $i > 0; $i--) {
	my $j = next_u32() % ($i + 1);
	@elf_order[$i, $j] = @elf_order[$j, $i];
}
my $elf_next = 0;
my @manifest;
my @drivers = qw(net gpu scsi usb md block input hid nvme ata crypto sound);
my @vendors = qw(intel amdgpu i915 iwlwifi rtl_nic brcm qcom mediatek);
my %text_dirs = (0 => 'scripts/local-top', 1 => 'scripts/init-premount',
	2 => 'etc/modprobe.d', 3 => 'usr/share/initramfs', 4 => 'conf/conf.d');

sub make_module {
	my ($id, $group) = @_;
	my $src = $elfs->[next_u32() % @$elfs];
	my $data = slurp($src);
	my $want = log_uniform(8 << 10, 800 << 10);
	$want = length($data) if $want > length($data);
	my $off = length($data) > $want ? next_u32() % (length($data) - $want + 1) : 0;
	my $tool = next_u32() % 3 ? 'xz' : 'zstd';
	my $ext = $tool eq 'xz' ? 'xz' : 'zst';
	my $driver = $drivers[next_u32() % @drivers];
	return put(sprintf('%s/lib/modules/6.12.0-synth/kernel/drivers/%s/mod%05d.ko.%s',
		$group, $driver, $id, $ext), compress_with($tool, substr($data, $off, $want)));
}

sub make_firmware {
	my ($id, $group) = @_;
	my $vendor = $vendors[next_u32() % @vendors];
	return put(sprintf('%s/lib/firmware/%s/fw%05d.bin', $group, $vendor, $id),
		random_bytes(log_uniform(4 << 10, 1536 << 10)));
}

# The next candidate that fits in what is left of the ELF budget (the
# smallest one when none fits), so the payload ends close to its size.
sub next_elf {
	my ($room) = @_;
	for my $tries (1 .. @elf_order) {
		my $src = $elf_order[$elf_next++ % @elf_order];
		return $src if -s $src <= $room;
	}
	my ($smallest) = sort { -s $a <=> -s $b or $a cmp $b } @elf_order;
	return $smallest;
}

sub make_elf {
	my ($id, $group, $room) = @_;
	my $src = next_elf($room);
	(my $base = $src) =~ s{.*/}{};
	push @manifest, $src;
	return put(sprintf('%s/usr/lib/x86_64-linux-gnu/%05d-%s', $group, $id, $base), slurp($src));
}

sub make_text {
	my ($id, $group) = @_;
	my $where = $text_dirs{next_u32() % 5};
	my $ext = $where =~ /^etc|conf/ ? 'conf' : 'sh';
	return put(sprintf('%s/%s/t%05d.%s', $group, $where, $id, $ext),
		text_bytes(log_uniform(200, 64 << 10)));
}

my %make = (module => \&make_module, firmware => \&make_firmware,
	elf => \&make_elf, text => \&make_text);
my %written = map { $_ => 0 } @kinds;
my %count = map { $_ => 0 } @kinds;
my $id = 0;
make_path($dir);
# Always add to the kind furthest behind its share: the kinds interleave
# and each ends close to its budget.
while (1) {
	my ($kind) = sort { $written{$a} / $share{$a} <=> $written{$b} / $share{$b} or $a cmp $b } @kinds;
	last if $written{$kind} >= $share{$kind} * $total;
	my $group = sprintf('g%02d', next_u32() % 16);
	$written{$kind} += $make{$kind}->(++$id, $group, $share{$kind} * $total - $written{$kind});
	$count{$kind}++;
}

if (defined $manifest_file) {
	open(my $fh, '>', $manifest_file) or die "gen-synth: $manifest_file: $!\n";
	print $fh "# ELF files copied from this machine, in order\n", map { "$_\n" } @manifest;
	close($fh);
}
printf STDERR "gen-synth: %s: %d files, %.1f MiB (%s)\n", $dir, $id,
	(eval { my $s = 0; $s += $written{$_} for @kinds; $s }) / 1048576,
	join(', ', map { sprintf('%s %d files %.1f MiB', $_, $count{$_}, $written{$_} / 1048576) } @kinds);
