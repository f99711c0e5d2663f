// SPDX-License-Identifier: GPL-2.0
/*
 * Admits an SPM node the caller named only if the kernel shows the policy
 * the caller's nodemask right, for nodes above 63 too: the mask must have
 * node 0 and ctx->nid (spm_bpf_ctx_nodemask_test() and
 * SPM_CTX_NID_IN_NODEMASK agreeing), not ctx->nid - 1, and not cover every
 * node with memory; nodes out of range are in no mask.  A request without
 * a nodemask (interleave picks one node) must name the node as preferred.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

static bool mask_as_expected(const struct spm_admit_ctx *req)
{
	s32 nid = req->nid;

	return (req->flags & SPM_CTX_HAS_NODEMASK) &&
	       (req->flags & SPM_CTX_NID_IN_NODEMASK) &&
	       !(req->flags & SPM_CTX_NODEMASK_ALL) &&
	       spm_bpf_ctx_nodemask_test(req, nid) &&
	       spm_bpf_ctx_nodemask_test(req, 0) &&
	       !spm_bpf_ctx_nodemask_test(req, nid - 1) &&
	       !spm_bpf_ctx_nodemask_test(req, -1) &&
	       !spm_bpf_ctx_nodemask_test(req, 1 << 20);
}

SEC("struct_ops/admit")
s32 BPF_PROG(nodemask_admit, const struct spm_admit_ctx *req)
{
	if (req->flags & SPM_CTX_HAS_NODEMASK)
		return mask_as_expected(req);
	return req->nid == req->preferred_nid;
}

SEC("struct_ops/mpol_check")
s32 BPF_PROG(nodemask_mpol_check, const struct spm_admit_ctx *req)
{
	return mask_as_expected(req) ? 0 : -EPERM;
}

SPM_OPS_DEFINE(test_nodemask_ops,
	       .admit = (void *)nodemask_admit,
	       .mpol_check = (void *)nodemask_mpol_check,
	       .name = "test_nodemask");
