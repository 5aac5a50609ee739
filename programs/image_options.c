// SPDX-License-Identifier: GPL-2.0
/*
 * The image options shared by `initerofs build` and `initerofs convert`;
 * see image_options.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "image_options.h"


const char image_options_help[] =
"  -z, --compress ALG        none (default), lz4, lz4hc[,LEVEL 1-12], lzma[,LEVEL 0-9]\n"
"  -C, --pcluster SIZE       physical cluster size in bytes (default: block size)\n"
"  -b, --block-size SIZE     block size: 512, 1024, 2048 or 4096 (default)\n"
"      --all-root            make every file owned by 0:0\n"
"  -T, --mtime EPOCH         set every mtime to EPOCH (seconds)\n"
"  -U, --uuid UUID|random    volume UUID (default: derived from the content)\n"
"  -L, --label LABEL         volume label, at most 15 bytes\n"
"  -j, --jobs N              compression threads (default: number of CPUs)\n";

static int bad(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", cmd);
	return 2;
}

static int parse_number(const char *s, long long min, long long max,
			long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || *end || end == s || *out < min || *out > max ? -1 : 0;
}

static int parse_block_size(const char *s, unsigned int *bits)
{
	long long v;

	if (parse_number(s, 512, 4096, &v) || (v & (v - 1)))
		return -1;
	for (*bits = 9; (1ll << *bits) < v; (*bits)++)
		;
	return 0;
}

static int parse_uuid(struct ie_write_options *opts, const char *arg,
		      const char *cmd)
{
	if (!strcmp(arg, "random")) {
		if (getrandom(opts->uuid, 16, 0) != 16)
			return bad(cmd, "%s", "cannot get random bytes");
		opts->uuid[6] = (opts->uuid[6] & 0x0f) | 0x40;
		opts->uuid[8] = (opts->uuid[8] & 0x3f) | 0x80;
	} else if (ie_parse_uuid(arg, opts->uuid)) {
		return bad(cmd, "bad UUID '%s'", arg);
	}
	opts->have_uuid = true;
	return 0;
}

int image_options_init(struct ie_write_options *opts, const char *cmd)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long v;

	ie_write_options_init(opts);
	if (sde && *sde) {
		if (parse_number(sde, 0, INT64_MAX, &v))
			return bad(cmd, "bad SOURCE_DATE_EPOCH '%s'", sde);
		opts->clamp_mtime = true;
		opts->mtime = v;
	}
	return 0;
}

int image_option(struct ie_write_options *opts, int c, const char *arg,
		 const char *cmd)
{
	struct ie_error err;
	long long v;

	switch (c) {
	case 'z':
		if (ie_compr_parse(arg, &opts->compr, &err) < 0)
			return bad(cmd, "%s", err.msg);
		return 0;
	case 'C':
		if (parse_number(arg, 512, 1 << 20, &v))
			return bad(cmd, "bad physical cluster size '%s'", arg);
		opts->pclustersize = (uint32_t)v;
		return 0;
	case 'b':
		if (parse_block_size(arg, &opts->blkszbits))
			return bad(cmd, "bad block size '%s' (512, 1024, 2048, 4096)", arg);
		return 0;
	case IMAGE_OPT_ALL_ROOT:
		opts->all_root = true;
		return 0;
	case 'T':
		if (parse_number(arg, 0, INT64_MAX, &v))
			return bad(cmd, "bad timestamp '%s'", arg);
		opts->force_mtime = true;
		opts->clamp_mtime = false;
		opts->mtime = v;
		return 0;
	case 'U':
		return parse_uuid(opts, arg, cmd);
	case 'L':
		if (strlen(arg) > 15)
			return bad(cmd, "label '%s' is longer than 15 bytes", arg);
		memset(opts->label, 0, sizeof(opts->label));
		memcpy(opts->label, arg, strlen(arg));
		return 0;
	case 'j':
		if (parse_number(arg, 1, 1024, &v))
			return bad(cmd, "bad job count '%s'", arg);
		opts->jobs = (unsigned int)v;
		return 0;
	default:
		return IMAGE_OPT_NOT_MINE;
	}
}
