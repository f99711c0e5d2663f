// SPDX-License-Identifier: GPL-2.0
/*
 * Denies every request; in task context only after spinning through
 * bpf_loop(), so that interrupts arrive while it decides.  An interrupt's
 * allocation must be asked too, and denied, not get the built-in verdict.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u32 loops = 1 << 15;

static long spin(u64 i, void *sum)
{
	*(u64 *)sum += i;
	return 0;
}

SEC("struct_ops/admit")
s32 BPF_PROG(deny_slow_admit, const struct spm_admit_ctx *req)
{
	u64 sum = 0;

	if (req->flags & SPM_CTX_IN_TASK)
		bpf_loop(loops, spin, &sum, 0);
	return 0;
}

SPM_OPS_DEFINE(test_deny_slow_ops,
	       .admit = (void *)deny_slow_admit,
	       .name = "test_deny_slow");
