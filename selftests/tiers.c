// SPDX-License-Identifier: GPL-2.0
/*
 * Memory tiers, demotion and promotion.  The guest's HMAT (run-guest.sh --hmat) makes
 * the CPU-less SPM nodes a slower tier, so that reclaim on nodes 0 and 1
 * may demote to them once /sys/kernel/mm/numa/demotion_enabled is set.
 * Demotion onto an SPM node needs a policy that admits it; without one,
 * reclaim must neither demote there nor move pages to another system RAM
 * node and call that a demotion.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"

#define TIER_DIR	"/sys/devices/virtual/memory_tiering"
#define DEMOTION	"/sys/kernel/mm/numa/demotion_enabled"
#define TIER_CG		"spm_tiers"
#define TIER_LEN	(32 * MiB)
#define TIER_RECLAIM	"16M"
#define NUMA_BALANCING	"/proc/sys/kernel/numa_balancing"
#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#endif

/* The memory tier of node @nid: the N of memory_tierN that lists it. */
static int node_tier(int nid)
{
	char path[512], buf[256];
	struct dirent *de;
	nodemask64 nodes;
	int tier = -1;
	DIR *dir;

	dir = opendir(TIER_DIR);
	if (!dir)
		return -1;
	while (tier < 0 && (de = readdir(dir))) {
		if (strncmp(de->d_name, "memory_tier", 11))
			continue;
		snprintf(path, sizeof(path), TIER_DIR "/%s/nodelist",
			 de->d_name);
		if (!spm_read_str(path, buf, sizeof(buf)) &&
		    !nodelist_parse(buf, &nodes) && (nodes & NODE_BIT(nid)))
			tier = atoi(de->d_name + 11);
	}
	closedir(dir);
	return tier;
}

static long pgdemote(void)
{
	return proc_vmstat("pgdemote_kswapd") + proc_vmstat("pgdemote_direct") +
	       proc_vmstat("pgdemote_khugepaged");
}

static int need_tiers(void)
{
	int r = need_spm_ops();

	if (r != PASS)
		return r;
	CHECK(!access(DEMOTION, W_OK), "no %s", DEMOTION);
	r = make_cgroup(TIER_CG);
	if (r != PASS)
		return r;
	return PASS;
}

static void cleanup_tiers(void)
{
	write_file(DEMOTION, "false");
	write_file(NUMA_BALANCING, "0");
	reset_spm();
	remove_cgroup(TIER_CG);
	restore_cgroup_controllers();
}

static int test_tiers_hmat(void)
{
	int sys = node_tier(first_sysram()), spm = node_tier(first_spm());

	info("node %d in memory_tier%d, node %d in memory_tier%d",
	     first_sysram(), sys, first_spm(), spm);
	CHECK(sys >= 0 && spm > sys,
	      "SPM node %d in tier %d, system RAM node %d in tier %d: the HMAT does not make the SPM nodes a lower tier",
	      first_spm(), spm, first_sysram(), sys);
	return PASS;
}
TEST(tiers_hmat, "the HMAT puts the CPU-less SPM nodes in a lower memory tier than nodes 0 and 1",
     need_tiers, test_tiers_hmat, cleanup_tiers);

/* What the demoting task saw: its pages on each node, before and after. */
struct demote_run {
	long before[HIST_LEN];
	long after[HIST_LEN];
	long bad;		/* pages whose contents changed */
	int reclaim_err;	/* of the write to memory.reclaim */
};

/*
 * On CPU 0 from now on, TIER_LEN of anonymous memory bound to node 0
 * (MPOL_BIND with mode_flags), each page written with its number.  NULL
 * after fail().
 */
static char *node0_pages(int mode_flags)
{
	cpu_set_t cpu0;
	size_t off;
	char *p;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0)) {
		fail("sched_setaffinity: %s", strerror(errno));
		return NULL;
	}
	p = map_policy(TIER_LEN, MPOL_BIND | mode_flags, NODE_BIT(0), true);
	if (!p) {
		fail("mbind to node 0: %s", strerror(errno));
		return NULL;
	}
	for (off = 0; off < TIER_LEN; off += PAGE_SZ)
		p[off] = (char)(off / PAGE_SZ);
	return p;
}

/*
 * In TIER_CG, on CPU 0: TIER_LEN of anonymous memory on node 0, then
 * proactive reclaim of the cgroup with demotion on; where the pages are.
 */
static int demote_in_cgroup(void *arg)
{
	struct demote_run *run = arg;
	size_t off;
	char *p;
	int r;

	p = node0_pages(0);
	if (!p)
		return FAIL;
	pages_nodes(0, p, TIER_LEN, run->before);
	r = write_file(CGROUP_ROOT "/" TIER_CG "/memory.reclaim",
		       TIER_RECLAIM);
	run->reclaim_err = -r;
	pages_nodes(0, p, TIER_LEN, run->after);
	for (off = 0; off < TIER_LEN; off += PAGE_SZ)
		run->bad += p[off] != (char)(off / PAGE_SZ);
	munmap(p, TIER_LEN);
	return PASS;
}

static int demote(struct demote_run *run, long *demoted)
{
	long before = pgdemote();
	int r;

	memset(run, 0, sizeof(*run));
	r = write_file(DEMOTION, "true");
	CHECK(!r, "write %s: %s", DEMOTION, strerror(-r));
	r = in_cgroup(TIER_CG, demote_in_cgroup, run);
	write_file(DEMOTION, "false");
	*demoted = pgdemote() - before;
	info("pgdemote %+ld, memory.reclaim %s; pages before: %s", *demoted,
	     run->reclaim_err ? strerror(run->reclaim_err) : "ok",
	     HIST(run->before));
	info("pages after: %s", HIST(run->after));
	if (r != PASS)
		return r;
	CHECK(!run->bad, "%ld pages changed their contents", run->bad);
	CHECK(run->before[0] == TIER_LEN / PAGE_SZ,
	      "%ld of %lu pages on node 0 before the reclaim",
	      run->before[0], TIER_LEN / PAGE_SZ);
	return PASS;
}

static int test_demotion_refused(void)
{
	struct demote_run *run;
	long demoted;
	int r;

	run = mmap(NULL, sizeof(*run), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(run != MAP_FAILED, "mmap: %s", strerror(errno));
	r = demote(run, &demoted);
	if (r == PASS && hist_on(run->after, spm_nodes))
		r = fail("%ld pages demoted onto SPM nodes without a policy",
			 hist_on(run->after, spm_nodes));
	if (r == PASS && run->after[0] != run->before[0])
		r = fail("%ld of %ld pages left node 0 for system RAM: demotion fell back (%s)",
			 run->before[0] - run->after[0], run->before[0],
			 HIST(run->after));
	if (r == PASS && demoted)
		r = fail("pgdemote grew by %ld with no lower tier to take pages",
			 demoted);
	munmap(run, sizeof(*run));
	return r;
}
TEST(demotion_refused, "no policy: reclaim demotes nothing onto SPM and moves nothing to other system RAM",
     need_tiers, test_demotion_refused, cleanup_tiers);

/*
 * hard_guardrail attached, admitting demotion; size bytes of memory the
 * task in TIER_CG shares with the test.  NULL after fail().
 */
static void *admit_demotion(size_t size)
{
	void *p;

	if (attach_pinned(HARD_POLICY, "--set allow_reasons=demotion",
			  "hard_guardrail") != PASS)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		return NULL;
	}
	return p;
}

static int test_demotion_admitted(void)
{
	struct demote_run *run;
	long demoted, on_spm;
	int r;

	run = admit_demotion(sizeof(*run));
	if (!run)
		return FAIL;
	r = demote(run, &demoted);
	on_spm = hist_on(run->after, spm_nodes);
	if (r == PASS && (on_spm < 1024 || demoted < on_spm))
		r = fail("%ld pages demoted onto SPM nodes, pgdemote %+ld: expected 4 MiB or more",
			 on_spm, demoted);
	if (r == PASS && run->after[0] + on_spm != run->before[0])
		r = fail("pages went elsewhere than node 0 and SPM: %s",
			 HIST(run->after));
	munmap(run, sizeof(*run));
	return r == PASS ? detach("hard_guardrail") : r;
}
TEST(demotion_admitted, "hard_guardrail allow_reasons=demotion: reclaim demotes node 0's cold pages onto an SPM node, contents intact",
     need_tiers, test_demotion_admitted, cleanup_tiers);

#define PROMOTE_SECONDS	60

/* What the promoting task saw, after demotion and after promotion. */
struct promote_run {
	long demoted[HIST_LEN];
	long promoted[HIST_LEN];
	long bad;
	int seconds;		/* until no page was left on SPM */
};

/*
 * In TIER_CG, on CPU 0: TIER_LEN of anonymous memory on node 0, demoted
 * by proactive reclaim, then used again with NUMA balancing in memory
 * tiering mode (2), which promotes pages of a lower tier that are used
 * to the node of the CPU using them.
 */
static int promote_in_cgroup(void *arg)
{
	struct promote_run *run = arg;
	size_t off;
	char *p;
	int r;

	p = node0_pages(MPOL_F_NUMA_BALANCING);
	if (!p)
		return FAIL;
	r = write_file(DEMOTION, "true");
	if (!r)
		r = write_file(CGROUP_ROOT "/" TIER_CG "/memory.reclaim",
			       TIER_RECLAIM);
	write_file(DEMOTION, "false");
	CHECK(!r, "demoting: %s", strerror(-r));
	pages_nodes(0, p, TIER_LEN, run->demoted);
	CHECK(!write_file(NUMA_BALANCING, "2"), "cannot write 2 to %s",
	      NUMA_BALANCING);
	for (run->seconds = 0; run->seconds < PROMOTE_SECONDS; run->seconds++) {
		time_t end = time(NULL) + 1;

		while (time(NULL) < end)
			for (off = 0; off < TIER_LEN; off += PAGE_SZ)
				run->bad += p[off] != (char)(off / PAGE_SZ);
		pages_nodes(0, p, TIER_LEN, run->promoted);
		if (!hist_on(run->promoted, spm_nodes))
			break;
	}
	write_file(NUMA_BALANCING, "0");
	munmap(p, TIER_LEN);
	return PASS;
}

static int test_promotion(void)
{
	long promoted = proc_vmstat("pgpromote_success"), on_spm;
	struct promote_run *run;
	int r;

	run = admit_demotion(sizeof(*run));
	if (!run)
		return FAIL;
	r = in_cgroup(TIER_CG, promote_in_cgroup, run);
	promoted = proc_vmstat("pgpromote_success") - promoted;
	on_spm = hist_on(run->demoted, spm_nodes);
	info("after demotion: %s", HIST(run->demoted));
	info("after %d s of NUMA balancing: %s, pgpromote_success %+ld",
	     run->seconds, HIST(run->promoted), promoted);
	if (r == PASS && on_spm < 1024)
		r = fail("only %ld pages demoted onto SPM nodes: nothing to promote",
			 on_spm);
	if (r == PASS && hist_on(run->promoted, spm_nodes))
		r = fail("%ld of %ld demoted pages still on SPM nodes after %d s: %s",
			 hist_on(run->promoted, spm_nodes), on_spm, run->seconds,
			 HIST(run->promoted));
	if (r == PASS && run->promoted[0] != (long)(TIER_LEN / PAGE_SZ))
		r = fail("promoted elsewhere than node 0: %s",
			 HIST(run->promoted));
	/* Counted per CPU first: up to a stat threshold per CPU may lag. */
	if (r == PASS && promoted < on_spm / 2)
		r = fail("pgpromote_success grew by %ld for %ld pages", promoted,
			 on_spm);
	if (r == PASS && run->bad)
		r = fail("%ld page reads saw changed contents", run->bad);
	munmap(run, sizeof(*run));
	return r == PASS ? detach("hard_guardrail") : r;
}
TEST(promotion_to_sysram, "NUMA balancing in tiering mode promotes demoted pages from an SPM node back to node 0",
     need_tiers, test_promotion, cleanup_tiers);
