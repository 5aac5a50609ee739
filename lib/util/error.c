// SPDX-License-Identifier: GPL-2.0
/* The error record (include/initerofs/error.h). */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "initerofs/error.h"

static int vfail(struct ie_error *e, int err, bool has_offset,
		 uint64_t offset, const char *fmt, va_list ap)
{
	if (!e)
		return err;
	e->err = err;
	e->has_offset = has_offset;
	e->offset = offset;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return err;
}

int ie_vfail(struct ie_error *e, int err, const char *fmt, va_list ap)
{
	return vfail(e, err, false, 0, fmt, ap);
}

int ie_fail(struct ie_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = vfail(e, err, false, 0, fmt, ap);
	va_end(ap);
	return err;
}

int ie_fail_at(struct ie_error *e, int err, uint64_t offset,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = vfail(e, err, true, offset, fmt, ap);
	va_end(ap);
	return err;
}

int ie_error_prefix(struct ie_error *e, const char *what)
{
	size_t max = sizeof(e->msg) - 1, pre, len;

	if (!e)
		return 0;
	if (e->msg[0]) {
		pre = strlen(what) + 2;
		if (pre > max)
			pre = max;
		len = strlen(e->msg);
		if (len > max - pre)
			len = max - pre;
		memmove(e->msg + pre, e->msg, len);
		e->msg[pre + len] = '\0';
		memcpy(e->msg, what, pre >= 2 ? pre - 2 : pre);
		if (pre >= 2)
			memcpy(e->msg + pre - 2, ": ", 2);
	}
	return e->err;
}

int ie_error_copy(struct ie_error *dst, const struct ie_error *src)
{
	int err = src->err < 0 ? src->err : -EIO;

	if (dst && dst != src) {
		*dst = *src;
		dst->err = err;
	}
	return err;
}

void ie_error_clear(struct ie_error *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

void ie_error_print(FILE *f, const char *prog, const struct ie_error *e,
		    int ret)
{
	if (e && e->msg[0])
		fprintf(f, "%s: %s\n", prog, e->msg);
	else if (!e || !e->err)
		fprintf(f, "%s: %s\n", prog, strerror(ret < 0 ? -ret : EIO));
}
