// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader in the guest as an operator's script runs it: -j on every
 * command, one JSON object a line with the fields of spm-loader(8), the
 * errors included; and the commands that need privileges run without
 * them.  The host suite (loader/tests) checks the same on a fake sysfs
 * tree; here the kernel, bpffs and the cgroups are real.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "testlib.h"

#define NEED_ROOT	"need root (CAP_BPF and CAP_SYS_ADMIN)"
#define JSON_CG		CGROUP_ROOT "/spm_json"

/* @m as spm-loader prints a node set: [2,3]. */
static char *json_nodes(nodemask64 m, char *buf, size_t len)
{
	size_t o = snprintf(buf, len, "[");
	int nid;

	for (nid = 0; nid < MAX_NODES && o < len; nid++)
		if (m & NODE_BIT(nid))
			o += snprintf(buf + o, len - o, "%s%d",
				      o > 1 ? "," : "", nid);
	if (o < len)
		snprintf(buf + o, len - o, "]");
	return buf;
}

/* spm-loader ARGS exits with @code and prints exactly @want, stderr too. */
static int loader_prints(const char *args, int code, const char *want)
{
	char out[4096];
	int r;

	r = loader_cmd(args, out, sizeof(out));
	CHECK(r == code && !strcmp(out, want),
	      "spm-loader %s: exit %d, expected %d: '%s', expected '%s'", args,
	      r, code, out, want);
	return PASS;
}

/* spm-loader -j status: one object, from @head on, ending with @tail. */
static int json_status(const char *head, const char *tail)
{
	char out[4096];
	size_t n;
	int r;

	r = loader_cmd("-j status", out, sizeof(out));
	n = strlen(out);
	CHECK(r == 0 && count_lines(out) == 1 &&
	      !strncmp(out, head, strlen(head)) && n >= strlen(tail) &&
	      !strcmp(out + n - strlen(tail), tail),
	      "spm-loader -j status: exit %d: '%s', expected '%s...%s'", r, out,
	      head, tail);
	return PASS;
}

static int test_loader_json(void)
{
	char out[4096], want[512], nodes[128];
	int r, nid;

	r = loader_prints("-j attach " HARD_POLICY " --pin", 0,
			  "{\"event\":\"attached\",\"policy\":\"hard_guardrail\","
			  "\"pinned\":\"" PIN_PATH "\",\"cgroups\":[]}\n");
	if (r == PASS)
		r = check_attached("hard_guardrail");
	if (r != PASS)
		return r;

	snprintf(want, sizeof(want),
		 "{\"state\":\"enabled\",\"policy\":\"hard_guardrail\",\"nodes\":%s,\"enable_seq\":%ld,",
		 json_nodes(spm_nodes, nodes, sizeof(nodes)),
		 spm_attr_long("enable_seq"));
	r = json_status(want, ",\"pinned\":\"" PIN_PATH "\",\"loader_pid\":null}\n");
	if (r != PASS)
		return r;

	r = loader_cmd("-j stats", out, sizeof(out));
	CHECK(r == 0 && count_lines(out) == 1 &&
	      !strncmp(out, "{\"nodes\":[{\"node\":", 18),
	      "spm-loader -j stats: exit %d: %s", r, out);
	for (nid = 0; nid < MAX_NODES; nid++) {
		if (!(spm_nodes & NODE_BIT(nid)))
			continue;
		snprintf(want, sizeof(want),
			 "{\"node\":%d,\"spm\":true,\"admit\":", nid);
		CHECK(strstr(out, want), "spm-loader -j stats: no '%s' in: %s",
		      want, out);
	}

	/* Errors: the one object, the exit status of the text. */
	r = loader_prints("-j attach " SOFT_POLICY " --pin", 1,
			  "{\"error\":\"policy 'hard_guardrail' is already attached; detach it first\"}\n");
	if (r == PASS)
		r = loader_prints("-j cgroup list", 1,
				  "{\"error\":\"policy 'hard_guardrail' has no cgroup table (nothing at "
				  PIN_MAPS "/cgroup_table): attach one such as cgroup_spm\"}\n");
	if (r == PASS)
		r = loader_prints("-j cgroup rm", 2,
				  "{\"error\":\"cgroup rm: missing CGROUP or ID\"}\n");
	if (r == PASS)
		r = loader_prints("-j detach", 0,
				  "{\"event\":\"detached\",\"policy\":\"hard_guardrail\"}\n");
	if (r == PASS)
		r = check_detached();
	if (r == PASS)
		r = loader_prints("-j detach", 1,
				  "{\"error\":\"no policy attached\"}\n");
	if (r != PASS)
		return r;
	return json_status("{\"state\":\"disabled\",\"policy\":null,",
			   ",\"pinned\":null,\"loader_pid\":null}\n");
}
TEST(loader_json, "spm-loader -j: attach --pin, status, stats, detach and their errors print one JSON object a line, as spm-loader(8) documents",
	need_spm_ops, test_loader_json, cleanup_policy);

/* ---- an ejected policy, in the foreground and pinned ---- */

/* Have the module ask for a page of the first SPM node: the policy runs. */
static int ask_spm(void)
{
	struct mod_result res;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "spm=1 nid=%d mask=%d count=%d",
		 first_spm(), first_spm(), MOD_COUNT);
	return mod(cmd, &res);
}

/*
 * The kernel detaches an ejected policy's link after the state went to
 * disabled, in a work item: wait for the pinned link's EPOLLHUP, as a
 * foreground spm-loader does.
 */
static int wait_link_detached(void)
{
	struct pollfd pfd = { .events = POLLIN };
	int n;

	pfd.fd = bpf_obj_get(PIN_PATH);
	CHECK(pfd.fd >= 0, "%s: %s", PIN_PATH, strerror(errno));
	n = poll(&pfd, 1, WAIT_MS);
	close(pfd.fd);
	CHECK(n == 1 && (pfd.revents & POLLHUP),
	      "the pinned link of the ejected policy not detached within %d s",
	      WAIT_MS / 1000);
	return PASS;
}

/* The pin an ejected policy left: detach removes it, and says so. */
static int detach_stale_pin(void)
{
	int r = wait_link_detached();

	if (r == PASS)
		r = loader_prints("-j detach", 0,
				  "{\"event\":\"stale_pin_removed\",\"pin\":\"" PIN_PATH "\"}\n");
	if (r != PASS)
		return r;
	CHECK(access(PIN_PATH, F_OK) && errno == ENOENT,
	      "%s still there after detach", PIN_PATH);
	return check_detached();
}

static int test_loader_json_ejected(void)
{
	static const char attached[] =
		"{\"event\":\"attached\",\"policy\":\"test_exit\",\"pinned\":null,\"cgroups\":[]}\n";
	char out[4096], want[512];
	const char *ejected;
	int r, spm = first_spm();

	r = loader_start(TEST_BPF_DIR "/test_exit.bpf.o", "-j", "test_exit");
	if (r == PASS)
		r = ask_spm();
	if (r != PASS)
		return r;
	CHECK(loader_wait(&fg, WAIT_MS), "test_exit not ejected within %d s",
	      WAIT_MS / 1000);
	loader_output(&fg, out, sizeof(out));
	CHECK(WIFEXITED(fg.status) && WEXITSTATUS(fg.status) == 42,
	      "the loader ended with status %#x, expected exit 42: %s",
	      fg.status, out);
	CHECK(count_lines(out) == 2 && !strncmp(out, attached, strlen(attached)),
	      "spm-loader -j attach: not two lines, '%s' first: %s", attached,
	      out);
	ejected = out + strlen(attached);
	snprintf(want, sizeof(want),
		 "{\"event\":\"ejected\",\"policy\":\"test_exit\",\"last_exit\":{\"seq\":%ld,"
		 "\"kind\":\"unregistered_by_bpf\",\"policy\":\"test_exit\",\"message\":\"test_exit: done after node %d",
		 spm_attr_long("enable_seq"), spm);
	CHECK(!strncmp(ejected, want, strlen(want)),
	      "the ejected event: '%s', expected '%s...'", ejected, want);
	snprintf(want, sizeof(want),
		 ",\"reason\":\"unregistered_by_bpf\",\"code\":42,\"message\":\"test_exit: done after node %d\"}}\n",
		 spm);
	CHECK(strstr(ejected, "},\"exit\":{\"kind\":") &&
	      strlen(ejected) > strlen(want) &&
	      !strcmp(ejected + strlen(ejected) - strlen(want), want),
	      "the ejected event: '%s', expected its exit record '...%s'",
	      ejected, want);

	/* A pinned policy ejected leaves its pin: detach removes it. */
	r = loader_prints("-j attach " TEST_BPF_DIR "/test_error.bpf.o --pin", 0,
			  "{\"event\":\"attached\",\"policy\":\"test_error\","
			  "\"pinned\":\"" PIN_PATH "\",\"cgroups\":[]}\n");
	if (r == PASS)
		r = ask_spm();
	if (r != PASS)
		return r;
	CHECK(wait_state("disabled", WAIT_MS),
	      "test_error not ejected within %d s", WAIT_MS / 1000);
	return detach_stale_pin();
}
TEST(loader_json_ejected, "spm-loader -j: the attached and ejected events of a foreground policy with its exit record (exit 42); a pinned policy's stale pin removed",
	need_spm_ops, test_loader_json_ejected, cleanup_policy);

/* ---- the cgroup table ---- */

static int setup_json_cgroup(void)
{
	int r = need_spm_ops();

	return r == PASS ? make_cgroup("spm_json") : r;
}

static void cleanup_json_cgroup(void)
{
	reset_spm();
	remove_cgroup("spm_json");
	restore_cgroup_controllers();
}

static int test_loader_json_cgroup(void)
{
	unsigned long long id = cgroup_id("spm_json");
	char args[256], want[512], out[4096];
	int r, spm = first_spm();

	CHECK(id, "no cgroup id for %s", JSON_CG);
	snprintf(args, sizeof(args),
		 "-j attach " CGROUP_POLICY " --pin --allow " JSON_CG "=%d", spm);
	snprintf(want, sizeof(want),
		 "{\"event\":\"attached\",\"policy\":\"cgroup_spm\",\"pinned\":\"" PIN_PATH "\","
		 "\"cgroups\":[{\"id\":%llu,\"path\":\"" JSON_CG "\",\"nodes\":[{\"node\":%d,\"mode\":\"explicit\",\"quota\":null}]}]}\n",
		 id, spm);
	r = loader_prints(args, 0, want);
	if (r != PASS)
		return r;

	snprintf(args, sizeof(args), "-j cgroup set " JSON_CG "=%d:spill:16M",
		 spm);
	snprintf(want, sizeof(want),
		 "{\"set\":[{\"id\":%llu,\"path\":\"" JSON_CG "\",\"nodes\":[{\"node\":%d,\"mode\":\"spill\",\"quota\":16777216}]}]}\n",
		 id, spm);
	r = loader_prints(args, 0, want);
	if (r != PASS)
		return r;

	/* what the cgroup uses there is the kernel's: any number */
	r = loader_cmd("-j cgroup list", out, sizeof(out));
	snprintf(want, sizeof(want),
		 "{\"cgroups\":[{\"id\":%llu,\"path\":\"" JSON_CG "\",\"nodes\":[{\"node\":%d,\"mode\":\"spill\",\"quota\":16777216,\"used\":",
		 id, spm);
	CHECK(r == 0 && count_lines(out) == 1 &&
	      !strncmp(out, want, strlen(want)) && strstr(out, "}]}]}\n"),
	      "spm-loader -j cgroup list: exit %d: '%s', expected '%s...'", r,
	      out, want);

	snprintf(want, sizeof(want),
		 "{\"removed\":[{\"id\":%llu,\"path\":\"" JSON_CG "\"}]}\n", id);
	r = loader_prints("-j cgroup rm " JSON_CG, 0, want);
	if (r != PASS)
		return r;
	snprintf(want, sizeof(want),
		 "{\"error\":\"cgroup rm: " JSON_CG " (id %llu) has no entry in the cgroup table\"}\n",
		 id);
	r = loader_prints("-j cgroup rm " JSON_CG, 1, want);
	if (r == PASS)
		r = loader_prints("-j cgroup list", 0, "{\"cgroups\":[]}\n");
	if (r != PASS)
		return r;

	/* Ejected while pinned: its table is left over until detach. */
	r = write_file(SPM_SYSFS "/state", "disabled");
	CHECK(!r, "%s/state: %s", SPM_SYSFS, strerror(-r));
	CHECK(wait_state("disabled", WAIT_MS),
	      "cgroup_spm still attached %d s after the write to %s/state",
	      WAIT_MS / 1000, SPM_SYSFS);
	r = loader_prints("-j cgroup list", 1,
			  "{\"error\":\"no policy with a cgroup table attached (the table at "
			  PIN_MAPS "/cgroup_table is left over from one that is gone)\"}\n");
	return r == PASS ? detach_stale_pin() : r;
}
TEST(loader_json_cgroup, "spm-loader -j: --allow, cgroup set, list and rm (and rm of an entry that is not there) on cgroup_spm's live table; its table left over once ejected",
	setup_json_cgroup, test_loader_json_cgroup, cleanup_json_cgroup);

/* ---- without privileges ---- */

/* spm-loader ARGS as nobody: exit @code, one line with @want. */
static int nobody_gets(const char *args, int code, const char *want)
{
	const char *words[] = { want, NULL };
	char cmd[512], out[4096], what[512];
	int r;

	snprintf(cmd, sizeof(cmd), LOADER " %s 2>&1", args);
	r = run_cmd_nobody(cmd, out, sizeof(out));
	info("as nobody: spm-loader %s: exit %d: %s", args, r, out);
	snprintf(what, sizeof(what), "spm-loader %s as nobody", args);
	CHECK(r != 126, "%s: cannot become nobody", what);
	CHECK(r == code, "%s: exit %d, expected %d: %s", what, r, code, out);
	return check_one_line(what, out, words);
}

static int test_loader_nobody(void)
{
	static const char * const refused[] = {
		"attach " HARD_POLICY, "attach " SOFT_POLICY " --pin",
		"detach", "cgroup list", "cgroup rm 12",
	};
	char args[256];
	unsigned int i;
	int r;

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	for (i = 0; r == PASS && i < ARRAY_SIZE(refused); i++) {
		r = nobody_gets(refused[i], 1, "spm-loader: " NEED_ROOT "\n");
		if (r != PASS)
			break;
		snprintf(args, sizeof(args), "-j %s", refused[i]);
		r = nobody_gets(args, 1, "{\"error\":\"" NEED_ROOT "\"}\n");
	}
	/* reading needs no privilege; a bad argument is still one */
	if (r == PASS)
		r = nobody_gets("status -j", 0, "\"policy\":\"hard_guardrail\"");
	if (r == PASS)
		r = nobody_gets("stats -j", 0, "{\"nodes\":[");
	if (r == PASS)
		r = nobody_gets("attach " HARD_POLICY " --set nosuch=1", 1,
				"--set nosuch: unknown variable");
	if (r == PASS)
		r = nobody_gets("cgroup set /x=2:bogus", 2, "bad mode 'bogus'");
	/* nothing of it reached the kernel */
	if (r == PASS)
		r = check_attached("hard_guardrail");
	return r == PASS ? detach("hard_guardrail") : r;
}
TEST(loader_nobody, "spm-loader without privileges: attach, detach and cgroup print one line, need root, exit 1 (JSON too); status and stats work",
	need_spm_ops, test_loader_nobody, cleanup_policy);
