// SPDX-License-Identifier: GPL-2.0
/* A policy whose map named cgroup_table is not a cgroup table. */
#include "test_bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, 2);	/* BPF_MAP_TYPE_ARRAY */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cgroup_table SEC(".maps");

SEC("struct_ops/test_admit")
int test_admit(unsigned long long *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&cgroup_table, &key) != 0;
}

SEC(".struct_ops.link")
struct spm_ops bad_table_ops = {
	.admit = (void *)test_admit,
	.name = "bad_table",
};
