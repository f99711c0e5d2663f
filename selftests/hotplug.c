// SPDX-License-Identifier: GPL-2.0
/*
 * Hot-added SPM memory, driven by the operator's tools: the hot-add guest
 * (spm_selftest --guest hotplug) has a 512 MiB NVDIMM on a node with
 * neither CPUs nor memory at boot, named in spm_nodes=.  ndctl turns its
 * namespace into a device-dax instance, daxctl hands that to the kmem
 * driver (system-ram mode) and onlines it, or the kernel onlines it at
 * once (auto_online_blocks), and gives it back (devdax mode), which
 * removes the node's memory and its nodeN/ directory.
 *
 * Each test starts from the device in devdax mode and leaves it there.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "harness.h"
#include "testlib.h"

#define DAX_DEV		"dax0.0"
#define NAMESPACE	"namespace0.0"
#define AUTO_ONLINE	"/sys/devices/system/memory/auto_online_blocks"
#define NODE_ONLINE_POLICY TEST_BPF_DIR "/test_node_online.bpf.o"
#define ONLINE_CALLS	PIN_MAPS "/online_calls"
#define USER_LEN	(32 * MiB)

static int dax_node;		/* the NVDIMM's node */
static char boot_spm[48];	/* spm_nodes= without the NVDIMM's node */

/* Run cmd with its stderr; its output in out, an info line with both. */
static int sh(const char *cmd, char *out, size_t len)
{
	char line[600];
	int r;

	snprintf(line, sizeof(line), "%s 2>&1", cmd);
	r = run_cmd(line, out, len);
	info("%s: exit %d: %.300s", cmd, r, out);
	return r;
}

static int sh_ok(const char *cmd)
{
	char out[2048];
	int r = sh(cmd, out, sizeof(out));

	CHECK(r == 0, "'%s' failed (%d): %.400s", cmd, r, out);
	return PASS;
}

static bool node_in(const char *file, int nid)
{
	char path[128], buf[256];
	nodemask64 mask;

	snprintf(path, sizeof(path), SPM_NODE_DIR "/%s", file);
	return !spm_read_str(path, buf, sizeof(buf)) &&
	       !nodelist_parse(buf, &mask) && (mask & NODE_BIT(nid));
}

static bool node_dir_exists(int nid)
{
	char path[128];

	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d", nid);
	return !access(path, F_OK);
}

/* The device back in devdax mode: the node's memory removed. */
static int dax_give_back(void)
{
	char out[2048];

	if (sh("daxctl list -d " DAX_DEV, out, sizeof(out)) == 0 &&
	    !strstr(out, "system-ram"))
		return PASS;
	CHECK(sh("daxctl reconfigure-device --mode=devdax --force " DAX_DEV,
		 out, sizeof(out)) == 0,
	      "daxctl reconfigure-device --mode=devdax: %.400s", out);
	CHECK(!node_in("has_memory", dax_node),
	      "node %d still has memory after daxctl gave it back", dax_node);
	return PASS;
}

/*
 * The guest, the tools and a namespace in devdax mode (ndctl reconfigures
 * the label-less namespace QEMU's NVDIMM has, once).
 */
static int need_hotplug(void)
{
	char out[4096];
	int r;

	r = need_spm_ops();
	if (r != PASS)
		return r;
	dax_node = nr_node_ids - 1;
	CHECK(spm_nodes & NODE_BIT(dax_node),
	      "node %d (the NVDIMM's) is not in spm_nodes=: not the hot-add guest",
	      dax_node);
	snprintf(boot_spm, sizeof(boot_spm), "%s",
		 NL(spm_nodes & ~NODE_BIT(dax_node), 0));
	r = sh("daxctl list -d " DAX_DEV, out, sizeof(out));
	if (r != 0 || !strstr(out, DAX_DEV)) {
		r = sh("ndctl create-namespace --force --reconfig=" NAMESPACE
		       " --mode=devdax", out, sizeof(out));
		CHECK(r == 0, "ndctl create-namespace --mode=devdax: %.400s",
		      out);
	}
	r = dax_give_back();
	if (r != PASS)
		return r;
	CHECK(!write_file(AUTO_ONLINE, "offline"), "cannot write %s",
	      AUTO_ONLINE);
	return PASS;
}

/*
 * The kmem driver takes the device as it would at boot or from a udev
 * rule, with auto_online_blocks "online": the kernel onlines the memory
 * as it adds it, in the zone the kernel picks.  (daxctl refuses to
 * reconfigure a device while the kernel auto-onlines.)
 */
static int kmem_takes_device(void)
{
	int r;

	CHECK(!write_file(AUTO_ONLINE, "online"), "cannot write %s", AUTO_ONLINE);
	r = write_file("/sys/bus/dax/drivers/device_dax/unbind", DAX_DEV);
	CHECK(!r, "unbinding %s from device_dax: %s", DAX_DEV, strerror(-r));
	r = write_file("/sys/bus/dax/drivers/kmem/new_id", DAX_DEV);
	write_file("/sys/bus/dax/drivers/kmem/remove_id", DAX_DEV);
	write_file(AUTO_ONLINE, "offline");
	CHECK(!r, "binding %s to kmem: %s", DAX_DEV, strerror(-r));
	return PASS;
}

/*
 * daxctl reconfigure-device --no-online: the memory is added, offline, and
 * the node's directory appears, its spm file writable; then daxctl
 * online-memory.
 */
static int daxctl_add_then_online(void)
{
	char path[128];
	int r;

	r = sh_ok("daxctl reconfigure-device --mode=system-ram --no-online " DAX_DEV);
	if (r != PASS)
		return r;
	CHECK(!node_in("has_memory", dax_node),
	      "node %d has memory online after daxctl --no-online", dax_node);
	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d/spm", dax_node);
	r = write_file(path, "1");
	CHECK(!r, "echo 1 > %s with the memory offline: %s", path, strerror(-r));
	return sh_ok("daxctl online-memory " DAX_DEV);
}

/*
 * daxctl --no-online, then each memory block onlined with online_kernel:
 * the only way to a kernel zone on an SPM node (daxctl --no-movable
 * writes "online", which leaves the zone to the kernel: movable there).
 */
static int daxctl_add_kernel_zone(void)
{
	char pattern[128], path[256];
	glob_t blocks;
	size_t i;
	int r;

	r = sh_ok("daxctl reconfigure-device --mode=system-ram --no-online " DAX_DEV);
	if (r != PASS)
		return r;
	snprintf(pattern, sizeof(pattern), SPM_NODE_DIR "/node%d/memory*",
		 dax_node);
	CHECK(!glob(pattern, 0, NULL, &blocks), "no %s", pattern);
	for (i = 0; i < blocks.gl_pathc && r == PASS; i++) {
		int err;

		snprintf(path, sizeof(path), "%s/state", blocks.gl_pathv[i]);
		err = write_file(path, "online_kernel");
		if (err)
			r = fail("echo online_kernel > %s: %s", path,
				 strerror(-err));
	}
	info("%zu memory blocks onlined with online_kernel", blocks.gl_pathc);
	globfree(&blocks);
	return r;
}

/*
 * Hand the device to the kmem driver: daxctl onlines it (movable, its
 * default), or adds it offline and onlines it in a second step, or with
 * online_kernel, or the kernel onlines it as it adds it
 * (auto_online_blocks).
 */
enum dax_online { DAXCTL_MOVABLE, DAXCTL_KERNEL, DAXCTL_NO_ONLINE, KERNEL_AUTO };

static int dax_add(enum dax_online how)
{
	const char *cmd = "the kmem driver with auto_online_blocks=online";

	switch (how) {
	case DAXCTL_MOVABLE:
		cmd = "daxctl reconfigure-device --mode=system-ram " DAX_DEV;
		break;
	case DAXCTL_KERNEL:
		if (daxctl_add_kernel_zone() != PASS)
			return FAIL;
		cmd = "online_kernel";
		break;
	case DAXCTL_NO_ONLINE:
		if (daxctl_add_then_online() != PASS)
			return FAIL;
		cmd = "daxctl online-memory " DAX_DEV;
		break;
	case KERNEL_AUTO:
		if (kmem_takes_device() != PASS)
			return FAIL;
		break;
	}
	if (how == DAXCTL_MOVABLE && sh_ok(cmd) != PASS)
		return FAIL;
	CHECK(node_in("has_memory", dax_node),
	      "node %d has no memory online after '%s'", dax_node, cmd);
	info("node %d: %ld kB", dax_node, node_meminfo_kb(dax_node, "MemTotal"));
	return PASS;
}

/* Managed pages of a zone of node nid in /proc/zoneinfo; -1 if absent. */
static long zone_managed(int nid, const char *zone)
{
	char buf[65536], want[64], *line, *save;
	long managed = -1, v;
	bool in = false;

	if (spm_read_str("/proc/zoneinfo", buf, sizeof(buf)))
		return -1;
	snprintf(want, sizeof(want), "Node %d, zone %8s", nid, zone);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Node ", 5)) {
			in = !strcmp(line, want);
			continue;
		}
		if (in && sscanf(line, " managed %ld", &v) == 1)
			managed = v;
	}
	return managed;
}

/* All of the node's memory in ZONE_MOVABLE (or in a kernel zone). */
static int check_zone(bool movable)
{
	long mov = zone_managed(dax_node, "Movable");
	long normal = zone_managed(dax_node, "Normal");

	info("node %d: Movable %ld pages, Normal %ld pages", dax_node, mov,
	     normal);
	if (movable)
		CHECK(mov > 0 && normal <= 0,
		      "node %d: Movable %ld pages, Normal %ld: not onlined movable",
		      dax_node, mov, normal);
	else
		CHECK(normal > 0 && mov <= 0,
		      "node %d: Normal %ld pages, Movable %ld: not in a kernel zone",
		      dax_node, normal, mov);
	return PASS;
}

/*
 * The hot-added node is isolated: anonymous memory, an interleave over all
 * nodes (the real numactl), move_pages() to it, and a task that takes most
 * of system RAM put no page there.
 */
static int check_isolated(void)
{
	long hist[HIST_LEN], n, before;
	int status[16], nodes[16], r, i;
	void *pages[16];
	struct holder h;
	char *p;

	CHECK(node_in("has_spm", dax_node), "node %d is not in has_spm",
	      dax_node);
	before = node_vmstat(dax_node, "nr_anon_pages") +
		 node_vmstat(dax_node, "nr_file_pages");

	p = map_touch(64 * MiB);
	CHECK(p, "mmap: %s", strerror(errno));
	n = pages_nodes(0, p, 64 * MiB, hist);
	CHECK(n > 0, "move_pages query failed");
	info("anonymous 64 MiB: %s", HIST(hist));
	CHECK(!hist[dax_node], "anonymous memory: %ld of %ld pages on node %d",
	      hist[dax_node], n, dax_node);

	for (i = 0; i < 16; i++) {
		pages[i] = p + i * PAGE_SZ;
		nodes[i] = dax_node;
	}
	r = sys_move_pages(0, 16, pages, nodes, status, MPOL_MF_MOVE);
	n = pages_nodes(0, p, 16 * PAGE_SZ, hist);
	info("move_pages() to node %d: %d, status[0] %d; now %s", dax_node,
	     r, status[0], HIST(hist));
	CHECK(n == 16 && !hist[dax_node],
	      "move_pages() to node %d moved %ld of 16 pages there",
	      dax_node, hist[dax_node]);
	munmap(p, 64 * MiB);

	r = interleave_all_touch("64M", hist);
	if (r != PASS)
		return r;
	CHECK(!hist[dax_node], "numactl --interleave=all: %ld pages on node %d",
	      hist[dax_node], dax_node);

	/* 1.2 GiB of the 2 GiB of system RAM, as another process. */
	r = start_holder(1200 * MiB, MPOL_DEFAULT, 0, &h);
	if (r != PASS)
		return r;
	n = pages_nodes(h.pid, h.addr, 1200 * MiB, hist);
	release_holder(&h);
	CHECK(n > 0, "move_pages query of the holder failed");
	info("1200 MiB holder: %s", HIST(hist));
	CHECK(!hist[dax_node], "under sysram pressure: %ld pages on node %d",
	      hist[dax_node], dax_node);
	n = node_vmstat(dax_node, "nr_anon_pages") +
	    node_vmstat(dax_node, "nr_file_pages");
	CHECK(n <= before, "node %d: %ld anonymous and file pages, %ld before",
	      dax_node, n, before);
	return PASS;
}

static long online_calls(int nid)
{
	struct bpf_map_info info;
	__u32 key = nid;
	__u64 v = 0;
	int fd = pinned_map(ONLINE_CALLS, &info);

	if (fd < 0)
		return -1;
	if (bpf_map_lookup_elem(fd, &key, &v))
		v = -1;
	close(fd);
	return v;
}

/* A hot-add onto the marked node calls node_online() once, for it. */
static int add_with_node_online(enum dax_online how)
{
	long calls, others = 0;
	int r, nid;

	r = attach_pinned(NODE_ONLINE_POLICY, NULL, "test_node_online");
	if (r != PASS)
		return r;
	r = dax_add(how);
	if (r != PASS)
		return r;
	calls = online_calls(dax_node);
	for (nid = 0; nid < nr_node_ids; nid++)
		if (nid != dax_node)
			others += online_calls(nid);
	info("node_online(): %ld calls for node %d, %ld for others", calls,
	     dax_node, others);
	CHECK(calls == 1 && !others,
	      "node_online() called %ld times for node %d, %ld for other nodes; expected 1 and 0",
	      calls, dax_node, others);
	return detach("test_node_online");
}

static int set_spm_nodes(const char *list)
{
	int r = write_file(SPM_NODES_FILE, list);

	CHECK(!r, "echo %s > %s: %s", list, SPM_NODES_FILE, strerror(-r));
	return PASS;
}

/* The node unmarked, through /sys/kernel/mm/spm/nodes. */
static int unmark(void)
{
	if (set_spm_nodes(boot_spm) != PASS)
		return FAIL;
	CHECK(!node_in("has_spm", dax_node), "node %d still in has_spm",
	      dax_node);
	return PASS;
}

static void hotplug_cleanup(void)
{
	char buf[96];

	dax_give_back();
	write_file(AUTO_ONLINE, "offline");
	write_file("/sys/kernel/debug/spm_test/held", "0");
	snprintf(buf, sizeof(buf), "%s,%d", boot_spm, dax_node);
	write_file(SPM_NODES_FILE, buf);
	cleanup_policy();
}

static int test_declared_at_boot(void)
{
	int r;

	CHECK(node_in("has_spm", dax_node) && !node_in("has_memory", dax_node),
	      "node %d: not marked without memory, as spm_nodes= left it",
	      dax_node);
	r = add_with_node_online(DAXCTL_NO_ONLINE);
	if (r == PASS)
		r = check_zone(true);
	if (r == PASS)
		r = check_isolated();
	return r;
}

TEST_HOTPLUG(hotadd_boot_daxctl, "spm_nodes= at boot, daxctl --no-online, then online-memory: movable, isolated, node_online() once",
	     need_hotplug, test_declared_at_boot, hotplug_cleanup);

static int test_auto_online_boot(void)
{
	int r;

	CHECK(node_in("has_spm", dax_node), "node %d is not marked", dax_node);
	r = add_with_node_online(KERNEL_AUTO);
	if (r == PASS)
		r = check_zone(true);
	if (r == PASS)
		r = check_isolated();
	return r;
}

TEST_HOTPLUG(hotadd_boot_auto_online, "spm_nodes= at boot, the kernel onlines at hot-add: movable, isolated",
	     need_hotplug, test_auto_online_boot, hotplug_cleanup);

/* The mark belongs to the node: it outlives the node's memory. */
static int test_mark_outlives_memory(void)
{
	int r;

	r = dax_add(KERNEL_AUTO);
	if (r == PASS)
		r = dax_give_back();
	if (r != PASS)
		return r;
	CHECK(!node_dir_exists(dax_node),
	      "node%d/ still exists after its memory was removed", dax_node);
	CHECK(node_in("has_spm", dax_node),
	      "node %d left has_spm with its memory", dax_node);
	r = dax_add(DAXCTL_MOVABLE);
	if (r == PASS)
		r = check_isolated();
	return r;
}

TEST_HOTPLUG(hotadd_mark_outlives_memory, "a node stays SPM when its memory is removed; re-added memory is isolated",
	     need_hotplug, test_mark_outlives_memory, hotplug_cleanup);

/* Without a mark the node is ordinary RAM at once, and stays so. */
static int test_unmarked_window(void)
{
	char buf[96], path[128];
	long hist[HIST_LEN];
	int r;

	r = unmark();
	if (r == PASS)
		r = dax_add(KERNEL_AUTO);
	if (r != PASS)
		return r;
	r = interleave_all_touch("64M", hist);
	if (r != PASS)
		return r;
	CHECK(hist[dax_node] > 0,
	      "unmarked node %d got no interleaved page: the guest is not what this test expects",
	      dax_node);
	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d/spm", dax_node);
	r = write_file(path, "1");
	CHECK(r == -EBUSY, "echo 1 > %s with memory online: %s, expected EBUSY",
	      path, r ? strerror(-r) : "success");
	snprintf(buf, sizeof(buf), "%s,%d", boot_spm, dax_node);
	r = write_file(SPM_NODES_FILE, buf);
	CHECK(r == -EBUSY, "echo %s > %s with memory online: %s, expected EBUSY",
	      buf, SPM_NODES_FILE, r ? strerror(-r) : "success");
	CHECK(!node_in("has_spm", dax_node), "node %d marked with memory online",
	      dax_node);
	return PASS;
}

TEST_HOTPLUG(hotadd_unmarked_window, "an unmarked node is ordinary RAM from its first page; marking it then fails with EBUSY",
	     need_hotplug, test_unmarked_window, hotplug_cleanup);

static int test_declared_at_runtime(void)
{
	char buf[96];
	int r;

	r = unmark();
	if (r != PASS)
		return r;
	CHECK(!node_dir_exists(dax_node), "node%d/ exists without memory",
	      dax_node);
	snprintf(buf, sizeof(buf), "%s,%d", boot_spm, dax_node);
	r = set_spm_nodes(buf);
	if (r != PASS)
		return r;
	CHECK(node_in("has_spm", dax_node), "node %d not in has_spm after echo %s > %s",
	      dax_node, buf, SPM_NODES_FILE);
	r = add_with_node_online(KERNEL_AUTO);
	if (r == PASS)
		r = check_zone(true);
	if (r == PASS)
		r = check_isolated();
	return r;
}

TEST_HOTPLUG(hotadd_runtime_auto_online, "a possible node declared in /sys/kernel/mm/spm/nodes, then auto-onlined: isolated",
	     need_hotplug, test_declared_at_runtime, hotplug_cleanup);

static int test_declared_by_driver(void)
{
	char cmd[32];
	int r;

	r = unmark();
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "%d 1", dax_node);
	r = write_file("/sys/kernel/debug/spm_test/spm_node", cmd);
	CHECK(!r, "spm_set_node(%d, true) from the test module: %s", dax_node,
	      strerror(-r));
	CHECK(node_in("has_spm", dax_node), "node %d not marked by spm_set_node()",
	      dax_node);
	r = dax_add(KERNEL_AUTO);
	if (r == PASS)
		r = check_zone(true);
	if (r == PASS)
		r = check_isolated();
	return r;
}

TEST_HOTPLUG(hotadd_driver_declares, "a driver's spm_set_node() before the hot-add: isolated from the first page",
	     need_hotplug, test_declared_by_driver, hotplug_cleanup);

static void fill(unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 64)
		p[i] = (unsigned char)(i / 64 * 7 + 1);
}

static long damaged(const unsigned char *p, size_t len)
{
	long bad = 0;

	for (size_t i = 0; i < len; i += 64)
		bad += p[i] != (unsigned char)(i / 64 * 7 + 1);
	return bad;
}

static int held(long *n, long *intact, long *on_node)
{
	char buf[8192], want[16], *tok;
	long v;

	CHECK(!spm_read_str("/sys/kernel/debug/spm_test/held", buf, sizeof(buf)),
	      "cannot read spm_test/held");
	CHECK(sscanf(buf, "held=%ld intact=%ld", n, intact) == 2,
	      "spm_test/held: %s", buf);
	snprintf(want, sizeof(want), "n%d=", dax_node);
	tok = strstr(buf, want);
	CHECK(tok && sscanf(tok + strlen(want), "%ld", &v) == 1,
	      "spm_test/held: no %s in %s", want, buf);
	*on_node = v;
	info("spm_test/held: %s", buf);
	return PASS;
}

/*
 * A user's mbind() pages (soft_guardrail) and a kernel user's
 * __GFP_SPM_NODE pages on the hot-added node, then daxctl offline-memory:
 * the unmovable pages make it fail, and say so, with nothing lost; once
 * they are freed it succeeds, the user's pages moved to system RAM with
 * their contents.
 */
static int test_offline_with_users(void)
{
	long n = 0, intact = 0, on_node = 0, hist[HIST_LEN];
	char out[2048], cmd[96];
	struct mod_result res;
	unsigned char *p;
	int r;

	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r == PASS)
		r = dax_add(DAXCTL_KERNEL);
	if (r == PASS)
		r = check_zone(false);
	if (r != PASS)
		return r;
	p = map_policy(USER_LEN, MPOL_BIND, NODE_BIT(dax_node), true);
	CHECK(p, "mbind to node %d under soft_guardrail: %s", dax_node,
	      strerror(errno));
	fill(p, USER_LEN);
	r = check_on(0, p, USER_LEN, NODE_BIT(dax_node), "the mbind() user", NULL);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 mask=%d count=64 hold=1", dax_node);
	r = mod(cmd, &res);
	if (r != PASS)
		return r;
	CHECK(res.ok == 64 && res.node[dax_node] == 64,
	      "module %s: %s, expected 64 pages on node %d", cmd, RES(&res),
	      dax_node);

	r = sh("daxctl offline-memory " DAX_DEV, out, sizeof(out));
	CHECK(r != 0, "daxctl offline-memory succeeded with 64 unmovable pages on node %d",
	      dax_node);
	CHECK(node_in("has_memory", dax_node),
	      "node %d lost its memory in a failed offline", dax_node);
	r = held(&n, &intact, &on_node);
	if (r != PASS)
		return r;
	CHECK(n == 64 && intact == 64 && on_node == 64,
	      "after the failed offline: %ld held, %ld intact, %ld on node %d",
	      n, intact, on_node, dax_node);
	CHECK(!damaged(p, USER_LEN), "the mbind() user's memory changed");

	CHECK(!write_file("/sys/kernel/debug/spm_test/held", "0"),
	      "cannot free the module's pages");
	r = sh("daxctl offline-memory " DAX_DEV, out, sizeof(out));
	CHECK(r == 0, "daxctl offline-memory with only movable pages left: %.300s",
	      out);
	n = pages_nodes(0, p, USER_LEN, hist);
	info("the mbind() user after the offline: %s", HIST(hist));
	CHECK(n > 0 && !hist[dax_node] && hist_on(hist, sysram_nodes) == n,
	      "the mbind() user after the offline: %s, expected system RAM",
	      HIST(hist));
	CHECK(!damaged(p, USER_LEN), "the mbind() user's memory changed in the offline (%ld bytes)",
	      damaged(p, USER_LEN));
	munmap(p, USER_LEN);
	return detach("soft_guardrail");
}

TEST_HOTPLUG(hotremove_offline_with_users, "daxctl offline-memory with mbind() and __GFP_SPM_NODE users: fails, then moves, nothing lost",
	     need_hotplug, test_offline_with_users, hotplug_cleanup);

/*
 * Writes to nodeN/spm while the node's directory is removed: the
 * hot-remove finishes.  Before the store backed off from the device
 * hotplug lock it could wait for mem_hotplug_lock, held by the hot-remove,
 * which waited for the write to leave the file.
 */
static int test_spm_store_vs_remove(void)
{
	char path[128];
	struct timespec t0, t1;
	int round, r, writer;

	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d/spm", dax_node);
	for (round = 0; round < 5; round++) {
		r = dax_add(KERNEL_AUTO);
		if (r != PASS)
			return r;
		fflush(stdout);
		writer = fork();
		CHECK(writer >= 0, "fork: %s", strerror(errno));
		if (!writer) {
			for (;;)
				write_file(path, "1");
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = dax_give_back();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		kill(writer, SIGKILL);
		waitpid(writer, NULL, 0);
		if (r != PASS)
			return r;
		info("round %d: hot-remove took %ld ms", round,
		     (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	CHECK(node_in("has_spm", dax_node), "node %d lost its mark", dax_node);
	return PASS;
}

TEST_HOTPLUG(hotremove_spm_store_race, "writes to nodeN/spm during the node's hot-remove: it completes, 5 rounds",
	     need_hotplug, test_spm_store_vs_remove, hotplug_cleanup);
