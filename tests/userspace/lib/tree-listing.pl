#!/usr/bin/perl
# Print a canonical listing of one or more directory trees, one line per
# path, for comparing what different extractors produced:
#
#   path type mode uid gid size target rdev sha256 mtime link
#
# (fields separated by tabs; '-' where a field does not apply). With several
# DIRs the trees are overlaid in order, later ones winning per path, the
# way consecutive extractions into one folder would combine.
#
#   tree-listing.pl [--no-suid] [--no-links] [--no-mtime] [--no-dir-mtime] DIR...
#
# --no-suid masks the setuid/setgid bits and --no-links leaves hardlinks
# out (erofs-utils 1.5's fsck.erofs --extract drops both); --no-mtime
# leaves timestamps out; --no-dir-mtime leaves out those of directories
# only. `link` names the first path
# (bytewise order) of a group of hardlinked regular files, so two listings
# agree on hardlinks only when they group the same paths.
use strict;
use warnings;
use Digest::SHA;
use Fcntl ':mode';
use File::Find;
use Getopt::Long;

my ($no_suid, $no_links, $no_mtime, $no_dir_mtime);
GetOptions('no-suid' => \$no_suid, 'no-links' => \$no_links,
	   'no-mtime' => \$no_mtime, 'no-dir-mtime' => \$no_dir_mtime) && @ARGV or
	die "usage: $0 [--no-suid] [--no-links] [--no-mtime] [--no-dir-mtime] DIR...\n";

sub escape {
	my ($s) = @_;
	$s =~ s/([^\x21-\x7e]|\\)/sprintf('\\x%02x', ord $1)/ge;
	return $s;
}

sub type_of {
	my ($mode) = @_;
	return S_ISREG($mode) ? 'f' : S_ISDIR($mode) ? 'd' : S_ISLNK($mode) ? 'l' :
	       S_ISCHR($mode) ? 'c' : S_ISBLK($mode) ? 'b' : S_ISFIFO($mode) ? 'p' :
	       S_ISSOCK($mode) ? 's' : '?';
}

sub sha256_of {
	my ($file) = @_;
	my $sha = Digest::SHA->new(256);
	$sha->addfile($file, 'b');
	return $sha->hexdigest;
}

my %entry;	# relative path => [fields], later trees win
my %group;	# "tree dev ino" => paths, for hardlinks

for my $i (0 .. $#ARGV) {
	my $root = $ARGV[$i];
	-d $root or die "$0: $root is not a directory\n";
	find({ no_chdir => 1, wanted => sub {
		my $path = $File::Find::name;
		return if $path eq $root;
		my $rel = substr($path, length($root) + 1);
		my @st = lstat($path) or die "$0: lstat $path: $!\n";
		my ($dev, $ino, $mode, $nlink, $uid, $gid, $rdev, $size, $mtime) =
			@st[0, 1, 2, 3, 4, 5, 6, 7, 9];
		my $type = type_of($mode);
		my $perm = $mode & 07777;
		$perm &= ~06000 if $no_suid;
		my ($sz, $target, $rd, $hash) = ('-', '-', '-', '-');
		if ($type eq 'f') {
			$sz = $size;
			$hash = sha256_of($path);
			push @{$group{"$i $dev $ino"}}, $rel if $nlink > 1 && !$no_links;
		} elsif ($type eq 'l') {
			$target = escape(readlink($path));
			$perm = 0777;	# link permissions mean nothing on Linux
		} elsif ($type eq 'c' || $type eq 'b') {
			$rd = sprintf('%d:%d', ($rdev >> 8) & 0xfff | ($rdev >> 32) & ~0xfff,
				      $rdev & 0xff | ($rdev >> 12) & ~0xff);
		}
		my $mt = $mtime;
		$mt = '-' if $no_mtime || $type eq 'l' ||
			     ($no_dir_mtime && $type eq 'd');
		$entry{$rel} = [ $type, sprintf('%04o', $perm), $uid, $gid, $sz,
				 $target, $rd, $hash, $mt, '-' ];
	} }, $root);
}

for my $paths (values %group) {
	my @sorted = sort @$paths;
	next if @sorted < 2;
	for my $p (@sorted) {
		$entry{$p}[9] = escape($sorted[0]) if $entry{$p};
	}
}

for my $rel (sort keys %entry) {
	print join("\t", escape($rel), @{$entry{$rel}}), "\n";
}
