// SPDX-License-Identifier: GPL-2.0
/* A sleepable admit(): must be rejected, admit() runs in atomic context. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops.s/admit")
s32 BPF_PROG(sleepable_admit, const struct spm_admit_ctx *req)
{
	return 0;
}

SPM_OPS_DEFINE(test_sleepable_admit_ops,
	       .admit = (void *)sleepable_admit,
	       .name = "test_sleepable");
