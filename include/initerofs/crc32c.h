/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC32C (Castagnoli), the checksum of the EROFS superblock.
 *
 * ie_crc32c() updates a raw CRC register without the customary pre- and
 * post-inversion, which is how the kernel's crc32c() behaves and how EROFS
 * uses it: the superblock checksum is ie_crc32c(~0, ...). The conventional
 * CRC-32C of a buffer is ~ie_crc32c(~0, buf, len).
 */
#ifndef INITEROFS_CRC32C_H
#define INITEROFS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t ie_crc32c(uint32_t crc, const void *buf, size_t len);

#endif /* INITEROFS_CRC32C_H */
