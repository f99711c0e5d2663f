// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader cgroup set|rm|list, and --allow: the cgroup table of a policy
 * (bpf/spm_cgroup.h), from CGROUP=NODES[:MODE][:QUOTA] specs (args.c).
 *
 * A cgroup is named by the path of its cgroup v2 directory and stored by
 * its cgroup id: the kernfs id that name_to_handle_at() returns in an
 * 8-byte handle, which is also the directory's inode number on 64-bit.
 * The nodes must be SPM nodes (has_spm, under spm_sysfs_root for the
 * tests).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "spm-loader.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif

#define PAGE_SHIFT_4K		12

/* The cgroup v2 id of the directory @path. */
int spm_cgroup_id(const char *path, uint64_t *id, char *err, size_t errlen)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	struct statfs sfs;
	struct stat st;
	int mount_id;

	if (stat(path, &st))
		return errf(err, errlen, "%s: %s", path,
			    errno == ENOENT ? "no such cgroup" :
			    strerror(errno));
	if (statfs(path, &sfs))
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode) || sfs.f_type != CGROUP2_SUPER_MAGIC)
		return errf(err, errlen, "%s: not a cgroup v2 directory", path);

	h.fh.handle_bytes = sizeof(h.id);
	if (!name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) &&
	    h.fh.handle_bytes == sizeof(h.id)) {
		memcpy(id, h.fh.f_handle, sizeof(*id));
		return 0;
	}
	/* No file handles: kernfs' inode number is the id on 64-bit. */
	*id = st.st_ino;
	return 0;
}

void spm_free_cgroup_reqs(struct spm_cgroup_req *reqs, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		free(reqs[i].path);
	free(reqs);
}

/*
 * Parse and resolve the specs into one entry per cgroup, merging the specs
 * of a cgroup: each node keeps the mode and quota its last spec gave.
 */
int spm_cgroup_resolve(const char * const *specs, int nr,
		       struct spm_cgroup_req **reqs, int *nr_reqs,
		       char *err, size_t errlen)
{
	struct spm_cgroup_req *r = NULL, *req;
	struct spm_cgroup_spec spec;
	char why[SPM_ERRLEN], list[256], path[PATH_MAX];
	uint64_t spm_bits[SPM_NODE_WORDS], spm, id, bad;
	int i, j, n = 0, nid;

	*reqs = NULL;
	*nr_reqs = 0;
	if (spm_read_nodes(SPM_NODE_DIR "/has_spm", spm_bits, err, errlen))
		return -EINVAL;
	spm = spm_bits[0];

	for (i = 0; i < nr; i++) {
		if (spm_parse_cgroup_spec(specs[i], &spec, err, errlen))
			goto fail;
		bad = spec.nodes & ~spm;
		if (bad) {
			uint64_t b[SPM_NODE_WORDS] = { spm };

			if (spm)
				snprintf(list, sizeof(list), "SPM nodes: %s",
					 spm_format_nodes(b, 64, why,
							  sizeof(why)));
			else
				snprintf(list, sizeof(list), "no SPM node");
			errf(err, errlen, "%s: node %d is not an SPM node (%s)",
			     specs[i], __builtin_ctzll(bad), list);
			goto fail_spec;
		}
		if (spm_cgroup_id(spec.path, &id, err, errlen))
			goto fail_spec;
		if (spec.quota) {
			snprintf(path, sizeof(path), "%s/memory.stat",
				 spec.path);
			if (access(path, F_OK)) {
				errf(err, errlen,
				     "%s: a quota needs the memory controller on the cgroup (+memory in its parent's cgroup.subtree_control)",
				     spec.path);
				goto fail_spec;
			}
		}

		for (j = 0; j < n && r[j].id != id; j++)
			;
		if (j == n) {
			req = realloc(r, (n + 1) * sizeof(*r));
			if (!req) {
				errf(err, errlen, "out of memory");
				goto fail_spec;
			}
			r = req;
			memset(&r[n], 0, sizeof(r[n]));
			r[n].id = id;
			r[n].path = spec.path;
			spec.path = NULL;
			n++;
		}
		req = &r[j];
		for (nid = 0; nid < SPM_CGROUP_MAX_NODES; nid++) {
			uint64_t bit = 1ULL << nid;

			if (!(spec.nodes & bit))
				continue;
			req->entry.nodes |= bit;
			if (spec.spill)
				req->entry.spill_nodes |= bit;
			else
				req->entry.spill_nodes &= ~bit;
			req->entry.quota_pages[nid] =
				(spec.quota + (1ULL << PAGE_SHIFT_4K) - 1) >>
				PAGE_SHIFT_4K;
		}
		spm_free_cgroup_spec(&spec);
	}
	*reqs = r;
	*nr_reqs = n;
	return 0;

fail_spec:
	spm_free_cgroup_spec(&spec);
fail:
	spm_free_cgroup_reqs(r, n);
	return -EINVAL;
}

/* "node 2 explicit, node 3 spill quota 64M" */
void spm_describe_entry(const struct spm_cgroup_entry *e, char *buf,
			size_t len)
{
	size_t off = 0;
	char q[32];
	int nid;

	buf[0] = '\0';
	for (nid = 0; nid < SPM_CGROUP_MAX_NODES && off < len; nid++) {
		if (!(e->nodes & (1ULL << nid)))
			continue;
		off += snprintf(buf + off, len - off, "%snode %d %s",
				off ? ", " : "", nid,
				e->spill_nodes & (1ULL << nid) ? "spill" :
				"explicit");
		if (e->quota_pages[nid] && off < len) {
			spm_format_size(e->quota_pages[nid] << PAGE_SHIFT_4K, q,
					sizeof(q));
			off += snprintf(buf + off, len - off, " quota %s", q);
		}
	}
	if (!buf[0])
		snprintf(buf, len, "no node");
}

/* Is the map behind @fd a cgroup table spm-loader can handle? */
int spm_cgroup_table_check(int fd, char *err, size_t errlen)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_map_get_info_by_fd(fd, &info, &len))
		return errf(err, errlen, "cannot read the map's info: %s",
			    strerror(errno));
	if (info.type != BPF_MAP_TYPE_HASH || info.key_size != sizeof(__u64) ||
	    info.value_size != sizeof(struct spm_cgroup_entry))
		return errf(err, errlen,
			    "map %s is not a cgroup table (type %u, key %u bytes, value %u bytes; want a hash of __u64 to struct spm_cgroup_entry, %zu bytes)",
			    info.name, info.type, info.key_size,
			    info.value_size, sizeof(struct spm_cgroup_entry));
	return 0;
}

int spm_cgroup_table_update(int fd, const struct spm_cgroup_req *reqs,
			    int nr, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < nr; i++) {
		if (bpf_map_update_elem(fd, &reqs[i].id, &reqs[i].entry,
					BPF_ANY))
			return errf(err, errlen,
				    "cannot set the entry of %s in the cgroup table: %s",
				    reqs[i].path,
				    errno == E2BIG ? "the table is full" :
				    strerror(errno));
	}
	return 0;
}

/* ---- cgroup id -> path ---- */

static uint64_t walk_id;
static char *walk_path;

static int walk_fn(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	char err[SPM_ERRLEN];
	uint64_t id;

	if (type != FTW_D || st->st_ino != walk_id)
		return 0;
	/* the inode number is the id on 64-bit: confirm with the handle */
	if (spm_cgroup_id(path, &id, err, sizeof(err)) || id != walk_id)
		return 0;
	walk_path = strdup(path);
	return 1;
}

/* The path of the cgroup @id under SPM_CGROUP_ROOT; -ENOENT if none. */
int spm_cgroup_path(uint64_t id, char *buf, size_t len)
{
	int ret;

	walk_id = id;
	walk_path = NULL;
	ret = nftw(SPM_CGROUP_ROOT, walk_fn, 16, FTW_PHYS | FTW_MOUNT);
	if (ret != 1 || !walk_path)
		return -ENOENT;
	snprintf(buf, len, "%s", walk_path);
	free(walk_path);
	walk_path = NULL;
	return 0;
}

/* Bytes of the LRU pages of the cgroup at @path on node @nid, or -1. */
static int64_t numa_lru_bytes(const char *path, int nid)
{
	static const char * const keys[] = {
		"active_anon", "inactive_anon", "active_file",
		"inactive_file", "unevictable",
	};
	char file[PATH_MAX], line[4096], want[16];
	unsigned int found = 0, i;
	int64_t sum = 0;
	FILE *f;

	snprintf(file, sizeof(file), "%s/memory.numa_stat", path);
	f = fopen(file, "re");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), " N%d=", nid);
	while (fgets(line, sizeof(line), f)) {
		char *p;

		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strncmp(line, keys[i], strlen(keys[i])) &&
			    line[strlen(keys[i])] == ' ')
				break;
		if (i == ARRAY_SIZE(keys))
			continue;
		p = strstr(line, want);
		if (!p)
			continue;
		sum += strtoll(p + strlen(want), NULL, 10);
		found++;
	}
	fclose(f);
	return found ? sum : -1;
}

/*
 * {"id", "path", "nodes": [{"node", "mode", "quota"}...]}: the entry @e of
 * cgroup @id at @path (NULL: stale, null in JSON); quota in bytes or null.
 * With @used, each node also has "used", the cgroup's bytes there (null if
 * unknown).
 */
json_t *spm_entry_json(uint64_t id, const char *path,
		       const struct spm_cgroup_entry *e, bool used)
{
	json_t *o = json_object(), *a = json_array(), *n;
	int64_t b;
	int nid;

	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		return NULL;
	}
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "path", path ? spm_json_str(path) : json_null());
	for (nid = 0; nid < SPM_CGROUP_MAX_NODES; nid++) {
		if (!(e->nodes & (1ULL << nid)))
			continue;
		n = json_object();
		if (!n)
			break;
		json_object_set_new(n, "node", json_integer(nid));
		json_object_set_new(n, "mode", json_string(
			e->spill_nodes & (1ULL << nid) ? "spill" : "explicit"));
		json_object_set_new(n, "quota", e->quota_pages[nid] ?
			json_integer(e->quota_pages[nid] << PAGE_SHIFT_4K) :
			json_null());
		if (used) {
			b = path ? numa_lru_bytes(path, nid) : -1;
			json_object_set_new(n, "used", b >= 0 ?
					    json_integer(b) : json_null());
		}
		json_array_append_new(a, n);
	}
	json_object_set_new(o, "nodes", a);
	return o;
}

/* The table behind @fd as {"cgroups": [spm_entry_json() with used...]}. */
json_t *spm_cgroup_table_json(int fd, char *err, size_t errlen)
{
	json_t *o = json_object(), *a = json_array();
	struct spm_cgroup_entry e;
	char path[PATH_MAX];
	uint64_t key, next;
	void *prev = NULL;

	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		errf(err, errlen, "out of memory");
		return NULL;
	}
	json_object_set_new(o, "cgroups", a);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &e))
			continue;	/* removed meanwhile */
		json_array_append_new(a, spm_entry_json(key,
			spm_cgroup_path(key, path, sizeof(path)) ? NULL : path,
			&e, true));
	}
	if (errno != ENOENT) {
		errf(err, errlen, "cannot read the cgroup table: %s",
		     strerror(errno));
		json_decref(o);
		return NULL;
	}
	return o;
}

static void format_bytes(json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		spm_format_size(json_integer_value(v), buf, len);
	else
		snprintf(buf, len, "-");
}

/* The table as one line per cgroup and node: CGROUP NODE MODE QUOTA USED. */
void spm_print_cgroup_table(FILE *f, json_t *table)
{
	json_t *cg, *n, *path;
	char name[PATH_MAX + 32], q[32], used[32];
	size_t i, j;

	fprintf(f, "%-40s %4s %-8s %8s %8s\n", "CGROUP", "NODE", "MODE",
		"QUOTA", "USED");
	json_array_foreach(json_object_get(table, "cgroups"), i, cg) {
		path = json_object_get(cg, "path");
		if (json_is_string(path))
			snprintf(name, sizeof(name), "%s",
				 json_string_value(path));
		else
			snprintf(name, sizeof(name), "stale (id %" JSON_INTEGER_FORMAT ")",
				 json_integer_value(json_object_get(cg, "id")));
		json_array_foreach(json_object_get(cg, "nodes"), j, n) {
			format_bytes(json_object_get(n, "quota"), q, sizeof(q));
			format_bytes(json_object_get(n, "used"), used,
				     sizeof(used));
			fprintf(f, "%-40s %4" JSON_INTEGER_FORMAT " %-8s %8s %8s\n",
				name,
				json_integer_value(json_object_get(n, "node")),
				json_string_value(json_object_get(n, "mode")),
				q, used);
		}
	}
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
			spm_err("%s", spm_errno_str(EPERM));
		else if (name[0] && spm_state_is("enabled"))
			spm_err("policy '%s' has no cgroup table (nothing at %s): attach one such as cgroup_spm",
			       name, SPM_CGROUP_PIN);
		else
			spm_err("no policy with a cgroup table attached (nothing at %s)",
			       SPM_CGROUP_PIN);
		return -1;
	}
	if (spm_cgroup_table_check(fd, err, sizeof(err))) {
		spm_err("%s: %s", SPM_CGROUP_PIN, err);
		close(fd);
		return -1;
	}
	if (!spm_state_is("enabled") ||
	    bpf_map_get_info_by_fd(fd, &info, &len) || !map_in_use(info.id)) {
		spm_err("no policy with a cgroup table attached (the table at %s is left over from one that is gone)",
		       SPM_CGROUP_PIN);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The operands of cgroup rm as entries without nodes: a cgroup v2
 * directory, or a cgroup id with the path of its cgroup if it still has
 * one (NULL: stale).
 */
static int resolve_rm(const char * const *ops, int nr,
		      struct spm_cgroup_req **reqs, char *err, size_t errlen)
{
	struct spm_cgroup_req *r = calloc(nr, sizeof(*r));
	char path[PATH_MAX];
	int i;

	if (!r)
		return errf(err, errlen, "out of memory");
	for (i = 0; i < nr; i++) {
		if (!spm_parse_cgroup_id(ops[i], &r[i].id)) {
			if (spm_cgroup_path(r[i].id, path, sizeof(path)))
				continue;
		} else if (spm_cgroup_id(ops[i], &r[i].id, err, errlen)) {
			break;
		} else {
			snprintf(path, sizeof(path), "%s", ops[i]);
		}
		r[i].path = strdup(path);
		if (!r[i].path) {
			errf(err, errlen, "out of memory");
			break;
		}
	}
	if (i < nr) {
		spm_free_cgroup_reqs(r, nr);
		return -EINVAL;
	}
	*reqs = r;
	return 0;
}

/* Remove the entries of @reqs: {"removed": [{"id", "path"}...]}. */
static int cgroup_rm(int fd, const struct spm_cgroup_req *reqs, int nr)
{
	json_t *removed = json_array(), *o;
	const char *name;
	struct spm_cgroup_entry e;
	int i, ret = SPM_EXIT_OK;

	for (i = 0; i < nr; i++) {
		name = reqs[i].path ? reqs[i].path : "stale";
		if (bpf_map_lookup_elem(fd, &reqs[i].id, &e) ||
		    bpf_map_delete_elem(fd, &reqs[i].id)) {
			if (errno == ENOENT)
				spm_err("cgroup rm: %s (id %" PRIu64 ") has no entry in the cgroup table",
					name, reqs[i].id);
			else
				spm_err("cgroup rm: %s (id %" PRIu64 "): %s",
					name, reqs[i].id, spm_errno_str(errno));
			ret = SPM_EXIT_FAIL;
			continue;
		}
		if (!spm_json) {
			printf("spm-loader: cgroup %s (id %" PRIu64 ") removed\n",
			       name, reqs[i].id);
			continue;
		}
		o = json_object();
		if (o) {
			json_object_set_new(o, "id", json_integer(reqs[i].id));
			json_object_set_new(o, "path", reqs[i].path ?
					    spm_json_str(reqs[i].path) :
					    json_null());
			json_array_append_new(removed, o);
		}
	}
	if (spm_json && json_array_size(removed))
		spm_emit(json_pack("{s:O}", "removed", removed));
	json_decref(removed);
	return ret;
}

/* "spm-loader: cgroup PATH (id ID): node 2 explicit, ..." per entry. */
void spm_print_reqs(const struct spm_cgroup_req *reqs, int nr)
{
	char desc[1024];
	int i;

	for (i = 0; i < nr; i++) {
		spm_describe_entry(&reqs[i].entry, desc, sizeof(desc));
		printf("spm-loader: cgroup %s (id %" PRIu64 "): %s\n",
		       reqs[i].path, reqs[i].id, desc);
	}
}

/* [spm_entry_json()...] of the entries just set. */
json_t *spm_reqs_json(const struct spm_cgroup_req *reqs, int nr)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < nr; i++)
		json_array_append_new(a, spm_entry_json(reqs[i].id,
							 reqs[i].path,
							 &reqs[i].entry,
							 false));
	return a;
}

static int cgroup_list(int fd)
{
	char err[SPM_ERRLEN];
	json_t *table;

	table = spm_cgroup_table_json(fd, err, sizeof(err));
	if (!table) {
		spm_err("cgroup list: %s", err);
		return SPM_EXIT_FAIL;
	}
	if (spm_json) {
		spm_emit(table);
		return SPM_EXIT_OK;
	}
	spm_print_cgroup_table(stdout, table);
	json_decref(table);
	return SPM_EXIT_OK;
}

/*
 * cgroup set, rm or list on the table behind @fd, with the operands of set
 * and rm resolved into @reqs: print what was done, or why not; the exit
 * status.
 */
int spm_cgroup_table_cmd(int fd, enum spm_cgroup_cmd cmd,
			 const struct spm_cgroup_req *reqs, int nr)
{
	char err[SPM_ERRLEN];

	switch (cmd) {
	case SPM_CGROUP_SET:
		if (spm_cgroup_table_update(fd, reqs, nr, err, sizeof(err))) {
			spm_err("cgroup set: %s", err);
			return SPM_EXIT_FAIL;
		}
		if (spm_json)
			spm_emit(json_pack("{s:o}", "set",
					   spm_reqs_json(reqs, nr)));
		else
			spm_print_reqs(reqs, nr);
		return SPM_EXIT_OK;
	case SPM_CGROUP_RM:
		return cgroup_rm(fd, reqs, nr);
	default:
		return cgroup_list(fd);
	}
}

int spm_cmd_cgroup(const struct spm_args *a)
{
	struct spm_cgroup_req *reqs = NULL;
	char err[SPM_ERRLEN];
	int fd, nr = 0, ret = SPM_EXIT_FAIL;

	if (!spm_require_spm() || !spm_require_root())
		return SPM_EXIT_FAIL;
	/* Check every operand before touching the table. */
	if (a->cgroup_cmd == SPM_CGROUP_SET &&
	    spm_cgroup_resolve(a->operands, a->nr_operands, &reqs, &nr, err,
			       sizeof(err))) {
		spm_err("cgroup set %s", err);
		return SPM_EXIT_FAIL;
	}
	if (a->cgroup_cmd == SPM_CGROUP_RM) {
		if (resolve_rm(a->operands, a->nr_operands, &reqs, err,
			       sizeof(err))) {
			spm_err("cgroup rm: %s", err);
			return SPM_EXIT_FAIL;
		}
		nr = a->nr_operands;
	}
	fd = open_table();
	if (fd >= 0) {
		ret = spm_cgroup_table_cmd(fd, a->cgroup_cmd, reqs, nr);
		close(fd);
	}
	spm_free_cgroup_reqs(reqs, nr);
	return ret;
}
