/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extended attributes: name prefixes and entries.
 *
 * An entry stores a prefix index (user., trusted., security., ...), the rest
 * of the name, and the value; entries are 4-byte aligned. They appear inline
 * after an inode (behind a 12-byte header and the ids of shared entries) or
 * once in the shared xattr area, referenced by id = byte offset / 4.
 */
#ifndef INITEROFS_XATTR_H
#define INITEROFS_XATTR_H

#include <stddef.h>
#include <stdint.h>

#define IE_XATTR_NAME_MAX	255	/* the part after the prefix */
#define IE_XATTR_VALUE_MAX	65535

/*
 * ie_xattr_prefix_split() - find the EROFS prefix index of the full name
 * @name. Return: 0 with *@index and *@suffix set, or -EOPNOTSUPP when no
 * prefix the format knows matches.
 */
int ie_xattr_prefix_split(const char *name, unsigned int *index,
			  const char **suffix);

/* ie_xattr_prefix() - the name prefix for @index, or NULL if unknown. */
const char *ie_xattr_prefix(unsigned int index);

/* Encoded size of an entry, alignment included. */
size_t ie_xattr_entry_size(size_t suffix_len, size_t value_len);

/*
 * ie_xattr_entry_encode() - write one entry to @out (ie_xattr_entry_size()
 * bytes, padding zeroed). Return: the bytes written.
 */
size_t ie_xattr_entry_encode(unsigned int index, const char *suffix,
			     size_t suffix_len, const void *value,
			     size_t value_len, uint8_t *out);

struct ie_xattr_view {
	unsigned int index;
	const char *suffix;		/* not NUL-terminated */
	unsigned int suffix_len;
	const void *value;
	unsigned int value_len;
};

/*
 * ie_xattr_entry_decode() - parse the entry at @buf with @avail bytes left.
 * Return: its aligned size, or -EUCLEAN when it does not fit.
 */
int ie_xattr_entry_decode(const uint8_t *buf, size_t avail,
			  struct ie_xattr_view *view);

/* ie_xattr_ibody_header_encode() - write the 12-byte inline header. */
void ie_xattr_ibody_header_encode(uint8_t *out, unsigned int shared_count);

/* i_xattr_icount for an inline area of @bytes (a multiple of 4, >= 12). */
static inline unsigned int ie_xattr_icount(size_t bytes)
{
	return bytes ? (unsigned int)((bytes - 12) / 4 + 1) : 0;
}

#endif /* INITEROFS_XATTR_H */
