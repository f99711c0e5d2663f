// SPDX-License-Identifier: GPL-2.0
/*
 * The edges of isolation where a denial used to hurt someone else: a
 * cpuset confined to SPM nodes (OOM kills outside it), a must-not-fail
 * allocation bound to an SPM node (NULL); and a policy asked about a mask
 * being trimmed under it (tmpfs mpol=).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "harness.h"
#include "testlib.h"

#define EDGE_CGROUP	"spm_edge"
#define EDGE_MEMS	CGROUP_ROOT "/" EDGE_CGROUP "/cpuset.mems"

static int setup_cpuset(void)
{
	int r = need_spm();

	return r == PASS ? make_cgroup(EDGE_CGROUP) : r;
}

static void cleanup_cpuset(void)
{
	remove_cgroup(EDGE_CGROUP);
	restore_cgroup_controllers();
}

/* Writing mems must fail with EINVAL and leave the old value. */
static int mems_refused(nodemask64 mems, const char *before)
{
	char buf[128];
	int r;

	r = write_file(EDGE_MEMS, NL(mems, 0));
	CHECK(r == -EINVAL, "cpuset.mems=%s: %s, not EINVAL", NL(mems, 0),
	      r ? strerror(-r) : "accepted");
	CHECK(spm_read_str(EDGE_MEMS, buf, sizeof(buf)) >= 0 &&
	      !strcmp(buf, before),
	      "cpuset.mems is '%.40s' after a refused write, was '%s'", buf,
	      before);
	return PASS;
}

static int test_cpuset_spm_only(void)
{
	nodemask64 sys = NODE_BIT(first_sysram()), spm = NODE_BIT(first_spm());
	char before[128];
	int r;

	r = write_file(EDGE_MEMS, NL(sys | spm, 0));
	CHECK(!r, "cpuset.mems=%s (system RAM and SPM): %s", NL(sys | spm, 0),
	      strerror(-r));
	CHECK(spm_read_str(EDGE_MEMS, before, sizeof(before)) >= 0,
	      "read %s", EDGE_MEMS);
	CHECK(!strcmp(before, NL(sys | spm, 0)),
	      "cpuset.mems reads '%.40s', not %s", before, NL(sys | spm, 0));
	if (mems_refused(spm, before) != PASS)
		return FAIL;
	return mems_refused(spm_nodes, before);
}
TEST(cpuset_spm_only, "cpuset.mems of SPM nodes only is refused (EINVAL), a mixed one accepted",
     setup_cpuset, test_cpuset_spm_only, cleanup_cpuset);

static int test_thisnode_nofail(void)
{
	int nid = first_spm();
	long fallback = node_vmstat(nid, "spm_fallback");
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "nid=%d thisnode=1 nofail=1 count=8", nid);
	if (mod_sysram(cmd, 8) != PASS)
		return FAIL;
	CHECK(node_vmstat(nid, "spm_fallback") >= fallback + 8,
	      "node%d spm_fallback %ld -> %ld for 8 fallbacks", nid, fallback,
	      node_vmstat(nid, "spm_fallback"));
	return PASS;
}
static int setup_nofail(void)
{
	int r = need_spm();

	return r == PASS ? need_module() : r;
}
TEST(module_thisnode_nofail, "__GFP_THISNODE|__GFP_NOFAIL on an SPM node: served from system RAM, never NULL",
     setup_nofail, test_thisnode_nofail, NULL);

#define EDGE_TMPFS	"/tmp/spm_edge_tmpfs"

/*
 * Mount a tmpfs with "mpol=interleave:NODES" and read back the nodes the
 * kernel kept, from /proc/mounts.  0, or -errno of the mount.
 */
static int tmpfs_mpol_kept(nodemask64 nodes, char *kept, size_t len)
{
	char opts[128], mounts[16384], *p, *end;
	int r;

	snprintf(opts, sizeof(opts), "mpol=interleave:%s", NL(nodes, 0));
	mkdir(EDGE_TMPFS, 0700);
	if (mount("tmpfs", EDGE_TMPFS, "tmpfs", 0, opts))
		return -errno;
	r = spm_read_str("/proc/mounts", mounts, sizeof(mounts));
	umount2(EDGE_TMPFS, MNT_DETACH);
	if (r < 0)
		return r;
	p = strstr(mounts, EDGE_TMPFS " tmpfs ");
	p = p ? strstr(p, "mpol=interleave:") : NULL;
	if (!p)
		return -ENOENT;
	p += strlen("mpol=interleave:");
	end = p + strcspn(p, ", \n");
	/* "0-1,3": the list goes on after a comma followed by a digit */
	while (*end == ',' && end[1] >= '0' && end[1] <= '9')
		end += 1 + strcspn(end + 1, ", \n");
	snprintf(kept, len, "%.*s", (int)(end - p), p);
	return 0;
}

/*
 * soft_guardrail refuses a mask naming every memory node: each SPM node of
 * "interleave:<all>" must be judged on that mask, so all of them go.
 */
static int test_tmpfs_mpol_all_nodes(void)
{
	nodemask64 all = spm_nodes | sysram_nodes;
	char kept[128];
	int r;

	if (attach_pinned(SOFT_POLICY, NULL, "soft_guardrail") != PASS)
		return FAIL;
	r = tmpfs_mpol_kept(all, kept, sizeof(kept));
	CHECK(!r, "mount tmpfs mpol=interleave:%s: %s", NL(all, 0),
	      strerror(-r));
	CHECK(!strcmp(kept, NL(sysram_nodes, 0)),
	      "mpol=interleave:%s under soft_guardrail kept %s, not %s",
	      NL(all, 0), kept, NL(sysram_nodes, 1));
	return detach("soft_guardrail");
}
TEST(tmpfs_mpol_all_nodes, "tmpfs mpol=interleave over every node under soft_guardrail keeps system RAM only",
     need_spm_ops, test_tmpfs_mpol_all_nodes, cleanup_policy);

#define EDGE_TMPFS_FILE	EDGE_TMPFS "/file"
#define EDGE_TMPFS_LEN	(16UL << 20)

/*
 * "mpol=interleave" without a node list means every node with memory: it
 * names no SPM node, so soft_guardrail, which trusts the nodes a user
 * names, must not see the SPM nodes as named.  The mount shows system RAM
 * nodes, and the file's pages land there.
 */
static int test_tmpfs_mpol_interleave_default(void)
{
	long hist[HIST_LEN];
	char mounts[16384], want[160], shown[256], *p, buf[256];
	void *map;
	long n = 0;
	int fd;

	if (attach_pinned(SOFT_POLICY, NULL, "soft_guardrail") != PASS)
		return FAIL;
	mkdir(EDGE_TMPFS, 0700);
	CHECK(!mount("tmpfs", EDGE_TMPFS, "tmpfs", 0, "mpol=interleave"),
	      "mount tmpfs mpol=interleave: %s", strerror(errno));
	CHECK(spm_read_str("/proc/mounts", mounts, sizeof(mounts)) >= 0,
	      "read /proc/mounts");
	p = strstr(mounts, EDGE_TMPFS " tmpfs ");
	snprintf(want, sizeof(want), "mpol=interleave:%s ",
		 NL(sysram_nodes, 0));
	snprintf(shown, sizeof(shown), "%.*s",
		 p ? (int)strcspn(p, "\n") : 4, p ? p : "none");
	fd = open(EDGE_TMPFS_FILE, O_RDWR | O_CREAT, 0600);
	map = fd < 0 || ftruncate(fd, EDGE_TMPFS_LEN) ? MAP_FAILED :
	      mmap(NULL, EDGE_TMPFS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (map != MAP_FAILED) {
		touch(map, EDGE_TMPFS_LEN);
		n = pages_nodes(getpid(), map, EDGE_TMPFS_LEN, hist);
		munmap(map, EDGE_TMPFS_LEN);
	}
	if (fd >= 0)
		close(fd);
	umount2(EDGE_TMPFS, MNT_DETACH);
	CHECK(map != MAP_FAILED, "map a 16 MiB tmpfs file: %s",
	      strerror(errno));
	CHECK(n == (long)(EDGE_TMPFS_LEN / sysconf(_SC_PAGESIZE)),
	      "move_pages: %s", strerror(-n));
	CHECK(hist_on(hist, sysram_nodes) == n,
	      "tmpfs mpol=interleave under soft_guardrail: pages %s",
	      hist_format(hist, buf, sizeof(buf)));
	CHECK(strstr(shown, want), "tmpfs mpol=interleave shows %s, not %s",
	      shown, want);
	return detach("soft_guardrail");
}
TEST(tmpfs_mpol_interleave_default, "tmpfs mpol=interleave without nodes under soft_guardrail: system RAM nodes only, in the mount and in the file",
     need_spm_ops, test_tmpfs_mpol_interleave_default, cleanup_policy);
