// SPDX-License-Identifier: GPL-2.0
/*
 * SPM isolation tests: for each way into the page allocator, where pages
 * must land, checked where they really landed (move_pages() status
 * queries, node meminfo and the spm_* counters).
 *
 * The nodes that must be SPM come from spm_nodes= (or -s); the kernel's own
 * view (has_spm) is what the first test checks, never what the others rely
 * on, so that a kernel without SPM support fails instead of skipping.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#define NODE_SYSFS	"/sys/devices/system/node"


/* ---- 1. sysfs ---- */

static int node_spm_attr(int nid, char *buf, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), NODE_SYSFS "/node%d/spm", nid);
	return spm_read_str(path, buf, len);
}

static int node_spm_attr_write(int nid, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), NODE_SYSFS "/node%d/spm", nid);
	return write_file(path, val);
}

static int check_spm_attrs(void)
{
	char buf[64];
	nodemask64 mask;
	int nid, r;

	r = spm_read_str(NODE_SYSFS "/has_spm", buf, sizeof(buf));
	CHECK(r >= 0, "cannot read has_spm: %s", strerror(-r));
	CHECK(!nodelist_parse(buf, &mask), "has_spm is not a node list: '%s'",
	      buf);
	CHECK(mask == spm_nodes, "has_spm is '%s', expected '%s'", NL(mask, 0),
	      NL(spm_nodes, 1));
	r = spm_read_str(NODE_SYSFS "/has_sysram", buf, sizeof(buf));
	CHECK(r >= 0, "cannot read has_sysram: %s", strerror(-r));
	CHECK(!nodelist_parse(buf, &mask), "has_sysram is not a node list: '%s'",
	      buf);
	CHECK(mask == sysram_nodes, "has_sysram is '%s', expected '%s'",
	      NL(mask, 0), NL(sysram_nodes, 1));
	for (nid = 0; nid < nr_node_ids; nid++) {
		bool want = spm_nodes & NODE_BIT(nid);

		if (!((spm_nodes | sysram_nodes) & NODE_BIT(nid)))
			continue;
		r = node_spm_attr(nid, buf, sizeof(buf));
		CHECK(r >= 0, "cannot read node%d/spm: %s", nid, strerror(-r));
		CHECK(!strcmp(buf, want ? "1" : "0"),
		      "node%d/spm reads '%s', expected %d", nid, buf, want);
	}
	return PASS;
}

static int test_sysfs(void)
{
	int spm = first_spm(), sys = nodemask_first(sysram_nodes);
	int nid, r;

	r = check_spm_attrs();
	if (r != PASS)
		return r;

	for (nid = 0; nid < MAX_NODES; nid++) {
		long total;

		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		total = node_meminfo_kb(nid, "MemTotal");
		info("node%d MemTotal %ld kB", nid, total);
		/* 1 GiB, less struct pages (and a debug kernel's KASAN shadow) */
		CHECK(total * KiB > 512 * MiB,
		      "SPM node %d has %ld kB of memory, expected > 512 MiB of its 1 GiB",
		      nid, total);
	}

	/*
	 * Nodes with memory online cannot change; writing the state a node
	 * has is no change (it was refused with EBUSY before the nodes
	 * could be declared at run time).
	 */
	r = node_spm_attr_write(spm, "1");
	CHECK(!r, "writing 1 to SPM node%d/spm: %s, expected success", spm,
	      strerror(-r));
	r = node_spm_attr_write(spm, "0");
	CHECK(r == -EBUSY, "writing 0 to node%d/spm: %s, expected EBUSY", spm,
	      r ? strerror(-r) : "success");
	r = node_spm_attr_write(sys, "0");
	CHECK(!r, "writing 0 to system RAM node%d/spm: %s, expected success",
	      sys, strerror(-r));
	/* A node with CPUs may be refused for that reason first. */
	r = node_spm_attr_write(sys, "1");
	CHECK(r == -EBUSY || r == -EINVAL,
	      "writing 1 to node%d/spm: %s, expected EBUSY or EINVAL", sys,
	      r ? strerror(-r) : "success");
	r = node_spm_attr_write(spm, "garbage");
	CHECK(r == -EINVAL, "writing 'garbage' to node%d/spm: %s, expected EINVAL",
	      spm, r ? strerror(-r) : "success");

	/* /sys/kernel/mm/spm/nodes: the whole list, all or nothing. */
	if (!access(SPM_NODES_FILE, F_OK)) {
		static const struct {
			const char *list;
			int err;
		} bad[] = {
			{ "garbage", -EINVAL },
			{ "1023", -EINVAL },	/* not a possible node */
			{ "0-3", -EINVAL },	/* nodes 0 and 1 have CPUs */
			{ "\n", -EBUSY },	/* none: SPM nodes have memory */
		};
		char list[128];
		size_t i;

		snprintf(list, sizeof(list), "%s", NL(spm_nodes, 0));
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			r = write_file(SPM_NODES_FILE, bad[i].list);
			CHECK(r == bad[i].err, "echo '%s' > %s: %s, expected %s",
			      bad[i].list, SPM_NODES_FILE,
			      r ? strerror(-r) : "success",
			      strerror(-bad[i].err));
		}
		/* The same list again changes nothing and succeeds. */
		r = write_file(SPM_NODES_FILE, list);
		CHECK(!r, "echo %s > %s: %s", list, SPM_NODES_FILE,
		      strerror(-r));
	}

	/* Nothing changed. */
	return check_spm_attrs();
}
TEST(sysfs, "has_spm, nodeN/spm, /sys/kernel/mm/spm/nodes and the SPM nodes' memory; no change while online, bad lists refused",
	need_spm, test_sysfs, NULL);

/* ---- 2. default policy ---- */

static int test_anon(void)
{
	size_t len = 64 * MiB;
	void *p = map_touch(len);

	CHECK(p, "mmap %zu MiB: %s", len / MiB, strerror(errno));
	return check_sysram(0, p, len, "anonymous memory");
}
TEST(anon, "default policy: 64 MiB of anonymous memory stays on system RAM",
	need_spm, test_anon, NULL);

static int test_thp(void)
{
	size_t len = 16 * MiB;
	char *p;
	long kb;
	int r;

	r = thp_map(len, &p);
	if (r != PASS)
		return r;
	touch(p, len);
	kb = anon_huge_kb(p);
	info("AnonHugePages %ld kB", kb);
	CHECK(kb > 0, "no transparent huge page was allocated (AnonHugePages %ld kB)",
	      kb);
	return check_sysram(0, p, len, "THP");
}
static void cleanup_thp(void)
{
	thp_restore();
}
TEST(thp, "default policy: transparent huge pages stay on system RAM",
	need_spm, test_thp, cleanup_thp);

#define FILE_PATTERN(i)	((char)((i) * 7 + 1))

/* Write len bytes of a pattern to path; return the open fd or -errno. */
static int write_pattern_file(const char *path, size_t len)
{
	static char chunk[MiB];
	size_t off, i;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	for (off = 0; off < len; off += sizeof(chunk)) {
		for (i = 0; i < sizeof(chunk); i += PAGE_SZ)
			chunk[i] = FILE_PATTERN((off + i) / PAGE_SZ);
		if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk)) {
			int err = errno ? -errno : -EIO;

			close(fd);
			return err;
		}
	}
	if (fsync(fd)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Map the file's pages (faulting them in) and check where they are. */
static int check_file_pages(int fd, size_t len, const char *what)
{
	size_t i;
	char *p;
	int r;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	CHECK(p != MAP_FAILED, "%s: mmap: %s", what, strerror(errno));
	for (i = 0; i < len; i += PAGE_SZ)
		if (p[i] != FILE_PATTERN(i / PAGE_SZ)) {
			munmap(p, len);
			return fail("%s: wrong data at offset %zu", what, i);
		}
	r = check_sysram(0, p, len, what);
	munmap(p, len);
	return r;
}

#define TMPFS_MNT	"/tmp/spm_tmpfs"

static int test_tmpfs(void)
{
	size_t len = 32 * MiB;
	int fd, r;

	mkdir(TMPFS_MNT, 0700);
	CHECK(!mount("tmpfs", TMPFS_MNT, "tmpfs", 0, "size=64m"),
	      "mount tmpfs: %s", strerror(errno));
	fd = write_pattern_file(TMPFS_MNT "/file", len);
	CHECK(fd >= 0, "write a tmpfs file: %s", strerror(-fd));
	r = check_file_pages(fd, len, "tmpfs page cache");
	close(fd);
	return r;
}

static void cleanup_tmpfs(void)
{
	umount2(TMPFS_MNT, MNT_DETACH);
	rmdir(TMPFS_MNT);
}
TEST(tmpfs, "default policy: tmpfs file pages stay on system RAM",
	need_spm, test_tmpfs, cleanup_tmpfs);

#define EXT2_MNT	"/tmp/spm_ext2"

static int setup_ext2(void)
{
	int r = need_spm();

	return r == PASS ? mount_ramdisk_ext2(EXT2_MNT) : r;
}

/* Resident pages of the file's first len bytes, -1 on error. */
static long resident_pages(int fd, size_t len)
{
	unsigned char vec[len / PAGE_SZ];
	long n = 0;
	size_t i;
	void *p;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	if (mincore(p, len, vec)) {
		munmap(p, len);
		return -1;
	}
	for (i = 0; i < len / PAGE_SZ; i++)
		n += vec[i] & 1;
	munmap(p, len);
	return n;
}

static int test_ext2(void)
{
	size_t len = 16 * MiB;
	long res;
	int fd, r;

	fd = write_pattern_file(EXT2_MNT "/file", len);
	CHECK(fd >= 0, "write an ext2 file: %s", strerror(-fd));
	r = check_file_pages(fd, len, "ext2 page cache after write");
	if (r != PASS)
		goto out;

	/* Read it back from the RAM disk: the read-ahead path. */
	r = write_file("/proc/sys/vm/drop_caches", "1");
	if (r) {
		r = fail("cannot drop the page cache: %s", strerror(-r));
		goto out;
	}
	res = resident_pages(fd, len);
	info("%ld of %zu pages resident after drop_caches", res, len / PAGE_SZ);
	if (res != 0) {
		r = fail("%ld pages still cached after drop_caches: the read path would go untested",
			 res);
		goto out;
	}
	r = check_file_pages(fd, len, "ext2 page cache after read");
out:
	close(fd);
	return r;
}

static void cleanup_ext2(void)
{
	unlink(EXT2_MNT "/file");
	umount2(EXT2_MNT, MNT_DETACH);
	rmdir(EXT2_MNT);
}
TEST(ext2, "default policy: ext2 (on brd) page cache, written and read back, stays on system RAM",
	setup_ext2, test_ext2, cleanup_ext2);

#define SLAB_DIR	"/tmp/spm_slab"

static void cleanup_slab(void)
{
	remove_files(SLAB_DIR, SLAB_FILES);
}

static int test_slab(void)
{
	long slab0[MAX_NODES], free0[MAX_NODES], slab1, free1, grown = 0;
	int nid, r;

	for (nid = 0; nid < nr_node_ids; nid++) {
		slab0[nid] = node_meminfo_kb(nid, "Slab");
		free0[nid] = node_meminfo_kb(nid, "MemFree");
	}
	/* Inodes and dentries: about 1 kB of slab per empty tmpfs file. */
	r = create_files(SLAB_DIR, SLAB_FILES);
	CHECK(!r, "create %d files in %s: %s", SLAB_FILES, SLAB_DIR,
	      strerror(-r));

	for (nid = 0; nid < nr_node_ids; nid++) {
		if (!((spm_nodes | sysram_nodes) & NODE_BIT(nid)))
			continue;
		slab1 = node_meminfo_kb(nid, "Slab");
		free1 = node_meminfo_kb(nid, "MemFree");
		info("node%d: Slab %+ld kB, MemFree %+ld kB", nid,
		     slab1 - slab0[nid], free1 - free0[nid]);
		if (sysram_nodes & NODE_BIT(nid)) {
			grown += slab1 - slab0[nid];
			continue;
		}
		CHECK(labs(slab1 - slab0[nid]) <= 1024,
		      "SPM node %d: Slab changed by %ld kB", nid,
		      slab1 - slab0[nid]);
		CHECK(free0[nid] - free1 <= 1024,
		      "SPM node %d: MemFree dropped by %ld kB", nid,
		      free0[nid] - free1);
	}
	/* Prove the test grew the slab at all. */
	CHECK(grown >= 4096, "system RAM slab grew by only %ld kB", grown);
	return PASS;
}
TEST(slab, "default policy: slab growth (20000 inodes and dentries) stays off SPM nodes",
	need_spm, test_slab, cleanup_slab);

/* ---- 4. interleave over all nodes ---- */

static int test_interleave_all(void)
{
	long hist[HIST_LEN], n = 64 * MiB / PAGE_SZ;
	int r;

	r = interleave_all_touch("64M", hist);
	if (r != PASS)
		return r;
	CHECK(!hist_on(hist, spm_nodes), "%ld of %ld pages on SPM nodes (%s)",
	      hist_on(hist, spm_nodes), n, HIST(hist));
	CHECK(hist_on(hist, sysram_nodes) == n,
	      "only %ld of %ld pages on system RAM (%s)",
	      hist_on(hist, sysram_nodes), n, HIST(hist));
	return check_spread(hist, n, "numactl --interleave=all");
}
TEST(interleave_all, "numactl --interleave=all spreads over system RAM only",
	need_spm, test_interleave_all, NULL);

static int test_interleave_direct(void)
{
	nodemask64 all = spm_nodes | sysram_nodes;
	size_t len = 32 * MiB;
	long hist[HIST_LEN], n;
	void *p;
	int r;

	/* Task policy over every node. */
	CHECK(!sys_set_mempolicy(MPOL_INTERLEAVE, all),
	      "set_mempolicy(MPOL_INTERLEAVE, %s): %s", NL(all, 0),
	      strerror(errno));
	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	r = check_sysram(0, p, len, "set_mempolicy interleave");
	if (r != PASS)
		return r;
	n = pages_nodes(0, p, len, hist);
	r = check_spread(hist, n, "set_mempolicy interleave");
	if (r != PASS)
		return r;
	CHECK(!sys_set_mempolicy(MPOL_DEFAULT, 0), "set_mempolicy(MPOL_DEFAULT): %s",
	      strerror(errno));

	/* VMA policy over every node. */
	p = map_anon(len);
	CHECK(p, "mmap: %s", strerror(errno));
	CHECK(!sys_mbind(p, len, MPOL_INTERLEAVE, all, 0),
	      "mbind(MPOL_INTERLEAVE, %s): %s", NL(all, 0), strerror(errno));
	touch(p, len);
	r = check_sysram(0, p, len, "mbind interleave");
	if (r != PASS)
		return r;
	n = pages_nodes(0, p, len, hist);
	return check_spread(hist, n, "mbind interleave");
}
TEST(interleave_direct, "MPOL_INTERLEAVE over all nodes (set_mempolicy, mbind) uses system RAM only",
	need_spm, test_interleave_direct, NULL);

/* ---- 5. mbind / set_mempolicy ---- */

static const char *mode_name(int mode)
{
	switch (mode) {
	case MPOL_PREFERRED:		return "MPOL_PREFERRED";
	case MPOL_BIND:			return "MPOL_BIND";
	case MPOL_INTERLEAVE:		return "MPOL_INTERLEAVE";
	case MPOL_PREFERRED_MANY:	return "MPOL_PREFERRED_MANY";
	case MPOL_WEIGHTED_INTERLEAVE:	return "MPOL_WEIGHTED_INTERLEAVE";
	}
	return "?";
}

/*
 * Apply mode/mask with mbind (vma) or set_mempolicy (task) to fresh memory.
 * must_fail: the call must fail with EINVAL.  Otherwise the call may fail
 * with EINVAL (allow_einval) or succeed, and then every page must be on
 * system RAM -- on only_on if that is not 0.
 */
static int try_policy(int mode, nodemask64 mask, bool vma, bool must_fail,
		      bool allow_einval, nodemask64 only_on)
{
	size_t len = 8 * MiB;
	char what[160];
	long hist[HIST_LEN], n, r;
	void *p;

	snprintf(what, sizeof(what), "%s(%s, %s)", vma ? "mbind" : "set_mempolicy",
		 mode_name(mode), NL(mask, 0));
	p = map_anon(len);
	CHECK(p, "mmap: %s", strerror(errno));
	if (vma)
		r = sys_mbind(p, len, mode, mask, 0);
	else
		r = sys_set_mempolicy(mode, mask);

	if (r && errno == EINVAL && (must_fail || allow_einval)) {
		info("%s: EINVAL", what);
		munmap(p, len);
		return PASS;
	}
	if (r) {
		munmap(p, len);
		return fail("%s: %s", what, strerror(errno));
	}
	touch(p, len);
	if (!vma)
		sys_set_mempolicy(MPOL_DEFAULT, 0);
	n = pages_nodes(0, p, len, hist);
	CHECK(n >= 0, "%s: move_pages query: %s", what, strerror(-n));
	info("%s: succeeded, %s", what, HIST(hist));
	CHECK(!must_fail, "%s succeeded, expected EINVAL (pages: %s)", what,
	      HIST(hist));
	CHECK(!hist_on(hist, spm_nodes), "%s: %ld of %ld pages on SPM nodes (%s)",
	      what, hist_on(hist, spm_nodes), n, HIST(hist));
	CHECK(hist_on(hist, only_on ? only_on : sysram_nodes) == n,
	      "%s: only %ld of %ld pages on nodes %s (%s)", what,
	      hist_on(hist, only_on ? only_on : sysram_nodes), n,
	      NL(only_on ? only_on : sysram_nodes, 1), HIST(hist));
	munmap(p, len);
	return PASS;
}

static int test_mpol_bind(void)
{
	int spm = first_spm(), sys = nodemask_first(sysram_nodes);
	nodemask64 mixed = NODE_BIT(sys) | NODE_BIT(spm);
	int vma, r;

	for (vma = 1; vma >= 0; vma--) {
		r = try_policy(MPOL_BIND, NODE_BIT(spm), vma, true, true, 0);
		if (r != PASS)
			return r;
		r = try_policy(MPOL_BIND, spm_nodes, vma, true, true, 0);
		if (r != PASS)
			return r;
		/* SPM nodes are stripped from a mixed mask. */
		r = try_policy(MPOL_BIND, mixed, vma, false, false,
			       NODE_BIT(sys));
		if (r != PASS)
			return r;
	}
	return PASS;
}
TEST(mpol_bind, "MPOL_BIND to SPM nodes is EINVAL; a mixed mask loses its SPM nodes",
	need_spm, test_mpol_bind, NULL);

static int test_mpol_preferred(void)
{
	int spm = first_spm(), sys = nodemask_first(sysram_nodes);
	int vma, r;

	for (vma = 1; vma >= 0; vma--) {
		/* Only SPM nodes: EINVAL (README, spm.rst). */
		r = try_policy(MPOL_PREFERRED, NODE_BIT(spm), vma, true, true, 0);
		if (r != PASS)
			return r;
		r = try_policy(MPOL_PREFERRED_MANY, spm_nodes, vma, true, true, 0);
		if (r != PASS)
			return r;
		/* A mixed mask keeps its system RAM node: the pages go there. */
		r = try_policy(MPOL_PREFERRED_MANY, spm_nodes | NODE_BIT(sys),
			       vma, false, false, NODE_BIT(sys));
		if (r != PASS)
			return r;
	}
	return PASS;
}
TEST(mpol_preferred, "MPOL_PREFERRED(_MANY) naming only SPM nodes is EINVAL; a mixed mask loses its SPM nodes",
	need_spm, test_mpol_preferred, NULL);

static int test_mpol_interleave(void)
{
	static const int modes[] = { MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE };
	unsigned int i;
	int vma, r;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		for (vma = 1; vma >= 0; vma--) {
			r = try_policy(modes[i], spm_nodes, vma, true, true, 0);
			if (r != PASS)
				return r;
			r = try_policy(modes[i], spm_nodes | sysram_nodes, vma,
				       false, false, 0);
			if (r != PASS)
				return r;
		}
	}
	return PASS;
}
TEST(mpol_interleave, "(WEIGHTED_)INTERLEAVE over only SPM nodes is EINVAL; over all nodes it interleaves over system RAM",
	need_spm, test_mpol_interleave, NULL);

/* ---- 6. migration ---- */

static int test_migrate_pages(void)
{
	size_t len = 4 * MiB;
	int spm = first_spm(), ret;
	struct holder h;
	long r;

	ret = start_holder(len, MPOL_DEFAULT, 0, &h);
	if (ret != PASS)
		return ret;
	ret = check_sysram(h.pid, h.addr, len, "before migrate_pages");
	if (ret != PASS)
		goto out;

	r = sys_migrate_pages(h.pid, sysram_nodes, NODE_BIT(spm));
	info("migrate_pages(%d, %s -> %d) = %ld (%s)", h.pid,
	     NL(sysram_nodes, 0), spm, r, r < 0 ? strerror(errno) : "ok");
	/* spm.rst: migrate_pages() to SPM nodes only fails with EINVAL. */
	if (r >= 0 || errno != EINVAL) {
		ret = fail("migrate_pages(%s -> %d): %s, expected EINVAL",
			   NL(sysram_nodes, 0), spm,
			   r >= 0 ? "success" : strerror(errno));
		goto out;
	}
	ret = check_sysram(h.pid, h.addr, len, "after migrate_pages");
out:
	release_holder(&h);
	return ret;
}
TEST(migrate_pages, "migrate_pages(pid, sysram -> SPM node) fails with EINVAL and moves nothing",
	need_spm, test_migrate_pages, NULL);

static int test_move_pages(void)
{
	size_t len = 1 * MiB, n = len / PAGE_SZ, i;
	int spm = first_spm(), nodes[n], status[n];
	void *pages[n];
	char *p;
	long r;

	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	for (i = 0; i < n; i++)
		pages[i] = p + i * PAGE_SZ;

	/* All pages to the SPM node: each one refused, none moves. */
	for (i = 0; i < n; i++) {
		nodes[i] = spm;
		status[i] = -1000;
	}
	r = sys_move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE);
	CHECK(r >= 0, "move_pages to node %d: %s, expected per-page EACCES",
	      spm, strerror(errno));
	for (i = 0; i < n; i++)
		CHECK(status[i] == -EACCES,
		      "move_pages to node %d: page %zu status %d, expected %d (-EACCES)",
		      spm, i, status[i], -EACCES);
	r = check_sysram(0, p, len, "after move_pages");
	munmap(p, len);
	return r;
}
TEST(move_pages, "move_pages to an SPM node: -EACCES per page, pages stay",
	need_spm, test_move_pages, NULL);

static int setup_two_sysram(void)
{
	int r = need_spm();

	return r == PASS ? need_nodes(sysram_nodes, 2, "system RAM") : r;
}

static int test_move_pages_mixed(void)
{
	size_t len = 1 * MiB, n = len / PAGE_SZ, i;
	int spm = first_spm(), nodes[n], status[n], before[n];
	void *pages[n];
	char *p;
	long r;

	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	for (i = 0; i < n; i++)
		pages[i] = p + i * PAGE_SZ;

	/*
	 * Every other page to the SPM node, the others to another system
	 * RAM node: only the SPM ones are refused.
	 */
	CHECK(!sys_move_pages(0, n, pages, NULL, before, 0),
	      "move_pages query: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		nodes[i] = i & 1 ? spm :
			nodemask_first(sysram_nodes & ~NODE_BIT(before[i]));
		status[i] = -1000;
	}
	r = sys_move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE);
	CHECK(r >= 0, "mixed move_pages: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (i & 1)
			CHECK(status[i] == -EACCES,
			      "mixed move_pages: page %zu to SPM node %d: status %d, expected -EACCES",
			      i, spm, status[i]);
		else
			CHECK(status[i] == nodes[i],
			      "mixed move_pages: page %zu to node %d: status %d",
			      i, nodes[i], status[i]);
	}
	CHECK(!sys_move_pages(0, n, pages, NULL, status, 0),
	      "move_pages query: %s", strerror(errno));
	for (i = 0; i < n; i++)
		CHECK(status[i] == (i & 1 ? before[i] : nodes[i]),
		      "mixed move_pages: page %zu is on node %d, expected %d",
		      i, status[i], i & 1 ? before[i] : nodes[i]);
	return PASS;
}
TEST(move_pages_mixed, "move_pages to an SPM node and another system RAM node: -EACCES for the first, the others move",
	setup_two_sysram, test_move_pages_mixed, NULL);

/* ---- 7. the test module ---- */

static int test_module_input(void)
{
	static const char * const bad[] = {
		"", "bogus=1", "mode=foo", "count=0", "count=100000",
		"count=-1", "nid=99", "nid=x", "mask=", "mask=0-",
		"mask=99", "spm=2", "gfp=nowait", "mode=vmalloc spm=1",
		"mode=vmalloc mask=0", "mode=irq count=5000", "thisnode=1",
		"count", "=1",
	};
	struct mod_result res;
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = module_alloc(bad[i], &res);
		CHECK(r == -EINVAL, "'%s': %s, expected EINVAL", bad[i],
		      r ? strerror(-r) : "accepted");
	}
	return mod_sysram("count=1", 1);
}
TEST(module_input, "spm_test.ko rejects malformed commands with EINVAL",
	need_module, test_module_input, NULL);

static int test_module_default(void)
{
	return mod_sysram("mode=page count=512", MOD_COUNT);
}
TEST(module_default, "module: default allocations (no flag, local node) stay on system RAM",
	need_module, test_module_default, NULL);

static int test_module_noflag(void)
{
	char cmd[128];
	int nid, r;

	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		/* Preferred SPM node, no nodemask. */
		snprintf(cmd, sizeof(cmd), "nid=%d count=%d", nid, MOD_COUNT);
		r = mod_sysram(cmd, MOD_COUNT);
		if (r != PASS)
			return r;
		/* Bound to the SPM node without the flag: falls back. */
		snprintf(cmd, sizeof(cmd), "nid=%d mask=%d count=%d", nid, nid,
			 MOD_COUNT);
		r = mod_sysram(cmd, MOD_COUNT);
		if (r != PASS)
			return r;
		snprintf(cmd, sizeof(cmd), "nid=%d mask=%s count=%d", nid,
			 NL(spm_nodes, 0), MOD_COUNT);
		r = mod_sysram(cmd, MOD_COUNT);
		if (r != PASS)
			return r;
	}
	return PASS;
}
TEST(module_noflag, "module: nid/mask naming SPM nodes without __GFP_SPM_NODE -> system RAM",
	need_module, test_module_noflag, NULL);

static int test_module_thisnode_noflag(void)
{
	struct mod_result res;
	char cmd[128];
	int nid;

	for (nid = 0; nid < MAX_NODES; nid++) {
		long deny0, deny1;

		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		deny0 = node_vmstat(nid, "spm_deny");
		snprintf(cmd, sizeof(cmd), "nid=%d thisnode=1 count=%d", nid,
			 MOD_COUNT);
		if (mod(cmd, &res) != PASS)
			return FAIL;
		CHECK(res.ok == 0, "'%s': %ld pages allocated, expected none (%s)",
		      cmd, res.ok, RES(&res));
		deny1 = node_vmstat(nid, "spm_deny");
		CHECK(deny0 >= 0 && deny1 - deny0 >= MOD_COUNT,
		      "'%s': node%d spm_deny went from %ld to %ld, expected +%d",
		      cmd, nid, deny0, deny1, MOD_COUNT);
	}
	return PASS;
}
TEST(module_thisnode_noflag, "module: __GFP_THISNODE on an SPM node without the flag fails, counted in spm_deny",
	need_module, test_module_thisnode_noflag, NULL);

static int test_module_spm_admit(void)
{
	static const char * const fmts[] = {
		"spm=1 nid=%d mask=%d count=%d",
		"spm=1 nid=%d thisnode=1 count=%d",
		"spm=1 nid=%d count=%d",
	};
	char cmd[128];
	unsigned int i;
	int nid, r;

	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		for (i = 0; i < ARRAY_SIZE(fmts); i++) {
			long a0, a1, g0, g1;

			if (i == 0)
				snprintf(cmd, sizeof(cmd), fmts[i], nid, nid,
					 MOD_COUNT);
			else
				snprintf(cmd, sizeof(cmd), fmts[i], nid,
					 MOD_COUNT);
			a0 = node_vmstat(nid, "spm_admit");
			g0 = proc_vmstat("spm_admit");
			r = mod_on(cmd, nid, MOD_COUNT);
			if (r != PASS)
				return r;
			a1 = node_vmstat(nid, "spm_admit");
			g1 = proc_vmstat("spm_admit");
			CHECK(a0 >= 0 && a1 - a0 == MOD_COUNT,
			      "'%s': node%d spm_admit went from %ld to %ld, expected +%d",
			      cmd, nid, a0, a1, MOD_COUNT);
			CHECK(g0 >= 0 && g1 - g0 == MOD_COUNT,
			      "'%s': /proc/vmstat spm_admit went from %ld to %ld, expected +%d",
			      cmd, g0, g1, MOD_COUNT);
		}
	}
	return PASS;
}
TEST(module_spm_admit, "module: __GFP_SPM_NODE naming the node gets it; spm_admit counts each page",
	need_module, test_module_spm_admit, NULL);

static int test_module_spm_unnamed(void)
{
	int spm = first_spm(), sys = nodemask_first(sysram_nodes);
	char cmd[128];
	int r;

	/* The flag alone names nothing. */
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%s count=%d", spm,
		 NL(sysram_nodes, 0), MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d count=%d", sys, MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 count=%d", MOD_COUNT);
	return mod_sysram(cmd, MOD_COUNT);
}
TEST(module_spm_unnamed, "module: __GFP_SPM_NODE without naming an SPM node never gets one",
	need_module, test_module_spm_unnamed, NULL);

static int setup_two_spm(void)
{
	int r = need_module();

	return r == PASS ? need_nodes(spm_nodes, 2, "SPM") : r;
}

/* Preferred one SPM node, the mask names another: only that one. */
static int test_module_spm_other(void)
{
	int spm = first_spm(), other = nodemask_first(spm_nodes & ~NODE_BIT(spm));
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d", spm, other,
		 MOD_COUNT);
	return mod_on(cmd, other, MOD_COUNT);
}
TEST(module_spm_other, "module: __GFP_SPM_NODE preferring one SPM node, naming another, gets only the named one",
	setup_two_spm, test_module_spm_other, NULL);

static int test_module_atomic(void)
{
	static const char * const modes[] = { "timer", "irq" };
	int spm = first_spm();
	char cmd[128];
	unsigned int i;
	int r;

	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "mode=%s count=256", modes[i]);
		r = mod_sysram(cmd, 256);
		if (r == PASS) {
			snprintf(cmd, sizeof(cmd), "mode=%s nid=%d count=256",
				 modes[i], spm);
			r = mod_sysram(cmd, 256);
		}
		if (r == PASS) {
			snprintf(cmd, sizeof(cmd),
				 "mode=%s nid=%d mask=%d count=256", modes[i],
				 spm, spm);
			r = mod_sysram(cmd, 256);
		}
		if (r == PASS) {
			snprintf(cmd, sizeof(cmd),
				 "mode=%s nid=%d thisnode=1 count=64",
				 modes[i], spm);
			r = mod_sysram(cmd, 0);
		}
		/* Admitted atomic requests do reach the node. */
		if (r == PASS) {
			snprintf(cmd, sizeof(cmd),
				 "mode=%s spm=1 nid=%d mask=%d count=256",
				 modes[i], spm, spm);
			r = mod_on(cmd, spm, 256);
		}
		if (r != PASS)
			return r;
	}
	return PASS;
}
TEST(module_atomic, "module: GFP_ATOMIC from softirq (timer) and hard irq (irq_work) never on SPM unless admitted",
	need_module, test_module_atomic, NULL);

static int test_module_bulk(void)
{
	int spm = first_spm();
	char cmd[128];
	int r;

	r = mod_sysram("mode=bulk count=512", MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "mode=bulk nid=%d count=%d", spm, MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "mode=bulk nid=%d mask=%d count=%d", spm,
		 spm, MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "mode=bulk spm=1 nid=%d mask=%d count=%d",
		 spm, spm, MOD_COUNT);
	return mod_on(cmd, spm, MOD_COUNT);
}
TEST(module_bulk, "module: the bulk allocator never hands out SPM pages unless admitted",
	need_module, test_module_bulk, NULL);

/*
 * A preferred SPM node that the request may not use is not its first node:
 * the bulk allocator fills the batch from system RAM at once rather than
 * one page per call.
 */
static int test_module_bulk_batch(void)
{
	struct mod_result res;
	char cmd[128];
	int r;

	snprintf(cmd, sizeof(cmd), "mode=bulk nid=%d count=%d", first_spm(),
		 MOD_COUNT);
	r = mod(cmd, &res);
	if (r != PASS)
		return r;
	info("'%s': %s, %ld pages from the first call", cmd, RES(&res),
	     res.batch);
	CHECK(res.ok == MOD_COUNT && !hist_on(res.node, spm_nodes),
	      "'%s': %s", cmd, RES(&res));
	CHECK(res.batch >= MOD_COUNT / 2,
	      "'%s': the first call returned %ld of %d pages: the bulk allocator fell back to one page per call",
	      cmd, res.batch, MOD_COUNT);
	return PASS;
}
TEST(module_bulk_batch, "module: the bulk allocator with an SPM preferred node fills its batch from system RAM in one call",
	need_module, test_module_bulk_batch, NULL);

static int test_module_vmalloc(void)
{
	char cmd[128];
	int nid, r;

	r = mod_sysram("mode=vmalloc count=512", MOD_COUNT);
	for (nid = 0; r == PASS && nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		snprintf(cmd, sizeof(cmd), "mode=vmalloc nid=%d count=%d", nid,
			 MOD_COUNT);
		r = mod_sysram(cmd, MOD_COUNT);
	}
	return r;
}
TEST(module_vmalloc, "module: vmalloc and vmalloc_node(SPM node) stay on system RAM",
	need_module, test_module_vmalloc, NULL);

/* ---- 8. hugetlb ---- */

#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"


static long saved_hugepages = -1;

static int setup_hugetlb(void)
{
	int r = need_spm();

	if (r != PASS)
		return r;
	saved_hugepages = read_num(NR_HUGEPAGES);
	if (saved_hugepages < 0)
		return skip("no hugetlb in this kernel");
	return PASS;
}

static int test_hugetlb(void)
{
	long total, on_sys = 0, v;
	int nid, spm = first_spm(), r;
	size_t len = 4 * MiB;
	char path[160];
	void *p;

	r = write_file(NR_HUGEPAGES, "64");
	CHECK(!r || r == -ENOMEM, "write 64 to nr_hugepages: %s", strerror(-r));
	total = read_num(NR_HUGEPAGES);
	CHECK(total >= 0, "read nr_hugepages");
	for (nid = 0; nid < nr_node_ids; nid++) {
		v = node_hugepages(nid);
		info("node%d nr_hugepages %ld", nid, v);
		if (v < 0)
			continue;
		if (spm_nodes & NODE_BIT(nid))
			CHECK(v == 0, "global pool fill put %ld huge pages on SPM node %d",
			      v, nid);
		else
			on_sys += v;
	}
	CHECK(total > 0, "no huge page allocated for the pool");
	CHECK(on_sys == total, "%ld huge pages, %ld of them on system RAM nodes",
	      total, on_sys);

	/* A hugetlb mapping dequeues from the pool. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	CHECK(p != MAP_FAILED, "mmap MAP_HUGETLB: %s", strerror(errno));
	touch(p, len);
	r = check_sysram(0, p, len, "hugetlb mapping");
	munmap(p, len);
	if (r != PASS)
		return r;

	/* The SPM node's own pool cannot grow. */
	snprintf(path, sizeof(path), NODE_HUGEPAGES, spm);
	r = write_file(path, "8");
	v = node_hugepages(spm);
	info("write 8 to node%d nr_hugepages: %s, reads %ld", spm,
	     r ? strerror(-r) : "ok", v);
	CHECK(v == 0, "node%d nr_hugepages is %ld after writing 8 (write: %s)",
	      spm, v, r ? strerror(-r) : "ok");
	return PASS;
}

static void cleanup_hugetlb(void)
{
	char path[160], val[32];
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		snprintf(path, sizeof(path), NODE_HUGEPAGES, nid);
		write_file(path, "0");
	}
	snprintf(val, sizeof(val), "%ld", saved_hugepages < 0 ? 0 : saved_hugepages);
	write_file(NR_HUGEPAGES, val);
}
TEST(hugetlb, "hugetlb pool fill and per-node pool of an SPM node stay off SPM",
	setup_hugetlb, test_hugetlb, cleanup_hugetlb);

/* ---- 3. sysram exhaustion ---- */

#define HOG_CHUNK	(32 * MiB)

struct hog_record {
	long chunk;
	long on_spm;
	long on_sysram;
	long missing;
};

/* Touch len bytes chunk by chunk, report each chunk's placement. */
static void __noreturn hog(size_t len, int fd)
{
	struct hog_record rec = { 0 };
	long hist[HIST_LEN];
	size_t off;
	char *p;

	write_file("/proc/self/oom_score_adj", "1000");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	for (off = 0; off + HOG_CHUNK <= len; off += HOG_CHUNK) {
		touch(p + off, HOG_CHUNK);
		if (pages_nodes(0, p + off, HOG_CHUNK, hist) < 0)
			_exit(3);
		rec.chunk = off / HOG_CHUNK;
		rec.on_spm = hist_on(hist, spm_nodes);
		rec.on_sysram = hist_on(hist, sysram_nodes);
		rec.missing = HOG_CHUNK / PAGE_SZ - rec.on_spm - rec.on_sysram;
		if (write(fd, &rec, sizeof(rec)) != sizeof(rec))
			_exit(4);
	}
	_exit(0);
}

static int test_exhaust(void)
{
	long spm_free0[MAX_NODES], sysram_kb = 0, on_spm = 0, on_sys = 0;
	struct hog_record rec;
	size_t len;
	int fds[2], st, nid;
	pid_t pid;

	for (nid = 0; nid < MAX_NODES; nid++) {
		if (sysram_nodes & NODE_BIT(nid))
			sysram_kb += node_meminfo_kb(nid, "MemTotal");
		if (spm_nodes & NODE_BIT(nid))
			spm_free0[nid] = node_meminfo_kb(nid, "MemFree");
	}
	/* More than all of system RAM, less than all memory. */
	len = (sysram_kb * KiB + 512 * MiB) & ~(HOG_CHUNK - 1);
	info("system RAM %ld MiB, touching %zu MiB", sysram_kb / 1024, len / MiB);

	CHECK(!pipe(fds), "pipe: %s", strerror(errno));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		close(fds[0]);
		hog(len, fds[1]);
	}
	close(fds[1]);
	while (read(fds[0], &rec, sizeof(rec)) == sizeof(rec)) {
		on_spm += rec.on_spm;
		on_sys += rec.on_sysram;
		if (rec.on_spm)
			info("chunk %ld: %ld pages on SPM nodes", rec.chunk,
			     rec.on_spm);
	}
	close(fds[0]);
	waitpid(pid, &st, 0);
	info("child %s %d; touched %ld MiB on system RAM, %ld MiB on SPM",
	     WIFSIGNALED(st) ? "killed by signal" : "exited",
	     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
	     on_sys * PAGE_SZ / MiB, on_spm * PAGE_SZ / MiB);

	CHECK(!on_spm, "%ld MiB of the child's memory landed on SPM nodes",
	      on_spm * PAGE_SZ / MiB);
	CHECK(!(WIFEXITED(st) && WEXITSTATUS(st) == 0),
	      "the child touched all %zu MiB: more than system RAM holds",
	      len / MiB);
	CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
	      (WIFEXITED(st) && WEXITSTATUS(st) == 2),
	      "the child ended with status %#x, expected an OOM kill", st);
	/* Prove that system RAM was really exhausted. */
	CHECK(on_sys * PAGE_SZ >= sysram_kb * KiB / 2,
	      "the child got only %ld MiB before it died", on_sys * PAGE_SZ / MiB);

	for (nid = 0; nid < MAX_NODES; nid++) {
		long free1;

		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		free1 = node_meminfo_kb(nid, "MemFree");
		info("SPM node %d MemFree %+ld kB", nid, free1 - spm_free0[nid]);
		CHECK(spm_free0[nid] - free1 <= 4096,
		      "SPM node %d MemFree dropped by %ld kB under pressure",
		      nid, spm_free0[nid] - free1);
	}
	return PASS;
}
TEST(exhaust_sysram, "a task exhausting system RAM is OOM-killed; nothing spills onto SPM nodes",
	need_spm, test_exhaust, NULL);

/* ---- 9. counters ---- */

static const char * const counter_names[] = {
	"spm_admit", "spm_deny", "spm_fallback",
};

/* The three counters of node nid. */
static void node_counters(int nid, long *c)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counter_names); i++)
		c[i] = node_vmstat(nid, counter_names[i]);
}

/*
 * What the test does itself, on each SPM node, with no policy attached:
 * COUNTER_PAGES pages admitted with __GFP_SPM_NODE naming the node (spm_admit
 * grows by exactly that: nothing else may get SPM pages meanwhile), as many
 * bound to the node without the flag (each one refused, spm_deny, then
 * served from system RAM, spm_fallback), and as many with __GFP_THISNODE
 * (refused, and failed).  Nothing that ran before counts: the test passes
 * alone and in any order.
 */
#define COUNTER_PAGES	64

static int counters_on(int nid)
{
	long c0[3], c1[3], d[3];
	char cmd[128];
	unsigned int i;
	int r;

	node_counters(nid, c0);
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d", nid, nid,
		 COUNTER_PAGES);
	r = mod_on(cmd, nid, COUNTER_PAGES);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "nid=%d mask=%d count=%d", nid, nid,
		 COUNTER_PAGES);
	r = mod_sysram(cmd, COUNTER_PAGES);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "nid=%d thisnode=1 count=%d", nid,
		 COUNTER_PAGES);
	r = mod_sysram(cmd, 0);
	if (r != PASS)
		return r;
	node_counters(nid, c1);
	for (i = 0; i < 3; i++)
		d[i] = c1[i] - c0[i];
	info("node%d: spm_admit %+ld, spm_deny %+ld, spm_fallback %+ld", nid,
	     d[0], d[1], d[2]);
	CHECK(d[0] == COUNTER_PAGES,
	      "node%d spm_admit grew by %ld for the %d pages admitted", nid,
	      d[0], COUNTER_PAGES);
	CHECK(d[1] >= 2 * COUNTER_PAGES,
	      "node%d spm_deny grew by %ld for %d refused requests", nid, d[1],
	      2 * COUNTER_PAGES);
	CHECK(d[2] == COUNTER_PAGES,
	      "node%d spm_fallback grew by %ld for the %d pages served from system RAM",
	      nid, d[2], COUNTER_PAGES);
	return PASS;
}

static int test_counters(void)
{
	long c[3];
	unsigned int i;
	int nid, try, r;

	for (nid = 0; nid < nr_node_ids; nid++) {
		if (!((spm_nodes | sysram_nodes) & NODE_BIT(nid)))
			continue;
		node_counters(nid, c);
		for (i = 0; i < 3; i++)
			CHECK(c[i] >= 0, "no %s in node%d/vmstat",
			      counter_names[i], nid);
		/* Never anything on a system RAM node. */
		CHECK(!(sysram_nodes & NODE_BIT(nid)) || (!c[0] && !c[1] && !c[2]),
		      "system RAM node %d has SPM counters: admit %ld deny %ld fallback %ld",
		      nid, c[0], c[1], c[2]);
	}
	for (i = 0; i < 3; i++)
		CHECK(proc_vmstat(counter_names[i]) >= 0, "no %s in /proc/vmstat",
		      counter_names[i]);

	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		r = counters_on(nid);
		if (r != PASS)
			return r;
	}

	/* /proc/vmstat is the sum of the nodes; retry if it moved. */
	for (try = 0; try < 5; try++) {
		bool same = true;

		for (i = 0; i < 3; i++) {
			long sum = 0, global = proc_vmstat(counter_names[i]);

			for (nid = 0; nid < nr_node_ids; nid++) {
				long v = node_vmstat(nid, counter_names[i]);

				sum += v > 0 ? v : 0;
			}
			if (sum != global) {
				info("%s: /proc/vmstat %ld, nodes %ld",
				     counter_names[i], global, sum);
				same = false;
			}
		}
		if (same)
			return PASS;
		usleep(100000);
	}
	return fail("/proc/vmstat spm_* counters differ from the sum of the nodes");
}

/* With a policy attached, others may be admitted: none. */
static int setup_counters(void)
{
	int r = need_module();

	if (r == PASS && !access(SPM_SYSFS "/state", F_OK)) {
		reset_spm();
		r = check_detached();
	}
	return r;
}
TEST(counters, "spm_admit/deny/fallback: exact per node for what the test asks, /proc/vmstat their sum",
	setup_counters, test_counters, NULL);
