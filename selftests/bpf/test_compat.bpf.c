// SPDX-License-Identifier: GPL-2.0
/*
 * Built against an older vmlinux.h (vmlinux_old.h, made by bpf/Makefile),
 * whose enum spm_reason still had SPM_REASON_SLAB = 1 and every later
 * reason one higher.  It admits the bulk allocator's requests only; loaded
 * on this kernel it must still mean the bulk allocator, which spm.bpf.h's
 * CO-RE enum values see to.
 */
#include "vmlinux_old.h"
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(compat_admit, const struct spm_admit_ctx *req)
{
	return req->reason == SPM_REASON_BULK;
}

SPM_OPS_DEFINE(test_compat_ops,
	       .admit = (void *)compat_admit,
	       .name = "test_compat");
