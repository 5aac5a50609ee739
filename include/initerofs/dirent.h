/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Directory blocks: sorted dirents followed by their names.
 *
 * A directory's entries ("." and ".." included) are sorted byte-wise over
 * the whole directory and packed greedily into blocks; the last block is
 * only as long as it needs to be (the directory's size ends there), the
 * others are padded with NULs.
 */
#ifndef INITEROFS_DIRENT_H
#define INITEROFS_DIRENT_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

struct ie_dirent_in {
	const char *name;
	unsigned int namelen;
	uint64_t nid;
	unsigned int file_type;		/* EROFS_FT_* */
};

/* Byte-wise order of names as the kernel's binary search expects. */
int ie_dirent_name_cmp(const char *a, unsigned int alen,
		       const char *b, unsigned int blen);

/*
 * ie_dir_block_count() - how many of the @n entries at @ents fit into one
 * block of @blksz bytes, and the bytes they use (in @used).
 */
size_t ie_dir_block_count(const struct ie_dirent_in *ents, size_t n,
			  unsigned int blksz, size_t *used);

/*
 * ie_dir_block_encode() - write @count entries into @block (@blksz bytes),
 * NUL-padding the rest. The caller got @count from ie_dir_block_count().
 */
void ie_dir_block_encode(const struct ie_dirent_in *ents, size_t count,
			 uint8_t *block, unsigned int blksz);

/* ie_dir_size() - the i_size of a directory holding these sorted entries. */
uint64_t ie_dir_size(const struct ie_dirent_in *ents, size_t n,
		     unsigned int blksz);

struct ie_dirent_view {
	uint64_t nid;
	const char *name;		/* points into the block, not NUL-ended */
	unsigned int namelen;
	unsigned int file_type;
};

/*
 * ie_dir_block_decode() - parse one directory block. @size is what the
 * block holds: the block size, or less for a directory's last block.
 * At most @max entries are stored in @out (a block of b bytes holds at most
 * b / 13 entries).
 * Return: the number of entries, or -EUCLEAN with a reason in @err.
 */
int ie_dir_block_decode(const uint8_t *block, size_t size, unsigned int blksz,
			struct ie_dirent_view *out, size_t max,
			struct ie_error *err);

#endif /* INITEROFS_DIRENT_H */
