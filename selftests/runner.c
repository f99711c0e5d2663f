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
#include <linux/bpf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
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
	/*
	 * A command that ran and failed has a result (-EIO); one refused
	 * (-EINVAL) left the previous command's, which must not be counted
	 * again.
	 */
	if (ret && ret != -EIO) {
		close(fd);
		return ret;
	}
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
		else if (sscanf(tok, "ns=%lld", &res->ns) == 1)
			;
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

int check_on(int pid, void *addr, size_t len, nodemask64 mask,
	     const char *what, long *hist)
{
	long h[HIST_LEN], n;

	if (!hist)
		hist = h;
	n = pages_nodes(pid, addr, len, hist);
	CHECK(n >= 0, "%s: move_pages query: %s", what, strerror(-n));
	info("%s: %s", what, HIST(hist));
	CHECK(hist_on(hist, mask) == n,
	      "%s: %ld of %ld pages on nodes %s (%s)", what,
	      hist_on(hist, mask), n, NL(mask, 0), HIST(hist));
	return PASS;
}

/* ---- memory policies ---- */

const char *mpol_name(int mode)
{
	switch (mode) {
	case MPOL_DEFAULT:		return "MPOL_DEFAULT";
	case MPOL_PREFERRED:		return "MPOL_PREFERRED";
	case MPOL_BIND:			return "MPOL_BIND";
	case MPOL_INTERLEAVE:		return "MPOL_INTERLEAVE";
	case MPOL_LOCAL:		return "MPOL_LOCAL";
	case MPOL_PREFERRED_MANY:	return "MPOL_PREFERRED_MANY";
	case MPOL_WEIGHTED_INTERLEAVE:	return "MPOL_WEIGHTED_INTERLEAVE";
	}
	return "?";
}

void *map_policy(size_t len, int mode, nodemask64 mask, bool vma)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long r;
	int err;

	if (p == MAP_FAILED)
		return NULL;
	if (vma)
		r = sys_mbind(p, len, mode, mask, 0);
	else
		r = sys_set_mempolicy(mode, mask);
	if (r) {
		err = errno;
		munmap(p, len);
		errno = err;
		return NULL;
	}
	touch(p, len);
	if (!vma)
		sys_set_mempolicy(MPOL_DEFAULT, 0);
	return p;
}

int policy_on(int mode, nodemask64 mask, bool vma, nodemask64 on,
	      size_t len, long *hist)
{
	char what[160];
	void *p;
	int r;

	snprintf(what, sizeof(what), "%s(%s, %s)",
		 vma ? "mbind" : "set_mempolicy", mpol_name(mode),
		 nodelist_format(mask, nl_buf[1], sizeof(nl_buf[1])));
	p = map_policy(len, mode, mask, vma);
	CHECK(p, "%s: %s", what, strerror(errno));
	r = check_on(0, p, len, on, what, hist);
	munmap(p, len);
	return r;
}

int policy_refused(int mode, nodemask64 mask, bool vma)
{
	size_t len = 2 * MiB;
	long hist[HIST_LEN];
	void *p;

	p = map_policy(len, mode, mask, vma);
	if (!p && errno == EINVAL)
		return PASS;
	if (!p)
		return fail("%s(%s, %s): %s, expected EINVAL",
			    vma ? "mbind" : "set_mempolicy", mpol_name(mode),
			    NL(mask, 0), strerror(errno));
	pages_nodes(0, p, len, hist);
	munmap(p, len);
	return fail("%s(%s, %s) succeeded (pages: %s), expected EINVAL",
		    vma ? "mbind" : "set_mempolicy", mpol_name(mode),
		    NL(mask, 0), HIST(hist));
}

/* ---- cgroups ---- */

const char *test_reason(void)
{
	return reason_kind ? reason : "";
}

int fail_prefix(const char *prefix)
{
	char old[sizeof(reason)];
	int n;

	if (!reason_kind)
		return fail("%s: failed without a reason", prefix);
	memcpy(old, reason, sizeof(old));
	n = snprintf(reason, sizeof(reason), "%s: ", prefix);
	if (n > 0 && (size_t)n < sizeof(reason))
		memcpy(reason + n, old, sizeof(reason) - n - 1);
	reason[sizeof(reason) - 1] = '\0';
	return reason_kind;
}

/* make_cgroup() enabled the memory controller, which was off. */
static bool memory_enabled;

int make_cgroup(const char *rel)
{
	char path[256], *slash, ctl[256];
	int r;

	if (read_file(CGROUP_ROOT "/cgroup.subtree_control", ctl,
		      sizeof(ctl)) >= 0 && !strstr(ctl, "memory"))
		memory_enabled = true;
	r = write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory +cpuset");
	CHECK(!r, "enable the memory and cpuset controllers: %s", strerror(-r));
	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", rel);
	/* the parents first */
	for (slash = strchr(path + strlen(CGROUP_ROOT) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		r = mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
		*slash = '/';
		CHECK(!r, "mkdir %.*s: %s", (int)(slash - path), path,
		      strerror(-r));
	}
	CHECK(!mkdir(path, 0755) || errno == EEXIST, "mkdir %s: %s", path,
	      strerror(errno));
	return PASS;
}

/* Depth first: children before their parent. */
static void remove_cgroup_dir(const char *path)
{
	char sub[512], buf[64];
	struct dirent *de;
	int tries;
	DIR *d;

	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		remove_cgroup_dir(sub);
	}
	closedir(d);
	snprintf(sub, sizeof(sub), "%s/cgroup.kill", path);
	write_file(sub, "1");
	snprintf(sub, sizeof(sub), "%s/cgroup.events", path);
	for (tries = 0; tries < 500; tries++) {
		if (read_file(sub, buf, sizeof(buf)) < 0 ||
		    strstr(buf, "populated 0"))
			break;
		usleep(10000);
	}
	rmdir(path);
}

void remove_cgroup(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", rel);
	remove_cgroup_dir(path);
}

void restore_cgroup_controllers(void)
{
	if (memory_enabled &&
	    !write_file(CGROUP_ROOT "/cgroup.subtree_control", "-memory"))
		memory_enabled = false;
}

unsigned long long cgroup_id(const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s", rel);
	return stat(path, &st) ? 0 : st.st_ino;
}

struct child_report {
	int kind;
	char reason[512];
};

int in_cgroup(const char *rel, int (*fn)(void *arg), void *arg)
{
	struct child_report *rep;
	char path[256], pid[32];
	int st, kind;
	pid_t child;

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(rep != MAP_FAILED, "mmap: %s", strerror(errno));
	rep->kind = -1;
	fflush(stdout);
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (!child) {
		int r = PASS;

		if (rel) {
			snprintf(path, sizeof(path),
				 CGROUP_ROOT "/%s/cgroup.procs", rel);
			snprintf(pid, sizeof(pid), "%d", getpid());
			r = write_file(path, pid);
			if (r)
				r = fail("move into %s: %s", path,
					 strerror(-r));
		}
		if (r == PASS)
			r = fn(arg);
		snprintf(rep->reason, sizeof(rep->reason), "%s",
			 test_reason());
		rep->kind = r;
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, &st, 0);
	kind = rep->kind;
	if (kind == PASS) {
		munmap(rep, sizeof(*rep));
		return PASS;
	}
	if (kind == FAIL || kind == SKIP)
		(kind == FAIL ? fail : skip)("in %s: %s", rel ? rel : "a child",
					     rep->reason);
	else if (WIFSIGNALED(st))
		kind = fail("in %s: the child was killed by signal %d (%s)",
			    rel ? rel : "a child", WTERMSIG(st),
			    strsignal(WTERMSIG(st)));
	else
		kind = fail("in %s: the child exited (%d) without a result",
			    rel ? rel : "a child", WEXITSTATUS(st));
	munmap(rep, sizeof(*rep));
	return kind;
}

/* ---- spm_ops: sysfs, spm-loader, BPF maps ---- */

/* Read SPM_SYSFS/attr without the trailing newline. 0 or -errno. */
int spm_attr(const char *attr, char *buf, size_t len)
{
	char path[128];
	int r;

	snprintf(path, sizeof(path), SPM_SYSFS "/%s", attr);
	r = read_file(path, buf, len);
	if (r < 0) {
		buf[0] = '\0';
		return r;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

long spm_attr_long(const char *attr)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), SPM_SYSFS "/%s", attr);
	return read_long(path, &v) ? -1 : v;
}

bool state_is(const char *want)
{
	char state[32];

	return !spm_attr("state", state, sizeof(state)) && !strcmp(state, want);
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

bool wait_state(const char *want, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (state_is(want))
			return true;
		sleep_ms(20);
	}
	return state_is(want);
}

/* The attached policy is @name, enabled. */
int check_attached(const char *name)
{
	char state[32], ops[80];

	spm_attr("state", state, sizeof(state));
	spm_attr("ops", ops, sizeof(ops));
	CHECK(!strcmp(state, "enabled") && !strcmp(ops, name),
	      "state '%s', ops '%s': expected enabled, %s", state, ops, name);
	return PASS;
}

/* No policy attached, the built-in rule in force. */
int check_detached(void)
{
	char state[32], ops[80];

	spm_attr("state", state, sizeof(state));
	spm_attr("ops", ops, sizeof(ops));
	CHECK(!strcmp(state, "disabled") && !ops[0],
	      "state '%s', ops '%s': expected disabled, no policy", state, ops);
	return PASS;
}

/* ---- spm-loader ---- */


struct loader fg;

/* Run "spm-loader ARGS" to completion, stdout and stderr in out. */
int loader_cmd(const char *args, char *out, size_t len)
{
	char cmd[512];
	int r;

	snprintf(cmd, sizeof(cmd), LOADER " %s 2>&1", args);
	r = run_cmd(cmd, out, len);
	info("spm-loader %s: exit %d: %s", args, r, out);
	return r;
}

int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Did the loader exit?  Waits up to ms. */
bool loader_wait(struct loader *l, int ms)
{
	for (;;) {
		if (l->exited)
			return true;
		if (waitpid(l->pid, &l->status, WNOHANG) == l->pid) {
			l->exited = true;
			return true;
		}
		if (ms <= 0)
			return false;
		sleep_ms(20);
		ms -= 20;
	}
}

void loader_output(const struct loader *l, char *buf, size_t len)
{
	if (read_file(l->log, buf, len) < 0)
		buf[0] = '\0';
}

/*
 * Start "spm-loader attach OBJ ARGS" in the foreground and wait until it
 * says the policy NAME is attached and the kernel agrees.
 */
int loader_start(const char *obj, const char *args, const char *name)
{
	char out[4096], want[128];
	int ms;

	snprintf(fg.log, sizeof(fg.log), "/tmp/spm-loader.%d.log", getpid());
	fg.exited = false;
	fflush(stdout);
	fg.pid = fork();
	CHECK(fg.pid >= 0, "fork: %s", strerror(errno));
	if (!fg.pid) {
		int fd = open(fg.log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execl("/bin/sh", "sh", "-c",
		      "exec " LOADER " attach \"$0\" $1", obj, args ? args : "",
		      (char *)NULL);
		_exit(127);
	}

	snprintf(want, sizeof(want), "spm-loader: policy %s attached\n", name);
	for (ms = 0; ms < WAIT_MS; ms += 20) {
		loader_output(&fg, out, sizeof(out));
		if (strstr(out, want))
			break;
		if (loader_wait(&fg, 0))
			return fail("spm-loader attach %s %s exited (status %#x) before attaching: %s",
				    obj, args ? args : "", fg.status, out);
		sleep_ms(20);
	}
	CHECK(ms < WAIT_MS, "spm-loader attach %s: no '%.*s' after %d s: %s",
	      obj, (int)strlen(want) - 1, want, WAIT_MS / 1000, out);
	info("loader %d: %s", fg.pid, out);
	return check_attached(name);
}

/* Signal the foreground loader and wait for it to exit. */
int loader_stop(int sig)
{
	char out[4096];

	CHECK(fg.pid > 0, "no loader running");
	if (!fg.exited)
		kill(fg.pid, sig);
	if (!loader_wait(&fg, WAIT_MS)) {
		loader_output(&fg, out, sizeof(out));
		return fail("spm-loader did not exit within %d s of signal %d: %s",
			    WAIT_MS / 1000, sig, out);
	}
	return PASS;
}

/* Attach with --pin: the loader must say so and exit 0. */
int attach_pinned(const char *obj, const char *args, const char *name)
{
	char cmd[256], out[4096], want[160];
	int r;

	snprintf(cmd, sizeof(cmd), "attach %s --pin %s", obj, args ? args : "");
	r = loader_cmd(cmd, out, sizeof(out));
	CHECK(r == 0, "spm-loader %s: exit %d: %s", cmd, r, out);
	snprintf(want, sizeof(want),
		 "spm-loader: policy %s attached and pinned at " PIN_PATH "\n",
		 name);
	CHECK(strstr(out, want), "spm-loader %s: no '%.*s' in: %s", cmd,
	      (int)strlen(want) - 1, want, out);
	CHECK(!access(PIN_PATH, F_OK), "spm-loader %s: no pin at %s", cmd,
	      PIN_PATH);
	return check_attached(name);
}

int detach(const char *name)
{
	char out[4096], want[128];
	int r;

	r = loader_cmd("detach", out, sizeof(out));
	CHECK(r == 0, "spm-loader detach: exit %d: %s", r, out);
	snprintf(want, sizeof(want), "spm-loader: policy %s detached\n", name);
	CHECK(strstr(out, want), "spm-loader detach: no '%.*s' in: %s",
	      (int)strlen(want) - 1, want, out);
	CHECK(access(PIN_PATH, F_OK) && errno == ENOENT,
	      "%s still exists after spm-loader detach", PIN_PATH);
	CHECK(access(PIN_MAPS, F_OK) && errno == ENOENT,
	      "%s still exists after spm-loader detach", PIN_MAPS);
	return check_detached();
}

/* ---- setup and cleanup ---- */

/* Leave no policy attached, whatever state a test left. */
void reset_spm(void)
{
	char out[4096];

	if (fg.pid > 0) {
		if (!fg.exited) {
			kill(fg.pid, SIGTERM);
			if (!loader_wait(&fg, WAIT_MS)) {
				kill(fg.pid, SIGKILL);
				loader_wait(&fg, WAIT_MS);
			}
		}
		unlink(fg.log);
		fg.pid = 0;
	}
	if (!access(PIN_PATH, F_OK))
		loader_cmd("detach", out, sizeof(out));
	if (!state_is("disabled")) {
		write_file(SPM_SYSFS "/state", "disabled");
		wait_state("disabled", WAIT_MS);
	}
}

void cleanup_policy(void)
{
	reset_spm();
}

/* ---- BPF maps, read with the bpf() system call ---- */

long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int possible_cpus(void)
{
	char buf[256];
	nodemask64 mask;

	/* The CPU list parses like a node list; this guest has few CPUs. */
	if (read_file("/sys/devices/system/cpu/possible", buf, sizeof(buf)) < 0 ||
	    nodelist_parse(buf, &mask) || !mask)
		return -1;
	return 64 - __builtin_clzll(mask);
}

/* An fd of the BPF map pinned at path, its info in info; or -errno. */
int pinned_map(const char *path, struct bpf_map_info *info)
{
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	fd = sys_bpf(BPF_OBJ_GET, &attr);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (__u64)(unsigned long)info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Exactly one line of output, containing each of the words. */
int check_one_line(const char *what, const char *out,
			  const char * const *words)
{
	CHECK(count_lines(out) == 1, "%s: %d lines of output, expected one: %s",
	      what, count_lines(out), out);
	for (; *words; words++)
		CHECK(strstr(out, *words), "%s: no '%s' in: %s", what, *words,
		      out);
	return PASS;
}

/* The foreground loader detaches on SIGTERM and says so. */
int stop_detached(const char *name)
{
	char out[4096], want[128];
	int r;

	r = loader_stop(SIGTERM);
	if (r != PASS)
		return r;
	loader_output(&fg, out, sizeof(out));
	snprintf(want, sizeof(want), "spm-loader: policy %s detached\n", name);
	CHECK(WIFEXITED(fg.status) && WEXITSTATUS(fg.status) == 0 &&
	      strstr(out, want),
	      "after SIGTERM the loader ended with status %#x: %s", fg.status,
	      out);
	return check_detached();
}

int read_verdicts(struct verdicts *v)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	unsigned long long *val;
	int fd, ncpu, cpu;
	__u32 key;
	size_t stride;

	memset(v, 0, sizeof(*v));
	ncpu = possible_cpus();
	CHECK(ncpu > 0, "cannot read the possible CPUs");
	fd = pinned_map(VERDICTS_PIN, &info);
	CHECK(fd >= 0, "%s: %s", VERDICTS_PIN, strerror(-fd));
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY || info.value_size != 16 ||
	    info.max_entries < NR_SPM_REASONS) {
		close(fd);
		return fail("map verdicts: type %u, value size %u, %u entries: not a map of verdicts",
			    info.type, info.value_size, info.max_entries);
	}
	stride = (info.value_size + 7) / 8;
	val = calloc(ncpu, stride * 8);
	if (!val) {
		close(fd);
		return fail("out of memory");
	}
	for (key = 0; key < NR_SPM_REASONS; key++) {
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (__u64)(unsigned long)&key;
		attr.value = (__u64)(unsigned long)val;
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr)) {
			int err = errno;

			free(val);
			close(fd);
			return fail("map verdicts, key %u: %s", key,
				    strerror(err));
		}
		for (cpu = 0; cpu < ncpu; cpu++) {
			v->admit[key] += val[cpu * stride];
			v->deny[key] += val[cpu * stride + 1];
		}
	}
	free(val);
	close(fd);
	return PASS;
}

unsigned long long verdict_sum(const unsigned long long *a)
{
	unsigned long long s = 0;
	int i;

	for (i = 0; i < NR_SPM_REASONS; i++)
		s += a[i];
	return s;
}

int hard_verdict_totals(unsigned long long *admit, unsigned long long *deny)
{
	struct verdicts v;

	if (read_verdicts(&v) != PASS)
		return -1;
	*admit = verdict_sum(v.admit);
	*deny = verdict_sum(v.deny);
	return 0;
}

/* "reason:+admit/+deny ..." for the reasons that moved from a to b. */
char *verdicts_delta(const struct verdicts *a, const struct verdicts *b)
{
	static char buf[512];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NR_SPM_REASONS && n < sizeof(buf); i++)
		if (b->admit[i] != a->admit[i] || b->deny[i] != a->deny[i])
			n += snprintf(buf + n, sizeof(buf) - n, "%s%d:+%llu/+%llu",
				      n ? " " : "", i, b->admit[i] - a->admit[i],
				      b->deny[i] - a->deny[i]);
	return buf;
}

/* Setup of the spm_ops tests: everything they use is there, none attached. */
int need_spm_ops(void)
{
	static const char * const files[] = {
		LOADER, HARD_POLICY, SOFT_POLICY, CGROUP_POLICY,
	};
	unsigned int i;
	int r = need_module();

	if (r != PASS)
		return r;
	CHECK(!access(SPM_SYSFS "/state", R_OK),
	      "no %s/state: this kernel has no spm_ops", SPM_SYSFS);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		CHECK(!access(files[i], R_OK), "%s missing from the guest",
		      files[i]);
	reset_spm();
	return check_detached();
}

int percpu_u64(const char *path, unsigned int key, unsigned long long *sum)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	unsigned long long *val;
	int fd, ncpu, cpu, err = 0;

	*sum = 0;
	ncpu = possible_cpus();
	if (ncpu <= 0)
		return -EINVAL;
	fd = pinned_map(path, &info);
	if (fd < 0)
		return fd;
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY || info.value_size != 8 ||
	    key >= info.max_entries) {
		close(fd);
		return -EPROTO;
	}
	val = calloc(ncpu, 8);
	if (!val) {
		close(fd);
		return -ENOMEM;
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (__u64)(unsigned long)&key;
	attr.value = (__u64)(unsigned long)val;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr))
		err = -errno;
	for (cpu = 0; !err && cpu < ncpu; cpu++)
		*sum += val[cpu];
	free(val);
	close(fd);
	return err;
}

/* ---- SPM pages that tests let policies hand out ---- */

static long track_admit[MAX_NODES], track_module[MAX_NODES];

void spm_admit_track_begin(void)
{
	int nid;

	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		track_admit[nid] = node_vmstat(nid, "spm_admit");
		track_module[nid] = suite->module_spm_pages[nid];
	}
}

void spm_admit_track_end(void)
{
	long grown;
	int nid;

	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)) || track_admit[nid] < 0)
			continue;
		grown = node_vmstat(nid, "spm_admit") - track_admit[nid] -
			(suite->module_spm_pages[nid] - track_module[nid]);
		info("node%d: spm_admit %+ld besides the test module's %+ld",
		     nid, grown, suite->module_spm_pages[nid] - track_module[nid]);
		__atomic_add_fetch(&suite->policy_spm_pages[nid], grown,
				   __ATOMIC_SEQ_CST);
	}
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
		"       spm_selftest --demo\n"
		"       spm_selftest --bench [--reps N] [--no-policies] [-t WORD]...\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "touch", required_argument, NULL, 'X' },
		{ "demo", no_argument, NULL, 'D' },
		{ "bench", no_argument, NULL, 'B' },
		{ "reps", required_argument, NULL, 'R' },
		{ "no-policies", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *filters[64], *spm_arg = NULL;
	int nfilters = 0, timeout = DEFAULT_TIMEOUT;
	int passed = 0, failed = 0, skipped = 0;
	const struct spm_test **tests;
	bool list = false, demo = false, bench = false, policies = true;
	int reps = 5;
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
		case 'B':
			bench = true;
			break;
		case 'R':
			reps = atoi(optarg);
			break;
		case 'N':
			policies = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || timeout <= 0 || reps <= 0 || reps > 15) {
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
	if (bench)
		return bench_main(nfilters, filters, reps, policies);
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

int create_files(const char *dir, int n)
{
	char path[PATH_MAX];
	int i, fd;

	if (mkdir(dir, 0700))
		return -errno;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	return 0;
}

void remove_files(const char *dir, int n)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
}
