// SPDX-License-Identifier: GPL-2.0
/* admit() returns 7, neither admit nor deny: the kernel must eject it. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(bad_return_admit, const struct spm_admit_ctx *req)
{
	return 7;
}

SPM_OPS_DEFINE(test_bad_return_ops,
	       .admit = (void *)bad_return_admit,
	       .name = "test_bad_return");
