// SPDX-License-Identifier: GPL-2.0
/*
 * Extended attributes: prefixes and entries, encode and decode.
 */
#include <errno.h>
#include <string.h>

#include "initerofs/erofs_format.h"
#include "initerofs/xattr.h"

struct prefix {
	unsigned int index;
	const char *name;
};

/* ACL names are whole names: their entries have an empty suffix. */
static const struct prefix prefixes[] = {
	{ EROFS_XATTR_INDEX_USER, "user." },
	{ EROFS_XATTR_INDEX_POSIX_ACL_ACCESS, "system.posix_acl_access" },
	{ EROFS_XATTR_INDEX_POSIX_ACL_DEFAULT, "system.posix_acl_default" },
	{ EROFS_XATTR_INDEX_TRUSTED, "trusted." },
	{ EROFS_XATTR_INDEX_LUSTRE, "lustre." },
	{ EROFS_XATTR_INDEX_SECURITY, "security." },
};

#define NR_PREFIXES	(sizeof(prefixes) / sizeof(prefixes[0]))

int ie_xattr_prefix_split(const char *name, unsigned int *index,
			  const char **suffix)
{
	size_t i;

	for (i = 0; i < NR_PREFIXES; i++) {
		size_t len = strlen(prefixes[i].name);
		int whole = prefixes[i].name[len - 1] != '.';

		if (strncmp(name, prefixes[i].name, len))
			continue;
		if (whole && name[len])
			continue;
		*index = prefixes[i].index;
		*suffix = name + len;
		return 0;
	}
	return -EOPNOTSUPP;
}

const char *ie_xattr_prefix(unsigned int index)
{
	size_t i;

	for (i = 0; i < NR_PREFIXES; i++)
		if (prefixes[i].index == index)
			return prefixes[i].name;
	return NULL;
}

size_t ie_xattr_entry_size(size_t suffix_len, size_t value_len)
{
	return erofs_xattr_entry_size((unsigned int)suffix_len,
				      (unsigned int)value_len);
}

size_t ie_xattr_entry_encode(unsigned int index, const char *suffix,
			     size_t suffix_len, const void *value,
			     size_t value_len, uint8_t *out)
{
	size_t size = ie_xattr_entry_size(suffix_len, value_len);

	memset(out, 0, size);
	out[0] = (uint8_t)suffix_len;
	out[1] = (uint8_t)index;
	ie_put_le16(out + 2, (uint16_t)value_len);
	memcpy(out + 4, suffix, suffix_len);
	if (value_len)
		memcpy(out + 4 + suffix_len, value, value_len);
	return size;
}

int ie_xattr_entry_decode(const uint8_t *buf, size_t avail,
			  struct ie_xattr_view *view)
{
	size_t size;

	if (avail < sizeof(struct erofs_xattr_entry))
		return -EUCLEAN;
	view->suffix_len = buf[0];
	view->index = buf[1];
	view->value_len = ie_get_le16(buf + 2);
	size = ie_xattr_entry_size(view->suffix_len, view->value_len);
	if (size > avail)
		return -EUCLEAN;
	view->suffix = (const char *)buf + 4;
	view->value = buf + 4 + view->suffix_len;
	return (int)size;
}

void ie_xattr_ibody_header_encode(uint8_t *out, unsigned int shared_count)
{
	memset(out, 0, sizeof(struct erofs_xattr_ibody_header));
	out[4] = (uint8_t)shared_count;
}
