/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spm-loader: attach, detach and inspect struct spm_ops BPF policies.
 *
 * Declarations shared by the loader and its host-side unit tests.
 */
#ifndef __SPM_LOADER_H
#define __SPM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/types.h>

#include "spm_cgroup.h"

#define SPM_LOADER_VERSION	"0.1"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif

/* Exit codes. */
#define SPM_EXIT_OK		0
#define SPM_EXIT_FAIL		1
#define SPM_EXIT_USAGE		2

#define SPM_ERRLEN		512

/* Node ids handled in node lists read from sysfs (MAX_NUMNODES ceiling). */
#define SPM_MAX_NODES		1024
#define SPM_NODE_WORDS		(SPM_MAX_NODES / 64)

/*
 * The struct_ops type and the paths can be overridden with -D to exercise
 * the loader against another struct_ops type on a kernel without SPM.
 */
#ifndef SPM_OPS_TYPE
#define SPM_OPS_TYPE		"spm_ops"
#endif
#define SPM_REASON_ENUM		"spm_reason"
#define SPM_REASON_PREFIX	"SPM_REASON_"

/* Paths; the sysfs ones are relative to spm_sysfs_root (set by tests). */
#ifndef SPM_SYSFS_DIR
#define SPM_SYSFS_DIR		"/sys/kernel/mm/spm"
#endif
#define SPM_NODE_DIR		"/sys/devices/system/node"
#define SPM_BPFFS		"/sys/fs/bpf"
#ifndef SPM_PIN_DIR
#define SPM_PIN_DIR		SPM_BPFFS "/spm_ops"
#endif
#define SPM_PIN_PATH		SPM_PIN_DIR "/link"
#define SPM_PIN_MAPS		SPM_PIN_DIR "/maps"
#ifndef SPM_PIDFILE
#define SPM_PIDFILE		"/run/spm-loader.pid"
#endif

#define SPM_DETACH_TIMEOUT_MS	5000

enum spm_cmd {
	SPM_CMD_NONE,
	SPM_CMD_HELP,
	SPM_CMD_VERSION,
	SPM_CMD_ATTACH,
	SPM_CMD_DETACH,
	SPM_CMD_STATUS,
	SPM_CMD_STATS,
	SPM_CMD_CGROUP,
};

enum spm_cgroup_cmd {
	SPM_CGROUP_NONE,
	SPM_CGROUP_SET,
	SPM_CGROUP_RM,
	SPM_CGROUP_LIST,
};

struct spm_set {
	char *name;		/* points into argv */
	const char *value;	/* points into argv, after '=' */
	size_t name_len;
};

struct spm_args {
	enum spm_cmd cmd;
	const char *file;
	bool pin;
	bool verbose;
	bool json;
	bool watch;
	double interval;	/* --watch period in seconds */
	int nr_sets;
	struct spm_set *sets;	/* nr_sets entries, malloc()ed */
	int nr_allows;
	const char **allows;	/* --allow CGROUP=SPEC, point into argv */
	enum spm_cgroup_cmd cgroup_cmd;
	int nr_operands;
	const char **operands;	/* of cgroup set / rm, point into argv */
};

/* A name -> value table, e.g. the reasons of enum spm_reason. */
struct spm_enum_val {
	char *name;		/* lower case, SPM_REASON_ stripped */
	int64_t value;
};

struct spm_enum_table {
	struct spm_enum_val *vals;
	int nr;
	const char *unavailable;	/* why there is no table, or NULL */
};

/* args.c: command line and value parsing, no libbpf, no sysfs. */
extern const char spm_usage[];

int spm_parse_args(int argc, char **argv, struct spm_args *args,
		   char *err, size_t errlen);
void spm_free_args(struct spm_args *args);

int spm_parse_int(const char *s, unsigned int size, bool is_signed,
		  uint64_t *out, char *err, size_t errlen);
int spm_parse_bool(const char *s, bool *out);
int spm_parse_nodelist(const char *s, uint64_t *bits, int nbits,
		       char *err, size_t errlen);
int spm_nodelist_highest(const uint64_t *bits, int nbits);
bool spm_node_isset(const uint64_t *bits, int nid);
char *spm_format_nodes(const uint64_t *bits, int nbits, char *buf,
		       size_t len);
int spm_parse_reasons(const char *s, const struct spm_enum_table *tbl,
		      int nbits, uint64_t *mask, char *err, size_t errlen);
int spm_enum_table_add(struct spm_enum_table *tbl, const char *name,
		       int64_t value);
void spm_enum_table_free(struct spm_enum_table *tbl);
bool spm_str_ends_with(const char *s, const char *suffix);

void spm_json_string(FILE *f, const char *s);

struct spm_last_exit {
	char kind[32];
	char policy[128];
	const char *message;	/* points into the parsed line */
};

int spm_parse_last_exit(const char *line, struct spm_last_exit *le);

/* object.c: policy object checks and --set, using libbpf. */
struct bpf_object;
struct bpf_map;
struct btf;

struct bpf_object *spm_open_policy(const char *file, char *err,
				   size_t errlen);
struct bpf_map *spm_find_ops_map(struct bpf_object *obj, const char *file,
				 char *err, size_t errlen);
bool spm_policy_name(struct bpf_object *obj, struct bpf_map *map,
		     char *buf, size_t len);
int spm_set_var(struct bpf_object *obj, const char *name, const char *value,
		const struct spm_enum_table *reasons, char *err,
		size_t errlen);
bool spm_has_var(struct bpf_object *obj, const char *name);
int spm_reasons_from_btf(const struct btf *btf, struct spm_enum_table *tbl);

/* cgroup.c: cgroup tables (--allow, spm-loader cgroup). */
#define SPM_CGROUP_ROOT		"/sys/fs/cgroup"
#define SPM_CGROUP_PIN		SPM_PIN_MAPS "/" SPM_CGROUP_TABLE_NAME

/* CGROUP=NODES[:MODE][:QUOTA], parsed, not yet resolved. */
struct spm_cgroup_spec {
	char *path;		/* malloc()ed */
	uint64_t nodes;		/* bit N: node N */
	bool spill;		/* MODE spill (default explicit) */
	uint64_t quota;		/* bytes per node, 0: none */
};

/* One entry of the table, for one cgroup. */
struct spm_cgroup_req {
	uint64_t id;
	char *path;		/* malloc()ed */
	struct spm_cgroup_entry entry;
};

int spm_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);
void spm_format_size(uint64_t bytes, char *buf, size_t len);
int spm_parse_cgroup_spec(const char *s, struct spm_cgroup_spec *spec,
			  char *err, size_t errlen);
void spm_free_cgroup_spec(struct spm_cgroup_spec *spec);
int spm_cgroup_id(const char *path, uint64_t *id, char *err, size_t errlen);
int spm_cgroup_resolve(const char * const *specs, int nr,
		       struct spm_cgroup_req **reqs, int *nr_reqs,
		       char *err, size_t errlen);
void spm_free_cgroup_reqs(struct spm_cgroup_req *reqs, int nr);
void spm_describe_entry(const struct spm_cgroup_entry *e, char *buf,
			size_t len);
int spm_cgroup_table_check(int fd, char *err, size_t errlen);
int spm_cgroup_table_update(int fd, const struct spm_cgroup_req *reqs,
			    int nr, char *err, size_t errlen);
int spm_cgroup_path(uint64_t id, char *buf, size_t len);
int spm_cgroup_list(FILE *f, int fd, char *err, size_t errlen);

/* sysfs.c: /sys/kernel/mm/spm and per-node counters. */
extern const char *spm_sysfs_root;

int spm_path(char *buf, size_t len, const char *fmt, ...) __printf(3, 4);
/* Format a one-line error message into err; returns -EINVAL. */
int errf(char *err, size_t errlen, const char *fmt, ...) __printf(3, 4);
int spm_read_str(const char *path, char *buf, size_t len);
int spm_read_u64(const char *path, uint64_t *val);
bool spm_kernel_has_spm(void);

struct spm_status {
	char state[32];
	char ops[128];
	char nodes[256];
	char last_exit[1024];
	uint64_t enable_seq;
	uint64_t nr_ejected;
	bool has_enable_seq;
	bool has_nr_ejected;
};

int spm_read_status(struct spm_status *st);
void spm_print_status(FILE *f, const struct spm_status *st, bool json);

struct spm_node_stat {
	int nid;
	bool spm;
	bool valid;		/* counters found in the node's vmstat */
	uint64_t admit;
	uint64_t deny;
	uint64_t fallback;
};

int spm_read_stats(struct spm_node_stat *rows, int max, char *err,
		   size_t errlen);
void spm_print_stats(FILE *f, const struct spm_node_stat *rows, int nr,
		     const struct spm_node_stat *prev, int nr_prev,
		     double elapsed);

#endif /* __SPM_LOADER_H */
