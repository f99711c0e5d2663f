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
#include <jansson.h>

#include "harness.h"
#include "testlib.h"

#define AUTO_ONLINE	"/sys/devices/system/memory/auto_online_blocks"
#define NODE_ONLINE_POLICY TEST_BPF_DIR "/test_node_online.bpf.o"
#define ONLINE_CALLS	PIN_MAPS "/online_calls"
#define USER_LEN	(32 * MiB)

static char nv_dax[32];		/* the NVDIMM's device-dax instance */
static int dax_node;		/* its target node */
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

/* daxctl ARGS on the NVDIMM's device-dax instance. */
static int daxctl(const char *args, char *out, size_t len)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "daxctl %s %s", args, nv_dax);
	return sh(cmd, out, len);
}

static int daxctl_ok(const char *args)
{
	char out[2048];
	int r = daxctl(args, out, sizeof(out));

	CHECK(r == 0, "'daxctl %s %s' failed (%d): %.400s", args, nv_dax, r,
	      out);
	return PASS;
}

/*
 * The first value of key in the JSON ndctl, daxctl or cxl printed (an
 * object or a list of them, nested; after their messages on stderr): a
 * string into val, or a number.
 */
static json_t *json_find(json_t *j, const char *key)
{
	json_t *v, *found;
	const char *k;
	size_t i;

	if (json_is_object(j)) {
		v = json_object_get(j, key);
		if (v)
			return v;
		json_object_foreach(j, k, v)
			if ((found = json_find(v, key)))
				return found;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if ((found = json_find(v, key)))
				return found;
	}
	return NULL;
}

static json_t *json_output(const char *out)
{
	const char *start = strpbrk(out, "[{");

	return start ? json_loads(start, 0, NULL) : NULL;
}

static int json_str(const char *out, const char *key, char *val, size_t len)
{
	json_t *j = json_output(out), *v;
	int r = -1;

	v = j ? json_find(j, key) : NULL;
	if (json_is_string(v)) {
		snprintf(val, len, "%s", json_string_value(v));
		r = 0;
	}
	json_decref(j);
	return r;
}

static int json_int(const char *out, const char *key, int *val)
{
	json_t *j = json_output(out), *v;
	int r = -1;

	v = j ? json_find(j, key) : NULL;
	if (json_is_integer(v)) {
		*val = json_integer_value(v);
		r = 0;
	}
	json_decref(j);
	return r;
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

	if (daxctl("list -d", out, sizeof(out)) == 0 &&
	    !strstr(out, "system-ram"))
		return PASS;
	CHECK(daxctl("reconfigure-device --mode=devdax --force", out,
		     sizeof(out)) == 0,
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
	char out[4096], namespace[32];
	int r;

	r = need_spm_ops();
	if (r != PASS)
		return r;
	/* The label-less namespace of QEMU's NVDIMM, on the NFIT's bus. */
	r = sh("ndctl list -N -b ACPI.NFIT", out, sizeof(out));
	CHECK(r == 0 && !json_str(out, "dev", namespace, sizeof(namespace)),
	      "no NVDIMM namespace on the ACPI.NFIT bus: %.300s", out);
	if (json_str(out, "chardev", nv_dax, sizeof(nv_dax))) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd),
			 "ndctl create-namespace --force --reconfig=%s --mode=devdax",
			 namespace);
		r = sh(cmd, out, sizeof(out));
		CHECK(r == 0 && !json_str(out, "chardev", nv_dax, sizeof(nv_dax)),
		      "%s: %.400s", cmd, out);
	}
	r = daxctl("list -d", out, sizeof(out));
	CHECK(r == 0 && !json_int(out, "target_node", &dax_node),
	      "no target node in daxctl list -d %s: %.300s", nv_dax, out);
	CHECK(dax_node >= 0 && dax_node < MAX_NODES &&
	      (spm_nodes & NODE_BIT(dax_node)),
	      "node %d (the NVDIMM's) is not in spm_nodes=: not the hot-add guest",
	      dax_node);
	snprintf(boot_spm, sizeof(boot_spm), "%s",
		 NL(spm_nodes & ~NODE_BIT(dax_node), 0));
	r = dax_give_back();
	if (r != PASS)
		return r;
	CHECK(!write_file(AUTO_ONLINE, "offline"), "cannot write %s",
	      AUTO_ONLINE);
	return PASS;
}

/*
 * The kmem driver takes the device as it would at boot or from a udev
 * rule, with auto_online_blocks set to policy: the kernel onlines the
 * memory as it adds it.  (daxctl refuses to reconfigure a device while the
 * kernel auto-onlines.)
 */
static int kmem_takes_device(const char *policy)
{
	int r;

	CHECK(!write_file(AUTO_ONLINE, policy), "cannot write %s", AUTO_ONLINE);
	r = write_file("/sys/bus/dax/drivers/device_dax/unbind", nv_dax);
	CHECK(!r, "unbinding %s from device_dax: %s", nv_dax, strerror(-r));
	r = write_file("/sys/bus/dax/drivers/kmem/new_id", nv_dax);
	write_file("/sys/bus/dax/drivers/kmem/remove_id", nv_dax);
	write_file(AUTO_ONLINE, "offline");
	CHECK(!r, "binding %s to kmem: %s", nv_dax, strerror(-r));
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

	r = daxctl_ok("reconfigure-device --mode=system-ram --no-online");
	if (r != PASS)
		return r;
	CHECK(!node_in("has_memory", dax_node),
	      "node %d has memory online after daxctl --no-online", dax_node);
	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d/spm", dax_node);
	r = write_file(path, "1");
	CHECK(!r, "echo 1 > %s with the memory offline: %s", path, strerror(-r));
	return daxctl_ok("online-memory");
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

	r = daxctl_ok("reconfigure-device --mode=system-ram --no-online");
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
enum dax_online {
	DAXCTL_MOVABLE,
	DAXCTL_KERNEL,
	DAXCTL_NO_ONLINE,
	KERNEL_AUTO,		/* auto_online_blocks=online: the kernel's zone */
	KERNEL_AUTO_MOVABLE,	/* auto_online_blocks=online_movable */
};

static int dax_add(enum dax_online how)
{
	static const char * const how_name[] = {
		[DAXCTL_MOVABLE] = "daxctl reconfigure-device --mode=system-ram",
		[DAXCTL_KERNEL] = "online_kernel",
		[DAXCTL_NO_ONLINE] = "daxctl online-memory",
		[KERNEL_AUTO] = "the kmem driver with auto_online_blocks=online",
		[KERNEL_AUTO_MOVABLE] = "the kmem driver with auto_online_blocks=online_movable",
	};
	int r = FAIL;

	switch (how) {
	case DAXCTL_MOVABLE:
		r = daxctl_ok("reconfigure-device --mode=system-ram");
		break;
	case DAXCTL_KERNEL:
		r = daxctl_add_kernel_zone();
		break;
	case DAXCTL_NO_ONLINE:
		r = daxctl_add_then_online();
		break;
	case KERNEL_AUTO:
		r = kmem_takes_device("online");
		break;
	case KERNEL_AUTO_MOVABLE:
		r = kmem_takes_device("online_movable");
		break;
	}
	if (r != PASS)
		return r;
	CHECK(node_in("has_memory", dax_node),
	      "node %d has no memory online after %s", dax_node, how_name[how]);
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
static int check_zone(int nid, bool movable)
{
	long mov = zone_managed(nid, "Movable");
	long normal = zone_managed(nid, "Normal");

	info("node %d: Movable %ld pages, Normal %ld pages", nid, mov,
	     normal);
	if (movable)
		CHECK(mov > 0 && normal <= 0,
		      "node %d: Movable %ld pages, Normal %ld: not onlined movable",
		      nid, mov, normal);
	else
		CHECK(normal > 0 && mov <= 0,
		      "node %d: Normal %ld pages, Movable %ld: not in a kernel zone",
		      nid, normal, mov);
	return PASS;
}

/*
 * The hot-added node is isolated: anonymous memory, an interleave over all
 * nodes (the real numactl), move_pages() to it, and a task that takes most
 * of system RAM put no page there.
 */
static int check_isolated(int nid)
{
	long hist[HIST_LEN], n, before;
	int status[16], nodes[16], r, i;
	size_t len;
	void *pages[16];
	struct holder h;
	char *p;

	CHECK(node_in("has_spm", nid), "node %d is not in has_spm",
	      nid);
	CHECK(node_in("has_memory", nid) && !node_in("has_sysram", nid),
	      "node %d: has_memory %d, has_sysram %d; expected 1 and 0", nid,
	      node_in("has_memory", nid), node_in("has_sysram", nid));
	/* Onlining counted the node's pages as SPM memory (0039). */
	CHECK(meminfo_kb("SpmTotal") >= node_meminfo_kb(nid, "MemTotal"),
	      "SpmTotal %ld kB, less than node %d's MemTotal %ld kB",
	      meminfo_kb("SpmTotal"), nid, node_meminfo_kb(nid, "MemTotal"));
	before = node_vmstat(nid, "nr_anon_pages") +
		 node_vmstat(nid, "nr_file_pages");

	p = map_touch(64 * MiB);
	CHECK(p, "mmap: %s", strerror(errno));
	n = pages_nodes(0, p, 64 * MiB, hist);
	CHECK(n > 0, "move_pages query failed");
	info("anonymous 64 MiB: %s", HIST(hist));
	CHECK(!hist[nid], "anonymous memory: %ld of %ld pages on node %d",
	      hist[nid], n, nid);

	for (i = 0; i < 16; i++) {
		pages[i] = p + i * PAGE_SZ;
		nodes[i] = nid;
	}
	r = sys_move_pages(0, 16, pages, nodes, status, MPOL_MF_MOVE);
	n = pages_nodes(0, p, 16 * PAGE_SZ, hist);
	info("move_pages() to node %d: %d, status[0] %d; now %s", nid,
	     r, status[0], HIST(hist));
	CHECK(n == 16 && !hist[nid],
	      "move_pages() to node %d moved %ld of 16 pages there",
	      nid, hist[nid]);
	munmap(p, 64 * MiB);

	r = interleave_all_touch("64M", hist);
	if (r != PASS)
		return r;
	CHECK(!hist[nid], "numactl --interleave=all: %ld pages on node %d",
	      hist[nid], nid);

	/*
	 * Most of system RAM's free memory, at most 1200 MiB, as another
	 * process: the victim if memory runs out after all (the harness's
	 * -1000 would make it unkillable, and the kernel panic).
	 */
	len = 0;
	for (i = 0; i < MAX_NODES; i++)
		if (sysram_nodes & NODE_BIT(i))
			len += node_meminfo_kb(i, "MemFree") * KiB / 10 * 6;
	if (len > 1200 * MiB)
		len = 1200 * MiB;
	write_file("/proc/self/oom_score_adj", "1000");
	r = start_holder(len, MPOL_DEFAULT, 0, &h);
	write_file("/proc/self/oom_score_adj", "-1000");
	if (r != PASS)
		return r;
	n = pages_nodes(h.pid, h.addr, len, hist);
	release_holder(&h);
	CHECK(n > 0, "move_pages query of the holder failed");
	info("%zu MiB holder: %s", len / MiB, HIST(hist));
	CHECK(!hist[nid], "under sysram pressure: %ld pages on node %d",
	      hist[nid], nid);
	n = node_vmstat(nid, "nr_anon_pages") +
	    node_vmstat(nid, "nr_file_pages");
	CHECK(n <= before, "node %d: %ld anonymous and file pages, %ld before",
	      nid, n, before);
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

/* node_online() was called once, for node nid, and for no other node. */
static int check_node_online_once(int nid)
{
	long calls = online_calls(nid), others = 0;
	int other;

	for (other = 0; other < nr_node_ids; other++)
		if (other != nid)
			others += online_calls(other);
	info("node_online(): %ld calls for node %d, %ld for others", calls,
	     nid, others);
	CHECK(calls == 1 && !others,
	      "node_online() called %ld times for node %d, %ld for other nodes; expected 1 and 0",
	      calls, nid, others);
	return PASS;
}

/* A hot-add onto the marked node calls node_online() once, for it. */
static int add_with_node_online(enum dax_online how)
{
	int r;

	r = attach_pinned(NODE_ONLINE_POLICY, NULL, "test_node_online");
	if (r == PASS)
		r = dax_add(how);
	if (r == PASS)
		r = check_node_online_once(dax_node);
	return r == PASS ? detach("test_node_online") : r;
}

/*
 * Add the NVDIMM's memory as how says, node_online() counted if
 * count_online: it must be movable and isolated.
 */
static int add_isolated(enum dax_online how, bool count_online)
{
	int r = count_online ? add_with_node_online(how) : dax_add(how);

	if (r == PASS)
		r = check_zone(dax_node, true);
	if (r == PASS)
		r = check_isolated(dax_node);
	return r;
}

/* The boot SPM nodes and the NVDIMM's node, as a node list. */
static const char *marked_list(void)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "%s,%d", boot_spm, dax_node);
	return buf;
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
	dax_give_back();
	write_file(AUTO_ONLINE, "offline");
	write_file("/sys/kernel/debug/spm_test/held", "0");
	write_file(SPM_NODES_FILE, marked_list());
	cleanup_policy();
}

static int test_declared_at_boot(void)
{
	CHECK(node_in("has_spm", dax_node) && !node_in("has_memory", dax_node),
	      "node %d: not marked without memory, as spm_nodes= left it",
	      dax_node);
	return add_isolated(DAXCTL_NO_ONLINE, true);
}

TEST_HOTPLUG(hotadd_boot_daxctl, "spm_nodes= at boot, daxctl --no-online, then online-memory: movable, isolated, node_online() once",
	     need_hotplug, test_declared_at_boot, hotplug_cleanup);

static int test_auto_online_boot(void)
{
	CHECK(node_in("has_spm", dax_node), "node %d is not marked", dax_node);
	return add_isolated(KERNEL_AUTO, true);
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
		r = check_isolated(dax_node);
	return r;
}

TEST_HOTPLUG(hotadd_mark_outlives_memory, "a node stays SPM when its memory is removed; re-added memory is isolated",
	     need_hotplug, test_mark_outlives_memory, hotplug_cleanup);

/* Without a mark the node is ordinary RAM at once, and stays so. */
static int test_unmarked_window(void)
{
	char path[128];
	long hist[HIST_LEN];
	int r;

	/*
	 * Movable, so that the node can be given back: an ordinary node
	 * onlined in a kernel zone may keep kernel memory that pins it.
	 */
	r = unmark();
	if (r == PASS)
		r = dax_add(KERNEL_AUTO_MOVABLE);
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
	r = write_file(SPM_NODES_FILE, marked_list());
	CHECK(r == -EBUSY, "echo %s > %s with memory online: %s, expected EBUSY",
	      marked_list(), SPM_NODES_FILE, r ? strerror(-r) : "success");
	CHECK(!node_in("has_spm", dax_node), "node %d marked with memory online",
	      dax_node);
	CHECK(node_in("has_sysram", dax_node),
	      "unmarked node %d with memory online is not in has_sysram",
	      dax_node);
	return PASS;
}

TEST_HOTPLUG(hotadd_unmarked_window, "an unmarked node is ordinary RAM from its first page; marking it then fails with EBUSY",
	     need_hotplug, test_unmarked_window, hotplug_cleanup);

static int test_declared_at_runtime(void)
{
	int r;

	r = unmark();
	if (r != PASS)
		return r;
	CHECK(!node_dir_exists(dax_node), "node%d/ exists without memory",
	      dax_node);
	r = set_spm_nodes(marked_list());
	if (r != PASS)
		return r;
	CHECK(node_in("has_spm", dax_node), "node %d not in has_spm after echo %s > %s",
	      dax_node, marked_list(), SPM_NODES_FILE);
	return add_isolated(KERNEL_AUTO, true);
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
	return add_isolated(KERNEL_AUTO, false);
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
		r = check_zone(dax_node, false);
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

	r = daxctl("offline-memory", out, sizeof(out));
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
	r = daxctl("offline-memory", out, sizeof(out));
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

/*
 * A CXL memory device (run-guest.sh --cxl): its window is a node of its
 * own, named in spm_nodes=, with no memory at boot.  cxl create-region
 * makes a persistent memory region of the device (QEMU 7.2 has no
 * volatile CXL memory), ndctl a devdax namespace on it, daxctl hands that
 * to the kmem driver: movable, isolated, node_online() once.
 */
static char cxl_dax[32];

static int need_cxl(void)
{
	int r = need_hotplug();

	if (r != PASS)
		return r;
	CHECK(!access("/sys/bus/cxl/devices/mem0", F_OK),
	      "no CXL memory device mem0 (not the CXL guest, or cxl_pci did not probe)");
	return PASS;
}

static void cleanup_cxl(void)
{
	char cmd[96], out[2048];

	if (cxl_dax[0]) {
		snprintf(cmd, sizeof(cmd),
			 "daxctl reconfigure-device --mode=devdax --force %s",
			 cxl_dax);
		sh(cmd, out, sizeof(out));
	}
	hotplug_cleanup();
}

static int test_cxl_region(void)
{
	char out[8192], cmd[160], region[32], nd_region[32];
	int node = -1, r;

	r = sh("cxl create-region -m -d decoder0.0 -w 1 -t pmem mem0", out,
	       sizeof(out));
	CHECK(r == 0 && !json_str(out, "region", region, sizeof(region)),
	      "cxl create-region: exit %d: %.400s", r, out);
	/* Its libnvdimm region, on the bus the CXL nvdimm bridge provides. */
	r = sh("ndctl list -R -b CXL", out, sizeof(out));
	CHECK(r == 0 && !json_str(out, "dev", nd_region, sizeof(nd_region)),
	      "no libnvdimm region on the CXL bus for %s: %.300s", region, out);
	snprintf(cmd, sizeof(cmd), "ndctl create-namespace -r %s --mode=devdax",
		 nd_region);
	r = sh(cmd, out, sizeof(out));
	CHECK(r == 0 && !json_str(out, "chardev", cxl_dax, sizeof(cxl_dax)) &&
	      !json_int(out, "target_node", &node),
	      "%s: exit %d: %.400s", cmd, r, out);
	info("CXL %s -> %s -> %s, node %d", region, nd_region, cxl_dax, node);
	CHECK(node >= 0 && node < MAX_NODES && node != dax_node &&
	      (spm_nodes & NODE_BIT(node)),
	      "the CXL memory's node %d is not an SPM node of its own", node);
	CHECK(!node_in("has_memory", node), "node %d has memory before the kmem driver",
	      node);

	r = attach_pinned(NODE_ONLINE_POLICY, NULL, "test_node_online");
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "daxctl reconfigure-device --mode=system-ram %s",
		 cxl_dax);
	r = sh_ok(cmd);
	if (r == PASS)
		r = check_node_online_once(node);
	if (r == PASS)
		r = detach("test_node_online");
	if (r != PASS)
		return r;
	info("node %d: %ld kB", node, node_meminfo_kb(node, "MemTotal"));
	r = check_zone(node, true);
	if (r == PASS)
		r = check_isolated(node);
	return r;
}

TEST_HOTPLUG(hotadd_cxl_region, "cxl create-region, a devdax namespace, kmem: the CXL node is movable, isolated, node_online() once",
	     need_cxl, test_cxl_region, cleanup_cxl);
