// SPDX-License-Identifier: GPL-2.0
/*
 * spm_selftest: run the SPM isolation tests inside the test guest.
 *
 *	spm_selftest [-v] [-t NAME]... [-s NODELIST] [-T SECONDS]
 *	spm_selftest -l
 *	spm_selftest --touch SIZE
 *
 * -t runs the tests whose name contains NAME (repeatable), -l lists the
 * tests, -v prints diagnostics, -s names the nodes that must be SPM (default:
 * spm_nodes= from the kernel command line), -T is the time limit per test.
 * --touch maps SIZE bytes of anonymous memory, writes every page and prints
 * the pages per node: a helper for tests that run it under numactl.
 *
 * One line per test, "PASS name", "FAIL name: reason" or "SKIP name:
 * reason", then "N passed, N failed, N skipped"; the exit code is 1 if a
 * test failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

#define DEFAULT_TIMEOUT	300

nodemask64 spm_nodes;
nodemask64 sysram_nodes;
int nr_node_ids;
bool verbose;
const char *self_exe = "/proc/self/exe";
struct suite_state *suite;

extern const struct spm_test *__start_spm_tests[];
extern const struct spm_test *__stop_spm_tests[];

static const struct spm_test *current_test;
static int test_timeout = DEFAULT_TIMEOUT;
static char reason[512];
static int reason_kind;

static int set_reason(int kind, const char *fmt, va_list ap)
{
	if (!reason_kind) {
		vsnprintf(reason, sizeof(reason), fmt, ap);
		reason_kind = kind;
	}
	return reason_kind;
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(FAIL, fmt, ap);
	va_end(ap);
	return FAIL;
}

int skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(SKIP, fmt, ap);
	va_end(ap);
	return SKIP;
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	printf("# %s: ", current_test ? current_test->name : "spm_selftest");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

/* ---- node lists ---- */

int nodelist_parse(const char *s, nodemask64 *mask)
{
	nodemask64 m = 0;
	char *end;

	while (*s == ' ')
		s++;
	while (*s && *s != '\n') {
		long a, b;

		a = strtol(s, &end, 10);
		if (end == s || a < 0 || a >= MAX_NODES)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= MAX_NODES)
				return -EINVAL;
			s = end;
		}
		for (; a <= b; a++)
			m |= NODE_BIT(a);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	*mask = m;
	return 0;
}

char *nodelist_format(nodemask64 mask, char *buf, size_t len)
{
	size_t n = 0;
	int a, b;

	buf[0] = '\0';
	for (a = 0; a < MAX_NODES; a++) {
		if (!(mask & NODE_BIT(a)))
			continue;
		for (b = a; b + 1 < MAX_NODES && (mask & NODE_BIT(b + 1)); b++)
			;
		if (b == a)
			n += snprintf(buf + n, len - n, "%s%d", n ? "," : "", a);
		else
			n += snprintf(buf + n, len - n, "%s%d-%d",
				      n ? "," : "", a, b);
		if (n >= len)
			break;
		a = b;
	}
	return buf;
}

int nodemask_first(nodemask64 mask)
{
	return mask ? __builtin_ctzll(mask) : -1;
}

/* ---- files and counters ---- */

int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		total += n;
	}
	buf[total] = '\0';
	close(fd);
	return total;
}

int write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(s))
		ret = -EIO;
	close(fd);
	return ret;
}

int read_long(const char *path, long *val)
{
	char buf[64], *end;
	int ret;

	ret = read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	*val = strtol(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

static long find_key(const char *path, const char *key)
{
	static char buf[64 * 1024];
	size_t klen = strlen(key);
	char *line;

	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return strtol(line + klen + 1, NULL, 10);
	}
	return -1;
}

long node_vmstat(int nid, const char *key)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/vmstat",
		 nid);
	return find_key(path, key);
}

long proc_vmstat(const char *key)
{
	return find_key("/proc/vmstat", key);
}

long node_meminfo_kb(int nid, const char *key)
{
	char path[128], buf[8192], name[64], *line;
	long val;
	int n;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 nid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (sscanf(line, "Node %d %63[^:]: %ld", &n, name, &val) == 3 &&
		    !strcmp(name, key))
			return val;
	return -1;
}

/* ---- system calls ---- */

/* get_nodes() in the kernel reads maxnode - 1 bits. */
#define MAXNODE	(MAX_NODES + 1)

long sys_mbind(void *addr, unsigned long len, int mode, nodemask64 mask,
	       unsigned int flags)
{
	unsigned long m = mask;

	return syscall(SYS_mbind, addr, len, mode, &m, MAXNODE, flags);
}

long sys_set_mempolicy(int mode, nodemask64 mask)
{
	unsigned long m = mask;

	return syscall(SYS_set_mempolicy, mode, mode == MPOL_DEFAULT ? NULL : &m,
		       MAXNODE);
}

long sys_migrate_pages(int pid, nodemask64 from, nodemask64 to)
{
	unsigned long f = from, t = to;

	return syscall(SYS_migrate_pages, pid, MAXNODE, &f, &t);
}

long sys_move_pages(int pid, unsigned long count, void **pages,
		    const int *nodes, int *status, int flags)
{
	return syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);
}

/* ---- page placement ---- */

#define QUERY_BATCH	4096

long pages_nodes(int pid, void *addr, size_t len, long *hist)
{
	static void *pages[QUERY_BATCH];
	static int status[QUERY_BATCH];
	long psz = sysconf(_SC_PAGESIZE);
	size_t npages = len / psz, i, done;

	memset(hist, 0, HIST_LEN * sizeof(*hist));
	for (done = 0; done < npages; done += i) {
		size_t n = npages - done < QUERY_BATCH ? npages - done :
							  QUERY_BATCH;

		for (i = 0; i < n; i++) {
			pages[i] = (char *)addr + (done + i) * psz;
			status[i] = -1000;
		}
		if (sys_move_pages(pid, n, pages, NULL, status, 0) < 0)
			return -errno;
		for (i = 0; i < n; i++) {
			if (status[i] >= 0 && status[i] < MAX_NODES)
				hist[status[i]]++;
			else
				hist[MAX_NODES]++;
		}
	}
	return npages;
}

long hist_on(const long *hist, nodemask64 mask)
{
	long sum = 0;
	int n;

	for (n = 0; n < MAX_NODES; n++)
		if (mask & NODE_BIT(n))
			sum += hist[n];
	return sum;
}

long hist_placed(const long *hist)
{
	return hist_on(hist, ~(nodemask64)0);
}

char *hist_format(const long *hist, char *buf, size_t len)
{
	size_t n = 0;
	int nid;

	buf[0] = '\0';
	for (nid = 0; nid < nr_node_ids && n < len; nid++)
		n += snprintf(buf + n, len - n, "%sn%d=%ld", nid ? " " : "",
			      nid, hist[nid]);
	if (n < len)
		snprintf(buf + n, len - n, " none=%ld", hist[MAX_NODES]);
	return buf;
}

void touch(void *addr, size_t len)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t off;

	for (off = 0; off < len; off += psz)
		((volatile char *)addr)[off] = 1;
}

void *map_touch(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	touch(p, len);
	return p;
}

int run_cmd(const char *cmd, char *out, size_t outlen)
{
	char drain[4096];
	size_t n = 0, r;
	FILE *f;
	int st;

	fflush(stdout);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (n < outlen - 1 && (r = fread(out + n, 1, outlen - 1 - n, f)) > 0)
		n += r;
	out[n] = '\0';
	/* Drain the rest: the command must not die of SIGPIPE. */
	while (fread(drain, 1, sizeof(drain), f) > 0)
		;
	st = pclose(f);
	if (st < 0)
		return -1;
	if (!WIFEXITED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K':
		v *= KiB;
		end++;
		break;
	case 'm': case 'M':
		v *= MiB;
		end++;
		break;
	case 'g': case 'G':
		v *= 1024 * MiB;
		end++;
		break;
	}
	return *end || end == s ? 0 : v;
}

/* ---- the test module ---- */

bool module_loaded(void)
{
	return access(SPM_TEST_ALLOC, W_OK) == 0;
}

int module_alloc(const char *cmd, struct mod_result *res)
{
	char buf[2048], *tok, *save;
	int fd, ret = 0, n;
	long v;

	memset(res, 0, sizeof(*res));
	fd = open(SPM_TEST_ALLOC, O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		ret = -errno;
	/* A failed command may still have a result (e.g. -EIO). */
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return ret ? ret : -EPROTO;
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (sscanf(tok, "ok=%ld", &v) == 1)
			res->ok = v;
		else if (sscanf(tok, "fail=%ld", &v) == 1)
			res->fail = v;
		else if (sscanf(tok, "n%d=%ld", &n, &v) == 2 && n >= 0 &&
			 n < MAX_NODES)
			res->node[n] = v;
		else
			return -EPROTO;
	}
	/* Every page the module got on an SPM node, for the counter test. */
	for (n = 0; n < MAX_NODES; n++)
		if (spm_nodes & NODE_BIT(n))
			__atomic_add_fetch(&suite->module_spm_pages[n],
					   res->node[n], __ATOMIC_SEQ_CST);
	return ret;
}

char *mod_result_format(const struct mod_result *r, char *buf, size_t len)
{
	size_t n;
	int nid;

	n = snprintf(buf, len, "ok=%ld fail=%ld", r->ok, r->fail);
	for (nid = 0; nid < nr_node_ids && n < len; nid++)
		n += snprintf(buf + n, len - n, " n%d=%ld", nid, r->node[nid]);
	return buf;
}

/* ---- checks shared by the suites ---- */

char nl_buf[2][128];
char hist_buf[512];
char res_buf[512];

int need_spm(void)
{
	if (!spm_nodes)
		return skip("no SPM nodes expected: boot with spm_nodes= or pass -s");
	if (!sysram_nodes)
		return skip("no system RAM node besides the SPM nodes");
	return PASS;
}

int need_module(void)
{
	int ret = need_spm();

	if (ret != PASS)
		return ret;
	if (!module_loaded())
		return fail("%s missing: spm_test.ko is not loaded", SPM_TEST_ALLOC);
	return PASS;
}

int check_sysram(int pid, void *addr, size_t len, const char *what)
{
	long hist[HIST_LEN], n;

	n = pages_nodes(pid, addr, len, hist);
	CHECK(n >= 0, "%s: move_pages query: %s", what, strerror(-n));
	info("%s: %s", what, HIST(hist));
	CHECK(!hist_on(hist, spm_nodes), "%s: %ld of %ld pages on SPM nodes (%s)",
	      what, hist_on(hist, spm_nodes), n, HIST(hist));
	CHECK(hist_on(hist, sysram_nodes) == n,
	      "%s: only %ld of %ld pages found on system RAM (%s)", what,
	      hist_on(hist, sysram_nodes), n, HIST(hist));
	return PASS;
}

int check_spread(const long *hist, long n, const char *what)
{
	int nid;

	if (__builtin_popcountll(sysram_nodes) < 2)
		return PASS;
	for (nid = 0; nid < MAX_NODES; nid++)
		if ((sysram_nodes & NODE_BIT(nid)) &&
		    hist[nid] * 2 * __builtin_popcountll(sysram_nodes) < n)
			return fail("%s: not interleaved over system RAM (%s)",
				    what, HIST(hist));
	return PASS;
}

void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int parse_hist(const char *s, long *hist)
{
	char *copy = strdup(s), *tok, *save;
	int nid, found = 0;
	long v;

	memset(hist, 0, HIST_LEN * sizeof(*hist));
	for (tok = strtok_r(copy, "\n ", &save); tok;
	     tok = strtok_r(NULL, "\n ", &save)) {
		if (sscanf(tok, "n%d=%ld", &nid, &v) == 2 && nid >= 0 &&
		    nid < MAX_NODES) {
			hist[nid] = v;
			found++;
		} else if (sscanf(tok, "none=%ld", &v) == 1) {
			hist[MAX_NODES] = v;
		} else {
			found = 0;
			break;
		}
	}
	free(copy);
	return found ? 0 : -EINVAL;
}

int mod(const char *cmd, struct mod_result *res)
{
	int r = module_alloc(cmd, res);

	info("'%s': %s%s%s", cmd, r ? strerror(-r) : "", r ? " " : "", RES(res));
	CHECK(!r, "'%s': %s", cmd, strerror(-r));
	return PASS;
}

int mod_sysram(const char *cmd, long min_ok)
{
	struct mod_result res;
	long on_spm = 0;
	int nid;

	if (mod(cmd, &res) != PASS)
		return FAIL;
	for (nid = 0; nid < MAX_NODES; nid++)
		if (spm_nodes & NODE_BIT(nid))
			on_spm += res.node[nid];
	CHECK(!on_spm, "'%s': %ld pages on SPM nodes (%s)", cmd, on_spm,
	      RES(&res));
	CHECK(res.ok >= min_ok, "'%s': only %ld pages allocated (%s)", cmd,
	      res.ok, RES(&res));
	return PASS;
}

int mod_on(const char *cmd, int nid, long count)
{
	struct mod_result res;

	if (mod(cmd, &res) != PASS)
		return FAIL;
	CHECK(res.ok == count && res.node[nid] == count,
	      "'%s': expected all %ld pages on node %d, got %s", cmd, count,
	      nid, RES(&res));
	return PASS;
}

/* ---- the runner ---- */

static int cmp_tests(const void *a, const void *b)
{
	const struct spm_test *x = *(const struct spm_test * const *)a;
	const struct spm_test *y = *(const struct spm_test * const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

static void discover_nodes(const char *spm_arg)
{
	char buf[4096], *p;
	nodemask64 mask;

	if (read_file("/sys/devices/system/node/possible", buf,
		      sizeof(buf)) >= 0 && !nodelist_parse(buf, &mask) && mask)
		nr_node_ids = 64 - __builtin_clzll(mask);
	if (read_file("/sys/devices/system/node/has_memory", buf,
		      sizeof(buf)) < 0 || nodelist_parse(buf, &sysram_nodes))
		sysram_nodes = 0;

	if (spm_arg) {
		if (nodelist_parse(spm_arg, &spm_nodes)) {
			fprintf(stderr, "spm_selftest: bad node list '%s'\n",
				spm_arg);
			exit(2);
		}
	} else if (read_file("/proc/cmdline", buf, sizeof(buf)) >= 0) {
		for (p = strtok(buf, " \n"); p; p = strtok(NULL, " \n"))
			if (!strncmp(p, "spm_nodes=", 10) &&
			    nodelist_parse(p + 10, &spm_nodes))
				spm_nodes = 0;
	}
	sysram_nodes &= ~spm_nodes;
}

static void snapshot_counters(void)
{
	int n;

	for (n = 0; n < MAX_NODES; n++) {
		suite->start_admit[n] = suite->start_deny[n] =
			suite->start_fallback[n] = -1;
		if (n >= nr_node_ids)
			continue;
		suite->start_admit[n] = node_vmstat(n, "spm_admit");
		suite->start_deny[n] = node_vmstat(n, "spm_deny");
		suite->start_fallback[n] = node_vmstat(n, "spm_fallback");
	}
}

struct test_report {
	int kind;
	char reason[512];
};

/* In the test's own process: setup, run, cleanup; report through fd. */
static void __noreturn test_child(const struct spm_test *t, int fd,
				   int timeout)
{
	struct test_report rep = { 0 };
	int ret = PASS;

	setpgid(0, 0);
	alarm(timeout);
	current_test = t;
	if (t->setup)
		ret = t->setup();
	if (ret == PASS)
		ret = t->run();
	if (t->cleanup)
		t->cleanup();
	rep.kind = ret;
	if (ret != PASS) {
		if (reason_kind == ret)
			snprintf(rep.reason, sizeof(rep.reason), "%s", reason);
		else
			snprintf(rep.reason, sizeof(rep.reason),
				 "returned %d without a reason", ret);
		if (ret != FAIL && ret != SKIP)
			rep.kind = FAIL;
	}
	fflush(stdout);
	if (write(fd, &rep, sizeof(rep)) != sizeof(rep))
		_exit(3);
	_exit(0);
}

/* Run t in a process of its own; rep gets its verdict and reason. */
static void exec_test(const struct spm_test *t, int timeout,
		      struct test_report *rep)
{
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	rep->kind = FAIL;
	fflush(stdout);
	if (pipe(fds)) {
		snprintf(rep->reason, sizeof(rep->reason), "pipe: %s",
			 strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(rep->reason, sizeof(rep->reason), "fork: %s",
			 strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (!pid) {
		close(fds[0]);
		test_child(t, fds[1], timeout);
	}
	close(fds[1]);
	/* The report fits in the pipe: wait first, then read it. */
	waitpid(pid, &st, 0);
	/* Whatever the test left behind in its process group goes too. */
	kill(-pid, SIGKILL);
	n = read(fds[0], rep, sizeof(*rep));
	close(fds[0]);

	if (n != sizeof(*rep)) {
		rep->kind = FAIL;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
			snprintf(rep->reason, sizeof(rep->reason),
				 "timed out after %d s", timeout);
		else if (WIFSIGNALED(st))
			snprintf(rep->reason, sizeof(rep->reason),
				 "test process killed by signal %d (%s)",
				 WTERMSIG(st), strsignal(WTERMSIG(st)));
		else
			snprintf(rep->reason, sizeof(rep->reason),
				 "test process exited (%d) without a result",
				 WEXITSTATUS(st));
	}
}

static int run_test(const struct spm_test *t, int timeout)
{
	struct test_report rep;

	exec_test(t, timeout, &rep);
	if (rep.kind == PASS)
		printf("PASS %s\n", t->name);
	else
		printf("%s %s: %s\n", rep.kind == SKIP ? "SKIP" : "FAIL",
		       t->name, rep.reason);
	return rep.kind;
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
	info("%s: %s%s%s", name, rep.kind == PASS ? "PASS" :
	     rep.kind == SKIP ? "SKIP" : "FAIL", rep.kind ? ": " : "",
	     rep.kind ? rep.reason : "");
	if (rep.kind == PASS)
		return PASS;
	/* What the suite expects of the guest, a test needing it must get. */
	return fail("%s %s: %s", name, rep.kind == SKIP ? "skipped" : "failed",
		    rep.reason);
}

static int touch_mode(const char *size)
{
	long hist[HIST_LEN];
	size_t len = parse_size(size);
	char buf[1024];
	void *p;

	if (!len) {
		fprintf(stderr, "spm_selftest: bad size '%s'\n", size);
		return 2;
	}
	p = map_touch(len);
	if (!p) {
		perror("spm_selftest: mmap");
		return 1;
	}
	if (pages_nodes(0, p, len, hist) < 0) {
		perror("spm_selftest: move_pages");
		return 1;
	}
	printf("%s\n", hist_format(hist, buf, sizeof(buf)));
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: spm_selftest [-v] [-t NAME]... [-s NODELIST] [-T SECONDS]\n"
		"       spm_selftest -l\n"
		"       spm_selftest --touch SIZE\n"
		"       spm_selftest --demo\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "touch", required_argument, NULL, 'X' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *filters[64], *spm_arg = NULL;
	int nfilters = 0, timeout = DEFAULT_TIMEOUT;
	int passed = 0, failed = 0, skipped = 0;
	const struct spm_test **tests;
	bool list = false, demo = false;
	size_t ntests, i;
	int c, j;

	static char exe[4096];
	ssize_t len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		self_exe = exe;
	}
	while ((c = getopt_long(argc, argv, "hlvt:s:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 't':
			if (nfilters < 64)
				filters[nfilters++] = optarg;
			break;
		case 's':
			spm_arg = optarg;
			break;
		case 'T':
			timeout = atoi(optarg);
			break;
		case 'X':
			discover_nodes(spm_arg);
			return touch_mode(optarg);
		case 'D':
			demo = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || timeout <= 0) {
		usage(stderr);
		return 2;
	}
	test_timeout = timeout;

	ntests = __stop_spm_tests - __start_spm_tests;
	tests = malloc(ntests * sizeof(*tests));
	if (!tests)
		return 1;
	memcpy(tests, __start_spm_tests, ntests * sizeof(*tests));
	qsort(tests, ntests, sizeof(*tests), cmp_tests);

	if (list) {
		for (i = 0; i < ntests; i++)
			printf("%-24s %s\n", tests[i]->name, tests[i]->desc);
		return 0;
	}

	discover_nodes(spm_arg);
	suite = mmap(NULL, sizeof(*suite), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (suite == MAP_FAILED) {
		perror("spm_selftest: mmap");
		return 1;
	}
	if (demo)
		return demo_main();
	snapshot_counters();
	/* Tests that exhaust memory must not take the runner with them. */
	write_file("/proc/self/oom_score_adj", "-1000");
	if (verbose) {
		char a[256], b[256];

		info("spm nodes %s, sysram nodes %s, %d possible nodes",
		     nodelist_format(spm_nodes, a, sizeof(a)),
		     nodelist_format(sysram_nodes, b, sizeof(b)), nr_node_ids);
	}

	for (i = 0; i < ntests; i++) {
		const struct spm_test *t = tests[i];

		if (nfilters) {
			for (j = 0; j < nfilters; j++)
				if (strstr(t->name, filters[j]))
					break;
			if (j == nfilters)
				continue;
		}
		switch (run_test(t, timeout)) {
		case PASS:
			passed++;
			break;
		case SKIP:
			skipped++;
			break;
		default:
			failed++;
		}
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
