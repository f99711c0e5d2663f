// SPDX-License-Identifier: GPL-2.0
/*
 * stress_lifecycle: spm_ops attached, detached and ejected over and over
 * while every CPU allocates.
 *
 * One load process per CPU, pinned to it, faults anonymous memory (which
 * must never land on an SPM node), binds some to the first SPM node (the
 * policy decides), writes, reads and removes a tmpfs file, creates and
 * removes files (slab), and has the test module allocate with
 * __GFP_SPM_NODE from a task, a timer and a hard IRQ.  The first one runs
 * in the cgroup that cgroup_spm's entry names.
 *
 * Each cycle attaches a shipped or a test policy (a fixed-seed order, every
 * policy once per round of them), pinned or in the foreground, and ends it
 * one way: spm-loader detach, "disabled" written to state, SIGKILL of the
 * loader at a random point (before the attach too), or for cgroup_spm its
 * cgroup's entry removed first.  The test policies eject themselves
 * (spm_error(), a bad return, over budget, spm_exit()) or fail init(),
 * racing those endings.  Now and then a second attach and BPF_LINK_UPDATE
 * must be refused.  After each cycle: state disabled, no pin left,
 * last_exit of the attach one of the kinds that cycle could end with.
 * At the end: nr_ejected grew by exactly the error ejections last_exit
 * showed, and every page of the SPM nodes is free again (/proc/zoneinfo,
 * the per-CPU lists included).
 *
 * SPM_STRESS_CYCLES (default 40) and SPM_STRESS_SEED set the run.
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
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "testlib.h"

#define STRESS_CG	"spm_stress"
#define STRESS_CG_PATH	CGROUP_ROOT "/" STRESS_CG
#define STRESS_TMP	"/tmp/spm_stress"
#define DENY_ALL	TEST_BPF_DIR "/test_deny_all.bpf.o"
#define MAX_LOAD	64
#define LOAD_FILES	256
/*
 * Free memory of an SPM node, per-CPU lists included, back to what it was
 * but for this: a page may move from a list to the buddy allocator while
 * /proc/zoneinfo is read.
 */
#define FREE_SLACK_KB	256

#define TEST_POLICY(n)	.name = n, .obj = TEST_BPF_DIR "/" n ".bpf.o"

static const struct stress_policy {
	const char *name;
	const char *obj;
	const char *args;
	const char *self_kind;	/* how it ends itself; NULL: it does not */
	bool cgroup, slow, init_fails;
} policies[] = {
	{ .name = "hard_guardrail", .obj = HARD_POLICY },
	{ .name = "soft_guardrail", .obj = SOFT_POLICY },
	{ .name = "cgroup_spm", .obj = CGROUP_POLICY, .cgroup = true },
	{ TEST_POLICY("test_error"), .self_kind = "bpf_error" },
	{ TEST_POLICY("test_bad_return"), .self_kind = "bad_return" },
	{ TEST_POLICY("test_slow"), .args = "--set loops=65536",
	  .self_kind = "over_budget", .slow = true },
	{ TEST_POLICY("test_exit"), .self_kind = "unregistered_by_bpf" },
	{ TEST_POLICY("test_deny_all") },
	{ TEST_POLICY("test_admit_all") },
	{ TEST_POLICY("test_init"), .args = "--set init_ret=-22",
	  .init_fails = true },
};

#define NR_POLICIES	ARRAY_SIZE(policies)

enum { END_DETACH, END_SYSFS, END_KILL, END_CGRM, NR_ENDS };
static const char * const end_names[] = {
	"spm-loader detach", "sysfs disable", "SIGKILL", "cgroup rm",
};

/* The exits counted; the first four are ejections by error. */
static const char * const kinds[] = {
	"bpf_error", "bad_return", "over_budget", "error", "unregistered_by_bpf",
};

static struct {
	int ends[NR_ENDS], kills, kills_early, sysfs_lost, busy, updates;
	int init_failed, unknown;
	int kind[ARRAY_SIZE(kinds)];
} st;
/* The cycle running, for its failure. */
static char cur[320];

/* Shared with the load processes. */
static struct load {
	int stop;		/* set by the parent, read atomically */
	struct {
		long rounds, on_spm, bound, mod_eio, mod_err;
	} cpu[MAX_LOAD];
} *load;
static pid_t load_pid[MAX_LOAD];
static int nr_load, nr_cpus;

static uint64_t rng;

/* xorshift64*: the same choices for the same seed. */
static unsigned int rnd(unsigned int n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 2685821657736338717ULL >> 33) % n;
}

static void __noreturn load_child(int cpu)
{
	static char buf[64 * KiB];
	char cmd[3][96], file[64], dir[64], pid[16];
	long hist[HIST_LEN];
	struct mod_result res;
	int spm = first_spm(), fd, i, r;
	cpu_set_t set;
	void *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(2);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (!cpu && write_file(STRESS_CG_PATH "/cgroup.procs", pid))
		_exit(3);
	snprintf(cmd[0], sizeof(cmd[0]), "spm=1 nid=%d count=64", spm);
	snprintf(cmd[1], sizeof(cmd[1]), "mode=irq spm=1 nid=%d count=16", spm);
	snprintf(cmd[2], sizeof(cmd[2]), "mode=timer spm=1 nid=%d count=16", spm);
	snprintf(file, sizeof(file), STRESS_TMP ".%d", cpu);
	snprintf(dir, sizeof(dir), STRESS_TMP ".d%d", cpu);
	memset(buf, 'a' + cpu, sizeof(buf));
	while (!__atomic_load_n(&load->stop, __ATOMIC_RELAXED)) {
		p = map_touch(4 * MiB);
		if (p && pages_nodes(0, p, 4 * MiB, hist) > 0)
			load->cpu[cpu].on_spm += hist_on(hist, spm_nodes);
		if (p)
			munmap(p, 4 * MiB);
		/* Refused, or on the node, as the policy of the moment says. */
		p = map_policy(MiB, MPOL_BIND, NODE_BIT(spm), true);
		if (p) {
			load->cpu[cpu].bound++;
			munmap(p, MiB);
		}
		fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
		for (i = 0; fd >= 0 && i < 16; i++)
			if (write(fd, buf, sizeof(buf)) < 0)
				break;
		for (i = 0; fd >= 0 && i < 16; i++)
			if (pread(fd, buf, sizeof(buf), i * sizeof(buf)) <= 0)
				break;
		if (fd >= 0)
			close(fd);
		unlink(file);
		create_files(dir, LOAD_FILES);
		remove_files(dir, LOAD_FILES);
		for (i = 0; i < 3; i++) {
			r = module_alloc(cmd[i], &res);
			if (r == -EIO)
				load->cpu[cpu].mod_eio++;
			else if (r)
				load->cpu[cpu].mod_err++;
		}
		load->cpu[cpu].rounds++;
	}
	_exit(0);
}

static int start_load(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	load = mmap(NULL, sizeof(*load), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(load != MAP_FAILED, "mmap: %s", strerror(errno));
	nr_cpus = n < MAX_LOAD ? n : MAX_LOAD;
	fflush(stdout);
	for (nr_load = 0; nr_load < nr_cpus; nr_load++) {
		load_pid[nr_load] = fork();
		CHECK(load_pid[nr_load] >= 0, "fork: %s", strerror(errno));
		if (!load_pid[nr_load])
			load_child(nr_load);
	}
	return PASS;
}

/* Stop the load (kill it, unless asked to stop): PASS if all exited 0. */
static int stop_load(bool kill_now)
{
	int i, ms, st_, r = PASS;

	if (load && load != MAP_FAILED)
		__atomic_store_n(&load->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nr_load; i++) {
		for (ms = 0; !kill_now && ms < 30000; ms += 20) {
			if (waitpid(load_pid[i], &st_, WNOHANG) == load_pid[i])
				break;
			spm_sleep_ms(20);
		}
		if (kill_now || ms >= 30000) {
			kill(load_pid[i], SIGKILL);
			waitpid(load_pid[i], &st_, 0);
			if (!kill_now)
				r = fail("the load process of CPU %d did not stop in 30 s", i);
		} else if (!WIFEXITED(st_) || WEXITSTATUS(st_)) {
			r = fail("the load process of CPU %d ended with status %#x",
				 i, st_);
		}
	}
	nr_load = 0;
	return r;
}

static int ldr(const char *args, char *out, size_t len)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), LOADER " %s 2>&1", args);
	return run_cmd(cmd, out, len);
}

/* Wait for line in the loader's output, or for it to exit. */
static bool wait_line(const char *line, char *out, size_t len)
{
	bool done;
	int ms;

	for (ms = 0;; ms += 20) {
		done = loader_wait(&fg, 0);
		loader_output(&fg, out, len);
		if (strstr(out, line) || done || ms >= WAIT_MS)
			return strstr(out, line);
		spm_sleep_ms(20);
	}
}

/* What a loader killed before it could unpin left, once nothing is attached. */
static void rm_stale_maps(void)
{
	char out[256];

	run_cmd("rm -rf " PIN_MAPS " 2>&1", out, sizeof(out));
}

/*
 * With @name attached: a second policy may neither attach (EBUSY, the
 * loader's one line) nor, through libbpf, replace it (EOPNOTSUPP).
 */
static int probe_busy(const char *name, bool pinned)
{
	static const char * const words[] = {
		"spm-loader: ", "already attached", NULL,
	};
	libbpf_print_fn_t old;
	struct bpf_object *obj;
	struct bpf_map *map = NULL, *m;
	struct bpf_link *link = NULL;
	char out[4096];
	int fd, err, r;

	st.busy++;
	r = ldr("attach " DENY_ALL " --pin", out, sizeof(out));
	CHECK(r == 1, "a second attach with %s attached: exit %d: %s", name,
	      r, out);
	r = check_one_line("a second attach", out, words);
	if (r != PASS || !pinned)
		return r;
	old = libbpf_set_print(NULL);
	obj = bpf_object__open_file(DENY_ALL, NULL);
	if (!obj || bpf_object__load(obj)) {
		r = fail("libbpf: cannot load test_deny_all: %s", strerror(errno));
		goto out;
	}
	bpf_object__for_each_map(m, obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
			map = m;
	link = map ? bpf_map__attach_struct_ops(map) : NULL;
	err = errno;
	if (!map || link || err != EBUSY) {
		r = fail("libbpf attach with %s attached: %s, expected EBUSY", name,
			 link ? "attached" : strerror(err));
		goto out;
	}
	st.updates++;
	fd = bpf_obj_get(PIN_PATH);
	err = fd < 0 ? -errno : bpf_link_update(fd, bpf_map__fd(map), NULL);
	if (fd >= 0)
		close(fd);
	if (err != -EOPNOTSUPP)
		r = fail("BPF_LINK_UPDATE of %s's link: %s, expected EOPNOTSUPP",
			 name, strerror(-err));
out:
	bpf_link__destroy(link);
	bpf_object__close(obj);
	libbpf_set_print(old);
	return r == PASS ? check_attached(name) : r;
}

/* The exit of the cycle's attach: one of the kinds it could end with. */
static int check_exit(const struct stress_policy *p, int end, long seq0,
		      bool killed)
{
	long seq = spm_attr_long("enable_seq");
	const char *body, *want = end == END_SYSFS ? "unregistered_by_kernel" :
						     "unregistered";
	char last[512], kind[32];
	unsigned int i;

	CHECK(seq == seq0 + 1 || (killed && seq == seq0),
	      "enable_seq went from %ld to %ld", seq0, seq);
	if (seq == seq0) {
		st.kills_early++;
		return PASS;
	}
	if (last_exit_body(last, sizeof(last), &body) != PASS)
		return FAIL;
	if (sscanf(body, "%31s", kind) != 1)
		kind[0] = '\0';
	if (p->init_fails) {
		CHECK(!strcmp(body, "error test_init: init() failed with -22"),
		      "last_exit '%s' after init() failed", body);
		st.init_failed++;
		return PASS;
	}
	CHECK(!strcmp(kind, want) ||
	      (p->self_kind && !strcmp(kind, p->self_kind)),
	      "last_exit '%s', expected %s%s%s", body, want,
	      p->self_kind ? " or " : "", p->self_kind ? p->self_kind : "");
	if (end == END_SYSFS && strcmp(kind, want))
		st.sysfs_lost++;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			st.kind[i]++;
	return PASS;
}

static int cycle(const struct stress_policy *p)
{
	/* cgroup_spm: its entry removed half the time */
	int end = p->cgroup && rnd(2) ? END_CGRM : (int)rnd(END_CGRM), r, code;
	bool early = end == END_KILL && rnd(2), killed = false;
	bool pinned = end == END_KILL ? early && rnd(2) : rnd(2);
	long seq0 = spm_attr_long("enable_seq");
	char args[256], out[4096], want[160], exited[160];

	snprintf(args, sizeof(args), "%s%s%s", pinned ? " --pin" : "",
		 p->args ? " " : "", p->args ? p->args : "");
	if (p->cgroup)
		snprintf(args + strlen(args), sizeof(args) - strlen(args),
			 " --allow " STRESS_CG_PATH "=%d:spill:16M", first_spm());
	if (p->init_fails && rnd(2))
		strcat(args, " --set init_error=1");
	snprintf(cur, sizeof(cur), "%s%s, %s", p->name, args, end_names[end]);
	st.ends[end]++;
	/* Over budget within a few calls; the other policies have 100 ms. */
	if (p->slow)
		CHECK(!write_file(SPM_SYSFS "/budget_us", "100"),
		      "cannot set budget_us");
	r = loader_spawn(p->obj, args);
	if (r != PASS)
		return r;

	snprintf(want, sizeof(want), "spm-loader: policy %s attached", p->name);
	if (early) {
		spm_sleep_ms(rnd(300));
	} else if (p->init_fails) {
		CHECK(loader_wait(&fg, WAIT_MS), "the loader still runs");
		loader_output(&fg, out, sizeof(out));
		CHECK(WIFEXITED(fg.status) && WEXITSTATUS(fg.status) == 1 &&
		      strstr(out, "init() failed"),
		      "loader status %#x, expected exit 1 and 'init() failed': %s",
		      fg.status, out);
	} else if (pinned) {
		CHECK(loader_wait(&fg, WAIT_MS), "spm-loader attach --pin still runs");
		loader_output(&fg, out, sizeof(out));
		CHECK(WIFEXITED(fg.status) && !WEXITSTATUS(fg.status) &&
		      strstr(out, want), "loader status %#x: %s", fg.status, out);
	} else {
		CHECK(wait_line(want, out, sizeof(out)),
		      "no '%s' from the loader: %s", want, out);
	}
	if (!early && !p->init_fails && !p->self_kind) {
		r = check_attached(p->name);
		if (r == PASS && rnd(2))
			r = probe_busy(p->name, pinned);
		if (r != PASS)
			return r;
	}
	spm_sleep_ms(rnd(4) ? rnd(51) : 0);

	switch (end) {
	case END_CGRM:
		r = ldr("cgroup rm " STRESS_CG_PATH, out, sizeof(out));
		snprintf(want, sizeof(want),
			 "spm-loader: cgroup " STRESS_CG_PATH " (id %llu) removed\n",
			 cgroup_id(STRESS_CG));
		CHECK(r == 0 && !strcmp(out, want),
		      "spm-loader cgroup rm: exit %d: '%s', expected '%s'", r,
		      out, want);
		spm_sleep_ms(rnd(51));
		/* fall through */
	case END_DETACH:
		r = ldr("detach", out, sizeof(out));
		snprintf(want, sizeof(want), "spm-loader: policy %s detached\n",
			 p->name);
		/*
		 * Racing the policy's own exit: a stale pin, nothing left, or
		 * the exiting foreground loader signalled, the policy already
		 * gone ("had already exited").
		 */
		snprintf(exited, sizeof(exited),
			 "spm-loader: policy %s had already exited (", p->name);
		CHECK((r == 0 && strstr(out, want)) ||
		      ((p->self_kind || p->init_fails) &&
		       ((r == 0 && (strstr(out, "stale pin") ||
				    strstr(out, exited))) ||
			(r == 1 && strstr(out, "no policy attached")))),
		      "spm-loader detach: exit %d: %s", r, out);
		st.unknown += !!strstr(out, exited);
		break;
	case END_SYSFS:
		r = write_file(SPM_SYSFS "/state", "disabled");
		CHECK(!r, "write disabled to state: %s", strerror(-r));
		break;
	case END_KILL:
		killed = !loader_wait(&fg, 0) && !kill(fg.pid, SIGKILL);
		st.kills += killed;
		break;
	}

	CHECK(loader_wait(&fg, WAIT_MS), "spm-loader still runs %d s after %s",
	      WAIT_MS / 1000, end_names[end]);
	loader_output(&fg, out, sizeof(out));
	code = WIFEXITED(fg.status) ? WEXITSTATUS(fg.status) : -1;
	CHECK(killed || code == 0 || code == 1 || code == 42,
	      "spm-loader ended with status %#x: %s", fg.status, out);
	/* A foreground loader of a policy that stays says how it ended. */
	if (!pinned && !killed && !p->self_kind && !p->init_fails) {
		snprintf(want, sizeof(want), end == END_SYSFS ?
			 "spm-loader: policy %s ejected: " :
			 "spm-loader: policy %s detached\n", p->name);
		CHECK(strstr(out, want) && (end == END_SYSFS || !code),
		      "spm-loader ended with status %#x, no '%s': %s",
		      fg.status, want, out);
	}
	/* A pin left by a killed or ejected pinned attach: detach removes it. */
	if (!access(PIN_PATH, F_OK)) {
		CHECK(end == END_KILL || end == END_SYSFS,
		      "%s still there after %s", PIN_PATH, end_names[end]);
		r = ldr("detach", out, sizeof(out));
		/* Ejected through sysfs, the link was detached with it. */
		CHECK(r == 0 && (strstr(out, "stale pin") ||
				 (end == END_KILL && strstr(out, "detached\n"))),
		      "spm-loader detach of the pin left: exit %d: %s", r, out);
	}
	CHECK(wait_state("disabled", WAIT_MS),
	      "state not disabled %d s after %s", WAIT_MS / 1000,
	      end_names[end]);
	r = check_detached();
	if (r != PASS)
		return r;
	/* After SIGKILL the loader could not unpin cgroup_spm's table. */
	if (end == END_KILL)
		rm_stale_maps();
	CHECK(access(PIN_PATH, F_OK) && access(PIN_MAPS, F_OK),
	      "a pin is left: %s or %s", PIN_PATH, PIN_MAPS);
	if (p->slow)
		CHECK(!write_file(SPM_SYSFS "/budget_us", SUITE_BUDGET_US),
		      "cannot restore budget_us");
	return check_exit(p, end, seq0, end == END_KILL);
}

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	v = strtol(s, &end, 0);
	return *end || v <= 0 ? -1 : v;
}

/*
 * Free pages of node nid in kB, those waiting on the per-CPU lists too
 * (not in MemFree): /proc/zoneinfo, counters folded first.
 */
static long node_free_kb(int nid)
{
	char line[256];
	long v, sum = 0;
	int node = -1, n;
	FILE *f;

	write_file("/proc/sys/vm/stat_refresh", "1");
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &n) == 1)
			node = n;
		else if (node == nid && (sscanf(line, " pages free %ld", &v) == 1 ||
					 sscanf(line, " count: %ld", &v) == 1))
			sum += v;
	}
	fclose(f);
	return sum * (PAGE_SZ / KiB);
}

static int test_stress(void)
{
	long cycles = env_long("SPM_STRESS_CYCLES", 40), free0[MAX_NODES];
	long seed = env_long("SPM_STRESS_SEED", 0x5eed), ej0, ej, free1;
	unsigned int order[NR_POLICIES], i, j, t;
	int n, r, nid, ms, errors;
	time_t t0 = time(NULL);
	char what[400];

	CHECK(cycles > 0, "SPM_STRESS_CYCLES='%s': not a positive number",
	      getenv("SPM_STRESS_CYCLES"));
	CHECK(seed > 0, "SPM_STRESS_SEED='%s': not a positive number",
	      getenv("SPM_STRESS_SEED"));
	rng = seed;
	for (nid = 0; nid < MAX_NODES; nid++)
		free0[nid] = spm_nodes & NODE_BIT(nid) ? node_free_kb(nid) : 0;
	ej0 = spm_attr_long("nr_ejected");
	r = start_load();
	info("%ld cycles, seed %#lx, %d load processes", cycles, seed, nr_load);

	for (n = 0; r == PASS && n < cycles; n++) {
		/* Every policy once per round of them, in a shuffled order. */
		if (n % NR_POLICIES == 0) {
			for (i = 0; i < NR_POLICIES; i++)
				order[i] = i;
			for (i = NR_POLICIES - 1; i > 0; i--) {
				j = rnd(i + 1);
				t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
		}
		r = cycle(&policies[order[n % NR_POLICIES]]);
		if (r != PASS) {
			snprintf(what, sizeof(what), "cycle %d (%s)", n, cur);
			return fail_prefix(what);
		}
		if ((n + 1) % 10 == 0)
			info("%d cycles in %ld s", n + 1, (long)(time(NULL) - t0));
	}
	if (r != PASS)
		return r;
	r = stop_load(false);
	if (r != PASS)
		return r;

	info("%d cycles in %ld s; endings: detach %d (%d after the policy had exited), sysfs disable %d (%d lost to the policy's own exit), SIGKILL %d (%d killed, %d before the attach), cgroup rm %d; %d second attaches refused, %d BPF_LINK_UPDATEs",
	     n, (long)(time(NULL) - t0), st.ends[END_DETACH], st.unknown,
	     st.ends[END_SYSFS], st.sysfs_lost, st.ends[END_KILL], st.kills,
	     st.kills_early, st.ends[END_CGRM], st.busy, st.updates);
	for (i = 0, errors = 0; i < 4; i++)
		errors += st.kind[i];
	ej = spm_attr_long("nr_ejected") - ej0;
	info("exits: bpf_error %d, bad_return %d, over_budget %d, error %d, unregistered_by_bpf %d; init() failed %d; nr_ejected +%ld",
	     st.kind[0], st.kind[1], st.kind[2], st.kind[3], st.kind[4],
	     st.init_failed, ej);
	for (i = 0; i < (unsigned int)nr_cpus; i++) {
		info("load of CPU %u: %ld rounds, %ld MiB bound to the SPM node, %ld module EIO",
		     i, load->cpu[i].rounds, load->cpu[i].bound,
		     load->cpu[i].mod_eio);
		CHECK(load->cpu[i].rounds, "the load of CPU %u never ran", i);
		CHECK(!load->cpu[i].on_spm,
		      "%ld anonymous pages of CPU %u's load landed on SPM nodes",
		      load->cpu[i].on_spm, i);
		CHECK(!load->cpu[i].mod_err,
		      "%ld module commands of CPU %u's load refused",
		      load->cpu[i].mod_err, i);
	}
	r = check_detached();
	if (r != PASS)
		return r;
	CHECK(ej == errors,
	      "nr_ejected grew by %ld, last_exit showed %d ejections by error",
	      ej, errors);
	/* Every page freed again: retried, a page may be in flight. */
	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		for (ms = 0; ms < WAIT_MS; ms += 200) {
			free1 = node_free_kb(nid);
			if (free1 >= free0[nid] - (long)FREE_SLACK_KB)
				break;
			spm_sleep_ms(200);
		}
		info("node%d free %ld kB, %ld kB before", nid, free1,
		     free0[nid]);
		CHECK(free1 >= free0[nid] - (long)FREE_SLACK_KB,
		      "node%d free %ld kB, %ld kB before the test: %ld kB not given back",
		      nid, free1, free0[nid], free0[nid] - free1);
	}
	return PASS;
}

static int setup_stress(void)
{
	unsigned int i;
	int r = need_spm_ops();

	if (r != PASS)
		return r;
	for (i = 0; i < NR_POLICIES; i++)
		CHECK(!access(policies[i].obj, R_OK), "%s missing from the guest",
		      policies[i].obj);
	return make_cgroup(STRESS_CG);
}

static void cleanup_stress(void)
{
	char out[256];

	stop_load(true);
	reset_spm();
	write_file(SPM_SYSFS "/budget_us", SUITE_BUDGET_US);
	rm_stale_maps();
	run_cmd("rm -rf " STRESS_TMP ".* 2>&1", out, sizeof(out));
	remove_cgroup(STRESS_CG);
	restore_cgroup_controllers();
}
TEST(stress_lifecycle, "attach/detach/ejection cycles of every policy (sysfs disable, SIGKILL, cgroup rm, self-ejection) under allocation load on every CPU: state, pins, last_exit, nr_ejected, SPM free memory",
	setup_stress, test_stress, cleanup_stress);
