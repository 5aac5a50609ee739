// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the image reader behind check, info, ls, cat and
 * extract, and the differential rule between them (issue 12, item 2):
 *
 *   an image `check` finds clean must be listed (ls -lR: every inode,
 *   every symlink target), read (cat of every file) and extracted without
 *   a single error.
 *
 * Its contrapositive is the other half: whatever ls, cat or extract
 * rejects, check must reject too. A breach aborts, so libFuzzer keeps the
 * input as a crash. The counts of clean and rejected inputs are printed
 * at exit when FUZZ_IMAGE_STATS is set (bench/fuzz reads them).
 */
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "initerofs/check.h"
#include "initerofs/extract.h"
#include "initerofs/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	unsigned long opened, clean, rejected;
} stats;

struct reader {
	struct ie_image *img;
	uint8_t buf[65536];
	unsigned long errors;
	const char *first;
};

static void count_problem(struct ie_report *rep, const char *msg)
{
	(void)rep;
	(void)msg;
}

static void fail_problem(void *ctx, const char *path, const char *msg)
{
	struct reader *r = ctx;

	(void)path;
	if (!r->errors++)
		r->first = msg;
}

/* What ls -lR and cat do with each entry. */
static int visit(void *ctx, const struct ie_walk_entry *e)
{
	struct reader *r = ctx;
	struct ie_file *f;
	char *target;
	ssize_t got;

	if (S_ISLNK(e->ino->mode)) {
		if (ie_file_read_all(r->img, e->ino, IE_MAX_SYMLINK, &target))
			r->errors++;
		else
			free(target);
	} else if (S_ISREG(e->ino->mode)) {
		if (ie_file_open(r->img, e->ino, &f)) {
			r->errors++;
			return 0;
		}
		while ((got = ie_file_read(f, r->buf, sizeof(r->buf))) > 0)
			;
		if (got < 0)
			r->errors++;
		ie_file_close(f);
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	remove(path);
	return 0;
}

static unsigned long extract_errors(struct ie_image *img)
{
	struct ie_report errors = { .problem = count_problem };
	struct ie_report warn = { .problem = count_problem };
	struct ie_extract_opts opts = { .xattrs = false, .warn = &warn };
	char dest[128];
	unsigned long n;

	snprintf(dest, sizeof(dest), "/dev/shm/initerofs-fuzz-%d", getpid());
	n = ie_extract(img, dest, &opts, &errors);
	nftw(dest, remove_one, 16, FTW_PHYS | FTW_DEPTH);
	return n;
}

static void print_stats(void)
{
	fprintf(stderr, "fuzz_image: %lu inputs: %lu without an image, %lu rejected by check, %lu clean (then listed, read and extracted without an error)\n",
		stats.opened, stats.opened - stats.clean - stats.rejected,
		stats.rejected, stats.clean);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ie_walk_ops ops = { .visit = visit,
					 .problem = fail_problem };
	struct ie_report rep = { .problem = count_problem };
	const char *path = fuzz_as_file(data, size);
	static struct reader r;
	struct ie_image *img;
	unsigned long problems;
	int ret;

	if (!stats.opened++ && getenv("FUZZ_IMAGE_STATS"))
		atexit(print_stats);
	/* check: lenient open, everything reported. */
	if (ie_image_open(path, IE_OPEN_LENIENT, &img, NULL))
		return 0;
	problems = ie_check(img, &rep, 0, NULL);
	ie_image_close(img);
	/* info, ls, cat, extract: strict open. */
	ret = ie_image_open(path, 0, &img, NULL);
	if (ret) {
		if (!problems)
			abort();	/* check passed what the others refuse */
		stats.rejected++;
		return 0;
	}
	r.img = img;
	r.errors = 0;
	r.first = NULL;
	ret = ie_walk(img, "/", &ops, &r);
	if (!problems) {
		stats.clean++;
		if (ret < 0 || r.errors)
			abort();	/* ls -lR or cat failed on a clean image */
		if (extract_errors(img))
			abort();	/* extract failed on a clean image */
	} else {
		stats.rejected++;
	}
	ie_image_close(img);
	return 0;
}
