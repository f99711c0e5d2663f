// SPDX-License-Identifier: GPL-2.0
/*
 * harness_check: tests of the harness itself, run on the build host by
 * "make -C selftests" (harness-check): a pass, a failure, a skip, a
 * crash, a reason on two lines, subtests, and a test stuck with a helper
 * process, which the deadline (-T) must kill, whole process group, then
 * run its cleanup.  HARNESS_CHECK_DIR names a directory for the stuck
 * test's traces.  Not in the guest.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"

static int h_pass(void)
{
	return PASS;
}
TEST(h_pass, "passes", NULL, h_pass, NULL);

static int h_fail(void)
{
	CHECK(1 + 1 == 3, "1 + 1 is %d", 1 + 1);
	return PASS;
}
TEST(h_fail, "fails with a reason", NULL, h_fail, NULL);

static int h_skip(void)
{
	return skip("nothing to test here");
}
TEST(h_skip, "skips with a reason", NULL, h_skip, NULL);

static int h_crash(void)
{
	raise(SIGSEGV);
	return PASS;
}
TEST(h_crash, "dies of a signal", NULL, h_crash, NULL);

static int h_lines(void)
{
	return fail("first line\nsecond line");
}
TEST(h_lines, "a reason on two lines is one KTAP line", NULL, h_lines, NULL);

/* A helper process and the test itself stuck: the deadline kills both. */
static int h_stuck(void)
{
	char path[256], pid[32];
	pid_t helper = fork();

	if (!helper)
		for (;;)
			pause();
	snprintf(path, sizeof(path), "%s/helper.pid",
		 getenv("HARNESS_CHECK_DIR") ?: "/tmp");
	snprintf(pid, sizeof(pid), "%d", helper);
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(pid, f);
		fclose(f);
	}
	for (;;)
		pause();
	return PASS;
}

static void h_stuck_cleanup(void)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cleanup.ran",
		 getenv("HARNESS_CHECK_DIR") ?: "/tmp");
	f = fopen(path, "w");
	if (f)
		fclose(f);
}
TEST(h_stuck, "never ends: killed at the deadline", NULL, h_stuck,
     h_stuck_cleanup);

/* Subtests: another test run as the harness would, its verdict ours. */
static int h_sub(void)
{
	CHECK(run_subtest("h_pass") == PASS, "h_pass as a subtest: %s",
	      test_reason());
	CHECK(run_subtest("h_fail") == FAIL &&
	      !strcmp(test_reason(), "h_fail failed: 1 + 1 is 2"),
	      "h_fail as a subtest: '%s'", test_reason());
	return PASS;
}
TEST(h_sub, "run_subtest(): a passing and a failing subtest", NULL, h_sub,
     NULL);
