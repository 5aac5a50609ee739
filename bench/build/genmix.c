// SPDX-License-Identifier: GPL-2.0
/*
 * genmix: write a reproducible tree of compressible and incompressible
 * files for the build benchmark.
 *
 *   genmix DIR MEGABYTES SEED
 *
 * Half the bytes are text (words drawn with a skewed distribution, which
 * LZ4 compresses about 3:1, like scripts and configuration), half are noise
 * (like compressed kernel modules and firmware). File sizes are spread
 * log-uniformly from a hundred bytes to a few hundred KiB, one in fifty of
 * a few MiB, plus one large file of each kind, in folders of a few dozen
 * files. The same arguments give the same tree.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FILES_PER_DIR	40
#define BIG_FILE	(40ull << 20)

static uint64_t state;

static uint64_t next_u64(void)
{
	/* xorshift64*: fast, and the same everywhere */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545F4914F6CDD1Dull;
}

static const char *const words[] = {
	"the", "kernel", "module", "init", "root", "mount", "erofs", "overlay",
	"initramfs", "device", "driver", "firmware", "config", "option", "value",
	"systemd", "udev", "rule", "load", "path", "file", "error", "return",
	"if", "then", "else", "fi", "for", "do", "done", "echo", "exit", "case",
	"esac", "local", "export", "while", "read", "line", "0", "1", "-", "=",
	"/usr/lib", "/etc", "/dev/null", "$1", "${PATH}", "\"", "#", "\n", "\n\t",
};

#define NR_WORDS (sizeof(words) / sizeof(words[0]))

static void write_text(FILE *f, uint64_t size)
{
	uint64_t done = 0;

	while (done < size) {
		/* Skewed choice: small indexes far more often. */
		uint64_t r = next_u64();
		size_t i = (size_t)((r % NR_WORDS) * ((r >> 32) % NR_WORDS) / NR_WORDS);
		const char *w = words[i];
		size_t len = strlen(w);

		if (len > size - done)
			len = (size_t)(size - done);
		fwrite(w, 1, len, f);
		done += len;
		if (done < size && w[0] != '\n') {
			fputc(' ', f);
			done++;
		}
	}
}

static void write_noise(FILE *f, uint64_t size)
{
	uint64_t buf[512];

	while (size) {
		size_t n = size < sizeof(buf) ? (size_t)size : sizeof(buf), i;

		for (i = 0; i < sizeof(buf) / 8; i++)
			buf[i] = next_u64();
		fwrite(buf, 1, n, f);
		size -= n;
	}
}

/* Mostly log-uniform from 100 bytes to 1 MiB; one in 50 of 2 to 8 MiB. */
static uint64_t pick_size(void)
{
	unsigned int doublings = (unsigned int)(next_u64() % 13);
	uint64_t size = 100ull << doublings;

	if (next_u64() % 50 == 0)
		size = 2ull << 20;
	return size + next_u64() % (3 * size);
}

static int make_file(const char *dir, unsigned int n, int noise, uint64_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%05u.%s", dir, noise ? "blob" : "text",
		 n, noise ? "bin" : "txt");
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	if (noise)
		write_noise(f, size);
	else
		write_text(f, size);
	return fclose(f);
}

int main(int argc, char **argv)
{
	uint64_t budget[2], made[2] = { 0, 0 };
	char dir[4096];
	unsigned int n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: genmix DIR MEGABYTES SEED\n");
		return 2;
	}
	budget[0] = budget[1] = strtoull(argv[2], NULL, 10) << 19;
	state = strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	/* One big file of each kind when the budget allows. */
	for (int kind = 0; kind < 2; kind++)
		if (budget[kind] > 4 * BIG_FILE) {
			if (make_file(argv[1], n++, kind, BIG_FILE))
				return 1;
			made[kind] += BIG_FILE;
		}
	while (made[0] < budget[0] || made[1] < budget[1]) {
		int kind = made[0] * budget[1] > made[1] * budget[0];
		uint64_t size = pick_size();

		snprintf(dir, sizeof(dir), "%s/d%02u", argv[1], n / FILES_PER_DIR % 100);
		if (mkdir(dir, 0755) && errno != EEXIST) {
			perror(dir);
			return 1;
		}
		if (size > budget[kind] - made[kind] + 100)
			size = budget[kind] - made[kind] + 100;
		if (make_file(dir, n++, kind, size))
			return 1;
		made[kind] += size;
	}
	return 0;
}
