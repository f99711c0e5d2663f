// SPDX-License-Identifier: GPL-2.0
/*
 * admit() spins through bpf_loop(): the verifier accepts it, and one call
 * takes milliseconds.  The kernel must eject it for running over budget_us.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u32 loops = 1 << 20;

static long spin(u64 i, void *sum)
{
	*(u64 *)sum += i;
	return 0;
}

SEC("struct_ops/admit")
s32 BPF_PROG(slow_admit, const struct spm_admit_ctx *req)
{
	u64 sum = 0;

	bpf_loop(loops, spin, &sum, 0);
	return sum == 0;
}

SPM_OPS_DEFINE(test_slow_ops,
	       .admit = (void *)slow_admit,
	       .name = "test_slow");
