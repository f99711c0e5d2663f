// SPDX-License-Identifier: GPL-2.0
/* No name: the attach must be refused. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(no_name_admit, const struct spm_admit_ctx *req)
{
	return 0;
}

SPM_OPS_DEFINE(test_no_name_ops,
	       .admit = (void *)no_name_admit);
