// SPDX-License-Identifier: GPL-2.0
/* Two spm_ops maps: a policy must define exactly one. */
#include "test_bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit_a")
int admit_a(unsigned long long *ctx)
{
	return 1;
}

SEC("struct_ops/admit_b")
int admit_b(unsigned long long *ctx)
{
	return 0;
}

SEC(".struct_ops.link")
struct spm_ops ops_a = {
	.admit = (void *)admit_a,
	.name = "a",
};

SEC(".struct_ops.link")
struct spm_ops ops_b = {
	.admit = (void *)admit_b,
	.name = "b",
};
