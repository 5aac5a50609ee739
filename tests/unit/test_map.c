// SPDX-License-Identifier: GPL-2.0
/*
 * The library's one hash table (lib/util/map.h, private to lib/, hence
 * the relative include): many keys, pointer keys, the reserved key,
 * iteration, reuse after free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../lib/util/map.h"

static void test_map_many_keys(void **state)
{
	struct ie_map map = { 0 };
	uint64_t key, i;
	uint32_t *slot, val;
	size_t seen = 0;
	bool added;

	(void)state;
	for (i = 0; i < 100000; i++) {
		slot = ie_map_slot(&map, i * 37, &added);
		assert_non_null(slot);
		assert_true(added);
		*slot = (uint32_t)i + 1;
	}
	slot = ie_map_slot(&map, 37, &added);
	assert_false(added);
	assert_int_equal(*slot, 2);
	for (i = 0; i < 100000; i++)
		assert_int_equal(*ie_map_find(&map, i * 37), i + 1);
	assert_null(ie_map_find(&map, 38));
	assert_null(ie_map_slot(&map, UINT64_MAX, &added));
	for (i = 0; i < map.cap; i++)
		if (ie_map_at(&map, i, &key, &val))
			seen++;
	assert_int_equal(seen, 100000);
	ie_map_free(&map);
}

/* Pointers as keys: neighbours in memory stay distinct keys. */
static void test_map_pointer_keys(void **state)
{
	static char objs[4096];
	struct ie_map map = { 0 };
	uint32_t *slot;
	bool added;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(objs); i++) {
		slot = ie_map_slot(&map, ie_map_ptr_key(&objs[i]), &added);
		assert_non_null(slot);
		assert_true(added);
		*slot = (uint32_t)i + 1;
	}
	assert_int_equal(map.count, sizeof(objs));
	for (i = 0; i < sizeof(objs); i++)
		assert_int_equal(*ie_map_find(&map, ie_map_ptr_key(&objs[i])),
				 i + 1);
	ie_map_free(&map);
	assert_int_equal(map.count, 0);
	assert_null(ie_map_find(&map, ie_map_ptr_key(&objs[0])));
	/* Usable again after ie_map_free(). */
	slot = ie_map_slot(&map, 0, &added);
	assert_non_null(slot);
	assert_true(added);
	assert_int_equal(*slot, 0);
	ie_map_free(&map);
}

/* An empty map finds nothing and iterates over nothing. */
static void test_map_empty(void **state)
{
	struct ie_map map = { 0 };
	uint64_t key;
	uint32_t val;

	(void)state;
	assert_null(ie_map_find(&map, 0));
	assert_false(ie_map_at(&map, 0, &key, &val));
	ie_map_free(&map);
}

/* FNV-1a steps, continued piecewise; never the empty key. */
static void test_hash_bytes(void **state)
{
	uint64_t h;

	(void)state;
	assert_int_equal(ie_hash_bytes(IE_HASH_INIT, "", 0), IE_HASH_INIT);
	assert_int_equal(ie_hash_bytes(IE_HASH_INIT, "a", 1),
			 (IE_HASH_INIT ^ 'a') * 1099511628211ull);
	h = ie_hash_bytes(IE_HASH_INIT, "foo", 3);
	assert_int_equal(ie_hash_bytes(ie_hash_bytes(IE_HASH_INIT, "f", 1),
				       "oo", 2), h);
	assert_true(h != ie_hash_bytes(IE_HASH_INIT, "oof", 3));
	assert_int_equal(ie_map_hash_key(UINT64_MAX), 0);
	assert_int_equal(ie_map_hash_key(h), h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_many_keys),
		cmocka_unit_test(test_map_pointer_keys),
		cmocka_unit_test(test_map_empty),
		cmocka_unit_test(test_hash_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
