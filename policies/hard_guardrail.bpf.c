// SPDX-License-Identifier: GPL-2.0
/*
 * hard_guardrail: the kernel's built-in SPM rule, written as a policy.
 *
 * An SPM node is admitted only to a request that asks for SPM with
 * __GFP_SPM_NODE and names the node (its nodemask, or its preferred node
 * when it passed none).  allow_reasons admits more: requests of those
 * reasons that name the node, without the flag, e.g. demotion for a
 * compressed-memory node fed only by demotion:
 *
 *	spm-loader attach hard_guardrail.bpf.o --set allow_reasons=demotion
 *
 * User memory policies naming an SPM node are refused (no mpol_check()).
 * Verdicts are counted per reason in the "verdicts" map.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

/* Reasons admitted without __GFP_SPM_NODE: a mask of SPM_REASON_BIT(). */
const volatile u64 allow_reasons;

SPM_VERDICTS_DEFINE();

UEI_DEFINE(uei);

SEC("struct_ops/admit")
s32 BPF_PROG(hard_admit, const struct spm_admit_ctx *req)
{
	u32 reason = req->reason;
	bool asked;
	s32 admit;

	asked = (req->flags & SPM_CTX_GFP_SPM) ||
		(reason < 64 && (allow_reasons & SPM_REASON_BIT(reason)));
	admit = asked && spm_ctx_named(req);
	spm_count_verdict(reason, admit);
	return admit;
}

SEC("struct_ops.s/exit")
void BPF_PROG(hard_exit, struct spm_exit_info *info)
{
	UEI_RECORD(uei, info);
}

SPM_OPS_DEFINE(hard_guardrail_ops,
	       .admit = (void *)hard_admit,
	       .exit = (void *)hard_exit,
	       .name = "hard_guardrail");
