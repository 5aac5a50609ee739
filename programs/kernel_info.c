// SPDX-License-Identifier: GPL-2.0
/*
 * initerofs info --kernel: tell whether a kernel can boot an EROFS initrd;
 * see kernel_info.h.
 *
 * The evidence, strongest first: the kernel's configuration
 * (CONFIG_INITEROFS=y, and EROFS's decompressors for a compressed image),
 * read from /proc/config.gz for the running kernel or from the files
 * distributions install beside it; and, for the running kernel, the
 * "initerofs:" lines in its log, which only a kernel with the code prints
 * (when it mounted an image, or found something odd: a plain cpio boot
 * prints none); then its symbol table, /proc/kallsyms, where a kernel built
 * with CONFIG_INITEROFS=y lists initerofs_claim (init code's symbols stay
 * listed after it is freed; names are readable without privileges).
 * gzopen() reads plain and gzip-compressed configurations alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "kernel_info.h"

#define CMD		"initerofs info --kernel"
#define LINE_MAX_LEN	4096
#define MAX_LOG_LINES	8

/* A symbol's value: not mentioned / "is not set", module, built in. */
enum kval { KV_NO = 0, KV_MODULE, KV_YES };

struct kconfig {
	char source[PATH_MAX];
	enum kval initerofs, erofs, overlay, zip, zip_lzma;
};

struct symbol {
	const char *name;
	size_t offset;
};

static const struct symbol symbols[] = {
	{ "CONFIG_INITEROFS", offsetof(struct kconfig, initerofs) },
	{ "CONFIG_EROFS_FS", offsetof(struct kconfig, erofs) },
	{ "CONFIG_OVERLAY_FS", offsetof(struct kconfig, overlay) },
	{ "CONFIG_EROFS_FS_ZIP", offsetof(struct kconfig, zip) },
	{ "CONFIG_EROFS_FS_ZIP_LZMA", offsetof(struct kconfig, zip_lzma) },
};

struct request {
	const char *version;		/* NULL: the running kernel */
	const char *config;		/* --config FILE */
	const char *alg;		/* -z ALG */
	char running[65];
};

bool info_wants_kernel(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--kernel"))
			return true;
	return false;
}

static void usage(FILE *out)
{
	fputs("Usage: initerofs info --kernel [-z ALG] [--config FILE] [VERSION]\n"
	      "\n"
	      "Tell whether kernel VERSION (default: the running kernel) can boot\n"
	      "an EROFS initrd: it needs CONFIG_INITEROFS=y (the initerofs patch\n"
	      "series), and EROFS's decompressor for ALG when the image is\n"
	      "compressed (lz4, lz4hc: CONFIG_EROFS_FS_ZIP; lzma: CONFIG_EROFS_FS_ZIP_LZMA).\n"
	      "Reads /proc/config.gz (running kernel), /boot/config-VERSION or\n"
	      "/lib/modules/VERSION/config, or FILE; and the running kernel's\n"
	      "\"initerofs:\" log lines and /proc/kallsyms. The last line is the\n"
	      "verdict.\n"
	      "\n"
	      "  -z, --compress ALG   the compression the image will use\n"
	      "      --config FILE    read this kernel configuration (plain or gzip)\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 it can, 1 it cannot or nothing tells, 2 usage.\n",
	      out);
}

static enum kval *field(struct kconfig *k, const struct symbol *s)
{
	return (enum kval *)((char *)k + s->offset);
}

/* One line of a .config: "CONFIG_X=y", "CONFIG_X=m", "# CONFIG_X is not set". */
static void parse_line(struct kconfig *k, const char *line)
{
	size_t i, n;

	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		n = strlen(symbols[i].name);
		if (strncmp(line, symbols[i].name, n) || line[n] != '=')
			continue;
		*field(k, &symbols[i]) = line[n + 1] == 'y' ? KV_YES :
					 line[n + 1] == 'm' ? KV_MODULE : KV_NO;
	}
}

/* Return: 0 when read, -1 when @path cannot be opened (errno kept). */
static int read_config(struct kconfig *k, const char *path)
{
	char line[LINE_MAX_LEN];
	gzFile f;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	f = gzdopen(fd, "rb");
	if (!f) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	memset(k, 0, sizeof(*k));
	snprintf(k->source, sizeof(k->source), "%s", path);
	while (gzgets(f, line, sizeof(line)))
		parse_line(k, line);
	gzclose(f);
	return 0;
}

/*
 * The first configuration found for the request. Return: 0, or -1 when
 * none was (each path tried is listed in @tried).
 */
static int find_config(const struct request *r, struct kconfig *k,
		       char *tried, size_t len)
{
	const char *v = r->version ? r->version : r->running;
	char paths[3][PATH_MAX];
	int n = 0, i;

	if (r->config) {
		snprintf(paths[n++], PATH_MAX, "%s", r->config);
	} else {
		if (!strcmp(v, r->running))
			snprintf(paths[n++], PATH_MAX, "/proc/config.gz");
		snprintf(paths[n++], PATH_MAX, "/boot/config-%s", v);
		snprintf(paths[n++], PATH_MAX, "/lib/modules/%s/config", v);
	}
	tried[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!read_config(k, paths[i]))
			return 0;
		snprintf(tried + strlen(tried), len - strlen(tried), "%s%s (%s)",
			 i ? ", " : "", paths[i], strerror(errno));
	}
	return -1;
}

/*
 * The running kernel's "initerofs:" log lines, from /dev/kmsg (readable
 * by root, or by anyone when dmesg is not restricted). Each read() returns
 * one record, "PRI,SEQ,TIME,FLAGS;MESSAGE\n"; EAGAIN ends the log.
 * Return: how many lines were found (the first MAX_LOG_LINES are printed),
 * or -1 when the log cannot be read.
 */
static int print_log_lines(void)
{
	char rec[8192];
	int fd, found = 0;
	ssize_t n;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		char *msg, *end;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten meanwhile */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || strncmp(msg + 1, "initerofs: ", 11))
			continue;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		if (found++ < MAX_LOG_LINES)
			printf("%-20s %s\n", found == 1 ? "boot log:" : "", msg + 1);
	}
	close(fd);
	return found;
}

#define KALLSYMS	"/proc/kallsyms"
#define KSYM		"initerofs_claim"

/*
 * Whether the running kernel's symbol table has KSYM, a function only
 * CONFIG_INITEROFS=y builds. Lines are "ADDRESS TYPE NAME [MODULE]".
 * Return: 1 found, 0 not, -1 when the table cannot be read.
 */
static int has_initerofs_symbol(void)
{
	char line[512];
	int found = 0;
	FILE *f;

	f = fopen(KALLSYMS, "re");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, ' ');

		if (!name || !(name = strchr(name + 1, ' ')))
			continue;
		name++;
		found = !strncmp(name, KSYM, strlen(KSYM)) &&
			(name[strlen(KSYM)] == '\n' || name[strlen(KSYM)] == '\0');
	}
	fclose(f);
	return found;
}

static const char *kval_name(enum kval v)
{
	return v == KV_YES ? "y" : v == KV_MODULE ? "m" : "not set";
}

/* The decompressor symbol @alg needs, or NULL for an uncompressed image. */
static int alg_needs(const char *alg, const char **sym, size_t *off)
{
	size_t n = strcspn(alg, ",");

	*sym = NULL;
	if (n == 4 && !strncmp(alg, "none", 4))
		return 0;
	if ((n == 3 && !strncmp(alg, "lz4", 3)) ||
	    (n == 5 && !strncmp(alg, "lz4hc", 5))) {
		*sym = "CONFIG_EROFS_FS_ZIP";
		*off = offsetof(struct kconfig, zip);
		return 0;
	}
	if (n == 4 && !strncmp(alg, "lzma", 4)) {
		*sym = "CONFIG_EROFS_FS_ZIP_LZMA";
		*off = offsetof(struct kconfig, zip_lzma);
		return 0;
	}
	return -1;
}

static int verdict_from_config(const struct request *r, const char *v,
			       struct kconfig *k)
{
	const char *sym;
	size_t off = 0;

	printf("%-20s %s\n", "config:", k->source);
	printf("%-20s %s (EROFS %s, overlayfs %s; both must be y)\n",
	       "CONFIG_INITEROFS:", kval_name(k->initerofs),
	       kval_name(k->erofs), kval_name(k->overlay));
	printf("%-20s lz4/lz4hc %s, lzma %s\n", "EROFS decompressors:",
	       k->zip == KV_YES ? "yes" : "no",
	       k->zip_lzma == KV_YES ? "yes" : "no");
	if (k->initerofs != KV_YES) {
		printf("no: %s cannot boot an EROFS initrd: CONFIG_INITEROFS=y is not in %s; it needs a kernel built with the initerofs patch series\n",
		       v, k->source);
		return 1;
	}
	if (k->erofs != KV_YES || k->overlay != KV_YES) {
		printf("no: %s has CONFIG_INITEROFS=y but not EROFS and overlayfs built in (CONFIG_EROFS_FS=y, CONFIG_OVERLAY_FS=y) in %s\n",
		       v, k->source);
		return 1;
	}
	if (r->alg) {
		alg_needs(r->alg, &sym, &off);
		if (sym && *(enum kval *)((char *)k + off) != KV_YES) {
			printf("no: %s cannot read a %s-compressed EROFS initrd: %s=y is not in %s (use -z none, or another compression)\n",
			       v, r->alg, sym, k->source);
			return 1;
		}
	}
	printf("yes: %s can boot an EROFS initrd%s%s (CONFIG_INITEROFS=y in %s)\n",
	       v, r->alg ? " compressed with " : "", r->alg ? r->alg : "",
	       k->source);
	return 0;
}

static int verdict(const struct request *r)
{
	const char *v = r->version ? r->version : r->running;
	bool running = !strcmp(v, r->running);
	char tried[4 * PATH_MAX + 256];
	struct kconfig k;
	int log_lines = -1, symbol = -1;

	printf("%-20s %s%s\n", "kernel:", v, running ? " (running)" : "");
	if (running && !r->config)
		log_lines = print_log_lines();
	if (!find_config(r, &k, tried, sizeof(tried)))
		return verdict_from_config(r, v, &k);
	printf("%-20s none found: %s\n", "config:", tried);
	if (log_lines > 0 && !r->alg) {
		printf("yes: %s can boot an EROFS initrd (its log has initerofs: lines, which only CONFIG_INITEROFS=y prints)\n",
		       v);
		return 0;
	}
	if (running && !r->config && !r->alg) {
		symbol = has_initerofs_symbol();
		printf("%-20s %s\n", "symbols:",
		       symbol > 0 ? KSYM " in " KALLSYMS :
		       symbol == 0 ? "no " KSYM " in " KALLSYMS :
		       KALLSYMS " not readable");
		if (symbol > 0) {
			printf("yes: %s can boot an EROFS initrd (%s lists %s, which only CONFIG_INITEROFS=y builds)\n",
			       v, KALLSYMS, KSYM);
			return 0;
		}
	}
	printf("no: cannot tell whether %s can boot an EROFS initrd: no configuration of it found%s%s\n",
	       v, log_lines > 0 ? " to check the decompressor" :
	       log_lines == 0 ? ", and its log has no initerofs: lines" :
	       running && !r->config ? ", and its log is not readable (try as root)" : "",
	       symbol == 0 ? ", nor its symbols " KSYM : "");
	return 1;
}

int info_kernel(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", no_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'c' },
		{ "compress", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct request r;
	struct utsname u;
	const char *sym;
	size_t off;
	int opt;

	memset(&r, 0, sizeof(r));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "z:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			break;
		case 'c':
			r.config = optarg;
			break;
		case 'z':
			r.alg = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, CMD ": at most one VERSION\n");
		usage(stderr);
		return 2;
	}
	if (r.alg && alg_needs(r.alg, &sym, &off)) {
		fprintf(stderr, CMD ": unknown compression '%s' (none, lz4, lz4hc, lzma)\n",
			r.alg);
		return 2;
	}
	r.version = optind < argc ? argv[optind] : NULL;
	if (r.version && (!*r.version || strchr(r.version, '/'))) {
		fprintf(stderr, CMD ": '%s' is not a kernel version\n", r.version);
		return 2;
	}
	if (uname(&u)) {
		fprintf(stderr, CMD ": uname: %s\n", strerror(errno));
		return 1;
	}
	snprintf(r.running, sizeof(r.running), "%s", u.release);
	return verdict(&r);
}
