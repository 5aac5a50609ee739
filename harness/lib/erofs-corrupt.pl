#!/usr/bin/perl
# Damages an EROFS image in one precise way, for the fallback tests:
#
#   erofs-corrupt.pl IMAGE MODE
#
#   magic  one bit of the superblock magic flipped
#   csum   magic intact, stored superblock checksum wrong
#   trunc  image cut to half its length (superblock intact, so the declared
#          size no longer fits what follows)
#   blksz  block size 2^30; checksum recomputed over the real block size,
#          so only the block size is wrong
#   size   declared block count 1024 blocks beyond the real image; checksum
#          recomputed
#   huge   declared block count 0xffffffff (overflows a 32-bit byte count);
#          checksum recomputed
#   incompat  an incompatible feature bit no kernel knows (bit 31) set;
#          checksum recomputed, so the superblock checks pass and EROFS
#          itself refuses to mount it
#
# Offsets follow struct erofs_super_block in the kernel's fs/erofs/erofs_fs.h.
use strict;
use warnings;

use constant {
	SB_OFFSET => 1024,
	OFF_MAGIC => 0,
	OFF_CSUM => 4,
	OFF_COMPAT => 8,
	OFF_BLKSZBITS => 12,
	OFF_BLOCKS => 36,
	OFF_INCOMPAT => 80,
	MAGIC => 0xE0F5E1E2,
	COMPAT_SB_CHKSUM => 0x1,
};

my ($image, $mode) = @ARGV;
die "usage: erofs-corrupt.pl IMAGE magic|csum|trunc|blksz|size|huge|incompat\n"
	unless defined $mode;

open(my $fh, '+<:raw', $image) or die "erofs-corrupt: $image: $!\n";
my $len = -s $fh;
my $data;
read($fh, $data, $len) == $len or die "erofs-corrupt: $image: short read\n";

sub u32 { unpack('V', substr($data, SB_OFFSET + $_[0], 4)) }
sub set_u32 { substr($data, SB_OFFSET + $_[0], 4) = pack('V', $_[1]) }
sub set_u8 { substr($data, SB_OFFSET + $_[0], 1) = pack('C', $_[1]) }

die "erofs-corrupt: $image: not an EROFS image\n" unless u32(OFF_MAGIC) == MAGIC;
my $blkszbits = unpack('C', substr($data, SB_OFFSET + OFF_BLKSZBITS, 1));

my @table = map {
	my $c = $_;
	$c = ($c & 1) ? (($c >> 1) ^ 0x82F63B78) : ($c >> 1) for 1 .. 8;
	$c;
} 0 .. 255;

# What the kernel computes: crc32c seeded with ~0, no final inversion, over
# the rest of block 0 from the superblock on, checksum field zeroed. A block
# no larger than the superblock offset (512 bytes) is covered whole from the
# superblock on, as in erofs_superblock_csum_verify().
sub sb_checksum {
	my $n = 1 << $blkszbits;
	$n -= SB_OFFSET if $n > SB_OFFSET;
	die "erofs-corrupt: $image: checksummed bytes run past the image's end\n"
		if SB_OFFSET + $n > length($data);
	my $sb = substr($data, SB_OFFSET, $n);
	substr($sb, OFF_CSUM, 4) = "\0" x 4;
	my $crc = 0xFFFFFFFF;
	$crc = $table[($crc ^ $_) & 0xFF] ^ ($crc >> 8) for unpack('C*', $sb);
	return $crc;
}

sub has_checksum { u32(OFF_COMPAT) & COMPAT_SB_CHKSUM }

die "erofs-corrupt: $image: stored checksum does not verify\n"
	if has_checksum() && sb_checksum() != u32(OFF_CSUM);

sub reseal { set_u32(OFF_CSUM, sb_checksum()) if has_checksum() }

my %damage = (
	magic => sub { set_u32(OFF_MAGIC, MAGIC ^ 0x1) },
	csum => sub {
		die "erofs-corrupt: $image: image has no superblock checksum\n"
			unless has_checksum();
		set_u32(OFF_CSUM, u32(OFF_CSUM) ^ 0x1);
	},
	trunc => sub { $data = substr($data, 0, int($len / 2)) },
	blksz => sub { set_u8(OFF_BLKSZBITS, 30); reseal() },
	size => sub { set_u32(OFF_BLOCKS, u32(OFF_BLOCKS) + 1024); reseal() },
	huge => sub { set_u32(OFF_BLOCKS, 0xFFFFFFFF); reseal() },
	incompat => sub { set_u32(OFF_INCOMPAT, u32(OFF_INCOMPAT) | 0x80000000); reseal() },
);
my $fn = $damage{$mode} or die "erofs-corrupt: unknown mode '$mode'\n";
$fn->();

seek($fh, 0, 0) or die "erofs-corrupt: $image: $!\n";
print $fh $data;
truncate($fh, length($data)) or die "erofs-corrupt: $image: $!\n";
close($fh) or die "erofs-corrupt: $image: $!\n";
