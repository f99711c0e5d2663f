// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_spm tests: SPM nodes per cgroup from a table that spm-loader
 * fills at attach (--allow) and changes while the policy runs (spm-loader
 * cgroup set|rm|list), and switching policies live.
 *
 * The cgroups, under /sys/fs/cgroup:
 *
 *	gpu		node A explicit: only what names it (mbind...)
 *	gpu/child	no entry of its own: inherits gpu's
 *	batch		node B spill, 64 MiB quota: its memory spills there
 *			once system RAM is short, up to the quota
 *	other		no entry: the hard guardrail
 *
 * with A and B the first two SPM nodes.  Every check is where pages
 * really landed (move_pages() queries), what the kernel counted (spm_*
 * counters, /proc/vmstat oom_kill) and what the policy counted (its stats
 * map, pinned by spm-loader attach --pin).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#define CG_PATH(rel)	CGROUP_ROOT "/" rel
#define TABLE_PIN	PIN_MAPS "/cgroup_table"
#define STATS_PIN	PIN_MAPS "/stats"

/* enum cgroup_stat of policies/cgroup_spm.bpf.c: keys of its stats map */
enum {
	STAT_ADMIT_KERNEL,
	STAT_ADMIT_NAMED,
	STAT_ADMIT_SPILL,
	STAT_DENY_NO_ENTRY,
	STAT_DENY_NODE,
	STAT_DENY_UNNAMED,
	STAT_DENY_QUOTA,
	STAT_MPOL_ALLOW,
	STAT_MPOL_DENY,
	NR_STATS,
};

static const char * const stat_names[] = {
	"admit_kernel", "admit_named", "admit_spill", "deny_no_entry",
	"deny_node", "deny_unnamed", "deny_quota", "mpol_allow", "mpol_deny",
};

static const char * const cgroups[] = { "gpu", "gpu/child", "batch", "other" };

/* The two SPM nodes of the tests: gpu's and batch's. */
static int node_a, node_b;

static int setup_cgroups(void)
{
	unsigned int i;
	int r = need_spm_ops();

	if (r != PASS)
		return r;
	node_a = nodemask_first(spm_nodes);
	node_b = nodemask_first(spm_nodes & ~NODE_BIT(node_a));
	if (node_b < 0)
		return skip("two SPM nodes needed, the suite expects %s",
			    NL(spm_nodes, 0));
	for (i = 0; i < ARRAY_SIZE(cgroups); i++) {
		r = make_cgroup(cgroups[i]);
		if (r != PASS)
			return r;
	}
	return PASS;
}

static void cleanup_cgroups(void)
{
	int i;

	reset_spm();
	for (i = ARRAY_SIZE(cgroups) - 1; i >= 0; i--)
		remove_cgroup(cgroups[i]);
	remove_cgroup("stale");
	restore_cgroup_controllers();
}

/* The attach arguments: gpu gets node A, batch node B as a spill node. */
static char *allow_args(char *buf, size_t len, const char *quota)
{
	snprintf(buf, len, "--allow " CG_PATH("gpu") "=%d --allow "
		 CG_PATH("batch") "=%d:spill%s%s", node_a, node_b,
		 quota ? ":" : "", quota ? quota : "");
	return buf;
}

struct cg_stats {
	unsigned long long v[NR_STATS];
};

static int read_stats(struct cg_stats *s)
{
	int i, r;

	for (i = 0; i < NR_STATS; i++) {
		r = percpu_u64(STATS_PIN, i, &s->v[i]);
		CHECK(!r, "%s, key %d: %s", STATS_PIN, i, strerror(-r));
	}
	return PASS;
}

static char *stats_delta(const struct cg_stats *a, const struct cg_stats *b)
{
	static char buf[512];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NR_STATS && n < sizeof(buf); i++)
		if (b->v[i] != a->v[i])
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s:+%llu",
				      n ? " " : "", stat_names[i],
				      b->v[i] - a->v[i]);
	return buf;
}

/* ---- what each cgroup gets ---- */

/* What a task of one cgroup may name. */
struct expect {
	nodemask64 allowed;	/* SPM nodes mbind/set_mempolicy may name */
	nodemask64 refused;	/* SPM nodes they may not */
};

/* In the cgroup: the memory policies, default memory, kernel requests. */
static int check_entry(void *arg)
{
	const struct expect *e = arg;
	nodemask64 all = spm_nodes | sysram_nodes;
	size_t len = 4 * MiB;
	struct mod_result res;
	char cmd[128];
	void *p;
	int nid, r;

	for (nid = 0; nid < MAX_NODES; nid++) {
		if (e->allowed & NODE_BIT(nid)) {
			r = policy_on(MPOL_BIND, NODE_BIT(nid), true,
				      NODE_BIT(nid), len, NULL);
			if (r == PASS)
				r = policy_on(MPOL_PREFERRED, NODE_BIT(nid),
					      false, NODE_BIT(nid), len, NULL);
			if (r != PASS)
				return r;
		}
		if (e->refused & NODE_BIT(nid)) {
			r = policy_refused(MPOL_BIND, NODE_BIT(nid), true);
			if (r == PASS)
				r = policy_refused(MPOL_PREFERRED,
						   NODE_BIT(nid), false);
			if (r != PASS)
				return r;
		}
	}

	/* Nothing named: system RAM, interleave over all nodes too. */
	p = map_touch(16 * MiB);
	CHECK(p, "mmap: %s", strerror(errno));
	r = check_sysram(0, p, 16 * MiB, "default policy");
	munmap(p, 16 * MiB);
	if (r != PASS)
		return r;
	r = policy_on(MPOL_INTERLEAVE, all, true, sysram_nodes, len, NULL);
	if (r != PASS)
		return r;

	/* Kernel requests: the flag and the node, as with hard_guardrail. */
	snprintf(cmd, sizeof(cmd), "gfp=movable nid=%d mask=%d count=512",
		 node_a, node_a);
	r = mod_sysram(cmd, 512);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=512", node_a,
		 node_a);
	if (mod(cmd, &res) != PASS)
		return FAIL;
	CHECK(res.ok == 512 && res.node[node_a] == 512,
	      "'%s': expected all 512 pages on node %d, got %s", cmd, node_a,
	      RES(&res));
	return PASS;
}

static int test_entries(void)
{
	struct expect gpu = {
		.allowed = NODE_BIT(node_a), .refused = NODE_BIT(node_b),
	};
	struct expect batch = {
		.allowed = NODE_BIT(node_b), .refused = NODE_BIT(node_a),
	};
	struct expect other = { .refused = NODE_BIT(node_a) | NODE_BIT(node_b) };
	char args[512], out[4096];
	struct cg_stats s0, s1;
	int r;

	allow_args(args, sizeof(args), "64M");
	r = attach_pinned(CGROUP_POLICY, args, "cgroup_spm");
	if (r != PASS)
		return r;
	/* The table holds what --allow said, under the cgroups' ids. */
	r = loader_cmd("cgroup list", out, sizeof(out));
	CHECK(r == 0, "spm-loader cgroup list: exit %d: %s", r, out);
	CHECK(strstr(out, CG_PATH("gpu") " ") &&
	      strstr(out, CG_PATH("batch") " ") && strstr(out, " explicit ") &&
	      strstr(out, " spill ") && strstr(out, " 64M ") &&
	      !strstr(out, "stale") && count_lines(out) == 3,
	      "spm-loader cgroup list: %s", out);
	if (read_stats(&s0) != PASS)
		return FAIL;

	r = in_cgroup("gpu", check_entry, &gpu);
	if (r == PASS)
		r = in_cgroup("gpu/child", check_entry, &gpu);
	if (r == PASS)
		r = in_cgroup("batch", check_entry, &batch);
	if (r == PASS)
		r = in_cgroup("other", check_entry, &other);
	if (r != PASS)
		return r;

	if (read_stats(&s1) != PASS)
		return FAIL;
	info("policy stats: %s", stats_delta(&s0, &s1));
	CHECK(s1.v[STAT_ADMIT_NAMED] > s0.v[STAT_ADMIT_NAMED] &&
	      s1.v[STAT_ADMIT_KERNEL] > s0.v[STAT_ADMIT_KERNEL] &&
	      s1.v[STAT_MPOL_ALLOW] > s0.v[STAT_MPOL_ALLOW] &&
	      s1.v[STAT_MPOL_DENY] > s0.v[STAT_MPOL_DENY] &&
	      s1.v[STAT_DENY_NO_ENTRY] > s0.v[STAT_DENY_NO_ENTRY],
	      "the policy's counts did not move as expected: %s",
	      stats_delta(&s0, &s1));
	return detach("cgroup_spm");
}
TEST(cgroup_policy_entries, "cgroup_spm: gpu (explicit), gpu/child (inherits), batch (spill) and other (no entry) get what their entry allows",
	setup_cgroups, test_entries, cleanup_cgroups);

/* ---- spill after system RAM, up to the quota ---- */

#define SPILL_QUOTA	(64 * MiB)
#define SPILL_ROOM	(48 * MiB)	/* left free above the watermarks */
#define SPILL_CHUNK	(4 * MiB)
#define SPILL_MORE	(48 * MiB)	/* touched past the quota */
#define SPILL_SLACK	(8 * MiB)
#define SPILL_RELEASE	(192 * MiB)	/* of the filler, made reclaimable */
#define SPILL_CHUNKS	64

/* What the batch task saw, chunk by chunk. */
struct spill_chunk {
	long free_kb;		/* system RAM free before the chunk */
	long boost_kb;		/* its zones' watermark boost then */
	long on_sysram;
	long on_b;		/* pages on batch's spill node */
	long elsewhere;		/* on another SPM node, or not present */
};

/* Shared by the test, the filler and the batch task. */
struct spill {
	/* filler */
	bool filled;		/* system RAM full but for SPILL_ROOM */
	bool release;		/* make SPILL_RELEASE of it reclaimable */
	bool released;
	long filled_mib;
	/* batch */
	int go;			/* chunks it may touch */
	int nr;			/* chunks it touched */
	bool exit;
	struct spill_chunk c[SPILL_CHUNKS];
};

static long sysram_free_kb(void)
{
	long sum = 0;
	int nid;

	for (nid = 0; nid < MAX_NODES; nid++)
		if (sysram_nodes & NODE_BIT(nid))
			sum += node_meminfo_kb(nid, "MemFree");
	return sum;
}

static void wait_flag(volatile bool *flag)
{
	while (!*flag)
		spm_sleep_ms(10);
}

/*
 * Fill system RAM until only SPILL_ROOM is left above the low watermarks,
 * with memory nothing can reclaim (there is no swap).  On request, make
 * SPILL_RELEASE of it lazily freed, which reclaim can take back.
 */
static void __noreturn filler(struct spill *sp, long target_kb)
{
	size_t len = 0, max;
	char *p;

	write_file("/proc/self/oom_score_adj", "1000");
	max = (size_t)sysram_free_kb() * KiB;
	p = mmap(NULL, max, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	while (len + SPILL_CHUNK <= max && sysram_free_kb() > target_kb) {
		touch(p + len, SPILL_CHUNK);
		len += SPILL_CHUNK;
	}
	sp->filled_mib = len / MiB;
	sp->filled = true;
	wait_flag(&sp->release);
	if (madvise(p, len < SPILL_RELEASE ? len : SPILL_RELEASE, MADV_FREE))
		_exit(3);
	sp->released = true;
	for (;;)
		pause();
}

/* The batch task: touch chunk by chunk, record where each landed. */
static void __noreturn batch(struct spill *sp)
{
	size_t len = SPILL_CHUNKS * SPILL_CHUNK, off;
	long hist[HIST_LEN];
	char *p;
	int i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	for (i = 0, off = 0; i < SPILL_CHUNKS && !sp->exit;
	     i++, off += SPILL_CHUNK) {
		struct spill_chunk *c = &sp->c[i];

		while (sp->go <= i && !sp->exit)
			spm_sleep_ms(1);
		if (sp->exit)
			break;
		c->free_kb = sysram_free_kb();
		c->boost_kb = zoneinfo_kb(sysram_nodes, "boost");
		touch(p + off, SPILL_CHUNK);
		if (pages_nodes(0, p + off, SPILL_CHUNK, hist) < 0)
			_exit(3);
		c->on_sysram = hist_on(hist, sysram_nodes);
		c->on_b = hist[node_b];
		c->elsewhere = SPILL_CHUNK / PAGE_SZ - c->on_sysram - c->on_b;
		__atomic_store_n(&sp->nr, i + 1, __ATOMIC_SEQ_CST);
	}
	/* Hold the memory until told to go. */
	wait_flag(&sp->exit);
	_exit(0);
}

/* Fork a child that moves into CGROUP_ROOT/rel (NULL: stays) and runs fn. */
static pid_t spawn(const char *rel, void (*fn)(struct spill *, long),
		   struct spill *sp, long arg)
{
	char path[256], pid[32];
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child)
		return child;
	if (rel) {
		snprintf(path, sizeof(path), CGROUP_ROOT "/%s/cgroup.procs",
			 rel);
		snprintf(pid, sizeof(pid), "%d", getpid());
		if (write_file(path, pid))
			_exit(126);
	}
	fn(sp, arg);
	_exit(0);
}

static void run_filler(struct spill *sp, long target_kb)
{
	filler(sp, target_kb);
}

static void run_batch(struct spill *sp, long unused)
{
	batch(sp);
}

/* Wait until cond(sp, arg) holds, failing if the child dies first. */
static int wait_for(pid_t pid, const char *what, bool (*cond)(struct spill *, int),
		    struct spill *sp, int arg)
{
	int st;

	while (!cond(sp, arg)) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			if (WIFSIGNALED(st))
				return fail("%s was killed by signal %d (%s) after %d chunks of batch",
					    what, WTERMSIG(st),
					    strsignal(WTERMSIG(st)), sp->nr);
			return fail("%s exited with %d", what,
				    WEXITSTATUS(st));
		}
		spm_sleep_ms(2);
	}
	return PASS;
}

static bool is_filled(struct spill *sp, int unused)
{
	return sp->filled;
}

static bool is_released(struct spill *sp, int unused)
{
	return sp->released;
}

static bool chunk_done(struct spill *sp, int i)
{
	return __atomic_load_n(&sp->nr, __ATOMIC_SEQ_CST) > i;
}

/* Memory of another cgroup under the same pressure: system RAM only. */
static int no_spill(void *arg)
{
	size_t len = 32 * MiB;
	void *p = map_touch(len);
	int r;

	CHECK(p, "mmap: %s", strerror(errno));
	r = check_sysram(0, p, len, "default memory under pressure");
	munmap(p, len);
	return r;
}

static int test_spill(void)
{
	long low_kb, room_kb, oom0, oom1, admit0, admit1, deny_a0, deny_a1;
	long on_b = 0, on_sys_before = 0, on_sys_after = 0;
	long quota = SPILL_QUOTA / PAGE_SZ, chunk = SPILL_CHUNK / PAGE_SZ;
	long slack = 2 * MiB / PAGE_SZ;
	int i, first = -1, released_at = -1, full_at = -1, after, r;
	struct cg_stats s0, s1;
	pid_t fpid, bpid = -1;
	struct spill *sp;
	char args[512];

	allow_args(args, sizeof(args), "64M");
	r = attach_pinned(CGROUP_POLICY, args, "cgroup_spm");
	if (r != PASS)
		return r;
	sp = mmap(NULL, sizeof(*sp), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sp != MAP_FAILED, "mmap: %s", strerror(errno));

	/* System RAM full but for SPILL_ROOM above the low watermarks. */
	low_kb = zoneinfo_kb(sysram_nodes, "low");
	CHECK(low_kb > 0, "cannot read the watermarks in /proc/zoneinfo");
	fpid = spawn(NULL, run_filler, sp, low_kb + SPILL_ROOM / KiB);
	CHECK(fpid > 0, "fork: %s", strerror(errno));
	r = wait_for(fpid, "the filler", is_filled, sp, 0);
	if (r != PASS)
		return r;
	info("filler: %ld MiB; system RAM free %ld MiB, low watermarks %ld MiB",
	     sp->filled_mib, sysram_free_kb() / 1024, low_kb / 1024);

	oom0 = proc_vmstat("oom_kill");
	admit0 = node_vmstat(node_b, "spm_admit");
	deny_a0 = node_vmstat(node_a, "spm_deny");
	if (read_stats(&s0) != PASS)
		return FAIL;
	bpid = spawn("batch", run_batch, sp, 0);
	CHECK(bpid > 0, "fork: %s", strerror(errno));

	/*
	 * Chunk by chunk.  Before the chunk that may reach the quota, part
	 * of the filler becomes reclaimable: what batch may no longer put on
	 * its node must be served from system RAM, and must not be an OOM.
	 */
	after = SPILL_MORE / SPILL_CHUNK + 1;
	for (i = 0; i < SPILL_CHUNKS &&
	     (released_at < 0 || i < released_at + after); i++) {
		if (released_at < 0 && on_b + chunk >= quota) {
			sp->release = true;
			r = wait_for(fpid, "the filler", is_released, sp, 0);
			if (r != PASS)
				return r;
			released_at = i;
		}
		sp->go = i + 1;
		r = wait_for(bpid, "the batch task", chunk_done, sp, i);
		if (r != PASS)
			return r;
		on_b += sp->c[i].on_b;
	}
	oom1 = proc_vmstat("oom_kill");
	admit1 = node_vmstat(node_b, "spm_admit");
	deny_a1 = node_vmstat(node_a, "spm_deny");
	if (read_stats(&s1) != PASS)
		return FAIL;

	on_b = 0;
	for (i = 0; i < sp->nr; i++) {
		struct spill_chunk *c = &sp->c[i];

		info("chunk %2d: sysram free %4ld MiB before (boost %ld MiB); %4ld pages on sysram, %4ld on node %d%s",
		     i, c->free_kb / 1024, c->boost_kb / 1024, c->on_sysram,
		     c->on_b, node_b,
		     i == released_at ? "; filler partly released" : "");
		CHECK(!c->elsewhere,
		      "chunk %d: %ld pages neither on system RAM nor on node %d",
		      i, c->elsewhere, node_b);
		/*
		 * No spill while system RAM had room above its low
		 * watermarks, boosted as they were.
		 */
		CHECK(!c->on_b || c->free_kb * KiB <=
		      (low_kb + c->boost_kb) * KiB + SPILL_CHUNK + SPILL_SLACK,
		      "chunk %d: %ld pages spilled onto node %d with %ld MiB of system RAM free (low watermarks %ld MiB, boost %ld MiB)",
		      i, c->on_b, node_b, c->free_kb / 1024, low_kb / 1024,
		      c->boost_kb / 1024);
		if (c->on_b && first < 0)
			first = i;
		if (first < 0 || i == first)
			on_sys_before += c->on_sysram;
		on_b += c->on_b;
		if (full_at < 0 && on_b >= quota - slack)
			full_at = i;
		else if (full_at >= 0)
			on_sys_after += c->on_sysram;
	}
	info("batch: %ld MiB on sysram before it spilled at chunk %d, %ld MiB on node %d (quota %lu MiB, reached at chunk %d), %ld MiB on sysram after; policy %s; oom_kill %+ld",
	     on_sys_before * PAGE_SZ / MiB, first, on_b * PAGE_SZ / MiB, node_b,
	     SPILL_QUOTA / MiB, full_at, on_sys_after * PAGE_SZ / MiB,
	     stats_delta(&s0, &s1), oom1 - oom0);

	/*
	 * It spilled only once system RAM was below its low watermarks (each
	 * chunk, above), after it took what was free...
	 */
	CHECK(first >= 0, "batch never spilled onto node %d", node_b);
	room_kb = sp->c[0].free_kb - low_kb;
	CHECK(room_kb * KiB >= SPILL_ROOM / 2,
	      "only %ld MiB of system RAM free above the watermarks when batch started",
	      room_kb / 1024);
	/*
	 * The room it had is what lay above the watermarks as they were
	 * boosted when it spilled (by 10 MiB in a KASAN kernel run).
	 */
	room_kb -= sp->c[first].boost_kb;
	CHECK(on_sys_before * PAGE_SZ >= room_kb * KiB - SPILL_SLACK,
	      "batch got only %ld MiB of system RAM before it spilled, %ld MiB were free above the watermarks as boosted then",
	      on_sys_before * PAGE_SZ / MiB, room_kb / 1024);
	/* ...up to the quota and no further... */
	CHECK(on_b <= quota + slack,
	      "batch has %ld MiB on node %d, over its %lu MiB quota",
	      on_b * PAGE_SZ / MiB, node_b, SPILL_QUOTA / MiB);
	CHECK(full_at >= 0, "batch has only %ld MiB on node %d, its quota is %lu MiB",
	      on_b * PAGE_SZ / MiB, node_b, SPILL_QUOTA / MiB);
	/* ...then system RAM took the rest, without an OOM kill. */
	CHECK(on_sys_after * PAGE_SZ >= SPILL_MORE - SPILL_SLACK,
	      "after the quota only %ld MiB went to system RAM",
	      on_sys_after * PAGE_SZ / MiB);
	CHECK(oom1 == oom0, "%ld OOM kills while batch ran", oom1 - oom0);
	CHECK(waitpid(fpid, NULL, WNOHANG) == 0, "the filler died");
	/* The kernel and the policy counted it. */
	CHECK(admit1 - admit0 >= on_b, "node%d spm_admit grew by %ld for %ld pages",
	      node_b, admit1 - admit0, on_b);
	CHECK(deny_a1 > deny_a0, "node%d spm_deny did not grow: batch's fallback never asked for it",
	      node_a);
	CHECK(s1.v[STAT_ADMIT_SPILL] - s0.v[STAT_ADMIT_SPILL] >=
	      (unsigned long long)on_b &&
	      s1.v[STAT_DENY_QUOTA] > s0.v[STAT_DENY_QUOTA],
	      "the policy's counts: %s", stats_delta(&s0, &s1));

	/* Under the same pressure, other cgroups do not spill. */
	r = in_cgroup("other", no_spill, NULL);
	if (r == PASS)
		r = in_cgroup("gpu", no_spill, NULL);
	if (r != PASS)
		return r;
	CHECK(proc_vmstat("oom_kill") == oom0, "%ld OOM kills",
	      proc_vmstat("oom_kill") - oom0);
	sp->exit = true;
	kill(fpid, SIGKILL);
	waitpid(bpid, NULL, 0);
	waitpid(fpid, NULL, 0);
	return detach("cgroup_spm");
}
TEST(cgroup_policy_spill, "cgroup_spm: batch spills onto its node only once system RAM is full, stops at its quota, falls back without OOM",
	setup_cgroups, test_spill, cleanup_cgroups);

/* ---- quotas held under concurrent faults ---- */

#define QUOTA		(16 * MiB)	/* on each of nodes A and B */
#define QUOTA_TOUCH	(24 * MiB)	/* per CPU: more than both quotas */
#define QUOTA_SLACK	(1 * MiB)

/*
 * The workers' pages on each node, their start line and how many have
 * counted theirs, then the refill's pages.
 */
struct quota_run {
	long hist[64][HIST_LEN];
	int go;
	int counted;
	long refill[HIST_LEN];
};

/*
 * A worker: pinned to @cpu, bound to {A,B}, touches QUOTA_TOUCH and keeps
 * it until all @ncpu workers have counted their pages: a page freed early
 * would make room under the quota for another worker's.
 */
static void quota_worker(struct quota_run *run, int cpu, int ncpu)
{
	nodemask64 ab = NODE_BIT(node_a) | NODE_BIT(node_b);
	cpu_set_t set;
	void *p;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	p = map_policy(QUOTA_TOUCH, MPOL_BIND, ab, true);
	while (!__atomic_load_n(&run->go, __ATOMIC_ACQUIRE))
		;
	if (p) {
		touch(p, QUOTA_TOUCH);
		pages_nodes(0, p, QUOTA_TOUCH, run->hist[cpu]);
	}
	__atomic_add_fetch(&run->counted, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&run->counted, __ATOMIC_ACQUIRE) < ncpu)
		usleep(1000);
	_exit(p ? 0 : 1);
}

/* In gpu: a worker per CPU faults at once; what landed where. */
static int quota_faults(void *arg)
{
	struct quota_run *run = arg;
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), cpu, st, bad = 0;
	pid_t pids[64];
	void *p;

	if (ncpu > 64)
		ncpu = 64;
	for (cpu = 0; cpu < ncpu; cpu++) {
		pids[cpu] = fork();
		if (!pids[cpu])
			quota_worker(run, cpu, ncpu);
	}
	__atomic_store_n(&run->go, 1, __ATOMIC_RELEASE);
	for (cpu = 0; cpu < ncpu; cpu++)
		if (pids[cpu] < 0 || waitpid(pids[cpu], &st, 0) < 0 ||
		    !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	CHECK(!bad, "%d of %d workers failed (mbind to {%d,%d})", bad, ncpu,
	      node_a, node_b);

	/*
	 * The workers' pages are gone: at once, before the memcg statistics
	 * are flushed, node A's quota is free again.
	 */
	p = map_policy(QUOTA, MPOL_BIND, NODE_BIT(node_a), true);
	CHECK(p, "mbind to {%d}: %s", node_a, strerror(errno));
	touch(p, QUOTA);
	pages_nodes(0, p, QUOTA, run->refill);
	munmap(p, QUOTA);
	return PASS;
}

static int test_quota(void)
{
	long on_a = 0, on_b = 0, on_sys = 0, quota = QUOTA / PAGE_SZ;
	long slack = QUOTA_SLACK / PAGE_SZ, total, refill;
	struct quota_run *run;
	char args[256];
	int cpu, r;

	snprintf(args, sizeof(args), "--allow " CG_PATH("gpu") "=%d,%d:%luM",
		 node_a, node_b, QUOTA / MiB);
	r = attach_pinned(CGROUP_POLICY, args, "cgroup_spm");
	if (r != PASS)
		return r;
	run = mmap(NULL, sizeof(*run), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(run != MAP_FAILED, "mmap: %s", strerror(errno));
	r = in_cgroup("gpu", quota_faults, run);
	for (cpu = 0; cpu < 64; cpu++) {
		on_a += run->hist[cpu][node_a];
		on_b += run->hist[cpu][node_b];
		on_sys += hist_on(run->hist[cpu], sysram_nodes);
	}
	refill = run->refill[node_a];
	munmap(run, sizeof(*run));
	if (r != PASS)
		return r;
	total = on_a + on_b + on_sys;
	info("quota %lu MiB on nodes %d and %d: %ld KiB on %d, %ld KiB on %d, %ld KiB on system RAM",
	     QUOTA / MiB, node_a, node_b, on_a * PAGE_SZ / 1024, node_a,
	     on_b * PAGE_SZ / 1024, node_b, on_sys * PAGE_SZ / 1024);
	CHECK(on_a <= quota + slack && on_b <= quota + slack,
	      "%ld and %ld KiB on nodes %d and %d: over the %lu MiB quota by more than 1 MiB",
	      on_a * PAGE_SZ / 1024, on_b * PAGE_SZ / 1024, node_a, node_b,
	      QUOTA / MiB);
	CHECK(on_a >= quota - slack && on_b >= quota - slack,
	      "%ld and %ld KiB on nodes %d and %d: short of the %lu MiB quota by more than 1 MiB",
	      on_a * PAGE_SZ / 1024, on_b * PAGE_SZ / 1024, node_a, node_b,
	      QUOTA / MiB);
	CHECK(on_sys == total - on_a - on_b && on_sys > 0,
	      "%ld of %ld pages on system RAM: the rest must fall back there",
	      on_sys, total);
	info("then, after the workers' exit, %ld KiB of %lu MiB bound to node %d landed there",
	     refill * PAGE_SZ / 1024, QUOTA / MiB, node_a);
	CHECK(refill >= quota - slack,
	      "after the workers' pages were freed only %ld KiB of %lu MiB went to node %d: the quota did not see the pages go",
	      refill * PAGE_SZ / 1024, QUOTA / MiB, node_a);
	return detach("cgroup_spm");
}
TEST(cgroup_policy_quota, "cgroup_spm: a worker per CPU binds to {A,B} with 16 MiB quotas: each node ends within 1 MiB of its quota; freed pages free the quota at once",
	setup_cgroups, test_quota, cleanup_cgroups);

/* ---- changing the table while the policy runs ---- */

/* spm-loader ARGS must fail with exit code and one line containing want. */
static int loader_exits(const char *args, const char *want, int code)
{
	const char *words[] = { "spm-loader: ", want, NULL };
	char out[4096], what[512];
	int r;

	r = loader_cmd(args, out, sizeof(out));
	snprintf(what, sizeof(what), "spm-loader %s", args);
	CHECK(r == code, "%s: exit %d, expected %d: %s", what, r, code, out);
	return check_one_line(what, out, words);
}

/* A runtime failure: exit 1. */
static int loader_refuses(const char *args, const char *want)
{
	return loader_exits(args, want, 1);
}

/* In other: the entry set, changed and removed under its feet. */
static int live_other(void *arg)
{
	size_t len = 8 * MiB;
	char out[4096], want[256], cmd[256];
	long fb0, fb1;
	char *p2, *p3;
	int r;

	r = policy_refused(MPOL_BIND, NODE_BIT(node_a), true);
	if (r != PASS)
		return r;

	/* Set: other may name node A. */
	snprintf(cmd, sizeof(cmd), "cgroup set " CG_PATH("other") "=%d",
		 node_a);
	r = loader_cmd(cmd, out, sizeof(out));
	snprintf(want, sizeof(want),
		 "spm-loader: cgroup " CG_PATH("other") " (id %llu): node %d explicit\n",
		 cgroup_id("other"), node_a);
	CHECK(r == 0 && !strcmp(out, want), "spm-loader cgroup set: exit %d: '%s', expected '%s'",
	      r, out, want);
	/* half of a mapping bound to node A, now */
	p2 = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p2 != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(!sys_mbind(p2, 2 * len, MPOL_BIND, NODE_BIT(node_a), 0),
	      "mbind(MPOL_BIND, %d) after cgroup set: %s", node_a,
	      strerror(errno));
	touch(p2, len);
	r = check_on(0, p2, len, NODE_BIT(node_a), "mbind to node A", NULL);
	if (r != PASS)
		return r;

	/* Change: node B instead. */
	snprintf(cmd, sizeof(cmd), "cgroup set " CG_PATH("other") "=%d",
		 node_b);
	r = loader_cmd(cmd, out, sizeof(out));
	CHECK(r == 0, "spm-loader cgroup set: exit %d: %s", r, out);
	r = check_on(0, p2, len, NODE_BIT(node_a),
		     "pages on node A after the change", NULL);
	if (r != PASS)
		return r;
	/* the other half of the mapping: node A refused, system RAM */
	fb0 = node_vmstat(node_a, "spm_fallback");
	touch(p2 + len, len);
	fb1 = node_vmstat(node_a, "spm_fallback");
	r = check_sysram(0, p2 + len, len,
			 "new pages of the mapping bound to node A");
	if (r != PASS)
		return r;
	CHECK(fb1 > fb0, "node%d spm_fallback did not grow", node_a);
	r = policy_refused(MPOL_BIND, NODE_BIT(node_a), true);
	if (r != PASS)
		return r;
	p3 = map_policy(len, MPOL_BIND, NODE_BIT(node_b), true);
	CHECK(p3, "mbind(MPOL_BIND, %d) after cgroup set: %s", node_b,
	      strerror(errno));
	r = check_on(0, p3, len, NODE_BIT(node_b), "mbind to node B", NULL);
	if (r != PASS)
		return r;

	/* Remove: nothing named, nothing allowed; pages stay. */
	r = loader_cmd("cgroup rm " CG_PATH("other"), out, sizeof(out));
	snprintf(want, sizeof(want),
		 "spm-loader: cgroup " CG_PATH("other") " (id %llu) removed\n",
		 cgroup_id("other"));
	CHECK(r == 0 && !strcmp(out, want), "spm-loader cgroup rm: exit %d: '%s', expected '%s'",
	      r, out, want);
	r = policy_refused(MPOL_BIND, NODE_BIT(node_b), true);
	if (r != PASS)
		return r;
	r = check_on(0, p2, len, NODE_BIT(node_a), "pages on node A after rm",
		     NULL);
	if (r != PASS)
		return r;
	return check_on(0, p3, len, NODE_BIT(node_b),
			"pages on node B after rm", NULL);
}

static int test_live(void)
{
	char args[512], out[4096], cmd[512], want[128];
	unsigned long long stale;
	int r;

	snprintf(args, sizeof(args), "--allow " CG_PATH("gpu") "=%d", node_a);
	r = loader_start(CGROUP_POLICY, args, "cgroup_spm");
	if (r != PASS)
		return r;
	/* The foreground loader pins the table for spm-loader cgroup. */
	CHECK(!access(TABLE_PIN, F_OK), "no %s while the loader runs",
	      TABLE_PIN);

	r = in_cgroup("other", live_other, NULL);
	if (r != PASS)
		return r;

	/* Bad input: one line each, nothing changed. */
	r = loader_refuses("cgroup set " CG_PATH("nosuch") "=2",
			   CG_PATH("nosuch") ": no such cgroup");
	if (r == PASS)
		r = loader_refuses("cgroup set /tmp=2",
				   "/tmp: not a cgroup v2 directory");
	if (r == PASS) {
		snprintf(cmd, sizeof(cmd), "cgroup set " CG_PATH("other") "=%d",
			 nodemask_first(sysram_nodes));
		snprintf(want, sizeof(want), "node %d is not an SPM node",
			 nodemask_first(sysram_nodes));
		r = loader_refuses(cmd, want);
	}
	if (r == PASS) {
		snprintf(cmd, sizeof(cmd), "cgroup set " CG_PATH("other") "=%d:12X",
			 node_a);
		r = loader_exits(cmd, "bad size '12X'", 2);	/* usage */
	}
	if (r == PASS) {
		snprintf(cmd, sizeof(cmd), "cgroup set " CG_PATH("other") "=%d:fast",
			 node_a);
		r = loader_exits(cmd, "bad mode 'fast' (explicit or spill)", 2);
	}
	if (r == PASS)
		r = loader_refuses("cgroup rm " CG_PATH("batch"),
				   "has no entry in the cgroup table");
	if (r == PASS) {
		snprintf(cmd, sizeof(cmd), "attach " HARD_POLICY " --allow "
			 CG_PATH("gpu") "=%d", node_a);
		r = loader_refuses(cmd,
				   "--allow needs a policy with a cgroup table");
	}
	if (r != PASS)
		return r;

	/* A cgroup removed with its entry still there: stale. */
	r = make_cgroup("stale");
	if (r != PASS)
		return r;
	stale = cgroup_id("stale");
	snprintf(cmd, sizeof(cmd), "cgroup set " CG_PATH("stale") "=%d:spill:16M",
		 node_b);
	r = loader_cmd(cmd, out, sizeof(out));
	CHECK(r == 0, "spm-loader cgroup set: exit %d: %s", r, out);
	CHECK(!rmdir(CG_PATH("stale")), "rmdir %s: %s", CG_PATH("stale"),
	      strerror(errno));
	r = loader_cmd("cgroup list", out, sizeof(out));
	snprintf(want, sizeof(want), "stale (id %llu)", stale);
	CHECK(r == 0 && strstr(out, want) && strstr(out, "16M") &&
	      strstr(out, CG_PATH("gpu")) && count_lines(out) == 3,
	      "spm-loader cgroup list: exit %d, no '%s' line: %s", r, want,
	      out);
	snprintf(cmd, sizeof(cmd), "cgroup rm %llu", stale);
	r = loader_cmd(cmd, out, sizeof(out));
	CHECK(r == 0 && strstr(out, "removed"), "spm-loader %s: exit %d: %s",
	      cmd, r, out);
	r = loader_cmd("cgroup list", out, sizeof(out));
	CHECK(r == 0 && !strstr(out, "stale") && count_lines(out) == 2,
	      "spm-loader cgroup list after rm: exit %d: %s", r, out);

	r = stop_detached("cgroup_spm");
	if (r != PASS)
		return r;
	CHECK(access(TABLE_PIN, F_OK) && errno == ENOENT,
	      "%s still there after the loader detached", TABLE_PIN);
	r = loader_refuses("cgroup list",
			   "no policy with a cgroup table attached");
	if (r != PASS)
		return r;
	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r == PASS) {
		snprintf(cmd, sizeof(cmd), "cgroup set " CG_PATH("gpu") "=%d",
			 node_a);
		r = loader_refuses(cmd,
				   "policy 'hard_guardrail' has no cgroup table");
	}
	if (r != PASS)
		return r;
	return detach("hard_guardrail");
}
TEST(cgroup_policy_live, "spm-loader cgroup set/rm/list change cgroup_spm's table live; existing pages stay; stale entries; one-line errors",
	setup_cgroups, test_live, cleanup_cgroups);

/* ---- switching policies live ---- */

/* mbind to node A from the cgroup: must land there (arg 1) or be EINVAL. */
static int probe_a(void *arg)
{
	if (arg)
		return policy_on(MPOL_BIND, NODE_BIT(node_a), true,
				 NODE_BIT(node_a), 4 * MiB, NULL);
	return policy_refused(MPOL_BIND, NODE_BIT(node_a), true);
}

static int probe(bool gpu, bool other, const char *stage)
{
	int r;

	r = in_cgroup("gpu", probe_a, gpu ? (void *)1 : NULL);
	if (r == PASS)
		r = in_cgroup("other", probe_a, other ? (void *)1 : NULL);
	if (r != PASS)
		return fail_prefix(stage);
	return PASS;
}

static int test_switch(void)
{
	size_t len = 8 * MiB;
	struct holder h;
	char args[128];
	int r;

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r == PASS)
		r = probe(false, false, "hard_guardrail");
	if (r == PASS)
		r = detach("hard_guardrail");
	if (r == PASS)
		r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r == PASS)
		r = probe(true, true, "soft_guardrail");
	if (r != PASS)
		return r;

	/* 8 MiB bound to node A from the soft_guardrail stage on */
	r = start_holder(len, MPOL_BIND, NODE_BIT(node_a), &h);
	if (r != PASS)
		return r;
	r = check_on(h.pid, h.addr, len, NODE_BIT(node_a),
		     "held pages under soft_guardrail", NULL);

	if (r == PASS)
		r = detach("soft_guardrail");
	snprintf(args, sizeof(args), "--allow " CG_PATH("gpu") "=%d", node_a);
	if (r == PASS)
		r = attach_pinned(CGROUP_POLICY, args, "cgroup_spm");
	if (r == PASS)
		r = probe(true, false, "cgroup_spm");
	if (r == PASS)
		r = check_on(h.pid, h.addr, len, NODE_BIT(node_a),
			     "held pages under cgroup_spm", NULL);
	if (r == PASS)
		r = detach("cgroup_spm");
	if (r == PASS)
		r = probe(false, false, "no policy");
	if (r == PASS)
		r = check_on(h.pid, h.addr, len, NODE_BIT(node_a),
			     "held pages with no policy", NULL);
	release_holder(&h);
	return r;
}
TEST(policy_switch, "hard -> soft -> cgroup -> detach, live: each switch changes what new allocations get; pages stay",
	setup_cgroups, test_switch, cleanup_cgroups);
