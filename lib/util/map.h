/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library's one hash table (private to lib/): a 64-bit key (a nid, a
 * pointer, an inode number) to a 32-bit value, usually 1 + an index into
 * the caller's array, 0 meaning "just added". Open addressing with linear
 * probing and Fibonacci hashing, grown at half full: consecutive keys
 * spread, and walks of 50 000-entry directories stay linear.
 * Zero-initialise a struct ie_map; UINT64_MAX cannot be a key.
 */
#ifndef INITEROFS_UTIL_MAP_H
#define INITEROFS_UTIL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ie_map {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, count;
};

/**
 * ie_map_slot() - the value slot of @key, added (as 0) when missing.
 * Return: the slot, or NULL when out of memory or @key is UINT64_MAX.
 */
uint32_t *ie_map_slot(struct ie_map *map, uint64_t key, bool *added);

/** ie_map_find() - the value slot of @key, or NULL when absent. */
uint32_t *ie_map_find(const struct ie_map *map, uint64_t key);

/** ie_map_ptr_key() - the key of a pointer. */
static inline uint64_t ie_map_ptr_key(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * Keys for contents (names, xattrs): FNV-1a steps over @len bytes at @p,
 * continuing from @h (IE_HASH_INIT, the library's basis, to start); ie_map_hash_key() makes the
 * result a valid key. Equal hashes are not equal contents: callers chain
 * the entries of one key and compare.
 */
#define IE_HASH_INIT	1469598103934665603ull

static inline uint64_t ie_hash_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static inline uint64_t ie_map_hash_key(uint64_t h)
{
	return h == UINT64_MAX ? 0 : h;
}

/** ie_map_at() - slot @i of the table (for iteration up to map->cap). */
bool ie_map_at(const struct ie_map *map, size_t i, uint64_t *key,
	       uint32_t *val);

/** ie_map_free() - free the table; @map is empty (and reusable) after. */
void ie_map_free(struct ie_map *map);

#endif /* INITEROFS_UTIL_MAP_H */
