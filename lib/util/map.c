// SPDX-License-Identifier: GPL-2.0
/* The library's one hash table: see util/map.h. */
#include <errno.h>
#include <stdlib.h>

#include "util/map.h"

#define EMPTY_KEY	UINT64_MAX

static size_t slot_of(uint64_t key, size_t cap)
{
	/* Fibonacci hashing spreads consecutive keys over the table. */
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static int grow(struct ie_map *map)
{
	size_t cap = map->cap ? map->cap * 2 : 1024, i;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	uint32_t *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (i = 0; i < cap; i++)
		keys[i] = EMPTY_KEY;
	for (i = 0; i < map->cap; i++) {
		size_t s;

		if (map->keys[i] == EMPTY_KEY)
			continue;
		for (s = slot_of(map->keys[i], cap); keys[s] != EMPTY_KEY;
		     s = (s + 1) & (cap - 1))
			;
		keys[s] = map->keys[i];
		vals[s] = map->vals[i];
	}
	free(map->keys);
	free(map->vals);
	map->keys = keys;
	map->vals = vals;
	map->cap = cap;
	return 0;
}

uint32_t *ie_map_slot(struct ie_map *map, uint64_t key, bool *added)
{
	size_t s;

	*added = false;
	if (key == EMPTY_KEY)
		return NULL;
	if ((map->count + 1) * 2 > map->cap && grow(map))
		return NULL;
	for (s = slot_of(key, map->cap); map->keys[s] != EMPTY_KEY;
	     s = (s + 1) & (map->cap - 1))
		if (map->keys[s] == key)
			return &map->vals[s];
	map->keys[s] = key;
	map->vals[s] = 0;
	map->count++;
	*added = true;
	return &map->vals[s];
}

uint32_t *ie_map_find(const struct ie_map *map, uint64_t key)
{
	size_t s;

	if (!map->cap)
		return NULL;
	for (s = slot_of(key, map->cap); map->keys[s] != EMPTY_KEY;
	     s = (s + 1) & (map->cap - 1))
		if (map->keys[s] == key)
			return &map->vals[s];
	return NULL;
}

bool ie_map_at(const struct ie_map *map, size_t i, uint64_t *key,
		  uint32_t *val)
{
	if (i >= map->cap || map->keys[i] == EMPTY_KEY)
		return false;
	*key = map->keys[i];
	*val = map->vals[i];
	return true;
}

void ie_map_free(struct ie_map *map)
{
	free(map->keys);
	free(map->vals);
	*map = (struct ie_map){ 0 };
}
