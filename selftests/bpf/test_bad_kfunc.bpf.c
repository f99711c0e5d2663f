// SPDX-License-Identifier: GPL-2.0
/*
 * Calls spm_bpf_cgroup_node_pages() from node_online(), which runs for no
 * allocating task: the kfunc filter must reject it.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

u64 pages;

SEC("struct_ops/node_online")
void BPF_PROG(bad_kfunc_node_online, s32 nid)
{
	pages = spm_bpf_cgroup_node_pages(1, nid);
}

SPM_OPS_DEFINE(test_bad_kfunc_ops,
	       .node_online = (void *)bad_kfunc_node_online,
	       .name = "test_bad_kfunc");
