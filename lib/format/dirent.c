// SPDX-License-Identifier: GPL-2.0
/*
 * Directory blocks: encode and decode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "initerofs/error.h"
#include "initerofs/dirent.h"
#include "initerofs/erofs_format.h"

#define DIRENT_SIZE	sizeof(struct erofs_dirent)

int ie_dirent_name_cmp(const char *a, unsigned int alen,
		       const char *b, unsigned int blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

size_t ie_dir_block_count(const struct ie_dirent_in *ents, size_t n,
			  unsigned int blksz, size_t *used)
{
	size_t i, bytes = 0;

	for (i = 0; i < n; i++) {
		size_t need = DIRENT_SIZE + ents[i].namelen;

		if (bytes + need > blksz)
			break;
		bytes += need;
	}
	*used = bytes;
	return i;
}

void ie_dir_block_encode(const struct ie_dirent_in *ents, size_t count,
			 uint8_t *block, unsigned int blksz)
{
	size_t nameoff = count * DIRENT_SIZE, i;

	memset(block, 0, blksz);
	for (i = 0; i < count; i++) {
		struct erofs_dirent d;

		d.nid = ie_le64(ents[i].nid);
		d.nameoff = ie_le16((uint16_t)nameoff);
		d.file_type = (uint8_t)ents[i].file_type;
		d.reserved = 0;
		memcpy(block + i * DIRENT_SIZE, &d, DIRENT_SIZE);
		memcpy(block + nameoff, ents[i].name, ents[i].namelen);
		nameoff += ents[i].namelen;
	}
}

uint64_t ie_dir_size(const struct ie_dirent_in *ents, size_t n,
		     unsigned int blksz)
{
	uint64_t size = 0;
	size_t used = 0;

	while (n) {
		size_t count = ie_dir_block_count(ents, n, blksz, &used);

		if (!count)	/* cannot happen for names <= 255 bytes */
			return 0;
		ents += count;
		n -= count;
		if (n)
			size += blksz;
	}
	return size + used;
}

int ie_dir_block_decode(const uint8_t *block, size_t size, unsigned int blksz,
			struct ie_dirent_view *out, size_t max,
			struct ie_error *err)
{
	unsigned int nameoff0, count, i;

	if (size < DIRENT_SIZE || size > blksz)
		return ie_fail(err, -EUCLEAN,
			       "directory block of %zu bytes", size);
	nameoff0 = ie_get_le16(block + 8);
	if (nameoff0 < DIRENT_SIZE || nameoff0 >= blksz ||
	    nameoff0 % DIRENT_SIZE || nameoff0 > size)
		return ie_fail(err, -EUCLEAN,
			       "invalid first name offset %u", nameoff0);
	count = nameoff0 / DIRENT_SIZE;
	if (count > max)
		return ie_fail(err, -EUCLEAN, "%u entries exceed the %zu expected",
			    count, max);
	for (i = 0; i < count; i++) {
		const uint8_t *de = block + i * DIRENT_SIZE;
		unsigned int nameoff = ie_get_le16(de + 8), namelen;

		if (nameoff >= size || nameoff < nameoff0)
			return ie_fail(err, -EUCLEAN,
				       "entry %u: name offset %u out of range",
				       i, nameoff);
		if (i + 1 < count) {
			unsigned int next = ie_get_le16(de + DIRENT_SIZE + 8);

			if (next < nameoff)
				return ie_fail(err, -EUCLEAN,
					       "entry %u: name offsets decrease", i);
			namelen = next - nameoff;
		} else {
			namelen = (unsigned int)strnlen((const char *)block + nameoff,
							size - nameoff);
		}
		if (!namelen || namelen > EROFS_NAME_LEN ||
		    nameoff + namelen > size)
			return ie_fail(err, -EUCLEAN, "entry %u: bad name length %u",
				    i, namelen);
		out[i].nid = ie_get_le64(de);
		out[i].name = (const char *)block + nameoff;
		out[i].namelen = namelen;
		out[i].file_type = de[10];
	}
	return (int)count;
}
