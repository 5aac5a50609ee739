#!/usr/bin/perl
# Writes the harness's default test payload into DIR: a few MB shaped to
# exercise an image writer and reader (compressible text, incompressible
# data, block-boundary sizes, deep paths, odd names, many entries in one
# directory, links). Deterministic: same bytes on every run and machine, so
# images and benchmark figures are comparable.
use strict;
use warnings;
use File::Path qw(make_path);

my $dir = shift or die "usage: gen-payload.pl DIR\n";

# A small xorshift generator: perl's rand() differs between builds.
my $state = 0x2545F491;
sub next_u32 {
	$state ^= ($state << 13) & 0xFFFFFFFF;
	$state ^= $state >> 17;
	$state ^= ($state << 5) & 0xFFFFFFFF;
	return $state;
}

sub put {
	my ($path, $data) = @_;
	my $full = "$dir/$path";
	(my $parent = $full) =~ s{/[^/]*$}{};
	make_path($parent);
	open(my $fh, '>:raw', $full) or die "gen-payload: $full: $!\n";
	print $fh $data;
	close($fh) or die "gen-payload: $full: $!\n";
}

sub random_bytes {
	my ($n) = @_;
	my $words = int(($n + 3) / 4);
	return substr(pack('V*', map { next_u32() } 1 .. $words), 0, $n);
}

my @words = qw(erofs initrd overlay tmpfs kernel boot memory page cache block
	superblock inode directory cluster compress lz4 cpio archive unpack mount
	root switch pivot the a of to and is in that it for on with as);

sub text {
	my ($n) = @_;
	my $s = '';
	while (length($s) < $n) {
		my $line = join(' ', map { $words[next_u32() % @words] } 1 .. 12);
		$s .= "$line.\n";
	}
	return substr($s, 0, $n);
}

# Compressible text, 40 files from 1 KiB to ~80 KiB.
for my $i (1 .. 40) {
	put(sprintf('text/doc-%03d.txt', $i), text(1024 * (1 + ($i * 7) % 80)));
}

# Incompressible data: what firmware and pre-compressed modules look like.
put('random/blob-1m.bin', random_bytes(1 << 20));
put('random/blob-512k.bin', random_bytes(1 << 19));
put('random/blob-odd.bin', random_bytes(300001));

# Sizes around block and page boundaries, and a sparse-looking file.
for my $n (0, 1, 4095, 4096, 4097, 8191, 8192, 12289, 65536) {
	put("edge/size-$n", text($n));
}
put('edge/zeros-64k', "\0" x 65536);
put('edge/mixed', ("\0" x 5000) . random_bytes(3000) . ("\0" x 5000));

put('deep/a/b/c/d/e/f/g/h/i/j/leaf.txt', text(333));
put('names/with space.txt', text(100));
put("names/utf8-\x{c3}\x{a9}t\x{c3}\x{a9}.txt", text(100));
put('names/' . ('n' x 200), text(100));

# One directory spanning several directory blocks.
for my $i (1 .. 300) {
	put(sprintf('many/entry-%04d', $i), "entry $i\n");
}

make_path("$dir/links");
symlink('../text/doc-001.txt', "$dir/links/symlink-to-doc")
	or die "gen-payload: symlink: $!\n";
link("$dir/random/blob-512k.bin", "$dir/links/hardlink-to-blob")
	or die "gen-payload: link: $!\n";
