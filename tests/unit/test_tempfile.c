// SPDX-License-Identifier: GPL-2.0
/*
 * Outputs through a temporary name: only the complete file appears under
 * its name, with the umask's mode; aborting or dying of a signal leaves the
 * previous file and nothing else; an ignored signal stays ignored; spools
 * have no name. Signals are raised in forked children, whose exit status
 * must say "killed by SIGTERM".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "initerofs/tempfile.h"

struct scratch {
	char dir[64];
	char out[96];
};

static int setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/ie-tempfile-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->out, sizeof(s->out), "%s/out", s->dir);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scratch *s = *state;
	struct dirent *e;
	DIR *d = opendir(s->dir);

	while (d && (e = readdir(d))) {
		char path[400];

		snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(s->dir);
	free(s);
	return 0;
}

/* How many entries @dir holds; the last one's name in @name. */
static int entries(const char *dir, char *name, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		if (name)
			snprintf(name, len, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_content(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, text);
}

static void test_commit(void **state)
{
	struct scratch *s = *state;
	struct ie_output out;
	struct ie_error err;
	char name[256];
	struct stat st;
	mode_t old_mask = umask(027);

	assert_int_equal(ie_output_open(&out, s->out, &err), 0);
	assert_int_equal(write(out.fd, "new", 3), 3);
	/* Only the temporary name exists meanwhile, private to its owner. */
	assert_int_equal(entries(s->dir, name, sizeof(name)), 1);
	assert_int_equal(strncmp(name, "out.tmp-", 8), 0);
	assert_int_equal(stat(out.tmp_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ie_output_commit(&out, &err), 0);
	assert_int_equal(entries(s->dir, name, sizeof(name)), 1);
	assert_string_equal(name, "out");
	assert_int_equal(stat(s->out, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_content(s->out, "new");
	assert_null(out.tmp_path);
	ie_output_abort(&out);	/* after commit: nothing to do */
	assert_int_equal(entries(s->dir, NULL, 0), 1);
	umask(old_mask);
}

static void test_abort_keeps_previous(void **state)
{
	struct scratch *s = *state;
	struct ie_output out;
	struct ie_error err;
	char name[256];

	write_file(s->out, "old");
	assert_int_equal(ie_output_open(&out, s->out, &err), 0);
	assert_int_equal(write(out.fd, "new", 3), 3);
	assert_int_equal(entries(s->dir, NULL, 0), 2);
	ie_output_abort(&out);
	assert_int_equal(entries(s->dir, name, sizeof(name)), 1);
	assert_string_equal(name, "out");
	assert_content(s->out, "old");
}

static void test_open_fails_with_reason(void **state)
{
	struct scratch *s = *state;
	struct ie_output out;
	struct ie_error err;
	char path[128];

	snprintf(path, sizeof(path), "%s/missing/out", s->dir);
	assert_int_equal(ie_output_open(&out, path, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "cannot create a temporary file for"));
	assert_non_null(strstr(err.msg, "missing/out: No such file"));
	assert_null(out.tmp_path);
	ie_output_abort(&out);
}

/*
 * In a child: catch signals (with SIGTERM inherited as @inherited), open
 * an output, optionally commit a first one, then raise SIGTERM.
 * Return: the child's wait status.
 */
static int child_raises(const struct scratch *s, void (*inherited)(int),
			int commit_first)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct ie_output first, out;
		struct ie_error err;
	char committed[128];

		signal(SIGTERM, inherited);
		ie_tempfile_catch_signals();
		snprintf(committed, sizeof(committed), "%s.done", s->out);
		if (commit_first &&
		    (ie_output_open(&first, committed, &err) ||
		     ie_output_commit(&first, &err)))
			_exit(3);
		if (ie_output_open(&out, s->out, &err) ||
		    write(out.fd, "partial", 7) != 7)
			_exit(4);
		raise(SIGTERM);
		_exit(0);	/* only when SIGTERM is ignored */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void test_signal_removes_output(void **state)
{
	struct scratch *s = *state;
	char name[256];
	int status;

	write_file(s->out, "old");
	status = child_raises(s, SIG_DFL, 1);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	/* The previous output and the committed one, no temporary file. */
	assert_int_equal(entries(s->dir, NULL, 0), 2);
	assert_content(s->out, "old");
	assert_int_equal(entries(s->dir, name, sizeof(name)), 2);
	assert_null(strstr(name, ".tmp-"));
}

static void test_ignored_signal_stays_ignored(void **state)
{
	struct scratch *s = *state;
	char name[256];
	int status;

	status = child_raises(s, SIG_IGN, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The child never finished its output: it is still there. */
	assert_int_equal(entries(s->dir, name, sizeof(name)), 1);
	assert_int_equal(strncmp(name, "out.tmp-", 8), 0);
}

static void test_spool_has_no_name(void **state)
{
	struct scratch *s = *state;
	struct ie_error err;
	char buf[8] = "";
	int fd = ie_spool_open(s->dir, &err);

	assert_true(fd >= 0);
	assert_int_equal(entries(s->dir, NULL, 0), 0);
	assert_int_equal(pwrite(fd, "spool", 5, 0), 5);
	assert_int_equal(pread(fd, buf, 5, 0), 5);
	assert_string_equal(buf, "spool");
	close(fd);
	fd = ie_spool_open("/nonexistent-dir", &err);
	assert_true(fd < 0);
	assert_non_null(strstr(err.msg, "cannot create a temporary file in /nonexistent-dir"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_keeps_previous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_fails_with_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_removes_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignored_signal_stays_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_has_no_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
