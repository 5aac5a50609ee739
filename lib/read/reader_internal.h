/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the reader's files share and nobody else needs to see.
 */
#ifndef INITEROFS_READER_INTERNAL_H
#define INITEROFS_READER_INTERNAL_H

#include <stdint.h>

#include "initerofs/reader.h"

struct ie_image {
	const uint8_t *file;		/* the whole mapped file */
	uint64_t file_size;
	const uint8_t *data;		/* the image: file + si.base */
	uint64_t size;			/* addressable bytes of the image */
	struct ie_image_info si;
	struct ie_error err;
};

/* Byte offset of block @blk. */
static inline uint64_t ie_blkpos(const struct ie_image *img, uint64_t blk)
{
	return blk << img->si.sb.blkszbits;
}

/* Image offset of the 32-byte slot of @nid. */
static inline uint64_t ie_nid_pos(const struct ie_image *img, uint64_t nid)
{
	return ie_blkpos(img, img->si.sb.meta_blkaddr) + nid * EROFS_ISLOT_SIZE;
}

/* ie_reserve(): the growable-array helper. */
#include "util/array.h"

/* Compressed files: the lcluster decoder (reader_zmap.c). */
struct ie_zmap;

int ie_zmap_open(struct ie_image *img, const struct ie_rinode *ino,
		 struct ie_zmap **zp);
void ie_zmap_close(struct ie_zmap *z);
int ie_zmap_next_extent(struct ie_zmap *z, struct ie_extent *ext);
uint64_t ie_zmap_meta_end(const struct ie_zmap *z);

/* Decompressors (reader_decompress.c). */
int ie_extent_decompress(struct ie_image *img, const struct ie_extent *ext,
		  const uint8_t *in, uint8_t *out);

#endif /* INITEROFS_READER_INTERNAL_H */
