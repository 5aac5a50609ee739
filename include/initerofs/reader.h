/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading EROFS images: the library behind `check`, `ls`, `cat`, `extract`
 * and `info`, and what the tests look inside images with.
 *
 * The reader never trusts the image. Every offset is checked against the
 * mapped file before it is dereferenced, every loop is bounded by something
 * the image cannot inflate beyond its own size, and every failure leaves a
 * message saying what was wrong and where (ie_image_error()).
 *
 * An image may sit behind a prefix: ie_image_open() finds the EROFS
 * superblock after uncompressed newc cpio archives and zero padding (the
 * early microcode layout `initerofs convert` writes) or at a 4 KiB boundary.
 * All addresses the API takes and returns are relative to the start of the
 * EROFS image, not of the file.
 */
#ifndef INITEROFS_READER_H
#define INITEROFS_READER_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "erofs_format.h"

struct ie_image;

/* ---- opening an image ---------------------------------------------------- */

enum ie_open_flags {
	/*
	 * Open even when the superblock has problems that do not stop the
	 * reader from walking the image (bad checksum, unknown feature bits,
	 * a declared size beyond the file). `check` uses this so that it can
	 * report those problems and go on checking everything else.
	 */
	IE_OPEN_LENIENT = 1u << 0,
};

/**
 * ie_image_open() - map @path read-only and locate its EROFS superblock.
 * @path:	image file, optionally behind a cpio prefix
 * @flags:	enum ie_open_flags
 * @imgp:	the opened image on success
 * @err:	the error record for failures ("reader: ..."), may be NULL
 *
 * Without IE_OPEN_LENIENT the superblock must pass ie_super_verify().
 * Return: 0, or a negative errno with @err filled in.
 */
int ie_image_open(const char *path, unsigned int flags, struct ie_image **imgp,
		  struct ie_error *err);

/** ie_image_close() - unmap and free; NULL is accepted. */
void ie_image_close(struct ie_image *img);

/**
 * ie_image_error() - the message of the last failure of a call on @img.
 * Messages name the object (nid, path when known, block) and the problem.
 */
const char *ie_image_error(const struct ie_image *img);

/**
 * ie_image_set_error() - record a failure message on @img (printf format).
 * Return: @errnum, so that callers can write `return ie_image_set_error(...)`.
 */
int ie_image_set_error(struct ie_image *img, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The superblock, decoded to host byte order, plus what was derived. */
struct ie_image_info {
	struct erofs_super sb;		/* every field, host byte order */
	uint64_t base;			/* file offset where the image starts */
	uint64_t file_size;		/* size of the whole file */
	uint64_t avail;			/* bytes of the file from @base on */
	uint32_t blksz;			/* 1 << sb.blkszbits */
	unsigned int sb_size;		/* 128 + 16 * sb_extslots */
	uint32_t crc_computed;		/* crc32c as the kernel computes it */
	uint16_t compr_algs;		/* algorithms usable by compressed files */
	uint16_t lz4_max_pclusterblks;	/* from the LZ4 config record, or 1 */
	uint32_t lzma_dict_size;	/* from the LZMA config record, or 0 */
	char volume_name[17];		/* NUL-terminated copy */
};

/** ie_image_super() - the decoded superblock of an open image. */
const struct ie_image_info *ie_image_super(const struct ie_image *img);

/**
 * ie_image_size() - bytes of the image the reader may address: the declared
 * size (blocks * blksz) when the file holds it all, otherwise what the file
 * holds (ie_super_verify() reports the shortfall).
 */
uint64_t ie_image_size(const struct ie_image *img);

/**
 * ie_image_bytes() - a pointer to @len bytes at image offset @pos, or NULL
 * (with the error set) when any of them is outside the image. The pointer
 * stays valid until ie_image_close().
 */
const uint8_t *ie_image_bytes(struct ie_image *img, uint64_t pos, uint64_t len);

/* Callback for reporting problems one by one (used by verify and check). */
struct ie_report {
	void (*problem)(struct ie_report *rep, const char *msg);
	unsigned long problems;		/* incremented by ie_report() */
};

/**
 * ie_escape_controls() - copy @in to @out (@outlen bytes, NUL-terminated,
 * truncated if needed), writing control characters (C0, DEL, C1) and bytes
 * that are not valid UTF-8 as "\\xNN", so that names taken from an image
 * cannot drive the terminal they are printed on.
 */
void ie_escape_controls(const char *in, char *out, size_t outlen);

/**
 * ie_report() - format a problem, escape its control characters
 * (ie_escape_controls()) and hand it to @rep->problem.
 */
void ie_report(struct ie_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * ie_super_verify() - report every superblock problem: checksum, block size,
 * unknown or unsupported features, sizes and addresses out of range, bad
 * volume name, bad compression configuration records.
 * Return: the number of problems reported.
 */
unsigned long ie_super_verify(struct ie_image *img, struct ie_report *rep);

/**
 * ie_locate_erofs() - find where an EROFS image starts in @data.
 *
 * Where the kernel finds it: see ie_initrd_find_image() (initrd.h).
 * Return: the offset, or -1 when the kernel would find no image.
 */
int64_t ie_locate_erofs(const uint8_t *data, uint64_t size);

/* ---- inodes --------------------------------------------------------------- */

struct ie_rinode {
	uint64_t nid;
	uint64_t pos;			/* image offset of the on-disk inode */
	unsigned int version;		/* EROFS_INODE_COMPACT or _EXTENDED */
	unsigned int layout;		/* enum erofs_datalayout */
	unsigned int inode_isize;	/* 32 or 64 */
	unsigned int xattr_isize;	/* bytes of inline xattr area */
	uint16_t format;		/* raw i_format */
	uint16_t xattr_icount;
	uint16_t mode;
	uint32_t nlink, uid, gid;
	uint64_t size;
	int64_t mtime;
	uint32_t mtime_nsec;
	uint32_t i_u;			/* raw union: blkaddr, blocks, rdev */
	uint32_t ino;
	uint32_t rdev_major, rdev_minor;	/* character/block devices */
};

/** ie_inode_end() - image offset just after the inode and inline xattrs. */
static inline uint64_t ie_inode_end(const struct ie_rinode *ino)
{
	return ino->pos + ino->inode_isize + ino->xattr_isize;
}

/**
 * ie_inode_read() - decode the inode @nid: format, mode (a known file type),
 * size limits of its layout, inline xattr area inside the image.
 * Return: 0 or a negative errno (-EUCLEAN for a corrupt inode).
 */
int ie_inode_read(struct ie_image *img, uint64_t nid, struct ie_rinode *ino);

/**
 * ie_nid_max() - one past the largest nid whose 32-byte slot lies inside the
 * image (nids are slot indexes from meta_blkaddr).
 */
uint64_t ie_nid_max(const struct ie_image *img);

/* ---- extended attributes ------------------------------------------------- */

struct ie_rxattr {
	char name[256 + 32];		/* full name, prefix included */
	size_t name_len;
	const void *value;		/* points into the image */
	size_t value_len;
	bool shared;			/* from the shared xattr area */
	uint32_t shared_id;		/* its id when shared */
};

/*
 * Called for each xattr in on-disk order (shared ones first); return
 * nonzero to stop the walk (that value is returned).
 */
typedef int (*ie_xattr_actor)(void *ctx, const struct ie_rxattr *xa);

/**
 * ie_xattr_iterate() - walk the inline and shared xattrs of @ino.
 * Return: 0, the actor's nonzero value, or a negative errno.
 */
int ie_xattr_iterate(struct ie_image *img, const struct ie_rinode *ino,
		     ie_xattr_actor actor, void *ctx);

/* ---- file data ------------------------------------------------------------ */

enum ie_extent_kind {
	IE_EXTENT_HOLE,			/* reads as zeros (chunk-based holes) */
	IE_EXTENT_RAW,			/* bytes stored as they are */
	IE_EXTENT_SHIFTED,		/* uncompressed pcluster, from its start */
	IE_EXTENT_INTERLACED,		/* uncompressed pcluster, rotated */
	IE_EXTENT_LZ4,
	IE_EXTENT_LZMA,
	IE_EXTENT_DEFLATE,
	IE_EXTENT_ZSTD,
};

/* A run of file bytes and where they come from. */
struct ie_extent {
	uint64_t la;			/* logical (file) offset */
	uint64_t llen;			/* logical length */
	uint64_t pa;			/* image offset of the stored bytes */
	uint64_t plen;			/* stored length */
	enum ie_extent_kind kind;
	bool inline_tail;		/* stored in the metadata (tail packed) */
	uint64_t head_lcn;		/* compressed: lcluster of its head */
};

struct ie_file;

/**
 * ie_file_open() - prepare to read the data of a regular file, directory or
 * symlink: validates the layout header (map header, chunk format).
 * Return: 0 or a negative errno.
 */
int ie_file_open(struct ie_image *img, const struct ie_rinode *ino,
		 struct ie_file **filep);

/** ie_file_close() - free a file reader; NULL is accepted. */
void ie_file_close(struct ie_file *file);

/**
 * ie_file_next_extent() - the next extent in file order.
 * Return: 1 with @ext filled, 0 after the last one, or a negative errno.
 */
int ie_file_next_extent(struct ie_file *file, struct ie_extent *ext);

/**
 * ie_file_meta_end() - image offset where the inode's metadata ends: the
 * inode, inline xattrs, and its inline tail, chunk index or cluster index
 * (for compressed files, as far as ie_file_next_extent() has read).
 */
uint64_t ie_file_meta_end(const struct ie_file *file);

/**
 * ie_file_read() - read the next @len bytes of the file (sequentially),
 * decompressing as needed.
 * Return: bytes read (0 at end of file) or a negative errno.
 */
ssize_t ie_file_read(struct ie_file *file, void *buf, size_t len);

/**
 * ie_file_read_all() - read a whole (small) file into a new buffer of
 * size + 1 bytes, NUL-terminated. Refuses files over @max bytes.
 * Return: 0 or a negative errno.
 */
int ie_file_read_all(struct ie_image *img, const struct ie_rinode *ino,
		     size_t max, char **bufp);

/**
 * ie_extent_decode() - produce the @ext->llen bytes of one extent into @out.
 * Return: 0 or a negative errno (-EUCLEAN when the data does not decode to
 * exactly the expected length).
 */
int ie_extent_decode(struct ie_image *img, const struct ie_extent *ext,
		     uint8_t *out);

/** ie_extent_kind_name() - "lz4", "raw", ... for messages and `info`. */
const char *ie_extent_kind_name(enum ie_extent_kind kind);

/* ---- directories ----------------------------------------------------------- */

struct ie_rdirent {
	uint64_t nid;
	unsigned int file_type;		/* EROFS_FT_* */
	const char *name;		/* not NUL-terminated */
	unsigned int name_len;
	uint64_t block;			/* directory block index */
	unsigned int index;		/* entry index inside the block */
};

/* Return nonzero to stop the walk (that value is returned). */
typedef int (*ie_dir_actor)(void *ctx, const struct ie_rdirent *de);

/**
 * ie_dir_iterate() - walk every entry of directory @dir in on-disk order,
 * "." and ".." included, validating each block as the kernel does (first
 * nameoff, increasing name offsets, name lengths 1..255 inside the block).
 * Return: 0, the actor's nonzero value, or a negative errno.
 */
int ie_dir_iterate(struct ie_image *img, const struct ie_rinode *dir,
		   ie_dir_actor actor, void *ctx);

/**
 * ie_dir_find() - find @name in @dir.
 * Return: 0 with @nid set, -ENOENT, or another negative errno.
 */
int ie_dir_find(struct ie_image *img, const struct ie_rinode *dir,
		  const char *name, size_t name_len, uint64_t *nid);

/**
 * ie_path_resolve() - look up @path from the root, as if the image were
 * chrooted: ".." at the root stays there, symlinks in the middle of the path
 * are followed (at most 40), the last one only when @follow_last.
 * Return: 0 with @ino filled, or a negative errno (-ENOENT, -ENOTDIR,
 * -ELOOP, -EUCLEAN) with the error message naming the component.
 */
int ie_path_resolve(struct ie_image *img, const char *path, bool follow_last,
		    struct ie_rinode *ino);

/* ---- walking the tree -------------------------------------------------------- */

struct ie_walk_entry {
	const char *path;		/* "/" for the root, else "/a/b" */
	const char *name;		/* last component ("" for the root) */
	const struct ie_rinode *ino;
	uint64_t parent_nid;		/* the root's parent is itself */
	unsigned int file_type;		/* from the dirent (root: directory) */
	unsigned int depth;		/* 0 for the root */
	bool first;			/* first entry seen for this inode */
};

/* visit() may return this to keep the walk out of a directory. */
#define IE_WALK_SKIP	1

struct ie_walk_ops {
	/* Every entry, parents before children. Negative aborts the walk. */
	int (*visit)(void *ctx, const struct ie_walk_entry *e);
	/* After a directory's children (optional). Negative aborts. */
	int (*leave)(void *ctx, const struct ie_walk_entry *e,
		     unsigned long nr_subdirs);
	/* A problem the walk met and stepped around (optional). */
	void (*problem)(void *ctx, const char *path, const char *msg);
};

/**
 * ie_walk() - visit the tree under @path (followed if it is a symlink)
 * depth-first, each directory's entries in on-disk order, "." and ".."
 * left out. Entries with impossible names (containing '/' or NUL, or "."
 * and ".." beyond the first), unreadable inodes and directories reached a
 * second time (cycles, hard-linked directories) are reported through
 * ops->problem and skipped; the walk goes on.
 * Return: 0, the first negative value from a callback, or a negative errno
 * when @path itself cannot be resolved or memory runs out.
 */
int ie_walk(struct ie_image *img, const char *path,
	    const struct ie_walk_ops *ops, void *ctx);

/** ie_ftype_char() - the `ls -l` type letter of a mode ('-', 'd', 'l' ...). */
char ie_ftype_char(unsigned int mode);

/** ie_mode_string() - "drwxr-xr-x" for @mode, as `ls -l` shows it. */
void ie_mode_string(unsigned int mode, char out[11]);

#endif /* INITEROFS_READER_H */
