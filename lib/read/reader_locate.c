// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the EROFS image inside an initrd file, exactly where the kernel
 * finds it.
 *
 * A distribution initrd usually starts with uncompressed cpio archives
 * holding CPU microcode (the kernel's early loader insists they come
 * first), so the EROFS image is not always at offset 0. This is a
 * line-by-line mirror of find_image() in the kernel's init/initerofs.c
 * (kernel/patches/0002): every reader (check, info, ls, cat, extract) must
 * show the image the kernel boots and no other, or an audit can be fooled
 * (a decoy superblock inside an early archive's file data, an image behind
 * a compressed segment the kernel unpacks instead). Change both together.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "initerofs/decompress.h"
#include "initerofs/initrd.h"
#include "initerofs/reader.h"

#define CPIO_HEADER_SIZE	110
#define CPIO_FILESIZE_AT	54
#define CPIO_NAMESIZE_AT	94
#define CPIO_TRAILER		"TRAILER!!!"

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

/* One 8-digit hex header field; false when a digit is not hex. */
static bool cpio_field(const uint8_t *p, uint32_t *val)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned int digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return false;
		v = v << 4 | digit;
	}
	*val = v;
	return true;
}

/* As the kernel: "07070" then '1' or '2', at any offset. */
static bool is_cpio_header(const uint8_t *buf, uint64_t len, uint64_t pos)
{
	return pos <= len && len - pos >= CPIO_HEADER_SIZE &&
	       !memcmp(buf + pos, "07070", 5) &&
	       (buf[pos + 5] == '1' || buf[pos + 5] == '2');
}

/*
 * Skip the cpio archive at @pos without unpacking it. Return the offset
 * just after its trailer entry, or 0 when the archive is malformed or does
 * not end inside the buffer.
 */
static uint64_t skip_cpio_archive(const uint8_t *buf, uint64_t len,
				  uint64_t pos)
{
	uint32_t filesize, namesize;
	uint64_t name, data, next;

	while (is_cpio_header(buf, len, pos)) {
		if (!cpio_field(buf + pos + CPIO_FILESIZE_AT, &filesize) ||
		    !cpio_field(buf + pos + CPIO_NAMESIZE_AT, &namesize))
			return 0;
		name = pos + CPIO_HEADER_SIZE;
		if (!namesize || namesize > len - name)
			return 0;
		data = align4(name + namesize);
		if (data > len || filesize > len - data)
			return 0;
		next = align4(data + filesize);
		if (namesize == sizeof(CPIO_TRAILER) &&
		    !memcmp(buf + name, CPIO_TRAILER, sizeof(CPIO_TRAILER)))
			return next < len ? next : len;
		pos = next;
	}
	return 0;
}

static bool has_erofs_magic(const uint8_t *buf, uint64_t len, uint64_t pos)
{
	return pos <= len && len - pos >= 4 &&
	       ie_get_le32(buf + pos) == EROFS_MAGIC;
}

const char *ie_initrd_find_image(const uint8_t *buf, uint64_t len,
				 struct ie_initrd_image *loc)
{
	uint64_t segment = 0, pos;
	enum ie_compression c;

	*loc = (struct ie_initrd_image){ 0 };
	while (segment < len) {
		pos = segment;
		while (pos < len && !buf[pos])
			pos++;
		loc->stop = pos;
		if (pos == len)
			break;
		if (is_cpio_header(buf, len, pos)) {
			segment = skip_cpio_archive(buf, len, pos);
			if (!segment)
				return "malformed or truncated cpio archive";
			loc->archives++;
			continue;
		}
		/* The image's zeroed first 1024 bytes were taken as padding. */
		if (pos - segment >= EROFS_SUPER_OFFSET &&
		    has_erofs_magic(buf, len, pos)) {
			loc->offset = pos - EROFS_SUPER_OFFSET;
			return NULL;
		}
		if (has_erofs_magic(buf, len, pos + EROFS_SUPER_OFFSET)) {
			loc->offset = pos;
			return NULL;
		}
		c = ie_compression_detect(buf + pos,
					  len - pos < 8 ? (size_t)(len - pos) : 8);
		return c == IE_COMPRESSION_UNKNOWN ? "unknown data" :
						     ie_compression_name(c);
	}
	loc->stop = len;
	return "end of the cpio archives";
}

int64_t ie_locate_erofs(const uint8_t *data, uint64_t size)
{
	struct ie_initrd_image loc;

	if (ie_initrd_find_image(data, size, &loc))
		return -1;
	return (int64_t)loc.offset;
}
