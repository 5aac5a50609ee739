// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding on-disk inodes (compact 32-byte and extended 64-byte forms), as
 * Linux 6.12's erofs_read_inode() does, refusing what it refuses.
 */
#include <errno.h>
#include <sys/stat.h>

#include "initerofs/inode.h"
#include "initerofs/reader.h"
#include "reader_internal.h"

uint64_t ie_nid_max(const struct ie_image *img)
{
	uint64_t meta = ie_blkpos(img, img->si.sb.meta_blkaddr);

	if (meta >= img->size)
		return 0;
	return (img->size - meta) / EROFS_ISLOT_SIZE;
}

char ie_ftype_char(unsigned int mode)
{
	static const char letters[EROFS_FT_MAX] = "?-dcbpsl";

	return letters[ie_mode_to_ftype(mode)];
}

void ie_mode_string(unsigned int mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	unsigned int i;

	out[0] = ie_ftype_char(mode);
	for (i = 0; i < 9; i++)
		out[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	/* setuid, setgid and sticky show in the execute columns, as ls does. */
	if (mode & S_ISUID)
		out[3] = mode & S_IXUSR ? 's' : 'S';
	if (mode & S_ISGID)
		out[6] = mode & S_IXGRP ? 's' : 'S';
	if (mode & S_ISVTX)
		out[9] = mode & S_IXOTH ? 't' : 'T';
	out[10] = '\0';
}

static int check_type(struct ie_image *img, struct ie_rinode *ino)
{
	switch (ino->mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
		return 0;
	case S_IFCHR:
	case S_IFBLK:
		ie_decode_dev(ino->i_u, &ino->rdev_major, &ino->rdev_minor);
		return 0;
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	default:
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: bogus mode 0%o (no file type)",
					  (unsigned long long)ino->nid, ino->mode);
	}
}

static int check_xattr_area(struct ie_image *img, struct ie_rinode *ino)
{
	ino->xattr_isize = erofs_xattr_ibody_size(ino->xattr_icount);
	/* A header with nothing after it is undefined on disk; 6.12 refuses. */
	if (ino->xattr_icount == 1)
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: xattr area of a bare 12-byte header is not supported",
					  (unsigned long long)ino->nid);
	if (!ie_image_bytes(img, ino->pos, ino->inode_isize + ino->xattr_isize))
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: inode and its %u bytes of xattrs run past the end of the image",
					  (unsigned long long)ino->nid,
					  ino->xattr_isize);
	return 0;
}

/* Copy the shared decoder's view into the reader's inode. */
static void take_disk_inode(const struct ie_disk_inode *d,
			    struct ie_rinode *ino)
{
	ino->version = d->extended ? EROFS_INODE_EXTENDED : EROFS_INODE_COMPACT;
	ino->layout = d->datalayout;
	ino->inode_isize = ie_inode_isize(d);
	ino->xattr_icount = d->xattr_icount;
	ino->mode = d->mode;
	ino->nlink = d->nlink;
	ino->size = d->size;
	ino->i_u = d->i_u;
	ino->ino = d->ino;
	ino->uid = d->uid;
	ino->gid = d->gid;
	ino->mtime = (int64_t)d->mtime;
	ino->mtime_nsec = d->mtime_nsec;
}

int ie_inode_read(struct ie_image *img, uint64_t nid, struct ie_rinode *ino)
{
	struct ie_disk_inode d;
	const uint8_t *p;
	int ret;

	*ino = (struct ie_rinode){ .nid = nid };
	if (nid >= ie_nid_max(img))
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: nid is outside the image",
					  (unsigned long long)nid);
	ino->pos = ie_nid_pos(img, nid);
	p = img->data + ino->pos;
	ino->format = ie_get_le16(p);
	ret = ie_inode_decode(p, img->size - ino->pos, img->si.sb.build_time,
			      img->si.sb.build_time_nsec, &d);
	if (ret == -EOPNOTSUPP)
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: unsupported i_format 0x%x",
					  (unsigned long long)nid, ino->format);
	if (ret)
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: extended inode runs past the end of the image",
					  (unsigned long long)nid);
	take_disk_inode(&d, ino);
	if (ino->size > INT64_MAX)
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: negative size",
					  (unsigned long long)nid);
	if (check_type(img, ino))
		return -EUCLEAN;
	return check_xattr_area(img, ino);
}
