// SPDX-License-Identifier: GPL-2.0
/*
 * spm_demo: make a few kinds of allocation and print on which node their
 * pages landed, then the SPM counters.  What `make demo` shows.
 *
 *	spm_demo [-s NODELIST]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"

#define COL	"%8s"

static void print_header(const char *first)
{
	char name[16];
	int nid;

	printf("%-52s", first);
	for (nid = 0; nid < nr_node_ids; nid++) {
		snprintf(name, sizeof(name), "node%d%s", nid,
			 spm_nodes & NODE_BIT(nid) ? "*" : "");
		printf(COL, name);
	}
	printf("\n");
}

static void print_row(const char *what, const long *pages)
{
	int nid;

	printf("%-52s", what);
	for (nid = 0; nid < nr_node_ids; nid++)
		printf("%8ld", pages[nid]);
	printf("\n");
}

static void print_error(const char *what, int err)
{
	printf("%-52s  refused: %s\n", what, strerror(err));
}

/* Touch @len bytes at @p and print the row of the nodes they landed on. */
static void placed_row(const char *what, void *p, size_t len)
{
	long hist[HIST_LEN];

	touch(p, len);
	if (pages_nodes(0, p, len, hist) < 0)
		print_error(what, errno);
	else
		print_row(what, hist);
}

/* @len anonymous bytes under the calling thread's policy. */
static void anon_row(const char *what, size_t len)
{
	void *p = map_anon(len);

	if (!p) {
		print_error(what, errno);
		return;
	}
	placed_row(what, p, len);
	munmap(p, len);
}

static void mbind_row(const char *what, int mode, nodemask64 nodes,
		      size_t len)
{
	void *p = map_anon(len);

	if (!p) {
		print_error(what, errno);
		return;
	}
	if (sys_mbind(p, len, mode, nodes, 0) < 0)
		print_error(what, errno);
	else
		placed_row(what, p, len);
	munmap(p, len);
}

static void tmpfs_row(const char *what, size_t len)
{
	const char *path = "/tmp/spm-demo";
	void *p = MAP_FAILED;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0 && ftruncate(fd, len) == 0)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		print_error(what, errno);
	} else {
		placed_row(what, p, len);
		munmap(p, len);
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
}

static void module_row(const char *what, const char *cmd)
{
	struct mod_result res;
	char line[160];
	int err;

	err = module_alloc(cmd, &res);
	if (err && !res.ok) {
		print_error(what, -err);
		return;
	}
	snprintf(line, sizeof(line), "%s (%ld failed)", what, res.fail);
	print_row(res.fail ? line : what, res.node);
}

static void counter_row(const char *key)
{
	long val[MAX_NODES];
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++)
		val[nid] = node_vmstat(nid, key);
	print_row(key, val);
}

/* The placement table and the counters, under whatever policy is attached. */
static void demo_tables(const char *title)
{
	nodemask64 all = spm_nodes | sysram_nodes;
	int spm = nodemask_first(spm_nodes);
	int sys = nodemask_first(sysram_nodes);
	char what[96], cmd[96];

	printf("\n== %s\n\nWhere pages landed (pages per node; * = SPM node)\n\n",
	       title);
	print_header("allocation");
	anon_row("anonymous memory, default policy, 32 MiB", 32 * MiB);
	tmpfs_row("tmpfs page cache, 16 MiB", 16 * MiB);
	mbind_row("mbind(MPOL_INTERLEAVE, all nodes), 16 MiB",
		  MPOL_INTERLEAVE, all, 16 * MiB);
	snprintf(what, sizeof(what), "mbind(MPOL_BIND, {%d,%d}), 8 MiB", sys, spm);
	mbind_row(what, MPOL_BIND, NODE_BIT(sys) | NODE_BIT(spm), 8 * MiB);
	snprintf(what, sizeof(what), "mbind(MPOL_BIND, {%d}), 8 MiB", spm);
	mbind_row(what, MPOL_BIND, NODE_BIT(spm), 8 * MiB);

	if (module_loaded()) {
		snprintf(what, sizeof(what),
			 "kernel GFP_KERNEL, nid=%d, 512 pages", spm);
		snprintf(cmd, sizeof(cmd), "mode=page count=512 nid=%d", spm);
		module_row(what, cmd);
		snprintf(what, sizeof(what),
			 "kernel GFP_ATOMIC in hard IRQ, nid=%d, 256", spm);
		snprintf(cmd, sizeof(cmd),
			 "mode=irq gfp=atomic count=256 nid=%d", spm);
		module_row(what, cmd);
		snprintf(what, sizeof(what),
			 "kernel __GFP_SPM_NODE, mask={%d}, 512 pages", spm);
		snprintf(cmd, sizeof(cmd),
			 "mode=page spm=1 count=512 nid=%d mask=%d", spm, spm);
		module_row(what, cmd);
	} else {
		printf("(spm_test.ko not loaded: no kernel allocations shown)\n");
	}

	printf("\nSPM counters (/sys/devices/system/node/nodeN/vmstat)\n\n");
	print_header("counter");
	counter_row("spm_admit");
	counter_row("spm_deny");
	counter_row("spm_fallback");
}

/* Run spm-loader ARGS, show the command and what it printed. */
static int demo_loader(const char *args)
{
	char cmd[256], out[2048];
	int r;

	snprintf(cmd, sizeof(cmd), LOADER " %s 2>&1", args);
	r = run_cmd(cmd, out, sizeof(out));
	printf("\n$ spm-loader %s\n%s", args, out);
	if (r)
		printf("(exit status %d)\n", r);
	return r;
}

static void demo_state(void)
{
	char state[32] = "", ops[80] = "";
	long seq = spm_attr_long("enable_seq");

	spm_attr("state", state, sizeof(state));
	spm_attr("ops", ops, sizeof(ops));
	printf("%s: state %s, ops '%s', enable_seq %ld\n", SPM_SYSFS, state,
	       ops, seq);
}

int main(int argc, char **argv)
{
	unsigned long long admit, deny;

	test_name = "spm_demo";
	if (argc == 3 && !strcmp(argv[1], "-s")) {
		if (suite_init(argv[2]))
			return 2;
	} else if (argc != 1) {
		fprintf(stderr, "usage: spm_demo [-s NODELIST]\n");
		return 2;
	} else if (suite_init(NULL)) {
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (nodemask_first(spm_nodes) < 0 || nodemask_first(sysram_nodes) < 0) {
		fprintf(stderr, "spm_demo: needs SPM and system RAM nodes\n");
		return 1;
	}

	demo_tables("No policy attached: the kernel's built-in rule");
	if (access(SPM_SYSFS "/state", R_OK) || access(LOADER, X_OK)) {
		printf("\n(no %s or no %s: no BPF policy shown)\n\n", SPM_SYSFS,
		       LOADER);
		return 0;
	}

	if (demo_loader("attach " HARD_POLICY " --pin"))
		return 1;
	demo_state();
	demo_tables("hard_guardrail (BPF) attached with spm-loader");
	if (!hard_verdict_totals(&admit, &deny))
		printf("\nhard_guardrail's verdicts map: %llu admitted, %llu denied\n",
		       admit, deny);
	if (demo_loader("detach"))
		return 1;
	demo_state();
	demo_tables("After spm-loader detach: the built-in rule again");
	printf("\n");
	return 0;
}
