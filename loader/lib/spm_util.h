/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by spm-loader and the tests: node lists, sizes, reads of
 * the SPM sysfs files.  No libbpf; built as libspm_util.a.
 */
#ifndef __SPM_UTIL_H
#define __SPM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif

#ifndef SPM_SYSFS_DIR
#define SPM_SYSFS_DIR		"/sys/kernel/mm/spm"
#endif
#define SPM_NODE_DIR		"/sys/devices/system/node"

/* Node ids handled in node lists read from sysfs (MAX_NUMNODES ceiling). */
#define SPM_MAX_NODES		1024
#define SPM_NODE_WORDS		(SPM_MAX_NODES / 64)

/* Format a one-line message into err; returns -EINVAL. */
int errf(char *err, size_t errlen, const char *fmt, ...) __printf(3, 4);

/* Node lists such as "0-1,3", the format of the sysfs node masks. */
int spm_parse_nodelist(const char *s, uint64_t *bits, int nbits,
		       char *err, size_t errlen);
char *spm_format_nodes(const uint64_t *bits, int nbits, char *buf,
		       size_t len);
bool spm_node_isset(const uint64_t *bits, int nid);
int spm_nodelist_highest(const uint64_t *bits, int nbits);

/* Sizes such as "64M", "1G", "4096K": bytes, binary units. */
int spm_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);
void spm_format_size(uint64_t bytes, char *buf, size_t len);

/*
 * sysfs reads; every path is prefixed with spm_sysfs_root ("" unless a
 * test points it at a fake tree).
 */
extern const char *spm_sysfs_root;

int spm_path(char *buf, size_t len, const char *fmt, ...) __printf(3, 4);
int spm_read_str(const char *path, char *buf, size_t len);
int spm_read_u64(const char *path, uint64_t *val);
/*
 * The value of @key in a file of "key value" lines (a node's vmstat,
 * /proc/vmstat): 0, -ENOENT without the key, or the read's -errno.
 */
int spm_read_key(const char *path, const char *key, uint64_t *val);
int spm_read_nodes(const char *path, uint64_t *bits, char *err,
		   size_t errlen);
bool spm_state_is(const char *state);

void spm_sleep_ms(long ms);

#endif /* __SPM_UTIL_H */
