// SPDX-License-Identifier: GPL-2.0
/*
 * soft_guardrail: trust an explicit user memory policy.
 *
 * A task that names an SPM node in mbind() or set_mempolicy() (MPOL_BIND,
 * MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_INTERLEAVE,
 * MPOL_WEIGHTED_INTERLEAVE), in a tmpfs mpol= or as the target of
 * migrate_pages() or move_pages() gets it, for its user memory: page
 * faults, page cache and large folios (user_reasons).  What nobody named
 * stays on system RAM: the default policies, kernel-built masks, page
 * cache without a policy, slab, atomic allocations, and the allocator's
 * fallback under memory pressure.
 *
 * A mask that covers every memory node, such as numactl --interleave=all,
 * names no node in particular: mpol_check() refuses its SPM nodes, so the
 * kernel strips them and the policy interleaves over system RAM.
 * trust_all_nodes_mask=true trusts such a mask too.
 *
 * Kernel callers that pass __GFP_SPM_NODE and name the node are admitted,
 * as by the built-in rule.
 *
 *	spm-loader attach soft_guardrail.bpf.o [--set trust_all_nodes_mask=true]
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

/* Trust a user mask that names every memory node. */
const volatile bool trust_all_nodes_mask;
/* The reasons of the user memory a user policy may put on SPM nodes. */
const volatile u64 user_reasons = SPM_REASONS_DEFAULT;

SPM_VERDICTS_DEFINE();
UEI_DEFINE(uei);

/* A mask of every memory node is nobody's choice of a node. */
static bool all_nodes_mask(const struct spm_admit_ctx *req)
{
	return !trust_all_nodes_mask && (req->flags & SPM_CTX_NODEMASK_ALL);
}

SEC("struct_ops/admit")
s32 BPF_PROG(soft_admit, const struct spm_admit_ctx *req)
{
	bool admit;

	if ((req->flags & SPM_CTX_GFP_SPM) && spm_ctx_named(req))
		admit = true;
	else if (!spm_ctx_user_named(req, spm_reasons_or(user_reasons, SPM_USER_REASONS)))
		admit = false;
	else
		/* mpol_check() stripped the node from such a mask already */
		admit = !all_nodes_mask(req);
	spm_count_verdict(req->reason, admit);
	return admit;
}

SEC("struct_ops/mpol_check")
s32 BPF_PROG(soft_mpol_check, const struct spm_admit_ctx *req)
{
	bool admit = !all_nodes_mask(req);

	spm_count_verdict(SPM_REASON_MPOL_CHECK, admit);
	return admit ? 0 : -EPERM;
}

SEC("struct_ops.s/exit")
void BPF_PROG(soft_exit, struct spm_exit_info *info)
{
	UEI_RECORD(uei, info);
}

SPM_OPS_DEFINE(soft_guardrail_ops,
	       .admit = (void *)soft_admit,
	       .mpol_check = (void *)soft_mpol_check,
	       .exit = (void *)soft_exit,
	       .name = "soft_guardrail");
