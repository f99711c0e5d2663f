/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helpers the SPM tests share, in spm_selftest, spm_demo and
 * spm_bench: where pages are (move_pages() queries), the test module,
 * memory policies, counters, cgroups, spm-loader and the policies' BPF
 * maps (libbpf), enum values from BTF.  Node lists, sizes, sysfs reads and
 * sleeps come from the loader's libspm_util (spm_util.h).
 *
 * testlib.c: nodes, files, counters, placement, the module, mempolicy
 * testlib_spm.c: /sys/kernel/mm/spm, spm-loader, BPF maps, BTF
 * testlib_cgroup.c: cgroups, slab files
 */
#ifndef SPM_TESTLIB_H
#define SPM_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "spm_util.h"


#define MAX_NODES	64
#define KiB		1024UL
#define MiB		(1024UL * KiB)
/* The guest is x86-64: 4 KiB base pages. */
#define PAGE_SZ		4096UL
#define __noreturn	__attribute__((noreturn))

typedef uint64_t nodemask64;

#define NODE_BIT(n)	((nodemask64)1 << (n))

/* What the suite expects, from spm_nodes= (or -s) and has_memory. */
extern nodemask64 spm_nodes;		/* must be isolated */
extern nodemask64 sysram_nodes;		/* memory nodes that are not SPM */
extern int nr_node_ids;			/* highest possible node + 1 */
extern const char *self_exe;		/* this binary, for helper modes */
extern bool kasan_kernel;		/* the kernel runs generic KASAN */

/*
 * Find the nodes: spm_nodes from spm_arg (NULL: spm_nodes= on the kernel
 * command line), sysram_nodes from has_memory.  0, or 2 after printing
 * why spm_arg is not a node list.
 */
int suite_init(const char *spm_arg);
/* The policy call budget the suites run with (budget_us). */
#define SUITE_BUDGET_US	"100000"

/* Node lists "2-3,5" <-> a mask of nodes 0-63, through spm_util. */
static inline int nodelist_parse(const char *s, nodemask64 *mask)
{
	return spm_parse_nodelist(s, mask, MAX_NODES, NULL, 0);
}

static inline char *nodelist_format(nodemask64 mask, char *buf, size_t len)
{
	return spm_format_nodes(&mask, MAX_NODES, buf, len);
}

static inline int nodemask_first(nodemask64 mask)
{
	return mask ? __builtin_ctzll(mask) : -1;
}

/* The first SPM node, the first system RAM node; -1 if none. */
#define first_spm()	nodemask_first(spm_nodes)
#define first_sysram()	nodemask_first(sysram_nodes)

/*
 * Files: spm_util's spm_read_str()/spm_read_u64() read (without the
 * trailing newline); write_file() writes s.  0 or -errno.
 */
int write_file(const char *path, const char *s);
/* A number in a file; -1 if it cannot be read. */
long read_num(const char *path);

/* Counters; -1 when the field is missing. */
long node_vmstat(int nid, const char *key);
long proc_vmstat(const char *key);
long node_meminfo_kb(int nid, const char *key);
/* A "Key: N kB" line of @path (/proc/meminfo, /proc/PID/status), or -1. */
long file_kb(const char *path, const char *key);
long meminfo_kb(const char *key);
/*
 * Sum of a field of /proc/zoneinfo over the zones of nodes, in kB: a
 * watermark ("min", "low", "high", or "boost": what the kernel adds to
 * them for a while after a fragmenting fallback), "present", "managed".
 * -1 if unreadable.
 */
long zoneinfo_kb(nodemask64 nodes, const char *which);

/* Raw memory policy and migration system calls; -1 and errno on error. */
long sys_mbind(void *addr, unsigned long len, int mode, nodemask64 mask,
	       unsigned int flags);
long sys_set_mempolicy(int mode, nodemask64 mask);
long sys_migrate_pages(int pid, nodemask64 from, nodemask64 to);
long sys_move_pages(int pid, unsigned long count, void **pages,
		    const int *nodes, int *status, int flags);

#ifndef MPOL_DEFAULT
#define MPOL_DEFAULT			0
#define MPOL_PREFERRED			1
#define MPOL_BIND			2
#define MPOL_INTERLEAVE			3
#define MPOL_LOCAL			4
#define MPOL_PREFERRED_MANY		5
#define MPOL_WEIGHTED_INTERLEAVE	6
#define MPOL_MF_STRICT			(1 << 0)
#define MPOL_MF_MOVE			(1 << 1)
#define MPOL_MF_MOVE_ALL		(1 << 2)
#endif

/*
 * Where pages really are.  hist[nid] counts the pages of [addr, addr+len)
 * on each node, hist[MAX_NODES] the ones move_pages() reports no node for
 * (not present, or an error).  pid 0 is the calling process.  Returns the
 * number of pages, or -errno.
 */
#define HIST_LEN	(MAX_NODES + 1)
long pages_nodes(int pid, void *addr, size_t len, long *hist);
/* Pages of hist on the nodes of mask; all pages in hist, with a node. */
long hist_on(const long *hist, nodemask64 mask);
long hist_placed(const long *hist);
char *hist_format(const long *hist, char *buf, size_t len);

/* nr_hugepages of 2 MiB pages on node nid; -1 if unreadable. */
#define NODE_HUGEPAGES	SPM_NODE_DIR "/node%d/hugepages/hugepages-2048kB/nr_hugepages"
long node_hugepages(int nid);
/* Write n to node nid's nr_hugepages of 2 MiB pages. 0 or -errno. */
int set_node_hugepages(int nid, long n);

/*
 * A fresh ext2 on the guest's RAM disk (brd), mounted at mnt: PASS, SKIP
 * without the RAM disk, or FAIL.
 */
#define RAMDISK_DEV	"/dev/ram0"
int mount_ramdisk_ext2(const char *mnt);

/*
 * Transparent huge pages: thp_map() maps len bytes of anonymous memory,
 * aligned to THP_SZ and untouched, that faults in huge pages, with
 * madvise(MADV_HUGEPAGE) or, on a kernel without madvise(), with THP
 * enabled=always until thp_restore().  PASS, SKIP without THP, or FAIL.
 */
#define THP_SZ		(2 * MiB)
int thp_map(size_t len, char **addr);
void thp_restore(void);
/* AnonHugePages of the mapping that contains addr, in kB; -1 if not found. */
long anon_huge_kb(void *addr);

/* mmap anonymous memory and write every page. NULL on failure. */
void *map_touch(size_t len);
void touch(void *addr, size_t len);
/*
 * Another process's memory, for the tests that move or watch it: a child
 * holding len bytes at addr, every page touched under the memory policy
 * mode over mask of its mapping (MPOL_DEFAULT: none), until
 * release_holder().  start_holder() returns PASS, or FAIL through fail().
 */
struct holder {
	int pid;
	void *addr;		/* in the child */
	int release;		/* closing it lets the child exit */
};
int start_holder(size_t len, int mode, nodemask64 mask, struct holder *h);
void release_holder(struct holder *h);

/* Run a command line through /bin/sh, capture stdout; exit status or -1. */
int run_cmd(const char *cmd, char *out, size_t outlen);
/* uid and gid 65534, no supplementary groups, no capability: 0 or -errno. */
#define NOBODY		65534
int become_nobody(void);
/* run_cmd() as nobody (uid and gid 65534), without any capability. */
int run_cmd_nobody(const char *cmd, char *out, size_t outlen);
/* spm_selftest --touch SIZE: map, touch, print "n0=.. n1=.. none=..". */
int touch_main(const char *size);

/* The test module's debugfs interface. */
#define SPM_TEST_ALLOC	"/sys/kernel/debug/spm_test/alloc"
/* Pages of one module request, where the count is not the point. */
#define MOD_COUNT	512
struct mod_result {
	long ok;
	long fail;
	long node[MAX_NODES];
	long long ns;		/* mode=loop: the loop's time */
	long batch;		/* mode=bulk: pages of the first call */
	/* irq_alongside=1: the pages the hard-IRQ timer asked for */
	long irq_ok;
	long irq_fail;
	long irq_node[MAX_NODES];
};
/* Write cmd, read the result. 0 or -errno (of the write). */
int module_alloc(const char *cmd, struct mod_result *res);
bool module_loaded(void);
char *mod_result_format(const struct mod_result *r, char *buf, size_t len);

/*
 * Checks shared by the suites.  NL(), HIST() and RES() format into static
 * buffers: use each at most once (NL: once per index) in one call.
 */
extern char nl_buf[2][128];
extern char hist_buf[512];
extern char res_buf[512];
#define NL(mask, i)	nodelist_format(mask, nl_buf[i], sizeof(nl_buf[i]))
#define HIST(h)		hist_format(h, hist_buf, sizeof(hist_buf))
#define RES(r)		mod_result_format(r, res_buf, sizeof(res_buf))

/* Setups: SPM and system RAM nodes expected (skip otherwise), the module. */
int need_spm(void);
int need_module(void);
/* tracefs at TRACEFS, mounted if it is not: PASS, or skip without it. */
#define TRACEFS		"/sys/kernel/tracing"
int need_tracefs(void);
/* Empty the trace buffer (tracefs clears it on an open with O_TRUNC). */
int clear_trace(void);
/* Skip unless nodes has n nodes at least: "needs 2 SPM nodes, has 2". */
int need_nodes(nodemask64 nodes, int n, const char *what);
/*
 * The pages of [addr, addr + len) of process pid: all present, none on an
 * SPM node.  what names them in the failure reason.
 */
int check_sysram(int pid, void *addr, size_t len, const char *what);
/* Interleaving over the system RAM nodes: every one holds a fair share. */
int check_spread(const long *hist, long n, const char *what);
/* mmap anonymous memory without touching it. NULL on failure. */
void *map_anon(size_t len);
/* "n0=.. n1=.. none=.." (spm_selftest --touch) -> hist. 0 or -EINVAL. */
int parse_hist(const char *s, long *hist);
/*
 * spm_selftest --touch SIZE run by numactl --interleave=all: its pages
 * per node in hist.  PASS, SKIP without numactl, or FAIL.
 */
int interleave_all_touch(const char *size, long *hist);
/* A module command that must succeed; res gets the result. */
int mod(const char *cmd, struct mod_result *res);
/* A module command that puts no page on SPM nodes and gets >= min_ok. */
int mod_sysram(const char *cmd, long min_ok);
/* A module command whose count pages must all be on node nid. */
int mod_on(const char *cmd, int nid, long count);

/* spm_ops: spm-loader, the policies in the guest, /sys/kernel/mm/spm. */
#define SPM_SYSFS	SPM_SYSFS_DIR
/* The SPM nodes; writable since run-time declaration (any possible node). */
#define SPM_NODES_FILE	SPM_SYSFS "/nodes"
#define LOADER		"/bin/spm-loader"
#define POLICY_DIR	"/lib/spm/policies"
#define HARD_POLICY	POLICY_DIR "/hard_guardrail.bpf.o"
#define SOFT_POLICY	POLICY_DIR "/soft_guardrail.bpf.o"
#define CGROUP_POLICY	POLICY_DIR "/cgroup_spm.bpf.o"
/* The test policies of selftests/bpf. */
#define TEST_BPF_DIR	"/lib/spm/selftests"
#define PIN_PATH	"/sys/fs/bpf/spm_ops/link"
#define PIN_MAPS	"/sys/fs/bpf/spm_ops/maps"
/*
 * Enum values from BTF, never hard-coded: btf NULL is the running
 * kernel's (/sys/kernel/btf/vmlinux), else a BPF object's.  The value of
 * enumerator name of enum type, or -1 with the reason recorded by fail().
 * spm_reason("HUGETLB") is SPM_REASON_HUGETLB of enum spm_reason.
 */
long btf_enum_value(const char *btf, const char *type, const char *name);
long spm_reason(const char *name);

/*
 * The map of verdicts of hard_guardrail and soft_guardrail, pinned by
 * spm-loader attach --pin: admit and deny counts per reason (index: enum
 * spm_reason; NR_SPM_REASONS read from BTF), all CPUs.
 */
#define VERDICTS_PIN	PIN_MAPS "/verdicts"
#define MAX_REASONS	32
struct verdicts {
	int nr;
	unsigned long long admit[MAX_REASONS];
	unsigned long long deny[MAX_REASONS];
};
int read_verdicts(struct verdicts *v);
unsigned long long verdict_sum(const struct verdicts *v, bool admit);
/* "reason:+admit/+deny ..." for the reasons that moved from a to b. */
char *verdicts_delta(const struct verdicts *a, const struct verdicts *b);
/* All admissions and denials in VERDICTS_PIN. 0, or -1 (see fail()). */
int hard_verdict_totals(unsigned long long *admit, unsigned long long *deny);

/*
 * How long the kernel and the loader get to attach or detach: KASAN and
 * lockdep make a BPF load several times slower.
 */
#define WAIT_MS		(kasan_kernel ? 60000 : 10000)

/* Did the kernel log say @what since boot?  The guests keep 16 MiB of log. */
bool kernel_log_has(const char *what);

/* Read SPM_SYSFS/attr without the trailing newline. 0 or -errno. */
int spm_attr(const char *attr, char *buf, size_t len);
/*
 * last_exit into @buf, *@body past its "SEQ " field, which must be the
 * current enable_seq (the attach that ended last); PASS or FAIL.
 */
int last_exit_body(char *buf, size_t len, const char **body);
long spm_attr_long(const char *attr);
bool wait_state(const char *want, int ms);
/* The attached policy is @name, enabled. */
int check_attached(const char *name);
/* No policy attached, the built-in rule in force. */
int check_detached(void);

/* A foreground spm-loader; its output goes to a file. */
struct loader {
	int pid;
	int status;		/* wait status once it exited */
	bool exited;
	char log[64];
};
extern struct loader fg;

/* Run "spm-loader ARGS" to completion, stdout and stderr in out. */
int loader_cmd(const char *args, char *out, size_t len);
int count_lines(const char *s);
/* Did the loader exit?  Waits up to ms. */
bool loader_wait(struct loader *l, int ms);
void loader_output(const struct loader *l, char *buf, size_t len);
/* Start "spm-loader attach OBJ ARGS" in the foreground (fg), output in fg.log. */
int loader_spawn(const char *obj, const char *args);
/*
 * loader_spawn() and wait until it says the policy NAME is attached (in
 * text, or as JSON with -j in ARGS) and the kernel agrees.
 */
int loader_start(const char *obj, const char *args, const char *name);
/* Signal the foreground loader and wait for it to exit. */
int loader_stop(int sig);
/* The foreground loader detaches on SIGTERM and says so. */
int stop_detached(const char *name);
/* Attach with --pin: the loader must say so and exit 0. */
int attach_pinned(const char *obj, const char *args, const char *name);
/* spm-loader detach, which must detach NAME and remove the pins. */
int detach(const char *name);
/* Leave no policy attached, whatever state a test left. */
void reset_spm(void);
/* Setup: the module, spm_ops, spm-loader and the policies; none attached. */
int need_spm_ops(void);
/* Cleanup: reset_spm(). */
void cleanup_policy(void);
/* Exactly one line of output, containing each of the NULL-ended words. */
int check_one_line(const char *what, const char *out,
		   const char * const *words);

/* BPF maps, through libbpf. */
struct bpf_map_info;
/* An fd of the BPF map pinned at path, its info in info; or -errno. */
int pinned_map(const char *path, struct bpf_map_info *info);
/*
 * Entry key of the per-CPU array of u64 pinned at path, summed over the
 * CPUs.  0 or -errno.
 */
int percpu_u64(const char *path, unsigned int key, unsigned long long *sum);

/*
 * Every page of [addr, addr + len) of process pid present and on the nodes
 * of mask; hist (HIST_LEN, may be NULL) gets where they are.
 */
int check_on(int pid, void *addr, size_t len, nodemask64 mask,
	     const char *what, long *hist);

/* Memory policies: the name of an MPOL_ mode. */
const char *mpol_name(int mode);
/*
 * Apply mode/mask with mbind() (vma) or set_mempolicy() to len bytes of
 * fresh anonymous memory and touch them (set_mempolicy() is undone after).
 * The mapping, or NULL with errno from the failed call.
 */
void *map_policy(size_t len, int mode, nodemask64 mask, bool vma);
/* The call must succeed and every page land on the nodes of on. */
int policy_on(int mode, nodemask64 mask, bool vma, nodemask64 on,
	      size_t len, long *hist);
/* The call must fail with EINVAL. */
int policy_refused(int mode, nodemask64 mask, bool vma);

/* cgroup v2, mounted at CGROUP_ROOT by the guest's init. */
#define CGROUP_ROOT	"/sys/fs/cgroup"
/*
 * Create CGROUP_ROOT/rel (and its parents), the memory and cpuset
 * controllers enabled for the root's children.  PASS or FAIL.
 */
int make_cgroup(const char *rel);
/* Kill what runs in CGROUP_ROOT/rel and below, and remove them all. */
void remove_cgroup(const char *rel);
/*
 * Turn the memory controller off again for the root's children if
 * make_cgroup() turned it on: the tests that follow get the guest as it
 * was.  Call once the cgroups are removed.
 */
void restore_cgroup_controllers(void);
/* The cgroup id of CGROUP_ROOT/rel (its inode number), 0 on error. */
unsigned long long cgroup_id(const char *rel);
/*
 * Run fn(arg) in a child process that first moves itself into
 * CGROUP_ROOT/rel (rel NULL: stays where it is).  Returns what fn returned,
 * its fail()/skip() reason recorded as the caller's, prefixed with rel; a
 * child killed by a signal fails.
 */
int in_cgroup(const char *rel, int (*fn)(void *arg), void *arg);

/*
 * Grow slab: n empty files in a new directory dir, an inode and a dentry
 * (about 1 kB of slab) each.  0 or -errno; remove_files() undoes it.
 */
#define SLAB_FILES	20000
int create_files(const char *dir, int n);
void remove_files(const char *dir, int n);

/* "64M", "2G", "4096" -> bytes (spm_parse_size()); 0 on a malformed size. */
static inline size_t parse_size(const char *s)
{
	uint64_t v;

	return spm_parse_size(s, &v, NULL, 0) ? 0 : v;
}

#endif /* SPM_TESTLIB_H */
