// SPDX-License-Identifier: GPL-2.0
/*
 * spm_bench: what the SPM series costs, one figure at a time.
 *
 *	spm_bench [--reps N] [--no-policies] [-t WORD]... [-s NODELIST] [--list]
 *
 * Each figure does a fixed amount of work and reports the time per unit of
 * it (a page, a fork, a system call) measured with CLOCK_MONOTONIC, or for
 * the in-kernel loops the time the test module measured.  The make bench
 * guest runs under QEMU -icount shift=0,sleep=off, where the guest clock
 * advances one nanosecond per instruction executed: every figure is an
 * instruction count, not a time.  A figure is run once to warm up, then
 * --reps times; the median is printed:
 *
 *	bench POLICY FIGURE VALUE UNIT
 *
 * POLICY is "none" (the built-in rule, or a kernel without SPM) and, when
 * the kernel has spm_ops and SPM nodes, "hard", "soft" and "cgroup" (the
 * shipped policies, attached with spm-loader --pin; cgroup_spm holds 1,000
 * table entries, one of them for the bench's own cgroup), unless
 * --no-policies.  Figures that need an SPM node, or a policy, are run only
 * where there is one; -t WORD keeps the figures whose name contains WORD.
 * Under "none" come the attach + detach figures, and under "cgroup" the
 * figures against the table size.  The last line is
 *
 *	bench done N figures
 *
 * and any figure that fails (a page where it must not be, a failed call)
 * stops the run with "bench error FIGURE: reason" and exit status 1.
 * --list measures nothing: it prints "figure POLICY FIGURE UNIT" for each
 * figure a run would print, then "figures N" (the bench_smoke test).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>
#include <linux/types.h>
#include <bpf/bpf.h>

#include "testlib.h"
#include "../bpf/spm_cgroup.h"

#define PAGE_4K		4096UL
#define ANON_LEN	(16 * MiB)
#define THP_LEN		(32 * MiB)
#define FILE_LEN	(16 * MiB)
#define IO_CHUNK	(64 * KiB)
#define FORKS		50
#define MPOL_CALLS	200
#define KALLOC_COUNT	20000
#define PRESSURE_COUNT	5000

#define BENCH_CGROUP	"bench/job"
#define BENCH_EXT2_MNT	"/tmp/bench_ext2"
#define BENCH_EXT2_FILE	BENCH_EXT2_MNT "/file"
#define BENCH_TMPFS_FILE "/tmp/bench_tmpfs"
/* cgroup_spm's table: the bench's entry and fillers with unused ids. */
#define TABLE_ENTRIES	1000
#define FILLER_ID_BASE	(1ULL << 40)

/* What a figure needs of the kernel under test. */
#define NEED_SPM	(1 << 0)	/* an SPM node */
#define NEED_POLICY	(1 << 1)	/* a policy that admits user masks */

struct figure {
	const char *name;
	const char *unit;
	unsigned int needs;
	/* One measurement: PASS with *value, or fail(). */
	int (*run)(double *value);
};

static int spm_node = -1;		/* the first SPM node */
static int cpuless_node = -1;		/* the first node without a CPU */
static nodemask64 sysram_mask;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- anonymous memory, page cache, fork ---- */

static int fig_anon_4k(double *value)
{
	double t0 = now_ns();
	void *p = map_touch(ANON_LEN);

	CHECK(p, "mmap %lu MiB: %s", ANON_LEN / MiB, strerror(errno));
	munmap(p, ANON_LEN);
	*value = (now_ns() - t0) / (ANON_LEN / PAGE_4K);
	return PASS;
}

/* Anonymous huge pages of the process, in kB (smaps_rollup). */
static long process_anon_huge_kb(void)
{
	char buf[4096], *line;

	if (spm_read_str("/proc/self/smaps_rollup", buf, sizeof(buf)) < 0)
		return -1;
	line = strstr(buf, "AnonHugePages:");
	return line ? strtol(line + strlen("AnonHugePages:"), NULL, 10) : -1;
}

static int fig_anon_thp(double *value)
{
	size_t map_len = THP_LEN + THP_SZ;
	char *map, *p;
	long huge_kb;
	double t0;
	size_t off;

	t0 = now_ns();
	map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED, "mmap: %s", strerror(errno));
	p = (char *)(((unsigned long)map + THP_SZ - 1) & ~(THP_SZ - 1));
	CHECK(!madvise(p, THP_LEN, MADV_HUGEPAGE), "madvise(MADV_HUGEPAGE): %s",
	      strerror(errno));
	for (off = 0; off < THP_LEN; off += THP_SZ)
		p[off] = 1;
	huge_kb = process_anon_huge_kb();
	munmap(map, map_len);
	*value = (now_ns() - t0) / (THP_LEN / THP_SZ);
	/* Most faults must have been huge, or this measures 4 KiB ones. */
	CHECK(huge_kb >= (long)(THP_LEN / 2 / KiB),
	      "only %ld kB of %lu MiB in huge pages", huge_kb, THP_LEN / MiB);
	return PASS;
}

static int write_file_chunks(int fd, size_t len)
{
	static char chunk[IO_CHUNK];
	size_t off;

	memset(chunk, 0x5a, sizeof(chunk));
	for (off = 0; off < len; off += IO_CHUNK)
		if (pwrite(fd, chunk, IO_CHUNK, off) != IO_CHUNK)
			return -1;
	return 0;
}

static int fig_tmpfs_write(double *value)
{
	double t0 = now_ns();
	int fd, r;

	fd = open(BENCH_TMPFS_FILE, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	CHECK(fd >= 0, "create %s: %s", BENCH_TMPFS_FILE, strerror(errno));
	r = write_file_chunks(fd, FILE_LEN);
	close(fd);
	unlink(BENCH_TMPFS_FILE);
	CHECK(!r, "write %s: %s", BENCH_TMPFS_FILE, strerror(errno));
	*value = (now_ns() - t0) / (FILE_LEN / PAGE_4K);
	return PASS;
}

static int setup_ext2(void)
{
	int fd, r;

	if (access(BENCH_EXT2_FILE, R_OK) == 0)
		return PASS;
	r = mount_ramdisk_ext2(BENCH_EXT2_MNT);
	if (r != PASS)
		return r;
	fd = open(BENCH_EXT2_FILE, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	CHECK(fd >= 0, "create %s: %s", BENCH_EXT2_FILE, strerror(errno));
	r = write_file_chunks(fd, FILE_LEN) || fsync(fd);
	close(fd);
	CHECK(!r, "write %s: %s", BENCH_EXT2_FILE, strerror(errno));
	return PASS;
}

/* Read the file from the disk (brd) into an empty page cache. */
static int fig_ext2_read(double *value)
{
	static char chunk[IO_CHUNK];
	size_t off;
	double t0;
	int fd, r;

	r = setup_ext2();
	if (r != PASS)
		return r;
	fd = open(BENCH_EXT2_FILE, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", BENCH_EXT2_FILE, strerror(errno));
	r = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (r) {
		close(fd);
		return fail("posix_fadvise(DONTNEED): %s", strerror(r));
	}
	t0 = now_ns();
	for (off = 0; off < FILE_LEN; off += IO_CHUNK)
		if (pread(fd, chunk, IO_CHUNK, off) != IO_CHUNK)
			break;
	*value = (now_ns() - t0) / (FILE_LEN / PAGE_4K);
	close(fd);
	CHECK(off == FILE_LEN, "read %s: short at %zu", BENCH_EXT2_FILE, off);
	return PASS;
}

/* fork + exit of a process with 16 MiB of touched anonymous memory. */
static int fig_fork_exit(double *value)
{
	void *p = map_touch(ANON_LEN);
	double t0;
	int i, st;
	pid_t pid;

	CHECK(p, "mmap: %s", strerror(errno));
	t0 = now_ns();
	for (i = 0; i < FORKS; i++) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || st) {
			munmap(p, ANON_LEN);
			return fail("fork/wait: %s", strerror(errno));
		}
	}
	*value = (now_ns() - t0) / FORKS;
	munmap(p, ANON_LEN);
	return PASS;
}

/* ---- memory policy system calls ---- */

/* mbind() to mask and back to the default, MPOL_CALLS times: per call. */
static int mbind_calls(nodemask64 mask, double *value)
{
	size_t len = 2 * MiB;
	void *p = map_anon(len);
	double t0;
	int i;

	CHECK(p, "mmap: %s", strerror(errno));
	t0 = now_ns();
	for (i = 0; i < MPOL_CALLS; i++) {
		if (sys_mbind(p, len, MPOL_BIND, mask, 0) ||
		    sys_mbind(p, len, MPOL_DEFAULT, 0, 0)) {
			munmap(p, len);
			return fail("mbind(%s): %s", NL(mask, 0),
				    strerror(errno));
		}
	}
	*value = (now_ns() - t0) / (2 * MPOL_CALLS);
	munmap(p, len);
	return PASS;
}

static int fig_mbind_sysram(double *value)
{
	return mbind_calls(sysram_mask, value);
}

/*
 * A mask naming an SPM node beside system RAM: the kernel asks the policy
 * (or strips the node); on vanilla the node is ordinary memory.
 */
static int fig_mbind_named(double *value)
{
	return mbind_calls(sysram_mask | NODE_BIT(cpuless_node), value);
}

static int fig_set_mempolicy(double *value)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < MPOL_CALLS; i++)
		if (sys_set_mempolicy(MPOL_BIND, sysram_mask) ||
		    sys_set_mempolicy(MPOL_DEFAULT, 0))
			return fail("set_mempolicy: %s", strerror(errno));
	*value = (now_ns() - t0) / (2 * MPOL_CALLS);
	return PASS;
}

/* Anonymous faults under mbind(MPOL_BIND, {SPM node}): admitted by policy. */
static int fig_anon_spm_bound(double *value)
{
	long hist[HIST_LEN];
	double t0;
	void *p;
	int r;

	p = map_anon(ANON_LEN);
	CHECK(p, "mmap: %s", strerror(errno));
	if (sys_mbind(p, ANON_LEN, MPOL_BIND, NODE_BIT(spm_node), 0)) {
		munmap(p, ANON_LEN);
		return fail("mbind({%d}): %s", spm_node, strerror(errno));
	}
	t0 = now_ns();
	touch(p, ANON_LEN);
	*value = (now_ns() - t0) / (ANON_LEN / PAGE_4K);
	r = check_on(0, p, ANON_LEN, NODE_BIT(spm_node), "bound faults", hist);
	munmap(p, ANON_LEN);
	return r;
}

/* ---- in-kernel allocations through the test module ---- */

/*
 * A loop command: at least min_on of count pages allocated (and freed) on
 * the nodes of on; value is the module's time per page.
 */
static int kalloc_some(const char *cmd, long count, long min_on,
		       nodemask64 on, double *value)
{
	struct mod_result res;
	long placed = 0;
	int r, n;

	r = module_alloc(cmd, &res);
	CHECK(!r, "module '%s': %s", cmd, strerror(-r));
	CHECK(res.ok == count && res.ns > 0, "module '%s': %s", cmd, RES(&res));
	for (n = 0; n < MAX_NODES; n++)
		if (on & NODE_BIT(n))
			placed += res.node[n];
	CHECK(placed >= min_on, "module '%s': %ld of %ld pages on %s: %s", cmd,
	      placed, count, NL(on, 0), RES(&res));
	*value = (double)res.ns / count;
	return PASS;
}

/* Every page on the nodes of on. */
static int kalloc(const char *cmd, long count, nodemask64 on, double *value)
{
	return kalloc_some(cmd, count, count, on, value);
}

static int fig_kalloc_sysram(double *value)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "mode=loop count=%d nid=0", KALLOC_COUNT);
	return kalloc(cmd, KALLOC_COUNT, NODE_BIT(0), value);
}

/* __GFP_SPM_NODE naming the SPM node: admitted there. */
static int fig_kalloc_spm(double *value)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "mode=loop count=%d nid=%d mask=%d spm=1",
		 KALLOC_COUNT, spm_node, spm_node);
	return kalloc(cmd, KALLOC_COUNT, NODE_BIT(spm_node), value);
}

/*
 * Preferring the first CPU-less node without __GFP_SPM_NODE: with the series
 * and SPM nodes the allocator walks past the refused SPM zones to system
 * RAM; on vanilla, or with no SPM node, the node is ordinary memory.
 */
static int fig_kalloc_refused(double *value)
{
	nodemask64 on = spm_nodes ? sysram_mask : NODE_BIT(cpuless_node);
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "mode=loop count=%d nid=%d", KALLOC_COUNT,
		 cpuless_node);
	return kalloc(cmd, KALLOC_COUNT, on, value);
}

/*
 * Node 0 held below its low watermark: each allocation preferring it walks
 * on to the next node of its fallback list (never an SPM node).  Nothing
 * must climb back above it meanwhile: no page cache for kswapd to reclaim,
 * and no watermark boost to wake it (bench_main() turns boosting off).
 * The module drains it again every 16 allocations; per-CPU pages that come
 * back within a batch may serve a few (at most 1%) from node 0.
 */
static int fig_pressure(double *value)
{
	char cmd[128];
	int r;

	r = write_file("/proc/sys/vm/drop_caches", "3");
	CHECK(!r, "drop_caches: %s", strerror(-r));

	snprintf(cmd, sizeof(cmd), "mode=loop count=%d nid=0 lowmem=0",
		 PRESSURE_COUNT);
	return kalloc_some(cmd, PRESSURE_COUNT, PRESSURE_COUNT * 99 / 100,
			   ~(NODE_BIT(0) | spm_nodes), value);
}

static const struct figure figures[] = {
	{ "anon_4k", "ns/page", 0, fig_anon_4k },
	{ "anon_thp", "ns/2MiB", 0, fig_anon_thp },
	{ "tmpfs_write", "ns/page", 0, fig_tmpfs_write },
	{ "ext2_read", "ns/page", 0, fig_ext2_read },
	{ "fork_exit", "ns/fork", 0, fig_fork_exit },
	{ "mbind_sysram", "ns/call", 0, fig_mbind_sysram },
	{ "mbind_named_spm", "ns/call", 0, fig_mbind_named },
	{ "set_mempolicy", "ns/call", 0, fig_set_mempolicy },
	{ "kalloc_sysram", "ns/page", 0, fig_kalloc_sysram },
	{ "kalloc_refused", "ns/page", 0, fig_kalloc_refused },
	{ "kalloc_pressure", "ns/page", 0, fig_pressure },
	{ "kalloc_spm", "ns/page", NEED_SPM, fig_kalloc_spm },
	{ "anon_spm_bound", "ns/page", NEED_SPM | NEED_POLICY,
	  fig_anon_spm_bound },
};

/* ---- running the figures ---- */

static const char * const *filters;
static int nr_filters;
static int reps;
static int nr_done;
/* --list: walk the figures a run would measure, print their names. */
static bool list_only;

static bool wanted(const char *name)
{
	int i;

	if (!nr_filters)
		return true;
	for (i = 0; i < nr_filters; i++)
		if (strstr(name, filters[i]))
			return true;
	return false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int report_error(const char *name)
{
	printf("bench error %s: %s\n", name, test_reason());
	return FAIL;
}

/* Warm up, then reps measurements; print the median. */
static int measure(const char *policy, const char *name, const char *unit,
		   int (*run)(double *value))
{
	double v[16];
	int i, n = reps < 16 ? reps : 16;

	if (list_only) {
		printf("figure %s %s %s\n", policy, name, unit);
		nr_done++;
		return PASS;
	}
	if (run(&v[0]) != PASS)
		return report_error(name);
	for (i = 0; i < n; i++)
		if (run(&v[i]) != PASS)
			return report_error(name);
	qsort(v, n, sizeof(v[0]), cmp_double);
	printf("bench %s %s %.1f %s\n", policy, name, v[n / 2], unit);
	nr_done++;
	return PASS;
}

static int run_figures(const char *policy, bool user_policy)
{
	const struct figure *f;

	for (f = figures; f < figures + ARRAY_SIZE(figures); f++) {
		if (!wanted(f->name) ||
		    ((f->needs & NEED_SPM) && spm_node < 0) ||
		    ((f->needs & NEED_POLICY) && !user_policy))
			continue;
		if (measure(policy, f->name, f->unit, f->run) != PASS)
			return FAIL;
	}
	return PASS;
}

/* ---- policies ---- */

static int attach_detach_once(const char *obj, const char *name)
{
	return attach_pinned(obj, NULL, name) == PASS ? detach(name) : FAIL;
}

static const char *attach_obj, *attach_name;

/* Guest clock from spm-loader attach --pin to the end of spm-loader detach. */
static int fig_attach_detach(double *value)
{
	double t0 = now_ns();

	if (attach_detach_once(attach_obj, attach_name) != PASS)
		return FAIL;
	*value = (now_ns() - t0) / 1e6;
	return PASS;
}

static const struct {
	const char *tag, *obj, *name;
} policies[] = {
	{ "hard", HARD_POLICY, "hard_guardrail" },
	{ "soft", SOFT_POLICY, "soft_guardrail" },
	{ "cgroup", CGROUP_POLICY, "cgroup_spm" },
};

static int run_attach_figures(void)
{
	char name[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(policies); i++) {
		snprintf(name, sizeof(name), "attach_detach_%s",
			 policies[i].tag);
		if (!wanted(name))
			continue;
		attach_obj = policies[i].obj;
		attach_name = policies[i].name;
		if (measure("none", name, "ms", fig_attach_detach) != PASS)
			return FAIL;
	}
	return PASS;
}

/* cgroup_spm's pinned table: entries up to n, the bench's own first. */
static int fill_table(int n)
{
	struct spm_cgroup_entry entry = { .nodes = spm_nodes };
	struct bpf_map_info info;
	__u64 key;
	int fd, i, err = 0;

	if (list_only)
		return PASS;
	fd = pinned_map(PIN_MAPS "/" SPM_CGROUP_TABLE_NAME, &info);
	CHECK(fd >= 0, "cgroup table: %s", strerror(-fd));
	if (info.max_entries < (unsigned int)n) {
		close(fd);
		return fail("cgroup table holds %u entries, not %d",
			    info.max_entries, n);
	}
	for (i = 0; i < n && !err; i++) {
		key = i ? FILLER_ID_BASE + i : cgroup_id(BENCH_CGROUP);
		if (bpf_map_update_elem(fd, &key, &entry, BPF_ANY))
			err = errno;
	}
	close(fd);
	CHECK(!err, "cgroup table update: %s", strerror(err));
	return PASS;
}

/*
 * cgroup_spm's cost against its table size: the lookups of an admitted
 * bound fault and of a refused kernel allocation.
 */
static const int table_sizes[] = { 10, 1000, 10000 };
static const struct figure table_figures[] = {
	{ "anon_spm_bound_table%d", "ns/page", 0, fig_anon_spm_bound },
	{ "kalloc_refused_table%d", "ns/page", 0, fig_kalloc_refused },
};

static int run_table_curve(void)
{
	const struct figure *f;
	char name[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(table_sizes); i++) {
		if (fill_table(table_sizes[i]) != PASS)
			return report_error("cgroup_table");
		for (f = table_figures; f < table_figures +
		     ARRAY_SIZE(table_figures); f++) {
			snprintf(name, sizeof(name), f->name, table_sizes[i]);
			if (wanted(name) &&
			    measure("cgroup", name, f->unit, f->run) != PASS)
				return FAIL;
		}
	}
	return fill_table(TABLE_ENTRIES) == PASS ? PASS :
	       report_error("cgroup_table");
}

static int run_policy(size_t i)
{
	const char *tag = policies[i].tag;
	int r;

	if (!list_only &&
	    attach_pinned(policies[i].obj, NULL, policies[i].name) != PASS)
		return report_error(tag);
	r = PASS;
	if (!strcmp(tag, "cgroup"))
		r = run_table_curve();
	if (r == PASS)
		r = run_figures(tag, strcmp(tag, "hard"));
	if (!list_only && detach(policies[i].name) != PASS && r == PASS)
		r = report_error(tag);
	return r;
}

/* Run in a cgroup two levels down, without controllers, in every kernel. */
static int enter_cgroup(void)
{
	char pid[32];
	int r;

	mkdir(CGROUP_ROOT "/bench", 0755);
	mkdir(CGROUP_ROOT "/" BENCH_CGROUP, 0755);
	snprintf(pid, sizeof(pid), "%d", getpid());
	r = write_file(CGROUP_ROOT "/" BENCH_CGROUP "/cgroup.procs", pid);
	CHECK(!r, "enter %s: %s", BENCH_CGROUP, strerror(-r));
	return PASS;
}

/* A node with memory and no CPU. */
static bool node_without_cpus(int nid)
{
	char path[96], buf[64];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist",
		 nid);
	return (spm_nodes | sysram_nodes) & NODE_BIT(nid) &&
	       !spm_read_str(path, buf, sizeof(buf)) && !buf[0];
}

static int run_all(bool with_policies)
{
	size_t i;

	if (run_figures("none", false) != PASS)
		return 1;
	if (spm_node < 0 || access(SPM_SYSFS "/state", F_OK) ||
	    !with_policies)
		return 0;
	if (run_attach_figures() != PASS)
		return 1;
	for (i = 0; i < ARRAY_SIZE(policies); i++)
		if (run_policy(i) != PASS)
			return 1;
	return 0;
}

#define BOOST_FACTOR	"/proc/sys/vm/watermark_boost_factor"
static char saved_boost[32];

/* What the figures left: the ext2 mount, the bench's cgroup, the boost. */
static void bench_cleanup(void)
{
	char root[32];

	if (saved_boost[0])
		write_file(BOOST_FACTOR, saved_boost);
	umount2(BENCH_EXT2_MNT, MNT_DETACH);
	rmdir(BENCH_EXT2_MNT);
	unlink(BENCH_TMPFS_FILE);
	snprintf(root, sizeof(root), "%d", getpid());
	write_file(CGROUP_ROOT "/cgroup.procs", root);
	rmdir(CGROUP_ROOT "/" BENCH_CGROUP);
	rmdir(CGROUP_ROOT "/bench");
}

static int bench_main(int nr_words, const char * const *words, int nr_reps,
		      bool with_policies)
{
	cpu_set_t cpu0;
	int n, r;

	filters = words;
	nr_filters = nr_words;
	reps = nr_reps;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!module_loaded()) {
		printf("bench error setup: no test module\n");
		return 1;
	}
	/* Node 0's CPU: local allocations come from node 0. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0)) {
		printf("bench error setup: sched_setaffinity: %s\n",
		       strerror(errno));
		return 1;
	}
	sysram_mask = sysram_nodes;
	spm_node = nodemask_first(spm_nodes);
	for (n = 0; n < nr_node_ids && cpuless_node < 0; n++)
		if (node_without_cpus(n))
			cpuless_node = n;
	if (cpuless_node < 0) {
		printf("bench error setup: no node without CPUs\n");
		return 1;
	}
	if (list_only) {
		run_all(with_policies);
		printf("figures %d\n", nr_done);
		return 0;
	}
	/* The pressure figure's drain must not wake kswapd. */
	if (spm_read_str(BOOST_FACTOR, saved_boost, sizeof(saved_boost)) < 0 ||
	    write_file(BOOST_FACTOR, "0")) {
		printf("bench error setup: cannot turn %s off\n", BOOST_FACTOR);
		return 1;
	}
	if (enter_cgroup() != PASS) {
		printf("bench error setup: %s\n", test_reason());
		bench_cleanup();
		return 1;
	}
	r = run_all(with_policies);
	bench_cleanup();
	if (!r)
		printf("bench done %d figures\n", nr_done);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: spm_bench [--reps N] [--no-policies] [-t WORD]... [-s NODELIST] [--list]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reps", required_argument, NULL, 'R' },
		{ "no-policies", no_argument, NULL, 'N' },
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *words[64], *spm_arg = NULL;
	int nr_words = 0, nr_reps = 5, c;
	bool with_policies = true;
	char *end;

	test_name = "spm_bench";
	while ((c = getopt_long(argc, argv, "ht:s:v", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (nr_words == 64) {
				usage(stderr);
				return 2;
			}
			words[nr_words++] = optarg;
			break;
		case 's':
			spm_arg = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'R':
			nr_reps = strtol(optarg, &end, 10);
			if (*end || nr_reps <= 0 || nr_reps > 15) {
				usage(stderr);
				return 2;
			}
			break;
		case 'N':
			with_policies = false;
			break;
		case 'L':
			list_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (suite_init(spm_arg))
		return 2;
	return bench_main(nr_words, words, nr_reps, with_policies);
}
