// SPDX-License-Identifier: GPL-2.0
/*
 * init() returns init_ret, after spm_error() if init_error is set; exit()
 * fills the exit record, so that the loader shows whether it was called.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile s32 init_ret;
const volatile bool init_error;

UEI_DEFINE(uei);

SEC("struct_ops/admit")
s32 BPF_PROG(init_admit, const struct spm_admit_ctx *req)
{
	return 0;
}

SEC("struct_ops.s/init")
s32 BPF_PROG(init_init)
{
	if (init_error)
		spm_error("test_init: init() fails");
	return init_ret;
}

SEC("struct_ops.s/exit")
void BPF_PROG(init_exit, struct spm_exit_info *info)
{
	UEI_RECORD(uei, info);
}

SPM_OPS_DEFINE(test_init_ops,
	       .admit = (void *)init_admit,
	       .init = (void *)init_init,
	       .exit = (void *)init_exit,
	       .name = "test_init");
