// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: the cgroup table of a policy (bpf/spm_cgroup.h).
 *
 *	CGROUP=NODES[:MODE][:QUOTA]	--allow, cgroup set
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

/* "64M", "1G", "4096K", "65536": bytes, binary units. */
int spm_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		goto big;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || end[1])
			goto bad;
		shift = 10 * (u - units + 1);
	}
	if (shift && v > (~0ULL >> shift))
		goto big;
	v <<= shift;
	if (!v)
		return errf(err, errlen, "bad size '%s': must be more than 0",
			    s);
	*bytes = v;
	return 0;
bad:
	return errf(err, errlen, "bad size '%s' (e.g. 64M, 1G, 4096K)", s);
big:
	return errf(err, errlen, "bad size '%s': too large", s);
}

/* Bytes with the largest binary unit that keeps it exact, or one decimal. */
void spm_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (bytes < unit)
			continue;
		if (!(bytes % unit))
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit,
				 units[i]);
		else
			snprintf(buf, len, "%.1f%c", (double)bytes / unit,
				 units[i]);
		return;
	}
	snprintf(buf, len, "%" PRIu64, bytes);
}

void spm_free_cgroup_spec(struct spm_cgroup_spec *spec)
{
	free(spec->path);
	spec->path = NULL;
}

/*
 * CGROUP=NODES[:MODE][:QUOTA]: the cgroup's path is everything up to the
 * last '=', MODE and QUOTA may come in either order.
 */
int spm_parse_cgroup_spec(const char *s, struct spm_cgroup_spec *spec,
			  char *err, size_t errlen)
{
	const char *eq = strrchr(s, '=');
	char *rest, *field, *save = NULL, why[SPM_ERRLEN];
	bool have_mode = false;
	uint64_t bits[1];
	int nr = 0, ret = 0;

	memset(spec, 0, sizeof(*spec));
	if (!eq || eq == s || !eq[1])
		return errf(err, errlen,
			    "'%s' is not CGROUP=NODES[:MODE][:QUOTA]", s);
	spec->path = strndup(s, eq - s);
	rest = strdup(eq + 1);
	if (!spec->path || !rest) {
		ret = errf(err, errlen, "out of memory");
		goto out;
	}
	if (rest[0] == ':' || rest[strlen(rest) - 1] == ':' ||
	    strstr(rest, "::")) {
		ret = errf(err, errlen,
			   "'%s' is not CGROUP=NODES[:MODE][:QUOTA]", s);
		goto out;
	}

	for (field = strtok_r(rest, ":", &save); field;
	     field = strtok_r(NULL, ":", &save), nr++) {
		if (nr == 0) {
			if (spm_parse_nodelist(field, bits, 64, why,
					       sizeof(why))) {
				ret = errf(err, errlen, "%s: %s", s, why);
				goto out;
			}
			if (!bits[0]) {
				ret = errf(err, errlen, "%s: no node given", s);
				goto out;
			}
			spec->nodes = bits[0];
		} else if (nr > 2) {
			ret = errf(err, errlen,
				   "'%s' is not CGROUP=NODES[:MODE][:QUOTA]", s);
			goto out;
		} else if (isdigit((unsigned char)field[0])) {
			if (spec->quota) {
				ret = errf(err, errlen, "%s: two quotas", s);
				goto out;
			}
			if (spm_parse_size(field, &spec->quota, why,
					   sizeof(why))) {
				ret = errf(err, errlen, "%s: %s", s, why);
				goto out;
			}
		} else {
			if (have_mode) {
				ret = errf(err, errlen, "%s: two modes", s);
				goto out;
			}
			if (!strcmp(field, "spill")) {
				spec->spill = true;
			} else if (strcmp(field, "explicit")) {
				ret = errf(err, errlen,
					   "%s: bad mode '%s' (explicit or spill)",
					   s, field);
				goto out;
			}
			have_mode = true;
		}
	}
out:
	free(rest);
	if (ret)
		spm_free_cgroup_spec(spec);
	return ret;
}

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

static int spm_nodes_of(const char *file, uint64_t *mask, char *err,
			size_t errlen)
{
	uint64_t bits[SPM_NODE_WORDS];
	char buf[1024], why[SPM_ERRLEN];
	int ret;

	ret = spm_read_str(file, buf, sizeof(buf));
	if (ret)
		return errf(err, errlen, "cannot read %s: %s", file,
			    strerror(-ret));
	if (spm_parse_nodelist(buf, bits, SPM_MAX_NODES, why, sizeof(why)))
		return errf(err, errlen, "%s: %s", file, why);
	*mask = bits[0];
	return 0;
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
	uint64_t spm = 0, id, bad;
	int i, j, n = 0, nid;

	*reqs = NULL;
	*nr_reqs = 0;
	if (spm_nodes_of(SPM_NODE_DIR "/has_spm", &spm, err, errlen))
		return -EINVAL;

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

/* One line per cgroup and node: CGROUP NODE MODE QUOTA USED. */
int spm_cgroup_list(FILE *f, int fd, char *err, size_t errlen)
{
	struct spm_cgroup_entry e;
	char path[PATH_MAX], name[PATH_MAX + 32], q[32], used[32];
	uint64_t key, next;
	void *prev = NULL;
	int nid;

	fprintf(f, "%-40s %4s %-8s %8s %8s\n", "CGROUP", "NODE", "MODE",
		"QUOTA", "USED");
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &e))
			continue;	/* removed meanwhile */
		if (spm_cgroup_path(key, path, sizeof(path)))
			path[0] = '\0';
		if (path[0])
			snprintf(name, sizeof(name), "%s", path);
		else
			snprintf(name, sizeof(name), "stale (id %" PRIu64 ")",
				 key);
		for (nid = 0; nid < SPM_CGROUP_MAX_NODES; nid++) {
			int64_t b;

			if (!(e.nodes & (1ULL << nid)))
				continue;
			if (e.quota_pages[nid])
				spm_format_size(e.quota_pages[nid] <<
						PAGE_SHIFT_4K, q, sizeof(q));
			else
				snprintf(q, sizeof(q), "-");
			b = path[0] ? numa_lru_bytes(path, nid) : -1;
			if (b >= 0)
				spm_format_size(b, used, sizeof(used));
			else
				snprintf(used, sizeof(used), "-");
			fprintf(f, "%-40s %4d %-8s %8s %8s\n", name, nid,
				e.spill_nodes & (1ULL << nid) ? "spill" :
				"explicit", q, used);
		}
	}
	if (errno != ENOENT)
		return errf(err, errlen, "cannot read the cgroup table: %s",
			    strerror(errno));
	return 0;
}
