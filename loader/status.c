// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader status and stats: /sys/kernel/mm/spm and the per-node SPM
 * counters.  All paths are prefixed with spm_sysfs_root, which the unit
 * tests point at a fake tree.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "spm-loader.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON		38
#endif
#ifndef CAP_BPF
#define CAP_BPF			39
#endif

bool spm_kernel_has_spm(void)
{
	char path[512];

	if (spm_path(path, sizeof(path), SPM_SYSFS_DIR))
		return false;
	return access(path, F_OK) == 0;
}

int spm_read_status(struct spm_status *st)
{
	int ret;

	memset(st, 0, sizeof(*st));
	ret = spm_read_str(SPM_SYSFS_DIR "/state", st->state,
			   sizeof(st->state));
	if (ret)
		return ret;
	spm_read_str(SPM_SYSFS_DIR "/ops", st->ops, sizeof(st->ops));
	spm_read_str(SPM_SYSFS_DIR "/nodes", st->nodes, sizeof(st->nodes));
	spm_read_str(SPM_SYSFS_DIR "/last_exit", st->last_exit,
		     sizeof(st->last_exit));
	st->has_enable_seq = !spm_read_u64(SPM_SYSFS_DIR "/enable_seq",
					   &st->enable_seq);
	st->has_nr_ejected = !spm_read_u64(SPM_SYSFS_DIR "/nr_ejected",
					   &st->nr_ejected);
	return 0;
}

/* Pid of the foreground loader, if its pidfile names a live process. */
static int loader_pid(void)
{
	uint64_t pid;

	if (spm_read_u64(SPM_PIDFILE, &pid) || !pid || pid > INT32_MAX)
		return 0;
	if (kill((pid_t)pid, 0) && errno == ESRCH)
		return 0;
	return (int)pid;
}

static bool pinned(void)
{
	char path[512];

	return !spm_path(path, sizeof(path), SPM_PIN_PATH) &&
	       access(path, F_OK) == 0;
}

void spm_print_status(FILE *f, const struct spm_status *st)
{
	int pid = loader_pid();

	fprintf(f, "state: %s\n", st->state);
	fprintf(f, "policy: %s\n", st->ops[0] ? st->ops : "(none)");
	fprintf(f, "nodes: %s\n", st->nodes[0] ? st->nodes : "(none)");
	if (st->has_enable_seq)
		fprintf(f, "enable_seq: %" PRIu64 "\n", st->enable_seq);
	else
		fprintf(f, "enable_seq: (unknown)\n");
	if (st->has_nr_ejected)
		fprintf(f, "nr_ejected: %" PRIu64 "\n", st->nr_ejected);
	else
		fprintf(f, "nr_ejected: (unknown)\n");
	fprintf(f, "last_exit: %s\n",
		st->last_exit[0] ? st->last_exit : "(none)");
	fprintf(f, "pinned: %s\n", pinned() ? SPM_PIN_PATH : "(none)");
	if (pid)
		fprintf(f, "loader_pid: %d\n", pid);
	else
		fprintf(f, "loader_pid: (none)\n");
}

static json_t *json_u64_or_null(bool valid, uint64_t v)
{
	return valid ? json_integer(v) : json_null();
}

static json_t *json_str_or_null(const char *s)
{
	return s[0] ? spm_json_str(s) : json_null();
}

/*
 * last_exit as {"seq", "kind", "policy", "message"}; seq, kind and policy
 * are null if the line is not in the documented format.
 */
json_t *spm_last_exit_json(const char *line)
{
	struct spm_last_exit le;
	json_t *o;

	if (!line[0])
		return json_null();
	o = json_object();
	if (!o)
		return NULL;
	if (spm_parse_last_exit(line, &le)) {
		json_object_set_new(o, "seq", json_null());
		json_object_set_new(o, "kind", json_null());
		json_object_set_new(o, "policy", json_null());
		json_object_set_new(o, "message", spm_json_str(line));
	} else {
		json_object_set_new(o, "seq", json_integer(le.seq));
		json_object_set_new(o, "kind", spm_json_str(le.kind));
		json_object_set_new(o, "policy", spm_json_str(le.policy));
		json_object_set_new(o, "message", spm_json_str(le.message));
	}
	return o;
}

/*
 * {"state", "policy", "nodes": [N...], "enable_seq", "nr_ejected",
 *  "last_exit", "pinned", "loader_pid"}
 */
json_t *spm_status_json(const struct spm_status *st)
{
	uint64_t bits[SPM_NODE_WORDS];
	char why[SPM_ERRLEN];
	int pid = loader_pid();
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (spm_parse_nodelist(st->nodes, bits, SPM_MAX_NODES, why,
			       sizeof(why)))
		memset(bits, 0, sizeof(bits));
	json_object_set_new(o, "state", spm_json_str(st->state));
	json_object_set_new(o, "policy", json_str_or_null(st->ops));
	json_object_set_new(o, "nodes", spm_json_nodes(bits, SPM_MAX_NODES));
	json_object_set_new(o, "enable_seq",
			    json_u64_or_null(st->has_enable_seq,
					     st->enable_seq));
	json_object_set_new(o, "nr_ejected",
			    json_u64_or_null(st->has_nr_ejected,
					     st->nr_ejected));
	json_object_set_new(o, "last_exit", spm_last_exit_json(st->last_exit));
	json_object_set_new(o, "pinned",
			    pinned() ? json_string(SPM_PIN_PATH) : json_null());
	json_object_set_new(o, "loader_pid",
			    pid ? json_integer(pid) : json_null());
	return o;
}

/* Split "SEQ KIND POLICY_NAME: MESSAGE" (the last_exit line). */
int spm_parse_last_exit(const char *line, struct spm_last_exit *le)
{
	const char *sp, *colon;
	char *end;
	size_t n;

	memset(le, 0, sizeof(*le));
	if (!isdigit((unsigned char)line[0]))
		return -EINVAL;
	errno = 0;
	le->seq = strtoull(line, &end, 10);
	if (errno || *end != ' ')
		return -EINVAL;
	line = end + 1;
	sp = strchr(line, ' ');
	if (!sp || sp == line)
		return -EINVAL;
	colon = strchr(sp + 1, ':');
	if (!colon)
		return -EINVAL;

	n = sp - line;
	if (n >= sizeof(le->kind))
		n = sizeof(le->kind) - 1;
	memcpy(le->kind, line, n);
	n = colon - (sp + 1);
	if (n >= sizeof(le->policy))
		n = sizeof(le->policy) - 1;
	memcpy(le->policy, sp + 1, n);
	le->message = colon + 1;
	while (*le->message == ' ')
		le->message++;
	return 0;
}

static void read_node_counters(struct spm_node_stat *row)
{
	char path[64];

	snprintf(path, sizeof(path), SPM_NODE_DIR "/node%d/vmstat", row->nid);
	row->valid = !spm_read_key(path, "spm_admit", &row->admit) &&
		     !spm_read_key(path, "spm_deny", &row->deny) &&
		     !spm_read_key(path, "spm_fallback", &row->fallback);
}

/*
 * One row per SPM node and per other node with memory, by node id.
 * Returns the number of rows.
 */
int spm_read_stats(struct spm_node_stat *rows, int max, char *err,
		   size_t errlen)
{
	uint64_t spm[SPM_NODE_WORDS], mem[SPM_NODE_WORDS];
	int nid, nr = 0;

	if (spm_read_nodes(SPM_SYSFS_DIR "/nodes", spm, err, errlen) ||
	    spm_read_nodes(SPM_NODE_DIR "/has_memory", mem, err, errlen))
		return -EINVAL;

	for (nid = 0; nid < SPM_MAX_NODES && nr < max; nid++) {
		struct spm_node_stat *row = &rows[nr];

		if (!spm_node_isset(spm, nid) && !spm_node_isset(mem, nid))
			continue;
		memset(row, 0, sizeof(*row));
		row->nid = nid;
		row->spm = spm_node_isset(spm, nid);
		read_node_counters(row);
		nr++;
	}
	return nr;
}

static const struct spm_node_stat *find_row(const struct spm_node_stat *rows,
					    int nr, int nid)
{
	int i;

	for (i = 0; i < nr; i++)
		if (rows[i].nid == nid)
			return &rows[i];
	return NULL;
}

static void print_count(FILE *f, bool valid, uint64_t v)
{
	if (valid)
		fprintf(f, " %12" PRIu64, v);
	else
		fprintf(f, " %12s", "-");
}

static void print_rate(FILE *f, const struct spm_node_stat *prev, bool valid,
		       uint64_t now, uint64_t before, double elapsed)
{
	if (!prev || !valid || !prev->valid || elapsed <= 0 || now < before)
		fprintf(f, " %10s", "-");
	else
		fprintf(f, " %10.0f", (double)(now - before) / elapsed);
}

/*
 * Print the table; with @prev (the previous sample, @elapsed seconds ago)
 * add per-second rates. @prev may have nr_prev == 0 for the first sample
 * of --watch, which prints the rate columns with '-'.
 */
void spm_print_stats(FILE *f, const struct spm_node_stat *rows, int nr,
		     const struct spm_node_stat *prev, int nr_prev,
		     double elapsed)
{
	bool rates = prev != NULL;
	int i;

	if (rates)
		fprintf(f, "%4s %3s %12s %10s %12s %10s %12s %10s\n", "node",
			"spm", "admit", "admit/s", "deny", "deny/s", "fallback",
			"fallback/s");
	else
		fprintf(f, "%4s %3s %12s %12s %12s\n", "node", "spm", "admit",
			"deny", "fallback");

	for (i = 0; i < nr; i++) {
		const struct spm_node_stat *r = &rows[i];
		const struct spm_node_stat *p = NULL;

		if (rates)
			p = find_row(prev, nr_prev, r->nid);
		fprintf(f, "%4d %3s", r->nid, r->spm ? "yes" : "no");
		print_count(f, r->valid, r->admit);
		if (rates)
			print_rate(f, p, r->valid, r->admit,
				   p ? p->admit : 0, elapsed);
		print_count(f, r->valid, r->deny);
		if (rates)
			print_rate(f, p, r->valid, r->deny, p ? p->deny : 0,
				   elapsed);
		print_count(f, r->valid, r->fallback);
		if (rates)
			print_rate(f, p, r->valid, r->fallback,
				   p ? p->fallback : 0, elapsed);
		fputc('\n', f);
	}
}

static json_t *json_rate(const struct spm_node_stat *prev, bool valid,
			 uint64_t now, uint64_t before, double elapsed)
{
	if (!prev || !valid || !prev->valid || elapsed <= 0 || now < before)
		return json_null();
	return json_real((double)(now - before) / elapsed);
}

/*
 * {"nodes": [{"node", "spm", "admit", "deny", "fallback"}...]}, counters
 * null where the node has none; with @prev also "admit_per_s",
 * "deny_per_s" and "fallback_per_s" (null when unknown).
 */
json_t *spm_stats_json(const struct spm_node_stat *rows, int nr,
		       const struct spm_node_stat *prev, int nr_prev,
		       double elapsed)
{
	json_t *o = json_object(), *a = json_array(), *n;
	int i;

	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		return NULL;
	}
	for (i = 0; i < nr; i++) {
		const struct spm_node_stat *r = &rows[i];
		const struct spm_node_stat *p = NULL;

		n = json_object();
		if (!n)
			break;
		json_object_set_new(n, "node", json_integer(r->nid));
		json_object_set_new(n, "spm", json_boolean(r->spm));
		json_object_set_new(n, "admit",
				    json_u64_or_null(r->valid, r->admit));
		json_object_set_new(n, "deny",
				    json_u64_or_null(r->valid, r->deny));
		json_object_set_new(n, "fallback",
				    json_u64_or_null(r->valid, r->fallback));
		if (prev) {
			p = find_row(prev, nr_prev, r->nid);
			json_object_set_new(n, "admit_per_s",
				json_rate(p, r->valid, r->admit,
					  p ? p->admit : 0, elapsed));
			json_object_set_new(n, "deny_per_s",
				json_rate(p, r->valid, r->deny,
					  p ? p->deny : 0, elapsed));
			json_object_set_new(n, "fallback_per_s",
				json_rate(p, r->valid, r->fallback,
					  p ? p->fallback : 0, elapsed));
		}
		json_array_append_new(a, n);
	}
	json_object_set_new(o, "nodes", a);
	return o;
}

/* The kernel has SPM support, or one error line. */
bool spm_require_spm(void)
{
	if (spm_kernel_has_spm())
		return true;
	spm_err("this kernel has no SPM support (%s missing)", SPM_SYSFS_DIR);
	return false;
}

/* CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON; or one error line. */
bool spm_require_root(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	uint64_t eff;

	if (syscall(SYS_capget, &hdr, data))
		return true;	/* let the kernel decide */
	eff = data[0].effective | (uint64_t)data[1].effective << 32;
	if ((eff & (1ULL << CAP_SYS_ADMIN)) ||
	    ((eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON))))
		return true;
	spm_err("%s", spm_errno_str(EPERM));
	return false;
}

int spm_cmd_status(const struct spm_args *a)
{
	struct spm_status st;
	int ret;

	if (!spm_require_spm())
		return SPM_EXIT_FAIL;
	ret = spm_read_status(&st);
	if (ret) {
		spm_err("cannot read %s/state: %s", SPM_SYSFS_DIR,
			strerror(-ret));
		return SPM_EXIT_FAIL;
	}
	if (spm_json)
		spm_emit(spm_status_json(&st));
	else
		spm_print_status(stdout, &st);
	return SPM_EXIT_OK;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One --watch sample: a table under a time stamp, or one JSON object. */
static void print_sample(const struct spm_args *a, bool tty,
			 const struct spm_node_stat *rows, int nr,
			 const struct spm_node_stat *prev, int nr_prev,
			 double elapsed, bool first)
{
	time_t wall = time(NULL);
	char stamp[16];
	json_t *o;

	if (spm_json) {
		o = spm_stats_json(rows, nr, prev, nr_prev, elapsed);
		if (o)
			json_object_set_new(o, "time", json_integer(wall));
		spm_emit(o);
		return;
	}
	if (tty)
		fputs("\033[H\033[2J", stdout);
	else if (!first)
		fputc('\n', stdout);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&wall));
	printf("%s, every %g s (Ctrl-C to stop)\n", stamp, a->interval);
	spm_print_stats(stdout, rows, nr, prev, nr_prev, elapsed);
	fflush(stdout);
}

int spm_cmd_stats(const struct spm_args *a)
{
	static struct spm_node_stat rows[SPM_MAX_NODES], prev[SPM_MAX_NODES];
	bool tty = isatty(STDOUT_FILENO);
	char err[SPM_ERRLEN];
	int nr, nr_prev = 0;
	double t, t_prev = 0;
	struct timespec ts;
	sigset_t sigs;

	if (!spm_require_spm())
		return SPM_EXIT_FAIL;
	if (!a->watch) {
		nr = spm_read_stats(rows, SPM_MAX_NODES, err, sizeof(err));
		if (nr < 0) {
			spm_err("%s", err);
			return SPM_EXIT_FAIL;
		}
		if (spm_json)
			spm_emit(spm_stats_json(rows, nr, NULL, 0, 0));
		else
			spm_print_stats(stdout, rows, nr, NULL, 0, 0);
		return SPM_EXIT_OK;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	for (;;) {
		nr = spm_read_stats(rows, SPM_MAX_NODES, err, sizeof(err));
		t = now_s();
		if (nr < 0) {
			spm_err("%s", err);
			return SPM_EXIT_FAIL;
		}
		print_sample(a, tty, rows, nr, prev, nr_prev, t - t_prev,
			     !t_prev);
		memcpy(prev, rows, nr * sizeof(*rows));
		nr_prev = nr;
		t_prev = t;

		ts.tv_sec = (time_t)a->interval;
		ts.tv_nsec = (long)((a->interval - ts.tv_sec) * 1e9);
		if (sigtimedwait(&sigs, NULL, &ts) >= 0)
			return SPM_EXIT_OK;
		if (errno != EAGAIN && errno != EINTR) {
			spm_err("sigtimedwait: %s", strerror(errno));
			return SPM_EXIT_FAIL;
		}
	}
}
