// SPDX-License-Identifier: GPL-2.0
/* Calls spm_exit() from admit(): the kernel must detach it, code and all. */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

UEI_DEFINE(uei);

SEC("struct_ops/admit")
s32 BPF_PROG(exit_admit, const struct spm_admit_ctx *req)
{
	spm_exit(42, "test_exit: done after node %d", req->nid);
	return 0;
}

SEC("struct_ops.s/exit")
void BPF_PROG(exit_exit, struct spm_exit_info *info)
{
	UEI_RECORD(uei, info);
}

SPM_OPS_DEFINE(test_exit_ops,
	       .admit = (void *)exit_admit,
	       .exit = (void *)exit_exit,
	       .name = "test_exit");
