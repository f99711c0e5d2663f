// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel tells tasks about memory at large leaves the SPM nodes
 * out: MemAvailable, the dirty limits, overcommit, the OOM killer's total
 * (oom_score); SpmTotal and SpmFree show the SPM nodes' share.  The guest
 * has 2 GiB of system RAM and 2 GiB of SPM memory, no swap.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"

/* The sum of a node meminfo field over the nodes of mask. */
static long nodes_kb(nodemask64 mask, const char *key)
{
	long sum = 0;
	int nid;

	for (nid = 0; nid < MAX_NODES; nid++)
		if (mask & NODE_BIT(nid))
			sum += node_meminfo_kb(nid, key);
	return sum;
}

static int test_spm_lines(void)
{
	long total = meminfo_kb("SpmTotal"), free = meminfo_kb("SpmFree");
	long nodes_total = nodes_kb(spm_nodes, "MemTotal");
	long nodes_free = nodes_kb(spm_nodes, "MemFree");
	int nid;

	info("SpmTotal %ld kB, SpmFree %ld kB; SPM nodes: MemTotal %ld kB, MemFree %ld kB",
	     total, free, nodes_total, nodes_free);
	CHECK(total >= 0 && free >= 0, "no SpmTotal or SpmFree in /proc/meminfo");
	CHECK(total == nodes_total,
	      "SpmTotal %ld kB, the SPM nodes' MemTotal %ld kB", total,
	      nodes_total);
	/* Nothing allocates there meanwhile: the counts may only drift. */
	CHECK(labs(free - nodes_free) <= nodes_total / 100,
	      "SpmFree %ld kB, the SPM nodes' MemFree %ld kB", free,
	      nodes_free);
	for (nid = 0; nid < MAX_NODES; nid++) {
		long want;

		if (!((spm_nodes | sysram_nodes) & NODE_BIT(nid)))
			continue;
		want = spm_nodes & NODE_BIT(nid) ?
		       node_meminfo_kb(nid, "MemTotal") : 0;
		CHECK(node_meminfo_kb(nid, "SpmTotal") == want,
		      "node%d/meminfo: SpmTotal %ld kB, expected %ld", nid,
		      node_meminfo_kb(nid, "SpmTotal"), want);
	}
	return PASS;
}
TEST(meminfo_spm_lines, "SpmTotal and SpmFree in /proc/meminfo and node meminfo are the SPM nodes' memory",
     need_spm, test_spm_lines, NULL);

/*
 * A program that sizes itself from MemAvailable, as many do: 85% of it,
 * touched, in a child that must not be OOM-killed.
 */
static int test_available(void)
{
	long avail = meminfo_kb("MemAvailable");
	long sysram = nodes_kb(sysram_nodes, "MemTotal");
	size_t len = (size_t)avail * KiB / 100 * 85;
	long hist[HIST_LEN];
	int status, p[2];
	pid_t pid;

	info("MemAvailable %ld kB, system RAM %ld kB, SPM %ld kB", avail,
	     sysram, nodes_kb(spm_nodes, "MemTotal"));
	CHECK(avail > 0, "cannot read MemAvailable");
	CHECK(!pipe(p), "pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		char *m;

		/* The victim if memory runs out, not a bystander. */
		write_file("/proc/self/oom_score_adj", "1000");
		m = map_touch(len);
		long n = m ? pages_nodes(0, m, len, hist) : -1;

		if (write(p[1], hist, sizeof(hist)) != sizeof(hist) || n < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	memset(hist, 0, sizeof(hist));
	if (read(p[0], hist, sizeof(hist)) != sizeof(hist))
		memset(hist, 0, sizeof(hist));
	close(p[0]);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	info("85%% of MemAvailable, %zu MiB: %s", len / MiB, HIST(hist));
	CHECK(!WIFSIGNALED(status),
	      "the task using 85%% of MemAvailable (%zu MiB) was killed by signal %d",
	      len / MiB, WTERMSIG(status));
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status),
	      "the task using 85%% of MemAvailable failed (%d)", status);
	CHECK(!hist_on(hist, spm_nodes), "%ld of its pages on SPM nodes",
	      hist_on(hist, spm_nodes));
	CHECK(avail <= sysram,
	      "MemAvailable %ld kB is more than the %ld kB of system RAM",
	      avail, sysram);
	return PASS;
}
TEST(meminfo_available, "MemAvailable counts system RAM only: a task taking 85% of it is not OOM-killed",
     need_spm, test_available, NULL);

static int test_dirty_limits(void)
{
	long thresh = proc_vmstat("nr_dirty_threshold");
	long ratio = read_num("/proc/sys/vm/dirty_ratio");
	long dirtyable = nodes_kb(sysram_nodes, "MemFree") +
			 nodes_kb(sysram_nodes, "Active(file)") +
			 nodes_kb(sysram_nodes, "Inactive(file)");

	info("nr_dirty_threshold %ld pages, dirty_ratio %ld%%, system RAM free and file %ld kB",
	     thresh, ratio, dirtyable);
	CHECK(thresh > 0 && ratio > 0, "cannot read the dirty threshold");
	/* Reserves come off what is dirtyable: at most the ratio of it. */
	CHECK(thresh * (long)(PAGE_SZ / KiB) <= dirtyable / 100 * ratio * 105 / 100,
	      "nr_dirty_threshold %ld kB is more than %ld%% of system RAM's %ld kB",
	      thresh * (long)(PAGE_SZ / KiB), ratio, dirtyable);
	return PASS;
}
TEST(dirty_limits_sysram, "nr_dirty_threshold is a share of system RAM, not of SPM memory too",
     need_spm, test_dirty_limits, NULL);

static int test_overcommit(void)
{
	long sysram = nodes_kb(sysram_nodes, "MemTotal");
	long spm = nodes_kb(spm_nodes, "MemTotal");
	size_t len = ((size_t)sysram + (size_t)spm / 2) * KiB;
	void *m;

	CHECK(read_num("/proc/sys/vm/overcommit_memory") == 0,
	      "vm.overcommit_memory is not 0 (heuristic)");
	CHECK(meminfo_kb("SwapTotal") == 0, "the guest has swap");
	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	info("mmap of %zu MiB (system RAM %ld MiB, SPM %ld MiB): %s",
	     len / MiB, sysram / 1024, spm / 1024,
	     m == MAP_FAILED ? strerror(errno) : "mapped");
	if (m != MAP_FAILED)
		munmap(m, len);
	CHECK(m == MAP_FAILED && errno == ENOMEM,
	      "a private writable mapping of %zu MiB, more than system RAM, was accepted",
	      len / MiB);
	m = mmap(NULL, (size_t)sysram * KiB / 2, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "a mapping of half of system RAM: %s",
	      strerror(errno));
	munmap(m, (size_t)sysram * KiB / 2);
	return PASS;
}
TEST(overcommit_sysram, "vm.overcommit_memory=0 refuses one mapping larger than system RAM, SPM memory aside",
     need_spm, test_overcommit, NULL);

static int test_oom_score(void)
{
	long sysram = nodes_kb(sysram_nodes, "MemTotal"), rss, pte, score;
	long want, used;
	char path[64];
	struct holder h;
	int r;

	r = start_holder(512 * MiB, MPOL_DEFAULT, 0, &h);
	if (r != PASS)
		return r;
	/* The harness's -1000 would make it unkillable: score 0. */
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", h.pid);
	write_file(path, "0");
	snprintf(path, sizeof(path), "/proc/%d/status", h.pid);
	rss = file_kb(path, "VmRSS");
	pte = file_kb(path, "VmPTE");
	snprintf(path, sizeof(path), "/proc/%d/oom_score", h.pid);
	score = read_num(path);
	release_holder(&h);
	/* proc_oom_score(): (1000 + 1000 * used / total) * 2 / 3 */
	used = rss + pte;
	want = (1000 + 1000 * used / sysram) * 2 / 3;
	info("RSS %ld kB, page tables %ld kB, oom_score %ld; against system RAM (%ld kB) %ld",
	     rss, pte, score, sysram, want);
	CHECK(rss > 0 && score > 0, "cannot read the holder's RSS or oom_score");
	CHECK(labs(score - want) <= 5,
	      "oom_score %ld, expected %ld for %ld kB of %ld kB of system RAM",
	      score, want, used, sysram);
	return PASS;
}
TEST(oom_score_sysram, "oom_score scales a task's memory by system RAM, as the OOM killer counts",
     need_spm, test_oom_score, NULL);

static int test_watermarks(void)
{
	long min_free = read_num("/proc/sys/vm/min_free_kbytes");
	long sys_min = zoneinfo_kb(sysram_nodes, "min");
	long spm_min = zoneinfo_kb(spm_nodes, "min");

	CHECK(min_free > 0 && sys_min > 0 && spm_min >= 0,
	      "cannot read min_free_kbytes or /proc/zoneinfo");
	info("min_free_kbytes %ld; min watermarks: system RAM %ld kB, SPM nodes %ld kB",
	     min_free, sys_min, spm_min);
	/* Each zone's share is rounded down: allow a page per zone or so. */
	CHECK(sys_min >= min_free * 97 / 100,
	      "system RAM zones reserve %ld kB of min_free_kbytes=%ld: the SPM nodes took a share",
	      sys_min, min_free);
	return PASS;
}
TEST(watermarks_sysram, "min_free_kbytes is split among system RAM zones only; SPM zones get the small cap of movable zones",
     need_spm, test_watermarks, NULL);

/*
 * What boot left reserved on the SPM nodes: their zones' present pages
 * that the page allocator does not manage.  Their own memory map (64 bytes
 * a page), node data and, under generic KASAN, their shadow (an eighth of
 * their memory) belong there; the guest boots with log_buf_len=16M, which
 * must not.
 */
static int test_boot_reserved(void)
{
	long present = zoneinfo_kb(spm_nodes, "present");
	long managed = zoneinfo_kb(spm_nodes, "managed");
	long reserved, own, limit;

	CHECK(present > 0 && managed > 0, "no SPM zone in /proc/zoneinfo");
	reserved = present - managed;
	own = present / (PAGE_SZ / 64);
	/* generic KASAN: a shadow byte per 8 bytes */
	if (kasan_kernel)
		own += present / 8;
	limit = own + 4 * 1024;
	info("SPM nodes: present %ld kB, managed %ld kB, reserved %ld kB (memory map and KASAN shadow %ld kB)",
	     present, managed, reserved, own);
	CHECK(reserved <= limit,
	      "boot left %ld kB of the SPM nodes reserved, more than their memory map and KASAN shadow (%ld kB) and 4 MiB",
	      reserved, own);
	return PASS;
}
TEST(boot_reserved_off_spm, "boot allocations (log_buf_len=16M among them) leave the SPM nodes their memory, but for their memory map",
     need_spm, test_boot_reserved, NULL);
