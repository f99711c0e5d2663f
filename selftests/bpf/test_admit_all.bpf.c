// SPDX-License-Identifier: GPL-2.0
/* admit() says 1 to every request: the kernel still clamps it. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(admit_all_admit, const struct spm_admit_ctx *req)
{
	return 1;
}

SPM_OPS_DEFINE(test_admit_all_ops,
	       .admit = (void *)admit_all_admit,
	       .name = "test_admit_all");
