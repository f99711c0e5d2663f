// SPDX-License-Identifier: GPL-2.0
/*
 * node_online() counts its calls per node in online_calls, for the hot-add
 * tests; every other decision is the built-in rule's.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

#define MAX_NODES	1024

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_NODES);
	__type(key, u32);
	__type(value, u64);
} online_calls SEC(".maps");

SEC("struct_ops/node_online")
void BPF_PROG(node_online_count, s32 nid)
{
	u32 key = nid;
	u64 *calls = bpf_map_lookup_elem(&online_calls, &key);

	if (calls)
		__sync_fetch_and_add(calls, 1);
}

SPM_OPS_DEFINE(test_node_online_ops,
	       .node_online = (void *)node_online_count,
	       .name = "test_node_online");
