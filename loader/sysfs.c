// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: /sys/kernel/mm/spm and the per-node SPM counters.
 *
 * All paths are prefixed with spm_sysfs_root, which the unit tests point at
 * a fake tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spm-loader.h"

const char *spm_sysfs_root = "";

int spm_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, len, "%s", spm_sysfs_root);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - n)
		return -ENAMETOOLONG;
	return 0;
}

/* Read @path (under the root) into @buf, without the trailing newline. */
int spm_read_str(const char *path, char *buf, size_t len)
{
	char full[512];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if (spm_path(full, sizeof(full), "%s", path))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

int spm_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int ret;

	ret = spm_read_str(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

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

static void json_u64(FILE *f, const char *key, bool valid, uint64_t v)
{
	fprintf(f, ",\"%s\":", key);
	if (valid)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("null", f);
}

void spm_print_status(FILE *f, const struct spm_status *st, bool json)
{
	struct spm_last_exit le;
	bool has_le = st->last_exit[0] &&
		      !spm_parse_last_exit(st->last_exit, &le);
	bool pin = pinned();
	int pid = loader_pid();

	if (!json) {
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
		fprintf(f, "pinned: %s\n", pin ? SPM_PIN_PATH : "(none)");
		if (pid)
			fprintf(f, "loader_pid: %d\n", pid);
		else
			fprintf(f, "loader_pid: (none)\n");
		return;
	}

	fputs("{\"state\":", f);
	spm_json_string(f, st->state);
	fputs(",\"policy\":", f);
	if (st->ops[0])
		spm_json_string(f, st->ops);
	else
		fputs("null", f);
	fputs(",\"nodes\":", f);
	spm_json_string(f, st->nodes);
	json_u64(f, "enable_seq", st->has_enable_seq, st->enable_seq);
	json_u64(f, "nr_ejected", st->has_nr_ejected, st->nr_ejected);
	fputs(",\"last_exit\":", f);
	if (has_le) {
		fputs("{\"kind\":", f);
		spm_json_string(f, le.kind);
		fputs(",\"policy\":", f);
		spm_json_string(f, le.policy);
		fputs(",\"message\":", f);
		spm_json_string(f, le.message);
		fputs("}", f);
	} else if (st->last_exit[0]) {
		/* not in the documented format: keep the raw line */
		fputs("{\"kind\":null,\"policy\":null,\"message\":", f);
		spm_json_string(f, st->last_exit);
		fputs("}", f);
	} else {
		fputs("null", f);
	}
	fputs(",\"pinned\":", f);
	if (pin)
		spm_json_string(f, SPM_PIN_PATH);
	else
		fputs("null", f);
	fputs(",\"loader_pid\":", f);
	if (pid)
		fprintf(f, "%d", pid);
	else
		fputs("null", f);
	fputs("}\n", f);
}

static void read_node_counters(struct spm_node_stat *row)
{
	char path[128], line[256];
	unsigned int found = 0;
	FILE *f;

	if (spm_path(path, sizeof(path), SPM_NODE_DIR "/node%d/vmstat",
		     row->nid))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		uint64_t v;

		if (sscanf(line, "%63s %" SCNu64, name, &v) != 2)
			continue;
		if (!strcmp(name, "spm_admit")) {
			row->admit = v;
			found |= 1;
		} else if (!strcmp(name, "spm_deny")) {
			row->deny = v;
			found |= 2;
		} else if (!strcmp(name, "spm_fallback")) {
			row->fallback = v;
			found |= 4;
		}
	}
	fclose(f);
	row->valid = found == 7;
}

/*
 * One row per SPM node and per other node with memory, by node id.
 * Returns the number of rows.
 */
int spm_read_stats(struct spm_node_stat *rows, int max, char *err,
		   size_t errlen)
{
	uint64_t spm[SPM_NODE_WORDS], mem[SPM_NODE_WORDS];
	char buf[1024], why[SPM_ERRLEN];
	int nid, nr = 0, ret;

	ret = spm_read_str(SPM_SYSFS_DIR "/nodes", buf, sizeof(buf));
	if (ret) {
		snprintf(err, errlen, "cannot read %s/nodes: %s",
			 SPM_SYSFS_DIR, strerror(-ret));
		return ret;
	}
	if (spm_parse_nodelist(buf, spm, SPM_MAX_NODES, why, sizeof(why))) {
		snprintf(err, errlen, "%s/nodes: %s", SPM_SYSFS_DIR, why);
		return -EINVAL;
	}
	ret = spm_read_str(SPM_NODE_DIR "/has_memory", buf, sizeof(buf));
	if (ret) {
		snprintf(err, errlen, "cannot read %s/has_memory: %s",
			 SPM_NODE_DIR, strerror(-ret));
		return ret;
	}
	if (spm_parse_nodelist(buf, mem, SPM_MAX_NODES, why, sizeof(why))) {
		snprintf(err, errlen, "%s/has_memory: %s", SPM_NODE_DIR, why);
		return -EINVAL;
	}

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
