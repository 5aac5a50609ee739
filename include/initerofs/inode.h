/* SPDX-License-Identifier: GPL-2.0 */
/*
 * On-disk inodes: the 32-byte compact and the 64-byte extended form.
 *
 * struct ie_disk_inode is the decoded, host-endian view shared by the
 * writer (which fills it and calls ie_inode_encode()) and readers (which
 * call ie_inode_decode()).
 */
#ifndef INITEROFS_INODE_H
#define INITEROFS_INODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ie_disk_inode {
	bool extended;			/* 64-byte form */
	unsigned int datalayout;	/* EROFS_LAYOUT_* */
	uint16_t xattr_icount;		/* inline xattr area, 4-byte units */
	uint16_t mode;			/* S_IFMT and permission bits */
	uint32_t nlink;
	uint64_t size;
	uint32_t i_u;			/* blkaddr, compressed blocks or rdev */
	uint32_t ino;			/* 32-bit stat compatibility number */
	uint32_t uid, gid;
	uint64_t mtime;			/* compact: the superblock's build time */
	uint32_t mtime_nsec;
};

/* Size in bytes of the encoded inode: 32 or 64. */
static inline unsigned int ie_inode_isize(const struct ie_disk_inode *inode)
{
	return inode->extended ? 64 : 32;
}

/*
 * ie_inode_fits_compact() - whether @inode can be stored in 32 bytes: its
 * size, nlink, uid and gid fit 32/16/16/16 bits and its mtime equals the
 * image's build time (compact inodes have no timestamp of their own).
 */
bool ie_inode_fits_compact(const struct ie_disk_inode *inode,
			   uint64_t build_time, uint32_t build_time_nsec);

/* ie_inode_encode() - write @inode to @out. Return: bytes written (32/64). */
unsigned int ie_inode_encode(const struct ie_disk_inode *inode, void *out);

/*
 * ie_inode_decode() - parse the inode at @buf (@avail bytes readable).
 * Compact inodes take their mtime from @build_time/@build_time_nsec.
 * Return: 0, -EUCLEAN when @avail is too short, -EOPNOTSUPP for unknown
 * format bits or data layout.
 */
int ie_inode_decode(const void *buf, size_t avail, uint64_t build_time,
		    uint32_t build_time_nsec, struct ie_disk_inode *inode);

/* Device numbers in i_u, in the kernel's "new" dev_t encoding. */
uint32_t ie_encode_dev(uint32_t major, uint32_t minor);
void ie_decode_dev(uint32_t rdev, uint32_t *major, uint32_t *minor);

/* The dirent file type (EROFS_FT_*) for a mode. */
unsigned int ie_mode_to_ftype(unsigned int mode);

#endif /* INITEROFS_INODE_H */
