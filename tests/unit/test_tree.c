// SPDX-License-Identifier: GPL-2.0
/*
 * The shared tree: links, replacement (later entries win), link counts,
 * lookups through big directories, mkdir -p, xattrs; ASan checks that
 * replaced and unlinked inodes are freed exactly once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "initerofs/tree.h"

static void test_link_and_counts(void **state)
{
	struct ie_tree *t = ie_tree_new();
	struct ie_inode *d = ie_inode_new(S_IFDIR | 0755);
	struct ie_inode *f = ie_inode_new(S_IFREG | 0644);

	(void)state;
	assert_int_equal(t->root->nlink, 2);
	assert_int_equal(ie_dir_link(t->root, "d", d), 0);
	assert_int_equal(t->root->nlink, 3);	/* d's ".." */
	assert_int_equal(d->nlink, 2);
	assert_ptr_equal(d->parent, t->root);
	assert_int_equal(ie_dir_link(d, "f", f), 0);
	assert_int_equal(ie_dir_link(t->root, "hard", f), 0);
	assert_int_equal(f->nlink, 2);
	assert_ptr_equal(ie_tree_lookup(t, "/d/f"), f);
	assert_ptr_equal(ie_tree_lookup(t, "d/../hard"), f);
	assert_ptr_equal(ie_tree_lookup(t, "."), t->root);
	assert_null(ie_tree_lookup(t, "/d/missing"));
	/* A directory cannot get a second name. */
	assert_int_equal(ie_dir_link(t->root, "again", d), -EINVAL);
	assert_int_equal(ie_dir_unlink(t->root, "hard"), 0);
	assert_int_equal(f->nlink, 1);
	assert_int_equal(ie_dir_unlink(t->root, "d"), 0);	/* frees d and f */
	assert_int_equal(t->root->nlink, 2);
	assert_int_equal(ie_dir_unlink(t->root, "d"), -ENOENT);
	ie_tree_free(t);
}

static void test_bad_names(void **state)
{
	struct ie_tree *t = ie_tree_new();
	struct ie_inode *f = ie_inode_new(S_IFREG);
	char long_name[257];

	(void)state;
	memset(long_name, 'x', 256);
	long_name[256] = '\0';
	assert_int_equal(ie_dir_link(t->root, "", f), -EINVAL);
	assert_int_equal(ie_dir_link(t->root, ".", f), -EINVAL);
	assert_int_equal(ie_dir_link(t->root, "..", f), -EINVAL);
	assert_int_equal(ie_dir_link(t->root, "a/b", f), -EINVAL);
	assert_int_equal(ie_dir_link(t->root, long_name, f), -EINVAL);
	long_name[255] = '\0';
	assert_int_equal(ie_dir_link(t->root, long_name, f), 0);
	ie_tree_free(t);
}

/* Later entries win: the old inode (and its subtree) goes away. */
static void test_replace(void **state)
{
	struct ie_tree *t = ie_tree_new();
	struct ie_inode *old = ie_inode_new(S_IFDIR | 0755);
	struct ie_inode *child = ie_inode_new(S_IFREG);
	struct ie_inode *new = ie_inode_new(S_IFREG | 0600);

	(void)state;
	assert_int_equal(ie_dir_link(t->root, "x", old), 0);
	assert_int_equal(ie_dir_link(old, "c", child), 0);
	assert_int_equal(ie_dir_link(t->root, "x", new), 0);
	assert_ptr_equal(ie_tree_lookup(t, "x"), new);
	assert_int_equal(t->root->nlink, 2);
	assert_int_equal(t->root->nr_children, 1);
	ie_tree_free(t);
}

/* 50 000 names in one directory: lookups stay right through the hash. */
static void test_big_directory(void **state)
{
	struct ie_tree *t = ie_tree_new();
	char name[32];
	int i;

	(void)state;
	for (i = 0; i < 50000; i++) {
		struct ie_inode *f = ie_inode_new(S_IFREG);

		snprintf(name, sizeof(name), "file-%05d", i);
		f->size = (uint64_t)i;
		assert_int_equal(ie_dir_link(t->root, name, f), 0);
	}
	assert_int_equal(ie_dir_unlink(t->root, "file-00010"), 0);
	for (i = 0; i < 50000; i++) {
		struct ie_dentry *d;

		snprintf(name, sizeof(name), "file-%05d", i);
		d = ie_dir_lookup(t->root, name);
		if (i == 10) {
			assert_null(d);
			continue;
		}
		assert_non_null(d);
		assert_int_equal(d->inode->size, (uint64_t)i);
	}
	ie_tree_free(t);
}

static void test_mkdir_p(void **state)
{
	struct ie_tree *t = ie_tree_new();
	struct ie_inode *d, *f = ie_inode_new(S_IFREG);

	(void)state;
	d = ie_tree_mkdir_p(t, "/a/b/c", 77);
	assert_non_null(d);
	assert_int_equal(d->mtime, 77);
	assert_int_equal(d->mode, S_IFDIR | 0755);
	assert_ptr_equal(ie_tree_mkdir_p(t, "a//b/./c/", 0), d);
	assert_int_equal(ie_dir_link(d, "f", f), 0);
	errno = 0;
	assert_null(ie_tree_mkdir_p(t, "/a/b/c/f/g", 0));
	assert_int_equal(errno, ENOTDIR);
	assert_null(ie_tree_mkdir_p(t, "/a/../x", 0));
	assert_int_equal(errno, EINVAL);
	ie_tree_free(t);
}

static void test_xattrs(void **state)
{
	struct ie_inode *f = ie_inode_new(S_IFREG);

	(void)state;
	assert_int_equal(ie_xattr_set(f, "user.a", "1", 1), 0);
	assert_int_equal(ie_xattr_set(f, "user.b", "", 0), 0);
	assert_int_equal(ie_xattr_set(f, "user.a", "22", 2), 0);
	assert_int_equal(f->nr_xattrs, 2);
	assert_int_equal(f->xattrs[0].value_len, 2);
	assert_memory_equal(f->xattrs[0].value, "22", 2);
	ie_inode_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_and_counts),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_big_directory),
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_xattrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
