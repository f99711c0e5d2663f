// SPDX-License-Identifier: GPL-2.0
/*
 * What an unprivileged user can and cannot do: change the SPM settings,
 * reach an SPM node with mbind() that the attached policy does not admit
 * for its cgroup, or grant its own delegated cgroup an allowance through
 * the pinned cgroup table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "harness.h"
#include "testlib.h"

#define TABLE_PIN	"/sys/fs/bpf/spm_ops/maps/cgroup_table"
#define DELEGATED	"spm_delegated"
#define UNPRIV_BPF	"/proc/sys/kernel/unprivileged_bpf_disabled"

/*
 * Run @fn as nobody (no capability left) in a child; its return value,
 * an errno or 0, or -1 if the child could not become nobody.
 */
static int as_nobody(int (*fn)(void))
{
	int st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (become_nobody())
			_exit(255);
		_exit(fn());
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) == 255)
		return -1;
	return WEXITSTATUS(st);
}

static const char *write_path;
static const char *write_value;

static int write_as_nobody(void)
{
	return -write_file(write_path, write_value);
}

/* nobody writing @value to @path gets EACCES, and @path keeps its value. */
static int write_refused(const char *path, const char *value)
{
	char before[256], after[256];
	int r;

	CHECK(!spm_read_str(path, before, sizeof(before)), "read %s: %s",
	      path, strerror(errno));
	write_path = path;
	write_value = value;
	r = as_nobody(write_as_nobody);
	CHECK(r >= 0, "cannot run as nobody");
	CHECK(r == EACCES, "nobody writing '%s' to %s: %s, expected EACCES",
	      value, path, r ? strerror(r) : "it worked");
	CHECK(!spm_read_str(path, after, sizeof(after)) &&
	      !strcmp(before, after),
	      "%s went from '%s' to '%s'", path, before, after);
	return PASS;
}

static int test_privilege_sysfs(void)
{
	char path[128];
	int spm = first_spm(), sysram = first_sysram(), r;

	r = attach_pinned(HARD_POLICY, NULL, "hard_guardrail");
	if (r != PASS)
		return r;
	r = write_refused(SPM_SYSFS "/state", "disabled");
	if (r == PASS)
		r = write_refused(SPM_SYSFS "/budget_us", "0");
	if (r == PASS)
		r = write_refused(SPM_SYSFS "/nodes", "\n");
	if (r != PASS)
		return r;
	r = check_attached("hard_guardrail");
	if (r != PASS)
		return r;
	/* A node's SPM marking, either way. */
	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d/spm", spm);
	r = write_refused(path, "0");
	if (r != PASS)
		return r;
	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d/spm", sysram);
	r = write_refused(path, "1");
	if (r != PASS)
		return r;
	return detach("hard_guardrail");
}
TEST(privilege_sysfs, "nobody cannot write /sys/kernel/mm/spm/state, budget_us, nodes or a node's spm (EACCES); nothing changes",
	need_spm_ops, test_privilege_sysfs, cleanup_policy);

static int mbind_spm(void)
{
	size_t len = 2 * MiB;
	void *p = map_anon(len);
	int r;

	if (!p)
		return errno;
	r = sys_mbind(p, len, MPOL_BIND, NODE_BIT(first_spm()), 0) ? errno : 0;
	munmap(p, len);
	return r;
}

/*
 * cgroup_spm with an entry for another cgroup only: nobody, in the root
 * cgroup, cannot bind memory to the SPM node.
 */
static int test_privilege_mbind(void)
{
	char args[160];
	int r;

	r = make_cgroup(DELEGATED);
	if (r != PASS)
		return r;
	snprintf(args, sizeof(args), "--allow " CGROUP_ROOT "/" DELEGATED "=%d",
		 first_spm());
	r = attach_pinned(CGROUP_POLICY, args, "cgroup_spm");
	if (r != PASS)
		return r;
	r = as_nobody(mbind_spm);
	CHECK(r >= 0, "cannot run as nobody");
	CHECK(r == EINVAL, "nobody's mbind(MPOL_BIND, {%d}): %s, expected EINVAL",
	      first_spm(), r ? strerror(r) : "it worked");
	return detach("cgroup_spm");
}

static void cleanup_delegated(void)
{
	cleanup_policy();
	remove_cgroup(DELEGATED);
	restore_cgroup_controllers();
}
TEST(privilege_mbind, "nobody cannot mbind() to an SPM node that cgroup_spm admits only for another cgroup (EINVAL)",
	need_spm_ops, test_privilege_mbind, cleanup_delegated);

static int open_table(void)
{
	int fd = bpf_obj_get(TABLE_PIN);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return -fd;
}

static char saved_unpriv_bpf[16];

/*
 * A cgroup delegated to nobody, unprivileged BPF allowed: its owner still
 * cannot open the pinned cgroup table, so it cannot grant itself an
 * allowance.
 */
static int test_privilege_table(void)
{
	char path[256];
	int r;

	r = make_cgroup(DELEGATED);
	if (r != PASS)
		return r;
	snprintf(path, sizeof(path), CGROUP_ROOT "/" DELEGATED);
	CHECK(!chown(path, NOBODY, NOBODY), "chown %s: %s", path,
	      strerror(errno));
	snprintf(path, sizeof(path), CGROUP_ROOT "/" DELEGATED "/cgroup.procs");
	CHECK(!chown(path, NOBODY, NOBODY), "chown %s: %s", path,
	      strerror(errno));
	r = attach_pinned(CGROUP_POLICY, NULL, "cgroup_spm");
	if (r != PASS)
		return r;
	CHECK(!access(TABLE_PIN, F_OK), "no table pinned at " TABLE_PIN);

	/* Without this, bpf() refuses nobody everything: test the pin. */
	CHECK(!spm_read_str(UNPRIV_BPF, saved_unpriv_bpf,
			    sizeof(saved_unpriv_bpf)),
	      "read " UNPRIV_BPF ": %s", strerror(errno));
	r = write_file(UNPRIV_BPF, "0");
	if (r)
		return skip("unprivileged BPF cannot be allowed here: %s",
			    strerror(-r));
	r = as_nobody(open_table);
	CHECK(r >= 0, "cannot run as nobody");
	CHECK(r == EACCES, "nobody opening " TABLE_PIN ": %s, expected EACCES",
	      r ? strerror(r) : "it worked");
	return detach("cgroup_spm");
}

static void cleanup_table(void)
{
	if (saved_unpriv_bpf[0])
		write_file(UNPRIV_BPF, saved_unpriv_bpf);
	saved_unpriv_bpf[0] = '\0';
	cleanup_delegated();
}
TEST(privilege_table, "the owner of a delegated cgroup cannot open the pinned cgroup table, even with unprivileged BPF allowed",
	need_spm_ops, test_privilege_table, cleanup_table);
