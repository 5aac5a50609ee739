/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EROFS on-disk format as Linux 6.12 reads it.
 *
 * Written from the kernel's fs/erofs/erofs_fs.h and
 * Documentation/filesystems/erofs.rst. Every multi-byte field on disk is
 * little-endian; the structures below are declared with the on-disk field
 * types and sizes, and code converts with the ie_le*() helpers at the bottom
 * so that the library also works on a big-endian host.
 *
 * The structures have no implicit padding (checked by static_assert), so a
 * pointer into an image buffer can be read through them directly when the
 * buffer is suitably aligned; the decode helpers use memcpy to be safe.
 */
#ifndef INITEROFS_EROFS_FORMAT_H
#define INITEROFS_EROFS_FORMAT_H

#include <assert.h>
#include <endian.h>
#include <stdint.h>
#include <string.h>

/* ---- superblock -------------------------------------------------------- */

#define EROFS_MAGIC			0xE0F5E1E2u
#define EROFS_SUPER_OFFSET		1024
#define EROFS_SUPER_SIZE		128

/*
 * Limits every reader here enforces and the writer therefore respects, so
 * that no image it writes is one its own readers refuse: a symlink target
 * is read in one page by the kernel (at most 4095 bytes, plus the NUL);
 * trees are walked at most 2048 levels deep (PATH_MAX / 2: a deeper path
 * cannot be opened in one call anyway).
 */
#define IE_MAX_SYMLINK			4095
#define IE_MAX_DEPTH			2048

/* Compat features: an older reader may ignore them. */
#define EROFS_COMPAT_SB_CHKSUM		0x00000001u
#define EROFS_COMPAT_MTIME		0x00000002u
#define EROFS_COMPAT_XATTR_FILTER	0x00000004u

/*
 * Incompat features: a reader must refuse an image with a bit it does not
 * know. Several names share a bit on purpose (the kernel reuses bits whose
 * meaning depends on context).
 */
#define EROFS_INCOMPAT_ZERO_PADDING	0x00000001u
#define EROFS_INCOMPAT_COMPR_CFGS	0x00000002u
#define EROFS_INCOMPAT_BIG_PCLUSTER	0x00000002u
#define EROFS_INCOMPAT_CHUNKED_FILE	0x00000004u
#define EROFS_INCOMPAT_DEVICE_TABLE	0x00000008u
#define EROFS_INCOMPAT_COMPR_HEAD2	0x00000008u
#define EROFS_INCOMPAT_ZTAILPACKING	0x00000010u
#define EROFS_INCOMPAT_FRAGMENTS	0x00000020u
#define EROFS_INCOMPAT_DEDUPE		0x00000020u
#define EROFS_INCOMPAT_XATTR_PREFIXES	0x00000040u
#define EROFS_INCOMPAT_ALL		0x0000007fu

/* The kernel accepts block sizes from 512 bytes up to its page size. */
#define EROFS_MIN_BLKSZBITS		9
#define EROFS_MAX_BLKSZBITS		12

struct erofs_super {
	uint32_t magic;
	uint32_t checksum;		/* crc32c of block 0 from byte 1024 on */
	uint32_t feature_compat;
	uint8_t blkszbits;
	uint8_t sb_extslots;		/* extra 16-byte slots after the 128 */
	uint16_t root_nid;
	uint64_t inos;			/* number of inodes */
	uint64_t build_time;		/* base of compact inodes' mtime */
	uint32_t build_time_nsec;
	uint32_t blocks;		/* image size in blocks */
	uint32_t meta_blkaddr;		/* first block of the inode area */
	uint32_t xattr_blkaddr;		/* first block of shared xattrs */
	uint8_t uuid[16];
	uint8_t volume_name[16];
	uint32_t feature_incompat;
	/*
	 * With COMPR_CFGS: bitmap of algorithms whose configuration records
	 * follow the superblock. Without: the LZ4 window (0 means 64 KiB).
	 */
	uint16_t compr_algs_or_lz4_distance;
	uint16_t extra_devices;
	uint16_t devt_slotoff;
	uint8_t dirblkbits;		/* must be 0 in 6.12: dir block = block */
	uint8_t xattr_prefix_count;
	uint32_t xattr_prefix_start;
	uint64_t packed_nid;
	uint8_t xattr_filter_reserved;
	uint8_t reserved2[23];
};
static_assert(sizeof(struct erofs_super) == EROFS_SUPER_SIZE,
	      "erofs superblock is 128 bytes");

/* ---- inodes ------------------------------------------------------------ */

/* Inodes live in 32-byte slots: offset = meta_blkaddr * blksz + nid * 32. */
#define EROFS_ISLOT_BITS		5
#define EROFS_ISLOT_SIZE		(1u << EROFS_ISLOT_BITS)

/* i_format bit 0: which inode form; bits 1-3: data layout. */
#define EROFS_I_VERSION_MASK		0x01
#define EROFS_I_DATALAYOUT_SHIFT	1
#define EROFS_I_DATALAYOUT_MASK		0x07
#define EROFS_I_ALL_BITS		0x0f

#define EROFS_INODE_COMPACT		0	/* 32 bytes */
#define EROFS_INODE_EXTENDED		1	/* 64 bytes */

enum erofs_datalayout {
	EROFS_LAYOUT_FLAT_PLAIN = 0,		/* whole blocks at raw_blkaddr */
	EROFS_LAYOUT_COMPRESSED_FULL = 1,	/* 8-byte lcluster indexes */
	EROFS_LAYOUT_FLAT_INLINE = 2,		/* blocks + tail after the inode */
	EROFS_LAYOUT_COMPRESSED_COMPACT = 3,	/* packed lcluster indexes */
	EROFS_LAYOUT_CHUNK_BASED = 4,
	EROFS_LAYOUT_MAX
};

static inline int erofs_layout_is_compressed(unsigned int layout)
{
	return layout == EROFS_LAYOUT_COMPRESSED_FULL ||
	       layout == EROFS_LAYOUT_COMPRESSED_COMPACT;
}

/* The 4-byte union after the size: meaning depends on type and layout. */
#define EROFS_NULL_ADDR			0xffffffffu

struct erofs_inode_compact {
	uint16_t i_format;
	uint16_t i_xattr_icount;	/* inline xattr size, see below */
	uint16_t i_mode;
	uint16_t i_nlink;
	uint32_t i_size;
	uint32_t i_reserved;
	uint32_t i_u;			/* blkaddr, compressed blocks or rdev */
	uint32_t i_ino;
	uint16_t i_uid;
	uint16_t i_gid;
	uint32_t i_reserved2;
};
static_assert(sizeof(struct erofs_inode_compact) == 32, "compact inode");

struct erofs_inode_extended {
	uint16_t i_format;
	uint16_t i_xattr_icount;
	uint16_t i_mode;
	uint16_t i_reserved;
	uint64_t i_size;
	uint32_t i_u;
	uint32_t i_ino;
	uint32_t i_uid;
	uint32_t i_gid;
	uint64_t i_mtime;
	uint32_t i_mtime_nsec;
	uint32_t i_nlink;
	uint8_t i_reserved2[16];
};
static_assert(sizeof(struct erofs_inode_extended) == 64, "extended inode");

/* Chunk-based layout: i_u holds a 16-bit format word. */
#define EROFS_CHUNK_FORMAT_BLKBITS_MASK	0x001f
#define EROFS_CHUNK_FORMAT_INDEXES	0x0020

/* ---- extended attributes ---------------------------------------------- */

/*
 * Inline xattrs follow the inode: a 12-byte header, the shared xattr ids
 * (4 bytes each), then entries. i_xattr_icount counts 4-byte units with the
 * header counting as one, so the area is 12 + 4 * (icount - 1) bytes.
 */
struct erofs_xattr_ibody_header {
	uint32_t h_name_filter;		/* bloom filter; bit set = absent */
	uint8_t h_shared_count;
	uint8_t h_reserved2[7];
	/* followed by uint32_t shared xattr ids */
};
static_assert(sizeof(struct erofs_xattr_ibody_header) == 12, "xattr header");

static inline unsigned int erofs_xattr_ibody_size(unsigned int icount)
{
	return icount ? 12 + 4 * (icount - 1) : 0;
}

#define EROFS_XATTR_INDEX_USER			1
#define EROFS_XATTR_INDEX_POSIX_ACL_ACCESS	2
#define EROFS_XATTR_INDEX_POSIX_ACL_DEFAULT	3
#define EROFS_XATTR_INDEX_TRUSTED		4
#define EROFS_XATTR_INDEX_LUSTRE		5
#define EROFS_XATTR_INDEX_SECURITY		6
#define EROFS_XATTR_LONG_PREFIX			0x80

#define EROFS_XATTR_FILTER_BITS		32
#define EROFS_XATTR_FILTER_SEED		0x25BBE08Fu

/* One entry, inline or shared: header, name suffix, value, 4-byte aligned. */
struct erofs_xattr_entry {
	uint8_t e_name_len;		/* length of the name after the prefix */
	uint8_t e_name_index;		/* which prefix, EROFS_XATTR_INDEX_* */
	uint16_t e_value_size;
	/* followed by the name then the value */
};
static_assert(sizeof(struct erofs_xattr_entry) == 4, "xattr entry");

static inline unsigned int erofs_xattr_entry_size(unsigned int name_len,
						  unsigned int value_len)
{
	return (4 + name_len + value_len + 3) & ~3u;
}

/* Shared xattrs: offset = xattr_blkaddr * blksz + id * 4. */

/* ---- directories -------------------------------------------------------- */

/*
 * A directory's data is a run of blocks; each block starts with an array of
 * dirents, then the names they point at (not NUL-terminated, except that a
 * block's last name may be followed by NUL padding). The first dirent's
 * nameoff tells how many dirents the block holds (nameoff / 12). Entries are
 * sorted by byte-wise name comparison across the whole directory, "." and
 * ".." included, so the kernel can binary-search.
 */
struct erofs_dirent {
	uint64_t nid;
	uint16_t nameoff;
	uint8_t file_type;
	uint8_t reserved;
} __attribute__((packed));
static_assert(sizeof(struct erofs_dirent) == 12, "dirent");

#define EROFS_NAME_LEN			255

/* file_type values: the generic FT_* numbering. */
enum erofs_file_type {
	EROFS_FT_UNKNOWN = 0,
	EROFS_FT_REG_FILE = 1,
	EROFS_FT_DIR = 2,
	EROFS_FT_CHRDEV = 3,
	EROFS_FT_BLKDEV = 4,
	EROFS_FT_FIFO = 5,
	EROFS_FT_SOCK = 6,
	EROFS_FT_SYMLINK = 7,
	EROFS_FT_MAX
};

/* ---- compression -------------------------------------------------------- */

#define Z_EROFS_PCLUSTER_MAX_SIZE	(1024 * 1024)
#define Z_EROFS_PCLUSTER_MAX_DSIZE	(12 * 1024 * 1024)

enum z_erofs_algorithm {
	Z_EROFS_COMPRESSION_LZ4 = 0,
	Z_EROFS_COMPRESSION_LZMA = 1,
	Z_EROFS_COMPRESSION_DEFLATE = 2,
	Z_EROFS_COMPRESSION_ZSTD = 3,
	Z_EROFS_COMPRESSION_MAX
};

/*
 * With COMPR_CFGS, per-algorithm configuration records follow the
 * superblock (after its ext slots), in algorithm order, each prefixed by a
 * little-endian 16-bit length.
 */
struct z_erofs_lz4_cfgs {
	uint16_t max_distance;
	uint16_t max_pclusterblks;
	uint8_t reserved[10];
} __attribute__((packed));
static_assert(sizeof(struct z_erofs_lz4_cfgs) == 14, "lz4 cfgs");

struct z_erofs_lzma_cfgs {
	uint32_t dict_size;
	uint16_t format;
	uint8_t reserved[8];
} __attribute__((packed));
static_assert(sizeof(struct z_erofs_lzma_cfgs) == 14, "lzma cfgs");

#define Z_EROFS_LZMA_MAX_DICT_SIZE	(8 * Z_EROFS_PCLUSTER_MAX_SIZE)

/* h_advise bits of the map header. */
#define Z_EROFS_ADVISE_COMPACTED_2B		0x0001
#define Z_EROFS_ADVISE_BIG_PCLUSTER_1		0x0002
#define Z_EROFS_ADVISE_BIG_PCLUSTER_2		0x0004
#define Z_EROFS_ADVISE_INLINE_PCLUSTER		0x0008
#define Z_EROFS_ADVISE_INTERLACED_PCLUSTER	0x0010
#define Z_EROFS_ADVISE_FRAGMENT_PCLUSTER	0x0020

#define Z_EROFS_FRAGMENT_INODE_BIT		7

/*
 * The 8-byte header that starts the index area of a compressed inode. It
 * sits after the inode and its inline xattrs, at an 8-byte aligned offset.
 */
struct z_erofs_map_header {
	uint32_t h_fragmentoff_or_idata;	/* unused by what we write */
	uint16_t h_advise;
	uint8_t h_algorithmtype;	/* bits 0-3: HEAD1, bits 4-7: HEAD2 */
	uint8_t h_clusterbits;		/* bits 0-3: lcluster bits - blkszbits */
};
static_assert(sizeof(struct z_erofs_map_header) == 8, "map header");

enum z_erofs_lcluster_type {
	Z_EROFS_LCLUSTER_TYPE_PLAIN = 0,	/* head of an uncompressed pcluster */
	Z_EROFS_LCLUSTER_TYPE_HEAD1 = 1,	/* head, algorithm HEAD1 */
	Z_EROFS_LCLUSTER_TYPE_NONHEAD = 2,
	Z_EROFS_LCLUSTER_TYPE_HEAD2 = 3,	/* head, algorithm HEAD2 */
	Z_EROFS_LCLUSTER_TYPE_MAX
};

/* First NONHEAD after a big pcluster's head stores its block count. */
#define Z_EROFS_LI_D0_CBLKCNT		(1u << 11)
#define Z_EROFS_LI_PARTIAL_REF		(1u << 15)

/* The full (non-compact) index: one of these per logical cluster. */
struct z_erofs_lcluster_index {
	uint16_t di_advise;		/* bits 0-1: lcluster type */
	uint16_t di_clusterofs;		/* where the head's extent starts */
	union {
		uint32_t blkaddr;	/* HEAD/PLAIN: first physical block */
		uint16_t delta[2];	/* NONHEAD: back to head, on to next */
	} di_u;
};
static_assert(sizeof(struct z_erofs_lcluster_index) == 8, "lcluster index");

/*
 * Where the compact index area starts: after the inode and its inline
 * xattrs, rounded up to 8, plus the 8-byte map header.
 */
static inline uint64_t z_erofs_map_header_pos(uint64_t inode_end)
{
	return (inode_end + 7) & ~(uint64_t)7;
}

/* ---- little-endian helpers ---------------------------------------------- */

static inline uint16_t ie_le16(uint16_t v) { return htole16(v); }
static inline uint32_t ie_le32(uint32_t v) { return htole32(v); }
static inline uint64_t ie_le64(uint64_t v) { return htole64(v); }

static inline uint16_t ie_get_le16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static inline uint32_t ie_get_le32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t ie_get_le64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void ie_put_le16(void *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void ie_put_le32(void *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void ie_put_le64(void *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

#endif /* INITEROFS_EROFS_FORMAT_H */
