// SPDX-License-Identifier: GPL-2.0
/* admit() says 0 to every request: the kernel still clamps it. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(deny_all_admit, const struct spm_admit_ctx *req)
{
	return 0;
}

SPM_OPS_DEFINE(test_deny_all_ops,
	       .admit = (void *)deny_all_admit,
	       .name = "test_deny_all");
