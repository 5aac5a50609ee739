// SPDX-License-Identifier: GPL-2.0
/*
 * Writer, second phase: file data.
 *
 * Files are cut into segments of at most SEGMENT_SIZE bytes (whole blocks
 * except a file's last), and each segment is one job. Worker threads take
 * jobs in plan order and compress them independently; the calling thread
 * writes finished jobs strictly in plan order. The data area therefore does
 * not depend on thread timing, and memory stays bounded: a worker may only
 * run ahead of the writing thread by IN_FLIGHT_LIMIT bytes.
 *
 * Within a segment, fixed-output compression fills one physical cluster at
 * a time. Where compression does not save at least a block, one block of
 * raw data is stored instead ("plain" cluster). Once all of a file is
 * written the writer compares the compressed file with the plain one (whole
 * blocks plus a tail inline after the inode) and keeps the smaller.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initerofs/compress.h"
#include "initerofs/erofs_format.h"
#include "initerofs/io.h"
#include "util/array.h"
#include "writer_internal.h"

#define SEGMENT_SIZE		(4u << 20)
#define IN_FLIGHT_LIMIT		(32ull << 20)
#define MAX_JOBS_AHEAD		4096
#define REWRITE_CHUNK		(1u << 20)

enum job_state { JOB_WAITING, JOB_RUNNING, JOB_DONE };

struct job {
	struct wnode *n;
	uint64_t off, len;		/* the segment of the file */
	bool first, last;
	bool copy;			/* flat file copied by the writing thread */
	enum job_state state;
	int error;
	char *msg;			/* on error */
	uint8_t *out;			/* blocks to write */
	size_t out_len;
	struct ie_zextent *ext;		/* compressed: extents of @out */
	size_t nr_ext;
	bool all_plain;			/* no extent was compressed */
	uint8_t *tail;			/* flat, last segment: inline tail */
};

struct pipeline {
	struct writer *w;
	struct job *jobs;
	size_t nr_jobs;
	size_t next_take, next_write;
	uint64_t in_flight;
	bool abort;
	pthread_mutex_t lock;
	pthread_cond_t work_cond, done_cond;
};

struct worker {
	struct pipeline *p;
	pthread_t thread;
	struct ie_compressor *compr;
	uint8_t *in;			/* segment input */
	uint8_t *cluster;		/* one compressed pcluster */
	size_t last_used;		/* input the last cluster took */
};

/* ---- reading sources ----------------------------------------------------- */

static int job_fail(struct job *j, int code, const char *fmt, const char *what)
{
	size_t len = strlen(fmt) + strlen(what) + 64;

	j->error = code;
	j->msg = malloc(len);
	if (j->msg)
		snprintf(j->msg, len, fmt, what);
	return code;
}

static const char *source_name(const struct ie_inode *inode)
{
	return inode->data.kind == IE_DATA_PATH ? inode->data.path :
						  "(in-memory data)";
}

/* The file must be exactly as large as when it was imported. */
static int check_unchanged(struct job *j, int fd, uint64_t data_off)
{
	struct stat st;
	uint8_t probe;
	ssize_t got;

	if (fstat(fd, &st))
		return job_fail(j, -errno, "%s: cannot stat", source_name(j->n->inode));
	if (j->n->inode->data.kind == IE_DATA_PATH &&
	    (uint64_t)st.st_size != j->n->size)
		return job_fail(j, -EAGAIN, "%s: changed size during the build",
				source_name(j->n->inode));
	if (!j->last)
		return 0;
	got = pread(fd, &probe, 1, (off_t)(data_off + j->n->size));
	if (got > 0 && j->n->inode->data.kind == IE_DATA_PATH)
		return job_fail(j, -EAGAIN, "%s: grew during the build",
				source_name(j->n->inode));
	return 0;
}

/*
 * The descriptor holding a file's bytes and where they start in it; *@own
 * says the caller must close it. Return: 0 or a job failure.
 */
static int open_source(struct job *j, int *fd, uint64_t *base, bool *own)
{
	const struct ie_inode *inode = j->n->inode;

	*base = 0;
	*own = false;
	switch (inode->data.kind) {
	case IE_DATA_FD:
		*fd = inode->data.fd;
		*base = inode->data.offset;
		return 0;
	case IE_DATA_PATH:
		*fd = open(inode->data.path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (*fd < 0)
			return job_fail(j, -errno, errno == ENOENT ?
					"%s: vanished during the build" :
					"%s: cannot open for reading",
					inode->data.path);
		*own = true;
		return 0;
	default:
		return job_fail(j, -EINVAL, "%s: regular file without data",
				"(tree)");
	}
}

static int short_read(struct job *j, int ret)
{
	char msg[PATH_MAX + 64];

	if (ret == -ENODATA)
		return job_fail(j, -EAGAIN, "%s: shrank during the build",
				source_name(j->n->inode));
	snprintf(msg, sizeof(msg), "%s: read error: %s",
		 source_name(j->n->inode), strerror(-ret));
	return job_fail(j, ret, "%s", msg);
}

/*
 * Get the segment's bytes: a pointer into the tree for in-memory data,
 * else read into @buf.
 */
static int read_segment(struct job *j, uint8_t *buf, const uint8_t **data)
{
	const struct ie_inode *inode = j->n->inode;
	uint64_t base;
	bool own;
	int fd, ret;

	if (S_ISLNK(inode->mode)) {
		*data = (const uint8_t *)inode->symlink + j->off;
		return 0;
	}
	if (inode->data.kind == IE_DATA_MEMORY) {
		*data = (const uint8_t *)inode->data.buf + j->off;
		return 0;
	}
	ret = open_source(j, &fd, &base, &own);
	if (ret)
		return ret;
	ret = ie_pread_full(fd, buf, (size_t)j->len, base + j->off);
	if (ret)
		ret = short_read(j, ret);
	if (!ret && (j->first || j->last))
		ret = check_unchanged(j, fd, base);
	if (own)
		close(fd);
	*data = buf;
	return ret;
}

/* ---- running a job ------------------------------------------------------- */

static int run_flat(struct writer *w, struct job *j, uint8_t *inbuf)
{
	uint64_t body = j->len;
	const uint8_t *data;
	int ret;

	if (j->last && j->n->tail_inline)
		body -= j->n->tail_len;
	j->out_len = (size_t)wr_blocks_of(w, body) << w->blkszbits;
	j->out = calloc(1, j->out_len ? j->out_len : 1);
	if (j->n->tail_len && j->last)
		j->tail = malloc(j->n->tail_len);
	if (!j->out || (j->last && j->n->tail_len && !j->tail))
		return job_fail(j, -ENOMEM, "%s", "out of memory");
	ret = read_segment(j, inbuf, &data);
	if (ret)
		return ret;
	memcpy(j->out, data, body);
	if (j->tail)
		memcpy(j->tail, data + body, j->n->tail_len);
	return 0;
}

static void add_extent(struct job *j, uint64_t lstart, uint32_t blocks,
		       bool plain)
{
	struct ie_zextent *e = &j->ext[j->nr_ext++];

	e->lstart = lstart;
	e->blocks = blocks;
	e->plain = plain;
	if (!plain)
		j->all_plain = false;
}

/*
 * Fill one physical cluster from @data (@left bytes on). The compressors'
 * "destination size" modes cost time in proportion to the input they are
 * offered, not the input they use (LZ4HC: 40 times slower with 1 MiB
 * offered than with 8 KiB, to fill 4 KiB), so offer about twice what the
 * previous cluster took (at least what the compressor needs to work at its
 * best) and offer more only when all of it fitted.
 */
static int compress_cluster(struct writer *w, struct worker *wk,
			    const uint8_t *data, uint64_t left, size_t *used)
{
	size_t limit = left < IE_ZEXTENT_MAX_LEN ? (size_t)left :
						   IE_ZEXTENT_MAX_LEN;
	size_t offer = 2 * wk->last_used + w->pclustersize;
	int csize;

	if (offer < ie_compressor_min_offer(wk->compr))
		offer = ie_compressor_min_offer(wk->compr);
	for (;;) {
		if (offer > limit)
			offer = limit;
		*used = offer;
		csize = ie_compress_destsize(wk->compr, data, used, wk->cluster,
					     w->pclustersize);
		if (csize < 0 || *used < offer || offer == limit)
			break;
		offer *= 4;
	}
	wk->last_used = *used;
	return csize;
}

/*
 * The kernel maps a file's last extent up to the end of the lcluster that
 * holds the file's last byte (fs/erofs/zmap.c does not stop at i_size), and
 * refuses a raw extent mapped longer than its block. So the last raw block
 * must not cross an lcluster boundary: it is cut at the boundary and the
 * rest goes into one more block.
 */
static bool crosses_at_end(const struct writer *w, const struct job *j,
			   uint64_t pos, uint64_t left)
{
	uint64_t c = (j->off + pos) & (w->blksz - 1);

	return j->last && left <= w->blksz && c + left > w->blksz;
}

static size_t plain_len(const struct writer *w, const struct job *j,
			uint64_t pos, uint64_t left)
{
	if (crosses_at_end(w, j, pos, left))
		return (size_t)(w->blksz - ((j->off + pos) & (w->blksz - 1)));
	return left < w->blksz ? (size_t)left : w->blksz;
}

/*
 * Keep compressed output when it saves a block; or when it holds the
 * file's last bytes in one block where raw storage would need two (see
 * crosses_at_end()), as mkfs.erofs does for a file's final extent.
 */
static bool keep_compressed(const struct writer *w, const struct job *j,
			    uint64_t pos, uint64_t left, size_t in, size_t blocks)
{
	if ((uint64_t)blocks << w->blkszbits < in)
		return true;
	return blocks == 1 && in == left && crosses_at_end(w, j, pos, left);
}

/*
 * Compress one segment: pcluster after pcluster, compressed data at the
 * end of its blocks (zeros in front), or one raw block where compressing
 * would not save a block.
 */
static int run_compress(struct writer *w, struct worker *wk, struct job *j)
{
	const uint8_t *data;
	uint64_t pos = 0;
	size_t cap;
	int ret;

	cap = ((size_t)wr_blocks_of(w, j->len) + 2) << w->blkszbits;
	j->out = malloc(cap);
	j->ext = malloc((wr_blocks_of(w, j->len) + 2) * sizeof(*j->ext));
	if (!j->out || !j->ext)
		return job_fail(j, -ENOMEM, "%s", "out of memory");
	j->all_plain = true;
	/* Output must depend on this segment alone, not on this thread's past. */
	wk->last_used = 0;
	ie_compressor_reset(wk->compr, j->len);
	ret = read_segment(j, wk->in, &data);
	if (ret)
		return ret;
	while (pos < j->len) {
		uint64_t left = j->len - pos;
		size_t in, blocks;
		int csize;

		csize = compress_cluster(w, wk, data + pos, left, &in);
		if (csize < 0)
			return job_fail(j, csize, "%s: compression failed",
					source_name(j->n->inode));
		blocks = (size_t)wr_blocks_of(w, (uint64_t)csize);
		if (keep_compressed(w, j, pos, left, in, blocks)) {
			size_t room = blocks << w->blkszbits;

			memset(j->out + j->out_len, 0, room - (size_t)csize);
			memcpy(j->out + j->out_len + room - (size_t)csize,
			       wk->cluster, (size_t)csize);
			add_extent(j, j->off + pos, (uint32_t)blocks, false);
			j->out_len += room;
			pos += in;
			continue;
		}
		in = plain_len(w, j, pos, left);
		memcpy(j->out + j->out_len, data + pos, in);
		memset(j->out + j->out_len + in, 0, w->blksz - in);
		add_extent(j, j->off + pos, 1, true);
		j->out_len += w->blksz;
		pos += in;
	}
	return 0;
}

static void run_job(struct worker *wk, struct job *j)
{
	struct writer *w = wk->p->w;

	if (j->copy)
		return;		/* the writing thread copies it in place */
	if (j->n->compress)
		run_compress(w, wk, j);
	else
		run_flat(w, j, wk->in);
}

static void job_release(struct job *j)
{
	free(j->out);
	free(j->ext);
	free(j->tail);
	free(j->msg);
	j->out = NULL;
	j->ext = NULL;
	j->tail = NULL;
	j->msg = NULL;
}

/* Bytes a job holds in memory until it is written. */
static uint64_t job_cost(const struct job *j)
{
	return j->copy ? 0 : j->len;
}

/* May job @i start now? Always for the next one to write (no deadlock). */
static bool may_start(const struct pipeline *p, size_t i)
{
	if (i == p->next_write)
		return true;
	return i < p->next_write + MAX_JOBS_AHEAD &&
	       p->in_flight + job_cost(&p->jobs[i]) <= IN_FLIGHT_LIMIT;
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct pipeline *p = wk->p;

	pthread_mutex_lock(&p->lock);
	while (!p->abort && p->next_take < p->nr_jobs) {
		struct job *j = &p->jobs[p->next_take];

		if (!may_start(p, p->next_take)) {
			pthread_cond_wait(&p->work_cond, &p->lock);
			continue;
		}
		p->next_take++;
		p->in_flight += job_cost(j);
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->lock);
		run_job(wk, j);
		pthread_mutex_lock(&p->lock);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&p->done_cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ---- writing finished jobs, in order ------------------------------------ */

/* Data blocks are appended at w->data_end. */
static int append_blocks(struct writer *w, const void *buf, size_t len)
{
	uint64_t off = (uint64_t)w->data_end << w->blkszbits;
	int ret;

	if (!len)
		return 0;
	if (wr_blocks_of(w, len) > UINT32_MAX - w->data_end)
		return wr_fail(w, -EFBIG, "image would exceed 2^32 blocks");
	ret = wr_pwrite(w, buf, len, off);
	if (ret)
		return ret;
	w->data_end += (uint32_t)wr_blocks_of(w, len);
	w->stats.data_blocks += wr_blocks_of(w, len);
	if (off + len > w->dirty_end)
		w->dirty_end = off + len;
	return 0;
}

static int spool_tail(struct writer *w, struct wnode *n, const void *tail)
{
	int ret = ie_pwrite_full(w->spool_fd, tail, n->tail_len, w->spool_size);

	if (ret)
		return wr_fail(w, ret, "cannot write the tail spool: %s",
			       strerror(-ret));
	n->tail_fd = w->spool_fd;
	n->tail_off = w->spool_size;
	w->spool_size += n->tail_len;
	return 0;
}

/* Bytes the compressed form of @n would take, index included. */
static uint64_t compressed_cost(const struct writer *w, const struct wnode *n,
				uint32_t blocks)
{
	uint64_t hpos = ie_zmap_header_pos(wnode_ibody(n));

	return ((uint64_t)blocks << w->blkszbits) + (hpos - wnode_ibody(n)) + 8 +
	       ie_zmap_compact_size(n->size, w->blkszbits, hpos);
}

static uint64_t flat_cost(const struct writer *w, const struct wnode *n)
{
	uint64_t tail = n->size & (w->blksz - 1);
	uint64_t full = n->size - tail;

	if (!tail)
		return full;
	return full + (wnode_ibody(n) + tail <= w->blksz ? tail : w->blksz);
}

/* Append @len bytes as blocks, the last one zero-padded through @block. */
static int append_padded(struct writer *w, const uint8_t *data, uint64_t len,
			 uint8_t *block)
{
	uint64_t whole = len & ~(uint64_t)(w->blksz - 1);
	int ret = append_blocks(w, data, (size_t)whole);

	if (ret || whole == len)
		return ret;
	memset(block, 0, w->blksz);
	memcpy(block, data + whole, (size_t)(len - whole));
	return append_blocks(w, block, w->blksz);
}

/* Write @n again from its source as flat blocks (it did not compress). */
static int rewrite_flat(struct writer *w, struct wnode *n, uint8_t *buf)
{
	struct job j = { .n = n, .first = true };
	uint64_t body = n->size - n->tail_len, off;
	uint8_t *block = buf + REWRITE_CHUNK;
	const uint8_t *data;
	int ret = 0;

	for (off = 0; !ret && off < n->size; off += j.len) {
		uint64_t body_len;

		j.off = off;
		j.len = n->size - off < REWRITE_CHUNK ? n->size - off : REWRITE_CHUNK;
		j.last = off + j.len == n->size;
		ret = read_segment(&j, buf, &data);
		if (ret)
			break;
		body_len = off < body ? (body - off < j.len ? body - off : j.len) : 0;
		ret = append_padded(w, data, body_len, block);
		if (!ret && j.last && n->tail_len)
			ret = spool_tail(w, n, data + body_len);
		j.first = false;
	}
	if (j.error)
		ret = wr_fail(w, j.error, "%s", j.msg ? j.msg : "read error");
	free(j.msg);
	return ret;
}

static int finish_compressed(struct writer *w, struct wnode *n, bool all_plain)
{
	uint32_t blocks = w->data_end - n->blkaddr;
	uint8_t *buf;
	int ret;

	if (compressed_cost(w, n, blocks) < flat_cost(w, n)) {
		n->layout = EROFS_LAYOUT_COMPRESSED_COMPACT;
		n->blocks = blocks;
		w->stats.compressed_files++;
		return 0;
	}
	free(n->ext);
	n->ext = NULL;
	n->nr_ext = 0;
	n->compress = false;
	w->stats.data_blocks -= blocks;
	n->tail_len = (uint32_t)(n->size & (w->blksz - 1));
	n->tail_inline = n->tail_len && wnode_ibody(n) + n->tail_len <= w->blksz;
	if (!n->tail_inline)
		n->tail_len = 0;
	n->layout = n->tail_inline ? EROFS_LAYOUT_FLAT_INLINE :
				     EROFS_LAYOUT_FLAT_PLAIN;
	if (all_plain) {
		/* The raw blocks are already there; only the tail moves. */
		w->stats.data_blocks += blocks;
		n->blocks = blocks;
		if (!n->tail_inline)
			return 0;
		buf = malloc(w->blksz);
		if (!buf)
			return wr_fail(w, -ENOMEM, "out of memory");
		ret = ie_pread_full(w->fd, buf, n->tail_len, w->base +
				    ((uint64_t)(w->data_end - 1) << w->blkszbits));
		ret = !ret ? spool_tail(w, n, buf) :
		      wr_fail(w, -EIO, "cannot read back a tail");
		free(buf);
		w->data_end--;
		w->stats.data_blocks--;
		n->blocks--;
		if (!n->blocks)
			n->blkaddr = EROFS_NULL_ADDR;
		return ret;
	}
	w->data_end = n->blkaddr;
	buf = malloc(REWRITE_CHUNK + w->blksz);
	if (!buf)
		return wr_fail(w, -ENOMEM, "out of memory");
	ret = rewrite_flat(w, n, buf);
	free(buf);
	n->blocks = w->data_end - n->blkaddr;
	if (!n->blocks)
		n->blkaddr = EROFS_NULL_ADDR;
	return ret;
}

/*
 * Copy @len bytes at @from of @fd to the end of the data area, inside the
 * kernel (copy_file_range(): no user buffer, a reflink where the file
 * systems allow it); through @buf where the kernel cannot, or when it
 * failed: read() and write() then say which side the error is on
 * (*@writing), so that a full disk is not reported as a read error.
 */
static int copy_range(struct writer *w, int fd, uint64_t from, uint64_t len,
		      uint8_t *buf, bool *writing)
{
	loff_t in = (loff_t)from;
	loff_t out = (loff_t)(w->base + ((uint64_t)w->data_end << w->blkszbits));
	bool kernel = true;

	while (len) {
		uint64_t chunk = len < REWRITE_CHUNK ? len : REWRITE_CHUNK;
		ssize_t done = -1;
		int ret;

		if (kernel) {
			done = copy_file_range(fd, &in, w->fd, &out, chunk, 0);
			if (done < 0 && errno == EINTR)
				continue;
			kernel = done >= 0;
		}
		if (!kernel) {
			*writing = false;
			ret = ie_pread_full(fd, buf, (size_t)chunk, (uint64_t)in);
			if (ret)
				return ret;
			*writing = true;
			ret = ie_pwrite_full(w->fd, buf, chunk, (uint64_t)out);
			if (ret)
				return ret;
			done = (ssize_t)chunk;
			in += done;
			out += done;
		}
		if (!done)
			return -ENODATA;	/* the file shrank */
		len -= (uint64_t)done;
	}
	return 0;
}

/* A flat file from a file: body copied in place, tail to the spool. */
static int copy_flat(struct writer *w, struct job *j, uint8_t *buf)
{
	struct wnode *n = j->n;
	uint64_t body = n->size - n->tail_len, base, pad;
	bool own, writing = false;
	int fd, ret;

	ret = open_source(j, &fd, &base, &own);
	if (ret)
		return ret;
	ret = check_unchanged(j, fd, base);
	if (!ret && body) {
		ret = copy_range(w, fd, base, body, buf, &writing);
		if (ret && writing)
			ret = job_fail(j, ret, "cannot write the image: %s",
				       strerror(-ret));
		else if (ret)
			ret = short_read(j, ret);
	}
	pad = (w->blksz - (body & (w->blksz - 1))) & (w->blksz - 1);
	if (!ret && pad) {
		/* Zero the last block's rest: it may hold dropped data. */
		memset(buf, 0, (size_t)pad);
		ret = wr_pwrite(w, buf, (size_t)pad,
				((uint64_t)w->data_end << w->blkszbits) + body);
		if (ret)
			ret = job_fail(j, ret, "%s", "cannot write the image");
	}
	if (!ret && n->tail_len && n->inode->data.kind == IE_DATA_FD) {
		/*
		 * The caller's file outlives the writer and does not change
		 * (writer.h): the tail is read from there once, when the
		 * metadata is written, not copied through the tail spool.
		 */
		n->tail_fd = fd;
		n->tail_off = base + body;
	} else if (!ret && n->tail_len) {
		ret = ie_pread_full(fd, buf, n->tail_len, base + body);
		ret = ret ? short_read(j, ret) : spool_tail(w, n, buf);
	}
	if (own)
		close(fd);
	if (ret)
		return ret;
	n->blkaddr = body ? w->data_end : EROFS_NULL_ADDR;
	n->blocks = (uint32_t)wr_blocks_of(w, body);
	if (n->blocks > UINT32_MAX - w->data_end)
		return wr_fail(w, -EFBIG, "image would exceed 2^32 blocks");
	w->data_end += n->blocks;
	w->stats.data_blocks += n->blocks;
	w->stats.data_bytes += n->size;
	if (((uint64_t)w->data_end << w->blkszbits) > w->dirty_end)
		w->dirty_end = (uint64_t)w->data_end << w->blkszbits;
	return 0;
}

static int append_extents(struct writer *w, struct wnode *n, struct job *j)
{
	if (ie_reserve((void **)&n->ext, &n->ext_cap, n->nr_ext + j->nr_ext,
		       sizeof(*n->ext)))
		return wr_fail(w, -ENOMEM, "out of memory for extents");
	memcpy(n->ext + n->nr_ext, j->ext, j->nr_ext * sizeof(*j->ext));
	n->nr_ext += j->nr_ext;
	return 0;
}

static int consume(struct writer *w, struct job *j, bool *all_plain,
		   uint8_t *buf)
{
	struct wnode *n = j->n;
	int ret;

	if (j->copy && !j->error) {
		ret = copy_flat(w, j, buf);
		if (ret && !j->error)
			return ret;	/* the message is recorded already */
	}
	if (j->error)
		return wr_fail(w, j->error, "%s", j->msg ? j->msg : "job failed");
	if (j->copy)
		return 0;
	if (j->first) {
		n->blkaddr = w->data_end;
		*all_plain = true;
	}
	w->stats.data_bytes += j->len;
	ret = append_blocks(w, j->out, j->out_len);
	if (!ret && n->compress) {
		*all_plain = *all_plain && j->all_plain;
		ret = append_extents(w, n, j);
		if (!ret && j->last)
			ret = finish_compressed(w, n, *all_plain);
		return ret;
	}
	if (!ret && j->tail)
		ret = spool_tail(w, n, j->tail);
	if (!ret && j->last) {
		n->blocks = w->data_end - n->blkaddr;
		if (!n->blocks)
			n->blkaddr = EROFS_NULL_ADDR;
	}
	return ret;
}

/* ---- setup --------------------------------------------------------------- */

static bool has_data(const struct wnode *n)
{
	return (S_ISREG(n->inode->mode) || S_ISLNK(n->inode->mode)) && n->size;
}

/* Flat data in a file is copied whole by the writing thread. */
static bool copied(const struct wnode *n)
{
	return S_ISREG(n->inode->mode) && !n->compress &&
	       (n->inode->data.kind == IE_DATA_PATH ||
		n->inode->data.kind == IE_DATA_FD);
}

static uint64_t segment_size(const struct wnode *n)
{
	return copied(n) ? n->size : SEGMENT_SIZE;
}

static int make_jobs(struct writer *w, struct pipeline *p)
{
	size_t count = 0, i;
	uint64_t off;

	for (i = 0; i < w->nr_nodes; i++)
		if (has_data(&w->nodes[i]))
			count += (size_t)((w->nodes[i].size +
					   segment_size(&w->nodes[i]) - 1) /
					  segment_size(&w->nodes[i]));
	p->jobs = calloc(count ? count : 1, sizeof(*p->jobs));
	if (!p->jobs)
		return wr_fail(w, -ENOMEM, "out of memory for jobs");
	for (i = 0; i < w->nr_nodes; i++) {
		struct wnode *n = &w->nodes[i];

		if (!has_data(n))
			continue;
		for (off = 0; off < n->size; off += segment_size(n)) {
			struct job *j = &p->jobs[p->nr_jobs++];

			j->n = n;
			j->off = off;
			j->len = n->size - off < segment_size(n) ?
				 n->size - off : segment_size(n);
			j->first = !off;
			j->last = off + j->len == n->size;
			j->copy = copied(n);
		}
	}
	return 0;
}

static unsigned int worker_count(const struct writer *w)
{
	long cpus;

	if (w->opts->jobs)
		return w->opts->jobs;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus > 0 ? (unsigned int)cpus : 1;
}

static int worker_init(struct writer *w, struct worker *wk)
{
	wk->in = malloc(SEGMENT_SIZE);
	wk->cluster = malloc(w->pclustersize);
	if (w->opts->compr.kind != IE_COMPR_NONE)
		wk->compr = ie_compressor_new(&w->opts->compr, w->pclustersize);
	if (!wk->in || !wk->cluster ||
	    (w->opts->compr.kind != IE_COMPR_NONE && !wk->compr))
		return wr_fail(w, -ENOMEM, "out of memory for a worker");
	return 0;
}

static void worker_fini(struct worker *wk)
{
	ie_compressor_free(wk->compr);
	free(wk->in);
	free(wk->cluster);
}

/* The totals of the progress report: what the jobs cover. */
static void progress_totals(const struct pipeline *p,
			    struct ie_write_progress *pr)
{
	size_t i;

	memset(pr, 0, sizeof(*pr));
	for (i = 0; i < p->nr_jobs; i++) {
		pr->bytes_total += p->jobs[i].len;
		pr->files_total += p->jobs[i].last;
	}
}

/* Account job @j, written, and tell the caller's progress callback. */
static void report_progress(struct writer *w, const struct job *j,
			    struct ie_write_progress *pr)
{
	if (!w->opts->progress)
		return;
	if (j) {
		pr->bytes_done += j->len;
		pr->files_done += j->last;
	}
	pr->stored_bytes = (uint64_t)(w->data_end - w->data_blkaddr)
			   << w->blkszbits;
	w->opts->progress(w->opts->progress_ctx, pr);
}

/* Wait for each job in order and write it; stop everything on failure. */
static int write_in_order(struct writer *w, struct pipeline *p)
{
	struct ie_write_progress pr;
	bool all_plain = true;
	uint8_t *buf = malloc(REWRITE_CHUNK);
	size_t i;
	int ret = 0;

	if (!buf)
		return wr_fail(w, -ENOMEM, "out of memory");
	progress_totals(p, &pr);
	report_progress(w, NULL, &pr);
	for (i = 0; i < p->nr_jobs && !ret; i++) {
		struct job *j = &p->jobs[i];

		pthread_mutex_lock(&p->lock);
		while (j->state != JOB_DONE)
			pthread_cond_wait(&p->done_cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
		ret = consume(w, j, &all_plain, buf);
		if (!ret)
			report_progress(w, j, &pr);
		job_release(j);
		pthread_mutex_lock(&p->lock);
		p->next_write = i + 1;
		p->in_flight -= job_cost(j);
		if (ret)
			p->abort = true;
		pthread_cond_broadcast(&p->work_cond);
		pthread_mutex_unlock(&p->lock);
	}
	free(buf);
	return ret;
}

int wr_write_data(struct writer *w)
{
	struct pipeline p = { .w = w };
	struct worker *workers;
	unsigned int nr, started = 0, i;
	int ret;

	w->data_end = w->data_blkaddr;
	ret = make_jobs(w, &p);
	if (ret)
		return ret;
	nr = worker_count(w);
	workers = calloc(nr, sizeof(*workers));
	if (!workers) {
		free(p.jobs);
		return wr_fail(w, -ENOMEM, "out of memory for workers");
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.work_cond, NULL);
	pthread_cond_init(&p.done_cond, NULL);
	for (i = 0; i < nr && !ret; i++) {
		workers[i].p = &p;
		ret = worker_init(w, &workers[i]);
		if (!ret && pthread_create(&workers[i].thread, NULL, worker_main,
					   &workers[i]))
			ret = wr_fail(w, -EAGAIN, "cannot start a compression thread");
		if (!ret)
			started++;
	}
	if (!ret)
		ret = write_in_order(w, &p);
	pthread_mutex_lock(&p.lock);
	p.abort = true;
	pthread_cond_broadcast(&p.work_cond);
	pthread_mutex_unlock(&p.lock);
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	for (i = 0; i < nr; i++)
		worker_fini(&workers[i]);
	for (i = 0; i < p.nr_jobs; i++)
		job_release(&p.jobs[i]);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.work_cond);
	pthread_cond_destroy(&p.done_cond);
	free(workers);
	free(p.jobs);
	return ret;
}
