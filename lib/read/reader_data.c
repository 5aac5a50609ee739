// SPDX-License-Identifier: GPL-2.0
/*
 * Reading file data: map each layout (flat plain, flat with an inline tail,
 * chunk-based, compressed) to a sequence of extents, then produce the bytes
 * of each extent in turn.
 *
 * Reading is sequential, which is all that `cat`, `extract` and `check`
 * need, and it keeps memory at one decoded extent whatever the file size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initerofs/reader.h"
#include "reader_internal.h"

/* Longer chunks than this cannot come from a sane image (2^48 bytes). */
#define MAX_CHUNKBITS	48

struct ie_file {
	struct ie_image *img;
	struct ie_rinode ino;
	struct ie_zmap *zmap;		/* compressed layouts */
	uint64_t next_la;		/* flat/chunk mapping: next extent */
	unsigned int chunkbits, chunk_unit;
	uint64_t chunk_index_pos;

	uint64_t pos;			/* read position */
	struct ie_extent cur;		/* extent holding pos, if cur_valid */
	bool cur_valid;
	uint8_t *buf;			/* decoded bytes of cur (non-raw) */
	size_t buf_cap;
};

static int file_error(struct ie_file *f, const char *what)
{
	return ie_image_set_error(f->img, -EUCLEAN, "inode %llu: %s",
				  (unsigned long long)f->ino.nid, what);
}

static int open_chunked(struct ie_file *f)
{
	uint16_t format = f->ino.i_u & 0xffff;
	uint64_t nchunks, chunksz;

	if (format & ~(EROFS_CHUNK_FORMAT_BLKBITS_MASK |
		       EROFS_CHUNK_FORMAT_INDEXES))
		return file_error(f, "unsupported chunk format");
	f->chunkbits = f->img->si.sb.blkszbits +
		       (format & EROFS_CHUNK_FORMAT_BLKBITS_MASK);
	if (f->chunkbits > MAX_CHUNKBITS)
		return file_error(f, "chunk size is absurd");
	f->chunk_unit = format & EROFS_CHUNK_FORMAT_INDEXES ? 8 : 4;
	f->chunk_index_pos = (ie_inode_end(&f->ino) + f->chunk_unit - 1) &
			     ~(uint64_t)(f->chunk_unit - 1);
	chunksz = (uint64_t)1 << f->chunkbits;
	nchunks = f->ino.size / chunksz + !!(f->ino.size % chunksz);
	if (nchunks > ie_image_size(f->img) / f->chunk_unit ||
	    !ie_image_bytes(f->img, f->chunk_index_pos,
			    nchunks * f->chunk_unit))
		return file_error(f, "chunk index runs past the end of the image");
	return 0;
}

int ie_file_open(struct ie_image *img, const struct ie_rinode *ino,
		 struct ie_file **filep)
{
	struct ie_file *f;
	int ret = 0;

	*filep = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return ie_image_set_error(img, -ENOMEM, "reader: out of memory");
	f->img = img;
	f->ino = *ino;
	if (S_ISCHR(ino->mode) || S_ISBLK(ino->mode) || S_ISFIFO(ino->mode) ||
	    S_ISSOCK(ino->mode))
		f->ino.size = 0;	/* special files have no data */
	else if (erofs_layout_is_compressed(ino->layout))
		ret = ie_zmap_open(img, &f->ino, &f->zmap);
	else if (ino->layout == EROFS_LAYOUT_CHUNK_BASED)
		ret = open_chunked(f);
	if (ret) {
		ie_file_close(f);
		return ret;
	}
	*filep = f;
	return 0;
}

uint64_t ie_file_meta_end(const struct ie_file *f)
{
	uint64_t end = ie_inode_end(&f->ino);
	uint32_t bs = f->img->si.blksz;

	if (f->zmap)
		return ie_zmap_meta_end(f->zmap);
	if (f->ino.layout == EROFS_LAYOUT_CHUNK_BASED) {
		uint64_t chunksz = (uint64_t)1 << f->chunkbits;
		uint64_t n = f->ino.size / chunksz + !!(f->ino.size % chunksz);

		return f->chunk_index_pos + n * f->chunk_unit;
	}
	if (f->ino.layout == EROFS_LAYOUT_FLAT_INLINE && f->ino.size)
		end += f->ino.size - ((f->ino.size - 1) & ~(uint64_t)(bs - 1));
	return end;
}

void ie_file_close(struct ie_file *f)
{
	if (!f)
		return;
	ie_zmap_close(f->zmap);
	free(f->buf);
	free(f);
}

/* Flat layouts: the blocks from raw_blkaddr, then maybe the inline tail. */
static int next_flat_extent(struct ie_file *f, struct ie_extent *ext)
{
	const struct ie_rinode *ino = &f->ino;
	uint32_t bs = f->img->si.blksz;
	uint64_t nblocks = ino->size / bs + !!(ino->size % bs);
	uint64_t inline_from = ino->size;

	if (f->next_la >= ino->size)
		return 0;
	if (ino->layout == EROFS_LAYOUT_FLAT_INLINE)
		inline_from = (nblocks - 1) * bs;
	*ext = (struct ie_extent){ .la = f->next_la, .kind = IE_EXTENT_RAW };
	if (f->next_la < inline_from) {
		ext->llen = inline_from;
		ext->pa = ie_blkpos(f->img, ino->i_u);
		ext->plen = ino->layout == EROFS_LAYOUT_FLAT_INLINE ?
			    inline_from : nblocks * bs;
	} else {
		ext->llen = ino->size - inline_from;
		ext->pa = ie_inode_end(ino);
		ext->plen = ext->llen;
		ext->inline_tail = true;
		/* The kernel maps one metadata block: the tail may not cross. */
		if ((ext->pa & (bs - 1)) + ext->llen > bs)
			return file_error(f, "inline data crosses a block boundary");
	}
	f->next_la = ext->la + ext->llen;
	return 1;
}

static int next_chunk_extent(struct ie_file *f, struct ie_extent *ext)
{
	uint64_t chunk = f->next_la >> f->chunkbits, rest;
	uint64_t chunksz = (uint64_t)1 << f->chunkbits;
	const uint8_t *idx;
	uint32_t blkaddr;

	if (f->next_la >= f->ino.size)
		return 0;
	idx = ie_image_bytes(f->img, f->chunk_index_pos + chunk * f->chunk_unit,
			     f->chunk_unit);
	if (!idx)
		return -EUCLEAN;
	/* Block map entries are bare addresses; chunk indexes carry more. */
	blkaddr = ie_get_le32(f->chunk_unit == 8 ? idx + 4 : idx);
	rest = f->ino.size - f->next_la;
	*ext = (struct ie_extent){
		.la = f->next_la,
		.llen = rest < chunksz ? rest : chunksz,
	};
	if (blkaddr == EROFS_NULL_ADDR) {
		ext->kind = IE_EXTENT_HOLE;
	} else {
		uint32_t bs = f->img->si.blksz;

		ext->kind = IE_EXTENT_RAW;
		ext->pa = ie_blkpos(f->img, blkaddr);
		ext->plen = (ext->llen + bs - 1) & ~(uint64_t)(bs - 1);
	}
	f->next_la = ext->la + ext->llen;
	return 1;
}

int ie_file_next_extent(struct ie_file *f, struct ie_extent *ext)
{
	if (f->zmap)
		return ie_zmap_next_extent(f->zmap, ext);
	if (f->ino.layout == EROFS_LAYOUT_CHUNK_BASED)
		return next_chunk_extent(f, ext);
	return next_flat_extent(f, ext);
}

/* Make f->cur the extent holding f->pos, decoding it unless it is raw. */
static int load_extent(struct ie_file *f)
{
	struct ie_extent *ext = &f->cur;
	int ret;

	ret = ie_file_next_extent(f, ext);
	if (ret <= 0)
		return ret ? ret : file_error(f, "extents end before the file does");
	if (ext->la != f->pos)
		return ie_image_set_error(f->img, -EUCLEAN,
					  "inode %llu: extent starts at %llu, expected %llu",
					  (unsigned long long)f->ino.nid,
					  (unsigned long long)ext->la,
					  (unsigned long long)f->pos);
	if (!ext->llen || ext->llen > f->ino.size - ext->la)
		return file_error(f, "extent length is zero or runs past the end of the file");
	f->cur_valid = true;
	if (ext->kind == IE_EXTENT_HOLE)
		return 0;	/* read as zeros without a buffer */
	if (ext->kind == IE_EXTENT_RAW) {
		if (ext->llen > ext->plen ||
		    !ie_image_bytes(f->img, ext->pa, ext->llen))
			return file_error(f, "data blocks lie outside the image");
		return 0;
	}
	if (ext->llen > f->buf_cap) {
		uint8_t *nbuf = realloc(f->buf, ext->llen);

		if (!nbuf)
			return ie_image_set_error(f->img, -ENOMEM,
						  "reader: out of memory for a %llu-byte extent",
						  (unsigned long long)ext->llen);
		f->buf = nbuf;
		f->buf_cap = ext->llen;
	}
	return ie_extent_decode(f->img, ext, f->buf);
}

ssize_t ie_file_read(struct ie_file *f, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len && f->pos < f->ino.size) {
		const uint8_t *src;
		uint64_t off, n;
		int ret;

		if (!f->cur_valid || f->pos >= f->cur.la + f->cur.llen) {
			f->cur_valid = false;
			ret = load_extent(f);
			if (ret < 0)
				return ret;
		}
		off = f->pos - f->cur.la;
		n = f->cur.llen - off;
		if (n > len - done)
			n = len - done;
		if (f->cur.kind == IE_EXTENT_HOLE) {
			memset((uint8_t *)buf + done, 0, n);
		} else {
			src = f->cur.kind == IE_EXTENT_RAW ?
			      f->img->data + f->cur.pa + off : f->buf + off;
			memcpy((uint8_t *)buf + done, src, n);
		}
		done += n;
		f->pos += n;
	}
	return (ssize_t)done;
}

int ie_file_read_all(struct ie_image *img, const struct ie_rinode *ino,
		     size_t max, char **bufp)
{
	struct ie_file *f;
	char *buf;
	ssize_t got;
	int ret;

	*bufp = NULL;
	if (ino->size > max)
		return ie_image_set_error(img, -EFBIG,
					  "inode %llu: %llu bytes is more than the %zu expected",
					  (unsigned long long)ino->nid,
					  (unsigned long long)ino->size, max);
	ret = ie_file_open(img, ino, &f);
	if (ret)
		return ret;
	buf = malloc(ino->size + 1);
	if (!buf) {
		ie_file_close(f);
		return ie_image_set_error(img, -ENOMEM, "reader: out of memory");
	}
	got = ie_file_read(f, buf, ino->size);
	ie_file_close(f);
	if (got < 0 || (uint64_t)got != ino->size) {
		free(buf);
		return got < 0 ? (int)got : -EUCLEAN;
	}
	buf[got] = '\0';
	*bufp = buf;
	return 0;
}
