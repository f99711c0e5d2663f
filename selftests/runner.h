/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spm_selftest: a small test framework for the SPM isolation tests, and the
 * helpers they share.
 *
 * A test is declared with
 *
 *	static int my_run(void) { ...; return PASS; }
 *	TEST(my_test, "what it checks", setup, my_run, cleanup);
 *
 * setup and cleanup may be NULL.  Each test runs in a child process of its
 * own (memory policies and mappings do not leak into the next test), with
 * a time limit.  setup and run return PASS, or FAIL/SKIP through the
 * fail()/skip() helpers, which record the reason printed after the name.
 * cleanup runs whenever setup ran.
 */
#ifndef SPM_RUNNER_H
#define SPM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PASS	0
#define FAIL	1
#define SKIP	2

struct spm_test {
	const char *name;
	const char *desc;
	int (*setup)(void);
	int (*run)(void);
	void (*cleanup)(void);
	const char *file;
	int line;
};

#define TEST(_name, _desc, _setup, _run, _cleanup)			\
	static const struct spm_test __spm_test_##_name = {		\
		.name = #_name, .desc = _desc, .setup = _setup,		\
		.run = _run, .cleanup = _cleanup,			\
		.file = __FILE__, .line = __LINE__,			\
	};								\
	static const struct spm_test *__spm_test_ptr_##_name		\
	__attribute__((used, section("spm_tests"))) = &__spm_test_##_name

/* Record why the test fails or is skipped; the first reason wins. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A diagnostic line, "# name: ...", printed with -v. */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...) do {						\
	if (!(cond))							\
		return fail(__VA_ARGS__);				\
} while (0)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __noreturn	__attribute__((noreturn))

#define MAX_NODES	64
#define KiB		1024UL
#define MiB		(1024UL * KiB)

typedef uint64_t nodemask64;

#define NODE_BIT(n)	((nodemask64)1 << (n))

/* What the suite expects, from spm_nodes= (or -s) and has_memory. */
extern nodemask64 spm_nodes;		/* must be isolated */
extern nodemask64 sysram_nodes;		/* memory nodes that are not SPM */
extern int nr_node_ids;			/* highest possible node + 1 */
extern bool verbose;
extern const char *self_exe;		/* this binary, for helper modes */

/* Suite-wide state shared by the per-test processes. */
struct suite_state {
	/* SPM node counters when the suite started */
	long start_admit[MAX_NODES];
	long start_deny[MAX_NODES];
	long start_fallback[MAX_NODES];
	/* pages the test module got on each node with __GFP_SPM_NODE */
	long module_spm_pages[MAX_NODES];
};
extern struct suite_state *suite;

/* Node lists: "2-3,5" <-> mask.  Return 0 or -EINVAL. */
int nodelist_parse(const char *s, nodemask64 *mask);
char *nodelist_format(nodemask64 mask, char *buf, size_t len);
int nodemask_first(nodemask64 mask);

/* Files.  Return bytes read / 0, or -errno. */
int read_file(const char *path, char *buf, size_t len);
int write_file(const char *path, const char *s);
int read_long(const char *path, long *val);

/* Counters; -1 when the field is missing. */
long node_vmstat(int nid, const char *key);
long proc_vmstat(const char *key);
long node_meminfo_kb(int nid, const char *key);

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

/* mmap anonymous memory and write every page. NULL on failure. */
void *map_touch(size_t len);
void touch(void *addr, size_t len);

/* Run a command line through /bin/sh, capture stdout; exit status or -1. */
int run_cmd(const char *cmd, char *out, size_t outlen);

/* The test module's debugfs interface. */
#define SPM_TEST_ALLOC	"/sys/kernel/debug/spm_test/alloc"
struct mod_result {
	long ok;
	long fail;
	long node[MAX_NODES];
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
/* A module command that must succeed; res gets the result. */
int mod(const char *cmd, struct mod_result *res);
/* A module command that puts no page on SPM nodes and gets >= min_ok. */
int mod_sysram(const char *cmd, long min_ok);
/* A module command whose count pages must all be on node nid. */
int mod_on(const char *cmd, int nid, long count);

/*
 * Run the test called name as the runner would, in a process of its own
 * with the suite's time limit; a failure or a skip fails the caller, with
 * the test's reason.  Returns PASS or FAIL.
 */
int run_subtest(const char *name);

/* spm_ops: spm-loader, the policies in the guest, /sys/kernel/mm/spm. */
#define SPM_SYSFS	"/sys/kernel/mm/spm"
#define LOADER		"/bin/spm-loader"
#define POLICY_DIR	"/lib/spm/policies"
#define HARD_POLICY	POLICY_DIR "/hard_guardrail.bpf.o"
/* hard_guardrail's map of verdicts, pinned by spm-loader attach --pin */
#define VERDICTS_PIN	"/sys/fs/bpf/spm_ops/maps/verdicts"
/* All admissions and denials in VERDICTS_PIN. 0, or -1 (see fail()). */
int hard_verdict_totals(unsigned long long *admit, unsigned long long *deny);

/* spm_selftest --demo: print where a few allocations land. */
int demo_main(void);

/* "64M", "2G", "4096" -> bytes; 0 on a malformed size. */
size_t parse_size(const char *s);

#endif /* SPM_RUNNER_H */
