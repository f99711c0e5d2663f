/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spm_selftest harness: a test registry, one process per test, a
 * deadline kept by the parent, KTAP output.  The helpers the tests share
 * are in testlib.h.
 *
 * A test is declared with
 *
 *	static int my_run(void) { ...; return PASS; }
 *	TEST(my_test, "what it checks", setup, my_run, cleanup);
 *
 * setup and cleanup may be NULL.  Each test runs in a child process of its
 * own, in a process group of its own (memory policies, mappings and
 * helper processes do not leak into the next test).  setup and run return
 * PASS, or FAIL/SKIP through fail()/skip(), which record the reason
 * printed after the test's name.  cleanup runs whenever setup ran; after
 * a time-out the harness kills the test's process group and runs cleanup
 * in a process of its own.
 */
#ifndef SPM_HARNESS_H
#define SPM_HARNESS_H

#include <stdbool.h>

#define PASS	0
#define FAIL	1
#define SKIP	2

struct spm_test {
	const char *name;
	const char *desc;
	int (*setup)(void);
	int (*run)(void);
	void (*cleanup)(void);
	const char *file;
	int line;
	const char *guest;	/* NULL: the main guest's; else run only by
				 * spm_selftest --guest GUEST
				 */
};

/* The registry: pointers in the section spm_tests, ordered by file, line. */
#define TEST_IN(_guest, _name, _desc, _setup, _run, _cleanup)		\
	static const struct spm_test __spm_test_##_name = {		\
		.name = #_name, .desc = _desc, .setup = _setup,		\
		.run = _run, .cleanup = _cleanup,			\
		.file = __FILE__, .line = __LINE__, .guest = _guest,	\
	};								\
	static const struct spm_test *__spm_test_ptr_##_name		\
	__attribute__((used, section("spm_tests"))) = &__spm_test_##_name

#define TEST(...)		TEST_IN(NULL, __VA_ARGS__)
/* The wide guest's (nodes above 63): spm_selftest --guest wide. */
#define TEST_WIDE(...)		TEST_IN("wide", __VA_ARGS__)
/* The hot-add guest's (an NVDIMM on node 4): spm_selftest --guest hotplug. */
#define TEST_HOTPLUG(...)	TEST_IN("hotplug", __VA_ARGS__)

/*
 * Results (report.c, linked into every binary of the suite).  fail() and
 * skip() record why the test fails or is skipped, the first reason wins,
 * and return FAIL or SKIP; info() prints a KTAP diagnostic line
 * "# name: ..." with -v.
 */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The recorded reason, "" if none, and its kind (0 if none). */
const char *test_reason(void);
int test_reason_kind(void);
/* Prefix the recorded reason with "prefix: "; returns its kind. */
int fail_prefix(const char *prefix);

extern bool verbose;
/* The running test's name, for info(); the program's name outside one. */
extern const char *test_name;

#define CHECK(cond, ...) do {						\
	if (!(cond))							\
		return fail(__VA_ARGS__);				\
} while (0)

/*
 * Run the test called name as the harness would, in a process of its own
 * under the same deadline; a failure or a skip fails the caller, with the
 * test's reason.  Returns PASS or FAIL.
 */
int run_subtest(const char *name);

#endif /* SPM_HARNESS_H */
