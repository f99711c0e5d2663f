// SPDX-License-Identifier: GPL-2.0
/*
 * soft_guardrail tests: a user memory policy that names an SPM node gets
 * it, whatever its mode; nothing else does.  Placement is checked with
 * move_pages() queries and node meminfo, the policy's decisions in its map
 * of verdicts and the spm_* counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#define MODE_LEN	(8 * MiB)
#define TMPFS_MNT	"/tmp/spm_soft_tmpfs"
#define SLAB_DIR	"/tmp/spm_soft_slab"


static int setup_soft(void)
{
	return need_spm_ops();
}

static void cleanup_soft(void)
{
	reset_spm();
}

/* ---- every mode that names the node lands there ---- */

static int test_soft_modes(void)
{
	static const int modes[] = {
		MPOL_BIND, MPOL_PREFERRED, MPOL_PREFERRED_MANY,
		MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE,
	};
	int spm = first_spm(), sys = nodemask_first(sysram_nodes), vma, r;
	nodemask64 mixed = NODE_BIT(sys) | NODE_BIT(spm);
	long a0, a1, hist[HIST_LEN], n = MODE_LEN / PAGE_SZ, want;
	struct verdicts v0, v1;
	unsigned int i;
	long r_fault = spm_reason("FAULT"),
	     r_mpol_check = spm_reason("MPOL_CHECK");

	if (r_fault < 0 || r_mpol_check < 0)
		return FAIL;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	if (read_verdicts(&v0) != PASS)
		return FAIL;
	a0 = node_vmstat(spm, "spm_admit");

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		for (vma = 1; vma >= 0; vma--) {
			r = policy_on(modes[i], NODE_BIT(spm), vma,
				      NODE_BIT(spm), MODE_LEN, NULL);
			if (r != PASS)
				return r;
		}
	}
	/* A mixed interleave uses both nodes. */
	r = policy_on(MPOL_INTERLEAVE, mixed, true, mixed, MODE_LEN, hist);
	if (r != PASS)
		return r;
	CHECK(hist[spm] >= n / 4 && hist[sys] >= n / 4,
	      "mbind(MPOL_INTERLEAVE, %s): not interleaved (%s)", NL(mixed, 0),
	      HIST(hist));

	/* The policy admitted them, and the kernel counted them. */
	a1 = node_vmstat(spm, "spm_admit");
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	want = 2 * ARRAY_SIZE(modes) * n + hist[spm];
	info("node%d spm_admit %+ld for %ld pages; verdicts reason:+admit/+deny %s",
	     spm, a1 - a0, want, verdicts_delta(&v0, &v1));
	CHECK(a1 - a0 >= want, "node%d spm_admit grew by %ld for %ld pages",
	      spm, a1 - a0, want);
	CHECK(v1.admit[r_fault] - v0.admit[r_fault] >=
	      (unsigned long long)want,
	      "soft_guardrail admitted %llu faults for %ld pages (%s)",
	      v1.admit[r_fault] - v0.admit[r_fault], want,
	      verdicts_delta(&v0, &v1));
	CHECK(v1.admit[r_mpol_check] > v0.admit[r_mpol_check],
	      "mpol_check() was never asked (%s)", verdicts_delta(&v0, &v1));
	return detach("soft_guardrail");
}
TEST(soft_policy_modes, "soft_guardrail: mbind/set_mempolicy BIND, PREFERRED(_MANY), (WEIGHTED_)INTERLEAVE naming an SPM node land there",
	setup_soft, test_soft_modes, cleanup_soft);

/* ---- a large folio at fault time is asked about as THP ---- */

static int test_soft_thp(void)
{
	size_t len = 8 * MiB;
	int spm = first_spm(), r;
	long r_thp = spm_reason("THP"), hist[HIST_LEN], kb;
	unsigned long long thp;
	struct verdicts v0, v1;
	char *p;

	if (r_thp < 0)
		return FAIL;
	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	r = thp_map(len, &p);
	if (r != PASS)
		return r;
	CHECK(!sys_mbind(p, len, MPOL_BIND, NODE_BIT(spm), 0),
	      "mbind(MPOL_BIND, {%d}): %s", spm, strerror(errno));
	if (read_verdicts(&v0) != PASS)
		return FAIL;
	touch(p, len);
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	kb = anon_huge_kb(p);
	CHECK(pages_nodes(0, p, len, hist) >= 0, "move_pages: %s",
	      strerror(errno));
	thp = v1.admit[r_thp] - v0.admit[r_thp];
	info("AnonHugePages %ld kB, pages %s, THP admitted %llu (%s)", kb,
	     HIST(hist), thp, verdicts_delta(&v0, &v1));
	CHECK(kb > 0, "no transparent huge page was allocated (AnonHugePages %ld kB)",
	      kb);
	CHECK(hist[spm] == (long)(len / PAGE_SZ),
	      "the bound THP range is not all on node %d: %s", spm, HIST(hist));
	CHECK(thp >= (unsigned long long)(kb * KiB / THP_SZ),
	      "soft_guardrail was asked about %llu THP allocations for %ld kB of huge pages (%s)",
	      thp, kb, verdicts_delta(&v0, &v1));
	return detach("soft_guardrail");
}

static void cleanup_soft_thp(void)
{
	thp_restore();
	reset_spm();
}
TEST(soft_policy_thp, "soft_guardrail: a huge page faulted into a range bound to an SPM node is asked about as THP and lands there",
	setup_soft, test_soft_thp, cleanup_soft_thp);

/* ---- what nobody named stays on system RAM ---- */

static long slab_grown_kb(int nid, long before)
{
	return node_meminfo_kb(nid, "Slab") - before;
}


/* tmpfs data and slab under set_mempolicy(MPOL_BIND, {spm}). */
static int bound_task(void *arg)
{
	int spm = first_spm(), fd, r;
	long slab0, grown;
	size_t len = 16 * MiB, off;
	struct verdicts v0, v1;
	char *p;

	if (read_verdicts(&v0) != PASS)
		return FAIL;
	CHECK(!sys_set_mempolicy(MPOL_BIND, NODE_BIT(spm)),
	      "set_mempolicy(MPOL_BIND, %d): %s", spm, strerror(errno));

	/* Page cache that the task's policy names lands there. */
	fd = open(TMPFS_MNT "/bound", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0, "create a tmpfs file: %s", strerror(errno));
	CHECK(!ftruncate(fd, len), "ftruncate: %s", strerror(errno));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap the tmpfs file: %s", strerror(errno));
	for (off = 0; off < len; off += PAGE_SZ)
		p[off] = 1;
	r = check_on(0, p, len, NODE_BIT(spm),
		     "tmpfs pages under set_mempolicy(MPOL_BIND, spm)", NULL);
	munmap(p, len);
	close(fd);
	if (r != PASS)
		return r;

	/* Slab the task needs does not: the kernel keeps slab on sysram. */
	slab0 = node_meminfo_kb(spm, "Slab");
	r = create_files(SLAB_DIR, SLAB_FILES);
	CHECK(!r, "create %d files in %s: %s", SLAB_FILES, SLAB_DIR,
	      strerror(-r));
	grown = slab_grown_kb(spm, slab0);
	sys_set_mempolicy(MPOL_DEFAULT, 0);
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	info("%d files: node%d Slab %+ld kB; verdicts %s", SLAB_FILES, spm,
	     grown, verdicts_delta(&v0, &v1));
	CHECK(grown <= 1024, "node%d Slab grew by %ld kB under MPOL_BIND", spm,
	      grown);
	return PASS;
}

static int test_soft_unnamed(void)
{
	/* The isolation checks with the default policy, under soft. */
	static const char * const subtests[] = {
		"anon", "thp", "tmpfs", "slab", "interleave_all",
		"interleave_direct", "module_default", "module_noflag",
		"module_thisnode_noflag", "module_atomic", "module_bulk",
		"module_vmalloc", "hugetlb", "exhaust_sysram",
	};
	unsigned int i;
	int r;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	for (i = 0; i < ARRAY_SIZE(subtests); i++) {
		r = run_subtest(subtests[i]);
		if (r != PASS)
			return r;
	}
	mkdir(TMPFS_MNT, 0700);
	CHECK(!mount("tmpfs", TMPFS_MNT, "tmpfs", 0, "size=64m"),
	      "mount tmpfs: %s", strerror(errno));
	r = in_cgroup(NULL, bound_task, NULL);
	if (r != PASS)
		return r;
	r = check_attached("soft_guardrail");
	if (r != PASS)
		return r;
	return detach("soft_guardrail");
}

static void cleanup_soft_unnamed(void)
{
	remove_files(SLAB_DIR, SLAB_FILES);
	umount2(TMPFS_MNT, MNT_DETACH);
	rmdir(TMPFS_MNT);
	cleanup_soft();
}
TEST(soft_policy_unnamed, "soft_guardrail: default policy, page cache, slab (even under MPOL_BIND), atomic, interleave-all, exhaustion stay off SPM",
	setup_soft, test_soft_unnamed, cleanup_soft_unnamed);

/* ---- migrations to a node the user names ---- */

static int test_soft_migrate(void)
{
	size_t len = 4 * MiB, n = len / PAGE_SZ, i;
	int *nodes = calloc(n, sizeof(int)), *status = calloc(n, sizeof(int));
	void **pages = calloc(n, sizeof(void *));
	int spm = first_spm();
	struct holder h;
	long r;
	char *p;

	CHECK(nodes && status && pages, "out of memory");
	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;

	/* move_pages() */
	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	r = check_sysram(0, p, len, "before move_pages");
	if (r != PASS)
		return r;
	for (i = 0; i < n; i++) {
		pages[i] = p + i * PAGE_SZ;
		nodes[i] = spm;
		status[i] = -1000;
	}
	r = sys_move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE);
	CHECK(r == 0, "move_pages to node %d: %ld (%s)", spm, r,
	      r < 0 ? strerror(errno) : "pages not moved");
	for (i = 0; i < n; i++)
		CHECK(status[i] == spm, "move_pages: page %zu status %d, expected %d",
		      i, status[i], spm);
	r = check_on(0, p, len, NODE_BIT(spm), "after move_pages", NULL);
	munmap(p, len);
	if (r != PASS)
		return r;

	/* mbind(MPOL_MF_MOVE) */
	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	CHECK(!sys_mbind(p, len, MPOL_BIND, NODE_BIT(spm), MPOL_MF_MOVE),
	      "mbind(MPOL_BIND, %d, MPOL_MF_MOVE): %s", spm, strerror(errno));
	r = check_on(0, p, len, NODE_BIT(spm), "after mbind(MPOL_MF_MOVE)",
		     NULL);
	munmap(p, len);
	if (r != PASS)
		return r;

	/* migrate_pages() of another process */
	r = start_holder(len, MPOL_DEFAULT, 0, &h);
	if (r != PASS)
		return r;
	r = check_sysram(h.pid, h.addr, len, "before migrate_pages");
	if (r == PASS) {
		long moved = sys_migrate_pages(h.pid, sysram_nodes,
					       NODE_BIT(spm));

		if (moved < 0)
			r = fail("migrate_pages(%d, %s -> %d): %s", h.pid,
				 NL(sysram_nodes, 0), spm, strerror(errno));
		else
			r = check_on(h.pid, h.addr, len, NODE_BIT(spm),
				     "after migrate_pages", NULL);
	}
	release_holder(&h);
	if (r != PASS)
		return r;
	return detach("soft_guardrail");
}
TEST(soft_policy_migrate, "soft_guardrail: move_pages, mbind(MPOL_MF_MOVE) and migrate_pages to an SPM node move the pages there",
	setup_soft, test_soft_migrate, cleanup_soft);

/* ---- a mask of all nodes, with the knob ---- */

static int test_soft_trust_all(void)
{
	nodemask64 all = spm_nodes | sysram_nodes;
	long hist[HIST_LEN], n = MODE_LEN / PAGE_SZ, each;
	int nid, r;

	r = attach_pinned(SOFT_POLICY, "--set trust_all_nodes_mask=true",
			  "soft_guardrail");
	if (r != PASS)
		return r;
	r = policy_on(MPOL_INTERLEAVE, all, false, all, MODE_LEN, hist);
	if (r != PASS)
		return r;
	each = n / __builtin_popcountll(all);
	for (nid = 0; nid < MAX_NODES; nid++)
		CHECK(!(all & NODE_BIT(nid)) || hist[nid] >= each / 2,
		      "set_mempolicy(MPOL_INTERLEAVE, %s) with trust_all_nodes_mask: not over every node (%s)",
		      NL(all, 0), HIST(hist));

	r = interleave_all_touch("8M", hist);
	if (r != PASS)
		return r;
	CHECK(hist_on(hist, spm_nodes) >= n / 4,
	      "numactl --interleave=all with trust_all_nodes_mask: %ld of %ld pages on SPM nodes (%s)",
	      hist_on(hist, spm_nodes), n, HIST(hist));
	return detach("soft_guardrail");
}
TEST(soft_policy_trust_all, "soft_guardrail --set trust_all_nodes_mask=true: interleave over all nodes includes the SPM nodes",
	setup_soft, test_soft_trust_all, cleanup_soft);
