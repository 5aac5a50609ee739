// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the EROFS image inside an initrd file.
 *
 * A distribution initrd usually starts with an uncompressed cpio holding
 * CPU microcode (the kernel's early loader insists it comes first), so the
 * EROFS image is not always at offset 0. We walk the leading uncompressed
 * newc/crc cpio archives and the zero padding after them, as the kernel's
 * initrd scanner does, and look for the superblock magic 1024 bytes after
 * each candidate start. As a last resort every 4 KiB boundary is tried,
 * which covers prefixes we cannot walk (a compressed early archive).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "initerofs/reader.h"

#define CPIO_HEADER_SIZE	110
#define CPIO_FIELDS_AT		6
#define CPIO_FIELD_LEN		8
#define CPIO_FIELD_FILESIZE	6
#define CPIO_FIELD_NAMESIZE	11

static bool has_magic_at(const uint8_t *data, uint64_t size, uint64_t start)
{
	uint64_t pos = start + EROFS_SUPER_OFFSET;

	return pos <= size && size - pos >= 4 &&
	       ie_get_le32(data + pos) == EROFS_MAGIC;
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

/* One 8-digit hex header field; false when a digit is not hex. */
static bool cpio_field(const uint8_t *hdr, unsigned int index, uint32_t *val)
{
	const uint8_t *p = hdr + CPIO_FIELDS_AT + index * CPIO_FIELD_LEN;
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < CPIO_FIELD_LEN; i++) {
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

static bool is_cpio_header(const uint8_t *data, uint64_t size, uint64_t pos)
{
	return size - pos >= CPIO_HEADER_SIZE &&
	       (!memcmp(data + pos, "070701", 6) ||
		!memcmp(data + pos, "070702", 6));
}

/*
 * Skip one cpio entry at @pos. Return the offset after it (4-aligned), or 0
 * when the header is malformed or runs past the end. *trailer is set when
 * the entry was the archive's TRAILER!!!.
 */
static uint64_t cpio_skip_entry(const uint8_t *data, uint64_t size,
				uint64_t pos, bool *trailer)
{
	const uint8_t *hdr = data + pos;
	uint32_t namesize, filesize;
	uint64_t name, end;

	if (!cpio_field(hdr, CPIO_FIELD_NAMESIZE, &namesize) ||
	    !cpio_field(hdr, CPIO_FIELD_FILESIZE, &filesize) || !namesize)
		return 0;
	name = pos + CPIO_HEADER_SIZE;
	if (size - name < namesize)
		return 0;
	*trailer = namesize == sizeof("TRAILER!!!") &&
		   !memcmp(data + name, "TRAILER!!!", namesize);
	end = align4(name + namesize);
	if (end > size || size - end < filesize)
		return 0;
	end = align4(end + filesize);
	return end <= size ? end : size;
}

/*
 * Skip every entry of consecutive cpio archives starting at @pos and
 * return where the walk stopped (where something that is not a cpio
 * header, or zero padding, begins).
 */
static uint64_t cpio_skip_archives(const uint8_t *data, uint64_t size,
				   uint64_t pos)
{
	while (pos < size) {
		uint64_t zeros = pos, next;
		bool trailer = false;

		while (zeros + 4 <= size && !ie_get_le32(data + zeros))
			zeros += 4;
		if (!is_cpio_header(data, size, zeros))
			return pos;
		next = cpio_skip_entry(data, size, zeros, &trailer);
		if (!next)
			return pos;
		pos = next;
	}
	return pos;
}

/*
 * After the cpio archives come zero bytes: the padding and then, usually,
 * the image's own zeroed first 1024 bytes. The image may start at any
 * 4-byte aligned point of that run (GRUB and systemd-stub pad to 4).
 */
static int64_t search_zero_run(const uint8_t *data, uint64_t size,
			       uint64_t pos)
{
	for (;;) {
		if (has_magic_at(data, size, pos))
			return (int64_t)pos;
		if (pos + 4 > size || ie_get_le32(data + pos))
			return -1;
		pos += 4;
	}
}

int64_t ie_locate_erofs(const uint8_t *data, uint64_t size)
{
	uint64_t end, pos;
	int64_t found;

	if (has_magic_at(data, size, 0))
		return 0;
	if (!is_cpio_header(data, size, 0))
		goto scan;
	end = cpio_skip_archives(data, size, 0);
	found = search_zero_run(data, size, end);
	if (found >= 0)
		return found;
scan:
	for (pos = 4096; pos + EROFS_SUPER_OFFSET + 4 <= size; pos += 4096)
		if (has_magic_at(data, size, pos))
			return (int64_t)pos;
	return -1;
}
