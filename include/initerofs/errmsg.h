/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error messages in caller-supplied buffers.
 *
 * The cpio, decompression and initrd code report failures as complete
 * sentences with their location ("gzip stream at offset 512: ...") in
 * fixed-size buffers. A message that does not fit is cut, which is better
 * than no message; ie_errmsg() says so to the compiler once, instead of
 * every snprintf() call site tripping -Wformat-truncation.
 */
#ifndef INITEROFS_ERRMSG_H
#define INITEROFS_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define IE_ERR_MAX 512

__attribute__((format(printf, 3, 4)))
static inline void ie_errmsg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

#endif /* INITEROFS_ERRMSG_H */
