// SPDX-License-Identifier: GPL-2.0
/*
 * Strict reader for the newc (070701) and crc (070702) cpio formats.
 * See include/initerofs/cpio.h for what "strict" means and why.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/cpio.h"

static const char *const field_names[IE_CPIO_NR_FIELDS] = {
	"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

const char *ie_cpio_field_name(enum ie_cpio_field f)
{
	return f < IE_CPIO_NR_FIELDS ? field_names[f] : "?";
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode 8 hex digits; on failure *bad is the index of the bad digit. */
static int parse_hex8(const unsigned char *p, uint32_t *value, size_t *bad)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++) {
		int d = hex_value(p[i]);

		if (d < 0) {
			*bad = i;
			return -1;
		}
		v = v << 4 | (uint32_t)d;
	}
	*value = v;
	return 0;
}

/* Show @n raw bytes readably in @out (at least 4 * @n + 1 bytes). */
static const char *show_bytes(const unsigned char *p, size_t n, char *out)
{
	char *o = out;
	size_t i;

	for (i = 0; i < n; i++)
		o += sprintf(o, isprint(p[i]) && p[i] != '\\' ? "%c" : "\\x%02x",
			     p[i]);
	*o = '\0';
	return out;
}

static int check_magic(const unsigned char *raw, struct ie_cpio_header *h,
		       struct ie_error *err)
{
	char shown[4 * 6 + 1];

	if (!memcmp(raw, "070701", 6) || !memcmp(raw, "070702", 6)) {
		h->crc = raw[5] == '2';
		return 0;
	}
	if (!memcmp(raw, "070707", 6))
		return ie_fail(err, -EINVAL,
			       "old portable (odc) cpio format: the kernel reads only newc and crc (cpio -H newc)");
	if ((raw[0] == 0xc7 && raw[1] == 0x71) ||
	    (raw[0] == 0x71 && raw[1] == 0xc7))
		return ie_fail(err, -EINVAL,
			       "old binary cpio format: the kernel reads only newc and crc (cpio -H newc)");
	return ie_fail(err, -EINVAL,
		       "no cpio magic (expected 070701 or 070702, found \"%s\")",
		       show_bytes(raw, 6, shown));
}

int ie_cpio_parse_header(const unsigned char *raw, struct ie_cpio_header *h,
			 size_t *bad, struct ie_error *err)
{
	char shown[4 * 8 + 1];
	uint32_t namesize;
	size_t i, digit;
	int ret;

	*bad = 0;
	ret = check_magic(raw, h, err);
	if (ret < 0)
		return ret;
	for (i = 0; i < IE_CPIO_NR_FIELDS; i++) {
		const unsigned char *p = raw + 6 + 8 * i;

		if (parse_hex8(p, &h->field[i], &digit)) {
			*bad = 6 + 8 * i + digit;
			return ie_fail(err, -EINVAL, "field %s is not 8 hex digits (\"%s\")",
				 field_names[i], show_bytes(p, 8, shown));
		}
	}
	namesize = h->field[IE_CPIO_NAMESIZE];
	if (namesize == 0 || namesize > IE_CPIO_PATH_MAX) {
		*bad = 6 + 8 * IE_CPIO_NAMESIZE;
		return ie_fail(err, -EINVAL, "namesize %u is out of range (1 to PATH_MAX = %u, NUL included)",
			 namesize, IE_CPIO_PATH_MAX);
	}
	return 0;
}

/* Does @name hold ".." as a whole component? */
static const char *find_dotdot(const char *name)
{
	const char *p = name;

	while ((p = strstr(p, "..")) != NULL) {
		bool starts = p == name || p[-1] == '/';
		bool ends = p[2] == '\0' || p[2] == '/';

		if (starts && ends)
			return p;
		p += 2;
	}
	return NULL;
}

int ie_cpio_check_name(const char *name, uint32_t namesize, size_t *bad,
		       struct ie_error *err)
{
	const char *nul = memchr(name, '\0', namesize);
	const char *dotdot;

	if (!nul) {
		*bad = namesize - 1;
		return ie_fail(err, -EINVAL, "name \"%.*s\" is not NUL-terminated",
			 (int)(namesize > 64 ? 64 : namesize), name);
	}
	if ((uint32_t)(nul - name) != namesize - 1) {
		*bad = (size_t)(nul - name);
		return ie_fail(err, -EINVAL, "name \"%s\" holds a NUL before its end",
			 name);
	}
	if (namesize == 1) {
		*bad = 0;
		return ie_fail(err, -EINVAL, "empty name");
	}
	dotdot = find_dotdot(name);
	if (dotdot) {
		*bad = (size_t)(dotdot - name);
		return ie_fail(err, -EINVAL, "name \"%.200s\" has a \"..\" component", name);
	}
	return 0;
}

void ie_cpio_reader_init(struct ie_cpio_reader *r, struct ie_stream *s,
			 const char *origin)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	snprintf(r->origin, sizeof(r->origin), "%s", origin ? origin : "");
}

int ie_cpio_fail(struct ie_cpio_reader *r, uint64_t off, const char *fmt, ...)
{
	char what[IE_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ie_fail_at(&r->err, -EINVAL, off, "%soffset %llu: %s",
			  r->origin, (unsigned long long)off, what);
}

/* A read came up short: say whether the stream failed or just ended. */
static int short_read(struct ie_cpio_reader *r, const char *what)
{
	if (r->s->failed)
		return ie_error_copy(&r->err, &r->s->err);
	return ie_cpio_fail(r, r->s->pos,
			    "truncated: the input ends inside the %s of the entry at offset %llu",
			    what, (unsigned long long)r->offset);
}

static int read_name(struct ie_cpio_reader *r)
{
	uint32_t namesize = r->h.field[IE_CPIO_NAMESIZE];
	size_t total = namesize + ie_cpio_name_pad(namesize), bad;
	struct ie_error msg;
	ssize_t got = ie_stream_need(r->s, total);

	if (got < 0 || (size_t)got < total)
		return short_read(r, "name");
	memcpy(r->name, ie_stream_data(r->s), namesize);
	r->name[namesize] = '\0';
	if (ie_cpio_check_name(r->name, namesize, &bad, &msg) < 0)
		return ie_cpio_fail(r, r->s->pos + bad, "%s", msg.msg);
	ie_stream_consume(r->s, total);
	return 0;
}

int ie_cpio_read_header(struct ie_cpio_reader *r)
{
	struct ie_error msg;
	ssize_t got;
	size_t bad;
	int ret;

	r->offset = r->s->pos;
	r->name[0] = '\0';
	r->data_left = 0;
	r->sum = 0;
	got = ie_stream_need(r->s, IE_CPIO_HEADER_SIZE);
	if (got < 0 || got < IE_CPIO_HEADER_SIZE)
		return short_read(r, "header");
	if (ie_cpio_parse_header(ie_stream_data(r->s), &r->h, &bad, &msg) < 0)
		return ie_cpio_fail(r, r->offset + bad, "%s", msg.msg);
	ie_stream_consume(r->s, IE_CPIO_HEADER_SIZE);
	ret = read_name(r);
	if (ret < 0)
		return ret;
	if (S_ISLNK(ie_cpio_mode(r)) && ie_cpio_filesize(r) > IE_CPIO_PATH_MAX)
		return ie_cpio_fail(r, r->offset + 6 + 8 * IE_CPIO_FILESIZE,
				    "symlink \"%.200s\": target of %u bytes is longer than PATH_MAX",
				    r->name, ie_cpio_filesize(r));
	r->data_left = ie_cpio_filesize(r);
	return 0;
}

static void add_sum(struct ie_cpio_reader *r, const unsigned char *p,
		    size_t len)
{
	uint32_t sum = r->sum;
	size_t i;

	for (i = 0; i < len; i++)
		sum += p[i];
	r->sum = sum;
}

static int check_sum(struct ie_cpio_reader *r)
{
	uint32_t want = r->h.field[IE_CPIO_CHECK];

	if (!r->h.crc || !S_ISREG(ie_cpio_mode(r)) || r->sum == want)
		return 0;
	return ie_cpio_fail(r, r->offset + 6 + 8 * IE_CPIO_CHECK,
			    "\"%.200s\": data checksum 0x%08x does not match the header's 0x%08x",
			    r->name, r->sum, want);
}

/* The padding after the body; it may be missing at the very end of input. */
static int skip_data_pad(struct ie_cpio_reader *r)
{
	size_t pad = (4 - r->s->pos % 4) % 4;
	int64_t done = ie_stream_skip(r->s, pad);

	if (done < 0)
		return ie_error_copy(&r->err, &r->s->err);
	return 0;
}

int ie_cpio_read_data(struct ie_cpio_reader *r, ie_cpio_sink_fn sink,
		      void *ctx)
{
	bool summing = r->h.crc && S_ISREG(ie_cpio_mode(r));
	int ret;

	while (r->data_left) {
		ssize_t got = ie_stream_need(r->s, 1);
		size_t n;

		if (got <= 0)
			return short_read(r, "data");
		n = (size_t)got;
		if (n > r->data_left)
			n = (size_t)r->data_left;
		if (summing)
			add_sum(r, ie_stream_data(r->s), n);
		ret = sink ? sink(ctx, ie_stream_data(r->s), n) : 0;
		if (ret < 0)
			return ret;
		ie_stream_consume(r->s, n);
		r->data_left -= n;
	}
	ret = check_sum(r);
	return ret < 0 ? ret : skip_data_pad(r);
}

int ie_cpio_skip_data(struct ie_cpio_reader *r)
{
	return ie_cpio_read_data(r, NULL, NULL);
}

bool ie_cpio_is_trailer(const struct ie_cpio_reader *r)
{
	uint32_t mode = ie_cpio_mode(r);

	/* The kernel only looks at names it reads: see do_header(). */
	if (S_ISLNK(mode) || (!S_ISREG(mode) && ie_cpio_filesize(r)))
		return false;
	return !strcmp(r->name, IE_CPIO_TRAILER);
}
