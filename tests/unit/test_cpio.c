// SPDX-License-Identifier: GPL-2.0
/*
 * The cpio reader and the initrd scanner: what they accept, and the exact
 * message and offset of what they refuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "initerofs/cpio.h"
#include "initerofs/initrd.h"
#include "cpio_build.h"

/* ---- a scan that records what it saw ---------------------------------------- */

struct seen {
	char names[64][256];
	char data[64][64];
	size_t nr;
	size_t segments;
	enum ie_compression last_compression;
	uint64_t trailer_ends[8];
	size_t nr_trailers;
};

static int data_sink(void *ctx, const unsigned char *p, size_t len)
{
	char *dst = ctx;

	strncat(dst, (const char *)p, len);
	return 0;
}

static int seen_entry(void *ctx, const struct ie_segment *seg,
		      struct ie_cpio_reader *r)
{
	struct seen *s = ctx;

	(void)seg;
	if (s->nr < 64) {
		snprintf(s->names[s->nr], sizeof(s->names[0]), "%.255s", r->name);
		s->data[s->nr][0] = '\0';
		if (S_ISREG(ie_cpio_mode(r)) && ie_cpio_filesize(r) < 60 &&
		    ie_cpio_read_data(r, data_sink, s->data[s->nr]))
			return -1;
		s->nr++;
	}
	return 0;
}

static int seen_segment(void *ctx, const struct ie_segment *seg, struct ie_error *err)
{
	struct seen *s = ctx;

	(void)err;
	s->segments++;
	s->last_compression = seg->compression;
	return 0;
}

static int seen_trailer(void *ctx, const struct ie_segment *seg, uint64_t end,
			struct ie_cpio_reader *r)
{
	struct seen *s = ctx;

	(void)seg, (void)r;
	if (s->nr_trailers < 8)
		s->trailer_ends[s->nr_trailers++] = end;
	return 0;
}

static const struct ie_initrd_ops seen_ops = {
	.segment = seen_segment,
	.entry = seen_entry,
	.trailer = seen_trailer,
};

/* Scan @b; return the scanner's result, the message in @err. */
static int scan(const struct buf *b, struct seen *s, struct ie_error *err)
{
	struct ie_stream in;
	int ret;

	memset(s, 0, sizeof(*s));
	ie_error_clear(err);
	assert_int_equal(ie_stream_init_mem(&in, b->p, b->len), 0);
	ret = ie_initrd_scan(&in, &seen_ops, s, err);
	ie_stream_fini(&in);
	return ret;
}

static void assert_scan_fails(const struct buf *b, const char *expect)
{
	struct seen s;
	struct ie_error err;

	assert_int_equal(scan(b, &s, &err), -EINVAL);
	if (!strstr(err.msg, expect))
		fail_msg("expected \"%s\" in \"%s\"", expect, err.msg);
}

static void simple_archive(struct buf *b)
{
	struct centry dir = { .name = "etc", .mode = S_IFDIR | 0755 };
	struct centry file = { .name = "etc/hello", .mode = S_IFREG | 0644,
			       .data = "hello\n" };

	cpio_add(b, &dir);
	cpio_add(b, &file);
	cpio_trailer(b);
}

/* ---- header fields ---------------------------------------------------------- */

/* Parse the header at the start of @b; @err gets the message. */
static int parse(const struct buf *b, struct ie_cpio_header *h, size_t *bad,
		 struct ie_error *err)
{
	return ie_cpio_parse_header(b->p, h, bad, err);
}

/* A buffer holding one regular file's entry named "x". */
static struct buf one_entry(void)
{
	struct centry e = { .name = "x", .mode = S_IFREG | 0644, .data = "1" };
	struct buf b = { 0 };

	cpio_add(&b, &e);
	return b;
}

static void test_header_fields(void **state)
{
	struct centry e = { .name = "dev/console", .mode = S_IFCHR | 0600,
			    .uid = 0x12345678, .gid = 7, .mtime = 0xdeadbeef,
			    .ino = 42, .rdevmajor = 5, .rdevminor = 1 };
	struct ie_cpio_header h;
	struct buf b = { 0 };
	struct ie_error err;
	size_t bad;

	(void)state;
	cpio_add(&b, &e);
	assert_int_equal(parse(&b, &h, &bad, &err), 0);
	assert_false(h.crc);
	assert_int_equal(h.field[IE_CPIO_INO], 42);
	assert_int_equal(h.field[IE_CPIO_MODE], S_IFCHR | 0600);
	assert_int_equal(h.field[IE_CPIO_UID], 0x12345678);
	assert_int_equal(h.field[IE_CPIO_GID], 7);
	assert_int_equal(h.field[IE_CPIO_MTIME], 0xdeadbeef);
	assert_int_equal(h.field[IE_CPIO_RDEVMAJOR], 5);
	assert_int_equal(h.field[IE_CPIO_RDEVMINOR], 1);
	assert_int_equal(h.field[IE_CPIO_NAMESIZE], 12);
	/* Lower-case hex is as good as upper-case. */
	memcpy(b.p + 6, "0000002a", 8);
	assert_int_equal(parse(&b, &h, &bad, &err), 0);
	assert_int_equal(h.field[IE_CPIO_INO], 42);
	buf_free(&b);
}

static void test_header_not_hex(void **state)
{
	struct ie_cpio_header h;
	struct buf b = one_entry();
	struct ie_error err;
	size_t bad;

	(void)state;
	/* The kernel's simple_strtoul() would stop at 'g' and read 0x123. */
	memcpy(b.p + 6 + 8 * IE_CPIO_FILESIZE, "00000123", 8);
	b.p[6 + 8 * IE_CPIO_FILESIZE + 3] = 'g';
	assert_int_equal(parse(&b, &h, &bad, &err), -EINVAL);
	assert_int_equal(bad, 6 + 8 * IE_CPIO_FILESIZE + 3);
	assert_non_null(strstr(err.msg, "field filesize is not 8 hex digits"));
	/* A space, as some writers pad with, is not hex either. */
	b.p[6 + 8 * IE_CPIO_FILESIZE + 3] = ' ';
	assert_int_equal(parse(&b, &h, &bad, &err), -EINVAL);
	buf_free(&b);
}

static void test_header_magic(void **state)
{
	struct ie_cpio_header h;
	struct buf b = one_entry();
	struct ie_error err;
	size_t bad;

	(void)state;
	memcpy(b.p, "070707", 6);
	assert_int_equal(parse(&b, &h, &bad, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "odc"));
	memcpy(b.p, "070703", 6);
	assert_int_equal(parse(&b, &h, &bad, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no cpio magic"));
	memcpy(b.p, "070702", 6);
	assert_int_equal(parse(&b, &h, &bad, &err), 0);
	assert_true(h.crc);
	buf_free(&b);
}

static void test_namesize_range(void **state)
{
	struct ie_cpio_header h;
	struct buf b = one_entry();
	struct ie_error err;
	size_t bad;

	(void)state;
	memcpy(b.p + 6 + 8 * IE_CPIO_NAMESIZE, "00000000", 8);
	assert_int_equal(parse(&b, &h, &bad, &err), -EINVAL);
	memcpy(b.p + 6 + 8 * IE_CPIO_NAMESIZE, "00001000", 8);	/* 4096 */
	assert_int_equal(parse(&b, &h, &bad, &err), 0);
	memcpy(b.p + 6 + 8 * IE_CPIO_NAMESIZE, "00001001", 8);
	assert_int_equal(parse(&b, &h, &bad, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "PATH_MAX"));
	buf_free(&b);
}

static void test_names(void **state)
{
	struct ie_error err;
	size_t bad;

	(void)state;
	assert_int_equal(ie_cpio_check_name("a/b", 4, &bad, &err), 0);
	assert_int_equal(ie_cpio_check_name("..a/b..c/...", 13, &bad, &err), 0);
	assert_int_equal(ie_cpio_check_name("abc", 3, &bad, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not NUL-terminated"));
	assert_int_equal(bad, 2);
	assert_int_equal(ie_cpio_check_name("a\0b", 4, &bad, &err), -EINVAL);
	assert_int_equal(bad, 1);
	assert_int_equal(ie_cpio_check_name("", 1, &bad, &err), -EINVAL);
	assert_int_equal(ie_cpio_check_name("a/../b", 7, &bad, &err), -EINVAL);
	assert_int_equal(bad, 2);
	assert_non_null(strstr(err.msg, "\"..\" component"));
	assert_int_equal(ie_cpio_check_name("..", 3, &bad, &err), -EINVAL);
	assert_int_equal(ie_cpio_check_name("a/..", 5, &bad, &err), -EINVAL);
	assert_int_equal(ie_cpio_check_name("/../x", 6, &bad, &err), -EINVAL);
}

/* ---- the scanner ------------------------------------------------------------ */

static void test_scan_simple(void **state)
{
	struct buf b = { 0 };
	struct seen s;
	struct ie_error err;

	(void)state;
	simple_archive(&b);
	assert_int_equal(scan(&b, &s, &err), 0);
	assert_int_equal(s.nr, 3);
	assert_string_equal(s.names[0], "etc");
	assert_string_equal(s.names[1], "etc/hello");
	assert_string_equal(s.data[1], "hello\n");
	assert_string_equal(s.names[2], "TRAILER!!!");
	assert_int_equal(s.segments, 1);
	assert_int_equal(s.nr_trailers, 1);
	assert_int_equal(s.trailer_ends[0], b.len);
	buf_free(&b);
}

static void test_scan_several_archives(void **state)
{
	struct centry f = { .name = "second", .mode = S_IFREG | 0600, .data = "2" };
	struct buf b = { 0 };
	struct seen s;
	struct ie_error err;

	(void)state;
	simple_archive(&b);
	buf_zeros(&b, 512);		/* cpio's block padding */
	cpio_add(&b, &f);
	cpio_trailer(&b);
	buf_zeros(&b, 4);		/* GRUB's padding */
	simple_archive(&b);
	assert_int_equal(scan(&b, &s, &err), 0);
	assert_int_equal(s.nr, 8);
	assert_string_equal(s.names[3], "second");
	assert_string_equal(s.data[3], "2");
	assert_int_equal(s.nr_trailers, 3);
	/* Uncompressed archives back to back are one segment. */
	assert_int_equal(s.segments, 1);
	buf_free(&b);
}

static void test_scan_crc(void **state)
{
	struct centry good = { .name = "good", .mode = S_IFREG | 0644,
			       .data = "checked", .crc = true };
	struct centry bad = { .name = "bad", .mode = S_IFREG | 0644,
			      .data = "checked", .bad_sum = true };
	struct buf b = { 0 };
	struct seen s;
	struct ie_error err;

	(void)state;
	cpio_add(&b, &good);
	cpio_trailer(&b);
	assert_int_equal(scan(&b, &s, &err), 0);
	buf_free(&b);

	cpio_add(&b, &good);
	cpio_add(&b, &bad);
	cpio_trailer(&b);
	/* The second header is at 124: the checksum field at 124 + 102. */
	assert_scan_fails(&b, "offset 226: \"bad\": data checksum");
	buf_free(&b);
}

static void test_scan_truncated(void **state)
{
	struct buf b = { 0 };
	size_t full;

	(void)state;
	simple_archive(&b);
	full = b.len;
	/* Inside the data of etc/hello: header at 116, data at 236. */
	b.len = 239;
	assert_scan_fails(&b, "offset 239: truncated: the input ends inside the data of the entry at offset 116");
	/* Only the padding after the last data is missing: no trailer. */
	b.len = 243;
	assert_scan_fails(&b, "no TRAILER!!!");
	b.len = 150;
	assert_scan_fails(&b, "offset 116: truncated: the input ends inside the header");
	b.len = 230;
	assert_scan_fails(&b, "inside the name of the entry at offset 116");
	/* Cut exactly between entries: only the missing trailer tells. */
	b.len = full - 124;
	assert_scan_fails(&b, "has no TRAILER!!! before the end of the input");
	buf_free(&b);
}

static void test_scan_bad_name(void **state)
{
	struct centry nonul = { .name = "abc", .mode = S_IFREG | 0644,
				.no_nul = true };
	struct centry dotdot = { .name = "etc/../../root", .mode = S_IFREG | 0644 };
	struct centry ok = { .name = "ok", .mode = S_IFREG | 0644 };
	struct buf b = { 0 };

	(void)state;
	cpio_add(&b, &ok);
	cpio_add(&b, &nonul);
	cpio_trailer(&b);
	/* Second header at 116, its name at 226, the NUL missing at 228. */
	assert_scan_fails(&b, "offset 228: name \"abc\" is not NUL-terminated");
	buf_free(&b);

	cpio_add(&b, &dotdot);
	cpio_trailer(&b);
	assert_scan_fails(&b, "offset 114: name \"etc/../../root\" has a \"..\" component");
	buf_free(&b);
}

static void test_scan_long_name(void **state)
{
	char name[5000];
	struct centry e = { .name = name, .mode = S_IFREG | 0644 };
	struct buf b = { 0 };

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cpio_add(&b, &e);
	cpio_trailer(&b);
	assert_scan_fails(&b, "offset 94: namesize 5000 is out of range");
	buf_free(&b);
}

static void test_scan_size_beyond_end(void **state)
{
	struct centry e = { .name = "big", .mode = S_IFREG | 0644, .data = "abcd" };
	struct buf b = { 0 };

	(void)state;
	cpio_add(&b, &e);
	cpio_trailer(&b);
	memcpy(b.p + 6 + 8 * IE_CPIO_FILESIZE, "00100000", 8);
	assert_scan_fails(&b, "truncated: the input ends inside the data of the entry at offset 0");
	buf_free(&b);
}

static void test_scan_garbage_between(void **state)
{
	struct buf b = { 0 };

	(void)state;
	simple_archive(&b);
	buf_zeros(&b, 8);
	buf_put(&b, "GARBAGE!", 8);
	assert_scan_fails(&b, "unknown data (bytes 47 41): neither a cpio header nor a compression");
	buf_free(&b);
}

static void test_scan_misaligned(void **state)
{
	struct buf b = { 0 };
	size_t end;

	(void)state;
	simple_archive(&b);
	end = b.len;
	buf_zeros(&b, 2);
	simple_archive(&b);
	/* After a cpio entry the kernel wants 4-byte alignment. */
	assert_scan_fails(&b, "broken padding");
	(void)end;
	buf_free(&b);
}

static void test_scan_bad_lzo_header(void **state)
{
	struct buf b = { 0 };
	static const unsigned char lzo[] = { 0x89, 0x4c, 0x5a, 0x4f, 0, 0xd, 0xa };

	(void)state;
	simple_archive(&b);
	buf_put(&b, lzo, sizeof(lzo));
	assert_scan_fails(&b, "lzo stream at offset 368: not an lzop file header");
	buf_free(&b);
}

static void test_scan_erofs_input(void **state)
{
	struct buf b = { 0 };

	(void)state;
	buf_zeros(&b, 1024);
	buf_put(&b, "\xe2\xe1\xf5\xe0", 4);
	buf_zeros(&b, 100);
	assert_scan_fails(&b, "an EROFS image starting at offset 0");
	buf_free(&b);
}

/* ---- the early prefix --------------------------------------------------------- */

static void test_early_paths(void **state)
{
	bool loader;

	(void)state;
	assert_true(ie_cpio_path_is_early(".", &loader));
	assert_false(loader);
	assert_true(ie_cpio_path_is_early("kernel/x86", &loader));
	assert_false(loader);
	assert_true(ie_cpio_path_is_early("kernel/x86/microcode", &loader));
	assert_false(loader);
	assert_true(ie_cpio_path_is_early("kernel/x86/microcode/GenuineIntel.bin", &loader));
	assert_true(loader);
	assert_true(ie_cpio_path_is_early("./kernel/firmware/acpi/ssdt.aml", &loader));
	assert_true(loader);
	assert_true(ie_cpio_path_is_early("early_cpio", &loader));
	assert_false(ie_cpio_path_is_early("kernel/x86/microcodes", &loader));
	assert_false(ie_cpio_path_is_early("init", &loader));
	assert_false(ie_cpio_path_is_early("kernel/other", &loader));
}

static void microcode_archive(struct buf *b)
{
	struct centry e[] = {
		{ .name = ".", .mode = S_IFDIR | 0755 },
		{ .name = "kernel", .mode = S_IFDIR | 0755 },
		{ .name = "kernel/x86", .mode = S_IFDIR | 0755 },
		{ .name = "kernel/x86/microcode", .mode = S_IFDIR | 0755 },
		{ .name = "kernel/x86/microcode/GenuineIntel.bin",
		  .mode = S_IFREG | 0644, .data = "microcode blob" },
	};
	size_t i;

	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		cpio_add(b, &e[i]);
	cpio_trailer(b);
}

static uint64_t early_len(struct buf *b)
{
	struct ie_stream in;
	struct ie_error err;
	uint64_t len = 12345;

	assert_int_equal(ie_stream_init_mem(&in, b->p, b->len), 0);
	assert_int_equal(ie_initrd_early_prefix(&in, &len, &err), 0);
	/* The stream is back at the start. */
	assert_int_equal(in.pos, 0);
	assert_true(ie_stream_need(&in, 6) >= 6);
	assert_memory_equal(ie_stream_data(&in), "070701", 6);
	ie_stream_fini(&in);
	return len;
}

static void test_early_prefix(void **state)
{
	struct buf b = { 0 };
	size_t end;

	(void)state;
	microcode_archive(&b);
	end = b.len;
	buf_zeros(&b, 512);
	simple_archive(&b);
	assert_int_equal(early_len(&b), end);
	buf_free(&b);

	/* Two early archives back to back. */
	microcode_archive(&b);
	buf_zeros(&b, 4);
	microcode_archive(&b);
	end = b.len;
	buf_zeros(&b, 64);
	simple_archive(&b);
	assert_int_equal(early_len(&b), end);
	buf_free(&b);

	/* No loader file, or a foreign file in the archive: no prefix. */
	simple_archive(&b);
	assert_int_equal(early_len(&b), 0);
	buf_free(&b);
	{
		struct centry e[] = {
			{ .name = "kernel/x86/microcode/AuthenticAMD.bin",
			  .mode = S_IFREG | 0644, .data = "x" },
			{ .name = "init", .mode = S_IFREG | 0755, .data = "y" },
		};

		cpio_add(&b, &e[0]);
		cpio_add(&b, &e[1]);
		cpio_trailer(&b);
		assert_int_equal(early_len(&b), 0);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_header_not_hex),
		cmocka_unit_test(test_header_magic),
		cmocka_unit_test(test_namesize_range),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_scan_simple),
		cmocka_unit_test(test_scan_several_archives),
		cmocka_unit_test(test_scan_crc),
		cmocka_unit_test(test_scan_truncated),
		cmocka_unit_test(test_scan_bad_name),
		cmocka_unit_test(test_scan_long_name),
		cmocka_unit_test(test_scan_size_beyond_end),
		cmocka_unit_test(test_scan_garbage_between),
		cmocka_unit_test(test_scan_misaligned),
		cmocka_unit_test(test_scan_bad_lzo_header),
		cmocka_unit_test(test_scan_erofs_input),
		cmocka_unit_test(test_early_paths),
		cmocka_unit_test(test_early_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
