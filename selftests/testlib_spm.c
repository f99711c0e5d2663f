// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' helper library: /sys/kernel/mm/spm, spm-loader, the
 * policies' BPF maps (libbpf) and enum values from BTF.  See testlib.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "testlib.h"

/* ---- spm_ops: sysfs, spm-loader, BPF maps ---- */

/* Read SPM_SYSFS/attr without the trailing newline. 0 or -errno. */
int spm_attr(const char *attr, char *buf, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), SPM_SYSFS "/%s", attr);
	return spm_read_str(path, buf, len);
}

int last_exit_body(char *buf, size_t len, const char **body)
{
	long seq = spm_attr_long("enable_seq");
	char *end;

	*body = "";
	if (spm_attr("last_exit", buf, len))
		return fail("cannot read last_exit");
	if (strtol(buf, &end, 10) != seq || end == buf || *end != ' ')
		return fail("last_exit '%s' is not of attach %ld (enable_seq)",
			    buf, seq);
	*body = end + 1;
	return PASS;
}

long spm_attr_long(const char *attr)
{
	char path[128];

	snprintf(path, sizeof(path), SPM_SYSFS "/%s", attr);
	return read_num(path);
}

bool wait_state(const char *want, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (spm_state_is(want))
			return true;
		spm_sleep_ms(20);
	}
	return spm_state_is(want);
}

/* The attached policy is @name, enabled. */
int check_attached(const char *name)
{
	char state[32], ops[80];

	spm_attr("state", state, sizeof(state));
	spm_attr("ops", ops, sizeof(ops));
	CHECK(!strcmp(state, "enabled") && !strcmp(ops, name),
	      "state '%s', ops '%s': expected enabled, %s", state, ops, name);
	return PASS;
}

/* No policy attached, the built-in rule in force. */
int check_detached(void)
{
	char state[32], ops[80];

	spm_attr("state", state, sizeof(state));
	spm_attr("ops", ops, sizeof(ops));
	CHECK(!strcmp(state, "disabled") && !ops[0],
	      "state '%s', ops '%s': expected disabled, no policy", state, ops);
	return PASS;
}

/* ---- spm-loader ---- */


struct loader fg;

/* Run "spm-loader ARGS" to completion, stdout and stderr in out. */
int loader_cmd(const char *args, char *out, size_t len)
{
	char cmd[512];
	int r;

	snprintf(cmd, sizeof(cmd), LOADER " %s 2>&1", args);
	r = run_cmd(cmd, out, len);
	info("spm-loader %s: exit %d: %s", args, r, out);
	return r;
}

int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Did the loader exit?  Waits up to ms. */
bool loader_wait(struct loader *l, int ms)
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
		spm_sleep_ms(20);
		ms -= 20;
	}
}

void loader_output(const struct loader *l, char *buf, size_t len)
{
	size_t n;

	/* spm_read_str() drops the last newline: the lines end with one. */
	if (spm_read_str(l->log, buf, len - 1) || !buf[0])
		return;
	n = strlen(buf);
	buf[n] = '\n';
	buf[n + 1] = '\0';
}

/*
 * Start "spm-loader attach OBJ ARGS" in the foreground and wait until it
 * says the policy NAME is attached and the kernel agrees.
 */
int loader_spawn(const char *obj, const char *args)
{
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
	return PASS;
}

int loader_start(const char *obj, const char *args, const char *name)
{
	char out[4096], want[128], want_json[160];
	int ms, r;

	r = loader_spawn(obj, args);
	if (r != PASS)
		return r;

	snprintf(want, sizeof(want), "spm-loader: policy %s attached\n", name);
	snprintf(want_json, sizeof(want_json),
		 "{\"event\":\"attached\",\"policy\":\"%s\",", name);
	for (ms = 0; ms < WAIT_MS; ms += 20) {
		loader_output(&fg, out, sizeof(out));
		if (strstr(out, want) || strstr(out, want_json))
			break;
		if (loader_wait(&fg, 0))
			return fail("spm-loader attach %s %s exited (status %#x) before attaching: %s",
				    obj, args ? args : "", fg.status, out);
		spm_sleep_ms(20);
	}
	CHECK(ms < WAIT_MS, "spm-loader attach %s: no '%.*s' after %d s: %s",
	      obj, (int)strlen(want) - 1, want, WAIT_MS / 1000, out);
	info("loader %d: %s", fg.pid, out);
	return check_attached(name);
}

/* Signal the foreground loader and wait for it to exit. */
int loader_stop(int sig)
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
int attach_pinned(const char *obj, const char *args, const char *name)
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

int detach(const char *name)
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
void reset_spm(void)
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
	if (!spm_state_is("disabled")) {
		write_file(SPM_SYSFS "/state", "disabled");
		wait_state("disabled", WAIT_MS);
	}
}

void cleanup_policy(void)
{
	reset_spm();
}

/* ---- BPF maps, through libbpf ---- */

int pinned_map(const char *path, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd, err;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	err = bpf_map_get_info_by_fd(fd, info, &len);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * The values of key in the per-CPU array fd (value_size bytes each, as
 * u64s), summed over the CPUs into sum[value_size / 8].  0 or -errno.
 */
static int percpu_sum(int fd, __u32 key, unsigned int value_size,
		      unsigned long long *sum)
{
	int ncpu = libbpf_num_possible_cpus(), cpu, err;
	size_t words = value_size / 8, w;
	unsigned long long *val;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	/* libbpf: per-CPU values are 8-byte aligned, one after the other */
	val = calloc(ncpu, (value_size + 7) / 8 * 8);
	if (!val)
		return -ENOMEM;
	err = bpf_map_lookup_elem(fd, &key, val) ? -errno : 0;
	memset(sum, 0, words * sizeof(*sum));
	for (cpu = 0; !err && cpu < ncpu; cpu++)
		for (w = 0; w < words; w++)
			sum[w] += val[cpu * ((value_size + 7) / 8) + w];
	free(val);
	return err;
}

/* ---- enum values from BTF ---- */

/* The kernel's BTF, parsed once per process. */
static struct btf *vmlinux_btf;

long btf_enum_value(const char *path, const char *type, const char *name)
{
	const struct btf_type *t;
	struct btf *btf;
	long val = -1;
	int id, i;

	if (!path && !vmlinux_btf)
		vmlinux_btf = btf__load_vmlinux_btf();
	btf = path ? btf__parse(path, NULL) : vmlinux_btf;
	if (!btf) {
		fail("BTF of %s: %s", path ?: "the kernel", strerror(errno));
		return -1;
	}
	id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM);
	if (id < 0) {
		fail("no enum %s in the BTF of %s", type, path ?: "the kernel");
		goto out;
	}
	t = btf__type_by_id(btf, id);
	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_enum *e = btf_enum(t) + i;

		if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
			val = e->val;
			goto out;
		}
	}
	fail("enum %s of %s has no %s", type, path ?: "the kernel", name);
out:
	if (path)
		btf__free(btf);
	return val;
}

long spm_reason(const char *name)
{
	char full[64];

	snprintf(full, sizeof(full), "SPM_REASON_%s", name);
	return btf_enum_value(NULL, "spm_reason", full);
}

/* Exactly one line of output, containing each of the words. */
int check_one_line(const char *what, const char *out,
			  const char * const *words)
{
	CHECK(count_lines(out) == 1, "%s: %d lines of output, expected one: %s",
	      what, count_lines(out), out);
	for (; *words; words++)
		CHECK(strstr(out, *words), "%s: no '%s' in: %s", what, *words,
		      out);
	return PASS;
}

/* The foreground loader detaches on SIGTERM and says so. */
int stop_detached(const char *name)
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

int read_verdicts(struct verdicts *v)
{
	struct bpf_map_info info;
	unsigned long long sum[2];
	long nr;
	int fd, err;
	__u32 key;

	memset(v, 0, sizeof(*v));
	nr = btf_enum_value(NULL, "spm_reason", "NR_SPM_REASONS");
	if (nr < 0)
		return FAIL;
	CHECK(nr <= MAX_REASONS, "NR_SPM_REASONS is %ld, more than %d", nr,
	      MAX_REASONS);
	v->nr = nr;
	fd = pinned_map(VERDICTS_PIN, &info);
	CHECK(fd >= 0, "%s: %s", VERDICTS_PIN, strerror(-fd));
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY || info.value_size != 16 ||
	    info.max_entries < nr) {
		close(fd);
		return fail("map verdicts: type %u, value size %u, %u entries: not a map of verdicts",
			    info.type, info.value_size, info.max_entries);
	}
	for (key = 0; key < nr; key++) {
		err = percpu_sum(fd, key, info.value_size, sum);
		if (err) {
			close(fd);
			return fail("map verdicts, key %u: %s", key,
				    strerror(-err));
		}
		v->admit[key] = sum[0];
		v->deny[key] = sum[1];
	}
	close(fd);
	return PASS;
}

unsigned long long verdict_sum(const struct verdicts *v, bool admit)
{
	unsigned long long s = 0;
	int i;

	for (i = 0; i < v->nr; i++)
		s += admit ? v->admit[i] : v->deny[i];
	return s;
}

int hard_verdict_totals(unsigned long long *admit, unsigned long long *deny)
{
	struct verdicts v;

	if (read_verdicts(&v) != PASS)
		return -1;
	*admit = verdict_sum(&v, true);
	*deny = verdict_sum(&v, false);
	return 0;
}

/* "reason:+admit/+deny ..." for the reasons that moved from a to b. */
char *verdicts_delta(const struct verdicts *a, const struct verdicts *b)
{
	static char buf[512];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < b->nr && n < sizeof(buf); i++)
		if (b->admit[i] != a->admit[i] || b->deny[i] != a->deny[i])
			n += snprintf(buf + n, sizeof(buf) - n, "%s%d:+%llu/+%llu",
				      n ? " " : "", i, b->admit[i] - a->admit[i],
				      b->deny[i] - a->deny[i]);
	return buf;
}

/* Setup of the spm_ops tests: everything they use is there, none attached. */
int need_spm_ops(void)
{
	static const char * const files[] = {
		LOADER, HARD_POLICY, SOFT_POLICY, CGROUP_POLICY,
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

int percpu_u64(const char *path, unsigned int key, unsigned long long *sum)
{
	struct bpf_map_info info;
	int fd, err;

	*sum = 0;
	fd = pinned_map(path, &info);
	if (fd < 0)
		return fd;
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY || info.value_size != 8 ||
	    key >= info.max_entries) {
		close(fd);
		return -EPROTO;
	}
	err = percpu_sum(fd, key, 8, sum);
	close(fd);
	return err;
}
