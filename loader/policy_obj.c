// SPDX-License-Identifier: GPL-2.0
/*
 * spm-loader: the policy object.  Checks and --set on the opened object
 * (any host), the verifier logs and errors of its load, the reasons the
 * kernel refuses an attach, and the policy's exit record.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "spm-loader.h"

/* Why @file is not a BPF object, when its ELF header tells. */
static const char *elf_problem(const char *file)
{
	unsigned char h[20];
	unsigned int machine, type;
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n < 4 || memcmp(h, "\177ELF", 4))
		return "not an ELF file";
	if (n < (ssize_t)sizeof(h))
		return "truncated ELF header";
	if (h[5] == 2) {	/* ELFDATA2MSB */
		type = h[16] << 8 | h[17];
		machine = h[18] << 8 | h[19];
	} else {
		type = h[17] << 8 | h[16];
		machine = h[19] << 8 | h[18];
	}
	if (machine != 247)	/* EM_BPF */
		return "an ELF file for another machine";
	if (type != 1)		/* ET_REL */
		return "not a relocatable ELF object";
	return NULL;
}

/* Big enough for the tail of a verifier log that tells why. */
#define SPM_LOG_SIZE		(1U << 20)

void spm_free_logs(struct spm_logs *logs)
{
	int i;

	for (i = 0; i < logs->nr_progs; i++)
		free(logs->prog_bufs[i]);
	free(logs->prog_bufs);
	free(logs->btf_buf);
	memset(logs, 0, sizeof(*logs));
}

/*
 * Open @file as a policy object, or explain in @err why not.  The verifier
 * log of each program and the kernel's log of the object's BTF go to
 * buffers of @logs, for spm_load_error().
 */
struct bpf_object *spm_open_policy(const char *file, struct spm_logs *logs,
				   char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct bpf_program *prog;
	struct bpf_object *obj;
	const char *why;
	struct stat sb;
	int ret, i = 0;

	memset(logs, 0, sizeof(*logs));
	if (stat(file, &sb)) {
		errf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(sb.st_mode)) {
		errf(err, errlen, "%s: is a directory, not a BPF object", file);
		return NULL;
	}
	if (access(file, R_OK)) {
		errf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	logs->btf_buf = calloc(1, SPM_LOG_SIZE);
	if (!logs->btf_buf) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	opts.kernel_log_buf = logs->btf_buf;
	opts.kernel_log_size = SPM_LOG_SIZE;
	obj = bpf_object__open_file(file, &opts);
	if (!obj) {
		ret = errno;
		spm_free_logs(logs);
		why = elf_problem(file);
		if (why)
			errf(err, errlen, "%s: not a BPF object (%s)", file, why);
		else
			errf(err, errlen, "%s: not a BPF object (libbpf: %s)",
			     file, strerror(ret));
		return NULL;
	}

	bpf_object__for_each_program(prog, obj)
		logs->nr_progs++;
	logs->prog_bufs = calloc(logs->nr_progs, sizeof(*logs->prog_bufs));
	if (!logs->prog_bufs && logs->nr_progs)
		goto nomem;
	bpf_object__for_each_program(prog, obj) {
		logs->prog_bufs[i] = calloc(1, SPM_LOG_SIZE);
		if (!logs->prog_bufs[i] ||
		    bpf_program__set_log_buf(prog, logs->prog_bufs[i],
					     SPM_LOG_SIZE))
			goto nomem;
		i++;
	}
	return obj;
nomem:
	bpf_object__close(obj);
	spm_free_logs(logs);
	errf(err, errlen, "out of memory");
	return NULL;
}

static const char *btf_name(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	return t ? btf__name_by_offset(btf, t->name_off) : "";
}

static const char *st_ops_type_name(const struct btf *btf,
				    const struct bpf_map *map)
{
	__u32 id = bpf_map__btf_value_type_id(map);

	if (!btf || !id)
		return "";
	return btf_name(btf, id);
}

static void append(char *buf, size_t len, const char *s)
{
	size_t off = strlen(buf);

	if (off < len)
		snprintf(buf + off, len - off, "%s%s", off ? ", " : "", s);
}

/*
 * Find the one struct_ops map whose value type is struct spm_ops, make
 * sure it is created with a link (so it can be polled and pinned) and keep
 * struct_ops maps of other types out of the load.
 */
struct bpf_map *spm_find_ops_map(struct bpf_object *obj, const char *file,
				 char *err, size_t errlen)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map, *found = NULL;
	char ours[128] = "", others[128] = "";
	int nr = 0;

	bpf_object__for_each_map(map, obj) {
		const char *tname;

		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		tname = st_ops_type_name(btf, map);
		if (strcmp(tname, SPM_OPS_TYPE)) {
			append(others, sizeof(others), tname);
			continue;
		}
		append(ours, sizeof(ours), bpf_map__name(map));
		if (!found)
			found = map;
		nr++;
	}

	if (!nr) {
		if (others[0])
			errf(err, errlen,
			     "no spm_ops map in %s (its struct_ops maps are of type %s)",
			     file, others);
		else
			errf(err, errlen, "no spm_ops map in %s", file);
		return NULL;
	}
	if (nr > 1) {
		errf(err, errlen,
		     "%s defines %d spm_ops maps (%s); a policy must define exactly one",
		     file, nr, ours);
		return NULL;
	}

	bpf_object__for_each_map(map, obj) {
		if (map != found && bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			bpf_map__set_autocreate(map, false);
	}
	bpf_map__set_autocreate(found, true);
	if (!(bpf_map__map_flags(found) & BPF_F_LINK))
		bpf_map__set_map_flags(found,
				       bpf_map__map_flags(found) | BPF_F_LINK);
	return found;
}

/* Byte offset and size of member @name of struct @t; -ENOENT if none. */
static int member_of(const struct btf *btf, const struct btf_type *t,
		     const char *name, size_t *off, size_t *size)
{
	const struct btf_member *m = btf_members(t);
	__s64 n;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		n = btf__resolve_size(btf, m->type);
		if (n <= 0)
			return -EINVAL;
		*off = btf_member_bit_offset(t, i) / 8;
		*size = n;
		return 0;
	}
	return -ENOENT;
}

/*
 * The bytes of member @name in the initial value of the struct_ops map
 * @map, and their number in *@size; NULL if there is no such member.
 */
static const char *ops_member(struct bpf_object *obj, struct bpf_map *map,
			      const char *name, size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	size_t data_size, off;
	const char *data;

	data = bpf_map__initial_value(map, &data_size);
	t = btf ? btf__type_by_id(btf, bpf_map__btf_value_type_id(map)) : NULL;
	if (!data || !t || !btf_is_struct(t) ||
	    member_of(btf, t, name, &off, size) || off + *size > data_size)
		return NULL;
	return data + off;
}

/*
 * The policy's name: its struct spm_ops .name, else the map's name.
 * Returns whether .name is set (the kernel refuses a policy without one).
 */
bool spm_policy_name(struct bpf_object *obj, struct bpf_map *map, char *buf,
		     size_t len)
{
	const char *name;
	size_t n;

	snprintf(buf, len, "%s", bpf_map__name(map));
	name = ops_member(obj, map, "name", &n);
	if (!name)
		return false;
	n = strnlen(name, n);
	if (n && n < len) {
		memcpy(buf, name, n);
		buf[n] = '\0';
	}
	return n != 0;
}

/* The policy's struct spm_ops .flags (0 if it has none). */
uint64_t spm_policy_flags(struct bpf_object *obj, struct bpf_map *map)
{
	size_t n = 0;
	const char *p = ops_member(obj, map, "flags", &n);
	uint64_t v = 0;

	/* an object of the host's byte order: libbpf opens no other */
	if (p && n <= sizeof(v))
		memcpy(&v, p, n);
	return v;
}

/* Kernel BTF -> table of enum spm_reason names ("demotion" -> value). */
int spm_reasons_from_btf(const struct btf *btf, struct spm_enum_table *tbl)
{
	const size_t plen = strlen(SPM_REASON_PREFIX);
	const struct btf_type *t;
	int id, i;

	memset(tbl, 0, sizeof(*tbl));
	id = btf__find_by_name_kind(btf, SPM_REASON_ENUM, BTF_KIND_ENUM);
	if (id < 0)
		id = btf__find_by_name_kind(btf, SPM_REASON_ENUM,
					    BTF_KIND_ENUM64);
	if (id < 0) {
		tbl->unavailable =
			"the kernel's BTF has no enum " SPM_REASON_ENUM;
		return -ENOENT;
	}

	t = btf__type_by_id(btf, id);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *name;
		char lower[64];
		int64_t val;
		size_t j;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			name = btf__name_by_offset(btf, e->name_off);
			val = btf_kflag(t) ? (int64_t)e->val : (__u32)e->val;
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			name = btf__name_by_offset(btf, e->name_off);
			val = (int64_t)btf_enum64_value(e);
		}
		if (strncmp(name, SPM_REASON_PREFIX, plen))
			continue;
		name += plen;
		/* sentinels such as SPM_REASON_NR are not reasons */
		if (!*name || *name == '_' || !strcmp(name, "NR") ||
		    !strcmp(name, "MAX") || !strcmp(name, "COUNT"))
			continue;
		for (j = 0; name[j] && j < sizeof(lower) - 1; j++)
			lower[j] = tolower((unsigned char)name[j]);
		lower[j] = '\0';
		if (spm_enum_table_add(tbl, lower, val)) {
			spm_enum_table_free(tbl);
			tbl->unavailable = "out of memory";
			return -ENOMEM;
		}
	}
	return 0;
}

struct spm_var {
	const char *sec;			/* DATASEC name */
	const struct btf_var_secinfo *vsi;
	const struct btf_type *type;		/* modifiers, typedefs skipped */
	bool is_const;
	bool is_volatile;
};

static int find_var(const struct btf *btf, const char *name,
		    struct spm_var *var)
{
	int id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vsi;
		int i;

		if (!btf_is_datasec(t))
			continue;
		vsi = btf_var_secinfos(t);
		for (i = 0; i < btf_vlen(t); i++, vsi++) {
			const struct btf_type *v;
			__u32 tid;

			v = btf__type_by_id(btf, vsi->type);
			if (!btf_is_var(v) ||
			    strcmp(btf__name_by_offset(btf, v->name_off), name))
				continue;

			memset(var, 0, sizeof(*var));
			var->sec = btf__name_by_offset(btf, t->name_off);
			var->vsi = vsi;
			tid = v->type;
			for (;;) {
				const struct btf_type *m = btf__type_by_id(btf, tid);

				if (!m)
					return -EINVAL;
				if (btf_is_const(m))
					var->is_const = true;
				else if (btf_is_volatile(m))
					var->is_volatile = true;
				else if (!btf_is_mod(m) && !btf_is_typedef(m))
					break;
				tid = m->type;
			}
			var->type = btf__type_by_id(btf, tid);
			return 0;
		}
	}
	return -ENOENT;
}

/* List the settable (.rodata, const volatile) variables for an error. */
static void settable_vars(const struct btf *btf, char *buf, size_t len)
{
	int id, n = btf__type_cnt(btf);

	buf[0] = '\0';
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vsi;
		int i;

		if (!btf_is_datasec(t) ||
		    strncmp(btf__name_by_offset(btf, t->name_off), ".rodata", 7))
			continue;
		vsi = btf_var_secinfos(t);
		for (i = 0; i < btf_vlen(t); i++, vsi++) {
			const struct btf_type *v = btf__type_by_id(btf, vsi->type);
			const char *name = btf__name_by_offset(btf, v->name_off);
			struct spm_var var;

			if (!btf_is_var(v) || find_var(btf, name, &var) ||
			    !var.is_volatile)
				continue;
			append(buf, len, name);
		}
	}
}

static void store(void *p, unsigned int size, uint64_t v)
{
	switch (size) {
	case 1:
		*(uint8_t *)p = v;
		break;
	case 2:
		*(uint16_t *)p = v;
		break;
	case 4:
		*(uint32_t *)p = v;
		break;
	case 8:
		*(uint64_t *)p = v;
		break;
	}
}

static int enum_value(const struct btf *btf, const struct btf_type *t,
		      const char *s, uint64_t *out)
{
	int i;

	for (i = 0; i < btf_vlen(t); i++) {
		const char *name;
		uint64_t val;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			name = btf__name_by_offset(btf, e->name_off);
			val = btf_kflag(t) ? (uint64_t)(int64_t)e->val :
					     (uint64_t)(__u32)e->val;
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			name = btf__name_by_offset(btf, e->name_off);
			val = btf_enum64_value(e);
		}
		if (!strcasecmp(name, s)) {
			*out = val;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * --set NAME=VALUE: write VALUE into the initial value of the read-only
 * global NAME, interpreting it according to NAME's BTF type.
 */
int spm_set_var(struct bpf_object *obj, const char *name, const char *value,
		const struct spm_enum_table *reasons, char *err,
		size_t errlen)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	struct bpf_map *map;
	struct spm_var var;
	char why[SPM_ERRLEN];
	unsigned int size;
	uint64_t v = 0;
	size_t sz;
	char *data;
	int ret;

	if (!btf)
		return errf(err, errlen,
			    "--set %s: the object has no BTF (compile it with -g)",
			    name);
	ret = find_var(btf, name, &var);
	if (ret == -ENOENT) {
		settable_vars(btf, why, sizeof(why));
		return errf(err, errlen,
			    "--set %s: unknown variable (settable: %s)", name,
			    why[0] ? why : "none");
	}
	if (ret)
		return errf(err, errlen, "--set %s: bad BTF for the variable",
			    name);
	if (strncmp(var.sec, ".rodata", 7) || !var.is_const)
		return errf(err, errlen,
			    "--set %s: not a const volatile global (it is in %s)",
			    name, var.sec);
	if (!var.is_volatile)
		return errf(err, errlen,
			    "--set %s: const but not volatile, the compiler may have used its value already; declare it const volatile",
			    name);

	t = var.type;
	size = var.vsi->size;
	if (btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL)) {
		bool b;

		if (spm_parse_bool(value, &b))
			return errf(err, errlen,
				    "--set %s=%s: not a bool (true, false, 1, 0)",
				    name, value);
		v = b;
	} else if (btf_is_int(t) && spm_str_ends_with(name, "_nodes")) {
		uint64_t bits[SPM_NODE_WORDS];
		int hi;

		if (spm_parse_nodelist(value, bits, SPM_MAX_NODES, why,
				       sizeof(why)))
			return errf(err, errlen, "--set %s=%s: %s", name,
				    value, why);
		hi = spm_nodelist_highest(bits, SPM_MAX_NODES);
		if (hi >= (int)(size * 8))
			return errf(err, errlen,
				    "--set %s=%s: node %d does not fit in a %u-bit mask",
				    name, value, hi, size * 8);
		v = bits[0];
	} else if (btf_is_int(t) && spm_str_ends_with(name, "_reasons")) {
		if (spm_parse_reasons(value, reasons, size * 8, &v, why,
				      sizeof(why)))
			return errf(err, errlen, "--set %s=%s: %s", name,
				    value, why);
	} else if (btf_is_int(t)) {
		if (spm_parse_int(value, size,
				  btf_int_encoding(t) & BTF_INT_SIGNED, &v,
				  why, sizeof(why)))
			return errf(err, errlen, "--set %s=%s: %s", name,
				    value, why);
	} else if (btf_is_any_enum(t)) {
		if (enum_value(btf, t, value, &v) &&
		    spm_parse_int(value, size, btf_kflag(t), &v, why,
				  sizeof(why)))
			return errf(err, errlen,
				    "--set %s=%s: not an enumerator of enum %s nor a number",
				    name, value,
				    btf__name_by_offset(btf, t->name_off));
	} else {
		return errf(err, errlen,
			    "--set %s: unsupported type (integers, bools and enums can be set)",
			    name);
	}
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return errf(err, errlen, "--set %s: unsupported size %u", name,
			    size);

	map = bpf_object__find_map_by_name(obj, var.sec);
	data = map ? bpf_map__initial_value(map, &sz) : NULL;
	if (!data || var.vsi->offset + size > sz)
		return errf(err, errlen, "--set %s: no %s map in the object",
			    name, var.sec);
	store(data + var.vsi->offset, size, v);
	return 0;
}

/* Does the kernel (its BTF @vmlinux) have struct spm_ops? */
bool spm_btf_has_ops(const struct btf *vmlinux)
{
	return btf__find_by_name_kind(vmlinux, SPM_OPS_TYPE,
				      BTF_KIND_STRUCT) >= 0;
}

/*
 * The line of a verifier log that says why: the last one that is not one
 * of the verifier's closing statistics.  Empty if none.
 */
void spm_verifier_reason(const char *log, char *buf, size_t len)
{
	static const char * const stats[] = {
		"processed ", "verification time", "stack depth", "-- END",
	};
	const char *end = log + strlen(log), *line;
	unsigned int i;
	size_t n;

	buf[0] = '\0';
	while (end > log) {
		while (end > log && (end[-1] == '\n' || end[-1] == ' '))
			end--;
		for (line = end; line > log && line[-1] != '\n'; line--)
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

/*
 * Why bpf_object__load() of @obj failed with @err, in @buf.  Returns the
 * verifier log of the program the kernel rejected, or of the object's
 * BTF, for -v; NULL if the kernel wrote none.
 */
const char *spm_load_error(struct bpf_object *obj,
			   const struct spm_logs *logs, int err, char *buf,
			   size_t len)
{
	struct bpf_program *prog;
	const char *hint = "", *log;
	char why[256];
	bool insn;
	int i = 0;

	bpf_object__for_each_program(prog, obj) {
		log = i < logs->nr_progs ? logs->prog_bufs[i++] : NULL;
		if (!log || !log[0])
			continue;
		spm_verifier_reason(log, why, sizeof(why));
		if (!strncmp(bpf_program__section_name(prog), "struct_ops.s/",
			     13) && strstr(why, "unsupported member"))
			hint = " (only init and exit may be sleepable)";
		/* no message, just the instruction it stopped at */
		insn = isdigit((unsigned char)why[0]) && strstr(why, ": (");
		snprintf(buf, len, "the verifier rejected program '%s'%s %s%s",
			 bpf_program__name(prog),
			 insn ? " at instruction" : ":",
			 why[0] ? why : "(no reason given)", hint);
		return log;
	}
	if (logs->btf_buf && logs->btf_buf[0]) {
		spm_verifier_reason(logs->btf_buf, why, sizeof(why));
		snprintf(buf, len, "the kernel rejected the object's BTF: %s",
			 why);
		return logs->btf_buf;
	}
	snprintf(buf, len, "cannot load the policy: %s", spm_errno_str(-err));
	return NULL;
}

/*
 * Why the kernel refused to attach the policy @name with errno @err:
 * its struct spm_ops (.name, .flags) or its init(), which the kernel
 * records in last_exit as "SEQ error NAME: init() failed with -ERRNO", or
 * "SEQ error NAME: init() returned N, not 0 or -errno" with EPROTO.
 */
void spm_attach_error(int err, const char *name, bool has_name,
		      uint64_t flags, const char *last_exit, char *buf,
		      size_t len)
{
	struct spm_last_exit le;
	bool own_init;
	int ret;

	own_init = has_name && !spm_parse_last_exit(last_exit, &le) &&
		   !strcmp(le.kind, "error") && !strcmp(le.policy, name);
	if (own_init && sscanf(le.message, "init() failed with %d", &ret) == 1 &&
	    ret == -err) {
		snprintf(buf, len, "the policy's init() failed: %s",
			 strerror(err));
		return;
	}
	/* The kernel turns anything else init() returns into EPROTO. */
	if (own_init && err == EPROTO &&
	    sscanf(le.message, "init() returned %d,", &ret) == 1) {
		snprintf(buf, len,
			 "the policy's init() returned %d, not 0 or a negative errno",
			 ret);
		return;
	}
	if (err == EINVAL && !has_name)
		snprintf(buf, len,
			 "the kernel refused the policy: its struct spm_ops has no .name");
	else if (err == EINVAL && flags)
		snprintf(buf, len,
			 "the kernel refused the policy's .flags 0x%llx",
			 (unsigned long long)flags);
	else
		snprintf(buf, len, "cannot attach the policy: %s",
			 spm_errno_str(err));
}

/* Copy member @name of the struct at @data to @dst (at most @len bytes). */
static int copy_member(const struct btf *btf, const struct btf_type *t,
		       const char *data, size_t data_size, const char *name,
		       void *dst, size_t len)
{
	size_t off, size;

	if (member_of(btf, t, name, &off, &size) || off + size > data_size)
		return -EINVAL;
	memcpy(dst, data + off, size < len ? size : len);
	return 0;
}

/*
 * The policy's exit record: the global of type struct spm_uei in its
 * global data (UEI_DEFINE()).  Its map in *@map, its type, offset and
 * size; -ENOENT if the policy has none.
 */
static int find_uei(struct bpf_object *obj, struct bpf_map **map,
		    const struct btf_type **type, size_t *off, size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *t, *v, *st;
	int id, i, n;

	n = btf ? btf__type_cnt(btf) : 0;
	for (id = 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_datasec(t))
			continue;
		vsi = btf_var_secinfos(t);
		for (i = 0; i < btf_vlen(t); i++, vsi++) {
			v = btf__type_by_id(btf, vsi->type);
			st = btf__type_by_id(btf, btf__resolve_type(btf,
								    v->type));
			if (!btf_is_var(v) || !st || !btf_is_struct(st) ||
			    strcmp(btf__name_by_offset(btf, st->name_off),
				   SPM_UEI_TYPE))
				continue;
			*map = bpf_object__find_map_by_name(obj,
					btf__name_by_offset(btf, t->name_off));
			*type = st;
			*off = vsi->offset;
			*size = vsi->size;
			return *map ? 0 : -ENOENT;
		}
	}
	return -ENOENT;
}

/*
 * The exit record in @value, @value_size bytes of the map that holds it
 * (its initial value before the load, its contents after).
 */
int spm_uei_from_value(struct bpf_object *obj, const void *value,
		       size_t value_size, struct spm_uei *uei)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *st;
	struct bpf_map *map;
	size_t off, size;
	const char *data = value;
	int ret;

	memset(uei, 0, sizeof(*uei));
	ret = find_uei(obj, &map, &st, &off, &size);
	if (ret)
		return ret;
	if (off + size > value_size)
		return -EINVAL;
	data += off;
	if (copy_member(btf, st, data, size, "kind", &uei->kind,
			sizeof(uei->kind)) ||
	    copy_member(btf, st, data, size, "exit_code", &uei->exit_code,
			sizeof(uei->exit_code)) ||
	    copy_member(btf, st, data, size, "reason", uei->reason,
			sizeof(uei->reason) - 1) ||
	    copy_member(btf, st, data, size, "msg", uei->msg,
			sizeof(uei->msg) - 1))
		return -EINVAL;
	return 0;
}

/* The exit record from the loaded policy, after the kernel detached it. */
int spm_read_uei(struct bpf_object *obj, struct spm_uei *uei)
{
	const struct btf_type *st;
	struct bpf_map *map;
	size_t off, size;
	__u32 zero = 0;
	char *value;
	int ret;

	memset(uei, 0, sizeof(*uei));
	ret = find_uei(obj, &map, &st, &off, &size);
	if (ret)
		return ret;
	size = bpf_map__value_size(map);
	value = calloc(1, size);
	if (!value)
		return -ENOMEM;
	ret = bpf_map__lookup_elem(map, &zero, sizeof(zero), value, size, 0);
	if (!ret)
		ret = spm_uei_from_value(obj, value, size, uei);
	free(value);
	return ret;
}

/*
 * What spm-loader exits with after the kernel ejected a policy whose
 * record is @uei, as sched_ext's loaders do: the policy's own code when it
 * unregistered itself or was unregistered (kind below @first_error, the
 * kernel's SPM_EXIT_ERROR) and the code fits an exit status; 1 otherwise.
 */
int spm_uei_exit_code(const struct spm_uei *uei, int64_t first_error)
{
	if (!uei->kind || uei->kind >= first_error)
		return SPM_EXIT_FAIL;
	if (uei->exit_code < 0 || uei->exit_code > 255)
		return SPM_EXIT_FAIL;
	return uei->exit_code;
}

/* SPM_EXIT_ERROR of the kernel's enum spm_exit_kind: the first error. */
int spm_first_error_kind(const struct btf *vmlinux, int64_t *kind)
{
	uint64_t v;
	int id;

	id = btf__find_by_name_kind(vmlinux, "spm_exit_kind", BTF_KIND_ENUM);
	if (id < 0 ||
	    enum_value(vmlinux, btf__type_by_id(vmlinux, id), "SPM_EXIT_ERROR",
		       &v))
		return -ENOENT;
	*kind = (int64_t)v;
	return 0;
}
