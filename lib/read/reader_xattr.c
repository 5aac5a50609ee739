// SPDX-License-Identifier: GPL-2.0
/*
 * Extended attributes: the inline area after an inode (header, shared ids,
 * entries) and the shared entries it points at.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "initerofs/reader.h"
#include "initerofs/xattr.h"
#include "reader_internal.h"

#define XATTR_HEADER_SIZE	sizeof(struct erofs_xattr_ibody_header)

/*
 * Decode the entry at @pos, which must end by @end. Return its aligned
 * size, or 0 (error set) when it is malformed.
 */
static unsigned int decode_entry(struct ie_image *img,
				 const struct ie_rinode *ino, uint64_t pos,
				 uint64_t end, struct ie_rxattr *xa)
{
	struct ie_xattr_view v;
	const char *prefix;
	int size;

	size = pos < end ? ie_xattr_entry_decode(img->data + pos, end - pos, &v)
			 : -EUCLEAN;
	if (size < 0) {
		ie_image_set_error(img, -EUCLEAN,
				   "inode %llu: xattr entry at offset %llu runs past its area",
				   (unsigned long long)ino->nid,
				   (unsigned long long)pos);
		return 0;
	}
	if (v.index & EROFS_XATTR_LONG_PREFIX) {
		ie_image_set_error(img, -EOPNOTSUPP,
				   "inode %llu: xattr uses long name prefix %u, not supported",
				   (unsigned long long)ino->nid,
				   v.index & ~EROFS_XATTR_LONG_PREFIX);
		return 0;
	}
	prefix = ie_xattr_prefix(v.index);
	if (!prefix) {
		ie_image_set_error(img, -EUCLEAN,
				   "inode %llu: xattr at offset %llu has unknown name index %u",
				   (unsigned long long)ino->nid,
				   (unsigned long long)pos, v.index);
		return 0;
	}
	if (memchr(v.suffix, 0, v.suffix_len)) {
		ie_image_set_error(img, -EUCLEAN,
				   "inode %llu: xattr name at offset %llu contains a NUL byte",
				   (unsigned long long)ino->nid,
				   (unsigned long long)pos);
		return 0;
	}
	xa->name_len = (size_t)snprintf(xa->name, sizeof(xa->name), "%s%.*s",
					prefix, (int)v.suffix_len, v.suffix);
	xa->value = v.value;
	xa->value_len = v.value_len;
	return (unsigned int)size;
}

static int visit_shared(struct ie_image *img, const struct ie_rinode *ino,
			uint32_t id, ie_xattr_actor actor, void *ctx)
{
	uint64_t pos = ie_blkpos(img, img->si.sb.xattr_blkaddr) +
		       (uint64_t)id * 4;
	struct ie_rxattr xa = { .shared = true, .shared_id = id };

	if (pos >= img->size)
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: shared xattr id %u points outside the image",
					  (unsigned long long)ino->nid, id);
	if (!decode_entry(img, ino, pos, img->size, &xa))
		return -EUCLEAN;
	return actor(ctx, &xa);
}

int ie_xattr_iterate(struct ie_image *img, const struct ie_rinode *ino,
		     ie_xattr_actor actor, void *ctx)
{
	uint64_t start = ino->pos + ino->inode_isize;
	uint64_t end = start + ino->xattr_isize, pos;
	const uint8_t *hdr;
	unsigned int shared, i;
	int ret;

	if (!ino->xattr_isize)
		return 0;
	hdr = ie_image_bytes(img, start, ino->xattr_isize);
	if (!hdr || ino->xattr_isize < XATTR_HEADER_SIZE)
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: xattr area outside the image",
					  (unsigned long long)ino->nid);
	shared = hdr[4];
	if (XATTR_HEADER_SIZE + 4u * shared > ino->xattr_isize)
		return ie_image_set_error(img, -EUCLEAN,
					  "inode %llu: %u shared xattr ids do not fit in the %u-byte xattr area",
					  (unsigned long long)ino->nid, shared,
					  ino->xattr_isize);
	for (i = 0; i < shared; i++) {
		ret = visit_shared(img, ino,
				   ie_get_le32(hdr + XATTR_HEADER_SIZE + 4 * i),
				   actor, ctx);
		if (ret)
			return ret;
	}
	pos = start + XATTR_HEADER_SIZE + 4u * shared;
	while (pos < end) {
		struct ie_rxattr xa = { .shared = false };
		unsigned int size = decode_entry(img, ino, pos, end, &xa);

		if (!size)
			return -EUCLEAN;
		ret = actor(ctx, &xa);
		if (ret)
			return ret;
		pos += size;
	}
	return 0;
}
