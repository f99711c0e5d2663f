// SPDX-License-Identifier: GPL-2.0
/* A policy with .flags set and an exit record already filled in. */
#include "test_bpf.h"

char _license[] SEC("license") = "GPL";

struct spm_uei {
	__s64 kind;
	__s64 exit_code;
	char reason[32];
	char msg[256];
};

__u32 before = 7;
struct spm_uei uei SEC(".data") = {
	.kind = 2,
	.exit_code = 42,
	.reason = "unregistered_by_bpf",
	.msg = "test_exit: done",
};

SEC("struct_ops/uei_admit")
int uei_admit(unsigned long long *ctx)
{
	return before + uei.kind;
}

SEC(".struct_ops.link")
struct spm_ops uei_ops = {
	.admit = (void *)uei_admit,
	.flags = 0x10,
	.name = "uei_policy",
};
