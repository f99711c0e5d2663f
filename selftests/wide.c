// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes 64 and above: the wide guest (spm_selftest --wide) has 70 nodes,
 * SPM nodes among them above 63, on a kernel with NODES_SHIFT=10 as
 * Debian's.  A policy must see such a node in the caller's nodemask as it
 * sees node 2.  The rest of the suite keeps its masks in 64 bits; these
 * tests carry their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"
#include "spm_util.h"

#define WIDE_BITS	1024
#define WIDE_WORDS	(WIDE_BITS / 64)
#define WIDE_LEN	(4UL << 20)
#define NODEMASK_POLICY	TEST_BPF_DIR "/test_nodemask.bpf.o"

typedef uint64_t wide_mask[WIDE_WORDS];

static wide_mask wide_spm, wide_memory;
static int high_spm;	/* the highest SPM node */

static void wide_set(wide_mask m, int nid)
{
	m[nid / 64] |= 1ULL << (nid % 64);
}

static bool wide_isset(const wide_mask m, int nid)
{
	return m[nid / 64] & (1ULL << (nid % 64));
}

static int wide_read(const char *file, wide_mask m)
{
	char path[128], buf[4096];

	snprintf(path, sizeof(path), SPM_NODE_DIR "/%s", file);
	memset(m, 0, sizeof(wide_mask));
	if (spm_read_str(path, buf, sizeof(buf)) ||
	    spm_parse_nodelist(buf, m, WIDE_BITS, NULL, 0))
		return fail("cannot read %s", path);
	return PASS;
}

/* The guest this file is for, the module and spm_ops. */
static int need_wide(void)
{
	int nid, r;

	r = wide_read("has_spm", wide_spm);
	if (r == PASS)
		r = wide_read("has_memory", wide_memory);
	if (r != PASS)
		return r;
	high_spm = -1;
	for (nid = 0; nid < WIDE_BITS; nid++)
		if (wide_isset(wide_spm, nid))
			high_spm = nid;
	CHECK(high_spm >= 64,
	      "no SPM node above 63 (highest %d): not the wide guest",
	      high_spm);
	info("highest SPM node %d", high_spm);
	CHECK(module_loaded(), "%s missing: spm_test.ko is not loaded",
	      SPM_TEST_ALLOC);
	CHECK(!access(SPM_SYSFS "/state", R_OK),
	      "no %s/state: this kernel has no spm_ops", SPM_SYSFS);
	return PASS;
}

static long wide_mbind(void *addr, int mode, const wide_mask m)
{
	return syscall(SYS_mbind, addr, WIDE_LEN, mode, m, WIDE_BITS + 1, 0);
}

/*
 * Map WIDE_LEN bound by @mode to @m and touch it: the pages on each node
 * into @on (WIDE_BITS entries), their number returned, -errno if mbind()
 * failed.
 */
static long wide_touch(int mode, const wide_mask m, long *on)
{
	static void *pages[WIDE_LEN / 4096];
	static int status[WIDE_LEN / 4096];
	long n = WIDE_LEN / 4096, i, ret;
	char *p = map_anon(WIDE_LEN);

	if (!p)
		return -ENOMEM;
	if (wide_mbind(p, mode, m)) {
		ret = -errno;
		munmap(p, WIDE_LEN);
		return ret;
	}
	touch(p, WIDE_LEN);
	for (i = 0; i < n; i++)
		pages[i] = p + i * 4096;
	memset(on, 0, WIDE_BITS * sizeof(*on));
	ret = syscall(SYS_move_pages, 0, n, pages, NULL, status, 0) ? -errno : n;
	for (i = 0; ret > 0 && i < n; i++)
		if (status[i] >= 0 && status[i] < WIDE_BITS)
			on[status[i]]++;
	munmap(p, WIDE_LEN);
	return ret;
}

static long on_spm(const long *on)
{
	long n = 0;
	int nid;

	for (nid = 0; nid < WIDE_BITS; nid++)
		if (wide_isset(wide_spm, nid))
			n += on[nid];
	return n;
}

static int test_wide_soft_mbind(void)
{
	static long on[WIDE_BITS];
	wide_mask m = { 0 };
	long n;
	int r;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	wide_set(m, high_spm);
	n = wide_touch(MPOL_BIND, m, on);
	CHECK(n > 0, "mbind(MPOL_BIND, {%d}) under soft_guardrail: %s",
	      high_spm, strerror(-n));
	info("%ld of %ld pages on node %d", on[high_spm], n, high_spm);
	CHECK(on[high_spm] == n, "%ld of %ld pages on node %d, the node bound",
	      on[high_spm], n, high_spm);
	return detach("soft_guardrail");
}
TEST_WIDE(wide_soft_mbind, "soft_guardrail: mbind() to an SPM node above 63 puts every page there",
	  need_wide, test_wide_soft_mbind, cleanup_policy);

static int test_wide_soft_interleave_all(void)
{
	static long on[WIDE_BITS];
	long n;
	int r;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	n = wide_touch(MPOL_INTERLEAVE, wide_memory, on);
	CHECK(n > 0, "mbind(MPOL_INTERLEAVE, every memory node): %s",
	      strerror(-n));
	info("interleave over every node: %ld pages, %ld on SPM nodes", n,
	     on_spm(on));
	CHECK(!on_spm(on),
	      "%ld of %ld pages interleaved over every node on SPM nodes",
	      on_spm(on), n);
	return detach("soft_guardrail");
}
TEST_WIDE(wide_soft_interleave_all, "soft_guardrail: interleave over all 70 nodes keeps off every SPM node",
	  need_wide, test_wide_soft_interleave_all, cleanup_policy);

/* Pages of the test module's command @args on node @nid; -1 on error. */
static long module_on(const char *args, int nid)
{
	char buf[4096], key[16], *p;
	long got = -1;
	ssize_t len;
	int fd;

	fd = open(SPM_TEST_ALLOC, O_RDWR);
	if (fd < 0)
		return -1;
	if (write(fd, args, strlen(args)) < 0 && errno != EIO) {
		close(fd);
		return -1;
	}
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	snprintf(key, sizeof(key), " n%d=", nid);
	p = strstr(buf, key);
	if (p)
		sscanf(p + strlen(key), "%ld", &got);
	return got;
}

static int test_wide_hard_module(void)
{
	unsigned long long admitted;
	struct verdicts v0, v1;
	char cmd[128];
	long got;
	int r;

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	if (read_verdicts(&v0) != PASS)
		return FAIL;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=64", high_spm,
		 high_spm);
	got = module_on(cmd, high_spm);
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	admitted = verdict_sum(&v1, true) - verdict_sum(&v0, true);
	info("'%s': %ld on node %d, %llu admissions", cmd, got, high_spm,
	     admitted);
	CHECK(got == 64, "'%s' under hard_guardrail: %ld of 64 pages on node %d",
	      cmd, got, high_spm);
	/* One verdict per allocation and node, whatever the node id. */
	CHECK(admitted == 64,
	      "'%s': the policy admitted %llu times for 64 pages of node %d",
	      cmd, admitted, high_spm);
	return detach("hard_guardrail");
}
TEST_WIDE(wide_hard_module, "hard_guardrail: __GFP_SPM_NODE pages with nodemask {SPM node above 63} land there, one admission each",
	  need_wide, test_wide_hard_module, cleanup_policy);

static int test_wide_kfunc(void)
{
	static long on[WIDE_BITS];
	wide_mask m = { 0 };
	char cmd[128];
	long n, got;
	int r;

	r = attach_pinned(NODEMASK_POLICY, NULL, "test_nodemask");
	if (r != PASS)
		return r;
	/* {0, high}: the policy sees both, and not high - 1. */
	wide_set(m, 0);
	wide_set(m, high_spm);
	n = wide_touch(MPOL_INTERLEAVE, m, on);
	CHECK(n > 0, "mbind(MPOL_INTERLEAVE, {0,%d}) under test_nodemask: %s",
	      high_spm, strerror(-n));
	info("{0,%d}: %ld on node 0, %ld on node %d of %ld", high_spm, on[0],
	     on[high_spm], high_spm, n);
	CHECK(on[high_spm] >= n / 4 && on[0] + on[high_spm] == n,
	      "interleave {0,%d}: %ld on node 0, %ld on node %d of %ld: the policy did not see its nodemask right",
	      high_spm, on[0], on[high_spm], high_spm, n);
	/* In admit(): a kernel caller's nodemask, with node 0 and without. */
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=0,%d count=64", high_spm,
		 high_spm);
	got = module_on(cmd, high_spm);
	CHECK(got == 64, "'%s' under test_nodemask: %ld of 64 pages on node %d",
	      cmd, got, high_spm);
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d,%d count=64",
		 high_spm, high_spm - 1, high_spm);
	got = module_on(cmd, high_spm);
	CHECK(got == 0, "'%s' under test_nodemask: %ld of 64 pages on node %d, expected none",
	      cmd, got, high_spm);
	/* {high} alone: no node 0, so the policy refuses, mbind() fails. */
	memset(m, 0, sizeof(m));
	wide_set(m, high_spm);
	n = wide_touch(MPOL_BIND, m, on);
	CHECK(n == -EINVAL,
	      "mbind(MPOL_BIND, {%d}) refused by test_nodemask: %s, expected EINVAL",
	      high_spm, n < 0 ? strerror(-n) : "it succeeded");
	/* Every memory node: SPM_CTX_NODEMASK_ALL, refused, nothing on SPM. */
	n = wide_touch(MPOL_INTERLEAVE, wide_memory, on);
	CHECK(n > 0 && !on_spm(on),
	      "interleave over every node under test_nodemask: %ld pages on SPM nodes (%s)",
	      on_spm(on), n < 0 ? strerror(-n) : "mapped");
	return detach("test_nodemask");
}
TEST_WIDE(wide_kfunc, "spm_bpf_ctx_nodemask_test() and the nodemask flags, for an SPM node above 63",
	  need_wide, test_wide_kfunc, cleanup_policy);
