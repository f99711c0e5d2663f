// SPDX-License-Identifier: GPL-2.0
/* Writes to the read-only ctx: must be rejected by the verifier. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(ctx_write_admit, struct spm_admit_ctx *req)
{
	req->nid = 0;
	return 0;
}

SPM_OPS_DEFINE(test_ctx_write_ops,
	       .admit = (void *)ctx_write_admit,
	       .name = "test_ctx_write");
