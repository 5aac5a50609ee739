/* SPDX-License-Identifier: GPL-2.0 */
/* The library's one growable-array helper (private to lib/). */
#ifndef INITEROFS_UTIL_ARRAY_H
#define INITEROFS_UTIL_ARRAY_H

#include <stddef.h>

/**
 * ie_reserve() - make room for @need elements of @elem bytes in the growable
 * array *@buf of *@cap elements (doubling, from 64).
 * Return: 0 or -ENOMEM (also on size overflow; the array is left as it was).
 */
int ie_reserve(void **buf, size_t *cap, size_t need, size_t elem);

#endif /* INITEROFS_UTIL_ARRAY_H */
