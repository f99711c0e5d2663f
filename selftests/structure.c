// SPDX-License-Identifier: GPL-2.0
/*
 * What v2 of the series settles by structure rather than by filters: page
 * tables stay off SPM nodes under a policy admitting user memory, an
 * exhausted SPM node kills no bystander, reclaim for system RAM leaves
 * the SPM nodes' pages alone, a rebind and a home node cannot name SPM
 * nodes behind the policy's back, and a hugetlb reservation counts only
 * pool pages the fault may use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#ifndef __NR_set_mempolicy_home_node
#define __NR_set_mempolicy_home_node	450
#endif

static int setup_policies(void)
{
	return need_spm_ops();
}

static void cleanup_policies(void)
{
	reset_spm();
}

/* The nodes of the pages at addr, addr + step, ... (n of them) in hist. */
static int pages_at(void *addr, size_t step, size_t n, long *hist)
{
	void **pages = calloc(n, sizeof(void *));
	int *status = calloc(n, sizeof(int));
	size_t i;
	long r;

	CHECK(pages && status, "out of memory");
	for (i = 0; i < n; i++)
		pages[i] = (char *)addr + i * step;
	r = sys_move_pages(0, n, pages, NULL, status, 0);
	CHECK(r == 0, "move_pages query: %s", strerror(errno));
	memset(hist, 0, HIST_LEN * sizeof(long));
	for (i = 0; i < n; i++)
		hist[status[i] >= 0 && status[i] < MAX_NODES ?
		     status[i] : MAX_NODES]++;
	free(pages);
	free(status);
	return PASS;
}

/* ---- page tables under a policy that admits user memory ---- */

static int test_pagetables(void)
{
	size_t len = 1024 * MiB, step = 2 * MiB, n = len / step, i;
	int spm = first_spm(), r;
	long before, after, hist[HIST_LEN];
	char *p;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	before = node_meminfo_kb(spm, "PageTables");
	CHECK(!sys_set_mempolicy(MPOL_BIND, NODE_BIT(spm)),
	      "set_mempolicy(MPOL_BIND, %d): %s", spm, strerror(errno));
	/* One page per 2 MiB: a page table page for every one of them. */
	for (i = 0; i < n; i++)
		p[i * step] = 1;
	sys_set_mempolicy(MPOL_DEFAULT, 0);
	after = node_meminfo_kb(spm, "PageTables");
	r = pages_at(p, step, n, hist);
	munmap(p, len);
	if (r != PASS)
		return r;
	info("%zu pages touched: %s; node%d PageTables %ld -> %ld kB", n,
	     HIST(hist), spm, before, after);
	CHECK(hist[spm] == (long)n,
	      "soft_guardrail did not admit the bound task's pages (%s): the test would prove nothing",
	      HIST(hist));
	CHECK(after - before < 256,
	      "node%d PageTables grew by %ld kB for %zu page tables of a task bound to it",
	      spm, after - before, n);
	return PASS;
}
TEST(pagetables_soft_guardrail, "soft_guardrail admits a task bound to an SPM node; its page tables stay on system RAM",
	setup_policies, test_pagetables, cleanup_policies);

/* ---- an exhausted SPM node kills no bystander ---- */

static int spawn(void (*fn)(int fd, long arg), long arg, int *ready_fd)
{
	int fds[2], pid;

	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		fn(fds[1], arg);
		_exit(0);
	}
	close(fds[1]);
	*ready_fd = fds[0];
	return pid;
}

/* Hold arg bytes of system RAM, the OOM killer's first choice by score. */
static void bystander(int fd, long arg)
{
	write_file("/proc/self/oom_score_adj", "1000");
	if (!map_touch(arg))
		_exit(2);
	if (write(fd, "r", 1) != 1)
		_exit(3);
	pause();
}

/* Touch arg bytes bound to the first SPM node: more than it holds. */
static void spm_hog(int fd, long arg)
{
	char *p;

	write_file("/proc/self/oom_score_adj", "0");
	p = map_anon(arg);
	if (!p || sys_mbind(p, arg, MPOL_BIND, NODE_BIT(first_spm()), 0))
		_exit(2);
	if (write(fd, "r", 1) != 1)
		_exit(3);
	touch(p, arg);
	_exit(0);
}

/* Wait up to ms for pid; its wait status, or -1 if it is still running. */
static int wait_ms(int pid, int ms)
{
	int st, i;

	for (i = 0; i < ms / 50; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(50000);
	}
	return -1;
}

static int test_oom_bystander(void)
{
	long spm_kb = node_meminfo_kb(first_spm(), "MemTotal");
	int by = -1, hog = -1, fd_by = -1, fd_hog = -1, st, st_by, r;
	char c;

	CHECK(spm_kb > 0, "node%d MemTotal unreadable", first_spm());
	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	by = spawn(bystander, 512 * MiB, &fd_by);
	if (by < 0 || read(fd_by, &c, 1) != 1) {
		r = fail("the bystander did not start");
		goto out;
	}
	hog = spawn(spm_hog, spm_kb * KiB + 512 * MiB, &fd_hog);
	if (hog < 0 || read(fd_hog, &c, 1) != 1) {
		r = fail("the SPM user did not start");
		goto out;
	}
	st = wait_ms(hog, 120000);
	info("SPM user (%ld MiB bound to node %d, which has %ld MiB): %s %d",
	     spm_kb / 1024 + 512, first_spm(), spm_kb / 1024,
	     st == -1 ? "running" : WIFSIGNALED(st) ? "signal" : "exit",
	     st == -1 ? 0 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	if (st == -1) {
		r = fail("the SPM user still runs after 120 s");
		goto out;
	}
	hog = -1;
	if (waitpid(by, &st_by, WNOHANG) == by) {
		r = fail("the bystander, 512 MiB of system RAM, was killed (signal %d) for memory of SPM node %d",
			 WIFSIGNALED(st_by) ? WTERMSIG(st_by) : 0, first_spm());
		by = -1;
		goto out;
	}
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		r = fail("the SPM user ended with status %#x, not killed", st);
out:
	if (hog > 0) {
		kill(hog, SIGKILL);
		waitpid(hog, NULL, 0);
	}
	if (by > 0) {
		kill(by, SIGKILL);
		waitpid(by, NULL, 0);
	}
	close(fd_by);
	close(fd_hog);
	return r;
}
TEST(oom_spm_bystander, "an SPM node exhausted by a bound task: that task is OOM-killed, not a bystander on system RAM",
	setup_policies, test_oom_bystander, cleanup_policies);

/* ---- reclaim for system RAM leaves SPM page cache alone ---- */

#define RECLAIM_MNT	"/tmp/spm_reclaim"
#define RECLAIM_FILE	RECLAIM_MNT "/file"
#define RECLAIM_LEN	(32 * MiB)

static int setup_reclaim(void)
{
	int r = need_spm_ops();

	return r == PASS ? mount_ramdisk_ext2(RECLAIM_MNT) : r;
}

/* Write the file bound to the first SPM node: its page cache goes there. */
static int write_bound(void *arg)
{
	static char buf[64 * KiB];
	size_t done;
	int fd;

	CHECK(!sys_set_mempolicy(MPOL_BIND, NODE_BIT(first_spm())),
	      "set_mempolicy: %s", strerror(errno));
	fd = open(RECLAIM_FILE, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	CHECK(fd >= 0, "create %s: %s", RECLAIM_FILE, strerror(errno));
	memset(buf, 0x5a, sizeof(buf));
	for (done = 0; done < RECLAIM_LEN; done += sizeof(buf))
		CHECK(write(fd, buf, sizeof(buf)) == sizeof(buf),
		      "write: %s", strerror(errno));
	CHECK(!fsync(fd), "fsync: %s", strerror(errno));
	close(fd);
	return PASS;
}

/*
 * The file's resident pages per node in hist; the others, and any
 * move_pages() cannot place, at MAX_NODES.
 */
static int file_pages(long *hist)
{
	size_t n = RECLAIM_LEN / PAGE_SZ, i;
	unsigned char *vec = malloc(n);
	long r;
	int fd;
	char *p;

	CHECK(vec, "out of memory");
	fd = open(RECLAIM_FILE, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", RECLAIM_FILE, strerror(errno));
	p = mmap(NULL, RECLAIM_LEN, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	/* Map only what is resident: reading the rest would fetch it. */
	r = mincore(p, RECLAIM_LEN, vec);
	for (i = 0; !r && i < n; i++)
		if (vec[i] & 1)
			(void)*(volatile char *)(p + i * PAGE_SZ);
	if (!r)
		r = pages_nodes(0, p, RECLAIM_LEN, hist);
	else
		r = -errno;
	munmap(p, RECLAIM_LEN);
	free(vec);
	CHECK(r > 0, "mincore or move_pages: %s", strerror(-r));
	return PASS;
}

/* Allocate arg bytes of system RAM: more than there is. */
static void sysram_hog(int fd, long arg)
{
	long done;

	write_file("/proc/self/oom_score_adj", "1000");
	if (write(fd, "r", 1) != 1)
		_exit(3);
	/* In pieces: overcommit refuses one mapping larger than the RAM. */
	for (done = 0; done < arg; done += 64 * MiB)
		if (!map_touch(64 * MiB))
			_exit(4);
	_exit(0);
}

static int test_reclaim(void)
{
	long sys_kb = 0, before[HIST_LEN], after[HIST_LEN];
	int spm = first_spm(), hog, fd, held, st, nid, r;
	long n = RECLAIM_LEN / PAGE_SZ;
	char c;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	r = in_cgroup(NULL, write_bound, NULL);
	if (r != PASS)
		return r;
	r = file_pages(before);
	if (r != PASS)
		return r;
	info("SPM user's file before: %s", HIST(before));
	CHECK(before[spm] == n,
	      "the bound task's page cache is not all on node %d (%s): the test would prove nothing",
	      spm, HIST(before));

	for (nid = 0; nid < MAX_NODES; nid++)
		if (sysram_nodes & NODE_BIT(nid))
			sys_kb += node_meminfo_kb(nid, "MemTotal");
	/*
	 * Held open: an unused inode may be evicted by the slab shrinkers,
	 * page cache and all, which is not the LRU reclaim under test.
	 */
	held = open(RECLAIM_FILE, O_RDONLY);
	CHECK(held >= 0, "open %s: %s", RECLAIM_FILE, strerror(errno));
	hog = spawn(sysram_hog, sys_kb * KiB + 256 * MiB, &fd);
	CHECK(hog > 0 && read(fd, &c, 1) == 1, "the hog did not start");
	close(fd);
	st = wait_ms(hog, 180000);
	if (st == -1) {
		kill(hog, SIGKILL);
		waitpid(hog, NULL, 0);
		close(held);
		return fail("a task allocating %ld MiB of system RAM still runs after 180 s",
			    sys_kb / 1024 + 256);
	}
	r = file_pages(after);
	close(held);
	if (r != PASS)
		return r;
	info("hog of %ld MiB: %s %d; SPM user's file after: %s",
	     sys_kb / 1024 + 256, WIFSIGNALED(st) ? "signal" : "exit",
	     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), HIST(after));
	/* The OOM killer runs only once reclaim has failed. */
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "the hog was not OOM-killed (status %#x): no real pressure, the test would prove nothing",
	      st);
	CHECK(after[spm] == n,
	      "system RAM pressure evicted the SPM user's page cache: %ld of %ld pages left on node %d (%s)",
	      after[spm], n, spm, HIST(after));
	return PASS;
}

static void cleanup_reclaim(void)
{
	unlink(RECLAIM_FILE);
	umount2(RECLAIM_MNT, MNT_DETACH);
	rmdir(RECLAIM_MNT);
	reset_spm();
}
TEST(reclaim_spares_spm, "soft_guardrail: direct reclaim for system RAM pressure leaves the page cache a bound task put on an SPM node",
	setup_reclaim, test_reclaim, cleanup_reclaim);

/* ---- order-2 pressure on system RAM ---- */

#define HELD_FILE	"/sys/kernel/debug/spm_test/held"
/* The events that name the node they work on, and direct compaction's. */
static const char *const pressure_events[] = {
	"compaction/mm_compaction_try_to_compact_pages",
	"compaction/mm_compaction_suitable",
	"compaction/mm_compaction_deferred",
	"compaction/mm_compaction_defer_compaction",
	"compaction/mm_compaction_defer_reset",
	"compaction/mm_compaction_wakeup_kcompactd",
	"compaction/mm_compaction_kcompactd_wake",
	"vmscan/mm_vmscan_wakeup_kswapd",
	"vmscan/mm_vmscan_kswapd_wake",
};

static int enable_pressure_events(const char *on)
{
	char path[160];
	size_t i;
	int r;

	for (i = 0; i < sizeof(pressure_events) / sizeof(*pressure_events); i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/%s/enable",
			 pressure_events[i]);
		r = write_file(path, on);
		CHECK(!r, "write %s to %s: %s", on, path, strerror(-r));
	}
	return PASS;
}

/* The first trace line trace_lines_with() found, for the failure reason. */
static char first_line[256];

/*
 * The lines of pressure_events in the trace that hold needle; the first
 * goes to first_line.
 */
static long trace_lines_with(const char *needle)
{
	char *line = NULL;
	size_t len = 0;
	long n = 0;
	FILE *f;

	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		return -1;
	while (getline(&line, &len, f) > 0) {
		if (!strstr(line, needle) ||
		    (!strstr(line, " mm_compaction_") &&
		     !strstr(line, " mm_vmscan_")))
			continue;
		if (!n && !first_line[0])
			snprintf(first_line, sizeof(first_line), "%s",
				 line + strspn(line, " "));
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* The lines of the trace that name node nid: "node=N " or "nid=N". */
static long trace_lines_naming(int nid)
{
	char node[32], id[32], id_end[32];

	snprintf(node, sizeof(node), " node=%d ", nid);
	snprintf(id, sizeof(id), " nid=%d ", nid);
	snprintf(id_end, sizeof(id_end), " nid=%d\n", nid);
	return trace_lines_with(node) + trace_lines_with(id) +
	       trace_lines_with(id_end);
}

/*
 * System RAM with plenty of free pages but no free block of order 1 or
 * more, SPM nodes with free blocks of every order: order-2 requests for
 * system RAM compact system RAM and fail or succeed there.  The SPM nodes
 * are not in their zonelist, so nothing looks at them: no admission check
 * (spm_deny), no compaction, no kswapd or kcompactd wakeup.
 */
static int test_order2(void)
{
	long deny[MAX_NODES], compactions, lines, on_spm = 0;
	struct mod_result frag, res;
	char cmd[160];
	int nid, r, a = 0;

	r = need_tracefs();
	if (r != PASS)
		return r;
	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		deny[nid] = node_vmstat(nid, "spm_deny");
		CHECK(deny[nid] >= 0, "no spm_deny in node%d/vmstat", nid);
	}
	r = clear_trace();
	CHECK(!r, "clear the trace buffer: %s", strerror(-r));
	r = enable_pressure_events("1");
	if (r != PASS)
		return r;

	snprintf(cmd, sizeof(cmd), "mode=fragment mask=%s", NL(sysram_nodes, 0));
	r = mod(cmd, &frag);
	if (r == PASS) {
		a = module_alloc("order=2 count=8", &res);
		info("order=2 count=8: %s", RES(&res));
	}
	write_file(HELD_FILE, "1");
	enable_pressure_events("0");
	if (r != PASS)
		return r;
	CHECK(frag.ok > 0, "fragment held no page on %s: %s",
	      NL(sysram_nodes, 0), RES(&frag));
	CHECK(!a, "order=2 count=8: %s", strerror(-a));

	first_line[0] = '\0';
	compactions = trace_lines_with("mm_compaction_try_to_compact_pages:");
	info("direct compactions: %ld, the first: %s", compactions,
	     first_line);
	CHECK(compactions > 0,
	      "no order-2 request reached direct compaction: the test would prove nothing");
	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		on_spm += res.node[nid];
		first_line[0] = '\0';
		lines = trace_lines_naming(nid);
		CHECK(lines >= 0, "read %s/trace: %s", TRACEFS, strerror(errno));
		CHECK(!lines,
		      "compaction or kswapd worked on SPM node %d for system RAM requests (%ld trace lines, the first: %s)",
		      nid, lines, first_line);
		deny[nid] = node_vmstat(nid, "spm_deny") - deny[nid];
		CHECK(!deny[nid],
		      "system RAM order-2 requests reached SPM node %d: spm_deny +%ld",
		      nid, deny[nid]);
	}
	CHECK(!on_spm, "%ld order-2 blocks on SPM nodes: %s", on_spm,
	      RES(&res));
	return PASS;
}

static void cleanup_order2(void)
{
	write_file(HELD_FILE, "1");
	enable_pressure_events("0");
	clear_trace();
}
TEST(order2_sysram_pressure, "order-2 requests on fragmented system RAM compact system RAM only: no spm_deny, compaction or kswapd on SPM nodes",
	need_module, test_order2, cleanup_order2);

/* ---- the home node is named like any other node ---- */

static long home_node(void *addr, size_t len, int nid)
{
	return syscall(__NR_set_mempolicy_home_node, addr, len, nid, 0);
}

static int test_home_node(void)
{
	nodemask64 sys = NODE_BIT(first_sysram());
	int spm = first_spm(), r;
	size_t len = 64 * MiB;
	long hist[HIST_LEN], ret;
	char *p;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;

	/* A home node the range's nodes do not name. */
	p = map_anon(len);
	CHECK(p, "mmap: %s", strerror(errno));
	CHECK(!sys_mbind(p, len, MPOL_PREFERRED_MANY, sys, 0),
	      "mbind(MPOL_PREFERRED_MANY, %s): %s", NL(sys, 0),
	      strerror(errno));
	ret = home_node(p, len, spm);
	info("home node %d for MPOL_PREFERRED_MANY %s: %s", spm, NL(sys, 0),
	     ret ? strerror(errno) : "accepted");
	touch(p, len);
	r = pages_nodes(0, p, len, hist);
	munmap(p, len);
	CHECK(r > 0, "move_pages query: %s", strerror(-r));
	info("pages: %s", HIST(hist));
	CHECK(ret == -1 && errno == EINVAL,
	      "set_mempolicy_home_node(%d) on a range of %s: %s, not EINVAL",
	      spm, NL(sys, 0), ret ? strerror(errno) : "accepted");
	CHECK(!hist_on(hist, spm_nodes), "%ld pages on SPM nodes (%s)",
	      hist_on(hist, spm_nodes), HIST(hist));

	/* One they name, which the policy admits. */
	p = map_anon(len);
	CHECK(p, "mmap: %s", strerror(errno));
	CHECK(!sys_mbind(p, len, MPOL_BIND, sys | NODE_BIT(spm), 0),
	      "mbind(MPOL_BIND, %s): %s", NL(sys | NODE_BIT(spm), 0),
	      strerror(errno));
	ret = home_node(p, len, spm);
	munmap(p, len);
	CHECK(ret == 0, "set_mempolicy_home_node(%d) on a range of %s: %s",
	      spm, NL(sys | NODE_BIT(spm), 0), strerror(errno));
	return PASS;
}
TEST(home_node_named, "soft_guardrail: an SPM home node outside the range's nodes is refused (EINVAL), one inside accepted",
	setup_policies, test_home_node, cleanup_policies);

/* ---- a cpuset change cannot rebind a policy onto SPM nodes ---- */

#define REBIND_CGROUP	"spm_rebind"
#define REBIND_MEMS	CGROUP_ROOT "/" REBIND_CGROUP "/cpuset.mems"

static int setup_rebind(void)
{
	int r = need_spm_ops();

	if (r != PASS)
		return r;
	r = need_nodes(sysram_nodes, 2, "system RAM nodes");
	return r == PASS ? make_cgroup(REBIND_CGROUP) : r;
}

/*
 * Bound to the second system RAM node in a cpuset of two, then the cpuset
 * becomes the first one and an SPM node: the policy's node is remapped to
 * the SPM node.
 */
static int rebind_task(void *arg)
{
	int sys0 = first_sysram(), spm = first_spm(), sys1, r;
	nodemask64 rest = sysram_nodes & ~NODE_BIT(sys0);
	size_t len = 16 * MiB;
	long hist[HIST_LEN];
	char *p;

	sys1 = nodemask_first(rest);
	CHECK(!sys_set_mempolicy(MPOL_BIND, NODE_BIT(sys1)),
	      "set_mempolicy(MPOL_BIND, %d): %s", sys1, strerror(errno));
	r = write_file(REBIND_MEMS, NL(NODE_BIT(sys0) | NODE_BIT(spm), 0));
	CHECK(!r, "cpuset.mems=%s: %s", NL(NODE_BIT(sys0) | NODE_BIT(spm), 0),
	      strerror(-r));
	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	r = pages_nodes(0, p, len, hist);
	CHECK(r > 0, "move_pages query: %s", strerror(-r));
	info("bound to %d in cpuset %s, then cpuset %s: %s", sys1,
	     NL(NODE_BIT(sys0) | NODE_BIT(sys1), 0),
	     NL(NODE_BIT(sys0) | NODE_BIT(spm), 1), HIST(hist));
	CHECK(!hist_on(hist, spm_nodes),
	      "the rebound policy put %ld pages on SPM nodes (%s)",
	      hist_on(hist, spm_nodes), HIST(hist));
	CHECK(hist[sys0] == (long)(len / PAGE_SZ),
	      "the rebound policy did not keep to node %d (%s)", sys0,
	      HIST(hist));
	return PASS;
}

static int test_rebind(void)
{
	nodemask64 two = NODE_BIT(first_sysram()) |
			 NODE_BIT(nodemask_first(sysram_nodes &
						 ~NODE_BIT(first_sysram())));
	int r;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	r = write_file(REBIND_MEMS, NL(two, 0));
	CHECK(!r, "cpuset.mems=%s: %s", NL(two, 0), strerror(-r));
	return in_cgroup(REBIND_CGROUP, rebind_task, NULL);
}

static void cleanup_rebind(void)
{
	remove_cgroup(REBIND_CGROUP);
	restore_cgroup_controllers();
	reset_spm();
}
TEST(cpuset_rebind, "soft_guardrail: a cpuset change that remaps a task's policy onto an SPM node keeps it on system RAM",
	setup_rebind, test_rebind, cleanup_rebind);

/* ---- hugetlb reservations count only pool pages a fault may use ---- */

/* In a child: map and touch one huge page.  0, 10 on ENOMEM, or a signal. */
static int huge_touch(void)
{
	int pid, st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *p = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
			       -1, 0);

		if (p == MAP_FAILED)
			_exit(errno == ENOMEM ? 10 : 11);
		p[0] = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? 100 + WTERMSIG(st) : WEXITSTATUS(st);
}

static const char *huge_outcome(int o)
{
	static char buf[64];

	if (o == 0)
		return "mapped and touched";
	if (o == 10)
		return "mmap: ENOMEM";
	if (o > 100) {
		snprintf(buf, sizeof(buf), "mapped, touch killed by %s",
			 strsignal(o - 100));
		return buf;
	}
	snprintf(buf, sizeof(buf), "failed (%d)", o);
	return buf;
}

static long saved_pool = -1;

static int test_huge_reserve(void)
{
	int spm = first_spm(), nid, o, r;

	saved_pool = read_num("/proc/sys/vm/nr_hugepages");
	for (nid = 0; nid < MAX_NODES; nid++)
		if (sysram_nodes & NODE_BIT(nid))
			set_node_hugepages(nid, 0);
	r = attach_pinned(HARD_POLICY, "--set allow_reasons=hugetlb",
			  "hard_guardrail");
	if (r != PASS)
		return r;
	r = set_node_hugepages(spm, 4);
	CHECK(!r && node_hugepages(spm) == 4,
	      "node%d nr_hugepages: %ld after writing 4 (%s): the test would prove nothing",
	      spm, node_hugepages(spm), r ? strerror(-r) : "ok");
	CHECK(read_num("/proc/sys/vm/nr_hugepages") == 4,
	      "the pool has %ld pages, not only node%d's 4",
	      read_num("/proc/sys/vm/nr_hugepages"), spm);

	o = huge_touch();
	info("pool: 4 pages on node %d; allow_reasons=hugetlb attached: %s",
	     spm, huge_outcome(o));
	CHECK(o == 10, "MAP_HUGETLB with the pool on SPM node %d only: %s, not ENOMEM",
	      spm, huge_outcome(o));
	r = detach("hard_guardrail");
	if (r != PASS)
		return r;
	o = huge_touch();
	info("pool: 4 pages on node %d; no policy: %s", spm, huge_outcome(o));
	CHECK(o == 10, "MAP_HUGETLB with the pool on SPM node %d only, no policy: %s, not ENOMEM",
	      spm, huge_outcome(o));

	/* Pool pages on system RAM serve the same mapping. */
	r = set_node_hugepages(first_sysram(), 1);
	CHECK(!r && node_hugepages(first_sysram()) == 1,
	      "node%d nr_hugepages: %ld after writing 1", first_sysram(),
	      node_hugepages(first_sysram()));
	o = huge_touch();
	CHECK(o == 0, "MAP_HUGETLB with a pool page on node %d: %s",
	      first_sysram(), huge_outcome(o));
	return PASS;
}

static void cleanup_huge_reserve(void)
{
	char val[32];
	int nid;

	reset_spm();
	for (nid = 0; nid < MAX_NODES; nid++)
		if (spm_nodes & NODE_BIT(nid))
			set_node_hugepages(nid, 0);
	snprintf(val, sizeof(val), "%ld", saved_pool < 0 ? 0 : saved_pool);
	write_file("/proc/sys/vm/nr_hugepages", val);
}
TEST(hugetlb_reserve_spm_pool, "MAP_HUGETLB with free pool pages only on an SPM node fails with ENOMEM (policy attached or not), never SIGBUS at the touch",
	setup_policies, test_huge_reserve, cleanup_huge_reserve);
