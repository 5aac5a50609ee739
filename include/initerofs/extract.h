/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extracting an EROFS image into a directory: what `initerofs extract` runs.
 */
#ifndef INITEROFS_EXTRACT_H
#define INITEROFS_EXTRACT_H

#include <stdbool.h>

#include "reader.h"

struct ie_extract_opts {
	bool owner;		/* chown to the image's uid/gid (needs root) */
	bool devices;		/* create device nodes (needs root) */
	bool xattrs;		/* set extended attributes */
	struct ie_report *warn;	/* what was left out on purpose (may be NULL) */
};

/**
 * ie_extract() - extract the whole image into @dest.
 *
 * The tree is built in a new temporary directory next to @dest and renamed
 * to @dest only when everything worked, so @dest either appears complete
 * or not at all. @dest may exist only as an empty directory. Nothing is
 * ever opened through a symlink: every directory is one this function
 * created, every file is opened with O_NOFOLLOW relative to it, so no
 * entry of the image can make it write outside @dest.
 *
 * Each file gets its content, mode (setuid, setgid and sticky included),
 * mtime with nanoseconds, xattrs and, with @opts->owner, its uid/gid;
 * hard links are made as links; FIFOs and sockets are created; device
 * nodes only with @opts->devices (otherwise skipped with a warning).
 * Return: 0, or the number of errors reported through @errors.
 */
unsigned long ie_extract(struct ie_image *img, const char *dest,
			 const struct ie_extract_opts *opts,
			 struct ie_report *errors);

#endif /* INITEROFS_EXTRACT_H */
