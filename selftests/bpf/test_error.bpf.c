// SPDX-License-Identifier: GPL-2.0
/* Calls spm_error() from admit(): the kernel must eject it. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(error_admit, const struct spm_admit_ctx *req)
{
	spm_error("test_error: refusing node %d order %u", req->nid, req->order);
	return 0;
}

SPM_OPS_DEFINE(test_error_ops,
	       .admit = (void *)error_admit,
	       .name = "test_error");
