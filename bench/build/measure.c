// SPDX-License-Identifier: GPL-2.0
/*
 * measure: run a command, then print "SECONDS MAX_RSS_KIB EXIT_STATUS
 * CPU_SECONDS" on standard error's last line. wait4() gives the child's
 * peak resident set and CPU time (user + system, all threads) without
 * depending on GNU time being installed. CPU time is what to compare on a
 * machine shared with other work, where wall time depends on the load.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: measure COMMAND [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	fprintf(stderr, "%.3f %ld %d %.3f\n",
		(double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
		ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
