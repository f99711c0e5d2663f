// SPDX-License-Identifier: GPL-2.0
/*
 * One spm_ops map in the legacy ".struct_ops" section (the loader must add
 * BPF_F_LINK) next to a struct_ops map of another type (left out of the
 * load), and no name: the map's name is the policy's name.
 */
#include "test_bpf.h"

char _license[] SEC("license") = "GPL";

struct foo_ops {
	int (*run)(void);
};

SEC("struct_ops/foo_run")
int foo_run(unsigned long long *ctx)
{
	return 0;
}

SEC("struct_ops/mixed_admit")
int mixed_admit(unsigned long long *ctx)
{
	return 1;
}

SEC(".struct_ops.link")
struct foo_ops foo = {
	.run = (void *)foo_run,
};

SEC(".struct_ops")
struct spm_ops mixed = {
	.admit = (void *)mixed_admit,
};
