// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in rule, with a bpf_printk() line for each admitted request:
 * the debugging recipe of bpf/README.md (policy_trace).
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(printk_admit, const struct spm_admit_ctx *req)
{
	s32 admit = (req->flags & SPM_CTX_GFP_SPM) && spm_ctx_named(req);

	if (admit)
		bpf_printk("test_printk: admit nid %d order %u", req->nid,
			   req->order);
	return admit;
}

SPM_OPS_DEFINE(test_printk_ops,
	       .admit = (void *)printk_admit,
	       .name = "test_printk");
