// SPDX-License-Identifier: GPL-2.0
/*
 * admit() spins through bpf_loop(), then denies: the verifier accepts it,
 * and one call takes milliseconds.  The kernel must eject it for running
 * over budget_us; with task_only set it spins in task context only, so
 * that interrupts arrive while it decides, and must be asked too.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u32 loops = 1 << 20;
const volatile bool task_only;

static long spin(u64 i, void *sum)
{
	*(u64 *)sum += i;
	return 0;
}

SEC("struct_ops/admit")
s32 BPF_PROG(slow_admit, const struct spm_admit_ctx *req)
{
	u64 sum = 0;

	if (!task_only || (req->flags & SPM_CTX_IN_TASK))
		bpf_loop(loops, spin, &sum, 0);
	return 0;
}

SPM_OPS_DEFINE(test_slow_ops,
	       .admit = (void *)slow_admit,
	       .name = "test_slow");
