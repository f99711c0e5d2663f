/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spm-loader: attach, detach and inspect struct spm_ops BPF policies.
 *
 * Declarations shared by the loader's files and its host-side tests.
 */
#ifndef __SPM_LOADER_H
#define __SPM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <linux/types.h>

#include "spm_util.h"
#include "spm_cgroup.h"

#define SPM_LOADER_VERSION	"0.2"

/* Exit codes (a policy that exits on its own may set another). */
#define SPM_EXIT_OK		0
#define SPM_EXIT_FAIL		1
#define SPM_EXIT_USAGE		2

#define SPM_ERRLEN		512

/*
 * The struct_ops type can be overridden with -D to exercise the loader
 * against another struct_ops type on a kernel without SPM.
 */
#ifndef SPM_OPS_TYPE
#define SPM_OPS_TYPE		"spm_ops"
#endif
#define SPM_REASON_ENUM		"spm_reason"
#define SPM_REASON_PREFIX	"SPM_REASON_"
/* The policy's exit record, UEI_DEFINE() in bpf/spm.bpf.h. */
#define SPM_UEI_TYPE		"spm_uei"

#define SPM_BPFFS		"/sys/fs/bpf"
#ifndef SPM_PIN_DIR
#define SPM_PIN_DIR		SPM_BPFFS "/spm_ops"
#endif
#define SPM_PIN_PATH		SPM_PIN_DIR "/link"
#define SPM_PIN_MAPS		SPM_PIN_DIR "/maps"
#ifndef SPM_PIDFILE
#define SPM_PIDFILE		"/run/spm-loader.pid"
#endif
#define SPM_CGROUP_ROOT		"/sys/fs/cgroup"
#define SPM_CGROUP_PIN		SPM_PIN_MAPS "/" SPM_CGROUP_TABLE_NAME

#define SPM_DETACH_TIMEOUT_MS	5000

/* ---- args.c: the command line and --set values; no libbpf, no sysfs ---- */

enum spm_cmd {
	SPM_CMD_NONE,
	SPM_CMD_HELP,
	SPM_CMD_VERSION,
	SPM_CMD_ATTACH,
	SPM_CMD_DETACH,
	SPM_CMD_STATUS,
	SPM_CMD_STATS,
	SPM_CMD_CGROUP,
	SPM_NR_CMDS,
};

enum spm_cgroup_cmd {
	SPM_CGROUP_NONE,
	SPM_CGROUP_SET,
	SPM_CGROUP_RM,
	SPM_CGROUP_LIST,
};

struct spm_set {
	char *name;		/* malloc()ed */
	const char *value;	/* points into argv, after '=' */
};

struct spm_args {
	enum spm_cmd cmd;
	enum spm_cmd help_cmd;	/* SPM_CMD_HELP: whose usage, NONE: all */
	bool json;
	bool verbose;
	const char *file;
	bool pin;
	bool watch;
	double interval;	/* --watch period in seconds */
	int nr_sets;
	struct spm_set *sets;
	int nr_allows;
	const char **allows;	/* --allow CGROUP=SPEC, point into argv */
	enum spm_cgroup_cmd cgroup_cmd;
	int nr_operands;
	const char **operands;	/* of cgroup set / rm, point into argv */
};

const char *spm_usage(enum spm_cmd cmd);
int spm_parse_args(int argc, char **argv, struct spm_args *args,
		   char *err, size_t errlen);
void spm_free_args(struct spm_args *args);

int spm_parse_int(const char *s, unsigned int size, bool is_signed,
		  uint64_t *out, char *err, size_t errlen);
int spm_parse_bool(const char *s, bool *out);

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

int spm_parse_reasons(const char *s, const struct spm_enum_table *tbl,
		      int nbits, uint64_t *mask, char *err, size_t errlen);
int spm_enum_table_add(struct spm_enum_table *tbl, const char *name,
		       int64_t value);
void spm_enum_table_free(struct spm_enum_table *tbl);
bool spm_str_ends_with(const char *s, const char *suffix);

/* CGROUP=NODES[:MODE][:QUOTA], parsed, not yet resolved. */
struct spm_cgroup_spec {
	char *path;		/* malloc()ed */
	uint64_t nodes;		/* bit N: node N */
	bool spill;		/* MODE spill (default explicit) */
	uint64_t quota;		/* bytes per node, 0: none */
};

int spm_parse_cgroup_spec(const char *s, struct spm_cgroup_spec *spec,
			  char *err, size_t errlen);
void spm_free_cgroup_spec(struct spm_cgroup_spec *spec);
int spm_parse_cgroup_id(const char *s, uint64_t *id);

/* ---- output.c: one line per result or error, text or JSON ---- */

extern bool spm_json;
extern bool spm_verbose;

void spm_err(const char *fmt, ...) __printf(1, 2);
void spm_warn(const char *fmt, ...) __printf(1, 2);
void spm_emit(json_t *obj);
json_t *spm_json_str(const char *s);
json_t *spm_json_nodes(const uint64_t *bits, int nbits);
const char *spm_errno_str(int err);

/* ---- policy_obj.c: the policy object, with libbpf ---- */

struct bpf_object;
struct bpf_map;
struct btf;

/* Verifier logs of the programs and the object's BTF, kept for errors. */
struct spm_logs {
	char **prog_bufs;	/* one per program, in object order */
	int nr_progs;
	char *btf_buf;
};

struct bpf_object *spm_open_policy(const char *file, struct spm_logs *logs,
				   char *err, size_t errlen);
void spm_free_logs(struct spm_logs *logs);
struct bpf_map *spm_find_ops_map(struct bpf_object *obj, const char *file,
				 char *err, size_t errlen);
bool spm_policy_name(struct bpf_object *obj, struct bpf_map *map,
		     char *buf, size_t len);
uint64_t spm_policy_flags(struct bpf_object *obj, struct bpf_map *map);
int spm_set_var(struct bpf_object *obj, const char *name, const char *value,
		const struct spm_enum_table *reasons, char *err,
		size_t errlen);
int spm_reasons_from_btf(const struct btf *btf, struct spm_enum_table *tbl);
bool spm_btf_has_ops(const struct btf *vmlinux);
const char *spm_load_error(struct bpf_object *obj,
			   const struct spm_logs *logs, int err, char *buf,
			   size_t len);
void spm_verifier_reason(const char *log, char *buf, size_t len);
void spm_attach_error(int err, const char *name, bool has_name,
		      uint64_t flags, const char *last_exit, char *buf,
		      size_t len);

/* The policy's exit record, read after the kernel detached it. */
struct spm_uei {
	int64_t kind;		/* enum spm_exit_kind, 0: nothing recorded */
	int64_t exit_code;
	char reason[32];
	char msg[256];
};

int spm_uei_from_value(struct bpf_object *obj, const void *value,
		       size_t value_size, struct spm_uei *uei);
int spm_read_uei(struct bpf_object *obj, struct spm_uei *uei);
int spm_first_error_kind(const struct btf *vmlinux, int64_t *kind);
int spm_uei_exit_code(const struct spm_uei *uei, int64_t first_error);

/* ---- attach.c: attach and detach ---- */

struct spm_cgroup_req;

json_t *spm_event_json(const char *event, const char *name);
json_t *spm_attached_json(const char *name, bool pinned,
			  const struct spm_cgroup_req *reqs, int nr);
json_t *spm_ejected_json(const char *name, const char *line,
			 const struct spm_uei *uei);
int spm_cmd_attach(const struct spm_args *a);
int spm_cmd_detach(const struct spm_args *a);

/* ---- status.c: status and stats ---- */

struct spm_last_exit {
	unsigned long long seq;	/* enable_seq of the attach that ended */
	char kind[32];
	char policy[128];
	const char *message;	/* points into the parsed line */
};

int spm_parse_last_exit(const char *line, struct spm_last_exit *le);
bool spm_kernel_has_spm(void);
bool spm_require_spm(void);
bool spm_require_root(void);

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
void spm_print_status(FILE *f, const struct spm_status *st);
json_t *spm_last_exit_json(const char *line);
json_t *spm_status_json(const struct spm_status *st);

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
json_t *spm_stats_json(const struct spm_node_stat *rows, int nr,
		       const struct spm_node_stat *prev, int nr_prev,
		       double elapsed);
int spm_cmd_status(const struct spm_args *a);
int spm_cmd_stats(const struct spm_args *a);

/* ---- cgroup_cmd.c: cgroup tables (--allow, spm-loader cgroup) ---- */

/* One entry of the table, for one cgroup. */
struct spm_cgroup_req {
	uint64_t id;
	char *path;		/* malloc()ed */
	struct spm_cgroup_entry entry;
};

int spm_cgroup_id(const char *path, uint64_t *id, char *err, size_t errlen);
int spm_cgroup_resolve(const char * const *specs, int nr,
		       struct spm_cgroup_req **reqs, int *nr_reqs,
		       char *err, size_t errlen);
void spm_free_cgroup_reqs(struct spm_cgroup_req *reqs, int nr);
void spm_describe_entry(const struct spm_cgroup_entry *e, char *buf,
			size_t len);
json_t *spm_entry_json(uint64_t id, const char *path,
		       const struct spm_cgroup_entry *e, bool used);
void spm_print_reqs(const struct spm_cgroup_req *reqs, int nr);
json_t *spm_reqs_json(const struct spm_cgroup_req *reqs, int nr);
int spm_cgroup_table_check(int fd, char *err, size_t errlen);
int spm_cgroup_table_update(int fd, const struct spm_cgroup_req *reqs,
			    int nr, char *err, size_t errlen);
int spm_cgroup_path(uint64_t id, char *buf, size_t len);
json_t *spm_cgroup_table_json(int fd, char *err, size_t errlen);
void spm_print_cgroup_table(FILE *f, json_t *table);
int spm_cgroup_table_cmd(int fd, enum spm_cgroup_cmd cmd,
			 const struct spm_cgroup_req *reqs, int nr);
int spm_cmd_cgroup(const struct spm_args *a);

#endif /* __SPM_LOADER_H */
