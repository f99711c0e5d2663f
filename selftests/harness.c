// SPDX-License-Identifier: GPL-2.0
/*
 * spm_selftest: run the SPM isolation tests inside the test guest.
 *
 *	spm_selftest [-v] [-t NAME]... [-s NODELIST] [-T SECONDS]
 *		     [--reverse | --shuffle SEED]
 *	spm_selftest -l
 *	spm_selftest --touch SIZE
 *
 * -t runs the tests whose name contains NAME (repeatable), -l lists the
 * tests, -v prints diagnostics, -s names the nodes that must be SPM
 * (default: spm_nodes= from the kernel command line), -T is each test's
 * deadline.  --reverse runs the tests in reverse order, --shuffle in an
 * order drawn from SEED: no test may depend on another having run.
 * --touch maps SIZE bytes of anonymous memory, writes every page and
 * prints the pages per node: a helper for tests that run it under numactl.
 *
 * The output is KTAP (Documentation/dev-tools/ktap.rst):
 *
 *	KTAP version 1
 *	1..N
 *	# diagnostics
 *	ok 1 name
 *	not ok 2 name # reason
 *	ok 3 name # SKIP reason
 *
 * closed by "N passed, N failed, N skipped", which selftests/vm/ reads;
 * the exit code is 1 if a test failed.
 *
 * Each test runs in a child process, leader of a process group of its own
 * (a subtest run_subtest() starts stays in its caller's).
 * The parent keeps the deadline: a test still running when it passes has
 * its whole process group killed, is reported as failed, and its cleanup
 * runs in a fresh process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"

#define DEFAULT_TIMEOUT	300
/* How long a killed test may take to die, and a cleanup to finish. */
#define KILL_WAIT_MS	10000
#define CLEANUP_TIMEOUT	60

extern const struct spm_test *__start_spm_tests[];
extern const struct spm_test *__stop_spm_tests[];

static int test_timeout = DEFAULT_TIMEOUT;
/*
 * In a test's process: a subtest (run_subtest()) stays in the test's
 * process group, so that the test's deadline takes it down too.
 */
static bool in_test;

/* What a test's process hands back, in memory shared with the parent. */
struct test_report {
	int kind;
	bool done;
	char reason[512];
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Wait up to ms for the child pid to exit; its wait status in *st.
 * Returns true if it exited.  A pidfd becomes readable when the process
 * exits; without one (old kernel), poll waitpid().
 */
static bool wait_child(pid_t pid, int pidfd, long ms, int *st)
{
	long end = now_ms() + ms;

	for (;;) {
		pid_t r = waitpid(pid, st, WNOHANG);
		long left = end - now_ms();

		if (r == pid || (r < 0 && errno == ECHILD))
			return true;
		if (left <= 0)
			return false;
		if (pidfd >= 0) {
			struct pollfd p = { .fd = pidfd, .events = POLLIN };

			poll(&p, 1, left > 1000 ? 1000 : (int)left);
		} else {
			spm_sleep_ms(left > 20 ? 20 : left);
		}
	}
}

/* In the test's own process: setup, run, cleanup; the verdict in rep. */
static void __attribute__((noreturn))
test_child(const struct spm_test *t, struct test_report *rep, bool cleanup_only)
{
	int ret = PASS;

	if (!in_test)
		setpgid(0, 0);
	in_test = true;
	test_name = t->name;
	if (cleanup_only) {
		t->cleanup();
		fflush(stdout);
		_exit(0);
	}
	if (t->setup)
		ret = t->setup();
	if (ret == PASS)
		ret = t->run();
	if (t->cleanup)
		t->cleanup();
	rep->kind = ret;
	if (ret != PASS) {
		if (test_reason_kind() == ret)
			snprintf(rep->reason, sizeof(rep->reason), "%s",
				 test_reason());
		else
			snprintf(rep->reason, sizeof(rep->reason),
				 "returned %d without a reason", ret);
		if (ret != FAIL && ret != SKIP)
			rep->kind = FAIL;
	}
	rep->done = true;
	fflush(stdout);
	_exit(0);
}

/*
 * Run t (or only its cleanup) in a process group of its own with a
 * deadline of timeout seconds; rep gets the verdict.  Whatever the test
 * left running in its process group is killed when it ends.
 */
static void fork_test(const struct spm_test *t, int timeout, bool cleanup_only,
		      struct test_report *rep)
{
	bool group = !in_test;
	int st = 0, pidfd;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		rep->kind = FAIL;
		snprintf(rep->reason, sizeof(rep->reason), "fork: %s",
			 strerror(errno));
		return;
	}
	if (!pid)
		test_child(t, rep, cleanup_only);
	/* Both sides set the group: no race with an early kill. */
	if (group)
		setpgid(pid, pid);
	pidfd = syscall(SYS_pidfd_open, pid, 0);

	if (!wait_child(pid, pidfd, timeout * 1000L, &st)) {
		kill(group ? -pid : pid, SIGKILL);
		snprintf(rep->reason, sizeof(rep->reason),
			 "timed out after %d s, process group killed%s",
			 timeout, wait_child(pid, pidfd, KILL_WAIT_MS, &st) ?
			 "" : " (still stuck in the kernel)");
		rep->kind = FAIL;
		rep->done = false;
		if (pidfd >= 0)
			close(pidfd);
		return;
	}
	if (pidfd >= 0)
		close(pidfd);
	/* Whatever the test left behind in its process group goes too. */
	if (group)
		kill(-pid, SIGKILL);
	if (rep->done || cleanup_only)
		return;
	rep->kind = FAIL;
	if (WIFSIGNALED(st))
		snprintf(rep->reason, sizeof(rep->reason),
			 "test process killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(rep->reason, sizeof(rep->reason),
			 "test process exited (%d) without a result",
			 WEXITSTATUS(st));
}

static void exec_test(const struct spm_test *t, int timeout,
		      struct test_report *rep)
{
	struct test_report *shared, cleanup_rep;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		rep->kind = FAIL;
		snprintf(rep->reason, sizeof(rep->reason), "mmap: %s",
			 strerror(errno));
		return;
	}
	fork_test(t, timeout, false, shared);
	*rep = *shared;
	munmap(shared, sizeof(*shared));
	/* Killed before its cleanup ran: run it now, for the next tests. */
	if (!rep->done && t->cleanup) {
		printf("# %s: running its cleanup after the kill\n", t->name);
		fork_test(t, CLEANUP_TIMEOUT, true, &cleanup_rep);
		if (cleanup_rep.kind == FAIL)
			printf("# %s: cleanup: %s\n", t->name,
			       cleanup_rep.reason);
	}
}

int run_subtest(const char *name)
{
	const struct spm_test **t;
	struct test_report rep;

	for (t = __start_spm_tests; t < __stop_spm_tests; t++)
		if (!strcmp((*t)->name, name))
			break;
	if (t == __stop_spm_tests)
		return fail("no test called %s", name);
	exec_test(*t, test_timeout, &rep);
	info("%s: %s%s%s", name, rep.kind == PASS ? "ok" :
	     rep.kind == SKIP ? "SKIP" : "not ok", rep.kind ? ": " : "",
	     rep.kind ? rep.reason : "");
	if (rep.kind == PASS)
		return PASS;
	/* What the suite expects of the guest, a test needing it must get. */
	return fail("%s %s: %s", name, rep.kind == SKIP ? "skipped" : "failed",
		    rep.reason);
}

static int cmp_tests(const void *a, const void *b)
{
	const struct spm_test *x = *(const struct spm_test * const *)a;
	const struct spm_test *y = *(const struct spm_test * const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

/* The tests to run, in registry order, reversed or shuffled; their count. */
static size_t select_tests(const struct spm_test **tests, char **filters,
			   int nfilters, const char *guest, bool reverse,
			   long seed)
{
	size_t ntests = __stop_spm_tests - __start_spm_tests, n = 0, i, j;

	memcpy(tests, __start_spm_tests, ntests * sizeof(*tests));
	qsort(tests, ntests, sizeof(*tests), cmp_tests);
	for (i = 0; i < ntests; i++) {
		if (!tests[i]->guest != !guest ||
		    (guest && strcmp(tests[i]->guest, guest)))
			continue;
		for (j = 0; j < (size_t)nfilters; j++)
			if (strstr(tests[i]->name, filters[j]))
				break;
		if (!nfilters || j < (size_t)nfilters)
			tests[n++] = tests[i];
	}
	for (i = 0; reverse && i < n / 2; i++) {
		const struct spm_test *x = tests[i];

		tests[i] = tests[n - 1 - i];
		tests[n - 1 - i] = x;
	}
	if (seed >= 0) {
		/* Fisher-Yates with a generator of our own: same seed, same order. */
		unsigned long long s = seed * 6364136223846793005ULL + 1;

		for (i = n; i > 1; i--) {
			const struct spm_test *x;

			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			j = (s >> 33) % i;
			x = tests[i - 1];
			tests[i - 1] = tests[j];
			tests[j] = x;
		}
	}
	return n;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: spm_selftest [-v] [-t NAME]... [-s NODELIST] [-T SECONDS]\n"
		"                    [--reverse | --shuffle SEED] [--guest wide|hotplug]\n"
		"       spm_selftest -l\n"
		"       spm_selftest --touch SIZE\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "touch", required_argument, NULL, 'X' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "shuffle", required_argument, NULL, 'S' },
		{ "guest", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct spm_test *tests[1024];
	int passed = 0, failed = 0, skipped = 0, nfilters = 0, c;
	const char *spm_arg = NULL, *touch = NULL;
	bool list = false, reverse = false;
	const char *guest = NULL;
	char *filters[64], *end;
	long seed = -1;
	size_t n, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "hlvt:s:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 't':
			if (nfilters == 64) {
				fprintf(stderr, "spm_selftest: too many -t\n");
				return 2;
			}
			filters[nfilters++] = optarg;
			break;
		case 's':
			spm_arg = optarg;
			break;
		case 'T':
			test_timeout = strtol(optarg, &end, 10);
			if (*end || test_timeout <= 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 'X':
			touch = optarg;
			break;
		case 'r':
			reverse = true;
			break;
		case 'G':
			guest = optarg;
			break;
		case 'S':
			seed = strtol(optarg, &end, 10);
			if (*end || seed < 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (reverse && seed >= 0) ||
	    (size_t)(__stop_spm_tests - __start_spm_tests) > 1024) {
		usage(stderr);
		return 2;
	}

	n = select_tests(tests, filters, nfilters, guest, reverse, seed);
	if (list) {
		for (i = 0; i < n; i++)
			printf("%-24s %s\n", tests[i]->name, tests[i]->desc);
		return 0;
	}
	if (suite_init(spm_arg))
		return 2;
	if (touch)
		return touch_main(touch);
	/* Tests that exhaust memory must not take the harness with them. */
	write_file("/proc/self/oom_score_adj", "-1000");

	printf("KTAP version 1\n");
	printf("1..%zu\n", n);
	/* The wide guest's nodes do not fit the suite's 64-bit masks. */
	if (!guest || strcmp(guest, "wide"))
		info("spm nodes %s, sysram nodes %s, %d possible nodes%s",
		     NL(spm_nodes, 0), NL(sysram_nodes, 1), nr_node_ids,
		     reverse ? ", reverse order" : "");
	if (seed >= 0)
		printf("# order shuffled with seed %ld\n", seed);
	for (i = 0; i < n; i++) {
		struct test_report rep;

		exec_test(tests[i], test_timeout, &rep);
		/* A directive is one line. */
		for (end = rep.reason; (end = strchr(end, '\n')); )
			*end = ' ';
		switch (rep.kind) {
		case PASS:
			printf("ok %zu %s\n", i + 1, tests[i]->name);
			passed++;
			break;
		case SKIP:
			printf("ok %zu %s # SKIP %s\n", i + 1, tests[i]->name,
			       rep.reason);
			skipped++;
			break;
		default:
			printf("not ok %zu %s # %s\n", i + 1, tests[i]->name,
			       rep.reason);
			failed++;
		}
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       passed, failed, skipped);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
