// SPDX-License-Identifier: GPL-2.0
/*
 * spm_ops policy tests: BPF policies attached with spm-loader, checked
 * where pages really landed (move_pages() queries, the test module's
 * per-node result, node meminfo), in /sys/kernel/mm/spm and in the
 * policies' own maps.
 *
 * A kernel without spm_ops (no /sys/kernel/mm/spm) fails these tests: the
 * SPM kernel under test must have it.  Every test leaves no policy behind:
 * cleanup() stops its loader, removes a pin and, as a last resort, ejects
 * whatever is attached through /sys/kernel/mm/spm/state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

#define TEST_BPF_DIR	"/lib/spm/selftests"
#define PIN_PATH	"/sys/fs/bpf/spm_ops/link"
#define PIN_MAPS	"/sys/fs/bpf/spm_ops/maps"
#define NODE_HUGEPAGES	"/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/nr_hugepages"
#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CGROUP_TEST	CGROUP_ROOT "/spm_admit_all"

/* How long the kernel and the loader get to attach or detach. */
#define WAIT_MS		10000
#define MOD_COUNT	512

/* enum spm_reason (include/linux/spm.h): keys of hard_guardrail's map. */
#define SPM_REASON_NONE		0
#define SPM_REASON_HUGETLB	6
#define SPM_REASON_BULK		11
#define NR_SPM_REASONS		13

static int first_spm(void)
{
	return nodemask_first(spm_nodes);
}

/* ---- /sys/kernel/mm/spm ---- */

/* Read SPM_SYSFS/attr without the trailing newline. 0 or -errno. */
static int spm_attr(const char *attr, char *buf, size_t len)
{
	char path[128];
	int r;

	snprintf(path, sizeof(path), SPM_SYSFS "/%s", attr);
	r = read_file(path, buf, len);
	if (r < 0) {
		buf[0] = '\0';
		return r;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static long spm_attr_long(const char *attr)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), SPM_SYSFS "/%s", attr);
	return read_long(path, &v) ? -1 : v;
}

static bool state_is(const char *want)
{
	char state[32];

	return !spm_attr("state", state, sizeof(state)) && !strcmp(state, want);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static bool wait_state(const char *want, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (state_is(want))
			return true;
		sleep_ms(20);
	}
	return state_is(want);
}

/* The attached policy is @name, enabled. */
static int check_attached(const char *name)
{
	char state[32], ops[80];

	spm_attr("state", state, sizeof(state));
	spm_attr("ops", ops, sizeof(ops));
	CHECK(!strcmp(state, "enabled") && !strcmp(ops, name),
	      "state '%s', ops '%s': expected enabled, %s", state, ops, name);
	return PASS;
}

/* No policy attached, the built-in rule in force. */
static int check_detached(void)
{
	char state[32], ops[80];

	spm_attr("state", state, sizeof(state));
	spm_attr("ops", ops, sizeof(ops));
	CHECK(!strcmp(state, "disabled") && !ops[0],
	      "state '%s', ops '%s': expected disabled, no policy", state, ops);
	return PASS;
}

/* ---- spm-loader ---- */

/* A foreground spm-loader; its output goes to a file. */
struct loader {
	pid_t pid;
	int status;		/* wait status once it exited */
	bool exited;
	char log[64];
};

static struct loader fg;

/* Run "spm-loader ARGS" to completion, stdout and stderr in out. */
static int loader_cmd(const char *args, char *out, size_t len)
{
	char cmd[512];
	int r;

	snprintf(cmd, sizeof(cmd), LOADER " %s 2>&1", args);
	r = run_cmd(cmd, out, len);
	info("spm-loader %s: exit %d: %s", args, r, out);
	return r;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Did the loader exit?  Waits up to ms. */
static bool loader_wait(struct loader *l, int ms)
{
	for (;;) {
		if (l->exited)
			return true;
		if (waitpid(l->pid, &l->status, WNOHANG) == l->pid) {
			l->exited = true;
			return true;
		}
		if (ms <= 0)
			return false;
		sleep_ms(20);
		ms -= 20;
	}
}

static void loader_output(const struct loader *l, char *buf, size_t len)
{
	if (read_file(l->log, buf, len) < 0)
		buf[0] = '\0';
}

/*
 * Start "spm-loader attach OBJ ARGS" in the foreground and wait until it
 * says the policy NAME is attached and the kernel agrees.
 */
static int loader_start(const char *obj, const char *args, const char *name)
{
	char out[4096], want[128];
	int ms;

	snprintf(fg.log, sizeof(fg.log), "/tmp/spm-loader.%d.log", getpid());
	fg.exited = false;
	fflush(stdout);
	fg.pid = fork();
	CHECK(fg.pid >= 0, "fork: %s", strerror(errno));
	if (!fg.pid) {
		int fd = open(fg.log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execl("/bin/sh", "sh", "-c",
		      "exec " LOADER " attach \"$0\" $1", obj, args ? args : "",
		      (char *)NULL);
		_exit(127);
	}

	snprintf(want, sizeof(want), "spm-loader: policy %s attached\n", name);
	for (ms = 0; ms < WAIT_MS; ms += 20) {
		loader_output(&fg, out, sizeof(out));
		if (strstr(out, want))
			break;
		if (loader_wait(&fg, 0))
			return fail("spm-loader attach %s %s exited (status %#x) before attaching: %s",
				    obj, args ? args : "", fg.status, out);
		sleep_ms(20);
	}
	CHECK(ms < WAIT_MS, "spm-loader attach %s: no '%.*s' after %d s: %s",
	      obj, (int)strlen(want) - 1, want, WAIT_MS / 1000, out);
	info("loader %d: %s", fg.pid, out);
	return check_attached(name);
}

/* Signal the foreground loader and wait for it to exit. */
static int loader_stop(int sig)
{
	char out[4096];

	CHECK(fg.pid > 0, "no loader running");
	if (!fg.exited)
		kill(fg.pid, sig);
	if (!loader_wait(&fg, WAIT_MS)) {
		loader_output(&fg, out, sizeof(out));
		return fail("spm-loader did not exit within %d s of signal %d: %s",
			    WAIT_MS / 1000, sig, out);
	}
	return PASS;
}

/* Attach with --pin: the loader must say so and exit 0. */
static int attach_pinned(const char *obj, const char *args, const char *name)
{
	char cmd[256], out[4096], want[160];
	int r;

	snprintf(cmd, sizeof(cmd), "attach %s --pin %s", obj, args ? args : "");
	r = loader_cmd(cmd, out, sizeof(out));
	CHECK(r == 0, "spm-loader %s: exit %d: %s", cmd, r, out);
	snprintf(want, sizeof(want),
		 "spm-loader: policy %s attached and pinned at " PIN_PATH "\n",
		 name);
	CHECK(strstr(out, want), "spm-loader %s: no '%.*s' in: %s", cmd,
	      (int)strlen(want) - 1, want, out);
	CHECK(!access(PIN_PATH, F_OK), "spm-loader %s: no pin at %s", cmd,
	      PIN_PATH);
	return check_attached(name);
}

static int detach(const char *name)
{
	char out[4096], want[128];
	int r;

	r = loader_cmd("detach", out, sizeof(out));
	CHECK(r == 0, "spm-loader detach: exit %d: %s", r, out);
	snprintf(want, sizeof(want), "spm-loader: policy %s detached\n", name);
	CHECK(strstr(out, want), "spm-loader detach: no '%.*s' in: %s",
	      (int)strlen(want) - 1, want, out);
	CHECK(access(PIN_PATH, F_OK) && errno == ENOENT,
	      "%s still exists after spm-loader detach", PIN_PATH);
	CHECK(access(PIN_MAPS, F_OK) && errno == ENOENT,
	      "%s still exists after spm-loader detach", PIN_MAPS);
	return check_detached();
}

/* ---- setup and cleanup ---- */

/* Leave no policy attached, whatever state a test left. */
static void reset_spm(void)
{
	char out[4096];

	if (fg.pid > 0) {
		if (!fg.exited) {
			kill(fg.pid, SIGTERM);
			if (!loader_wait(&fg, WAIT_MS)) {
				kill(fg.pid, SIGKILL);
				loader_wait(&fg, WAIT_MS);
			}
		}
		unlink(fg.log);
		fg.pid = 0;
	}
	if (!access(PIN_PATH, F_OK))
		loader_cmd("detach", out, sizeof(out));
	if (!state_is("disabled")) {
		write_file(SPM_SYSFS "/state", "disabled");
		wait_state("disabled", WAIT_MS);
	}
}

static int need_spm_ops(void)
{
	static const char * const files[] = {
		LOADER, HARD_POLICY,
		TEST_BPF_DIR "/test_error.bpf.o",
		TEST_BPF_DIR "/test_bad_return.bpf.o",
		TEST_BPF_DIR "/test_deny_all.bpf.o",
		TEST_BPF_DIR "/test_admit_all.bpf.o",
		TEST_BPF_DIR "/test_sleepable_admit.bpf.o",
		TEST_BPF_DIR "/test_ctx_write.bpf.o",
		TEST_BPF_DIR "/test_bad_kfunc.bpf.o",
		TEST_BPF_DIR "/test_no_name.bpf.o",
	};
	unsigned int i;
	int r = need_module();

	if (r != PASS)
		return r;
	CHECK(!access(SPM_SYSFS "/state", R_OK),
	      "no %s/state: this kernel has no spm_ops", SPM_SYSFS);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		CHECK(!access(files[i], R_OK), "%s missing from the guest",
		      files[i]);
	reset_spm();
	return check_detached();
}

static void cleanup_policy(void)
{
	reset_spm();
}

/* ---- BPF maps, read with the bpf() system call ---- */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int possible_cpus(void)
{
	char buf[256];
	nodemask64 mask;

	/* The CPU list parses like a node list; this guest has few CPUs. */
	if (read_file("/sys/devices/system/cpu/possible", buf, sizeof(buf)) < 0 ||
	    nodelist_parse(buf, &mask) || !mask)
		return -1;
	return 64 - __builtin_clzll(mask);
}

/* An fd of the BPF map pinned at path, its info in info; or -errno. */
static int pinned_map(const char *path, struct bpf_map_info *info)
{
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	fd = sys_bpf(BPF_OBJ_GET, &attr);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (__u64)(unsigned long)info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* hard_guardrail's "verdicts": admit and deny counts per reason, all CPUs. */
struct verdicts {
	unsigned long long admit[NR_SPM_REASONS];
	unsigned long long deny[NR_SPM_REASONS];
};

static int read_verdicts(struct verdicts *v)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	unsigned long long *val;
	int fd, ncpu, cpu;
	__u32 key;
	size_t stride;

	memset(v, 0, sizeof(*v));
	ncpu = possible_cpus();
	CHECK(ncpu > 0, "cannot read the possible CPUs");
	fd = pinned_map(VERDICTS_PIN, &info);
	CHECK(fd >= 0, "%s: %s", VERDICTS_PIN, strerror(-fd));
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY || info.value_size != 16 ||
	    info.max_entries < NR_SPM_REASONS) {
		close(fd);
		return fail("map verdicts: type %u, value size %u, %u entries: not hard_guardrail's",
			    info.type, info.value_size, info.max_entries);
	}
	stride = (info.value_size + 7) / 8;
	val = calloc(ncpu, stride * 8);
	if (!val) {
		close(fd);
		return fail("out of memory");
	}
	for (key = 0; key < NR_SPM_REASONS; key++) {
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (__u64)(unsigned long)&key;
		attr.value = (__u64)(unsigned long)val;
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr)) {
			int err = errno;

			free(val);
			close(fd);
			return fail("map verdicts, key %u: %s", key,
				    strerror(err));
		}
		for (cpu = 0; cpu < ncpu; cpu++) {
			v->admit[key] += val[cpu * stride];
			v->deny[key] += val[cpu * stride + 1];
		}
	}
	free(val);
	close(fd);
	return PASS;
}

static unsigned long long sum(const unsigned long long *a)
{
	unsigned long long s = 0;
	int i;

	for (i = 0; i < NR_SPM_REASONS; i++)
		s += a[i];
	return s;
}

int hard_verdict_totals(unsigned long long *admit, unsigned long long *deny)
{
	struct verdicts v;

	if (read_verdicts(&v) != PASS)
		return -1;
	*admit = sum(v.admit);
	*deny = sum(v.deny);
	return 0;
}

/* "reason:+admit/+deny ..." for the reasons that moved from a to b. */
static char *verdicts_delta(const struct verdicts *a, const struct verdicts *b)
{
	static char buf[512];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NR_SPM_REASONS && n < sizeof(buf); i++)
		if (b->admit[i] != a->admit[i] || b->deny[i] != a->deny[i])
			n += snprintf(buf + n, sizeof(buf) - n, "%s%d:+%llu/+%llu",
				      n ? " " : "", i, b->admit[i] - a->admit[i],
				      b->deny[i] - a->deny[i]);
	return buf;
}

/* ---- hard_guardrail ---- */

static int test_hard_isolation(void)
{
	/* The placement checks of isolation.c, under the policy. */
	static const char * const subtests[] = {
		"anon", "tmpfs", "interleave_all", "interleave_direct",
		"mpol_bind", "module_default", "module_noflag",
		"module_thisnode_noflag", "module_atomic", "module_bulk",
		"module_spm_admit", "module_spm_unnamed",
	};
	long ejected = spm_attr_long("nr_ejected");
	int spm = first_spm(), r;
	struct verdicts v0, v1;
	struct mod_result res;
	unsigned int i;
	char cmd[128];

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	if (read_verdicts(&v0) != PASS)
		return FAIL;
	for (i = 0; i < ARRAY_SIZE(subtests); i++) {
		r = run_subtest(subtests[i]);
		if (r != PASS)
			return r;
	}
	/* Still attached: nothing in there ejected the policy. */
	r = check_attached("hard_guardrail");
	if (r != PASS)
		return r;
	CHECK(spm_attr_long("nr_ejected") == ejected,
	      "nr_ejected went from %ld to %ld", ejected,
	      spm_attr_long("nr_ejected"));
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	info("during the checks the policy admitted %llu and denied %llu requests",
	     sum(v1.admit) - sum(v0.admit), sum(v1.deny) - sum(v0.deny));
	CHECK(sum(v1.admit) > sum(v0.admit) && sum(v1.deny) > sum(v0.deny),
	      "the policy admitted %llu and denied %llu requests during the checks",
	      sum(v1.admit) - sum(v0.admit), sum(v1.deny) - sum(v0.deny));

	/*
	 * The policy, not the built-in rule, decides: each page of a page
	 * by page allocation is one admission of reason "none" at least...
	 */
	v0 = v1;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d", spm, spm,
		 MOD_COUNT);
	r = mod_on(cmd, spm, MOD_COUNT);
	if (r != PASS)
		return r;
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	CHECK(v1.admit[SPM_REASON_NONE] - v0.admit[SPM_REASON_NONE] >= MOD_COUNT,
	      "'%s': %llu admissions of reason none for %d pages (reason:+admits/+denials %s)",
	      cmd, v1.admit[SPM_REASON_NONE] - v0.admit[SPM_REASON_NONE],
	      MOD_COUNT, verdicts_delta(&v0, &v1));
	/* ...and each refused __GFP_THISNODE page one denial. */
	v0 = v1;
	snprintf(cmd, sizeof(cmd), "spm=0 nid=%d thisnode=1 count=64", spm);
	if (mod(cmd, &res) != PASS)
		return FAIL;
	CHECK(res.ok == 0, "'%s': %ld pages allocated, expected none (%s)",
	      cmd, res.ok, RES(&res));
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	CHECK(v1.deny[SPM_REASON_NONE] - v0.deny[SPM_REASON_NONE] >= 64,
	      "'%s': %llu denials of reason none for 64 pages (reason:+admits/+denials %s)",
	      cmd, v1.deny[SPM_REASON_NONE] - v0.deny[SPM_REASON_NONE],
	      verdicts_delta(&v0, &v1));
	return detach("hard_guardrail");
}
TEST(hard_policy_isolation, "hard_guardrail attached (--pin): the isolation placement checks hold, the policy decides",
	need_spm_ops, test_hard_isolation, cleanup_policy);

/* Exactly one line of output, containing each of the words. */
static int check_one_line(const char *what, const char *out,
			  const char * const *words)
{
	CHECK(count_lines(out) == 1, "%s: %d lines of output, expected one: %s",
	      what, count_lines(out), out);
	for (; *words; words++)
		CHECK(strstr(out, *words), "%s: no '%s' in: %s", what, *words,
		      out);
	return PASS;
}

static int test_hard_status(void)
{
	static const char * const busy_words[] = {
		"spm-loader: ", "'hard_guardrail'", "already attached", NULL,
	};
	static const char * const second[] = {
		TEST_BPF_DIR "/test_deny_all.bpf.o",
		TEST_BPF_DIR "/test_deny_all.bpf.o --pin",
		HARD_POLICY " --pin",
	};
	long seq0 = spm_attr_long("enable_seq");
	char out[4096], cmd[256];
	unsigned int i;
	int r;

	CHECK(seq0 >= 0, "cannot read %s/enable_seq", SPM_SYSFS);
	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	CHECK(spm_attr_long("enable_seq") == seq0 + 1,
	      "enable_seq went from %ld to %ld on attach", seq0,
	      spm_attr_long("enable_seq"));

	r = loader_cmd("status", out, sizeof(out));
	CHECK(r == 0, "spm-loader status: exit %d: %s", r, out);
	CHECK(strstr(out, "state: enabled\n") &&
	      strstr(out, "policy: hard_guardrail\n") &&
	      strstr(out, "pinned: " PIN_PATH "\n"),
	      "spm-loader status: %s", out);
	snprintf(cmd, sizeof(cmd), "enable_seq: %ld\n", seq0 + 1);
	CHECK(strstr(out, cmd), "spm-loader status: no '%.*s' in: %s",
	      (int)strlen(cmd) - 1, cmd, out);
	r = loader_cmd("status --json", out, sizeof(out));
	CHECK(r == 0, "spm-loader status --json: exit %d: %s", r, out);
	snprintf(cmd, sizeof(cmd), "\"enable_seq\":%ld,", seq0 + 1);
	CHECK(count_lines(out) == 1 && out[0] == '{' &&
	      strstr(out, "{\"state\":\"enabled\",") &&
	      strstr(out, ",\"policy\":\"hard_guardrail\",") &&
	      strstr(out, cmd) &&
	      strstr(out, ",\"pinned\":\"" PIN_PATH "\""),
	      "spm-loader status --json: %s", out);

	/* One policy at a time. */
	for (i = 0; i < ARRAY_SIZE(second); i++) {
		snprintf(cmd, sizeof(cmd), "attach %s", second[i]);
		r = loader_cmd(cmd, out, sizeof(out));
		CHECK(r != 0, "a second 'spm-loader %s' succeeded: %s", cmd,
		      out);
		r = check_one_line(cmd, out, busy_words);
		if (r != PASS)
			return r;
		r = check_attached("hard_guardrail");
		if (r != PASS)
			return r;
		CHECK(spm_attr_long("enable_seq") == seq0 + 1,
		      "enable_seq is %ld after a refused attach, expected %ld",
		      spm_attr_long("enable_seq"), seq0 + 1);
	}

	r = detach("hard_guardrail");
	if (r != PASS)
		return r;
	r = loader_cmd("status", out, sizeof(out));
	CHECK(r == 0 && strstr(out, "state: disabled\n") &&
	      strstr(out, "policy: (none)\n") && strstr(out, "pinned: (none)\n"),
	      "spm-loader status after detach (exit %d): %s", r, out);
	CHECK(spm_attr_long("enable_seq") == seq0 + 1,
	      "enable_seq changed on detach: %ld", spm_attr_long("enable_seq"));

	/* Every attach counts. */
	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	CHECK(spm_attr_long("enable_seq") == seq0 + 2,
	      "enable_seq is %ld after a second attach, expected %ld",
	      spm_attr_long("enable_seq"), seq0 + 2);
	return detach("hard_guardrail");
}
TEST(hard_policy_status, "spm-loader status and sysfs show hard_guardrail; enable_seq counts attaches; a second attach is refused",
	need_spm_ops, test_hard_status, cleanup_policy);

static long node_hugepages(int nid)
{
	char path[160];
	long v;

	snprintf(path, sizeof(path), NODE_HUGEPAGES, nid);
	return read_long(path, &v) ? -1 : v;
}

static int set_node_hugepages(int nid, long n)
{
	char path[160], val[32];

	snprintf(path, sizeof(path), NODE_HUGEPAGES, nid);
	snprintf(val, sizeof(val), "%ld", n);
	return write_file(path, val);
}

/*
 * Write 8 to the SPM node's nr_hugepages under hard_guardrail with args;
 * want huge pages must land there, counted in the policy's map.
 */
static int hugetlb_under(const char *args, long want)
{
	const long ask = 8;
	int spm = first_spm(), r;
	long free0, free1, got, hp;
	struct verdicts v0, v1;

	r = attach_pinned(HARD_POLICY, args, "hard_guardrail");
	if (r != PASS)
		return r;
	CHECK(node_hugepages(spm) == 0, "node%d has %ld huge pages before",
	      spm, node_hugepages(spm));
	if (read_verdicts(&v0) != PASS)
		return FAIL;
	free0 = node_meminfo_kb(spm, "MemFree");
	r = set_node_hugepages(spm, ask);
	got = node_hugepages(spm);
	free1 = node_meminfo_kb(spm, "MemFree");
	hp = node_meminfo_kb(spm, "HugePages_Total");
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	info("%s: write %ld to node%d nr_hugepages: %s; reads %ld, HugePages_Total %ld, MemFree %+ld kB; hugetlb admits %+lld, denies %+lld",
	     args ? args : "no knob", ask, spm, r ? strerror(-r) : "ok", got,
	     hp, free1 - free0,
	     v1.admit[SPM_REASON_HUGETLB] - v0.admit[SPM_REASON_HUGETLB],
	     v1.deny[SPM_REASON_HUGETLB] - v0.deny[SPM_REASON_HUGETLB]);
	CHECK(got == want && hp == want,
	      "%s: node%d nr_hugepages %ld, HugePages_Total %ld after writing %ld, expected %ld",
	      args ? args : "no knob", spm, got, hp, ask, want);
	if (want) {
		/* 2 MiB each, really taken from the node. */
		CHECK(free0 - free1 >= want * 2048 - 1024,
		      "node%d MemFree dropped by %ld kB for %ld huge pages",
		      spm, free0 - free1, want);
		CHECK(v1.admit[SPM_REASON_HUGETLB] - v0.admit[SPM_REASON_HUGETLB] >=
		      (unsigned long long)want,
		      "the policy admitted %llu hugetlb requests for %ld pages",
		      v1.admit[SPM_REASON_HUGETLB] - v0.admit[SPM_REASON_HUGETLB],
		      want);
	} else {
		CHECK(free0 - free1 < 2048,
		      "node%d MemFree dropped by %ld kB, no huge page there",
		      spm, free0 - free1);
		CHECK(v1.deny[SPM_REASON_HUGETLB] > v0.deny[SPM_REASON_HUGETLB],
		      "the policy was never asked about the hugetlb pool");
	}

	/*
	 * Back to 0.  MemFree is no measure of it: freed huge pages may
	 * wait on the per-CPU lists.
	 */
	r = set_node_hugepages(spm, 0);
	hp = node_meminfo_kb(spm, "HugePages_Total");
	CHECK(!r && node_hugepages(spm) == 0 && hp == 0,
	      "cannot shrink node%d's pool to 0 (%s): nr_hugepages %ld, HugePages_Total %ld",
	      spm, r ? strerror(-r) : "ok", node_hugepages(spm), hp);
	return detach("hard_guardrail");
}

/* The bulk allocator's requests reach the policy as reason bulk. */
static int bulk_reason(void)
{
	struct verdicts v0, v1;
	int spm = first_spm(), r;
	char cmd[128];

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	if (read_verdicts(&v0) != PASS)
		return FAIL;
	snprintf(cmd, sizeof(cmd), "mode=bulk spm=1 nid=%d mask=%d count=%d",
		 spm, spm, MOD_COUNT);
	r = mod_on(cmd, spm, MOD_COUNT);
	if (r != PASS)
		return r;
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	info("'%s': reason:+admits/+denials %s", cmd, verdicts_delta(&v0, &v1));
	CHECK(v1.admit[SPM_REASON_BULK] > v0.admit[SPM_REASON_BULK],
	      "'%s': no admission of reason bulk (reason:+admits/+denials %s)",
	      cmd, verdicts_delta(&v0, &v1));
	return detach("hard_guardrail");
}

static int test_hard_reasons(void)
{
	int r;

	r = hugetlb_under(NULL, 0);
	if (r != PASS)
		return r;
	r = hugetlb_under("--set allow_reasons=hugetlb", 8);
	if (r != PASS)
		return r;
	return bulk_reason();
}

static void cleanup_hard_reasons(void)
{
	int nid;

	reset_spm();
	for (nid = 0; nid < MAX_NODES; nid++)
		if (spm_nodes & NODE_BIT(nid))
			set_node_hugepages(nid, 0);
}
TEST(hard_policy_reasons, "hard_guardrail: allow_reasons=hugetlb grows the SPM node's hugetlb pool, which stays 0 without; bulk requests ask as bulk",
	need_spm_ops, test_hard_reasons, cleanup_hard_reasons);

/* ---- the loader's life cycle ---- */

/* The built-in rule, checked by allocations: only the flag gets SPM. */
static int check_default_rule(void)
{
	int spm = first_spm();
	struct mod_result res;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "spm=0 nid=%d thisnode=1 count=64", spm);
	if (mod(cmd, &res) != PASS)
		return FAIL;
	CHECK(res.ok == 0, "'%s': %ld pages allocated, expected none (%s)",
	      cmd, res.ok, RES(&res));
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d", spm, spm,
		 MOD_COUNT);
	return mod_on(cmd, spm, MOD_COUNT);
}

static int test_loader_sigkill(void)
{
	long ejected = spm_attr_long("nr_ejected");
	char last[512];
	int r;

	r = loader_start(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	r = loader_stop(SIGKILL);
	if (r != PASS)
		return r;
	CHECK(WIFSIGNALED(fg.status) && WTERMSIG(fg.status) == SIGKILL,
	      "the loader ended with status %#x", fg.status);
	CHECK(wait_state("disabled", WAIT_MS),
	      "state still not disabled %d s after the loader was killed",
	      WAIT_MS / 1000);
	r = check_detached();
	if (r != PASS)
		return r;
	spm_attr("last_exit", last, sizeof(last));
	CHECK(!strncmp(last, "unregistered hard_guardrail: ", 29),
	      "last_exit '%s', expected 'unregistered hard_guardrail: ...'",
	      last);
	CHECK(spm_attr_long("nr_ejected") == ejected,
	      "nr_ejected went from %ld to %ld: closing the link is no ejection",
	      ejected, spm_attr_long("nr_ejected"));
	return check_default_rule();
}
TEST(loader_sigkill, "SIGKILL of a foreground spm-loader detaches its policy; the built-in rule is back",
	need_spm_ops, test_loader_sigkill, cleanup_policy);

static int test_loader_pin(void)
{
	char out[4096];
	int r;

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	/* The loader has exited: the pin alone holds the policy. */
	sleep_ms(200);
	r = check_attached("hard_guardrail");
	if (r != PASS)
		return r;
	r = detach("hard_guardrail");
	if (r != PASS)
		return r;
	r = loader_cmd("detach", out, sizeof(out));
	CHECK(r != 0 && count_lines(out) == 1 &&
	      strstr(out, "no policy attached"),
	      "spm-loader detach with nothing attached: exit %d: %s", r, out);
	return check_default_rule();
}
TEST(loader_pin, "spm-loader attach --pin outlives the loader; spm-loader detach removes policy and pin",
	need_spm_ops, test_loader_pin, cleanup_policy);

/* ---- misbehaving policies are ejected ---- */

/*
 * Attach obj in the foreground, make the module ask for SPM node pages,
 * expect the kernel to eject the policy with last_exit starting with
 * want_exit, and the loader to report it and exit 1.
 */
static int check_ejected(const char *obj, const char *name,
			 const char *want_exit)
{
	long ejected = spm_attr_long("nr_ejected");
	char cmd[128], out[4096], last[512], line[600];
	int spm = first_spm(), r;
	struct mod_result res;

	r = loader_start(obj, NULL, name);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d", spm, spm,
		 MOD_COUNT);
	if (mod(cmd, &res) != PASS)
		return FAIL;

	if (!loader_wait(&fg, WAIT_MS)) {
		loader_output(&fg, out, sizeof(out));
		return fail("%s not ejected: the loader still runs %d s later (state %s): %s",
			    name, WAIT_MS / 1000,
			    state_is("enabled") ? "enabled" : "not enabled",
			    out);
	}
	loader_output(&fg, out, sizeof(out));
	info("loader: status %#x: %s", fg.status, out);
	CHECK(WIFEXITED(fg.status) && WEXITSTATUS(fg.status) == 1,
	      "the loader ended with status %#x, expected exit 1: %s",
	      fg.status, out);
	r = check_detached();
	if (r != PASS)
		return r;
	spm_attr("last_exit", last, sizeof(last));
	CHECK(!strncmp(last, want_exit, strlen(want_exit)),
	      "last_exit '%s', expected '%s...'", last, want_exit);
	snprintf(line, sizeof(line), "spm-loader: policy %s ejected: %s\n",
		 name, last);
	CHECK(strstr(out, line), "the loader did not print '%.*s': %s",
	      (int)strlen(line) - 1, line, out);
	CHECK(spm_attr_long("nr_ejected") == ejected + 1,
	      "nr_ejected went from %ld to %ld, expected +1", ejected,
	      spm_attr_long("nr_ejected"));
	/* The request that ejected the policy got the built-in verdict. */
	CHECK(res.ok == MOD_COUNT && res.node[spm] == MOD_COUNT,
	      "'%s' while %s was ejected: expected all %d pages on node %d, got %s",
	      cmd, name, MOD_COUNT, spm, RES(&res));
	return check_default_rule();
}

static int test_policy_error(void)
{
	char want[128];

	snprintf(want, sizeof(want),
		 "bpf_error test_error: test_error: refusing node %d ",
		 first_spm());
	return check_ejected(TEST_BPF_DIR "/test_error.bpf.o", "test_error",
			     want);
}
TEST(policy_error, "spm_error() in admit() ejects the policy: last_exit, nr_ejected, the loader's line, default verdict",
	need_spm_ops, test_policy_error, cleanup_policy);

static int test_policy_bad_return(void)
{
	char want[128];

	snprintf(want, sizeof(want),
		 "bad_return test_bad_return: admit() returned 7 for node %d",
		 first_spm());
	return check_ejected(TEST_BPF_DIR "/test_bad_return.bpf.o",
			     "test_bad_return", want);
}
TEST(policy_bad_return, "admit() returning 7 ejects the policy with kind bad_return",
	need_spm_ops, test_policy_bad_return, cleanup_policy);

/* ---- what a policy can and cannot do ---- */

/* The foreground loader detaches on SIGTERM and says so. */
static int stop_detached(const char *name)
{
	char out[4096], want[128];
	int r;

	r = loader_stop(SIGTERM);
	if (r != PASS)
		return r;
	loader_output(&fg, out, sizeof(out));
	snprintf(want, sizeof(want), "spm-loader: policy %s detached\n", name);
	CHECK(WIFEXITED(fg.status) && WEXITSTATUS(fg.status) == 0 &&
	      strstr(out, want),
	      "after SIGTERM the loader ended with status %#x: %s", fg.status,
	      out);
	return check_detached();
}

static int test_policy_deny_all(void)
{
	int spm = first_spm(), r;
	long deny0, deny1;
	struct mod_result res;
	size_t len = 32 * MiB;
	char cmd[128];
	void *p;

	r = loader_start(TEST_BPF_DIR "/test_deny_all.bpf.o", NULL,
			 "test_deny_all");
	if (r != PASS)
		return r;

	/* Asked for with the flag: refused, falls back to system RAM. */
	deny0 = node_vmstat(spm, "spm_deny");
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d", spm, spm,
		 MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d thisnode=1 count=64", spm);
	if (mod(cmd, &res) != PASS)
		return FAIL;
	CHECK(res.ok == 0, "'%s': %ld pages allocated, expected none (%s)",
	      cmd, res.ok, RES(&res));
	deny1 = node_vmstat(spm, "spm_deny");
	CHECK(deny1 - deny0 >= 64, "node%d spm_deny grew by %ld only", spm,
	      deny1 - deny0);

	/* System RAM allocations do not depend on the policy. */
	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	r = check_sysram(0, p, len, "anonymous memory");
	munmap(p, len);
	if (r != PASS)
		return r;
	r = mod_sysram("mode=page count=512", MOD_COUNT);
	if (r != PASS)
		return r;
	r = mod_sysram("mode=bulk count=512", MOD_COUNT);
	if (r != PASS)
		return r;
	return stop_detached("test_deny_all");
}
TEST(policy_deny_all, "a deny-all policy: __GFP_SPM_NODE requests get no SPM page; system RAM allocations unaffected",
	need_spm_ops, test_policy_deny_all, cleanup_policy);

static int enter_cpuset(const char *mems)
{
	char buf[256], pid[32];
	int r;

	r = write_file(CGROUP_ROOT "/cgroup.subtree_control", "+cpuset");
	CHECK(!r, "enable the cpuset controller: %s", strerror(-r));
	CHECK(!mkdir(CGROUP_TEST, 0755) || errno == EEXIST, "mkdir %s: %s",
	      CGROUP_TEST, strerror(errno));
	r = write_file(CGROUP_TEST "/cpuset.mems", mems);
	CHECK(!r, "write %s to cpuset.mems: %s", mems, strerror(-r));
	snprintf(pid, sizeof(pid), "%d", getpid());
	r = write_file(CGROUP_TEST "/cgroup.procs", pid);
	CHECK(!r, "move the test into %s: %s", CGROUP_TEST, strerror(-r));
	r = read_file(CGROUP_TEST "/cpuset.mems.effective", buf, sizeof(buf));
	CHECK(r >= 0 && !strncmp(buf, mems, strlen(mems)),
	      "cpuset.mems.effective is '%s', expected %s", buf, mems);
	return PASS;
}

static void leave_cpuset(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CGROUP_ROOT "/cgroup.procs", pid);
	rmdir(CGROUP_TEST);
}

static int test_policy_admit_all(void)
{
	int spm = first_spm(), sys = nodemask_first(sysram_nodes), r;
	struct mod_result res;
	size_t len = 32 * MiB;
	char cmd[128];
	void *p;

	r = loader_start(TEST_BPF_DIR "/test_admit_all.bpf.o", NULL,
			 "test_admit_all");
	if (r != PASS)
		return r;

	/* The policy admits what the built-in rule refuses... */
	snprintf(cmd, sizeof(cmd), "spm=0 nid=%d mask=%d count=%d", spm, spm,
		 MOD_COUNT);
	r = mod_on(cmd, spm, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=0 nid=%d count=%d", spm, MOD_COUNT);
	r = mod_on(cmd, spm, MOD_COUNT);
	if (r != PASS)
		return r;

	/* ...but never beyond the caller's own mask... */
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d", spm, sys,
		 MOD_COUNT);
	r = mod_on(cmd, sys, MOD_COUNT);
	if (r != PASS)
		return r;

	/* ...and ordinary memory stays local while there is plenty. */
	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	r = check_sysram(0, p, len, "anonymous memory");
	munmap(p, len);
	if (r != PASS)
		return r;

	/* ...nor beyond the task's cpuset. */
	r = enter_cpuset(NL(sysram_nodes, 1));
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=0 nid=%d count=%d", spm, MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d count=%d", spm, MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d thisnode=1 count=64", spm);
	if (mod(cmd, &res) != PASS)
		return FAIL;
	CHECK(res.ok == 0, "'%s' in the cpuset: %ld pages allocated, expected none (%s)",
	      cmd, res.ok, RES(&res));
	p = map_touch(len);
	CHECK(p, "mmap: %s", strerror(errno));
	r = check_sysram(0, p, len, "anonymous memory in the cpuset");
	munmap(p, len);
	if (r != PASS)
		return r;
	leave_cpuset();

	/* spm-loader detach finds the foreground loader by its pidfile. */
	r = detach("test_admit_all");
	if (r != PASS)
		return r;
	CHECK(loader_wait(&fg, WAIT_MS) && WIFEXITED(fg.status) &&
	      WEXITSTATUS(fg.status) == 0,
	      "the foreground loader did not exit 0 after spm-loader detach (status %#x)",
	      fg.status);
	return PASS;
}

static void cleanup_admit_all(void)
{
	leave_cpuset();
	reset_spm();
}
TEST(policy_admit_all, "an admit-all policy gets SPM pages only within the caller's mask and cpuset; anonymous memory stays local",
	need_spm_ops, test_policy_admit_all, cleanup_admit_all);

static int test_policy_rejected(void)
{
	static const struct {
		const char *obj;
		const char *words[4];
	} cases[] = {
		{ "test_sleepable_admit", { "test_sleepable_admit.bpf.o",
					    "'sleepable_admit'", "sleepable",
					    NULL } },
		{ "test_ctx_write", { "test_ctx_write.bpf.o",
				      "verifier rejected program 'ctx_write_admit'",
				      NULL } },
		{ "test_no_name", { "test_no_name.bpf.o", ".name", NULL } },
		{ "test_bad_kfunc", { "test_bad_kfunc.bpf.o",
				      "spm_bpf_cgroup_node_pages", NULL } },
	};
	long seq0 = spm_attr_long("enable_seq");
	char cmd[256], out[8192];
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(cmd, sizeof(cmd), "attach " TEST_BPF_DIR "/%s.bpf.o --pin",
			 cases[i].obj);
		r = loader_cmd(cmd, out, sizeof(out));
		CHECK(r != 0, "'spm-loader %s' succeeded: %s", cmd, out);
		CHECK(r == 1, "'spm-loader %s': exit %d, expected 1: %s", cmd, r,
		      out);
		r = check_one_line(cmd, out, cases[i].words);
		if (r != PASS)
			return r;
		CHECK(!strncmp(out, "spm-loader: ", 12),
		      "'spm-loader %s': %s", cmd, out);
		r = check_detached();
		if (r != PASS)
			return r;
		CHECK(spm_attr_long("enable_seq") == seq0,
		      "enable_seq moved from %ld to %ld: %s was attached",
		      seq0, spm_attr_long("enable_seq"), cases[i].obj);
	}
	return PASS;
}
TEST(policy_rejected, "sleepable admit, ctx write, a kfunc outside admit/mpol_check, no name: refused with one clear line",
	need_spm_ops, test_policy_rejected, cleanup_policy);
