/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole-buffer reads and writes: the one place that retries on EINTR,
 * carries on after a short transfer, and turns a write that makes no
 * progress into ENOSPC (a full disk may report 0 bytes written rather
 * than an error).
 */
#ifndef INITEROFS_IO_H
#define INITEROFS_IO_H

#include <stddef.h>
#include <stdint.h>

/** ie_write_full() - write all @len bytes. Return: 0 or a negative errno. */
int ie_write_full(int fd, const void *buf, size_t len);

/** ie_pwrite_full() - pwrite() all @len bytes at @off. Return: as above. */
int ie_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

/**
 * ie_pread_full() - pread() exactly @len bytes at @off.
 * Return: 0, -ENODATA when the file ends first, or another negative errno.
 */
int ie_pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif /* INITEROFS_IO_H */
