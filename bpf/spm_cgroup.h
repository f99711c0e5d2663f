/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup table of a policy that spm-loader can fill: --allow at attach,
 * "spm-loader cgroup set|rm|list" while it runs.  Shared by the policy (BPF)
 * and spm-loader (user space); include it after vmlinux.h or
 * <linux/types.h>.
 *
 * A policy declares
 *
 *	struct {
 *		__uint(type, BPF_MAP_TYPE_HASH);
 *		__uint(max_entries, SPM_CGROUP_MAX_ENTRIES);
 *		__uint(map_flags, BPF_F_NO_PREALLOC);
 *		__type(key, __u64);
 *		__type(value, struct spm_cgroup_entry);
 *	} SPM_CGROUP_TABLE SEC(".maps");
 *
 * keyed by cgroup v2 id (the inode number of the cgroup's directory).
 * spm-loader pins it at /sys/fs/bpf/spm_ops/maps/cgroup_table while the
 * policy is attached, with or without --pin.  Entries are allocated as
 * they are added (BPF_F_NO_PREALLOC): a big table costs memory only when
 * it is filled.
 */
#ifndef __SPM_CGROUP_H
#define __SPM_CGROUP_H

#define SPM_CGROUP_TABLE	cgroup_table
#define SPM_CGROUP_TABLE_NAME	"cgroup_table"
#define SPM_CGROUP_MAX_ENTRIES	16384
/* Nodes an entry can name: the ones of the context's u64 nodemask. */
#define SPM_CGROUP_MAX_NODES	64

struct spm_cgroup_entry {
	/* SPM nodes the cgroup's tasks may name (mbind, set_mempolicy...) */
	__u64 nodes;
	/* of those, the ones their allocations may also spill onto */
	__u64 spill_nodes;
	/* per node: at most this many pages of the cgroup there; 0: no limit */
	__u64 quota_pages[SPM_CGROUP_MAX_NODES];
};

#endif /* __SPM_CGROUP_H */
