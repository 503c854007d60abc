/* Unit tests: logfile.c - size rotation keeps COUNT files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "logfile.h"

static long size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void rotates_by_size(void **state)
{
	(void)state;
	char dir[] = "/tmp/podinit-logfile-XXXXXX", path[256], cmd[300];
	assert_non_null(mkdtemp(dir));
	struct logfile lf;
	logfile_init(&lf);
	assert_int_equal(logfile_open(&lf, dir, "web", "app"), 0);
	char line[100];
	memset(line, 'x', sizeof line - 1);
	line[99] = '\n';
	for (int i = 0; i < 35; i++) /* 3500 bytes into files of 1000, 3 kept */
		logfile_write(&lf, line, sizeof line, 1000, 3);
	logfile_close(&lf);
	snprintf(path, sizeof path, "%s/logs/web_app.log", dir);
	assert_int_equal(size_of(path), 500);
	snprintf(path, sizeof path, "%s/logs/web_app.log.1", dir);
	assert_int_equal(size_of(path), 1000);
	snprintf(path, sizeof path, "%s/logs/web_app.log.2", dir);
	assert_int_equal(size_of(path), 1000);
	snprintf(path, sizeof path, "%s/logs/web_app.log.3", dir);
	assert_int_equal(size_of(path), -1);
	assert_int_equal(lf.dropped, 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(rotates_by_size)};
	return cmocka_run_group_tests_name("logfile", tests, NULL, NULL);
}
