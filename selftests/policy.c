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
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/netlink.h>

#include "testlib.h"

#define CGROUP_TEST	CGROUP_ROOT "/spm_admit_all"




/* spm_ops, and the test policies of selftests/bpf. */
static int need_test_policies(void)
{
	static const char * const files[] = {
		TEST_BPF_DIR "/test_error.bpf.o",
		TEST_BPF_DIR "/test_bad_return.bpf.o",
		TEST_BPF_DIR "/test_deny_all.bpf.o",
		TEST_BPF_DIR "/test_admit_all.bpf.o",
		TEST_BPF_DIR "/test_sleepable_admit.bpf.o",
		TEST_BPF_DIR "/test_ctx_write.bpf.o",
		TEST_BPF_DIR "/test_bad_kfunc.bpf.o",
		TEST_BPF_DIR "/test_no_name.bpf.o",
		TEST_BPF_DIR "/test_init.bpf.o",
		TEST_BPF_DIR "/test_bad_fmt.bpf.o",
		TEST_BPF_DIR "/test_rw_fmt.bpf.o",
		TEST_BPF_DIR "/test_slow.bpf.o",
		TEST_BPF_DIR "/test_compat.bpf.o",
	};
	unsigned int i;
	int r = need_spm_ops();

	if (r != PASS)
		return r;
	for (i = 0; i < ARRAY_SIZE(files); i++)
		CHECK(!access(files[i], R_OK), "%s missing from the guest",
		      files[i]);
	return PASS;
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
	unsigned long long admitted, denied;
	int spm = first_spm(), r;
	struct verdicts v0, v1;
	struct mod_result res;
	unsigned int i;
	char cmd[128];
	long r_none = spm_reason("NONE");

	if (r_none < 0)
		return FAIL;

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
	/*
	 * The kernel refuses unmovable requests without the flag before any
	 * policy is asked: a movable one naming the node is the policy's.
	 */
	snprintf(cmd, sizeof(cmd), "gfp=movable nid=%d mask=%d count=64", spm,
		 spm);
	r = mod_sysram(cmd, 64);
	if (r != PASS)
		return r;
	/* Still attached: nothing in there ejected the policy. */
	r = check_attached("hard_guardrail");
	if (r != PASS)
		return r;
	CHECK(spm_attr_long("nr_ejected") == ejected,
	      "nr_ejected went from %ld to %ld", ejected,
	      spm_attr_long("nr_ejected"));
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	admitted = verdict_sum(&v1, true) - verdict_sum(&v0, true);
	denied = verdict_sum(&v1, false) - verdict_sum(&v0, false);
	info("during the checks the policy admitted %llu and denied %llu requests",
	     admitted, denied);
	CHECK(admitted && denied,
	      "the policy admitted %llu and denied %llu requests during the checks",
	      admitted, denied);

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
	CHECK(v1.admit[r_none] - v0.admit[r_none] >= MOD_COUNT,
	      "'%s': %llu admissions of reason none for %d pages (reason:+admits/+denials %s)",
	      cmd, v1.admit[r_none] - v0.admit[r_none],
	      MOD_COUNT, verdicts_delta(&v0, &v1));
	/* ...and each refused movable __GFP_THISNODE page one denial. */
	v0 = v1;
	snprintf(cmd, sizeof(cmd), "gfp=movable nid=%d thisnode=1 count=64",
		 spm);
	if (mod(cmd, &res) != PASS)
		return FAIL;
	CHECK(res.ok == 0, "'%s': %ld pages allocated, expected none (%s)",
	      cmd, res.ok, RES(&res));
	if (read_verdicts(&v1) != PASS)
		return FAIL;
	CHECK(v1.deny[r_none] - v0.deny[r_none] >= 64,
	      "'%s': %llu denials of reason none for 64 pages (reason:+admits/+denials %s)",
	      cmd, v1.deny[r_none] - v0.deny[r_none],
	      verdicts_delta(&v0, &v1));
	return detach("hard_guardrail");
}
TEST(hard_policy_isolation, "hard_guardrail attached (--pin): the isolation placement checks hold, the policy decides",
	need_test_policies, test_hard_isolation, cleanup_policy);


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
	need_test_policies, test_hard_status, cleanup_policy);

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
	long r_hugetlb = spm_reason("HUGETLB");

	if (r_hugetlb < 0)
		return FAIL;

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
	     v1.admit[r_hugetlb] - v0.admit[r_hugetlb],
	     v1.deny[r_hugetlb] - v0.deny[r_hugetlb]);
	CHECK(got == want && hp == want,
	      "%s: node%d nr_hugepages %ld, HugePages_Total %ld after writing %ld, expected %ld",
	      args ? args : "no knob", spm, got, hp, ask, want);
	if (want) {
		/* 2 MiB each, really taken from the node. */
		CHECK(free0 - free1 >= want * 2048 - 1024,
		      "node%d MemFree dropped by %ld kB for %ld huge pages",
		      spm, free0 - free1, want);
		CHECK(v1.admit[r_hugetlb] - v0.admit[r_hugetlb] >=
		      (unsigned long long)want,
		      "the policy admitted %llu hugetlb requests for %ld pages",
		      v1.admit[r_hugetlb] - v0.admit[r_hugetlb],
		      want);
	} else {
		CHECK(free0 - free1 < 2048,
		      "node%d MemFree dropped by %ld kB, no huge page there",
		      spm, free0 - free1);
		CHECK(v1.deny[r_hugetlb] > v0.deny[r_hugetlb],
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
	long r_bulk = spm_reason("BULK");

	if (r_bulk < 0)
		return FAIL;

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
	CHECK(v1.admit[r_bulk] > v0.admit[r_bulk],
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
	need_test_policies, test_hard_reasons, cleanup_hard_reasons);

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
	const char *body;
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
	r = last_exit_body(last, sizeof(last), &body);
	if (r != PASS)
		return r;
	CHECK(!strncmp(body, "unregistered hard_guardrail: ", 29),
	      "last_exit '%s', expected 'unregistered hard_guardrail: ...'",
	      body);
	CHECK(spm_attr_long("nr_ejected") == ejected,
	      "nr_ejected went from %ld to %ld: closing the link is no ejection",
	      ejected, spm_attr_long("nr_ejected"));
	return check_default_rule();
}
TEST(loader_sigkill, "SIGKILL of a foreground spm-loader detaches its policy; the built-in rule is back",
	need_test_policies, test_loader_sigkill, cleanup_policy);

static int test_loader_pin(void)
{
	char out[4096];
	int r;

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	/* The loader has exited: the pin alone holds the policy. */
	spm_sleep_ms(200);
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
	need_test_policies, test_loader_pin, cleanup_policy);

/* ---- misbehaving policies are ejected ---- */

/*
 * Attach obj in the foreground, make the module ask for SPM node pages,
 * expect the kernel to eject the policy with last_exit starting with
 * want_exit, and the loader to report it and exit with want_code (1, or
 * the code of a policy that exited on its own).
 */
static int check_ejected(const char *obj, const char *name,
			 const char *want_exit, int want_code)
{
	long ejected = spm_attr_long("nr_ejected");
	char cmd[128], out[4096], last[512], line[600];
	int spm = first_spm(), r;
	struct mod_result res;
	const char *body;

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
			    spm_state_is("enabled") ? "enabled" : "not enabled",
			    out);
	}
	loader_output(&fg, out, sizeof(out));
	info("loader: status %#x: %s", fg.status, out);
	CHECK(WIFEXITED(fg.status) && WEXITSTATUS(fg.status) == want_code,
	      "the loader ended with status %#x, expected exit %d: %s",
	      fg.status, want_code, out);
	r = check_detached();
	if (r != PASS)
		return r;
	r = last_exit_body(last, sizeof(last), &body);
	if (r != PASS)
		return r;
	CHECK(!strncmp(body, want_exit, strlen(want_exit)),
	      "last_exit '%s', expected '%s...'", body, want_exit);
	snprintf(line, sizeof(line), "spm-loader: policy %s ejected: %s\n",
		 name, last);
	CHECK(strstr(out, line), "the loader did not print '%.*s': %s",
	      (int)strlen(line) - 1, line, out);
	/* nr_ejected counts errors, not a policy's own spm_exit(). */
	if (strncmp(want_exit, "unregistered", 12))
		ejected++;
	CHECK(spm_attr_long("nr_ejected") == ejected,
	      "nr_ejected is %ld, expected %ld", spm_attr_long("nr_ejected"),
	      ejected);
	/* The request that ejected the policy got the built-in verdict. */
	CHECK(res.ok == MOD_COUNT && res.node[spm] == MOD_COUNT,
	      "'%s' while %s was ejected: expected all %d pages on node %d, got %s",
	      cmd, name, MOD_COUNT, spm, RES(&res));
	return check_default_rule();
}

/* check_ejected() of test policy @name, last_exit from @fmt and the node. */
static int check_test_ejected(const char *name, const char *fmt, int code)
{
	char obj[128], want[128];

	snprintf(obj, sizeof(obj), TEST_BPF_DIR "/%s.bpf.o", name);
	snprintf(want, sizeof(want), fmt, first_spm());
	return check_ejected(obj, name, want, code);
}

static int test_policy_error(void)
{
	return check_test_ejected("test_error",
		"bpf_error test_error: test_error: refusing node %d ", 1);
}
TEST(policy_error, "spm_error() in admit() ejects the policy: last_exit, nr_ejected, the loader's line, default verdict",
	need_test_policies, test_policy_error, cleanup_policy);

static int test_policy_bad_return(void)
{
	return check_test_ejected("test_bad_return",
		"bad_return test_bad_return: admit() returned 7 for node %d", 1);
}
TEST(policy_bad_return, "admit() returning 7 ejects the policy with kind bad_return",
	need_test_policies, test_policy_bad_return, cleanup_policy);

static int test_policy_exit(void)
{
	char out[4096], line[128];
	int r;

	r = check_test_ejected("test_exit",
		"unregistered_by_bpf test_exit: test_exit: done after node %d",
		42);
	if (r != PASS)
		return r;
	/* The loader read the policy's exit record. */
	loader_output(&fg, out, sizeof(out));
	snprintf(line, sizeof(line),
		 "EXIT: unregistered_by_bpf (test_exit: done after node %d)\n",
		 first_spm());
	CHECK(strstr(out, line), "the loader did not print '%.*s': %s",
	      (int)strlen(line) - 1, line, out);
	return PASS;
}
TEST(policy_exit, "spm_exit(42) in admit() detaches the policy (unregistered_by_bpf); the loader prints its exit record and exits 42",
	need_test_policies, test_policy_exit, cleanup_policy);

/*
 * admit() of test_slow takes milliseconds; with budget_us at 1000 the
 * kernel ejects it (over_budget, nr_ejected + 1) and the request that
 * overran gets the built-in verdict.
 */
static int test_policy_over_budget(void)
{
	char budget[32];
	int r;

	r = spm_attr("budget_us", budget, sizeof(budget));
	CHECK(!r, "budget_us: %s", strerror(-r));
	CHECK(!strcmp(budget, SUITE_BUDGET_US), "budget_us is %s, expected %s",
	      budget, SUITE_BUDGET_US);
	r = write_file(SPM_SYSFS "/budget_us", "1000");
	CHECK(!r, "budget_us: %s", strerror(-r));
	r = check_test_ejected("test_slow",
		"over_budget test_slow: admit() ran for ", 1);
	if (r != PASS)
		return r;
	/* Nonsense is refused, and the budget left as it was. */
	CHECK(write_file(SPM_SYSFS "/budget_us", "-1") == -EINVAL,
	      "budget_us accepted -1");
	CHECK(write_file(SPM_SYSFS "/budget_us", "10000001") == -ERANGE,
	      "budget_us accepted 10000001");
	CHECK(spm_attr_long("budget_us") == 1000, "budget_us is %ld, expected 1000",
	      spm_attr_long("budget_us"));
	return PASS;
}

static void cleanup_budget(void)
{
	write_file(SPM_SYSFS "/budget_us", SUITE_BUDGET_US);
	cleanup_policy();
}
TEST(policy_over_budget, "admit() running past budget_us ejects the policy (over_budget); budget_us refuses nonsense",
	need_test_policies, test_policy_over_budget, cleanup_budget);

#define INIT_POLICY	TEST_BPF_DIR "/test_init.bpf.o"

/*
 * Attach test_init with init() returning @init_ret: the loader exits 1
 * with @why, nothing is attached, last_exit is "error test_init: @msg",
 * and exit() ran (the loader prints the record it filled).
 */
static int check_init_fails(int init_ret, const char *why, const char *msg)
{
	char args[160], out[4096], last[512], want[256];
	const char *body;
	int r;

	snprintf(args, sizeof(args), "attach " INIT_POLICY " --set init_ret=%d",
		 init_ret);
	r = loader_cmd(args, out, sizeof(out));
	CHECK(r == 1, "spm-loader %s: exit %d, expected 1: %s", args, r, out);
	CHECK(strstr(out, why), "spm-loader %s: no '%s' in: %s", args, why,
	      out);
	r = check_detached();
	if (r != PASS)
		return r;
	r = last_exit_body(last, sizeof(last), &body);
	if (r != PASS)
		return r;
	snprintf(want, sizeof(want), "error test_init: %s", msg);
	CHECK(!strcmp(body, want), "last_exit '%s', expected '%s'", body,
	      want);
	snprintf(want, sizeof(want), "EXIT: error (%s)\n", msg);
	CHECK(strstr(out, want),
	      "exit() not called after the failed init(): no '%.*s' in: %s",
	      (int)strlen(want) - 1, want, out);
	return PASS;
}

static int test_policy_init_fails(void)
{
	int r;

	r = check_init_fails(-22, "the policy's init() failed: Invalid argument",
			     "init() failed with -22");
	if (r != PASS)
		return r;
	/* Not an fd for libbpf to take as the link (fd 1: stdout). */
	r = check_init_fails(1,
		"the policy's init() returned 1, not 0 or a negative errno",
		"init() returned 1, not 0 or -errno");
	if (r != PASS)
		return r;
	return check_default_rule();
}
TEST(policy_init_fails, "init() returning -22 or 1 fails the attach with one line, exit() is called, nothing attached",
	need_test_policies, test_policy_init_fails, cleanup_policy);

/*
 * Run the calling task on CPU @cpu (-1: CPUs 0 and 1), SCHED_FIFO at @prio
 * (0: SCHED_OTHER).
 */
static int set_sched(int cpu, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu >= 0) {
		CPU_SET(cpu, &set);
	} else {
		CPU_SET(0, &set);
		CPU_SET(1, &set);
	}
	CHECK(!sched_setaffinity(0, sizeof(set), &set),
	      "sched_setaffinity: %s", strerror(errno));
	CHECK(!sched_setscheduler(0, prio ? SCHED_FIFO : SCHED_OTHER, &sp),
	      "sched_setscheduler: %s", strerror(errno));
	return PASS;
}

static char saved_rt_runtime[32];

#define SPINNER_S	5

static int need_two_cpus(void)
{
	int r = need_test_policies();

	if (r != PASS)
		return r;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return skip("needs 2 CPUs to hold one off");
	return PASS;
}

static void cleanup_rt(void)
{
	if (saved_rt_runtime[0])
		write_file("/proc/sys/kernel/sched_rt_runtime_us",
			   saved_rt_runtime);
	saved_rt_runtime[0] = '\0';
	cleanup_policy();
}

/*
 * A policy whose init() calls spm_error() queues its teardown on this CPU.
 * A SCHED_FIFO spinner keeps the worker off CPU 1 while that attach fails
 * and hard_guardrail attaches (the loaders run at a higher priority); once
 * the spinner is gone, the leftover teardown must leave hard_guardrail
 * alone.
 */
static int test_policy_init_stale_teardown(void)
{
	char out[4096];
	pid_t spinner;
	int r, st;

	CHECK(!spm_read_str("/proc/sys/kernel/sched_rt_runtime_us",
			    saved_rt_runtime, sizeof(saved_rt_runtime)),
	      "sched_rt_runtime_us: %s", strerror(errno));
	/* No RT throttling: the worker must not get a slice. */
	r = write_file("/proc/sys/kernel/sched_rt_runtime_us", "-1");
	CHECK(!r, "sched_rt_runtime_us: %s", strerror(-r));

	spinner = fork();
	CHECK(spinner >= 0, "fork: %s", strerror(errno));
	if (!spinner) {
		if (set_sched(1, 10) != PASS)
			_exit(1);
		/*
		 * A few seconds, not until killed: an attach may need work on
		 * CPU 1 too (a debug kernel's did), and must not wait forever.
		 */
		alarm(SPINNER_S);
		for (;;)
			;
	}
	r = set_sched(1, 20);
	if (r == PASS) {
		r = loader_cmd("attach " INIT_POLICY
			       " --set init_error=1 --set init_ret=-22",
			       out, sizeof(out));
		r = r == 1 ? loader_start(HARD_POLICY, NULL, "hard_guardrail") :
			     fail("attach with init_error=1: exit %d, expected 1: %s",
				  r, out);
	}
	kill(spinner, SIGKILL);
	waitpid(spinner, &st, 0);
	set_sched(-1, 0);
	if (r != PASS)
		return r;

	/* The worker runs now; give it time to do its worst. */
	spm_sleep_ms(1000);
	r = check_attached("hard_guardrail");
	if (r != PASS)
		return fail_prefix("after the failed attach's teardown work ran");
	CHECK(!loader_wait(&fg, 0), "the loader of hard_guardrail exited");
	return stop_detached("hard_guardrail");
}
TEST(policy_init_stale_teardown, "a teardown queued by a failed init() does not tear down the next policy (worker held off by SCHED_FIFO)",
	need_two_cpus, test_policy_init_stale_teardown, cleanup_rt);

/*
 * test_slow (task_only) spins in admit() in task context, then denies,
 * while a hard-IRQ timer on the same CPU asks for __GFP_SPM_NODE pages: the
 * interrupts arrive inside admit().  Each must be asked and denied, so that
 * none lands on the SPM node.  (With one re-entry guard per CPU, the
 * 18-patch series gave them the built-in verdict: 38 of 41 landed there.)
 */
static int test_policy_irq_nested(void)
{
	int spm = first_spm(), attempt, r;
	long asked = 0;
	struct mod_result res;
	char cmd[128];

	r = loader_start(TEST_BPF_DIR "/test_slow.bpf.o",
			 "--set task_only=true --set loops=32768", "test_slow");
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd),
		 "spm=1 nid=%d mask=%d count=64 irq_alongside=1", spm, spm);
	/*
	 * Now and then the timer fires only a few times during the command
	 * (QEMU may inject the timer interrupt late while the host is busy):
	 * try again, up to 5 times, until it asked 8 times.
	 */
	for (attempt = 0; attempt < 5 && asked < 8; attempt++) {
		r = set_sched(0, 0);
		if (r != PASS)
			return r;
		r = module_alloc(cmd, &res);
		set_sched(-1, 0);
		CHECK(!r, "'%s': %s", cmd, strerror(-r));
		asked = res.irq_ok + res.irq_fail;
		info("'%s': task %s, interrupts %ld ok %ld failed, %ld on node %d",
		     cmd, RES(&res), res.irq_ok, res.irq_fail,
		     res.irq_node[spm], spm);
		CHECK(res.node[spm] == 0, "'%s': the policy denies all, yet %s",
		      cmd, RES(&res));
		CHECK(res.irq_node[spm] == 0,
		      "'%s': %ld of %ld interrupt allocations landed on SPM node %d, which the policy denies",
		      cmd, res.irq_node[spm], asked, spm);
	}
	CHECK(asked >= 8, "'%s': the timer asked only %ld times in %d tries",
	      cmd, asked, attempt);
	return stop_detached("test_slow");
}
TEST(policy_irq_nested, "a hard-IRQ allocation arriving inside a task's admit() is asked too: a deny policy's SPM node gets none",
	need_two_cpus, test_policy_irq_nested, cleanup_policy);

/*
 * test_compat was built against an older vmlinux.h whose reasons from the
 * second on are one higher, and admits the bulk allocator only.  Loaded
 * here it must still mean the bulk allocator: with the values compiled in
 * (bulk 11 there, mpol_check here) it would deny bulk requests.
 */
static int test_policy_core_compat(void)
{
	int spm = first_spm(), r;
	struct mod_result res;
	char cmd[128];

	r = loader_start(TEST_BPF_DIR "/test_compat.bpf.o", NULL,
			 "test_compat");
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "mode=bulk spm=1 nid=%d mask=%d count=%d",
		 spm, spm, MOD_COUNT);
	r = mod_on(cmd, spm, MOD_COUNT);
	if (r != PASS)
		return fail_prefix("bulk, admitted");
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=64", spm, spm);
	CHECK(mod(cmd, &res) == PASS, "'%s' failed", cmd);
	CHECK(res.node[spm] == 0, "'%s': not bulk, yet %s", cmd, RES(&res));
	return stop_detached("test_compat");
}
TEST(policy_core_compat, "a policy built against an older vmlinux.h (reasons renumbered) still means the same reason: spm.bpf.h's CO-RE enum values",
	need_test_policies, test_policy_core_compat, cleanup_policy);

/* ---- what a policy can and cannot do ---- */


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
	need_test_policies, test_policy_deny_all, cleanup_policy);

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
	r = spm_read_str(CGROUP_TEST "/cpuset.mems.effective", buf, sizeof(buf));
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
	snprintf(cmd, sizeof(cmd), "gfp=movable nid=%d mask=%d count=%d", spm,
		 spm, MOD_COUNT);
	r = mod_on(cmd, spm, MOD_COUNT);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "gfp=movable nid=%d count=%d", spm,
		 MOD_COUNT);
	r = mod_on(cmd, spm, MOD_COUNT);
	if (r != PASS)
		return r;

	/* ...except unmovable memory without __GFP_SPM_NODE, never asked... */
	snprintf(cmd, sizeof(cmd), "spm=0 nid=%d mask=%d count=%d", spm, spm,
		 MOD_COUNT);
	r = mod_sysram(cmd, MOD_COUNT);
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
	snprintf(cmd, sizeof(cmd), "gfp=movable nid=%d count=%d", spm,
		 MOD_COUNT);
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
TEST(policy_admit_all, "an admit-all policy gets movable SPM pages only within the caller's mask and cpuset, never unmovable ones without the flag; anonymous memory stays local",
	need_test_policies, test_policy_admit_all, cleanup_admit_all);

/*
 * An admit-all policy and kmalloc_node() for an SPM node: creating memory
 * cgroups allocates per-node structures for every node.  SLUB has no
 * kmem_cache_node for SPM nodes, so the kernel must keep slab pages on
 * system RAM whatever the policy admits (a slab page there oopsed).
 */
#define SLAB_CGROUPS	16

static void remove_slab_cgroups(void)
{
	char path[96];
	int i;

	for (i = 0; i < SLAB_CGROUPS; i++) {
		snprintf(path, sizeof(path), CGROUP_ROOT "/spm_slab%d", i);
		rmdir(path);
	}
	write_file(CGROUP_ROOT "/cgroup.subtree_control", "-memory");
}

static int test_policy_admit_all_slab(void)
{
	long slab0[MAX_NODES], grown, sys_grown = 0;
	char path[96];
	int nid, i, r;

	r = loader_start(TEST_BPF_DIR "/test_admit_all.bpf.o", NULL,
			 "test_admit_all");
	if (r != PASS)
		return r;
	/* Per-CPU counter deltas folded, so that Slab is exact. */
	write_file("/proc/sys/vm/stat_refresh", "1");
	for (nid = 0; nid < nr_node_ids; nid++)
		slab0[nid] = node_meminfo_kb(nid, "Slab");
	CHECK(!write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory"),
	      "cannot enable the memory controller");
	for (i = 0; i < SLAB_CGROUPS; i++) {
		snprintf(path, sizeof(path), CGROUP_ROOT "/spm_slab%d", i);
		CHECK(!mkdir(path, 0755), "mkdir %s: %s", path,
		      strerror(errno));
	}
	write_file("/proc/sys/vm/stat_refresh", "1");
	for (nid = 0; nid < nr_node_ids; nid++) {
		if (!((spm_nodes | sysram_nodes) & NODE_BIT(nid)))
			continue;
		grown = node_meminfo_kb(nid, "Slab") - slab0[nid];
		info("node%d Slab %+ld kB after %d memory cgroups", nid, grown,
		     SLAB_CGROUPS);
		if (sysram_nodes & NODE_BIT(nid)) {
			sys_grown += grown;
			continue;
		}
		CHECK(grown <= 0, "node%d Slab grew by %ld kB under admit-all",
		      nid, grown);
	}
	/*
	 * The structures were allocated, on system RAM: else the test
	 * proved nothing (each cgroup has one per node, ~1 kB at least).
	 * A KASAN kernel frees the earlier tests' objects from its
	 * quarantine meanwhile, by more than that (-692 and -732 kB seen):
	 * there only the mkdirs above show that they were allocated.
	 */
	CHECK(kasan_kernel || sys_grown >= SLAB_CGROUPS * nr_node_ids,
	      "system RAM Slab grew by only %ld kB for %d memory cgroups: were they created?",
	      sys_grown, SLAB_CGROUPS);
	remove_slab_cgroups();
	return stop_detached("test_admit_all");
}

static void cleanup_admit_all_slab(void)
{
	remove_slab_cgroups();
	reset_spm();
}
TEST(policy_admit_all_slab, "an admit-all policy cannot put slab on SPM nodes (memcg per-node structures for every node)",
	need_test_policies, test_policy_admit_all_slab, cleanup_admit_all_slab);

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
		/* A message format is read to its NUL: constant, and has one. */
		{ "test_bad_fmt", { "test_bad_fmt.bpf.o",
				    "verifier rejected program 'bad_fmt_admit'",
				    "zero-terminated", NULL } },
		{ "test_rw_fmt", { "test_rw_fmt.bpf.o",
				   "verifier rejected program 'rw_fmt_admit'",
				   "readonly map", NULL } },
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
TEST(policy_rejected, "sleepable admit, ctx write, a kfunc outside admit/mpol_check, no name, an unterminated message format: refused with one clear line",
	need_test_policies, test_policy_rejected, cleanup_policy);

/* ---- policies/template.bpf.c, the policy authors start from ---- */

#define TEMPLATE_POLICY	POLICY_DIR "/template.bpf.o"

struct trusted_result {
	int kind;
	char reason[512];
};

/*
 * A child that waits on go, then binds memory to the SPM node and checks
 * it landed there: it is the trusted process of the template policy.
 */
static pid_t trusted_child(int *go, struct trusted_result *res)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid) {
		close(fds[0]);
		*go = fds[1];
		return pid;
	}
	close(fds[1]);
	res->kind = FAIL;
	if (read(fds[0], &(char){ 0 }, 1) == 1)
		res->kind = policy_on(MPOL_BIND, NODE_BIT(first_spm()), true,
				      NODE_BIT(first_spm()), 4 * MiB, NULL);
	snprintf(res->reason, sizeof(res->reason), "%s", test_reason());
	_exit(0);
}

static int test_policy_template(void)
{
	struct trusted_result *res;
	int spm = first_spm(), go = -1, st, r;
	char args[64], cmd[128], out[4096];
	pid_t pid;

	CHECK(!access(TEMPLATE_POLICY, R_OK), "%s missing from the guest",
	      TEMPLATE_POLICY);
	/* init() refuses a bad knob: nothing attached. */
	r = loader_cmd("attach " TEMPLATE_POLICY " --pin --set trusted_pid=-1",
		       out, sizeof(out));
	CHECK(r == 1, "attach with trusted_pid=-1: exit %d, expected 1: %s", r,
	      out);
	r = check_detached();
	if (r != PASS)
		return r;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(res != MAP_FAILED, "mmap: %s", strerror(errno));
	pid = trusted_child(&go, res);
	CHECK(pid > 0, "fork: %s", strerror(errno));
	snprintf(args, sizeof(args), "--set trusted_pid=%d", pid);
	r = loader_start(TEMPLATE_POLICY, args, "template");
	if (r == PASS) {
		/* The trusted process binds its memory to the SPM node... */
		r = write(go, "g", 1) == 1 ? PASS : fail("write: %s",
							 strerror(errno));
		close(go);
		go = -1;
		waitpid(pid, &st, 0);
		pid = 0;
		if (r == PASS && res->kind != PASS)
			r = fail("trusted pid: %s", res->reason);
	}
	if (go >= 0)
		close(go);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	munmap(res, sizeof(*res));
	if (r != PASS)
		return r;
	/* ...no one else may, and the built-in rule still holds. */
	r = policy_refused(MPOL_BIND, NODE_BIT(spm), true);
	if (r != PASS)
		return fail_prefix("untrusted process");
	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=64", spm, spm);
	r = mod_on(cmd, spm, 64);
	if (r != PASS)
		return r;
	snprintf(cmd, sizeof(cmd), "nid=%d mask=%d count=64", spm, spm);
	r = mod_sysram(cmd, 64);
	if (r != PASS)
		return r;
	return stop_detached("template");
}
TEST(policy_template, "policies/template.bpf.c: its trusted pid binds memory to an SPM node, no one else; a bad knob fails init()",
	need_spm_ops, test_policy_template, cleanup_policy);

/* ---- the debugging recipe of bpf/README.md ---- */

static void trace_off(void)
{
	write_file(TRACEFS "/events/spm/enable", "0");
	clear_trace();
}

/*
 * The tracepoints spm:spm_ops_state and spm:spm_admit through tracefs,
 * and a policy's bpf_printk() lines, in the trace buffer.
 */
static int test_policy_trace(void)
{
	static char trace[256 * 1024];
	int spm = first_spm(), r;
	char cmd[128], want[64];

	r = need_tracefs();
	if (r != PASS)
		return r;
	r = clear_trace();
	CHECK(!r, "clear the trace buffer: %s", strerror(-r));
	r = write_file(TRACEFS "/events/spm/enable", "1");
	CHECK(!r, "enable the spm events: %s", strerror(-r));
	r = loader_start(TEST_BPF_DIR "/test_printk.bpf.o", NULL, "test_printk");
	if (r == PASS) {
		snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=8", spm,
			 spm);
		r = mod_on(cmd, spm, 8);
	}
	if (r == PASS)
		r = stop_detached("test_printk");
	write_file(TRACEFS "/events/spm/enable", "0");
	if (r != PASS)
		return r;
	r = spm_read_str(TRACEFS "/trace", trace, sizeof(trace));
	CHECK(!r, "read the trace: %s", strerror(-r));
	info("%s", trace);
	CHECK(strstr(trace, "spm_ops_state: state=enabled policy=test_printk"),
	      "no spm_ops_state line enabling test_printk in the trace");
	CHECK(strstr(trace, "spm_ops_state: state=disabled"),
	      "no spm_ops_state line disabling test_printk in the trace");
	snprintf(want, sizeof(want), "spm_admit: nid=%d order=0 ", spm);
	CHECK(strstr(trace, want), "no '%s' in the trace", want);
	snprintf(want, sizeof(want), "test_printk: admit nid %d order 0", spm);
	CHECK(strstr(trace, want), "no bpf_printk line '%s' in the trace", want);
	return PASS;
}

static void cleanup_trace(void)
{
	trace_off();
	reset_spm();
}
TEST(policy_trace, "bpf/README.md's debugging recipe: spm:spm_ops_state and spm:spm_admit in tracefs, a policy's bpf_printk() lines",
	need_spm_ops, test_policy_trace, cleanup_trace);

/*
 * An mbind() naming an SPM node under soft_guardrail: mpol_check()'s verdict
 * is traced as spm:spm_mpol_check, not as an admission (spm:spm_admit).
 */
static int test_policy_trace_mpol_check(void)
{
	static char trace[256 * 1024];
	int spm = first_spm(), r;
	long mpol_reason = spm_reason("MPOL_CHECK");
	size_t len = 2 * MiB;
	char want[96];
	void *p;

	if (mpol_reason < 0)
		return FAIL;
	r = need_tracefs();
	if (r != PASS)
		return r;
	r = attach_pinned(SOFT_POLICY, NULL, "soft_guardrail");
	if (r != PASS)
		return r;
	r = clear_trace();
	CHECK(!r, "clear the trace buffer: %s", strerror(-r));
	r = write_file(TRACEFS "/events/spm/enable", "1");
	CHECK(!r, "enable the spm events: %s", strerror(-r));
	p = map_anon(len);
	CHECK(p, "mmap: %s", strerror(errno));
	r = sys_mbind(p, len, MPOL_BIND, NODE_BIT(spm), 0) ? -errno : 0;
	munmap(p, len);
	write_file(TRACEFS "/events/spm/enable", "0");
	CHECK(!r, "mbind(MPOL_BIND, {%d}) under soft_guardrail: %s", spm,
	      strerror(-r));
	r = spm_read_str(TRACEFS "/trace", trace, sizeof(trace));
	CHECK(!r, "read the trace: %s", strerror(-r));
	info("%s", trace);
	snprintf(want, sizeof(want), "spm_mpol_check: nid=%d reason=%ld mode=%d ",
		 spm, mpol_reason, MPOL_BIND);
	CHECK(strstr(trace, want), "no '%s' in the trace", want);
	CHECK(strstr(trace, "verdict=allow"), "no allowing verdict in the trace");
	snprintf(want, sizeof(want), "reason=%ld cgroup", mpol_reason);
	CHECK(!strstr(trace, want),
	      "an mpol_check() verdict traced as spm_admit ('%s')", want);
	return detach("soft_guardrail");
}
TEST(policy_trace_mpol_check, "mpol_check() verdicts are traced as spm:spm_mpol_check (node, reason, mode, mask), not as admissions",
	need_spm_ops, test_policy_trace_mpol_check, cleanup_trace);

/* Wait up to @ms for POLLPRI on the open state file @fd, then re-read it. */
static bool state_changed(int fd, int ms, char *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLPRI };
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1 || !(pfd.revents & POLLPRI))
		return false;
	n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return true;
}

/*
 * A program poll()ing /sys/kernel/mm/spm/state wakes up when a policy is
 * attached and when it goes, and not before.
 */
static int test_policy_state_poll(void)
{
	char buf[32];
	int fd, r;

	fd = open(SPM_SYSFS "/state", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open state: %s", strerror(errno));
	/* Reading arms the notification. */
	r = pread(fd, buf, sizeof(buf) - 1, 0) > 0 ? PASS :
		fail("read state: %s", strerror(errno));
	if (r == PASS && state_changed(fd, 0, buf, sizeof(buf)))
		r = fail("poll() on state woke up with nothing changed");
	if (r == PASS)
		r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r == PASS && !state_changed(fd, WAIT_MS, buf, sizeof(buf)))
		r = fail("no POLLPRI on state after an attach");
	if (r == PASS)
		r = detach("hard_guardrail");
	if (r == PASS && !state_changed(fd, WAIT_MS, buf, sizeof(buf)))
		r = fail("no POLLPRI on state after a detach");
	if (r == PASS && strcmp(buf, "disabled\n"))
		r = fail("state '%s' after the detach", buf);
	close(fd);
	return r;
}
TEST(policy_state_poll, "poll() on /sys/kernel/mm/spm/state wakes up (POLLPRI) at an attach and at a detach, not before",
	need_spm_ops, test_policy_state_poll, cleanup_policy);

/*
 * Wait up to @ms for a uevent of /kernel/mm/spm/policy whose SPM_STATE is
 * @state and SPM_OPS @ops; its SPM_ENABLE_SEQ into *@seq.
 */
static bool spm_uevent(int sock, const char *state, const char *ops, int ms,
		       long *seq)
{
	char msg[4096], want_state[48], want_ops[160];
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	bool got_state, got_ops;
	ssize_t n;
	char *p;

	snprintf(want_state, sizeof(want_state), "SPM_STATE=%s", state);
	snprintf(want_ops, sizeof(want_ops), "SPM_OPS=%s", ops);
	while (poll(&pfd, 1, ms) == 1) {
		n = recv(sock, msg, sizeof(msg) - 1, 0);
		if (n <= 0)
			return false;
		msg[n] = '\0';
		if (strcmp(msg, "change@/kernel/mm/spm/policy"))
			continue;
		got_state = got_ops = false;
		/* NUL-separated KEY=VALUE pairs after the header */
		for (p = msg + strlen(msg) + 1; p < msg + n; p += strlen(p) + 1) {
			got_state |= !strcmp(p, want_state);
			got_ops |= !strcmp(p, want_ops);
			if (!strncmp(p, "SPM_ENABLE_SEQ=", 15))
				*seq = strtol(p + 15, NULL, 10);
		}
		if (got_state && got_ops)
			return true;
	}
	return false;
}

static int test_policy_uevent(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	long seq = -1, want_seq;
	int sock, r;

	sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		      NETLINK_KOBJECT_UEVENT);
	CHECK(sock >= 0, "uevent socket: %s", strerror(errno));
	if (bind(sock, (struct sockaddr *)&addr, sizeof(addr))) {
		r = fail("bind the uevent socket: %s", strerror(errno));
		goto out;
	}
	want_seq = spm_attr_long("enable_seq") + 1;
	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r == PASS && !spm_uevent(sock, "enabled", "hard_guardrail",
				     WAIT_MS, &seq))
		r = fail("no uevent SPM_STATE=enabled SPM_OPS=hard_guardrail after an attach");
	if (r == PASS && seq != want_seq)
		r = fail("the attach's uevent has SPM_ENABLE_SEQ=%ld, enable_seq is %ld",
			 seq, want_seq);
	if (r == PASS)
		r = detach("hard_guardrail");
	if (r == PASS && !spm_uevent(sock, "disabled", "hard_guardrail",
				     WAIT_MS, &seq))
		r = fail("no uevent SPM_STATE=disabled after a detach");
out:
	close(sock);
	return r;
}
TEST(policy_uevent, "an attach and a detach each send a change uevent of /kernel/mm/spm/policy with SPM_STATE, SPM_OPS, SPM_ENABLE_SEQ",
	need_spm_ops, test_policy_uevent, cleanup_policy);
