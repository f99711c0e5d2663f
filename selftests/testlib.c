// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' helper library: nodes, files and counters, where pages are,
 * the test module, memory policies.  See testlib.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

nodemask64 spm_nodes;
nodemask64 sysram_nodes;
int nr_node_ids;
bool kasan_kernel;
const char *self_exe = "/proc/self/exe";

/* ---- files and counters ---- */

long read_num(const char *path)
{
	uint64_t v;

	return spm_read_u64(path, &v) ? -1 : (long)v;
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

static long find_key(const char *path, const char *key)
{
	uint64_t v;

	return spm_read_key(path, key, &v) ? -1 : (long)v;
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

int set_node_hugepages(int nid, long n)
{
	char path[160], val[32];

	snprintf(path, sizeof(path), NODE_HUGEPAGES, nid);
	snprintf(val, sizeof(val), "%ld", n);
	return write_file(path, val);
}

long node_hugepages(int nid)
{
	char path[160];

	snprintf(path, sizeof(path), NODE_HUGEPAGES, nid);
	return read_num(path);
}

long node_meminfo_kb(int nid, const char *key)
{
	char path[128], buf[8192], name[64], *line;
	long val;
	int n;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 nid);
	if (spm_read_str(path, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (sscanf(line, "Node %d %63[^:]: %ld", &n, name, &val) == 3 &&
		    !strcmp(name, key))
			return val;
	return -1;
}

/* A line "Key: N kB" of /proc/meminfo, or a /proc/PID/status field. */
long file_kb(const char *path, const char *key)
{
	char buf[8192], *line;
	size_t len = strlen(key);
	long v;

	if (spm_read_str(path, buf, sizeof(buf)))
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, key, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%ld", &v) == 1)
			return v;
	return -1;
}

long meminfo_kb(const char *key)
{
	return file_kb("/proc/meminfo", key);
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

int start_holder(size_t len, int mode, nodemask64 mask, struct holder *h)
{
	int to_child[2], from_child[2];
	ssize_t n;
	char c;

	h->pid = -1;
	h->release = -1;
	CHECK(!pipe(to_child), "pipe: %s", strerror(errno));
	if (pipe(from_child)) {
		close(to_child[0]);
		close(to_child[1]);
		return fail("pipe: %s", strerror(errno));
	}
	fflush(stdout);
	h->pid = fork();
	if (!h->pid) {
		void *p = mode == MPOL_DEFAULT ? map_touch(len) :
			  map_policy(len, mode, mask, true);

		close(to_child[1]);
		close(from_child[0]);
		if (write(from_child[1], &p, sizeof(p)) != sizeof(p))
			_exit(1);
		/* Hold the memory until the parent is done. */
		while (read(to_child[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(to_child[0]);
	close(from_child[1]);
	h->release = to_child[1];
	n = h->pid > 0 ? read(from_child[0], &h->addr, sizeof(h->addr)) : -1;
	close(from_child[0]);
	if (n != sizeof(h->addr) || !h->addr) {
		release_holder(h);
		return fail("the holding child could not map %zu bytes under mode %d over %s",
			    len, mode, NL(mask, 0));
	}
	return PASS;
}

void release_holder(struct holder *h)
{
	if (h->release >= 0)
		close(h->release);
	if (h->pid > 0)
		waitpid(h->pid, NULL, 0);
	h->release = -1;
	h->pid = -1;
}

/* Read @f to its end: the first @outlen - 1 bytes into @out. */
static void read_output(FILE *f, char *out, size_t outlen)
{
	char drain[4096];
	size_t n = 0, r;

	while (n < outlen - 1 && (r = fread(out + n, 1, outlen - 1 - n, f)) > 0)
		n += r;
	out[n] = '\0';
	/* Drain the rest: the command must not die of SIGPIPE. */
	while (fread(drain, 1, sizeof(drain), f) > 0)
		;
}

/* The exit status of wait status @st, 128 + the signal that killed it. */
static int exit_status(int st)
{
	if (st < 0)
		return -1;
	if (!WIFEXITED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int run_cmd(const char *cmd, char *out, size_t outlen)
{
	FILE *f;

	fflush(stdout);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	read_output(f, out, outlen);
	return exit_status(pclose(f));
}

int become_nobody(void)
{
	/* leaving uid 0 for good clears every capability */
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	return 0;
}

int run_cmd_nobody(const char *cmd, char *out, size_t outlen)
{
	int p[2], st = -1;
	pid_t pid;
	FILE *f;

	out[0] = '\0';
	if (pipe(p))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		if (become_nobody())
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (f) {
		read_output(f, out, outlen);
		fclose(f);
	} else {
		close(p[0]);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return exit_status(st);
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
		else if (sscanf(tok, "batch=%ld", &res->batch) == 1)
			;
		else if (sscanf(tok, "ns=%lld", &res->ns) == 1)
			;
		else if (sscanf(tok, "n%d=%ld", &n, &v) == 2 && n >= 0 &&
			 n < MAX_NODES)
			res->node[n] = v;
		else if (sscanf(tok, "irq_ok=%ld", &v) == 1)
			res->irq_ok = v;
		else if (sscanf(tok, "irq_fail=%ld", &v) == 1)
			res->irq_fail = v;
		else if (sscanf(tok, "irq_n%d=%ld", &n, &v) == 2 && n >= 0 &&
			 n < MAX_NODES)
			res->irq_node[n] = v;
		else
			return -EPROTO;
	}
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

int need_nodes(nodemask64 nodes, int n, const char *what)
{
	if (__builtin_popcountll(nodes) < n)
		return skip("needs %d %s nodes, the guest has %d (%s)", n, what,
			    __builtin_popcountll(nodes), NL(nodes, 0));
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

int need_tracefs(void)
{
	if (access(TRACEFS "/trace", W_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		return skip("no tracefs: %s", strerror(errno));
	return PASS;
}

int clear_trace(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

long anon_huge_kb(void *addr)
{
	unsigned long start, end, a = (unsigned long)addr;
	char line[512];
	bool in = false;
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = start <= a && a < end;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

static char thp_saved[32];

int thp_map(size_t len, char **addr)
{
	char buf[128], *sel, *raw;
	int r;

	if (spm_read_str(THP_ENABLED, buf, sizeof(buf)) < 0)
		return skip("no transparent huge pages in this kernel");
	if (strstr(buf, "[never]"))
		return skip("transparent huge pages are disabled");
	raw = map_anon(len + THP_SZ);
	CHECK(raw, "mmap: %s", strerror(errno));
	*addr = (char *)(((unsigned long)raw + THP_SZ - 1) & ~(THP_SZ - 1));
	if (!madvise(*addr, len, MADV_HUGEPAGE))
		return PASS;
	CHECK(errno == ENOSYS, "madvise(MADV_HUGEPAGE): %s", strerror(errno));
	/* No madvise() (CONFIG_ADVISE_SYSCALLS=n): THP for all. */
	sel = strchr(buf, '[');
	CHECK(sel && sscanf(sel, "[%31[a-z]]", thp_saved) == 1,
	      "cannot parse %s: %s", THP_ENABLED, buf);
	r = write_file(THP_ENABLED, "always");
	CHECK(!r, "no madvise(), and writing 'always' to %s: %s", THP_ENABLED,
	      strerror(-r));
	info("no madvise() in this kernel: THP enabled=always (was %s)",
	     thp_saved);
	return PASS;
}

void thp_restore(void)
{
	if (thp_saved[0])
		write_file(THP_ENABLED, thp_saved);
	thp_saved[0] = '\0';
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

int interleave_all_touch(const char *size, long *hist)
{
	char cmd[512], out[1024];
	int r;

	snprintf(cmd, sizeof(cmd),
		 "numactl --interleave=all -- %s --touch %s 2>&1", self_exe,
		 size);
	r = run_cmd(cmd, out, sizeof(out));
	if (r == 127)
		return skip("numactl not found");
	CHECK(r == 0, "'%s' failed (%d): %.200s", cmd, r, out);
	CHECK(!parse_hist(out, hist), "'%s': unexpected output: %.200s", cmd,
	      out);
	info("numactl --interleave=all: %s", HIST(hist));
	return PASS;
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

/* syslog(2) actions: glibc names none of them */
#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10

bool kernel_log_has(const char *what)
{
	int len = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf = len > 0 ? malloc(len + 1) : NULL;
	bool found;

	if (!buf)
		return false;
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, len);
	buf[len > 0 ? len : 0] = '\0';
	found = strstr(buf, what);
	free(buf);
	return found;
}

int suite_init(const char *spm_arg)
{
	static char exe[4096];
	char buf[4096], *p;
	nodemask64 mask;
	ssize_t len;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		self_exe = exe;
	}
	/* x86 has generic KASAN only */
	kasan_kernel = kernel_log_has("KernelAddressSanitizer initialized");
	if (!spm_read_str(SPM_NODE_DIR "/possible", buf, sizeof(buf)) &&
	    !nodelist_parse(buf, &mask) && mask)
		nr_node_ids = 64 - __builtin_clzll(mask);
	if (spm_read_str(SPM_NODE_DIR "/has_memory", buf, sizeof(buf)) ||
	    nodelist_parse(buf, &sysram_nodes))
		sysram_nodes = 0;

	if (spm_arg) {
		char err[128];

		if (spm_parse_nodelist(spm_arg, &spm_nodes, MAX_NODES, err,
				       sizeof(err))) {
			fprintf(stderr, "%s: %s\n", test_name, err);
			return 2;
		}
	} else if (!spm_read_str("/proc/cmdline", buf, sizeof(buf))) {
		for (p = strtok(buf, " \n"); p; p = strtok(NULL, " \n"))
			if (!strncmp(p, "spm_nodes=", 10) &&
			    nodelist_parse(p + 10, &spm_nodes))
				spm_nodes = 0;
	}
	sysram_nodes &= ~spm_nodes;
	/*
	 * Under TCG the guest clock runs on while the host deschedules a vCPU
	 * thread, which makes a policy call look long: the tests give each
	 * call 100 ms (test_policy_over_budget sets its own).
	 */
	if (!access(SPM_SYSFS_DIR "/budget_us", W_OK))
		write_file(SPM_SYSFS_DIR "/budget_us", SUITE_BUDGET_US);
	return 0;
}

int touch_main(const char *size)
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

long zoneinfo_kb(nodemask64 nodes, const char *which)
{
	static char buf[256 * 1024];
	char *line, *save, key[16];
	long sum = 0, v;
	int nid = -1;

	if (spm_read_str("/proc/zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "Node %d, zone", &nid) == 1)
			continue;
		if (sscanf(line, " %15s %ld", key, &v) == 2 &&
		    !strcmp(key, which) && nid >= 0 && (nodes & NODE_BIT(nid)))
			sum += v;
	}
	return sum * (PAGE_SZ / KiB);
}

int mount_ramdisk_ext2(const char *mnt)
{
	char out[4096];
	int r;

	if (access(RAMDISK_DEV, R_OK | W_OK))
		return skip("no %s: boot with brd.rd_nr=1 brd.rd_size=65536",
			    RAMDISK_DEV);
	r = run_cmd("mke2fs -q -F " RAMDISK_DEV " 2>&1", out, sizeof(out));
	CHECK(r == 0, "mke2fs %s failed (%d): %.200s", RAMDISK_DEV, r, out);
	mkdir(mnt, 0700);
	CHECK(!mount(RAMDISK_DEV, mnt, "ext2", 0, NULL), "mount ext2 on %s: %s",
	      mnt, strerror(errno));
	return PASS;
}
