// SPDX-License-Identifier: GPL-2.0
/*
 * On-disk inodes: encode and decode the compact and extended forms.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/erofs_format.h"
#include "initerofs/inode.h"

bool ie_inode_fits_compact(const struct ie_disk_inode *inode,
			   uint64_t build_time, uint32_t build_time_nsec)
{
	return inode->size <= UINT32_MAX && inode->nlink <= UINT16_MAX &&
	       inode->uid <= UINT16_MAX && inode->gid <= UINT16_MAX &&
	       inode->mtime == build_time &&
	       inode->mtime_nsec == build_time_nsec;
}

static uint16_t format_word(const struct ie_disk_inode *inode)
{
	return (uint16_t)((inode->extended ? EROFS_INODE_EXTENDED :
			   EROFS_INODE_COMPACT) |
			  (inode->datalayout << EROFS_I_DATALAYOUT_SHIFT));
}

unsigned int ie_inode_encode(const struct ie_disk_inode *inode, void *out)
{
	if (inode->extended) {
		struct erofs_inode_extended d;

		memset(&d, 0, sizeof(d));
		d.i_format = ie_le16(format_word(inode));
		d.i_xattr_icount = ie_le16(inode->xattr_icount);
		d.i_mode = ie_le16(inode->mode);
		d.i_size = ie_le64(inode->size);
		d.i_u = ie_le32(inode->i_u);
		d.i_ino = ie_le32(inode->ino);
		d.i_uid = ie_le32(inode->uid);
		d.i_gid = ie_le32(inode->gid);
		d.i_mtime = ie_le64(inode->mtime);
		d.i_mtime_nsec = ie_le32(inode->mtime_nsec);
		d.i_nlink = ie_le32(inode->nlink);
		memcpy(out, &d, sizeof(d));
		return sizeof(d);
	} else {
		struct erofs_inode_compact d;

		memset(&d, 0, sizeof(d));
		d.i_format = ie_le16(format_word(inode));
		d.i_xattr_icount = ie_le16(inode->xattr_icount);
		d.i_mode = ie_le16(inode->mode);
		d.i_nlink = ie_le16((uint16_t)inode->nlink);
		d.i_size = ie_le32((uint32_t)inode->size);
		d.i_u = ie_le32(inode->i_u);
		d.i_ino = ie_le32(inode->ino);
		d.i_uid = ie_le16((uint16_t)inode->uid);
		d.i_gid = ie_le16((uint16_t)inode->gid);
		memcpy(out, &d, sizeof(d));
		return sizeof(d);
	}
}

int ie_inode_decode(const void *buf, size_t avail, uint64_t build_time,
		    uint32_t build_time_nsec, struct ie_disk_inode *inode)
{
	uint16_t fmt;

	memset(inode, 0, sizeof(*inode));
	if (avail < sizeof(struct erofs_inode_compact))
		return -EUCLEAN;
	fmt = ie_get_le16(buf);
	if (fmt & ~EROFS_I_ALL_BITS)
		return -EOPNOTSUPP;
	inode->datalayout = (fmt >> EROFS_I_DATALAYOUT_SHIFT) &
			    EROFS_I_DATALAYOUT_MASK;
	if (inode->datalayout >= EROFS_LAYOUT_MAX)
		return -EOPNOTSUPP;
	inode->extended = (fmt & EROFS_I_VERSION_MASK) == EROFS_INODE_EXTENDED;
	if (inode->extended) {
		struct erofs_inode_extended d;

		if (avail < sizeof(d))
			return -EUCLEAN;
		memcpy(&d, buf, sizeof(d));
		inode->xattr_icount = ie_get_le16(&d.i_xattr_icount);
		inode->mode = ie_get_le16(&d.i_mode);
		inode->size = ie_get_le64(&d.i_size);
		inode->i_u = ie_get_le32(&d.i_u);
		inode->ino = ie_get_le32(&d.i_ino);
		inode->uid = ie_get_le32(&d.i_uid);
		inode->gid = ie_get_le32(&d.i_gid);
		inode->mtime = ie_get_le64(&d.i_mtime);
		inode->mtime_nsec = ie_get_le32(&d.i_mtime_nsec);
		inode->nlink = ie_get_le32(&d.i_nlink);
	} else {
		struct erofs_inode_compact d;

		memcpy(&d, buf, sizeof(d));
		inode->xattr_icount = ie_get_le16(&d.i_xattr_icount);
		inode->mode = ie_get_le16(&d.i_mode);
		inode->nlink = ie_get_le16(&d.i_nlink);
		inode->size = ie_get_le32(&d.i_size);
		inode->i_u = ie_get_le32(&d.i_u);
		inode->ino = ie_get_le32(&d.i_ino);
		inode->uid = ie_get_le16(&d.i_uid);
		inode->gid = ie_get_le16(&d.i_gid);
		inode->mtime = build_time;
		inode->mtime_nsec = build_time_nsec;
	}
	return 0;
}

uint32_t ie_encode_dev(uint32_t major, uint32_t minor)
{
	return (minor & 0xff) | ((major & 0xfff) << 8) |
	       ((minor & ~0xffu) << 12);
}

void ie_decode_dev(uint32_t rdev, uint32_t *major, uint32_t *minor)
{
	*major = (rdev & 0xfff00) >> 8;
	*minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
}

unsigned int ie_mode_to_ftype(unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EROFS_FT_REG_FILE;
	case S_IFDIR:
		return EROFS_FT_DIR;
	case S_IFCHR:
		return EROFS_FT_CHRDEV;
	case S_IFBLK:
		return EROFS_FT_BLKDEV;
	case S_IFIFO:
		return EROFS_FT_FIFO;
	case S_IFSOCK:
		return EROFS_FT_SOCK;
	case S_IFLNK:
		return EROFS_FT_SYMLINK;
	default:
		return EROFS_FT_UNKNOWN;
	}
}
