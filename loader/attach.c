// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader attach and detach: load a policy, attach it with a BPF link,
 * stay in the foreground or pin the link, and report why the kernel
 * ejected it from the policy's own exit record.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "spm-loader.h"

/* What attach works on, from the object to the link. */
struct attach_ctx {
	const struct spm_args *a;
	struct bpf_object *obj;
	struct spm_logs logs;
	struct bpf_map *ops;
	struct bpf_map *table;		/* the cgroup table, if any */
	struct btf *vmlinux;
	struct spm_enum_table reasons;
	struct spm_cgroup_req *reqs;	/* --allow, resolved */
	int nr_reqs;
	char name[128];
	bool has_name;
	int64_t first_error;		/* the kernel's SPM_EXIT_ERROR */
	uint64_t enable_seq;		/* of this attach; 0 if unknown */
};

static bool wait_disabled(int timeout_ms)
{
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 20) {
		if (spm_state_is("disabled"))
			return true;
		spm_sleep_ms(20);
	}
	return spm_state_is("disabled");
}

static int ensure_bpffs(void)
{
	struct statfs sfs;

	if (statfs(SPM_BPFFS, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		if (mkdir(SPM_BPFFS, 0700) && errno != EEXIST) {
			spm_err("cannot create %s: %s", SPM_BPFFS,
				spm_errno_str(errno));
			return -1;
		}
		if (mount("bpf", SPM_BPFFS, "bpf", 0, "mode=0700")) {
			spm_err("cannot mount bpffs at %s: %s", SPM_BPFFS,
				spm_errno_str(errno));
			return -1;
		}
	}
	if (mkdir(SPM_PIN_DIR, 0700) && errno != EEXIST) {
		spm_err("cannot create %s: %s", SPM_PIN_DIR,
			spm_errno_str(errno));
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
		spm_warn("cannot write %s: %s ('spm-loader detach' will not find this process)",
			 SPM_PIDFILE, strerror(errno));
		return;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, n) != n)
		spm_warn("cannot write %s", SPM_PIDFILE);
	close(fd);
}

/* Remove the pidfile spm_read_u64() read (under spm_sysfs_root). */
static void unlink_pidfile(void)
{
	char path[512];

	if (!spm_path(path, sizeof(path), SPM_PIDFILE))
		unlink(path);
}

static void remove_pidfile(void)
{
	uint64_t pid;

	if (!spm_read_u64(SPM_PIDFILE, &pid) && pid == (uint64_t)getpid())
		unlink_pidfile();
}

/*
 * Remove the maps pinned under SPM_PIN_MAPS, and the directory: by path,
 * "spm-loader detach" has no object to unpin them through.
 */
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

/* The attach succeeded: pins left in SPM_PIN_DIR are of a policy gone. */
static int remove_stale_pins(void)
{
	if (unlink(SPM_PIN_PATH) && errno != ENOENT) {
		spm_err("cannot remove the stale pin %s: %s", SPM_PIN_PATH,
			spm_errno_str(errno));
		return -1;
	}
	if (unpin_maps()) {
		spm_err("cannot remove the stale maps in %s", SPM_PIN_MAPS);
		return -1;
	}
	if (mkdir(SPM_PIN_MAPS, 0700) && errno != EEXIST) {
		spm_err("cannot create %s: %s", SPM_PIN_MAPS,
			spm_errno_str(errno));
		return -1;
	}
	return 0;
}

/*
 * Pin the policy's own maps (not its struct_ops map, not its global data)
 * at SPM_PIN_MAPS/NAME, for bpftool and tests to read while it runs;
 * with @only, just that one (the cgroup table of a foreground policy).
 */
static int pin_maps(struct bpf_object *obj, struct bpf_map *only)
{
	struct bpf_map *map;
	char path[512];
	int err;

	if (remove_stale_pins())
		return -1;
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS ||
		    bpf_map__is_internal(map) || !bpf_map__autocreate(map) ||
		    (only && map != only))
			continue;
		snprintf(path, sizeof(path), SPM_PIN_MAPS "/%s",
			 bpf_map__name(map));
		err = bpf_map__pin(map, path);
		if (err) {
			spm_err("cannot pin map %s at %s: %s",
				bpf_map__name(map), path,
				spm_errno_str(-err));
			unpin_maps();
			return -1;
		}
	}
	return 0;
}

static int pin_link(struct bpf_object *obj, struct bpf_link *link)
{
	int err;

	if (pin_maps(obj, NULL))
		return -1;
	err = bpf_link__pin(link, SPM_PIN_PATH);
	if (err) {
		spm_err("cannot pin the link at %s: %s", SPM_PIN_PATH,
			spm_errno_str(-err));
		unpin_maps();
		return -1;
	}
	return 0;
}

/*
 * --set, in two passes: the values that need nothing but the object
 * (@kernel false), checked before the kernel is probed so that a typo is
 * reported as one whatever the kernel, then the lists of reasons, whose
 * names come from the kernel's enum spm_reason.
 */
static int apply_sets(struct attach_ctx *c, bool kernel)
{
	const struct spm_set *s;
	char err[SPM_ERRLEN];
	int i;

	if (kernel)
		spm_reasons_from_btf(c->vmlinux, &c->reasons);
	for (i = 0; i < c->a->nr_sets; i++) {
		s = &c->a->sets[i];
		if (spm_str_ends_with(s->name, "_reasons") != kernel)
			continue;
		if (spm_set_var(c->obj, s->name, s->value, &c->reasons, err,
				sizeof(err))) {
			spm_err("%s", err);
			return -1;
		}
	}
	return 0;
}

/* The object's cgroup table, if any, and whether --allow has one. */
static int check_table(struct attach_ctx *c)
{
	const char *file = c->a->file;

	c->table = bpf_object__find_map_by_name(c->obj, SPM_CGROUP_TABLE_NAME);
	if (c->table && (bpf_map__type(c->table) != BPF_MAP_TYPE_HASH ||
			 bpf_map__key_size(c->table) != sizeof(__u64) ||
			 bpf_map__value_size(c->table) !=
			 sizeof(struct spm_cgroup_entry))) {
		spm_err("%s: map %s is not a cgroup table (want a hash of __u64 to struct spm_cgroup_entry, %zu bytes; see bpf/spm_cgroup.h)",
			file, SPM_CGROUP_TABLE_NAME,
			sizeof(struct spm_cgroup_entry));
		return -1;
	}
	if (c->a->nr_allows && !c->table) {
		spm_err("%s: --allow needs a policy with a cgroup table (a map '%s'), such as cgroup_spm",
			file, SPM_CGROUP_TABLE_NAME);
		return -1;
	}
	return 0;
}

/* --allow: the cgroups and SPM nodes of this machine. */
static int resolve_allows(struct attach_ctx *c)
{
	char err[SPM_ERRLEN];

	if (c->a->nr_allows &&
	    spm_cgroup_resolve(c->a->allows, c->a->nr_allows, &c->reqs,
			       &c->nr_reqs, err, sizeof(err))) {
		spm_err("--allow %s", err);
		return -1;
	}
	return 0;
}

/*
 * Open the object and check it with the arguments, then the kernel: its
 * BTF must have struct spm_ops.  Everything short of loading.
 */
static int prepare(struct attach_ctx *c)
{
	const char *file = c->a->file;
	char err[SPM_ERRLEN];

	c->obj = spm_open_policy(file, &c->logs, err, sizeof(err));
	if (!c->obj) {
		spm_err("%s", err);
		return -1;
	}
	c->ops = spm_find_ops_map(c->obj, file, err, sizeof(err));
	if (!c->ops) {
		spm_err("%s", err);
		return -1;
	}
	c->has_name = spm_policy_name(c->obj, c->ops, c->name,
				      sizeof(c->name));
	if (apply_sets(c, false) || check_table(c))
		return -1;

	c->vmlinux = btf__load_vmlinux_btf();
	if (!c->vmlinux) {
		spm_err("cannot read the kernel's BTF (%s): BPF policies need CONFIG_DEBUG_INFO_BTF",
			strerror(errno));
		return -1;
	}
	if (!spm_btf_has_ops(c->vmlinux)) {
		spm_err("this kernel has no struct %s: it is not built with the SPM series and CONFIG_SPM_OPS",
			SPM_OPS_TYPE);
		return -1;
	}
	if (spm_first_error_kind(c->vmlinux, &c->first_error))
		c->first_error = 1;	/* every exit counts as an error */

	if (apply_sets(c, true) || resolve_allows(c))
		return -1;
	return spm_require_root() ? 0 : -1;
}

static int load(struct attach_ctx *c)
{
	char why[SPM_ERRLEN];
	const char *log;
	int err;

	err = bpf_object__load(c->obj);
	if (!err)
		return 0;
	log = spm_load_error(c->obj, &c->logs, err, why, sizeof(why));
	if (log && spm_verbose)
		fputs(log, stderr);
	spm_err("%s: %s%s", c->a->file, why,
		log && !spm_verbose ? " (-v shows the verifier log)" : "");
	return -1;
}

/* The policy's exit record, as sched_ext's loaders print theirs. */
static void print_uei(const struct spm_uei *uei)
{
	fprintf(stderr, "EXIT: %s%s%s%s\n", uei->reason,
		uei->msg[0] ? " (" : "", uei->msg, uei->msg[0] ? ")" : "");
}

static struct bpf_link *attach(struct attach_ctx *c)
{
	char why[SPM_ERRLEN], last[1024] = "";
	struct bpf_link *link;
	struct spm_uei uei;
	int err;

	link = bpf_map__attach_struct_ops(c->ops);
	if (link) {
		/* Attached, the policy holds enable_seq until it exits. */
		if (spm_read_u64(SPM_SYSFS_DIR "/enable_seq", &c->enable_seq))
			c->enable_seq = 0;
		return link;
	}
	err = errno;
	if (err == EBUSY) {
		spm_read_str(SPM_SYSFS_DIR "/ops", last, sizeof(last));
		spm_err("policy '%s' is already attached; detach it first",
			last[0] ? last : "(unknown)");
		return NULL;
	}
	spm_read_str(SPM_SYSFS_DIR "/last_exit", last, sizeof(last));
	spm_attach_error(err, c->name, c->has_name,
			 spm_policy_flags(c->obj, c->ops), last, why,
			 sizeof(why));
	spm_err("%s: %s", c->a->file, why);
	/* After a failed init() the kernel ran exit(): its record, if any. */
	if (!spm_read_uei(c->obj, &uei) && uei.kind && !spm_json)
		print_uei(&uei);
	return NULL;
}

/* {"event": @event, "policy": NAME} */
json_t *spm_event_json(const char *event, const char *name)
{
	json_t *o = json_object();

	if (o) {
		json_object_set_new(o, "event", json_string(event));
		json_object_set_new(o, "policy", spm_json_str(name));
	}
	return o;
}

/* {"event": "attached", "policy", "pinned": PATH|null, "cgroups": [...]} */
json_t *spm_attached_json(const char *name, bool pinned,
			  const struct spm_cgroup_req *reqs, int nr)
{
	json_t *o = spm_event_json("attached", name);

	if (o) {
		json_object_set_new(o, "pinned", pinned ?
				    json_string(SPM_PIN_PATH) : json_null());
		json_object_set_new(o, "cgroups", spm_reqs_json(reqs, nr));
	}
	return o;
}

/*
 * {"event": "ejected", "policy", "last_exit": {...}|null, "exit": {"kind",
 * "reason", "code", "message"}|null}: the kernel's last_exit @line and the
 * policy's exit record @uei (NULL if it has none).
 */
json_t *spm_ejected_json(const char *name, const char *line,
			 const struct spm_uei *uei)
{
	json_t *o = spm_event_json("ejected", name), *x = NULL;

	if (!o)
		return NULL;
	if (uei)
		x = json_pack("{s:I, s:o, s:I, s:o}", "kind",
			      (json_int_t)uei->kind, "reason",
			      spm_json_str(uei->reason), "code",
			      (json_int_t)uei->exit_code, "message",
			      spm_json_str(uei->msg));
	json_object_set_new(o, "last_exit", spm_last_exit_json(line));
	json_object_set_new(o, "exit", x ? x : json_null());
	return o;
}

static void report_attached(struct attach_ctx *c, bool pinned)
{
	if (spm_json) {
		spm_emit(spm_attached_json(c->name, pinned, c->reqs,
					   c->nr_reqs));
		return;
	}
	if (pinned)
		printf("spm-loader: policy %s attached and pinned at %s\n",
		       c->name, SPM_PIN_PATH);
	spm_print_reqs(c->reqs, c->nr_reqs);
	if (!pinned)
		printf("spm-loader: policy %s attached\n", c->name);
	fflush(stdout);
}

/*
 * The kernel ejected the policy: say why, from last_exit and from the
 * policy's exit record ("EXIT: reason (message)", as sched_ext's loaders
 * do), and return what to exit with.
 */
static int report_ejected(struct attach_ctx *c)
{
	char line[1024] = "";
	struct spm_last_exit le;
	struct spm_uei uei;
	bool has_uei;
	int i;

	/*
	 * last_exit is written before the link goes, but poll may be early:
	 * wait for the line of this attach.
	 */
	for (i = 0; i < 50; i++) {
		if (!spm_read_str(SPM_SYSFS_DIR "/last_exit", line,
				  sizeof(line)) &&
		    !spm_parse_last_exit(line, &le) &&
		    (!c->enable_seq || le.seq == c->enable_seq))
			break;
		spm_sleep_ms(20);
	}
	has_uei = !spm_read_uei(c->obj, &uei) && uei.kind;

	if (spm_json) {
		spm_emit(spm_ejected_json(c->name, line,
					  has_uei ? &uei : NULL));
	} else {
		spm_err("policy %s ejected: %s", c->name,
			line[0] ? line : "(no exit information)");
		if (has_uei)
			print_uei(&uei);
	}
	return has_uei ? spm_uei_exit_code(&uei, c->first_error) :
			 SPM_EXIT_FAIL;
}

/*
 * Foreground: wait for a signal (detach) or EPOLLHUP (ejected).  The
 * cgroup table pinned for "spm-loader cgroup" goes before the policy.
 */
static int foreground(struct attach_ctx *c, struct bpf_link *link, int sfd)
{
	struct pollfd pfd[2] = {
		{ .fd = bpf_link__fd(link), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	int ret;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			spm_err("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR)) {
			ret = report_ejected(c);
			if (c->table)
				unpin_maps();
			bpf_link__destroy(link);
			remove_pidfile();
			return ret;
		}
		if ((pfd[1].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si))
			break;
	}

	if (c->table)
		unpin_maps();
	bpf_link__detach(link);
	bpf_link__destroy(link);
	remove_pidfile();
	if (!wait_disabled(SPM_DETACH_TIMEOUT_MS)) {
		spm_err("policy %s: timed out waiting for the state to become disabled",
			c->name);
		return SPM_EXIT_FAIL;
	}
	if (spm_json)
		spm_emit(spm_event_json("detached", c->name));
	else
		printf("spm-loader: policy %s detached\n", c->name);
	return SPM_EXIT_OK;
}

/* SIGINT, SIGTERM and SIGHUP as a signalfd: they mean "detach". */
static int detach_signals(void)
{
	sigset_t sigs;
	int sfd;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	/* a closed stdout must not kill us (and detach the policy) */
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0)
		spm_err("signalfd: %s", strerror(errno));
	return sfd;
}

int spm_cmd_attach(const struct spm_args *a)
{
	struct attach_ctx c = { .a = a };
	struct bpf_link *link = NULL;
	char err[SPM_ERRLEN];
	int ret = SPM_EXIT_FAIL, sfd = -1;

	if (prepare(&c))
		goto out;
	if (a->pin && ensure_bpffs())
		goto out;
	if (load(&c))
		goto out;
	/* The table is filled before the policy makes its first decision. */
	if (c.nr_reqs && spm_cgroup_table_update(bpf_map__fd(c.table), c.reqs,
						 c.nr_reqs, err, sizeof(err))) {
		spm_err("%s", err);
		goto out;
	}
	if (!a->pin) {
		sfd = detach_signals();
		if (sfd < 0)
			goto out;
	}

	link = attach(&c);
	if (!link)
		goto out;

	if (a->pin) {
		ret = pin_link(c.obj, link) ? SPM_EXIT_FAIL : SPM_EXIT_OK;
		if (ret)
			bpf_link__detach(link);
		else
			report_attached(&c, true);
		bpf_link__destroy(link);
		goto out;
	}
	if (c.table && (ensure_bpffs() || pin_maps(c.obj, c.table))) {
		bpf_link__detach(link);
		bpf_link__destroy(link);
		goto out;
	}
	write_pidfile();
	report_attached(&c, false);
	ret = foreground(&c, link, sfd);
out:
	if (sfd >= 0)
		close(sfd);
	spm_free_cgroup_reqs(c.reqs, c.nr_reqs);
	spm_enum_table_free(&c.reasons);
	btf__free(c.vmlinux);
	bpf_object__close(c.obj);
	spm_free_logs(&c.logs);
	return ret;
}

/* Is @pid a running spm-loader? */
static bool is_loader(pid_t pid)
{
	char path[64], comm[32];
	bool ret = true;
	FILE *f;

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
 * Detach the pinned link and remove the pins. Returns 1 if a live link was
 * detached, 0 if the pin was stale (its policy was ejected or detached),
 * -1 on error.
 */
static int detach_pinned(void)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	struct bpf_link *link;
	int err, live = 1;

	link = bpf_link__open(SPM_PIN_PATH);
	if (!link) {
		spm_err("cannot open the pinned link %s: %s", SPM_PIN_PATH,
			spm_errno_str(errno));
		return -1;
	}
	if (!bpf_link_get_info_by_fd(bpf_link__fd(link), &info, &len) &&
	    info.type == BPF_LINK_TYPE_STRUCT_OPS && !info.struct_ops.map_id)
		live = 0;
	err = live ? bpf_link__detach(link) : 0;
	if (err && err != -EOPNOTSUPP && err != -EINVAL) {
		spm_err("cannot detach the pinned link %s: %s", SPM_PIN_PATH,
			spm_errno_str(-err));
		bpf_link__destroy(link);
		return -1;
	}
	err = bpf_link__unpin(link);
	bpf_link__destroy(link);
	if (err) {
		spm_err("cannot remove %s: %s", SPM_PIN_PATH,
			spm_errno_str(-err));
		return -1;
	}
	if (unpin_maps()) {
		spm_err("cannot remove the maps pinned in %s", SPM_PIN_MAPS);
		return -1;
	}
	return live;
}

/*
 * A foreground spm-loader still ran, signalled, but its policy had exited
 * already (ejected, or its own spm_exit()): say so, with the policy's name
 * from last_exit.
 */
static int report_exited_loader(pid_t pid)
{
	char line[1024] = "";
	struct spm_last_exit le;
	const char *name;

	spm_read_str(SPM_SYSFS_DIR "/last_exit", line, sizeof(line));
	name = spm_parse_last_exit(line, &le) ? "(unknown)" : le.policy;
	if (spm_json)
		spm_emit(spm_event_json("detached", name));
	else
		printf("spm-loader: policy %s had already exited (%s); stopped its spm-loader (pid %d)\n",
		       name, line[0] ? line : "no last_exit", (int)pid);
	return SPM_EXIT_OK;
}

static int report_detached(const char *name)
{
	if (spm_json)
		spm_emit(spm_event_json("detached",
					name[0] ? name : "(unknown)"));
	else
		printf("spm-loader: policy %s detached\n",
		       name[0] ? name : "(unknown)");
	return SPM_EXIT_OK;
}

int spm_cmd_detach(const struct spm_args *a)
{
	bool stale = false, done = false;
	char name[128] = "", state[32] = "";
	uint64_t pid;
	json_t *o;
	int ret;

	if (!spm_require_spm() || !spm_require_root())
		return SPM_EXIT_FAIL;
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
				spm_err("cannot signal spm-loader (pid %d): %s",
					(int)pid, spm_errno_str(errno));
				return SPM_EXIT_FAIL;
			}
			/* Its policy exited, and the loader is on its way out. */
			if (!name[0])
				return report_exited_loader((pid_t)pid);
			done = true;
		} else {
			unlink_pidfile();	/* stale */
		}
	}

	if (!done) {
		if (name[0] && !spm_state_is("disabled")) {
			spm_err("policy '%s' is attached, but not by spm-loader (no pin at %s, no loader in %s)",
				name, SPM_PIN_PATH, SPM_PIDFILE);
			return SPM_EXIT_FAIL;
		}
		if (!stale) {
			spm_err("no policy attached");
			return SPM_EXIT_FAIL;
		}
		if (!spm_json) {
			printf("spm-loader: removed the stale pin %s (its policy had already been detached)\n",
			       SPM_PIN_PATH);
			return SPM_EXIT_OK;
		}
		o = json_object();
		if (o) {
			json_object_set_new(o, "event",
					    json_string("stale_pin_removed"));
			json_object_set_new(o, "pin", json_string(SPM_PIN_PATH));
		}
		spm_emit(o);
		return SPM_EXIT_OK;
	}

	if (!wait_disabled(SPM_DETACH_TIMEOUT_MS)) {
		spm_read_str(SPM_SYSFS_DIR "/state", state, sizeof(state));
		spm_err("timed out after %d s waiting for policy '%s' to detach (state: %s)",
			SPM_DETACH_TIMEOUT_MS / 1000, name, state);
		return SPM_EXIT_FAIL;
	}
	return report_detached(name);
}
