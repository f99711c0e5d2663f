// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: attach, detach and inspect struct spm_ops BPF policies.
 *
 * See "spm-loader --help".
 */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "spm-loader.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON		38
#endif
#ifndef CAP_BPF
#define CAP_BPF			39
#endif

static bool verbose;

/* What libbpf said, kept to explain a failure. */
static struct {
	char *vlog;		/* verifier log of the last failed program */
	char prog[64];		/* ... and that program's name */
	char last_warn[512];	/* last other warning */
} blog;

static __printf(1, 2) void errmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("spm-loader: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *need_root = "need root (CAP_BPF and CAP_SYS_ADMIN)";
static const char *no_spm =
	"this kernel has no SPM support (" SPM_SYSFS_DIR " missing)";

/*
 * libbpf's log: printed only with -v; the verifier log of a failed load
 * and the last warning are kept for the error message.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	const char *begin_tag = "-- BEGIN PROG LOAD LOG --\n";
	const char *end_tag = "-- END PROG LOAD LOG --";
	char *msg, *b, *e;
	va_list ap2;
	int n;

	if (verbose) {
		va_copy(ap2, ap);
		vfprintf(stderr, fmt, ap2);
		va_end(ap2);
	}
	if (level != LIBBPF_WARN)
		return 0;
	if (vasprintf(&msg, fmt, ap) < 0)
		return 0;

	b = strstr(msg, begin_tag);
	if (b) {
		e = strstr(b, end_tag);
		if (e)
			*e = '\0';
		free(blog.vlog);
		blog.vlog = strdup(b + strlen(begin_tag));
		blog.prog[0] = '\0';
		b = strstr(msg, "prog '");
		if (!b || sscanf(b, "prog '%63[^']'", blog.prog) != 1)
			snprintf(blog.prog, sizeof(blog.prog), "?");
	} else {
		n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
		snprintf(blog.last_warn, sizeof(blog.last_warn), "%s",
			 strncmp(msg, "libbpf: ", 8) ? msg : msg + 8);
	}
	free(msg);
	return 0;
}

/*
 * The line of the captured verifier log that says why: the last one that
 * is not one of the verifier's closing statistics.  Empty if none.
 */
static void vlog_reason(char *buf, size_t len)
{
	static const char * const stats[] = {
		"processed ", "verification time", "stack depth", "-- END",
	};
	const char *end, *line;
	unsigned int i;
	size_t n;

	buf[0] = '\0';
	if (!blog.vlog)
		return;
	end = blog.vlog + strlen(blog.vlog);
	while (end > blog.vlog) {
		while (end > blog.vlog && (end[-1] == '\n' || end[-1] == ' '))
			end--;
		for (line = end; line > blog.vlog && line[-1] != '\n'; line--)
			;
		n = end - line;
		for (i = 0; i < ARRAY_SIZE(stats); i++)
			if (!strncmp(line, stats[i], strlen(stats[i])))
				break;
		if (n && i == ARRAY_SIZE(stats)) {
			snprintf(buf, len, "%.*s", (int)n, line);
			return;
		}
		end = line;
	}
}

static bool have_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	uint64_t eff;

	if (syscall(SYS_capget, &hdr, data))
		return true;	/* let the kernel decide */
	eff = data[0].effective | (uint64_t)data[1].effective << 32;
	if (eff & (1ULL << CAP_SYS_ADMIN))
		return true;
	return (eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON));
}

static bool state_is(const char *want)
{
	char state[32];

	return !spm_read_str(SPM_SYSFS_DIR "/state", state, sizeof(state)) &&
	       !strcmp(state, want);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static bool wait_disabled(int timeout_ms)
{
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 20) {
		if (state_is("disabled"))
			return true;
		sleep_ms(20);
	}
	return state_is("disabled");
}

static void attached_name(char *buf, size_t len)
{
	if (spm_read_str(SPM_SYSFS_DIR "/ops", buf, len) || !buf[0])
		snprintf(buf, len, "(unknown)");
}

static int ensure_bpffs(void)
{
	struct statfs sfs;

	if (statfs(SPM_BPFFS, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		if (mkdir(SPM_BPFFS, 0700) && errno != EEXIST) {
			errmsg("cannot create %s: %s", SPM_BPFFS,
			       strerror(errno));
			return -1;
		}
		if (mount("bpf", SPM_BPFFS, "bpf", 0, "mode=0700")) {
			errmsg("cannot mount bpffs at %s: %s", SPM_BPFFS,
			       errno == EPERM ? need_root : strerror(errno));
			return -1;
		}
	}
	if (mkdir(SPM_PIN_DIR, 0700) && errno != EEXIST) {
		errmsg("cannot create %s: %s", SPM_PIN_DIR,
		       errno == EPERM || errno == EACCES ? need_root :
		       strerror(errno));
		return -1;
	}
	return 0;
}

static void write_pidfile(void)
{
	char buf[32];
	int fd, n;

	mkdir("/run", 0755);
	fd = open(SPM_PIDFILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr,
			"spm-loader: warning: cannot write %s: %s ('spm-loader detach' will not find this process)\n",
			SPM_PIDFILE, strerror(errno));
		return;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, n) != n)
		fprintf(stderr, "spm-loader: warning: cannot write %s\n",
			SPM_PIDFILE);
	close(fd);
}

static void remove_pidfile(void)
{
	uint64_t pid;

	if (!spm_read_u64(SPM_PIDFILE, &pid) && pid == (uint64_t)getpid())
		unlink(SPM_PIDFILE);
}

static int unpin_maps(void);

/*
 * Foreground: wait for a signal (detach) or EPOLLHUP (ejected).  The
 * cgroup table pinned for "spm-loader cgroup" goes before the policy.
 */
static int wait_foreground(struct bpf_link *link, int sfd, const char *name,
			   bool table_pinned)
{
	struct pollfd pfd[2] = {
		{ .fd = bpf_link__fd(link), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	char line[1024];
	int i;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			errmsg("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR)) {
			/* the exit info is recorded before the link goes */
			for (i = 0; i < 50; i++) {
				if (!spm_read_str(SPM_SYSFS_DIR "/last_exit",
						  line, sizeof(line)) &&
				    line[0])
					break;
				sleep_ms(20);
			}
			if (!line[0])
				snprintf(line, sizeof(line),
					 "(no exit information)");
			if (table_pinned)
				unpin_maps();
			bpf_link__destroy(link);
			remove_pidfile();
			errmsg("policy %s ejected: %s", name, line);
			return SPM_EXIT_FAIL;
		}
		if (pfd[1].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			break;
		}
	}

	if (table_pinned)
		unpin_maps();
	bpf_link__detach(link);
	bpf_link__destroy(link);
	remove_pidfile();
	if (!wait_disabled(SPM_DETACH_TIMEOUT_MS)) {
		errmsg("policy %s: timed out waiting for the state to become disabled",
		       name);
		return SPM_EXIT_FAIL;
	}
	printf("spm-loader: policy %s detached\n", name);
	return SPM_EXIT_OK;
}

/* Remove the policy maps pinned under SPM_PIN_MAPS, and the directory. */
static int unpin_maps(void)
{
	struct dirent *de;
	char path[512];
	int ret = 0;
	DIR *d;

	d = opendir(SPM_PIN_MAPS);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SPM_PIN_MAPS "/%s", de->d_name);
		if (unlink(path) && errno != ENOENT)
			ret = -errno;
	}
	closedir(d);
	if (rmdir(SPM_PIN_MAPS) && errno != ENOENT)
		ret = -errno;
	return ret;
}

/*
 * Pin the policy's own maps (not its struct_ops map, not its global data)
 * at SPM_PIN_MAPS/NAME, for bpftool and tests to read while it runs.
 */
static int pin_maps(struct bpf_object *obj)
{
	struct bpf_map *map;
	char path[512];
	int err;

	if (mkdir(SPM_PIN_MAPS, 0700) && errno != EEXIST) {
		errmsg("cannot create %s: %s", SPM_PIN_MAPS, strerror(errno));
		return -1;
	}
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS ||
		    bpf_map__is_internal(map) || !bpf_map__autocreate(map))
			continue;
		snprintf(path, sizeof(path), SPM_PIN_MAPS "/%s",
			 bpf_map__name(map));
		err = bpf_map__pin(map, path);
		if (err) {
			errmsg("cannot pin map %s at %s: %s", bpf_map__name(map),
			       path, strerror(-err));
			return -1;
		}
	}
	return 0;
}

/* The attach succeeded: pins left in SPM_PIN_DIR are of a policy gone. */
static int remove_stale_pins(void)
{
	if (unlink(SPM_PIN_PATH) && errno != ENOENT) {
		errmsg("cannot remove the stale pin %s: %s", SPM_PIN_PATH,
		       strerror(errno));
		return -1;
	}
	if (unpin_maps()) {
		errmsg("cannot remove the stale maps in %s", SPM_PIN_MAPS);
		return -1;
	}
	return 0;
}

/* Foreground: pin only the cgroup table, for "spm-loader cgroup". */
static int pin_table(struct bpf_map *table)
{
	int err;

	if (ensure_bpffs() || remove_stale_pins())
		return -1;
	if (mkdir(SPM_PIN_MAPS, 0700) && errno != EEXIST) {
		errmsg("cannot create %s: %s", SPM_PIN_MAPS, strerror(errno));
		return -1;
	}
	err = bpf_map__pin(table, SPM_CGROUP_PIN);
	if (err) {
		errmsg("cannot pin the cgroup table at %s: %s", SPM_CGROUP_PIN,
		       strerror(-err));
		unpin_maps();
		return -1;
	}
	return 0;
}

static int pin_link(struct bpf_object *obj, struct bpf_link *link,
		    const char *name)
{
	int err;

	if (remove_stale_pins())
		return -1;
	if (pin_maps(obj)) {
		unpin_maps();
		return -1;
	}
	err = bpf_link__pin(link, SPM_PIN_PATH);
	if (err) {
		errmsg("cannot pin the link at %s: %s", SPM_PIN_PATH,
		       strerror(-err));
		unpin_maps();
		return -1;
	}
	printf("spm-loader: policy %s attached and pinned at %s\n", name,
	       SPM_PIN_PATH);
	return 0;
}

static int report_load_error(struct bpf_object *obj, const char *file,
			     int err)
{
	struct bpf_program *prog;
	const char *hint = "";
	char why[256];
	bool insn;

	if (blog.vlog && blog.vlog[0]) {
		vlog_reason(why, sizeof(why));
		prog = bpf_object__find_program_by_name(obj, blog.prog);
		if (prog && !strncmp(bpf_program__section_name(prog),
				     "struct_ops.s/", 13) &&
		    strstr(why, "unsupported member"))
			hint = " (only init and exit may be sleepable)";
		/* no message, just the instruction it stopped at */
		insn = isdigit((unsigned char)why[0]) && strstr(why, ": (");
		errmsg("%s: the verifier rejected program '%s'%s %s%s%s", file,
		       blog.prog, insn ? " at instruction" : ":",
		       why[0] ? why : "(no reason given)", hint,
		       verbose ? "" : " (-v shows the verifier log)");
		return SPM_EXIT_FAIL;
	}
	if (err == -EPERM || err == -EACCES) {
		errmsg("%s", need_root);
		return SPM_EXIT_FAIL;
	}
	if (strstr(blog.last_warn, SPM_OPS_TYPE) &&
	    strstr(blog.last_warn, "not found in kernel BTF")) {
		errmsg("%s: this kernel does not know struct %s (SPM BPF policies not supported)",
		       file, SPM_OPS_TYPE);
		return SPM_EXIT_FAIL;
	}
	if (blog.last_warn[0])
		errmsg("%s: cannot load the policy: %s (libbpf: %s)", file,
		       strerror(-err), blog.last_warn);
	else
		errmsg("%s: cannot load the policy: %s", file, strerror(-err));
	return SPM_EXIT_FAIL;
}

static int load_reasons(const struct spm_args *a, struct spm_enum_table *tbl)
{
	struct btf *vmlinux;
	int i;

	memset(tbl, 0, sizeof(*tbl));
	for (i = 0; i < a->nr_sets; i++)
		if (spm_str_ends_with(a->sets[i].name, "_reasons"))
			break;
	if (i == a->nr_sets)
		return 0;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		tbl->unavailable = "cannot load the kernel's BTF";
		return 0;
	}
	spm_reasons_from_btf(vmlinux, tbl);
	btf__free(vmlinux);
	return 0;
}

/*
 * A policy that declares 'memory_nodes' gets the nodes with memory, so
 * that it can tell a mask of all nodes, unless --set gave it.
 */
static int set_memory_nodes(struct bpf_object *obj, const struct spm_args *a)
{
	char buf[1024], err[SPM_ERRLEN];
	int i, ret;

	for (i = 0; i < a->nr_sets; i++)
		if (!strcmp(a->sets[i].name, "memory_nodes"))
			return 0;
	if (!spm_has_var(obj, "memory_nodes"))
		return 0;
	ret = spm_read_str(SPM_NODE_DIR "/has_memory", buf, sizeof(buf));
	if (ret) {
		errmsg("cannot read %s/has_memory: %s", SPM_NODE_DIR,
		       strerror(-ret));
		return -1;
	}
	if (spm_set_var(obj, "memory_nodes", buf, NULL, err, sizeof(err))) {
		errmsg("%s", err);
		return -1;
	}
	return 0;
}

static int check_table_map(struct bpf_map *map, const char *file)
{
	if (bpf_map__type(map) != BPF_MAP_TYPE_HASH ||
	    bpf_map__key_size(map) != sizeof(__u64) ||
	    bpf_map__value_size(map) != sizeof(struct spm_cgroup_entry)) {
		errmsg("%s: map %s is not a cgroup table (want a hash of __u64 to struct spm_cgroup_entry, %zu bytes; see bpf/spm_cgroup.h)",
		       file, SPM_CGROUP_TABLE_NAME,
		       sizeof(struct spm_cgroup_entry));
		return -1;
	}
	return 0;
}

static void print_reqs(const struct spm_cgroup_req *reqs, int nr)
{
	char desc[1024];
	int i;

	for (i = 0; i < nr; i++) {
		spm_describe_entry(&reqs[i].entry, desc, sizeof(desc));
		printf("spm-loader: cgroup %s (id %" PRIu64 "): %s\n",
		       reqs[i].path, reqs[i].id, desc);
	}
}

static int cmd_attach(const struct spm_args *a)
{
	const char *file = a->file;
	struct spm_enum_table reasons = {};
	struct bpf_object *obj = NULL;
	struct bpf_link *link = NULL;
	struct spm_cgroup_req *reqs = NULL;
	struct bpf_map *map, *table = NULL;
	char err[SPM_ERRLEN], name[128];
	int nr_reqs = 0;
	bool has_name;
	sigset_t sigs;
	int ret = SPM_EXIT_FAIL, i, sfd = -1;

	obj = spm_open_policy(file, err, sizeof(err));
	if (!obj) {
		if (verbose && blog.last_warn[0])
			errmsg("%s (libbpf: %s)", err, blog.last_warn);
		else
			errmsg("%s", err);
		return SPM_EXIT_FAIL;
	}

	map = spm_find_ops_map(obj, file, err, sizeof(err));
	if (!map) {
		errmsg("%s", err);
		goto out;
	}
	has_name = spm_policy_name(obj, map, name, sizeof(name));

	if (!spm_kernel_has_spm()) {
		errmsg("%s", no_spm);
		goto out;
	}

	load_reasons(a, &reasons);
	for (i = 0; i < a->nr_sets; i++) {
		if (spm_set_var(obj, a->sets[i].name, a->sets[i].value,
				&reasons, err, sizeof(err))) {
			errmsg("%s", err);
			goto out;
		}
	}
	if (set_memory_nodes(obj, a))
		goto out;

	table = bpf_object__find_map_by_name(obj, SPM_CGROUP_TABLE_NAME);
	if (table && check_table_map(table, file))
		goto out;
	if (a->nr_allows) {
		if (!table) {
			errmsg("%s: --allow needs a policy with a cgroup table (a map '%s'), such as cgroup_spm",
			       file, SPM_CGROUP_TABLE_NAME);
			goto out;
		}
		if (spm_cgroup_resolve(a->allows, a->nr_allows, &reqs,
				       &nr_reqs, err, sizeof(err))) {
			errmsg("--allow %s", err);
			goto out;
		}
	}

	if (!have_caps()) {
		errmsg("%s", need_root);
		goto out;
	}
	if (a->pin && ensure_bpffs())
		goto out;
	i = bpf_object__load(obj);
	if (i) {
		ret = report_load_error(obj, file, i);
		goto out;
	}
	/* The table is filled before the policy makes its first decision. */
	if (nr_reqs && spm_cgroup_table_update(bpf_map__fd(table), reqs,
					       nr_reqs, err, sizeof(err))) {
		errmsg("%s", err);
		goto out;
	}

	/* from here on, SIGINT/SIGTERM/SIGHUP mean "detach" */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (!a->pin) {
		/* a closed stdout must not kill us (and detach the policy) */
		signal(SIGPIPE, SIG_IGN);
		sigprocmask(SIG_BLOCK, &sigs, NULL);
		sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
		if (sfd < 0) {
			errmsg("signalfd: %s", strerror(errno));
			goto out;
		}
	}

	link = bpf_map__attach_struct_ops(map);
	if (!link) {
		int e = errno;
		char cur[128];

		if (e == EBUSY) {
			attached_name(cur, sizeof(cur));
			errmsg("policy '%s' is already attached; detach it first",
			       cur);
		} else if (e == EPERM || e == EACCES) {
			errmsg("%s", need_root);
		} else if (e == EINVAL && !has_name) {
			errmsg("%s: the kernel refused the policy: its struct spm_ops has no .name",
			       file);
		} else {
			errmsg("%s: cannot attach the policy: %s%s", file,
			       strerror(e), e == EINVAL ?
			       " (the kernel refused its struct spm_ops: .flags must be 0)" :
			       "");
		}
		goto out;
	}

	if (a->pin) {
		ret = pin_link(obj, link, name) ? SPM_EXIT_FAIL : SPM_EXIT_OK;
		if (ret)
			bpf_link__detach(link);
		bpf_link__destroy(link);
		if (!ret)
			print_reqs(reqs, nr_reqs);
		goto out;
	}
	if (table && pin_table(table)) {
		bpf_link__detach(link);
		bpf_link__destroy(link);
		goto out;
	}

	write_pidfile();
	print_reqs(reqs, nr_reqs);
	printf("spm-loader: policy %s attached\n", name);
	fflush(stdout);
	ret = wait_foreground(link, sfd, name, table != NULL);
out:
	if (sfd >= 0)
		close(sfd);
	spm_free_cgroup_reqs(reqs, nr_reqs);
	spm_enum_table_free(&reasons);
	bpf_object__close(obj);
	return ret;
}

/* Is @pid a running spm-loader? */
static bool is_loader(pid_t pid)
{
	char path[64], comm[32];
	FILE *f;
	bool ret = true;

	if (kill(pid, 0) && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return true;	/* no procfs: trust the pidfile */
	if (fgets(comm, sizeof(comm), f))
		ret = !strncmp(comm, "spm-loader", 10);
	fclose(f);
	return ret;
}

/*
 * Detach a pinned link. Returns 1 if a live link was detached, 0 if the pin
 * was stale (its policy was ejected or detached), -1 on error.
 */
static int detach_pinned(void)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd, live = 1;

	fd = bpf_obj_get(SPM_PIN_PATH);
	if (fd < 0) {
		errmsg("cannot open the pinned link %s: %s", SPM_PIN_PATH,
		       errno == EPERM || errno == EACCES ? need_root :
		       strerror(errno));
		return -1;
	}
	if (!bpf_link_get_info_by_fd(fd, &info, &len) &&
	    info.type == BPF_LINK_TYPE_STRUCT_OPS && !info.struct_ops.map_id)
		live = 0;
	if (live && bpf_link_detach(fd) && errno != EOPNOTSUPP &&
	    errno != EINVAL) {
		errmsg("cannot detach the pinned link %s: %s", SPM_PIN_PATH,
		       errno == EPERM ? need_root : strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (unlink(SPM_PIN_PATH)) {
		errmsg("cannot remove %s: %s", SPM_PIN_PATH,
		       errno == EPERM || errno == EACCES ? need_root :
		       strerror(errno));
		return -1;
	}
	if (unpin_maps()) {
		errmsg("cannot remove the maps pinned in %s", SPM_PIN_MAPS);
		return -1;
	}
	return live;
}

static int cmd_detach(void)
{
	bool stale = false, done = false;
	char name[128] = "";
	uint64_t pid;
	int ret;

	if (!spm_kernel_has_spm()) {
		errmsg("%s", no_spm);
		return SPM_EXIT_FAIL;
	}
	if (!have_caps()) {
		errmsg("%s", need_root);
		return SPM_EXIT_FAIL;
	}
	spm_read_str(SPM_SYSFS_DIR "/ops", name, sizeof(name));

	if (!access(SPM_PIN_PATH, F_OK)) {
		ret = detach_pinned();
		if (ret < 0)
			return SPM_EXIT_FAIL;
		done = ret > 0;
		stale = !ret;
	}
	if (!done && !spm_read_u64(SPM_PIDFILE, &pid) && pid &&
	    pid <= INT32_MAX) {
		if (is_loader((pid_t)pid)) {
			if (kill((pid_t)pid, SIGTERM)) {
				errmsg("cannot signal spm-loader (pid %d): %s",
				       (int)pid,
				       errno == EPERM ? need_root :
				       strerror(errno));
				return SPM_EXIT_FAIL;
			}
			done = true;
		} else {
			unlink(SPM_PIDFILE);	/* stale */
		}
	}

	if (!done) {
		if (name[0] && !state_is("disabled")) {
			errmsg("policy '%s' is attached, but not by spm-loader (no pin at %s, no loader in %s)",
			       name, SPM_PIN_PATH, SPM_PIDFILE);
			return SPM_EXIT_FAIL;
		}
		if (stale) {
			printf("spm-loader: removed the stale pin %s (its policy had already been detached)\n",
			       SPM_PIN_PATH);
			return SPM_EXIT_OK;
		}
		errmsg("no policy attached");
		return SPM_EXIT_FAIL;
	}

	if (!wait_disabled(SPM_DETACH_TIMEOUT_MS)) {
		char state[32] = "";

		spm_read_str(SPM_SYSFS_DIR "/state", state, sizeof(state));
		errmsg("timed out after %d s waiting for policy '%s' to detach (state: %s)",
		       SPM_DETACH_TIMEOUT_MS / 1000, name, state);
		return SPM_EXIT_FAIL;
	}
	printf("spm-loader: policy %s detached\n", name[0] ? name : "(unknown)");
	return SPM_EXIT_OK;
}

static int cmd_status(const struct spm_args *a)
{
	struct spm_status st;
	int ret;

	if (!spm_kernel_has_spm()) {
		errmsg("%s", no_spm);
		return SPM_EXIT_FAIL;
	}
	ret = spm_read_status(&st);
	if (ret) {
		errmsg("cannot read %s/state: %s", SPM_SYSFS_DIR,
		       strerror(-ret));
		return SPM_EXIT_FAIL;
	}
	spm_print_status(stdout, &st, a->json);
	return SPM_EXIT_OK;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_stats(const struct spm_args *a)
{
	static struct spm_node_stat rows[SPM_MAX_NODES], prev[SPM_MAX_NODES];
	char err[SPM_ERRLEN];
	int nr, nr_prev = 0;
	double t, t_prev = 0;
	bool tty = isatty(STDOUT_FILENO);
	sigset_t sigs;

	if (!spm_kernel_has_spm()) {
		errmsg("%s", no_spm);
		return SPM_EXIT_FAIL;
	}
	if (!a->watch) {
		nr = spm_read_stats(rows, SPM_MAX_NODES, err, sizeof(err));
		if (nr < 0) {
			errmsg("%s", err);
			return SPM_EXIT_FAIL;
		}
		spm_print_stats(stdout, rows, nr, NULL, 0, 0);
		return SPM_EXIT_OK;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	for (;;) {
		struct timespec ts;
		char stamp[16];
		time_t wall;

		nr = spm_read_stats(rows, SPM_MAX_NODES, err, sizeof(err));
		t = now_s();
		if (nr < 0) {
			errmsg("%s", err);
			return SPM_EXIT_FAIL;
		}
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (t_prev)
			fputc('\n', stdout);
		wall = time(NULL);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&wall));
		printf("%s, every %g s (Ctrl-C to stop)\n", stamp, a->interval);
		spm_print_stats(stdout, rows, nr, prev, nr_prev, t - t_prev);
		fflush(stdout);
		memcpy(prev, rows, nr * sizeof(*rows));
		nr_prev = nr;
		t_prev = t;

		ts.tv_sec = (time_t)a->interval;
		ts.tv_nsec = (long)((a->interval - ts.tv_sec) * 1e9);
		if (sigtimedwait(&sigs, NULL, &ts) >= 0)
			break;
		if (errno != EAGAIN && errno != EINTR) {
			errmsg("sigtimedwait: %s", strerror(errno));
			return SPM_EXIT_FAIL;
		}
	}
	return SPM_EXIT_OK;
}

/* Does a loaded struct_ops program, i.e. a policy, use map @map_id? */
static bool map_in_use(__u32 map_id)
{
	__u32 id = 0, ids[64], len, i;
	struct bpf_prog_info info;
	bool found = false;
	int fd;

	while (!found && !bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = ARRAY_SIZE(ids);
		info.map_ids = (__u64)(unsigned long)ids;
		len = sizeof(info);
		if (!bpf_prog_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_PROG_TYPE_STRUCT_OPS)
			for (i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(ids); i++)
				found |= ids[i] == map_id;
		close(fd);
	}
	return found;
}

/*
 * The cgroup table of the attached policy, pinned by the loader that
 * attached it; -1 after one error line.
 */
static int open_table(void)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char err[SPM_ERRLEN], name[128] = "";
	int fd;

	spm_read_str(SPM_SYSFS_DIR "/ops", name, sizeof(name));
	fd = bpf_obj_get(SPM_CGROUP_PIN);
	if (fd < 0) {
		if (errno == EPERM || errno == EACCES)
			errmsg("%s", need_root);
		else if (name[0] && state_is("enabled"))
			errmsg("policy '%s' has no cgroup table (nothing at %s): attach one such as cgroup_spm",
			       name, SPM_CGROUP_PIN);
		else
			errmsg("no policy with a cgroup table attached (nothing at %s)",
			       SPM_CGROUP_PIN);
		return -1;
	}
	if (spm_cgroup_table_check(fd, err, sizeof(err))) {
		errmsg("%s: %s", SPM_CGROUP_PIN, err);
		close(fd);
		return -1;
	}
	if (!state_is("enabled") ||
	    bpf_map_get_info_by_fd(fd, &info, &len) || !map_in_use(info.id)) {
		errmsg("no policy with a cgroup table attached (the table at %s is left over from one that is gone)",
		       SPM_CGROUP_PIN);
		close(fd);
		return -1;
	}
	return fd;
}

/* "1234" is a cgroup id, anything else a path. */
static bool is_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int cgroup_rm(int fd, const char *what)
{
	struct spm_cgroup_entry e;
	char err[SPM_ERRLEN], path[4096];
	uint64_t id;

	if (is_id(what)) {
		errno = 0;
		id = strtoull(what, NULL, 10);
		if (errno) {
			errmsg("cgroup rm: bad cgroup id '%s'", what);
			return -1;
		}
		if (spm_cgroup_path(id, path, sizeof(path)))
			snprintf(path, sizeof(path), "stale");
	} else {
		if (spm_cgroup_id(what, &id, err, sizeof(err))) {
			errmsg("cgroup rm: %s", err);
			return -1;
		}
		snprintf(path, sizeof(path), "%s", what);
	}
	if (bpf_map_lookup_elem(fd, &id, &e) ||
	    bpf_map_delete_elem(fd, &id)) {
		if (errno == ENOENT)
			errmsg("cgroup rm: %s (id %" PRIu64 ") has no entry in the cgroup table",
			       path, id);
		else
			errmsg("cgroup rm: %s (id %" PRIu64 "): %s", path, id,
			       strerror(errno));
		return -1;
	}
	printf("spm-loader: cgroup %s (id %" PRIu64 ") removed\n", path, id);
	return 0;
}

static int cmd_cgroup(const struct spm_args *a)
{
	struct spm_cgroup_req *reqs = NULL;
	char err[SPM_ERRLEN];
	int fd, i, nr = 0, ret = SPM_EXIT_FAIL;

	if (!spm_kernel_has_spm()) {
		errmsg("%s", no_spm);
		return SPM_EXIT_FAIL;
	}
	if (!have_caps()) {
		errmsg("%s", need_root);
		return SPM_EXIT_FAIL;
	}
	/* Check every spec before touching the table. */
	if (a->cgroup_cmd == SPM_CGROUP_SET &&
	    spm_cgroup_resolve(a->operands, a->nr_operands, &reqs, &nr, err,
			       sizeof(err))) {
		errmsg("cgroup set %s", err);
		return SPM_EXIT_FAIL;
	}
	fd = open_table();
	if (fd < 0)
		goto out;

	switch (a->cgroup_cmd) {
	case SPM_CGROUP_SET:
		if (spm_cgroup_table_update(fd, reqs, nr, err, sizeof(err))) {
			errmsg("cgroup set: %s", err);
			break;
		}
		print_reqs(reqs, nr);
		ret = SPM_EXIT_OK;
		break;
	case SPM_CGROUP_RM:
		ret = SPM_EXIT_OK;
		for (i = 0; i < a->nr_operands; i++)
			if (cgroup_rm(fd, a->operands[i]))
				ret = SPM_EXIT_FAIL;
		break;
	case SPM_CGROUP_LIST:
		if (spm_cgroup_list(stdout, fd, err, sizeof(err))) {
			errmsg("cgroup list: %s", err);
			break;
		}
		ret = SPM_EXIT_OK;
		break;
	default:
		break;
	}
	close(fd);
out:
	spm_free_cgroup_reqs(reqs, nr);
	return ret;
}

int main(int argc, char **argv)
{
	struct spm_args args;
	char err[SPM_ERRLEN];
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);

	if (spm_parse_args(argc, argv, &args, err, sizeof(err))) {
		errmsg("%s", err);
		spm_free_args(&args);
		return SPM_EXIT_USAGE;
	}
	verbose = args.verbose;

	switch (args.cmd) {
	case SPM_CMD_HELP:
		fputs(spm_usage, stdout);
		ret = SPM_EXIT_OK;
		break;
	case SPM_CMD_VERSION:
		printf("spm-loader %s (libbpf %u.%u)\n", SPM_LOADER_VERSION,
		       libbpf_major_version(), libbpf_minor_version());
		ret = SPM_EXIT_OK;
		break;
	case SPM_CMD_ATTACH:
		ret = cmd_attach(&args);
		break;
	case SPM_CMD_DETACH:
		ret = cmd_detach();
		break;
	case SPM_CMD_STATUS:
		ret = cmd_status(&args);
		break;
	case SPM_CMD_STATS:
		ret = cmd_stats(&args);
		break;
	case SPM_CMD_CGROUP:
		ret = cmd_cgroup(&args);
		break;
	default:
		ret = SPM_EXIT_USAGE;
		break;
	}
	spm_free_args(&args);
	free(blog.vlog);
	return ret;
}
