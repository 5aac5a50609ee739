/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library's one error convention.
 *
 * A function that can fail returns 0 (or a count) on success and a
 * negative errno on failure, and fills the caller's struct ie_error: the
 * same errno, a complete one-line message that names where (the byte
 * offset in the input, or the path), and the offset again as a number when
 * there is one. The caller may pass NULL when it wants no message.
 *
 * A layer that wraps a lower layer's failure prefixes the input or output
 * it is about (ie_error_prefix()), never re-words it. An empty message with
 * a failure means "already reported" (a callback printed it). The programs
 * print the record one way: ie_error_print().
 */
#ifndef INITEROFS_ERROR_H
#define INITEROFS_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define IE_ERR_MAX 512

struct ie_error {
	int err;		/* the negative errno returned; 0: none yet */
	bool has_offset;	/* offset is meaningful */
	uint64_t offset;	/* byte offset in the input the failure is at */
	char msg[IE_ERR_MAX];	/* the message, cut if longer */
};

/**
 * ie_fail() - record a failure in @e (which may be NULL).
 * @e:		the caller's error record
 * @err:	the negative errno the failing function returns
 * @fmt:	the message (printf format)
 *
 * Return: @err, so that a failure is one statement: return ie_fail(...).
 */
__attribute__((format(printf, 3, 4)))
int ie_fail(struct ie_error *e, int err, const char *fmt, ...);

/** ie_vfail() - ie_fail() with a va_list, for a layer's own helper. */
int ie_vfail(struct ie_error *e, int err, const char *fmt, va_list ap);

/**
 * ie_fail_at() - ie_fail() for a failure at byte @offset of the input.
 * The message still says where itself; @offset is for callers that act
 * on it.
 */
__attribute__((format(printf, 4, 5)))
int ie_fail_at(struct ie_error *e, int err, uint64_t offset,
	       const char *fmt, ...);

/**
 * ie_error_prefix() - put "@what: " in front of @e's message (when there
 * is one), for a layer that reports which input or output failed.
 * Return: @e->err.
 */
int ie_error_prefix(struct ie_error *e, const char *what);

/**
 * ie_error_copy() - pass a lower layer's record @src up into @dst (which
 * may be NULL). Return: @src->err, or -EIO when @src holds no errno.
 */
int ie_error_copy(struct ie_error *dst, const struct ie_error *src);

/** ie_error_clear() - empty @e (no failure, no message). */
void ie_error_clear(struct ie_error *e);

/**
 * ie_error_print() - how the programs report a failure: "@prog: message"
 * and a newline on @f; nothing when @e was filled with an empty message
 * (already reported); strerror(-@ret) when nothing filled @e.
 */
void ie_error_print(FILE *f, const char *prog, const struct ie_error *e,
		    int ret);

#endif /* INITEROFS_ERROR_H */
