/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The format decoders' way to fail: a one-line reason in the caller's
 * buffer (which may be NULL) and an errno to return, in one statement.
 */
#ifndef INITEROFS_LIB_FAIL_H
#define INITEROFS_LIB_FAIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

__attribute__((format(printf, 4, 5)))
static inline int ie_fail(char *err, size_t errlen, int code,
			  const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

#endif /* INITEROFS_LIB_FAIL_H */
