// SPDX-License-Identifier: GPL-2.0
/*
 * ie_convert(), the wiring `initerofs convert` ships: an early archive kept
 * in front byte for byte, the image at the next 4 KiB boundary, later
 * archives merged as the kernel merges them, the callbacks in their order,
 * and failures that leave nothing behind.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpio_build.h"
#include "initerofs/convert.h"
#include "initerofs/reader.h"

struct fixture {
	char dir[64], in[96], out[96];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/ie-test-convert.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->in, sizeof(f->in), "%s/initrd", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/out", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->in);
	unlink(f->out);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b->p, 1, b->len, fp), b->len);
	assert_int_equal(fclose(fp), 0);
}

struct seen {
	unsigned long segments, warnings, last_nr;
	int prepared;
	int prepare_ret;
};

static void on_warn(void *ctx, const char *msg, unsigned long nr)
{
	struct seen *s = ctx;

	assert_non_null(msg);
	s->warnings++;
	s->last_nr = nr;
}

static void on_segment(void *ctx, const struct ie_segment *seg)
{
	struct seen *s = ctx;

	(void)seg;
	s->segments++;
}

static int on_prepare(void *ctx, struct ie_tree *tree)
{
	struct seen *s = ctx;

	assert_non_null(tree);
	s->prepared++;
	return s->prepare_ret;
}

static void options(struct ie_convert_options *o, struct fixture *f,
		    struct ie_write_options *w, struct seen *s)
{
	memset(o, 0, sizeof(*o));
	ie_write_options_init(w);
	o->input = f->in;
	o->output = f->out;
	o->image = w;
	o->ctx = s;
	o->warn = on_warn;
	o->segment = on_segment;
	o->prepare = on_prepare;
}

/* An archive for the early loader: its directories and one file. */
static void microcode_archive(struct buf *b, const char *name,
			      const char *data)
{
	static const char *const dirs[] = {
		"kernel", "kernel/x86", "kernel/x86/microcode",
	};
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_add(b, &(struct centry){ .name = dirs[i],
					      .mode = S_IFDIR | 0755 });
	cpio_add(b, &(struct centry){ .name = name, .mode = S_IFREG | 0644,
				      .data = data });
	cpio_trailer(b);
}

static void expect_file(struct ie_image *img, const char *path,
			const char *content)
{
	struct ie_rinode ino;
	char *got;

	assert_int_equal(ie_path_resolve(img, path, true, &ino), 0);
	assert_int_equal(ie_file_read_all(img, &ino, 4096, &got), 0);
	assert_string_equal(got, content);
	free(got);
}

static void test_early_prefix_and_merge(void **state)
{
	struct fixture *f = *state;
	struct ie_write_options w;
	struct ie_convert_options o;
	struct ie_convert_result r;
	struct seen s = { 0 };
	struct ie_image *img;
	struct buf b = { 0 };
	size_t early_len;
	struct ie_error err;
	unsigned char *raw;
	FILE *fp;

	/* An early archive, then the main one, then one that overrides. */
	microcode_archive(&b, "kernel/x86/microcode/GenuineIntel.bin", "ucode");
	early_len = b.len;
	buf_align(&b, 512);
	cpio_add(&b, &(struct centry){ .name = "etc", .mode = S_IFDIR | 0755 });
	cpio_add(&b, &(struct centry){ .name = "etc/a", .mode = S_IFREG | 0644, .data = "old" });
	cpio_add(&b, &(struct centry){ .name = "init", .mode = S_IFREG | 0755, .data = "#!/bin/sh\n" });
	cpio_trailer(&b);
	cpio_add(&b, &(struct centry){ .name = "etc/a", .mode = S_IFREG | 0644, .data = "new" });
	cpio_add(&b, &(struct centry){ .name = "no/parent", .mode = S_IFREG | 0644, .data = "x" });
	cpio_trailer(&b);
	write_file(f->in, &b);

	options(&o, f, &w, &s);
	assert_int_equal(ie_convert(&o, &r, &err), 0);
	assert_true(r.written);
	assert_int_equal(r.base % IE_CONVERT_ALIGN, 0);
	assert_true(r.prefix_len >= early_len && r.prefix_len <= r.base);
	assert_int_equal(s.prepared, 1);
	assert_true(s.segments >= 1);
	assert_int_equal(r.segments, s.segments);
	assert_int_equal(s.warnings, 1);	/* no/parent: no parent */
	assert_int_equal(r.dropped, 1);
	assert_int_equal(s.last_nr, 1);

	/* The prefix is the input's bytes; the image follows. */
	raw = malloc(r.prefix_len);
	assert_non_null(raw);
	fp = fopen(f->out, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(raw, 1, r.prefix_len, fp), r.prefix_len);
	fclose(fp);
	assert_memory_equal(raw, b.p, r.prefix_len);
	free(raw);

	assert_int_equal(ie_image_open(f->out, 0, &img, &err), 0);
	assert_int_equal(ie_image_super(img)->base, r.base);
	expect_file(img, "/etc/a", "new");
	expect_file(img, "/init", "#!/bin/sh\n");
	ie_image_close(img);
	buf_free(&b);
}

static void test_no_early_keeps_all_in_image(void **state)
{
	struct fixture *f = *state;
	struct ie_write_options w;
	struct ie_convert_options o;
	struct ie_convert_result r;
	struct seen s = { 0 };
	struct ie_image *img;
	struct buf b = { 0 };
	struct ie_error err;

	microcode_archive(&b, "kernel/x86/microcode/AuthenticAMD.bin", "amd");
	write_file(f->in, &b);

	options(&o, f, &w, &s);
	o.no_early = true;
	assert_int_equal(ie_convert(&o, &r, &err), 0);
	assert_int_equal(r.prefix_len, 0);
	assert_int_equal(r.base, 0);
	assert_int_equal(ie_image_open(f->out, 0, &img, &err), 0);
	expect_file(img, "/kernel/x86/microcode/AuthenticAMD.bin", "amd");
	ie_image_close(img);
	buf_free(&b);
}

static void test_failures_leave_nothing(void **state)
{
	struct fixture *f = *state;
	struct ie_write_options w;
	struct ie_convert_options o;
	struct ie_convert_result r;
	struct seen s = { 0 };
	struct buf b = { 0 };
	struct ie_error err;
	char want[256];
	struct stat st;

	/* Missing input: the message names it. */
	options(&o, f, &w, &s);
	assert_int_equal(ie_convert(&o, &r, &err), -ENOENT);
	snprintf(want, sizeof(want), "cannot open %s: %s", f->in,
		 strerror(ENOENT));
	assert_string_equal(err.msg, want);
	assert_int_not_equal(stat(f->out, &st), 0);

	/* Zeros only: no initramfs. */
	buf_zeros(&b, 1024);
	write_file(f->in, &b);
	assert_true(ie_convert(&o, &r, &err) < 0);
	snprintf(want, sizeof(want),
		 "%s: no initramfs in it (empty, or zero bytes only)", f->in);
	assert_string_equal(err.msg, want);
	assert_int_not_equal(stat(f->out, &st), 0);

	/* The prepare step refuses: it reported, the message is empty. */
	buf_free(&b);
	cpio_add(&b, &(struct centry){ .name = "init", .mode = S_IFREG | 0755, .data = "x" });
	cpio_trailer(&b);
	write_file(f->in, &b);
	s.prepare_ret = 1;
	assert_true(ie_convert(&o, &r, &err) < 0);
	assert_string_equal(err.msg, "");
	assert_false(r.written);
	assert_int_not_equal(stat(f->out, &st), 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_early_prefix_and_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_early_keeps_all_in_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_leave_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
